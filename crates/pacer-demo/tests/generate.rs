//! Properties of the generated demo organisation: determinism, structure,
//! consistency of every record with the people's employment, and the
//! statistics the demo is meant to show (churn, seasonality, activity mix).

use chrono::{Datelike, Days, NaiveDate, Timelike};
use pacer_core::fiscal_calendar::{FiscalCalendar, YearNaming};
use pacer_core::records::{DealKind, DealStatus, NewDeal, SourceKind};
use pacer_demo::{DemoConfig, DemoOrg, DemoRep, generate};
use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use std::sync::OnceLock;

/// The default organisation, generated once for all tests of this file.
fn default_org() -> &'static DemoOrg {
    static ORG: OnceLock<DemoOrg> = OnceLock::new();
    ORG.get_or_init(|| generate(&DemoConfig::default()))
}

fn date(text: &str) -> NaiveDate {
    text.parse().unwrap()
}

fn is_manager(rep: &DemoRep) -> bool {
    rep.title == "Sales Director" || rep.title == "Sales Manager"
}

fn employed(rep: &DemoRep, day: NaiveDate) -> bool {
    rep.hire_date <= day && rep.leave_date.is_none_or(|leave| day < leave)
}

/// First day of the history: the start of the fiscal year three years
/// before the one holding `today`.
fn history_start(org: &DemoOrg, today: NaiveDate) -> NaiveDate {
    let calendar = org.organisation.calendar;
    calendar.year(calendar.fiscal_year_of(today) - 3).unwrap().start
}

/// Accounts paying in each month, from the subscriptions.
fn paying_by_month(org: &DemoOrg) -> BTreeMap<NaiveDate, BTreeSet<i64>> {
    let mut months: BTreeMap<NaiveDate, BTreeSet<i64>> = BTreeMap::new();
    for row in &org.subscriptions {
        months.entry(row.month).or_default().insert(row.account_id);
    }
    months
}

#[test]
fn same_config_gives_the_same_org_and_another_seed_another() {
    let org = default_org();
    assert_eq!(&generate(&DemoConfig::default()), org);
    let other = generate(&DemoConfig { seed: 7, ..DemoConfig::default() });
    assert_ne!(other.reps, org.reps);
    assert_ne!(other.activities, org.activities);
    assert_ne!(other.deals, org.deals);
    assert_ne!(other.subscriptions, org.subscriptions);
    assert_eq!(DemoConfig::default(), DemoConfig { seed: 42, today: date("2026-11-26") });
}

#[test]
fn organisation_settings() {
    let org = &default_org().organisation;
    assert_eq!(org.name, "Northwind Software");
    assert_eq!(org.currency.as_str(), "USD");
    assert_eq!(org.calendar, FiscalCalendar::Monthly { start_month: 2, naming: YearNaming::EndYear });
    let fy2027 = org.calendar.year(2027).unwrap();
    assert_eq!((fy2027.start, fy2027.end), (date("2026-02-01"), date("2027-01-31")));
    let days = &org.working_days;
    for year in 2023..=2027 {
        for (month, day) in [(1, 1), (7, 4), (12, 25), (12, 26)] {
            let holiday = NaiveDate::from_ymd_opt(year, month, day).unwrap();
            assert!(days.holidays().contains(&holiday), "{holiday}");
        }
    }
    assert!(!days.is_working_day(date("2026-11-28")), "Saturday");
    assert!(!days.is_working_day(date("2025-11-27")), "Thanksgiving");
    assert!(days.is_working_day(date("2026-11-25")));
}

/// Checks everything that must hold whatever the seed and the day.
fn check_structure(org: &DemoOrg, today: NaiveDate) {
    let start = history_start(org, today);

    // Teams: ids in order, parents first, two regions of leaf teams.
    assert_eq!(org.teams.len(), 7);
    for (index, team) in org.teams.iter().enumerate() {
        assert_eq!(team.id, index as i64 + 1);
        if let Some(parent) = team.parent_id {
            assert!(parent < team.id, "{} comes before its parent", team.name);
            assert_eq!(org.teams[parent as usize - 1].region, team.region);
        }
        let manager = &org.reps[team.manager_id.unwrap() as usize - 1];
        let title = if team.parent_id.is_none() { "Sales Director" } else { "Sales Manager" };
        assert_eq!(manager.title, title, "manager of {}", team.name);
    }
    let names: Vec<&str> = org.teams.iter().map(|team| team.name.as_str()).collect();
    for name in ["Americas", "EMEA", "NA Enterprise", "NA Mid-Market", "LATAM", "EMEA North", "EMEA South"] {
        assert!(names.contains(&name), "{name}");
    }
    let leaves: BTreeSet<i64> =
        org.teams.iter().filter(|team| org.teams.iter().all(|t| t.parent_id != Some(team.id))).map(|t| t.id).collect();
    assert_eq!(leaves.len(), 5);

    // People: ids in order, unique e-mails and external ids, memberships.
    let mut emails = HashSet::new();
    let mut external_ids = HashSet::new();
    for (index, rep) in org.reps.iter().enumerate() {
        assert_eq!(rep.id, index as i64 + 1);
        assert!(emails.insert(rep.email.clone()), "{}", rep.email);
        assert!(external_ids.insert(rep.external_id.clone()));
        assert_eq!(rep.external_id, format!("SF-REP-{:04}", rep.id));
        let expected_email = format!("{}@northwind.example", rep.name.to_lowercase().replace(' ', "."));
        assert_eq!(rep.email, expected_email);
        assert_eq!(rep.teams[0].1, rep.hire_date, "{}", rep.name);
        assert!(rep.teams.windows(2).all(|w| w[0].1 < w[1].1 && w[0].0 != w[1].0));
        assert!(rep.teams.iter().all(|(team, _)| (1..=7).contains(team)));
        assert!(rep.hire_date <= today);
        if let Some(leave) = rep.leave_date {
            assert!(rep.hire_date < leave && leave <= today);
        }
        if !is_manager(rep) {
            assert!(rep.teams.iter().all(|(team, _)| leaves.contains(team)), "{} is in a leaf team", rep.name);
            let titles = ["Account Executive", "Senior Account Executive", "SDR"];
            assert!(titles.contains(&rep.title.as_str()), "{}", rep.title);
        }
    }
    let sellers: Vec<&DemoRep> = org.reps.iter().filter(|rep| !is_manager(rep)).collect();
    assert_eq!(org.reps.len() - sellers.len(), 7, "one manager per team");
    assert!((35..=45).contains(&sellers.len()), "{} quota-carrying reps", sellers.len());
    let leavers: Vec<&&DemoRep> = sellers.iter().filter(|rep| rep.leave_date.is_some()).collect();
    assert_eq!(leavers.len(), 1, "exactly one leaver");
    assert!(org.reps.iter().filter(|rep| rep.leave_date.is_some()).count() == 1);
    let leave = leavers[0].leave_date.unwrap();
    assert!(leave > today - Days::new(250), "left within the last eight months: {leave}");
    assert!(leavers[0].hire_date < start, "the leaver has a long history");
    let movers: Vec<&&DemoRep> = sellers.iter().filter(|rep| rep.teams.len() == 2).collect();
    assert_eq!(movers.len(), 1, "exactly one mover");
    assert!(org.reps.iter().all(|rep| rep.teams.len() <= 2));
    let moved = movers[0].teams[1].1;
    assert!(moved > today - Days::new(366) && moved < today, "moved within the last year: {moved}");
    assert!(movers[0].hire_date < start && movers[0].leave_date.is_none());
    let recent = sellers.iter().filter(|rep| rep.hire_date > today - Days::new(365)).count();
    assert!((4..=6).contains(&recent), "{recent} hired in the last year");
    let veterans = sellers.iter().filter(|rep| rep.hire_date < start).count();
    assert!(veterans * 4 > sellers.len() * 3, "most were there before the history");
    // Rosters (everyone ever in the team) before and after the move.
    for &team in &leaves {
        for roster in [|rep: &DemoRep| rep.teams[0].0, |rep: &DemoRep| rep.teams[rep.teams.len() - 1].0] {
            let size = sellers.iter().filter(|rep| roster(rep) == team).count();
            assert!((6..=10).contains(&size), "team {team} has {size} reps");
        }
    }
    let rep_of = |id: i64| -> &DemoRep {
        assert!(id >= 1 && id as usize <= org.reps.len(), "rep {id}");
        &org.reps[id as usize - 1]
    };

    // Accounts: ids in order, about 25 per quota-carrying rep.
    let mut per_owner: HashMap<i64, usize> = HashMap::new();
    for (index, account) in org.accounts.iter().enumerate() {
        assert_eq!(account.id, index as i64 + 1);
        let owner = rep_of(account.owner_id.unwrap());
        assert!(!is_manager(owner));
        *per_owner.entry(owner.id).or_default() += 1;
        let segments = ["SMB", "Mid-Market", "Enterprise"];
        assert!(segments.contains(&account.segment.as_deref().unwrap()));
    }
    assert_eq!(per_owner.len(), sellers.len());
    assert!(per_owner.values().all(|n| (20..=30).contains(n)));
    let account_ok = |id: i64| id >= 1 && id as usize <= org.accounts.len();

    // Activities: sorted, by quota-carrying reps while employed, in the history.
    assert!(org.activities.windows(2).all(|w| w[0].occurred_at <= w[1].occurred_at));
    for activity in &org.activities {
        let rep = rep_of(activity.rep_id);
        let day = activity.occurred_at.date();
        assert!(!is_manager(rep), "managers carry no activities");
        assert!(employed(rep, day), "{} active on {day}", rep.name);
        assert!(start <= day && day <= today, "{day}");
        assert!((8..18).contains(&activity.occurred_at.hour()), "{}", activity.occurred_at);
        assert!(account_ok(activity.account_id.unwrap()));
        match activity.activity_type.as_str() {
            "email" => {
                assert_eq!(activity.source, SourceKind::Integration);
                assert!(activity.external_id.as_deref().unwrap().starts_with("email-"));
            }
            "call" | "meeting" | "demo" => {
                assert_eq!(activity.source, SourceKind::Manual);
                assert_eq!(activity.external_id, None);
                assert!(activity.duration_s.unwrap() > 0);
            }
            other => panic!("unexpected activity type {other}"),
        }
    }

    // Deals: by quota-carrying reps while employed; only open deals look ahead.
    let mut deal_ids = HashSet::new();
    for deal in &org.deals {
        let rep = rep_of(deal.rep_id);
        assert!(!is_manager(rep), "managers carry no deals");
        assert!(account_ok(deal.account_id));
        assert!(deal.amount_minor > 0 && deal.amount_minor % 100 == 0);
        assert_eq!(deal.source, SourceKind::Import);
        let id = deal.external_id.clone().unwrap();
        assert!(id.starts_with("SF-OPP-"));
        assert!(deal_ids.insert(id));
        assert!(start <= deal.created_on && deal.created_on <= closes(deal));
        assert!(employed(rep, deal.created_on) && deal.created_on <= today);
        match deal.status {
            DealStatus::Won | DealStatus::Lost => {
                assert!(employed(rep, closes(deal)), "{} closed a deal on {}", rep.name, closes(deal));
                assert!(closes(deal) <= today);
                let stage = if deal.status == DealStatus::Won { "Closed Won" } else { "Closed Lost" };
                assert_eq!(deal.stage, stage);
            }
            DealStatus::Open => {
                assert!(employed(rep, today));
                assert!(closes(deal) > today && closes(deal) <= today + Days::new(125));
                assert!(["Discovery", "Qualification", "Proposal", "Negotiation"].contains(&deal.stage.as_str()));
                assert_ne!(deal.kind, DealKind::Renewal);
            }
        }
    }
    let open_per_rep = |rep: &DemoRep| {
        org.deals.iter().filter(|deal| deal.status == DealStatus::Open && deal.rep_id == rep.id).count()
    };
    for rep in &sellers {
        let expected = if employed(rep, today) { 3..=6 } else { 0..=0 };
        assert!(expected.contains(&open_per_rep(rep)), "{} open deals", rep.name);
    }

    // Subscriptions: first days of months in the history, positive whole dollars, one per account and month.
    let mut seen = HashSet::new();
    for row in &org.subscriptions {
        assert!(account_ok(row.account_id));
        assert_eq!(row.month.day(), 1);
        assert!(start <= row.month && row.month <= today);
        assert!(row.mrr_minor > 0 && row.mrr_minor % 100 == 0);
        assert!(seen.insert((row.account_id, row.month)));
    }
    let months = paying_by_month(org);
    let month_count = (today.year() - start.year()) * 12 + today.month() as i32 - start.month() as i32 + 1;
    assert_eq!(months.len() as i32, month_count, "someone pays in every month of the history");

    // Every won new deal is an account starting (again) to pay that month;
    // every expansion is an increase of MRR that month.
    let mrr: HashMap<(i64, NaiveDate), i64> =
        org.subscriptions.iter().map(|row| ((row.account_id, row.month), row.mrr_minor)).collect();
    let first_of = |day: NaiveDate| day.with_day(1).unwrap();
    for deal in org.deals.iter().filter(|deal| deal.status == DealStatus::Won) {
        let month = first_of(closes(deal));
        let now = mrr.get(&(deal.account_id, month)).copied().unwrap_or(0);
        let before = month.pred_opt().map(first_of).and_then(|m| mrr.get(&(deal.account_id, m))).copied();
        match deal.kind {
            DealKind::New => {
                assert_eq!(deal.amount_minor, 12 * now, "a new deal is a year of the new MRR");
                if month > start {
                    assert_eq!(before, None, "account {} was not paying before {month}", deal.account_id);
                }
            }
            DealKind::Upsell | DealKind::CrossSell => assert!(now > before.unwrap_or(0)),
            DealKind::Renewal => assert!(now > 0, "a won renewal keeps paying"),
        }
    }
}

#[test]
fn structure_of_the_default_org() {
    check_structure(default_org(), DemoConfig::default().today);
    let org = default_org();
    assert!((900..=1200).contains(&org.accounts.len()), "{} accounts", org.accounts.len());
    // About 60% of the accounts pay when the history starts.
    let first_month = org.subscriptions[0].month;
    let paying = org.subscriptions.iter().filter(|row| row.month == first_month).count();
    let share = paying as f64 / org.accounts.len() as f64;
    assert!((0.5..0.7).contains(&share), "{share}");
    // Enterprise accounts mostly belong to NA Enterprise.
    let team_of = |rep_id: i64| org.reps[rep_id as usize - 1].teams[0].0;
    let enterprise: Vec<i64> = org
        .accounts
        .iter()
        .filter(|account| account.segment.as_deref() == Some("Enterprise"))
        .map(|account| team_of(account.owner_id.unwrap()))
        .collect();
    let in_enterprise_team = enterprise.iter().filter(|&&team| team == 2).count();
    assert!(in_enterprise_team * 2 > enterprise.len(), "{in_enterprise_team} of {}", enterprise.len());
}

#[test]
fn churn_is_about_six_percent_a_year_with_some_reactivations() {
    let months: Vec<BTreeSet<i64>> = paying_by_month(default_org()).into_values().collect();
    let rates: Vec<f64> =
        months.windows(2).map(|pair| pair[0].difference(&pair[1]).count() as f64 / pair[0].len() as f64).collect();
    let monthly = rates.iter().sum::<f64>() / rates.len() as f64;
    let annual = 1.0 - (1.0 - monthly).powi(12);
    assert!((0.04..=0.08).contains(&annual), "annual churn {annual}");

    let mut ever_paid = BTreeSet::new();
    let mut reactivations = 0;
    for pair in months.windows(2) {
        ever_paid.extend(pair[0].iter().copied());
        reactivations += pair[1].iter().filter(|a| !pair[0].contains(a) && ever_paid.contains(a)).count();
    }
    assert!(reactivations >= 3, "{reactivations} reactivations");
}

/// Shares of the won amount of the full fiscal years closed in November to
/// January and in June to August.
fn q4_and_summer_shares(org: &DemoOrg, today: NaiveDate) -> (f64, f64) {
    let start = history_start(org, today);
    let current_year = org.organisation.calendar.year(org.organisation.calendar.fiscal_year_of(today)).unwrap();
    let mut by_month = [0_i64; 12];
    for deal in &org.deals {
        if deal.status == DealStatus::Won && closes(deal) >= start && closes(deal) < current_year.start {
            by_month[closes(deal).month0() as usize] += deal.amount_minor;
        }
    }
    let total: i64 = by_month.iter().sum();
    let share = |months: [usize; 3]| months.iter().map(|m| by_month[m - 1]).sum::<i64>() as f64 / total as f64;
    (share([11, 12, 1]), share([6, 7, 8]))
}

#[test]
fn won_revenue_peaks_in_fiscal_q4_and_dips_in_summer() {
    let (q4, summer) = q4_and_summer_shares(default_org(), DemoConfig::default().today);
    assert!(q4 > summer * 1.2, "Nov-Jan {q4:.3} against Jun-Aug {summer:.3}");
}

#[test]
fn deal_mix() {
    let org = default_org();
    let count = |status, kind| org.deals.iter().filter(|d| d.status == status && d.kind == kind).count();
    let won_new = count(DealStatus::Won, DealKind::New);
    let lost_new = count(DealStatus::Lost, DealKind::New);
    assert!(won_new >= 100, "{won_new} won new deals");
    assert!((1.5..2.5).contains(&(lost_new as f64 / won_new as f64)), "{lost_new} lost for {won_new} won");
    assert!(count(DealStatus::Won, DealKind::Renewal) > 1000);
    assert!(count(DealStatus::Lost, DealKind::Renewal) > 50);
    assert!(count(DealStatus::Won, DealKind::Upsell) + count(DealStatus::Won, DealKind::CrossSell) > 200);
}

#[test]
fn activity_mix_and_email_ids() {
    let org = default_org();
    let total = org.activities.len();
    assert!((250_000..=350_000).contains(&total), "{total} activities");
    let mut ids = HashSet::new();
    for activity in org.activities.iter().filter(|a| a.activity_type == "email") {
        assert!(ids.insert(activity.external_id.as_deref().unwrap()), "duplicate {:?}", activity.external_id);
    }
    let mut by_type: HashMap<&str, usize> = HashMap::new();
    for activity in &org.activities {
        *by_type.entry(activity.activity_type.as_str()).or_default() += 1;
    }
    for (kind, expected) in [("call", 3.5 / 8.0), ("email", 3.0 / 8.0), ("meeting", 1.0 / 8.0), ("demo", 0.5 / 8.0)] {
        let share = by_type[kind] as f64 / total as f64;
        assert!((share - expected).abs() < 0.02, "{kind}: {share:.3}, expected {expected:.3}");
    }
    // Almost nothing on weekends and holidays.
    let days = &org.organisation.working_days;
    let off = org.activities.iter().filter(|a| !days.is_working_day(a.occurred_at.date())).count();
    assert!((off as f64) < total as f64 * 0.01, "{off} on days off");
    // Fewer activities in summer than in spring, per working day.
    let per_day = |month: u32| {
        let n = org.activities.iter().filter(|a| a.occurred_at.month() == month).count() as f64;
        let worked = (2023..=2026)
            .map(|year| {
                let first = NaiveDate::from_ymd_opt(year, month, 1).unwrap();
                days.count(first, first + chrono::Months::new(1) - Days::new(1))
            })
            .sum::<u32>();
        n / f64::from(worked)
    };
    assert!(per_day(8) < per_day(5) * 0.9, "August {} against May {}", per_day(8), per_day(5));
}

/// A few other seeds and days: every check holds, not just for the default.
#[test]
fn structure_holds_for_other_seeds_and_days() {
    let first = date("2024-01-01");
    for seed in [3_u64, 11, 19, 33] {
        // A day every 41 days or so over five years: every month and fiscal position.
        let today = first + Days::new(seed * 31 % 1826);
        let org = generate(&DemoConfig { seed, today });
        check_structure(&org, today);
        let months: Vec<BTreeSet<i64>> = paying_by_month(&org).into_values().collect();
        let mut ever_paid = BTreeSet::new();
        let mut reactivations = 0;
        for pair in months.windows(2) {
            ever_paid.extend(pair[0].iter().copied());
            reactivations += pair[1].iter().filter(|a| !pair[0].contains(a) && ever_paid.contains(a)).count();
        }
        assert!(reactivations >= 3, "seed {seed}: {reactivations} reactivations");
        let (q4, summer) = q4_and_summer_shares(&org, today);
        assert!(q4 > summer * 1.2, "seed {seed}: Nov-Jan {q4:.3} against Jun-Aug {summer:.3}");
    }
}

#[test]
fn the_demo_catalog_checks_clean_and_covers_every_readiness_case() {
    use pacer_core::catalog::{CaptureMethod, check};
    let today = date("2026-11-26");
    let text = pacer_demo::catalog_toml(today);
    let checked = check("metrics.toml", &text, None);
    assert!(checked.problems.is_empty(), "{:?}", checked.problems);
    let catalog = checked.valid().unwrap();
    assert!((12..=15).contains(&catalog.kpis.len()));
    assert_eq!(catalog.by_priority()[0].key(), "new_business");
    let method = |key: &str| catalog.kpi(key).unwrap().capture.method;
    assert_eq!(method("calls_made"), CaptureMethod::Manual);
    assert_eq!(method("emails_sent"), CaptureMethod::Automatic);
    assert_eq!(method("event_attendance"), CaptureMethod::Planned);
    assert_eq!(catalog.kpi("event_attendance").unwrap().capture.setup_days, Some(10));
    assert_eq!(method("time_in_crm"), CaptureMethod::Unavailable);
    let since = catalog.kpi("connected_calls").unwrap().tracked_since.unwrap().0;
    assert_eq!(since, pacer_demo::call_outcome_since(today));
    assert_eq!(since, date("2026-06-01"));
}

/// The close day of a demo deal: every one has one.
fn closes(deal: &NewDeal) -> NaiveDate {
    deal.close_date.expect("every demo deal has a close date")
}
