//! Loading the generated demo organisation into a store, with demo users.

use crate::output::{Figures as _, Format, locale};
use anyhow::{Context as _, Result, bail};
use indicatif::{ProgressBar, ProgressStyle};
use pacer_core::access::Principal;
use pacer_core::access::Role;
use pacer_core::audit::Actor;
use pacer_core::language::Language;
use pacer_core::org::{NewRep, NewTeam, Organisation, TeamUpdate};
use pacer_demo::{DemoConfig, DemoOrg, generate};
use pacer_i18n::tr;
use pacer_storage::{AccessStore, NewUser, OrgStore, PlanStore, RecordStore, SqlStore};

/// The password of every demo user.
pub const DEMO_PASSWORD: &str = "pacer-demo";

/// The demo users: (user name, role); what each shows is the message `cli-demo-user-<name>`.
const DEMO_USERS: [(&str, Role); 5] = [
    ("ops", Role::Admin),
    ("lead", Role::Leader),
    ("manager", Role::Manager),
    ("manager2", Role::Manager),
    ("rep", Role::Rep),
];

fn rows_bar(len: usize, what: &str) -> ProgressBar {
    let bar = ProgressBar::new(len as u64);
    bar.set_style(
        ProgressStyle::with_template("  {msg:14} [{bar:30}] {pos}/{len} {per_sec} eta {eta}")
            .unwrap_or_else(|_| ProgressStyle::default_bar())
            .progress_chars("=> "),
    );
    bar.set_message(what.to_string());
    bar
}

/// What the demo organisation's name ends with while it is being written: an interrupted load
/// is recognisable ([`is_loaded`]) and redone.
const LOADING: &str = " (loading)";

/// Whether the demo organisation in `store` was written to the end.
pub async fn is_loaded(store: &SqlStore) -> Result<bool> {
    Ok(store.organisation().await?.is_some_and(|o| !o.name.ends_with(LOADING)))
}

/// Generates the demo organisation and writes it. Its settings come first, so that deals are
/// written in its currency, under a name that says the load is under way; the last step saves
/// the real name.
pub async fn load(store: &SqlStore, config: &DemoConfig, language: Language) -> Result<()> {
    let mut org: DemoOrg = generate(config);
    pacer_demo::speak(&mut org, language);
    let actor = Actor::named("demo").because(Some("demo data".into()));
    let loading = Organisation { name: format!("{}{LOADING}", org.organisation.name), ..org.organisation.clone() };
    store.save_organisation(&loading, &actor).await?;
    for team in &org.teams {
        let new = NewTeam {
            name: team.name.clone(),
            region: team.region.clone(),
            parent_id: team.parent_id,
            manager_id: None,
        };
        let created = store.create_team(&new, &actor).await?;
        if created.id != team.id {
            bail!("the demo needs an empty database (team ids do not start at 1): use --fresh or another --database");
        }
    }
    for rep in &org.reps {
        let first_team = rep.teams.first().map(|(team, _)| *team);
        let new = NewRep {
            name: rep.name.clone(),
            email: Some(rep.email.clone()),
            title: Some(rep.title.clone()),
            team_id: first_team,
            hire_date: rep.hire_date,
            leave_date: rep.leave_date,
            external_id: Some(rep.external_id.clone()),
        };
        let created = store.create_rep(&new, &actor).await?;
        if created.id != rep.id {
            bail!("the demo needs an empty database (rep ids do not start at 1): use --fresh or another --database");
        }
        for (team, from) in rep.teams.iter().skip(1) {
            store.move_rep(rep.id, *team, *from, &actor).await?;
        }
    }
    for team in org.teams.iter().filter(|t| t.manager_id.is_some()) {
        store
            .update_team(team.id, &TeamUpdate { manager_id: Some(team.manager_id), ..TeamUpdate::default() }, &actor)
            .await?;
    }
    store.insert_accounts(&org.accounts).await?;
    let bar = rows_bar(org.activities.len(), "activities");
    for chunk in org.activities.chunks(20_000) {
        store.insert_activities(chunk).await?;
        bar.inc(chunk.len() as u64);
    }
    bar.finish();
    store.insert_deals(&org.deals).await?;
    store.insert_subscriptions(&org.subscriptions).await?;
    store.tag_churn(&pacer_demo::churn_tags(&org), &actor).await?;
    create_users(store, &org, &actor).await?;
    let catalog = pacer_demo::catalog_in(pacer_demo::catalog_toml(config.today), language);
    let series = pacer_app::churn::SeriesCache::default();
    let caches = pacer_app::cache::Caches { warm: None, series: &series };
    // The organisation is saved after the plans: use the demo's own settings.
    let app =
        pacer_app::Context::with_org(store, caches, org.organisation.clone(), Principal::command_line(), config.today);
    match pacer_app::catalog::apply_catalog(&app, "metrics.toml", &catalog, &actor, false).await {
        Ok(_) => {}
        Err(problems) => bail!(
            "the demo catalog does not check: {}",
            problems.iter().map(ToString::to_string).collect::<Vec<_>>().join("; ")
        ),
    }
    create_plans(store, &org, config.today, language).await?;
    store.save_organisation(&org.organisation, &actor).await?;
    let n = |len: usize| locale().count(len as i64);
    println!(
        "  {}",
        tr!(
            locale(),
            "cli-demo-loaded",
            teams = n(org.teams.len()),
            people = n(org.reps.len()),
            accounts = n(org.accounts.len()),
            activities = n(org.activities.len()),
            deals = n(org.deals.len()),
            months = n(org.subscriptions.len())
        )
    );
    Ok(())
}

/// The current fiscal year's plan, approved by leadership, and a draft
/// stretch scenario: targets grown from last year's actuals, allocated to
/// teams and reps with the ramp and phased by seasonality.
async fn create_plans(store: &SqlStore, org: &DemoOrg, today: chrono::NaiveDate, language: Language) -> Result<()> {
    use pacer_app::cache::Caches;
    use pacer_app::plan::{AllocationRequest, MonthProfile, Recipients, Split, allocate_kpi};
    use pacer_app::report::{ReportRequest, report};
    use pacer_core::plan::{NewPlan, PlanSettings, PlanStatus};
    let organisation = &org.organisation;
    let fy = organisation.fiscal_year_of(today);
    let series = pacer_app::churn::SeriesCache::default();
    // Many reports over the same data: read the rollups once.
    let warm = pacer_app::cache::WarmCache::default();
    let caches = Caches { warm: Some(&warm), series: &series };
    let app = pacer_app::Context::with_org(store, caches, organisation.clone(), Principal::command_line(), today);
    if app.catalog_if_any().await?.is_none() {
        bail!("the demo catalog is missing");
    }
    let ops = Actor::named("ops").because(Some("demo plan".into()));
    let settings = PlanSettings { tolerance: pacer_core::attainment::Tolerance::new(0.1)?, ..PlanSettings::default() };
    let new = NewPlan { fiscal_year: fy, name: pacer_demo::plan_name(fy, language), settings, copied_from: None };
    let plan = store.create_plan(&new, &ops).await?;
    // (KPI, growth over last year in percent, recipients, split); `None`: the trend, last year's
    // own growth over the year before (the demo company hires, so what it wins grows faster than
    // each rep's activity), so that the plan asks for about what the company is on course for.
    let goals = [
        ("new_business", None, Recipients::Teams, Split::LastYear),
        ("expansion", None, Recipients::Teams, Split::LastYear),
        ("new_deals_won", None, Recipients::Reps, Split::Equal),
        ("demos_given", Some(110), Recipients::Reps, Split::Equal),
        ("calls_made", Some(100), Recipients::Reps, Split::Equal),
    ];
    for (kpi, growth, to, split) in goals {
        let year_total = |fy: i32| {
            let req = ReportRequest {
                kpi: kpi.into(),
                by: Some(pacer_core::report::Grouping::Company),
                per: Some(pacer_core::fiscal_calendar::PeriodKind::Year),
                fy: Some(fy),
                ..ReportRequest::default()
            };
            let app = &app;
            async move {
                let r = report(app, Default::default(), &req).await?;
                Ok::<f64, anyhow::Error>(
                    r.rows
                        .first()
                        .and_then(|r| r.values.last())
                        .and_then(pacer_core::kpi::KpiValue::as_f64)
                        .unwrap_or(0.0),
                )
            }
        };
        let last = year_total(fy - 1).await?;
        let growth = match growth {
            Some(percent) => f64::from(percent) / 100.0,
            None => {
                let before = year_total(fy - 2).await?;
                if before > 0.0 { (last / before).clamp(1.1, 1.6) } else { 1.15 }
            }
        };
        let annual = (last * growth).round() as i64;
        let allocation = AllocationRequest {
            kpi: kpi.into(),
            annual,
            to,
            split,
            months: MonthProfile::Seasonal,
            team: None,
            even_if_short_history: true,
        };
        allocate_kpi(&app, &plan, &allocation, &ops).await?;
    }
    store
        .set_plan_status(plan.id, PlanStatus::Approved, &Actor::named("lead").because(Some("board approval".into())))
        .await?;
    let scenario = store.copy_plan(plan.id, Some(&pacer_demo::scenario_name(fy, language)), &ops).await?;
    let stretch = AllocationRequest {
        kpi: "new_business".into(),
        annual: store
            .targets(plan.id, Some("new_business"))
            .await?
            .iter()
            .filter(|t| t.owner == pacer_core::plan::TargetOwner::Company)
            .map(|t| t.amount)
            .sum::<i64>()
            * 13
            / 10,
        to: Recipients::Teams,
        split: Split::LastYear,
        months: MonthProfile::Seasonal,
        team: None,
        even_if_short_history: true,
    };
    allocate_kpi(&app, &scenario, &stretch, &ops).await?;
    create_reviews(&app).await
}

/// A closed review of the last completed quarter (with notes for the
/// directors) and an open one for the current quarter.
async fn create_reviews(app: &pacer_app::Context<'_>) -> Result<()> {
    use pacer_app::review;
    use pacer_core::fiscal_calendar::PeriodKind;
    use pacer_core::review::{NewNote, NoteSubject};
    let (store, organisation, today) = (app.store, &app.org, app.today);
    let fy = organisation.fiscal_year_of(today);
    let quarters = organisation.calendar.periods(fy, PeriodKind::Quarter)?;
    let ops = Actor::named("ops").because(Some("quarterly review".into()));
    if let Some(done) = quarters.iter().rev().find(|q| q.end < today) {
        let r = review::open(app, &done.name(), None, &ops).await?;
        for (subject, text) in [
            (
                NoteSubject::Kpi("connected_calls".into()),
                "Calls not comparable before May: the telephony integration was added then.",
            ),
            (NoteSubject::Review, "Summer dip as every year; pipeline for the fiscal Q4 peak is on track."),
        ] {
            store.add_note(r.id, &NewNote { subject, text: text.into() }, &ops).await?;
        }
        review::close(app, r.id, &Actor::named("lead")).await?;
    }
    if let Some(current) = quarters.iter().find(|q| q.start <= today && today <= q.end) {
        review::open(app, &current.name(), None, &ops).await?;
    }
    Ok(())
}

async fn create_users(store: &SqlStore, org: &DemoOrg, actor: &Actor) -> Result<()> {
    let team_id = |name: &str| org.teams.iter().find(|t| t.name == name).map(|t| t.id);
    let manager_of = |name: &str| org.teams.iter().find(|t| t.name == name).and_then(|t| t.manager_id);
    let mid_market = team_id("NA Mid-Market");
    // The demo rep: a current member of NA Mid-Market who never moved.
    let rep = org
        .reps
        .iter()
        .find(|r| {
            r.leave_date.is_none()
                && r.teams.len() == 1
                && r.teams[0].0 == mid_market.unwrap_or(-1)
                && Some(r.id) != manager_of("NA Mid-Market")
        })
        .map(|r| r.id);
    let hash = pacer_app::credentials::hash_password(DEMO_PASSWORD).map_err(|e| anyhow::anyhow!("{e}"))?;
    for (username, role) in DEMO_USERS {
        let rep_id = match username {
            "manager" => manager_of("NA Mid-Market"),
            "manager2" => manager_of("EMEA North"),
            "rep" => rep,
            _ => None,
        };
        let display_name = match rep_id.and_then(|id| org.reps.iter().find(|r| r.id == id)) {
            Some(r) => r.name.clone(),
            None => username.to_string(),
        };
        // People without a rep record get an address of their own, so that everyone's weekly
        // digest can be previewed (the demo never sends it).
        let email = rep_id.is_none().then(|| format!("{username}@northwind.example"));
        let user =
            NewUser { username: username.into(), display_name, role, rep_id, email, password_hash: hash.clone() };
        store.create_user(&user, actor).await?;
    }
    Ok(())
}

/// Prints who to sign in as.
pub fn print_users() {
    let l = locale();
    println!("{}", tr!(l, "cli-demo-users", password = DEMO_PASSWORD));
    let roles = DEMO_USERS.map(|(_, role)| Format::Table.word(role.as_str(), crate::access_cmd::role_id(role)));
    let width = roles.iter().map(|r| r.chars().count()).max().unwrap_or(0).max(8);
    for ((username, _), role) in DEMO_USERS.iter().zip(&roles) {
        let what = l.t(&format!("cli-demo-user-{username}"));
        println!("  {username:<9} {role:<width$} {what}");
    }
}

/// `pacer samples`.
#[derive(clap::Args)]
pub struct SamplesArgs {
    /// The folder to write the files into (made if missing).
    dir: std::path::PathBuf,
    /// The demo's seed (the same seed writes the same files).
    #[arg(long, default_value_t = 42)]
    seed: u64,
    /// Overwrite files already there.
    #[arg(long)]
    force: bool,
}

/// `pacer samples DIR`: the demo organisation as the files a CRM exports (see
/// docs/getting-started.md), with the last twelve months of activities.
pub fn samples(args: SamplesArgs) -> Result<()> {
    let today = chrono::Local::now().date_naive();
    let org = generate(&DemoConfig { seed: args.seed, today });
    let files = pacer_demo::sample_exports(&org, today - chrono::Days::new(365));
    std::fs::create_dir_all(&args.dir).with_context(|| format!("cannot make {}", args.dir.display()))?;
    for file in &files {
        let path = args.dir.join(file.name);
        if path.exists() && !args.force {
            bail!("{} exists: use --force to overwrite it", path.display());
        }
    }
    for file in files {
        let path = args.dir.join(file.name);
        std::fs::write(&path, &file.bytes).with_context(|| format!("cannot write {}", path.display()))?;
        println!("{}: {}", path.display(), file.what);
    }
    Ok(())
}
