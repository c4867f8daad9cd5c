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
use pacer_i18n::{Locale, tr};

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
    /// The path of the page, for the navigation to mark where the caller is.
    pub path: String,
    /// The reader's language.
    pub locale: Locale,
}

impl Frame {
    /// Gathers the frame for a signed-in caller.
    pub async fn of(state: &AppState, caller: &Caller) -> Result<Self, ApiError> {
        let principal = caller.principal.clone().ok_or(ApiError::Unauthorized)?;
        let display_name =
            caller.user.as_ref().map(|u| u.display_name.clone()).unwrap_or_else(|| principal.actor_name());
        let csrf = caller.session.as_ref().map(|s| s.csrf_token.clone()).unwrap_or_default();
        Ok(Self {
            principal,
            display_name,
            csrf,
            // Read once per request, with the caller's language.
            org: match &caller.organisation {
                Some(org) => org.clone(),
                None => load_organisation(state).await?,
            },
            path: caller.path.clone(),
            locale: caller.locale,
        })
    }

    /// The message `id` in the reader's language (with arguments: `tr!(frame.locale, …)`).
    pub fn t(&self, id: &str) -> String {
        self.locale.t(id)
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
        .in_locale(self.locale)
    }

    /// An amount in minor units of the reporting currency, for people (with the currency's exponent).
    pub fn money(&self, minor: i64) -> String {
        self.locale.money(minor, self.org.currency)
    }

    /// A KPI value for people, money in the reporting currency.
    pub fn value(&self, value: &pacer_core::kpi::KpiValue) -> String {
        self.locale.value(value, self.org.currency)
    }

    /// The user's role (pages are for users, not tokens).
    pub fn role(&self) -> Role {
        self.principal.role().unwrap_or(Role::Rep)
    }

    /// The hidden CSRF field every form carries.
    pub fn csrf_field(&self) -> Markup {
        html! { input type="hidden" name=(CSRF_FIELD) value=(self.csrf); }
    }

    /// What a chart of fiscal year `fy`, seen on `as_of`, says of its span (FORMULAS.md "Coverage of
    /// a KPI added mid-year"): the year's months when fiscal years are not calendar years ("FY2027,
    /// Feb 2026 – Jan 2027"), that a year in progress counts to a day ("in progress: to 7 Dec
    /// 2026"), and the coverage of a KPI tracked for part of it ("covers 6 of 10 months (tracked
    /// since 2026-06-01)").
    pub fn year_caveat(&self, fy: i32, as_of: chrono::NaiveDate, coverage: Option<&str>) -> String {
        let year = self.org.calendar.year(fy).ok();
        let mut out = match year.filter(|_| !self.org.calendar.is_calendar_aligned()) {
            Some(y) => format!("{}, {}", self.locale.period(&y), self.locale.month_span(y.start, y.end)),
            None => tr!(self.locale, "period-year", fy = fy.to_string()),
        };
        if year.is_some_and(|y| as_of < y.end) {
            out.push(' ');
            out.push_str(&tr!(self.locale, "year-in-progress", day = self.locale.date(as_of)));
        }
        if let Some(c) = coverage {
            out.push_str(&format!("; {c}"));
        }
        out
    }

    /// The current fiscal year and how it falls, e.g. "FY2027 · Feb 2026 – Jan 2027".
    pub fn fiscal_year_badge(&self) -> String {
        let fy = self.org.fiscal_year_of(today());
        match self.org.calendar.year(fy) {
            Ok(year) => format!("{} · {}", self.locale.period(&year), self.locale.month_span(year.start, year.end)),
            Err(_) => tr!(self.locale, "period-year", fy = fy.to_string()),
        }
    }
}

/// A section of the navigation: where it goes, the message id of its words, the least role that sees it, and the
/// paths below it that are other places (a team's page is in Organisation).
struct Section {
    href: &'static str,
    words: &'static str,
    least: Role,
    also: &'static [&'static str],
}

const fn section(href: &'static str, words: &'static str, least: Role) -> Section {
    Section { href, words, least, also: &[] }
}

/// Every section, in the order of the navigation.
const SECTIONS: [Section; 19] = [
    section("/", "nav-home", Role::Rep),
    Section { href: "/org", words: "nav-organisation", least: Role::Rep, also: &["/teams", "/reps"] },
    section("/calendar", "nav-calendar", Role::Rep),
    section("/catalog", "nav-kpis", Role::Rep),
    section("/reports", "nav-reports", Role::Rep),
    section("/leaderboard", "nav-leaderboard", Role::Rep),
    section("/pipeline", "nav-pipeline", Role::Rep),
    section("/readiness", "nav-readiness", Role::Rep),
    section("/logging", "nav-logging", Role::Rep),
    section("/digest", "nav-digest", Role::Rep),
    section("/churn", "nav-churn", Role::Manager),
    section("/plans", "nav-plans", Role::Manager),
    section("/reviews", "nav-reviews", Role::Manager),
    section("/seasonality", "nav-seasonality", Role::Manager),
    section("/audit", "nav-audit", Role::Leader),
    section("/import", "nav-import", Role::Admin),
    section("/stages", "nav-stages", Role::Admin),
    section("/users", "nav-users", Role::Admin),
    section("/tokens", "nav-tokens", Role::Admin),
];

impl Section {
    /// Whether `path` is this section's page or one below it (`/plans/3` is in Plans).
    fn holds(&self, path: &str) -> bool {
        let under =
            |prefix: &str| path == prefix || path.strip_prefix(prefix).is_some_and(|rest| rest.starts_with('/'));
        if self.href == "/" { path == "/" } else { under(self.href) || self.also.iter().any(|p| under(p)) }
    }
}

/// The links of the navigation the caller's role sees, the current section marked for
/// assistive technology (`aria-current`) and for the eye (the stylesheet).
fn section_links(frame: &Frame) -> Markup {
    let role = frame.role();
    html! {
        @for s in SECTIONS.iter().filter(|s| role >= s.least) {
            a href=(s.href) aria-current=[s.holds(&frame.path).then_some("page")] { (frame.t(s.words)) }
        }
    }
}

/// The user's name (their account page) and the sign-out button.
fn who(frame: &Frame) -> Markup {
    html! {
        a href="/account" aria-current=[(frame.path == "/account").then_some("page")] { (frame.display_name) " (" (frame.t(&format!("role-{}", frame.role()))) ")" }
        form method="post" action="/logout" { (frame.csrf_field()) button type="submit" { (frame.t("sign-out")) } }
    }
}

/// Wraps a page body in the layout: a skip link, the header with the navigation (a bar on a
/// laptop, a "Menu" disclosure on a phone: no script, which the CSP forbids), and the main part.
pub fn page(frame: &Frame, title: &str, body: Markup) -> Markup {
    let here = SECTIONS.iter().find(|s| s.holds(&frame.path)).map(|s| frame.t(s.words));
    html! {
        (DOCTYPE)
        html lang=(frame.locale.tag()) {
            head {
                meta charset="utf-8";
                meta name="viewport" content="width=device-width, initial-scale=1";
                title { (title) " · Pacer" }
                link rel="stylesheet" href="/assets/pacer.css";
            }
            body {
                a.skip href="#content" { (frame.t("skip-to-content")) }
                header.top {
                    a.brand href="/" { "Pacer" }
                    @let badge = frame.fiscal_year_badge();
                    @let (year, span) = badge.split_once(" · ").unwrap_or((&badge, ""));
                    span.fy title=(frame.t("current-fiscal-year")) { (year) @if !span.is_empty() { span.range { " · " (span) } } }
                    div.who { (who(frame)) }
                    nav.sections aria-label=(frame.t("sections")) { (section_links(frame)) }
                    details.menu {
                        summary { (frame.t("menu")) @if let Some(words) = here { span.here { " · " (words) } } }
                        div.panel {
                            nav aria-label=(frame.t("sections")) { (section_links(frame)) }
                            div.who { (who(frame)) }
                        }
                    }
                }
                main #content tabindex="-1" { (body) }
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

#[cfg(test)]
mod tests {
    use super::{Frame, SECTIONS};
    use pacer_core::fiscal_calendar::{FiscalCalendar, YearNaming};
    use pacer_core::org::Organisation;

    fn frame(start_month: u32) -> Frame {
        let org = Organisation {
            calendar: FiscalCalendar::Monthly { start_month, naming: YearNaming::EndYear },
            ..Organisation::default()
        };
        Frame {
            principal: pacer_core::access::Principal::command_line(),
            display_name: String::new(),
            csrf: String::new(),
            org,
            path: "/".into(),
            locale: pacer_i18n::Locale::ENGLISH,
        }
    }

    /// A chart's span says so when the year is in progress, not the calendar year, or partly tracked.
    #[test]
    fn a_charts_year_says_what_it_covers() {
        let day = |s: &str| s.parse().unwrap();
        assert_eq!(frame(1).year_caveat(2026, day("2026-12-31"), None), "FY2026");
        assert_eq!(frame(1).year_caveat(2026, day("2026-12-07"), None), "FY2026 in progress: to Dec 7, 2026");
        assert_eq!(
            frame(2).year_caveat(2027, day("2026-12-07"), Some("covers 6 of 10 months (tracked since 2026-06-01)")),
            "FY2027, Feb 2026 – Jan 2027 in progress: to Dec 7, 2026; covers 6 of 10 months (tracked since 2026-06-01)"
        );
        let french = Frame { locale: pacer_i18n::Locale::FRENCH, ..frame(2) };
        assert_eq!(
            french.year_caveat(2027, day("2026-12-07"), None),
            "FY2027, févr. 2026 – janv. 2027 en cours : jusqu’au 7 déc. 2026"
        );
        assert_eq!(french.fiscal_year_badge().split(" · ").count(), 2);
    }

    fn section_of(path: &str) -> Vec<&'static str> {
        SECTIONS.iter().filter(|s| s.holds(path)).map(|s| s.words).collect()
    }

    #[test]
    fn a_page_is_in_one_section_at_most() {
        assert_eq!(section_of("/"), ["nav-home"]);
        assert_eq!(section_of("/plans/3/attainment"), ["nav-plans"]);
        assert_eq!(section_of("/plans/compare"), ["nav-plans"]);
        assert_eq!(section_of("/teams/3"), ["nav-organisation"]);
        assert_eq!(section_of("/reps/12"), ["nav-organisation"]);
        assert_eq!(section_of("/reviews/FY2027-Q2"), ["nav-reviews"]);
        assert_eq!(section_of("/tokens"), ["nav-tokens"]);
        // A path that only begins like a section is not in it.
        assert!(section_of("/reportsheet").is_empty());
        assert!(section_of("/account").is_empty());
    }
}
