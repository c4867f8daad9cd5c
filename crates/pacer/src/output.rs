//! Listings on the terminal: a table, JSON or CSV, for every command that lists.

use anyhow::Result;
use clap::ValueEnum;
use comfy_table::{ContentArrangement, Table, presets::UTF8_FULL_CONDENSED};
use serde::Serialize;

/// The language of this run's output for people, set once from `--lang`, `PACER_LANG` or the
/// system's locale before any command runs (one process, one reader).
static LOCALE: std::sync::OnceLock<pacer_i18n::Locale> = std::sync::OnceLock::new();

/// Sets the language of this run's output for people.
pub fn set_locale(locale: pacer_i18n::Locale) {
    let _ = LOCALE.set(locale);
}

/// The language of this run's output for people (English until set).
pub fn locale() -> pacer_i18n::Locale {
    LOCALE.get().copied().unwrap_or_default()
}

/// How a listing is printed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum, Default)]
pub enum Format {
    /// A table for people.
    #[default]
    Table,
    /// JSON for programs.
    Json,
    /// CSV for spreadsheets.
    Csv,
}

/// A column's header in a table for people: the machine header (the one CSV writes) in
/// English, and in another language the message `cli-col-…` named by it in lower case with
/// dashes ("working days" is `cli-col-working-days`), else the workbooks' `xlsx-col-…` (the
/// tables the use cases build share them); a unit in brackets ("open (EUR)") follows as it is.
/// Headers without words (a KPI's name, a period) stay as they are.
pub fn header(machine: &str) -> String {
    let locale = locale();
    if locale == pacer_i18n::Locale::ENGLISH {
        return machine.to_owned();
    }
    let said = pacer_app::export::words(locale, "cli-col-", machine);
    if said != machine { said } else { pacer_app::export::words(locale, "xlsx-col-", machine) }
}

/// Figures as a listing writes them: in a table for people, in the reader's formats (grouped
/// numbers, their decimal separator, dates in words, yes and no); in CSV and JSON, the plain
/// forms programs read, the same in every language.
pub trait Figures: Copy {
    /// Whether the figures are for people (a table).
    fn for_people(self) -> bool;

    /// A whole number.
    fn count(self, n: i64) -> String {
        if self.for_people() { locale().count(n) } else { n.to_string() }
    }

    /// A number with `places` decimals.
    fn decimal(self, x: f64, places: u8) -> String {
        if self.for_people() { locale().decimal(x, places) } else { format!("{x:.*}", usize::from(places)) }
    }

    /// A share (1.0 is all) as a percentage with `places` decimals.
    fn percent(self, share: f64, places: u8) -> String {
        if self.for_people() {
            locale().percent(share, places)
        } else {
            format!("{:.*}%", usize::from(places), share * 100.0)
        }
    }

    /// A day.
    fn date(self, day: chrono::NaiveDate) -> String {
        if self.for_people() { locale().date(day) } else { day.to_string() }
    }

    /// An optional day.
    fn some_date(self, day: Option<chrono::NaiveDate>) -> String {
        day.map(|d| self.date(d)).unwrap_or_default()
    }

    /// A word of an enum (a kind, a status): `machine` for programs and English tables (as it
    /// always was), the message `id` in another language's table.
    fn word(self, machine: &str, id: &str) -> String {
        self.words(machine, |l| l.t(id))
    }

    /// Words for people in another language than English, as `words` writes them; else
    /// `machine` (programs, and English tables as they always were).
    fn words(self, machine: &str, words: impl FnOnce(pacer_i18n::Locale) -> String) -> String {
        match locale() {
            l if self.for_people() && l != pacer_i18n::Locale::ENGLISH => words(l),
            _ => machine.to_owned(),
        }
    }

    /// A stored instant (RFC 3339, UTC): its day and time for people ("Dec 7, 2026, 14:05"), as
    /// it is stored for programs (and when it is not one).
    fn moment(self, at: &str) -> String {
        match chrono::DateTime::parse_from_rfc3339(at) {
            Ok(t) if self.for_people() => format!("{}, {}", locale().date(t.date_naive()), t.format("%H:%M")),
            _ => at.to_owned(),
        }
    }

    /// Yes or no (`true`/`false` for programs).
    fn yes_no(self, yes: bool) -> String {
        match (self.for_people(), yes) {
            (false, _) => yes.to_string(),
            (true, true) => locale().t("cli-yes"),
            (true, false) => locale().t("cli-no"),
        }
    }
}

impl Figures for Format {
    fn for_people(self) -> bool {
        self == Format::Table
    }
}

impl Figures for ReportFormat {
    fn for_people(self) -> bool {
        self == ReportFormat::Table
    }
}

/// A listing: column headers, rows of text, and the records for JSON.
pub struct Listing<'a, T: Serialize> {
    /// Column headers as CSV writes them (a table for people shows each through [`header`]).
    pub headers: &'a [&'a str],
    /// One row of cells per record.
    pub rows: Vec<Vec<String>>,
    /// The records themselves, for JSON.
    pub records: &'a [T],
}

impl<T: Serialize> Listing<'_, T> {
    /// Prints the listing to standard output in `format`.
    pub fn print(&self, format: Format) -> Result<()> {
        print!("{}", self.render(format)?);
        Ok(())
    }

    /// The listing as text in `format`.
    pub fn render(&self, format: Format) -> Result<String> {
        Ok(match format {
            Format::Table => {
                let mut table = Table::new();
                table.load_style(UTF8_FULL_CONDENSED).set_content_arrangement(ContentArrangement::Dynamic);
                table.set_header(self.headers.iter().map(|h| header(h)));
                for row in &self.rows {
                    table.add_row(row.iter().cloned());
                }
                format!("{table}\n")
            }
            Format::Json => format!("{}\n", serde_json::to_string_pretty(self.records)?),
            // The one CSV writer: cells that would run as formulas are neutralised.
            Format::Csv => String::from_utf8(pacer_app::export::csv(&self.sheet(""))?)?,
        })
    }

    /// The listing as a table to export.
    fn sheet(&self, name: &str) -> pacer_app::export::Sheet {
        pacer_app::export::Sheet {
            name: name.into(),
            headers: self.headers.iter().map(|h| h.to_string()).collect(),
            rows: self.rows.clone(),
        }
    }

    /// Writes the listing as one sheet of an XLSX workbook: numbers stay
    /// numbers (so sales people can sum them), the header row is bold.
    pub fn write_xlsx(&self, path: &std::path::Path, sheet: &str) -> Result<()> {
        let mut sheet = self.sheet(sheet);
        sheet.headers = sheet.headers.iter().map(|h| header(h)).collect();
        let bytes = pacer_app::export::xlsx_in(&[sheet], locale())?;
        std::fs::write(path, bytes).map_err(|e| anyhow::anyhow!("cannot write {}: {e}", path.display()))
    }
}

/// Report formats: the listing formats plus XLSX.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum, Default)]
pub enum ReportFormat {
    /// A table for people.
    #[default]
    Table,
    /// JSON for programs (the full report).
    Json,
    /// CSV for spreadsheets.
    Csv,
    /// An Excel workbook (needs --output).
    Xlsx,
}

/// Prints or writes a report: a table or CSV on the terminal or to `output`,
/// JSON of `json`, or an XLSX workbook (which needs `output`).
pub fn emit_report<T: Serialize>(
    listing: &Listing<'_, T>,
    json: &impl Serialize,
    format: ReportFormat,
    output: Option<&std::path::Path>,
    sheet: &str,
) -> Result<()> {
    let text = match format {
        ReportFormat::Xlsx => {
            let path = output.ok_or_else(|| anyhow::anyhow!("--format xlsx needs --output FILE.xlsx"))?;
            listing.write_xlsx(path, sheet)?;
            wrote(path);
            return Ok(());
        }
        ReportFormat::Json => format!("{}\n", serde_json::to_string_pretty(json)?),
        ReportFormat::Csv => listing.render(Format::Csv)?,
        ReportFormat::Table => listing.render(Format::Table)?,
    };
    match output {
        Some(path) => std::fs::write(path, text).map_err(|e| anyhow::anyhow!("cannot write {}: {e}", path.display())),
        None => {
            print!("{text}");
            Ok(())
        }
    }
}

/// Prints or writes tables: each as a table for people under its name (or only the one `table`
/// names), CSV of one table (`table`, else the first), JSON of `json`, or an XLSX workbook of
/// them all (which needs `output`).
pub fn emit_sheets(
    sheets: &[pacer_app::export::Sheet],
    json: &impl Serialize,
    format: ReportFormat,
    table: Option<&str>,
    output: Option<&std::path::Path>,
) -> Result<()> {
    let chosen = |key| pacer_app::export::pick(sheets, key).map_err(|e| anyhow::anyhow!(e));
    let listing = |sheet: &pacer_app::export::Sheet, format| {
        let headers: Vec<&str> = sheet.headers.iter().map(String::as_str).collect();
        let rows = match format {
            // A table for people writes the figures of the sheet's plain cells in the reader's formats.
            Format::Table => people_rows(&headers, &sheet.rows),
            _ => sheet.rows.clone(),
        };
        Listing { headers: &headers, rows, records: &[] as &[()] }.render(format)
    };
    let text = match format {
        ReportFormat::Xlsx => {
            let path = output.ok_or_else(|| anyhow::anyhow!("--format xlsx needs --output FILE.xlsx"))?;
            std::fs::write(path, pacer_app::export::xlsx_in(sheets, locale())?)
                .map_err(|e| anyhow::anyhow!("cannot write {}: {e}", path.display()))?;
            wrote(path);
            return Ok(());
        }
        ReportFormat::Json => format!("{}\n", serde_json::to_string_pretty(json)?),
        ReportFormat::Csv => listing(chosen(table)?, Format::Csv)?,
        ReportFormat::Table => match table {
            Some(_) => listing(chosen(table)?, Format::Table)?,
            None => sheets
                .iter()
                .map(|s| Ok(format!("{}\n{}", sheet_name(&s.name), listing(s, Format::Table)?)))
                .collect::<Result<Vec<_>>>()?
                .join("\n"),
        },
    };
    match output {
        Some(path) => std::fs::write(path, text).map_err(|e| anyhow::anyhow!("cannot write {}: {e}", path.display())),
        None => {
            print!("{text}");
            Ok(())
        }
    }
}

/// The rows of a sheet (written for files) for people: each cell through [`people_cell`].
pub fn people_rows(headers: &[&str], rows: &[Vec<String>]) -> Vec<Vec<String>> {
    let header = |i: usize| headers.get(i).copied().unwrap_or_default();
    rows.iter().map(|row| row.iter().enumerate().map(|(i, c)| people_cell(header(i), c)).collect()).collect()
}

/// A cell of a sheet (written for files: `1234.50`, `87.5`, `2026-12-07`, `true`) in a table for
/// people: numbers grouped with the decimals they have, days in words, yes and no, churn bands in
/// the reader's words; other text as it is.
fn people_cell(header: &str, cell: &str) -> String {
    let l = locale();
    if let Some((x, places)) = plain_number(cell) {
        return l.decimal(x, places.min(6) as u8);
    }
    if let Ok(day) = chrono::NaiveDate::parse_from_str(cell, "%Y-%m-%d") {
        return l.date(day);
    }
    match (cell, header) {
        ("true" | "false", _) => Format::Table.yes_no(cell == "true"),
        ("normal", "band") => Format::Table.word(cell, "chart-zone-normal"),
        ("acceptable", "band") => Format::Table.word(cell, "chart-zone-acceptable"),
        ("high", "band") => Format::Table.word(cell, "chart-zone-high"),
        _ => cell.to_owned(),
    }
}

/// A cell that is a plain number as files write it (`-1234.50`) and its decimals.
fn plain_number(cell: &str) -> Option<(f64, usize)> {
    let digits = cell.strip_prefix('-').unwrap_or(cell);
    let (whole, fraction) = digits.split_once('.').unwrap_or((digits, "0"));
    let all_digits = |t: &str| !t.is_empty() && t.bytes().all(|b| b.is_ascii_digit());
    if !all_digits(whole) || !all_digits(fraction) {
        return None;
    }
    Some((cell.parse().ok()?, digits.split_once('.').map_or(0, |(_, f)| f.len())))
}

/// A fiscal year as people read it ("FY2027").
pub fn fiscal_year(fy: i32) -> String {
    pacer_i18n::tr!(locale(), "period-year", fy = fy.to_string())
}

/// A period of the organisation's calendar for people, from its stable name (`FY2027-Q2`): in
/// English the use case's `label` (as CSV writes it), in another language the locale's ("T2
/// FY2027"); `label` also for a name that is not a fiscal period (a range of dates).
pub fn period_label(calendar: &pacer_core::fiscal_calendar::FiscalCalendar, name: &str, label: &str) -> String {
    match (locale(), calendar.parse_period(name)) {
        (pacer_i18n::Locale::ENGLISH, _) | (_, Err(_)) => label.to_owned(),
        (l, Ok(p)) => l.period(&p),
    }
}

/// The sentence that says open deals are in stages not mapped: core's words in English (scripts
/// read them), the stages page's in another language; none when every open deal is mapped.
pub fn unmapped_note(
    unmapped: &[pacer_core::pipeline::UnmappedStage],
    currency: pacer_core::money::Currency,
) -> Option<String> {
    match locale() {
        pacer_i18n::Locale::ENGLISH => pacer_core::pipeline::unmapped_note(unmapped, currency),
        l => pacer_web::pages::stages::unmapped_note(l, unmapped, currency),
    }
}

/// Says a file was written.
pub fn wrote(path: &std::path::Path) {
    println!("{}", pacer_i18n::tr!(locale(), "cli-wrote", path = path.display().to_string()));
}

/// A table's name above it, in the reader's words where the command line's (`cli-sheet-…`) or
/// the workbooks' messages have them.
fn sheet_name(name: &str) -> String {
    match locale() {
        pacer_i18n::Locale::ENGLISH => name.to_owned(),
        l => match pacer_app::export::words(l, "cli-sheet-", name) {
            said if said != name => said,
            _ => pacer_app::export::words(l, "xlsx-sheet-", name),
        },
    }
}

impl ReportFormat {
    /// A KPI value as this format writes it: grouped money and percent signs in a table for
    /// people, plain numbers in files; money with `currency`'s exponent either way.
    pub fn value(self, value: &pacer_core::kpi::KpiValue, currency: pacer_core::money::Currency) -> String {
        match self {
            ReportFormat::Table => locale().value(value, currency),
            _ => pacer_app::report::cell_text(value, currency),
        }
    }

    /// An amount in minor units of `currency`, as this format writes it.
    pub fn money(self, minor: i64, currency: pacer_core::money::Currency) -> String {
        self.value(&pacer_core::kpi::KpiValue::Money(minor), currency)
    }
}

/// An optional value as a cell.
pub fn cell<T: ToString>(value: &Option<T>) -> String {
    value.as_ref().map(ToString::to_string).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renders_every_format() {
        let records = vec![serde_json::json!({"a": 1})];
        let listing = Listing { headers: &["a", "b"], rows: vec![vec!["1".into(), "x,y".into()]], records: &records };
        assert_eq!(listing.render(Format::Csv).unwrap(), "a,b\n1,\"x,y\"\n");
        assert!(listing.render(Format::Json).unwrap().contains("\"a\": 1"));
        assert!(listing.render(Format::Table).unwrap().contains("x,y"));
        let evil = Listing { headers: &["a"], rows: vec![vec!["=1+1".into()], vec!["-4.5".into()]], records: &records };
        assert_eq!(evil.render(Format::Csv).unwrap(), "a\n'=1+1\n-4.5\n");
    }
}
