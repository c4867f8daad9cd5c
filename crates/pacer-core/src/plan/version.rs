//! A plan version as stored: its identity, status, settings and who made and approved it.

use super::{Phasing, PlanError, PlanStatus, Ramp};
use crate::attainment::Tolerance;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// Identifier of a stored plan version.
pub type PlanId = i64;

/// A plan's assumptions. Every field has a default, so settings stored before a field existed
/// still load.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
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
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::attainment::AttainmentError;

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

    /// The tolerance is attainment's, reused: `?` turns its error into a plan error.
    #[test]
    fn a_tolerance_error_is_a_plan_error() {
        let tolerance = |fraction: f64| -> Result<Tolerance, PlanError> { Ok(Tolerance::new(fraction)?) };
        assert!(tolerance(0.1).is_ok());
        assert!(matches!(tolerance(1.0), Err(PlanError::Tolerance(AttainmentError::InvalidTolerance(_)))));
    }
}
