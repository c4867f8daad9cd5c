//! The dashboards' pages: a team's (a manager's home page, `/dashboard?team=ID`), with its KPIs
//! against plan and their charts, its reps side by side, pipeline coverage, churn and data gaps;
//! each table downloads as CSV, the whole as XLSX.

use super::catalog::{arriving, day_one};
use super::layout::{self, Frame};
use super::review::{amount, pct};
use super::scorecard::year_chart;
use super::{PageQuery, PageResult};
use crate::AppState;
use crate::api::dashboard::{DashboardQuery, dashboard};
use crate::auth::Caller;
use crate::charts::{self, Kind, Unit};
use axum::extract::{Extension, State};
use maud::{Markup, html};
use pacer_app::dashboard::{CompanyDashboard, Dashboard, RepStatus, RevenueKpi, TeamDashboard};
use pacer_app::plan::AttainmentCell;
use pacer_app::review::{DataGap, Figure};
use pacer_core::attainment::Pace;
use pacer_core::catalog::Business;

/// `/dashboard?team=ID`: a team's dashboard; without `team`, the leadership's for leaders and
/// admins, a manager's own team's (or the choice of their teams when they manage several).
pub async fn page(
    State(state): State<AppState>,
    Extension(caller): Extension<Caller>,
    PageQuery(q): PageQuery<DashboardQuery>,
) -> PageResult<Markup> {
    let frame = Frame::of(&state, &caller).await?;
    let managed = pacer_app::dashboard::managed_teams(&frame.context(&state)).await?;
    if q.team.is_none() && managed.len() > 1 {
        let body = html! { h1 { "Team dashboards" } (team_choice(&managed)) };
        return Ok(layout::page(&frame, "Team dashboards", body));
    }
    let (title, body) = match dashboard(&state, &caller, q.team).await? {
        Dashboard::Team(board) => (format!("Team dashboard: {}", board.name), team_view(&frame, &board)),
        Dashboard::Company(board) => {
            (format!("Leadership dashboard: FY{}", board.year.fiscal_year), company_view(&frame, &board))
        }
    };
    Ok(layout::page(&frame, &title, html! { h1 { (title) } (body) }))
}

/// Links to the dashboards of a manager's teams.
pub fn team_choice(teams: &[pacer_core::org::Team]) -> Markup {
    html! { p { "Dashboards: " @for (i, t) in teams.iter().enumerate() {
    @if i > 0 { " · " } a href=(format!("/dashboard?team={}", t.id)) { (t.name) } } } }
}

/// Where a table of a dashboard downloads from as CSV, or the whole as XLSX (`table` none); `team`
/// none is the leadership's.
fn download(team: Option<i64>, table: Option<&str>) -> String {
    let team = team.map(|t| format!("team={t}&")).unwrap_or_default();
    match table {
        Some(t) => format!("/api/v1/dashboard?{team}format=csv&table={t}"),
        None => format!("/api/v1/dashboard?{team}format=xlsx"),
    }
}

/// A section's heading with the link to its table as CSV.
fn heading(title: &str, csv: &str) -> Markup {
    html! { h2 { (title) " " small { a href=(csv) { "CSV" } } } }
}

/// The team's dashboard under its title: for this page and a manager's home page.
pub fn team_view(frame: &Frame, board: &TeamDashboard) -> Markup {
    let plan = board.year.plan.as_ref().map(|p| p.name.as_str()).unwrap_or_default();
    html! {
        p.muted {
            "FY" (board.year.fiscal_year) " to " (board.year.as_of) " · " (board.year.quarter.label) " in progress"
            @if let Some(plan) = &board.year.plan { " · against " a href=(format!("/plans/{}", plan.id)) { (plan.name) " v" (plan.version) } }
            " · download " a href=(download(Some(board.team_id), None)) { "XLSX" }
        }
        @if let Some(note) = &board.year.note { div.notice { (note) } }
        (heading("KPIs against plan", &download(Some(board.team_id), Some("kpis"))))
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
                div.card.kpi-score { h3 { (k.name) } (year_chart(frame, &k.unit, &k.months, plan, &frame.year_caveat(board.year.fiscal_year, board.year.as_of, k.coverage.as_deref()))) }
            } }
        }
        (heading("Reps side by side", &download(Some(board.team_id), Some("reps"))))
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
        (heading("Pipeline coverage of what remains", &download(Some(board.team_id), Some("pipeline"))))
        @match &board.pipeline {
            Some(p) => p {
                @match p.coverage.ratio() {
                    Some(r) => {
                        "Open pipeline to the year's end " strong { (frame.money(p.open_minor)) } " against "
                        strong { (frame.money(p.annual_target - p.done)) } " still to reach of the year's target of "
                        (frame.money(p.annual_target)) " (" (frame.money(p.done)) " won): " strong { (format!("{r:.1}×")) }
                        " coverage (about 3× is healthy)."
                    },
                    None => {
                        "The year's target of " (frame.money(p.annual_target)) " is reached: " strong { (frame.money(p.done)) }
                        " won, and " (frame.money(p.open_minor)) " of open pipeline to the year's end."
                    },
                }
            },
            None => p.muted { "No deal KPI of the plan has a target for the team, or the year has ended." },
        }
        (heading("Churn against the band", &download(Some(board.team_id), Some("churn"))))
        (churn(frame, &board.churn))
        (heading("Data gaps", &download(Some(board.team_id), Some("data-gaps"))))
        (gaps(&board.gaps))
    }
}

/// The leadership's dashboard under its title: for this page and the home page of leaders and admins.
pub fn company_view(frame: &Frame, board: &CompanyDashboard) -> Markup {
    let percent = Unit::new(Kind::Percent, frame.org.currency);
    let groups = [
        (Some(Business::New), "New business"),
        (Some(Business::Existing), "Existing business"),
        (None, "New and existing business"),
    ];
    html! {
        p.muted {
            "FY" (board.year.fiscal_year) " to " (board.year.as_of) " · " (board.year.quarter.label) " in progress"
            @if let Some(plan) = &board.year.plan { " · against " a href=(format!("/plans/{}", plan.id)) { (plan.name) " v" (plan.version) } }
            " · download " a href=(download(None, None)) { "XLSX" }
        }
        @if let Some(note) = &board.year.note { div.notice { (note) } }
        (heading("Revenue against plan", &download(None, Some("revenue"))))
        @if board.revenue.is_empty() { p.muted { "No money KPI of the plan yet." } }
        @for (business, title) in groups {
            @let lines: Vec<&RevenueKpi> = board.revenue.iter().filter(|k| k.business == business).collect();
            @if !lines.is_empty() {
                h3 { (title) }
                div.scroll { table {
                    thead { tr { th { "KPI" } th.num { "Quarter: target to date" } th.num { "actual" } th.num { "credited" }
                        th.num { "Year: target to date" } th.num { "actual" } th.num { "credited" } th.num { "Year's target" }
                        th.num { "Year end, seasonal pace" } th.num { "Year end, statistical forecast" } th.num { "Pipeline coverage" } } }
                    tbody { @for k in &lines { tr {
                        td { (k.name) @if let Some(p) = &k.partial { br; small.muted { (p) } } }
                        (figure_cells(frame, k.quarter.as_ref()))
                        (figure_cells(frame, k.ytd.as_ref()))
                        td.num { (frame.money(k.annual_target)) }
                        td.num { (amount(frame, "currency", k.projected_year_end)) @if let Some(p) = k.pace { br; small.muted { (pct(Some(p))) " of target" } } }
                        td.num { (amount(frame, "currency", k.forecast_year_end)) @if let Some(why) = &k.forecast_note { br; small.muted.why { (why) } } }
                        td.num { (k.pipeline_coverage.map_or_else(|| "—".to_string(), |c| format!("{c:.1}×"))) }
                    } } }
                } }
                div.scorecard { @for k in &lines { div.card.kpi-score { (forecast_chart(frame, k, board)) } } }
            }
        }
        (heading("Teams ranked by attainment", &download(None, Some("teams"))))
        @match &board.ranked_on {
            None => p.muted { "No KPI of the plan has targets for teams." },
            Some(kpi) => {
                p.muted { "By credited attainment of " (kpi.name) ", year to date against the target to date." }
                @let coverage = board.revenue.iter().find(|r| r.key == kpi.key).and_then(|r| r.partial.as_deref());
                (charts::chart(&charts::Chart {
                    title: "Credited attainment by team",
                    note: Some(&format!("{}. Dashed: 100%, the target to date, phased by season", frame.year_caveat(board.year.fiscal_year, board.year.as_of, coverage))),
                    unit: percent,
                    columns: &board.teams.iter().map(|t| charts::Label::new(&t.name)).collect::<Vec<_>>(),
                    series: &[charts::Series::new("Credited attainment", board.teams.iter().map(|t| t.ytd.credited).collect())],
                    mark: charts::Mark::Bars,
                    goal: Some(&charts::Goal { name: "the target".into(), values: vec![Some(1.0); board.teams.len()] }),
                }))
                div.scroll { table {
                    thead { tr { th.num { "#" } th { "Team" } th.num { "Target to date" } th.num { "Actual" } th.num { "Credited" } th { "Pace" } } }
                    tbody { @for t in &board.teams { tr {
                        td.num { (t.rank.map_or_else(|| "—".to_string(), |r| r.to_string())) }
                        td { a href=(format!("/dashboard?team={}", t.team_id)) { (t.name) } }
                        td.num { (amount(frame, &kpi.unit, Some(t.ytd.target as f64))) }
                        td.num { (amount(frame, &kpi.unit, t.ytd.actual)) }
                        td.num { (pct(t.ytd.credited)) }
                        td { (pace_badge(t.pace)) }
                    } } }
                } }
            }
        }
        (heading("Churn against the band", &download(None, Some("churn"))))
        (churn(frame, &board.churn))
        (heading("KPI readiness", &download(None, Some("readiness"))))
        p.muted { "Can each KPI be tracked, is its data arriving, how complete is manual logging, how much of the year it covers; the whole on " a href="/readiness" { "Readiness" } "." }
        div.scroll { table {
            thead { tr { th { "KPI" } th { "Day one?" } th { "Data arriving" } th.num { "Completeness" } th { "Coverage of the year" } } }
            tbody { @for r in &board.readiness { tr {
                td { (r.name) }
                td { (day_one(r.day_one)) }
                td { (arriving(r)) }
                td.num { (pct(r.completeness.as_ref().and_then(|c| c.share))) }
                td { @if r.coverage.is_partial() { span.bad { (r.coverage.label()) } } @else { (r.coverage.label()) } }
            } } }
        } }
        (heading("Data gaps", &download(None, Some("data-gaps"))))
        (gaps(&board.gaps))
        (heading("Exceptions noted in the review", &download(None, Some("exceptions"))))
        @match &board.review {
            Some(r) if r.closed_at.is_none() => {
                @if board.exceptions.is_empty() { p.muted { "None noted yet in the " a href=(format!("/reviews/{}", r.period)) { "review of " (board.year.quarter.label) } "." } }
                ul { @for n in &board.exceptions { li { (n.text) " — " (n.author) ", " (super::moment(frame.locale, &n.at)) } } }
                p { a href=(format!("/reviews/{}", r.period)) { "The review of " (board.year.quarter.label) } }
            },
            _ => p.muted { "The review of " (board.year.quarter.label) " has not been opened." },
        }
    }
}

/// A revenue KPI's year: the actual to date and the statistical forecast of the months not ended,
/// both cumulative, against the cumulative target as the plan phases it.
fn forecast_chart(frame: &Frame, k: &RevenueKpi, board: &CompanyDashboard) -> Markup {
    let ended = k.months.len().saturating_sub(k.forecast_months.len());
    let mut done = 0.0;
    let actual: Vec<Option<f64>> = k
        .months
        .iter()
        .map(|m| {
            m.actual.map(|a| {
                done += a;
                done
            })
        })
        .collect();
    let ended_sum: f64 = k.months[..ended].iter().filter_map(|m| m.actual).sum();
    let mut ahead = ended_sum;
    let forecast: Vec<Option<f64>> = (0..k.months.len())
        .map(|i| match i.cmp(&ended) {
            std::cmp::Ordering::Less if i + 1 == ended => Some(ended_sum),
            std::cmp::Ordering::Less => None,
            _ => k.forecast_months.get(i - ended).map(|f| {
                ahead += f;
                ahead
            }),
        })
        .collect();
    let mut planned = 0.0;
    let target: Vec<Option<f64>> = k
        .months
        .iter()
        .map(|m| {
            planned += m.target as f64;
            Some(planned)
        })
        .collect();
    let plan = board.year.plan.as_ref().map(|p| p.name.as_str()).unwrap_or_default();
    let mut series = vec![charts::Series::new("Actual to date", actual)];
    if !k.forecast_months.is_empty() {
        series.push(charts::Series::new("Statistical forecast", forecast));
    }
    charts::chart(&charts::Chart {
        title: &format!("{}: the year so far and where it heads", k.name),
        note: Some(&format!(
            "{}. Cumulative; dashed: target, phased by season",
            frame.year_caveat(board.year.fiscal_year, board.year.as_of, k.partial.as_deref())
        )),
        unit: Unit::of_kpi("currency", frame.org.currency),
        columns: &k.months.iter().map(|m| charts::Label::period(&m.label)).collect::<Vec<_>>(),
        series: &series,
        mark: charts::Mark::Lines,
        goal: Some(&charts::Goal { name: format!("Target ({plan})"), values: target }),
    })
}

/// Target to date, actual and credited attainment of a review's figure; dashes without one.
fn figure_cells(frame: &Frame, f: Option<&Figure>) -> Markup {
    match f {
        Some(f) => html! {
            td.num { (frame.money(f.target)) }
            td.num { (amount(frame, "currency", f.actual)) }
            td.num { (pct(f.credited)) }
        },
        None => html! { td.num { "—" } td.num { "—" } td.num { "—" } },
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
                @let so_far = if last.to_date { format!(", to date ({} months)", last.months) } else { String::new() };
                (charts::band_gauge(&format!("Annualised customer churn, {}{so_far}", last.label), last.annualised_customer_churn, band.normal_up_to, band.acceptable_up_to, percent))
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
