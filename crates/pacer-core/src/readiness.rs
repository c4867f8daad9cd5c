//! Readiness of the metric catalog (PRODUCT.md C2): for each KPI, in priority
//! order, can it be tracked on the first day of the fiscal year, how it is
//! captured, whether data is arriving, how complete manual capture is, and
//! how much of the year it covers (FORMULAS.md "Coverage" and "Completeness").

use crate::catalog::{CaptureMethod, Catalog, DefinitionKind, Kpi};
use crate::org::RepId;
use crate::text_enum::text_enum;
use chrono::{Datelike, NaiveDate};
use serde::Serialize;
use std::collections::{BTreeSet, HashSet};

/// A record a KPI's value is computed from.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
pub enum InputNeed {
    /// Activities of these types, only those carrying `with_field` when set.
    Activities {
        /// Activity types.
        types: Vec<String>,
        /// A field the records must carry (a filter's field).
        with_field: Option<String>,
    },
    /// Deals.
    Deals,
    /// Monthly recurring revenue.
    Subscriptions,
}

impl Catalog {
    /// The records KPI `key` reads (ratios: those of both parts).
    pub fn inputs_of(&self, key: &str) -> Vec<InputNeed> {
        let mut out = BTreeSet::new();
        let mut todo = vec![key.to_string()];
        let mut seen = HashSet::new();
        while let Some(k) = todo.pop() {
            let Some(kpi) = self.kpi(&k) else { continue };
            if !seen.insert(k) {
                continue;
            }
            let d = &kpi.definition;
            match d.kind {
                DefinitionKind::ActivityCount
                | DefinitionKind::ActivitySum
                | DefinitionKind::ActivityAverage
                | DefinitionKind::DistinctAccounts => {
                    let with_field = d.filter.keys().next().map(|f| f.get_ref().clone());
                    out.insert(InputNeed::Activities {
                        types: d.types.iter().map(|t| t.get_ref().clone()).collect(),
                        with_field,
                    });
                }
                DefinitionKind::DealAmount | DefinitionKind::DealCount => {
                    out.insert(InputNeed::Deals);
                }
                DefinitionKind::Churn => {
                    out.insert(InputNeed::Subscriptions);
                }
                DefinitionKind::Ratio => {
                    todo.extend([&d.numerator, &d.denominator].into_iter().flatten().map(|r| r.get_ref().clone()));
                }
            }
        }
        out.into_iter().collect()
    }
}

/// How much of a fiscal year a KPI covers.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(as = ReadinessCoverage))]
pub struct Coverage {
    /// Days of the year tracked so far.
    pub tracked_days: i64,
    /// Days of the year elapsed (the whole year once it is over).
    pub elapsed_days: i64,
    /// tracked / elapsed; `None` before the year starts.
    pub share: Option<f64>,
    /// Whole calendar months tracked, of the months elapsed: "7 of 12 months".
    pub months_tracked: u32,
    /// Months of the year elapsed.
    pub months_elapsed: u32,
}

impl Coverage {
    /// Whether the figure is for less than the time elapsed.
    pub fn is_partial(&self) -> bool {
        self.share.is_some_and(|s| s < 1.0)
    }
}

fn months_between(from: NaiveDate, to: NaiveDate) -> u32 {
    // Whole months from `from` to the day after `to`, counting a started month as elapsed.
    if to < from {
        return 0;
    }
    ((to.year() - from.year()) * 12 + to.month() as i32 - from.month() as i32 + 1).max(0) as u32
}

/// FORMULAS.md "Coverage": tracked days of the fiscal year (from `tracked_from`,
/// the `tracked_since` date or the first data) over days elapsed (the whole
/// year once closed). A figure with coverage below 100% is never annualised.
pub fn coverage(
    year_start: NaiveDate,
    year_end: NaiveDate,
    as_of: NaiveDate,
    tracked_from: Option<NaiveDate>,
) -> Coverage {
    let last = as_of.min(year_end);
    let elapsed_days = (last - year_start).num_days() + 1;
    let from = tracked_from.map_or(year_start, |t| t.max(year_start));
    let tracked_days = match tracked_from {
        Some(t) if t > last => 0,
        _ => ((last - from).num_days() + 1).max(0),
    };
    if elapsed_days <= 0 {
        return Coverage { tracked_days: 0, elapsed_days: 0, share: None, months_tracked: 0, months_elapsed: 0 };
    }
    let months_elapsed = months_between(year_start, last);
    let months_tracked = if tracked_days == 0 { 0 } else { months_between(from, last) };
    Coverage {
        tracked_days,
        elapsed_days,
        share: Some(tracked_days as f64 / elapsed_days as f64),
        months_tracked,
        months_elapsed,
    }
}

/// How much of a report column `[start, end]`, seen on `as_of`, a KPI tracked since
/// `tracked_since` covers (docs/numbers.md, "Coverage honoured in totals").
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Tracked {
    /// The whole column (no `tracked_since`, or one on or before its first day).
    Whole,
    /// None of it: tracking starts after the column's last day elapsed. Its figure is "not
    /// tracked", never a 0 that reads as a result.
    Not {
        /// The day tracking starts.
        since: NaiveDate,
    },
    /// Part of it: the figure is computed from `since` on (a ratio over the tracked months only,
    /// never diluted by untracked ones) and labelled with its coverage.
    Part {
        /// The day tracking starts, inside the column.
        since: NaiveDate,
        /// Tracked days and months of the column so far.
        coverage: Coverage,
    },
}

impl Tracked {
    /// Of the column `[start, end]` on `as_of`, for a KPI tracked since `tracked_since`.
    pub fn of(start: NaiveDate, end: NaiveDate, as_of: NaiveDate, tracked_since: Option<NaiveDate>) -> Self {
        match tracked_since {
            None => Self::Whole,
            Some(since) if since <= start => Self::Whole,
            Some(since) if since > end.min(as_of.max(start)) => Self::Not { since },
            Some(since) => Self::Part { since, coverage: coverage(start, end, as_of, Some(since)) },
        }
    }

    /// The first day the column's figure counts from: `start`, or the day tracking starts.
    pub fn counts_from(&self, start: NaiveDate) -> NaiveDate {
        match *self {
            Self::Part { since, .. } => since,
            _ => start,
        }
    }
}

/// FORMULAS.md "Completeness": the share of active reps with at least one
/// logged record of the KPI's activity types over the last N working days.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Completeness {
    /// Active reps expected to log.
    pub active_reps: usize,
    /// Of those, how many logged.
    pub logged: usize,
    /// logged / active; `None` with no active rep.
    pub share: Option<f64>,
    /// The active reps who logged nothing.
    pub missing: Vec<RepId>,
}

/// Completeness from the active reps and those who logged.
pub fn completeness(active: &[RepId], logged: &HashSet<RepId>) -> Completeness {
    let missing: Vec<RepId> = active.iter().copied().filter(|r| !logged.contains(r)).collect();
    let logged_count = active.len() - missing.len();
    Completeness {
        active_reps: active.len(),
        logged: logged_count,
        share: (!active.is_empty()).then(|| logged_count as f64 / active.len() as f64),
        missing,
    }
}

/// Can a KPI be tracked on the first day of the fiscal year?
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum DayOne {
    /// Yes: captured already.
    Yes,
    /// With setup that is planned to be done in time.
    WithSetup,
    /// No: not capturable, ready too late, or tracked only from mid-year.
    No,
}

text_enum! {
    /// The written form, as serialised: `yes`, `with_setup` or `no`.
    DayOne { Yes => "yes", WithSetup => "with_setup", No => "no" }
}

/// What the application knows of a KPI's data.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct KpiFacts {
    /// First and last day with data for the KPI's inputs (for ratios: the later first and earlier last).
    pub data_span: Option<(NaiveDate, NaiveDate)>,
    /// For manual KPIs: completeness over the window.
    pub completeness: Option<Completeness>,
}

/// Why a KPI cannot give a full-year picture from the first day of the fiscal year: what the
/// readiness report tells leadership about it (written for people by `pacer-i18n`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum ReadinessNote {
    /// It cannot be captured, for the catalog's reason when it gives one.
    CannotCapture {
        /// The catalog's reason (data, as written there).
        reason: Option<String>,
    },
    /// Its capture is planned to be ready only after the year starts.
    ReadyLate {
        /// The day it is planned to be ready.
        ready_by: NaiveDate,
    },
    /// It is tracked only from a day after the year starts (added mid-year).
    MidYear {
        /// The day tracking starts.
        since: NaiveDate,
    },
}

/// One line of the readiness report.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ReadinessRow {
    /// Priority (1 first).
    pub priority: u32,
    /// KPI key.
    pub key: String,
    /// KPI name.
    pub name: String,
    /// Owner.
    pub owner: String,
    /// Can it be tracked on day one.
    pub day_one: DayOne,
    /// Capture method.
    pub method: CaptureMethod,
    /// Automatic capture: the system it comes from (the catalog's words).
    pub source: Option<String>,
    /// Manual or planned capture: the process (the catalog's words).
    pub process: Option<String>,
    /// Last day with data.
    pub last_data: Option<NaiveDate>,
    /// Data arrived within the last 7 days (recurring revenue: within the last month).
    pub arriving: bool,
    /// Manual KPIs: completeness over the window.
    pub completeness: Option<Completeness>,
    /// Coverage of the fiscal year.
    pub coverage: Coverage,
    /// Planned KPIs: days of setup left.
    pub setup_days: Option<u32>,
    /// Planned KPIs: ready-by date.
    pub ready_by: Option<NaiveDate>,
    /// Unavailable KPIs: what to use instead.
    pub alternatives: Vec<String>,
    /// Why it gives no full-year picture, when it does not.
    pub note: Option<ReadinessNote>,
}

/// Days without data after which an automated or manual source counts as silent.
pub const SILENT_AFTER_DAYS: i64 = 7;

/// The readiness line of `kpi` for the fiscal year `[year_start, year_end]` on `as_of`.
pub fn readiness_row(
    kpi: &Kpi,
    year_start: NaiveDate,
    year_end: NaiveDate,
    as_of: NaiveDate,
    facts: &KpiFacts,
) -> ReadinessRow {
    let c = &kpi.capture;
    let tracked_since = kpi.tracked_since.map(|d| d.0);
    let ready_by = c.ready_by.map(|d| d.0);
    let (day_one, note) = match c.method {
        CaptureMethod::Unavailable => (DayOne::No, Some(ReadinessNote::CannotCapture { reason: c.reason.clone() })),
        CaptureMethod::Planned => match ready_by {
            Some(r) if r <= year_start => (DayOne::WithSetup, None),
            Some(r) => (DayOne::No, Some(ReadinessNote::ReadyLate { ready_by: r })),
            None => (DayOne::No, None),
        },
        _ => match tracked_since {
            Some(t) if t > year_start => (DayOne::No, Some(ReadinessNote::MidYear { since: t })),
            _ => (DayOne::Yes, None),
        },
    };
    // What an unavailable KPI's definition would read says nothing about the KPI itself.
    let data_span = if c.method == CaptureMethod::Unavailable { None } else { facts.data_span };
    let last_data = data_span.map(|(_, last)| last);
    let silent_after = if kpi.definition.kind == DefinitionKind::Churn { 40 } else { SILENT_AFTER_DAYS };
    let arriving = last_data.is_some_and(|last| (as_of - last).num_days() <= silent_after);
    let tracked_from = match (tracked_since, data_span) {
        (Some(t), _) => Some(t),
        (None, Some((first, _))) => Some(first),
        (None, None) => Some(year_end + chrono::Days::new(1)),
    };
    let coverage = match c.method {
        CaptureMethod::Unavailable => coverage(year_start, year_end, as_of, Some(year_end + chrono::Days::new(1))),
        _ => coverage(year_start, year_end, as_of, tracked_from),
    };
    ReadinessRow {
        priority: *kpi.priority.get_ref(),
        key: kpi.key().to_string(),
        name: kpi.name.clone(),
        owner: kpi.owner.clone(),
        day_one,
        method: c.method,
        source: c.source.clone(),
        process: c.process.clone(),
        last_data,
        arriving,
        completeness: facts.completeness.clone(),
        coverage,
        setup_days: (c.method == CaptureMethod::Planned).then_some(c.setup_days).flatten(),
        ready_by,
        alternatives: c.alternatives.iter().map(|a| a.get_ref().clone()).collect(),
        note,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::day;

    #[test]
    fn coverage_of_a_kpi_added_mid_year() {
        // FY2027 = 2026-02-01 .. 2027-01-31, tracked from 2026-06-01, seen on 2026-11-26.
        let c = coverage(day("2026-02-01"), day("2027-01-31"), day("2026-11-26"), Some(day("2026-06-01")));
        assert_eq!((c.tracked_days, c.elapsed_days), (179, 299));
        assert_eq!((c.months_tracked, c.months_elapsed), (6, 10));
        assert!(c.is_partial());
        // A closed year counts all its days.
        let closed = coverage(day("2025-02-01"), day("2026-01-31"), day("2026-11-26"), Some(day("2025-09-01")));
        assert_eq!(
            (closed.tracked_days, closed.elapsed_days, closed.months_tracked, closed.months_elapsed),
            (153, 365, 5, 12)
        );
        let full = coverage(day("2026-02-01"), day("2027-01-31"), day("2026-11-26"), None);
        assert_eq!((full.share, full.is_partial()), (Some(1.0), false));
        let before = coverage(day("2026-02-01"), day("2027-01-31"), day("2025-11-26"), None);
        assert_eq!(before.share, None);
        let never = coverage(day("2026-02-01"), day("2027-01-31"), day("2026-11-26"), Some(day("2027-02-01")));
        assert_eq!((never.tracked_days, never.share, never.months_tracked), (0, Some(0.0), 0));
    }

    /// Connect rate tracked since 2026-06-01 in FY2027 (2026-02-01 .. 2027-01-31), seen on
    /// 2026-11-26: the year covers 6 of 10 months, April is not tracked, June is whole.
    #[test]
    fn report_columns_know_what_they_cover() {
        let (since, as_of) = (Some(day("2026-06-01")), day("2026-11-26"));
        let year = Tracked::of(day("2026-02-01"), day("2027-01-31"), as_of, since);
        assert_eq!(year.counts_from(day("2026-02-01")), day("2026-06-01"));
        let Tracked::Part { coverage: c, .. } = year else { panic!("{year:?}") };
        assert_eq!((c.months_tracked, c.months_elapsed), (6, 10));
        let april = Tracked::of(day("2026-04-01"), day("2026-04-30"), as_of, since);
        assert_eq!(april, Tracked::Not { since: day("2026-06-01") });
        assert_eq!(april.counts_from(day("2026-04-01")), day("2026-04-01"));
        assert_eq!(Tracked::of(day("2026-06-01"), day("2026-06-30"), as_of, since), Tracked::Whole);
        assert_eq!(Tracked::of(day("2026-04-01"), day("2026-04-30"), as_of, None), Tracked::Whole);
        // A quarter tracked from its second month covers 2 of 3.
        let q2 = Tracked::of(day("2026-05-01"), day("2026-07-31"), as_of, since);
        let Tracked::Part { coverage: c, .. } = q2 else { panic!("{q2:?}") };
        assert_eq!((c.months_tracked, c.months_elapsed), (2, 3));
        // Tracking announced for a day not yet come: nothing of the year so far is tracked.
        let later = Tracked::of(day("2026-02-01"), day("2027-01-31"), as_of, Some(day("2026-12-15")));
        assert_eq!(later, Tracked::Not { since: day("2026-12-15") });
    }

    #[test]
    fn completeness_names_who_did_not_log() {
        let c = completeness(&[1, 2, 3, 4], &HashSet::from([2, 4, 9]));
        assert_eq!((c.logged, c.active_reps, c.share, c.missing.clone()), (2, 4, Some(0.5), vec![1, 3]));
        assert_eq!(completeness(&[], &HashSet::new()).share, None);
    }
}
