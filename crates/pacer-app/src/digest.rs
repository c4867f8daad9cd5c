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
use pacer_core::attainment::Pace;
use pacer_core::churn::BandLevel;
use pacer_core::digest::Week;
use pacer_core::language::Language;
use pacer_core::money::Currency;
use pacer_core::org::{Organisation, RepId};
use pacer_core::plan::Plan;
use pacer_i18n::{Locale, tr};
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

/// The language a person's digest is written in: their own, else the organisation's, else English
/// (a message has no browser to ask).
pub fn reader_locale(reader: &User, org: &Organisation) -> Locale {
    Locale::from(Language::choose(reader.language, org.language, None))
}

/// The digest of `user` (the caller's own without one) for `week`, in `locale` (a page's), else
/// in the language it is sent in ([`reader_locale`]). An admin may read anyone's; anyone else
/// only their own: another person's is "not found", like a missing one.
pub async fn preview(
    ctx: &Context<'_>,
    user: Option<i64>,
    week: Week,
    locale: Option<Locale>,
) -> Result<Digest, AppError> {
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
    let locale = locale.unwrap_or_else(|| reader_locale(&reader, &ctx.org));
    compose(ctx, &reader, week, &rep_emails(ctx).await?, locale).await
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

/// `reader`'s digest of `week` in `l`, composed as they see Pacer, with the figures of the week's
/// last day (or today, while it is in progress).
async fn compose(
    ctx: &Context<'_>,
    reader: &User,
    week: Week,
    emails: &HashMap<RepId, String>,
    l: Locale,
) -> Result<Digest, AppError> {
    let as_of = week.as_of(ctx.today);
    let theirs = ctx.as_caller(principal_of(ctx.store, reader).await?).on(as_of).in_locale(l);
    let words = Words { l, org: &ctx.org };
    let mut blocks = vec![
        Block::Paragraph { text: tr!(l, "digest-hello", name = &reader.display_name) },
        Block::Paragraph {
            text: tr!(l, "digest-intro", week = week.to_string(), org = &ctx.org.name, day = l.date(as_of)),
        },
    ];
    let mut sections = 0;
    if let Some(rep) = reader.rep_id
        && let Some(card) = own_scorecard(&theirs, rep, reader.role).await?
    {
        blocks.extend(scorecard_blocks(&words, &card));
        sections += 1;
    }
    // A manager reads each team they manage (the dashboard counts the teams below it in); a
    // leader or an admin who manages none, the leadership dashboard.
    let mut teams = ctx.store.teams().await?;
    teams.retain(|t| t.active);
    let managed: Vec<_> = teams.iter().filter(|t| reader.rep_id.is_some() && t.manager_id == reader.rep_id).collect();
    let has_catalog = theirs.catalog_if_any().await?.is_some();
    if managed.is_empty() && theirs.caller.sees_everything() && has_catalog {
        blocks.extend(company_blocks(&words, &crate::dashboard::company(&theirs).await?));
        sections += 1;
    }
    if has_catalog {
        for team in managed {
            match crate::dashboard::team(&theirs, team.id).await {
                Ok(board) => blocks.extend(team_blocks(&words, &board)),
                // A manager of record whose role reads no dashboard (a rep) gets none.
                Err(AppError::Forbidden | AppError::NotFound(_)) => continue,
                Err(e) => return Err(e),
            }
            sections += 1;
        }
    }
    if sections == 0 {
        blocks.push(Block::Paragraph { text: l.t("digest-nothing-to-tell") });
    }
    // A Monday, to name the schedule's day of the week.
    let monday = NaiveDate::from_isoywd_opt(2026, 1, chrono::Weekday::Mon).unwrap_or_default();
    let day = monday + chrono::Days::new(u64::from(ctx.org.digest.day.num_days_from_monday()));
    blocks.push(Block::Paragraph {
        text: tr!(
            l,
            "digest-footer",
            day = l.weekday(day),
            time = format!("{:02}:00", ctx.org.digest.hour),
            zone = ctx.org.time_zone.to_string()
        ),
    });
    Ok(Digest {
        week: week.to_string(),
        as_of,
        user_id: reader.id,
        reader: reader.display_name.clone(),
        address: address_of(reader, emails).map(String::from),
        subscribed: reader.digest,
        subject: tr!(l, "digest-mail-subject", org = &ctx.org.name, week = week.to_string()),
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

/// What the digest's sections write in the reader's language.
struct Words<'a> {
    l: Locale,
    org: &'a Organisation,
}

impl Words<'_> {
    /// A share as a whole percentage (`87%` / `87 %`), or a dash.
    fn share(&self, x: Option<f64>) -> String {
        x.map_or_else(|| "—".into(), |x| self.l.percent(x, 0))
    }

    /// A pace's words, or a dash.
    fn pace(&self, pace: Option<Pace>) -> String {
        match pace {
            Some(Pace::Ahead) => self.l.t("dashboard-pace-ahead"),
            Some(Pace::OnPace) => self.l.t("dashboard-pace-on"),
            Some(Pace::Behind) => self.l.t("dashboard-pace-behind"),
            None => "—".into(),
        }
    }

    /// A fiscal period from its stable name (`FY2027-Q4`), else the label the use case wrote.
    fn period(&self, name: &str, label: &str) -> String {
        self.org.calendar.parse_period(name).map_or_else(|_| label.to_owned(), |p| self.l.period(&p))
    }

    /// What a section counts: "FY2027 to Dec 2, 2026, against the plan Base v1; amounts in
    /// USD." or why there is no plan.
    fn span(
        &self,
        fiscal_year: i32,
        as_of: NaiveDate,
        plan: Option<&Plan>,
        note: Option<&str>,
        currency: Currency,
    ) -> String {
        let l = self.l;
        let year = tr!(l, "period-year", fy = fiscal_year.to_string());
        let (day, currency) = (l.date(as_of), currency.to_string());
        match (plan, note) {
            (Some(p), _) => tr!(
                l,
                "digest-span-plan",
                year = year,
                day = day,
                plan = &p.name,
                version = p.version.to_string(),
                currency = currency
            ),
            (None, Some(_)) => {
                let note = tr!(l, "dashboard-no-plan", year = year.as_str());
                tr!(l, "digest-span-note", year = year, day = day, note = note, currency = currency)
            }
            (None, None) => tr!(l, "digest-span", year = year, day = day, currency = currency),
        }
    }
}

/// The columns of a table of KPIs against plan (a rep's adds their rank).
const KPI_COLUMNS: [&str; 5] = [
    "digest-col-kpi",
    "digest-col-year-to-date",
    "digest-col-target-to-date",
    "digest-col-attainment",
    "digest-col-pace",
];

/// A scorecard in short: per KPI the year to date against its target to date, the pace to the
/// year end, the rank in the team; then what is missing.
fn scorecard_blocks(w: &Words<'_>, card: &Scorecard) -> Vec<Block> {
    let l = w.l;
    let mut blocks = vec![
        Block::Heading { text: l.t("digest-your-scorecard") },
        Block::Paragraph {
            text: w.span(card.fiscal_year, card.as_of, card.plan.as_ref(), card.note.as_deref(), card.currency),
        },
    ];
    if card.kpis.is_empty() {
        blocks.push(Block::Paragraph { text: l.t("digest-no-kpi") });
        return blocks;
    }
    let headers = KPI_COLUMNS.iter().chain(&["digest-col-rank"]).map(|h| l.t(h)).collect();
    let rows = card.kpis.iter().map(|k| kpi_row(w, k, card)).collect();
    blocks.push(Block::Table { headers, rows });
    let missing: Vec<String> = card
        .kpis
        .iter()
        .filter_map(|k| k.missing.as_ref().map(|m| tr!(l, "digest-item", name = &k.name, text = m)))
        .collect();
    if !missing.is_empty() {
        blocks.push(Block::Items { title: l.t("digest-missing"), items: missing });
    }
    blocks
}

fn kpi_row(w: &Words<'_>, k: &KpiScore, card: &Scorecard) -> Vec<String> {
    let cell = k.year.attainment.as_ref();
    vec![
        k.name.clone(),
        w.l.value(&k.year.actual, card.currency),
        w.l.figure(&k.unit, cell.map(|c| c.target as f64), card.currency),
        w.share(cell.and_then(|c| c.attainment.credited)),
        w.share(k.pace),
        rank(w.l, &k.year.team_rank),
    ]
}

/// A team in short: its KPIs against plan, year to date; then who needs attention, from the
/// team dashboard's reading of each rep (behind, or not logging), never worked out again here.
fn team_blocks(w: &Words<'_>, board: &TeamDashboard) -> Vec<Block> {
    let l = w.l;
    let mut blocks = vec![
        Block::Heading { text: tr!(l, "digest-team", team = &board.name) },
        Block::Paragraph {
            text: w.span(
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
                l.value(&cell.actual, board.year.currency),
                l.figure(&k.unit, Some(cell.target as f64), board.year.currency),
                w.share(cell.attainment.credited),
                w.pace(k.pace),
            ])
        })
        .collect();
    if !rows.is_empty() {
        blocks.push(Block::Table { headers: KPI_COLUMNS.map(|h| l.t(h)).to_vec(), rows });
    }
    let attention: Vec<String> = board
        .reps
        .iter()
        .filter_map(|r| match r.status? {
            RepStatus::NotLogging => Some(tr!(l, "digest-not-logging", name = &r.name, kpis = r.missing.join(", "))),
            RepStatus::Behind => {
                // The status is the first KPI with a target's: name it and its attainment.
                let (kpi, cell) =
                    r.kpis.iter().find(|k| k.pace.is_some()).and_then(|k| Some((&k.key, k.year.as_ref()?)))?;
                let name = board.kpis.iter().find(|k| &k.key == kpi).map_or(kpi.as_str(), |k| k.name.as_str());
                let share = w.share(cell.attainment.credited);
                Some(tr!(l, "digest-behind", name = &r.name, kpi = name, share = share))
            }
            RepStatus::Ahead | RepStatus::OnPace => None,
        })
        .collect();
    let standing = |s: RepStatus| l.count(board.reps.iter().filter(|r| r.status == Some(s)).count() as i64);
    blocks.push(Block::Paragraph {
        text: tr!(
            l,
            "digest-standing",
            count = board.reps.len(),
            reps = l.count(board.reps.len() as i64),
            ahead = standing(RepStatus::Ahead),
            on_pace = standing(RepStatus::OnPace),
            behind = standing(RepStatus::Behind),
            not_logging = standing(RepStatus::NotLogging)
        ),
    });
    if attention.is_empty() {
        blocks.push(Block::Paragraph { text: l.t("digest-no-attention") });
    } else {
        blocks.push(Block::Items { title: l.t("digest-attention"), items: attention });
    }
    blocks
}

/// The company in short, as the leadership dashboard reads it: revenue against plan (new and
/// existing business apart, with the year end at the seasonal pace and the statistical forecast),
/// the teams ranked, churn against the band, and the exceptions noted in the open review.
fn company_blocks(w: &Words<'_>, board: &CompanyDashboard) -> Vec<Block> {
    let l = w.l;
    let year = &board.year;
    let currency = year.currency;
    let mut blocks = vec![
        Block::Heading { text: l.t("digest-company") },
        Block::Paragraph {
            text: w.span(year.fiscal_year, year.as_of, year.plan.as_ref(), year.note.as_deref(), currency),
        },
    ];
    let money = |x: Option<f64>| l.figure("currency", x, currency);
    let revenue: Vec<Vec<String>> = board
        .revenue
        .iter()
        .map(|k| {
            let ytd = k.ytd.as_ref();
            vec![
                k.name.clone(),
                money(ytd.and_then(|f| f.actual)),
                money(ytd.map(|f| f.target as f64)),
                w.share(ytd.and_then(|f| f.credited)),
                money(k.projected_year_end),
                money(k.forecast_year_end),
                money(Some(k.annual_target as f64)),
            ]
        })
        .collect();
    if !revenue.is_empty() {
        let headers = [
            "digest-col-revenue",
            "digest-col-year-to-date",
            "digest-col-target-to-date",
            "digest-col-attainment",
            "dashboard-year-end-pace",
            "chart-forecast",
            "dashboard-annual-target",
        ];
        blocks.push(Block::Table { headers: headers.map(|h| l.t(h)).to_vec(), rows: revenue });
    }
    if let Some(kpi) = &board.ranked_on {
        let rows = board
            .teams
            .iter()
            .map(|t| {
                vec![
                    t.name.clone(),
                    t.rank.map_or_else(|| "—".into(), |n| n.to_string()),
                    w.share(t.ytd.credited),
                    w.pace(t.pace),
                ]
            })
            .collect();
        blocks.push(Block::Paragraph { text: tr!(l, "digest-teams-ranked", kpi = &kpi.name) });
        let headers = ["digest-col-team", "digest-col-rank-short", "digest-col-attainment", "digest-col-pace"];
        blocks.push(Block::Table { headers: headers.map(|h| l.t(h)).to_vec(), rows });
    }
    let share = |x: Option<f64>| w.share(x);
    let churn: Vec<Vec<String>> = board
        .churn
        .periods
        .iter()
        .map(|p| {
            vec![
                w.period(&p.name, &p.label),
                share(p.annualised_customer_churn),
                p.band.map_or_else(|| "—".into(), |b| band(l, b)),
                share(p.rates.grr),
                share(p.rates.nrr),
            ]
        })
        .collect();
    if !churn.is_empty() {
        let headers =
            [l.t("digest-col-churn"), l.t("dashboard-annualised"), l.t("dashboard-band"), "GRR".into(), "NRR".into()];
        blocks.push(Block::Table { headers: headers.to_vec(), rows: churn });
    }
    // The review of the quarter in progress, when it is open.
    if board.review.is_some() {
        let n = board.exceptions.len();
        let quarter = w.period(&year.quarter.name, &year.quarter.label);
        blocks.push(Block::Paragraph {
            text: tr!(l, "digest-review-open", quarter = quarter, count = n, shown = l.count(n as i64)),
        });
    }
    blocks
}

/// "3 of 12", or a dash.
fn rank(l: Locale, r: &Option<Rank>) -> String {
    match r {
        Some(Rank { rank: Some(n), of }) => tr!(l, "scorecard-rank", rank = n.to_string(), of = l.count(*of as i64)),
        _ => "—".into(),
    }
}

/// A churn band's level in the reader's words.
fn band(l: Locale, band: BandLevel) -> String {
    l.t(match band {
        BandLevel::Normal => "chart-zone-normal",
        BandLevel::Acceptable => "chart-zone-acceptable",
        BandLevel::High => "chart-zone-high",
    })
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
            (None, true) => Outcome::Failed(tr!(ctx.locale, "digest-failed-no-address", user = &user.username)),
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
    let digest = match compose(ctx, user, week, emails, reader_locale(user, &ctx.org)).await {
        Ok(d) => d,
        Err(e) => return Outcome::Failed(tr!(ctx.locale, "digest-failed-compose", error = e.to_string())),
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
        Err(e) => return Outcome::Failed(tr!(ctx.locale, "digest-failed-claim", error = e.to_string())),
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
            Err(e) => Outcome::Failed(tr!(ctx.locale, "digest-failed-confirm", error = e.to_string())),
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
