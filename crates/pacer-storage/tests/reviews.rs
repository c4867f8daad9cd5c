//! Quarterly reviews on SQLite and PostgreSQL: opened against a plan of their fiscal year, one open
//! review per quarter and plan, closed once with a snapshot that never changes, notes about the
//! review, a KPI or a rep (still allowed once closed), and the audit of every change.

use chrono::NaiveDate;
use pacer_core::audit::{Actor, AuditEntry, AuditFilter};
use pacer_core::org::NewRep;
use pacer_core::plan::{NewPlan, PlanId, PlanSettings};
use pacer_core::review::{MAX_NOTE_CHARS, NewNote, NoteSubject, Review, ReviewError, ReviewStatus};
use pacer_storage::testing::TestDb;
use pacer_storage::{AccessStore, OrgStore, PlanStore, ReviewStore, StoreError};

/// A snapshot as a client would send it: its spacing and key order must come back as they were.
const SNAPSHOT: &str = r#"{ "period": "FY2027-Q2",  "kpis": [{"key": "calls_made", "target": 1200, "actual": 1130}],
  "best": ["Ann"], "note": "dépassé" }"#;

fn director() -> Actor {
    Actor::named("director")
}

async fn plan(store: &dyn PlanStore, fiscal_year: i32, name: &str) -> PlanId {
    let new = NewPlan { fiscal_year, name: name.into(), settings: PlanSettings::default(), copied_from: None };
    store.create_plan(&new, &director()).await.unwrap().id
}

async fn rep(store: &dyn OrgStore, name: &str) -> i64 {
    let rep = NewRep {
        name: name.into(),
        email: None,
        title: None,
        team_id: None,
        hire_date: NaiveDate::from_ymd_opt(2024, 1, 1).unwrap(),
        leave_date: None,
        external_id: None,
    };
    store.create_rep(&rep, &director()).await.unwrap().id
}

fn note(subject: NoteSubject, text: &str) -> NewNote {
    NewNote { subject, text: text.into() }
}

async fn review_log(store: &dyn AccessStore, review: i64) -> Vec<AuditEntry> {
    let filter =
        AuditFilter { entity: Some("review".into()), entity_id: Some(review.to_string()), ..AuditFilter::default() };
    store.audit_log(&filter).await.unwrap()
}

fn review_error<T: std::fmt::Debug>(result: Result<T, StoreError>) -> ReviewError {
    match result {
        Err(StoreError::Review(e)) => e,
        other => panic!("expected a review error, got {other:?}"),
    }
}

fn periods(reviews: &[Review]) -> Vec<(&str, i64)> {
    reviews.iter().map(|r| (r.period.as_str(), r.plan_id)).collect()
}

#[tokio::test]
async fn a_review_is_opened_then_closed_with_its_snapshot() {
    for db in TestDb::all().await {
        let store = &db.store;
        let base = plan(store, 2027, "Base").await;
        let q2 = store.open_review(" fy2027-q2 ", 2027, base, &director()).await.unwrap();
        assert_eq!((q2.period.as_str(), q2.fiscal_year, q2.plan_id), ("FY2027-Q2", 2027, base), "{}", db.backend());
        assert_eq!((q2.status, q2.opened_by.as_str()), (ReviewStatus::Open, "director"));
        assert!(q2.opened_at.starts_with("20") && q2.opened_at.ends_with('Z'), "{}", q2.opened_at);
        assert_eq!((&q2.closed_by, &q2.closed_at, &q2.snapshot), (&None, &None, &None));
        assert_eq!(store.review(q2.id).await.unwrap(), q2);
        assert_eq!(store.review_for("FY2027-Q2").await.unwrap(), Some(q2.clone()));
        assert_eq!(store.review_for("FY2027-Q3").await.unwrap(), None);

        let q1 = store.open_review("FY2027-Q1", 2027, base, &director()).await.unwrap();
        let later = plan(store, 2028, "Base").await;
        store.open_review("FY2028-Q1", 2028, later, &director()).await.unwrap();
        let year = store.reviews(Some(2027)).await.unwrap();
        assert_eq!(periods(&year), [("FY2027-Q1", base), ("FY2027-Q2", base)], "by period");
        assert_eq!(year[0], q1);
        assert_eq!(store.reviews(None).await.unwrap().len(), 3);
        assert!(store.reviews(Some(2026)).await.unwrap().is_empty());

        let closer = Actor::named("cfo").because(Some("agreed at the Q2 review".into()));
        let closed = store.close_review(q2.id, SNAPSHOT, &closer).await.unwrap();
        assert_eq!((closed.status, closed.closed_by.as_deref()), (ReviewStatus::Closed, Some("cfo")));
        assert!(closed.closed_at.as_deref().is_some_and(|at| at.ends_with('Z')));
        assert_eq!(closed.snapshot.as_deref(), Some(SNAPSHOT), "kept as given, byte for byte");
        assert_eq!(
            Review { status: ReviewStatus::Open, closed_by: None, closed_at: None, snapshot: None, ..closed.clone() },
            q2
        );
        assert_eq!(store.review(q2.id).await.unwrap(), closed);
        assert_eq!(store.review_for("FY2027-Q2").await.unwrap(), Some(closed.clone()));

        // Closing again is refused, and the snapshot stays what it was.
        let again = review_error(store.close_review(q2.id, r#"{"changed": true}"#, &director()).await);
        let at = closed.closed_at.clone().unwrap();
        assert_eq!(again, ReviewError::AlreadyClosed { id: q2.id, by: "cfo".into(), at });
        assert_eq!(store.review(q2.id).await.unwrap(), closed);

        // A snapshot that is not JSON is refused, and the review stays open.
        let refused = review_error(store.close_review(q1.id, "{figures: 1", &director()).await);
        assert!(matches!(refused, ReviewError::SnapshotNotJson(_)), "{refused:?}");
        assert_eq!(store.review(q1.id).await.unwrap(), q1);
        assert!(matches!(
            store.close_review(999, "{}", &director()).await,
            Err(StoreError::NotFound { what: "review", .. })
        ));
        assert!(matches!(store.review(999).await, Err(StoreError::NotFound { what: "review", .. })));
    }
}

#[tokio::test]
async fn one_open_review_per_quarter_and_plan() {
    for db in TestDb::all().await {
        let store = &db.store;
        let base = plan(store, 2027, "Base").await;
        let first = store.open_review("FY2027-Q2", 2027, base, &director()).await.unwrap();
        let conflict = match store.open_review("fy2027-q2", 2027, base, &director()).await {
            Err(StoreError::Conflict(message)) => message,
            other => panic!("expected a conflict, got {other:?}"),
        };
        assert!(conflict.contains(&format!("review {} of FY2027-Q2", first.id)), "names it: {conflict}");
        assert_eq!(store.reviews(None).await.unwrap(), std::slice::from_ref(&first), "nothing written");

        // Against another plan of the year, the same quarter can be reviewed.
        let revised = plan(store, 2027, "Revised").await;
        let other = store.open_review("FY2027-Q2", 2027, revised, &director()).await.unwrap();
        assert_eq!(store.review_for("FY2027-Q2").await.unwrap(), Some(other.clone()), "the latest");

        // Once closed, a new review of the same quarter and plan may be opened; the closed one stays.
        store.close_review(first.id, "{}", &director()).await.unwrap();
        let second = store.open_review("FY2027-Q2", 2027, base, &director()).await.unwrap();
        assert_ne!(second.id, first.id);
        let listed = store.reviews(Some(2027)).await.unwrap();
        let states: Vec<_> = listed.iter().map(|r| (r.id, r.status)).collect();
        assert_eq!(
            states,
            [(first.id, ReviewStatus::Closed), (other.id, ReviewStatus::Open), (second.id, ReviewStatus::Open)]
        );
        assert_eq!(store.review_for("FY2027-Q2").await.unwrap(), Some(second));

        // The plan must exist and be of the review's fiscal year; the period must be its quarter.
        let missing = store.open_review("FY2027-Q3", 2027, 999, &director()).await;
        assert!(matches!(missing, Err(StoreError::NotFound { what: "plan", .. })), "{missing:?}");
        let old = plan(store, 2026, "Base").await;
        assert_eq!(
            review_error(store.open_review("FY2027-Q3", 2027, old, &director()).await),
            ReviewError::PlanYear { plan: old, plan_year: 2026, fiscal_year: 2027 }
        );
        assert_eq!(
            review_error(store.open_review("FY2027-M03", 2027, base, &director()).await),
            ReviewError::NotAQuarter("FY2027-M03".into())
        );
        assert_eq!(
            review_error(store.open_review("FY2026-Q3", 2027, base, &director()).await),
            ReviewError::PeriodYear { period: "FY2026-Q3".into(), fiscal_year: 2027 }
        );
        assert_eq!(store.reviews(None).await.unwrap().len(), 3, "refused reviews were not written");
    }
}

#[tokio::test]
async fn notes_about_the_review_a_kpi_and_a_rep() {
    for db in TestDb::all().await {
        let store = &db.store;
        let base = plan(store, 2027, "Base").await;
        let (ann, bob) = (rep(store, "Ann").await, rep(store, "Bob").await);
        let q1 = store.open_review("FY2027-Q1", 2027, base, &director()).await.unwrap();
        let q2 = store.open_review("FY2027-Q2", 2027, base, &director()).await.unwrap();
        let calls = NoteSubject::Kpi("calls_made".into());

        let overall = store.add_note(q2.id, &note(NoteSubject::Review, " Outage in May. "), &director()).await.unwrap();
        assert_eq!((overall.review_id, &overall.subject), (q2.id, &NoteSubject::Review), "{}", db.backend());
        assert_eq!((overall.text.as_str(), overall.author.as_str()), ("Outage in May.", "director"), "trimmed");
        assert!(overall.at.ends_with('Z'), "{}", overall.at);
        let kpi_q2 = store.add_note(q2.id, &note(calls.clone(), "Dialler down 9 days"), &director()).await.unwrap();
        let on_ann =
            store.add_note(q2.id, &note(NoteSubject::Rep(ann), "On leave in June"), &director()).await.unwrap();
        let kpi_q1 =
            store.add_note(q1.id, &note(NoteSubject::Kpi(" calls_made ".into()), "New script"), &director()).await;
        let kpi_q1 = kpi_q1.unwrap();
        assert_eq!(kpi_q1.subject, calls, "the key is trimmed");
        store.add_note(q1.id, &note(NoteSubject::Kpi("demos".into()), "Fewer demos"), &director()).await.unwrap();

        assert_eq!(store.notes(q2.id).await.unwrap(), [overall.clone(), kpi_q2.clone(), on_ann.clone()], "by time");
        assert_eq!(store.notes(q1.id).await.unwrap().len(), 2);
        assert!(matches!(store.notes(999).await, Err(StoreError::NotFound { what: "review", .. })));

        let about_calls = store.notes_about(&calls).await.unwrap();
        assert_eq!(about_calls, [(kpi_q1, "FY2027-Q1".to_string()), (kpi_q2, "FY2027-Q2".to_string())], "by period");
        assert_eq!(store.notes_about(&NoteSubject::Rep(ann)).await.unwrap(), [(on_ann, "FY2027-Q2".to_string())]);
        assert!(store.notes_about(&NoteSubject::Rep(bob)).await.unwrap().is_empty());
        assert_eq!(store.notes_about(&NoteSubject::Review).await.unwrap(), [(overall, "FY2027-Q2".to_string())]);

        // Notes may still be added to a closed review; its snapshot does not change.
        let closed = store.close_review(q2.id, SNAPSHOT, &director()).await.unwrap();
        let late = store.add_note(q2.id, &note(NoteSubject::Rep(bob), "Joined mid-quarter"), &director()).await;
        assert_eq!(late.unwrap().review_id, q2.id);
        assert_eq!(store.review(q2.id).await.unwrap(), closed);
        assert_eq!(store.notes(q2.id).await.unwrap().len(), 4);

        // Refused notes write nothing, not even an audit entry.
        let entries = review_log(store, q1.id).await.len();
        assert_eq!(
            review_error(store.add_note(q1.id, &note(calls.clone(), "  \n "), &director()).await),
            ReviewError::BlankNote
        );
        let long = "x".repeat(MAX_NOTE_CHARS + 1);
        assert_eq!(
            review_error(store.add_note(q1.id, &note(NoteSubject::Review, &long), &director()).await),
            ReviewError::NoteTooLong(MAX_NOTE_CHARS + 1)
        );
        assert_eq!(
            review_error(store.add_note(q1.id, &note(NoteSubject::Kpi(String::new()), "why"), &director()).await),
            ReviewError::NoKpi
        );
        let nobody = store.add_note(q1.id, &note(NoteSubject::Rep(999), "who?"), &director()).await;
        assert!(matches!(nobody, Err(StoreError::NotFound { what: "rep", .. })), "{nobody:?}");
        let orphan = store.add_note(999, &note(NoteSubject::Review, "where?"), &director()).await;
        assert!(matches!(orphan, Err(StoreError::NotFound { what: "review", .. })), "{orphan:?}");
        assert_eq!(store.notes(q1.id).await.unwrap().len(), 2);
        assert_eq!(store.notes_about(&calls).await.unwrap().len(), 2);
        assert_eq!(review_log(store, q1.id).await.len(), entries);
    }
}

#[tokio::test]
async fn every_change_is_audited() {
    for db in TestDb::all().await {
        let store = &db.store;
        let base = plan(store, 2027, "Base").await;
        let lead = |reason: &str| Actor::named("lead").because(Some(reason.into()));
        let review = store.open_review("FY2027-Q2", 2027, base, &lead("quarter ended")).await.unwrap();
        store.add_note(review.id, &note(NoteSubject::Review, "Outage in May"), &lead("for the board")).await.unwrap();
        store.close_review(review.id, SNAPSHOT, &lead("agreed")).await.unwrap();

        let log = review_log(store, review.id).await;
        let trail: Vec<(&str, &str, Option<&str>)> =
            log.iter().rev().map(|e| (e.action.as_str(), e.actor.as_str(), e.reason.as_deref())).collect();
        assert_eq!(
            trail,
            [
                ("review.open", "lead", Some("quarter ended")),
                ("review.note", "lead", Some("for the board")),
                ("review.close", "lead", Some("agreed")),
            ],
            "{}",
            db.backend()
        );
        let value =
            |text: &Option<String>| serde_json::from_str::<serde_json::Value>(text.as_deref().unwrap()).unwrap();
        let (close, note_entry, open) = (&log[0], &log[1], &log[2]);
        assert_eq!(open.before, None);
        assert_eq!(value(&open.after)["period"], "FY2027-Q2");
        assert_eq!(value(&note_entry.after)["subject"], serde_json::json!({ "kind": "review" }));
        assert_eq!(value(&close.before)["status"], "open");
        let after = value(&close.after);
        assert_eq!((&after["status"], &after["closed_by"]), (&"closed".into(), &"lead".into()));
        assert_eq!(after["snapshot_bytes"], SNAPSHOT.len(), "the snapshot itself stays in the review");
    }
}
