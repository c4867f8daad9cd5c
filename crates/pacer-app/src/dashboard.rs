//! The dashboards (PRODUCT.md C9): a team's, a manager's home page, and the leadership's. Each
//! summarises other use cases' figures without computing them again: the attainment report's
//! cells (computed once per KPI for the whole team, never per rep), readiness's completeness of
//! manual logging, the review's data gaps, the churn report and the pipeline.

use crate::cache::{org_view, plan_targets};
use crate::churn::{ChurnReport, churn_report};
use crate::export::{Sheet, figure_cell, percent_cell, whole_cell};
use crate::plan::{AttainmentCell, attainment_report, outlook, owner_names};
use crate::readiness::{RECENT_WORKING_DAYS, active_sellers, readiness};
use crate::report::{Column, RestOfYear, rest_of_year, unit_suffix};
use crate::review::{DataGap, Figure, OwnerFigures, data_gaps, document_and_readiness, gaps_sheet, notes_sheet};
use crate::scorecard::{MonthScore, months_of, owner_cells};
use crate::{AppError, Context};
use chrono::NaiveDate;
use pacer_core::access::{Principal, Role};
use pacer_core::attainment::{Attainment, Pace, Tolerance};
use pacer_core::catalog::{Business, DefinitionKind};
use pacer_core::fiscal_calendar::{FiscalPeriod, PeriodKind};
use pacer_core::money::Currency;
use pacer_core::org::{RepId, TeamId, subtree};
use pacer_core::plan::{Plan, TargetOwner, TargetTier};
use pacer_core::readiness::ReadinessRow;
use pacer_core::report::{Grouping, Owner};
use pacer_core::review::{Review, ReviewNote};
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

/// What a dashboard is measured over: the fiscal year to date, its quarter in progress and the
/// year's approved plan.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct DashboardYear {
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
}

impl DashboardYear {
    /// The year of `ctx`'s today, with the fiscal periods of its quarter in progress and its whole.
    async fn today(ctx: &Context<'_>) -> Result<(DashboardYear, FiscalPeriod, FiscalPeriod), AppError> {
        let fy = ctx.org.fiscal_year_of(ctx.today);
        let quarter = ctx.org.calendar.period_of(ctx.today, PeriodKind::Quarter);
        let whole = ctx.org.calendar.year(fy).map_err(|e| AppError::BadRequest(e.to_string()))?;
        let plan = ctx.store.approved_plan(fy).await?;
        let year = DashboardYear {
            fiscal_year: fy,
            quarter: Column::of(&quarter),
            as_of: ctx.today,
            note: plan.is_none().then(|| {
                let year = pacer_i18n::tr!(ctx.locale, "period-year", fy = fy.to_string());
                pacer_i18n::tr!(ctx.locale, "dashboard-no-plan", year = year)
            }),
            plan,
            currency: ctx.org.currency,
        };
        Ok((year, quarter, whole))
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
    /// For a KPI tracked for part of the year only: "covers 6 of 10 months (tracked since D)", or
    /// with data for part of it, "covers 7 of 12 months: not a full-year picture".
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
    /// The year to date and the plan it is measured against.
    #[serde(flatten)]
    pub year: DashboardYear,
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

/// The teams a manager's dashboards start from: those they manage that are not below another they
/// manage (a regional manager's region, not each team in it), by name; none for anyone else.
pub async fn managed_teams(ctx: &Context<'_>) -> Result<Vec<pacer_core::org::Team>, AppError> {
    let Principal::User { role: Role::Manager, managed_teams, .. } = &ctx.caller else { return Ok(Vec::new()) };
    let view = org_view(ctx.store, ctx.caches, ctx.today).await?;
    let mut tops: Vec<pacer_core::org::Team> = view
        .teams
        .iter()
        .filter(|t| managed_teams.contains(&t.id) && t.parent_id.is_none_or(|p| !managed_teams.contains(&p)))
        .cloned()
        .collect();
    tops.sort_by(|a, b| a.name.cmp(&b.name));
    Ok(tops)
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
    let (dashboard_year, quarter, year) = DashboardYear::today(ctx).await?;
    let plan = &dashboard_year.plan;
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
    if let Some(plan) = plan {
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
                // Tracked since a day, or with data from a day only (readiness's coverage).
                coverage: teams.columns.last().and_then(|c| c.coverage.clone()).or_else(|| {
                    ready.iter().find(|r| r.key == key).and_then(|r| ctx.locale.partial_coverage(&r.coverage))
                }),
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
    let gaps = data_gaps(ctx.locale, &ready, &names, &quarter)
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
    Ok(TeamDashboard { team_id: team, name, year: dashboard_year, kpis, reps, pipeline, churn, gaps })
}

/// The reading of an attainment cell to date against the tolerance.
fn pace_of(cell: &Option<AttainmentCell>, tolerance: Tolerance) -> Option<Pace> {
    cell.as_ref().and_then(|c| Pace::of(&c.attainment, tolerance))
}

/// One revenue KPI of the plan on the leadership dashboard: the company against plan, with the
/// review's figures and projection and the statistical second opinion.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct RevenueKpi {
    /// Key.
    pub key: String,
    /// Name.
    pub name: String,
    /// New or existing business ([`pacer_core::catalog::Kpi::business`]); none when it counts both.
    pub business: Option<Business>,
    /// The quarter in progress to date, as the review gives it.
    pub quarter: Option<Figure>,
    /// The year to date, likewise.
    pub ytd: Option<Figure>,
    /// The year's whole target.
    pub annual_target: i64,
    /// The year end at the seasonal pace (the review's projection).
    pub projected_year_end: Option<f64>,
    /// The seasonal projection over the annual target.
    pub pace: Option<f64>,
    /// The year end by the statistical forecast: the ended months plus the forecast of the others
    /// ([`crate::plan::outlook`]), the second opinion.
    pub forecast_year_end: Option<f64>,
    /// Why there is no statistical forecast (too short a history).
    pub forecast_note: Option<String>,
    /// The forecast of each month not ended, in order, to the year's end.
    pub forecast_months: Vec<f64>,
    /// Open pipeline for the rest of the year over the target still to reach.
    pub pipeline_coverage: Option<f64>,
    /// "covers 7 of 12 months: not a full-year picture" for a KPI tracked for part of the year.
    pub partial: Option<String>,
    /// The company's months: the phased target and the actual, for the chart.
    pub months: Vec<MonthScore>,
}

/// A team ranked by its attainment of the year to date.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct TeamRank {
    /// The team.
    pub team_id: TeamId,
    /// Its name.
    pub name: String,
    /// Its place: equal credited attainments share one; none without a figure.
    pub rank: Option<usize>,
    /// Its year to date against the target to date.
    pub ytd: Figure,
    /// The year to date's reading against the tolerance.
    pub pace: Option<Pace>,
}

/// The KPI the teams are ranked on.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct RankedKpi {
    /// Key.
    pub key: String,
    /// Name.
    pub name: String,
    /// Unit: count, currency (minor units), percent or duration.
    pub unit: String,
}

/// The leadership's dashboard: the company against the approved plan.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct CompanyDashboard {
    /// The year to date and the plan it is measured against.
    #[serde(flatten)]
    pub year: DashboardYear,
    /// The plan's money KPIs in priority order, new and existing business apart.
    pub revenue: Vec<RevenueKpi>,
    /// The KPI teams are ranked on: the plan's first with targets for teams.
    pub ranked_on: Option<RankedKpi>,
    /// The teams with a target for it, best first.
    pub teams: Vec<TeamRank>,
    /// Churn of every account, the quarter and the year to date, against the band, with GRR and NRR.
    pub churn: ChurnReport,
    /// Each KPI of the catalog: can it be tracked, is data arriving, how complete, how much of the year.
    pub readiness: Vec<ReadinessRow>,
    /// Data gaps with what to do.
    pub gaps: Vec<DataGap>,
    /// The review of the quarter in progress, when one has been opened.
    pub review: Option<Review>,
    /// The exceptions noted in it for the directors.
    pub exceptions: Vec<ReviewNote>,
}

/// The leadership dashboard today (leaders, admins and read tokens; anyone else is forbidden):
/// the review of the quarter in progress read live ([`crate::review::document`]: the company's
/// figures, the seasonal projection, pipeline coverage, teams' attainment, data gaps), the
/// statistical forecast of each revenue KPI, churn of the quarter and the year and the review's notes.
pub async fn company(ctx: &Context<'_>) -> Result<CompanyDashboard, AppError> {
    if !ctx.caller.sees_everything() {
        return Err(AppError::Forbidden);
    }
    let (store, today) = (ctx.store, ctx.today);
    let catalog = ctx.catalog().await?;
    let (dashboard_year, quarter, year) = DashboardYear::today(ctx).await?;
    let (plan, fy) = (&dashboard_year.plan, dashboard_year.fiscal_year);
    let (document, ready) = match plan {
        Some(plan) => {
            let (d, r) = document_and_readiness(ctx, &quarter, plan).await?;
            (Some(d), r)
        }
        None => (None, readiness(ctx, &year, today, RECENT_WORKING_DAYS).await?),
    };
    let mut revenue = Vec::new();
    let (mut ranked_on, mut teams) = (None, Vec::new());
    if let (Some(plan), Some(d)) = (plan, &document) {
        for k in &d.kpis {
            let Some(kpi) = catalog.kpi(&k.key).filter(|kpi| kpi.is_money()) else { continue };
            let by_month = attainment_report(ctx, plan, &k.key, Grouping::Company, PeriodKind::Month).await?;
            let outlook = outlook(ctx, &k.key, fy).await?;
            revenue.push(RevenueKpi {
                key: k.key.clone(),
                name: k.name.clone(),
                business: kpi.business(),
                quarter: k.company.as_ref().map(|c| c.quarter.clone()),
                ytd: k.company.as_ref().map(|c| c.ytd.clone()),
                annual_target: k.annual_target,
                projected_year_end: k.projected_year_end,
                pace: k.pace,
                forecast_year_end: outlook.forecast_projection,
                forecast_note: outlook.forecast_error,
                forecast_months: outlook.forecast_months,
                pipeline_coverage: k.pipeline_coverage,
                partial: k.partial.clone(),
                months: months_of(&by_month, Owner::Company),
            });
        }
        if let Some(k) = d.kpis.iter().find(|k| !k.teams.is_empty()) {
            let view = org_view(store, ctx.caches, today).await?;
            let tolerance = Tolerance::new(k.tolerance).unwrap_or(Tolerance::ZERO);
            let mut lines: Vec<&OwnerFigures> = k.teams.iter().collect();
            lines.sort_by(|a, b| b.ytd.credited.partial_cmp(&a.ytd.credited).unwrap_or(std::cmp::Ordering::Equal));
            for (i, line) in lines.iter().enumerate() {
                let Some(team) = view.teams.iter().find(|t| t.name == line.name) else { continue };
                let credited = line.ytd.credited;
                let first_equal = lines.iter().position(|l| l.ytd.credited == credited).unwrap_or(i);
                let attainment = Attainment { raw: line.ytd.raw, credited, attained: line.ytd.attained };
                teams.push(TeamRank {
                    team_id: team.id,
                    name: line.name.clone(),
                    rank: credited.map(|_| first_equal + 1),
                    ytd: line.ytd.clone(),
                    pace: Pace::of(&attainment, tolerance),
                });
            }
            ranked_on = Some(RankedKpi { key: k.key.clone(), name: k.name.clone(), unit: k.unit.clone() });
        }
    }
    let gaps = match document {
        Some(d) => d.gaps,
        None => data_gaps(ctx.locale, &ready, &owner_names(store, today).await?, &quarter),
    };
    let churn = churn_report(ctx, &[quarter, year], None, None).await?;
    let review = store.review_for(&quarter.name()).await?;
    let exceptions = match &review {
        Some(r) if r.closed_at.is_none() => store.notes(r.id).await?,
        _ => Vec::new(),
    };
    Ok(CompanyDashboard {
        year: dashboard_year,
        revenue,
        ranked_on,
        teams,
        churn,
        readiness: ready,
        gaps,
        review,
        exceptions,
    })
}

/// The team dashboard as tables, the first the KPIs (what a CSV gives): the KPIs against plan, the
/// reps side by side, the pipeline coverage, churn and the data gaps. Money in units of the
/// reporting currency with its decimals, shares in percent ([`crate::export`]).
pub fn team_sheets(board: &TeamDashboard) -> Vec<Sheet> {
    let currency = board.year.currency;
    let kpis = Sheet {
        name: "KPIs".into(),
        headers: [
            "KPI",
            "tolerance %",
            "quarter target to date",
            "quarter actual",
            "quarter raw %",
            "quarter credited %",
            "YTD target to date",
            "YTD actual",
            "YTD raw %",
            "YTD credited %",
            "year target",
            "pace",
            "coverage",
        ]
        .map(String::from)
        .to_vec(),
        rows: board
            .kpis
            .iter()
            .map(|k| {
                let mut row = vec![k.name.clone(), percent_cell(Some(k.tolerance))];
                for cell in [&k.quarter, &k.year] {
                    row.extend(cell_columns(&k.unit, cell.as_ref(), currency));
                }
                row.extend([
                    k.year.as_ref().map(|c| whole_cell(&k.unit, c.full_target, currency)).unwrap_or_default(),
                    k.pace.map(|p| p.label().to_string()).unwrap_or_default(),
                    k.coverage.clone().unwrap_or_default(),
                ]);
                row
            })
            .collect(),
    };
    let mut rep_headers = vec!["Rep".to_string(), "status".to_string()];
    rep_headers.extend(board.kpis.iter().map(|k| format!("{} YTD credited %", k.name)));
    rep_headers.push("missing".into());
    let reps = Sheet {
        name: "Reps".into(),
        headers: rep_headers,
        rows: board
            .reps
            .iter()
            .map(|r| {
                let mut row = vec![r.name.clone(), r.status.map(|s| s.label().to_string()).unwrap_or_default()];
                row.extend(r.kpis.iter().map(|k| percent_cell(k.year.as_ref().and_then(|c| c.attainment.credited))));
                row.push(r.missing.join(", "));
                row
            })
            .collect(),
    };
    vec![
        kpis,
        reps,
        pipeline_sheet(board.pipeline.as_ref(), currency),
        churn_sheet(&board.churn),
        gaps_sheet(&board.gaps),
    ]
}

/// The leadership dashboard as tables, the first the revenue (what a CSV gives): revenue against
/// plan, the teams ranked, churn, readiness, the data gaps and the review's exceptions.
pub fn company_sheets(board: &CompanyDashboard) -> Vec<Sheet> {
    let currency = board.year.currency;
    let money = |x: Option<f64>| figure_cell("currency", x, currency);
    let figure = |f: Option<&Figure>| match f {
        None => vec![String::new(); 4],
        Some(f) => vec![
            whole_cell("currency", f.target, currency),
            money(f.actual),
            percent_cell(f.raw),
            percent_cell(f.credited),
        ],
    };
    // Money columns name the reporting currency, as every table of figures does.
    let named =
        |h: &str, money: bool| if money { format!("{h}{}", unit_suffix("currency", currency)) } else { h.into() };
    let revenue = Sheet {
        name: "Revenue".into(),
        headers: [
            ("KPI", false),
            ("business", false),
            ("quarter target to date", true),
            ("quarter actual", true),
            ("quarter raw %", false),
            ("quarter credited %", false),
            ("YTD target to date", true),
            ("YTD actual", true),
            ("YTD raw %", false),
            ("YTD credited %", false),
            ("year target", true),
            ("year end at the seasonal pace", true),
            ("pace %", false),
            ("year end by the statistical forecast", true),
            ("pipeline coverage", false),
            ("partial", false),
        ]
        .map(|(h, money)| named(h, money))
        .to_vec(),
        rows: board
            .revenue
            .iter()
            .map(|k| {
                let mut row = vec![k.name.clone(), k.business.map(|b| b.to_string()).unwrap_or_default()];
                row.extend(figure(k.quarter.as_ref()));
                row.extend(figure(k.ytd.as_ref()));
                row.extend([
                    whole_cell("currency", k.annual_target, currency),
                    money(k.projected_year_end),
                    percent_cell(k.pace),
                    money(k.forecast_year_end),
                    k.pipeline_coverage.map(|c| format!("{c:.2}")).unwrap_or_default(),
                    k.partial.clone().unwrap_or_default(),
                ]);
                row
            })
            .collect(),
    };
    let unit = board.ranked_on.as_ref().map_or("count", |k| k.unit.as_str());
    let teams = Sheet {
        name: "Teams".into(),
        headers: [
            ("rank", false),
            ("team", false),
            ("YTD target to date", unit == "currency"),
            ("YTD actual", unit == "currency"),
            ("YTD raw %", false),
            ("YTD credited %", false),
            ("pace", false),
        ]
        .map(|(h, money)| named(h, money))
        .to_vec(),
        rows: board
            .teams
            .iter()
            .map(|t| {
                vec![
                    t.rank.map(|r| r.to_string()).unwrap_or_default(),
                    t.name.clone(),
                    whole_cell(unit, t.ytd.target, currency),
                    figure_cell(unit, t.ytd.actual, currency),
                    percent_cell(t.ytd.raw),
                    percent_cell(t.ytd.credited),
                    t.pace.map(|p| p.label().to_string()).unwrap_or_default(),
                ]
            })
            .collect(),
    };
    let readiness = Sheet {
        name: "Readiness".into(),
        headers: ["KPI", "day one", "capture", "last data", "arriving", "completeness %", "coverage"]
            .map(String::from)
            .to_vec(),
        rows: board
            .readiness
            .iter()
            .map(|r| {
                vec![
                    r.name.clone(),
                    r.day_one.to_string(),
                    pacer_i18n::Locale::ENGLISH.capture(r),
                    r.last_data.map(|d| d.to_string()).unwrap_or_default(),
                    r.arriving.to_string(),
                    percent_cell(r.completeness.as_ref().and_then(|c| c.share)),
                    // A raw sheet, like its other cells (`with_setup`, `true`): in English.
                    pacer_i18n::Locale::ENGLISH.coverage(&r.coverage),
                ]
            })
            .collect(),
    };
    vec![
        revenue,
        teams,
        churn_sheet(&board.churn),
        readiness,
        gaps_sheet(&board.gaps),
        notes_sheet("Exceptions", &board.exceptions),
    ]
}

/// A dashboard: a team's or the leadership's.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
#[serde(untagged)]
pub enum Dashboard {
    /// A team's.
    Team(TeamDashboard),
    /// The leadership's.
    Company(CompanyDashboard),
}

impl Dashboard {
    /// Its tables ([`team_sheets`], [`company_sheets`]).
    pub fn sheets(&self) -> Vec<Sheet> {
        match self {
            Dashboard::Team(board) => team_sheets(board),
            Dashboard::Company(board) => company_sheets(board),
        }
    }
}

/// An attainment cell as four columns: target to date, actual, raw and credited attainment.
fn cell_columns(unit: &str, cell: Option<&AttainmentCell>, currency: Currency) -> [String; 4] {
    match cell {
        None => Default::default(),
        Some(c) => [
            whole_cell(unit, c.target, currency),
            figure_cell(unit, c.actual.as_f64(), currency),
            percent_cell(c.attainment.raw),
            percent_cell(c.attainment.credited),
        ],
    }
}

/// The pipeline coverage of what remains, one row (none without it).
fn pipeline_sheet(rest: Option<&RestOfYear>, currency: Currency) -> Sheet {
    let money = |n: i64| pacer_core::money::plain_amount(n, currency);
    Sheet {
        name: "Pipeline".into(),
        headers: ["KPI", "year target", "won", "open pipeline", "still to reach"]
            .map(|h| format!("{h}{}", unit_suffix("currency", currency)))
            .into_iter()
            .chain(["coverage".to_string()])
            .collect(),
        rows: rest
            .map(|r| {
                let still = (r.annual_target - r.done).max(0);
                let cover = r.coverage.ratio().map(|x| format!("{x:.2}")).unwrap_or_default();
                vec![r.kpi.clone(), money(r.annual_target), money(r.done), money(r.open_minor), money(still), cover]
            })
            .into_iter()
            .collect(),
    }
}

/// Churn per period against the band.
fn churn_sheet(churn: &ChurnReport) -> Sheet {
    Sheet {
        name: "Churn".into(),
        headers: ["period", "to date", "customer churn %", "annualised %", "band", "GRR %", "NRR %"]
            .map(String::from)
            .to_vec(),
        rows: churn
            .periods
            .iter()
            .map(|p| {
                vec![
                    p.label.clone(),
                    p.to_date.to_string(),
                    percent_cell(p.rates.customer_churn_rate),
                    percent_cell(p.annualised_customer_churn),
                    p.band.map(|b| b.to_string()).unwrap_or_default(),
                    percent_cell(p.rates.grr),
                    percent_cell(p.rates.nrr),
                ]
            })
            .collect(),
    }
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
