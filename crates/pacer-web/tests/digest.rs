//! The weekly digest's preview on both databases: everyone reads their own ("My digest"), an
//! admin anyone's, composed as its reader sees Pacer; anyone else's is a 404, like a missing one.
//! People opt out in their account.

mod common;

use axum::body::Body;
use axum::http::{Method, StatusCode};
use common::{approved_plan, calls, get, send, with_session, world};
use pacer_core::access::Role;
use pacer_core::audit::Actor;
use pacer_storage::testing::TestDb;
use serde_json::json;

#[tokio::test]
async fn everyone_previews_their_own_digest_and_admins_anyones() {
    for db in TestDb::all().await {
        let w = world(&db).await;
        let backend = db.backend();
        let card = w.ok(Role::Rep, "/api/v1/scorecard").await;
        let fy = card["fiscal_year"].as_i64().unwrap();
        let quarter_start: chrono::NaiveDate =
            card["kpis"][0]["quarter"]["period"]["start"].as_str().unwrap().parse().unwrap();
        approved_plan(&w, fy, &[json!({"kpi": "calls_made", "annual": 1200, "to": "reps"})]).await;
        w.store.upsert_activities(&calls(w.rep_a, quarter_start, 7, "a"), &Actor::named("test")).await.unwrap();

        let page = |role: Role, path: String| {
            let w = &w;
            async move {
                let (cookie, _) = w.session(role).await;
                let (status, html, _) = send(&w.app, get(&path, &cookie)).await;
                (status, html)
            }
        };
        // A rep's own: their scorecard in short, naming them.
        let (status, html) = page(Role::Rep, "/digest".into()).await;
        assert_eq!(status, StatusCode::OK, "{backend}: {html}");
        assert!(html.contains("Hello rep,") && html.contains("Your scorecard"), "{html}");
        assert!(html.contains("Calls made") && html.contains("The plain-text part"), "{html}");
        assert!(html.contains("no e-mail address: not sent"), "{html}");
        let own = format!("/digest?user={}", w.users[&Role::Rep]);
        assert_eq!(page(Role::Rep, own.clone()).await.0, StatusCode::OK);

        // A manager's: the team they manage, and who needs attention there.
        let (status, html) = page(Role::Manager, "/digest".into()).await;
        assert_eq!(status, StatusCode::OK, "{backend}: {html}");
        assert!(html.contains("Hello manager,") && html.contains("Team A"), "{html}");
        assert!(html.contains("reps: ") && !html.contains("Team B"), "{html}");

        // Anyone else's is not found, for everyone but admins.
        for (role, other) in [(Role::Rep, Role::Manager), (Role::Manager, Role::Rep), (Role::Leader, Role::Rep)] {
            let (status, _) = page(role, format!("/digest?user={}", w.users[&other])).await;
            assert_eq!(status, StatusCode::NOT_FOUND, "{backend}: {role} reading {other}'s digest");
        }
        let (status, html) = page(Role::Admin, own).await;
        assert_eq!(status, StatusCode::OK, "{backend}: {html}");
        assert!(html.contains("Weekly digest: rep") && html.contains("Hello rep,"), "as the rep reads it");
        assert!(html.contains("Your scorecard"), "{html}");
        assert_eq!(page(Role::Admin, "/digest?user=999999".into()).await.0, StatusCode::NOT_FOUND);
        let (status, html) = page(Role::Admin, "/digest?week=2026-W54".into()).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{html}");
        let (status, html) = page(Role::Rep, "/digest?week=2026-W10".into()).await;
        assert_eq!(status, StatusCode::OK);
        assert!(html.contains("Week 2026-W10") && html.contains("figures to 8 Mar 2026"), "a past week: {html}");

        // Opting out in one's account, with one's own address.
        let session = w.session(Role::Rep).await;
        let form = "email=rep%40acme.example";
        let req = with_session(
            Method::POST,
            "/account/digest",
            &session,
            "application/x-www-form-urlencoded",
            Body::from(form),
        );
        let (status, _, headers) = send(&w.app, req).await;
        assert_eq!(status, StatusCode::SEE_OTHER, "{backend}");
        assert!(
            headers["location"].to_str().unwrap().contains("opted+out")
                || headers["location"].to_str().unwrap().contains("opted%20out")
        );
        let me = w.store.user(w.users[&Role::Rep]).await.unwrap();
        assert_eq!((me.email.as_deref(), me.digest), (Some("rep@acme.example"), false));
        let (_, html) = page(Role::Rep, "/digest".into()).await;
        assert!(html.contains("opted out: not sent"), "{html}");
        let (_, html) = page(Role::Rep, "/account".into()).await;
        assert!(html.contains("You have opted out of the weekly digest."), "{html}");
        let bad = "email=not+an+address&digest=true";
        let req = with_session(
            Method::POST,
            "/account/digest",
            &session,
            "application/x-www-form-urlencoded",
            Body::from(bad),
        );
        let (status, html, _) = send(&w.app, req).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{html}");
        assert!(html.contains("is not valid"), "{html}");
        assert!(!w.store.user(w.users[&Role::Rep]).await.unwrap().digest, "nothing changed");
    }
}
