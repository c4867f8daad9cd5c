//! `pacer digest preview USER` and `pacer digest send`: the weekly digest on the terminal, and
//! sent by SMTP to everyone (PRODUCT.md C9; issue 19 part 5).

use crate::Context;
use crate::config::DEFAULT_DATABASE;
use crate::mail::{NO_SERVER, NoServer, SmtpMailer};
use crate::output::locale;
use anyhow::{Result, bail};
use clap::{Subcommand, ValueEnum};
use pacer_app::cache::Caches;
use pacer_app::churn::SeriesCache;
use pacer_app::digest::{Outcome, Sending, find_reader, preview, send, week_of};
use pacer_i18n::tr;

/// `pacer digest`.
#[derive(Subcommand)]
pub enum DigestCommand {
    /// A person's digest of a week, as it would be sent.
    Preview {
        /// The person: a user name or an e-mail address.
        user: String,
        /// text or html.
        #[arg(long, value_enum, default_value_t = Part::Text)]
        format: Part,
        /// The ISO week, e.g. 2026-W49 [default: the one in progress, in the organisation's time zone].
        #[arg(long)]
        week: Option<String>,
    },
    /// Send the week's digest to every active person with an e-mail address who has not opted out
    /// and has not had it yet (smtp_url and smtp_from in pacer.toml, or PACER_SMTP_URL and
    /// PACER_SMTP_FROM). Exits non-zero when any could not be sent.
    Send {
        /// The ISO week, e.g. 2026-W49 [default: the one in progress, in the organisation's time zone].
        #[arg(long)]
        week: Option<String>,
        /// Say who would get it, sending and recording nothing.
        #[arg(long)]
        dry_run: bool,
    },
}

/// A part of the message.
#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Part {
    /// The plain-text part.
    Text,
    /// The HTML part.
    Html,
}

/// `pacer digest ...`.
pub async fn digest(ctx: &Context, cmd: DigestCommand) -> Result<()> {
    let store = ctx.open(DEFAULT_DATABASE).await?;
    let series = SeriesCache::default();
    let app = crate::use_cases(&store, Caches { warm: None, series: &series }).await?;
    let now = chrono::Utc::now();
    match cmd {
        DigestCommand::Preview { user, format, week } => {
            let week = week_of(&app, week.as_deref(), now)?;
            let reader = find_reader(&app, &user).await?;
            let digest = preview(&app, Some(reader.id), week, None).await?;
            let l = locale();
            match (&digest.address, digest.subscribed, digest.sections) {
                (_, false, _) => eprintln!("{}", tr!(l, "cli-digest-not-sent-opted-out", user = &reader.username)),
                (None, true, _) => eprintln!("{}", tr!(l, "cli-digest-not-sent-no-address", user = &reader.username)),
                (_, true, 0) => eprintln!("{}", tr!(l, "cli-digest-not-sent-nothing", user = &reader.username)),
                (Some(to), true, _) => eprintln!(
                    "{}",
                    tr!(l, "cli-digest-headers", reader = &digest.reader, address = to, subject = &digest.subject)
                ),
            }
            print!("{}", if format == Part::Html { digest.html() } else { digest.text() });
            Ok(())
        }
        DigestCommand::Send { week, dry_run } => {
            let week = week_of(&app, week.as_deref(), now)?;
            let sending = match ctx.file.smtp()? {
                Some(settings) => send(&app, &SmtpMailer::new(&settings)?, week, dry_run, now).await?,
                None if dry_run => send(&app, &NoServer, week, dry_run, now).await?,
                None => bail!(NO_SERVER),
            };
            report(&sending, dry_run)
        }
    }
}

/// One line per person, then the counts; an error when any could not be sent.
fn report(sending: &Sending, dry_run: bool) -> Result<()> {
    let l = locale();
    for d in &sending.deliveries {
        let to = d.address.as_deref().map(|a| format!(" <{a}>")).unwrap_or_default();
        let what = match &d.outcome {
            Outcome::Sent => l.t("cli-digest-sent"),
            Outcome::WouldSend => l.t("cli-digest-would-send"),
            Outcome::AlreadySent => l.t("cli-digest-already-sent"),
            Outcome::OptedOut => l.t("cli-digest-opted-out"),
            Outcome::NothingToSay => l.t("cli-digest-nothing"),
            Outcome::Failed(why) => tr!(l, "cli-digest-failed", why = why),
        };
        println!("{}", tr!(l, "cli-digest-line", user = &d.user, name = &d.name, to = to, what = what));
    }
    let count = |o: fn(&Outcome) -> bool| sending.count(o);
    let sent = count(|o| matches!(o, Outcome::Sent | Outcome::WouldSend));
    let already = count(|o| matches!(o, Outcome::AlreadySent));
    let failed = sending.failed();
    let verb = l.t(if dry_run { "cli-digest-would-send-count" } else { "cli-digest-sent-count" });
    let n = |c: usize| l.count(c as i64);
    println!(
        "{}",
        tr!(
            l,
            "cli-digest-week",
            week = sending.week.to_string(),
            sent = n(sent),
            verb = verb,
            already = n(already),
            opted_out = n(count(|o| matches!(o, Outcome::OptedOut))),
            nothing = n(count(|o| matches!(o, Outcome::NothingToSay))),
            failed = n(failed)
        )
    );
    if sent == 0 && failed == 0 && already > 0 {
        println!("{}", l.t("cli-digest-sent-already"));
    }
    if failed > 0 {
        bail!(
            "{}",
            tr!(l, "cli-digest-not-all-sent", count = failed, failed = n(failed), week = sending.week.to_string())
        );
    }
    Ok(())
}
