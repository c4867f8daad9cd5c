//! Editing a draft plan in the browser (admins): a line of the plan grid (an owner's 12 months of
//! a KPI at a tier) through a form, the edited workbook uploaded back, and the confirmation that
//! approving or archiving a plan asks for. Every write goes through the same use cases as the API
//! and the command line.

use super::confirm::{self, Action};
use super::layout::{self, Frame};
use super::plan::{column_label, owner_name, status_words, tier_words, units};
use super::{PageError, PageForm, PageQuery, PageResult, filled, redirect_with_notice};
use crate::AppState;
use crate::auth::Caller;
use crate::error::ApiError;
use axum::extract::{Extension, Multipart, Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use maud::{Markup, html};
use pacer_app::AppError;
use pacer_app::plan::{self as plans, LineEdit, LineEdited, Recipients};
use pacer_app::plan_xlsx;
use pacer_core::audit::Actor;
use pacer_core::catalog::Catalog;
use pacer_core::plan::{FISCAL_MONTHS, Gap, Plan, PlanId, PlanStatus, TargetOwner, TargetTier};
use pacer_i18n::{Locale, tr};
use serde::Deserialize;
use std::collections::HashMap;

fn actor(frame: &Frame, reason: Option<String>) -> Actor {
    Actor::named(frame.principal.actor_name()).because(reason)
}

/// A plan as people name it: "FY2027 plan v2".
fn plan_label(plan: &Plan) -> String {
    format!("{} v{}", plan.name, plan.version)
}

/// An owner in an address or a form: `company`, `team-3`, `rep-7`.
fn owner_param(owner: TargetOwner) -> String {
    match owner.id() {
        Some(id) => format!("{}-{id}", owner.kind_str()),
        None => owner.kind_str().to_string(),
    }
}

/// Reads [`owner_param`]'s form back.
fn parse_owner(locale: Locale, text: &str) -> Result<TargetOwner, ApiError> {
    let unknown = || ApiError::BadRequest(tr!(locale, "plan-not-owner", value = format!("{text:?}")));
    match text.trim().split_once('-') {
        None if text.trim() == "company" => Ok(TargetOwner::Company),
        Some(("team", id)) => id.parse().map(TargetOwner::Team).map_err(|_| unknown()),
        Some(("rep", id)) => id.parse().map(TargetOwner::Rep).map_err(|_| unknown()),
        _ => Err(unknown()),
    }
}

fn parse_tier(text: &str) -> Result<TargetTier, ApiError> {
    text.parse().map_err(|e: pacer_core::plan::PlanError| ApiError::BadRequest(e.to_string()))
}

/// The address of a line's edit form, with `month` (1..=12) focused.
pub fn line_href(plan: PlanId, kpi: &str, owner: TargetOwner, tier: TargetTier, month: Option<usize>) -> String {
    let mut query = vec![("kpi", kpi.to_string()), ("owner", owner_param(owner)), ("tier", tier.to_string())];
    if let Some(m) = month {
        query.push(("month", m.to_string()));
    }
    format!("/plans/{plan}/line?{}", serde_urlencoded::to_string(query).unwrap_or_default())
}

/// The gap of a KPI in a sentence.
fn gap_text(frame: &Frame, unit: &str, g: &Gap) -> String {
    tr!(
        frame.locale,
        "plan-gap-text",
        top = units(frame, unit, g.top_down),
        bottom = units(frame, unit, g.bottom_up_sum),
        gap = units(frame, unit, g.difference)
    )
}

/// The upload form of the edited workbook (the CSRF token rides in the address: a multipart
/// body is not read before the handler).
fn upload_form(frame: &Frame, plan: PlanId) -> Markup {
    html! {
        form.stack method="post" action=(format!("/plans/{plan}/xlsx?csrf={}", frame.csrf)) enctype="multipart/form-data" {
            label { (frame.t("plan-workbook-file")) input type="file" name="file" required accept=".xlsx"; }
            label { (frame.t("plan-reason-audit")) input name="reason"; }
            div { button type="submit" { (frame.t("plan-upload-button")) } }
        }
    }
}

/// What an admin can do to a draft's targets besides allocating: edit or add a line of the grid,
/// and upload the workbook back.
pub async fn editing(
    state: &AppState,
    frame: &Frame,
    plan: &Plan,
    kpi: Option<&str>,
    catalog: &Catalog,
) -> PageResult<Markup> {
    let ctx = frame.context(state);
    let (teams, reps) = plans::allocation_recipients(&ctx, plan.fiscal_year, Recipients::Teams, None).await?;
    Ok(html! {
        h2 { (frame.t("plan-edit")) }
        p.muted { (frame.t("plan-edit-intro")) }
        form.row method="get" action=(format!("/plans/{}/line", plan.id)) {
            label { (frame.t("plan-kpi")) select name="kpi" { (super::plan::kpi_options(catalog, kpi)) } }
            label { (frame.t("plan-line")) select name="owner" {
                option value=(owner_param(TargetOwner::Company)) { (frame.t("plan-company")) }
                optgroup label=(frame.t("plan-teams")) { @for (id, name) in &teams { option value=(owner_param(TargetOwner::Team(*id))) { (name) } } }
                optgroup label=(frame.t("plan-reps")) { @for r in &reps { option value=(owner_param(TargetOwner::Rep(r.id))) { (r.name) } } }
            } }
            label { (frame.t("plan-col-tier")) select name="tier" { @for t in [TargetTier::Target, TargetTier::Stretch, TargetTier::Challenge] { option value=(t) { (tier_words(frame.locale, t)) } } } }
            button type="submit" { (frame.t("plan-edit-line")) }
        }
        h2 { (frame.t("plan-upload")) }
        p.muted { (frame.t("plan-upload-intro")) " "
            code { "pacer plan import" } " " (frame.t("plan-upload-intro-end")) }
        (upload_form(frame, plan.id))
    })
}

/// The line form's address.
#[derive(Deserialize)]
pub struct LineQuery {
    kpi: String,
    owner: String,
    tier: Option<String>,
    month: Option<usize>,
}

/// What the line form shows: the months as typed (or stored), and the problems of a refused save.
struct LineForm<'a> {
    plan: &'a Plan,
    kpi: &'a str,
    owner: TargetOwner,
    tier: TargetTier,
    values: Vec<String>,
    focus: Option<usize>,
    /// Per month (1..=12), why what was typed was refused.
    problems: HashMap<usize, String>,
    message: Option<String>,
}

async fn line_page(state: &AppState, frame: &Frame, form: &LineForm<'_>) -> PageResult<Markup> {
    let ctx = frame.context(state);
    let catalog = ctx.catalog().await?;
    let sheet = plans::sheet(&ctx, form.plan, form.kpi).await?;
    let names = plans::owner_names(state.store.as_ref(), crate::api::today()).await?;
    let owner_name = names
        .get(&form.owner)
        .cloned()
        .ok_or_else(|| ApiError::NotFound(tr!(frame.locale, "plan-no-line", owner = form.owner.to_string())))?;
    let id = form.plan.id;
    let back = format!("/plans/{id}?kpi={}", form.kpi);
    let money = catalog.kpi(form.kpi).is_some_and(|k| k.is_money());
    let locale = frame.locale;
    let currency = frame.org.currency.to_string();
    let hint = match (money, frame.org.currency.minor_exponent()) {
        (false, _) => frame.t("plan-hint-count"),
        (true, 0) => tr!(locale, "plan-hint-whole", currency = currency),
        (true, e) => tr!(locale, "plan-hint-decimals", currency = currency, places = e.to_string()),
    };
    let owner_name = super::plan::owner_name(locale, form.owner, &owner_name);
    let title = format!("{} · {owner_name} · {}", catalog.kpi_name(form.kpi), tier_words(locale, form.tier));
    let body = html! {
        h1 { (tr!(locale, "plan-edit-heading", line = &title)) }
        p.muted { a href=(back) { (plan_label(form.plan)) " · " (tr!(locale, "period-year", fy = form.plan.fiscal_year.to_string())) } }
        @if let Some(g) = &sheet.gap { p { (tr!(locale, "plan-now", gap = gap_text(frame, &sheet.unit, g))) } }
        @if let Some(message) = &form.message {
            div.error role="alert" {
                strong { (message) }
                ul { @for m in 1..=FISCAL_MONTHS { @if let Some(reason) = form.problems.get(&m) {
                    li { a href=(format!("#m{m}")) { (column_label(frame, &sheet.months[m - 1])) } " " (format!("{:?}", form.values[m - 1])) ": " (reason) }
                } } }
            }
        }
        form.stack.wide method="post" action=(format!("/plans/{id}/line")) {
            (frame.csrf_field())
            input type="hidden" name="kpi" value=(form.kpi);
            input type="hidden" name="owner" value=(owner_param(form.owner));
            input type="hidden" name="tier" value=(form.tier);
            div.months {
                @for (m, column) in sheet.months.iter().enumerate() {
                    @let n = m + 1;
                    @let problem = form.problems.get(&n);
                    label.bad[problem.is_some()] {
                        (column_label(frame, column))
                        input id=(format!("m{n}")) name=(format!("m{n}")) value=(form.values[m]) inputmode="decimal"
                            autofocus[form.focus == Some(n)] aria-invalid=[problem.map(|_| "true")];
                        @if let Some(reason) = problem { small { (reason) } }
                    }
                }
            }
            p.muted { (hint) }
            label { (frame.t("plan-reason-audit")) input name="reason"; }
            div.row { button type="submit" { (frame.t("plan-save-line")) } " " a href=(back) { (frame.t("plan-cancel")) } }
        }
    };
    Ok(layout::page(frame, &tr!(locale, "plan-edit-title", line = &title), body))
}

/// The form of one line of a draft: its 12 months as they are, `month` focused.
pub async fn line_form(
    State(state): State<AppState>,
    Extension(caller): Extension<Caller>,
    Path(id): Path<PlanId>,
    PageQuery(q): PageQuery<LineQuery>,
) -> PageResult<Markup> {
    let frame = Frame::of(&state, &caller).await?;
    let plan = state.store.plan(id).await?;
    plan.status.ensure_editable().map_err(|e| ApiError::Conflict(e.to_string()))?;
    let owner = parse_owner(frame.locale, &q.owner)?;
    let tier = q.tier.as_deref().map(parse_tier).transpose()?.unwrap_or(TargetTier::Target);
    let ctx = frame.context(&state);
    let catalog = ctx.catalog().await?;
    let kpi = catalog
        .kpi(&q.kpi)
        .ok_or_else(|| ApiError::NotFound(tr!(frame.locale, "plan-kpi-unknown", kpi = format!("{:?}", q.kpi))))?;
    let targets = state.store.targets(id, Some(kpi.key())).await?;
    let mut months = [0i64; FISCAL_MONTHS];
    for t in targets.iter().filter(|t| t.owner == owner && t.tier == tier && (1..=12).contains(&t.month)) {
        months[usize::from(t.month) - 1] = t.amount;
    }
    let values = months.iter().map(|v| plan_xlsx::typed_text(*v, kpi, frame.org.currency)).collect();
    let focus = q.month.filter(|m| (1..=FISCAL_MONTHS).contains(m));
    let form =
        LineForm { plan: &plan, kpi: kpi.key(), owner, tier, values, focus, problems: HashMap::new(), message: None };
    line_page(&state, &frame, &form).await
}

/// The change a line edit made, for the notice on the plan page.
fn edited_notice(frame: &Frame, unit: &str, line: &str, done: &LineEdited) -> String {
    let locale = frame.locale;
    if done.changed.is_empty() {
        return tr!(locale, "plan-unchanged", line = line);
    }
    let show = |v: i64| units(frame, unit, v);
    let year = match done.year_before {
        Some(before) => tr!(locale, "plan-year-change", before = show(before), after = show(done.year_after)),
        None => tr!(locale, "plan-new-line", after = show(done.year_after)),
    };
    let gap = match (&done.gap_before, &done.gap_after) {
        (Some(b), Some(a)) => {
            format!(" {}", tr!(locale, "plan-gap-change", before = show(b.difference), after = show(a.difference)))
        }
        (None, Some(a)) => format!(" {}", tr!(locale, "plan-gap-after", after = show(a.difference))),
        _ => String::new(),
    };
    tr!(locale, "plan-line-edited", line = line, count = done.changed.len(), year = year, gap = gap)
}

/// Saves one line of a draft: every month read first; with any that cannot be read, the form
/// again with each one's value and why, and nothing saved.
pub async fn save_line(
    State(state): State<AppState>,
    Extension(caller): Extension<Caller>,
    Path(id): Path<PlanId>,
    PageForm(fields): PageForm<HashMap<String, String>>,
) -> PageResult<Response> {
    let frame = Frame::of(&state, &caller).await?;
    let ctx = frame.context(&state);
    let plan = state.store.plan(id).await?;
    let field = |name: &str| fields.get(name).cloned().unwrap_or_default();
    let edit = LineEdit {
        kpi: field("kpi"),
        owner: parse_owner(frame.locale, &field("owner"))?,
        tier: parse_tier(&field("tier"))?,
        months: (1..=FISCAL_MONTHS).map(|m| field(&format!("m{m}"))).collect(),
    };
    match plans::edit_line(&ctx, &plan, &edit, &actor(&frame, filled(fields.get("reason").cloned()))).await {
        Ok(done) => {
            let catalog = ctx.catalog().await?;
            let unit = if catalog.kpi(&edit.kpi).is_some_and(|k| k.is_money()) { "currency" } else { "count" };
            let names = plans::owner_names(state.store.as_ref(), crate::api::today()).await?;
            let name = names.get(&edit.owner).cloned().unwrap_or_else(|| edit.owner.to_string());
            let name = owner_name(frame.locale, edit.owner, &name);
            let line = format!("{} · {name} · {}", catalog.kpi_name(&edit.kpi), tier_words(frame.locale, edit.tier));
            let to = format!("/plans/{id}?kpi={}", edit.kpi);
            Ok(redirect_with_notice(&to, &edited_notice(&frame, unit, &line, &done)))
        }
        Err(AppError::Invalid { message, details }) => {
            let problems = details
                .iter()
                .filter_map(|d| Some((d["month"].as_u64()? as usize, d["reason"].as_str()?.to_string())))
                .collect();
            let focus = details.first().and_then(|d| d["month"].as_u64()).map(|m| m as usize);
            let form = LineForm {
                plan: &plan,
                kpi: &edit.kpi,
                owner: edit.owner,
                tier: edit.tier,
                values: edit.months.clone(),
                focus,
                problems,
                message: Some(message),
            };
            Ok((StatusCode::UNPROCESSABLE_ENTITY, line_page(&state, &frame, &form).await?).into_response())
        }
        Err(e) => Err(e.into()),
    }
}

/// Imports an uploaded workbook into a draft with the command line's use case: on success back to
/// the plan with what changed per KPI; otherwise every problem with its sheet and cell.
pub async fn upload(
    State(state): State<AppState>,
    Extension(caller): Extension<Caller>,
    Path(id): Path<PlanId>,
    mut multipart: Multipart,
) -> PageResult<Response> {
    let frame = Frame::of(&state, &caller).await?;
    let ctx = frame.context(&state);
    let plan = state.store.plan(id).await?;
    let unreadable = |e: axum::extract::multipart::MultipartError| {
        ApiError::BadRequest(tr!(frame.locale, "plan-upload-unreadable", error = e.to_string()))
    };
    let (mut file_name, mut bytes, mut reason) = (String::new(), Vec::new(), None);
    while let Some(field) = multipart.next_field().await.map_err(unreadable)? {
        match field.name().unwrap_or_default() {
            "file" => {
                file_name = field.file_name().map_or_else(|| frame.t("plan-the-workbook"), str::to_string);
                bytes = field.bytes().await.map_err(unreadable)?.to_vec();
            }
            "reason" => {
                let text = field.text().await.map_err(unreadable)?;
                pacer_core::limits::check_text(&text, pacer_core::limits::TextKind::of_field("reason"))
                    .map_err(|e| ApiError::invalid(format!("reason: {e}")))?;
                reason = filled(Some(text));
            }
            _ => {}
        }
    }
    if bytes.is_empty() {
        return Err(ApiError::invalid(frame.t("plan-choose-workbook")).into());
    }
    let who = actor(&frame, reason.or_else(|| Some(format!("workbook {file_name}"))));
    match plan_xlsx::import(&ctx, &plan, &bytes, &who).await {
        Ok(report) => {
            let catalog = ctx.catalog().await?;
            let per_kpi: Vec<String> = report
                .kpis
                .iter()
                .map(|k| match k.changed {
                    0 => tr!(frame.locale, "plan-kpi-unchanged", kpi = catalog.kpi_name(&k.kpi)),
                    n => tr!(
                        frame.locale,
                        "plan-kpi-changed",
                        kpi = catalog.kpi_name(&k.kpi),
                        changed = frame.locale.count(n as i64),
                        targets = frame.locale.count(k.targets as i64)
                    ),
                })
                .collect();
            let shown = report.kpis.iter().find(|k| k.changed > 0).or(report.kpis.first());
            let to = match shown {
                Some(k) => format!("/plans/{id}?kpi={}", k.kpi),
                None => format!("/plans/{id}"),
            };
            let notice = tr!(
                frame.locale,
                "plan-imported",
                file = &file_name,
                plan = plan_label(&plan),
                kpis = per_kpi.join("; ")
            );
            Ok(redirect_with_notice(&to, &notice))
        }
        Err(AppError::Invalid { message, details }) => {
            let field = plan_xlsx::problem_field;
            let body = html! {
                h1 { (tr!(frame.locale, "plan-not-imported", file = &file_name)) }
                div.error role="alert" { strong { (message) } " " (frame.t("plan-not-imported-lead")) }
                div.card.scroll {
                    table {
                        thead { tr { th { (frame.t("plan-col-cell")) } th { (frame.t("plan-col-value")) } th { (frame.t("plan-col-problem")) } } }
                        tbody { @for d in &details { tr {
                            td { code { (plan_xlsx::problem_place(d)) } } td { (field(d, "value")) } td { (field(d, "reason")) }
                        } } }
                    }
                }
                div.card { (upload_form(&frame, id)) }
                p { a href=(format!("/plans/{id}")) { (tr!(frame.locale, "plan-back-to", plan = plan_label(&plan))) } }
            };
            let page = layout::page(&frame, &frame.t("plan-workbook-refused"), body);
            Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response())
        }
        Err(e) => Err(PageError::from(e)),
    }
}

/// Approving or archiving `plan`: where the form posts and what it will do, in the reader's words.
pub async fn status_action<'a>(
    state: &AppState,
    locale: Locale,
    plan: &Plan,
    status: PlanStatus,
) -> PageResult<Action<'a>> {
    let label = plan_label(plan);
    let fy = plan.fiscal_year.to_string();
    let (verb, consequence) = match status {
        PlanStatus::Approved => {
            let approved = state.store.approved_plan(plan.fiscal_year).await?.filter(|p| p.id != plan.id);
            let mut text = tr!(locale, "plan-approve-consequence", plan = &label, fy = &fy);
            if let Some(other) = approved {
                text.push(' ');
                text.push_str(&tr!(locale, "plan-approve-revises", other = plan_label(&other)));
            }
            (locale.t("plan-approve"), text)
        }
        PlanStatus::Archived => {
            let mut text = tr!(locale, "plan-archive-consequence", plan = &label);
            if plan.status == PlanStatus::Approved {
                text.push(' ');
                text.push_str(&tr!(locale, "plan-archive-unapproves", fy = &fy));
            }
            (locale.t("plan-archive"), text)
        }
        other => {
            (locale.t("plan-mark-as"), tr!(locale, "plan-becomes", plan = &label, status = status_words(locale, other)))
        }
    };
    Ok(Action {
        to: format!("/plans/{}/status", plan.id),
        fields: vec![("status", status.to_string())],
        button: tr!(locale, "plan-action", verb = verb, plan = label),
        consequence,
    })
}

/// The status changes a plan offers, each behind its confirmation.
pub async fn status_forms(state: &AppState, frame: &Frame, plan: &Plan) -> PageResult<Markup> {
    let mut offered = Vec::new();
    if plan.status == PlanStatus::Draft {
        offered.push((
            frame.t("plan-approve-offer"),
            status_action(state, frame.locale, plan, PlanStatus::Approved).await?,
        ));
    }
    if plan.status != PlanStatus::Archived {
        offered.push((
            frame.t("plan-archive-offer"),
            status_action(state, frame.locale, plan, PlanStatus::Archived).await?,
        ));
    }
    Ok(html! { @for (summary, action) in &offered { (confirm::disclosure(frame, summary, action)) } })
}

/// The plan's workbook in the reader's language (the page's download; the API's is English).
pub async fn download(
    State(state): State<AppState>,
    Extension(caller): Extension<Caller>,
    Path(id): Path<PlanId>,
) -> PageResult<Response> {
    use axum::http::header;
    let frame = Frame::of(&state, &caller).await?;
    let ctx = frame.context(&state);
    let plan = state.store.plan(id).await?;
    let body = plan_xlsx::export(&ctx, &plan).await?;
    let file = format!("attachment; filename=\"plan-{}-FY{}-v{}.xlsx\"", plan.id, plan.fiscal_year, plan.version);
    Ok(([(header::CONTENT_TYPE, plan_xlsx::XLSX_MEDIA_TYPE.to_string()), (header::CONTENT_DISPOSITION, file)], body)
        .into_response())
}
