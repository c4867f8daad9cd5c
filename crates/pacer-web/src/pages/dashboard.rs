//! The dashboards' pages: a team's (a manager's home page, `/dashboard?team=ID`), with its KPIs
//! against plan and their charts, its reps side by side, pipeline coverage, churn and data gaps;
//! each table downloads as CSV, the whole as XLSX.

use super::catalog::{arriving_in, day_one_in};
use super::filters::{month_labels, period_label};
use super::layout::{self, Frame};
use super::review::amount;
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
use pacer_i18n::tr;

/// A share (1.0 is all of it) as a percentage with one decimal for the reader, a dash for none.
pub(crate) fn pct(frame: &Frame, x: Option<f64>) -> String {
    x.map_or_else(|| "—".into(), |x| frame.locale.percent(x, 1))
}

/// A coverage ratio for the reader: `2.5×` / `2,5×`.
pub(crate) fn times(frame: &Frame, x: f64) -> String {
    format!("{}×", frame.locale.decimal(x, 1))
}

/// The quarter in progress of a dashboard for the reader.
fn quarter(frame: &Frame, year: &pacer_app::dashboard::DashboardYear) -> String {
    period_label(frame, &year.quarter.name, &year.quarter.label)
}

/// Why a dashboard's year has no targets: the use case's note, in the reader's words.
fn year_note(frame: &Frame, year: &pacer_app::dashboard::DashboardYear) -> Option<String> {
    year.note.as_ref().map(|_| {
        tr!(
            frame.locale,
            "dashboard-no-plan",
            year = tr!(frame.locale, "period-year", fy = year.fiscal_year.to_string())
        )
    })
}

/// The line under a dashboard's title: its year to date, its quarter in progress, its plan, its workbook.
fn year_line(frame: &Frame, year: &pacer_app::dashboard::DashboardYear, xlsx: String) -> Markup {
    html! {
        p.muted {
            (tr!(frame.locale, "dashboard-year-line", year = tr!(frame.locale, "period-year", fy = year.fiscal_year.to_string()), day = frame.locale.date(year.as_of), quarter = quarter(frame, year)))
            @if let Some(plan) = &year.plan { " · " (frame.t("dashboard-against")) " " a href=(format!("/plans/{}", plan.id)) { (plan.name) " v" (plan.version) } }
            " · " (frame.t("dashboard-download")) " " a href=(xlsx) { "XLSX" }
        }
        @if let Some(note) = year_note(frame, year) { div.notice { (note) } }
    }
}

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
        let title = frame.t("dashboard-team-dashboards");
        let body = html! { h1 { (title) } (team_choice(&frame, &managed)) };
        return Ok(layout::page(&frame, &title, body));
    }
    let (title, body) = match dashboard(&frame.context(&state), q.team).await? {
        Dashboard::Team(board) => {
            (tr!(frame.locale, "dashboard-team-title", team = &board.name), team_view(&frame, &board))
        }
        Dashboard::Company(board) => (
            tr!(
                frame.locale,
                "dashboard-company-title",
                year = tr!(frame.locale, "period-year", fy = board.year.fiscal_year.to_string())
            ),
            company_view(&frame, &board),
        ),
    };
    Ok(layout::page(&frame, &title, html! { h1 { (title) } (body) }))
}

/// Links to the dashboards of a manager's teams.
pub fn team_choice(frame: &Frame, teams: &[pacer_core::org::Team]) -> Markup {
    html! { p { (frame.t("dashboard-choice")) " " @for (i, t) in teams.iter().enumerate() {
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
        (year_line(frame, &board.year, download(Some(board.team_id), None)))
        (heading(&frame.t("dashboard-kpis"), &download(Some(board.team_id), Some("kpis"))))
        @if board.kpis.is_empty() { p.muted { (frame.t("dashboard-kpis-none")) } } @else {
            div.scroll { table {
                thead { tr { th { (frame.t("dashboard-kpi")) } th.num { (frame.t("dashboard-quarter-target")) } th.num { (frame.t("dashboard-actual")) } th.num { (frame.t("dashboard-credited")) }
                    th.num { (frame.t("dashboard-year-target")) } th.num { (frame.t("dashboard-actual")) } th.num { (frame.t("dashboard-credited")) } th { (frame.t("dashboard-pace")) } } }
                tbody { @for k in &board.kpis { tr {
                    td { (k.name) @if let Some(c) = &k.coverage { br; small.muted { (c) } } }
                    (cells(frame, &k.unit, k.quarter.as_ref()))
                    (cells(frame, &k.unit, k.year.as_ref()))
                    td { @if k.year.is_some() { (pace_badge(frame, k.pace)) } @else { span.muted { (frame.t("dashboard-reps-targets-only")) } } }
                } } }
            } }
            div.scorecard { @for k in board.kpis.iter().filter(|k| !k.months.is_empty()) {
                div.card.kpi-score { h3 { (k.name) } (year_chart(frame, board.year.fiscal_year, &k.unit, &k.months, plan, &frame.year_caveat(board.year.fiscal_year, board.year.as_of, k.coverage.as_deref()))) }
            } }
        }
        (heading(&frame.t("dashboard-reps"), &download(Some(board.team_id), Some("reps"))))
        @if board.reps.is_empty() { p.muted { (frame.t("dashboard-reps-none")) } } @else {
            p.muted { (frame.t("dashboard-reps-help")) }
            div.scroll { table {
                thead { tr { th { (frame.t("dashboard-rep")) } th { (frame.t("dashboard-status")) } @for k in &board.kpis { th.num { (k.name) } } th { (frame.t("dashboard-not-logged")) } } }
                tbody { @for r in &board.reps { tr {
                    td { a href=(format!("/scorecard?rep={}", r.rep_id)) { (r.name) } }
                    td { (status_badge(frame, r.status)) }
                    @for k in &r.kpis { td.num { (pct(frame, k.year.as_ref().and_then(|c| c.attainment.credited))) } }
                    td { (r.missing.join(", ")) }
                } } }
            } }
        }
        (heading(&frame.t("dashboard-pipeline"), &download(Some(board.team_id), Some("pipeline"))))
        @match &board.pipeline {
            Some(p) => p {
                @match p.coverage.ratio() {
                    Some(r) => {
                        (tr!(frame.locale, "dashboard-pipeline-open", open = frame.money(p.open_minor), rest = frame.money(p.annual_target - p.done),
                            target = frame.money(p.annual_target), won = frame.money(p.done), coverage = times(frame, r)))
                    },
                    None => {
                        (tr!(frame.locale, "dashboard-pipeline-reached", target = frame.money(p.annual_target), won = frame.money(p.done), open = frame.money(p.open_minor)))
                    },
                }
            },
            None => p.muted { (frame.t("dashboard-pipeline-none")) },
        }
        (heading(&frame.t("dashboard-churn"), &download(Some(board.team_id), Some("churn"))))
        (churn(frame, &board.churn))
        (heading(&frame.t("dashboard-gaps"), &download(Some(board.team_id), Some("data-gaps"))))
        (gaps(frame, &board.gaps))
    }
}

/// The leadership's dashboard under its title: for this page and the home page of leaders and admins.
pub fn company_view(frame: &Frame, board: &CompanyDashboard) -> Markup {
    let percent = Unit::new(Kind::Percent, frame.org.currency).in_locale(frame.locale);
    let groups = [
        (Some(Business::New), "dashboard-business-new"),
        (Some(Business::Existing), "dashboard-business-existing"),
        (None, "dashboard-business-both"),
    ];
    let review_of = tr!(frame.locale, "dashboard-review-of", quarter = quarter(frame, &board.year));
    html! {
        (year_line(frame, &board.year, download(None, None)))
        (heading(&frame.t("dashboard-revenue"), &download(None, Some("revenue"))))
        @if board.revenue.is_empty() { p.muted { (frame.t("dashboard-revenue-none")) } }
        @for (business, title) in groups {
            @let lines: Vec<&RevenueKpi> = board.revenue.iter().filter(|k| k.business == business).collect();
            @if !lines.is_empty() {
                h3 { (frame.t(title)) }
                div.scroll { table {
                    thead { tr { th { (frame.t("dashboard-kpi")) } th.num { (frame.t("dashboard-quarter-target")) } th.num { (frame.t("dashboard-actual")) } th.num { (frame.t("dashboard-credited")) }
                        th.num { (frame.t("dashboard-year-target")) } th.num { (frame.t("dashboard-actual")) } th.num { (frame.t("dashboard-credited")) } th.num { (frame.t("dashboard-annual-target")) }
                        th.num { (frame.t("dashboard-year-end-pace")) } th.num { (frame.t("dashboard-year-end-forecast")) } th.num { (frame.t("dashboard-pipeline-coverage")) } } }
                    tbody { @for k in &lines { tr {
                        td { (k.name) @if let Some(p) = &k.partial { br; small.muted { (p) } } }
                        (figure_cells(frame, k.quarter.as_ref()))
                        (figure_cells(frame, k.ytd.as_ref()))
                        td.num { (frame.money(k.annual_target)) }
                        td.num { (amount(frame, "currency", k.projected_year_end)) @if let Some(p) = k.pace { br; small.muted { (tr!(frame.locale, "dashboard-of-target", share = pct(frame, Some(p)))) } } }
                        td.num { (amount(frame, "currency", k.forecast_year_end)) @if let Some(why) = &k.forecast_note { br; small.muted.why { (why) } } }
                        td.num { (k.pipeline_coverage.map_or_else(|| "—".to_string(), |c| times(frame, c))) }
                    } } }
                } }
                div.scorecard { @for k in &lines { div.card.kpi-score { (forecast_chart(frame, k, board)) } } }
            }
        }
        (heading(&frame.t("dashboard-teams"), &download(None, Some("teams"))))
        @match &board.ranked_on {
            None => p.muted { (frame.t("dashboard-teams-none")) },
            Some(kpi) => {
                p.muted { (tr!(frame.locale, "dashboard-teams-help", kpi = &kpi.name)) }
                @let coverage = board.revenue.iter().find(|r| r.key == kpi.key).and_then(|r| r.partial.as_deref());
                (charts::chart(&charts::Chart {
                    title: &frame.t("dashboard-teams-chart"),
                    note: Some(&tr!(frame.locale, "dashboard-teams-chart.note", caveat = frame.year_caveat(board.year.fiscal_year, board.year.as_of, coverage))),
                    unit: percent,
                    columns: &board.teams.iter().map(|t| charts::Label::new(&t.name)).collect::<Vec<_>>(),
                    series: &[charts::Series::new(frame.t("dashboard-teams-chart.series"), board.teams.iter().map(|t| t.ytd.credited).collect())],
                    mark: charts::Mark::Bars,
                    goal: Some(&charts::Goal { name: frame.t("chart-the-target"), values: vec![Some(1.0); board.teams.len()] }),
                }))
                div.scroll { table {
                    thead { tr { th.num { "#" } th { (frame.t("dashboard-team")) } th.num { (frame.t("dashboard-target-to-date")) } th.num { (frame.t("dashboard-actual-cap")) } th.num { (frame.t("dashboard-credited-cap")) } th { (frame.t("dashboard-pace")) } } }
                    tbody { @for t in &board.teams { tr {
                        td.num { (t.rank.map_or_else(|| "—".to_string(), |r| r.to_string())) }
                        td { a href=(format!("/dashboard?team={}", t.team_id)) { (t.name) } }
                        td.num { (amount(frame, &kpi.unit, Some(t.ytd.target as f64))) }
                        td.num { (amount(frame, &kpi.unit, t.ytd.actual)) }
                        td.num { (pct(frame, t.ytd.credited)) }
                        td { (pace_badge(frame, t.pace)) }
                    } } }
                } }
            }
        }
        (heading(&frame.t("dashboard-churn"), &download(None, Some("churn"))))
        (churn(frame, &board.churn))
        (heading(&frame.t("dashboard-readiness"), &download(None, Some("readiness"))))
        p.muted { (frame.t("dashboard-readiness-help")) " " a href="/readiness" { (frame.t("nav-readiness")) } "." }
        div.scroll { table {
            thead { tr { th { (frame.t("dashboard-kpi")) } th { (frame.t("dashboard-day-one")) } th { (frame.t("dashboard-arriving")) } th.num { (frame.t("dashboard-completeness")) } th { (frame.t("dashboard-coverage")) } } }
            tbody { @for r in &board.readiness { tr {
                td { (r.name) }
                td { (day_one_in(frame.locale, r.day_one)) }
                td { (arriving_in(frame.locale, r)) }
                td.num { (pct(frame, r.completeness.as_ref().and_then(|c| c.share))) }
                td { @if r.coverage.is_partial() { span.bad { (frame.locale.coverage(&r.coverage)) } } @else { (frame.locale.coverage(&r.coverage)) } }
            } } }
        } }
        (heading(&frame.t("dashboard-gaps"), &download(None, Some("data-gaps"))))
        (gaps(frame, &board.gaps))
        (heading(&frame.t("dashboard-exceptions"), &download(None, Some("exceptions"))))
        @match &board.review {
            Some(r) if r.closed_at.is_none() => {
                @if board.exceptions.is_empty() { p.muted { (frame.t("dashboard-exceptions-none")) " " a href=(format!("/reviews/{}", r.period)) { (review_of) } "." } }
                ul { @for n in &board.exceptions { li { (n.text) " — " (n.author) ", " (super::moment(frame.locale, &n.at)) } } }
                p { a href=(format!("/reviews/{}", r.period)) { (review_of) } }
            },
            _ => p.muted { (tr!(frame.locale, "dashboard-review-not-opened", quarter = quarter(frame, &board.year))) },
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
    let mut series = vec![charts::Series::new(frame.t("chart-actual-to-date"), actual)];
    if !k.forecast_months.is_empty() {
        series.push(charts::Series::new(frame.t("chart-forecast"), forecast));
    }
    let labels: Vec<&str> = k.months.iter().map(|m| m.label.as_str()).collect();
    charts::chart(&charts::Chart {
        title: &tr!(frame.locale, "dashboard-forecast-chart", kpi = &k.name),
        note: Some(&tr!(
            frame.locale,
            "dashboard-forecast-chart.note",
            caveat = frame.year_caveat(board.year.fiscal_year, board.year.as_of, k.partial.as_deref())
        )),
        unit: Unit::of_kpi("currency", frame.org.currency).in_locale(frame.locale),
        columns: &month_labels(frame, board.year.fiscal_year, &labels)
            .iter()
            .map(|m| charts::Label::period(m))
            .collect::<Vec<_>>(),
        series: &series,
        mark: charts::Mark::Lines,
        goal: Some(&charts::Goal { name: tr!(frame.locale, "chart-target-of", plan = plan), values: target }),
    })
}

/// Target to date, actual and credited attainment of a review's figure; dashes without one.
fn figure_cells(frame: &Frame, f: Option<&Figure>) -> Markup {
    match f {
        Some(f) => html! {
            td.num { (frame.money(f.target)) }
            td.num { (amount(frame, "currency", f.actual)) }
            td.num { (pct(frame, f.credited)) }
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
            td.num { (pct(frame, c.attainment.credited)) }
        },
        None => html! { td.num { "—" } td.num { "—" } td.num { "—" } },
    }
}

/// The message id of a pace's words.
pub(crate) fn pace_words(pace: Pace) -> &'static str {
    match pace {
        Pace::Ahead => "dashboard-pace-ahead",
        Pace::OnPace => "dashboard-pace-on",
        Pace::Behind => "dashboard-pace-behind",
    }
}

fn pace_badge(frame: &Frame, pace: Option<Pace>) -> Markup {
    match pace {
        Some(p @ Pace::Ahead) => html! { span.badge.on { (frame.t(pace_words(p))) } },
        Some(p @ Pace::OnPace) => html! { span.badge { (frame.t(pace_words(p))) } },
        Some(p @ Pace::Behind) => html! { span.badge.off { (frame.t(pace_words(p))) } },
        None => html! { span.muted { (frame.t("dashboard-no-target")) } },
    }
}

fn status_badge(frame: &Frame, status: Option<RepStatus>) -> Markup {
    match status {
        Some(RepStatus::NotLogging) => html! { span.badge.warn { (frame.t("dashboard-not-logging")) } },
        Some(RepStatus::Ahead) => pace_badge(frame, Some(Pace::Ahead)),
        Some(RepStatus::OnPace) => pace_badge(frame, Some(Pace::OnPace)),
        Some(RepStatus::Behind) => pace_badge(frame, Some(Pace::Behind)),
        None => pace_badge(frame, None),
    }
}

/// Churn per period against the band, with the year's gauge.
pub(crate) fn churn(frame: &Frame, report: &pacer_app::churn::ChurnReport) -> Markup {
    let percent = Unit::new(Kind::Percent, frame.org.currency).in_locale(frame.locale);
    let band = report.band;
    html! {
        @if report.periods.is_empty() { p.muted { (frame.t("dashboard-churn-none")) } } @else {
            div.scroll { table {
                thead { tr { th { (frame.t("dashboard-period")) } th.num { (frame.t("dashboard-customer-churn")) } th.num { (frame.t("dashboard-annualised")) } th { (frame.t("dashboard-band")) } th.num { "GRR" } th.num { "NRR" } } }
                tbody { @for p in &report.periods { tr {
                    td { (period_label(frame, &p.name, &p.label)) @if p.to_date { " " small.muted { (frame.t("dashboard-to-date")) } } }
                    td.num { (pct(frame, p.rates.customer_churn_rate)) } td.num { (pct(frame, p.annualised_customer_churn)) }
                    td { (p.band.map(|b| band_words(frame, b)).unwrap_or_else(|| "—".into())) }
                    td.num { (pct(frame, p.rates.grr)) } td.num { (pct(frame, p.rates.nrr)) }
                } } }
            } }
            @if let Some(last) = report.periods.last() {
                @let label = period_label(frame, &last.name, &last.label);
                @let title = if last.to_date {
                    tr!(frame.locale, "dashboard-churn-gauge-to-date", period = label, months = last.months)
                } else {
                    tr!(frame.locale, "dashboard-churn-gauge", period = label)
                };
                (charts::band_gauge(&title, last.annualised_customer_churn, band.normal_up_to, band.acceptable_up_to, percent))
            }
            p.muted { (tr!(frame.locale, "dashboard-band-help", normal = pct(frame, Some(band.normal_up_to)), acceptable = pct(frame, Some(band.acceptable_up_to)))) }
        }
    }
}

/// The data gaps with what to do, as the review shows them.
pub(crate) fn gaps(frame: &Frame, gaps: &[DataGap]) -> Markup {
    html! {
        @if gaps.is_empty() { p.muted { (frame.t("dashboard-gaps-none")) } } @else {
            div.scroll { table {
                thead { tr { th { (frame.t("dashboard-gap")) } th { (frame.t("dashboard-gap-what")) } th { (frame.t("dashboard-gap-action")) } } }
                tbody { @for g in gaps { tr { td { (gap_kind(frame, g)) } td { (g.message) @if !g.reps.is_empty() { br; span.muted { (g.reps.join(", ")) } } } td { (g.action) } } } }
            } }
        }
    }
}

/// A churn band's level in the reader's words.
fn band_words(frame: &Frame, band: pacer_core::churn::BandLevel) -> String {
    use pacer_core::churn::BandLevel;
    frame.t(match band {
        BandLevel::Normal => "chart-zone-normal",
        BandLevel::Acceptable => "chart-zone-acceptable",
        BandLevel::High => "chart-zone-high",
    })
}

/// A data gap's kind in the reader's words.
fn gap_kind(frame: &Frame, gap: &DataGap) -> String {
    match gap.kind.as_str() {
        "no_data" => frame.t("dashboard-gap-no-data"),
        "low_completeness" => frame.t("dashboard-gap-low-completeness"),
        "silent_source" => frame.t("dashboard-gap-silent-source"),
        "not_live" => frame.t("dashboard-gap-not-live"),
        "partial" => frame.t("dashboard-gap-partial"),
        other => other.to_owned(),
    }
}
