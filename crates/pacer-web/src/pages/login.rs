//! Sign in and sign out.

use super::{PageForm, PageQuery};
use crate::AppState;
use crate::auth::{CSRF_FIELD, Caller, LOGIN_CSRF_COOKIE, SESSION_COOKIE, authenticate, set_cookie, start_session};
use crate::error::ApiError;
use axum::extract::{ConnectInfo, Extension, State};
use axum::http::{StatusCode, header};
use axum::response::{AppendHeaders, IntoResponse, Redirect, Response};
use maud::{DOCTYPE, html};
use pacer_app::credentials::random_secret;
use pacer_i18n::{Locale, tr};
use serde::Deserialize;
use std::net::SocketAddr;

/// Where to go after signing in.
#[derive(Deserialize, Default)]
pub struct NextPage {
    /// A local path.
    pub next: Option<String>,
}

/// Only local paths: never redirect to another site after sign-in.
fn safe_next(next: Option<&str>) -> &str {
    match next {
        Some(p) if p.starts_with('/') && !p.starts_with("//") && !p.contains('\\') => p,
        _ => "/",
    }
}

/// The sign-in page, in the browser's language (no one is signed in yet: `Caller::locale` comes
/// from `Accept-Language`, or the organisation's language).
fn login_page(state: &AppState, locale: Locale, status: StatusCode, next: &str, error: Option<&str>) -> Response {
    let csrf = random_secret();
    let body = html! {
        (DOCTYPE)
        html lang=(locale.tag()) {
            head {
                meta charset="utf-8"; meta name="viewport" content="width=device-width, initial-scale=1";
                title { (locale.t("login-sign-in")) " · Pacer" } link rel="stylesheet" href="/assets/pacer.css";
            }
            body { main.login { div.card {
                h1 { (locale.t("login-heading")) }
                @if let Some(e) = error { div.error role="alert" { (e) } }
                form.stack method="post" action="/login" {
                    input type="hidden" name=(CSRF_FIELD) value=(csrf);
                    input type="hidden" name="next" value=(next);
                    label { (locale.t("login-username")) input name="username" autocomplete="username" required autofocus; }
                    label { (locale.t("login-password")) input type="password" name="password" autocomplete="current-password" required; }
                    button type="submit" { (locale.t("login-sign-in")) }
                }
            } } }
        }
    };
    let cookie = set_cookie(state, LOGIN_CSRF_COOKIE, &csrf, 3600);
    (status, [(header::SET_COOKIE, cookie)], body).into_response()
}

/// The sign-in form.
pub async fn form(
    State(state): State<AppState>,
    Extension(caller): Extension<Caller>,
    PageQuery(q): PageQuery<NextPage>,
) -> Response {
    login_page(&state, caller.locale, StatusCode::OK, safe_next(q.next.as_deref()), None)
}

/// What the sign-in form sends.
#[derive(Deserialize)]
pub struct Credentials {
    username: String,
    password: String,
    next: Option<String>,
}

/// Checks the credentials (throttled), starts a session and goes on.
pub async fn submit(
    State(state): State<AppState>,
    Extension(caller): Extension<Caller>,
    connect: Option<Extension<ConnectInfo<SocketAddr>>>,
    PageForm(form): PageForm<Credentials>,
) -> Response {
    let locale = caller.locale;
    let address = connect.map(|Extension(ConnectInfo(addr))| addr.ip().to_string()).unwrap_or_else(|| "local".into());
    let next = safe_next(form.next.as_deref()).to_string();
    match authenticate(&state, &form.username, &form.password, &address).await {
        Ok(user) => match start_session(&state, &user).await {
            Ok(cookie) => {
                tracing::info!(user = %user.username, "signed in");
                let clear = set_cookie(&state, LOGIN_CSRF_COOKIE, "", 0);
                (AppendHeaders([(header::SET_COOKIE, cookie), (header::SET_COOKIE, clear)]), Redirect::to(&next))
                    .into_response()
            }
            Err(e) => super::error_page(&e),
        },
        Err(e @ ApiError::TooManyRequests { .. }) => {
            let wait = match &e {
                ApiError::TooManyRequests { retry_after_s, .. } => *retry_after_s,
                _ => 0,
            };
            let said = tr!(locale, "login-too-many", count = wait, seconds = locale.count(wait));
            let mut page = login_page(&state, locale, StatusCode::TOO_MANY_REQUESTS, &next, Some(&said));
            if let Some(retry) = e.retry_after() {
                page.headers_mut().insert(header::RETRY_AFTER, retry);
            }
            page
        }
        Err(ApiError::Unauthorized) => {
            login_page(&state, locale, StatusCode::UNAUTHORIZED, &next, Some(&locale.t("login-wrong")))
        }
        Err(e) => super::error_page(&e),
    }
}

/// Ends the session.
pub async fn logout(State(state): State<AppState>, Extension(caller): Extension<Caller>) -> Response {
    if let Some(session) = &caller.session
        && let Err(e) = state.store.delete_session(&session.token_hash).await
    {
        return super::error_page(&e.into());
    }
    let clear = set_cookie(&state, SESSION_COOKIE, "", 0);
    ([(header::SET_COOKIE, clear)], Redirect::to("/login")).into_response()
}

#[cfg(test)]
mod tests {
    use super::safe_next;

    #[test]
    fn only_local_redirects() {
        assert_eq!(safe_next(Some("/reps/3")), "/reps/3");
        assert_eq!(safe_next(Some("//evil.example")), "/");
        assert_eq!(safe_next(Some("https://evil.example")), "/");
        assert_eq!(safe_next(Some("/\\evil")), "/");
        assert_eq!(safe_next(None), "/");
    }
}
