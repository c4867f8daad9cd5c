//! Bad input schemathesis (crates/pacer/tests/schemathesis.rs) found or led to, on both
//! databases, with an admin token: each is a 4xx in the one error shape, and what was there
//! before still answers.

mod common;

use axum::body::Body;
use axum::http::{Method, Request, StatusCode, header};
use common::{World, send, world};
use pacer_core::access::Scope;
use pacer_core::money::MAX_AMOUNT_MINOR;
use pacer_storage::testing::TestDb;
use serde_json::{Value, json};

async fn call(w: &World, method: Method, path: &str, body: Option<Value>) -> (StatusCode, Value) {
    let req = Request::builder()
        .method(method)
        .uri(path)
        .header(header::AUTHORIZATION, format!("Bearer {}", w.tokens[&Scope::Admin]))
        .header(header::CONTENT_TYPE, "application/json");
    let req = req.body(body.map_or_else(Body::empty, |b| Body::from(b.to_string()))).unwrap();
    let (status, text, _) = send(&w.app, req).await;
    (status, serde_json::from_str(&text).unwrap_or(Value::String(text)))
}

fn error_code(body: &Value) -> &str {
    body["error"]["code"].as_str().unwrap_or_else(|| panic!("not the error shape: {body}"))
}

#[tokio::test]
async fn amounts_beyond_the_ceiling_are_refused_with_the_record() {
    for db in TestDb::all().await {
        let w = world(&db).await;
        let deal = |id: &str, amount: i64| {
            json!({"source": "crm", "external_id": id, "rep": w.rep_a, "account_id": 7, "kind": "new", "status": "won",
                   "amount_minor": amount, "created_on": "2026-03-01", "close_date": "2026-03-02"})
        };
        // Two deals of i64::MAX on one rep's day overflowed the rollup's sum (a panic).
        let records = json!({"records": [deal("d1", i64::MAX), deal("d2", i64::MAX)]});
        let (status, body) = call(&w, Method::POST, "/api/v1/deals", Some(records)).await;
        assert_eq!((status, error_code(&body)), (StatusCode::UNPROCESSABLE_ENTITY, "invalid"), "{body}");
        assert_eq!(body["error"]["details"][0]["field"], "amount_minor", "{body}");
        let records = json!({"records": [deal("d1", MAX_AMOUNT_MINOR), deal("d2", MAX_AMOUNT_MINOR)]});
        let (status, body) = call(&w, Method::POST, "/api/v1/deals", Some(records)).await;
        assert_eq!(status, StatusCode::OK, "{}: {body}", db.backend());

        // Recurring revenue of i64::MAX was stored, and every churn figure then failed (500).
        let mrr = json!({"records": [{"account_id": 1, "month": "2026-05", "mrr_minor": i64::MAX},
                                     {"account_id": 2, "month": "2026-05", "mrr_minor": i64::MAX}]});
        let (status, body) = call(&w, Method::POST, "/api/v1/subscriptions", Some(mrr)).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
        assert_eq!(body["error"]["details"][0]["field"], "mrr_minor", "{body}");
        let (status, body) = call(&w, Method::GET, "/api/v1/churn/movements?month=2026-05", None).await;
        assert_eq!(status, StatusCode::OK, "{body}");
    }
}

#[tokio::test]
async fn targets_beyond_the_ceiling_are_refused_and_a_plan_at_it_still_reads() {
    for db in TestDb::all().await {
        let w = world(&db).await;
        let (status, plan) =
            call(&w, Method::POST, "/api/v1/plans", Some(json!({"fiscal_year": 2027, "name": "big"}))).await;
        assert_eq!(status, StatusCode::OK, "{plan}");
        let id = plan["id"].as_i64().unwrap();
        let target = |month: u8, amount: i64| json!({"kpi": "new_business", "owner": {"kind": "company"}, "month": month, "tier": "target", "amount": amount});
        // Two of i64::MAX were stored, and reading the plan's sheet or workbook then panicked.
        let (status, body) =
            call(&w, Method::PUT, &format!("/api/v1/plans/{id}/targets"), Some(target(1, i64::MAX))).await;
        assert_eq!((status, error_code(&body)), (StatusCode::UNPROCESSABLE_ENTITY, "invalid"), "{body}");
        for month in 1..=12 {
            let (status, body) =
                call(&w, Method::PUT, &format!("/api/v1/plans/{id}/targets"), Some(target(month, MAX_AMOUNT_MINOR)))
                    .await;
            assert_eq!(status, StatusCode::OK, "{body}");
        }
        let (status, sheet) = call(&w, Method::GET, &format!("/api/v1/plans/{id}/targets/new_business"), None).await;
        assert_eq!(status, StatusCode::OK, "a year of targets at the ceiling reads: {sheet}");
        let (status, _) = call(&w, Method::GET, &format!("/api/v1/plans/{id}/xlsx"), None).await;
        assert_eq!(status, StatusCode::OK);
        let allocate = json!({"kpi": "new_business", "annual": i64::MAX});
        let (status, body) = call(&w, Method::POST, &format!("/api/v1/plans/{id}/allocate"), Some(allocate)).await;
        assert_eq!((status, error_code(&body)), (StatusCode::BAD_REQUEST, "bad_request"), "{body}");
    }
}

#[tokio::test]
async fn a_token_needs_a_name_and_a_catalog_check_answers_in_the_error_shape() {
    for db in TestDb::all().await {
        let w = world(&db).await;
        // A blank name was refused as a conflict (409).
        let (status, body) =
            call(&w, Method::POST, "/api/v1/tokens", Some(json!({"name": "  ", "scope": "read"}))).await;
        assert_eq!((status, error_code(&body)), (StatusCode::UNPROCESSABLE_ENTITY, "invalid"), "{body}");
        let (status, body) =
            call(&w, Method::POST, "/api/v1/tokens", Some(json!({"name": "bot", "scope": "admin"}))).await;
        assert_eq!((status, body["token"]["scope"].as_str()), (StatusCode::CREATED, Some("admin")), "{body}");

        let req = Request::post("/api/v1/catalog/check")
            .header(header::AUTHORIZATION, format!("Bearer {}", w.tokens[&Scope::Admin]))
            .header(header::CONTENT_TYPE, "text/plain")
            .body(Body::from("not = [valid"))
            .unwrap();
        let (status, text, _) = send(&w.app, req).await;
        let body: Value = serde_json::from_str(&text).unwrap();
        assert_eq!((status, error_code(&body)), (StatusCode::UNPROCESSABLE_ENTITY, "invalid"), "{body}");
        assert!(body["error"]["details"][0]["line"].is_number(), "each problem with its position: {body}");

        // A `since` that is no date matched nothing and answered an empty log.
        let (status, body) = call(&w, Method::GET, "/api/v1/audit?since=garbage", None).await;
        assert_eq!((status, error_code(&body)), (StatusCode::BAD_REQUEST, "bad_request"), "{body}");
        let (status, body) = call(&w, Method::GET, "/api/v1/audit?since=2020-01-01&limit=2", None).await;
        assert_eq!((status, body.as_array().map(Vec::len)), (StatusCode::OK, Some(2)), "{body}");
    }
}
