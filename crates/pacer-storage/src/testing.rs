//! Throwaway databases for tests on both backends.
//!
//! PostgreSQL is found through `PACER_TEST_POSTGRES_URL` (default
//! `postgres://postgres@127.0.0.1:5432/postgres`). When it does not answer,
//! the PostgreSQL half of a test is skipped with a message, unless
//! `PACER_REQUIRE_POSTGRES=1` (set by CI), which makes it a failure.

use crate::backend::{Backend, DatabaseUrl};
use crate::sql::SqlStore;
use crate::sql::backup::{Cell, shapes};
use sqlx::postgres::PgConnection;
use sqlx::{AssertSqlSafe, Connection};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU32, Ordering};

static COUNTER: AtomicU32 = AtomicU32::new(0);

fn unique_name() -> String {
    let nanos =
        std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.subsec_nanos()).unwrap_or(0);
    format!("pacer_test_{}_{}_{nanos}", std::process::id(), COUNTER.fetch_add(1, Ordering::Relaxed))
}

fn admin_url() -> String {
    std::env::var("PACER_TEST_POSTGRES_URL").unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/postgres".into())
}

fn postgres_required() -> bool {
    std::env::var("PACER_REQUIRE_POSTGRES").is_ok_and(|v| v == "1" || v == "true")
}

/// A fresh, empty, migrated database that is removed when dropped.
pub struct TestDb {
    /// The store on it.
    pub store: SqlStore,
    /// Its URL.
    pub url: DatabaseUrl,
    cleanup: Cleanup,
}

enum Cleanup {
    File(PathBuf),
    Database { admin: String, name: String },
}

impl TestDb {
    /// A fresh SQLite file in the temporary directory.
    pub async fn sqlite() -> Self {
        let path = std::env::temp_dir().join(format!("{}.sqlite", unique_name()));
        let url = DatabaseUrl::sqlite_file(&path);
        let store = SqlStore::connect(&url).await.expect("open a temporary SQLite database");
        Self { store, url, cleanup: Cleanup::File(path) }
    }

    /// A fresh PostgreSQL database, or `None` (with a message) when PostgreSQL
    /// does not answer and is not required.
    pub async fn postgres() -> Option<Self> {
        let admin = admin_url();
        let mut conn = match PgConnection::connect(&admin).await {
            Ok(conn) => conn,
            Err(e) if postgres_required() => {
                panic!("PostgreSQL is required (PACER_REQUIRE_POSTGRES) but unreachable at {admin}: {e}")
            }
            Err(e) => {
                eprintln!("skipped: the PostgreSQL half of this test (unreachable at {admin}: {e})");
                return None;
            }
        };
        let name = unique_name();
        sqlx::raw_sql(sqlx::AssertSqlSafe(format!("CREATE DATABASE {name}")))
            .execute(&mut conn)
            .await
            .expect("create a test database");
        let _ = conn.close().await;
        let (base, _) = admin.rsplit_once('/').expect("a PostgreSQL URL has a database path");
        let url = DatabaseUrl::parse(&format!("{base}/{name}")).expect("a valid URL");
        let store = SqlStore::connect(&url).await.expect("open the test database");
        Some(Self { store, url, cleanup: Cleanup::Database { admin, name } })
    }

    /// Every backend available here: SQLite always, PostgreSQL when it answers.
    pub async fn all() -> Vec<Self> {
        let mut dbs = vec![Self::sqlite().await];
        dbs.extend(Self::postgres().await);
        dbs
    }

    /// The backend of this database.
    pub fn backend(&self) -> Backend {
        self.url.backend()
    }
}

impl Drop for TestDb {
    fn drop(&mut self) {
        match &self.cleanup {
            Cleanup::File(path) => {
                for suffix in ["", "-wal", "-shm"] {
                    let mut p = path.clone().into_os_string();
                    p.push(suffix);
                    let _ = std::fs::remove_file(p);
                }
            }
            Cleanup::Database { admin, name } => {
                let (admin, name) = (admin.clone(), name.clone());
                // Drop runs outside any async context we can await in: use a thread with its own runtime.
                let _ = std::thread::spawn(move || {
                    let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().ok()?;
                    // FORCE ends the pool's connections, which belong to the test's runtime.
                    rt.block_on(async move {
                        let mut conn = PgConnection::connect(&admin).await.ok()?;
                        sqlx::raw_sql(sqlx::AssertSqlSafe(format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)")))
                            .execute(&mut conn)
                            .await
                            .ok()
                    })
                })
                .join();
            }
        }
    }
}

/// Every row of both daily rollups, in key order: what tests compare after writes and rebuilds.
pub async fn rollup_rows(
    store: &dyn crate::Store,
) -> (Vec<pacer_core::rollup::ActivityDay>, Vec<pacer_core::rollup::DealDay>) {
    let (from, to) = (
        chrono::NaiveDate::from_ymd_opt(1, 1, 1).expect("a date"),
        chrono::NaiveDate::from_ymd_opt(9999, 12, 31).expect("a date"),
    );
    let mut activities = Vec::new();
    store.activity_days(from, to, None, None, &mut |row| activities.push(row)).await.expect("read the activity rollup");
    let mut deals = Vec::new();
    store.deal_days(from, to, None, &mut |row| deals.push(row)).await.expect("read the deal rollup");
    activities.sort_by(|a, b| a.0.cmp(&b.0));
    deals.sort_by_key(|a| a.0);
    (activities, deals)
}

/// Every row of every table of the backup at `file`, in key order, each value written out
/// (`NULL`, `7`, `"text"`, `true`): what tests compare after backups and restores.
pub async fn backup_contents(file: &Path) -> BTreeMap<&'static str, Vec<Vec<String>>> {
    let pool = DatabaseUrl::backup_file(file, false).await.expect("open the backup");
    let mut conn = pool.acquire().await.expect("a connection to the backup");
    let mut tables = BTreeMap::new();
    for shape in shapes(&mut conn, &file.display().to_string()).await.expect("a Pacer backup") {
        let rows = sqlx::query(AssertSqlSafe(shape.select())).fetch_all(&mut *conn).await.expect("read a table");
        let written = |cell: &Cell| match cell {
            Cell::Integer(Some(v)) => v.to_string(),
            Cell::Text(Some(text)) => format!("{text:?}"),
            Cell::Flag(Some(flag)) => flag.to_string(),
            Cell::Integer(None) | Cell::Text(None) | Cell::Flag(None) => "NULL".to_string(),
        };
        let rows = rows.iter().map(|row| shape.read(row).expect("read a row").iter().map(written).collect()).collect();
        tables.insert(shape.table.name, rows);
    }
    drop(conn);
    pool.close().await;
    tables
}
