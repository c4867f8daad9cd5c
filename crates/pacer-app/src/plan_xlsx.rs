//! A plan through a spreadsheet (PRODUCT.md C5): the plan exported as a workbook, edited where
//! sales people live, and imported back.
//!
//! The workbook has an "About" sheet (the plan, and how to edit it) and one sheet per KPI with
//! targets, named by the KPI key: a line per owner (company, teams, reps) and tier, the fiscal
//! year's 12 months, and a "Year" column that is a `SUM` formula written with its result. Money
//! is in units of the plan's currency (the organisation's reporting currency) with that
//! currency's ISO 4217 decimals (none for JPY, 2 for EUR, 3 for KWD), counts are whole. The
//! sheets are protected: only the month cells are unlocked, so headers, ids and totals stay
//! what they were.
//!
//! The workbook speaks its reader's language (the context's locale): the About sheet, the
//! headers, the months, the owner kinds and tiers. KPI sheets keep their KPI key as name. An
//! import reads a workbook written in any language Pacer speaks (and the machine words,
//! `company`, `FY2027-M01`, `target`), so a workbook exported in French imports as one in English.
//!
//! Importing reads every KPI sheet and checks every cell; a problem (an unknown team or rep, a
//! month outside the fiscal year, a negative or malformed amount, an amount with more decimals
//! than the currency has, a total that no longer matches its months) is reported with its
//! sheet, row, column and value, never guessed around. Nothing is written unless the whole
//! workbook is valid; then each sheet's KPI has its targets replaced (drafts only).

use crate::export::{money_format, money_number, sheet_name};
use crate::plan::{SheetLine, lines, owner_names, plan_months};
use crate::{AppError, Context};
use calamine::{Data, Range, Reader};
use chrono::{Datelike, NaiveDate};
use pacer_core::audit::Actor;
use pacer_core::catalog::Kpi;
use pacer_core::fiscal_calendar::FiscalPeriod;
use pacer_core::money::{Currency, DigitsError, MAX_AMOUNT_MINOR, format_amount, minor_from_digits, too_many_decimals};
use pacer_core::org::Organisation;
use pacer_core::plan::{FISCAL_MONTHS, Plan, PlanId, Target, TargetOwner, TargetTier, check_kpi_targets};
use pacer_i18n::{Language, Locale, tr};
use pacer_storage::RepFilter;
use rust_xlsxwriter::{Format, Formula, ProtectionOptions, Workbook, Worksheet, XlsxError};
use serde::Serialize;
use std::collections::{BTreeMap, HashMap, HashSet};

/// The media type of an XLSX workbook.
pub const XLSX_MEDIA_TYPE: &str = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

/// The name of the sheet that describes the plan in English; imports skip it (and its name in
/// every other language, [`is_about_sheet`]).
pub const ABOUT_SHEET: &str = "About";

/// The message of the About sheet's name.
const ABOUT: &str = "xlsx-plan-about";

/// The messages of the columns before the months, in order.
const OWNER_COLUMNS: [&str; 4] = ["xlsx-plan-owner-kind", "xlsx-plan-owner-id", "xlsx-plan-owner", "xlsx-plan-tier"];

/// The column of the first month (E).
const FIRST_MONTH: u16 = OWNER_COLUMNS.len() as u16;

/// The message of the header of the total column, after the months.
const YEAR_ID: &str = "xlsx-plan-year";

/// The locales a workbook may be written in.
fn locales() -> impl Iterator<Item = Locale> {
    Language::ALL.iter().map(|l| Locale::from(*l))
}

/// Whether `header` (trimmed, lower case) is the message `id` in a language Pacer speaks.
fn is_word(header: &str, id: &str) -> bool {
    locales().any(|l| l.t(id).to_lowercase() == header)
}

/// Whether a sheet is the About sheet, in whichever language it was written.
pub fn is_about_sheet(name: &str) -> bool {
    name.eq_ignore_ascii_case(ABOUT_SHEET) || is_word(&name.trim().to_lowercase(), ABOUT)
}

/// An owner's kind as the workbook writes it in `locale` (`company`, `team`, `rep` in English).
fn kind_words(locale: Locale, owner: TargetOwner) -> String {
    locale.t(match owner {
        TargetOwner::Company => "xlsx-plan-kind-company",
        TargetOwner::Team(_) => "xlsx-plan-kind-team",
        TargetOwner::Rep(_) => "xlsx-plan-kind-rep",
    })
}

/// An owner kind as read from a cell (trimmed, lower case), in any language: `company`, `team`
/// or `rep`.
fn read_kind(cell: &str) -> Option<&'static str> {
    [("company", "xlsx-plan-kind-company"), ("team", "xlsx-plan-kind-team"), ("rep", "xlsx-plan-kind-rep")]
        .into_iter()
        .find(|(key, id)| cell == *key || is_word(cell, id))
        .map(|(key, _)| key)
}

/// The message of a tier's words.
fn tier_id(tier: TargetTier) -> &'static str {
    match tier {
        TargetTier::Target => "plan-tier-target",
        TargetTier::Stretch => "plan-tier-stretch",
        TargetTier::Challenge => "plan-tier-challenge",
    }
}

/// A tier as read from a cell, in any language (or its stored form).
fn read_tier(cell: &str) -> Result<TargetTier, String> {
    let key = cell.trim().to_lowercase();
    [TargetTier::Target, TargetTier::Stretch, TargetTier::Challenge]
        .into_iter()
        .find(|t| is_word(&key, tier_id(*t)))
        .map_or_else(|| cell.parse::<TargetTier>().map_err(|e| e.to_string()), Ok)
}

/// Whether a header names fiscal month `p`: its label or stored name, or its label in a
/// language Pacer speaks.
fn is_month(header: &str, p: &FiscalPeriod) -> bool {
    header == p.label().to_lowercase()
        || header == p.name().to_lowercase()
        || locales().any(|l| l.period(p).to_lowercase() == header)
}

/// How a KPI's amounts are in the workbook: money in units of the plan's currency with its
/// decimals, or whole counts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Unit {
    Money(Currency),
    Count,
}

impl Unit {
    fn of(kpi: &Kpi, currency: Currency) -> Self {
        if kpi.is_money() { Unit::Money(currency) } else { Unit::Count }
    }

    /// Decimals a cell may have: the currency's exponent, none for a count.
    fn exponent(self) -> u32 {
        match self {
            Unit::Money(c) => c.minor_exponent(),
            Unit::Count => 0,
        }
    }

    /// The number format of its cells.
    fn number_format(self) -> String {
        match self {
            Unit::Money(c) => money_format(c),
            Unit::Count => "0".into(),
        }
    }

    /// Units as a cell's number.
    fn cell(self, units: i64) -> f64 {
        match self {
            Unit::Money(c) => money_number(units, c),
            Unit::Count => units as f64,
        }
    }

    /// Units as people read them, in a reason.
    fn text(self, units: i64) -> String {
        match self {
            Unit::Money(c) => format_amount(units, c),
            Unit::Count => units.to_string(),
        }
    }
}

fn failed(e: XlsxError) -> AppError {
    AppError::internal(format!("cannot write the plan workbook: {e}"))
}

/// A column's letters: 0 is A, 26 is AA.
pub fn column_letters(column: u32) -> String {
    let mut n = column + 1;
    let mut letters = Vec::new();
    while n > 0 {
        let rem = (n - 1) % 26;
        letters.push(b'A' + rem as u8);
        n = (n - 1) / 26;
    }
    letters.reverse();
    String::from_utf8(letters).unwrap_or_default()
}

/// The plan as a workbook: "About", then a sheet per KPI of the catalog that has targets in the
/// plan, in the catalog's order.
pub async fn export(ctx: &Context<'_>, plan: &Plan) -> Result<Vec<u8>, AppError> {
    let (store, org, today) = (ctx.store, &ctx.org, ctx.today);
    let catalog = ctx.catalog().await?;
    let months = plan_months(org, plan.fiscal_year)?;
    let targets = store.targets(plan.id, None).await?;
    let names = owner_names(store, today).await?;
    let seen = ctx.visibility().await?;
    let mut by_kpi: BTreeMap<&str, Vec<Target>> = BTreeMap::new();
    for t in targets.iter().filter(|t| seen.sees_target_owner(t.owner)) {
        by_kpi.entry(t.kpi.as_str()).or_default().push(t.clone());
    }
    let exported: Vec<&Kpi> = catalog.kpis.iter().filter(|k| by_kpi.contains_key(k.key())).collect();
    let left_out: Vec<&str> = by_kpi.keys().copied().filter(|k| catalog.kpi(k).is_none()).collect();

    let locale = ctx.locale;
    let mut book = Workbook::new();
    write_about(book.add_worksheet(), locale, org, plan, &months, &exported, &left_out, today).map_err(failed)?;
    for kpi in exported {
        let mut kpi_lines = lines(&by_kpi[kpi.key()], &names);
        for line in kpi_lines.iter_mut().filter(|l| l.owner == TargetOwner::Company) {
            line.name = locale.t("plan-company");
        }
        let unit = Unit::of(kpi, org.currency);
        write_kpi_sheet(book.add_worksheet(), locale, kpi, unit, &months, &kpi_lines).map_err(failed)?;
    }
    book.save_to_buffer().map_err(failed)
}

#[allow(clippy::too_many_arguments)]
fn write_about(
    ws: &mut Worksheet,
    locale: Locale,
    org: &Organisation,
    plan: &Plan,
    months: &[FiscalPeriod],
    kpis: &[&Kpi],
    left_out: &[&str],
    today: NaiveDate,
) -> Result<(), XlsxError> {
    let bold = Format::new().set_bold();
    let t = |id: &str| locale.t(id);
    ws.set_name(sheet_name(&t(ABOUT)))?;
    let mut row = 0;
    let mut line = |ws: &mut Worksheet, label: &str, value: &str| -> Result<(), XlsxError> {
        ws.write_string_with_format(row, 0, label, &bold)?;
        ws.write_string(row, 1, value)?;
        row += 1;
        Ok(())
    };
    let status = t(match plan.status {
        pacer_core::plan::PlanStatus::Draft => "plan-status-draft",
        pacer_core::plan::PlanStatus::Approved => "plan-status-approved",
        pacer_core::plan::PlanStatus::Revised => "plan-status-revised",
        pacer_core::plan::PlanStatus::Archived => "plan-status-archived",
    });
    line(ws, &t("xlsx-about-plan"), &plan.name)?;
    line(ws, &t("xlsx-about-plan-id"), &plan.id.to_string())?;
    line(
        ws,
        &t("xlsx-about-fiscal-year"),
        &tr!(
            locale,
            "xlsx-about-fiscal-year-value",
            year = tr!(locale, "period-year", fy = plan.fiscal_year.to_string()),
            from = locale.date(months[0].start),
            to = locale.date(months[FISCAL_MONTHS - 1].end)
        ),
    )?;
    line(ws, &t("xlsx-about-version"), &plan.version.to_string())?;
    line(ws, &t("xlsx-about-status"), &status)?;
    // The day of the export: a date cell (a spreadsheet shows it in its reader's format), the sixth row.
    line(ws, &t("xlsx-about-exported"), "")?;
    let exported_row = 5;
    line(ws, "", "")?;
    let currency = org.currency.to_string();
    line(ws, &t("xlsx-about-how"), &t("xlsx-about-how-cells"))?;
    line(ws, "", &t("xlsx-about-how-year"))?;
    line(
        ws,
        "",
        &match org.currency.minor_exponent() {
            0 => tr!(locale, "xlsx-about-how-money-whole", currency = &currency),
            e => tr!(locale, "xlsx-about-how-money", currency = &currency, places = e.to_string()),
        },
    )?;
    line(ws, "", &t("xlsx-about-how-owner"))?;
    line(ws, "", &t("xlsx-about-how-columns"))?;
    line(ws, &t("xlsx-about-import"), &t("xlsx-about-import-how"))?;
    line(ws, "", &t("xlsx-about-import-checked"))?;
    line(ws, "", &t("xlsx-about-import-replaces"))?;
    line(ws, "", "")?;
    for kpi in kpis {
        let unit =
            if kpi.is_money() { tr!(locale, "xlsx-about-money", currency = &currency) } else { t("xlsx-about-count") };
        line(
            ws,
            &tr!(locale, "xlsx-about-sheet", sheet = sheet_name(kpi.key())),
            &tr!(locale, "xlsx-about-sheet-value", kpi = &kpi.name, unit = unit),
        )?;
    }
    for key in left_out {
        line(ws, &t("xlsx-about-not-exported"), &tr!(locale, "xlsx-about-left-out", key = *key))?;
    }
    let day = rust_xlsxwriter::ExcelDateTime::from_ymd(today.year() as u16, today.month() as u8, today.day() as u8)?;
    let date = Format::new().set_num_format("yyyy-mm-dd").set_align(rust_xlsxwriter::FormatAlign::Left);
    ws.write_datetime_with_format(exported_row, 1, &day, &date)?;
    ws.set_column_width(0, 16)?;
    ws.set_column_width(1, 90)?;
    Ok(())
}

fn write_kpi_sheet(
    ws: &mut Worksheet,
    locale: Locale,
    kpi: &Kpi,
    unit: Unit,
    months: &[FiscalPeriod],
    lines: &[SheetLine],
) -> Result<(), XlsxError> {
    let number_format = unit.number_format();
    let number_format = number_format.as_str();
    let header = Format::new().set_bold();
    let month_cell = Format::new().set_num_format(number_format).set_unlocked();
    let total_cell = Format::new().set_num_format(number_format).set_bold();
    ws.set_name(sheet_name(kpi.key()))?;
    for (c, title) in OWNER_COLUMNS.iter().enumerate() {
        ws.write_string_with_format(0, c as u16, locale.t(title), &header)?;
    }
    for (m, period) in months.iter().enumerate() {
        ws.write_string_with_format(0, FIRST_MONTH + m as u16, locale.period(period), &header)?;
    }
    let year_column = FIRST_MONTH + FISCAL_MONTHS as u16;
    ws.write_string_with_format(0, year_column, locale.t(YEAR_ID), &header)?;
    let shown = |units: i64| unit.cell(units);
    let (first, last) = (column_letters(u32::from(FIRST_MONTH)), column_letters(u32::from(year_column) - 1));
    for (i, l) in lines.iter().enumerate() {
        let row = i as u32 + 1;
        ws.write_string(row, 0, kind_words(locale, l.owner))?;
        if let Some(id) = l.owner.id() {
            ws.write_number(row, 1, id as f64)?;
        }
        ws.write_string(row, 2, &l.name)?;
        ws.write_string(row, 3, locale.t(tier_id(l.tier)))?;
        for (m, units) in l.months.iter().enumerate() {
            ws.write_number_with_format(row, FIRST_MONTH + m as u16, shown(*units), &month_cell)?;
        }
        let formula =
            Formula::new(format!("=SUM({first}{n}:{last}{n})", n = row + 1)).set_result(shown(l.total).to_string());
        ws.write_formula_with_format(row, year_column, formula, &total_cell)?;
    }
    ws.set_freeze_panes(1, FIRST_MONTH)?;
    ws.autofit();
    ws.set_column_width(2, 24)?;
    // Months editable, the rest locked; columns may still be widened.
    ws.protect_with_options(&ProtectionOptions { format_columns: true, ..ProtectionOptions::new() });
    Ok(())
}

/// What an import wrote for one KPI.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct ImportedKpi {
    /// The KPI (the sheet).
    pub kpi: String,
    /// Lines read: one per owner and tier.
    pub lines: usize,
    /// Targets written: 12 per line.
    pub targets: usize,
    /// Targets whose amount is not what it was (new ones and removed ones included): 0 when the
    /// sheet was imported as exported.
    pub changed: usize,
}

/// What an import did: each KPI sheet's targets replaced that KPI's targets in the plan.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct ImportReport {
    /// The plan.
    pub plan: PlanId,
    /// Per KPI sheet, in the workbook's order.
    pub kpis: Vec<ImportedKpi>,
}

/// One problem of a workbook: where it is, what it holds, and why it is refused.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Problem {
    /// The sheet.
    pub sheet: String,
    /// The row as the spreadsheet numbers it (1 is the header), when the problem is in a row.
    pub row: Option<u32>,
    /// The column's letters, when the problem is in a column.
    pub column: Option<String>,
    /// The cell's value as read.
    pub value: String,
    /// What is wrong and what to do instead.
    pub reason: String,
}

impl Problem {
    fn at(sheet: &str, row: u32, column: u32, value: &Data, reason: impl Into<String>) -> Self {
        Self {
            sheet: sheet.to_string(),
            row: Some(row + 1),
            column: Some(column_letters(column)),
            value: text(value),
            reason: reason.into(),
        }
    }
}

/// A field of a problem (as an error's details hold it) as text; empty when absent.
pub fn problem_field(detail: &serde_json::Value, name: &str) -> String {
    match &detail[name] {
        serde_json::Value::String(s) => s.clone(),
        serde_json::Value::Number(n) => n.to_string(),
        _ => String::new(),
    }
}

/// Where a problem is, as a spreadsheet names it: `sheet!E5`, a sheet, or the workbook.
pub fn problem_place(detail: &serde_json::Value) -> String {
    let field = |k: &str| problem_field(detail, k);
    let (sheet, row, column) = (field("sheet"), field("row"), field("column"));
    match (sheet.is_empty(), row.is_empty() && column.is_empty()) {
        (true, _) => "workbook".to_string(),
        (false, true) => sheet,
        (false, false) => format!("{sheet}!{column}{row}"),
    }
}

/// A problem as one line: `sheet!E5 "value": reason`.
pub fn problem_line(detail: &serde_json::Value) -> String {
    let field = |k: &str| problem_field(detail, k);
    format!("{} {:?}: {}", problem_place(detail), field("value"), field("reason"))
}

/// A cell as the user would read it.
fn text(d: &Data) -> String {
    match d {
        Data::Empty => String::new(),
        Data::String(s) => s.clone(),
        Data::Float(f) => f.to_string(),
        Data::Int(i) => i.to_string(),
        Data::Bool(b) => b.to_string(),
        Data::DateTime(dt) => dt.to_string(),
        Data::DateTimeIso(s) | Data::DurationIso(s) => s.clone(),
        Data::Error(e) => e.to_string(),
    }
}

/// A header cell, for comparing: trimmed, lower case.
fn key(d: &Data) -> String {
    text(d).trim().to_lowercase()
}

/// Whether a header names a month, of this fiscal year or another: `Feb 2027 (M13)`,
/// `M13 FY2027`, `FY2027-M13`, `Feb 2027`.
fn looks_like_month(header: &str) -> bool {
    let h = header.trim();
    let month_number =
        |s: &str| s.len() >= 3 && s.starts_with(['M', 'm']) && s[1..].chars().all(|c| c.is_ascii_digit());
    let words: Vec<&str> =
        h.split(|c: char| c.is_whitespace() || "()-".contains(c)).filter(|w| !w.is_empty()).collect();
    words.iter().any(|w| month_number(w))
        || words.first().is_some_and(|w| {
            NaiveDate::parse_from_str(&format!("1 {w} 2000"), "%d %b %Y").is_ok()
                && words.get(1).is_some_and(|y| y.len() == 4 && y.chars().all(|c| c.is_ascii_digit()))
        })
}

/// A whole number in a cell (an id): a number without fraction, or digits.
fn whole(d: &Data) -> Option<i64> {
    match d {
        Data::Int(i) => Some(*i),
        Data::Float(f) if f.fract() == 0.0 && f.abs() < 9e15 => Some(*f as i64),
        Data::String(s) => s.trim().parse().ok(),
        _ => None,
    }
}

/// Decimal text (`1234.5`, `-3`, `0.25`) as minor units of the currency (its exponent's
/// decimals) for money, whole units for counts: exactly, never rounded.
fn decimal_units(t: &str, unit: Unit) -> Result<i64, String> {
    let t = t.trim();
    let (negative, digits) = match t.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, t.strip_prefix('+').unwrap_or(t)),
    };
    let (int_part, frac_part) = digits.split_once('.').unwrap_or((digits, ""));
    let is_digits = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
    if (int_part.is_empty() && frac_part.is_empty()) || !is_digits(int_part) || !is_digits(frac_part) {
        return Err(match (t.contains(','), unit) {
            (true, Unit::Money(_)) => {
                "not a number: type it without thousands separators, with a point before any decimals (1234.56)"
            }
            (true, Unit::Count) => "not a number: type it without thousands separators (1200)",
            (false, _) => "not a number: type the amount as a number",
        }
        .into());
    }
    let magnitude = minor_from_digits(int_part, frac_part, unit.exponent()).map_err(|e| match (e, unit) {
        (DigitsError::TooManyDecimals(_), Unit::Money(c)) => format!("the amount {}", too_many_decimals(c)),
        (DigitsError::TooManyDecimals(_), Unit::Count) => "not a whole number: counts are whole".to_string(),
        (DigitsError::TooLarge, _) => "too large: check for a mistyped amount".to_string(),
        (DigitsError::NotDigits, _) => "not a number: type the amount as a number".to_string(),
    })?;
    if negative && magnitude != 0 {
        return Err("negative: targets are 0 or more".into());
    }
    if magnitude > MAX_AMOUNT_MINOR {
        return Err(format!(
            "too large: a target is at most {}; check for a mistyped amount",
            unit.text(MAX_AMOUNT_MINOR)
        ));
    }
    Ok(magnitude)
}

/// A plan cell typed as text (a month in the browser's plan grid, a workbook's text cell) as
/// units of `kpi`: money in minor units of `currency` with its decimals, counts whole, never
/// negative; the reason it cannot be read otherwise. One reading for the workbook and the page.
pub fn typed_units(text: &str, kpi: &Kpi, currency: Currency) -> Result<i64, String> {
    if text.trim().is_empty() {
        return Err(EMPTY_CELL.into());
    }
    decimal_units(text, Unit::of(kpi, currency))
}

/// Units of `kpi` as [`typed_units`] reads them back: a plain decimal with the currency's
/// decimals for money (`1234.50`), a whole number for counts.
pub fn typed_text(units: i64, kpi: &Kpi, currency: Currency) -> String {
    match Unit::of(kpi, currency) {
        Unit::Money(c) => pacer_core::money::plain_amount(units, c),
        Unit::Count => units.to_string(),
    }
}

/// Why an empty month is refused: a target is a number, 0 for none.
const EMPTY_CELL: &str = "empty: type 0 for no target";

/// A month cell as units: money in minor units of the currency (exactly: the number as the cell
/// holds it, never rounded), counts whole, never negative.
fn month_units(d: &Data, unit: Unit) -> Result<i64, String> {
    match d {
        Data::Empty => Err(EMPTY_CELL.into()),
        Data::Float(f) if !f.is_finite() => Err("not a number".into()),
        // Rust prints an f64 as the shortest decimal that reads back to it: the number typed.
        Data::Float(f) => decimal_units(&f.to_string(), unit),
        Data::Int(i) => decimal_units(&i.to_string(), unit),
        Data::String(s) => decimal_units(s, unit),
        Data::Error(_) => Err("an error value, not a number".into()),
        _ => Err("not a number: type the amount as a number".into()),
    }
}

/// The Year cell against the months' sum, in units: a formula's result may carry float noise
/// (0.1 + 0.2), tolerated up to a hundredth of a minor unit (a tenth at 10¹³ units); a larger
/// difference is a mismatch. The float is the spreadsheet's; Pacer's sum stays in integers.
fn check_total(d: &Data, sum: i64, unit: Unit) -> Result<(), String> {
    let show = |units: i64| unit.text(units);
    let value = match d {
        Data::Float(f) => Some(*f),
        Data::Int(i) => Some(*i as f64),
        Data::String(s) => s.trim().parse::<f64>().ok(),
        Data::Empty => {
            return Err(format!(
                "the total is empty: the months sum to {}; restore the formula (=SUM of the months)",
                show(sum)
            ));
        }
        _ => None,
    };
    let Some(value) = value.filter(|v| v.is_finite()) else {
        return Err(format!("the total is not a number: the months sum to {}", show(sum)));
    };
    let scale = 10f64.powi(unit.exponent() as i32);
    let units = value * scale;
    let tolerance = 0.01_f64.max(sum.unsigned_abs() as f64 * 1e-14);
    if (units - sum as f64).abs() <= tolerance {
        return Ok(());
    }
    let said = if matches!(unit, Unit::Money(_)) && units.abs() < 9e15 && units.fract() == 0.0 {
        unit.text(units as i64)
    } else {
        value.to_string()
    };
    Err(format!(
        "total does not match the months: months sum to {}, total says {said}; change the months, not the total",
        show(sum)
    ))
}

/// What the rows are checked against.
struct Known<'a> {
    months: &'a [FiscalPeriod],
    /// The plan's currency: the organisation's.
    currency: Currency,
    teams: HashSet<i64>,
    reps: HashSet<i64>,
}

/// One sheet's header: which column holds which fiscal month, and the Year column.
struct Columns {
    months: [u32; FISCAL_MONTHS],
    year: u32,
}

fn read_header(sheet: &str, range: &Range<Data>, known: &Known<'_>, problems: &mut Vec<Problem>) -> Option<Columns> {
    let cell = |c: u32| range.get_value((0, c)).unwrap_or(&Data::Empty);
    let last = range.end().map_or(0, |(_, c)| c);
    let before = problems.len();
    let fy = known.months[0].fiscal_year;
    let span = format!("{} to {}", known.months[0].label(), known.months[FISCAL_MONTHS - 1].label());
    let english = |id: &str| Locale::ENGLISH.t(id);
    let year_word = english(YEAR_ID);
    let owner_columns: Vec<String> = OWNER_COLUMNS.iter().map(|id| english(id)).collect();
    for (c, id) in OWNER_COLUMNS.iter().enumerate() {
        let title = &owner_columns[c];
        let c = c as u32;
        if !is_word(&key(cell(c)), id) {
            problems.push(Problem::at(
                sheet,
                0,
                c,
                cell(c),
                format!("expected the header {title:?}: the sheet starts with {}", owner_columns.join(", ")),
            ));
        }
    }
    let year = (u32::from(FIRST_MONTH)..=last).find(|c| is_word(&key(cell(*c)), YEAR_ID));
    let mut found: [Option<u32>; FISCAL_MONTHS] = [None; FISCAL_MONTHS];
    let month_end = year.unwrap_or(last + 1);
    for c in u32::from(FIRST_MONTH)..=last {
        if Some(c) == year {
            continue;
        }
        let header = key(cell(c));
        let outside = || {
            format!("month outside the fiscal year: FY{fy} has 12 months, {span}, then {year_word}; remove this column")
        };
        if c > month_end {
            // After Year: nothing may be there but empty columns.
            let filled = (0..=range.end().map_or(0, |(r, _)| r))
                .any(|r| !matches!(range.get_value((r, c)), None | Some(Data::Empty)));
            if filled {
                let reason = if looks_like_month(&header) {
                    outside()
                } else {
                    format!(
                        "a column after {year_word}: the sheet has the owner columns, the 12 months and {year_word}; remove it"
                    )
                };
                problems.push(Problem::at(sheet, 0, c, cell(c), reason));
            }
            continue;
        }
        let month = known.months.iter().position(|p| is_month(&header, p));
        match month {
            Some(m) if found[m].is_some() => problems.push(Problem::at(
                sheet,
                0,
                c,
                cell(c),
                format!("month {} appears twice: keep one column per month", known.months[m].label()),
            )),
            Some(m) => found[m] = Some(c),
            None if header.is_empty() || !looks_like_month(&header) => problems.push(Problem::at(
                sheet,
                0,
                c,
                cell(c),
                format!("not a month of FY{fy} ({span}): the columns after Tier are the 12 months, then {year_word}"),
            )),
            None => problems.push(Problem::at(sheet, 0, c, cell(c), outside())),
        }
    }
    let Some(year) = year else {
        problems.push(Problem {
            sheet: sheet.to_string(),
            row: Some(1),
            column: None,
            value: String::new(),
            reason: format!("no {year_word} column: the 12 months are followed by {year_word}, their sum"),
        });
        return None;
    };
    for (m, column) in found.iter().enumerate() {
        if column.is_none() {
            problems.push(Problem {
                sheet: sheet.to_string(),
                row: Some(1),
                column: None,
                value: known.months[m].label(),
                reason: format!(
                    "month {} of FY{fy} is missing: a plan has the year's 12 months",
                    known.months[m].label()
                ),
            });
        }
    }
    if problems[before..]
        .iter()
        .any(|p| !p.reason.starts_with("month outside") && !p.reason.starts_with("a column after"))
    {
        // Without the owner columns and every month, rows cannot be read.
        return None;
    }
    Some(Columns { months: found.map(|c| c.unwrap_or_default()), year })
}

/// Reads one KPI sheet into targets, or adds its problems.
fn read_sheet(
    sheet: &str,
    kpi: &Kpi,
    range: &Range<Data>,
    known: &Known<'_>,
    problems: &mut Vec<Problem>,
) -> Option<(usize, Vec<Target>)> {
    let unit = Unit::of(kpi, known.currency);
    let before = problems.len();
    if range.is_empty() {
        problems.push(Problem {
            sheet: sheet.to_string(),
            row: None,
            column: None,
            value: String::new(),
            reason: "the sheet is empty: it needs the header row and a line per owner".into(),
        });
        return None;
    }
    let columns = read_header(sheet, range, known, problems)?;
    let last_row = range.end().map_or(0, |(r, _)| r);
    let last_column = range.end().map_or(0, |(_, c)| c);
    let mut targets = Vec::new();
    let mut seen: HashMap<(TargetOwner, TargetTier), u32> = HashMap::new();
    for r in 1..=last_row {
        let cell = |c: u32| range.get_value((r, c)).unwrap_or(&Data::Empty);
        if (0..=last_column).all(|c| matches!(cell(c), Data::Empty)) {
            continue;
        }
        let mut bad = |c: u32, reason: String| problems.push(Problem::at(sheet, r, c, cell(c), reason));
        let owner = match (read_kind(&key(cell(0))).unwrap_or_default(), cell(1)) {
            ("company", Data::Empty) => Some(TargetOwner::Company),
            ("company", _) => {
                bad(1, "the company has no id: leave Owner id empty on its line".into());
                None
            }
            (kind @ ("team" | "rep"), id) => match whole(id) {
                None => {
                    bad(1, format!("a {kind} line needs the {kind}'s id, a whole number"));
                    None
                }
                Some(id) if kind == "team" && !known.teams.contains(&id) => {
                    bad(1, format!("team {id} does not exist: use the id of an existing team"));
                    None
                }
                Some(id) if kind == "rep" && !known.reps.contains(&id) => {
                    bad(1, format!("rep {id} does not exist: use the id of an existing rep"));
                    None
                }
                Some(id) if kind == "team" => Some(TargetOwner::Team(id)),
                Some(id) => Some(TargetOwner::Rep(id)),
            },
            _ => {
                bad(0, "unknown owner kind: use company, team or rep".into());
                None
            }
        };
        let tier = match read_tier(&text(cell(3))) {
            Ok(t) => Some(t),
            Err(e) => {
                bad(3, e);
                None
            }
        };
        let mut amounts = [0i64; FISCAL_MONTHS];
        let mut months_ok = true;
        for (m, c) in columns.months.iter().enumerate() {
            match month_units(cell(*c), unit) {
                Ok(units) => amounts[m] = units,
                Err(reason) => {
                    bad(*c, reason);
                    months_ok = false;
                }
            }
        }
        if months_ok {
            match amounts.iter().try_fold(0i64, |acc, a| acc.checked_add(*a)) {
                Some(sum) => {
                    if let Err(reason) = check_total(cell(columns.year), sum, unit) {
                        bad(columns.year, reason);
                    }
                }
                None => bad(columns.year, "the months add up to more than can be represented".into()),
            }
        }
        let (Some(owner), Some(tier)) = (owner, tier) else { continue };
        if let Some(first) = seen.insert((owner, tier), r) {
            let reason =
                format!("a second line for {owner} at tier {tier} (the first is row {}): merge them", first + 1);
            problems.push(Problem::at(sheet, r, 0, cell(0), reason));
            continue;
        }
        targets.extend(amounts.iter().enumerate().map(|(m, amount)| Target {
            kpi: kpi.key().to_string(),
            owner,
            month: m as u8 + 1,
            tier,
            amount: *amount,
        }));
    }
    (problems.len() == before).then_some((seen.len(), targets))
}

/// How many targets differ between two sets of one KPI's targets: an amount changed, or a target
/// only in one of them.
fn changed_targets(before: &[Target], after: &[Target]) -> usize {
    let amounts = |targets: &[Target]| -> HashMap<_, i64> {
        targets.iter().map(|t| ((t.owner, t.tier, t.month), t.amount)).collect()
    };
    let (before, after) = (amounts(before), amounts(after));
    let changed = after.iter().filter(|(key, amount)| before.get(key) != Some(amount)).count();
    changed + before.keys().filter(|key| !after.contains_key(key)).count()
}

/// Reads a workbook's sheets, in order.
fn read_workbook(bytes: &[u8]) -> Result<Vec<(String, Range<Data>)>, AppError> {
    let unreadable = |e: &dyn std::fmt::Display| {
        AppError::BadRequest(format!("cannot read the file as an XLSX workbook: {e}; send a plan exported by Pacer"))
    };
    let mut book = calamine::Xlsx::new(std::io::Cursor::new(bytes)).map_err(|e| unreadable(&e))?;
    let names = book.sheet_names().to_vec();
    names
        .into_iter()
        .map(|name| {
            let range = book.worksheet_range(&name).map_err(|e| unreadable(&e))?;
            Ok((name, range))
        })
        .collect()
}

/// Imports an edited workbook into a draft plan: checks every sheet and cell, and when all is
/// valid replaces each sheet's KPI's targets with its lines (12 targets a line). With any problem
/// nothing is written and the answer is a 422 listing each `{sheet, row, column, value, reason}`.
pub async fn import(ctx: &Context<'_>, plan: &Plan, bytes: &[u8], actor: &Actor) -> Result<ImportReport, AppError> {
    let (store, org) = (ctx.store, &ctx.org);
    let catalog = ctx.catalog().await?;
    plan.status.ensure_editable().map_err(|e| AppError::Conflict(e.to_string()))?;
    let months = plan_months(org, plan.fiscal_year)?;
    let book = read_workbook(bytes)?;
    let known = Known {
        months: &months,
        currency: org.currency,
        teams: store.teams().await?.iter().map(|t| t.id).collect(),
        reps: store.reps(&RepFilter::default(), months[FISCAL_MONTHS - 1].end).await?.iter().map(|r| r.id).collect(),
    };
    let mut problems = Vec::new();
    let mut read: Vec<(&Kpi, usize, Vec<Target>)> = Vec::new();
    for (name, range) in &book {
        if is_about_sheet(name) {
            continue;
        }
        let Some(kpi) = catalog.kpis.iter().find(|k| sheet_name(k.key()) == *name) else {
            let keys: Vec<&str> = catalog.kpis.iter().map(|k| k.key()).collect();
            problems.push(Problem {
                sheet: name.clone(),
                row: None,
                column: None,
                value: name.clone(),
                reason: format!(
                    "not a KPI of the catalog: each sheet but {ABOUT_SHEET} is named by a KPI key ({})",
                    keys.join(", ")
                ),
            });
            continue;
        };
        if let Some((lines, targets)) = read_sheet(name, kpi, range, &known, &mut problems) {
            read.push((kpi, lines, targets));
        }
    }
    if !problems.is_empty() {
        let count = problems.len();
        return Err(AppError::Invalid {
            message: format!(
                "{count} problem{} in the workbook; nothing was imported",
                if count == 1 { "" } else { "s" }
            ),
            details: problems.iter().map(|p| serde_json::to_value(p).unwrap_or_default()).collect(),
        });
    }
    for (kpi, _, targets) in &read {
        check_kpi_targets(kpi.key(), targets).map_err(|e| AppError::invalid(e.to_string()))?;
    }
    let mut kpis = Vec::new();
    for (kpi, lines, targets) in read {
        let before = store.targets(plan.id, Some(kpi.key())).await?;
        let written = store.put_targets(plan.id, kpi.key(), &targets, actor).await?;
        let changed = changed_targets(&before, &targets);
        kpis.push(ImportedKpi { kpi: kpi.key().to_string(), lines, targets: written, changed });
    }
    Ok(ImportReport { plan: plan.id, kpis })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn column_letters_like_a_spreadsheet() {
        assert_eq!(column_letters(0), "A");
        assert_eq!(column_letters(4), "E");
        assert_eq!(column_letters(15), "P");
        assert_eq!(column_letters(25), "Z");
        assert_eq!(column_letters(26), "AA");
        assert_eq!(column_letters(701), "ZZ");
        assert_eq!(column_letters(702), "AAA");
    }

    fn cur(code: &str) -> Currency {
        Currency::parse(code).unwrap()
    }

    #[test]
    fn month_cells_to_units_exactly() {
        let money = |d: Data| month_units(&d, Unit::Money(cur("EUR")));
        let count = |d: Data| month_units(&d, Unit::Count);
        assert_eq!(money(Data::Float(1234.56)), Ok(123_456));
        assert_eq!(money(Data::Float(0.1)), Ok(10));
        assert_eq!(money(Data::Float(100.0)), Ok(10_000));
        assert_eq!(money(Data::Float(1e11)), Ok(10_000_000_000_000));
        assert_eq!(
            money(Data::Float(1e12)).unwrap_err(),
            "too large: a target is at most 100,000,000,000.00; check for a mistyped amount"
        );
        assert_eq!(money(Data::Int(7)), Ok(700));
        assert_eq!(money(Data::String(" 12.5 ".into())), Ok(1250));
        let cent_fraction = "the amount has more than 2 decimals, the most EUR has";
        assert_eq!(money(Data::Float(0.1 + 0.2)).unwrap_err(), cent_fraction);
        assert_eq!(money(Data::Float(12.345)).unwrap_err(), cent_fraction);
        assert!(money(Data::Float(-1.0)).unwrap_err().contains("negative"));
        assert_eq!(money(Data::Float(-0.0)), Ok(0));
        assert!(money(Data::Empty).unwrap_err().contains("empty"));
        assert_eq!(
            money(Data::String("1,200".into())).unwrap_err(),
            "not a number: type it without thousands separators, with a point before any decimals (1234.56)"
        );
        assert_eq!(money(Data::String("12x".into())).unwrap_err(), "not a number: type the amount as a number");
        assert!(money(Data::Float(1e300)).unwrap_err().contains("too large"));
        assert_eq!(count(Data::Float(42.0)), Ok(42));
        assert_eq!(
            count(Data::String("1,200".into())).unwrap_err(),
            "not a number: type it without thousands separators (1200)"
        );
        assert!(count(Data::Float(4.5)).unwrap_err().contains("whole"));
        assert!(count(Data::Bool(true)).unwrap_err().contains("not a number"));
    }

    /// Each currency's amounts are written with its decimals and read back to the same minor
    /// units; a cell with more decimals than the currency has is refused with why.
    #[test]
    fn money_round_trips_with_its_currencys_decimals() {
        for (code, format, amounts) in [
            ("EUR", "#,##0.00", vec![0, 1, 10, 99, 123_456, 10_000_000_000_000, 9_999_999_999_999]),
            ("JPY", "#,##0", vec![0, 1, 1500, 150_000, 10_000_000_000_000]),
            ("KWD", "#,##0.000", vec![0, 1, 5, 1_234_567, 999_999, 10_000_000_000_000]),
        ] {
            let unit = Unit::Money(cur(code));
            assert_eq!(unit.number_format(), format);
            for minor in amounts {
                let cell = Data::Float(unit.cell(minor));
                assert_eq!(month_units(&cell, unit), Ok(minor), "{code} {minor}");
                // As a spreadsheet may save it: the decimal text.
                let text = Data::String(pacer_core::money::plain_amount(minor, cur(code)));
                assert_eq!(month_units(&text, unit), Ok(minor), "{code} {text:?}");
                assert_eq!(check_total(&cell, minor, unit), Ok(()), "{code} {minor}");
            }
        }
        let jpy = Unit::Money(cur("JPY"));
        assert_eq!(month_units(&Data::Float(1500.0), jpy), Ok(1500));
        assert_eq!(
            month_units(&Data::Float(1500.5), jpy).unwrap_err(),
            "the amount has decimals, but JPY has none: amounts in JPY are whole"
        );
        let kwd = Unit::Money(cur("KWD"));
        assert_eq!(month_units(&Data::Float(1234.567), kwd), Ok(1_234_567));
        assert_eq!(month_units(&Data::Float(1.5), kwd), Ok(1_500));
        assert_eq!(
            month_units(&Data::Float(1234.5678), kwd).unwrap_err(),
            "the amount has more than 3 decimals, the most KWD has"
        );
        assert_eq!(
            check_total(&Data::Float(1300.0), 1_234_567, kwd).unwrap_err(),
            "total does not match the months: months sum to 1,234.567, total says 1,300.000; change the months, \
             not the total"
        );
        assert_eq!(
            check_total(&Data::Float(1300.0), 1_500, jpy).unwrap_err(),
            "total does not match the months: months sum to 1,500, total says 1,300; change the months, not the total"
        );
    }

    #[test]
    fn totals_match_or_are_reported() {
        let eur = Unit::Money(cur("EUR"));
        assert_eq!(check_total(&Data::Float(0.1 + 0.2), 30, eur), Ok(()));
        assert_eq!(check_total(&Data::Float(1234.56), 123_456, eur), Ok(()));
        assert_eq!(check_total(&Data::Float(12.0), 12, Unit::Count), Ok(()));
        assert_eq!(
            check_total(&Data::Float(1300.0), 123_456, eur).unwrap_err(),
            "total does not match the months: months sum to 1,234.56, total says 1,300.00; change the months, not \
             the total"
        );
        assert!(
            check_total(&Data::Float(13.0), 12, Unit::Count).unwrap_err().contains("months sum to 12, total says 13")
        );
        assert!(check_total(&Data::Empty, 12, Unit::Count).unwrap_err().contains("empty"));
    }

    #[test]
    fn month_like_headers() {
        for h in ["Feb 2027 (M13)", "M13 FY2027", "FY2027-M13", "Feb 2027", "jan 2030"] {
            assert!(looks_like_month(h), "{h}");
        }
        for h in ["Notes", "Total", "", "Comment 2027"] {
            assert!(!looks_like_month(h), "{h}");
        }
    }

    #[test]
    fn problems_as_lines() {
        let p =
            serde_json::json!({"sheet": "calls_made", "row": 5, "column": "E", "value": "-3", "reason": "negative"});
        assert_eq!(problem_line(&p), "calls_made!E5 \"-3\": negative");
        let p = serde_json::json!({"sheet": "x", "row": null, "column": null, "value": "x", "reason": "not a KPI"});
        assert_eq!(problem_line(&p), "x \"x\": not a KPI");
    }
}
