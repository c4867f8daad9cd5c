//! Scenarios (plan versions, or copies with changed assumptions) compared side by side.

use super::{OwnerLevel, PlanError};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet};

/// The targets of one KPI for one owner (team, rep or the company) over the year's periods.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TargetLine {
    /// KPI key, as in the metric catalog.
    pub kpi: String,
    /// Whether the owner is the company, a team or a rep.
    pub level: OwnerLevel,
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
    /// Its target lines, at most one per (KPI, level, owner).
    pub lines: Vec<TargetLine>,
}

/// One row of a scenario comparison: a KPI's totals across scenarios, for one level (all its
/// owners together) or for one owner.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ComparedTotal {
    /// KPI key.
    pub kpi: String,
    /// The level compared: the company's target, the teams' or the reps'.
    pub level: OwnerLevel,
    /// The owner, or `None` for the level's total ("all teams").
    pub owner: Option<String>,
    /// Annual total per scenario, in the scenarios' order; 0 where a scenario has no line.
    pub totals: Vec<i64>,
    /// Each total minus the baseline's (the first scenario's), so the first is always 0.
    pub differences: Vec<i64>,
}

impl ComparedTotal {
    /// The row's label: the owner's name, or the level's total ("all teams").
    pub fn label(&self) -> &str {
        self.owner.as_deref().unwrap_or(self.level.total_label())
    }
}

/// Scenarios side by side: annual totals per KPI and level, then per KPI and owner, each against
/// the first scenario. Totals are never summed across KPIs (revenue and demos do not add up) nor
/// across levels (the teams' targets are the company's, split: adding them would count twice).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Comparison {
    /// Scenario names, the baseline first.
    pub scenarios: Vec<String>,
    /// One row per KPI and level (owner `None`), by KPI key then level: company, teams, reps.
    pub by_level: Vec<ComparedTotal>,
    /// One row per KPI and team or rep, by KPI key, level, then owner (the company's row is its
    /// level's, in `by_level`).
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
    let mut by_level: BTreeMap<(&str, OwnerLevel), Vec<i128>> = BTreeMap::new();
    let mut by_owner: BTreeMap<(&str, OwnerLevel, &str), Vec<i128>> = BTreeMap::new();
    for (s, scenario) in scenarios.iter().enumerate() {
        let mut seen = BTreeSet::new();
        for line in &scenario.lines {
            if !seen.insert((&line.kpi, line.level, &line.owner)) {
                return Err(PlanError::DuplicateLine {
                    scenario: scenario.name.clone(),
                    kpi: line.kpi.clone(),
                    owner: line.owner.clone(),
                });
            }
            let total: i128 = line.months.iter().map(|&m| i128::from(m)).sum();
            by_level.entry((&line.kpi, line.level)).or_insert_with(|| vec![0; n])[s] += total;
            if line.level != OwnerLevel::Company {
                by_owner.entry((&line.kpi, line.level, &line.owner)).or_insert_with(|| vec![0; n])[s] += total;
            }
        }
    }
    let row = |kpi: &str, level: OwnerLevel, owner: Option<&str>, totals: Vec<i128>| {
        let fit = |v: i128| i64::try_from(v).map_err(|_| PlanError::Overflow);
        Ok::<_, PlanError>(ComparedTotal {
            kpi: kpi.to_owned(),
            level,
            owner: owner.map(str::to_owned),
            differences: totals.iter().map(|&t| fit(t - totals[0])).collect::<Result<_, _>>()?,
            totals: totals.into_iter().map(fit).collect::<Result<_, _>>()?,
        })
    };
    Ok(Comparison {
        scenarios: scenarios.iter().map(|s| s.name.clone()).collect(),
        by_level: by_level.into_iter().map(|((kpi, level), t)| row(kpi, level, None, t)).collect::<Result<_, _>>()?,
        by_owner: by_owner
            .into_iter()
            .map(|((kpi, level, owner), t)| row(kpi, level, Some(owner), t))
            .collect::<Result<_, _>>()?,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn line(kpi: &str, level: OwnerLevel, owner: &str, each: i64) -> TargetLine {
        TargetLine { kpi: kpi.into(), level, owner: owner.into(), months: vec![each; 12] }
    }
    use OwnerLevel::{Company, Rep, Team};

    fn row(kpi: &str, level: OwnerLevel, owner: Option<&str>, totals: &[i64], differences: &[i64]) -> ComparedTotal {
        ComparedTotal {
            kpi: kpi.to_owned(),
            level,
            owner: owner.map(str::to_owned),
            totals: totals.to_vec(),
            differences: differences.to_vec(),
        }
    }

    #[test]
    fn scenario_comparison() {
        let baseline = Scenario {
            name: "v1".into(),
            lines: vec![
                line("revenue", Team, "East", 100),
                line("revenue", Team, "West", 50),
                line("demos", Team, "East", 2),
            ],
        };
        let stretch = Scenario {
            name: "v2 stretch".into(),
            lines: vec![
                line("revenue", Team, "East", 125),
                line("revenue", Team, "West", 50),
                line("demos", Team, "East", 2),
                line("demos", Team, "West", 1),
            ],
        };
        let cautious = Scenario { name: "v3 cautious".into(), lines: vec![line("revenue", Team, "East", 90)] };
        let c = compare(&[baseline.clone(), stretch.clone(), cautious]).unwrap();
        assert_eq!(c.scenarios, ["v1", "v2 stretch", "v3 cautious"]);
        assert_eq!(
            c.by_level,
            [
                row("demos", Team, None, &[24, 36, 0], &[0, 12, -24]),
                row("revenue", Team, None, &[1800, 2100, 1080], &[0, 300, -720])
            ]
        );
        assert_eq!(
            c.by_owner,
            [
                row("demos", Team, Some("East"), &[24, 24, 0], &[0, 0, -24]),
                row("demos", Team, Some("West"), &[0, 12, 0], &[0, 12, 0]),
                row("revenue", Team, Some("East"), &[1200, 1500, 1080], &[0, 300, -120]),
                row("revenue", Team, Some("West"), &[600, 600, 0], &[0, 0, -600]),
            ]
        );
        assert_eq!(c.by_level[0].label(), "all teams");
        assert_eq!(c.by_owner[0].label(), "East");
        assert_eq!(compare(std::slice::from_ref(&baseline)), Err(PlanError::TooFewScenarios(1)));
        let mut twice = stretch;
        twice.lines.push(line("demos", Team, "West", 3));
        assert_eq!(
            compare(&[baseline, twice]),
            Err(PlanError::DuplicateLine { scenario: "v2 stretch".into(), kpi: "demos".into(), owner: "West".into() })
        );
    }

    /// The company's 1,200 split into teams 700 + 500 and reps 400 + 300 + 500: each level
    /// totals 1,200, never 3,600.
    #[test]
    fn levels_are_side_by_side_never_added() {
        let plan = |company: i64| Scenario {
            name: format!("company {company}"),
            lines: vec![
                line("revenue", Company, "Company", company),
                line("revenue", Team, "East", 700 / 12),
                line("revenue", Team, "West", 500 / 12),
                line("revenue", Rep, "Ana", 400 / 12),
                line("revenue", Rep, "Ben", 300 / 12),
                line("revenue", Rep, "Cyd", 500 / 12),
            ],
        };
        let c = compare(&[plan(100), plan(110)]).unwrap();
        let levels: Vec<(&str, i64, i64)> =
            c.by_level.iter().map(|r| (r.label(), r.totals[0], r.differences[1])).collect();
        assert_eq!(levels, [("company", 1200, 120), ("all teams", 696 + 492, 0), ("all reps", 396 + 300 + 492, 0)]);
        assert!(c.by_owner.iter().all(|r| r.level != Company), "the company's row is its level's");
        assert_eq!(c.by_owner.len(), 5);
    }

    proptest! {
        /// Each level's total is the sum of its owners' rows: nothing counted twice, nothing lost.
        #[test]
        fn level_totals_are_their_owners_sums(
            teams in proptest::collection::vec(0i64..1_000_000, 1..5),
            reps in proptest::collection::vec(0i64..1_000_000, 1..8),
            company in 0i64..10_000_000,
        ) {
            let mut lines = vec![line("revenue", Company, "Company", company)];
            lines.extend(teams.iter().enumerate().map(|(i, &t)| line("revenue", Team, &format!("T{i}"), t)));
            lines.extend(reps.iter().enumerate().map(|(i, &r)| line("revenue", Rep, &format!("R{i}"), r)));
            let s = Scenario { name: "a".into(), lines };
            let c = compare(&[s.clone(), s]).unwrap();
            for level in [Company, Team, Rep] {
                let total = c.by_level.iter().find(|r| r.level == level).unwrap().totals[0];
                let expected: i64 = match level {
                    Company => company * 12,
                    Team => teams.iter().sum::<i64>() * 12,
                    Rep => reps.iter().sum::<i64>() * 12,
                };
                prop_assert_eq!(total, expected);
                if level != Company {
                    let owners: i64 = c.by_owner.iter().filter(|r| r.level == level).map(|r| r.totals[0]).sum();
                    prop_assert_eq!(owners, total);
                }
            }
        }
    }
}
