//! Churn and retention of recurring revenue (FORMULAS.md, "Churn and retention";
//! PRODUCT.md C8): monthly movements, the MRR bridge and quick ratio, period rates
//! by the start-cohort definitions, rate conversions, the benchmark band and the
//! cohort retention table.
//!
//! Input is one row per account and calendar month with its MRR in minor units
//! ([`SubscriptionMonth`](crate::records::SubscriptionMonth)); a missing row means 0 that month. Months are
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

mod band;
mod bridge;
mod cohorts;
mod conversion;
#[cfg(test)]
mod fixtures;
mod months;
mod movements;
mod rates;
mod reasons;
mod series;

pub use band::{BandLevel, ChurnBand};
pub use bridge::MrrBridge;
pub use cohorts::CohortRow;
pub use conversion::{RatePeriod, annualise, convert_rate};
pub use months::calendar_months_of;
pub use movements::Movements;
pub use rates::PeriodRates;
pub use reasons::{ChurnReason, ChurnTag, ReasonSummary, default_reasons, reason_summary};
pub use series::MrrSeries;

use chrono::NaiveDate;

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

/// `numerator / denominator`, or `None` ("no figure") when the denominator is 0.
fn ratio(numerator: i64, denominator: i64) -> Option<f64> {
    (denominator != 0).then(|| numerator as f64 / denominator as f64)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::churn::fixtures::{close, hand};
    use crate::testing::ymd;
    use std::collections::HashSet;

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
}
