//! The rep scorecard on both databases: its figures are the attainment report's and the
//! leaderboards' for that rep (the same numbers), a rep gets their own and a 404 for anyone
//! else's, a manager a rep of their team and a 404 for another team's.

mod common;

use axum::http::{Method, StatusCode};
use common::{approved_plan, calls, get, send, world};
use pacer_core::access::Role;
use pacer_core::audit::Actor;
use pacer_storage::testing::TestDb;
use serde_json::json;

#[tokio::test]
async fn the_scorecard_is_the_attainment_reports_and_the_leaderboards_figures() {
    for db in TestDb::all().await {
        let w = world(&db).await;
        let backend = db.backend();
        // Without an approved plan: the rep's own actuals and ranks, and why there are no targets.
        let card = w.ok(Role::Rep, "/api/v1/scorecard").await;
        assert_eq!(card["rep_id"], w.rep_a, "{backend}");
        assert!(card["note"].as_str().unwrap().contains("no approved plan"), "{card}");
        assert!(card["kpis"].as_array().unwrap().iter().all(|k| k["quarter"]["attainment"].is_null()));
        let fy = card["fiscal_year"].as_i64().unwrap();
        let quarter_start: chrono::NaiveDate =
            card["kpis"][0]["quarter"]["period"]["start"].as_str().unwrap().parse().unwrap();

        let plan = approved_plan(&w, fy, &[json!({"kpi": "calls_made", "annual": 1200, "to": "reps"})]).await;
        let ops = Actor::named("test");
        w.store.upsert_activities(&calls(w.rep_a, quarter_start, 7, "a"), &ops).await.unwrap();
        w.store.upsert_activities(&calls(w.rep_b, quarter_start, 9, "b"), &ops).await.unwrap();

        let card = w.ok(Role::Rep, "/api/v1/scorecard").await;
        assert!(card["note"].is_null(), "{card}");
        assert_eq!(card["plan"]["id"], plan);
        let kpis = card["kpis"].as_array().unwrap();
        assert_eq!(kpis.len(), 1, "only the plan's KPIs with a target for the rep: {card}");
        let k = &kpis[0];
        assert_eq!(k["key"], "calls_made");
        assert_eq!(k["tolerance"], 0.1);
        assert_eq!(k["months"].as_array().unwrap().len(), 12);
        let months_target: i64 = k["months"].as_array().unwrap().iter().map(|m| m["target"].as_i64().unwrap()).sum();
        assert_eq!(months_target, k["year"]["attainment"]["full_target"].as_i64().unwrap(), "the year's months");

        // The attainment report's cells for Rep A, as their manager reads it.
        let att = w.ok(Role::Manager, &format!("/api/v1/plans/{plan}/attainment/calls_made?by=rep&per=quarter")).await;
        let quarter = k["quarter"]["period"]["name"].as_str().unwrap();
        let column = |name: &str| att["columns"].as_array().unwrap().iter().position(|c| c["name"] == name).unwrap();
        let row = att["rows"].as_array().unwrap().iter().find(|r| r["name"] == "Rep A").unwrap();
        assert_eq!(k["quarter"]["attainment"], row["cells"][column(quarter)], "{backend}: the quarter");
        assert_eq!(k["year"]["attainment"], row["cells"][column("YTD")], "{backend}: the year to date");
        assert_eq!(k["quarter"]["actual"], json!({"type": "count", "value": 7}), "{k}");

        // The leaderboards' ranks: the team's as the rep sees it, the company's as a leader does.
        let board = w.ok(Role::Rep, &format!("/api/v1/leaderboards/calls_made?period={quarter}")).await;
        assert_eq!(k["quarter"]["team_rank"]["rank"], board["me"]["rank"], "{board}");
        assert_eq!(k["quarter"]["team_rank"]["rank"], 1, "Rep A made the most calls of team A: {board}");
        let board = w.ok(Role::Leader, &format!("/api/v1/leaderboards/calls_made?period={quarter}")).await;
        let line = board["lines"].as_array().unwrap().iter().find(|l| l["rep_id"] == w.rep_a).unwrap();
        assert_eq!(k["quarter"]["company_rank"]["rank"], line["rank"], "{board}");
        assert_eq!(k["quarter"]["company_rank"]["rank"], 2, "Rep B made more calls");
        let board = w.ok(Role::Leader, &format!("/api/v1/leaderboards/calls_made?fy={fy}")).await;
        let line = board["lines"].as_array().unwrap().iter().find(|l| l["rep_id"] == w.rep_a).unwrap();
        assert_eq!(k["year"]["company_rank"]["rank"], line["rank"], "{board}");
        assert_eq!(k["year"]["actual"], line["value"]);

        // Whose scorecard: a rep their own only, a manager their team's, leaders anyone's.
        let missing = w.send(Role::Rep, Method::GET, "/api/v1/scorecard?rep=999999", None).await;
        let other = w.send(Role::Rep, Method::GET, &format!("/api/v1/scorecard?rep={}", w.rep_b), None).await;
        assert_eq!(missing.0, StatusCode::NOT_FOUND);
        assert_eq!(other.0, StatusCode::NOT_FOUND, "{backend}: another rep answers like a missing one");
        assert_eq!(other.1["error"]["code"], missing.1["error"]["code"]);
        let own = w.ok(Role::Rep, &format!("/api/v1/scorecard?rep={}", w.rep_a)).await;
        assert_eq!(own["kpis"], card["kpis"]);
        let mine = w.ok(Role::Manager, &format!("/api/v1/scorecard?rep={}", w.rep_a)).await;
        assert_eq!(mine["kpis"], card["kpis"], "the manager sees the same figures");
        let (status, _) = w.send(Role::Manager, Method::GET, &format!("/api/v1/scorecard?rep={}", w.rep_b), None).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{backend}: another team's rep");
        let theirs = w.ok(Role::Leader, &format!("/api/v1/scorecard?rep={}", w.rep_b)).await;
        assert_eq!(theirs["kpis"][0]["quarter"]["company_rank"]["rank"], 1);
        let (status, body) = w.send(Role::Leader, Method::GET, "/api/v1/scorecard", None).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "a leader without a rep record names one: {body}");

        // Its tables download as CSV and XLSX, the figures the JSON's.
        let (cookie, _) = w.session(Role::Rep).await;
        let (status, csv, _) = send(&w.app, get("/api/v1/scorecard?format=csv", &cookie)).await;
        assert_eq!(status, StatusCode::OK, "{csv}");
        let target = k["year"]["attainment"]["target"].as_i64().unwrap();
        let year_row = format!("Calls made,{} to date,{target},", k["year"]["period"]["label"].as_str().unwrap());
        assert!(csv.starts_with("kpi,period,target to date,") && csv.contains(&year_row), "{csv}");
        let (status, months, _) = send(&w.app, get("/api/v1/scorecard?format=csv&table=months", &cookie)).await;
        assert_eq!((status, months.lines().count()), (StatusCode::OK, 13), "{months}");
        let (status, _, headers) = send(&w.app, get("/api/v1/scorecard?format=xlsx", &cookie)).await;
        assert_eq!(
            (status, headers["content-type"].to_str().unwrap()),
            (StatusCode::OK, pacer_app::plan_xlsx::XLSX_MEDIA_TYPE)
        );

        // The pages: the rep's home is their scorecard; a manager opens a team member's, not another team's.
        let (cookie, _) = w.session(Role::Rep).await;
        let (status, html, _) = send(&w.app, get("/", &cookie)).await;
        assert_eq!(status, StatusCode::OK);
        assert!(html.contains("My scorecard") && html.contains("Calls made") && html.contains("<svg"), "{html}");
        let (cookie, _) = w.session(Role::Manager).await;
        let (status, html, _) = send(&w.app, get(&format!("/scorecard?rep={}", w.rep_a), &cookie)).await;
        assert_eq!(status, StatusCode::OK);
        assert!(html.contains("Scorecard: Rep A") && html.contains("Rank in team"), "{html}");
        let (status, _, _) = send(&w.app, get(&format!("/scorecard?rep={}", w.rep_b), &cookie)).await;
        assert_eq!(status, StatusCode::NOT_FOUND);
        let (status, html, _) = send(&w.app, get("/", &cookie)).await;
        assert_eq!(status, StatusCode::OK);
        assert!(!html.contains("My scorecard"), "a manager's home stays as it is");
    }
}

/// A rep whose browser asks for French reads their scorecard in French, charts included.
#[tokio::test]
async fn the_scorecard_speaks_french_to_a_french_browser() {
    for db in TestDb::all().await {
        let w = world(&db).await;
        let card = w.ok(Role::Rep, "/api/v1/scorecard").await;
        let fy = card["fiscal_year"].as_i64().unwrap();
        common::approved_plan(&w, fy, &[serde_json::json!({"kpi": "calls_made", "annual": 1200, "to": "reps"})]).await;
        for (role, path) in [(Role::Rep, "/".to_string()), (Role::Manager, format!("/scorecard?rep={}", w.rep_a))] {
            let (cookie, _) = w.session(role).await;
            let req = axum::http::Request::get(&path)
                .header(axum::http::header::COOKIE, format!("pacer_session={cookie}"))
                .header(axum::http::header::ACCEPT_LANGUAGE, "fr-FR,fr;q=0.9")
                .body(axum::body::Body::empty())
                .unwrap();
            let (status, html, _) = send(&w.app, req).await;
            assert_eq!(status, StatusCode::OK, "{path}: {html}");
            assert!(html.contains(r#"lang="fr""#), "{path}");
            for words in ["Rang dans l’équipe", "Objectif à date", "Exercice à date", "L’année à date face au plan"]
            {
                assert!(html.contains(words), "{path}: {words}: {html}");
            }
            for words in
                ["Rank in team", "Target to date", "Year to date", "Year so far against plan", "Actual to date"]
            {
                assert!(!html.contains(words), "{path}: English {words:?} left: {html}");
            }
        }
    }
}
