//! The locale's formats of numbers, money, percentages and dates, from CLDR through ICU4X: the
//! digits' grouping and decimal separator, month and weekday names, the order of a date's parts.
//! Where ICU4X has no stable formatter yet (currencies, percentages, compact figures) the CLDR
//! pattern of each language is applied here around ICU4X's formatted number.

use crate::{Language, Locale};
use chrono::{Datelike, NaiveDate};
use fixed_decimal::Decimal;
use icu_calendar::{Date, Gregorian};
use icu_datetime::FixedCalendarDateTimeFormatter;
use icu_datetime::fieldsets::{E, M, YM, YMD};
use icu_decimal::DecimalFormatter;
use icu_locale_core::locale;
use pacer_core::fiscal_calendar::{FiscalPeriod, PeriodKind};
use pacer_core::kpi::KpiValue;
use pacer_core::money::Currency;
use std::sync::LazyLock;
use writeable::Writeable;

/// The formatters of one language, built once.
struct Formatters {
    decimal: DecimalFormatter,
    date: FixedCalendarDateTimeFormatter<Gregorian, YMD>,
    month_year: FixedCalendarDateTimeFormatter<Gregorian, YM>,
    month: FixedCalendarDateTimeFormatter<Gregorian, M>,
    weekday: FixedCalendarDateTimeFormatter<Gregorian, E>,
}

/// ICU4X's compiled CLDR data holds every locale: building a formatter for one of them cannot fail.
static FORMATTERS: LazyLock<Vec<Formatters>> = LazyLock::new(|| {
    Language::ALL
        .iter()
        .map(|l| {
            let prefs = match l {
                Language::English => locale!("en"),
                Language::French => locale!("fr"),
            };
            Formatters {
                decimal: DecimalFormatter::try_new((&prefs).into(), Default::default()).expect("compiled CLDR data"),
                date: FixedCalendarDateTimeFormatter::try_new((&prefs).into(), YMD::medium())
                    .expect("compiled CLDR data"),
                month_year: FixedCalendarDateTimeFormatter::try_new((&prefs).into(), YM::medium())
                    .expect("compiled CLDR data"),
                month: FixedCalendarDateTimeFormatter::try_new((&prefs).into(), M::medium())
                    .expect("compiled CLDR data"),
                weekday: FixedCalendarDateTimeFormatter::try_new((&prefs).into(), E::long())
                    .expect("compiled CLDR data"),
            }
        })
        .collect()
});

/// CLDR's narrow no-break space, French's digit group separator and the space before `%`.
const NNBSP: char = '\u{202f}';
/// CLDR's no-break space, between a French amount and its currency sign.
const NBSP: char = '\u{a0}';

/// The day in ICU4X's Gregorian calendar (a `NaiveDate` always is one).
fn gregorian(day: NaiveDate) -> Date<Gregorian> {
    Date::try_new_gregorian(day.year(), day.month() as u8, day.day() as u8)
        .expect("a chrono date is a valid Gregorian date")
}

impl Locale {
    fn formatters(self) -> &'static Formatters {
        &FORMATTERS[self.language as usize]
    }

    /// A decimal number with exactly `places` digits after the separator: `1,234.5` / `1 234,5`.
    pub fn decimal(self, x: f64, places: u8) -> String {
        if !x.is_finite() {
            return "—".into();
        }
        let places = i16::from(places);
        let mut d = Decimal::try_from_f64(x, fixed_decimal::FloatPrecision::RoundTrip).unwrap_or_default();
        d.round(-places);
        d.pad_end(-places);
        self.formatters().decimal.format(&d).write_to_string().into_owned()
    }

    /// A whole number, grouped: `1,234,567` / `1 234 567`.
    pub fn count(self, n: i64) -> String {
        self.formatters().decimal.format(&Decimal::from(n)).write_to_string().into_owned()
    }

    /// A share (1.0 is all of it) as a percentage with `places` decimals: `87.5%` / `87,5 %`; no
    /// figure for NaN or infinities (a dash).
    pub fn percent(self, share: f64, places: u8) -> String {
        if !share.is_finite() {
            return "—".into();
        }
        let number = self.decimal(share * 100.0, places);
        match self.language {
            Language::English => format!("{number}%"),
            Language::French => format!("{number}{NNBSP}%"),
        }
    }

    /// An amount of `minor` units of `currency` with its sign, to the currency's exponent:
    /// `€1,234,567.89` / `1 234 567,89 €`, `-$12.00` / `-12,00 $US`.
    pub fn money(self, minor: i64, currency: Currency) -> String {
        let exponent = currency.minor_exponent();
        let mut d = Decimal::from(minor);
        d.multiply_pow10(-(exponent as i16));
        d.pad_end(-(exponent as i16));
        self.with_currency(&d, currency)
    }

    fn with_currency(self, amount: &Decimal, currency: Currency) -> String {
        let negative = amount.sign() == fixed_decimal::Sign::Negative;
        let mut magnitude = amount.clone();
        magnitude.set_sign(fixed_decimal::Sign::None);
        let number = self.formatters().decimal.format(&magnitude).write_to_string().into_owned();
        let sign = if negative { "-" } else { "" };
        let symbol = self.currency_symbol(currency);
        match self.language {
            // CLDR "¤#,##0.00", with a space after a symbol made of letters ("CHF 12.00").
            Language::English if symbol.ends_with(char::is_alphabetic) => format!("{sign}{symbol}{NBSP}{number}"),
            Language::English => format!("{sign}{symbol}{number}"),
            // CLDR "#,##0.00 ¤".
            Language::French => format!("{sign}{number}{NBSP}{symbol}"),
        }
    }

    /// The currency's symbol in this locale (CLDR's: `$` is US dollars in English, `$US` in
    /// French), else its ISO code.
    pub fn currency_symbol(self, currency: Currency) -> String {
        let french = match currency.as_str() {
            "USD" => Some("$US"),
            "GBP" => Some("£GB"),
            "CAD" => Some("$CA"),
            "AUD" => Some("$AU"),
            "JPY" => Some("JPY"),
            "EUR" => Some("€"),
            "INR" => Some("₹"),
            "KRW" => Some("₩"),
            _ => None,
        };
        let symbol = match self.language {
            Language::English => currency.symbol(),
            Language::French => french,
        };
        symbol.unwrap_or(currency.as_str()).to_owned()
    }

    /// A figure in short form for a chart's axis and labels, to three significant digits
    /// ([`pacer_core::money::compact`]): `12.3k` / `12,3 k`, `1.25M` / `1,25 M`.
    pub fn compact(self, x: f64) -> String {
        let core = pacer_core::money::compact(x);
        let (digits, suffix) = split_compact(&core);
        match self.language {
            Language::English => core.clone(),
            Language::French if suffix.is_empty() => digits.replace('.', ","),
            Language::French => format!("{}{NBSP}{}", digits.replace('.', ","), french_suffix(suffix)),
        }
    }

    /// An amount in short form with its currency: `$1.25M` / `1,25 M $US`, `-€3.5k` / `-3,5 k €`.
    pub fn compact_money(self, minor: i64, currency: Currency) -> String {
        let major = minor as f64 / currency.minor_per_major() as f64;
        let magnitude = self.compact(major.abs());
        let sign = if major < 0.0 && magnitude != "0" { "-" } else { "" };
        let symbol = self.currency_symbol(currency);
        match self.language {
            Language::English if symbol.ends_with(char::is_alphabetic) => format!("{sign}{symbol}{NBSP}{magnitude}"),
            Language::English => format!("{sign}{symbol}{magnitude}"),
            Language::French => format!("{sign}{magnitude}{NBSP}{symbol}"),
        }
    }

    /// A KPI's value for people: money with its currency, grouped counts, a percentage with one
    /// decimal, a dash for no figure.
    pub fn value(self, value: &KpiValue, currency: Currency) -> String {
        match value {
            KpiValue::Count(n) => self.count(*n),
            KpiValue::Money(minor) => self.money(*minor, currency),
            KpiValue::Number(x) => self.decimal(*x, 1),
            KpiValue::Rate(x) => self.percent(*x, 1),
            KpiValue::NoFigure(_) => "—".into(),
        }
    }

    /// A KPI's value in short form (a chart's labels): [`Locale::compact_money`] for money,
    /// [`Locale::compact`] otherwise.
    pub fn compact_value(self, value: &KpiValue, currency: Currency) -> String {
        match value {
            KpiValue::Count(n) => self.compact(*n as f64),
            KpiValue::Money(minor) => self.compact_money(*minor, currency),
            KpiValue::Number(x) => self.compact(*x),
            KpiValue::Rate(x) => match self.language {
                Language::English => format!("{}%", self.compact(x * 100.0)),
                Language::French => format!("{}{NNBSP}%", self.compact(x * 100.0)),
            },
            KpiValue::NoFigure(_) => "—".into(),
        }
    }

    /// A figure of a KPI in `unit` (`currency` in minor units, `percent` as a share, else a
    /// count) handed over as a number (targets, projections), as [`Locale::value`] writes it.
    pub fn figure(self, unit: &str, x: Option<f64>, currency: Currency) -> String {
        match x {
            None => "—".into(),
            Some(v) if unit == "currency" => self.value(&KpiValue::Money(v.round() as i64), currency),
            Some(v) if unit == "percent" => self.value(&KpiValue::Rate(v), currency),
            Some(v) => self.value(&KpiValue::Count(v.round() as i64), currency),
        }
    }

    /// A day: `Dec 2, 2026` / `2 déc. 2026`.
    pub fn date(self, day: NaiveDate) -> String {
        self.formatters().date.format(&gregorian(day)).write_to_string().into_owned()
    }

    /// A month of a year: `Dec 2026` / `déc. 2026`.
    pub fn month_year(self, day: NaiveDate) -> String {
        self.formatters().month_year.format(&gregorian(day)).write_to_string().into_owned()
    }

    /// A month's abbreviated name: `Dec` / `déc.`.
    pub fn month(self, day: NaiveDate) -> String {
        self.formatters().month.format(&gregorian(day)).write_to_string().into_owned()
    }

    /// The day of the week of `day`: `Monday` / `lundi`.
    pub fn weekday(self, day: NaiveDate) -> String {
        self.formatters().weekday.format(&gregorian(day)).write_to_string().into_owned()
    }

    /// The first day of the week where the language is spoken (CLDR week data): Sunday in
    /// English (United States), Monday in French.
    pub fn first_weekday(self) -> chrono::Weekday {
        match self.language {
            Language::English => chrono::Weekday::Sun,
            Language::French => chrono::Weekday::Mon,
        }
    }

    /// The days of a week in the order a reader of this language counts them, from
    /// [`Locale::first_weekday`].
    pub fn week(self) -> [chrono::Weekday; 7] {
        let first = self.first_weekday();
        std::array::from_fn(|i| (0..i).fold(first, |day, _| day.succ()))
    }

    /// A day of the week's name: `Monday` / `lundi`.
    pub fn weekday_name(self, day: chrono::Weekday) -> String {
        // 2024-01-01 was a Monday.
        let monday = NaiveDate::from_ymd_opt(2024, 1, 1).unwrap_or_default();
        self.weekday(monday + chrono::Days::new(u64::from(day.num_days_from_monday())))
    }

    /// A fiscal period for people: `Q2 FY2026` / `T2 FY2026`; a month that is exactly a calendar
    /// month shows that month, `Mar 2025 (M02)` / `mars 2025 (M02)`, because its fiscal number
    /// alone misleads.
    pub fn period(self, period: &FiscalPeriod) -> String {
        let (fy, i) = (period.fiscal_year, period.index);
        match period.kind {
            PeriodKind::Month if period.is_calendar_month() => {
                format!("{} (M{i:02})", self.month_year(period.start))
            }
            kind => {
                let id = match kind {
                    PeriodKind::Year => "period-year",
                    PeriodKind::Half => "period-half",
                    PeriodKind::Quarter => "period-quarter",
                    PeriodKind::Month => "period-month",
                    PeriodKind::Week => "period-week",
                };
                crate::tr!(self, id, fy = fy.to_string(), index = format!("{i:02}"), i = i.to_string())
            }
        }
    }

    /// A span of months, `Feb 2026 – Jan 2027` / `févr. 2026 – janv. 2027`.
    pub fn month_span(self, first: NaiveDate, last: NaiveDate) -> String {
        format!("{} – {}", self.month_year(first), self.month_year(last))
    }
}

/// Core's compact figure split into its digits and its magnitude's suffix (`1.25M` → `1.25`, `M`).
fn split_compact(text: &str) -> (&str, &str) {
    let at = text.find(|c: char| c.is_ascii_alphabetic()).unwrap_or(text.len());
    text.split_at(at)
}

/// CLDR French's short magnitudes: `k`, `M`, `Md` (milliard), `Bn` (billion).
fn french_suffix(suffix: &str) -> &str {
    match suffix {
        "B" => "Md",
        "T" => "Bn",
        other => other,
    }
}
