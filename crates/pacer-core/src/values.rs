//! Small domain values that people type (on the command line, in forms and
//! query strings) and that every interface reads the same way.

use chrono::{Datelike, NaiveDate};
use std::fmt;
use std::str::FromStr;

/// A value that does not read as what was asked.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct ValueError(String);

/// A rate as a fraction, typed as a fraction (`0.005`) or a percentage (`0.5%`).
#[derive(Debug, Clone, Copy, PartialEq, PartialOrd)]
pub struct Rate(pub f64);

impl FromStr for Rate {
    type Err = ValueError;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        let t = text.trim();
        let value = match t.strip_suffix('%') {
            Some(p) => p.trim().parse::<f64>().map(|v| v / 100.0),
            None => t.parse::<f64>(),
        };
        value
            .ok()
            .filter(|v| v.is_finite())
            .map(Rate)
            .ok_or_else(|| ValueError(format!("rate {text:?} is not a number: use 0.005 or 0.5%")))
    }
}

/// A calendar month, as its first day; typed `YYYY-MM` (or any day of it, `YYYY-MM-DD`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize, serde::Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Month(pub NaiveDate);

impl Month {
    /// The month of `day`.
    pub fn of(day: NaiveDate) -> Self {
        Month(day.with_day(1).unwrap_or(day))
    }
}

impl TryFrom<String> for Month {
    type Error = ValueError;
    fn try_from(s: String) -> Result<Self, Self::Error> {
        s.parse()
    }
}

impl From<Month> for String {
    fn from(m: Month) -> String {
        m.to_string()
    }
}

impl FromStr for Month {
    type Err = ValueError;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        let t = text.trim();
        NaiveDate::parse_from_str(&format!("{t}-01"), "%Y-%m-%d")
            .or_else(|_| t.parse::<NaiveDate>())
            .ok()
            .and_then(|d| d.with_day(1))
            .ok_or_else(|| ValueError(format!("month {text:?} is not valid: use YYYY-MM")))
            .and_then(|d| crate::limits::check_day(d).map(|()| Month(d)).map_err(|e| ValueError(e.to_string())))
    }
}

impl fmt::Display for Month {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-{:02}", self.0.year(), self.0.month())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rates_read_as_fractions_or_percentages() {
        assert_eq!("0.005".parse(), Ok(Rate(0.005)));
        assert_eq!(" 0.5% ".parse(), Ok(Rate(0.005)));
        assert_eq!("12 %".parse(), Ok(Rate(0.12)));
        assert_eq!("abc".parse::<Rate>().unwrap_err().to_string(), "rate \"abc\" is not a number: use 0.005 or 0.5%");
        assert!("inf".parse::<Rate>().is_err());
        assert!("NaN%".parse::<Rate>().is_err());
    }

    #[test]
    fn months_read_as_their_first_day() {
        let first = NaiveDate::from_ymd_opt(2026, 3, 1).unwrap();
        assert_eq!("2026-03".parse(), Ok(Month(first)));
        assert_eq!("2026-03-17".parse(), Ok(Month(first)));
        assert_eq!(Month(first).to_string(), "2026-03");
        assert_eq!("2026-13".parse::<Month>().unwrap_err().to_string(), "month \"2026-13\" is not valid: use YYYY-MM");
        assert!("March".parse::<Month>().is_err());
    }
}
