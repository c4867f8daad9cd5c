//! The pipeline stages settings page (admins): the stages in funnel order, the open deals in
//! stages they do not map with a one-click alias and the TOML lines to add, and the whole
//! setting as TOML to edit.

use super::layout::{self, Frame};
use super::{Notice, PageForm, PageQuery, PageResult, filled, notice, redirect_with_notice};
use crate::AppState;
use crate::auth::Caller;
use axum::extract::{Extension, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use maud::{Markup, html};
use pacer_app::AppError;
use pacer_app::stages::{self, StagesSaved, StagesView};
use pacer_core::audit::Actor;
use pacer_core::pipeline::{UnmappedStage, proposed_stages, unmapped_note};
use serde::Deserialize;

/// The stages page.
pub async fn page(
    State(state): State<AppState>,
    Extension(caller): Extension<Caller>,
    PageQuery(n): PageQuery<Notice>,
) -> PageResult<Markup> {
    let frame = Frame::of(&state, &caller).await?;
    let ctx = frame.context(&state);
    let view = stages::stages_view(&ctx).await?;
    let toml = ctx.org.pipeline_stages.to_toml();
    Ok(render(&frame, &view, &toml, None, &n))
}

fn render(frame: &Frame, view: &StagesView, toml: &str, error: Option<&str>, n: &Notice) -> Markup {
    let body = html! {
        (notice(n))
        h1 { "Pipeline stages" }
        p.muted {
            "The stages of a deal in funnel order. Open stages place open deals in the pipeline by their probability "
            "and forecast category; won and lost stages let an import read a CRM's names (“Closed Won”) as a status. "
            "Names and aliases are matched ignoring case, spaces and punctuation, so "
            code { "contractsent" } " is “Contract Sent”."
        }
        @if let Some(note) = unmapped_note(&view.unmapped, frame.org.currency) {
            div.card.warning {
                h2 { "Open deals in stages not mapped" }
                p { (note) ". They are in no pipeline figure until their stage is mapped." }
                div.scroll { table {
                    thead { tr { th { "Stage in the deals" } th.num { "Open deals" } th.num { "Amount (" (frame.org.currency) ")" } th { "Map it" } } }
                    tbody { @for u in &view.unmapped { tr {
                        td { (u.stage) }
                        td.num { (u.deals) }
                        td.num { (frame.money(u.amount_minor)) }
                        td { form.row method="post" action="/stages/alias" {
                            (frame.csrf_field())
                            input type="hidden" name="alias" value=(u.stage);
                            label { "Add as alias of "
                                select name="stage" { @for s in &view.stages { option value=(s.name) { (s.name) } } }
                            }
                            button type="submit" { "Add" }
                        } }
                    } } }
                } }
                p { "Or add them as stages of their own: these lines, placed in funnel order with their real probability and category." }
                pre { code { (view.proposed_toml) } }
            }
        }
        div.card.scroll { table {
            thead { tr { th.num { "Order" } th { "Name" } th { "Kind" } th.num { "Probability" } th { "Category" } th { "Aliases" } } }
            tbody { @for (i, s) in view.stages.iter().enumerate() { tr {
                td.num { (i + 1) }
                td { strong { (s.name) } }
                td { (s.kind) }
                td.num { (s.probability_percent) "%" }
                td { @match s.category { Some(c) => (c.words()), None => span.muted { "none" } } }
                td { @for (j, a) in s.aliases.iter().enumerate() { @if j > 0 { ", " } code { (a) } } }
            } } }
        } }
        div.card {
            h2 { "Edit the stages" }
            p.muted {
                "One " code { "[[stage]]" } " table per stage, in funnel order: " code { "name" } ", "
                code { "kind" } " (" code { "open" } ", " code { "won" } " or " code { "lost" } "; open when left out), " code { "probability" } " (0 to 100) and "
                code { "category" } " (" code { "pipeline" } ", " code { "best_case" } " or " code { "commit" } ") for open stages, " code { "aliases" } " (CRM names). "
                "The same file works with " code { "pacer stages set FILE" } "."
            }
            @if let Some(e) = error { div.error role="alert" { "Not saved: " (e) } }
            form.stack.wide method="post" action="/stages" {
                (frame.csrf_field())
                label { "stages.toml" textarea name="toml" rows="18" required { (toml) } }
                label { "Reason (audit log)" input name="reason"; }
                button type="submit" { "Check and save" }
            }
        }
    };
    layout::page(frame, "Pipeline stages", body)
}

/// The edited stages.
#[derive(Deserialize)]
pub struct StagesForm {
    toml: String,
    reason: Option<String>,
}

/// Replaces the stages with the submitted TOML; a problem shows the page again with the text
/// kept and the message naming the stage.
pub async fn save(
    State(state): State<AppState>,
    Extension(caller): Extension<Caller>,
    PageForm(form): PageForm<StagesForm>,
) -> PageResult<Response> {
    let frame = Frame::of(&state, &caller).await?;
    let ctx = frame.context(&state);
    let who = Actor::named(frame.principal.actor_name()).because(filled(form.reason));
    let saved = match stages::parse_toml(&form.toml) {
        Ok(config) => stages::set_stages(&ctx, config, &who).await,
        Err(e) => Err(e),
    };
    outcome(&frame, &ctx, saved, &form.toml).await
}

/// One stage name from the deals, to add as an alias.
#[derive(Deserialize)]
pub struct AliasForm {
    stage: String,
    alias: String,
}

/// Adds a CRM's stage name as an alias of a stage.
pub async fn add_alias(
    State(state): State<AppState>,
    Extension(caller): Extension<Caller>,
    PageForm(form): PageForm<AliasForm>,
) -> PageResult<Response> {
    let frame = Frame::of(&state, &caller).await?;
    let ctx = frame.context(&state);
    let who = Actor::named(frame.principal.actor_name()).because(Some(format!("alias of {}", form.stage)));
    let saved = stages::add_alias(&ctx, &form.stage, &form.alias, &who).await;
    outcome(&frame, &ctx, saved, &ctx.org.pipeline_stages.to_toml()).await
}

/// Back to the page with what changed, or the page again with the problem (422).
async fn outcome(
    frame: &Frame,
    ctx: &pacer_app::Context<'_>,
    saved: Result<StagesSaved, AppError>,
    toml: &str,
) -> PageResult<Response> {
    match saved {
        Ok(saved) if saved.changes.is_empty() => {
            Ok(redirect_with_notice("/stages", "No change: the stages are already these."))
        }
        Ok(saved) => Ok(redirect_with_notice("/stages", &format!("Saved: {}", saved.changes.join("; ")))),
        Err(AppError::Invalid { message, .. }) => {
            let view = stages::stages_view(ctx).await?;
            let page = render(frame, &view, toml, Some(&message), &Notice::default());
            Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response())
        }
        Err(e) => Err(e.into()),
    }
}

/// What an import page says of its open deals in stages the settings do not map (imported all
/// the same), with the lines that would map them.
pub fn import_notice(unmapped: &[UnmappedStage]) -> Markup {
    html! {
        @if let Some(note) = stages::import_note(unmapped, "the Pipeline stages page (proposed lines below)") {
            div.card.warning {
                p { (note) ": " a href="/stages" { "Pipeline stages" } }
                pre { code { (proposed_stages(unmapped.iter().map(|u| u.stage.as_str()))) } }
            }
        }
    }
}

/// What the pipeline page says of the open deals it leaves out.
pub fn pipeline_notice(frame: &Frame, unmapped: &[UnmappedStage]) -> Markup {
    html! {
        @if let Some(note) = unmapped_note(unmapped, frame.org.currency) {
            div.card.warning role="status" {
                (note) ", in no figure above."
                @if frame.role() == pacer_core::access::Role::Admin { " " a href="/stages" { "Map their stages" } }
            }
        }
    }
}
