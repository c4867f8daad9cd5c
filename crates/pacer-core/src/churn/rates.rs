//! The churn and retention rates of a period by the start-cohort definitions.

use super::months::{month_date, month_span};
use super::{ChurnError, MrrSeries, ratio};
use chrono::NaiveDate;
use serde::Serialize;

/// The rates of a period by the start-cohort definitions (FORMULAS.md).
///
/// The cohort is the accounts paying in the month before the period's first
/// month (C0 accounts, MRR M0), compared with the same accounts in the
/// period's last month; accounts that start inside the period are not in it,
/// whatever they do, and what cohort accounts do between the two months does
/// not count (one that churns and comes back at a lower MRR is a contraction).
/// Every rate is `None` ("no figure") when the cohort is empty.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
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

impl MrrSeries {
    /// The period rates of the months `first_month ..= last_month` by the
    /// start-cohort definitions (see [`PeriodRates`]).
    pub fn period_rates(&self, first_month: NaiveDate, last_month: NaiveDate) -> Result<PeriodRates, ChurnError> {
        self.period_rates_for(first_month, last_month, |_| true)
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
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::churn::fixtures::{Dense, close, dense, even_ids, hand, row};
    use crate::testing::ymd;
    use proptest::prelude::*;

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

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(300))]

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
    }
}
