//! `pacer churn`: the churn report by period, cohorts, rate conversions and
//! churn reasons.

use crate::Context;
use crate::config::DEFAULT_DATABASE;
use crate::output::{Figures, Format, Listing, ReportFormat};
use crate::today;
use anyhow::{Result, anyhow, bail};
use clap::{Args, Subcommand};
use pacer_core::audit::Actor;
use pacer_core::churn::{ChurnTag, RatePeriod, convert_rate};
use pacer_core::org::subtree;
use pacer_i18n::tr;
use pacer_storage::{RecordStore, RepFilter};
use std::collections::HashSet;
use std::path::PathBuf;

/// `pacer churn`.
#[derive(Args)]
#[command(args_conflicts_with_subcommands = true)]
pub struct ChurnArgs {
    #[command(subcommand)]
    command: Option<ChurnCommand>,
    #[command(flatten)]
    report: ReportArgs,
}

/// The report's arguments.
#[derive(Args)]
struct ReportArgs {
    /// Fiscal year [default: the current one].
    #[arg(long, conflicts_with = "period")]
    fy: Option<i32>,
    /// A named period instead, e.g. FY2027-Q2.
    #[arg(long)]
    period: Option<String>,
    /// One row per month, quarter or half.
    #[arg(long, default_value = "month")]
    by: String,
    /// Only the accounts of this team's reps (id or name).
    #[arg(long)]
    team: Option<String>,
    /// Only the accounts of this segment, e.g. Enterprise.
    #[arg(long)]
    segment: Option<String>,
    /// Output format.
    #[arg(long, value_enum, default_value_t)]
    format: ReportFormat,
    /// File to write (required for xlsx).
    #[arg(long)]
    output: Option<PathBuf>,
}

#[derive(Subcommand)]
enum ChurnCommand {
    /// Retention by first paying month (customers and revenue).
    Cohorts {
        /// Cohorts to show.
        #[arg(long, default_value_t = 12)]
        months: usize,
        /// Output format.
        #[arg(long, value_enum, default_value_t)]
        format: Format,
    },
    /// Convert a churn rate between monthly, quarterly and annual (compounding).
    Convert {
        /// The rate: 0.005 or 0.5%.
        rate: String,
        /// monthly, quarterly or annual.
        #[arg(long)]
        from: String,
        /// monthly, quarterly or annual.
        #[arg(long)]
        to: String,
    },
    /// Tag a churn event with its reason.
    Tag {
        /// The account that stopped paying.
        account: i64,
        /// The first month it paid nothing (YYYY-MM).
        #[arg(long)]
        month: String,
        /// Reason key (see `pacer churn reasons`).
        #[arg(long)]
        reason: String,
        /// Free text.
        #[arg(long)]
        note: Option<String>,
    },
    /// The reasons churn events can be tagged with.
    Reasons,
}

fn pct(format: impl Figures, x: Option<f64>) -> String {
    x.map(|v| format.percent(v, 2)).unwrap_or_default()
}

/// The message of a period a rate is per.
fn period_id(period: RatePeriod) -> &'static str {
    match period {
        RatePeriod::Monthly => "cli-churn-monthly",
        RatePeriod::Quarterly => "cli-churn-quarterly",
        RatePeriod::Annual => "cli-churn-annual",
    }
}

/// `pacer churn ...`.
pub async fn churn(ctx: &Context, args: ChurnArgs) -> Result<()> {
    if let Some(ChurnCommand::Convert { rate, from, to }) = &args.command {
        let value = rate.parse::<pacer_core::values::Rate>()?.0;
        let (from, to): (RatePeriod, RatePeriod) = (from.parse()?, to.parse()?);
        let converted = convert_rate(value, from, to)?;
        let l = crate::output::locale();
        println!(
            "{}",
            tr!(
                l,
                "cli-churn-converted",
                rate = l.percent(value, 4),
                from = l.t(period_id(from)),
                converted = l.percent(converted, 4),
                to = l.t(period_id(to))
            )
        );
        return Ok(());
    }
    let store = ctx.open(DEFAULT_DATABASE).await?;
    let series = pacer_app::churn::SeriesCache::default();
    let app = crate::use_cases(&store, pacer_app::cache::Caches { warm: None, series: &series }).await?;
    let org = &app.org;
    match args.command {
        Some(ChurnCommand::Cohorts { months, format }) => {
            if !(1..=60).contains(&months) {
                bail!("--months {months} is not valid: use 1 to 60");
            }
            let rows = pacer_app::churn::cohorts(&app, months).await?;
            let ages = rows.first().map(|r| r.customer_retention.len()).unwrap_or(0);
            let mut headers: Vec<String> = vec!["cohort".into(), "customers".into()];
            headers.extend((0..ages).map(|k| format!("M{k}")));
            let headers: Vec<&str> = headers.iter().map(String::as_str).collect();
            let table = rows
                .iter()
                .map(|r| {
                    let cohort = match format {
                        Format::Table => crate::output::locale().month_year(r.cohort_month),
                        _ => r.cohort_month.format("%Y-%m").to_string(),
                    };
                    let mut line = vec![cohort, format.count(r.customers as i64)];
                    line.extend(
                        r.customer_retention.iter().map(|v| v.map(|x| format.percent(x, 0)).unwrap_or_default()),
                    );
                    line
                })
                .collect();
            Listing { headers: &headers, rows: table, records: &rows }.print(format)
        }
        Some(ChurnCommand::Tag { account, month, reason, note }) => {
            let month = month.parse::<pacer_core::values::Month>()?.0;
            if !org.churn_reasons.iter().any(|r| r.key == reason) {
                let known: Vec<&str> = org.churn_reasons.iter().map(|r| r.key.as_str()).collect();
                bail!("unknown reason {reason:?}: use {}", known.join(", "));
            }
            let moved = pacer_app::churn::movements(&app, month, None).await?;
            if !moved.churn_accounts.contains(&account) {
                bail!("account {account} did not churn in {}", month.format("%Y-%m"));
            }
            store.tag_churn(&[ChurnTag { account_id: account, month, reason, note }], &Actor::named("cli")).await?;
            println!("{}", crate::output::locale().t("cli-churn-tagged"));
            Ok(())
        }
        Some(ChurnCommand::Reasons) => {
            let rows = org
                .churn_reasons
                .iter()
                .map(|r| vec![r.key.clone(), r.name.clone(), Format::Table.yes_no(r.controllable)])
                .collect();
            Listing { headers: &["key", "name", "controllable"], rows, records: &org.churn_reasons }
                .print(Format::Table)
        }
        Some(ChurnCommand::Convert { .. }) => unreachable!("handled above"),
        None => report(&app, args.report).await,
    }
}

async fn report(app: &pacer_app::Context<'_>, a: ReportArgs) -> Result<()> {
    let (store, org) = (app.store, &app.org);
    let periods = pacer_app::report::report_periods(
        org,
        a.fy,
        a.period.as_deref(),
        pacer_app::parse_word(Some(&a.by))?,
        today(),
    )?;
    let reps: Option<HashSet<i64>> = match &a.team {
        Some(team) => {
            let teams = store.teams().await?;
            let found = teams.iter().find(|t| t.name.eq_ignore_ascii_case(team) || t.id.to_string() == *team);
            let root = found.ok_or_else(|| anyhow!("team {team:?} does not exist"))?.id;
            let on = periods.last().map(|p| p.end.min(today())).unwrap_or_else(today);
            Some(
                store
                    .reps(&RepFilter { teams: Some(subtree(&teams, root)), active_on: None }, on)
                    .await?
                    .iter()
                    .map(|r| r.id)
                    .collect(),
            )
        }
        None => None,
    };
    let report = pacer_app::churn::churn_report(app, &periods, reps.as_ref(), a.segment.as_deref()).await?;
    if a.format == ReportFormat::Json {
        println!("{}", serde_json::to_string_pretty(&report)?);
        return Ok(());
    }
    let currency = app.org.currency;
    let money_header = |h: &str| format!("{h}{}", pacer_app::report::unit_suffix("currency", currency));
    let headers = [
        "period".to_string(),
        "customers at start".into(),
        "churned".into(),
        "customer churn".into(),
        "annualised".into(),
        "band".into(),
        "gross MRR churn".into(),
        "net MRR churn".into(),
        "GRR".into(),
        "NRR".into(),
        money_header("start MRR"),
        money_header("new"),
        money_header("reactivation"),
        money_header("expansion"),
        money_header("contraction"),
        money_header("churn MRR"),
        money_header("end MRR"),
        "quick ratio".into(),
        "uncontrollable".into(),
    ];
    let headers = headers.each_ref().map(String::as_str);
    let money = |m: i64| a.format.money(m, currency);
    let (f, people) = (a.format, a.format == ReportFormat::Table);
    let rows = report
        .periods
        .iter()
        .map(|p| {
            vec![
                match (p.to_date, people) {
                    (false, _) => p.name.clone(),
                    (true, false) => format!("{} (to date)", p.name),
                    (true, true) => tr!(crate::output::locale(), "cli-to-date", period = &p.name),
                },
                f.count(p.rates.cohort_customers as i64),
                f.count(p.rates.churned_customers as i64),
                pct(f, p.rates.customer_churn_rate),
                pct(f, p.annualised_customer_churn),
                p.band.map(|b| f.word(&b.to_string(), band_id(b))).unwrap_or_default(),
                pct(f, p.rates.gross_mrr_churn_rate),
                pct(f, p.rates.net_mrr_churn_rate),
                pct(f, p.rates.grr),
                pct(f, p.rates.nrr),
                money(p.bridge.start_mrr),
                money(p.bridge.new),
                money(p.bridge.reactivation),
                money(p.bridge.expansion),
                money(p.bridge.contraction),
                money(p.bridge.churn),
                money(p.bridge.end_mrr),
                p.bridge.quick_ratio.map(|q| f.decimal(q, 2)).unwrap_or_default(),
                pct(f, p.reasons.uncontrollable_share),
            ]
        })
        .collect();
    let listing = Listing { headers: &headers, rows, records: &report.periods };
    match (a.format, &a.output) {
        (ReportFormat::Xlsx, Some(path)) => {
            listing.write_xlsx(path, "Churn")?;
            crate::output::wrote(path);
            Ok(())
        }
        (ReportFormat::Xlsx, None) => bail!("--format xlsx needs --output FILE.xlsx"),
        (format, output) => {
            let format = if format == ReportFormat::Csv { Format::Csv } else { Format::Table };
            let text = listing.render(format)?;
            match output {
                Some(path) => std::fs::write(path, text).map_err(|e| anyhow!("cannot write {}: {e}", path.display())),
                None => {
                    print!("{text}");
                    if format == Format::Table {
                        let l = crate::output::locale();
                        println!(
                            "{}",
                            tr!(
                                l,
                                "cli-churn-band",
                                normal = l.percent(report.band.normal_up_to, 0),
                                acceptable = l.percent(report.band.acceptable_up_to, 0)
                            )
                        );
                    }
                    Ok(())
                }
            }
        }
    }
}

/// The message naming a churn band's level in a table for people.
fn band_id(band: pacer_core::churn::BandLevel) -> &'static str {
    use pacer_core::churn::BandLevel;
    match band {
        BandLevel::Normal => "chart-zone-normal",
        BandLevel::Acceptable => "chart-zone-acceptable",
        BandLevel::High => "chart-zone-high",
    }
}
