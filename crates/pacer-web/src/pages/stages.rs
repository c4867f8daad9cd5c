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
use maud::{Markup, PreEscaped, html};
use pacer_app::AppError;
use pacer_app::stages::{self, StagesSaved, StagesView};
use pacer_core::audit::Actor;
use pacer_core::money::Currency;
use pacer_core::pipeline::{ForecastCategory, StageKind, UnmappedStage, proposed_stages};
use pacer_i18n::{Locale, tr};
use serde::Deserialize;

fn kind_words(locale: Locale, kind: StageKind) -> String {
    locale.t(match kind {
        StageKind::Open => "stages-kind-open",
        StageKind::Won => "stages-kind-won",
        StageKind::Lost => "stages-kind-lost",
    })
}

/// A forecast category in words.
pub fn category_words(locale: Locale, category: ForecastCategory) -> String {
    locale.t(match category {
        ForecastCategory::Pipeline => "stages-category-pipeline",
        ForecastCategory::BestCase => "stages-category-best-case",
        ForecastCategory::Commit => "stages-category-commit",
        ForecastCategory::Closed => "stages-category-closed",
    })
}

/// The unmapped stages and their deals: "Contract Sent: 2, Demo: 1".
fn stage_list(locale: Locale, unmapped: &[UnmappedStage]) -> String {
    let items: Vec<String> = unmapped
        .iter()
        .map(|u| tr!(locale, "stages-unmapped-item", stage = u.stage.as_str(), deals = locale.count(u.deals as i64)))
        .collect();
    items.join(", ")
}

/// The sentence that says open deals are in stages not mapped: "3 open deals in stages not
/// mapped: $1,497,300.50 (Contract Sent: 2, Demo: 1)"; none when every open deal is mapped.
pub fn unmapped_note(locale: Locale, unmapped: &[UnmappedStage], currency: Currency) -> Option<String> {
    if unmapped.is_empty() {
        return None;
    }
    let deals: usize = unmapped.iter().map(|u| u.deals).sum();
    let amount = unmapped.iter().fold(0i64, |sum, u| sum.saturating_add(u.amount_minor));
    Some(tr!(
        locale,
        "stages-unmapped-note",
        count = deals,
        deals = locale.count(deals as i64),
        amount = locale.money(amount, currency),
        stages = stage_list(locale, unmapped)
    ))
}

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
        h1 { (frame.t("stages-title")) }
        p.muted {
            (frame.t("stages-intro-1")) " "
            code { "contractsent" } " " (frame.t("stages-intro-2"))
        }
        @if let Some(note) = unmapped_note(frame.locale, &view.unmapped, frame.org.currency) {
            div.card.warning {
                h2 { (frame.t("stages-unmapped")) }
                p { (tr!(frame.locale, "stages-unmapped-after", note = note)) }
                div.scroll { table {
                    thead { tr { th { (frame.t("stages-in-deals")) } th.num { (frame.t("stages-open-deals")) } th.num { (tr!(frame.locale, "stages-amount", currency = frame.org.currency.to_string())) } th { (frame.t("stages-map-it")) } } }
                    tbody { @for u in &view.unmapped { tr {
                        td { (u.stage) }
                        td.num { (u.deals) }
                        td.num { (frame.money(u.amount_minor)) }
                        td { form.row method="post" action="/stages/alias" {
                            (frame.csrf_field())
                            input type="hidden" name="alias" value=(u.stage);
                            label { (frame.t("stages-alias-of")) " "
                                select name="stage" { @for s in &view.stages { option value=(s.name) { (s.name) } } }
                            }
                            button type="submit" { (frame.t("stages-add")) }
                        } }
                    } } }
                } }
                p { (frame.t("stages-or-own")) }
                pre { code { (view.proposed_toml) } }
            }
        }
        div.card.scroll { table {
            thead { tr { th.num { (frame.t("stages-order")) } th { (frame.t("stages-name")) } th { (frame.t("stages-kind")) } th.num { (frame.t("stages-probability")) } th { (frame.t("stages-category")) } th { (frame.t("stages-aliases")) } } }
            tbody { @for (i, s) in view.stages.iter().enumerate() { tr {
                td.num { (i + 1) }
                td { strong { (s.name) } }
                td { (kind_words(frame.locale, s.kind)) }
                td.num { (frame.locale.percent(f64::from(s.probability_percent) / 100.0, 0)) }
                td { @match s.category { Some(c) => (category_words(frame.locale, c)), None => span.muted { (frame.t("stages-none")) } } }
                td { @for (j, a) in s.aliases.iter().enumerate() { @if j > 0 { ", " } code { (a) } } }
            } } }
        } }
        div.card {
            h2 { (frame.t("stages-edit")) }
            @let code = |c: &str| html! { code { (c) } }.into_string();
            p.muted {
                (frame.t("stages-edit-one")) " " code { "[[stage]]" } " " (frame.t("stages-edit-per-stage")) " " code { "name" } ", "
                code { "kind" } " " (PreEscaped(tr!(frame.locale, "stages-edit-kind", open = code("open"), won = code("won"), lost = code("lost")))) " "
                code { "probability" } " " (frame.t("stages-edit-probability")) " "
                code { "category" } " " (PreEscaped(tr!(frame.locale, "stages-edit-category", pipeline = code("pipeline"), best_case = code("best_case"), commit = code("commit")))) " "
                code { "aliases" } " " (frame.t("stages-edit-aliases")) " "
                (frame.t("stages-edit-same-file")) " " code { "pacer stages set FILE" } "."
            }
            @if let Some(e) = error { div.error role="alert" { (tr!(frame.locale, "stages-not-saved", reason = e)) } }
            form.stack.wide method="post" action="/stages" {
                (frame.csrf_field())
                label { "stages.toml" textarea name="toml" rows="18" required { (toml) } }
                label { (frame.t("audit-reason")) input name="reason"; }
                button type="submit" { (frame.t("stages-check-save")) }
            }
        }
    };
    layout::page(frame, &frame.t("stages-title"), body)
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
        Ok(saved) if saved.changes.is_empty() => Ok(redirect_with_notice("/stages", &frame.t("stages-no-change"))),
        Ok(saved) => {
            Ok(redirect_with_notice("/stages", &tr!(frame.locale, "stages-saved", changes = saved.changes.join("; "))))
        }
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
pub fn import_notice(locale: Locale, unmapped: &[UnmappedStage]) -> Markup {
    let rows: usize = unmapped.iter().map(|u| u.deals).sum();
    let items: Vec<String> =
        unmapped.iter().map(|u| format!("{} ({})", u.stage, locale.count(u.deals as i64))).collect();
    html! {
        @if !unmapped.is_empty() {
            @let note = tr!(locale, "stages-import-note", count = rows, rows = locale.count(rows as i64), stages = items.join(", "));
            div.card.warning {
                p { (note) ": " a href="/stages" { (locale.t("stages-title")) } }
                pre { code { (proposed_stages(unmapped.iter().map(|u| u.stage.as_str()))) } }
            }
        }
    }
}

/// What the pipeline page says of the open deals it leaves out.
pub fn pipeline_notice(frame: &Frame, unmapped: &[UnmappedStage]) -> Markup {
    html! {
        @if let Some(note) = unmapped_note(frame.locale, unmapped, frame.org.currency) {
            div.card.warning role="status" {
                (note) (frame.t("stages-pipeline-notice"))
                @if frame.role() == pacer_core::access::Role::Admin { " " a href="/stages" { (frame.t("stages-map-their")) } }
            }
        }
    }
}
