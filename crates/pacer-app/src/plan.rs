//! The annual plan's use cases (PRODUCT.md C5, C6): top-down allocation of a
//! KPI's annual target to teams and reps with the new-hire ramp, phasing
//! into fiscal months (even, seasonal from the KPI's own history, custom),
//! the plan as a sheet with its bottom-up gap, attainment against the plan
//! with the tolerance, and scenario comparison. Shared by the API, the
//! pages and the CLI.

use crate::cache::plan_targets;
use crate::report::{Column, ReportRequest, report};
use crate::{AppError, Context};
use chrono::{Datelike, NaiveDate};
use pacer_core::attainment::{Attainment, Direction, attainment};
use pacer_core::audit::Actor;
use pacer_core::fiscal_calendar::{FiscalPeriod, PeriodKind};
use pacer_core::kpi::KpiValue;
use pacer_core::org::{Organisation, Rep, RepId, TeamId, subtree};
use pacer_core::plan::{
    Allocation, FISCAL_MONTHS, Gap, Phasing, Plan, PlanId, Scenario, Target, TargetBasis, TargetLine, TargetOwner,
    TargetTier, allocate, compare, explain, gap, phase,
};
use pacer_core::report::{Grouping, Owner, Scope};
use pacer_core::seasonality::{MAX_HISTORY_YEARS, SeasonalIndices, planning_indices};
use pacer_core::to_date::{self, target_to_date};
use pacer_storage::{RepFilter, Store};
use serde::Serialize;
use std::collections::{BTreeMap, HashMap, HashSet};

fn bad(message: impl Into<String>) -> AppError {
    AppError::BadRequest(message.into())
}

/// The 12 fiscal months of a plan's year.
pub fn plan_months(org: &Organisation, fiscal_year: i32) -> Result<Vec<FiscalPeriod>, AppError> {
    let months = org.calendar.periods(fiscal_year, PeriodKind::Month).map_err(|e| bad(e.to_string()))?;
    if months.len() != FISCAL_MONTHS {
        return Err(bad(format!("fiscal year {fiscal_year} has {} months; plans need 12", months.len())));
    }
    Ok(months)
}

/// Who a KPI's annual target is split among.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Recipients {
    /// The teams with sellers (then each team's share to its reps by capacity).
    Teams,
    /// The reps directly.
    Reps,
}

/// How the split is weighted.
#[derive(Debug, Clone, PartialEq)]
pub enum Split {
    /// The same for everyone (reps weighted by their capacity in the year: the ramp).
    Equal,
    /// By the given weights, one per recipient in the order [`allocation_recipients`] lists them.
    Weights(Vec<f64>),
    /// By last fiscal year's actuals of the KPI.
    LastYear,
}

/// How the months are weighted.
#[derive(Debug, Clone, PartialEq)]
pub enum MonthProfile {
    /// Even.
    Even,
    /// By the KPI's seasonal indices from its own history (at least 12 months).
    Seasonal,
    /// Custom weights, 12 of them.
    Custom(Vec<f64>),
}

fn unknown(what: &str, word: &str, choices: &str) -> AppError {
    bad(format!("unknown {what} {word:?}: use {choices}"))
}

impl std::str::FromStr for Recipients {
    type Err = AppError;

    fn from_str(word: &str) -> Result<Self, AppError> {
        match word.trim() {
            "teams" | "team" => Ok(Recipients::Teams),
            "reps" | "rep" => Ok(Recipients::Reps),
            other => Err(unknown("recipients", other, "teams or reps")),
        }
    }
}

impl Split {
    /// The split a word names (`equal`, `weights`, `last_year`), with the weights `weights` uses.
    pub fn from_word(word: &str, weights: &[f64]) -> Result<Self, AppError> {
        match word.trim() {
            "equal" => Ok(Split::Equal),
            "weights" => Ok(Split::Weights(weights.to_vec())),
            "last_year" | "last-year" => Ok(Split::LastYear),
            other => Err(unknown("split", other, "equal, weights or last_year")),
        }
    }
}

impl MonthProfile {
    /// The phasing a word names (`even`, `seasonal`, `custom`), with the 12 weights `custom` uses.
    pub fn from_word(word: &str, weights: &[f64]) -> Result<Self, AppError> {
        match word.trim() {
            "even" => Ok(MonthProfile::Even),
            "seasonal" => Ok(MonthProfile::Seasonal),
            "custom" => Ok(MonthProfile::Custom(weights.to_vec())),
            other => Err(unknown("phasing", other, "even, seasonal or custom")),
        }
    }
}

/// A top-down allocation.
#[derive(Debug, Clone)]
pub struct AllocationRequest {
    /// The KPI.
    pub kpi: String,
    /// Its annual target for the company (or the team), in units (minor units for money).
    pub annual: i64,
    /// Teams, or reps directly.
    pub to: Recipients,
    /// How it is split.
    pub split: Split,
    /// How it is phased.
    pub months: MonthProfile,
    /// Only the teams and reps under this team (its target then is the whole `annual`).
    pub team: Option<TeamId>,
    /// When the history is too short for seasonal phasing, phase evenly instead of refusing.
    pub even_if_short_history: bool,
}

/// What an allocation did.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Allocated {
    /// Targets written for the KPI.
    pub targets: usize,
    /// Each recipient's annual target.
    #[schema(value_type = Vec<pacer_core::openapi::NamedAmount>)]
    pub recipients: Vec<(String, i64)>,
    /// The monthly weights used.
    pub month_weights: Vec<f64>,
    /// What to know about them (short history, fallback).
    pub warnings: Vec<String>,
}

/// Sellers: reps who are not team managers, employed at some point of `[from, to]`.
async fn sellers(store: &dyn Store, from: NaiveDate, to: NaiveDate) -> Result<Vec<Rep>, AppError> {
    let managers: HashSet<RepId> = store.teams().await?.iter().filter_map(|t| t.manager_id).collect();
    let reps = store.reps(&RepFilter::default(), to).await?;
    Ok(reps
        .into_iter()
        .filter(|r| !managers.contains(&r.id) && r.hire_date <= to && r.leave_date.is_none_or(|l| l > from))
        .collect())
}

/// The teams and reps an allocation goes to, in order (teams by name, reps by name).
pub async fn allocation_recipients(
    ctx: &Context<'_>,
    fiscal_year: i32,
    to: Recipients,
    team: Option<TeamId>,
) -> Result<(Vec<(TeamId, String)>, Vec<Rep>), AppError> {
    let (store, org) = (ctx.store, &ctx.org);
    let months = plan_months(org, fiscal_year)?;
    let (start, end) = (months[0].start, months[11].end);
    let teams = store.teams().await?;
    let within: Option<HashSet<TeamId>> = team.map(|t| subtree(&teams, t).into_iter().collect());
    let mut reps: Vec<Rep> = sellers(store, start, end)
        .await?
        .into_iter()
        .filter(|r| within.as_ref().is_none_or(|w| r.team_id.is_some_and(|t| w.contains(&t))))
        .collect();
    reps.sort_by(|a, b| a.name.cmp(&b.name).then(a.id.cmp(&b.id)));
    let with_sellers: HashSet<TeamId> = reps.iter().filter_map(|r| r.team_id).collect();
    let mut team_list: Vec<(TeamId, String)> =
        teams.iter().filter(|t| with_sellers.contains(&t.id)).map(|t| (t.id, t.name.clone())).collect();
    team_list.sort_by(|a, b| a.1.cmp(&b.1));
    if to == Recipients::Reps {
        team_list.clear();
    }
    Ok((team_list, reps))
}

/// The KPI's monthly values over the fiscal years before `fiscal_year`, for the whole company,
/// oldest first: every year back to the first with data (at most the organisation's
/// `seasonality_years`, else 20); `None` for a month without any record.
pub async fn monthly_history(ctx: &Context<'_>, kpi: &str, fiscal_year: i32) -> Result<Vec<Option<f64>>, AppError> {
    let limit = ctx.org.seasonality_years.unwrap_or(MAX_HISTORY_YEARS).clamp(2, MAX_HISTORY_YEARS) as i32;
    let mut years: Vec<Vec<Option<f64>>> = Vec::new();
    for fy in (fiscal_year - limit..fiscal_year).rev() {
        let req = ReportRequest::company_months(kpi, fy);
        let r = report(ctx, Scope::default(), &req).await?;
        let values = r.rows.first().map(|row| row.values[..row.values.len() - 1].to_vec()).unwrap_or_default();
        let values: Vec<Option<f64>> = values.iter().map(KpiValue::as_f64).collect();
        // A year without any value ends the history (after the first two, which may be empty
        // because the KPI is new).
        if years.len() >= 2 && values.iter().all(|v| v.is_none_or(|x| x == 0.0)) {
            break;
        }
        years.push(values);
    }
    let series: Vec<Option<f64>> = years.into_iter().rev().flatten().collect();
    // Months before the first record are not history: zeros there are missing data, not real zeros.
    let first = series.iter().position(|v| v.is_some_and(|x| x != 0.0)).unwrap_or(series.len());
    Ok(series[first..].to_vec())
}

/// The KPI's seasonal indices for planning, from its history, with the warnings: made robust to
/// sparse months ([`planning_indices`]), so that the plan, the review and the seasonality page
/// phase and adjust by the same indices.
pub async fn seasonality(ctx: &Context<'_>, kpi: &str, fiscal_year: i32) -> Result<SeasonalIndices, AppError> {
    let history = monthly_history(ctx, kpi, fiscal_year).await?;
    if history.len() < 12 {
        let locale = ctx.locale;
        return Err(bad(pacer_i18n::tr!(
            locale,
            "seasonality-too-short",
            kpi = kpi,
            months = locale.count(history.len() as i64),
            year = pacer_i18n::tr!(locale, "period-year", fy = fiscal_year.to_string())
        )));
    }
    // Whole fiscal years only: drop the oldest months of a partial first year.
    let whole = history.len() / 12 * 12;
    planning_indices(&history[history.len() - whole..]).map_err(|e| bad(ctx.locale.seasonality_error(&e)))
}

/// Where `ytd_actual` heads by the end of fiscal year `fiscal_year` after `months_done` months (the
/// month in progress by its days): by the KPI's seasonal indices when its history gives them,
/// else evenly ([`pacer_core::seasonality::project_year_end`]). The review and the scorecard
/// project alike.
pub async fn project_year_end(
    ctx: &Context<'_>,
    kpi: &str,
    fiscal_year: i32,
    ytd_actual: f64,
    months_done: f64,
) -> Option<f64> {
    pacer_core::seasonality::project_year_end(ytd_actual, months_done, &indices_or_even(ctx, kpi, fiscal_year).await)
}

/// The KPI's seasonal indices for `fiscal_year` ([`seasonality`]), or even ones when its history
/// is too short to give them.
pub async fn indices_or_even(ctx: &Context<'_>, kpi: &str, fiscal_year: i32) -> Vec<f64> {
    seasonality(ctx, kpi, fiscal_year).await.map(|s| s.monthly.to_vec()).unwrap_or_else(|_| vec![1.0; FISCAL_MONTHS])
}

/// Where a KPI's year is heading: this year's months so far, seasonally adjusted, and two
/// projections of the year end (C6): the seasonal indices' (year to date over the indices'
/// share of the year) and, as a second opinion, a statistical forecast of the remaining months
/// (exponential smoothing after a seasonal decomposition, [`pacer_core::forecast`]).
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Outlook {
    /// The KPI.
    pub kpi: String,
    /// The fiscal year.
    pub fiscal_year: i32,
    /// The seasonal indices, when the history allows (with their warnings).
    pub indices: Option<SeasonalIndices>,
    /// Why there are no indices.
    pub indices_error: Option<String>,
    /// This year's completed months.
    pub actuals: Vec<Option<f64>>,
    /// Each completed month divided by its index.
    pub adjusted: Vec<Option<f64>>,
    /// The year to date: the months begun, to the cut-off (the same figure as the attainment
    /// report's and the review's year to date).
    pub ytd: f64,
    /// The last day counted in `ytd` ([`to_date::cut_off`]); `None` before the year begins.
    pub cut_off: Option<NaiveDate>,
    /// Year end by the seasonal indices (even phasing without them).
    pub index_projection: Option<f64>,
    /// Year end by the statistical forecast: the year to date plus the forecast months.
    pub forecast_projection: Option<f64>,
    /// The forecast of each remaining month.
    pub forecast_months: Vec<f64>,
    /// Why there is no statistical forecast (too short a history, ...).
    pub forecast_error: Option<String>,
}

/// The outlook of a KPI for fiscal year `fiscal_year` as of `today`.
pub async fn outlook(ctx: &Context<'_>, kpi: &str, fiscal_year: i32) -> Result<Outlook, AppError> {
    let (org, today) = (&ctx.org, ctx.today);
    let months = plan_months(org, fiscal_year)?;
    let spans: Vec<(NaiveDate, NaiveDate)> = months.iter().map(|m| (m.start, m.end)).collect();
    let cut_off = to_date::cut_off(months[0].start, months[FISCAL_MONTHS - 1].end, today);
    // Whole months ended by the cut-off: what is adjusted and forecast from.
    let done = cut_off.map_or(0, |c| spans.iter().filter(|&&(s, e)| to_date::Elapsed::of(s, e, c).ended()).count());
    let req = ReportRequest::company_months(kpi, fiscal_year);
    let this_year = report(ctx, Scope::default(), &req).await?;
    let values: Vec<Option<f64>> = this_year
        .rows
        .first()
        .map(|r| r.values[..FISCAL_MONTHS].iter().map(KpiValue::as_f64).collect())
        .unwrap_or_default();
    let actuals: Vec<Option<f64>> = values.iter().take(done).copied().collect();
    // The year to date counts the month in progress too, as the attainment report and the review do.
    let elapsed = cut_off.map_or(0.0, |c| to_date::months_elapsed(&spans, c));
    let ytd: f64 = values.iter().take(elapsed.ceil() as usize).flatten().sum();
    let ended_sum: f64 = actuals.iter().flatten().sum();
    let (indices, indices_error) = match seasonality(ctx, kpi, fiscal_year).await {
        Ok(s) => (Some(s), None),
        Err(e) => (None, Some(e.to_string())),
    };
    let adjusted = actuals
        .iter()
        .enumerate()
        .map(|(m, a)| a.and_then(|x| indices.as_ref().and_then(|s| s.adjusted(m + 1, x))))
        .collect();
    let even = [1.0; FISCAL_MONTHS];
    let index_projection =
        pacer_core::seasonality::project_year_end(ytd, elapsed, indices.as_ref().map_or(&even[..], |s| &s.monthly[..]));
    let mut history: Vec<f64> =
        monthly_history(ctx, kpi, fiscal_year).await?.into_iter().map(|v| v.unwrap_or(0.0)).collect();
    history.extend(actuals.iter().map(|v| v.unwrap_or(0.0)));
    let (forecast_projection, forecast_months, forecast_error) =
        match pacer_core::forecast::forecast_months(&history, FISCAL_MONTHS - done, FISCAL_MONTHS) {
            Ok(f) => (Some(ended_sum + f.total()), f.point, None),
            Err(e) => (None, Vec::new(), Some(ctx.locale.forecast_error(&e))),
        };
    Ok(Outlook {
        kpi: kpi.into(),
        fiscal_year,
        indices,
        indices_error,
        actuals,
        adjusted,
        ytd,
        cut_off,
        index_projection,
        forecast_projection,
        forecast_months,
        forecast_error,
    })
}

/// Last fiscal year's actual of the KPI per owner, as whole units.
async fn last_year(
    ctx: &Context<'_>,
    kpi: &str,
    fiscal_year: i32,
    by: Grouping,
) -> Result<HashMap<Owner, i64>, AppError> {
    let req = ReportRequest {
        kpi: kpi.into(),
        by: Some(by),
        per: Some(PeriodKind::Year),
        fy: Some(fiscal_year - 1),
        ..ReportRequest::default()
    };
    let r = report(ctx, Scope::default(), &req).await?;
    r.rows
        .iter()
        .map(|row| match row.values.last() {
            Some(KpiValue::Count(n) | KpiValue::Money(n)) => Ok((row.owner, (*n).max(0))),
            Some(KpiValue::NoFigure(_)) | None => Ok((row.owner, 0)),
            Some(_) => Err(bad(format!("last year's share needs a count or money KPI; {kpi} is neither"))),
        })
        .collect()
}

/// Allocates and phases a KPI's annual target in a draft plan, replacing that KPI's targets.
pub async fn allocate_kpi(
    ctx: &Context<'_>,
    plan: &Plan,
    req: &AllocationRequest,
    actor: &Actor,
) -> Result<Allocated, AppError> {
    let (store, org) = (ctx.store, &ctx.org);
    let catalog = ctx.catalog().await?;
    plan.status.ensure_editable().map_err(|e| AppError::Conflict(e.to_string()))?;
    if catalog.kpi(&req.kpi).is_none() {
        let known: Vec<&str> = catalog.kpis.iter().map(|k| k.key()).collect();
        return Err(bad(format!("KPI {:?} is not in the catalog; KPIs: {}", req.kpi, known.join(", "))));
    }
    pacer_core::plan::check_target(req.annual).map_err(|e| bad(e.to_string()))?;
    let months = plan_months(org, plan.fiscal_year)?;
    let bounds: Vec<(NaiveDate, NaiveDate)> = months.iter().map(|m| (m.start, m.end)).collect();
    let mut warnings = Vec::new();
    let profile = match &req.months {
        MonthProfile::Even => Phasing::Even,
        MonthProfile::Custom(w) => Phasing::Custom(w.clone()),
        MonthProfile::Seasonal => match seasonality(ctx, &req.kpi, plan.fiscal_year).await {
            Ok(indices) => {
                warnings.extend(indices.warnings.iter().map(|w| ctx.locale.seasonal_warning(w)));
                Phasing::Seasonal(indices.monthly.to_vec())
            }
            Err(e) if req.even_if_short_history => {
                warnings.push(pacer_i18n::tr!(ctx.locale, "seasonality-phased-evenly", why = e.to_string()));
                Phasing::Even
            }
            Err(e) => return Err(e),
        },
    };
    profile.validate().map_err(|e| bad(e.to_string()))?;
    let (teams, reps) = allocation_recipients(ctx, plan.fiscal_year, req.to, req.team).await?;
    if reps.is_empty() {
        return Err(bad("no sellers are employed in that fiscal year: there is no one to allocate to"));
    }
    let capacity =
        |r: &Rep| plan.settings.ramp.capacity(&bounds, r.hire_date, r.leave_date).map_err(|e| bad(e.to_string()));
    let caps: Vec<_> = reps.iter().map(capacity).collect::<Result<_, _>>()?;
    let kpi = req.kpi.as_str();
    let row = |owner: TargetOwner, months: Vec<i64>| {
        months.into_iter().enumerate().map(move |(m, amount)| Target {
            kpi: kpi.to_string(),
            owner,
            month: m as u8 + 1,
            tier: TargetTier::Target,
            amount,
        })
    };
    let phased = |annual: i64, cap| phase(annual, &profile, cap).map_err(|e| bad(e.to_string()));
    let mut targets: Vec<Target> = Vec::new();
    let top = match req.team {
        Some(t) => TargetOwner::Team(t),
        None => TargetOwner::Company,
    };
    targets.extend(row(top, phased(req.annual, None)?));
    let split_of = |count: usize, last: Option<Vec<i64>>| -> Result<Allocation, AppError> {
        Ok(match (&req.split, last) {
            (Split::Equal, _) => Allocation::Equal,
            (Split::Weights(w), _) if w.len() == count => Allocation::Weights(w.clone()),
            (Split::Weights(w), _) => {
                return Err(bad(format!("{} weights given for {count} recipients: give one per recipient", w.len())));
            }
            (Split::LastYear, Some(values)) => Allocation::LastYearShare(values),
            (Split::LastYear, None) => unreachable!("last year's values are read before"),
        })
    };
    let mut recipients = Vec::new();
    let mut rep_shares: Vec<(usize, i64)> = Vec::new();
    if req.to == Recipients::Teams {
        let last = match req.split {
            Split::LastYear => {
                let values = last_year(ctx, kpi, plan.fiscal_year, Grouping::Team).await?;
                Some(teams.iter().map(|(id, _)| values.get(&Owner::Team(*id)).copied().unwrap_or(0)).collect())
            }
            _ => None,
        };
        let shares =
            allocate(req.annual, &split_of(teams.len(), last)?, teams.len()).map_err(|e| bad(e.to_string()))?;
        for ((team, name), share) in teams.iter().zip(shares) {
            recipients.push((name.clone(), share));
            targets.extend(row(TargetOwner::Team(*team), phased(share, None)?));
            // Within a team, reps share by capacity: a new hire carries less.
            let members: Vec<usize> = (0..reps.len()).filter(|i| reps[*i].team_id == Some(*team)).collect();
            let member_caps = members.iter().map(|i| caps[*i]).collect();
            let split =
                allocate(share, &Allocation::Capacity(member_caps), members.len()).map_err(|e| bad(e.to_string()))?;
            rep_shares.extend(members.into_iter().zip(split));
        }
    } else {
        let split = match req.split {
            Split::Equal => Allocation::Capacity(caps.clone()),
            Split::LastYear => {
                let values = last_year(ctx, kpi, plan.fiscal_year, Grouping::Rep).await?;
                split_of(
                    reps.len(),
                    Some(reps.iter().map(|r| values.get(&Owner::Rep(r.id)).copied().unwrap_or(0)).collect()),
                )?
            }
            Split::Weights(_) => split_of(reps.len(), None)?,
        };
        let shares = allocate(req.annual, &split, reps.len()).map_err(|e| bad(e.to_string()))?;
        rep_shares.extend(shares.into_iter().enumerate());
    }
    for (i, share) in rep_shares {
        let r = &reps[i];
        if req.to == Recipients::Reps {
            recipients.push((r.name.clone(), share));
        }
        targets.extend(row(TargetOwner::Rep(r.id), phased(share, Some(&caps[i]))?));
    }
    let written = store.put_targets(plan.id, kpi, &targets, actor).await?;
    Ok(Allocated {
        targets: written,
        recipients,
        month_weights: match &profile {
            Phasing::Even => vec![1.0; FISCAL_MONTHS],
            Phasing::Seasonal(w) | Phasing::Custom(w) => w.clone(),
        },
        warnings,
    })
}

/// One line of a plan sheet: an owner's 12 months and their total.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct SheetLine {
    /// Whose target.
    pub owner: TargetOwner,
    /// Their name.
    pub name: String,
    /// The tier.
    pub tier: TargetTier,
    /// Fiscal months 1..=12.
    pub months: Vec<i64>,
    /// The year: the sum of the months.
    pub total: i64,
}

/// A plan's targets of one KPI, owner by owner, with the bottom-up gap.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct PlanSheet {
    /// The plan.
    pub plan: Plan,
    /// The KPI.
    pub kpi: String,
    /// Its unit.
    pub unit: String,
    /// The months.
    pub months: Vec<Column>,
    /// Company, teams, then reps.
    pub lines: Vec<SheetLine>,
    /// The top-down (company) target against the sum of the reps' targets.
    pub gap: Option<Gap>,
}

/// Names of owners, for sheets.
pub async fn owner_names(store: &dyn Store, today: NaiveDate) -> Result<HashMap<TargetOwner, String>, AppError> {
    let mut names = HashMap::from([(TargetOwner::Company, "Company".to_string())]);
    for t in store.teams().await? {
        names.insert(TargetOwner::Team(t.id), t.name);
    }
    for r in store.reps(&RepFilter::default(), today).await? {
        names.insert(TargetOwner::Rep(r.id), r.name);
    }
    Ok(names)
}

fn owner_rank(o: &TargetOwner) -> u8 {
    match o {
        TargetOwner::Company => 0,
        TargetOwner::Team(_) => 1,
        TargetOwner::Rep(_) => 2,
    }
}

/// Groups targets into 12-month lines per (owner, tier), company first, then teams and reps by name.
pub fn lines(targets: &[Target], names: &HashMap<TargetOwner, String>) -> Vec<SheetLine> {
    let mut by: BTreeMap<(TargetOwner, TargetTier), [i64; FISCAL_MONTHS]> = BTreeMap::new();
    for t in targets {
        if (1..=FISCAL_MONTHS as u8).contains(&t.month) {
            by.entry((t.owner, t.tier)).or_default()[usize::from(t.month) - 1] += t.amount;
        }
    }
    let mut out: Vec<SheetLine> = by
        .into_iter()
        .map(|((owner, tier), months)| SheetLine {
            owner,
            name: names.get(&owner).cloned().unwrap_or_else(|| format!("{owner:?}")),
            tier,
            total: months.iter().sum(),
            months: months.to_vec(),
        })
        .collect();
    out.sort_by(|a, b| {
        owner_rank(&a.owner).cmp(&owner_rank(&b.owner)).then(a.name.cmp(&b.name)).then(a.tier.cmp(&b.tier))
    });
    out
}

/// The bottom-up gap of one KPI's lines: the company's target against the sum of the reps';
/// `None` without a company line.
fn kpi_gap(lines: &[SheetLine]) -> Result<Option<Gap>, AppError> {
    let of_tier = |l: &&SheetLine| l.tier == TargetTier::Target;
    let top = lines.iter().filter(of_tier).find(|l| l.owner == TargetOwner::Company).map(|l| l.total);
    let reps: Vec<i64> =
        lines.iter().filter(of_tier).filter(|l| matches!(l.owner, TargetOwner::Rep(_))).map(|l| l.total).collect();
    top.map(|t| gap(t, &reps)).transpose().map_err(|e| bad(e.to_string()))
}

/// Writes some targets of a draft plan (bottom-up edits), all or nothing; a plan that is not a
/// draft is refused before anything is read.
pub async fn set_targets(ctx: &Context<'_>, plan: &Plan, targets: &[Target], actor: &Actor) -> Result<(), AppError> {
    plan.status.ensure_editable().map_err(|e| AppError::Conflict(e.to_string()))?;
    for target in targets {
        pacer_core::plan::check_target_row(target).map_err(|e| AppError::invalid(e.to_string()))?;
    }
    Ok(ctx.store.set_targets(plan.id, targets, actor).await?)
}

/// One line of a plan sheet as typed in a form: a KPI's 12 months for one owner at one tier.
#[derive(Debug, Clone)]
pub struct LineEdit {
    /// The KPI.
    pub kpi: String,
    /// Whose line.
    pub owner: TargetOwner,
    /// Its tier.
    pub tier: TargetTier,
    /// Fiscal months 1..=12 as typed: money in units of the reporting currency with its
    /// decimals (`1234.50`), counts whole ([`crate::plan_xlsx::typed_units`]).
    pub months: Vec<String>,
}

/// What a line edit changed, and the bottom-up gap before and after it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct LineEdited {
    /// The fiscal months (1..=12) whose target changed.
    pub changed: Vec<u8>,
    /// The line's year before; `None` when the line is new.
    pub year_before: Option<i64>,
    /// The line's year now.
    pub year_after: i64,
    /// The KPI's bottom-up gap before the edit.
    pub gap_before: Option<Gap>,
    /// And after it.
    pub gap_after: Option<Gap>,
}

/// Sets one line of a draft plan from what was typed: every month is read first, and with any
/// that cannot be read nothing is written and the answer is `Invalid`, with a detail per month
/// (`month`, `label`, `value`, `reason`). Only the months that change are written, in one
/// transaction; a line the plan does not have yet is written whole.
pub async fn edit_line(ctx: &Context<'_>, plan: &Plan, edit: &LineEdit, actor: &Actor) -> Result<LineEdited, AppError> {
    plan.status.ensure_editable().map_err(|e| AppError::Conflict(e.to_string()))?;
    let catalog = ctx.catalog().await?;
    let kpi = catalog
        .kpi(&edit.kpi)
        .ok_or_else(|| AppError::NotFound(format!("KPI {:?} is not in the catalog", edit.kpi)))?;
    let months = plan_months(&ctx.org, plan.fiscal_year)?;
    if edit.months.len() != FISCAL_MONTHS {
        return Err(bad(format!("{} months given: a line has the fiscal year's 12", edit.months.len())));
    }
    let mut amounts = [0i64; FISCAL_MONTHS];
    let mut problems = Vec::new();
    for (m, text) in edit.months.iter().enumerate() {
        match crate::plan_xlsx::typed_units(text, kpi, ctx.org.currency) {
            Ok(units) => amounts[m] = units,
            Err(reason) => problems.push(serde_json::json!({
                "month": m + 1, "label": months[m].label(), "value": text, "reason": reason,
            })),
        }
    }
    if !problems.is_empty() {
        let count = problems.len();
        let months = if count == 1 { "month" } else { "months" };
        return Err(AppError::Invalid {
            message: format!("{count} {months} could not be read; nothing was saved"),
            details: problems,
        });
    }
    let current = ctx.store.targets(plan.id, Some(kpi.key())).await?;
    let on_line = |t: &Target| t.owner == edit.owner && t.tier == edit.tier;
    let mut was = [None; FISCAL_MONTHS];
    for t in current.iter().filter(|t| on_line(t) && (1..=FISCAL_MONTHS as u8).contains(&t.month)) {
        was[usize::from(t.month) - 1] = Some(t.amount);
    }
    let line: Vec<Target> = amounts
        .iter()
        .enumerate()
        .map(|(m, amount)| Target {
            kpi: kpi.key().to_string(),
            owner: edit.owner,
            month: m as u8 + 1,
            tier: edit.tier,
            amount: *amount,
        })
        .collect();
    let changed: Vec<Target> =
        line.iter().filter(|t| was[usize::from(t.month) - 1] != Some(t.amount)).cloned().collect();
    set_targets(ctx, plan, &changed, actor).await?;
    let after: Vec<Target> = current.iter().filter(|t| !on_line(t)).cloned().chain(line).collect();
    let nameless = HashMap::new();
    Ok(LineEdited {
        changed: changed.iter().map(|t| t.month).collect(),
        year_before: was.iter().any(Option::is_some).then(|| was.iter().flatten().sum()),
        year_after: amounts.iter().sum(),
        gap_before: kpi_gap(&lines(&current, &nameless))?,
        gap_after: kpi_gap(&lines(&after, &nameless))?,
    })
}

/// The plan sheet of a KPI.
pub async fn sheet(ctx: &Context<'_>, plan: &Plan, kpi: &str) -> Result<PlanSheet, AppError> {
    let (store, org, today) = (ctx.store, &ctx.org, ctx.today);
    let catalog = ctx.catalog().await?;
    let unit = catalog.kpi(kpi).map(|k| k.unit.as_str().to_string()).unwrap_or_default();
    let targets = store.targets(plan.id, Some(kpi)).await?;
    let names = owner_names(store, today).await?;
    let lines = lines(&targets, &names);
    let gap = kpi_gap(&lines)?;
    let months = plan_months(org, plan.fiscal_year)?.iter().map(Column::of).collect();
    // The gap is the company's; the lines are those the caller may see.
    let seen = ctx.visibility().await?;
    let lines = lines.into_iter().filter(|l| seen.sees_target_owner(l.owner)).collect();
    Ok(PlanSheet { plan: plan.clone(), kpi: kpi.to_string(), unit, months, lines, gap })
}

/// One owner's attainment in one period.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct AttainmentCell {
    /// The target the actual is measured against: the period's whole target once it has ended,
    /// its target to date while it is in progress ([`target_to_date`]).
    pub target: i64,
    /// The period's whole target (the sum of its months), shown beside a target to date.
    pub full_target: i64,
    /// The last day counted ([`to_date::cut_off`]): before the period's end, the figures are "to
    /// date"; `None` for a period not begun, which has no attainment yet.
    pub cut_off: Option<NaiveDate>,
    /// The actual.
    pub actual: KpiValue,
    /// Raw and credited attainment, and whether attained with the tolerance.
    pub attainment: Attainment,
    /// Why the target is what it is, when it is not a full quota over the whole period ("ramped:
    /// 25% of a full quota in the first month (hired D)", "left on D: no target after"),
    /// shown beside the figure ([`pacer_core::plan::explain`]).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub notes: Vec<String>,
}

/// Notes explaining targets (several periods often share one), each once, joined for a cell.
pub fn distinct_notes<'n>(notes: impl IntoIterator<Item = &'n String>) -> String {
    let mut seen: Vec<&str> = Vec::new();
    for n in notes {
        if !seen.contains(&n.as_str()) {
            seen.push(n);
        }
    }
    seen.join("; ")
}

/// One owner's attainment per period, and for the year to date.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct AttainmentRow {
    /// Whose.
    pub owner: Owner,
    /// Their name.
    pub name: String,
    /// One per column.
    pub cells: Vec<AttainmentCell>,
}

/// Actual against plan for a KPI.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct AttainmentReport {
    /// The plan measured against.
    pub plan: Plan,
    /// The KPI.
    pub kpi: String,
    /// The tolerance applied.
    pub tolerance: f64,
    /// Higher or lower is better.
    pub direction: Direction,
    /// The periods, then the year to date (elapsed periods only).
    pub columns: Vec<Column>,
    /// One row per owner with a target.
    pub rows: Vec<AttainmentRow>,
    /// The last day counted in each column ([`to_date::cut_off`]); `None` for a period not begun.
    pub cut_offs: Vec<Option<NaiveDate>>,
}

impl AttainmentReport {
    /// What a column's figures cover, for its header, in the reader's language: "to date, Nov 10,
    /// 2026" for a period in progress (measured against its target to date), "not begun", or
    /// nothing for a period ended; then the KPI's coverage when it is tracked for part of the
    /// column only (as the report words it).
    pub fn column_note_in(&self, column: usize, locale: pacer_i18n::Locale) -> Option<String> {
        let col = self.columns.get(column)?;
        let to_date = match self.cut_offs.get(column).copied().flatten() {
            None => Some(locale.t("plan-not-begun")),
            Some(c) if c < col.end || col.name == "YTD" => {
                Some(pacer_i18n::tr!(locale, "plan-to-date", day = locale.date(c)))
            }
            Some(_) => None,
        };
        let notes: Vec<String> = to_date.into_iter().chain(col.coverage.clone()).collect();
        (!notes.is_empty()).then(|| notes.join("; "))
    }
}

/// Attainment of every owner with targets in the plan, per period of kind `per`, plus year to
/// date: actuals to the cut-off against the target to date ([`target_to_date`]), never the mean
/// of percentages; each figure with the notes that explain its target.
pub async fn attainment_report(
    ctx: &Context<'_>,
    plan: &Plan,
    kpi: &str,
    by: Grouping,
    per: PeriodKind,
) -> Result<AttainmentReport, AppError> {
    let (store, caches, org, today) = (ctx.store, ctx.caches, &ctx.org, ctx.today);
    let catalog = ctx.catalog().await?;
    let def = catalog.kpi(kpi).ok_or_else(|| AppError::NotFound(format!("KPI {kpi:?} is not in the catalog")))?;
    let tolerance = plan.settings.tolerance_for(kpi);
    let req = ReportRequest {
        kpi: kpi.into(),
        by: Some(by),
        per: Some(per),
        fy: Some(plan.fiscal_year),
        cut_off: Some(today),
        ..ReportRequest::default()
    };
    let actual = report(ctx, Scope::default(), &req).await?;
    let months = plan_months(org, plan.fiscal_year)?;
    let by_owner = monthly_targets(&plan_targets(store, caches, plan.id).await?, kpi);
    let periods = &actual.columns[..actual.columns.len() - 1];
    let month_spans: Vec<(NaiveDate, NaiveDate)> = months.iter().map(|m| (m.start, m.end)).collect();
    // Which months each period holds; the year to date holds them all.
    let mut month_sets: Vec<Vec<usize>> = periods.iter().map(|p| months_within(&months, p.start, p.end)).collect();
    month_sets.push((0..FISCAL_MONTHS).collect());
    let mut columns: Vec<Column> = periods.to_vec();
    columns.push(Column {
        name: "YTD".into(),
        label: "Year to date".into(),
        start: months[0].start,
        end: today.min(months[11].end),
        coverage: actual.columns.last().and_then(|c| c.coverage.clone()),
    });
    let cut_offs: Vec<Option<NaiveDate>> = periods
        .iter()
        .map(|p| to_date::cut_off(p.start, p.end, today))
        .chain([to_date::cut_off(months[0].start, months[FISCAL_MONTHS - 1].end, today)])
        .collect();
    let direction = def.direction;
    let seen = ctx.visibility().await?;
    let view = crate::cache::org_view(store, caches, today).await?;
    let rows = actual
        .rows
        .iter()
        .filter(|row| seen.sees_owner(row.owner))
        .filter_map(|row| {
            let monthly = by_owner.get(&row.owner)?;
            let rep = match row.owner {
                Owner::Rep(id) => view.reps.iter().find(|r| r.id == id),
                _ => None,
            };
            let capacity = rep.and_then(|r| plan.settings.ramp.capacity(&month_spans, r.hire_date, r.leave_date).ok());
            let cells = month_sets
                .iter()
                .enumerate()
                .map(|(p, set)| {
                    let full_target: i64 = set.iter().map(|m| monthly[*m]).sum();
                    // The year to date is the report's whole-year column, counted to the same cut-off.
                    let value = row.values[p].clone();
                    // A period in progress is measured against its target to date, by the same
                    // rule as the year to date; one not begun has no attainment yet.
                    let (target, a) = match cut_offs[p] {
                        Some(c) => {
                            let period_targets: Vec<i64> = set.iter().map(|m| monthly[*m]).collect();
                            let period_spans: Vec<(NaiveDate, NaiveDate)> =
                                set.iter().map(|m| month_spans[*m]).collect();
                            let target = target_to_date(&period_targets, &period_spans, c);
                            let a = value
                                .as_f64()
                                .map_or(Attainment::NO_TARGET, |x| attainment(x, target as f64, tolerance, direction));
                            (target, a)
                        }
                        None => (full_target, Attainment::NO_TARGET),
                    };
                    let caps: Option<Vec<u16>> = capacity.map(|c| set.iter().map(|m| c.months()[*m]).collect());
                    let notes: Vec<String> = match cut_offs[p] {
                        Some(c) => explain(&TargetBasis {
                            capacity: caps.as_deref(),
                            hired: rep.map(|r| r.hire_date),
                            left: rep.and_then(|r| r.leave_date),
                            start: columns[p].start,
                            end: c,
                            target,
                            full_target,
                        })
                        .iter()
                        .map(|n| ctx.locale.target_note(n))
                        .collect(),
                        None => Vec::new(),
                    };
                    AttainmentCell { target, full_target, cut_off: cut_offs[p], actual: value, attainment: a, notes }
                })
                .collect();
            Some(AttainmentRow { owner: row.owner, name: row.name.clone(), cells })
        })
        .collect();
    Ok(AttainmentReport {
        plan: plan.clone(),
        kpi: kpi.into(),
        tolerance: tolerance.value(),
        direction,
        columns,
        rows,
        cut_offs,
    })
}

/// The quota of a pipeline's period per owner: the targets, in the fiscal year's approved plan,
/// of the first deal-amount KPI in priority order that it plans, summed over the months wholly
/// inside `[from, to]`. `None` without an approved plan or such a KPI.
pub async fn pipeline_quotas(
    ctx: &Context<'_>,
    from: NaiveDate,
    to: NaiveDate,
) -> Result<Option<(String, HashMap<Owner, i64>)>, AppError> {
    let (store, caches, org) = (ctx.store, ctx.caches, &ctx.org);
    let catalog = ctx.catalog().await?;
    let fy = org.fiscal_year_of(from);
    let Some(plan) = store.approved_plan(fy).await? else { return Ok(None) };
    let inside = months_within(&plan_months(org, fy)?, from, to);
    let targets = plan_targets(store, caches, plan.id).await?;
    let deal_kpi = catalog.by_priority().into_iter().find(|k| {
        k.definition.kind == pacer_core::catalog::DefinitionKind::DealAmount && targets.iter().any(|t| t.kpi == k.key())
    });
    let Some(kpi) = deal_kpi else { return Ok(None) };
    let quotas = monthly_targets(&targets, kpi.key())
        .into_iter()
        .map(|(owner, monthly)| (owner, inside.iter().map(|m| monthly[*m]).sum()))
        .collect();
    Ok(Some((kpi.key().to_string(), quotas)))
}

/// Each owner's quota (the target tier) for a KPI per fiscal month of its plan, index 0 the
/// first month: the plan's targets as allocated and phased, by seasonality or otherwise.
fn monthly_targets(targets: &[Target], kpi: &str) -> HashMap<Owner, [i64; FISCAL_MONTHS]> {
    let mut by_owner: HashMap<Owner, [i64; FISCAL_MONTHS]> = HashMap::new();
    for t in targets.iter().filter(|t| t.kpi == kpi && t.tier == TargetTier::Target && (1..=12).contains(&t.month)) {
        by_owner.entry(t.owner.into()).or_default()[usize::from(t.month) - 1] += t.amount;
    }
    by_owner
}

/// The months (indices into `months`) wholly inside `[start, end]`.
fn months_within(months: &[FiscalPeriod], start: NaiveDate, end: NaiveDate) -> Vec<usize> {
    (0..months.len()).filter(|m| months[*m].start >= start && months[*m].end <= end).collect()
}

/// The targets of the approved plans for a KPI over a report's columns, per owner the caller
/// may see who has targets: for each column, the sum of the owner's phased monthly targets in
/// the months it holds, as attainment measures them ([`attainment_report`]'s whole-period
/// target). A column that is not whole months of one fiscal year with an approved plan (a
/// week, a month cut by a date range, a year without a plan) has none.
pub async fn column_targets(
    ctx: &Context<'_>,
    kpi: &str,
    columns: &[Column],
) -> Result<HashMap<Owner, Vec<Option<i64>>>, AppError> {
    let (store, caches, org) = (ctx.store, ctx.caches, &ctx.org);
    let seen = ctx.visibility().await?;
    let mut by_owner: HashMap<Owner, Vec<Option<i64>>> = HashMap::new();
    let mut years: Vec<i32> = columns.iter().map(|c| org.fiscal_year_of(c.start)).collect();
    years.dedup();
    for fy in years {
        let Some(plan) = store.approved_plan(fy).await? else { continue };
        let months = plan_months(org, fy)?;
        let monthly = monthly_targets(&plan_targets(store, caches, plan.id).await?, kpi);
        for (i, column) in columns.iter().enumerate() {
            let held = months_within(&months, column.start, column.end);
            let whole_months = match (held.first(), held.last()) {
                (Some(first), Some(last)) => months[*first].start == column.start && months[*last].end == column.end,
                _ => false,
            };
            if !whole_months {
                continue;
            }
            for (owner, targets) in monthly.iter().filter(|(owner, _)| seen.sees_owner(**owner)) {
                by_owner.entry(*owner).or_insert_with(|| vec![None; columns.len()])[i] =
                    Some(held.iter().map(|m| targets[*m]).sum());
            }
        }
    }
    Ok(by_owner)
}

/// The long-term horizon with its projection from today's customers and recurring revenue.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct HorizonView {
    /// The stages.
    pub horizon: pacer_core::plan::Horizon,
    /// The month the projection starts from (the last with recurring-revenue data).
    pub base_month: Option<NaiveDate>,
    /// Paying customers then.
    pub base_customers: i64,
    /// Annual recurring revenue then (12 × MRR), minor units.
    pub base_arr: i64,
    /// Each projected year: customers and revenue, start, churned, expansion, new, end.
    pub years: Vec<pacer_core::plan::HorizonYear>,
    /// The stage of the current fiscal year.
    pub current_stage: Option<String>,
}

/// The organisation's horizon and its projection; `None` when none is set.
pub async fn horizon_view(ctx: &Context<'_>) -> Result<Option<HorizonView>, AppError> {
    let (org, today) = (&ctx.org, ctx.today);
    let Some(horizon) = org.horizon.clone() else { return Ok(None) };
    let mrr = crate::churn::mrr_series(ctx).await?;
    let this_month = today.with_day(1).unwrap_or(today);
    let base_month = mrr.last_month().map(|last| last.min(this_month));
    let (base_customers, base_arr) =
        base_month.map_or((0, 0), |m| (mrr.customers(m) as i64, mrr.total_mrr(m).saturating_mul(12)));
    let years = horizon.project(base_customers, base_arr).map_err(|e| bad(e.to_string()))?;
    let current_stage = horizon.stage_of(org.fiscal_year_of(today)).map(|s| s.name.clone());
    Ok(Some(HorizonView { horizon, base_month, base_customers, base_arr, years, current_stage }))
}

/// Two or more plans side by side: totals per KPI and level (company, teams, reps: never added
/// together), then per team and rep the caller may see, differences against the first.
pub async fn compare_plans(ctx: &Context<'_>, ids: &[PlanId]) -> Result<pacer_core::plan::Comparison, AppError> {
    let store = ctx.store;
    let names = owner_names(store, ctx.today).await?;
    let seen = ctx.visibility().await?;
    let mut scenarios = Vec::new();
    for id in ids {
        let plan = store.plan(*id).await?;
        let targets = store.targets(*id, None).await?;
        let mut lines: BTreeMap<(String, TargetOwner), Vec<i64>> = BTreeMap::new();
        let compared = |t: &&Target| t.tier == TargetTier::Target && seen.sees_target_owner(t.owner);
        for t in targets.iter().filter(compared) {
            let months = lines.entry((t.kpi.clone(), t.owner)).or_insert_with(|| vec![0; FISCAL_MONTHS]);
            if let Some(m) = months.get_mut(usize::from(t.month).saturating_sub(1)) {
                *m += t.amount;
            }
        }
        let line = |((kpi, owner), months): ((String, TargetOwner), Vec<i64>)| TargetLine {
            kpi,
            level: owner.level(),
            owner: names.get(&owner).cloned().unwrap_or_else(|| owner.to_string()),
            months,
        };
        scenarios.push(Scenario {
            name: format!("{} v{} ({})", plan.name, plan.version, plan.status),
            lines: lines.into_iter().map(line).collect(),
        });
    }
    compare(&scenarios).map_err(|e| bad(e.to_string()))
}
