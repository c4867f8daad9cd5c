//! The cohort retention table: the accounts that started paying in a month, followed month by
//! month.

use super::months::{MonthIndex, month_date};
use super::{MrrSeries, ratio};
use chrono::NaiveDate;
use serde::Serialize;

/// One row of the cohort retention table: the accounts whose first paying
/// month is `cohort_month`, followed month by month.
///
/// Index `k` of each vector is the age: the month `k` months after the cohort
/// month. A cell is `None` past the last month of the data; a rate is also
/// `None` when the cohort is empty. An account is counted at every age it pays
/// at, so one that lapsed and came back counts again.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
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

impl MrrSeries {
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
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::churn::fixtures::{BASE, close, dense, hand};
    use crate::churn::months::month_index;
    use crate::testing::ymd;
    use proptest::prelude::*;

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

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(300))]

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
    }
}
