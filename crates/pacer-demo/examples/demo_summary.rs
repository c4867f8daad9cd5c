//! Prints what `pacer_demo::generate` produces for a seed and a day, and how
//! long it takes: `cargo run -p pacer-demo --example demo_summary [seed] [today]`.

use pacer_core::records::DealStatus;
use pacer_demo::{DemoConfig, generate};
use std::collections::{BTreeMap, BTreeSet};
use std::time::Instant;

fn main() {
    let mut args = std::env::args().skip(1);
    let mut config = DemoConfig::default();
    if let Some(seed) = args.next() {
        config.seed = seed.parse().expect("seed is a number");
    }
    if let Some(today) = args.next() {
        config.today = today.parse().expect("today is YYYY-MM-DD");
    }
    let started = Instant::now();
    let org = generate(&config);
    let elapsed = started.elapsed();
    println!("config: seed {} today {}", config.seed, config.today);
    println!("generated in {elapsed:?}");
    println!(
        "teams {}, reps {} ({} quota-carrying)",
        org.teams.len(),
        org.reps.len(),
        org.reps.iter().filter(|r| !r.title.starts_with("Sales ")).count()
    );
    println!("accounts {}", org.accounts.len());
    let mut by_type = BTreeMap::new();
    for a in &org.activities {
        *by_type.entry(a.activity_type.as_str()).or_insert(0) += 1;
    }
    println!("activities {} {by_type:?}", org.activities.len());
    let mut by_status = BTreeMap::new();
    for d in &org.deals {
        let entry = by_status.entry((d.status.as_str(), d.kind.as_str())).or_insert((0, 0));
        entry.0 += 1;
        entry.1 += d.amount_minor / 100;
    }
    println!("deals {}", org.deals.len());
    for ((status, kind), (n, usd)) in &by_status {
        println!("  {status:5} {kind:10} {n:5}  USD {usd}");
    }
    let status_count = |s| org.deals.iter().filter(|d| d.status == s).count();
    println!(
        "  won {} lost {} open {}",
        status_count(DealStatus::Won),
        status_count(DealStatus::Lost),
        status_count(DealStatus::Open)
    );
    println!("subscription rows {}", org.subscriptions.len());
    let mut months: BTreeMap<_, BTreeMap<i64, i64>> = BTreeMap::new();
    for s in &org.subscriptions {
        months.entry(s.month).or_default().insert(s.account_id, s.mrr_minor);
    }
    let list: Vec<_> = months.values().collect();
    let rates: Vec<f64> = list
        .windows(2)
        .map(|w| w[0].keys().filter(|a| !w[1].contains_key(a)).count() as f64 / w[0].len() as f64)
        .collect();
    let r = rates.iter().sum::<f64>() / rates.len() as f64;
    let events: usize = list.windows(2).map(|w| w[0].keys().filter(|a| !w[1].contains_key(a)).count()).sum();
    let exposure: usize = list.windows(2).map(|w| w[0].len()).sum();
    println!("churn events {events} over {exposure} paying months: {:.4}%", events as f64 / exposure as f64 * 100.0);
    println!("monthly churn {:.4}%, annual {:.2}%", r * 100.0, (1.0 - (1.0 - r).powi(12)) * 100.0);
    let mut seen = BTreeSet::new();
    let mut reactivations = 0;
    for w in list.windows(2) {
        seen.extend(w[0].keys().copied());
        reactivations += w[1].keys().filter(|a| !w[0].contains_key(a) && seen.contains(a)).count();
    }
    println!("reactivations {reactivations}");
    let (first, last) = (list.first().unwrap(), list.last().unwrap());
    println!(
        "customers {} -> {}, MRR USD {} -> {}",
        first.len(),
        last.len(),
        first.values().sum::<i64>() / 100,
        last.values().sum::<i64>() / 100
    );
    let mut won_by_month = [0i64; 12];
    for d in org.deals.iter().filter(|d| d.status == DealStatus::Won) {
        use chrono::Datelike;
        won_by_month[d.close_date.expect("a demo deal is dated").month0() as usize] += d.amount_minor / 100;
    }
    println!("won USD by calendar month (Jan..Dec): {won_by_month:?}");
    // Full fiscal years only: the three before the current one.
    let start = org.subscriptions[0].month;
    let end = start.checked_add_months(chrono::Months::new(36)).unwrap();
    for kind in ["new", "renewal", "upsell", "cross-sell"] {
        let mut by_month = [0i64; 12];
        for d in org
            .deals
            .iter()
            .filter(|d| d.status == DealStatus::Won && d.kind.as_str() == kind && d.close_date.is_some_and(|c| c < end))
        {
            use chrono::Datelike;
            by_month[d.close_date.expect("a demo deal is dated").month0() as usize] += d.amount_minor / 100_000;
        }
        println!("full years, won {kind} kUSD by calendar month (Jan..Dec): {by_month:?}");
    }
}
