//! Fixtures the churn tests share: rows, the hand example, and a dense oracle to check random
//! series against.

use super::MrrSeries;
use super::months::{month_date, month_index};
use crate::records::SubscriptionMonth;
use crate::testing::ymd;
use chrono::NaiveDate;
use proptest::prelude::*;

/// The row of `account_id`'s MRR in `month`.
pub(super) fn row(account_id: i64, month: NaiveDate, mrr_minor: i64) -> SubscriptionMonth {
    SubscriptionMonth { account_id, month, mrr_minor }
}

/// Rows from a table of accounts and their MRR month by month from `first`;
/// zeros are given as explicit rows when `zero_rows` is set, else left out.
pub(super) fn rows_of(table: &[(i64, Vec<i64>)], first: NaiveDate, zero_rows: bool) -> Vec<SubscriptionMonth> {
    let base = month_index(first);
    let mut rows = Vec::new();
    for (id, values) in table {
        for (k, &v) in values.iter().enumerate() {
            if v > 0 || zero_rows {
                rows.push(row(*id, month_date(base + k as i32), v));
            }
        }
    }
    rows
}

/// Whether there is a figure and it is `b`, to within float noise.
pub(super) fn close(a: Option<f64>, b: f64) -> bool {
    a.is_some_and(|a| (a - b).abs() < 1e-12)
}

/// The hand example, January to June 2025, in cents:
/// 1 steady; 2 expands in April; 3 contracts in May; 4 churns in May;
/// 5 new in May; 6 paid in January, back in April (reactivation);
/// 7 new in April, churns in June (starts inside Q2: not in its cohort);
/// 8 churns in April and comes back lower in June.
pub(super) fn hand() -> MrrSeries {
    let table = vec![
        (1, vec![100, 100, 100, 100, 100, 100]),
        (2, vec![200, 200, 200, 300, 300, 300]),
        (3, vec![400, 400, 400, 400, 250, 250]),
        (4, vec![500, 500, 500, 500, 0, 0]),
        (5, vec![0, 0, 0, 0, 600, 600]),
        (6, vec![50, 0, 0, 80, 80, 80]),
        (7, vec![0, 0, 0, 70, 70, 0]),
        (8, vec![120, 120, 120, 0, 0, 90]),
    ];
    let cents = table.into_iter().map(|(id, v)| (id, v.into_iter().map(|x| x * 100).collect())).collect::<Vec<_>>();
    MrrSeries::from_rows(rows_of(&cents, ymd(2025, 1, 1), true)).unwrap()
}

/// A dense matrix of MRR: `values[account][k]` is the MRR `k` months after BASE.
#[derive(Debug, Clone)]
pub(super) struct Dense {
    pub(super) values: Vec<Vec<i64>>,
}

/// The month the dense oracle starts in; its series cross a year end.
pub(super) const BASE: (i32, u32) = (2024, 11);

/// The account id of row `i` of the oracle, some of them negative.
pub(super) fn id(i: usize) -> i64 {
    i as i64 * 37 - 100
}

impl Dense {
    pub(super) fn value(&self, a: usize, k: i32) -> i64 {
        usize::try_from(k).ok().and_then(|k| self.values[a].get(k)).copied().unwrap_or(0)
    }

    pub(super) fn series(&self) -> MrrSeries {
        let table: Vec<_> = self.values.iter().enumerate().map(|(i, v)| (id(i), v.clone())).collect();
        // Explicit zero rows for every other account, missing rows for the rest.
        let mut rows = rows_of(&table, ymd(BASE.0, BASE.1, 1), false);
        for (i, values) in self.values.iter().enumerate().filter(|(i, _)| i % 2 == 0) {
            for (k, _) in values.iter().enumerate().filter(|(_, v)| **v == 0) {
                rows.push(row(id(i), month_date(month_index(ymd(BASE.0, BASE.1, 1)) + k as i32), 0));
            }
        }
        rows.reverse(); // order does not matter
        MrrSeries::from_rows(rows).unwrap()
    }

    pub(super) fn month(k: i32) -> NaiveDate {
        month_date(month_index(ymd(BASE.0, BASE.1, 1)) + k)
    }

    /// Movements of month k as ([amounts], [accounts]) by kind, written from the table's words.
    pub(super) fn movements(&self, k: i32, include: &dyn Fn(i64) -> bool) -> ([i64; 5], [Vec<i64>; 5]) {
        let mut amounts = [0; 5];
        let mut accounts: [Vec<i64>; 5] = Default::default();
        for a in 0..self.values.len() {
            if !include(id(a)) {
                continue;
            }
            let (before, now) = (self.value(a, k - 1), self.value(a, k));
            let paid_earlier = (-1..k - 1).any(|j| self.value(a, j) > 0);
            let (slot, amount) = if before == 0 && now > 0 && !paid_earlier {
                (0, now)
            } else if before == 0 && now > 0 {
                (1, now)
            } else if before > 0 && now > before {
                (2, now - before)
            } else if before > 0 && now < before && now > 0 {
                (3, before - now)
            } else if before > 0 && now == 0 {
                (4, before)
            } else {
                continue;
            };
            amounts[slot] += amount;
            accounts[slot].push(id(a));
        }
        (amounts, accounts)
    }

    pub(super) fn total(&self, k: i32, include: &dyn Fn(i64) -> bool) -> i64 {
        (0..self.values.len()).filter(|&a| include(id(a))).map(|a| self.value(a, k)).sum()
    }
}

pub(super) fn dense() -> impl Strategy<Value = Dense> {
    (1usize..20, 1usize..=24).prop_flat_map(|(accounts, months)| {
        let cell = prop_oneof![3 => Just(0i64), 2 => 0i64..100_000];
        prop::collection::vec(prop::collection::vec(cell, months), accounts).prop_map(|values| Dense { values })
    })
}

/// A subset of the accounts, as a team would be.
pub(super) fn even_ids(id: i64) -> bool {
    id % 2 == 0
}
