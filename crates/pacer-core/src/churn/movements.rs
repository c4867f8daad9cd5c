//! The movements of one month: new, reactivation, expansion, contraction and churn.

use super::MrrSeries;
use super::months::{month_date, month_index};
use super::series::Kind;
use chrono::NaiveDate;
use serde::Serialize;

/// The movements of one month against the month before (FORMULAS.md table).
///
/// Amounts are positive minor units; each paying account has at most one
/// movement a month. Account lists are ascending by id.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
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

impl MrrSeries {
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
}

#[cfg(test)]
mod tests {
    use crate::churn::fixtures::{Dense, dense, hand};
    use crate::testing::ymd;
    use proptest::prelude::*;

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

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(300))]

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
    }
}
