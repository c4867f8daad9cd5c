//! Attrition and churn through the API on both databases: the report's
//! figures against a hand-computed example, the bridge balancing, scope,
//! conversions, cohorts and reason tags.

mod common;

use axum::body::Body;
use axum::http::{Method, Request, StatusCode, header};
use chrono::NaiveDate;
use common::world;
use http_body_util::BodyExt;
use pacer_core::access::Role;
use pacer_core::records::{NewAccount, SubscriptionMonth};
use pacer_storage::RecordStore;
use pacer_storage::testing::TestDb;
use tower::ServiceExt;

async fn get(app: &axum::Router, path: &str, cookie: &str) -> (StatusCode, serde_json::Value) {
    let req = Request::get(path).header(header::COOKIE, format!("pacer_session={cookie}")).body(Body::empty()).unwrap();
    let resp = app.clone().oneshot(req).await.unwrap();
    let status = resp.status();
    let body = resp.into_body().collect().await.unwrap().to_bytes();
    (status, serde_json::from_slice(&body).unwrap_or(serde_json::Value::Null))
}

fn month(m: &str) -> NaiveDate {
    format!("{m}-01").parse().unwrap()
}

#[tokio::test]
async fn churn_report_scope_conversions_and_tags() {
    for db in TestDb::all().await {
        let w = world(&db).await;
        // Accounts 1-3 belong to rep A (team A), 4 to rep B (team B).
        let account = |id: i64, owner| NewAccount {
            id,
            name: format!("Account {id}"),
            owner_id: Some(owner),
            segment: Some(if id <= 2 { "Enterprise" } else { "SMB" }.to_string()),
        };
        db.store
            .insert_accounts(&[account(1, w.rep_a), account(2, w.rep_a), account(3, w.rep_a), account(4, w.rep_b)])
            .await
            .unwrap();
        let row = |a, m: &str, v| SubscriptionMonth { account_id: a, month: month(m), mrr_minor: v };
        // Calendar-year fiscal years (the default organisation): FY2026 is Jan..Dec 2026.
        db.store
            .insert_subscriptions(&[
                row(1, "2025-12", 10_000),
                row(2, "2025-12", 20_000),
                row(4, "2025-12", 5_000),
                row(1, "2026-01", 12_000),
                row(2, "2026-01", 20_000),
                row(4, "2026-01", 5_000),
                row(1, "2026-02", 12_000),
                row(4, "2026-02", 5_000),
                row(3, "2026-02", 7_000),
                row(1, "2026-03", 12_000),
                row(2, "2026-03", 20_000),
                row(3, "2026-03", 7_000),
            ])
            .await
            .unwrap();
        let (leader, _) = w.session(Role::Leader).await;
        let (status, report) = get(&w.app, "/api/v1/churn?period=FY2026-Q1&by=month", &leader).await;
        assert_eq!(status, StatusCode::OK, "{report}");
        let periods = report["periods"].as_array().unwrap();
        assert_eq!(periods.len(), 4, "three months and the quarter");
        let q1 = &periods[3];
        assert_eq!(q1["name"], "FY2026-Q1");
        // Start cohort (Dec): 1, 2, 4 = 35,000. At the end (Mar): 1 = 12,000, 2 = 20,000, 4 gone.
        assert_eq!(q1["rates"]["cohort_customers"], 3);
        assert_eq!(q1["rates"]["churned_customers"], 1);
        assert!((q1["rates"]["nrr"].as_f64().unwrap() - 32_000.0 / 35_000.0).abs() < 1e-12);
        // The bridge: +2,000 expansion (Jan), -20,000 churn then +20,000 reactivation for 2, +7,000 new (3), -5,000 churn (4).
        let b = &q1["bridge"];
        assert_eq!((b["start_mrr"].as_i64(), b["end_mrr"].as_i64()), (Some(35_000), Some(39_000)));
        assert_eq!(
            (b["new"].as_i64(), b["reactivation"].as_i64(), b["expansion"].as_i64()),
            (Some(7_000), Some(20_000), Some(2_000))
        );
        assert_eq!((b["churn"].as_i64(), b["contraction"].as_i64()), (Some(25_000), Some(0)));
        assert_eq!(periods[1]["rates"]["churned_customers"], 1, "February: account 2 left");
        // Quarterly rate 1/3 annualised: 1 - (2/3)^4; far above the band.
        let annual = q1["annualised_customer_churn"].as_f64().unwrap();
        assert!((annual - (1.0 - (2.0_f64 / 3.0).powi(4))).abs() < 1e-12);
        assert_eq!(q1["band"], "high");

        // A manager sees their team's accounts only; a rep sees none of this.
        let (manager, _) = w.session(Role::Manager).await;
        let (_, team_report) = get(&w.app, "/api/v1/churn?period=FY2026-Q1&by=quarter", &manager).await;
        assert_eq!(team_report["periods"][0]["rates"]["cohort_customers"], 2, "accounts 1 and 2 of team A");
        assert_eq!(
            get(&w.app, &format!("/api/v1/churn?period=FY2026-Q1&team={}", w.team_b), &manager).await.0,
            StatusCode::NOT_FOUND
        );
        let (rep, _) = w.session(Role::Rep).await;
        assert_eq!(get(&w.app, "/api/v1/churn", &rep).await.0, StatusCode::FORBIDDEN);
        assert_eq!(get(&w.app, "/api/v1/churn/cohorts", &manager).await.0, StatusCode::FORBIDDEN);

        let (_, enterprise) =
            get(&w.app, "/api/v1/churn?period=FY2026-Q1&by=quarter&segment=Enterprise", &leader).await;
        assert_eq!(enterprise["periods"][0]["rates"]["cohort_customers"], 2, "accounts 1 and 2 are Enterprise");
        let (status, body) = get(&w.app, "/api/v1/churn?period=FY2026-Q1&segment=Whales", &leader).await;
        assert_eq!(status, StatusCode::BAD_REQUEST);
        assert!(body["error"]["message"].as_str().unwrap().contains("segments: Enterprise, SMB"), "{body}");
        let (_, movements) = get(&w.app, "/api/v1/churn/movements?month=2026-02", &leader).await;
        assert_eq!(movements["churn_accounts"], serde_json::json!([2]));
        assert_eq!(movements["new_accounts"], serde_json::json!([3]));
        let (_, cohorts) = get(&w.app, "/api/v1/churn/cohorts?months=3", &leader).await;
        assert_eq!(cohorts.as_array().unwrap().len(), 3);
        let (_, converted) = get(&w.app, "/api/v1/churn/convert?rate=0.5%25&from=monthly&to=annual", &leader).await;
        assert!((converted["converted"].as_f64().unwrap() - 0.058_377).abs() < 1e-6, "{converted}");
        assert_eq!(
            get(&w.app, "/api/v1/churn/convert?rate=abc&from=monthly&to=annual", &leader).await.0,
            StatusCode::BAD_REQUEST
        );
        assert_eq!(get(&w.app, "/api/v1/churn?period=FY2026-Q9", &leader).await.0, StatusCode::BAD_REQUEST);

        // Tags: a wrong one refuses the batch; good ones feed the uncontrollable share.
        let (admin, csrf) = w.session(Role::Admin).await;
        let put = |body: &'static str| {
            Request::put("/api/v1/churn/tags")
                .header(header::COOKIE, format!("pacer_session={admin}"))
                .header("x-csrf-token", csrf.clone())
                .header(header::CONTENT_TYPE, "application/json")
                .body(Body::from(body))
                .unwrap()
        };
        let bad = w.app.clone().oneshot(put(r#"[{"account_id": 2, "month": "2026-02-01", "reason": "price"}, {"account_id": 1, "month": "2026-02-01", "reason": "price"}]"#)).await.unwrap();
        assert_eq!(bad.status(), StatusCode::UNPROCESSABLE_ENTITY);
        let good = w.app.clone().oneshot(put(r#"[{"account_id": 2, "month": "2026-02-01", "reason": "price"}, {"account_id": 4, "month": "2026-03-01", "reason": "bankruptcy"}]"#)).await.unwrap();
        assert_eq!(good.status(), StatusCode::OK);
        let (_, report) = get(&w.app, "/api/v1/churn?period=FY2026-Q1&by=quarter", &leader).await;
        let reasons = &report["periods"][0]["reasons"];
        assert_eq!(reasons["tagged"], 2);
        assert!((reasons["uncontrollable_share"].as_f64().unwrap() - 5_000.0 / 25_000.0).abs() < 1e-12);
        // The server keeps the series between requests; a write makes it read again.
        let (_, before) = get(&w.app, "/api/v1/churn?period=FY2026-M04&by=month", &leader).await;
        assert!(before["periods"].as_array().unwrap().is_empty(), "no April data yet");
        db.store.insert_subscriptions(&[row(1, "2026-04", 12_000)]).await.unwrap();
        let (_, after) = get(&w.app, "/api/v1/churn?period=FY2026-M04&by=month", &leader).await;
        assert_eq!(after["periods"][0]["rates"]["churned_customers"], 2, "accounts 2 and 3 left in April");
        let page = w
            .app
            .clone()
            .oneshot(
                Request::get("/churn?fy=2026")
                    .header(header::COOKIE, format!("pacer_session={leader}"))
                    .body(Body::empty())
                    .unwrap(),
            )
            .await
            .unwrap();
        assert_eq!(page.status(), StatusCode::OK);
        let html = String::from_utf8(page.into_body().collect().await.unwrap().to_bytes().to_vec()).unwrap();
        assert!(html.contains("<svg") && html.contains("MRR bridge"), "the page draws the bridge");
        // An admin tags a churn event picked by the account's name and month, never typed as ids.
        let page = w.app.clone().oneshot(common::get("/churn?fy=2026", &admin)).await.unwrap();
        let html = String::from_utf8(page.into_body().collect().await.unwrap().to_bytes().to_vec()).unwrap();
        assert!(
            html.contains(r#"<option value="3@2026-04">Account 3, left in Apr 2026</option>"#),
            "the tag form offers account 3's churn in April by name"
        );
        let form = common::with_session(
            Method::POST,
            "/churn/tags",
            &(admin.clone(), csrf.clone()),
            "application/x-www-form-urlencoded",
            Body::from(format!("csrf={csrf}&event=3%402026-04&reason=price")),
        );
        let (status, _, headers) = common::send(&w.app, form).await;
        assert_eq!(status, StatusCode::SEE_OTHER, "{headers:?}");
        let (_, april) = get(&w.app, "/api/v1/churn?period=FY2026-M04&by=month", &leader).await;
        assert_eq!(april["periods"][0]["reasons"]["tagged"], 1, "account 3's churn in April is tagged");
    }
}

#[tokio::test]
async fn the_churn_page_speaks_french_to_a_french_reader() {
    let db = TestDb::sqlite().await;
    let w = world(&db).await;
    let account = |id: i64| NewAccount { id, name: format!("Account {id}"), owner_id: Some(w.rep_a), segment: None };
    db.store.insert_accounts(&[account(1), account(2)]).await.unwrap();
    let row = |a, m: &str, v| SubscriptionMonth { account_id: a, month: month(m), mrr_minor: v };
    db.store
        .insert_subscriptions(&[row(1, "2025-12", 10_000), row(2, "2025-12", 20_000), row(1, "2026-01", 12_000)])
        .await
        .unwrap();
    let (admin, _) = w.session(Role::Admin).await;
    let mut req = common::get("/churn?fy=2026", &admin);
    req.headers_mut().insert(header::ACCEPT_LANGUAGE, "fr-FR,fr;q=0.9".parse().unwrap());
    let (status, html, _) = common::send(&w.app, req).await;
    assert_eq!(status, StatusCode::OK, "{html}");
    assert!(html.contains(r#"lang="fr""#));
    for words in [
        "Attrition : FY2026",
        "clients au début",
        "Pont de MRR",
        "Attrition clients annualisée",
        "Pourquoi les clients sont partis",
        "Donner un motif à un départ",
        "Account 2, parti en janv. 2026",
        "Fourchette",
    ] {
        assert!(html.contains(words), "lacks {words:?}: {html}");
    }
    for words in [
        "Attrition and churn",
        "MRR bridge",
        "Why customers left",
        "Tag a churn event",
        "left in",
        "customers at the start",
    ] {
        assert!(!html.contains(words), "still says {words:?}: {html}");
    }
}
