//! Annual plans: versions with their status and settings, and their targets.
//!
//! Every change first takes the plan's row ([`lock_plan`]) and only then checks its status, so
//! that on PostgreSQL a concurrent approval cannot come between the check ("still a draft") and
//! the write that relies on it.

use super::{INSERT_CHUNK, SqlStore, audit, multi_insert, now_text, to_json};
use crate::error::{StoreError, Unique};
use crate::{PlanStore, StoreResult};
use async_trait::async_trait;
use futures_util::TryStreamExt;
use pacer_core::audit::{Actor, AuditAction};
use pacer_core::plan::{
    NewPlan, Plan, PlanId, PlanSettings, PlanStatus, Target, TargetOwner, TargetTier, check_kpi_targets,
    check_plan_name, check_target_row,
};
use serde::Serialize;
use sqlx::any::{AnyArguments, AnyRow};
use sqlx::query::Query;
use sqlx::{AnyConnection, Row};
use std::collections::{BTreeMap, HashSet};

type AnyQuery = Query<'static, sqlx::Any, AnyArguments>;

macro_rules! plan_columns {
    () => {
        "id, fiscal_year, name, version, status, copied_from, settings, created_by, created_at, approved_by, approved_at"
    };
}

/// The columns a target is written with, in [`bind_target`]'s order.
const TARGET_COLUMNS: [&str; 7] = ["plan_id", "kpi", "owner_kind", "owner_id", "month", "tier", "amount"];

/// Binds a target of `plan` in [`TARGET_COLUMNS`] order; the company is stored with owner id 0.
fn bind_target(q: AnyQuery, plan: PlanId, t: &Target) -> AnyQuery {
    q.bind(plan)
        .bind(t.kpi.clone())
        .bind(t.owner.kind_str())
        .bind(t.owner.id().unwrap_or(0))
        .bind(i64::from(t.month))
        .bind(t.tier.as_str())
        .bind(t.amount)
}

fn corrupt(column: &'static str, value: impl ToString) -> StoreError {
    StoreError::Corrupt { column, value: value.to_string() }
}

fn plan_from_row(row: &AnyRow) -> StoreResult<Plan> {
    let fiscal_year: i64 = row.try_get("fiscal_year")?;
    let version: i64 = row.try_get("version")?;
    let status: String = row.try_get("status")?;
    let settings: String = row.try_get("settings")?;
    Ok(Plan {
        id: row.try_get("id")?,
        fiscal_year: i32::try_from(fiscal_year).map_err(|_| corrupt("plans.fiscal_year", fiscal_year))?,
        name: row.try_get("name")?,
        version: i32::try_from(version).map_err(|_| corrupt("plans.version", version))?,
        status: status.parse().map_err(|_| corrupt("plans.status", &status))?,
        copied_from: row.try_get("copied_from")?,
        settings: serde_json::from_str(&settings).map_err(|_| corrupt("plans.settings", &settings))?,
        created_by: row.try_get("created_by")?,
        created_at: row.try_get("created_at")?,
        approved_by: row.try_get("approved_by")?,
        approved_at: row.try_get("approved_at")?,
    })
}

fn target_from_row(row: &AnyRow) -> StoreResult<Target> {
    let kind: String = row.try_get("owner_kind")?;
    let id: i64 = row.try_get("owner_id")?;
    let owner = match kind.as_str() {
        "company" => TargetOwner::Company,
        "team" => TargetOwner::Team(id),
        "rep" => TargetOwner::Rep(id),
        _ => return Err(corrupt("plan_targets.owner_kind", kind)),
    };
    let month: i64 = row.try_get("month")?;
    let tier: String = row.try_get("tier")?;
    Ok(Target {
        kpi: row.try_get("kpi")?,
        owner,
        month: u8::try_from(month).map_err(|_| corrupt("plan_targets.month", month))?,
        tier: tier.parse().map_err(|_| corrupt("plan_targets.tier", &tier))?,
        amount: row.try_get("amount")?,
    })
}

async fn fetch_plan(conn: &mut AnyConnection, id: PlanId) -> StoreResult<Plan> {
    let row = sqlx::query(concat!("SELECT ", plan_columns!(), " FROM plans WHERE id = $1"))
        .bind(id)
        .fetch_optional(conn)
        .await?
        .ok_or_else(|| StoreError::not_found("plan", id))?;
    plan_from_row(&row)
}

/// Reads a plan about to be changed, holding its row: the no-op write takes the row's lock on
/// PostgreSQL (the database's write lock on SQLite) until the transaction ends, and the read after
/// it sees any change committed meanwhile.
async fn lock_plan(conn: &mut AnyConnection, id: PlanId) -> StoreResult<Plan> {
    sqlx::query("UPDATE plans SET status = status WHERE id = $1").bind(id).execute(&mut *conn).await?;
    fetch_plan(conn, id).await
}

/// [`lock_plan`] for an edit, which only a draft allows.
async fn lock_draft(conn: &mut AnyConnection, id: PlanId) -> StoreResult<Plan> {
    let plan = lock_plan(conn, id).await?;
    plan.status.ensure_editable()?;
    Ok(plan)
}

/// Inserts a draft, as the next version of its fiscal year and name.
async fn insert_plan(
    conn: &mut AnyConnection,
    (fiscal_year, name): (i32, &str),
    settings: &PlanSettings,
    copied_from: Option<PlanId>,
    actor: &Actor,
) -> StoreResult<Plan> {
    let last: Option<i64> = sqlx::query_scalar("SELECT MAX(version) FROM plans WHERE fiscal_year = $1 AND name = $2")
        .bind(i64::from(fiscal_year))
        .bind(name)
        .fetch_one(&mut *conn)
        .await?;
    let next = last.unwrap_or(0) + 1;
    let mut plan = Plan {
        id: 0,
        fiscal_year,
        name: name.to_string(),
        version: i32::try_from(next).map_err(|_| corrupt("plans.version", next))?,
        status: PlanStatus::Draft,
        copied_from,
        settings: settings.clone(),
        created_by: actor.name.clone(),
        created_at: now_text(),
        approved_by: None,
        approved_at: None,
    };
    plan.id = sqlx::query_scalar(
        "INSERT INTO plans (fiscal_year, name, version, status, copied_from, settings, created_by, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id",
    )
    .bind(i64::from(plan.fiscal_year))
    .bind(&plan.name)
    .bind(i64::from(plan.version))
    .bind(plan.status.as_str())
    .bind(plan.copied_from)
    .bind(to_json(&plan.settings)?)
    .bind(&plan.created_by)
    .bind(&plan.created_at)
    .fetch_one(conn)
    .await?;
    Ok(plan)
}

/// Writes a plan's status and approval.
async fn write_status(conn: &mut AnyConnection, plan: &Plan) -> StoreResult<()> {
    sqlx::query("UPDATE plans SET status = $1, approved_by = $2, approved_at = $3 WHERE id = $4")
        .bind(plan.status.as_str())
        .bind(&plan.approved_by)
        .bind(&plan.approved_at)
        .bind(plan.id)
        .execute(conn)
        .await
        .map_err(|e| {
            StoreError::unique(e, |rule| (rule == Unique::ApprovedPlan).then(|| plan.fiscal_year.to_string()))
        })?;
    Ok(())
}

/// Every id of a table, to check the owners of many targets in one read.
async fn ids(conn: &mut AnyConnection, sql: &'static str) -> StoreResult<HashSet<i64>> {
    let ids: Vec<i64> = sqlx::query_scalar(sql).fetch_all(conn).await?;
    Ok(ids.into_iter().collect())
}

/// Checks that the team or rep of every target exists: the owner id has no foreign key, since it
/// points to teams or reps by kind.
async fn check_owners(conn: &mut AnyConnection, targets: &[Target]) -> StoreResult<()> {
    let wants = |kind: &str| targets.iter().any(|t| t.owner.kind_str() == kind);
    let teams = if wants("team") { ids(conn, "SELECT id FROM teams").await? } else { HashSet::new() };
    let reps = if wants("rep") { ids(conn, "SELECT id FROM reps").await? } else { HashSet::new() };
    for target in targets {
        match target.owner {
            TargetOwner::Team(id) if !teams.contains(&id) => return Err(StoreError::not_found("team", id)),
            TargetOwner::Rep(id) if !reps.contains(&id) => return Err(StoreError::not_found("rep", id)),
            _ => {}
        }
    }
    Ok(())
}

/// What the audit log keeps of a KPI's targets when they are replaced: how many, and their sum
/// per tier. Not every row: a plan can hold 100,000 and more.
#[derive(Serialize)]
struct KpiTargets<'a> {
    kpi: &'a str,
    targets: usize,
    /// Sum of the amounts per tier (in i128: 100,000 amounts of up to i64::MAX cannot overflow it).
    totals: BTreeMap<&'static str, i128>,
}

impl<'a> KpiTargets<'a> {
    fn new(kpi: &'a str) -> Self {
        Self { kpi, targets: 0, totals: BTreeMap::new() }
    }

    fn add(&mut self, tier: TargetTier, amount: i64) {
        self.targets += 1;
        *self.totals.entry(tier.as_str()).or_default() += i128::from(amount);
    }
}

#[async_trait]
impl PlanStore for SqlStore {
    async fn create_plan(&self, new: &NewPlan, actor: &Actor) -> StoreResult<Plan> {
        check_plan_name(&new.name)?;
        new.settings.validate()?;
        let mut tx = self.begin_write().await?;
        if let Some(source) = new.copied_from {
            fetch_plan(&mut tx, source).await?;
        }
        let plan =
            insert_plan(&mut tx, (new.fiscal_year, new.name.trim()), &new.settings, new.copied_from, actor).await?;
        audit(&mut tx, actor, AuditAction::PlanCreate, plan.id.to_string(), None::<&Plan>, Some(&plan)).await?;
        tx.commit().await?;
        Ok(plan)
    }

    async fn plan(&self, id: PlanId) -> StoreResult<Plan> {
        fetch_plan(&mut *self.pool.acquire().await?, id).await
    }

    async fn plans(&self, fiscal_year: Option<i32>) -> StoreResult<Vec<Plan>> {
        let select = concat!("SELECT ", plan_columns!(), " FROM plans");
        let rows = self.of_fiscal_year(select, fiscal_year, "fiscal_year, name, version").await?;
        rows.iter().map(plan_from_row).collect()
    }

    async fn approved_plan(&self, fiscal_year: i32) -> StoreResult<Option<Plan>> {
        let row = sqlx::query(concat!(
            "SELECT ",
            plan_columns!(),
            " FROM plans WHERE fiscal_year = $1 AND status = 'approved'"
        ))
        .bind(i64::from(fiscal_year))
        .fetch_optional(&self.pool)
        .await?;
        row.as_ref().map(plan_from_row).transpose()
    }

    async fn update_plan_settings(&self, id: PlanId, settings: &PlanSettings, actor: &Actor) -> StoreResult<Plan> {
        settings.validate()?;
        let mut tx = self.begin_write().await?;
        let before = lock_draft(&mut tx, id).await?;
        let after = Plan { settings: settings.clone(), ..before.clone() };
        sqlx::query("UPDATE plans SET settings = $1 WHERE id = $2")
            .bind(to_json(&after.settings)?)
            .bind(id)
            .execute(&mut *tx)
            .await?;
        audit(&mut tx, actor, AuditAction::PlanSettings, id.to_string(), Some(&before), Some(&after)).await?;
        tx.commit().await?;
        Ok(after)
    }

    async fn set_plan_status(&self, id: PlanId, status: PlanStatus, actor: &Actor) -> StoreResult<Plan> {
        let mut tx = self.begin_write().await?;
        let before = lock_plan(&mut tx, id).await?;
        let mut after = Plan { status: before.status.transition(status)?, ..before.clone() };
        if after.status == PlanStatus::Approved {
            let previous: Option<PlanId> =
                sqlx::query_scalar("SELECT id FROM plans WHERE fiscal_year = $1 AND status = 'approved'")
                    .bind(i64::from(before.fiscal_year))
                    .fetch_optional(&mut *tx)
                    .await?;
            if let Some(previous) = previous {
                let old = lock_plan(&mut tx, previous).await?;
                // Another writer may have moved it since it was read; then the unique index on
                // approved plans decides which approval stands.
                if old.status == PlanStatus::Approved {
                    let revised = Plan { status: old.status.transition(PlanStatus::Revised)?, ..old.clone() };
                    write_status(&mut tx, &revised).await?;
                    audit(&mut tx, actor, AuditAction::PlanStatus, previous.to_string(), Some(&old), Some(&revised))
                        .await?;
                }
            }
            after.approved_by = Some(actor.name.clone());
            after.approved_at = Some(now_text());
        }
        write_status(&mut tx, &after).await?;
        audit(&mut tx, actor, AuditAction::PlanStatus, id.to_string(), Some(&before), Some(&after)).await?;
        tx.commit().await?;
        Ok(after)
    }

    async fn copy_plan(&self, id: PlanId, name: Option<&str>, actor: &Actor) -> StoreResult<Plan> {
        if let Some(name) = name {
            check_plan_name(name)?;
        }
        let mut tx = self.begin_write().await?;
        let source = fetch_plan(&mut tx, id).await?;
        let name = name.map_or(source.name.as_str(), str::trim);
        let copy = insert_plan(&mut tx, (source.fiscal_year, name), &source.settings, Some(id), actor).await?;
        sqlx::query(
            "INSERT INTO plan_targets (plan_id, kpi, owner_kind, owner_id, month, tier, amount) \
             SELECT $1, kpi, owner_kind, owner_id, month, tier, amount FROM plan_targets WHERE plan_id = $2",
        )
        .bind(copy.id)
        .bind(id)
        .execute(&mut *tx)
        .await?;
        audit(&mut tx, actor, AuditAction::PlanCopy, copy.id.to_string(), None::<&Plan>, Some(&copy)).await?;
        tx.commit().await?;
        Ok(copy)
    }

    async fn put_targets(&self, plan: PlanId, kpi: &str, targets: &[Target], actor: &Actor) -> StoreResult<usize> {
        check_kpi_targets(kpi, targets)?;
        let mut tx = self.begin_write().await?;
        lock_draft(&mut tx, plan).await?;
        check_owners(&mut tx, targets).await?;
        let mut before = KpiTargets::new(kpi);
        {
            let mut removed =
                sqlx::query("DELETE FROM plan_targets WHERE plan_id = $1 AND kpi = $2 RETURNING tier, amount")
                    .bind(plan)
                    .bind(kpi)
                    .fetch(&mut *tx);
            while let Some(row) = removed.try_next().await? {
                let tier: String = row.try_get("tier")?;
                before.add(tier.parse().map_err(|_| corrupt("plan_targets.tier", &tier))?, row.try_get("amount")?);
            }
        }
        for chunk in targets.chunks(INSERT_CHUNK) {
            // Built from fixed table and column names; every value is bound.
            let sql = multi_insert(self.backend(), "plan_targets", &TARGET_COLUMNS, chunk.len());
            let mut query = sqlx::query(sqlx::AssertSqlSafe(sql));
            for target in chunk {
                query = bind_target(query, plan, target);
            }
            query.execute(&mut *tx).await?;
        }
        let mut after = KpiTargets::new(kpi);
        targets.iter().for_each(|t| after.add(t.tier, t.amount));
        audit(&mut tx, actor, AuditAction::PlanTargetsPut, plan.to_string(), Some(&before), Some(&after)).await?;
        tx.commit().await?;
        Ok(targets.len())
    }

    async fn set_targets(&self, plan: PlanId, targets: &[Target], actor: &Actor) -> StoreResult<()> {
        targets.iter().try_for_each(check_target_row)?;
        let mut tx = self.begin_write().await?;
        lock_draft(&mut tx, plan).await?;
        check_owners(&mut tx, targets).await?;
        for target in targets {
            let before: Option<i64> = sqlx::query_scalar(
                "SELECT amount FROM plan_targets WHERE plan_id = $1 AND kpi = $2 AND owner_kind = $3 \
                 AND owner_id = $4 AND month = $5 AND tier = $6",
            )
            .bind(plan)
            .bind(&target.kpi)
            .bind(target.owner.kind_str())
            .bind(target.owner.id().unwrap_or(0))
            .bind(i64::from(target.month))
            .bind(target.tier.as_str())
            .fetch_optional(&mut *tx)
            .await?;
            let before = before.map(|amount| Target { amount, ..target.clone() });
            let sql = format!(
                "{} ON CONFLICT (plan_id, kpi, owner_kind, owner_id, month, tier) DO UPDATE SET amount = excluded.amount",
                multi_insert(self.backend(), "plan_targets", &TARGET_COLUMNS, 1)
            );
            // Built from fixed table and column names; every value is bound.
            bind_target(sqlx::query(sqlx::AssertSqlSafe(sql)), plan, target).execute(&mut *tx).await?;
            audit(&mut tx, actor, AuditAction::PlanTargetSet, plan.to_string(), before.as_ref(), Some(target)).await?;
        }
        tx.commit().await?;
        Ok(())
    }

    async fn targets(&self, plan: PlanId, kpi: Option<&str>) -> StoreResult<Vec<Target>> {
        let mut conn = self.pool.acquire().await?;
        fetch_plan(&mut conn, plan).await?;
        let rows = match kpi {
            Some(kpi) => {
                sqlx::query(
                    "SELECT kpi, owner_kind, owner_id, month, tier, amount FROM plan_targets \
                     WHERE plan_id = $1 AND kpi = $2",
                )
                .bind(plan)
                .bind(kpi)
                .fetch_all(&mut *conn)
                .await?
            }
            None => {
                sqlx::query(
                    "SELECT kpi, owner_kind, owner_id, month, tier, amount FROM plan_targets WHERE plan_id = $1",
                )
                .bind(plan)
                .fetch_all(&mut *conn)
                .await?
            }
        };
        let mut targets = rows.iter().map(target_from_row).collect::<StoreResult<Vec<_>>>()?;
        // In Rust rather than SQL: owners and tiers go in their domain order, not their names'.
        targets.sort_unstable_by(|a, b| a.key().cmp(&b.key()));
        Ok(targets)
    }
}
