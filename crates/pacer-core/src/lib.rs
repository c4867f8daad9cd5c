//! Pacer's pure core: the domain types and every formula, with no I/O, no
//! async and no SQL. Everything here is deterministic and cannot fail on the
//! outside world; callers (storage, web, CLI) bring the data in.

pub mod access;
pub mod audit;
pub mod fiscal_calendar;
pub mod money;
pub mod org;
pub mod records;
