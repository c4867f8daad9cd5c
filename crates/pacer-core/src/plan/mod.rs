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

mod allocation;
mod error;
mod explain;
#[cfg(test)]
mod fixtures;
mod gap;
mod horizon;
mod phasing;
mod ramp;
mod scenario;
mod split;
mod targets;
mod version;

pub use allocation::{Allocation, allocate};
pub use error::PlanError;
pub use explain::{TargetBasis, TargetNote, explain};
pub use gap::{Gap, gap};
pub use horizon::{HORIZON_YEARS, Horizon, HorizonYear, Stage};
pub use phasing::{Phasing, phase, rebalance};
pub use ramp::{Capacity, FULL_MONTH, Ramp};
pub use scenario::{ComparedTotal, Comparison, Scenario, TargetLine, compare};
pub use targets::{OwnerLevel, Target, TargetOwner, TargetTier, check_kpi_targets, check_target, check_target_row};
pub use version::{NewPlan, Plan, PlanId, PlanSettings, check_plan_name};

use crate::text_enum::text_enum;
use serde::{Deserialize, Serialize};

/// Months in a fiscal year: plans are phased into fiscal months.
pub const FISCAL_MONTHS: usize = 12;

/// Where a plan version is in its life: drafted, approved by leadership, superseded, archived.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::plan::fixtures::months;
    use crate::testing::day;

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
}
