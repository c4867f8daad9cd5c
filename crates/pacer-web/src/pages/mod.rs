//! Server-rendered pages (maud), one layout, no asset fetched from outside
//! the binary. Each page asks the same policy as the API.

pub mod audit;
pub mod calendar;
pub mod catalog;
pub mod churn;
pub mod confirm;
pub mod dashboard;
pub mod digest;
pub mod filters;
pub mod home;
pub mod import;
pub mod layout;
pub mod login;
pub mod org;
pub mod plan;
pub mod plan_edit;
pub mod report;
pub mod review;
pub mod scorecard;
pub mod stages;
pub mod users;

use crate::error::ApiError;
use axum::Form;
use axum::extract::{FromRequest, FromRequestParts};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use maud::{Markup, html};
use pacer_core::limits;
use pacer_i18n::{Locale, tr};
use pacer_storage::StoreError;
use serde::de::DeserializeOwned;

tokio::task_local! {
    /// The language of the request being answered. Pages read it from their [`layout::Frame`];
    /// only the error and message pages, which an error's conversion builds without the
    /// request at hand, read it from here.
    static PAGE_LOCALE: Locale;
}

/// Runs `answer` with `locale` as the language of the error and message pages it may build.
pub async fn in_locale<F: std::future::Future>(locale: Locale, answer: F) -> F::Output {
    PAGE_LOCALE.scope(locale, answer).await
}

/// The language of the request being answered (English outside one).
fn page_locale() -> Locale {
    PAGE_LOCALE.try_with(|l| *l).unwrap_or_default()
}

/// An error shown as a page.
#[derive(Debug)]
pub struct PageError(pub ApiError);

impl From<ApiError> for PageError {
    fn from(e: ApiError) -> Self {
        Self(e)
    }
}

impl From<StoreError> for PageError {
    fn from(e: StoreError) -> Self {
        Self(e.into())
    }
}

impl From<pacer_core::values::ValueError> for PageError {
    fn from(e: pacer_core::values::ValueError) -> Self {
        Self(e.into())
    }
}

impl From<pacer_app::AppError> for PageError {
    fn from(e: pacer_app::AppError) -> Self {
        Self(e.into())
    }
}

impl IntoResponse for PageError {
    fn into_response(self) -> Response {
        error_page(&self.0)
    }
}

/// Result of a page handler.
pub type PageResult<T> = Result<T, PageError>;

/// A submitted form, read like axum's `Form` once every field is within Pacer's limits
/// ([`limits::check_text`]); a field beyond them answers a page that names it, and nothing is saved.
pub struct PageForm<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequest<S> for PageForm<T> {
    type Rejection = Response;

    async fn from_request(req: axum::extract::Request, state: &S) -> Result<Self, Response> {
        let Form(fields) =
            Form::<Vec<(String, String)>>::from_request(req, state).await.map_err(IntoResponse::into_response)?;
        for (name, value) in &fields {
            if let Err(e) = limits::check_text(value, limits::TextKind::of_field(name)) {
                let locale = page_locale();
                let message = tr!(locale, "error-field-refused", field = name.as_str(), reason = e.to_string());
                return Err(message_page(StatusCode::UNPROCESSABLE_ENTITY, &locale.t("error-not-saved"), &message));
            }
        }
        let encoded = serde_urlencoded::to_string(&fields).map_err(|e| bad_form(&e.to_string()))?;
        serde_urlencoded::from_str(&encoded).map(PageForm).map_err(|e| bad_form(&e.to_string()))
    }
}

/// A page's query string, read like axum's `Query` with two differences: a blank field is no
/// field (a GET form sends the fields left blank as `fy=`), and a value that cannot be read
/// answers a 400 page that names the field and the value.
pub struct PageQuery<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequestParts<S> for PageQuery<T> {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut axum::http::request::Parts, _: &S) -> Result<Self, Response> {
        let bad = |reason: String| error_page(&ApiError::BadRequest(reason));
        let locale = page_locale();
        let fields: Vec<(String, String)> = serde_urlencoded::from_str(parts.uri.query().unwrap_or_default())
            .map_err(|e| bad(tr!(locale, "page-address-unreadable", reason = e.to_string())))?;
        let filled: Vec<(String, String)> = fields.into_iter().filter(|(_, v)| !v.trim().is_empty()).collect();
        let encoded = serde_urlencoded::to_string(&filled).map_err(|e| bad(e.to_string()))?;
        let fields = serde_urlencoded::Deserializer::new(form_urlencoded::parse(encoded.as_bytes()));
        serde_path_to_error::deserialize(fields).map(PageQuery).map_err(|e| {
            let name = e.path().to_string();
            match filled.iter().find(|(k, _)| *k == name) {
                Some((_, value)) => bad(tr!(
                    locale,
                    "page-filter-unreadable",
                    name = name.as_str(),
                    value = format!("{value:?}"),
                    reason = e.inner().to_string()
                )),
                None => bad(tr!(locale, "page-filters-unreadable", reason = e.to_string())),
            }
        })
    }
}

fn bad_form(reason: &str) -> Response {
    let locale = page_locale();
    message_page(
        StatusCode::UNPROCESSABLE_ENTITY,
        &locale.t("error-not-saved"),
        &tr!(locale, "error-form-unreadable", reason = reason),
    )
}

/// A bare page with a title and a message, outside the layout (works before sign-in).
pub fn message_page(status: StatusCode, title: &str, message: &str) -> Response {
    let locale = page_locale();
    let body = html! {
        (maud::DOCTYPE)
        html lang=(locale.tag()) {
            head { meta charset="utf-8"; meta name="viewport" content="width=device-width, initial-scale=1";
                   title { (title) " · Pacer" } link rel="stylesheet" href="/assets/pacer.css"; }
            body { main { div.card { h1 { (title) } p { (message) } p { a href="/" { (locale.t("error-back")) } } } } }
        }
    };
    (status, body).into_response()
}

/// The page for an error: internal details are logged, never shown.
pub fn error_page(e: &ApiError) -> Response {
    let (status, _) = e.status_code();
    if let ApiError::Internal(detail) = e {
        tracing::error!(%detail, "internal error");
    }
    let locale = page_locale();
    let title = locale.t(match status {
        StatusCode::UNAUTHORIZED => "error-sign-in",
        StatusCode::FORBIDDEN => "error-forbidden",
        StatusCode::NOT_FOUND => "error-not-found",
        StatusCode::TOO_MANY_REQUESTS => "error-too-many",
        s if s.is_client_error() => "error-refused",
        _ => "error-internal",
    });
    // What went wrong, in the reader's language where Pacer has the words for it; a refusal's
    // own explanation (a value, a rule) follows as the use cases wrote it.
    let message = match e {
        ApiError::Unauthorized => locale.t("error-sign-in.message"),
        ApiError::Forbidden | ApiError::Csrf => locale.t("error-forbidden.message"),
        ApiError::PayloadTooLarge => locale.t("error-too-large"),
        ApiError::Internal(_) => locale.t("error-internal.message"),
        ApiError::NotFound(what) if what == NO_PAGE => locale.t("error-not-found.message"),
        other => other.to_string(),
    };
    message_page(status, &title, &message)
}

/// What a 404 of the pages says of an address no route has.
const NO_PAGE: &str = "there is no page at this address";

/// 404 for any path no route has: in the API's error shape under `/api/`, a page elsewhere.
pub async fn not_found(uri: axum::http::Uri) -> Response {
    let what = if crate::error::is_api(uri.path()) {
        "there is no API endpoint at this address: see /api/v1/openapi.json"
    } else {
        NO_PAGE
    };
    ApiError::NotFound(what.into()).answer(uri.path())
}

/// After a successful form: back to `to`, with a notice to show.
pub fn redirect_with_notice(to: &str, notice: &str) -> Response {
    redirect_with_warnings(to, notice, &[])
}

/// After a form that succeeded with warnings: back to `to`, with the notice and the warnings,
/// which the page shows as warnings, not as a success.
pub fn redirect_with_warnings(to: &str, notice: &str, warnings: &[String]) -> Response {
    let sep = if to.contains('?') { '&' } else { '?' };
    let warning = warnings.join("; ");
    let mut pairs = vec![("notice", notice)];
    if !warning.is_empty() {
        pairs.push(("warning", &warning));
    }
    let query = serde_urlencoded::to_string(pairs).unwrap_or_default();
    Redirect::to(&format!("{to}{sep}{query}")).into_response()
}

/// The notice passed by [`redirect_with_notice`].
#[derive(serde::Deserialize, Default)]
pub struct Notice {
    /// Text to show at the top of the page.
    pub notice: Option<String>,
    /// A warning that goes with it.
    pub warning: Option<String>,
}

/// Renders a notice and its warning, if any.
pub fn notice(n: &Notice) -> Markup {
    html! {
        @if let Some(text) = &n.notice { div.notice role="status" { (text) } }
        @if let Some(text) = &n.warning { (warning(text)) }
    }
}

/// A warning: something worked but deserves a look (short history, a month far below the others).
pub fn warning(text: &str) -> Markup {
    html! { div.notice.warning role="alert" { strong { (page_locale().t("warning-lead")) " " } (text) } }
}

/// Several warnings about one thing, in one box.
pub fn warnings(about: &str, list: &[String]) -> Markup {
    html! {
        @if let [one] = list { (warning(one)) }
        @else if !list.is_empty() { div.notice.warning role="alert" { strong { (about) } ul { @for w in list { li { (w) } } } } }
    }
}

/// A form field that was filled in: empty strings from forms mean "none".
pub fn filled(value: Option<String>) -> Option<String> {
    value.map(|v| v.trim().to_string()).filter(|v| !v.is_empty())
}

/// An instant as stored (RFC 3339, UTC) for people: the day and the minute, with the exact
/// instant on hover; a text that is not an instant as it is.
pub fn moment(locale: Locale, at: &str) -> Markup {
    let shown = chrono::DateTime::parse_from_rfc3339(at)
        .map(|t| format!("{}, {}", locale.date(t.date_naive()), t.format("%H:%M")))
        .unwrap_or_else(|_| at.to_owned());
    html! { time datetime=(at) title=(at) { (shown) } }
}

/// A key a file or the catalog defines without words for people (`no_answer`), as words:
/// `No answer`.
pub fn key_words(key: &str) -> String {
    let spaced = key.replace('_', " ");
    let mut chars = spaced.chars();
    chars.next().map(|first| first.to_uppercase().chain(chars).collect()).unwrap_or_default()
}
