//! The OpenAPI description of the API, served at `/api/v1/openapi.json`.

use super::{access, catalog, churn, health, ingest, org, plan, report, review};
use axum::Json;
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::{Modify, OpenApi};

struct BearerToken;

impl Modify for BearerToken {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "token",
            SecurityScheme::Http(HttpBuilder::new().scheme(HttpAuthScheme::Bearer).build()),
        );
    }
}

/// The API's description.
#[derive(OpenApi)]
#[openapi(
    info(title = "Pacer API", description = "Sales metrics and annual planning. Sign in with a session cookie \
        (state-changing calls then need the X-CSRF-Token header) or send an API token as a bearer token. \
        Errors have one shape: {\"error\": {\"code\", \"message\", \"details\"}}. An X-Pacer-Reason header is \
        recorded in the audit log with the change."),
    paths(
        health::healthz,
        org::organisation, org::calendar,
        org::list_teams, org::get_team, org::create_team, org::update_team, org::deactivate_team,
        org::list_reps, org::get_rep, org::create_rep, org::update_rep, org::move_rep,
        access::me, access::list_users, access::create_user, access::update_user,
        access::list_tokens, access::create_token, access::revoke_token, access::audit,
        catalog::get_catalog, catalog::export_catalog, catalog::put_catalog, catalog::check_catalog,
        catalog::patch_kpi, catalog::readiness, catalog::kpi_value, catalog::completeness, catalog::logging_contest,
        ingest::post_activities, ingest::post_deals, ingest::post_subscriptions,
        churn::churn, churn::movements, churn::cohorts, churn::convert, churn::put_tags,
        report::get_report, report::get_leaderboard, report::get_pipeline, report::rebuild,
        plan::list, plan::create, plan::get, plan::update, plan::set_status, plan::copy, plan::allocate,
        plan::targets, plan::set_target, plan::attainment, plan::compare, plan::growth, plan::seasonality, plan::horizon, plan::set_horizon,
        plan::export_xlsx, plan::import_xlsx,
        review::get, review::open, review::close, review::add_note, review::rebalance,
    ),
    components(schemas(crate::error::ErrorDetail)),
    modifiers(&BearerToken),
    security(("token" = [])),
)]
pub struct ApiDoc;

/// The OpenAPI document.
pub async fn document() -> Json<utoipa::openapi::OpenApi> {
    Json(ApiDoc::openapi())
}
