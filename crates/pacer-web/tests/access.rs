//! The access matrix: every route of the router, called as every kind of
//! caller, on both databases. The expected rule of each route is restated
//! here independently of `routes::table`; a route added there without a row
//! here fails `every_route_has_an_expected_rule`.

mod common;

use axum::http::StatusCode;
use common::{EVERYONE, Who, world};
use pacer_core::access::{Role, Scope};
use pacer_storage::testing::TestDb;
use pacer_web::routes;
use std::collections::HashMap;

/// Who may call a route, as this test understands the product rules.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Rule {
    Anyone,
    SignedIn,
    SignedInOrReadToken,
    ManagerUp,
    ManagerUpOrReadToken,
    LeaderUp,
    LeaderUpOrReadToken,
    SignedInOrIngestToken,
    ManagerUpOrIngestToken,
    LeaderUpOrIngestToken,
    LeaderUpOrAdminToken,
    AdminOnly,
    AdminOrAdminToken,
}

fn expected_rules() -> HashMap<(&'static str, &'static str), Rule> {
    use Rule::*;
    HashMap::from([
        (("GET", "/healthz"), Anyone),
        (("GET", "/assets/pacer.css"), Anyone),
        (("GET", "/login"), Anyone),
        (("POST", "/login"), Anyone),
        (("GET", "/api/v1/openapi.json"), Anyone),
        (("POST", "/logout"), SignedIn),
        (("GET", "/"), SignedIn),
        (("GET", "/org"), SignedIn),
        (("GET", "/teams/{id}"), SignedIn),
        (("GET", "/reps/{id}"), SignedIn),
        (("POST", "/reps/{id}/activities"), SignedIn),
        (("GET", "/calendar"), SignedIn),
        (("GET", "/catalog"), SignedIn),
        (("GET", "/logging"), SignedIn),
        (("GET", "/readiness"), SignedIn),
        (("POST", "/catalog"), AdminOnly),
        (("POST", "/catalog/kpis/{key}"), AdminOnly),
        (("GET", "/api/v1/catalog"), SignedInOrReadToken),
        (("GET", "/api/v1/catalog/toml"), SignedInOrReadToken),
        (("GET", "/api/v1/readiness"), SignedInOrReadToken),
        (("GET", "/api/v1/kpis/{key}/value"), SignedInOrReadToken),
        (("PUT", "/api/v1/catalog"), AdminOrAdminToken),
        (("POST", "/api/v1/catalog/check"), AdminOrAdminToken),
        (("PATCH", "/api/v1/kpis/{key}"), AdminOrAdminToken),
        (("GET", "/churn"), ManagerUp),
        (("GET", "/reports"), SignedIn),
        (("GET", "/leaderboard"), SignedIn),
        (("GET", "/pipeline"), SignedIn),
        (("GET", "/scorecard"), SignedIn),
        (("GET", "/dashboard"), ManagerUp),
        (("GET", "/api/v1/reports/{key}"), SignedInOrReadToken),
        (("GET", "/api/v1/leaderboards/{key}"), SignedInOrReadToken),
        (("GET", "/api/v1/pipeline"), SignedInOrReadToken),
        (("GET", "/api/v1/scorecard"), SignedInOrReadToken),
        (("GET", "/api/v1/dashboard"), ManagerUpOrReadToken),
        (("GET", "/api/v1/fx-rates"), SignedInOrReadToken),
        (("GET", "/api/v1/deals"), SignedInOrReadToken),
        (("POST", "/api/v1/rollups/rebuild"), AdminOrAdminToken),
        (("PUT", "/api/v1/fx-rates"), AdminOrAdminToken),
        (("GET", "/seasonality"), ManagerUp),
        (("GET", "/reviews"), ManagerUp),
        (("GET", "/reviews/{period}"), ManagerUp),
        (("GET", "/reviews/{period}/xlsx"), ManagerUp),
        (("POST", "/reviews/{period}/notes"), LeaderUp),
        (("POST", "/reviews/{period}/state"), LeaderUp),
        (("POST", "/reviews/{period}/rebalance"), AdminOnly),
        (("GET", "/api/v1/reviews/{period}"), ManagerUpOrReadToken),
        (("POST", "/api/v1/reviews/{period}/close"), LeaderUpOrAdminToken),
        (("POST", "/api/v1/reviews/{period}/notes"), LeaderUpOrAdminToken),
        (("POST", "/api/v1/reviews/{period}"), AdminOrAdminToken),
        (("POST", "/api/v1/reviews/{period}/rebalance"), AdminOrAdminToken),
        (("GET", "/plans"), ManagerUp),
        (("GET", "/plans/compare"), ManagerUp),
        (("GET", "/plans/{id}"), ManagerUp),
        (("GET", "/plans/{id}/attainment"), ManagerUp),
        (("GET", "/plans/{id}/xlsx"), ManagerUp),
        (("POST", "/plans/{id}/status"), LeaderUp),
        (("POST", "/plans"), AdminOnly),
        (("POST", "/plans/{id}/allocate"), AdminOnly),
        (("POST", "/plans/{id}/copy"), AdminOnly),
        (("GET", "/plans/{id}/line"), AdminOnly),
        (("POST", "/plans/{id}/line"), AdminOnly),
        (("POST", "/plans/{id}/xlsx"), AdminOnly),
        (("GET", "/api/v1/plans"), ManagerUpOrReadToken),
        (("GET", "/api/v1/plans/compare"), ManagerUpOrReadToken),
        (("GET", "/api/v1/plans/{id}"), ManagerUpOrReadToken),
        (("GET", "/api/v1/plans/{id}/targets/{key}"), ManagerUpOrReadToken),
        (("GET", "/api/v1/plans/{id}/attainment/{key}"), ManagerUpOrReadToken),
        (("GET", "/api/v1/plans/{id}/xlsx"), ManagerUpOrReadToken),
        (("GET", "/api/v1/growth"), SignedInOrReadToken),
        (("GET", "/api/v1/horizon"), ManagerUpOrReadToken),
        (("PUT", "/api/v1/horizon"), AdminOrAdminToken),
        (("GET", "/api/v1/pipeline/stages"), AdminOrAdminToken),
        (("PUT", "/api/v1/pipeline/stages"), AdminOrAdminToken),
        (("GET", "/stages"), AdminOnly),
        (("POST", "/stages"), AdminOnly),
        (("POST", "/stages/alias"), AdminOnly),
        (("GET", "/api/v1/seasonality/{key}"), ManagerUpOrReadToken),
        (("POST", "/api/v1/plans/{id}/status"), LeaderUpOrAdminToken),
        (("POST", "/api/v1/plans"), AdminOrAdminToken),
        (("PATCH", "/api/v1/plans/{id}"), AdminOrAdminToken),
        (("POST", "/api/v1/plans/{id}/copy"), AdminOrAdminToken),
        (("POST", "/api/v1/plans/{id}/allocate"), AdminOrAdminToken),
        (("PUT", "/api/v1/plans/{id}/targets"), AdminOrAdminToken),
        (("PUT", "/api/v1/plans/{id}/xlsx"), AdminOrAdminToken),
        (("POST", "/churn/tags"), AdminOnly),
        (("GET", "/import"), AdminOnly),
        (("POST", "/import/preview"), AdminOnly),
        (("POST", "/import/confirm"), AdminOnly),
        (("GET", "/api/v1/churn"), ManagerUpOrReadToken),
        (("GET", "/api/v1/churn/movements"), ManagerUpOrReadToken),
        (("GET", "/api/v1/churn/cohorts"), LeaderUpOrReadToken),
        (("GET", "/api/v1/churn/convert"), SignedInOrReadToken),
        (("PUT", "/api/v1/churn/tags"), AdminOrAdminToken),
        (("POST", "/api/v1/activities"), SignedInOrIngestToken),
        (("POST", "/api/v1/deals"), ManagerUpOrIngestToken),
        (("POST", "/api/v1/subscriptions"), LeaderUpOrIngestToken),
        (("GET", "/api/v1/completeness"), ManagerUpOrReadToken),
        (("GET", "/api/v1/logging-contest"), SignedInOrReadToken),
        (("GET", "/account"), SignedIn),
        (("POST", "/account/password"), SignedIn),
        (("POST", "/account/digest"), SignedIn),
        (("POST", "/account/language"), SignedIn),
        (("GET", "/digest"), SignedIn),
        (("GET", "/audit"), LeaderUp),
        (("POST", "/teams"), AdminOnly),
        (("POST", "/teams/{id}"), AdminOnly),
        (("POST", "/teams/{id}/deactivate"), AdminOnly),
        (("POST", "/reps"), AdminOnly),
        (("POST", "/reps/{id}"), AdminOnly),
        (("POST", "/reps/{id}/move"), AdminOnly),
        (("GET", "/users"), AdminOnly),
        (("POST", "/users"), AdminOnly),
        (("POST", "/users/{id}"), AdminOnly),
        (("GET", "/tokens"), AdminOnly),
        (("POST", "/tokens"), AdminOnly),
        (("POST", "/tokens/{id}/revoke"), AdminOnly),
        (("GET", "/api/v1/me"), SignedInOrReadToken),
        (("GET", "/api/v1/organisation"), SignedInOrReadToken),
        (("GET", "/api/v1/calendar"), SignedInOrReadToken),
        (("GET", "/api/v1/teams"), SignedInOrReadToken),
        (("GET", "/api/v1/teams/{id}"), SignedInOrReadToken),
        (("GET", "/api/v1/reps"), SignedInOrReadToken),
        (("GET", "/api/v1/reps/{id}"), SignedInOrReadToken),
        (("GET", "/api/v1/audit"), LeaderUpOrAdminToken),
        (("POST", "/api/v1/teams"), AdminOrAdminToken),
        (("PATCH", "/api/v1/teams/{id}"), AdminOrAdminToken),
        (("DELETE", "/api/v1/teams/{id}"), AdminOrAdminToken),
        (("POST", "/api/v1/reps"), AdminOrAdminToken),
        (("PATCH", "/api/v1/reps/{id}"), AdminOrAdminToken),
        (("POST", "/api/v1/reps/{id}/move"), AdminOrAdminToken),
        (("GET", "/api/v1/users"), AdminOrAdminToken),
        (("POST", "/api/v1/users"), AdminOrAdminToken),
        (("PATCH", "/api/v1/users/{id}"), AdminOrAdminToken),
        (("GET", "/api/v1/tokens"), AdminOrAdminToken),
        (("POST", "/api/v1/tokens"), AdminOrAdminToken),
        (("DELETE", "/api/v1/tokens/{id}"), AdminOrAdminToken),
    ])
}

fn allowed(rule: Rule, who: Who) -> bool {
    match (rule, who) {
        (Rule::Anyone, _) => true,
        (_, Who::Anonymous) => false,
        (Rule::SignedIn, Who::User(_)) => true,
        (Rule::SignedInOrReadToken, Who::User(_) | Who::Token(Scope::Read)) => true,
        (Rule::ManagerUp | Rule::ManagerUpOrReadToken, Who::User(role)) => role >= Role::Manager,
        (Rule::ManagerUpOrReadToken, Who::Token(Scope::Read)) => true,
        (Rule::LeaderUp | Rule::LeaderUpOrReadToken, Who::User(role)) => role >= Role::Leader,
        (Rule::LeaderUpOrReadToken, Who::Token(Scope::Read)) => true,
        (Rule::SignedInOrIngestToken, Who::User(_) | Who::Token(Scope::Ingest)) => true,
        (Rule::ManagerUpOrIngestToken, Who::User(role)) => role >= Role::Manager,
        (Rule::ManagerUpOrIngestToken | Rule::LeaderUpOrIngestToken, Who::Token(Scope::Ingest)) => true,
        (Rule::LeaderUpOrIngestToken, Who::User(role)) => role >= Role::Leader,
        (Rule::LeaderUpOrAdminToken, Who::User(role)) => role >= Role::Leader,
        (Rule::AdminOnly | Rule::AdminOrAdminToken, Who::User(role)) => role == Role::Admin,
        // An admin token: every API route an admin user may call; no page.
        (
            Rule::SignedInOrReadToken
            | Rule::ManagerUpOrReadToken
            | Rule::LeaderUpOrReadToken
            | Rule::SignedInOrIngestToken
            | Rule::ManagerUpOrIngestToken
            | Rule::LeaderUpOrIngestToken
            | Rule::LeaderUpOrAdminToken
            | Rule::AdminOrAdminToken,
            Who::Token(Scope::Admin),
        ) => true,
        _ => false,
    }
}

#[test]
fn every_route_has_an_expected_rule() {
    let rules = expected_rules();
    let table = routes::table();
    for route in &table {
        assert!(
            rules.contains_key(&(route.method.as_str(), route.path)),
            "route {} {} has no expected rule in this test",
            route.method,
            route.path
        );
    }
    assert_eq!(rules.len(), table.len(), "this test expects routes the router does not have");
}

#[tokio::test]
async fn access_matrix_on_every_route() {
    let rules = expected_rules();
    for db in TestDb::all().await {
        let world = world(&db).await;
        for route in routes::table() {
            let rule = rules[&(route.method.as_str(), route.path)];
            let path = world.concrete_path(route.path);
            for who in EVERYONE {
                let (status, location) = world.call(who, &route.method, &path).await;
                let denied_anonymously = status == StatusCode::UNAUTHORIZED || location.starts_with("/login?");
                let denied = denied_anonymously || status == StatusCode::FORBIDDEN;
                let context = format!("{} {} as {who:?} on {}: {status} {location}", route.method, path, db.backend());
                if allowed(rule, who) {
                    assert!(!denied, "should be allowed: {context}");
                    assert!(!status.is_server_error(), "server error: {context}");
                } else if who == Who::Anonymous {
                    assert!(denied_anonymously, "anonymous should be sent to sign in: {context}");
                } else {
                    assert!(
                        status == StatusCode::FORBIDDEN || status == StatusCode::UNAUTHORIZED,
                        "should be forbidden: {context}"
                    );
                }
            }
        }
    }
}
