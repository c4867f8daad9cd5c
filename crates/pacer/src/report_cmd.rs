//! `pacer report`, `pacer leaderboard`, `pacer pipeline` and `pacer rollups`:
//! the figures of PRODUCT.md C4 on the terminal, as CSV, JSON or XLSX.

use crate::Context;
use crate::config::DEFAULT_DATABASE;
use crate::output::{Figures as _, Listing, ReportFormat, emit_report, locale, unmapped_note};
use anyhow::{Result, anyhow};
use chrono::NaiveDate;
use clap::{Args, Subcommand};
use pacer_app::cache::Caches;
use pacer_app::churn::SeriesCache;
use pacer_app::report::{self as reports, ReportRequest, report_sheet};
use pacer_core::report::Scope;
use pacer_i18n::tr;
use pacer_storage::{RecordStore, SqlStore};
use std::path::PathBuf;

/// What every report command takes: span, rows, filters, output.
#[derive(Args)]
pub struct Span {
    /// Fiscal year [default: the current one].
    #[arg(long, conflicts_with_all = ["period", "from"])]
    fy: Option<i32>,
    /// A named period instead, e.g. FY2027-Q2.
    #[arg(long, conflicts_with = "from")]
    period: Option<String>,
    /// A date range instead: first day (YYYY-MM-DD, with --to).
    #[arg(long, requires = "to")]
    from: Option<NaiveDate>,
    /// A date range instead: last day.
    #[arg(long, requires = "from")]
    to: Option<NaiveDate>,
    /// Rows per rep, team or company.
    #[arg(long)]
    by: Option<String>,
    /// Only this team (id or name) and the teams below it.
    #[arg(long)]
    team: Option<String>,
    /// Only the teams of this region.
    #[arg(long)]
    region: Option<String>,
    /// Only activities with this custom field value: field=value (repeatable).
    #[arg(long = "field")]
    fields: Vec<String>,
    /// Only deals of this kind: new, upsell, cross-sell, renewal (repeatable).
    #[arg(long = "deal-kind")]
    deal_kinds: Vec<String>,
    /// Output format.
    #[arg(long, value_enum, default_value_t)]
    format: ReportFormat,
    /// File to write (required for xlsx).
    #[arg(long)]
    output: Option<PathBuf>,
}

/// `pacer report`.
#[derive(Args)]
pub struct ReportArgs {
    /// The KPI's key (see `pacer metrics list`).
    kpi: String,
    /// Columns per week, month, quarter, half or year.
    #[arg(long, default_value = "month")]
    per: String,
    #[command(flatten)]
    span: Span,
}

/// `pacer leaderboard`.
#[derive(Args)]
pub struct LeaderboardArgs {
    /// The KPI's key.
    kpi: String,
    #[command(flatten)]
    span: Span,
}

/// `pacer rollups`.
#[derive(Subcommand)]
pub enum RollupsCommand {
    /// Recompute the daily rollups from the raw records (they are kept up to date on every write; this is a repair).
    Rebuild,
}

async fn request(store: &SqlStore, kpi: &str, per: Option<String>, span: &Span) -> Result<ReportRequest> {
    let team = match &span.team {
        Some(key) => Some(crate::org_cmd::find_team(store, key).await?.id),
        None => None,
    };
    let fields = span
        .fields
        .iter()
        .map(|f| {
            f.split_once('=')
                .map(|(k, v)| (k.trim().to_string(), v.trim().to_string()))
                .ok_or_else(|| anyhow!("--field {f:?} is not field=value"))
        })
        .collect::<Result<Vec<_>>>()?;
    let deal_kinds =
        span.deal_kinds.iter().map(|k| k.parse().map_err(|e: String| anyhow!(e))).collect::<Result<_>>()?;
    Ok(ReportRequest {
        kpi: kpi.to_string(),
        by: pacer_app::parse_word(span.by.as_deref())?,
        per: pacer_app::parse_word(per.as_deref())?,
        fy: span.fy,
        period: span.period.clone(),
        from: span.from,
        to: span.to,
        team,
        region: span.region.clone(),
        fields,
        deal_kinds,
        cut_off: None,
    })
}

/// Refuses a report before any catalog is applied, saying how to apply one.
pub(crate) async fn catalog_applied(app: &pacer_app::Context<'_>) -> Result<()> {
    app.catalog_if_any()
        .await?
        .ok_or_else(|| anyhow!("no metric catalog yet: apply one with `pacer metrics apply`"))?;
    Ok(())
}

/// `pacer report KPI ...`.
pub async fn report(ctx: &Context, args: ReportArgs) -> Result<()> {
    let store = ctx.open(DEFAULT_DATABASE).await?;
    let req = request(&store, &args.kpi, Some(args.per.clone()), &args.span).await?;
    let series = SeriesCache::default();
    let app = crate::use_cases(&store, Caches { warm: None, series: &series }).await?;
    catalog_applied(&app).await?;
    let report = reports::report(&app, Scope::default(), &req).await?;
    let sheet = report_sheet(&report);
    let calendar = &app.org.calendar;
    let label = |c: &reports::Column| crate::output::period_label(calendar, &c.name, &c.label);
    let shown: Vec<String> = match args.span.format {
        // A table for people names its periods in the reader's words ("T2 FY2027").
        ReportFormat::Table => {
            let unit = reports::unit_suffix(&report.unit, report.currency);
            std::iter::once(sheet.headers[0].clone())
                .chain(report.columns.iter().map(|c| format!("{}{unit}", label(c))))
                .collect()
        }
        _ => sheet.headers.clone(),
    };
    let headers: Vec<&str> = shown.iter().map(String::as_str).collect();
    let rows = match args.span.format {
        // People read grouped money and percent signs; files get plain numbers.
        ReportFormat::Table => report
            .rows
            .iter()
            .map(|r| {
                std::iter::once(r.name.clone())
                    .chain(r.values.iter().map(|v| crate::output::locale().value(v, report.currency)))
                    .collect()
            })
            .collect(),
        _ => sheet.rows.clone(),
    };
    emit_report(
        &Listing { headers: &headers, rows, records: &report.rows },
        &report,
        args.span.format,
        args.span.output.as_deref(),
        &sheet.name,
    )?;
    // What a partly tracked column covers, under the table (JSON carries it per column).
    if args.span.format == ReportFormat::Table {
        for c in report.columns.iter().filter(|c| c.coverage.is_some()) {
            println!("{}: {}", label(c), c.coverage.as_deref().unwrap_or_default());
        }
    }
    Ok(())
}

/// `pacer leaderboard KPI ...`.
pub async fn leaderboard(ctx: &Context, args: LeaderboardArgs) -> Result<()> {
    let store = ctx.open(DEFAULT_DATABASE).await?;
    let req = request(&store, &args.kpi, None, &args.span).await?;
    let series = SeriesCache::default();
    let app = crate::use_cases(&store, Caches { warm: None, series: &series }).await?;
    catalog_applied(&app).await?;
    let board = reports::leaderboard(&app, Scope::default(), &req).await?;
    let currency = app.org.currency;
    let value = |v: &pacer_core::kpi::KpiValue| args.span.format.value(v, currency);
    let rows = board
        .lines
        .iter()
        .map(|l| vec![l.rank.map(|r| r.to_string()).unwrap_or_default(), l.name.clone(), value(&l.value)])
        .collect();
    let value_header = format!("{}{}", board.name, reports::unit_suffix(&board.unit, currency));
    let headers = ["rank", "rep", value_header.as_str()];
    emit_report(
        &Listing { headers: &headers, rows, records: &board.lines },
        &board,
        args.span.format,
        args.span.output.as_deref(),
        "Leaderboard",
    )
}

/// `pacer pipeline ...`.
pub async fn pipeline(ctx: &Context, span: Span) -> Result<()> {
    let store = ctx.open(DEFAULT_DATABASE).await?;
    let req = request(&store, "", None, &span).await?;
    let series = SeriesCache::default();
    let app = crate::use_cases(&store, Caches { warm: None, series: &series }).await?;
    let p = reports::pipeline(&app, Scope::default(), &req).await?;
    let money = |m: i64| span.format.money(m, p.currency);
    use pacer_core::pipeline::ForecastCategory as C;
    let rows = p
        .rows
        .iter()
        .map(|r| {
            let cat = |c| money(r.summary.category(c).amount_minor);
            vec![
                r.name.clone(),
                r.summary.open_count.to_string(),
                money(r.summary.open_minor),
                money(r.summary.weighted_minor),
                cat(C::Pipeline),
                cat(C::BestCase),
                cat(C::Commit),
                money(r.summary.no_close_date.amount_minor),
                money(r.summary.won_minor),
                r.coverage.ratio().map(|x| span.format.decimal(x, 2)).unwrap_or_default(),
            ]
        })
        .collect();
    let money_columns = ["open", "weighted", "pipeline", "best case", "commit", "no close date", "closed won"];
    let money_headers = money_columns.map(|h| format!("{h}{}", reports::unit_suffix("currency", p.currency)));
    let mut headers = vec!["name", "open deals"];
    headers.extend(money_headers.iter().map(String::as_str));
    headers.push("coverage");
    emit_report(
        &Listing { headers: &headers, rows, records: &p.rows },
        &p,
        span.format,
        span.output.as_deref(),
        "Pipeline",
    )?;
    if span.format == ReportFormat::Table && span.output.is_none() {
        let period = crate::output::period_label(&app.org.calendar, &p.period.name, &p.period.label);
        println!("{}", tr!(locale(), "cli-pipeline-footnote", period = period));
        crate::stages_cmd::print_unmapped(&p.unmapped, |unmapped, how| {
            unmapped_note(unmapped, p.currency)
                .map(|note| tr!(locale(), "cli-unmapped-pipeline", note = note, how = how))
        });
    } else if let Some(note) = unmapped_note(&p.unmapped, p.currency) {
        // Files and JSON carry the figures; the person running the command still hears of these.
        eprintln!("{}", tr!(locale(), "cli-unmapped-in-files", note = note));
    }
    Ok(())
}

/// `pacer rollups ...`.
pub async fn rollups(ctx: &Context, cmd: RollupsCommand) -> Result<()> {
    let store = ctx.open(DEFAULT_DATABASE).await?;
    match cmd {
        RollupsCommand::Rebuild => {
            let started = std::time::Instant::now();
            let counts = store.rebuild_rollups().await?;
            let l = locale();
            println!(
                "{}",
                tr!(
                    l,
                    "cli-rollups-rebuilt",
                    activities = l.count(counts.activity_days as i64),
                    deals = l.count(counts.deal_days as i64),
                    seconds = l.decimal(started.elapsed().as_secs_f64(), 1)
                )
            );
            Ok(())
        }
    }
}
