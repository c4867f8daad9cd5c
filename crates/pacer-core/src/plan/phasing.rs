//! Phasing an annual target into the 12 fiscal months, the target to date, and the quarterly
//! re-phasing of what remains of the year.

use super::split::{check_weights, quantize, remainder_to_last};
use super::{Capacity, FISCAL_MONTHS, FULL_MONTH, PlanError, check_target};
use serde::{Deserialize, Serialize};

/// How an annual target is spread over the 12 fiscal months.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case", tag = "profile", content = "weights")]
pub enum Phasing {
    /// The same share every month.
    Even,
    /// The KPI's seasonal indices per fiscal month (C6, e.g.
    /// [`crate::seasonality::SeasonalIndices::monthly`]): busy months carry more.
    Seasonal(Vec<f64>),
    /// Weights per fiscal month chosen by hand; only their proportions matter.
    Custom(Vec<f64>),
}

/// Even phasing unless a plan says otherwise: it needs no history.
impl Default for Phasing {
    fn default() -> Self {
        Self::Even
    }
}

impl Phasing {
    /// Checks the profile: 12 finite weights, 0 or more, at least one positive.
    pub fn validate(&self) -> Result<(), PlanError> {
        self.monthly_weights().map(|_| ())
    }

    /// The 12 monthly weights, checked.
    fn monthly_weights(&self) -> Result<[f64; FISCAL_MONTHS], PlanError> {
        match self {
            Self::Even => Ok([1.0; FISCAL_MONTHS]),
            Self::Seasonal(weights) | Self::Custom(weights) => {
                check_weights(weights)?;
                weights.as_slice().try_into().map_err(|_| PlanError::MonthCount(weights.len()))
            }
        }
    }
}

/// Phases an `annual` target (units, 0 or more) into 12 fiscal months by `profile`, weighting each
/// month by the rep's `capacity` when given (a ramping rep's first months carry less; months
/// before hire or after leaving carry nothing).
///
/// Month k's weight is profile_k × capacity_k and its target `annual` × weight_k / Σ weight,
/// rounded down; the remainder goes to the last month with a weight (FORMULAS.md "Phasing"). So
/// the months sum to `annual` exactly, none is negative and a zero-weight month gets 0. Even
/// phasing of 100 is eleven months of 8 and a last month of 12.
pub fn phase(annual: i64, profile: &Phasing, capacity: Option<&Capacity>) -> Result<Vec<i64>, PlanError> {
    check_target(annual)?;
    let mut weights = profile.monthly_weights()?;
    if let Some(capacity) = capacity {
        // As a fraction of a full month, so that a huge profile weight cannot overflow to infinity.
        for (w, &bp) in weights.iter_mut().zip(capacity.months()) {
            *w *= f64::from(bp) / f64::from(FULL_MONTH);
        }
        if weights.iter().all(|&w| w == 0.0) {
            return if annual == 0 { Ok(vec![0; FISCAL_MONTHS]) } else { Err(PlanError::NoCapacity(annual)) };
        }
    }
    Ok(remainder_to_last(annual, &quantize(&weights)))
}

/// Re-phases what remains of an annual target over the months after the first `elapsed`
/// (the quarterly rebalancing, PRODUCT.md C7): the months already past keep their targets, the
/// rest of `annual` (the target, or a revised one) is spread over the remaining months by
/// `weights` (seasonal indices, or 1.0 each), with FORMULAS.md's rounding: each month rounded
/// down and the remainder in the last month with a weight. So the year sums to `annual` exactly.
///
/// A remaining month that had no target (a rep who left, or not yet hired) keeps none, unless
/// no remaining month had one: then the weights alone decide.
pub fn rebalance(current: &[i64], elapsed: usize, annual: i64, weights: &[f64]) -> Result<Vec<i64>, PlanError> {
    check_target(annual)?;
    let current: &[i64; FISCAL_MONTHS] = current.try_into().map_err(|_| PlanError::MonthCount(current.len()))?;
    let weights: &[f64; FISCAL_MONTHS] = weights.try_into().map_err(|_| PlanError::MonthCount(weights.len()))?;
    if !(1..FISCAL_MONTHS).contains(&elapsed) {
        return Err(PlanError::NothingToRebalance(elapsed));
    }
    check_weights(&weights[elapsed..])?;
    let past: i64 = current[..elapsed].iter().sum();
    if past > annual {
        return Err(PlanError::PastExceedsAnnual { past, annual });
    }
    let had_target = current[elapsed..].iter().any(|&m| m > 0);
    let masked: Vec<f64> = weights[elapsed..]
        .iter()
        .zip(&current[elapsed..])
        .map(|(&w, &m)| if had_target && m == 0 { 0.0 } else { w })
        .collect();
    // Months with a target but no weight left: the weights alone decide.
    let rest = if masked.iter().any(|&w| w > 0.0) { masked } else { weights[elapsed..].to_vec() };
    let mut out = current[..elapsed].to_vec();
    out.extend(remainder_to_last(annual - past, &quantize(&rest)));
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::plan::fixtures::{HIRED_M4, bp, slack, weights};
    use crate::plan::split::NUDGE;
    use proptest::prelude::*;

    #[test]
    fn phasing_errors_are_typed_and_clear() {
        assert_eq!(Phasing::Custom(vec![1.0; 11]).validate(), Err(PlanError::MonthCount(11)));
        assert_eq!(Phasing::Seasonal(vec![]).validate(), Err(PlanError::NoWeights));
        assert_eq!(Phasing::Custom(vec![0.0; 12]).validate(), Err(PlanError::ZeroWeights));
        assert!(Phasing::Even.validate().is_ok());
        assert_eq!(phase(-1, &Phasing::Even, None), Err(PlanError::NegativeTarget(-1)));
    }

    #[test]
    fn phasing_worked_examples() {
        // Even: 100 / 12 rounds down to 8, and the remainder (4) goes to the last month.
        assert_eq!(phase(100, &Phasing::Even, None).unwrap(), [8, 8, 8, 8, 8, 8, 8, 8, 8, 8, 8, 12]);
        assert_eq!(phase(1_200_000, &Phasing::Even, None).unwrap(), vec![100_000; 12]);
        assert_eq!(phase(0, &Phasing::Even, None).unwrap(), vec![0; 12]);
        // Seasonal indices (mean 1): 1,000,000.00 × 0.8 / 12 = 6,666,666.67 in month 1, rounded down.
        let s = vec![0.8, 0.85, 1.1, 0.9, 0.95, 1.2, 0.7, 0.75, 1.05, 1.0, 1.15, 1.55];
        let p = phase(100_000_000, &Phasing::Seasonal(s.clone()), None).unwrap();
        assert_eq!(p.iter().sum::<i64>(), 100_000_000);
        assert_eq!(p[0], 6_666_666);
        for (k, (&month, w)) in p.iter().zip(&s).enumerate().take(11) {
            let exact = 100_000_000.0 * w / 12.0;
            assert!(month as f64 <= exact + 1e-6 && month as f64 > exact - 1.0, "month {}: {month} vs {exact}", k + 1);
        }
        // Custom: a quarter-end push.
        let custom = Phasing::Custom(vec![1.0, 1.0, 2.0, 1.0, 1.0, 2.0, 1.0, 1.0, 2.0, 1.0, 1.0, 2.0]);
        assert_eq!(phase(1600, &custom, None).unwrap(), [100, 100, 200, 100, 100, 200, 100, 100, 200, 100, 100, 200]);
        // The fiscal-month-4 hire's 750,000 phased evenly by capacity: 7.5 full months of 100,000.
        assert_eq!(
            phase(750_000, &Phasing::Even, Some(&bp(HIRED_M4))).unwrap(),
            [0, 0, 0, 25_000, 50_000, 75_000, 100_000, 100_000, 100_000, 100_000, 100_000, 100_000]
        );
        // Capacity and season together: a leaver after month 6 with a custom profile.
        let leaver = bp([10_000, 10_000, 10_000, 10_000, 10_000, 10_000, 0, 0, 0, 0, 0, 0]);
        assert_eq!(phase(800, &custom, Some(&leaver)).unwrap(), [100, 100, 200, 100, 100, 200, 0, 0, 0, 0, 0, 0]);
        // Huge custom weights stay finite under a capacity.
        let huge = Phasing::Custom(vec![f64::MAX; 12]);
        assert_eq!(phase(1200, &huge, Some(&Capacity::FULL)).unwrap(), vec![100; 12]);
        // No capacity at all.
        assert_eq!(phase(1, &Phasing::Even, Some(&bp([0; 12]))), Err(PlanError::NoCapacity(1)));
        assert_eq!(phase(0, &Phasing::Even, Some(&bp([0; 12]))).unwrap(), vec![0; 12]);
        let json = serde_json::to_value(Phasing::Custom(vec![1.0; 12])).unwrap();
        assert_eq!(json["profile"], "custom");
        assert_eq!(serde_json::from_value::<Phasing>(serde_json::json!({"profile": "even"})).unwrap(), Phasing::Even);
    }

    fn capacity() -> impl Strategy<Value = Capacity> {
        prop::array::uniform12(prop_oneof![Just(0u16), Just(FULL_MONTH), 0..=FULL_MONTH]).prop_map(bp)
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(500))]

        #[test]
        fn phasing_is_exact(total in 0i64..=10_000_000_000_000, w in weights(12..13), cap in prop::option::of(capacity())) {
            let profile = Phasing::Custom(w.clone());
            let effective: Vec<f64> = match &cap {
                Some(c) => w.iter().zip(c.months()).map(|(w, &b)| w * f64::from(b)).collect(),
                None => w.clone(),
            };
            let months = match phase(total, &profile, cap.as_ref()) {
                Ok(months) => months,
                Err(e) => {
                    prop_assert_eq!(e, PlanError::NoCapacity(total));
                    prop_assert!(effective.iter().all(|&x| x == 0.0) && total > 0);
                    return Ok(());
                }
            };
            prop_assert_eq!(months.len(), 12);
            prop_assert_eq!(months.iter().sum::<i64>(), total);
            let sum: f64 = effective.iter().sum();
            let last = effective.iter().rposition(|&w| w > 0.0);
            for (k, (&month, &weight)) in months.iter().zip(&effective).enumerate() {
                prop_assert!(month >= 0);
                if weight == 0.0 {
                    prop_assert_eq!(month, 0);
                }
                if sum > 0.0 && Some(k) != last {
                    // Every other month is its exact share rounded down.
                    let exact = total as f64 * weight / sum;
                    let eps = slack(total, 12) + total as f64 * 1e-15;
                    let nudge = 1.0 / NUDGE as f64;
                    prop_assert!(month as f64 <= exact + nudge + eps && month as f64 > exact - 1.0 - eps);
                }
            }
        }
    }

    #[test]
    fn rebalancing_keeps_the_past_and_the_year() {
        // 1,200 evenly, 3 months past; the rest re-phased by seasonality (last quarter heavy).
        let current = vec![100; 12];
        let weights = [1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 2.0, 2.0, 2.0];
        let next = rebalance(&current, 3, 1200, &weights).unwrap();
        assert_eq!(&next[..3], &[100, 100, 100]);
        assert_eq!(next.iter().sum::<i64>(), 1200);
        assert_eq!(&next[3..], &[75, 75, 75, 75, 75, 75, 150, 150, 150]);
        // Revised down below what is past: refused.
        assert_eq!(rebalance(&current, 3, 250, &weights), Err(PlanError::PastExceedsAnnual { past: 300, annual: 250 }));
        // A leaver's empty months stay empty.
        let leaver = [100, 100, 100, 100, 100, 100, 0, 0, 0, 0, 0, 0];
        let next = rebalance(&leaver, 3, 600, &[1.0; 12]).unwrap();
        assert_eq!(next, vec![100, 100, 100, 100, 100, 100, 0, 0, 0, 0, 0, 0]);
        assert_eq!(rebalance(&current, 12, 1200, &weights), Err(PlanError::NothingToRebalance(12)));
    }

    proptest! {
        #[test]
        fn rebalancing_sums_to_the_annual_target(
            current in prop::collection::vec(0i64..1_000_000_000, 12),
            elapsed in 1usize..12,
            extra in 0i64..1_000_000_000_000,
            weights in prop::collection::vec(0.05f64..3.0, 12),
        ) {
            let annual = current[..elapsed].iter().sum::<i64>() + extra;
            let next = rebalance(&current, elapsed, annual, &weights).unwrap();
            prop_assert_eq!(next.iter().sum::<i64>(), annual);
            prop_assert_eq!(&next[..elapsed], &current[..elapsed]);
            prop_assert!(next.iter().all(|&m| m >= 0));
        }
    }
}
