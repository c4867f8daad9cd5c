//! `pacer plan ...`: the annual plan on the command line (PRODUCT.md C5, C6).

use crate::Context;
use crate::config::DEFAULT_DATABASE;
use crate::output::{Figures, Format, Listing, ReportFormat, emit_report, fiscal_year, locale};
use crate::today;
use anyhow::{Result, anyhow, bail};
use clap::{Args, Subcommand};
use pacer_app::cache::Caches;
use pacer_app::churn::SeriesCache;
use pacer_app::plan::{self as plans, AllocationRequest, MonthProfile, Recipients, Split};
use pacer_app::plan_xlsx;
use pacer_app::report::unit_suffix;
use pacer_core::audit::Actor;
use pacer_core::catalog::{Catalog, Kpi};
use pacer_core::growth::gross_new_needed;
use pacer_core::money::Currency;
use pacer_core::plan::{NewPlan, PlanSettings, PlanStatus, Target, TargetOwner, TargetTier};
use pacer_i18n::tr;
use pacer_storage::{OrgStore, PlanStore};

/// `pacer plan`.
#[derive(Subcommand)]
pub enum PlanCommand {
    /// Plans and scenarios, by fiscal year.
    List {
        /// Only this fiscal year's.
        #[arg(long)]
        fy: Option<i32>,
        /// Output format.
        #[arg(long, value_enum, default_value_t)]
        format: Format,
    },
    /// Create a draft plan for a fiscal year.
    Create {
        /// The fiscal year [default: the current one].
        #[arg(long)]
        fy: Option<i32>,
        /// Its name.
        #[arg(long)]
        name: String,
        /// Attrition tolerance of the whole plan, e.g. 10% or 0.1.
        #[arg(long)]
        tolerance: Option<String>,
        /// Ramp of new hires, percent of a full quota per month from the hire month, e.g. 25,50,75.
        #[arg(long, value_delimiter = ',')]
        ramp: Option<Vec<u8>>,
    },
    /// Allocate a KPI's annual target to teams and reps and phase it into months (drafts only).
    Allocate {
        /// Plan id.
        plan: i64,
        /// The KPI.
        #[arg(long)]
        kpi: String,
        /// The annual target: a count, or money (e.g. 1200000 or 1,200,000.00).
        #[arg(long)]
        annual: String,
        /// teams (then reps by capacity) or reps.
        #[arg(long, default_value = "teams")]
        to: String,
        /// equal, weights or last-year.
        #[arg(long, default_value = "equal")]
        split: String,
        /// One weight per recipient (with --split weights), in the order `plan recipients` lists.
        #[arg(long, value_delimiter = ',')]
        weights: Vec<f64>,
        /// even, seasonal or custom.
        #[arg(long, default_value = "even")]
        months: String,
        /// 12 monthly weights (with --months custom).
        #[arg(long, value_delimiter = ',')]
        month_weights: Vec<f64>,
        /// Only the teams and reps under this team (id or name).
        #[arg(long)]
        team: Option<String>,
        /// Phase evenly if the history is too short for seasonal phasing.
        #[arg(long)]
        even_if_short_history: bool,
        /// With --months seasonal: learn from at most this many fiscal years of history
        /// [default: the organisation's setting, else every year with data].
        #[arg(long, value_name = "N")]
        years: Option<u32>,
        /// Why (kept in the audit log).
        #[arg(long)]
        reason: Option<String>,
    },
    /// A plan's targets of one KPI: company, teams and reps by month, with the bottom-up gap.
    Show {
        /// Plan id.
        plan: i64,
        /// The KPI.
        #[arg(long)]
        kpi: String,
        /// Output format.
        #[arg(long, value_enum, default_value_t)]
        format: ReportFormat,
        /// File to write (required for xlsx).
        #[arg(long)]
        output: Option<std::path::PathBuf>,
    },
    /// Set one target (a bottom-up edit; drafts only).
    Set {
        /// Plan id.
        plan: i64,
        /// The KPI.
        #[arg(long)]
        kpi: String,
        /// company, team:ID or rep:ID.
        #[arg(long)]
        owner: String,
        /// Fiscal month 1..12.
        #[arg(long)]
        month: u8,
        /// The amount (count, or money).
        #[arg(long)]
        amount: String,
        /// target, stretch or challenge.
        #[arg(long, default_value = "target")]
        tier: String,
        /// Why.
        #[arg(long)]
        reason: Option<String>,
    },
    /// Approve, revise or archive a plan (approving revises the year's approved plan).
    Status {
        /// Plan id.
        plan: i64,
        /// approved, revised or archived.
        status: String,
        /// Why.
        #[arg(long)]
        reason: Option<String>,
    },
    /// Copy a plan into a new draft: a scenario, or the next version.
    Copy {
        /// Plan id.
        plan: i64,
        /// The scenario's name (default: the same name, next version).
        #[arg(long)]
        name: Option<String>,
        /// Why.
        #[arg(long)]
        reason: Option<String>,
    },
    /// Plans side by side: totals per KPI for the company, all teams and all reps (never added
    /// together), then per team and rep, with differences against the first.
    Compare {
        /// Plan ids; the first is the baseline.
        #[arg(required = true, num_args = 2..)]
        plans: Vec<i64>,
        /// Output format.
        #[arg(long, value_enum, default_value_t)]
        format: Format,
    },
    /// Actual against plan, raw and credited attainment with the tolerance.
    Attainment {
        /// Plan id.
        plan: i64,
        /// The KPI.
        #[arg(long)]
        kpi: String,
        /// Rows per rep, team or company.
        #[arg(long, default_value = "rep")]
        by: String,
        /// Columns per month, quarter, half or year.
        #[arg(long, default_value = "quarter")]
        per: String,
        /// Output format.
        #[arg(long, value_enum, default_value_t)]
        format: ReportFormat,
        /// File to write (required for xlsx).
        #[arg(long)]
        output: Option<std::path::PathBuf>,
    },
    /// Gross new business needed to grow despite churn: B × (g + c − e), with the arithmetic.
    Growth(GrowthArgs),
    /// The long-term horizon: its stages, KPI priorities and the projection of customers and
    /// recurring revenue; with --file, set it first from a TOML file.
    Horizon {
        /// A TOML file: first_year and [[stages]] with name, first_year, last_year,
        /// kpi_weights and the customers / revenue assumptions (see docs/plans.md).
        #[arg(long)]
        file: Option<std::path::PathBuf>,
        /// Output format.
        #[arg(long, value_enum, default_value_t)]
        format: Format,
    },
    /// Seasonal indices of a KPI from its history (the years before --fy).
    Seasonality {
        /// The KPI.
        #[arg(long)]
        kpi: String,
        /// The fiscal year they are for [default: the current one].
        #[arg(long)]
        fy: Option<i32>,
        /// Learn from at most this many fiscal years of history (2 to 20) [default: the
        /// organisation's setting, else every year with data].
        #[arg(long, value_name = "N")]
        years: Option<u32>,
        /// Output format (json: the indices, this year's months and the projections; csv: the months).
        #[arg(long, value_enum, default_value_t)]
        format: Format,
    },
    /// Export a plan to a workbook: a sheet per KPI, owners by fiscal month, the year as a formula.
    Export {
        /// Plan id.
        plan: i64,
        /// The workbook to write.
        #[arg(long, value_name = "FILE.xlsx")]
        output: std::path::PathBuf,
    },
    /// Import an edited plan workbook into a draft: every cell is checked, nothing is written
    /// unless all is valid, then each KPI sheet replaces that KPI's targets.
    Import {
        /// Plan id (a draft).
        plan: i64,
        /// The workbook, as exported by `pacer plan export`.
        file: std::path::PathBuf,
        /// Why (kept in the audit log).
        #[arg(long)]
        reason: Option<String>,
    },
}

/// The growth calculator's inputs.
#[derive(Args)]
pub struct GrowthArgs {
    /// Starting customers, or recurring revenue (money).
    #[arg(long)]
    base: String,
    /// Expected annual churn, e.g. 7% or 0.07.
    #[arg(long)]
    churn: String,
    /// Expected annual expansion (revenue only).
    #[arg(long, default_value = "0")]
    expansion: String,
    /// Wanted net growth, e.g. 20%.
    #[arg(long)]
    growth: String,
    /// Also allocate the result as this KPI's annual target in this draft plan (teams, even).
    #[arg(long, requires = "kpi")]
    plan: Option<i64>,
    /// The new-business KPI the result becomes.
    #[arg(long, requires = "plan")]
    kpi: Option<String>,
}

/// A rate typed as 7%, 7 % or 0.07.
fn rate(text: &str) -> Result<f64> {
    Ok(text.parse::<pacer_core::values::Rate>()?.0)
}

/// An amount of a KPI in its units: money (units of the reporting currency, with its decimals)
/// to minor units, counts as they are.
fn amount(catalog: &Catalog, currency: Currency, kpi: &str, text: &str) -> Result<i64> {
    let money = catalog.kpi(kpi).is_some_and(Kpi::is_money);
    if money {
        pacer_core::import::parse_amount_minor(text, currency, false).map_err(|e| anyhow!("amount {text:?}: {e}"))
    } else {
        text.trim().replace(',', "").parse::<i64>().map_err(|_| anyhow!("amount {text:?} is not a whole number"))
    }
}

/// A word given on the command line (`--by team`), read as the value it names.
fn parsed<T: std::str::FromStr>(word: &str) -> Result<T>
where
    T::Err: std::fmt::Display,
{
    pacer_app::parse_word(Some(word))?.ok_or_else(|| anyhow!("empty word"))
}

async fn catalog_of<'a>(app: &'a pacer_app::Context<'_>) -> Result<&'a Catalog> {
    app.catalog_if_any().await?.ok_or_else(|| anyhow!("no metric catalog yet: apply one with `pacer metrics apply`"))
}

fn owner(text: &str) -> Result<TargetOwner> {
    match text.split_once(':') {
        None if text == "company" => Ok(TargetOwner::Company),
        Some(("team", id)) => Ok(TargetOwner::Team(id.parse().map_err(|_| anyhow!("team id {id:?} is not a number"))?)),
        Some(("rep", id)) => Ok(TargetOwner::Rep(id.parse().map_err(|_| anyhow!("rep id {id:?} is not a number"))?)),
        _ => bail!("owner {text:?}: use company, team:ID or rep:ID"),
    }
}

/// `pacer plan ...`.
pub async fn plan(ctx: &Context, cmd: PlanCommand) -> Result<()> {
    if let PlanCommand::Growth(g) = &cmd
        && g.plan.is_none()
    {
        return growth(g, None).await;
    }
    let store = ctx.open(DEFAULT_DATABASE).await?;
    let series = SeriesCache::default();
    let caches = Caches { warm: None, series: &series };
    let mut app = crate::use_cases(&store, caches).await?;
    // `--years N` limits the history seasonal indices learn from, for this command only.
    if let PlanCommand::Allocate { years: Some(n), .. } | PlanCommand::Seasonality { years: Some(n), .. } = &cmd {
        app.org.seasonality_years = Some(pacer_core::seasonality::check_history_years(*n)?);
    }
    let org = app.org.clone();
    let cli = |reason: Option<String>| Actor::named("cli").because(reason);
    match cmd {
        PlanCommand::List { fy, format } => {
            let list = store.plans(fy).await?;
            let rows = list
                .iter()
                .map(|p| {
                    vec![
                        p.id.to_string(),
                        if format == Format::Table {
                            fiscal_year(p.fiscal_year)
                        } else {
                            format!("FY{}", p.fiscal_year)
                        },
                        p.name.clone(),
                        p.version.to_string(),
                        if format == Format::Table { status_words(p.status) } else { p.status.to_string() },
                        p.approved_by.clone().unwrap_or_default(),
                        p.copied_from.map(|c| c.to_string()).unwrap_or_default(),
                    ]
                })
                .collect();
            Listing {
                headers: &["id", "year", "name", "version", "status", "approved by", "copied from"],
                rows,
                records: &list,
            }
            .print(format)
        }
        PlanCommand::Create { fy, name, tolerance, ramp } => {
            let fy = fy.unwrap_or_else(|| org.fiscal_year_of(today()));
            plans::plan_months(&org, fy)?;
            let mut settings = PlanSettings::default();
            if let Some(t) = tolerance {
                settings.tolerance = pacer_core::attainment::Tolerance::new(rate(&t)?)?;
            }
            if let Some(steps) = ramp {
                settings.ramp = pacer_core::plan::Ramp::new(steps)?;
            }
            let plan =
                store.create_plan(&NewPlan { fiscal_year: fy, name, settings, copied_from: None }, &cli(None)).await?;
            println!(
                "{}",
                tr!(
                    locale(),
                    "cli-plan-created",
                    id = plan.id.to_string(),
                    name = &plan.name,
                    version = plan.version.to_string(),
                    year = crate::output::fiscal_year(fy)
                )
            );
            Ok(())
        }
        PlanCommand::Allocate {
            plan,
            kpi,
            annual,
            to,
            split,
            weights,
            months,
            month_weights,
            team,
            even_if_short_history,
            years: _,
            reason,
        } => {
            let catalog = catalog_of(&app).await?;
            let plan = store.plan(plan).await?;
            let team = match team {
                Some(key) => Some(crate::org_cmd::find_team(&store, &key).await?.id),
                None => None,
            };
            let req = AllocationRequest {
                kpi: kpi.clone(),
                annual: amount(catalog, org.currency, &kpi, &annual)?,
                to: to.parse()?,
                split: Split::from_word(&split, &weights)?,
                months: MonthProfile::from_word(&months, &month_weights)?,
                team,
                even_if_short_history,
            };
            let done = plans::allocate_kpi(&app, &plan, &req, &cli(reason)).await?;
            for w in &done.warnings {
                eprintln!("warning: {w}");
            }
            let l = locale();
            println!(
                "{}",
                tr!(
                    l,
                    "cli-plan-allocated",
                    targets = l.count(done.targets as i64),
                    kpi = &kpi,
                    plan = plan.id.to_string(),
                    recipients = l.count(done.recipients.len() as i64),
                    count = done.recipients.len()
                )
            );
            Ok(())
        }
        PlanCommand::Show { plan, kpi, format, output } => {
            let _catalog = catalog_of(&app).await?;
            let plan = store.plan(plan).await?;
            let sheet = plans::sheet(&app, &plan, &kpi).await?;
            let money = sheet.unit == "currency";
            let show = |v: i64| {
                let value =
                    if money { pacer_core::kpi::KpiValue::Money(v) } else { pacer_core::kpi::KpiValue::Count(v) };
                format.value(&value, org.currency)
            };
            let unit = unit_suffix(&sheet.unit, org.currency);
            let mut headers: Vec<String> = vec!["owner".into(), "tier".into()];
            let month = |m: &pacer_app::report::Column| match format {
                ReportFormat::Table => crate::output::period_label(&org.calendar, &m.name, &m.label),
                _ => m.label.clone(),
            };
            headers.extend(sheet.months.iter().map(|m| format!("{}{unit}", month(m))));
            headers.push(format!("year{unit}"));
            let headers: Vec<&str> = headers.iter().map(String::as_str).collect();
            let rows = sheet
                .lines
                .iter()
                .map(|l| {
                    let mut row = vec![l.name.clone(), l.tier.to_string()];
                    row.extend(l.months.iter().map(|m| show(*m)));
                    row.push(show(l.total));
                    row
                })
                .collect();
            emit_report(
                &Listing { headers: &headers, rows, records: &sheet.lines },
                &sheet,
                format,
                output.as_deref(),
                &kpi,
            )?;
            if let (Some(gap), ReportFormat::Table, None) = (&sheet.gap, format, &output) {
                println!(
                    "{}",
                    tr!(
                        locale(),
                        "cli-plan-gap",
                        name = &plan.name,
                        version = plan.version.to_string(),
                        status = status_words(plan.status),
                        top = show(gap.top_down),
                        bottom = show(gap.bottom_up_sum),
                        difference = show(gap.difference)
                    )
                );
            }
            Ok(())
        }
        PlanCommand::Set { plan, kpi, owner: who, month, amount: text, tier, reason } => {
            let catalog = catalog_of(&app).await?;
            let tier: TargetTier = tier.parse()?;
            let target = Target {
                kpi: kpi.clone(),
                owner: owner(&who)?,
                month,
                tier,
                amount: amount(catalog, org.currency, &kpi, &text)?,
            };
            pacer_core::plan::check_target_row(&target)?;
            store.set_target(plan, &target, &cli(reason)).await?;
            println!("{}", locale().t("cli-plan-set"));
            Ok(())
        }
        PlanCommand::Status { plan, status, reason } => {
            let status: PlanStatus = status.parse()?;
            let p = store.set_plan_status(plan, status, &cli(reason)).await?;
            println!(
                "{}",
                tr!(
                    locale(),
                    "cli-plan-status",
                    id = p.id.to_string(),
                    name = &p.name,
                    version = p.version.to_string(),
                    status = status_words(p.status)
                )
            );
            Ok(())
        }
        PlanCommand::Copy { plan, name, reason } => {
            let p = store.copy_plan(plan, name.as_deref(), &cli(reason)).await?;
            println!(
                "{}",
                tr!(
                    locale(),
                    "cli-plan-copied",
                    id = p.id.to_string(),
                    name = &p.name,
                    version = p.version.to_string()
                )
            );
            Ok(())
        }
        PlanCommand::Compare { plans: ids, format } => {
            let c = plans::compare_plans(&app, &ids).await?;
            let mut headers: Vec<String> = vec!["kpi".into(), "level".into(), "owner".into()];
            for (i, name) in c.scenarios.iter().enumerate() {
                headers.push(name.clone());
                if i > 0 {
                    headers.push(format!("Δ {name}"));
                }
            }
            let headers: Vec<&str> = headers.iter().map(String::as_str).collect();
            let catalog = catalog_of(&app).await?;
            // Money KPIs in the currency's decimals; counts as they are.
            let amount = |kpi: &str, units: i64| match catalog.kpi(kpi).is_some_and(pacer_core::catalog::Kpi::is_money)
            {
                true if format == Format::Table => locale().money(units, org.currency),
                true => pacer_core::money::plain_amount(units, org.currency),
                false => format.count(units),
            };
            let records: Vec<_> = c.by_level.iter().chain(&c.by_owner).cloned().collect();
            let rows = records
                .iter()
                .map(|t| {
                    let mut row = vec![t.kpi.clone(), t.level.to_string(), t.label().to_owned()];
                    for (i, total) in t.totals.iter().enumerate() {
                        row.push(amount(&t.kpi, *total));
                        if i > 0 {
                            row.push(amount(&t.kpi, t.differences[i]));
                        }
                    }
                    row
                })
                .collect();
            Listing { headers: &headers, rows, records: &records }.print(format)
        }
        PlanCommand::Attainment { plan, kpi, by, per, format, output } => {
            let catalog = catalog_of(&app).await?;
            let plan = store.plan(plan).await?;
            let a = plans::attainment_report(&app, &plan, &kpi, parsed(&by)?, parsed(&per)?).await?;
            let money = catalog.kpi(&kpi).is_some_and(pacer_core::catalog::Kpi::is_money);
            let unit = if money { unit_suffix("currency", org.currency) } else { String::new() };
            let mut headers: Vec<String> = vec!["name".into()];
            for (i, c) in a.columns.iter().enumerate() {
                let (shown, note) = match format {
                    ReportFormat::Table => (
                        crate::output::period_label(&org.calendar, &c.name, &c.label),
                        a.column_note_in(i, crate::output::locale()),
                    ),
                    _ => (c.label.clone(), a.column_note_in(i, pacer_i18n::Locale::ENGLISH)),
                };
                let label = match note {
                    Some(note) => format!("{shown} ({note})"),
                    None => shown,
                };
                let c = &label;
                if format == ReportFormat::Table {
                    // For people, in their words ("T2 FY2027 objectif à date").
                    let l = locale();
                    headers.extend([
                        format!("{}{unit}", tr!(l, "cli-attainment-full-target", period = c)),
                        format!("{}{unit}", tr!(l, "cli-attainment-target", period = c)),
                        format!("{}{unit}", tr!(l, "cli-attainment-actual", period = c)),
                        tr!(l, "cli-attainment-credited", period = c),
                        tr!(l, "cli-attainment-attained", period = c),
                    ]);
                    continue;
                }
                headers.extend([
                    format!("{c} full target{unit}"),
                    format!("{c} target{unit}"),
                    format!("{c} actual{unit}"),
                    format!("{c} credited %"),
                    format!("{c} attained"),
                ]);
            }
            headers.push("why".into());
            let headers: Vec<&str> = headers.iter().map(String::as_str).collect();
            let rows = a
                .rows
                .iter()
                .map(|r| {
                    let mut row = vec![r.name.clone()];
                    for cell in &r.cells {
                        let as_actual = |amount: i64| {
                            if money {
                                pacer_core::kpi::KpiValue::Money(amount)
                            } else {
                                pacer_core::kpi::KpiValue::Count(amount)
                            }
                        };
                        let text = |v: &pacer_core::kpi::KpiValue| format.value(v, org.currency);
                        row.push(text(&as_actual(cell.full_target)));
                        row.push(text(&as_actual(cell.target)));
                        row.push(text(&cell.actual));
                        row.push(cell.attainment.credited.map(|c| format.decimal(c * 100.0, 1)).unwrap_or_default());
                        row.push(
                            cell.attainment
                                .attained
                                .map(|x| match format {
                                    ReportFormat::Table => format.yes_no(x),
                                    _ => if x { "yes" } else { "no" }.to_string(),
                                })
                                .unwrap_or_default(),
                        );
                    }
                    row.push(plans::distinct_notes(r.cells.iter().flat_map(|c| &c.notes)));
                    row
                })
                .collect();
            emit_report(
                &Listing { headers: &headers, rows, records: &a.rows },
                &a,
                format,
                output.as_deref(),
                "Attainment",
            )?;
            if format == ReportFormat::Table && output.is_none() {
                let l = locale();
                println!(
                    "{}",
                    tr!(
                        l,
                        "cli-plan-tolerance",
                        tolerance = l.percent(a.tolerance, 0),
                        reach = l.percent(1.0 - a.tolerance, 0)
                    )
                );
            }
            Ok(())
        }
        PlanCommand::Growth(g) => growth(&g, Some(&app)).await,
        PlanCommand::Horizon { file, format } => {
            let mut org = org;
            if let Some(path) = file {
                let text =
                    std::fs::read_to_string(&path).map_err(|e| anyhow!("cannot read {}: {e}", path.display()))?;
                let horizon: pacer_core::plan::Horizon =
                    toml::from_str(&text).map_err(|e| anyhow!("{}: {}", path.display(), e.message()))?;
                horizon.validate().map_err(|e| anyhow!("{}: {e}", path.display()))?;
                org.horizon = Some(horizon);
                store.save_organisation(&org, &cli(Some("long-term horizon".into()))).await?;
            }
            let app = crate::use_cases(&store, caches).await?;
            let view = plans::horizon_view(&app)
                .await?
                .ok_or_else(|| anyhow!("no long-term horizon yet: set one with --file horizon.toml"))?;
            let money = |minor: i64| match format {
                Format::Table => locale().money(minor, org.currency),
                _ => pacer_core::money::plain_amount(minor, org.currency),
            };
            let rows = view
                .years
                .iter()
                .map(|y| {
                    vec![
                        if format == Format::Table {
                            fiscal_year(y.fiscal_year)
                        } else {
                            format!("FY{}", y.fiscal_year)
                        },
                        y.stage.clone(),
                        format.count(y.customers.start),
                        format.count(y.customers.churned),
                        format.count(y.customers.new),
                        format.count(y.customers.end),
                        money(y.revenue.start),
                        money(y.revenue.churned),
                        money(y.revenue.expansion),
                        money(y.revenue.new),
                        money(y.revenue.end),
                    ]
                })
                .collect();
            let money_header = |h: &str| format!("{h} ({})", org.currency);
            let headers = [
                "year".to_string(),
                "stage".into(),
                "customers".into(),
                "lost".into(),
                "new".into(),
                "customers at end".into(),
                money_header("ARR"),
                money_header("churned"),
                money_header("expansion"),
                money_header("new ARR"),
                money_header("ARR at end"),
            ];
            let headers = headers.each_ref().map(String::as_str);
            Listing { headers: &headers, rows, records: &view.years }.print(format)?;
            if format == Format::Table {
                let l = locale();
                let stage = view.current_stage.unwrap_or_else(|| l.t("cli-plan-no-stage"));
                println!("{}", tr!(l, "cli-plan-stage", stage = stage));
            }
            Ok(())
        }
        PlanCommand::Seasonality { kpi, fy, years: _, format } => {
            let _catalog = catalog_of(&app).await?;
            let fy = fy.unwrap_or_else(|| org.fiscal_year_of(today()));
            let o = plans::outlook(&app, &kpi, fy).await?;
            if format == Format::Json {
                println!("{}", serde_json::to_string_pretty(&o)?);
                return Ok(());
            }
            let s = o.indices.as_ref().ok_or_else(|| anyhow!("{}", o.indices_error.clone().unwrap_or_default()))?;
            let months = plans::plan_months(&org, fy)?;
            let cell = |v: Option<&Option<f64>>| v.copied().flatten().map(|x| format.decimal(x, 0)).unwrap_or_default();
            let rows: Vec<Vec<String>> = months
                .iter()
                .enumerate()
                .map(|(k, m)| {
                    let month = if format == Format::Table { locale().period(m) } else { m.label() };
                    vec![month, format.decimal(s.monthly[k], 3), cell(o.actuals.get(k)), cell(o.adjusted.get(k))]
                })
                .collect();
            Listing { headers: &["fiscal month", "index", "actual", "seasonally adjusted"], rows, records: &s.monthly }
                .print(format)?;
            for w in &s.warnings {
                eprintln!("warning: {}", crate::output::locale().seasonal_warning(w));
            }
            if format != Format::Table {
                return Ok(());
            }
            let q = s.quarterly();
            let l = locale();
            // A list of decimals: commas between them, unless the decimals have commas themselves.
            let between = if l == pacer_i18n::Locale::ENGLISH { ", " } else { " ; " };
            let quarters = q.iter().map(|x| l.decimal(*x, 3)).collect::<Vec<_>>().join(between);
            println!("{}", tr!(l, "cli-seasonality-quarters", quarters = quarters, method = format!("{:?}", s.method)));
            let num = |x: Option<f64>| x.map(|v| l.decimal(v, 0)).unwrap_or_else(|| "-".into());
            let why = o.forecast_error.as_ref().map(|e| format!(" ({e})")).unwrap_or_default();
            let to = o.cut_off.map(|c| tr!(l, "cli-seasonality-to", day = l.date(c))).unwrap_or_default();
            println!(
                "{}",
                tr!(
                    l,
                    "cli-seasonality-outlook",
                    to = to,
                    ytd = l.decimal(o.ytd, 0),
                    seasonal = num(o.index_projection),
                    forecast = num(o.forecast_projection),
                    why = why
                )
            );
            Ok(())
        }
        PlanCommand::Export { plan, output } => {
            let _catalog = catalog_of(&app).await?;
            let plan = store.plan(plan).await?;
            let book = plan_xlsx::export(&app, &plan).await?;
            std::fs::write(&output, book).map_err(|e| anyhow!("cannot write {}: {e}", output.display()))?;
            println!(
                "{}",
                tr!(
                    locale(),
                    "cli-plan-exported",
                    id = plan.id.to_string(),
                    name = &plan.name,
                    version = plan.version.to_string(),
                    status = status_words(plan.status),
                    file = output.display().to_string()
                )
            );
            Ok(())
        }
        PlanCommand::Import { plan, file, reason } => {
            let _catalog = catalog_of(&app).await?;
            let plan = store.plan(plan).await?;
            let bytes = std::fs::read(&file).map_err(|e| anyhow!("cannot read {}: {e}", file.display()))?;
            match plan_xlsx::import(&app, &plan, &bytes, &cli(reason)).await {
                Ok(report) => {
                    for k in &report.kpis {
                        let l = locale();
                        println!(
                            "{}",
                            tr!(
                                l,
                                "cli-plan-imported-kpi",
                                kpi = &k.kpi,
                                lines = l.count(k.lines as i64),
                                targets = l.count(k.targets as i64),
                                changed = l.count(k.changed as i64)
                            )
                        );
                    }
                    println!(
                        "{}",
                        tr!(
                            locale(),
                            "cli-plan-imported",
                            file = file.display().to_string(),
                            id = plan.id.to_string(),
                            name = &plan.name,
                            version = plan.version.to_string()
                        )
                    );
                    Ok(())
                }
                Err(pacer_app::AppError::Invalid { message, details }) => {
                    for detail in &details {
                        eprintln!("{}", plan_xlsx::problem_line(detail));
                    }
                    bail!("{message}")
                }
                Err(e) => Err(e.into()),
            }
        }
    }
}

/// A plan's status in the reader's words.
pub(crate) fn status_words(status: PlanStatus) -> String {
    locale().t(match status {
        PlanStatus::Draft => "plan-status-draft",
        PlanStatus::Approved => "plan-status-approved",
        PlanStatus::Revised => "plan-status-revised",
        PlanStatus::Archived => "plan-status-archived",
    })
}

async fn growth(g: &GrowthArgs, with: Option<&pacer_app::Context<'_>>) -> Result<()> {
    let base = g.base.trim().replace(',', "");
    // A decimal base is money: read with the reporting currency's decimals, which needs the organisation.
    let base: i64 = match (base.parse::<i64>(), with) {
        (Ok(n), _) => n,
        (Err(_), Some(app)) => pacer_core::import::parse_amount_minor(&g.base, app.org.currency, false)
            .map_err(|e| anyhow!("base {:?}: {e}", g.base))?,
        (Err(_), None) => bail!(
            "base {:?}: without --plan the calculator takes a whole number (customers, or revenue in whole units)",
            g.base
        ),
    };
    let target = gross_new_needed(base, rate(&g.churn)?, rate(&g.expansion)?, rate(&g.growth)?)?;
    println!("{}", crate::output::locale().growth_explanation(&target));
    if let (Some(app), Some(plan), Some(kpi)) = (with, g.plan, &g.kpi) {
        let plan = app.store.plan(plan).await?;
        let req = AllocationRequest {
            kpi: kpi.clone(),
            annual: target.gross_new,
            to: Recipients::Teams,
            split: Split::Equal,
            months: MonthProfile::Even,
            team: None,
            even_if_short_history: false,
        };
        let done = plans::allocate_kpi(app, &plan, &req, &Actor::named("cli")).await?;
        let l = locale();
        println!(
            "{}",
            tr!(
                l,
                "cli-growth-allocated",
                amount = l.count(target.gross_new),
                kpi = kpi,
                plan = plan.id.to_string(),
                targets = l.count(done.targets as i64)
            )
        );
    }
    Ok(())
}
