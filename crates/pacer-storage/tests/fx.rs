//! Exchange rates and deals in their currency, on both backends: a deal is stored with its
//! currency and amount as given, and converted into the reporting currency at the rate of its
//! close month in the writer's transaction; a rate change converts the deals it touches again,
//! rollups included; nothing is stored without a rate.

// The shared fixtures; this file needs only some of them.
#[allow(dead_code)]
mod common;

use common::{d, reps};
use pacer_core::audit::{Actor, AuditFilter};
use pacer_core::money::Currency;
use pacer_core::money::fx::{FxError, FxRate};
use pacer_core::org::Organisation;
use pacer_core::records::{DealKind, DealStatus, NewDeal, SourceKind};
use pacer_storage::testing::{TestDb, rollup_rows};
use pacer_storage::{AccessStore, DataKind, FxStore, ImportStore, OrgStore, RecordStore, StoreError, VersionStore};

/// A rep, in a EUR organisation.
async fn eur_organisation(store: &dyn pacer_storage::Store, ops: &Actor) -> i64 {
    store.save_organisation(&Organisation { currency: cur("EUR"), ..Organisation::default() }, ops).await.unwrap();
    reps(store, &["Ann"]).await[0]
}

fn cur(code: &str) -> Currency {
    Currency::parse(code).unwrap()
}

fn rate(code: &str, month: &str, rate: &str) -> FxRate {
    FxRate { currency: cur(code), month: month.parse().unwrap(), rate: rate.parse().unwrap() }
}

fn deal(rep: i64, key: &str, amount_minor: i64, currency: Option<&str>, close: &str) -> NewDeal {
    NewDeal {
        rep_id: rep,
        account_id: 7,
        kind: DealKind::New,
        status: DealStatus::Won,
        stage: "Closed Won".into(),
        amount_minor,
        currency: currency.map(cur),
        created_on: d("2026-01-01"),
        close_date: Some(d(close)),
        source: SourceKind::Integration,
        external_id: Some(key.into()),
        entered_by: None,
    }
}

/// The stored amounts (reporting currency) by close day, in order.
async fn amounts(store: &dyn pacer_storage::Store) -> Vec<i64> {
    store.deals_between(d("2000-01-01"), d("2100-01-01")).await.unwrap().iter().map(|r| r.amount_minor).collect()
}

#[tokio::test]
async fn deals_are_converted_at_the_rate_of_their_close_month() {
    for db in TestDb::all().await {
        let store = &db.store;
        let ops = Actor::named("ops");
        let rep = eur_organisation(store, &ops).await;

        // No rate for CHF yet: the whole batch is refused, nothing is written.
        let batch = [deal(rep, "e1", 10_000, None, "2026-02-10"), deal(rep, "c1", 100_000, Some("CHF"), "2026-02-10")];
        let refused = store.upsert_deals(&batch, &ops).await.unwrap_err();
        assert!(
            matches!(&refused, StoreError::Fx(FxError::NoRate { currency, month }) if currency.as_str() == "CHF" && month.map(|m| m.to_string()).as_deref() == Some("2026-02")),
            "{}: {refused:?}",
            db.backend()
        );
        assert_eq!(store.record_counts().await.unwrap().deals, 0, "{}", db.backend());

        // A rate of January holds in February: CHF 1,000.00 at 1.07 is EUR 1,070.00.
        assert_eq!(store.set_fx_rates(&[rate("CHF", "2026-01", "1.07")], &ops).await.unwrap(), 0);
        store.upsert_deals(&batch, &ops).await.unwrap();
        assert_eq!(amounts(store).await, [10_000, 107_000], "{}", db.backend());
        let given: Vec<String> = store
            .deals_as_given(d("2026-02-01"), d("2026-02-28"))
            .await
            .unwrap()
            .iter()
            .map(|(deal, money)| format!("{} {money}", deal.amount_minor))
            .collect();
        assert_eq!(given, ["10000 EUR 100.00", "107000 CHF 1,000.00"], "{}: kept as given", db.backend());
        let again = store.upsert_deals(&batch, &ops).await.unwrap();
        assert_eq!(again.unchanged, 2, "{}: a replay changes nothing", db.backend());

        // A February rate converts the February deal again, rollups and version with it.
        let version = store.data_version(DataKind::Deals).await.unwrap();
        let changed = store.set_fx_rates(&[rate("CHF", "2026-02", "1.1")], &ops).await.unwrap();
        assert_eq!(changed, 1, "{}", db.backend());
        assert_eq!(amounts(store).await, [10_000, 110_000], "{}", db.backend());
        assert!(store.data_version(DataKind::Deals).await.unwrap() > version, "{}: caches refresh", db.backend());
        let incremental = rollup_rows(store).await;
        store.rebuild_rollups().await.unwrap();
        assert_eq!(rollup_rows(store).await, incremental, "{}: the rollups follow the new amounts", db.backend());
        let rates = store.fx_rates().await.unwrap();
        assert_eq!(rates, [rate("CHF", "2026-01", "1.07"), rate("CHF", "2026-02", "1.1")], "{}", db.backend());

        // Deleting February falls back on January; deleting January then would leave the deal without one.
        assert_eq!(store.delete_fx_rate(cur("CHF"), "2026-02".parse().unwrap(), &ops).await.unwrap(), 1);
        assert_eq!(amounts(store).await, [10_000, 107_000], "{}", db.backend());
        let in_use = store.delete_fx_rate(cur("CHF"), "2026-01".parse().unwrap(), &ops).await.unwrap_err();
        assert!(matches!(in_use, StoreError::Fx(FxError::RateInUse { .. })), "{}: {in_use:?}", db.backend());
        assert_eq!(store.fx_rates().await.unwrap().len(), 1, "{}: nothing deleted", db.backend());
        let missing = store.delete_fx_rate(cur("USD"), "2026-01".parse().unwrap(), &ops).await.unwrap_err();
        assert!(matches!(missing, StoreError::NotFound { .. }), "{}: {missing:?}", db.backend());

        // No rate of the reporting currency; no change of it while amounts are held in it.
        let own = store.set_fx_rates(&[rate("EUR", "2026-01", "1")], &ops).await.unwrap_err();
        assert!(matches!(own, StoreError::Fx(FxError::ReportingCurrency(_))), "{}: {own:?}", db.backend());
        let usd = Organisation { currency: cur("USD"), ..store.organisation().await.unwrap().unwrap() };
        let change = store.save_organisation(&usd, &ops).await.unwrap_err();
        assert!(matches!(change, StoreError::Fx(FxError::ReportingCurrencyInUse { .. })), "{}", db.backend());
        assert_eq!(store.organisation().await.unwrap().unwrap().currency, cur("EUR"));

        let audit = store.audit_log(&AuditFilter::default()).await.unwrap();
        let actions: Vec<&str> = audit.iter().map(|e| e.action.as_str()).filter(|a| a.starts_with("fx_rate")).collect();
        assert_eq!(actions.len(), 3, "{}: two sets and a deletion: {actions:?}", db.backend());
    }
}

#[tokio::test]
async fn imports_convert_deals_and_refuse_those_without_a_rate() {
    for db in TestDb::all().await {
        let store = &db.store;
        let ops = Actor::named("ops");
        let rep = eur_organisation(store, &ops).await;
        store.set_fx_rates(&[rate("USD", "2026-01", "0.9"), rate("JPY", "2026-01", "0.0062")], &ops).await.unwrap();

        let mut import = store.begin_import(&ops, "deals.csv").await.unwrap();
        let chunk = [
            deal(rep, "u1", 100_000, Some("USD"), "2026-03-01"),
            // Yen have no minor unit: ¥1,000,000 at 0.0062 is EUR 6,200.00.
            deal(rep, "j1", 1_000_000, Some("JPY"), "2026-03-01"),
            deal(rep, "e1", 5_000, Some("EUR"), "2026-03-02"),
        ];
        import.deals(&chunk).await.unwrap();
        let refused = import.deals(&[deal(rep, "c1", 100, Some("CHF"), "2026-03-01")]).await.unwrap_err();
        assert!(matches!(refused, StoreError::Fx(FxError::NoRate { .. })), "{}: {refused:?}", db.backend());
        drop(import);
        assert_eq!(
            store.record_counts().await.unwrap().deals,
            0,
            "{}: an unfinished import keeps nothing",
            db.backend()
        );

        let mut import = store.begin_import(&ops, "deals.csv").await.unwrap();
        import.deals(&chunk).await.unwrap();
        import.commit().await.unwrap();
        assert_eq!(amounts(store).await, [90_000, 620_000, 5_000], "{}", db.backend());
        // A later rate converts the imported deals again.
        assert_eq!(store.set_fx_rates(&[rate("USD", "2026-03", "0.95")], &ops).await.unwrap(), 1);
        assert_eq!(amounts(store).await, [95_000, 620_000, 5_000], "{}", db.backend());
        let mut import = store.begin_import(&ops, "deals.csv").await.unwrap();
        assert_eq!(import.deals(&chunk).await.unwrap().unchanged, 3, "{}: a re-import changes nothing", db.backend());
        import.commit().await.unwrap();
    }
}

/// An open deal without a close date is converted at the latest rate of its currency, again
/// whenever that changes; the last rate cannot be deleted from under it.
#[tokio::test]
async fn open_deals_without_a_close_date_take_the_latest_rate() {
    for db in TestDb::all().await {
        let store = &db.store;
        let ops = Actor::named("ops");
        let rep = eur_organisation(store, &ops).await;
        let undated = NewDeal {
            status: DealStatus::Open,
            close_date: None,
            ..deal(rep, "u1", 100_000, Some("CHF"), "2026-01-01")
        };
        let refused = store.upsert_deals(std::slice::from_ref(&undated), &ops).await.unwrap_err();
        assert!(
            matches!(&refused, StoreError::Fx(FxError::NoRate { month: None, .. })),
            "{}: {refused:?}",
            db.backend()
        );
        store.set_fx_rates(&[rate("CHF", "2026-01", "1.07"), rate("CHF", "2026-03", "1.05")], &ops).await.unwrap();
        store.upsert_deals(&[undated], &ops).await.unwrap();
        assert_eq!(amounts(store).await, [105_000], "{}", db.backend());
        assert_eq!(store.set_fx_rates(&[rate("CHF", "2026-06", "1.1")], &ops).await.unwrap(), 1, "{}", db.backend());
        assert_eq!(amounts(store).await, [110_000], "{}", db.backend());
        assert_eq!(store.delete_fx_rate(cur("CHF"), "2026-06".parse().unwrap(), &ops).await.unwrap(), 1);
        assert_eq!(amounts(store).await, [105_000], "{}", db.backend());
        assert_eq!(store.delete_fx_rate(cur("CHF"), "2026-01".parse().unwrap(), &ops).await.unwrap(), 0);
        let in_use = store.delete_fx_rate(cur("CHF"), "2026-03".parse().unwrap(), &ops).await.unwrap_err();
        assert_eq!(
            in_use.to_string(),
            "the rate of CHF for 2026-03 is in use: open deals without a close date would have no rate left; \
             set one before deleting it",
            "{}",
            db.backend()
        );
        assert_eq!(store.fx_rates().await.unwrap().len(), 1, "{}: nothing deleted", db.backend());
    }
}
