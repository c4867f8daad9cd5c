//! The dashboards' pages: a team's (a manager's home page, `/dashboard?team=ID`), with its KPIs
//! against plan and their charts, its reps side by side, pipeline coverage, churn and data gaps;
//! each table downloads as CSV, the whole as XLSX.

use super::layout::{self, Frame};
use super::review::{amount, pct};
use super::scorecard::year_chart;
use super::{PageQuery, PageResult};
use crate::AppState;
use crate::api::dashboard::{DashboardQuery, team_dashboard};
use crate::auth::Caller;
use crate::charts::{self, Kind, Unit};
use axum::extract::{Extension, State};
use maud::{Markup, html};
use pacer_app::dashboard::{RepStatus, TeamDashboard};
use pacer_app::plan::AttainmentCell;
use pacer_app::review::DataGap;
use pacer_core::attainment::Pace;

/// `/dashboard?team=ID`: a team's dashboard (a manager's own team without `team`).
pub async fn page(
    State(state): State<AppState>,
    Extension(caller): Extension<Caller>,
    PageQuery(q): PageQuery<DashboardQuery>,
) -> PageResult<Markup> {
    let frame = Frame::of(&state, &caller).await?;
    let board = team_dashboard(&state, &caller, q.team).await?;
    let body = html! {
        h1 { "Team dashboard: " (board.name) }
        (team_view(&frame, &board))
    };
    Ok(layout::page(&frame, &format!("Team dashboard: {}", board.name), body))
}

/// Where a table of the team's dashboard downloads from, as CSV, or the whole as XLSX (`table` none).
fn download(board: &TeamDashboard, table: Option<&str>) -> String {
    match table {
        Some(t) => format!("/api/v1/dashboard?team={}&format=csv&table={t}", board.team_id),
        None => format!("/api/v1/dashboard?team={}&format=xlsx", board.team_id),
    }
}

/// A section's heading with the link to its table as CSV.
fn heading(title: &str, csv: &str) -> Markup {
    html! { h2 { (title) " " small { a href=(csv) { "CSV" } } } }
}

/// The team's dashboard under its title: for this page and a manager's home page.
pub fn team_view(frame: &Frame, board: &TeamDashboard) -> Markup {
    let plan = board.plan.as_ref().map(|p| p.name.as_str()).unwrap_or_default();
    html! {
        p.muted {
            "FY" (board.fiscal_year) " to " (board.as_of) " · " (board.quarter.label) " in progress"
            @if let Some(plan) = &board.plan { " · against " a href=(format!("/plans/{}", plan.id)) { (plan.name) " v" (plan.version) } }
            " · download " a href=(download(board, None)) { "XLSX" }
        }
        @if let Some(note) = &board.note { div.notice { (note) } }
        (heading("KPIs against plan", &download(board, Some("kpis"))))
        @if board.kpis.is_empty() { p.muted { "No KPI of the plan has a target for the team or its reps yet." } } @else {
            div.scroll { table {
                thead { tr { th { "KPI" } th.num { "Quarter: target to date" } th.num { "actual" } th.num { "credited" }
                    th.num { "Year: target to date" } th.num { "actual" } th.num { "credited" } th { "Pace" } } }
                tbody { @for k in &board.kpis { tr {
                    td { (k.name) @if let Some(c) = &k.coverage { br; small.muted { (c) } } }
                    (cells(frame, &k.unit, k.quarter.as_ref()))
                    (cells(frame, &k.unit, k.year.as_ref()))
                    td { @if k.year.is_some() { (pace_badge(k.pace)) } @else { span.muted { "reps' targets only" } } }
                } } }
            } }
            div.scorecard { @for k in board.kpis.iter().filter(|k| !k.months.is_empty()) {
                div.card.kpi-score { (year_chart(frame, &k.unit, &k.months, plan)) }
            } }
        }
        (heading("Reps side by side", &download(board, Some("reps"))))
        @if board.reps.is_empty() { p.muted { "The team has no active seller." } } @else {
            p.muted { "Credited attainment of the year to date against the target to date. Ahead: more than the tolerance past it; on pace: within the tolerance; behind: short of it even with the tolerance; not logging: a manual KPI not logged in the last working days." }
            div.scroll { table {
                thead { tr { th { "Rep" } th { "Status" } @for k in &board.kpis { th.num { (k.name) } } th { "Not logged lately" } } }
                tbody { @for r in &board.reps { tr {
                    td { a href=(format!("/scorecard?rep={}", r.rep_id)) { (r.name) } }
                    td { (status_badge(r.status)) }
                    @for k in &r.kpis { td.num { (pct(k.year.as_ref().and_then(|c| c.attainment.credited))) } }
                    td { (r.missing.join(", ")) }
                } } }
            } }
        }
        (heading("Pipeline coverage of what remains", &download(board, Some("pipeline"))))
        @match &board.pipeline {
            Some(p) => p {
                "Open pipeline to the year's end " strong { (frame.money(p.open_minor)) }
                " against " strong { (frame.money((p.annual_target - p.done).max(0))) } " still to reach of the year's "
                (frame.money(p.annual_target)) " (" (frame.money(p.done)) " won): "
                @match p.coverage.ratio() { Some(r) => { strong { (format!("{r:.1}×")) } " coverage (about 3× is healthy)." }, None => "the year's target is reached." }
            },
            None => p.muted { "No deal KPI of the plan has a target for the team, or the year has ended." },
        }
        (heading("Churn against the band", &download(board, Some("churn"))))
        (churn(frame, &board.churn))
        (heading("Data gaps", &download(board, Some("data-gaps"))))
        (gaps(&board.gaps))
    }
}

/// Target to date, actual and credited attainment of a cell; dashes without one.
fn cells(frame: &Frame, unit: &str, cell: Option<&AttainmentCell>) -> Markup {
    match cell {
        Some(c) => html! {
            td.num { (amount(frame, unit, Some(c.target as f64))) }
            td.num { (frame.value(&c.actual)) }
            td.num { (pct(c.attainment.credited)) }
        },
        None => html! { td.num { "—" } td.num { "—" } td.num { "—" } },
    }
}

fn pace_badge(pace: Option<Pace>) -> Markup {
    match pace {
        Some(Pace::Ahead) => html! { span.badge.on { "ahead" } },
        Some(Pace::OnPace) => html! { span.badge { "on pace" } },
        Some(Pace::Behind) => html! { span.badge.off { "behind" } },
        None => html! { span.muted { "no target" } },
    }
}

fn status_badge(status: Option<RepStatus>) -> Markup {
    match status {
        Some(RepStatus::NotLogging) => html! { span.badge.warn { "not logging" } },
        Some(RepStatus::Ahead) => pace_badge(Some(Pace::Ahead)),
        Some(RepStatus::OnPace) => pace_badge(Some(Pace::OnPace)),
        Some(RepStatus::Behind) => pace_badge(Some(Pace::Behind)),
        None => pace_badge(None),
    }
}

/// Churn per period against the band, with the year's gauge.
pub(crate) fn churn(frame: &Frame, report: &pacer_app::churn::ChurnReport) -> Markup {
    let percent = Unit::new(Kind::Percent, frame.org.currency);
    let band = report.band;
    html! {
        @if report.periods.is_empty() { p.muted { "No recurring-revenue data for these periods." } } @else {
            div.scroll { table {
                thead { tr { th { "Period" } th.num { "Customer churn" } th.num { "Annualised" } th { "Band" } th.num { "GRR" } th.num { "NRR" } } }
                tbody { @for p in &report.periods { tr {
                    td { (p.label) @if p.to_date { " " small.muted { "to date" } } }
                    td.num { (pct(p.rates.customer_churn_rate)) } td.num { (pct(p.annualised_customer_churn)) }
                    td { (p.band.map(|b| b.to_string()).unwrap_or_else(|| "—".into())) }
                    td.num { (pct(p.rates.grr)) } td.num { (pct(p.rates.nrr)) }
                } } }
            } }
            @if let Some(last) = report.periods.last() {
                (charts::band_gauge(&format!("Annualised customer churn, {}", last.label), last.annualised_customer_churn, band.normal_up_to, band.acceptable_up_to, percent))
            }
            p.muted { "Band: up to " (pct(Some(band.normal_up_to))) " a year is normal for SaaS, up to " (pct(Some(band.acceptable_up_to))) " acceptable, above that high." }
        }
    }
}

/// The data gaps with what to do, as the review shows them.
pub(crate) fn gaps(gaps: &[DataGap]) -> Markup {
    html! {
        @if gaps.is_empty() { p.muted { "None." } } @else {
            div.scroll { table {
                thead { tr { th { "Gap" } th { "What" } th { "What to do" } } }
                tbody { @for g in gaps { tr { td { (g.kind_label()) } td { (g.message) @if !g.reps.is_empty() { br; span.muted { (g.reps.join(", ")) } } } td { (g.action) } } } }
            } }
        }
    }
}
