//! Attainment of a target, with the attrition tolerance (FORMULAS.md, "Attainment and the attrition
//! tolerance"; PRODUCT.md C5).
//!
//! For a KPI where higher is better, target `T > 0`, actual `A`, tolerance `t` in [0, 1):
//! raw = A / T, credited = A / (T × (1 − t)), attained ⇔ A ≥ T × (1 − t).
//! Where lower is better: raw = T / A, credited = T × (1 + t) / A, attained ⇔ A ≤ T × (1 + t).
//! A target of 0 (or below) is "no target": every figure is `None`, never a division error.
//!
//! Two forms are given: [`attainment`] on `f64` (rates, averages) and [`attainment_i64`] on integer
//! minor units or counts, where "attained" is decided exactly with integer arithmetic. Year-to-date
//! figures are the sum of actuals over the sum of targets ([`year_to_date`]), never the mean of the
//! periods' ratios.

use crate::text_enum::text_enum;
use serde::{Deserialize, Serialize};
use std::fmt;

/// Tolerances and rates are held to a billionth (1e-9): fine enough for any rate a person types,
/// coarse enough that `0.1` means exactly one tenth in the integer comparisons.
pub(crate) const NANOS: i128 = 1_000_000_000;

/// Relative slack for the `f64` "attained" test: a shortfall smaller than one part in a billion of
/// the threshold is float noise (e.g. `0.3 × 3 = 0.8999999999999999`), not a miss.
pub const RATIO_EPSILON: f64 = 1e-9;

/// Whether a bigger actual is good (revenue, demos) or bad (churn, response time).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum Direction {
    /// More is better: attained when the actual reaches the (tolerated) target.
    #[default]
    #[serde(rename = "higher")]
    HigherIsBetter,
    /// Less is better: attained when the actual stays under the (tolerated) target.
    #[serde(rename = "lower")]
    LowerIsBetter,
}

text_enum! {
    /// The stored and displayed form: `higher` or `lower`.
    Direction { HigherIsBetter => "higher", LowerIsBetter => "lower" },
    unknown: AttainmentError::UnknownDirection
}

/// Invalid input to the attainment formulas.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum AttainmentError {
    /// A tolerance outside [0, 1), or not a number.
    #[error("tolerance {0} is not valid: use a fraction from 0 (inclusive) to 1 (exclusive), e.g. 0.1 for 10%")]
    InvalidTolerance(f64),
    /// A direction other than `higher` or `lower`.
    #[error("unknown direction {0:?}: use higher, lower")]
    UnknownDirection(String),
}

/// The attrition tolerance `t` in [0, 1): the share of a target that may be missed and still count
/// as attained (higher is better), or exceeded (lower is better).
///
/// The value is held to a billionth (see [`Tolerance::new`]) so that the exact integer test and the
/// `f64` figures use the same number.
#[derive(Debug, Clone, Copy, PartialEq, PartialOrd, Default, Serialize, Deserialize)]
#[serde(try_from = "f64", into = "f64")]
pub struct Tolerance(f64);

/// Written as the fraction, `0 <= t < 1`.
#[cfg(feature = "openapi")]
impl utoipa::PartialSchema for Tolerance {
    fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
        use utoipa::openapi::schema::{ObjectBuilder, Type};
        ObjectBuilder::new()
            .schema_type(Type::Number)
            .minimum(Some(0.0))
            .exclusive_maximum(Some(1.0))
            .description(Some("The share of a target that may be missed (or exceeded) and still count as attained"))
            .into()
    }
}

#[cfg(feature = "openapi")]
impl utoipa::ToSchema for Tolerance {}

impl Tolerance {
    /// No tolerance: credited attainment equals raw attainment.
    pub const ZERO: Tolerance = Tolerance(0.0);

    /// A tolerance from a fraction (`0.1` for 10%), rounded to the nearest billionth.
    ///
    /// Rejects NaN, infinities, negatives and anything that rounds to 1 or more, naming the value.
    pub fn new(fraction: f64) -> Result<Self, AttainmentError> {
        if !fraction.is_finite() || fraction < 0.0 {
            return Err(AttainmentError::InvalidTolerance(fraction));
        }
        let nanos = (fraction * NANOS as f64).round();
        if nanos >= NANOS as f64 {
            return Err(AttainmentError::InvalidTolerance(fraction));
        }
        // Dividing the integer back gives the nearest f64 to the decimal, so 0.1 stays 0.1.
        Ok(Tolerance(nanos / NANOS as f64))
    }

    /// A tolerance from a percentage (`10.0` for 10%).
    pub fn from_percent(percent: f64) -> Result<Self, AttainmentError> {
        Self::new(percent / 100.0)
    }

    /// The fraction, e.g. `0.1`.
    pub fn value(&self) -> f64 {
        self.0
    }

    /// The fraction in billionths, exact: `0.1` is `100_000_000`.
    pub fn nanos(&self) -> i64 {
        (self.0 * NANOS as f64).round() as i64
    }
}

impl TryFrom<f64> for Tolerance {
    type Error = AttainmentError;
    fn try_from(fraction: f64) -> Result<Self, AttainmentError> {
        Self::new(fraction)
    }
}

impl From<Tolerance> for f64 {
    fn from(t: Tolerance) -> f64 {
        t.0
    }
}

impl fmt::Display for Tolerance {
    /// Formats as a percentage, e.g. `10%`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // From the integer billionths: `0.07 * 100.0` would print 7.000000000000001.
        write!(f, "{}%", self.nanos() as f64 / 1e7)
    }
}

/// Attainment of one target: all `None` when there is no target.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Attainment {
    /// Raw attainment: A / T (higher is better) or T / A (lower is better); 1.0 is 100%.
    /// `None` without a target, or (lower is better) when the actual is 0 or below.
    pub raw: Option<f64>,
    /// Credited attainment, which counts the tolerance: A / (T × (1 − t)) or T × (1 + t) / A.
    /// "Attained" is credited ≥ 1 (up to float noise for the `f64` form).
    pub credited: Option<f64>,
    /// Whether the goal is attained once the tolerance is counted; `None` without a target.
    pub attained: Option<bool>,
}

impl Attainment {
    /// "No target": a target of 0 or below, or an input that is not a finite number.
    pub const NO_TARGET: Attainment = Attainment { raw: None, credited: None, attained: None };

    /// Whether there is a target (and so a figure) at all.
    pub fn has_target(&self) -> bool {
        self.attained.is_some()
    }
}

/// Attainment of an `f64` actual against an `f64` target (rates, averages, durations).
///
/// Higher is better: raw = A / T, credited = A / (T × (1 − t)), attained ⇔ credited ≥ 1 − [`RATIO_EPSILON`],
/// i.e. A ≥ T × (1 − t) up to float noise. Lower is better: raw = T / A, credited = T × (1 + t) / A,
/// attained ⇔ A ≤ T × (1 + t) (same slack); an actual of 0 or below is attained with raw and
/// credited `None` (the ratio would be infinite or meaningless). A target ≤ 0, or a non-finite
/// actual or target, gives [`Attainment::NO_TARGET`].
pub fn attainment(actual: f64, target: f64, tolerance: Tolerance, direction: Direction) -> Attainment {
    if !actual.is_finite() || !target.is_finite() || target <= 0.0 {
        return Attainment::NO_TARGET;
    }
    let t = tolerance.value();
    match direction {
        Direction::HigherIsBetter => {
            let credited = actual / (target * (1.0 - t));
            Attainment {
                raw: Some(actual / target),
                credited: Some(credited),
                attained: Some(credited >= 1.0 - RATIO_EPSILON),
            }
        }
        Direction::LowerIsBetter => {
            if actual <= 0.0 {
                return Attainment { raw: None, credited: None, attained: Some(true) };
            }
            let credited = target * (1.0 + t) / actual;
            Attainment {
                raw: Some(target / actual),
                credited: Some(credited),
                attained: Some(credited >= 1.0 - RATIO_EPSILON),
            }
        }
    }
}

/// Attainment of an integer actual against an integer target: money in minor units, or counts.
///
/// Same definitions as [`attainment`], but "attained" is decided exactly on integers, with the
/// tolerance in billionths (`n`): higher is better ⇔ A × 10⁹ ≥ T × (10⁹ − n); lower is better ⇔
/// A × 10⁹ ≤ T × (10⁹ + n). So a rep with 9,000.00 against 10,000.00 at 10% has attained, with no
/// float rounding in the way. Raw and credited are `f64` ratios for display and may read 1.0 one
/// float step away from the exact boundary; trust `attained`.
pub fn attainment_i64(actual: i64, target: i64, tolerance: Tolerance, direction: Direction) -> Attainment {
    exact(i128::from(actual), i128::from(target), tolerance, direction)
}

/// The integer core, on i128 so that sums of many i64 periods and the 10⁹ scaling cannot overflow.
fn exact(actual: i128, target: i128, tolerance: Tolerance, direction: Direction) -> Attainment {
    if target <= 0 {
        return Attainment::NO_TARGET;
    }
    let n = i128::from(tolerance.nanos());
    match direction {
        Direction::HigherIsBetter => {
            let lhs = actual * NANOS;
            let threshold = target * (NANOS - n);
            Attainment {
                raw: Some(actual as f64 / target as f64),
                credited: Some(lhs as f64 / threshold as f64),
                attained: Some(lhs >= threshold),
            }
        }
        Direction::LowerIsBetter => {
            if actual <= 0 {
                return Attainment { raw: None, credited: None, attained: Some(true) };
            }
            let lhs = actual * NANOS;
            let threshold = target * (NANOS + n);
            Attainment {
                raw: Some(target as f64 / actual as f64),
                credited: Some(threshold as f64 / lhs as f64),
                attained: Some(lhs <= threshold),
            }
        }
    }
}

/// Year-to-date (or any multi-period) attainment of integer periods `(actual, target)`: the sum of
/// the actuals over the sum of the targets, never the mean of the periods' ratios (PRODUCT.md C5).
///
/// Pass only the periods elapsed so far. Sums are taken in i128, so they cannot overflow. A total
/// target of 0 or below gives [`Attainment::NO_TARGET`].
pub fn year_to_date(periods: &[(i64, i64)], tolerance: Tolerance, direction: Direction) -> Attainment {
    let actual: i128 = periods.iter().map(|&(a, _)| i128::from(a)).sum();
    let target: i128 = periods.iter().map(|&(_, t)| i128::from(t)).sum();
    exact(actual, target, tolerance, direction)
}

/// Where an owner stands against a target to date, read from the attainment to date with the
/// tolerance `t` (the team dashboard's reading; FORMULAS.md "Attainment and the attrition tolerance"):
///
/// - **behind**: not attained even with the tolerance (credited attainment below 1, i.e. raw below
///   1 − t where higher is better);
/// - **on pace**: attained with the tolerance and no further than the tolerance past the target
///   (raw from 1 − t up to 1 + t): within the tolerance of the target to date, either side;
/// - **ahead**: past the target to date by more than the tolerance (raw above 1 + t), or, where
///   lower is better, an actual of 0 or below (attained, no ratio).
///
/// No target gives no reading (`None`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Pace {
    /// Past the target to date by more than the tolerance.
    Ahead,
    /// Within the tolerance of the target to date.
    OnPace,
    /// Short of the target to date even with the tolerance.
    Behind,
}

text_enum! {
    /// The written form: `ahead`, `on_pace` or `behind`.
    Pace { Ahead => "ahead", OnPace => "on_pace", Behind => "behind" }
}

impl Pace {
    /// The reading of an attainment to date with its tolerance; `None` without a target.
    pub fn of(a: &Attainment, tolerance: Tolerance) -> Option<Pace> {
        match (a.attained?, a.raw) {
            (false, _) => Some(Pace::Behind),
            (true, Some(raw)) if raw <= 1.0 + tolerance.value() + RATIO_EPSILON => Some(Pace::OnPace),
            (true, _) => Some(Pace::Ahead),
        }
    }

    /// For people: "ahead", "on pace", "behind".
    pub fn label(self) -> &'static str {
        match self {
            Pace::Ahead => "ahead",
            Pace::OnPace => "on pace",
            Pace::Behind => "behind",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    const HIGHER: Direction = Direction::HigherIsBetter;
    const LOWER: Direction = Direction::LowerIsBetter;

    fn tol(f: f64) -> Tolerance {
        Tolerance::new(f).unwrap()
    }

    fn close(a: Option<f64>, b: f64) -> bool {
        a.is_some_and(|a| (a - b).abs() < 1e-12)
    }

    #[test]
    fn worked_example_rep_at_90_percent_with_10_percent_tolerance() {
        // FORMULAS.md: t = 10%, a rep at 90% of quota has credited 100% and has attained.
        let f = attainment(90.0, 100.0, tol(0.1), HIGHER);
        assert!(close(f.raw, 0.9) && close(f.credited, 1.0), "{f:?}");
        assert_eq!(f.attained, Some(true));
        // The same in cents, decided exactly: 9,000.00 of 10,000.00.
        let i = attainment_i64(900_000, 1_000_000, tol(0.1), HIGHER);
        assert!(close(i.raw, 0.9) && close(i.credited, 1.0), "{i:?}");
        assert_eq!(i.attained, Some(true));
        // One cent short is a miss.
        assert_eq!(attainment_i64(899_999, 1_000_000, tol(0.1), HIGHER).attained, Some(false));
    }

    #[test]
    fn higher_is_better_boundaries() {
        // (actual, target, tolerance, raw, credited, attained)
        let table: &[(i64, i64, f64, f64, f64, bool)] = &[
            (100, 100, 0.0, 1.0, 1.0, true),
            (99, 100, 0.0, 0.99, 0.99, false),
            (101, 100, 0.0, 1.01, 1.01, true),
            (0, 100, 0.0, 0.0, 0.0, false),
            (95, 100, 0.05, 0.95, 1.0, true),
            (94, 100, 0.05, 0.94, 0.94 / 0.95, false),
            (7, 10, 0.3, 0.7, 1.0, true), // 10 × 0.7 is 7.000000000000001 in f64: the integer test is exact
            (6, 10, 0.3, 0.6, 0.6 / 0.7, false),
            (150, 100, 0.1, 1.5, 1.5 / 0.9, true),
            (-50, 100, 0.1, -0.5, -0.5 / 0.9, false), // e.g. a negative net new MRR
        ];
        for &(a, t, tl, raw, credited, attained) in table {
            for f in [attainment_i64(a, t, tol(tl), HIGHER), attainment(a as f64, t as f64, tol(tl), HIGHER)] {
                assert!(close(f.raw, raw), "{a}/{t} at {tl}: {f:?}");
                assert!(close(f.credited, credited), "{a}/{t} at {tl}: {f:?}");
                assert_eq!(f.attained, Some(attained), "{a}/{t} at {tl}: {f:?}");
            }
        }
    }

    #[test]
    fn lower_is_better_table() {
        // (actual, target, tolerance, raw, credited, attained): e.g. churned accounts against a ceiling.
        type Row = (i64, i64, f64, Option<f64>, Option<f64>, bool);
        let table: &[Row] = &[
            (10, 10, 0.0, Some(1.0), Some(1.0), true),
            (11, 10, 0.0, Some(10.0 / 11.0), Some(10.0 / 11.0), false),
            (5, 10, 0.0, Some(2.0), Some(2.0), true),
            (11, 10, 0.1, Some(10.0 / 11.0), Some(1.0), true),
            (12, 10, 0.1, Some(10.0 / 12.0), Some(11.0 / 12.0), false),
            (0, 10, 0.1, None, None, true), // nothing lost: attained, the ratio would be infinite
            (-3, 10, 0.0, None, None, true), // e.g. negative net churn: better than any ceiling
        ];
        for &(a, t, tl, raw, credited, attained) in table {
            for f in [attainment_i64(a, t, tol(tl), LOWER), attainment(a as f64, t as f64, tol(tl), LOWER)] {
                assert_eq!(f.raw.is_some(), raw.is_some(), "{a}/{t}: {f:?}");
                assert_eq!(f.credited.is_some(), credited.is_some(), "{a}/{t}: {f:?}");
                if let (Some(r), Some(c)) = (raw, credited) {
                    assert!(close(f.raw, r) && close(f.credited, c), "{a}/{t} at {tl}: {f:?}");
                }
                assert_eq!(f.attained, Some(attained), "{a}/{t} at {tl}: {f:?}");
            }
        }
    }

    #[test]
    fn no_target_is_no_figure_never_a_division_error() {
        for direction in [HIGHER, LOWER] {
            for target in [0, -5] {
                assert_eq!(attainment_i64(10, target, tol(0.1), direction), Attainment::NO_TARGET);
                assert_eq!(attainment(10.0, target as f64, tol(0.1), direction), Attainment::NO_TARGET);
                assert_eq!(attainment_i64(0, target, Tolerance::ZERO, direction), Attainment::NO_TARGET);
            }
            assert_eq!(attainment(f64::NAN, 10.0, Tolerance::ZERO, direction), Attainment::NO_TARGET);
            assert_eq!(attainment(1.0, f64::INFINITY, Tolerance::ZERO, direction), Attainment::NO_TARGET);
            assert_eq!(year_to_date(&[], Tolerance::ZERO, direction), Attainment::NO_TARGET);
        }
        assert!(!Attainment::NO_TARGET.has_target());
    }

    #[test]
    fn float_noise_does_not_turn_an_exact_hit_into_a_miss() {
        // 0.3 × 3 is 0.8999999999999999 in f64, yet a 90% rate against a 100% × 0.9 threshold is a hit.
        let f = attainment(0.3 * 3.0, 1.0, tol(0.1), HIGHER);
        assert_eq!(f.attained, Some(true), "{f:?}");
        assert_eq!(attainment(0.899, 1.0, tol(0.1), HIGHER).attained, Some(false));
    }

    #[test]
    fn year_to_date_is_sum_over_sum_not_mean_of_ratios() {
        // January: 50 of 100 (50%); February: 300 of 200 (150%). The mean of the monthly
        // percentages is 100%, but the year to date is 350 of 300 = 116.7%.
        let periods = [(50, 100), (300, 200)];
        let mean_of_ratios = (0.5 + 1.5) / 2.0;
        let ytd = year_to_date(&periods, Tolerance::ZERO, HIGHER);
        assert!(close(ytd.raw, 350.0 / 300.0), "{ytd:?}");
        assert!((ytd.raw.unwrap() - mean_of_ratios).abs() > 0.1);
        // And the other way round: 150 of 200 (75%) then 100 of 100 (100%): mean 87.5%, sum 250/300 = 83.3%,
        // which at a 15% tolerance is credited 98% and not attained, though the mean would be 102.9%.
        let ytd = year_to_date(&[(150, 200), (100, 100)], tol(0.15), HIGHER);
        assert!(close(ytd.raw, 250.0 / 300.0) && close(ytd.credited, 250.0 / 255.0), "{ytd:?}");
        assert_eq!(ytd.attained, Some(false));
        // Sums of many large periods do not overflow.
        let big = year_to_date(&[(i64::MAX, i64::MAX); 12], Tolerance::ZERO, HIGHER);
        assert_eq!(big.attained, Some(true));
        assert!(close(big.raw, 1.0));
    }

    #[test]
    fn tolerance_validation_names_the_value() {
        assert_eq!(Tolerance::default(), Tolerance::ZERO);
        assert_eq!(tol(0.1).value(), 0.1);
        assert_eq!(tol(0.1).nanos(), 100_000_000);
        assert_eq!(Tolerance::from_percent(12.5).unwrap().value(), 0.125);
        assert_eq!(tol(0.999_999_999).nanos(), 999_999_999);
        for bad in [-0.01, 1.0, 1.5, 0.999_999_999_9, f64::NAN, f64::INFINITY] {
            let err = Tolerance::new(bad).unwrap_err();
            assert!(matches!(err, AttainmentError::InvalidTolerance(_)), "{bad}");
            assert!(err.to_string().contains(&bad.to_string()), "{err}");
        }
        assert_eq!(tol(0.1).to_string(), "10%");
        assert_eq!(tol(0.07).to_string(), "7%"); // not 7.000000000000001%
        assert_eq!(tol(0.125).to_string(), "12.5%");
    }

    #[test]
    fn serde_and_text_forms() {
        assert_eq!(serde_json::to_string(&HIGHER).unwrap(), r#""higher""#);
        assert_eq!(serde_json::to_string(&LOWER).unwrap(), r#""lower""#);
        assert_eq!(serde_json::from_str::<Direction>(r#""lower""#).unwrap(), LOWER);
        assert_eq!(" Higher ".parse::<Direction>().unwrap(), HIGHER);
        assert_eq!(LOWER.to_string(), "lower");
        let err = "up".parse::<Direction>().unwrap_err();
        assert_eq!(err.to_string(), r#"unknown direction "up": use higher, lower"#);
        assert_eq!(serde_json::to_string(&tol(0.1)).unwrap(), "0.1");
        assert_eq!(serde_json::from_str::<Tolerance>("0.25").unwrap(), tol(0.25));
        assert!(serde_json::from_str::<Tolerance>("1.0").is_err());
        let json = serde_json::to_value(attainment_i64(0, 0, Tolerance::ZERO, HIGHER)).unwrap();
        assert_eq!(json, serde_json::json!({"raw": null, "credited": null, "attained": null}));
    }

    /// The pace of a target to date of 1,000 at 10%: behind under 900, on pace from 900 to 1,100,
    /// ahead above; lower is better mirrors it; no target, no reading.
    #[test]
    fn pace_reads_the_attainment_to_date_against_the_tolerance() {
        let t = tol(0.1);
        let at = |a: i64, direction| Pace::of(&attainment_i64(a, 1_000, t, direction), t);
        let higher: Vec<_> = [0, 899, 900, 1_000, 1_100, 1_101].iter().map(|a| at(*a, HIGHER)).collect();
        let (behind, on, ahead) = (Some(Pace::Behind), Some(Pace::OnPace), Some(Pace::Ahead));
        assert_eq!(higher, [behind, behind, on, on, on, ahead]);
        let lower: Vec<_> = [0, 800, 910, 1_000, 1_100, 1_101].iter().map(|a| at(*a, LOWER)).collect();
        assert_eq!(lower, [ahead, ahead, on, on, on, behind]);
        assert_eq!(Pace::of(&Attainment::NO_TARGET, t), None);
        assert_eq!(Pace::of(&attainment_i64(1_000, 1_000, Tolerance::ZERO, HIGHER), Tolerance::ZERO), on);
        assert_eq!(serde_json::to_string(&Pace::OnPace).unwrap(), r#""on_pace""#);
        assert_eq!((Pace::OnPace.as_str(), Pace::OnPace.label()), ("on_pace", "on pace"));
    }

    proptest! {
        #[test]
        fn credited_is_raw_over_one_minus_t(a in -1_000_000_000i64..1_000_000_000, t in 1i64..1_000_000_000, tl in 0.0f64..0.95) {
            let tl = tol(tl);
            for f in [attainment_i64(a, t, tl, HIGHER), attainment(a as f64, t as f64, tl, HIGHER)] {
                let (raw, credited) = (f.raw.unwrap(), f.credited.unwrap());
                let expected = raw / (1.0 - tl.value());
                prop_assert!((credited - expected).abs() <= 1e-9 * expected.abs().max(1.0), "{f:?}");
            }
        }

        #[test]
        fn attained_iff_credited_at_least_one(a in -1_000_000_000i64..1_000_000_000, t in 1i64..1_000_000_000, tl in 0.0f64..0.95) {
            let tl = tol(tl);
            for direction in [HIGHER, LOWER] {
                for f in [attainment_i64(a, t, tl, direction), attainment(a as f64, t as f64, tl, direction)] {
                    let attained = f.attained.unwrap();
                    match f.credited {
                        // Away from the boundary the two must agree; at it, float noise decides.
                        Some(c) if (c - 1.0).abs() > 1e-9 => prop_assert_eq!(attained, c >= 1.0, "{:?}", f),
                        Some(_) => {}
                        None => prop_assert!(direction == LOWER && a <= 0 && attained),
                    }
                }
            }
        }

        #[test]
        fn zero_tolerance_credits_raw(a in -1_000_000_000i64..1_000_000_000, t in 1i64..1_000_000_000) {
            for direction in [HIGHER, LOWER] {
                let f = attainment_i64(a, t, Tolerance::ZERO, direction);
                prop_assert_eq!(f.credited, f.raw);
                let f = attainment(a as f64, t as f64, Tolerance::ZERO, direction);
                prop_assert_eq!(f.credited, f.raw);
            }
        }

        #[test]
        fn integer_test_is_the_exact_threshold(t in 1i64..10_000_000, pct in 0u32..100) {
            // With t = pct% and T divisible by 100, the threshold T × (1 − t) is an exact integer.
            let target = t * 100;
            let threshold = target / 100 * (100 - i64::from(pct));
            let tl = tol(f64::from(pct) / 100.0);
            prop_assert_eq!(attainment_i64(threshold, target, tl, HIGHER).attained, Some(true));
            prop_assert_eq!(attainment_i64(threshold - 1, target, tl, HIGHER).attained, Some(false));
            let ceiling = target / 100 * (100 + i64::from(pct));
            prop_assert_eq!(attainment_i64(ceiling, target, tl, LOWER).attained, Some(true));
            prop_assert_eq!(attainment_i64(ceiling + 1, target, tl, LOWER).attained, Some(false));
        }
    }
}
