//! Fiscal calendars (FORMULAS.md, "Fiscal calendar"; PRODUCT.md C1): month-based
//! years and week-based 4-4-5 / 4-5-4 / 5-4-4 years, their periods (week, month,
//! quarter, half, year) and working days.
//!
//! Every calendar has a *nominal* year of twelve calendar months starting on day 1
//! of its first month: the start month of a month-based year, the month after the
//! end month of a week-based one. A fiscal year is named after that nominal year:
//! [`YearNaming::EndYear`] by the calendar year of its last nominal month,
//! [`YearNaming::StartYear`] by that of its first. For month-based years that is the
//! literal rule. A week-based year can end a few days into the month after its end
//! month, or (end month December) start a few days before 1 January, so it is named
//! after the nominal months, not after its actual first or last day: the year
//! ending on the Saturday nearest 31 December 2021 (2022-01-01) is FY2021 under
//! both namings. Only this keeps names unique and consecutive.
//!
//! Periods: every `end` is inclusive, and the periods of one kind tile their year.
//! Months, quarters (3 months) and halves (6 months) of a month-based year are
//! calendar months. Its weeks are 7-day blocks from the year's first day, the 53rd
//! cut short to the year's last day (1 or 2 days). A week-based year has 52 or 53
//! whole weeks; each quarter is 13 weeks split into months by the pattern, and a
//! 53rd week belongs to month 12 (so to Q4 and H2).

use std::collections::BTreeSet;

use chrono::{Datelike, Days, Months, NaiveDate, Weekday};
use serde::de::Error as _;
use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::text_enum::text_enum;

/// First fiscal year the calendar accepts.
pub const MIN_FISCAL_YEAR: i32 = 1900;
/// Last fiscal year the calendar accepts.
pub const MAX_FISCAL_YEAR: i32 = 2200;

/// A refused calendar setting, name or request; every message names the bad
/// value and what is allowed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CalendarError {
    /// A start or end month outside 1..=12.
    #[error("fiscal month {0} is not valid: use 1 to 12")]
    InvalidMonth(u32),
    /// A weekday name [`parse_weekday`] does not know.
    #[error("unknown weekday \"{0}\": use mon, tue, wed, thu, fri, sat or sun")]
    UnknownWeekday(String),
    /// A week pattern other than 4-4-5, 4-5-4 or 5-4-4.
    #[error("unknown week pattern \"{0}\": use 4-4-5, 4-5-4 or 5-4-4")]
    UnknownPattern(String),
    /// A year-end rule other than last or nearest.
    #[error("unknown year-end rule \"{0}\": use last or nearest")]
    UnknownRule(String),
    /// A year naming other than end or start.
    #[error("unknown year naming \"{0}\": use end or start")]
    UnknownNaming(String),
    /// A period kind other than week, month, quarter, half or year.
    #[error("unknown period kind \"{0}\": use week, month, quarter, half or year")]
    UnknownPeriodKind(String),
    /// A period name not of the form [`FiscalPeriod::name`] produces.
    #[error("period name \"{0}\" is not valid: use FY2026, FY2026-H1, FY2026-Q2, FY2026-M03 or FY2026-W07")]
    BadPeriodName(String),
    /// A well-formed period name whose index the year does not have.
    #[error("fiscal period \"{name}\" does not exist: use {kind} 1 to {count}")]
    NoSuchPeriod {
        /// The name as given.
        name: String,
        /// The kind of period named.
        kind: PeriodKind,
        /// How many periods of that kind the year has.
        count: u32,
    },
    /// A fiscal year outside [`MIN_FISCAL_YEAR`]..=[`MAX_FISCAL_YEAR`].
    #[error("fiscal year {0} is out of range: use {MIN_FISCAL_YEAR} to {MAX_FISCAL_YEAR}")]
    OutOfRange(i32),
    /// A weekend of all seven days, which would leave no working day at all.
    #[error("a weekend of all seven days leaves no working day: keep at least one weekday out")]
    NoWorkingDays,
}

/// How a fiscal year is named (see the module docs for week-based years).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum YearNaming {
    /// By the calendar year in which it ends: the default, as in most CRMs.
    #[default]
    EndYear,
    /// By the calendar year in which it starts.
    StartYear,
}

text_enum! {
    /// The canonical string form, as in settings files and serde.
    YearNaming { EndYear => "end", StartYear => "start" },
    unknown: CalendarError::UnknownNaming,
    serde
}

/// Week pattern of each 13-week quarter of a week-based year.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum WeekPattern {
    /// Months of 4, 4 and 5 weeks.
    P445,
    /// Months of 4, 5 and 4 weeks.
    P454,
    /// Months of 5, 4 and 4 weeks.
    P544,
}

text_enum! {
    /// The canonical string form, as in settings files and serde.
    WeekPattern {
        P445 => "4-4-5" | "445",
        P454 => "4-5-4" | "454",
        P544 => "5-4-4" | "544",
    },
    unknown: CalendarError::UnknownPattern,
    serde
}

impl WeekPattern {
    /// Weeks of the three months of a quarter.
    fn weeks(self) -> [u32; 3] {
        match self {
            Self::P445 => [4, 4, 5],
            Self::P454 => [4, 5, 4],
            Self::P544 => [5, 4, 4],
        }
    }
}

/// Which weekday ends a week-based year.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum YearEndRule {
    /// The last such weekday of the end month.
    Last,
    /// The such weekday nearest the end month's last day (up to 3 days after it).
    Nearest,
}

text_enum! {
    /// The canonical string form, as in settings files and serde.
    YearEndRule { Last => "last", Nearest => "nearest" },
    unknown: CalendarError::UnknownRule,
    serde
}

/// A kind of fiscal period.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum PeriodKind {
    /// A fiscal week.
    Week,
    /// A fiscal month.
    Month,
    /// A fiscal quarter (3 fiscal months).
    Quarter,
    /// A fiscal half (6 fiscal months).
    Half,
    /// The fiscal year.
    Year,
}

text_enum! {
    /// The canonical string form, as in settings files and serde.
    PeriodKind {
        Week => "week",
        Month => "month",
        Quarter => "quarter",
        Half => "half",
        Year => "year",
    },
    unknown: CalendarError::UnknownPeriodKind,
    serde
}

#[cfg(feature = "openapi")]
impl utoipa::PartialSchema for PeriodKind {
    fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
        crate::openapi::schema_of_names(Self::ALL.map(Self::as_str), "A kind of fiscal period")
    }
}

#[cfg(feature = "openapi")]
impl utoipa::ToSchema for PeriodKind {}

impl PeriodKind {
    /// Every kind, shortest first.
    pub const ALL: [Self; 5] = [Self::Week, Self::Month, Self::Quarter, Self::Half, Self::Year];

    /// Fiscal months per period; `None` for weeks, which do not nest in months.
    fn months(self) -> Option<u32> {
        match self {
            Self::Week => None,
            Self::Month => Some(1),
            Self::Quarter => Some(3),
            Self::Half => Some(6),
            Self::Year => Some(12),
        }
    }
}

/// Short weekday names, Monday first as chrono numbers them.
const WEEKDAY_NAMES: [&str; 7] = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"];

/// Parses a weekday: "mon" or "monday", any case.
pub fn parse_weekday(s: &str) -> Result<Weekday, CalendarError> {
    s.trim().parse().map_err(|_| CalendarError::UnknownWeekday(s.to_owned()))
}

/// The short lowercase name of a weekday ("mon" .. "sun"), as serialized.
pub fn weekday_name(day: Weekday) -> &'static str {
    WEEKDAY_NAMES[day.num_days_from_monday() as usize]
}

/// Serde for weekdays as "mon" .. "sun": chrono's own form is "Mon" and may be
/// compiled out.
pub(crate) mod weekday_serde {
    use super::*;

    pub fn serialize<S: Serializer>(day: &Weekday, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(weekday_name(*day))
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Weekday, D::Error> {
        parse_weekday(&String::deserialize(deserializer)?).map_err(D::Error::custom)
    }

    pub fn serialize_list<S: Serializer>(days: &[Weekday], serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_seq(days.iter().map(|day| weekday_name(*day)))
    }

    pub fn deserialize_list<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Vec<Weekday>, D::Error> {
        Vec::<String>::deserialize(deserializer)?
            .iter()
            .map(|s| parse_weekday(s))
            .collect::<Result<_, _>>()
            .map_err(D::Error::custom)
    }
}

/// The organisation's fiscal calendar. Build it with [`FiscalCalendar::monthly`]
/// or [`FiscalCalendar::weekly`] (deserialization validates too). The
/// infallible methods assume a valid calendar: built field by field with a bad
/// month, they may panic.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "lowercase", try_from = "CalendarRepr")]
pub enum FiscalCalendar {
    /// Years of twelve calendar months.
    Monthly {
        /// Month (1-12) whose first day starts the year.
        start_month: u32,
        /// How years are named.
        naming: YearNaming,
    },
    /// Years of 52 or 53 whole weeks (4-4-5 and the like).
    Weekly {
        /// Weeks per month within each quarter.
        pattern: WeekPattern,
        /// Month (1-12) in or just after which the year ends.
        end_month: u32,
        /// Weekday on which the year (and so every week) ends.
        #[serde(serialize_with = "weekday_serde::serialize")]
        end_weekday: Weekday,
        /// How the year's last day is chosen in `end_month`.
        rule: YearEndRule,
        /// How years are named.
        naming: YearNaming,
    },
}

/// Unvalidated twin of [`FiscalCalendar`]: deserializing through it turns a bad
/// settings file into an error rather than a later panic. `naming` may be omitted.
#[derive(Deserialize)]
#[serde(tag = "kind", rename_all = "lowercase")]
enum CalendarRepr {
    Monthly {
        start_month: u32,
        #[serde(default)]
        naming: YearNaming,
    },
    Weekly {
        pattern: WeekPattern,
        end_month: u32,
        #[serde(deserialize_with = "weekday_serde::deserialize")]
        end_weekday: Weekday,
        rule: YearEndRule,
        #[serde(default)]
        naming: YearNaming,
    },
}

impl TryFrom<CalendarRepr> for FiscalCalendar {
    type Error = CalendarError;

    fn try_from(repr: CalendarRepr) -> Result<Self, CalendarError> {
        match repr {
            CalendarRepr::Monthly { start_month, naming } => Self::monthly(start_month, naming),
            CalendarRepr::Weekly { pattern, end_month, end_weekday, rule, naming } => {
                Self::weekly(pattern, end_month, end_weekday, rule, naming)
            }
        }
    }
}

impl FiscalCalendar {
    /// A calendar of month-based years starting on day 1 of `start_month`.
    pub fn monthly(start_month: u32, naming: YearNaming) -> Result<Self, CalendarError> {
        let calendar = Self::Monthly { start_month, naming };
        calendar.validate()?;
        Ok(calendar)
    }

    /// A calendar of week-based years ending on `end_weekday`, placed in or
    /// near `end_month` by `rule`.
    pub fn weekly(
        pattern: WeekPattern,
        end_month: u32,
        end_weekday: Weekday,
        rule: YearEndRule,
        naming: YearNaming,
    ) -> Result<Self, CalendarError> {
        let calendar = Self::Weekly { pattern, end_month, end_weekday, rule, naming };
        calendar.validate()?;
        Ok(calendar)
    }

    /// Checks the settings (the month must be 1 to 12).
    pub fn validate(&self) -> Result<(), CalendarError> {
        let (Self::Monthly { start_month: month, .. } | Self::Weekly { end_month: month, .. }) = *self;
        if (1..=12).contains(&month) { Ok(()) } else { Err(CalendarError::InvalidMonth(month)) }
    }

    /// Whether fiscal years are calendar years (monthly, starting in January);
    /// charts must say when they are not.
    pub fn is_calendar_aligned(&self) -> bool {
        matches!(self, Self::Monthly { start_month: 1, .. })
    }

    /// Fiscal year `fy` as a period (kind year, index 1).
    pub fn year(&self, fy: i32) -> Result<FiscalPeriod, CalendarError> {
        self.check_year(fy)?;
        Ok(self.period(fy, PeriodKind::Year, 1))
    }

    /// The fiscal year holding `date`.
    pub fn fiscal_year_of(&self, date: NaiveDate) -> i32 {
        let nominal = date.year() - i32::from(date.month() < self.first_month()) + self.name_offset();
        if let Self::Monthly { .. } = self {
            return nominal;
        }
        // A week-based year is its nominal year moved by less than a week.
        let (start, end) = self.bounds(nominal);
        if date < start {
            nominal - 1
        } else if date > end {
            nominal + 1
        } else {
            nominal
        }
    }

    /// All periods of `kind` in fiscal year `fy`, in order; they tile the year.
    pub fn periods(&self, fy: i32, kind: PeriodKind) -> Result<Vec<FiscalPeriod>, CalendarError> {
        self.check_year(fy)?;
        Ok((1..=self.count(fy, kind)).map(|index| self.period(fy, kind, index)).collect())
    }

    /// The period of `kind` holding `date`.
    ///
    /// # Panics
    /// On an invalid calendar, or a date within a year of chrono's limits.
    pub fn period_of(&self, date: NaiveDate, kind: PeriodKind) -> FiscalPeriod {
        let fy = self.fiscal_year_of(date);
        let (start, _) = self.bounds(fy);
        self.period(fy, kind, self.index_in_year(start, date, kind))
    }

    /// How many periods of `kind` in year `fy` are complete on `as_of` (end
    /// before `as_of`): 0 before the year, all of them after it.
    pub fn periods_elapsed(&self, fy: i32, kind: PeriodKind, as_of: NaiveDate) -> Result<u32, CalendarError> {
        self.check_year(fy)?;
        let (start, end) = self.bounds(fy);
        Ok(if as_of < start {
            0
        } else if as_of > end {
            self.count(fy, kind)
        } else {
            self.index_in_year(start, as_of, kind) - 1
        })
    }

    /// The period a [`FiscalPeriod::name`] names ("FY2026-Q2"; any case).
    pub fn parse_period(&self, name: &str) -> Result<FiscalPeriod, CalendarError> {
        let bad = || CalendarError::BadPeriodName(name.to_owned());
        let upper = name.trim().to_ascii_uppercase();
        let rest = upper.strip_prefix("FY").ok_or_else(bad)?;
        let (year, suffix) = rest.split_once('-').map_or((rest, None), |(y, s)| (y, Some(s)));
        let fy = digits(year).and_then(|y| i32::try_from(y).ok()).ok_or_else(bad)?;
        let (kind, index) = match suffix {
            None => (PeriodKind::Year, 1),
            Some(suffix) => {
                let (letter, index) = suffix.split_at_checked(1).ok_or_else(bad)?;
                let kind = match letter {
                    "H" => PeriodKind::Half,
                    "Q" => PeriodKind::Quarter,
                    "M" => PeriodKind::Month,
                    "W" => PeriodKind::Week,
                    _ => return Err(bad()),
                };
                (kind, digits(index).ok_or_else(bad)?)
            }
        };
        self.check_year(fy)?;
        let count = self.count(fy, kind);
        if !(1..=count).contains(&index) {
            return Err(CalendarError::NoSuchPeriod { name: name.trim().to_owned(), kind, count });
        }
        Ok(self.period(fy, kind, index))
    }

    /// Valid calendar and a supported year, for the fallible entry points.
    fn check_year(&self, fy: i32) -> Result<(), CalendarError> {
        self.validate()?;
        if (MIN_FISCAL_YEAR..=MAX_FISCAL_YEAR).contains(&fy) { Ok(()) } else { Err(CalendarError::OutOfRange(fy)) }
    }

    /// First month of the nominal year; a week-based one starts the month
    /// after its end month.
    fn first_month(&self) -> u32 {
        match *self {
            Self::Monthly { start_month, .. } => start_month,
            Self::Weekly { end_month, .. } => end_month % 12 + 1,
        }
    }

    /// Fiscal year number minus the calendar year of its first nominal month.
    fn name_offset(&self) -> i32 {
        let (Self::Monthly { naming, .. } | Self::Weekly { naming, .. }) = *self;
        i32::from(naming == YearNaming::EndYear && self.first_month() != 1)
    }

    /// First and last day of fiscal year `fy`.
    fn bounds(&self, fy: i32) -> (NaiveDate, NaiveDate) {
        if let Err(err) = self.validate() {
            panic!("{err}: build calendars with FiscalCalendar::monthly or ::weekly");
        }
        let start = NaiveDate::from_ymd_opt(fy - self.name_offset(), self.first_month(), 1)
            .expect("fiscal year within chrono's range");
        let end = start + Months::new(12) - Days::new(1);
        match *self {
            Self::Monthly { .. } => (start, end),
            Self::Weekly { end_weekday, rule, .. } => {
                (year_end(start - Days::new(1), end_weekday, rule) + Days::new(1), year_end(end, end_weekday, rule))
            }
        }
    }

    /// Number of periods of `kind` in year `fy`.
    fn count(&self, fy: i32, kind: PeriodKind) -> u32 {
        match kind.months() {
            Some(months) => 12 / months,
            None => {
                let (start, end) = self.bounds(fy);
                days_between(start, end) / 7 + 1
            }
        }
    }

    /// Period `index` (1-based, known to exist) of `kind` in year `fy`.
    fn period(&self, fy: i32, kind: PeriodKind, index: u32) -> FiscalPeriod {
        let (year_start, year_end) = self.bounds(fy);
        let (start, end) = match kind.months() {
            None => {
                // A month-based year's 53rd week is cut short at the year end.
                let start = year_start + Days::new(7 * u64::from(index - 1));
                (start, year_end.min(start + Days::new(6)))
            }
            Some(months) => {
                let first = (index - 1) * months;
                (
                    self.month_start(year_start, year_end, first),
                    self.month_start(year_start, year_end, first + months) - Days::new(1),
                )
            }
        };
        FiscalPeriod { kind, fiscal_year: fy, index, start, end }
    }

    /// First day after the year's first `months` fiscal months (0..=12).
    fn month_start(&self, year_start: NaiveDate, year_end: NaiveDate, months: u32) -> NaiveDate {
        match *self {
            // Month 12 runs to the year end, which gives it a 53rd week.
            _ if months == 12 => year_end + Days::new(1),
            Self::Monthly { .. } => year_start + Months::new(months),
            Self::Weekly { pattern, .. } => {
                let [first, second, _] = pattern.weeks();
                let weeks = 13 * (months / 3) + [0, first, first + second][(months % 3) as usize];
                year_start + Days::new(7 * u64::from(weeks))
            }
        }
    }

    /// 1-based index of the period of `kind` holding `date`, a day of the year
    /// starting on `year_start`.
    fn index_in_year(&self, year_start: NaiveDate, date: NaiveDate, kind: PeriodKind) -> u32 {
        let week = days_between(year_start, date) / 7;
        let Some(months) = kind.months() else {
            return week + 1;
        };
        let month = match *self {
            Self::Monthly { start_month, .. } => (date.month() + 12 - start_month) % 12,
            Self::Weekly { pattern, .. } => {
                // The 53rd week falls in the last quarter, hence in its last month.
                let quarter = (week / 13).min(3);
                let week = week - 13 * quarter;
                let [first, second, _] = pattern.weeks();
                3 * quarter + u32::from(week >= first) + u32::from(week >= first + second)
            }
        };
        month / months + 1
    }
}

/// Last day of a week-based year whose nominal year ends on `month_end`.
fn year_end(month_end: NaiveDate, weekday: Weekday, rule: YearEndRule) -> NaiveDate {
    let back = month_end.weekday().days_since(weekday);
    match rule {
        // 7 is odd, so "nearest" never ties.
        YearEndRule::Nearest if back > 3 => month_end + Days::new(u64::from(7 - back)),
        _ => month_end - Days::new(u64::from(back)),
    }
}

/// Whole days from `from` to `to` (`from <= to`).
fn days_between(from: NaiveDate, to: NaiveDate) -> u32 {
    u32::try_from((to - from).num_days()).expect("dates in order")
}

/// A non-empty run of ASCII digits as a number.
fn digits(s: &str) -> Option<u32> {
    if s.is_empty() || !s.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    s.parse().ok()
}

/// One fiscal period; `end` is inclusive.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct FiscalPeriod {
    /// Week, month, quarter, half or year.
    pub kind: PeriodKind,
    /// The fiscal year it belongs to.
    pub fiscal_year: i32,
    /// 1-based position in the fiscal year (always 1 for a year).
    pub index: u32,
    /// First day.
    pub start: NaiveDate,
    /// Last day (inclusive).
    pub end: NaiveDate,
}

impl FiscalPeriod {
    /// Stable name, parsed back by [`FiscalCalendar::parse_period`]: "FY2026",
    /// "FY2026-H1", "FY2026-Q2", "FY2026-M03", "FY2026-W07".
    pub fn name(&self) -> String {
        let (fy, i) = (self.fiscal_year, self.index);
        match self.kind {
            PeriodKind::Year => format!("FY{fy}"),
            PeriodKind::Half => format!("FY{fy}-H{i}"),
            PeriodKind::Quarter => format!("FY{fy}-Q{i}"),
            PeriodKind::Month => format!("FY{fy}-M{i:02}"),
            PeriodKind::Week => format!("FY{fy}-W{i:02}"),
        }
    }

    /// Human label: "Q2 FY2026", "W07 FY2026"; a month that is exactly a
    /// calendar month (every month of a monthly calendar) shows that month,
    /// "Mar 2025 (M02)", because its fiscal number alone misleads.
    pub fn label(&self) -> String {
        let (fy, i) = (self.fiscal_year, self.index);
        match self.kind {
            PeriodKind::Year => format!("FY{fy}"),
            PeriodKind::Half => format!("H{i} FY{fy}"),
            PeriodKind::Quarter => format!("Q{i} FY{fy}"),
            PeriodKind::Month if self.is_calendar_month() => {
                format!("{} (M{i:02})", self.start.format("%b %Y"))
            }
            PeriodKind::Month => format!("M{i:02} FY{fy}"),
            PeriodKind::Week => format!("W{i:02} FY{fy}"),
        }
    }

    /// Whether `date` falls in the period.
    pub fn contains(&self, date: NaiveDate) -> bool {
        (self.start..=self.end).contains(&date)
    }

    /// Number of days, both ends included.
    pub fn days(&self) -> i64 {
        (self.end - self.start).num_days() + 1
    }

    /// Whether the period runs from the 1st to the last day of one month.
    pub fn is_calendar_month(&self) -> bool {
        self.start.day() == 1 && self.start.month() == self.end.month() && (self.end + Days::new(1)).day() == 1
    }
}

/// Which days are worked: every day but the weekend days and the holidays.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "WorkingDaysRepr")]
pub struct WorkingDays {
    /// Sorted Monday first, no repeats, never all seven days.
    #[serde(serialize_with = "weekday_serde::serialize_list")]
    weekend: Vec<Weekday>,
    holidays: BTreeSet<NaiveDate>,
}

/// Unvalidated twin of [`WorkingDays`] for deserialization; holidays may be
/// omitted.
#[derive(Deserialize)]
struct WorkingDaysRepr {
    #[serde(deserialize_with = "weekday_serde::deserialize_list")]
    weekend: Vec<Weekday>,
    #[serde(default)]
    holidays: BTreeSet<NaiveDate>,
}

impl TryFrom<WorkingDaysRepr> for WorkingDays {
    type Error = CalendarError;

    fn try_from(repr: WorkingDaysRepr) -> Result<Self, CalendarError> {
        Self::new(repr.weekend, repr.holidays)
    }
}

impl Default for WorkingDays {
    /// Saturday and Sunday off, no holidays.
    fn default() -> Self {
        Self { weekend: vec![Weekday::Sat, Weekday::Sun], holidays: BTreeSet::new() }
    }
}

impl WorkingDays {
    /// Working days with these weekend days (repeats ignored) and holidays;
    /// refuses a weekend of all seven days.
    pub fn new(
        weekend: impl IntoIterator<Item = Weekday>,
        holidays: impl IntoIterator<Item = NaiveDate>,
    ) -> Result<Self, CalendarError> {
        let mut weekend: Vec<Weekday> = weekend.into_iter().collect();
        weekend.sort_by_key(Weekday::num_days_from_monday);
        weekend.dedup();
        if weekend.len() == 7 {
            return Err(CalendarError::NoWorkingDays);
        }
        Ok(Self { weekend, holidays: holidays.into_iter().collect() })
    }

    /// The weekend days, Monday first.
    pub fn weekend(&self) -> &[Weekday] {
        &self.weekend
    }

    /// The holidays.
    pub fn holidays(&self) -> &BTreeSet<NaiveDate> {
        &self.holidays
    }

    /// Whether `date` is worked.
    pub fn is_working_day(&self, date: NaiveDate) -> bool {
        !self.is_weekend(date.weekday()) && !self.holidays.contains(&date)
    }

    /// Working days from `start` to `end` inclusive (0 if `end < start`), in
    /// time independent of the span: whole weeks, the remaining days, then the
    /// holidays in range that fall on weekdays.
    pub fn count(&self, start: NaiveDate, end: NaiveDate) -> u32 {
        if end < start {
            return 0;
        }
        let days = days_between(start, end) + 1;
        let per_week = 7 - self.weekend.len() as u32;
        let rest =
            (0..days % 7).filter(|&i| !self.is_weekend((start + Days::new(u64::from(i))).weekday())).count() as u32;
        let holidays = self.holidays.range(start..=end).filter(|day| !self.is_weekend(day.weekday())).count() as u32;
        days / 7 * per_week + rest - holidays
    }

    /// The working day `n` working days after `date` (before it if `n < 0`;
    /// `date` itself if `n == 0`).
    pub fn add_working_days(&self, date: NaiveDate, n: i64) -> NaiveDate {
        let mut day = date;
        for _ in 0..n.unsigned_abs() {
            day = self.next_working_day(day, n > 0);
        }
        day
    }

    /// First and last day of the last `n` working days ending at `as_of`
    /// (included if it is a working day). For `n == 0` the range is empty
    /// (first after last), so [`WorkingDays::count`] gives 0.
    pub fn last_n_working_days(&self, as_of: NaiveDate, n: u32) -> (NaiveDate, NaiveDate) {
        let last = if self.is_working_day(as_of) { as_of } else { self.next_working_day(as_of, false) };
        (self.add_working_days(last, 1 - i64::from(n)), last)
    }

    /// The nearest working day after (or before) `date`; terminates because a
    /// week always has a working weekday and holidays are finite.
    fn next_working_day(&self, date: NaiveDate, forward: bool) -> NaiveDate {
        let mut day = date;
        loop {
            day = if forward { day + Days::new(1) } else { day - Days::new(1) };
            if self.is_working_day(day) {
                return day;
            }
        }
    }

    fn is_weekend(&self, day: Weekday) -> bool {
        self.weekend.contains(&day)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::ymd;
    use Weekday::{Fri, Mon, Sat, Sun, Thu, Tue, Wed};
    use proptest::prelude::*;

    fn monthly(start_month: u32, naming: YearNaming) -> FiscalCalendar {
        FiscalCalendar::monthly(start_month, naming).unwrap()
    }

    /// The US retail (NRF) calendar: 4-5-4, Saturday nearest 31 January, start-year names.
    fn retail(naming: YearNaming) -> FiscalCalendar {
        FiscalCalendar::weekly(WeekPattern::P454, 1, Sat, YearEndRule::Nearest, naming).unwrap()
    }

    fn spans(cal: &FiscalCalendar, fy: i32, kind: PeriodKind) -> Vec<(NaiveDate, NaiveDate)> {
        let periods = cal.periods(fy, kind).unwrap();
        periods.iter().map(|p| (p.start, p.end)).collect()
    }

    #[test]
    fn monthly_starting_february_named_by_end_year() {
        let cal = monthly(2, YearNaming::EndYear);
        let year = cal.year(2026).unwrap();
        assert_eq!((year.start, year.end), (ymd(2025, 2, 1), ymd(2026, 1, 31)));
        assert_eq!((year.kind, year.index, year.days()), (PeriodKind::Year, 1, 365));
        assert_eq!(
            spans(&cal, 2026, PeriodKind::Quarter),
            [
                (ymd(2025, 2, 1), ymd(2025, 4, 30)),
                (ymd(2025, 5, 1), ymd(2025, 7, 31)),
                (ymd(2025, 8, 1), ymd(2025, 10, 31)),
                (ymd(2025, 11, 1), ymd(2026, 1, 31)),
            ]
        );
        assert_eq!(
            spans(&cal, 2026, PeriodKind::Half),
            [(ymd(2025, 2, 1), ymd(2025, 7, 31)), (ymd(2025, 8, 1), ymd(2026, 1, 31))]
        );
        let months = cal.periods(2026, PeriodKind::Month).unwrap();
        assert_eq!((months[0].start, months[0].end), (ymd(2025, 2, 1), ymd(2025, 2, 28)));
        assert_eq!((months[11].start, months[11].end), (ymd(2026, 1, 1), ymd(2026, 1, 31)));
        let weeks = cal.periods(2026, PeriodKind::Week).unwrap();
        assert_eq!(weeks.len(), 53);
        assert_eq!((weeks[0].start, weeks[0].end), (ymd(2025, 2, 1), ymd(2025, 2, 7)));
        assert_eq!((weeks[52].start, weeks[52].end), (ymd(2026, 1, 31), ymd(2026, 1, 31)));
        assert_eq!(cal.fiscal_year_of(ymd(2025, 1, 31)), 2025);
        assert_eq!(cal.fiscal_year_of(ymd(2025, 2, 1)), 2026);
        assert_eq!(cal.fiscal_year_of(ymd(2026, 1, 31)), 2026);
        assert!(!cal.is_calendar_aligned());
    }

    #[test]
    fn monthly_start_year_naming_and_calendar_years() {
        let cal = monthly(2, YearNaming::StartYear);
        let year = cal.year(2025).unwrap();
        assert_eq!((year.start, year.end), (ymd(2025, 2, 1), ymd(2026, 1, 31)));
        assert_eq!(cal.fiscal_year_of(ymd(2026, 1, 31)), 2025);

        for naming in [YearNaming::EndYear, YearNaming::StartYear] {
            let cal = monthly(1, naming);
            assert!(cal.is_calendar_aligned());
            let year = cal.year(2024).unwrap();
            assert_eq!((year.start, year.end, year.days()), (ymd(2024, 1, 1), ymd(2024, 12, 31), 366));
            assert_eq!(cal.fiscal_year_of(ymd(2024, 12, 31)), 2024);
            let weeks = cal.periods(2024, PeriodKind::Week).unwrap();
            assert_eq!((weeks[52].start, weeks[52].end), (ymd(2024, 12, 30), ymd(2024, 12, 31)));
        }
    }

    #[test]
    fn us_retail_calendar() {
        let cal = retail(YearNaming::StartYear);
        let y2023 = cal.year(2023).unwrap();
        assert_eq!((y2023.start, y2023.end), (ymd(2023, 1, 29), ymd(2024, 2, 3)));
        assert_eq!(cal.periods(2023, PeriodKind::Week).unwrap().len(), 53);
        let y2024 = cal.year(2024).unwrap();
        assert_eq!((y2024.start, y2024.end), (ymd(2024, 2, 4), ymd(2025, 2, 1)));
        assert_eq!(cal.periods(2024, PeriodKind::Week).unwrap().len(), 52);

        let months = spans(&cal, 2023, PeriodKind::Month);
        assert_eq!(months[0], (ymd(2023, 1, 29), ymd(2023, 2, 25)));
        assert_eq!(months[1], (ymd(2023, 2, 26), ymd(2023, 4, 1)));
        assert_eq!(months[2], (ymd(2023, 4, 2), ymd(2023, 4, 29)));
        // The 53rd week goes to month 12, which has 4 + 1 weeks.
        assert_eq!(months[11], (ymd(2023, 12, 31), ymd(2024, 2, 3)));
        let quarters = spans(&cal, 2023, PeriodKind::Quarter);
        assert_eq!(quarters[0], (ymd(2023, 1, 29), ymd(2023, 4, 29)));
        assert_eq!(quarters[3], (ymd(2023, 10, 29), ymd(2024, 2, 3)));
        assert_eq!(
            spans(&cal, 2023, PeriodKind::Half),
            [(ymd(2023, 1, 29), ymd(2023, 7, 29)), (ymd(2023, 7, 30), ymd(2024, 2, 3))]
        );

        // Named by end year, the same year is FY2024 (its nominal end month is January 2024).
        let by_end = retail(YearNaming::EndYear).year(2024).unwrap();
        assert_eq!((by_end.start, by_end.end), (y2023.start, y2023.end));
    }

    #[test]
    fn december_year_end_is_named_after_its_nominal_months() {
        for naming in [YearNaming::EndYear, YearNaming::StartYear] {
            let cal = FiscalCalendar::weekly(WeekPattern::P445, 12, Sat, YearEndRule::Nearest, naming).unwrap();
            // Ends 2022-01-01, a few days into the next calendar year.
            let y2021 = cal.year(2021).unwrap();
            assert_eq!((y2021.start, y2021.end), (ymd(2021, 1, 3), ymd(2022, 1, 1)));
            // Starts 2023-12-31, a day before the calendar year.
            let y2024 = cal.year(2024).unwrap();
            assert_eq!((y2024.start, y2024.end), (ymd(2023, 12, 31), ymd(2024, 12, 28)));
            assert_eq!(cal.fiscal_year_of(ymd(2023, 12, 31)), 2024);
            assert_eq!(cal.fiscal_year_of(ymd(2022, 1, 1)), 2021);
        }
        let last = FiscalCalendar::weekly(WeekPattern::P544, 12, Fri, YearEndRule::Last, YearNaming::EndYear).unwrap();
        let y2024 = last.year(2024).unwrap();
        assert_eq!((y2024.start, y2024.end), (ymd(2023, 12, 30), ymd(2024, 12, 27)));
    }

    #[test]
    fn period_of_boundary_days() {
        let cal = monthly(2, YearNaming::EndYear);
        let q = cal.period_of(ymd(2025, 4, 30), PeriodKind::Quarter);
        assert_eq!((q.fiscal_year, q.index), (2026, 1));
        let q = cal.period_of(ymd(2025, 5, 1), PeriodKind::Quarter);
        assert_eq!((q.fiscal_year, q.index, q.start), (2026, 2, ymd(2025, 5, 1)));
        let m = cal.period_of(ymd(2026, 1, 31), PeriodKind::Month);
        assert_eq!((m.fiscal_year, m.index), (2026, 12));
        let h = cal.period_of(ymd(2025, 8, 1), PeriodKind::Half);
        assert_eq!((h.fiscal_year, h.index), (2026, 2));
        let w = cal.period_of(ymd(2025, 2, 8), PeriodKind::Week);
        assert_eq!((w.index, w.start, w.end), (2, ymd(2025, 2, 8), ymd(2025, 2, 14)));

        let cal = retail(YearNaming::StartYear);
        let w = cal.period_of(ymd(2024, 2, 3), PeriodKind::Week);
        assert_eq!((w.fiscal_year, w.index), (2023, 53));
        let m = cal.period_of(ymd(2024, 2, 4), PeriodKind::Month);
        assert_eq!((m.fiscal_year, m.index, m.end), (2024, 1, ymd(2024, 3, 2)));
        let q = cal.period_of(ymd(2023, 10, 28), PeriodKind::Quarter);
        assert_eq!((q.fiscal_year, q.index), (2023, 3));
    }

    #[test]
    fn periods_elapsed_counts_complete_periods() {
        let cal = monthly(2, YearNaming::EndYear);
        let elapsed = |kind, as_of| cal.periods_elapsed(2026, kind, as_of).unwrap();
        assert_eq!(elapsed(PeriodKind::Month, ymd(2025, 1, 15)), 0);
        assert_eq!(elapsed(PeriodKind::Month, ymd(2025, 2, 1)), 0);
        assert_eq!(elapsed(PeriodKind::Month, ymd(2025, 4, 30)), 2);
        assert_eq!(elapsed(PeriodKind::Month, ymd(2025, 5, 1)), 3);
        assert_eq!(elapsed(PeriodKind::Quarter, ymd(2025, 4, 30)), 0);
        assert_eq!(elapsed(PeriodKind::Quarter, ymd(2025, 5, 1)), 1);
        assert_eq!(elapsed(PeriodKind::Month, ymd(2026, 1, 31)), 11);
        assert_eq!(elapsed(PeriodKind::Month, ymd(2026, 2, 1)), 12);
        assert_eq!(elapsed(PeriodKind::Year, ymd(2026, 2, 1)), 1);
        assert_eq!(elapsed(PeriodKind::Week, ymd(2030, 1, 1)), 53);
        assert_eq!(cal.periods_elapsed(1800, PeriodKind::Week, ymd(2030, 1, 1)), Err(CalendarError::OutOfRange(1800)));
    }

    #[test]
    fn names_labels_and_parsing() {
        let cal = monthly(2, YearNaming::EndYear);
        let q2 = cal.period_of(ymd(2025, 6, 1), PeriodKind::Quarter);
        assert_eq!((q2.name(), q2.label()), ("FY2026-Q2".into(), "Q2 FY2026".into()));
        let m02 = cal.period_of(ymd(2025, 3, 10), PeriodKind::Month);
        assert_eq!((m02.name(), m02.label()), ("FY2026-M02".into(), "Mar 2025 (M02)".into()));
        let w07 = cal.period_of(ymd(2025, 3, 15), PeriodKind::Week);
        assert_eq!((w07.name(), w07.label()), ("FY2026-W07".into(), "W07 FY2026".into()));
        let h1 = cal.period_of(ymd(2025, 3, 15), PeriodKind::Half);
        assert_eq!((h1.name(), h1.label()), ("FY2026-H1".into(), "H1 FY2026".into()));
        assert_eq!(cal.year(2026).unwrap().name(), "FY2026");
        let retail_month = retail(YearNaming::StartYear).period_of(ymd(2023, 3, 1), PeriodKind::Month);
        assert_eq!(retail_month.label(), "M02 FY2023");

        for kind in PeriodKind::ALL {
            for period in cal.periods(2026, kind).unwrap() {
                assert_eq!(cal.parse_period(&period.name()), Ok(period));
            }
        }
        assert_eq!(cal.parse_period(" fy2026-q2 "), Ok(q2));
        assert_eq!(cal.parse_period("FY2026-M3"), cal.parse_period("FY2026-M03"));
        assert!(q2.contains(ymd(2025, 5, 1)) && q2.contains(ymd(2025, 7, 31)));
        assert!(!q2.contains(ymd(2025, 8, 1)));
    }

    #[test]
    fn errors_name_the_bad_value() {
        let err = FiscalCalendar::monthly(13, YearNaming::EndYear).unwrap_err();
        assert_eq!(err, CalendarError::InvalidMonth(13));
        assert_eq!(err.to_string(), "fiscal month 13 is not valid: use 1 to 12");
        assert_eq!(
            FiscalCalendar::weekly(WeekPattern::P445, 0, Sat, YearEndRule::Last, YearNaming::EndYear),
            Err(CalendarError::InvalidMonth(0))
        );
        let invalid = FiscalCalendar::Monthly { start_month: 0, naming: YearNaming::EndYear };
        assert_eq!(invalid.year(2026), Err(CalendarError::InvalidMonth(0)));

        assert_eq!(
            parse_weekday("fr").unwrap_err().to_string(),
            "unknown weekday \"fr\": use mon, tue, wed, thu, fri, sat or sun"
        );
        let cal = monthly(1, YearNaming::EndYear);
        for bad in ["2026", "FY", "FY20x6", "FY2026-", "FY2026-X1", "FY2026-Q", "FY2026-Q-1", "FY2026-Qé"] {
            assert_eq!(cal.parse_period(bad), Err(CalendarError::BadPeriodName(bad.into())), "{bad}");
        }
        assert_eq!(
            cal.parse_period("FY2026-Q5").unwrap_err().to_string(),
            "fiscal period \"FY2026-Q5\" does not exist: use quarter 1 to 4"
        );
        assert!(matches!(cal.parse_period("FY2026-W00"), Err(CalendarError::NoSuchPeriod { count: 53, .. })));
        assert_eq!(
            cal.parse_period("FY2300").unwrap_err().to_string(),
            "fiscal year 2300 is out of range: use 1900 to 2200"
        );
        assert_eq!(cal.year(1899), Err(CalendarError::OutOfRange(1899)));
        assert_eq!(
            "4-4-6".parse::<WeekPattern>().unwrap_err().to_string(),
            "unknown week pattern \"4-4-6\": use 4-4-5, 4-5-4 or 5-4-4"
        );
        assert_eq!("first".parse::<YearEndRule>(), Err(CalendarError::UnknownRule("first".into())));
        assert_eq!("mid".parse::<YearNaming>(), Err(CalendarError::UnknownNaming("mid".into())));
        assert_eq!("day".parse::<PeriodKind>(), Err(CalendarError::UnknownPeriodKind("day".into())));
        assert_eq!(WorkingDays::new([Mon, Tue, Wed, Thu, Fri, Sat, Sun], []), Err(CalendarError::NoWorkingDays));
    }

    #[test]
    fn string_forms() {
        assert_eq!(parse_weekday("Monday"), Ok(Mon));
        assert_eq!(parse_weekday("SAT"), Ok(Sat));
        assert_eq!(weekday_name(Sun), "sun");
        assert_eq!("445".parse(), Ok(WeekPattern::P445));
        assert_eq!(" 5-4-4".parse(), Ok(WeekPattern::P544));
        assert_eq!(WeekPattern::P454.to_string(), "4-5-4");
        assert_eq!("Nearest".parse(), Ok(YearEndRule::Nearest));
        assert_eq!(YearNaming::StartYear.to_string(), "start");
        assert_eq!("end".parse(), Ok(YearNaming::EndYear));
        for kind in PeriodKind::ALL {
            assert_eq!(kind.to_string().parse(), Ok(kind));
        }
    }

    #[test]
    fn serde_forms() {
        let cal = retail(YearNaming::StartYear);
        let json = serde_json::to_string(&cal).unwrap();
        assert_eq!(
            json,
            r#"{"kind":"weekly","pattern":"4-5-4","end_month":1,"end_weekday":"sat","rule":"nearest","naming":"start"}"#
        );
        assert_eq!(serde_json::from_str::<FiscalCalendar>(&json).unwrap(), cal);
        let cal = monthly(2, YearNaming::EndYear);
        let json = serde_json::to_string(&cal).unwrap();
        assert_eq!(json, r#"{"kind":"monthly","start_month":2,"naming":"end"}"#);
        assert_eq!(serde_json::from_str::<FiscalCalendar>(r#"{"kind":"monthly","start_month":2}"#).unwrap(), cal);
        let err = serde_json::from_str::<FiscalCalendar>(r#"{"kind":"monthly","start_month":13}"#).unwrap_err();
        assert!(err.to_string().contains("fiscal month 13 is not valid"), "{err}");
        let err = serde_json::from_str::<FiscalCalendar>(
            r#"{"kind":"weekly","pattern":"4-4-5","end_month":1,"end_weekday":"fr","rule":"last"}"#,
        )
        .unwrap_err();
        assert!(err.to_string().contains("unknown weekday \"fr\""), "{err}");

        let period = cal.year(2026).unwrap();
        assert_eq!(
            serde_json::to_string(&period).unwrap(),
            r#"{"kind":"year","fiscal_year":2026,"index":1,"start":"2025-02-01","end":"2026-01-31"}"#
        );
        let days = WorkingDays::new([Sun, Fri, Fri], [ymd(2025, 12, 25)]).unwrap();
        let json = serde_json::to_string(&days).unwrap();
        assert_eq!(json, r#"{"weekend":["fri","sun"],"holidays":["2025-12-25"]}"#);
        assert_eq!(serde_json::from_str::<WorkingDays>(&json).unwrap(), days);
        assert!(
            serde_json::from_str::<WorkingDays>(r#"{"weekend":["mon","tue","wed","thu","fri","sat","sun"]}"#).is_err()
        );
    }

    #[test]
    fn working_days_with_holidays() {
        // Christmas 2025 on Thursday and Friday; the 27th is a Saturday anyway.
        let days = WorkingDays::new([Sat, Sun], [ymd(2025, 12, 25), ymd(2025, 12, 26), ymd(2025, 12, 27)]).unwrap();
        assert_eq!(days.count(ymd(2025, 12, 1), ymd(2025, 12, 31)), 21);
        assert_eq!(WorkingDays::default().count(ymd(2025, 12, 1), ymd(2025, 12, 31)), 23);
        assert_eq!(days.count(ymd(2025, 12, 27), ymd(2025, 12, 28)), 0);
        assert_eq!(days.count(ymd(2025, 12, 31), ymd(2025, 12, 1)), 0);
        assert!(!days.is_working_day(ymd(2025, 12, 25)));
        assert!(days.is_working_day(ymd(2025, 12, 24)));

        assert_eq!(days.last_n_working_days(ymd(2025, 12, 28), 3), (ymd(2025, 12, 22), ymd(2025, 12, 24)));
        assert_eq!(days.last_n_working_days(ymd(2025, 12, 29), 1), (ymd(2025, 12, 29), ymd(2025, 12, 29)));
        let (first, last) = days.last_n_working_days(ymd(2025, 12, 29), 0);
        assert!(first > last && days.count(first, last) == 0);
        assert_eq!(days.add_working_days(ymd(2025, 12, 19), 1), ymd(2025, 12, 22));
        assert_eq!(days.add_working_days(ymd(2025, 12, 24), 1), ymd(2025, 12, 29));
        assert_eq!(days.add_working_days(ymd(2025, 12, 29), -1), ymd(2025, 12, 24));
        assert_eq!(days.add_working_days(ymd(2025, 12, 27), 0), ymd(2025, 12, 27));
    }

    /// Every calendar setting: 24 monthly and 1,008 weekly.
    fn all_calendars() -> Vec<FiscalCalendar> {
        let namings = [YearNaming::EndYear, YearNaming::StartYear];
        let mut all: Vec<_> = (1..=12).flat_map(|m| namings.map(|n| monthly(m, n))).collect();
        for pattern in [WeekPattern::P445, WeekPattern::P454, WeekPattern::P544] {
            for end_month in 1..=12 {
                for weekday in [Mon, Tue, Wed, Thu, Fri, Sat, Sun] {
                    for rule in [YearEndRule::Last, YearEndRule::Nearest] {
                        for naming in namings {
                            all.push(FiscalCalendar::weekly(pattern, end_month, weekday, rule, naming).unwrap());
                        }
                    }
                }
            }
        }
        all
    }

    fn calendar() -> impl Strategy<Value = FiscalCalendar> {
        prop::sample::select(all_calendars())
    }

    /// Periods of every kind tile the year; months nest in quarters, quarters in halves.
    fn assert_tiles(cal: &FiscalCalendar, fy: i32) {
        let year = cal.year(fy).unwrap();
        for kind in PeriodKind::ALL {
            let periods = cal.periods(fy, kind).unwrap();
            assert_eq!(periods.first().unwrap().start, year.start, "{cal:?} {fy} {kind}");
            assert_eq!(periods.last().unwrap().end, year.end, "{cal:?} {fy} {kind}");
            for (i, p) in periods.iter().enumerate() {
                assert_eq!((p.kind, p.fiscal_year, p.index), (kind, fy, i as u32 + 1));
                assert!(p.start <= p.end, "{cal:?} {p:?}");
            }
            for pair in periods.windows(2) {
                assert_eq!(pair[0].end + Days::new(1), pair[1].start, "{cal:?} {kind}");
            }
        }
        let months = cal.periods(fy, PeriodKind::Month).unwrap();
        let quarters = cal.periods(fy, PeriodKind::Quarter).unwrap();
        let halves = cal.periods(fy, PeriodKind::Half).unwrap();
        for (i, q) in quarters.iter().enumerate() {
            assert_eq!((months[3 * i].start, months[3 * i + 2].end), (q.start, q.end));
        }
        for (i, h) in halves.iter().enumerate() {
            assert_eq!((quarters[2 * i].start, quarters[2 * i + 1].end), (h.start, h.end));
        }
        if let FiscalCalendar::Weekly { end_weekday, .. } = cal {
            assert!(matches!(year.days(), 364 | 371), "{cal:?} {fy}");
            assert_eq!(year.end.weekday(), *end_weekday);
            let weeks = cal.periods(fy, PeriodKind::Week).unwrap();
            assert!(weeks.iter().all(|w| w.days() == 7));
        }
    }

    #[test]
    fn every_setting_tiles_and_years_are_contiguous() {
        for cal in all_calendars() {
            for fy in [2023, 2026] {
                assert_tiles(&cal, fy);
            }
            let mut previous = cal.year(1990).unwrap();
            for fy in 1991..=2100 {
                let year = cal.year(fy).unwrap();
                assert_eq!(previous.end + Days::new(1), year.start, "{cal:?} {fy}");
                previous = year;
            }
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(400))]

        #[test]
        fn periods_tile_every_year(cal in calendar(), fy in 1990..=2100i32) {
            assert_tiles(&cal, fy);
        }

        #[test]
        fn a_date_is_in_exactly_its_periods(cal in calendar(), offset in 0..40_541u64) {
            let date = ymd(1990, 1, 1) + Days::new(offset);
            let fy = cal.fiscal_year_of(date);
            prop_assert!(cal.year(fy).unwrap().contains(date));
            for kind in PeriodKind::ALL {
                let period = cal.period_of(date, kind);
                prop_assert!(period.contains(date));
                prop_assert_eq!(period.fiscal_year, fy);
                prop_assert!(cal.periods(fy, kind).unwrap().contains(&period));
                prop_assert_eq!(cal.parse_period(&period.name()), Ok(period));
                let elapsed = cal.periods_elapsed(fy, kind, date).unwrap();
                prop_assert_eq!(elapsed, period.index - 1);
            }
        }

        #[test]
        fn working_day_count_matches_a_day_by_day_count(
            start in 0..3_000u64,
            span in 0..800u64,
            weekend in prop::collection::vec(0..6u8, 0..3),
            holidays in prop::collection::vec(0..4_000u64, 0..30),
            n in 0..40u32,
        ) {
            let base = ymd(2020, 1, 1);
            let days = WorkingDays::new(
                weekend.into_iter().map(|w| Weekday::try_from(w).unwrap()),
                holidays.into_iter().map(|h| base + Days::new(h)),
            )
            .unwrap();
            let (start, end) = (base + Days::new(start), base + Days::new(start + span));
            let slow = start.iter_days().take_while(|day| *day <= end).filter(|day| days.is_working_day(*day)).count();
            prop_assert_eq!(days.count(start, end) as usize, slow);

            let (first, last) = days.last_n_working_days(end, n);
            prop_assert_eq!(days.count(first, last), n);
            prop_assert!(last <= end);
            if n > 0 {
                prop_assert!(days.is_working_day(first) && days.is_working_day(last));
                prop_assert_eq!(days.count(last, end), 1);
            }
        }
    }
}
