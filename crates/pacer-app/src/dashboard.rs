//! The dashboards (PRODUCT.md C9): a team's, a manager's home page, and the leadership's. Each
//! summarises other use cases' figures without computing them again: the attainment report's
//! cells (computed once per KPI for the whole team, never per rep), readiness's completeness of
//! manual logging, the review's data gaps, the churn report and the pipeline.

use crate::cache::{org_view, plan_targets};
use crate::churn::{ChurnReport, churn_report};
use crate::plan::{AttainmentCell, attainment_report, owner_names};
use crate::readiness::{RECENT_WORKING_DAYS, active_sellers, readiness};
use crate::report::{Column, RestOfYear, rest_of_year};
use crate::review::{DataGap, data_gaps};
use crate::scorecard::{MonthScore, months_of, owner_cells};
use crate::{AppError, Context};
use chrono::NaiveDate;
use pacer_core::access::{Principal, Role};
use pacer_core::attainment::{Pace, Tolerance};
use pacer_core::catalog::DefinitionKind;
use pacer_core::fiscal_calendar::PeriodKind;
use pacer_core::money::Currency;
use pacer_core::org::{RepId, TeamId, subtree};
use pacer_core::plan::{Plan, TargetOwner, TargetTier};
use pacer_core::report::{Grouping, Owner};
use serde::Serialize;
use std::collections::HashSet;

/// Where a rep stands on the team dashboard.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum RepStatus {
    /// Past the target to date by more than the tolerance ([`Pace::Ahead`]).
    Ahead,
    /// Within the tolerance of the target to date ([`Pace::OnPace`]).
    OnPace,
    /// Short of the target to date even with the tolerance ([`Pace::Behind`]).
    Behind,
    /// Has not logged a manual KPI in the last working days: their figures are not to be read yet.
    NotLogging,
}

impl RepStatus {
    /// A rep's status: **not logging** when they have not logged some manual KPI lately (the
    /// figures of someone who does not log say nothing); otherwise the pace ([`Pace::of`]: credited
    /// attainment to date against the tolerance) of the first KPI in priority order the plan gives
    /// them a target for, the plan's headline (revenue, as a rule); `None` without any target.
    pub fn of(paces: &[Option<Pace>], missing: &[String]) -> Option<RepStatus> {
        if !missing.is_empty() {
            return Some(RepStatus::NotLogging);
        }
        paces.iter().flatten().next().map(|p| match p {
            Pace::Ahead => RepStatus::Ahead,
            Pace::OnPace => RepStatus::OnPace,
            Pace::Behind => RepStatus::Behind,
        })
    }

    /// For people: "ahead", "on pace", "behind", "not logging".
    pub fn label(self) -> &'static str {
        match self {
            RepStatus::Ahead => "ahead",
            RepStatus::OnPace => "on pace",
            RepStatus::Behind => "behind",
            RepStatus::NotLogging => "not logging",
        }
    }
}

/// One KPI of the plan for a team: the team's own figures against its targets.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct TeamKpi {
    /// Key.
    pub key: String,
    /// Name.
    pub name: String,
    /// Unit: count, currency (minor units), percent or duration.
    pub unit: String,
    /// Priority (1 first).
    pub priority: u32,
    /// The plan's tolerance for the KPI.
    pub tolerance: f64,
    /// The team's quarter to date: the attainment report's cell (target to date, actual, raw and
    /// credited attainment, notes); none when the plan sets the KPI for the team's reps only.
    pub quarter: Option<AttainmentCell>,
    /// The team's year to date, likewise.
    pub year: Option<AttainmentCell>,
    /// The year to date's reading against the tolerance.
    pub pace: Option<Pace>,
    /// The team's months: the phased target and the actual, for the chart; empty without a team target.
    pub months: Vec<MonthScore>,
    /// For a KPI tracked for part of the year only: "covers 6 of 10 months (tracked since D)".
    pub coverage: Option<String>,
}

/// One KPI of a rep on the team dashboard.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct RepKpi {
    /// The KPI's key.
    pub key: String,
    /// The rep's year to date (the attainment report's cell); none without a target for the rep.
    pub year: Option<AttainmentCell>,
    /// Its reading against the tolerance.
    pub pace: Option<Pace>,
}

/// A rep of the team, side by side with the others.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct RepStanding {
    /// The rep.
    pub rep_id: RepId,
    /// Their name.
    pub name: String,
    /// Ahead, on pace, behind or not logging ([`RepStatus::of`]); none without a target.
    pub status: Option<RepStatus>,
    /// One per KPI of the dashboard, in its order.
    pub kpis: Vec<RepKpi>,
    /// The manual KPIs they have not logged in the last working days, by name.
    pub missing: Vec<String>,
}

/// A team's dashboard.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct TeamDashboard {
    /// The team.
    pub team_id: TeamId,
    /// Its name.
    pub name: String,
    /// The fiscal year.
    pub fiscal_year: i32,
    /// The fiscal quarter in progress.
    pub quarter: Column,
    /// The last day counted.
    pub as_of: NaiveDate,
    /// The approved plan measured against.
    pub plan: Option<Plan>,
    /// Why there are no targets, when there is no approved plan.
    pub note: Option<String>,
    /// The reporting currency of amounts.
    #[schema(value_type = String, example = "EUR")]
    pub currency: Currency,
    /// The plan's KPIs with a target for the team or its reps, in priority order.
    pub kpis: Vec<TeamKpi>,
    /// The team's active sellers (its sub-teams' too), by name.
    pub reps: Vec<RepStanding>,
    /// Open pipeline over what remains of the year's target of the first deal KPI the plan sets
    /// for the team; none without one, or on the year's last day.
    pub pipeline: Option<RestOfYear>,
    /// Churn of the team's accounts, the quarter and the year to date, against the band.
    pub churn: ChurnReport,
    /// Data gaps with what to do, naming only the team's reps.
    pub gaps: Vec<DataGap>,
}

/// The team the caller asks for, when they may read its dashboard: leaders, admins and read tokens
/// any team; a manager the teams they manage (and those below), another team being "not found"
/// like a missing one; a rep none (forbidden: the team dashboard is for managers and up).
fn readable(ctx: &Context<'_>, teams: &[pacer_core::org::Team], team: TeamId) -> Result<String, AppError> {
    let found = teams.iter().find(|t| t.id == team);
    let allowed = match &ctx.caller {
        p if p.sees_everything() => true,
        Principal::User { role: Role::Manager, .. } => ctx.caller.can_see_team(team),
        _ => return Err(AppError::Forbidden),
    };
    found.filter(|_| allowed).map(|t| t.name.clone()).ok_or_else(|| AppError::NotFound(format!("no team {team}")))
}

/// The dashboard of `team` today: its KPIs against the approved plan, its reps side by side, the
/// pipeline coverage of what remains, its churn against the band and the data gaps.
pub async fn team(ctx: &Context<'_>, team: TeamId) -> Result<TeamDashboard, AppError> {
    let (store, today) = (ctx.store, ctx.today);
    let view = org_view(store, ctx.caches, today).await?;
    let name = readable(ctx, &view.teams, team)?;
    let within: HashSet<TeamId> = subtree(&view.teams, team).into_iter().collect();
    let in_team = |r: &&pacer_core::org::Rep| r.team_id.is_some_and(|t| within.contains(&t));
    let sellers: HashSet<RepId> = active_sellers(store, today).await?.into_iter().collect();
    let mut members: Vec<&pacer_core::org::Rep> =
        view.reps.iter().filter(in_team).filter(|r| sellers.contains(&r.id)).collect();
    members.sort_by(|a, b| a.name.cmp(&b.name).then(a.id.cmp(&b.id)));
    let catalog = ctx.catalog().await?;
    let fy = ctx.org.fiscal_year_of(today);
    let quarter = ctx.org.calendar.period_of(today, PeriodKind::Quarter);
    let year = ctx.org.calendar.year(fy).map_err(|e| AppError::BadRequest(e.to_string()))?;
    let plan = store.approved_plan(fy).await?;
    let ready = readiness(ctx, &year, today, RECENT_WORKING_DAYS).await?;
    let missing_of = |rep: RepId| -> Vec<String> {
        ready
            .iter()
            .filter(|r| r.completeness.as_ref().is_some_and(|c| c.missing.contains(&rep)))
            .map(|r| r.name.clone())
            .collect()
    };
    let mut kpis = Vec::new();
    let mut per_rep: Vec<Vec<RepKpi>> = vec![Vec::new(); members.len()];
    let mut pipeline = None;
    if let Some(plan) = &plan {
        let targets = plan_targets(store, ctx.caches, plan.id).await?;
        let member_ids: HashSet<RepId> = members.iter().map(|r| r.id).collect();
        let for_team = |t: &&pacer_core::plan::Target| {
            t.tier == TargetTier::Target
                && match t.owner {
                    TargetOwner::Team(id) => id == team,
                    TargetOwner::Rep(id) => member_ids.contains(&id),
                    TargetOwner::Company => false,
                }
        };
        let planned: HashSet<&str> = targets.iter().filter(for_team).map(|t| t.kpi.as_str()).collect();
        for kpi in catalog.by_priority().into_iter().filter(|k| planned.contains(k.key())) {
            let key = kpi.key();
            let tolerance = plan.settings.tolerance_for(key);
            let teams = attainment_report(ctx, plan, key, Grouping::Team, PeriodKind::Quarter).await?;
            let cells = owner_cells(&teams.rows, Owner::Team(team));
            let at = |name: &str| teams.columns.iter().position(|c| c.name == name).and_then(|i| cells.get(i)).cloned();
            let (q, y) = (at(&quarter.name()), at("YTD"));
            let months = match &y {
                Some(_) => months_of(
                    &attainment_report(ctx, plan, key, Grouping::Team, PeriodKind::Month).await?,
                    Owner::Team(team),
                ),
                None => Vec::new(),
            };
            let reps = attainment_report(ctx, plan, key, Grouping::Rep, PeriodKind::Quarter).await?;
            for (line, rep) in per_rep.iter_mut().zip(&members) {
                let year = owner_cells(&reps.rows, Owner::Rep(rep.id)).pop();
                line.push(RepKpi { key: key.to_string(), pace: pace_of(&year, tolerance), year });
            }
            if let (DefinitionKind::DealAmount, None, Some(cell)) = (&kpi.definition.kind, &pipeline, &y) {
                let done = cell.actual.as_f64().unwrap_or(0.0).round() as i64;
                pipeline = rest_of_year(ctx, Some(team), kpi, cell.full_target, done, year.end).await?;
            }
            kpis.push(TeamKpi {
                key: key.to_string(),
                name: kpi.name.clone(),
                unit: kpi.unit.as_str().to_string(),
                priority: *kpi.priority.get_ref(),
                tolerance: tolerance.value(),
                pace: pace_of(&y, tolerance),
                quarter: q,
                year: y,
                months,
                coverage: teams.columns.last().and_then(|c| c.coverage.clone()),
            });
        }
    }
    let reps = members
        .iter()
        .zip(per_rep)
        .map(|(rep, kpis)| {
            let missing = missing_of(rep.id);
            let paces: Vec<Option<Pace>> = kpis.iter().map(|k| k.pace).collect();
            RepStanding {
                rep_id: rep.id,
                name: rep.name.clone(),
                status: RepStatus::of(&paces, &missing),
                kpis,
                missing,
            }
        })
        .collect();
    // The gaps of the catalog's KPIs; completeness names the team's reps only, and a gap of
    // completeness that none of them has is not the team's.
    let names = owner_names(store, today).await?;
    let member_names: HashSet<&str> = members.iter().map(|r| r.name.as_str()).collect();
    let gaps = data_gaps(&ready, &names, &quarter)
        .into_iter()
        .filter_map(|mut g| {
            if g.kind != "low_completeness" {
                return Some(g);
            }
            g.reps.retain(|r| member_names.contains(r.as_str()));
            (!g.reps.is_empty()).then_some(g)
        })
        .collect();
    // The churn of the accounts of every rep whose team is in it now, as `/api/v1/churn?team=` reads it.
    let account_owners: HashSet<RepId> = view.reps.iter().filter(in_team).map(|r| r.id).collect();
    let churn = churn_report(ctx, &[quarter, year], Some(&account_owners), None).await?;
    Ok(TeamDashboard {
        team_id: team,
        name,
        fiscal_year: fy,
        quarter: Column::of(&quarter),
        as_of: today,
        note: plan.is_none().then(|| format!("FY{fy} has no approved plan yet: no targets to measure against")),
        plan,
        currency: ctx.org.currency,
        kpis,
        reps,
        pipeline,
        churn,
        gaps,
    })
}

/// The reading of an attainment cell to date against the tolerance.
fn pace_of(cell: &Option<AttainmentCell>, tolerance: Tolerance) -> Option<Pace> {
    cell.as_ref().and_then(|c| Pace::of(&c.attainment, tolerance))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_rep_who_does_not_log_reads_as_such_else_the_headline_kpis_pace() {
        let missing = vec!["Demos given".to_string()];
        let paces = [None, Some(Pace::Behind), Some(Pace::Ahead)];
        assert_eq!(RepStatus::of(&paces, &missing), Some(RepStatus::NotLogging));
        assert_eq!(RepStatus::of(&paces, &[]), Some(RepStatus::Behind), "the first KPI with a target");
        assert_eq!(RepStatus::of(&[Some(Pace::OnPace)], &[]), Some(RepStatus::OnPace));
        assert_eq!(RepStatus::of(&[None, None], &[]), None);
        assert_eq!(serde_json::to_string(&RepStatus::NotLogging).unwrap(), r#""not_logging""#);
    }
}
