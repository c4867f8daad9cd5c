//! The web layer's errors: one JSON shape for the API
//! (`{"error": {"code", "message", "details"}}`) and one HTML page for the UI.
//! Internal errors are logged with the request and never shown to clients.

use axum::Json;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use pacer_app::AppError;
use pacer_storage::StoreError;
use serde::Serialize;

/// An error answered to an API client.
#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    /// 400: the request is malformed or a value is out of range.
    #[error("{0}")]
    BadRequest(String),
    /// 401: nobody is signed in, or the token is not valid.
    #[error("sign in or send a valid API token")]
    Unauthorized,
    /// 403: signed in, but not allowed.
    #[error("you are not allowed to do this")]
    Forbidden,
    /// 403: a state-changing request without the session's CSRF token.
    #[error("missing or wrong CSRF token: send the session's token in the X-CSRF-Token header")]
    Csrf,
    /// 404: no such record (or one the caller may not see).
    #[error("{0}")]
    NotFound(String),
    /// 409: a unique value is taken, or the change conflicts with stored data.
    #[error("{0}")]
    Conflict(String),
    /// 422: the values break a rule; `details` lists each problem.
    #[error("{message}")]
    Unprocessable {
        /// Summary.
        message: String,
        /// One entry per problem.
        details: Vec<serde_json::Value>,
    },
    /// 413: the request body is larger than the server accepts.
    #[error("request body too large")]
    PayloadTooLarge,
    /// 429: too many attempts; the client may try again after `retry_after_s` seconds.
    #[error("{message}")]
    TooManyRequests {
        /// What to do.
        message: String,
        /// Seconds to wait (the `Retry-After` header).
        retry_after_s: i64,
    },
    /// 500: logged, never detailed to the client.
    #[error("internal error")]
    Internal(String),
}

/// The body of every error the API answers: `{"error": {"code", "message", "details"}}`.
#[derive(Serialize, utoipa::ToSchema)]
pub struct ErrorBody {
    /// What went wrong.
    error: ErrorDetail,
}

/// What went wrong: a stable code, a sentence and, for invalid values, one entry per problem.
#[derive(Serialize, utoipa::ToSchema)]
pub struct ErrorDetail {
    /// Stable machine-readable code: `bad_request`, `unauthorized`, `forbidden`, `csrf`,
    /// `not_found`, `conflict`, `invalid`, `too_large`, `too_many_requests` or `internal`.
    #[schema(example = "not_found")]
    code: &'static str,
    /// A sentence for people.
    message: String,
    /// Per-field or per-record problems (422), e.g. `{"index", "field", "reason"}`; else empty.
    #[schema(value_type = Vec<Object>)]
    details: Vec<serde_json::Value>,
}

impl ApiError {
    /// The status and stable code of this error.
    pub fn status_code(&self) -> (StatusCode, &'static str) {
        match self {
            ApiError::BadRequest(_) => (StatusCode::BAD_REQUEST, "bad_request"),
            ApiError::Unauthorized => (StatusCode::UNAUTHORIZED, "unauthorized"),
            ApiError::Forbidden => (StatusCode::FORBIDDEN, "forbidden"),
            ApiError::Csrf => (StatusCode::FORBIDDEN, "csrf"),
            ApiError::NotFound(_) => (StatusCode::NOT_FOUND, "not_found"),
            ApiError::Conflict(_) => (StatusCode::CONFLICT, "conflict"),
            ApiError::Unprocessable { .. } => (StatusCode::UNPROCESSABLE_ENTITY, "invalid"),
            ApiError::PayloadTooLarge => (StatusCode::PAYLOAD_TOO_LARGE, "too_large"),
            ApiError::TooManyRequests { .. } => (StatusCode::TOO_MANY_REQUESTS, "too_many_requests"),
            ApiError::Internal(_) => (StatusCode::INTERNAL_SERVER_ERROR, "internal"),
        }
    }

    /// The answer to a request for `path`: the JSON shape under `/api/`, a page elsewhere.
    pub fn answer(self, path: &str) -> Response {
        if is_api(path) { self.into_response() } else { crate::pages::error_page(&self) }
    }

    /// The `Retry-After` header of a 429.
    pub fn retry_after(&self) -> Option<axum::http::HeaderValue> {
        match self {
            ApiError::TooManyRequests { retry_after_s, .. } => Some((*retry_after_s).into()),
            _ => None,
        }
    }

    /// A 422 with one problem.
    pub fn invalid(message: impl Into<String>) -> Self {
        let message = message.into();
        ApiError::Unprocessable { details: vec![serde_json::json!({ "reason": message })], message }
    }
}

impl From<AppError> for ApiError {
    fn from(e: AppError) -> Self {
        match e {
            AppError::BadRequest(m) => ApiError::BadRequest(m),
            AppError::Forbidden => ApiError::Forbidden,
            AppError::NotFound(m) => ApiError::NotFound(m),
            AppError::Conflict(m) => ApiError::Conflict(m),
            AppError::Invalid { message, details } => ApiError::Unprocessable { message, details },
            internal @ AppError::Internal(_) => ApiError::Internal(internal.chain()),
        }
    }
}

impl From<StoreError> for ApiError {
    fn from(e: StoreError) -> Self {
        AppError::from(e).into()
    }
}

impl From<pacer_core::values::ValueError> for ApiError {
    fn from(e: pacer_core::values::ValueError) -> Self {
        AppError::from(e).into()
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let (status, code) = self.status_code();
        if let ApiError::Internal(detail) = &self {
            tracing::error!(%detail, "internal error");
        }
        let details = match &self {
            ApiError::Unprocessable { details, .. } => details.clone(),
            _ => Vec::new(),
        };
        let body = ErrorBody { error: ErrorDetail { code, message: self.to_string(), details } };
        let mut response = (status, Json(body)).into_response();
        if let Some(retry) = self.retry_after() {
            response.headers_mut().insert(axum::http::header::RETRY_AFTER, retry);
        }
        response
    }
}

/// Whether requests for `path` are answered in the API's JSON shape (else with pages).
pub fn is_api(path: &str) -> bool {
    path.starts_with("/api/")
}

/// Result of an API handler.
pub type ApiResult<T> = Result<T, ApiError>;
