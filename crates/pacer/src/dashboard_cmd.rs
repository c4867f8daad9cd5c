//! `pacer dashboard [--team T]`: the leadership's dashboard, or a team's (PRODUCT.md C9), on the
//! terminal, as CSV, JSON or a workbook.

use crate::Context;
use crate::config::DEFAULT_DATABASE;
use crate::output::{ReportFormat, emit_sheets, fiscal_year, locale};
use anyhow::Result;
use clap::Args;
use pacer_app::cache::{Caches, WarmCache};
use pacer_app::churn::SeriesCache;
use pacer_app::dashboard::{self, Dashboard};
use pacer_i18n::tr;
use std::path::PathBuf;

/// `pacer dashboard`.
#[derive(Args)]
pub struct DashboardArgs {
    /// A team's dashboard (an id or a name) [default: the leadership's].
    #[arg(long)]
    team: Option<String>,
    /// table (every table), json (the whole dashboard), csv (one table) or xlsx (every table, needs --output).
    #[arg(long, value_enum, default_value_t = ReportFormat::Table)]
    format: ReportFormat,
    /// The one table to print: a team's kpis (the default of csv), reps, pipeline, churn or data-gaps;
    /// the leadership's revenue (the default of csv), teams, churn, readiness, data-gaps or exceptions.
    #[arg(long)]
    table: Option<String>,
    /// File to write (required for xlsx).
    #[arg(long)]
    output: Option<PathBuf>,
}

/// `pacer dashboard [--team T]`: the leadership's revenue against plan, teams ranked, churn,
/// readiness, data gaps and the review's exceptions; or the team's KPIs against plan, its reps
/// side by side, pipeline coverage, churn and data gaps.
pub async fn run(ctx: &Context, args: DashboardArgs) -> Result<()> {
    let store = ctx.open(DEFAULT_DATABASE).await?;
    let team = match &args.team {
        Some(key) => Some(crate::org_cmd::find_team(&store, key).await?.id),
        None => None,
    };
    let series = SeriesCache::default();
    // A dashboard runs many reports over the same data: read the rollups once.
    let warm = WarmCache::default();
    let app = crate::use_cases(&store, Caches { warm: Some(&warm), series: &series }).await?;
    crate::report_cmd::catalog_applied(&app).await?;
    let (heading, note, board) = match team {
        Some(t) => {
            let b = dashboard::team(&app, t).await?;
            let heading = tr!(
                locale(),
                "cli-dashboard-team-heading",
                team = &b.name,
                year = fiscal_year(b.year.fiscal_year),
                day = locale().date(b.year.as_of)
            );
            (heading, b.year.note.clone(), Dashboard::Team(b))
        }
        None => {
            let b = dashboard::company(&app).await?;
            let heading = tr!(
                locale(),
                "cli-dashboard-heading",
                year = fiscal_year(b.year.fiscal_year),
                day = locale().date(b.year.as_of)
            );
            (heading, b.year.note.clone(), Dashboard::Company(b))
        }
    };
    if args.format == ReportFormat::Table && args.table.is_none() {
        println!("{heading}");
        if let Some(note) = note {
            println!("{note}");
        }
    }
    emit_sheets(&board.sheets(), &board, args.format, args.table.as_deref(), args.output.as_deref())
}
