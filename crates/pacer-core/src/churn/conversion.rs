//! Churn rates converted between monthly, quarterly and annual by compounding.

use super::ChurnError;
use crate::text_enum::text_enum;
use serde::{Deserialize, Serialize};

/// The period a rate is expressed over.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum RatePeriod {
    /// One month.
    Monthly,
    /// Three months.
    Quarterly,
    /// Twelve months.
    Annual,
}

impl RatePeriod {
    /// Every period, shortest first.
    pub const ALL: [Self; 3] = [Self::Monthly, Self::Quarterly, Self::Annual];

    /// Months in the period: 1, 3 or 12.
    pub fn months(self) -> u32 {
        match self {
            Self::Monthly => 1,
            Self::Quarterly => 3,
            Self::Annual => 12,
        }
    }
}

#[cfg(feature = "openapi")]
impl utoipa::PartialSchema for RatePeriod {
    fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
        crate::openapi::schema_of_names(Self::ALL.map(Self::as_str), "The period of a rate")
    }
}

#[cfg(feature = "openapi")]
impl utoipa::ToSchema for RatePeriod {}

text_enum! {
    /// The canonical name, as parsed and serialized.
    RatePeriod { Monthly => "monthly", Quarterly => "quarterly", Annual => "annual" },
    unknown: ChurnError::UnknownRatePeriod
}

/// Converts a churn-type rate between periods by compounding (FORMULAS.md):
/// `1 - (1 - rate)^(to months / from months)`, which is going through the
/// monthly rate: annual from monthly `1 - (1 - r)^12`, monthly from annual
/// `1 - (1 - r)^(1/12)`, quarterly from monthly `1 - (1 - r)^3`, annual from
/// quarterly `1 - (1 - r)^4`.
///
/// It is computed as `-expm1(n * ln_1p(-r))`, the same value without the loss
/// of precision of `1 - x` for small rates.
///
/// Any finite rate below 1 is accepted, negative ones included: a negative net
/// MRR churn rate (net expansion) compounds by the same formula (-2% a month is
/// about -26.8% a year). Refused with [`ChurnError::RateNotConvertible`]: a rate
/// of 1 (100%) or more, which leaves nobody to compound over (and above 1 has
/// no real root), a NaN or infinite rate, and a negative rate so large that
/// the result is not finite.
pub fn convert_rate(rate: f64, from: RatePeriod, to: RatePeriod) -> Result<f64, ChurnError> {
    let refused = || ChurnError::RateNotConvertible { rate, period: from, to };
    if !rate.is_finite() || rate >= 1.0 {
        return Err(refused());
    }
    if from == to {
        return Ok(rate);
    }
    let exponent = f64::from(to.months()) / f64::from(from.months());
    let converted = -(exponent * (-rate).ln_1p()).exp_m1();
    if converted.is_finite() { Ok(converted) } else { Err(refused()) }
}

/// Annualises a customer churn rate measured over `months` months (compounding).
pub fn annualise(rate: f64, months: u32) -> Result<f64, ChurnError> {
    match months {
        1 => convert_rate(rate, RatePeriod::Monthly, RatePeriod::Annual),
        3 => convert_rate(rate, RatePeriod::Quarterly, RatePeriod::Annual),
        12 => Ok(rate),
        // Other lengths compound through the monthly rate.
        n => {
            let monthly = 1.0 - (1.0 - rate).powf(1.0 / f64::from(n.max(1)));
            convert_rate(monthly, RatePeriod::Monthly, RatePeriod::Annual)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn conversion_worked_examples() {
        use RatePeriod::*;
        let pct2 = |x: f64| (x * 100.0 * 100.0).round() / 100.0;
        let pct3 = |x: f64| (x * 100.0 * 1000.0).round() / 1000.0;
        assert_eq!(pct2(convert_rate(0.005, Monthly, Annual).unwrap()), 5.84);
        assert_eq!(pct3(convert_rate(0.07, Annual, Monthly).unwrap()), 0.603);
        assert_eq!(pct2(convert_rate(0.07, Annual, Quarterly).unwrap()), 1.80);
        // Each formula exactly as FORMULAS.md writes it.
        for r in [0.0f64, 0.001, 0.005, 0.02, 0.07, 0.3, 0.9, -0.02] {
            let cases = [
                (Monthly, Annual, 1.0 - (1.0 - r).powi(12)),
                (Annual, Monthly, 1.0 - (1.0 - r).powf(1.0 / 12.0)),
                (Monthly, Quarterly, 1.0 - (1.0 - r).powi(3)),
                (Quarterly, Annual, 1.0 - (1.0 - r).powi(4)),
                (Quarterly, Monthly, 1.0 - (1.0 - r).powf(1.0 / 3.0)),
                (Annual, Quarterly, 1.0 - (1.0 - r).powf(0.25)),
            ];
            for (from, to, expected) in cases {
                let got = convert_rate(r, from, to).unwrap();
                assert!((got - expected).abs() < 1e-14, "{r} {from} -> {to}: {got} vs {expected}");
            }
            for p in RatePeriod::ALL {
                assert_eq!(convert_rate(r, p, p).unwrap(), r);
            }
        }
        // Net expansion compounds too: -2% a month is about -26.8% a year.
        assert!((convert_rate(-0.02, Monthly, Annual).unwrap() - (1.0 - 1.02f64.powi(12))).abs() < 1e-14);
    }

    #[test]
    fn conversion_refusals() {
        use RatePeriod::*;
        for rate in [1.0, 1.5, f64::NAN, f64::INFINITY, f64::NEG_INFINITY] {
            let err = convert_rate(rate, Annual, Monthly).unwrap_err();
            assert!(matches!(err, ChurnError::RateNotConvertible { period: Annual, to: Monthly, .. }), "{rate}");
        }
        // A negative rate is converted while the result is finite.
        assert!(convert_rate(-1e300, Annual, Monthly).unwrap().is_finite());
        assert!(convert_rate(-1e300, Monthly, Annual).is_err());
        assert_eq!(
            convert_rate(1.0, Monthly, Annual).unwrap_err().to_string(),
            "monthly rate 1 cannot be converted to annual: use a finite rate below 1 (100%) whose \
             converted value is finite"
        );
        // Refused even to the same period, so a bad rate never passes silently.
        assert!(convert_rate(1.0, Monthly, Monthly).is_err());
    }

    #[test]
    fn rate_period_names() {
        for p in RatePeriod::ALL {
            assert_eq!(p.to_string().parse::<RatePeriod>().unwrap(), p);
        }
        assert_eq!(" Annual ".parse::<RatePeriod>().unwrap(), RatePeriod::Annual);
        assert_eq!([1, 3, 12], RatePeriod::ALL.map(RatePeriod::months));
        let err = "weekly".parse::<RatePeriod>().unwrap_err();
        assert_eq!(err.to_string(), "unknown rate period \"weekly\": use monthly, quarterly or annual");
    }

    #[test]
    fn annualising_compounds() {
        assert!((annualise(0.005, 1).unwrap() - 0.058_377).abs() < 1e-6);
        assert!((annualise(0.018_0, 3).unwrap() - (1.0 - (1.0_f64 - 0.018).powi(4))).abs() < 1e-12);
        assert_eq!(annualise(0.07, 12).unwrap(), 0.07);
        let half = annualise(0.03, 6).unwrap();
        assert!((half - (1.0 - (1.0_f64 - 0.03).powi(2))).abs() < 1e-12);
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(300))]

        #[test]
        fn conversions_round_trip(r in -0.5f64..0.5) {
            // Near 1, 1 - (annual rate) keeps few digits, so the way back is ill-conditioned.
            use RatePeriod::*;
            for (from, to) in [(Monthly, Annual), (Annual, Monthly), (Monthly, Quarterly), (Quarterly, Annual)] {
                let there = convert_rate(r, from, to).unwrap();
                let back = convert_rate(there, to, from).unwrap();
                prop_assert!((back - r).abs() < 1e-12, "{r} {from} -> {to} -> {back}");
            }
            // Through the quarter is the same as directly.
            let direct = convert_rate(r, Monthly, Annual).unwrap();
            let via = convert_rate(convert_rate(r, Monthly, Quarterly).unwrap(), Quarterly, Annual).unwrap();
            prop_assert!((direct - via).abs() < 1e-12);
            // Longer periods lose more (for churn) and gain more (for net expansion).
            if r > 0.0 { prop_assert!(direct >= r); } else { prop_assert!(direct <= r); }
        }

    }
}
