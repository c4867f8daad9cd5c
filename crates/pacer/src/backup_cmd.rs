//! `pacer backup` and `pacer restore`: a consistent copy of the database, taken while others
//! write, as one portable SQLite file; and such a file loaded into an empty database of either
//! kind, which is how a team moves from the laptop file to PostgreSQL. The copying is the
//! storage's (`SqlStore::backup`, `SqlStore::restore`); this prints the progress and the rows.

use crate::Context;
use crate::config::DEFAULT_DATABASE;
use crate::output::{Figures, Format, Listing, locale};
use anyhow::Result;
use clap::Args;
use indicatif::{ProgressBar, ProgressStyle};
use pacer_core::audit::Actor;
use pacer_i18n::{Arg, tr};
use pacer_storage::{BackupFile, CopyProgress, TableRows};
use serde::Serialize;
use std::path::PathBuf;
use std::time::{Duration, Instant};

/// `pacer backup`.
#[derive(Args)]
pub struct BackupArgs {
    /// The SQLite file to write.
    out: PathBuf,
    /// Replace OUT if it exists.
    #[arg(long)]
    force: bool,
    /// How the summary is printed.
    #[arg(long, value_enum, default_value_t)]
    format: Format,
}

/// `pacer restore`.
#[derive(Args)]
pub struct RestoreArgs {
    /// The backup to load (a file `pacer backup` wrote).
    #[arg(value_name = "IN")]
    input: PathBuf,
    /// How the summary is printed.
    #[arg(long, value_enum, default_value_t)]
    format: Format,
}

/// What a backup or a restore did, for `--format json`.
#[derive(Serialize)]
struct Summary<'a> {
    /// The database copied from or into (without its password).
    database: String,
    /// The backup's file.
    file: String,
    /// Rows of every table.
    tables: &'a [TableRows],
    /// Rows of all the tables.
    rows: i64,
    seconds: f64,
}

/// `pacer backup OUT`.
pub async fn backup(ctx: &Context, args: BackupArgs) -> Result<()> {
    let url = ctx.database_url(DEFAULT_DATABASE)?;
    let store = pacer_storage::SqlStore::connect(&url).await?;
    let started = Instant::now();
    let bar = copy_bar();
    let tables = store.backup(&args.out, args.force, &|p| show(&bar, p)).await;
    bar.finish_and_clear();
    store.close().await;
    let tables = tables?;
    let summary = summary(url.redacted(), &args.out, &tables, started);
    print(&summary, args.format, false)
}

/// `pacer restore IN`.
pub async fn restore(ctx: &Context, args: RestoreArgs) -> Result<()> {
    let url = ctx.database_url(DEFAULT_DATABASE)?;
    let started = Instant::now();
    // The file first: one that is no backup is refused before the database is opened (or created).
    let backup = BackupFile::open(&args.input).await?;
    let restored = match pacer_storage::SqlStore::connect(&url).await {
        Ok(store) => {
            let actor = Actor::named("cli").because(Some(format!("restore {}", args.input.display())));
            let bar = copy_bar();
            let restored = store.restore(&backup, &actor, &|p| show(&bar, p)).await;
            bar.finish_and_clear();
            store.close().await;
            restored
        }
        Err(e) => Err(e),
    };
    backup.close().await;
    let tables = restored?;
    let summary = summary(url.redacted(), &args.input, &tables, started);
    print(&summary, args.format, true)
}

fn summary<'a>(database: String, file: &std::path::Path, tables: &'a [TableRows], started: Instant) -> Summary<'a> {
    Summary {
        database,
        file: file.display().to_string(),
        tables,
        rows: tables.iter().map(|t| t.rows).sum(),
        seconds: (started.elapsed().as_secs_f64() * 10.0).round() / 10.0,
    }
}

/// The rows of every table, then (as a table) what was done: a backup, or a restore.
fn print(summary: &Summary<'_>, format: Format, restored: bool) -> Result<()> {
    if format == Format::Json {
        println!("{}", serde_json::to_string_pretty(summary)?);
        return Ok(());
    }
    let rows = summary.tables.iter().map(|t| vec![t.table.to_string(), format.count(t.rows)]).collect();
    Listing { headers: &["table", "rows"], rows, records: summary.tables }.print(format)?;
    if format == Format::Table {
        let l = locale();
        let said = [
            ("database", Arg::from(&summary.database)),
            ("file", Arg::from(&summary.file)),
            ("seconds", Arg::from(l.decimal(summary.seconds, 1))),
            ("rows", Arg::from(l.count(summary.rows))),
            ("count", Arg::from(summary.rows)),
        ];
        println!("{}", if restored { l.t_with("cli-restore-done", &said) } else { l.t_with("cli-backup-done", &said) });
    }
    Ok(())
}

/// A spinner until the rows to copy are known (SQLite's own copy never tells), then a bar of
/// rows; drawn on a terminal only.
fn copy_bar() -> ProgressBar {
    let bar = ProgressBar::new_spinner();
    bar.set_message(locale().t("cli-copying"));
    bar.enable_steady_tick(Duration::from_millis(120));
    bar
}

fn show(bar: &ProgressBar, p: CopyProgress) {
    if bar.length() != Some(p.of) {
        bar.set_style(
            ProgressStyle::with_template(&format!(
                "  {{msg:18}} [{{bar:30}}] {}",
                tr!(locale(), "cli-copy-bar", pos = "{pos}", len = "{len}", per_sec = "{per_sec}", eta = "{eta}")
            ))
            .unwrap_or_else(|_| ProgressStyle::default_bar())
            .progress_chars("=> "),
        );
        bar.set_length(p.of);
    }
    bar.set_position(p.rows);
    bar.set_message(p.table);
}
