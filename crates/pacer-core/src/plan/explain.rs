//! Why a target is what it is, to show in words beside an attainment figure: a rep still ramping
//! after their hire, a rep who left, a period barely begun. A 2,276% attainment is a figure no
//! one can act on; "ramped: 25% of a full quota in the first month" beside it is.

use super::FULL_MONTH;
use chrono::NaiveDate;

/// Share of the period's whole target under which a target to date is called early.
const EARLY_SHARE: f64 = 0.25;

/// What lies behind one owner's target over one period (a month, a quarter or the year to date).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct TargetBasis<'a> {
    /// For a rep: their capacity in each fiscal month of the period, in basis points of a full
    /// quota ([`super::Capacity`]); `None` for a team or the company.
    pub capacity: Option<&'a [u16]>,
    /// For a rep: the hire date.
    pub hired: Option<NaiveDate>,
    /// For a rep: the leave date (the day after the last working day), if they left.
    pub left: Option<NaiveDate>,
    /// The period's first day.
    pub start: NaiveDate,
    /// The period's last day.
    pub end: NaiveDate,
    /// The target the actual is measured against: the target to date while the period is in
    /// progress.
    pub target: i64,
    /// The period's whole target.
    pub full_target: i64,
}

/// One reason a target is not a plain full quota over a whole period (`pacer-i18n` writes it for
/// people: "ramped: 25% of a full quota in the first month (hired D)").
#[derive(Debug, Clone, PartialEq)]
pub enum TargetNote {
    /// A rep who left on `on`, on or before the period's end: no target after (none at all in
    /// the period when `whole_period`).
    Left {
        /// The leave date.
        on: NaiveDate,
        /// Nothing of the period's target is left.
        whole_period: bool,
    },
    /// A rep hired in the period, still ramping: their capacity in each month of the ramp, in
    /// percent of a full quota (25, 50, …).
    Ramp {
        /// Capacity of each ramp month so far, in percent.
        steps: Vec<u32>,
        /// The hire date.
        hired: NaiveDate,
    },
    /// A rep hired before the period, still ramping in it: the share of a full quota they carry
    /// over the period, in whole percent (rounded down).
    RampOver {
        /// Share carried, in percent.
        percent: u32,
        /// The hire date.
        hired: NaiveDate,
    },
    /// A target to date under a quarter of the period's whole target: `share` of it so far.
    Early {
        /// Target to date / the period's whole target.
        share: f64,
    },
}

/// The notes that explain a target, in the order a reader needs them; empty when the target is
/// a plain full quota over a whole period (docs/numbers.md, "Attainment explained").
///
/// - a rep who left on or before the period's end ([`TargetNote::Left`]);
/// - a rep whose capacity over the period is under a full quota while they are employed
///   (ramping after the hire): [`TargetNote::Ramp`] with each step when hired in the period,
///   else [`TargetNote::RampOver`];
/// - a target to date above 0 but under a quarter of the period's whole target
///   ([`TargetNote::Early`]).
pub fn explain(basis: &TargetBasis<'_>) -> Vec<TargetNote> {
    let mut notes = Vec::new();
    if let Some(left) = basis.left.filter(|&l| l <= basis.end) {
        notes.push(TargetNote::Left { on: left, whole_period: basis.full_target == 0 });
    }
    if let (Some(capacity), Some(hired)) = (basis.capacity, basis.hired) {
        // The months employed: from the first with any capacity (the hire month), while it lasts.
        let employed: Vec<u16> = capacity.iter().copied().skip_while(|&b| b == 0).take_while(|&b| b > 0).collect();
        let carried: u32 = employed.iter().map(|&b| u32::from(b)).sum();
        let full = u32::from(FULL_MONTH) * employed.len() as u32;
        if !employed.is_empty() && carried < full {
            let hired_in_period = (basis.start..=basis.end).contains(&hired);
            let steps: Vec<u32> =
                employed.iter().take_while(|&&b| b < FULL_MONTH).map(|&b| u32::from(b) / 100).collect();
            notes.push(if hired_in_period && !steps.is_empty() {
                TargetNote::Ramp { steps, hired }
            } else {
                TargetNote::RampOver { percent: (u64::from(carried) * 100 / u64::from(full.max(1))) as u32, hired }
            });
        }
    }
    // A target to date of 0 has no attainment to explain.
    if basis.target > 0 && basis.target < basis.full_target {
        let share = basis.target as f64 / basis.full_target as f64;
        if share < EARLY_SHARE {
            notes.push(TargetNote::Early { share });
        }
    }
    notes
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::day;
    use proptest::prelude::*;

    fn basis(
        capacity: Option<&[u16]>,
        hired: Option<&str>,
        left: Option<&str>,
        target: i64,
        full: i64,
    ) -> Vec<TargetNote> {
        explain(&TargetBasis {
            capacity,
            hired: hired.map(day),
            left: left.map(day),
            start: day("2026-11-01"),
            end: day("2027-01-31"),
            target,
            full_target: full,
        })
    }

    #[test]
    fn notes_say_why_a_target_is_small() {
        // A full-year rep, a whole quarter: nothing to explain.
        assert!(basis(Some(&[10_000; 3]), Some("2020-03-02"), None, 900, 900).is_empty());
        // Hired in the quarter's second month with the 25/50/75 ramp.
        assert_eq!(
            basis(Some(&[0, 2_500, 5_000]), Some("2026-12-14"), None, 75, 75),
            [TargetNote::Ramp { steps: vec![25, 50], hired: day("2026-12-14") }]
        );
        // Hired in the period's last month: one step of the ramp so far.
        assert_eq!(
            basis(Some(&[0, 0, 2_500]), Some("2027-01-04"), None, 25, 25),
            [TargetNote::Ramp { steps: vec![25], hired: day("2027-01-04") }]
        );
        // Hired in the period's first month: the whole ramp.
        assert_eq!(
            basis(Some(&[2_500, 5_000, 7_500]), Some("2026-11-02"), None, 150, 150),
            [TargetNote::Ramp { steps: vec![25, 50, 75], hired: day("2026-11-02") }]
        );
        // Hired before the quarter, still ramping: 75 + 100 + 100 of 300 = 91%.
        assert_eq!(
            basis(Some(&[7_500, 10_000, 10_000]), Some("2026-09-14"), None, 275, 275),
            [TargetNote::RampOver { percent: 91, hired: day("2026-09-14") }]
        );
        // Left in the period; left before it.
        assert_eq!(
            basis(Some(&[10_000, 0, 0]), Some("2018-01-29"), Some("2026-12-01"), 100, 100),
            [TargetNote::Left { on: day("2026-12-01"), whole_period: false }]
        );
        assert_eq!(
            basis(Some(&[0, 0, 0]), Some("2018-01-29"), Some("2026-08-10"), 0, 0),
            [TargetNote::Left { on: day("2026-08-10"), whole_period: true }]
        );
        // A week into a quarter: the target to date is 8% of the quarter's.
        assert_eq!(basis(None, None, None, 8, 100), [TargetNote::Early { share: 0.08 }]);
        assert!(basis(None, None, None, 30, 100).is_empty(), "a third of the way through is not early");
        assert!(basis(None, None, None, 0, 1).is_empty(), "no target to date, no attainment to explain");
        // Reasons add up: a new hire early in the period.
        assert_eq!(
            basis(Some(&[0, 2_500, 5_000]), Some("2026-12-14"), None, 5, 75),
            [
                TargetNote::Ramp { steps: vec![25, 50], hired: day("2026-12-14") },
                TargetNote::Early { share: 5.0 / 75.0 }
            ]
        );
    }

    proptest! {
        /// A rep at full capacity all through a period, measured on the whole of it, needs no note.
        #[test]
        fn a_full_quota_needs_no_note(months in 1usize..12, target in 0i64..1_000_000_000) {
            let capacity = vec![FULL_MONTH; months];
            prop_assert!(basis(Some(&capacity), Some("2019-01-07"), None, target, target).is_empty());
        }

        /// Any capacity under a full quota while employed is named as a ramp.
        #[test]
        fn any_ramp_is_named(steps in proptest::collection::vec(100u16..FULL_MONTH, 1..4), full in 0usize..6) {
            let mut capacity = steps.clone();
            capacity.extend(std::iter::repeat_n(FULL_MONTH, full));
            let notes = basis(Some(&capacity), Some("2026-05-04"), None, 1, 1);
            prop_assert!(
                notes.iter().any(|n| matches!(n, TargetNote::Ramp { .. } | TargetNote::RampOver { .. })),
                "{:?}",
                notes
            );
        }
    }
}
