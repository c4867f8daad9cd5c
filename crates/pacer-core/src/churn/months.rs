//! Calendar months as consecutive integers, and the calendar months of a fiscal period, over which
//! the figures of a fiscal period are computed.

use super::{ChurnError, MrrBridge, MrrSeries, PeriodRates};
use crate::fiscal_calendar::FiscalPeriod;
use chrono::{Datelike, NaiveDate};

/// A calendar month as a number (year x 12 + month - 1), so months are consecutive integers.
pub(super) type MonthIndex = i32;

/// The month holding `date`.
pub(super) fn month_index(date: NaiveDate) -> MonthIndex {
    // month0 is 0..=11, so the cast is exact.
    date.year() * 12 + date.month0() as i32
}

/// The first day of month `index`.
///
/// Only called on indices of months that hold a valid date (inputs and data),
/// so the date exists.
pub(super) fn month_date(index: MonthIndex) -> NaiveDate {
    NaiveDate::from_ymd_opt(index.div_euclid(12), index.rem_euclid(12) as u32 + 1, 1)
        .expect("a month index taken from a valid date")
}

/// The first day of the month holding `date`.
pub(super) fn first_of_month(date: NaiveDate) -> NaiveDate {
    date.with_day(1).expect("every month has a day 1")
}

/// Checks and converts a period given by its first and last months.
pub(super) fn month_span(
    first_month: NaiveDate,
    last_month: NaiveDate,
) -> Result<(MonthIndex, MonthIndex), ChurnError> {
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

impl MrrSeries {
    /// [`Self::bridge`] of the months of a fiscal period (see [`calendar_months_of`]).
    pub fn bridge_in(&self, period: &FiscalPeriod) -> Result<MrrBridge, ChurnError> {
        let (first, last) = calendar_months_of(period);
        self.bridge(first, last)
    }

    /// [`Self::period_rates`] of the months of a fiscal period (see [`calendar_months_of`]).
    pub fn period_rates_in(&self, period: &FiscalPeriod) -> Result<PeriodRates, ChurnError> {
        let (first, last) = calendar_months_of(period);
        self.period_rates(first, last)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::churn::fixtures::hand;
    use crate::fiscal_calendar::{FiscalCalendar, PeriodKind, WeekPattern, YearEndRule, YearNaming};
    use crate::testing::ymd;
    use chrono::Weekday;

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
}
