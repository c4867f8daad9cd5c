//! Tables as files: CSV and XLSX, shared by the API, the pages and the CLI
//! so that a report downloads the same wherever it comes from.

use pacer_core::money::{Currency, plain_amount};
use std::borrow::Cow;
use std::io::Write;

/// A table: a name (the sheet's), headers and rows of text cells. Cells
/// that read as numbers are written as numbers to workbooks, so sales
/// people can sum them.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Sheet {
    /// Sheet name (at most 31 characters in a workbook).
    pub name: String,
    /// Column headers.
    pub headers: Vec<String>,
    /// Rows of cells.
    pub rows: Vec<Vec<String>>,
}

impl Sheet {
    /// The name a table is asked for by (`?table=`, `--table`): its name in lower case, words joined
    /// by hyphens ("Data gaps" is `data-gaps`).
    pub fn key(&self) -> String {
        self.name.split_whitespace().map(str::to_lowercase).collect::<Vec<_>>().join("-")
    }
}

/// The table of `sheets` named `key` ([`Sheet::key`]), or the first without one; an unknown name
/// is refused with the names there are.
pub fn pick<'s>(sheets: &'s [Sheet], key: Option<&str>) -> Result<&'s Sheet, String> {
    let found = match key {
        None => sheets.first(),
        Some(k) => sheets.iter().find(|s| s.key() == k.trim().to_lowercase()),
    };
    found.ok_or_else(|| {
        let keys: Vec<String> = sheets.iter().map(Sheet::key).collect();
        format!("no table {:?}: the tables are {}", key.unwrap_or_default(), keys.join(", "))
    })
}

/// A share as a file writes it: a percentage with one decimal (`87.5` for 0.875); empty without one.
pub fn percent_cell(share: Option<f64>) -> String {
    share.map(|v| format!("{:.1}", v * 100.0)).unwrap_or_default()
}

/// A figure of a KPI in `unit` as a file writes it: money (kept in minor units, a projection or an
/// average to the nearest one) in units of `currency` with its decimals, as
/// [`plain_amount`] writes it; other figures with 2 decimals; empty without one.
pub fn figure_cell(unit: &str, figure: Option<f64>, currency: Currency) -> String {
    match figure {
        Some(v) if unit == "currency" => plain_amount(v.round() as i64, currency),
        Some(v) => format!("{v:.2}"),
        None => String::new(),
    }
}

/// A whole figure of a KPI in `unit` (a target) as a file writes it ([`figure_cell`]).
pub fn whole_cell(unit: &str, figure: i64, currency: Currency) -> String {
    if unit == "currency" { plain_amount(figure, currency) } else { figure_cell(unit, Some(figure as f64), currency) }
}

/// Why a table could not be written.
#[derive(Debug, thiserror::Error)]
pub enum ExportError {
    /// The workbook writer refused.
    #[error("cannot write the workbook: {0}")]
    Xlsx(#[from] rust_xlsxwriter::XlsxError),
    /// The CSV writer refused.
    #[error("cannot write CSV: {0}")]
    Csv(String),
}

/// The table as CSV, every cell through [`csv_cell`].
pub fn csv(sheet: &Sheet) -> Result<Vec<u8>, ExportError> {
    let mut writer = csv::Writer::from_writer(Vec::new());
    let fail = |e: csv::Error| ExportError::Csv(e.to_string());
    write_csv_row(&mut writer, &sheet.headers).map_err(fail)?;
    for row in &sheet.rows {
        write_csv_row(&mut writer, row).map_err(fail)?;
    }
    writer.into_inner().map_err(|e| ExportError::Csv(e.to_string()))
}

/// A cell as Pacer writes it to CSV. Spreadsheets run a cell that starts with
/// `=`, `+`, `-` or `@` (or a tab or carriage return before one) as a formula,
/// so a rep or account named `=HYPERLINK(...)` would run in whoever opens the
/// file: such text gets a leading `'` (OWASP's rule). A plain number such as
/// `-12.5` stays as it is, as figures must stay summable.
pub fn csv_cell(text: &str) -> Cow<'_, str> {
    let risky = text.starts_with(['=', '+', '-', '@', '\t', '\r']);
    if risky && !is_plain_number(text) { Cow::Owned(format!("'{text}")) } else { Cow::Borrowed(text) }
}

/// `-12`, `-12.5`: a minus, digits and at most one decimal point between digits.
fn is_plain_number(text: &str) -> bool {
    let Some(digits) = text.strip_prefix('-') else { return false };
    let (whole, fraction) = digits.split_once('.').unwrap_or((digits, "0"));
    let all_digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    all_digits(whole) && all_digits(fraction)
}

/// Writes one CSV row, each cell through [`csv_cell`]: the one way Pacer writes CSV.
pub fn write_csv_row<W: Write, S: AsRef<str>>(
    writer: &mut csv::Writer<W>,
    cells: impl IntoIterator<Item = S>,
) -> csv::Result<()> {
    writer.write_record(cells.into_iter().map(|c| csv_cell(c.as_ref()).into_owned()))
}

/// The number format of a workbook cell holding an amount of `currency`: thousands grouped, with
/// the currency's ISO 4217 decimals (`#,##0.00` for EUR, `#,##0` for JPY, `#,##0.000` for KWD).
pub fn money_format(currency: Currency) -> String {
    match currency.minor_exponent() {
        0 => "#,##0".to_string(),
        e => format!("#,##0.{}", "0".repeat(e as usize)),
    }
}

/// An amount as a workbook cell's number: the double nearest the decimal [`plain_amount`] writes
/// (1234.56 for 123456 euro cents). Workbook numbers are doubles; Pacer reads amounts back from
/// their decimal digits, never computes with this one.
pub fn money_number(minor: i64, currency: Currency) -> f64 {
    plain_amount(minor, currency).parse().unwrap_or_default()
}

/// A sheet name a workbook accepts: without `[]:*?/` or a backslash, at most 31 characters, never empty.
pub(crate) fn sheet_name(name: &str) -> String {
    let name: String = name.chars().filter(|c| !"[]:*?/\\".contains(*c)).take(31).collect();
    if name.is_empty() { "Sheet".to_string() } else { name }
}

/// A cell's text as a workbook number and the decimals it is written with: `1234.500` is
/// (1234.5, 3), `12` is (12.0, 0); text that is not a finite number is none.
fn number_cell(text: &str) -> Option<(f64, usize)> {
    let n = text.parse::<f64>().ok().filter(|n| n.is_finite())?;
    Some((n, text.split_once('.').map_or(0, |(_, fraction)| fraction.len())))
}

/// The number format showing `places` decimals, without grouping (as the CSV writes them).
fn decimals_format(places: usize) -> String {
    if places == 0 { "0".to_string() } else { format!("0.{}", "0".repeat(places)) }
}

/// The tables as one workbook, a sheet each: bold header row, frozen, numbers as numbers. A
/// number keeps the decimals it is written with (`1234.500` dinars show as 1234.500, `1234.50`
/// euros as 1234.50, whole yen without any): the cell's number format has as many.
pub fn xlsx(sheets: &[Sheet]) -> Result<Vec<u8>, ExportError> {
    let mut book = rust_xlsxwriter::Workbook::new();
    let bold = rust_xlsxwriter::Format::new().set_bold();
    let mut decimals: std::collections::HashMap<usize, rust_xlsxwriter::Format> = std::collections::HashMap::new();
    for sheet in sheets {
        let ws = book.add_worksheet();
        ws.set_name(sheet_name(&sheet.name))?;
        for (c, header) in sheet.headers.iter().enumerate() {
            ws.write_string_with_format(0, c as u16, header, &bold)?;
        }
        for (r, row) in sheet.rows.iter().enumerate() {
            for (c, value) in row.iter().enumerate() {
                let (r, c) = (r as u32 + 1, c as u16);
                match number_cell(value) {
                    Some((n, 0)) => ws.write_number(r, c, n)?,
                    Some((n, places)) => {
                        let format = decimals
                            .entry(places)
                            .or_insert_with(|| rust_xlsxwriter::Format::new().set_num_format(decimals_format(places)));
                        ws.write_number_with_format(r, c, n, format)?
                    }
                    None => ws.write_string(r, c, value)?,
                };
            }
        }
        ws.set_freeze_panes(1, 0)?;
        ws.autofit();
    }
    Ok(book.save_to_buffer()?)
}

/// The tables as one workbook ([`xlsx`]) for a reader of `locale`: each sheet's name and column
/// header is written in their language where `xlsx.ftl` has its words, as the message
/// `xlsx-sheet-…` or `xlsx-col-…` named by the English text in lower case with dashes ("Data
/// gaps" is `xlsx-sheet-data-gaps`, "what to do" `xlsx-col-what-to-do`); a header's unit in
/// brackets ("won (EUR)") follows as it is. Names and headers without words (a KPI's key, a
/// period) stay as they are; the cells are the same in every language. CSV keeps the headers
/// machines read.
pub fn xlsx_in(sheets: &[Sheet], locale: pacer_i18n::Locale) -> Result<Vec<u8>, ExportError> {
    let shown: Vec<Sheet> = sheets
        .iter()
        .map(|s| Sheet {
            name: words(locale, "xlsx-sheet-", &s.name),
            headers: s.headers.iter().map(|h| words(locale, "xlsx-col-", h)).collect(),
            rows: s.rows.clone(),
        })
        .collect();
    xlsx(&shown)
}

/// `text` in the words of `locale`, when the message `prefix` + its slug exists; else as it is.
pub fn words(locale: pacer_i18n::Locale, prefix: &str, text: &str) -> String {
    let (head, unit) = match text.rfind(" (") {
        Some(at) if text.ends_with(')') => text.split_at(at),
        _ => (text, ""),
    };
    let slug = head
        .to_lowercase()
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|w| !w.is_empty())
        .collect::<Vec<_>>()
        .join("-");
    if slug.is_empty() {
        return text.to_owned();
    }
    let id = format!("{prefix}{slug}");
    let said = locale.t(&id);
    if said == id { text.to_owned() } else { format!("{said}{unit}") }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_stay_numbers_and_text_stays_text() {
        let sheet = Sheet {
            name: "Calls: FY2027".into(),
            headers: vec!["Rep".into(), "Calls".into()],
            rows: vec![vec!["Ada, \"A\"".into(), "12".into()]],
        };
        assert_eq!(String::from_utf8(csv(&sheet).unwrap()).unwrap(), "Rep,Calls\n\"Ada, \"\"A\"\"\",12\n");
        let book = xlsx(&[sheet]).unwrap();
        assert!(book.starts_with(b"PK"));
    }

    #[test]
    fn numbers_keep_their_decimals_in_workbooks() {
        let eur = Currency::parse("EUR").unwrap();
        let jpy = Currency::parse("JPY").unwrap();
        let kwd = Currency::parse("KWD").unwrap();
        for (minor, currency, number, places, format) in [
            (123_450, eur, 1234.5, 2, "0.00"),
            (150_000, jpy, 150_000.0, 0, "0"),
            (1_234_500, kwd, 1234.5, 3, "0.000"),
            (-5, kwd, -0.005, 3, "0.000"),
        ] {
            let text = plain_amount(minor, currency);
            assert_eq!(number_cell(&text), Some((number, places)), "{text}");
            assert_eq!(decimals_format(places), format);
            assert_eq!(money_number(minor, currency), number);
        }
        assert_eq!(number_cell("12"), Some((12.0, 0)));
        assert_eq!(number_cell("Ada"), None);
        assert_eq!(number_cell("NaN"), None);
        assert_eq!(
            (money_format(eur), money_format(jpy), money_format(kwd)),
            ("#,##0.00".into(), "#,##0".into(), "#,##0.000".into())
        );
    }

    #[test]
    fn cells_that_would_run_as_formulas_are_neutralised() {
        for (text, written) in [
            ("=HYPERLINK(\"http://x\",\"y\")", "'=HYPERLINK(\"http://x\",\"y\")"),
            ("=1+1", "'=1+1"),
            ("+1", "'+1"),
            ("@SUM(A1)", "'@SUM(A1)"),
            ("-2+3", "'-2+3"),
            ("-", "'-"),
            ("-.5", "'-.5"),
            ("-1.", "'-1."),
            ("\t=1", "'\t=1"),
            ("\r=1", "'\r=1"),
            ("-12.5", "-12.5"),
            ("-3", "-3"),
            ("12", "12"),
            ("Ada = 1", "Ada = 1"),
            ("", ""),
        ] {
            assert_eq!(csv_cell(text), written, "{text:?}");
        }
        let sheet = Sheet {
            name: "x".into(),
            headers: vec!["=h".into()],
            rows: vec![vec!["@SUM(A1)".into()], vec!["-0.50".into()]],
        };
        assert_eq!(String::from_utf8(csv(&sheet).unwrap()).unwrap(), "'=h\n'@SUM(A1)\n-0.50\n");
    }

    #[test]
    fn workbooks_speak_their_readers_language() {
        let fr = pacer_i18n::Locale::FRENCH;
        assert_eq!(words(fr, "xlsx-sheet-", "Data gaps"), "Lacunes de données");
        assert_eq!(words(fr, "xlsx-col-", "quarter raw %"), "atteinte brute du trimestre %");
        assert_eq!(words(fr, "xlsx-col-", "Calls (EUR)"), "Calls (EUR)", "no words: as it is");
        assert_eq!(words(fr, "xlsx-sheet-", "new_business"), "new_business");
        assert_eq!(words(pacer_i18n::Locale::ENGLISH, "xlsx-sheet-", "Data gaps"), "Data gaps");
        let sheet = Sheet { name: "Summary".into(), headers: vec!["KPI".into()], rows: vec![vec!["1234.50".into()]] };
        assert!(xlsx_in(&[sheet], fr).unwrap().starts_with(b"PK"));
    }
}
