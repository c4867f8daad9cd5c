//! Importing files (CSV, XLSX): read a table, turn rows into records through
//! a mapping, write them idempotently. Shared by `pacer import` and the
//! import page, so both accept and refuse exactly the same rows.
//!
//! Two ways through, with the same rules: a file held in memory
//! ([`read_table`], [`parse`], [`write`]: uploads, workbooks, reps and
//! teams), and a CSV of records streamed from a reader in constant memory
//! ([`import_csv`]: the command line), whose rows are checked on a thread of
//! their own while the chunks before them are written, all in one transaction.

use crate::AppError;
use crate::export::write_csv_row;
use crate::stages::note_unmapped;
use pacer_core::audit::Actor;
use pacer_core::catalog::Catalog;
use pacer_core::import::{Chosen, DateOrder, Imported, Importer, Mapping, MappingChoice, OpenDealGaps, RowError};
use pacer_core::money::Currency;
use pacer_core::money::fx::RateTable;
use pacer_core::org::RepId;
use pacer_core::pipeline::{StageConfig, UnmappedStage, UnmappedTally};
use pacer_core::records::{NewActivity, NewDeal, SubscriptionMonth};
use pacer_storage::{RecordImport, RepFilter, Store, UpsertCounts};
use std::collections::HashMap;
use std::io::{Read, Write};
use std::path::PathBuf;

mod reading;

use reading::CsvRows;
pub use reading::{FileNotes, ReadOptions, SkippedRow, Table, encoding_named, is_workbook, read_header, read_table};

/// Rows per chunk of a streamed import: each write is worth its round trips,
/// and a few chunks in flight stay a few megabytes.
const CHUNK_ROWS: usize = 10_000;

/// Row problems kept for the report of a streamed import (the rest are counted).
const KEPT_PROBLEMS: usize = 1_000;

/// What rows are checked against, read once per import: the organisation's
/// currency, the catalog in force and the reps by every key a file may give.
struct Lookup {
    currency: Currency,
    /// The pipeline stages: won and lost ones give a deal's status, and open deals in none are noted.
    stages: StageConfig,
    /// The exchange rates deals in other currencies are converted at.
    rates: RateTable,
    catalog: Option<Catalog>,
    /// Reps by CRM id.
    by_external: HashMap<String, RepId>,
    /// Reps by e-mail, Pacer id and name, lower case.
    by_key: HashMap<String, RepId>,
}

impl Lookup {
    async fn load(store: &dyn Store) -> Result<Self, AppError> {
        let org = store.organisation().await?.unwrap_or_default();
        let catalog = crate::catalog::current_catalog(store).await?.map(|(_, c)| c);
        let reps = store.reps(&RepFilter::default(), chrono::Local::now().date_naive()).await?;
        let mut by_key = HashMap::new();
        // Earlier reps win a shared name or e-mail: insert the later ones first.
        for r in reps.iter().rev() {
            by_key.insert(r.name.to_lowercase(), r.id);
            by_key.insert(r.id.to_string(), r.id);
            if let Some(email) = &r.email {
                by_key.insert(email.to_lowercase(), r.id);
            }
        }
        let by_external = reps.iter().filter_map(|r| r.external_id.clone().map(|e| (e, r.id))).collect();
        let rates = RateTable::new(store.fx_rates().await?);
        Ok(Self { currency: org.currency, stages: org.pipeline_stages, rates, catalog, by_external, by_key })
    }

    /// A rep by CRM id, e-mail, Pacer id or name, in that order.
    fn rep(&self, key: &str) -> Option<RepId> {
        let key = key.trim();
        self.by_external.get(key).copied().or_else(|| self.by_key.get(&key.to_lowercase()).copied())
    }

    /// The importer of a file with this header; `resolve` is `|key| self.rep(key)`.
    fn importer<'a, S: AsRef<str>>(
        &'a self,
        mapping: Mapping,
        header: &[S],
        resolve: &'a dyn Fn(&str) -> Option<RepId>,
    ) -> Result<Importer<'a>, Vec<RowError>> {
        Ok(Importer::new(mapping, header, self.catalog.as_ref(), resolve)?
            .with_currency(self.currency)
            .with_stages(&self.stages)
            .with_rates(self.rates.clone()))
    }
}

/// One data row: `None` when it is blank (skipped), else its record or every problem of it.
fn convert<S: AsRef<str>>(importer: &Importer, row: usize, cells: &[S]) -> Option<Result<Imported, Vec<RowError>>> {
    if cells.iter().all(|c| c.as_ref().trim().is_empty()) {
        return None;
    }
    Some(importer.record(row, cells))
}

/// Rows turned into records: the good ones, and the rejected ones (row index and problems).
#[derive(Debug, Default)]
pub struct Parsed {
    /// Records ready to write.
    pub good: Vec<Imported>,
    /// Rejected rows: index into the table's rows, and every problem.
    pub rejected: Vec<(usize, Vec<RowError>)>,
    /// Good rows that are open deals in stages the pipeline settings do not map.
    pub unmapped: Vec<UnmappedStage>,
    /// Good rows that are open deals without an amount or a close date.
    pub gaps: OpenDealGaps,
}

/// Checks every row of `table` through `mapping` against the catalog in
/// force and the organisation's reps; errors of the mapping itself come back
/// as `Err`. `progress` is told how many rows are done, now and then.
pub async fn parse(
    store: &dyn Store,
    mapping: Mapping,
    table: &Table,
    progress: &(dyn Fn(usize) + Sync),
) -> Result<Parsed, Vec<RowError>> {
    let lookup = Lookup::load(store)
        .await
        .map_err(|e| vec![RowError { row: 0, column: String::new(), value: String::new(), reason: e.to_string() }])?;
    let resolve = |key: &str| lookup.rep(key);
    let importer = lookup.importer(mapping, &table.header, &resolve)?;
    let mut parsed = Parsed::default();
    let mut unmapped = UnmappedTally::default();
    for (i, (row, cells)) in table.rows.iter().enumerate() {
        match convert(&importer, *row, cells) {
            None => {}
            Some(Ok(record)) => {
                note_unmapped(&lookup.stages, &record, &mut unmapped);
                parsed.gaps.count(&record);
                parsed.good.push(record);
            }
            Some(Err(errors)) => parsed.rejected.push((i, errors)),
        }
        if i % 4096 == 0 {
            progress(i);
        }
    }
    progress(table.rows.len());
    parsed.unmapped = unmapped.finish();
    Ok(parsed)
}

/// Rejected rows as a CSV that can be fixed and imported again: the original
/// columns and a `pacer_errors` column (cells neutralised as every CSV Pacer writes).
struct Rejects<W: Write> {
    out: csv::Writer<W>,
    width: usize,
}

impl<W: Write> Rejects<W> {
    fn new<S: AsRef<str>>(out: W, header: &[S]) -> Result<Self, String> {
        let mut out = csv::Writer::from_writer(out);
        let names = header.iter().map(AsRef::as_ref).chain(["pacer_errors"]);
        write_csv_row(&mut out, names).map_err(|e| e.to_string())?;
        Ok(Self { out, width: header.len() })
    }

    /// One rejected row, padded to the header's width, with its problems.
    fn row<S: AsRef<str>>(&mut self, cells: &[S], errors: &[RowError]) -> Result<(), String> {
        let reasons = errors.iter().map(|e| format!("{}: {}", e.column, e.reason)).collect::<Vec<_>>().join("; ");
        let padding = self.width.saturating_sub(cells.len());
        let fields = cells.iter().map(AsRef::as_ref).chain(std::iter::repeat_n("", padding)).chain([reasons.as_str()]);
        write_csv_row(&mut self.out, fields).map_err(|e| e.to_string())
    }

    fn finish(self) -> Result<W, String> {
        self.out.into_inner().map_err(|e| e.to_string())
    }
}

/// The rejected rows as a CSV that can be fixed and imported again: the
/// original columns and a `pacer_errors` column.
pub fn rejects_csv(table: &Table, rejected: &[(usize, Vec<RowError>)]) -> Result<Vec<u8>, String> {
    let mut out = Rejects::new(Vec::new(), &table.header)?;
    for (i, errors) in rejected {
        out.row(&table.rows[*i].1, errors)?;
    }
    out.finish()
}

/// Records of one file, by kind; activities and deals keep who entered them.
#[derive(Default)]
struct Split {
    activities: Vec<NewActivity>,
    deals: Vec<NewDeal>,
    months: Vec<SubscriptionMonth>,
    reps: Vec<pacer_core::import::RepRow>,
    teams: Vec<pacer_core::import::TeamRow>,
}

impl Split {
    fn of(records: Vec<Imported>, actor: &Actor) -> Self {
        let mut split = Split::default();
        for r in records {
            match r {
                Imported::Activity(a) => {
                    split.activities.push(NewActivity { entered_by: Some(actor.name.clone()), ..a })
                }
                Imported::Deal(d) => split.deals.push(NewDeal { entered_by: Some(actor.name.clone()), ..d }),
                Imported::Subscription(s) => split.months.push(s),
                Imported::Rep(r) => split.reps.push(r),
                Imported::Team(t) => split.teams.push(t),
            }
        }
        split
    }

    /// Writes the activities, deals and recurring revenue into an import.
    async fn write_records(&self, import: &mut dyn RecordImport) -> Result<UpsertCounts, AppError> {
        let mut counts = UpsertCounts::default();
        for chunk in self.activities.chunks(CHUNK_ROWS) {
            add(&mut counts, import.activities(chunk).await?);
        }
        for chunk in self.deals.chunks(CHUNK_ROWS) {
            add(&mut counts, import.deals(chunk).await?);
        }
        for chunk in self.months.chunks(CHUNK_ROWS) {
            add(&mut counts, import.subscriptions(chunk).await?);
        }
        Ok(counts)
    }
}

fn add(total: &mut UpsertCounts, c: UpsertCounts) {
    total.new += c.new;
    total.updated += c.updated;
    total.unchanged += c.unchanged;
}

/// Writes the records: activities, deals and recurring revenue in one
/// transaction; reps and teams one by one through the organisation's rules
/// (each audited). Every record keeps who entered it; the import is audited as from `source`.
pub async fn write(
    store: &dyn Store,
    records: Vec<Imported>,
    actor: &Actor,
    source: &str,
) -> Result<UpsertCounts, AppError> {
    let split = Split::of(records, actor);
    let mut counts = UpsertCounts::default();
    if !(split.activities.is_empty() && split.deals.is_empty() && split.months.is_empty()) {
        let mut import = store.begin_import(actor, source).await?;
        add(&mut counts, split.write_records(import.as_mut()).await?);
        import.commit().await?;
    }
    if !(split.teams.is_empty() && split.reps.is_empty()) {
        add(&mut counts, store.import_organisation(&split.teams, &split.reps, actor).await?);
    }
    Ok(counts)
}

/// How a streamed import is run.
#[derive(Debug, Clone, Default)]
pub struct StreamOptions {
    /// The CSV's delimiter; guessed from the first lines when `None`.
    pub delimiter: Option<char>,
    /// The file's encoding; detected when `None`.
    pub encoding: Option<&'static encoding_rs::Encoding>,
    /// How ambiguous dates read, over what the mapping says.
    pub date_order: Option<DateOrder>,
    /// Write the good rows even when some are rejected.
    pub skip_invalid: bool,
    /// Where rejected rows go, with their reasons (made at the first one).
    pub rejects: Option<PathBuf>,
}

/// How far a streamed import has gone.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Progress {
    /// Data rows read (blank ones included).
    pub rows: usize,
    /// Bytes of the file read.
    pub bytes: u64,
}

/// What a streamed import did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Streamed {
    /// Records written, by what happened to them.
    pub counts: UpsertCounts,
    /// Data rows read.
    pub rows: usize,
    /// Rows rejected (written to the rejects file, if any).
    pub rejected: usize,
    /// What reading the file found: encoding, delimiter, report rows left out, the preset chosen.
    pub notes: FileNotes,
    /// Whether records were keyed by their content, the file having no id column.
    pub keyed_by_content: bool,
    /// Rows written that are open deals in stages the pipeline settings do not map.
    pub unmapped: Vec<UnmappedStage>,
    /// Rows written that are open deals without an amount or a close date.
    pub gaps: OpenDealGaps,
}

/// The mapping a file gets from `choice` for its header, with the date order asked for, and
/// how it was chosen written into `notes`.
pub fn resolve_mapping<S: AsRef<str>>(
    choice: &MappingChoice,
    header: &[S],
    date_order: Option<DateOrder>,
    notes: &mut FileNotes,
) -> Result<Mapping, Vec<RowError>> {
    let Chosen { mut mapping, .. } = choice.resolve(header).inspect(|c| notes.mapping = c.describe())?;
    if date_order.is_some() {
        mapping.date_order = date_order;
    }
    Ok(mapping)
}

/// Why a streamed import wrote nothing.
#[derive(Debug, thiserror::Error)]
pub enum StreamError {
    /// The mapping has problems, or does not fit the file's header.
    #[error("the mapping does not fit the file")]
    Mapping(Vec<RowError>),
    /// Rows with problems (the first thousand), and how many problems in all.
    #[error("{total} problem(s)")]
    Rows {
        /// The first problems, in file order.
        first: Vec<RowError>,
        /// Every problem of every row.
        total: usize,
    },
    /// The file cannot be read (not UTF-8, broken quoting, I/O), or the rejects file written.
    #[error("{0}")]
    File(String),
    /// The database refused or failed.
    #[error(transparent)]
    Store(#[from] AppError),
}

/// A chunk of checked records on its way to the database, and how far the reading got.
struct Batch {
    records: Vec<Imported>,
    progress: Progress,
}

/// What reading the whole file found.
struct Reading {
    notes: FileNotes,
    keyed_by_content: bool,
    unmapped: UnmappedTally,
    gaps: OpenDealGaps,
    rows: usize,
    rejected: usize,
    first: Vec<RowError>,
    problems: usize,
}

/// Imports a CSV of activities, deals or recurring revenue from `input` in
/// constant memory: rows are read and checked on a thread of their own in
/// chunks, and each chunk is written while the next is checked, all in one
/// transaction that commits only once the whole file is read. Without
/// `skip_invalid`, one bad row means nothing is written (and every problem is
/// reported); rejected rows go to `rejects` as they are met. `progress` is
/// told how far it got after each chunk.
pub async fn import_csv<R: Read + Send + 'static>(
    store: &dyn Store,
    choice: MappingChoice,
    name: &str,
    input: R,
    options: StreamOptions,
    actor: &Actor,
    progress: &(dyn Fn(Progress) + Sync),
) -> Result<Streamed, StreamError> {
    let lookup = Lookup::load(store).await?;
    let skip_invalid = options.skip_invalid;
    // Two chunks in the channel, one being checked, one being written: memory stays flat.
    let (sender, mut receiver) = tokio::sync::mpsc::channel::<Batch>(2);
    let file = name.to_string();
    let reader = tokio::task::spawn_blocking(move || read_chunks(&file, input, &choice, &lookup, options, &sender));
    let mut import = store.begin_import(actor, name).await.map_err(AppError::from)?;
    let mut counts = UpsertCounts::default();
    while let Some(batch) = receiver.recv().await {
        if !batch.records.is_empty() {
            add(&mut counts, Split::of(batch.records, actor).write_records(import.as_mut()).await?);
        }
        progress(batch.progress);
    }
    let read = reader.await.map_err(|e| AppError::internal(format!("reading {name} stopped: {e}")))??;
    if read.rejected > 0 && !skip_invalid {
        // Dropping the import rolls every chunk back.
        return Err(StreamError::Rows { first: read.first, total: read.problems });
    }
    import.commit().await.map_err(AppError::from)?;
    Ok(Streamed {
        counts,
        rows: read.rows,
        rejected: read.rejected,
        notes: read.notes,
        keyed_by_content: read.keyed_by_content,
        unmapped: read.unmapped.finish(),
        gaps: read.gaps,
    })
}

/// Reads and checks every row of the file, sending the records in chunks
/// (empty ones, for progress, once a bad row means nothing will be written).
fn read_chunks<R: Read + Send>(
    name: &str,
    input: R,
    choice: &MappingChoice,
    lookup: &Lookup,
    options: StreamOptions,
    sender: &tokio::sync::mpsc::Sender<Batch>,
) -> Result<Reading, StreamError> {
    let read_options = ReadOptions { sheet: None, delimiter: options.delimiter, encoding: options.encoding };
    let mut rows = CsvRows::new(name, input, &read_options, choice).map_err(StreamError::File)?;
    let header = rows.header.clone();
    let mut notes = FileNotes::default();
    let mapping = resolve_mapping(choice, &header, options.date_order, &mut notes).map_err(StreamError::Mapping)?;
    let keyed_by_content = mapping.keys_by_content();
    let resolve = |key: &str| lookup.rep(key);
    let importer = lookup.importer(mapping, &header, &resolve).map_err(StreamError::Mapping)?;
    let mut rejects: Option<Rejects<std::io::BufWriter<std::fs::File>>> = None;
    let mut read = Reading {
        notes,
        keyed_by_content,
        unmapped: UnmappedTally::default(),
        gaps: OpenDealGaps::default(),
        rows: 0,
        rejected: 0,
        first: Vec::new(),
        problems: 0,
    };
    let mut records = Vec::with_capacity(CHUNK_ROWS);
    let mut in_chunk = 0;
    while let Some((row, cells)) = rows.next_row().map_err(StreamError::File)? {
        read.rows += 1;
        in_chunk += 1;
        match convert(&importer, row, &cells) {
            None => {}
            Some(Ok(record)) => {
                note_unmapped(&lookup.stages, &record, &mut read.unmapped);
                read.gaps.count(&record);
                records.push(record);
            }
            Some(Err(errors)) => {
                read.rejected += 1;
                read.problems += errors.len();
                if let Some(path) = &options.rejects {
                    if rejects.is_none() {
                        let file = std::fs::File::create(path)
                            .map_err(|e| StreamError::File(format!("cannot write {}: {e}", path.display())))?;
                        rejects =
                            Some(Rejects::new(std::io::BufWriter::new(file), &header).map_err(StreamError::File)?);
                    }
                    if let Some(out) = rejects.as_mut() {
                        out.row(&cells, &errors).map_err(StreamError::File)?;
                    }
                }
                let room = KEPT_PROBLEMS.saturating_sub(read.first.len());
                read.first.extend(errors.into_iter().take(room));
            }
        }
        if in_chunk == CHUNK_ROWS {
            in_chunk = 0;
            if !send(sender, &mut records, &read, rows.bytes_read(), options.skip_invalid) {
                break;
            }
        }
    }
    send(sender, &mut records, &read, rows.bytes_read(), options.skip_invalid);
    if let Some(out) = rejects {
        let mut file = out.finish().map_err(StreamError::File)?;
        file.flush().map_err(|e| StreamError::File(format!("cannot write the rejects: {e}")))?;
    }
    let reading_notes = rows.finish();
    read.notes = FileNotes { mapping: read.notes.mapping.take(), ..reading_notes };
    Ok(read)
}

/// Sends the records gathered (none once a row was rejected without
/// `skip_invalid`: nothing will be written); `false` when the writer has stopped.
fn send(
    sender: &tokio::sync::mpsc::Sender<Batch>,
    records: &mut Vec<Imported>,
    read: &Reading,
    bytes: u64,
    skip_invalid: bool,
) -> bool {
    if read.rejected > 0 && !skip_invalid {
        records.clear();
    }
    let batch = Batch {
        records: std::mem::replace(records, Vec::with_capacity(CHUNK_ROWS)),
        progress: Progress { rows: read.rows, bytes },
    };
    sender.blocking_send(batch).is_ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rejected_rows_are_written_with_formulas_neutralised() {
        let table =
            Table { header: vec!["name".into(), "amount".into()], rows: vec![(2, vec!["=1+1".into(), "-5".into()])] };
        let problem = RowError { row: 2, column: "amount".into(), value: "-5".into(), reason: "negative".into() };
        let csv = rejects_csv(&table, &[(0, vec![problem])]).unwrap();
        assert_eq!(String::from_utf8(csv).unwrap(), "name,amount,pacer_errors\n'=1+1,-5,amount: negative\n");
    }
}
