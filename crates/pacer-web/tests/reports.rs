//! Reports, leaderboards and the pipeline end to end through the API, on
//! both databases: figures agree with a straightforward recomputation from
//! the raw records (including a rep who moves team mid-year), scopes hold,
//! and bad requests get a 4xx with the one error shape.

mod common;

use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use chrono::{Datelike, NaiveDate};
use common::world;
use http_body_util::BodyExt;
use pacer_app::Context;
use pacer_app::cache::{Caches, WarmCache};
use pacer_app::churn::SeriesCache;
use pacer_app::plan::attainment_report;
use pacer_app::report::{ReportRequest, report};
use pacer_core::access::Principal;
use pacer_core::access::Role;
use pacer_core::audit::Actor;
use pacer_core::fiscal_calendar::PeriodKind;
use pacer_core::org::Organisation;
use pacer_core::plan::{NewPlan, PlanSettings, PlanStatus, Target, TargetOwner, TargetTier};
use pacer_core::records::{DealKind, DealStatus, FieldValue, NewActivity, NewDeal, SourceKind};
use pacer_core::report::Grouping;
use pacer_core::report::Scope;
use pacer_storage::Store;
use pacer_storage::testing::TestDb;
use serde_json::Value;
use std::collections::HashMap;
use tower::ServiceExt;

fn d(s: &str) -> NaiveDate {
    s.parse().unwrap()
}

struct Client<'a> {
    w: &'a common::World,
}

impl Client<'_> {
    async fn get(&self, role: Role, path: &str) -> (StatusCode, String, String) {
        let (cookie, _) = self.w.session(role).await;
        let req =
            Request::get(path).header(header::COOKIE, format!("pacer_session={cookie}")).body(Body::empty()).unwrap();
        let resp = self.w.app.clone().oneshot(req).await.unwrap();
        let status = resp.status();
        let kind =
            resp.headers().get(header::CONTENT_TYPE).map(|v| v.to_str().unwrap().to_string()).unwrap_or_default();
        let body = resp.into_body().collect().await.unwrap().to_bytes();
        (status, kind, String::from_utf8_lossy(&body).into_owned())
    }

    async fn json(&self, role: Role, path: &str) -> Value {
        let (status, _, body) = self.get(role, path).await;
        assert_eq!(status, StatusCode::OK, "{path}: {body}");
        serde_json::from_str(&body).unwrap()
    }
}

fn call(rep: i64, day: NaiveDate, n: usize) -> NewActivity {
    NewActivity {
        rep_id: rep,
        activity_type: "call".into(),
        occurred_at: day.and_hms_opt(10, 0, 0).unwrap(),
        duration_s: Some(60),
        account_id: None,
        source: SourceKind::Integration,
        external_id: Some(format!("call-{rep}-{day}-{n}")),
        // Every other call reached someone: what the connect rate counts.
        fields: [(
            "outcome".to_owned(),
            FieldValue::Text(if n.is_multiple_of(2) { "connected" } else { "no_answer" }.into()),
        )]
        .into(),
        entered_by: None,
    }
}

fn deal(rep: i64, day: NaiveDate, amount: i64, status: DealStatus, stage: &str) -> NewDeal {
    NewDeal {
        rep_id: rep,
        account_id: 1,
        kind: DealKind::New,
        status,
        stage: stage.into(),
        amount_minor: amount,
        currency: None,
        created_on: day,
        close_date: Some(day),
        source: SourceKind::Integration,
        external_id: Some(format!("deal-{rep}-{day}-{amount}")),
        entered_by: None,
    }
}

/// The value of row `name` in column `col` of a report as an integer.
fn value(report: &Value, name: &str, col: usize) -> i64 {
    let row = report["rows"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["name"] == name)
        .unwrap_or_else(|| panic!("no row {name}"));
    row["values"][col]["value"].as_i64().unwrap()
}

#[tokio::test]
async fn reports_agree_with_the_raw_records_and_history_stays_with_the_team() {
    for db in TestDb::all().await {
        let w = world(&db).await;
        let ops = Actor::named("test");
        // Rep B moves from team B to team A on 1 July 2026.
        w.store.move_rep(w.rep_b, w.team_a, d("2026-07-01"), &ops).await.unwrap();
        let mut calls = Vec::new();
        for (i, day) in
            ["2026-01-15", "2026-02-03", "2026-05-20", "2026-06-30", "2026-07-01", "2026-09-09", "2026-12-31"]
                .iter()
                .enumerate()
        {
            for n in 0..=i {
                calls.push(call(w.rep_a, d(day), n));
                calls.push(call(w.rep_b, d(day), n));
            }
        }
        w.store.upsert_activities(&calls, &pacer_core::audit::Actor::named("test")).await.unwrap();
        let deals = vec![
            deal(w.rep_a, d("2026-03-10"), 100_000, DealStatus::Won, "closed"),
            deal(w.rep_b, d("2026-08-10"), 50_050, DealStatus::Won, "closed"),
            deal(w.rep_b, d("2026-11-10"), 80_000, DealStatus::Open, "Proposal"),
            deal(w.rep_a, d("2026-11-12"), 999, DealStatus::Lost, "closed"),
        ];
        w.store.upsert_deals(&deals, &pacer_core::audit::Actor::named("test")).await.unwrap();
        let c = Client { w: &w };

        // Calls by team per quarter of 2026 (the default calendar is the calendar year).
        let report = c.json(Role::Admin, "/api/v1/reports/calls_made?by=team&per=quarter&fy=2026").await;
        assert_eq!(report["computed_from"], "rollups");
        // The straightforward recomputation: each call counts for its rep's team on its day.
        let mut expected: HashMap<(&str, usize), i64> = HashMap::new();
        for a in &calls {
            let day = a.occurred_at.date();
            let team = if a.rep_id == w.rep_a || day >= d("2026-07-01") { "A" } else { "B" };
            let quarter = (day.month0() / 3) as usize;
            *expected.entry((team, quarter)).or_default() += 1;
            *expected.entry((team, 4)).or_default() += 1;
        }
        for team in ["A", "B"] {
            for col in 0..5 {
                assert_eq!(
                    value(&report, team, col),
                    expected.get(&(team, col)).copied().unwrap_or(0),
                    "{} team {team} column {col}",
                    db.backend()
                );
            }
        }

        // New business by rep: won deals of kind new, by close date.
        let report = c.json(Role::Admin, "/api/v1/reports/new_business?by=rep&per=quarter&fy=2026").await;
        assert_eq!(value(&report, "Rep A", 0), 100_000);
        assert_eq!(value(&report, "Rep B", 2), 50_050);
        assert_eq!(value(&report, "Rep B", 4), 50_050, "the year is the sum of its quarters");

        // A date range cut to its days, with the whole range last.
        let report = c.json(Role::Admin, "/api/v1/reports/calls_made?by=company&from=2026-06-30&to=2026-07-01").await;
        let columns = report["columns"].as_array().unwrap();
        assert_eq!(columns.len(), 3, "June and July cut to the range, then the range");
        assert_eq!(value(&report, "Company", 2), 2 * (4 + 5));

        // Leaderboard: equal call counts share a rank.
        let board = c.json(Role::Admin, "/api/v1/leaderboards/calls_made?fy=2026").await;
        let ranks: Vec<i64> =
            board["lines"].as_array().unwrap().iter().take(2).map(|l| l["rank"].as_i64().unwrap()).collect();
        assert_eq!(ranks, vec![1, 1]);
        // A rep sees their own line.
        let board = c.json(Role::Rep, "/api/v1/leaderboards/calls_made?fy=2026").await;
        assert_eq!(board["me"]["name"], "Rep A");

        // Pipeline: the open deal weighted by its stage (proposal: 60%), the won ones closed.
        let p = c.json(Role::Admin, "/api/v1/pipeline?by=company&fy=2026").await;
        let row = &p["rows"][0]["summary"];
        assert_eq!(row["open_minor"], 80_000);
        assert_eq!(row["weighted_minor"], 48_000);
        assert_eq!(row["won_minor"], 150_050);

        // A rep reads only their own figures.
        let mine = c.json(Role::Rep, "/api/v1/reports/calls_made?fy=2026").await;
        let names: Vec<&str> = mine["rows"].as_array().unwrap().iter().map(|r| r["name"].as_str().unwrap()).collect();
        assert_eq!(names, vec!["Rep A"]);
        let (status, _, _) = c.get(Role::Rep, "/api/v1/reports/calls_made?by=team").await;
        assert_eq!(status, StatusCode::FORBIDDEN, "a rep's scope is their own figures");
        // A manager of team A cannot read team B.
        let (status, _, _) = c.get(Role::Manager, &format!("/api/v1/reports/calls_made?team={}", w.team_b)).await;
        assert_eq!(status, StatusCode::NOT_FOUND);

        // Downloads.
        let (status, kind, body) =
            c.get(Role::Admin, "/api/v1/reports/calls_made?by=team&per=quarter&fy=2026&format=csv").await;
        assert_eq!(status, StatusCode::OK);
        assert!(kind.starts_with("text/csv"));
        assert!(body.starts_with("Team,Q1 FY2026,"), "{body}");
        let (status, kind, _) = c.get(Role::Admin, "/api/v1/reports/calls_made?format=xlsx").await;
        assert_eq!(status, StatusCode::OK);
        assert!(kind.contains("spreadsheetml"));
    }
}

#[tokio::test]
async fn bad_requests_say_what_is_wrong_and_list_the_choices() {
    for db in TestDb::all().await {
        let w = world(&db).await;
        w.store
            .upsert_activities(&[call(w.rep_a, d("2026-03-03"), 0)], &pacer_core::audit::Actor::named("test"))
            .await
            .unwrap();
        let c = Client { w: &w };
        for (path, status, needle) in [
            ("/api/v1/reports/nope", StatusCode::NOT_FOUND, "calls_made"),
            ("/api/v1/reports/calls_made?by=teams", StatusCode::BAD_REQUEST, "rep, team or company"),
            ("/api/v1/reports/calls_made?per=fortnight", StatusCode::BAD_REQUEST, "month"),
            ("/api/v1/reports/calls_made?from=2026-05-03&to=2026-04-01", StatusCode::BAD_REQUEST, "reversed"),
            ("/api/v1/reports/calls_made?from=2026-05-03", StatusCode::BAD_REQUEST, "both"),
            (
                "/api/v1/reports/calls_made?from=1990-01-01&to=1990-12-31",
                StatusCode::BAD_REQUEST,
                "spans more than the data",
            ),
            ("/api/v1/reports/calls_made?period=FY2026-Q9", StatusCode::BAD_REQUEST, "Q9"),
            ("/api/v1/reports/calls_made?region=Mars", StatusCode::BAD_REQUEST, "region"),
            ("/api/v1/reports/calls_made?field=colour=red", StatusCode::BAD_REQUEST, "no activity field"),
            ("/api/v1/reports/calls_made?format=pdf", StatusCode::BAD_REQUEST, "json, csv or xlsx"),
            ("/api/v1/reports/calls_made?team=99999", StatusCode::NOT_FOUND, "team"),
        ] {
            let (got, _, body) = c.get(Role::Admin, path).await;
            assert_eq!(got, status, "{path}: {body}");
            let error: Value = serde_json::from_str(&body).unwrap_or_else(|_| panic!("{path}: not JSON: {body}"));
            let message = error["error"]["message"].as_str().unwrap();
            assert!(message.contains(needle), "{path}: {message}");
        }
    }
}

#[tokio::test]
async fn pages_show_the_figures_and_the_rebuild_agrees() {
    for db in TestDb::all().await {
        let w = world(&db).await;
        w.store
            .upsert_activities(&[call(w.rep_a, d("2026-03-03"), 0)], &pacer_core::audit::Actor::named("test"))
            .await
            .unwrap();
        let c = Client { w: &w };
        for path in
            ["/reports?kpi=calls_made&fy=2026&sort=1&desc=true", "/leaderboard?kpi=calls_made&fy=2026", "/pipeline"]
        {
            let (status, _, body) = c.get(Role::Manager, path).await;
            assert_eq!(status, StatusCode::OK, "{path}");
            assert!(body.contains("<table"), "{path}");
        }
        let (status, _, body) = c.get(Role::Manager, "/reports?kpi=calls_made&fy=2026").await;
        assert_eq!(status, StatusCode::OK);
        assert!(body.contains("Rep A") && !body.contains("Rep B"), "a manager of team A sees team A");
        let before = c.json(Role::Admin, "/api/v1/reports/calls_made?by=company&fy=2026").await;
        let (cookie, csrf) = w.session(Role::Admin).await;
        let req = Request::post("/api/v1/rollups/rebuild")
            .header(header::COOKIE, format!("pacer_session={cookie}"))
            .header("x-csrf-token", csrf)
            .body(Body::empty())
            .unwrap();
        let resp = w.app.clone().oneshot(req).await.unwrap();
        assert_eq!(resp.status(), StatusCode::OK);
        let after = c.json(Role::Admin, "/api/v1/reports/calls_made?by=company&fy=2026").await;
        assert_eq!(before["rows"], after["rows"]);
        assert_eq!(value(&after, "Company", 12), 1);
    }
}

/// Reports of an activity KPI, a deal KPI and KPIs on a field of calls (read from the raw
/// records), attainment against the approved plan and readiness (the spans of the data), as JSON.
async fn answers(store: &dyn Store, caches: Caches<'_>, org: &Organisation) -> Vec<Value> {
    let today = d("2026-12-31");
    let ctx = Context::with_org(store, caches, org.clone(), Principal::command_line(), today);
    let mut out = Vec::new();
    for kpi in ["calls_made", "new_business", "connected_calls", "connect_rate"] {
        let req = ReportRequest {
            kpi: kpi.into(),
            by: Some(Grouping::Team),
            per: Some(PeriodKind::Month),
            fy: Some(2026),
            ..ReportRequest::default()
        };
        let r = report(&ctx, Scope::default(), &req).await.unwrap();
        out.push(serde_json::to_value(r).unwrap());
    }
    // A date range starting on a day without records, inside the data's span.
    let req = ReportRequest {
        kpi: "calls_made".into(),
        by: Some(Grouping::Rep),
        from: Some(d("2026-05-21")),
        to: Some(d("2026-09-30")),
        ..ReportRequest::default()
    };
    let r = report(&ctx, Scope::default(), &req).await.unwrap();
    out.push(serde_json::to_value(r).unwrap());
    if let Some(plan) = store.approved_plan(2026).await.unwrap() {
        let a = attainment_report(&ctx, &plan, "new_business", Grouping::Rep, PeriodKind::Quarter).await.unwrap();
        out.push(serde_json::to_value(a).unwrap());
    }
    let year = org.calendar.year(2026).unwrap();
    let readiness = pacer_app::readiness::readiness(&ctx, &year, today, 5).await.unwrap();
    out.push(serde_json::to_value(readiness).unwrap());
    out
}

/// What a server answers from its warm caches equals what a one-off read
/// answers, after each kind of write: activities and deals (only the days
/// changed are read again), a rollup rebuild (everything is), a team move
/// (the organisation) and a new approved plan (targets); and so does a server started after
/// each, from the cube snapshot the first one kept and the days changed since.
#[tokio::test]
async fn a_servers_cached_figures_follow_every_write() {
    for db in TestDb::all().await {
        let w = world(&db).await;
        let store = w.store.as_ref();
        let ops = Actor::named("test");
        let org = store.organisation().await.unwrap().unwrap();
        let (warm, series) = (WarmCache::default(), SeriesCache::default());
        let check = async |step: &str| {
            let cached = answers(store, Caches { warm: Some(&warm), series: &series }, &org).await;
            let fresh = answers(store, Caches { warm: None, series: &series }, &org).await;
            assert_eq!(cached, fresh, "{} after {step}", db.backend());
            // A server starting now reads the cube snapshot the first one kept (writes behind
            // it), then the days changed since.
            assert!(store.cube_snapshot().await.unwrap().is_some(), "{} after {step}", db.backend());
            let started = WarmCache::default();
            let restarted = answers(store, Caches { warm: Some(&started), series: &series }, &org).await;
            assert_eq!(restarted, fresh, "{} after {step}, a server started then", db.backend());
        };
        store
            .upsert_activities(
                &[call(w.rep_a, d("2026-02-03"), 0), call(w.rep_b, d("2026-05-20"), 0)],
                &pacer_core::audit::Actor::named("test"),
            )
            .await
            .unwrap();
        store
            .upsert_deals(
                &[deal(w.rep_a, d("2026-03-10"), 100_000, DealStatus::Won, "closed")],
                &pacer_core::audit::Actor::named("test"),
            )
            .await
            .unwrap();
        check("the first writes").await;
        store
            .upsert_activities(
                &[
                    call(w.rep_a, d("2026-09-09"), 1),
                    call(w.rep_a, d("2026-09-09"), 2),
                    call(w.rep_b, d("2026-09-10"), 1),
                ],
                &pacer_core::audit::Actor::named("test"),
            )
            .await
            .unwrap();
        check("more calls").await;
        // Not two empty answers: September's connected call is counted.
        let fresh = answers(store, Caches { warm: None, series: &series }, &org).await;
        let connected: i64 = fresh[2]["rows"]
            .as_array()
            .unwrap()
            .iter()
            .flat_map(|row| row["values"].as_array().unwrap().iter().filter_map(|v| v["value"].as_i64()))
            .sum();
        assert_eq!(connected, 2, "{}: September's connected call, in its month and in the year", db.backend());
        store
            .delete_activities(
                SourceKind::Integration,
                &[format!("call-{}-2026-02-03-0", w.rep_a)],
                &pacer_core::audit::Actor::named("test"),
            )
            .await
            .unwrap();
        check("a deletion").await;
        store
            .upsert_deals(
                &[deal(w.rep_b, d("2026-08-10"), 50_050, DealStatus::Won, "closed")],
                &pacer_core::audit::Actor::named("test"),
            )
            .await
            .unwrap();
        check("a deal").await;
        store.rebuild_rollups().await.unwrap();
        check("a rebuild").await;
        store.move_rep(w.rep_b, w.team_a, d("2026-07-01"), &ops).await.unwrap();
        check("a team move").await;
        for quota in [60_000, 90_000] {
            let new = NewPlan {
                fiscal_year: 2026,
                name: format!("Quota {quota}"),
                settings: PlanSettings::default(),
                copied_from: None,
            };
            let plan = store.create_plan(&new, &ops).await.unwrap();
            let targets: Vec<Target> = [w.rep_a, w.rep_b]
                .iter()
                .flat_map(|rep| {
                    (1..=12).map(move |month| Target {
                        kpi: "new_business".into(),
                        owner: TargetOwner::Rep(*rep),
                        month,
                        tier: TargetTier::Target,
                        amount: quota / 12,
                    })
                })
                .collect();
            store.put_targets(plan.id, "new_business", &targets, &ops).await.unwrap();
            store.set_plan_status(plan.id, PlanStatus::Approved, &ops).await.unwrap();
            check("a plan's approval").await;
        }
    }
}

/// A server that starts reads the cube snapshot kept at the current versions instead of the
/// rollups (shown with a snapshot that holds nothing), and the rollups when it does not read back.
#[tokio::test]
async fn a_server_starts_from_the_kept_cube_snapshot() {
    use pacer_storage::{CubeSnapshot, DataKind};
    for db in TestDb::all().await {
        let w = world(&db).await;
        let store = w.store.as_ref();
        let org = store.organisation().await.unwrap().unwrap();
        let series = SeriesCache::default();
        let calls = [call(w.rep_a, d("2026-02-03"), 0), call(w.rep_b, d("2026-05-20"), 0)];
        store.upsert_activities(&calls, &Actor::named("test")).await.unwrap();
        // The year's calls by team, as a server started with `bytes` as the kept snapshot answers.
        let year_calls = async |caches: Caches<'_>| {
            let ctx = Context::with_org(store, caches, org.clone(), Principal::command_line(), d("2026-12-31"));
            let req = ReportRequest {
                kpi: "calls_made".into(),
                by: Some(Grouping::Team),
                fy: Some(2026),
                ..Default::default()
            };
            report(&ctx, Scope::default(), &req).await.map(|r| r.rows).map_err(|e| e.to_string())
        };
        let fresh = year_calls(Caches { warm: None, series: &series }).await;
        assert!(fresh.as_ref().is_ok_and(|rows| !rows.is_empty()), "{fresh:?}");
        let kept = async |bytes: Vec<u8>| {
            let snapshot = CubeSnapshot {
                activities_version: store.data_version(DataKind::Activities).await.unwrap(),
                deals_version: store.data_version(DataKind::Deals).await.unwrap(),
                bytes,
            };
            store.keep_cube_snapshot(&snapshot).await.unwrap();
            let started = WarmCache::default();
            year_calls(Caches { warm: Some(&started), series: &series }).await
        };
        let from_nothing = kept(pacer_core::report::DailyCube::default().snapshot()).await;
        assert_ne!(from_nothing, fresh, "{}: the snapshot is read, not the rollups", db.backend());
        let damaged = kept(b"PACERCUBE\x01\xff".to_vec()).await;
        assert_eq!(damaged, fresh, "{}: a damaged snapshot is passed over", db.backend());
    }
}

/// Pipeline coverage against the approved plan: the quota's KPI counts new business only, so
/// upsells neither reach the quota nor cover it; a region whose plan targets are on its teams
/// gets their sum.
#[tokio::test]
async fn pipeline_coverage_counts_what_the_quota_counts() {
    use pacer_app::report::pipeline;
    use pacer_core::org::{NewTeam, TeamUpdate};
    use pacer_core::pipeline::Coverage;

    for db in TestDb::all().await {
        let w = world(&db).await;
        let store = w.store.as_ref();
        let ops = Actor::named("test");
        let region = store.create_team(&NewTeam { name: "Region".into(), ..NewTeam::default() }, &ops).await.unwrap();
        let under = TeamUpdate { parent_id: Some(Some(region.id)), ..TeamUpdate::default() };
        store.update_team(w.team_a, &under, &ops).await.unwrap();
        let upsell =
            |d: NewDeal| NewDeal { kind: DealKind::Upsell, external_id: d.external_id.map(|x| x + "-up"), ..d };
        store
            .upsert_deals(
                &[
                    deal(w.rep_a, d("2026-03-10"), 50_000, DealStatus::Won, "closed"),
                    deal(w.rep_a, d("2026-11-10"), 35_000, DealStatus::Open, "Proposal"),
                    upsell(deal(w.rep_a, d("2026-04-10"), 500_000, DealStatus::Won, "closed")),
                    upsell(deal(w.rep_a, d("2026-10-10"), 999_999, DealStatus::Open, "Proposal")),
                ],
                &pacer_core::audit::Actor::named("test"),
            )
            .await
            .unwrap();
        let new =
            NewPlan { fiscal_year: 2026, name: "Plan".into(), settings: PlanSettings::default(), copied_from: None };
        let plan = store.create_plan(&new, &ops).await.unwrap();
        let targets: Vec<Target> = (1..=12)
            .map(|month| Target {
                kpi: "new_business".into(),
                owner: TargetOwner::Team(w.team_a),
                month,
                tier: TargetTier::Target,
                amount: 10_000,
            })
            .collect();
        store.put_targets(plan.id, "new_business", &targets, &ops).await.unwrap();
        store.set_plan_status(plan.id, PlanStatus::Approved, &ops).await.unwrap();

        let org = store.organisation().await.unwrap().unwrap();
        let series = SeriesCache::default();
        let caches = Caches { warm: None, series: &series };
        let on = |day| Context::with_org(store, caches, org.clone(), Principal::command_line(), d(day));
        let req = ReportRequest { fy: Some(2026), by: Some(Grouping::Team), ..ReportRequest::default() };
        let p = pipeline(&on("2026-06-30"), Scope::default(), &req).await.unwrap();
        assert_eq!(p.quota_kpi.as_deref(), Some("new_business"));
        for name in ["A", "Region"] {
            let row = p.rows.iter().find(|r| r.name == name).unwrap();
            assert_eq!(row.quota_minor, Some(120_000), "{} {name}", db.backend());
            // All kinds are shown; coverage is new business: 35,000 open over 120,000 − 50,000 to go.
            assert_eq!(row.summary.won_minor, 550_000);
            assert_eq!(row.coverage, Coverage::Ratio { ratio: 0.5, remaining_minor: 70_000 }, "{name}");
        }
        assert_eq!(p.rows.iter().find(|r| r.name == "B").unwrap().quota_minor, None);

        // Year to date on 15 June: five months ended and half of June, not the whole second quarter.
        let a = attainment_report(&on("2026-06-15"), &plan, "new_business", Grouping::Team, PeriodKind::Quarter)
            .await
            .unwrap();
        let row = a.rows.iter().find(|r| r.name == "A").unwrap();
        let ytd = row.cells.last().unwrap();
        assert_eq!(ytd.target, 55_000, "{}", db.backend());
        assert_eq!(ytd.actual.as_f64(), Some(50_000.0));
        assert_eq!((ytd.full_target, ytd.cut_off), (120_000, Some(d("2026-06-15"))));
        // The open quarter by the same rule: April, May and 15 of June's 30 days, the whole beside it.
        let q2 = &row.cells[1];
        assert_eq!((q2.target, q2.full_target, q2.cut_off), (25_000, 30_000, Some(d("2026-06-15"))));
        let note = |column: usize| a.column_note_in(column, pacer_i18n::Locale::ENGLISH);
        assert_eq!(note(1).as_deref(), Some("to date, Jun 15, 2026"));
        // An ended quarter is whole; one not begun has its target but no attainment yet.
        assert_eq!((row.cells[0].target, note(0)), (30_000, None));
        let q3 = &row.cells[2];
        assert_eq!((q3.target, q3.cut_off, q3.attainment.attained), (30_000, None, None));
        assert_eq!(note(2).as_deref(), Some("not begun"));
    }
}

#[tokio::test]
async fn filter_forms_as_a_browser_submits_them_show_the_figures() {
    for db in TestDb::all().await {
        let w = world(&db).await;
        w.store.upsert_activities(&[call(w.rep_a, d("2026-03-03"), 0)], &Actor::named("test")).await.unwrap();
        let c = Client { w: &w };
        // A GET form sends the fields left blank: each is no filter at all.
        for path in [
            "/reports?kpi=calls_made&by=rep&per=month&fy=&period=&team=",
            "/reports?kpi=calls_made&fy=2026&period=",
            "/reports?kpi=&by=&per=&period=FY2026-Q1&team=",
            "/leaderboard?kpi=calls_made&fy=2026&period=&team=",
            "/pipeline?by=&fy=&period=FY2026&team=",
            "/seasonality?kpi=calls_made&fy=",
            "/calendar?fy=",
            "/audit?actor=&entity=&entity_id=&since=",
        ] {
            let (status, _, body) = c.get(Role::Admin, path).await;
            assert_eq!(status, StatusCode::OK, "{path}: {body}");
            assert!(body.contains("<table"), "{path}");
        }
        let (_, _, body) = c.get(Role::Admin, "/reports?kpi=calls_made&fy=2026&period=").await;
        assert_eq!(value_in_page(&body, "Rep A"), "1", "the report of FY2026 counts the call");

        // Everything is picked by name; the choice stays selected; a manager is offered their teams only.
        let path = format!("/reports?kpi=calls_made&by=team&per=quarter&period=FY2026-Q1&team={}", w.team_a);
        let (status, _, body) = c.get(Role::Manager, &path).await;
        assert_eq!(status, StatusCode::OK, "{path}: {body}");
        for html in [
            format!(r#"<option value="{}" selected>A</option>"#, w.team_a),
            r#"<option value="FY2026-Q1" selected>"#.to_string(),
            r#"<option value="team" selected>Teams</option>"#.into(),
            r#"<option value="quarter" selected>Quarters</option>"#.into(),
            r#"<option value="calls_made" selected>"#.into(),
        ] {
            assert!(body.contains(&html), "{path} should have {html}");
        }
        assert!(
            !body.contains(">B</option>") && !body.contains(">C</option>"),
            "a manager of team A is offered team A only"
        );
        assert!(
            !body.contains("name=\"fy\"") && !body.to_lowercase().contains("team id"),
            "no form asks for a year or an id typed"
        );
        // A rep's report has rows per rep only: no choice offered, and their own team alone.
        let (status, _, body) = c.get(Role::Rep, "/reports?kpi=calls_made&by=&team=").await;
        assert_eq!(status, StatusCode::OK, "{body}");
        assert!(!body.contains("name=\"by\"") && body.contains(">A</option>") && !body.contains(">B</option>"));
        // A year given in a shared link shows as that year.
        let (_, _, body) = c.get(Role::Admin, "/leaderboard?kpi=calls_made&fy=2026").await;
        assert!(body.contains(r#"<option value="FY2026" selected>"#), "fy=2026 is the period FY2026");

        // A value that cannot be read is a 400 page that names the field and the value.
        for (path, field, value) in [
            ("/reports?fy=abc", "fy", "abc"),
            ("/leaderboard?team=North", "team", "North"),
            ("/pipeline?fy=20x6&by=", "fy", "20x6"),
        ] {
            let (status, kind, body) = c.get(Role::Admin, path).await;
            assert_eq!(status, StatusCode::BAD_REQUEST, "{path}");
            assert!(kind.starts_with("text/html"), "{path}: {kind}");
            assert!(body.contains("That did not work") && body.contains("could not be read"), "{path}: {body}");
            assert!(body.contains(&format!("{field} = &quot;{value}&quot;")), "{path}: {body}");
            assert!(!body.contains("Failed to deserialize"), "{path}");
        }
        // The API keeps its contract: a blank year is a 400 in the API's error shape.
        let (status, kind, _) = c.get(Role::Admin, "/api/v1/reports/calls_made?fy=").await;
        assert_eq!((status, kind.as_str()), (StatusCode::BAD_REQUEST, "application/json"));
    }
}

/// The figure in the last column of a report page's row for `name`.
fn value_in_page(body: &str, name: &str) -> String {
    let row =
        body.split("<tr>").find(|r| r.contains(&format!("<td>{name}</td>"))).unwrap_or_else(|| panic!("no row {name}"));
    let last = row.rsplit("<td class=\"num\"").next().unwrap_or_default();
    last.split('>').nth(1).and_then(|s| s.split('<').next()).unwrap_or_default().to_string()
}

/// The hover titles of the elements of the report page's chart that start with `tag`.
fn chart_titles(body: &str, tag: &str) -> Vec<String> {
    let svg = body.split("<svg").nth(1).and_then(|s| s.split("</svg>").next()).expect("the page draws a chart");
    svg.split(tag)
        .skip(1)
        .map(|e| e.split("<title>").nth(1).and_then(|t| t.split("</title>").next()).unwrap().to_string())
        .collect()
}

/// The report's chart names the reps with the most calls and sums the others; the approved
/// plan's targets step with their phasing, equal to the targets attainment measures against,
/// for the company (a leader) and for a manager's team.
#[tokio::test]
async fn the_report_chart_draws_the_top_reps_and_the_plans_phased_target() {
    use pacer_core::org::NewRep;

    for db in TestDb::all().await {
        let w = world(&db).await;
        let store = w.store.as_ref();
        let ops = Actor::named("test");
        // A year wholly past, whatever the day the test runs.
        let fy = chrono::Local::now().year() - 1;
        let day = |month: u32| NaiveDate::from_ymd_opt(fy, month, 15).unwrap();
        let mut reps = vec![w.rep_a, w.rep_b];
        for i in 0..6 {
            let new = NewRep {
                name: format!("Seller {i}"),
                email: None,
                title: None,
                team_id: Some(if i % 2 == 0 { w.team_a } else { w.team_b }),
                hire_date: d("2020-01-01"),
                leave_date: None,
                external_id: None,
            };
            reps.push(store.create_rep(&new, &ops).await.unwrap().id);
        }
        // Rep k makes k + 1 calls in each month: distinct totals, so the top five are known.
        let calls: Vec<NewActivity> = reps
            .iter()
            .enumerate()
            .flat_map(|(k, rep)| (1..=12).flat_map(move |m| (0..=k).map(move |n| call(*rep, day(m), n))))
            .collect();
        store.upsert_activities(&calls, &ops).await.unwrap();
        // Phased targets: a month's is its number times ten (the company) or times three (team A).
        let plan =
            NewPlan { fiscal_year: fy, name: "Plan".into(), settings: PlanSettings::default(), copied_from: None };
        let plan = store.create_plan(&plan, &ops).await.unwrap();
        let targets: Vec<Target> = (1..=12u8)
            .flat_map(|month| {
                [(TargetOwner::Company, 10), (TargetOwner::Team(w.team_a), 3)].map(|(owner, per)| Target {
                    kpi: "calls_made".into(),
                    owner,
                    month,
                    tier: TargetTier::Target,
                    amount: i64::from(month) * per,
                })
            })
            .collect();
        store.put_targets(plan.id, "calls_made", &targets, &ops).await.unwrap();
        store.set_plan_status(plan.id, PlanStatus::Approved, &ops).await.unwrap();
        let c = Client { w: &w };
        let org = store.organisation().await.unwrap().unwrap();
        let series = SeriesCache::default();
        let ctx = Context::with_org(
            store,
            Caches { warm: None, series: &series },
            org,
            Principal::command_line(),
            d(&format!("{}-06-30", fy + 1)),
        );

        for (role, owner, grouping) in
            [(Role::Leader, "Company", Grouping::Company), (Role::Manager, "A", Grouping::Team)]
        {
            let (status, _, body) = c.get(role, &format!("/reports?kpi=calls_made&by=rep&per=quarter&fy={fy}")).await;
            assert_eq!(status, StatusCode::OK, "{body}");
            // The targets attainment measures each quarter against.
            let a = attainment_report(&ctx, &plan, "calls_made", grouping, PeriodKind::Quarter).await.unwrap();
            let row = a.rows.iter().find(|r| r.name == owner).unwrap();
            let expected: Vec<String> = a.columns[..4]
                .iter()
                .zip(&row.cells)
                .map(|(col, cell)| format!("{}: target (approved plan) {}", col.label, cell.full_target))
                .collect();
            assert_eq!(chart_titles(&body, r#"<circle class="goal-point""#), expected, "{} {role}", db.backend());
            let phased: Vec<i64> = row.cells[..4].iter().map(|c| c.full_target).collect();
            assert!(phased.windows(2).all(|q| q[0] < q[1]), "the goal steps with the phasing: {phased:?}");

            let bars = chart_titles(&body, r#"<rect class="bar""#);
            let legend = body.matches(r#"<rect class="swatch""#).count();
            if role == Role::Leader {
                // Eight sellers and two managers without calls: the five with the most, the other five summed.
                assert_eq!(legend, 6, "{body}");
                assert!(bars.iter().any(|t| t.starts_with("Seller 5 · Q1 FY") && t.ends_with(": 24")), "{bars:?}");
                assert!(
                    bars.iter().any(|t| t.starts_with("Others (5 reps) · Q2 FY") && t.ends_with(": 18")),
                    "{bars:?}"
                );
                assert!(!bars.iter().any(|t| t.starts_with("Rep A ·")), "Rep A is among the others: {bars:?}");
            } else {
                // Team A: Manager A, Rep A, Sellers 0, 2 and 4, each drawn, under a title that names the team.
                assert_eq!(legend, 5, "{body}");
                assert!(body.contains(&format!(">Calls made, A, FY{fy}<")), "{body}");
                assert!(bars.iter().any(|t| t.starts_with("Seller 4 · Q3 FY") && t.ends_with(": 21")), "{bars:?}");
                assert!(!bars.iter().any(|t| t.starts_with("Seller 5")), "team B is not the manager's: {bars:?}");
            }
        }

        // Weeks hold no whole month: no target is drawn rather than a made-up one.
        let (_, _, body) = c.get(Role::Leader, &format!("/reports?kpi=calls_made&by=rep&per=week&fy={fy}")).await;
        assert!(!body.contains("goal-point") && body.contains(r#"<rect class="bar""#));
    }
}

/// A browser that asks for French reads the reports, the leaderboard and the pipeline in French:
/// the filter form, the tables' headers, the periods ("T1 FY…"), and none of their English.
#[tokio::test]
async fn the_figures_pages_speak_french_to_a_french_browser() {
    for db in TestDb::all().await {
        let w = world(&db).await;
        let backend = db.backend();
        for (path, french, english) in [
            (
                "/reports?kpi=calls_made&per=quarter",
                &["Rapports : ", "Indicateur", "Colonnes", "Trimestres", "Toutes les équipes", "Afficher", "T1 FY"][..],
                &["Reports:", ">Columns", ">Quarters", "All teams", ">Show<", "Download:"][..],
            ),
            (
                "/leaderboard?kpi=calls_made",
                &["Classement : ", "Rang", "tout l’exercice"],
                &["Leaderboard:", ">Rank<", "the whole year"],
            ),
            (
                "/pipeline",
                &["Pipeline : ", "Affaires ouvertes", "Pondéré", "Gagné"],
                &["Open deals", "Weighted", "Closed won"],
            ),
        ] {
            let (cookie, _) = w.session(Role::Leader).await;
            let req = Request::get(path)
                .header(header::COOKIE, format!("pacer_session={cookie}"))
                .header(header::ACCEPT_LANGUAGE, "fr-FR,fr;q=0.9")
                .body(Body::empty())
                .unwrap();
            let (status, html, _) = common::send(&w.app, req).await;
            assert_eq!(status, StatusCode::OK, "{backend}: {path}: {html}");
            assert!(html.contains(r#"lang="fr""#), "{path}");
            for words in french {
                assert!(html.contains(words), "{backend}: {path}: {words}: {html}");
            }
            for words in english {
                assert!(!html.contains(words), "{backend}: {path}: English {words:?} left: {html}");
            }
        }
    }
}
