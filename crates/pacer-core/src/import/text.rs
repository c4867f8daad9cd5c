//! Helpers for the caller that reads the file: the byte order mark, the
//! delimiter of a CSV file, and the report of a row that is not UTF-8.

use super::RowError;

/// The length of a UTF-8 byte order mark at the start of a file: 3, or 0 without one.
/// A UTF-16 or UTF-32 mark is an error naming the encoding, as only UTF-8 is read.
pub fn utf8_bom_len(head: &[u8]) -> Result<usize, String> {
    let refuse = |name: &str| Err(format!("the file is {name}: save it as UTF-8 (CSV UTF-8 in Excel)"));
    match head {
        [0xEF, 0xBB, 0xBF, ..] => Ok(3),
        [0x00, 0x00, 0xFE, 0xFF, ..] => refuse("UTF-32 (big-endian)"),
        [0xFF, 0xFE, 0x00, 0x00, ..] => refuse("UTF-32 (little-endian)"),
        [0xFE, 0xFF, ..] => refuse("UTF-16 (big-endian)"),
        [0xFF, 0xFE, ..] => refuse("UTF-16 (little-endian)"),
        _ => Ok(0),
    }
}

/// The delimiter of a CSV file from its header line: the most frequent of `,` `;` tab
/// `|` outside double quotes; `,` when none occurs. Ties go to that order.
pub fn sniff_delimiter(header_line: &str) -> char {
    const CANDIDATES: [char; 4] = [',', ';', '\t', '|'];
    let mut counts = [0usize; 4];
    let mut quoted = false;
    for c in header_line.chars() {
        if c == '"' {
            quoted = !quoted;
        } else if !quoted && let Some(i) = CANDIDATES.iter().position(|d| *d == c) {
            counts[i] += 1;
        }
    }
    // The first of the highest counts: `max_by_key` keeps the last, so compare reversed.
    let best = (0..4).rev().max_by_key(|&i| counts[i]).unwrap_or(0);
    if counts[best] == 0 { ',' } else { CANDIDATES[best] }
}

/// The report of a row whose bytes are not UTF-8, naming the first bad byte.
/// `row` is the spreadsheet row number (the header is row 1).
pub fn not_utf8(row: usize, bytes: &[u8]) -> RowError {
    let (at, byte) = match std::str::from_utf8(bytes) {
        Err(e) => (e.valid_up_to(), bytes.get(e.valid_up_to()).copied().unwrap_or(0)),
        Ok(_) => (bytes.len(), 0),
    };
    let value: String = String::from_utf8_lossy(bytes).chars().take(80).collect();
    RowError {
        row,
        column: String::new(),
        value,
        reason: format!(
            "not UTF-8 (byte 0x{byte:02X} at byte {} of the row): save the file as UTF-8; \
             it may be Windows-1252 or Latin-1",
            at + 1
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn byte_order_marks() {
        assert_eq!(utf8_bom_len(b"\xEF\xBB\xBFa,b"), Ok(3));
        assert_eq!(utf8_bom_len(b"a,b"), Ok(0));
        assert_eq!(utf8_bom_len(b""), Ok(0));
        assert_eq!(
            utf8_bom_len(b"\xFF\xFEa\x00"),
            Err("the file is UTF-16 (little-endian): save it as UTF-8 (CSV UTF-8 in Excel)".into())
        );
        assert!(utf8_bom_len(b"\xFF\xFE\x00\x00").unwrap_err().contains("UTF-32"));
    }

    #[test]
    fn delimiters() {
        assert_eq!(sniff_delimiter("a,b,c"), ',');
        assert_eq!(sniff_delimiter("Name;\"Amount, EUR\";Date"), ';');
        assert_eq!(sniff_delimiter("a\tb\tc"), '\t');
        assert_eq!(sniff_delimiter("a|b"), '|');
        assert_eq!(sniff_delimiter("a;b,c"), ',');
        assert_eq!(sniff_delimiter("single"), ',');
    }

    #[test]
    fn latin1_rows() {
        let e = not_utf8(5, b"Ren\xE9,12");
        assert_eq!(e.row, 5);
        assert_eq!(e.value, "Ren\u{fffd},12");
        assert_eq!(
            e.reason,
            "not UTF-8 (byte 0xE9 at byte 4 of the row): save the file as UTF-8; it may be Windows-1252 or Latin-1"
        );
    }
}
