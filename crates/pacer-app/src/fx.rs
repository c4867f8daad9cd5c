//! Exchange rates from a file: a CSV of `currency,month,rate` rows, read whole before
//! anything is written, so that one bad row means no rate is set.

use pacer_core::import::RowError;
use pacer_core::money::fx::FxRate;

/// The columns a rates file has, in any order (header names in any case).
const COLUMNS: [&str; 3] = ["currency", "month", "rate"];

/// Reads every rate of a CSV file with the header `currency,month,rate`, or every problem
/// (a missing column, a value that does not read, a currency and month given twice, a file
/// that is not CSV) with its row, column, value and reason.
pub fn read_rates_csv(input: &[u8]) -> Result<Vec<FxRate>, Vec<RowError>> {
    let mut reader = csv::ReaderBuilder::new().flexible(true).trim(csv::Trim::All).from_reader(input);
    let unreadable = |row: usize, e: csv::Error| {
        vec![RowError { row, column: String::new(), value: String::new(), reason: format!("not readable as CSV: {e}") }]
    };
    let header = reader.headers().map_err(|e| unreadable(1, e))?;
    let header: Vec<String> = header.iter().map(|h| h.trim_start_matches('\u{feff}').to_lowercase()).collect();
    let index: Vec<Option<usize>> = COLUMNS.iter().map(|c| header.iter().position(|h| h == c)).collect();
    let missing: Vec<RowError> = COLUMNS
        .iter()
        .zip(&index)
        .filter(|(_, i)| i.is_none())
        .map(|(c, _)| RowError {
            row: 1,
            column: c.to_string(),
            value: String::new(),
            reason: format!("the header needs a column {c:?} (columns: currency,month,rate)"),
        })
        .collect();
    if !missing.is_empty() {
        return Err(missing);
    }
    let (mut rates, mut problems) = (Vec::new(), Vec::new());
    let mut seen = std::collections::HashMap::new();
    for (i, record) in reader.records().enumerate() {
        let row = i + 2;
        let record = record.map_err(|e| unreadable(row, e))?;
        if record.iter().all(str::is_empty) {
            continue;
        }
        let cell = |field: &str| {
            let at = COLUMNS.iter().position(|c| *c == field).and_then(|k| index[k]);
            at.and_then(|i| record.get(i)).unwrap_or_default()
        };
        match FxRate::read(cell("currency"), cell("month"), cell("rate")) {
            Ok(rate) => match seen.insert((rate.currency, rate.month), row) {
                Some(first) => problems.push(RowError {
                    row,
                    column: "month".into(),
                    value: cell("month").into(),
                    reason: format!("{} {} is given on row {first} already", rate.currency, rate.month),
                }),
                None => rates.push(rate),
            },
            Err(bad) => problems.extend(bad.into_iter().map(|(column, reason)| RowError {
                row,
                column: column.into(),
                value: cell(column).into(),
                reason,
            })),
        }
    }
    if problems.is_empty() { Ok(rates) } else { Err(problems) }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_rates_file_is_read_whole_or_refused() {
        let rates = read_rates_csv(b"Currency,Month,Rate\nCHF,2026-01,1.0712\nUSD,2026-01,0.92\n\n").unwrap();
        assert_eq!(rates.len(), 2);
        assert_eq!(rates[0].rate.to_string(), "1.0712");
        let problems = read_rates_csv(
            b"month,currency,rate\n2026-01,CHF,1.07\n2026-13,CHF,1.07\n2026-01,CHF,1.1\n2026-02,CHF,x\n",
        )
        .unwrap_err();
        assert_eq!(
            problems.iter().map(|p| serde_json::to_value(p).unwrap()).collect::<Vec<_>>(),
            [
                serde_json::json!({"row": 3, "column": "month", "value": "2026-13", "reason": "month \"2026-13\" is not valid: use YYYY-MM"}),
                serde_json::json!({"row": 4, "column": "month", "value": "2026-01", "reason": "CHF 2026-01 is given on row 2 already"}),
                serde_json::json!({"row": 5, "column": "rate", "value": "x", "reason": "rate \"x\" is not valid: use a positive decimal with at most 9 decimals, such as 1.0712"}),
            ]
        );
        let missing = read_rates_csv(b"currency,rate\nCHF,1\n").unwrap_err();
        assert_eq!(missing[0].reason, "the header needs a column \"month\" (columns: currency,month,rate)");
    }
}
