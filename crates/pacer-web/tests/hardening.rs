//! Hardened output and input, on both databases: CSV cells that would run as
//! formulas, the security headers, the one error shape for oversized bodies,
//! unknown API paths and addresses with control characters, limits on what records and forms carry, and the
//! catalog that would delete every KPI.

mod common;

use axum::body::Body;
use axum::http::{Method, Request, StatusCode, header};
use common::{get, send, with_session, world};
use pacer_core::access::Role;
use pacer_core::audit::Actor;
use pacer_core::org::NewRep;
use pacer_core::records::{NewActivity, SourceKind};
use pacer_storage::testing::TestDb;
use pacer_storage::{OrgStore, RecordStore};

#[tokio::test]
async fn csv_downloads_neutralise_formulas() {
    for db in TestDb::all().await {
        let w = world(&db).await;
        let evil = NewRep {
            name: "=HYPERLINK(\"http://evil.example\",\"x\")".into(),
            email: None,
            title: None,
            team_id: Some(w.team_a),
            hire_date: "2020-01-01".parse().unwrap(),
            leave_date: None,
            external_id: None,
        };
        let rep = db.store.create_rep(&evil, &Actor::named("setup")).await.unwrap().id;
        let call = NewActivity {
            rep_id: rep,
            activity_type: "call".into(),
            occurred_at: "2026-03-03T10:00:00".parse().unwrap(),
            duration_s: None,
            account_id: None,
            source: SourceKind::Integration,
            external_id: Some("evil-1".into()),
            fields: Default::default(),
            entered_by: None,
        };
        db.store.upsert_activities(&[call], &pacer_core::audit::Actor::named("test")).await.unwrap();
        let (cookie, _) = w.session(Role::Admin).await;
        let (status, csv, _) =
            send(&w.app, get("/api/v1/reports/calls_made?fy=2026&per=year&format=csv", &cookie)).await;
        assert_eq!(status, StatusCode::OK, "{csv}");
        assert!(csv.contains("\"'=HYPERLINK(\"\"http://evil.example\"\",\"\"x\"\")\",1"), "{}: {csv}", db.backend());
        assert!(!csv.lines().any(|l| l.starts_with("\"=") || l.starts_with('=')), "{csv}");
    }
}

#[tokio::test]
async fn every_response_carries_the_security_headers_and_private_ones_are_not_stored() {
    for db in TestDb::all().await {
        let w = world(&db).await;
        let (cookie, _) = w.session(Role::Admin).await;
        let read = w.tokens[&pacer_core::access::Scope::Read].clone();
        let bearer = |path: &str| {
            Request::get(path).header(header::AUTHORIZATION, format!("Bearer {read}")).body(Body::empty()).unwrap()
        };
        let anonymous = |path: &str| Request::get(path).body(Body::empty()).unwrap();
        for (req, stored) in [
            (get("/", &cookie), false),
            (get("/reports", &cookie), false),
            (get("/api/v1/me", &cookie), false),
            (bearer("/api/v1/reports/calls_made?fy=2026&format=csv"), false),
            (bearer("/api/v1/reports/calls_made?fy=2026&format=xlsx"), false),
            (get("/no/such/page", &cookie), false),
            (anonymous("/login"), true),
            (anonymous("/api/v1/me"), true),
            (anonymous("/healthz"), true),
        ] {
            let path = req.uri().to_string();
            let (status, _, headers) = send(&w.app, req).await;
            let h = |name: header::HeaderName| headers.get(name).map(|v| v.to_str().unwrap().to_string());
            let csp = h(header::CONTENT_SECURITY_POLICY).unwrap_or_default();
            assert!(csp.contains("default-src 'self'") && csp.contains("frame-ancestors 'none'"), "{path}: {csp}");
            assert!(csp.contains("script-src 'none'"), "{path}: no page runs a script");
            assert_eq!(h(header::X_CONTENT_TYPE_OPTIONS).as_deref(), Some("nosniff"), "{path}");
            assert_eq!(h(header::REFERRER_POLICY).as_deref(), Some("same-origin"), "{path}");
            assert_eq!(h(header::X_FRAME_OPTIONS).as_deref(), Some("DENY"), "{path}");
            let no_store = h(header::CACHE_CONTROL).as_deref() == Some("no-store");
            assert_eq!(no_store, !stored, "{path} ({status}): {:?}", h(header::CACHE_CONTROL));
        }
        // An export sent to anyone is never stored, nor is a signed-in page; the public stylesheet is cached.
        let (_, _, headers) = send(&w.app, get("/assets/pacer.css", &cookie)).await;
        assert_eq!(headers[header::CACHE_CONTROL], "public, max-age=3600");
    }
}

#[tokio::test]
async fn oversized_bodies_and_unknown_api_paths_answer_in_the_error_shape() {
    for db in TestDb::all().await {
        let w = world(&db).await;
        let session = w.session(Role::Admin).await;
        let cookie = session.0.clone();
        // With its length announced, as clients send it: the limit answers before any handler runs.
        let huge = |path: &str, kind: &str| {
            let mut req = with_session(Method::POST, path, &session, kind, Body::from(vec![b'x'; 17 * 1024 * 1024]));
            req.headers_mut().insert(header::CONTENT_LENGTH, (17 * 1024 * 1024).into());
            req
        };
        let (status, body, headers) = send(&w.app, huge("/api/v1/teams", "application/json")).await;
        assert_eq!(status, StatusCode::PAYLOAD_TOO_LARGE);
        assert!(headers[header::CONTENT_TYPE].to_str().unwrap().starts_with("application/json"), "{body}");
        let v: serde_json::Value = serde_json::from_str(&body).unwrap();
        assert_eq!(v["error"]["code"], "too_large", "{body}");
        let (status, body, headers) = send(&w.app, huge("/import/preview", "multipart/form-data; boundary=x")).await;
        assert_eq!(status, StatusCode::PAYLOAD_TOO_LARGE);
        assert!(headers[header::CONTENT_TYPE].to_str().unwrap().starts_with("text/html"), "a page: {body}");

        for path in ["/api/v1/nope", "/api/v2/teams", "/api/"] {
            let (status, body, _) = send(&w.app, get(path, &cookie)).await;
            assert_eq!(status, StatusCode::NOT_FOUND, "{path}");
            let v: serde_json::Value = serde_json::from_str(&body).unwrap_or_else(|_| panic!("{path}: {body}"));
            assert_eq!(v["error"]["code"], "not_found", "{path}");
            assert!(v["error"]["message"].as_str().unwrap().contains("openapi.json"), "{body}");
        }
        let (status, body, _) = send(&w.app, get("/no/such/page", &cookie)).await;
        assert_eq!(status, StatusCode::NOT_FOUND);
        assert!(body.starts_with("<!DOCTYPE html>"), "pages keep HTML: {body}");
    }
}

#[tokio::test]
async fn addresses_with_control_characters_are_refused_in_the_error_shape() {
    for db in TestDb::all().await {
        let w = world(&db).await;
        let (cookie, _) = w.session(Role::Admin).await;
        // Filters that reach the database as text: PostgreSQL refuses NUL in text, which was a 500.
        for path in ["/api/v1/audit?actor=a%00b", "/api/v1/reviews/FY2026%0A-Q1", "/api/v1/reps?q=%7F"] {
            let (status, body, _) = send(&w.app, get(path, &cookie)).await;
            assert_eq!(status, StatusCode::BAD_REQUEST, "{}: {path}: {body}", db.backend());
            let v: serde_json::Value = serde_json::from_str(&body).unwrap_or_else(|_| panic!("{path}: {body}"));
            assert!(v["error"]["message"].as_str().unwrap().contains("control character"), "{body}");
        }
        let (status, body, _) = send(&w.app, get("/plans/1?kpi=%00", &cookie)).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
        assert!(body.starts_with("<!DOCTYPE html>") && body.contains("control character"), "a page: {body}");
        // Escapes of ordinary characters, and a lone %, still pass.
        let (status, body, _) = send(&w.app, get("/api/v1/audit?actor=Ada%20L%C3%B6vlace&limit=5", &cookie)).await;
        assert_eq!(status, StatusCode::OK, "{body}");
        let (status, _, _) = send(&w.app, get("/api/v1/audit?actor=100%", &cookie)).await;
        assert_ne!(status, StatusCode::INTERNAL_SERVER_ERROR);
    }
}

#[tokio::test]
async fn a_body_naming_a_record_that_does_not_exist_is_unprocessable() {
    for db in TestDb::all().await {
        let w = world(&db).await;
        let user = serde_json::json!({"username": "ghost", "password": "a long enough password", "role": "rep", "rep_id": 999_999});
        let (status, body) = w.send(Role::Admin, Method::POST, "/api/v1/users", Some(user)).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{}: {body}", db.backend());
        assert_eq!(body["error"]["code"], "invalid", "{body}");
        let (_, users) = w.send(Role::Admin, Method::GET, "/api/v1/users", None).await;
        assert!(!users.to_string().contains("ghost"), "nothing written: {users}");
    }
}

#[tokio::test]
async fn text_and_days_beyond_the_limits_are_refused_and_nothing_is_written() {
    use serde_json::json;
    for db in TestDb::all().await {
        let w = world(&db).await;
        let teams = || async { db.store.teams().await.unwrap().len() };
        let before = teams().await;
        let activity = |external_id: String, at: &str| json!({"records": [{"source": "crm", "external_id": external_id, "rep": w.rep_a, "type": "call", "occurred_at": at}]});
        let cases = [
            ("/api/v1/activities", activity("x".repeat(300), "2026-03-03T10:00"), "records[0].external_id"),
            ("/api/v1/activities", activity("ok\u{0}".into(), "2026-03-03T10:00"), "records[0].external_id"),
            ("/api/v1/activities", activity("ok-1".into(), "9999-03-03T10:00"), "occurred_at"),
            ("/api/v1/teams", json!({"name": "Sales\u{1b}[31m"}), "name"),
            ("/api/v1/teams", json!({"name": "n".repeat(201)}), "name"),
        ];
        for (path, body, field) in cases {
            let (status, answer) = w.send(Role::Admin, Method::POST, path, Some(body)).await;
            assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{path} {field}: {answer}");
            assert!(answer["error"]["details"].to_string().contains(field), "{}: {answer}", db.backend());
        }
        let deal = json!({"records": [{"source": "crm", "external_id": "d1", "rep": w.rep_a, "account_id": 1,
            "kind": "new", "status": "won", "amount_minor": 100, "created_on": "2026-01-01", "close_date": "9999-12-31"}]});
        let (status, answer) = w.send(Role::Admin, Method::POST, "/api/v1/deals", Some(deal)).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{answer}");
        assert!(answer.to_string().contains("not a plausible day"), "{answer}");
        let month = json!({"records": [{"account_id": 1, "month": "9999-01", "mrr_minor": 100}]});
        let (status, answer) = w.send(Role::Admin, Method::POST, "/api/v1/subscriptions", Some(month)).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{answer}");

        let session = w.session(Role::Admin).await;
        let form = Body::from("name=Evil%00Team&reason=test");
        let req = with_session(Method::POST, "/teams", &session, "application/x-www-form-urlencoded", form);
        let (status, page, _) = send(&w.app, req).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{page}");
        assert!(page.contains("control character U+0000"), "{page}");

        assert_eq!(teams().await, before, "{}: nothing was written", db.backend());
        let (from, to) = ("1900-01-01".parse().unwrap(), "2099-12-31".parse().unwrap());
        assert!(db.store.activities_between(from, to, None).await.unwrap().is_empty(), "no activity was written");
    }
}

#[tokio::test]
async fn a_catalog_without_kpis_is_refused_unless_forced() {
    for db in TestDb::all().await {
        let w = world(&db).await;
        let kpis = || async { pacer_app::catalog::catalog_in_force(w.store.as_ref()).await.unwrap().kpis.len() };
        let before = kpis().await;
        assert!(before > 0);
        let session = w.session(Role::Admin).await;
        let put = |path: &str, body: &'static str| {
            with_session(Method::PUT, path, &session, "application/toml", Body::from(body))
        };
        let types_only = "[[activity_types]]\nkey = \"call\"\nname = \"Call\"\n";
        for body in ["", "# nothing yet\n", types_only] {
            let (status, answer, _) = send(&w.app, put("/api/v1/catalog", body)).await;
            assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body:?}: {answer}");
            assert!(answer.contains("defines no KPI") && answer.contains("force"), "{answer}");
            assert_eq!(kpis().await, before, "refused: nothing changed");
        }
        let form = |force: &str| {
            let body = Body::from(format!("toml=&reason=test{force}"));
            with_session(Method::POST, "/catalog", &session, "application/x-www-form-urlencoded", body)
        };
        let (status, page, _) = send(&w.app, form("")).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(page.contains("defines no KPI"), "{page}");
        assert_eq!(kpis().await, before);
        assert_eq!(send(&w.app, form("&force=true")).await.0, StatusCode::SEE_OTHER, "the page's checkbox forces it");
        assert_eq!(kpis().await, 0);
        let (status, answer, _) = send(&w.app, put("/api/v1/catalog?force=true", types_only)).await;
        assert_eq!(status, StatusCode::OK, "{answer}");
    }
}
