//! The ramp of reps hired during the year, and the capacity it gives them month by month.

use super::{FISCAL_MONTHS, PlanError};
use chrono::{Days, Months, NaiveDate};
use serde::{Deserialize, Serialize};

/// A full month of a full quota, in basis points of [`Capacity`].
pub const FULL_MONTH: u16 = 10_000;

/// A new hire's ramp: the percent of a full quota carried in each month from the hire month
/// (25, 50, 75 by default: three months to full productivity), then 100%.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "Vec<u8>", into = "Vec<u8>")]
pub struct Ramp {
    steps: Vec<u8>,
}

/// Written as its steps: `[25, 50, 75]`.
#[cfg(feature = "openapi")]
impl utoipa::PartialSchema for Ramp {
    fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
        use utoipa::openapi::schema::{ArrayBuilder, ObjectBuilder, Type};
        let step = ObjectBuilder::new().schema_type(Type::Integer).minimum(Some(1)).maximum(Some(100));
        ArrayBuilder::new()
            .items(step)
            .max_items(Some(FISCAL_MONTHS))
            .description(Some("Percent of a full quota in each month from the hire month, then 100%"))
            .into()
    }
}

#[cfg(feature = "openapi")]
impl utoipa::ToSchema for Ramp {}

impl Default for Ramp {
    fn default() -> Self {
        Self { steps: vec![25, 50, 75] }
    }
}

impl Ramp {
    /// A ramp of at most 12 steps, each more than 0% and at most 100%; no steps means full quota
    /// from the hire month.
    pub fn new(steps: Vec<u8>) -> Result<Self, PlanError> {
        if steps.len() > FISCAL_MONTHS {
            return Err(PlanError::RampTooLong(steps.len()));
        }
        if let Some((i, &percent)) = steps.iter().enumerate().find(|(_, p)| !(1..=100).contains(*p)) {
            return Err(PlanError::InvalidRampStep { month: i + 1, percent });
        }
        Ok(Self { steps })
    }

    /// Percent of a full quota in ramp months 1, 2, ...
    pub fn steps(&self) -> &[u8] {
        &self.steps
    }

    /// A rep's capacity in each month of a fiscal year, given as its 12 `(first day, last day)`
    /// months in order (e.g. from [`crate::fiscal_calendar::FiscalCalendar::periods`]).
    ///
    /// Conventions, chosen so that a quota never depends on the day of the month:
    /// - the month containing `hire` is ramp month 1, whatever the day (a rep hired on the 20th
    ///   carries the first step for that whole month), then step 2, ..., then 100%; 0 before it;
    /// - for a hire before the year, the months already ramped are counted back from the year's
    ///   first day in calendar months (exact for month-based years, within a few days for
    ///   week-based ones);
    /// - `leave` is the day after the last working day (as [`crate::org::Rep::leave_date`]): the
    ///   month holding the last working day keeps its full factor, later months are 0.
    pub fn capacity(
        &self,
        months: &[(NaiveDate, NaiveDate)],
        hire: NaiveDate,
        leave: Option<NaiveDate>,
    ) -> Result<Capacity, PlanError> {
        let months: &[(NaiveDate, NaiveDate); FISCAL_MONTHS] =
            months.try_into().map_err(|_| PlanError::MonthCount(months.len()))?;
        for (k, pair) in months.windows(2).enumerate() {
            if pair[0].0 > pair[0].1 || pair[0].1.checked_add_days(Days::new(1)) != Some(pair[1].0) {
                return Err(PlanError::MonthsNotContiguous(k + 2));
            }
        }
        if months[11].0 > months[11].1 {
            return Err(PlanError::MonthsNotContiguous(12));
        }
        if let Some(leave) = leave
            && leave <= hire
        {
            return Err(PlanError::LeaveBeforeHire { hire, leave });
        }
        let year_start = months[0].0;
        // Position of the hire month relative to fiscal month 1 (0-based; negative before the year).
        let hire_month: i64 = if hire >= year_start {
            match months.iter().position(|&(start, end)| start <= hire && hire <= end) {
                Some(k) => k as i64,
                None => return Ok(Capacity([0; FISCAL_MONTHS])), // hired after the year
            }
        } else {
            // Past the ramp's length every month is full, so counting further back changes nothing.
            let mut back = 1u32;
            while (back as usize) <= self.steps.len()
                && year_start.checked_sub_months(Months::new(back)).is_some_and(|d| d > hire)
            {
                back += 1;
            }
            -i64::from(back)
        };
        let last_day = leave.and_then(|d| d.pred_opt());
        let mut factors = [0u16; FISCAL_MONTHS];
        for (k, (factor, &(start, _))) in factors.iter_mut().zip(months).enumerate() {
            let ramp_month = k as i64 - hire_month;
            if ramp_month < 0 || last_day.is_some_and(|last| start > last) {
                continue;
            }
            *factor = self.steps.get(ramp_month as usize).map_or(FULL_MONTH, |&p| u16::from(p) * 100);
        }
        Ok(Capacity(factors))
    }
}

impl TryFrom<Vec<u8>> for Ramp {
    type Error = PlanError;
    fn try_from(steps: Vec<u8>) -> Result<Self, PlanError> {
        Self::new(steps)
    }
}

impl From<Ramp> for Vec<u8> {
    fn from(ramp: Ramp) -> Vec<u8> {
        ramp.steps
    }
}

/// The share of a full quota a rep can carry in each fiscal month, in basis points (10,000 is a
/// full month): 0 before hire and after leaving, the ramp steps in between, or a part-time share.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "[u16; 12]", into = "[u16; 12]")]
pub struct Capacity([u16; FISCAL_MONTHS]);

impl Capacity {
    /// A full quota in every month: a rep employed all year, past the ramp.
    pub const FULL: Capacity = Capacity([FULL_MONTH; FISCAL_MONTHS]);

    /// Basis points of fiscal months 1..=12, at positions 0..=11.
    pub fn months(&self) -> &[u16; FISCAL_MONTHS] {
        &self.0
    }

    /// The year's capacity in basis-point months: 120,000 is a full year; 75,000 is a rep hired in
    /// fiscal month 4 with the default ramp (25% + 50% + 75% + 6 × 100% = 7.5 full months).
    pub fn total(&self) -> u32 {
        self.0.iter().map(|&b| u32::from(b)).sum()
    }
}

impl TryFrom<[u16; FISCAL_MONTHS]> for Capacity {
    type Error = PlanError;
    /// Checks every month is at most a full month.
    fn try_from(months: [u16; FISCAL_MONTHS]) -> Result<Self, PlanError> {
        match months.iter().position(|&b| b > FULL_MONTH) {
            Some(k) => Err(PlanError::InvalidCapacity { month: k + 1, basis_points: months[k] }),
            None => Ok(Self(months)),
        }
    }
}

impl From<Capacity> for [u16; FISCAL_MONTHS] {
    fn from(capacity: Capacity) -> Self {
        capacity.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fiscal_calendar::{FiscalCalendar, PeriodKind, WeekPattern, YearEndRule, YearNaming};
    use crate::plan::fixtures::{HIRED_M4, bp, months};
    use crate::testing::day;
    use proptest::prelude::*;

    #[test]
    fn ramp_and_capacity_errors_are_typed_and_clear() {
        assert_eq!(Ramp::new(vec![10; 13]), Err(PlanError::RampTooLong(13)));
        assert_eq!(Ramp::new(vec![25, 0]), Err(PlanError::InvalidRampStep { month: 2, percent: 0 }));
        assert_eq!(Ramp::new(vec![101]), Err(PlanError::InvalidRampStep { month: 1, percent: 101 }));
        assert_eq!(Ramp::new(vec![100; 12]).unwrap().steps().len(), 12);
        assert_eq!(
            Capacity::try_from([10_001; 12]),
            Err(PlanError::InvalidCapacity { month: 1, basis_points: 10_001 })
        );
        // Deserializing validates too.
        assert!(serde_json::from_str::<Ramp>("[25, 150]").is_err());
        assert_eq!(serde_json::from_str::<Ramp>("[25, 50, 75]").unwrap(), Ramp::default());
        assert!(
            serde_json::from_str::<Capacity>(
                "[10000,10000,10000,10000,10000,10000,10000,10000,10000,10000,10000,20000]"
            )
            .is_err()
        );
    }

    #[test]
    fn ramp_worked_examples() {
        let ramp = Ramp::default();
        let full = [FULL_MONTH; 12];
        // FY2025 = calendar 2025. (hire, leave, expected basis points per fiscal month)
        let fy = months(1, 2025);
        let table: &[(&str, Option<&str>, [u16; 12])] = &[
            // Hired on 15 April (fiscal month 4): April is ramp month 1, whatever the day.
            ("2025-04-15", None, HIRED_M4),
            ("2025-04-01", None, HIRED_M4),
            ("2025-04-30", None, HIRED_M4),
            // Hired before the year, long enough ago: full all year.
            ("2020-06-01", None, full),
            // Hired in November: Nov 25%, Dec 50%, so January (ramp month 3) is 75%.
            (
                "2024-11-20",
                None,
                [7500, 10_000, 10_000, 10_000, 10_000, 10_000, 10_000, 10_000, 10_000, 10_000, 10_000, 10_000],
            ),
            (
                "2024-12-31",
                None,
                [5000, 7500, 10_000, 10_000, 10_000, 10_000, 10_000, 10_000, 10_000, 10_000, 10_000, 10_000],
            ),
            // Hired in the last month of the year.
            ("2025-12-01", None, [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2500]),
            // Hired after the year: nothing.
            ("2026-01-05", None, [0; 12]),
            // Leaver: last working day 30 September (leave date 1 October): October on is 0.
            (
                "2019-01-01",
                Some("2025-10-01"),
                [10_000, 10_000, 10_000, 10_000, 10_000, 10_000, 10_000, 10_000, 10_000, 0, 0, 0],
            ),
            // Leaving mid-month keeps that month whole.
            (
                "2019-01-01",
                Some("2025-09-16"),
                [10_000, 10_000, 10_000, 10_000, 10_000, 10_000, 10_000, 10_000, 10_000, 0, 0, 0],
            ),
            // Gone before the year.
            ("2019-01-01", Some("2025-01-01"), [0; 12]),
            // Hired in April, left in July: ramping, then gone.
            ("2025-04-15", Some("2025-08-01"), [0, 0, 0, 2500, 5000, 7500, 10_000, 0, 0, 0, 0, 0]),
        ];
        for &(hire, leave, want) in table {
            let got = ramp.capacity(&fy, day(hire), leave.map(day)).unwrap();
            assert_eq!(got.months(), &want, "hired {hire}, leaving {leave:?}");
        }
        assert_eq!(bp(HIRED_M4).total(), 75_000);
        assert_eq!(Capacity::FULL.total(), 120_000);
        // A year starting in February (FY2026 = Feb 2025 .. Jan 2026): a January hire is already in
        // ramp month 2 in fiscal month 1.
        let feb = months(2, 2026);
        let got = ramp.capacity(&feb, day("2025-01-10"), None).unwrap();
        assert_eq!(got.months()[..3], [5000, 7500, 10_000]);
        // No ramp: full from the hire month.
        let none = Ramp::new(vec![]).unwrap();
        assert_eq!(none.capacity(&fy, day("2025-11-30"), None).unwrap().months()[9..], [0, 10_000, 10_000]);
        // Errors: dates, month count and order.
        assert_eq!(
            ramp.capacity(&fy, day("2025-04-15"), Some(day("2025-04-15"))),
            Err(PlanError::LeaveBeforeHire { hire: day("2025-04-15"), leave: day("2025-04-15") })
        );
        assert_eq!(ramp.capacity(&fy[..11], day("2025-04-15"), None), Err(PlanError::MonthCount(11)));
        let mut shuffled = fy.clone();
        shuffled.swap(3, 4);
        assert_eq!(ramp.capacity(&shuffled, day("2025-04-15"), None), Err(PlanError::MonthsNotContiguous(4)));
    }

    #[test]
    fn ramp_in_a_week_based_year() {
        // 4-4-5, years ending on the Saturday nearest 31 January, named by start year: FY2024 runs
        // 2024-02-04 .. 2025-02-01. A hire on 1 February 2024 is in the last days of FY2023, so
        // fiscal month 1 of FY2024 is ramp month 2.
        let calendar = FiscalCalendar::weekly(
            WeekPattern::P445,
            1,
            chrono::Weekday::Sat,
            YearEndRule::Nearest,
            YearNaming::StartYear,
        )
        .unwrap();
        let fy: Vec<_> = calendar.periods(2024, PeriodKind::Month).unwrap().iter().map(|p| (p.start, p.end)).collect();
        assert_eq!(fy[0].0, day("2024-02-04"));
        let ramp = Ramp::default();
        assert_eq!(ramp.capacity(&fy, day("2024-02-01"), None).unwrap().months()[..3], [5000, 7500, 10_000]);
        // Within the year the fiscal months count: hired on the first day of fiscal month 2.
        let m2 = fy[1].0;
        assert_eq!(ramp.capacity(&fy, m2, None).unwrap().months()[..5], [0, 2500, 5000, 7500, 10_000]);
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(500))]

        #[test]
        fn ramp_capacity_is_made_of_steps(
            hire_offset in -400i64..800,
            stay in prop::option::of(1i64..900),
            steps in prop::collection::vec(1u8..=100, 0..=12),
        ) {
            let fy = months(4, 2026);
            let ramp = Ramp::new(steps.clone()).unwrap();
            let hire = fy[0].0 + chrono::Duration::days(hire_offset);
            let leave = stay.map(|s| hire + chrono::Duration::days(s));
            let cap = ramp.capacity(&fy, hire, leave).unwrap();
            let allowed: Vec<u16> = steps.iter().map(|&p| u16::from(p) * 100).chain([0, FULL_MONTH]).collect();
            prop_assert!(cap.months().iter().all(|b| allowed.contains(b)));
            // Working months form one unbroken run (hire to leave), outside which capacity is 0.
            let working: Vec<usize> = (0..12).filter(|&k| cap.months()[k] > 0).collect();
            if let (Some(&first), Some(&last)) = (working.first(), working.last()) {
                prop_assert_eq!(working.len(), last - first + 1);
            }
        }

    }
}
