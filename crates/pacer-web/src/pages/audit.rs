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
use pacer_core::audit::{AuditAction, AuditEntry, RecordKind};
use pacer_i18n::{Locale, tr};
use std::collections::HashMap;

/// A kind of record in the reader's language.
pub fn kind_words(locale: Locale, kind: RecordKind) -> String {
    locale.t(&format!("audit-kind-{}", kind.as_str().replace('_', "-")))
}

/// An action as stored, in the reader's language; one Pacer does not know (written by another
/// version) as it is.
pub fn action_words(locale: Locale, action: &str) -> String {
    match action.parse::<AuditAction>() {
        Ok(known) => locale.t(&format!("audit-action-{}", known.as_str().replace(['.', '_'], "-"))),
        Err(_) => action.to_owned(),
    }
}

/// Who made changes, in words: users by their name, tokens as tokens, the command line.
struct Actors(Vec<(String, String)>);

impl Actors {
    async fn of(state: &AppState, locale: Locale, entries: &[AuditEntry]) -> PageResult<Self> {
        let mut actors: Vec<(String, String)> =
            state.store.users().await?.into_iter().map(|u| (u.username, u.display_name)).collect();
        actors.sort_by(|a, b| a.1.cmp(&b.1));
        let tokens = state.store.tokens().await?;
        actors.extend(
            tokens
                .into_iter()
                .map(|t| (format!("token:{}", t.name), tr!(locale, "audit-token", name = t.name.as_str()))),
        );
        actors.push(("cli".into(), locale.t("audit-command-line")));
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
                let label =
                    frame.org.calendar.parse_period(&r.period).map_or(r.period.clone(), |p| frame.locale.period(&p));
                add(RecordKind::Review, r.id.to_string(), label, Some(format!("/reviews/{}", r.period)));
            }
        }
        if needs(RecordKind::ChurnEvent) {
            // A churn event is stored as `ACCOUNT@YYYY-MM`: the account's name and the month.
            let accounts: HashMap<String, String> =
                state.store.accounts().await?.into_iter().map(|a| (a.id.to_string(), a.name)).collect();
            for e in entries.iter().filter(|e| e.entity == RecordKind::ChurnEvent.as_str()) {
                if let Some((account, month)) = e.entity_id.split_once('@') {
                    let name = accounts
                        .get(account)
                        .map_or_else(|| tr!(frame.locale, "audit-account", id = account), Clone::clone);
                    let month = chrono::NaiveDate::parse_from_str(&format!("{month}-01"), "%Y-%m-%d")
                        .map_or(month.to_owned(), |d| frame.locale.month_year(d));
                    add(RecordKind::ChurnEvent, e.entity_id.clone(), format!("{name}, {month}"), None);
                }
            }
        }
        Ok(Self(names))
    }

    /// The record of an entry in words: its kind, and its name where it has one.
    fn show(&self, locale: Locale, e: &AuditEntry) -> Markup {
        let Ok(kind) = e.entity.parse::<RecordKind>() else { return html! { (e.entity) " " (e.entity_id) } };
        let filter = serde_urlencoded::to_string([("entity", e.entity.as_str()), ("entity_id", e.entity_id.as_str())])
            .unwrap_or_default();
        html! {
            (kind_words(locale, kind)) " "
            @match self.0.get(&(kind, e.entity_id.clone())) {
                Some((name, Some(href))) => { a href=(href) { (name) } },
                Some((name, None)) => { (name) },
                // Versions, files and rates are named by their id; the organisation and a batch
                // of records need none.
                None => @if kind != RecordKind::Organisation && e.entity_id != "batch" { (e.entity_id) },
            }
            " " a.muted href=(format!("/audit?{filter}")) title=(locale.t("audit-history.title")) { (locale.t("audit-history")) }
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
    let actors = Actors::of(&state, frame.locale, &entries).await?;
    let records = Records::of(&state, &frame, &entries).await?;
    let chosen_kind = entity.as_deref().and_then(|e| e.parse::<RecordKind>().ok());
    let body = html! {
        h1 { (frame.t("audit-title")) }
        p.muted { (frame.t("audit-intro")) }
        form.row.filters method="get" action="/audit" {
            label { (frame.t("audit-who")) select name="actor" {
                option value="" { (frame.t("audit-anyone")) }
                @for (name, words) in &actors.0 { option value=(name) selected[actor.as_deref() == Some(name.as_str())] { (words) } }
            } }
            label { (frame.t("audit-record-kind")) select name="entity" {
                option value="" { (frame.t("audit-any")) }
                @for k in RecordKind::ALL { option value=(k.as_str()) selected[chosen_kind == Some(*k)] { (kind_words(frame.locale, *k)) } }
            } }
            label { (frame.t("audit-since")) input type="date" name="since" value=(since.unwrap_or_default()); }
            button type="submit" { (frame.t("audit-filter")) }
        }
        @if let (Some(kind), Some(id)) = (chosen_kind, &entity_id) {
            p { (tr!(frame.locale, "audit-only-one", kind = kind_words(frame.locale, kind).to_lowercase())) " "
                @match records.0.get(&(kind, id.clone())) { Some((name, _)) => strong { (name) }, None => strong { (id) } }
                ". " a href="/audit" { (frame.t("audit-show-all")) } }
        }
        div.card.scroll { table {
            thead { tr { th { (frame.t("audit-when")) } th { (frame.t("audit-who")) } th { (frame.t("audit-what")) } th { (frame.t("audit-record")) } th { (frame.t("audit-why")) } th { (frame.t("audit-change")) } } }
            tbody { @for e in &entries { tr {
                td { (moment(frame.locale, &e.at)) } td { (actors.words(&e.actor)) } td { (action_words(frame.locale, &e.action)) } td { (records.show(frame.locale, e)) }
                td { (e.reason.as_deref().unwrap_or("")) }
                td { details { summary { (frame.t("audit-before-after")) }
                    p { strong { (frame.t("audit-before")) " " } code { (e.before.as_deref().unwrap_or("—")) } }
                    p { strong { (frame.t("audit-after")) " " } code { (e.after.as_deref().unwrap_or("—")) } } } }
            } } }
        } }
    };
    Ok(layout::page(&frame, &frame.t("audit-title"), body))
}

#[cfg(test)]
mod tests {
    use super::{action_words, kind_words};
    use pacer_core::audit::{AuditAction, RecordKind};
    use pacer_i18n::Locale;

    /// Every kind of record and every action has its words in each language.
    #[test]
    fn every_kind_and_action_has_words_in_each_language() {
        for locale in [Locale::ENGLISH, Locale::FRENCH] {
            for kind in RecordKind::ALL {
                assert!(!kind_words(locale, *kind).starts_with("audit-"), "{kind:?} in {}", locale.tag());
            }
            for action in AuditAction::ALL {
                assert!(!action_words(locale, action.as_str()).starts_with("audit-"), "{action:?} in {}", locale.tag());
            }
        }
        assert_eq!(kind_words(Locale::ENGLISH, RecordKind::ChurnEvent), RecordKind::ChurnEvent.words());
        assert_eq!(action_words(Locale::ENGLISH, "plan.targets.put"), "Plan targets changed");
        assert_eq!(action_words(Locale::FRENCH, "plan.targets.put"), "Objectifs du plan modifiés");
        assert_eq!(action_words(Locale::FRENCH, "made.up"), "made.up");
        for action in AuditAction::ALL {
            assert_eq!(action_words(Locale::ENGLISH, action.as_str()), action.words());
        }
    }
}
