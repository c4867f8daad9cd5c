//! What an imported team or rep row does to the organisation: teams are
//! matched by name (case aside), reps by external id or e-mail; a row equal
//! to what is stored changes nothing, so importing a file twice writes once.

use super::{RepRow, TeamRow};
use crate::org::{NewRep, NewTeam, OrgError, Rep, RepId, RepUpdate, Team, TeamId, TeamUpdate};

/// What a team row does.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TeamChange {
    /// The stored team already says the same.
    Unchanged,
    /// The stored team gets a new parent or region.
    Update(TeamId, TeamUpdate),
    /// A new team.
    Create(NewTeam),
}

/// What a rep row does.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RepChange {
    /// The stored rep already says the same.
    Unchanged,
    /// The stored rep's name, title or dates change (a team change is a move, not an import).
    Update(RepId, RepUpdate),
    /// A new rep, in the named team from the hire date.
    Create(NewRep),
}

fn team_named<'a>(teams: &'a [Team], name: &str) -> Option<&'a Team> {
    teams.iter().find(|t| t.name.eq_ignore_ascii_case(name.trim()))
}

fn team_id(teams: &[Team], of: &str, name: &Option<String>) -> Result<Option<TeamId>, OrgError> {
    name.as_ref()
        .map(|n| {
            team_named(teams, n).map(|t| t.id).ok_or_else(|| OrgError::UnknownTeam { of: of.into(), team: n.clone() })
        })
        .transpose()
}

/// What `row` does, given the teams stored so far.
pub fn team_change(teams: &[Team], row: &TeamRow) -> Result<TeamChange, OrgError> {
    let parent = team_id(teams, &format!("team {:?}", row.name), &row.parent)?;
    Ok(match team_named(teams, &row.name) {
        Some(team) if team.parent_id == parent && team.region == row.region => TeamChange::Unchanged,
        Some(team) => TeamChange::Update(
            team.id,
            TeamUpdate { parent_id: Some(parent), region: Some(row.region.clone()), ..TeamUpdate::default() },
        ),
        None => TeamChange::Create(NewTeam {
            name: row.name.clone(),
            region: row.region.clone(),
            parent_id: parent,
            manager_id: None,
        }),
    })
}

/// What `row` does, given the teams and reps stored so far.
pub fn rep_change(teams: &[Team], reps: &[Rep], row: &RepRow) -> Result<RepChange, OrgError> {
    let team_id = team_id(teams, &format!("rep {:?}", row.name), &row.team)?;
    let email = row.email.as_deref().map(str::to_lowercase);
    let stored = reps.iter().find(|x| {
        (row.external_id.is_some() && x.external_id == row.external_id)
            || (email.is_some() && x.email.as_deref().map(str::to_lowercase) == email)
    });
    Ok(match stored {
        Some(rep)
            if rep.name == row.name
                && rep.hire_date == row.hire_date
                && rep.leave_date == row.leave_date
                && rep.title == row.title =>
        {
            RepChange::Unchanged
        }
        Some(rep) => RepChange::Update(
            rep.id,
            RepUpdate {
                name: Some(row.name.clone()),
                title: Some(row.title.clone()),
                hire_date: Some(row.hire_date),
                leave_date: Some(row.leave_date),
                ..RepUpdate::default()
            },
        ),
        None => RepChange::Create(NewRep {
            name: row.name.clone(),
            email: row.email.clone(),
            title: row.title.clone(),
            team_id,
            hire_date: row.hire_date,
            leave_date: row.leave_date,
            external_id: row.external_id.clone(),
        }),
    })
}
