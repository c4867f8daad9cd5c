//! The long-term horizon: 5 to 10 fiscal years in stages, each with its KPI priorities and growth
//! assumptions.

use super::PlanError;
use crate::growth::{self, YearAssumption, YearProjection};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::ops::RangeInclusive;

/// Fewest and most years of a long-term [`Horizon`] ("think in 5 to 10 years, not one").
pub const HORIZON_YEARS: RangeInclusive<i64> = 5..=10;

/// A stage of the long-term horizon, e.g. acquisition first, then expansion: the KPI priorities
/// the yearly plans of its years inherit, and the growth assumptions of its years.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(as = HorizonStage))]
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
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Horizon {
    /// First fiscal year of the horizon; the first stage starts in it.
    pub first_year: i32,
    /// Stages in order, each starting the year after the previous one ends.
    pub stages: Vec<Stage>,
}

/// One projected year of a [`Horizon`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::growth::{GrowthError, NewBusiness};

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
}
