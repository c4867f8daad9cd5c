//! The weekly digest's preview: "My digest" for everyone signed in (`/digest`), anyone's for
//! admins (`/digest?user=ID`): the HTML part as the message shows it, and its plain-text part.

use super::layout::{self, Frame};
use super::{PageQuery, PageResult};
use crate::AppState;
use crate::auth::Caller;
use axum::extract::{Extension, State};
use maud::{Markup, PreEscaped, html};
use pacer_app::digest::{preview, week_of};
use pacer_i18n::tr;
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
    // One's own digest in the language of the page; someone else's (an admin's preview) in the
    // language it is sent in, theirs.
    let own = match (&frame.principal, q.user) {
        (_, None) => true,
        (pacer_core::access::Principal::User { id, .. }, Some(user)) => *id == user,
        _ => false,
    };
    let digest = preview(&ctx, q.user, week, own.then_some(frame.locale)).await?;
    let title = tr!(frame.locale, "digest-title", reader = &digest.reader);
    let body = html! {
        h1 { (title) }
        p.muted {
            (tr!(frame.locale, "digest-week", week = &digest.week)) " · "
            @match (&digest.address, digest.subscribed) {
                (_, false) => (frame.t("digest-opted-out")),
                (Some(address), true) => { (tr!(frame.locale, "digest-goes-to", address = address)) }
                (None, true) => (frame.t("digest-no-address")),
            }
            @if digest.sections == 0 { " · " (frame.t("digest-nothing")) }
        }
        div.card.scroll { p.muted { (tr!(frame.locale, "digest-subject", subject = &digest.subject)) } (PreEscaped(digest.html_body())) }
        div.card { details { summary { (frame.t("digest-plain-text")) } pre { (digest.text()) } } }
    };
    Ok(layout::page(&frame, &title, body))
}
