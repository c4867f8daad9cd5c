//! Money as integer minor units with a currency: never a float.

use serde::{Deserialize, Serialize};
use std::fmt;

/// An ISO 4217 currency code, three upper-case ASCII letters.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Currency([u8; 3]);

/// A currency code that is not three letters.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("currency {0:?} is not valid: use a three-letter ISO 4217 code such as USD or EUR")]
pub struct InvalidCurrency(pub String);

impl Currency {
    /// Parses a code such as `"usd"` or `"EUR"`.
    pub fn parse(code: &str) -> Result<Self, InvalidCurrency> {
        let upper = code.trim().to_ascii_uppercase();
        match upper.as_bytes() {
            [a, b, c] if [a, b, c].iter().all(|x| x.is_ascii_uppercase()) => Ok(Self([*a, *b, *c])),
            _ => Err(InvalidCurrency(code.to_string())),
        }
    }

    /// The code as text.
    pub fn as_str(&self) -> &str {
        // The bytes are checked ASCII letters at construction.
        std::str::from_utf8(&self.0).unwrap_or("XXX")
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
    /// Formats as `USD 1,234.56`, grouping thousands, for display only.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}", self.currency, format_minor(self.minor))
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

/// Formats minor units as a grouped decimal with two places: `-123456` is `-1,234.56`.
pub fn format_minor(minor: i64) -> String {
    let sign = if minor < 0 { "-" } else { "" };
    let abs = minor.unsigned_abs();
    let units = (abs / 100).to_string();
    let mut grouped = String::with_capacity(units.len() + units.len() / 3);
    for (i, ch) in units.chars().enumerate() {
        if i > 0 && (units.len() - i).is_multiple_of(3) {
            grouped.push(',');
        }
        grouped.push(ch);
    }
    format!("{sign}{grouped}.{:02}", abs % 100)
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
