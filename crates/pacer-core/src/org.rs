//! The organisation: its settings, teams in a hierarchy, reps and their
//! effective-dated team memberships.

use crate::fiscal_calendar::{FiscalCalendar, WorkingDays, YearNaming};
use crate::money::Currency;
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use std::collections::{HashMap, HashSet};

/// Identifier of a team.
pub type TeamId = i64;
/// Identifier of a rep (any person of the sales organisation).
pub type RepId = i64;

/// Settings that every figure depends on: the fiscal calendar, the currency, working days.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Organisation {
    /// Display name.
    pub name: String,
    /// Currency of plans and reports.
    pub currency: Currency,
    /// How fiscal years, quarters and months fall.
    pub calendar: FiscalCalendar,
    /// Weekend days and holidays, for working-day counts.
    pub working_days: WorkingDays,
    /// Annual churn band: normal, acceptable, high (FORMULAS.md).
    #[serde(default)]
    pub churn_band: crate::churn::ChurnBand,
    /// The reasons a churn event can be tagged with.
    #[serde(default = "crate::churn::default_reasons")]
    pub churn_reasons: Vec<crate::churn::ChurnReason>,
    /// The open stages of a deal, with their probability and forecast category.
    #[serde(default)]
    pub pipeline_stages: crate::pipeline::StageConfig,
    /// The long-term strategy in stages, which yearly plans inherit their KPI priorities from.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub horizon: Option<crate::plan::Horizon>,
    /// How many fiscal years of history seasonal indices learn from, at most (at least 2);
    /// every year with data when unset.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub seasonality_years: Option<u32>,
    /// The organisation's time zone (IANA name), which the weekly digest's schedule is in.
    #[serde(default = "utc")]
    pub time_zone: chrono_tz::Tz,
    /// When the weekly digest goes out.
    #[serde(default)]
    pub digest: crate::digest::DigestSchedule,
    /// The organisation's language, which its people read unless they chose their own; unset,
    /// each reads the language their browser (or system) asks for.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub language: Option<crate::language::Language>,
}

fn utc() -> chrono_tz::Tz {
    chrono_tz::Tz::UTC
}

impl Default for Organisation {
    fn default() -> Self {
        Self {
            name: "My sales organisation".into(),
            currency: Currency::parse("USD").expect("USD is a valid code"),
            calendar: FiscalCalendar::Monthly { start_month: 1, naming: YearNaming::EndYear },
            working_days: WorkingDays::default(),
            churn_band: crate::churn::ChurnBand::default(),
            churn_reasons: crate::churn::default_reasons(),
            pipeline_stages: crate::pipeline::StageConfig::default(),
            horizon: None,
            seasonality_years: None,
            time_zone: utc(),
            digest: crate::digest::DigestSchedule::default(),
            language: None,
        }
    }
}

/// A team; teams form a tree through `parent_id`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Team {
    /// Identifier.
    pub id: TeamId,
    /// Unique name.
    pub name: String,
    /// Region the team sells in (free text, used as a report filter).
    pub region: Option<String>,
    /// The team above this one, if any.
    pub parent_id: Option<TeamId>,
    /// The rep record of the person who manages the team.
    pub manager_id: Option<RepId>,
    /// False once deactivated; history stays.
    pub active: bool,
}

/// What is needed to create a team.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewTeam {
    /// Unique name.
    pub name: String,
    /// Region.
    pub region: Option<String>,
    /// Parent team.
    pub parent_id: Option<TeamId>,
    /// Manager's rep record.
    pub manager_id: Option<RepId>,
}

/// A change to a team; `None` leaves a field as it is, `Some(None)` clears it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct TeamUpdate {
    /// New name.
    pub name: Option<String>,
    /// New region.
    pub region: Option<Option<String>>,
    /// New parent.
    pub parent_id: Option<Option<TeamId>>,
    /// New manager.
    pub manager_id: Option<Option<RepId>>,
}

/// A person of the sales organisation: a quota-carrying rep or a manager.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Rep {
    /// Identifier.
    pub id: RepId,
    /// Full name.
    pub name: String,
    /// E-mail address, unique when given.
    pub email: Option<String>,
    /// Job title, e.g. "Account Executive".
    pub title: Option<String>,
    /// Team on the current date (from the memberships), if any.
    pub team_id: Option<TeamId>,
    /// First working day.
    pub hire_date: NaiveDate,
    /// Day after the last working day, once the rep has left.
    pub leave_date: Option<NaiveDate>,
    /// Identifier in the source system (CRM), for imports.
    pub external_id: Option<String>,
}

impl Rep {
    /// Whether the rep is employed on `date` (hired, not yet left).
    pub fn is_active_on(&self, date: NaiveDate) -> bool {
        self.hire_date <= date && self.leave_date.is_none_or(|left| date < left)
    }
}

/// What is needed to create a rep.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewRep {
    /// Full name.
    pub name: String,
    /// E-mail.
    pub email: Option<String>,
    /// Job title.
    pub title: Option<String>,
    /// Team from the hire date.
    pub team_id: Option<TeamId>,
    /// First working day.
    pub hire_date: NaiveDate,
    /// Day the rep leaves, if known.
    pub leave_date: Option<NaiveDate>,
    /// Identifier in the source system.
    pub external_id: Option<String>,
}

/// A change to a rep; `None` leaves a field as it is, `Some(None)` clears it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct RepUpdate {
    /// New name.
    pub name: Option<String>,
    /// New e-mail.
    pub email: Option<Option<String>>,
    /// New title.
    pub title: Option<Option<String>>,
    /// New hire date.
    pub hire_date: Option<NaiveDate>,
    /// New leave date (setting one deactivates the rep from that day).
    pub leave_date: Option<Option<NaiveDate>>,
}

/// A rep's membership of a team over `[valid_from, valid_to)`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Membership {
    /// The rep.
    pub rep_id: RepId,
    /// The team.
    pub team_id: TeamId,
    /// First day in the team.
    pub valid_from: NaiveDate,
    /// First day no longer in the team; `None` while current.
    pub valid_to: Option<NaiveDate>,
}

/// Why a change to the organisation is refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum OrgError {
    /// Setting the parent would make the team its own ancestor.
    #[error("team {team} cannot have parent {parent}: that would make a cycle ({path})")]
    TeamCycle {
        /// The team being changed.
        team: TeamId,
        /// The proposed parent.
        parent: TeamId,
        /// The cycle, as ids joined by arrows.
        path: String,
    },
    /// A leave date on or before the hire date.
    #[error("leave date {leave} must be after hire date {hire}")]
    LeaveBeforeHire {
        /// Hire date.
        hire: NaiveDate,
        /// Leave date.
        leave: NaiveDate,
    },
    /// An empty name.
    #[error("name must not be empty")]
    EmptyName,
    /// A team or rep refers, by name, to a team that does not exist.
    #[error("{of}: team {team:?} does not exist (list teams before what refers to them)")]
    UnknownTeam {
        /// The team or rep referring to it.
        of: String,
        /// The missing team's name.
        team: String,
    },
}

/// Checks that giving `team` the parent `parent` keeps the hierarchy a tree.
/// `parents` maps every existing team to its current parent.
pub fn check_team_parent(
    parents: &HashMap<TeamId, Option<TeamId>>,
    team: TeamId,
    parent: Option<TeamId>,
) -> Result<(), OrgError> {
    let Some(parent) = parent else { return Ok(()) };
    let mut path = vec![team, parent];
    let mut seen = HashSet::from([team]);
    let mut cursor = Some(parent);
    while let Some(current) = cursor {
        if !seen.insert(current) {
            return Err(OrgError::TeamCycle {
                team,
                parent,
                path: path.iter().map(|id| id.to_string()).collect::<Vec<_>>().join(" -> "),
            });
        }
        cursor = parents.get(&current).copied().flatten();
        if let Some(next) = cursor {
            path.push(next);
        }
    }
    Ok(())
}

/// Checks a rep's dates and name.
pub fn check_rep(name: &str, hire: NaiveDate, leave: Option<NaiveDate>) -> Result<(), OrgError> {
    if name.trim().is_empty() {
        return Err(OrgError::EmptyName);
    }
    match leave {
        Some(leave) if leave <= hire => Err(OrgError::LeaveBeforeHire { hire, leave }),
        _ => Ok(()),
    }
}

/// The team a rep belongs to on `day`: the membership covering that day, or
/// for a rep who has left, the last one they had. Figures stay with the team
/// the rep was in when they happened.
pub fn team_on(memberships: &[Membership], day: NaiveDate) -> Option<TeamId> {
    memberships
        .iter()
        .find(|m| m.valid_from <= day && m.valid_to.is_none_or(|to| day < to))
        .or_else(|| memberships.iter().filter(|m| m.valid_from <= day).max_by_key(|m| m.valid_from))
        .map(|m| m.team_id)
}

/// The team and all teams below it, for "a manager sees their team and its sub-teams".
pub fn subtree(teams: &[Team], root: TeamId) -> Vec<TeamId> {
    let mut out = vec![root];
    let mut i = 0;
    while i < out.len() {
        let current = out[i];
        out.extend(teams.iter().filter(|t| t.parent_id == Some(current)).map(|t| t.id));
        i += 1;
    }
    out
}

impl Organisation {
    /// The periods of fiscal year `fy` of the given kinds, in that order, each
    /// with its number of working days.
    pub fn period_table(
        &self,
        fy: i32,
        kinds: &[crate::fiscal_calendar::PeriodKind],
    ) -> Result<Vec<(crate::fiscal_calendar::FiscalPeriod, u32)>, crate::fiscal_calendar::CalendarError> {
        let mut rows = Vec::new();
        for kind in kinds {
            for period in self.calendar.periods(fy, *kind)? {
                let working = self.working_days.count(period.start, period.end);
                rows.push((period, working));
            }
        }
        Ok(rows)
    }

    /// The fiscal year holding `date`.
    pub fn fiscal_year_of(&self, date: NaiveDate) -> i32 {
        self.calendar.fiscal_year_of(date)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::day;

    #[test]
    fn parent_cycles_are_refused() {
        // 1 <- 2 <- 3 (3's parent is 2, 2's parent is 1)
        let parents = HashMap::from([(1, None), (2, Some(1)), (3, Some(2))]);
        assert!(check_team_parent(&parents, 3, Some(1)).is_ok());
        assert!(check_team_parent(&parents, 1, None).is_ok());
        let err = check_team_parent(&parents, 1, Some(3)).unwrap_err();
        assert_eq!(err.to_string(), "team 1 cannot have parent 3: that would make a cycle (1 -> 3 -> 2 -> 1)");
        assert!(check_team_parent(&parents, 2, Some(2)).is_err());
    }

    #[test]
    fn rep_dates() {
        assert!(check_rep("Ann", day("2024-01-01"), Some(day("2024-06-01"))).is_ok());
        assert!(check_rep("Ann", day("2024-01-01"), Some(day("2024-01-01"))).is_err());
        assert_eq!(check_rep(" ", day("2024-01-01"), None), Err(OrgError::EmptyName));
    }

    #[test]
    fn subtree_walks_down() {
        let team = |id, parent| Team {
            id,
            name: format!("t{id}"),
            region: None,
            parent_id: parent,
            manager_id: None,
            active: true,
        };
        let teams = vec![team(1, None), team(2, Some(1)), team(3, Some(2)), team(4, None)];
        assert_eq!(subtree(&teams, 1), vec![1, 2, 3]);
        assert_eq!(subtree(&teams, 4), vec![4]);
    }

    #[test]
    fn team_on_follows_effective_dates() {
        let ms = vec![
            Membership { rep_id: 1, team_id: 10, valid_from: day("2024-01-01"), valid_to: Some(day("2024-06-01")) },
            Membership { rep_id: 1, team_id: 20, valid_from: day("2024-06-01"), valid_to: Some(day("2024-09-01")) },
        ];
        assert_eq!(team_on(&ms, day("2023-12-31")), None);
        assert_eq!(team_on(&ms, day("2024-05-31")), Some(10));
        assert_eq!(team_on(&ms, day("2024-06-01")), Some(20));
        // After the last membership ended (the rep left), the last team stays.
        assert_eq!(team_on(&ms, day("2025-01-01")), Some(20));
    }
}
