//! `pacer import`: CSV and XLSX files through a column mapping (a TOML file or
//! a preset). By default all-or-nothing: one bad row rejects the file with a
//! report of row, column, value and reason, and nothing is written. With
//! `--skip-invalid --rejects FILE` the good rows land and the bad ones go to a
//! CSV that can be fixed and imported again. Re-importing a file changes
//! nothing: records are keyed by (source, external id), accounts and months by
//! (account, month), reps by CRM id or e-mail, teams by name.

use crate::Context;
use crate::config::DEFAULT_DATABASE;
use anyhow::{Context as _, Result, anyhow, bail};
use clap::Args;
use indicatif::{ProgressBar, ProgressStyle};
use pacer_core::audit::Actor;
use pacer_core::import::{
    DateOrder, ImportKind, Imported, Importer, Mapping, RowError, not_utf8, preset, preset_names, sniff_delimiter,
    utf8_bom_len,
};
use pacer_core::org::{NewRep, NewTeam, TeamUpdate};
use pacer_core::records::{NewActivity, NewDeal};
use pacer_storage::{OrgStore, RecordStore, RepFilter, SqlStore, UpsertCounts};
use pacer_web::service;
use std::io::Read;
use std::path::{Path, PathBuf};

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

/// A file's rows as text, from CSV or XLSX.
struct Table {
    header: Vec<String>,
    rows: Vec<Vec<String>>,
}

fn read_csv(path: &Path, delimiter: Option<char>, bar: &ProgressBar) -> Result<Table> {
    let mut bytes = Vec::new();
    std::fs::File::open(path)
        .with_context(|| format!("cannot open {}", path.display()))?
        .read_to_end(&mut bytes)
        .with_context(|| format!("cannot read {}", path.display()))?;
    let skip = utf8_bom_len(&bytes).map_err(|e| anyhow!("{}: {e}", path.display()))?;
    let body = &bytes[skip..];
    let first_line = body.split(|b| *b == b'\n').next().unwrap_or_default();
    let delimiter = delimiter.unwrap_or_else(|| sniff_delimiter(&String::from_utf8_lossy(first_line)));
    let mut reader =
        csv::ReaderBuilder::new().delimiter(delimiter as u8).flexible(true).has_headers(false).from_reader(body);
    let mut records = reader.byte_records();
    let header = match records.next() {
        Some(h) => h.map_err(|e| anyhow!("{}: {e}", path.display()))?,
        None => bail!("{} is empty: it needs a header row", path.display()),
    };
    let text = |row: usize, r: &csv::ByteRecord| -> Result<Vec<String>, RowError> {
        r.iter().map(|c| std::str::from_utf8(c).map(|s| s.to_string()).map_err(|_| not_utf8(row, c))).collect()
    };
    let header = text(1, &header).map_err(|e| anyhow!("{}: {e}", path.display()))?;
    let mut rows = Vec::new();
    for (i, record) in records.enumerate() {
        let record = record.map_err(|e| anyhow!("{}: row {}: {e}", path.display(), i + 2))?;
        bar.set_position(record.position().map(|p| p.byte()).unwrap_or(0));
        rows.push(text(i + 2, &record).map_err(|e| anyhow!("{}: {e}", path.display()))?);
    }
    Ok(Table { header, rows })
}

fn read_xlsx(path: &Path, sheet: Option<&str>) -> Result<Table> {
    use calamine::{Data, Reader, open_workbook_auto};
    let mut book =
        open_workbook_auto(path).map_err(|e| anyhow!("cannot open {} as a workbook: {e}", path.display()))?;
    let names = book.sheet_names().to_vec();
    let name = match sheet {
        Some(s) => names
            .iter()
            .find(|n| n.eq_ignore_ascii_case(s))
            .cloned()
            .ok_or_else(|| anyhow!("{} has no sheet {s:?}; sheets: {}", path.display(), names.join(", ")))?,
        None => names.first().cloned().ok_or_else(|| anyhow!("{} has no sheet", path.display()))?,
    };
    let range = book.worksheet_range(&name).map_err(|e| anyhow!("{}: sheet {name:?}: {e}", path.display()))?;
    let cell = |d: &Data| -> String {
        match d {
            Data::Empty => String::new(),
            Data::String(s) => s.clone(),
            Data::Float(f) if f.fract() == 0.0 && f.abs() < 1e15 => format!("{}", *f as i64),
            Data::Float(f) => f.to_string(),
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
    let mut rows = range.rows().map(|r| r.iter().map(cell).collect::<Vec<_>>());
    let header =
        rows.next().ok_or_else(|| anyhow!("{}: sheet {name:?} is empty: it needs a header row", path.display()))?;
    Ok(Table { header, rows: rows.collect() })
}

fn mapping(args: &ImportArgs, kind: ImportKind) -> Result<Mapping> {
    let mut mapping = match (&args.mapping, &args.preset) {
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
    if mapping.kind != kind {
        bail!("the mapping is for {}, not {kind}", mapping.kind);
    }
    if let Some(order) = &args.date_order {
        mapping.date_order = Some(order.parse::<DateOrder>().map_err(|e| anyhow!("{e}"))?);
    }
    Ok(mapping)
}

fn print_report(file: &Path, errors: &[RowError]) {
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
    let mapping = mapping(&args, kind)?;
    let store = ctx.open(DEFAULT_DATABASE).await?;
    let org = store.organisation().await?.unwrap_or_default();
    let catalog = service::current_catalog(&store).await.map_err(|e| anyhow!("{e}"))?.map(|(_, c)| c);
    let reps = store.reps(&RepFilter::default(), chrono::Local::now().date_naive()).await?;
    let resolve = |key: &str| -> Option<i64> {
        let key = key.trim();
        reps.iter()
            .find(|r| {
                r.external_id.as_deref() == Some(key)
                    || r.email.as_deref().is_some_and(|e| e.eq_ignore_ascii_case(key))
                    || r.id.to_string() == key
                    || r.name.eq_ignore_ascii_case(key)
            })
            .map(|r| r.id)
    };

    let size = std::fs::metadata(&args.file).map(|m| m.len()).unwrap_or(0);
    let bar = ProgressBar::new(size);
    bar.set_style(
        ProgressStyle::with_template("  reading [{bar:30}] {bytes}/{total_bytes} {bytes_per_sec} eta {eta}")
            .unwrap_or_else(|_| ProgressStyle::default_bar())
            .progress_chars("=> "),
    );
    let is_xlsx = args
        .file
        .extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| matches!(e.to_ascii_lowercase().as_str(), "xlsx" | "xlsm" | "xls" | "ods"));
    let table = if is_xlsx {
        read_xlsx(&args.file, args.sheet.as_deref())?
    } else {
        read_csv(&args.file, args.delimiter, &bar)?
    };
    bar.finish_and_clear();

    let importer = Importer::new(mapping, &table.header, catalog.as_ref(), &resolve)
        .map(|i| i.with_currency(org.currency))
        .map_err(|errors| {
            print_report(&args.file, &errors);
            anyhow!("{}: the mapping does not fit the file", args.file.display())
        })?;
    let mut good = Vec::new();
    let mut rejected: Vec<(usize, Vec<RowError>)> = Vec::new();
    for (i, cells) in table.rows.iter().enumerate() {
        let row = i + 2;
        if cells.iter().all(|c| c.trim().is_empty()) {
            continue;
        }
        match importer.record(row, cells) {
            Ok(record) => good.push(record),
            Err(errors) => rejected.push((i, errors)),
        }
    }
    if !rejected.is_empty() && !args.skip_invalid {
        let all: Vec<RowError> = rejected.into_iter().flat_map(|(_, e)| e).collect();
        print_report(&args.file, &all);
        bail!(
            "{}: {} problem(s); nothing was imported (fix them, or use --skip-invalid --rejects FILE)",
            args.file.display(),
            all.len()
        );
    }
    if let Some(path) = &args.rejects
        && !rejected.is_empty()
    {
        let mut out = csv::Writer::from_path(path).with_context(|| format!("cannot write {}", path.display()))?;
        let mut header = table.header.clone();
        header.push("pacer_errors".into());
        out.write_record(&header)?;
        for (i, errors) in &rejected {
            let mut row = table.rows[*i].clone();
            row.resize(table.header.len(), String::new());
            row.push(errors.iter().map(|e| format!("{}: {}", e.column, e.reason)).collect::<Vec<_>>().join("; "));
            out.write_record(&row)?;
        }
        out.flush()?;
    }
    let counts =
        write(&store, good, &Actor::named("cli").because(Some(format!("import {}", args.file.display())))).await?;
    println!(
        "{}: {} new, {} updated, {} unchanged, {} rejected{}",
        args.file.display(),
        counts.new,
        counts.updated,
        counts.unchanged,
        rejected.len(),
        args.rejects
            .as_ref()
            .filter(|_| !rejected.is_empty())
            .map(|p| format!(" (written to {})", p.display()))
            .unwrap_or_default()
    );
    Ok(())
}

/// Writes the records: raw records in one transaction per file; reps and
/// teams one by one through the organisation's rules (each audited).
async fn write(store: &SqlStore, records: Vec<Imported>, actor: &Actor) -> Result<UpsertCounts> {
    let (mut activities, mut deals, mut months, mut reps, mut teams) =
        (Vec::new(), Vec::new(), Vec::new(), Vec::new(), Vec::new());
    for r in records {
        match r {
            Imported::Activity(a) => activities.push(NewActivity { entered_by: Some(actor.name.clone()), ..a }),
            Imported::Deal(d) => deals.push(NewDeal { entered_by: Some(actor.name.clone()), ..d }),
            Imported::Subscription(s) => months.push(s),
            Imported::Rep(r) => reps.push(r),
            Imported::Team(t) => teams.push(t),
        }
    }
    let mut counts = UpsertCounts::default();
    let mut add = |c: UpsertCounts| {
        counts.new += c.new;
        counts.updated += c.updated;
        counts.unchanged += c.unchanged;
    };
    add(store.upsert_activities(&activities).await?);
    add(store.upsert_deals(&deals).await?);
    add(store.upsert_subscriptions(&months).await?);
    let today = chrono::Local::now().date_naive();
    for t in teams {
        let existing = store.teams().await?;
        let parent = match &t.parent {
            Some(p) => {
                Some(existing.iter().find(|x| x.name.eq_ignore_ascii_case(p)).map(|x| x.id).ok_or_else(|| {
                    anyhow!("team {:?}: parent team {p:?} does not exist (list parents first)", t.name)
                })?)
            }
            None => None,
        };
        match existing.iter().find(|x| x.name.eq_ignore_ascii_case(&t.name)) {
            Some(team) if team.parent_id == parent && team.region == t.region => {
                add(UpsertCounts { unchanged: 1, ..Default::default() })
            }
            Some(team) => {
                store
                    .update_team(
                        team.id,
                        &TeamUpdate { parent_id: Some(parent), region: Some(t.region.clone()), ..Default::default() },
                        actor,
                    )
                    .await?;
                add(UpsertCounts { updated: 1, ..Default::default() });
            }
            None => {
                store
                    .create_team(
                        &NewTeam {
                            name: t.name.clone(),
                            region: t.region.clone(),
                            parent_id: parent,
                            manager_id: None,
                        },
                        actor,
                    )
                    .await?;
                add(UpsertCounts { new: 1, ..Default::default() });
            }
        }
    }
    for r in reps {
        let teams = store.teams().await?;
        let team_id =
            match &r.team {
                Some(name) => {
                    Some(teams.iter().find(|x| x.name.eq_ignore_ascii_case(name)).map(|x| x.id).ok_or_else(|| {
                        anyhow!("rep {:?}: team {name:?} does not exist (import teams first)", r.name)
                    })?)
                }
                None => None,
            };
        let all = store.reps(&RepFilter::default(), today).await?;
        let existing = all.iter().find(|x| {
            (r.external_id.is_some() && x.external_id == r.external_id)
                || (r.email.is_some()
                    && x.email.as_deref().map(str::to_lowercase) == r.email.as_deref().map(str::to_lowercase))
        });
        match existing {
            Some(rep)
                if rep.name == r.name
                    && rep.hire_date == r.hire_date
                    && rep.leave_date == r.leave_date
                    && rep.title == r.title =>
            {
                add(UpsertCounts { unchanged: 1, ..Default::default() })
            }
            Some(rep) => {
                let update = pacer_core::org::RepUpdate {
                    name: Some(r.name.clone()),
                    title: Some(r.title.clone()),
                    hire_date: Some(r.hire_date),
                    leave_date: Some(r.leave_date),
                    ..Default::default()
                };
                store.update_rep(rep.id, &update, actor).await?;
                add(UpsertCounts { updated: 1, ..Default::default() });
            }
            None => {
                let new = NewRep {
                    name: r.name,
                    email: r.email,
                    title: r.title,
                    team_id,
                    hire_date: r.hire_date,
                    leave_date: r.leave_date,
                    external_id: r.external_id,
                };
                store.create_rep(&new, actor).await?;
                add(UpsertCounts { new: 1, ..Default::default() });
            }
        }
    }
    Ok(counts)
}
