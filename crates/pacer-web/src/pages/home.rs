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
use pacer_i18n::tr;

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
            Some(crate::api::scorecard::scorecard(&frame.context(state), None).await)
        }
        _ => None,
    };
    // A manager's is their team's dashboard, or a choice of them when they manage several;
    // leaders' and admins' the leadership's.
    let managed = pacer_app::dashboard::managed_teams(&frame.context(state)).await?;
    let dashboard = match (managed.as_slice(), frame.role()) {
        ([only], _) => Some(crate::api::dashboard::dashboard(&frame.context(state), Some(only.id)).await),
        (_, role) if role >= Role::Leader => Some(crate::api::dashboard::dashboard(&frame.context(state), None).await),
        _ => None,
    };
    let body = html! {
        (notice(n))
        h1 { (frame.org.name) }
        p.muted {
            (frame.t("home-fiscal-year")) " " strong { (tr!(frame.locale, "period-year", fy = fy.to_string())) } " (" (frame.fiscal_year_badge()) ")."
            @if !frame.org.calendar.is_calendar_aligned() { " " (frame.t("home-not-calendar-aligned")) }
        }
        @match &scorecard {
            Some(Ok(card)) => { h2 { (frame.t("home-my-scorecard")) } (super::scorecard::cards(&frame, card)) }
            Some(Err(e)) => { div.card { h2 { (frame.t("home-my-scorecard")) } p.muted { (e) } } }
            None => {}
        }
        @if let pacer_core::access::Principal::User { rep_id: Some(rep), .. } = &viewer.principal {
            div.card { h2 { (frame.t("home-my-page")) } p { a href=(format!("/reps/{rep}")) { (frame.t("home-my-activities")) } } }
        }
        @match &dashboard {
            Some(Ok(Dashboard::Team(board))) => { h2 { (tr!(frame.locale, "home-my-team", team = &board.name)) } (super::dashboard::team_view(&frame, board)) }
            Some(Ok(Dashboard::Company(board))) => { h2 { (frame.t("home-leadership")) } (super::dashboard::company_view(&frame, board)) }
            Some(Err(e)) => { div.card { h2 { (frame.t("home-dashboard")) } p.muted { (e) } } }
            None => {}
        }
        @if frame.role() == Role::Manager {
            div.card {
                h2 { (frame.t("home-my-teams")) }
                @if my_teams.is_empty() { p.muted { (frame.t("home-no-team")) } }
                @if managed.len() > 1 { (super::dashboard::team_choice(&frame, &managed)) }
                ul { @for t in &my_teams { li { a href=(format!("/teams/{}", t.id)) { (t.name) } } } }
            }
        }
        div.card {
            h2 { (frame.t("home-where")) }
            ul {
                li { a href="/org" { (frame.t("nav-organisation")) } (frame.t("home-where-org")) }
                li { a href="/calendar" { (frame.t("home-calendar")) } (frame.t("home-where-calendar")) }
                @if frame.role() >= Role::Leader { li { a href="/audit" { (frame.t("nav-audit")) } (frame.t("home-where-audit")) } }
                @if frame.role() == Role::Admin { li { a href="/users" { (frame.t("nav-users")) } " " (frame.t("home-and")) " " a href="/tokens" { (frame.t("nav-tokens")) } } }
            }
            // What the imports and integrations have brought in, for sales operations to check.
            @if let Some(c) = &counts {
                @let n = |x: i64| frame.locale.count(x);
                p.muted { (tr!(frame.locale, "home-database", teams = n(c.teams), reps = n(c.reps), accounts = n(c.accounts),
                    activities = n(c.activities), deals = n(c.deals), months = n(c.subscription_months))) }
            }
        }
    };
    Ok(layout::page(&frame, &frame.t("nav-home"), body))
}

/// Home.
pub async fn page(
    State(state): State<AppState>,
    Extension(caller): Extension<Caller>,
    PageQuery(n): PageQuery<Notice>,
) -> PageResult<Markup> {
    page_handler(&state, &caller, &n).await
}
