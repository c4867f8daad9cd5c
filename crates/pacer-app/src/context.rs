//! The context of one call: what every use case reads (the store, the
//! caches, the organisation, the catalog in force, today's date) and who is
//! asking. The command line, the API and the pages each build one per call.

use crate::AppError;
use crate::cache::Caches;
use crate::catalog::current_catalog;
use chrono::NaiveDate;
use pacer_core::access::{Principal, Role, User};
use pacer_core::catalog::Catalog;
use pacer_core::org::{Organisation, RepId, TeamId, subtree};
use pacer_core::report::Scope;
use pacer_i18n::Locale;
use pacer_storage::Store;
use std::collections::HashSet;
use tokio::sync::OnceCell;

/// One call's facts and caller.
pub struct Context<'a> {
    /// The database.
    pub store: &'a dyn Store,
    /// What is kept in memory between calls (a server's; the command line keeps little).
    pub caches: Caches<'a>,
    /// The organisation's settings: calendar, currency, bands, stages.
    pub org: Organisation,
    /// The day "today" is for this call.
    pub today: NaiveDate,
    /// Who is asking.
    pub caller: Principal,
    /// The language the caller reads, for what the use cases write for people (the digest,
    /// workbooks' titles); machine formats ignore it.
    pub locale: Locale,
    /// The catalog in force, read at its first use.
    catalog: OnceCell<Option<Catalog>>,
}

impl<'a> Context<'a> {
    /// A context over `store`, reading the organisation's settings.
    pub async fn new(
        store: &'a dyn Store,
        caches: Caches<'a>,
        caller: Principal,
        today: NaiveDate,
    ) -> Result<Self, AppError> {
        let org = store.organisation().await?.unwrap_or_default();
        Ok(Self::with_org(store, caches, org, caller, today))
    }

    /// A context with the organisation already read.
    pub fn with_org(
        store: &'a dyn Store,
        caches: Caches<'a>,
        org: Organisation,
        caller: Principal,
        today: NaiveDate,
    ) -> Self {
        Self { store, caches, org, today, caller, locale: Locale::ENGLISH, catalog: OnceCell::new() }
    }

    /// The same call for a reader of `locale`.
    pub fn in_locale(self, locale: Locale) -> Self {
        Self { locale, ..self }
    }

    /// The context with the catalog in force already at hand (a caller that has just read it).
    pub fn with_catalog(self, catalog: Catalog) -> Self {
        Self { catalog: OnceCell::new_with(Some(Some(catalog))), ..self }
    }

    /// The same call made by someone else (the weekly digest, composed as its reader sees).
    pub fn as_caller(&self, caller: Principal) -> Self {
        Self { caller, ..self.on(self.today) }
    }

    /// The same call as seen on another day (a past quarter measured on its last day).
    pub fn on(&self, today: NaiveDate) -> Self {
        Self { org: self.org.clone(), caller: self.caller.clone(), catalog: self.catalog.clone(), today, ..*self }
    }

    /// The catalog in force, if one has been applied.
    pub async fn catalog_if_any(&self) -> Result<Option<&Catalog>, AppError> {
        let kept = self
            .catalog
            .get_or_try_init(|| async { Ok::<_, AppError>(current_catalog(self.store).await?.map(|(_, c)| c)) })
            .await?;
        Ok(kept.as_ref())
    }

    /// The catalog in force, or "not found" saying none has been applied.
    pub async fn catalog(&self) -> Result<&Catalog, AppError> {
        self.catalog_if_any().await?.ok_or_else(|| AppError::NotFound("no metric catalog has been applied yet".into()))
    }

    /// What the caller may read (see [`scope_of`]).
    pub fn scope(&self) -> Result<Scope, AppError> {
        scope_of(&self.caller)
    }

    /// The caller's own rep record, if the caller is a person who sells.
    pub fn own_rep(&self) -> Option<RepId> {
        match &self.caller {
            Principal::User { rep_id, .. } => *rep_id,
            Principal::Token { .. } => None,
        }
    }
}

/// Who a user is when they call: their role, their rep record, and for a manager the teams they
/// manage (those whose manager is the user's rep record) and every team below them. The pages and
/// the API ask it of the signed-in user; the weekly digest of each reader.
pub async fn principal_of(store: &dyn Store, user: &User) -> Result<Principal, AppError> {
    let managed_teams = match user.rep_id {
        Some(rep) => {
            let teams = store.teams().await?;
            let mut out: Vec<TeamId> =
                teams.iter().filter(|t| t.manager_id == Some(rep)).flat_map(|t| subtree(&teams, t.id)).collect();
            out.sort_unstable();
            out.dedup();
            out
        }
        None => Vec::new(),
    };
    Ok(Principal::User {
        id: user.id,
        username: user.username.clone(),
        role: user.role,
        rep_id: user.rep_id,
        managed_teams,
    })
}

/// What a caller may read: a rep their own figures, a manager the teams
/// they manage (and those below), leaders, admins and read tokens everything.
pub fn scope_of(caller: &Principal) -> Result<Scope, AppError> {
    match caller {
        p if p.sees_everything() => Ok(Scope::default()),
        Principal::User { role: Role::Manager, managed_teams, .. } => {
            Ok(Scope { teams: Some(managed_teams.iter().copied().collect()), ..Scope::default() })
        }
        Principal::User { rep_id: Some(rep), .. } => {
            Ok(Scope { reps: Some(HashSet::from([*rep])), ..Scope::default() })
        }
        _ => Err(AppError::Forbidden),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use pacer_core::access::Scope as TokenScope;

    fn user(role: Role, rep_id: Option<RepId>, managed_teams: Vec<i64>) -> Principal {
        Principal::User { id: 1, username: "u".into(), role, rep_id, managed_teams }
    }

    #[test]
    fn the_scope_follows_the_caller() {
        let everything = Scope::default();
        assert_eq!(scope_of(&user(Role::Admin, None, vec![])).unwrap(), everything);
        assert_eq!(scope_of(&user(Role::Leader, Some(2), vec![])).unwrap(), everything);
        let token = Principal::Token { id: 1, name: "bi".into(), scope: TokenScope::Read };
        assert_eq!(scope_of(&token).unwrap(), everything);
        let manager = scope_of(&user(Role::Manager, Some(9), vec![3, 4])).unwrap();
        assert_eq!(manager.teams, Some(HashSet::from([3, 4])));
        assert_eq!(manager.reps, None);
        let rep = scope_of(&user(Role::Rep, Some(7), vec![])).unwrap();
        assert_eq!((rep.teams, rep.reps), (None, Some(HashSet::from([7]))));
        assert!(matches!(scope_of(&user(Role::Rep, None, vec![])), Err(AppError::Forbidden)));
    }
}
