//! The one layout: navigation by role, the organisation's fiscal year, and the stylesheet.

use crate::AppState;
use crate::api::org::load_organisation;
use crate::api::today;
use crate::auth::{CSRF_FIELD, Caller};
use crate::error::ApiError;
use axum::http::header;
use axum::response::IntoResponse;
use maud::{DOCTYPE, Markup, html};
use pacer_core::access::{Principal, Role};
use pacer_core::org::Organisation;

/// What every page of a signed-in user needs.
pub struct Frame {
    /// The caller (always signed in on pages that build a frame).
    pub principal: Principal,
    /// Name shown for the user.
    pub display_name: String,
    /// The session's CSRF token, for forms.
    pub csrf: String,
    /// The organisation.
    pub org: Organisation,
}

impl Frame {
    /// Gathers the frame for a signed-in caller.
    pub async fn of(state: &AppState, caller: &Caller) -> Result<Self, ApiError> {
        let principal = caller.principal.clone().ok_or(ApiError::Unauthorized)?;
        let display_name =
            caller.user.as_ref().map(|u| u.display_name.clone()).unwrap_or_else(|| principal.actor_name());
        let csrf = caller.session.as_ref().map(|s| s.csrf_token.clone()).unwrap_or_default();
        Ok(Self { principal, display_name, csrf, org: load_organisation(state).await? })
    }

    /// The use cases' context for this page, today.
    pub fn context<'a>(&self, state: &'a AppState) -> pacer_app::Context<'a> {
        pacer_app::Context::with_org(
            state.store.as_ref(),
            state.caches(),
            self.org.clone(),
            self.principal.clone(),
            crate::api::today(),
        )
    }

    /// An amount in minor units of the reporting currency, for people (with the currency's exponent).
    pub fn money(&self, minor: i64) -> String {
        pacer_core::money::format_amount(minor, self.org.currency)
    }

    /// A KPI value for people, money in the reporting currency.
    pub fn value(&self, value: &pacer_core::kpi::KpiValue) -> String {
        pacer_app::report::display(value, self.org.currency)
    }

    /// The user's role (pages are for users, not tokens).
    pub fn role(&self) -> Role {
        self.principal.role().unwrap_or(Role::Rep)
    }

    /// The hidden CSRF field every form carries.
    pub fn csrf_field(&self) -> Markup {
        html! { input type="hidden" name=(CSRF_FIELD) value=(self.csrf); }
    }

    /// The current fiscal year and how it falls, e.g. "FY2027 · Feb 2026 – Jan 2027".
    pub fn fiscal_year_badge(&self) -> String {
        let fy = self.org.fiscal_year_of(today());
        match self.org.calendar.year(fy) {
            Ok(year) => format!("FY{fy} · {} – {}", year.start.format("%b %Y"), year.end.format("%b %Y")),
            Err(_) => format!("FY{fy}"),
        }
    }
}

/// Wraps a page body in the layout.
pub fn page(frame: &Frame, title: &str, body: Markup) -> Markup {
    let role = frame.role();
    html! {
        (DOCTYPE)
        html lang="en" {
            head {
                meta charset="utf-8";
                meta name="viewport" content="width=device-width, initial-scale=1";
                title { (title) " · Pacer" }
                link rel="stylesheet" href="/assets/pacer.css";
            }
            body {
                header.top {
                    a.brand href="/" { "Pacer" }
                    nav {
                        a href="/" { "Home" }
                        a href="/org" { "Organisation" }
                        a href="/calendar" { "Calendar" }
                        a href="/catalog" { "KPIs" }
                        a href="/reports" { "Reports" }
                        a href="/leaderboard" { "Leaderboard" }
                        a href="/pipeline" { "Pipeline" }
                        a href="/readiness" { "Readiness" }
                        a href="/logging" { "Logging" }
                        @if role >= Role::Manager { a href="/churn" { "Churn" } a href="/plans" { "Plans" } a href="/reviews" { "Reviews" } a href="/seasonality" { "Seasonality" } }
                        @if role >= Role::Leader { a href="/audit" { "Audit log" } }
                        @if role == Role::Admin { a href="/import" { "Import" } a href="/stages" { "Stages" } a href="/users" { "Users" } a href="/tokens" { "API tokens" } }
                    }
                    span.fy title="Current fiscal year" { (frame.fiscal_year_badge()) }
                    div.who {
                        a href="/account" { (frame.display_name) " (" (role) ")" }
                        form method="post" action="/logout" { (frame.csrf_field()) button type="submit" { "Sign out" } }
                    }
                }
                main { (body) }
            }
        }
    }
}

/// The stylesheet, compiled into the binary.
pub async fn stylesheet() -> impl IntoResponse {
    (
        [(header::CONTENT_TYPE, "text/css; charset=utf-8"), (header::CACHE_CONTROL, "public, max-age=3600")],
        include_str!("../../assets/pacer.css"),
    )
}
