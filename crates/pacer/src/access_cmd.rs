//! `pacer init`, `pacer user`, `pacer token`, `pacer audit`.

use crate::Context;
use crate::config::DEFAULT_DATABASE;
use crate::org_cmd::{OrgSetArgs, apply_settings};
use crate::output::{Figures, Format, Listing, cell, locale};
use anyhow::{Result, anyhow};
use clap::{Args, Subcommand};
use pacer_app::credentials::{hash_password, new_api_token, random_secret, token_hash};
use pacer_core::access::{Role, Scope, User, check_password, check_username};
use pacer_core::audit::{Actor, AuditFilter};
use pacer_i18n::tr;
use pacer_storage::{AccessStore, CatalogStore, NewUser, OrgStore, SqlStore, UserUpdate};

fn cli_actor(reason: Option<String>) -> Actor {
    Actor::named("cli").because(reason)
}

fn hash(password: &str) -> Result<String> {
    check_password(password).map_err(|e| anyhow!(e))?;
    hash_password(password).map_err(|e| anyhow!("{e}"))
}

/// A password from the flag (or `PACER_PASSWORD`), else a random one that is printed.
fn password_or_random(given: Option<String>, username: &str) -> String {
    given.unwrap_or_else(|| {
        let password = random_secret()[..20].to_string();
        println!("{}", tr!(locale(), "cli-password-shown", user = username, password = &password));
        password
    })
}

/// `pacer init`.
#[derive(Args)]
pub struct InitArgs {
    #[command(flatten)]
    settings: OrgSetArgs,
    /// User name of the first admin.
    #[arg(long, default_value = "admin")]
    admin: String,
    /// Password of the first admin [default: a random one, printed once].
    #[arg(long, env = "PACER_PASSWORD")]
    password: Option<String>,
    /// Starter catalog applied when none is in force: saas-startup or expansion-stage.
    #[arg(long, default_value = "saas-startup", conflicts_with_all = ["catalog", "no_catalog"])]
    template: String,
    /// Apply this catalog file instead of a starter one.
    #[arg(long, conflicts_with = "no_catalog")]
    catalog: Option<std::path::PathBuf>,
    /// Apply no catalog (reports wait for `pacer metrics apply`).
    #[arg(long)]
    no_catalog: bool,
}

/// `pacer init`: organisation settings and the first admin.
pub async fn init(ctx: &Context, args: InitArgs) -> Result<()> {
    let store = ctx.open(DEFAULT_DATABASE).await?;
    let mut org = store.organisation().await?.unwrap_or_default();
    apply_settings(&mut org, &args.settings)?;
    let username = check_username(&args.admin).map_err(|e| anyhow!(e))?;
    let starter = match (&args.catalog, args.no_catalog) {
        (_, true) => None,
        (Some(file), _) => Some((
            file.display().to_string(),
            std::fs::read_to_string(file).map_err(|e| anyhow!("cannot read {}: {e}", file.display()))?,
        )),
        (None, false) => {
            let t = pacer_app::catalog::template(&args.template)?;
            Some((format!("{}.toml", t.name), t.toml.to_string()))
        }
    };
    let has_users = !store.users().await?.is_empty();
    // Check everything before writing anything.
    let new_admin = if has_users {
        None
    } else {
        let password = password_or_random(args.password, &username);
        Some(NewUser {
            username: username.clone(),
            display_name: username.clone(),
            role: Role::Admin,
            rep_id: None,
            email: None,
            password_hash: hash(&password)?,
        })
    };
    store.save_organisation(&org, &cli_actor(Some("pacer init".into()))).await?;
    match new_admin {
        Some(user) => {
            store.create_user(&user, &cli_actor(Some("pacer init".into()))).await?;
            println!("{}", tr!(locale(), "cli-init-admin", user = &username));
        }
        None => println!("{}", locale().t("cli-init-users-exist")),
    }
    if let Some((name, text)) = starter
        && store.current_catalog().await?.is_none()
    {
        let series = pacer_app::churn::SeriesCache::default();
        let app = crate::use_cases(&store, pacer_app::cache::Caches { warm: None, series: &series }).await?;
        let actor = cli_actor(Some("pacer init: starter catalog".into()));
        crate::metrics_cmd::apply_and_report(&app, &name, &text, &actor, false).await?;
    }
    let year = crate::output::fiscal_year(org.fiscal_year_of(chrono::Local::now().date_naive()));
    println!("{}", tr!(locale(), "cli-init-done", org = format!("{:?}", org.name), year = year));
    Ok(())
}

/// `pacer user`.
#[derive(Subcommand)]
pub enum UserCommand {
    /// List users.
    List {
        /// Output format.
        #[arg(long, value_enum, default_value_t)]
        format: Format,
    },
    /// Add a user.
    Add {
        /// Login name.
        username: String,
        /// rep, manager, leader or admin.
        #[arg(long)]
        role: String,
        /// Linked rep record (id).
        #[arg(long)]
        rep: Option<i64>,
        /// Name shown.
        #[arg(long)]
        name: Option<String>,
        /// The person's own e-mail address [default: their rep record's].
        #[arg(long)]
        email: Option<String>,
        /// Password [default: a random one, printed once].
        #[arg(long, env = "PACER_PASSWORD")]
        password: Option<String>,
    },
    /// Change a user's role, rep link, status, e-mail or weekly digest.
    Update {
        /// Login name.
        username: String,
        /// New role.
        #[arg(long)]
        role: Option<String>,
        /// New rep link (id; 0 clears).
        #[arg(long)]
        rep: Option<i64>,
        /// Deactivate (signs the user out everywhere).
        #[arg(long, conflicts_with = "activate")]
        deactivate: bool,
        /// Activate again.
        #[arg(long)]
        activate: bool,
        /// New own e-mail address ("" clears it: the rep record's is used).
        #[arg(long)]
        email: Option<String>,
        /// The weekly digest: on, or off (opted out).
        #[arg(long, value_name = "on|off")]
        digest: Option<OnOff>,
        /// The person's own language (en, fr); `default` follows the organisation's, then the browser's.
        #[arg(long, value_name = "en|fr|default")]
        language: Option<String>,
        /// Why (kept in the audit log).
        #[arg(long)]
        reason: Option<String>,
    },
    /// Set a user's password.
    Password {
        /// Login name.
        username: String,
        /// New password [default: a random one, printed once].
        #[arg(long, env = "PACER_PASSWORD")]
        password: Option<String>,
    },
}

/// A switch typed as on or off.
#[derive(Clone, Copy, clap::ValueEnum)]
pub enum OnOff {
    /// On.
    On,
    /// Off.
    Off,
}

fn print_users(users: &[User], format: Format) -> Result<()> {
    let f = format;
    let rows = users
        .iter()
        .map(|u| {
            vec![
                u.id.to_string(),
                u.username.clone(),
                u.display_name.clone(),
                f.word(&u.role.to_string(), role_id(u.role)),
                cell(&u.rep_id),
                f.yes_no(u.active),
                cell(&u.email),
                f.yes_no(u.digest),
                u.language.map(|l| l.to_string()).unwrap_or_default(),
            ]
        })
        .collect();
    let headers = ["id", "user", "name", "role", "rep", "active", "email", "digest", "language"];
    Listing { headers: &headers, rows, records: users }.print(format)
}

async fn find_user(store: &SqlStore, username: &str) -> Result<User> {
    store
        .credentials(username)
        .await?
        .map(|c| c.user)
        .ok_or_else(|| anyhow!("user {username:?} does not exist (`pacer user list` shows them)"))
}

/// `pacer user ...`.
pub async fn user(ctx: &Context, cmd: UserCommand) -> Result<()> {
    let store = ctx.open(DEFAULT_DATABASE).await?;
    match cmd {
        UserCommand::List { format } => print_users(&store.users().await?, format),
        UserCommand::Add { username, role, rep, name, email, password } => {
            let role: Role = role.parse().map_err(|e: String| anyhow!(e))?;
            let username = check_username(&username).map_err(|e| anyhow!(e))?;
            let password_hash = hash(&password_or_random(password, &username))?;
            let new = NewUser {
                display_name: name.unwrap_or_else(|| username.clone()),
                username,
                role,
                rep_id: rep,
                email: email.filter(|e| !e.trim().is_empty()),
                password_hash,
            };
            let user = store.create_user(&new, &cli_actor(None)).await?;
            print_users(&[user], Format::Table)
        }
        UserCommand::Update { username, role, rep, deactivate, activate, email, digest, language, reason } => {
            let user = find_user(&store, &username).await?;
            let update = UserUpdate {
                display_name: None,
                role: role.map(|r| r.parse::<Role>().map_err(|e| anyhow!(e))).transpose()?,
                rep_id: rep.map(|r| Some(r).filter(|r| *r != 0)),
                active: if deactivate {
                    Some(false)
                } else if activate {
                    Some(true)
                } else {
                    None
                },
                email: email.map(|e| Some(e).filter(|e| !e.trim().is_empty())),
                digest: digest.map(|d| matches!(d, OnOff::On)),
                language: language
                    .map(|l| match l.trim() {
                        "default" | "" => Ok(None),
                        tag => tag.parse().map(Some).map_err(|e: String| anyhow!("--language: {e}, or default")),
                    })
                    .transpose()?,
            };
            let user = store.update_user(user.id, &update, &cli_actor(reason)).await?;
            print_users(&[user], Format::Table)
        }
        UserCommand::Password { username, password } => {
            let user = find_user(&store, &username).await?;
            let password_hash = hash(&password_or_random(password, &user.username))?;
            store.set_password(user.id, &password_hash, &cli_actor(None)).await?;
            println!("{}", tr!(locale(), "cli-password-changed", user = &user.username));
            Ok(())
        }
    }
}

/// `pacer token`.
#[derive(Subcommand)]
pub enum TokenCommand {
    /// List tokens.
    List {
        /// Output format.
        #[arg(long, value_enum, default_value_t)]
        format: Format,
    },
    /// Create a token; its secret is printed once.
    Add {
        /// Name, e.g. the integration.
        name: String,
        /// ingest, read or admin (everything an admin user may do through the API).
        #[arg(long)]
        scope: String,
    },
    /// Revoke a token.
    Revoke {
        /// Token id.
        id: i64,
        /// Why (kept in the audit log).
        #[arg(long)]
        reason: Option<String>,
    },
}

/// `pacer token ...`.
pub async fn token(ctx: &Context, cmd: TokenCommand) -> Result<()> {
    let store = ctx.open(DEFAULT_DATABASE).await?;
    let print = |tokens: &[pacer_core::access::ApiToken], format: Format| {
        let rows = tokens
            .iter()
            .map(|t| {
                vec![
                    t.id.to_string(),
                    t.name.clone(),
                    format.word(&t.scope.to_string(), scope_id(t.scope)),
                    t.created_by.clone(),
                    format.moment(&t.created_at),
                    t.revoked_at.as_deref().map(|at| format.moment(at)).unwrap_or_default(),
                ]
            })
            .collect();
        Listing { headers: &["id", "name", "scope", "created by", "created", "revoked"], rows, records: tokens }
            .print(format)
    };
    match cmd {
        TokenCommand::List { format } => print(&store.tokens().await?, format),
        TokenCommand::Add { name, scope } => {
            let scope: Scope = scope.parse().map_err(|e: String| anyhow!(e))?;
            let secret = new_api_token();
            let token = store.create_token(&name, scope, &token_hash(&secret), &cli_actor(None)).await?;
            print(&[token], Format::Table)?;
            println!("{}\n{secret}", locale().t("cli-token-secret"));
            Ok(())
        }
        TokenCommand::Revoke { id, reason } => {
            print(&[store.revoke_token(id, &cli_actor(reason)).await?], Format::Table)
        }
    }
}

/// `pacer audit`.
#[derive(Args)]
pub struct AuditArgs {
    /// Only this actor (user name, token:NAME, cli, demo).
    #[arg(long)]
    actor: Option<String>,
    /// Only this kind of record: team, rep, user, token, organisation...
    #[arg(long)]
    entity: Option<String>,
    /// Only this record id (with --entity).
    #[arg(long)]
    id: Option<String>,
    /// Only changes at or after this date (YYYY-MM-DD) or instant.
    #[arg(long)]
    since: Option<String>,
    /// At most this many, newest first.
    #[arg(long, default_value_t = 50)]
    limit: u32,
    /// Output format.
    #[arg(long, value_enum, default_value_t)]
    format: Format,
}

/// `pacer audit`.
pub async fn audit(ctx: &Context, args: AuditArgs) -> Result<()> {
    let store = ctx.open(DEFAULT_DATABASE).await?;
    let filter = AuditFilter {
        actor: args.actor,
        entity: args.entity,
        entity_id: args.id,
        since: args.since,
        limit: Some(args.limit),
    };
    let entries = store.audit_log(&filter).await?;
    let rows = entries
        .iter()
        .map(|e| {
            vec![
                args.format.moment(&e.at),
                e.actor.clone(),
                e.action.clone(),
                format!("{} {}", e.entity, e.entity_id),
                cell(&e.reason),
            ]
        })
        .collect();
    Listing { headers: &["when (UTC)", "who", "what", "record", "why"], rows, records: &entries }.print(args.format)
}

/// The message naming a role in a table for people.
pub(crate) fn role_id(role: Role) -> &'static str {
    match role {
        Role::Rep => "role-rep",
        Role::Manager => "role-manager",
        Role::Leader => "role-leader",
        Role::Admin => "role-admin",
    }
}

/// The message naming a token's scope in a table for people.
fn scope_id(scope: Scope) -> &'static str {
    match scope {
        Scope::Ingest => "tokens-scope-ingest",
        Scope::Read => "tokens-scope-read",
        Scope::Admin => "tokens-scope-admin",
    }
}
