//! Fixtures the plan's tests share: fiscal months, capacities and weights.

use super::Capacity;
use crate::fiscal_calendar::{FiscalCalendar, PeriodKind, YearNaming};
use chrono::NaiveDate;
use proptest::prelude::*;

/// The 12 months of fiscal year `fy` starting in `start_month`, named by end year.
pub(super) fn months(start_month: u32, fy: i32) -> Vec<(NaiveDate, NaiveDate)> {
    let calendar = FiscalCalendar::monthly(start_month, YearNaming::EndYear).unwrap();
    calendar.periods(fy, PeriodKind::Month).unwrap().iter().map(|p| (p.start, p.end)).collect()
}

/// The capacity of these basis points per fiscal month.
pub(super) fn bp(months: [u16; 12]) -> Capacity {
    Capacity::try_from(months).unwrap()
}

/// Default ramp for a hire in fiscal month 4: 25%, 50%, 75%, then full.
pub(super) const HIRED_M4: [u16; 12] = [0, 0, 0, 2500, 5000, 7500, 10_000, 10_000, 10_000, 10_000, 10_000, 10_000];

/// Weight lists with at least one positive weight, some zeros allowed.
pub(super) fn weights(len: std::ops::Range<usize>) -> impl Strategy<Value = Vec<f64>> {
    prop::collection::vec(prop_oneof![Just(0.0), 0.0001f64..1000.0, 1e-6f64..1e12], len)
        .prop_filter("a positive weight", |w| w.iter().any(|&x| x > 0.0))
}

/// Slack for reading f64 weights at 2⁻⁵⁰ of the largest: well under a unit below 10¹³.
pub(super) fn slack(total: i64, n: usize) -> f64 {
    total as f64 * n as f64 / (1u64 << 50) as f64 + 1e-9
}
