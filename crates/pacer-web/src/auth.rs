//! Who is calling: sessions (cookie), API tokens (bearer), CSRF protection and sign-in throttling. The decision of what a
//! caller may do is `pacer_core::access`; this module only gathers the facts
//! and enforces the answer.

use crate::AppState;
use crate::error::ApiError;
use axum::body::{Body, to_bytes};
use axum::extract::{Request, State};
use axum::http::{HeaderMap, Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Redirect, Response};
use pacer_app::credentials::{random_secret, token_hash, verify_against_dummy, verify_password};
use pacer_core::access::{Access, Denied, Principal, User, check};
use pacer_core::language::Language;
use pacer_core::org::Organisation;
use pacer_core::throttle::{self, ThrottleKey};
use pacer_i18n::Locale;
use pacer_storage::Session;

/// Name of the session cookie.
pub const SESSION_COOKIE: &str = "pacer_session";
/// Name of the cookie that protects the sign-in form before any session exists.
pub const LOGIN_CSRF_COOKIE: &str = "pacer_login_csrf";
/// Form field (or `X-CSRF-Token` header) that must echo the session's token.
pub const CSRF_FIELD: &str = "csrf";
/// Largest form body the CSRF check reads.
const MAX_FORM_BYTES: usize = 1024 * 1024;
/// A session's last use is written at most this often, so that reading pages does not write each time.
const TOUCH_EVERY_S: i64 = 60;

/// What the server knows of the caller of this request.
#[derive(Debug, Clone, Default)]
pub struct Caller {
    /// The signed-in user or token, if any.
    pub principal: Option<Principal>,
    /// The session, when signed in with a cookie.
    pub session: Option<Session>,
    /// The user record, when signed in with a cookie.
    pub user: Option<User>,
    /// The path asked for, so that a page's navigation shows where the caller is.
    pub path: String,
    /// The language the pages speak to this caller ([`Language::choose`]: their own, the
    /// organisation's, their browser's); English on the API, whose JSON and CSV are for machines.
    pub locale: Locale,
    /// The language the caller's browser or client asks for (`Accept-Language`), if Pacer speaks it.
    pub asked: Option<Language>,
    /// The organisation's settings, read once for a page (its language, then its frame).
    pub organisation: Option<Organisation>,
}

/// The language of the person calling: their own, the organisation's, then what they asked for
/// ([`Language::choose`]). Pages speak it; the API writes only what is for people in it (a
/// workbook to download).
pub async fn reader_locale(state: &AppState, caller: &Caller) -> Result<Locale, ApiError> {
    let organisation = match &caller.organisation {
        Some(org) => org.language,
        None => state.store.organisation().await?.and_then(|o| o.language),
    };
    Ok(Locale::from(Language::choose(caller.user.as_ref().and_then(|u| u.language), organisation, caller.asked)))
}

/// The value of cookie `name`, if the request carries it.
pub fn cookie<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v)
}

/// A `Set-Cookie` value with the attributes every Pacer cookie has.
pub fn set_cookie(state: &AppState, name: &str, value: &str, max_age_s: i64) -> String {
    let secure = if state.settings.secure_cookies { "; Secure" } else { "" };
    format!("{name}={value}; Path=/; HttpOnly; SameSite=Lax; Max-Age={max_age_s}{secure}")
}

/// Seconds since the Unix epoch.
pub fn now_s() -> i64 {
    chrono::Utc::now().timestamp()
}

async fn identify(state: &AppState, headers: &HeaderMap) -> Result<Caller, ApiError> {
    if let Some(bearer) =
        headers.get(header::AUTHORIZATION).and_then(|v| v.to_str().ok()).and_then(|v| v.strip_prefix("Bearer "))
    {
        // A bearer token that is not valid is refused outright, not treated as anonymous.
        let token = state.store.token_by_hash(&token_hash(bearer.trim())).await?.ok_or(ApiError::Unauthorized)?;
        let principal = Principal::Token { id: token.id, name: token.name, scope: token.scope };
        return Ok(Caller { principal: Some(principal), ..Caller::default() });
    }
    if let Some(secret) = cookie(headers, SESSION_COOKIE)
        && let Some((session, user)) = state.store.session(&token_hash(secret), now_s()).await?
    {
        let now = now_s();
        let idle = now - session.last_seen_at;
        if idle > state.settings.session_idle_s {
            state.store.delete_session(&session.token_hash).await?;
            return Ok(Caller::default());
        }
        if idle >= TOUCH_EVERY_S {
            state.store.touch_session(&session.token_hash, now).await?;
        }
        let principal = pacer_app::context::principal_of(&*state.store, &user).await?;
        return Ok(Caller {
            principal: Some(principal),
            session: Some(session),
            user: Some(user),
            ..Caller::default()
        });
    }
    Ok(Caller::default())
}

fn wants_html(req: &Request) -> bool {
    !crate::error::is_api(req.uri().path())
}

/// First middleware: works out the caller and checks CSRF on every
/// state-changing request made with a session cookie (or to the sign-in form).
pub async fn resolve_caller(State(state): State<AppState>, req: Request, next: Next) -> Response {
    let html = wants_html(&req);
    let asked = req.headers().get(header::ACCEPT_LANGUAGE).and_then(|v| v.to_str().ok()).and_then(Language::negotiate);
    let caller = match identify(&state, req.headers()).await {
        Ok(caller) => Caller { path: req.uri().path().to_owned(), asked, ..caller },
        Err(e) => {
            let path = req.uri().path().to_owned();
            return crate::pages::in_locale(Locale::from(asked.unwrap_or_default()), async move { e.answer(&path) })
                .await;
        }
    };
    // The API speaks machines' English; pages the reader's language (the organisation's setting
    // is read only for them).
    let caller = if html {
        let organisation = match state.store.organisation().await {
            Ok(org) => org.unwrap_or_default(),
            Err(e) => return ApiError::from(e).answer(req.uri().path()),
        };
        let caller = Caller { organisation: Some(organisation), ..caller };
        match reader_locale(&state, &caller).await {
            Ok(locale) => Caller { locale, ..caller },
            Err(e) => return e.answer(req.uri().path()),
        }
    } else {
        caller
    };
    let locale = caller.locale;
    let unsafe_method = !matches!(*req.method(), Method::GET | Method::HEAD | Method::OPTIONS);
    let expected_csrf = match (&caller.session, req.uri().path()) {
        (Some(session), _) => Some(session.csrf_token.clone()),
        (None, "/login") => Some(cookie(req.headers(), LOGIN_CSRF_COOKIE).unwrap_or_default().to_string()),
        _ => None,
    };
    let mut req = req;
    if unsafe_method && let Some(expected) = expected_csrf {
        let (given, rebuilt) = csrf_from_request(req).await;
        req = rebuilt;
        let ok = !expected.is_empty() && given.as_deref() == Some(expected.as_str());
        if !ok {
            tracing::warn!(path = %req.uri().path(), "CSRF token missing or wrong");
            return if html {
                crate::pages::in_locale(locale, async {
                    crate::pages::message_page(
                        StatusCode::FORBIDDEN,
                        &locale.t("error-form-expired"),
                        &locale.t("error-form-expired.message"),
                    )
                })
                .await
            } else {
                ApiError::Csrf.into_response()
            };
        }
    }
    req.extensions_mut().insert(caller);
    crate::pages::in_locale(locale, next.run(req)).await
}

/// The CSRF token sent with a request: the `X-CSRF-Token` header, the `csrf`
/// field of a URL-encoded form (the body is read and put back), or for a file
/// upload (multipart), the `csrf` parameter of the address.
async fn csrf_from_request(req: Request) -> (Option<String>, Request) {
    if let Some(v) = req.headers().get("x-csrf-token").and_then(|v| v.to_str().ok()) {
        return (Some(v.to_string()), req);
    }
    let content_type = req.headers().get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok()).unwrap_or_default();
    // A file upload's body is not read here: its form puts the token in the address.
    if content_type.starts_with("multipart/form-data") {
        let given = req.uri().query().and_then(|q| {
            serde_urlencoded::from_str::<Vec<(String, String)>>(q)
                .ok()?
                .into_iter()
                .find(|(k, _)| k == CSRF_FIELD)
                .map(|(_, v)| v)
        });
        return (given, req);
    }
    if !content_type.starts_with("application/x-www-form-urlencoded") {
        return (None, req);
    }
    let (parts, body) = req.into_parts();
    let bytes = to_bytes(body, MAX_FORM_BYTES).await.unwrap_or_default();
    let given = serde_urlencoded::from_bytes::<Vec<(String, String)>>(&bytes)
        .ok()
        .and_then(|fields| fields.into_iter().find(|(k, _)| k == CSRF_FIELD).map(|(_, v)| v));
    (given, Request::from_parts(parts, Body::from(bytes)))
}

/// Per-route middleware: applies the route's [`Access`] rule.
pub async fn enforce(access: Access, req: Request, next: Next) -> Response {
    let caller = req.extensions().get::<Caller>().cloned().unwrap_or_default();
    match check(access, caller.principal.as_ref()) {
        Ok(()) => next.run(req).await,
        Err(Denied::NotSignedIn) if wants_html(&req) => {
            let target = req.uri().path_and_query().map(|pq| pq.as_str()).unwrap_or("/");
            let encoded: String = serde_urlencoded::to_string([("next", target)]).unwrap_or_default();
            Redirect::to(&format!("/login?{encoded}")).into_response()
        }
        Err(Denied::NotSignedIn) => ApiError::Unauthorized.into_response(),
        Err(Denied::Forbidden) => ApiError::Forbidden.answer(req.uri().path()),
    }
}

/// Checks a sign-in: the back-off first ([`pacer_core::throttle`]), then the password. On
/// success returns the user and forgets this account's failures from this address; on failure
/// records the attempt under each key. An attempt made while a wait runs is refused without
/// looking at the password, and is not counted. The error never says whether the account exists.
pub async fn authenticate(state: &AppState, username: &str, password: &str, address: &str) -> Result<User, ApiError> {
    let now = now_s();
    let keys = ThrottleKey::ALL.map(|k| (k, k.key(username, address)));
    let mut wait_s = 0;
    for (kind, key) in &keys {
        let failures = state.store.login_failures(key, now - throttle::WINDOW_S).await?;
        wait_s = wait_s.max(kind.backoff().remaining_s(failures.count, failures.last_at, now));
    }
    if wait_s > 0 {
        return Err(ApiError::TooManyRequests {
            message: format!("too many failed sign-ins: try again in {wait_s} seconds"),
            retry_after_s: wait_s,
        });
    }
    let credentials = state.store.credentials(username).await?;
    let user = match credentials {
        Some(c) if c.user.active && verify_password(password, &c.password_hash) => Some(c.user),
        Some(_) => None,
        None => {
            verify_against_dummy(password);
            None
        }
    };
    let [(_, pair_key), ..] = &keys;
    match user {
        Some(user) => {
            state.store.clear_login_failures(pair_key).await?;
            Ok(user)
        }
        None => {
            let keys: Vec<String> = keys.into_iter().map(|(_, key)| key).collect();
            state.store.record_login_failure(&keys, now, now - throttle::WINDOW_S).await?;
            Err(ApiError::Unauthorized)
        }
    }
}

/// Starts a session for `user`; returns the `Set-Cookie` value.
pub async fn start_session(state: &AppState, user: &User) -> Result<String, ApiError> {
    let secret = random_secret();
    let session = Session {
        token_hash: token_hash(&secret),
        user_id: user.id,
        csrf_token: random_secret(),
        expires_at: now_s() + state.settings.session_ttl_s,
        last_seen_at: now_s(),
    };
    state.store.create_session(&session).await?;
    Ok(set_cookie(state, SESSION_COOKIE, &secret, state.settings.session_ttl_s))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cookies_are_read_from_headers() {
        let mut headers = HeaderMap::new();
        headers.insert(header::COOKIE, "a=1; pacer_session=abc; b=2".parse().unwrap());
        assert_eq!(cookie(&headers, SESSION_COOKIE), Some("abc"));
        assert_eq!(cookie(&headers, "c"), None);
    }
}
