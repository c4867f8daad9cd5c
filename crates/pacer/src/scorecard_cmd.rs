//! `pacer scorecard --rep R`: a rep's scorecard (PRODUCT.md C9) on the terminal, as CSV, JSON or a
//! workbook.

use crate::Context;
use crate::config::DEFAULT_DATABASE;
use crate::output::{ReportFormat, emit_sheets, fiscal_year, locale};
use anyhow::Result;
use clap::Args;
use pacer_app::cache::Caches;
use pacer_app::churn::SeriesCache;
use pacer_app::scorecard::{scorecard, sheets};
use pacer_i18n::tr;

/// `pacer scorecard`.
#[derive(Args)]
pub struct ScorecardArgs {
    /// The rep: an id, a name or an e-mail.
    #[arg(long)]
    rep: String,
    /// table (every table), json (the whole scorecard), csv (one table) or xlsx (every table, needs --output).
    #[arg(long, value_enum, default_value_t = ReportFormat::Table)]
    format: ReportFormat,
    /// The one table to print: scorecard (a row per KPI and period: the default of csv) or months.
    #[arg(long)]
    table: Option<String>,
    /// File to write (required for xlsx).
    #[arg(long)]
    output: Option<std::path::PathBuf>,
}

/// `pacer scorecard --rep R`: a row per KPI and period (the quarter, the year to date).
pub async fn run(ctx: &Context, args: ScorecardArgs) -> Result<()> {
    let store = ctx.open(DEFAULT_DATABASE).await?;
    let rep = crate::org_cmd::find_rep(&store, &args.rep).await?;
    let series = SeriesCache::default();
    let app = crate::use_cases(&store, Caches { warm: None, series: &series }).await?;
    crate::report_cmd::catalog_applied(&app).await?;
    let card = scorecard(&app, rep.id).await?;
    if args.format == ReportFormat::Table && args.table.is_none() {
        let l = locale();
        let day = l.date(card.as_of);
        println!(
            "{}",
            tr!(l, "cli-dashboard-team-heading", team = &card.name, year = fiscal_year(card.fiscal_year), day = day)
        );
    }
    if let Some(note) = &card.note {
        eprintln!("{note}");
    }
    emit_sheets(&sheets(&card), &card, args.format, args.table.as_deref(), args.output.as_deref())
}
