//! What every response carries: the security headers, no caching of what a
//! signed-in caller or a download gets, and the one error shape for a body
//! the size limit refused before any handler ran.

use crate::auth::{SESSION_COOKIE, cookie};
use crate::error::ApiError;
use axum::extract::Request;
use axum::http::{HeaderValue, StatusCode, header};
use axum::middleware::Next;
use axum::response::Response;

/// The pages load nothing from elsewhere and run no script; the charts' SVG
/// carries `style` attributes, which is all `style-src-attr` allows; no other
/// site may frame a page, and forms post only to Pacer.
pub const CONTENT_SECURITY_POLICY: &str = "default-src 'self'; script-src 'none'; object-src 'none'; \
     style-src 'self'; style-src-attr 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

/// Outer middleware: security headers on every response; `Cache-Control:
/// no-store` on downloads and on answers to a request with credentials (unless
/// the handler chose its own caching, as the public stylesheet does); the size
/// limit's plain-text 413 in the API's error shape or as a page.
pub async fn harden(req: Request, next: Next) -> Response {
    let path = req.uri().path().to_string();
    let credentials =
        req.headers().contains_key(header::AUTHORIZATION) || cookie(req.headers(), SESSION_COOKIE).is_some();
    let mut resp = next.run(req).await;
    let plain_text = |r: &Response| {
        r.headers().get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok()).is_some_and(|v| v.starts_with("text/plain"))
    };
    if resp.status() == StatusCode::PAYLOAD_TOO_LARGE && plain_text(&resp) {
        resp = ApiError::PayloadTooLarge.answer(&path);
    }
    let headers = resp.headers_mut();
    for (name, value) in [
        (header::CONTENT_SECURITY_POLICY, CONTENT_SECURITY_POLICY),
        (header::X_CONTENT_TYPE_OPTIONS, "nosniff"),
        (header::REFERRER_POLICY, "same-origin"),
        (header::X_FRAME_OPTIONS, "DENY"),
    ] {
        headers.insert(name, HeaderValue::from_static(value));
    }
    let download = headers
        .get(header::CONTENT_DISPOSITION)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("attachment"));
    if download || (credentials && !headers.contains_key(header::CACHE_CONTROL)) {
        headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    }
    resp
}
