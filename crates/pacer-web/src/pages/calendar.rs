//! The fiscal calendar page: the periods of a fiscal year and their working days.

use super::layout::{self, Frame};
use super::{PageQuery, PageResult};
use crate::AppState;
use crate::api::org::DEFAULT_KINDS;
use crate::api::today;
use crate::auth::Caller;
use crate::error::ApiError;
use axum::extract::{Extension, State};
use maud::{Markup, html};
use pacer_core::fiscal_calendar::PeriodKind;
use serde::Deserialize;

/// Which year to show.
#[derive(Deserialize)]
pub struct YearQuery {
    fy: Option<i32>,
}

/// The periods of a fiscal year.
pub async fn page(
    State(state): State<AppState>,
    Extension(caller): Extension<Caller>,
    PageQuery(q): PageQuery<YearQuery>,
) -> PageResult<Markup> {
    let frame = Frame::of(&state, &caller).await?;
    let org = &frame.org;
    let fy = q.fy.unwrap_or_else(|| org.fiscal_year_of(today()));
    let rows = org.period_table(fy, &DEFAULT_KINDS).map_err(|e| ApiError::BadRequest(e.to_string()))?;
    let now = today();
    let body = html! {
        h1 { "Fiscal calendar: FY" (fy) }
        p {
            a href=(format!("/calendar?fy={}", fy - 1)) { "← FY" (fy - 1) } " · "
            a href=(format!("/calendar?fy={}", fy + 1)) { "FY" (fy + 1) " →" }
        }
        @if !org.calendar.is_calendar_aligned() {
            p.muted { "This organisation's fiscal year does not match the calendar year: FY" (fy) " runs "
                (rows.first().map(|(p, _)| p.start.to_string()).unwrap_or_default()) " to "
                (rows.first().map(|(p, _)| p.end.to_string()).unwrap_or_default()) "." }
        }
        div.card.scroll {
            table {
                thead { tr { th { "Period" } th { "Name" } th { "Start" } th { "End" } th.num { "Days" } th.num { "Working days" } } }
                tbody {
                    @for (p, working) in &rows {
                        tr {
                            td { @if p.kind == PeriodKind::Month { "\u{2003}" } @else if p.kind == PeriodKind::Quarter { "\u{2002}" }
                                 @if p.contains(now) { strong { (p.label()) } " (now)" } @else { (p.label()) } }
                            td { code { (p.name()) } }
                            td { (p.start) } td { (p.end) }
                            td.num { (p.days()) } td.num { (working) }
                        }
                    }
                }
            }
        }
        p.muted { "Working days exclude weekends and the organisation's holidays." }
    };
    Ok(layout::page(&frame, &format!("FY{fy}"), body))
}
