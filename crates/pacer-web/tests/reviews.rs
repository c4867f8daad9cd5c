//! The quarterly review end to end through the API, on both databases: the
//! partial KPI with its coverage, the manual KPI with low completeness and
//! its reps, a rep between 90% and 100% attained with the tolerance, a
//! rebalancing whose lines still sum to their year, and a closed review
//! whose figures survive a later correction of raw data, with the
//! difference shown. Bad requests change nothing.

mod common;

use axum::http::{Method, StatusCode};
use chrono::NaiveDate;
use common::{calls, world};
use pacer_core::access::Role;
use pacer_storage::testing::TestDb;
use serde_json::{Value, json};

fn d(s: &str) -> NaiveDate {
    s.parse().unwrap()
}

#[tokio::test]
async fn a_review_lists_gaps_credits_the_tolerance_rebalances_and_freezes() {
    for db in TestDb::all().await {
        let w = world(&db).await;
        // FY2026 (the calendar year): 1,200 calls for the two sellers, approved.
        let (_, plan) = w
            .send(
                Role::Admin,
                Method::POST,
                "/api/v1/plans",
                Some(json!({"fiscal_year": 2026, "name": "FY2026 plan", "settings": {"tolerance": 0.1}})),
            )
            .await;
        let id = plan["id"].as_i64().unwrap();
        let (status, _) = w
            .send(
                Role::Admin,
                Method::POST,
                &format!("/api/v1/plans/{id}/allocate"),
                Some(json!({"kpi": "calls_made", "annual": 1200, "to": "reps"})),
            )
            .await;
        assert_eq!(status, StatusCode::OK);
        w.send(Role::Leader, Method::POST, &format!("/api/v1/plans/{id}/status"), Some(json!({"status": "approved"})))
            .await;
        // Q3 target for each rep: 3 × 50 = 150. Rep A makes 140 (93%), all in the last week of September
        // (so only Rep A logged lately: completeness 50%); Rep B makes none.
        w.store
            .upsert_activities(&calls(w.rep_a, d("2026-09-28"), 140, "q3"), &pacer_core::audit::Actor::named("test"))
            .await
            .unwrap();

        let (status, _) = w.send(Role::Admin, Method::POST, "/api/v1/reviews/FY2026-Q3", Some(json!({}))).await;
        assert_eq!(status, StatusCode::OK);
        // The leader's review names everyone; the manager of team A sees only team A's reps.
        let (status, mine) = w.send(Role::Manager, Method::GET, "/api/v1/reviews/FY2026-Q3", None).await;
        assert_eq!(status, StatusCode::OK, "{mine}");
        assert!(!mine.to_string().contains("Rep B"), "{mine}");
        let (status, v) = w.send(Role::Leader, Method::GET, "/api/v1/reviews/FY2026-Q3", None).await;
        assert_eq!(status, StatusCode::OK, "{v}");
        let doc = &v["document"];
        let kpi = doc["kpis"].as_array().unwrap().iter().find(|k| k["key"] == "calls_made").unwrap();
        let rep_a = kpi["reps"].as_array().unwrap().iter().find(|r| r["name"] == "Rep A").unwrap();
        assert_eq!(rep_a["quarter"]["target"], 150);
        let raw = rep_a["quarter"]["raw"].as_f64().unwrap();
        assert!((0.9..1.0).contains(&raw), "{raw}");
        assert_eq!(rep_a["quarter"]["attained"], true, "93% with a 10% tolerance is attained");
        assert_eq!(kpi["best"][0], "Rep A");
        let gaps = doc["gaps"].as_array().unwrap();
        let low = gaps
            .iter()
            .find(|g| g["kind"] == "low_completeness" && g["kpi"] == "calls_made")
            .expect("low completeness");
        assert_eq!(low["reps"], json!(["Rep B"]));
        let partial =
            gaps.iter().find(|g| g["kind"] == "partial" && g["kpi"] == "connected_calls").expect("partial KPI");
        assert!(partial["message"].as_str().unwrap().contains("not a full-year picture"), "{partial}");
        assert!(partial["message"].as_str().unwrap().contains("of 9 months"), "{partial}");
        assert!(gaps.iter().any(|g| g["kind"] == "not_live"), "the planned KPI");

        // An exception note on the KPI, then the review is closed: figures frozen.
        let (status, _) = w
            .send(
                Role::Leader,
                Method::POST,
                "/api/v1/reviews/FY2026-Q3/notes",
                Some(json!({"subject": {"kind": "kpi", "key": "calls_made"}, "text": "Rep B on leave in September"})),
            )
            .await;
        assert_eq!(status, StatusCode::OK);
        let (status, _) = w.send(Role::Leader, Method::POST, "/api/v1/reviews/FY2026-Q3/close", None).await;
        assert_eq!(status, StatusCode::OK);
        // A correction of raw data after closing: Rep A's late calls arrive.
        w.store
            .upsert_activities(&calls(w.rep_a, d("2026-09-29"), 10, "late"), &pacer_core::audit::Actor::named("test"))
            .await
            .unwrap();
        let (_, frozen) = w.send(Role::Manager, Method::GET, "/api/v1/reviews/FY2026-Q3", None).await;
        let kpi = frozen["document"]["kpis"].as_array().unwrap().iter().find(|k| k["key"] == "calls_made").unwrap();
        let rep_a = kpi["reps"].as_array().unwrap().iter().find(|r| r["name"] == "Rep A").unwrap();
        assert_eq!(rep_a["quarter"]["actual"], 140.0, "the closed review reads the same");
        let diff = frozen["differences"]
            .as_array()
            .unwrap()
            .iter()
            .find(|x| x["owner"] == "Rep A")
            .expect("the difference is shown");
        assert_eq!(diff["frozen"], 140.0);
        assert_eq!(diff["now"], 150.0);
        assert_eq!(frozen["notes"][0]["text"], "Rep B on leave in September");
        let (status, _) = w.send(Role::Leader, Method::POST, "/api/v1/reviews/FY2026-Q3/close", None).await;
        assert_eq!(status, StatusCode::CONFLICT, "a closed review stays closed");

        // Rebalancing: preview, then apply as a new approved version; every line sums to its year.
        let (status, preview) = w
            .send(
                Role::Admin,
                Method::POST,
                "/api/v1/reviews/FY2026-Q3/rebalance",
                Some(json!({"kpi": "calls_made", "annual": 1300})),
            )
            .await;
        assert_eq!(status, StatusCode::OK, "{preview}");
        let lines = preview["proposal"]["lines"].as_array().unwrap();
        let sum = |v: &Value| v.as_array().unwrap().iter().map(|m| m.as_i64().unwrap()).sum::<i64>();
        let company = lines.iter().find(|l| l["owner"]["kind"] == "company").unwrap();
        assert_eq!(sum(&company["after"]), 1300, "the revised year, to the unit");
        assert_eq!(
            company["after"].as_array().unwrap()[..9],
            company["before"].as_array().unwrap()[..9],
            "months past are kept"
        );
        for l in lines.iter().filter(|l| l["owner"]["kind"] == "rep") {
            assert_eq!(sum(&l["after"]), sum(&l["before"]) * 1300 / 1200, "{l}");
        }
        assert!(preview["plan"].is_null(), "a preview changes nothing");
        let (_, same) = w.send(Role::Manager, Method::GET, &format!("/api/v1/plans/{id}"), None).await;
        assert_eq!(same["status"], "approved");
        let (status, applied) = w
            .send(
                Role::Admin,
                Method::POST,
                "/api/v1/reviews/FY2026-Q3/rebalance",
                Some(json!({"kpi": "calls_made", "apply": true})),
            )
            .await;
        assert_eq!(status, StatusCode::OK, "{applied}");
        assert_eq!(applied["plan"]["status"], "approved");
        assert_eq!(applied["plan"]["version"], 2);
        let (_, old) = w.send(Role::Manager, Method::GET, &format!("/api/v1/plans/{id}"), None).await;
        assert_eq!(old["status"], "revised");
        let new_id = applied["plan"]["id"].as_i64().unwrap();
        let (_, sheet) =
            w.send(Role::Manager, Method::GET, &format!("/api/v1/plans/{new_id}/targets/calls_made"), None).await;
        for l in sheet["lines"].as_array().unwrap() {
            assert_eq!(sum(&l["months"]), l["total"].as_i64().unwrap());
        }

        // Bad input, nothing changed.
        let (status, err) = w.send(Role::Manager, Method::GET, "/api/v1/reviews/FY2025-Q3", None).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{err}");
        assert!(err["error"]["message"].as_str().unwrap().contains("no approved plan"));
        let (status, err) = w.send(Role::Manager, Method::GET, "/api/v1/reviews/FY2031-Q1", None).await;
        assert_eq!(status, StatusCode::BAD_REQUEST);
        assert!(err["error"]["message"].as_str().unwrap().contains("not started"));
        let (status, _) = w.send(Role::Manager, Method::GET, "/api/v1/reviews/FY2026-M03", None).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "a month is not a quarter");
        w.send(
            Role::Leader,
            Method::POST,
            &format!("/api/v1/plans/{new_id}/status"),
            Some(json!({"status": "archived"})),
        )
        .await;
        let (status, _) = w
            .send(
                Role::Admin,
                Method::POST,
                "/api/v1/reviews/FY2026-Q3/rebalance",
                Some(json!({"kpi": "calls_made", "apply": true})),
            )
            .await;
        assert!(status.is_client_error(), "no rebalancing without a plan in force");
        let (_, plans) = w.send(Role::Manager, Method::GET, "/api/v1/plans", None).await;
        assert_eq!(plans.as_array().unwrap().len(), 2, "nothing was created");
    }
}

#[tokio::test]
async fn a_review_speaks_french_to_a_french_reader_and_its_workbook_too() {
    use calamine::Reader;
    let db = TestDb::sqlite().await;
    let w = world(&db).await;
    common::approved_plan(&w, 2026, &[json!({"kpi": "calls_made", "annual": 1200, "to": "reps"})]).await;
    let (status, _) = w.send(Role::Admin, Method::POST, "/api/v1/reviews/FY2026-Q3", Some(json!({}))).await;
    assert_eq!(status, StatusCode::OK);
    let (cookie, _) = w.session(Role::Admin).await;
    let french = |path: &str| {
        let mut req = common::get(path, &cookie);
        req.headers_mut().insert(axum::http::header::ACCEPT_LANGUAGE, "fr-FR,fr;q=0.9".parse().unwrap());
        req
    };
    let (status, html, _) = common::send(&w.app, french("/reviews/FY2026-Q3")).await;
    assert_eq!(status, StatusCode::OK, "{html}");
    assert!(html.contains(r#"lang="fr""#));
    for words in [
        "Revue trimestrielle : T3 FY2026",
        "Sommaire",
        "Le trimestre en un coup d’œil",
        "Lacunes de données",
        "Notes pour la direction",
        "Rééquilibrage",
        "ouverte",
        "Équipe ou commercial",
        "Ajouter la note",
        "Clôturer et figer les chiffres…",
        "relancer les commerciaux cités, ou faire de la saisie un point du suivi individuel hebdomadaire",
    ] {
        assert!(html.contains(words), "lacks {words:?}: {html}");
    }
    for words in [
        "remind the reps named",
        "active reps logged lately",
        "Quarterly review",
        "The quarter at a glance",
        "Notes for the directors",
        "Add note",
        "Team or rep",
        "Review Q3 FY2026",
    ] {
        assert!(!html.contains(words), "still says {words:?}: {html}");
    }
    // The workbook from the page: French sheet names and headers, the same figures as the English one.
    let (status, _, headers) = common::send(&w.app, french("/reviews/FY2026-Q3/xlsx")).await;
    assert_eq!(status, StatusCode::OK);
    assert!(headers[axum::http::header::CONTENT_TYPE].to_str().unwrap().contains("spreadsheetml"));
    let bytes = |req| download(&w.app, req);
    let sheets = |b: Vec<u8>| {
        let mut book = calamine::Xlsx::new(std::io::Cursor::new(b)).unwrap();
        let names = book.sheet_names().to_vec();
        names.iter().map(|n| (n.clone(), book.worksheet_range(n).unwrap())).collect::<Vec<_>>()
    };
    let fr = sheets(bytes(french("/reviews/FY2026-Q3/xlsx")).await);
    let en = sheets(bytes(common::get("/reviews/FY2026-Q3/xlsx", &cookie)).await);
    let names: Vec<&str> = fr.iter().map(|(n, _)| n.as_str()).collect();
    assert_eq!(names, ["Synthèse", "calls_made", "Lacunes de données", "Notes"]);
    assert_eq!(en[0].0, "Summary");
    // The API's download is a workbook for people too: in the caller's language, its JSON in English.
    let api = sheets(bytes(french("/api/v1/reviews/FY2026-Q3?format=xlsx")).await);
    assert_eq!(api.iter().map(|(n, _)| n.as_str()).collect::<Vec<_>>(), names);
    let (_, json, _) = common::send(&w.app, french("/api/v1/reviews/FY2026-Q3")).await;
    assert!(json.contains("\"period\"") && !json.contains("Synthèse"), "{json}");
    let header = |r: &calamine::Range<calamine::Data>, c: u32| r.get_value((0, c)).unwrap().to_string();
    assert_eq!(header(&fr[0].1, 1), "objectif du trimestre");
    assert_eq!(header(&en[0].1, 1), "quarter target");
    assert_eq!(header(&fr[1].1, 0), "Équipe ou commercial");
    for ((name, f), (_, e)) in fr.iter().zip(&en) {
        let rows = |r: &calamine::Range<calamine::Data>, columns: usize| {
            r.rows().skip(1).map(|row| row[..columns.min(row.len())].to_vec()).collect::<Vec<_>>()
        };
        // The data gaps say what is wrong and what to do in the reader's words (the kind and the
        // KPI are data), and so does the summary's last column, a KPI's coverage of the year.
        let columns = match name.as_str() {
            "Lacunes de données" => 2,
            "Synthèse" => 17,
            _ => usize::MAX,
        };
        assert_eq!(rows(f, columns), rows(e, columns), "the cells are the same");
    }
    let gaps = &fr[2].1;
    let todo: Vec<String> = gaps.rows().skip(1).map(|r| r[3].to_string()).collect();
    assert!(!todo.is_empty() && todo.iter().all(|t| !t.is_empty()), "{todo:?}");
    assert!(todo.iter().any(|t| t.starts_with("relancer les commerciaux")), "{todo:?}");
    assert_eq!(
        fr[0].1.get_value((1, 17)).unwrap().to_string(),
        "couvre 0 mois sur 9 : pas une vision sur l’année entière"
    );
    assert_eq!(fr[0].1.get_value((1, 1)), Some(&calamine::Data::Float(300.0)), "the quarter's target is a number");
}

/// The body of a download, as bytes.
async fn download(app: &axum::Router, req: axum::http::Request<axum::body::Body>) -> Vec<u8> {
    use http_body_util::BodyExt;
    use tower::ServiceExt;
    let resp = app.clone().oneshot(req).await.unwrap();
    resp.into_body().collect().await.unwrap().to_bytes().to_vec()
}
