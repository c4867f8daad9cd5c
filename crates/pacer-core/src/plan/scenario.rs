//! Scenarios (plan versions, or copies with changed assumptions) compared side by side.

use super::PlanError;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

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
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
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
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
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

#[cfg(test)]
mod tests {
    use super::*;

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
}
