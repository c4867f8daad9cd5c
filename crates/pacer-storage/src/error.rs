//! The one error type of the storage layer.

use pacer_core::org::OrgError;
use pacer_core::plan::PlanError;
use pacer_core::review::ReviewError;

/// What can go wrong in storage. Callers map `NotFound`, `Conflict`,
/// `Invalid`, `Plan` and `Review` to user-facing messages; the rest are internal.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// The record does not exist.
    #[error("{what} {id} does not exist")]
    NotFound {
        /// Kind of record, e.g. "team".
        what: &'static str,
        /// Its identifier as given.
        id: String,
    },
    /// A unique value is already taken, or a referenced record is missing.
    #[error("{0}")]
    Conflict(String),
    /// A domain rule refuses the change.
    #[error(transparent)]
    Invalid(#[from] OrgError),
    /// A plan rule refuses the change: an edit of a plan that is no longer a draft
    /// ([`PlanError::NotEditable`]) or a status change the life cycle forbids
    /// ([`PlanError::Transition`]), which conflict with the plan's state; or invalid
    /// values (a target row, the settings, the name).
    #[error(transparent)]
    Plan(#[from] PlanError),
    /// A review rule refuses the change: closing a review that is already closed
    /// ([`ReviewError::AlreadyClosed`]) or changing a closed one ([`ReviewError::Closed`]),
    /// which conflict with the review's state; or invalid values (the quarter, a plan of another
    /// fiscal year, a note, the snapshot).
    #[error(transparent)]
    Review(#[from] ReviewError),
    /// The database URL cannot be used.
    #[error("{0}")]
    Url(String),
    /// A stored value does not parse (a bug or a hand-edited database).
    #[error("corrupt value in column {column}: {value:?}")]
    Corrupt {
        /// Column name.
        column: &'static str,
        /// The stored text.
        value: String,
    },
    /// A migration failed.
    #[error("migration {version} ({name}) failed: {source}")]
    Migration {
        /// Migration number.
        version: i64,
        /// Migration file name.
        name: &'static str,
        /// The database error.
        source: sqlx::Error,
    },
    /// Any other database error.
    #[error("database error: {0}")]
    Database(sqlx::Error),
}

impl StoreError {
    /// A not-found error for `what` with identifier `id`.
    pub fn not_found(what: &'static str, id: impl ToString) -> Self {
        Self::NotFound { what, id: id.to_string() }
    }
}

impl From<sqlx::Error> for StoreError {
    fn from(e: sqlx::Error) -> Self {
        use sqlx::error::ErrorKind;
        if let sqlx::Error::Database(db) = &e {
            match db.kind() {
                ErrorKind::UniqueViolation => return Self::Conflict(format!("already exists: {}", db.message())),
                ErrorKind::ForeignKeyViolation => {
                    return Self::Conflict(format!("refers to a record that does not exist: {}", db.message()));
                }
                ErrorKind::CheckViolation => return Self::Conflict(format!("value not allowed: {}", db.message())),
                _ => {}
            }
        }
        Self::Database(e)
    }
}
