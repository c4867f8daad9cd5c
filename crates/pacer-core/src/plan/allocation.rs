//! Top-down allocation of an annual target to teams or reps, exact to the unit by the largest
//! remainder.

use super::split::{check_weights, largest_remainder, quantize};
use super::{Capacity, PlanError};
use serde::{Deserialize, Serialize};

/// How a team or company target is split among its recipients (teams or reps).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "method", content = "values")]
pub enum Allocation {
    /// The same share for everyone.
    Equal,
    /// Shares proportional to one weight per recipient (e.g. territory potential).
    Weights(Vec<f64>),
    /// Shares proportional to each recipient's actual last year, in units.
    LastYearShare(Vec<i64>),
    /// Shares proportional to each rep's capacity in the year (see [`Ramp::capacity`](super::Ramp::capacity)), so a rep
    /// hired mid-year or ramping up carries a smaller quota.
    Capacity(Vec<Capacity>),
}

/// Allocates an annual `total` (units, 0 or more) to `recipients` by `method`, exactly: the parts
/// sum to `total`, none is negative, each is within one unit of its exact share (largest
/// remainder, ties to the earlier recipient).
///
/// 1,000,000.00 equally to three reps is 333,333.34, 333,333.33 and 333,333.33. Method values
/// must be one per recipient. Errors: a negative total, no recipients, invalid weights, all of
/// last year's actuals 0 (choose another method), or no capacity for a positive total. Any total
/// of 64 bits is split exactly; the ceiling of a target ([`super::check_target`]) is the caller's.
pub fn allocate(total: i64, method: &Allocation, recipients: usize) -> Result<Vec<i64>, PlanError> {
    if total < 0 {
        return Err(PlanError::NegativeTarget(total));
    }
    if recipients == 0 {
        return Err(PlanError::NoRecipients);
    }
    let one_each = |given: usize| {
        if given == recipients { Ok(()) } else { Err(PlanError::RecipientCount { recipients, given }) }
    };
    let weights: Vec<u128> = match method {
        Allocation::Equal => vec![1; recipients],
        Allocation::Weights(weights) => {
            check_weights(weights)?;
            one_each(weights.len())?;
            quantize(weights)
        }
        Allocation::LastYearShare(actuals) => {
            if let Some((i, &value)) = actuals.iter().enumerate().find(|(_, a)| **a < 0) {
                return Err(PlanError::NegativeLastYear { position: i + 1, value });
            }
            one_each(actuals.len())?;
            if actuals.iter().all(|&a| a == 0) {
                return Err(PlanError::NoLastYear);
            }
            actuals.iter().map(|a| a.unsigned_abs() as u128).collect()
        }
        Allocation::Capacity(capacities) => {
            one_each(capacities.len())?;
            let weights: Vec<u128> = capacities.iter().map(|c| u128::from(c.total())).collect();
            if weights.iter().all(|&w| w == 0) {
                // Nobody works in the year: nothing to share, unless there is nothing to carry.
                return if total == 0 { Ok(vec![0; recipients]) } else { Err(PlanError::NoCapacity(total)) };
            }
            weights
        }
    };
    Ok(largest_remainder(total, &weights))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::plan::fixtures::{HIRED_M4, bp, slack, weights};
    use proptest::prelude::*;

    #[test]
    fn allocation_errors_are_typed_and_clear() {
        assert_eq!(allocate(-5, &Allocation::Equal, 2), Err(PlanError::NegativeTarget(-5)));
        assert_eq!(allocate(5, &Allocation::Equal, 0), Err(PlanError::NoRecipients));
        assert_eq!(allocate(5, &Allocation::Weights(vec![]), 2), Err(PlanError::NoWeights));
        assert_eq!(
            allocate(5, &Allocation::Weights(vec![1.0, -2.0]), 2),
            Err(PlanError::InvalidWeight { position: 2, value: -2.0 })
        );
        assert!(matches!(
            allocate(5, &Allocation::Weights(vec![f64::NAN]), 1),
            Err(PlanError::InvalidWeight { position: 1, .. })
        ));
        assert_eq!(
            allocate(5, &Allocation::Weights(vec![1.0, f64::INFINITY]), 2),
            Err(PlanError::InvalidWeight { position: 2, value: f64::INFINITY })
        );
        assert_eq!(allocate(5, &Allocation::Weights(vec![0.0, 0.0]), 2), Err(PlanError::ZeroWeights));
        assert_eq!(
            allocate(5, &Allocation::Weights(vec![1.0; 3]), 2),
            Err(PlanError::RecipientCount { recipients: 2, given: 3 })
        );
        assert_eq!(
            allocate(5, &Allocation::LastYearShare(vec![3, -1]), 2),
            Err(PlanError::NegativeLastYear { position: 2, value: -1 })
        );
        let err = allocate(5, &Allocation::LastYearShare(vec![0, 0]), 2).unwrap_err();
        assert_eq!(err, PlanError::NoLastYear);
        assert!(err.to_string().contains("choose equal or weighted allocation"), "{err}");
    }

    #[test]
    fn allocation_worked_examples() {
        // (total, method, recipients, expected parts)
        let table: Vec<(i64, Allocation, usize, Vec<i64>)> = vec![
            // 1,000,000.00 equally to 3 reps: the spare cent goes to the first (tie-break by index).
            (100_000_000, Allocation::Equal, 3, vec![33_333_334, 33_333_333, 33_333_333]),
            (2, Allocation::Equal, 3, vec![1, 1, 0]),
            (0, Allocation::Equal, 2, vec![0, 0]),
            (1_000_000, Allocation::Weights(vec![50.0, 30.0, 20.0]), 3, vec![500_000, 300_000, 200_000]),
            // Four equal remainders of 0.5: the first two get the spare units.
            (10, Allocation::Weights(vec![1.0; 4]), 4, vec![3, 3, 2, 2]),
            // 100 × (1, 2, 3)/6 = 16.67, 33.33, 50: the largest remainder (0.67) takes the unit.
            (100, Allocation::Weights(vec![1.0, 2.0, 3.0]), 3, vec![17, 33, 50]),
            (7, Allocation::Weights(vec![0.0, 1.0]), 2, vec![0, 7]),
            // Last year 300 and 200 (and a new team with 0): 60% and 40% of this year's 1,000.
            (1000, Allocation::LastYearShare(vec![300, 200, 0]), 3, vec![600, 400, 0]),
            (100, Allocation::LastYearShare(vec![5, 5, 5]), 3, vec![34, 33, 33]),
            // Huge actuals stay exact.
            (i64::MAX, Allocation::LastYearShare(vec![i64::MAX, i64::MAX]), 2, vec![i64::MAX / 2 + 1, i64::MAX / 2]),
            // A full-year rep (120,000 bp-months) and a fiscal-month-4 hire on the default ramp (75,000).
            (1_950_000, Allocation::Capacity(vec![Capacity::FULL, bp(HIRED_M4)]), 2, vec![1_200_000, 750_000]),
            (0, Allocation::Capacity(vec![bp([0; 12])]), 1, vec![0]),
        ];
        for (total, method, n, want) in table {
            assert_eq!(allocate(total, &method, n).unwrap(), want, "{total} by {method:?}");
        }
        assert_eq!(allocate(1, &Allocation::Capacity(vec![bp([0; 12])]), 1), Err(PlanError::NoCapacity(1)));
        let json = serde_json::to_value(Allocation::Weights(vec![1.0, 2.0])).unwrap();
        assert_eq!(json, serde_json::json!({"method": "weights", "values": [1.0, 2.0]}));
        assert_eq!(
            serde_json::from_value::<Allocation>(serde_json::json!({"method": "equal"})).unwrap(),
            Allocation::Equal
        );
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(500))]

        #[test]
        fn allocation_by_weights_is_exact(total in 0i64..=10_000_000_000_000, w in weights(1..40)) {
            let parts = allocate(total, &Allocation::Weights(w.clone()), w.len()).unwrap();
            prop_assert_eq!(parts.iter().map(|&p| i128::from(p)).sum::<i128>(), i128::from(total));
            let sum: f64 = w.iter().sum();
            for (&part, &weight) in parts.iter().zip(&w) {
                prop_assert!(part >= 0);
                let share = total as f64 * weight / sum;
                prop_assert!((part as f64 - share).abs() < 1.0 + slack(total, w.len()), "{} vs {}", part, share);
                if weight == 0.0 {
                    prop_assert_eq!(part, 0);
                }
            }
        }

        #[test]
        fn allocation_equal_and_last_year_are_exact(
            total in 0i64..=10_000_000_000_000,
            last_year in prop::collection::vec(0i64..=1_000_000_000_000, 1..40),
        ) {
            let n = last_year.len();
            let equal = allocate(total, &Allocation::Equal, n).unwrap();
            prop_assert_eq!(equal.iter().sum::<i64>(), total);
            // Equal parts differ by at most one unit, the larger ones first.
            prop_assert!(equal.windows(2).all(|p| p[0] == p[1] || p[0] == p[1] + 1));
            if last_year.iter().any(|&a| a > 0) {
                let shares = allocate(total, &Allocation::LastYearShare(last_year.clone()), n).unwrap();
                prop_assert_eq!(shares.iter().sum::<i64>(), total);
                let sum: i128 = last_year.iter().map(|&a| i128::from(a)).sum();
                for (&part, &actual) in shares.iter().zip(&last_year) {
                    // Exact integers: the part is the floor or the ceiling of total × actual / sum.
                    let floor = i128::from(total) * i128::from(actual) / sum;
                    prop_assert!(i128::from(part) == floor || i128::from(part) == floor + 1);
                }
            }
        }
    }
}
