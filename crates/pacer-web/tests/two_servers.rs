//! Past one machine: two servers on one database (PostgreSQL, as a team deployment runs them
//! behind a load balancer; SQLite's file too), each with its own caches. What one server writes,
//! the other answers at once: caches follow the data versions stored with the data.

mod common;

use axum::http::{Method, StatusCode};
use common::{with_token, world};
use pacer_core::access::Scope;
use pacer_storage::SqlStore;
use pacer_storage::testing::TestDb;
use pacer_web::{AppState, WebSettings, app};
use std::sync::Arc;

/// Calls made in June 2026, the company's total, as `server` answers it.
async fn june_calls(server: &axum::Router, token: &str) -> i64 {
    let path = "/api/v1/reports/calls_made?by=company&from=2026-06-01&to=2026-06-30";
    let (status, body) = with_token(server, Method::GET, path, token, None).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["computed_from"], "rollups", "answered from the server's cube");
    body["rows"][0]["values"][0]["value"].as_i64().unwrap_or(0)
}

#[tokio::test]
async fn what_one_server_writes_the_other_answers_at_once() {
    for db in TestDb::all().await {
        let w = world(&db).await;
        let other = SqlStore::connect(&db.url).await.unwrap();
        let second =
            app(AppState::new(Arc::new(other), WebSettings { secure_cookies: false, ..WebSettings::default() }));
        let servers = [&w.app, &second];
        let (read, ingest) = (&w.tokens[&Scope::Read], &w.tokens[&Scope::Ingest]);
        // The data spans the year: June's figure is inside it.
        let bounds = serde_json::json!({"records": [
            {"source": "dialer", "external_id": "first", "rep": w.rep_b, "type": "email", "occurred_at": "2026-01-05T09:00:00"},
            {"source": "dialer", "external_id": "last", "rep": w.rep_b, "type": "email", "occurred_at": "2026-12-18T09:00:00"}]});
        let (status, body) = with_token(&w.app, Method::POST, "/api/v1/activities", ingest, Some(bounds)).await;
        assert_eq!(status, StatusCode::OK, "{body}");
        for server in servers {
            assert_eq!(june_calls(server, read).await, 0, "{}", db.backend());
        }
        // Writes alternate between the servers; both answer every write at once, each
        // holding its cube from the answer before.
        for n in 1..=4 {
            let writer = servers[n % 2];
            let call = serde_json::json!({"records": [{"source": "dialer", "external_id": format!("call-{n}"),
                "rep": w.rep_a, "type": "call", "occurred_at": format!("2026-06-{:02}T10:00:00", n + 1)}]});
            let (status, body) = with_token(writer, Method::POST, "/api/v1/activities", ingest, Some(call)).await;
            assert_eq!(status, StatusCode::OK, "{body}");
            for (i, server) in servers.iter().enumerate() {
                assert_eq!(
                    june_calls(server, read).await,
                    n as i64,
                    "{}: server {} after write {n}",
                    db.backend(),
                    i + 1
                );
            }
        }
    }
}
