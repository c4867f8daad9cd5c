use super::*;
use crate::fiscal_calendar::{FiscalCalendar, PeriodKind, YearNaming};
use crate::rollup::{ActivityDayKey, Change, DealDayKey, RollupDelta};
use crate::testing::{activity, catalog, day, deal};
use proptest::prelude::*;

/// Additive KPIs of each kind, a ratio of two of them, and a filtered one.
fn kpis() -> Catalog {
    catalog(&[
        ("calls", "count", r#"kind = "activity_count", types = ["call"]"#),
        ("touches", "count", r#"kind = "activity_count", types = ["call", "demo"]"#),
        ("call_minutes", "duration", r#"kind = "activity_sum", types = ["call"], field = "duration_minutes""#),
        ("talk_time", "duration", r#"kind = "activity_average", types = ["call"], field = "duration_minutes""#),
        ("won_new", "currency", r#"kind = "deal_amount", deal_kinds = ["new"]"#),
        ("wins", "count", r#"kind = "deal_count""#),
        ("win_per_demo", "percent", r#"kind = "ratio", numerator = "wins", denominator = "demos""#),
        ("demos", "count", r#"kind = "activity_count", types = ["demo"]"#),
        ("connected", "count", r#"kind = "activity_count", types = ["call"], where = { outcome = "connected" }"#),
    ])
}

fn team(id: TeamId, name: &str, parent: Option<TeamId>) -> Team {
    Team { id, name: name.into(), region: None, parent_id: parent, manager_id: None, active: true }
}

fn rep(id: RepId, name: &str) -> Rep {
    Rep {
        id,
        name: name.into(),
        email: None,
        title: None,
        team_id: None,
        hire_date: day("2020-01-01"),
        leave_date: None,
        external_id: None,
    }
}

/// Company 1 with teams 2 and 3 under it; rep 12 moves from team 2 to team 3 on 1 August.
fn org() -> OrgView {
    let m = |rep_id, team_id, from: &str, to: Option<&str>| Membership {
        rep_id,
        team_id,
        valid_from: day(from),
        valid_to: to.map(day),
    };
    OrgView::new(
        vec![rep(11, "Ada"), rep(12, "Bo"), rep(13, "Cy")],
        vec![team(1, "Sales", None), team(2, "East", Some(1)), team(3, "West", Some(1))],
        vec![
            m(11, 2, "2020-01-01", None),
            m(12, 2, "2020-01-01", Some("2026-08-01")),
            m(12, 3, "2026-08-01", None),
            m(13, 3, "2020-01-01", None),
        ],
    )
}

fn periods() -> Vec<FiscalPeriod> {
    let calendar = FiscalCalendar::monthly(2, YearNaming::EndYear).expect("calendar");
    let mut out = calendar.periods(2027, PeriodKind::Month).expect("months");
    out.extend(calendar.periods(2027, PeriodKind::Quarter).expect("quarters"));
    out.push(calendar.year(2027).expect("year"));
    out
}

/// The cube the storage would hold for these records.
fn cube_of(activities: &[ActivityRecord], deals: &[DealRecord]) -> DailyCube {
    let mut delta = RollupDelta::default();
    for a in activities {
        let key =
            ActivityDayKey { rep_id: a.rep_id, day: a.occurred_at.date(), activity_type: a.activity_type.clone() };
        delta.activity(Change::Add, key, a.duration_s);
    }
    for d in deals {
        delta.deal(Change::Add, DealDayKey::of(d.rep_id, d.close_date, d.kind, d.status), d.amount_minor);
    }
    let mut cube = DailyCube::default();
    for (k, t) in delta.activity_changes() {
        cube.add_activity(k.rep_id, k.day, &k.activity_type, t);
    }
    for (k, t) in delta.deal_changes() {
        cube.add_deal(k.rep_id, k.day, k.kind, k.status, t);
    }
    // Sealed or not, the answer is the same; half the cases check each way.
    if activities.len().is_multiple_of(2) {
        cube.seal();
    }
    cube
}

fn close(a: &KpiValue, b: &KpiValue) -> bool {
    match (a, b) {
        (KpiValue::Number(x), KpiValue::Number(y)) | (KpiValue::Rate(x), KpiValue::Rate(y)) => (x - y).abs() < 1e-9,
        _ => a == b,
    }
}

fn both_ways(
    catalog: &Catalog,
    key: &str,
    activities: &[ActivityRecord],
    deals: &[DealRecord],
    grouping: Grouping,
    scope: &Scope,
) {
    let org = org();
    let periods = periods();
    let measure = crate::kpi::rollup_measure(catalog, key).expect("known").expect("additive");
    let revenue = HashMap::new();
    let records = RawRecords { activities, deals, revenue: &revenue };
    let slow = raw_report(catalog, key, records, &org, grouping, &periods, scope).expect("evaluates");
    // Unsealed, every rep's series; sealed, a company report of everyone reads the company's.
    for sealed in [false, true] {
        let mut cube = cube_of(activities, deals);
        if sealed {
            cube.seal();
        }
        let fast = rollup_report(&measure, &cube, &org, grouping, &periods, scope);
        assert_eq!(fast.len(), slow.len(), "{key} by {grouping}");
        for (f, s) in fast.iter().zip(&slow) {
            assert_eq!(f.owner, s.owner);
            for (p, (x, y)) in f.values.iter().zip(&s.values).enumerate() {
                assert!(
                    close(x, y),
                    "{key} by {grouping}, {}, period {p}, sealed {sealed}: rollup {x:?}, raw {y:?}",
                    f.name
                );
            }
        }
    }
}

#[test]
fn history_stays_with_the_team_of_the_day() {
    let catalog = kpis();
    // Bo (12) calls once in June (team East) and once in September (team West).
    let activities = vec![
        activity(1, 12, "call", day("2026-06-10"), Some(5), Some("connected")),
        activity(2, 12, "call", day("2026-09-10"), None, Some("voicemail")),
    ];
    let measure = crate::kpi::rollup_measure(&catalog, "calls").expect("known").expect("additive");
    let periods = periods();
    let rows = rollup_report(&measure, &cube_of(&activities, &[]), &org(), Grouping::Team, &periods, &Scope::default());
    let year = periods.len() - 1;
    let value = |name: &str| rows.iter().find(|r| r.name == name).map(|r| r.values[year].clone());
    assert_eq!(value("East"), Some(KpiValue::Count(1)));
    assert_eq!(value("West"), Some(KpiValue::Count(1)));
    // The parent team counts both, once each.
    assert_eq!(value("Sales"), Some(KpiValue::Count(2)));
    // Fiscal month 5 (June) belongs to East, month 8 (September) to West.
    let east = rows.iter().find(|r| r.name == "East").expect("east");
    assert_eq!(east.values[4], KpiValue::Count(1));
    assert_eq!(east.values[7], KpiValue::Count(0));
}

#[test]
fn a_year_ratio_is_the_ratio_of_the_sums() {
    let catalog = kpis();
    // February: 1 win of 1 demo (100%); March: 1 win of 4 demos (25%). The
    // year is 2 / 5 = 40%, not the 62.5% mean of the months.
    let mut activities = vec![activity(1, 11, "demo", day("2026-02-03"), None, None)];
    for i in 0..4 {
        activities.push(activity(2 + i, 11, "demo", day("2026-03-03"), None, None));
    }
    let deals = vec![
        deal(1, 11, DealKind::New, DealStatus::Won, 1_000, day("2026-02-20")),
        deal(2, 11, DealKind::New, DealStatus::Won, 1_000, day("2026-03-20")),
    ];
    let measure = crate::kpi::rollup_measure(&catalog, "win_per_demo").expect("known").expect("additive");
    let periods = periods();
    let rows =
        rollup_report(&measure, &cube_of(&activities, &deals), &org(), Grouping::Company, &periods, &Scope::default());
    assert_eq!(rows[0].values[0], KpiValue::Rate(1.0));
    assert_eq!(rows[0].values[1], KpiValue::Rate(0.25));
    assert_eq!(rows[0].values[periods.len() - 1], KpiValue::Rate(0.4));
    // April has no demos: no figure rather than a made-up zero.
    assert!(matches!(rows[0].values[2], KpiValue::NoFigure(_)));
}

#[test]
fn filtered_kpis_need_raw_records() {
    let catalog = kpis();
    assert_eq!(crate::kpi::rollup_measure(&catalog, "connected").expect("known"), None);
    assert!(crate::kpi::rollup_measure(&catalog, "nope").is_err());
}

#[test]
fn leaderboard_ties_share_a_rank() {
    let ranks: Vec<(usize, i64)> = rank(
        vec![(1, "a".into(), 5), (2, "b".into(), 9), (3, "c".into(), 5), (4, "d".into(), 1)],
        Direction::HigherIsBetter,
    )
    .iter()
    .map(|s| (s.rank, s.value))
    .collect();
    assert_eq!(ranks, vec![(1, 9), (2, 5), (2, 5), (4, 1)]);
    let lower: Vec<usize> =
        rank(vec![(1, "a".into(), 0.5), (2, "b".into(), 0.1), (3, "c".into(), 0.1)], Direction::LowerIsBetter)
            .iter()
            .map(|s| s.rank)
            .collect();
    assert_eq!(lower, vec![1, 1, 3]);
    assert!(rank(Vec::<(RepId, String, i64)>::new(), Direction::HigherIsBetter).is_empty());
}

fn records() -> impl Strategy<Value = (Vec<ActivityRecord>, Vec<DealRecord>)> {
    let activity_strategy = (11i64..=13, prop::bool::ANY, 0u64..400, prop::option::of(0i64..90), prop::bool::ANY);
    let deal_strategy = (11i64..=13, 0usize..4, 0usize..3, 0i64..1_000_000, 0u64..400);
    (prop::collection::vec(activity_strategy, 0..60), prop::collection::vec(deal_strategy, 0..30)).prop_map(
        |(acts, deals)| {
            let start = day("2026-01-15");
            let activities = acts
                .into_iter()
                .enumerate()
                .map(|(i, (rep, is_call, offset, minutes, connected))| {
                    let (kind, outcome) = if is_call {
                        ("call", Some(if connected { "connected" } else { "voicemail" }))
                    } else {
                        ("demo", None)
                    };
                    activity(i as i64, rep, kind, start + chrono::Days::new(offset), minutes, outcome)
                })
                .collect();
            let kinds = [DealKind::New, DealKind::Upsell, DealKind::CrossSell, DealKind::Renewal];
            let statuses = [DealStatus::Open, DealStatus::Won, DealStatus::Lost];
            let deals = deals
                .into_iter()
                .enumerate()
                .map(|(i, (rep, k, s, amount, offset))| {
                    let d = deal(i as i64, rep, kinds[k], statuses[s], amount, start + chrono::Days::new(offset));
                    // Some open deals have no close date: in no report, on rollups and raw alike.
                    let undated = statuses[s] == DealStatus::Open && offset >= 380;
                    DealRecord { close_date: d.close_date.filter(|_| !undated), ..d }
                })
                .collect();
            (activities, deals)
        },
    )
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    /// Summing rollups gives what evaluating the raw records gives, for every
    /// additive KPI, grouping and scope.
    #[test]
    fn rollups_agree_with_raw_records((activities, deals) in records(), east_only in prop::bool::ANY, new_only in prop::bool::ANY) {
        let catalog = kpis();
        let scope = Scope {
            teams: east_only.then(|| HashSet::from([2])),
            reps: None,
            deal_kinds: new_only.then(|| vec![DealKind::New]),
        };
        for key in ["calls", "touches", "call_minutes", "talk_time", "won_new", "wins", "win_per_demo"] {
            for grouping in [Grouping::Rep, Grouping::Team, Grouping::Company] {
                both_ways(&catalog, key, &activities, &deals, grouping, &scope);
            }
        }
    }
}

/// Every row of a cube, in a canonical order, with its row count and span.
type Listing = (Vec<(RepId, String, Day, u32, i64, u32)>, Vec<(RepId, DealKind, DealStatus, Day, u32, i64)>);

fn listing(cube: &DailyCube) -> (Listing, usize, Option<(NaiveDate, NaiveDate)>) {
    let mut activities = Vec::new();
    for ((rep, t), s) in &cube.activity_series {
        for i in 0..s.days.len() {
            let name = cube.types[usize::from(*t)].clone();
            activities.push((*rep, name, s.days[i], s.n[i], s.duration_s[i], s.duration_n[i]));
        }
        assert!(s.days.is_sorted(), "series stay in day order");
    }
    let mut deals = Vec::new();
    for ((rep, kind, status), s) in &cube.deal_series {
        for i in 0..s.days.len() {
            deals.push((*rep, *kind, *status, s.days[i], s.n[i], s.amount_minor[i]));
        }
        assert!(s.days.is_sorted(), "series stay in day order");
    }
    activities.sort_by(|a, b| (a.0, &a.1, a.2).cmp(&(b.0, &b.1, b.2)));
    deals.sort_by_key(|d| (d.0, d.1.as_str(), d.2.as_str(), d.3));
    ((activities, deals), cube.cells(), cube.span())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(128))]

    /// A cube whose days `[from, to]` are replaced by the rollups of those
    /// days after a change holds what a cube read after the change holds.
    #[test]
    fn replacing_days_equals_reading_again(
        (before_a, before_d) in records(),
        (after_a, after_d) in records(),
        first in 0u64..400,
        length in 0u64..60,
    ) {
        let start = day("2026-01-15");
        let (from, to) = (start + chrono::Days::new(first), start + chrono::Days::new(first + length));
        let inside_a = |a: &&ActivityRecord| (from..=to).contains(&a.occurred_at.date());
        let inside_d = |d: &&DealRecord| d.close_date.is_some_and(|day| (from..=to).contains(&day));
        // After the change: the old records outside the days, the new ones inside.
        let final_a: Vec<ActivityRecord> = before_a.iter().filter(|a| !inside_a(a))
            .chain(after_a.iter().filter(inside_a)).cloned().collect();
        let final_d: Vec<DealRecord> = before_d.iter().filter(|d| !inside_d(d))
            .chain(after_d.iter().filter(inside_d)).cloned().collect();
        let sealed = |a: &[ActivityRecord], d: &[DealRecord]| { let mut c = cube_of(a, d); c.seal(); c };
        let fresh_a: Vec<ActivityRecord> = after_a.iter().filter(inside_a).cloned().collect();
        let fresh_d: Vec<DealRecord> = after_d.iter().filter(inside_d).cloned().collect();
        let mut cube = sealed(&before_a, &before_d);
        // The company's series are computed before the change, and must not outlive it.
        let company = |cube: &DailyCube, key: &str| {
            let measure = crate::kpi::rollup_measure(&kpis(), key).expect("known").expect("additive");
            rollup_report(&measure, cube, &org(), Grouping::Company, &periods(), &Scope::default())
        };
        let _ = (company(&cube, "calls"), company(&cube, "won_new"));
        cube.replace_activity_days(from, to, &sealed(&fresh_a, &[]));
        prop_assert_eq!(company(&cube, "calls"), company(&sealed(&final_a, &before_d), "calls"));
        cube.replace_deal_days(from, to, &sealed(&[], &fresh_d));
        let reread = sealed(&final_a, &final_d);
        prop_assert_eq!(listing(&cube), listing(&reread));
        for key in ["calls", "won_new"] {
            prop_assert_eq!(company(&cube, key), company(&reread, key));
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(128))]

    /// A cube read back from its snapshot holds every row, count and span it held.
    #[test]
    fn a_snapshot_reads_back_the_same_cube((activities, deals) in records(), sealed in prop::bool::ANY) {
        let mut cube = cube_of(&activities, &deals);
        if sealed {
            cube.seal();
        }
        let back = DailyCube::from_snapshot(&cube.snapshot()).expect("a snapshot reads back");
        let mut expected = cube.clone();
        expected.seal();
        prop_assert_eq!(listing(&back), listing(&expected));
    }

    /// A snapshot cut short or with a byte altered is refused or reads back as some cube, and
    /// never panics.
    #[test]
    fn a_damaged_snapshot_is_refused_without_a_panic(
        (activities, deals) in records(),
        cut in 0usize..4000,
        flip in 0usize..4000,
        byte in 0u8..=255,
    ) {
        let bytes = cube_of(&activities, &deals).snapshot();
        let short = &bytes[..cut.min(bytes.len().saturating_sub(1))];
        prop_assert!(DailyCube::from_snapshot(short).is_err());
        let mut altered = bytes.clone();
        let at = flip % altered.len();
        altered[at] = byte;
        let _ = DailyCube::from_snapshot(&altered);
    }
}

#[test]
fn another_format_is_refused_by_name() {
    assert_eq!(DailyCube::from_snapshot(b"PACERCUBE\x02rest").err(), Some(SnapshotError::Format));
    assert_eq!(DailyCube::from_snapshot(b"").err(), Some(SnapshotError::Format));
    let empty = DailyCube::default().snapshot();
    let back = DailyCube::from_snapshot(&empty).expect("an empty cube reads back");
    assert_eq!((back.cells(), back.span()), (0, None));
}
