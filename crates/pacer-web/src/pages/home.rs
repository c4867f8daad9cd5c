//! The home page: what matters to the signed-in person.

use super::layout::{self, Frame};
use super::{Notice, PageQuery, PageResult, notice};
use crate::AppState;
use crate::api::{Viewer, today};
use crate::auth::Caller;
use axum::extract::{Extension, State};
use maud::{Markup, html};
use pacer_core::access::Role;
use pacer_core::money::format_count;

/// Home.
async fn page_handler(state: &AppState, caller: &Caller, n: &Notice) -> PageResult<Markup> {
    let frame = Frame::of(state, caller).await?;
    let viewer = Viewer::of(state, caller).await?;
    let counts = state.store.record_counts().await?;
    let teams = state.store.teams().await?;
    let my_teams: Vec<_> = teams.iter().filter(|t| viewer.principal.can_see_team(t.id)).collect();
    let fy = frame.org.fiscal_year_of(today());
    // A rep's home is their scorecard; without a catalog yet it says why instead.
    let scorecard = match (&viewer.principal, frame.role()) {
        (pacer_core::access::Principal::User { rep_id: Some(_), .. }, Role::Rep) => {
            Some(crate::api::scorecard::scorecard(state, caller, None).await)
        }
        _ => None,
    };
    // A manager's is their team's dashboard, or a choice of them when they manage several.
    let managed = pacer_app::dashboard::managed_teams(&frame.context(state)).await?;
    let dashboard = match managed.as_slice() {
        [only] => Some(crate::api::dashboard::team_dashboard(state, caller, Some(only.id)).await),
        _ => None,
    };
    let body = html! {
        (notice(n))
        h1 { (frame.org.name) }
        p.muted {
            "Fiscal year " strong { "FY" (fy) } " (" (frame.fiscal_year_badge()) ")."
            @if !frame.org.calendar.is_calendar_aligned() { " Fiscal years here do not match calendar years: every yearly figure is for the fiscal year." }
        }
        @if frame.role() >= Role::Leader {
            div.grid {
                div.stat { div.n { (format_count(counts.teams)) } div.l { "teams" } }
                div.stat { div.n { (format_count(counts.reps)) } div.l { "people" } }
                div.stat { div.n { (format_count(counts.accounts)) } div.l { "accounts" } }
                div.stat { div.n { (format_count(counts.activities)) } div.l { "activities logged" } }
                div.stat { div.n { (format_count(counts.deals)) } div.l { "deals" } }
                div.stat { div.n { (format_count(counts.subscription_months)) } div.l { "account-months of recurring revenue" } }
            }
        }
        @match &scorecard {
            Some(Ok(card)) => { h2 { "My scorecard" } (super::scorecard::cards(&frame, card)) }
            Some(Err(e)) => { div.card { h2 { "My scorecard" } p.muted { (e) } } }
            None => {}
        }
        @if let pacer_core::access::Principal::User { rep_id: Some(rep), .. } = &viewer.principal {
            div.card { h2 { "My page" } p { a href=(format!("/reps/{rep}")) { "My activities and quick log" } } }
        }
        @match &dashboard {
            Some(Ok(board)) => { h2 { "My team: " (board.name) } (super::dashboard::team_view(&frame, board)) }
            Some(Err(e)) => { div.card { h2 { "My team" } p.muted { (e) } } }
            None => {}
        }
        @if frame.role() == Role::Manager {
            div.card {
                h2 { "My teams" }
                @if my_teams.is_empty() { p.muted { "You do not manage a team yet: ask sales operations to set you as a team's manager." } }
                @if managed.len() > 1 {
                    p { "Dashboards: " @for (i, t) in managed.iter().enumerate() {
                        @if i > 0 { " · " } a href=(format!("/dashboard?team={}", t.id)) { (t.name) } } }
                }
                ul { @for t in &my_teams { li { a href=(format!("/teams/{}", t.id)) { (t.name) } } } }
            }
        }
        div.card {
            h2 { "Where to go" }
            ul {
                li { a href="/org" { "Organisation" } ": teams and people" }
                li { a href="/calendar" { "Fiscal calendar" } ": the periods of the year and their working days" }
                @if frame.role() >= Role::Leader { li { a href="/audit" { "Audit log" } ": every change, who made it and why" } }
                @if frame.role() == Role::Admin { li { a href="/users" { "Users" } " and " a href="/tokens" { "API tokens" } } }
            }
        }
    };
    Ok(layout::page(&frame, "Home", body))
}

/// Home.
pub async fn page(
    State(state): State<AppState>,
    Extension(caller): Extension<Caller>,
    PageQuery(n): PageQuery<Notice>,
) -> PageResult<Markup> {
    page_handler(&state, &caller, &n).await
}
