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

        // Over the API: the use case's figures; a manager's own team by default; another team's
        // and a missing one are not found, a rep is forbidden.
        let api = w.ok(Role::Leader, &format!("/api/v1/dashboard?team={}", w.team_a)).await;
        assert_eq!((&api["kpis"], &api["reps"], &api["gaps"]), (&logged["kpis"], &logged["reps"], &logged["gaps"]));
        let own = w.ok(Role::Manager, "/api/v1/dashboard").await;
        assert_eq!((&own["team_id"], &own["kpis"]), (&json!(w.team_a), &logged["kpis"]), "{backend}");
        let read = common::with_token(
            &w.app,
            Method::GET,
            &format!("/api/v1/dashboard?team={}", w.team_b),
            &w.tokens[&pacer_core::access::Scope::Read],
            None,
        )
        .await;
        assert_eq!((read.0, &read.1["name"]), (StatusCode::OK, &json!("B")), "a read token reads any team");
        for (role, path, status) in [
            (Role::Manager, format!("/api/v1/dashboard?team={}", w.team_b), StatusCode::NOT_FOUND),
            (Role::Leader, "/api/v1/dashboard?team=999999".to_string(), StatusCode::NOT_FOUND),
            (Role::Rep, format!("/api/v1/dashboard?team={}", w.team_a), StatusCode::FORBIDDEN),
            (Role::Leader, format!("/api/v1/dashboard?team={}&format=pdf", w.team_a), StatusCode::BAD_REQUEST),
            (
                Role::Leader,
                format!("/api/v1/dashboard?team={}&format=csv&table=nope", w.team_a),
                StatusCode::BAD_REQUEST,
            ),
        ] {
            let (got, body) = w.send(role, Method::GET, &path, None).await;
            assert_eq!(got, status, "{backend}: {path} as {role}: {body}");
            assert!(body["error"]["message"].is_string(), "{body}");
        }

        // Every table downloads as CSV, the whole as a workbook; the pages show it to its manager.
        let (cookie, _) = w.session(Role::Manager).await;
        let csv = |table: &str| {
            common::get(&format!("/api/v1/dashboard?team={}&format=csv&table={table}", w.team_a), &cookie)
        };
        let (status, text, _) = common::send(&w.app, csv("reps")).await;
        assert_eq!(status, StatusCode::OK, "{text}");
        assert!(
            text.starts_with("Rep,status,New business won YTD credited %,Calls made YTD credited %,missing\nRep A,"),
            "{text}"
        );
        for table in ["kpis", "pipeline", "churn", "data-gaps"] {
            let (status, text, _) = common::send(&w.app, csv(table)).await;
            assert_eq!(status, StatusCode::OK, "{table}: {text}");
        }
        let xlsx = common::get(&format!("/api/v1/dashboard?team={}&format=xlsx", w.team_a), &cookie);
        let (status, _, headers) = common::send(&w.app, xlsx).await;
        assert_eq!(
            (status, headers["content-type"].to_str().unwrap()),
            (StatusCode::OK, pacer_app::plan_xlsx::XLSX_MEDIA_TYPE)
        );
        let (status, html, _) = common::send(&w.app, common::get("/", &cookie)).await;
        assert_eq!(status, StatusCode::OK);
        assert!(html.contains("My team: A") && html.contains("Reps side by side") && html.contains("<svg"), "{html}");
        if today() < year_end {
            assert!(
                html.contains(&format!("FY{fy} in progress: to ")),
                "a chart of the year in progress says so: {html}"
            );
        }
        let (status, _, _) = common::send(&w.app, common::get(&format!("/dashboard?team={}", w.team_b), &cookie)).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{backend}: another team's page");
        let (cookie, _) = w.session(Role::Leader).await;
        let (status, html, _) =
            common::send(&w.app, common::get(&format!("/dashboard?team={}", w.team_a), &cookie)).await;
        assert_eq!(status, StatusCode::OK);
        assert!(html.contains("Team dashboard: A") && html.contains("Rep A"), "{html}");
    }
}

/// The leadership dashboard as `role` gets it from the use case.
async fn company_dashboard(w: &World, role: Role) -> Result<Value, AppError> {
    let series = SeriesCache::default();
    let caches = Caches { warm: None, series: &series };
    let ctx = Context::new(w.store.as_ref(), caches, user(w, role), today()).await?;
    let board = pacer_app::dashboard::company(&ctx).await?;
    Ok(serde_json::from_str(&serde_json::to_string(&board).unwrap()).unwrap())
}

#[tokio::test]
async fn the_leadership_dashboard_is_the_reviews_the_forecasts_and_the_churn_reports_figures() {
    for db in TestDb::all().await {
        let w = world(&db).await;
        let backend = db.backend();
        // Without an approved plan: readiness, gaps and churn, and why there is no revenue against plan.
        let board = w.ok(Role::Leader, "/api/v1/dashboard").await;
        assert!(board["note"].as_str().unwrap().contains("no approved plan"), "{board}");
        assert_eq!((&board["revenue"], &board["teams"]), (&json!([]), &json!([])));
        assert_eq!(board["readiness"], w.ok(Role::Leader, "/api/v1/readiness").await, "{backend}");
        let fy = board["fiscal_year"].as_i64().unwrap();
        let quarter = board["quarter"]["name"].as_str().unwrap().to_string();
        let quarter_start: NaiveDate = board["quarter"]["start"].as_str().unwrap().parse().unwrap();

        let allocations = [
            json!({"kpi": "new_business", "annual": 12_000_000, "to": "teams"}),
            json!({"kpi": "expansion", "annual": 6_000_000, "to": "teams"}),
            json!({"kpi": "calls_made", "annual": 1200, "to": "reps"}),
        ];
        approved_plan(&w, fy, &allocations).await;
        let deal = |id: &str, rep: i64, kind: &str, amount: i64| {
            json!({"source": "crm", "external_id": id, "rep": rep, "account_id": 1, "kind": kind, "status": "won",
                "stage": "Closed Won", "amount_minor": amount, "created_on": quarter_start.to_string(),
                "close_date": quarter_start.to_string()})
        };
        let deals = json!({"records": [deal("a", w.rep_a, "new", 1_500_000), deal("b", w.rep_b, "new", 600_000),
            deal("c", w.rep_b, "upsell", 400_000)]});
        let (status, body) = w.send(Role::Admin, Method::POST, "/api/v1/deals", Some(deals)).await;
        assert_eq!(status, StatusCode::OK, "{body}");
        w.store.upsert_activities(&calls(w.rep_a, quarter_start, 7, "a"), &Actor::named("test")).await.unwrap();
        let path = format!("/api/v1/reviews/{quarter}");
        let (status, body) = w.send(Role::Admin, Method::POST, &path, Some(json!({}))).await;
        assert_eq!(status, StatusCode::OK, "{body}");
        let note = json!({"subject": {"kind": "kpi", "key": "new_business"}, "text": "Team B lost its biggest deal"});
        let (status, body) = w.send(Role::Leader, Method::POST, &format!("{path}/notes"), Some(note)).await;
        assert_eq!(status, StatusCode::OK, "{body}");

        let board = w.ok(Role::Leader, "/api/v1/dashboard").await;
        assert!(board["note"].is_null(), "{board}");
        let review = w.ok(Role::Leader, &path).await;
        let document = &review["document"];
        // Revenue: the plan's money KPIs, new and existing business apart, with the review's figures.
        let revenue = board["revenue"].as_array().unwrap();
        let lines: Vec<(&Value, &Value)> = revenue.iter().map(|k| (&k["key"], &k["business"])).collect();
        assert_eq!(lines, [(&json!("new_business"), &json!("new")), (&json!("expansion"), &json!("existing"))]);
        for k in revenue {
            let r = document["kpis"].as_array().unwrap().iter().find(|r| r["key"] == k["key"]).unwrap();
            assert_eq!(
                (&k["quarter"], &k["ytd"]),
                (&r["company"]["quarter"], &r["company"]["ytd"]),
                "{backend}: {}",
                k["key"]
            );
            for field in ["annual_target", "projected_year_end", "pace", "pipeline_coverage", "partial"] {
                assert_eq!(k[field], r[field], "{backend}: {} {field}", k["key"]);
            }
            // The second opinion is the outlook's statistical forecast.
            let outlook = w.ok(Role::Leader, &format!("/api/v1/seasonality/{}", k["key"].as_str().unwrap())).await;
            assert_eq!(k["forecast_year_end"], outlook["forecast_projection"], "{backend}");
            assert_eq!(k["forecast_months"], outlook["forecast_months"]);
            assert_eq!(k["forecast_note"], outlook["forecast_error"]);
            let months: i64 = k["months"].as_array().unwrap().iter().map(|m| m["target"].as_i64().unwrap()).sum();
            assert_eq!(months, k["annual_target"].as_i64().unwrap(), "the chart's months are the year's");
        }
        assert_eq!(revenue[0]["ytd"]["actual"], 2_100_000.0);
        // Teams ranked on the first KPI with team targets, with the review's figures of each.
        assert_eq!(board["ranked_on"]["key"], "new_business");
        let teams = board["teams"].as_array().unwrap();
        let names: Vec<&Value> = teams.iter().map(|t| &t["name"]).collect();
        assert_eq!(names, ["A", "B"], "{backend}: A won more against the same target");
        assert_eq!(
            (&teams[0]["rank"], &teams[1]["rank"], &teams[0]["team_id"]),
            (&json!(1), &json!(2), &json!(w.team_a))
        );
        for t in teams {
            let r = document["kpis"][0]["teams"].as_array().unwrap().iter().find(|r| r["name"] == t["name"]).unwrap();
            assert_eq!(t["ytd"], r["ytd"], "{backend}");
        }
        // Churn, readiness, gaps and the review's exceptions are their reports'.
        let churn = w.ok(Role::Leader, &format!("/api/v1/churn?period={quarter}")).await;
        let of_quarter: Vec<&Value> =
            board["churn"]["periods"].as_array().unwrap().iter().filter(|p| p["name"] == quarter.as_str()).collect();
        assert_eq!(of_quarter, churn["periods"].as_array().unwrap().iter().collect::<Vec<_>>(), "{backend}");
        assert_eq!(board["readiness"], w.ok(Role::Leader, "/api/v1/readiness").await, "{backend}");
        assert_eq!(board["gaps"], document["gaps"], "{backend}");
        assert_eq!(board["exceptions"], review["notes"], "{backend}");
        assert_eq!(board["exceptions"][0]["text"], "Team B lost its biggest deal");

        // Whose: leaders, admins and read tokens; a manager gets their own team's; a rep none.
        let use_case = company_dashboard(&w, Role::Leader).await.unwrap();
        assert_eq!((&use_case["revenue"], &use_case["teams"]), (&board["revenue"], &board["teams"]), "{backend}");
        let admin = w.ok(Role::Admin, "/api/v1/dashboard").await;
        assert_eq!(admin["revenue"], board["revenue"]);
        let read = common::with_token(
            &w.app,
            Method::GET,
            "/api/v1/dashboard",
            &w.tokens[&pacer_core::access::Scope::Read],
            None,
        )
        .await;
        assert_eq!((read.0, &read.1["teams"]), (StatusCode::OK, &board["teams"]));
        let manager = w.ok(Role::Manager, "/api/v1/dashboard").await;
        assert_eq!((&manager["team_id"], &manager["revenue"]), (&json!(w.team_a), &Value::Null), "their team's");
        let refused = company_dashboard(&w, Role::Manager).await.unwrap_err();
        assert!(matches!(refused, AppError::Forbidden), "{refused:?}");
        let (status, _) = w.send(Role::Rep, Method::GET, "/api/v1/dashboard", None).await;
        assert_eq!(status, StatusCode::FORBIDDEN);

        // Tables as CSV and the whole as a workbook; the home pages of leaders and admins.
        let (cookie, _) = w.session(Role::Leader).await;
        let (status, text, _) = common::send(&w.app, common::get("/api/v1/dashboard?format=csv", &cookie)).await;
        assert_eq!(status, StatusCode::OK, "{text}");
        assert!(
            text.starts_with("KPI,business,quarter target to date (USD),") && text.contains("\nNew business won,new,"),
            "{text}"
        );
        let (status, text, _) =
            common::send(&w.app, common::get("/api/v1/dashboard?format=csv&table=teams", &cookie)).await;
        assert_eq!(status, StatusCode::OK);
        assert!(text.starts_with("rank,team,YTD target to date (USD),") && text.contains("\n1,A,"), "{text}");
        for table in ["churn", "readiness", "data-gaps", "exceptions"] {
            let (status, text, _) =
                common::send(&w.app, common::get(&format!("/api/v1/dashboard?format=csv&table={table}"), &cookie))
                    .await;
            assert_eq!(status, StatusCode::OK, "{table}: {text}");
        }
        let (status, _, headers) = common::send(&w.app, common::get("/api/v1/dashboard?format=xlsx", &cookie)).await;
        assert_eq!(
            (status, headers["content-type"].to_str().unwrap()),
            (StatusCode::OK, pacer_app::plan_xlsx::XLSX_MEDIA_TYPE)
        );
        for role in [Role::Leader, Role::Admin] {
            let (cookie, _) = w.session(role).await;
            let (status, html, _) = common::send(&w.app, common::get("/", &cookie)).await;
            assert_eq!(status, StatusCode::OK);
            for words in [
                "Leadership dashboard",
                "New business",
                "Existing business",
                "Teams ranked by attainment",
                "Team B lost its biggest deal",
                "<svg",
            ] {
                assert!(html.contains(words), "{role}: {words}: {html}");
            }
            let (status, html, _) = common::send(&w.app, common::get("/dashboard", &cookie)).await;
            assert_eq!(status, StatusCode::OK);
            assert!(html.contains(&format!("Leadership dashboard: FY{fy}")), "{html}");
        }
    }
}

/// A GET with a session cookie from a browser that asks for French.
fn get_fr(path: &str, cookie: &str) -> axum::http::Request<axum::body::Body> {
    axum::http::Request::get(path)
        .header(axum::http::header::COOKIE, format!("pacer_session={cookie}"))
        .header(axum::http::header::ACCEPT_LANGUAGE, "fr-FR,fr;q=0.9")
        .body(axum::body::Body::empty())
        .unwrap()
}

/// A browser that asks for French reads the dashboards, the organisation pages and the fiscal
/// calendar in French: headings, tables, badges, charts and formats, and none of their English.
#[tokio::test]
async fn the_dashboards_and_organisation_pages_speak_french_to_a_french_browser() {
    for db in TestDb::all().await {
        let w = world(&db).await;
        let backend = db.backend();
        let fy = team_dashboard(&w, Role::Leader, w.team_a).await.unwrap()["fiscal_year"].as_i64().unwrap();
        let allocations = [
            json!({"kpi": "calls_made", "annual": 1200, "to": "reps"}),
            json!({"kpi": "new_business", "annual": 12_000_000, "to": "teams"}),
        ];
        approved_plan(&w, fy, &allocations).await;
        let page = |role: Role, path: String| {
            let w = &w;
            async move {
                let (cookie, _) = w.session(role).await;
                let (status, html, _) = common::send(&w.app, get_fr(&path, &cookie)).await;
                assert_eq!(status, StatusCode::OK, "{backend}: {path}: {html}");
                assert!(html.contains(r#"lang="fr""#), "{path}");
                html
            }
        };
        let team = format!("/dashboard?team={}", w.team_a);
        for (role, path, french, english) in [
            (
                Role::Manager,
                "/".to_string(),
                &[
                    "Mon équipe : A",
                    "Les commerciaux côte à côte",
                    "Indicateurs face au plan",
                    "Où aller",
                    // A data gap and what to do, with the day as French writes it.
                    "« Customers at events » est prévu mais pas encore en service",
                    "terminer la mise en place (prévue pour le 20 janv. 2027) ; d’ici là, aucun chiffre",
                ][..],
                &["My team", "Reps side by side", "KPIs against plan", "Where to go"][..],
            ),
            (
                Role::Leader,
                team,
                &["Tableau de bord de l’équipe : A", "Attrition face à la fourchette", "Données manquantes"],
                &["Team dashboard", "Churn against the band", "Data gaps", "Pipeline coverage of what remains"],
            ),
            (
                Role::Leader,
                "/dashboard".into(),
                &["Tableau de bord de la direction : FY", "Équipes classées par taux d’atteinte", "Nouveaux clients"],
                &["Leadership dashboard", "Teams ranked by attainment", "New business<", "Revenue against plan"],
            ),
            (
                Role::Admin,
                "/org".into(),
                &["Équipes", "Ajouter une équipe", "Date d’embauche"],
                &["Add a team", "Hire date"],
            ),
            (
                Role::Admin,
                format!("/teams/{}", w.team_a),
                &["Membres aujourd’hui", "Modifier l’équipe", "Désactiver l’équipe"],
                &["Members today", "Edit team", "Deactivate team"],
            ),
            (
                Role::Admin,
                format!("/reps/{}", w.rep_a),
                &["Saisie rapide", "Activités récentes", "Historique des équipes", "Changer d’équipe"],
                &["Quick log", "Recent activities", "Team history", "Move to another team"],
            ),
            (
                Role::Rep,
                "/calendar".into(),
                // The week as French counts it: from Monday.
                &[
                    "Calendrier fiscal : FY",
                    "Jours ouvrés",
                    "T1 FY",
                    "La semaine de travail",
                    "<li>lundi</li><li>mardi",
                ],
                &["Fiscal calendar", "Working days", "Q1 FY", "The working week", "Monday"],
            ),
        ] {
            let html = page(role, path.clone()).await;
            // No day written the English way ("Dec 8, 2026") and no explanation left in English.
            for month in ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"] {
                for (at, _) in html.match_indices(&format!("{month} ")) {
                    let after = &html[at + 4..];
                    assert!(
                        !after.starts_with(|c: char| c.is_ascii_digit()),
                        "{backend}: {path}: an English date: {}",
                        &html[at.saturating_sub(200)..(at + 60).min(html.len())]
                    );
                }
            }
            for words in
                ["not a full-year picture", "not tracked yet", "remind the reps named", "no target after", "ramped: "]
            {
                assert!(!html.contains(words), "{backend}: {path}: English {words:?} left: {html}");
            }
            for words in french {
                assert!(html.contains(words), "{backend}: {path}: {words}: {html}");
            }
            for words in english {
                assert!(!html.contains(words), "{backend}: {path}: English {words:?} left: {html}");
            }
        }
        // Charts draw French words and French figures.
        let html = page(Role::Leader, "/dashboard".into()).await;
        assert!(html.contains("Taux d’atteinte crédité par équipe") && html.contains("\u{202f}%"), "{html}");
    }
}
