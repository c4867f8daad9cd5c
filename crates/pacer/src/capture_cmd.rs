//! `pacer log`, `pacer completeness`, `pacer contest`: manual logging and
//! whether the team keeps logging.

use crate::Context;
use crate::config::DEFAULT_DATABASE;
use crate::output::{Figures, Format, Listing, locale};
use crate::today;
use anyhow::{Result, anyhow, bail};
use chrono::{NaiveDate, NaiveDateTime, NaiveTime};
use clap::Args;
use pacer_core::catalog::CaptureMethod;
use pacer_i18n::tr;
use pacer_storage::{OrgStore, RecordStore, RepFilter};
use std::collections::HashMap;

/// `pacer log`.
#[derive(Args)]
pub struct LogArgs {
    /// Activity type key from the catalog, e.g. call.
    activity_type: String,
    /// The rep: id, name or e-mail.
    #[arg(long)]
    rep: String,
    /// When: YYYY-MM-DD (noon) or YYYY-MM-DDTHH:MM [default: now].
    #[arg(long)]
    at: Option<String>,
    /// Duration in minutes.
    #[arg(long)]
    minutes: Option<i64>,
    /// A custom field of the type: KEY=VALUE (repeatable).
    #[arg(long = "field", value_name = "KEY=VALUE")]
    fields: Vec<String>,
}

/// `pacer log`: one manually logged activity, checked against the catalog.
pub async fn log(ctx: &Context, args: LogArgs) -> Result<()> {
    let store = ctx.open(DEFAULT_DATABASE).await?;
    let (_, catalog) = pacer_app::catalog::current_catalog(&store)
        .await?
        .ok_or_else(|| anyhow!("no metric catalog has been applied yet: run `pacer metrics apply metrics.toml`"))?;
    let at = match args.at.as_deref() {
        None => chrono::Local::now().naive_local(),
        Some(text) => ["%Y-%m-%dT%H:%M:%S", "%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"]
            .iter()
            .find_map(|f| NaiveDateTime::parse_from_str(text, f).ok())
            .or_else(|| {
                NaiveDate::parse_from_str(text, "%Y-%m-%d")
                    .ok()
                    .map(|d| d.and_time(NaiveTime::from_hms_opt(12, 0, 0).unwrap_or_default()))
            })
            .ok_or_else(|| {
                anyhow!("--at {text:?} is not a date or date and time: use YYYY-MM-DD or YYYY-MM-DDTHH:MM")
            })?,
    };
    let fields = args
        .fields
        .iter()
        .map(|f| {
            f.split_once('=')
                .map(|(k, v)| (k.trim().to_string(), v.to_string()))
                .ok_or_else(|| anyhow!("--field {f:?} is not KEY=VALUE"))
        })
        .collect::<Result<Vec<_>>>()?;
    let reps = store.reps(&RepFilter::default(), at.date()).await?;
    let key = args.rep.trim();
    let matches: Vec<_> = reps
        .iter()
        .filter(|r| {
            r.id.to_string() == key
                || r.name.eq_ignore_ascii_case(key)
                || r.email.as_deref().is_some_and(|e| e.eq_ignore_ascii_case(key))
        })
        .collect();
    let rep = match matches.as_slice() {
        [rep] => *rep,
        [] => bail!("rep {key:?} does not exist (use an id, a name or an e-mail)"),
        _ => bail!("{} reps are called {key:?}: use the id", matches.len()),
    };
    let activity =
        pacer_app::logging::manual_activity(&catalog, rep, &args.activity_type, at, args.minutes, &fields, "cli")?;
    store.upsert_activities(&[activity], &pacer_core::audit::Actor::named("cli")).await?;
    let l = locale();
    let when = format!("{} {}", l.date(at.date()), at.format("%H:%M"));
    println!("{}", tr!(l, "cli-logged", kind = &args.activity_type, rep = &rep.name, when = when));
    Ok(())
}

/// `pacer completeness`.
#[derive(Args)]
pub struct CompletenessArgs {
    /// Only this manual KPI [default: every manual KPI].
    #[arg(long)]
    kpi: Option<String>,
    /// Working days to look back.
    #[arg(long, default_value_t = 5)]
    days: u32,
    /// Output format.
    #[arg(long, value_enum, default_value_t)]
    format: Format,
}

/// `pacer completeness`: which active reps have not logged each manual KPI.
pub async fn completeness(ctx: &Context, args: CompletenessArgs) -> Result<()> {
    if !(1..=60).contains(&args.days) {
        bail!("--days {} is not valid: use 1 to 60 working days", args.days);
    }
    let store = ctx.open(DEFAULT_DATABASE).await?;
    let series = pacer_app::churn::SeriesCache::default();
    let app = crate::use_cases(&store, pacer_app::cache::Caches { warm: None, series: &series }).await?;
    let catalog = app.catalog_if_any().await?.ok_or_else(|| anyhow!("no metric catalog has been applied yet"))?;
    let names: HashMap<i64, String> =
        store.reps(&RepFilter::default(), today()).await?.into_iter().map(|r| (r.id, r.name)).collect();
    #[derive(serde::Serialize)]
    struct Row {
        kpi: String,
        active_reps: usize,
        logged: usize,
        share: Option<f64>,
        not_logging: Vec<String>,
    }
    let mut records = Vec::new();
    for kpi in catalog.by_priority().into_iter().filter(|k| k.capture.method == CaptureMethod::Manual) {
        if args.kpi.as_deref().is_some_and(|key| key != kpi.key()) {
            continue;
        }
        let types: Vec<String> = kpi.definition.types.iter().map(|t| t.get_ref().clone()).collect();
        let c = pacer_app::readiness::kpi_completeness(&app, &types, today(), args.days).await?;
        let not_logging =
            c.missing.iter().map(|id| names.get(id).cloned().unwrap_or_else(|| format!("#{id}"))).collect();
        records.push(Row {
            kpi: kpi.key().to_string(),
            active_reps: c.active_reps,
            logged: c.logged,
            share: c.share,
            not_logging,
        });
    }
    if let Some(key) = &args.kpi
        && records.is_empty()
    {
        bail!("{key:?} is not a manual KPI of the catalog");
    }
    let f = args.format;
    let rows = records
        .iter()
        .map(|r| {
            vec![
                r.kpi.clone(),
                match f {
                    Format::Table => {
                        tr!(
                            locale(),
                            "cli-logged-of",
                            logged = f.count(r.logged as i64),
                            reps = f.count(r.active_reps as i64)
                        )
                    }
                    _ => format!("{} of {}", r.logged, r.active_reps),
                },
                r.share.map(|s| f.percent(s, 0)).unwrap_or_default(),
                r.not_logging.join(", "),
            ]
        })
        .collect();
    Listing { headers: &["KPI", "logged", "completeness", "not logging"], rows, records: &records }.print(args.format)
}

/// `pacer contest`.
#[derive(Args)]
pub struct ContestArgs {
    /// First day [default: 30 days ago].
    #[arg(long)]
    from: Option<NaiveDate>,
    /// Last day [default: today].
    #[arg(long)]
    to: Option<NaiveDate>,
    /// Output format.
    #[arg(long, value_enum, default_value_t)]
    format: Format,
}

/// `pacer contest`: the logging contest, ranked with ties.
pub async fn contest(ctx: &Context, args: ContestArgs) -> Result<()> {
    let to = args.to.unwrap_or_else(today);
    let from = args.from.unwrap_or(to - chrono::Days::new(30));
    if to < from {
        bail!("--to {to} is before --from {from}");
    }
    let store = ctx.open(DEFAULT_DATABASE).await?;
    let series = pacer_app::churn::SeriesCache::default();
    let app = crate::use_cases(&store, pacer_app::cache::Caches { warm: None, series: &series }).await?;
    let standings = pacer_app::logging::logging_contest(&app, from, to).await?;
    let f = args.format;
    let rows = standings.iter().map(|s| vec![s.rank.to_string(), s.name.clone(), f.count(s.value)]).collect();
    Listing { headers: &["rank", "rep", "logged"], rows, records: &standings }.print(args.format)
}
