//! `pacer backup` and `pacer restore` through the real executable: a backup of the demo taken
//! while another process writes activities passes SQLite's integrity check and holds one
//! moment's data; restored into PostgreSQL it gives reports byte for byte the same as the
//! backup's; a second restore, or a backup over an existing file, is refused with one line and
//! exit code 2. The PostgreSQL half is skipped with a message when no server answers, unless
//! `PACER_REQUIRE_POSTGRES=1`.

use chrono::NaiveDateTime;
use pacer_core::records::{NewActivity, SourceKind};
use pacer_storage::testing::TestDb;
use pacer_storage::{DatabaseUrl, RecordStore, SqlStore};
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};

struct Workdir(PathBuf);

impl Workdir {
    fn new(name: &str) -> Self {
        let dir = std::env::temp_dir().join(format!("pacer-backup-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        Self(dir)
    }

    fn path(&self, file: &str) -> PathBuf {
        self.0.join(file)
    }

    fn pacer(&self, database: &str, args: &[&str]) -> Output {
        Command::new(env!("CARGO_BIN_EXE_pacer"))
            .args(["--database", database])
            .args(args)
            .current_dir(&self.0)
            .env_remove("PACER_DATABASE_URL")
            .env_remove("PACER_CONFIG")
            .output()
            .expect("run pacer")
    }

    fn ok(&self, database: &str, args: &[&str]) -> String {
        let out = self.pacer(database, args);
        assert!(out.status.success(), "pacer {args:?} failed: {}", String::from_utf8_lossy(&out.stderr));
        String::from_utf8(out.stdout).unwrap()
    }

    fn refused(&self, database: &str, args: &[&str]) -> String {
        let out = self.pacer(database, args);
        assert_eq!(out.status.code(), Some(2), "pacer {args:?}: {}", String::from_utf8_lossy(&out.stderr));
        let stderr = String::from_utf8(out.stderr).unwrap();
        assert_eq!(stderr.trim_end().lines().count(), 1, "one line: {stderr}");
        stderr
    }
}

impl Drop for Workdir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// Writes activities into the database at `file`, fifty per transaction, until `stop`; counts
/// the transactions committed in `committed`.
fn writer(file: PathBuf, stop: Arc<AtomicBool>, committed: Arc<AtomicU64>) -> std::thread::JoinHandle<()> {
    std::thread::spawn(move || {
        let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
        rt.block_on(async {
            let store = SqlStore::connect(&DatabaseUrl::sqlite_file(&file)).await.unwrap();
            let at: NaiveDateTime = "2025-03-03T10:00:00".parse().unwrap();
            let mut n = 0;
            while !stop.load(Ordering::Relaxed) {
                let batch: Vec<NewActivity> = (0..50)
                    .map(|i| NewActivity {
                        rep_id: 1 + (n + i) % 5,
                        activity_type: "call".into(),
                        occurred_at: at + chrono::Duration::minutes(n + i),
                        duration_s: Some(60),
                        account_id: None,
                        source: SourceKind::Manual,
                        external_id: None,
                        fields: Default::default(),
                        entered_by: Some("writer".into()),
                    })
                    .collect();
                store.insert_activities(&batch).await.unwrap();
                n += 50;
                committed.fetch_add(1, Ordering::Relaxed);
            }
            store.close().await;
        });
    })
}

/// One SQLite file's `integrity_check` and its activities, read through the driver itself.
fn check(file: &Path) -> (Vec<String>, i64) {
    tokio::runtime::Runtime::new().unwrap().block_on(async {
        let pool = sqlx::SqlitePool::connect(&format!("sqlite://{}?mode=ro", file.display())).await.unwrap();
        let findings: Vec<String> = sqlx::query_scalar("PRAGMA integrity_check").fetch_all(&pool).await.unwrap();
        let activities: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM activities").fetch_one(&pool).await.unwrap();
        pool.close().await;
        (findings, activities)
    })
}

#[test]
fn a_backup_taken_while_another_process_writes_restores_into_postgres_with_the_same_reports() {
    let w = Workdir::new("live");
    let demo = "sqlite://pacer-demo.sqlite";
    w.ok(demo, &["demo", "--no-serve", "--fresh"]);
    let (demo_file, backup_file) = (w.path("pacer-demo.sqlite"), w.path("backup.sqlite"));

    let (stop, committed) = (Arc::new(AtomicBool::new(false)), Arc::new(AtomicU64::new(0)));
    let writing = writer(demo_file.clone(), stop.clone(), committed.clone());
    while committed.load(Ordering::Relaxed) < 5 {
        std::thread::sleep(std::time::Duration::from_millis(10));
    }
    let before = committed.load(Ordering::Relaxed);
    let summary = w.ok(demo, &["backup", "backup.sqlite", "--format", "json"]);
    let during = committed.load(Ordering::Relaxed) - before;
    stop.store(true, Ordering::Relaxed);
    writing.join().unwrap();
    let total = committed.load(Ordering::Relaxed);
    assert!(during > 0, "the writer committed while the backup ran");

    let summary: serde_json::Value = serde_json::from_str(&summary).unwrap();
    let (findings, activities) = check(&backup_file);
    assert_eq!(findings, ["ok"]);
    let (_, demo_activities) = check(&demo_file);
    // One moment's data: every transaction before it, none after, none half.
    let demo_before = demo_activities - 50 * total as i64;
    assert_eq!((activities - demo_before) % 50, 0, "whole transactions only");
    assert!((50 * before as i64..=50 * total as i64).contains(&(activities - demo_before)), "{activities}");
    let listed = summary["tables"].as_array().unwrap().iter().find(|t| t["table"] == "activities").unwrap();
    assert_eq!(listed["rows"], activities);

    let err = w.refused(demo, &["backup", "backup.sqlite"]);
    assert!(err.contains("backup.sqlite already exists: choose another file, or replace it (--force)"), "{err}");

    // A file that is no backup is refused before the database to restore into is even created.
    std::fs::write(w.path("notes.txt"), "not a database\n".repeat(100)).unwrap();
    let err = w.refused("sqlite://fresh.sqlite", &["restore", "notes.txt"]);
    assert_eq!(err, "error: notes.txt is not a Pacer backup: it is not an SQLite database\n");
    assert!(!w.path("fresh.sqlite").exists());

    let rt = tokio::runtime::Runtime::new().unwrap();
    let Some(target) = rt.block_on(TestDb::postgres()) else { return };
    let postgres = target.url.as_str().to_string();
    let restored = w.ok(&postgres, &["restore", "backup.sqlite"]);
    assert!(restored.contains(&format!("Restored backup.sqlite into {}", target.url.redacted())), "{restored}");

    let copy = format!("sqlite://{}", backup_file.display());
    for report in [
        &["report", "calls_made", "--by", "rep", "--per", "month", "--format", "json"][..],
        &["report", "new_business", "--by", "team", "--per", "quarter", "--format", "json"],
        &["leaderboard", "demos_given", "--format", "json"],
        &["pipeline", "--by", "team", "--format", "json"],
        &["churn", "--by", "quarter", "--format", "json"],
        &["plan", "attainment", "1", "--kpi", "new_business", "--by", "team", "--format", "json"],
    ] {
        let (from_copy, from_postgres) = (w.ok(&copy, report), w.ok(&postgres, report));
        assert!(from_copy.len() > 200, "{report:?} reports data: {from_copy}");
        assert!(from_copy == from_postgres, "{report:?} differs:\n{from_copy}\n---\n{from_postgres}");
    }

    // A second restore is refused: the database holds data now, and keeps it as it was.
    let report = &["report", "calls_made", "--by", "team", "--format", "json"][..];
    let held = w.ok(&postgres, report);
    let err = w.refused(&postgres, &["restore", "backup.sqlite"]);
    assert!(err.contains("is not empty: it holds 1 organisation, "), "{err}");
    assert!(err.trim_end().ends_with("restore only into an empty database"), "{err}");
    assert_eq!(w.ok(&postgres, report), held);
    drop(target);
}
