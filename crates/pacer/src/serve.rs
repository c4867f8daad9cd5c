//! `pacer serve` and `pacer demo`.

use crate::Context;
use crate::config::{DEFAULT_DATABASE, DEMO_DATABASE, secure_cookies};
use crate::mail::SmtpMailer;
use crate::output::locale;
use anyhow::{Context as _, Result};
use clap::Args;
use pacer_app::digest::Outcome;
use pacer_core::access::Principal;
use pacer_core::access::Role;
use pacer_core::audit::Actor;
use pacer_i18n::tr;
use pacer_storage::{AccessStore, Backend, NewUser, OrgStore, SqlStore};
use pacer_web::{AppState, WebSettings};
use std::collections::HashSet;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

/// Where to listen.
#[derive(Args)]
pub struct ListenArgs {
    /// Address to listen on [default: 127.0.0.1].
    #[arg(long, env = "PACER_BIND")]
    bind: Option<String>,
    /// Port to listen on [default: 8080].
    #[arg(long, env = "PACER_PORT")]
    port: Option<u16>,
}

/// `pacer serve`.
#[derive(Args)]
pub struct ServeArgs {
    #[command(flatten)]
    listen: ListenArgs,
}

/// `pacer demo`.
#[derive(Args)]
pub struct DemoArgs {
    #[command(flatten)]
    listen: ListenArgs,
    /// Throw away an existing demo database and generate it again.
    #[arg(long)]
    fresh: bool,
    /// Seed of the generator (the same seed gives the same organisation).
    #[arg(long, default_value_t = 42)]
    seed: u64,
    /// Create the demo database and exit without serving.
    #[arg(long)]
    no_serve: bool,
}

/// Starts the server on `store` until Ctrl-C, sending the weekly digest on schedule through
/// `mailer` when one is given.
async fn run_server(ctx: &Context, store: SqlStore, listen: &ListenArgs, mailer: Option<SmtpMailer>) -> Result<()> {
    let bind = listen.bind.clone().or_else(|| ctx.file.bind.clone()).unwrap_or_else(|| "127.0.0.1".into());
    let port = listen.port.or(ctx.file.port).unwrap_or(8080);
    let settings = WebSettings {
        secure_cookies: secure_cookies(ctx.file.secure_cookies.as_deref(), &bind)?,
        session_ttl_s: ctx.file.session_hours.unwrap_or(12).clamp(1, 24 * 30) * 3600,
        session_idle_s: ctx.file.session_idle_minutes.unwrap_or(60).clamp(5, 24 * 60) * 60,
        ..WebSettings::default()
    };
    let state = AppState::new(Arc::new(store), settings);
    state.warm_up();
    if let Some(mailer) = mailer {
        tokio::spawn(digest_schedule(state.clone(), mailer));
    }
    let app = pacer_web::app(state);
    let address = format!("{bind}:{port}");
    let listener = tokio::net::TcpListener::bind(&address)
        .await
        .with_context(|| format!("cannot listen on {address} (use --bind and --port)"))?;
    let shown = if bind == "0.0.0.0" { format!("127.0.0.1:{port}") } else { address.clone() };
    println!("{}", tr!(locale(), "cli-serve-running", address = shown));
    tracing::info!(%address, "listening");
    axum::serve(listener, app.into_make_service_with_connect_info::<SocketAddr>())
        .with_graceful_shutdown(async {
            let _ = tokio::signal::ctrl_c().await;
            tracing::info!("shutting down");
        })
        .await?;
    Ok(())
}

/// How often the server wakes to see whether the weekly digest is due and unsent.
const DIGEST_CHECK_EVERY: Duration = Duration::from_secs(10 * 60);

/// The weekly digest on schedule: wakes every few minutes and sends this week's once it is due, to
/// whoever has not had it (a person whose message failed is tried again at the next wake). Each
/// failure is logged once a week per person.
async fn digest_schedule(state: AppState, mailer: SmtpMailer) {
    let mut warned: HashSet<(String, String)> = HashSet::new();
    let mut wake = tokio::time::interval(DIGEST_CHECK_EVERY);
    loop {
        wake.tick().await;
        let now = chrono::Utc::now();
        let sending = async {
            let org = state.store.organisation().await?.unwrap_or_default();
            let today = now.with_timezone(&org.time_zone).date_naive();
            let ctx = pacer_app::Context::with_org(
                state.store.as_ref(),
                state.caches(),
                org,
                Principal::command_line(),
                today,
            );
            pacer_app::digest::send_if_due(&ctx, &mailer, now).await
        };
        match sending.await {
            Ok(Some(sending)) => {
                for d in &sending.deliveries {
                    match &d.outcome {
                        Outcome::Sent => tracing::info!(week = %sending.week, user = %d.user, "weekly digest sent"),
                        Outcome::Failed(why) if warned.insert((sending.week.clone(), d.user.clone())) => {
                            tracing::warn!(week = %sending.week, user = %d.user, "weekly digest not sent: {why}")
                        }
                        _ => {}
                    }
                }
            }
            Ok(None) => {}
            Err(e) => tracing::warn!("the weekly digest could not be sent: {e:#}"),
        }
    }
}

/// On a database with no user yet, creates an admin with a random password and prints it once.
pub async fn ensure_first_admin(store: &SqlStore) -> Result<()> {
    if !store.users().await?.is_empty() {
        return Ok(());
    }
    let password = pacer_app::credentials::random_secret()[..20].to_string();
    let user = NewUser {
        username: "admin".into(),
        display_name: "Administrator".into(),
        role: Role::Admin,
        rep_id: None,
        email: None,
        password_hash: pacer_app::credentials::hash_password(&password).map_err(|e| anyhow::anyhow!("{e}"))?,
    };
    store.create_user(&user, &Actor::named("pacer")).await?;
    println!("{}", tr!(locale(), "cli-serve-first-admin", password = &password));
    println!("{}", locale().t("cli-serve-shown-once"));
    Ok(())
}

/// `pacer serve`.
pub async fn serve(ctx: &Context, args: ServeArgs) -> Result<()> {
    let store = ctx.open(DEFAULT_DATABASE).await?;
    if store.organisation().await?.is_none() {
        store.save_organisation(&Default::default(), &Actor::named("pacer")).await?;
        println!("{}", locale().t("cli-serve-default-org"));
    }
    ensure_first_admin(&store).await?;
    let org = store.organisation().await?.unwrap_or_default();
    let mailer = match ctx.file.smtp()? {
        Some(settings) => {
            let mailer = SmtpMailer::new(&settings)?;
            // Any day of that weekday names it.
            let day = chrono::NaiveDate::from_isoywd_opt(2024, 1, org.digest.day).map(|d| locale().weekday(d));
            println!(
                "{}",
                tr!(
                    locale(),
                    "cli-serve-digest",
                    day = day.unwrap_or_else(|| org.digest.day.to_string()),
                    hour = format!("{:02}:00", org.digest.hour),
                    zone = org.time_zone.to_string(),
                    server = mailer.server()
                )
            );
            Some(mailer)
        }
        None => {
            println!("{}", locale().t("cli-serve-no-mail"));
            None
        }
    };
    run_server(ctx, store, &args.listen, mailer).await
}

/// `pacer demo`.
pub async fn demo(ctx: &Context, args: DemoArgs) -> Result<()> {
    let url = ctx.database_url(DEMO_DATABASE)?;
    if url.backend() == Backend::Sqlite {
        let path = url.as_str().trim_start_matches("sqlite://").split('?').next().unwrap_or_default().to_string();
        let store = SqlStore::connect(&url).await?;
        // A demo database without an organisation was interrupted while loading: start over.
        let complete = crate::demo::is_loaded(&store).await?;
        store.close().await;
        if args.fresh || !complete {
            for suffix in ["", "-wal", "-shm"] {
                let _ = std::fs::remove_file(format!("{path}{suffix}"));
            }
        }
    }
    let store = SqlStore::connect(&url).await?;
    if !crate::demo::is_loaded(&store).await? {
        println!("{}", tr!(locale(), "cli-demo-creating", database = url.redacted().to_string()));
        crate::demo::load(
            &store,
            &pacer_demo::DemoConfig { seed: args.seed, today: chrono::Local::now().date_naive() },
            ctx.language.unwrap_or_default(),
        )
        .await?;
    } else {
        println!("{}", tr!(locale(), "cli-demo-reusing", database = url.redacted().to_string()));
    }
    crate::demo::print_users();
    if args.no_serve {
        return Ok(());
    }
    // The demo's people have made-up addresses: it never sends the digest.
    run_server(ctx, store, &args.listen, None).await
}
