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
use anyhow::{Context as _, Result, anyhow, bail};
use clap::Args;
use indicatif::{ProgressBar, ProgressStyle};
use pacer_app::import::{self as importing, StreamError, StreamOptions};
use pacer_core::audit::Actor;
use pacer_core::import::{DateOrder, ImportKind, Mapping, RowError, preset, preset_names};
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
    /// A built-in mapping, e.g. salesforce-opportunities.
    #[arg(long)]
    preset: Option<String>,
    /// How ambiguous dates like 03/04/2026 read: iso, month-first or day-first.
    #[arg(long)]
    date_order: Option<String>,
    /// XLSX: the sheet to read [default: the first].
    #[arg(long)]
    sheet: Option<String>,
    /// CSV: the delimiter [default: guessed from the header].
    #[arg(long)]
    delimiter: Option<char>,
    /// Import the good rows and write the bad ones to --rejects.
    #[arg(long, requires = "rejects")]
    skip_invalid: bool,
    /// Where the rejected rows go, with their reasons (a CSV).
    #[arg(long)]
    rejects: Option<PathBuf>,
}

/// The mapping named by the arguments, for the kind of file.
pub fn mapping_for(
    kind: ImportKind,
    mapping: Option<&Path>,
    preset_name: Option<&str>,
    date_order: Option<&str>,
) -> Result<Mapping> {
    let mut m = match (mapping, preset_name) {
        (Some(path), _) => {
            let text = std::fs::read_to_string(path).with_context(|| format!("cannot read {}", path.display()))?;
            Mapping::from_toml(&text).map_err(|e| anyhow!("{}: {e}", path.display()))?
        }
        (None, Some(name)) => {
            preset(name).ok_or_else(|| anyhow!("unknown preset {name:?}: use {}", preset_names().join(", ")))?
        }
        (None, None) => {
            bail!("say how the columns map: --mapping FILE or --preset NAME ({})", preset_names().join(", "))
        }
    };
    if m.kind != kind {
        bail!("the mapping is for {}, not {kind}", m.kind);
    }
    if let Some(order) = date_order {
        m.date_order = Some(order.parse::<DateOrder>().map_err(|e| anyhow!("{e}"))?);
    }
    Ok(m)
}

pub(crate) fn print_report(file: &Path, errors: &[RowError]) {
    for e in errors.iter().take(50) {
        eprintln!("{}: row {}, column {:?}, value {:?}: {}", file.display(), e.row, e.column, e.value, e.reason);
    }
    if errors.len() > 50 {
        eprintln!("... and {} more", errors.len() - 50);
    }
}

/// `pacer import ...`.
pub async fn import(ctx: &Context, args: ImportArgs) -> Result<()> {
    let kind: ImportKind = args.kind.parse().map_err(|e| anyhow!("{e}"))?;
    let mapping = mapping_for(kind, args.mapping.as_deref(), args.preset.as_deref(), args.date_order.as_deref())?;
    let store = ctx.open(DEFAULT_DATABASE).await?;
    let name = args.file.display().to_string();
    let mut file = std::fs::File::open(&args.file).with_context(|| format!("cannot read {name}"))?;
    let mut head = Vec::new();
    (&mut file).take(4).read_to_end(&mut head).with_context(|| format!("cannot read {name}"))?;
    file.seek(SeekFrom::Start(0)).with_context(|| format!("cannot read {name}"))?;
    let records = matches!(kind, ImportKind::Activities | ImportKind::Deals | ImportKind::Subscriptions);
    let actor = Actor::named("cli").because(Some(format!("import {name}")));
    if mapping.keys_by_content() {
        println!("{name}: no id column, so each record is keyed by its content; importing it again changes nothing");
    }
    let (counts, rejected) = if records && !importing::is_workbook(&name, &head) {
        stream(&store, mapping, &args, file, &actor).await?
    } else {
        drop(file);
        in_memory(&store, mapping, &args, &actor).await?
    };
    println!(
        "{name}: {} new, {} updated, {} unchanged, {rejected} rejected{}",
        counts.new,
        counts.updated,
        counts.unchanged,
        args.rejects
            .as_ref()
            .filter(|_| rejected > 0)
            .map(|p| format!(" (written to {})", p.display()))
            .unwrap_or_default()
    );
    Ok(())
}

/// A CSV of records, streamed: constant memory, a progress bar on a terminal.
async fn stream(
    store: &SqlStore,
    mapping: Mapping,
    args: &ImportArgs,
    file: std::fs::File,
    actor: &Actor,
) -> Result<(UpsertCounts, usize)> {
    let name = args.file.display().to_string();
    let size = file.metadata().map(|m| m.len()).unwrap_or(0);
    // On a terminal only (indicatif draws nothing otherwise); the bar follows bytes, for the ETA.
    let bar = ProgressBar::new(size);
    bar.set_style(
        ProgressStyle::with_template("  [{bar:30}] {percent:>3}% {msg} eta {eta}")
            .unwrap_or_else(|_| ProgressStyle::default_bar())
            .progress_chars("=> "),
    );
    let started = Instant::now();
    let rate = |rows: usize| rows as f64 / started.elapsed().as_secs_f64().max(1e-3);
    let progress = |p: importing::Progress| {
        bar.set_position(p.bytes);
        bar.set_message(format!("{} rows, {:.0} rows/s", p.rows, rate(p.rows)));
    };
    let options =
        StreamOptions { delimiter: args.delimiter, skip_invalid: args.skip_invalid, rejects: args.rejects.clone() };
    let done = importing::import_csv(store, mapping, &name, file, options, actor, &progress).await;
    bar.finish_and_clear();
    let done = done.map_err(|e| match e {
        StreamError::Mapping(errors) => {
            print_report(&args.file, &errors);
            anyhow!("{name}: the mapping does not fit the file")
        }
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
        eprintln!("  {} rows in {seconds:.1} s, {:.0} rows/s", done.rows, rate(done.rows));
    }
    Ok((done.counts, done.rejected))
}

/// A workbook, or reps or teams: read whole (reps and teams go through the
/// organisation's rules one by one; a workbook is parsed whole by calamine).
async fn in_memory(
    store: &SqlStore,
    mapping: Mapping,
    args: &ImportArgs,
    actor: &Actor,
) -> Result<(UpsertCounts, usize)> {
    let name = args.file.display().to_string();
    let bytes = std::fs::read(&args.file).with_context(|| format!("cannot read {name}"))?;
    let table = importing::read_table(&name, &bytes, args.sheet.as_deref(), args.delimiter).map_err(|e| anyhow!(e))?;
    drop(bytes);

    let bar = ProgressBar::new(table.rows.len() as u64);
    bar.set_style(
        ProgressStyle::with_template("  checking [{bar:30}] {pos}/{len} rows {per_sec} eta {eta}")
            .unwrap_or_else(|_| ProgressStyle::default_bar())
            .progress_chars("=> "),
    );
    let progress = |done: usize| bar.set_position(done as u64);
    let parsed = importing::parse(store, mapping, &table, &progress).await.map_err(|errors| {
        print_report(&args.file, &errors);
        anyhow!("{name}: the mapping does not fit the file")
    })?;
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
    let counts =
        importing::write(store, parsed.good, actor, &name).await.map_err(|e| anyhow!("{name}: {}", e.chain()))?;
    Ok((counts, rejected))
}
