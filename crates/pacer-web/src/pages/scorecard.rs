//! The rep scorecard page: a card per KPI of the approved plan, quarter and year to date, with a
//! chart of the year whose goal line follows the plan's seasonal phasing. A rep's home page shows
//! their own; managers and up open a rep's from the rep's page (`/scorecard?rep=ID`).

use super::layout::{self, Frame};
use super::review::{amount, pct};
use super::{PageQuery, PageResult};
use crate::AppState;
use crate::api::scorecard::{ScorecardQuery, scorecard};
use crate::auth::Caller;
use crate::charts::{self, Chart, Goal, Label, Mark, Series, Unit};
use axum::extract::{Extension, State};
use maud::{Markup, html};
use pacer_app::scorecard::{KpiScore, MonthScore, PeriodScore, Rank, Scorecard};

/// `/scorecard?rep=ID`: a rep's scorecard (the caller's own without `rep`).
pub async fn page(
    State(state): State<AppState>,
    Extension(caller): Extension<Caller>,
    PageQuery(q): PageQuery<ScorecardQuery>,
) -> PageResult<Markup> {
    let frame = Frame::of(&state, &caller).await?;
    let card = scorecard(&state, &caller, q.rep).await?;
    let body = html! {
        h1 { "Scorecard: " (card.name) }
        (cards(&frame, &card))
    };
    Ok(layout::page(&frame, &format!("Scorecard: {}", card.name), body))
}

/// The scorecard's heading line and one card per KPI, for this page and a rep's home page.
pub fn cards(frame: &Frame, card: &Scorecard) -> Markup {
    html! {
        p.muted {
            @if let Some(team) = &card.team { (team) " · " }
            "FY" (card.fiscal_year) " to " (card.as_of)
            @if let Some(plan) = &card.plan { " · against " (plan.name) " v" (plan.version) }
            @let download = format!("/api/v1/scorecard?rep={}&format=", card.rep_id);
            " · download " a href=(format!("{download}xlsx")) { "XLSX" } " · "
            a href=(format!("{download}csv")) { "CSV" } " · " a href=(format!("{download}csv&table=months")) { "months as CSV" }
        }
        @if let Some(note) = &card.note { div.notice { (note) } }
        @if card.kpis.is_empty() { p.muted { "No KPI of the plan has a target for " (card.name) " yet." } }
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
            (pct(a.raw)) " raw · " (pct(a.credited)) " credited"
            @if a.attained == Some(true) { " " span.badge.on { "attained" } }
        },
        _ => html! { "—" },
    };
    let notes: Vec<&String> =
        [&k.quarter, &k.year].iter().filter_map(|p| p.attainment.as_ref()).flat_map(|c| &c.notes).collect();
    html! {
        div.card.kpi-score {
            h2 { (k.name) }
            @if let Some(missing) = &k.missing { div.notice.warning { "Missing: " (missing) "." } }
            div.scroll { table.score {
                thead { tr { th { "Figure" } th.num { (k.quarter.period.label) } th.num { "Year to date" } } }
                tbody {
                    tr { th { "Target to date" } td.num { (target(&k.quarter, false)) } td.num { (target(&k.year, false)) } }
                    tr { th { "Actual" } td.num { (frame.value(&k.quarter.actual)) } td.num { (frame.value(&k.year.actual)) } }
                    tr { th { "Attainment" } td.num { (attained(&k.quarter)) } td.num { (attained(&k.year)) } }
                    tr { th { "Whole period's target" } td.num { (target(&k.quarter, true)) } td.num { (target(&k.year, true)) } }
                    tr { th { "Rank in team" } td.num { (rank(&k.quarter.team_rank)) } td.num { (rank(&k.year.team_rank)) } }
                    tr { th { "Rank in company" } td.num { (rank(&k.quarter.company_rank)) } td.num { (rank(&k.year.company_rank)) } }
                }
            } }
            p.muted {
                @if let Some(t) = k.tolerance { "Tolerance " (pct(Some(t))) ". " }
                @let explained = pacer_app::plan::distinct_notes(notes);
                @if !explained.is_empty() { (explained) "." }
            }
            @if let Some(p) = k.projected_year_end {
                p { "Pace: " strong { (figure(Some(p))) } " by year end at the seasonal pace"
                    @if let Some(pace) = k.pace { ", " strong { (pct(Some(pace))) } " of the year's target" } "." }
            }
            @if !k.months.is_empty() { (year_chart(frame, &k.unit, &k.months, plan, &frame.year_caveat(fiscal_year, as_of, k.coverage.as_deref()))) }
        }
    }
}

/// "3 of 12", or a dash for a rep without a figure or a board.
fn rank(r: &Option<Rank>) -> String {
    match r {
        Some(Rank { rank: Some(n), of }) => format!("{n} of {of}"),
        _ => "—".into(),
    }
}

/// The year month by month of a KPI in `unit` against the plan named `plan`: sums as the
/// cumulative actual against the cumulative target (the plan's phasing, so the goal steps with the
/// season), rates and averages month by month against the month's target. The scorecard's and the
/// team dashboard's.
pub(crate) fn year_chart(frame: &Frame, unit: &str, months: &[MonthScore], plan: &str, caveat: &str) -> Markup {
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
    let columns: Vec<Label> = months.iter().map(|m| Label::period(&m.label)).collect();
    let (title, note, mark) = if cumulative {
        ("Year so far against plan", "bars: actual to date; dashed: target, phased by season", Mark::Bars)
    } else {
        ("Month by month against plan", "each month's actual; dashed: its target, phased by season", Mark::Lines)
    };
    charts::chart(&Chart {
        title,
        note: Some(&format!("{caveat}. {note}")),
        unit: Unit::of_kpi(unit, frame.org.currency),
        columns: &columns,
        series: &[Series::new(if cumulative { "Actual to date" } else { "Actual" }, actual)],
        mark,
        goal: Some(&Goal { name: format!("Target ({plan})"), values: target }),
    })
}
