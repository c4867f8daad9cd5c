//! Backups and restores on SQLite and PostgreSQL: a backup of a store that holds every kind of
//! row restores into an empty database of either kind with the same content, and the copy of
//! that is the same again (SQLite -> PostgreSQL -> SQLite included); a restore into a database
//! with data, or of a file that is no Pacer backup, is refused and changes nothing; a backup
//! never replaces a file unless told to, never the database itself.

use chrono::{NaiveDate, NaiveDateTime};
use pacer_core::access::{Role, Scope};
use pacer_core::audit::Actor;
use pacer_core::churn::ChurnTag;
use pacer_core::org::{NewRep, NewTeam, Organisation, RepUpdate, TeamUpdate};
use pacer_core::plan::{NewPlan, PlanSettings, PlanStatus, Target, TargetOwner, TargetTier};
use pacer_core::records::{
    DealKind, DealStatus, FieldValue, NewAccount, NewActivity, NewDeal, SourceKind, SubscriptionMonth,
};
use pacer_core::review::{NewNote, NoteSubject};
use pacer_storage::testing::{TestDb, backup_contents};
use pacer_storage::{
    AccessStore, BackupError, BackupFile, CatalogStore, CopyProgress, DigestStore, FxStore, NewUser, OrgStore,
    PlanStore, RecordStore, ReviewStore, Session, SqlStore, StoreError, TableRows, UserUpdate,
};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};

fn d(s: &str) -> NaiveDate {
    s.parse().unwrap()
}

fn at(s: &str) -> NaiveDateTime {
    s.parse().unwrap()
}

fn ops() -> Actor {
    Actor::named("ops").because(Some("setting up".into()))
}

fn quiet(_: CopyProgress) {}

/// A file in the temporary directory, removed (with what SQLite keeps beside it) when dropped.
struct TempFile(PathBuf);

impl TempFile {
    fn new(name: &str) -> Self {
        static COUNTER: AtomicU64 = AtomicU64::new(0);
        let n = COUNTER.fetch_add(1, Ordering::Relaxed);
        let file = Self(std::env::temp_dir().join(format!("pacer-backup-{}-{n}-{name}", std::process::id())));
        file.remove();
        file
    }

    fn path(&self) -> &Path {
        &self.0
    }

    fn remove(&self) {
        for suffix in ["", "-journal", "-wal", "-shm", ".partial"] {
            let mut p = self.0.clone().into_os_string();
            p.push(suffix);
            let _ = std::fs::remove_file(p);
        }
    }
}

impl Drop for TempFile {
    fn drop(&mut self) {
        self.remove();
    }
}

fn rep(name: &str, team: Option<i64>, hire: &str, external_id: &str) -> NewRep {
    NewRep {
        name: name.into(),
        email: Some(format!("{}@acme.example", name.to_lowercase())),
        title: None,
        team_id: team,
        hire_date: d(hire),
        leave_date: None,
        external_id: Some(external_id.into()),
    }
}

fn activity(rep_id: i64, kind: &str, when: &str, key: Option<&str>) -> NewActivity {
    NewActivity {
        rep_id,
        activity_type: kind.into(),
        occurred_at: at(when),
        duration_s: key.map(|_| 300),
        account_id: key.map(|_| 10),
        source: if key.is_some() { SourceKind::Import } else { SourceKind::Manual },
        external_id: key.map(String::from),
        fields: [("outcome".to_string(), FieldValue::Text("connected \"yes\"".into()))].into(),
        entered_by: Some("cli".into()),
    }
}

/// Every kind of row Pacer keeps, with NULLs, flags both ways and references that point forward
/// (a team whose parent was created after it).
async fn populate(store: &SqlStore) {
    let ops = ops();
    let org = Organisation { name: "Acme".into(), ..Organisation::default() };
    store.save_organisation(&org, &ops).await.unwrap();
    let team = |name: &str, parent: Option<i64>| NewTeam {
        name: name.into(),
        region: parent.map(|_| "EMEA".to_string()),
        parent_id: parent,
        manager_id: None,
    };
    let sales = store.create_team(&team("Sales", None), &ops).await.unwrap().id;
    let east = store.create_team(&team("Sales East", Some(sales)), &ops).await.unwrap().id;
    let company = store.create_team(&team("Company", None), &ops).await.unwrap().id;
    let parent = TeamUpdate { parent_id: Some(Some(company)), ..TeamUpdate::default() };
    store.update_team(sales, &parent, &ops).await.unwrap();
    let old = store.create_team(&team("Old", None), &ops).await.unwrap().id;
    store.deactivate_team(old, &ops).await.unwrap();

    let ann = store.create_rep(&rep("Ann", Some(east), "2024-01-08", "r1"), &ops).await.unwrap().id;
    let bo = store.create_rep(&rep("Bo", Some(sales), "2024-03-04", "r2"), &ops).await.unwrap().id;
    store.move_rep(ann, sales, d("2025-02-01"), &ops).await.unwrap();
    let leaves = RepUpdate { leave_date: Some(Some(d("2026-01-31"))), ..RepUpdate::default() };
    store.update_rep(bo, &leaves, &ops).await.unwrap();
    let manager = TeamUpdate { manager_id: Some(Some(ann)), ..TeamUpdate::default() };
    store.update_team(east, &manager, &ops).await.unwrap();

    let accounts = [
        NewAccount { id: 10, name: "Globex".into(), owner_id: Some(ann), segment: Some("SMB".into()) },
        NewAccount { id: 11, name: "Initech".into(), owner_id: None, segment: None },
    ];
    store.insert_accounts(&accounts).await.unwrap();
    let activities = [
        activity(ann, "call", "2025-03-03T09:15:00", Some("a1")),
        activity(ann, "call", "2025-03-03T11:00:00", None),
        activity(bo, "demo", "2025-04-10T14:30:00", Some("a2")),
    ];
    store.insert_activities(&activities).await.unwrap();
    store
        .upsert_activities(&[activity(bo, "email", "2025-05-02T08:00:00", Some("a3"))], &Actor::named("test"))
        .await
        .unwrap();
    let deal = |rep_id, status, amount_minor, close: &str, key: &str| NewDeal {
        rep_id,
        account_id: 10,
        kind: DealKind::New,
        status,
        stage: "proposal".into(),
        amount_minor,
        currency: None,
        created_on: d("2025-01-15"),
        close_date: Some(d(close)),
        source: SourceKind::Integration,
        external_id: Some(key.into()),
        entered_by: None,
    };
    store.insert_deals(&[deal(ann, DealStatus::Won, 1_250_000, "2025-03-31", "d1")]).await.unwrap();
    store
        .upsert_deals(&[deal(bo, DealStatus::Open, 990_000, "2025-06-30", "d2")], &Actor::named("test"))
        .await
        .unwrap();
    let months = [("2025-02-01", 50_000), ("2025-03-01", 50_000), ("2025-04-01", 0)];
    let months: Vec<SubscriptionMonth> =
        months.iter().map(|(m, mrr)| SubscriptionMonth { account_id: 10, month: d(m), mrr_minor: *mrr }).collect();
    store.insert_subscriptions(&months).await.unwrap();
    let tag =
        ChurnTag { account_id: 10, month: d("2025-04-01"), reason: "price".into(), note: Some("too dear".into()) };
    store.tag_churn(&[tag], &ops).await.unwrap();
    let chf = pacer_core::money::fx::FxRate {
        currency: pacer_core::money::Currency::parse("CHF").unwrap(),
        month: "2025-01".parse().unwrap(),
        rate: "1.1".parse().unwrap(),
    };
    store.set_fx_rates(&[chf], &ops).await.unwrap();

    let user = |name: &str, role, rep_id| NewUser {
        username: name.into(),
        display_name: format!("{name} (display)"),
        role,
        rep_id,
        email: None,
        password_hash: "$argon2id$x".into(),
    };
    let admin = store.create_user(&user("admin", Role::Admin, None), &ops).await.unwrap();
    let former = store.create_user(&user("bo", Role::Rep, Some(bo)), &ops).await.unwrap();
    store.update_user(former.id, &UserUpdate { active: Some(false), ..UserUpdate::default() }, &ops).await.unwrap();
    let session = Session {
        token_hash: "s1".into(),
        user_id: admin.id,
        csrf_token: "c1".into(),
        expires_at: 4_000,
        last_seen_at: 3_000,
    };
    store.create_session(&session).await.unwrap();
    store.claim_digest("2026-W05", admin.id, "ops@acme.example", 3_000, 0).await.unwrap();
    store.confirm_digest("2026-W05", admin.id, 3_001).await.unwrap();
    store.record_login_failure(&["user:bo".to_string(), "addr:10.0.0.1".to_string()], 100, 0).await.unwrap();
    store.create_token("crm", Scope::Ingest, "t1", &ops).await.unwrap();
    let revoked = store.create_token("old", Scope::Read, "t2", &ops).await.unwrap();
    store.revoke_token(revoked.id, &ops).await.unwrap();
    store.apply_catalog("[kpis.calls_made]\nname = \"Calls\"\n", &["+ calls_made".into()], &ops).await.unwrap();

    let new_plan =
        NewPlan { fiscal_year: 2026, name: "Base".into(), settings: PlanSettings::default(), copied_from: None };
    let base = store.create_plan(&new_plan, &ops).await.unwrap().id;
    let targets = [
        Target {
            kpi: "calls_made".into(),
            owner: TargetOwner::Company,
            month: 1,
            tier: TargetTier::Target,
            amount: 100,
        },
        Target {
            kpi: "calls_made".into(),
            owner: TargetOwner::Team(east),
            month: 2,
            tier: TargetTier::Stretch,
            amount: 60,
        },
        Target {
            kpi: "calls_made".into(),
            owner: TargetOwner::Rep(ann),
            month: 2,
            tier: TargetTier::Target,
            amount: 40,
        },
    ];
    store.put_targets(base, "calls_made", &targets, &ops).await.unwrap();
    store.set_plan_status(base, PlanStatus::Approved, &ops).await.unwrap();
    store.copy_plan(base, Some("Stretch"), &ops).await.unwrap();
    let review = store.open_review("FY2026-Q1", 2026, base, &ops).await.unwrap().id;
    store.add_note(review, &NewNote { subject: NoteSubject::Review, text: "a slow start".into() }, &ops).await.unwrap();
    let about_ann = NewNote { subject: NoteSubject::Rep(ann), text: "on leave in March".into() };
    store.add_note(review, &about_ann, &ops).await.unwrap();
    store.close_review(review, r#"{ "kpis": [], "note": "dépassé" }"#, &ops).await.unwrap();
}

/// Restores the backup at `file` into `store`, as `ops`.
async fn restore(store: &SqlStore, file: &Path) -> Result<Vec<TableRows>, StoreError> {
    let backup = BackupFile::open(file).await?;
    let restored = store.restore(&backup, &ops(), &quiet).await;
    backup.close().await;
    restored
}

fn rows_of(tables: &[TableRows], table: &str) -> i64 {
    tables.iter().find(|t| t.table == table).map(|t| t.rows).unwrap()
}

/// What a restore adds to what it copies: its own audit entry, and each data version moved past
/// the backup's (the targets here were fresh, at 0).
fn as_restored(mut backup: BTreeMap<&'static str, Vec<Vec<String>>>) -> BTreeMap<&'static str, Vec<Vec<String>>> {
    for version in backup.get_mut("data_versions").unwrap() {
        version[1] = (version[1].parse::<i64>().unwrap() + 1).to_string();
    }
    backup
}

#[tokio::test]
async fn a_backup_restores_into_either_backend_with_the_same_content() {
    for source in TestDb::all().await {
        populate(&source.store).await;
        let first = TempFile::new("first.sqlite");
        let seen = AtomicU64::new(0);
        let progress = |p: CopyProgress| {
            assert!(p.rows <= p.of, "{p:?}");
            seen.store(p.rows, Ordering::Relaxed);
        };
        let tables = source.store.backup(first.path(), false, &progress).await.unwrap();
        let total: i64 = tables.iter().map(|t| t.rows).sum();
        assert_eq!(tables.len(), 25, "every table");
        assert_eq!((rows_of(&tables, "teams"), rows_of(&tables, "activities")), (4, 4), "{}", source.backend());
        assert!(!first.path().with_extension("sqlite.partial").exists());
        // SQLite copies its pages itself; rows are counted from PostgreSQL.
        let counted = if source.backend() == pacer_storage::Backend::Postgres { total as u64 } else { 0 };
        assert_eq!(seen.load(Ordering::Relaxed), counted);
        let backup = backup_contents(first.path()).await;
        assert_eq!(backup["teams"][0], ["1", "\"Sales\"", "NULL", "3", "NULL", "true"], "a parent restored after");
        assert_eq!(backup["teams"][3][5], "false");

        for target in TestDb::all().await {
            let how = format!("{} -> {}", source.backend(), target.backend());
            let restored = restore(&target.store, first.path()).await.unwrap();
            assert_eq!(restored, tables, "{how}");
            let again = TempFile::new("again.sqlite");
            target.store.backup(again.path(), false, &quiet).await.unwrap();
            let mut copy = backup_contents(again.path()).await;
            let entry = copy.get_mut("audit_log").unwrap().pop().unwrap();
            assert_eq!(
                entry[2..6],
                [
                    "\"ops\"".to_string(),
                    "\"restore\"".into(),
                    "\"database\"".into(),
                    format!("{:?}", first.0.display().to_string())
                ]
            );
            assert_eq!(copy, as_restored(backup.clone()), "{how}");
            assert_eq!(target.store.record_counts().await.unwrap(), source.store.record_counts().await.unwrap());

            // New rows take new ids (PostgreSQL's sequences moved past the restored ones) and are audited.
            let team = NewTeam { name: "After".into(), ..NewTeam::default() };
            assert_eq!(target.store.create_team(&team, &ops()).await.unwrap().id, 5, "{how}");
            let user = NewUser {
                username: "new".into(),
                display_name: "New".into(),
                role: Role::Leader,
                rep_id: None,
                email: None,
                password_hash: "$argon2id$y".into(),
            };
            assert_eq!(target.store.create_user(&user, &ops()).await.unwrap().id, 3, "{how}");
            assert_eq!(target.store.plans(None).await.unwrap().len(), 2);
        }
    }
}

#[tokio::test]
async fn a_restore_into_a_database_with_data_is_refused_and_changes_nothing() {
    let source = TestDb::sqlite().await;
    populate(&source.store).await;
    let file = TempFile::new("full.sqlite");
    source.store.backup(file.path(), false, &quiet).await.unwrap();
    for target in TestDb::all().await {
        let team = NewTeam { name: "Sales".into(), ..NewTeam::default() };
        target.store.create_team(&team, &ops()).await.unwrap();
        let before = TempFile::new("before.sqlite");
        target.store.backup(before.path(), false, &quiet).await.unwrap();
        let err = restore(&target.store, file.path()).await.unwrap_err();
        assert!(matches!(err, StoreError::Backup(BackupError::NotEmpty { .. })), "{err:?}");
        let message = err.to_string();
        assert!(
            message.ends_with("is not empty: it holds 1 team, 1 audit-log entry; restore only into an empty database"),
            "{message}"
        );
        assert!(message.starts_with(&format!("database {}", target.backend())), "{message}");
        let after = TempFile::new("after.sqlite");
        target.store.backup(after.path(), false, &quiet).await.unwrap();
        assert_eq!(backup_contents(after.path()).await, backup_contents(before.path()).await, "{}", target.backend());
    }
    // Nor into the database the backup came from.
    let err = restore(&source.store, file.path()).await.unwrap_err().to_string();
    assert!(
        err.contains("it holds 1 organisation, 2 reps, 4 teams, 3 team memberships, 2 accounts, 4 activities"),
        "{err}"
    );
}

#[tokio::test]
async fn files_that_are_not_pacer_backups_are_refused() {
    let source = TestDb::sqlite().await;
    populate(&source.store).await;
    let good = TempFile::new("good.sqlite");
    source.store.backup(good.path(), false, &quiet).await.unwrap();
    let target = TestDb::sqlite().await;
    let refused = |e: StoreError| e.to_string();

    let missing = TempFile::new("missing.sqlite");
    let err = refused(restore(&target.store, missing.path()).await.unwrap_err());
    assert_eq!(err, format!("{} does not exist", missing.path().display()));

    let text = TempFile::new("notes.txt");
    std::fs::write(text.path(), "these are not the rows you are looking for\n".repeat(200)).unwrap();
    let err = refused(restore(&target.store, text.path()).await.unwrap_err());
    assert_eq!(err, format!("{} is not a Pacer backup: it is not an SQLite database", text.path().display()));

    let other = TempFile::new("other.sqlite");
    edit(other.path(), &["CREATE TABLE things (id INTEGER PRIMARY KEY)"]).await;
    let err = refused(restore(&target.store, other.path()).await.unwrap_err());
    assert_eq!(err, format!("{} is not a Pacer backup: it has no schema_migrations table", other.path().display()));

    let newer = TempFile::new("newer.sqlite");
    std::fs::copy(good.path(), newer.path()).unwrap();
    edit(newer.path(), &["INSERT INTO schema_migrations VALUES (99, '0099_future.sql', '2030-01-01')"]).await;
    let err = refused(restore(&target.store, newer.path()).await.unwrap_err());
    // Whatever the latest migration this binary knows, it names it.
    let (newer_than, upgrade) =
        ("is from a newer Pacer (schema 99; this one knows up to ", "): upgrade Pacer to restore it");
    assert!(err.contains(newer_than) && err.ends_with(upgrade), "{err}");

    let foreign = TempFile::new("foreign.sqlite");
    std::fs::copy(good.path(), foreign.path()).unwrap();
    edit(foreign.path(), &["UPDATE schema_migrations SET name = '0003_widgets.sql' WHERE version = 3"]).await;
    let err = refused(restore(&target.store, foreign.path()).await.unwrap_err());
    assert!(
        err.ends_with("is not a Pacer backup: its migration 3 is \"0003_widgets.sql\", not one of Pacer's"),
        "{err}"
    );

    // None of it wrote anything: the good file still restores.
    assert_eq!(target.store.record_counts().await.unwrap().teams, 0);
    restore(&target.store, good.path()).await.unwrap();
    assert_eq!(target.store.record_counts().await.unwrap(), source.store.record_counts().await.unwrap());
}

/// A backup an older Pacer wrote (here: before migration 11) is brought to this schema in a
/// copy; the file itself is left as it was.
#[tokio::test]
async fn a_backup_of_an_older_schema_restores_and_stays_as_it_was() {
    let source = TestDb::sqlite().await;
    populate(&source.store).await;
    let file = TempFile::new("older.sqlite");
    source.store.backup(file.path(), false, &quiet).await.unwrap();
    edit(
        file.path(),
        &[
            "DROP INDEX activities_time",
            "CREATE INDEX activities_rep_time ON activities (rep_id, occurred_at)",
            "DELETE FROM schema_migrations WHERE version = 11",
        ],
    )
    .await;
    let written = std::fs::read(file.path()).unwrap();
    for target in TestDb::all().await {
        restore(&target.store, file.path()).await.unwrap();
        assert_eq!(target.store.record_counts().await.unwrap(), source.store.record_counts().await.unwrap());
    }
    assert!(std::fs::read(file.path()).unwrap() == written, "the backup is only read");
}

#[tokio::test]
async fn a_backup_replaces_a_file_only_when_told_and_never_the_database() {
    let source = TestDb::sqlite().await;
    populate(&source.store).await;
    let file = TempFile::new("kept.sqlite");
    std::fs::write(file.path(), "an older backup").unwrap();
    let err = source.store.backup(file.path(), false, &quiet).await.unwrap_err().to_string();
    assert_eq!(err, format!("{} already exists: choose another file, or replace it (--force)", file.path().display()));
    assert_eq!(std::fs::read_to_string(file.path()).unwrap(), "an older backup");
    source.store.backup(file.path(), true, &quiet).await.unwrap();
    assert_eq!(backup_contents(file.path()).await["teams"].len(), 4);

    let database = source.url.as_str().strip_prefix("sqlite://").unwrap().split('?').next().unwrap().to_string();
    let err = source.store.backup(Path::new(&database), true, &quiet).await.unwrap_err().to_string();
    assert_eq!(err, format!("{database} is the database itself: write the backup to another file"));
    assert_eq!(source.store.record_counts().await.unwrap().teams, 4);
}

/// Runs statements on an SQLite file (created if missing), as a hand edit would.
async fn edit(file: &Path, statements: &[&str]) {
    let url = format!("sqlite://{}?mode=rwc", file.display());
    let pool = sqlx::SqlitePool::connect(&url).await.unwrap();
    for statement in statements {
        sqlx::raw_sql(sqlx::AssertSqlSafe(statement.to_string())).execute(&pool).await.unwrap();
    }
    pool.close().await;
}
