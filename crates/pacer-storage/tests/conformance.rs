//! The storage conformance suite: the same stories on SQLite and PostgreSQL.
//! PostgreSQL is skipped with a message when unreachable, unless
//! `PACER_REQUIRE_POSTGRES=1` (CI), which makes it a failure.

use chrono::{NaiveDate, NaiveDateTime};
use pacer_core::access::{Role, Scope};
use pacer_core::audit::{Actor, AuditFilter};
use pacer_core::fiscal_calendar::{FiscalCalendar, YearNaming};
use pacer_core::import::{RepRow, TeamRow};
use pacer_core::org::{NewRep, NewTeam, OrgError, Organisation, RepUpdate, TeamUpdate};
use pacer_core::records::{DealKind, DealStatus, NewAccount, NewActivity, NewDeal, SourceKind, SubscriptionMonth};
use pacer_storage::testing::TestDb;
use pacer_storage::{
    AccessStore, DigestStore, ImportStore, LoginFailures, NewUser, OrgStore, RecordStore, RepFilter, Session,
    StageTotal, Store, StoreError, UserUpdate,
};

fn d(s: &str) -> NaiveDate {
    s.parse().unwrap()
}

fn admin() -> Actor {
    Actor::named("ops")
}

fn rep(name: &str, team: Option<i64>, hire: &str) -> NewRep {
    NewRep {
        name: name.into(),
        email: None,
        title: None,
        team_id: team,
        hire_date: d(hire),
        leave_date: None,
        external_id: None,
    }
}

/// A rep user named `name` (display name and login), with the password hash `$argon2id$x`.
fn user(name: &str, rep_id: Option<i64>) -> NewUser {
    NewUser {
        username: name.into(),
        display_name: name.into(),
        role: Role::Rep,
        rep_id,
        email: None,
        password_hash: "$argon2id$x".into(),
    }
}

fn team_row(name: &str, parent: Option<&str>) -> TeamRow {
    TeamRow { name: name.into(), parent: parent.map(String::from), region: Some("EMEA".into()), manager: None }
}

fn rep_row(id: &str, name: &str, team: &str) -> RepRow {
    RepRow {
        external_id: Some(id.into()),
        name: name.into(),
        email: None,
        title: None,
        team: Some(team.into()),
        hire_date: d("2025-01-06"),
        leave_date: None,
    }
}

/// A teams and reps import is one transaction: all of the file or nothing; again, nothing changes.
#[tokio::test]
async fn organisation_imports_are_all_or_nothing() {
    for db in TestDb::all().await {
        let store = &db.store;
        let teams = [team_row("Sales", None), team_row("Sales East", Some("sales"))];
        let reps = [rep_row("r1", "Ada", "Sales East"), rep_row("r2", "Bo", "Sales")];
        let first = store.import_organisation(&teams, &reps, &admin()).await.unwrap();
        assert_eq!((first.new, first.updated, first.unchanged), (4, 0, 0), "{}", db.backend());
        let stored = store.teams().await.unwrap();
        let east = stored.iter().find(|t| t.name == "Sales East").unwrap();
        assert_eq!(east.parent_id, stored.iter().find(|t| t.name == "Sales").map(|t| t.id), "a parent listed first");
        let again = store.import_organisation(&teams, &reps, &admin()).await.unwrap();
        assert_eq!((again.new, again.updated, again.unchanged), (0, 0, 4), "re-importing changes nothing");

        // A file whose last row is bad writes none of its rows.
        let audit = store.audit_log(&AuditFilter::default()).await.unwrap().len();
        let teams = [team_row("West", None)];
        let reps = [rep_row("r1", "Ada Lovelace", "West"), rep_row("r3", "Cy", "Nowhere")];
        let refused = store.import_organisation(&teams, &reps, &admin()).await;
        assert!(
            matches!(&refused, Err(StoreError::Invalid(OrgError::UnknownTeam { team, .. })) if team == "Nowhere"),
            "{refused:?}"
        );
        assert_eq!(store.teams().await.unwrap().len(), 2, "{}: no team written", db.backend());
        let reps = store.reps(&RepFilter::default(), d("2026-01-01")).await.unwrap();
        assert_eq!(reps.iter().map(|r| r.name.as_str()).collect::<Vec<_>>(), ["Ada", "Bo"], "no rep changed");
        assert_eq!(store.audit_log(&AuditFilter::default()).await.unwrap().len(), audit, "nothing audited");
    }
}

#[tokio::test]
async fn organisation_settings_round_trip() {
    for db in TestDb::all().await {
        let store = &db.store;
        assert_eq!(store.organisation().await.unwrap(), None, "{}", db.backend());
        let org = Organisation {
            name: "Acme".into(),
            calendar: FiscalCalendar::Monthly { start_month: 2, naming: YearNaming::EndYear },
            // Stages with kinds and aliases survive the settings' JSON.
            pipeline_stages: Organisation::default().pipeline_stages.with_alias("Closed Won", "closedwon").unwrap(),
            time_zone: "Europe/Zurich".parse().unwrap(),
            digest: pacer_core::digest::DigestSchedule::parse("fri", 16).unwrap(),
            ..Organisation::default()
        };
        store.save_organisation(&org, &admin()).await.unwrap();
        assert_eq!(store.organisation().await.unwrap(), Some(org.clone()));
        let renamed = Organisation { name: "Acme Corp".into(), ..org };
        store.save_organisation(&renamed, &admin()).await.unwrap();
        assert_eq!(store.organisation().await.unwrap().unwrap().name, "Acme Corp");
        store.health().await.unwrap();
    }
}

#[tokio::test]
async fn teams_form_a_tree_without_cycles() {
    for db in TestDb::all().await {
        let store = &db.store;
        let sales = store.create_team(&NewTeam { name: "Sales".into(), ..NewTeam::default() }, &admin()).await.unwrap();
        let east = store
            .create_team(
                &NewTeam {
                    name: "East".into(),
                    region: Some("EMEA".into()),
                    parent_id: Some(sales.id),
                    manager_id: None,
                },
                &admin(),
            )
            .await
            .unwrap();
        assert_eq!(east.parent_id, Some(sales.id));
        assert!(east.active);

        let cycle = store
            .update_team(sales.id, &TeamUpdate { parent_id: Some(Some(east.id)), ..TeamUpdate::default() }, &admin())
            .await;
        assert!(matches!(cycle, Err(StoreError::Invalid(_))), "{}: {cycle:?}", db.backend());
        assert_eq!(store.team(sales.id).await.unwrap().parent_id, None, "nothing changed");

        let dup = store.create_team(&NewTeam { name: "East".into(), ..NewTeam::default() }, &admin()).await;
        assert!(matches!(dup, Err(StoreError::Conflict(_))), "{dup:?}");
        let orphan = store
            .create_team(&NewTeam { name: "X".into(), parent_id: Some(999), ..NewTeam::default() }, &admin())
            .await;
        assert!(matches!(orphan, Err(StoreError::NotFound { .. })), "{orphan:?}");

        let renamed = store
            .update_team(east.id, &TeamUpdate { name: Some("East 1".into()), ..TeamUpdate::default() }, &admin())
            .await
            .unwrap();
        assert_eq!(renamed.name, "East 1");
        let gone = store.deactivate_team(east.id, &admin()).await.unwrap();
        assert!(!gone.active);
        assert_eq!(store.teams().await.unwrap().len(), 2);

        let log =
            store.audit_log(&AuditFilter { entity: Some("team".into()), ..AuditFilter::default() }).await.unwrap();
        let actions: Vec<_> = log.iter().map(|e| e.action.as_str()).collect();
        assert_eq!(actions, ["team.deactivate", "team.update", "team.create", "team.create"], "{}", db.backend());
        assert!(log[1].before.as_deref().unwrap().contains("\"East\""));
        assert!(log[1].after.as_deref().unwrap().contains("\"East 1\""));
    }
}

#[tokio::test]
async fn memberships_keep_history_with_the_team_at_the_time() {
    for db in TestDb::all().await {
        let store = &db.store;
        let a = store.create_team(&NewTeam { name: "A".into(), ..NewTeam::default() }, &admin()).await.unwrap();
        let b = store.create_team(&NewTeam { name: "B".into(), ..NewTeam::default() }, &admin()).await.unwrap();
        let ann = store.create_rep(&rep("Ann", Some(a.id), "2024-01-15"), &admin()).await.unwrap();
        let moved = store
            .move_rep(ann.id, b.id, d("2024-07-01"), &Actor::named("ops").because(Some("reorg".into())))
            .await
            .unwrap();
        assert_eq!(moved.team_id, Some(b.id));
        assert_eq!(store.rep(ann.id, d("2024-06-30")).await.unwrap().team_id, Some(a.id));
        assert_eq!(store.rep(ann.id, d("2024-07-01")).await.unwrap().team_id, Some(b.id));
        let ms = store.memberships(ann.id).await.unwrap();
        assert_eq!(ms.len(), 2);
        assert_eq!(ms[0].valid_to, Some(d("2024-07-01")));

        let back_in_time = store.move_rep(ann.id, a.id, d("2024-03-01"), &admin()).await;
        assert!(matches!(back_in_time, Err(StoreError::Conflict(_))), "{back_in_time:?}");

        let in_a = store.reps(&RepFilter { teams: Some(vec![a.id]), active_on: None }, d("2024-05-01")).await.unwrap();
        assert_eq!(in_a.len(), 1);
        let in_a_later =
            store.reps(&RepFilter { teams: Some(vec![a.id]), active_on: None }, d("2024-08-01")).await.unwrap();
        assert!(in_a_later.is_empty());

        // A rep who leaves keeps their record and history.
        let left = store
            .update_rep(
                ann.id,
                &RepUpdate { leave_date: Some(Some(d("2025-01-01"))), ..RepUpdate::default() },
                &admin(),
            )
            .await
            .unwrap();
        assert_eq!(left.leave_date, Some(d("2025-01-01")));
        let active =
            store.reps(&RepFilter { teams: None, active_on: Some(d("2025-02-01")) }, d("2025-02-01")).await.unwrap();
        assert!(active.is_empty());
        assert_eq!(store.rep(ann.id, d("2025-02-01")).await.unwrap().team_id, Some(b.id));

        let bad = store
            .update_rep(
                ann.id,
                &RepUpdate { leave_date: Some(Some(d("2020-01-01"))), ..RepUpdate::default() },
                &admin(),
            )
            .await;
        assert!(matches!(bad, Err(StoreError::Invalid(_))), "{bad:?}");
        let log = store.audit_log(&AuditFilter { entity: Some("rep".into()), ..AuditFilter::default() }).await.unwrap();
        assert_eq!(log.iter().find(|e| e.action == "rep.move").unwrap().reason.as_deref(), Some("reorg"));
    }
}

#[tokio::test]
async fn users_sessions_throttling_and_tokens() {
    for db in TestDb::all().await {
        let store = &db.store;
        let new = user("Ann", None);
        let ann = store.create_user(&new, &admin()).await.unwrap();
        assert_eq!(ann.username, "ann");
        assert!(matches!(store.create_user(&new, &admin()).await, Err(StoreError::Conflict(_))));
        assert_eq!(store.credentials("ANN").await.unwrap().unwrap().password_hash, "$argon2id$x");
        assert!(store.credentials("nobody").await.unwrap().is_none());

        let session = Session {
            token_hash: "h1".into(),
            user_id: ann.id,
            csrf_token: "c".into(),
            expires_at: 1_000,
            last_seen_at: 10,
        };
        store.create_session(&session).await.unwrap();
        assert_eq!(store.session("h1", 999).await.unwrap().unwrap().1.id, ann.id);
        store.touch_session("h1", 500).await.unwrap();
        assert_eq!(store.session("h1", 999).await.unwrap().unwrap().0.last_seen_at, 500);
        assert!(store.session("h1", 1_000).await.unwrap().is_none(), "expired");
        store
            .update_user(ann.id, &UserUpdate { active: Some(false), ..UserUpdate::default() }, &admin())
            .await
            .unwrap();
        assert!(store.session("h1", 999).await.unwrap().is_none(), "deactivation ends sessions");

        let keys = vec!["user:ann".to_string(), "addr:1.2.3.4".to_string()];
        store.record_login_failure(&keys, 100, 0).await.unwrap();
        store.record_login_failure(&keys, 200, 0).await.unwrap();
        assert_eq!(store.login_failures("user:ann", 150).await.unwrap(), LoginFailures { count: 1, last_at: 200 });
        assert_eq!(store.login_failures("addr:1.2.3.4", 0).await.unwrap(), LoginFailures { count: 2, last_at: 200 });
        store.record_login_failure(&keys[1..], 300, 150).await.unwrap();
        assert_eq!(store.login_failures("addr:1.2.3.4", 0).await.unwrap().count, 2, "the one at 100 is forgotten");
        store.clear_login_failures("user:ann").await.unwrap();
        assert_eq!(store.login_failures("user:ann", 0).await.unwrap(), LoginFailures::default());

        let token = store.create_token("crm", Scope::Ingest, "th", &admin()).await.unwrap();
        assert_eq!(store.token_by_hash("th").await.unwrap().unwrap().scope, Scope::Ingest);
        store.revoke_token(token.id, &admin()).await.unwrap();
        assert!(store.token_by_hash("th").await.unwrap().is_none());
        assert!(store.tokens().await.unwrap()[0].revoked_at.is_some());
        let ops_token = store.create_token("ops-bot", Scope::Admin, "th-admin", &admin()).await.unwrap();
        assert_eq!(ops_token.scope, Scope::Admin);
        assert_eq!(store.token_by_hash("th-admin").await.unwrap().unwrap().scope, Scope::Admin);

        store.set_password(ann.id, "$argon2id$y", &admin()).await.unwrap();
        let log = store
            .audit_log(&AuditFilter { actor: Some("ops".into()), limit: Some(3), ..AuditFilter::default() })
            .await
            .unwrap();
        assert_eq!(log.len(), 3);
        assert_eq!(log[0].action, "user.password");
        assert!(log.iter().all(|e| !e.after.as_deref().unwrap_or("").contains("argon2")), "hashes stay out of the log");
    }
}

/// A person's language is kept, read back with their session, and cleared again.
#[tokio::test]
async fn a_person_s_language_is_kept() {
    use pacer_core::language::Language;
    for db in TestDb::all().await {
        let store = &db.store;
        let ann = store.create_user(&user("ann", None), &admin()).await.unwrap();
        assert_eq!(ann.language, None);
        let french = UserUpdate { language: Some(Some(Language::French)), ..UserUpdate::default() };
        assert_eq!(store.update_user(ann.id, &french, &admin()).await.unwrap().language, Some(Language::French));
        assert_eq!(store.user(ann.id).await.unwrap().language, Some(Language::French), "{}", db.backend());
        let session = pacer_storage::Session {
            token_hash: "hash-ann".into(),
            user_id: ann.id,
            csrf_token: "csrf".into(),
            expires_at: 9_000_000_000,
            last_seen_at: 1,
        };
        store.create_session(&session).await.unwrap();
        let (_, with_session) = store.session("hash-ann", 2).await.unwrap().unwrap();
        assert_eq!(with_session.language, Some(Language::French), "{}", db.backend());
        let cleared = UserUpdate { language: Some(None), ..UserUpdate::default() };
        assert_eq!(store.update_user(ann.id, &cleared, &admin()).await.unwrap().language, None);
    }
}

/// A person's e-mail and digest choice are kept; a week's digest is claimed once, by one sender,
/// confirmed when sent, released when not; a claim whose sender stopped is taken over later.
#[tokio::test]
async fn digest_deliveries_are_claimed_once() {
    for db in TestDb::all().await {
        let store = &db.store;
        let new = NewUser { email: Some(" ann@acme.example ".into()), ..user("ann", None) };
        let ann = store.create_user(&new, &admin()).await.unwrap();
        assert_eq!((ann.email.as_deref(), ann.digest), (Some("ann@acme.example"), true));
        let bad = NewUser { email: Some("ann at acme".into()), ..user("bo", None) };
        assert!(matches!(store.create_user(&bad, &admin()).await, Err(StoreError::Refused(_))));
        let opt_out = UserUpdate { digest: Some(false), email: Some(None), ..UserUpdate::default() };
        let changed = store.update_user(ann.id, &opt_out, &admin()).await.unwrap();
        assert_eq!((changed.email, changed.digest), (None, false));
        assert!(!store.user(ann.id).await.unwrap().digest, "{}", db.backend());

        let week = "2026-W49";
        assert!(store.claim_digest(week, ann.id, "ann@acme.example", 1_000, 0).await.unwrap());
        assert!(!store.claim_digest(week, ann.id, "ann@acme.example", 1_001, 0).await.unwrap(), "claimed already");
        store.release_digest(week, ann.id).await.unwrap();
        assert!(store.digest_deliveries(week).await.unwrap().is_empty(), "a failed send leaves no record");
        assert!(store.claim_digest(week, ann.id, "ann@acme.example", 1_002, 0).await.unwrap());
        store.confirm_digest(week, ann.id, 1_003).await.unwrap();
        store.release_digest(week, ann.id).await.unwrap();
        let sent = store.digest_deliveries(week).await.unwrap();
        assert_eq!(sent.len(), 1);
        assert_eq!((sent[0].claimed_at, sent[0].sent_at), (1_002, Some(1_003)), "a sent digest stays sent");
        assert!(!store.claim_digest(week, ann.id, "ann@acme.example", 9_999, 9_000).await.unwrap(), "never twice");

        // A claim never confirmed is taken over once it is stale, and only then.
        assert!(store.claim_digest("2026-W50", ann.id, "a@acme.example", 100, 0).await.unwrap());
        assert!(!store.claim_digest("2026-W50", ann.id, "a@acme.example", 150, 50).await.unwrap());
        assert!(store.claim_digest("2026-W50", ann.id, "a@acme.example", 5_000, 4_000).await.unwrap());
        assert!(store.digest_deliveries("2026-W51").await.unwrap().is_empty());
    }
}

#[tokio::test]
async fn raw_records_bulk_insert() {
    for db in TestDb::all().await {
        let store = &db.store;
        let team = store.create_team(&NewTeam { name: "A".into(), ..NewTeam::default() }, &admin()).await.unwrap();
        let ann = store.create_rep(&rep("Ann", Some(team.id), "2024-01-01"), &admin()).await.unwrap();
        store
            .insert_accounts(&[NewAccount { id: 7, name: "Globex".into(), owner_id: Some(ann.id), segment: None }])
            .await
            .unwrap();
        let at: NaiveDateTime = "2024-03-01T10:00:00".parse().unwrap();
        let activities: Vec<_> = (0..1_234)
            .map(|i| NewActivity {
                rep_id: ann.id,
                activity_type: "call".into(),
                occurred_at: at,
                duration_s: Some(60),
                account_id: Some(7),
                source: SourceKind::Demo,
                external_id: Some(format!("a{i}")),
                fields: Default::default(),
                entered_by: Some("ops".into()),
            })
            .collect();
        store.insert_activities(&activities).await.unwrap();
        // The (source, external id) pair is unique, and a failed batch writes nothing.
        assert!(store.insert_activities(&activities[..2]).await.is_err());
        store
            .insert_deals(&[NewDeal {
                rep_id: ann.id,
                account_id: 7,
                kind: DealKind::New,
                status: DealStatus::Won,
                stage: "Closed Won".into(),
                amount_minor: 1_200_000,
                currency: None,
                created_on: d("2024-02-01"),
                close_date: Some(d("2024-03-01")),
                source: SourceKind::Demo,
                external_id: None,
                entered_by: None,
            }])
            .await
            .unwrap();
        store
            .insert_subscriptions(&[SubscriptionMonth { account_id: 7, month: d("2024-03-01"), mrr_minor: 100_000 }])
            .await
            .unwrap();
        let counts = store.record_counts().await.unwrap();
        assert_eq!(
            (counts.teams, counts.reps, counts.accounts, counts.activities, counts.deals, counts.subscription_months),
            (1, 1, 1, 1_234, 1, 1),
            "{}",
            db.backend()
        );
    }
}

/// Activities read back by day span and type, their spans and their counts per rep by source.
#[tokio::test]
async fn activities_are_read_by_span_type_and_source() {
    for db in TestDb::all().await {
        let (store, backend) = (&db.store, db.backend());
        let team = store.create_team(&NewTeam { name: "A".into(), ..NewTeam::default() }, &admin()).await.unwrap();
        let ann = store.create_rep(&rep("Ann", Some(team.id), "2024-01-01"), &admin()).await.unwrap();
        let bob = store.create_rep(&rep("Bob", Some(team.id), "2024-01-01"), &admin()).await.unwrap();
        let activity = |rep_id: i64, kind: &str, at: &str, source: SourceKind, outcome: Option<&str>| NewActivity {
            rep_id,
            activity_type: kind.into(),
            occurred_at: at.parse().unwrap(),
            duration_s: None,
            account_id: None,
            source,
            external_id: None,
            fields: outcome
                .map(|o| [("outcome".to_owned(), pacer_core::records::FieldValue::Text(o.into()))].into())
                .unwrap_or_default(),
            entered_by: None,
        };
        store
            .insert_activities(&[
                activity(ann.id, "call", "2024-03-01T09:00:00", SourceKind::Manual, None),
                activity(ann.id, "email", "2024-03-02T09:00:00", SourceKind::Manual, None),
                activity(bob.id, "call", "2024-03-03T23:59:59", SourceKind::Integration, Some("connected")),
                activity(bob.id, "meeting", "2024-03-04T00:00:00", SourceKind::Manual, None),
                activity(ann.id, "call", "2024-03-05T12:00:00", SourceKind::Integration, Some("no_answer")),
            ])
            .await
            .unwrap();
        let between = |types| store.activities_between(d("2024-03-02"), d("2024-03-04"), types);
        let kinds = |got: Vec<pacer_core::records::ActivityRecord>| {
            got.into_iter().map(|a| a.activity_type).collect::<Vec<_>>()
        };
        // Whole days, in time order; types filtered; no type at all matches nothing.
        assert_eq!(kinds(between(None).await.unwrap()), ["email", "call", "meeting"], "{backend}");
        let some = ["call".to_owned(), "meeting".to_owned()];
        assert_eq!(kinds(between(Some(&some)).await.unwrap()), ["call", "meeting"], "{backend}");
        assert!(between(Some(&[])).await.unwrap().is_empty(), "{backend}");
        // All of time, to the last day a date of four digits has.
        let all = store.activities_between(d("0001-01-01"), d("9999-12-31"), None).await.unwrap();
        assert_eq!(all.len(), 5, "{backend}");
        let calls = ["call".to_owned()];
        let span = |with_field| store.data_span(pacer_storage::DataInput::Activities { types: &calls, with_field });
        assert_eq!(span(None).await.unwrap(), Some((d("2024-03-01"), d("2024-03-05"))), "{backend}");
        assert_eq!(span(Some("outcome")).await.unwrap(), Some((d("2024-03-03"), d("2024-03-05"))), "{backend}");
        let nothing: [String; 0] = [];
        let none = pacer_storage::DataInput::Activities { types: &nothing, with_field: None };
        assert_eq!(store.data_span(none).await.unwrap(), None, "{backend}");
        // Logged by hand per rep: Bob's call came from the integration.
        let manual = store.activity_counts(d("2024-03-01"), d("2024-03-04"), SourceKind::Manual).await.unwrap();
        assert_eq!(manual, [(ann.id, 2), (bob.id, 1)], "{backend}");
        let integrated =
            store.activity_counts(d("2024-03-04"), d("2024-03-31"), SourceKind::Integration).await.unwrap();
        assert_eq!(integrated, [(ann.id, 1)], "{backend}");
    }
}

/// Open deals by stage, whatever their close date: what the stage settings are checked against.
#[tokio::test]
async fn open_deals_are_totalled_by_stage() {
    for db in TestDb::all().await {
        let store = &db.store;
        let ann = store.create_rep(&rep("Ann", None, "2024-01-01"), &admin()).await.unwrap();
        store
            .insert_accounts(&[NewAccount { id: 7, name: "Globex".into(), owner_id: Some(ann.id), segment: None }])
            .await
            .unwrap();
        assert_eq!(store.open_deal_stages().await.unwrap(), [], "{}", db.backend());
        let deal = |status, stage: &str, amount_minor, close: &str| NewDeal {
            rep_id: ann.id,
            account_id: 7,
            kind: DealKind::New,
            status,
            stage: stage.into(),
            amount_minor,
            created_on: d("2024-02-01"),
            close_date: Some(d(close)),
            source: SourceKind::Demo,
            external_id: None,
            entered_by: None,
            currency: None,
        };
        store
            .insert_deals(&[
                deal(DealStatus::Open, "Contract Sent", 4_000_000_000_000, "2024-03-01"),
                deal(DealStatus::Open, "Contract Sent", 4_000_000_000_000, "2031-12-31"),
                deal(DealStatus::Open, "Discovery", 50, "2020-01-01"),
                deal(DealStatus::Won, "Closed Won", 1_200_000, "2024-03-01"),
                deal(DealStatus::Lost, "Contract Sent", 7, "2024-03-01"),
            ])
            .await
            .unwrap();
        let total = |stage: &str, deals, amount_minor| StageTotal { stage: stage.into(), deals, amount_minor };
        assert_eq!(
            store.open_deal_stages().await.unwrap(),
            [total("Contract Sent", 2, 8_000_000_000_000), total("Discovery", 1, 50)],
            "{}",
            db.backend()
        );
    }
}

/// An open deal without a close date round-trips as one on both databases, through every write
/// path: listed with the deals of any window, in no day's rollup; a won or lost one is refused.
#[tokio::test]
async fn open_deals_may_have_no_close_date() {
    for db in TestDb::all().await {
        let store = &db.store;
        let ann = store.create_rep(&rep("Ann", None, "2024-01-01"), &admin()).await.unwrap();
        store
            .insert_accounts(&[NewAccount { id: 7, name: "Globex".into(), owner_id: Some(ann.id), segment: None }])
            .await
            .unwrap();
        let deal = |id: &str, status, close_date: Option<&str>| NewDeal {
            rep_id: ann.id,
            account_id: 7,
            kind: DealKind::New,
            status,
            stage: "Negotiation".into(),
            amount_minor: 50_000,
            created_on: d("2024-02-01"),
            close_date: close_date.map(d),
            source: SourceKind::Import,
            external_id: Some(id.into()),
            entered_by: None,
            currency: None,
        };
        let undated = [deal("a", DealStatus::Open, None)];
        store.insert_deals(&undated).await.unwrap();
        assert_eq!(store.upsert_deals(&[deal("b", DealStatus::Open, None)], &admin()).await.unwrap().new, 1);
        let mut import = store.begin_import(&admin(), "deals.csv").await.unwrap();
        assert_eq!(import.deals(&[deal("c", DealStatus::Open, None)]).await.unwrap().new, 1);
        // Imported again, nothing changes: NULL equals NULL for the comparison.
        assert_eq!(import.deals(&undated).await.unwrap().unchanged, 1);
        import.commit().await.unwrap();
        assert_eq!(store.upsert_deals(&undated, &admin()).await.unwrap().unchanged, 1, "{}", db.backend());

        // Listed with the deals of any window, after the dated ones.
        store.upsert_deals(&[deal("d", DealStatus::Won, Some("2024-03-01"))], &admin()).await.unwrap();
        let listed = store.deals_between(d("2030-01-01"), d("2030-12-31")).await.unwrap();
        let closes: Vec<_> = listed.iter().map(|r| r.close_date).collect();
        assert_eq!(closes, [None, None, None], "{}", db.backend());
        let listed = store.deals_between(d("2024-01-01"), d("2024-12-31")).await.unwrap();
        let closes: Vec<_> = listed.iter().map(|r| r.close_date).collect();
        assert_eq!(closes, [Some(d("2024-03-01")), None, None, None], "{}", db.backend());
        // In no day's rollup: only the won deal is there, before and after a rebuild.
        let (_, deal_days) = pacer_storage::testing::rollup_rows(store).await;
        assert_eq!(deal_days.len(), 1, "{}: {deal_days:?}", db.backend());
        store.rebuild_rollups().await.unwrap();
        assert_eq!(pacer_storage::testing::rollup_rows(store).await.1, deal_days, "{}", db.backend());
        // Dated later, and undated again: the rollups follow.
        store.upsert_deals(&[deal("a", DealStatus::Open, Some("2024-05-01"))], &admin()).await.unwrap();
        assert_eq!(pacer_storage::testing::rollup_rows(store).await.1.len(), 2, "{}", db.backend());
        store.upsert_deals(&undated, &admin()).await.unwrap();
        assert_eq!(pacer_storage::testing::rollup_rows(store).await.1, deal_days, "{}", db.backend());
        assert_eq!(store.delete_deals(SourceKind::Import, &["a".into()], &admin()).await.unwrap(), 1);

        // A won or lost deal needs its close date, whichever way it comes.
        for status in [DealStatus::Won, DealStatus::Lost] {
            let closed = [deal("e", status, None)];
            let told = format!("a {status} deal needs its close date: only an open deal may leave it empty");
            let refused = [
                store.insert_deals(&closed).await.err(),
                store.upsert_deals(&closed, &admin()).await.err(),
                store.begin_import(&admin(), "deals.csv").await.unwrap().deals(&closed).await.err(),
            ];
            for e in refused {
                assert!(matches!(&e, Some(StoreError::Refused(m)) if *m == told), "{}: {e:?}", db.backend());
            }
        }
        assert_eq!(store.record_counts().await.unwrap().deals, 3, "{}", db.backend());
    }
}

/// A unique value taken again is a conflict told in the product's words, naming the value that
/// clashed: the database's own text would reach clients in the body of a 409.
#[tokio::test]
async fn taken_values_are_conflicts_in_the_products_words() {
    for db in TestDb::all().await {
        let store = &db.store;
        let team = |name: &str| NewTeam { name: name.into(), ..NewTeam::default() };
        store.create_team(&team("East"), &admin()).await.unwrap();
        let west = store.create_team(&team("West"), &admin()).await.unwrap();
        let renamed = TeamUpdate { name: Some("East".into()), ..TeamUpdate::default() };
        let with_email = NewRep { email: Some("ann@example.com".into()), ..rep("Ann", None, "2024-01-01") };
        store.create_rep(&with_email, &admin()).await.unwrap();
        let ann = user("ann", None);
        store.create_user(&ann, &admin()).await.unwrap();
        let account = NewAccount { id: 7, name: "Globex".into(), owner_id: None, segment: None };
        store.insert_accounts(std::slice::from_ref(&account)).await.unwrap();

        let refusals = [
            (store.create_team(&team("East"), &admin()).await.err(), "the team name \"East\" is taken"),
            (store.update_team(west.id, &renamed, &admin()).await.err(), "the team name \"East\" is taken"),
            (
                store.create_rep(&NewRep { name: "Bo".into(), ..with_email.clone() }, &admin()).await.err(),
                "the rep email \"ann@example.com\" is taken",
            ),
            (store.create_user(&ann, &admin()).await.err(), "the user name \"ann\" is taken"),
            (store.insert_accounts(&[account]).await.err(), "an account with the same id already exists"),
        ];
        for (refused, told) in refusals {
            match refused {
                Some(StoreError::Conflict(message)) => {
                    assert_eq!(message, told, "{}", db.backend());
                    for database_words in
                        ["UNIQUE constraint", "duplicate key value", "violates", "_key", "teams.", "SQL"]
                    {
                        assert!(!message.contains(database_words), "{}: {message}", db.backend());
                    }
                }
                other => panic!("{}: {told}: {other:?}", db.backend()),
            }
        }
        assert_eq!(store.team(west.id).await.unwrap().name, "West", "a refused rename changes nothing");
    }
}

/// A reference to a missing record is refused as such, and a value the schema refuses is a
/// conflict, neither in the database's words.
#[tokio::test]
async fn broken_references_and_checks_are_refused_without_the_databases_words() {
    for db in TestDb::all().await {
        let store = &db.store;
        let bo = user("Bo", Some(999));
        let negative = SubscriptionMonth { account_id: 1, month: d("2026-01-01"), mrr_minor: -5 };
        let missing = store.create_user(&bo, &admin()).await.err();
        assert!(
            matches!(&missing, Some(StoreError::Refused(m)) if m == "refers to a record that does not exist"),
            "{}: {missing:?}",
            db.backend()
        );
        let refused = store.insert_subscriptions(&[negative]).await.err();
        assert!(
            matches!(&refused, Some(StoreError::Conflict(m)) if m == "a value is not allowed"),
            "{}: {refused:?}",
            db.backend()
        );
    }
}
