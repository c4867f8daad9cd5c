//! The home page: what matters to the signed-in person.

use super::layout::{self, Frame};
use super::{Notice, PageQuery, PageResult, notice};
use crate::AppState;
use crate::api::{Viewer, today};
use crate::auth::Caller;
use axum::extract::{Extension, State};
use maud::{Markup, html};
use pacer_app::dashboard::Dashboard;
use pacer_core::access::Role;
use pacer_core::money::format_count;

/// Home.
async fn page_handler(state: &AppState, caller: &Caller, n: &Notice) -> PageResult<Markup> {
    let frame = Frame::of(state, caller).await?;
    let viewer = Viewer::of(state, caller).await?;
    let counts = match frame.role() {
        Role::Admin => Some(state.store.record_counts().await?),
        _ => None,
    };
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
    // A manager's is their team's dashboard, or a choice of them when they manage several;
    // leaders' and admins' the leadership's.
    let managed = pacer_app::dashboard::managed_teams(&frame.context(state)).await?;
    let dashboard = match (managed.as_slice(), frame.role()) {
        ([only], _) => Some(crate::api::dashboard::dashboard(state, caller, Some(only.id)).await),
        (_, role) if role >= Role::Leader => Some(crate::api::dashboard::dashboard(state, caller, None).await),
        _ => None,
    };
    let body = html! {
        (notice(n))
        h1 { (frame.org.name) }
        p.muted {
            "Fiscal year " strong { "FY" (fy) } " (" (frame.fiscal_year_badge()) ")."
            @if !frame.org.calendar.is_calendar_aligned() { " Fiscal years here do not match calendar years: every yearly figure is for the fiscal year." }
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
            Some(Ok(Dashboard::Team(board))) => { h2 { "My team: " (board.name) } (super::dashboard::team_view(&frame, board)) }
            Some(Ok(Dashboard::Company(board))) => { h2 { "Leadership dashboard" } (super::dashboard::company_view(&frame, board)) }
            Some(Err(e)) => { div.card { h2 { "Dashboard" } p.muted { (e) } } }
            None => {}
        }
        @if frame.role() == Role::Manager {
            div.card {
                h2 { "My teams" }
                @if my_teams.is_empty() { p.muted { "You do not manage a team yet: ask sales operations to set you as a team's manager." } }
                @if managed.len() > 1 { (super::dashboard::team_choice(&managed)) }
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
            // What the imports and integrations have brought in, for sales operations to check.
            @if let Some(c) = &counts {
                p.muted { "The database holds " (format_count(c.teams)) " teams, " (format_count(c.reps)) " people, "
                    (format_count(c.accounts)) " accounts, " (format_count(c.activities)) " activities, " (format_count(c.deals))
                    " deals and " (format_count(c.subscription_months)) " account-months of recurring revenue." }
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
