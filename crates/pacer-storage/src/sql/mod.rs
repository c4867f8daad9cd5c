//! The SQL implementation of the storage traits, for SQLite and PostgreSQL.
//! Dates are stored as ISO text and money as integer minor units, so one set
//! of queries serves both backends through sqlx's `Any` driver; what differs
//! lives in `backend.rs` (connections and their pragmas) and in each
//! backend's migrations (DDL).

mod access;
pub(crate) mod backup;
mod bulk;
mod catalog;
mod columns;
mod digest;
mod fx;
mod org;
mod plan;
mod records;
mod review;
mod rollup;
mod version;

pub use backup::{BackupFile, CopyProgress, Progress, TableRows};

use crate::backend::{Backend, DatabaseUrl};
use crate::error::StoreError;
use crate::{StoreResult, migrate};
use chrono::{Datelike, NaiveDate, NaiveDateTime, Timelike};
use pacer_core::audit::{Actor, AuditAction};
use serde::Serialize;
use sqlx::any::AnyRow;
use sqlx::{AnyConnection, AnyPool, AssertSqlSafe, Row};

/// How many rows go into one multi-row INSERT: keeps statements under both
/// backends' bind-parameter limits (SQLite: 32766) while staying fast.
const INSERT_CHUNK: usize = 500;

/// The SQL store, for both backends.
#[derive(Clone)]
pub struct SqlStore {
    pool: AnyPool,
    url: DatabaseUrl,
    /// SQLite: the file the rollups are read from in bulk ([`DatabaseUrl::rollup_file`]).
    reader: Option<std::path::PathBuf>,
}

impl SqlStore {
    /// Connects, applies pending migrations, and returns the store.
    pub async fn connect(url: &DatabaseUrl) -> StoreResult<Self> {
        let pool = url.pool().await?;
        migrate::run(&pool, url.backend()).await?;
        let reader = url.rollup_file()?;
        Ok(Self { pool, url: url.clone(), reader })
    }

    /// Closes every connection.
    pub async fn close(&self) {
        self.pool.close().await;
    }

    /// Begins the transaction of a write. On SQLite it takes the write lock at once
    /// (`BEGIN IMMEDIATE`), waiting for another writer as long as the busy timeout allows: a
    /// transaction that reads first and writes later cannot wait at its first write, and would
    /// fail with "database is locked" while another connection's transaction ends.
    async fn begin_write(&self) -> StoreResult<sqlx::Transaction<'static, sqlx::Any>> {
        begin_write(&self.pool, self.backend()).await
    }

    /// Which backend this store talks to.
    pub fn backend(&self) -> Backend {
        self.url.backend()
    }

    /// The rows of `select` (a query of a table with a `fiscal_year` column) of one fiscal
    /// year, or of all, in `order`.
    async fn of_fiscal_year(
        &self,
        select: &'static str,
        fiscal_year: Option<i32>,
        order: &'static str,
    ) -> StoreResult<Vec<AnyRow>> {
        // Built from fixed names; the year is bound.
        Ok(match fiscal_year {
            Some(year) => {
                sqlx::query(AssertSqlSafe(format!("{select} WHERE fiscal_year = $1 ORDER BY {order}")))
                    .bind(i64::from(year))
                    .fetch_all(&self.pool)
                    .await?
            }
            None => sqlx::query(AssertSqlSafe(format!("{select} ORDER BY {order}"))).fetch_all(&self.pool).await?,
        })
    }

    /// Whether the database answers a trivial query.
    pub async fn ping(&self) -> StoreResult<()> {
        sqlx::query("SELECT 1").execute(&self.pool).await?;
        Ok(())
    }
}

/// [`SqlStore::begin_write`] on a pool of `backend`.
async fn begin_write(pool: &AnyPool, backend: Backend) -> StoreResult<sqlx::Transaction<'static, sqlx::Any>> {
    Ok(match backend {
        Backend::Sqlite => pool.begin_with("BEGIN IMMEDIATE").await?,
        Backend::Postgres => pool.begin().await?,
    })
}

// Dates and timestamps are stored as ISO text, written and read for every
// record and rollup row: plain digit formatting and parsing rather than
// chrono's format strings, which are interpreted at each call. Years outside
// 0..=9999 (written with a sign by chrono) take chrono's way.

fn date_text(d: NaiveDate) -> String {
    if (0..=9999).contains(&d.year()) {
        format!("{:04}-{:02}-{:02}", d.year(), d.month(), d.day())
    } else {
        d.format("%Y-%m-%d").to_string()
    }
}

/// The bound just after day `d` for timestamps stored as text (`occurred_at < bound`): the next
/// day, or after 31 December 9999 (whose next day has no four-digit year) a text that sorts after
/// every timestamp of that day. Stored days are plausible (`pacer_core::limits`), never later.
fn day_after_text(d: NaiveDate) -> String {
    match d.succ_opt() {
        Some(next) if next.year() <= 9999 => date_text(next),
        _ => "9999-12-32".to_owned(),
    }
}

fn parse_date(column: &'static str, text: &str) -> StoreResult<NaiveDate> {
    let corrupt = || StoreError::Corrupt { column, value: text.into() };
    match text.as_bytes() {
        [y0, y1, y2, y3, b'-', m0, m1, b'-', d0, d1] => {
            let digits =
                |ds: &[u8]| ds.iter().try_fold(0u32, |n, b| b.is_ascii_digit().then(|| n * 10 + u32::from(b - b'0')));
            let (year, month, day) = (digits(&[*y0, *y1, *y2, *y3]), digits(&[*m0, *m1]), digits(&[*d0, *d1]));
            match (year, month, day) {
                (Some(y), Some(m), Some(d)) => NaiveDate::from_ymd_opt(y as i32, m, d).ok_or_else(corrupt),
                _ => Err(corrupt()),
            }
        }
        _ => NaiveDate::parse_from_str(text, "%Y-%m-%d").map_err(|_| corrupt()),
    }
}

/// A stored text that names a value (a deal's kind, a record's source, a number); `column`
/// says where it was when it names none.
fn parse_text<T: std::str::FromStr>(column: &'static str, text: &str) -> StoreResult<T> {
    text.parse().map_err(|_| StoreError::Corrupt { column, value: text.to_string() })
}

fn get_date(row: &AnyRow, column: &'static str) -> StoreResult<NaiveDate> {
    parse_date(column, &row.try_get::<String, _>(column)?)
}

fn opt_date(row: &AnyRow, column: &'static str) -> StoreResult<Option<NaiveDate>> {
    row.try_get::<Option<String>, _>(column)?.map(|t| parse_date(column, &t)).transpose()
}

/// A boolean column, read as an integer: sqlx's `Any` driver cannot decode
/// SQLite's BOOLEAN, so queries select `CAST(col AS INTEGER)`.
fn get_flag(row: &AnyRow, column: &'static str) -> StoreResult<bool> {
    Ok(row.try_get::<i64, _>(column)? != 0)
}

fn datetime_text(t: NaiveDateTime) -> String {
    if (0..=9999).contains(&t.year()) {
        format!("{:04}-{:02}-{:02}T{:02}:{:02}:{:02}", t.year(), t.month(), t.day(), t.hour(), t.minute(), t.second())
    } else {
        t.format("%Y-%m-%dT%H:%M:%S").to_string()
    }
}

fn now_text() -> String {
    chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
}

fn to_json<T: Serialize>(value: &T) -> StoreResult<String> {
    serde_json::to_string(value).map_err(|e| StoreError::Conflict(format!("cannot encode value: {e}")))
}

/// The one statement that appends to the audit log. Empty texts are NULL, so that the bulk
/// path (which binds texts only) and [`audit`] write the same rows.
pub(super) const AUDIT_INSERT: &str = "INSERT INTO audit_log (at, actor, action, entity, entity_id, before_json, after_json, reason) \
     VALUES ($1, $2, $3, $4, $5, NULLIF($6, ''), NULLIF($7, ''), NULLIF($8, ''))";

/// Appends one entry to the audit log, inside the caller's transaction so
/// that a change and its record land together or not at all; a change to
/// cached data also moves its version.
async fn audit<B: Serialize, A: Serialize>(
    conn: &mut AnyConnection,
    actor: &Actor,
    action: AuditAction,
    entity_id: String,
    before: Option<&B>,
    after: Option<&A>,
) -> StoreResult<()> {
    let entity = action.kind().as_str();
    sqlx::query(AUDIT_INSERT)
        .bind(now_text())
        .bind(&actor.name)
        .bind(action.as_str())
        .bind(entity)
        .bind(entity_id)
        .bind(before.map(to_json).transpose()?)
        .bind(after.map(to_json).transpose()?)
        .bind(&actor.reason)
        .execute(&mut *conn)
        .await?;
    if let Some(kind) = version::of_entity(entity) {
        version::bump(conn, kind, None).await?;
    }
    Ok(())
}

/// The `n`th (1-based) bind parameter of a generated statement. SQLite gets
/// plain `?`: sqlx looks a `$N` parameter up by name, which costs time
/// quadratic in the number of parameters of a long multi-row statement.
fn param(backend: Backend, n: usize) -> String {
    match backend {
        Backend::Sqlite => "?".to_string(),
        Backend::Postgres => format!("${n}"),
    }
}

/// `count` bind parameters from number `first` on, comma-separated.
fn params(backend: Backend, first: usize, count: usize) -> String {
    (first..first + count).map(|n| param(backend, n)).collect::<Vec<_>>().join(", ")
}

/// Builds `INSERT INTO table (cols) VALUES ($1, ..), (..)` for `rows` rows.
fn multi_insert(backend: Backend, table: &str, columns: &[&str], rows: usize) -> String {
    let width = columns.len();
    let values: Vec<String> = (0..rows).map(|r| format!("({})", params(backend, r * width + 1, width))).collect();
    format!("INSERT INTO {table} ({}) VALUES {}", columns.join(", "), values.join(", "))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn multi_insert_numbers_parameters() {
        assert_eq!(
            multi_insert(Backend::Postgres, "t", &["a", "b"], 2),
            "INSERT INTO t (a, b) VALUES ($1, $2), ($3, $4)"
        );
        assert_eq!(multi_insert(Backend::Sqlite, "t", &["a", "b"], 2), "INSERT INTO t (a, b) VALUES (?, ?), (?, ?)");
    }

    #[test]
    fn dates_and_times_read_and_write_as_chrono_would() {
        use rand::{Rng, SeedableRng};
        let mut rng = rand::rngs::StdRng::seed_from_u64(11);
        let first = NaiveDate::from_ymd_opt(-50, 1, 1).unwrap();
        for _ in 0..20_000 {
            let day = first + chrono::Days::new(rng.random_range(0..3_700_000));
            let at =
                day.and_hms_opt(rng.random_range(0..24), rng.random_range(0..60), rng.random_range(0..60)).unwrap();
            assert_eq!(date_text(day), day.format("%Y-%m-%d").to_string());
            assert_eq!(datetime_text(at), at.format("%Y-%m-%dT%H:%M:%S").to_string());
            assert_eq!(parse_date("t", &date_text(day)).unwrap(), day);
        }
        for bad in ["2026-02-30", "2026-13-01", "2026-1a-01", "", "2026-01-01x"] {
            assert!(parse_date("t", bad).is_err(), "{bad}");
        }
    }
}
