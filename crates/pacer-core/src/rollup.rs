//! Daily rollups: per rep and day, the totals of each activity type and of
//! each kind and status of deal. Reports read these instead of raw events;
//! storage keeps them in step with every write by applying a [`RollupDelta`]
//! in the same transaction (a record written adds itself, a record replaced
//! or deleted takes itself away).

use crate::org::RepId;
use crate::records::{DealKind, DealStatus};
use chrono::NaiveDate;
use serde::Serialize;
use std::collections::HashMap;

/// Totals of one rep's activities of one type on one day.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct ActivityTotals {
    /// How many activities.
    pub n: i64,
    /// Sum of their durations, in seconds.
    pub duration_s: i64,
    /// How many of them have a duration.
    pub duration_n: i64,
}

/// Totals of one rep's deals of one kind and status closing on one day.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct DealTotals {
    /// How many deals.
    pub n: i64,
    /// Sum of their amounts, minor units.
    pub amount_minor: i64,
}

/// One rep's activities of one type on one day.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
pub struct ActivityDayKey {
    /// The rep.
    pub rep_id: RepId,
    /// The day the activities happened.
    pub day: NaiveDate,
    /// The activity type.
    pub activity_type: String,
}

/// One rep's deals of one kind and status closing on one day.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
pub struct DealDayKey {
    /// The rep.
    pub rep_id: RepId,
    /// The close date (expected close date for open deals).
    pub day: NaiveDate,
    /// New or existing business.
    pub kind: DealKind,
    /// Open, won or lost.
    pub status: DealStatus,
}

impl DealDayKey {
    /// The row a deal counts in; none for an open deal without a close date (see [`RollupDelta::deal`]).
    pub fn of(rep_id: RepId, close_date: Option<NaiveDate>, kind: DealKind, status: DealStatus) -> Option<Self> {
        close_date.map(|day| Self { rep_id, day, kind, status })
    }
}

/// A stored row of the activity rollup.
pub type ActivityDay = (ActivityDayKey, ActivityTotals);
/// A stored row of the deal rollup.
pub type DealDay = (DealDayKey, DealTotals);

/// Changes to the rollups that one write makes.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RollupDelta {
    activities: HashMap<ActivityDayKey, ActivityTotals>,
    deals: HashMap<DealDayKey, DealTotals>,
}

/// Whether a record is being added to or taken away from the rollups.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Change {
    /// A new record, or the new version of a corrected one.
    Add,
    /// A deleted record, or the old version of a corrected one.
    Remove,
}

impl Change {
    fn sign(self) -> i64 {
        match self {
            Change::Add => 1,
            Change::Remove => -1,
        }
    }
}

impl RollupDelta {
    /// Counts an activity in (or out).
    pub fn activity(&mut self, change: Change, key: ActivityDayKey, duration_s: Option<i64>) {
        let sign = change.sign();
        let totals = self.activities.entry(key).or_default();
        totals.n += sign;
        if let Some(d) = duration_s {
            totals.duration_s += sign * d;
            totals.duration_n += sign;
        }
    }

    /// Counts a deal in (or out) of its day's row; `None`, an open deal without a close date,
    /// is in no day's row: reports count deals by their day, and the pipeline reads such deals
    /// from the records.
    pub fn deal(&mut self, change: Change, key: Option<DealDayKey>, amount_minor: i64) {
        let Some(key) = key else { return };
        let sign = change.sign();
        let totals = self.deals.entry(key).or_default();
        totals.n += sign;
        totals.amount_minor += sign * amount_minor;
    }

    /// The activity rows that change, with the amounts to add (negative to
    /// take away); a record removed and added back cancels out.
    pub fn activity_changes(&self) -> Vec<ActivityDay> {
        let mut out: Vec<ActivityDay> = self
            .activities
            .iter()
            .filter(|(_, t)| **t != ActivityTotals::default())
            .map(|(k, t)| (k.clone(), *t))
            .collect();
        out.sort_by(|a, b| a.0.cmp(&b.0));
        out
    }

    /// The deal rows that change, with the amounts to add.
    pub fn deal_changes(&self) -> Vec<DealDay> {
        let mut out: Vec<DealDay> =
            self.deals.iter().filter(|(_, t)| **t != DealTotals::default()).map(|(k, t)| (*k, *t)).collect();
        out.sort_by_key(|a| a.0);
        out
    }

    /// The first and last day whose rows change.
    pub fn days(&self) -> Option<(NaiveDate, NaiveDate)> {
        let activity_days =
            self.activities.iter().filter(|(_, t)| **t != ActivityTotals::default()).map(|(k, _)| k.day);
        let deal_days = self.deals.iter().filter(|(_, t)| **t != DealTotals::default()).map(|(k, _)| k.day);
        activity_days.chain(deal_days).fold(None, |span, d| match span {
            None => Some((d, d)),
            Some((first, last)) => Some((d.min(first), d.max(last))),
        })
    }

    /// Whether nothing changes.
    pub fn is_empty(&self) -> bool {
        self.activity_changes().is_empty() && self.deal_changes().is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::ymd;

    fn key(rep: RepId, day: u32, t: &str) -> ActivityDayKey {
        ActivityDayKey { rep_id: rep, day: ymd(2026, 3, day), activity_type: t.into() }
    }

    #[test]
    fn a_correction_moves_the_record_between_days() {
        let mut delta = RollupDelta::default();
        delta.activity(Change::Remove, key(1, 2, "call"), Some(60));
        delta.activity(Change::Add, key(1, 3, "call"), Some(90));
        assert_eq!(
            delta.activity_changes(),
            vec![
                (key(1, 2, "call"), ActivityTotals { n: -1, duration_s: -60, duration_n: -1 }),
                (key(1, 3, "call"), ActivityTotals { n: 1, duration_s: 90, duration_n: 1 }),
            ]
        );
    }

    #[test]
    fn removing_and_adding_the_same_record_changes_nothing() {
        let mut delta = RollupDelta::default();
        delta.activity(Change::Remove, key(1, 2, "call"), None);
        delta.activity(Change::Add, key(1, 2, "call"), None);
        let deal = DealDayKey { rep_id: 1, day: ymd(2026, 3, 1), kind: DealKind::New, status: DealStatus::Won };
        delta.deal(Change::Add, Some(deal), 500);
        delta.deal(Change::Remove, Some(deal), 500);
        assert!(delta.is_empty());
    }
}
