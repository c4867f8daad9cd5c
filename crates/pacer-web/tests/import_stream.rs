//! A streamed CSV import (`pacer_app::import::import_csv`) over several chunks,
//! on SQLite and PostgreSQL: all or nothing by default, the bad rows set
//! aside with `skip_invalid`, nothing changed by a second run, and the daily
//! rollups equal to a rebuild.

use pacer_app::import::{Progress, StreamError, StreamOptions, Streamed, import_csv};
use pacer_core::audit::Actor;
use pacer_core::import::{MappingChoice, Preset};
use pacer_core::org::NewRep;
use pacer_storage::testing::TestDb;
use pacer_storage::{Store, UpsertCounts};
use std::fmt::Write as _;
use std::sync::Mutex;

const ROWS: usize = 25_000;

/// The generator's activities file, `ROWS` rows over two reps; row `bad` (a
/// spreadsheet row number) names an unknown rep.
fn activities(bad: Option<usize>) -> Vec<u8> {
    let mut csv = String::from("activity_id,rep_id,occurred_at,type,duration_s,account_id\n");
    for i in 0..ROWS {
        let rep = if bad == Some(i + 2) { "999" } else { ["1", "2"][i % 2] };
        let _ =
            writeln!(csv, "{i},{rep},2024-0{}-1{}T10:{:02}:00,call,{},{}", 1 + i % 9, i % 10, i % 60, i % 600, i % 50);
    }
    csv.into_bytes()
}

async fn run(store: &dyn Store, csv: Vec<u8>, options: StreamOptions) -> Result<Streamed, StreamError> {
    let mapping = MappingChoice::Preset(Preset::named("pacer-activities").unwrap());
    let seen = Mutex::new(Vec::new());
    let progress = |p: Progress| seen.lock().unwrap().push(p);
    let done =
        import_csv(store, mapping, "a.csv", std::io::Cursor::new(csv), options, &Actor::named("cli"), &progress).await;
    let seen = seen.into_inner().unwrap();
    assert!(seen.windows(2).all(|w| w[0].rows <= w[1].rows && w[0].bytes <= w[1].bytes), "progress only grows");
    done
}

#[tokio::test]
async fn a_streamed_import_is_all_or_nothing_and_idempotent() {
    for db in TestDb::all().await {
        let store: &dyn Store = &db.store;
        for (name, id) in [("Ann Lee", "1"), ("Bob Stone", "2")] {
            let rep = NewRep {
                name: name.into(),
                email: None,
                title: None,
                team_id: None,
                hire_date: "2020-01-01".parse().unwrap(),
                leave_date: None,
                external_id: Some(id.into()),
            };
            store.create_rep(&rep, &Actor::named("ops")).await.unwrap();
        }

        // One bad row in the last chunk: nothing of the chunks before it is kept.
        let bad = ROWS;
        match run(store, activities(Some(bad)), StreamOptions::default()).await {
            Err(StreamError::Rows { first, total }) => {
                assert_eq!(total, 1);
                assert_eq!((first[0].row, first[0].value.as_str()), (bad, "999"), "{first:?}");
            }
            other => panic!("{}: {other:?}", db.backend()),
        }
        assert_eq!(store.record_counts().await.unwrap().activities, 0, "{}", db.backend());

        // With skip_invalid the good rows land and the bad one goes to the rejects file.
        let rejects = std::env::temp_dir().join(format!("pacer-rejects-{}-{}.csv", std::process::id(), db.backend()));
        let options = StreamOptions { skip_invalid: true, rejects: Some(rejects.clone()), ..Default::default() };
        let done = run(store, activities(Some(bad)), options).await.unwrap();
        assert_eq!(done.counts, UpsertCounts { new: ROWS - 1, updated: 0, unchanged: 0 }, "{}", db.backend());
        assert_eq!((done.rows, done.rejected), (ROWS, 1));
        let text = std::fs::read_to_string(&rejects).unwrap();
        let _ = std::fs::remove_file(&rejects);
        assert_eq!(text.lines().next(), Some("activity_id,rep_id,occurred_at,type,duration_s,account_id,pacer_errors"));
        assert!(text.lines().nth(1).unwrap().starts_with(&format!("{},999,", bad - 2)), "{text}");
        assert_eq!(text.lines().count(), 2);

        // The whole file again: the fixed row is new, the others unchanged.
        let done = run(store, activities(None), StreamOptions::default()).await.unwrap();
        assert_eq!(done.counts, UpsertCounts { new: 1, updated: 0, unchanged: ROWS - 1 }, "{}", db.backend());
        assert_eq!(store.record_counts().await.unwrap().activities, ROWS as i64);

        let (kept, _) = pacer_storage::testing::rollup_rows(store).await;
        store.rebuild_rollups().await.unwrap();
        assert_eq!(kept, pacer_storage::testing::rollup_rows(store).await.0, "{}", db.backend());
        assert_eq!(kept.iter().map(|(_, t)| t.n).sum::<i64>(), ROWS as i64);
    }
}

#[tokio::test]
async fn a_mapping_that_does_not_fit_is_refused_before_any_row() {
    let db = TestDb::sqlite().await;
    let csv = b"id,who,when\n1,2,2024-01-01\n".to_vec();
    match run(&db.store, csv, StreamOptions::default()).await {
        Err(StreamError::Mapping(problems)) => {
            assert!(problems.iter().any(|p| p.reason.contains("\"activity_id\"")), "{problems:?}")
        }
        other => panic!("{other:?}"),
    }
    // A file that starts as UTF-8 and turns to Latin-1 past the first megabyte is refused at
    // the row, not guessed at; a small Latin-1 file is detected as such (see the CLI tests).
    let mut mixed = activities(None);
    let first = mixed.len();
    mixed.extend(activities(None).into_iter().skip_while(|b| *b != b'\n').skip(1));
    assert!(mixed.len() > 1 << 20 && first < 1 << 20);
    mixed.extend_from_slice(b"x1,Ren\xe9,2024-01-01,call,1,2\n");
    match run(&db.store, mixed, StreamOptions::default()).await {
        Err(StreamError::File(message)) => {
            assert!(message.contains(&format!("row {}", 2 * ROWS + 2)) && message.contains("not UTF-8"), "{message}")
        }
        other => panic!("{other:?}"),
    }
}
