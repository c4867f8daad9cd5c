//! The MRR series: every account's MRR month by month, and the walk over it that classifies each
//! month's movements.

use super::ChurnError;
use super::months::{MonthIndex, first_of_month, month_date, month_index};
use crate::records::SubscriptionMonth;
use chrono::{Datelike, NaiveDate};

/// The MRR of every account, month by month, in minor units.
///
/// Stored sparsely: for each account (ids ascending) only its paying months
/// (MRR > 0), ascending, in flat arrays. Lookups are binary searches, and every
/// computation walks each account's paying months once, so 50,000 accounts over
/// 36 months take a few milliseconds whatever span a period covers.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct MrrSeries {
    /// Accounts that paid in at least one month, ascending.
    pub(super) ids: Vec<i64>,
    /// Account `a`'s paying months are `months[starts[a]..starts[a + 1]]`.
    pub(super) starts: Vec<usize>,
    /// Paying months of every account, ascending within an account.
    pub(super) months: Vec<MonthIndex>,
    /// MRR (> 0) of the same entries as `months`.
    pub(super) mrr: Vec<i64>,
    /// Earliest and latest month of any row, rows of MRR 0 included.
    pub(super) span: Option<(MonthIndex, MonthIndex)>,
}

/// What an account's MRR did in one month, compared with the month before.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Kind {
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
pub(super) struct Tally {
    pub(super) start_mrr: i64,
    pub(super) end_mrr: i64,
    pub(super) customers_at_start: usize,
    pub(super) customers_at_end: usize,
    /// Amounts by [`Kind`] (`kind as usize`).
    pub(super) amounts: [i64; 5],
    /// Movement counts by [`Kind`].
    pub(super) counts: [usize; 5],
    /// Accounts by [`Kind`], kept only for a single month (where each account moves at most once).
    pub(super) accounts: Option<[Vec<i64>; 5]>,
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

    /// Account `a`'s MRR in month `m`.
    pub(super) fn value(&self, a: usize, m: MonthIndex) -> i64 {
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
    pub(super) fn tally(
        &self,
        lo: MonthIndex,
        hi: MonthIndex,
        include: impl Fn(i64) -> bool,
        keep_accounts: bool,
    ) -> Tally {
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::churn::fixtures::{hand, row};
    use crate::testing::ymd;

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
}
