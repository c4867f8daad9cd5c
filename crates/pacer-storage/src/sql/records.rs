//! Raw sales records: accounts, activities, deals and recurring revenue.

use super::columns::{self, ACTIVITY_COLUMNS, DEAL_COLUMNS};
use super::fx::Conversion;
use super::{
    INSERT_CHUNK, SqlStore, audit, date_text, datetime_text, day_after_text, get_date, multi_insert, now_text,
    opt_date, param, params, parse_date, parse_text,
};
use super::{rollup, version};
use crate::backend::Backend;
use crate::error::StoreError;
use crate::{DataInput, DataKind, RecordCounts, RecordStore, RollupCounts, StoreResult, UpsertCounts};
use async_trait::async_trait;
use chrono::NaiveDate;
use pacer_core::audit::{Actor, AuditAction};
use pacer_core::churn::ChurnTag;
use pacer_core::org::RepId;
use pacer_core::records::{
    ActivityRecord, DealRecord, Fields, NewAccount, NewActivity, NewDeal, SourceKind, SubscriptionMonth,
};
use pacer_core::rollup::{ActivityDayKey, Change, DealDayKey, RollupDelta};
use sqlx::Row;
use sqlx::any::AnyArguments;
use sqlx::any::AnyRow;
use sqlx::query::Query;
use std::collections::HashMap;

type AnyQuery = Query<'static, sqlx::Any, AnyArguments>;

/// Records quoted in the audit entry of one write; the others are only counted.
pub(super) const AUDITED_RECORDS: usize = 50;

/// The audit entry of a write of raw records (`ENTITY.write`): the counts, and the first
/// records as written. A replay that changes nothing leaves no entry.
async fn audit_written<T: serde::Serialize>(
    conn: &mut sqlx::AnyConnection,
    actor: &Actor,
    action: AuditAction,
    counts: UpsertCounts,
    records: &[T],
) -> StoreResult<()> {
    if counts.new + counts.updated == 0 {
        return Ok(());
    }
    let shown = &records[..records.len().min(AUDITED_RECORDS)];
    let after = serde_json::json!({
        "received": records.len(), "new": counts.new, "updated": counts.updated, "unchanged": counts.unchanged,
        "records": shown, "records_not_shown": records.len() - shown.len(),
    });
    audit::<(), _>(conn, actor, action, "batch".into(), None, Some(&after)).await
}

/// The audit entry of a deletion of raw records (`ENTITY.delete`) by (source, external id).
async fn audit_deleted(
    conn: &mut sqlx::AnyConnection,
    actor: &Actor,
    action: AuditAction,
    source: SourceKind,
    external_ids: &[String],
    deleted: usize,
) -> StoreResult<()> {
    if deleted == 0 {
        return Ok(());
    }
    let before = serde_json::json!({ "source": source, "external_ids": external_ids, "deleted": deleted });
    audit::<_, ()>(conn, actor, action, source.as_str().into(), Some(&before), None).await
}

impl SqlStore {
    /// Ends a write of activities or deals inside its transaction: the
    /// rollups take the change and, when something changed, caches learn it.
    pub(super) async fn finish_write(
        &self,
        tx: &mut sqlx::AnyConnection,
        kind: DataKind,
        rollups: &RollupDelta,
    ) -> StoreResult<()> {
        if rollups.is_empty() {
            return Ok(());
        }
        rollup::apply(tx, self.backend(), rollups).await?;
        version::bump(tx, kind, rollups.days()).await
    }

    /// Inserts `rows` in chunks of multi-row INSERTs into `table`, all in one transaction,
    /// and moves the version of its kind of data, if it has one.
    async fn insert_all<T>(
        &self,
        (table, kind): (&str, Option<DataKind>),
        columns: &[&str],
        rows: &[T],
        bind: impl Fn(AnyQuery, &T) -> AnyQuery,
        rollups: &RollupDelta,
    ) -> StoreResult<()> {
        let mut tx = self.begin_write().await?;
        self.insert_in(&mut tx, (table, kind), columns, rows, bind, rollups).await?;
        tx.commit().await?;
        Ok(())
    }

    /// [`Self::insert_all`] in the transaction of `tx`.
    async fn insert_in<T>(
        &self,
        tx: &mut sqlx::AnyConnection,
        (table, kind): (&str, Option<DataKind>),
        columns: &[&str],
        rows: &[T],
        bind: impl Fn(AnyQuery, &T) -> AnyQuery,
        rollups: &RollupDelta,
    ) -> StoreResult<()> {
        for chunk in rows.chunks(INSERT_CHUNK) {
            let sql = multi_insert(self.backend(), table, columns, chunk.len());
            // Built from fixed table and column names; every value is bound.
            let mut query = sqlx::query(sqlx::AssertSqlSafe(sql));
            for row in chunk {
                query = bind(query, row);
            }
            query.execute(&mut *tx).await?;
        }
        rollup::apply(tx, self.backend(), rollups).await?;
        if let Some(kind) = kind
            && !rows.is_empty()
        {
            // Caches of what is computed from this table learn of the change with it.
            version::bump(tx, kind, rollups.days()).await?;
        }
        Ok(())
    }
}

#[async_trait]
impl RecordStore for SqlStore {
    async fn insert_accounts(&self, accounts: &[NewAccount]) -> StoreResult<()> {
        // Nothing is cached from accounts: they have no version.
        self.insert_all(
            ("accounts", None),
            &["id", "name", "owner_id", "segment"],
            accounts,
            |q, a| q.bind(a.id).bind(&a.name).bind(a.owner_id).bind(&a.segment),
            &RollupDelta::default(),
        )
        .await
    }

    async fn insert_activities(&self, activities: &[NewActivity]) -> StoreResult<()> {
        let mut rollups = RollupDelta::default();
        for a in activities {
            rollups.activity(Change::Add, activity_day(a), a.duration_s);
        }
        self.insert_all(
            ("activities", Some(DataKind::Activities)),
            &ACTIVITY_COLUMNS,
            activities,
            columns::bind,
            &rollups,
        )
        .await
    }

    async fn insert_deals(&self, deals: &[NewDeal]) -> StoreResult<()> {
        let mut tx = self.begin_write().await?;
        let deals = Conversion::read(&mut tx).await?.all(deals)?;
        let mut rollups = RollupDelta::default();
        for d in &deals {
            rollups.deal(Change::Add, deal_day(d.deal), d.amount_minor);
        }
        self.insert_in(&mut tx, ("deals", Some(DataKind::Deals)), &DEAL_COLUMNS, &deals, columns::bind, &rollups)
            .await?;
        tx.commit().await?;
        Ok(())
    }

    async fn insert_subscriptions(&self, months: &[SubscriptionMonth]) -> StoreResult<()> {
        self.insert_all(
            ("subscriptions", Some(DataKind::Subscriptions)),
            &["account_id", "month", "mrr_minor"],
            months,
            |q, m| q.bind(m.account_id).bind(date_text(m.month)).bind(m.mrr_minor),
            &RollupDelta::default(),
        )
        .await
    }

    async fn upsert_activities(&self, activities: &[NewActivity], actor: &Actor) -> StoreResult<UpsertCounts> {
        let mut tx = self.begin_write().await?;
        if self.backend() == Backend::Postgres {
            // The key lookups must use the unique index even while the table grows
            // inside this transaction, before any statistics say it is large.
            sqlx::query("SET LOCAL enable_seqscan = off").execute(&mut *tx).await?;
        }
        let mut counts = UpsertCounts::default();
        let mut rollups = RollupDelta::default();
        // A key given twice in one batch: the last record wins.
        let mut last: HashMap<(&str, &str), usize> = HashMap::new();
        for (i, a) in activities.iter().enumerate() {
            if let Some(id) = &a.external_id
                && last.insert((a.source.as_str(), id.as_str()), i).is_some()
            {
                counts.updated += 1;
            }
        }
        let wanted: Vec<&NewActivity> = activities
            .iter()
            .enumerate()
            .filter(|(i, a)| {
                a.external_id.as_ref().is_none_or(|id| last.get(&(a.source.as_str(), id.as_str())) == Some(i))
            })
            .map(|(_, a)| a)
            .collect();
        for chunk in wanted.chunks(INSERT_CHUNK) {
            // One query finds which of the chunk's keys are stored already, with their values.
            let existing = stored_activities(&mut tx, self.backend(), chunk).await?;
            let mut to_insert = Vec::with_capacity(chunk.len());
            for a in chunk {
                let key = a.external_id.as_ref().map(|id| (a.source.as_str().to_string(), id.clone()));
                match key.and_then(|k| existing.get(&k)) {
                    None => {
                        rollups.activity(Change::Add, activity_day(a), a.duration_s);
                        to_insert.push(*a);
                    }
                    Some(row) if row.1 == activity_values(a) => counts.unchanged += 1,
                    Some(row) => {
                        let (old_day, old_duration) = stored_activity_day(&row.1)?;
                        rollups.activity(Change::Remove, old_day, old_duration);
                        rollups.activity(Change::Add, activity_day(a), a.duration_s);
                        sqlx::query(
                            "UPDATE activities SET rep_id = $1, activity_type = $2, occurred_at = $3, duration_s = $4, \
                             account_id = $5, fields = $6 WHERE id = $7",
                        )
                        .bind(a.rep_id)
                        .bind(&a.activity_type)
                        .bind(datetime_text(a.occurred_at))
                        .bind(a.duration_s)
                        .bind(a.account_id)
                        .bind(fields_json(&a.fields))
                        .bind(row.0)
                        .execute(&mut *tx)
                        .await?;
                        counts.updated += 1;
                    }
                }
            }
            if !to_insert.is_empty() {
                let sql = multi_insert(self.backend(), "activities", &ACTIVITY_COLUMNS, to_insert.len());
                let mut query = sqlx::query(sqlx::AssertSqlSafe(sql));
                for a in &to_insert {
                    query = columns::bind(query, *a);
                }
                query.execute(&mut *tx).await?;
                counts.new += to_insert.len();
            }
        }
        self.finish_write(&mut tx, DataKind::Activities, &rollups).await?;
        audit_written(&mut tx, actor, AuditAction::ActivitiesWrite, counts, activities).await?;
        tx.commit().await?;
        Ok(counts)
    }

    async fn upsert_deals(&self, deals: &[NewDeal], actor: &Actor) -> StoreResult<UpsertCounts> {
        let mut tx = self.begin_write().await?;
        let stored = Conversion::read(&mut tx).await?.all(deals)?;
        let mut counts = UpsertCounts::default();
        let mut rollups = RollupDelta::default();
        for s in &stored {
            let (d, currency, amount_minor) = (s.deal, s.currency.as_str(), s.amount_minor);
            let existing = match &d.external_id {
                Some(id) => sqlx::query(
                    "SELECT id, rep_id, account_id, kind, status, stage, amount_minor, created_on, close_date, currency, \
                     original_amount_minor FROM deals WHERE source = $1 AND external_id = $2",
                )
                .bind(d.source.as_str())
                .bind(id)
                .fetch_optional(&mut *tx)
                .await?,
                None => None,
            };
            let same = match &existing {
                None => false,
                Some(row) => {
                    row.try_get::<i64, _>("rep_id")? == d.rep_id
                        && row.try_get::<i64, _>("account_id")? == d.account_id
                        && row.try_get::<String, _>("kind")? == d.kind.as_str()
                        && row.try_get::<String, _>("status")? == d.status.as_str()
                        && row.try_get::<String, _>("stage")? == d.stage
                        && row.try_get::<i64, _>("amount_minor")? == amount_minor
                        && get_date(row, "created_on")? == d.created_on
                        && opt_date(row, "close_date")? == d.close_date
                        && row.try_get::<Option<String>, _>("currency")?.as_deref() == Some(currency)
                        && row.try_get::<Option<i64>, _>("original_amount_minor")? == Some(d.amount_minor)
                }
            };
            match (existing, same) {
                (Some(_), true) => counts.unchanged += 1,
                (Some(row), false) => {
                    rollups.deal(Change::Remove, stored_deal_day(&row)?, row.try_get("amount_minor")?);
                    rollups.deal(Change::Add, deal_day(d), amount_minor);
                    sqlx::query(
                        "UPDATE deals SET rep_id = $1, account_id = $2, kind = $3, status = $4, stage = $5, amount_minor = $6, \
                         created_on = $7, close_date = $8, currency = $9, original_amount_minor = $10 WHERE id = $11",
                    )
                    .bind(d.rep_id)
                    .bind(d.account_id)
                    .bind(d.kind.as_str())
                    .bind(d.status.as_str())
                    .bind(&d.stage)
                    .bind(amount_minor)
                    .bind(date_text(d.created_on))
                    .bind(d.close_date.map(date_text))
                    .bind(currency)
                    .bind(d.amount_minor)
                    .bind(row.try_get::<i64, _>("id")?)
                    .execute(&mut *tx)
                    .await?;
                    counts.updated += 1;
                }
                (None, _) => {
                    rollups.deal(Change::Add, deal_day(d), amount_minor);
                    let sql = multi_insert(self.backend(), "deals", &DEAL_COLUMNS, 1);
                    columns::bind(sqlx::query(sqlx::AssertSqlSafe(sql)), s).execute(&mut *tx).await?;
                    counts.new += 1;
                }
            }
        }
        self.finish_write(&mut tx, DataKind::Deals, &rollups).await?;
        audit_written(&mut tx, actor, AuditAction::DealsWrite, counts, deals).await?;
        tx.commit().await?;
        Ok(counts)
    }

    async fn delete_activities(
        &self,
        source: SourceKind,
        external_ids: &[String],
        actor: &Actor,
    ) -> StoreResult<usize> {
        let mut tx = self.begin_write().await?;
        let mut rollups = RollupDelta::default();
        let mut deleted = 0;
        for id in external_ids {
            let row = sqlx::query(
                "SELECT id, rep_id, activity_type, occurred_at, duration_s, account_id, fields FROM activities \
                 WHERE source = $1 AND external_id = $2",
            )
            .bind(source.as_str())
            .bind(id)
            .fetch_optional(&mut *tx)
            .await?;
            let Some(row) = row else { continue };
            let (day, duration) = stored_activity_day(&(
                row.try_get("rep_id")?,
                row.try_get("activity_type")?,
                row.try_get("occurred_at")?,
                row.try_get("duration_s")?,
                row.try_get("account_id")?,
                row.try_get("fields")?,
            ))?;
            rollups.activity(Change::Remove, day, duration);
            sqlx::query("DELETE FROM activities WHERE id = $1")
                .bind(row.try_get::<i64, _>("id")?)
                .execute(&mut *tx)
                .await?;
            deleted += 1;
        }
        self.finish_write(&mut tx, DataKind::Activities, &rollups).await?;
        audit_deleted(&mut tx, actor, AuditAction::ActivitiesDelete, source, external_ids, deleted).await?;
        tx.commit().await?;
        Ok(deleted)
    }

    async fn delete_deals(&self, source: SourceKind, external_ids: &[String], actor: &Actor) -> StoreResult<usize> {
        let mut tx = self.begin_write().await?;
        let mut rollups = RollupDelta::default();
        let mut deleted = 0;
        for id in external_ids {
            let row = sqlx::query(
                "SELECT id, rep_id, kind, status, amount_minor, close_date FROM deals WHERE source = $1 AND external_id = $2",
            )
            .bind(source.as_str())
            .bind(id)
            .fetch_optional(&mut *tx)
            .await?;
            let Some(row) = row else { continue };
            rollups.deal(Change::Remove, stored_deal_day(&row)?, row.try_get("amount_minor")?);
            sqlx::query("DELETE FROM deals WHERE id = $1").bind(row.try_get::<i64, _>("id")?).execute(&mut *tx).await?;
            deleted += 1;
        }
        self.finish_write(&mut tx, DataKind::Deals, &rollups).await?;
        audit_deleted(&mut tx, actor, AuditAction::DealsDelete, source, external_ids, deleted).await?;
        tx.commit().await?;
        Ok(deleted)
    }

    async fn rebuild_rollups(&self) -> StoreResult<RollupCounts> {
        self.rebuild().await
    }

    async fn upsert_subscriptions(&self, months: &[SubscriptionMonth], actor: &Actor) -> StoreResult<UpsertCounts> {
        let mut tx = self.begin_write().await?;
        let mut counts = UpsertCounts::default();
        for m in months {
            let existing: Option<i64> =
                sqlx::query_scalar("SELECT mrr_minor FROM subscriptions WHERE account_id = $1 AND month = $2")
                    .bind(m.account_id)
                    .bind(date_text(m.month))
                    .fetch_optional(&mut *tx)
                    .await?;
            match existing {
                Some(mrr) if mrr == m.mrr_minor => counts.unchanged += 1,
                Some(_) => {
                    sqlx::query("UPDATE subscriptions SET mrr_minor = $1 WHERE account_id = $2 AND month = $3")
                        .bind(m.mrr_minor)
                        .bind(m.account_id)
                        .bind(date_text(m.month))
                        .execute(&mut *tx)
                        .await?;
                    counts.updated += 1;
                }
                None => {
                    sqlx::query("INSERT INTO subscriptions (account_id, month, mrr_minor) VALUES ($1, $2, $3)")
                        .bind(m.account_id)
                        .bind(date_text(m.month))
                        .bind(m.mrr_minor)
                        .execute(&mut *tx)
                        .await?;
                    counts.new += 1;
                }
            }
        }
        if counts.new + counts.updated > 0 {
            version::bump(&mut tx, DataKind::Subscriptions, None).await?;
        }
        audit_written(&mut tx, actor, AuditAction::SubscriptionsWrite, counts, months).await?;
        tx.commit().await?;
        Ok(counts)
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
        let mut conn = self.pool.acquire().await?;
        // The rep's latest days with activities, from the rollups (keyed by rep first): the
        // latest `limit` activities lie in at most `limit` days. Activities are indexed by time only.
        let days = sqlx::query(
            "SELECT day, CAST(SUM(n) AS BIGINT) AS n FROM activity_rollup WHERE rep_id = $1 \
             GROUP BY day ORDER BY day DESC LIMIT $2",
        )
        .bind(rep)
        .bind(i64::from(limit))
        .fetch_all(&mut *conn)
        .await?;
        let Some(last) = days.first() else { return Ok(Vec::new()) };
        let last = get_date(last, "day")?;
        let mut first = last;
        let mut seen = 0i64;
        for row in &days {
            first = get_date(row, "day")?;
            seen += row.try_get::<i64, _>("n")?;
            if seen >= i64::from(limit) {
                break;
            }
        }
        let rows = sqlx::query(concat!(
            "SELECT ",
            activity_columns!(),
            " FROM activities WHERE occurred_at >= $1 AND occurred_at < $2 AND rep_id = $3 \
             ORDER BY occurred_at DESC, id DESC LIMIT $4"
        ))
        .bind(date_text(first))
        .bind(day_after_text(last))
        .bind(rep)
        .bind(i64::from(limit))
        .fetch_all(&mut *conn)
        .await?;
        rows.iter().map(activity_from_row).collect()
    }

    async fn activities_between(
        &self,
        from: NaiveDate,
        to: NaiveDate,
        types: Option<&[String]>,
    ) -> StoreResult<Vec<ActivityRecord>> {
        // Timestamps are ISO text: the day's bounds compare as text. The types are filtered
        // here, not after decoding: a report of calls reads no e-mail.
        let mut sql =
            concat!("SELECT ", activity_columns!(), " FROM activities WHERE occurred_at >= $1 AND occurred_at < $2")
                .to_owned();
        if let Some(types) = types {
            sql.push_str(&format!(" AND activity_type IN ({})", numbered_in_list(3, types.len())));
        }
        sql.push_str(" ORDER BY occurred_at, id");
        let mut query = sqlx::query(sqlx::AssertSqlSafe(sql)).bind(date_text(from)).bind(day_after_text(to));
        for t in types.unwrap_or_default() {
            query = query.bind(t.clone());
        }
        query.fetch_all(&self.pool).await?.iter().map(activity_from_row).collect()
    }

    async fn activity_counts(
        &self,
        from: NaiveDate,
        to: NaiveDate,
        source: SourceKind,
    ) -> StoreResult<Vec<(RepId, i64)>> {
        // Counted in the sum, not filtered in WHERE: `source = ?` would lead SQLite to the
        // (source, external id) index, the whole source's rows, rather than the days' range.
        let rows = sqlx::query(
            "SELECT rep_id, SUM(CASE WHEN source = $3 THEN 1 ELSE 0 END) AS n FROM activities \
             WHERE occurred_at >= $1 AND occurred_at < $2 GROUP BY rep_id ORDER BY rep_id",
        )
        .bind(date_text(from))
        .bind(day_after_text(to))
        .bind(source.as_str())
        .fetch_all(&self.pool)
        .await?;
        let counts = rows.iter().map(|row| Ok((row.try_get("rep_id")?, row.try_get("n")?)));
        counts.filter(|count| !matches!(count, Ok((_, 0)))).collect()
    }

    async fn open_deal_stages(&self) -> StoreResult<Vec<crate::StageTotal>> {
        // PostgreSQL sums BIGINTs as NUMERIC, which the Any driver cannot read: cast back.
        let rows = sqlx::query(
            "SELECT stage, COUNT(*) AS deals, CAST(SUM(amount_minor) AS BIGINT) AS amount_minor FROM deals \
             WHERE status = 'open' GROUP BY stage ORDER BY stage",
        )
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|row| {
                Ok(crate::StageTotal {
                    stage: row.try_get("stage")?,
                    deals: row.try_get("deals")?,
                    amount_minor: row.try_get("amount_minor")?,
                })
            })
            .collect()
    }

    async fn deals_between(&self, from: NaiveDate, to: NaiveDate) -> StoreResult<Vec<DealRecord>> {
        deal_rows(&self.pool, from, to).await?.iter().map(deal_from_row).collect()
    }

    async fn subscriptions(&self) -> StoreResult<Vec<SubscriptionMonth>> {
        let rows = sqlx::query("SELECT account_id, month, mrr_minor FROM subscriptions ORDER BY month, account_id")
            .fetch_all(&self.pool)
            .await?;
        rows.iter()
            .map(|row| {
                Ok(SubscriptionMonth {
                    account_id: row.try_get("account_id")?,
                    month: get_date(row, "month")?,
                    mrr_minor: row.try_get("mrr_minor")?,
                })
            })
            .collect()
    }

    async fn accounts(&self) -> StoreResult<Vec<NewAccount>> {
        let rows =
            sqlx::query("SELECT id, name, owner_id, segment FROM accounts ORDER BY id").fetch_all(&self.pool).await?;
        rows.iter()
            .map(|row| {
                Ok(NewAccount {
                    id: row.try_get("id")?,
                    name: row.try_get("name")?,
                    owner_id: row.try_get("owner_id")?,
                    segment: row.try_get("segment")?,
                })
            })
            .collect()
    }

    async fn tag_churn(&self, tags: &[ChurnTag], actor: &Actor) -> StoreResult<()> {
        let mut tx = self.begin_write().await?;
        let at = now_text();
        for tag in tags {
            let before: Option<String> =
                sqlx::query_scalar("SELECT reason FROM churn_tags WHERE account_id = $1 AND month = $2")
                    .bind(tag.account_id)
                    .bind(date_text(tag.month))
                    .fetch_optional(&mut *tx)
                    .await?;
            sqlx::query(
                "INSERT INTO churn_tags (account_id, month, reason, note, tagged_by, tagged_at) VALUES ($1, $2, $3, $4, $5, $6) \
                 ON CONFLICT (account_id, month) DO UPDATE SET reason = excluded.reason, note = excluded.note, \
                 tagged_by = excluded.tagged_by, tagged_at = excluded.tagged_at",
            )
            .bind(tag.account_id)
            .bind(date_text(tag.month))
            .bind(&tag.reason)
            .bind(&tag.note)
            .bind(&actor.name)
            .bind(&at)
            .execute(&mut *tx)
            .await?;
            let id = format!("{}@{}", tag.account_id, tag.month.format("%Y-%m"));
            audit(&mut tx, actor, AuditAction::ChurnTag, id, before.as_ref(), Some(tag)).await?;
        }
        tx.commit().await?;
        Ok(())
    }

    async fn churn_tags(&self, from: NaiveDate, to: NaiveDate) -> StoreResult<Vec<ChurnTag>> {
        let rows = sqlx::query("SELECT account_id, month, reason, note FROM churn_tags WHERE month >= $1 AND month <= $2 ORDER BY month, account_id")
            .bind(date_text(from))
            .bind(date_text(to))
            .fetch_all(&self.pool)
            .await?;
        rows.iter()
            .map(|row| {
                Ok(ChurnTag {
                    account_id: row.try_get("account_id")?,
                    month: get_date(row, "month")?,
                    reason: row.try_get("reason")?,
                    note: row.try_get("note")?,
                })
            })
            .collect()
    }

    async fn data_span(&self, input: DataInput<'_>) -> StoreResult<Option<(NaiveDate, NaiveDate)>> {
        let row = match input {
            DataInput::Activities { types, with_field } => {
                let mut sql = format!(
                    "SELECT MIN(occurred_at) AS first, MAX(occurred_at) AS last FROM activities WHERE activity_type IN ({})",
                    numbered_in_list(1, types.len())
                );
                if with_field.is_some() {
                    sql.push_str(&format!(" AND fields LIKE ${}", types.len() + 1));
                }
                let mut query = sqlx::query(sqlx::AssertSqlSafe(sql));
                for t in types {
                    query = query.bind(t.clone());
                }
                if let Some(field) = with_field {
                    query = query.bind(format!("%\"{field}\":%"));
                }
                query.fetch_one(&self.pool).await?
            }
            DataInput::Deals => {
                sqlx::query(
                    "SELECT MIN(close_date) AS first, MAX(close_date) AS last FROM deals WHERE status <> 'open'",
                )
                .fetch_one(&self.pool)
                .await?
            }
            DataInput::Subscriptions => {
                sqlx::query("SELECT MIN(month) AS first, MAX(month) AS last FROM subscriptions")
                    .fetch_one(&self.pool)
                    .await?
            }
        };
        let first: Option<String> = row.try_get("first")?;
        let last: Option<String> = row.try_get("last")?;
        match (first, last) {
            (Some(first), Some(last)) => Ok(Some((
                parse_date("first", &first[..10.min(first.len())])?,
                parse_date("last", &last[..10.min(last.len())])?,
            ))),
            _ => Ok(None),
        }
    }
}

/// The values of an activity that a re-import compares.
type ActivityValues = (i64, String, String, Option<i64>, Option<i64>, Option<String>);

fn activity_values(a: &NewActivity) -> ActivityValues {
    (
        a.rep_id,
        a.activity_type.clone(),
        datetime_text(a.occurred_at),
        a.duration_s,
        a.account_id,
        fields_json(&a.fields),
    )
}

/// The stored id and values of the keyed activities of `chunk`, by (source, external id).
async fn stored_activities(
    tx: &mut sqlx::AnyConnection,
    backend: Backend,
    chunk: &[&NewActivity],
) -> StoreResult<HashMap<(String, String), (i64, ActivityValues)>> {
    // One query per source (usually one): `source = ? AND external_id IN (...)` uses the unique index.
    let mut by_source: HashMap<&str, Vec<String>> = HashMap::new();
    for a in chunk {
        if let Some(id) = &a.external_id {
            by_source.entry(a.source.as_str()).or_default().push(id.clone());
        }
    }
    let mut out = HashMap::new();
    for (source, ids) in by_source {
        // Built from placeholders only; every value is bound.
        let sql = format!(
            "SELECT id, external_id, rep_id, activity_type, occurred_at, duration_s, account_id, fields FROM activities \
             WHERE source = {} AND external_id IN ({})",
            param(backend, 1),
            params(backend, 2, ids.len())
        );
        let mut query = sqlx::query(sqlx::AssertSqlSafe(sql)).bind(source);
        for id in ids {
            query = query.bind(id);
        }
        for row in query.fetch_all(&mut *tx).await? {
            let values = (
                row.try_get("rep_id")?,
                row.try_get("activity_type")?,
                row.try_get("occurred_at")?,
                row.try_get("duration_s")?,
                row.try_get("account_id")?,
                row.try_get("fields")?,
            );
            out.insert((source.to_string(), row.try_get("external_id")?), (row.try_get("id")?, values));
        }
    }
    Ok(out)
}

/// The inside of `IN (...)` for `count` values bound from `$first` on, numbered as this file's
/// other statements are (SQLite's driver reads `$n` too, and mixing it with `?` misnumbers);
/// `NULL`, which matches nothing, for none.
fn numbered_in_list(first: usize, count: usize) -> String {
    if count == 0 {
        return "NULL".to_owned();
    }
    (first..first + count).map(|n| format!("${n}")).collect::<Vec<_>>().join(", ")
}

macro_rules! activity_columns {
    () => {
        "id, rep_id, activity_type, occurred_at, duration_s, source, account_id, fields, entered_by"
    };
}
use activity_columns;

pub(super) fn fields_json(fields: &Fields) -> Option<String> {
    if fields.is_empty() { None } else { serde_json::to_string(fields).ok() }
}

fn activity_from_row(row: &AnyRow) -> StoreResult<ActivityRecord> {
    let at: String = row.try_get("occurred_at")?;
    let source: String = row.try_get("source")?;
    let fields: Option<String> = row.try_get("fields")?;
    Ok(ActivityRecord {
        id: row.try_get("id")?,
        rep_id: row.try_get("rep_id")?,
        activity_type: row.try_get("activity_type")?,
        occurred_at: chrono::NaiveDateTime::parse_from_str(&at, "%Y-%m-%dT%H:%M:%S")
            .map_err(|_| StoreError::Corrupt { column: "activities.occurred_at", value: at.clone() })?,
        duration_s: row.try_get("duration_s")?,
        source: parse_text("activities.source", &source)?,
        account_id: row.try_get("account_id")?,
        fields: match fields {
            Some(text) => serde_json::from_str(&text)
                .map_err(|_| StoreError::Corrupt { column: "activities.fields", value: text })?,
            None => Fields::new(),
        },
        entered_by: row.try_get("entered_by")?,
    })
}

/// The rollup row an activity counts in.
pub(super) fn activity_day(a: &NewActivity) -> ActivityDayKey {
    ActivityDayKey { rep_id: a.rep_id, day: a.occurred_at.date(), activity_type: a.activity_type.clone() }
}

/// The rollup row and duration of a stored activity's values.
fn stored_activity_day(values: &ActivityValues) -> StoreResult<(ActivityDayKey, Option<i64>)> {
    let (rep_id, activity_type, at, duration_s, _, _) = values;
    let day = parse_date("activities.occurred_at", &at[..10.min(at.len())])?;
    Ok((ActivityDayKey { rep_id: *rep_id, day, activity_type: activity_type.clone() }, *duration_s))
}

/// The rollup row a deal counts in (none without a close date).
pub(super) fn deal_day(d: &NewDeal) -> Option<DealDayKey> {
    DealDayKey::of(d.rep_id, d.close_date, d.kind, d.status)
}

/// The deals closing from `from` to `to` (inclusive), by close day, then the open deals without
/// a close date (in the open pipeline whatever the window): every column.
pub(super) async fn deal_rows(pool: &sqlx::AnyPool, from: NaiveDate, to: NaiveDate) -> StoreResult<Vec<AnyRow>> {
    // PostgreSQL sorts NULL last, SQLite first: the CASE puts the undated deals last on both.
    Ok(sqlx::query(
        "SELECT id, rep_id, account_id, kind, status, stage, amount_minor, created_on, close_date, currency, \
         original_amount_minor FROM deals WHERE (close_date >= $1 AND close_date <= $2) OR close_date IS NULL \
         ORDER BY CASE WHEN close_date IS NULL THEN 1 ELSE 0 END, close_date, id",
    )
    .bind(date_text(from))
    .bind(date_text(to))
    .fetch_all(pool)
    .await?)
}

/// A stored deal as reports read it.
pub(super) fn deal_from_row(row: &AnyRow) -> StoreResult<DealRecord> {
    Ok(DealRecord {
        id: row.try_get("id")?,
        rep_id: row.try_get("rep_id")?,
        account_id: row.try_get("account_id")?,
        kind: parse_text("deals.kind", row.try_get("kind")?)?,
        status: parse_text("deals.status", row.try_get("status")?)?,
        stage: row.try_get("stage")?,
        amount_minor: row.try_get("amount_minor")?,
        created_on: get_date(row, "created_on")?,
        close_date: opt_date(row, "close_date")?,
    })
}

/// The rollup row of a stored deal (none without a close date).
pub(super) fn stored_deal_day(row: &AnyRow) -> StoreResult<Option<DealDayKey>> {
    Ok(DealDayKey::of(
        row.try_get("rep_id")?,
        opt_date(row, "close_date")?,
        parse_text("deals.kind", row.try_get("kind")?)?,
        parse_text("deals.status", row.try_get("status")?)?,
    ))
}
