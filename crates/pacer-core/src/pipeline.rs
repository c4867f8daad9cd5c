//! The sales pipeline (PRODUCT.md C4): configurable stages with a win probability and a forecast
//! category, the weighted pipeline, forecast categories and pipeline coverage.
//!
//! A deal's standing comes from its status first: won deals are [`ForecastCategory::Closed`] at
//! 100%, lost deals are left out of every figure, and only open deals are placed by their stage.
//! An open deal whose stage the configuration does not list is never guessed at: it is reported as
//! an [`UnknownStage`] so that the caller can show it.

use crate::org::RepId;
use crate::records::{DealRecord, DealStatus};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use std::collections::HashSet;
use std::fmt;
use std::ops::RangeInclusive;
use std::str::FromStr;

/// Where a deal counts in a sales forecast, from least to most certain.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum ForecastCategory {
    /// Open and early: may close in the period, nobody would bet on it.
    Pipeline,
    /// Open and could close in the period if things go well.
    BestCase,
    /// Open and the rep is confident it closes in the period.
    Commit,
    /// Won.
    Closed,
}

impl ForecastCategory {
    /// Every category, from least to most certain.
    pub const ALL: [ForecastCategory; 4] =
        [ForecastCategory::Pipeline, ForecastCategory::BestCase, ForecastCategory::Commit, ForecastCategory::Closed];

    /// The stored form: `pipeline`, `best_case`, `commit`, `closed`.
    pub fn as_str(&self) -> &'static str {
        match self {
            ForecastCategory::Pipeline => "pipeline",
            ForecastCategory::BestCase => "best_case",
            ForecastCategory::Commit => "commit",
            ForecastCategory::Closed => "closed",
        }
    }
}

impl fmt::Display for ForecastCategory {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A forecast category name that is not one of the four.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown forecast category {0:?}: use pipeline, best_case, commit or closed")]
pub struct UnknownCategory(pub String);

impl FromStr for ForecastCategory {
    type Err = UnknownCategory;

    /// Parses the stored form, ignoring case and accepting `best case` and `best-case` too.
    fn from_str(s: &str) -> Result<Self, UnknownCategory> {
        let key = s.trim().to_ascii_lowercase().replace([' ', '-'], "_");
        ForecastCategory::ALL.into_iter().find(|c| c.as_str() == key).ok_or_else(|| UnknownCategory(s.to_owned()))
    }
}

/// One stage of the sales process.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Stage {
    /// Name as deals carry it (matched ignoring case and surrounding spaces).
    pub name: String,
    /// Chance to win a deal in this stage, in whole percent (0..=100).
    pub probability_percent: u8,
    /// Forecast category of the open deals in this stage (never [`ForecastCategory::Closed`]).
    pub category: ForecastCategory,
}

/// Why a stage configuration was rejected; each variant names the offending stage or value.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum StageConfigError {
    /// The text is not valid TOML or not of the expected shape (the message says where).
    #[error("the stage configuration cannot be read: {0}")]
    Toml(String),
    /// No stage at all.
    #[error("the stage configuration lists no stage: add [[stage]] tables with name, probability and category")]
    NoStages,
    /// A stage without a name.
    #[error("stage {position} has no name")]
    EmptyName {
        /// 1-based position in the configuration.
        position: usize,
    },
    /// Two stages with the same name, ignoring case.
    #[error("stage {name:?} is listed twice (names are compared ignoring case)")]
    DuplicateStage {
        /// The second occurrence, as written.
        name: String,
    },
    /// A probability that is not a whole percent from 0 to 100.
    #[error("stage {stage:?}: probability {value} is not valid: use a whole percent from 0 to 100")]
    InvalidProbability {
        /// The stage.
        stage: String,
        /// The value as written.
        value: String,
    },
    /// A category that is not one of pipeline, best_case, commit.
    #[error("stage {stage:?}: unknown forecast category {value:?}: use pipeline, best_case or commit")]
    UnknownCategory {
        /// The stage.
        stage: String,
        /// The value as written.
        value: String,
    },
    /// The closed category given to an open stage.
    #[error(
        "stage {stage:?}: category closed is for won deals, which it takes from their status: \
         give an open stage pipeline, best_case or commit"
    )]
    ClosedCategory {
        /// The stage.
        stage: String,
    },
}

/// The stages of the sales process, in funnel order, each with its probability and category.
///
/// Only open stages are listed: "Closed Won" and "Closed Lost" need no entry, since a deal's
/// status says whether it is won or lost. Built by [`StageConfig::new`] or
/// [`StageConfig::from_toml`], which check that names are unique (ignoring case), probabilities are
/// whole percents up to 100 and no open stage is `closed`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "Vec<Stage>", into = "Vec<Stage>")]
pub struct StageConfig {
    stages: Vec<Stage>,
}

impl TryFrom<Vec<Stage>> for StageConfig {
    type Error = StageConfigError;
    fn try_from(stages: Vec<Stage>) -> Result<Self, StageConfigError> {
        Self::new(stages)
    }
}

impl From<StageConfig> for Vec<Stage> {
    fn from(config: StageConfig) -> Self {
        config.stages
    }
}

/// Stage names are compared trimmed and case-insensitively ("negotiation " is "Negotiation").
fn stage_key(name: &str) -> String {
    name.trim().to_lowercase()
}

/// The TOML shape: `[[stage]]` tables. Probability and category are read loosely so that a wrong
/// value gets a sentence naming its stage, not a serde type error.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawConfig {
    #[serde(default)]
    stage: Vec<RawStage>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawStage {
    name: String,
    probability: toml::Value,
    category: String,
}

#[derive(Serialize)]
struct OutConfig<'a> {
    stage: Vec<OutStage<'a>>,
}

#[derive(Serialize)]
struct OutStage<'a> {
    name: &'a str,
    probability: u8,
    category: &'static str,
}

impl StageConfig {
    /// Checks and wraps `stages` (in funnel order).
    pub fn new(stages: Vec<Stage>) -> Result<Self, StageConfigError> {
        if stages.is_empty() {
            return Err(StageConfigError::NoStages);
        }
        let mut seen = HashSet::new();
        for (i, stage) in stages.iter().enumerate() {
            if stage.name.trim().is_empty() {
                return Err(StageConfigError::EmptyName { position: i + 1 });
            }
            if !seen.insert(stage_key(&stage.name)) {
                return Err(StageConfigError::DuplicateStage { name: stage.name.clone() });
            }
            if stage.probability_percent > 100 {
                return Err(StageConfigError::InvalidProbability {
                    stage: stage.name.clone(),
                    value: stage.probability_percent.to_string(),
                });
            }
            if stage.category == ForecastCategory::Closed {
                return Err(StageConfigError::ClosedCategory { stage: stage.name.clone() });
            }
        }
        Ok(Self { stages })
    }

    /// Parses the TOML form:
    ///
    /// ```toml
    /// [[stage]]
    /// name = "Discovery"
    /// probability = 20      # whole percent, 0..=100
    /// category = "pipeline" # pipeline, best_case or commit
    /// ```
    pub fn from_toml(text: &str) -> Result<Self, StageConfigError> {
        let raw: RawConfig = toml::from_str(text).map_err(|e| StageConfigError::Toml(e.to_string()))?;
        let mut stages = Vec::with_capacity(raw.stage.len());
        for (i, s) in raw.stage.into_iter().enumerate() {
            if s.name.trim().is_empty() {
                return Err(StageConfigError::EmptyName { position: i + 1 });
            }
            let probability_percent = match &s.probability {
                toml::Value::Integer(p) => u8::try_from(*p).ok().filter(|p| *p <= 100),
                _ => None,
            }
            .ok_or_else(|| StageConfigError::InvalidProbability {
                stage: s.name.clone(),
                value: s.probability.to_string(),
            })?;
            let category = s
                .category
                .parse::<ForecastCategory>()
                .map_err(|_| StageConfigError::UnknownCategory { stage: s.name.clone(), value: s.category.clone() })?;
            stages.push(Stage { name: s.name, probability_percent, category });
        }
        Self::new(stages)
    }

    /// Writes the TOML form read by [`StageConfig::from_toml`].
    pub fn to_toml(&self) -> String {
        let out = OutConfig {
            stage: self
                .stages
                .iter()
                .map(|s| OutStage { name: &s.name, probability: s.probability_percent, category: s.category.as_str() })
                .collect(),
        };
        // Strings, integers and arrays of tables always serialise.
        toml::to_string(&out).unwrap_or_default()
    }

    /// The stages, in funnel order.
    pub fn stages(&self) -> &[Stage] {
        &self.stages
    }

    /// The stage called `name`, ignoring case and surrounding spaces.
    pub fn stage(&self, name: &str) -> Option<&Stage> {
        self.position(name).map(|at| &self.stages[at])
    }

    /// Position in funnel order of the stage called `name`, ignoring case and surrounding spaces.
    fn position(&self, name: &str) -> Option<usize> {
        let key = stage_key(name);
        self.stages.iter().position(|s| stage_key(&s.name) == key)
    }

    /// Where a deal with this status and stage counts (see [`DealStanding`]).
    pub fn standing(&self, status: DealStatus, stage: &str) -> DealStanding<'_> {
        match status {
            DealStatus::Won => DealStanding::Won,
            DealStatus::Lost => DealStanding::Lost,
            DealStatus::Open => self.stage(stage).map_or(DealStanding::UnknownStage, DealStanding::Open),
        }
    }
}

impl Default for StageConfig {
    /// A common B2B process, covering the stages of the demo data: Prospecting 10% and Discovery
    /// 20% (pipeline), Qualification 40% and Proposal 60% (best case), Negotiation 80% (commit).
    fn default() -> Self {
        let stage =
            |name: &str, probability_percent, category| Stage { name: name.into(), probability_percent, category };
        Self {
            stages: vec![
                stage("Prospecting", 10, ForecastCategory::Pipeline),
                stage("Discovery", 20, ForecastCategory::Pipeline),
                stage("Qualification", 40, ForecastCategory::BestCase),
                stage("Proposal", 60, ForecastCategory::BestCase),
                stage("Negotiation", 80, ForecastCategory::Commit),
            ],
        }
    }
}

/// Where one deal counts, by [`StageConfig::standing`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DealStanding<'a> {
    /// Open in a configured stage: its category and probability apply.
    Open(&'a Stage),
    /// Won: [`ForecastCategory::Closed`], counted at 100%.
    Won,
    /// Lost: left out of every pipeline figure.
    Lost,
    /// Open in a stage the configuration does not list: reported, not counted.
    UnknownStage,
}

/// The weighted value of a deal: `amount × probability / 100`, in exact integer arithmetic,
/// rounded half away from zero to a whole minor unit (half up for the usual positive amounts).
pub fn weighted_minor(amount_minor: i64, probability_percent: u8) -> i64 {
    let p = i128::from(probability_percent.min(100));
    let abs = (i128::from(amount_minor).abs() * p + 50) / 100;
    // |result| ≤ |amount| because p ≤ 100, so it fits in an i64.
    let signed = if amount_minor < 0 { -abs } else { abs };
    i64::try_from(signed).unwrap_or(amount_minor)
}

/// An open deal whose stage the configuration does not list, left out of the summary.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct UnknownStage {
    /// The deal.
    pub deal_id: i64,
    /// Its owner.
    pub rep_id: RepId,
    /// The stage as the deal carries it.
    pub stage: String,
    /// Its amount in minor units.
    pub amount_minor: i64,
}

impl fmt::Display for UnknownStage {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "deal {} is open in stage {:?}, which the stage configuration does not list: it is left out of the pipeline",
            self.deal_id, self.stage
        )
    }
}

/// Deals, amounts and weighted amounts of one stage.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct StageLine {
    /// Stage name as configured.
    pub stage: String,
    /// Its probability in percent.
    pub probability_percent: u8,
    /// Its forecast category.
    pub category: ForecastCategory,
    /// Open deals in the stage.
    pub count: usize,
    /// Their amount in minor units.
    pub amount_minor: i64,
    /// Their weighted amount (each deal weighted and rounded, then summed).
    pub weighted_minor: i64,
}

/// Deals and amounts of one forecast category, counted on their own (not cumulative).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CategoryLine {
    /// The category.
    pub category: ForecastCategory,
    /// Deals in it.
    pub count: usize,
    /// Their amount in minor units.
    pub amount_minor: i64,
    /// Their weighted amount (won deals count at 100%).
    pub weighted_minor: i64,
}

/// The pipeline of a set of deals whose close date falls in a window (PRODUCT.md C4).
///
/// **Convention.** Each deal counts in exactly one category: [`CategoryLine`]s are *exclusive* and
/// add up to `open_minor + won_minor`. CRMs report forecasts *cumulatively* from the most certain
/// end, and so do `commit_forecast_minor` = closed + commit and `best_case_forecast_minor` =
/// closed + commit + best case; "pipeline" stays the open pipeline category on its own.
/// Lost deals and open deals in an unknown stage are in no figure; the latter are listed in
/// `unknown_stages`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PipelineSummary {
    /// First close day of the window.
    pub from: NaiveDate,
    /// Last close day of the window (inclusive).
    pub to: NaiveDate,
    /// Open deals in a configured stage.
    pub open_count: usize,
    /// Their amount: the open pipeline, in minor units.
    pub open_minor: i64,
    /// The weighted pipeline: Σ over open deals of amount × probability (each rounded).
    pub weighted_minor: i64,
    /// Won deals.
    pub won_count: usize,
    /// Their amount: closed won, in minor units.
    pub won_minor: i64,
    /// Pipeline, best case, commit and closed, in that order, each on its own.
    pub categories: Vec<CategoryLine>,
    /// Closed + commit: what the team calls its forecast.
    pub commit_forecast_minor: i64,
    /// Closed + commit + best case: the upside.
    pub best_case_forecast_minor: i64,
    /// One line per configured stage, in funnel order, empty stages included.
    pub stages: Vec<StageLine>,
    /// Open deals in a stage the configuration does not list.
    pub unknown_stages: Vec<UnknownStage>,
}

impl PipelineSummary {
    /// The line of `category`.
    pub fn category(&self, category: ForecastCategory) -> &CategoryLine {
        // `categories` holds the four categories in the order of ForecastCategory::ALL.
        &self.categories[category as usize]
    }
}

/// A sum beyond the range of i64 minor units.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("the deal amounts add up beyond the range of a money amount")]
pub struct PipelineTooLarge;

/// Running totals in i128, so that no partial sum can overflow; checked once at the end.
#[derive(Default, Clone, Copy)]
struct Tally {
    count: usize,
    amount: i128,
    weighted: i128,
}

impl Tally {
    fn add(&mut self, amount: i64, weighted: i64) {
        self.count += 1;
        self.amount += i128::from(amount);
        self.weighted += i128::from(weighted);
    }
}

fn fit(v: i128) -> Result<i64, PipelineTooLarge> {
    i64::try_from(v).map_err(|_| PipelineTooLarge)
}

/// Summarises the deals whose close date is in `window` (both ends included); see
/// [`PipelineSummary`] for what counts where. Filter the deals by rep or team before calling.
///
/// The only error is a total beyond the range of i64 minor units.
pub fn summarize<'a>(
    deals: impl IntoIterator<Item = &'a DealRecord>,
    config: &StageConfig,
    window: RangeInclusive<NaiveDate>,
) -> Result<PipelineSummary, PipelineTooLarge> {
    let mut stages = vec![Tally::default(); config.stages.len()];
    let mut categories = [Tally::default(); 4];
    let mut open = Tally::default();
    let mut won = Tally::default();
    let mut unknown_stages = Vec::new();
    for deal in deals.into_iter().filter(|d| window.contains(&d.close_date)) {
        match (deal.status, config.position(&deal.stage)) {
            (DealStatus::Open, Some(at)) => {
                let stage = &config.stages[at];
                let weighted = weighted_minor(deal.amount_minor, stage.probability_percent);
                stages[at].add(deal.amount_minor, weighted);
                categories[stage.category as usize].add(deal.amount_minor, weighted);
                open.add(deal.amount_minor, weighted);
            }
            (DealStatus::Open, None) => unknown_stages.push(UnknownStage {
                deal_id: deal.id,
                rep_id: deal.rep_id,
                stage: deal.stage.clone(),
                amount_minor: deal.amount_minor,
            }),
            (DealStatus::Won, _) => {
                categories[ForecastCategory::Closed as usize].add(deal.amount_minor, deal.amount_minor);
                won.add(deal.amount_minor, deal.amount_minor);
            }
            (DealStatus::Lost, _) => {}
        }
    }
    let amount = |c: ForecastCategory| categories[c as usize].amount;
    let commit = amount(ForecastCategory::Closed) + amount(ForecastCategory::Commit);
    let best_case = commit + amount(ForecastCategory::BestCase);
    Ok(PipelineSummary {
        from: *window.start(),
        to: *window.end(),
        open_count: open.count,
        open_minor: fit(open.amount)?,
        weighted_minor: fit(open.weighted)?,
        won_count: won.count,
        won_minor: fit(won.amount)?,
        categories: ForecastCategory::ALL
            .into_iter()
            .map(|category| {
                let t = categories[category as usize];
                Ok(CategoryLine {
                    category,
                    count: t.count,
                    amount_minor: fit(t.amount)?,
                    weighted_minor: fit(t.weighted)?,
                })
            })
            .collect::<Result<_, _>>()?,
        commit_forecast_minor: fit(commit)?,
        best_case_forecast_minor: fit(best_case)?,
        stages: config
            .stages
            .iter()
            .zip(&stages)
            .map(|(s, t)| {
                Ok(StageLine {
                    stage: s.name.clone(),
                    probability_percent: s.probability_percent,
                    category: s.category,
                    count: t.count,
                    amount_minor: fit(t.amount)?,
                    weighted_minor: fit(t.weighted)?,
                })
            })
            .collect::<Result<_, _>>()?,
        unknown_stages,
    })
}

/// Pipeline coverage at which a quota is usually considered safe: 3× the quota still to reach.
pub const HEALTHY_COVERAGE: f64 = 3.0;

/// Pipeline coverage of a quota: the open pipeline over the quota still to reach.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(as = PipelineCoverage))]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Coverage {
    /// `open_pipeline / (quota − closed_won)`.
    Ratio {
        /// The coverage: 3.0 means three times the quota still to reach.
        ratio: f64,
        /// Quota still to reach, in minor units (> 0).
        remaining_minor: i64,
    },
    /// Closed won has reached the quota: nothing is left to cover.
    QuotaReached {
        /// How far closed won exceeds the quota, in minor units (0 when exactly reached).
        over_minor: i64,
    },
    /// No quota (0 or less) for the rep, team or period: coverage has no meaning.
    NoQuota,
}

impl Coverage {
    /// The ratio, when there is one.
    pub fn ratio(&self) -> Option<f64> {
        match self {
            Coverage::Ratio { ratio, .. } => Some(*ratio),
            _ => None,
        }
    }
}

/// Pipeline coverage = open pipeline / (quota − closed won), amounts in minor units of one
/// period, rep or team (PRODUCT.md C4).
///
/// The usual reading: about 3× ([`HEALTHY_COVERAGE`]) is healthy, since only a third or so of open
/// pipeline tends to close; well under 2× means the quota is at risk unless more pipeline is made.
/// Use the unweighted open amount of the deals closing in the period. A quota already reached gives
/// [`Coverage::QuotaReached`] and a missing quota [`Coverage::NoQuota`], never a division by zero
/// or an infinity.
pub fn coverage(open_pipeline: i64, quota: i64, closed_won: i64) -> Coverage {
    if quota <= 0 {
        return Coverage::NoQuota;
    }
    let remaining = i128::from(quota) - i128::from(closed_won);
    if remaining <= 0 {
        return Coverage::QuotaReached { over_minor: i64::try_from(-remaining).unwrap_or(i64::MAX) };
    }
    Coverage::Ratio {
        ratio: open_pipeline as f64 / remaining as f64,
        remaining_minor: i64::try_from(remaining).unwrap_or(i64::MAX),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::records::DealKind;
    use crate::testing::{self, day};
    use proptest::prelude::*;

    /// A new deal of rep 7 in `stage`, created at the start of 2026.
    fn deal(id: i64, status: DealStatus, stage: &str, amount_minor: i64, close: &str) -> DealRecord {
        DealRecord {
            account_id: 100 + id,
            stage: stage.into(),
            created_on: day("2026-01-01"),
            ..testing::deal(id, 7, DealKind::New, status, amount_minor, day(close))
        }
    }

    #[test]
    fn categories_parse_and_print() {
        for c in ForecastCategory::ALL {
            assert_eq!(c.as_str().parse::<ForecastCategory>(), Ok(c));
            assert_eq!(serde_json::to_string(&c).unwrap(), format!("\"{}\"", c.as_str()));
        }
        assert_eq!("Best Case".parse(), Ok(ForecastCategory::BestCase));
        assert_eq!("best-case".parse(), Ok(ForecastCategory::BestCase));
        assert_eq!(" COMMIT ".parse(), Ok(ForecastCategory::Commit));
        let err = "upside".parse::<ForecastCategory>().unwrap_err();
        assert_eq!(err.to_string(), "unknown forecast category \"upside\": use pipeline, best_case, commit or closed");
    }

    #[test]
    fn weighting_rounds_half_away_from_zero_in_integers() {
        for (amount, pct, want) in [
            (100_000, 40, 40_000),
            (1, 50, 1),   // 0.5 → 1
            (1, 49, 0),   // 0.49 → 0
            (3, 50, 2),   // 1.5 → 2
            (5, 10, 1),   // 0.5 → 1
            (4, 10, 0),   // 0.4 → 0
            (-3, 50, -2), // −1.5 → −2
            (12_345, 0, 0),
            (12_345, 100, 12_345),
            (i64::MAX, 100, i64::MAX),
            (i64::MAX, 99, 9_131_138_316_486_228_049), // exact: (2^63 − 1) × 99 / 100 = …048.93
            (i64::MIN, 100, i64::MIN),
        ] {
            assert_eq!(weighted_minor(amount, pct), want, "{amount} × {pct}%");
        }
    }

    #[test]
    fn default_stages_cover_the_demo_data_and_round_trip() {
        let config = StageConfig::default();
        assert_eq!(StageConfig::new(config.stages().to_vec()), Ok(config.clone()));
        // The stages crates/pacer-demo gives open deals.
        for name in ["Discovery", "Qualification", "Proposal", "Negotiation"] {
            assert!(config.stage(name).is_some(), "{name}");
        }
        let text = config.to_toml();
        assert!(
            text.starts_with("[[stage]]\nname = \"Prospecting\"\nprobability = 10\ncategory = \"pipeline\"\n"),
            "{text}"
        );
        assert_eq!(StageConfig::from_toml(&text), Ok(config));
    }

    #[test]
    fn stage_lookup_ignores_case_and_spaces() {
        let config = StageConfig::default();
        assert_eq!(config.stage(" negotiation ").map(|s| s.probability_percent), Some(80));
        assert_eq!(config.stage("PROPOSAL").map(|s| s.category), Some(ForecastCategory::BestCase));
        assert_eq!(config.stage("Demo"), None);
        assert_eq!(config.standing(DealStatus::Open, "Demo"), DealStanding::UnknownStage);
        // Won and lost deals are placed by their status, whatever their stage says.
        assert_eq!(config.standing(DealStatus::Won, "Closed Won"), DealStanding::Won);
        assert_eq!(config.standing(DealStatus::Lost, "Negotiation"), DealStanding::Lost);
    }

    #[test]
    fn stage_configuration_errors() {
        let check = |text: &str| StageConfig::from_toml(text).unwrap_err().to_string();
        let stage =
            |name: &str, p: &str, c: &str| format!("[[stage]]\nname = {name:?}\nprobability = {p}\ncategory = {c:?}\n");
        let ok = stage("Discovery", "20", "pipeline");
        assert_eq!(
            check(&format!("{ok}{}", stage("discovery", "30", "commit"))),
            "stage \"discovery\" is listed twice (names are compared ignoring case)"
        );
        assert_eq!(
            check(&stage("Proposal", "120", "commit")),
            "stage \"Proposal\": probability 120 is not valid: use a whole percent from 0 to 100"
        );
        assert_eq!(
            check(&stage("Proposal", "-5", "commit")),
            "stage \"Proposal\": probability -5 is not valid: use a whole percent from 0 to 100"
        );
        assert_eq!(
            check(&stage("Proposal", "0.6", "commit")),
            "stage \"Proposal\": probability 0.6 is not valid: use a whole percent from 0 to 100"
        );
        assert_eq!(
            check(&stage("Proposal", "60", "upside")),
            "stage \"Proposal\": unknown forecast category \"upside\": use pipeline, best_case or commit"
        );
        assert!(
            check(&stage("Closed Won", "100", "closed"))
                .starts_with("stage \"Closed Won\": category closed is for won deals")
        );
        assert_eq!(check(&stage(" ", "10", "pipeline")), "stage 1 has no name");
        assert_eq!(StageConfig::from_toml(""), Err(StageConfigError::NoStages));
        let unknown_key = check(&format!("{ok}weight = 3\n"));
        assert!(unknown_key.starts_with("the stage configuration cannot be read: "), "{unknown_key}");
        assert!(unknown_key.contains("weight"), "{unknown_key}");
        // The same checks apply to stages built in code.
        let s = Stage { name: "A".into(), probability_percent: 101, category: ForecastCategory::Pipeline };
        assert!(matches!(StageConfig::new(vec![s]), Err(StageConfigError::InvalidProbability { .. })));
    }

    #[test]
    fn summary_of_a_small_book() {
        let config = StageConfig::default();
        let deals = [
            deal(1, DealStatus::Open, "Discovery", 100_000, "2026-04-10"), // 20%: 20,000
            deal(2, DealStatus::Open, "proposal", 50_005, "2026-05-01"),   // 60%: 30,003
            deal(3, DealStatus::Open, "Negotiation", 80_001, "2026-06-30"), // 80%: 64,000.8 → 64,001
            deal(4, DealStatus::Won, "Closed Won", 70_000, "2026-04-20"),
            deal(5, DealStatus::Lost, "Closed Lost", 999_999, "2026-05-20"),
            deal(6, DealStatus::Open, "Demo", 12_000, "2026-05-05"), // unknown stage
            deal(7, DealStatus::Open, "Negotiation", 40_000, "2026-07-01"), // after the window
            deal(8, DealStatus::Won, "Closed Won", 30_000, "2026-03-31"), // before the window
            deal(9, DealStatus::Open, "Qualification", 25_000, "2026-06-15"), // 40%: 10,000
        ];
        let s = summarize(&deals, &config, day("2026-04-01")..=day("2026-06-30")).unwrap();
        assert_eq!((s.open_count, s.open_minor), (4, 255_006));
        assert_eq!(s.weighted_minor, 20_000 + 30_003 + 64_001 + 10_000);
        assert_eq!((s.won_count, s.won_minor), (1, 70_000));
        let line = |c| {
            let l = s.category(c);
            (l.count, l.amount_minor, l.weighted_minor)
        };
        assert_eq!(line(ForecastCategory::Pipeline), (1, 100_000, 20_000));
        assert_eq!(line(ForecastCategory::BestCase), (2, 75_005, 40_003));
        assert_eq!(line(ForecastCategory::Commit), (1, 80_001, 64_001));
        assert_eq!(line(ForecastCategory::Closed), (1, 70_000, 70_000));
        assert_eq!(s.commit_forecast_minor, 150_001);
        assert_eq!(s.best_case_forecast_minor, 225_006);
        let stages: Vec<(&str, usize, i64)> =
            s.stages.iter().map(|l| (l.stage.as_str(), l.count, l.amount_minor)).collect();
        assert_eq!(
            stages,
            [
                ("Prospecting", 0, 0),
                ("Discovery", 1, 100_000),
                ("Qualification", 1, 25_000),
                ("Proposal", 1, 50_005),
                ("Negotiation", 1, 80_001)
            ]
        );
        assert_eq!(
            s.unknown_stages,
            [UnknownStage { deal_id: 6, rep_id: 7, stage: "Demo".into(), amount_minor: 12_000 }]
        );
        assert_eq!(
            s.unknown_stages[0].to_string(),
            "deal 6 is open in stage \"Demo\", which the stage configuration does not list: it is left out of the pipeline"
        );
        // Coverage of a 300,000 quota with 70,000 won: 255,006 / 230,000.
        let c = coverage(s.open_minor, 300_000, s.won_minor);
        assert_eq!(c, Coverage::Ratio { ratio: 255_006.0 / 230_000.0, remaining_minor: 230_000 });
    }

    #[test]
    fn summary_of_nothing() {
        let s = summarize(&[], &StageConfig::default(), day("2026-01-01")..=day("2026-12-31")).unwrap();
        assert_eq!((s.open_count, s.open_minor, s.weighted_minor, s.won_minor), (0, 0, 0, 0));
        assert_eq!(s.categories.len(), 4);
        assert_eq!(s.stages.len(), 5);
    }

    #[test]
    fn totals_beyond_i64_are_an_error() {
        let deals = [
            deal(1, DealStatus::Open, "Negotiation", i64::MAX, "2026-04-10"),
            deal(2, DealStatus::Open, "Negotiation", 1, "2026-04-10"),
        ];
        let window = day("2026-04-01")..=day("2026-04-30");
        assert_eq!(summarize(&deals, &StageConfig::default(), window), Err(PipelineTooLarge));
    }

    #[test]
    fn coverage_cases() {
        for (open, quota, won, want) in [
            (900, 400, 100, Coverage::Ratio { ratio: 3.0, remaining_minor: 300 }),
            (0, 400, 100, Coverage::Ratio { ratio: 0.0, remaining_minor: 300 }),
            (500, 400, 400, Coverage::QuotaReached { over_minor: 0 }),
            (500, 400, 450, Coverage::QuotaReached { over_minor: 50 }),
            (500, 0, 0, Coverage::NoQuota),
            (500, -10, 0, Coverage::NoQuota),
            (1, i64::MAX, i64::MIN, Coverage::Ratio { ratio: 1.0 / 2f64.powi(64), remaining_minor: i64::MAX }),
        ] {
            assert_eq!(coverage(open, quota, won), want, "{open} / ({quota} - {won})");
        }
        assert_eq!(coverage(900, 400, 100).ratio(), Some(3.0));
        assert_eq!(coverage(900, 0, 100).ratio(), None);
        let json = serde_json::to_string(&coverage(500, 400, 450)).unwrap();
        assert_eq!(json, r#"{"kind":"quota_reached","over_minor":50}"#);
    }

    fn any_deal() -> impl Strategy<Value = DealRecord> {
        let statuses = prop_oneof![Just(DealStatus::Open), Just(DealStatus::Won), Just(DealStatus::Lost)];
        let stages = prop_oneof![
            Just("Prospecting"),
            Just("discovery"),
            Just("Qualification"),
            Just("PROPOSAL"),
            Just("Negotiation"),
            Just("Closed Won"),
            Just("Mystery"),
        ];
        (1i64..1000, statuses, stages, 0i64..1_000_000_000_000, 0u64..365).prop_map(|(id, status, stage, amount, d)| {
            let close = day("2026-01-01") + chrono::Days::new(d);
            DealRecord { close_date: close, ..deal(id, status, stage, amount, "2026-01-01") }
        })
    }

    proptest! {
        #[test]
        fn summary_invariants(deals in proptest::collection::vec(any_deal(), 0..60), a in 0u64..365, b in 0u64..365) {
            let (a, b) = (a.min(b), a.max(b));
            let window = day("2026-01-01") + chrono::Days::new(a)..=day("2026-01-01") + chrono::Days::new(b);
            let s = summarize(&deals, &StageConfig::default(), window.clone()).unwrap();
            // The weighted pipeline never exceeds the open pipeline, nor goes below 0 for amounts ≥ 0.
            prop_assert!(0 <= s.weighted_minor && s.weighted_minor <= s.open_minor);
            // Exclusive categories add up to open + won, and stages to open.
            let cats: i64 = s.categories.iter().map(|c| c.amount_minor).sum();
            prop_assert_eq!(cats, s.open_minor + s.won_minor);
            let counted: usize = s.categories.iter().map(|c| c.count).sum();
            prop_assert_eq!(counted, s.open_count + s.won_count);
            prop_assert_eq!(s.stages.iter().map(|l| l.amount_minor).sum::<i64>(), s.open_minor);
            prop_assert_eq!(s.stages.iter().map(|l| l.weighted_minor).sum::<i64>(), s.weighted_minor);
            // Cumulative forecasts grow from commit to best case to everything.
            prop_assert!(s.won_minor <= s.commit_forecast_minor);
            prop_assert!(s.commit_forecast_minor <= s.best_case_forecast_minor);
            prop_assert!(s.best_case_forecast_minor <= s.open_minor + s.won_minor);
            // Every open deal in the window is either counted or reported.
            let in_window = |d: &&DealRecord| window.contains(&d.close_date);
            let open = deals.iter().filter(in_window).filter(|d| d.status == DealStatus::Open).count();
            prop_assert_eq!(open, s.open_count + s.unknown_stages.len());
            let won: i64 = deals.iter().filter(in_window).filter(|d| d.status == DealStatus::Won).map(|d| d.amount_minor).sum();
            prop_assert_eq!(won, s.won_minor);
        }

        #[test]
        fn weighting_is_within_half_a_unit(amount in any::<i64>(), pct in 0u8..=100) {
            let exact = i128::from(amount) * i128::from(pct);
            let got = i128::from(weighted_minor(amount, pct));
            prop_assert!((got * 100 - exact).abs() <= 50);
            prop_assert!(got.abs() <= i128::from(amount).abs());
        }

        #[test]
        fn coverage_never_divides_by_zero(open in any::<i64>(), quota in any::<i64>(), won in any::<i64>()) {
            match coverage(open, quota, won) {
                Coverage::Ratio { ratio, remaining_minor } => {
                    prop_assert!(ratio.is_finite());
                    prop_assert!(remaining_minor > 0 && quota > 0);
                }
                Coverage::QuotaReached { over_minor } => prop_assert!(over_minor >= 0 && quota > 0 && won >= quota),
                Coverage::NoQuota => prop_assert!(quota <= 0),
            }
        }
    }
}
