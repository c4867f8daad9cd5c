//! `pacer scorecard --rep R`: a rep's scorecard (PRODUCT.md C9) on the terminal, as CSV or JSON.

use crate::Context;
use crate::config::DEFAULT_DATABASE;
use crate::output::{Format, Listing, ReportFormat, cell};
use anyhow::Result;
use clap::Args;
use pacer_app::cache::Caches;
use pacer_app::churn::SeriesCache;
use pacer_app::scorecard::{Rank, scorecard};
use pacer_core::kpi::KpiValue;

/// `pacer scorecard`.
#[derive(Args)]
pub struct ScorecardArgs {
    /// The rep: an id, a name or an e-mail.
    #[arg(long)]
    rep: String,
    /// table, json (the whole scorecard) or csv.
    #[arg(long, value_enum, default_value_t = Format::Table)]
    format: Format,
}

/// `pacer scorecard --rep R`: a row per KPI and period (the quarter, the year to date).
pub async fn run(ctx: &Context, args: ScorecardArgs) -> Result<()> {
    let store = ctx.open(DEFAULT_DATABASE).await?;
    let rep = crate::org_cmd::find_rep(&store, &args.rep).await?;
    let series = SeriesCache::default();
    let app = crate::use_cases(&store, Caches { warm: None, series: &series }).await?;
    crate::report_cmd::catalog_applied(&app).await?;
    let card = scorecard(&app, rep.id).await?;
    if args.format == Format::Json {
        println!("{}", serde_json::to_string_pretty(&card)?);
        return Ok(());
    }
    if args.format == Format::Table {
        println!("{} · FY{} to {}", card.name, card.fiscal_year, card.as_of);
    }
    if let Some(note) = &card.note {
        eprintln!("{note}");
    }
    // Grouped money and percent signs for people, plain numbers in CSV.
    let style = if args.format == Format::Table { ReportFormat::Table } else { ReportFormat::Csv };
    let currency = card.currency;
    let rows = card
        .kpis
        .iter()
        .flat_map(|k| [(k, &k.quarter, false), (k, &k.year, true)])
        .map(|(k, p, year)| {
            let amount = |x: i64| {
                let v = if k.unit == "currency" { KpiValue::Money(x) } else { KpiValue::Count(x) };
                style.value(&v, currency)
            };
            let share = |x: Option<f64>| match style {
                ReportFormat::Table => x.map(|v| format!("{:.1}%", v * 100.0)).unwrap_or_default(),
                _ => x.map(|v| format!("{:.1}", v * 100.0)).unwrap_or_default(),
            };
            let a = p.attainment.as_ref();
            vec![
                k.name.clone(),
                format!("{} to date", p.period.label),
                a.map(|c| amount(c.target)).unwrap_or_default(),
                a.map(|c| amount(c.full_target)).unwrap_or_default(),
                style.value(&p.actual, currency),
                share(a.and_then(|c| c.attainment.raw)),
                share(a.and_then(|c| c.attainment.credited)),
                cell(&a.and_then(|c| c.attainment.attained)),
                rank(&p.team_rank),
                rank(&p.company_rank),
                // The pace is the year's: on the year-to-date row only.
                if year { share(k.pace) } else { String::new() },
                k.missing.clone().unwrap_or_default(),
            ]
        })
        .collect();
    let headers = [
        "kpi",
        "period",
        "target to date",
        "period target",
        "actual",
        "raw %",
        "credited %",
        "attained",
        "team rank",
        "company rank",
        "pace %",
        "missing",
    ];
    Listing { headers: &headers, rows, records: &card.kpis }.print(args.format)
}

/// "3/12", empty without a rank.
fn rank(r: &Option<Rank>) -> String {
    match r {
        Some(Rank { rank: Some(n), of }) => format!("{n}/{of}"),
        _ => String::new(),
    }
}
