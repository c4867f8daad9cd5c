//! Bulk imports (`ImportStore::begin_import`), on SQLite and PostgreSQL:
//! they count and store what the upserts would, leave the daily rollups equal
//! to a rebuild from raw records, and write nothing unless committed.

mod common;

use chrono::Days;
use common::{d, deal, reps};
use pacer_core::records::{NewActivity, NewDeal, SourceKind, SubscriptionMonth};
use pacer_storage::testing::{TestDb, rollup_rows};
use pacer_storage::{DataKind, Store, UpsertCounts};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

fn activity(rng: &mut StdRng, reps: &[i64], keys: u32) -> NewActivity {
    let day = d("2026-03-01") + Days::new(rng.random_range(0..20));
    NewActivity {
        rep_id: reps[rng.random_range(0..reps.len())],
        activity_type: ["call", "email", "demo"][rng.random_range(0..3)].into(),
        occurred_at: day.and_hms_opt(rng.random_range(0..24), 0, 0).unwrap(),
        duration_s: rng.random_bool(0.5).then(|| rng.random_range(0..3600)),
        account_id: rng.random_bool(0.5).then(|| rng.random_range(1..5)),
        source: SourceKind::Import,
        // Some records carry no key: they are always new.
        external_id: rng.random_bool(0.95).then(|| format!("a{}", rng.random_range(0..keys))),
        fields: Default::default(),
        entered_by: Some("cli".into()),
    }
}

fn add(total: &mut UpsertCounts, c: UpsertCounts) {
    total.new += c.new;
    total.updated += c.updated;
    total.unchanged += c.unchanged;
}

#[tokio::test]
async fn bulk_imports_keep_the_rollups_equal_to_a_rebuild() {
    for db in TestDb::all().await {
        let store: &dyn Store = &db.store;
        let reps = reps(store, &["Ada", "Bo", "Cy"]).await;
        for seed in 0..8u64 {
            let mut rng = StdRng::seed_from_u64(seed);
            let mut import = store.begin_import(&pacer_core::audit::Actor::named("test"), "test.csv").await.unwrap();
            // Several chunks: new keys, corrections of earlier chunks and of earlier imports,
            // keys repeated within a chunk, replays.
            for _ in 0..rng.random_range(1..6) {
                let chunk: Vec<NewActivity> =
                    (0..rng.random_range(1..60)).map(|_| activity(&mut rng, &reps, 80)).collect();
                import.activities(&chunk).await.unwrap();
                let deals: Vec<NewDeal> =
                    (0..rng.random_range(0..10)).map(|_| deal(&mut rng, &reps, SourceKind::Import, 30)).collect();
                import.deals(&deals).await.unwrap();
            }
            import.commit().await.unwrap();
            let incremental = rollup_rows(store).await;
            store.rebuild_rollups().await.unwrap();
            assert_eq!(incremental, rollup_rows(store).await, "{} seed {seed}", db.backend());
        }
    }
}

#[tokio::test]
async fn bulk_imports_count_and_store_what_upserts_do() {
    for db in TestDb::all().await {
        let store: &dyn Store = &db.store;
        let reps = reps(store, &["Ada", "Bo", "Cy"]).await;
        let mut rng = StdRng::seed_from_u64(42);
        let mut first: Vec<NewActivity> = (0..300).map(|_| activity(&mut rng, &reps, 1)).collect();
        for (i, a) in first.iter_mut().enumerate() {
            a.external_id = a.external_id.as_ref().map(|_| format!("a{i}"));
        }
        let keyed = first.iter().filter(|a| a.external_id.is_some()).count();
        let version = store.data_version(DataKind::Activities).await.unwrap();

        let mut import = store.begin_import(&pacer_core::audit::Actor::named("test"), "test.csv").await.unwrap();
        let mut counts = UpsertCounts::default();
        for chunk in first.chunks(70) {
            add(&mut counts, import.activities(chunk).await.unwrap());
        }
        import.commit().await.unwrap();
        assert_eq!(counts, UpsertCounts { new: 300, updated: 0, unchanged: 0 }, "{}", db.backend());
        assert!(store.data_version(DataKind::Activities).await.unwrap() > version);

        // A replay of the keyed records changes nothing, not even the data version.
        let version = store.data_version(DataKind::Activities).await.unwrap();
        let replay: Vec<NewActivity> = first.iter().filter(|a| a.external_id.is_some()).cloned().collect();
        let mut import = store.begin_import(&pacer_core::audit::Actor::named("test"), "test.csv").await.unwrap();
        let mut counts = UpsertCounts::default();
        for chunk in replay.chunks(64) {
            add(&mut counts, import.activities(chunk).await.unwrap());
        }
        import.commit().await.unwrap();
        assert_eq!(counts, UpsertCounts { new: 0, updated: 0, unchanged: keyed }, "{}", db.backend());
        assert_eq!(store.data_version(DataKind::Activities).await.unwrap(), version);

        // Corrections are updated; a key twice in a chunk: the last wins.
        let mut fixed = replay[..10].to_vec();
        for a in &mut fixed {
            a.duration_s = Some(a.duration_s.unwrap_or(0) + 1);
        }
        let mut twice = fixed[0].clone();
        twice.duration_s = Some(9_999);
        fixed.push(twice);
        let mut import = store.begin_import(&pacer_core::audit::Actor::named("test"), "test.csv").await.unwrap();
        let counts = import.activities(&fixed).await.unwrap();
        import.commit().await.unwrap();
        assert_eq!(counts, UpsertCounts { new: 0, updated: 11, unchanged: 0 }, "{}", db.backend());
        let stored = store.activities_between(d("2026-01-01"), d("2026-12-31"), None).await.unwrap();
        assert_eq!(stored.len(), 300);
        assert_eq!(stored.iter().filter(|a| a.duration_s == Some(9_999)).count(), 1);
        assert!(stored.iter().all(|a| a.entered_by.as_deref() == Some("cli")));

        // Account-months: new, then unchanged or updated.
        let months: Vec<SubscriptionMonth> = (0..40)
            .map(|i| SubscriptionMonth {
                account_id: i % 10,
                month: d("2026-01-01") + chrono::Months::new((i / 10) as u32),
                mrr_minor: 100 * i,
            })
            .collect();
        let mut import = store.begin_import(&pacer_core::audit::Actor::named("test"), "test.csv").await.unwrap();
        assert_eq!(import.subscriptions(&months).await.unwrap().new, 40);
        import.commit().await.unwrap();
        let mut changed = months.clone();
        changed[3].mrr_minor += 1;
        let mut import = store.begin_import(&pacer_core::audit::Actor::named("test"), "test.csv").await.unwrap();
        let counts = import.subscriptions(&changed).await.unwrap();
        import.commit().await.unwrap();
        assert_eq!(counts, UpsertCounts { new: 0, updated: 1, unchanged: 39 }, "{}", db.backend());
        let stored = store.subscriptions().await.unwrap();
        assert_eq!(stored.len(), 40);
        assert!(stored.contains(&changed[3]));
    }
}

#[tokio::test]
async fn an_import_not_committed_writes_nothing() {
    for db in TestDb::all().await {
        let store: &dyn Store = &db.store;
        let reps = reps(store, &["Ada", "Bo", "Cy"]).await;
        let mut rng = StdRng::seed_from_u64(3);
        let chunk: Vec<NewActivity> = (0..50).map(|_| activity(&mut rng, &reps, 1_000)).collect();
        let mut import = store.begin_import(&pacer_core::audit::Actor::named("test"), "test.csv").await.unwrap();
        import.activities(&chunk).await.unwrap();
        import.deals(&[deal(&mut rng, &reps, SourceKind::Import, 30)]).await.unwrap();
        drop(import);
        let counts = store.record_counts().await.unwrap();
        assert_eq!((counts.activities, counts.deals), (0, 0), "{}", db.backend());
        assert_eq!(rollup_rows(store).await, (Vec::new(), Vec::new()));
        // A record that breaks a rule fails the chunk, or the commit (SQLite checks the
        // reps at the end); nothing is kept either.
        let unknown_rep = NewActivity { rep_id: 999_999, ..chunk[0].clone() };
        let mut import = store.begin_import(&pacer_core::audit::Actor::named("test"), "test.csv").await.unwrap();
        let refused = match import.activities(&[chunk[1].clone(), unknown_rep]).await {
            Err(_) => true,
            Ok(_) => import.commit().await.is_err(),
        };
        assert!(refused, "{}", db.backend());
        let negative = SubscriptionMonth { account_id: 1, month: d("2026-01-01"), mrr_minor: -5 };
        let fine = SubscriptionMonth { account_id: 2, month: d("2026-01-01"), mrr_minor: 5 };
        let mut import = store.begin_import(&pacer_core::audit::Actor::named("test"), "test.csv").await.unwrap();
        assert!(import.subscriptions(&[fine, negative]).await.is_err(), "{}", db.backend());
        drop(import);
        let counts = store.record_counts().await.unwrap();
        assert_eq!((counts.activities, counts.subscription_months), (0, 0), "{}", db.backend());
    }
}
