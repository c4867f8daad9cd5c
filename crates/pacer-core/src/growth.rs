//! The growth target that compensates churn (FORMULAS.md, "Growth target that compensates churn";
//! PRODUCT.md C5), and a multi-year projection of customers or recurring revenue.
//!
//! From a starting base B (customers, or annual recurring revenue in minor units), the expected
//! annual churn rate c, the expected expansion rate e (revenue only; 0 for customers) and the wanted
//! net growth g: gross new needed = B × (g + c − e), shown as its parts so a sales leader can follow
//! the arithmetic ("100 for growth + 35 to replace the 35 expected to leave").
//!
//! Rates are held to a billionth and every part is computed on integers and rounded half away from
//! zero to a whole unit (customer or minor unit); the total is the sum of the rounded parts, so the
//! arithmetic shown always adds up.

use crate::attainment::NANOS;
use serde::{Deserialize, Serialize};

/// Invalid input to the growth formulas; each variant names the offending value.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum GrowthError {
    /// A negative starting base.
    #[error("base {0} is negative: use the number of customers or the recurring revenue at the start, 0 or more")]
    NegativeBase(i64),
    /// A rate that is not a number or out of its range.
    #[error("{name} {value} is not valid: {rule}")]
    InvalidRate {
        /// Which rate: `churn rate`, `expansion rate` or `net growth`.
        name: &'static str,
        /// The value given.
        value: f64,
        /// The accepted range, in words.
        rule: &'static str,
    },
    /// A negative amount of new business per year in a projection.
    #[error("new business per year {0} is negative: use 0 or more")]
    NegativeNewBusiness(i64),
    /// A result beyond the range of i64.
    #[error("the result is too large to represent: check the base and the rates")]
    Overflow,
}

/// The largest growth or expansion rate accepted (100,000%): far beyond any plan, and it keeps
/// base × rate in billionths well inside i128.
const MAX_RATE: f64 = 1000.0;

/// A rate in billionths, after checking it is finite and within `[min, max]`.
fn rate_nanos(name: &'static str, value: f64, min: f64, max: f64, rule: &'static str) -> Result<i128, GrowthError> {
    if !value.is_finite() || value < min || value > max {
        return Err(GrowthError::InvalidRate { name, value, rule });
    }
    Ok((value * NANOS as f64).round() as i128)
}

fn churn_nanos(c: f64) -> Result<i128, GrowthError> {
    rate_nanos("churn rate", c, 0.0, 1.0, "use a fraction from 0 to 1, e.g. 0.07 for 7%")
}

fn expansion_nanos(e: f64) -> Result<i128, GrowthError> {
    rate_nanos("expansion rate", e, 0.0, MAX_RATE, "use a fraction from 0 to 1000, e.g. 0.1 for 10%")
}

fn growth_nanos(g: f64) -> Result<i128, GrowthError> {
    rate_nanos("net growth", g, -1.0, MAX_RATE, "use a fraction from -1 to 1000, e.g. 0.2 for +20%")
}

/// `base × nanos / 10⁹` rounded half away from zero (2.5 → 3, −2.5 → −3), exactly.
fn part(base: i128, nanos: i128) -> i128 {
    let num = base * nanos;
    let q = num / NANOS;
    let r = num % NANOS;
    if 2 * r.abs() >= NANOS { q + num.signum() } else { q }
}

fn to_i64(v: i128) -> Result<i64, GrowthError> {
    i64::try_from(v).map_err(|_| GrowthError::Overflow)
}

/// The gross new business needed to reach a net growth despite churn, with its parts.
///
/// `gross_new = max(0, growth_part + churn_replacement − expansion_offset)`; each part is
/// `base × rate` rounded half away from zero to a whole unit.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct GrowthTarget {
    /// Starting base B: customers, or recurring revenue in minor units.
    pub base: i64,
    /// Wanted net growth g as used (held to a billionth), e.g. 0.2 for +20%.
    pub net_growth: f64,
    /// Expected churn rate c as used, e.g. 0.07.
    pub churn_rate: f64,
    /// Expected expansion rate e as used (0 for customers).
    pub expansion_rate: f64,
    /// B × g: the net growth wanted (negative for a planned decrease).
    pub growth_part: i64,
    /// B × c: what is expected to leave and must be replaced.
    pub churn_replacement: i64,
    /// B × e: what existing customers are expected to add, which new business need not bring.
    pub expansion_offset: i64,
    /// growth_part + churn_replacement − expansion_offset, before clamping at 0.
    pub computed: i64,
    /// New business needed: `computed`, or 0 when that is negative.
    pub gross_new: i64,
    /// Why no new business is needed, when `computed` is negative.
    pub reason: Option<NoNewBusiness>,
}

/// Why a growth target needs no new business (`pacer-i18n` writes it with the amounts).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum NoNewBusiness {
    /// What expansion is expected to add outweighs the growth wanted and what is expected to leave.
    ExpansionOutweighs,
    /// A planned decrease and expansion together outweigh what is expected to leave.
    DecreaseAndExpansionOutweigh,
    /// A planned decrease is more than what is expected to leave.
    DecreaseOutweighsChurn,
}

/// Gross new business needed = B × (g + c − e), shown as its parts (FORMULAS.md).
///
/// `base` is customers or recurring revenue in minor units (0 or more); `churn_rate` in [0, 1];
/// `expansion_rate` ≥ 0 (0 for customers); `net_growth` ≥ −1. Rates are fractions (0.07 for 7%),
/// held to a billionth. When expansion (or a planned decrease) outweighs growth and churn, the
/// result is 0 needed and [`GrowthTarget::reason`] says why.
pub fn gross_new_needed(
    base: i64,
    churn_rate: f64,
    expansion_rate: f64,
    net_growth: f64,
) -> Result<GrowthTarget, GrowthError> {
    if base < 0 {
        return Err(GrowthError::NegativeBase(base));
    }
    let (c, e, g) = (churn_nanos(churn_rate)?, expansion_nanos(expansion_rate)?, growth_nanos(net_growth)?);
    let b = i128::from(base);
    // No overflow in i128: b < 2^63 and a rate is at most 10^12 billionths (< 2^40).
    let (growth, churn, expansion) = (part(b, g), part(b, c), part(b, e));
    let computed = growth + churn - expansion;
    let reason = (computed < 0).then_some(if growth >= 0 {
        NoNewBusiness::ExpansionOutweighs
    } else if expansion > 0 {
        NoNewBusiness::DecreaseAndExpansionOutweigh
    } else {
        NoNewBusiness::DecreaseOutweighsChurn
    });
    Ok(GrowthTarget {
        base,
        net_growth: g as f64 / NANOS as f64,
        churn_rate: c as f64 / NANOS as f64,
        expansion_rate: e as f64 / NANOS as f64,
        growth_part: to_i64(growth)?,
        churn_replacement: to_i64(churn)?,
        expansion_offset: to_i64(expansion)?,
        computed: to_i64(computed)?,
        gross_new: to_i64(computed.max(0))?,
        reason,
    })
}

/// Where a projected year's new business comes from.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case", tag = "kind", content = "value")]
pub enum NewBusiness {
    /// A fixed amount each year (customers or minor units), 0 or more.
    PerYear(i64),
    /// Whatever reaches this net growth each year, from [`gross_new_needed`] on the year's start.
    NetGrowth(f64),
}

/// The assumptions for one projected year (a long-term plan's stage repeats one over its years).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct YearAssumption {
    /// Expected churn rate of the year's starting base, in [0, 1].
    pub churn_rate: f64,
    /// Expected expansion rate of the year's starting base, 0 or more (0 for customers).
    pub expansion_rate: f64,
    /// New business of the year.
    pub new_business: NewBusiness,
}

/// One year of a projection: `end = start − churned + expansion + new`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct YearProjection {
    /// 1 for the first projected year.
    pub year: u32,
    /// Customers or recurring revenue at the start of the year.
    pub start: i64,
    /// start × churn rate, rounded: lost during the year.
    pub churned: i64,
    /// start × expansion rate, rounded: added by existing customers.
    pub expansion: i64,
    /// New business of the year.
    pub new: i64,
    /// Customers or recurring revenue at the end of the year, the next year's start.
    pub end: i64,
}

/// Projects customers or recurring revenue over `years` with the same assumptions each year.
///
/// The model, year by year: `end = start × (1 − c + e) + new`, computed as
/// `start − round(start × c) + round(start × e) + new`. Churn and expansion apply to the year's
/// starting base only: customers won during a year are not assumed to churn or expand within it,
/// as in the churn rate's start cohort (FORMULAS.md). With [`NewBusiness::NetGrowth`], `new` is the
/// year's [`gross_new_needed`], so `end = start × (1 + g)` (rounded), or more when expansion alone
/// outgrows g.
pub fn project(
    base: i64,
    years: u32,
    churn_rate: f64,
    expansion_rate: f64,
    new_business: NewBusiness,
) -> Result<Vec<YearProjection>, GrowthError> {
    let year = YearAssumption { churn_rate, expansion_rate, new_business };
    project_years(base, &vec![year; years as usize])
}

/// Projects customers or recurring revenue with one set of assumptions per year (e.g. stages:
/// acquisition first, then expansion), by the model of [`project`].
pub fn project_years(base: i64, years: &[YearAssumption]) -> Result<Vec<YearProjection>, GrowthError> {
    if base < 0 {
        return Err(GrowthError::NegativeBase(base));
    }
    let mut start = base;
    let mut out = Vec::with_capacity(years.len());
    for (i, a) in years.iter().enumerate() {
        let s = i128::from(start);
        let churned = part(s, churn_nanos(a.churn_rate)?);
        let expansion = part(s, expansion_nanos(a.expansion_rate)?);
        let new = match a.new_business {
            NewBusiness::PerYear(n) if n < 0 => return Err(GrowthError::NegativeNewBusiness(n)),
            NewBusiness::PerYear(n) => n,
            NewBusiness::NetGrowth(g) => gross_new_needed(start, a.churn_rate, a.expansion_rate, g)?.gross_new,
        };
        let end = to_i64(s - churned + expansion + i128::from(new))?;
        out.push(YearProjection {
            year: u32::try_from(i + 1).map_err(|_| GrowthError::Overflow)?,
            start,
            churned: to_i64(churned)?,
            expansion: to_i64(expansion)?,
            new,
            end,
        });
        start = end;
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn worked_example_500_customers() {
        // FORMULAS.md: 500 customers, 7% churn, +20% net wanted -> 135 (100 for growth, 35 to replace).
        let g = gross_new_needed(500, 0.07, 0.0, 0.20).unwrap();
        assert_eq!((g.growth_part, g.churn_replacement, g.expansion_offset), (100, 35, 0));
        assert_eq!((g.computed, g.gross_new, g.reason), (135, 135, None));
    }

    #[test]
    fn revenue_with_expansion() {
        // ARR 1,000,000.00 (minor units), 10% churn, 4% expansion, +25% net: 250,000 + 100,000 − 40,000.
        let g = gross_new_needed(100_000_000, 0.10, 0.04, 0.25).unwrap();
        assert_eq!((g.growth_part, g.churn_replacement, g.expansion_offset), (25_000_000, 10_000_000, 4_000_000));
        assert_eq!(g.gross_new, 31_000_000);
    }

    #[test]
    fn expansion_outweighing_gives_zero_with_the_reason() {
        let g = gross_new_needed(1000, 0.05, 0.20, 0.10).unwrap();
        assert_eq!((g.computed, g.gross_new, g.reason), (-50, 0, Some(NoNewBusiness::ExpansionOutweighs)));
        let shrink = gross_new_needed(500, 0.07, 0.0, -0.10).unwrap();
        assert_eq!((shrink.growth_part, shrink.computed, shrink.gross_new), (-50, -15, 0));
        assert_eq!(shrink.reason, Some(NoNewBusiness::DecreaseOutweighsChurn));
        let both = gross_new_needed(500, 0.07, 0.02, -0.06).unwrap();
        assert_eq!(both.computed, -30 + 35 - 10);
        assert_eq!(both.reason, Some(NoNewBusiness::DecreaseAndExpansionOutweigh));
    }

    #[test]
    fn rounding_is_half_away_from_zero_per_part_and_parts_add_up() {
        // 250 × 7% = 17.5 → 18; 250 × 1% = 2.5 → 3; 250 × 3% = 7.5 → 8: 3 + 18 − 8 = 13, not round(12.5).
        let g = gross_new_needed(250, 0.07, 0.03, 0.01).unwrap();
        assert_eq!((g.growth_part, g.churn_replacement, g.expansion_offset, g.gross_new), (3, 18, 8, 13));
        // 0.0345 is not exact in binary; held to a billionth, 1000 × 3.45% = 34.5 → 35, not 34.
        assert_eq!(gross_new_needed(1000, 0.0345, 0.0, 0.0).unwrap().churn_replacement, 35);
        // A negative part rounds away from zero too: 250 × −1% = −2.5 → −3.
        assert_eq!(gross_new_needed(250, 0.0, 0.0, -0.01).unwrap().growth_part, -3);
    }

    #[test]
    fn invalid_inputs_name_the_value() {
        assert_eq!(gross_new_needed(-1, 0.0, 0.0, 0.0).unwrap_err(), GrowthError::NegativeBase(-1));
        for (c, e, g, name) in [
            (-0.1, 0.0, 0.0, "churn rate"),
            (1.5, 0.0, 0.0, "churn rate"),
            (f64::NAN, 0.0, 0.0, "churn rate"),
            (0.0, -0.2, 0.0, "expansion rate"),
            (0.0, 0.0, -1.5, "net growth"),
            (0.0, 0.0, f64::INFINITY, "net growth"),
            (0.0, 0.0, 1e300, "net growth"),
            (0.0, 1001.0, 0.0, "expansion rate"),
        ] {
            let err = gross_new_needed(100, c, e, g).unwrap_err();
            assert!(matches!(err, GrowthError::InvalidRate { name: n, .. } if n == name), "{err:?}");
        }
        let err = gross_new_needed(100, 1.5, 0.0, 0.0).unwrap_err().to_string();
        assert!(err.starts_with("churn rate 1.5 is not valid"), "{err}");
        assert_eq!(gross_new_needed(i64::MAX, 0.0, 0.0, 3.0).unwrap_err(), GrowthError::Overflow);
    }

    #[test]
    fn projection_with_fixed_new_business() {
        // 500 customers, 10% churn, 80 new a year: 500 − 50 + 80 = 530; 530 − 53 + 80 = 557; 557 − 56 + 80 = 581.
        let p = project(500, 3, 0.10, 0.0, NewBusiness::PerYear(80)).unwrap();
        let rows: Vec<_> = p.iter().map(|y| (y.year, y.start, y.churned, y.expansion, y.new, y.end)).collect();
        assert_eq!(rows, [(1, 500, 50, 0, 80, 530), (2, 530, 53, 0, 80, 557), (3, 557, 56, 0, 80, 581)]);
        assert!(project(500, 0, 0.1, 0.0, NewBusiness::PerYear(80)).unwrap().is_empty());
        assert_eq!(
            project(500, 1, 0.1, 0.0, NewBusiness::PerYear(-1)).unwrap_err(),
            GrowthError::NegativeNewBusiness(-1)
        );
    }

    #[test]
    fn projection_by_net_growth_and_stages() {
        // +20% a year with 7% churn: 500 → 600 → 720, new = 135 then 162 (120 + 42).
        let p = project(500, 2, 0.07, 0.0, NewBusiness::NetGrowth(0.20)).unwrap();
        assert_eq!((p[0].new, p[0].end, p[1].churned, p[1].new, p[1].end), (135, 600, 42, 162, 720));
        // Stages: acquisition (fixed new), then expansion that outgrows a +5% target (0 new, end above +5%).
        let stages = [
            YearAssumption { churn_rate: 0.1, expansion_rate: 0.0, new_business: NewBusiness::PerYear(1000) },
            YearAssumption { churn_rate: 0.05, expansion_rate: 0.15, new_business: NewBusiness::NetGrowth(0.05) },
        ];
        let p = project_years(10_000, &stages).unwrap();
        assert_eq!(p[0].end, 10_000 - 1000 + 1000);
        assert_eq!((p[1].churned, p[1].expansion, p[1].new, p[1].end), (500, 1500, 0, 11_000));
        let json = serde_json::to_value(stages[1]).unwrap();
        assert_eq!(json["new_business"], serde_json::json!({"kind": "net_growth", "value": 0.05}));
    }

    proptest! {
        #[test]
        fn parts_always_add_up(b in 0i64..1_000_000_000_000, c in 0.0f64..1.0, e in 0.0f64..0.5, g in -1.0f64..3.0) {
            let t = gross_new_needed(b, c, e, g).unwrap();
            prop_assert_eq!(t.computed, t.growth_part + t.churn_replacement - t.expansion_offset);
            prop_assert_eq!(t.gross_new, t.computed.max(0));
            prop_assert_eq!(t.reason.is_some(), t.computed < 0);
            // Each rounded part is within half a unit (plus float noise) of the real product.
            for (p, r) in [(t.growth_part, t.net_growth), (t.churn_replacement, t.churn_rate), (t.expansion_offset, t.expansion_rate)] {
                prop_assert!((p as f64 - b as f64 * r).abs() <= 0.5 + 1e-6 * (b as f64 * r).abs().max(1.0));
            }
        }

        #[test]
        fn net_growth_projection_reaches_the_growth(b in 0i64..10_000_000, c in 0.0f64..0.5, g in 0.0f64..1.0) {
            // Without expansion nothing is clamped, so each year ends at start + round(start × g).
            for y in project(b, 3, c, 0.0, NewBusiness::NetGrowth(g)).unwrap() {
                let growth = gross_new_needed(y.start, c, 0.0, g).unwrap().growth_part;
                prop_assert_eq!(y.end, y.start + growth);
                prop_assert_eq!(y.end, y.start - y.churned + y.expansion + y.new);
            }
        }
    }
}
