//! Report, leaderboard and pipeline pages: the same figures as the API,
//! within the viewer's scope, with a chart, sortable columns and downloads.

use super::dashboard::times;
use super::filters::{Choices, Chosen, Picker, filter_form, period_label};
use super::layout::{self, Frame};
use super::{PageQuery, PageResult};
use crate::AppState;
use crate::api::report::{ReportQuery, leaderboard, pipeline, report};
use crate::auth::Caller;
use crate::charts::{self, Chart, Goal, Label, Mark, Series, Unit};
use axum::extract::{Extension, State};
use chrono::NaiveDate;
use maud::{Markup, html};
use pacer_app::report::{Column, Report, cell_text};
use pacer_core::kpi::KpiValue;
use pacer_core::org::{Team, subtree};
use pacer_core::report::{Grouping, Owner, ReportRow, Scope};
use pacer_i18n::tr;
use serde::Deserialize;

/// The page's query: the report's, the KPI and the sort.
#[derive(Deserialize, Default, Clone)]
pub struct FiguresQuery {
    kpi: Option<String>,
    by: Option<String>,
    per: Option<String>,
    fy: Option<i32>,
    period: Option<String>,
    team: Option<i64>,
    deal_kind: Option<String>,
    /// Column to sort by: 0 the name, 1.. the periods.
    sort: Option<usize>,
    /// Sort descending.
    desc: Option<bool>,
}

impl FiguresQuery {
    /// What the filter form shows as chosen.
    fn chosen(&self) -> Chosen<'_> {
        Chosen {
            kpi: self.kpi.as_deref(),
            by: self.by.as_deref(),
            per: self.per.as_deref(),
            fy: self.fy,
            period: self.period.as_deref(),
            team: self.team,
        }
    }

    fn report_query(&self) -> ReportQuery {
        ReportQuery {
            by: self.by.clone(),
            per: self.per.clone(),
            fy: self.fy,
            period: self.period.clone(),
            team: self.team,
            deal_kind: self.deal_kind.clone(),
            ..ReportQuery::default()
        }
    }

    /// The query string of the page for these settings, without the sort.
    fn params(&self) -> String {
        let pairs: Vec<(&str, String)> = [
            ("kpi", self.kpi.clone()),
            ("by", self.by.clone()),
            ("per", self.per.clone()),
            ("fy", self.fy.map(|y| y.to_string())),
            ("period", self.period.clone()),
            ("team", self.team.map(|t| t.to_string())),
            ("deal_kind", self.deal_kind.clone()),
        ]
        .into_iter()
        .filter_map(|(k, v)| v.filter(|v| !v.is_empty()).map(|v| (k, v)))
        .collect();
        serde_urlencoded::to_string(pairs).unwrap_or_default()
    }
}

fn sort_value(v: &KpiValue) -> f64 {
    v.as_f64().unwrap_or(f64::NEG_INFINITY)
}

/// The report page: a KPI by rep, team or company per period.
pub async fn reports(
    State(state): State<AppState>,
    Extension(caller): Extension<Caller>,
    PageQuery(mut q): PageQuery<FiguresQuery>,
) -> PageResult<Markup> {
    let frame = Frame::of(&state, &caller).await?;
    let choices = Choices::of(&state, &frame).await?;
    if q.kpi.is_none() {
        q.kpi = choices.first_kpi();
    }
    let Some(kpi) = q.kpi.clone() else {
        let body = html! { h1 { (frame.t("nav-reports")) } p { (frame.t("reports-no-catalog")) } };
        return Ok(layout::page(&frame, &frame.t("nav-reports"), body));
    };
    let report = report(&state, &caller, &frame.context(&state), &kpi, &q.report_query()).await?;
    // Exceptions noted in quarterly reviews show wherever the KPI's figures do.
    let exceptions = state.store.notes_about(&pacer_core::review::NoteSubject::Kpi(kpi.clone())).await?;
    let mut rows = report.rows.clone();
    let sort = q.sort.unwrap_or(0);
    if sort == 0 {
        rows.sort_by(|a, b| a.name.cmp(&b.name));
    } else {
        rows.sort_by(|a, b| sort_value(&a.values[sort - 1]).total_cmp(&sort_value(&b.values[sort - 1])));
    }
    if q.desc.unwrap_or(false) {
        rows.reverse();
    }
    let params = q.params();
    let link = |col: usize| {
        let desc = q.sort == Some(col) && !q.desc.unwrap_or(false);
        format!("/reports?{params}&sort={col}&desc={desc}")
    };
    let chart = report_chart(&state, &frame, &report, q.team).await?;
    let api = format!("/api/v1/reports/{kpi}?{}&format=", FiguresQuery { kpi: None, ..q.clone() }.params());
    // A rep's report has rows per rep only (the server refuses the others): no choice to offer.
    let pickers: &[Picker] = if frame.context(&state).scope()?.reps.is_some() {
        &[Picker::Kpi, Picker::Columns, Picker::Period, Picker::Team]
    } else {
        &[Picker::Kpi, Picker::Rows, Picker::Columns, Picker::Period, Picker::Team]
    };
    let rows_per = match report.by {
        Grouping::Rep => "reports-rows-per-rep",
        Grouping::Team => "reports-rows-per-team",
        Grouping::Company => "reports-rows-per-company",
    };
    let body = html! {
        h1 { (tr!(frame.locale, "reports-title", kpi = &report.name)) }
        (filter_form(&frame, "/reports", pickers, &q.chosen(), &choices))
        p.muted {
            (frame.t(rows_per)) " "
            (frame.t(if report.computed_from == "rollups" { "reports-computed-from-rollups" } else { "reports-computed-from-raw" })) " "
            @if report.unit == "currency" { (tr!(frame.locale, "reports-amounts-in", currency = report.currency.to_string())) " " }
            (frame.t("reports-download")) " " a href=(format!("{api}csv")) { "CSV" } " · " a href=(format!("{api}xlsx")) { "XLSX" } " · " a href=(format!("{api}json")) { "JSON" }
        }
        @for (note, period) in &exceptions { div.notice { (tr!(frame.locale, "reports-exception", period = period_label(&frame, period, period))) " " (note.text) " — " (note.author) } }
        (chart)
        div.scroll { table {
            thead { tr {
                th { a href=(link(0)) { (frame.t("reports-name")) } }
                @for (i, c) in report.columns.iter().enumerate() { th.num title=(c.name) {
                    a href=(link(i + 1)) { (period_label(&frame, &c.name, &c.label)) }
                    @if let Some(note) = &c.coverage { br; small.muted.partial { (note) } }
                } }
            } }
            tbody {
                @for r in &rows { tr {
                    td { (r.name) }
                    @for v in &r.values { td.num title=(cell_text(v, report.currency)) { (frame.locale.value(v, report.currency)) } }
                } }
            }
        } }
    };
    Ok(layout::page(&frame, &frame.t("nav-reports"), body))
}

/// How many rows the report's chart names; the others are summed as one series, or left out.
const CHART_ROWS: usize = 5;

/// The report's chart per sub-period: the rows with the largest totals over the span, stacked
/// where they add up to the scope's total, with the approved plan's target for the scope the
/// page shows stepping with its phasing ([`chart_series`], [`shown_scope`]).
async fn report_chart(state: &AppState, frame: &Frame, report: &Report, team: Option<i64>) -> PageResult<Markup> {
    let ctx = frame.context(state);
    // The sub-periods: the last column is the whole span.
    let periods = match report.columns.len() {
        0 | 1 => &report.columns[..],
        n => &report.columns[..n - 1],
    };
    let adds_up = ctx.catalog_if_any().await?.and_then(|c| c.kpi(&report.kpi)).is_some_and(|k| k.adds_up());
    let view = pacer_app::cache::org_view(ctx.store, ctx.caches, ctx.today).await?;
    // A team's row holds its sub-teams': a team and a team under it are never added up.
    let nested = report.rows.iter().any(|a| {
        let Owner::Team(a) = a.owner else { return false };
        report.rows.iter().any(|b| matches!(b.owner, Owner::Team(b) if b != a && subtree(&view.teams, b).contains(&a)))
    });
    let stacked = adds_up && !nested;
    let (series, named, note) = chart_series(frame, report, periods, stacked, adds_up, ctx.today);
    // The target is drawn where a figure to hold it against is: the scope's total (stacked, or
    // the company row, which is the scope's), or its owner's own line.
    let shown = shown_scope(team, &ctx.scope()?, &view.teams);
    let owner = shown.filter(|o| stacked || report.by == Grouping::Company || named.contains(o));
    let targets = match owner {
        Some(o) => pacer_app::plan::column_targets(&ctx, &report.kpi, periods).await?.remove(&o),
        None => None,
    };
    let goal = targets.filter(|t| t.iter().any(Option::is_some)).map(|t| Goal {
        name: frame.t("chart-target-approved"),
        values: t.into_iter().map(|v| v.map(|v| v as f64)).collect(),
    });
    // The title says whose figures they are, unless the company's.
    let whose = match shown {
        Some(Owner::Team(t)) => view.teams.iter().find(|x| x.id == t).map(|x| format!(", {}", x.name)),
        Some(Owner::Rep(r)) => view.reps.iter().find(|x| x.id == r).map(|x| format!(", {}", x.name)),
        _ => None,
    };
    let span = report.columns.last().map_or(String::new(), |c| format!(", {}", period_label(frame, &c.name, &c.label)));
    Ok(charts::chart(&Chart {
        title: &format!("{}{}{span}", report.name, whose.unwrap_or_default()),
        note: note.as_deref(),
        unit: Unit::of_kpi(&report.unit, report.currency).in_locale(frame.locale),
        columns: &periods.iter().map(|c| Label::period(&period_label(frame, &c.name, &c.label))).collect::<Vec<_>>(),
        series: &series,
        mark: if stacked || series.len() == 1 { Mark::Bars } else { Mark::Lines },
        goal: goal.as_ref(),
    }))
}

/// The report's rows as chart series over `periods`, the largest totals over the span first
/// (all of them when few); the others summed as "Others" when `stacked`, else left out (rates,
/// averages, teams that hold their sub-teams). Returns the series, the owners named and a note
/// saying which rows are drawn.
fn chart_series(
    frame: &Frame,
    report: &Report,
    periods: &[Column],
    stacked: bool,
    adds_up: bool,
    today: NaiveDate,
) -> (Vec<Series>, Vec<Owner>, Option<String>) {
    let total = |r: &ReportRow| r.values.last().and_then(KpiValue::as_f64).unwrap_or(f64::NEG_INFINITY);
    let mut rows: Vec<&ReportRow> = report.rows.iter().collect();
    rows.sort_by(|a, b| total(b).total_cmp(&total(a)).then_with(|| a.name.cmp(&b.name)));
    // One more row than named is drawn itself rather than as "Others" of one.
    let named = if rows.len() <= CHART_ROWS + 1 { rows.len() } else { CHART_ROWS };
    // A period not begun has no figure yet, not a zero (its target still shows).
    let figures = |r: &ReportRow| -> Vec<Option<f64>> {
        periods.iter().zip(&r.values).map(|(c, v)| v.as_f64().filter(|_| c.start <= today)).collect()
    };
    let (top, rest) = rows.split_at(named);
    let mut series: Vec<Series> = top.iter().map(|r| Series::new(&r.name, figures(r))).collect();
    let kind = frame.t(if report.by == Grouping::Team { "reports-kind-teams" } else { "reports-kind-reps" });
    let (count, all, others) = (frame.locale.count(named as i64), frame.locale.count(rows.len() as i64), rest.len());
    let note = if rest.is_empty() {
        None
    } else if stacked {
        let rest_figures: Vec<Vec<Option<f64>>> = rest.iter().map(|r| figures(r)).collect();
        let summed =
            (0..periods.len()).map(|j| rest_figures.iter().filter_map(|f| f[j]).reduce(|a, b| a + b)).collect();
        let name = tr!(frame.locale, "chart-others", count = frame.locale.count(others as i64), kind = kind.as_str());
        series.push(Series { rest: true, ..Series::new(name, summed) });
        Some(tr!(
            frame.locale,
            "reports-chart-top-others",
            named = count,
            all = all,
            kind = kind.as_str(),
            others = frame.locale.count(others as i64)
        ))
    } else {
        let why = frame.t(if adds_up { "reports-chart-nested" } else { "reports-chart-no-sum" });
        Some(tr!(frame.locale, "reports-chart-top-left-out", named = count, all = all, kind = kind.as_str(), why = why))
    };
    (series, top.iter().map(|r| r.owner).collect(), note)
}

/// Whose figures the page shows as a whole: the team picked, else the caller's own (a rep
/// themselves, a manager their one team and those below), else the company; `None` for a
/// manager of several separate teams.
fn shown_scope(team: Option<i64>, scope: &Scope, teams: &[Team]) -> Option<Owner> {
    match (team, &scope.reps, &scope.teams) {
        (Some(t), _, _) => Some(Owner::Team(t)),
        (None, Some(reps), _) if reps.len() == 1 => reps.iter().next().map(|r| Owner::Rep(*r)),
        (None, Some(_), _) => None,
        (None, None, Some(seen)) => {
            let mut roots =
                teams.iter().filter(|t| seen.contains(&t.id) && !t.parent_id.is_some_and(|p| seen.contains(&p)));
            match (roots.next(), roots.next()) {
                (Some(root), None) => Some(Owner::Team(root.id)),
                _ => None,
            }
        }
        (None, None, None) => Some(Owner::Company),
    }
}

/// The leaderboard page: reps ranked on a KPI, ties sharing a rank.
pub async fn leaderboard_page(
    State(state): State<AppState>,
    Extension(caller): Extension<Caller>,
    PageQuery(mut q): PageQuery<FiguresQuery>,
) -> PageResult<Markup> {
    let frame = Frame::of(&state, &caller).await?;
    let choices = Choices::of(&state, &frame).await?;
    if q.kpi.is_none() {
        q.kpi = choices.first_kpi();
    }
    let Some(kpi) = q.kpi.clone() else {
        let body = html! { h1 { (frame.t("nav-leaderboard")) } p { (frame.t("reports-no-catalog-short")) } };
        return Ok(layout::page(&frame, &frame.t("nav-leaderboard"), body));
    };
    let board = leaderboard(&state, &caller, &kpi, &q.report_query()).await?;
    let body = html! {
        h1 { (tr!(frame.locale, "reports-leaderboard-title", kpi = &board.name)) }
        (filter_form(&frame, "/leaderboard", &[Picker::Kpi, Picker::Period, Picker::Team], &q.chosen(), &choices))
        p.muted { (period_label(&frame, &board.period.name, &board.period.label)) " · " (frame.t("reports-leaderboard-ties")) }
        @if let Some(me) = &board.me {
            div.notice { @match me.rank {
                Some(r) => (tr!(frame.locale, "reports-leaderboard-you-ranked", rank = r.to_string(), value = frame.value(&me.value))),
                None => (tr!(frame.locale, "reports-leaderboard-you-unranked", value = frame.value(&me.value))),
            } }
        }
        div.scroll { table {
            thead { tr { th.num { (frame.t("reports-leaderboard-rank")) } th { (frame.t("dashboard-rep")) } th.num { (board.name) } } }
            tbody { @for l in &board.lines { tr {
                td.num { @if let Some(r) = l.rank { (r) } @else { "—" } }
                td { (l.name) }
                td.num { (frame.value(&l.value)) }
            } } }
        } }
    };
    Ok(layout::page(&frame, &frame.t("nav-leaderboard"), body))
}

/// The pipeline page: open deals by forecast category, weighted, and coverage.
pub async fn pipeline_page(
    State(state): State<AppState>,
    Extension(caller): Extension<Caller>,
    PageQuery(q): PageQuery<FiguresQuery>,
) -> PageResult<Markup> {
    let frame = Frame::of(&state, &caller).await?;
    let choices = Choices::of(&state, &frame).await?;
    let mut query = q.report_query();
    query.by = query.by.or(Some("team".into()));
    let p = pipeline(&state, &caller, &query).await?;
    let money = |m: i64| frame.locale.money(m, p.currency);
    let body = html! {
        h1 { (tr!(frame.locale, "reports-pipeline-title", period = period_label(&frame, &p.period.name, &p.period.label))) }
        (filter_form(&frame, "/pipeline", &[Picker::Rows, Picker::Period, Picker::Team], &Chosen { by: query.by.as_deref(), ..q.chosen() }, &choices))
        p.muted { (frame.t("reports-pipeline-help")) " " (tr!(frame.locale, "reports-amounts-in", currency = p.currency.to_string())) }
        div.scroll { table {
            thead { tr {
                th { (frame.t("reports-name")) } th.num { (frame.t("reports-pipeline-open-deals")) } th.num { (frame.t("reports-pipeline-open")) } th.num { (frame.t("reports-pipeline-weighted")) }
                th.num { (frame.t("reports-pipeline-pipeline")) } th.num { (frame.t("reports-pipeline-best-case")) } th.num { (frame.t("reports-pipeline-commit")) } th.num { (frame.t("reports-pipeline-no-close-date")) } th.num { (frame.t("reports-pipeline-closed-won")) } th.num { (frame.t("reports-pipeline-coverage")) }
            } }
            tbody { @for r in &p.rows {
                @let cat = |c| r.summary.category(c).amount_minor;
                tr {
                    td { (r.name) }
                    td.num { (frame.locale.count(r.summary.open_count as i64)) }
                    td.num { (money(r.summary.open_minor)) }
                    td.num { (money(r.summary.weighted_minor)) }
                    td.num { (money(cat(pacer_core::pipeline::ForecastCategory::Pipeline))) }
                    td.num { (money(cat(pacer_core::pipeline::ForecastCategory::BestCase))) }
                    td.num { (money(cat(pacer_core::pipeline::ForecastCategory::Commit))) }
                    td.num { (money(r.summary.no_close_date.amount_minor)) }
                    td.num { (money(r.summary.won_minor)) }
                    td.num { @match r.coverage.ratio() { Some(x) => { (times(&frame, x)) }, None => span.muted { (frame.t("reports-pipeline-no-quota")) } } }
                }
            } }
        } }
        (super::stages::pipeline_notice(&frame, &p.unmapped))
    };
    Ok(layout::page(&frame, &frame.t("nav-pipeline"), body))
}
