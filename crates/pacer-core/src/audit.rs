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
