//! The daily rollups: kept in step with every write of activities and deals
//! (the writer builds a [`RollupDelta`] and applies it in its transaction),
//! rebuilt from raw records on request, and read by reports.

use super::{INSERT_CHUNK, SqlStore, date_text, multi_insert, opt_date, param, params, parse_date, parse_text};
use crate::backend::Backend;
use crate::{CubeSnapshot, DataKind, RollupCounts, RollupStore, StoreError, StoreResult};
use async_trait::async_trait;
use chrono::NaiveDate;
use futures_util::TryStreamExt;
use pacer_core::org::RepId;
use pacer_core::rollup::{ActivityDay, ActivityDayKey, ActivityTotals, DealDay, DealDayKey, DealTotals, RollupDelta};
use sqlx::query::Query;
use sqlx::{AnyConnection, AssertSqlSafe, Database, Encode, Row, Type};

/// Recomputes the activity rollup from raw records (the migration that
/// created the table ran the same statement).
const REBUILD_ACTIVITIES: &str = "INSERT INTO activity_rollup (rep_id, day, activity_type, n, duration_s, duration_n) \
     SELECT rep_id, substr(occurred_at, 1, 10), activity_type, COUNT(*), CAST(COALESCE(SUM(duration_s), 0) AS BIGINT), \
     COUNT(duration_s) FROM activities GROUP BY rep_id, substr(occurred_at, 1, 10), activity_type";

/// Recomputes the deal rollup from raw records.
const REBUILD_DEALS: &str = "INSERT INTO deal_rollup (rep_id, day, kind, status, n, amount_minor) \
     SELECT rep_id, close_date, kind, status, COUNT(*), CAST(SUM(amount_minor) AS BIGINT) \
     FROM deals WHERE close_date IS NOT NULL GROUP BY rep_id, close_date, kind, status";

/// The columns of the activity rollup, its key first.
pub(super) const ACTIVITY_DAY_COLUMNS: [&str; 6] = ["rep_id", "day", "activity_type", "n", "duration_s", "duration_n"];

/// How an INSERT of activity rollup rows adds them to the stored ones (shared with bulk imports).
pub(super) const ADD_ACTIVITY_DAYS: &str = "ON CONFLICT (rep_id, day, activity_type) DO UPDATE SET \
     n = activity_rollup.n + excluded.n, duration_s = activity_rollup.duration_s + excluded.duration_s, \
     duration_n = activity_rollup.duration_n + excluded.duration_n";

/// The columns of the deal rollup, its key first.
pub(super) const DEAL_DAY_COLUMNS: [&str; 6] = ["rep_id", "day", "kind", "status", "n", "amount_minor"];

/// How an INSERT of deal rollup rows adds them to the stored ones (shared with bulk imports).
pub(super) const ADD_DEAL_DAYS: &str = "ON CONFLICT (rep_id, day, kind, status) DO UPDATE SET \
     n = deal_rollup.n + excluded.n, amount_minor = deal_rollup.amount_minor + excluded.amount_minor";

/// Adds `delta` to the rollups; rows whose count falls to zero go.
pub(super) async fn apply(conn: &mut AnyConnection, backend: Backend, delta: &RollupDelta) -> StoreResult<()> {
    let activities = delta.activity_changes();
    for chunk in activities.chunks(INSERT_CHUNK) {
        let sql = format!(
            "{} {ADD_ACTIVITY_DAYS}",
            multi_insert(backend, "activity_rollup", &ACTIVITY_DAY_COLUMNS, chunk.len())
        );
        // Built from fixed names; every value is bound.
        let mut query = sqlx::query(sqlx::AssertSqlSafe(sql));
        for (key, t) in chunk {
            query = query
                .bind(key.rep_id)
                .bind(date_text(key.day))
                .bind(key.activity_type.clone())
                .bind(t.n)
                .bind(t.duration_s)
                .bind(t.duration_n);
        }
        query.execute(&mut *conn).await?;
    }
    for (key, _) in activities.iter().filter(|(_, t)| t.n < 0) {
        sqlx::query("DELETE FROM activity_rollup WHERE rep_id = $1 AND day = $2 AND activity_type = $3 AND n = 0")
            .bind(key.rep_id)
            .bind(date_text(key.day))
            .bind(&key.activity_type)
            .execute(&mut *conn)
            .await?;
    }
    let deals = delta.deal_changes();
    for chunk in deals.chunks(INSERT_CHUNK) {
        let sql = format!("{} {ADD_DEAL_DAYS}", multi_insert(backend, "deal_rollup", &DEAL_DAY_COLUMNS, chunk.len()));
        let mut query = sqlx::query(sqlx::AssertSqlSafe(sql));
        for (key, t) in chunk {
            query = query
                .bind(key.rep_id)
                .bind(date_text(key.day))
                .bind(key.kind.as_str())
                .bind(key.status.as_str())
                .bind(t.n)
                .bind(t.amount_minor);
        }
        query.execute(&mut *conn).await?;
    }
    for (key, _) in deals.iter().filter(|(_, t)| t.n < 0) {
        sqlx::query("DELETE FROM deal_rollup WHERE rep_id = $1 AND day = $2 AND kind = $3 AND status = $4 AND n = 0")
            .bind(key.rep_id)
            .bind(date_text(key.day))
            .bind(key.kind.as_str())
            .bind(key.status.as_str())
            .execute(&mut *conn)
            .await?;
    }
    Ok(())
}

/// `AND rep_id IN (...)` for some reps, with parameters from `first` on.
fn rep_filter(backend: Backend, first: usize, reps: Option<&[RepId]>) -> String {
    match reps {
        None => String::new(),
        Some([]) => " AND 1 = 0".into(),
        Some(reps) => format!(" AND rep_id IN ({})", params(backend, first, reps.len())),
    }
}

impl SqlStore {
    pub(super) async fn rebuild(&self) -> StoreResult<RollupCounts> {
        let mut tx = self.begin_write().await?;
        sqlx::query("DELETE FROM activity_rollup").execute(&mut *tx).await?;
        sqlx::query("DELETE FROM deal_rollup").execute(&mut *tx).await?;
        sqlx::query(REBUILD_ACTIVITIES).execute(&mut *tx).await?;
        sqlx::query(REBUILD_DEALS).execute(&mut *tx).await?;
        // Whatever was cached from the rollups is stale now.
        for kind in [DataKind::Activities, DataKind::Deals] {
            // Without the days changed: caches read everything again.
            super::version::bump(&mut tx, kind, None).await?;
        }
        let activity_days: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM activity_rollup").fetch_one(&mut *tx).await?;
        let deal_days: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM deal_rollup").fetch_one(&mut *tx).await?;
        tx.commit().await?;
        Ok(RollupCounts { activity_days, deal_days })
    }
}

#[async_trait]
impl RollupStore for SqlStore {
    async fn activity_days(
        &self,
        from: NaiveDate,
        to: NaiveDate,
        reps: Option<&[RepId]>,
        types: Option<&[String]>,
        sink: &mut (dyn FnMut(ActivityDay) + Send),
    ) -> StoreResult<()> {
        let type_filter = match types {
            None => String::new(),
            Some([]) => " AND 1 = 0".into(),
            Some(types) => format!(
                " AND activity_type IN ({})",
                params(self.backend(), 3 + reps.map_or(0, <[RepId]>::len), types.len())
            ),
        };
        let sql = format!(
            "SELECT rep_id, day, activity_type, n, duration_s, duration_n FROM activity_rollup \
             WHERE day >= {} AND day <= {}{}{type_filter}",
            param(self.backend(), 1),
            param(self.backend(), 2),
            rep_filter(self.backend(), 3, reps)
        );
        self.stream(sql, DayBinds { from, to, reps, texts: types.unwrap_or_default() }, sink).await
    }

    async fn deal_days(
        &self,
        from: NaiveDate,
        to: NaiveDate,
        reps: Option<&[RepId]>,
        sink: &mut (dyn FnMut(DealDay) + Send),
    ) -> StoreResult<()> {
        let sql = format!(
            "SELECT rep_id, day, kind, status, n, amount_minor FROM deal_rollup WHERE day >= {} AND day <= {}{}",
            param(self.backend(), 1),
            param(self.backend(), 2),
            rep_filter(self.backend(), 3, reps)
        );
        self.stream(sql, DayBinds { from, to, reps, texts: &[] }, sink).await
    }

    async fn rollup_span(&self) -> StoreResult<Option<(NaiveDate, NaiveDate)>> {
        let row = sqlx::query(
            "SELECT MIN(d) AS first_day, MAX(d) AS last_day FROM (\
             SELECT MIN(day) AS d FROM activity_rollup UNION ALL SELECT MAX(day) FROM activity_rollup \
             UNION ALL SELECT MIN(day) FROM deal_rollup UNION ALL SELECT MAX(day) FROM deal_rollup) AS t",
        )
        .fetch_one(&self.pool)
        .await?;
        match (opt_date(&row, "first_day")?, opt_date(&row, "last_day")?) {
            (Some(first), Some(last)) => Ok(Some((first, last))),
            _ => Ok(None),
        }
    }

    async fn cube_snapshot(&self) -> StoreResult<Option<CubeSnapshot>> {
        let row = sqlx::query("SELECT activities_version, deals_version, bytes FROM cube_snapshot WHERE id = 1")
            .fetch_optional(&self.pool)
            .await?;
        row.map(|row| {
            Ok(CubeSnapshot {
                activities_version: row.try_get("activities_version")?,
                deals_version: row.try_get("deals_version")?,
                bytes: row.try_get("bytes")?,
            })
        })
        .transpose()
    }

    async fn keep_cube_snapshot(&self, snapshot: &CubeSnapshot) -> StoreResult<()> {
        sqlx::query(
            "INSERT INTO cube_snapshot (id, activities_version, deals_version, bytes) VALUES (1, $1, $2, $3) \
             ON CONFLICT (id) DO UPDATE SET activities_version = excluded.activities_version, \
             deals_version = excluded.deals_version, bytes = excluded.bytes",
        )
        .bind(snapshot.activities_version)
        .bind(snapshot.deals_version)
        .bind(snapshot.bytes.clone())
        .execute(&self.pool)
        .await?;
        Ok(())
    }
}

impl SqlStore {
    /// Feeds the rows of a read of a rollup to `sink` as they come: on SQLite through its own
    /// library on a blocking thread, in batches; else through `Any`.
    async fn stream<T: DayRow + Send + 'static>(
        &self,
        sql: String,
        binds: DayBinds<'_>,
        sink: &mut (dyn FnMut(T) + Send),
    ) -> StoreResult<()> {
        let Some(file) = &self.reader else {
            // Built from fixed names and numbered parameters; every value is bound.
            let mut rows = binds.bind(sqlx::query(AssertSqlSafe(sql))).fetch(&self.pool);
            while let Some(row) = rows.try_next().await? {
                sink(T::read(&row)?);
            }
            return Ok(());
        };
        let (file, values) = (file.clone(), binds.values());
        let (batches, mut received) = tokio::sync::mpsc::channel::<StoreResult<Vec<T>>>(4);
        let reading = tokio::task::spawn_blocking(move || {
            if let Err(e) = read_sqlite(&file, &sql, values, &batches) {
                // The receiver is gone only when the read was abandoned: nothing to tell then.
                let _ = batches.blocking_send(Err(e));
            }
        });
        while let Some(batch) = received.recv().await {
            batch?.into_iter().for_each(&mut *sink);
        }
        // A read that panicked is the database's worker gone, as sqlx says of its own.
        reading.await.map_err(|_| StoreError::Database(sqlx::Error::WorkerCrashed))
    }
}

/// Rows a blocking read hands over at once.
const BATCH_ROWS: usize = 8192;

/// Reads the rows of `sql` from the SQLite file and sends them in batches, on a blocking thread.
fn read_sqlite<T: DayRow>(
    file: &std::path::Path,
    sql: &str,
    values: Vec<rusqlite::types::Value>,
    batches: &tokio::sync::mpsc::Sender<StoreResult<Vec<T>>>,
) -> StoreResult<()> {
    use rusqlite::OpenFlags;
    let conn = rusqlite::Connection::open_with_flags(
        file,
        OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX | OpenFlags::SQLITE_OPEN_URI,
    )?;
    conn.busy_timeout(crate::backend::BUSY_TIMEOUT)?;
    let mut statement = conn.prepare(sql)?;
    // Columns found by position: asking SQLite each row's column by name costs more than the row.
    let names: Vec<String> = statement.column_names().into_iter().map(String::from).collect();
    let mut rows = statement.query(rusqlite::params_from_iter(values))?;
    let mut batch = Vec::with_capacity(BATCH_ROWS);
    while let Some(row) = rows.next()? {
        batch.push(T::read(&NamedRow { row, names: &names })?);
        if batch.len() == BATCH_ROWS && batches.blocking_send(Ok(std::mem::take(&mut batch))).is_err() {
            return Ok(());
        }
    }
    if !batch.is_empty() {
        let _ = batches.blocking_send(Ok(batch));
    }
    Ok(())
}

/// A row of SQLite's own library with its statement's column names.
struct NamedRow<'r, 's> {
    row: &'r rusqlite::Row<'s>,
    names: &'r [String],
}

impl NamedRow<'_, '_> {
    fn index(&self, column: &'static str) -> StoreResult<usize> {
        self.names
            .iter()
            .position(|n| n == column)
            .ok_or_else(|| rusqlite::Error::InvalidColumnName(column.to_string()).into())
    }
}

impl Columns for NamedRow<'_, '_> {
    fn int(&self, column: &'static str) -> StoreResult<i64> {
        Ok(self.row.get(self.index(column)?)?)
    }

    fn text(&self, column: &'static str) -> StoreResult<&str> {
        Ok(self.row.get_ref(self.index(column)?)?.as_str().map_err(rusqlite::Error::from)?)
    }
}

/// The parameters of a read of rollup rows, in their order: the days, the reps, then texts
/// (activity types).
struct DayBinds<'a> {
    from: NaiveDate,
    to: NaiveDate,
    reps: Option<&'a [RepId]>,
    texts: &'a [String],
}

impl DayBinds<'_> {
    /// The values in their order, for SQLite's own library.
    fn values(&self) -> Vec<rusqlite::types::Value> {
        use rusqlite::types::Value;
        let mut values = vec![Value::Text(date_text(self.from)), Value::Text(date_text(self.to))];
        values.extend(self.reps.unwrap_or_default().iter().map(|rep| Value::Integer(*rep)));
        values.extend(self.texts.iter().map(|t| Value::Text(t.clone())));
        values
    }

    fn bind<'q, DB: Database>(&self, mut query: Query<'q, DB, DB::Arguments>) -> Query<'q, DB, DB::Arguments>
    where
        String: Encode<'q, DB> + Type<DB>,
        i64: Encode<'q, DB> + Type<DB>,
    {
        query = query.bind(date_text(self.from)).bind(date_text(self.to));
        for rep in self.reps.unwrap_or_default() {
            query = query.bind(*rep);
        }
        for t in self.texts {
            query = query.bind(t.clone());
        }
        query
    }
}

/// The columns of a row of either driver, decoded in place.
trait Columns {
    fn int(&self, column: &'static str) -> StoreResult<i64>;
    fn text(&self, column: &'static str) -> StoreResult<&str>;
}

impl Columns for sqlx::any::AnyRow {
    fn int(&self, column: &'static str) -> StoreResult<i64> {
        Ok(self.try_get(column)?)
    }

    fn text(&self, column: &'static str) -> StoreResult<&str> {
        Ok(self.try_get(column)?)
    }
}

/// A row of a rollup: keyed by rep and day first, like both rollups.
trait DayRow: Sized {
    /// The rollup's day column, for a message when it does not read.
    const DAY: &'static str;

    /// The row, from the rest of its columns.
    fn decode(row: &impl Columns, rep_id: RepId, day: NaiveDate) -> StoreResult<Self>;

    fn read(row: &impl Columns) -> StoreResult<Self> {
        Self::decode(row, row.int("rep_id")?, parse_date(Self::DAY, row.text("day")?)?)
    }
}

impl DayRow for ActivityDay {
    const DAY: &'static str = "activity_rollup.day";

    fn decode(row: &impl Columns, rep_id: RepId, day: NaiveDate) -> StoreResult<Self> {
        let totals =
            ActivityTotals { n: row.int("n")?, duration_s: row.int("duration_s")?, duration_n: row.int("duration_n")? };
        Ok((ActivityDayKey { rep_id, day, activity_type: row.text("activity_type")?.to_string() }, totals))
    }
}

impl DayRow for DealDay {
    const DAY: &'static str = "deal_rollup.day";

    fn decode(row: &impl Columns, rep_id: RepId, day: NaiveDate) -> StoreResult<Self> {
        let key = DealDayKey {
            rep_id,
            day,
            kind: parse_text("deal_rollup.kind", row.text("kind")?)?,
            status: parse_text("deal_rollup.status", row.text("status")?)?,
        };
        Ok((key, DealTotals { n: row.int("n")?, amount_minor: row.int("amount_minor")? }))
    }
}
