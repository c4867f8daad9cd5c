//! Versions of the metric catalog.

use super::{SqlStore, audit, now_text};
use crate::{CatalogStore, CatalogVersion, StoreResult};
use async_trait::async_trait;
use pacer_core::audit::{Actor, AuditAction};
use sqlx::Row;
use sqlx::any::AnyRow;

fn version_from_row(row: &AnyRow, with_source: bool) -> StoreResult<CatalogVersion> {
    let diff: String = row.try_get("diff")?;
    Ok(CatalogVersion {
        version: row.try_get("version")?,
        applied_at: row.try_get("applied_at")?,
        applied_by: row.try_get("applied_by")?,
        reason: row.try_get("reason")?,
        source: if with_source { row.try_get("source")? } else { String::new() },
        diff: diff.lines().map(String::from).collect(),
    })
}

#[async_trait]
impl CatalogStore for SqlStore {
    async fn apply_catalog(&self, source: &str, diff: &[String], actor: &Actor) -> StoreResult<CatalogVersion> {
        let mut tx = self.begin_write().await?;
        let last: Option<i64> =
            sqlx::query_scalar("SELECT MAX(version) FROM catalog_versions").fetch_one(&mut *tx).await?;
        let version = CatalogVersion {
            version: last.unwrap_or(0) + 1,
            applied_at: now_text(),
            applied_by: actor.name.clone(),
            reason: actor.reason.clone(),
            source: source.to_string(),
            diff: diff.to_vec(),
        };
        sqlx::query(
            "INSERT INTO catalog_versions (version, applied_at, applied_by, reason, source, diff) VALUES ($1, $2, $3, $4, $5, $6)",
        )
        .bind(version.version)
        .bind(&version.applied_at)
        .bind(&version.applied_by)
        .bind(&version.reason)
        .bind(&version.source)
        .bind(version.diff.join("\n"))
        .execute(&mut *tx)
        .await?;
        let before = last.map(|v| serde_json::json!({ "version": v }));
        let after = serde_json::json!({ "version": version.version, "changes": version.diff });
        audit(&mut tx, actor, AuditAction::CatalogApply, version.version.to_string(), before.as_ref(), Some(&after))
            .await?;
        tx.commit().await?;
        Ok(version)
    }

    async fn current_catalog(&self) -> StoreResult<Option<CatalogVersion>> {
        let row = sqlx::query(
            "SELECT version, applied_at, applied_by, reason, source, diff FROM catalog_versions ORDER BY version DESC LIMIT 1",
        )
        .fetch_optional(&self.pool)
        .await?;
        row.map(|r| version_from_row(&r, true)).transpose()
    }

    async fn catalog_versions(&self) -> StoreResult<Vec<CatalogVersion>> {
        let rows = sqlx::query(
            "SELECT version, applied_at, applied_by, reason, '' AS source, diff FROM catalog_versions ORDER BY version DESC",
        )
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(|r| version_from_row(r, false)).collect()
    }
}
