//! `pacer review`: the quarterly review on the command line (PRODUCT.md C7).

use crate::Context;
use crate::config::DEFAULT_DATABASE;
use crate::output::{Figures as _, Listing, ReportFormat, emit_report, locale, period_label};
use crate::today;
use anyhow::{Result, anyhow};
use clap::{Args, Subcommand};
use pacer_app::cache::{Caches, WarmCache};
use pacer_app::churn::SeriesCache;
use pacer_app::review::{self as reviews, sheets};
use pacer_core::audit::Actor;
use pacer_core::review::{NewNote, NoteSubject};
use pacer_i18n::tr;
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
            let period = period_label(&org.calendar, &r.period, &r.period);
            println!("{}", tr!(locale(), "cli-review-opened", period = period, plan = r.plan_id.to_string()));
            Ok(())
        }
        Some(ReviewCommand::Close { period }) => {
            let r = reviews::opened(&store, &period).await?;
            let r = reviews::close(&app, r.id, &cli(None)).await?;
            let period = period_label(&org.calendar, &r.period, &r.period);
            println!("{}", tr!(locale(), "cli-review-closed", period = period));
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
            println!("{}", locale().t("review-note-added"));
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
            let table = ReportFormat::Table;
            for l in &p.lines {
                for (which, months) in [("review-now", &l.before), ("review-proposed", &l.after)] {
                    let mut row = vec![l.name.clone(), locale().t(which)];
                    row.extend(months.iter().map(|&m| table.count(m)));
                    row.push(table.count(months.iter().sum::<i64>()));
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
                println!(
                    "{}",
                    tr!(
                        locale(),
                        "cli-review-applied",
                        id = next.id.to_string(),
                        name = &next.name,
                        version = next.version.to_string(),
                        status = crate::plan_cmd::status_words(next.status)
                    )
                );
            } else {
                let months = p.months_past as i64;
                println!(
                    "{}",
                    tr!(locale(), "cli-review-months-past", count = months, months = locale().count(months))
                );
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
                std::fs::write(&path, pacer_app::export::xlsx_in(&all, locale())?)
                    .map_err(|e| anyhow!("cannot write {}: {e}", path.display()))?;
                crate::output::wrote(&path);
                return Ok(());
            }
            let summary = &all[0];
            let headers: Vec<&str> = summary.headers.iter().map(String::as_str).collect();
            emit_report(
                &Listing {
                    headers: &headers,
                    rows: match args.format {
                        ReportFormat::Table => crate::output::people_rows(&headers, &summary.rows),
                        _ => summary.rows.clone(),
                    },
                    records: &v.document.kpis,
                },
                &v,
                args.format,
                args.output.as_deref(),
                "Review",
            )?;
            if args.format == ReportFormat::Table && args.output.is_none() {
                let d = &v.document;
                let l = locale();
                println!(
                    "{}",
                    tr!(
                        l,
                        "cli-review-against",
                        quarter = period_label(&org.calendar, &d.period, &d.label),
                        plan = &d.plan_name,
                        version = d.plan_version.to_string(),
                        day = l.date(d.as_of)
                    )
                );
                for g in &d.gaps {
                    let reps = if g.reps.is_empty() { String::new() } else { format!(" [{}]", g.reps.join(", ")) };
                    let kind =
                        gap_id(&g.kind).map_or_else(|| g.kind.clone(), |id| ReportFormat::Table.word(&g.kind, id));
                    println!(
                        "{}",
                        tr!(l, "cli-review-gap", kind = kind, message = &g.message, reps = reps, action = &g.action)
                    );
                }
                for n in &v.notes {
                    println!("{}", tr!(l, "cli-review-note", text = &n.text));
                }
                for x in &v.differences {
                    let unit = d.kpis.iter().find(|k| k.key == x.kpi).map_or("count", |k| k.unit.as_str());
                    let figure = |v: Option<f64>| l.figure(unit, v, org.currency);
                    println!(
                        "{}",
                        tr!(
                            l,
                            "cli-review-corrected",
                            kpi = &x.kpi,
                            owner = &x.owner,
                            frozen = figure(x.frozen),
                            now = figure(x.now)
                        )
                    );
                }
            }
            Ok(())
        }
    }
}

/// The message naming a data gap's kind ("no_data") for people.
fn gap_id(kind: &str) -> Option<&'static str> {
    Some(match kind {
        "no_data" => "dashboard-gap-no-data",
        "low_completeness" => "dashboard-gap-low-completeness",
        "silent_source" => "dashboard-gap-silent-source",
        "not_live" => "dashboard-gap-not-live",
        "partial" => "dashboard-gap-partial",
        _ => return None,
    })
}
