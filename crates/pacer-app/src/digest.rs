//! The weekly digest (issue 19, part 5): each person's week in short, composed as they would see
//! it. A rep reads their scorecard: progress to date, pace to year end, rank, what is missing. A
//! manager reads each team they manage: its progress against plan and who needs attention, as the
//! team dashboard ([`crate::dashboard::team`]) reads them; a leader or an admin who manages no
//! team reads the company as the leadership dashboard ([`crate::dashboard::company`]) reads it.
//!
//! The content is described once, as [`Block`]s, and written two ways from that one description:
//! plain text ([`Digest::text`]) and HTML ([`Digest::html`]), so the two parts of a message
//! never say different things. Sending records each person's week before the mail goes
//! ([`pacer_storage::DigestStore`]): a week is never sent twice, and a failed message is not
//! recorded as sent.

use crate::context::principal_of;
use crate::dashboard::{CompanyDashboard, RepStatus, TeamDashboard};
use crate::scorecard::{KpiScore, Rank, Scorecard, scorecard};
use crate::{AppError, Context};
use chrono::{DateTime, NaiveDate, Utc};
use pacer_core::access::{Role, User};
use pacer_core::digest::Week;
use pacer_core::money::{Currency, format_share};
use pacer_core::org::RepId;
use pacer_core::plan::Plan;
use pacer_i18n::Locale;
use pacer_storage::RepFilter;
use serde::Serialize;
use std::collections::HashMap;
use std::fmt::Write as _;
use std::future::Future;

/// One piece of a digest's content, which each rendering writes its own way.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "kind", rename_all = "lowercase")]
pub enum Block {
    /// A section's title.
    Heading {
        /// The words.
        text: String,
    },
    /// A sentence or a few.
    Paragraph {
        /// The words.
        text: String,
    },
    /// A table: the first column names the row, the others hold figures.
    Table {
        /// Column titles.
        headers: Vec<String>,
        /// Rows of cells, as many as the headers.
        rows: Vec<Vec<String>>,
    },
    /// A list of points, under a lead-in.
    Items {
        /// What the points are ("What is missing").
        title: String,
        /// The points.
        items: Vec<String>,
    },
}

/// One person's digest of one week.
#[derive(Debug, Clone, Serialize)]
pub struct Digest {
    /// The ISO week, e.g. `2026-W49`.
    pub week: String,
    /// The last day its figures count.
    pub as_of: NaiveDate,
    /// The reader.
    pub user_id: i64,
    /// Their name, as the digest greets them.
    pub reader: String,
    /// Where it goes: the person's own address, else their rep record's.
    pub address: Option<String>,
    /// Whether the person receives it (false: opted out).
    pub subscribed: bool,
    /// The message's subject.
    pub subject: String,
    /// How many sections of news it holds (a scorecard, a team): none means nothing to send.
    pub sections: usize,
    /// The content.
    pub blocks: Vec<Block>,
}

impl Digest {
    /// The digest as plain text: headings underlined, tables in aligned columns, points dashed.
    pub fn text(&self) -> String {
        let mut out = String::new();
        for block in &self.blocks {
            match block {
                Block::Heading { text } => {
                    let _ = writeln!(out, "{text}\n{}", "=".repeat(text.chars().count()));
                }
                Block::Paragraph { text } => {
                    let _ = writeln!(out, "{text}");
                }
                Block::Table { headers, rows } => {
                    let width = |i: usize| {
                        let cells = rows.iter().map(move |r| r.get(i).map_or(0, |c| c.chars().count()));
                        cells.chain([headers[i].chars().count()]).max().unwrap_or(0)
                    };
                    let widths: Vec<usize> = (0..headers.len()).map(width).collect();
                    for row in std::iter::once(headers).chain(rows) {
                        let cells: Vec<String> = row
                            .iter()
                            .zip(&widths)
                            .enumerate()
                            .map(|(i, (c, w))| if i == 0 { format!("{c:<w$}") } else { format!("{c:>w$}") })
                            .collect();
                        let _ = writeln!(out, "{}", cells.join("   ").trim_end());
                    }
                }
                Block::Items { title, items } => {
                    let _ = writeln!(out, "{title}:");
                    for item in items {
                        let _ = writeln!(out, "- {item}");
                    }
                }
            }
            out.push('\n');
        }
        out.trim_end().to_string() + "\n"
    }

    /// The digest as an HTML fragment (what a page shows inside its own layout).
    pub fn html_body(&self) -> String {
        let mut out = String::new();
        let cell = "padding:4px 10px;border-bottom:1px solid #ddd";
        for block in &self.blocks {
            match block {
                Block::Heading { text } => {
                    let _ = write!(out, "<h2 style=\"font-size:1.2em;margin:1.2em 0 0.4em\">{}</h2>", escape(text));
                }
                Block::Paragraph { text } => {
                    let _ = write!(out, "<p>{}</p>", escape(text));
                }
                Block::Table { headers, rows } => {
                    out.push_str("<table style=\"border-collapse:collapse\"><thead><tr>");
                    for (i, h) in headers.iter().enumerate() {
                        let align = if i == 0 { "left" } else { "right" };
                        let _ = write!(out, "<th style=\"{cell};text-align:{align}\">{}</th>", escape(h));
                    }
                    out.push_str("</tr></thead><tbody>");
                    for row in rows {
                        out.push_str("<tr>");
                        for (i, c) in row.iter().enumerate() {
                            let (tag, align) = if i == 0 { ("th", "left") } else { ("td", "right") };
                            let _ = write!(out, "<{tag} style=\"{cell};text-align:{align}\">{}</{tag}>", escape(c));
                        }
                        out.push_str("</tr>");
                    }
                    out.push_str("</tbody></table>");
                }
                Block::Items { title, items } => {
                    let _ = write!(out, "<p>{}:</p><ul>", escape(title));
                    for item in items {
                        let _ = write!(out, "<li>{}</li>", escape(item));
                    }
                    out.push_str("</ul>");
                }
            }
        }
        out
    }

    /// The digest as a whole HTML document, the HTML part of the message.
    pub fn html(&self) -> String {
        format!(
            "<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>{}</title></head>\
             <body style=\"font-family:system-ui,sans-serif;font-size:15px;color:#222;max-width:720px\">{}</body></html>\n",
            escape(&self.subject),
            self.html_body()
        )
    }
}

/// Text made safe inside HTML elements and attribute values.
fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// The week a digest is asked for: the one named, else the one in progress in the organisation's
/// time zone.
pub fn week_of(ctx: &Context<'_>, week: Option<&str>, now: DateTime<Utc>) -> Result<Week, AppError> {
    match week {
        Some(w) => w.parse().map_err(AppError::BadRequest),
        None => Ok(Week::of(now.with_timezone(&ctx.org.time_zone).date_naive())),
    }
}

/// The digest of `user` (the caller's own without one) for `week`. An admin may read anyone's;
/// anyone else only their own: another person's is "not found", like a missing one.
pub async fn preview(ctx: &Context<'_>, user: Option<i64>, week: Week) -> Result<Digest, AppError> {
    let own = match &ctx.caller {
        pacer_core::access::Principal::User { id, .. } => Some(*id),
        pacer_core::access::Principal::Token { .. } => None,
    };
    let wanted = user.or(own).ok_or_else(|| AppError::BadRequest("name the person whose digest to show".into()))?;
    let admin = ctx.caller.role() == Some(Role::Admin);
    if !admin && Some(wanted) != own {
        return Err(AppError::NotFound(format!("no user {wanted}")));
    }
    let reader = ctx.store.user(wanted).await?;
    compose(ctx, &reader, week, &rep_emails(ctx).await?).await
}

/// A person by user name or e-mail address (their own or their rep record's), any case.
pub async fn find_reader(ctx: &Context<'_>, who: &str) -> Result<User, AppError> {
    let emails = rep_emails(ctx).await?;
    let wanted = who.trim().to_lowercase();
    ctx.store
        .users()
        .await?
        .into_iter()
        .find(|u| u.username == wanted || address_of(u, &emails).is_some_and(|a| a.to_lowercase() == wanted))
        .ok_or_else(|| AppError::NotFound(format!("no user named {who:?} or with that e-mail address")))
}

/// Every rep record's e-mail address, by rep.
async fn rep_emails(ctx: &Context<'_>) -> Result<HashMap<RepId, String>, AppError> {
    let reps = ctx.store.reps(&RepFilter::default(), ctx.today).await?;
    Ok(reps.into_iter().filter_map(|r| Some((r.id, r.email?))).collect())
}

fn address_of<'a>(user: &'a User, emails: &'a HashMap<RepId, String>) -> Option<&'a str> {
    user.address(user.rep_id.and_then(|r| emails.get(&r)).map(String::as_str))
}

/// `reader`'s digest of `week`, composed as they see Pacer, with the figures of the week's last
/// day (or today, while it is in progress).
async fn compose(
    ctx: &Context<'_>,
    reader: &User,
    week: Week,
    emails: &HashMap<RepId, String>,
) -> Result<Digest, AppError> {
    let as_of = week.as_of(ctx.today);
    let theirs = ctx.as_caller(principal_of(ctx.store, reader).await?).on(as_of);
    let mut blocks = vec![
        Block::Paragraph { text: format!("Hello {},", reader.display_name) },
        Block::Paragraph {
            text: format!("Your week {week} at {}, with the figures to {}.", ctx.org.name, as_of.format("%-d %b %Y")),
        },
    ];
    let mut sections = 0;
    if let Some(rep) = reader.rep_id
        && let Some(card) = own_scorecard(&theirs, rep, reader.role).await?
    {
        blocks.extend(scorecard_blocks(&card));
        sections += 1;
    }
    // A manager reads each team they manage (the dashboard counts the teams below it in); a
    // leader or an admin who manages none, the leadership dashboard.
    let mut teams = ctx.store.teams().await?;
    teams.retain(|t| t.active);
    let managed: Vec<_> = teams.iter().filter(|t| reader.rep_id.is_some() && t.manager_id == reader.rep_id).collect();
    let has_catalog = theirs.catalog_if_any().await?.is_some();
    if managed.is_empty() && theirs.caller.sees_everything() && has_catalog {
        blocks.extend(company_blocks(&crate::dashboard::company(&theirs).await?));
        sections += 1;
    }
    if has_catalog {
        for team in managed {
            match crate::dashboard::team(&theirs, team.id).await {
                Ok(board) => blocks.extend(team_blocks(&board)),
                // A manager of record whose role reads no dashboard (a rep) gets none.
                Err(AppError::Forbidden | AppError::NotFound(_)) => continue,
                Err(e) => return Err(e),
            }
            sections += 1;
        }
    }
    if sections == 0 {
        blocks.push(Block::Paragraph { text: "Pacer has nothing to tell you this week.".into() });
    }
    blocks.push(Block::Paragraph {
        text: format!(
            "This digest comes every {} ({}). To stop it, untick the weekly digest under My account in Pacer.",
            ctx.org.digest, ctx.org.time_zone
        ),
    });
    Ok(Digest {
        week: week.to_string(),
        as_of,
        user_id: reader.id,
        reader: reader.display_name.clone(),
        address: address_of(reader, emails).map(String::from),
        subscribed: reader.digest,
        subject: format!("{}: your week {week} in Pacer", ctx.org.name),
        sections,
        blocks,
    })
}

/// The reader's scorecard, when it says something: a rep's always, anyone else's (a manager's
/// own rep record) when the plan gives them a target. None without a catalog.
async fn own_scorecard(ctx: &Context<'_>, rep: RepId, role: Role) -> Result<Option<Scorecard>, AppError> {
    if ctx.catalog_if_any().await?.is_none() {
        return Ok(None);
    }
    let card = match scorecard(ctx, rep).await {
        Ok(card) => card,
        Err(AppError::NotFound(_)) => return Ok(None),
        Err(e) => return Err(e),
    };
    let targeted = card.kpis.iter().any(|k| k.year.attainment.is_some());
    Ok((role == Role::Rep || targeted).then_some(card))
}

/// What a section counts: "FY2027 to 2 Dec 2026, against the plan Base v1; amounts in USD." or
/// why there is no plan.
fn span(fiscal_year: i32, as_of: NaiveDate, plan: Option<&Plan>, note: Option<&str>, currency: Currency) -> String {
    let against = match (plan, note) {
        (Some(p), _) => format!(", against the plan {} v{}", p.name, p.version),
        (None, Some(note)) => format!(". {note}"),
        (None, None) => String::new(),
    };
    format!("FY{fiscal_year} to {}{against}; amounts in {currency}.", as_of.format("%-d %b %Y"))
}

/// A scorecard in short: per KPI the year to date against its target to date, the pace to the
/// year end, the rank in the team; then what is missing.
fn scorecard_blocks(card: &Scorecard) -> Vec<Block> {
    let mut blocks = vec![
        Block::Heading { text: "Your scorecard".into() },
        Block::Paragraph {
            text: span(card.fiscal_year, card.as_of, card.plan.as_ref(), card.note.as_deref(), card.currency),
        },
    ];
    if card.kpis.is_empty() {
        blocks.push(Block::Paragraph { text: "No KPI of the plan has a target for you yet.".into() });
        return blocks;
    }
    let headers = ["KPI", "Year to date", "Target to date", "Attainment", "Pace", "Rank in team"];
    let rows = card.kpis.iter().map(|k| kpi_row(k, card)).collect();
    blocks.push(Block::Table { headers: headers.map(String::from).to_vec(), rows });
    let missing: Vec<String> =
        card.kpis.iter().filter_map(|k| k.missing.as_ref().map(|m| format!("{}: {m}", k.name))).collect();
    if !missing.is_empty() {
        blocks.push(Block::Items { title: "What is missing".into(), items: missing });
    }
    blocks
}

fn kpi_row(k: &KpiScore, card: &Scorecard) -> Vec<String> {
    let cell = k.year.attainment.as_ref();
    vec![
        k.name.clone(),
        Locale::ENGLISH.value(&k.year.actual, card.currency),
        Locale::ENGLISH.figure(&k.unit, cell.map(|c| c.target as f64), card.currency),
        cell.and_then(|c| c.attainment.credited).map_or_else(|| "—".into(), format_share),
        k.pace.map_or_else(|| "—".into(), format_share),
        rank(&k.year.team_rank),
    ]
}

/// A team in short: its KPIs against plan, year to date; then who needs attention, from the
/// team dashboard's reading of each rep (behind, or not logging), never worked out again here.
fn team_blocks(board: &TeamDashboard) -> Vec<Block> {
    let mut blocks = vec![
        Block::Heading { text: format!("Team {}", board.name) },
        Block::Paragraph {
            text: span(
                board.year.fiscal_year,
                board.year.as_of,
                board.year.plan.as_ref(),
                board.year.note.as_deref(),
                board.year.currency,
            ),
        },
    ];
    let rows: Vec<Vec<String>> = board
        .kpis
        .iter()
        .filter_map(|k| {
            let cell = k.year.as_ref()?;
            Some(vec![
                k.name.clone(),
                Locale::ENGLISH.value(&cell.actual, board.year.currency),
                Locale::ENGLISH.figure(&k.unit, Some(cell.target as f64), board.year.currency),
                cell.attainment.credited.map_or_else(|| "—".into(), format_share),
                k.pace.map_or("—", |p| p.label()).to_string(),
            ])
        })
        .collect();
    if !rows.is_empty() {
        let headers = ["KPI", "Year to date", "Target to date", "Attainment", "Pace"];
        blocks.push(Block::Table { headers: headers.map(String::from).to_vec(), rows });
    }
    let attention: Vec<String> = board
        .reps
        .iter()
        .filter_map(|r| match r.status? {
            RepStatus::NotLogging => Some(format!("{}: not logging {}", r.name, r.missing.join(", "))),
            RepStatus::Behind => {
                // The status is the first KPI with a target's: name it and its attainment.
                let (kpi, cell) =
                    r.kpis.iter().find(|k| k.pace.is_some()).and_then(|k| Some((&k.key, k.year.as_ref()?)))?;
                let name = board.kpis.iter().find(|k| &k.key == kpi).map_or(kpi.as_str(), |k| k.name.as_str());
                let share = cell.attainment.credited.map_or_else(|| "—".into(), format_share);
                Some(format!("{}: behind on {name} ({share} of the target to date)", r.name))
            }
            RepStatus::Ahead | RepStatus::OnPace => None,
        })
        .collect();
    let standing = |s: RepStatus| board.reps.iter().filter(|r| r.status == Some(s)).count();
    blocks.push(Block::Paragraph {
        text: format!(
            "{} reps: {} ahead, {} on pace, {} behind, {} not logging.",
            board.reps.len(),
            standing(RepStatus::Ahead),
            standing(RepStatus::OnPace),
            standing(RepStatus::Behind),
            standing(RepStatus::NotLogging)
        ),
    });
    if attention.is_empty() {
        blocks.push(Block::Paragraph { text: "No one needs attention: everyone logs and is on pace or ahead.".into() });
    } else {
        blocks.push(Block::Items { title: "Who needs attention".into(), items: attention });
    }
    blocks
}

/// The company in short, as the leadership dashboard reads it: revenue against plan (new and
/// existing business apart, with the year end at the seasonal pace and the statistical forecast),
/// the teams ranked, churn against the band, and the exceptions noted in the open review.
fn company_blocks(board: &CompanyDashboard) -> Vec<Block> {
    let year = &board.year;
    let currency = year.currency;
    let mut blocks = vec![
        Block::Heading { text: "The company".into() },
        Block::Paragraph {
            text: span(year.fiscal_year, year.as_of, year.plan.as_ref(), year.note.as_deref(), currency),
        },
    ];
    let money = |x: Option<f64>| Locale::ENGLISH.figure("currency", x, currency);
    let revenue: Vec<Vec<String>> = board
        .revenue
        .iter()
        .map(|k| {
            let ytd = k.ytd.as_ref();
            vec![
                k.name.clone(),
                money(ytd.and_then(|f| f.actual)),
                money(ytd.map(|f| f.target as f64)),
                ytd.and_then(|f| f.credited).map_or_else(|| "—".into(), format_share),
                money(k.projected_year_end),
                money(k.forecast_year_end),
                money(Some(k.annual_target as f64)),
            ]
        })
        .collect();
    if !revenue.is_empty() {
        let headers = [
            "Revenue",
            "Year to date",
            "Target to date",
            "Attainment",
            "Year end, seasonal pace",
            "Statistical forecast",
            "Year's target",
        ];
        blocks.push(Block::Table { headers: headers.map(String::from).to_vec(), rows: revenue });
    }
    if let Some(kpi) = &board.ranked_on {
        let rows = board
            .teams
            .iter()
            .map(|t| {
                vec![
                    t.name.clone(),
                    t.rank.map_or_else(|| "—".into(), |n| n.to_string()),
                    t.ytd.credited.map_or_else(|| "—".into(), format_share),
                    t.pace.map_or("—", |p| p.label()).to_string(),
                ]
            })
            .collect();
        blocks.push(Block::Paragraph { text: format!("Teams ranked by {}, year to date:", kpi.name) });
        blocks.push(Block::Table { headers: ["Team", "Rank", "Attainment", "Pace"].map(String::from).to_vec(), rows });
    }
    let share = |x: Option<f64>| x.map_or_else(|| "—".into(), format_share);
    let churn: Vec<Vec<String>> = board
        .churn
        .periods
        .iter()
        .map(|p| {
            vec![
                p.label.clone(),
                share(p.annualised_customer_churn),
                p.band.map_or_else(|| "—".into(), |b| b.to_string()),
                share(p.rates.grr),
                share(p.rates.nrr),
            ]
        })
        .collect();
    if !churn.is_empty() {
        let headers = ["Churn", "Annualised", "Band", "GRR", "NRR"];
        blocks.push(Block::Table { headers: headers.map(String::from).to_vec(), rows: churn });
    }
    // The review of the quarter in progress, when it is open.
    if board.review.is_some() {
        let noted = match board.exceptions.len() {
            0 => "no exception noted yet".to_string(),
            1 => "1 exception noted".to_string(),
            n => format!("{n} exceptions noted"),
        };
        blocks.push(Block::Paragraph { text: format!("The review of {} is open: {noted}.", year.quarter.label) });
    }
    blocks
}

/// "3 of 12", or a dash.
fn rank(r: &Option<Rank>) -> String {
    match r {
        Some(Rank { rank: Some(n), of }) => format!("{n} of {of}"),
        _ => "—".into(),
    }
}

/// A message to send: to one person, with both parts.
#[derive(Debug, Clone)]
pub struct Email {
    /// The address.
    pub to: String,
    /// The person's name.
    pub to_name: String,
    /// The subject.
    pub subject: String,
    /// The plain-text part.
    pub text: String,
    /// The HTML part.
    pub html: String,
}

/// What sends messages (SMTP, in the binary). An error is a sentence for people: why this message
/// did not go.
pub trait Mailer: Sync {
    /// Sends one message.
    fn send(&self, email: &Email) -> impl Future<Output = Result<(), String>> + Send;
}

/// What became of one person's digest.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "outcome", content = "reason", rename_all = "snake_case")]
pub enum Outcome {
    /// Sent now.
    Sent,
    /// Would be sent (a dry run).
    WouldSend,
    /// Sent already for this week (or being sent by another server).
    AlreadySent,
    /// The person opted out.
    OptedOut,
    /// Nothing to tell them this week (no scorecard, no team).
    NothingToSay,
    /// Not sent, and why.
    Failed(String),
}

/// One person's line of a sending.
#[derive(Debug, Clone, Serialize)]
pub struct Delivery {
    /// Their user name.
    pub user: String,
    /// Their name.
    pub name: String,
    /// Where it went, or would go.
    pub address: Option<String>,
    /// What became of it.
    pub outcome: Outcome,
}

/// A sending of one week's digest to everyone.
#[derive(Debug, Clone, Serialize)]
pub struct Sending {
    /// The ISO week.
    pub week: String,
    /// One line per active person, by user name.
    pub deliveries: Vec<Delivery>,
}

impl Sending {
    /// How many had this outcome.
    pub fn count(&self, pick: impl Fn(&Outcome) -> bool) -> usize {
        self.deliveries.iter().filter(|d| pick(&d.outcome)).count()
    }

    /// How many could not be sent.
    pub fn failed(&self) -> usize {
        self.count(|o| matches!(o, Outcome::Failed(_)))
    }
}

/// How long a claim may stay unconfirmed before another sender takes it over: its sender
/// stopped between claiming and knowing whether the mail server took the message.
const STALE_CLAIM_S: i64 = 30 * 60;

/// Sends `week`'s digest to every active person with an e-mail address who has not opted out
/// and has not had it yet (administrators only: the command line and the server's schedule).
/// Each person's week is claimed before the message goes and confirmed once the mail server took
/// it; a message that fails is released, so that nothing is recorded as sent that was not, and
/// the others are still sent. A dry run composes and claims nothing.
pub async fn send<M: Mailer>(
    ctx: &Context<'_>,
    mailer: &M,
    week: Week,
    dry_run: bool,
    now: DateTime<Utc>,
) -> Result<Sending, AppError> {
    if ctx.caller.role() != Some(Role::Admin) {
        return Err(AppError::Forbidden);
    }
    let key = week.to_string();
    let emails = rep_emails(ctx).await?;
    let sent: HashMap<i64, bool> =
        ctx.store.digest_deliveries(&key).await?.into_iter().map(|d| (d.user_id, d.sent_at.is_some())).collect();
    let mut deliveries = Vec::new();
    for user in ctx.store.users().await?.into_iter().filter(|u| u.active) {
        let address = address_of(&user, &emails).map(String::from);
        let outcome = match (&address, user.digest) {
            (_, false) => Outcome::OptedOut,
            _ if sent.get(&user.id) == Some(&true) => Outcome::AlreadySent,
            (None, true) => Outcome::Failed(format!(
                "no e-mail address: give one with `pacer user update {} --email ...` or on their rep record",
                user.username
            )),
            (Some(to), true) => deliver(ctx, mailer, &user, to, week, dry_run, now, &emails).await,
        };
        deliveries.push(Delivery { user: user.username.clone(), name: user.display_name.clone(), address, outcome });
    }
    Ok(Sending { week: key, deliveries })
}

/// The server's schedule: once this week's digest is due (its day and hour have come in the
/// organisation's time zone), sends it to whoever has not had it ([`send`]); nothing before.
/// Several servers may ask at once: each person's week is claimed by one of them only.
pub async fn send_if_due<M: Mailer>(
    ctx: &Context<'_>,
    mailer: &M,
    now: DateTime<Utc>,
) -> Result<Option<Sending>, AppError> {
    match ctx.org.digest.due_week(now, ctx.org.time_zone) {
        Some(week) => send(ctx, mailer, week, false, now).await.map(Some),
        None => Ok(None),
    }
}

/// One person's digest: composed, claimed, sent, then confirmed or released.
#[allow(clippy::too_many_arguments)]
async fn deliver<M: Mailer>(
    ctx: &Context<'_>,
    mailer: &M,
    user: &User,
    to: &str,
    week: Week,
    dry_run: bool,
    now: DateTime<Utc>,
    emails: &HashMap<RepId, String>,
) -> Outcome {
    let digest = match compose(ctx, user, week, emails).await {
        Ok(d) => d,
        Err(e) => return Outcome::Failed(format!("the digest could not be composed: {e}")),
    };
    if digest.sections == 0 {
        return Outcome::NothingToSay;
    }
    if dry_run {
        return Outcome::WouldSend;
    }
    let key = week.to_string();
    let stale = now.timestamp() - STALE_CLAIM_S;
    match ctx.store.claim_digest(&key, user.id, to, now.timestamp(), stale).await {
        Ok(true) => {}
        Ok(false) => return Outcome::AlreadySent,
        Err(e) => return Outcome::Failed(format!("could not be recorded, so not sent: {e}")),
    }
    let email = Email {
        to: to.to_string(),
        to_name: user.display_name.clone(),
        subject: digest.subject.clone(),
        text: digest.text(),
        html: digest.html(),
    };
    match mailer.send(&email).await {
        Ok(()) => match ctx.store.confirm_digest(&key, user.id, Utc::now().timestamp()).await {
            Ok(()) => Outcome::Sent,
            // The mail went; the claim stays, so it is not sent again.
            Err(e) => Outcome::Failed(format!("sent, but not recorded as sent: {e}")),
        },
        Err(why) => {
            let _ = ctx.store.release_digest(&key, user.id).await;
            Outcome::Failed(why)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn digest(blocks: Vec<Block>) -> Digest {
        Digest {
            week: "2026-W49".into(),
            as_of: "2026-12-02".parse().unwrap(),
            user_id: 1,
            reader: "Ann <Lee>".into(),
            address: Some("ann@acme.example".into()),
            subscribed: true,
            subject: "Acme: your week".into(),
            sections: 1,
            blocks,
        }
    }

    #[test]
    fn one_description_is_written_as_text_and_as_html() {
        let d = digest(vec![
            Block::Paragraph { text: "Hello Ann <Lee>,".into() },
            Block::Heading { text: "Your scorecard".into() },
            Block::Table {
                headers: vec!["KPI".into(), "Year to date".into()],
                rows: vec![vec!["Calls".into(), "1,234".into()], vec!["New business".into(), "$5.00".into()]],
            },
            Block::Items { title: "What is missing".into(), items: vec!["Calls: not logged".into()] },
        ]);
        assert_eq!(
            d.text(),
            "Hello Ann <Lee>,\n\nYour scorecard\n==============\n\nKPI            Year to date\nCalls                 1,234\n\
             New business          $5.00\n\nWhat is missing:\n- Calls: not logged\n"
        );
        let html = d.html();
        assert!(html.contains("<p>Hello Ann &lt;Lee&gt;,</p>"), "{html}");
        assert!(html.contains(">Your scorecard</h2>") && html.contains(">1,234</td>"));
        assert!(html.contains("<li>Calls: not logged</li>") && html.contains("<title>Acme: your week</title>"));
        assert_eq!(html.matches("<tr>").count(), 3);
    }
}
