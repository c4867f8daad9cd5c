//! The dashboards on both databases: every figure is the report's or the plan attainment's it
//! summarises (the same numbers), for each role and scope: leaders and admins any team, a
//! manager their own (another team's is "not found"), a rep none.

mod common;

use axum::http::{Method, StatusCode};
use chrono::NaiveDate;
use common::{World, approved_plan, calls, world};
use pacer_app::cache::Caches;
use pacer_app::churn::SeriesCache;
use pacer_app::{AppError, Context};
use pacer_core::access::{Principal, Role};
use pacer_core::audit::Actor;
use pacer_core::records::NewActivity;
use pacer_storage::testing::TestDb;
use serde_json::{Value, json};

fn today() -> NaiveDate {
    chrono::Local::now().date_naive()
}

/// A user of `role` as the web layer makes them (a manager manages team A).
fn user(w: &World, role: Role) -> Principal {
    let managed_teams = if role == Role::Manager { vec![w.team_a] } else { Vec::new() };
    let rep_id = (role == Role::Rep).then_some(w.rep_a);
    Principal::User { id: w.users[&role], username: role.to_string(), role, rep_id, managed_teams }
}

/// The team dashboard of `team` as `role` would get it, as JSON.
async fn team_dashboard(w: &World, role: Role, team: i64) -> Result<Value, AppError> {
    let series = SeriesCache::default();
    let caches = Caches { warm: None, series: &series };
    let ctx = Context::new(w.store.as_ref(), caches, user(w, role), today()).await?;
    let board = pacer_app::dashboard::team(&ctx, team).await?;
    // Through text, as the API's answers are read, so that floats read back alike.
    Ok(serde_json::from_str(&serde_json::to_string(&board).unwrap()).unwrap())
}

/// The row of `name` in an attainment report.
fn row<'a>(report: &'a Value, name: &str) -> &'a Value {
    report["rows"].as_array().unwrap().iter().find(|r| r["name"] == name).unwrap_or_else(|| panic!("{name}: {report}"))
}

fn column(report: &Value, name: &str) -> usize {
    report["columns"].as_array().unwrap().iter().position(|c| c["name"] == name).unwrap()
}

#[tokio::test]
async fn the_team_dashboard_is_the_attainment_reports_pipelines_and_churns_figures() {
    for db in TestDb::all().await {
        let w = world(&db).await;
        let backend = db.backend();
        // Without an approved plan: the team's sellers (not its manager), and why there are no targets.
        let board = team_dashboard(&w, Role::Leader, w.team_a).await.unwrap();
        assert!(board["note"].as_str().unwrap().contains("no approved plan"), "{board}");
        assert_eq!(board["kpis"], json!([]));
        let reps: Vec<&Value> = board["reps"].as_array().unwrap().iter().map(|r| &r["name"]).collect();
        assert_eq!(reps, ["Rep A"], "{backend}: the sellers of team A");
        let fy = board["fiscal_year"].as_i64().unwrap();
        let quarter = board["quarter"]["name"].as_str().unwrap().to_string();
        let quarter_start: NaiveDate = board["quarter"]["start"].as_str().unwrap().parse().unwrap();
        let year_end: NaiveDate = w
            .ok(Role::Leader, &format!("/api/v1/calendar?fy={fy}&kind=year"))
            .await
            .as_array()
            .unwrap()
            .iter()
            .filter_map(|p| p["end"].as_str())
            .max()
            .unwrap()
            .parse()
            .unwrap();

        let allocations = [
            json!({"kpi": "calls_made", "annual": 1200, "to": "reps"}),
            json!({"kpi": "new_business", "annual": 12_000_000, "to": "teams"}),
        ];
        let plan = approved_plan(&w, fy, &allocations).await;
        let ops = Actor::named("test");
        w.store.upsert_activities(&calls(w.rep_a, quarter_start, 7, "a"), &ops).await.unwrap();
        w.store.upsert_activities(&calls(w.rep_b, quarter_start, 9, "b"), &ops).await.unwrap();
        let deal = |id: &str, status: &str, amount: i64, close: NaiveDate| {
            json!({"source": "crm", "external_id": id, "rep": w.rep_a, "account_id": 1, "kind": "new",
                "status": status, "stage": if status == "won" { "Closed Won" } else { "Negotiation" },
                "amount_minor": amount, "created_on": quarter_start.to_string(), "close_date": close.to_string()})
        };
        let deals = json!({"records": [deal("won", "won", 1_500_000, quarter_start),
            deal("open", "open", 2_000_000, year_end)]});
        let (status, body) = w.send(Role::Admin, Method::POST, "/api/v1/deals", Some(deals)).await;
        assert_eq!(status, StatusCode::OK, "{body}");

        let board = team_dashboard(&w, Role::Leader, w.team_a).await.unwrap();
        assert!(board["note"].is_null(), "{board}");
        assert_eq!(board["plan"]["id"], plan);
        let keys: Vec<&Value> = board["kpis"].as_array().unwrap().iter().map(|k| &k["key"]).collect();
        assert_eq!(keys, ["new_business", "calls_made"], "{backend}: the plan's KPIs for the team, by priority");

        // The team's figures are the attainment report's cells for team A.
        let att =
            w.ok(Role::Leader, &format!("/api/v1/plans/{plan}/attainment/new_business?by=team&per=quarter")).await;
        let nb = &board["kpis"][0];
        assert_eq!(nb["quarter"], row(&att, "A")["cells"][column(&att, &quarter)], "{backend}: the quarter");
        assert_eq!(nb["year"], row(&att, "A")["cells"][column(&att, "YTD")], "{backend}: the year to date");
        assert_eq!(nb["year"]["actual"], json!({"type": "money", "value": 1_500_000}));
        assert_eq!(nb["months"].as_array().unwrap().len(), 12);
        let months: i64 = nb["months"].as_array().unwrap().iter().map(|m| m["target"].as_i64().unwrap()).sum();
        assert_eq!(months, nb["year"]["full_target"].as_i64().unwrap(), "the chart's months are the year's");
        let calls_kpi = &board["kpis"][1];
        assert!(calls_kpi["quarter"].is_null() && calls_kpi["months"] == json!([]), "no team target: {calls_kpi}");

        // Each rep's year to date is the attainment report's by rep; the status reads the first KPI.
        let rep = &board["reps"][0];
        for (i, key) in ["new_business", "calls_made"].iter().enumerate() {
            let att = w.ok(Role::Leader, &format!("/api/v1/plans/{plan}/attainment/{key}?by=rep&per=quarter")).await;
            assert_eq!(rep["kpis"][i]["year"], row(&att, "Rep A")["cells"][column(&att, "YTD")], "{backend}: {key}");
        }
        let raw = rep["kpis"][0]["year"]["attainment"]["raw"].as_f64().unwrap();
        let expected = if raw < 0.9 {
            "behind"
        } else if raw <= 1.1 {
            "on_pace"
        } else {
            "ahead"
        };
        assert_eq!(rep["kpis"][0]["pace"], expected, "{rep}");
        // What is missing is readiness's completeness of the manual KPIs: Rep A has not logged lately.
        let readiness = w.ok(Role::Leader, "/api/v1/readiness").await;
        let unlogged: Vec<&Value> = readiness
            .as_array()
            .unwrap()
            .iter()
            .filter(|r| r["completeness"]["missing"].as_array().is_some_and(|m| m.contains(&json!(w.rep_a))))
            .map(|r| &r["name"])
            .collect();
        assert!(!unlogged.is_empty(), "{readiness}");
        assert_eq!(rep["missing"].as_array().unwrap().iter().collect::<Vec<_>>(), unlogged, "{backend}");
        assert_eq!(rep["status"], "not_logging", "{rep}");
        // A week of logging every manual KPI (whatever days the last working days are).
        let week: Vec<NewActivity> = (0..7)
            .flat_map(|days| {
                let day = today() - chrono::Duration::days(days);
                ["call", "meeting", "demo"].map(|kind| NewActivity {
                    activity_type: kind.into(),
                    occurred_at: day.and_hms_opt(0, 0, 0).unwrap(),
                    ..calls(w.rep_a, day, 1, &format!("{kind}{days}")).remove(0)
                })
            })
            .collect();
        w.store.upsert_activities(&week, &ops).await.unwrap();
        let logged = team_dashboard(&w, Role::Leader, w.team_a).await.unwrap();
        assert_eq!(logged["reps"][0]["missing"], json!([]), "{}", logged["reps"][0]);
        assert_eq!(logged["reps"][0]["status"], logged["reps"][0]["kpis"][0]["pace"], "the headline KPI's pace");

        // The pipeline covers what remains of the team's new business target with the open deal.
        let pipeline = &board["pipeline"];
        assert_eq!(pipeline["kpi"], "new_business");
        assert_eq!(pipeline["annual_target"], nb["year"]["full_target"]);
        assert_eq!((&pipeline["done"], &pipeline["open_minor"]), (&json!(1_500_000), &json!(2_000_000)), "{pipeline}");
        let tomorrow = today().succ_opt().unwrap();
        let path = format!("/api/v1/pipeline?by=team&team={}&from={tomorrow}&to={year_end}&deal_kind=new", w.team_a);
        let open = w.ok(Role::Leader, &path).await;
        assert_eq!(row(&open, "A")["summary"]["open_minor"], pipeline["open_minor"], "{backend}: the pipeline's");
        let remaining = pipeline["annual_target"].as_i64().unwrap() - 1_500_000;
        assert_eq!(pipeline["coverage"]["remaining_minor"], remaining, "{pipeline}");
        assert_eq!(pipeline["coverage"]["ratio"].as_f64().unwrap(), 2_000_000.0 / remaining as f64);

        // Churn is the churn report of the team's accounts; the gaps are the review's (read after the same logging).
        let churn = w.ok(Role::Leader, &format!("/api/v1/churn?team={}&period={quarter}", w.team_a)).await;
        let of_quarter: Vec<&Value> =
            board["churn"]["periods"].as_array().unwrap().iter().filter(|p| p["name"] == quarter.as_str()).collect();
        assert_eq!(of_quarter, churn["periods"].as_array().unwrap().iter().collect::<Vec<_>>(), "{backend}");
        let review = w.ok(Role::Leader, &format!("/api/v1/reviews/{quarter}")).await;
        let kinds = |gaps: &Value| -> Vec<(Value, Value)> {
            gaps.as_array().unwrap().iter().map(|g| (g["kind"].clone(), g["kpi"].clone())).collect()
        };
        let review_gaps: Vec<(Value, Value)> =
            kinds(&review["document"]["gaps"]).into_iter().filter(|(k, _)| k != "low_completeness").collect();
        let board_gaps: Vec<(Value, Value)> =
            kinds(&logged["gaps"]).into_iter().filter(|(k, _)| k != "low_completeness").collect();
        assert_eq!(board_gaps, review_gaps, "{backend}");
        for gap in logged["gaps"].as_array().unwrap().iter().filter(|g| g["kind"] == "low_completeness") {
            assert!(gap["reps"].as_array().unwrap().iter().all(|r| r == "Rep A"), "only team A's reps: {gap}");
        }

        // Scope: an admin and the team's manager read it alike; another team, a rep, no one else.
        let admin = team_dashboard(&w, Role::Admin, w.team_a).await.unwrap();
        assert_eq!(admin["kpis"], logged["kpis"], "{backend}");
        let manager = team_dashboard(&w, Role::Manager, w.team_a).await.unwrap();
        assert_eq!((&manager["kpis"], &manager["reps"]), (&logged["kpis"], &logged["reps"]), "{backend}");
        let other = team_dashboard(&w, Role::Manager, w.team_b).await.unwrap_err();
        assert!(matches!(other, AppError::NotFound(_)), "{backend}: another team's is not found: {other:?}");
        let missing = team_dashboard(&w, Role::Leader, 999_999).await.unwrap_err();
        assert!(matches!(missing, AppError::NotFound(_)), "{missing:?}");
        let rep = team_dashboard(&w, Role::Rep, w.team_a).await.unwrap_err();
        assert!(matches!(rep, AppError::Forbidden), "{backend}: a rep reads no team dashboard: {rep:?}");
    }
}
