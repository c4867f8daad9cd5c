//! The audit-log page (leaders and admins): every change, in words, filtered by picking who
//! and what kind of record by name.

use super::layout::{self, Frame};
use super::{PageQuery, PageResult, moment};
use crate::AppState;
use crate::api::access::AuditQuery;
use crate::api::today;
use crate::auth::Caller;
use axum::extract::{Extension, State};
use maud::{Markup, html};
use pacer_core::audit::{AuditEntry, RecordKind, action_words};
use std::collections::HashMap;

/// Who made changes, in words: users by their name, tokens as tokens, the command line.
struct Actors(Vec<(String, String)>);

impl Actors {
    async fn of(state: &AppState, entries: &[AuditEntry]) -> PageResult<Self> {
        let mut actors: Vec<(String, String)> =
            state.store.users().await?.into_iter().map(|u| (u.username, u.display_name)).collect();
        actors.sort_by(|a, b| a.1.cmp(&b.1));
        let tokens = state.store.tokens().await?;
        actors.extend(tokens.into_iter().map(|t| (format!("token:{}", t.name), format!("API token {}", t.name))));
        actors.push(("cli".into(), "The command line".into()));
        // Others (the demo loader, a user since renamed) as they are, once seen.
        for e in entries {
            if !actors.iter().any(|(name, _)| *name == e.actor) {
                actors.push((e.actor.clone(), e.actor.clone()));
            }
        }
        Ok(Self(actors))
    }

    fn words<'a>(&'a self, actor: &'a str) -> &'a str {
        self.0.iter().find(|(name, _)| name == actor).map_or(actor, |(_, words)| words)
    }
}

/// The records the entries name, by kind and id: their names and pages.
#[derive(Default)]
struct Records(HashMap<(RecordKind, String), (String, Option<String>)>);

impl Records {
    async fn of(state: &AppState, frame: &Frame, entries: &[AuditEntry]) -> PageResult<Self> {
        let kinds: Vec<RecordKind> = entries.iter().filter_map(|e| e.entity.parse().ok()).collect();
        let needs = |k: RecordKind| kinds.contains(&k);
        let mut names = HashMap::new();
        let mut add = |kind: RecordKind, id: String, name: String, href: Option<String>| {
            names.insert((kind, id), (name, href));
        };
        if needs(RecordKind::Team) {
            for t in state.store.teams().await? {
                add(RecordKind::Team, t.id.to_string(), t.name, Some(format!("/teams/{}", t.id)));
            }
        }
        if needs(RecordKind::Rep) {
            for r in state.store.reps(&pacer_storage::RepFilter::default(), today()).await? {
                add(RecordKind::Rep, r.id.to_string(), r.name, Some(format!("/reps/{}", r.id)));
            }
        }
        if needs(RecordKind::User) {
            for u in state.store.users().await? {
                add(RecordKind::User, u.id.to_string(), u.display_name, None);
            }
        }
        if needs(RecordKind::Token) {
            for t in state.store.tokens().await? {
                add(RecordKind::Token, t.id.to_string(), t.name, None);
            }
        }
        if needs(RecordKind::Plan) {
            for p in state.store.plans(None).await? {
                add(
                    RecordKind::Plan,
                    p.id.to_string(),
                    format!("{} v{}", p.name, p.version),
                    Some(format!("/plans/{}", p.id)),
                );
            }
        }
        if needs(RecordKind::Review) {
            for r in state.store.reviews(None).await? {
                let label = frame.org.calendar.parse_period(&r.period).map_or(r.period.clone(), |p| p.label());
                add(RecordKind::Review, r.id.to_string(), label, Some(format!("/reviews/{}", r.period)));
            }
        }
        if needs(RecordKind::ChurnEvent) {
            // A churn event is stored as `ACCOUNT@YYYY-MM`: the account's name and the month.
            let accounts: HashMap<String, String> =
                state.store.accounts().await?.into_iter().map(|a| (a.id.to_string(), a.name)).collect();
            for e in entries.iter().filter(|e| e.entity == RecordKind::ChurnEvent.as_str()) {
                if let Some((account, month)) = e.entity_id.split_once('@') {
                    let name = accounts.get(account).map_or_else(|| format!("account {account}"), Clone::clone);
                    let month = chrono::NaiveDate::parse_from_str(&format!("{month}-01"), "%Y-%m-%d")
                        .map_or(month.to_owned(), |d| d.format("%b %Y").to_string());
                    add(RecordKind::ChurnEvent, e.entity_id.clone(), format!("{name}, {month}"), None);
                }
            }
        }
        Ok(Self(names))
    }

    /// The record of an entry in words: its kind, and its name where it has one.
    fn show(&self, e: &AuditEntry) -> Markup {
        let Ok(kind) = e.entity.parse::<RecordKind>() else { return html! { (e.entity) " " (e.entity_id) } };
        let filter = serde_urlencoded::to_string([("entity", e.entity.as_str()), ("entity_id", e.entity_id.as_str())])
            .unwrap_or_default();
        html! {
            (kind.words()) " "
            @match self.0.get(&(kind, e.entity_id.clone())) {
                Some((name, Some(href))) => { a href=(href) { (name) } },
                Some((name, None)) => { (name) },
                // Versions, files and rates are named by their id; the organisation and a batch
                // of records need none.
                None => @if kind != RecordKind::Organisation && e.entity_id != "batch" { (e.entity_id) },
            }
            " " a.muted href=(format!("/audit?{filter}")) title="Only the changes to this record" { "(history)" }
        }
    }
}

/// The audit log, newest first.
pub async fn page(
    State(state): State<AppState>,
    Extension(caller): Extension<Caller>,
    PageQuery(q): PageQuery<AuditQuery>,
) -> PageResult<Markup> {
    let frame = Frame::of(&state, &caller).await?;
    let (actor, entity, entity_id, since) = (q.actor.clone(), q.entity.clone(), q.entity_id.clone(), q.since.clone());
    let entries = state.store.audit_log(&q.filter()).await?;
    let actors = Actors::of(&state, &entries).await?;
    let records = Records::of(&state, &frame, &entries).await?;
    let chosen_kind = entity.as_deref().and_then(|e| e.parse::<RecordKind>().ok());
    let body = html! {
        h1 { "Audit log" }
        p.muted { "Every change to the organisation, users, tokens, the catalog and plans: who, when, what and why. Nothing here can be edited." }
        form.row.filters method="get" action="/audit" {
            label { "Who" select name="actor" {
                option value="" { "Anyone" }
                @for (name, words) in &actors.0 { option value=(name) selected[actor.as_deref() == Some(name.as_str())] { (words) } }
            } }
            label { "Record kind" select name="entity" {
                option value="" { "Any" }
                @for k in RecordKind::ALL { option value=(k.as_str()) selected[chosen_kind == Some(*k)] { (k.words()) } }
            } }
            label { "Since" input type="date" name="since" value=(since.unwrap_or_default()); }
            button type="submit" { "Filter" }
        }
        @if let (Some(kind), Some(id)) = (chosen_kind, &entity_id) {
            p { "Only the changes to one " (kind.words().to_lowercase()) ": "
                @match records.0.get(&(kind, id.clone())) { Some((name, _)) => strong { (name) }, None => strong { (id) } }
                ". " a href="/audit" { "Show every change" } }
        }
        div.card.scroll { table {
            thead { tr { th { "When (UTC)" } th { "Who" } th { "What" } th { "Record" } th { "Why" } th { "Change" } } }
            tbody { @for e in &entries { tr {
                td { (moment(frame.locale, &e.at)) } td { (actors.words(&e.actor)) } td { (action_words(&e.action)) } td { (records.show(e)) }
                td { (e.reason.as_deref().unwrap_or("")) }
                td { details { summary { "before / after" }
                    p { strong { "Before: " } code { (e.before.as_deref().unwrap_or("—")) } }
                    p { strong { "After: " } code { (e.after.as_deref().unwrap_or("—")) } } } }
            } } }
        } }
    };
    Ok(layout::page(&frame, "Audit log", body))
}
