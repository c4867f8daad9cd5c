//! The locale's formats, as the issue and CLDR give them.

use chrono::NaiveDate;
use pacer_core::fiscal_calendar::{FiscalCalendar, PeriodKind, YearNaming};
use pacer_core::kpi::KpiValue;
use pacer_core::money::Currency;
use pacer_i18n::Locale;

const EN: Locale = Locale::ENGLISH;
const FR: Locale = Locale::FRENCH;

fn eur() -> Currency {
    Currency::parse("EUR").unwrap()
}

fn day(s: &str) -> NaiveDate {
    s.parse().unwrap()
}

/// French separates thousands with a narrow no-break space and decimals with a comma.
fn spaces(s: &str) -> String {
    s.replace(['\u{202f}', '\u{a0}'], " ")
}

#[test]
fn money_is_written_with_its_currency_as_each_language_writes_it() {
    assert_eq!(EN.money(123_456_789, eur()), "€1,234,567.89");
    assert_eq!(FR.money(123_456_789, eur()), "1\u{202f}234\u{202f}567,89\u{a0}€");
    assert_eq!(spaces(&FR.money(123_456_789, eur())), "1 234 567,89 €");
    let usd = Currency::parse("USD").unwrap();
    assert_eq!(EN.money(-1200, usd), "-$12.00");
    assert_eq!(spaces(&FR.money(-1200, usd)), "-12,00 $US");
    let jpy = Currency::parse("JPY").unwrap();
    assert_eq!(EN.money(123_456, jpy), "¥123,456");
    let chf = Currency::parse("CHF").unwrap();
    assert_eq!(spaces(&EN.money(1200, chf)), "CHF 12.00");
    assert_eq!(spaces(&FR.money(1200, chf)), "12,00 CHF");
    assert_eq!(EN.money(0, eur()), "€0.00");
}

#[test]
fn numbers_and_percentages_follow_the_locale() {
    assert_eq!(EN.count(1_234_567), "1,234,567");
    assert_eq!(spaces(&FR.count(1_234_567)), "1 234 567");
    assert_eq!(EN.count(-42), "-42");
    assert_eq!(EN.decimal(1234.56, 1), "1,234.6");
    assert_eq!(spaces(&FR.decimal(1234.56, 1)), "1 234,6");
    assert_eq!(EN.decimal(2.0, 2), "2.00");
    assert_eq!(EN.percent(0.875, 1), "87.5%");
    assert_eq!(spaces(&FR.percent(0.875, 1)), "87,5 %");
    assert_eq!(EN.percent(0.87, 0), "87%");
    assert_eq!(EN.percent(f64::NAN, 0), "—");
}

#[test]
fn dates_and_months_follow_the_locale() {
    assert_eq!(EN.date(day("2026-12-02")), "Dec 2, 2026");
    assert_eq!(FR.date(day("2026-12-02")), "2 déc. 2026");
    assert_eq!(EN.month_year(day("2026-02-14")), "Feb 2026");
    assert_eq!(FR.month_year(day("2026-02-14")), "févr. 2026");
    assert_eq!(EN.month_span(day("2026-02-01"), day("2027-01-31")), "Feb 2026 – Jan 2027");
    assert_eq!(FR.month_span(day("2026-02-01"), day("2027-01-31")), "févr. 2026 – janv. 2027");
    assert_eq!(EN.weekday(day("2026-12-07")), "Monday");
    assert_eq!(FR.weekday(day("2026-12-07")), "lundi");
    assert_eq!(EN.first_weekday(), chrono::Weekday::Sun);
    assert_eq!(FR.first_weekday(), chrono::Weekday::Mon);
    use chrono::Weekday::{Fri, Mon, Sat, Sun};
    assert_eq!((EN.week()[0], EN.week()[6]), (Sun, Sat));
    assert_eq!((FR.week()[0], FR.week()[6]), (Mon, Sun));
    assert_eq!((EN.weekday_name(Fri), FR.weekday_name(Fri)), ("Friday".into(), "vendredi".into()));
}

#[test]
fn fiscal_periods_are_named_in_each_language() {
    let calendar = FiscalCalendar::Monthly { start_month: 2, naming: YearNaming::EndYear };
    let q4 = calendar.period_of(day("2026-12-07"), PeriodKind::Quarter);
    assert_eq!(EN.period(&q4), "Q4 FY2027");
    assert_eq!(FR.period(&q4), "T4 FY2027");
    assert_eq!(EN.period(&q4), q4.label(), "English is the core's label");
    let month = calendar.period_of(day("2026-12-07"), PeriodKind::Month);
    assert_eq!(EN.period(&month), "Dec 2026 (M11)");
    assert_eq!(FR.period(&month), "déc. 2026 (M11)");
    let half = calendar.period_of(day("2026-12-07"), PeriodKind::Half);
    assert_eq!(FR.period(&half), "S2 FY2027");
}

#[test]
fn chart_labels_are_short_in_each_language() {
    let usd = Currency::parse("USD").unwrap();
    assert_eq!(EN.compact_money(125_000_000, usd), "$1.25M");
    assert_eq!(spaces(&FR.compact_money(125_000_000, usd)), "1,25 M $US");
    assert_eq!(EN.compact(12_345.0), "12.3k");
    assert_eq!(spaces(&FR.compact(12_345.0)), "12,3 k");
    assert_eq!(spaces(&FR.compact(2.5e9)), "2,5 Md");
    assert_eq!(spaces(&FR.compact_money(-350_000, eur())), "-3,5 k €");
    assert_eq!(EN.compact_value(&KpiValue::Rate(0.25), usd), "25%");
    assert_eq!(EN.value(&KpiValue::Rate(0.255), usd), "25.5%");
    assert_eq!(EN.value(&KpiValue::NoFigure("no deals".into()), usd), "—");
    assert_eq!(EN.figure("currency", Some(150_000.0), usd), "$1,500.00");
    assert_eq!(spaces(&FR.figure("count", Some(1234.4), usd)), "1 234");
}
