//! `pacer org`, `pacer calendar`, `pacer team`, `pacer rep`.

use crate::Context;
use crate::config::DEFAULT_DATABASE;
use crate::output::{Figures, Format, Listing, cell};
use crate::today;
use anyhow::{Result, anyhow, bail};
use chrono::NaiveDate;
use clap::{Args, Subcommand};
use pacer_core::audit::Actor;
use pacer_core::digest::DigestSchedule;
use pacer_core::fiscal_calendar::{
    FiscalCalendar, PeriodKind, WeekPattern, WorkingDays, YearEndRule, YearNaming, parse_weekday, weekday_name,
};
use pacer_core::money::Currency;
use pacer_core::org::{NewRep, NewTeam, Organisation, Rep, RepUpdate, Team, TeamUpdate};
use pacer_storage::{OrgStore, RepFilter, SqlStore};

pub(crate) fn cli_actor(reason: Option<String>) -> Actor {
    Actor::named("cli").because(reason)
}

/// Fiscal-calendar settings given on the command line.
#[derive(Args, Default)]
pub struct CalendarSpec {
    /// Month-based years: first month of the fiscal year (1-12).
    #[arg(long)]
    start_month: Option<u32>,
    /// Name the year by the calendar year in which it ends or starts: end or start.
    #[arg(long)]
    naming: Option<String>,
    /// Week-based years: 4-4-5, 4-5-4 or 5-4-4.
    #[arg(long)]
    pattern: Option<String>,
    /// Week-based years: month in which the year ends (1-12).
    #[arg(long)]
    end_month: Option<u32>,
    /// Week-based years: weekday that ends the year (mon..sun).
    #[arg(long)]
    end_weekday: Option<String>,
    /// Week-based years: the last such weekday of the month, or the nearest to its end: last or nearest.
    #[arg(long)]
    rule: Option<String>,
}

impl CalendarSpec {
    /// The calendar these flags describe, starting from `base` for what they leave out.
    fn apply(&self, base: &FiscalCalendar) -> Result<FiscalCalendar> {
        let base_naming = match base {
            FiscalCalendar::Monthly { naming, .. } | FiscalCalendar::Weekly { naming, .. } => *naming,
        };
        let naming = self.naming.as_deref().map(str::parse::<YearNaming>).transpose()?.unwrap_or(base_naming);
        let weekly_flags =
            self.pattern.is_some() || self.end_weekday.is_some() || self.rule.is_some() || self.end_month.is_some();
        if weekly_flags && self.start_month.is_some() {
            bail!(
                "--start-month is for month-based years; week-based years take --pattern, --end-month, --end-weekday and --rule"
            );
        }
        // Week-based years stay week-based unless --start-month asks for months: a flag left out
        // (or none at all, as in `org set --currency`) keeps the organisation's own setting.
        let weekly = weekly_flags || (self.start_month.is_none() && matches!(base, FiscalCalendar::Weekly { .. }));
        let calendar = if weekly {
            let (pattern, end_month, end_weekday, rule) = match base {
                FiscalCalendar::Weekly { pattern, end_month, end_weekday, rule, .. } => {
                    (*pattern, *end_month, *end_weekday, *rule)
                }
                FiscalCalendar::Monthly { start_month, .. } => {
                    (WeekPattern::P445, (start_month + 10) % 12 + 1, chrono::Weekday::Sat, YearEndRule::Nearest)
                }
            };
            FiscalCalendar::weekly(
                self.pattern.as_deref().map(str::parse).transpose()?.unwrap_or(pattern),
                self.end_month.unwrap_or(end_month),
                self.end_weekday.as_deref().map(parse_weekday).transpose()?.unwrap_or(end_weekday),
                self.rule.as_deref().map(str::parse).transpose()?.unwrap_or(rule),
                naming,
            )?
        } else {
            let start = match (self.start_month, base) {
                (Some(m), _) => m,
                (None, FiscalCalendar::Monthly { start_month, .. }) => *start_month,
                (None, FiscalCalendar::Weekly { end_month, .. }) => end_month % 12 + 1,
            };
            FiscalCalendar::monthly(start, naming)?
        };
        Ok(calendar)
    }
}

/// `pacer org`.
#[derive(Subcommand)]
pub enum OrgCommand {
    /// Show the organisation's settings.
    Show,
    /// Change the organisation's settings.
    Set(Box<OrgSetArgs>),
}

/// `pacer org set` (also used by `pacer init`).
#[derive(Args, Default)]
pub struct OrgSetArgs {
    /// Organisation name.
    #[arg(long)]
    pub name: Option<String>,
    /// Currency of plans and reports (ISO code, e.g. EUR).
    #[arg(long)]
    pub currency: Option<String>,
    #[command(flatten)]
    pub calendar: CalendarSpec,
    /// Holidays (YYYY-MM-DD), comma-separated; replaces the list.
    #[arg(long, value_delimiter = ',')]
    pub holidays: Option<Vec<String>>,
    /// Weekend days (mon..sun), comma-separated [default: sat,sun].
    #[arg(long, value_delimiter = ',')]
    pub weekend: Option<Vec<String>>,
    /// At most this many fiscal years of history for seasonal indices (2 to 20); `all` for every
    /// year with data.
    #[arg(long, value_name = "N|all")]
    pub seasonality_years: Option<String>,
    /// The organisation's time zone, an IANA name such as Europe/Zurich [default: UTC].
    #[arg(long)]
    pub time_zone: Option<String>,
    /// The day the weekly digest goes out, in the organisation's time zone (mon..sun) [default: mon].
    #[arg(long)]
    pub digest_day: Option<String>,
    /// The hour the weekly digest goes out, 0 to 23 [default: 8].
    #[arg(long)]
    pub digest_hour: Option<u32>,
    /// The organisation's language (en, fr), which its people read unless they chose their own;
    /// `browser` lets each person's browser decide [default: browser].
    #[arg(long, value_name = "en|fr|browser")]
    pub language: Option<String>,
    /// Why (kept in the audit log).
    #[arg(long)]
    pub reason: Option<String>,
}

/// Applies `args` to `org`.
pub fn apply_settings(org: &mut Organisation, args: &OrgSetArgs) -> Result<()> {
    if let Some(name) = &args.name {
        if name.trim().is_empty() {
            bail!("--name must not be empty");
        }
        org.name = name.trim().to_string();
    }
    if let Some(code) = &args.currency {
        org.currency = Currency::parse(code)?;
    }
    org.calendar = args.calendar.apply(&org.calendar)?;
    if args.holidays.is_some() || args.weekend.is_some() {
        let weekend = match &args.weekend {
            Some(days) => days.iter().map(|d| parse_weekday(d)).collect::<Result<Vec<_>, _>>()?,
            None => org.working_days.weekend().to_vec(),
        };
        let holidays = match &args.holidays {
            Some(days) => days
                .iter()
                .filter(|d| !d.trim().is_empty())
                .map(|d| {
                    d.trim().parse::<NaiveDate>().map_err(|_| anyhow!("holiday {d:?} is not a date: use YYYY-MM-DD"))
                })
                .collect::<Result<Vec<_>>>()?,
            None => org.working_days.holidays().iter().copied().collect(),
        };
        org.working_days = WorkingDays::new(weekend, holidays)?;
    }
    if let Some(years) = &args.seasonality_years {
        org.seasonality_years = match years.trim() {
            "all" => None,
            n => Some(pacer_core::seasonality::check_history_years(
                n.parse().map_err(|_| anyhow!("--seasonality-years {n:?}: give a number of years, or all"))?,
            )?),
        };
    }
    if let Some(zone) = &args.time_zone {
        org.time_zone = pacer_core::digest::parse_time_zone(zone).map_err(|e| anyhow!(e))?;
    }
    if let Some(language) = &args.language {
        org.language = match language.trim() {
            "browser" | "" => None,
            tag => Some(tag.parse().map_err(|e: String| anyhow!("--language: {e}, or browser"))?),
        };
    }
    if args.digest_day.is_some() || args.digest_hour.is_some() {
        let day = args.digest_day.clone().unwrap_or_else(|| weekday_name(org.digest.day).to_string());
        org.digest =
            DigestSchedule::parse(&day, args.digest_hour.unwrap_or(org.digest.hour)).map_err(|e| anyhow!(e))?;
    }
    Ok(())
}

async fn organisation(store: &SqlStore) -> Result<Organisation> {
    Ok(store.organisation().await?.unwrap_or_default())
}

/// `pacer org ...`.
pub async fn org(ctx: &Context, cmd: OrgCommand) -> Result<()> {
    let store = ctx.open(DEFAULT_DATABASE).await?;
    match cmd {
        OrgCommand::Show => {
            let org = organisation(&store).await?;
            println!("{}", serde_json::to_string_pretty(&org)?);
        }
        OrgCommand::Set(args) => {
            let mut org = organisation(&store).await?;
            apply_settings(&mut org, &args)?;
            store.save_organisation(&org, &cli_actor(args.reason.clone())).await?;
            let year = crate::output::fiscal_year(org.fiscal_year_of(today()));
            println!("{}", pacer_i18n::tr!(crate::output::locale(), "cli-org-saved", year = year));
        }
    }
    Ok(())
}

/// `pacer calendar`.
#[derive(Args)]
pub struct CalendarArgs {
    /// Fiscal year [default: the current one].
    #[arg(long)]
    fy: Option<i32>,
    /// Only this kind of period: week, month, quarter, half or year [default: all but weeks].
    #[arg(long)]
    kind: Option<String>,
    /// Output format.
    #[arg(long, value_enum, default_value_t)]
    format: Format,
    /// What-if: show another calendar than the organisation's.
    #[command(flatten)]
    what_if: CalendarSpec,
}

/// `pacer calendar`.
pub async fn calendar(ctx: &Context, args: CalendarArgs) -> Result<()> {
    let store = ctx.open(DEFAULT_DATABASE).await?;
    let mut org = organisation(&store).await?;
    org.calendar = args.what_if.apply(&org.calendar)?;
    let fy = args.fy.unwrap_or_else(|| org.fiscal_year_of(today()));
    let kinds = match &args.kind {
        Some(kind) => vec![kind.parse::<PeriodKind>()?],
        None => vec![PeriodKind::Year, PeriodKind::Half, PeriodKind::Quarter, PeriodKind::Month],
    };
    let table = org.period_table(fy, &kinds)?;
    #[derive(serde::Serialize)]
    struct Row {
        name: String,
        label: String,
        kind: PeriodKind,
        start: NaiveDate,
        end: NaiveDate,
        days: i64,
        working_days: u32,
    }
    let records: Vec<Row> = table
        .iter()
        .map(|(p, w)| Row {
            name: p.name(),
            label: p.label(),
            kind: p.kind,
            start: p.start,
            end: p.end,
            days: p.days(),
            working_days: *w,
        })
        .collect();
    let f = args.format;
    let rows = records
        .iter()
        .zip(&table)
        .map(|(r, (period, _))| {
            vec![
                r.name.clone(),
                if f == Format::Table { crate::output::locale().period(period) } else { r.label.clone() },
                f.date(r.start),
                f.date(r.end),
                f.count(r.days),
                f.count(i64::from(r.working_days)),
            ]
        })
        .collect();
    Listing { headers: &["name", "label", "start", "end", "days", "working days"], rows, records: &records }
        .print(args.format)
}

/// `pacer team`.
#[derive(Subcommand)]
pub enum TeamCommand {
    /// List teams.
    List {
        /// Output format.
        #[arg(long, value_enum, default_value_t)]
        format: Format,
    },
    /// Add a team.
    Add {
        /// Unique name.
        name: String,
        /// Region.
        #[arg(long)]
        region: Option<String>,
        /// Parent team (id or name).
        #[arg(long)]
        parent: Option<String>,
        /// Manager (rep id, name or e-mail).
        #[arg(long)]
        manager: Option<String>,
    },
    /// Change a team.
    Update {
        /// Team (id or name).
        team: String,
        /// New name.
        #[arg(long)]
        name: Option<String>,
        /// New region ("" clears).
        #[arg(long)]
        region: Option<String>,
        /// New parent (id or name; "" makes it top level).
        #[arg(long)]
        parent: Option<String>,
        /// New manager (rep id, name or e-mail; "" clears).
        #[arg(long)]
        manager: Option<String>,
        /// Why (kept in the audit log).
        #[arg(long)]
        reason: Option<String>,
    },
    /// Deactivate a team (its history stays).
    Deactivate {
        /// Team (id or name).
        team: String,
        /// Why (kept in the audit log).
        #[arg(long)]
        reason: Option<String>,
    },
}

pub async fn find_team(store: &SqlStore, key: &str) -> Result<Team> {
    let teams = store.teams().await?;
    let found = match key.parse::<i64>() {
        Ok(id) => teams.iter().find(|t| t.id == id),
        Err(_) => teams.iter().find(|t| t.name.eq_ignore_ascii_case(key.trim())),
    };
    found.cloned().ok_or_else(|| {
        let names: Vec<_> = teams.iter().map(|t| t.name.as_str()).collect();
        anyhow!(
            "team {key:?} does not exist; teams: {}",
            if names.is_empty() { "none yet".into() } else { names.join(", ") }
        )
    })
}

pub(crate) async fn find_rep(store: &SqlStore, key: &str) -> Result<Rep> {
    let reps = store.reps(&RepFilter::default(), today()).await?;
    let key = key.trim();
    let found: Vec<&Rep> = match key.parse::<i64>() {
        Ok(id) => reps.iter().filter(|r| r.id == id).collect(),
        Err(_) => reps
            .iter()
            .filter(|r| {
                r.name.eq_ignore_ascii_case(key) || r.email.as_deref().is_some_and(|e| e.eq_ignore_ascii_case(key))
            })
            .collect(),
    };
    match found.as_slice() {
        [rep] => Ok((*rep).clone()),
        [] => bail!("rep {key:?} does not exist (use an id, a name or an e-mail; `pacer rep list` shows them)"),
        _ => bail!("{} reps are called {key:?}: use the id", found.len()),
    }
}

/// "" means "clear", anything else is looked up.
async fn optional_team(store: &SqlStore, key: &Option<String>) -> Result<Option<Option<i64>>> {
    Ok(match key.as_deref() {
        None => None,
        Some("") => Some(None),
        Some(k) => Some(Some(find_team(store, k).await?.id)),
    })
}

async fn optional_rep(store: &SqlStore, key: &Option<String>) -> Result<Option<Option<i64>>> {
    Ok(match key.as_deref() {
        None => None,
        Some("") => Some(None),
        Some(k) => Some(Some(find_rep(store, k).await?.id)),
    })
}

fn print_teams(teams: &[Team], format: Format) -> Result<()> {
    let name_of = |id: Option<i64>| {
        id.and_then(|id| teams.iter().find(|t| t.id == id)).map(|t| t.name.clone()).unwrap_or_default()
    };
    let rows = teams
        .iter()
        .map(|t| {
            vec![
                t.id.to_string(),
                t.name.clone(),
                cell(&t.region),
                name_of(t.parent_id),
                cell(&t.manager_id),
                format.yes_no(t.active),
            ]
        })
        .collect();
    Listing { headers: &["id", "name", "region", "parent", "manager", "active"], rows, records: teams }.print(format)
}

/// `pacer team ...`.
pub async fn team(ctx: &Context, cmd: TeamCommand) -> Result<()> {
    let store = ctx.open(DEFAULT_DATABASE).await?;
    match cmd {
        TeamCommand::List { format } => print_teams(&store.teams().await?, format),
        TeamCommand::Add { name, region, parent, manager } => {
            let parent_id = optional_team(&store, &parent).await?.flatten();
            let manager_id = optional_rep(&store, &manager).await?.flatten();
            let team = store.create_team(&NewTeam { name, region, parent_id, manager_id }, &cli_actor(None)).await?;
            print_teams(&[team], Format::Table)
        }
        TeamCommand::Update { team, name, region, parent, manager, reason } => {
            let id = find_team(&store, &team).await?.id;
            let update = TeamUpdate {
                name,
                region: region.map(|r| Some(r).filter(|r| !r.is_empty())),
                parent_id: optional_team(&store, &parent).await?,
                manager_id: optional_rep(&store, &manager).await?,
            };
            let team = store.update_team(id, &update, &cli_actor(reason)).await?;
            print_teams(&[team], Format::Table)
        }
        TeamCommand::Deactivate { team, reason } => {
            let id = find_team(&store, &team).await?.id;
            let team = store.deactivate_team(id, &cli_actor(reason)).await?;
            print_teams(&[team], Format::Table)
        }
    }
}

/// `pacer rep`.
#[derive(Subcommand)]
pub enum RepCommand {
    /// List reps with their team today.
    List {
        /// Only this team and the teams below it (id or name).
        #[arg(long)]
        team: Option<String>,
        /// Only reps employed today.
        #[arg(long)]
        active: bool,
        /// Output format.
        #[arg(long, value_enum, default_value_t)]
        format: Format,
    },
    /// Add a rep.
    Add {
        /// Full name.
        name: String,
        /// First working day (YYYY-MM-DD).
        #[arg(long)]
        hired: NaiveDate,
        /// Team (id or name).
        #[arg(long)]
        team: Option<String>,
        /// E-mail.
        #[arg(long)]
        email: Option<String>,
        /// Job title.
        #[arg(long)]
        title: Option<String>,
        /// Identifier in the CRM.
        #[arg(long)]
        external_id: Option<String>,
    },
    /// Change a rep.
    Update {
        /// Rep (id, name or e-mail).
        rep: String,
        /// New name.
        #[arg(long)]
        name: Option<String>,
        /// New e-mail ("" clears).
        #[arg(long)]
        email: Option<String>,
        /// New title ("" clears).
        #[arg(long)]
        title: Option<String>,
        /// New hire date.
        #[arg(long)]
        hired: Option<NaiveDate>,
        /// Why (kept in the audit log).
        #[arg(long)]
        reason: Option<String>,
    },
    /// Move a rep to another team from a date (earlier history stays with the old team).
    Move {
        /// Rep (id, name or e-mail).
        rep: String,
        /// New team (id or name).
        #[arg(long)]
        team: String,
        /// First day in the new team [default: today].
        #[arg(long)]
        from: Option<NaiveDate>,
        /// Why (kept in the audit log).
        #[arg(long)]
        reason: Option<String>,
    },
    /// Record that a rep leaves (or left) on a date; their history stays.
    Leave {
        /// Rep (id, name or e-mail).
        rep: String,
        /// Day after the last working day.
        #[arg(long)]
        on: NaiveDate,
        /// Why (kept in the audit log).
        #[arg(long)]
        reason: Option<String>,
    },
}

fn print_reps(store_teams: &[Team], reps: &[Rep], format: Format) -> Result<()> {
    let team_name = |id: Option<i64>| {
        id.and_then(|id| store_teams.iter().find(|t| t.id == id)).map(|t| t.name.clone()).unwrap_or_default()
    };
    let rows = reps
        .iter()
        .map(|r| {
            vec![
                r.id.to_string(),
                r.name.clone(),
                cell(&r.title),
                team_name(r.team_id),
                format.date(r.hire_date),
                format.some_date(r.leave_date),
                cell(&r.email),
            ]
        })
        .collect();
    Listing { headers: &["id", "name", "title", "team", "hired", "left", "e-mail"], rows, records: reps }.print(format)
}

fn clearable(value: Option<String>) -> Option<Option<String>> {
    value.map(|v| Some(v).filter(|v| !v.is_empty()))
}

/// `pacer rep ...`.
pub async fn rep(ctx: &Context, cmd: RepCommand) -> Result<()> {
    let store = ctx.open(DEFAULT_DATABASE).await?;
    let teams = store.teams().await?;
    match cmd {
        RepCommand::List { team, active, format } => {
            let teams_filter = match team {
                Some(t) => Some(pacer_core::org::subtree(&teams, find_team(&store, &t).await?.id)),
                None => None,
            };
            let filter = RepFilter { teams: teams_filter, active_on: active.then(today) };
            print_reps(&teams, &store.reps(&filter, today()).await?, format)
        }
        RepCommand::Add { name, hired, team, email, title, external_id } => {
            let team_id = optional_team(&store, &team).await?.flatten();
            let new = NewRep { name, email, title, team_id, hire_date: hired, leave_date: None, external_id };
            let rep = store.create_rep(&new, &cli_actor(None)).await?;
            print_reps(&teams, &[rep], Format::Table)
        }
        RepCommand::Update { rep, name, email, title, hired, reason } => {
            let id = find_rep(&store, &rep).await?.id;
            let update = RepUpdate {
                name,
                email: clearable(email),
                title: clearable(title),
                hire_date: hired,
                leave_date: None,
            };
            let rep = store.update_rep(id, &update, &cli_actor(reason)).await?;
            print_reps(&teams, &[rep], Format::Table)
        }
        RepCommand::Move { rep, team, from, reason } => {
            let id = find_rep(&store, &rep).await?.id;
            let team_id = find_team(&store, &team).await?.id;
            let rep = store.move_rep(id, team_id, from.unwrap_or_else(today), &cli_actor(reason)).await?;
            print_reps(&teams, &[rep], Format::Table)
        }
        RepCommand::Leave { rep, on, reason } => {
            let id = find_rep(&store, &rep).await?.id;
            let update = RepUpdate { leave_date: Some(Some(on)), ..RepUpdate::default() };
            let rep = store.update_rep(id, &update, &cli_actor(reason)).await?;
            print_reps(&teams, &[rep], Format::Table)
        }
    }
}
