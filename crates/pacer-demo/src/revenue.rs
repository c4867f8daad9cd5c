//! Accounts, their monthly recurring revenue (a month-by-month simulation of
//! conversion, churn, reactivation, expansion and contraction) and the deals
//! that explain it.

use crate::calendar::{DEAL_SEASON, Span, shift};
use crate::dist;
use crate::names::{COMPANY_SUFFIXES, COMPANY_WORDS};
use crate::people::{ENTERPRISE_TEAM, MID_MARKET_TEAM, People, Seller};
use chrono::{Datelike, NaiveDate};
use pacer_core::fiscal_calendar::WorkingDays;
use pacer_core::records::{DealKind, DealStatus, NewAccount, NewDeal, SourceKind, SubscriptionMonth};
use rand::Rng;
use rand_chacha::ChaCha8Rng;
use std::ops::Range;

/// Share of the accounts of reps already there that pay when the history
/// starts (about 60% of all accounts, since new hires start with prospects).
const PAYING_AT_START: f64 = 0.72;
/// Monthly conversion hazard of a prospect, before seasonality and ramp-up.
const CONVERSION: f64 = 0.02;
/// Monthly hazard of a churned customer coming back, before seasonality...
const REACTIVATION: f64 = 0.008;
/// ...once at least this many months have passed since it left.
const REACTIVATION_GAP: usize = 3;
/// Monthly probability of an expansion, before seasonality.
const EXPANSION: f64 = 0.02;
/// Monthly probability of a contraction.
const CONTRACTION: f64 = 0.01;
/// Mean number of lost new-business deals per won one.
const LOST_PER_WON_NEW: f64 = 2.0;
/// Smallest MRR after a contraction, and smallest open expansion: 100 USD.
const MIN_MRR: i64 = 10_000;
/// Annual customer churn, applied as a constant monthly hazard.
const ANNUAL_CHURN: f64 = 0.06;

/// The golden ratio's fractional part: multiples of it modulo 1 fill the
/// unit interval evenly.
const GOLDEN: f64 = 0.618_033_988_749_895;

/// The calendar month (1-12) at quantile `u` of the deal seasonality.
fn seasonal_month(u: f64) -> u32 {
    let total: f64 = DEAL_SEASON.iter().sum();
    let mut cumulative = 0.0;
    for (month, weight) in (1..).zip(DEAL_SEASON) {
        cumulative += weight / total;
        if u < cumulative {
            return month;
        }
    }
    12
}

/// A range of days, first and last included.
type Window = (NaiveDate, NaiveDate);

/// Size of a customer, which sets its typical MRR.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Segment {
    Smb,
    MidMarket,
    Enterprise,
}

impl Segment {
    const ALL: [Self; 3] = [Self::Smb, Self::MidMarket, Self::Enterprise];

    fn label(self) -> &'static str {
        match self {
            Self::Smb => "SMB",
            Self::MidMarket => "Mid-Market",
            Self::Enterprise => "Enterprise",
        }
    }

    /// A starting MRR in cents, whole dollars: log-normal around the
    /// segment's median, kept within its usual band.
    fn sample_mrr(self, rng: &mut ChaCha8Rng) -> i64 {
        let (median, low, high) = match self {
            Self::Smb => (900.0, 500.0, 2_500.0),
            Self::MidMarket => (3_000.0, 1_500.0, 8_000.0),
            Self::Enterprise => (9_000.0, 5_000.0, 20_000.0),
        };
        dollars(dist::log_normal(rng, median, 0.45).clamp(low, high))
    }
}

/// USD to cents, rounded to whole dollars.
fn dollars(usd: f64) -> i64 {
    usd.round() as i64 * 100
}

/// `cents` scaled by `factor`, rounded to whole dollars.
fn scaled(cents: i64, factor: f64) -> i64 {
    dollars(cents as f64 / 100.0 * factor)
}

/// The accounts and what the simulation needs to know about them.
#[derive(Debug, Clone)]
pub(crate) struct Accounts {
    /// Accounts, ids 1..=N; account id = index + 1.
    pub records: Vec<NewAccount>,
    /// Owner of each account, as an index into `People::sellers`.
    pub owner: Vec<usize>,
    /// Segment of each account.
    pub segment: Vec<Segment>,
    /// Each seller's accounts, as a range of indexes (books are contiguous).
    pub books: Vec<Range<usize>>,
}

/// About 25 accounts per quota-carrying rep; enterprises go mostly to the
/// enterprise team, mid-sized accounts to the mid-market team.
pub(crate) fn accounts(rng: &mut ChaCha8Rng, people: &People) -> Accounts {
    let mut out = Accounts { records: Vec::new(), owner: Vec::new(), segment: Vec::new(), books: Vec::new() };
    for (s, seller) in people.sellers.iter().enumerate() {
        // Weights of SMB, Mid-Market, Enterprise.
        let weights = match seller.first_team() {
            ENTERPRISE_TEAM => [0.05, 0.25, 0.7],
            MID_MARKET_TEAM => [0.25, 0.7, 0.05],
            _ => [0.45, 0.45, 0.1],
        };
        let first = out.records.len();
        for _ in 0..rng.random_range(20..=30) {
            let id = out.records.len() as i64 + 1;
            let word = COMPANY_WORDS[rng.random_range(0..COMPANY_WORDS.len())];
            let name = if rng.random_bool(0.5) {
                format!("{word} {id:04}")
            } else {
                format!("{word} {} {id:04}", COMPANY_SUFFIXES[rng.random_range(0..COMPANY_SUFFIXES.len())])
            };
            let segment = Segment::ALL[dist::weighted(rng, &weights)];
            out.records.push(NewAccount {
                id,
                name,
                owner_id: Some(seller.rep_id),
                segment: Some(segment.label().to_string()),
            });
            out.owner.push(s);
            out.segment.push(segment);
        }
        out.books.push(first..out.records.len());
    }
    out
}

/// The simulation's shared state: inputs, the random stream and the deals so far.
struct Sim<'a> {
    rng: ChaCha8Rng,
    span: &'a Span,
    working_days: &'a WorkingDays,
    sellers: &'a [Seller],
    accounts: &'a Accounts,
    deals: Vec<NewDeal>,
}

impl Sim<'_> {
    /// The days of month `i` on which seller `s` is employed.
    fn window(&self, s: usize, i: usize) -> Option<Window> {
        let (from, to) = self.span.month_bounds(i);
        self.sellers[s].employed_within(from, to)
    }

    /// Who handles a renewal of account `a` in month `i`: its owner, or, when
    /// the owner is gone (the rep who left keeps their accounts), a teammate
    /// spread by account.
    fn closer(&self, a: usize, i: usize) -> Option<(usize, Window)> {
        let owner = self.accounts.owner[a];
        if let Some(window) = self.window(owner, i) {
            return Some((owner, window));
        }
        let month = self.span.months[i];
        let team = self.sellers[owner].team_on(month);
        let covers = |s: &usize| *s != owner && self.sellers[*s].team_on(month) == team && self.window(*s, i).is_some();
        let count = (0..self.sellers.len()).filter(covers).count();
        let s = (0..self.sellers.len()).filter(covers).nth(a % count.max(1))?;
        Some((s, self.window(s, i)?))
    }

    /// A working day of `window` (if it has one), leaning to its end when
    /// `lean_end` (deals cluster at month end).
    fn pick_day(&mut self, (first, last): Window, lean_end: bool) -> NaiveDate {
        let len = (last - first).num_days() + 1;
        let u: f64 = self.rng.random();
        let u = if lean_end { u.sqrt() } else { u };
        let mut day = shift(first, ((len as f64 * u) as i64).min(len - 1));
        while day > first && !self.working_days.is_working_day(day) {
            day = shift(day, -1);
        }
        while day < last && !self.working_days.is_working_day(day) {
            day = shift(day, 1);
        }
        day
    }

    /// A random account of seller `s`'s book, preferably one for which
    /// `wanted` holds.
    fn pick_account(&mut self, s: usize, wanted: impl Fn(usize) -> bool) -> usize {
        let book = self.accounts.books[s].clone();
        let mut a = book.start;
        for _ in 0..8 {
            a = self.rng.random_range(book.clone());
            if wanted(a) {
                break;
            }
        }
        a
    }

    /// Records a closed deal of seller `s` on account `a`, closing in
    /// `window` and created 20 to 90 days before (not before the hire date
    /// nor the history).
    #[allow(clippy::too_many_arguments)]
    fn close(&mut self, s: usize, a: usize, kind: DealKind, won: bool, amount: i64, window: Window, lean_end: bool) {
        let close = self.pick_day(window, lean_end);
        let earliest = self.sellers[s].hire.max(self.span.start);
        let created = shift(close, -self.rng.random_range(20..=90)).max(earliest).min(close);
        let (status, stage) = if won { (DealStatus::Won, "Closed Won") } else { (DealStatus::Lost, "Closed Lost") };
        self.push(s, a, kind, status, stage, amount, created, close);
    }

    #[allow(clippy::too_many_arguments)]
    fn push(
        &mut self,
        s: usize,
        a: usize,
        kind: DealKind,
        status: DealStatus,
        stage: &str,
        amount: i64,
        created_on: NaiveDate,
        close_date: NaiveDate,
    ) {
        self.deals.push(NewDeal {
            rep_id: self.sellers[s].rep_id,
            account_id: self.accounts.records[a].id,
            kind,
            status,
            stage: stage.to_string(),
            amount_minor: amount,
            currency: None,
            created_on,
            close_date: Some(close_date),
            source: SourceKind::Import,
            external_id: None,
            entered_by: None,
        });
    }

    /// An upsell most of the time, else a cross-sell.
    fn expansion_kind(&mut self) -> DealKind {
        if self.rng.random_bool(0.65) { DealKind::Upsell } else { DealKind::CrossSell }
    }
}

/// Simulates every account month by month and returns the subscription rows
/// (month then account order) and the deals (by creation day, numbered).
pub(crate) fn simulate(
    rng: ChaCha8Rng,
    span: &Span,
    working_days: &WorkingDays,
    people: &People,
    accounts: &Accounts,
) -> (Vec<SubscriptionMonth>, Vec<NewDeal>) {
    let sellers = &people.sellers[..];
    let mut sim = Sim { rng, span, working_days, sellers, accounts, deals: Vec::new() };
    let n = accounts.records.len();
    let m = span.months.len();
    let churn_hazard = 1.0 - (1.0 - ANNUAL_CHURN).powf(1.0 / 12.0);

    let mut mrr = vec![0_i64; n];
    let mut ever_paid = vec![false; n];
    let mut churned_in = vec![0_usize; n];
    // Calendar month (1-12) of each customer's yearly renewal.
    let mut anniversary = vec![0_u32; n];
    // MRR of account a in month i at a * m + i.
    let mut history = vec![0_i64; n * m];
    // (seller, month) of each won new-business deal, for the lost ones.
    let mut won_new = Vec::new();

    // Customers from before the history, only in the books of reps already
    // there.
    for a in 0..n {
        if sellers[accounts.owner[a]].hire <= span.start && sim.rng.random_bool(PAYING_AT_START) {
            mrr[a] = accounts.segment[a].sample_mrr(&mut sim.rng);
            ever_paid[a] = true;
        }
    }
    // Their renewal months follow the deal seasonality they were sold with.
    // Drawn independently, a handful of large renewals would blur the
    // pattern; a low-discrepancy sequence over the customers by decreasing
    // MRR spreads both counts and amounts in proportion to the season.
    let mut initial: Vec<usize> = (0..n).filter(|&a| mrr[a] > 0).collect();
    initial.sort_by_key(|&a| std::cmp::Reverse(mrr[a]));
    let offset: f64 = sim.rng.random();
    for (k, &a) in initial.iter().enumerate() {
        anniversary[a] = seasonal_month((offset + k as f64 * GOLDEN).fract());
    }

    // Buffers reused month after month.
    let mut paying = Vec::with_capacity(n);
    let mut churns = vec![false; n];
    for i in 0..m {
        let calendar_month = span.months[i].month();
        let season = DEAL_SEASON[calendar_month as usize - 1];
        // The hazard applied to the month's customers as a whole (expected
        // count, randomly rounded, drawn without replacement) rather than
        // account by account: the rate stays near 6% a year whatever the seed.
        paying.clear();
        paying.extend((0..n).filter(|&a| mrr[a] > 0));
        let expected = churn_hazard * paying.len() as f64;
        let count =
            (expected.floor() as usize + usize::from(sim.rng.random::<f64>() < expected.fract())).min(paying.len());
        for k in 0..count {
            let pick = sim.rng.random_range(k..paying.len());
            paying.swap(k, pick);
            churns[paying[k]] = true;
        }
        for a in 0..n {
            let owner = accounts.owner[a];
            if mrr[a] > 0 {
                if std::mem::take(&mut churns[a]) {
                    // A churn is a lost renewal.
                    if let Some((s, window)) = sim.closer(a, i) {
                        sim.close(s, a, DealKind::Renewal, false, 12 * mrr[a], window, false);
                    }
                    mrr[a] = 0;
                    churned_in[a] = i;
                } else {
                    if anniversary[a] == calendar_month
                        && let Some((s, window)) = sim.closer(a, i)
                    {
                        sim.close(s, a, DealKind::Renewal, true, 12 * mrr[a], window, true);
                    }
                    let draw = sim.rng.random::<f64>();
                    if draw < EXPANSION * season {
                        // Only the owner sells more to their customers.
                        if let Some(window) = sim.window(owner, i) {
                            let factor = dist::uniform(&mut sim.rng, 1.1, 1.5);
                            let grown = scaled(mrr[a], factor);
                            let kind = sim.expansion_kind();
                            sim.close(owner, a, kind, true, 12 * (grown - mrr[a]), window, true);
                            mrr[a] = grown;
                        }
                    } else if draw < EXPANSION * season + CONTRACTION {
                        let factor = dist::uniform(&mut sim.rng, 0.6, 0.9);
                        mrr[a] = scaled(mrr[a], factor).max(MIN_MRR);
                    }
                }
            } else if let Some(window) = sim.window(owner, i) {
                // Nobody signs an account whose owner is not there.
                let hazard = if !ever_paid[a] {
                    CONVERSION * season * sellers[owner].ramp(window.0)
                } else if i >= churned_in[a] + REACTIVATION_GAP {
                    REACTIVATION * season
                } else {
                    0.0
                };
                if sim.rng.random::<f64>() < hazard {
                    mrr[a] = accounts.segment[a].sample_mrr(&mut sim.rng);
                    ever_paid[a] = true;
                    anniversary[a] = calendar_month;
                    sim.close(owner, a, DealKind::New, true, 12 * mrr[a], window, true);
                    won_new.push((owner, i));
                }
            }
            history[a * m + i] = mrr[a];
        }
    }

    // About two lost new-business deals per won one, same rep, around the
    // same month, on accounts that were not paying then.
    for (s, i) in won_new {
        for _ in 0..dist::poisson(&mut sim.rng, LOST_PER_WON_NEW) {
            let j = (i as i64 + sim.rng.random_range(-1..=1)).clamp(0, m as i64 - 1) as usize;
            let Some((j, window)) = sim.window(s, j).map(|w| (j, w)).or_else(|| sim.window(s, i).map(|w| (i, w)))
            else {
                continue;
            };
            let a = sim.pick_account(s, |a| history[a * m + j] == 0);
            let amount = 12 * accounts.segment[a].sample_mrr(&mut sim.rng);
            sim.close(s, a, DealKind::New, false, amount, window, false);
        }
    }

    open_pipeline(&mut sim, &history);

    let mut subscriptions = Vec::new();
    for (i, month) in span.months.iter().enumerate() {
        for (a, account) in accounts.records.iter().enumerate() {
            let mrr_minor = history[a * m + i];
            if mrr_minor > 0 {
                subscriptions.push(SubscriptionMonth { account_id: account.id, month: *month, mrr_minor });
            }
        }
    }

    let mut deals = sim.deals;
    deals.sort_by_key(|deal| deal.created_on);
    for (k, deal) in deals.iter_mut().enumerate() {
        deal.external_id = Some(format!("SF-OPP-{}", k + 1));
    }
    (subscriptions, deals)
}

/// Open deals of every rep employed today: 3 to 6 each, new business on
/// prospects or expansion of customers, later stages closing sooner.
fn open_pipeline(sim: &mut Sim<'_>, history: &[i64]) {
    // Stage, weight, and the range of days from today to the expected close.
    const STAGES: [(&str, f64, i64, i64); 4] = [
        ("Discovery", 0.35, 30, 120),
        ("Qualification", 0.3, 20, 100),
        ("Proposal", 0.2, 10, 70),
        ("Negotiation", 0.15, 3, 40),
    ];
    let today = sim.span.today;
    let m = sim.span.months.len();
    let paying = |a: usize| history[a * m + m - 1] > 0;
    for s in 0..sim.sellers.len() {
        if sim.sellers[s].employed_within(today, today).is_none() {
            continue;
        }
        for _ in 0..sim.rng.random_range(3..=6) {
            let (stage, _, soonest, latest) =
                STAGES[dist::weighted(&mut sim.rng, &STAGES.map(|(_, weight, _, _)| weight))];
            let expansion = sim.rng.random_bool(0.35);
            let a = sim.pick_account(s, |a| paying(a) == expansion);
            let (kind, amount) = if paying(a) {
                let factor = dist::uniform(&mut sim.rng, 0.1, 0.5);
                (sim.expansion_kind(), 12 * scaled(history[a * m + m - 1], factor).max(MIN_MRR))
            } else {
                (DealKind::New, 12 * sim.accounts.segment[a].sample_mrr(&mut sim.rng))
            };
            let earliest = sim.sellers[s].hire.max(sim.span.start);
            let created = shift(today, -sim.rng.random_range(5..=100)).max(earliest);
            let close = shift(today, sim.rng.random_range(soonest..=latest));
            sim.push(s, a, kind, DealStatus::Open, stage, amount, created, close);
        }
    }
}
