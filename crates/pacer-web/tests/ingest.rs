//! Data capture over the API, on both databases: integrations push batches
//! with a bearer token; a replayed batch changes nothing; a batch with any
//! invalid record is refused whole with each record's problems.

mod common;

use axum::body::Body;
use axum::http::{Method, Request, StatusCode, header};
use common::{multipart, with_token, world};
use http_body_util::BodyExt;
use pacer_core::access::{Role, Scope};
use pacer_core::audit::AuditFilter;
use pacer_storage::testing::TestDb;
use pacer_storage::{AccessStore, RecordStore};
use tower::ServiceExt;

#[tokio::test]
async fn batches_are_idempotent_and_all_or_nothing() {
    for db in TestDb::all().await {
        let w = world(&db).await;
        let ingest = w.tokens[&Scope::Ingest].clone();
        let call = |id: &str, outcome: &str| {
            serde_json::json!({"source": "aircall", "external_id": id, "rep": w.rep_a, "type": "call",
                "occurred_at": "2026-06-02T10:15:00", "duration_minutes": 4.5, "fields": {"outcome": outcome}})
        };
        let batch = serde_json::json!({"records": [call("c1", "connected"), call("c2", "voicemail")]});
        let (status, body) = with_token(&w.app, Method::POST, "/api/v1/activities", &ingest, Some(batch.clone())).await;
        assert_eq!(status, StatusCode::OK, "{body}");
        assert_eq!((body["new"].as_u64(), body["unchanged"].as_u64()), (Some(2), Some(0)));
        let (_, replay) = with_token(&w.app, Method::POST, "/api/v1/activities", &ingest, Some(batch)).await;
        assert_eq!(
            (replay["new"].as_u64(), replay["updated"].as_u64(), replay["unchanged"].as_u64()),
            (Some(0), Some(0), Some(2)),
            "{replay}"
        );
        let corrected = serde_json::json!({"records": [call("c2", "connected")]});
        let (_, fixed) = with_token(&w.app, Method::POST, "/api/v1/activities", &ingest, Some(corrected)).await;
        assert_eq!(fixed["updated"], 1);
        let stored = db.store.recent_activities(w.rep_a, 10).await.unwrap();
        assert_eq!(stored.len(), 2, "{}", db.backend());
        assert!(stored.iter().all(|a| a.duration_s == Some(270)));
        assert!(stored.iter().all(|a| a.entered_by.as_deref() == Some("token:ingest")), "who entered it is kept");

        // One bad record refuses the batch; each problem names its record and field.
        let bad = serde_json::json!({"records": [
            call("c3", "connected"),
            {"source": "aircall", "external_id": "c4", "rep": "nobody@example.com", "type": "call", "occurred_at": "2026-06-02"},
            {"source": "aircall", "external_id": "c5", "rep": w.rep_a, "type": "fax", "occurred_at": "yesterday"},
            {"source": "aircall", "external_id": "c6", "rep": w.rep_a, "type": "call", "occurred_at": "2019-01-01T09:00:00", "fields": {"outcome": "busy"}},
            {"rep": w.rep_a, "type": "email", "occurred_at": "2026-06-02"},
        ]});
        let (status, body) = with_token(&w.app, Method::POST, "/api/v1/activities", &ingest, Some(bad)).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
        let details = body["error"]["details"].as_array().unwrap();
        let has = |index: u64, field: &str| details.iter().any(|d| d["index"] == index && d["field"] == field);
        assert!(
            has(1, "rep")
                && has(2, "type")
                && has(2, "occurred_at")
                && has(3, "occurred_at")
                && has(3, "fields.outcome")
                && has(4, "external_id"),
            "{body}"
        );
        assert!(!has(0, "rep"), "the good record has no problem");
        assert_eq!(db.store.recent_activities(w.rep_a, 10).await.unwrap().len(), 2, "nothing written");

        let read = w.tokens[&Scope::Read].clone();
        assert_eq!(
            with_token(&w.app, Method::POST, "/api/v1/activities", &read, Some(serde_json::json!({"records": []})))
                .await
                .0,
            StatusCode::FORBIDDEN
        );

        // Deals and recurring revenue: the same rules.
        let deal = serde_json::json!({"records": [{"source": "salesforce", "external_id": "006A", "rep": w.rep_a, "account_id": 1,
            "kind": "new", "status": "won", "amount_minor": 1_200_000, "created_on": "2026-05-01", "close_date": "2026-06-15"}]});
        assert_eq!(with_token(&w.app, Method::POST, "/api/v1/deals", &ingest, Some(deal.clone())).await.1["new"], 1);
        assert_eq!(with_token(&w.app, Method::POST, "/api/v1/deals", &ingest, Some(deal)).await.1["unchanged"], 1);
        let negative = serde_json::json!({"records": [{"source": "salesforce", "external_id": "006B", "rep": w.rep_a, "account_id": 1,
            "kind": "gift", "status": "won", "amount_minor": -5, "created_on": "2026-05-01", "close_date": "2026-04-15"}]});
        let (status, body) = with_token(&w.app, Method::POST, "/api/v1/deals", &ingest, Some(negative)).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(body["error"]["details"].as_array().unwrap().len(), 3, "kind, amount and close date: {body}");
        let mrr = serde_json::json!({"records": [{"account_id": 1, "month": "2026-05", "mrr_minor": 50_000}, {"account_id": 2, "month": "2026-05", "mrr_minor": 10_000}]});
        assert_eq!(
            with_token(&w.app, Method::POST, "/api/v1/subscriptions", &ingest, Some(mrr.clone())).await.1["new"],
            2
        );
        assert_eq!(
            with_token(&w.app, Method::POST, "/api/v1/subscriptions", &ingest, Some(mrr)).await.1["unchanged"],
            2
        );
        let twice = serde_json::json!({"records": [{"account_id": 1, "month": "2026-06", "mrr_minor": 1}, {"account_id": 1, "month": "2026-06", "mrr_minor": -2}]});
        let (status, body) = with_token(&w.app, Method::POST, "/api/v1/subscriptions", &ingest, Some(twice)).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(body["error"]["details"].as_array().unwrap().len(), 2, "{body}");
        assert_eq!(db.store.subscriptions().await.unwrap().len(), 2);

        // Every write that changed something is in the audit log, with who and what; replays are not.
        let log = |entity: &str| {
            let filter = AuditFilter { entity: Some(entity.into()), ..AuditFilter::default() };
            let store = db.store.clone();
            async move { store.audit_log(&filter).await.unwrap() }
        };
        let activities = log("activities").await;
        assert_eq!(activities.len(), 2, "{}: the first write and the correction", db.backend());
        assert!(activities.iter().all(|e| e.actor == "token:ingest" && e.action == "activities.write"));
        let correction: serde_json::Value = serde_json::from_str(activities[0].after.as_deref().unwrap()).unwrap();
        assert_eq!(correction["updated"], 1, "{correction}");
        assert_eq!(correction["records"][0]["external_id"], "aircall:c2", "{correction}");
        assert_eq!(correction["records"][0]["fields"]["outcome"], "connected");
        assert_eq!(log("deals").await.len(), 1);
        assert_eq!(log("subscriptions").await.len(), 1);

        // An open deal may leave its close date out; a won one may not.
        let undated = serde_json::json!({"records": [{"source": "salesforce", "external_id": "006C", "rep": w.rep_a, "account_id": 1,
            "kind": "new", "status": "open", "stage": "Negotiation", "amount_minor": 5_000, "created_on": "2026-05-01"}]});
        assert_eq!(with_token(&w.app, Method::POST, "/api/v1/deals", &ingest, Some(undated)).await.1["new"], 1);
        let stored =
            db.store.deals_between("2030-01-01".parse().unwrap(), "2030-12-31".parse().unwrap()).await.unwrap();
        assert_eq!(stored.iter().map(|d| d.close_date).collect::<Vec<_>>(), [None], "{}", db.backend());
        let won = serde_json::json!({"records": [{"source": "salesforce", "external_id": "006D", "rep": w.rep_a, "account_id": 1,
            "kind": "new", "status": "won", "amount_minor": 5_000, "created_on": "2026-05-01", "close_date": null}]});
        let (status, body) = with_token(&w.app, Method::POST, "/api/v1/deals", &ingest, Some(won)).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
        assert_eq!(body["error"]["details"][0]["field"], "close_date", "{body}");
        assert_eq!(
            body["error"]["details"][0]["reason"],
            "a won deal needs its close date: only an open deal may leave it empty",
            "{body}"
        );
    }
}

#[tokio::test]
async fn quick_log_checks_the_catalogs_fields() {
    for db in TestDb::all().await {
        let w = world(&db).await;
        let (cookie, csrf) = w.session(pacer_core::access::Role::Rep).await;
        let form = |body: String| {
            Request::post(format!("/reps/{}/activities", w.rep_a))
                .header(header::COOKIE, format!("pacer_session={cookie}"))
                .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
                .body(Body::from(format!("csrf={csrf}&{body}")))
                .unwrap()
        };
        let bad = w
            .app
            .clone()
            .oneshot(form("activity_type=call&date=2026-06-03&field.call.outcome=busy".into()))
            .await
            .unwrap();
        assert_eq!(bad.status(), StatusCode::UNPROCESSABLE_ENTITY);
        assert!(db.store.recent_activities(w.rep_a, 5).await.unwrap().is_empty(), "nothing written");
        // The other types' fields in the same form are ignored.
        let good =
            form("activity_type=call&date=2026-06-03&minutes=7&field.call.outcome=connected&field.meeting.x=1".into());
        assert_eq!(w.app.clone().oneshot(good).await.unwrap().status(), StatusCode::SEE_OTHER);
        let stored = db.store.recent_activities(w.rep_a, 5).await.unwrap();
        assert_eq!(stored.len(), 1);
        assert_eq!(stored[0].fields.get("outcome"), Some(&pacer_core::records::FieldValue::Text("connected".into())));
        assert_eq!(stored[0].duration_s, Some(420));
        assert_eq!(stored[0].entered_by.as_deref(), Some("rep"));
        // The logging page ranks who logs, and names only reps in one's scope.
        let page = w
            .app
            .clone()
            .oneshot(
                Request::get("/logging?from=2026-06-01&to=2026-06-30")
                    .header(header::COOKIE, format!("pacer_session={cookie}"))
                    .body(Body::empty())
                    .unwrap(),
            )
            .await
            .unwrap();
        assert_eq!(page.status(), StatusCode::OK);
        let html = String::from_utf8(page.into_body().collect().await.unwrap().to_bytes().to_vec()).unwrap();
        assert!(html.contains("Logging contest") && html.contains("in other teams"), "{html}");
    }
}

#[tokio::test]
async fn the_import_page_previews_then_imports() {
    for db in TestDb::all().await {
        let w = world(&db).await;
        let (cookie, csrf) = w.session(pacer_core::access::Role::Admin).await;
        let csv = "account_id,month,mrr_cents\n1,2026-01,10000\n2,2026-01,-5\n1,2026-02,12000\n";
        let (content_type, body) =
            multipart(&[("kind", "subscriptions"), ("preset", "pacer-subscriptions")], ("mrr.csv", csv));
        let upload = |with_csrf: bool| {
            let uri = if with_csrf { format!("/import/preview?csrf={csrf}") } else { "/import/preview".to_string() };
            Request::post(uri)
                .header(header::COOKIE, format!("pacer_session={cookie}"))
                .header(header::CONTENT_TYPE, content_type.clone())
                .body(Body::from(body.clone()))
                .unwrap()
        };
        assert_eq!(
            w.app.clone().oneshot(upload(false)).await.unwrap().status(),
            StatusCode::FORBIDDEN,
            "the form's token is required"
        );
        let preview = w.app.clone().oneshot(upload(true)).await.unwrap();
        assert_eq!(preview.status(), StatusCode::OK);
        let html = String::from_utf8(preview.into_body().collect().await.unwrap().to_bytes().to_vec()).unwrap();
        assert!(html.contains("3 rows; 2 ready, 1 with problems") && html.contains("negative"), "{html}");
        assert!(db.store.subscriptions().await.unwrap().is_empty(), "a preview writes nothing");
        let file = html.split("name=\"file_base64\" value=\"").nth(1).unwrap().split('"').next().unwrap().to_string();
        let confirm = |skip: bool| {
            let mut form = vec![
                ("csrf", csrf.clone()),
                ("kind", "subscriptions".into()),
                ("preset", "pacer-subscriptions".into()),
                ("file_name", "mrr.csv".into()),
                ("file_base64", file.clone()),
            ];
            if skip {
                form.push(("skip_invalid", "yes".into()));
            }
            Request::post("/import/confirm")
                .header(header::COOKIE, format!("pacer_session={cookie}"))
                .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
                .body(Body::from(serde_urlencoded::to_string(&form).unwrap()))
                .unwrap()
        };
        assert_eq!(
            w.app.clone().oneshot(confirm(false)).await.unwrap().status(),
            StatusCode::UNPROCESSABLE_ENTITY,
            "all or nothing"
        );
        assert!(db.store.subscriptions().await.unwrap().is_empty());
        let done = w.app.clone().oneshot(confirm(true)).await.unwrap();
        assert_eq!(done.status(), StatusCode::OK);
        let html = String::from_utf8(done.into_body().collect().await.unwrap().to_bytes().to_vec()).unwrap();
        assert!(html.contains("2 new, 0 updated, 0 unchanged, 1 left out") && html.contains("rejects.csv"), "{html}");
        assert_eq!(db.store.subscriptions().await.unwrap().len(), 2);
        let filter = AuditFilter { entity: Some("import".into()), ..AuditFilter::default() };
        let imports = db.store.audit_log(&filter).await.unwrap();
        assert_eq!(imports.len(), 1, "one entry for the whole file");
        assert_eq!((imports[0].actor.as_str(), imports[0].entity_id.as_str()), ("admin", "mrr.csv"));
        assert_eq!(imports[0].reason.as_deref(), Some("import mrr.csv"));
        let written: serde_json::Value = serde_json::from_str(imports[0].after.as_deref().unwrap()).unwrap();
        assert_eq!(written["written"]["subscriptions"]["new"], 2, "{written}");
    }
}

/// A rep cannot record a won deal for themselves (it would count as their revenue): deals come
/// from the CRM (an ingest token) or from a manager, for the reps of their own teams.
#[tokio::test]
async fn reps_cannot_enter_deals_and_managers_only_their_teams() {
    for db in TestDb::all().await {
        let w = world(&db).await;
        let deal = |rep: i64, id: &str| {
            serde_json::json!({"records": [{"source": "manual", "external_id": id, "rep": rep, "account_id": 1,
                "kind": "new", "status": "won", "amount_minor": 9_900_000, "created_on": "2026-05-01", "close_date": "2026-06-15"}]})
        };
        let (status, _) = w.send(Role::Rep, Method::POST, "/api/v1/deals", Some(deal(w.rep_a, "self"))).await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{}", db.backend());
        let (status, body) = w.send(Role::Manager, Method::POST, "/api/v1/deals", Some(deal(w.rep_b, "other"))).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "another team's rep: {body}");
        let (status, body) = w.send(Role::Manager, Method::POST, "/api/v1/deals", Some(deal(w.rep_a, "own"))).await;
        assert_eq!((status, body["new"].as_i64()), (StatusCode::OK, Some(1)), "{body}");
        let day = |s: &str| s.parse().unwrap();
        let stored = db.store.deals_between(day("2026-01-01"), day("2026-12-31")).await.unwrap();
        assert_eq!(stored.len(), 1, "only the manager's deal for their own rep is stored");
    }
}

/// The import page recognises a CRM export from its header and says how it read it; for a header
/// no preset fits, it proposes a mapping to finish and previews again with the same file.
#[tokio::test]
async fn the_import_page_recognises_exports_and_proposes_a_mapping() {
    let db = TestDb::sqlite().await;
    let w = world(&db).await;
    let (cookie, csrf) = w.session(pacer_core::access::Role::Admin).await;
    let preview = |fields: Vec<(&str, String)>, file: Option<(&str, &str)>| {
        let fields: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
        let (content_type, mut body) = multipart(&fields, file.unwrap_or(("", "")));
        if file.is_none() {
            // No file part: the file comes back as base64 from the page.
            body = body
                .rsplit_once("--pacerboundary42\r\nContent-Disposition: form-data; name=\"file\"")
                .unwrap()
                .0
                .to_string()
                + "--pacerboundary42--\r\n";
        }
        Request::post(format!("/import/preview?csrf={csrf}"))
            .header(header::COOKIE, format!("pacer_session={cookie}"))
            .header(header::CONTENT_TYPE, content_type)
            .body(Body::from(body))
            .unwrap()
    };
    let html_of = |response: axum::response::Response| async move {
        String::from_utf8(response.into_body().collect().await.unwrap().to_bytes().to_vec()).unwrap()
    };
    let report = "\"Deals closing this quarter\"\n\"\"\nRecord ID,Deal Name,Deal Stage,Close Date,Deal owner,Amount\n\
        1,Acme,closedwon,2026-06-30,Ann Lee,100\n\"\"\n\"Confidential\"\n";
    let page =
        w.app.clone().oneshot(preview(vec![("kind", "deals".into())], Some(("deals.csv", report)))).await.unwrap();
    assert_eq!(page.status(), StatusCode::OK);
    let html = html_of(page).await;
    assert!(html.contains("preset hubspot-deals (recognised from the header)"), "{html}");
    assert!(
        html.contains("2 report row(s) left out") && html.contains("row 1 &quot;Deals closing this quarter&quot;"),
        "{html}"
    );

    let odd = "Owner,Client,Closing,Amount,Stage\nAnn Lee,Acme,2026-05-31,100,Proposal\n";
    let page = w.app.clone().oneshot(preview(vec![("kind", "deals".into())], Some(("odd.csv", odd)))).await.unwrap();
    assert_eq!(page.status(), StatusCode::OK);
    let html = html_of(page).await;
    assert!(html.contains("no preset for deals fits this header") && html.contains("A mapping to finish"), "{html}");
    assert!(
        html.contains("amount = &quot;Amount&quot;") && html.contains("# account_id = &quot;&quot;  # required"),
        "{html}"
    );
    let file = html.split("name=\"file_base64\" value=\"").nth(1).unwrap().split('"').next().unwrap().to_string();
    let mapping = "kind = \"deals\"\n[columns]\nrep = \"Owner\"\naccount_id = \"Client\"\nclose_date = \"Closing\"\namount = \"Amount\"\nstage = \"Stage\"\n[defaults]\nkind = \"new\"\n";
    let again = preview(
        vec![
            ("kind", "deals".into()),
            ("mapping", mapping.into()),
            ("file_name", "odd.csv".into()),
            ("file_base64", file),
        ],
        None,
    );
    let html = html_of(w.app.clone().oneshot(again).await.unwrap()).await;
    assert!(html.contains("Preview: odd.csv") && html.contains("1 rows;"), "{html}");
}
