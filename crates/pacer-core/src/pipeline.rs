//! The sales pipeline (PRODUCT.md C4): configurable stages with a win probability and a forecast
//! category, the weighted pipeline, forecast categories and pipeline coverage.
//!
//! A deal's standing comes from its status first: won deals are [`ForecastCategory::Closed`] at
//! 100%, lost deals are left out of every figure, and only open deals are placed by their stage.
//! An open deal whose stage the configuration does not list is never guessed at: it is reported as
//! an [`UnknownStage`] so that the caller can show it.

use crate::money::{Currency, Money};
use crate::org::RepId;
use crate::records::{DealRecord, DealStatus};
use crate::text_enum::text_enum;
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
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

    /// In words, for people: `Best case`.
    pub fn words(&self) -> &'static str {
        match self {
            ForecastCategory::Pipeline => "Pipeline",
            ForecastCategory::BestCase => "Best case",
            ForecastCategory::Commit => "Commit",
            ForecastCategory::Closed => "Closed won",
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

/// Whether a stage is one deals move through (open) or one that ends them (won, lost).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum StageKind {
    /// A step of the funnel: placed in the pipeline by its probability and category.
    #[default]
    Open,
    /// Ends a deal won: a CRM's "Closed Won" and its like.
    Won,
    /// Ends a deal lost: a CRM's "Closed Lost" and its like.
    Lost,
}

text_enum! {
    /// The written form: `open`, `won` or `lost`.
    StageKind { Open => "open", Won => "won", Lost => "lost" },
    unknown: "stage kind"
}

impl StageKind {
    /// The status of a deal in a stage of this kind.
    pub fn status(self) -> DealStatus {
        match self {
            StageKind::Open => DealStatus::Open,
            StageKind::Won => DealStatus::Won,
            StageKind::Lost => DealStatus::Lost,
        }
    }
}

/// One stage of the sales process.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Stage {
    /// Name as deals carry it (matched by [`stage_key`]: ignoring case, spaces and punctuation).
    pub name: String,
    /// Open, won or lost (settings saved before stages had a kind are all open).
    #[serde(default)]
    pub kind: StageKind,
    /// Chance to win a deal in this stage, in whole percent (0..=100; 100 for won, 0 for lost).
    pub probability_percent: u8,
    /// Forecast category: pipeline, best case or commit for an open stage, closed for a won one,
    /// none for a lost one (lost deals are in no figure).
    pub category: Option<ForecastCategory>,
    /// Other names of this stage in CRMs (`contractsent`, "Contract Sent"), matched like the name.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub aliases: Vec<String>,
}

impl Stage {
    /// An open stage without aliases.
    pub fn open(name: &str, probability_percent: u8, category: ForecastCategory) -> Self {
        Self {
            name: name.into(),
            kind: StageKind::Open,
            probability_percent,
            category: Some(category),
            aliases: vec![],
        }
    }

    /// A won (100%, closed) or lost (0%, no category) stage without aliases.
    pub fn closing(name: &str, kind: StageKind) -> Self {
        let (probability_percent, category) = fixed(kind).unwrap_or((0, None));
        Self { name: name.into(), kind, probability_percent, category, aliases: vec![] }
    }

    /// The category of an open stage (checked present by [`StageConfig::new`]).
    fn open_category(&self) -> ForecastCategory {
        self.category.unwrap_or(ForecastCategory::Pipeline)
    }

    /// The name and the aliases.
    fn names(&self) -> impl Iterator<Item = &str> {
        std::iter::once(self.name.as_str()).chain(self.aliases.iter().map(String::as_str))
    }
}

/// The probability and category a won or lost stage always has.
fn fixed(kind: StageKind) -> Option<(u8, Option<ForecastCategory>)> {
    match kind {
        StageKind::Open => None,
        StageKind::Won => Some((100, Some(ForecastCategory::Closed))),
        StageKind::Lost => Some((0, None)),
    }
}

/// Why a stage configuration was rejected; each variant names the offending stage or value.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum StageConfigError {
    /// The text is not valid TOML or not of the expected shape (the message says where).
    #[error("the stage configuration cannot be read: {0}")]
    Toml(String),
    /// No open stage at all.
    #[error("the stage configuration lists no open stage: add [[stage]] tables with name, probability and category")]
    NoStages,
    /// A stage without a name (or one of punctuation only, which matches nothing).
    #[error("stage {position} has no name")]
    EmptyName {
        /// 1-based position in the configuration.
        position: usize,
    },
    /// A name or alias that is too long or holds a control character.
    #[error("stage {stage:?}: name or alias {value:?}: {error}")]
    Text {
        /// The stage.
        stage: String,
        /// The name or alias, shortened.
        value: String,
        /// What is wrong with it.
        error: crate::limits::LimitError,
    },
    /// Two stages with the same name, ignoring case, spaces and punctuation.
    #[error("stage {name:?} is listed twice (names are compared ignoring case, spaces and punctuation)")]
    DuplicateStage {
        /// The second occurrence, as written.
        name: String,
    },
    /// An alias that is already a name or alias of a stage (this one or another).
    #[error("stage {stage:?}: alias {alias:?} already means stage {taken_by:?}")]
    DuplicateAlias {
        /// The stage whose alias it is.
        stage: String,
        /// The alias as written.
        alias: String,
        /// The stage it already means.
        taken_by: String,
    },
    /// An alias without a letter or digit, which would match nothing.
    #[error("stage {stage:?} has an empty alias")]
    EmptyAlias {
        /// The stage.
        stage: String,
    },
    /// A stage named that no stage has as name or alias.
    #[error("there is no stage {0:?}")]
    NoSuchStage(String),
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
    /// A kind that is not open, won or lost.
    #[error("stage {stage:?}: unknown kind {value:?}: use open, won or lost")]
    UnknownKind {
        /// The stage.
        stage: String,
        /// The value as written.
        value: String,
    },
    /// An open stage without its probability or category.
    #[error("stage {stage:?}: an open stage needs a {missing}")]
    Missing {
        /// The stage.
        stage: String,
        /// `probability` or `category`.
        missing: &'static str,
    },
    /// The closed category given to an open stage.
    #[error(
        "stage {stage:?}: category closed is for won deals: give an open stage pipeline, best_case or commit, \
         or make it kind = \"won\""
    )]
    ClosedCategory {
        /// The stage.
        stage: String,
    },
    /// A won or lost stage with another probability or category than its fixed ones.
    #[error(
        "stage {stage:?}: a {kind} stage is always {}; leave probability and category out",
        if *.kind == StageKind::Won { "100% and category closed" } else { "0% and in no category" }
    )]
    FixedStage {
        /// The stage.
        stage: String,
        /// Won or lost.
        kind: StageKind,
    },
}

impl StageConfigError {
    /// The stage the problem is about, when it is about one.
    pub fn stage(&self) -> Option<&str> {
        use StageConfigError as E;
        match self {
            E::Toml(_) | E::NoStages | E::EmptyName { .. } => None,
            E::NoSuchStage(stage) | E::DuplicateStage { name: stage } => Some(stage),
            E::Text { stage, .. }
            | E::DuplicateAlias { stage, .. }
            | E::EmptyAlias { stage }
            | E::InvalidProbability { stage, .. }
            | E::UnknownCategory { stage, .. }
            | E::UnknownKind { stage, .. }
            | E::Missing { stage, .. }
            | E::ClosedCategory { stage }
            | E::FixedStage { stage, .. } => Some(stage),
        }
    }
}

/// The stages of the sales process, in funnel order (the order of the list), each with its kind,
/// probability, category and aliases.
///
/// Open stages place open deals in the pipeline. Won and lost stages are optional: listing them
/// lets an import read a CRM's own names ("Closed Won", `closedlost`, or an alias) as a deal's
/// status; in the pipeline a deal's status decides. Built by [`StageConfig::new`] or
/// [`StageConfig::from_toml`], which check that names and aliases are unique (by [`stage_key`]),
/// probabilities are whole percents up to 100, open stages have pipeline, best case or commit,
/// won stages are 100% closed and lost stages 0% in no category.
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

/// How stage names are compared: letters and digits only, lowercased, so that a CRM's internal
/// id and its label meet (`contractsent` is "Contract Sent", `decisionmakerboughtin` is
/// "Decision Maker Bought-In").
pub fn stage_key(name: &str) -> String {
    name.chars().filter(|c| c.is_alphanumeric()).flat_map(char::to_lowercase).collect()
}

/// The TOML shape: `[[stage]]` tables. Values are read loosely so that a wrong one gets a
/// sentence naming its stage, not a serde type error.
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
    kind: Option<String>,
    probability: Option<toml::Value>,
    category: Option<String>,
    #[serde(default)]
    aliases: Vec<String>,
}

#[derive(Serialize)]
struct OutConfig<'a> {
    stage: Vec<OutStage<'a>>,
}

/// One `[[stage]]` as written: won and lost stages without their fixed probability and category.
#[derive(Serialize)]
struct OutStage<'a> {
    name: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    kind: Option<&'static str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    probability: Option<u8>,
    #[serde(skip_serializing_if = "Option::is_none")]
    category: Option<&'static str>,
    #[serde(skip_serializing_if = "<[String]>::is_empty")]
    aliases: &'a [String],
}

impl RawStage {
    fn into_stage(self) -> Result<Stage, StageConfigError> {
        let name = self.name;
        let kind = match &self.kind {
            Some(k) => k
                .parse::<StageKind>()
                .map_err(|_| StageConfigError::UnknownKind { stage: name.clone(), value: k.clone() })?,
            None => StageKind::Open,
        };
        let probability = self
            .probability
            .map(|p| match &p {
                toml::Value::Integer(i) => u8::try_from(*i).ok().filter(|i| *i <= 100).ok_or(p),
                _ => Err(p),
            })
            .transpose()
            .map_err(|p| StageConfigError::InvalidProbability { stage: name.clone(), value: p.to_string() })?;
        let category = self
            .category
            .map(|c| {
                c.parse::<ForecastCategory>()
                    .map_err(|_| StageConfigError::UnknownCategory { stage: name.clone(), value: c.clone() })
            })
            .transpose()?;
        let probability_percent = match (kind, probability) {
            (_, Some(p)) => p,
            (StageKind::Open, None) => return Err(StageConfigError::Missing { stage: name, missing: "probability" }),
            (closing, None) => fixed(closing).map_or(0, |(p, _)| p),
        };
        if kind == StageKind::Open && category.is_none() {
            return Err(StageConfigError::Missing { stage: name, missing: "category" });
        }
        Ok(Stage { name, kind, probability_percent, category, aliases: self.aliases })
    }
}

impl StageConfig {
    /// Checks and wraps `stages` (in funnel order). A won stage without a category gets closed.
    pub fn new(mut stages: Vec<Stage>) -> Result<Self, StageConfigError> {
        if !stages.iter().any(|s| s.kind == StageKind::Open) {
            return Err(StageConfigError::NoStages);
        }
        // Every name and alias by its key, with the stage it means.
        let mut taken: HashMap<String, usize> = HashMap::new();
        for (i, stage) in stages.iter_mut().enumerate() {
            for text in stage.names() {
                crate::limits::check_text(text, crate::limits::TextKind::Name).map_err(|error| {
                    StageConfigError::Text { stage: stage.name.clone(), value: crate::limits::excerpt(text), error }
                })?;
            }
            let key = stage_key(&stage.name);
            if key.is_empty() {
                return Err(StageConfigError::EmptyName { position: i + 1 });
            }
            if taken.insert(key, i).is_some() {
                return Err(StageConfigError::DuplicateStage { name: stage.name.clone() });
            }
            if stage.kind == StageKind::Won && stage.category.is_none() {
                stage.category = Some(ForecastCategory::Closed);
            }
            match fixed(stage.kind) {
                Some(fixed) if fixed != (stage.probability_percent, stage.category) => {
                    return Err(StageConfigError::FixedStage { stage: stage.name.clone(), kind: stage.kind });
                }
                Some(_) => {}
                None if stage.probability_percent > 100 => {
                    return Err(StageConfigError::InvalidProbability {
                        stage: stage.name.clone(),
                        value: stage.probability_percent.to_string(),
                    });
                }
                None => match stage.category {
                    None => return Err(StageConfigError::Missing { stage: stage.name.clone(), missing: "category" }),
                    Some(ForecastCategory::Closed) => {
                        return Err(StageConfigError::ClosedCategory { stage: stage.name.clone() });
                    }
                    Some(_) => {}
                },
            }
        }
        // Aliases once every name is known, so that an alias naming a later stage is caught too.
        for (i, stage) in stages.iter().enumerate() {
            for alias in &stage.aliases {
                let key = stage_key(alias);
                if key.is_empty() {
                    return Err(StageConfigError::EmptyAlias { stage: stage.name.clone() });
                }
                // An alias spelling the stage's own name again is harmless (a CRM's id beside its label).
                if let Some(at) = taken.insert(key, i).filter(|at| *at != i) {
                    return Err(StageConfigError::DuplicateAlias {
                        stage: stage.name.clone(),
                        alias: alias.clone(),
                        taken_by: stages[at].name.clone(),
                    });
                }
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
    /// aliases = ["qualifiedtobuy", "Qualified To Buy"] # optional: CRM names of this stage
    ///
    /// [[stage]]
    /// name = "Closed Won"
    /// kind = "won"          # optional: open (the default), won or lost
    /// ```
    pub fn from_toml(text: &str) -> Result<Self, StageConfigError> {
        let raw: RawConfig = toml::from_str(text).map_err(|e| StageConfigError::Toml(e.to_string()))?;
        let stages = raw.stage.into_iter().map(RawStage::into_stage).collect::<Result<Vec<_>, _>>()?;
        Self::new(stages)
    }

    /// Writes the TOML form read by [`StageConfig::from_toml`].
    pub fn to_toml(&self) -> String {
        stages_toml(&self.stages)
    }

    /// The stages, in funnel order.
    pub fn stages(&self) -> &[Stage] {
        &self.stages
    }

    /// The stage called `name` or having it as an alias, by [`stage_key`].
    pub fn stage(&self, name: &str) -> Option<&Stage> {
        self.position(name).map(|at| &self.stages[at])
    }

    /// Position in funnel order of the stage called `name` (or with that alias).
    fn position(&self, name: &str) -> Option<usize> {
        let key = stage_key(name);
        self.stages.iter().position(|s| s.names().any(|n| stage_key(n) == key))
    }

    /// The open stage `name` means, if any: where an open deal in it counts.
    fn open_position(&self, name: &str) -> Option<usize> {
        self.position(name).filter(|at| self.stages[*at].kind == StageKind::Open)
    }

    /// The status a deal in stage `name` has, when the configuration lists the stage.
    pub fn status_of(&self, name: &str) -> Option<DealStatus> {
        self.stage(name).map(|s| s.kind.status())
    }

    /// Where a deal with this status and stage counts (see [`DealStanding`]). The status decides:
    /// an open deal whose stage is no open stage (unlisted, or a won or lost one) is unknown.
    pub fn standing(&self, status: DealStatus, stage: &str) -> DealStanding<'_> {
        match status {
            DealStatus::Won => DealStanding::Won,
            DealStatus::Lost => DealStanding::Lost,
            DealStatus::Open => {
                self.open_position(stage).map_or(DealStanding::UnknownStage, |at| DealStanding::Open(&self.stages[at]))
            }
        }
    }

    /// The configuration with `alias` added to the stage `stage` means (checked like any change).
    pub fn with_alias(&self, stage: &str, alias: &str) -> Result<Self, StageConfigError> {
        let at = self.position(stage).ok_or_else(|| StageConfigError::NoSuchStage(stage.to_string()))?;
        // Told about the stage it was added to, not the one that had it first in funnel order.
        if let Some(taken) = self.position(alias).filter(|taken| *taken != at) {
            return Err(StageConfigError::DuplicateAlias {
                stage: self.stages[at].name.clone(),
                alias: alias.to_string(),
                taken_by: self.stages[taken].name.clone(),
            });
        }
        let mut stages = self.stages.clone();
        stages[at].aliases.push(alias.trim().to_string());
        Self::new(stages)
    }

    /// What changed from `before` to this configuration, stage by stage, in this one's order.
    pub fn changes_from(&self, before: &StageConfig) -> Vec<StageChange> {
        let key_of = |s: &Stage| stage_key(&s.name);
        let mut out: Vec<StageChange> = before
            .stages
            .iter()
            .filter(|old| !self.stages.iter().any(|s| key_of(s) == key_of(old)))
            .map(|old| StageChange::Removed(old.name.clone()))
            .collect();
        for stage in &self.stages {
            match before.stages.iter().find(|old| key_of(old) == key_of(stage)) {
                None => out.push(StageChange::Added(stage.clone())),
                Some(old) if old != stage => {
                    out.push(StageChange::Changed { before: old.clone(), after: stage.clone() })
                }
                Some(_) => {}
            }
        }
        let order = |c: &StageConfig| -> Vec<String> {
            c.stages.iter().map(key_of).filter(|k| before.stage(k).is_some() && self.stage(k).is_some()).collect()
        };
        if order(self) != order(before) {
            out.push(StageChange::Reordered(self.stages.iter().map(|s| s.name.clone()).collect()));
        }
        out
    }
}

/// The `[[stage]]` tables of `stages`.
fn stages_toml(stages: &[Stage]) -> String {
    let out = OutConfig {
        stage: stages
            .iter()
            .map(|s| {
                let open = s.kind == StageKind::Open;
                OutStage {
                    name: &s.name,
                    kind: (!open).then(|| s.kind.as_str()),
                    probability: open.then_some(s.probability_percent),
                    category: if open { s.category.map(|c| c.as_str()) } else { None },
                    aliases: &s.aliases,
                }
            })
            .collect(),
    };
    // Strings, integers and arrays of tables always serialise.
    toml::to_string(&out).unwrap_or_default()
}

/// The `[[stage]]` tables that would make `names` open stages: what to add to the settings for
/// deals in stages they do not list, to be placed in funnel order and given their real
/// probability and category.
pub fn proposed_stages<'a>(names: impl IntoIterator<Item = &'a str>) -> String {
    let stages: Vec<Stage> = names.into_iter().map(|n| Stage::open(n.trim(), 10, ForecastCategory::Pipeline)).collect();
    stages_toml(&stages)
}

/// One difference between two stage configurations.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StageChange {
    /// A new stage.
    Added(Stage),
    /// A stage no longer listed.
    Removed(String),
    /// A stage whose kind, probability, category, aliases or spelling changed.
    Changed {
        /// As it was.
        before: Stage,
        /// As it is.
        after: Stage,
    },
    /// The stages kept are in another order (the new order, every stage).
    Reordered(Vec<String>),
}

/// A stage in a few words: "open, 20%, pipeline, aliases: a, b".
fn describe(stage: &Stage) -> String {
    let mut text = match stage.kind {
        StageKind::Open => format!("open, {}%, {}", stage.probability_percent, stage.open_category()),
        kind => kind.as_str().to_string(),
    };
    if !stage.aliases.is_empty() {
        text.push_str(&format!(", aliases: {}", stage.aliases.join(", ")));
    }
    text
}

impl fmt::Display for StageChange {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            StageChange::Added(s) => write!(f, "+ stage {:?} ({})", s.name, describe(s)),
            StageChange::Removed(name) => write!(f, "- stage {name:?}"),
            StageChange::Changed { before, after } => {
                write!(f, "~ stage {:?}: {} -> {}", after.name, describe(before), describe(after))
            }
            StageChange::Reordered(names) => write!(f, "~ funnel order: {}", names.join(", ")),
        }
    }
}

impl Default for StageConfig {
    /// A common B2B process, covering the stages of the demo data: Prospecting 10% and Discovery
    /// 20% (pipeline), Qualification 40% and Proposal 60% (best case), Negotiation 80% (commit),
    /// then Closed Won and Closed Lost.
    fn default() -> Self {
        use ForecastCategory::{BestCase, Commit, Pipeline};
        Self {
            stages: vec![
                Stage::open("Prospecting", 10, Pipeline),
                Stage::open("Discovery", 20, Pipeline),
                Stage::open("Qualification", 40, BestCase),
                Stage::open("Proposal", 60, BestCase),
                Stage::open("Negotiation", 80, Commit),
                Stage::closing("Closed Won", StageKind::Won),
                Stage::closing("Closed Lost", StageKind::Lost),
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

/// Open deals in one stage that the configuration does not map to an open stage, counted together.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct UnmappedStage {
    /// The stage as the deals carry it (of several spellings, the first in text order).
    pub stage: String,
    /// Open deals in it.
    pub deals: usize,
    /// Their amount in minor units.
    pub amount_minor: i64,
}

/// Groups (stage, amount) of open deals in unmapped stages by [`stage_key`], the largest amount
/// first, so that a screen can say what the pipeline leaves out.
pub fn unmapped_stages<'a>(deals: impl IntoIterator<Item = (&'a str, i64)>) -> Vec<UnmappedStage> {
    let mut tally = UnmappedTally::default();
    for (stage, amount) in deals {
        tally.add(stage, 1, amount);
    }
    tally.finish()
}

/// [`unmapped_stages`] one deal at a time (an import counts as it reads).
#[derive(Debug, Default)]
pub struct UnmappedTally {
    groups: Vec<UnmappedStage>,
    at: HashMap<String, usize>,
}

impl UnmappedTally {
    /// Counts `deals` open deals of `amount_minor` in all in the unmapped stage `stage`.
    pub fn add(&mut self, stage: &str, deals: usize, amount_minor: i64) {
        let groups = &mut self.groups;
        let i = *self.at.entry(stage_key(stage)).or_insert_with(|| {
            groups.push(UnmappedStage { stage: stage.trim().to_string(), deals: 0, amount_minor: 0 });
            groups.len() - 1
        });
        // The same spelling whichever order deals come in: the smallest, a label ("Contract Sent")
        // before an id (`contractsent`).
        if stage.trim() < groups[i].stage.as_str() {
            groups[i].stage = stage.trim().to_string();
        }
        groups[i].deals += deals;
        groups[i].amount_minor = groups[i].amount_minor.saturating_add(amount_minor);
    }

    /// The groups, the largest amount first.
    pub fn finish(mut self) -> Vec<UnmappedStage> {
        self.groups.sort_by(|a, b| b.amount_minor.cmp(&a.amount_minor).then_with(|| a.stage.cmp(&b.stage)));
        self.groups
    }
}

/// The sentence that says so: "3 open deals in stages not mapped: EUR 1,497,300.50 (Contract Sent:
/// 2, Demo: 1)", amounts in `currency`; none when every open deal is in a mapped stage.
pub fn unmapped_note(unmapped: &[UnmappedStage], currency: Currency) -> Option<String> {
    if unmapped.is_empty() {
        return None;
    }
    let deals: usize = unmapped.iter().map(|u| u.deals).sum();
    let amount = unmapped.iter().fold(0i64, |sum, u| sum.saturating_add(u.amount_minor));
    let names: Vec<String> = unmapped.iter().map(|u| format!("{}: {}", u.stage, u.deals)).collect();
    let (noun, place) = if deals == 1 { ("deal", "a stage") } else { ("deals", "stages") };
    Some(format!("{deals} open {noun} in {place} not mapped: {} ({})", Money::new(amount, currency), names.join(", ")))
}

impl PipelineSummary {
    /// The open deals left out, grouped by stage.
    pub fn unmapped(&self) -> Vec<UnmappedStage> {
        unmapped_stages(self.unknown_stages.iter().map(|u| (u.stage.as_str(), u.amount_minor)))
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

/// Open deals without a close date, counted together: in the open pipeline, in no period.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct NoCloseDateLine {
    /// Open deals in a configured stage without a close date.
    pub count: usize,
    /// Their amount in minor units.
    pub amount_minor: i64,
    /// Their weighted amount.
    pub weighted_minor: i64,
}

/// The pipeline of a set of deals whose close date falls in a window, and of the open deals
/// without one (PRODUCT.md C4).
///
/// **Convention.** Each deal with a close date counts in exactly one category: [`CategoryLine`]s
/// are *exclusive* and, with `no_close_date`, add up to `open_minor + won_minor`. An open deal
/// without a close date is in the open pipeline (`open_*`, `weighted_minor`, its stage's line)
/// and in `no_close_date`, never in a category: no period's forecast counts a deal that names no
/// day. CRMs report forecasts *cumulatively* from the most certain
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
    /// Open deals in a configured stage, those without a close date included.
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
    /// Open deals without a close date: in the open pipeline (and their stages' lines), in no
    /// forecast category, so in no period's forecast or commit.
    pub no_close_date: NoCloseDateLine,
    /// One line per configured open stage, in funnel order, empty stages included.
    pub stages: Vec<StageLine>,
    /// Open deals in a stage that is no configured open stage (see [`unmapped_stages`]).
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

/// Summarises the deals whose close date is in `window` (both ends included), and the open deals
/// without a close date whatever the window; see [`PipelineSummary`] for what counts where.
/// Filter the deals by rep or team before calling.
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
    let mut undated = Tally::default();
    let mut unknown_stages = Vec::new();
    let counted = |d: &&DealRecord| d.close_date.is_none_or(|day| window.contains(&day));
    for deal in deals.into_iter().filter(counted) {
        match (deal.status, config.open_position(&deal.stage)) {
            (DealStatus::Open, Some(at)) => {
                let stage = &config.stages[at];
                let weighted = weighted_minor(deal.amount_minor, stage.probability_percent);
                stages[at].add(deal.amount_minor, weighted);
                let bucket = match deal.close_date {
                    Some(_) => &mut categories[stage.open_category() as usize],
                    None => &mut undated,
                };
                bucket.add(deal.amount_minor, weighted);
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
        no_close_date: NoCloseDateLine {
            count: undated.count,
            amount_minor: fit(undated.amount)?,
            weighted_minor: fit(undated.weighted)?,
        },
        stages: config
            .stages
            .iter()
            .zip(&stages)
            .filter(|(s, _)| s.kind == StageKind::Open)
            .map(|(s, t)| {
                Ok(StageLine {
                    stage: s.name.clone(),
                    probability_percent: s.probability_percent,
                    category: s.open_category(),
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
        assert_eq!(config.stage("PROPOSAL").and_then(|s| s.category), Some(ForecastCategory::BestCase));
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
            "stage \"discovery\" is listed twice (names are compared ignoring case, spaces and punctuation)"
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
        let s = Stage::open("A", 101, ForecastCategory::Pipeline);
        assert!(matches!(StageConfig::new(vec![s]), Err(StageConfigError::InvalidProbability { .. })));
    }

    /// HubSpot's default pipeline as its export names it, by internal id or label.
    const HUBSPOT: &str = r#"
[[stage]]
name = "Appointment Scheduled"
probability = 20
category = "pipeline"
aliases = ["appointmentscheduled"]

[[stage]]
name = "Qualified To Buy"
probability = 40
category = "pipeline"

[[stage]]
name = "Presentation Scheduled"
probability = 60
category = "best_case"

[[stage]]
name = "Decision Maker Bought-In"
probability = 80
category = "best_case"

[[stage]]
name = "Contract Sent"
probability = 90
category = "commit"

[[stage]]
name = "Closed Won"
kind = "won"
aliases = ["Signed"]

[[stage]]
name = "Closed Lost"
kind = "lost"
"#;

    #[test]
    fn crm_names_match_ignoring_case_spaces_and_punctuation() {
        let config = StageConfig::from_toml(HUBSPOT).unwrap();
        for (crm, ours) in [
            ("appointmentscheduled", "Appointment Scheduled"),
            ("qualifiedtobuy", "Qualified To Buy"),
            ("presentationscheduled", "Presentation Scheduled"),
            ("decisionmakerboughtin", "Decision Maker Bought-In"),
            ("contractsent", "Contract Sent"),
            ("CONTRACT-SENT", "Contract Sent"),
            ("closedwon", "Closed Won"),
            ("signed", "Closed Won"),
            ("closed_lost", "Closed Lost"),
        ] {
            assert_eq!(config.stage(crm).map(|s| s.name.as_str()), Some(ours), "{crm}");
        }
        assert_eq!(stage_key("Id. Decision Makers"), "iddecisionmakers");
        assert_eq!(stage_key("Proposal/Price Quote"), "proposalpricequote");
        assert_eq!(config.status_of("closedwon"), Some(DealStatus::Won));
        assert_eq!(config.status_of("Closed Lost"), Some(DealStatus::Lost));
        assert_eq!(config.status_of("contractsent"), Some(DealStatus::Open));
        assert_eq!(config.status_of("Demo"), None);
        // Won and lost stages are filled in and written back without their fixed values.
        let won = config.stage("Closed Won").unwrap();
        assert_eq!((won.probability_percent, won.category), (100, Some(ForecastCategory::Closed)));
        let lost = config.stage("Closed Lost").unwrap();
        assert_eq!((lost.probability_percent, lost.category), (0, None));
        let text = config.to_toml();
        assert!(text.contains("[[stage]]\nname = \"Closed Won\"\nkind = \"won\"\naliases = [\"Signed\"]\n"), "{text}");
        assert_eq!(StageConfig::from_toml(&text), Ok(config.clone()));
        // An open deal in a won stage is not counted as open pipeline: its status decides.
        assert_eq!(config.standing(DealStatus::Open, "Closed Won"), DealStanding::UnknownStage);
        assert!(
            matches!(config.standing(DealStatus::Open, "contractsent"), DealStanding::Open(s) if s.name == "Contract Sent")
        );
        // The JSON of settings saved before stages had kinds and aliases still reads.
        let old = r#"[{"name":"Discovery","probability_percent":20,"category":"pipeline"}]"#;
        let read: StageConfig = serde_json::from_str(old).unwrap();
        assert_eq!(read.stages(), [Stage::open("Discovery", 20, ForecastCategory::Pipeline)]);
    }

    #[test]
    fn kinds_and_aliases_are_checked() {
        let check = |text: &str| StageConfig::from_toml(text).unwrap_err().to_string();
        let open = "[[stage]]\nname = \"Discovery\"\nprobability = 20\ncategory = \"pipeline\"\n";
        assert_eq!(
            check(&format!(
                "{open}aliases = [\"Disco\"]\n[[stage]]\nname = \"Demo\"\nprobability = 30\ncategory = \"pipeline\"\naliases = [\"disco!\"]\n"
            )),
            "stage \"Demo\": alias \"disco!\" already means stage \"Discovery\""
        );
        assert_eq!(
            check(&format!("{open}[[stage]]\nname = \"Closed Won\"\nkind = \"won\"\naliases = [\"discovery\"]\n")),
            "stage \"Closed Won\": alias \"discovery\" already means stage \"Discovery\""
        );
        assert_eq!(
            check(&format!(
                "{open}[[stage]]\nname = \"Closed-Won\"\nkind = \"won\"\n[[stage]]\nname = \"closed won\"\nkind = \"won\"\n"
            )),
            "stage \"closed won\" is listed twice (names are compared ignoring case, spaces and punctuation)"
        );
        assert_eq!(
            check(&format!("{open}[[stage]]\nname = \"Closed Won\"\nkind = \"won\"\nprobability = 90\n")),
            "stage \"Closed Won\": a won stage is always 100% and category closed; leave probability and category out"
        );
        assert_eq!(
            check(&format!("{open}[[stage]]\nname = \"Closed Lost\"\nkind = \"lost\"\ncategory = \"pipeline\"\n")),
            "stage \"Closed Lost\": a lost stage is always 0% and in no category; leave probability and category out"
        );
        assert_eq!(
            check(&format!("{open}[[stage]]\nname = \"Done\"\nkind = \"finished\"\n")),
            "stage \"Done\": unknown kind \"finished\": use open, won or lost"
        );
        assert_eq!(
            check("[[stage]]\nname = \"Demo\"\ncategory = \"pipeline\"\n"),
            "stage \"Demo\": an open stage needs a probability"
        );
        assert_eq!(
            check("[[stage]]\nname = \"Demo\"\nprobability = 5\n"),
            "stage \"Demo\": an open stage needs a category"
        );
        assert_eq!(check("[[stage]]\nname = \"Closed Won\"\nkind = \"won\"\n"), StageConfigError::NoStages.to_string());
        assert_eq!(check("[[stage]]\nname = \"--\"\nprobability = 5\ncategory = \"commit\"\n"), "stage 1 has no name");
        assert_eq!(check(&format!("{open}aliases = [\" \"]\n")), "stage \"Discovery\" has an empty alias");
        let long = "x".repeat(crate::limits::NAME_MAX_CHARS + 1);
        assert!(check(&format!("{open}aliases = [\"{long}\"]\n")).starts_with("stage \"Discovery\": name or alias"));
        // One alias added at a time, checked like the rest.
        let config = StageConfig::default();
        let more = config.with_alias("negotiation", "Contract Sent").unwrap();
        assert_eq!(more.stage("contractsent").map(|s| s.name.as_str()), Some("Negotiation"));
        assert_eq!(config.with_alias("Nope", "x"), Err(StageConfigError::NoSuchStage("Nope".into())));
        assert!(matches!(more.with_alias("Proposal", "CONTRACT SENT"), Err(StageConfigError::DuplicateAlias { .. })));
    }

    #[test]
    fn changes_say_what_moved() {
        let before = StageConfig::default();
        let after = StageConfig::from_toml(
            "[[stage]]\nname = \"Discovery\"\nprobability = 25\ncategory = \"pipeline\"\naliases = [\"qualifiedtobuy\"]\n\
             [[stage]]\nname = \"Prospecting\"\nprobability = 10\ncategory = \"pipeline\"\n\
             [[stage]]\nname = \"Contract Sent\"\nprobability = 90\ncategory = \"commit\"\n",
        )
        .unwrap();
        let changes: Vec<String> = after.changes_from(&before).iter().map(ToString::to_string).collect();
        assert_eq!(
            changes,
            [
                "- stage \"Qualification\"",
                "- stage \"Proposal\"",
                "- stage \"Negotiation\"",
                "- stage \"Closed Won\"",
                "- stage \"Closed Lost\"",
                "~ stage \"Discovery\": open, 20%, pipeline -> open, 25%, pipeline, aliases: qualifiedtobuy",
                "+ stage \"Contract Sent\" (open, 90%, commit)",
                "~ funnel order: Discovery, Prospecting, Contract Sent",
            ]
        );
        assert!(before.changes_from(&before).is_empty());
    }

    #[test]
    fn unmapped_stages_are_grouped_and_said() {
        let groups = unmapped_stages([("contractsent", 100_000), ("Demo", 50), ("Contract Sent", 49_630_050)]);
        assert_eq!(
            groups,
            [
                UnmappedStage { stage: "Contract Sent".into(), deals: 2, amount_minor: 49_730_050 },
                UnmappedStage { stage: "Demo".into(), deals: 1, amount_minor: 50 },
            ]
        );
        let eur = Currency::parse("EUR").unwrap();
        assert_eq!(
            unmapped_note(&groups, eur).unwrap(),
            "3 open deals in stages not mapped: EUR 497,301.00 (Contract Sent: 2, Demo: 1)"
        );
        assert_eq!(unmapped_note(&groups[1..], eur).unwrap(), "1 open deal in a stage not mapped: EUR 0.50 (Demo: 1)");
        assert_eq!(
            unmapped_note(&groups[1..], Currency::parse("JPY").unwrap()).unwrap(),
            "1 open deal in a stage not mapped: JPY 50 (Demo: 1)"
        );
        assert_eq!(unmapped_note(&[], eur), None);
        let proposed = proposed_stages(["Contract Sent"]);
        assert_eq!(proposed, "[[stage]]\nname = \"Contract Sent\"\nprobability = 10\ncategory = \"pipeline\"\n");
        let added = format!("{}{proposed}", StageConfig::default().to_toml());
        assert!(StageConfig::from_toml(&added).unwrap().stage("contractsent").is_some(), "the proposal applies");
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
    fn open_deals_without_a_close_date_are_pipeline_in_no_period() {
        let config = StageConfig::default();
        let undated = |id, stage: &str, amount| DealRecord {
            close_date: None,
            ..deal(id, DealStatus::Open, stage, amount, "2026-01-01")
        };
        let deals = [
            deal(1, DealStatus::Open, "Negotiation", 100_000, "2026-04-10"), // commit, 80%: 80,000
            undated(2, "Negotiation", 50_000),                               // 80%: 40,000
            undated(3, "Discovery", 20_001),                                 // 20%: 4,000.2 → 4,000
            undated(4, "Demo", 7_000),                                       // unknown stage: said, not counted
            deal(5, DealStatus::Won, "Closed Won", 30_000, "2026-05-01"),
        ];
        for (window, open, won) in [
            // In every window, the undated deals are open pipeline; the dated ones only in theirs.
            (day("2026-04-01")..=day("2026-06-30"), (3, 170_001, 124_000), 30_000),
            (day("2026-07-01")..=day("2026-09-30"), (2, 70_001, 44_000), 0),
        ] {
            let s = summarize(&deals, &config, window.clone()).unwrap();
            assert_eq!((s.open_count, s.open_minor, s.weighted_minor), open, "{window:?}");
            assert_eq!(s.won_minor, won, "{window:?}");
            assert_eq!(s.no_close_date, NoCloseDateLine { count: 2, amount_minor: 70_001, weighted_minor: 44_000 });
            // In no forecast category: the commit forecast is the dated deals' alone.
            let dated_commit = if won > 0 { 100_000 } else { 0 };
            assert_eq!(s.category(ForecastCategory::Commit).amount_minor, dated_commit, "{window:?}");
            assert_eq!(s.category(ForecastCategory::Pipeline).amount_minor, 0, "{window:?}");
            assert_eq!(s.commit_forecast_minor, won + dated_commit, "{window:?}");
            assert_eq!(s.best_case_forecast_minor, won + dated_commit, "{window:?}");
            // Their stages' lines hold them: the funnel is the whole open pipeline.
            let negotiation = s.stages.iter().find(|l| l.stage == "Negotiation").unwrap();
            assert_eq!(negotiation.amount_minor, 50_000 + dated_commit, "{window:?}");
            assert_eq!(s.unknown_stages.len(), 1);
        }
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
        // About one open deal in ten has no close date.
        (1i64..1000, statuses, stages, 0i64..1_000_000_000_000, 0u64..400).prop_map(|(id, status, stage, amount, d)| {
            let close = (d < 365 || status != DealStatus::Open).then(|| day("2026-01-01") + chrono::Days::new(d % 365));
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
            // Exclusive categories and the deals without a close date add up to open + won, and
            // stages to open.
            let cats: i64 = s.categories.iter().map(|c| c.amount_minor).sum();
            prop_assert_eq!(cats + s.no_close_date.amount_minor, s.open_minor + s.won_minor);
            let counted: usize = s.categories.iter().map(|c| c.count).sum();
            prop_assert_eq!(counted + s.no_close_date.count, s.open_count + s.won_count);
            prop_assert_eq!(s.stages.iter().map(|l| l.amount_minor).sum::<i64>(), s.open_minor);
            prop_assert_eq!(s.stages.iter().map(|l| l.weighted_minor).sum::<i64>(), s.weighted_minor);
            // Cumulative forecasts grow from commit to best case to everything.
            prop_assert!(s.won_minor <= s.commit_forecast_minor);
            prop_assert!(s.commit_forecast_minor <= s.best_case_forecast_minor);
            prop_assert!(s.best_case_forecast_minor + s.no_close_date.amount_minor <= s.open_minor + s.won_minor);
            // Every open deal in the window or without a close date is either counted or reported.
            let in_window = |d: &&DealRecord| d.close_date.is_none_or(|day| window.contains(&day));
            let open = deals.iter().filter(in_window).filter(|d| d.status == DealStatus::Open).count();
            prop_assert_eq!(open, s.open_count + s.unknown_stages.len());
            let won: i64 = deals.iter().filter(in_window).filter(|d| d.status == DealStatus::Won).map(|d| d.amount_minor).sum();
            prop_assert_eq!(won, s.won_minor);
        }

        #[test]
        fn written_configurations_read_back(
            names in proptest::collection::hash_set("[A-Za-z][A-Za-z ]{0,12}", 1..8),
            probabilities in proptest::collection::vec(0u8..=100, 8),
            kinds in proptest::collection::vec(0u8..3, 8),
        ) {
            let mut seen = std::collections::HashSet::new();
            let stages: Vec<Stage> = names
                .iter()
                .filter(|n| seen.insert(stage_key(n)))
                .zip(probabilities.iter().zip(&kinds))
                .enumerate()
                .map(|(i, (name, (p, k)))| match (i, k) {
                    (0, _) | (_, 0) => Stage::open(name, *p, ForecastCategory::ALL[usize::from(*p) % 3]),
                    (_, 1) => Stage::closing(name, StageKind::Won),
                    _ => Stage::closing(name, StageKind::Lost),
                })
                .collect();
            let config = StageConfig::new(stages.clone()).unwrap();
            prop_assert_eq!(StageConfig::from_toml(&config.to_toml()), Ok(config.clone()));
            let json = serde_json::to_string(&config).unwrap();
            prop_assert_eq!(serde_json::from_str::<StageConfig>(&json).unwrap(), config.clone());
            for stage in &stages {
                // Any spelling of a name finds its stage, and its status follows its kind.
                let shouted = format!(" {}! ", stage.name.to_uppercase().replace(' ', "-"));
                prop_assert_eq!(config.stage(&shouted), Some(stage));
                prop_assert_eq!(config.status_of(&stage.name), Some(stage.kind.status()));
            }
            prop_assert!(config.changes_from(&config).is_empty());
        }

        #[test]
        fn an_alias_of_another_stage_is_refused(a in "[a-z]{1,8}", b in "[a-z]{1,8}") {
            prop_assume!(a != b);
            let stages = vec![
                Stage::open(&a, 10, ForecastCategory::Pipeline),
                Stage { aliases: vec![a.to_uppercase()], ..Stage::open(&b, 20, ForecastCategory::Commit) },
            ];
            let refused = matches!(StageConfig::new(stages), Err(StageConfigError::DuplicateAlias { .. }));
            prop_assert!(refused);
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
