//! Dates of the demo: the history span, its months, holidays and seasonality.

use chrono::{Datelike, Days, Months, NaiveDate, Weekday};
use pacer_core::fiscal_calendar::WorkingDays;

/// The fiscal year starts on 1 February (FY2027 = 2026-02-01..2027-01-31).
pub(crate) const FISCAL_START_MONTH: u32 = 2;

/// Full fiscal years of history before the current one.
const HISTORY_YEARS: i32 = 3;

/// Activity volume by calendar month (January first, mean 1.0): a summer
/// dip and a December dip, as holidays take people away from the phone.
pub(crate) const ACTIVITY_SEASON: [f64; 12] = [1.05, 1.05, 1.1, 1.05, 1.05, 1.0, 0.8, 0.8, 1.1, 1.1, 1.05, 0.85];

/// Deal closing by calendar month (January first, mean 1.0): a summer dip
/// and a fiscal-Q4 peak (November to January) as reps chase the year's quota.
pub(crate) const DEAL_SEASON: [f64; 12] = [1.3, 0.8, 0.95, 0.95, 1.0, 0.85, 0.7, 0.7, 1.0, 1.05, 1.25, 1.45];

/// A date from its parts; the generator only builds dates far from chrono's limits.
pub(crate) fn ymd(year: i32, month: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(year, month, day).expect("demo dates are valid calendar dates")
}

/// `date` moved `days` days (back when negative).
pub(crate) fn shift(date: NaiveDate, days: i64) -> NaiveDate {
    if days >= 0 { date + Days::new(days.unsigned_abs()) } else { date - Days::new(days.unsigned_abs()) }
}

/// The Monday of `date`'s week (people start on a Monday).
pub(crate) fn monday_of(date: NaiveDate) -> NaiveDate {
    shift(date, -i64::from(date.weekday().num_days_from_monday()))
}

/// The last day of the month starting on `month`.
pub(crate) fn month_end(month: NaiveDate) -> NaiveDate {
    month + Months::new(1) - Days::new(1)
}

/// The history: from the first day of the fiscal year three years before
/// today's, to today, with its calendar months.
#[derive(Debug, Clone)]
pub(crate) struct Span {
    /// First day of the history.
    pub start: NaiveDate,
    /// Last day of the history.
    pub today: NaiveDate,
    /// First days of the calendar months from `start` to today's month.
    pub months: Vec<NaiveDate>,
}

impl Span {
    /// The span ending on `today`.
    pub fn new(today: NaiveDate) -> Self {
        let fy_start_year = if today.month() >= FISCAL_START_MONTH { today.year() } else { today.year() - 1 };
        let start = ymd(fy_start_year - HISTORY_YEARS, FISCAL_START_MONTH, 1);
        let mut months = Vec::new();
        let mut month = start;
        while month <= today {
            months.push(month);
            month = month + Months::new(1);
        }
        Self { start, today, months }
    }

    /// First day of the current fiscal year.
    pub fn current_year_start(&self) -> NaiveDate {
        self.start + Months::new(12 * HISTORY_YEARS as u32)
    }

    /// First and last day of month `i` within the history (the last month stops at today).
    pub fn month_bounds(&self, i: usize) -> (NaiveDate, NaiveDate) {
        let month = self.months[i];
        (month, month_end(month).min(self.today))
    }

    /// Days from `start` to `date` (the index of `date` in a per-day table).
    pub fn day_index(&self, date: NaiveDate) -> usize {
        usize::try_from((date - self.start).num_days()).unwrap_or(0)
    }
}

/// Saturday and Sunday off, and US-style holidays for the years `first..=last`:
/// New Year's Day, Memorial Day, Independence Day, Labor Day, Thanksgiving and
/// the day after, Christmas Day and the day after.
pub(crate) fn working_days(first: i32, last: i32) -> WorkingDays {
    let nth = |year, month, weekday, n: u8| {
        NaiveDate::from_weekday_of_month_opt(year, month, weekday, n).expect("every month has four of each weekday")
    };
    let mut holidays = Vec::new();
    for year in first..=last {
        let memorial_day = NaiveDate::from_weekday_of_month_opt(year, 5, Weekday::Mon, 5)
            .unwrap_or_else(|| nth(year, 5, Weekday::Mon, 4));
        let thanksgiving = nth(year, 11, Weekday::Thu, 4);
        holidays.extend([
            ymd(year, 1, 1),
            memorial_day,
            ymd(year, 7, 4),
            nth(year, 9, Weekday::Mon, 1),
            thanksgiving,
            shift(thanksgiving, 1),
            ymd(year, 12, 25),
            ymd(year, 12, 26),
        ]);
    }
    WorkingDays::new([Weekday::Sat, Weekday::Sun], holidays).expect("a two-day weekend leaves working days")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn span_covers_three_full_fiscal_years_and_the_current_one() {
        let span = Span::new(ymd(2026, 11, 26));
        assert_eq!(span.start, ymd(2023, 2, 1));
        assert_eq!(span.current_year_start(), ymd(2026, 2, 1));
        assert_eq!(span.months.len(), 46);
        assert_eq!(span.month_bounds(45), (ymd(2026, 11, 1), ymd(2026, 11, 26)));
        // In January the current fiscal year started the February before.
        assert_eq!(Span::new(ymd(2027, 1, 15)).start, ymd(2023, 2, 1));
        assert_eq!(Span::new(ymd(2027, 2, 1)).start, ymd(2024, 2, 1));
    }

    #[test]
    fn holidays() {
        let days = working_days(2026, 2026);
        assert!(!days.is_working_day(ymd(2026, 11, 26)), "Thanksgiving");
        assert!(!days.is_working_day(ymd(2026, 5, 25)), "Memorial Day");
        assert!(!days.is_working_day(ymd(2026, 9, 7)), "Labor Day");
        assert!(days.is_working_day(ymd(2026, 11, 25)));
        assert_eq!(monday_of(ymd(2026, 11, 26)), ymd(2026, 11, 23));
    }

    #[test]
    fn seasonal_indices_average_one() {
        for season in [DEAL_SEASON, ACTIVITY_SEASON] {
            let mean = season.iter().sum::<f64>() / 12.0;
            assert!((mean - 1.0).abs() < 1e-9, "{season:?}");
        }
    }
}
