//! Embedded schema migrations, run on every connect. Applied migrations are
//! never edited: a change is a new numbered file in both backends' folders.

use crate::backend::Backend;
use crate::error::StoreError;
use sqlx::{AnyPool, Executor};

/// One migration: number, file name and SQL.
struct Migration {
    version: i64,
    name: &'static str,
    sql: &'static str,
}

macro_rules! migrations {
    ($dir:literal: $($version:literal => $file:literal),+ $(,)?) => {
        &[$(Migration {
            version: $version,
            name: $file,
            sql: include_str!(concat!("../migrations/", $dir, "/", $file)),
        }),+]
    };
}

const SQLITE: &[Migration] = migrations!("sqlite": 1 => "0001_organisation.sql", 2 => "0002_access.sql", 3 => "0003_catalog.sql", 4 => "0004_churn_reasons.sql", 5 => "0005_data_versions.sql", 6 => "0006_entered_by.sql", 7 => "0007_rollups.sql", 8 => "0008_plans.sql", 9 => "0009_reviews.sql", 10 => "0010_cache_versions.sql", 11 => "0011_activities_by_time.sql", 12 => "0012_admin_token_scope.sql", 13 => "0013_session_idle.sql", 14 => "0014_fx_rates.sql", 15 => "0015_undated_open_deals.sql", 16 => "0016_cube_snapshot.sql", 17 => "0017_digest.sql", 18 => "0018_language.sql");
const POSTGRES: &[Migration] = migrations!("postgres": 1 => "0001_organisation.sql", 2 => "0002_access.sql", 3 => "0003_catalog.sql", 4 => "0004_churn_reasons.sql", 5 => "0005_data_versions.sql", 6 => "0006_entered_by.sql", 7 => "0007_rollups.sql", 8 => "0008_plans.sql", 9 => "0009_reviews.sql", 10 => "0010_cache_versions.sql", 11 => "0011_activities_by_time.sql", 12 => "0012_admin_token_scope.sql", 13 => "0013_session_idle.sql", 14 => "0014_fx_rates.sql", 15 => "0015_undated_open_deals.sql", 16 => "0016_cube_snapshot.sql", 17 => "0017_digest.sql", 18 => "0018_language.sql");

/// The number and file name of every migration this binary knows, oldest first: the same
/// numbered files in both backends' folders.
pub(crate) fn known() -> impl Iterator<Item = (i64, &'static str)> {
    SQLITE.iter().map(|m| (m.version, m.name))
}

/// Applies every migration not yet recorded, each in its own transaction.
pub(crate) async fn run(pool: &AnyPool, backend: Backend) -> Result<(), StoreError> {
    pool.execute(
        "CREATE TABLE IF NOT EXISTS schema_migrations (version BIGINT PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)",
    )
    .await?;
    let migrations = match backend {
        Backend::Sqlite => SQLITE,
        Backend::Postgres => POSTGRES,
    };
    for m in migrations {
        let mut tx = pool.begin().await?;
        // Serialise concurrent starters on PostgreSQL (several servers, one database).
        if backend == Backend::Postgres {
            sqlx::query("LOCK TABLE schema_migrations IN EXCLUSIVE MODE").execute(&mut *tx).await?;
        }
        let applied: Option<i64> = sqlx::query_scalar("SELECT version FROM schema_migrations WHERE version = $1")
            .bind(m.version)
            .fetch_optional(&mut *tx)
            .await?;
        if applied.is_some() {
            // Ends the transaction now, releasing the lock: a transaction merely dropped would
            // keep it on an idle pooled connection, and the next process to start would wait.
            tx.commit().await?;
            continue;
        }
        tracing::info!(version = m.version, name = m.name, "applying migration");
        let fail = |source| StoreError::Migration { version: m.version, name: m.name, source };
        (&mut *tx).execute(sqlx::raw_sql(m.sql)).await.map_err(fail)?;
        sqlx::query("INSERT INTO schema_migrations (version, name, applied_at) VALUES ($1, $2, $3)")
            .bind(m.version)
            .bind(m.name)
            .bind(chrono::Utc::now().to_rfc3339())
            .execute(&mut *tx)
            .await
            .map_err(fail)?;
        tx.commit().await.map_err(fail)?;
    }
    Ok(())
}
