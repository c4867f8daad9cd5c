//! The audit-log page (leaders and admins): every change, filtered.

use super::layout::{self, Frame};
use super::{PageQuery, PageResult};
use crate::AppState;
use crate::api::access::AuditQuery;
use crate::auth::Caller;
use axum::extract::{Extension, State};
use maud::{Markup, html};

/// The audit log, newest first.
pub async fn page(
    State(state): State<AppState>,
    Extension(caller): Extension<Caller>,
    PageQuery(q): PageQuery<AuditQuery>,
) -> PageResult<Markup> {
    let frame = Frame::of(&state, &caller).await?;
    let (actor, entity, entity_id, since) = (q.actor.clone(), q.entity.clone(), q.entity_id.clone(), q.since.clone());
    let entries = state.store.audit_log(&q.filter()).await?;
    let body = html! {
        h1 { "Audit log" }
        p.muted { "Every change to the organisation, users, tokens, the catalog and plans: who, when, what and why. Nothing here can be edited." }
        form.row method="get" action="/audit" {
            label { "Who" input name="actor" value=(actor.unwrap_or_default()); }
            label { "Record kind" input name="entity" placeholder="team, rep, user, token…" value=(entity.unwrap_or_default()); }
            label { "Record id" input name="entity_id" value=(entity_id.unwrap_or_default()); }
            label { "Since" input type="date" name="since" value=(since.unwrap_or_default()); }
            button type="submit" { "Filter" }
        }
        div.card.scroll { table {
            thead { tr { th { "When (UTC)" } th { "Who" } th { "What" } th { "Record" } th { "Why" } th { "Change" } } }
            tbody { @for e in &entries { tr {
                td { (e.at) } td { (e.actor) } td { code { (e.action) } } td { (e.entity) " " (e.entity_id) }
                td { (e.reason.as_deref().unwrap_or("")) }
                td { details { summary { "before / after" }
                    p { strong { "Before: " } code { (e.before.as_deref().unwrap_or("—")) } }
                    p { strong { "After: " } code { (e.after.as_deref().unwrap_or("—")) } } } }
            } } }
        } }
    };
    Ok(layout::page(&frame, "Audit log", body))
}
