//! The whole company's day series: every rep's rows of a day summed, one series per activity type
//! and per deal kind and status. A company report without a scope reads these (a few hundred days
//! a type) rather than every rep's series, and gives the same sums: in such a report every rep's
//! every day counts for its one row, whatever their team.

use super::{ActivitySeries, DailyCube, Day, DealSeries};
use crate::records::{DealKind, DealStatus};
use std::collections::HashMap;

/// Every rep's series summed by day.
#[derive(Debug, Default)]
pub(super) struct CompanySeries {
    pub(super) activities: HashMap<u16, ActivitySeries>,
    pub(super) deals: HashMap<(DealKind, DealStatus), DealSeries>,
}

impl DailyCube {
    /// The company's series, computed at the first call after the cube last changed; none for a
    /// cube not in day order.
    pub(super) fn company(&self) -> Option<&CompanySeries> {
        let (first, last) = self.span?;
        self.sealed.then(|| self.company.get_or_init(|| std::sync::Arc::new(self.sum_reps(first, last))).as_ref())
    }

    fn sum_reps(&self, first: Day, last: Day) -> CompanySeries {
        let days = (last - first + 1) as usize;
        let mut out = CompanySeries::default();
        let mut activities: HashMap<u16, Vec<[i64; 4]>> = HashMap::new();
        for ((_, t), s) in &self.activity_series {
            let totals = activities.entry(*t).or_insert_with(|| vec![[0; 4]; days]);
            for (i, d) in s.days.iter().enumerate() {
                let cell = &mut totals[(d - first) as usize];
                cell[0] += i64::from(s.n[i]);
                cell[1] += s.duration_s[i];
                cell[2] += i64::from(s.duration_n[i]);
                cell[3] += 1;
            }
        }
        for (t, totals) in activities {
            let mut series = ActivitySeries::default();
            for (offset, [n, duration_s, duration_n, rows]) in totals.into_iter().enumerate() {
                if rows > 0 {
                    series.days.push(first + offset as Day);
                    series.n.push(clamped(n));
                    series.duration_s.push(duration_s);
                    series.duration_n.push(clamped(duration_n));
                }
            }
            out.activities.insert(t, series);
        }
        let mut deals: HashMap<(DealKind, DealStatus), Vec<[i64; 3]>> = HashMap::new();
        for ((_, kind, status), s) in &self.deal_series {
            let totals = deals.entry((*kind, *status)).or_insert_with(|| vec![[0; 3]; days]);
            for (i, d) in s.days.iter().enumerate() {
                let cell = &mut totals[(d - first) as usize];
                cell[0] += i64::from(s.n[i]);
                cell[1] += s.amount_minor[i];
                cell[2] += 1;
            }
        }
        for (key, totals) in deals {
            let mut series = DealSeries::default();
            for (offset, [n, amount_minor, rows]) in totals.into_iter().enumerate() {
                if rows > 0 {
                    series.days.push(first + offset as Day);
                    series.n.push(clamped(n));
                    series.amount_minor.push(amount_minor);
                }
            }
            out.deals.insert(key, series);
        }
        out
    }
}

/// A day's count for the whole company: far below `u32::MAX` (billions of activities a day).
fn clamped(n: i64) -> u32 {
    n.clamp(0, i64::from(u32::MAX)) as u32
}
