//! What every response carries: the security headers, no caching of what a
//! signed-in caller or a download gets, and the one error shape for a body
//! the size limit refused, or an address with control characters, before any
//! handler ran.

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

/// Why an address is refused: a control character (NUL, a line break...) in its path or query,
/// once percent-decoded. No name, key or filter holds one, and PostgreSQL's text refuses NUL, so
/// refusing them here spares every handler from meeting them.
fn control_character(uri: &axum::http::Uri) -> Option<String> {
    let decoded = |part: &str| {
        let bytes = part.as_bytes();
        let mut out = Vec::with_capacity(bytes.len());
        let mut i = 0;
        while let Some(&b) = bytes.get(i) {
            let escaped = bytes
                .get(i + 1..i + 3)
                .filter(|h| h.iter().all(u8::is_ascii_hexdigit))
                .and_then(|h| u8::from_str_radix(std::str::from_utf8(h).ok()?, 16).ok());
            match (b, escaped) {
                (b'%', Some(value)) => {
                    out.push(value);
                    i += 3;
                }
                _ => {
                    out.push(b);
                    i += 1;
                }
            }
        }
        String::from_utf8_lossy(&out).into_owned()
    };
    [("path", uri.path()), ("query", uri.query().unwrap_or(""))].into_iter().find_map(|(name, part)| {
        decoded(part).chars().find(|c| c.is_control()).map(|c| {
            format!(
                "the address's {name} holds the control character U+{:04X}: no Pacer address or filter takes one",
                c as u32
            )
        })
    })
}

/// Outer middleware: security headers on every response; `Cache-Control:
/// no-store` on downloads and on answers to a request with credentials (unless
/// the handler chose its own caching, as the public stylesheet does); the size
/// limit's plain-text 413 in the API's error shape or as a page.
pub async fn harden(req: Request, next: Next) -> Response {
    let path = req.uri().path().to_string();
    if let Some(reason) = control_character(req.uri()) {
        return ApiError::BadRequest(reason).answer(&path);
    }
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
