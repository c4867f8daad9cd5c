//! Tables as files: CSV and XLSX, shared by the API, the pages and the CLI
//! so that a report downloads the same wherever it comes from.

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

/// The table as CSV.
pub fn csv(sheet: &Sheet) -> Result<Vec<u8>, ExportError> {
    let mut writer = csv::Writer::from_writer(Vec::new());
    let fail = |e: csv::Error| ExportError::Csv(e.to_string());
    writer.write_record(&sheet.headers).map_err(fail)?;
    for row in &sheet.rows {
        writer.write_record(row).map_err(fail)?;
    }
    writer.into_inner().map_err(|e| ExportError::Csv(e.to_string()))
}

/// A sheet name a workbook accepts: without `[]:*?/` or a backslash, at most 31 characters, never empty.
pub(crate) fn sheet_name(name: &str) -> String {
    let name: String = name.chars().filter(|c| !"[]:*?/\\".contains(*c)).take(31).collect();
    if name.is_empty() { "Sheet".to_string() } else { name }
}

/// The tables as one workbook, a sheet each: bold header row, frozen, numbers as numbers.
pub fn xlsx(sheets: &[Sheet]) -> Result<Vec<u8>, ExportError> {
    let mut book = rust_xlsxwriter::Workbook::new();
    let bold = rust_xlsxwriter::Format::new().set_bold();
    for sheet in sheets {
        let ws = book.add_worksheet();
        ws.set_name(sheet_name(&sheet.name))?;
        for (c, header) in sheet.headers.iter().enumerate() {
            ws.write_string_with_format(0, c as u16, header, &bold)?;
        }
        for (r, row) in sheet.rows.iter().enumerate() {
            for (c, value) in row.iter().enumerate() {
                let (r, c) = (r as u32 + 1, c as u16);
                match value.parse::<f64>() {
                    Ok(n) if n.is_finite() => ws.write_number(r, c, n)?,
                    _ => ws.write_string(r, c, value)?,
                };
            }
        }
        ws.set_freeze_panes(1, 0)?;
        ws.autofit();
    }
    Ok(book.save_to_buffer()?)
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
}
