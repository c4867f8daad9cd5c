//! `pacer review`: the quarterly review on the command line (PRODUCT.md C7).

use crate::Context;
use crate::config::DEFAULT_DATABASE;
use crate::output::{Listing, ReportFormat, emit_report};
use crate::today;
use anyhow::{Result, anyhow};
use clap::{Args, Subcommand};
use pacer_app::cache::{Caches, WarmCache};
use pacer_app::churn::SeriesCache;
use pacer_app::review::{self as reviews, sheets};
use pacer_core::audit::Actor;
use pacer_core::review::{NewNote, NoteSubject};
use pacer_storage::{ReviewStore, SqlStore};
use std::path::PathBuf;

/// `pacer review`.
#[derive(Args)]
#[command(args_conflicts_with_subcommands = true)]
pub struct ReviewArgs {
    #[command(subcommand)]
    command: Option<ReviewCommand>,
    /// The fiscal quarter, e.g. FY2027-Q2 [default: the current one].
    period: Option<String>,
    /// The plan to measure against [default: the review's, else the year's approved plan].
    #[arg(long)]
    plan: Option<i64>,
    /// Output format (xlsx: one sheet per section).
    #[arg(long, value_enum, default_value_t)]
    format: ReportFormat,
    /// File to write (required for xlsx).
    #[arg(long)]
    output: Option<PathBuf>,
}

#[derive(Subcommand)]
enum ReviewCommand {
    /// Open the review of a quarter.
    Open {
        /// The fiscal quarter.
        period: String,
        /// The plan to measure against [default: the year's approved plan].
        #[arg(long)]
        plan: Option<i64>,
    },
    /// Close a review: its figures are frozen.
    Close {
        /// The fiscal quarter.
        period: String,
    },
    /// Add a note for the directors.
    Note {
        /// The fiscal quarter.
        period: String,
        /// What it is about: a KPI key, rep:ID, or nothing for the whole review.
        #[arg(long)]
        about: Option<String>,
        /// The note.
        #[arg(long)]
        text: String,
    },
    /// Propose (or apply) re-phasing a KPI's remaining targets, or revising its annual target.
    Rebalance {
        /// The fiscal quarter.
        period: String,
        /// The KPI.
        #[arg(long)]
        kpi: String,
        /// A revised annual company target, in units (minor units for money).
        #[arg(long)]
        annual: Option<i64>,
        /// Apply it as a new plan version.
        #[arg(long, requires = "reason")]
        apply: bool,
        /// Why (kept in the audit log).
        #[arg(long)]
        reason: Option<String>,
    },
}

/// `pacer review ...`.
pub async fn review(ctx: &Context, args: ReviewArgs) -> Result<()> {
    let store: SqlStore = ctx.open(DEFAULT_DATABASE).await?;
    let series = SeriesCache::default();
    // A review runs many reports over the same data: read the rollups once.
    let warm = WarmCache::default();
    let app = crate::use_cases(&store, Caches { warm: Some(&warm), series: &series }).await?;
    app.catalog_if_any().await?.ok_or_else(|| anyhow!("no metric catalog yet"))?;
    let org = &app.org;
    let cli = |reason: Option<String>| Actor::named("cli").because(reason);
    match args.command {
        Some(ReviewCommand::Open { period, plan }) => {
            let r = reviews::open(&app, &period, plan, &cli(None)).await?;
            println!("Opened the review of {} against plan {}.", r.period, r.plan_id);
            Ok(())
        }
        Some(ReviewCommand::Close { period }) => {
            let r = reviews::opened(&store, &period).await?;
            let r = reviews::close(&app, r.id, &cli(None)).await?;
            println!("Closed the review of {}: its figures are frozen.", r.period);
            Ok(())
        }
        Some(ReviewCommand::Note { period, about, text }) => {
            let r = reviews::opened(&store, &period).await?;
            let subject = match about.as_deref() {
                None => NoteSubject::Review,
                Some(a) => match a.strip_prefix("rep:") {
                    Some(id) => NoteSubject::Rep(id.parse().map_err(|_| anyhow!("rep id {id:?} is not a number"))?),
                    None => NoteSubject::Kpi(a.to_string()),
                },
            };
            store.add_note(r.id, &NewNote { subject, text }, &cli(None)).await?;
            println!("Note added.");
            Ok(())
        }
        Some(ReviewCommand::Rebalance { period, kpi, annual, apply, reason }) => {
            let q = reviews::quarter(org, &period, today())?;
            let plan = reviews::plan_for(&store, &q, None).await?;
            let p = reviews::propose(&app, &plan, &kpi, annual, q.end.min(today())).await?;
            let mut headers: Vec<String> = vec!["line".into(), "".into()];
            headers.extend((1..=12).map(|m| format!("M{m}")));
            headers.push("year".into());
            let headers: Vec<&str> = headers.iter().map(String::as_str).collect();
            let mut rows = Vec::new();
            for l in &p.lines {
                for (which, months) in [("now", &l.before), ("proposed", &l.after)] {
                    let mut row = vec![l.name.clone(), which.to_string()];
                    row.extend(months.iter().map(ToString::to_string));
                    row.push(months.iter().sum::<i64>().to_string());
                    rows.push(row);
                }
            }
            emit_report(
                &Listing { headers: &headers, rows, records: &p.lines },
                &p,
                ReportFormat::Table,
                None,
                "Rebalance",
            )?;
            if apply {
                let next = reviews::apply(&store, &p, &cli(reason)).await?;
                println!("Applied: plan {} ({} v{}) is {}.", next.id, next.name, next.version, next.status);
            } else {
                println!("{} months past keep their targets. Apply with --apply --reason \"...\".", p.months_past);
            }
            Ok(())
        }
        None => {
            // Without a period, the quarter we are in.
            let period = match args.period {
                Some(period) => period,
                None => {
                    let today = today();
                    let fy = org.fiscal_year_of(today);
                    let quarters = org.calendar.periods(fy, pacer_core::fiscal_calendar::PeriodKind::Quarter)?;
                    let current = quarters.iter().find(|q| q.start <= today && today <= q.end);
                    current
                        .map(|q| q.name())
                        .ok_or_else(|| anyhow!("name a fiscal quarter, e.g. pacer review FY2027-Q2"))?
                }
            };
            let v = reviews::view(&app, &period, args.plan).await?;
            let all = sheets(&v, app.org.currency);
            if args.format == ReportFormat::Xlsx {
                let path = args.output.ok_or_else(|| anyhow!("--format xlsx needs --output FILE.xlsx"))?;
                std::fs::write(&path, pacer_app::export::xlsx(&all)?)
                    .map_err(|e| anyhow!("cannot write {}: {e}", path.display()))?;
                println!("Wrote {}", path.display());
                return Ok(());
            }
            let summary = &all[0];
            let headers: Vec<&str> = summary.headers.iter().map(String::as_str).collect();
            emit_report(
                &Listing { headers: &headers, rows: summary.rows.clone(), records: &v.document.kpis },
                &v,
                args.format,
                args.output.as_deref(),
                "Review",
            )?;
            if args.format == ReportFormat::Table && args.output.is_none() {
                let d = &v.document;
                println!("{} against {} v{}, as of {}.", d.label, d.plan_name, d.plan_version, d.as_of);
                for g in &d.gaps {
                    println!(
                        "gap ({}): {}{} → {}",
                        g.kind,
                        g.message,
                        if g.reps.is_empty() { String::new() } else { format!(" [{}]", g.reps.join(", ")) },
                        g.action
                    );
                }
                for n in &v.notes {
                    println!("note: {}", n.text);
                }
                for x in &v.differences {
                    println!("corrected since closing: {} {} was {:?}, now {:?}", x.kpi, x.owner, x.frozen, x.now);
                }
            }
            Ok(())
        }
    }
}
