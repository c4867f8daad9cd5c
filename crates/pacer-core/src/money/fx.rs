//! Exchange rates into the reporting currency (the organisation's), by month, and the one
//! conversion of an amount in another currency into it.
//!
//! A rate says "1 unit of X is worth `r` units of the reporting currency" for one calendar
//! month. It is held exactly, as parts per billion (at most nine decimals), and conversion is
//! integer arithmetic: no float touches money.

use super::{Currency, MAX_AMOUNT_MINOR, Money, format_minor};
use crate::values::Month;
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::fmt;
use std::str::FromStr;

/// Parts per billion in one unit of a rate: rates have at most nine decimals.
const PPB: i64 = 1_000_000_000;

/// The largest rate Pacer takes: 1 unit of a currency worth a billion of the reporting one.
const MAX_RATE_PPB: i64 = PPB * PPB;

/// A positive exchange rate, exactly, in parts per billion: `1.0712` is 1,071,200,000.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Rate(i64);

/// Why a rate or a conversion is refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FxError {
    /// Not a positive decimal with at most nine decimals.
    #[error("rate {0:?} is not valid: use a positive decimal with at most 9 decimals, such as 1.0712")]
    InvalidRate(String),
    /// No rate of the currency at or before the month (for a deal without a close date: none at all).
    #[error("{}", no_rate(*.currency, *.month))]
    NoRate {
        /// The deal's currency.
        currency: Currency,
        /// The month of the deal's close day; `None`: an open deal without a close date.
        month: Option<Month>,
    },
    /// A rate of the reporting currency into itself.
    #[error("{0} is the reporting currency: its amounts need no rate")]
    ReportingCurrency(Currency),
    /// Deleting a rate would leave deals with none at or before their close month.
    #[error("the rate of {currency} for {month} is in use: {}; set one before deleting it", left_without(*.first))]
    RateInUse {
        /// The rate's currency.
        currency: Currency,
        /// Its month.
        month: Month,
        /// The close month of a deal that would be left without a rate; `None`: an open deal
        /// without a close date, which would be left without any rate.
        first: Option<Month>,
    },
    /// The reporting currency changing while amounts are held in the current one.
    #[error(
        "the currency cannot change from {from} to {to}: {deals} deal(s) are in other currencies than {to} and {rates} exchange rate(s) are into {from}; \
         amounts already converted into {from} would be read as {to}"
    )]
    ReportingCurrencyInUse {
        /// The current reporting currency.
        from: Currency,
        /// The one asked for.
        to: Currency,
        /// Deals in another currency than `to`.
        deals: i64,
        /// Stored rates (all into `from`).
        rates: i64,
    },
    /// The converted amount is beyond what Pacer takes.
    #[error("{amount} at {rate} is larger than Pacer takes (at most {} minor units)", format_minor(MAX_AMOUNT_MINOR))]
    TooLarge {
        /// The amount converted.
        amount: Money,
        /// The rate.
        rate: Rate,
    },
}

impl Rate {
    /// A rate of `ppb` parts per billion, positive and at most a billion.
    pub fn from_ppb(ppb: i64) -> Result<Self, FxError> {
        if ppb > 0 && ppb <= MAX_RATE_PPB { Ok(Self(ppb)) } else { Err(FxError::InvalidRate(Rate(ppb).to_string())) }
    }

    /// Parts per billion, as stored.
    pub fn ppb(self) -> i64 {
        self.0
    }
}

impl FromStr for Rate {
    type Err = FxError;

    /// Reads `1.0712`, `0.0065` or `150`: digits, one optional point, at most nine decimals.
    fn from_str(text: &str) -> Result<Self, Self::Err> {
        let invalid = || FxError::InvalidRate(text.to_string());
        let t = text.trim();
        let (units, decimals) = t.split_once('.').unwrap_or((t, ""));
        let digits = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
        if (units.is_empty() && decimals.is_empty()) || !digits(units) || !digits(decimals) || decimals.len() > 9 {
            return Err(invalid());
        }
        let units: i64 = if units.is_empty() { 0 } else { units.parse().map_err(|_| invalid())? };
        let fraction: i64 = format!("{decimals:0<9}").parse().map_err(|_| invalid())?;
        let ppb = units.checked_mul(PPB).and_then(|u| u.checked_add(fraction)).ok_or_else(invalid)?;
        Self::from_ppb(ppb).map_err(|_| invalid())
    }
}

impl fmt::Display for Rate {
    /// The shortest exact decimal: `1.0712`, `150`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let sign = if self.0 < 0 { "-" } else { "" };
        let (units, fraction) = (self.0.unsigned_abs() / PPB as u64, self.0.unsigned_abs() % PPB as u64);
        if fraction == 0 {
            return write!(f, "{sign}{units}");
        }
        let decimals = format!("{fraction:09}");
        write!(f, "{sign}{units}.{}", decimals.trim_end_matches('0'))
    }
}

impl TryFrom<String> for Rate {
    type Error = FxError;
    fn try_from(s: String) -> Result<Self, Self::Error> {
        s.parse()
    }
}

impl From<Rate> for String {
    fn from(r: Rate) -> String {
        r.to_string()
    }
}

/// One month's rate of a currency: 1 unit of `currency` is `rate` units of the reporting currency.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct FxRate {
    /// The currency, e.g. `CHF` (never the reporting currency).
    #[cfg_attr(feature = "openapi", schema(value_type = String, example = "CHF"))]
    pub currency: Currency,
    /// The calendar month, `YYYY-MM`.
    #[cfg_attr(feature = "openapi", schema(value_type = String, example = "2026-01"))]
    pub month: Month,
    /// Units of the reporting currency for one unit of `currency`, a decimal with at most 9 places.
    #[cfg_attr(feature = "openapi", schema(value_type = String, example = "1.0712"))]
    pub rate: Rate,
}

impl FxRate {
    /// Reads a rate from its three written values (`CHF`, `2026-01`, `1.0712`); a value that
    /// does not read is named by its field (`currency`, `month`, `rate`) with the reason.
    pub fn read(currency: &str, month: &str, rate: &str) -> Result<Self, Vec<(&'static str, String)>> {
        let currency = Currency::parse(currency).map_err(|e| ("currency", e.to_string()));
        let month = month.parse::<Month>().map_err(|e| ("month", e.to_string()));
        let rate = rate.parse::<Rate>().map_err(|e| ("rate", e.to_string()));
        match (currency, month, rate) {
            (Ok(currency), Ok(month), Ok(rate)) => Ok(Self { currency, month, rate }),
            (c, m, r) => Err([c.err(), m.err(), r.err()].into_iter().flatten().collect()),
        }
    }

    /// Refuses a rate of the reporting currency into itself.
    pub fn check(&self, reporting: Currency) -> Result<(), FxError> {
        if self.currency == reporting { Err(FxError::ReportingCurrency(reporting)) } else { Ok(()) }
    }
}

/// Converts `amount` at `rate` into minor units of `to`: `minor × rate × 10^e(to) / 10^e(from)`,
/// each currency's minor-unit exponent `e` (JPY 0, EUR 2), rounded half away from zero to a
/// whole minor unit (0.5 cent up for a gain, down for a refund). An amount in `to` itself is
/// returned as it is, whatever the rate.
pub fn convert(amount: Money, rate: Rate, to: Currency) -> Result<i64, FxError> {
    if amount.currency == to {
        return Ok(amount.minor);
    }
    let too_large = || FxError::TooLarge { amount, rate };
    let numerator = i128::from(amount.minor)
        .checked_mul(i128::from(rate.0))
        .and_then(|n| n.checked_mul(10i128.pow(to.minor_exponent())))
        .ok_or_else(too_large)?;
    let denominator = 10i128.pow(amount.currency.minor_exponent()) * i128::from(PPB);
    let (quotient, remainder) = (numerator / denominator, numerator % denominator);
    let rounded = if 2 * remainder.abs() >= denominator { quotient + numerator.signum() } else { quotient };
    i64::try_from(rounded).ok().filter(|m| m.unsigned_abs() <= MAX_AMOUNT_MINOR as u64).ok_or_else(too_large)
}

fn no_rate(currency: Currency, month: Option<Month>) -> String {
    match month {
        Some(m) => format!(
            "no exchange rate for {currency} in {m} or earlier: set one first (pacer fx set {currency} {m} RATE)"
        ),
        None => format!(
            "no exchange rate for {currency}: an open deal without a close date is converted at the latest rate; \
             set one first (pacer fx set {currency} MONTH RATE)"
        ),
    }
}

fn left_without(first: Option<Month>) -> String {
    match first {
        Some(m) => format!("deals closing in {m} have no earlier rate to fall back on"),
        None => "open deals without a close date would have no rate left".into(),
    }
}

/// Every stored rate, by currency and month.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RateTable(BTreeMap<Currency, BTreeMap<NaiveDate, Rate>>);

impl RateTable {
    /// The table of `rates` (a later rate of the same currency and month replaces an earlier one).
    pub fn new(rates: impl IntoIterator<Item = FxRate>) -> Self {
        let mut table = Self::default();
        for r in rates {
            table.0.entry(r.currency).or_default().insert(r.month.0, r.rate);
        }
        table
    }

    /// The rate in force for an amount of `currency` on `day`: the rate of the day's month,
    /// or else of the latest earlier month that has one (a rate holds until the next is set).
    /// `None` when the currency has no rate at or before that month.
    pub fn in_force(&self, currency: Currency, day: NaiveDate) -> Option<(Month, Rate)> {
        let months = self.0.get(&currency)?;
        months.range(..=day).next_back().map(|(month, rate)| (Month(*month), *rate))
    }

    /// `amount`, dated `day` (a deal's close day), in minor units of `reporting`, converted at
    /// the rate in force ([`Self::in_force`]); an amount in `reporting` needs no rate. Without a
    /// day (an open deal not yet dated) the latest rate of its currency is in force.
    pub fn to_reporting(&self, amount: Money, reporting: Currency, day: Option<NaiveDate>) -> Result<i64, FxError> {
        if amount.currency == reporting {
            return Ok(amount.minor);
        }
        let (_, rate) = self
            .in_force(amount.currency, day.unwrap_or(NaiveDate::MAX))
            .ok_or_else(|| FxError::NoRate { currency: amount.currency, month: day.map(Month::of) })?;
        convert(amount, rate, reporting)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn cur(code: &str) -> Currency {
        Currency::parse(code).unwrap()
    }

    fn rate(text: &str) -> Rate {
        text.parse().unwrap()
    }

    #[test]
    fn rates_are_exact_decimals() {
        for (text, ppb, shown) in [
            ("1.0712", 1_071_200_000, "1.0712"),
            ("150", 150 * PPB, "150"),
            (" 0.000000001 ", 1, "0.000000001"),
            (".5", 500_000_000, "0.5"),
            ("1000000000", MAX_RATE_PPB, "1000000000"),
        ] {
            let r = rate(text);
            assert_eq!((r.ppb(), r.to_string().as_str()), (ppb, shown), "{text}");
        }
        for bad in ["", ".", "0", "0.0", "-1", "1,07", "1.0000000001", "1e3", "1000000001", "abc"] {
            assert!(matches!(bad.parse::<Rate>(), Err(FxError::InvalidRate(_))), "{bad:?}");
        }
        assert_eq!(
            "1,07".parse::<Rate>().unwrap_err().to_string(),
            "rate \"1,07\" is not valid: use a positive decimal with at most 9 decimals, such as 1.0712"
        );
    }

    #[test]
    fn conversions_round_half_away_from_zero() {
        let eur = cur("EUR");
        for (minor, from, r, to, expected) in [
            // CHF 12,000.00 at 1.0712: EUR 12,854.40.
            (1_200_000, "CHF", "1.0712", eur, 1_285_440),
            // 0.01 at 0.5 is half a cent: away from zero, either sign.
            (1, "USD", "0.5", eur, 1),
            (-1, "USD", "0.5", eur, -1),
            (1, "USD", "0.4999", eur, 0),
            (3, "USD", "0.5", eur, 2),
            // JPY has no minor unit: ¥1,000,000 at 0.0061 is EUR 6,100.00.
            (1_000_000, "JPY", "0.0061", eur, 610_000),
            // Into yen: EUR 10.00 at 162.5 is ¥1,625; EUR 0.01 at 162.5 is ¥1.625, so ¥2.
            (1000, "EUR", "162.5", cur("JPY"), 1625),
            (1, "EUR", "162.5", cur("JPY"), 2),
            // KWD has three decimals: KWD 1.000 at 3.0 is EUR 3.00.
            (1000, "KWD", "3", eur, 300),
            // The reporting currency itself: identity, whatever the rate.
            (12_345, "EUR", "2", eur, 12_345),
        ] {
            let got = convert(Money::new(minor, cur(from)), rate(r), to);
            assert_eq!(got, Ok(expected), "{minor} {from} at {r} into {to}");
        }
        let huge = convert(Money::new(MAX_AMOUNT_MINOR, cur("USD")), rate("2"), eur);
        assert!(matches!(huge, Err(FxError::TooLarge { .. })));
        assert!(convert(Money::new(i64::MAX, cur("USD")), rate("1000000000"), eur).is_err());
    }

    #[test]
    fn the_rate_in_force_is_the_months_or_the_latest_before() {
        let (chf, usd, eur) = (cur("CHF"), cur("USD"), cur("EUR"));
        let month = |m: &str| m.parse::<Month>().unwrap();
        let table = RateTable::new([
            FxRate { currency: chf, month: month("2026-01"), rate: rate("1.07") },
            FxRate { currency: chf, month: month("2026-03"), rate: rate("1.05") },
            FxRate { currency: usd, month: month("2026-02"), rate: rate("0.9") },
        ]);
        let day = |d: &str| d.parse::<NaiveDate>().unwrap();
        for (currency, on, expected) in [
            (chf, "2026-01-01", Some(("2026-01", "1.07"))),
            (chf, "2026-02-28", Some(("2026-01", "1.07"))),
            (chf, "2026-03-31", Some(("2026-03", "1.05"))),
            (chf, "2027-12-01", Some(("2026-03", "1.05"))),
            (chf, "2025-12-31", None),
            (usd, "2026-01-15", None),
            (cur("JPY"), "2026-05-01", None),
        ] {
            let got = table.in_force(currency, day(on));
            assert_eq!(got, expected.map(|(m, r)| (month(m), rate(r))), "{currency} on {on}");
        }
        let on = |d: &str| Some(day(d));
        assert_eq!(table.to_reporting(Money::new(10_000, chf), eur, on("2026-02-10")), Ok(10_700));
        assert_eq!(table.to_reporting(Money::new(10_000, eur), eur, on("1999-02-10")), Ok(10_000));
        // Without a close date, the latest rate.
        assert_eq!(table.to_reporting(Money::new(10_000, chf), eur, None), Ok(10_500));
        let missing = table.to_reporting(Money::new(10_000, usd), eur, on("2026-01-20")).unwrap_err();
        assert_eq!(
            missing.to_string(),
            "no exchange rate for USD in 2026-01 or earlier: set one first (pacer fx set USD 2026-01 RATE)"
        );
        let missing = table.to_reporting(Money::new(10_000, cur("JPY")), eur, None).unwrap_err();
        assert_eq!(
            missing.to_string(),
            "no exchange rate for JPY: an open deal without a close date is converted at the latest rate; \
             set one first (pacer fx set JPY MONTH RATE)"
        );
    }

    #[test]
    fn rates_read_from_their_written_values() {
        let r = FxRate::read("chf", "2026-01", "1.0712").unwrap();
        assert_eq!(
            (r.currency.as_str(), r.month.to_string(), r.rate.to_string()),
            ("CHF", "2026-01".into(), "1.0712".into())
        );
        let problems = FxRate::read("CHX", "January", "1.07").unwrap_err();
        assert_eq!(problems.iter().map(|p| p.0).collect::<Vec<_>>(), ["currency", "month"]);
    }

    #[test]
    fn no_rate_of_the_reporting_currency() {
        let eur = cur("EUR");
        let r = FxRate { currency: eur, month: "2026-01".parse().unwrap(), rate: rate("1") };
        assert_eq!(r.check(eur).unwrap_err().to_string(), "EUR is the reporting currency: its amounts need no rate");
        assert_eq!(r.check(cur("USD")), Ok(()));
    }

    fn currencies() -> impl Strategy<Value = Currency> {
        prop::sample::select(vec!["EUR", "USD", "CHF", "JPY", "KWD", "GBP"]).prop_map(cur)
    }

    proptest! {
        #[test]
        fn converting_into_the_same_currency_is_identity(minor in -MAX_AMOUNT_MINOR..=MAX_AMOUNT_MINOR,
            c in currencies(), ppb in 1..=MAX_RATE_PPB) {
            prop_assert_eq!(convert(Money::new(minor, c), Rate(ppb), c), Ok(minor));
        }

        #[test]
        fn conversion_is_monotone_and_odd(a in -1_000_000_000_000i64..1_000_000_000_000, b in -1_000_000_000_000i64..1_000_000_000_000,
            from in currencies(), to in currencies(), ppb in 1..=1_000 * PPB) {
            let (lo, hi) = (a.min(b), a.max(b));
            let conv = |m: i64| convert(Money::new(m, from), Rate(ppb), to);
            if let (Ok(x), Ok(y)) = (conv(lo), conv(hi)) {
                prop_assert!(x <= y, "{} -> {}, {} -> {}", lo, x, hi, y);
            }
            // Half away from zero: a refund converts to the negative of the sale.
            if let Ok(x) = conv(a) {
                prop_assert_eq!(conv(-a), Ok(-x));
            }
        }

        #[test]
        fn conversion_is_within_half_a_minor_unit(minor in -1_000_000_000_000i64..1_000_000_000_000,
            from in currencies(), to in currencies(), ppb in 1..=1_000 * PPB) {
            prop_assume!(from != to);
            if let Ok(got) = convert(Money::new(minor, from), Rate(ppb), to) {
                let exact = i128::from(minor) * i128::from(ppb) * 10i128.pow(to.minor_exponent());
                let denominator = 10i128.pow(from.minor_exponent()) * i128::from(PPB);
                let error = (i128::from(got) * denominator - exact).abs();
                prop_assert!(2 * error <= denominator, "{} at {} ppb gave {}", minor, ppb, got);
            }
        }

        #[test]
        fn a_rate_of_one_between_currencies_of_the_same_exponent_keeps_the_amount(
            minor in -MAX_AMOUNT_MINOR..=MAX_AMOUNT_MINOR) {
            prop_assert_eq!(convert(Money::new(minor, cur("CHF")), Rate(PPB), cur("EUR")), Ok(minor));
        }

        #[test]
        fn rates_read_back_as_written(ppb in 1..=MAX_RATE_PPB) {
            let r = Rate(ppb);
            prop_assert_eq!(r.to_string().parse::<Rate>(), Ok(r));
        }
    }
}
