//! Figures "to date": the one cut-off rule and what is measured against it (docs/numbers.md,
//! "Periods in progress: compared to date" and "One cut-off").
//!
//! A figure to date counts the days of its span up to the cut-off, inclusive: today while the
//! span is open, its last day once it has ended, nothing before it begins. The actual counts the
//! records dated on or before the cut-off; the target counts the months ended by it in full and,
//! of the month holding it, the share of its days gone by. The year to date, the open quarter and
//! the open month follow that one rule, so that a quarter a third gone by is compared with a
//! third of its target, never with the whole of it.

use chrono::NaiveDate;

/// The last day a figure to date counts for the span `start..=end`, as of `today`: `today` while
/// the span is open, `end` once it has ended, `None` before it begins.
pub fn cut_off(start: NaiveDate, end: NaiveDate, today: NaiveDate) -> Option<NaiveDate> {
    (start <= today).then(|| today.min(end))
}

/// How much of a span `start..=end` a cut-off has covered, in days.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Elapsed {
    /// Days of the span on or before the cut-off (0 before it begins).
    pub gone: i64,
    /// Days in the span.
    pub days: i64,
}

impl Elapsed {
    /// The days of `start..=end` gone by at `cut_off` (inclusive).
    pub fn of(start: NaiveDate, end: NaiveDate, cut_off: NaiveDate) -> Self {
        let days = (end - start).num_days() + 1;
        let gone = ((cut_off.min(end) - start).num_days() + 1).clamp(0, days.max(0));
        Elapsed { gone, days }
    }

    /// Whether the span has ended by the cut-off.
    pub fn ended(&self) -> bool {
        self.gone >= self.days
    }

    /// Whether some but not all of the span has gone by.
    pub fn in_progress(&self) -> bool {
        self.gone > 0 && !self.ended()
    }

    /// The share gone by, 0 to 1.
    pub fn fraction(&self) -> f64 {
        if self.days <= 0 { 0.0 } else { self.gone as f64 / self.days as f64 }
    }

    /// The part of `target` due by the cut-off: all of it once the span has ended, none before it
    /// begins, else `target × gone / days` rounded toward zero (a target to date is never rounded up).
    pub fn share_of(&self, target: i64) -> i128 {
        if self.ended() {
            i128::from(target)
        } else if self.gone <= 0 {
            0
        } else {
            i128::from(target) * i128::from(self.gone) / i128::from(self.days)
        }
    }
}

/// The target to date: of each month (`months`, one `(first, last)` day per target), its whole
/// target once ended by `cut_off` and the share of its days gone by for the month holding it.
/// Used for the year to date and for any period in progress (pass that period's months only).
pub fn target_to_date(monthly: &[i64], months: &[(NaiveDate, NaiveDate)], cut_off: NaiveDate) -> i64 {
    let sum: i128 = monthly
        .iter()
        .zip(months)
        .map(|(&target, &(start, end))| Elapsed::of(start, end, cut_off).share_of(target))
        .sum();
    i64::try_from(sum).unwrap_or(if sum > 0 { i64::MAX } else { i64::MIN })
}

/// Months of `months` gone by at `cut_off`, the month holding it counted by its share of days:
/// 3.5 halfway through the fourth month. The `n` of the year-end projection
/// ([`crate::seasonality::project_year_end`]) when the cut-off falls inside a month.
pub fn months_elapsed(months: &[(NaiveDate, NaiveDate)], cut_off: NaiveDate) -> f64 {
    months.iter().map(|&(start, end)| Elapsed::of(start, end, cut_off).fraction()).sum()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::day;
    use proptest::prelude::*;

    /// February 1 to April 30, as fiscal months.
    fn months() -> [(NaiveDate, NaiveDate); 3] {
        [
            (day("2026-02-01"), day("2026-02-28")),
            (day("2026-03-01"), day("2026-03-31")),
            (day("2026-04-01"), day("2026-04-30")),
        ]
    }

    #[test]
    fn the_cut_off_is_today_while_open_the_last_day_once_ended_none_before() {
        let (start, end) = (day("2026-04-01"), day("2026-06-30"));
        assert_eq!(cut_off(start, end, day("2026-03-31")), None);
        assert_eq!(cut_off(start, end, day("2026-04-01")), Some(day("2026-04-01")));
        assert_eq!(cut_off(start, end, day("2026-05-10")), Some(day("2026-05-10")));
        assert_eq!(cut_off(start, end, day("2026-06-30")), Some(day("2026-06-30")));
        assert_eq!(cut_off(start, end, day("2026-12-02")), Some(day("2026-06-30")));
    }

    #[test]
    fn target_to_date_counts_ended_months_and_the_days_gone_of_this_one() {
        let monthly = [10_000, 10_000, 10_000];
        assert_eq!(target_to_date(&monthly, &months(), day("2026-01-31")), 0);
        assert_eq!(target_to_date(&monthly, &months(), day("2026-02-28")), 10_000);
        // 15 of March's 31 days: 4,838.7 rounded down.
        assert_eq!(target_to_date(&monthly, &months(), day("2026-03-15")), 14_838);
        assert_eq!(target_to_date(&monthly, &months(), day("2026-04-30")), 30_000);
        assert_eq!(target_to_date(&monthly, &months(), day("2027-01-01")), 30_000);
    }

    #[test]
    fn a_quarter_in_progress_is_due_its_share_of_days() {
        // docs/numbers.md: Q4 of 30 + 30 + 40 calls, on November 10 (10 of 30 days of its second month).
        let q4 = [
            (day("2026-10-01"), day("2026-10-31")),
            (day("2026-11-01"), day("2026-11-30")),
            (day("2026-12-01"), day("2026-12-31")),
        ];
        assert_eq!(target_to_date(&[30, 30, 40], &q4, day("2026-11-10")), 40);
        assert!((months_elapsed(&q4, day("2026-11-10")) - (1.0 + 10.0 / 30.0)).abs() < 1e-12);
    }

    #[test]
    fn months_elapsed_counts_the_current_month_by_its_days() {
        assert_eq!(months_elapsed(&months(), day("2026-01-15")), 0.0);
        assert_eq!(months_elapsed(&months(), day("2026-02-28")), 1.0);
        assert!((months_elapsed(&months(), day("2026-04-15")) - 2.5).abs() < 1e-12);
        assert_eq!(months_elapsed(&months(), day("2026-08-01")), 3.0);
    }

    proptest! {
        /// The target to date never exceeds the target, never decreases as days go by, and is the
        /// whole target once every month has ended.
        #[test]
        fn target_to_date_grows_to_the_target(
            monthly in proptest::collection::vec(0i64..10_000_000, 3),
            a in 0i64..120,
            b in 0i64..120,
        ) {
            let origin = day("2026-01-20");
            let (early, late) = (origin + chrono::Days::new(a.min(b) as u64), origin + chrono::Days::new(a.max(b) as u64));
            let total: i64 = monthly.iter().sum();
            let (x, y) = (target_to_date(&monthly, &months(), early), target_to_date(&monthly, &months(), late));
            prop_assert!(0 <= x && x <= y && y <= total);
            prop_assert_eq!(target_to_date(&monthly, &months(), day("2026-04-30")), total);
        }
    }
}
