//! The one error type of the use cases. Interfaces translate it: the web
//! layer to a status and its JSON shape, the command line to a message with
//! the cause chain.

use pacer_core::plan::PlanError;
use pacer_core::review::ReviewError;
use pacer_core::values::ValueError;
use pacer_storage::StoreError;

/// The cause of an internal error: kept for logs and the command line, never shown to web clients.
pub type Cause = Box<dyn std::error::Error + Send + Sync>;

/// What a use case refuses or fails with.
#[derive(Debug, thiserror::Error)]
pub enum AppError {
    /// A value is malformed or out of range (a period name, a rate, a date range).
    #[error("{0}")]
    BadRequest(String),
    /// The caller may not do or read this.
    #[error("you are not allowed to do this")]
    Forbidden,
    /// No such record (or one the caller may not see).
    #[error("{0}")]
    NotFound(String),
    /// A unique value is taken, or the change conflicts with the stored state.
    #[error("{0}")]
    Conflict(String),
    /// The values break a rule; `details` lists each problem.
    #[error("{message}")]
    Invalid {
        /// Summary.
        message: String,
        /// One entry per problem.
        details: Vec<serde_json::Value>,
    },
    /// A bug, a broken database or a failed dependency: the cause is kept.
    #[error("internal error")]
    Internal(#[source] Cause),
}

impl AppError {
    /// An internal error with its cause (an error, or a sentence saying what broke).
    pub fn internal(cause: impl Into<Cause>) -> Self {
        AppError::Internal(cause.into())
    }

    /// An invalid request with one problem.
    pub fn invalid(message: impl Into<String>) -> Self {
        let message = message.into();
        AppError::Invalid { details: vec![serde_json::json!({ "reason": message })], message }
    }

    /// The error and its causes in one line, for logs (the command line prints the same with `{:#}`).
    pub fn chain(&self) -> String {
        let mut text = self.to_string();
        let mut cause = std::error::Error::source(self);
        while let Some(e) = cause {
            text.push_str(": ");
            text.push_str(&e.to_string());
            cause = e.source();
        }
        text
    }
}

impl From<StoreError> for AppError {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::NotFound { .. } => AppError::NotFound(e.to_string()),
            StoreError::Conflict(m) => AppError::Conflict(m),
            StoreError::Refused(m) => AppError::invalid(m),
            StoreError::Invalid(rule) => AppError::invalid(rule.to_string()),
            StoreError::Fx(rule) => AppError::invalid(rule.to_string()),
            // Changing an approved plan, or a status change the life cycle forbids: a conflict with its state.
            StoreError::Plan(e @ (PlanError::NotEditable(_) | PlanError::Transition { .. })) => {
                AppError::Conflict(e.to_string())
            }
            StoreError::Plan(e) => AppError::invalid(e.to_string()),
            // A closed review does not change: a conflict with its state.
            StoreError::Review(e @ (ReviewError::Closed(_) | ReviewError::AlreadyClosed { .. })) => {
                AppError::Conflict(e.to_string())
            }
            StoreError::Review(e) => AppError::invalid(e.to_string()),
            other => AppError::internal(other),
        }
    }
}

impl From<ValueError> for AppError {
    fn from(e: ValueError) -> Self {
        AppError::BadRequest(e.to_string())
    }
}

/// Result of a use case.
pub type AppResult<T> = Result<T, AppError>;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_internal_error_keeps_its_cause_chain() {
        let store = StoreError::Corrupt { column: "amount_minor", value: "x".into() };
        let e = AppError::from(store);
        assert!(matches!(e, AppError::Internal(_)));
        assert_eq!(e.chain(), "internal error: corrupt value in column amount_minor: \"x\"");
        let outer = AppError::internal(std::io::Error::other("disk full"));
        assert!(outer.chain().contains("disk full"), "{}", outer.chain());
    }

    #[test]
    fn domain_refusals_are_not_internal() {
        let e = AppError::from(StoreError::not_found("team", 7));
        assert_eq!(e.to_string(), "team 7 does not exist");
        assert!(matches!(AppError::from(StoreError::Conflict("taken".into())), AppError::Conflict(_)));
    }
}
