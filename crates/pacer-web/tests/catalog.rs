//! The metric catalog end to end: applying, editing and exporting through the
//! API, the readiness report, and KPI evaluation agreeing on both databases.

mod common;

use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use chrono::NaiveDate;
use common::world;
use http_body_util::BodyExt;
use pacer_core::catalog::check;
use pacer_core::kpi::KpiValue;
use pacer_core::records::{
    DealKind, DealStatus, FieldValue, Fields, NewActivity, NewDeal, SourceKind, SubscriptionMonth,
};
use pacer_storage::testing::TestDb;
use pacer_storage::{AccessStore, CatalogStore, RecordStore};
use std::collections::HashSet;
use tower::ServiceExt;

async fn send(app: &axum::Router, req: Request<Body>) -> (StatusCode, String) {
    let resp = app.clone().oneshot(req).await.unwrap();
    let status = resp.status();
    let body = resp.into_body().collect().await.unwrap().to_bytes();
    (status, String::from_utf8_lossy(&body).into_owned())
}

fn d(s: &str) -> NaiveDate {
    s.parse().unwrap()
}

#[tokio::test]
async fn apply_edit_and_export_through_the_api() {
    for db in TestDb::all().await {
        let w = world(&db).await;
        let (cookie, csrf) = w.session(pacer_core::access::Role::Admin).await;
        let with_session = |req: axum::http::request::Builder| {
            req.header(header::COOKIE, format!("pacer_session={cookie}")).header("x-csrf-token", csrf.clone())
        };
        // A broken catalog: 422 with every problem, nothing applied.
        let bad = pacer_demo::catalog_toml(d("2026-11-26"))
            .replacen("types = [\"call\"] }", "types = [\"cal\"] }", 1)
            .replacen("priority = 2", "priority = 1", 1);
        let (status, body) = send(
            &w.app,
            with_session(Request::put("/api/v1/catalog"))
                .header(header::CONTENT_TYPE, "application/toml")
                .body(Body::from(bad))
                .unwrap(),
        )
        .await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
        let v: serde_json::Value = serde_json::from_str(&body).unwrap();
        let details = v["error"]["details"].as_array().unwrap();
        assert_eq!(details.iter().filter(|p| p["severity"] == "error").count(), 2, "{body}");
        assert!(details.iter().all(|p| p["line"].as_u64().unwrap() > 1 && p["column"].as_u64().unwrap() >= 1));
        assert_eq!(db.store.catalog_versions().await.unwrap().len(), 1, "nothing applied");

        // An edit that clashes: 422; a good one: a new version with its diff.
        let patch = |body: &'static str| {
            with_session(Request::patch("/api/v1/kpis/calls_made"))
                .header(header::CONTENT_TYPE, "application/json")
                .body(Body::from(body))
                .unwrap()
        };
        assert_eq!(send(&w.app, patch(r#"{"priority": 1}"#)).await.0, StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(send(&w.app, patch(r#"{"capture_method": "sometimes"}"#)).await.0, StatusCode::UNPROCESSABLE_ENTITY);
        let (status, body) = send(
            &w.app,
            patch(r#"{"owner": "Head of Inside Sales", "capture_method": "automatic", "capture_source": "Dialler"}"#),
        )
        .await;
        assert_eq!(status, StatusCode::OK, "{body}");
        let applied: serde_json::Value = serde_json::from_str(&body).unwrap();
        assert_eq!(applied["version"], 2);
        assert_eq!(applied["diff"][0], "~ KPI calls_made: owner, capture");

        // The export checks clean and means what is in force.
        let (status, toml) =
            send(&w.app, with_session(Request::get("/api/v1/catalog/toml")).body(Body::empty()).unwrap()).await;
        assert_eq!(status, StatusCode::OK);
        let exported = check("export.toml", &toml, None).valid().unwrap();
        let (_, in_force) = pacer_app::catalog::current_catalog(&db.store).await.unwrap().unwrap();
        assert_eq!(exported, in_force);
        assert_eq!(exported.kpi("calls_made").unwrap().owner, "Head of Inside Sales");
        // Applying the export again changes nothing.
        let (status, body) = send(
            &w.app,
            with_session(Request::put("/api/v1/catalog"))
                .header(header::CONTENT_TYPE, "application/toml")
                .body(Body::from(toml))
                .unwrap(),
        )
        .await;
        assert_eq!(status, StatusCode::OK);
        assert!(body.contains("\"changed\":false"), "{body}");
        let log = db
            .store
            .audit_log(&pacer_core::audit::AuditFilter { entity: Some("catalog".into()), ..Default::default() })
            .await
            .unwrap();
        assert_eq!(log.len(), 2);
        assert_eq!(log[0].actor, "admin");
    }
}

fn activity(rep: i64, kind: &str, on: &str, outcome: Option<&str>, account: i64) -> NewActivity {
    let mut fields = Fields::new();
    if let Some(o) = outcome {
        fields.insert("outcome".into(), FieldValue::Text(o.into()));
    }
    NewActivity {
        rep_id: rep,
        activity_type: kind.into(),
        occurred_at: d(on).and_hms_opt(11, 30, 0).unwrap(),
        duration_s: Some(300),
        account_id: Some(account),
        source: SourceKind::Manual,
        external_id: None,
        fields,
        entered_by: None,
    }
}

fn deal(rep: i64, kind: DealKind, status: DealStatus, amount: i64, close: &str) -> NewDeal {
    NewDeal {
        rep_id: rep,
        account_id: 1,
        kind,
        status,
        stage: "x".into(),
        amount_minor: amount,
        currency: None,
        created_on: d(close),
        close_date: Some(d(close)),
        source: SourceKind::Import,
        external_id: None,
        entered_by: None,
    }
}

#[tokio::test]
async fn evaluation_agrees_on_both_databases() {
    let mut answers = Vec::new();
    for db in TestDb::all().await {
        let w = world(&db).await;
        let store = db.store.clone();
        store
            .insert_accounts(&[
                pacer_core::records::NewAccount { id: 1, name: "A".into(), owner_id: Some(w.rep_a), segment: None },
                pacer_core::records::NewAccount { id: 2, name: "B".into(), owner_id: Some(w.rep_b), segment: None },
                pacer_core::records::NewAccount { id: 3, name: "C".into(), owner_id: Some(w.rep_a), segment: None },
            ])
            .await
            .unwrap();
        store
            .insert_activities(&[
                activity(w.rep_a, "call", "2026-06-02", Some("connected"), 1),
                activity(w.rep_a, "call", "2026-06-03", Some("voicemail"), 3),
                activity(w.rep_a, "call", "2026-05-20", None, 1),
                activity(w.rep_b, "call", "2026-06-04", Some("connected"), 2),
                activity(w.rep_b, "email", "2026-06-05", None, 2),
                activity(w.rep_b, "meeting", "2026-07-01", None, 2),
            ])
            .await
            .unwrap();
        store
            .insert_deals(&[
                deal(w.rep_a, DealKind::New, DealStatus::Won, 1_200_000, "2026-06-30"),
                deal(w.rep_b, DealKind::Upsell, DealStatus::Won, 240_050, "2026-06-15"),
                deal(w.rep_b, DealKind::New, DealStatus::Lost, 999_999, "2026-06-16"),
                deal(w.rep_a, DealKind::New, DealStatus::Won, 50_000, "2026-08-01"),
            ])
            .await
            .unwrap();
        let month = |m: &str| d(&format!("{m}-01"));
        store
            .insert_subscriptions(&[
                SubscriptionMonth { account_id: 1, month: month("2026-05"), mrr_minor: 10_000 },
                SubscriptionMonth { account_id: 2, month: month("2026-05"), mrr_minor: 20_000 },
                SubscriptionMonth { account_id: 3, month: month("2026-05"), mrr_minor: 5_000 },
                SubscriptionMonth { account_id: 1, month: month("2026-06"), mrr_minor: 12_000 },
                SubscriptionMonth { account_id: 2, month: month("2026-06"), mrr_minor: 20_000 },
                SubscriptionMonth { account_id: 1, month: month("2026-07"), mrr_minor: 12_000 },
            ])
            .await
            .unwrap();
        let (_, catalog) = pacer_app::catalog::current_catalog(&store).await.unwrap().unwrap();
        let cache = pacer_app::churn::SeriesCache::default();
        let caches = pacer_app::cache::Caches { warm: None, series: &cache };
        let ctx =
            pacer_app::Context::new(&store, caches, pacer_core::access::Principal::command_line(), d("2026-07-01"))
                .await
                .unwrap();
        let (from, to) = (d("2026-06-01"), d("2026-06-30"));
        let rep_a = HashSet::from([w.rep_a]);
        let mut values = Vec::new();
        for kpi in catalog.by_priority() {
            let company = pacer_app::kpi::kpi_value(&ctx, kpi.key(), from, to, None).await.unwrap();
            let one_rep = pacer_app::kpi::kpi_value(&ctx, kpi.key(), from, to, Some(&rep_a)).await.unwrap();
            values.push((kpi.key().to_string(), company, one_rep));
        }
        let get = |key: &str| values.iter().find(|(k, _, _)| k == key).cloned().unwrap();
        assert_eq!(get("new_business").1, KpiValue::Money(1_200_000));
        assert_eq!(get("expansion").1, KpiValue::Money(240_050));
        assert_eq!(get("expansion").2, KpiValue::Money(0));
        assert_eq!(get("new_deals_won").1, KpiValue::Count(1));
        assert_eq!(get("calls_made").1, KpiValue::Count(3));
        assert_eq!(get("calls_made").2, KpiValue::Count(2));
        assert_eq!(get("connected_calls").1, KpiValue::Count(2));
        assert_eq!(get("connect_rate").2, KpiValue::Rate(0.5));
        assert_eq!(get("emails_sent").1, KpiValue::Count(1));
        assert_eq!(get("meetings_held").1, KpiValue::Count(0));
        assert_eq!(get("event_attendance").1, KpiValue::Count(0));
        // June's start cohort (May): accounts 1, 2, 3 with 35,000; account 3 churned, account 1 grew by 2,000.
        assert_eq!(get("customer_churn").1, KpiValue::Rate(1.0 / 3.0));
        assert_eq!(get("nrr").1, KpiValue::Rate(32_000.0 / 35_000.0));
        // Rep A's accounts (1 and 3): 15,000 at the start, 12,000 at the end.
        assert_eq!(get("nrr").2, KpiValue::Rate(12_000.0 / 15_000.0));
        answers.push((db.backend(), values));
    }
    if let [(_, sqlite), (_, postgres)] = answers.as_slice() {
        assert_eq!(sqlite, postgres, "SQLite and PostgreSQL give the same values");
    }
}

#[tokio::test]
async fn readiness_covers_every_case() {
    for db in TestDb::all().await {
        let w = world(&db).await;
        let (cookie, _) = w.session(pacer_core::access::Role::Leader).await;
        let (status, body) = send(
            &w.app,
            Request::get("/api/v1/readiness?days=5")
                .header(header::COOKIE, format!("pacer_session={cookie}"))
                .body(Body::empty())
                .unwrap(),
        )
        .await;
        assert_eq!(status, StatusCode::OK, "{body}");
        let rows: Vec<serde_json::Value> = serde_json::from_str(&body).unwrap();
        let priorities: Vec<u64> = rows.iter().map(|r| r["priority"].as_u64().unwrap()).collect();
        assert!(priorities.windows(2).all(|p| p[0] < p[1]), "sorted by priority");
        let row = |key: &str| rows.iter().find(|r| r["key"] == key).unwrap().clone();
        assert_eq!(row("new_business")["day_one"], "yes");
        assert_eq!(row("time_in_crm")["day_one"], "no");
        assert_eq!(row("time_in_crm")["alternatives"], serde_json::json!(["calls_made", "emails_sent"]));
        assert_eq!(row("event_attendance")["method"], "planned");
        assert_eq!(row("event_attendance")["setup_days"], 10);
        assert!(row("calls_made")["completeness"]["active_reps"].as_u64().is_some(), "manual KPIs have completeness");
        assert!(row("emails_sent")["completeness"].is_null(), "automatic KPIs do not");
        let (status, _) = send(
            &w.app,
            Request::get("/api/v1/readiness?days=0")
                .header(header::COOKIE, format!("pacer_session={cookie}"))
                .body(Body::empty())
                .unwrap(),
        )
        .await;
        assert_eq!(status, StatusCode::BAD_REQUEST);
        let (status, page) = send(
            &w.app,
            Request::get("/readiness")
                .header(header::COOKIE, format!("pacer_session={cookie}"))
                .body(Body::empty())
                .unwrap(),
        )
        .await;
        assert_eq!(status, StatusCode::OK);
        assert!(
            page.contains("Customers at events") && page.contains("with setup") || page.contains("ready by"),
            "the page shows the planned KPI"
        );
    }
}

/// The catalog, readiness and logging pages speak French to a French browser: words, dates and
/// percentages; the catalog's own words (KPI names) stay as written.
#[tokio::test]
async fn the_catalog_pages_speak_french() {
    for db in TestDb::all().await {
        let w = world(&db).await;
        let (cookie, _) = w.session(pacer_core::access::Role::Admin).await;
        let pages: [(&str, &[&str], &[&str]); 3] = [
            (
                "/catalog",
                &[
                    "Catalogue des indicateurs",
                    "Appliquer un fichier de catalogue",
                    "Responsable",
                    "Modifier un KPI",
                    "Vérifier et appliquer",
                    "est mieux",
                ],
                &[
                    "Metric catalog",
                    "Apply a catalog file",
                    ">Owner<",
                    "Edit a KPI",
                    "Check and apply",
                    "is better",
                    "Tracked since",
                ],
            ),
            (
                "/readiness",
                &["Préparation des KPI", "Dès le premier jour ?", "Données reçues", "Complétude", "jours ouvrés"],
                &["KPI readiness", "Day one?", "Data arriving", "Setup left", "working days"],
            ),
            (
                "/logging",
                &["KPI manuel", "Concours de saisie", "Activités saisies à la main"],
                &["Manual KPI", "Logging contest", "logged by hand"],
            ),
        ];
        for (path, french, english) in pages {
            let req = Request::get(path)
                .header(header::COOKIE, format!("pacer_session={cookie}"))
                .header(header::ACCEPT_LANGUAGE, "fr-FR,fr;q=0.9")
                .body(Body::empty())
                .unwrap();
            let (status, page) = send(&w.app, req).await;
            assert_eq!(status, StatusCode::OK, "{path}");
            assert!(page.contains("lang=\"fr\""), "{path}: {page}");
            for word in french {
                assert!(page.contains(word), "{path} lacks {word:?}: {page}");
            }
            for word in english {
                assert!(!page.contains(word), "{path} still says {word:?}: {page}");
            }
        }
    }
}
