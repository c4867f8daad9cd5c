//! The daily rollups stay equal to a rebuild from raw records whatever
//! sequence of writes happens (inserts, upserts that correct records,
//! deletions), on SQLite and PostgreSQL.

mod common;

use chrono::{Days, NaiveDate};
use common::{d, deal, reps};
use pacer_core::records::{NewActivity, NewDeal, SourceKind};
use pacer_storage::testing::{TestDb, rollup_rows};
use pacer_storage::{DataKind, Store};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

fn activity(rng: &mut StdRng, reps: &[i64]) -> NewActivity {
    let day = d("2026-03-01") + Days::new(rng.random_range(0..20));
    NewActivity {
        rep_id: reps[rng.random_range(0..reps.len())],
        activity_type: ["call", "email", "demo"][rng.random_range(0..3)].into(),
        occurred_at: day.and_hms_opt(rng.random_range(0..24), 0, 0).unwrap(),
        duration_s: rng.random_bool(0.5).then(|| rng.random_range(0..3600)),
        account_id: None,
        source: SourceKind::Integration,
        external_id: Some(format!("a{}", rng.random_range(0..40))),
        fields: Default::default(),
        entered_by: None,
    }
}

/// The days the store says changed since version `since` hold every rollup row that changed.
async fn assert_changed_days_cover<K: PartialEq + std::fmt::Debug, T: PartialEq + std::fmt::Debug>(
    store: &dyn Store,
    kind: DataKind,
    since: i64,
    before: &[(K, T)],
    after: &[(K, T)],
    day: fn(&K) -> NaiveDate,
) {
    let now = store.data_version(kind).await.unwrap();
    if now == since {
        assert_eq!(before, after, "{kind:?}: the version did not move, nothing changed");
        return;
    }
    let (first, last) = store.changed_days(kind, since, now).await.unwrap().expect("every change's days are known");
    let changed = before.iter().filter(|r| !after.contains(r)).chain(after.iter().filter(|r| !before.contains(r)));
    for (key, _) in changed {
        assert!((first..=last).contains(&day(key)), "{kind:?}: {key:?} changed outside {first}..{last}");
    }
}

#[tokio::test]
async fn incremental_rollups_agree_with_a_rebuild_after_random_writes() {
    for db in TestDb::all().await {
        let store: &dyn Store = &db.store;
        let reps = reps(store, &["Ada", "Bo", "Cy"]).await;
        for seed in 0..12u64 {
            let mut rng = StdRng::seed_from_u64(seed);
            let since = (
                store.data_version(DataKind::Activities).await.unwrap(),
                store.data_version(DataKind::Deals).await.unwrap(),
            );
            let before = rollup_rows(store).await;
            for _ in 0..6 {
                match rng.random_range(0..6) {
                    0 => {
                        // Plain inserts carry no external id: always new records.
                        let batch: Vec<NewActivity> = (0..rng.random_range(1..30))
                            .map(|_| NewActivity { external_id: None, ..activity(&mut rng, &reps) })
                            .collect();
                        store.insert_activities(&batch).await.unwrap();
                    }
                    1 | 2 => {
                        // Keyed upserts: new records, corrections (other day, rep or type) and replays.
                        let batch: Vec<NewActivity> =
                            (0..rng.random_range(1..30)).map(|_| activity(&mut rng, &reps)).collect();
                        store.upsert_activities(&batch, &pacer_core::audit::Actor::named("test")).await.unwrap();
                    }
                    3 => {
                        let ids: Vec<String> = (0..5).map(|_| format!("a{}", rng.random_range(0..40))).collect();
                        store
                            .delete_activities(SourceKind::Integration, &ids, &pacer_core::audit::Actor::named("test"))
                            .await
                            .unwrap();
                    }
                    4 => {
                        let batch: Vec<NewDeal> = (0..rng.random_range(1..10))
                            .map(|_| deal(&mut rng, &reps, SourceKind::Integration, 20))
                            .collect();
                        store.upsert_deals(&batch, &pacer_core::audit::Actor::named("test")).await.unwrap();
                    }
                    _ => {
                        let ids: Vec<String> = (0..3).map(|_| format!("d{}", rng.random_range(0..20))).collect();
                        store
                            .delete_deals(SourceKind::Integration, &ids, &pacer_core::audit::Actor::named("test"))
                            .await
                            .unwrap();
                    }
                }
            }
            // A rep's latest activities, found through the rollups, are the latest of all theirs.
            let all = store.activities_between(d("2000-01-01"), d("2100-01-01"), None).await.unwrap();
            for rep in &reps {
                let mut theirs: Vec<_> = all.iter().filter(|a| a.rep_id == *rep).cloned().collect();
                theirs.sort_by_key(|a| std::cmp::Reverse((a.occurred_at, a.id)));
                for limit in [1u32, 3, 10, 100] {
                    let expected: Vec<_> = theirs.iter().take(limit as usize).cloned().collect();
                    assert_eq!(
                        store.recent_activities(*rep, limit).await.unwrap(),
                        expected,
                        "{} seed {seed}",
                        db.backend()
                    );
                }
            }
            let incremental = rollup_rows(store).await;
            assert_changed_days_cover(store, DataKind::Activities, since.0, &before.0, &incremental.0, |k| k.day).await;
            assert_changed_days_cover(store, DataKind::Deals, since.1, &before.1, &incremental.1, |k| k.day).await;
            let counts = store.rebuild_rollups().await.unwrap();
            let rebuilt = rollup_rows(store).await;
            assert_eq!(incremental, rebuilt, "{} seed {seed}", db.backend());
            assert_eq!(counts.activity_days as usize, rebuilt.0.len());
            assert_eq!(counts.deal_days as usize, rebuilt.1.len());
            assert!(rebuilt.0.iter().all(|(_, t)| t.n > 0), "no empty rows are kept");
        }
    }
}

#[tokio::test]
async fn writes_bump_the_data_versions_that_caches_watch() {
    for db in TestDb::all().await {
        let store: &dyn Store = &db.store;
        let org = store.data_version(DataKind::Organisation).await.unwrap();
        let rep = reps(store, &["Ada"]).await[0];
        assert!(
            store.data_version(DataKind::Organisation).await.unwrap() > org,
            "a new rep moves the organisation's version"
        );
        let mut rng = StdRng::seed_from_u64(7);
        let before = store.data_version(DataKind::Activities).await.unwrap();
        let batch = vec![activity(&mut rng, &[rep])];
        store.upsert_activities(&batch, &pacer_core::audit::Actor::named("test")).await.unwrap();
        let after = store.data_version(DataKind::Activities).await.unwrap();
        assert!(after > before, "{}", db.backend());
        // A replay changes nothing, not even the version.
        store.upsert_activities(&batch, &pacer_core::audit::Actor::named("test")).await.unwrap();
        assert_eq!(store.data_version(DataKind::Activities).await.unwrap(), after);
        let before = store.data_version(DataKind::Deals).await.unwrap();
        store
            .upsert_deals(
                &[deal(&mut rng, &[rep], SourceKind::Integration, 20)],
                &pacer_core::audit::Actor::named("test"),
            )
            .await
            .unwrap();
        assert!(store.data_version(DataKind::Deals).await.unwrap() > before);
        // A rebuild says nothing of the days it changed: caches read everything again.
        let before = store.data_version(DataKind::Deals).await.unwrap();
        store.rebuild_rollups().await.unwrap();
        let after = store.data_version(DataKind::Deals).await.unwrap();
        assert_eq!(store.changed_days(DataKind::Deals, before, after).await.unwrap(), None);
        assert_eq!(store.changed_days(DataKind::Deals, after, after).await.unwrap(), None);
    }
}

/// The cube snapshot: none at first, then the one kept last, bytes and versions as written
/// (every byte value, and a blob of megabytes, through both drivers).
#[tokio::test]
async fn the_cube_snapshot_kept_last_reads_back_whole() {
    use pacer_storage::CubeSnapshot;
    for db in TestDb::all().await {
        let store: &dyn Store = &db.store;
        assert_eq!(store.cube_snapshot().await.unwrap(), None, "{}", db.backend());
        let first = CubeSnapshot { activities_version: 3, deals_version: 1, bytes: (0..=255).collect() };
        store.keep_cube_snapshot(&first).await.unwrap();
        assert_eq!(store.cube_snapshot().await.unwrap().as_ref(), Some(&first), "{}", db.backend());
        let bytes: Vec<u8> = (0..3_000_000u32).map(|i| (i.wrapping_mul(2_654_435_761) >> 24) as u8).collect();
        let second = CubeSnapshot { activities_version: 40, deals_version: 7, bytes };
        store.keep_cube_snapshot(&second).await.unwrap();
        assert_eq!(store.cube_snapshot().await.unwrap().as_ref(), Some(&second), "{}", db.backend());
    }
}
