//! The targets of a plan: a KPI's units for an owner (the company, a team or a rep) in a fiscal
//! month, at a tier, and the checks of their rows.

use super::{FISCAL_MONTHS, PlanError};
use crate::org::{RepId, TeamId};
use crate::text_enum::text_enum;
use serde::{Deserialize, Serialize};
use std::fmt;

/// One target of a plan: a KPI's units for an owner in a fiscal month, at a tier.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Target {
    /// KPI key, as in the metric catalog.
    pub kpi: String,
    /// Whose target.
    pub owner: TargetOwner,
    /// Fiscal month, 1..=12.
    #[cfg_attr(feature = "openapi", schema(minimum = 1, maximum = 12))]
    pub month: u8,
    /// The quota or a higher tier.
    pub tier: TargetTier,
    /// Units (minor units of money or a count), 0 or more.
    #[cfg_attr(feature = "openapi", schema(minimum = 0, maximum = 10000000000000.0))]
    pub amount: i64,
}

impl Target {
    /// What identifies the target within its plan, in the order plans list targets: KPI, owner
    /// (top-down), tier, month.
    pub fn key(&self) -> (&str, TargetOwner, TargetTier, u8) {
        (&self.kpi, self.owner, self.tier, self.month)
    }
}

/// Whose target it is: the company (the top-down figure), a team or a rep.
///
/// Ordered top-down (the company, then teams, then reps, each by id), the order plans list their
/// targets in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
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
        self.level().as_str()
    }

    /// The level the owner plans at: the company, a team or a rep.
    pub fn level(self) -> OwnerLevel {
        match self {
            Self::Company => OwnerLevel::Company,
            Self::Team(_) => OwnerLevel::Team,
            Self::Rep(_) => OwnerLevel::Rep,
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

/// The level at which a target is set. The levels overlap (teams' targets are usually the
/// company's split, reps' the teams'), so totals are compared per level, never added across.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum OwnerLevel {
    /// The company as a whole.
    Company,
    /// Teams.
    Team,
    /// Reps.
    Rep,
}

text_enum! {
    /// The written form: `company`, `team` or `rep`.
    OwnerLevel { Company => "company", Team => "team", Rep => "rep" }
}

impl OwnerLevel {
    /// How a level's total is named: "company", "all teams", "all reps".
    pub fn total_label(self) -> &'static str {
        match self {
            Self::Company => "company",
            Self::Team => "all teams",
            Self::Rep => "all reps",
        }
    }
}

/// Level of a target: the quota itself, or an optional higher tier to aim for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
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
    if units < 0 {
        Err(PlanError::NegativeTarget(units))
    } else if units > crate::money::MAX_AMOUNT_MINOR {
        Err(PlanError::TargetTooLarge(units))
    } else {
        Ok(())
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_target_is_zero_or_more() {
        assert_eq!(check_target(0), Ok(()));
        assert_eq!(check_target(-1), Err(PlanError::NegativeTarget(-1)));
        assert_eq!(check_target(crate::money::MAX_AMOUNT_MINOR), Ok(()));
        assert_eq!(check_target(i64::MAX), Err(PlanError::TargetTooLarge(i64::MAX)));
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
}
