//! Reports on the daily rollups, against the peer workload
//! (`../shared/bench/workload.sql`): Q1, activity counts per rep per fiscal
//! month per type (fiscal year starting in February), for the whole company
//! and for a team of 20 reps over one year; Q2, quota attainment per rep per
//! fiscal quarter with a 10% tolerance, against a plan per fiscal year that
//! holds the peers' uniform quota.
//!
//! With `PACER_BENCH_DATA=DIR` (a folder written by
//! `../shared/bench/gen_activities.py`) it loads `DIR/reps.csv` and
//! `DIR/activities.csv` once into an SQLite database in the temp folder
//! (kept for the next run), checks Pacer's answer against a direct count of
//! the CSV, then times the reports. See docs/benchmarks.md.

use chrono::{Datelike, NaiveDate, NaiveDateTime};
use criterion::{Criterion, criterion_group, criterion_main};
use pacer_app::Context;
use pacer_app::cache::{Caches, WarmCache};
use pacer_app::churn::SeriesCache;
use pacer_app::plan::{AttainmentReport, attainment_report};
use pacer_app::report::{Report, ReportRequest, report};
use pacer_core::access::Principal;
use pacer_core::attainment::Tolerance;
use pacer_core::audit::Actor;
use pacer_core::catalog::{Catalog, check};
use pacer_core::fiscal_calendar::PeriodKind;
use pacer_core::fiscal_calendar::{FiscalCalendar, YearNaming};
use pacer_core::kpi::KpiValue;
use pacer_core::org::{NewRep, NewTeam, Organisation, RepId};
use pacer_core::plan::{
    Allocation, NewPlan, Plan, PlanSettings, PlanStatus, Target, TargetOwner, TargetTier, allocate,
};
use pacer_core::records::{DealKind, DealStatus, NewActivity, NewDeal, SourceKind};
use pacer_core::report::Grouping;
use pacer_core::report::{Owner, Scope};
use pacer_storage::{CubeSnapshot, DatabaseUrl, OrgStore, PlanStore, RecordStore, RepFilter, RollupStore, SqlStore};
use std::collections::{HashMap, HashSet};
use std::hint::black_box;
use std::time::Instant;

const TYPES: [&str; 4] = ["call", "email", "meeting", "demo"];
const YEARS: [i32; 3] = [2022, 2023, 2024];

fn catalog() -> Catalog {
    let mut text = String::new();
    for (i, t) in TYPES.iter().enumerate() {
        text.push_str(&format!("[[activity_types]]\nkey = \"{t}\"\nname = \"{t}\"\n\n"));
        text.push_str(&format!(
            "[[kpis]]\nkey = \"{t}s\"\nname = \"{t}s\"\ncategory = \"activity\"\nunit = \"count\"\ndirection = \"higher\"\n\
             priority = {}\nowner = \"ops\"\ndefinition = {{ kind = \"activity_count\", types = [\"{t}\"] }}\n\
             capture = {{ method = \"automatic\", source = \"crm\" }}\n\n",
            i + 1
        ));
    }
    text.push_str(
        "[[kpis]]\nkey = \"won\"\nname = \"Won\"\ncategory = \"revenue\"\nunit = \"currency\"\n\
         direction = \"higher\"\npriority = 9\nowner = \"ops\"\ndefinition = { kind = \"deal_amount\" }\n\
         capture = { method = \"automatic\", source = \"crm\" }\n",
    );
    check("bench.toml", &text, None).valid().expect("the bench catalog is valid")
}

fn organisation() -> Organisation {
    let calendar = FiscalCalendar::monthly(2, YearNaming::EndYear).expect("February start");
    Organisation { name: "Bench".into(), calendar, ..Organisation::default() }
}

/// Loads reps (with their teams) and activities into a fresh database; returns the CSV rep id → Pacer id map.
async fn load(store: &SqlStore, dir: &str) -> HashMap<i64, RepId> {
    let ops = Actor::named("bench");
    store.save_organisation(&organisation(), &ops).await.expect("organisation");
    let mut teams: HashMap<String, i64> = HashMap::new();
    let mut reps = HashMap::new();
    let mut reader = csv::Reader::from_path(format!("{dir}/reps.csv")).expect("reps.csv");
    for r in reader.records() {
        let r = r.expect("a rep row");
        let team = match teams.get(&r[2]) {
            Some(id) => *id,
            None => {
                let new = NewTeam { name: r[2].to_string(), region: Some(r[3].to_string()), ..NewTeam::default() };
                let id = store.create_team(&new, &ops).await.expect("team").id;
                teams.insert(r[2].to_string(), id);
                id
            }
        };
        let rep = NewRep {
            name: r[1].to_string(),
            email: None,
            title: None,
            team_id: Some(team),
            // The history starts before some hire dates: count everything, as the peers do.
            hire_date: NaiveDate::from_ymd_opt(2000, 1, 1).expect("date"),
            leave_date: None,
            external_id: Some(r[0].to_string()),
        };
        let id = store.create_rep(&rep, &ops).await.expect("rep").id;
        reps.insert(r[0].parse::<i64>().expect("rep id"), id);
    }
    let mut reader = csv::Reader::from_path(format!("{dir}/activities.csv")).expect("activities.csv");
    let mut batch = Vec::with_capacity(200_000);
    let mut loaded = 0usize;
    let started = Instant::now();
    for r in reader.records() {
        let r = r.expect("an activity row");
        batch.push(NewActivity {
            rep_id: reps[&r[1].parse::<i64>().expect("rep id")],
            activity_type: r[3].to_string(),
            occurred_at: NaiveDateTime::parse_from_str(&r[2], "%Y-%m-%dT%H:%M:%S").expect("timestamp"),
            duration_s: r[4].parse().ok(),
            account_id: r[5].parse().ok(),
            source: SourceKind::Import,
            external_id: None,
            fields: Default::default(),
            entered_by: None,
        });
        if batch.len() == batch.capacity() {
            store.insert_activities(&batch).await.expect("insert");
            loaded += batch.len();
            batch.clear();
            eprint!("\rloaded {loaded} activities ({:.0} rows/s)", loaded as f64 / started.elapsed().as_secs_f64());
        }
    }
    store.insert_activities(&batch).await.expect("insert");
    eprintln!("\rloaded {} activities in {:.1} s", loaded + batch.len(), started.elapsed().as_secs_f64());
    reps
}

/// The fiscal year (February start, named by its end) and quarter of a day.
fn fiscal_quarter(day: NaiveDate) -> (i32, u32) {
    (day.year() + i32::from(day.month() >= 2), ((day.month() + 10) % 12) / 3 + 1)
}

/// Loads deals.csv; returns per (CSV rep, fiscal year, quarter) the won amount, and the CSV
/// rep's hire dates.
async fn load_deals(
    store: &SqlStore,
    dir: &str,
    reps: &HashMap<i64, RepId>,
    fresh: bool,
) -> HashMap<(i64, i32, u32), i64> {
    let mut won = HashMap::new();
    let mut deals = Vec::new();
    let mut reader = csv::Reader::from_path(format!("{dir}/deals.csv")).expect("deals.csv");
    for r in reader.records() {
        let r = r.expect("a deal row");
        let rep: i64 = r[1].parse().expect("rep");
        let day = NaiveDate::parse_from_str(&r[3], "%Y-%m-%d").expect("date");
        let amount: i64 = r[4].parse().expect("amount");
        let status = match &r[5] {
            "won" => DealStatus::Won,
            "lost" => DealStatus::Lost,
            _ => DealStatus::Open,
        };
        if status == DealStatus::Won {
            let (fy, fq) = fiscal_quarter(day);
            *won.entry((rep, fy, fq)).or_insert(0) += amount;
        }
        deals.push(NewDeal {
            rep_id: reps[&rep],
            account_id: r[2].parse().expect("account"),
            kind: DealKind::New,
            status,
            stage: r[5].to_string(),
            amount_minor: amount,
            currency: None,
            created_on: day,
            close_date: Some(day),
            source: SourceKind::Import,
            external_id: None,
            entered_by: None,
        });
    }
    if fresh {
        store.insert_deals(&deals).await.expect("deals");
    }
    won
}

/// The peers' uniform quota (workload.sql `setup_reps_quota`): total won / rep-quarters from
/// each rep's hire quarter on, rounded down to $1,000; as an approved plan per fiscal year,
/// each quarter's quota phased over its three months. Returns the rep-quarters with a quota.
async fn load_plans(
    store: &SqlStore,
    dir: &str,
    reps: &HashMap<i64, RepId>,
    won: &HashMap<(i64, i32, u32), i64>,
) -> Vec<(i64, i32, u32)> {
    let mut hires = HashMap::new();
    let mut reader = csv::Reader::from_path(format!("{dir}/reps.csv")).expect("reps.csv");
    for r in reader.records() {
        let r = r.expect("a rep row");
        hires.insert(r[0].parse::<i64>().expect("id"), NaiveDate::parse_from_str(&r[4], "%Y-%m-%d").expect("hire"));
    }
    let quarters: Vec<(i32, u32)> = YEARS.iter().flat_map(|fy| (1..=4).map(move |q| (*fy, q))).collect();
    let mut rep_quarters = Vec::new();
    for (csv, hire) in &hires {
        let (hy, hq) = fiscal_quarter(*hire);
        for (fy, fq) in &quarters {
            if hy * 4 + hq as i32 <= fy * 4 + *fq as i32 {
                rep_quarters.push((*csv, *fy, *fq));
            }
        }
    }
    let total_won: i64 = won.values().sum();
    let quota = total_won / rep_quarters.len() as i64 / 100_000 * 100_000;
    if !store.plans(None).await.expect("plans").is_empty() {
        return rep_quarters;
    }
    let ops = Actor::named("bench");
    for fy in YEARS {
        let settings = PlanSettings { tolerance: Tolerance::new(0.1).expect("10%"), ..PlanSettings::default() };
        let new = NewPlan { fiscal_year: fy, name: format!("FY{fy} quota"), settings, copied_from: None };
        let plan = store.create_plan(&new, &ops).await.expect("plan");
        let mut targets = Vec::new();
        for (csv, _, fq) in rep_quarters.iter().filter(|(_, y, _)| *y == fy) {
            let months = allocate(quota, &Allocation::Equal, 3).expect("three months");
            for (k, amount) in months.into_iter().enumerate() {
                targets.push(Target {
                    kpi: "won".into(),
                    owner: TargetOwner::Rep(reps[csv]),
                    month: ((fq - 1) * 3 + k as u32 + 1) as u8,
                    tier: TargetTier::Target,
                    amount,
                });
            }
        }
        store.put_targets(plan.id, "won", &targets, &ops).await.expect("targets");
        store.set_plan_status(plan.id, PlanStatus::Approved, &ops).await.expect("approve");
    }
    rep_quarters
}

/// Q2: attainment per rep per fiscal quarter, for each year's plan.
async fn q2(
    store: &SqlStore,
    caches: Caches<'_>,
    org: &Organisation,
    catalog: &Catalog,
    plans: &[Plan],
) -> Vec<AttainmentReport> {
    let today = NaiveDate::from_ymd_opt(2024, 2, 1).expect("date");
    let ctx =
        Context::with_org(store, caches, org.clone(), Principal::command_line(), today).with_catalog(catalog.clone());
    let mut out = Vec::new();
    for plan in plans {
        out.push(attainment_report(&ctx, plan, "won", Grouping::Rep, PeriodKind::Quarter).await.expect("attainment"));
    }
    out
}

/// Counts per (CSV rep id, fiscal year, fiscal month, type), straight from the CSV.
fn direct_counts(dir: &str) -> HashMap<(i64, i32, u32, String), i64> {
    let mut out = HashMap::new();
    let mut reader = csv::Reader::from_path(format!("{dir}/activities.csv")).expect("activities.csv");
    for r in reader.records() {
        let r = r.expect("row");
        let day = NaiveDate::parse_from_str(&r[2][..10], "%Y-%m-%d").expect("date");
        let fy = day.year() + i32::from(day.month() >= 2);
        let fm = (day.month() + 10) % 12 + 1;
        *out.entry((r[1].parse().expect("rep"), fy, fm, r[3].to_string())).or_insert(0) += 1;
    }
    out
}

fn request(kpi: &str, fy: i32) -> ReportRequest {
    ReportRequest {
        kpi: kpi.into(),
        by: Some(Grouping::Rep),
        per: Some(PeriodKind::Month),
        fy: Some(fy),
        ..ReportRequest::default()
    }
}

/// Q1: every type's counts per rep per fiscal month of the three years.
/// One report per type over the three fiscal years as a date range, per fiscal month.
async fn q1(store: &SqlStore, caches: Caches<'_>, org: &Organisation, catalog: &Catalog) -> Vec<(String, Report)> {
    let today = NaiveDate::from_ymd_opt(2024, 2, 1).expect("date");
    let ctx =
        Context::with_org(store, caches, org.clone(), Principal::command_line(), today).with_catalog(catalog.clone());
    let mut out = Vec::new();
    for t in TYPES {
        let req = ReportRequest {
            kpi: format!("{t}s"),
            by: Some(Grouping::Rep),
            per: Some(PeriodKind::Month),
            from: NaiveDate::from_ymd_opt(2021, 2, 1),
            to: NaiveDate::from_ymd_opt(2024, 1, 31),
            ..ReportRequest::default()
        };
        let r = report(&ctx, Scope::default(), &req).await.expect("report");
        out.push((t.to_string(), r));
    }
    out
}

fn bench(c: &mut Criterion) {
    let Ok(dir) = std::env::var("PACER_BENCH_DATA") else {
        eprintln!(
            "PACER_BENCH_DATA is not set: the reports benchmark needs the peer data set (see docs/benchmarks.md)"
        );
        return;
    };
    let runtime = tokio::runtime::Runtime::new().expect("a runtime");
    let path = std::env::temp_dir().join("pacer-bench-reports.sqlite");
    let (store, reps, won, rep_quarters, plans) = runtime.block_on(async {
        let fresh = !path.exists();
        let store = SqlStore::connect(&DatabaseUrl::sqlite_file(&path)).await.expect("the bench database");
        let reps = if fresh {
            load(&store, &dir).await
        } else {
            let all = store
                .reps(&RepFilter::default(), NaiveDate::from_ymd_opt(2024, 1, 1).expect("date"))
                .await
                .expect("reps");
            all.into_iter().map(|r| (r.external_id.expect("csv id").parse().expect("id"), r.id)).collect()
        };
        let no_deals = store.record_counts().await.expect("counts").deals == 0;
        let won = load_deals(&store, &dir, &reps, no_deals).await;
        let rep_quarters = load_plans(&store, &dir, &reps, &won).await;
        let plans = store.plans(None).await.expect("plans");
        (store, reps, won, rep_quarters, plans)
    });
    let org = organisation();
    let catalog = catalog();
    let series = SeriesCache::default();
    let cache = WarmCache::default();
    let warm = Caches { warm: Some(&cache), series: &series };

    // What a server keeps warm besides the rollups, read cold: the organisation and a plan's targets.
    let started = Instant::now();
    runtime
        .block_on(pacer_app::cache::org_view(
            &store,
            Caches { warm: None, series: &series },
            NaiveDate::from_ymd_opt(2024, 2, 1).expect("date"),
        ))
        .expect("org");
    eprintln!("organisation read (reps, teams, memberships): {:.1} ms", started.elapsed().as_secs_f64() * 1e3);
    let started = Instant::now();
    let targets = runtime.block_on(store.targets(plans[0].id, Some("won"))).expect("targets");
    eprintln!("{} targets of one plan read: {:.1} ms", targets.len(), started.elapsed().as_secs_f64() * 1e3);

    // Cold: the first answer reads every rollup row from SQLite (a snapshot kept by an earlier
    // run is put out of use first: one that does not read back is passed over).
    let unreadable = CubeSnapshot { activities_version: 0, deals_version: 0, bytes: Vec::new() };
    runtime.block_on(store.keep_cube_snapshot(&unreadable)).expect("snapshot");
    let started = Instant::now();
    let answer = runtime.block_on(q1(&store, warm, &org, &catalog));
    eprintln!("Q1 cold (all rollups read from SQLite, then answered): {:.0} ms", started.elapsed().as_secs_f64() * 1e3);
    // A server started after that one: it reads the cube snapshot the first one kept.
    let started_cache = WarmCache::default();
    let started = Instant::now();
    let restarted =
        runtime.block_on(q1(&store, Caches { warm: Some(&started_cache), series: &series }, &org, &catalog));
    eprintln!(
        "Q1 on a server just started (the kept cube snapshot read, then answered): {:.0} ms",
        started.elapsed().as_secs_f64() * 1e3
    );
    let snapshot = runtime.block_on(store.cube_snapshot()).expect("snapshot").expect("kept by the first answer");
    eprintln!("cube snapshot: {:.1} MB", snapshot.bytes.len() as f64 / 1e6);
    assert!(
        restarted.iter().zip(&answer).all(|((t, r), (u, s))| t == u && r.rows == s.rows),
        "the same answer from the snapshot"
    );
    drop(started_cache);

    // The answer is checked against a direct count of the CSV, cell by cell.
    let pacer_of: HashMap<RepId, i64> = reps.iter().map(|(csv, id)| (*id, *csv)).collect();
    let mut got: HashMap<(i64, i32, u32, String), i64> = HashMap::new();
    for (t, r) in &answer {
        assert_eq!(r.columns.len(), 37, "36 fiscal months and the whole range");
        for row in &r.rows {
            let Owner::Rep(rep) = row.owner else { continue };
            for (m, v) in row.values.iter().take(36).enumerate() {
                if let KpiValue::Count(n) = v
                    && *n > 0
                {
                    got.insert((pacer_of[&rep], YEARS[m / 12], m as u32 % 12 + 1, t.clone()), *n);
                }
            }
        }
    }
    let expected = direct_counts(&dir);
    assert_eq!(got.len(), expected.len(), "as many non-zero (rep, fiscal month, type) cells as the CSV has");
    assert!(expected.iter().all(|(k, n)| got.get(k) == Some(n)), "every cell equals the CSV's count");
    eprintln!("Q1 answer: {} non-zero rows, equal to a direct count of the CSV", got.len());

    // Q2's answer, checked against the same computation from the CSV.
    let answer = runtime.block_on(q2(&store, warm, &org, &catalog, &plans));
    let pacer_of: HashMap<RepId, i64> = reps.iter().map(|(csv, id)| (*id, *csv)).collect();
    let mut cells = 0;
    let mut attained = 0;
    for (report, fy) in answer.iter().zip(YEARS) {
        for row in &report.rows {
            let Owner::Rep(rep) = row.owner else { continue };
            for (q, cell) in row.cells.iter().take(4).enumerate() {
                if cell.target == 0 {
                    continue;
                }
                cells += 1;
                let csv_won = won.get(&(pacer_of[&rep], fy, q as u32 + 1)).copied().unwrap_or(0);
                assert_eq!(cell.actual.as_f64(), Some(csv_won as f64), "rep {rep} FY{fy} Q{}", q + 1);
                let expected = csv_won * 10 >= cell.target * 9;
                assert_eq!(cell.attainment.attained, Some(expected));
                attained += usize::from(expected);
            }
        }
    }
    assert_eq!(cells, rep_quarters.len(), "one attainment per rep-quarter with a quota");
    eprintln!(
        "Q2 answer: {cells} rep-quarters, {attained} attained ({:.1}%), equal to the CSV",
        attained as f64 * 100.0 / cells as f64
    );

    // A server after a write: one activity logged, then the next Q1 reads only that day again.
    let (rep, day) = (*reps.values().next().expect("a rep"), NaiveDate::from_ymd_opt(2023, 6, 15).expect("date"));
    let logged = NewActivity {
        rep_id: rep,
        activity_type: "call".into(),
        occurred_at: day.and_hms_opt(9, 0, 0).expect("time"),
        duration_s: None,
        account_id: None,
        source: SourceKind::Manual,
        external_id: Some("bench-write".into()),
        fields: Default::default(),
        entered_by: None,
    };
    runtime.block_on(store.upsert_activities(&[logged], &pacer_core::audit::Actor::named("test"))).expect("log");
    let started = Instant::now();
    runtime.block_on(q1(&store, warm, &org, &catalog));
    eprintln!(
        "Q1 after one activity logged (that day's rollups read again): {:.0} ms",
        started.elapsed().as_secs_f64() * 1e3
    );
    runtime
        .block_on(store.delete_activities(
            SourceKind::Manual,
            &["bench-write".into()],
            &pacer_core::audit::Actor::named("test"),
        ))
        .expect("delete");
    runtime.block_on(q1(&store, warm, &org, &catalog));

    let mut group = c.benchmark_group("reports");
    group.bench_function("cube_snapshot_read_and_decoded", |b| {
        b.iter(|| {
            let kept = runtime.block_on(store.cube_snapshot()).expect("snapshot").expect("kept");
            black_box(pacer_core::report::DailyCube::from_snapshot(&kept.bytes).expect("reads back"))
        })
    });
    group.bench_function("q2_quota_attainment_3_years_warm", |b| {
        b.iter(|| black_box(runtime.block_on(q2(&store, warm, &org, &catalog, &plans))))
    });
    group.sample_size(10);
    group.bench_function("q1_activity_counts_company_3_years_warm", |b| {
        b.iter(|| black_box(runtime.block_on(q1(&store, warm, &org, &catalog))))
    });

    // One team of 20 reps (two teams of the data set) over one fiscal year, read from SQLite each time.
    let mut team_reps: Vec<RepId> = reps.values().copied().collect();
    team_reps.sort_unstable();
    let twenty: HashSet<RepId> = team_reps.into_iter().take(20).collect();
    let cold = Caches { warm: None, series: &series };
    let today = NaiveDate::from_ymd_opt(2024, 2, 1).expect("date");
    let scope = Scope { reps: Some(twenty), ..Scope::default() };
    let ctx =
        Context::with_org(&store, cold, org.clone(), Principal::command_line(), today).with_catalog(catalog.clone());
    group.bench_function("team_of_20_one_year_calls_from_sqlite", |b| {
        b.iter(|| black_box(runtime.block_on(report(&ctx, scope.clone(), &request("calls", 2024)))).expect("report"))
    });
    group.bench_function("team_of_20_one_year_all_types_from_sqlite", |b| {
        b.iter(|| {
            for t in TYPES {
                let r = runtime.block_on(report(&ctx, scope.clone(), &request(&format!("{t}s"), 2024)));
                black_box(r.expect("report"));
            }
        })
    });
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
