//! Pacer's web layer: the JSON API under `/api/v1/` and the server-rendered
//! pages, on axum. It knows HTTP and nothing about SQL: every read and write
//! goes through the `pacer_storage::Store` trait, and every number comes from
//! `pacer_core`.
//!
//! Every route is declared once in [`routes::table`] with its access rule; the
//! router is built from that table, so a route cannot exist without a rule.

pub mod api;
pub mod auth;
pub mod charts;
pub mod error;
pub mod headers;
pub mod pages;
pub mod routes;

use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::http::{HeaderName, Request};
use pacer_storage::Store;
use std::sync::Arc;
use tower_http::limit::RequestBodyLimitLayer;
use tower_http::request_id::{MakeRequestUuid, PropagateRequestIdLayer, SetRequestIdLayer};
use tower_http::trace::TraceLayer;

/// Settings of the web layer.
#[derive(Debug, Clone)]
pub struct WebSettings {
    /// Mark cookies `Secure` (browsers still accept them on http://localhost).
    pub secure_cookies: bool,
    /// How long a session lasts, in seconds.
    pub session_ttl_s: i64,
    /// How long a session may go unused before it ends, in seconds.
    pub session_idle_s: i64,
    /// Largest request body accepted, in bytes.
    pub max_body_bytes: usize,
}

impl Default for WebSettings {
    fn default() -> Self {
        Self { secure_cookies: true, session_ttl_s: 12 * 3600, session_idle_s: 3600, max_body_bytes: 16 * 1024 * 1024 }
    }
}

/// What every handler can reach.
#[derive(Clone)]
pub struct AppState {
    /// The database.
    pub store: Arc<dyn Store>,
    /// Web settings.
    pub settings: Arc<WebSettings>,
    /// Recurring revenue, kept between requests while unchanged.
    pub series: Arc<pacer_app::churn::SeriesCache>,
    /// Daily rollups, the organisation and plans' targets, kept between requests while unchanged.
    pub warm: Arc<pacer_app::cache::WarmCache>,
}

impl AppState {
    /// The caches reports read through.
    pub fn caches(&self) -> pacer_app::cache::Caches<'_> {
        pacer_app::cache::Caches { warm: Some(&self.warm), series: &self.series }
    }

    /// The use cases' context for a request's caller, today.
    pub async fn context(&self, caller: &auth::Caller) -> Result<pacer_app::Context<'_>, error::ApiError> {
        let principal = api::principal(caller)?.clone();
        Ok(pacer_app::Context::new(self.store.as_ref(), self.caches(), principal, api::today()).await?)
    }

    /// State over a store.
    pub fn new(store: Arc<dyn Store>, settings: WebSettings) -> Self {
        Self { store, settings: Arc::new(settings), series: Arc::default(), warm: Arc::default() }
    }

    /// Reads the whole history's rollups into memory in the background, so that the first
    /// report after a start does not wait for them (requests meanwhile wait for this one read).
    pub fn warm_up(&self) {
        let (store, warm) = (self.store.clone(), self.warm.clone());
        tokio::spawn(async move {
            let started = std::time::Instant::now();
            match pacer_app::cache::daily_cube(store.as_ref(), &warm).await {
                Ok(cube) => {
                    tracing::info!(
                        rollup_rows = cube.cells(),
                        ms = started.elapsed().as_millis() as u64,
                        "rollups in memory"
                    )
                }
                Err(e) => tracing::warn!(error = %e, "rollups not loaded ahead; the first report will read them"),
            }
        });
    }
}

/// The whole application: routes, access rules, request ids, logs, body limit, security headers.
pub fn app(state: AppState) -> Router {
    let request_id = HeaderName::from_static("x-request-id");
    let max_body = state.settings.max_body_bytes;
    routes::router()
        .layer(axum::middleware::from_fn_with_state(state.clone(), auth::resolve_caller))
        .layer(RequestBodyLimitLayer::new(max_body))
        // One limit for every extractor too (axum's own default is 2 MB).
        .layer(DefaultBodyLimit::max(max_body))
        .layer(axum::middleware::from_fn(headers::harden))
        .layer(PropagateRequestIdLayer::new(request_id.clone()))
        .layer(TraceLayer::new_for_http().make_span_with(|req: &Request<_>| {
            let id = req.headers().get("x-request-id").and_then(|v| v.to_str().ok()).unwrap_or("-");
            tracing::info_span!("request", method = %req.method(), path = %req.uri().path(), request_id = %id)
        }))
        .layer(SetRequestIdLayer::new(request_id, MakeRequestUuid))
        .with_state(state)
}
