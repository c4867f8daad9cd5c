//! The gap between the bottom-up targets (what teams or reps commit to) and the top-down one.

use super::PlanError;
use serde::{Deserialize, Serialize};

/// A bottom-up sum (what teams or reps commit to) against the top-down target (what the company
/// needs).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Gap {
    /// The top-down target, in units.
    pub top_down: i64,
    /// The sum of the bottom-up targets, in units.
    pub bottom_up_sum: i64,
    /// `bottom_up_sum − top_down`: negative is the shortfall still to find, positive a cushion.
    pub difference: i64,
    /// `bottom_up_sum / top_down` (1.0 covers the target); `None` when the top-down target is 0.
    pub coverage: Option<f64>,
}

/// Compares the bottom-up targets with the top-down target (all 0 or more; these are totals, such
/// as a year of monthly targets, so they may exceed the ceiling of one target).
pub fn gap(top_down: i64, bottom_up: &[i64]) -> Result<Gap, PlanError> {
    let not_negative = |t: i64| if t < 0 { Err(PlanError::NegativeTarget(t)) } else { Ok(()) };
    not_negative(top_down)?;
    bottom_up.iter().try_for_each(|&b| not_negative(b))?;
    let sum: i128 = bottom_up.iter().map(|&b| i128::from(b)).sum();
    let bottom_up_sum = i64::try_from(sum).map_err(|_| PlanError::Overflow)?;
    Ok(Gap {
        top_down,
        bottom_up_sum,
        // Both are 0 or more, so the difference fits.
        difference: bottom_up_sum - top_down,
        coverage: (top_down > 0).then(|| bottom_up_sum as f64 / top_down as f64),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bottom_up_gap() {
        let g = gap(1_000_000, &[300_000, 350_000, 250_000]).unwrap();
        assert_eq!((g.top_down, g.bottom_up_sum, g.difference), (1_000_000, 900_000, -100_000));
        assert_eq!(g.coverage, Some(0.9));
        let cushion = gap(100, &[60, 60]).unwrap();
        assert_eq!((cushion.difference, cushion.coverage), (20, Some(1.2)));
        assert_eq!(gap(0, &[]).unwrap(), Gap { top_down: 0, bottom_up_sum: 0, difference: 0, coverage: None });
        assert_eq!(gap(10, &[5, -1]), Err(PlanError::NegativeTarget(-1)));
        assert_eq!(gap(10, &[i64::MAX, 1]), Err(PlanError::Overflow));
    }
}
