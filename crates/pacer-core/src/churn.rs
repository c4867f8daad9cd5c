//! Churn and retention of recurring revenue (FORMULAS.md, "Churn and retention";
//! PRODUCT.md C8): monthly movements, the MRR bridge and quick ratio, period rates
//! by the start-cohort definitions, rate conversions, the benchmark band and the
//! cohort retention table.
//!
//! Input is one row per account and calendar month with its MRR in minor units
//! ([`SubscriptionMonth`]); a missing row means 0 that month. Months are
//! calendar months whatever the fiscal calendar, because subscriptions are
//! billed by calendar month.
//!
//! The series knows nothing before its earliest row: an account paying in the
//! earliest month is *new* there, and its earlier history (if any) is not seen.
//! Months outside the rows are months of MRR 0; callers that show a figure for
//! a month outside [`MrrSeries::first_month`]..=[`MrrSeries::last_month`]
//! should say the data does not cover it.
//!
//! Every amount is an exact `i64` of minor units. [`MrrSeries::from_rows`]
//! refuses rows whose MRR adds up to more than `i64::MAX`; every sum of MRR or
//! of movements is bounded by that grand total, so no computation here can
//! overflow. Rates are `f64`, each computed as one division of exact integers.

use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};

use crate::fiscal_calendar::FiscalPeriod;
use crate::records::SubscriptionMonth;
use crate::text_enum::text_enum;

/// A refused input: every message names the bad value and what is allowed.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum ChurnError {
    /// A row with MRR below zero.
    #[error("account {account_id}, month {month}: MRR {mrr_minor} is negative; MRR is 0 or more minor units")]
    NegativeMrr {
        /// Account of the row.
        account_id: i64,
        /// Month of the row.
        month: NaiveDate,
        /// The negative MRR.
        mrr_minor: i64,
    },
    /// Two rows for the same account and month.
    #[error(
        "account {account_id}, month {month} is given twice (MRR {first_mrr_minor} and {second_mrr_minor}): \
         give one row per account and month"
    )]
    DuplicateMonth {
        /// Account of the rows.
        account_id: i64,
        /// Month of the rows.
        month: NaiveDate,
        /// MRR of the first of the two rows, in input order.
        first_mrr_minor: i64,
        /// MRR of the second of the two rows, in input order.
        second_mrr_minor: i64,
    },
    /// A row whose month is not given by its first day.
    #[error(
        "account {account_id}, month {month} (MRR {mrr_minor}): give a month by its first day, such as {first_day}"
    )]
    NotFirstOfMonth {
        /// Account of the row.
        account_id: i64,
        /// The date given.
        month: NaiveDate,
        /// MRR of the row.
        mrr_minor: i64,
        /// The first day of that month.
        first_day: NaiveDate,
    },
    /// Rows whose MRR adds up to more than `i64::MAX` minor units.
    #[error("the MRR of all rows adds up to more than {} minor units: check the amounts' units", i64::MAX)]
    TotalTooLarge,
    /// A period whose last month is before its first.
    #[error("period {first_month} .. {last_month} ends before it starts: give the first month, then the last")]
    ReversedPeriod {
        /// First month as given.
        first_month: NaiveDate,
        /// Last month as given.
        last_month: NaiveDate,
    },
    /// A rate that has no equivalent over another period.
    #[error(
        "{period} rate {rate} cannot be converted to {to}: use a finite rate below 1 (100%) \
         whose converted value is finite"
    )]
    RateNotConvertible {
        /// The rate given.
        rate: f64,
        /// Its period.
        period: RatePeriod,
        /// The period asked for.
        to: RatePeriod,
    },
    /// Benchmark band limits out of order or out of range.
    #[error(
        "churn band \"normal up to {normal_up_to}, acceptable up to {acceptable_up_to}\" is not valid: \
         use 0 <= normal <= acceptable < 1"
    )]
    InvalidBand {
        /// Upper limit of the normal level, as given.
        normal_up_to: f64,
        /// Upper limit of the acceptable level, as given.
        acceptable_up_to: f64,
    },
    /// A rate period name that [`RatePeriod`] does not know.
    #[error("unknown rate period \"{0}\": use monthly, quarterly or annual")]
    UnknownRatePeriod(String),
}

// ---------------------------------------------------------------------------
// Months

/// A calendar month as a number (year x 12 + month - 1), so months are consecutive integers.
type MonthIndex = i32;

/// The month holding `date`.
fn month_index(date: NaiveDate) -> MonthIndex {
    // month0 is 0..=11, so the cast is exact.
    date.year() * 12 + date.month0() as i32
}

/// The first day of month `index`.
///
/// Only called on indices of months that hold a valid date (inputs and data),
/// so the date exists.
fn month_date(index: MonthIndex) -> NaiveDate {
    NaiveDate::from_ymd_opt(index.div_euclid(12), index.rem_euclid(12) as u32 + 1, 1)
        .expect("a month index taken from a valid date")
}

/// The first day of the month holding `date`.
fn first_of_month(date: NaiveDate) -> NaiveDate {
    date.with_day(1).expect("every month has a day 1")
}

/// Checks and converts a period given by its first and last months.
fn month_span(first_month: NaiveDate, last_month: NaiveDate) -> Result<(MonthIndex, MonthIndex), ChurnError> {
    let (first, last) = (month_index(first_month), month_index(last_month));
    if last < first {
        return Err(ChurnError::ReversedPeriod { first_month, last_month });
    }
    Ok((first, last))
}

/// The calendar months a fiscal period covers, as `(first month, last month)`:
/// the months holding its first and its last day.
///
/// For month-based calendars these are exactly the period's months. For
/// week-based calendars (4-4-5 and the like), whose periods start and end on
/// a weekday, they are the calendar months holding the start and the end, so
/// the span can be one month longer than the fiscal period: the 4-5-4 retail
/// year 2023-01-29 .. 2024-02-03 gives January 2023 .. February 2024.
pub fn calendar_months_of(period: &FiscalPeriod) -> (NaiveDate, NaiveDate) {
    (first_of_month(period.start), first_of_month(period.end))
}

// ---------------------------------------------------------------------------
// The series

/// The MRR of every account, month by month, in minor units.
///
/// Stored sparsely: for each account (ids ascending) only its paying months
/// (MRR > 0), ascending, in flat arrays. Lookups are binary searches, and every
/// computation walks each account's paying months once, so 50,000 accounts over
/// 36 months take a few milliseconds whatever span a period covers.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct MrrSeries {
    /// Accounts that paid in at least one month, ascending.
    ids: Vec<i64>,
    /// Account `a`'s paying months are `months[starts[a]..starts[a + 1]]`.
    starts: Vec<usize>,
    /// Paying months of every account, ascending within an account.
    months: Vec<MonthIndex>,
    /// MRR (> 0) of the same entries as `months`.
    mrr: Vec<i64>,
    /// Earliest and latest month of any row, rows of MRR 0 included.
    span: Option<(MonthIndex, MonthIndex)>,
}

/// What an account's MRR did in one month, compared with the month before.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    New,
    Reactivation,
    Expansion,
    Contraction,
    Churn,
}

impl Kind {
    /// The movement from `before` to `now` in month `month`, with its (positive)
    /// amount; `None` when the MRR did not change.
    fn classify(before: i64, now: i64, first_paid: MonthIndex, month: MonthIndex) -> Option<(Self, i64)> {
        match (before, now) {
            _ if before == now => None,
            (0, _) if first_paid < month => Some((Self::Reactivation, now)),
            (0, _) => Some((Self::New, now)),
            (_, 0) => Some((Self::Churn, before)),
            _ if now > before => Some((Self::Expansion, now - before)),
            _ => Some((Self::Contraction, before - now)),
        }
    }
}

/// Sums over some accounts of their movements in months `lo + 1 ..= hi`.
#[derive(Debug, Default)]
struct Tally {
    start_mrr: i64,
    end_mrr: i64,
    customers_at_start: usize,
    customers_at_end: usize,
    /// Amounts by [`Kind`] (`kind as usize`).
    amounts: [i64; 5],
    /// Movement counts by [`Kind`].
    counts: [usize; 5],
    /// Accounts by [`Kind`], kept only for a single month (where each account moves at most once).
    accounts: Option<[Vec<i64>; 5]>,
}

impl Tally {
    fn add(&mut self, id: i64, kind: Kind, amount: i64) {
        let k = kind as usize;
        self.amounts[k] += amount;
        self.counts[k] += 1;
        if let Some(accounts) = &mut self.accounts {
            accounts[k].push(id);
        }
    }
}

impl MrrSeries {
    /// Builds the series from rows of (account, month, MRR).
    ///
    /// A month is given by its first day. Rows of MRR 0 are allowed and mean
    /// the same as no row, but they count for [`Self::first_month`] and
    /// [`Self::last_month`]. Refused: a negative MRR, a month not on its first
    /// day, two rows for one account and month (even with equal amounts), and
    /// rows adding up to more than `i64::MAX`.
    pub fn from_rows(rows: impl IntoIterator<Item = SubscriptionMonth>) -> Result<Self, ChurnError> {
        let rows = rows.into_iter();
        let mut cells: Vec<(i64, MonthIndex, i64)> = Vec::with_capacity(rows.size_hint().0);
        let mut total: i64 = 0;
        let mut span: Option<(MonthIndex, MonthIndex)> = None;
        for SubscriptionMonth { account_id, month, mrr_minor } in rows {
            if month.day() != 1 {
                let first_day = first_of_month(month);
                return Err(ChurnError::NotFirstOfMonth { account_id, month, mrr_minor, first_day });
            }
            if mrr_minor < 0 {
                return Err(ChurnError::NegativeMrr { account_id, month, mrr_minor });
            }
            // Bounding the grand total bounds every sum computed later.
            total = total.checked_add(mrr_minor).ok_or(ChurnError::TotalTooLarge)?;
            let m = month_index(month);
            span = Some(span.map_or((m, m), |(lo, hi)| (lo.min(m), hi.max(m))));
            cells.push((account_id, m, mrr_minor));
        }
        // Stable, so two rows for one month are reported in input order.
        cells.sort_by_key(|&(account, month, _)| (account, month));
        if let Some(pair) = cells.windows(2).find(|w| (w[0].0, w[0].1) == (w[1].0, w[1].1)) {
            return Err(ChurnError::DuplicateMonth {
                account_id: pair[0].0,
                month: month_date(pair[0].1),
                first_mrr_minor: pair[0].2,
                second_mrr_minor: pair[1].2,
            });
        }

        let mut series = Self { span, ..Self::default() };
        for (account, month, mrr) in cells.into_iter().filter(|&(_, _, mrr)| mrr > 0) {
            if series.ids.last() != Some(&account) {
                series.ids.push(account);
                series.starts.push(series.months.len());
            }
            series.months.push(month);
            series.mrr.push(mrr);
        }
        series.starts.push(series.months.len());
        Ok(series)
    }

    /// Whether no account ever paid.
    pub fn is_empty(&self) -> bool {
        self.ids.is_empty()
    }

    /// The accounts that paid in at least one month, ascending.
    pub fn accounts(&self) -> &[i64] {
        &self.ids
    }

    /// The earliest month of any row (rows of MRR 0 included); `None` without rows.
    pub fn first_month(&self) -> Option<NaiveDate> {
        self.span.map(|(lo, _)| month_date(lo))
    }

    /// The latest month of any row (rows of MRR 0 included); `None` without rows.
    pub fn last_month(&self) -> Option<NaiveDate> {
        self.span.map(|(_, hi)| month_date(hi))
    }

    /// The MRR of `account_id` in the month holding `month` (0 without a row).
    pub fn mrr(&self, account_id: i64, month: NaiveDate) -> i64 {
        self.ids.binary_search(&account_id).map_or(0, |a| self.value(a, month_index(month)))
    }

    /// The first month `account_id` paid in, if it ever did.
    pub fn first_paying_month(&self, account_id: i64) -> Option<NaiveDate> {
        let a = self.ids.binary_search(&account_id).ok()?;
        Some(month_date(self.months[self.starts[a]]))
    }

    /// The MRR of all accounts in the month holding `month`.
    pub fn total_mrr(&self, month: NaiveDate) -> i64 {
        let m = month_index(month);
        (0..self.ids.len()).map(|a| self.value(a, m)).sum()
    }

    /// The number of accounts paying (MRR > 0) in the month holding `month`.
    pub fn customers(&self, month: NaiveDate) -> usize {
        let m = month_index(month);
        (0..self.ids.len()).filter(|&a| self.value(a, m) > 0).count()
    }

    /// The movements of the month holding `month`, against the month before.
    pub fn movements(&self, month: NaiveDate) -> Movements {
        self.movements_for(month, |_| true)
    }

    /// [`Self::movements`] of the accounts for which `include` holds (a team,
    /// a segment: `|id| set.contains(&id)`).
    pub fn movements_for(&self, month: NaiveDate, include: impl Fn(i64) -> bool) -> Movements {
        let m = month_index(month);
        let t = self.tally(m - 1, m, include, true);
        let [new_accounts, reactivation_accounts, expansion_accounts, contraction_accounts, churn_accounts] =
            t.accounts.unwrap_or_default();
        Movements {
            month: month_date(m),
            start_mrr: t.start_mrr,
            end_mrr: t.end_mrr,
            customers_at_start: t.customers_at_start,
            customers_at_end: t.customers_at_end,
            new: t.amounts[Kind::New as usize],
            reactivation: t.amounts[Kind::Reactivation as usize],
            expansion: t.amounts[Kind::Expansion as usize],
            contraction: t.amounts[Kind::Contraction as usize],
            churn: t.amounts[Kind::Churn as usize],
            new_count: t.counts[Kind::New as usize],
            reactivation_count: t.counts[Kind::Reactivation as usize],
            expansion_count: t.counts[Kind::Expansion as usize],
            contraction_count: t.counts[Kind::Contraction as usize],
            churn_count: t.counts[Kind::Churn as usize],
            new_accounts,
            reactivation_accounts,
            expansion_accounts,
            contraction_accounts,
            churn_accounts,
        }
    }

    /// The MRR bridge of the months `first_month ..= last_month` (any day of a
    /// month names it): MRR of the month before the first, the sums of each
    /// month's movements, MRR of the last month.
    pub fn bridge(&self, first_month: NaiveDate, last_month: NaiveDate) -> Result<MrrBridge, ChurnError> {
        self.bridge_for(first_month, last_month, |_| true)
    }

    /// [`Self::bridge`] of the months of a fiscal period (see [`calendar_months_of`]).
    pub fn bridge_in(&self, period: &FiscalPeriod) -> Result<MrrBridge, ChurnError> {
        let (first, last) = calendar_months_of(period);
        self.bridge(first, last)
    }

    /// [`Self::bridge`] of the accounts for which `include` holds.
    pub fn bridge_for(
        &self,
        first_month: NaiveDate,
        last_month: NaiveDate,
        include: impl Fn(i64) -> bool,
    ) -> Result<MrrBridge, ChurnError> {
        let (first, last) = month_span(first_month, last_month)?;
        let t = self.tally(first - 1, last, include, false);
        let amount = |k: Kind| t.amounts[k as usize];
        let count = |k: Kind| t.counts[k as usize];
        let gains = amount(Kind::New) + amount(Kind::Expansion);
        let losses = amount(Kind::Contraction) + amount(Kind::Churn);
        Ok(MrrBridge {
            first_month: month_date(first),
            last_month: month_date(last),
            start_mrr: t.start_mrr,
            new: amount(Kind::New),
            reactivation: amount(Kind::Reactivation),
            expansion: amount(Kind::Expansion),
            contraction: amount(Kind::Contraction),
            churn: amount(Kind::Churn),
            end_mrr: t.end_mrr,
            customers_at_start: t.customers_at_start,
            customers_at_end: t.customers_at_end,
            new_count: count(Kind::New),
            reactivation_count: count(Kind::Reactivation),
            expansion_count: count(Kind::Expansion),
            contraction_count: count(Kind::Contraction),
            churn_count: count(Kind::Churn),
            quick_ratio: ratio(gains, losses),
        })
    }

    /// The period rates of the months `first_month ..= last_month` by the
    /// start-cohort definitions (see [`PeriodRates`]).
    pub fn period_rates(&self, first_month: NaiveDate, last_month: NaiveDate) -> Result<PeriodRates, ChurnError> {
        self.period_rates_for(first_month, last_month, |_| true)
    }

    /// [`Self::period_rates`] of the months of a fiscal period (see [`calendar_months_of`]).
    pub fn period_rates_in(&self, period: &FiscalPeriod) -> Result<PeriodRates, ChurnError> {
        let (first, last) = calendar_months_of(period);
        self.period_rates(first, last)
    }

    /// [`Self::period_rates`] of the accounts for which `include` holds (a
    /// team, a segment: `|id| set.contains(&id)`).
    pub fn period_rates_for(
        &self,
        first_month: NaiveDate,
        last_month: NaiveDate,
        include: impl Fn(i64) -> bool,
    ) -> Result<PeriodRates, ChurnError> {
        let (first, last) = month_span(first_month, last_month)?;
        let mut r = PeriodRates {
            first_month: month_date(first),
            last_month: month_date(last),
            cohort_customers: 0,
            cohort_mrr: 0,
            churned_customers: 0,
            churned_mrr: 0,
            contraction_mrr: 0,
            expansion_mrr: 0,
            end_mrr_of_cohort: 0,
            customer_churn_rate: None,
            gross_mrr_churn_rate: None,
            net_mrr_churn_rate: None,
            grr: None,
            nrr: None,
        };
        for (a, &id) in self.ids.iter().enumerate() {
            // The cohort: paying in the month before the period, whatever happens between.
            let start = self.value(a, first - 1);
            if start == 0 || !include(id) {
                continue;
            }
            let end = self.value(a, last);
            r.cohort_customers += 1;
            r.cohort_mrr += start;
            r.end_mrr_of_cohort += end;
            if end == 0 {
                r.churned_customers += 1;
                r.churned_mrr += start;
            } else if end < start {
                r.contraction_mrr += start - end;
            } else {
                r.expansion_mrr += end - start;
            }
        }
        let (m0, lost) = (r.cohort_mrr, r.churned_mrr + r.contraction_mrr);
        // Each rate is one division of exact integers; C0 = 0 iff M0 = 0 since cohort MRR is > 0.
        r.customer_churn_rate = ratio(r.churned_customers as i64, r.cohort_customers as i64);
        r.gross_mrr_churn_rate = ratio(lost, m0);
        r.net_mrr_churn_rate = ratio(lost - r.expansion_mrr, m0);
        r.grr = ratio(m0 - lost, m0);
        r.nrr = ratio(r.end_mrr_of_cohort, m0);
        Ok(r)
    }

    /// The cohort retention table of the last `last_n_cohorts` months of the
    /// data (see [`CohortRow`]).
    ///
    /// Cohorts are consecutive calendar months ending at [`Self::last_month`],
    /// never before [`Self::first_month`] (so fewer rows when the data is
    /// shorter); a month where no account started paying has a row of size 0.
    /// Every row has ages `0 ..= last month - oldest cohort shown`, so the table
    /// is rectangular; cells after the last month of the data are `None`.
    pub fn cohort_table(&self, last_n_cohorts: usize) -> Vec<CohortRow> {
        let Some((data_first, data_last)) = self.span else { return Vec::new() };
        if last_n_cohorts == 0 {
            return Vec::new();
        }
        let back = MonthIndex::try_from(last_n_cohorts - 1).unwrap_or(MonthIndex::MAX);
        let oldest = data_last.saturating_sub(back).max(data_first);
        let rows = (data_last - oldest + 1) as usize;
        let ages = rows; // ages 0 ..= data_last - oldest
        let mut size = vec![0usize; rows];
        let mut paying = vec![vec![0usize; ages]; rows];
        let mut mrr = vec![vec![0i64; ages]; rows];
        for a in 0..self.ids.len() {
            let range = self.starts[a]..self.starts[a + 1];
            let cohort = self.months[range.start];
            if cohort < oldest {
                continue;
            }
            let row = (cohort - oldest) as usize;
            size[row] += 1;
            for i in range {
                // Every row's month is within the span, so the age is within the row.
                let age = (self.months[i] - cohort) as usize;
                paying[row][age] += 1;
                mrr[row][age] += self.mrr[i];
            }
        }
        (0..rows)
            .map(|row| {
                let observed = rows - row; // ages 0 .. observed are within the data
                let cell = |age: usize| age < observed;
                let customers = size[row];
                let start_mrr = mrr[row][0];
                CohortRow {
                    cohort_month: month_date(oldest + row as MonthIndex),
                    customers,
                    mrr: start_mrr,
                    customers_paying: (0..ages).map(|k| cell(k).then_some(paying[row][k])).collect(),
                    mrr_at: (0..ages).map(|k| cell(k).then_some(mrr[row][k])).collect(),
                    customer_retention: (0..ages)
                        .map(|k| if cell(k) { ratio(paying[row][k] as i64, customers as i64) } else { None })
                        .collect(),
                    revenue_retention: (0..ages)
                        .map(|k| if cell(k) { ratio(mrr[row][k], start_mrr) } else { None })
                        .collect(),
                }
            })
            .collect()
    }

    /// Account `a`'s MRR in month `m`.
    fn value(&self, a: usize, m: MonthIndex) -> i64 {
        let range = self.starts[a]..self.starts[a + 1];
        match self.months[range.clone()].binary_search(&m) {
            Ok(i) => self.mrr[range.start + i],
            Err(_) => 0,
        }
    }

    /// Sums the movements of months `lo + 1 ..= hi` of the included accounts,
    /// with their MRR in `lo` (start) and `hi` (end).
    ///
    /// Walks each account's paying months within `lo ..= hi` once: a movement
    /// can only happen in a paying month or in the month just after one.
    fn tally(&self, lo: MonthIndex, hi: MonthIndex, include: impl Fn(i64) -> bool, keep_accounts: bool) -> Tally {
        let mut t = Tally { accounts: keep_accounts.then(Default::default), ..Tally::default() };
        for (a, &id) in self.ids.iter().enumerate() {
            let range = self.starts[a]..self.starts[a + 1];
            let months = &self.months[range.clone()];
            let from = range.start + months.partition_point(|&m| m < lo);
            let to = range.start + months.partition_point(|&m| m <= hi);
            if from == to || !include(id) {
                continue; // not paying at any month of the window: no movement
            }
            let first_paid = self.months[range.start];
            let mut emit = |month: MonthIndex, before: i64, now: i64| {
                if let Some((kind, amount)) = Kind::classify(before, now, first_paid, month) {
                    t.add(id, kind, amount);
                }
            };
            let mut previous: Option<(MonthIndex, i64)> = None;
            for i in from..to {
                let (p, v) = (self.months[i], self.mrr[i]);
                let before = match previous {
                    Some((q, w)) if q + 1 == p => w,
                    Some((q, w)) => {
                        emit(q + 1, w, 0); // a gap after q: churned the month after
                        0
                    }
                    None => 0,
                };
                if p > lo {
                    emit(p, before, v);
                }
                previous = Some((p, v));
            }
            if let Some((q, w)) = previous.filter(|&(q, _)| q < hi) {
                emit(q + 1, w, 0);
            }
            if self.months[from] == lo {
                t.start_mrr += self.mrr[from];
                t.customers_at_start += 1;
            }
            if self.months[to - 1] == hi {
                t.end_mrr += self.mrr[to - 1];
                t.customers_at_end += 1;
            }
        }
        t
    }
}

/// `numerator / denominator`, or `None` ("no figure") when the denominator is 0.
fn ratio(numerator: i64, denominator: i64) -> Option<f64> {
    (denominator != 0).then(|| numerator as f64 / denominator as f64)
}

/// The movements of one month against the month before (FORMULAS.md table).
///
/// Amounts are positive minor units; each paying account has at most one
/// movement a month. Account lists are ascending by id.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Movements {
    /// The month (its first day).
    pub month: NaiveDate,
    /// MRR of the month before.
    pub start_mrr: i64,
    /// MRR of the month.
    pub end_mrr: i64,
    /// Accounts paying in the month before.
    pub customers_at_start: usize,
    /// Accounts paying in the month.
    pub customers_at_end: usize,
    /// MRR of accounts paying for the first time (0 before, never paid before).
    pub new: i64,
    /// MRR of accounts paying again (0 before, paid at some earlier month).
    pub reactivation: i64,
    /// Increase of accounts paying more than the month before.
    pub expansion: i64,
    /// Decrease of accounts paying less, but more than 0.
    pub contraction: i64,
    /// MRR (of the month before) of accounts that stopped paying.
    pub churn: i64,
    /// Number of new accounts.
    pub new_count: usize,
    /// Number of reactivated accounts.
    pub reactivation_count: usize,
    /// Number of expanding accounts.
    pub expansion_count: usize,
    /// Number of contracting accounts.
    pub contraction_count: usize,
    /// Number of churned accounts.
    pub churn_count: usize,
    /// The new accounts.
    pub new_accounts: Vec<i64>,
    /// The reactivated accounts.
    pub reactivation_accounts: Vec<i64>,
    /// The expanding accounts.
    pub expansion_accounts: Vec<i64>,
    /// The contracting accounts.
    pub contraction_accounts: Vec<i64>,
    /// The churned accounts.
    pub churn_accounts: Vec<i64>,
}

/// The MRR bridge of a period: start + new + reactivation + expansion -
/// contraction - churn = end, to the minor unit.
///
/// Movement amounts and counts sum the period's monthly movements, so an
/// account that churns in one month and comes back in another counts in both.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct MrrBridge {
    /// First month of the period.
    pub first_month: NaiveDate,
    /// Last month of the period.
    pub last_month: NaiveDate,
    /// MRR of the month before the first month.
    pub start_mrr: i64,
    /// Sum of the monthly new MRR.
    pub new: i64,
    /// Sum of the monthly reactivation MRR.
    pub reactivation: i64,
    /// Sum of the monthly expansion MRR.
    pub expansion: i64,
    /// Sum of the monthly contraction MRR.
    pub contraction: i64,
    /// Sum of the monthly churned MRR.
    pub churn: i64,
    /// MRR of the last month.
    pub end_mrr: i64,
    /// Accounts paying in the month before the first month.
    pub customers_at_start: usize,
    /// Accounts paying in the last month.
    pub customers_at_end: usize,
    /// New movements (one per account and month).
    pub new_count: usize,
    /// Reactivation movements.
    pub reactivation_count: usize,
    /// Expansion movements.
    pub expansion_count: usize,
    /// Contraction movements.
    pub contraction_count: usize,
    /// Churn movements.
    pub churn_count: usize,
    /// (new + expansion) / (contraction + churn), exactly as FORMULAS.md has it:
    /// reactivation is *not* on the gains side (some define the ratio with it;
    /// the fields above allow that variant). `None` when nothing was lost.
    pub quick_ratio: Option<f64>,
}

impl MrrBridge {
    /// Whether start + new + reactivation + expansion - contraction - churn == end exactly.
    pub fn balances(&self) -> bool {
        // In i128: the start and the gains together may pass i64::MAX.
        let computed = i128::from(self.start_mrr)
            + i128::from(self.new)
            + i128::from(self.reactivation)
            + i128::from(self.expansion)
            - i128::from(self.contraction)
            - i128::from(self.churn);
        computed == i128::from(self.end_mrr)
    }
}

/// The rates of a period by the start-cohort definitions (FORMULAS.md).
///
/// The cohort is the accounts paying in the month before the period's first
/// month (C0 accounts, MRR M0), compared with the same accounts in the
/// period's last month; accounts that start inside the period are not in it,
/// whatever they do, and what cohort accounts do between the two months does
/// not count (one that churns and comes back at a lower MRR is a contraction).
/// Every rate is `None` ("no figure") when the cohort is empty.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PeriodRates {
    /// First month of the period.
    pub first_month: NaiveDate,
    /// Last month of the period.
    pub last_month: NaiveDate,
    /// C0: accounts paying in the month before the first month.
    pub cohort_customers: usize,
    /// M0: their MRR then.
    pub cohort_mrr: i64,
    /// Cohort accounts not paying in the last month.
    pub churned_customers: usize,
    /// Start MRR of the churned cohort accounts.
    pub churned_mrr: i64,
    /// Decrease of the other cohort accounts paying less at the end.
    pub contraction_mrr: i64,
    /// Increase of the cohort accounts paying more at the end.
    pub expansion_mrr: i64,
    /// MRR of the cohort in the last month (M0 - churned - contraction + expansion).
    pub end_mrr_of_cohort: i64,
    /// churned customers / C0.
    pub customer_churn_rate: Option<f64>,
    /// (churned + contraction) / M0.
    pub gross_mrr_churn_rate: Option<f64>,
    /// (churned + contraction - expansion) / M0 = 1 - NRR; negative when expansion outweighs losses.
    pub net_mrr_churn_rate: Option<f64>,
    /// Gross revenue retention, (M0 - churned - contraction) / M0 = 1 - gross MRR churn rate.
    pub grr: Option<f64>,
    /// Net revenue retention, cohort MRR at the end / M0.
    pub nrr: Option<f64>,
}

/// One row of the cohort retention table: the accounts whose first paying
/// month is `cohort_month`, followed month by month.
///
/// Index `k` of each vector is the age: the month `k` months after the cohort
/// month. A cell is `None` past the last month of the data; a rate is also
/// `None` when the cohort is empty. An account is counted at every age it pays
/// at, so one that lapsed and came back counts again.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CohortRow {
    /// The first paying month of the cohort's accounts.
    pub cohort_month: NaiveDate,
    /// Number of accounts in the cohort.
    pub customers: usize,
    /// Their MRR in the cohort month.
    pub mrr: i64,
    /// Cohort accounts paying at each age.
    pub customers_paying: Vec<Option<usize>>,
    /// Cohort MRR at each age.
    pub mrr_at: Vec<Option<i64>>,
    /// Customers paying at each age / cohort size (1 at age 0).
    pub customer_retention: Vec<Option<f64>>,
    /// Cohort MRR at each age / cohort MRR in the cohort month (above 1 with expansion).
    pub revenue_retention: Vec<Option<f64>>,
}

// ---------------------------------------------------------------------------
// Conversions

/// The period a rate is expressed over.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum RatePeriod {
    /// One month.
    Monthly,
    /// Three months.
    Quarterly,
    /// Twelve months.
    Annual,
}

impl RatePeriod {
    /// Every period, shortest first.
    pub const ALL: [Self; 3] = [Self::Monthly, Self::Quarterly, Self::Annual];

    /// Months in the period: 1, 3 or 12.
    pub fn months(self) -> u32 {
        match self {
            Self::Monthly => 1,
            Self::Quarterly => 3,
            Self::Annual => 12,
        }
    }
}

text_enum! {
    /// The canonical name, as parsed and serialized.
    RatePeriod { Monthly => "monthly", Quarterly => "quarterly", Annual => "annual" },
    unknown: ChurnError::UnknownRatePeriod
}

/// Converts a churn-type rate between periods by compounding (FORMULAS.md):
/// `1 - (1 - rate)^(to months / from months)`, which is going through the
/// monthly rate: annual from monthly `1 - (1 - r)^12`, monthly from annual
/// `1 - (1 - r)^(1/12)`, quarterly from monthly `1 - (1 - r)^3`, annual from
/// quarterly `1 - (1 - r)^4`.
///
/// It is computed as `-expm1(n * ln_1p(-r))`, the same value without the loss
/// of precision of `1 - x` for small rates.
///
/// Any finite rate below 1 is accepted, negative ones included: a negative net
/// MRR churn rate (net expansion) compounds by the same formula (-2% a month is
/// about -26.8% a year). Refused with [`ChurnError::RateNotConvertible`]: a rate
/// of 1 (100%) or more, which leaves nobody to compound over (and above 1 has
/// no real root), a NaN or infinite rate, and a negative rate so large that
/// the result is not finite.
pub fn convert_rate(rate: f64, from: RatePeriod, to: RatePeriod) -> Result<f64, ChurnError> {
    let refused = || ChurnError::RateNotConvertible { rate, period: from, to };
    if !rate.is_finite() || rate >= 1.0 {
        return Err(refused());
    }
    if from == to {
        return Ok(rate);
    }
    let exponent = f64::from(to.months()) / f64::from(from.months());
    let converted = -(exponent * (-rate).ln_1p()).exp_m1();
    if converted.is_finite() { Ok(converted) } else { Err(refused()) }
}

// ---------------------------------------------------------------------------
// Benchmark band

/// Where an annual churn rate falls in the benchmark band.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum BandLevel {
    /// Up to the normal limit ("normal for SaaS").
    Normal,
    /// Above normal, up to the acceptable limit.
    Acceptable,
    /// Above the acceptable limit: flagged.
    High,
}

text_enum! {
    /// The name, as serialized.
    BandLevel { Normal => "normal", Acceptable => "acceptable", High => "high" }
}

/// The benchmark band for annual churn (configurable). Defaults from the
/// source: up to 7% normal, up to 10% acceptable, above 10% high. Both limits
/// are inclusive.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(try_from = "BandRepr")]
pub struct ChurnBand {
    /// Highest annual rate that is normal (default 0.07).
    pub normal_up_to: f64,
    /// Highest annual rate that is acceptable (default 0.10).
    pub acceptable_up_to: f64,
}

impl Default for ChurnBand {
    fn default() -> Self {
        Self { normal_up_to: 0.07, acceptable_up_to: 0.10 }
    }
}

/// Unvalidated twin of [`ChurnBand`], so a bad settings file is an error when
/// read; a missing limit takes its default.
#[derive(Deserialize)]
#[serde(default)]
struct BandRepr {
    normal_up_to: f64,
    acceptable_up_to: f64,
}

impl Default for BandRepr {
    fn default() -> Self {
        let ChurnBand { normal_up_to, acceptable_up_to } = ChurnBand::default();
        Self { normal_up_to, acceptable_up_to }
    }
}

impl TryFrom<BandRepr> for ChurnBand {
    type Error = ChurnError;

    fn try_from(repr: BandRepr) -> Result<Self, ChurnError> {
        Self::new(repr.normal_up_to, repr.acceptable_up_to)
    }
}

impl ChurnBand {
    /// A band with the given limits, checked by [`Self::validate`].
    pub fn new(normal_up_to: f64, acceptable_up_to: f64) -> Result<Self, ChurnError> {
        let band = Self { normal_up_to, acceptable_up_to };
        band.validate()?;
        Ok(band)
    }

    /// Checks `0 <= normal <= acceptable < 1` (which also refuses NaN).
    pub fn validate(&self) -> Result<(), ChurnError> {
        let (normal, acceptable) = (self.normal_up_to, self.acceptable_up_to);
        if (0.0..=acceptable).contains(&normal) && acceptable < 1.0 {
            Ok(())
        } else {
            Err(ChurnError::InvalidBand { normal_up_to: normal, acceptable_up_to: acceptable })
        }
    }

    /// The level of an annual churn rate; limits are inclusive (7% is normal,
    /// 10% acceptable). A negative rate (net expansion) is normal; NaN is high,
    /// so a broken figure is flagged rather than passed.
    pub fn classify(&self, annual_rate: f64) -> BandLevel {
        if annual_rate <= self.normal_up_to {
            BandLevel::Normal
        } else if annual_rate <= self.acceptable_up_to {
            BandLevel::Acceptable
        } else {
            BandLevel::High
        }
    }
}

/// A reason a customer left, and whether the company could have prevented it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChurnReason {
    /// Key, e.g. `price`.
    pub key: String,
    /// Name shown.
    pub name: String,
    /// Whether the company could have prevented it (price, competitor) or not
    /// (bankruptcy): the uncontrollable share justifies the attrition tolerance.
    pub controllable: bool,
}

/// The default reasons (configurable in the organisation's settings).
pub fn default_reasons() -> Vec<ChurnReason> {
    let reason = |key: &str, name: &str, controllable| ChurnReason { key: key.into(), name: name.into(), controllable };
    vec![
        reason("bankruptcy", "Bankruptcy or closure", false),
        reason("acquired", "Acquired by another company", false),
        reason("budget_cut", "Budget cut", false),
        reason("returned_unused", "Product returned unused", true),
        reason("competitor", "Went to a competitor", true),
        reason("price", "Price", true),
        reason("support", "Service or support", true),
    ]
}

/// A churn event tagged with a reason.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChurnTag {
    /// The account that stopped paying.
    pub account_id: i64,
    /// The first month it paid nothing.
    pub month: NaiveDate,
    /// Reason key.
    pub reason: String,
    /// Free text.
    pub note: Option<String>,
}

/// Churn of a period by reason: how much of it the company could not have prevented.
#[derive(Debug, Clone, PartialEq, Default, Serialize)]
pub struct ReasonSummary {
    /// Churn events (accounts that stopped paying, month by month).
    pub events: usize,
    /// Their MRR before churning, minor units.
    pub churned_mrr: i64,
    /// Events with a reason.
    pub tagged: usize,
    /// Events whose reason is uncontrollable.
    pub uncontrollable: usize,
    /// MRR of the uncontrollable events.
    pub uncontrollable_mrr: i64,
    /// Uncontrollable MRR / MRR of the tagged events; `None` when nothing is tagged.
    pub uncontrollable_share: Option<f64>,
    /// MRR churned per reason key (`untagged` for the rest).
    pub by_reason: Vec<(String, i64)>,
}

impl MrrSeries {
    /// The churn events of the months `first_month ..= last_month` (account,
    /// month, MRR lost), for the accounts for which `include` holds.
    pub fn churn_events(
        &self,
        first_month: NaiveDate,
        last_month: NaiveDate,
        include: impl Fn(i64) -> bool,
    ) -> Result<Vec<(i64, NaiveDate, i64)>, ChurnError> {
        month_span(first_month, last_month)?;
        let mut events = Vec::new();
        let mut month = first_month.with_day(1).unwrap_or(first_month);
        while month <= last_month {
            let m = self.movements_for(month, &include);
            let before = month - chrono::Months::new(1);
            events.extend(m.churn_accounts.iter().map(|&a| (a, month, self.mrr(a, before))));
            month = month + chrono::Months::new(1);
        }
        Ok(events)
    }
}

/// Sums churn events by reason, from their tags and the reasons' controllability.
pub fn reason_summary(events: &[(i64, NaiveDate, i64)], tags: &[ChurnTag], reasons: &[ChurnReason]) -> ReasonSummary {
    let tag_of: std::collections::HashMap<(i64, NaiveDate), &str> =
        tags.iter().map(|t| ((t.account_id, t.month), t.reason.as_str())).collect();
    let mut s = ReasonSummary { events: events.len(), ..ReasonSummary::default() };
    let mut by_reason: std::collections::BTreeMap<String, i64> = std::collections::BTreeMap::new();
    let mut tagged_mrr = 0;
    for &(account, month, mrr) in events {
        s.churned_mrr += mrr;
        let reason = tag_of.get(&(account, month)).copied();
        *by_reason.entry(reason.unwrap_or("untagged").to_string()).or_default() += mrr;
        if let Some(key) = reason {
            s.tagged += 1;
            tagged_mrr += mrr;
            if reasons.iter().any(|r| r.key == key && !r.controllable) {
                s.uncontrollable += 1;
                s.uncontrollable_mrr += mrr;
            }
        }
    }
    s.uncontrollable_share = (tagged_mrr > 0).then(|| s.uncontrollable_mrr as f64 / tagged_mrr as f64);
    s.by_reason = by_reason.into_iter().collect();
    s
}

/// Annualises a customer churn rate measured over `months` months (compounding).
pub fn annualise(rate: f64, months: u32) -> Result<f64, ChurnError> {
    match months {
        1 => convert_rate(rate, RatePeriod::Monthly, RatePeriod::Annual),
        3 => convert_rate(rate, RatePeriod::Quarterly, RatePeriod::Annual),
        12 => Ok(rate),
        // Other lengths compound through the monthly rate.
        n => {
            let monthly = 1.0 - (1.0 - rate).powf(1.0 / f64::from(n.max(1)));
            convert_rate(monthly, RatePeriod::Monthly, RatePeriod::Annual)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fiscal_calendar::{FiscalCalendar, PeriodKind, WeekPattern, YearEndRule, YearNaming};
    use crate::testing::ymd;
    use chrono::Weekday;
    use proptest::prelude::*;
    use std::collections::HashSet;

    fn row(account_id: i64, month: NaiveDate, mrr_minor: i64) -> SubscriptionMonth {
        SubscriptionMonth { account_id, month, mrr_minor }
    }

    /// Rows from a table of accounts and their MRR month by month from `first`;
    /// zeros are given as explicit rows when `zero_rows` is set, else left out.
    fn rows_of(table: &[(i64, Vec<i64>)], first: NaiveDate, zero_rows: bool) -> Vec<SubscriptionMonth> {
        let base = month_index(first);
        let mut rows = Vec::new();
        for (id, values) in table {
            for (k, &v) in values.iter().enumerate() {
                if v > 0 || zero_rows {
                    rows.push(row(*id, month_date(base + k as i32), v));
                }
            }
        }
        rows
    }

    fn close(a: Option<f64>, b: f64) -> bool {
        a.is_some_and(|a| (a - b).abs() < 1e-12)
    }

    /// The hand example, January to June 2025, in cents:
    /// 1 steady; 2 expands in April; 3 contracts in May; 4 churns in May;
    /// 5 new in May; 6 paid in January, back in April (reactivation);
    /// 7 new in April, churns in June (starts inside Q2: not in its cohort);
    /// 8 churns in April and comes back lower in June.
    fn hand() -> MrrSeries {
        let table = vec![
            (1, vec![100, 100, 100, 100, 100, 100]),
            (2, vec![200, 200, 200, 300, 300, 300]),
            (3, vec![400, 400, 400, 400, 250, 250]),
            (4, vec![500, 500, 500, 500, 0, 0]),
            (5, vec![0, 0, 0, 0, 600, 600]),
            (6, vec![50, 0, 0, 80, 80, 80]),
            (7, vec![0, 0, 0, 70, 70, 0]),
            (8, vec![120, 120, 120, 0, 0, 90]),
        ];
        let cents = table.into_iter().map(|(id, v)| (id, v.into_iter().map(|x| x * 100).collect())).collect::<Vec<_>>();
        MrrSeries::from_rows(rows_of(&cents, ymd(2025, 1, 1), true)).unwrap()
    }

    #[test]
    fn hand_example_movements() {
        let s = hand();
        let apr = s.movements(ymd(2025, 4, 1));
        assert_eq!((apr.start_mrr, apr.end_mrr), (132_000, 145_000));
        assert_eq!((apr.customers_at_start, apr.customers_at_end), (5, 6));
        assert_eq!(
            (apr.new, apr.reactivation, apr.expansion, apr.contraction, apr.churn),
            (7_000, 8_000, 10_000, 0, 12_000)
        );
        assert_eq!(
            (apr.new_count, apr.reactivation_count, apr.expansion_count, apr.contraction_count, apr.churn_count),
            (1, 1, 1, 0, 1)
        );
        assert_eq!(apr.new_accounts, vec![7]);
        assert_eq!(apr.reactivation_accounts, vec![6]);
        assert_eq!(apr.expansion_accounts, vec![2]);
        assert!(apr.contraction_accounts.is_empty());
        assert_eq!(apr.churn_accounts, vec![8]);

        let may = s.movements(ymd(2025, 5, 1));
        assert_eq!(
            (may.new, may.reactivation, may.expansion, may.contraction, may.churn),
            (60_000, 0, 0, 15_000, 50_000)
        );
        assert_eq!((may.new_accounts, may.contraction_accounts, may.churn_accounts), (vec![5], vec![3], vec![4]));
        assert_eq!(may.end_mrr, 140_000);

        let jun = s.movements(ymd(2025, 6, 1));
        assert_eq!((jun.reactivation_accounts, jun.churn_accounts), (vec![8], vec![7]));
        assert_eq!((jun.reactivation, jun.churn, jun.end_mrr), (9_000, 7_000, 142_000));

        // The series knows nothing before its first month: everyone paying then is new.
        let jan = s.movements(ymd(2025, 1, 1));
        assert_eq!((jan.new_count, jan.new, jan.start_mrr), (6, 137_000, 0));
        assert_eq!(jan.new_accounts, vec![1, 2, 3, 4, 6, 8]);
        // Any day names its month.
        assert_eq!(s.movements(ymd(2025, 4, 17)), apr);
        // After the data, everyone churns (a missing row is MRR 0).
        let jul = s.movements(ymd(2025, 7, 1));
        assert_eq!((jul.churn, jul.churn_count, jul.end_mrr), (142_000, 6, 0));
    }

    #[test]
    fn hand_example_bridge() {
        let b = hand().bridge(ymd(2025, 4, 1), ymd(2025, 6, 1)).unwrap();
        assert_eq!((b.first_month, b.last_month), (ymd(2025, 4, 1), ymd(2025, 6, 1)));
        assert_eq!(
            (b.start_mrr, b.new, b.reactivation, b.expansion, b.contraction, b.churn, b.end_mrr),
            (132_000, 67_000, 17_000, 10_000, 15_000, 69_000, 142_000)
        );
        assert!(b.balances());
        assert_eq!((b.customers_at_start, b.customers_at_end), (5, 6));
        assert_eq!(
            (b.new_count, b.reactivation_count, b.expansion_count, b.contraction_count, b.churn_count),
            (2, 2, 1, 1, 3)
        );
        // (670 + 100) / (150 + 690): reactivation is not a gain in the quick ratio.
        assert!(close(b.quick_ratio, 770.0 / 840.0));
        let broken = MrrBridge { end_mrr: b.end_mrr + 1, ..b.clone() };
        assert!(!broken.balances());

        // Nothing lost: no quick ratio.
        let growing = MrrSeries::from_rows([row(1, ymd(2025, 1, 1), 100), row(1, ymd(2025, 2, 1), 150)]).unwrap();
        let g = growing.bridge(ymd(2025, 1, 1), ymd(2025, 2, 1)).unwrap();
        assert_eq!((g.new, g.expansion, g.quick_ratio), (100, 50, None));
    }

    #[test]
    fn hand_example_period_rates() {
        let r = hand().period_rates(ymd(2025, 4, 1), ymd(2025, 6, 1)).unwrap();
        // Cohort (paying in March): 1, 2, 3, 4, 8. Not 6 (0 in March) nor 5 and 7 (start inside Q2).
        assert_eq!((r.cohort_customers, r.cohort_mrr), (5, 132_000));
        assert_eq!((r.churned_customers, r.churned_mrr), (1, 50_000));
        // 3 down 150, and 8 (churned in April, back at 90 in June) down 30.
        assert_eq!((r.contraction_mrr, r.expansion_mrr, r.end_mrr_of_cohort), (18_000, 10_000, 74_000));
        assert!(close(r.customer_churn_rate, 0.2));
        assert!(close(r.gross_mrr_churn_rate, 680.0 / 1320.0));
        assert!(close(r.grr, 640.0 / 1320.0));
        assert!(close(r.nrr, 740.0 / 1320.0));
        assert!(close(r.net_mrr_churn_rate, 580.0 / 1320.0));
    }

    #[test]
    fn period_rate_formulas() {
        // (start, end) MRR of each cohort account -> churned, contraction, expansion, customer churn, gross, net, nrr.
        type Case = (&'static [(i64, i64)], i64, i64, i64, f64, f64, f64, f64);
        let cases: [Case; 5] = [
            // FORMULAS worked shape: 10 accounts of 100, one leaves, one halves, one doubles.
            (
                &[
                    (100, 0),
                    (100, 50),
                    (100, 200),
                    (100, 100),
                    (100, 100),
                    (100, 100),
                    (100, 100),
                    (100, 100),
                    (100, 100),
                    (100, 100),
                ],
                100,
                50,
                100,
                0.1,
                0.15,
                0.05,
                0.95,
            ),
            // Nobody changes.
            (&[(300, 300), (700, 700)], 0, 0, 0, 0.0, 0.0, 0.0, 1.0),
            // Everyone leaves.
            (&[(300, 0), (700, 0)], 1000, 0, 0, 1.0, 1.0, 1.0, 0.0),
            // Expansion outweighs losses: net churn is negative, NRR above 1.
            (&[(1000, 900), (1000, 1600)], 0, 100, 600, 0.0, 0.05, -0.25, 1.25),
            // A customer churn rate without revenue churn and the reverse.
            (&[(1, 0), (999, 1999)], 1, 0, 1000, 0.5, 0.001, -0.999, 1.999),
        ];
        for (accounts, churned, contraction, expansion, customer, gross, net, nrr) in cases {
            let rows = accounts.iter().enumerate().flat_map(|(i, &(start, end))| {
                [row(i as i64, ymd(2024, 12, 1), start), row(i as i64, ymd(2025, 3, 1), end)]
            });
            let s = MrrSeries::from_rows(rows).unwrap();
            let r = s.period_rates(ymd(2025, 1, 1), ymd(2025, 3, 1)).unwrap();
            assert_eq!(
                (r.churned_mrr, r.contraction_mrr, r.expansion_mrr),
                (churned, contraction, expansion),
                "{accounts:?}"
            );
            assert!(close(r.customer_churn_rate, customer), "{accounts:?}: {r:?}");
            assert!(close(r.gross_mrr_churn_rate, gross), "{accounts:?}: {r:?}");
            assert!(close(r.net_mrr_churn_rate, net), "{accounts:?}: {r:?}");
            assert!(close(r.nrr, nrr), "{accounts:?}: {r:?}");
            assert!(close(r.grr, 1.0 - gross), "{accounts:?}: {r:?}");
        }
    }

    #[test]
    fn empty_cohorts_give_no_figure() {
        let empty = MrrSeries::from_rows([]).unwrap();
        assert!(empty.is_empty());
        assert_eq!((empty.first_month(), empty.last_month()), (None, None));
        let r = empty.period_rates(ymd(2025, 1, 1), ymd(2025, 12, 1)).unwrap();
        assert_eq!((r.cohort_customers, r.cohort_mrr), (0, 0));
        for rate in [r.customer_churn_rate, r.gross_mrr_churn_rate, r.net_mrr_churn_rate, r.grr, r.nrr] {
            assert_eq!(rate, None);
        }
        assert!(empty.bridge(ymd(2025, 1, 1), ymd(2025, 12, 1)).unwrap().balances());
        assert!(empty.cohort_table(12).is_empty());

        // The data's first month: nobody paid the month before, whatever joins.
        let r = hand().period_rates(ymd(2025, 1, 1), ymd(2025, 6, 1)).unwrap();
        assert_eq!((r.cohort_customers, r.nrr, r.customer_churn_rate), (0, None, None));
        // A filter that keeps nobody.
        let r = hand().period_rates_for(ymd(2025, 4, 1), ymd(2025, 6, 1), |_| false).unwrap();
        assert_eq!((r.cohort_customers, r.grr), (0, None));
    }

    #[test]
    fn subset_filter() {
        let s = hand();
        let team: HashSet<i64> = [2, 4, 5, 7].into();
        let r = s.period_rates_for(ymd(2025, 4, 1), ymd(2025, 6, 1), |id| team.contains(&id)).unwrap();
        // Cohort of the team: 2 (200 -> 300) and 4 (500 -> 0).
        assert_eq!((r.cohort_customers, r.cohort_mrr, r.churned_mrr, r.expansion_mrr), (2, 70_000, 50_000, 10_000));
        assert!(close(r.customer_churn_rate, 0.5));
        let b = s.bridge_for(ymd(2025, 4, 1), ymd(2025, 6, 1), |id| team.contains(&id)).unwrap();
        assert!(b.balances());
        assert_eq!((b.start_mrr, b.new, b.expansion, b.churn, b.end_mrr), (70_000, 67_000, 10_000, 57_000, 90_000));
        let m = s.movements_for(ymd(2025, 5, 1), |id| team.contains(&id));
        assert_eq!((m.new_accounts, m.churn_accounts, m.contraction_count), (vec![5], vec![4], 0));
    }

    #[test]
    fn lookups() {
        let s = hand();
        assert_eq!(s.accounts(), &[1, 2, 3, 4, 5, 6, 7, 8]);
        assert_eq!((s.first_month(), s.last_month()), (Some(ymd(2025, 1, 1)), Some(ymd(2025, 6, 1))));
        assert_eq!(s.mrr(2, ymd(2025, 4, 1)), 30_000);
        assert_eq!(s.mrr(2, ymd(2030, 4, 1)), 0);
        assert_eq!(s.mrr(99, ymd(2025, 4, 1)), 0);
        assert_eq!(s.first_paying_month(5), Some(ymd(2025, 5, 1)));
        assert_eq!(s.first_paying_month(99), None);
        assert_eq!((s.total_mrr(ymd(2025, 3, 1)), s.customers(ymd(2025, 3, 1))), (132_000, 5));
        // Rows of MRR 0 only: in the span, not an account.
        let s = MrrSeries::from_rows([row(1, ymd(2025, 1, 1), 10), row(2, ymd(2025, 9, 1), 0)]).unwrap();
        assert_eq!((s.accounts(), s.last_month()), (&[1][..], Some(ymd(2025, 9, 1))));
    }

    #[test]
    fn refuses_bad_rows() {
        let err = MrrSeries::from_rows([row(1, ymd(2025, 1, 1), 10), row(7, ymd(2025, 2, 1), -5)]).unwrap_err();
        assert_eq!(err, ChurnError::NegativeMrr { account_id: 7, month: ymd(2025, 2, 1), mrr_minor: -5 });
        assert_eq!(err.to_string(), "account 7, month 2025-02-01: MRR -5 is negative; MRR is 0 or more minor units");

        let err = MrrSeries::from_rows([
            row(3, ymd(2025, 1, 1), 10),
            row(1, ymd(2025, 2, 1), 0),
            row(3, ymd(2025, 1, 1), 12),
        ])
        .unwrap_err();
        assert_eq!(
            err,
            ChurnError::DuplicateMonth {
                account_id: 3,
                month: ymd(2025, 1, 1),
                first_mrr_minor: 10,
                second_mrr_minor: 12
            }
        );
        assert!(err.to_string().contains("account 3, month 2025-01-01 is given twice (MRR 10 and 12)"), "{err}");

        let mid = ymd(2025, 3, 15);
        let err = MrrSeries::from_rows([row(4, mid, 10)]).unwrap_err();
        assert_eq!(
            err,
            ChurnError::NotFirstOfMonth { account_id: 4, month: mid, mrr_minor: 10, first_day: ymd(2025, 3, 1) }
        );
        assert!(err.to_string().contains("such as 2025-03-01"), "{err}");

        let err = MrrSeries::from_rows([row(1, ymd(2025, 1, 1), i64::MAX), row(2, ymd(2025, 1, 1), 1)]).unwrap_err();
        assert_eq!(err, ChurnError::TotalTooLarge);
        // Right at the limit is fine, and every sum still fits.
        let s = MrrSeries::from_rows([row(1, ymd(2025, 1, 1), i64::MAX - 1), row(2, ymd(2025, 2, 1), 1)]).unwrap();
        let b = s.bridge(ymd(2025, 1, 1), ymd(2025, 3, 1)).unwrap();
        assert!(b.balances());
        assert_eq!(b.new, i64::MAX);

        let err = s.bridge(ymd(2025, 3, 1), ymd(2025, 1, 1)).unwrap_err();
        assert_eq!(err, ChurnError::ReversedPeriod { first_month: ymd(2025, 3, 1), last_month: ymd(2025, 1, 1) });
        assert!(s.period_rates(ymd(2025, 3, 1), ymd(2025, 2, 1)).is_err());
    }

    #[test]
    fn fiscal_periods() {
        let s = hand();
        let calendar = FiscalCalendar::monthly(2, YearNaming::EndYear).unwrap();
        let q1 = calendar.parse_period("FY2026-Q1").unwrap(); // Feb .. Apr 2025
        assert_eq!(calendar_months_of(&q1), (ymd(2025, 2, 1), ymd(2025, 4, 1)));
        assert_eq!(s.period_rates_in(&q1).unwrap(), s.period_rates(ymd(2025, 2, 1), ymd(2025, 4, 1)).unwrap());
        assert_eq!(s.bridge_in(&q1).unwrap(), s.bridge(ymd(2025, 2, 1), ymd(2025, 4, 1)).unwrap());
        let m = calendar.periods(2026, PeriodKind::Month).unwrap()[3]; // May 2025
        assert_eq!(calendar_months_of(&m), (ymd(2025, 5, 1), ymd(2025, 5, 1)));

        // Week-based: the calendar months holding the first and last days.
        let retail =
            FiscalCalendar::weekly(WeekPattern::P454, 1, Weekday::Sat, YearEndRule::Nearest, YearNaming::StartYear)
                .unwrap();
        let year = retail.year(2023).unwrap(); // 2023-01-29 .. 2024-02-03
        assert_eq!(calendar_months_of(&year), (ymd(2023, 1, 1), ymd(2024, 2, 1)));
        let q1 = retail.parse_period("FY2023-Q1").unwrap(); // 2023-01-29 .. 2023-04-29
        assert_eq!(calendar_months_of(&q1), (ymd(2023, 1, 1), ymd(2023, 4, 1)));
    }

    #[test]
    fn outputs_serialize() {
        let s = hand();
        let m = serde_json::to_value(s.movements(ymd(2025, 4, 1))).unwrap();
        assert_eq!(m["month"], "2025-04-01");
        assert_eq!(m["churn_accounts"], serde_json::json!([8]));
        let r = serde_json::to_value(s.period_rates(ymd(2025, 1, 1), ymd(2025, 1, 1)).unwrap()).unwrap();
        assert_eq!(r["nrr"], serde_json::Value::Null);
        let b = serde_json::to_value(s.bridge(ymd(2025, 4, 1), ymd(2025, 6, 1)).unwrap()).unwrap();
        assert_eq!(b["end_mrr"], 142_000);
        let c = serde_json::to_value(s.cohort_table(2)).unwrap();
        assert_eq!(c[0]["revenue_retention"], serde_json::json!([1.0, 1.0]));
        assert_eq!(c[1]["revenue_retention"], serde_json::json!([null, null]));
        assert_eq!(serde_json::to_value(BandLevel::Acceptable).unwrap(), "acceptable");
        assert_eq!(serde_json::to_value(RatePeriod::Quarterly).unwrap(), "quarterly");
    }

    #[test]
    fn cohort_table_hand_example() {
        let s = hand();
        let all = s.cohort_table(100); // limited to the data: January .. June
        assert_eq!(all.len(), 6);
        let jan = &all[0];
        assert_eq!((jan.cohort_month, jan.customers, jan.mrr), (ymd(2025, 1, 1), 6, 137_000));
        let some = |v: &[usize]| v.iter().map(|&x| Some(x)).collect::<Vec<_>>();
        assert_eq!(jan.customers_paying, some(&[6, 5, 5, 5, 4, 5]));
        let mrr: Vec<_> = [137_000, 132_000, 132_000, 138_000, 73_000, 82_000].into_iter().map(Some).collect();
        assert_eq!(jan.mrr_at, mrr);
        assert!(close(jan.customer_retention[4], 4.0 / 6.0));
        assert!(close(jan.revenue_retention[3], 1380.0 / 1370.0));
        // No account started in February or March: rows of size 0 without rates.
        assert_eq!((all[1].customers, all[1].customer_retention[0], all[1].customers_paying[0]), (0, None, Some(0)));
        assert_eq!(all[1].customers_paying[5], None);

        let last3 = s.cohort_table(3);
        assert_eq!(
            last3.iter().map(|r| r.cohort_month).collect::<Vec<_>>(),
            vec![ymd(2025, 4, 1), ymd(2025, 5, 1), ymd(2025, 6, 1)]
        );
        let apr = &last3[0]; // account 7: 70, 70, 0
        assert_eq!((apr.customers, apr.mrr), (1, 7_000));
        assert_eq!(apr.customer_retention, vec![Some(1.0), Some(1.0), Some(0.0)]);
        assert_eq!(apr.revenue_retention, vec![Some(1.0), Some(1.0), Some(0.0)]);
        let may = &last3[1]; // account 5: 600, 600, then past the data
        assert_eq!(may.customer_retention, vec![Some(1.0), Some(1.0), None]);
        assert_eq!(may.mrr_at, vec![Some(60_000), Some(60_000), None]);
        let jun = &last3[2];
        assert_eq!(
            (jun.customers, jun.customers_paying.clone(), jun.revenue_retention.clone()),
            (0, vec![Some(0), None, None], vec![None, None, None])
        );
        assert!(s.cohort_table(0).is_empty());
    }

    #[test]
    fn conversion_worked_examples() {
        use RatePeriod::*;
        let pct2 = |x: f64| (x * 100.0 * 100.0).round() / 100.0;
        let pct3 = |x: f64| (x * 100.0 * 1000.0).round() / 1000.0;
        assert_eq!(pct2(convert_rate(0.005, Monthly, Annual).unwrap()), 5.84);
        assert_eq!(pct3(convert_rate(0.07, Annual, Monthly).unwrap()), 0.603);
        assert_eq!(pct2(convert_rate(0.07, Annual, Quarterly).unwrap()), 1.80);
        // Each formula exactly as FORMULAS.md writes it.
        for r in [0.0f64, 0.001, 0.005, 0.02, 0.07, 0.3, 0.9, -0.02] {
            let cases = [
                (Monthly, Annual, 1.0 - (1.0 - r).powi(12)),
                (Annual, Monthly, 1.0 - (1.0 - r).powf(1.0 / 12.0)),
                (Monthly, Quarterly, 1.0 - (1.0 - r).powi(3)),
                (Quarterly, Annual, 1.0 - (1.0 - r).powi(4)),
                (Quarterly, Monthly, 1.0 - (1.0 - r).powf(1.0 / 3.0)),
                (Annual, Quarterly, 1.0 - (1.0 - r).powf(0.25)),
            ];
            for (from, to, expected) in cases {
                let got = convert_rate(r, from, to).unwrap();
                assert!((got - expected).abs() < 1e-14, "{r} {from} -> {to}: {got} vs {expected}");
            }
            for p in RatePeriod::ALL {
                assert_eq!(convert_rate(r, p, p).unwrap(), r);
            }
        }
        // Net expansion compounds too: -2% a month is about -26.8% a year.
        assert!((convert_rate(-0.02, Monthly, Annual).unwrap() - (1.0 - 1.02f64.powi(12))).abs() < 1e-14);
    }

    #[test]
    fn conversion_refusals() {
        use RatePeriod::*;
        for rate in [1.0, 1.5, f64::NAN, f64::INFINITY, f64::NEG_INFINITY] {
            let err = convert_rate(rate, Annual, Monthly).unwrap_err();
            assert!(matches!(err, ChurnError::RateNotConvertible { period: Annual, to: Monthly, .. }), "{rate}");
        }
        // A negative rate is converted while the result is finite.
        assert!(convert_rate(-1e300, Annual, Monthly).unwrap().is_finite());
        assert!(convert_rate(-1e300, Monthly, Annual).is_err());
        assert_eq!(
            convert_rate(1.0, Monthly, Annual).unwrap_err().to_string(),
            "monthly rate 1 cannot be converted to annual: use a finite rate below 1 (100%) whose \
             converted value is finite"
        );
        // Refused even to the same period, so a bad rate never passes silently.
        assert!(convert_rate(1.0, Monthly, Monthly).is_err());
    }

    #[test]
    fn rate_period_names() {
        for p in RatePeriod::ALL {
            assert_eq!(p.to_string().parse::<RatePeriod>().unwrap(), p);
        }
        assert_eq!(" Annual ".parse::<RatePeriod>().unwrap(), RatePeriod::Annual);
        assert_eq!([1, 3, 12], RatePeriod::ALL.map(RatePeriod::months));
        let err = "weekly".parse::<RatePeriod>().unwrap_err();
        assert_eq!(err.to_string(), "unknown rate period \"weekly\": use monthly, quarterly or annual");
    }

    #[test]
    fn band_classification() {
        let band = ChurnBand::default();
        assert_eq!((band.normal_up_to, band.acceptable_up_to), (0.07, 0.10));
        for (rate, level) in [
            (-0.05, BandLevel::Normal),
            (0.0, BandLevel::Normal),
            (0.05, BandLevel::Normal),
            (0.07, BandLevel::Normal),
            (0.070_000_1, BandLevel::Acceptable),
            (0.10, BandLevel::Acceptable),
            (0.100_000_1, BandLevel::High),
            (0.5, BandLevel::High),
            (f64::NAN, BandLevel::High),
        ] {
            assert_eq!(band.classify(rate), level, "{rate}");
        }
        // The annual equivalent of 0.5% a month (5.84%) is normal.
        let annual = convert_rate(0.005, RatePeriod::Monthly, RatePeriod::Annual).unwrap();
        assert_eq!(band.classify(annual), BandLevel::Normal);
        assert_eq!(BandLevel::High.to_string(), "high");

        let strict = ChurnBand::new(0.05, 0.05).unwrap();
        assert_eq!((strict.classify(0.05), strict.classify(0.051)), (BandLevel::Normal, BandLevel::High));
        assert!(ChurnBand::new(0.0, 0.0).is_ok());
        for (n, a) in [(0.10, 0.07), (-0.01, 0.1), (0.05, 1.0), (f64::NAN, 0.1), (0.05, f64::NAN)] {
            let err = ChurnBand::new(n, a).unwrap_err();
            assert!(matches!(err, ChurnError::InvalidBand { .. }), "{n} {a}");
        }
        assert!(ChurnBand::new(0.10, 0.07).unwrap_err().to_string().contains("use 0 <= normal <= acceptable < 1"));
    }

    #[test]
    fn band_settings() {
        let band: ChurnBand = serde_json::from_str(r#"{"normal_up_to": 0.05}"#).unwrap();
        assert_eq!(band, ChurnBand { normal_up_to: 0.05, acceptable_up_to: 0.10 });
        assert_eq!(serde_json::from_str::<ChurnBand>("{}").unwrap(), ChurnBand::default());
        assert!(serde_json::from_str::<ChurnBand>(r#"{"normal_up_to": 0.2}"#).is_err());
        let text = serde_json::to_string(&band).unwrap();
        assert_eq!(serde_json::from_str::<ChurnBand>(&text).unwrap(), band);
    }

    #[test]
    fn large_series() {
        // 50,000 accounts x 36 months: builds and answers quickly (no timing asserted).
        let rows = (0..50_000i64).flat_map(|a| {
            (0..36).filter_map(move |k| {
                let phase = (a * 7 + k) % 40;
                (phase < 30 && (a + k) % 11 != 0)
                    .then(|| row(a, month_date(2023 * 12 + k as i32), 1_000 + (a % 97) * 100 + k))
            })
        });
        let s = MrrSeries::from_rows(rows).unwrap();
        let b = s.bridge(ymd(2023, 1, 1), ymd(2025, 12, 1)).unwrap();
        assert!(b.balances());
        let r = s.period_rates(ymd(2025, 1, 1), ymd(2025, 12, 1)).unwrap();
        assert!(r.cohort_customers > 10_000 && r.nrr.is_some());
        assert_eq!(s.cohort_table(36).len(), 36);
    }

    // --- properties over random small series, against a dense oracle ---

    /// A dense matrix of MRR: `values[account][k]` is the MRR `k` months after BASE.
    #[derive(Debug, Clone)]
    struct Dense {
        values: Vec<Vec<i64>>,
    }

    const BASE: (i32, u32) = (2024, 11); // crosses a year end

    fn id(i: usize) -> i64 {
        i as i64 * 37 - 100 // negative ids too
    }

    impl Dense {
        fn value(&self, a: usize, k: i32) -> i64 {
            usize::try_from(k).ok().and_then(|k| self.values[a].get(k)).copied().unwrap_or(0)
        }

        fn series(&self) -> MrrSeries {
            let table: Vec<_> = self.values.iter().enumerate().map(|(i, v)| (id(i), v.clone())).collect();
            // Explicit zero rows for every other account, missing rows for the rest.
            let mut rows = rows_of(&table, ymd(BASE.0, BASE.1, 1), false);
            for (i, values) in self.values.iter().enumerate().filter(|(i, _)| i % 2 == 0) {
                for (k, _) in values.iter().enumerate().filter(|(_, v)| **v == 0) {
                    rows.push(row(id(i), month_date(month_index(ymd(BASE.0, BASE.1, 1)) + k as i32), 0));
                }
            }
            rows.reverse(); // order does not matter
            MrrSeries::from_rows(rows).unwrap()
        }

        fn month(k: i32) -> NaiveDate {
            month_date(month_index(ymd(BASE.0, BASE.1, 1)) + k)
        }

        /// Movements of month k as ([amounts], [accounts]) by kind, written from the table's words.
        fn movements(&self, k: i32, include: &dyn Fn(i64) -> bool) -> ([i64; 5], [Vec<i64>; 5]) {
            let mut amounts = [0; 5];
            let mut accounts: [Vec<i64>; 5] = Default::default();
            for a in 0..self.values.len() {
                if !include(id(a)) {
                    continue;
                }
                let (before, now) = (self.value(a, k - 1), self.value(a, k));
                let paid_earlier = (-1..k - 1).any(|j| self.value(a, j) > 0);
                let (slot, amount) = if before == 0 && now > 0 && !paid_earlier {
                    (0, now)
                } else if before == 0 && now > 0 {
                    (1, now)
                } else if before > 0 && now > before {
                    (2, now - before)
                } else if before > 0 && now < before && now > 0 {
                    (3, before - now)
                } else if before > 0 && now == 0 {
                    (4, before)
                } else {
                    continue;
                };
                amounts[slot] += amount;
                accounts[slot].push(id(a));
            }
            (amounts, accounts)
        }

        fn total(&self, k: i32, include: &dyn Fn(i64) -> bool) -> i64 {
            (0..self.values.len()).filter(|&a| include(id(a))).map(|a| self.value(a, k)).sum()
        }
    }

    fn dense() -> impl Strategy<Value = Dense> {
        (1usize..20, 1usize..=24).prop_flat_map(|(accounts, months)| {
            let cell = prop_oneof![3 => Just(0i64), 2 => 0i64..100_000];
            prop::collection::vec(prop::collection::vec(cell, months), accounts).prop_map(|values| Dense { values })
        })
    }

    fn even_ids(id: i64) -> bool {
        id % 2 == 0
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(300))]

        #[test]
        fn bridge_balances_to_the_cent(m in dense(), start in -2i32..26, len in 0i32..14, subset in any::<bool>()) {
            let s = m.series();
            let include = |id: i64| !subset || even_ids(id);
            let (first, last) = (Dense::month(start), Dense::month(start + len));
            let b = s.bridge_for(first, last, include).unwrap();
            prop_assert!(b.balances(), "{b:?}");
            prop_assert_eq!(b.start_mrr, m.total(start - 1, &include));
            prop_assert_eq!(b.end_mrr, m.total(start + len, &include));
            let mut sums = [0i64; 5];
            for k in start..=start + len {
                let (amounts, _) = m.movements(k, &include);
                for i in 0..5 { sums[i] += amounts[i]; }
            }
            prop_assert_eq!([b.new, b.reactivation, b.expansion, b.contraction, b.churn], sums);
            let gains = (b.new + b.expansion) as f64;
            let losses = (b.contraction + b.churn) as f64;
            prop_assert_eq!(b.quick_ratio, (losses > 0.0).then(|| gains / losses));
        }

        #[test]
        fn movements_match_the_table(m in dense()) {
            let s = m.series();
            for k in -1..=m.values[0].len() as i32 + 1 {
                let mv = s.movements(Dense::month(k));
                let (amounts, accounts) = m.movements(k, &|_| true);
                prop_assert_eq!([mv.new, mv.reactivation, mv.expansion, mv.contraction, mv.churn], amounts);
                let mut expected = accounts.clone();
                for list in &mut expected { list.sort_unstable(); }
                prop_assert_eq!(
                    [mv.new_accounts.clone(), mv.reactivation_accounts.clone(), mv.expansion_accounts.clone(),
                     mv.contraction_accounts.clone(), mv.churn_accounts.clone()],
                    expected.clone()
                );
                prop_assert_eq!(
                    [mv.new_count, mv.reactivation_count, mv.expansion_count, mv.contraction_count, mv.churn_count],
                    expected.each_ref().map(Vec::len)
                );
                prop_assert_eq!(mv.customers_at_end + mv.churn_count, mv.customers_at_start + mv.new_count + mv.reactivation_count);
                prop_assert_eq!(mv.start_mrr, s.total_mrr(Dense::month(k - 1)));
                prop_assert_eq!(mv.customers_at_end, s.customers(Dense::month(k)));
            }
        }

        #[test]
        fn single_month_rates_are_the_cohort_movements(m in dense(), k in -1i32..26, subset in any::<bool>()) {
            let s = m.series();
            let include = |id: i64| !subset || even_ids(id);
            let month = Dense::month(k);
            let r = s.period_rates_for(month, month, include).unwrap();
            let mv = s.movements_for(month, include);
            prop_assert_eq!((r.cohort_customers, r.cohort_mrr), (mv.customers_at_start, mv.start_mrr));
            prop_assert_eq!((r.churned_customers, r.churned_mrr), (mv.churn_count, mv.churn));
            prop_assert_eq!((r.contraction_mrr, r.expansion_mrr), (mv.contraction, mv.expansion));
            prop_assert_eq!(r.end_mrr_of_cohort, mv.end_mrr - mv.new - mv.reactivation);
        }

        #[test]
        fn period_rates_match_the_definitions(m in dense(), start in -1i32..26, len in 0i32..14) {
            let s = m.series();
            let r = s.period_rates(Dense::month(start), Dense::month(start + len)).unwrap();
            let (mut c0, mut m0, mut churned, mut churned_mrr, mut contraction, mut expansion) = (0, 0, 0, 0, 0, 0);
            for a in 0..m.values.len() {
                let (begin, end) = (m.value(a, start - 1), m.value(a, start + len));
                if begin == 0 { continue; }
                c0 += 1;
                m0 += begin;
                if end == 0 { churned += 1; churned_mrr += begin; }
                else if end < begin { contraction += begin - end; }
                else { expansion += end - begin; }
            }
            prop_assert_eq!((r.cohort_customers, r.cohort_mrr, r.churned_customers), (c0, m0, churned));
            prop_assert_eq!((r.churned_mrr, r.contraction_mrr, r.expansion_mrr), (churned_mrr, contraction, expansion));
            prop_assert_eq!(r.end_mrr_of_cohort, m0 - churned_mrr - contraction + expansion);
            if c0 == 0 {
                prop_assert!(r.customer_churn_rate.is_none() && r.gross_mrr_churn_rate.is_none());
                prop_assert!(r.net_mrr_churn_rate.is_none() && r.grr.is_none() && r.nrr.is_none());
            } else {
                let (nrr, net) = (r.nrr.unwrap(), r.net_mrr_churn_rate.unwrap());
                let (grr, gross) = (r.grr.unwrap(), r.gross_mrr_churn_rate.unwrap());
                prop_assert!((nrr - (1.0 - net)).abs() < 1e-12, "{r:?}");
                prop_assert!((grr - (1.0 - gross)).abs() < 1e-12, "{r:?}");
                prop_assert!((0.0..=1.0).contains(&grr) && (0.0..=1.0).contains(&r.customer_churn_rate.unwrap()));
                prop_assert!(nrr >= grr);
            }
        }

        #[test]
        fn cohort_table_matches_the_table(m in dense(), n in 0usize..30) {
            let s = m.series();
            let table = s.cohort_table(n);
            let Some(last) = s.last_month().map(month_index) else { return Ok(()); };
            let first = s.first_month().map(month_index).unwrap();
            prop_assert_eq!(table.len(), n.min((last - first + 1) as usize));
            let base = month_index(ymd(BASE.0, BASE.1, 1));
            for row in &table {
                prop_assert_eq!(row.customers_paying.len(), table.len());
                let c = month_index(row.cohort_month) - base;
                let members: Vec<usize> = (0..m.values.len())
                    .filter(|&a| m.value(a, c) > 0 && (-1..c).all(|j| m.value(a, j) == 0))
                    .collect();
                prop_assert_eq!(row.customers, members.len());
                for (age, cell) in row.customers_paying.iter().enumerate() {
                    let month = c + age as i32;
                    if month + base > last {
                        prop_assert!(cell.is_none() && row.revenue_retention[age].is_none());
                    } else {
                        let paying = members.iter().filter(|&&a| m.value(a, month) > 0).count();
                        let mrr: i64 = members.iter().map(|&a| m.value(a, month)).sum();
                        prop_assert_eq!(*cell, Some(paying));
                        prop_assert_eq!(row.mrr_at[age], Some(mrr));
                        prop_assert_eq!(row.customer_retention[age], ratio(paying as i64, members.len() as i64));
                    }
                }
                if row.customers > 0 {
                    prop_assert_eq!(row.customer_retention[0], Some(1.0));
                    prop_assert_eq!(row.revenue_retention[0], Some(1.0));
                }
            }
        }

        #[test]
        fn conversions_round_trip(r in -0.5f64..0.5) {
            // Near 1, 1 - (annual rate) keeps few digits, so the way back is ill-conditioned.
            use RatePeriod::*;
            for (from, to) in [(Monthly, Annual), (Annual, Monthly), (Monthly, Quarterly), (Quarterly, Annual)] {
                let there = convert_rate(r, from, to).unwrap();
                let back = convert_rate(there, to, from).unwrap();
                prop_assert!((back - r).abs() < 1e-12, "{r} {from} -> {to} -> {back}");
            }
            // Through the quarter is the same as directly.
            let direct = convert_rate(r, Monthly, Annual).unwrap();
            let via = convert_rate(convert_rate(r, Monthly, Quarterly).unwrap(), Quarterly, Annual).unwrap();
            prop_assert!((direct - via).abs() < 1e-12);
            // Longer periods lose more (for churn) and gain more (for net expansion).
            if r > 0.0 { prop_assert!(direct >= r); } else { prop_assert!(direct <= r); }
        }
    }

    #[test]
    fn churn_reasons_give_the_uncontrollable_share() {
        let month = |m: u32| ymd(2026, m, 1);
        let rows = [(1, 1, 100), (2, 1, 300), (3, 1, 600), (1, 2, 100), (3, 2, 600)]
            .map(|(a, m, v)| SubscriptionMonth { account_id: a, month: month(m), mrr_minor: v });
        let series = MrrSeries::from_rows(rows).unwrap();
        let events = series.churn_events(month(2), month(3), |_| true).unwrap();
        assert_eq!(events, vec![(2, month(2), 300), (1, month(3), 100), (3, month(3), 600)]);
        let tags = vec![
            ChurnTag { account_id: 2, month: month(2), reason: "bankruptcy".into(), note: None },
            ChurnTag { account_id: 3, month: month(3), reason: "price".into(), note: None },
        ];
        let s = reason_summary(&events, &tags, &default_reasons());
        assert_eq!((s.events, s.tagged, s.uncontrollable, s.churned_mrr, s.uncontrollable_mrr), (3, 2, 1, 1000, 300));
        assert_eq!(s.uncontrollable_share, Some(300.0 / 900.0));
        assert_eq!(s.by_reason, vec![("bankruptcy".into(), 300), ("price".into(), 600), ("untagged".into(), 100)]);
        assert_eq!(reason_summary(&[], &[], &default_reasons()).uncontrollable_share, None);
    }

    #[test]
    fn annualising_compounds() {
        assert!((annualise(0.005, 1).unwrap() - 0.058_377).abs() < 1e-6);
        assert!((annualise(0.018_0, 3).unwrap() - (1.0 - (1.0_f64 - 0.018).powi(4))).abs() < 1e-12);
        assert_eq!(annualise(0.07, 12).unwrap(), 0.07);
        let half = annualise(0.03, 6).unwrap();
        assert!((half - (1.0 - (1.0_f64 - 0.03).powi(2))).abs() < 1e-12);
    }
}
