//! The weekly digests sent: claimed, confirmed or released, one row per week and person.

use super::SqlStore;
use crate::{DigestDelivery, DigestStore, StoreResult};
use async_trait::async_trait;
use sqlx::Row;

#[async_trait]
impl DigestStore for SqlStore {
    async fn claim_digest(
        &self,
        week: &str,
        user_id: i64,
        address: &str,
        now: i64,
        stale_before: i64,
    ) -> StoreResult<bool> {
        let mut tx = self.begin_write().await?;
        let inserted = sqlx::query(
            "INSERT INTO digest_deliveries (week, user_id, address, claimed_at) VALUES ($1, $2, $3, $4) \
             ON CONFLICT (week, user_id) DO NOTHING",
        )
        .bind(week)
        .bind(user_id)
        .bind(address)
        .bind(now)
        .execute(&mut *tx)
        .await?
        .rows_affected();
        // A claim never confirmed, made long ago: its sender stopped before knowing; take it over.
        let taken_over = inserted == 0
            && sqlx::query(
                "UPDATE digest_deliveries SET address = $3, claimed_at = $4 \
                 WHERE week = $1 AND user_id = $2 AND sent_at IS NULL AND claimed_at < $5",
            )
            .bind(week)
            .bind(user_id)
            .bind(address)
            .bind(now)
            .bind(stale_before)
            .execute(&mut *tx)
            .await?
            .rows_affected()
                == 1;
        tx.commit().await?;
        Ok(inserted == 1 || taken_over)
    }

    async fn confirm_digest(&self, week: &str, user_id: i64, sent_at: i64) -> StoreResult<()> {
        sqlx::query("UPDATE digest_deliveries SET sent_at = $3 WHERE week = $1 AND user_id = $2")
            .bind(week)
            .bind(user_id)
            .bind(sent_at)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    async fn release_digest(&self, week: &str, user_id: i64) -> StoreResult<()> {
        sqlx::query("DELETE FROM digest_deliveries WHERE week = $1 AND user_id = $2 AND sent_at IS NULL")
            .bind(week)
            .bind(user_id)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    async fn digest_deliveries(&self, week: &str) -> StoreResult<Vec<DigestDelivery>> {
        let rows = sqlx::query(
            "SELECT week, user_id, address, claimed_at, sent_at FROM digest_deliveries WHERE week = $1 ORDER BY user_id",
        )
        .bind(week)
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|row| {
                Ok(DigestDelivery {
                    week: row.try_get("week")?,
                    user_id: row.try_get("user_id")?,
                    address: row.try_get("address")?,
                    claimed_at: row.try_get("claimed_at")?,
                    sent_at: row.try_get("sent_at")?,
                })
            })
            .collect()
    }
}
