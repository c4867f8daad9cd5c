//! `pacer`: the command line and the server. A thin layer: it reads the
//! configuration, opens the store and calls the library crates.

mod access_cmd;
mod backup_cmd;
mod capture_cmd;
mod churn_cmd;
mod config;
mod dashboard_cmd;
mod demo;
mod digest_cmd;
mod fx_cmd;
mod import_cmd;
mod mail;
mod metrics_cmd;
mod org_cmd;
mod output;
mod plan_cmd;
mod report_cmd;
mod review_cmd;
mod scorecard_cmd;
mod serve;
mod stages_cmd;

use anyhow::Result;
use clap::{Parser, Subcommand};
use config::FileConfig;
use pacer_core::language::Language;
use pacer_i18n::Locale;
use pacer_storage::{DatabaseUrl, SqlStore};
use std::path::PathBuf;
use std::process::ExitCode;

/// Pacer: sales metrics infrastructure and annual planning.
#[derive(Parser)]
#[command(name = "pacer", version, about, propagate_version = true)]
struct Cli {
    /// Database URL: sqlite://FILE or postgres://USER@HOST/DB [default: sqlite://pacer.sqlite; pacer-demo.sqlite for demo].
    #[arg(long, global = true, env = "PACER_DATABASE_URL")]
    database: Option<String>,
    /// Configuration file [default: ./pacer.toml when present].
    #[arg(long, global = true, env = "PACER_CONFIG")]
    config: Option<PathBuf>,
    /// Log filter, e.g. info or pacer=debug [default: info when serving, warn otherwise].
    #[arg(long, global = true, env = "PACER_LOG")]
    log: Option<String>,
    /// Log format: text or json [default: text].
    #[arg(long, global = true, env = "PACER_LOG_FORMAT")]
    log_format: Option<String>,
    /// The language of what is written for people (tables, messages, workbooks): en or fr
    /// [default: the system's locale, LC_ALL, LC_MESSAGES or LANG; English]. For `demo`, also the
    /// demo organisation's language.
    #[arg(long, global = true, env = "PACER_LANG", value_name = "en|fr")]
    lang: Option<String>,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Create (or reuse) a demo organisation with three years of history and serve it.
    Demo(serve::DemoArgs),
    /// Serve the web UI and the API on an existing database.
    Serve(serve::ServeArgs),
    /// Write sample CRM exports of the demo organisation to try imports on (docs/getting-started.md).
    Samples(demo::SamplesArgs),
    /// Set up the organisation and the first admin user.
    Init(access_cmd::InitArgs),
    /// The organisation's settings.
    #[command(subcommand)]
    Org(org_cmd::OrgCommand),
    /// The periods of a fiscal year with their working days.
    Calendar(org_cmd::CalendarArgs),
    /// Teams: list, add, update, deactivate.
    #[command(subcommand)]
    Team(org_cmd::TeamCommand),
    /// Reps: list, add, update, move, leave.
    #[command(subcommand)]
    Rep(org_cmd::RepCommand),
    /// Users: list, add, update, password.
    #[command(subcommand)]
    User(access_cmd::UserCommand),
    /// API tokens for integrations: list, add, revoke.
    #[command(subcommand)]
    Token(access_cmd::TokenCommand),
    /// Read the audit log.
    Audit(access_cmd::AuditArgs),
    /// Exchange rates into the organisation's currency: list, set, import, delete.
    #[command(subcommand)]
    Fx(fx_cmd::FxCommand),
    /// Import reps, teams, activities, deals or recurring revenue from CSV or XLSX.
    Import(import_cmd::ImportArgs),
    /// Log an activity by hand, checked against the catalog.
    Log(capture_cmd::LogArgs),
    /// Which active reps have not logged the manual KPIs lately.
    Completeness(capture_cmd::CompletenessArgs),
    /// The logging contest: manually logged activities per rep, ranked.
    Contest(capture_cmd::ContestArgs),
    /// Attrition and churn: the report by period, cohorts, conversions, reasons.
    Churn(churn_cmd::ChurnArgs),
    /// The metric catalog: check, apply, show, export, versions, readiness, values.
    #[command(subcommand)]
    Metrics(metrics_cmd::MetricsCommand),
    /// A KPI by rep, team or company per fiscal period.
    Report(report_cmd::ReportArgs),
    /// Reps ranked on a KPI over a period (ties share a rank).
    Leaderboard(report_cmd::LeaderboardArgs),
    /// Open deals by forecast category, weighted pipeline and coverage.
    Pipeline(report_cmd::Span),
    /// A rep's scorecard: each KPI of the approved plan, quarter and year to date, with pace and rank.
    Scorecard(scorecard_cmd::ScorecardArgs),
    /// The leadership's dashboard, or a team's: against plan, side by side, pipeline, churn, readiness, data gaps.
    Dashboard(dashboard_cmd::DashboardArgs),
    /// The weekly digest: preview a person's, send the week's to everyone by e-mail.
    #[command(subcommand)]
    Digest(digest_cmd::DigestCommand),
    /// The pipeline stages: show, write out to edit, replace, add a CRM's name.
    Stages(stages_cmd::StagesArgs),
    /// The daily rollups that reports read.
    #[command(subcommand)]
    Rollups(report_cmd::RollupsCommand),
    /// The annual plan: plans and scenarios, allocation, targets, approval, attainment, growth, seasonality.
    #[command(subcommand)]
    Plan(plan_cmd::PlanCommand),
    /// The quarterly review: figures against plan, data gaps, notes, rebalancing.
    Review(review_cmd::ReviewArgs),
    /// Write a consistent copy of the database, taken while others write, as a portable SQLite file.
    Backup(backup_cmd::BackupArgs),
    /// Load a backup into an empty database, SQLite or PostgreSQL (--database).
    Restore(backup_cmd::RestoreArgs),
}

/// Today, on this machine's clock.
pub fn today() -> chrono::NaiveDate {
    chrono::Local::now().date_naive()
}

/// The use cases' context of a command: the command line runs as the
/// administrator of the database it opens, today.
pub async fn use_cases<'a>(
    store: &'a dyn pacer_storage::Store,
    caches: pacer_app::cache::Caches<'a>,
) -> Result<pacer_app::Context<'a>, pacer_app::AppError> {
    Ok(pacer_app::Context::new(store, caches, pacer_core::access::Principal::command_line(), today())
        .await?
        .in_locale(output::locale()))
}

/// The language of the system's locale (`LC_ALL`, then `LC_MESSAGES`, then `LANG`, as POSIX
/// orders them), when Pacer speaks it.
fn system_language() -> Option<Language> {
    ["LC_ALL", "LC_MESSAGES", "LANG"]
        .into_iter()
        .filter_map(|name| std::env::var(name).ok())
        .find(|value| !value.is_empty())
        .and_then(|value| Language::of_tag(&value))
}

/// What every command needs: the configuration and a way to open the store.
pub struct Context {
    /// The settings file.
    pub file: FileConfig,
    database: Option<String>,
    /// The language asked for with `--lang` or `PACER_LANG`, if any.
    pub language: Option<Language>,
}

impl Context {
    /// The database URL: flag or environment, else the file, else `default`.
    pub fn database_url(&self, default: &str) -> Result<DatabaseUrl> {
        let text = self.database.clone().or_else(|| self.file.database.clone()).unwrap_or_else(|| default.to_string());
        Ok(DatabaseUrl::parse(&text)?)
    }

    /// Opens the store (running migrations).
    pub async fn open(&self, default: &str) -> Result<SqlStore> {
        Ok(SqlStore::connect(&self.database_url(default)?).await?)
    }
}

fn init_logs(filter: &str, format: &str) -> Result<()> {
    let env_filter = tracing_subscriber::EnvFilter::try_new(filter)
        .map_err(|e| anyhow::anyhow!("log filter {filter:?} is not valid: {e}"))?;
    let builder = tracing_subscriber::fmt().with_env_filter(env_filter).with_writer(std::io::stderr);
    match format {
        "json" => builder.json().init(),
        "text" => builder.init(),
        other => anyhow::bail!("log format {other:?} is not valid: use text or json"),
    }
    Ok(())
}

async fn run(cli: Cli) -> Result<()> {
    let file = FileConfig::load(cli.config.as_deref())?;
    let serving = matches!(cli.command, Command::Demo(_) | Command::Serve(_));
    let default_filter = if serving { "info" } else { "warn" };
    let filter = cli.log.or_else(|| file.log.clone()).unwrap_or_else(|| default_filter.into());
    let format = cli.log_format.or_else(|| file.log_format.clone()).unwrap_or_else(|| "text".into());
    init_logs(&filter, &format)?;
    let chosen = match cli.lang.as_deref() {
        Some(tag) => Some(tag.parse::<Language>().map_err(|e| anyhow::anyhow!("--lang: {e}"))?),
        None => None,
    };
    output::set_locale(Locale::from(chosen.or_else(system_language).unwrap_or_default()));
    let ctx = Context { file, database: cli.database, language: chosen };
    match cli.command {
        Command::Demo(args) => serve::demo(&ctx, args).await,
        Command::Serve(args) => serve::serve(&ctx, args).await,
        Command::Samples(args) => demo::samples(args),
        Command::Init(args) => access_cmd::init(&ctx, args).await,
        Command::Org(cmd) => org_cmd::org(&ctx, cmd).await,
        Command::Calendar(args) => org_cmd::calendar(&ctx, args).await,
        Command::Team(cmd) => org_cmd::team(&ctx, cmd).await,
        Command::Rep(cmd) => org_cmd::rep(&ctx, cmd).await,
        Command::User(cmd) => access_cmd::user(&ctx, cmd).await,
        Command::Token(cmd) => access_cmd::token(&ctx, cmd).await,
        Command::Audit(args) => access_cmd::audit(&ctx, args).await,
        Command::Fx(cmd) => fx_cmd::fx(&ctx, cmd).await,
        Command::Metrics(cmd) => metrics_cmd::metrics(&ctx, cmd).await,
        Command::Churn(args) => churn_cmd::churn(&ctx, args).await,
        Command::Log(args) => capture_cmd::log(&ctx, args).await,
        Command::Import(args) => import_cmd::import(&ctx, args).await,
        Command::Completeness(args) => capture_cmd::completeness(&ctx, args).await,
        Command::Contest(args) => capture_cmd::contest(&ctx, args).await,
        Command::Report(args) => report_cmd::report(&ctx, args).await,
        Command::Leaderboard(args) => report_cmd::leaderboard(&ctx, args).await,
        Command::Pipeline(span) => report_cmd::pipeline(&ctx, span).await,
        Command::Scorecard(args) => scorecard_cmd::run(&ctx, args).await,
        Command::Dashboard(args) => dashboard_cmd::run(&ctx, args).await,
        Command::Digest(cmd) => digest_cmd::digest(&ctx, cmd).await,
        Command::Stages(args) => stages_cmd::stages(&ctx, args).await,
        Command::Rollups(cmd) => report_cmd::rollups(&ctx, cmd).await,
        Command::Plan(cmd) => plan_cmd::plan(&ctx, cmd).await,
        Command::Review(args) => review_cmd::review(&ctx, args).await,
        Command::Backup(args) => backup_cmd::backup(&ctx, args).await,
        Command::Restore(args) => backup_cmd::restore(&ctx, args).await,
    }
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    // A command whose output goes to a reader that stopped (`pacer report ... | head`) ends
    // quietly as Unix tools do, rather than panicking on the failed print. Not for a server,
    // whose sockets must report a closed connection as an error, not end the process.
    if !matches!(cli.command, Command::Demo(_) | Command::Serve(_)) {
        sigpipe::reset();
    }
    let runtime = match tokio::runtime::Builder::new_multi_thread().enable_all().build() {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("error: cannot start the runtime: {e}");
            return ExitCode::from(1);
        }
    };
    match runtime.block_on(run(cli)) {
        Ok(()) => ExitCode::SUCCESS,
        // The problems were printed one per line already.
        Err(e) if e.is::<metrics_cmd::CatalogRejected>() => ExitCode::from(1),
        Err(e) => {
            // Every other error is about the input or the environment: one line, exit 2.
            eprintln!("error: {e:#}");
            ExitCode::from(2)
        }
    }
}
