//! The rep scorecard page: a card per KPI of the approved plan, quarter and year to date, with a
//! chart of the year whose goal line follows the plan's seasonal phasing. A rep's home page shows
//! their own; managers and up open a rep's from the rep's page (`/scorecard?rep=ID`).

use super::dashboard::pct;
use super::filters::{month_labels, period_label};
use super::layout::{self, Frame};
use super::review::amount;
use super::{PageQuery, PageResult};
use crate::AppState;
use crate::api::scorecard::{ScorecardQuery, scorecard};
use crate::auth::Caller;
use crate::charts::{self, Chart, Goal, Label, Mark, Series, Unit};
use axum::extract::{Extension, State};
use maud::{Markup, html};
use pacer_app::scorecard::{KpiScore, MonthScore, PeriodScore, Rank, Scorecard};
use pacer_i18n::tr;

/// `/scorecard?rep=ID`: a rep's scorecard (the caller's own without `rep`).
pub async fn page(
    State(state): State<AppState>,
    Extension(caller): Extension<Caller>,
    PageQuery(q): PageQuery<ScorecardQuery>,
) -> PageResult<Markup> {
    let frame = Frame::of(&state, &caller).await?;
    let card = scorecard(&frame.context(&state), q.rep).await?;
    let title = tr!(frame.locale, "scorecard-title", rep = &card.name);
    let body = html! {
        h1 { (title) }
        (cards(&frame, &card))
    };
    Ok(layout::page(&frame, &title, body))
}

/// The scorecard's heading line and one card per KPI, for this page and a rep's home page.
pub fn cards(frame: &Frame, card: &Scorecard) -> Markup {
    html! {
        p.muted {
            @if let Some(team) = &card.team { (team) " · " }
            (tr!(frame.locale, "scorecard-year-to", year = tr!(frame.locale, "period-year", fy = card.fiscal_year.to_string()), day = frame.locale.date(card.as_of)))
            @if let Some(plan) = &card.plan { " · " (frame.t("dashboard-against")) " " (plan.name) " v" (plan.version) }
            @let download = format!("/api/v1/scorecard?rep={}&format=", card.rep_id);
            " · " (frame.t("dashboard-download")) " " a href=(format!("{download}xlsx")) { "XLSX" } " · "
            a href=(format!("{download}csv")) { "CSV" } " · " a href=(format!("{download}csv&table=months")) { (frame.t("scorecard-months-csv")) }
        }
        @if card.note.is_some() { div.notice { (tr!(frame.locale, "dashboard-no-plan", year = tr!(frame.locale, "period-year", fy = card.fiscal_year.to_string()))) } }
        @if card.kpis.is_empty() { p.muted { (tr!(frame.locale, "scorecard-none", rep = &card.name)) } }
        div.scorecard {
            @for k in &card.kpis { (kpi_card(frame, k, card)) }
        }
    }
}

fn kpi_card(frame: &Frame, k: &KpiScore, card: &Scorecard) -> Markup {
    let plan = card.plan.as_ref().map(|p| p.name.as_str()).unwrap_or_default();
    let (fiscal_year, as_of) = (card.fiscal_year, card.as_of);
    let figure = |x: Option<f64>| amount(frame, &k.unit, x);
    let target = |p: &PeriodScore, whole: bool| {
        p.attainment
            .as_ref()
            .map_or_else(|| "—".to_string(), |c| figure(Some(if whole { c.full_target } else { c.target } as f64)))
    };
    let attained = |p: &PeriodScore| match p.attainment.as_ref().map(|c| &c.attainment) {
        Some(a) if a.raw.is_some() => html! {
            (tr!(frame.locale, "scorecard-raw-credited", raw = pct(frame, a.raw), credited = pct(frame, a.credited)))
            @if a.attained == Some(true) { " " span.badge.on { (frame.t("scorecard-attained")) } }
        },
        _ => html! { "—" },
    };
    let notes: Vec<&String> =
        [&k.quarter, &k.year].iter().filter_map(|p| p.attainment.as_ref()).flat_map(|c| &c.notes).collect();
    html! {
        div.card.kpi-score {
            h2 { (k.name) }
            @if let Some(missing) = &k.missing { div.notice.warning { (tr!(frame.locale, "scorecard-missing", missing = missing)) } }
            div.scroll { table.score {
                thead { tr { th { (frame.t("scorecard-figure")) } th.num { (period_label(frame, &k.quarter.period.name, &k.quarter.period.label)) } th.num { (frame.t("scorecard-year-to-date")) } } }
                tbody {
                    tr { th { (frame.t("dashboard-target-to-date")) } td.num { (target(&k.quarter, false)) } td.num { (target(&k.year, false)) } }
                    tr { th { (frame.t("dashboard-actual-cap")) } td.num { (frame.value(&k.quarter.actual)) } td.num { (frame.value(&k.year.actual)) } }
                    tr { th { (frame.t("scorecard-attainment")) } td.num { (attained(&k.quarter)) } td.num { (attained(&k.year)) } }
                    tr { th { (frame.t("scorecard-whole-target")) } td.num { (target(&k.quarter, true)) } td.num { (target(&k.year, true)) } }
                    tr { th { (frame.t("scorecard-rank-team")) } td.num { (rank(frame, &k.quarter.team_rank)) } td.num { (rank(frame, &k.year.team_rank)) } }
                    tr { th { (frame.t("scorecard-rank-company")) } td.num { (rank(frame, &k.quarter.company_rank)) } td.num { (rank(frame, &k.year.company_rank)) } }
                }
            } }
            p.muted {
                @if let Some(t) = k.tolerance { (tr!(frame.locale, "scorecard-tolerance", share = pct(frame, Some(t)))) " " }
                @let explained = pacer_app::plan::distinct_notes(notes);
                @if !explained.is_empty() { (explained) "." }
            }
            @if let Some(p) = k.projected_year_end {
                p { (frame.t("scorecard-pace")) " " strong { (figure(Some(p))) } " " (frame.t("scorecard-pace-year-end"))
                    @if let Some(pace) = k.pace { ", " strong { (pct(frame, Some(pace))) } " " (frame.t("scorecard-pace-of-target")) } "." }
            }
            @if !k.months.is_empty() { (year_chart(frame, fiscal_year, &k.unit, &k.months, plan, &frame.year_caveat(fiscal_year, as_of, k.coverage.as_deref()))) }
        }
    }
}

/// "3 of 12", or a dash for a rep without a figure or a board.
fn rank(frame: &Frame, r: &Option<Rank>) -> String {
    match r {
        Some(Rank { rank: Some(n), of }) => {
            tr!(frame.locale, "scorecard-rank", rank = n.to_string(), of = frame.locale.count(*of as i64))
        }
        _ => "—".into(),
    }
}

/// The year month by month of a KPI in `unit` against the plan named `plan`: sums as the
/// cumulative actual against the cumulative target (the plan's phasing, so the goal steps with the
/// season), rates and averages month by month against the month's target. The scorecard's and the
/// team dashboard's.
pub(crate) fn year_chart(
    frame: &Frame,
    fiscal_year: i32,
    unit: &str,
    months: &[MonthScore],
    plan: &str,
    caveat: &str,
) -> Markup {
    let cumulative = matches!(unit, "count" | "currency");
    let (actual, target): (Vec<Option<f64>>, Vec<Option<f64>>) = if cumulative {
        let (mut done, mut planned) = (0.0, 0.0);
        months
            .iter()
            .map(|m| {
                planned += m.target as f64;
                let actual = m.actual.map(|a| {
                    done += a;
                    done
                });
                (actual, Some(planned))
            })
            .unzip()
    } else {
        months.iter().map(|m| (m.actual, Some(m.target as f64))).unzip()
    };
    let labels: Vec<&str> = months.iter().map(|m| m.label.as_str()).collect();
    let columns: Vec<Label> = month_labels(frame, fiscal_year, &labels).iter().map(|m| Label::period(m)).collect();
    let (id, mark) = if cumulative { ("chart-year-so-far", Mark::Bars) } else { ("chart-month-by-month", Mark::Lines) };
    charts::chart(&Chart {
        title: &frame.t(id),
        note: Some(&format!("{caveat}. {}", frame.t(&format!("{id}.note")))),
        unit: Unit::of_kpi(unit, frame.org.currency).in_locale(frame.locale),
        columns: &columns,
        series: &[Series::new(frame.t(if cumulative { "chart-actual-to-date" } else { "chart-actual" }), actual)],
        mark,
        goal: Some(&Goal { name: tr!(frame.locale, "chart-target-of", plan = plan), values: target }),
    })
}
