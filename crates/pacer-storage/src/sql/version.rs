//! The data versions: a counter per kind of data in `data_versions`, moved in
//! the transaction of every write of it, and the days each change of the
//! rollups touched (`rollup_changes`), so that servers caching what they
//! compute from the data know when, and where, it changed.

use super::{SqlStore, date_text, get_date};
use crate::{DataKind, StoreResult, VersionStore};
use async_trait::async_trait;
use chrono::NaiveDate;
use sqlx::{AnyConnection, Row};

impl DataKind {
    /// Its name in `data_versions` and `rollup_changes`.
    fn as_str(self) -> &'static str {
        match self {
            DataKind::Activities => "activities",
            DataKind::Deals => "deals",
            DataKind::Subscriptions => "subscriptions",
            DataKind::Organisation => "organisation",
            DataKind::Plans => "plans",
        }
    }
}

/// Moves the counter of a kind of data (`$1`) in `data_versions`.
const BUMP_VERSION: &str = "UPDATE data_versions SET version = version + 1 WHERE name = $1";

/// Records the days (`$2` to `$3`) that the rollup change just counted touched.
const NOTE_CHANGED_DAYS: &str = "INSERT INTO rollup_changes (name, version, first_day, last_day) \
     SELECT name, version, $2, $3 FROM data_versions WHERE name = $1";

/// Keeps the last thousand changes' days: a cache further behind reads everything again.
const PRUNE_CHANGED_DAYS: &str = "DELETE FROM rollup_changes WHERE name = $1 \
     AND version <= (SELECT version FROM data_versions WHERE name = $1) - 1000";

/// The statements, with their text parameters, that move the counter of a
/// kind of data inside the writer's transaction: servers caching what they
/// compute from it see the change with the data. `days`, for a change of
/// the rollups, lets them read only those days again.
pub(super) fn statements(kind: DataKind, days: Option<(NaiveDate, NaiveDate)>) -> Vec<(&'static str, Vec<String>)> {
    let name = kind.as_str();
    let mut out = vec![(BUMP_VERSION, vec![name.to_string()])];
    if let Some((first, last)) = days {
        out.push((NOTE_CHANGED_DAYS, vec![name.to_string(), date_text(first), date_text(last)]));
        out.push((PRUNE_CHANGED_DAYS, vec![name.to_string()]));
    }
    out
}

/// Runs [`statements`] on a connection of the pool.
pub(super) async fn bump(
    conn: &mut AnyConnection,
    kind: DataKind,
    days: Option<(NaiveDate, NaiveDate)>,
) -> StoreResult<()> {
    for (sql, params) in statements(kind, days) {
        let mut query = sqlx::query(sql);
        for p in params {
            query = query.bind(p);
        }
        query.execute(&mut *conn).await?;
    }
    Ok(())
}

/// The counter an audited entity's changes move: servers cache the
/// organisation (settings, teams, reps and their memberships) and plans.
pub(super) fn of_entity(entity: &str) -> Option<DataKind> {
    match entity {
        "organisation" | "team" | "rep" => Some(DataKind::Organisation),
        "plan" => Some(DataKind::Plans),
        _ => None,
    }
}

#[async_trait]
impl VersionStore for SqlStore {
    async fn data_version(&self, kind: DataKind) -> StoreResult<i64> {
        let version: Option<i64> = sqlx::query_scalar("SELECT version FROM data_versions WHERE name = $1")
            .bind(kind.as_str())
            .fetch_optional(&self.pool)
            .await?;
        Ok(version.unwrap_or(0))
    }

    async fn changed_days(&self, kind: DataKind, after: i64, upto: i64) -> StoreResult<Option<(NaiveDate, NaiveDate)>> {
        let row = sqlx::query(
            "SELECT COUNT(*) AS n, MIN(first_day) AS first_day, MAX(last_day) AS last_day FROM rollup_changes \
             WHERE name = $1 AND version > $2 AND version <= $3",
        )
        .bind(kind.as_str())
        .bind(after)
        .bind(upto)
        .fetch_one(&self.pool)
        .await?;
        let n: i64 = row.try_get("n")?;
        if after >= upto || n != upto - after {
            return Ok(None);
        }
        Ok(Some((get_date(&row, "first_day")?, get_date(&row, "last_day")?)))
    }
}
