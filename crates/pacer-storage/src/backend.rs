//! Choosing a backend from a database URL, and how each backend's
//! connections are opened: the pools, their pragmas and timeouts.

use crate::StoreResult;
use crate::error::StoreError;
use sqlx::any::{AnyConnectOptions, AnyPoolOptions};
use sqlx::postgres::{PgConnectOptions, PgPool, PgPoolOptions};
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePool, SqlitePoolOptions, SqliteSynchronous};
use sqlx::{AnyPool, ConnectOptions, Executor};
use std::fmt;
use std::path::{Path, PathBuf};
use std::time::Duration;

/// How long an SQLite connection waits for another's write lock (the `Any`
/// pool's `busy_timeout` pragma says the same in milliseconds).
pub(crate) const BUSY_TIMEOUT: Duration = Duration::from_secs(5);

/// SQLite's page cache for an import, in KiB: the hot index pages stay in
/// memory (the default 2 MiB makes it write and read pages back all the time).
const SQLITE_IMPORT_CACHE_KIB: i64 = 64 * 1024;

/// The two supported databases.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Backend {
    /// Embedded SQLite file (the default).
    Sqlite,
    /// PostgreSQL server (or a compatible distributed engine).
    Postgres,
}

impl fmt::Display for Backend {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Backend::Sqlite => "sqlite",
            Backend::Postgres => "postgres",
        })
    }
}

/// A validated database URL.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DatabaseUrl {
    backend: Backend,
    url: String,
}

impl DatabaseUrl {
    /// Parses `sqlite://path`, `sqlite:path`, `postgres://...` or `postgresql://...`.
    /// A bare path (no scheme) is an SQLite file.
    pub fn parse(input: &str) -> Result<Self, StoreError> {
        let input = input.trim();
        if input.is_empty() {
            return Err(StoreError::Url("database URL is empty: use sqlite://FILE or postgres://...".into()));
        }
        if input.starts_with("postgres://") || input.starts_with("postgresql://") {
            return Ok(Self { backend: Backend::Postgres, url: input.to_string() });
        }
        if let Some(rest) = input.strip_prefix("sqlite://").or_else(|| input.strip_prefix("sqlite:")) {
            return Ok(Self::sqlite_file(rest));
        }
        match input.split_once("://") {
            Some((scheme, _)) => Err(StoreError::Url(format!(
                "unknown database scheme {scheme:?} in {input:?}: use sqlite://FILE or postgres://USER@HOST/DB"
            ))),
            None => Ok(Self::sqlite_file(input)),
        }
    }

    /// An SQLite file at `path`, created if missing.
    pub fn sqlite_file(path: impl AsRef<Path>) -> Self {
        let path = path.as_ref().to_string_lossy();
        let (path, query) = path.split_once('?').unwrap_or((&path, ""));
        let mode = if query.is_empty() { "mode=rwc".to_string() } else { query.to_string() };
        Self { backend: Backend::Sqlite, url: format!("sqlite://{path}?{mode}") }
    }

    /// Which backend this URL selects.
    pub fn backend(&self) -> Backend {
        self.backend
    }

    /// The URL as given to the driver.
    pub fn as_str(&self) -> &str {
        &self.url
    }

    /// The file of an SQLite database (as given, not made absolute).
    pub(crate) fn sqlite_path(&self) -> Option<&Path> {
        let rest = self.url.strip_prefix("sqlite://").filter(|_| self.backend == Backend::Sqlite)?;
        Some(Path::new(rest.split_once('?').map_or(rest, |(path, _)| path)))
    }

    /// The URL with any password replaced, for logs and messages (an SQLite file's without the
    /// mode Pacer gives it by default).
    pub fn redacted(&self) -> String {
        if let Some(plain) = self.url.strip_suffix("?mode=rwc").filter(|_| self.backend == Backend::Sqlite) {
            return plain.to_string();
        }
        match (self.url.find("://"), self.url.rfind('@')) {
            (Some(scheme_end), Some(at)) if at > scheme_end => {
                let userinfo = &self.url[scheme_end + 3..at];
                match userinfo.split_once(':') {
                    Some((user, _)) => format!("{}{user}:***{}", &self.url[..scheme_end + 3], &self.url[at..]),
                    None => self.url.clone(),
                }
            }
            _ => self.url.clone(),
        }
    }
}

impl DatabaseUrl {
    /// The pool every query goes through, sqlx's `Any` driver, with each
    /// backend's connection settings. Migrations have not run yet.
    pub(crate) async fn pool(&self) -> StoreResult<AnyPool> {
        let size = match self.backend {
            Backend::Sqlite => 4,
            Backend::Postgres => 10,
        };
        self.any_pool(size, self.options::<AnyConnectOptions>()?).await
    }

    /// The one connection of a backup's or a restore's copy (`sql/backup.rs`), set as the
    /// pool's are, without statement logging: a copy's statements are long by nature.
    pub(crate) async fn copy_pool(&self) -> StoreResult<AnyPool> {
        self.any_pool(1, self.options::<AnyConnectOptions>()?.disable_statement_logging()).await
    }

    async fn any_pool(&self, size: u32, options: AnyConnectOptions) -> StoreResult<AnyPool> {
        sqlx::any::install_default_drivers();
        let pool = match self.backend {
            // One writer at a time is SQLite's rule; WAL lets readers go on meanwhile.
            Backend::Sqlite => AnyPoolOptions::new().after_connect(|conn, _| {
                Box::pin(async move {
                    for pragma in [
                        "PRAGMA journal_mode = WAL",
                        "PRAGMA synchronous = NORMAL",
                        "PRAGMA foreign_keys = ON",
                        "PRAGMA busy_timeout = 5000",
                    ] {
                        conn.execute(pragma).await?;
                    }
                    Ok(())
                })
            }),
            Backend::Postgres => AnyPoolOptions::new(),
        };
        pool.max_connections(size)
            .acquire_timeout(Duration::from_secs(10))
            .connect_with(options)
            .await
            .map_err(|e| self.cannot_open(e))
    }

    /// The one connection, through `Any`, to the SQLite file of a backup (`sql/backup.rs`):
    /// written (a new backup, or an older one brought to this schema), else only read. Written,
    /// it keeps a rollback journal rather than a WAL, so that the file is whole by itself.
    pub(crate) async fn backup_file(path: &Path, write: bool) -> StoreResult<AnyPool> {
        sqlx::any::install_default_drivers();
        let url = Self::sqlite_file(format!("{}?mode={}", path.display(), if write { "rwc" } else { "ro" }));
        AnyPoolOptions::new()
            .max_connections(1)
            .after_connect(move |conn, _| {
                Box::pin(async move {
                    conn.execute("PRAGMA foreign_keys = ON").await?;
                    conn.execute("PRAGMA busy_timeout = 5000").await?;
                    if write {
                        conn.execute("PRAGMA journal_mode = DELETE").await?;
                    }
                    Ok(())
                })
            })
            .acquire_timeout(Duration::from_secs(10))
            .connect_with(url.options::<AnyConnectOptions>()?.disable_statement_logging())
            .await
            .map_err(|e| url.cannot_open(e))
    }

    /// SQLite: the file the rollups are read from in bulk, through SQLite's own library on a
    /// blocking thread (see `sql/rollup.rs`): through a driver, every row crosses from SQLite's
    /// thread one at a time and is converted.
    pub(crate) fn rollup_file(&self) -> StoreResult<Option<PathBuf>> {
        match self.backend {
            Backend::Sqlite => Ok(Some(self.options::<SqliteConnectOptions>()?.get_filename().to_path_buf())),
            Backend::Postgres => Ok(None),
        }
    }

    /// The one connection of an import on SQLite, through the driver itself (see `sql/bulk`):
    /// foreign keys off, as the import checks its reps itself, and a large page cache.
    pub(crate) async fn sqlite_import(&self) -> StoreResult<SqlitePool> {
        // WAL with synchronous = NORMAL is durable across a crash of the process
        // (a commit is in the WAL before COMMIT returns); only a power loss may
        // lose the last commits, never corrupt the file.
        let options = self
            .options::<SqliteConnectOptions>()?
            .journal_mode(SqliteJournalMode::Wal)
            .synchronous(SqliteSynchronous::Normal)
            .foreign_keys(false)
            .busy_timeout(BUSY_TIMEOUT)
            .pragma("cache_size", (-SQLITE_IMPORT_CACHE_KIB).to_string())
            .pragma("temp_store", "memory")
            // An import's statements are long by nature: no warning for each.
            .disable_statement_logging();
        Ok(SqlitePoolOptions::new().max_connections(1).connect_with(options).await?)
    }

    /// The one connection of an import on PostgreSQL, through the driver itself, which speaks COPY.
    pub(crate) async fn postgres_import(&self) -> StoreResult<PgPool> {
        let options = self.options::<PgConnectOptions>()?.disable_statement_logging();
        Ok(PgPoolOptions::new().max_connections(1).connect_with(options).await?)
    }

    /// The options of a driver of its own for this URL.
    fn options<O: ConnectOptions>(&self) -> StoreResult<O> {
        let url = self.url.parse().map_err(|e| self.cannot_open(e))?;
        Ok(O::from_url(&url)?)
    }

    fn cannot_open(&self, e: impl fmt::Display) -> StoreError {
        StoreError::Url(format!("cannot open database {}: {e}", self.redacted()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_select_backends() {
        assert_eq!(DatabaseUrl::parse("pacer.sqlite").unwrap().as_str(), "sqlite://pacer.sqlite?mode=rwc");
        assert_eq!(DatabaseUrl::parse("sqlite://x.db").unwrap().backend(), Backend::Sqlite);
        assert_eq!(DatabaseUrl::parse("postgresql://u@h/db").unwrap().backend(), Backend::Postgres);
        let err = DatabaseUrl::parse("mysql://u@h/db").unwrap_err().to_string();
        assert_eq!(
            err,
            "unknown database scheme \"mysql\" in \"mysql://u@h/db\": use sqlite://FILE or postgres://USER@HOST/DB"
        );
        assert!(DatabaseUrl::parse("").is_err());
    }

    #[test]
    fn passwords_are_redacted() {
        let url = DatabaseUrl::parse("postgres://pacer:s3cret@db:5432/pacer").unwrap();
        assert_eq!(url.redacted(), "postgres://pacer:***@db:5432/pacer");
        assert_eq!(DatabaseUrl::parse("pacer.sqlite").unwrap().redacted(), "sqlite://pacer.sqlite");
    }
}
