//! Report, leaderboard and pipeline pages: the same figures as the API,
//! within the viewer's scope, with a chart, sortable columns and downloads.

use super::filters::{Choices, Chosen, Picker, filter_form};
use super::layout::{self, Frame};
use super::{PageQuery, PageResult};
use crate::AppState;
use crate::api::report::{ReportQuery, leaderboard, pipeline, report};
use crate::auth::Caller;
use crate::charts;
use axum::extract::{Extension, State};
use maud::{Markup, html};
use pacer_app::report::{cell_text, display};
use pacer_core::kpi::KpiValue;
use pacer_core::money::format_amount;
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
        let body = html! { h1 { "Reports" } p { "No metric catalog has been applied yet: define the KPIs first." } };
        return Ok(layout::page(&frame, "Reports", body));
    };
    let report = report(&state, &caller, &kpi, &q.report_query()).await?;
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
    // The chart: the first row's (or the company's) values per sub-period.
    let periods = report.columns.len().saturating_sub(1);
    let chart_row = report.rows.iter().find(|r| r.name == "Company").or(report.rows.first());
    let bars: Vec<(String, Option<f64>)> = chart_row
        .map(|r| {
            report.columns[..periods]
                .iter()
                .zip(&r.values)
                .map(|(c, v)| {
                    (
                        c.label.clone(),
                        v.as_f64().map(|x| {
                            if report.unit == "currency" { x / report.currency.minor_per_major() as f64 } else { x }
                        }),
                    )
                })
                .collect()
        })
        .unwrap_or_default();
    let api = format!("/api/v1/reports/{kpi}?{}&format=", FiguresQuery { kpi: None, ..q.clone() }.params());
    // A rep's report has rows per rep only (the server refuses the others): no choice to offer.
    let pickers: &[Picker] = if frame.context(&state).scope()?.reps.is_some() {
        &[Picker::Kpi, Picker::Columns, Picker::Period, Picker::Team]
    } else {
        &[Picker::Kpi, Picker::Rows, Picker::Columns, Picker::Period, Picker::Team]
    };
    let body = html! {
        h1 { "Reports: " (report.name) }
        (filter_form(&frame, "/reports", pickers, &q.chosen(), &choices))
        p.muted {
            "Rows per " (report.by) "; the last column is the whole span, computed from its sums. "
            "Computed from " (report.computed_from) ". "
            @if report.unit == "currency" { "Amounts in " (report.currency) ", deals in other currencies converted at the rate of their close month. " }
            "Download: " a href=(format!("{api}csv")) { "CSV" } " · " a href=(format!("{api}xlsx")) { "XLSX" } " · " a href=(format!("{api}json")) { "JSON" }
        }
        @for (note, period) in &exceptions { div.notice { "Exception (" (period) " review): " (note.text) " — " (note.author) } }
        @if let Some(r) = chart_row {
            (charts::bars_with_goal(&format!("{}: {}", report.name, r.name), None, &bars, None, &|x| if report.unit == "percent" { format!("{:.0}%", x * 100.0) } else { format!("{x:.0}") }))
        }
        div.scroll { table {
            thead { tr {
                th { a href=(link(0)) { "Name" } }
                @for (i, c) in report.columns.iter().enumerate() { th.num title=(c.name) {
                    a href=(link(i + 1)) { (c.label) }
                    @if let Some(note) = &c.coverage { br; small.muted.partial { (note) } }
                } }
            } }
            tbody {
                @for r in &rows { tr {
                    td { (r.name) }
                    @for v in &r.values { td.num title=(cell_text(v, report.currency)) { (display(v, report.currency)) } }
                } }
            }
        } }
    };
    Ok(layout::page(&frame, "Reports", body))
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
        let body = html! { h1 { "Leaderboard" } p { "No metric catalog has been applied yet." } };
        return Ok(layout::page(&frame, "Leaderboard", body));
    };
    let board = leaderboard(&state, &caller, &kpi, &q.report_query()).await?;
    let body = html! {
        h1 { "Leaderboard: " (board.name) }
        (filter_form(&frame, "/leaderboard", &[Picker::Kpi, Picker::Period, Picker::Team], &q.chosen(), &choices))
        p.muted { (board.period.label) " · equal values share a rank, and the next rank skips." }
        @if let Some(me) = &board.me {
            div.notice { "You are " @if let Some(r) = me.rank { "number " (r) } @else { "unranked" } " with " (frame.value(&me.value)) "." }
        }
        div.scroll { table {
            thead { tr { th.num { "Rank" } th { "Rep" } th.num { (board.name) } } }
            tbody { @for l in &board.lines { tr {
                td.num { @if let Some(r) = l.rank { (r) } @else { "—" } }
                td { (l.name) }
                td.num { (frame.value(&l.value)) }
            } } }
        } }
    };
    Ok(layout::page(&frame, "Leaderboard", body))
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
    let money = |m: i64| format_amount(m, p.currency);
    let body = html! {
        h1 { "Pipeline: " (p.period.label) }
        (filter_form(&frame, "/pipeline", &[Picker::Rows, Picker::Period, Picker::Team], &Chosen { by: query.by.as_deref(), ..q.chosen() }, &choices))
        p.muted { "Deals expected to close in the period (open) and closed won in it. Open deals without a close date are "
                  "in Open and Weighted and under No close date, in no forecast category. Weighted = amount × stage probability. "
                  "Coverage = open pipeline / quota still to reach (3× is the usual comfort level). "
                  "Amounts in " (p.currency) ", deals in other currencies converted at the rate of their close month." }
        div.scroll { table {
            thead { tr {
                th { "Name" } th.num { "Open deals" } th.num { "Open" } th.num { "Weighted" }
                th.num { "Pipeline" } th.num { "Best case" } th.num { "Commit" } th.num { "No close date" } th.num { "Closed won" } th.num { "Coverage" }
            } }
            tbody { @for r in &p.rows {
                @let cat = |c| r.summary.category(c).amount_minor;
                tr {
                    td { (r.name) }
                    td.num { (r.summary.open_count) }
                    td.num { (money(r.summary.open_minor)) }
                    td.num { (money(r.summary.weighted_minor)) }
                    td.num { (money(cat(pacer_core::pipeline::ForecastCategory::Pipeline))) }
                    td.num { (money(cat(pacer_core::pipeline::ForecastCategory::BestCase))) }
                    td.num { (money(cat(pacer_core::pipeline::ForecastCategory::Commit))) }
                    td.num { (money(r.summary.no_close_date.amount_minor)) }
                    td.num { (money(r.summary.won_minor)) }
                    td.num { @match r.coverage.ratio() { Some(x) => { (format!("{x:.1}×")) }, None => span.muted { "no quota" } } }
                }
            } }
        } }
        (super::stages::pipeline_notice(&frame, &p.unmapped))
    };
    Ok(layout::page(&frame, "Pipeline", body))
}
