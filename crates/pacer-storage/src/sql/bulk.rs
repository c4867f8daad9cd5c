//! Bulk imports: a file's records written chunk by chunk in one transaction
//! ([`ImportStore::begin_import`]), with the rules of the upserts in
//! `records.rs`: records keyed by (source, external id), account-months by
//! (account, month); a key given twice in a chunk, the last record wins; the
//! same values write nothing; the daily rollups take every change in the same
//! transaction, and `data_versions` moves when something changed.
//!
//! An import runs on a connection of the backend's own driver, opened from
//! the store's URL, rather than through `Any`: `Any` boxes every bound value,
//! and only the PostgreSQL driver speaks COPY. On SQLite the rows go in as
//! multi-row INSERTs with `?` parameters; on PostgreSQL each chunk is copied
//! into a temporary table and moved with one `INSERT ... SELECT`.
//!
//! Each chunk is first inserted optimistically, skipping keys already stored:
//! when every row went in, as in a first import, that is all. When some key
//! was stored, the chunk is undone (PostgreSQL: back to a savepoint; SQLite:
//! its new rows deleted, as they are the last rowids) and written carefully:
//! the stored values of its keys are read, unchanged records left alone,
//! changed ones updated (the rollups lose their old values); later chunks are
//! written carefully too, until one finds none of its keys stored.
//!
//! On SQLite a statement that inserts several rows and may fail half-way
//! copies every page it touches to a journal first, so that it can be undone
//! alone; for an import that doubles the work. So the rows go in with
//! `INSERT OR IGNORE` and foreign keys off on the import's connection: no
//! row can fail alone. What that would let through is checked instead: a row
//! the database ignored though its key was not stored breaks a rule (an error),
//! and the reps of the records written must exist (checked at commit).
//!
//! The rollup change is summed in memory and added to the rollup tables
//! through a temporary table every [`ROLLUP_FLUSH`] records and at commit:
//! one day of one rep's activities of one type is one rollup row, so a large
//! import changes millions of them, and holding them all would make memory
//! grow with the file.

use super::records::{activity_day, deal_day, fields_json};
use super::rollup::{ACTIVITY_DAY_COLUMNS, ADD_ACTIVITY_DAYS, ADD_DEAL_DAYS, DEAL_DAY_COLUMNS};
use super::{SqlStore, date_text, datetime_text, parse_date, version_statements};
use crate::backend::Backend;
use crate::error::StoreError;
use crate::{ImportStore, RecordImport, StoreResult, UpsertCounts};
use async_trait::async_trait;
use chrono::NaiveDate;
use futures_util::future::join;
use pacer_core::org::RepId;
use pacer_core::records::{NewActivity, NewDeal, SubscriptionMonth};
use pacer_core::rollup::{ActivityDayKey, Change, DealDayKey, RollupDelta};
use sqlx::postgres::Postgres;
use sqlx::query::Query;
use sqlx::sqlite::{Sqlite, SqliteArguments};
use sqlx::{AssertSqlSafe, Pool, Row, Transaction};
use std::borrow::Cow;
use std::collections::{BTreeSet, HashMap, HashSet};

/// Bound values per statement on SQLite: the more rows a statement carries,
/// the less each pays for the statement; SQLite takes up to 32,766.
const SQLITE_VALUES: usize = 30_000;

/// Records counted into the rollup change before it is added to the tables.
const ROLLUP_FLUSH: usize = 100_000;

/// A value to bind or to COPY.
#[derive(Debug, Clone, PartialEq)]
enum Value {
    Int(Option<i64>),
    Text(Option<String>),
}

impl Value {
    fn text(s: impl Into<String>) -> Self {
        Value::Text(Some(s.into()))
    }

    fn int(i: i64) -> Self {
        Value::Int(Some(i))
    }

    /// As the database shows it with `CAST(... AS TEXT)`.
    fn into_text(self) -> Option<String> {
        match self {
            Value::Int(i) => i.map(|i| i.to_string()),
            Value::Text(t) => t,
        }
    }
}

/// A kind of record an import writes.
trait Kind: Sync {
    /// Its table, also the name of its counter in `data_versions`.
    const TABLE: &'static str;
    /// The columns written: the two of the key first, then the [`Kind::COMPARED`]
    /// ones, then any that a re-import leaves as they are.
    const COLUMNS: &'static [&'static str];
    /// How many columns after the key a re-import compares, and updates when they differ.
    const COMPARED: usize;
    /// The key as the database shows it as text (`None`: the record is always new).
    fn key(&self) -> Option<(Cow<'_, str>, Cow<'_, str>)>;
    /// The values of [`Kind::COLUMNS`].
    fn values(&self, out: &mut Vec<Value>);
    /// Counts the record into (or out of) the rollups.
    fn count(&self, rollups: &mut RollupDelta, change: Change);
    /// Counts a stored record, given by its compared columns as text, out of the rollups.
    fn uncount_stored(stored: &[Option<String>], rollups: &mut RollupDelta) -> StoreResult<()>;
    /// The rep the record belongs to, if any.
    fn rep(&self) -> Option<RepId>;
}

impl Kind for NewActivity {
    const TABLE: &'static str = "activities";
    const COLUMNS: &'static [&'static str] = &[
        "source",
        "external_id",
        "rep_id",
        "activity_type",
        "occurred_at",
        "duration_s",
        "account_id",
        "fields",
        "entered_by",
    ];
    const COMPARED: usize = 6;

    fn key(&self) -> Option<(Cow<'_, str>, Cow<'_, str>)> {
        self.external_id.as_deref().map(|id| (Cow::Borrowed(self.source.as_str()), Cow::Borrowed(id)))
    }

    fn values(&self, out: &mut Vec<Value>) {
        out.extend([
            Value::text(self.source.as_str()),
            Value::Text(self.external_id.clone()),
            Value::int(self.rep_id),
            Value::text(self.activity_type.as_str()),
            Value::text(datetime_text(self.occurred_at)),
            Value::Int(self.duration_s),
            Value::Int(self.account_id),
            Value::Text(fields_json(&self.fields)),
            Value::Text(self.entered_by.clone()),
        ]);
    }

    fn count(&self, rollups: &mut RollupDelta, change: Change) {
        rollups.activity(change, activity_day(self), self.duration_s);
    }

    fn uncount_stored(stored: &[Option<String>], rollups: &mut RollupDelta) -> StoreResult<()> {
        let at = text(stored, 2, "activities.occurred_at")?;
        let key = ActivityDayKey {
            rep_id: int(stored, 0, "activities.rep_id")?,
            day: parse_date("activities.occurred_at", at.get(..10).unwrap_or(at))?,
            activity_type: text(stored, 1, "activities.activity_type")?.to_string(),
        };
        rollups.activity(Change::Remove, key, opt_int(stored, 3, "activities.duration_s")?);
        Ok(())
    }

    fn rep(&self) -> Option<RepId> {
        Some(self.rep_id)
    }
}

impl Kind for NewDeal {
    const TABLE: &'static str = "deals";
    const COLUMNS: &'static [&'static str] = &[
        "source",
        "external_id",
        "rep_id",
        "account_id",
        "kind",
        "status",
        "stage",
        "amount_minor",
        "created_on",
        "close_date",
        "entered_by",
    ];
    const COMPARED: usize = 8;

    fn key(&self) -> Option<(Cow<'_, str>, Cow<'_, str>)> {
        self.external_id.as_deref().map(|id| (Cow::Borrowed(self.source.as_str()), Cow::Borrowed(id)))
    }

    fn values(&self, out: &mut Vec<Value>) {
        out.extend([
            Value::text(self.source.as_str()),
            Value::Text(self.external_id.clone()),
            Value::int(self.rep_id),
            Value::int(self.account_id),
            Value::text(self.kind.as_str()),
            Value::text(self.status.as_str()),
            Value::text(self.stage.as_str()),
            Value::int(self.amount_minor),
            Value::text(date_text(self.created_on)),
            Value::text(date_text(self.close_date)),
            Value::Text(self.entered_by.clone()),
        ]);
    }

    fn count(&self, rollups: &mut RollupDelta, change: Change) {
        rollups.deal(change, deal_day(self), self.amount_minor);
    }

    fn uncount_stored(stored: &[Option<String>], rollups: &mut RollupDelta) -> StoreResult<()> {
        let kind = text(stored, 2, "deals.kind")?;
        let status = text(stored, 3, "deals.status")?;
        let key = DealDayKey {
            rep_id: int(stored, 0, "deals.rep_id")?,
            day: parse_date("deals.close_date", text(stored, 7, "deals.close_date")?)?,
            kind: kind.parse().map_err(|_| StoreError::Corrupt { column: "deals.kind", value: kind.to_string() })?,
            status: status
                .parse()
                .map_err(|_| StoreError::Corrupt { column: "deals.status", value: status.to_string() })?,
        };
        rollups.deal(Change::Remove, key, int(stored, 5, "deals.amount_minor")?);
        Ok(())
    }

    fn rep(&self) -> Option<RepId> {
        Some(self.rep_id)
    }
}

impl Kind for SubscriptionMonth {
    const TABLE: &'static str = "subscriptions";
    const COLUMNS: &'static [&'static str] = &["account_id", "month", "mrr_minor"];
    const COMPARED: usize = 1;

    fn key(&self) -> Option<(Cow<'_, str>, Cow<'_, str>)> {
        Some((Cow::Owned(self.account_id.to_string()), Cow::Owned(date_text(self.month))))
    }

    fn values(&self, out: &mut Vec<Value>) {
        out.extend([Value::int(self.account_id), Value::text(date_text(self.month)), Value::int(self.mrr_minor)]);
    }

    /// Recurring revenue has no rollup.
    fn count(&self, _: &mut RollupDelta, _: Change) {}

    fn uncount_stored(_: &[Option<String>], _: &mut RollupDelta) -> StoreResult<()> {
        Ok(())
    }

    fn rep(&self) -> Option<RepId> {
        None
    }
}

/// The `i`th stored column as text.
fn text<'a>(stored: &'a [Option<String>], i: usize, column: &'static str) -> StoreResult<&'a str> {
    stored.get(i).and_then(Option::as_deref).ok_or(StoreError::Corrupt { column, value: String::new() })
}

/// The `i`th stored column as a whole number.
fn int(stored: &[Option<String>], i: usize, column: &'static str) -> StoreResult<i64> {
    let t = text(stored, i, column)?;
    t.parse().map_err(|_| StoreError::Corrupt { column, value: t.to_string() })
}

/// The `i`th stored column as a whole number, or nothing.
fn opt_int(stored: &[Option<String>], i: usize, column: &'static str) -> StoreResult<Option<i64>> {
    match stored.get(i).and_then(Option::as_deref) {
        None => Ok(None),
        Some(t) => t.parse().map(Some).map_err(|_| StoreError::Corrupt { column, value: t.to_string() }),
    }
}

/// The open transaction, on the backend's own driver. The pool (of one
/// connection) goes with it, and is closed after the commit.
enum Conn {
    Sqlite(Transaction<'static, Sqlite>, Pool<Sqlite>),
    Postgres(Transaction<'static, Postgres>, Pool<Postgres>),
}

/// An import under way.
struct BulkImport {
    conn: Conn,
    /// Temporary tables made so far (they are emptied, not made again, for the next chunk).
    temp_tables: HashSet<String>,
    /// Tables whose next chunk is written carefully, as the last one found keys stored.
    careful: HashSet<&'static str>,
    /// Tables something was written to, whose data version moves at commit.
    changed: BTreeSet<&'static str>,
    /// Reps of the records written: SQLite checks at commit that they exist.
    reps: HashSet<RepId>,
    rollups: RollupDelta,
    /// Records counted into `rollups` since it was last added to the tables.
    pending: usize,
    /// The first and last day whose rollups changed.
    rollup_days: Option<(NaiveDate, NaiveDate)>,
}

#[async_trait]
impl ImportStore for SqlStore {
    async fn begin_import(&self) -> StoreResult<Box<dyn RecordImport>> {
        let conn = match self.backend() {
            Backend::Sqlite => {
                let pool = self.url.sqlite_import().await?;
                // Take the write lock now rather than fail half-way when another writer has it.
                let tx = pool.begin_with("BEGIN IMMEDIATE").await?;
                Conn::Sqlite(tx, pool)
            }
            Backend::Postgres => {
                let pool = self.url.postgres_import().await?;
                let mut tx = pool.begin().await?;
                // The tables grow inside this transaction, before any statistics say so:
                // key lookups must go through the unique indexes, never scan the table.
                sqlx::raw_sql(
                    "SET LOCAL enable_seqscan = off; SET LOCAL enable_hashjoin = off; \
                     SET LOCAL enable_mergejoin = off",
                )
                .execute(&mut *tx)
                .await?;
                Conn::Postgres(tx, pool)
            }
        };
        Ok(Box::new(BulkImport {
            conn,
            temp_tables: HashSet::new(),
            careful: HashSet::new(),
            changed: BTreeSet::new(),
            reps: HashSet::new(),
            rollups: RollupDelta::default(),
            pending: 0,
            rollup_days: None,
        }))
    }
}

#[async_trait]
impl RecordImport for BulkImport {
    async fn activities(&mut self, chunk: &[NewActivity]) -> StoreResult<UpsertCounts> {
        self.write(chunk).await
    }

    async fn deals(&mut self, chunk: &[NewDeal]) -> StoreResult<UpsertCounts> {
        self.write(chunk).await
    }

    async fn subscriptions(&mut self, chunk: &[SubscriptionMonth]) -> StoreResult<UpsertCounts> {
        self.write(chunk).await
    }

    async fn commit(mut self: Box<Self>) -> StoreResult<()> {
        self.flush_rollups().await?;
        if let Conn::Sqlite(tx, _) = &mut self.conn {
            let reps: Vec<RepId> = self.reps.iter().copied().collect();
            for part in reps.chunks(SQLITE_VALUES) {
                let sql = format!("SELECT id FROM reps WHERE id IN ({})", vec!["?"; part.len()].join(", "));
                let mut query = sqlx::query_scalar::<_, i64>(AssertSqlSafe(sql));
                for id in part {
                    query = query.bind(*id);
                }
                let found: HashSet<i64> = query.fetch_all(&mut **tx).await?.into_iter().collect();
                if let Some(missing) = part.iter().find(|id| !found.contains(id)) {
                    return Err(StoreError::Conflict(format!("refers to a record that does not exist: rep {missing}")));
                }
            }
        }
        let changed = std::mem::take(&mut self.changed);
        for table in changed {
            // An import writes one kind of record: only activities and deals have rollups.
            for (sql, params) in version_statements(table, self.rollup_days) {
                match &mut self.conn {
                    Conn::Sqlite(tx, _) => {
                        params.iter().fold(sqlx::query(sql), |q, p| q.bind(p.as_str())).execute(&mut **tx).await?;
                    }
                    Conn::Postgres(tx, _) => {
                        params.iter().fold(sqlx::query(sql), |q, p| q.bind(p.as_str())).execute(&mut **tx).await?;
                    }
                }
            }
        }
        match self.conn {
            Conn::Sqlite(tx, pool) => {
                tx.commit().await?;
                pool.close().await;
            }
            Conn::Postgres(tx, pool) => {
                tx.commit().await?;
                pool.close().await;
            }
        }
        Ok(())
    }
}

impl BulkImport {
    /// Writes one chunk of records of kind `K`.
    async fn write<K: Kind>(&mut self, chunk: &[K]) -> StoreResult<UpsertCounts> {
        let mut counts = UpsertCounts::default();
        // A key given twice: the last record wins, the earlier ones count as updated.
        let mut last: HashMap<(Cow<'_, str>, Cow<'_, str>), usize> = HashMap::with_capacity(chunk.len());
        for (i, r) in chunk.iter().enumerate() {
            if let Some(key) = r.key()
                && last.insert(key, i).is_some()
            {
                counts.updated += 1;
            }
        }
        let rows: Vec<&K> = if counts.updated == 0 {
            chunk.iter().collect()
        } else {
            chunk
                .iter()
                .enumerate()
                .filter(|(i, r)| r.key().is_none_or(|k| last.get(&k) == Some(i)))
                .map(|(_, r)| r)
                .collect()
        };
        drop(last);
        if rows.is_empty() {
            return Ok(counts);
        }
        if self.is_postgres() {
            let staging = self.empty_temp(K::TABLE, K::COLUMNS).await?;
            self.fill(&staging, K::COLUMNS, all_values(&rows)).await?;
        }
        if !self.careful.contains(K::TABLE) {
            if self.optimistic(&rows).await? {
                for r in &rows {
                    r.count(&mut self.rollups, Change::Add);
                }
                counts.new += rows.len();
                self.written(&rows).await?;
                return Ok(counts);
            }
            self.careful.insert(K::TABLE);
        }
        let stored = self.stored(&rows).await?;
        let (mut new, mut changed) = (Vec::new(), Vec::new());
        for r in rows {
            let found = r.key().and_then(|(a, b)| stored.get(&(a.into_owned(), b.into_owned())));
            match found {
                None => new.push(r),
                Some(old) => {
                    let mut values = Vec::with_capacity(K::COLUMNS.len());
                    r.values(&mut values);
                    let now: Vec<Option<String>> =
                        values.into_iter().skip(2).take(K::COMPARED).map(Value::into_text).collect();
                    if *old == now {
                        counts.unchanged += 1;
                    } else {
                        K::uncount_stored(old, &mut self.rollups)?;
                        changed.push(r);
                    }
                }
            }
        }
        if !new.is_empty() {
            let inserted = self.insert(&new).await?;
            if inserted != new.len() {
                return Err(StoreError::Conflict(format!(
                    "{} of {} new {} break a rule of the database",
                    new.len() - inserted,
                    new.len(),
                    K::TABLE
                )));
            }
        }
        if !changed.is_empty() {
            self.update(&changed).await?;
        }
        for r in new.iter().chain(&changed) {
            r.count(&mut self.rollups, Change::Add);
        }
        counts.new += new.len();
        counts.updated += changed.len();
        if stored.is_empty() {
            self.careful.remove(K::TABLE);
        }
        new.extend(changed);
        self.written(&new).await?;
        Ok(counts)
    }

    /// Inserts every row when none of their keys is stored (`true`), else
    /// leaves the table as it was (`false`).
    async fn optimistic<K: Kind>(&mut self, rows: &[&K]) -> StoreResult<bool> {
        match &mut self.conn {
            Conn::Postgres(tx, _) => {
                // A plain INSERT, a third cheaper than one that looks for conflicts:
                // a key already stored fails it, back to the savepoint.
                sqlx::raw_sql("SAVEPOINT pacer_chunk").execute(&mut **tx).await?;
                let columns = K::COLUMNS.join(", ");
                let sql =
                    format!("INSERT INTO {} ({columns}) SELECT {columns} FROM {}", K::TABLE, temp_table(K::TABLE));
                let all = match sqlx::raw_sql(AssertSqlSafe(sql)).execute(&mut **tx).await {
                    Ok(_) => true,
                    Err(sqlx::Error::Database(e)) if e.kind() == sqlx::error::ErrorKind::UniqueViolation => {
                        sqlx::raw_sql("ROLLBACK TO SAVEPOINT pacer_chunk").execute(&mut **tx).await?;
                        false
                    }
                    Err(e) => return Err(e.into()),
                };
                sqlx::raw_sql("RELEASE SAVEPOINT pacer_chunk").execute(&mut **tx).await?;
                Ok(all)
            }
            Conn::Sqlite(tx, _) => {
                // SQLite gives new rows the rowids after the largest one: the chunk's
                // rows are those after it, and can go without a savepoint (whose journal
                // would copy every page the chunk touches).
                let sql = format!("SELECT COALESCE(MAX(rowid), 0) FROM {}", K::TABLE);
                let last = sqlx::query_scalar::<_, i64>(AssertSqlSafe(sql)).fetch_one(&mut **tx).await?;
                let all = self.insert(rows).await? == rows.len();
                if !all {
                    self.execute(&format!("DELETE FROM {} WHERE rowid > {last}", K::TABLE)).await?;
                }
                Ok(all)
            }
        }
    }

    fn is_postgres(&self) -> bool {
        matches!(self.conn, Conn::Postgres(..))
    }

    /// Notes records written to `K`'s table, and adds the rollup change to
    /// the tables when enough has gathered.
    async fn written<K: Kind>(&mut self, rows: &[&K]) -> StoreResult<()> {
        if !rows.is_empty() {
            self.changed.insert(K::TABLE);
        }
        self.reps.extend(rows.iter().filter_map(|r| r.rep()));
        self.pending += rows.len();
        if self.pending >= ROLLUP_FLUSH {
            self.flush_rollups().await?;
        }
        Ok(())
    }

    /// Inserts the rows whose key is not stored (the others are left alone);
    /// returns how many were inserted. On PostgreSQL the rows are those staged.
    /// On SQLite a row that breaks another rule is left out too (see the
    /// module's comment): the caller compares the count.
    async fn insert<K: Kind>(&mut self, rows: &[&K]) -> StoreResult<usize> {
        let columns = K::COLUMNS.join(", ");
        match &mut self.conn {
            Conn::Sqlite(tx, _) => {
                let mut parts = rows.chunks(SQLITE_VALUES / K::COLUMNS.len());
                let mut next = parts.next().map(sqlite_insert);
                let mut inserted = 0;
                while let Some(query) = next.take() {
                    // The next statement is bound on this thread while SQLite runs this one.
                    let (done, following) =
                        join(query.execute(&mut **tx), async { parts.next().map(sqlite_insert) }).await;
                    inserted += done?.rows_affected();
                    next = following;
                }
                Ok(usize::try_from(inserted).unwrap_or(usize::MAX))
            }
            Conn::Postgres(tx, _) => {
                let sql = format!(
                    "INSERT INTO {} ({columns}) SELECT {columns} FROM {} ON CONFLICT ({}, {}) DO NOTHING",
                    K::TABLE,
                    temp_table(K::TABLE),
                    K::COLUMNS[0],
                    K::COLUMNS[1]
                );
                let inserted = sqlx::raw_sql(AssertSqlSafe(sql)).execute(&mut **tx).await?.rows_affected();
                Ok(usize::try_from(inserted).unwrap_or(usize::MAX))
            }
        }
    }

    /// The stored compared columns of the rows' keys, as text, by key.
    async fn stored<K: Kind>(&mut self, rows: &[&K]) -> StoreResult<HashMap<(String, String), Vec<Option<String>>>> {
        let (k1, k2) = (K::COLUMNS[0], K::COLUMNS[1]);
        let shown: Vec<String> = K::COLUMNS[..2 + K::COMPARED].iter().map(|c| format!("CAST(t.{c} AS TEXT)")).collect();
        let mut out = HashMap::new();
        let mut take = |row: Vec<Option<String>>| -> StoreResult<()> {
            let mut row = row.into_iter();
            let key = (row.next().flatten(), row.next().flatten());
            match key {
                (Some(a), Some(b)) => {
                    out.insert((a, b), row.collect());
                    Ok(())
                }
                _ => Err(StoreError::Corrupt { column: K::TABLE, value: "a key without a value".into() }),
            }
        };
        match &mut self.conn {
            Conn::Sqlite(tx, _) => {
                let keyed: Vec<&&K> = rows.iter().filter(|r| r.key().is_some()).collect();
                for part in keyed.chunks(SQLITE_VALUES / 2) {
                    let mut keys = Vec::with_capacity(part.len() * 2);
                    for r in part {
                        let mut values = Vec::with_capacity(K::COLUMNS.len());
                        r.values(&mut values);
                        keys.extend(values.into_iter().take(2));
                    }
                    // The CROSS JOIN makes SQLite probe the unique index once per key.
                    let sql = format!(
                        "SELECT {} FROM (VALUES {}) AS k CROSS JOIN {} AS t ON t.{k1} = k.column1 AND t.{k2} = k.column2",
                        shown.join(", "),
                        placeholders(part.len(), 2),
                        K::TABLE
                    );
                    let query = sqlx::query(AssertSqlSafe(sql)).persistent(part.len() == SQLITE_VALUES / 2);
                    for row in bind_all(query, keys).fetch_all(&mut **tx).await? {
                        take(texts(&row, shown.len())?)?;
                    }
                }
            }
            Conn::Postgres(tx, _) => {
                let sql = format!(
                    "SELECT {} FROM {} AS s JOIN {} AS t ON t.{k1} = s.{k1} AND t.{k2} = s.{k2}",
                    shown.join(", "),
                    temp_table(K::TABLE),
                    K::TABLE
                );
                for row in sqlx::query(AssertSqlSafe(sql)).fetch_all(&mut **tx).await? {
                    take(texts(&row, shown.len())?)?;
                }
            }
        }
        Ok(out)
    }

    /// Writes the compared columns of rows whose key is stored with other values.
    async fn update<K: Kind>(&mut self, rows: &[&K]) -> StoreResult<()> {
        let (k1, k2) = (K::COLUMNS[0], K::COLUMNS[1]);
        let compared = &K::COLUMNS[2..2 + K::COMPARED];
        match &mut self.conn {
            Conn::Sqlite(tx, _) => {
                let set: Vec<String> = compared.iter().map(|c| format!("{c} = ?")).collect();
                let sql = format!("UPDATE {} SET {} WHERE {k1} = ? AND {k2} = ?", K::TABLE, set.join(", "));
                for r in rows {
                    let mut values = Vec::with_capacity(K::COLUMNS.len());
                    r.values(&mut values);
                    let key: Vec<Value> = values.drain(..2).collect();
                    values.truncate(K::COMPARED);
                    values.extend(key);
                    bind_all(sqlx::query(AssertSqlSafe(sql.clone())), values).execute(&mut **tx).await?;
                }
            }
            Conn::Postgres(tx, _) => {
                // The staged rows hold the new values; only those that differ are written.
                let set: Vec<String> = compared.iter().map(|c| format!("{c} = s.{c}")).collect();
                let old: Vec<String> = compared.iter().map(|c| format!("t.{c}")).collect();
                let new: Vec<String> = compared.iter().map(|c| format!("s.{c}")).collect();
                let sql = format!(
                    "UPDATE {} AS t SET {} FROM {} AS s WHERE t.{k1} = s.{k1} AND t.{k2} = s.{k2} \
                     AND ({}) IS DISTINCT FROM ({})",
                    K::TABLE,
                    set.join(", "),
                    temp_table(K::TABLE),
                    old.join(", "),
                    new.join(", ")
                );
                sqlx::raw_sql(AssertSqlSafe(sql)).execute(&mut **tx).await?;
            }
        }
        Ok(())
    }

    /// Adds the rollup change gathered so far to the rollup tables, and starts a new one.
    async fn flush_rollups(&mut self) -> StoreResult<()> {
        self.pending = 0;
        let rollups = std::mem::take(&mut self.rollups);
        if let Some((first, last)) = rollups.days() {
            let (a, b) = self.rollup_days.unwrap_or((first, last));
            self.rollup_days = Some((a.min(first), b.max(last)));
        }
        let activities = rollups.activity_changes();
        let deals = rollups.deal_changes();
        drop(rollups);
        if !activities.is_empty() {
            let temp = self.empty_temp("activity_rollup", &ACTIVITY_DAY_COLUMNS).await?;
            for part in activities.chunks(SQLITE_VALUES / ACTIVITY_DAY_COLUMNS.len()) {
                let mut values = Vec::with_capacity(part.len() * ACTIVITY_DAY_COLUMNS.len());
                for (key, t) in part {
                    values.extend([
                        Value::int(key.rep_id),
                        Value::text(date_text(key.day)),
                        Value::text(key.activity_type.as_str()),
                        Value::int(t.n),
                        Value::int(t.duration_s),
                        Value::int(t.duration_n),
                    ]);
                }
                self.fill(&temp, &ACTIVITY_DAY_COLUMNS, values).await?;
            }
            let negative = activities.iter().any(|(_, t)| t.n < 0);
            self.add_to_rollup("activity_rollup", &ACTIVITY_DAY_COLUMNS, 3, ADD_ACTIVITY_DAYS, negative).await?;
        }
        if !deals.is_empty() {
            let temp = self.empty_temp("deal_rollup", &DEAL_DAY_COLUMNS).await?;
            for part in deals.chunks(SQLITE_VALUES / DEAL_DAY_COLUMNS.len()) {
                let mut values = Vec::with_capacity(part.len() * DEAL_DAY_COLUMNS.len());
                for (key, t) in part {
                    values.extend([
                        Value::int(key.rep_id),
                        Value::text(date_text(key.day)),
                        Value::text(key.kind.as_str()),
                        Value::text(key.status.as_str()),
                        Value::int(t.n),
                        Value::int(t.amount_minor),
                    ]);
                }
                self.fill(&temp, &DEAL_DAY_COLUMNS, values).await?;
            }
            let negative = deals.iter().any(|(_, t)| t.n < 0);
            self.add_to_rollup("deal_rollup", &DEAL_DAY_COLUMNS, 4, ADD_DEAL_DAYS, negative).await?;
        }
        Ok(())
    }

    /// Adds the changes staged in `table`'s temporary table (`columns`, the
    /// first `key` of them the key) to the rollup `table` with its `add`
    /// clause; then, when some counts went down, removes the rows whose count
    /// fell to zero.
    async fn add_to_rollup(
        &mut self,
        table: &str,
        columns: &[&str],
        key: usize,
        add: &str,
        negative: bool,
    ) -> StoreResult<()> {
        let temp = temp_table(table);
        let list = columns.join(", ");
        // `WHERE 1 = 1` tells SQLite's parser that ON CONFLICT belongs to the INSERT.
        self.execute(&format!("INSERT INTO {table} ({list}) SELECT {list} FROM {temp} WHERE 1 = 1 {add}")).await?;
        if negative {
            let same: Vec<String> = columns[..key].iter().map(|c| format!("r.{c} = d.{c}")).collect();
            let sql = match self.conn {
                Conn::Sqlite(..) => format!(
                    "DELETE FROM {table} WHERE rowid IN (SELECT r.rowid FROM {temp} AS d CROSS JOIN {table} AS r \
                     ON {} WHERE d.n < 0 AND r.n = 0)",
                    same.join(" AND ")
                ),
                Conn::Postgres(..) => format!(
                    "DELETE FROM {table} AS r USING {temp} AS d WHERE {} AND d.n < 0 AND r.n = 0",
                    same.join(" AND ")
                ),
            };
            self.execute(&sql).await?;
        }
        Ok(())
    }

    /// The temporary table for rows of `table` (`columns` of it), empty: made
    /// the first time, emptied the next.
    async fn empty_temp(&mut self, table: &str, columns: &[&str]) -> StoreResult<String> {
        let temp = temp_table(table);
        if self.temp_tables.contains(&temp) {
            let empty = match self.conn {
                Conn::Sqlite(..) => format!("DELETE FROM {temp}"),
                Conn::Postgres(..) => format!("TRUNCATE {temp}"),
            };
            self.execute(&empty).await?;
        } else {
            let drop = if self.is_postgres() { " ON COMMIT DROP" } else { "" };
            let list = columns.join(", ");
            self.execute(&format!("CREATE TEMP TABLE {temp}{drop} AS SELECT {list} FROM {table} WHERE 1 = 0")).await?;
            self.temp_tables.insert(temp.clone());
        }
        Ok(temp)
    }

    /// Adds rows (`values`, `columns` at a time; on SQLite at most
    /// [`SQLITE_VALUES`]) to the temporary table `temp`.
    async fn fill(&mut self, temp: &str, columns: &[&str], values: Vec<Value>) -> StoreResult<()> {
        let list = columns.join(", ");
        let width = columns.len();
        match &mut self.conn {
            Conn::Sqlite(tx, _) => {
                let rows = values.len() / width;
                let sql = format!("INSERT INTO {temp} ({list}) VALUES {}", placeholders(rows, width));
                // Statements of other sizes are not worth keeping prepared.
                let query = sqlx::query(AssertSqlSafe(sql)).persistent(rows == SQLITE_VALUES / width);
                bind_all(query, values).execute(&mut **tx).await?;
            }
            Conn::Postgres(tx, _) => {
                let mut data = Vec::with_capacity(values.len() * 12);
                for (i, v) in values.iter().enumerate() {
                    copy_field(&mut data, v);
                    data.push(if (i + 1) % width == 0 { b'\n' } else { b'\t' });
                }
                let mut copy = tx.copy_in_raw(&format!("COPY {temp} ({list}) FROM STDIN")).await?;
                copy.send(data).await?;
                copy.finish().await?;
            }
        }
        Ok(())
    }

    /// Runs a statement without values.
    async fn execute(&mut self, sql: &str) -> StoreResult<()> {
        // Built from fixed table and column names only.
        let sql = AssertSqlSafe(sql.to_string());
        match &mut self.conn {
            Conn::Sqlite(tx, _) => sqlx::raw_sql(sql).execute(&mut **tx).await.map(|_| ())?,
            Conn::Postgres(tx, _) => sqlx::raw_sql(sql).execute(&mut **tx).await.map(|_| ())?,
        }
        Ok(())
    }
}

/// The temporary table that rows for `table` are staged in: a chunk of
/// records on PostgreSQL, a rollup change on both.
fn temp_table(table: &str) -> String {
    format!("pacer_staged_{table}")
}

/// The values of every row, in [`Kind::COLUMNS`] order.
fn all_values<K: Kind>(rows: &[&K]) -> Vec<Value> {
    let mut values = Vec::with_capacity(rows.len() * K::COLUMNS.len());
    for r in rows {
        r.values(&mut values);
    }
    values
}

/// The INSERT of `rows` on SQLite (see [`BulkImport::insert`]), bound.
fn sqlite_insert<K: Kind>(rows: &[&K]) -> Query<'static, Sqlite, SqliteArguments> {
    let full = SQLITE_VALUES / K::COLUMNS.len();
    let sql = format!(
        "INSERT OR IGNORE INTO {} ({}) VALUES {}",
        K::TABLE,
        K::COLUMNS.join(", "),
        placeholders(rows.len(), K::COLUMNS.len())
    );
    // Statements of other sizes are not worth keeping prepared.
    bind_all(sqlx::query(AssertSqlSafe(sql)).persistent(rows.len() == full), all_values(rows))
}

/// `(?, ?), (?, ?)` for `rows` rows of `width` values.
fn placeholders(rows: usize, width: usize) -> String {
    let row = format!("({})", vec!["?"; width].join(", "));
    vec![row; rows].join(", ")
}

fn bind_all(mut query: Query<'_, Sqlite, SqliteArguments>, values: Vec<Value>) -> Query<'_, Sqlite, SqliteArguments> {
    for v in values {
        query = match v {
            Value::Int(i) => query.bind(i),
            Value::Text(t) => query.bind(t),
        };
    }
    query
}

/// The first `n` columns of a row, as text.
fn texts<R: Row>(row: &R, n: usize) -> StoreResult<Vec<Option<String>>>
where
    for<'r> Option<String>: sqlx::Decode<'r, R::Database> + sqlx::Type<R::Database>,
    usize: sqlx::ColumnIndex<R>,
{
    (0..n).map(|i| row.try_get::<Option<String>, _>(i).map_err(StoreError::from)).collect()
}

/// One field in COPY's text format: `\N` for null, special bytes escaped.
fn copy_field(out: &mut Vec<u8>, value: &Value) {
    match value {
        Value::Int(Some(i)) => out.extend_from_slice(i.to_string().as_bytes()),
        Value::Int(None) | Value::Text(None) => out.extend_from_slice(b"\\N"),
        Value::Text(Some(s)) => {
            for b in s.bytes() {
                match b {
                    b'\\' => out.extend_from_slice(b"\\\\"),
                    b'\t' => out.extend_from_slice(b"\\t"),
                    b'\n' => out.extend_from_slice(b"\\n"),
                    b'\r' => out.extend_from_slice(b"\\r"),
                    _ => out.push(b),
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn copy_text_escapes_what_copy_reads_specially() {
        let mut out = Vec::new();
        for v in [Value::text("a\tb\\c\nd\re"), Value::Int(None), Value::int(-12), Value::Text(None)] {
            copy_field(&mut out, &v);
            out.push(b'|');
        }
        assert_eq!(String::from_utf8(out).unwrap(), "a\\tb\\\\c\\nd\\re|\\N|-12|\\N|");
    }

    #[test]
    fn placeholders_for_rows() {
        assert_eq!(placeholders(2, 3), "(?, ?, ?), (?, ?, ?)");
    }

    #[test]
    fn values_as_the_database_shows_them() {
        assert_eq!(Value::int(5).into_text(), Some("5".into()));
        assert_eq!(Value::Int(None).into_text(), None);
        assert_eq!(Value::text("x").into_text(), Some("x".into()));
    }
}
