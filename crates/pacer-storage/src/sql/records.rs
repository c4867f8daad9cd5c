//! Raw sales records: accounts, activities, deals and recurring revenue.

use super::{INSERT_CHUNK, SqlStore, date_text, datetime_text, multi_insert};
use crate::error::StoreError;
use crate::{RecordCounts, RecordStore, StoreResult};
use async_trait::async_trait;
use pacer_core::org::RepId;
use pacer_core::records::{ActivityRecord, NewAccount, NewActivity, NewDeal, SubscriptionMonth};
use sqlx::Row;
use sqlx::any::AnyArguments;
use sqlx::query::Query;

type AnyQuery = Query<'static, sqlx::Any, AnyArguments>;

impl SqlStore {
    /// Inserts `rows` in chunks of multi-row INSERTs, all in one transaction.
    async fn insert_all<T>(
        &self,
        table: &str,
        columns: &[&str],
        rows: &[T],
        bind: impl Fn(AnyQuery, &T) -> AnyQuery,
    ) -> StoreResult<()> {
        let mut tx = self.pool.begin().await?;
        for chunk in rows.chunks(INSERT_CHUNK) {
            let sql = multi_insert(table, columns, chunk.len());
            // Built from fixed table and column names; every value is bound.
            let mut query = sqlx::query(sqlx::AssertSqlSafe(sql));
            for row in chunk {
                query = bind(query, row);
            }
            query.execute(&mut *tx).await?;
        }
        tx.commit().await?;
        Ok(())
    }
}

#[async_trait]
impl RecordStore for SqlStore {
    async fn insert_accounts(&self, accounts: &[NewAccount]) -> StoreResult<()> {
        self.insert_all("accounts", &["id", "name", "owner_id", "segment"], accounts, |q, a| {
            q.bind(a.id).bind(&a.name).bind(a.owner_id).bind(&a.segment)
        })
        .await
    }

    async fn insert_activities(&self, activities: &[NewActivity]) -> StoreResult<()> {
        let columns = ["rep_id", "activity_type", "occurred_at", "duration_s", "account_id", "source", "external_id"];
        self.insert_all("activities", &columns, activities, |q, a| {
            q.bind(a.rep_id)
                .bind(&a.activity_type)
                .bind(datetime_text(a.occurred_at))
                .bind(a.duration_s)
                .bind(a.account_id)
                .bind(a.source.as_str())
                .bind(&a.external_id)
        })
        .await
    }

    async fn insert_deals(&self, deals: &[NewDeal]) -> StoreResult<()> {
        let columns = [
            "rep_id",
            "account_id",
            "kind",
            "status",
            "stage",
            "amount_minor",
            "created_on",
            "close_date",
            "source",
            "external_id",
        ];
        self.insert_all("deals", &columns, deals, |q, d| {
            q.bind(d.rep_id)
                .bind(d.account_id)
                .bind(d.kind.as_str())
                .bind(d.status.as_str())
                .bind(&d.stage)
                .bind(d.amount_minor)
                .bind(date_text(d.created_on))
                .bind(date_text(d.close_date))
                .bind(d.source.as_str())
                .bind(&d.external_id)
        })
        .await
    }

    async fn insert_subscriptions(&self, months: &[SubscriptionMonth]) -> StoreResult<()> {
        self.insert_all("subscriptions", &["account_id", "month", "mrr_minor"], months, |q, m| {
            q.bind(m.account_id).bind(date_text(m.month)).bind(m.mrr_minor)
        })
        .await
    }

    async fn record_counts(&self) -> StoreResult<RecordCounts> {
        let row = sqlx::query(
            "SELECT (SELECT COUNT(*) FROM teams) AS teams, (SELECT COUNT(*) FROM reps) AS reps, \
             (SELECT COUNT(*) FROM accounts) AS accounts, (SELECT COUNT(*) FROM activities) AS activities, \
             (SELECT COUNT(*) FROM deals) AS deals, (SELECT COUNT(*) FROM subscriptions) AS subscription_months",
        )
        .fetch_one(&self.pool)
        .await?;
        Ok(RecordCounts {
            teams: row.try_get("teams")?,
            reps: row.try_get("reps")?,
            accounts: row.try_get("accounts")?,
            activities: row.try_get("activities")?,
            deals: row.try_get("deals")?,
            subscription_months: row.try_get("subscription_months")?,
        })
    }

    async fn recent_activities(&self, rep: RepId, limit: u32) -> StoreResult<Vec<ActivityRecord>> {
        let rows = sqlx::query(
            "SELECT id, rep_id, activity_type, occurred_at, duration_s, source FROM activities \
             WHERE rep_id = $1 ORDER BY occurred_at DESC, id DESC LIMIT $2",
        )
        .bind(rep)
        .bind(i64::from(limit))
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|row| {
                let at: String = row.try_get("occurred_at")?;
                let source: String = row.try_get("source")?;
                Ok(ActivityRecord {
                    id: row.try_get("id")?,
                    rep_id: row.try_get("rep_id")?,
                    activity_type: row.try_get("activity_type")?,
                    occurred_at: chrono::NaiveDateTime::parse_from_str(&at, "%Y-%m-%dT%H:%M:%S")
                        .map_err(|_| StoreError::Corrupt { column: "activities.occurred_at", value: at.clone() })?,
                    duration_s: row.try_get("duration_s")?,
                    source: source
                        .parse()
                        .map_err(|_| StoreError::Corrupt { column: "activities.source", value: source.clone() })?,
                })
            })
            .collect()
    }
}
