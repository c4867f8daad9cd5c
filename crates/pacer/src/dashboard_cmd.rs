//! `pacer dashboard --team T`: a team's dashboard (PRODUCT.md C9) on the terminal, as CSV, JSON
//! or a workbook.

use crate::Context;
use crate::config::DEFAULT_DATABASE;
use crate::output::{ReportFormat, emit_sheets};
use anyhow::Result;
use clap::Args;
use pacer_app::cache::{Caches, WarmCache};
use pacer_app::churn::SeriesCache;
use pacer_app::dashboard::{team, team_sheets};
use std::path::PathBuf;

/// `pacer dashboard`.
#[derive(Args)]
pub struct DashboardArgs {
    /// The team: an id or a name.
    #[arg(long)]
    team: String,
    /// table (every table), json (the whole dashboard), csv (one table) or xlsx (every table, needs --output).
    #[arg(long, value_enum, default_value_t = ReportFormat::Table)]
    format: ReportFormat,
    /// The one table to print: kpis (the default of csv), reps, pipeline, churn or data-gaps.
    #[arg(long)]
    table: Option<String>,
    /// File to write (required for xlsx).
    #[arg(long)]
    output: Option<PathBuf>,
}

/// `pacer dashboard --team T`: the team's KPIs against plan, its reps side by side, pipeline
/// coverage, churn and data gaps.
pub async fn run(ctx: &Context, args: DashboardArgs) -> Result<()> {
    let store = ctx.open(DEFAULT_DATABASE).await?;
    let found = crate::org_cmd::find_team(&store, &args.team).await?;
    let series = SeriesCache::default();
    // A dashboard runs many reports over the same data: read the rollups once.
    let warm = WarmCache::default();
    let app = crate::use_cases(&store, Caches { warm: Some(&warm), series: &series }).await?;
    crate::report_cmd::catalog_applied(&app).await?;
    let board = team(&app, found.id).await?;
    if args.format == ReportFormat::Table && args.table.is_none() {
        println!("{} · FY{} to {}", board.name, board.fiscal_year, board.as_of);
        if let Some(note) = &board.note {
            println!("{note}");
        }
    }
    emit_sheets(&team_sheets(&board), &board, args.format, args.table.as_deref(), args.output.as_deref())
}
