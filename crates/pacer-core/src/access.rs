//! Who may do what: roles, token scopes and the one policy every page,
//! endpoint and export asks. Pure rules; the web layer supplies the facts
//! (the principal, the rep and team being read).

use crate::org::{RepId, TeamId};
use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;

/// A person's role in Pacer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "lowercase")]
pub enum Role {
    /// A sales rep: their own records and the leaderboards.
    Rep,
    /// A sales manager: their team and its sub-teams.
    Manager,
    /// Sales leadership: everything, and approves plans.
    Leader,
    /// Sales operations: everything, and changes the catalog, users and tokens.
    Admin,
}

/// What an API token may do.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "lowercase")]
pub enum Scope {
    /// Push activities, deals and subscriptions.
    Ingest,
    /// Read reports and records, company-wide.
    Read,
    /// Everything an administrator may do through the API: read and push every record, change
    /// the organisation, the catalog, plans and reviews, users and tokens. Pages stay for people.
    Admin,
}

impl Role {
    /// Every role, lowest first.
    pub const ALL: [Role; 4] = [Role::Rep, Role::Manager, Role::Leader, Role::Admin];

    /// The stored and displayed form.
    pub fn as_str(&self) -> &'static str {
        match self {
            Role::Rep => "rep",
            Role::Manager => "manager",
            Role::Leader => "leader",
            Role::Admin => "admin",
        }
    }
}

impl Scope {
    /// Every scope.
    pub const ALL: [Scope; 3] = [Scope::Ingest, Scope::Read, Scope::Admin];

    /// The stored and displayed form.
    pub fn as_str(&self) -> &'static str {
        match self {
            Scope::Ingest => "ingest",
            Scope::Read => "read",
            Scope::Admin => "admin",
        }
    }

    /// Whether a token of this scope may call a route that asks for `needed`: its own scope, and
    /// the admin scope everything a token may be asked for.
    pub fn grants(self, needed: Scope) -> bool {
        self == needed || self == Scope::Admin
    }
}

impl fmt::Display for Role {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl fmt::Display for Scope {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Role {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        Role::ALL
            .into_iter()
            .find(|r| r.as_str() == s.trim().to_ascii_lowercase())
            .ok_or_else(|| format!("unknown role {s:?}: use rep, manager, leader or admin"))
    }
}

impl FromStr for Scope {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        Scope::ALL
            .into_iter()
            .find(|r| r.as_str() == s.trim().to_ascii_lowercase())
            .ok_or_else(|| format!("unknown token scope {s:?}: use ingest, read or admin"))
    }
}

/// Who is asking: a signed-in person or an API token.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Principal {
    /// A signed-in user.
    User {
        /// User id.
        id: i64,
        /// Login name.
        username: String,
        /// Role.
        role: Role,
        /// The rep record the user is, if any.
        rep_id: Option<RepId>,
        /// For managers: the teams they manage and every team below them.
        managed_teams: Vec<TeamId>,
    },
    /// An integration's API token.
    Token {
        /// Token id.
        id: i64,
        /// Token name.
        name: String,
        /// What it may do.
        scope: Scope,
    },
}

/// What a route requires before its handler runs. Every route has one.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Access {
    /// Anyone, signed in or not (login page, health check, stylesheet).
    Public,
    /// Any signed-in user; the handler scopes the data with [`Principal::can_see_rep`] and friends.
    SignedIn,
    /// A signed-in user with at least this role.
    AtLeast(Role),
    /// Any signed-in user, or a token with this scope (or the admin scope).
    SignedInOrToken(Scope),
    /// A signed-in user with at least this role, or a token with this scope (or the admin scope).
    /// API routes for administrators are `AtLeastOrToken(Role::Admin, Scope::Admin)`.
    AtLeastOrToken(Role, Scope),
}

/// Why access is refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Denied {
    /// Nobody is signed in (HTTP 401).
    NotSignedIn,
    /// Signed in, but not allowed (HTTP 403).
    Forbidden,
}

impl Principal {
    /// Whoever runs the command line where the database is: an administrator
    /// (they hold the file or the connection string already).
    pub fn command_line() -> Self {
        Principal::User { id: 0, username: "cli".into(), role: Role::Admin, rep_id: None, managed_teams: Vec::new() }
    }

    /// The name written in the audit log.
    pub fn actor_name(&self) -> String {
        match self {
            Principal::User { username, .. } => username.clone(),
            Principal::Token { name, .. } => format!("token:{name}"),
        }
    }

    /// The user's role; tokens have none.
    pub fn role(&self) -> Option<Role> {
        match self {
            Principal::User { role, .. } => Some(*role),
            Principal::Token { .. } => None,
        }
    }

    /// Whether this principal sees every rep and team (leaders, admins, read and admin tokens).
    pub fn sees_everything(&self) -> bool {
        match self {
            Principal::User { role, .. } => *role >= Role::Leader,
            Principal::Token { scope, .. } => matches!(scope, Scope::Read | Scope::Admin),
        }
    }

    /// Whether this principal may read a rep's own records, given the rep's
    /// team on the day in question.
    pub fn can_see_rep(&self, rep: RepId, rep_team: Option<TeamId>) -> bool {
        if self.sees_everything() {
            return true;
        }
        match self {
            Principal::User { role: Role::Manager, rep_id, managed_teams, .. } => {
                *rep_id == Some(rep) || rep_team.is_some_and(|t| managed_teams.contains(&t))
            }
            Principal::User { role: Role::Rep, rep_id, .. } => *rep_id == Some(rep),
            _ => false,
        }
    }

    /// Whether this principal may read a team's figures.
    pub fn can_see_team(&self, team: TeamId) -> bool {
        self.sees_everything()
            || matches!(self, Principal::User { role: Role::Manager, managed_teams, .. } if managed_teams.contains(&team))
    }
}

/// The one access check, run before every handler. Tokens pass only the rules that name a
/// token scope (`SignedInOrToken`, `AtLeastOrToken`): `SignedIn` and `AtLeast` are for people
/// (the pages), so an admin token reaches every API route an admin user does, and no page.
pub fn check(access: Access, who: Option<&Principal>) -> Result<(), Denied> {
    match (access, who) {
        (Access::Public, _) => Ok(()),
        (_, None) => Err(Denied::NotSignedIn),
        (Access::SignedIn, Some(Principal::User { .. })) => Ok(()),
        (Access::AtLeast(min), Some(Principal::User { role, .. })) if *role >= min => Ok(()),
        (Access::SignedInOrToken(_), Some(Principal::User { .. })) => Ok(()),
        (Access::SignedInOrToken(needed), Some(Principal::Token { scope, .. })) if scope.grants(needed) => Ok(()),
        (Access::AtLeastOrToken(min, _), Some(Principal::User { role, .. })) if *role >= min => Ok(()),
        (Access::AtLeastOrToken(_, needed), Some(Principal::Token { scope, .. })) if scope.grants(needed) => Ok(()),
        _ => Err(Denied::Forbidden),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn user(role: Role, rep_id: Option<RepId>, managed_teams: Vec<TeamId>) -> Principal {
        Principal::User { id: 1, username: "u".into(), role, rep_id, managed_teams }
    }

    #[test]
    fn route_access_table() {
        let rep = user(Role::Rep, Some(7), vec![]);
        let admin = user(Role::Admin, None, vec![]);
        let ingest = Principal::Token { id: 1, name: "crm".into(), scope: Scope::Ingest };
        let read = Principal::Token { id: 2, name: "bi".into(), scope: Scope::Read };
        let admin_token = Principal::Token { id: 3, name: "ops".into(), scope: Scope::Admin };
        let cases = [
            (Access::Public, None, Ok(())),
            (Access::SignedIn, None, Err(Denied::NotSignedIn)),
            (Access::SignedIn, Some(&rep), Ok(())),
            (Access::SignedIn, Some(&ingest), Err(Denied::Forbidden)),
            (Access::AtLeast(Role::Admin), Some(&rep), Err(Denied::Forbidden)),
            (Access::AtLeast(Role::Admin), Some(&admin), Ok(())),
            (Access::AtLeast(Role::Manager), Some(&admin), Ok(())),
            (Access::SignedInOrToken(Scope::Ingest), Some(&ingest), Ok(())),
            (Access::SignedInOrToken(Scope::Ingest), Some(&read), Err(Denied::Forbidden)),
            (Access::SignedInOrToken(Scope::Read), Some(&rep), Ok(())),
            (Access::AtLeastOrToken(Role::Manager, Scope::Read), Some(&rep), Err(Denied::Forbidden)),
            (Access::AtLeastOrToken(Role::Manager, Scope::Read), Some(&admin), Ok(())),
            (Access::AtLeastOrToken(Role::Manager, Scope::Read), Some(&read), Ok(())),
            (Access::AtLeastOrToken(Role::Manager, Scope::Read), Some(&ingest), Err(Denied::Forbidden)),
            // The admin scope: every rule that names a token scope, as an admin user; no page.
            (Access::SignedInOrToken(Scope::Read), Some(&admin_token), Ok(())),
            (Access::SignedInOrToken(Scope::Ingest), Some(&admin_token), Ok(())),
            (Access::AtLeastOrToken(Role::Leader, Scope::Ingest), Some(&admin_token), Ok(())),
            (Access::AtLeastOrToken(Role::Manager, Scope::Read), Some(&admin_token), Ok(())),
            (Access::AtLeastOrToken(Role::Admin, Scope::Admin), Some(&admin_token), Ok(())),
            (Access::AtLeastOrToken(Role::Admin, Scope::Admin), Some(&admin), Ok(())),
            (Access::AtLeastOrToken(Role::Admin, Scope::Admin), Some(&read), Err(Denied::Forbidden)),
            (Access::AtLeastOrToken(Role::Admin, Scope::Admin), Some(&ingest), Err(Denied::Forbidden)),
            (Access::AtLeastOrToken(Role::Leader, Scope::Admin), Some(&rep), Err(Denied::Forbidden)),
            (Access::AtLeast(Role::Admin), Some(&admin_token), Err(Denied::Forbidden)),
            (Access::SignedIn, Some(&admin_token), Err(Denied::Forbidden)),
        ];
        for (access, who, expected) in cases {
            assert_eq!(check(access, who), expected, "{access:?} as {who:?}");
        }
    }

    #[test]
    fn data_scope() {
        let rep = user(Role::Rep, Some(7), vec![]);
        assert!(rep.can_see_rep(7, Some(1)));
        assert!(!rep.can_see_rep(8, Some(1)));
        assert!(!rep.can_see_team(1));
        let manager = user(Role::Manager, Some(3), vec![1, 2]);
        assert!(manager.can_see_rep(8, Some(2)));
        assert!(!manager.can_see_rep(9, Some(5)));
        assert!(manager.can_see_rep(3, Some(5)), "a manager sees their own records");
        assert!(manager.can_see_team(2) && !manager.can_see_team(5));
        let leader = user(Role::Leader, None, vec![]);
        assert!(leader.can_see_rep(9, None) && leader.can_see_team(5));
        assert!("Admin".parse::<Role>() == Ok(Role::Admin));
        assert!("root".parse::<Role>().is_err());
        let admin_token = Principal::Token { id: 3, name: "ops".into(), scope: Scope::Admin };
        assert!(admin_token.sees_everything() && admin_token.can_see_rep(9, None) && admin_token.can_see_team(5));
        let ingest = Principal::Token { id: 1, name: "crm".into(), scope: Scope::Ingest };
        assert!(!ingest.sees_everything() && !ingest.can_see_team(5));
    }

    #[test]
    fn email_addresses_look_like_one() {
        assert_eq!(check_email(" ann@acme.example "), Ok("ann@acme.example".into()));
        for bad in [
            "",
            "ann",
            "ann@",
            "@acme.example",
            "ann@acme",
            "a@b@c.example",
            "ann lee@acme.example",
            "ann@acme.example.",
        ] {
            assert!(check_email(bad).is_err(), "{bad:?}");
        }
        let user = |email: Option<&str>| User {
            id: 1,
            username: "ann".into(),
            display_name: "Ann".into(),
            role: Role::Rep,
            rep_id: Some(2),
            active: true,
            email: email.map(String::from),
            digest: true,
            language: None,
        };
        assert_eq!(user(Some("own@acme.example")).address(Some("rep@acme.example")), Some("own@acme.example"));
        assert_eq!(user(None).address(Some("rep@acme.example")), Some("rep@acme.example"));
        assert_eq!(user(None).address(None), None);
    }

    #[test]
    fn scopes_read_back() {
        for scope in Scope::ALL {
            assert_eq!(scope.as_str().parse::<Scope>(), Ok(scope));
        }
        assert_eq!(" Admin ".parse::<Scope>(), Ok(Scope::Admin));
        assert_eq!("root".parse::<Scope>(), Err("unknown token scope \"root\": use ingest, read or admin".into()));
    }
}

/// A Pacer user account (never carries the password hash out of storage).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct User {
    /// Identifier.
    pub id: i64,
    /// Login name, unique, lower case.
    pub username: String,
    /// Name shown in the UI.
    pub display_name: String,
    /// Role.
    pub role: Role,
    /// The rep record this user is, if any.
    pub rep_id: Option<RepId>,
    /// False once deactivated: cannot sign in.
    pub active: bool,
    /// The person's own e-mail address; the rep record's is used when none is given
    /// ([`User::address`]).
    #[serde(default)]
    pub email: Option<String>,
    /// Whether the person receives the weekly digest (they may opt out in their account).
    #[serde(default = "yes")]
    pub digest: bool,
    /// The person's own language; the organisation's, then the browser's, when unset.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub language: Option<crate::language::Language>,
}

fn yes() -> bool {
    true
}

impl User {
    /// Where the person's mail goes: their own address, else the one of the rep record they are.
    pub fn address<'a>(&'a self, rep_email: Option<&'a str>) -> Option<&'a str> {
        self.email.as_deref().or(rep_email).filter(|e| !e.trim().is_empty())
    }
}

/// An API token as listed (the secret itself is shown once, then only its hash is kept).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ApiToken {
    /// Identifier.
    pub id: i64,
    /// Name, e.g. the integration it serves.
    pub name: String,
    /// What it may do.
    pub scope: Scope,
    /// Who created it.
    pub created_by: String,
    /// When, RFC 3339.
    pub created_at: String,
    /// When revoked, if it was.
    pub revoked_at: Option<String>,
}

/// Checks a login name: 2 to 64 characters of lower-case letters, digits, `.`, `_` and `-`.
pub fn check_username(name: &str) -> Result<String, String> {
    let lower = name.trim().to_ascii_lowercase();
    let ok = (2..=64).contains(&lower.len())
        && lower.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || matches!(c, '.' | '_' | '-'));
    if ok {
        Ok(lower)
    } else {
        Err(format!("user name {name:?} is not valid: use 2 to 64 letters, digits, '.', '_' or '-'"))
    }
}

/// Checks an e-mail address as people type it, trimmed: one `@` with a name before it and a
/// domain with a dot after it, no spaces. Whether a mail server takes it is for that server.
pub fn check_email(email: &str) -> Result<String, String> {
    let email = email.trim();
    let ok = match email.split_once('@') {
        Some((name, domain)) => {
            !name.is_empty()
                && !domain.contains('@')
                && domain.contains('.')
                && !domain.starts_with('.')
                && !domain.ends_with('.')
                && !email.chars().any(|c| c.is_whitespace() || c.is_control() || matches!(c, '<' | '>' | ',' | ';'))
        }
        None => false,
    };
    if ok { Ok(email.to_string()) } else { Err(format!("e-mail address {email:?} is not valid: use name@example.com")) }
}

/// Checks a new password: at least 10 characters.
pub fn check_password(password: &str) -> Result<(), String> {
    if password.chars().count() >= 10 { Ok(()) } else { Err("password too short: use at least 10 characters".into()) }
}
