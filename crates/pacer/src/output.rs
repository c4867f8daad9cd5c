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

/// A listing: column headers, rows of text, and the records for JSON.
pub struct Listing<'a, T: Serialize> {
    /// Column headers.
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
                table.set_header(self.headers.iter().copied());
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
        let bytes = pacer_app::export::xlsx(&[self.sheet(sheet)])?;
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
            println!("Wrote {}", path.display());
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
        Listing { headers: &headers, rows: sheet.rows.clone(), records: &[] as &[()] }.render(format)
    };
    let text = match format {
        ReportFormat::Xlsx => {
            let path = output.ok_or_else(|| anyhow::anyhow!("--format xlsx needs --output FILE.xlsx"))?;
            std::fs::write(path, pacer_app::export::xlsx(sheets)?)
                .map_err(|e| anyhow::anyhow!("cannot write {}: {e}", path.display()))?;
            println!("Wrote {}", path.display());
            return Ok(());
        }
        ReportFormat::Json => format!("{}\n", serde_json::to_string_pretty(json)?),
        ReportFormat::Csv => listing(chosen(table)?, Format::Csv)?,
        ReportFormat::Table => match table {
            Some(_) => listing(chosen(table)?, Format::Table)?,
            None => sheets
                .iter()
                .map(|s| Ok(format!("{}\n{}", s.name, listing(s, Format::Table)?)))
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
