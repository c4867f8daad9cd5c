//! Reports, leaderboards and the pipeline (PRODUCT.md C4), shared by the
//! API, the pages and the CLI. Additive KPIs are summed from the daily
//! rollups, held in memory per version of the data; the others are
//! evaluated on raw records.

use crate::AppError;
use crate::Context;
use crate::cache::{daily_cube, org_view};
use crate::churn::revenue_figures;
use chrono::NaiveDate;
use pacer_core::catalog::Catalog;
use pacer_core::fiscal_calendar::{FiscalPeriod, PeriodKind};
use pacer_core::kpi::{KpiValue, Measure, RevenueFigures, rollup_measure};
use pacer_core::money::Currency;
use pacer_core::org::{Organisation, RepId, TeamId, subtree};
use pacer_core::pipeline::{Coverage, PipelineSummary, coverage, summarize, unmapped_stages};
use pacer_core::readiness::Tracked;
use pacer_core::records::{ActivityRecord, DealKind, DealStatus, FieldValue};
use pacer_core::report::{
    DailyCube, Grouping, OrgView, Owner, RawRecords, ReportRow, Scope, group_records, rank, raw_report, rollup_report,
};
use pacer_storage::Store;
use serde::Serialize;
use std::collections::{HashMap, HashSet};
use std::sync::Arc;

/// Which rollups to read.
#[derive(Debug, Clone)]
pub struct Inputs {
    /// The activity rollup.
    pub activities: bool,
    /// Only these activity types' rows (all when `None`).
    pub activity_types: Option<Vec<String>>,
    /// The deal rollup.
    pub deals: bool,
}

impl Inputs {
    /// Both rollups, whole.
    pub const ALL: Inputs = Inputs { activities: true, activity_types: None, deals: true };
    /// The activity rollup, whole.
    pub const ACTIVITIES: Inputs = Inputs { activities: true, activity_types: None, deals: false };
    /// The deal rollup.
    pub const DEALS: Inputs = Inputs { activities: false, activity_types: None, deals: true };

    /// What a measure reads.
    pub fn of(measure: &Measure) -> Inputs {
        match measure {
            Measure::Activities { types, .. } => Inputs { activity_types: Some(types.clone()), ..Inputs::ACTIVITIES },
            Measure::Deals { .. } => Inputs::DEALS,
            Measure::Ratio(n, d) => {
                let (n, d) = (Inputs::of(n), Inputs::of(d));
                let activity_types = match (n.activities, d.activities) {
                    (true, true) => n.activity_types.zip(d.activity_types).map(|(a, b)| [a, b].concat()),
                    (true, false) => n.activity_types,
                    _ => d.activity_types,
                };
                Inputs { activities: n.activities || d.activities, activity_types, deals: n.deals || d.deals }
            }
        }
    }
}

/// Reads the rollups of some days (and reps) straight from the database.
pub async fn load_cube(
    store: &dyn Store,
    from: NaiveDate,
    to: NaiveDate,
    reps: Option<&[RepId]>,
    wanted: Inputs,
) -> Result<DailyCube, AppError> {
    let mut cube = DailyCube::default();
    if wanted.activities {
        store
            .activity_days(from, to, reps, wanted.activity_types.as_deref(), &mut |(k, t)| {
                cube.add_activity(k.rep_id, k.day, &k.activity_type, t)
            })
            .await?;
    }
    if wanted.deals {
        store.deal_days(from, to, reps, &mut |(k, t)| cube.add_deal(k.rep_id, k.day, k.kind, k.status, t)).await?;
    }
    cube.seal();
    Ok(cube)
}

/// What a report is asked for. Unknown names are 400s listing the choices.
#[derive(Debug, Clone, Default)]
pub struct ReportRequest {
    /// The KPI's key.
    pub kpi: String,
    /// Rows per rep, team or company.
    pub by: Option<Grouping>,
    /// Columns per week, month, quarter, half or year (default month).
    pub per: Option<PeriodKind>,
    /// A fiscal year (default: the current one).
    pub fy: Option<i32>,
    /// A named period instead, e.g. FY2027-Q2.
    pub period: Option<String>,
    /// A date range instead: first day.
    pub from: Option<NaiveDate>,
    /// A date range instead: last day.
    pub to: Option<NaiveDate>,
    /// Only this team (with its sub-teams).
    pub team: Option<TeamId>,
    /// Only the teams of this region.
    pub region: Option<String>,
    /// Only activities whose custom fields have these values (`field`, `value`).
    pub fields: Vec<(String, String)>,
    /// Only deals of these kinds.
    pub deal_kinds: Vec<DealKind>,
    /// Count nothing after this day ([`pacer_core::to_date::cut_off`]): figures "to date", the
    /// same in every page that names this cut-off; columns that begin after it have no figure.
    pub cut_off: Option<NaiveDate>,
}

impl ReportRequest {
    /// A KPI for the whole company per fiscal month of fiscal year `fy`.
    pub fn company_months(kpi: &str, fy: i32) -> Self {
        ReportRequest {
            kpi: kpi.into(),
            by: Some(Grouping::Company),
            per: Some(PeriodKind::Month),
            fy: Some(fy),
            ..ReportRequest::default()
        }
    }
}

/// A column of a report.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct Column {
    /// Stable name, e.g. `FY2027-M03`, or `2026-03-01..2026-04-15` for a range.
    pub name: String,
    /// Label for people.
    pub label: String,
    /// First day.
    pub start: NaiveDate,
    /// Last day.
    pub end: NaiveDate,
    /// For a KPI tracked only since a day inside or after the column: "covers 6 of 10 months
    /// (tracked since D)" (its figure counts the tracked days only) or "not tracked (...)".
    #[serde(skip_serializing_if = "Option::is_none")]
    pub coverage: Option<String>,
}

impl Column {
    /// A fiscal period's column, covering all of it.
    pub fn of(p: &FiscalPeriod) -> Self {
        Column { name: p.name(), label: p.label(), start: p.start, end: p.end, coverage: None }
    }
}

/// A report: one row per owner, one value per column; the last column is
/// the whole span (a year's figure is computed from the year's sums).
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Report {
    /// The KPI's key.
    pub kpi: String,
    /// Its name.
    pub name: String,
    /// Its unit (count, currency, percent, ...).
    pub unit: String,
    /// Whether higher or lower is better.
    pub direction: String,
    /// Rows per rep, team or company.
    pub by: Grouping,
    /// The columns.
    pub columns: Vec<Column>,
    /// The rows.
    pub rows: Vec<ReportRow>,
    /// `rollups` when summed from the daily rollups, `raw records` otherwise.
    pub computed_from: &'static str,
    /// The reporting currency every money figure is in (deals in other currencies are
    /// converted at the rate of their close month).
    #[schema(value_type = String, example = "EUR")]
    pub currency: Currency,
}

fn bad(message: impl Into<String>) -> AppError {
    AppError::BadRequest(message.into())
}

/// The columns of a request: the sub-periods of a fiscal year or named
/// period (or those overlapping a date range, cut to it), then the whole.
pub fn columns(org: &Organisation, req: &ReportRequest, today: NaiveDate) -> Result<Vec<FiscalPeriod>, AppError> {
    match (req.from, req.to) {
        (None, None) => report_periods(org, req.fy, req.period.as_deref(), req.per, today),
        (Some(from), Some(to)) => {
            if req.fy.is_some() || req.period.is_some() {
                return Err(bad("give a fiscal year, a period or a date range (--from and --to), not several"));
            }
            if from > to {
                return Err(bad(format!("the date range is reversed: {from} is after {to}")));
            }
            let kind = req.per.unwrap_or(PeriodKind::Month);
            let calendar = &org.calendar;
            let mut out = Vec::new();
            for fy in calendar.fiscal_year_of(from)..=calendar.fiscal_year_of(to) {
                for p in calendar.periods(fy, kind).map_err(|e| bad(e.to_string()))? {
                    if p.end >= from && p.start <= to {
                        out.push(FiscalPeriod { start: p.start.max(from), end: p.end.min(to), ..p });
                    }
                }
            }
            let whole = FiscalPeriod {
                kind: PeriodKind::Year,
                fiscal_year: calendar.fiscal_year_of(to),
                index: 1,
                start: from,
                end: to,
            };
            if out.len() != 1 || out[0].start != from || out[0].end != to {
                out.push(whole);
            }
            Ok(out)
        }
        _ => Err(bad("a date range needs both --from and --to")),
    }
}

fn column(p: &FiscalPeriod, range: Option<(NaiveDate, NaiveDate)>) -> Column {
    let whole_range = range.is_some_and(|(from, to)| p.start == from && p.end == to);
    let cut = range.is_some() && !whole_range;
    let (name, label) = if whole_range {
        let name = format!("{}..{}", p.start, p.end);
        (name.clone(), name)
    } else if cut {
        (format!("{} ({}..{})", p.name(), p.start, p.end), format!("{} ({}..{})", p.label(), p.start, p.end))
    } else {
        (p.name(), p.label())
    };
    Column { name, label, ..Column::of(p) }
}

/// The scope of a request on top of what the viewer may see: a team, a
/// region, deal kinds.
pub fn narrow_scope(org: &OrgView, mut scope: Scope, req: &ReportRequest) -> Result<Scope, AppError> {
    let mut narrow = |teams: HashSet<TeamId>| {
        scope.teams = Some(match scope.teams.take() {
            Some(visible) => visible.intersection(&teams).copied().collect(),
            None => teams,
        });
    };
    if let Some(team) = req.team {
        if !org.teams.iter().any(|t| t.id == team) {
            return Err(AppError::NotFound(format!("no team {team}")));
        }
        narrow(subtree(&org.teams, team).into_iter().collect());
    }
    if let Some(region) = &req.region {
        let roots: Vec<TeamId> = org
            .teams
            .iter()
            .filter(|t| t.region.as_deref().is_some_and(|r| r.eq_ignore_ascii_case(region.trim())))
            .map(|t| t.id)
            .collect();
        if roots.is_empty() {
            let mut regions: Vec<&str> = org.teams.iter().filter_map(|t| t.region.as_deref()).collect();
            regions.sort_unstable();
            regions.dedup();
            return Err(bad(format!("no team is in region {region:?}; regions: {}", regions.join(", "))));
        }
        narrow(roots.iter().flat_map(|r| subtree(&org.teams, *r)).collect());
    }
    if !req.deal_kinds.is_empty() {
        scope.deal_kinds = Some(req.deal_kinds.clone());
    }
    Ok(scope)
}

/// The typed values of the request's field filters, checked against the catalog.
fn field_filters(catalog: &Catalog, req: &ReportRequest) -> Result<Vec<(String, FieldValue)>, AppError> {
    req.fields
        .iter()
        .map(|(key, text)| {
            let def = catalog.activity_types.iter().flat_map(|t| t.fields.iter()).find(|f| f.key.get_ref() == key);
            let Some(def) = def else {
                let mut known: Vec<&str> = catalog
                    .activity_types
                    .iter()
                    .flat_map(|t| t.fields.iter())
                    .map(|f| f.key.get_ref().as_str())
                    .collect();
                known.sort_unstable();
                known.dedup();
                return Err(bad(format!("no activity field {key:?}; fields: {}", known.join(", "))));
            };
            def.parse_value(text).map(|v| (key.clone(), v)).map_err(bad)
        })
        .collect()
}

/// A KPI report.
pub async fn report(ctx: &Context<'_>, scope: Scope, req: &ReportRequest) -> Result<Report, AppError> {
    let (store, caches, org, today) = (ctx.store, ctx.caches, &ctx.org, ctx.today);
    let catalog = ctx.catalog().await?;
    let Some(kpi) = catalog.kpi(&req.kpi) else {
        let known: Vec<&str> = catalog.kpis.iter().map(|k| k.key()).collect();
        return Err(AppError::NotFound(format!("KPI {:?} is not in the catalog; KPIs: {}", req.kpi, known.join(", "))));
    };
    let by = req.by.unwrap_or(Grouping::Rep);
    let periods = columns(org, req, today)?;
    let view = org_view(store, caches, today).await?;
    let scope = narrow_scope(&view, scope, req)?;
    let fields = field_filters(catalog, req)?;
    let measure = rollup_measure(catalog, &req.kpi).map_err(AppError::internal)?;
    let range = req.from.zip(req.to);
    // A KPI tracked since a day: columns count from that day, and those before it have no figure.
    let tracked: Vec<Tracked> =
        periods.iter().map(|p| Tracked::of(p.start, p.end, today, kpi.tracked_since.map(|d| d.0))).collect();
    let counted: Vec<FiscalPeriod> = periods
        .iter()
        .zip(&tracked)
        .map(|(p, t)| FiscalPeriod {
            start: t.counts_from(p.start),
            end: req.cut_off.map_or(p.end, |c| p.end.min(c)),
            ..*p
        })
        .collect();
    let (mut rows, computed_from) = match measure {
        Some(measure) if fields.is_empty() => {
            let cube = match caches.warm {
                Some(cache) => daily_cube(store, cache).await?,
                None => {
                    let (from, to) = span_of(&periods)?;
                    let reps = scope_reps(&view, &scope);
                    Arc::new(load_cube(store, from, to, reps.as_deref(), Inputs::of(&measure)).await?)
                }
            };
            if let Some((from, to)) = range {
                // A cube read for the range alone does not know where the data starts and ends.
                let span = match caches.warm {
                    Some(_) => cube.span(),
                    None => store.rollup_span().await?,
                };
                check_range_has_data(span, from, to, today)?;
            }
            (cpu_bound(|| rollup_report(&measure, &cube, &view, by, &counted, &scope)), "rollups")
        }
        _ => (raw_rows(ctx, &req.kpi, &view, by, &counted, &scope, &fields).await?, "raw records"),
    };
    for (i, (t, p)) in tracked.iter().zip(&counted).enumerate() {
        let none = match t {
            Tracked::Not { since } => Some(format!("not tracked before {since}")),
            _ if p.start > p.end => Some("not begun".to_owned()),
            _ => None,
        };
        if let Some(why) = none {
            for row in &mut rows {
                row.values[i] = KpiValue::NoFigure(why.clone());
            }
        }
    }
    let columns = periods
        .iter()
        .zip(&tracked)
        .map(|(p, t)| Column { coverage: ctx.locale.tracked(t), ..column(p, range) })
        .collect();
    Ok(Report {
        kpi: req.kpi.clone(),
        name: kpi.name.clone(),
        unit: kpi.unit.as_str().to_string(),
        direction: kpi.direction.as_str().to_string(),
        by,
        columns,
        rows,
        computed_from,
        currency: org.currency,
    })
}

/// Runs a report's sums, which only compute, so that they do not hold up the server's other
/// requests: on a multi-threaded runtime the worker hands its other tasks to another thread first
/// (`block_in_place`); elsewhere (a command, a test's runtime) it simply runs.
fn cpu_bound<T>(work: impl FnOnce() -> T) -> T {
    match tokio::runtime::Handle::try_current().map(|h| h.runtime_flavor()) {
        Ok(tokio::runtime::RuntimeFlavor::MultiThread) => tokio::task::block_in_place(work),
        _ => work(),
    }
}

fn span_of(periods: &[FiscalPeriod]) -> Result<(NaiveDate, NaiveDate), AppError> {
    match (periods.iter().map(|p| p.start).min(), periods.iter().map(|p| p.end).max()) {
        (Some(from), Some(to)) => Ok((from, to)),
        _ => Err(bad("the report has no period")),
    }
}

/// Every rep who was ever in the scope's teams (or the scope's reps); `None` for everyone.
fn scope_reps(view: &OrgView, scope: &Scope) -> Option<Vec<RepId>> {
    let mut reps: HashSet<RepId> = match &scope.teams {
        None => return scope.reps.as_ref().map(|r| r.iter().copied().collect()),
        Some(teams) => view
            .memberships
            .iter()
            .filter(|(_, ms)| ms.iter().any(|m| teams.contains(&m.team_id)))
            .map(|(rep, _)| *rep)
            .collect(),
    };
    if let Some(only) = &scope.reps {
        reps.retain(|r| only.contains(r));
    }
    let mut reps: Vec<RepId> = reps.into_iter().collect();
    reps.sort_unstable();
    Some(reps)
}

/// A date range must meet the data: one that starts before the first
/// record or ends after both the last record and today is refused.
fn check_range_has_data(
    span: Option<(NaiveDate, NaiveDate)>,
    from: NaiveDate,
    to: NaiveDate,
    today: NaiveDate,
) -> Result<(), AppError> {
    let Some((first, last)) = span else { return Err(bad("there is no data yet")) };
    if from < first || to > last.max(today) {
        return Err(bad(format!("the date range {from}..{to} spans more than the data, which covers {first}..{last}")));
    }
    Ok(())
}

async fn raw_rows(
    ctx: &Context<'_>,
    key: &str,
    view: &OrgView,
    by: Grouping,
    periods: &[FiscalPeriod],
    scope: &Scope,
    fields: &[(String, FieldValue)],
) -> Result<Vec<ReportRow>, AppError> {
    let (Some(from), Some(to)) = (periods.iter().map(|p| p.start).min(), periods.iter().map(|p| p.end).max()) else {
        return Ok(Vec::new());
    };
    let (store, catalog) = (ctx.store, ctx.catalog().await?);
    let needs = catalog.inputs_of(key);
    use pacer_core::readiness::InputNeed;
    let mut types: Vec<String> = needs
        .iter()
        .flat_map(|n| match n {
            InputNeed::Activities { types, .. } => types.clone(),
            _ => Vec::new(),
        })
        .collect();
    types.sort_unstable();
    types.dedup();
    // A server keeps these activities between requests; a command reads the span's.
    let history;
    let mut activities: &[ActivityRecord] = match ctx.caches.warm {
        _ if types.is_empty() => &[],
        Some(cache) => {
            history = crate::cache::activities_of(store, cache, &types).await?;
            let first = history.partition_point(|a| a.occurred_at.date() < from);
            let end = history.partition_point(|a| a.occurred_at.date() <= to);
            &history[first..end]
        }
        None => {
            history = Arc::new(store.activities_between(from, to, Some(&types)).await?);
            &history
        }
    };
    let filtered: Vec<ActivityRecord>;
    if !fields.is_empty() {
        filtered =
            activities.iter().filter(|a| fields.iter().all(|(k, v)| a.fields.get(k) == Some(v))).cloned().collect();
        activities = &filtered;
    }
    let deals = if needs.contains(&InputNeed::Deals) { store.deals_between(from, to).await? } else { Vec::new() };
    let mut revenue: HashMap<(usize, usize), RevenueFigures> = HashMap::new();
    if needs.contains(&InputNeed::Subscriptions) {
        let owners = pacer_core::report::owners(view, by, scope, from, to);
        for (r, (owner, _)) in owners.iter().enumerate() {
            for (p, period) in periods.iter().enumerate() {
                let reps = owner_reps(view, *owner, scope, period.end);
                if let Some(figures) = revenue_figures(ctx, period.start, period.end, reps.as_ref()).await? {
                    revenue.insert((r, p), figures);
                }
            }
        }
    }
    let records = RawRecords { activities, deals: &deals, revenue: &revenue };
    cpu_bound(|| raw_report(catalog, key, records, view, by, periods, scope)).map_err(AppError::internal)
}

/// The reps whose accounts count for an owner on `day` (`None`: every account).
fn owner_reps(view: &OrgView, owner: Owner, scope: &Scope, day: NaiveDate) -> Option<HashSet<RepId>> {
    let in_teams = |teams: &HashSet<TeamId>| -> HashSet<RepId> {
        view.reps.iter().filter(|r| view.team_on(r.id, day).is_some_and(|t| teams.contains(&t))).map(|r| r.id).collect()
    };
    match owner {
        Owner::Rep(rep) => Some(HashSet::from([rep])),
        Owner::Team(team) => Some(in_teams(&subtree(&view.teams, team).into_iter().collect())),
        Owner::Company => match (&scope.teams, &scope.reps) {
            (None, None) => None,
            (Some(teams), reps) => {
                Some(in_teams(teams).into_iter().filter(|r| reps.as_ref().is_none_or(|s| s.contains(r))).collect())
            }
            (None, Some(reps)) => Some(reps.clone()),
        },
    }
}

/// One line of a leaderboard.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct LeaderLine {
    /// Rank: equal values share it and the next rank skips; none without a figure.
    pub rank: Option<usize>,
    /// The rep.
    pub rep_id: RepId,
    /// Their name.
    pub name: String,
    /// Their value.
    pub value: KpiValue,
}

/// A leaderboard: reps ranked on a KPI over one period.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Leaderboard {
    /// The KPI's key.
    pub kpi: String,
    /// Its name.
    pub name: String,
    /// Its unit.
    pub unit: String,
    /// The period ranked.
    pub period: Column,
    /// Ranked reps, best first, then those without a figure.
    pub lines: Vec<LeaderLine>,
    /// The viewer's own line, when they are a rep on the board.
    pub me: Option<LeaderLine>,
}

/// Ranks reps on a KPI over the whole span of a request.
/// The caller's own line is `me` when they are a rep on the board.
pub async fn leaderboard(ctx: &Context<'_>, scope: Scope, req: &ReportRequest) -> Result<Leaderboard, AppError> {
    // Only the whole span is ranked: ask for one column.
    let req = ReportRequest { by: Some(Grouping::Rep), per: Some(PeriodKind::Year), ..req.clone() };
    let report = report(ctx, scope, &req).await?;
    let catalog = ctx.catalog().await?;
    let direction = catalog.kpi(&req.kpi).map(|k| k.direction).unwrap_or_default();
    let last = report.columns.len().saturating_sub(1);
    let value_of = |row: &ReportRow| row.values.get(last).cloned().unwrap_or(KpiValue::NoFigure("no data".into()));
    let mut values: HashMap<RepId, KpiValue> = HashMap::new();
    let mut ranked = Vec::new();
    let mut unranked = Vec::new();
    for row in &report.rows {
        let Owner::Rep(rep) = row.owner else { continue };
        let value = value_of(row);
        match value.as_f64() {
            Some(x) => ranked.push((rep, row.name.clone(), x)),
            None => unranked.push(LeaderLine { rank: None, rep_id: rep, name: row.name.clone(), value: value.clone() }),
        }
        values.insert(rep, value);
    }
    let mut lines: Vec<LeaderLine> = rank(ranked, direction)
        .into_iter()
        .map(|s| LeaderLine {
            rank: Some(s.rank),
            rep_id: s.rep_id,
            name: s.name,
            value: values.get(&s.rep_id).cloned().unwrap_or(KpiValue::Number(s.value)),
        })
        .collect();
    lines.extend(unranked);
    let me = ctx.own_rep().and_then(|rep| lines.iter().find(|l| l.rep_id == rep).cloned());
    Ok(Leaderboard {
        kpi: report.kpi,
        name: report.name,
        unit: report.unit,
        period: report.columns.into_iter().last().ok_or_else(|| bad("no period"))?,
        lines,
        me,
    })
}

/// One row of the pipeline report.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct PipelineRow {
    /// Whose pipeline.
    pub owner: Owner,
    /// Their name.
    pub name: String,
    /// Open, weighted, per category and stage, won in the period.
    pub summary: PipelineSummary,
    /// The quota of the period, when a plan sets one.
    pub quota_minor: Option<i64>,
    /// Open pipeline over the quota still to reach.
    pub coverage: Coverage,
}

/// The pipeline of a period: deals expected to close (open) or closed won in it.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Pipeline {
    /// The period.
    pub period: Column,
    /// The KPI whose targets are the quota, when an approved plan has one.
    pub quota_kpi: Option<String>,
    /// One row per owner.
    pub rows: Vec<PipelineRow>,
    /// Open deals of the rows closing in the period whose stage is no open stage of the
    /// settings, each deal once, by stage: in no figure above, and shown as such.
    pub unmapped: Vec<pacer_core::pipeline::UnmappedStage>,
    /// The reporting currency of every amount (deals in other currencies converted at the
    /// rate of their close month).
    #[schema(value_type = String, example = "EUR")]
    pub currency: Currency,
}

/// The pipeline report. With the catalog, each owner's quota for the period comes from the
/// fiscal year's approved plan (see [`crate::plan::pipeline_quotas`]), and coverage with it.
pub async fn pipeline(ctx: &Context<'_>, scope: Scope, req: &ReportRequest) -> Result<Pipeline, AppError> {
    pipeline_against(ctx, scope, req, ctx.catalog_if_any().await?).await
}

/// What remains of a deal KPI's year, and the open pipeline that covers it.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct RestOfYear {
    /// The deal KPI whose target remains (its deal kinds are the deals counted).
    pub kpi: String,
    /// The year's whole target, in minor units.
    pub annual_target: i64,
    /// Won so far this year, in minor units.
    pub done: i64,
    /// Open deals of the KPI's kinds expected to close after today and by the year's end.
    pub open_minor: i64,
    /// The open pipeline over the target still to reach ([`coverage`]).
    pub coverage: Coverage,
}

/// Pipeline coverage of what remains of a deal KPI's year (PRODUCT.md C4, C7): the open deals of
/// the KPI's kinds closing after `as_of` and by `year_end`, of the company (`team` none) or of a
/// team with the teams below it, over the annual target less what is won. `None` on the year's
/// last day or after it: nothing is left to close. The review and the dashboards read it alike.
pub async fn rest_of_year(
    ctx: &Context<'_>,
    team: Option<TeamId>,
    kpi: &pacer_core::catalog::Kpi,
    annual_target: i64,
    done: i64,
    year_end: NaiveDate,
) -> Result<Option<RestOfYear>, AppError> {
    let as_of = ctx.today;
    let Some(from) = as_of.succ_opt().filter(|d| *d <= year_end) else { return Ok(None) };
    let (by, owner) = match team {
        Some(t) => (Grouping::Team, Owner::Team(t)),
        None => (Grouping::Company, Owner::Company),
    };
    let req = ReportRequest {
        by: Some(by),
        from: Some(from),
        to: Some(year_end),
        team,
        deal_kinds: kpi.definition.deal_kinds.clone(),
        ..ReportRequest::default()
    };
    let p = pipeline_against(ctx, Scope::default(), &req, None).await?;
    let open_minor = p.rows.iter().find(|r| r.owner == owner).map_or(0, |r| r.summary.open_minor);
    Ok(Some(RestOfYear {
        kpi: kpi.key().to_string(),
        annual_target,
        done,
        open_minor,
        coverage: coverage(open_minor, annual_target, done),
    }))
}

/// The pipeline, with quotas from the catalog's KPIs when it is given.
async fn pipeline_against(
    ctx: &Context<'_>,
    scope: Scope,
    req: &ReportRequest,
    catalog: Option<&Catalog>,
) -> Result<Pipeline, AppError> {
    let (store, org, today) = (ctx.store, &ctx.org, ctx.today);
    let by = req.by.unwrap_or(Grouping::Team);
    let req = ReportRequest { per: Some(PeriodKind::Year), ..req.clone() };
    let periods = columns(org, &req, today)?;
    let whole = periods.last().ok_or_else(|| bad("no period"))?;
    let view = org_view(store, ctx.caches, today).await?;
    let scope = narrow_scope(&view, scope, &req)?;
    let deals = store.deals_between(whole.start, whole.end).await?;
    let wanted: Vec<&pacer_core::records::DealRecord> = deals
        .iter()
        .filter(|d| d.status != DealStatus::Lost)
        .filter(|d| scope.deal_kinds.as_ref().is_none_or(|k| k.contains(&d.kind)))
        .collect();
    // An open deal without a close date counts for its rep's team of today (of the window's
    // nearest day when today is outside it).
    let undated_day = today.clamp(whole.start, whole.end);
    let (owners, grouped) = group_records(&view, by, &scope, (whole.start, whole.end), &wanted, |d| {
        (d.rep_id, d.close_date.unwrap_or(undated_day))
    });
    let quotas = match catalog {
        Some(_) => crate::plan::pipeline_quotas(ctx, whole.start, whole.end).await?,
        None => None,
    };
    // Coverage compares like with like: the deals of the kinds the quota's KPI counts.
    let quota_kinds: Vec<DealKind> = quotas
        .as_ref()
        .and_then(|(key, _)| catalog?.kpi(key))
        .map(|k| k.definition.deal_kinds.clone())
        .unwrap_or_default();
    let window = whole.start..=whole.end;
    let stages = &org.pipeline_stages;
    let too_large = |e: pacer_core::pipeline::PipelineTooLarge| AppError::internal(e);
    let mut rows = Vec::with_capacity(owners.len());
    for ((owner, name), deals) in owners.into_iter().zip(grouped) {
        let summary = summarize(deals.iter().copied(), stages, window.clone()).map_err(too_large)?;
        let quota_minor = quotas.as_ref().and_then(|(_, q)| quota_of(&view, q, owner));
        // Summed again only when the quota counts some kinds of deal, not all.
        let (open, won) = if quota_kinds.is_empty() {
            (summary.open_minor, summary.won_minor)
        } else {
            let counted = deals.iter().copied().filter(|d| quota_kinds.contains(&d.kind));
            let basis = summarize(counted, stages, window.clone()).map_err(too_large)?;
            (basis.open_minor, basis.won_minor)
        };
        let coverage = coverage(open, quota_minor.unwrap_or(0), won);
        rows.push(PipelineRow { owner, name, summary, quota_minor, coverage });
    }
    // A deal shows in its rep's row and in each team above: count it once.
    let mut seen = HashSet::new();
    let unknown = rows.iter().flat_map(|r| &r.summary.unknown_stages).filter(|u| seen.insert(u.deal_id));
    let unmapped = unmapped_stages(unknown.map(|u| (u.stage.as_str(), u.amount_minor)));
    Ok(Pipeline {
        period: column(whole, req.from.zip(req.to)),
        quota_kpi: quotas.map(|(k, _)| k),
        rows,
        unmapped,
        currency: org.currency,
    })
}

/// An owner's quota: its own target, or for a team without one, the sum of its sub-teams'
/// (a plan may set targets on the teams below a region only).
fn quota_of(view: &OrgView, quotas: &HashMap<Owner, i64>, owner: Owner) -> Option<i64> {
    if let Some(q) = quotas.get(&owner) {
        return Some(*q);
    }
    let Owner::Team(team) = owner else { return None };
    let children = view.teams.iter().filter(|t| t.parent_id == Some(team));
    children.filter_map(|t| quota_of(view, quotas, Owner::Team(t.id))).reduce(|a, b| a.saturating_add(b))
}

/// A value as a table cell: plain numbers (money in major units of `currency`, with its
/// exponent; rates in percent) so that CSV and workbooks can compute with them; empty when
/// there is no figure.
pub fn cell_text(value: &KpiValue, currency: Currency) -> String {
    match value {
        KpiValue::Count(n) => n.to_string(),
        KpiValue::Money(minor) => pacer_core::money::plain_amount(*minor, currency),
        KpiValue::Number(x) => format!("{x:.1}"),
        KpiValue::Rate(x) => format!("{:.1}", x * 100.0),
        KpiValue::NoFigure(_) => String::new(),
    }
}

/// What a table's header adds to the label of a column of `unit`: ` (%)` for percentages,
/// ` (EUR)` for money in the reporting currency (the one way money columns name their currency).
pub fn unit_suffix(unit: &str, currency: Currency) -> String {
    match unit {
        "percent" => " (%)".into(),
        "currency" => format!(" ({currency})"),
        _ => String::new(),
    }
}

/// The report as a table: one row per owner, one column per period.
pub fn report_sheet(report: &Report) -> crate::export::Sheet {
    let unit = unit_suffix(&report.unit, report.currency);
    let mut headers = vec![match report.by {
        Grouping::Rep => "Rep".to_string(),
        Grouping::Team => "Team".to_string(),
        Grouping::Company => "Company".to_string(),
    }];
    headers.extend(report.columns.iter().map(|c| format!("{}{unit}", c.label)));
    crate::export::Sheet {
        name: report.name.clone(),
        headers,
        rows: report
            .rows
            .iter()
            .map(|r| {
                std::iter::once(r.name.clone()).chain(r.values.iter().map(|v| cell_text(v, report.currency))).collect()
            })
            .collect(),
    }
}

/// The periods a report covers: the sub-periods of kind `by` within a named
/// period (or a fiscal year), followed by that whole period. Unknown names
/// and kinds are 400s that list what is allowed.
pub fn report_periods(
    org: &Organisation,
    fy: Option<i32>,
    period: Option<&str>,
    by: Option<PeriodKind>,
    today: NaiveDate,
) -> Result<Vec<FiscalPeriod>, AppError> {
    let bad = |e: pacer_core::fiscal_calendar::CalendarError| AppError::BadRequest(e.to_string());
    let whole = match (fy, period) {
        (Some(_), Some(_)) => return Err(AppError::BadRequest("give a fiscal year or a period, not both".into())),
        (_, Some(name)) => org.calendar.parse_period(name).map_err(bad)?,
        (fy, None) => org.calendar.year(fy.unwrap_or_else(|| org.fiscal_year_of(today))).map_err(bad)?,
    };
    let by = by.unwrap_or(PeriodKind::Month);
    let rank = |k: PeriodKind| PeriodKind::ALL.iter().position(|x| *x == k).unwrap_or(0);
    let mut out: Vec<FiscalPeriod> = if rank(by) < rank(whole.kind) {
        org.calendar
            .periods(whole.fiscal_year, by)
            .map_err(bad)?
            .into_iter()
            .filter(|p| p.start >= whole.start && p.end <= whole.end)
            .collect()
    } else {
        Vec::new()
    };
    out.push(whole);
    Ok(out)
}
