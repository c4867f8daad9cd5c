//! The benchmark band of annual churn: normal, acceptable or high.

use super::ChurnError;
use crate::text_enum::text_enum;
use serde::{Deserialize, Serialize};

/// Where an annual churn rate falls in the benchmark band.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "lowercase")]
pub enum BandLevel {
    /// Up to the normal limit ("normal for SaaS").
    Normal,
    /// Above normal, up to the acceptable limit.
    Acceptable,
    /// Above the acceptable limit: flagged.
    High,
}

text_enum! {
    /// The name, as serialized.
    BandLevel { Normal => "normal", Acceptable => "acceptable", High => "high" }
}

/// The benchmark band for annual churn (configurable). Defaults from the
/// source: up to 7% normal, up to 10% acceptable, above 10% high. Both limits
/// are inclusive.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(try_from = "BandRepr")]
pub struct ChurnBand {
    /// Highest annual rate that is normal (default 0.07).
    pub normal_up_to: f64,
    /// Highest annual rate that is acceptable (default 0.10).
    pub acceptable_up_to: f64,
}

impl Default for ChurnBand {
    fn default() -> Self {
        Self { normal_up_to: 0.07, acceptable_up_to: 0.10 }
    }
}

/// Unvalidated twin of [`ChurnBand`], so a bad settings file is an error when
/// read; a missing limit takes its default.
#[derive(Deserialize)]
#[serde(default)]
struct BandRepr {
    normal_up_to: f64,
    acceptable_up_to: f64,
}

impl Default for BandRepr {
    fn default() -> Self {
        let ChurnBand { normal_up_to, acceptable_up_to } = ChurnBand::default();
        Self { normal_up_to, acceptable_up_to }
    }
}

impl TryFrom<BandRepr> for ChurnBand {
    type Error = ChurnError;

    fn try_from(repr: BandRepr) -> Result<Self, ChurnError> {
        Self::new(repr.normal_up_to, repr.acceptable_up_to)
    }
}

impl ChurnBand {
    /// A band with the given limits, checked by [`Self::validate`].
    pub fn new(normal_up_to: f64, acceptable_up_to: f64) -> Result<Self, ChurnError> {
        let band = Self { normal_up_to, acceptable_up_to };
        band.validate()?;
        Ok(band)
    }

    /// Checks `0 <= normal <= acceptable < 1` (which also refuses NaN).
    pub fn validate(&self) -> Result<(), ChurnError> {
        let (normal, acceptable) = (self.normal_up_to, self.acceptable_up_to);
        if (0.0..=acceptable).contains(&normal) && acceptable < 1.0 {
            Ok(())
        } else {
            Err(ChurnError::InvalidBand { normal_up_to: normal, acceptable_up_to: acceptable })
        }
    }

    /// The level of an annual churn rate; limits are inclusive (7% is normal,
    /// 10% acceptable). A negative rate (net expansion) is normal; NaN is high,
    /// so a broken figure is flagged rather than passed.
    pub fn classify(&self, annual_rate: f64) -> BandLevel {
        if annual_rate <= self.normal_up_to {
            BandLevel::Normal
        } else if annual_rate <= self.acceptable_up_to {
            BandLevel::Acceptable
        } else {
            BandLevel::High
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::churn::{RatePeriod, convert_rate};

    #[test]
    fn band_classification() {
        let band = ChurnBand::default();
        assert_eq!((band.normal_up_to, band.acceptable_up_to), (0.07, 0.10));
        for (rate, level) in [
            (-0.05, BandLevel::Normal),
            (0.0, BandLevel::Normal),
            (0.05, BandLevel::Normal),
            (0.07, BandLevel::Normal),
            (0.070_000_1, BandLevel::Acceptable),
            (0.10, BandLevel::Acceptable),
            (0.100_000_1, BandLevel::High),
            (0.5, BandLevel::High),
            (f64::NAN, BandLevel::High),
        ] {
            assert_eq!(band.classify(rate), level, "{rate}");
        }
        // The annual equivalent of 0.5% a month (5.84%) is normal.
        let annual = convert_rate(0.005, RatePeriod::Monthly, RatePeriod::Annual).unwrap();
        assert_eq!(band.classify(annual), BandLevel::Normal);
        assert_eq!(BandLevel::High.to_string(), "high");

        let strict = ChurnBand::new(0.05, 0.05).unwrap();
        assert_eq!((strict.classify(0.05), strict.classify(0.051)), (BandLevel::Normal, BandLevel::High));
        assert!(ChurnBand::new(0.0, 0.0).is_ok());
        for (n, a) in [(0.10, 0.07), (-0.01, 0.1), (0.05, 1.0), (f64::NAN, 0.1), (0.05, f64::NAN)] {
            let err = ChurnBand::new(n, a).unwrap_err();
            assert!(matches!(err, ChurnError::InvalidBand { .. }), "{n} {a}");
        }
        assert!(ChurnBand::new(0.10, 0.07).unwrap_err().to_string().contains("use 0 <= normal <= acceptable < 1"));
    }

    #[test]
    fn band_settings() {
        let band: ChurnBand = serde_json::from_str(r#"{"normal_up_to": 0.05}"#).unwrap();
        assert_eq!(band, ChurnBand { normal_up_to: 0.05, acceptable_up_to: 0.10 });
        assert_eq!(serde_json::from_str::<ChurnBand>("{}").unwrap(), ChurnBand::default());
        assert!(serde_json::from_str::<ChurnBand>(r#"{"normal_up_to": 0.2}"#).is_err());
        let text = serde_json::to_string(&band).unwrap();
        assert_eq!(serde_json::from_str::<ChurnBand>(&text).unwrap(), band);
    }
}
