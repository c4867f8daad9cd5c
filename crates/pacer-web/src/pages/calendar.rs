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
use pacer_i18n::tr;
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
    let year = |fy: i32| tr!(frame.locale, "period-year", fy = fy.to_string());
    let title = tr!(frame.locale, "calendar-title", year = year(fy));
    let body = html! {
        h1 { (title) }
        p {
            a href=(format!("/calendar?fy={}", fy - 1)) { "← " (year(fy - 1)) } " · "
            a href=(format!("/calendar?fy={}", fy + 1)) { (year(fy + 1)) " →" }
        }
        @if !org.calendar.is_calendar_aligned() {
            p.muted { (tr!(frame.locale, "calendar-not-aligned", year = year(fy),
                start = rows.first().map(|(p, _)| frame.locale.date(p.start)).unwrap_or_default(),
                end = rows.first().map(|(p, _)| frame.locale.date(p.end)).unwrap_or_default())) }
        }
        div.card.scroll {
            table {
                thead { tr { th { (frame.t("calendar-period")) } th { (frame.t("calendar-name")) } th { (frame.t("calendar-start")) } th { (frame.t("calendar-end")) } th.num { (frame.t("calendar-days")) } th.num { (frame.t("calendar-working-days")) } } }
                tbody {
                    @for (p, working) in &rows {
                        tr {
                            td { @if p.kind == PeriodKind::Month { "\u{2003}" } @else if p.kind == PeriodKind::Quarter { "\u{2002}" }
                                 @if p.contains(now) { strong { (frame.locale.period(p)) } " " (frame.t("calendar-now")) } @else { (frame.locale.period(p)) } }
                            td { code { (p.name()) } }
                            td { (frame.locale.date(p.start)) } td { (frame.locale.date(p.end)) }
                            td.num { (frame.locale.count(p.days())) } td.num { (working) }
                        }
                    }
                }
            }
        }
        p.muted { (frame.t("calendar-working-help")) }
        div.card {
            h2 { (frame.t("calendar-week")) }
            // The week as the reader counts it (Sunday first in English, Monday in French).
            ul.week {
                @for day in frame.locale.week() {
                    @let off = org.working_days.weekend().contains(&day);
                    li { (frame.locale.weekday_name(day)) @if off { " " span.muted { (frame.t("calendar-weekend")) } } }
                }
            }
            @let holidays: Vec<_> = org.working_days.holidays().iter().filter(|d| rows.first().is_some_and(|(y, _)| y.contains(**d))).collect();
            h2 { (tr!(frame.locale, "calendar-holidays", year = year(fy), count = holidays.len())) }
            @if holidays.is_empty() { p.muted { (frame.t("calendar-no-holidays")) } }
            @else { ul { @for d in holidays { li { (frame.locale.weekday_name(chrono::Datelike::weekday(d))) " " (frame.locale.date(*d)) } } } }
        }
    };
    Ok(layout::page(&frame, &title, body))
}
