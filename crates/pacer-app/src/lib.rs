//! Pacer's use cases, shared by the command line, the API and the pages:
//! they gather facts through the store and compute with the core, so every
//! interface gives the same number and refuses the same input.

pub mod cache;
pub mod catalog;
pub mod churn;
pub mod context;
pub mod credentials;
pub mod dashboard;
pub mod digest;
pub mod error;
pub mod export;
pub mod fx;
pub mod import;
pub mod kpi;
pub mod logging;
pub mod plan;
pub mod plan_xlsx;
pub mod readiness;
pub mod report;
pub mod review;
pub mod scorecard;
pub mod stages;
pub mod visibility;

pub use context::Context;
pub use error::{AppError, AppResult};

/// A word a person typed (`--by team`, `?per=quarter`), read as the domain
/// value it names; a word that names none is a bad request listing the choices.
pub fn parse_word<T>(word: Option<&str>) -> AppResult<Option<T>>
where
    T: std::str::FromStr,
    T::Err: std::fmt::Display,
{
    word.map(|w| w.trim().parse::<T>().map_err(|e| AppError::BadRequest(e.to_string()))).transpose()
}
