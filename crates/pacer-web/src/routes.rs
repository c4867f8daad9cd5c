//! Every route of Pacer, each with the access rule checked before its
//! handler runs. The router is built from this table and nothing else, and
//! the access-matrix test walks the same table.

use crate::{AppState, api, auth, pages};
use axum::Router;
use axum::handler::Handler;
use axum::http::Method;
use axum::routing::{MethodRouter, delete, get, patch, post, put};
use pacer_core::access::{Access, Role, Scope};

/// One route: method, path (axum syntax), access rule and handler.
pub struct Route {
    /// HTTP method.
    pub method: Method,
    /// Path, with `{param}` placeholders.
    pub path: &'static str,
    /// Who may call it.
    pub access: Access,
    handler: MethodRouter<AppState>,
}

fn route<H, T>(method: Method, path: &'static str, access: Access, handler: H) -> Route
where
    H: Handler<T, AppState>,
    T: 'static,
{
    let handler = match method.as_str() {
        "GET" => get(handler),
        "POST" => post(handler),
        "PATCH" => patch(handler),
        "DELETE" => delete(handler),
        "PUT" => put(handler),
        other => unreachable!("no route uses {other}"),
    };
    Route { method, path, access, handler }
}

const PUBLIC: Access = Access::Public;
const SIGNED_IN: Access = Access::SignedIn;
const READ: Access = Access::SignedInOrToken(Scope::Read);
const MANAGER: Access = Access::AtLeast(Role::Manager);
const MANAGER_READ: Access = Access::AtLeastOrToken(Role::Manager, Scope::Read);
const LEADER_READ: Access = Access::AtLeastOrToken(Role::Leader, Scope::Read);
const INGEST: Access = Access::SignedInOrToken(Scope::Ingest);
// Recurring revenue is company-wide: integrations and leadership write it.
/// Deals come from the CRM or from managers up: a rep's own won deal would count as their revenue.
const MANAGER_INGEST: Access = Access::AtLeastOrToken(Role::Manager, Scope::Ingest);
const LEADER_INGEST: Access = Access::AtLeastOrToken(Role::Leader, Scope::Ingest);
const LEADER: Access = Access::AtLeast(Role::Leader);
const ADMIN: Access = Access::AtLeast(Role::Admin);
// The API's calls for leaders and admins: the people, or an admin token (pages stay for people).
const LEADER_API: Access = Access::AtLeastOrToken(Role::Leader, Scope::Admin);
const ADMIN_API: Access = Access::AtLeastOrToken(Role::Admin, Scope::Admin);

/// The route table.
pub fn table() -> Vec<Route> {
    use Method as M;
    vec![
        // Public
        route(M::GET, "/healthz", PUBLIC, api::health::healthz),
        route(M::GET, "/assets/pacer.css", PUBLIC, pages::layout::stylesheet),
        route(M::GET, "/login", PUBLIC, pages::login::form),
        route(M::POST, "/login", PUBLIC, pages::login::submit),
        route(M::GET, "/api/v1/openapi.json", PUBLIC, api::openapi::document),
        // Pages for any signed-in user; handlers scope the data.
        route(M::POST, "/logout", SIGNED_IN, pages::login::logout),
        route(M::GET, "/", SIGNED_IN, pages::home::page),
        route(M::GET, "/org", SIGNED_IN, pages::org::page),
        route(M::GET, "/teams/{id}", SIGNED_IN, pages::org::team_page),
        route(M::GET, "/reps/{id}", SIGNED_IN, pages::org::rep_page),
        route(M::POST, "/reps/{id}/activities", SIGNED_IN, pages::org::quick_log),
        route(M::GET, "/calendar", SIGNED_IN, pages::calendar::page),
        route(M::GET, "/catalog", SIGNED_IN, pages::catalog::page),
        route(M::GET, "/readiness", SIGNED_IN, pages::catalog::readiness),
        route(M::GET, "/logging", SIGNED_IN, pages::catalog::completeness),
        route(M::GET, "/churn", MANAGER, pages::churn::page),
        route(M::GET, "/reports", SIGNED_IN, pages::report::reports),
        route(M::GET, "/leaderboard", SIGNED_IN, pages::report::leaderboard_page),
        route(M::GET, "/pipeline", SIGNED_IN, pages::report::pipeline_page),
        route(M::GET, "/scorecard", SIGNED_IN, pages::scorecard::page),
        route(M::GET, "/dashboard", MANAGER, pages::dashboard::page),
        route(M::GET, "/digest", SIGNED_IN, pages::digest::page),
        route(M::GET, "/seasonality", MANAGER, pages::plan::seasonality),
        route(M::GET, "/plans", MANAGER, pages::plan::list),
        route(M::GET, "/reviews", MANAGER, pages::review::list),
        route(M::GET, "/reviews/{period}", MANAGER, pages::review::page),
        route(M::GET, "/plans/compare", MANAGER, pages::plan::compare),
        route(M::GET, "/plans/{id}", MANAGER, pages::plan::page),
        route(M::GET, "/plans/{id}/attainment", MANAGER, pages::plan::attainment),
        route(M::GET, "/plans/{id}/xlsx", MANAGER, pages::plan_edit::download),
        route(M::GET, "/reviews/{period}/xlsx", MANAGER, pages::review::download),
        route(M::GET, "/account", SIGNED_IN, pages::users::account),
        route(M::POST, "/account/password", SIGNED_IN, pages::users::change_password),
        route(M::POST, "/account/digest", SIGNED_IN, pages::users::set_digest),
        route(M::POST, "/account/language", SIGNED_IN, pages::users::set_language),
        // Leadership
        route(M::GET, "/audit", LEADER, pages::audit::page),
        route(M::POST, "/plans/{id}/status", LEADER, pages::plan::set_status),
        route(M::POST, "/reviews/{period}/notes", LEADER, pages::review::add_note),
        route(M::POST, "/reviews/{period}/state", LEADER, pages::review::set_state),
        // Sales operations (admin)
        route(M::POST, "/catalog", ADMIN, pages::catalog::apply),
        route(M::POST, "/catalog/kpis/{key}", ADMIN, pages::catalog::edit),
        route(M::POST, "/churn/tags", ADMIN, pages::churn::tag),
        route(M::POST, "/plans", ADMIN, pages::plan::create),
        route(M::POST, "/plans/{id}/allocate", ADMIN, pages::plan::allocate),
        route(M::POST, "/plans/{id}/copy", ADMIN, pages::plan::copy),
        route(M::GET, "/plans/{id}/line", ADMIN, pages::plan_edit::line_form),
        route(M::POST, "/plans/{id}/line", ADMIN, pages::plan_edit::save_line),
        route(M::POST, "/plans/{id}/xlsx", ADMIN, pages::plan_edit::upload),
        route(M::POST, "/reviews/{period}/rebalance", ADMIN, pages::review::rebalance),
        route(M::GET, "/stages", ADMIN, pages::stages::page),
        route(M::POST, "/stages", ADMIN, pages::stages::save),
        route(M::POST, "/stages/alias", ADMIN, pages::stages::add_alias),
        route(M::GET, "/import", ADMIN, pages::import::page),
        route(M::POST, "/import/preview", ADMIN, pages::import::preview),
        route(M::POST, "/import/confirm", ADMIN, pages::import::confirm),
        route(M::POST, "/teams", ADMIN, pages::org::create_team),
        route(M::POST, "/teams/{id}", ADMIN, pages::org::update_team),
        route(M::POST, "/teams/{id}/deactivate", ADMIN, pages::org::deactivate_team),
        route(M::POST, "/reps", ADMIN, pages::org::create_rep),
        route(M::POST, "/reps/{id}", ADMIN, pages::org::update_rep),
        route(M::POST, "/reps/{id}/move", ADMIN, pages::org::move_rep),
        route(M::GET, "/users", ADMIN, pages::users::list),
        route(M::POST, "/users", ADMIN, pages::users::create),
        route(M::POST, "/users/{id}", ADMIN, pages::users::update),
        route(M::GET, "/tokens", ADMIN, pages::users::tokens),
        route(M::POST, "/tokens", ADMIN, pages::users::create_token),
        route(M::POST, "/tokens/{id}/revoke", ADMIN, pages::users::revoke_token),
        // JSON API: reading
        route(M::GET, "/api/v1/me", READ, api::access::me),
        route(M::GET, "/api/v1/organisation", READ, api::org::organisation),
        route(M::GET, "/api/v1/calendar", READ, api::org::calendar),
        route(M::GET, "/api/v1/teams", READ, api::org::list_teams),
        route(M::GET, "/api/v1/teams/{id}", READ, api::org::get_team),
        route(M::GET, "/api/v1/reps", READ, api::org::list_reps),
        route(M::GET, "/api/v1/reps/{id}", READ, api::org::get_rep),
        route(M::GET, "/api/v1/catalog", READ, api::catalog::get_catalog),
        route(M::GET, "/api/v1/catalog/toml", READ, api::catalog::export_catalog),
        route(M::GET, "/api/v1/readiness", READ, api::catalog::readiness),
        route(M::GET, "/api/v1/kpis/{key}/value", READ, api::catalog::kpi_value),
        route(M::GET, "/api/v1/completeness", MANAGER_READ, api::catalog::completeness),
        route(M::GET, "/api/v1/logging-contest", READ, api::catalog::logging_contest),
        route(M::GET, "/api/v1/churn", MANAGER_READ, api::churn::churn),
        route(M::GET, "/api/v1/churn/movements", MANAGER_READ, api::churn::movements),
        route(M::GET, "/api/v1/churn/cohorts", LEADER_READ, api::churn::cohorts),
        route(M::GET, "/api/v1/churn/convert", READ, api::churn::convert),
        route(M::GET, "/api/v1/audit", LEADER_API, api::access::audit),
        route(M::GET, "/api/v1/reports/{key}", READ, api::report::get_report),
        route(M::GET, "/api/v1/leaderboards/{key}", READ, api::report::get_leaderboard),
        route(M::GET, "/api/v1/pipeline", READ, api::report::get_pipeline),
        route(M::GET, "/api/v1/scorecard", READ, api::scorecard::get_scorecard),
        route(M::GET, "/api/v1/dashboard", MANAGER_READ, api::dashboard::get_dashboard),
        route(M::GET, "/api/v1/fx-rates", READ, api::fx::list),
        route(M::GET, "/api/v1/deals", READ, api::ingest::deals),
        route(M::GET, "/api/v1/plans", MANAGER_READ, api::plan::list),
        route(M::GET, "/api/v1/plans/compare", MANAGER_READ, api::plan::compare),
        route(M::GET, "/api/v1/plans/{id}", MANAGER_READ, api::plan::get),
        route(M::GET, "/api/v1/plans/{id}/targets/{key}", MANAGER_READ, api::plan::targets),
        route(M::GET, "/api/v1/plans/{id}/attainment/{key}", MANAGER_READ, api::plan::attainment),
        route(M::GET, "/api/v1/plans/{id}/xlsx", MANAGER_READ, api::plan::export_xlsx),
        route(M::GET, "/api/v1/growth", READ, api::plan::growth),
        route(M::GET, "/api/v1/horizon", MANAGER_READ, api::plan::horizon),
        route(M::GET, "/api/v1/seasonality/{key}", MANAGER_READ, api::plan::seasonality),
        route(M::POST, "/api/v1/plans/{id}/status", LEADER_API, api::plan::set_status),
        route(M::GET, "/api/v1/reviews/{period}", MANAGER_READ, api::review::get),
        route(M::POST, "/api/v1/reviews/{period}/close", LEADER_API, api::review::close),
        route(M::POST, "/api/v1/reviews/{period}/notes", LEADER_API, api::review::add_note),
        // JSON API: data capture
        route(M::POST, "/api/v1/activities", INGEST, api::ingest::post_activities),
        route(M::POST, "/api/v1/deals", MANAGER_INGEST, api::ingest::post_deals),
        route(M::POST, "/api/v1/subscriptions", LEADER_INGEST, api::ingest::post_subscriptions),
        // JSON API: changing the organisation, users and tokens
        route(M::PUT, "/api/v1/churn/tags", ADMIN_API, api::churn::put_tags),
        route(M::POST, "/api/v1/rollups/rebuild", ADMIN_API, api::report::rebuild),
        route(M::PUT, "/api/v1/fx-rates", ADMIN_API, api::fx::put),
        route(M::POST, "/api/v1/plans", ADMIN_API, api::plan::create),
        route(M::PUT, "/api/v1/horizon", ADMIN_API, api::plan::set_horizon),
        route(M::GET, "/api/v1/pipeline/stages", ADMIN_API, api::stages::get_stages),
        route(M::PUT, "/api/v1/pipeline/stages", ADMIN_API, api::stages::put_stages),
        route(M::POST, "/api/v1/reviews/{period}", ADMIN_API, api::review::open),
        route(M::POST, "/api/v1/reviews/{period}/rebalance", ADMIN_API, api::review::rebalance),
        route(M::PATCH, "/api/v1/plans/{id}", ADMIN_API, api::plan::update),
        route(M::POST, "/api/v1/plans/{id}/copy", ADMIN_API, api::plan::copy),
        route(M::POST, "/api/v1/plans/{id}/allocate", ADMIN_API, api::plan::allocate),
        route(M::PUT, "/api/v1/plans/{id}/targets", ADMIN_API, api::plan::set_target),
        route(M::PUT, "/api/v1/plans/{id}/xlsx", ADMIN_API, api::plan::import_xlsx),
        route(M::PUT, "/api/v1/catalog", ADMIN_API, api::catalog::put_catalog),
        route(M::POST, "/api/v1/catalog/check", ADMIN_API, api::catalog::check_catalog),
        route(M::PATCH, "/api/v1/kpis/{key}", ADMIN_API, api::catalog::patch_kpi),
        route(M::POST, "/api/v1/teams", ADMIN_API, api::org::create_team),
        route(M::PATCH, "/api/v1/teams/{id}", ADMIN_API, api::org::update_team),
        route(M::DELETE, "/api/v1/teams/{id}", ADMIN_API, api::org::deactivate_team),
        route(M::POST, "/api/v1/reps", ADMIN_API, api::org::create_rep),
        route(M::PATCH, "/api/v1/reps/{id}", ADMIN_API, api::org::update_rep),
        route(M::POST, "/api/v1/reps/{id}/move", ADMIN_API, api::org::move_rep),
        route(M::GET, "/api/v1/users", ADMIN_API, api::access::list_users),
        route(M::POST, "/api/v1/users", ADMIN_API, api::access::create_user),
        route(M::PATCH, "/api/v1/users/{id}", ADMIN_API, api::access::update_user),
        route(M::GET, "/api/v1/tokens", ADMIN_API, api::access::list_tokens),
        route(M::POST, "/api/v1/tokens", ADMIN_API, api::access::create_token),
        route(M::DELETE, "/api/v1/tokens/{id}", ADMIN_API, api::access::revoke_token),
    ]
}

/// The router built from [`table`], each route behind its access check.
pub fn router() -> Router<AppState> {
    let mut router = Router::new();
    for Route { path, access, handler, .. } in table() {
        let guarded = handler.route_layer(axum::middleware::from_fn(move |req, next| auth::enforce(access, req, next)));
        router = router.route(path, guarded);
    }
    router.fallback(pages::not_found)
}
