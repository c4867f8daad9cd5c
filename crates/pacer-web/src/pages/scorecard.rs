//! The rep scorecard page: a card per KPI of the approved plan, quarter and year to date, with a
//! chart of the year whose goal line follows the plan's seasonal phasing. A rep's home page shows
//! their own; managers and up open a rep's from the rep's page (`/scorecard?rep=ID`).

use super::layout::{self, Frame};
use super::review::{amount, pct};
use super::{PageQuery, PageResult};
use crate::AppState;
use crate::api::scorecard::{ScorecardQuery, scorecard};
use crate::auth::Caller;
use crate::charts;
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
        }
        @if let Some(note) = &card.note { div.notice { (note) } }
        @if card.kpis.is_empty() { p.muted { "No KPI of the plan has a target for " (card.name) " yet." } }
        div.scorecard {
            @for k in &card.kpis { (kpi_card(frame, k)) }
        }
    }
}

fn kpi_card(frame: &Frame, k: &KpiScore) -> Markup {
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
            table.score {
                thead { tr { th {} th.num { (k.quarter.period.label) } th.num { "Year to date" } } }
                tbody {
                    tr { th { "Target to date" } td.num { (target(&k.quarter, false)) } td.num { (target(&k.year, false)) } }
                    tr { th { "Actual" } td.num { (frame.value(&k.quarter.actual)) } td.num { (frame.value(&k.year.actual)) } }
                    tr { th { "Attainment" } td.num { (attained(&k.quarter)) } td.num { (attained(&k.year)) } }
                    tr { th { "Whole period's target" } td.num { (target(&k.quarter, true)) } td.num { (target(&k.year, true)) } }
                    tr { th { "Rank in team" } td.num { (rank(&k.quarter.team_rank)) } td.num { (rank(&k.year.team_rank)) } }
                    tr { th { "Rank in company" } td.num { (rank(&k.quarter.company_rank)) } td.num { (rank(&k.year.company_rank)) } }
                }
            }
            p.muted {
                @if let Some(t) = k.tolerance { "Tolerance " (pct(Some(t))) ". " }
                @let explained = pacer_app::plan::distinct_notes(notes);
                @if !explained.is_empty() { (explained) "." }
            }
            @if let Some(p) = k.projected_year_end {
                p { "Pace: " strong { (figure(Some(p))) } " by year end at the seasonal pace"
                    @if let Some(pace) = k.pace { ", " strong { (pct(Some(pace))) } " of the year's target" } "." }
            }
            @if !k.months.is_empty() { (chart(frame, k)) }
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

/// The year month by month: sums as the cumulative actual against the cumulative target (the
/// plan's phasing), rates and averages month by month against the month's target.
fn chart(frame: &Frame, k: &KpiScore) -> Markup {
    let cumulative = matches!(k.unit.as_str(), "count" | "currency");
    let short = |m: &MonthScore| m.label.split_whitespace().next().unwrap_or_default().to_string();
    let (bars, goal): (Vec<(String, Option<f64>)>, Vec<f64>) = if cumulative {
        let (mut done, mut planned) = (0.0, 0.0);
        k.months
            .iter()
            .map(|m| {
                planned += m.target as f64;
                let actual = m.actual.map(|a| {
                    done += a;
                    done
                });
                ((short(m), actual), planned)
            })
            .unzip()
    } else {
        k.months.iter().map(|m| ((short(m), m.actual), m.target as f64)).unzip()
    };
    let (title, note) = if cumulative {
        ("Year so far against plan", "bars: actual to date; dashed: the target phased by season")
    } else {
        ("Month by month against plan", "dashed: the month's target")
    };
    // A small count's axis steps by fractions: they keep a decimal rather than repeat a number.
    // Money is drawn in the currency's units, short ("48.7k"), so twelve labels fit side by side.
    let per_major = frame.org.currency.minor_per_major() as f64;
    let label = |x: f64| match k.unit.as_str() {
        "count" if x.fract() != 0.0 => format!("{x:.1}"),
        "currency" => short_amount(x / per_major),
        unit => amount(frame, unit, Some(x)),
    };
    let title = if k.unit == "currency" { format!("{title} ({})", frame.org.currency) } else { title.to_string() };
    charts::bars_with_goal(&title, Some(note), &bars, Some(&goal), &label)
}

/// An amount in whole units of its currency, short for a chart: 950, 48.7k, 1.2M.
fn short_amount(major: f64) -> String {
    match major.abs() {
        m if m >= 1e6 => format!("{:.1}M", major / 1e6),
        m if m >= 1e5 => format!("{:.0}k", major / 1e3),
        m if m >= 1e3 => format!("{:.1}k", major / 1e3),
        _ => format!("{major:.0}"),
    }
}

#[cfg(test)]
mod tests {
    use super::short_amount;

    #[test]
    fn chart_amounts_are_short() {
        assert_eq!(short_amount(950.0), "950");
        assert_eq!(short_amount(48_696.0), "48.7k");
        assert_eq!(short_amount(250_000.0), "250k");
        assert_eq!(short_amount(-1_250_000.0), "-1.2M");
    }
}
