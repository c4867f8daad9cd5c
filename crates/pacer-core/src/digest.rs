//! The weekly digest's calendar: the ISO week a digest belongs to, and when in its week it is
//! due, on the organisation's day and hour in the organisation's time zone. Pure rules; sending
//! it is the use case's.

use crate::fiscal_calendar::{parse_weekday, weekday_serde};
use chrono::{DateTime, Datelike, Days, NaiveDate, NaiveTime, TimeZone, Utc, Weekday};
pub use chrono_tz::Tz;
use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;

/// An ISO 8601 week (Monday to Sunday), written `2026-W49`: the one a digest belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Week {
    monday: NaiveDate,
}

impl Week {
    /// The week `day` falls in.
    pub fn of(day: NaiveDate) -> Self {
        let back = u64::from(day.weekday().num_days_from_monday());
        Self { monday: day - Days::new(back) }
    }

    /// Its Monday.
    pub fn monday(self) -> NaiveDate {
        self.monday
    }

    /// Its Sunday.
    pub fn sunday(self) -> NaiveDate {
        self.monday + Days::new(6)
    }

    /// The day its figures are counted to when read on `today`: today within the week, the
    /// week's Sunday once it is over (a week not begun has no figures yet: its Monday).
    pub fn as_of(self, today: NaiveDate) -> NaiveDate {
        today.clamp(self.monday, self.sunday())
    }
}

impl fmt::Display for Week {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let iso = self.monday.iso_week();
        write!(f, "{}-W{:02}", iso.year(), iso.week())
    }
}

impl FromStr for Week {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        let bad = || format!("week {s:?} is not an ISO week: use YYYY-Www, e.g. 2026-W49");
        let (year, week) = s.trim().split_once(['-']).ok_or_else(bad)?;
        let week = week.strip_prefix(['W', 'w']).ok_or_else(bad)?;
        let (year, week): (i32, u32) = (year.parse().map_err(|_| bad())?, week.parse().map_err(|_| bad())?);
        let monday = NaiveDate::from_isoywd_opt(year, week, Weekday::Mon)
            .ok_or_else(|| format!("{year} has no ISO week {week}: weeks run from 1 to 52 or 53"))?;
        Ok(Self { monday })
    }
}

/// When the weekly digest goes out: a day of the week and an hour, in the organisation's time
/// zone. Monday at 8 by default.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct DigestSchedule {
    /// The day of the week.
    #[serde(with = "weekday_serde")]
    pub day: Weekday,
    /// The hour, 0 to 23.
    pub hour: u32,
}

impl Default for DigestSchedule {
    fn default() -> Self {
        Self { day: Weekday::Mon, hour: 8 }
    }
}

impl DigestSchedule {
    /// A schedule from words people type: a weekday (`mon`, `monday`) and an hour (0 to 23).
    pub fn parse(day: &str, hour: u32) -> Result<Self, String> {
        let day = parse_weekday(day).map_err(|e| e.to_string())?;
        if hour > 23 {
            return Err(format!("digest hour {hour} is not an hour of the day: use 0 to 23"));
        }
        Ok(Self { day, hour })
    }

    /// The instant `week`'s digest is due: its day and hour in `zone`. An hour a clock change
    /// skips is the first instant after it; an hour it repeats, the first of the two.
    pub fn due(&self, week: Week, zone: Tz) -> DateTime<Utc> {
        let day = week.monday() + Days::new(u64::from(self.day.num_days_from_monday()));
        let local = day.and_time(NaiveTime::from_hms_opt(self.hour.min(23), 0, 0).unwrap_or_default());
        zone.from_local_datetime(&local)
            .earliest()
            .or_else(|| zone.from_local_datetime(&(local + chrono::Duration::hours(1))).earliest())
            .map_or_else(|| local.and_utc(), |t| t.with_timezone(&Utc))
    }

    /// The week whose digest is due by `now`, if its time has come: the current week in `zone`.
    pub fn due_week(&self, now: DateTime<Utc>, zone: Tz) -> Option<Week> {
        let week = Week::of(now.with_timezone(&zone).date_naive());
        (now >= self.due(week, zone)).then_some(week)
    }
}

impl fmt::Display for DigestSchedule {
    /// "Monday at 08:00".
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        const DAYS: [&str; 7] = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"];
        write!(f, "{} at {:02}:00", DAYS[self.day.num_days_from_monday() as usize], self.hour)
    }
}

/// A time zone by its IANA name (`Europe/Zurich`, `UTC`), any case.
pub fn parse_time_zone(name: &str) -> Result<Tz, String> {
    name.trim().parse::<Tz>().or_else(|_| {
        chrono_tz::TZ_VARIANTS
            .iter()
            .find(|tz| tz.name().eq_ignore_ascii_case(name.trim()))
            .copied()
            .ok_or_else(|| format!("time zone {name:?} is unknown: use an IANA name such as Europe/Zurich or UTC"))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    fn utc(s: &str) -> DateTime<Utc> {
        s.parse().unwrap()
    }

    #[test]
    fn iso_weeks_read_and_write_back() {
        let w: Week = "2026-W49".parse().unwrap();
        assert_eq!((w.monday(), w.sunday()), (d("2026-11-30"), d("2026-12-06")));
        assert_eq!(w.to_string(), "2026-W49");
        assert_eq!(Week::of(d("2026-12-06")), w);
        assert_eq!(Week::of(d("2027-01-01")).to_string(), "2026-W53", "an ISO year of 53 weeks");
        assert_eq!(Week::of(d("2025-12-29")).to_string(), "2026-W01", "a week of the next ISO year");
        assert_eq!(" 2026-w01 ".parse::<Week>().unwrap().monday(), d("2025-12-29"));
        assert_eq!("2025-W53".parse::<Week>().unwrap_err(), "2025 has no ISO week 53: weeks run from 1 to 52 or 53");
        for bad in ["2026", "2026-49", "W49", "2026-Wx", ""] {
            assert!(bad.parse::<Week>().unwrap_err().contains("use YYYY-Www"), "{bad:?}");
        }
        assert_eq!(w.as_of(d("2026-12-02")), d("2026-12-02"));
        assert_eq!(w.as_of(d("2027-03-01")), d("2026-12-06"), "a past week is read on its Sunday");
    }

    #[test]
    fn the_digest_is_due_on_its_day_and_hour_in_the_organisations_zone() {
        let monday_8 = DigestSchedule::default();
        let w: Week = "2026-W49".parse().unwrap();
        assert_eq!(monday_8.due(w, Tz::UTC), utc("2026-11-30T08:00:00Z"));
        assert_eq!(monday_8.due(w, chrono_tz::Europe::Zurich), utc("2026-11-30T07:00:00Z"), "winter time");
        let summer: Week = "2026-W27".parse().unwrap();
        assert_eq!(monday_8.due(summer, chrono_tz::Europe::Zurich), utc("2026-06-29T06:00:00Z"), "summer time");
        // 02:00 on the Sunday Europe's clocks go forward does not exist: 03:00 is the first after.
        let spring = DigestSchedule::parse("sun", 2).unwrap();
        let w13: Week = "2026-W13".parse().unwrap();
        assert_eq!(spring.due(w13, chrono_tz::Europe::Zurich), utc("2026-03-29T01:00:00Z"));

        let zone = chrono_tz::America::New_York;
        assert_eq!(monday_8.due_week(utc("2026-11-30T12:59:00Z"), zone), None, "07:59 in New York");
        assert_eq!(monday_8.due_week(utc("2026-11-30T13:00:00Z"), zone), Some(w));
        assert_eq!(monday_8.due_week(utc("2026-12-06T23:00:00Z"), zone), Some(w), "all week long after");
        // Monday 02:00 UTC is still Sunday in New York: last week's digest is the one due.
        assert_eq!(
            monday_8.due_week(utc("2026-12-07T02:00:00Z"), zone).map(|w| w.to_string()),
            Some("2026-W49".into())
        );
    }

    #[test]
    fn schedules_and_zones_are_read_from_words() {
        assert_eq!(DigestSchedule::parse("Friday", 16).unwrap().to_string(), "Friday at 16:00");
        assert!(DigestSchedule::parse("fri", 24).unwrap_err().contains("0 to 23"));
        assert!(DigestSchedule::parse("someday", 8).is_err());
        assert_eq!(parse_time_zone("europe/zurich"), Ok(chrono_tz::Europe::Zurich));
        assert_eq!(parse_time_zone("UTC"), Ok(Tz::UTC));
        assert!(parse_time_zone("Mars/Olympus").unwrap_err().contains("IANA name"));
        let json = serde_json::to_string(&DigestSchedule::default()).unwrap();
        assert_eq!(json, r#"{"day":"mon","hour":8}"#);
    }
}
