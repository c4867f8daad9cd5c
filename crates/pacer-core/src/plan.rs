//! The annual plan's domain rules (PRODUCT.md C5, C6): a plan's status and its transitions, target
//! tiers, top-down allocation of an annual target to teams and reps, the ramp of reps hired during
//! the year, phasing into fiscal months, the gap between bottom-up and top-down, scenario
//! comparison and the long-term horizon; and the plan as stored (a version with its settings,
//! and targets per KPI, owner, fiscal month and tier) with the checks of its rows.
//!
//! Targets are integer *units*: minor units of money for money KPIs, whole counts for count KPIs,
//! never floats, and never negative. Every split here is exact to the unit (the parts sum to the
//! amount split) and deterministic:
//!
//! - **Allocation** to recipients (teams or reps) uses the largest-remainder method: each recipient
//!   gets the whole part of its exact share, and the units left over go one each to the largest
//!   fractional parts, ties to the earlier recipient. No part is a unit or more from its share.
//! - **Phasing** into months follows FORMULAS.md: each month gets its share rounded down and the
//!   rounding remainder goes to the last month (the last one with a weight, so that nothing is
//!   phased after a rep leaves), so the months sum to the annual target exactly.
//!
//! Weights given as `f64` (typed by a user, or seasonal indices) are read once into integers,
//! relative to the largest weight at a resolution of 2⁻⁵⁰ (what an f64 holds); every later step
//! is exact integer arithmetic, so no float rounding can make parts miss their total.

use crate::attainment::{AttainmentError, Tolerance};
use crate::growth::{self, GrowthError, YearAssumption, YearProjection};
use crate::org::{RepId, TeamId};
use crate::text_enum::text_enum;
use chrono::{Days, Months, NaiveDate};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::fmt;
use std::ops::RangeInclusive;

/// Months in a fiscal year: plans are phased into fiscal months.
pub const FISCAL_MONTHS: usize = 12;

/// A full month of a full quota, in basis points of [`Capacity`].
pub const FULL_MONTH: u16 = 10_000;

/// Fewest and most years of a long-term [`Horizon`] ("think in 5 to 10 years, not one").
pub const HORIZON_YEARS: RangeInclusive<i64> = 5..=10;

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

/// Where a plan version is in its life: drafted, approved by leadership, superseded, archived.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PlanStatus {
    /// Being built: the only status in which targets can be edited.
    Draft,
    /// Agreed by leadership: the plan attainment is measured against.
    Approved,
    /// An approved plan superseded by a newer approved version (e.g. after a quarterly
    /// rebalancing); kept read-only so past attainment stays explainable.
    Revised,
    /// Put away; final.
    Archived,
}

text_enum! {
    /// The stored and displayed form: `draft`, `approved`, `revised` or `archived`.
    PlanStatus { Draft => "draft", Approved => "approved", Revised => "revised", Archived => "archived" },
    unknown: PlanError::UnknownStatus
}

impl PlanStatus {
    /// Whether targets may be changed: only in a draft, so an approved plan stays what was agreed.
    pub fn is_editable(self) -> bool {
        self == Self::Draft
    }

    /// [`PlanStatus::is_editable`] as an error that tells the user what to do instead.
    pub fn ensure_editable(self) -> Result<(), PlanError> {
        if self.is_editable() { Ok(()) } else { Err(PlanError::NotEditable(self)) }
    }

    /// Whether the life cycle allows going to `next`: draft → approved, approved → revised (when a
    /// newer version is approved), and any status but archived → archived. Archived is final.
    pub fn can_become(self, next: Self) -> bool {
        matches!(
            (self, next),
            (Self::Draft, Self::Approved)
                | (Self::Approved, Self::Revised)
                | (Self::Draft | Self::Approved | Self::Revised, Self::Archived)
        )
    }

    /// The status after going to `next`, or an error saying which moves are allowed.
    pub fn transition(self, next: Self) -> Result<Self, PlanError> {
        if self.can_become(next) { Ok(next) } else { Err(PlanError::Transition { from: self, to: next }) }
    }

    /// The allowed moves from this status, in words, for [`PlanError::Transition`].
    fn allowed(self) -> &'static str {
        match self {
            Self::Draft => "a draft can be approved or archived",
            Self::Approved => "an approved plan can be revised (superseded by a newer approved version) or archived",
            Self::Revised => "a revised plan can only be archived",
            Self::Archived => "an archived plan is final",
        }
    }
}

/// Level of a target: the quota itself, or an optional higher tier to aim for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TargetTier {
    /// The quota: attainment and the tolerance are measured against it.
    Target,
    /// Above the quota, for those who reach it early.
    Stretch,
    /// Above the stretch, for the exceptional year.
    Challenge,
}

text_enum! {
    /// The stored and displayed form: `target`, `stretch` or `challenge`.
    TargetTier { Target => "target", Stretch => "stretch", Challenge => "challenge" },
    unknown: PlanError::UnknownTier
}

/// Checks a target amount in units: 0 or more.
pub fn check_target(units: i64) -> Result<(), PlanError> {
    if units < 0 { Err(PlanError::NegativeTarget(units)) } else { Ok(()) }
}

/// Checks `f64` weights: not empty, each finite and 0 or more, at least one positive.
fn check_weights(weights: &[f64]) -> Result<(), PlanError> {
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
fn quantize(weights: &[f64]) -> Vec<u128> {
    const SCALE: f64 = (1u64 << 50) as f64;
    let max = weights.iter().copied().fold(0.0, f64::max);
    weights.iter().map(|w| (w / max * SCALE).round() as u128).collect()
}

/// Splits `total` (0 or more) by integer `weights` (positive sum) with the largest-remainder
/// method, ties to the lower index.
///
/// Products stay below 2¹²⁶ (an i64 amount times a weight of at most 2⁶³), so nothing overflows.
fn largest_remainder(total: i64, weights: &[u128]) -> Vec<i64> {
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
const NUDGE: u128 = 1024;

/// Splits `total` (0 or more) by integer weights as FORMULAS.md phases: each
/// period gets its share rounded down, and the rounding remainder goes to the
/// last period with a weight, so the periods sum to `total` exactly and a
/// period without weight (before a hire, after leaving) gets nothing.
fn remainder_to_last(total: i64, weights: &[u128]) -> Vec<i64> {
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

/// How a team or company target is split among its recipients (teams or reps).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "method", content = "values")]
pub enum Allocation {
    /// The same share for everyone.
    Equal,
    /// Shares proportional to one weight per recipient (e.g. territory potential).
    Weights(Vec<f64>),
    /// Shares proportional to each recipient's actual last year, in units.
    LastYearShare(Vec<i64>),
    /// Shares proportional to each rep's capacity in the year (see [`Ramp::capacity`]), so a rep
    /// hired mid-year or ramping up carries a smaller quota.
    Capacity(Vec<Capacity>),
}

/// Allocates an annual `total` (units, 0 or more) to `recipients` by `method`, exactly: the parts
/// sum to `total`, none is negative, each is within one unit of its exact share (largest
/// remainder, ties to the earlier recipient).
///
/// 1,000,000.00 equally to three reps is 333,333.34, 333,333.33 and 333,333.33. Method values
/// must be one per recipient. Errors: a negative total, no recipients, invalid weights, all of
/// last year's actuals 0 (choose another method), or no capacity for a positive total.
pub fn allocate(total: i64, method: &Allocation, recipients: usize) -> Result<Vec<i64>, PlanError> {
    check_target(total)?;
    if recipients == 0 {
        return Err(PlanError::NoRecipients);
    }
    let one_each = |given: usize| {
        if given == recipients { Ok(()) } else { Err(PlanError::RecipientCount { recipients, given }) }
    };
    let weights: Vec<u128> = match method {
        Allocation::Equal => vec![1; recipients],
        Allocation::Weights(weights) => {
            check_weights(weights)?;
            one_each(weights.len())?;
            quantize(weights)
        }
        Allocation::LastYearShare(actuals) => {
            if let Some((i, &value)) = actuals.iter().enumerate().find(|(_, a)| **a < 0) {
                return Err(PlanError::NegativeLastYear { position: i + 1, value });
            }
            one_each(actuals.len())?;
            if actuals.iter().all(|&a| a == 0) {
                return Err(PlanError::NoLastYear);
            }
            actuals.iter().map(|a| a.unsigned_abs() as u128).collect()
        }
        Allocation::Capacity(capacities) => {
            one_each(capacities.len())?;
            let weights: Vec<u128> = capacities.iter().map(|c| u128::from(c.total())).collect();
            if weights.iter().all(|&w| w == 0) {
                // Nobody works in the year: nothing to share, unless there is nothing to carry.
                return if total == 0 { Ok(vec![0; recipients]) } else { Err(PlanError::NoCapacity(total)) };
            }
            weights
        }
    };
    Ok(largest_remainder(total, &weights))
}

/// A new hire's ramp: the percent of a full quota carried in each month from the hire month
/// (25, 50, 75 by default: three months to full productivity), then 100%.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "Vec<u8>", into = "Vec<u8>")]
pub struct Ramp {
    steps: Vec<u8>,
}

impl Default for Ramp {
    fn default() -> Self {
        Self { steps: vec![25, 50, 75] }
    }
}

impl Ramp {
    /// A ramp of at most 12 steps, each more than 0% and at most 100%; no steps means full quota
    /// from the hire month.
    pub fn new(steps: Vec<u8>) -> Result<Self, PlanError> {
        if steps.len() > FISCAL_MONTHS {
            return Err(PlanError::RampTooLong(steps.len()));
        }
        if let Some((i, &percent)) = steps.iter().enumerate().find(|(_, p)| !(1..=100).contains(*p)) {
            return Err(PlanError::InvalidRampStep { month: i + 1, percent });
        }
        Ok(Self { steps })
    }

    /// Percent of a full quota in ramp months 1, 2, ...
    pub fn steps(&self) -> &[u8] {
        &self.steps
    }

    /// A rep's capacity in each month of a fiscal year, given as its 12 `(first day, last day)`
    /// months in order (e.g. from [`crate::fiscal_calendar::FiscalCalendar::periods`]).
    ///
    /// Conventions, chosen so that a quota never depends on the day of the month:
    /// - the month containing `hire` is ramp month 1, whatever the day (a rep hired on the 20th
    ///   carries the first step for that whole month), then step 2, ..., then 100%; 0 before it;
    /// - for a hire before the year, the months already ramped are counted back from the year's
    ///   first day in calendar months (exact for month-based years, within a few days for
    ///   week-based ones);
    /// - `leave` is the day after the last working day (as [`crate::org::Rep::leave_date`]): the
    ///   month holding the last working day keeps its full factor, later months are 0.
    pub fn capacity(
        &self,
        months: &[(NaiveDate, NaiveDate)],
        hire: NaiveDate,
        leave: Option<NaiveDate>,
    ) -> Result<Capacity, PlanError> {
        let months: &[(NaiveDate, NaiveDate); FISCAL_MONTHS] =
            months.try_into().map_err(|_| PlanError::MonthCount(months.len()))?;
        for (k, pair) in months.windows(2).enumerate() {
            if pair[0].0 > pair[0].1 || pair[0].1.checked_add_days(Days::new(1)) != Some(pair[1].0) {
                return Err(PlanError::MonthsNotContiguous(k + 2));
            }
        }
        if months[11].0 > months[11].1 {
            return Err(PlanError::MonthsNotContiguous(12));
        }
        if let Some(leave) = leave
            && leave <= hire
        {
            return Err(PlanError::LeaveBeforeHire { hire, leave });
        }
        let year_start = months[0].0;
        // Position of the hire month relative to fiscal month 1 (0-based; negative before the year).
        let hire_month: i64 = if hire >= year_start {
            match months.iter().position(|&(start, end)| start <= hire && hire <= end) {
                Some(k) => k as i64,
                None => return Ok(Capacity([0; FISCAL_MONTHS])), // hired after the year
            }
        } else {
            // Past the ramp's length every month is full, so counting further back changes nothing.
            let mut back = 1u32;
            while (back as usize) <= self.steps.len()
                && year_start.checked_sub_months(Months::new(back)).is_some_and(|d| d > hire)
            {
                back += 1;
            }
            -i64::from(back)
        };
        let last_day = leave.and_then(|d| d.pred_opt());
        let mut factors = [0u16; FISCAL_MONTHS];
        for (k, (factor, &(start, _))) in factors.iter_mut().zip(months).enumerate() {
            let ramp_month = k as i64 - hire_month;
            if ramp_month < 0 || last_day.is_some_and(|last| start > last) {
                continue;
            }
            *factor = self.steps.get(ramp_month as usize).map_or(FULL_MONTH, |&p| u16::from(p) * 100);
        }
        Ok(Capacity(factors))
    }
}

impl TryFrom<Vec<u8>> for Ramp {
    type Error = PlanError;
    fn try_from(steps: Vec<u8>) -> Result<Self, PlanError> {
        Self::new(steps)
    }
}

impl From<Ramp> for Vec<u8> {
    fn from(ramp: Ramp) -> Vec<u8> {
        ramp.steps
    }
}

/// The share of a full quota a rep can carry in each fiscal month, in basis points (10,000 is a
/// full month): 0 before hire and after leaving, the ramp steps in between, or a part-time share.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "[u16; 12]", into = "[u16; 12]")]
pub struct Capacity([u16; FISCAL_MONTHS]);

impl Capacity {
    /// A full quota in every month: a rep employed all year, past the ramp.
    pub const FULL: Capacity = Capacity([FULL_MONTH; FISCAL_MONTHS]);

    /// Basis points of fiscal months 1..=12, at positions 0..=11.
    pub fn months(&self) -> &[u16; FISCAL_MONTHS] {
        &self.0
    }

    /// The year's capacity in basis-point months: 120,000 is a full year; 75,000 is a rep hired in
    /// fiscal month 4 with the default ramp (25% + 50% + 75% + 6 × 100% = 7.5 full months).
    pub fn total(&self) -> u32 {
        self.0.iter().map(|&b| u32::from(b)).sum()
    }
}

impl TryFrom<[u16; FISCAL_MONTHS]> for Capacity {
    type Error = PlanError;
    /// Checks every month is at most a full month.
    fn try_from(months: [u16; FISCAL_MONTHS]) -> Result<Self, PlanError> {
        match months.iter().position(|&b| b > FULL_MONTH) {
            Some(k) => Err(PlanError::InvalidCapacity { month: k + 1, basis_points: months[k] }),
            None => Ok(Self(months)),
        }
    }
}

impl From<Capacity> for [u16; FISCAL_MONTHS] {
    fn from(capacity: Capacity) -> Self {
        capacity.0
    }
}

/// How an annual target is spread over the 12 fiscal months.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "profile", content = "weights")]
pub enum Phasing {
    /// The same share every month.
    Even,
    /// The KPI's seasonal indices per fiscal month (C6, e.g.
    /// [`crate::seasonality::SeasonalIndices::monthly`]): busy months carry more.
    Seasonal(Vec<f64>),
    /// Weights per fiscal month chosen by hand; only their proportions matter.
    Custom(Vec<f64>),
}

impl Phasing {
    /// Checks the profile: 12 finite weights, 0 or more, at least one positive.
    pub fn validate(&self) -> Result<(), PlanError> {
        self.monthly_weights().map(|_| ())
    }

    /// The 12 monthly weights, checked.
    fn monthly_weights(&self) -> Result<[f64; FISCAL_MONTHS], PlanError> {
        match self {
            Self::Even => Ok([1.0; FISCAL_MONTHS]),
            Self::Seasonal(weights) | Self::Custom(weights) => {
                check_weights(weights)?;
                weights.as_slice().try_into().map_err(|_| PlanError::MonthCount(weights.len()))
            }
        }
    }
}

/// Phases an `annual` target (units, 0 or more) into 12 fiscal months by `profile`, weighting each
/// month by the rep's `capacity` when given (a ramping rep's first months carry less; months
/// before hire or after leaving carry nothing).
///
/// Month k's weight is profile_k × capacity_k and its target `annual` × weight_k / Σ weight,
/// rounded down; the remainder goes to the last month with a weight (FORMULAS.md "Phasing"). So
/// the months sum to `annual` exactly, none is negative and a zero-weight month gets 0. Even
/// phasing of 100 is eleven months of 8 and a last month of 12.
pub fn phase(annual: i64, profile: &Phasing, capacity: Option<&Capacity>) -> Result<Vec<i64>, PlanError> {
    check_target(annual)?;
    let mut weights = profile.monthly_weights()?;
    if let Some(capacity) = capacity {
        // As a fraction of a full month, so that a huge profile weight cannot overflow to infinity.
        for (w, &bp) in weights.iter_mut().zip(capacity.months()) {
            *w *= f64::from(bp) / f64::from(FULL_MONTH);
        }
        if weights.iter().all(|&w| w == 0.0) {
            return if annual == 0 { Ok(vec![0; FISCAL_MONTHS]) } else { Err(PlanError::NoCapacity(annual)) };
        }
    }
    Ok(remainder_to_last(annual, &quantize(&weights)))
}

/// The target to date: the monthly targets of the months ended by `today`, and of the month
/// holding it the share of its days gone by (today included), rounded down. A year-to-date
/// attainment read in the middle of a quarter compares what could have been done with what
/// was, not with the whole quarter's target. `months` are the fiscal months, first to last, one
/// per target.
pub fn target_to_date(monthly: &[i64], months: &[(NaiveDate, NaiveDate)], today: NaiveDate) -> i64 {
    let share = |target: i64, (start, end): (NaiveDate, NaiveDate)| -> i128 {
        if end <= today {
            i128::from(target)
        } else if start > today {
            0
        } else {
            let gone = (today - start).num_days() + 1;
            let days = (end - start).num_days() + 1;
            i128::from(target) * i128::from(gone) / i128::from(days)
        }
    };
    let sum: i128 = monthly.iter().zip(months).map(|(&t, &m)| share(t, m)).sum();
    i64::try_from(sum).unwrap_or(if sum > 0 { i64::MAX } else { i64::MIN })
}

/// A bottom-up sum (what teams or reps commit to) against the top-down target (what the company
/// needs).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
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

/// Compares the bottom-up targets with the top-down target (all 0 or more).
pub fn gap(top_down: i64, bottom_up: &[i64]) -> Result<Gap, PlanError> {
    check_target(top_down)?;
    bottom_up.iter().try_for_each(|&b| check_target(b))?;
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

/// The targets of one KPI for one owner (team, rep or the company) over the year's periods.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TargetLine {
    /// KPI key, as in the metric catalog.
    pub kpi: String,
    /// Team or rep label (or the company).
    pub owner: String,
    /// Targets per period, in units (usually the 12 fiscal months).
    pub months: Vec<i64>,
}

/// A named set of targets: one version of a plan, or a copy with changed assumptions.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Scenario {
    /// Name shown as the comparison's column, e.g. "v2 (stretch)".
    pub name: String,
    /// Its target lines, at most one per (KPI, owner).
    pub lines: Vec<TargetLine>,
}

/// One row of a scenario comparison: a KPI's totals across scenarios, all owners together or for
/// one owner.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ComparedTotal {
    /// KPI key.
    pub kpi: String,
    /// The owner, or `None` for the KPI's total over all owners.
    pub owner: Option<String>,
    /// Annual total per scenario, in the scenarios' order; 0 where a scenario has no line.
    pub totals: Vec<i64>,
    /// Each total minus the baseline's (the first scenario's), so the first is always 0.
    pub differences: Vec<i64>,
}

/// Scenarios side by side: annual totals per KPI, then per KPI and owner (never summed across
/// KPIs, since revenue and demos do not add up), each against the first scenario.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Comparison {
    /// Scenario names, the baseline first.
    pub scenarios: Vec<String>,
    /// One row per KPI (owner `None`), by KPI key.
    pub by_kpi: Vec<ComparedTotal>,
    /// One row per KPI and owner, by KPI key then owner.
    pub by_owner: Vec<ComparedTotal>,
}

/// Compares two or more scenarios against the first (the baseline).
///
/// Errors: fewer than two scenarios, two lines for the same KPI and owner in one scenario (their
/// sum would hide a mistake), or totals beyond i64.
pub fn compare(scenarios: &[Scenario]) -> Result<Comparison, PlanError> {
    if scenarios.len() < 2 {
        return Err(PlanError::TooFewScenarios(scenarios.len()));
    }
    let n = scenarios.len();
    let mut by_kpi: BTreeMap<&str, Vec<i128>> = BTreeMap::new();
    let mut by_owner: BTreeMap<(&str, &str), Vec<i128>> = BTreeMap::new();
    for (s, scenario) in scenarios.iter().enumerate() {
        let mut seen = std::collections::BTreeSet::new();
        for line in &scenario.lines {
            if !seen.insert((&line.kpi, &line.owner)) {
                return Err(PlanError::DuplicateLine {
                    scenario: scenario.name.clone(),
                    kpi: line.kpi.clone(),
                    owner: line.owner.clone(),
                });
            }
            let total: i128 = line.months.iter().map(|&m| i128::from(m)).sum();
            by_kpi.entry(&line.kpi).or_insert_with(|| vec![0; n])[s] += total;
            by_owner.entry((&line.kpi, &line.owner)).or_insert_with(|| vec![0; n])[s] += total;
        }
    }
    let row = |kpi: &str, owner: Option<&str>, totals: Vec<i128>| -> Result<ComparedTotal, PlanError> {
        let fit = |v: i128| i64::try_from(v).map_err(|_| PlanError::Overflow);
        Ok(ComparedTotal {
            kpi: kpi.to_owned(),
            owner: owner.map(str::to_owned),
            differences: totals.iter().map(|&t| fit(t - totals[0])).collect::<Result<_, _>>()?,
            totals: totals.into_iter().map(fit).collect::<Result<_, _>>()?,
        })
    };
    Ok(Comparison {
        scenarios: scenarios.iter().map(|s| s.name.clone()).collect(),
        by_kpi: by_kpi.into_iter().map(|(kpi, t)| row(kpi, None, t)).collect::<Result<_, _>>()?,
        by_owner: by_owner.into_iter().map(|((kpi, owner), t)| row(kpi, Some(owner), t)).collect::<Result<_, _>>()?,
    })
}

/// A stage of the long-term horizon, e.g. acquisition first, then expansion: the KPI priorities
/// the yearly plans of its years inherit, and the growth assumptions of its years.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Stage {
    /// Name, e.g. "acquisition".
    pub name: String,
    /// First fiscal year of the stage.
    pub first_year: i32,
    /// Last fiscal year of the stage (inclusive).
    pub last_year: i32,
    /// Priority weight per KPI key; only proportions matter (see [`Stage::normalised_weights`]).
    pub kpi_weights: BTreeMap<String, f64>,
    /// Churn, expansion (0 for customers) and new business of customers, each year of the stage.
    pub customers: YearAssumption,
    /// Churn, expansion and new business of recurring revenue, each year of the stage.
    pub revenue: YearAssumption,
}

impl Stage {
    /// The stage's fiscal years.
    pub fn years(&self) -> RangeInclusive<i32> {
        self.first_year..=self.last_year
    }

    /// The KPI weights scaled to sum to 1, so stages and yearly plans compare on one scale.
    /// Empty when no weight is positive (which [`Horizon::validate`] refuses).
    pub fn normalised_weights(&self) -> BTreeMap<String, f64> {
        // Through the largest first, so that a sum of huge weights cannot overflow to infinity.
        let max = self.kpi_weights.values().copied().fold(0.0, f64::max);
        if max <= 0.0 || !max.is_finite() {
            return BTreeMap::new();
        }
        let sum: f64 = self.kpi_weights.values().map(|w| w / max).sum();
        self.kpi_weights.iter().map(|(k, w)| (k.clone(), w / max / sum)).collect()
    }
}

/// The long-term view: 5 to 10 fiscal years in contiguous stages.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Horizon {
    /// First fiscal year of the horizon; the first stage starts in it.
    pub first_year: i32,
    /// Stages in order, each starting the year after the previous one ends.
    pub stages: Vec<Stage>,
}

/// One projected year of a [`Horizon`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct HorizonYear {
    /// The fiscal year.
    pub fiscal_year: i32,
    /// Name of the stage the year belongs to.
    pub stage: String,
    /// Customers over the year.
    pub customers: YearProjection,
    /// Recurring revenue over the year, in minor units.
    pub revenue: YearProjection,
}

impl Horizon {
    /// Checks the horizon: stages named, each from its first to its last year, contiguous from
    /// `first_year` without gap or overlap, 5 to 10 years in all, and per stage KPI weights that
    /// are finite, 0 or more, and not all 0.
    pub fn validate(&self) -> Result<(), PlanError> {
        let mut expected = i64::from(self.first_year);
        for (i, stage) in self.stages.iter().enumerate() {
            if stage.name.trim().is_empty() {
                return Err(PlanError::UnnamedStage(i + 1));
            }
            let (first, last) = (stage.first_year, stage.last_year);
            if last < first {
                return Err(PlanError::StageBackwards { stage: stage.name.clone(), first, last });
            }
            if i64::from(first) != expected {
                return Err(PlanError::StageNotContiguous { stage: stage.name.clone(), first, expected });
            }
            expected = i64::from(last) + 1;
            if let Some((kpi, &value)) = stage.kpi_weights.iter().find(|(_, w)| !w.is_finite() || **w < 0.0) {
                return Err(PlanError::InvalidKpiWeight { stage: stage.name.clone(), kpi: kpi.clone(), value });
            }
            if !stage.kpi_weights.values().any(|&w| w > 0.0) {
                return Err(PlanError::StageWithoutPriority(stage.name.clone()));
            }
        }
        let years = expected - i64::from(self.first_year);
        if !HORIZON_YEARS.contains(&years) {
            return Err(PlanError::HorizonLength(years));
        }
        Ok(())
    }

    /// The stage holding `fiscal_year`, whose KPI weights that year's plan inherits; `None`
    /// outside the horizon.
    pub fn stage_of(&self, fiscal_year: i32) -> Option<&Stage> {
        self.stages.iter().find(|s| s.years().contains(&fiscal_year))
    }

    /// Projects customers and recurring revenue (minor units) over the horizon from their values
    /// at its start, each year with its stage's assumptions, by [`growth::project_years`].
    pub fn project(&self, customers: i64, revenue: i64) -> Result<Vec<HorizonYear>, PlanError> {
        self.validate()?;
        let years: Vec<(i32, &Stage)> =
            self.stages.iter().flat_map(|stage| stage.years().map(move |year| (year, stage))).collect();
        let assumptions = |pick: fn(&Stage) -> YearAssumption| years.iter().map(|(_, s)| pick(s)).collect::<Vec<_>>();
        let customers = growth::project_years(customers, &assumptions(|s| s.customers))?;
        let revenue = growth::project_years(revenue, &assumptions(|s| s.revenue))?;
        Ok(years
            .iter()
            .zip(customers.into_iter().zip(revenue))
            .map(|(&(fiscal_year, stage), (customers, revenue))| HorizonYear {
                fiscal_year,
                stage: stage.name.clone(),
                customers,
                revenue,
            })
            .collect())
    }
}

/// Identifier of a stored plan version.
pub type PlanId = i64;

/// Whose target it is: the company (the top-down figure), a team or a rep.
///
/// Ordered top-down (the company, then teams, then reps, each by id), the order plans list their
/// targets in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "kind", content = "id")]
pub enum TargetOwner {
    /// The company as a whole.
    Company,
    /// A team.
    Team(TeamId),
    /// A rep.
    Rep(RepId),
}

impl TargetOwner {
    /// The stored and displayed kind: `company`, `team` or `rep`.
    pub fn kind_str(self) -> &'static str {
        match self {
            Self::Company => "company",
            Self::Team(_) => "team",
            Self::Rep(_) => "rep",
        }
    }

    /// The team's or rep's id; `None` for the company, which has none.
    pub fn id(self) -> Option<i64> {
        match self {
            Self::Company => None,
            Self::Team(id) | Self::Rep(id) => Some(id),
        }
    }
}

impl fmt::Display for TargetOwner {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Company => f.write_str("the company"),
            Self::Team(id) => write!(f, "team {id}"),
            Self::Rep(id) => write!(f, "rep {id}"),
        }
    }
}

/// Even phasing unless a plan says otherwise: it needs no history.
impl Default for Phasing {
    fn default() -> Self {
        Self::Even
    }
}

/// A plan's assumptions. Every field has a default, so settings stored before a field existed
/// still load.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct PlanSettings {
    /// The attrition tolerance of every KPI without its own (0 by default: credited attainment is
    /// raw attainment).
    pub tolerance: Tolerance,
    /// Tolerances of single KPIs, by KPI key, overriding the plan's.
    pub kpi_tolerances: BTreeMap<String, Tolerance>,
    /// How annual targets are phased into fiscal months.
    pub phasing: Phasing,
    /// The ramp of reps hired during the year.
    pub ramp: Ramp,
    /// What the plan assumes, in words (a scenario's "what if").
    pub note: Option<String>,
}

impl PlanSettings {
    /// The tolerance attainment of `kpi` is credited with: its own, else the plan's.
    pub fn tolerance_for(&self, kpi: &str) -> Tolerance {
        self.kpi_tolerances.get(kpi).copied().unwrap_or(self.tolerance)
    }

    /// Checks what deserialising cannot: the phasing profile (tolerances and the ramp are checked
    /// when they are made).
    pub fn validate(&self) -> Result<(), PlanError> {
        self.phasing.validate()
    }
}

/// One version of an annual plan, as stored.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Plan {
    /// Identifier.
    pub id: PlanId,
    /// The fiscal year planned.
    pub fiscal_year: i32,
    /// Name, e.g. "Base" or "Stretch": a scenario is a plan with its own name.
    pub name: String,
    /// 1, 2, ... within the fiscal year and name: a copy under the same name is the next version.
    pub version: i32,
    /// Where it is in its life.
    pub status: PlanStatus,
    /// The plan this one was copied from.
    pub copied_from: Option<PlanId>,
    /// Its assumptions.
    pub settings: PlanSettings,
    /// Who created it.
    pub created_by: String,
    /// When, UTC, RFC 3339.
    pub created_at: String,
    /// Who approved it, once approved (kept when it is later revised or archived).
    pub approved_by: Option<String>,
    /// When, UTC, RFC 3339.
    pub approved_at: Option<String>,
}

/// What is needed to create a plan: it starts as a draft.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct NewPlan {
    /// The fiscal year planned.
    pub fiscal_year: i32,
    /// Name (see [`check_plan_name`]).
    pub name: String,
    /// Its assumptions.
    #[serde(default)]
    pub settings: PlanSettings,
    /// The plan it derives from, if any.
    #[serde(default)]
    pub copied_from: Option<PlanId>,
}

/// Checks a plan's name: not blank.
pub fn check_plan_name(name: &str) -> Result<(), PlanError> {
    if name.trim().is_empty() { Err(PlanError::UnnamedPlan) } else { Ok(()) }
}

/// One target of a plan: a KPI's units for an owner in a fiscal month, at a tier.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Target {
    /// KPI key, as in the metric catalog.
    pub kpi: String,
    /// Whose target.
    pub owner: TargetOwner,
    /// Fiscal month, 1..=12.
    pub month: u8,
    /// The quota or a higher tier.
    pub tier: TargetTier,
    /// Units (minor units of money or a count), 0 or more.
    pub amount: i64,
}

impl Target {
    /// What identifies the target within its plan, in the order plans list targets: KPI, owner
    /// (top-down), tier, month.
    pub fn key(&self) -> (&str, TargetOwner, TargetTier, u8) {
        (&self.kpi, self.owner, self.tier, self.month)
    }
}

/// Checks one target: a KPI key, a fiscal month 1..=12 and an amount of 0 or more.
pub fn check_target_row(target: &Target) -> Result<(), PlanError> {
    if target.kpi.trim().is_empty() {
        return Err(PlanError::NoKpi);
    }
    if !(1..=FISCAL_MONTHS as u8).contains(&target.month) {
        return Err(PlanError::FiscalMonth(target.month));
    }
    check_target(target.amount)
}

/// Checks the complete set of one KPI's targets: every row valid, every row of `kpi`, and at most
/// one per owner, month and tier (a second would silently replace the first).
pub fn check_kpi_targets(kpi: &str, targets: &[Target]) -> Result<(), PlanError> {
    if kpi.trim().is_empty() {
        return Err(PlanError::NoKpi);
    }
    let mut seen = std::collections::HashSet::with_capacity(targets.len());
    for target in targets {
        check_target_row(target)?;
        if target.kpi != kpi {
            return Err(PlanError::OtherKpi { kpi: kpi.to_owned(), given: target.kpi.clone() });
        }
        if !seen.insert(target.key()) {
            return Err(PlanError::DuplicateTarget {
                kpi: target.kpi.clone(),
                owner: target.owner,
                month: target.month,
                tier: target.tier,
            });
        }
    }
    Ok(())
}

/// Re-phases what remains of an annual target over the months after the first `elapsed`
/// (the quarterly rebalancing, PRODUCT.md C7): the months already past keep their targets, the
/// rest of `annual` (the target, or a revised one) is spread over the remaining months by
/// `weights` (seasonal indices, or 1.0 each), with FORMULAS.md's rounding: each month rounded
/// down and the remainder in the last month with a weight. So the year sums to `annual` exactly.
///
/// A remaining month that had no target (a rep who left, or not yet hired) keeps none, unless
/// no remaining month had one: then the weights alone decide.
pub fn rebalance(current: &[i64], elapsed: usize, annual: i64, weights: &[f64]) -> Result<Vec<i64>, PlanError> {
    check_target(annual)?;
    let current: &[i64; FISCAL_MONTHS] = current.try_into().map_err(|_| PlanError::MonthCount(current.len()))?;
    let weights: &[f64; FISCAL_MONTHS] = weights.try_into().map_err(|_| PlanError::MonthCount(weights.len()))?;
    if !(1..FISCAL_MONTHS).contains(&elapsed) {
        return Err(PlanError::NothingToRebalance(elapsed));
    }
    check_weights(&weights[elapsed..])?;
    let past: i64 = current[..elapsed].iter().sum();
    if past > annual {
        return Err(PlanError::PastExceedsAnnual { past, annual });
    }
    let had_target = current[elapsed..].iter().any(|&m| m > 0);
    let masked: Vec<f64> = weights[elapsed..]
        .iter()
        .zip(&current[elapsed..])
        .map(|(&w, &m)| if had_target && m == 0 { 0.0 } else { w })
        .collect();
    // Months with a target but no weight left: the weights alone decide.
    let rest = if masked.iter().any(|&w| w > 0.0) { masked } else { weights[elapsed..].to_vec() };
    let mut out = current[..elapsed].to_vec();
    out.extend(remainder_to_last(annual - past, &quantize(&rest)));
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::attainment::Tolerance;
    use crate::fiscal_calendar::{FiscalCalendar, PeriodKind, WeekPattern, YearEndRule, YearNaming};
    use crate::growth::NewBusiness;
    use crate::testing::day;
    use proptest::prelude::*;

    /// The 12 months of fiscal year `fy` starting in `start_month`, named by end year.
    fn months(start_month: u32, fy: i32) -> Vec<(NaiveDate, NaiveDate)> {
        let calendar = FiscalCalendar::monthly(start_month, YearNaming::EndYear).unwrap();
        calendar.periods(fy, PeriodKind::Month).unwrap().iter().map(|p| (p.start, p.end)).collect()
    }

    fn bp(months: [u16; 12]) -> Capacity {
        Capacity::try_from(months).unwrap()
    }

    #[test]
    fn status_life_cycle() {
        use PlanStatus::*;
        let all = [Draft, Approved, Revised, Archived];
        let allowed =
            [(Draft, Approved), (Approved, Revised), (Draft, Archived), (Approved, Archived), (Revised, Archived)];
        for from in all {
            for to in all {
                assert_eq!(from.can_become(to), allowed.contains(&(from, to)), "{from} -> {to}");
                assert_eq!(from.transition(to).is_ok(), allowed.contains(&(from, to)));
            }
            assert_eq!(from.as_str().parse::<PlanStatus>().unwrap(), from);
            assert_eq!(serde_json::to_value(from).unwrap(), from.as_str());
        }
        assert_eq!(Draft.transition(Approved), Ok(Approved));
        assert_eq!(
            Archived.transition(Draft).unwrap_err().to_string(),
            "a archived plan cannot become draft: an archived plan is final"
        );
        assert_eq!(
            Draft.transition(Revised).unwrap_err().to_string(),
            "a draft plan cannot become revised: a draft can be approved or archived"
        );
        assert!(Draft.is_editable() && Draft.ensure_editable().is_ok());
        for status in [Approved, Revised, Archived] {
            assert!(!status.is_editable());
            assert_eq!(status.ensure_editable(), Err(PlanError::NotEditable(status)));
        }
        assert_eq!(" Approved ".parse::<PlanStatus>().unwrap(), Approved);
        assert_eq!("final".parse::<PlanStatus>(), Err(PlanError::UnknownStatus("final".into())));
        assert_eq!(serde_json::from_str::<PlanStatus>("\"revised\"").unwrap(), Revised);
    }

    #[test]
    fn tiers() {
        for tier in [TargetTier::Target, TargetTier::Stretch, TargetTier::Challenge] {
            assert_eq!(tier.to_string().parse::<TargetTier>().unwrap(), tier);
            assert_eq!(serde_json::to_value(tier).unwrap(), tier.as_str());
        }
        assert!(TargetTier::Target < TargetTier::Stretch && TargetTier::Stretch < TargetTier::Challenge);
        assert_eq!("STRETCH".parse::<TargetTier>().unwrap(), TargetTier::Stretch);
        assert!("quota".parse::<TargetTier>().unwrap_err().to_string().contains("target, stretch or challenge"));
    }

    #[test]
    fn target_owners_in_json_and_order() {
        let json = |owner: TargetOwner| serde_json::to_value(owner).unwrap();
        assert_eq!(json(TargetOwner::Company), serde_json::json!({ "kind": "company" }));
        assert_eq!(json(TargetOwner::Team(3)), serde_json::json!({ "kind": "team", "id": 3 }));
        assert_eq!(json(TargetOwner::Rep(7)), serde_json::json!({ "kind": "rep", "id": 7 }));
        for owner in [TargetOwner::Company, TargetOwner::Team(3), TargetOwner::Rep(7)] {
            assert_eq!(serde_json::from_value::<TargetOwner>(json(owner)).unwrap(), owner);
        }
        assert_eq!((TargetOwner::Company.kind_str(), TargetOwner::Company.id()), ("company", None));
        assert_eq!((TargetOwner::Rep(7).kind_str(), TargetOwner::Rep(7).id()), ("rep", Some(7)));
        // Top-down: the company, then teams, then reps.
        assert!(TargetOwner::Company < TargetOwner::Team(9) && TargetOwner::Team(9) < TargetOwner::Rep(1));
        assert_eq!(TargetOwner::Team(3).to_string(), "team 3");
    }

    #[test]
    fn plan_settings_default_and_load_from_older_json() {
        let settings: PlanSettings = serde_json::from_str("{}").unwrap();
        assert_eq!(settings, PlanSettings::default());
        assert_eq!(settings.phasing, Phasing::Even);
        assert_eq!(settings.ramp, Ramp::default());
        let settings: PlanSettings =
            serde_json::from_str(r#"{"tolerance": 0.05, "kpi_tolerances": {"demos": 0.1}}"#).unwrap();
        assert_eq!(settings.tolerance_for("demos"), Tolerance::new(0.1).unwrap());
        assert_eq!(settings.tolerance_for("revenue"), Tolerance::new(0.05).unwrap());
        let json = serde_json::to_value(&settings).unwrap();
        assert_eq!(json["tolerance"], 0.05);
        assert_eq!(serde_json::from_value::<PlanSettings>(json).unwrap(), settings);
        assert!(serde_json::from_str::<PlanSettings>(r#"{"tolerance": 1.5}"#).is_err());
        let custom = PlanSettings { phasing: Phasing::Custom(vec![1.0; 11]), ..PlanSettings::default() };
        assert_eq!(custom.validate(), Err(PlanError::MonthCount(11)));
        let new: NewPlan = serde_json::from_str(r#"{"fiscal_year": 2026, "name": "Base"}"#).unwrap();
        assert_eq!((new.settings, new.copied_from), (PlanSettings::default(), None));
        assert_eq!(check_plan_name(" "), Err(PlanError::UnnamedPlan));
        assert_eq!(check_plan_name("Base"), Ok(()));
    }

    #[test]
    fn target_rows_are_checked() {
        let row = |month: u8, amount: i64| Target {
            kpi: "revenue".into(),
            owner: TargetOwner::Rep(1),
            month,
            tier: TargetTier::Target,
            amount,
        };
        assert_eq!(check_target_row(&row(1, 0)), Ok(()));
        assert_eq!(check_target_row(&row(12, 5)), Ok(()));
        assert_eq!(check_target_row(&row(0, 5)), Err(PlanError::FiscalMonth(0)));
        assert_eq!(check_target_row(&row(13, 5)), Err(PlanError::FiscalMonth(13)));
        assert_eq!(check_target_row(&row(3, -1)), Err(PlanError::NegativeTarget(-1)));
        assert_eq!(check_target_row(&Target { kpi: " ".into(), ..row(1, 1) }), Err(PlanError::NoKpi));

        let stretch = Target { tier: TargetTier::Stretch, ..row(1, 9) };
        assert_eq!(check_kpi_targets("revenue", &[row(1, 5), stretch.clone(), row(2, 5)]), Ok(()));
        assert_eq!(
            check_kpi_targets("revenue", &[row(1, 5), Target { kpi: "demos".into(), ..row(1, 5) }]),
            Err(PlanError::OtherKpi { kpi: "revenue".into(), given: "demos".into() })
        );
        let err = check_kpi_targets("revenue", &[row(1, 5), stretch, row(1, 6)]).unwrap_err();
        assert_eq!(
            err,
            PlanError::DuplicateTarget {
                kpi: "revenue".into(),
                owner: TargetOwner::Rep(1),
                month: 1,
                tier: TargetTier::Target
            }
        );
        assert_eq!(
            err.to_string(),
            "two targets of KPI \"revenue\" for rep 1 in fiscal month 1 at tier target: give one"
        );
        assert_eq!(check_kpi_targets("revenue", &[row(13, 5)]), Err(PlanError::FiscalMonth(13)));
        assert_eq!(check_kpi_targets("", &[]), Err(PlanError::NoKpi));
        assert_eq!(check_kpi_targets("revenue", &[]), Ok(()));
    }

    #[test]
    fn validation_errors_are_typed_and_clear() {
        assert_eq!(check_target(0), Ok(()));
        assert_eq!(check_target(-1), Err(PlanError::NegativeTarget(-1)));
        assert_eq!(allocate(-5, &Allocation::Equal, 2), Err(PlanError::NegativeTarget(-5)));
        assert_eq!(allocate(5, &Allocation::Equal, 0), Err(PlanError::NoRecipients));
        assert_eq!(allocate(5, &Allocation::Weights(vec![]), 2), Err(PlanError::NoWeights));
        assert_eq!(
            allocate(5, &Allocation::Weights(vec![1.0, -2.0]), 2),
            Err(PlanError::InvalidWeight { position: 2, value: -2.0 })
        );
        assert!(matches!(
            allocate(5, &Allocation::Weights(vec![f64::NAN]), 1),
            Err(PlanError::InvalidWeight { position: 1, .. })
        ));
        assert_eq!(
            allocate(5, &Allocation::Weights(vec![1.0, f64::INFINITY]), 2),
            Err(PlanError::InvalidWeight { position: 2, value: f64::INFINITY })
        );
        assert_eq!(allocate(5, &Allocation::Weights(vec![0.0, 0.0]), 2), Err(PlanError::ZeroWeights));
        assert_eq!(
            allocate(5, &Allocation::Weights(vec![1.0; 3]), 2),
            Err(PlanError::RecipientCount { recipients: 2, given: 3 })
        );
        assert_eq!(
            allocate(5, &Allocation::LastYearShare(vec![3, -1]), 2),
            Err(PlanError::NegativeLastYear { position: 2, value: -1 })
        );
        let err = allocate(5, &Allocation::LastYearShare(vec![0, 0]), 2).unwrap_err();
        assert_eq!(err, PlanError::NoLastYear);
        assert!(err.to_string().contains("choose equal or weighted allocation"), "{err}");
        assert_eq!(Ramp::new(vec![10; 13]), Err(PlanError::RampTooLong(13)));
        assert_eq!(Ramp::new(vec![25, 0]), Err(PlanError::InvalidRampStep { month: 2, percent: 0 }));
        assert_eq!(Ramp::new(vec![101]), Err(PlanError::InvalidRampStep { month: 1, percent: 101 }));
        assert_eq!(Ramp::new(vec![100; 12]).unwrap().steps().len(), 12);
        assert_eq!(
            Capacity::try_from([10_001; 12]),
            Err(PlanError::InvalidCapacity { month: 1, basis_points: 10_001 })
        );
        assert_eq!(Phasing::Custom(vec![1.0; 11]).validate(), Err(PlanError::MonthCount(11)));
        assert_eq!(Phasing::Seasonal(vec![]).validate(), Err(PlanError::NoWeights));
        assert_eq!(Phasing::Custom(vec![0.0; 12]).validate(), Err(PlanError::ZeroWeights));
        assert!(Phasing::Even.validate().is_ok());
        assert_eq!(phase(-1, &Phasing::Even, None), Err(PlanError::NegativeTarget(-1)));
        // The tolerance is attainment's, reused: `?` turns its error into a plan error.
        let tolerance = |fraction: f64| -> Result<Tolerance, PlanError> { Ok(Tolerance::new(fraction)?) };
        assert!(tolerance(0.1).is_ok());
        assert!(matches!(tolerance(1.0), Err(PlanError::Tolerance(AttainmentError::InvalidTolerance(_)))));
        // Deserializing validates too.
        assert!(serde_json::from_str::<Ramp>("[25, 150]").is_err());
        assert_eq!(serde_json::from_str::<Ramp>("[25, 50, 75]").unwrap(), Ramp::default());
        assert!(
            serde_json::from_str::<Capacity>(
                "[10000,10000,10000,10000,10000,10000,10000,10000,10000,10000,10000,20000]"
            )
            .is_err()
        );
    }

    #[test]
    fn allocation_worked_examples() {
        // (total, method, recipients, expected parts)
        let table: Vec<(i64, Allocation, usize, Vec<i64>)> = vec![
            // 1,000,000.00 equally to 3 reps: the spare cent goes to the first (tie-break by index).
            (100_000_000, Allocation::Equal, 3, vec![33_333_334, 33_333_333, 33_333_333]),
            (2, Allocation::Equal, 3, vec![1, 1, 0]),
            (0, Allocation::Equal, 2, vec![0, 0]),
            (1_000_000, Allocation::Weights(vec![50.0, 30.0, 20.0]), 3, vec![500_000, 300_000, 200_000]),
            // Four equal remainders of 0.5: the first two get the spare units.
            (10, Allocation::Weights(vec![1.0; 4]), 4, vec![3, 3, 2, 2]),
            // 100 × (1, 2, 3)/6 = 16.67, 33.33, 50: the largest remainder (0.67) takes the unit.
            (100, Allocation::Weights(vec![1.0, 2.0, 3.0]), 3, vec![17, 33, 50]),
            (7, Allocation::Weights(vec![0.0, 1.0]), 2, vec![0, 7]),
            // Last year 300 and 200 (and a new team with 0): 60% and 40% of this year's 1,000.
            (1000, Allocation::LastYearShare(vec![300, 200, 0]), 3, vec![600, 400, 0]),
            (100, Allocation::LastYearShare(vec![5, 5, 5]), 3, vec![34, 33, 33]),
            // Huge actuals stay exact.
            (i64::MAX, Allocation::LastYearShare(vec![i64::MAX, i64::MAX]), 2, vec![i64::MAX / 2 + 1, i64::MAX / 2]),
            // A full-year rep (120,000 bp-months) and a fiscal-month-4 hire on the default ramp (75,000).
            (1_950_000, Allocation::Capacity(vec![Capacity::FULL, bp(HIRED_M4)]), 2, vec![1_200_000, 750_000]),
            (0, Allocation::Capacity(vec![bp([0; 12])]), 1, vec![0]),
        ];
        for (total, method, n, want) in table {
            assert_eq!(allocate(total, &method, n).unwrap(), want, "{total} by {method:?}");
        }
        assert_eq!(allocate(1, &Allocation::Capacity(vec![bp([0; 12])]), 1), Err(PlanError::NoCapacity(1)));
        let json = serde_json::to_value(Allocation::Weights(vec![1.0, 2.0])).unwrap();
        assert_eq!(json, serde_json::json!({"method": "weights", "values": [1.0, 2.0]}));
        assert_eq!(
            serde_json::from_value::<Allocation>(serde_json::json!({"method": "equal"})).unwrap(),
            Allocation::Equal
        );
    }

    /// Default ramp for a hire in fiscal month 4: 25%, 50%, 75%, then full.
    const HIRED_M4: [u16; 12] = [0, 0, 0, 2500, 5000, 7500, 10_000, 10_000, 10_000, 10_000, 10_000, 10_000];

    #[test]
    fn ramp_worked_examples() {
        let ramp = Ramp::default();
        let full = [FULL_MONTH; 12];
        // FY2025 = calendar 2025. (hire, leave, expected basis points per fiscal month)
        let fy = months(1, 2025);
        let table: &[(&str, Option<&str>, [u16; 12])] = &[
            // Hired on 15 April (fiscal month 4): April is ramp month 1, whatever the day.
            ("2025-04-15", None, HIRED_M4),
            ("2025-04-01", None, HIRED_M4),
            ("2025-04-30", None, HIRED_M4),
            // Hired before the year, long enough ago: full all year.
            ("2020-06-01", None, full),
            // Hired in November: Nov 25%, Dec 50%, so January (ramp month 3) is 75%.
            (
                "2024-11-20",
                None,
                [7500, 10_000, 10_000, 10_000, 10_000, 10_000, 10_000, 10_000, 10_000, 10_000, 10_000, 10_000],
            ),
            (
                "2024-12-31",
                None,
                [5000, 7500, 10_000, 10_000, 10_000, 10_000, 10_000, 10_000, 10_000, 10_000, 10_000, 10_000],
            ),
            // Hired in the last month of the year.
            ("2025-12-01", None, [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2500]),
            // Hired after the year: nothing.
            ("2026-01-05", None, [0; 12]),
            // Leaver: last working day 30 September (leave date 1 October): October on is 0.
            (
                "2019-01-01",
                Some("2025-10-01"),
                [10_000, 10_000, 10_000, 10_000, 10_000, 10_000, 10_000, 10_000, 10_000, 0, 0, 0],
            ),
            // Leaving mid-month keeps that month whole.
            (
                "2019-01-01",
                Some("2025-09-16"),
                [10_000, 10_000, 10_000, 10_000, 10_000, 10_000, 10_000, 10_000, 10_000, 0, 0, 0],
            ),
            // Gone before the year.
            ("2019-01-01", Some("2025-01-01"), [0; 12]),
            // Hired in April, left in July: ramping, then gone.
            ("2025-04-15", Some("2025-08-01"), [0, 0, 0, 2500, 5000, 7500, 10_000, 0, 0, 0, 0, 0]),
        ];
        for &(hire, leave, want) in table {
            let got = ramp.capacity(&fy, day(hire), leave.map(day)).unwrap();
            assert_eq!(got.months(), &want, "hired {hire}, leaving {leave:?}");
        }
        assert_eq!(bp(HIRED_M4).total(), 75_000);
        assert_eq!(Capacity::FULL.total(), 120_000);
        // A year starting in February (FY2026 = Feb 2025 .. Jan 2026): a January hire is already in
        // ramp month 2 in fiscal month 1.
        let feb = months(2, 2026);
        let got = ramp.capacity(&feb, day("2025-01-10"), None).unwrap();
        assert_eq!(got.months()[..3], [5000, 7500, 10_000]);
        // No ramp: full from the hire month.
        let none = Ramp::new(vec![]).unwrap();
        assert_eq!(none.capacity(&fy, day("2025-11-30"), None).unwrap().months()[9..], [0, 10_000, 10_000]);
        // Errors: dates, month count and order.
        assert_eq!(
            ramp.capacity(&fy, day("2025-04-15"), Some(day("2025-04-15"))),
            Err(PlanError::LeaveBeforeHire { hire: day("2025-04-15"), leave: day("2025-04-15") })
        );
        assert_eq!(ramp.capacity(&fy[..11], day("2025-04-15"), None), Err(PlanError::MonthCount(11)));
        let mut shuffled = fy.clone();
        shuffled.swap(3, 4);
        assert_eq!(ramp.capacity(&shuffled, day("2025-04-15"), None), Err(PlanError::MonthsNotContiguous(4)));
    }

    #[test]
    fn ramp_in_a_week_based_year() {
        // 4-4-5, years ending on the Saturday nearest 31 January, named by start year: FY2024 runs
        // 2024-02-04 .. 2025-02-01. A hire on 1 February 2024 is in the last days of FY2023, so
        // fiscal month 1 of FY2024 is ramp month 2.
        let calendar = FiscalCalendar::weekly(
            WeekPattern::P445,
            1,
            chrono::Weekday::Sat,
            YearEndRule::Nearest,
            YearNaming::StartYear,
        )
        .unwrap();
        let fy: Vec<_> = calendar.periods(2024, PeriodKind::Month).unwrap().iter().map(|p| (p.start, p.end)).collect();
        assert_eq!(fy[0].0, day("2024-02-04"));
        let ramp = Ramp::default();
        assert_eq!(ramp.capacity(&fy, day("2024-02-01"), None).unwrap().months()[..3], [5000, 7500, 10_000]);
        // Within the year the fiscal months count: hired on the first day of fiscal month 2.
        let m2 = fy[1].0;
        assert_eq!(ramp.capacity(&fy, m2, None).unwrap().months()[..5], [0, 2500, 5000, 7500, 10_000]);
    }

    #[test]
    fn target_to_date_counts_ended_months_and_the_days_gone_of_this_one() {
        // February 1 to April 30, 10,000 a month.
        let months = [
            (day("2026-02-01"), day("2026-02-28")),
            (day("2026-03-01"), day("2026-03-31")),
            (day("2026-04-01"), day("2026-04-30")),
        ];
        let monthly = [10_000, 10_000, 10_000];
        assert_eq!(target_to_date(&monthly, &months, day("2026-01-31")), 0);
        assert_eq!(target_to_date(&monthly, &months, day("2026-02-28")), 10_000);
        // 15 of March's 31 days: 4,838.7 rounded down.
        assert_eq!(target_to_date(&monthly, &months, day("2026-03-15")), 14_838);
        assert_eq!(target_to_date(&monthly, &months, day("2026-04-30")), 30_000);
        assert_eq!(target_to_date(&monthly, &months, day("2027-01-01")), 30_000);
    }

    #[test]
    fn phasing_worked_examples() {
        // Even: 100 / 12 rounds down to 8, and the remainder (4) goes to the last month.
        assert_eq!(phase(100, &Phasing::Even, None).unwrap(), [8, 8, 8, 8, 8, 8, 8, 8, 8, 8, 8, 12]);
        assert_eq!(phase(1_200_000, &Phasing::Even, None).unwrap(), vec![100_000; 12]);
        assert_eq!(phase(0, &Phasing::Even, None).unwrap(), vec![0; 12]);
        // Seasonal indices (mean 1): 1,000,000.00 × 0.8 / 12 = 6,666,666.67 in month 1, rounded down.
        let s = vec![0.8, 0.85, 1.1, 0.9, 0.95, 1.2, 0.7, 0.75, 1.05, 1.0, 1.15, 1.55];
        let p = phase(100_000_000, &Phasing::Seasonal(s.clone()), None).unwrap();
        assert_eq!(p.iter().sum::<i64>(), 100_000_000);
        assert_eq!(p[0], 6_666_666);
        for (k, (&month, w)) in p.iter().zip(&s).enumerate().take(11) {
            let exact = 100_000_000.0 * w / 12.0;
            assert!(month as f64 <= exact + 1e-6 && month as f64 > exact - 1.0, "month {}: {month} vs {exact}", k + 1);
        }
        // Custom: a quarter-end push.
        let custom = Phasing::Custom(vec![1.0, 1.0, 2.0, 1.0, 1.0, 2.0, 1.0, 1.0, 2.0, 1.0, 1.0, 2.0]);
        assert_eq!(phase(1600, &custom, None).unwrap(), [100, 100, 200, 100, 100, 200, 100, 100, 200, 100, 100, 200]);
        // The fiscal-month-4 hire's 750,000 phased evenly by capacity: 7.5 full months of 100,000.
        assert_eq!(
            phase(750_000, &Phasing::Even, Some(&bp(HIRED_M4))).unwrap(),
            [0, 0, 0, 25_000, 50_000, 75_000, 100_000, 100_000, 100_000, 100_000, 100_000, 100_000]
        );
        // Capacity and season together: a leaver after month 6 with a custom profile.
        let leaver = bp([10_000, 10_000, 10_000, 10_000, 10_000, 10_000, 0, 0, 0, 0, 0, 0]);
        assert_eq!(phase(800, &custom, Some(&leaver)).unwrap(), [100, 100, 200, 100, 100, 200, 0, 0, 0, 0, 0, 0]);
        // Huge custom weights stay finite under a capacity.
        let huge = Phasing::Custom(vec![f64::MAX; 12]);
        assert_eq!(phase(1200, &huge, Some(&Capacity::FULL)).unwrap(), vec![100; 12]);
        // No capacity at all.
        assert_eq!(phase(1, &Phasing::Even, Some(&bp([0; 12]))), Err(PlanError::NoCapacity(1)));
        assert_eq!(phase(0, &Phasing::Even, Some(&bp([0; 12]))).unwrap(), vec![0; 12]);
        let json = serde_json::to_value(Phasing::Custom(vec![1.0; 12])).unwrap();
        assert_eq!(json["profile"], "custom");
        assert_eq!(serde_json::from_value::<Phasing>(serde_json::json!({"profile": "even"})).unwrap(), Phasing::Even);
    }

    #[test]
    fn team_to_reps_with_ramp_then_months() {
        // A team target of 3,000,000 (units) for two full-year reps and an April hire.
        let fy = months(1, 2025);
        let ramp = Ramp::default();
        let caps: Vec<Capacity> = ["2020-01-01", "2023-05-01", "2025-04-15"]
            .iter()
            .map(|hire| ramp.capacity(&fy, day(hire), None).unwrap())
            .collect();
        let quotas = allocate(3_150_000, &Allocation::Capacity(caps.clone()), 3).unwrap();
        // Weights 12 : 12 : 7.5 full months of 31.5: 1,200,000 each and 750,000.
        assert_eq!(quotas, [1_200_000, 1_200_000, 750_000]);
        for (quota, cap) in quotas.iter().zip(&caps) {
            let months = phase(*quota, &Phasing::Even, Some(cap)).unwrap();
            assert_eq!(months.iter().sum::<i64>(), *quota);
        }
    }

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

    fn line(kpi: &str, owner: &str, each: i64) -> TargetLine {
        TargetLine { kpi: kpi.into(), owner: owner.into(), months: vec![each; 12] }
    }

    #[test]
    fn scenario_comparison() {
        let baseline = Scenario {
            name: "v1".into(),
            lines: vec![line("revenue", "East", 100), line("revenue", "West", 50), line("demos", "East", 2)],
        };
        let stretch = Scenario {
            name: "v2 stretch".into(),
            lines: vec![
                line("revenue", "East", 125),
                line("revenue", "West", 50),
                line("demos", "East", 2),
                line("demos", "West", 1),
            ],
        };
        let cautious = Scenario { name: "v3 cautious".into(), lines: vec![line("revenue", "East", 90)] };
        let c = compare(&[baseline.clone(), stretch.clone(), cautious]).unwrap();
        assert_eq!(c.scenarios, ["v1", "v2 stretch", "v3 cautious"]);
        let row = |kpi: &str, owner: Option<&str>, totals: [i64; 3], differences: [i64; 3]| ComparedTotal {
            kpi: kpi.to_owned(),
            owner: owner.map(str::to_owned),
            totals: totals.to_vec(),
            differences: differences.to_vec(),
        };
        assert_eq!(
            c.by_kpi,
            [row("demos", None, [24, 36, 0], [0, 12, -24]), row("revenue", None, [1800, 2100, 1080], [0, 300, -720])]
        );
        assert_eq!(
            c.by_owner,
            [
                row("demos", Some("East"), [24, 24, 0], [0, 0, -24]),
                row("demos", Some("West"), [0, 12, 0], [0, 12, 0]),
                row("revenue", Some("East"), [1200, 1500, 1080], [0, 300, -120]),
                row("revenue", Some("West"), [600, 600, 0], [0, 0, -600]),
            ]
        );
        assert_eq!(compare(std::slice::from_ref(&baseline)), Err(PlanError::TooFewScenarios(1)));
        let mut twice = stretch;
        twice.lines.push(line("demos", "West", 3));
        assert_eq!(
            compare(&[baseline, twice]),
            Err(PlanError::DuplicateLine { scenario: "v2 stretch".into(), kpi: "demos".into(), owner: "West".into() })
        );
    }

    fn stage(name: &str, first: i32, last: i32, weights: &[(&str, f64)], customers: YearAssumption) -> Stage {
        Stage {
            name: name.into(),
            first_year: first,
            last_year: last,
            kpi_weights: weights.iter().map(|&(k, w)| (k.to_owned(), w)).collect(),
            customers,
            revenue: YearAssumption {
                churn_rate: 0.07,
                expansion_rate: 0.1,
                new_business: NewBusiness::NetGrowth(0.2),
            },
        }
    }

    fn acquisition_then_expansion() -> Horizon {
        let acquire = YearAssumption { churn_rate: 0.1, expansion_rate: 0.0, new_business: NewBusiness::PerYear(80) };
        let expand =
            YearAssumption { churn_rate: 0.05, expansion_rate: 0.0, new_business: NewBusiness::NetGrowth(0.05) };
        Horizon {
            first_year: 2026,
            stages: vec![
                stage("acquisition", 2026, 2028, &[("new_customers", 3.0), ("demos", 1.0)], acquire),
                stage(
                    "expansion",
                    2029,
                    2032,
                    &[("upsell", 2.0), ("new_customers", 1.0), ("event_attendance", 1.0)],
                    expand,
                ),
            ],
        }
    }

    #[test]
    fn horizon_stages_and_projection() {
        let h = acquisition_then_expansion();
        assert_eq!(h.validate(), Ok(()));
        assert_eq!(h.stage_of(2026).unwrap().name, "acquisition");
        assert_eq!(h.stage_of(2028).unwrap().name, "acquisition");
        assert_eq!(h.stage_of(2029).unwrap().name, "expansion");
        assert!(h.stage_of(2025).is_none() && h.stage_of(2033).is_none());
        let w = h.stages[0].normalised_weights();
        assert_eq!((w["new_customers"], w["demos"]), (0.75, 0.25));
        let w = h.stages[1].normalised_weights();
        assert_eq!((w["upsell"], w["new_customers"], w["event_attendance"]), (0.5, 0.25, 0.25));
        // The projection is growth::project_years over the stages' years, labelled by fiscal year.
        let p = h.project(500, 10_000_000).unwrap();
        assert_eq!(p.iter().map(|y| y.fiscal_year).collect::<Vec<_>>(), (2026..=2032).collect::<Vec<_>>());
        let ends: Vec<i64> = p.iter().map(|y| y.customers.end).collect();
        // 500 − 50 + 80 = 530; 530 − 53 + 80 = 557; 557 − 56 + 80 = 581; then +5% a year.
        assert_eq!(ends[..4], [530, 557, 581, 610]);
        let years: Vec<YearAssumption> = (2026..=2032).map(|y| h.stage_of(y).unwrap().customers).collect();
        let direct = growth::project_years(500, &years).unwrap();
        assert_eq!(p.iter().map(|y| y.customers).collect::<Vec<_>>(), direct);
        assert_eq!(p[3].stage, "expansion");
        assert_eq!(p[0].revenue.end, 12_000_000); // +20% net
    }

    #[test]
    fn horizon_validation() {
        let check = |edit: fn(&mut Horizon)| {
            let mut h = acquisition_then_expansion();
            edit(&mut h);
            h.validate().unwrap_err()
        };
        assert_eq!(check(|h| h.stages[1].last_year = 2029), PlanError::HorizonLength(4));
        assert_eq!(check(|h| h.stages[1].last_year = 2036), PlanError::HorizonLength(11));
        assert_eq!(check(|h| h.stages.clear()), PlanError::HorizonLength(0));
        assert_eq!(
            check(|h| h.stages[1].first_year = 2030),
            PlanError::StageNotContiguous { stage: "expansion".into(), first: 2030, expected: 2029 }
        );
        assert_eq!(
            check(|h| h.stages[1].first_year = 2028),
            PlanError::StageNotContiguous { stage: "expansion".into(), first: 2028, expected: 2029 }
        );
        assert_eq!(
            check(|h| h.first_year = 2025),
            PlanError::StageNotContiguous { stage: "acquisition".into(), first: 2026, expected: 2025 }
        );
        assert_eq!(
            check(|h| h.stages[0].last_year = 2025),
            PlanError::StageBackwards { stage: "acquisition".into(), first: 2026, last: 2025 }
        );
        assert_eq!(check(|h| h.stages[1].name = " ".into()), PlanError::UnnamedStage(2));
        assert_eq!(
            check(|h| {
                h.stages[0].kpi_weights.insert("demos".into(), -1.0);
            }),
            PlanError::InvalidKpiWeight { stage: "acquisition".into(), kpi: "demos".into(), value: -1.0 }
        );
        assert_eq!(
            check(|h| h.stages[1].kpi_weights.values_mut().for_each(|w| *w = 0.0)),
            PlanError::StageWithoutPriority("expansion".into())
        );
        assert_eq!(check(|h| h.stages[1].kpi_weights.clear()), PlanError::StageWithoutPriority("expansion".into()));
        // Projection refuses an invalid horizon and invalid growth assumptions.
        let mut h = acquisition_then_expansion();
        h.stages[0].customers.churn_rate = 1.5;
        assert!(matches!(h.project(500, 0), Err(PlanError::Growth(GrowthError::InvalidRate { .. }))));
        h.stages[0].last_year = 2027;
        assert!(matches!(h.project(500, 0), Err(PlanError::StageNotContiguous { .. })));
    }

    /// Weight lists with at least one positive weight, some zeros allowed.
    fn weights(len: std::ops::Range<usize>) -> impl Strategy<Value = Vec<f64>> {
        prop::collection::vec(prop_oneof![Just(0.0), 0.0001f64..1000.0, 1e-6f64..1e12], len)
            .prop_filter("a positive weight", |w| w.iter().any(|&x| x > 0.0))
    }

    fn capacity() -> impl Strategy<Value = Capacity> {
        prop::array::uniform12(prop_oneof![Just(0u16), Just(FULL_MONTH), 0..=FULL_MONTH]).prop_map(bp)
    }

    /// Slack for reading f64 weights at 2⁻⁵⁰ of the largest: well under a unit below 10¹³.
    fn slack(total: i64, n: usize) -> f64 {
        total as f64 * n as f64 / (1u64 << 50) as f64 + 1e-9
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(500))]

        #[test]
        fn allocation_by_weights_is_exact(total in 0i64..=10_000_000_000_000, w in weights(1..40)) {
            let parts = allocate(total, &Allocation::Weights(w.clone()), w.len()).unwrap();
            prop_assert_eq!(parts.iter().map(|&p| i128::from(p)).sum::<i128>(), i128::from(total));
            let sum: f64 = w.iter().sum();
            for (&part, &weight) in parts.iter().zip(&w) {
                prop_assert!(part >= 0);
                let share = total as f64 * weight / sum;
                prop_assert!((part as f64 - share).abs() < 1.0 + slack(total, w.len()), "{} vs {}", part, share);
                if weight == 0.0 {
                    prop_assert_eq!(part, 0);
                }
            }
        }

        #[test]
        fn allocation_equal_and_last_year_are_exact(
            total in 0i64..=10_000_000_000_000,
            last_year in prop::collection::vec(0i64..=1_000_000_000_000, 1..40),
        ) {
            let n = last_year.len();
            let equal = allocate(total, &Allocation::Equal, n).unwrap();
            prop_assert_eq!(equal.iter().sum::<i64>(), total);
            // Equal parts differ by at most one unit, the larger ones first.
            prop_assert!(equal.windows(2).all(|p| p[0] == p[1] || p[0] == p[1] + 1));
            if last_year.iter().any(|&a| a > 0) {
                let shares = allocate(total, &Allocation::LastYearShare(last_year.clone()), n).unwrap();
                prop_assert_eq!(shares.iter().sum::<i64>(), total);
                let sum: i128 = last_year.iter().map(|&a| i128::from(a)).sum();
                for (&part, &actual) in shares.iter().zip(&last_year) {
                    // Exact integers: the part is the floor or the ceiling of total × actual / sum.
                    let floor = i128::from(total) * i128::from(actual) / sum;
                    prop_assert!(i128::from(part) == floor || i128::from(part) == floor + 1);
                }
            }
        }

        #[test]
        fn phasing_is_exact(total in 0i64..=10_000_000_000_000, w in weights(12..13), cap in prop::option::of(capacity())) {
            let profile = Phasing::Custom(w.clone());
            let effective: Vec<f64> = match &cap {
                Some(c) => w.iter().zip(c.months()).map(|(w, &b)| w * f64::from(b)).collect(),
                None => w.clone(),
            };
            let months = match phase(total, &profile, cap.as_ref()) {
                Ok(months) => months,
                Err(e) => {
                    prop_assert_eq!(e, PlanError::NoCapacity(total));
                    prop_assert!(effective.iter().all(|&x| x == 0.0) && total > 0);
                    return Ok(());
                }
            };
            prop_assert_eq!(months.len(), 12);
            prop_assert_eq!(months.iter().sum::<i64>(), total);
            let sum: f64 = effective.iter().sum();
            let last = effective.iter().rposition(|&w| w > 0.0);
            for (k, (&month, &weight)) in months.iter().zip(&effective).enumerate() {
                prop_assert!(month >= 0);
                if weight == 0.0 {
                    prop_assert_eq!(month, 0);
                }
                if sum > 0.0 && Some(k) != last {
                    // Every other month is its exact share rounded down.
                    let exact = total as f64 * weight / sum;
                    let eps = slack(total, 12) + total as f64 * 1e-15;
                    let nudge = 1.0 / NUDGE as f64;
                    prop_assert!(month as f64 <= exact + nudge + eps && month as f64 > exact - 1.0 - eps);
                }
            }
        }

        #[test]
        fn ramp_capacity_is_made_of_steps(
            hire_offset in -400i64..800,
            stay in prop::option::of(1i64..900),
            steps in prop::collection::vec(1u8..=100, 0..=12),
        ) {
            let fy = months(4, 2026);
            let ramp = Ramp::new(steps.clone()).unwrap();
            let hire = fy[0].0 + chrono::Duration::days(hire_offset);
            let leave = stay.map(|s| hire + chrono::Duration::days(s));
            let cap = ramp.capacity(&fy, hire, leave).unwrap();
            let allowed: Vec<u16> = steps.iter().map(|&p| u16::from(p) * 100).chain([0, FULL_MONTH]).collect();
            prop_assert!(cap.months().iter().all(|b| allowed.contains(b)));
            // Working months form one unbroken run (hire to leave), outside which capacity is 0.
            let working: Vec<usize> = (0..12).filter(|&k| cap.months()[k] > 0).collect();
            if let (Some(&first), Some(&last)) = (working.first(), working.last()) {
                prop_assert_eq!(working.len(), last - first + 1);
            }
        }
    }

    #[test]
    fn rebalancing_keeps_the_past_and_the_year() {
        // 1,200 evenly, 3 months past; the rest re-phased by seasonality (last quarter heavy).
        let current = vec![100; 12];
        let weights = [1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 2.0, 2.0, 2.0];
        let next = rebalance(&current, 3, 1200, &weights).unwrap();
        assert_eq!(&next[..3], &[100, 100, 100]);
        assert_eq!(next.iter().sum::<i64>(), 1200);
        assert_eq!(&next[3..], &[75, 75, 75, 75, 75, 75, 150, 150, 150]);
        // Revised down below what is past: refused.
        assert_eq!(rebalance(&current, 3, 250, &weights), Err(PlanError::PastExceedsAnnual { past: 300, annual: 250 }));
        // A leaver's empty months stay empty.
        let leaver = [100, 100, 100, 100, 100, 100, 0, 0, 0, 0, 0, 0];
        let next = rebalance(&leaver, 3, 600, &[1.0; 12]).unwrap();
        assert_eq!(next, vec![100, 100, 100, 100, 100, 100, 0, 0, 0, 0, 0, 0]);
        assert_eq!(rebalance(&current, 12, 1200, &weights), Err(PlanError::NothingToRebalance(12)));
    }

    proptest! {
        #[test]
        fn rebalancing_sums_to_the_annual_target(
            current in prop::collection::vec(0i64..1_000_000_000, 12),
            elapsed in 1usize..12,
            extra in 0i64..1_000_000_000_000,
            weights in prop::collection::vec(0.05f64..3.0, 12),
        ) {
            let annual = current[..elapsed].iter().sum::<i64>() + extra;
            let next = rebalance(&current, elapsed, annual, &weights).unwrap();
            prop_assert_eq!(next.iter().sum::<i64>(), annual);
            prop_assert_eq!(&next[..elapsed], &current[..elapsed]);
            prop_assert!(next.iter().all(|&m| m >= 0));
        }
    }
}
