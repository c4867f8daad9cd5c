//! The audit log: who changed what, when, and why. Entries are only ever
//! appended; nothing in Pacer edits or deletes them.

use serde::{Deserialize, Serialize};

/// Who makes a change, and why when they said so.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Actor {
    /// User name, `token:NAME`, or `cli` for the command line.
    pub name: String,
    /// The reason given, if any.
    pub reason: Option<String>,
}

impl Actor {
    /// An actor without a reason.
    pub fn named(name: impl Into<String>) -> Self {
        Self { name: name.into(), reason: None }
    }

    /// The same actor with a reason.
    pub fn because(mut self, reason: Option<String>) -> Self {
        self.reason = reason.filter(|r| !r.trim().is_empty());
        self
    }
}

/// One change, as recorded.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditEntry {
    /// Sequence number.
    pub id: i64,
    /// When, UTC, RFC 3339.
    pub at: String,
    /// Who.
    pub actor: String,
    /// What was done, e.g. `team.update`.
    pub action: String,
    /// Kind of record changed, e.g. `team`.
    pub entity: String,
    /// Its identifier.
    pub entity_id: String,
    /// The record before, as JSON, when it existed.
    pub before: Option<String>,
    /// The record after, as JSON, when it still exists.
    pub after: Option<String>,
    /// Why, when given.
    pub reason: Option<String>,
}

/// Which entries to read.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AuditFilter {
    /// Only this actor.
    pub actor: Option<String>,
    /// Only this kind of record.
    pub entity: Option<String>,
    /// Only this record (with `entity`).
    pub entity_id: Option<String>,
    /// Only entries at or after this instant (RFC 3339 or a date).
    pub since: Option<String>,
    /// At most this many, newest first.
    pub limit: Option<u32>,
}

/// Declares the actions and the kinds of record of the audit log from one table each: how
/// each is stored and how people read it (and, for an action, the kind of record it changes).
macro_rules! audit_words {
    (@worded $(#[$doc:meta])* $ty:ident ($what:literal) { $($v:ident => $name:literal, $words:literal;)+ }) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub enum $ty { $(#[doc = $words] $v,)+ }

        impl $ty {
            /// Every one, in the order of the table.
            pub const ALL: &'static [Self] = &[$(Self::$v,)+];
            /// As stored in the log.
            pub fn as_str(self) -> &'static str { match self { $(Self::$v => $name,)+ } }
            /// In words, for people.
            pub fn words(self) -> &'static str { match self { $(Self::$v => $words,)+ } }
        }

        impl std::str::FromStr for $ty {
            type Err = String;

            /// Reads the stored form.
            fn from_str(s: &str) -> Result<Self, String> {
                Self::ALL.iter().copied().find(|x| x.as_str() == s).ok_or_else(|| format!(concat!("unknown ", $what, " {:?}"), s))
            }
        }
    };
    (
        $(#[$kind_doc:meta])* $kind:ident { $($k:ident => $k_name:literal, $k_words:literal;)+ }
        $(#[$action_doc:meta])* $action:ident { $($a:ident => $a_name:literal, $a_kind:ident, $a_words:literal;)+ }
    ) => {
        audit_words!(@worded $(#[$kind_doc])* $kind ("kind of record") { $($k => $k_name, $k_words;)+ });
        audit_words!(@worded $(#[$action_doc])* $action ("audit action") { $($a => $a_name, $a_words;)+ });

        impl $action {
            /// The kind of record the action changes.
            pub fn kind(self) -> $kind { match self { $(Self::$a => $kind::$a_kind,)+ } }
        }
    };
}

audit_words! {
    /// A kind of record the audit log names (its `entity`).
    RecordKind {
        Organisation => "organisation", "Organisation settings";
        Team => "team", "Team";
        Rep => "rep", "Rep";
        User => "user", "User";
        Token => "token", "API token";
        Catalog => "catalog", "KPI catalog";
        ChurnEvent => "churn_event", "Churn event";
        Plan => "plan", "Plan";
        Review => "review", "Quarterly review";
        FxRate => "fx_rate", "Exchange rate";
        Import => "import", "File import";
        Activities => "activities", "Activities";
        Deals => "deals", "Deals";
        Subscriptions => "subscriptions", "Recurring revenue";
        Database => "database", "Database";
    }
    /// What a change did, as the audit log records it.
    AuditAction {
        OrganisationSave => "organisation.save", Organisation, "Organisation settings saved";
        TeamCreate => "team.create", Team, "Team created";
        TeamUpdate => "team.update", Team, "Team changed";
        TeamDeactivate => "team.deactivate", Team, "Team deactivated";
        RepCreate => "rep.create", Rep, "Rep added";
        RepUpdate => "rep.update", Rep, "Rep changed";
        RepMove => "rep.move", Rep, "Rep moved to another team";
        UserCreate => "user.create", User, "User created";
        UserUpdate => "user.update", User, "User changed";
        UserPassword => "user.password", User, "Password changed";
        TokenCreate => "token.create", Token, "API token created";
        TokenRevoke => "token.revoke", Token, "API token revoked";
        CatalogApply => "catalog.apply", Catalog, "KPI catalog applied";
        ChurnTag => "churn.tag", ChurnEvent, "Churn reason tagged";
        PlanCreate => "plan.create", Plan, "Plan created";
        PlanSettings => "plan.settings", Plan, "Plan settings changed";
        PlanStatus => "plan.status", Plan, "Plan status changed";
        PlanCopy => "plan.copy", Plan, "Plan copied";
        PlanTargetsPut => "plan.targets.put", Plan, "Plan targets changed";
        PlanTargetSet => "plan.target.set", Plan, "A plan target changed";
        ReviewOpen => "review.open", Review, "Review opened";
        ReviewClose => "review.close", Review, "Review closed and its figures frozen";
        ReviewNote => "review.note", Review, "Note added to a review";
        FxRateSet => "fx_rate.set", FxRate, "Exchange rates set";
        FxRateDelete => "fx_rate.delete", FxRate, "Exchange rate removed";
        RecordsImport => "records.import", Import, "File imported";
        ActivitiesWrite => "activities.write", Activities, "Activities recorded";
        ActivitiesDelete => "activities.delete", Activities, "Activities deleted";
        DealsWrite => "deals.write", Deals, "Deals recorded";
        DealsDelete => "deals.delete", Deals, "Deals deleted";
        SubscriptionsWrite => "subscriptions.write", Subscriptions, "Recurring revenue recorded";
        Restore => "restore", Database, "Database restored from a backup";
    }
}

/// An action as stored, in words; one Pacer does not know (written by another version) as it is.
pub fn action_words(action: &str) -> &str {
    match action.parse::<AuditAction>() {
        Ok(known) => known.words(),
        Err(_) => action,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    #[test]
    fn every_action_has_its_own_words_and_reads_back() {
        let mut words = HashSet::new();
        for action in AuditAction::ALL {
            assert_eq!(action.as_str().parse::<AuditAction>(), Ok(*action));
            assert!(!action.words().is_empty() && !action.words().contains(['.', '_']), "{action:?}");
            assert!(words.insert(action.words()), "two actions read {:?}", action.words());
        }
        assert_eq!(action_words("plan.targets.put"), "Plan targets changed");
        assert_eq!(action_words("made.up"), "made.up");
    }

    #[test]
    fn every_kind_of_record_has_words_and_an_action() {
        for kind in RecordKind::ALL {
            assert_eq!(kind.as_str().parse::<RecordKind>(), Ok(*kind));
            assert!(!kind.words().is_empty());
            assert!(AuditAction::ALL.iter().any(|a| a.kind() == *kind), "no action changes a {kind:?}");
        }
    }
}
