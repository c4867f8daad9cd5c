//! The rep scorecard (PRODUCT.md C9): where one rep stands on each KPI of the fiscal year's
//! approved plan, quarter to date and year to date. Every figure is another use case's: the
//! attainment report's targets, actuals and notes, the leaderboard's ranks, the review's
//! seasonal projection, readiness's completeness of manual logging. Nothing is computed twice.

use crate::cache::{org_view, plan_targets};
use crate::export::{Sheet, figure_cell, percent_cell};
use crate::plan::{AttainmentCell, AttainmentReport, attainment_report, plan_months, project_year_end};
use crate::readiness::{RECENT_WORKING_DAYS, manual_completeness};
use crate::report::{Column, ReportRequest, cell_text, leaderboard};
use crate::{AppError, Context};
use chrono::NaiveDate;
use pacer_core::catalog::{CaptureMethod, Kpi};
use pacer_core::fiscal_calendar::PeriodKind;
use pacer_core::kpi::KpiValue;
use pacer_core::money::Currency;
use pacer_core::org::{RepId, TeamId};
use pacer_core::plan::{Plan, TargetOwner, TargetTier};
use pacer_core::report::{Grouping, Owner, Scope};
use serde::Serialize;
use std::collections::HashSet;

/// A place on a leaderboard.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct Rank {
    /// The rep's rank (equal values share it); none without a figure.
    pub rank: Option<usize>,
    /// How many reps the board ranks.
    pub of: usize,
}

/// A rep's figures over one period.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct PeriodScore {
    /// The period, counted to today.
    pub period: Column,
    /// The rep's actual to date.
    pub actual: KpiValue,
    /// Against the plan: target to date and for the whole period, attainment with the tolerance,
    /// the notes on a ramped or left target (the attainment report's cell); none without a plan.
    pub attainment: Option<AttainmentCell>,
    /// Rank in the rep's team (the leaderboard a rep sees).
    pub team_rank: Option<Rank>,
    /// Rank in the company.
    pub company_rank: Option<Rank>,
}

/// One fiscal month of a KPI, for the chart of the year.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct MonthScore {
    /// e.g. "Mar 2026".
    pub label: String,
    /// The month's whole target, phased as the plan phases it.
    pub target: i64,
    /// The actual, to today; none for a month not begun.
    pub actual: Option<f64>,
}

/// One KPI of the scorecard.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct KpiScore {
    /// Key.
    pub key: String,
    /// Name.
    pub name: String,
    /// Unit: count, currency (minor units), percent or duration.
    pub unit: String,
    /// Priority (1 first).
    pub priority: u32,
    /// The plan's tolerance for the KPI; none without a plan.
    pub tolerance: Option<f64>,
    /// The fiscal quarter in progress.
    pub quarter: PeriodScore,
    /// The fiscal year to date.
    pub year: PeriodScore,
    /// Where the year to date heads by year end at the seasonal pace (counts and amounts only).
    pub projected_year_end: Option<f64>,
    /// The projection over the year's whole target.
    pub pace: Option<f64>,
    /// The plan's months: the phased target and the actual; empty without a plan.
    pub months: Vec<MonthScore>,
    /// What is missing: "not logged in the last 5 working days" for a manual KPI.
    pub missing: Option<String>,
    /// For a KPI tracked for part of the year only: "covers 6 of 10 months (tracked since D)".
    pub coverage: Option<String>,
}

/// A rep's scorecard.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Scorecard {
    /// The rep.
    pub rep_id: RepId,
    /// Their name.
    pub name: String,
    /// Their team's name.
    pub team: Option<String>,
    /// The fiscal year.
    pub fiscal_year: i32,
    /// The last day counted.
    pub as_of: NaiveDate,
    /// The approved plan measured against.
    pub plan: Option<Plan>,
    /// Why there are no targets, when there is no approved plan.
    pub note: Option<String>,
    /// The reporting currency of amounts.
    #[schema(value_type = String, example = "EUR")]
    pub currency: Currency,
    /// The plan's KPIs with a target for the rep, in priority order (without a plan: the
    /// catalog's live KPIs, actuals and ranks only).
    pub kpis: Vec<KpiScore>,
}

/// The scorecard of `rep` today. A rep the caller may not see is "not found", like a missing one.
pub async fn scorecard(ctx: &Context<'_>, rep: RepId) -> Result<Scorecard, AppError> {
    let (store, today) = (ctx.store, ctx.today);
    let view = org_view(store, ctx.caches, today).await?;
    let seen = ctx.visibility().await?;
    let who = view
        .reps
        .iter()
        .find(|r| r.id == rep && seen.sees_rep(rep))
        .ok_or_else(|| AppError::NotFound(format!("no rep {rep}")))?;
    let team = who.team_id.and_then(|t| view.teams.iter().find(|x| x.id == t));
    let catalog = ctx.catalog().await?;
    let fy = ctx.org.fiscal_year_of(today);
    let quarter = ctx.org.calendar.period_of(today, PeriodKind::Quarter);
    let plan = store.approved_plan(fy).await?;
    let kpis: Vec<&Kpi> = match &plan {
        Some(p) => {
            let targets = plan_targets(store, ctx.caches, p.id).await?;
            let planned: HashSet<&str> = targets
                .iter()
                .filter(|t| t.owner == TargetOwner::Rep(rep) && t.tier == TargetTier::Target)
                .map(|t| t.kpi.as_str())
                .collect();
            catalog.by_priority().into_iter().filter(|k| planned.contains(k.key())).collect()
        }
        None => catalog
            .by_priority()
            .into_iter()
            .filter(|k| matches!(k.capture.method, CaptureMethod::Automatic | CaptureMethod::Manual))
            .collect(),
    };
    let months = plan_months(&ctx.org, fy)?;
    let spans: Vec<(NaiveDate, NaiveDate)> = months.iter().map(|m| (m.start, m.end)).collect();
    let months_done = pacer_core::to_date::months_elapsed(&spans, today);
    let mut scores = Vec::new();
    for kpi in kpis {
        let key = kpi.key();
        let in_quarter = ReportRequest { period: Some(quarter.name()), ..to_date(key, today) };
        let in_year = ReportRequest { fy: Some(fy), ..to_date(key, today) };
        let (unit, mut q) = standing(ctx, &in_quarter, rep, who.team_id).await?;
        let (_, mut y) = standing(ctx, &in_year, rep, who.team_id).await?;
        let mut month_scores = Vec::new();
        let mut coverage = None;
        if let Some(plan) = &plan {
            let by_quarter = attainment_report(ctx, plan, key, Grouping::Rep, PeriodKind::Quarter).await?;
            let cells = owner_cells(&by_quarter.rows, Owner::Rep(rep));
            let at = |name: &str| by_quarter.columns.iter().position(|c| c.name == name).and_then(|i| cells.get(i));
            q.attainment = at(&quarter.name()).cloned();
            y.attainment = at("YTD").cloned();
            coverage = by_quarter.columns.last().and_then(|c| c.coverage.clone());
            let by_month = attainment_report(ctx, plan, key, Grouping::Rep, PeriodKind::Month).await?;
            month_scores = months_of(&by_month, Owner::Rep(rep));
        }
        // Only sums carry on to the year end; a rate or an average does not.
        let projected_year_end = match &y.actual {
            KpiValue::Count(_) | KpiValue::Money(_) => match y.actual.as_f64() {
                Some(a) => project_year_end(ctx, key, fy, a, months_done).await,
                None => None,
            },
            _ => None,
        };
        let annual = y.attainment.as_ref().map(|c| c.full_target).filter(|t| *t > 0);
        let completeness = manual_completeness(ctx, kpi, &catalog.inputs_of(key), today, RECENT_WORKING_DAYS).await?;
        scores.push(KpiScore {
            key: key.to_string(),
            name: kpi.name.clone(),
            unit,
            priority: *kpi.priority.get_ref(),
            tolerance: plan.as_ref().map(|p| p.settings.tolerance_for(key).value()),
            quarter: q,
            year: y,
            projected_year_end,
            pace: projected_year_end.zip(annual).map(|(p, t)| p / t as f64),
            months: month_scores,
            missing: completeness.filter(|c| c.missing.contains(&rep)).map(|_| {
                let days = RECENT_WORKING_DAYS;
                pacer_i18n::tr!(ctx.locale, "notes-not-logged", count = days, days = ctx.locale.count(days.into()))
            }),
            coverage,
        });
    }
    let note = plan.is_none().then(|| {
        let year = pacer_i18n::tr!(ctx.locale, "period-year", fy = fy.to_string());
        pacer_i18n::tr!(ctx.locale, "notes-scorecard-no-plan", year = year)
    });
    Ok(Scorecard {
        rep_id: rep,
        name: who.name.clone(),
        team: team.map(|t| t.name.clone()),
        fiscal_year: fy,
        as_of: today,
        plan,
        note,
        currency: ctx.org.currency,
        kpis: scores,
    })
}

/// The scorecard as tables: a row per KPI and period (the quarter, the year to date) with its
/// target, actual, attainment, ranks, pace and what is missing, then each KPI's months. Plain
/// numbers: money in units of the reporting currency with its decimals, shares in percent.
pub fn sheets(card: &Scorecard) -> Vec<Sheet> {
    let currency = card.currency;
    let whole = |k: &KpiScore, x: i64| {
        let v = if k.unit == "currency" { KpiValue::Money(x) } else { KpiValue::Count(x) };
        cell_text(&v, currency)
    };
    let rank = |r: &Option<Rank>| match r {
        Some(Rank { rank: Some(n), of }) => format!("{n}/{of}"),
        _ => String::new(),
    };
    let rows = card
        .kpis
        .iter()
        .flat_map(|k| [(k, &k.quarter, false), (k, &k.year, true)])
        .map(|(k, p, year)| {
            let a = p.attainment.as_ref();
            vec![
                k.name.clone(),
                format!("{} to date", p.period.label),
                a.map(|c| whole(k, c.target)).unwrap_or_default(),
                a.map(|c| whole(k, c.full_target)).unwrap_or_default(),
                cell_text(&p.actual, currency),
                percent_cell(a.and_then(|c| c.attainment.raw)),
                percent_cell(a.and_then(|c| c.attainment.credited)),
                a.and_then(|c| c.attainment.attained).map(|x| x.to_string()).unwrap_or_default(),
                rank(&p.team_rank),
                rank(&p.company_rank),
                // The pace is the year's: on the year-to-date row only.
                if year { percent_cell(k.pace) } else { String::new() },
                k.missing.clone().unwrap_or_default(),
            ]
        })
        .collect();
    let headers = [
        "kpi",
        "period",
        "target to date",
        "period target",
        "actual",
        "raw %",
        "credited %",
        "attained",
        "team rank",
        "company rank",
        "pace %",
        "missing",
    ];
    let months = card
        .kpis
        .iter()
        .flat_map(|k| {
            k.months.iter().map(move |m| {
                let actual = match (m.actual, k.unit.as_str()) {
                    (Some(a), "count") => format!("{a:.0}"),
                    (a, unit) => figure_cell(unit, a, currency),
                };
                vec![k.name.clone(), m.label.clone(), whole(k, m.target), actual]
            })
        })
        .collect();
    vec![
        Sheet { name: "Scorecard".into(), headers: headers.map(String::from).to_vec(), rows },
        Sheet {
            name: "Months".into(),
            headers: ["kpi", "month", "target", "actual"].map(String::from).to_vec(),
            rows: months,
        },
    ]
}

/// A KPI counted to `today`, as the attainment report counts it.
fn to_date(kpi: &str, today: NaiveDate) -> ReportRequest {
    ReportRequest { kpi: kpi.into(), cut_off: Some(today), ..ReportRequest::default() }
}

/// An owner's cells of an attainment report (none when the plan gives them no target).
pub(crate) fn owner_cells(rows: &[crate::plan::AttainmentRow], owner: Owner) -> Vec<AttainmentCell> {
    rows.iter().find(|r| r.owner == owner).map(|r| r.cells.clone()).unwrap_or_default()
}

/// An owner's months of an attainment report per month, for the chart of the year: each month's
/// whole target as the plan phases it, and its actual to date (none for a month not begun).
pub(crate) fn months_of(by_month: &AttainmentReport, owner: Owner) -> Vec<MonthScore> {
    by_month
        .columns
        .iter()
        .zip(owner_cells(&by_month.rows, owner))
        .filter(|(c, _)| c.name != "YTD")
        .map(|(c, cell)| MonthScore {
            label: c.label.clone(),
            target: cell.full_target,
            actual: cell.cut_off.and(cell.actual.as_f64()),
        })
        .collect()
}

/// The KPI's unit and the rep's actual and ranks over a request's span: the leaderboards of
/// their team (as a rep sees it) and of the company.
async fn standing(
    ctx: &Context<'_>,
    req: &ReportRequest,
    rep: RepId,
    team: Option<TeamId>,
) -> Result<(String, PeriodScore), AppError> {
    let company = leaderboard(ctx, Scope::default(), req).await?;
    let place = |lines: &[crate::report::LeaderLine]| Rank {
        rank: lines.iter().find(|l| l.rep_id == rep).and_then(|l| l.rank),
        of: lines.iter().filter(|l| l.rank.is_some()).count(),
    };
    let team_rank = match team {
        Some(t) => {
            let scope = Scope { teams: Some(HashSet::from([t])), ..Scope::default() };
            Some(place(&leaderboard(ctx, scope, req).await?.lines))
        }
        None => None,
    };
    let actual = company
        .lines
        .iter()
        .find(|l| l.rep_id == rep)
        .map_or_else(|| KpiValue::NoFigure("no data".into()), |l| l.value.clone());
    let score = PeriodScore {
        period: company.period.clone(),
        actual,
        attainment: None,
        team_rank,
        company_rank: Some(place(&company.lines)),
    };
    Ok((company.unit, score))
}
