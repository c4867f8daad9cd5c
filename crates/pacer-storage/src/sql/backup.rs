//! Backups and restores (`pacer backup`, `pacer restore`): a consistent copy of a whole database
//! as one portable SQLite file, taken while others write, from either backend; and such a file
//! loaded into an empty database of either kind, which is also how a team moves from the laptop
//! file to PostgreSQL.
//!
//! From SQLite the copy is SQLite's own `VACUUM INTO`, which reads one snapshot while writers go
//! on. From PostgreSQL, one `REPEATABLE READ, READ ONLY` transaction reads every table into a new
//! file made by the SQLite migrations, in one SQLite transaction. A restore reads the file in one
//! transaction and writes every table in one transaction of the target. Both of those copies are
//! [`copy_tables`]: [`TABLES`] in order, each table's columns and their types read from the SQLite
//! file (the side both copies have), rows in multi-row INSERTs.
//!
//! The daily rollups and `rollup_changes` are copied as they are: in one snapshot they equal the
//! raw records already, and rebuilding them would cost more than copying. The data versions are
//! copied too, then a restore moves each past both the backup's and the target's own, so that a
//! server caching the empty database reads everything again (see [`bump_versions`]).

use super::bulk::SQLITE_VALUES;
use super::{SqlStore, audit, begin_write, multi_insert, param};
use crate::backend::{Backend, DatabaseUrl};
use crate::error::{BackupError, StoreError};
use crate::{StoreResult, migrate};
use futures_util::future::join;
use futures_util::{Stream, TryStreamExt};
use pacer_core::audit::{Actor, AuditAction};
use sqlx::any::{AnyArguments, AnyRow};
use sqlx::query::Query;
use sqlx::{Any, AnyConnection, AnyPool, AssertSqlSafe, Row};
use std::collections::HashMap;
use std::path::{Path, PathBuf};

/// A table Pacer keeps.
pub(crate) struct Table {
    pub(crate) name: &'static str,
    /// What one of its rows is, and several, for messages ("1 team", "7 teams").
    one: &'static str,
    many: &'static str,
}

const fn table(name: &'static str, one: &'static str, many: &'static str) -> Table {
    Table { name, one, many }
}

/// Every table Pacer keeps, each after the tables it refers to: backups write them and restores
/// read them in this order. `schema_migrations` is not copied: each database records its own.
pub(crate) const TABLES: [Table; 25] = [
    table("organisation", "organisation", "organisations"),
    table("reps", "rep", "reps"),
    table("teams", "team", "teams"),
    table("team_memberships", "team membership", "team memberships"),
    table("accounts", "account", "accounts"),
    table("activities", "activity", "activities"),
    table("deals", "deal", "deals"),
    table("fx_rates", "exchange rate", "exchange rates"),
    table("subscriptions", "account-month of recurring revenue", "account-months of recurring revenue"),
    table("churn_tags", "churn tag", "churn tags"),
    table("users", "user", "users"),
    table("sessions", "session", "sessions"),
    table("login_failures", "failed sign-in", "failed sign-ins"),
    table("api_tokens", "API token", "API tokens"),
    table("digest_deliveries", "weekly digest sent", "weekly digests sent"),
    table("audit_log", "audit-log entry", "audit-log entries"),
    table("catalog_versions", "catalog version", "catalog versions"),
    table("plans", "plan", "plans"),
    table("plan_targets", "plan target", "plan targets"),
    table("reviews", "review", "reviews"),
    table("review_notes", "review note", "review notes"),
    table("activity_rollup", "activity rollup row", "activity rollup rows"),
    table("deal_rollup", "deal rollup row", "deal rollup rows"),
    table("rollup_changes", "rollup change", "rollup changes"),
    table(VERSIONS, "data version", "data versions"),
];

/// The data versions: seeded by the migrations, so a database without data still has them.
const VERSIONS: &str = "data_versions";

/// How many rows a backup holds, or a restore wrote, of one table.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct TableRows {
    /// The table.
    pub table: &'static str,
    /// Its rows.
    pub rows: i64,
}

/// How far a copy of rows is, for a progress bar.
#[derive(Debug, Clone, Copy)]
pub struct CopyProgress {
    /// The table being copied.
    pub table: &'static str,
    /// Rows copied so far, of every table.
    pub rows: u64,
    /// Rows to copy, of every table.
    pub of: u64,
}

/// Told how a copy goes, after every batch of rows.
pub type Progress<'a> = dyn Fn(CopyProgress) + Send + Sync + 'a;

/// A stored value, of one of the three column types both backends' migrations use.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Cell {
    Integer(Option<i64>),
    Text(Option<String>),
    Flag(Option<bool>),
}

impl Cell {
    fn is_null(&self) -> bool {
        matches!(self, Cell::Integer(None) | Cell::Text(None) | Cell::Flag(None))
    }

    fn bind<'q>(self, query: Query<'q, Any, AnyArguments>) -> Query<'q, Any, AnyArguments> {
        match self {
            Cell::Integer(v) => query.bind(v),
            Cell::Text(v) => query.bind(v),
            // PostgreSQL's BOOLEAN takes no integer; SQLite stores the flag as 0 or 1.
            Cell::Flag(v) => query.bind(v),
        }
    }
}

/// A column's type: INTEGER (BIGINT on PostgreSQL), TEXT or BOOLEAN, nothing else.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Type {
    Integer,
    Text,
    Flag,
}

impl Type {
    /// The type of an SQLite column declared `word`, as the SQLite migrations write them.
    fn declared(word: &str) -> Option<Self> {
        match word.to_ascii_uppercase().as_str() {
            "INTEGER" => Some(Type::Integer),
            "TEXT" => Some(Type::Text),
            "BOOLEAN" => Some(Type::Flag),
            _ => None,
        }
    }

    /// How a query selects the column: a flag as an integer, which `Any` reads on both backends.
    fn selected(self, column: &str) -> String {
        match self {
            Type::Flag => format!("CAST({column} AS INTEGER) AS {column}"),
            Type::Integer | Type::Text => column.to_string(),
        }
    }

    fn read(self, row: &AnyRow, i: usize) -> StoreResult<Cell> {
        Ok(match self {
            Type::Integer => Cell::Integer(row.try_get(i)?),
            Type::Text => Cell::Text(row.try_get(i)?),
            Type::Flag => Cell::Flag(row.try_get::<Option<i64>, _>(i)?.map(|v| v != 0)),
        })
    }

    fn null(self) -> Cell {
        match self {
            Type::Integer => Cell::Integer(None),
            Type::Text => Cell::Text(None),
            Type::Flag => Cell::Flag(None),
        }
    }
}

/// A table as a copy sees it, read from the SQLite file: its columns with their types, its key,
/// and the columns that refer to another row of the same table.
pub(crate) struct Shape {
    pub(crate) table: &'static Table,
    columns: Vec<(String, Type)>,
    /// The key's columns, by position.
    key: Vec<usize>,
    /// The columns that refer to a row of the same table, by position: a team's parent, a plan's
    /// source. Written once every row is in, as the row referred to may come later.
    own_references: Vec<usize>,
}

impl Shape {
    /// Every row, in key order (new rows then go to the end of each index).
    pub(crate) fn select(&self) -> String {
        let columns: Vec<String> = self.columns.iter().map(|(name, ty)| ty.selected(name)).collect();
        let key: Vec<&str> = self.key.iter().map(|&i| self.columns[i].0.as_str()).collect();
        format!("SELECT {} FROM {} ORDER BY {}", columns.join(", "), self.table.name, key.join(", "))
    }

    /// A row of [`Self::select`].
    pub(crate) fn read(&self, row: &AnyRow) -> StoreResult<Vec<Cell>> {
        self.columns.iter().enumerate().map(|(i, (_, ty))| ty.read(row, i)).collect()
    }

    fn names(&self) -> Vec<&str> {
        self.columns.iter().map(|(name, _)| name.as_str()).collect()
    }

    /// `UPDATE` of `column` (`$1`) in the row of a key (`$2`...).
    fn update(&self, backend: Backend, column: usize) -> String {
        let key: Vec<String> = self
            .key
            .iter()
            .enumerate()
            .map(|(n, &i)| format!("{} = {}", self.columns[i].0, param(backend, n + 2)))
            .collect();
        let set = format!("{} = {}", self.columns[column].0, param(backend, 1));
        format!("UPDATE {} SET {set} WHERE {}", self.table.name, key.join(" AND "))
    }
}

/// Every table of [`TABLES`] as the SQLite file at `path` (for messages) declares it.
pub(crate) async fn shapes(file: &mut AnyConnection, path: &str) -> StoreResult<Vec<Shape>> {
    let not_pacer = |reason: String| BackupError::NotABackup { path: path.to_string(), reason };
    let mut shapes = Vec::with_capacity(TABLES.len());
    for table in &TABLES {
        let rows = sqlx::query("SELECT name, type, pk FROM pragma_table_info($1) ORDER BY cid")
            .bind(table.name)
            .fetch_all(&mut *file)
            .await?;
        if rows.is_empty() {
            return Err(not_pacer(format!("it has no table {}", table.name)).into());
        }
        let mut columns = Vec::with_capacity(rows.len());
        let mut key = Vec::new();
        for (i, row) in rows.iter().enumerate() {
            let name: String = row.try_get("name")?;
            let declared: String = row.try_get("type")?;
            let Some(ty) = Type::declared(&declared) else {
                let reason = format!("column {}.{name} is of type {declared:?}, which Pacer does not use", table.name);
                return Err(not_pacer(reason).into());
            };
            let pk: i64 = row.try_get("pk")?;
            if pk > 0 {
                key.push((pk, i));
            }
            columns.push((name, ty));
        }
        if key.is_empty() {
            return Err(not_pacer(format!("table {} has no key", table.name)).into());
        }
        key.sort();
        let references =
            sqlx::query("SELECT \"from\" AS from_column, \"table\" AS parent FROM pragma_foreign_key_list($1)")
                .bind(table.name)
                .fetch_all(&mut *file)
                .await?;
        let mut own_references = Vec::new();
        for row in references {
            let (from, parent): (String, String) = (row.try_get("from_column")?, row.try_get("parent")?);
            if parent.eq_ignore_ascii_case(table.name) {
                match columns.iter().position(|(c, _)| c.eq_ignore_ascii_case(&from)) {
                    Some(column) => own_references.push(column),
                    None => return Err(not_pacer(format!("table {} refers to a column it lacks", table.name)).into()),
                }
            }
        }
        shapes.push(Shape { table, columns, key: key.into_iter().map(|(_, i)| i).collect(), own_references });
    }
    Ok(shapes)
}

/// Rows of `table` in a database.
async fn count(conn: &mut AnyConnection, table: &str) -> StoreResult<i64> {
    Ok(sqlx::query_scalar(AssertSqlSafe(format!("SELECT COUNT(*) FROM {table}"))).fetch_one(conn).await?)
}

/// Copies every table of `shapes` from `source` to `target` (a database of `backend`, empty but
/// for the data versions its migrations seeded, which the copy replaces), in the callers'
/// transactions; returns the rows copied of each table.
async fn copy_tables(
    source: &mut AnyConnection,
    target: &mut AnyConnection,
    backend: Backend,
    shapes: &[Shape],
    progress: &Progress<'_>,
) -> StoreResult<Vec<TableRows>> {
    let mut of = 0;
    for shape in shapes {
        of += count(source, shape.table.name).await?;
    }
    sqlx::query(AssertSqlSafe(format!("DELETE FROM {VERSIONS}"))).execute(&mut *target).await?;
    let mut moved = Moved { rows: 0, of: u64::try_from(of).unwrap_or(0), progress };
    let mut copied = Vec::with_capacity(shapes.len());
    for shape in shapes {
        let rows = copy_table(source, target, backend, shape, &mut moved)
            .await
            .map_err(|e| BackupError::Copy { table: shape.table.name, source: Box::new(e) })?;
        copied.push(TableRows { table: shape.table.name, rows });
    }
    Ok(copied)
}

/// Rows copied so far, told to the progress bar.
struct Moved<'a, 'p> {
    rows: u64,
    of: u64,
    progress: &'a Progress<'p>,
}

impl Moved<'_, '_> {
    fn add(&mut self, table: &'static str, rows: usize) {
        self.rows += rows as u64;
        (self.progress)(CopyProgress { table, rows: self.rows, of: self.of });
    }
}

/// A reference to another row of the same table, held back: the row's key, the column and its value.
type Later = (Vec<Cell>, usize, Cell);

/// Copies one table, streaming its rows in key order into multi-row INSERTs.
async fn copy_table(
    source: &mut AnyConnection,
    target: &mut AnyConnection,
    backend: Backend,
    shape: &Shape,
    moved: &mut Moved<'_, '_>,
) -> StoreResult<i64> {
    let table = shape.table.name;
    let names = shape.names();
    // SQLite's limit on bound values (32,766) is the tighter of the two backends'.
    let per_insert = (SQLITE_VALUES / names.len()).max(1);
    let mut rows = sqlx::query(AssertSqlSafe(shape.select())).fetch(&mut *source);
    let mut later: Vec<Later> = Vec::new();
    let mut copied = 0;
    let mut next = next_insert(&mut rows, backend, shape, &names, per_insert, &mut later).await?;
    while let Some((insert, n)) = next {
        // The next rows are read and bound while the target writes these.
        let (written, following) =
            join(insert.execute(&mut *target), next_insert(&mut rows, backend, shape, &names, per_insert, &mut later))
                .await;
        written?;
        moved.add(table, n);
        copied += i64::try_from(n).unwrap_or(i64::MAX);
        next = following?;
    }
    for (key, column, value) in later {
        let mut update = value.bind(sqlx::query(AssertSqlSafe(shape.update(backend, column))));
        for cell in key {
            update = cell.bind(update);
        }
        update.execute(&mut *target).await?;
    }
    Ok(copied)
}

/// The INSERT of the next rows of `rows` (at most `per_insert`) and how many, or `None` after the
/// last; the references to rows of the same table go to `later`, NULL in the INSERT.
async fn next_insert<'q>(
    rows: &mut (impl Stream<Item = Result<AnyRow, sqlx::Error>> + Unpin),
    backend: Backend,
    shape: &Shape,
    names: &[&str],
    per_insert: usize,
    later: &mut Vec<Later>,
) -> StoreResult<Option<(Query<'q, Any, AnyArguments>, usize)>> {
    let mut batch = Vec::with_capacity(per_insert);
    while batch.len() < per_insert {
        let Some(row) = rows.try_next().await? else { break };
        let mut cells = shape.read(&row)?;
        for &column in &shape.own_references {
            if !cells[column].is_null() {
                let value = std::mem::replace(&mut cells[column], shape.columns[column].1.null());
                later.push((shape.key.iter().map(|&i| cells[i].clone()).collect(), column, value));
            }
        }
        batch.push(cells);
    }
    if batch.is_empty() {
        return Ok(None);
    }
    let n = batch.len();
    let mut query = sqlx::query(AssertSqlSafe(multi_insert(backend, shape.table.name, names, n)));
    for cell in batch.into_iter().flatten() {
        query = cell.bind(query);
    }
    Ok(Some((query, n)))
}

/// The rows of every table of a database, in [`TABLES`] order.
async fn table_rows(conn: &mut AnyConnection) -> StoreResult<Vec<TableRows>> {
    let mut tables = Vec::with_capacity(TABLES.len());
    for table in &TABLES {
        tables.push(TableRows { table: table.name, rows: count(conn, table.name).await? });
    }
    Ok(tables)
}

/// Each data version's name and counter.
async fn versions(conn: &mut AnyConnection) -> StoreResult<HashMap<String, i64>> {
    let rows = sqlx::query(AssertSqlSafe(format!("SELECT name, version FROM {VERSIONS}"))).fetch_all(conn).await?;
    rows.iter().map(|row| Ok((row.try_get("name")?, row.try_get("version")?))).collect()
}

/// Moves each data version of a restored database, copied from the backup, past both the
/// backup's counter and the one the target had (`before`). Caches compare counters for
/// equality: a server already running on the empty database must not take the restored one for
/// what it holds. And no `rollup_changes` row is at the new counter, so a server holding the
/// rollups reads all of them again rather than only the days recorded.
async fn bump_versions(target: &mut AnyConnection, backend: Backend, before: &HashMap<String, i64>) -> StoreResult<()> {
    let sql = format!("UPDATE {VERSIONS} SET version = {} WHERE name = {}", param(backend, 1), param(backend, 2));
    for (name, version) in versions(target).await? {
        let moved = version.max(before.get(&name).copied().unwrap_or(0)) + 1;
        sqlx::query(AssertSqlSafe(sql.clone())).bind(moved).bind(name).execute(&mut *target).await?;
    }
    Ok(())
}

/// PostgreSQL: sets every identity column's sequence after its largest restored value, so that
/// the next row gets a new id. (SQLite takes the largest id plus one by itself.)
async fn reset_identities(target: &mut AnyConnection) -> StoreResult<()> {
    let identities = sqlx::query(
        "SELECT CAST(table_name AS TEXT) AS table_name, CAST(column_name AS TEXT) AS column_name \
         FROM information_schema.columns WHERE table_schema = current_schema() AND is_identity = 'YES'",
    )
    .fetch_all(&mut *target)
    .await?;
    for row in identities {
        let (name, column): (String, String) = (row.try_get("table_name")?, row.try_get("column_name")?);
        // Only names of Pacer's own tables and their columns are written into the statement.
        let Some(table) = TABLES.iter().find(|t| t.name == name) else { continue };
        if !column.bytes().all(|b| b.is_ascii_lowercase() || b == b'_') {
            continue;
        }
        let sql = format!(
            "SELECT setval(pg_get_serial_sequence('{0}', '{column}'), COALESCE(MAX({column}), 0) + 1, false) FROM {0}",
            table.name
        );
        sqlx::query(AssertSqlSafe(sql)).execute(&mut *target).await?;
    }
    Ok(())
}

/// What a database holds, of the tables a restore fills ("3 teams, 1200 activities"), or `None`
/// when it is empty (the data versions its migrations seeded aside).
async fn holdings(conn: &mut AnyConnection) -> StoreResult<Option<String>> {
    let mut held = Vec::new();
    for table in TABLES.iter().filter(|t| t.name != VERSIONS) {
        let rows = count(conn, table.name).await?;
        if rows > 0 {
            held.push(format!("{rows} {}", if rows == 1 { table.one } else { table.many }));
        }
    }
    Ok((!held.is_empty()).then(|| held.join(", ")))
}

/// A backup opened for a restore ([`SqlStore::restore`]): the file itself, only read; or, when an
/// older Pacer wrote it, a temporary copy brought to this schema (a restore never writes its
/// input). Opened before the database to restore into, so that a file that is no backup is
/// refused before anything else happens.
pub struct BackupFile {
    pool: AnyPool,
    path: String,
    temporary: Option<PathBuf>,
}

impl BackupFile {
    /// Opens the backup at `file`; refused when it does not exist, is no Pacer database, or comes
    /// from a newer Pacer.
    pub async fn open(file: &Path) -> StoreResult<Self> {
        let path = file.display().to_string();
        if !file.is_file() {
            return Err(BackupError::Missing { path }.into());
        }
        let pool = DatabaseUrl::backup_file(file, false).await?;
        let current = match schema_is_current(&pool, &path).await {
            Ok(current) => current,
            Err(e) => {
                pool.close().await;
                return Err(e);
            }
        };
        if current {
            return Ok(Self { pool, path, temporary: None });
        }
        let copy = temporary_file();
        let copied = sqlx::query("VACUUM INTO $1").bind(copy.to_string_lossy().into_owned()).execute(&pool).await;
        pool.close().await;
        let migrated = async {
            copied?;
            let pool = DatabaseUrl::backup_file(&copy, true).await?;
            match migrate::run(&pool, Backend::Sqlite).await {
                Ok(()) => Ok(pool),
                Err(e) => {
                    pool.close().await;
                    Err(e)
                }
            }
        };
        match migrated.await {
            Ok(pool) => Ok(Self { pool, path, temporary: Some(copy) }),
            Err(e) => {
                remove_sqlite_file(&copy);
                Err(e)
            }
        }
    }

    /// Closes the file (and removes a temporary copy).
    pub async fn close(self) {
        self.pool.close().await;
        if let Some(copy) = &self.temporary {
            remove_sqlite_file(copy);
        }
    }
}

/// Whether the SQLite file at `path` is a Pacer database of this binary's schema (`false`: of an
/// older one); refused when it is no Pacer database, or a newer one.
async fn schema_is_current(pool: &AnyPool, path: &str) -> StoreResult<bool> {
    let not_pacer = |reason: &str| BackupError::NotABackup { path: path.to_string(), reason: reason.to_string() };
    let has_migrations: i64 =
        sqlx::query_scalar("SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = 'schema_migrations'")
            .fetch_one(pool)
            .await
            .map_err(|_| not_pacer("it is not an SQLite database"))?;
    if has_migrations == 0 {
        return Err(not_pacer("it has no schema_migrations table").into());
    }
    let applied = sqlx::query("SELECT version, name FROM schema_migrations ORDER BY version").fetch_all(pool).await?;
    let known: Vec<(i64, &str)> = migrate::known().collect();
    let latest = known.last().map_or(0, |(version, _)| *version);
    for row in &applied {
        let (version, name): (i64, String) = (row.try_get("version")?, row.try_get("name")?);
        if version > latest {
            return Err(BackupError::Newer { path: path.to_string(), found: version, known: latest }.into());
        }
        if !known.contains(&(version, name.as_str())) {
            return Err(not_pacer(&format!("its migration {version} is {name:?}, not one of Pacer's")).into());
        }
    }
    if applied.is_empty() {
        return Err(not_pacer("it records no migration").into());
    }
    Ok(applied.len() == known.len())
}

/// A new file name in the temporary directory.
fn temporary_file() -> PathBuf {
    let nanos =
        std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.subsec_nanos()).unwrap_or(0);
    std::env::temp_dir().join(format!("pacer-restore-{}-{nanos}.sqlite", std::process::id()))
}

/// Where a backup is written before it is whole and checked, beside its file (so that moving it
/// into place is one rename).
fn partial_file(out: &Path) -> PathBuf {
    let mut name = out.file_name().unwrap_or_default().to_os_string();
    name.push(".partial");
    out.with_file_name(name)
}

/// Removes an SQLite file and what SQLite keeps beside it, if there: a journal left by a crash
/// would otherwise be played into a new file of the same name.
fn remove_sqlite_file(path: &Path) {
    for suffix in ["", "-journal", "-wal", "-shm"] {
        let mut file = path.as_os_str().to_os_string();
        file.push(suffix);
        let _ = std::fs::remove_file(file);
    }
}

/// Whether two paths name the same existing file.
fn same_file(a: &Path, b: &Path) -> bool {
    matches!((a.canonicalize(), b.canonicalize()), (Ok(a), Ok(b)) if a == b)
}

impl SqlStore {
    /// Writes a consistent copy of the whole database, whatever other connections write
    /// meanwhile, to a new SQLite file at `out`, which must not exist unless `replace`; checks it
    /// with SQLite's `integrity_check` and returns the rows of each table it holds. The file
    /// appears only once whole and checked: a failed backup leaves nothing (and an older file
    /// replaced stays as it was).
    pub async fn backup(&self, out: &Path, replace: bool, progress: &Progress<'_>) -> StoreResult<Vec<TableRows>> {
        let path = out.display().to_string();
        if out.exists() {
            if !replace {
                return Err(BackupError::Exists { path }.into());
            }
            if self.url.sqlite_path().is_some_and(|db| same_file(db, out)) {
                return Err(BackupError::IsTheDatabase { path }.into());
            }
        }
        let partial = partial_file(out);
        remove_sqlite_file(&partial);
        let written = match self.write_backup(&partial, progress).await {
            Ok(()) => seal(&partial, &path).await,
            Err(e) => Err(e),
        };
        let placed = written.and_then(|tables| {
            if out.exists() && !replace {
                return Err(BackupError::Exists { path: path.clone() }.into());
            }
            std::fs::rename(&partial, out).map_err(|source| BackupError::File { path: path.clone(), source })?;
            Ok(tables)
        });
        if placed.is_err() {
            remove_sqlite_file(&partial);
        }
        placed
    }

    /// The copy itself, into a new file at `partial`.
    async fn write_backup(&self, partial: &Path, progress: &Progress<'_>) -> StoreResult<()> {
        let reader = self.url.copy_pool().await?;
        let copied = match self.backend() {
            // SQLite copies the pages of one read transaction's snapshot; writers go on (WAL).
            Backend::Sqlite => sqlx::query("VACUUM INTO $1")
                .bind(partial.to_string_lossy().into_owned())
                .execute(&reader)
                .await
                .map(drop)
                .map_err(StoreError::from),
            Backend::Postgres => match DatabaseUrl::backup_file(partial, true).await {
                Ok(file) => {
                    let copied = async {
                        migrate::run(&file, Backend::Sqlite).await?;
                        // One snapshot of every table, whatever commits meanwhile.
                        let mut source = reader.begin_with("BEGIN ISOLATION LEVEL REPEATABLE READ, READ ONLY").await?;
                        let mut target = file.begin().await?;
                        let shapes = shapes(&mut target, &partial.display().to_string()).await?;
                        copy_tables(&mut source, &mut target, Backend::Sqlite, &shapes, progress).await?;
                        target.commit().await?;
                        source.commit().await?;
                        Ok(())
                    };
                    let copied = copied.await;
                    file.close().await;
                    copied
                }
                Err(e) => Err(e),
            },
        };
        reader.close().await;
        copied
    }

    /// Loads `backup` into this database, which must hold no data: otherwise refused, and
    /// nothing changes. Every table is written in one transaction, audited as `actor`'s restore;
    /// returns the rows written of each table.
    pub async fn restore(
        &self,
        backup: &BackupFile,
        actor: &Actor,
        progress: &Progress<'_>,
    ) -> StoreResult<Vec<TableRows>> {
        let writer = self.url.copy_pool().await?;
        let restored = self.restore_from(backup, &writer, actor, progress).await;
        writer.close().await;
        restored
    }

    /// [`Self::restore`] through `writer`, a connection to this database.
    async fn restore_from(
        &self,
        backup: &BackupFile,
        writer: &AnyPool,
        actor: &Actor,
        progress: &Progress<'_>,
    ) -> StoreResult<Vec<TableRows>> {
        let backend = self.backend();
        // One read transaction: one snapshot of the file, should another process write it.
        let mut source = backup.pool.begin().await?;
        let shapes = shapes(&mut source, &backup.path).await?;
        let mut target = begin_write(writer, backend).await?;
        if backend == Backend::Postgres {
            // No other writer between the check that the database is empty and the commit.
            let names: Vec<&str> = TABLES.iter().map(|t| t.name).collect();
            let lock = format!("LOCK TABLE {} IN EXCLUSIVE MODE", names.join(", "));
            sqlx::query(AssertSqlSafe(lock)).execute(&mut *target).await?;
        }
        if let Some(holds) = holdings(&mut target).await? {
            target.rollback().await?;
            return Err(BackupError::NotEmpty { database: self.url.redacted(), holds }.into());
        }
        let before = versions(&mut target).await?;
        let tables = copy_tables(&mut source, &mut target, backend, &shapes, progress).await?;
        if backend == Backend::Postgres {
            reset_identities(&mut target).await?;
        }
        bump_versions(&mut target, backend, &before).await?;
        audit(&mut target, actor, AuditAction::Restore, backup.path.clone(), None::<&()>, Some(&tables)).await?;
        target.commit().await?;
        source.commit().await?;
        Ok(tables)
    }
}

/// Checks a backup just written (to be `path`) and makes it one file (no WAL); returns the rows
/// of each table.
async fn seal(partial: &Path, path: &str) -> StoreResult<Vec<TableRows>> {
    let file = DatabaseUrl::backup_file(partial, true).await?;
    let checked = async {
        let mut conn = file.acquire().await?;
        let findings: Vec<String> = sqlx::query_scalar("PRAGMA integrity_check").fetch_all(&mut *conn).await?;
        if findings != ["ok"] {
            let problems = findings.into_iter().take(5).collect::<Vec<_>>().join("; ");
            return Err(BackupError::Damaged { path: path.to_string(), problems }.into());
        }
        table_rows(&mut conn).await
    };
    let checked = checked.await;
    file.close().await;
    checked
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Tables not copied: the cube snapshot is derived from the rollups (a SQLite backup, a copy
    /// of the pages, holds it; restores skip it), and a restored database's moved data versions
    /// make any kept one stale anyway (see [`bump_versions`]).
    const NOT_COPIED: [&str; 1] = ["cube_snapshot"];

    /// Every table the migrations make is copied, after the tables it refers to: a table a new
    /// migration adds fails here until it has its place in [`TABLES`].
    #[tokio::test]
    async fn the_tables_are_every_table_each_after_those_it_refers_to() {
        let path = std::env::temp_dir().join(format!("pacer-tables-{}.sqlite", std::process::id()));
        remove_sqlite_file(&path);
        let pool = DatabaseUrl::backup_file(&path, true).await.unwrap();
        migrate::run(&pool, Backend::Sqlite).await.unwrap();
        let made: Vec<String> = sqlx::query_scalar(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name <> 'schema_migrations' ORDER BY name",
        )
        .fetch_all(&pool)
        .await
        .unwrap();
        let mut listed: Vec<&str> = TABLES.iter().map(|t| t.name).chain(NOT_COPIED).collect();
        listed.sort_unstable();
        assert_eq!(made, listed);
        for (i, table) in TABLES.iter().enumerate() {
            let parents: Vec<String> = sqlx::query_scalar("SELECT \"table\" FROM pragma_foreign_key_list($1)")
                .bind(table.name)
                .fetch_all(&pool)
                .await
                .unwrap();
            for parent in parents {
                let listed_at = TABLES.iter().position(|t| t.name == parent).unwrap();
                assert!(listed_at <= i, "{} refers to {parent}, listed after it", table.name);
            }
        }
        pool.close().await;
        remove_sqlite_file(&path);
    }
}
