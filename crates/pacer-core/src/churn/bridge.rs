//! The MRR bridge of a period, start to end through the sums of the monthly movements, and the
//! quick ratio.

use super::months::{month_date, month_span};
use super::series::Kind;
use super::{ChurnError, MrrSeries, ratio};
use chrono::NaiveDate;
use serde::Serialize;

/// The MRR bridge of a period: start + new + reactivation + expansion -
/// contraction - churn = end, to the minor unit.
///
/// Movement amounts and counts sum the period's monthly movements, so an
/// account that churns in one month and comes back in another counts in both.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
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

impl MrrSeries {
    /// The MRR bridge of the months `first_month ..= last_month` (any day of a
    /// month names it): MRR of the month before the first, the sums of each
    /// month's movements, MRR of the last month.
    pub fn bridge(&self, first_month: NaiveDate, last_month: NaiveDate) -> Result<MrrBridge, ChurnError> {
        self.bridge_for(first_month, last_month, |_| true)
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
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::churn::fixtures::{Dense, close, dense, even_ids, hand, row};
    use crate::testing::ymd;
    use proptest::prelude::*;

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
    }
}
