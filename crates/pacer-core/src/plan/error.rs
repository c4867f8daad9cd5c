//! Why a plan rule refuses its input.

use super::{PlanStatus, TargetOwner, TargetTier};
use crate::attainment::AttainmentError;
use crate::growth::GrowthError;
use chrono::NaiveDate;

/// Why a plan rule refuses its input; each message names the bad value and what to do instead.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum PlanError {
    /// A plan status other than draft, approved, revised or archived.
    #[error("unknown plan status {0:?}: use draft, approved, revised or archived")]
    UnknownStatus(String),
    /// A target tier other than target, stretch or challenge.
    #[error("unknown target tier {0:?}: use target, stretch or challenge")]
    UnknownTier(String),
    /// A status change the plan life cycle does not allow.
    #[error("a {from} plan cannot become {to}: {}", from.allowed())]
    Transition {
        /// Current status.
        from: PlanStatus,
        /// Requested status.
        to: PlanStatus,
    },
    /// An edit to a plan that is no longer a draft.
    #[error("the plan is {0}: only a draft can be edited; copy it to a new draft version to change it")]
    NotEditable(PlanStatus),
    /// A negative target.
    #[error("target {0} is negative: targets are 0 or more")]
    NegativeTarget(i64),
    /// A target beyond [`crate::money::MAX_AMOUNT_MINOR`].
    #[error("target {0} is larger than Pacer takes: at most {max}", max = crate::money::MAX_AMOUNT_MINOR)]
    TargetTooLarge(i64),
    /// Allocation to nobody.
    #[error("there is no one to allocate to: give at least one team or rep")]
    NoRecipients,
    /// Allocation values (weights, last year's actuals, capacities) not one per recipient.
    #[error("{given} values given for {recipients} recipients: give exactly one per team or rep")]
    RecipientCount {
        /// Recipients to allocate to.
        recipients: usize,
        /// Values given.
        given: usize,
    },
    /// An empty list of weights.
    #[error("no weights given: give one weight per team, rep or month")]
    NoWeights,
    /// A negative, infinite or NaN weight.
    #[error("weight {value} at position {position} is not valid: weights are finite numbers, 0 or more")]
    InvalidWeight {
        /// 1-based position in the list.
        position: usize,
        /// The weight given.
        value: f64,
    },
    /// Weights that are all 0.
    #[error("the weights add up to 0: give at least one a positive weight")]
    ZeroWeights,
    /// A negative actual in last year's shares.
    #[error("last year's actual {value} of recipient {position} is negative: shares need actuals of 0 or more")]
    NegativeLastYear {
        /// 1-based recipient.
        position: usize,
        /// The actual given.
        value: i64,
    },
    /// Last year's actuals that are all 0.
    #[error(
        "every recipient's actual last year is 0, so there is no share to follow: choose equal or weighted allocation"
    )]
    NoLastYear,
    /// A positive target for recipients or months that have no capacity at all.
    #[error("no capacity in the fiscal year (hired after it or gone before it) to carry the target of {0}")]
    NoCapacity(i64),
    /// A month of a capacity above a full month.
    #[error("capacity {basis_points} of month {month} is not valid: use 0 to 10000 basis points of a full quota")]
    InvalidCapacity {
        /// 1-based fiscal month.
        month: usize,
        /// Basis points given.
        basis_points: u16,
    },
    /// A ramp with more steps than the fiscal year has months.
    #[error("a ramp of {0} months is longer than the fiscal year: use at most 12 steps")]
    RampTooLong(usize),
    /// A ramp step of 0% or above 100%.
    #[error("ramp step {month} is {percent}%: each step is more than 0% and at most 100% of a full quota")]
    InvalidRampStep {
        /// 1-based month of the ramp.
        month: usize,
        /// Percent given.
        percent: u8,
    },
    /// Not 12 fiscal months (of a year's dates, a phasing profile).
    #[error("{0} months given: a fiscal year has 12")]
    MonthCount(usize),
    /// A rebalancing whose months already past exceed the (revised) annual target.
    #[error(
        "the months already past hold {past} against an annual target of {annual}: revise the target to at least that"
    )]
    PastExceedsAnnual {
        /// Sum of the months already past.
        past: i64,
        /// The annual target.
        annual: i64,
    },
    /// A rebalancing after the year is over, or before it starts.
    #[error("{0} months have passed: a rebalancing needs between 1 and 11 months past")]
    NothingToRebalance(usize),
    /// Fiscal months that do not tile the year.
    #[error(
        "fiscal month {0} does not start the day after the month before it ends: give one year's 12 months in order"
    )]
    MonthsNotContiguous(usize),
    /// A leave date on or before the hire date.
    #[error("leave date {leave} must be after hire date {hire}")]
    LeaveBeforeHire {
        /// Hire date.
        hire: NaiveDate,
        /// Leave date.
        leave: NaiveDate,
    },
    /// A sum beyond the range of i64 units.
    #[error("the targets add up to more than can be represented: check for a mistyped amount")]
    Overflow,
    /// A comparison of fewer than two scenarios.
    #[error("a comparison needs at least two scenarios; {0} given")]
    TooFewScenarios(usize),
    /// Two lines for the same KPI and owner in one scenario.
    #[error("scenario {scenario:?} has two lines for KPI {kpi:?} and {owner:?}: merge them into one")]
    DuplicateLine {
        /// Scenario name.
        scenario: String,
        /// KPI key.
        kpi: String,
        /// Team or rep label.
        owner: String,
    },
    /// A horizon shorter than 5 or longer than 10 years (or without stages).
    #[error("a horizon of {0} years is not valid: plan 5 to 10 years in stages")]
    HorizonLength(i64),
    /// A stage without a name.
    #[error("stage {0} has no name: name each stage, e.g. acquisition or expansion")]
    UnnamedStage(usize),
    /// A stage whose last year is before its first.
    #[error("stage {stage:?} ends in {last}, before it starts in {first}")]
    StageBackwards {
        /// Stage name.
        stage: String,
        /// First fiscal year.
        first: i32,
        /// Last fiscal year.
        last: i32,
    },
    /// A stage that does not start the year after the previous one ends (or the horizon starts).
    #[error(
        "stage {stage:?} starts in {first}, but {expected} is expected: stages follow each other without gap or overlap"
    )]
    StageNotContiguous {
        /// Stage name.
        stage: String,
        /// Its first fiscal year.
        first: i32,
        /// The first year it should have.
        expected: i64,
    },
    /// A negative or non-finite KPI priority weight.
    #[error("stage {stage:?}: weight {value} of KPI {kpi:?} is not valid: weights are finite numbers, 0 or more")]
    InvalidKpiWeight {
        /// Stage name.
        stage: String,
        /// KPI key.
        kpi: String,
        /// The weight given.
        value: f64,
    },
    /// A stage where no KPI has a positive weight.
    #[error("stage {0:?} gives no KPI a positive weight: say which KPIs matter in this stage")]
    StageWithoutPriority(String),
    /// An invalid attrition tolerance (see [`crate::attainment::Tolerance::new`]).
    #[error(transparent)]
    Tolerance(#[from] AttainmentError),
    /// Invalid growth assumptions of a horizon stage.
    #[error(transparent)]
    Growth(#[from] GrowthError),
    /// A plan without a name.
    #[error("a plan needs a name, e.g. \"Base\" or \"Stretch\"")]
    UnnamedPlan,
    /// A target without a KPI key.
    #[error("a target needs a KPI key, as in the metric catalog")]
    NoKpi,
    /// A fiscal month outside 1..=12.
    #[error("fiscal month {0} is not valid: use 1 to 12")]
    FiscalMonth(u8),
    /// A target of another KPI among the targets given for one KPI.
    #[error("a target of KPI {given:?} is among the targets of {kpi:?}: give each KPI's targets on their own")]
    OtherKpi {
        /// The KPI whose targets are given.
        kpi: String,
        /// The KPI of the stray target.
        given: String,
    },
    /// Two targets for the same KPI, owner, fiscal month and tier.
    #[error("two targets of KPI {kpi:?} for {owner} in fiscal month {month} at tier {tier}: give one")]
    DuplicateTarget {
        /// KPI key.
        kpi: String,
        /// Whose target.
        owner: TargetOwner,
        /// Fiscal month, 1..=12.
        month: u8,
        /// Tier.
        tier: TargetTier,
    },
}
