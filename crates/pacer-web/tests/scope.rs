//! Scope on every figure: a manager of team A and a rep of team A read the
//! plan, attainment, scenario comparison, review (live and frozen, JSON, CSV
//! and XLSX), readiness and completeness, by the API and the pages, and no
//! name or figure of team B appears; what they may see does. On both databases.

mod common;

use axum::body::Body;
use axum::http::{Method, Request, StatusCode, header};
use common::{World, world};
use http_body_util::BodyExt;
use pacer_core::access::Role;
use pacer_core::audit::Actor;
use pacer_core::fiscal_calendar::PeriodKind;
use pacer_core::org::TeamUpdate;
use pacer_core::plan::{NewPlan, PlanSettings, PlanStatus, Target, TargetOwner, TargetTier};
use pacer_core::review::{NewNote, NoteSubject};
use pacer_storage::testing::TestDb;
use tower::ServiceExt;

/// Team B's monthly targets: a figure that appears nowhere else.
const TEAM_B_MONTH: i64 = 777_700;
/// Strings that would reveal team B: its name, its people, its figures as minor units or money.
const TEAM_B: [&str; 6] = ["Bravo", "Rep B", "Manager B", "777700", "7,777", "7777"];

/// The body of a GET as `role`, as text (workbooks: every cell of every sheet).
async fn read(w: &World, role: Role, path: &str) -> (StatusCode, String) {
    let (cookie, _) = w.session(role).await;
    let req = Request::builder()
        .method(Method::GET)
        .uri(path)
        .header(header::COOKIE, format!("pacer_session={cookie}"))
        .body(Body::empty())
        .unwrap();
    let resp = w.app.clone().oneshot(req).await.unwrap();
    let status = resp.status();
    let bytes = resp.into_body().collect().await.unwrap().to_bytes().to_vec();
    let text = if bytes.starts_with(b"PK") { workbook_text(bytes) } else { String::from_utf8(bytes).unwrap() };
    (status, text)
}

fn workbook_text(bytes: Vec<u8>) -> String {
    use calamine::{Reader, Xlsx};
    let mut book = Xlsx::new(std::io::Cursor::new(bytes)).unwrap();
    let mut out = String::new();
    for name in book.sheet_names() {
        let range = book.worksheet_range(&name).unwrap();
        for row in range.rows() {
            for cell in row {
                out.push_str(&cell.to_string());
                out.push('\t');
            }
            out.push('\n');
        }
    }
    out
}

#[tokio::test]
async fn managers_and_reps_see_no_other_teams_figures() {
    for db in TestDb::all().await {
        let w = world(&db).await;
        let store = &w.store;
        let ops = Actor::named("setup");
        let rename = TeamUpdate { name: Some("Bravo".into()), ..TeamUpdate::default() };
        store.update_team(w.team_b, &rename, &ops).await.unwrap();
        let org = store.organisation().await.unwrap().unwrap_or_default();
        let today = chrono::Local::now().date_naive();
        let fy = org.fiscal_year_of(today);
        let new =
            NewPlan { fiscal_year: fy, name: "Plan".into(), settings: PlanSettings::default(), copied_from: None };
        let plan = store.create_plan(&new, &ops).await.unwrap();
        let owners = [
            (TargetOwner::Company, 111_100 + TEAM_B_MONTH),
            (TargetOwner::Team(w.team_a), 111_100),
            (TargetOwner::Team(w.team_b), TEAM_B_MONTH),
            (TargetOwner::Rep(w.rep_a), 111_100),
            (TargetOwner::Rep(w.rep_b), TEAM_B_MONTH),
        ];
        let targets: Vec<Target> = owners
            .iter()
            .flat_map(|&(owner, amount)| {
                (1..=12).map(move |month| Target {
                    kpi: "new_business".into(),
                    owner,
                    month,
                    tier: TargetTier::Target,
                    amount,
                })
            })
            .collect();
        store.put_targets(plan.id, "new_business", &targets, &ops).await.unwrap();
        store.set_plan_status(plan.id, PlanStatus::Approved, &ops).await.unwrap();
        let quarter = org
            .calendar
            .periods(fy, PeriodKind::Quarter)
            .unwrap()
            .into_iter()
            .find(|q| q.start <= today && today <= q.end)
            .unwrap()
            .name();
        let review = store.open_review(&quarter, fy, plan.id, &ops).await.unwrap();
        let note = NewNote { subject: NoteSubject::Rep(w.rep_b), text: "Rep B is ramping".into() };
        store.add_note(review.id, &note, &ops).await.unwrap();

        let id = plan.id;
        let plan_reads = [
            format!("/api/v1/plans/{id}/targets/new_business"),
            format!("/api/v1/plans/{id}/attainment/new_business?by=rep"),
            format!("/api/v1/plans/{id}/attainment/new_business?by=team"),
            format!("/api/v1/plans/compare?ids={id},{id}"),
            format!("/api/v1/plans/{id}/xlsx"),
            format!("/plans/{id}?kpi=new_business"),
            format!("/plans/{id}/attainment?kpi=new_business&by=rep"),
            format!("/plans/compare?ids={id}&ids={id}"),
        ];
        let review_reads = [
            format!("/api/v1/reviews/{quarter}"),
            format!("/api/v1/reviews/{quarter}?format=csv"),
            format!("/api/v1/reviews/{quarter}?format=xlsx"),
            format!("/reviews/{quarter}"),
        ];
        let everyone_reads = ["/api/v1/readiness", "/readiness", "/logging"];
        let check = |who: Role, path: &str, status: StatusCode, body: &str| {
            for secret in TEAM_B {
                assert!(!body.contains(secret), "{} {who:?} {path} shows {secret:?}: {body}", db.backend());
            }
            assert!(status == StatusCode::OK || status == StatusCode::FORBIDDEN, "{path}: {status}");
        };

        // The manager of team A: their team and reps, the company total; nothing of team B.
        let mut seen_own = 0;
        for path in plan_reads.iter().chain(&review_reads).map(String::as_str).chain(everyone_reads) {
            let (status, body) = read(&w, Role::Manager, path).await;
            assert_eq!(status, StatusCode::OK, "{} manager {path}: {body}", db.backend());
            check(Role::Manager, path, status, &body);
            seen_own += usize::from(body.contains("Rep A"));
        }
        assert!(seen_own >= 6, "the manager sees their own rep's lines ({seen_own} reads)");
        let (_, completeness) = w.send(Role::Manager, Method::GET, "/api/v1/completeness", None).await;
        let missing: Vec<i64> = completeness
            .as_array()
            .unwrap()
            .iter()
            .flat_map(|k| k["completeness"]["missing"].as_array().unwrap().iter().map(|v| v.as_i64().unwrap()))
            .collect();
        assert!(missing.contains(&w.rep_a), "{completeness}");
        assert!(!missing.contains(&w.rep_b), "{} the manager is told of team B's rep: {completeness}", db.backend());

        // The review once closed: its frozen document is filtered the same way.
        let (status, _) = w.send(Role::Leader, Method::POST, &format!("/api/v1/reviews/{quarter}/close"), None).await;
        assert_eq!(status, StatusCode::OK);
        for path in &review_reads {
            let (status, body) = read(&w, Role::Manager, path).await;
            check(Role::Manager, path, status, &body);
        }
        // A leader still sees everything (the filter is the caller's, not the data's).
        let (_, all) = read(&w, Role::Leader, &format!("/api/v1/reviews/{quarter}")).await;
        assert!(all.contains("Rep B") && all.contains("Bravo"), "{all}");

        // A rep: refused plans and reviews, and no colleague's name where they may read.
        for path in plan_reads.iter().chain(&review_reads).map(String::as_str).chain(everyone_reads) {
            let (status, body) = read(&w, Role::Rep, path).await;
            check(Role::Rep, path, status, &body);
        }
    }
}
