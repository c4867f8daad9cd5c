//! Seasonal indices per fiscal month, and their uses: phasing a target, projecting the year end,
//! seasonally adjusted actuals (FORMULAS.md, "Seasonality"; PRODUCT.md C6).
//!
//! The input is a monthly series over fiscal months: element 0 is fiscal month 1 of some fiscal
//! year, then month by month, full years or a partial last year; `None` is a month without a value.
//! Two methods, chosen by [`seasonal_indices`]:
//!
//! 1. Classical multiplicative decomposition, with ≥ 36 months, or ≥ 24 when every month has a
//!    value: CMA_t = the 2×12 centred moving average (half weights on the two ends of a 13-month
//!    window); r_t = x_t / CMA_t; raw index of fiscal month k = mean of r_t over the years where it
//!    exists; indices rescaled so the 12 average exactly 1.
//! 2. Share of year (fallback for short or sparse history): for each full fiscal year y,
//!    s_{y,k} = x_{y,k} / Σ_k x_{y,k}; index_k = 12 × mean_y s_{y,k}.
//!
//! Fewer than 24 months is an error. Phasing a target by these indices is the plan's
//! ([`crate::plan::phase`] with [`crate::plan::Phasing::Seasonal`]): one rounding rule for every
//! phasing, in integer minor units that sum to the target exactly.

use serde::{Deserialize, Serialize};

/// Months of history below which no indices are computed.
pub const MIN_MONTHS: usize = 24;
/// Months of history from which decomposition is used even with missing values, and below which
/// the indices carry a "short history" warning.
pub const FULL_MONTHS: usize = 36;

/// Why indices could not be computed; each variant names the offending value.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum SeasonalityError {
    /// Fewer than 24 months in the series.
    #[error("seasonality needs at least 24 months of history; there are {months}")]
    NotEnoughHistory {
        /// Months in the series (with or without a value).
        months: usize,
    },
    /// A negative or non-finite value: a multiplicative season needs amounts of 0 or more.
    #[error("month {position} of the series has value {value}: seasonality needs finite values of 0 or more")]
    InvalidValue {
        /// 1-based position in the series.
        position: usize,
        /// The value found.
        value: f64,
    },
    /// Neither method applies: no ratio for some fiscal month, and no full fiscal year (12 values
    /// with a positive total) for the share of year.
    #[error("no full fiscal year with 12 values and a positive total: cannot compute seasonal indices")]
    NoFullYear,
    /// A limit on the years of history under two (FORMULAS.md asks for two full years) or
    /// beyond [`MAX_HISTORY_YEARS`].
    #[error("seasonal indices learn from 2 to {MAX_HISTORY_YEARS} fiscal years of history, not {0}")]
    HistoryYears(u32),
}

/// The most fiscal years of history that seasonal indices learn from.
pub const MAX_HISTORY_YEARS: u32 = 20;

/// Checks a limit on the fiscal years of history seasonal indices learn from: 2 to
/// [`MAX_HISTORY_YEARS`].
pub fn check_history_years(years: u32) -> Result<u32, SeasonalityError> {
    if (2..=MAX_HISTORY_YEARS).contains(&years) { Ok(years) } else { Err(SeasonalityError::HistoryYears(years)) }
}

/// How indices were computed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(as = SeasonalMethod))]
#[serde(rename_all = "snake_case")]
pub enum Method {
    /// Classical multiplicative decomposition (ratio to the 2×12 centred moving average).
    Decomposition,
    /// Share of year, averaged over the full fiscal years.
    ShareOfYear,
}

/// Seasonal indices of the 12 fiscal months, averaging 1.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SeasonalIndices {
    /// Index of fiscal month 1..=12 at position 0..=11; 1.3 means a month 30% above an average month.
    pub monthly: [f64; 12],
    /// The method used.
    pub method: Method,
    /// What makes these indices less reliable (short history, missing or zero months, a fallback).
    pub warnings: Vec<SeasonalWarning>,
}

/// What makes seasonal indices less reliable; `pacer-i18n` writes it for people ("2 of 24 months
/// are zero").
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum SeasonalWarning {
    /// Fewer than [`FULL_MONTHS`] months of history: a rough guide.
    ShortHistory {
        /// Months in the series.
        months: usize,
    },
    /// Months without a value, left out.
    MissingMonths {
        /// Months without a value.
        missing: usize,
        /// Months in the series.
        months: usize,
    },
    /// Months whose value is zero.
    ZeroMonths {
        /// Months of value zero.
        zeros: usize,
        /// Months in the series.
        months: usize,
    },
    /// Months whose centred moving average is zero, left out of the decomposition.
    ZeroAverages {
        /// How many.
        count: usize,
    },
    /// A whole fiscal year of the series (1-based) left out of the share of year: a month is
    /// missing, or it totals 0.
    YearLeftOut {
        /// The year of the series, 1 first.
        year: usize,
        /// It totals 0 (else a month is missing).
        zero_total: bool,
    },
    /// Only one full fiscal year: the indices are that year's pattern.
    OneFullYear,
    /// Share of year was used instead of decomposition, for this reason.
    ShareOfYearUsed {
        /// Why.
        reason: Fallback,
    },
    /// A fiscal month's index shrunk toward an average month by the evidence behind it.
    Shrunk {
        /// Fiscal month, 1..=12.
        month: usize,
        /// Years of the series with a value for it.
        evidence: usize,
        /// Years in the series.
        years: usize,
        /// The index planned with.
        index: f64,
        /// The index found before shrinking.
        found: f64,
    },
    /// A fiscal month's index under [`LOW_INDEX`]: its target is under a quarter of an average
    /// month's.
    LowIndex {
        /// Fiscal month, 1..=12.
        month: usize,
        /// Its index.
        index: f64,
    },
}

/// Why share of year was used instead of decomposition.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(tag = "why", rename_all = "snake_case")]
pub enum Fallback {
    /// Decomposition needs [`FULL_MONTHS`] months, or [`MIN_MONTHS`] with every month present.
    ShortHistory,
    /// Decomposition found no ratio for this fiscal month (missing or zero data around it).
    NoRatio {
        /// Fiscal month, 1..=12.
        month: usize,
    },
    /// Every month with a ratio to its centred moving average is zero.
    ZeroRatios,
}

impl SeasonalIndices {
    /// Quarter indices: the mean of each fiscal quarter's three month indices.
    pub fn quarterly(&self) -> [f64; 4] {
        std::array::from_fn(|q| self.monthly[3 * q..3 * q + 3].iter().sum::<f64>() / 3.0)
    }

    /// Year-end projection after fiscal months 1..=`months_elapsed` (see [`project_year_end`]).
    pub fn project_year_end(&self, ytd_actual: f64, months_elapsed: f64) -> Option<f64> {
        project_year_end(ytd_actual, months_elapsed, &self.monthly)
    }

    /// Seasonally adjusted actual of fiscal month `fiscal_month` (1..=12): `value / index`; `None`
    /// for a month out of range, or an index under [`LOW_INDEX`]: dividing by a quarter of an
    /// average month would multiply the month by four or more, a figure the data cannot support.
    pub fn adjusted(&self, fiscal_month: usize, value: f64) -> Option<f64> {
        let index = *self.monthly.get(fiscal_month.checked_sub(1)?)?;
        (index >= LOW_INDEX).then(|| seasonally_adjusted(value, index)).flatten()
    }
}

/// Checks the length (≥ 24 months) and the values (finite, 0 or more) of a series.
fn check(series: &[Option<f64>]) -> Result<(), SeasonalityError> {
    if series.len() < MIN_MONTHS {
        return Err(SeasonalityError::NotEnoughHistory { months: series.len() });
    }
    for (i, v) in series.iter().enumerate() {
        if let Some(v) = *v
            && (!v.is_finite() || v < 0.0)
        {
            return Err(SeasonalityError::InvalidValue { position: i + 1, value: v });
        }
    }
    Ok(())
}

/// Warnings that hold whatever the method: short history, missing months, zero months.
fn data_warnings(series: &[Option<f64>]) -> Vec<SeasonalWarning> {
    let mut warnings = Vec::new();
    let n = series.len();
    if n < FULL_MONTHS {
        warnings.push(SeasonalWarning::ShortHistory { months: n });
    }
    let missing = series.iter().filter(|v| v.is_none()).count();
    if missing > 0 {
        warnings.push(SeasonalWarning::MissingMonths { missing, months: n });
    }
    let zeros = series.iter().filter(|v| **v == Some(0.0)).count();
    if zeros > 0 {
        warnings.push(SeasonalWarning::ZeroMonths { zeros, months: n });
    }
    warnings
}

/// Seasonal indices of a monthly fiscal series, by decomposition when the history allows, else by
/// share of year (FORMULAS.md).
///
/// Decomposition is used with ≥ 36 months, or ≥ 24 when every month has a value; if it leaves some
/// fiscal month without any ratio (gaps around it), or otherwise, share of year is used, with a
/// warning saying why. Errors: fewer than 24 months (naming how many), a negative or non-finite
/// value, or no method applicable.
pub fn seasonal_indices(series: &[Option<f64>]) -> Result<SeasonalIndices, SeasonalityError> {
    check(series)?;
    let complete = series.iter().all(Option::is_some);
    if series.len() >= FULL_MONTHS || complete {
        // decomposition() falls back to share of year by itself, with its reason, when it must.
        return decomposition(series);
    }
    let mut found = share_of_year(series)?;
    found.warnings.push(SeasonalWarning::ShareOfYearUsed { reason: Fallback::ShortHistory });
    Ok(found)
}

/// Classical multiplicative decomposition (method 1), whatever the amount of missing data; falls
/// back to [`share_of_year`] (with a warning) when some fiscal month gets no ratio.
pub fn decomposition(series: &[Option<f64>]) -> Result<SeasonalIndices, SeasonalityError> {
    check(series)?;
    let mut warnings = data_warnings(series);
    let mut sums = [0.0f64; 12];
    let mut counts = [0usize; 12];
    let mut zero_cma = 0;
    // The 13-month window needs 6 months either side, so the first and last 6 months get no ratio.
    for t in 6..series.len().saturating_sub(6) {
        let Some(x) = series[t] else { continue };
        let window: Option<Vec<f64>> = series[t - 6..=t + 6].iter().copied().collect();
        let Some(w) = window else { continue };
        // 2×12 MA: the mean of two 12-month means offset by one month = half weights on the ends.
        let cma = (0.5 * w[0] + w[1..12].iter().sum::<f64>() + 0.5 * w[12]) / 12.0;
        if cma == 0.0 {
            zero_cma += 1;
            continue;
        }
        sums[t % 12] += x / cma;
        counts[t % 12] += 1;
    }
    let zero_cma_warning = (zero_cma > 0).then_some(SeasonalWarning::ZeroAverages { count: zero_cma });
    // Share of year, keeping what decomposition found out and saying why it was given up.
    let fallback = |reason: Fallback| {
        let mut found = share_of_year(series)?;
        found.warnings.extend(zero_cma_warning.clone());
        found.warnings.push(SeasonalWarning::ShareOfYearUsed { reason });
        Ok(found)
    };
    if let Some(k) = counts.iter().position(|&c| c == 0) {
        return fallback(Fallback::NoRatio { month: k + 1 });
    }
    let raw: [f64; 12] = std::array::from_fn(|k| sums[k] / counts[k] as f64);
    let total: f64 = raw.iter().sum();
    // Ratios are ≥ 0; all of them 0 (every month with a ratio is 0) leaves nothing to rescale.
    if total <= 0.0 {
        return fallback(Fallback::ZeroRatios);
    }
    warnings.extend(zero_cma_warning);
    let monthly = raw.map(|r| r * 12.0 / total);
    Ok(SeasonalIndices { monthly, method: Method::Decomposition, warnings })
}

/// Share of year (method 2): for each full fiscal year (12 values, positive total) the share of
/// each month, averaged over the years and times 12. Years with a missing month or a zero total,
/// and a partial last year, are left out (with a warning for the first two).
pub fn share_of_year(series: &[Option<f64>]) -> Result<SeasonalIndices, SeasonalityError> {
    check(series)?;
    let mut warnings = data_warnings(series);
    let mut sums = [0.0f64; 12];
    let mut years = 0usize;
    for (y, chunk) in series.chunks_exact(12).enumerate() {
        let values: Option<Vec<f64>> = chunk.iter().copied().collect();
        let Some(values) = values else {
            warnings.push(SeasonalWarning::YearLeftOut { year: y + 1, zero_total: false });
            continue;
        };
        let total: f64 = values.iter().sum();
        if total <= 0.0 {
            warnings.push(SeasonalWarning::YearLeftOut { year: y + 1, zero_total: true });
            continue;
        }
        for (s, v) in sums.iter_mut().zip(&values) {
            *s += v / total;
        }
        years += 1;
    }
    if years == 0 {
        return Err(SeasonalityError::NoFullYear);
    }
    if years == 1 {
        warnings.push(SeasonalWarning::OneFullYear);
    }
    let monthly = sums.map(|s| 12.0 * s / years as f64);
    Ok(SeasonalIndices { monthly, method: Method::ShareOfYear, warnings })
}

/// Index below which a phased month gets a warning: a quarter of an average month.
pub const LOW_INDEX: f64 = 0.25;

/// Indices to plan with: [`seasonal_indices`] made robust to sparse history (docs/numbers.md,
/// "Seasonality from sparse history").
///
/// Each fiscal month's index is shrunk toward 1 by the evidence behind it: with e_k the number
/// of whole fiscal years of the series in which month k has a positive value,
/// I'_k = (e_k × I_k + 1) / (e_k + 1), as if one average year were added to what was seen; the
/// twelve are then rescaled to average exactly 1. A month seen in no year is phased as an
/// average month (never near zero because its months were empty); a month seen every year of a
/// long history keeps nearly its own index. A month whose index moves by more than 0.05 is named
/// in a warning, and so is any index still under [`LOW_INDEX`].
pub fn planning_indices(series: &[Option<f64>]) -> Result<SeasonalIndices, SeasonalityError> {
    let found = seasonal_indices(series)?;
    let evidence = evidence(series);
    let shrunk: [f64; 12] =
        std::array::from_fn(|k| (evidence[k] as f64 * found.monthly[k] + 1.0) / (evidence[k] as f64 + 1.0));
    let total: f64 = shrunk.iter().sum();
    let monthly = shrunk.map(|i| i * 12.0 / total);
    let years = series.len() / 12;
    let mut warnings = found.warnings;
    for k in 0..12 {
        if (monthly[k] - found.monthly[k]).abs() > 0.05 {
            warnings.push(SeasonalWarning::Shrunk {
                month: k + 1,
                evidence: evidence[k],
                years,
                index: monthly[k],
                found: found.monthly[k],
            });
        }
        if monthly[k] < LOW_INDEX {
            warnings.push(SeasonalWarning::LowIndex { month: k + 1, index: monthly[k] });
        }
    }
    Ok(SeasonalIndices { monthly, method: found.method, warnings })
}

/// For each fiscal month, in how many whole fiscal years of the series it has a positive value.
fn evidence(series: &[Option<f64>]) -> [usize; 12] {
    let mut seen = [0usize; 12];
    for year in series.chunks_exact(12) {
        for (k, v) in year.iter().enumerate() {
            if v.is_some_and(|v| v > 0.0) {
                seen[k] += 1;
            }
        }
    }
    seen
}

/// Year-end projection after `elapsed` periods: YTD / (Σ_{k≤n} I_k / 12) (FORMULAS.md).
///
/// Written as YTD × Σ_all I / Σ_{k≤n} I, which is the same for indices averaging 1 and also works
/// for custom weights of any scale; with even indices it is YTD × 12 / n. `elapsed` may end inside
/// a period (a year to date cut off on a day inside a month, [`crate::to_date::months_elapsed`]):
/// that period's index then counts by the share gone by, 3.5 meaning three months and half of the
/// fourth's index. `None` when nothing has elapsed, more has elapsed than there are indices, or the
/// elapsed indices add up to 0 or less.
pub fn project_year_end(ytd_actual: f64, elapsed: f64, indices: &[f64]) -> Option<f64> {
    if !(elapsed > 0.0 && elapsed <= indices.len() as f64) {
        return None;
    }
    let whole = elapsed.floor() as usize;
    let part = indices.get(whole).map_or(0.0, |i| i * (elapsed - whole as f64));
    let done: f64 = indices[..whole].iter().sum::<f64>() + part;
    let all: f64 = indices.iter().sum();
    (done > 0.0 && all.is_finite()).then(|| ytd_actual * all / done)
}

/// [`project_year_end`] for money: rounded half away from zero to a whole minor unit.
pub fn project_year_end_minor(ytd_minor: i64, elapsed: f64, indices: &[f64]) -> Option<i64> {
    project_year_end(ytd_minor as f64, elapsed, indices).map(|p| p.round() as i64)
}

/// Seasonally adjusted actual: `value / index`, what the month would be in an average season.
/// `None` when the index is 0, negative or not finite.
pub fn seasonally_adjusted(value: f64, index: f64) -> Option<f64> {
    (index > 0.0 && index.is_finite()).then(|| value / index)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// Known seasonal factors with mean 1 (they sum to 12).
    const S: [f64; 12] = [0.8, 0.85, 1.1, 0.9, 0.95, 1.2, 0.7, 0.75, 1.05, 1.0, 1.15, 1.55];

    fn some(xs: &[f64]) -> Vec<Option<f64>> {
        xs.iter().map(|&x| Some(x)).collect()
    }

    fn assert_close(got: &[f64], want: &[f64], tol: f64) {
        assert_eq!(got.len(), want.len());
        for (k, (g, w)) in got.iter().zip(want).enumerate() {
            assert!((g - w).abs() <= tol, "index {}: got {g}, want {w} (tolerance {tol})", k + 1);
        }
    }

    #[test]
    fn decomposition_recovers_a_purely_seasonal_series_exactly() {
        // x_t = 250 × S_k: every 2×12 window holds each fiscal month once (the two half-weighted
        // ends are the same month), so CMA_t = 250 × mean(S) = 250 and r_t = S_k. Only float
        // rounding separates the indices from S.
        let x: Vec<f64> = (0..48).map(|t| 250.0 * S[t % 12]).collect();
        let idx = seasonal_indices(&some(&x)).unwrap();
        assert_eq!(idx.method, Method::Decomposition);
        assert_close(&idx.monthly, &S, 1e-9);
        assert!(idx.warnings.is_empty(), "{:?}", idx.warnings);
    }

    #[test]
    fn decomposition_of_a_linear_trend_times_season_matches_an_independent_computation() {
        // x_t = (100 + t) × S_k over 48 months. The 2×12 MA passes a linear trend unchanged only
        // for an *additive* season: here CMA_t = (100 + t) + Σ_j w_j j S_{t+j} / 12, whose second
        // term does not vanish, so the indices are close to S but not equal (max error 0.0028).
        // Expected values: an independent Python implementation of FORMULAS.md (plain loops over
        // the 13-month window, mean of ratios per month, rescaled to sum 12), printed with repr().
        let want = [
            0.7996129945235987,
            0.8514762256186684,
            1.102777320347331,
            0.9020752763900957,
            0.9516112227356873,
            1.1987426891045025,
            0.6981544712670773,
            0.749145872623904,
            1.0490342793143832,
            0.9990881553540881,
            1.1496710025609738,
            1.5486104901596915,
        ];
        let x: Vec<f64> = (0..48).map(|t| (100.0 + t as f64) * S[t % 12]).collect();
        let idx = seasonal_indices(&some(&x)).unwrap();
        assert_eq!(idx.method, Method::Decomposition);
        assert_close(&idx.monthly, &want, 1e-12);
        assert_close(&idx.monthly, &S, 0.003);
    }

    #[test]
    fn decomposition_of_two_years_by_hand() {
        // 24 complete months (so decomposition, with a short-history warning). Expected values from
        // the same independent Python script: CMA_t = (x_{t-6}/2 + x_{t-5} + .. + x_{t+5} + x_{t+6}/2) / 12
        // for t = 7..18 (1-based), r_t = x_t / CMA_t, one ratio per fiscal month, rescaled to sum 12.
        let x = [
            80.0, 85.0, 110.0, 90.0, 95.0, 120.0, 70.0, 75.0, 105.0, 100.0, 115.0, 155.0, // year 1: 1200
            88.0, 92.0, 121.0, 99.0, 104.0, 132.0, 77.0, 83.0, 116.0, 110.0, 127.0, 170.0, // year 2: 1319
        ];
        let want = [
            0.839191556234043,
            0.8721432373095312,
            1.138521290231546,
            0.9239176268153645,
            0.9623548778539082,
            1.208877352356207,
            0.6983098342209151,
            0.743557314193133,
            1.033304023435455,
            0.9761015155302509,
            1.1143661573932795,
            1.4893552144263678,
        ];
        let idx = seasonal_indices(&some(&x)).unwrap();
        assert_eq!(idx.method, Method::Decomposition);
        assert_close(&idx.monthly, &want, 1e-12);
        assert!((idx.monthly.iter().sum::<f64>() - 12.0).abs() < 1e-12);
        assert_eq!(idx.warnings.len(), 1);
        assert_eq!(idx.warnings[0], SeasonalWarning::ShortHistory { months: 24 });
        // By hand, with 24 months each fiscal month has one ratio, and rescaling keeps their proportions.
        // Month 7 of year 1: CMA = (80/2 + 85 + .. + 155 + 88/2) / 12 = (40 + 1120 + 44) / 12.
        let r7 = 70.0 / ((40.0 + 1120.0 + 44.0) / 12.0);
        // Month 1 of year 2: CMA = (70/2 + 75 + .. + 155 + 88 + .. + 132 + 77/2) / 12.
        let middle = 75.0 + 105.0 + 100.0 + 115.0 + 155.0 + 88.0 + 92.0 + 121.0 + 99.0 + 104.0 + 132.0;
        let r1 = 88.0 / ((35.0 + middle + 38.5) / 12.0);
        assert!((idx.monthly[6] / idx.monthly[0] - r7 / r1).abs() < 1e-12);
    }

    #[test]
    fn share_of_year_with_two_full_years() {
        // Same data, but one missing month in a partial third year: 30 months, not all present, so
        // share of year. Year 1 totals 1200, year 2 1319: index_1 = 12 × (80/1200 + 88/1319) / 2.
        let mut x = some(&[
            80.0, 85.0, 110.0, 90.0, 95.0, 120.0, 70.0, 75.0, 105.0, 100.0, 115.0, 155.0, //
            88.0, 92.0, 121.0, 99.0, 104.0, 132.0, 77.0, 83.0, 116.0, 110.0, 127.0, 170.0, //
            90.0, 95.0, 125.0, 101.0, 108.0, 0.0,
        ]);
        x[27] = None;
        let idx = seasonal_indices(&x).unwrap();
        assert_eq!(idx.method, Method::ShareOfYear);
        assert!((idx.monthly[0] - 12.0 * (80.0 / 1200.0 + 88.0 / 1319.0) / 2.0).abs() < 1e-12);
        // The rest from the independent Python script.
        let want = [
            0.800303260045489,
            0.8434988627748293,
            1.1004169825625474,
            0.9003411675511751,
            0.9480856709628507,
            1.2004548900682335,
            0.7002653525398029,
            0.7525587566338134,
            1.052672479150872,
            1.0003790750568613,
            1.1527103866565582,
            1.5483131159969674,
        ];
        assert_close(&idx.monthly, &want, 1e-12);
        assert!((idx.monthly.iter().sum::<f64>() - 12.0).abs() < 1e-12);
        let w = &idx.warnings;
        assert!(w.contains(&SeasonalWarning::ShortHistory { months: 30 }), "{w:?}");
        assert!(w.contains(&SeasonalWarning::MissingMonths { missing: 1, months: 30 }), "{w:?}");
        assert!(w.contains(&SeasonalWarning::ZeroMonths { zeros: 1, months: 30 }), "{w:?}");
        assert!(w.contains(&SeasonalWarning::ShareOfYearUsed { reason: Fallback::ShortHistory }), "{w:?}");
        // Quarters are the mean of their months.
        let q = idx.quarterly();
        assert!((q[0] - (want[0] + want[1] + want[2]) / 3.0).abs() < 1e-15);
        assert!((q.iter().sum::<f64>() - 4.0).abs() < 1e-12);
    }

    #[test]
    fn method_choice_and_errors() {
        let full: Vec<f64> = (0..36).map(|t| 100.0 * S[t % 12]).collect();
        // 23 months: an error naming the count.
        let err = seasonal_indices(&some(&full[..23])).unwrap_err();
        assert_eq!(err, SeasonalityError::NotEnoughHistory { months: 23 });
        assert_eq!(err.to_string(), "seasonality needs at least 24 months of history; there are 23");
        // 36 months with the first month missing: still decomposition (only the window of t = 7
        // loses it, and fiscal month 7 keeps its ratio from year 2).
        let mut gappy = some(&full);
        gappy[0] = None;
        let idx = seasonal_indices(&gappy).unwrap();
        assert_eq!(idx.method, Method::Decomposition);
        assert_close(&idx.monthly, &S, 1e-9);
        assert!(idx.warnings.iter().any(|w| matches!(w, SeasonalWarning::MissingMonths { .. })), "{:?}", idx.warnings);
        // 36 months with gaps at months 15 and 27: every window from t = 9 to 30 has a gap, so most
        // fiscal months get no ratio and share of year is used, from the one full year left.
        let mut holes = some(&full);
        for t in [14, 26] {
            holes[t] = None;
        }
        let idx = seasonal_indices(&holes).unwrap();
        assert_eq!(idx.method, Method::ShareOfYear);
        assert!(
            idx.warnings
                .iter()
                .any(|w| matches!(w, SeasonalWarning::ShareOfYearUsed { reason: Fallback::NoRatio { .. } })),
            "{:?}",
            idx.warnings
        );
        assert_close(&idx.monthly, &S, 1e-9);
        // 24 months with a gap and so no full year but one: share of year from that year, warned.
        let mut short = some(&full[..24]);
        short[13] = None;
        let idx = seasonal_indices(&short).unwrap();
        assert_eq!(idx.method, Method::ShareOfYear);
        assert!(idx.warnings.contains(&SeasonalWarning::OneFullYear), "{:?}", idx.warnings);
        // No usable year at all.
        let mut none = some(&full[..24]);
        none[1] = None;
        none[13] = None;
        assert_eq!(seasonal_indices(&none).unwrap_err(), SeasonalityError::NoFullYear);
        // Negative and non-finite values are rejected with their position.
        let mut neg = some(&full);
        neg[4] = Some(-1.0);
        assert_eq!(seasonal_indices(&neg).unwrap_err(), SeasonalityError::InvalidValue { position: 5, value: -1.0 });
        // A KPI that only started in month 20: the 7 windows inside the zero months (t = 7..13) have a
        // zero average and are left out, with a warning; later years still give every month a ratio.
        let late: Vec<f64> = (0..48).map(|t| if t < 19 { 0.0 } else { 100.0 * S[t % 12] }).collect();
        let idx = seasonal_indices(&some(&late)).unwrap();
        assert_eq!(idx.method, Method::Decomposition);
        assert!(idx.warnings.contains(&SeasonalWarning::ZeroAverages { count: 7 }));
        assert!(idx.warnings.contains(&SeasonalWarning::ZeroMonths { zeros: 19, months: 48 }), "{:?}", idx.warnings);
        // All zero: centred averages are zero and no year has a positive total.
        let zero = some(&[0.0; 36]);
        assert_eq!(seasonal_indices(&zero).unwrap_err(), SeasonalityError::NoFullYear);
    }

    /// The demo's April: empty in both years of history, share of year gives it 0; planning
    /// phases it as an average month instead, and says so.
    #[test]
    fn months_seen_in_no_year_are_phased_as_average_months() {
        let mut x: Vec<f64> =
            (0..24).map(|t| [10.0, 12.0, 14.0, 9.0, 11.0, 13.0, 8.0, 10.0, 12.0, 15.0, 9.0, 17.0][t % 12]).collect();
        x[2] = 0.0;
        x[14] = 0.0;
        let raw = seasonal_indices(&some(&x)).unwrap();
        assert_eq!(raw.monthly[2], 0.0);
        let planned = planning_indices(&some(&x)).unwrap();
        assert!((planned.monthly.iter().sum::<f64>() - 12.0).abs() < 1e-12);
        // e = 0: (0 × 0 + 1) / 1 = 1, then rescaled with the others ((2 I + 1) / 3 each).
        let shrunk: Vec<f64> = (0..12).map(|k| if k == 2 { 1.0 } else { (2.0 * raw.monthly[k] + 1.0) / 3.0 }).collect();
        let total: f64 = shrunk.iter().sum();
        assert_close(&planned.monthly, &shrunk.iter().map(|i| i * 12.0 / total).collect::<Vec<_>>(), 1e-12);
        assert!(planned.monthly[2] > 0.9, "{:?}", planned.monthly);
        assert!(
            planned
                .warnings
                .iter()
                .any(|w| matches!(w, SeasonalWarning::Shrunk { month: 3, evidence: 0, years: 2, .. })),
            "{:?}",
            planned.warnings
        );
        // Ten steady years: the indices barely move.
        let long: Vec<f64> =
            (0..120).map(|t| [10.0, 12.0, 14.0, 9.0, 11.0, 13.0, 8.0, 10.0, 12.0, 15.0, 9.0, 17.0][t % 12]).collect();
        let (raw, planned) = (seasonal_indices(&some(&long)).unwrap(), planning_indices(&some(&long)).unwrap());
        for k in 0..12 {
            assert!(
                (raw.monthly[k] - planned.monthly[k]).abs() < 0.05,
                "month {}: {} {}",
                k + 1,
                raw.monthly[k],
                planned.monthly[k]
            );
        }
        assert!(
            !planned
                .warnings
                .iter()
                .any(|w| matches!(w, SeasonalWarning::Shrunk { .. } | SeasonalWarning::LowIndex { .. })),
            "{:?}",
            planned.warnings
        );
    }

    #[test]
    fn year_end_projection() {
        // Even indices: YTD × 12 / n.
        let even = [1.0; 12];
        assert_eq!(project_year_end(300.0, 3.0, &even), Some(1200.0));
        assert_eq!(project_year_end(300.0, 12.0, &even), Some(300.0));
        assert_eq!(project_year_end_minor(1_000, 7.0, &even), Some(1714)); // 1714.28
        assert_eq!(project_year_end(300.0, 0.0, &even), None);
        assert_eq!(project_year_end(300.0, 13.0, &even), None);
        // Seasonal: after Q1 of S (0.8 + 0.85 + 1.1 = 2.75), 275 is exactly on a 1200 pace.
        let idx = SeasonalIndices { monthly: S, method: Method::Decomposition, warnings: vec![] };
        let p = idx.project_year_end(275.0, 3.0).unwrap();
        assert!((p - 1200.0).abs() < 1e-9, "{p}");
        // A dead season elapsed gives no projection rather than a division by zero.
        let mut dead = [1.0; 12];
        dead[0] = 0.0;
        assert_eq!(project_year_end(0.0, 1.0, &dead), None);
        // Cut off halfway through month 4: Q1 and half of its index (0.9 / 2), so
        // 275 + 45 = 320 after 3.5 months of S is again a 1200 pace.
        let p = idx.project_year_end(320.0, 3.5).unwrap();
        assert!((p - 1200.0).abs() < 1e-9, "{p}");
        // Half a month of even phasing: YTD × 12 / 0.5.
        assert_eq!(project_year_end(10.0, 0.5, &even), Some(240.0));
    }

    #[test]
    fn seasonally_adjusted_actual() {
        let idx = SeasonalIndices { monthly: S, method: Method::Decomposition, warnings: vec![] };
        assert!((idx.adjusted(12, 155.0).unwrap() - 100.0).abs() < 1e-12); // 155 / 1.55
        assert!((idx.adjusted(1, 80.0).unwrap() - 100.0).abs() < 1e-12);
        assert_eq!(idx.adjusted(0, 1.0), None);
        assert_eq!(idx.adjusted(13, 1.0), None);
        assert_eq!(seasonally_adjusted(5.0, 0.0), None);
        // An index under a quarter of an average month adjusts nothing: 10 / 0.2 would read 50.
        let mut low = idx.clone();
        low.monthly[3] = 0.2;
        assert_eq!(low.adjusted(4, 10.0), None);
        low.monthly[3] = LOW_INDEX;
        assert_eq!(low.adjusted(4, 10.0), Some(40.0));
    }

    #[test]
    fn history_years_limit() {
        assert_eq!(check_history_years(2), Ok(2));
        assert_eq!(check_history_years(MAX_HISTORY_YEARS), Ok(MAX_HISTORY_YEARS));
        assert_eq!(check_history_years(1), Err(SeasonalityError::HistoryYears(1)));
        assert_eq!(check_history_years(21), Err(SeasonalityError::HistoryYears(21)));
        assert_eq!(
            check_history_years(0).unwrap_err().to_string(),
            "seasonal indices learn from 2 to 20 fiscal years of history, not 0"
        );
    }

    #[test]
    fn serializes() {
        let idx = SeasonalIndices {
            monthly: [1.0; 12],
            method: Method::ShareOfYear,
            warnings: vec![SeasonalWarning::OneFullYear],
        };
        let json = serde_json::to_value(&idx).unwrap();
        assert_eq!(json["method"], "share_of_year");
        assert_eq!(json["warnings"][0]["kind"], "one_full_year");
        assert_eq!(json["monthly"].as_array().unwrap().len(), 12);
        assert_eq!(serde_json::to_value(Method::Decomposition).unwrap(), "decomposition");
    }

    proptest! {
        #[test]
        /// Planning indices average 1, and a month seen in no year is never phased under half an
        /// average month, whatever the other months hold.
        #[test]
        fn planning_indices_average_one_and_keep_unseen_months_up(
            x in prop::collection::vec(prop_oneof![Just(0.0f64), 0.0f64..1000.0], 24..72),
        ) {
            if let Ok(idx) = planning_indices(&some(&x)) {
                prop_assert!((idx.monthly.iter().sum::<f64>() - 12.0).abs() < 1e-9);
                let seen = evidence(&some(&x));
                for (k, (index, seen)) in idx.monthly.iter().zip(seen).enumerate() {
                    prop_assert!(*index >= 0.0);
                    if seen == 0 {
                        prop_assert!(*index >= 0.5, "month {} unseen: {}", k + 1, index);
                    }
                }
            }
        }

        #[test]
        fn indices_average_one(x in prop::collection::vec(1.0f64..1000.0, 24..60)) {
            let idx = seasonal_indices(&some(&x)).unwrap();
            prop_assert_eq!(idx.method, Method::Decomposition);
            prop_assert!((idx.monthly.iter().sum::<f64>() - 12.0).abs() < 1e-9);
            prop_assert!(idx.monthly.iter().all(|&i| i > 0.0));
            let share = share_of_year(&some(&x)).unwrap();
            prop_assert!((share.monthly.iter().sum::<f64>() - 12.0).abs() < 1e-9);
        }
    }
}
