//! The one error type of the storage layer.

use pacer_core::org::OrgError;

/// What can go wrong in storage. Callers map `NotFound`, `Conflict` and
/// `Invalid` to user-facing messages; the rest are internal.
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
