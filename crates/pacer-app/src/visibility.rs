//! Whose figures a caller may see, applied to every per-team and per-rep
//! line a use case returns: a manager sees the teams they manage (and those
//! below) and the reps in them, a rep their own lines and their team's; the
//! company total stays, since it is what everyone is measured against.
//! Leaders, admins and read tokens see everything.
//!
//! Leaderboards are the deliberate exception: a rep sees the board of their
//! team to know where they stand (see [`crate::report::leaderboard`]).

use crate::cache::org_view;
use crate::{AppError, Context};
use pacer_core::access::{Principal, Role};
use pacer_core::org::{RepId, TeamId};
use pacer_core::plan::TargetOwner;
use pacer_core::report::Owner;
use std::collections::HashSet;

/// What a caller may see of the organisation's owners.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Visibility(Option<Seen>);

#[derive(Debug, Clone, PartialEq, Eq, Default)]
struct Seen {
    teams: HashSet<TeamId>,
    reps: HashSet<RepId>,
    /// The names of those teams and reps, for documents that keep names only (a frozen review).
    names: HashSet<String>,
}

impl Visibility {
    /// Everything: leaders, admins, read tokens, the command line.
    pub fn everything() -> Self {
        Self(None)
    }

    /// Whether the caller sees every owner.
    pub fn is_everything(&self) -> bool {
        self.0.is_none()
    }

    /// Whether the caller sees this team's lines.
    pub fn sees_team(&self, team: TeamId) -> bool {
        self.0.as_ref().is_none_or(|s| s.teams.contains(&team))
    }

    /// Whether the caller sees this rep's lines.
    pub fn sees_rep(&self, rep: RepId) -> bool {
        self.0.as_ref().is_none_or(|s| s.reps.contains(&rep))
    }

    /// Whether the caller sees a report owner's line (the company's always).
    pub fn sees_owner(&self, owner: Owner) -> bool {
        match owner {
            Owner::Company => true,
            Owner::Team(t) => self.sees_team(t),
            Owner::Rep(r) => self.sees_rep(r),
        }
    }

    /// Whether the caller sees a target owner's line (the company's always).
    pub fn sees_target_owner(&self, owner: TargetOwner) -> bool {
        match owner {
            TargetOwner::Company => true,
            TargetOwner::Team(t) => self.sees_team(t),
            TargetOwner::Rep(r) => self.sees_rep(r),
        }
    }

    /// Whether a team or rep known by name only is one the caller sees.
    pub fn sees_name(&self, name: &str) -> bool {
        self.0.as_ref().is_none_or(|s| s.names.contains(name))
    }
}

impl Context<'_> {
    /// Whose figures the caller may see, from the organisation as it is today.
    pub async fn visibility(&self) -> Result<Visibility, AppError> {
        self.seen(false).await
    }

    /// Who a ranking shows the caller (the logging contest): as [`Context::visibility`], but a
    /// rep sees their whole team, to know where they stand, as on the leaderboard.
    pub async fn board_visibility(&self) -> Result<Visibility, AppError> {
        self.seen(true).await
    }

    async fn seen(&self, rep_sees_team: bool) -> Result<Visibility, AppError> {
        if self.caller.sees_everything() {
            return Ok(Visibility::everything());
        }
        let view = org_view(self.store, self.caches, self.today).await?;
        let own_rep = self.own_rep();
        let (teams, team_members): (HashSet<TeamId>, bool) = match &self.caller {
            Principal::User { role: Role::Manager, managed_teams, .. } => {
                (managed_teams.iter().copied().collect(), true)
            }
            // A rep sees their team's totals; their colleagues' lines only on rankings.
            Principal::User { .. } => {
                let own_team = view.reps.iter().filter(|r| Some(r.id) == own_rep).filter_map(|r| r.team_id).collect();
                (own_team, rep_sees_team)
            }
            Principal::Token { .. } => (HashSet::new(), false),
        };
        let reps: HashSet<RepId> = view
            .reps
            .iter()
            .filter(|r| Some(r.id) == own_rep || (team_members && r.team_id.is_some_and(|t| teams.contains(&t))))
            .map(|r| r.id)
            .collect();
        let names = view
            .teams
            .iter()
            .filter(|t| teams.contains(&t.id))
            .map(|t| t.name.clone())
            .chain(view.reps.iter().filter(|r| reps.contains(&r.id)).map(|r| r.name.clone()))
            .collect();
        Ok(Visibility(Some(Seen { teams, reps, names })))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn some_owners_are_seen_and_the_company_always() {
        let v = Visibility(Some(Seen {
            teams: HashSet::from([1]),
            reps: HashSet::from([10]),
            names: HashSet::from(["North".to_string(), "Ann".to_string()]),
        }));
        assert!(v.sees_owner(Owner::Company) && v.sees_target_owner(TargetOwner::Company));
        assert!(v.sees_owner(Owner::Team(1)) && !v.sees_owner(Owner::Team(2)));
        assert!(v.sees_target_owner(TargetOwner::Rep(10)) && !v.sees_target_owner(TargetOwner::Rep(11)));
        assert!(v.sees_name("Ann") && !v.sees_name("Bob"));
        assert!(!v.is_everything());
        let all = Visibility::everything();
        assert!(all.sees_rep(11) && all.sees_team(2) && all.sees_name("Bob") && all.is_everything());
    }
}
