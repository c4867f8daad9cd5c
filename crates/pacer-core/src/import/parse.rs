//! Parsing the text of one cell: dates, date-times, amounts, account ids,
//! durations and custom-field values. Every function is total: bad text is an
//! `Err` with a sentence that names the value, never a panic.

use crate::money::Currency;
use crate::text_enum::text_enum;
use chrono::{Datelike, NaiveDate, NaiveDateTime, NaiveTime};
use serde::{Deserialize, Serialize};
use std::str::FromStr;

/// How to read a numeric date whose day and month could be swapped.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum DateOrder {
    /// Year first only (`2026-03-04`); `03/04/2026` is refused.
    Iso,
    /// US order: `03/04/2026` is March 4.
    MonthFirst,
    /// European order: `03/04/2026` and `03.04.2026` are April 3.
    DayFirst,
}

text_enum! {
    /// The written form, as in a mapping file or `--date-order`.
    DateOrder { Iso => "iso", MonthFirst => "month-first", DayFirst => "day-first" }
}

impl FromStr for DateOrder {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        match s.trim().to_ascii_lowercase().replace('_', "-").as_str() {
            "iso" => Ok(DateOrder::Iso),
            "month-first" | "mdy" | "us" => Ok(DateOrder::MonthFirst),
            "day-first" | "dmy" | "eu" => Ok(DateOrder::DayFirst),
            other => Err(format!("unknown date order {other:?}: use iso, month-first or day-first")),
        }
    }
}

/// Two-digit years up to this one are 20xx, later ones 19xx (the POSIX `%y` pivot).
const TWO_DIGIT_PIVOT: i32 = 68;

/// Parses a calendar date.
///
/// Accepted, whatever `order` says:
/// - year first: `2026-03-04`, `2026/03/04`, `2026.03.04`;
/// - month names: `4 Mar 2026`, `04-Mar-2026`, `Mar 4, 2026`, `March 4, 2026`, `4 March 2026`.
///
/// Day and month as numbers (`03/04/2026`, `3/4/26`, `04.03.2026`, `4-3-2026`; the two
/// separators must be the same) follow `order` strictly when it is given (`Iso` refuses
/// them). Without an order a value is accepted only when it can be read one way: a part
/// above 12 is the day (`13/04/2026`), and equal parts (`04/04/2026`) read the same both
/// ways; otherwise it is an "ambiguous date" error. Each value is judged alone: nothing is
/// inferred from other rows. Two-digit years 00-68 are 2000-2068, 69-99 are 1969-1999.
/// The day must be plausible ([`crate::limits::check_day`]).
pub fn parse_date(text: &str, order: Option<DateOrder>) -> Result<NaiveDate, String> {
    plausible(calendar_date(text, order))
}

/// Refuses a parsed day outside the plausible range.
fn plausible(day: Result<NaiveDate, String>) -> Result<NaiveDate, String> {
    let day = day?;
    crate::limits::check_day(day).map_err(|e| e.to_string())?;
    Ok(day)
}

/// [`parse_date`] without the range check.
fn calendar_date(text: &str, order: Option<DateOrder>) -> Result<NaiveDate, String> {
    let t = text.trim();
    if t.is_empty() {
        return Err("empty date".into());
    }
    if let Some([a, b, c]) = numeric_parts(t) {
        let (y, m, d) = if a.len() == 4 {
            (num(a), num(b), num(c))
        } else if a.len() <= 2 && b.len() <= 2 && (c.len() == 2 || c.len() == 4) {
            let y = if c.len() == 2 { expand_year(num(c)) } else { num(c) };
            let (a, b) = (num(a), num(b));
            match order {
                Some(DateOrder::MonthFirst) => (y, a, b),
                Some(DateOrder::DayFirst) => (y, b, a),
                Some(DateOrder::Iso) => {
                    return Err(format!("date {t:?} is not year-month-day (YYYY-MM-DD) as the date order iso says"));
                }
                None if a == b || b > 12 => (y, a, b),
                None if a > 12 => (y, b, a),
                None => {
                    return Err(format!("ambiguous date {t:?}: say --date-order month-first or day-first"));
                }
            }
        } else {
            return Err(unparsable_date(t));
        };
        let y = i32::try_from(y).map_err(|_| unparsable_date(t))?;
        return NaiveDate::from_ymd_opt(y, m, d).ok_or_else(|| match order {
            Some(o) if a.len() != 4 => format!("date {t:?} does not exist (read as {o})"),
            _ => format!("date {t:?} does not exist"),
        });
    }
    // Month names are never ambiguous. chrono's `%b` accepts short and long names, any case.
    for format in ["%d %b %Y", "%d-%b-%Y", "%b %d, %Y", "%b %d %Y", "%d-%b-%y", "%d %B %Y", "%B %d, %Y", "%B %d %Y"] {
        if let Ok(date) = NaiveDate::parse_from_str(t, format) {
            return Ok(date);
        }
    }
    Err(unparsable_date(t))
}

fn unparsable_date(t: &str) -> String {
    format!("date {t:?} cannot be parsed: use YYYY-MM-DD, MM/DD/YYYY or DD.MM.YYYY")
}

/// Splits `12/31/2026`-like text into three digit runs joined by one repeated separator.
fn numeric_parts(t: &str) -> Option<[&str; 3]> {
    let sep = t.chars().find(|c| !c.is_ascii_digit())?;
    if !matches!(sep, '-' | '/' | '.') {
        return None;
    }
    let parts: Vec<&str> = t.split(sep).collect();
    match parts[..] {
        [a, b, c]
            if [a, b, c].iter().all(|p| !p.is_empty() && p.len() <= 4 && p.bytes().all(|x| x.is_ascii_digit())) =>
        {
            Some([a, b, c])
        }
        _ => None,
    }
}

/// At most four ASCII digits, checked by the caller, so this cannot overflow.
fn num(digits: &str) -> u32 {
    digits.bytes().fold(0, |acc, b| acc * 10 + u32::from(b - b'0'))
}

fn expand_year(yy: u32) -> u32 {
    if yy as i32 <= TWO_DIGIT_PIVOT { 2000 + yy } else { 1900 + yy }
}

/// Parses a date and time of day, in the organisation's local time.
///
/// The date part is anything [`parse_date`] accepts; the time follows a `T` or a space:
/// `2026-03-04T10:30:00`, `2026-03-04 10:30`, `03/04/2026 10:30 AM`, `3/4/2026 4:05:09pm`,
/// with optional fractions of a second. A date alone is midnight (00:00) of that day, so a
/// date-only export sorts before any timed activity of the same day. Values with a time
/// zone (`Z`, `+02:00`) are refused rather than guessed: Pacer stores local times.
pub fn parse_datetime(text: &str, order: Option<DateOrder>) -> Result<NaiveDateTime, String> {
    let t = text.trim();
    let at = match iso_datetime(t) {
        Some(at) => at,
        None => any_datetime(t, order)?,
    };
    plausible(Ok(at.date()))?;
    Ok(at)
}

/// [`parse_datetime`] of trimmed text, in every form.
fn any_datetime(t: &str, order: Option<DateOrder>) -> Result<NaiveDateTime, String> {
    if t.is_empty() {
        return Err("empty date".into());
    }
    let (date_part, time_part) = split_date_time(t);
    let date = calendar_date(date_part, order)?;
    let Some(time_part) = time_part else {
        return Ok(date.and_time(NaiveTime::MIN));
    };
    let time = parse_time(time_part).map_err(|why| format!("time in {t:?} {why}"))?;
    Ok(date.and_time(time))
}

/// `YYYY-MM-DDTHH:MM:SS` (or a space for the `T`) when it is a real day and
/// time: what exports mostly hold, read without the general path's work (a
/// large file has millions). Anything else is left to the general path, which
/// reads these the same way.
fn iso_datetime(t: &str) -> Option<NaiveDateTime> {
    let b = t.as_bytes();
    if b.len() != 19 || b[4] != b'-' || b[7] != b'-' || !matches!(b[10], b'T' | b' ') || b[13] != b':' || b[16] != b':'
    {
        return None;
    }
    let n = |from: usize, to: usize| {
        b[from..to].iter().try_fold(0u32, |acc, &c| c.is_ascii_digit().then(|| acc * 10 + u32::from(c - b'0')))
    };
    let date = NaiveDate::from_ymd_opt(i32::try_from(n(0, 4)?).ok()?, n(5, 7)?, n(8, 10)?)?;
    Some(date.and_time(NaiveTime::from_hms_opt(n(11, 13)?, n(14, 16)?, n(17, 19)?)?))
}

/// Splits `date[T or space]time[ AM]` into its parts; the date may itself hold spaces (`Mar 4, 2026`).
fn split_date_time(t: &str) -> (&str, Option<&str>) {
    if let Some(i) = t.find('T')
        && i >= 8
        && t[..i].bytes().all(|b| b.is_ascii_digit() || matches!(b, b'-' | b'/' | b'.'))
    {
        return (&t[..i], Some(&t[i + 1..]));
    }
    let tokens: Vec<(usize, &str)> =
        t.split_whitespace().map(|tok| (tok.as_ptr() as usize - t.as_ptr() as usize, tok)).collect();
    let n = tokens.len();
    let is_meridiem = |tok: &str| matches!(tok.to_ascii_lowercase().as_str(), "am" | "pm" | "a.m." | "p.m.");
    // A trailing zone (`+0100`, `UTC`) stays with the time, to be refused there by name.
    let is_zone =
        |tok: &str| tok.starts_with(['+', '-']) || matches!(tok.to_ascii_uppercase().as_str(), "Z" | "UTC" | "GMT");
    let time_index =
        if n >= 3 && (is_meridiem(tokens[n - 1].1) || is_zone(tokens[n - 1].1)) && tokens[n - 2].1.contains(':') {
            Some(n - 2)
        } else if n >= 2 && tokens[n - 1].1.contains(':') {
            Some(n - 1)
        } else {
            None
        };
    match time_index {
        Some(i) => (t[..tokens[i].0].trim_end(), Some(&t[tokens[i].0..])),
        None => (t, None),
    }
}

/// `H:MM`, `H:MM:SS`, `H:MM:SS.fff`, each optionally followed by AM/PM.
fn parse_time(text: &str) -> Result<NaiveTime, String> {
    let lower = text.trim().to_ascii_lowercase().replace(' ', "");
    if lower.ends_with('z') || lower.ends_with("utc") || lower.ends_with("gmt") || lower.contains(['+', '-']) {
        return Err("has a time zone: export local times without an offset".into());
    }
    let (clock, meridiem) = if let Some(c) = lower.strip_suffix("am").or_else(|| lower.strip_suffix("a.m.")) {
        (c, Some(false))
    } else if let Some(c) = lower.strip_suffix("pm").or_else(|| lower.strip_suffix("p.m.")) {
        (c, Some(true))
    } else {
        (lower.as_str(), None)
    };
    let bad = || format!("is not a time of day: use HH:MM or HH:MM:SS, optionally with AM/PM (found {text:?})");
    let (clock, fraction) = match clock.split_once('.') {
        Some((c, f)) if !f.is_empty() && f.len() <= 9 && f.bytes().all(|b| b.is_ascii_digit()) => (c, f),
        Some(_) => return Err(bad()),
        None => (clock, ""),
    };
    let parts: Vec<&str> = clock.split(':').collect();
    if !(2..=3).contains(&parts.len())
        || parts.iter().any(|p| p.is_empty() || p.len() > 2 || !p.bytes().all(|b| b.is_ascii_digit()))
        || parts[1..].iter().any(|p| p.len() != 2)
    {
        return Err(bad());
    }
    let mut hour = num(parts[0]);
    let minute = num(parts[1]);
    let second = parts.get(2).map_or(0, |s| num(s));
    if let Some(pm) = meridiem {
        if !(1..=12).contains(&hour) {
            return Err(bad());
        }
        hour = match (hour, pm) {
            (12, false) => 0,
            (12, true) => 12,
            (h, true) => h + 12,
            (h, false) => h,
        };
    }
    let nanos = if fraction.is_empty() { 0 } else { num_long(fraction) * 10u32.pow(9 - fraction.len() as u32) };
    NaiveTime::from_hms_nano_opt(hour, minute, second, nanos).ok_or_else(bad)
}

/// Up to nine ASCII digits, checked by the caller.
fn num_long(digits: &str) -> u32 {
    digits.bytes().fold(0, |acc, b| acc * 10 + u32::from(b - b'0'))
}

/// Parses a month: `2026-03`, `2026/03`, `03/2026`, or any date [`parse_date`] accepts
/// (the month it falls in). Returns the first day of the month.
pub fn parse_month(text: &str, order: Option<DateOrder>) -> Result<NaiveDate, String> {
    plausible(any_month(text, order))
}

/// [`parse_month`] without the range check.
fn any_month(text: &str, order: Option<DateOrder>) -> Result<NaiveDate, String> {
    let t = text.trim();
    let two = |sep: char| -> Option<(&str, &str)> {
        let (a, b) = t.split_once(sep)?;
        let digits = |s: &str| !s.is_empty() && s.bytes().all(|x| x.is_ascii_digit());
        (digits(a) && digits(b) && !b.contains(sep)).then_some((a, b))
    };
    if let Some((a, b)) = two('-').or_else(|| two('/')).or_else(|| two('.')) {
        let (y, m) = match (a.len(), b.len()) {
            (4, 1 | 2) => (num(a), num(b)),
            (1 | 2, 4) => (num(b), num(a)),
            _ => return Err(format!("month {t:?} cannot be parsed: use YYYY-MM")),
        };
        return NaiveDate::from_ymd_opt(y as i32, m, 1).ok_or_else(|| format!("month {t:?} does not exist"));
    }
    let date = parse_datetime(t, order).map_err(|e| format!("{e} (a month is YYYY-MM or a date in it)"))?.date();
    Ok(date.with_day0(0).unwrap_or(date))
}

/// Parses a money amount into minor units of `currency`, with its ISO 4217 exponent:
/// `$1,234.56`, `1 234,56 €`, `EUR 1.234,56`, `(1,234.56)` (accounting negative), `-12`, `12-`,
/// `12.5` (1250 in a two-decimal currency), `¥150,000` (150000: yen have no decimals),
/// `1,234.567` (1234567 in KWD, which has three).
///
/// The decimal separator is the last `.` or `,` when 1 or 2 digits follow it to the end;
/// otherwise that separator groups thousands (`1,234` and `1.234` are both 1234). It is
/// also the decimal separator when a different separator comes before it (`1,234.567`),
/// when it appears once after a zero or nothing (`0.125`, `.125`), or once after more than 3
/// digits (`1234.567`). More decimals than the currency has is an error rather than a
/// rounding (zeros past them are the same amount: `1500.00` yen is 1500). In a currency with
/// 3 decimals (KWD, BHD...) a lone separator followed by 3 digits (`234.500`, `1,234`) could
/// be either and is refused as ambiguous. Thousands groups (`,` `.` space, no-break space,
/// `'`) must be 3 digits. One currency mark may stand before or after the number: a symbol
/// (`$`, `€`, `£`, `¥`, `₹`...), an ISO code (`EUR`), or a local mark (`US$`, `kr`, `zł`,
/// `CHF`...). Integer arithmetic only; overflow is an error.
pub fn parse_amount_minor(text: &str, currency: Currency, allow_negative: bool) -> Result<i64, String> {
    let amount = parse_amount(text, Some(currency))?;
    check_sign(amount.minor, currency, allow_negative)?;
    Ok(amount.minor)
}

/// Refuses a negative amount where none is allowed, showing it as the user would write it.
pub(crate) fn check_sign(minor: i64, currency: Currency, allow_negative: bool) -> Result<(), String> {
    if minor < 0 && !allow_negative {
        return Err(format!("negative amount {} is not allowed here", crate::money::format_amount(minor, currency)));
    }
    Ok(())
}

/// The amount of an imported record: not negative, and not beyond
/// [`crate::money::MAX_AMOUNT_MINOR`] (a record's ceiling, so that totals cannot overflow).
pub(crate) fn check_record_amount(minor: i64, currency: Option<Currency>) -> Result<i64, String> {
    if minor < 0 {
        let shown =
            currency.map_or_else(|| crate::money::format_minor(minor), |c| crate::money::format_amount(minor, c));
        return Err(format!("negative amount {shown} is not allowed here"));
    }
    crate::money::check_magnitude(minor)?;
    Ok(minor)
}

/// An amount with the currency mark it was written with, if any.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Amount {
    pub minor: i64,
    pub mark: Option<String>,
}

const GROUPING_SPACES: [char; 4] = [' ', '\u{a0}', '\u{202f}', '\u{2009}'];

/// An amount in minor units of `currency` (hundredths when the currency is not known).
pub(crate) fn parse_amount(text: &str, currency: Option<Currency>) -> Result<Amount, String> {
    let t = text.trim();
    if t.is_empty() {
        return Err("empty amount".into());
    }
    let not_amount = || format!("{t:?} is not an amount");
    let first = t.find(|c: char| c.is_ascii_digit()).ok_or_else(not_amount)?;
    let last = t.rfind(|c: char| c.is_ascii_digit()).ok_or_else(not_amount)? + 1;
    // A leading separator belongs to the number: `.5`.
    let start = match t[..first].chars().next_back() {
        Some(c @ ('.' | ',')) => first - c.len_utf8(),
        _ => first,
    };
    let (prefix, core, suffix) = (&t[..start], &t[start..last], &t[last..]);

    // Signs, parentheses and one currency mark around the number.
    let mut negative = false;
    let mut parens = (false, false);
    let mut marks = Vec::new();
    for (side, part) in [(0, prefix), (1, suffix)] {
        let mut mark = String::new();
        for c in part.chars() {
            match c {
                '-' | '\u{2212}' if !negative => negative = true,
                '+' if side == 0 => {}
                '(' if side == 0 && !parens.0 => parens.0 = true,
                ')' if side == 1 && !parens.1 => parens.1 = true,
                c if c.is_whitespace() => {}
                c if c.is_alphabetic() || is_currency_symbol(c) || (c == '.' && !mark.is_empty()) => mark.push(c),
                _ => return Err(not_amount()),
            }
        }
        if !mark.is_empty() {
            marks.push(mark);
        }
    }
    if parens.0 != parens.1 || (parens.0 && negative) {
        return Err(not_amount());
    }
    negative |= parens.0;
    let mark = match marks.len() {
        0 => None,
        1 => {
            let mark = marks.pop().unwrap_or_default();
            if mark_currencies(&mark).is_none() {
                return Err(format!("{t:?} is not an amount: unknown currency mark {mark:?}"));
            }
            Some(mark)
        }
        _ => return Err(format!("{t:?} is not an amount: it has two currency marks")),
    };

    let exponent = currency.map_or(2, |c| c.minor_exponent());
    let (int_part, frac_part) = split_decimal(core, t, currency)?;
    let digits = ungrouped_digits(int_part).ok_or_else(not_amount)?;
    let minor = crate::money::minor_from_digits(&digits, frac_part, exponent).map_err(|e| match (e, currency) {
        (crate::money::DigitsError::TooManyDecimals(_), Some(c)) => {
            format!("{t:?} {}", crate::money::too_many_decimals(c))
        }
        (crate::money::DigitsError::TooManyDecimals(e), None) => format!("{t:?} has more than {e} decimals"),
        (crate::money::DigitsError::TooLarge, _) => format!("amount {t:?} is too large"),
        (crate::money::DigitsError::NotDigits, _) => not_amount(),
    })?;
    Ok(Amount { minor: if negative { -minor } else { minor }, mark })
}

/// Splits the digits-and-separators core into integer and fraction digits. A lone separator
/// followed by exactly 3 digits is refused as ambiguous when the currency has 3 decimals.
fn split_decimal<'a>(core: &'a str, whole: &str, currency: Option<Currency>) -> Result<(&'a str, &'a str), String> {
    let not_amount = || format!("{whole:?} is not an amount");
    if core
        .chars()
        .any(|c| !(c.is_ascii_digit() || matches!(c, '.' | ',' | '\'' | '\u{2019}') || GROUPING_SPACES.contains(&c)))
    {
        return Err(not_amount());
    }
    let Some(pos) = core.rfind(['.', ',']) else { return Ok((core, "")) };
    let sep = &core[pos..pos + 1];
    let (before, after) = (&core[..pos], &core[pos + 1..]);
    if after.is_empty() || !after.bytes().all(|b| b.is_ascii_digit()) {
        return Err(not_amount());
    }
    let other = if sep == "." { ',' } else { '.' };
    let once = !before.contains(sep);
    let decimal = if after.len() <= 2 {
        true
    } else {
        // Three or more digits after: grouping, unless the number cannot be grouped that way.
        let leading = before.trim_start_matches(['0']);
        let grouping_possible = after.len() == 3 && !leading.is_empty() && before.len() <= 3;
        if let Some(c) = currency.filter(|c| c.minor_exponent() == 3)
            && once
            && grouping_possible
            && !before.contains(other)
        {
            let thousands = format!("{before}{after}");
            let decimals = match after.trim_end_matches('0') {
                "" => before.to_string(),
                f if f.len() < 3 => format!("{before}.{f}"),
                f => format!("{before}.{f}0"),
            };
            return Err(format!(
                "{whole:?} is ambiguous in {c}, which has 3 decimals: is it {thousands} or {decimals}? Write \
                 {thousands} or {decimals} (no thousands separator before the last 3 digits)"
            ));
        }
        before.contains(other) || (once && !grouping_possible)
    };
    if !decimal {
        return Ok((core, ""));
    }
    if before.contains(sep) {
        return Err(not_amount());
    }
    Ok((before, after))
}

/// The digits of an integer with optional thousands grouping by one kind of separator;
/// `None` when the grouping is malformed.
fn ungrouped_digits(text: &str) -> Option<String> {
    let seps: Vec<char> = text.chars().filter(|c| !c.is_ascii_digit()).collect();
    let is_space = |c: &char| GROUPING_SPACES.contains(c);
    if let Some(first) = seps.first()
        && !seps.iter().all(|c| c == first || (is_space(c) && is_space(first)))
    {
        return None;
    }
    let groups: Vec<&str> = text.split(|c: char| !c.is_ascii_digit()).collect();
    if groups.len() > 1 && (groups[0].is_empty() || groups[0].len() > 3 || groups[1..].iter().any(|g| g.len() != 3)) {
        return None;
    }
    Some(groups.concat())
}

fn is_currency_symbol(c: char) -> bool {
    matches!(
        c,
        '$' | '€'
            | '£'
            | '¥'
            | '₹'
            | '₩'
            | '₽'
            | '₺'
            | '₪'
            | '₫'
            | '₱'
            | '₦'
            | '₴'
            | '₸'
            | '₡'
            | '₲'
            | '₵'
            | '¢'
            | '¤'
            | '฿'
    )
}

/// The currencies a mark may stand for; `None` for an unknown mark. A three-letter mark
/// is taken as an ISO code (any case).
pub(crate) fn mark_currencies(mark: &str) -> Option<Vec<String>> {
    const DOLLARS: &[&str] = &["USD", "CAD", "AUD", "NZD", "SGD", "HKD", "MXN", "TWD"];
    let list: &[&str] = match mark {
        "$" => DOLLARS,
        "US$" => &["USD"],
        "C$" | "CA$" => &["CAD"],
        "A$" | "AU$" => &["AUD"],
        "NZ$" => &["NZD"],
        "HK$" => &["HKD"],
        "S$" => &["SGD"],
        "MX$" => &["MXN"],
        "NT$" => &["TWD"],
        "R$" => &["BRL"],
        "€" => &["EUR"],
        "£" => &["GBP"],
        "¥" => &["JPY", "CNY"],
        "₹" => &["INR"],
        "₩" => &["KRW"],
        "₽" => &["RUB"],
        "₺" => &["TRY"],
        "₪" => &["ILS"],
        "₫" => &["VND"],
        "₱" => &["PHP"],
        "₦" => &["NGN"],
        "₴" => &["UAH"],
        "₸" => &["KZT"],
        "฿" => &["THB"],
        "zł" => &["PLN"],
        "Kč" => &["CZK"],
        "Ft" => &["HUF"],
        "kr" | "kr." => &["SEK", "NOK", "DKK", "ISK"],
        "Fr" | "Fr." => &["CHF"],
        "lei" => &["RON"],
        "R" => &["ZAR"],
        code if code.len() == 3 && code.bytes().all(|b| b.is_ascii_alphabetic()) => {
            return Some(vec![code.to_ascii_uppercase()]);
        }
        _ => return None,
    };
    Some(list.iter().map(|c| c.to_string()).collect())
}

/// Turns an account identifier into Pacer's numeric account id.
///
/// Decimal digits below 2^62 are the id itself (leading zeros ignored). Anything else,
/// such as a Salesforce id `0015g00000AbCdEAAV`, gets a stable id derived from its exact
/// text (64-bit FNV-1a, placed in `[2^62, 2^63)`), so that the same account gets the same
/// id in every import and derived ids never meet numeric ones; two distinct texts share an
/// id with odds around n²/2^63. A list (`1;2`, as HubSpot writes several associations) is
/// refused: a record has one account.
pub fn parse_account_id(text: &str) -> Result<i64, String> {
    let t = text.trim();
    if t.is_empty() {
        return Err("empty account id".into());
    }
    if t.contains(';') {
        return Err(format!("{t:?} names several accounts: a record needs exactly one"));
    }
    if t.starts_with('-') && t[1..].bytes().all(|b| b.is_ascii_digit()) {
        return Err(format!("account id {t:?} is negative"));
    }
    const DERIVED: i64 = 1 << 62;
    if t.bytes().all(|b| b.is_ascii_digit())
        && let Ok(id) = t.parse::<i64>()
        && id < DERIVED
    {
        return Ok(id);
    }
    Ok(DERIVED | (stable_hash(t) & (DERIVED as u64 - 1)) as i64)
}

/// FNV-1a of `text`: the same on every machine and release, unlike std's hasher, since what it
/// derives (account ids, natural keys) is stored and compared across imports.
pub(crate) fn stable_hash(text: &str) -> u64 {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for b in text.bytes() {
        hash ^= u64::from(b);
        hash = hash.wrapping_mul(0x0100_0000_01b3);
    }
    hash
}

/// Parses a duration given in seconds: a whole number (`95`) or a clock (`1:02:03`, `1:35` = 1 min 35 s).
pub fn parse_duration_seconds(text: &str) -> Result<i64, String> {
    let t = text.trim();
    if let Some(s) = clock_seconds(t) {
        return s;
    }
    let value: i64 = t.parse().map_err(|_| format!("duration {t:?} is not a whole number of seconds"))?;
    if value < 0 { Err(format!("duration {t:?} is negative")) } else { Ok(value) }
}

/// Parses a duration given in minutes into seconds: `12`, `2.5` (150 s, rounded to the
/// second), `2,5`, or a clock (`0:02:30`, `2:30` = 2 min 30 s).
pub fn parse_duration_minutes(text: &str) -> Result<i64, String> {
    let t = text.trim();
    if let Some(s) = clock_seconds(t) {
        return s;
    }
    let bad = || format!("duration {t:?} is not a number of minutes");
    if t.starts_with('-') {
        return Err(format!("duration {t:?} is negative"));
    }
    let (whole, frac) = t.split_once(['.', ',']).unwrap_or((t, ""));
    let digits = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
    if (whole.is_empty() && frac.is_empty()) || !digits(whole) || !digits(frac) || frac.len() > 6 {
        return Err(bad());
    }
    let whole: i64 = if whole.is_empty() { 0 } else { whole.parse().map_err(|_| bad())? };
    let scale = 10i64.pow(frac.len() as u32);
    let frac: i64 = if frac.is_empty() { 0 } else { frac.parse().map_err(|_| bad())? };
    // Round half up to the second, in integers.
    let frac_seconds = (frac * 60 * 2 + scale) / (2 * scale);
    whole.checked_mul(60).and_then(|s| s.checked_add(frac_seconds)).ok_or_else(bad)
}

/// `H:MM:SS` or `M:SS` as seconds; `None` when the text is not a clock at all.
fn clock_seconds(t: &str) -> Option<Result<i64, String>> {
    if !t.contains(':') {
        return None;
    }
    let parts: Vec<&str> = t.split(':').collect();
    let ok = (2..=3).contains(&parts.len())
        && parts.iter().all(|p| !p.is_empty() && p.len() <= 6 && p.bytes().all(|b| b.is_ascii_digit()))
        && parts[1..].iter().all(|p| p.len() == 2 && num(p) < 60);
    if !ok {
        return Some(Err(format!("duration {t:?} is not a clock: use H:MM:SS or M:SS")));
    }
    Some(Ok(parts.iter().fold(0i64, |acc, p| acc * 60 + i64::from(num_long(p)))))
}

/// Parses a whole number, optionally signed, without grouping.
pub(crate) fn parse_integer(text: &str) -> Result<i64, String> {
    let t = text.trim();
    let digits = t.strip_prefix(['-', '+']).unwrap_or(t);
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return Err(format!("{t:?} is not a whole number"));
    }
    t.parse().map_err(|_| format!("{t:?} is too large"))
}

/// Parses a decimal number for a custom field: `3.5`, `-2`, or `3,5` when `,` is the only separator.
pub(crate) fn parse_decimal(text: &str) -> Result<f64, String> {
    let t = text.trim();
    let normalised = if t.contains('.') { t.to_string() } else { t.replacen(',', ".", 1) };
    let ok = !normalised.is_empty()
        && normalised.bytes().all(|b| b.is_ascii_digit() || matches!(b, b'.' | b'-' | b'+'))
        && normalised.bytes().any(|b| b.is_ascii_digit());
    match normalised.parse::<f64>() {
        Ok(v) if ok && v.is_finite() => Ok(v),
        _ => Err(format!("{t:?} is not a decimal number")),
    }
}

/// Parses yes/no: `true`/`false`, `yes`/`no`, `1`/`0`, any case.
pub(crate) fn parse_bool(text: &str) -> Result<bool, String> {
    match text.trim().to_ascii_lowercase().as_str() {
        "true" | "yes" | "1" => Ok(true),
        "false" | "no" | "0" => Ok(false),
        _ => Err(format!("{:?} is not true/false, yes/no or 1/0", text.trim())),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::{datetime, day};

    pub(super) fn eur() -> Currency {
        Currency::parse("EUR").unwrap()
    }

    #[test]
    fn the_iso_shortcut_reads_as_the_general_path() {
        for t in ["2026-03-04T10:30:00", "2026-03-04 23:59:59", "2024-02-29T00:00:00", "0999-01-01T00:00:00"] {
            assert_eq!(iso_datetime(t).map(Ok), Some(any_datetime(t, Some(DateOrder::DayFirst))), "{t}");
        }
        // Not real, or not exactly the form: left to the general path (and its messages).
        for t in [
            "2026-02-30T10:00:00",
            "2026-03-04T24:00:00",
            "2026-03-04T10:60:00",
            "2026-03-04T10:00:60",
            "2026-3-04T10:00:00",
            "2026-03-04T10:00",
            "+026-03-04T10:00:00",
            "2026-03-04X10:00:00",
        ] {
            assert_eq!(iso_datetime(t), None, "{t}");
        }
    }

    #[test]
    fn dates_in_every_form() {
        use DateOrder::*;
        let cases: &[(&str, Option<DateOrder>, &str)] = &[
            ("2026-03-04", None, "2026-03-04"),
            ("2026-03-04", Some(MonthFirst), "2026-03-04"),
            ("2026-03-04", Some(DayFirst), "2026-03-04"),
            ("2026-03-04", Some(Iso), "2026-03-04"),
            ("2026/3/4", None, "2026-03-04"),
            (" 2026.03.04 ", None, "2026-03-04"),
            ("03/04/2026", Some(MonthFirst), "2026-03-04"),
            ("03/04/2026", Some(DayFirst), "2026-04-03"),
            ("3/4/26", Some(MonthFirst), "2026-03-04"),
            ("3/4/26", Some(DayFirst), "2026-04-03"),
            ("04.03.2026", Some(DayFirst), "2026-03-04"),
            ("4-3-2026", Some(DayFirst), "2026-03-04"),
            ("13/04/2026", None, "2026-04-13"),
            ("04/13/2026", None, "2026-04-13"),
            ("31.12.99", None, "1999-12-31"),
            ("1/31/68", None, "2068-01-31"),
            ("1/31/69", None, "1969-01-31"),
            ("1/31/00", None, "2000-01-31"),
            ("04/04/2026", None, "2026-04-04"),
            ("4 Mar 2026", None, "2026-03-04"),
            ("04-Mar-2026", None, "2026-03-04"),
            ("Mar 4, 2026", None, "2026-03-04"),
            ("March 4, 2026", None, "2026-03-04"),
            ("4 march 2026", None, "2026-03-04"),
        ];
        for (text, order, want) in cases {
            assert_eq!(parse_date(text, *order), Ok(day(want)), "{text} {order:?}");
        }
    }

    #[test]
    fn date_errors() {
        use DateOrder::*;
        let cases: &[(&str, Option<DateOrder>, &str)] = &[
            ("03/04/2026", None, "ambiguous date \"03/04/2026\": say --date-order month-first or day-first"),
            ("3/4/26", None, "ambiguous date \"3/4/26\": say --date-order month-first or day-first"),
            ("13/04/2026", Some(MonthFirst), "date \"13/04/2026\" does not exist (read as month-first)"),
            (
                "03/04/2026",
                Some(Iso),
                "date \"03/04/2026\" is not year-month-day (YYYY-MM-DD) as the date order iso says",
            ),
            ("2026-02-30", None, "date \"2026-02-30\" does not exist"),
            ("13/13/2026", None, "date \"13/13/2026\" does not exist"),
            ("03/04-2026", None, "date \"03/04-2026\" cannot be parsed: use YYYY-MM-DD, MM/DD/YYYY or DD.MM.YYYY"),
            ("yesterday", None, "date \"yesterday\" cannot be parsed: use YYYY-MM-DD, MM/DD/YYYY or DD.MM.YYYY"),
            ("3/4/202", Some(DayFirst), "date \"3/4/202\" cannot be parsed: use YYYY-MM-DD, MM/DD/YYYY or DD.MM.YYYY"),
            ("", None, "empty date"),
        ];
        for (text, order, want) in cases {
            assert_eq!(parse_date(text, *order).unwrap_err(), *want, "{text} {order:?}");
        }
    }

    #[test]
    fn datetimes() {
        use DateOrder::MonthFirst;
        let cases: &[(&str, Option<DateOrder>, &str)] = &[
            ("2026-03-04T10:30:00", None, "2026-03-04 10:30:00"),
            ("2026-03-04T10:30:00.250", None, "2026-03-04 10:30:00.250"),
            ("2026-03-04 10:30", None, "2026-03-04 10:30:00"),
            ("2026-03-04", None, "2026-03-04 00:00:00"),
            ("03/04/2026 10:30 AM", Some(MonthFirst), "2026-03-04 10:30:00"),
            ("03/04/2026 12:05 AM", Some(MonthFirst), "2026-03-04 00:05:00"),
            ("03/04/2026 12:05 PM", Some(MonthFirst), "2026-03-04 12:05:00"),
            ("3/4/2026 4:05:09pm", Some(MonthFirst), "2026-03-04 16:05:09"),
            ("13.04.2026 08:15", None, "2026-04-13 08:15:00"),
            ("Mar 4, 2026 9:00 p.m.", None, "2026-03-04 21:00:00"),
        ];
        for (text, order, want) in cases {
            assert_eq!(parse_datetime(text, *order), Ok(datetime(want)), "{text}");
        }
        assert_eq!(
            parse_datetime("2026-03-04T10:30:00Z", None).unwrap_err(),
            "time in \"2026-03-04T10:30:00Z\" has a time zone: export local times without an offset"
        );
        assert_eq!(
            parse_datetime("2026-03-04 25:00", None).unwrap_err(),
            "time in \"2026-03-04 25:00\" is not a time of day: use HH:MM or HH:MM:SS, optionally with AM/PM (found \"25:00\")"
        );
        assert!(parse_datetime("2026-03-04 13:00 PM", None).is_err());
        for zoned in ["2026-03-04 10:30:00 +0100", "2026-03-04 10:30 UTC", "2026-03-04T10:30:00-05:00"] {
            assert!(
                parse_datetime(zoned, None)
                    .unwrap_err()
                    .ends_with("has a time zone: export local times without an offset")
            );
        }
        assert_eq!(
            parse_datetime("03/04/2026 10:30 AM", None).unwrap_err(),
            "ambiguous date \"03/04/2026\": say --date-order month-first or day-first"
        );
    }

    #[test]
    fn months() {
        assert_eq!(parse_month("2026-03", None), Ok(day("2026-03-01")));
        assert_eq!(parse_month("2026/3", None), Ok(day("2026-03-01")));
        assert_eq!(parse_month("03/2026", None), Ok(day("2026-03-01")));
        assert_eq!(parse_month("2026-03-17", None), Ok(day("2026-03-01")));
        assert_eq!(parse_month("17.03.2026", None), Ok(day("2026-03-01")));
        assert_eq!(parse_month("2026-13", None).unwrap_err(), "month \"2026-13\" does not exist");
        assert!(parse_month("March", None).is_err());
    }

    #[test]
    fn amounts_in_every_form() {
        let cases: &[(&str, i64)] = &[
            ("$1,234.56", 123456),
            ("1 234,56 €", 123456),
            ("1\u{a0}234,56\u{a0}€", 123456),
            ("EUR 1.234,56", 123456),
            ("eur 1.234,56", 123456),
            ("(1,234.56)", -123456),
            ("($1,234.56)", -123456),
            ("-12", -1200),
            ("-$12", -1200),
            ("$-12", -1200),
            ("12-", -1200),
            ("\u{2212}12", -1200),
            ("12.5", 1250),
            ("12,5", 1250),
            (".5", 50),
            ("1,234", 123400),
            ("1.234", 123400),
            ("12.345", 1234500),
            ("1.234.567", 123456700),
            ("1'234'567.89", 123456789),
            ("US$ 12,000.00", 1200000),
            ("12 000 kr", 1200000),
            ("CHF 1'000.50", 100050),
            ("+7", 700),
            ("0", 0),
            ("-0", 0),
            ("92233720368547758.07", i64::MAX),
        ];
        for (text, want) in cases {
            assert_eq!(parse_amount_minor(text, eur(), true), Ok(*want), "{text}");
        }
        assert_eq!(parse_amount("€12", Some(eur())).unwrap().mark.as_deref(), Some("€"));
    }

    #[test]
    fn amount_errors() {
        // A negative amount where the column allows none.
        assert_eq!(parse_amount_minor("-12", eur(), false).unwrap_err(), "negative amount -12.00 is not allowed here");
        assert_eq!(
            parse_amount_minor("(1,234.56)", eur(), false).unwrap_err(),
            "negative amount -1,234.56 is not allowed here"
        );
        // Text that is no amount, even where negatives are allowed.
        let cases: &[(&str, &str)] = &[
            ("1234.567", "\"1234.567\" has more than 2 decimals, the most EUR has"),
            ("0.125", "\"0.125\" has more than 2 decimals, the most EUR has"),
            ("12.3456", "\"12.3456\" has more than 2 decimals, the most EUR has"),
            ("1,234.567", "\"1,234.567\" has more than 2 decimals, the most EUR has"),
            ("1.234.56", "\"1.234.56\" is not an amount"),
            ("1,23,456", "\"1,23,456\" is not an amount"),
            ("12.", "\"12.\" is not an amount"),
            ("abc", "\"abc\" is not an amount"),
            ("12 apples", "\"12 apples\" is not an amount: unknown currency mark \"apples\""),
            ("$12 EUR", "\"$12 EUR\" is not an amount: it has two currency marks"),
            ("(12", "\"(12\" is not an amount"),
            ("-(12)", "\"-(12)\" is not an amount"),
            ("1 2", "\"1 2\" is not an amount"),
            ("92233720368547758.08", "amount \"92233720368547758.08\" is too large"),
            ("99999999999999999999", "amount \"99999999999999999999\" is too large"),
            ("", "empty amount"),
        ];
        for (text, want) in cases {
            assert_eq!(parse_amount_minor(text, eur(), true).unwrap_err(), *want, "{text}");
        }
    }

    #[test]
    fn amounts_with_their_currencys_decimals() {
        let cur = |code: &str| Currency::parse(code).unwrap();
        let cases: &[(&str, &str, i64)] = &[
            // Yen have no decimals: grouping reads as today, zeros after the point are whole yen.
            ("1500", "JPY", 1500),
            ("¥150,000", "JPY", 150_000),
            ("150.000", "JPY", 150_000),
            ("150 000", "JPY", 150_000),
            ("1500.00", "JPY", 1500),
            ("1.500,0", "JPY", 1500),
            // Dinars have three: the separator before 3 digits is decimal wherever it cannot group.
            ("1234.567", "KWD", 1_234_567),
            ("1234,567", "KWD", 1_234_567),
            ("1,234.567", "KWD", 1_234_567),
            ("1.234,567", "KWD", 1_234_567),
            ("1 234,567 KWD", "KWD", 1_234_567),
            ("0.125", "KWD", 125),
            (".5", "KWD", 500),
            ("12.5", "KWD", 12_500),
            ("12,25", "KWD", 12_250),
            ("1,234,567", "KWD", 1_234_567_000),
            ("1.2340", "KWD", 1_234),
            ("BHD 7", "BHD", 7_000),
            // Two decimals as ever.
            ("1.234,56", "EUR", 123_456),
            ("1,234", "EUR", 123_400),
            ("12.340", "EUR", 1_234_000),
            ("1234.560", "EUR", 123_456),
        ];
        for (text, code, want) in cases {
            assert_eq!(parse_amount_minor(text, cur(code), true), Ok(*want), "{text} {code}");
        }
        let refused: &[(&str, &str, &str)] = &[
            ("1500.5", "JPY", "\"1500.5\" has decimals, but JPY has none: amounts in JPY are whole"),
            ("¥1.50", "JPY", "\"¥1.50\" has decimals, but JPY has none: amounts in JPY are whole"),
            ("1,500.50", "JPY", "\"1,500.50\" has decimals, but JPY has none: amounts in JPY are whole"),
            ("1234.5678", "KWD", "\"1234.5678\" has more than 3 decimals, the most KWD has"),
            (
                "234.500",
                "KWD",
                "\"234.500\" is ambiguous in KWD, which has 3 decimals: is it 234500 or 234.5? Write 234500 or \
                 234.5 (no thousands separator before the last 3 digits)",
            ),
            ("1,234", "KWD", "\"1,234\" is ambiguous in KWD, which has 3 decimals: is it 1234 or 1.2340?"),
            ("1234.567", "EUR", "\"1234.567\" has more than 2 decimals, the most EUR has"),
            ("-1.5", "JPY", "\"-1.5\" has decimals, but JPY has none"),
        ];
        for (text, code, want) in refused {
            let got = parse_amount_minor(text, cur(code), true).unwrap_err();
            assert!(got.starts_with(want), "{text} {code}: {got}");
        }
        assert_eq!(
            parse_amount_minor("-1.500", cur("KWD"), false).unwrap_err(),
            "\"-1.500\" is ambiguous in KWD, which has 3 decimals: is it 1500 or 1.5? Write 1500 or 1.5 (no \
             thousands separator before the last 3 digits)"
        );
        assert_eq!(
            parse_amount_minor("-1.5", cur("KWD"), false).unwrap_err(),
            "negative amount -1.500 is not allowed here"
        );
        assert_eq!(
            parse_amount_minor("-1500", cur("JPY"), false).unwrap_err(),
            "negative amount -1,500 is not allowed here"
        );
    }

    #[test]
    fn account_ids() {
        assert_eq!(parse_account_id("00123"), Ok(123));
        let sf = parse_account_id("0015g00000AbCdEAAV").unwrap();
        assert!(sf >= 1 << 62);
        assert_eq!(parse_account_id(" 0015g00000AbCdEAAV "), Ok(sf));
        assert_ne!(parse_account_id("0015g00000AbCdeAAV"), Ok(sf), "Salesforce ids are case-sensitive");
        assert!(parse_account_id("9223372036854775807").unwrap() >= 1 << 62);
        assert_eq!(parse_account_id("1;2").unwrap_err(), "\"1;2\" names several accounts: a record needs exactly one");
        assert_eq!(parse_account_id("-4").unwrap_err(), "account id \"-4\" is negative");
    }

    #[test]
    fn durations() {
        assert_eq!(parse_duration_seconds("95"), Ok(95));
        assert_eq!(parse_duration_seconds("1:02:03"), Ok(3723));
        assert_eq!(parse_duration_seconds("1:35"), Ok(95));
        assert_eq!(parse_duration_minutes("12"), Ok(720));
        assert_eq!(parse_duration_minutes("2.5"), Ok(150));
        assert_eq!(parse_duration_minutes("2,5"), Ok(150));
        assert_eq!(parse_duration_minutes("0.0083"), Ok(0));
        assert_eq!(parse_duration_minutes("0.0084"), Ok(1));
        assert_eq!(parse_duration_minutes("0:02:30"), Ok(150));
        assert_eq!(parse_duration_seconds("-5").unwrap_err(), "duration \"-5\" is negative");
        assert_eq!(parse_duration_minutes("-5").unwrap_err(), "duration \"-5\" is negative");
        assert_eq!(parse_duration_minutes("ten").unwrap_err(), "duration \"ten\" is not a number of minutes");
        assert_eq!(
            parse_duration_seconds("1:75").unwrap_err(),
            "duration \"1:75\" is not a clock: use H:MM:SS or M:SS"
        );
    }

    #[test]
    fn field_values() {
        assert_eq!(parse_integer(" -42 "), Ok(-42));
        assert!(parse_integer("4.2").is_err());
        assert_eq!(parse_decimal("3,5"), Ok(3.5));
        assert_eq!(parse_decimal("-2"), Ok(-2.0));
        assert!(parse_decimal("NaN").is_err());
        assert!(parse_decimal("1e5").is_err());
        assert_eq!(parse_bool("Yes"), Ok(true));
        assert_eq!(parse_bool("0"), Ok(false));
        assert_eq!(parse_bool("maybe").unwrap_err(), "\"maybe\" is not true/false, yes/no or 1/0");
    }

    #[test]
    fn date_orders_parse() {
        assert_eq!("month-first".parse(), Ok(DateOrder::MonthFirst));
        assert_eq!("DAY_FIRST".parse(), Ok(DateOrder::DayFirst));
        assert!("sideways".parse::<DateOrder>().is_err());
    }

    mod props {
        use super::super::*;
        use super::eur;
        use proptest::prelude::*;

        fn group(n: u64, sep: &str) -> String {
            let digits = n.to_string();
            let mut out = String::new();
            for (i, c) in digits.chars().enumerate() {
                if i > 0 && (digits.len() - i).is_multiple_of(3) {
                    out.push_str(sep);
                }
                out.push(c);
            }
            out
        }

        proptest! {
            #[test]
            fn grouped_integers_round_trip(
                n in 0u64..90_000_000_000_000_000,
                style in 0usize..5,
                cents in proptest::option::of(0u64..100),
                negative in any::<bool>(),
                mark in prop::sample::select(vec!["", "$", "€ ", " EUR", "USD "]),
            ) {
                let (sep, dec) = [(",", "."), (".", ","), (" ", ","), ("\u{a0}", ","), ("'", ".")][style];
                let mut text = group(n, sep);
                if let Some(c) = cents {
                    text = format!("{text}{dec}{c:02}");
                }
                let text = match (mark, negative) {
                    (m, false) if m.ends_with(' ') || m.len() == 1 => format!("{m}{text}"),
                    (m, false) => format!("{text}{m}"),
                    (m, true) => format!("({m}{text})"),
                };
                let want = (n * 100 + cents.unwrap_or(0)) as i64;
                let want = if negative { -want } else { want };
                prop_assert_eq!(parse_amount_minor(&text, eur(), true), Ok(want), "{}", text);
            }
        }
    }
}
