//! A pure, deterministic generator of a realistic demo sales organisation,
//! for `pacer demo` (C11): teams, reps, accounts, three full fiscal years of
//! activities, deals and monthly recurring revenue plus the current year to
//! date.
//!
//! No I/O, no clock: `today` is part of the configuration, and the same
//! configuration always gives the same organisation (the random numbers come
//! from ChaCha8 streams seeded by [`DemoConfig::seed`]).

#![warn(missing_docs)]

mod activities;
mod calendar;
mod dist;
mod exports;
mod french;
mod names;
mod people;
mod revenue;

pub use exports::{SampleFile, sample_exports};
pub use french::{catalog_in, plan_name, scenario_name, speak};

use chrono::{Datelike, NaiveDate};
use pacer_core::fiscal_calendar::{FiscalCalendar, YearNaming};
use pacer_core::money::Currency;
use pacer_core::org::Organisation;
use pacer_core::records::{NewAccount, NewActivity, NewDeal, SubscriptionMonth};
use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;

/// What the demo organisation is generated from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct DemoConfig {
    /// Seed of every random choice: the same seed gives the same organisation.
    pub seed: u64,
    /// The last day of the history (nothing is dated after it but the
    /// expected close dates of open deals).
    pub today: NaiveDate,
}

impl Default for DemoConfig {
    /// Seed 42, today 2026-11-26.
    fn default() -> Self {
        Self { seed: 42, today: calendar::ymd(2026, 11, 26) }
    }
}

/// A team of the demo organisation; its id is its position in
/// [`DemoOrg::teams`] plus one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DemoTeam {
    /// Identifier (1-based position in [`DemoOrg::teams`]).
    pub id: i64,
    /// Unique name, e.g. "NA Enterprise".
    pub name: String,
    /// Region ("Americas" or "EMEA").
    pub region: Option<String>,
    /// The team above this one (a region team), if any.
    pub parent_id: Option<i64>,
    /// The rep record of the team's manager (or director, for a region).
    pub manager_id: Option<i64>,
}

/// A person of the demo organisation (quota-carrying rep or manager); its id
/// is its position in [`DemoOrg::reps`] plus one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DemoRep {
    /// Identifier (1-based position in [`DemoOrg::reps`]).
    pub id: i64,
    /// Full name.
    pub name: String,
    /// E-mail, `firstname.lastname@northwind.example`, unique.
    pub email: String,
    /// Job title: "Sales Director", "Sales Manager", "Senior Account
    /// Executive", "Account Executive" or "SDR".
    pub title: String,
    /// First working day.
    pub hire_date: NaiveDate,
    /// Day after the last working day, for the rep who left.
    pub leave_date: Option<NaiveDate>,
    /// CRM identifier, "SF-REP-0001" style.
    pub external_id: String,
    /// effective-dated memberships: (team id, valid_from) in date order; the first one starts on the hire date
    pub teams: Vec<(i64, NaiveDate)>,
}

/// The whole demo organisation, ready to be inserted in order into an empty
/// database.
#[derive(Debug, Clone, PartialEq)]
pub struct DemoOrg {
    /// Settings: name, currency, fiscal calendar (February start), working days.
    pub organisation: Organisation,
    /// Teams, ids 1..=n in this order; parents come before children.
    pub teams: Vec<DemoTeam>,
    /// People, ids 1..=m in this order; the managers come first.
    pub reps: Vec<DemoRep>,
    /// Accounts, ids 1..=N in this order, each owned by a quota-carrying rep.
    pub accounts: Vec<NewAccount>,
    /// Activities, sorted by `occurred_at`.
    pub activities: Vec<NewActivity>,
    /// Deals (won, lost and open), sorted by `created_on`.
    pub deals: Vec<NewDeal>,
    /// Monthly recurring revenue, only months with MRR > 0, sorted by month then account.
    pub subscriptions: Vec<SubscriptionMonth>,
}

/// Generates the demo organisation for `config`: pure and deterministic.
///
/// The history covers the three fiscal years before the one holding `today`
/// and that year up to `today`.
///
/// # Panics
/// Only if `today` lies within a few years of chrono's date limits.
pub fn generate(config: &DemoConfig) -> DemoOrg {
    let span = calendar::Span::new(config.today);
    // Holidays up to the year after today: open deals close in the future.
    let working_days = calendar::working_days(span.start.year(), config.today.year() + 1);
    let organisation = Organisation {
        name: "Northwind Software".into(),
        currency: Currency::parse("USD").expect("USD is a valid code"),
        calendar: FiscalCalendar::Monthly { start_month: calendar::FISCAL_START_MONTH, naming: YearNaming::EndYear },
        working_days,
        churn_band: Default::default(),
        churn_reasons: pacer_core::churn::default_reasons(),
        pipeline_stages: Default::default(),
        horizon: Some(horizon(config.today)),
        seasonality_years: None,
        time_zone: "America/New_York".parse().expect("a known time zone"),
        digest: Default::default(),
        language: None,
    };

    // Separate streams so that a change to one part leaves the others alone.
    let people = people::generate(&mut stream(config.seed, 0), &span);
    let accounts = revenue::accounts(&mut stream(config.seed, 1), &people);
    let (subscriptions, deals) =
        revenue::simulate(stream(config.seed, 2), &span, &organisation.working_days, &people, &accounts);
    let activities = activities::generate(
        config.seed,
        &span,
        &organisation.working_days,
        &people,
        &accounts,
        call_outcome_since(config.today),
    );

    DemoOrg {
        organisation,
        teams: people.teams,
        reps: people.reps,
        accounts: accounts.records,
        activities,
        deals,
        subscriptions,
    }
}

/// The day the demo's telephony integration started reporting call
/// outcomes: the first day of the fifth fiscal month (June) of the fiscal
/// year holding `today`, or of the year before when that is still to come.
/// The "connected calls" KPI is tracked from then: a KPI added mid-year.
pub fn call_outcome_since(today: NaiveDate) -> NaiveDate {
    let fy_start_year = if today.month() >= calendar::FISCAL_START_MONTH { today.year() } else { today.year() - 1 };
    let in_year = |year: i32| NaiveDate::from_ymd_opt(year, calendar::FISCAL_START_MONTH + 4, 1).unwrap_or(today);
    let this_year = in_year(fy_start_year);
    if this_year <= today { this_year } else { in_year(fy_start_year - 1) }
}

/// The demo's long-term strategy: two years of acquisition from the current fiscal year, then
/// four of expansion, each with its KPI priorities and growth assumptions.
pub fn horizon(today: NaiveDate) -> pacer_core::plan::Horizon {
    use pacer_core::growth::{NewBusiness, YearAssumption};
    use pacer_core::plan::{Horizon, Stage};
    let fy = today.year() + i32::from(today.month() >= calendar::FISCAL_START_MONTH);
    let weights = |pairs: &[(&str, f64)]| pairs.iter().map(|(k, w)| (k.to_string(), *w)).collect();
    Horizon {
        first_year: fy,
        stages: vec![
            Stage {
                name: "acquisition".into(),
                first_year: fy,
                last_year: fy + 1,
                kpi_weights: weights(&[("new_business", 0.5), ("demos_given", 0.3), ("expansion", 0.2)]),
                customers: YearAssumption {
                    churn_rate: 0.06,
                    expansion_rate: 0.0,
                    new_business: NewBusiness::NetGrowth(0.25),
                },
                revenue: YearAssumption {
                    churn_rate: 0.05,
                    expansion_rate: 0.08,
                    new_business: NewBusiness::NetGrowth(0.30),
                },
            },
            Stage {
                name: "expansion".into(),
                first_year: fy + 2,
                last_year: fy + 5,
                kpi_weights: weights(&[("expansion", 0.5), ("nrr", 0.3), ("new_business", 0.2)]),
                customers: YearAssumption {
                    churn_rate: 0.05,
                    expansion_rate: 0.0,
                    new_business: NewBusiness::NetGrowth(0.10),
                },
                revenue: YearAssumption {
                    churn_rate: 0.04,
                    expansion_rate: 0.15,
                    new_business: NewBusiness::NetGrowth(0.20),
                },
            },
        ],
    }
}

/// The demo's metric catalog (`metrics.toml`) for an organisation generated
/// on `today`: about a dozen KPIs covering every case of the readiness
/// report (revenue first; manual calls with imperfect completeness;
/// automatic e-mails; a KPI planned with 10 days of setup; one unavailable
/// with alternatives; one tracked from mid-year).
pub fn catalog_toml(today: NaiveDate) -> String {
    let fy_start_year = if today.month() >= calendar::FISCAL_START_MONTH { today.year() } else { today.year() - 1 };
    let next_year_start = NaiveDate::from_ymd_opt(fy_start_year + 1, calendar::FISCAL_START_MONTH, 1).unwrap_or(today);
    let events_ready = next_year_start - chrono::Days::new(12);
    include_str!("metrics.toml")
        .replace("{outcome_since}", &call_outcome_since(today).to_string())
        .replace("{events_ready}", &events_ready.to_string())
}

/// Reasons for the demo's churn events, as sales ops would have tagged them:
/// most events tagged (about one in seven left untagged), a mix of
/// controllable and uncontrollable reasons, chosen from the account and
/// month so that nothing else changes.
pub fn churn_tags(org: &DemoOrg) -> Vec<pacer_core::churn::ChurnTag> {
    let Ok(series) = pacer_core::churn::MrrSeries::from_rows(org.subscriptions.iter().copied()) else {
        return Vec::new();
    };
    let (Some(first), Some(last)) = (series.first_month(), series.last_month()) else { return Vec::new() };
    let reasons = pacer_core::churn::default_reasons();
    // Weights of the reasons in default order: bankruptcy, acquired, budget cut,
    // returned unused, competitor, price, support.
    const WEIGHTS: [u64; 7] = [3, 2, 4, 2, 5, 6, 2];
    let total: u64 = WEIGHTS.iter().sum();
    let events = series.churn_events(first, last, |_| true).unwrap_or_default();
    events
        .iter()
        .filter_map(|&(account, month, _)| {
            let h = (account as u64).wrapping_mul(2_654_435_761).wrapping_add(month.num_days_from_ce() as u64 * 40_503);
            if h % 7 == 3 {
                return None;
            }
            let mut pick = (h / 7) % total;
            let index = WEIGHTS
                .iter()
                .position(|w| {
                    if pick < *w {
                        true
                    } else {
                        pick -= w;
                        false
                    }
                })
                .unwrap_or(0);
            Some(pacer_core::churn::ChurnTag {
                account_id: account,
                month,
                reason: reasons[index].key.clone(),
                note: None,
            })
        })
        .collect()
}

/// The random stream `stream` of `seed`.
fn stream(seed: u64, stream: u64) -> ChaCha8Rng {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    rng.set_stream(stream);
    rng
}
