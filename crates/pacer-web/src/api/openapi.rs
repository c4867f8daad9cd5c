//! The OpenAPI description of the API, served at `/api/v1/openapi.json`.
//!
//! Handlers describe what they answer themselves (`#[utoipa::path]`: parameters where they
//! are, bodies with their real types, the errors of their own logic). What every route answers
//! whatever its handler does is added here from the layers in front of the handlers
//! ([`CommonErrors`]), with the route's access rule taken from [`crate::routes::table`].
//! `tests/openapi.rs` checks the document; `crates/pacer/tests/schemathesis.rs` checks the
//! served API against it.

use super::{access, catalog, churn, dashboard, fx, health, ingest, org, plan, report, review, scorecard, stages};
use crate::error::ErrorBody;
use axum::Json;
use pacer_core::access::{Access, Role, Scope};
use utoipa::openapi::path::{Operation, PathItem};
use utoipa::openapi::response::ResponseBuilder;
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::openapi::{ContentBuilder, Ref, RefOr};
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

/// The answers of the layers in front of every handler, added to each operation that can get
/// them (a handler's own description of the same status wins):
/// - 400: a query or path parameter, or a body, that cannot be read (the `Api*` extractors);
/// - 401 and 403: the access check, on every route that is not public (no valid session or
///   token; signed in without the rights, or a session's state change without its CSRF token);
/// - 404: a path whose `{parameter}` names nothing there (or nothing the caller may see);
/// - 413: a body over the server's limit;
/// - 422: a JSON body of the wrong shape.
///
/// Each is `{"error": ...}` ([`ErrorBody`]). The route's access rule is also written in the
/// operation's description.
struct CommonErrors;

fn error_response(description: &str) -> RefOr<utoipa::openapi::response::Response> {
    let content = ContentBuilder::new().schema(Some(Ref::from_schema_name("ErrorBody"))).build();
    ResponseBuilder::new().description(description).content("application/json", content).build().into()
}

fn who_may(access: Access) -> String {
    let role = |r: Role| match r {
        Role::Rep => "any signed-in user",
        Role::Manager => "managers and up",
        Role::Leader => "leaders and admins",
        Role::Admin => "admins",
    };
    let scope = |s: Scope| match s {
        Scope::Admin => "an admin token".to_string(),
        other => format!("a {other} or admin token"),
    };
    match access {
        Access::Public => "anyone".into(),
        Access::SignedIn => "any signed-in user".into(),
        Access::AtLeast(r) => role(r).into(),
        Access::SignedInOrToken(s) => format!("any signed-in user, or {}", scope(s)),
        Access::AtLeastOrToken(r, s) => format!("{}, or {}", role(r), scope(s)),
    }
}

fn operations(item: &mut PathItem) -> impl Iterator<Item = (&'static str, &mut Operation)> {
    [
        ("GET", item.get.as_mut()),
        ("PUT", item.put.as_mut()),
        ("POST", item.post.as_mut()),
        ("DELETE", item.delete.as_mut()),
        ("PATCH", item.patch.as_mut()),
    ]
    .into_iter()
    .filter_map(|(method, op)| op.map(|op| (method, op)))
}

impl Modify for CommonErrors {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let routes = crate::routes::table();
        for (path, item) in openapi.paths.paths.iter_mut() {
            for (method, op) in operations(item) {
                let access = routes
                    .iter()
                    .find(|r| r.method.as_str() == method && r.path == path.as_str())
                    .map(|r| r.access)
                    .unwrap_or_else(|| panic!("{method} {path} is documented but has no route"));
                let public = access == Access::Public;
                let has_params = op.parameters.as_ref().is_some_and(|p| !p.is_empty());
                let body = op.request_body.as_ref();
                let json_body = body.is_some_and(|b| b.content.contains_key("application/json"));
                let mut add = |status: &str, description: &str, when: bool| {
                    if when {
                        op.responses.responses.entry(status.to_string()).or_insert_with(|| error_response(description));
                    }
                };
                add("400", "A parameter or the body cannot be read", has_params || body.is_some());
                add("401", "No valid session or API token", !public);
                add("403", "Not allowed (or a session's change without its CSRF token)", !public);
                add("404", "Nothing there, or nothing the caller may see", path.contains('{'));
                add("413", "The body is larger than the server accepts", body.is_some());
                add("422", "The JSON body does not have the documented shape", json_body);
                let rule = format!("Access: {}.", who_may(access));
                op.description = Some(match op.description.take() {
                    Some(d) if !d.is_empty() => format!("{d}\n\n{rule}"),
                    _ => rule,
                });
            }
        }
    }
}

/// The API's description.
#[derive(OpenApi)]
#[openapi(
    info(title = "Pacer API", description = "Sales metrics and annual planning. Sign in with a session cookie \
        (state-changing calls then need the X-CSRF-Token header) or send an API token as a bearer token \
        (scopes: ingest, read, admin; an admin token may call everything an admin user may). \
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
        ingest::post_activities, ingest::post_deals, ingest::deals, ingest::post_subscriptions,
        churn::churn, churn::movements, churn::cohorts, churn::convert, churn::put_tags,
        report::get_report, report::get_leaderboard, report::get_pipeline, report::rebuild,
        scorecard::get_scorecard, dashboard::get_dashboard,
        stages::get_stages, stages::put_stages,
        fx::list, fx::put,
        plan::list, plan::create, plan::get, plan::update, plan::set_status, plan::copy, plan::allocate,
        plan::targets, plan::set_target, plan::attainment, plan::compare, plan::growth, plan::seasonality, plan::horizon, plan::set_horizon,
        plan::export_xlsx, plan::import_xlsx,
        review::get, review::open, review::close, review::add_note, review::rebalance,
    ),
    components(schemas(ErrorBody, crate::error::ErrorDetail)),
    modifiers(&BearerToken, &CommonErrors),
    security(("token" = [])),
)]
pub struct ApiDoc;

/// The OpenAPI document.
pub async fn document() -> Json<utoipa::openapi::OpenApi> {
    Json(ApiDoc::openapi())
}
