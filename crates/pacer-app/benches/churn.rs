//! Monthly churn, MRR churn and NRR (one month and twelve months) for every
//! month of the recurring-revenue history: the peer workload's Q3
//! (`../shared/bench/workload.sql`), answered by Pacer.
//!
//! With `PACER_BENCH_DATA=DIR` (a folder written by
//! `../shared/bench/gen_activities.py`) it reads `DIR/subscriptions.csv`;
//! without it, the demo organisation's revenue. See docs/benchmarks.md.

use chrono::{Months, NaiveDate};
use criterion::{Criterion, criterion_group, criterion_main};
use pacer_app::Context;
use pacer_app::churn::SeriesCache;
use pacer_app::churn::mrr_series;
use pacer_core::churn::{MrrSeries, PeriodRates};
use pacer_core::records::SubscriptionMonth;
use pacer_storage::{DatabaseUrl, RecordStore, SqlStore};
use std::hint::black_box;

fn rows() -> Vec<SubscriptionMonth> {
    match std::env::var("PACER_BENCH_DATA") {
        Ok(dir) => {
            let mut reader = csv::Reader::from_path(format!("{dir}/subscriptions.csv")).expect("subscriptions.csv");
            reader
                .records()
                .map(|r| {
                    let r = r.expect("a CSV row");
                    SubscriptionMonth {
                        account_id: r[0].parse().expect("account id"),
                        month: NaiveDate::parse_from_str(&format!("{}-01", &r[1]), "%Y-%m-%d").expect("month"),
                        mrr_minor: r[2].parse().expect("MRR"),
                    }
                })
                .collect()
        }
        Err(_) => {
            eprintln!("PACER_BENCH_DATA is not set: using the demo organisation's revenue");
            pacer_demo::generate(&pacer_demo::DemoConfig::default()).subscriptions
        }
    }
}

/// The answer: for every month after the first, its rates and the 12-month NRR.
fn every_month(series: &MrrSeries) -> Vec<(PeriodRates, Option<f64>)> {
    let (Some(first), Some(last)) = (series.first_month(), series.last_month()) else { return Vec::new() };
    let mut out = Vec::new();
    let mut month = first + Months::new(1);
    while month <= last {
        let rates = series.period_rates(month, month).expect("a month");
        let nrr_12m = (month >= first + Months::new(12))
            .then(|| series.period_rates(month - Months::new(11), month).ok().and_then(|r| r.nrr))
            .flatten();
        out.push((rates, nrr_12m));
        month = month + Months::new(1);
    }
    out
}

/// A context over the bench database with its own recurring-revenue cache.
async fn context<'a>(store: &'a SqlStore, series: &'a SeriesCache) -> Context<'a> {
    let caches = pacer_app::cache::Caches { warm: None, series };
    Context::new(store, caches, pacer_core::access::Principal::command_line(), chrono::Local::now().date_naive())
        .await
        .expect("a context")
}

fn bench(c: &mut Criterion) {
    let rows = rows();
    eprintln!("{} subscription rows", rows.len());
    let series = MrrSeries::from_rows(rows.iter().copied()).expect("valid rows");
    let answer = every_month(&series);
    eprintln!("{} months answered", answer.len());

    let mut group = c.benchmark_group("churn_every_month");
    group.sample_size(20);
    group.bench_function("rates_from_indexed_series", |b| b.iter(|| black_box(every_month(black_box(&series)))));
    group.bench_function("index_and_rates_from_rows", |b| {
        b.iter(|| black_box(every_month(&MrrSeries::from_rows(black_box(&rows).iter().copied()).expect("valid"))))
    });

    // End to end from the SQLite database, as the server answers it.
    let runtime = tokio::runtime::Runtime::new().expect("a runtime");
    let path = std::env::temp_dir().join(format!("pacer-bench-churn-{}.sqlite", rows.len()));
    let store = runtime.block_on(async {
        let fresh = !path.exists();
        let store = SqlStore::connect(&DatabaseUrl::sqlite_file(&path)).await.expect("the bench database");
        if fresh {
            store.insert_subscriptions(&rows).await.expect("load the rows");
        }
        store
    });
    group.sample_size(10);
    group.bench_function("sqlite_cold_load_index_and_rates", |b| {
        b.iter(|| {
            runtime.block_on(async {
                let cold = SeriesCache::default();
                let ctx = context(&store, &cold).await;
                let series = mrr_series(&ctx).await.expect("series");
                black_box(every_month(&series))
            })
        })
    });
    let cache = SeriesCache::default();
    let ctx = runtime.block_on(context(&store, &cache));
    group.bench_function("sqlite_warm_cached_series_and_rates", |b| {
        b.iter(|| {
            runtime.block_on(async {
                let series = mrr_series(&ctx).await.expect("series");
                black_box(every_month(&series))
            })
        })
    });
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
