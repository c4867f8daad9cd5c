//! Money as integer minor units with a currency: never a float.

pub mod fx;

use serde::{Deserialize, Serialize};
use std::fmt;

/// An ISO 4217 currency code, three upper-case ASCII letters, one of [`ISO_4217`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Currency([u8; 3]);

/// A currency code that is not one of ISO 4217's.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("currency {0:?} is not valid: use a three-letter ISO 4217 code such as USD or EUR")]
pub struct InvalidCurrency(pub String);

/// The ISO 4217 currencies in circulation with their minor-unit exponent (digits after the
/// decimal point: JPY 0, EUR 2, KWD 3), sorted by code. Funds and metals are left out: no
/// deal is priced in them.
#[rustfmt::skip]
pub const ISO_4217: &[(&str, u8)] = &[
    ("AED", 2), ("AFN", 2), ("ALL", 2), ("AMD", 2), ("ANG", 2), ("AOA", 2), ("ARS", 2), ("AUD", 2),
    ("AWG", 2), ("AZN", 2), ("BAM", 2), ("BBD", 2), ("BDT", 2), ("BGN", 2), ("BHD", 3), ("BIF", 0),
    ("BMD", 2), ("BND", 2), ("BOB", 2), ("BRL", 2), ("BSD", 2), ("BTN", 2), ("BWP", 2), ("BYN", 2),
    ("BZD", 2), ("CAD", 2), ("CDF", 2), ("CHF", 2), ("CLP", 0), ("CNY", 2), ("COP", 2), ("CRC", 2),
    ("CUP", 2), ("CVE", 2), ("CZK", 2), ("DJF", 0), ("DKK", 2), ("DOP", 2), ("DZD", 2), ("EGP", 2),
    ("ERN", 2), ("ETB", 2), ("EUR", 2), ("FJD", 2), ("FKP", 2), ("GBP", 2), ("GEL", 2), ("GHS", 2),
    ("GIP", 2), ("GMD", 2), ("GNF", 0), ("GTQ", 2), ("GYD", 2), ("HKD", 2), ("HNL", 2), ("HTG", 2),
    ("HUF", 2), ("IDR", 2), ("ILS", 2), ("INR", 2), ("IQD", 3), ("IRR", 2), ("ISK", 0), ("JMD", 2),
    ("JOD", 3), ("JPY", 0), ("KES", 2), ("KGS", 2), ("KHR", 2), ("KMF", 0), ("KPW", 2), ("KRW", 0),
    ("KWD", 3), ("KYD", 2), ("KZT", 2), ("LAK", 2), ("LBP", 2), ("LKR", 2), ("LRD", 2), ("LSL", 2),
    ("LYD", 3), ("MAD", 2), ("MDL", 2), ("MGA", 2), ("MKD", 2), ("MMK", 2), ("MNT", 2), ("MOP", 2),
    ("MRU", 2), ("MUR", 2), ("MVR", 2), ("MWK", 2), ("MXN", 2), ("MYR", 2), ("MZN", 2), ("NAD", 2),
    ("NGN", 2), ("NIO", 2), ("NOK", 2), ("NPR", 2), ("NZD", 2), ("OMR", 3), ("PAB", 2), ("PEN", 2),
    ("PGK", 2), ("PHP", 2), ("PKR", 2), ("PLN", 2), ("PYG", 0), ("QAR", 2), ("RON", 2), ("RSD", 2),
    ("RUB", 2), ("RWF", 0), ("SAR", 2), ("SBD", 2), ("SCR", 2), ("SDG", 2), ("SEK", 2), ("SGD", 2),
    ("SHP", 2), ("SLE", 2), ("SOS", 2), ("SRD", 2), ("SSP", 2), ("STN", 2), ("SVC", 2), ("SYP", 2),
    ("SZL", 2), ("THB", 2), ("TJS", 2), ("TMT", 2), ("TND", 3), ("TOP", 2), ("TRY", 2), ("TTD", 2),
    ("TWD", 2), ("TZS", 2), ("UAH", 2), ("UGX", 0), ("USD", 2), ("UYU", 2), ("UZS", 2), ("VES", 2),
    ("VND", 0), ("VUV", 0), ("WST", 2), ("XAF", 0), ("XCD", 2), ("XOF", 0), ("XPF", 0), ("YER", 2),
    ("ZAR", 2), ("ZMW", 2), ("ZWG", 2),
];

impl Currency {
    /// Parses a code such as `"usd"` or `"EUR"`; a code ISO 4217 does not list is refused.
    pub fn parse(code: &str) -> Result<Self, InvalidCurrency> {
        let upper = code.trim().to_ascii_uppercase();
        match upper.as_bytes() {
            [a, b, c] if ISO_4217.binary_search_by(|(k, _)| k.cmp(&upper.as_str())).is_ok() => Ok(Self([*a, *b, *c])),
            _ => Err(InvalidCurrency(code.to_string())),
        }
    }

    /// Digits of its minor unit: 0 for JPY (amounts are whole yen), 2 for EUR (cents), 3 for KWD.
    pub fn minor_exponent(&self) -> u32 {
        ISO_4217.binary_search_by(|(k, _)| k.cmp(&self.as_str())).map_or(2, |i| u32::from(ISO_4217[i].1))
    }

    /// Minor units in one major unit: 1 for JPY, 100 for EUR, 1,000 for KWD. For what draws
    /// amounts to scale (a chart's axis); amounts shown as text are [`format_amount`].
    pub fn minor_per_major(&self) -> i64 {
        10i64.pow(self.minor_exponent())
    }

    /// The sign people know the currency by, for the few whose sign is unambiguous ($ is the US
    /// dollar's alone here); `None` for the others, which are written with their code.
    pub fn symbol(&self) -> Option<&'static str> {
        match self.as_str() {
            "USD" => Some("$"),
            "EUR" => Some("€"),
            "GBP" => Some("£"),
            "JPY" => Some("¥"),
            "INR" => Some("₹"),
            "KRW" => Some("₩"),
            _ => None,
        }
    }

    /// The code as text.
    pub fn as_str(&self) -> &str {
        // The bytes are checked ASCII letters at construction.
        std::str::from_utf8(&self.0).unwrap_or("XXX")
    }
}

impl std::str::FromStr for Currency {
    type Err = InvalidCurrency;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::parse(s)
    }
}

impl TryFrom<String> for Currency {
    type Error = InvalidCurrency;
    fn try_from(s: String) -> Result<Self, Self::Error> {
        Self::parse(&s)
    }
}

impl From<Currency> for String {
    fn from(c: Currency) -> String {
        c.as_str().to_string()
    }
}

impl fmt::Display for Currency {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// An amount in minor units (cents) of a currency.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Money {
    /// Minor units: 12345 is 123.45 in a two-decimal currency.
    pub minor: i64,
    /// The currency of the amount.
    pub currency: Currency,
}

impl Money {
    /// An amount of `minor` units of `currency`.
    pub fn new(minor: i64, currency: Currency) -> Self {
        Self { minor, currency }
    }
}

impl fmt::Display for Money {
    /// Formats as `USD 1,234.56` (`JPY 150,000`), grouping thousands, for display only.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}", self.currency, format_amount(self.minor, self.currency))
    }
}

/// The largest amount Pacer takes for one record or one target, in minor units (or units of
/// a count): 10^13, i.e. 100,000,000,000.00. Every total Pacer adds up (a batch of 10,000
/// records, a rep's day, a plan's months, the company's recurring revenue) then stays far
/// inside 64 bits; a larger amount is a mistake (the wrong units) and is refused with the
/// record, not found later as an overflow.
pub const MAX_AMOUNT_MINOR: i64 = 10_000_000_000_000;

/// Refuses an amount larger than [`MAX_AMOUNT_MINOR`] (either sign), showing both as the user
/// would write them.
pub fn check_magnitude(minor: i64) -> Result<(), String> {
    if minor.unsigned_abs() > MAX_AMOUNT_MINOR as u64 {
        return Err(format!(
            "amount {} is larger than Pacer takes: at most {} (check the units: minor units are cents)",
            format_minor(minor),
            format_minor(MAX_AMOUNT_MINOR)
        ));
    }
    Ok(())
}

/// Formats `minor` units of `currency` for people, grouped by thousands with the currency's ISO
/// 4217 exponent: 123456 is `1,234.56` in EUR, `123,456` in JPY, `123.456` in KWD; a negative
/// amount starts with `-`. The one place money is written as a decimal for display (with
/// [`plain_amount`] for files).
pub fn format_amount(minor: i64, currency: Currency) -> String {
    decimal(minor, currency.minor_exponent(), true)
}

/// Formats `minor` units of `currency` for files (CSV cells, workbook text), a plain decimal with
/// the currency's exponent and no grouping: 123456 is `1234.56` in EUR, `123456` in JPY.
pub fn plain_amount(minor: i64, currency: Currency) -> String {
    decimal(minor, currency.minor_exponent(), false)
}

/// Formats minor units of no particular currency as a grouped decimal with two places: `-123456`
/// is `-1,234.56`. Only for what is the same in every currency: the limits on amounts
/// ([`check_magnitude`]), said in the units people type. An amount of a known currency is
/// [`format_amount`].
pub fn format_minor(minor: i64) -> String {
    decimal(minor, 2, true)
}

/// Formats a count for people, thousands grouped with commas: 1234567 is `1,234,567`.
pub fn format_count(n: i64) -> String {
    decimal(n, 0, true)
}

/// Formats a share (1.0 is all of it) for people as a whole percentage, grouped like a count:
/// 0.874 is `87%`, 132.97 is `13,297%`; NaN and infinities, which are no figure, are `—`.
pub fn format_share(share: f64) -> String {
    if !share.is_finite() {
        return "—".into();
    }
    format!("{}%", format_count((share * 100.0).round() as i64))
}

/// A number in short form for tight places (a chart's axis and bar labels), at most three
/// significant digits with k, M, B or T for thousands, millions, billions and trillions:
/// `950`, `12.3k`, `250k`, `1.25M`, `-3.5B`, `0.25`. The exact figure is [`format_amount`] or
/// [`format_count`]; NaN and infinities, which are no figure, are `—`.
pub fn compact(x: f64) -> String {
    if !x.is_finite() {
        return "—".into();
    }
    let rounded = significant(x, 3);
    let (scaled, suffix) = [(1e12, "T"), (1e9, "B"), (1e6, "M"), (1e3, "k")]
        .into_iter()
        .find(|(unit, _)| rounded.abs() >= *unit)
        .map_or((rounded, ""), |(unit, suffix)| (rounded / unit, suffix));
    // Three significant digits: as many decimals as the integer part leaves, none past them.
    let digits = if scaled.abs() >= 1.0 { scaled.abs().log10().floor() as i32 + 1 } else { 0 };
    let lead = if scaled.abs() >= 1.0 || scaled == 0.0 { 0 } else { -(scaled.abs().log10().floor() as i32) - 1 };
    let places = (3 - digits + lead).clamp(0, 12) as usize;
    let mut text = format!("{scaled:.places$}");
    if text.contains('.') {
        text = text.trim_end_matches('0').trim_end_matches('.').to_string();
    }
    if text == "-0" {
        text = "0".into();
    }
    text + suffix
}

/// `minor` units of `currency` in short form ([`compact`] of the major units) with the
/// currency's sign or code: `$1.2M`, `€250k`, `-£3.5k`, `CHF 12.3k`, `¥950`. For a chart's
/// axis and labels; the exact amount is [`format_amount`].
pub fn compact_amount(minor: i64, currency: Currency) -> String {
    let major = minor as f64 / currency.minor_per_major() as f64;
    let digits = compact(major.abs());
    let sign = if major < 0.0 && digits != "0" { "-" } else { "" };
    match currency.symbol() {
        Some(symbol) => format!("{sign}{symbol}{digits}"),
        None => format!("{sign}{currency} {digits}"),
    }
}

/// `x` rounded to `digits` significant digits.
fn significant(x: f64, digits: i32) -> f64 {
    if x == 0.0 {
        return 0.0;
    }
    let scale = 10f64.powi(digits - 1 - x.abs().log10().floor() as i32);
    if scale.is_finite() && (x * scale).is_finite() { (x * scale).round() / scale } else { x }
}

/// Why decimal digits are not a number of minor units.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum DigitsError {
    /// A digit other than 0 after the exponent's places (`1500.5` yen, `12.345` euros): never rounded.
    #[error("more decimals than {0}")]
    TooManyDecimals(u32),
    /// More minor units than 64 bits hold.
    #[error("too large")]
    TooLarge,
    /// Something other than an ASCII digit.
    #[error("not digits")]
    NotDigits,
}

/// The whole and the decimal digits of an amount (ASCII digits, either may be empty) as minor
/// units with `exponent` places, the inverse of [`plain_amount`]: `("1234", "5", 2)` is 123450,
/// `("1500", "", 0)` is 1500 (yen), `("1234", "567", 3)` is 1234567 (dinars). Zeros after the
/// exponent's places are the same amount (`1500.0` yen is 1500); any other digit there is
/// refused, not rounded. The one reading of decimal digits as money, for imports and workbooks.
pub fn minor_from_digits(whole: &str, fraction: &str, exponent: u32) -> Result<i64, DigitsError> {
    let places = exponent as usize;
    let (kept, past) = fraction.split_at(fraction.len().min(places));
    if past.bytes().any(|b| b != b'0') {
        return Err(DigitsError::TooManyDecimals(exponent));
    }
    let mut digits = whole.bytes().chain(kept.bytes()).chain(std::iter::repeat_n(b'0', places - kept.len()));
    digits.try_fold(0i64, |acc, b| {
        if !b.is_ascii_digit() {
            return Err(DigitsError::NotDigits);
        }
        acc.checked_mul(10).and_then(|n| n.checked_add(i64::from(b - b'0'))).ok_or(DigitsError::TooLarge)
    })
}

/// Why an amount with more decimals than `currency` has is refused, as the end of a sentence
/// that starts with the amount: `"1500.5" has decimals, but JPY has none: amounts in JPY are
/// whole`; `"12.345" has more than 2 decimals, the most EUR has`.
pub fn too_many_decimals(currency: Currency) -> String {
    match currency.minor_exponent() {
        0 => format!("has decimals, but {currency} has none: amounts in {currency} are whole"),
        1 => format!("has more than 1 decimal, the most {currency} has"),
        e => format!("has more than {e} decimals, the most {currency} has"),
    }
}

/// `minor` as a decimal with `exponent` places, thousands grouped with commas or not.
fn decimal(minor: i64, exponent: u32, grouped: bool) -> String {
    let sign = if minor < 0 { "-" } else { "" };
    let abs = minor.unsigned_abs();
    let per = 10u64.pow(exponent);
    let units = (abs / per).to_string();
    let mut out = String::with_capacity(units.len() + units.len() / 3 + exponent as usize + 2);
    out.push_str(sign);
    for (i, ch) in units.chars().enumerate() {
        if grouped && i > 0 && (units.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(ch);
    }
    if exponent > 0 {
        out.push_str(&format!(".{:0width$}", abs % per, width = exponent as usize));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn amounts_have_a_ceiling() {
        assert_eq!(check_magnitude(MAX_AMOUNT_MINOR), Ok(()));
        assert_eq!(check_magnitude(-MAX_AMOUNT_MINOR), Ok(()));
        assert_eq!(
            check_magnitude(i64::MAX).unwrap_err(),
            "amount 92,233,720,368,547,758.07 is larger than Pacer takes: at most 100,000,000,000.00 \
             (check the units: minor units are cents)"
        );
        assert!(check_magnitude(i64::MIN).is_err());
        // The ceiling leaves room for the largest batch on one rep's day.
        assert!(MAX_AMOUNT_MINOR.checked_mul(10_000).is_some_and(|t| t < i64::MAX / 10));
    }

    #[test]
    fn currency_codes() {
        assert_eq!(Currency::parse("usd").unwrap().as_str(), "USD");
        assert!(Currency::parse("US").is_err());
        assert!(Currency::parse("U$D").is_err());
        // Three letters are not enough: the code must exist.
        assert_eq!(Currency::parse("XYZ").unwrap_err().to_string(), InvalidCurrency("XYZ".into()).to_string());
        assert!(Currency::parse("ABC").is_err());
    }

    #[test]
    fn minor_units_by_currency() {
        assert!(ISO_4217.windows(2).all(|w| w[0].0 < w[1].0), "sorted, for the binary search");
        for (code, exponent, per) in [("EUR", 2, 100), ("JPY", 0, 1), ("KWD", 3, 1000), ("CHF", 2, 100), ("KRW", 0, 1)]
        {
            let currency = Currency::parse(code).unwrap();
            assert_eq!((currency.minor_exponent(), currency.minor_per_major()), (exponent, per), "{code}");
        }
    }

    #[test]
    fn amounts_are_written_with_their_currencys_exponent() {
        let cur = |code: &str| Currency::parse(code).unwrap();
        for (minor, code, people, files) in [
            (0, "EUR", "0.00", "0.00"),
            (5, "EUR", "0.05", "0.05"),
            (123_450, "EUR", "1,234.50", "1234.50"),
            (-123_450, "EUR", "-1,234.50", "-1234.50"),
            (-5, "EUR", "-0.05", "-0.05"),
            (0, "JPY", "0", "0"),
            (1_234_567, "JPY", "1,234,567", "1234567"),
            (-150_000, "JPY", "-150,000", "-150000"),
            (999, "KRW", "999", "999"),
            (1_234_567, "KWD", "1,234.567", "1234.567"),
            (-1_005, "KWD", "-1.005", "-1.005"),
            (7, "BHD", "0.007", "0.007"),
            (100_000_000, "USD", "1,000,000.00", "1000000.00"),
            (i64::MIN, "JPY", "-9,223,372,036,854,775,808", "-9223372036854775808"),
            (i64::MIN, "KWD", "-9,223,372,036,854,775.808", "-9223372036854775.808"),
        ] {
            assert_eq!(format_amount(minor, cur(code)), people, "{minor} {code}");
            assert_eq!(plain_amount(minor, cur(code)), files, "{minor} {code}");
        }
    }

    #[test]
    fn counts_and_shares_group_thousands() {
        assert_eq!(format_count(0), "0");
        assert_eq!(format_count(999), "999");
        assert_eq!(format_count(1_234_567), "1,234,567");
        assert_eq!(format_count(-12_345), "-12,345");
        assert_eq!(format_share(0.874), "87%");
        assert_eq!(format_share(132.97), "13,297%");
        assert_eq!(format_share(-0.05), "-5%");
        assert_eq!(format_share(f64::NAN), "—");
    }

    #[test]
    fn compact_numbers_keep_three_significant_digits() {
        for (x, text) in [
            (0.0, "0"),
            (-0.0, "0"),
            (7.0, "7"),
            (950.0, "950"),
            (999.4, "999"),
            (999.6, "1k"),
            (1_000.0, "1k"),
            (12_345.0, "12.3k"),
            (250_000.0, "250k"),
            (1_200_000.0, "1.2M"),
            (1_250_000.0, "1.25M"),
            (1_234_567.0, "1.23M"),
            (209_556_236_688.0, "210B"),
            (-3_500_000_000.0, "-3.5B"),
            (4.2e12, "4.2T"),
            (0.25, "0.25"),
            (0.2, "0.2"),
            (0.1 + 0.2, "0.3"),
            (0.001_234_5, "0.00123"),
            (12.5, "12.5"),
            (33.333, "33.3"),
            (100.0, "100"),
            (f64::NAN, "—"),
            (f64::INFINITY, "—"),
        ] {
            assert_eq!(compact(x), text, "{x}");
        }
    }

    #[test]
    fn compact_amounts_carry_the_currencys_sign_or_code() {
        let cur = |code: &str| Currency::parse(code).unwrap();
        for (minor, code, text) in [
            (0, "USD", "$0"),
            (120_000_000, "USD", "$1.2M"),
            (25_000_000, "EUR", "€250k"),
            (-350_000, "GBP", "-£3.5k"),
            (950, "JPY", "¥950"),
            (1_234_567, "CHF", "CHF 12.3k"),
            (1_234_567, "KWD", "KWD 1.23k"),
            (-1, "USD", "-$0.01"),
            (i64::MAX, "USD", "$92200T"),
        ] {
            assert_eq!(compact_amount(minor, cur(code)), text, "{minor} {code}");
        }
    }

    #[test]
    fn digits_read_back_with_their_currencys_exponent() {
        for (whole, fraction, exponent, minor) in [
            ("1234", "5", 2, 123_450),
            ("1234", "56", 2, 123_456),
            ("1234", "560", 2, 123_456),
            ("", "5", 2, 50),
            ("1500", "", 0, 1500),
            ("1500", "00", 0, 1500),
            ("1234", "567", 3, 1_234_567),
            ("1", "5", 3, 1500),
            ("0", "", 2, 0),
            ("92233720368547758", "07", 2, i64::MAX),
        ] {
            assert_eq!(minor_from_digits(whole, fraction, exponent), Ok(minor), "{whole}.{fraction} at {exponent}");
        }
        assert_eq!(minor_from_digits("1500", "5", 0), Err(DigitsError::TooManyDecimals(0)));
        assert_eq!(minor_from_digits("12", "345", 2), Err(DigitsError::TooManyDecimals(2)));
        assert_eq!(minor_from_digits("1", "0001", 3), Err(DigitsError::TooManyDecimals(3)));
        assert_eq!(minor_from_digits("92233720368547758", "08", 2), Err(DigitsError::TooLarge));
        assert_eq!(minor_from_digits("9223372036854775808", "", 0), Err(DigitsError::TooLarge));
        assert_eq!(minor_from_digits("1x", "", 0), Err(DigitsError::NotDigits));
        assert_eq!(minor_from_digits("1", "-5", 2), Err(DigitsError::NotDigits));
        // Every amount written by `plain_amount` reads back to itself.
        let cur = |code: &str| Currency::parse(code).unwrap();
        for (minor, code) in [(123_456, "EUR"), (1_234_567, "KWD"), (150_000, "JPY"), (7, "BHD"), (0, "KRW")] {
            let text = plain_amount(minor, cur(code));
            let (whole, fraction) = text.split_once('.').unwrap_or((&text, ""));
            assert_eq!(minor_from_digits(whole, fraction, cur(code).minor_exponent()), Ok(minor), "{text}");
        }
        assert_eq!(too_many_decimals(cur("JPY")), "has decimals, but JPY has none: amounts in JPY are whole");
        assert_eq!(too_many_decimals(cur("KWD")), "has more than 3 decimals, the most KWD has");
        assert_eq!(too_many_decimals(cur("EUR")), "has more than 2 decimals, the most EUR has");
    }

    #[test]
    fn money_shows_its_currency() {
        let money = |minor, code| Money::new(minor, Currency::parse(code).unwrap()).to_string();
        assert_eq!(money(150_000, "JPY"), "JPY 150,000");
        assert_eq!(money(-123_456, "USD"), "USD -1,234.56");
        assert_eq!(money(1_000, "KWD"), "KWD 1.000");
    }

    #[test]
    fn formats_minor_units() {
        for (minor, text) in [
            (0, "0.00"),
            (5, "0.05"),
            (123456, "1,234.56"),
            (-123456, "-1,234.56"),
            (100000000, "1,000,000.00"),
            (i64::MIN, "-92,233,720,368,547,758.08"),
        ] {
            assert_eq!(format_minor(minor), text, "{minor}");
        }
    }
}
