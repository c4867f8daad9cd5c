//! Reading files as they come: the encoding detected (or named), the CSV
//! delimiter guessed, the header found below a report's title and filters,
//! and a report's totals and footer recognised at the end; all of it said in
//! [`FileNotes`], never silently. CSVs are read in constant memory; workbooks
//! (XLSX, ODS) whole.

use encoding_rs::{Encoding, UTF_8, UTF_16BE, UTF_16LE};
use pacer_core::import::{
    HEADER_SEARCH_ROWS, MappingChoice, is_blank_row, is_footer_row, not_utf8, sniff_delimiter_lines,
};
use serde::Serialize;
use std::collections::VecDeque;
use std::io::{BufRead, BufReader, Read};

/// A file's rows as text.
#[derive(Debug, Clone, Default)]
pub struct Table {
    /// The header row.
    pub header: Vec<String>,
    /// The data rows, each with its spreadsheet row number.
    pub rows: Vec<(usize, Vec<String>)>,
}

/// A row of a report's title, filters, totals or footer, left out of the import.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SkippedRow {
    /// Spreadsheet row number.
    pub row: usize,
    /// Its non-empty cells, joined (the first 80 characters).
    pub text: String,
}

/// What reading a file found out about it, for the import's summary.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct FileNotes {
    /// How the bytes were read: `UTF-8`, `UTF-8 (with BOM)`, `UTF-16LE (BOM)`,
    /// `windows-1252 (detected)`, `ISO-8859-2 (as asked)`, `a workbook, sheet "Deals"`.
    pub encoding: String,
    /// The CSV delimiter (none for a workbook).
    pub delimiter: Option<char>,
    /// Spreadsheet row number of the header.
    pub header_row: usize,
    /// Report rows above the header and below the data, left out.
    pub skipped: Vec<SkippedRow>,
    /// How the mapping was chosen, when a preset gave it.
    pub mapping: Option<String>,
}

impl FileNotes {
    /// One line for a terminal or a page: `read as windows-1252 (detected), delimiter ';';
    /// 4 report rows left out: row 1 "Pipeline", ...`.
    pub fn summary(&self) -> String {
        let mut parts = vec![format!("read as {}", self.encoding)];
        if let Some(d) = self.delimiter {
            parts.push(format!("delimiter {}", if d == '\t' { "tab".to_string() } else { format!("{d:?}") }));
        }
        if let Some(m) = &self.mapping {
            parts.push(m.clone());
        }
        let mut line = parts.join(", ");
        if !self.skipped.is_empty() {
            let rows: Vec<String> = self.skipped.iter().map(|s| format!("row {} {:?}", s.row, s.text)).collect();
            line.push_str(&format!(
                "; {} report row(s) left out (title, totals or footer): {}",
                self.skipped.len(),
                rows.join(", ")
            ));
        }
        line
    }
}

/// How a file is read.
#[derive(Debug, Clone, Copy, Default)]
pub struct ReadOptions<'a> {
    /// XLSX: the sheet [default: the first].
    pub sheet: Option<&'a str>,
    /// CSV: the delimiter [default: guessed].
    pub delimiter: Option<char>,
    /// CSV: the encoding [default: detected].
    pub encoding: Option<&'static Encoding>,
}

/// The encoding named by a label (`latin1`, `iso-8859-1`, `windows-1252`, `utf-16le`, ...), as
/// browsers read them: ISO-8859-1 is read as its superset windows-1252.
pub fn encoding_named(label: &str) -> Result<&'static Encoding, String> {
    Encoding::for_label(label.trim().as_bytes()).ok_or_else(|| {
        format!("unknown encoding {label:?}: use utf-8, utf-16le, utf-16be, windows-1252 (latin1), iso-8859-15, ...")
    })
}

/// Whether a file is a workbook: by its name, or by its zip signature.
pub fn is_workbook(name: &str, bytes: &[u8]) -> bool {
    let ext = name.rsplit('.').next().unwrap_or_default().to_ascii_lowercase();
    matches!(ext.as_str(), "xlsx" | "xlsm" | "xls" | "ods") || bytes.starts_with(b"PK\x03\x04")
}

/// Reads a CSV or a workbook sheet whole, finding its header with `choice`.
pub fn read_table(
    name: &str,
    bytes: &[u8],
    options: &ReadOptions,
    choice: &MappingChoice,
) -> Result<(Table, FileNotes), String> {
    if is_workbook(name, bytes) {
        return read_workbook(name, bytes, options.sheet, choice);
    }
    let mut rows = CsvRows::new(name, bytes, options, choice)?;
    let mut table = Table { header: rows.header.clone(), rows: Vec::new() };
    while let Some((row, cells)) = rows.next_row()? {
        table.rows.push((row, cells.iter().map(|c| c.to_string()).collect()));
    }
    let notes = rows.finish();
    Ok((table, notes))
}

/// The header row of a file (found below any report title as [`read_table`] finds it), without
/// reading the rest of a CSV.
pub fn read_header(
    name: &str,
    bytes: &[u8],
    options: &ReadOptions,
    choice: &MappingChoice,
) -> Result<Vec<String>, String> {
    if is_workbook(name, bytes) {
        return read_table(name, bytes, options, choice).map(|(table, _)| table.header);
    }
    CsvRows::new(name, bytes, options, choice).map(|rows| rows.header)
}

/// The encoding of a file from its first bytes: a byte order mark, else UTF-8 if they are, else
/// the detector's guess (Windows-1252 for a Western European export). UTF-32 is refused.
fn detect_encoding(head: &[u8], is_whole: bool) -> Result<(&'static Encoding, String), String> {
    match head {
        [0x00, 0x00, 0xFE, 0xFF, ..] | [0xFF, 0xFE, 0x00, 0x00, ..] => {
            return Err("the file is UTF-32: save it as UTF-8 (CSV UTF-8 in Excel)".into());
        }
        [0xEF, 0xBB, 0xBF, ..] => return Ok((UTF_8, "UTF-8 (with BOM)".into())),
        [0xFF, 0xFE, ..] => return Ok((UTF_16LE, "UTF-16LE (BOM)".into())),
        [0xFE, 0xFF, ..] => return Ok((UTF_16BE, "UTF-16BE (BOM)".into())),
        _ => {}
    }
    match std::str::from_utf8(head) {
        Ok(_) => return Ok((UTF_8, "UTF-8".into())),
        // Cut in the middle of a character by the end of the sample: still UTF-8.
        Err(e) if e.error_len().is_none() && !is_whole => return Ok((UTF_8, "UTF-8".into())),
        Err(_) => {}
    }
    let mut detector = chardetng::EncodingDetector::new(chardetng::Iso2022JpDetection::Deny);
    detector.feed(head, is_whole);
    let guess = detector.guess(None, chardetng::Utf8Detection::Deny);
    Ok((guess, format!("{} (detected)", guess.name())))
}

/// The rows of a CSV from a reader: decoded to UTF-8, the header found below any title lines,
/// quoted fields, rows of any length, a report's footer held back and left out at the end.
pub(super) struct CsvRows<'n> {
    name: &'n str,
    reader: csv::Reader<Box<dyn Read + Send + 'n>>,
    /// The header row's cells.
    pub header: Vec<String>,
    record: csv::ByteRecord,
    /// Rows read ahead: the header search's, and possible footer rows not yet known to be.
    held: VecDeque<(usize, csv::ByteRecord)>,
    /// How many of `held` are data, to hand out before reading on.
    release: usize,
    /// Spreadsheet number of the row read last from the file.
    row: usize,
    notes: FileNotes,
}

impl<'n> CsvRows<'n> {
    pub(super) fn new<R: Read + Send + 'n>(
        name: &'n str,
        input: R,
        options: &ReadOptions,
        choice: &MappingChoice,
    ) -> Result<Self, String> {
        let mut input = BufReader::with_capacity(1 << 20, input);
        let head = input.fill_buf().map_err(|e| format!("cannot read {name}: {e}"))?;
        let is_whole = head.len() < (1 << 20);
        let (encoding, said) = match options.encoding {
            Some(e) => (e, format!("{} (as asked)", e.name())),
            None => detect_encoding(head, is_whole).map_err(|e| format!("{name}: {e}"))?,
        };
        let (sample, _) = encoding.decode_with_bom_removal(head);
        let delimiter = options.delimiter.unwrap_or_else(|| sniff_delimiter_lines(&sample));
        let source: Box<dyn Read + Send + 'n> = if encoding == UTF_8 {
            let bom = if head.starts_with(&[0xEF, 0xBB, 0xBF]) { 3 } else { 0 };
            input.consume(bom);
            Box::new(input)
        } else {
            Box::new(encoding_rs_io::DecodeReaderBytesBuilder::new().encoding(Some(encoding)).build(input))
        };
        let reader = csv::ReaderBuilder::new()
            .delimiter(delimiter as u8)
            .flexible(true)
            .has_headers(false)
            .buffer_capacity(1 << 16)
            .from_reader(source);
        let notes = FileNotes { encoding: said, delimiter: Some(delimiter), ..FileNotes::default() };
        let mut rows = Self {
            name,
            reader,
            header: Vec::new(),
            record: csv::ByteRecord::new(),
            held: VecDeque::new(),
            release: 0,
            row: 0,
            notes,
        };
        rows.find_header(choice)?;
        Ok(rows)
    }

    /// Reads the first rows and takes as header the first that `choice` accepts; the rows above
    /// it are a report's title and filters. When none is accepted, the first non-blank row is
    /// the header (and the mapping will say what it lacks).
    fn find_header(&mut self, choice: &MappingChoice) -> Result<(), String> {
        let mut probe = Vec::new();
        while probe.len() < HEADER_SEARCH_ROWS {
            let Some(record) = self.read_record()? else { break };
            let cells = lossy(&record);
            if choice.accepts(&cells) {
                self.notes.header_row = self.row;
                self.header = cells;
                self.notes.skipped = probe.iter().filter_map(|(row, r)| skipped(*row, &lossy(r))).collect();
                return Ok(());
            }
            probe.push((self.row, record));
        }
        let Some(first) = probe.iter().position(|(_, r)| !is_blank_row(&lossy(r))) else {
            return Err(format!("{} is empty: it needs a header row", self.name));
        };
        let (row, record) = probe.remove(first);
        self.header = strict(self.name, row, &record)?;
        self.notes.header_row = row;
        self.release = probe.len() - first;
        self.held = probe.into_iter().skip(first).collect();
        Ok(())
    }

    fn read_record(&mut self) -> Result<Option<csv::ByteRecord>, String> {
        let mut record = csv::ByteRecord::new();
        match self.reader.read_byte_record(&mut record) {
            Ok(false) => Ok(None),
            Ok(true) => {
                self.row += 1;
                Ok(Some(record))
            }
            Err(e) => Err(format!("{}: row {}: {e}", self.name, self.row + 1)),
        }
    }

    /// The next data row with its spreadsheet number, or `None` at the end. Rows that may be a
    /// footer are held until a data row follows them (then they are data) or the file ends
    /// (then they are left out and listed).
    pub(super) fn next_row(&mut self) -> Result<Option<(usize, Vec<&str>)>, String> {
        let width = self.header.len();
        let row = loop {
            if self.release > 0
                && let Some((row, record)) = self.held.pop_front()
            {
                self.release -= 1;
                self.record = record;
                break row;
            }
            let Some(record) = self.read_record()? else {
                let footer: Vec<SkippedRow> =
                    self.held.drain(..).filter_map(|(row, r)| skipped(row, &lossy(&r))).collect();
                self.notes.skipped.extend(footer);
                return Ok(None);
            };
            let maybe_footer = is_footer_row(&record, width);
            self.held.push_back((self.row, record));
            if !maybe_footer {
                self.release = self.held.len();
            }
        };
        let name = self.name;
        let cells = self
            .record
            .iter()
            .map(|c| std::str::from_utf8(c).map_err(|_| format!("{name}: {}", not_utf8(row, c))))
            .collect::<Result<Vec<_>, _>>()?;
        Ok(Some((row, cells)))
    }

    /// Bytes of the file read so far (of the decoded text, for a file that is not UTF-8).
    pub(super) fn bytes_read(&self) -> u64 {
        self.reader.position().byte()
    }

    /// What the reading found, once every row is read.
    pub(super) fn finish(self) -> FileNotes {
        self.notes
    }
}

/// A row's cells as text, bad bytes replaced (for judging its shape and listing it).
fn lossy(record: &csv::ByteRecord) -> Vec<String> {
    record.iter().map(|c| String::from_utf8_lossy(c).into_owned()).collect()
}

/// A row's cells as text, or the report of the first one that is not UTF-8.
fn strict(name: &str, row: usize, record: &csv::ByteRecord) -> Result<Vec<String>, String> {
    record
        .iter()
        .map(|c| std::str::from_utf8(c).map(str::to_string).map_err(|_| format!("{name}: {}", not_utf8(row, c))))
        .collect()
}

/// A left-out row as listed in the notes; `None` for a blank one (not worth a line).
fn skipped(row: usize, cells: &[String]) -> Option<SkippedRow> {
    let text = cells.iter().map(|c| c.trim()).filter(|c| !c.is_empty()).collect::<Vec<_>>().join(" | ");
    (!text.is_empty()).then(|| SkippedRow { row, text: text.chars().take(80).collect() })
}

/// A workbook sheet, read whole: the header found as in a CSV, trailing footer rows left out.
/// A number cell as text that reads back as the same number: the shortest decimal, with a zero
/// after exactly 3 decimals of at most 3 whole digits. A number cell has no thousands separator,
/// but text such as `1.234` reads as one (1,234 euros, or ambiguous in dinars); `1.2340` is
/// 1.234 in every currency that has the decimals, and refused in one that has fewer.
fn number_text(f: f64) -> String {
    let mut text = f.to_string();
    let whole_digits = text.trim_start_matches('-').split('.').next().map_or(0, str::len);
    if text.split_once('.').is_some_and(|(_, fraction)| fraction.len() == 3) && whole_digits <= 3 {
        text.push('0');
    }
    text
}

fn read_workbook(
    name: &str,
    bytes: &[u8],
    sheet: Option<&str>,
    choice: &MappingChoice,
) -> Result<(Table, FileNotes), String> {
    use calamine::{Data, Reader, open_workbook_auto_from_rs};
    let mut book = open_workbook_auto_from_rs(std::io::Cursor::new(bytes))
        .map_err(|e| format!("cannot read {name} as a workbook: {e}"))?;
    let names = book.sheet_names().to_vec();
    let chosen = match sheet {
        Some(s) => names
            .iter()
            .find(|n| n.eq_ignore_ascii_case(s))
            .cloned()
            .ok_or_else(|| format!("{name} has no sheet {s:?}; sheets: {}", names.join(", ")))?,
        None => names.first().cloned().ok_or_else(|| format!("{name} has no sheet"))?,
    };
    let range = book.worksheet_range(&chosen).map_err(|e| format!("{name}: sheet {chosen:?}: {e}"))?;
    let cell = |d: &Data| -> String {
        match d {
            Data::Empty => String::new(),
            Data::String(s) => s.clone(),
            Data::Float(f) if f.fract() == 0.0 && f.abs() < 1e15 => format!("{}", *f as i64),
            Data::Float(f) => number_text(*f),
            Data::Int(i) => i.to_string(),
            Data::Bool(b) => b.to_string(),
            // Spreadsheet dates are serial numbers: hand the importer ISO text.
            Data::DateTime(dt) => {
                dt.as_datetime().map(|t| t.format("%Y-%m-%dT%H:%M:%S").to_string()).unwrap_or_else(|| dt.to_string())
            }
            Data::DateTimeIso(s) | Data::DurationIso(s) => s.clone(),
            Data::Error(e) => format!("#{e:?}"),
        }
    };
    // Row numbers as the spreadsheet shows them, from where the used range starts.
    let top = range.start().map_or(1, |(r, _)| r as usize + 1);
    let mut rows: Vec<(usize, Vec<String>)> =
        range.rows().enumerate().map(|(i, r)| (top + i, r.iter().map(cell).collect())).collect();
    let searched = rows.len().min(HEADER_SEARCH_ROWS);
    let at = (0..searched)
        .find(|&i| choice.accepts(&rows[i].1))
        .or_else(|| (0..searched).find(|&i| !is_blank_row(&rows[i].1)))
        .ok_or_else(|| format!("{name}: sheet {chosen:?} is empty: it needs a header row"))?;
    let encoding = format!("a workbook, sheet {chosen:?}");
    let mut notes = FileNotes { encoding, header_row: rows[at].0, ..FileNotes::default() };
    notes.skipped = rows[..at].iter().filter_map(|(row, cells)| skipped(*row, cells)).collect();
    let mut data = rows.split_off(at + 1);
    let header = rows.pop().map(|(_, cells)| cells).unwrap_or_default();
    let mut footer = Vec::new();
    while data.last().is_some_and(|(_, cells)| is_footer_row(cells.iter().map(String::as_bytes), header.len())) {
        footer.extend(data.pop());
    }
    notes.skipped.extend(footer.iter().rev().filter_map(|(row, cells)| skipped(*row, cells)));
    Ok((Table { header, rows: data }, notes))
}

#[cfg(test)]
mod tests {
    use super::*;
    use pacer_core::import::ImportKind;

    /// A Salesforce "formatted report" saved as XLSX: a title and filters above the header,
    /// totals and the footer below the rows.
    #[test]
    fn number_cells_read_back_as_their_number() {
        for (f, text) in [
            (1.234, "1.2340"),
            (-234.5, "-234.5"),
            (234.567, "234.5670"),
            (-1.5, "-1.5"),
            (1234.567, "1234.567"),
            (12.5, "12.5"),
            (0.125, "0.1250"),
            (1e-7, "0.0000001"),
        ] {
            assert_eq!(number_text(f), text, "{f}");
        }
    }

    #[test]
    fn a_workbook_report_has_its_header_found_and_its_footer_left_out() {
        let mut book = rust_xlsxwriter::Workbook::new();
        let sheet = book.add_worksheet().set_name("Report").unwrap();
        let lines: [&[&str]; 8] = [
            &["Opportunity Pipeline"],
            &["Filtered By: Stage not equal to Closed Lost"],
            &[],
            &["Opportunity Owner", "Account Name", "Stage", "Amount", "Close Date"],
            &["Ann Lee", "Acme", "Proposal/Price Quote", "1200", "2026-06-30"],
            &["Grand Totals (1 record)", "", "", "1200", ""],
            &[],
            &["Confidential Information - Do Not Distribute"],
        ];
        for (r, cells) in lines.iter().enumerate() {
            for (c, text) in cells.iter().enumerate() {
                sheet.write_string(r as u32, c as u16, *text).unwrap();
            }
        }
        let bytes = book.save_to_buffer().unwrap();
        let choice = MappingChoice::Detect(ImportKind::Deals);
        let (table, notes) = read_table("pipeline.xlsx", &bytes, &ReadOptions::default(), &choice).unwrap();
        assert_eq!(table.header[0], "Opportunity Owner");
        assert_eq!(
            table.rows,
            vec![(5, ["Ann Lee", "Acme", "Proposal/Price Quote", "1200", "2026-06-30"].map(String::from).to_vec())]
        );
        assert_eq!((notes.encoding.as_str(), notes.header_row), ("a workbook, sheet \"Report\"", 4));
        let left_out: Vec<usize> = notes.skipped.iter().map(|s| s.row).collect();
        assert_eq!(left_out, vec![1, 2, 6, 8]);
        assert_eq!(notes.skipped[2].text, "Grand Totals (1 record) | 1200");
    }

    /// Rows that look like a footer but are followed by data are data: nothing is lost.
    #[test]
    fn footer_like_rows_inside_the_data_are_kept() {
        let csv = "name,region\nEMEA,\nAPAC,Asia\nConfidential,\n";
        let choice = MappingChoice::Given(
            pacer_core::import::Mapping::from_toml(
                "kind = \"teams\"\n[columns]\nname = \"name\"\nregion = \"region\"\n",
            )
            .unwrap(),
        );
        let (table, notes) = read_table("teams.csv", csv.as_bytes(), &ReadOptions::default(), &choice).unwrap();
        let names: Vec<&str> = table.rows.iter().map(|(_, cells)| cells[0].as_str()).collect();
        assert_eq!(names, vec!["EMEA", "APAC"]);
        assert_eq!(notes.skipped, vec![SkippedRow { row: 4, text: "Confidential".into() }]);
        assert_eq!(notes.encoding, "UTF-8");
    }
}
