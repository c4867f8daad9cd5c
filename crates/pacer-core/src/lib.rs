//! Pacer's pure core: the domain types and every formula, with no I/O, no
//! async and no SQL. Everything here is deterministic and cannot fail on the
//! outside world; callers (storage, web, CLI) bring the data in.

pub mod access;
pub mod attainment;
pub mod audit;
pub mod catalog;
pub mod churn;
pub mod digest;
pub mod fiscal_calendar;
pub mod forecast;
pub mod growth;
pub mod import;
pub mod kpi;
pub mod language;
pub mod limits;
pub mod money;
#[cfg(feature = "openapi")]
pub mod openapi;
pub mod org;
pub mod pipeline;
pub mod plan;
pub mod readiness;
pub mod records;
pub mod report;
pub mod review;
pub mod rollup;
pub mod seasonality;
#[cfg(test)]
pub(crate) mod testing;
mod text_enum;
pub mod throttle;
pub mod to_date;
pub mod values;
