//! The exact integer splits behind allocation and phasing, and the reading of `f64` weights into
//! integers they start from (see the module docs of [`crate::plan`]).

use super::PlanError;

/// Checks `f64` weights: not empty, each finite and 0 or more, at least one positive.
pub(super) fn check_weights(weights: &[f64]) -> Result<(), PlanError> {
    if weights.is_empty() {
        return Err(PlanError::NoWeights);
    }
    if let Some((i, &value)) = weights.iter().enumerate().find(|(_, w)| !w.is_finite() || **w < 0.0) {
        return Err(PlanError::InvalidWeight { position: i + 1, value });
    }
    if weights.iter().all(|&w| w == 0.0) {
        return Err(PlanError::ZeroWeights);
    }
    Ok(())
}

/// Reads checked weights into integers relative to the largest, which becomes 2⁵⁰.
///
/// Dividing by the largest rather than the sum keeps a sum of huge weights from overflowing, and
/// 2⁵⁰ keeps `amount × Σ weights` of 12 months well inside u128 for any i64 amount.
pub(super) fn quantize(weights: &[f64]) -> Vec<u128> {
    const SCALE: f64 = (1u64 << 50) as f64;
    let max = weights.iter().copied().fold(0.0, f64::max);
    weights.iter().map(|w| (w / max * SCALE).round() as u128).collect()
}

/// Splits `total` (0 or more) by integer `weights` (positive sum) with the largest-remainder
/// method, ties to the lower index.
///
/// Products stay below 2¹²⁶ (an i64 amount times a weight of at most 2⁶³), so nothing overflows.
pub(super) fn largest_remainder(total: i64, weights: &[u128]) -> Vec<i64> {
    let total = total.unsigned_abs() as u128;
    let sum: u128 = weights.iter().sum();
    let mut parts: Vec<u128> = weights.iter().map(|w| total * w / sum).collect();
    let mut by_remainder: Vec<(u128, usize)> = weights.iter().enumerate().map(|(i, w)| (total * w % sum, i)).collect();
    by_remainder.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
    // Fewer units are left than recipients with a non-zero remainder, so a zero weight gets none.
    let left = total - parts.iter().sum::<u128>();
    for &(_, i) in by_remainder.iter().take(left as usize) {
        parts[i] += 1;
    }
    // Each part is at most `total`, which came from an i64.
    parts.into_iter().map(|p| p as i64).collect()
}

/// Shares are rounded down after a nudge of 1/`NUDGE` of a unit, so that a share that is a
/// whole number before the weights were read into integers (0.75 of 1.55) stays that whole
/// number; a share within 1/1024 of a minor unit below a whole one is rounded up.
pub(super) const NUDGE: u128 = 1024;

/// Splits `total` (0 or more) by integer weights as FORMULAS.md phases: each
/// period gets its share rounded down, and the rounding remainder goes to the
/// last period with a weight, so the periods sum to `total` exactly and a
/// period without weight (before a hire, after leaving) gets nothing.
pub(super) fn remainder_to_last(total: i64, weights: &[u128]) -> Vec<i64> {
    let total = total.unsigned_abs() as u128;
    let sum: u128 = weights.iter().sum();
    if sum == 0 {
        return vec![0; weights.len()];
    }
    let mut parts: Vec<i64> = weights.iter().map(|w| ((total * w * NUDGE + sum) / (sum * NUDGE)) as i64).collect();
    let given: i64 = parts.iter().sum();
    if let Some(last) = weights.iter().rposition(|w| *w > 0) {
        parts[last] += total as i64 - given;
    }
    parts
}
