//! Bulk imports: a file's records written chunk by chunk in one transaction
//! ([`ImportStore::begin_import`]), with the rules of the upserts in
//! `records.rs`: records keyed by (source, external id), account-months by
//! (account, month); a key given twice in a chunk, the last record wins; the
//! same values write nothing; the daily rollups take every change in the same
//! transaction, and `data_versions` moves when something changed.
//!
//! An import runs on a connection of the backend's own driver, opened from
//! the store's URL, rather than through `Any`: `Any` boxes every bound value,
//! and only the PostgreSQL driver speaks COPY. What this module decides is the
//! same on both; the statements, which differ, are each backend's [`Dialect`]:
//! `sqlite.rs` (multi-row INSERTs with `?` parameters) and `postgres.rs` (each
//! chunk copied into a temporary table and moved with one `INSERT ... SELECT`).
//!
//! Each chunk is first inserted optimistically, skipping keys already stored:
//! when every row went in, as in a first import, that is all. When some key
//! was stored, the chunk is undone and written carefully: the stored values
//! of its keys are read, unchanged records left alone, changed ones updated
//! (the rollups lose their old values); later chunks are written carefully
//! too, until one finds none of its keys stored.
//!
//! The rollup change is summed in memory and added to the rollup tables
//! through a temporary table every [`ROLLUP_FLUSH`] records and at commit:
//! one day of one rep's activities of one type is one rollup row, so a large
//! import changes millions of them, and holding them all would make memory
//! grow with the file.

mod postgres;
mod sqlite;

use super::columns::{ACTIVITY_COLUMNS, DEAL_COLUMNS, Record, StoredDeal, Value};
use super::fx::{Conversion, LOCK_DEALS, ORGANISATION_SETTINGS, RATES};
use super::records::{activity_day, deal_day};
use super::rollup::{ACTIVITY_DAY_COLUMNS, ADD_ACTIVITY_DAYS, ADD_DEAL_DAYS, DEAL_DAY_COLUMNS};
use super::{AUDIT_INSERT, SqlStore, date_text, now_text, parse_date, parse_text, version};
use crate::backend::{Backend, DatabaseUrl};
use crate::error::StoreError;
use crate::{DataKind, ImportStore, RecordImport, StoreResult, UpsertCounts};
use async_trait::async_trait;
use chrono::NaiveDate;
use pacer_core::audit::{Actor, AuditAction};
use pacer_core::org::RepId;
use pacer_core::records::{NewActivity, NewDeal, SubscriptionMonth};
use pacer_core::rollup::{ActivityDayKey, Change, DealDayKey, RollupDelta};
use sqlx::{AssertSqlSafe, Database, Encode, Executor, IntoArguments, Pool, Row, Transaction, Type};
use std::borrow::Cow;
use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};

/// Bound values per statement on SQLite: the more rows a statement carries,
/// the less each pays for the statement; SQLite takes up to 32,766. A rollup
/// change is staged in parts of this size on both backends.
pub(super) const SQLITE_VALUES: usize = 30_000;

/// Records counted into the rollup change before it is added to the tables.
const ROLLUP_FLUSH: usize = 100_000;

/// A daily rollup, as an import adds its change to it.
struct Rollup<const N: usize> {
    table: &'static str,
    /// Its columns, the first `key` of them its key.
    columns: [&'static str; N],
    key: usize,
    /// How an INSERT of rows adds them to the stored ones.
    add: &'static str,
}

const ACTIVITY_ROLLUP: Rollup<6> =
    Rollup { table: "activity_rollup", columns: ACTIVITY_DAY_COLUMNS, key: 3, add: ADD_ACTIVITY_DAYS };

const DEAL_ROLLUP: Rollup<6> = Rollup { table: "deal_rollup", columns: DEAL_DAY_COLUMNS, key: 4, add: ADD_DEAL_DAYS };

/// A table an import writes.
struct Table {
    name: &'static str,
    /// The kind of data whose version its writes move.
    version: DataKind,
    /// The columns written: the two of the key first, then the `compared`
    /// ones, then any that a re-import leaves as they are.
    columns: &'static [&'static str],
    /// How many columns after the key a re-import compares, and updates when they differ.
    compared: usize,
}

impl Table {
    /// The key's two columns.
    fn key(&self) -> (&'static str, &'static str) {
        (self.columns[0], self.columns[1])
    }

    /// The columns a re-import compares, each as `shown` writes it, comma-separated.
    fn compared_as(&self, shown: impl Fn(&str) -> String) -> String {
        self.columns[2..2 + self.compared].iter().map(|c| shown(c)).collect::<Vec<_>>().join(", ")
    }
}

/// A kind of record an import writes: its table, and how it counts in the rollups.
trait Kind: Record + Sync {
    const TABLE: Table;
    /// Counts a stored record, given by its compared columns as text, out of the rollups.
    fn uncount_stored(stored: &[Option<String>], rollups: &mut RollupDelta) -> StoreResult<()>;
    /// Counts the record into (or out of) the rollups.
    fn count(&self, rollups: &mut RollupDelta, change: Change);
}

impl Kind for NewActivity {
    const TABLE: Table =
        Table { name: "activities", version: DataKind::Activities, columns: &ACTIVITY_COLUMNS, compared: 6 };

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

    fn count(&self, rollups: &mut RollupDelta, change: Change) {
        rollups.activity(change, activity_day(self), self.duration_s);
    }
}

impl Kind for StoredDeal<'_> {
    const TABLE: Table = Table { name: "deals", version: DataKind::Deals, columns: &DEAL_COLUMNS, compared: 10 };

    fn uncount_stored(stored: &[Option<String>], rollups: &mut RollupDelta) -> StoreResult<()> {
        let close_date = stored.get(7).and_then(Option::as_deref).map(|t| parse_date("deals.close_date", t));
        let key = DealDayKey::of(
            int(stored, 0, "deals.rep_id")?,
            close_date.transpose()?,
            parse_text("deals.kind", text(stored, 2, "deals.kind")?)?,
            parse_text("deals.status", text(stored, 3, "deals.status")?)?,
        );
        rollups.deal(Change::Remove, key, int(stored, 5, "deals.amount_minor")?);
        Ok(())
    }

    fn count(&self, rollups: &mut RollupDelta, change: Change) {
        rollups.deal(change, deal_day(self.deal), self.amount_minor);
    }
}

impl Kind for SubscriptionMonth {
    const TABLE: Table = Table {
        name: "subscriptions",
        version: DataKind::Subscriptions,
        columns: &["account_id", "month", "mrr_minor"],
        compared: 1,
    };

    fn uncount_stored(_: &[Option<String>], _: &mut RollupDelta) -> StoreResult<()> {
        Ok(())
    }

    /// Recurring revenue has no rollup.
    fn count(&self, _: &mut RollupDelta, _: Change) {}
}

/// The `i`th stored column as text.
fn text<'a>(stored: &'a [Option<String>], i: usize, column: &'static str) -> StoreResult<&'a str> {
    stored.get(i).and_then(Option::as_deref).ok_or(StoreError::Corrupt { column, value: String::new() })
}

/// The `i`th stored column as a whole number.
fn int(stored: &[Option<String>], i: usize, column: &'static str) -> StoreResult<i64> {
    parse_text(column, text(stored, i, column)?)
}

/// The `i`th stored column as a whole number, or nothing.
fn opt_int(stored: &[Option<String>], i: usize, column: &'static str) -> StoreResult<Option<i64>> {
    match stored.get(i).and_then(Option::as_deref) {
        None => Ok(None),
        Some(t) => parse_text(column, t).map(Some),
    }
}

/// An import's transaction on a backend's own driver. The pool (of one
/// connection) goes with it, and is closed after the commit.
struct Tx<DB: Database> {
    tx: Transaction<'static, DB>,
    pool: Pool<DB>,
}

/// Receives the stored columns of one key, the key's two first.
type Take<'a> = dyn FnMut(Vec<Option<String>>) -> StoreResult<()> + Send + 'a;

/// The statements of an import that differ between backends, on its [`Tx`].
#[async_trait]
trait Dialect: Statements + Sized {
    /// Whether a chunk of records is staged in its temporary table before it
    /// is written (PostgreSQL copies it there; SQLite binds the rows to each statement).
    const STAGES_RECORDS: bool;

    /// Opens the import's connection and begins its transaction.
    async fn begin(url: &DatabaseUrl) -> StoreResult<Self>;
    /// The statement that deletes the rows of rollup `table` (`r`) whose count fell to zero
    /// with the changes staged in `temp` (`d`), `same` matching their keys.
    fn delete_emptied(table: &str, temp: &str, same: &str) -> String;
    /// The statement that makes temporary table `temp` from `select`.
    fn create_temp(temp: &str, select: &str) -> String;
    /// The statement that empties temporary table `temp` for its next use.
    fn empty(temp: &str) -> String;
    /// Inserts every row when none of their keys is stored (`true`), else
    /// leaves the table as it was (`false`).
    async fn optimistic<K: Kind>(&mut self, rows: &[&K]) -> StoreResult<bool>;
    /// Inserts the rows whose key is not stored (the others are left alone);
    /// returns how many were inserted. A row that breaks another rule may be left
    /// out too (SQLite): the caller compares the count.
    async fn insert<K: Kind>(&mut self, rows: &[&K]) -> StoreResult<usize>;
    /// Hands `take` the `shown` columns (`t.`, the key's first) of the rows whose key is stored.
    async fn stored<K: Kind>(&mut self, rows: &[&K], shown: &str, take: &mut Take<'_>) -> StoreResult<()>;
    /// Writes the compared columns of rows whose key is stored with other values.
    async fn update<K: Kind>(&mut self, rows: &[&K]) -> StoreResult<()>;
    /// Adds rows (`values`, `columns` at a time, at most [`SQLITE_VALUES`]) to the temporary table `temp`.
    async fn fill(&mut self, temp: &str, columns: &[&str], values: Vec<Value>) -> StoreResult<()>;
    /// Checks, before the commit, that the reps of the records written exist.
    async fn check_reps(&mut self, reps: &HashSet<RepId>) -> StoreResult<()>;
}

/// The statements of an import that are the same on both backends.
#[async_trait]
trait Statements: Send {
    /// Runs a statement without values.
    async fn execute(&mut self, sql: &str) -> StoreResult<()>;
    /// Runs a fixed statement with text values.
    async fn execute_with(&mut self, sql: &'static str, params: &[String]) -> StoreResult<()>;
    /// The rows of a fixed query of `N` text columns.
    async fn texts<const N: usize>(&mut self, sql: &'static str) -> StoreResult<Vec<[Option<String>; N]>>;
    /// Commits the transaction and closes the connection.
    async fn commit(self) -> StoreResult<()>;
}

#[async_trait]
impl<DB: Database> Statements for Tx<DB>
where
    for<'c> &'c mut DB::Connection: Executor<'c, Database = DB>,
    for<'q> &'q str: Encode<'q, DB> + Type<DB>,
    for<'r> Option<String>: sqlx::Decode<'r, DB> + Type<DB>,
    usize: sqlx::ColumnIndex<DB::Row>,
    DB::Arguments: IntoArguments<DB>,
{
    async fn execute(&mut self, sql: &str) -> StoreResult<()> {
        // Built from fixed table and column names only.
        sqlx::raw_sql(AssertSqlSafe(sql.to_string())).execute(&mut *self.tx).await?;
        Ok(())
    }

    async fn execute_with(&mut self, sql: &'static str, params: &[String]) -> StoreResult<()> {
        params.iter().fold(sqlx::query(sql), |q, p| q.bind(p.as_str())).execute(&mut *self.tx).await?;
        Ok(())
    }

    async fn texts<const N: usize>(&mut self, sql: &'static str) -> StoreResult<Vec<[Option<String>; N]>> {
        let rows = sqlx::query(sql).fetch_all(&mut *self.tx).await?;
        let mut out = Vec::with_capacity(rows.len());
        for row in rows {
            let mut texts: [Option<String>; N] = std::array::from_fn(|_| None);
            for (i, t) in texts.iter_mut().enumerate() {
                *t = row.try_get(i)?;
            }
            out.push(texts);
        }
        Ok(out)
    }

    async fn commit(self) -> StoreResult<()> {
        self.tx.commit().await?;
        self.pool.close().await;
        Ok(())
    }
}

/// An import under way.
struct BulkImport<D> {
    conn: D,
    /// Temporary tables made so far (they are emptied, not made again, for the next chunk).
    temp_tables: HashSet<String>,
    /// Tables whose next chunk is written carefully, as the last one found keys stored.
    careful: HashSet<&'static str>,
    /// The kinds of data written, whose versions move at commit.
    changed: BTreeSet<DataKind>,
    /// Reps of the records written: SQLite checks at commit that they exist.
    reps: HashSet<RepId>,
    rollups: RollupDelta,
    /// Records counted into `rollups` since it was last added to the tables.
    pending: usize,
    /// The first and last day whose rollups changed.
    rollup_days: Option<(NaiveDate, NaiveDate)>,
    /// What deals are converted with, read (under the deals' lock) at the first chunk of deals.
    conversion: Option<Conversion>,
    /// Who imports, and from what: the audit entry written at commit.
    actor: Actor,
    source: String,
    /// What was written, per table, for that entry.
    written: BTreeMap<&'static str, UpsertCounts>,
}

#[async_trait]
impl ImportStore for SqlStore {
    async fn begin_import(&self, actor: &Actor, source: &str) -> StoreResult<Box<dyn RecordImport>> {
        Ok(match self.backend() {
            Backend::Sqlite => BulkImport::<Tx<sqlx::Sqlite>>::begin(&self.url, actor, source).await?,
            Backend::Postgres => BulkImport::<Tx<sqlx::Postgres>>::begin(&self.url, actor, source).await?,
        })
    }
}

#[async_trait]
impl<D: Dialect + 'static> RecordImport for BulkImport<D> {
    async fn activities(&mut self, chunk: &[NewActivity]) -> StoreResult<UpsertCounts> {
        self.write(chunk).await
    }

    async fn deals(&mut self, chunk: &[NewDeal]) -> StoreResult<UpsertCounts> {
        if self.conversion.is_none() {
            self.conn.execute(LOCK_DEALS).await?;
            let settings = self.conn.texts::<1>(ORGANISATION_SETTINGS).await?.pop().and_then(|[s]| s);
            self.conversion = Some(Conversion::from_rows(settings, self.conn.texts::<3>(RATES).await?)?);
        }
        let stored = self.conversion.as_ref().map(|c| c.all(chunk)).transpose()?.unwrap_or_default();
        self.write(&stored).await
    }

    async fn subscriptions(&mut self, chunk: &[SubscriptionMonth]) -> StoreResult<UpsertCounts> {
        self.write(chunk).await
    }

    async fn commit(mut self: Box<Self>) -> StoreResult<()> {
        self.flush_rollups().await?;
        self.conn.check_reps(&self.reps).await?;
        let changed = std::mem::take(&mut self.changed);
        for kind in changed {
            // An import writes one kind of record: only activities and deals have rollups.
            for (sql, params) in version::statements(kind, self.rollup_days) {
                self.conn.execute_with(sql, &params).await?;
            }
        }
        if self.written.values().any(|c| c.new + c.updated > 0) {
            let after = serde_json::json!({ "file": self.source, "written": self.written });
            let entry = [
                now_text(),
                self.actor.name.clone(),
                AuditAction::RecordsImport.as_str().into(),
                AuditAction::RecordsImport.kind().as_str().into(),
                self.source.clone(),
                String::new(),
                after.to_string(),
                self.actor.reason.clone().unwrap_or_default(),
            ];
            self.conn.execute_with(AUDIT_INSERT, &entry).await?;
        }
        self.conn.commit().await
    }
}

impl<D: Dialect + 'static> BulkImport<D> {
    async fn begin(url: &DatabaseUrl, actor: &Actor, source: &str) -> StoreResult<Box<dyn RecordImport>> {
        Ok(Box::new(Self {
            conn: D::begin(url).await?,
            temp_tables: HashSet::new(),
            careful: HashSet::new(),
            changed: BTreeSet::new(),
            reps: HashSet::new(),
            rollups: RollupDelta::default(),
            pending: 0,
            rollup_days: None,
            conversion: None,
            actor: actor.clone(),
            source: source.to_string(),
            written: BTreeMap::new(),
        }))
    }

    /// Writes one chunk of records of kind `K`, counted for the audit entry.
    async fn write<K: Kind>(&mut self, chunk: &[K]) -> StoreResult<UpsertCounts> {
        let counts = self.write_chunk(chunk).await?;
        let total = self.written.entry(K::TABLE.name).or_default();
        total.new += counts.new;
        total.updated += counts.updated;
        total.unchanged += counts.unchanged;
        Ok(counts)
    }

    /// Writes one chunk of records of kind `K`.
    async fn write_chunk<K: Kind>(&mut self, chunk: &[K]) -> StoreResult<UpsertCounts> {
        let table = K::TABLE;
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
        if D::STAGES_RECORDS {
            let staging = self.empty_temp(table.name, table.columns).await?;
            self.conn.fill(&staging, table.columns, all_values(&rows)).await?;
        }
        if !self.careful.contains(table.name) {
            if self.conn.optimistic(&rows).await? {
                for r in &rows {
                    r.count(&mut self.rollups, Change::Add);
                }
                counts.new += rows.len();
                self.written(&rows).await?;
                return Ok(counts);
            }
            self.careful.insert(table.name);
        }
        let stored = self.stored(&rows).await?;
        let (mut new, mut changed) = (Vec::new(), Vec::new());
        for r in rows {
            let found = r.key().and_then(|(a, b)| stored.get(&(a.into_owned(), b.into_owned())));
            match found {
                None => new.push(r),
                Some(old) => {
                    let mut values = Vec::with_capacity(table.columns.len());
                    r.values(&mut values);
                    let now: Vec<Option<String>> =
                        values.into_iter().skip(2).take(table.compared).map(Value::into_text).collect();
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
            let inserted = self.conn.insert(&new).await?;
            if inserted != new.len() {
                return Err(StoreError::Conflict(format!(
                    "{} of {} new {} break a rule of the database",
                    new.len() - inserted,
                    new.len(),
                    table.name
                )));
            }
        }
        if !changed.is_empty() {
            self.conn.update(&changed).await?;
        }
        for r in new.iter().chain(&changed) {
            r.count(&mut self.rollups, Change::Add);
        }
        counts.new += new.len();
        counts.updated += changed.len();
        if stored.is_empty() {
            self.careful.remove(table.name);
        }
        new.extend(changed);
        self.written(&new).await?;
        Ok(counts)
    }

    /// Notes records written to `K`'s table, and adds the rollup change to
    /// the tables when enough has gathered.
    async fn written<K: Kind>(&mut self, rows: &[&K]) -> StoreResult<()> {
        if !rows.is_empty() {
            self.changed.insert(K::TABLE.version);
        }
        self.reps.extend(rows.iter().filter_map(|r| r.rep()));
        self.pending += rows.len();
        if self.pending >= ROLLUP_FLUSH {
            self.flush_rollups().await?;
        }
        Ok(())
    }

    /// The stored compared columns of the rows' keys, as text, by key.
    async fn stored<K: Kind>(&mut self, rows: &[&K]) -> StoreResult<HashMap<(String, String), Vec<Option<String>>>> {
        let table = K::TABLE;
        let shown: Vec<String> =
            table.columns[..2 + table.compared].iter().map(|c| format!("CAST(t.{c} AS TEXT)")).collect();
        let mut out = HashMap::new();
        let mut take = |row: Vec<Option<String>>| -> StoreResult<()> {
            let mut row = row.into_iter();
            let key = (row.next().flatten(), row.next().flatten());
            match key {
                (Some(a), Some(b)) => {
                    out.insert((a, b), row.collect());
                    Ok(())
                }
                _ => Err(StoreError::Corrupt { column: table.name, value: "a key without a value".into() }),
            }
        };
        self.conn.stored(rows, &shown.join(", "), &mut take).await?;
        Ok(out)
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
        self.add_to_rollup(&ACTIVITY_ROLLUP, &activities, |(key, t)| {
            let values = [
                Value::int(key.rep_id),
                Value::text(date_text(key.day)),
                Value::text(key.activity_type.as_str()),
                Value::int(t.n),
                Value::int(t.duration_s),
                Value::int(t.duration_n),
            ];
            (t.n, values)
        })
        .await?;
        self.add_to_rollup(&DEAL_ROLLUP, &deals, |(key, t)| {
            let values = [
                Value::int(key.rep_id),
                Value::text(date_text(key.day)),
                Value::text(key.kind.as_str()),
                Value::text(key.status.as_str()),
                Value::int(t.n),
                Value::int(t.amount_minor),
            ];
            (t.n, values)
        })
        .await
    }

    /// Stages `changes` to `rollup` in its temporary table, each given by `row` as its
    /// change of count and its values, and adds them to the rollup with its `add` clause;
    /// then, when some counts went down, removes the rows whose count fell to zero.
    async fn add_to_rollup<C: Sync, const N: usize>(
        &mut self,
        rollup: &Rollup<N>,
        changes: &[C],
        row: impl Fn(&C) -> (i64, [Value; N]) + Send + Sync,
    ) -> StoreResult<()> {
        if changes.is_empty() {
            return Ok(());
        }
        let Rollup { table, columns, key, add } = rollup;
        let temp = self.empty_temp(table, columns).await?;
        let mut negative = false;
        for part in changes.chunks(SQLITE_VALUES / N) {
            let mut values = Vec::with_capacity(part.len() * N);
            for change in part {
                let (n, row) = row(change);
                negative |= n < 0;
                values.extend(row);
            }
            self.conn.fill(&temp, columns, values).await?;
        }
        let list = columns.join(", ");
        // `WHERE 1 = 1` tells SQLite's parser that ON CONFLICT belongs to the INSERT.
        self.conn.execute(&format!("INSERT INTO {table} ({list}) SELECT {list} FROM {temp} WHERE 1 = 1 {add}")).await?;
        if negative {
            let same: Vec<String> = columns[..*key].iter().map(|c| format!("r.{c} = d.{c}")).collect();
            self.conn.execute(&D::delete_emptied(table, &temp, &same.join(" AND "))).await?;
        }
        Ok(())
    }

    /// The temporary table for rows of `table` (`columns` of it), empty: made
    /// the first time, emptied the next.
    async fn empty_temp(&mut self, table: &str, columns: &[&str]) -> StoreResult<String> {
        let temp = temp_table(table);
        if self.temp_tables.contains(&temp) {
            self.conn.execute(&D::empty(&temp)).await?;
        } else {
            let empty_copy = format!("SELECT {} FROM {table} WHERE 1 = 0", columns.join(", "));
            self.conn.execute(&D::create_temp(&temp, &empty_copy)).await?;
            self.temp_tables.insert(temp.clone());
        }
        Ok(temp)
    }
}

/// The temporary table that rows for `table` are staged in: a chunk of
/// records on PostgreSQL, a rollup change on both.
fn temp_table(table: &str) -> String {
    format!("pacer_staged_{table}")
}

/// The values of every row, in the order of its table's columns.
fn all_values<K: Kind>(rows: &[&K]) -> Vec<Value> {
    let mut values = Vec::with_capacity(rows.len() * K::TABLE.columns.len());
    for r in rows {
        r.values(&mut values);
    }
    values
}

/// Hands `take` the key and compared columns of each of `rows`, stored records of `table`, as text.
fn take_rows<R: Row>(rows: Vec<R>, table: &Table, take: &mut Take<'_>) -> StoreResult<()>
where
    for<'r> Option<String>: sqlx::Decode<'r, R::Database> + sqlx::Type<R::Database>,
    usize: sqlx::ColumnIndex<R>,
{
    for row in rows {
        take((0..2 + table.compared).map(|i| row.try_get::<Option<String>, _>(i)).collect::<Result<_, _>>()?)?;
    }
    Ok(())
}
