//! Editing a plan in the browser, on both databases: a line of the grid changed through its form
//! moves the bottom-up gap; a month that cannot be read is refused with its month, value and
//! reason, and nothing changes; only admins edit, and only drafts; approving, archiving and
//! closing a review act only once confirmed.

mod common;

use axum::body::Body;
use axum::http::{Method, StatusCode, header};
use common::{World, get, send, with_session, world};
use pacer_core::access::Role;
use pacer_core::audit::Actor;
use pacer_core::plan::{NewPlan, PlanStatus, Target, TargetOwner, TargetTier};
use pacer_storage::testing::TestDb;

const FORM: &str = "application/x-www-form-urlencoded";

fn line(kpi: &str, owner: TargetOwner, amount: impl Fn(u8) -> i64) -> Vec<Target> {
    (1..=12).map(|m| Target { kpi: kpi.into(), owner, month: m, tier: TargetTier::Target, amount: amount(m) }).collect()
}

/// A draft for FY2026: 1,200 calls for the company, 600 for each of the two reps (no gap), and
/// 12,000.00 of new business for the company, 500.00 a month for Rep A.
async fn draft(w: &World) -> i64 {
    let ops = Actor::named("ops");
    let new =
        NewPlan { fiscal_year: 2026, name: "FY2026 plan".into(), settings: Default::default(), copied_from: None };
    let id = w.store.create_plan(&new, &ops).await.unwrap().id;
    let mut calls = line("calls_made", TargetOwner::Company, |_| 100);
    calls.extend(line("calls_made", TargetOwner::Rep(w.rep_a), |_| 50));
    calls.extend(line("calls_made", TargetOwner::Rep(w.rep_b), |_| 50));
    w.store.put_targets(id, "calls_made", &calls, &ops).await.unwrap();
    let mut money = line("new_business", TargetOwner::Company, |_| 100_000);
    money.extend(line("new_business", TargetOwner::Rep(w.rep_a), |_| 50_000));
    w.store.put_targets(id, "new_business", &money, &ops).await.unwrap();
    id
}

/// A page as `role`: status and body.
async fn page(w: &World, role: Role, path: &str) -> (StatusCode, String) {
    let (cookie, _) = w.session(role).await;
    let (status, body, _) = send(&w.app, get(path, &cookie)).await;
    (status, body)
}

/// A form posted as `role`: status, body and where it redirects.
async fn post(w: &World, role: Role, path: &str, fields: &[(&str, String)]) -> (StatusCode, String, String) {
    let session = w.session(role).await;
    let body = serde_urlencoded::to_string(fields).unwrap();
    let (status, body, headers) =
        send(&w.app, with_session(Method::POST, path, &session, FORM, Body::from(body))).await;
    let location = headers.get(header::LOCATION).map(|v| v.to_str().unwrap().to_string()).unwrap_or_default();
    (status, body, location)
}

/// The notice a redirect carries.
fn notice(location: &str) -> String {
    let query = location.split_once('?').map_or("", |(_, q)| q);
    let pairs: Vec<(String, String)> = serde_urlencoded::from_str(query).unwrap();
    pairs.into_iter().find(|(k, _)| k == "notice").map(|(_, v)| v).unwrap_or_default()
}

/// The line form's fields: the KPI, owner and tier, and the 12 months.
fn line_form(kpi: &str, owner: &str, months: [&str; 12]) -> Vec<(&'static str, String)> {
    const NAMES: [&str; 12] = ["m1", "m2", "m3", "m4", "m5", "m6", "m7", "m8", "m9", "m10", "m11", "m12"];
    let mut fields = vec![("kpi", kpi.to_string()), ("owner", owner.to_string()), ("tier", "target".to_string())];
    fields.extend(NAMES.iter().zip(months).map(|(n, v)| (*n, v.to_string())));
    fields
}

fn amount(targets: &[Target], kpi: &str, owner: TargetOwner, month: u8) -> i64 {
    targets.iter().find(|t| t.kpi == kpi && t.owner == owner && t.month == month).unwrap().amount
}

#[tokio::test]
async fn a_line_edited_in_the_browser_moves_the_gap() {
    for db in TestDb::all().await {
        let w = world(&db).await;
        let id = draft(&w).await;
        let context = format!("on {}", db.backend());
        let rep_a = format!("rep-{}", w.rep_a);

        // The grid's figures open their line's form; the page has no gap yet.
        let (status, body) = page(&w, Role::Admin, &format!("/plans/{id}?kpi=calls_made")).await;
        assert_eq!(status, StatusCode::OK, "{context}: {body}");
        assert!(body.contains("gap <strong>0</strong>"), "{context}: {body}");
        let link = format!("/plans/{id}/line?kpi=calls_made&amp;owner={rep_a}&amp;tier=target&amp;month=3");
        assert!(body.contains(&link), "{context}: {body}");
        assert!(body.contains("Upload the edited workbook"), "{context}");

        let (status, form) = page(&w, Role::Admin, &link.replace("&amp;", "&")).await;
        assert_eq!(status, StatusCode::OK, "{context}: {form}");
        assert!(form.contains("Mar 2026 (M03)"), "{context}: {form}");
        assert!(form.contains(r#"id="m3" name="m3" value="50" inputmode="decimal" autofocus"#), "{context}: {form}");

        // March raised to 70: the reps now sum to 20 more than the company.
        let mut months = ["50"; 12];
        months[2] = "70";
        let (status, body, location) =
            post(&w, Role::Admin, &format!("/plans/{id}/line"), &line_form("calls_made", &rep_a, months)).await;
        assert_eq!(status, StatusCode::SEE_OTHER, "{context}: {body}");
        assert!(location.starts_with(&format!("/plans/{id}?kpi=calls_made&")), "{context}: {location}");
        assert_eq!(
            notice(&location),
            "Calls made · Rep A · target: 1 month changed, year 600 → 620. Bottom-up gap 0 → 20.",
            "{context}"
        );
        let targets = w.store.targets(id, None).await.unwrap();
        assert_eq!(amount(&targets, "calls_made", TargetOwner::Rep(w.rep_a), 3), 70, "{context}");
        assert_eq!(amount(&targets, "calls_made", TargetOwner::Rep(w.rep_a), 4), 50, "{context}");
        let (_, body) = page(&w, Role::Admin, &location).await;
        assert!(body.contains("gap <strong>20</strong>"), "{context}: {body}");
        let set = w.store.audit_log(&Default::default()).await.unwrap();
        assert_eq!(set.iter().filter(|e| e.action == "plan.target.set").count(), 1, "{context}: one month written");

        // Money in the currency's decimals: 1234.5 is 1,234.50, exactly.
        let mut months = ["500.00"; 12];
        months[0] = "1234.5";
        let fields = line_form("new_business", &rep_a, months);
        let (status, body, location) = post(&w, Role::Admin, &format!("/plans/{id}/line"), &fields).await;
        assert_eq!(status, StatusCode::SEE_OTHER, "{context}: {body}");
        assert!(notice(&location).contains("1 month changed"), "{context}: {location}");
        let targets = w.store.targets(id, None).await.unwrap();
        assert_eq!(amount(&targets, "new_business", TargetOwner::Rep(w.rep_a), 1), 123_450, "{context}");

        // A new line (Rep B had no new business) is written whole.
        let (status, _, location) = post(
            &w,
            Role::Admin,
            &format!("/plans/{id}/line"),
            &line_form("new_business", &format!("rep-{}", w.rep_b), ["0"; 12]),
        )
        .await;
        assert_eq!(status, StatusCode::SEE_OTHER, "{context}");
        assert!(notice(&location).contains("12 months changed, a new line, year $0.00"), "{context}: {location}");
    }
}

#[tokio::test]
async fn a_month_that_cannot_be_read_changes_nothing() {
    for db in TestDb::all().await {
        let w = world(&db).await;
        let id = draft(&w).await;
        let context = format!("on {}", db.backend());
        let before = w.store.targets(id, None).await.unwrap();
        let mut months = ["500"; 12];
        months[1] = "12.345";
        months[4] = "1,200";
        months[6] = "";
        months[9] = "-5";
        let fields = line_form("new_business", &format!("rep-{}", w.rep_a), months);
        let (status, body, _) = post(&w, Role::Admin, &format!("/plans/{id}/line"), &fields).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{context}: {body}");
        assert!(body.contains("4 months could not be read; nothing was saved"), "{context}: {body}");
        for (month, value, reason) in [
            ("Feb 2026 (M02)", "12.345", "the amount has more than 2 decimals, the most USD has"),
            ("May 2026 (M05)", "1,200", "not a number: type it without thousands separators"),
            ("Jul 2026 (M07)", "", "empty: type 0 for no target"),
            ("Oct 2026 (M10)", "-5", "negative: targets are 0 or more"),
        ] {
            let said = format!("{month}</a> &quot;{value}&quot;: {reason}");
            assert!(body.contains(&said), "{context}: {said} in {body}");
        }
        // The form keeps what was typed, the first bad month focused.
        assert!(
            body.contains(r#"name="m2" value="12.345" inputmode="decimal" autofocus aria-invalid="true""#),
            "{body}"
        );
        assert_eq!(w.store.targets(id, None).await.unwrap(), before, "{context}: nothing changed");

        // A KPI or an owner that does not exist is refused too.
        let fields = line_form("no_such_kpi", "company", ["1"; 12]);
        let (status, _, _) = post(&w, Role::Admin, &format!("/plans/{id}/line"), &fields).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{context}");
        let fields = line_form("calls_made", "rep-999999", ["1"; 12]);
        let (status, _, _) = post(&w, Role::Admin, &format!("/plans/{id}/line"), &fields).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{context}");
        assert_eq!(w.store.targets(id, None).await.unwrap(), before, "{context}: nothing changed");
    }
}

#[tokio::test]
async fn only_admins_edit_and_only_drafts() {
    for db in TestDb::all().await {
        let w = world(&db).await;
        let id = draft(&w).await;
        let context = format!("on {}", db.backend());
        let before = w.store.targets(id, None).await.unwrap();
        let form_path = format!("/plans/{id}/line?kpi=calls_made&owner=company&tier=target");
        let fields = line_form("calls_made", "company", ["7"; 12]);
        for role in [Role::Leader, Role::Manager] {
            let (status, body) = page(&w, role, &format!("/plans/{id}?kpi=calls_made")).await;
            assert_eq!(status, StatusCode::OK, "{context}");
            assert!(!body.contains("/line?"), "{role} is offered no edit: {context}");
            assert!(!body.contains("Upload the edited workbook"), "{role}: {context}");
            assert_eq!(page(&w, role, &form_path).await.0, StatusCode::FORBIDDEN, "{role} {context}");
            let (status, _, _) = post(&w, role, &format!("/plans/{id}/line"), &fields).await;
            assert_eq!(status, StatusCode::FORBIDDEN, "{role} {context}");
        }
        assert_eq!(w.store.targets(id, None).await.unwrap(), before, "{context}");

        // Approved, the plan is not editable: no form offered, none served, none saved.
        w.store.set_plan_status(id, PlanStatus::Approved, &Actor::named("lead")).await.unwrap();
        let (_, body) = page(&w, Role::Admin, &format!("/plans/{id}?kpi=calls_made")).await;
        assert!(!body.contains("/line?") && !body.contains("Upload the edited workbook"), "{context}: {body}");
        let (status, body) = page(&w, Role::Admin, &form_path).await;
        assert_eq!(status, StatusCode::CONFLICT, "{context}: {body}");
        assert!(body.contains("only a draft can be edited"), "{context}: {body}");
        let (status, body, _) = post(&w, Role::Admin, &format!("/plans/{id}/line"), &fields).await;
        assert_eq!(status, StatusCode::CONFLICT, "{context}: {body}");
        assert!(body.contains("the plan is approved: only a draft can be edited"), "{context}: {body}");
        assert_eq!(w.store.targets(id, None).await.unwrap(), before, "{context}");
    }
}

#[tokio::test]
async fn status_changes_and_closing_act_only_once_confirmed() {
    for db in TestDb::all().await {
        let w = world(&db).await;
        let id = draft(&w).await;
        let context = format!("on {}", db.backend());
        let status_path = format!("/plans/{id}/status");

        // The plan page offers each change behind a disclosure that says what it does.
        let (_, body) = page(&w, Role::Leader, &format!("/plans/{id}")).await;
        assert!(body.contains("<summary>Approve…</summary>"), "{context}: {body}");
        assert!(body.contains("Approving makes FY2026 plan v1 the plan FY2026 is measured against"), "{context}");
        assert!(body.contains(r#"<input type="hidden" name="confirm" value="yes">"#), "{context}");

        // Without the confirmation: the confirmation page, and the plan stays a draft.
        for status in ["approved", "archived"] {
            let fields = [("status", status.to_string()), ("reason", "board meeting".to_string())];
            let (code, body, _) = post(&w, Role::Leader, &status_path, &fields).await;
            assert_eq!(code, StatusCode::OK, "{context}: {body}");
            assert!(body.contains("Nothing has changed yet."), "{context}: {body}");
            assert!(body.contains(r#"name="confirm" value="yes""#), "{context}");
            assert!(body.contains(r#"name="reason" value="board meeting""#), "the reason is kept: {body}");
            assert_eq!(w.store.plan(id).await.unwrap().status, PlanStatus::Draft, "{status} {context}");
        }
        let fields = [("status", "archived".to_string()), ("confirm", "no".to_string())];
        post(&w, Role::Leader, &status_path, &fields).await;
        assert_eq!(w.store.plan(id).await.unwrap().status, PlanStatus::Draft, "{context}");

        // Confirmed, it acts.
        let fields = [("status", "approved".to_string()), ("confirm", "yes".to_string())];
        let (code, _, location) = post(&w, Role::Leader, &status_path, &fields).await;
        assert_eq!(code, StatusCode::SEE_OTHER, "{context}");
        assert_eq!(notice(&location), "The plan is approved.");
        assert_eq!(w.store.plan(id).await.unwrap().status, PlanStatus::Approved, "{context}");

        // Closing a review: asked first, done once confirmed.
        let (code, review) =
            w.send(Role::Admin, Method::POST, "/api/v1/reviews/FY2026-Q3", Some(serde_json::json!({}))).await;
        assert_eq!(code, StatusCode::OK, "{context}: {review}");
        let (_, body) = page(&w, Role::Leader, "/reviews/FY2026-Q3").await;
        assert!(body.contains("<summary>Close and freeze the figures…</summary>"), "{context}: {body}");
        let state_path = "/reviews/FY2026-Q3/state";
        let (code, body, _) = post(&w, Role::Leader, state_path, &[("action", "close".to_string())]).await;
        assert_eq!(code, StatusCode::OK, "{context}: {body}");
        assert!(body.contains("Closing freezes the figures of Q3 FY2026"), "{context}: {body}");
        assert!(w.store.review_for("FY2026-Q3").await.unwrap().unwrap().closed_at.is_none(), "{context}");
        let fields = [("action", "close".to_string()), ("confirm", "yes".to_string())];
        let (code, _, _) = post(&w, Role::Leader, state_path, &fields).await;
        assert_eq!(code, StatusCode::SEE_OTHER, "{context}");
        assert!(w.store.review_for("FY2026-Q3").await.unwrap().unwrap().closed_at.is_some(), "{context}");
    }
}
