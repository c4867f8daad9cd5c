//! `pacer import`: CSV and XLSX files through a column mapping (a TOML file or
//! a preset); the work is `pacer_app::import`, shared with the
//! import page. A CSV of activities, deals or recurring revenue is streamed
//! (constant memory, a progress bar on a terminal); workbooks, reps and teams
//! are read whole. By default all-or-nothing: one bad row rejects the file
//! with a report of row, column, value and reason, and nothing is written.
//! With `--skip-invalid --rejects FILE` the good rows land and the bad ones go
//! to a CSV that can be fixed and imported again. Re-importing a file changes
//! nothing (see docs/import.md for the keys).

use crate::Context;
use crate::config::DEFAULT_DATABASE;
use crate::output::locale;
use anyhow::{Context as _, Result, anyhow, bail};
use clap::Args;
use indicatif::{ProgressBar, ProgressStyle};
use pacer_app::import::{self as importing, ReadOptions, StreamError, StreamOptions};
use pacer_core::audit::Actor;
use pacer_core::import::{
    DateOrder, ImportKind, Mapping, MappingChoice, OpenDealGaps, Preset, RowError, preset_names, propose,
};
use pacer_core::pipeline::UnmappedStage;
use pacer_i18n::tr;
use pacer_storage::{SqlStore, UpsertCounts};
use std::io::{Read, Seek, SeekFrom};
use std::path::{Path, PathBuf};
use std::time::Instant;

/// `pacer import`.
#[derive(Args)]
pub struct ImportArgs {
    /// What the file holds: reps, teams, activities, deals or subscriptions.
    kind: String,
    /// The CSV or XLSX file.
    file: PathBuf,
    /// A column mapping (TOML, see docs/import.md).
    #[arg(long, conflicts_with = "preset")]
    mapping: Option<PathBuf>,
    /// A built-in mapping, e.g. salesforce-opportunities [default: recognised from the header].
    #[arg(long)]
    preset: Option<String>,
    /// Write a mapping for this file to edit (the preset that fits it, or one proposed from its
    /// header) instead of importing.
    #[arg(long, value_name = "FILE")]
    write_mapping: Option<PathBuf>,
    /// How ambiguous dates like 03/04/2026 read: iso, month-first or day-first.
    #[arg(long)]
    date_order: Option<String>,
    /// XLSX: the sheet to read [default: the first].
    #[arg(long)]
    sheet: Option<String>,
    /// CSV: the delimiter [default: guessed from the first lines].
    #[arg(long)]
    delimiter: Option<char>,
    /// CSV: the encoding, e.g. windows-1252, latin1, utf-16le [default: detected].
    #[arg(long)]
    encoding: Option<String>,
    /// Import the good rows and write the bad ones to --rejects.
    #[arg(long, requires = "rejects")]
    skip_invalid: bool,
    /// Where the rejected rows go, with their reasons (a CSV).
    #[arg(long)]
    rejects: Option<PathBuf>,
}

/// How the arguments say the columns map: a mapping file, a preset, or the header recognised.
pub fn mapping_choice(kind: ImportKind, mapping: Option<&Path>, preset_name: Option<&str>) -> Result<MappingChoice> {
    let choice = match (mapping, preset_name) {
        (Some(path), _) => {
            let text = std::fs::read_to_string(path).with_context(|| format!("cannot read {}", path.display()))?;
            MappingChoice::Given(Mapping::from_toml(&text).map_err(|e| anyhow!("{}: {e}", path.display()))?)
        }
        (None, Some(name)) => MappingChoice::Preset(
            Preset::named(name).ok_or_else(|| anyhow!("unknown preset {name:?}: use {}", preset_names().join(", ")))?,
        ),
        (None, None) => MappingChoice::Detect(kind),
    };
    if choice.kind() != kind {
        bail!("the mapping is for {}, not {kind}", choice.kind());
    }
    Ok(choice)
}

/// The options of reading shared by every path: the delimiter, the encoding, the date order.
fn read_options(args: &ImportArgs) -> Result<(ReadOptions<'_>, Option<DateOrder>)> {
    let encoding = args.encoding.as_deref().map(importing::encoding_named).transpose().map_err(|e| anyhow!(e))?;
    let date_order =
        args.date_order.as_deref().map(|o| o.parse::<DateOrder>()).transpose().map_err(|e| anyhow!("{e}"))?;
    Ok((ReadOptions { sheet: args.sheet.as_deref(), delimiter: args.delimiter, encoding }, date_order))
}

pub(crate) fn print_report(file: &Path, errors: &[RowError]) {
    for e in errors.iter().take(50) {
        eprintln!("{}: row {}, column {:?}, value {:?}: {}", file.display(), e.row, e.column, e.value, e.reason);
    }
    if errors.len() > 50 {
        eprintln!("... and {} more", errors.len() - 50);
    }
}

/// The error of a mapping that does not fit the file: its sentence when it is about the header
/// as a whole (no preset fits), else every problem reported and a summary.
fn misfit(file: &Path, errors: &[RowError]) -> anyhow::Error {
    let name = file.display();
    match errors {
        [e] if e.row <= 1 && e.column.is_empty() => anyhow!("{name}: {}", e.reason),
        _ => {
            print_report(file, errors);
            anyhow!("{name}: the mapping does not fit the file")
        }
    }
}

/// `pacer import ...`.
pub async fn import(ctx: &Context, args: ImportArgs) -> Result<()> {
    let kind: ImportKind = args.kind.parse().map_err(|e| anyhow!("{e}"))?;
    let choice = mapping_choice(kind, args.mapping.as_deref(), args.preset.as_deref())?;
    if let Some(out) = &args.write_mapping {
        return write_mapping(&args, &choice, out);
    }
    let store = ctx.open(DEFAULT_DATABASE).await?;
    let name = args.file.display().to_string();
    let mut file = std::fs::File::open(&args.file).with_context(|| format!("cannot read {name}"))?;
    let mut head = Vec::new();
    (&mut file).take(4).read_to_end(&mut head).with_context(|| format!("cannot read {name}"))?;
    file.seek(SeekFrom::Start(0)).with_context(|| format!("cannot read {name}"))?;
    let records = matches!(kind, ImportKind::Activities | ImportKind::Deals | ImportKind::Subscriptions);
    let actor = Actor::named("cli").because(Some(format!("import {name}")));
    let done = if records && !importing::is_workbook(&name, &head) {
        stream(&store, choice, &args, file, &actor).await?
    } else {
        drop(file);
        in_memory(&store, choice, &args, &actor).await?
    };
    println!("{name}: {}", done.notes.summary());
    let l = locale();
    if done.keyed_by_content {
        println!("{}", tr!(l, "cli-import-keyed-by-content", file = &name));
    }
    let n = |c: usize| l.count(c as i64);
    println!(
        "{}",
        tr!(
            l,
            "cli-import-counts",
            file = &name,
            new = n(done.counts.new),
            updated = n(done.counts.updated),
            unchanged = n(done.counts.unchanged),
            rejected = n(done.rejected),
            rejects = args
                .rejects
                .as_ref()
                .filter(|_| done.rejected > 0)
                .map(|p| tr!(l, "cli-import-rejects-written", path = p.display().to_string()))
                .unwrap_or_default()
        )
    );
    for note in done.gaps.notes() {
        println!("{name}: {note}");
    }
    crate::stages_cmd::print_unmapped(&done.unmapped, import_note);
    Ok(())
}

/// `--write-mapping FILE`: the mapping of the preset that fits the file, or one proposed from its
/// header, written to edit; nothing is imported.
fn write_mapping(args: &ImportArgs, choice: &MappingChoice, out: &Path) -> Result<()> {
    let name = args.file.display().to_string();
    let bytes = std::fs::read(&args.file).with_context(|| format!("cannot read {name}"))?;
    let (options, _) = read_options(args)?;
    let header = importing::read_header(&name, &bytes, &options, choice).map_err(|e| anyhow!(e))?;
    let (text, said) = match choice.resolve(&header) {
        Ok(chosen) => {
            let from = chosen.describe().unwrap_or_else(|| "the mapping given".into());
            (
                format!(
                    "# {from}, fitted to {name}: edit it, then import with --mapping FILE.\n{}",
                    chosen.mapping.to_toml()
                ),
                from,
            )
        }
        Err(_) => (propose(choice.kind(), &header), "proposed from the header; fill in the commented lines".into()),
    };
    std::fs::write(out, text).with_context(|| format!("cannot write {}", out.display()))?;
    println!("{}: a mapping for {name} ({said})", out.display());
    Ok(())
}

/// What an import did, whichever way the file was read.
struct Done {
    counts: UpsertCounts,
    rejected: usize,
    notes: importing::FileNotes,
    keyed_by_content: bool,
    unmapped: Vec<UnmappedStage>,
    gaps: OpenDealGaps,
}

/// A CSV of records, streamed: constant memory, a progress bar on a terminal.
async fn stream(
    store: &SqlStore,
    choice: MappingChoice,
    args: &ImportArgs,
    file: std::fs::File,
    actor: &Actor,
) -> Result<Done> {
    let name = args.file.display().to_string();
    let size = file.metadata().map(|m| m.len()).unwrap_or(0);
    // On a terminal only (indicatif draws nothing otherwise); the bar follows bytes, for the ETA.
    let bar = ProgressBar::new(size);
    bar.set_style(bar_style("cli-import-bar"));
    let started = Instant::now();
    let rate = |rows: usize| rows as f64 / started.elapsed().as_secs_f64().max(1e-3);
    let progress = |p: importing::Progress| {
        bar.set_position(p.bytes);
        let l = locale();
        bar.set_message(tr!(l, "cli-import-rows", rows = l.count(p.rows as i64), rate = l.decimal(rate(p.rows), 0)));
    };
    let (read, date_order) = read_options(args)?;
    let options = StreamOptions {
        delimiter: read.delimiter,
        encoding: read.encoding,
        date_order,
        skip_invalid: args.skip_invalid,
        rejects: args.rejects.clone(),
    };
    let done = importing::import_csv(store, choice, &name, file, options, actor, &progress).await;
    bar.finish_and_clear();
    let done = done.map_err(|e| match e {
        StreamError::Mapping(errors) => misfit(&args.file, &errors),
        StreamError::Rows { first, total } => {
            print_report(&args.file, &first[..first.len().min(50)]);
            if total > 50 {
                eprintln!("... and {} more", total - 50);
            }
            anyhow!("{name}: {total} problem(s); nothing was imported (fix them, or use --skip-invalid --rejects FILE)")
        }
        StreamError::File(message) => anyhow!(message),
        StreamError::Store(e) => anyhow!("{name}: {}; nothing was imported", e.chain()),
    })?;
    if !bar.is_hidden() {
        let seconds = started.elapsed().as_secs_f64();
        let l = locale();
        eprintln!(
            "  {}",
            tr!(
                l,
                "cli-import-rows-in",
                rows = l.count(done.rows as i64),
                seconds = l.decimal(seconds, 1),
                rate = l.decimal(rate(done.rows), 0)
            )
        );
    }
    Ok(Done {
        counts: done.counts,
        rejected: done.rejected,
        notes: done.notes,
        keyed_by_content: done.keyed_by_content,
        unmapped: done.unmapped,
        gaps: done.gaps,
    })
}

/// A workbook, or reps or teams: read whole (reps and teams go through the
/// organisation's rules one by one; a workbook is parsed whole by calamine).
async fn in_memory(store: &SqlStore, choice: MappingChoice, args: &ImportArgs, actor: &Actor) -> Result<Done> {
    let name = args.file.display().to_string();
    let bytes = std::fs::read(&args.file).with_context(|| format!("cannot read {name}"))?;
    let (options, date_order) = read_options(args)?;
    let (table, mut notes) = importing::read_table(&name, &bytes, &options, &choice).map_err(|e| anyhow!(e))?;
    drop(bytes);
    let mapping = importing::resolve_mapping(&choice, &table.header, date_order, &mut notes)
        .map_err(|errors| misfit(&args.file, &errors))?;
    let keyed_by_content = mapping.keys_by_content();

    let bar = ProgressBar::new(table.rows.len() as u64);
    bar.set_style(bar_style("cli-import-checking"));
    let progress = |done: usize| bar.set_position(done as u64);
    let mut parsed =
        importing::parse(store, mapping, &table, &progress).await.map_err(|errors| misfit(&args.file, &errors))?;
    bar.finish_and_clear();
    if !parsed.rejected.is_empty() && !args.skip_invalid {
        let all: Vec<RowError> = parsed.rejected.into_iter().flat_map(|(_, e)| e).collect();
        print_report(&args.file, &all);
        bail!(
            "{name}: {} problem(s); nothing was imported (fix them, or use --skip-invalid --rejects FILE)",
            all.len()
        );
    }
    if let Some(path) = &args.rejects
        && !parsed.rejected.is_empty()
    {
        let csv = importing::rejects_csv(&table, &parsed.rejected).map_err(|e| anyhow!(e))?;
        std::fs::write(path, csv).with_context(|| format!("cannot write {}", path.display()))?;
    }
    let rejected = parsed.rejected.len();
    let good = std::mem::take(&mut parsed.good);
    let counts = importing::write(store, good, actor, &name).await.map_err(|e| anyhow!("{name}: {}", e.chain()))?;
    Ok(Done { counts, rejected, notes, keyed_by_content, unmapped: parsed.unmapped, gaps: parsed.gaps })
}

/// What an import says of its open deals in stages the settings do not map: the use case's words
/// in English (scripts read them), the reader's in another language.
fn import_note(unmapped: &[UnmappedStage], how: &str) -> Option<String> {
    let l = locale();
    if l == pacer_i18n::Locale::ENGLISH || unmapped.is_empty() {
        return pacer_app::stages::import_note(unmapped, how);
    }
    let rows: usize = unmapped.iter().map(|u| u.deals).sum();
    let stages: Vec<String> = unmapped.iter().map(|u| format!("{} ({})", u.stage, l.count(u.deals as i64))).collect();
    Some(tr!(
        l,
        "cli-import-unmapped",
        count = rows,
        rows = l.count(rows as i64),
        stages = stages.join(", "),
        how = how
    ))
}

/// A progress bar drawn as the message `id` says, its parts given as indicatif's placeholders.
fn bar_style(id: &str) -> ProgressStyle {
    let parts = [
        ("bar", "[{bar:30}]"),
        ("percent", "{percent:>3}%"),
        ("msg", "{msg}"),
        ("pos", "{pos}"),
        ("len", "{len}"),
        ("per_sec", "{per_sec}"),
        ("eta", "{eta}"),
    ];
    let args: Vec<(&str, pacer_i18n::Arg)> = parts.iter().map(|&(name, text)| (name, text.into())).collect();
    ProgressStyle::with_template(&format!("  {}", locale().t_with(id, &args)))
        .unwrap_or_else(|_| ProgressStyle::default_bar())
        .progress_chars("=> ")
}
