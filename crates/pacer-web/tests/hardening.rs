//! Hardened output and input, on both databases: CSV cells that would run as
//! formulas, the security headers, the one error shape for oversized bodies
//! and unknown API paths, limits on what records and forms carry, and the
//! catalog that would delete every KPI.

mod common;

use axum::http::StatusCode;
use common::{get, send, world};
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
        db.store.upsert_activities(&[call]).await.unwrap();
        let (cookie, _) = w.session(Role::Admin).await;
        let (status, csv, _) =
            send(&w.app, get("/api/v1/reports/calls_made?fy=2026&per=year&format=csv", &cookie)).await;
        assert_eq!(status, StatusCode::OK, "{csv}");
        assert!(csv.contains("\"'=HYPERLINK(\"\"http://evil.example\"\",\"\"x\"\")\",1"), "{}: {csv}", db.backend());
        assert!(!csv.lines().any(|l| l.starts_with("\"=") || l.starts_with('=')), "{csv}");
    }
}
