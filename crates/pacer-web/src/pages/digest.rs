//! The weekly digest's preview: "My digest" for everyone signed in (`/digest`), anyone's for
//! admins (`/digest?user=ID`): the HTML part as the message shows it, and its plain-text part.

use super::layout::{self, Frame};
use super::{PageQuery, PageResult};
use crate::AppState;
use crate::auth::Caller;
use axum::extract::{Extension, State};
use maud::{Markup, PreEscaped, html};
use pacer_app::digest::{preview, week_of};
use serde::Deserialize;

/// Whose digest, of which week.
#[derive(Deserialize, Default)]
pub struct DigestQuery {
    /// The person (a user id; admins only, others see their own).
    user: Option<i64>,
    /// The ISO week, e.g. 2026-W49 (default: the one in progress).
    week: Option<String>,
}

/// `/digest[?user=ID][&week=YYYY-Www]`.
pub async fn page(
    State(state): State<AppState>,
    Extension(caller): Extension<Caller>,
    PageQuery(q): PageQuery<DigestQuery>,
) -> PageResult<Markup> {
    let frame = Frame::of(&state, &caller).await?;
    let ctx = frame.context(&state);
    let week = week_of(&ctx, q.week.as_deref(), chrono::Utc::now())?;
    let digest = preview(&ctx, q.user, week).await?;
    let body = html! {
        h1 { "Weekly digest: " (digest.reader) }
        p.muted {
            "Week " (digest.week) " · "
            @match (&digest.address, digest.subscribed) {
                (_, false) => "opted out: not sent",
                (Some(address), true) => { "goes to " (address) }
                (None, true) => "no e-mail address: not sent",
            }
            @if digest.sections == 0 { " · nothing to tell this week: not sent" }
        }
        div.card.scroll { p.muted { "Subject: " (digest.subject) } (PreEscaped(digest.html_body())) }
        div.card { details { summary { "The plain-text part" } pre { (digest.text()) } } }
    };
    Ok(layout::page(&frame, &format!("Weekly digest: {}", digest.reader), body))
}
