//! Editing a draft plan in the browser (admins): a line of the plan grid (an owner's 12 months of
//! a KPI at a tier) through a form, the edited workbook uploaded back, and the confirmation that
//! approving or archiving a plan asks for. Every write goes through the same use cases as the API
//! and the command line.

use super::confirm::{self, Action};
use super::layout::{self, Frame};
use super::plan::units;
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
fn parse_owner(text: &str) -> Result<TargetOwner, ApiError> {
    let unknown = || ApiError::BadRequest(format!("{text:?} is not a target's owner: choose one from the list"));
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
    format!(
        "top-down {} · bottom-up (sum of reps) {} · gap {}",
        units(frame, unit, g.top_down),
        units(frame, unit, g.bottom_up_sum),
        units(frame, unit, g.difference)
    )
}

/// The upload form of the edited workbook (the CSRF token rides in the address: a multipart
/// body is not read before the handler).
fn upload_form(frame: &Frame, plan: PlanId) -> Markup {
    html! {
        form.stack method="post" action=(format!("/plans/{plan}/xlsx?csrf={}", frame.csrf)) enctype="multipart/form-data" {
            label { "Edited workbook (XLSX)" input type="file" name="file" required accept=".xlsx"; }
            label { "Reason (kept in the audit log, optional)" input name="reason"; }
            div { button type="submit" { "Upload and import" } }
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
        h2 { "Edit the targets" }
        p.muted { "Click a figure in the grid to change its line, or pick a line below (a new one starts at 0). "
            "The bottom-up gap follows each change." }
        form.row method="get" action=(format!("/plans/{}/line", plan.id)) {
            label { "KPI" select name="kpi" { (super::plan::kpi_options(catalog, kpi)) } }
            label { "Line" select name="owner" {
                option value=(owner_param(TargetOwner::Company)) { "Company" }
                optgroup label="Teams" { @for (id, name) in &teams { option value=(owner_param(TargetOwner::Team(*id))) { (name) } } }
                optgroup label="Reps" { @for r in &reps { option value=(owner_param(TargetOwner::Rep(r.id))) { (r.name) } } }
            } }
            label { "Tier" select name="tier" { @for t in [TargetTier::Target, TargetTier::Stretch, TargetTier::Challenge] { option value=(t) { (t) } } } }
            button type="submit" { "Edit the line" }
        }
        h2 { "Upload the edited workbook" }
        p.muted { "Download the XLSX above, change the month cells, and upload it here. Every cell is checked as "
            code { "pacer plan import" } " checks it; nothing is written unless the whole workbook is valid, then each KPI sheet replaces that KPI's targets." }
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
        .ok_or_else(|| ApiError::NotFound(format!("{} does not exist: choose a line from the list", form.owner)))?;
    let id = form.plan.id;
    let back = format!("/plans/{id}?kpi={}", form.kpi);
    let money = catalog.kpi(form.kpi).is_some_and(|k| k.is_money());
    let hint = match (money, frame.org.currency.minor_exponent()) {
        (false, _) => "Counts are whole numbers.".to_string(),
        (true, 0) => {
            format!("Money in {}, whole (it has no decimals), typed as a plain number (150000).", frame.org.currency)
        }
        (true, e) => format!(
            "Money in {} with at most {e} decimals, typed as a plain number with a point (1234.50), no thousands separators.",
            frame.org.currency
        ),
    };
    let title = format!("{} · {owner_name} · {}", catalog.kpi_name(form.kpi), form.tier);
    let body = html! {
        h1 { "Edit targets: " (title) }
        p.muted { a href=(back) { (plan_label(form.plan)) " · FY" (form.plan.fiscal_year) } }
        @if let Some(g) = &sheet.gap { p { "Now: " (gap_text(frame, &sheet.unit, g)) "." } }
        @if let Some(message) = &form.message {
            div.error role="alert" {
                strong { (message) }
                ul { @for m in 1..=FISCAL_MONTHS { @if let Some(reason) = form.problems.get(&m) {
                    li { a href=(format!("#m{m}")) { (sheet.months[m - 1].label) } " " (format!("{:?}", form.values[m - 1])) ": " (reason) }
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
                        (column.label)
                        input id=(format!("m{n}")) name=(format!("m{n}")) value=(form.values[m]) inputmode="decimal"
                            autofocus[form.focus == Some(n)] aria-invalid=[problem.map(|_| "true")];
                        @if let Some(reason) = problem { small { (reason) } }
                    }
                }
            }
            p.muted { (hint) }
            label { "Reason (kept in the audit log, optional)" input name="reason"; }
            div.row { button type="submit" { "Save the line" } " " a href=(back) { "Cancel" } }
        }
    };
    Ok(layout::page(frame, &format!("Edit {title}"), body))
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
    let owner = parse_owner(&q.owner)?;
    let tier = q.tier.as_deref().map(parse_tier).transpose()?.unwrap_or(TargetTier::Target);
    let ctx = frame.context(&state);
    let catalog = ctx.catalog().await?;
    let kpi =
        catalog.kpi(&q.kpi).ok_or_else(|| ApiError::NotFound(format!("KPI {:?} is not in the catalog", q.kpi)))?;
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
    if done.changed.is_empty() {
        return format!("{line}: nothing changed, the months typed are the line's.");
    }
    let show = |v: i64| units(frame, unit, v);
    let count = done.changed.len();
    let months = if count == 1 { "month" } else { "months" };
    let year = match done.year_before {
        Some(before) => format!("year {} → {}", show(before), show(done.year_after)),
        None => format!("a new line, year {}", show(done.year_after)),
    };
    let gap = match (&done.gap_before, &done.gap_after) {
        (Some(b), Some(a)) => format!(" Bottom-up gap {} → {}.", show(b.difference), show(a.difference)),
        (None, Some(a)) => format!(" Bottom-up gap {}.", show(a.difference)),
        _ => String::new(),
    };
    format!("{line}: {count} {months} changed, {year}.{gap}")
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
        owner: parse_owner(&field("owner"))?,
        tier: parse_tier(&field("tier"))?,
        months: (1..=FISCAL_MONTHS).map(|m| field(&format!("m{m}"))).collect(),
    };
    match plans::edit_line(&ctx, &plan, &edit, &actor(&frame, filled(fields.get("reason").cloned()))).await {
        Ok(done) => {
            let catalog = ctx.catalog().await?;
            let unit = if catalog.kpi(&edit.kpi).is_some_and(|k| k.is_money()) { "currency" } else { "count" };
            let names = plans::owner_names(state.store.as_ref(), crate::api::today()).await?;
            let name = names.get(&edit.owner).cloned().unwrap_or_else(|| edit.owner.to_string());
            let line = format!("{} · {name} · {}", catalog.kpi_name(&edit.kpi), edit.tier);
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
        ApiError::BadRequest(format!("the upload is not readable: {e}; choose the file again"))
    };
    let (mut file_name, mut bytes, mut reason) = (String::new(), Vec::new(), None);
    while let Some(field) = multipart.next_field().await.map_err(unreadable)? {
        match field.name().unwrap_or_default() {
            "file" => {
                file_name = field.file_name().unwrap_or("the workbook").to_string();
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
        return Err(ApiError::invalid("choose the edited workbook to upload").into());
    }
    let who = actor(&frame, reason.or_else(|| Some(format!("workbook {file_name}"))));
    match plan_xlsx::import(&ctx, &plan, &bytes, &who).await {
        Ok(report) => {
            let catalog = ctx.catalog().await?;
            let per_kpi: Vec<String> = report
                .kpis
                .iter()
                .map(|k| match k.changed {
                    0 => format!("{} unchanged", catalog.kpi_name(&k.kpi)),
                    n => format!("{}: {n} of {} targets changed", catalog.kpi_name(&k.kpi), k.targets),
                })
                .collect();
            let shown = report.kpis.iter().find(|k| k.changed > 0).or(report.kpis.first());
            let to = match shown {
                Some(k) => format!("/plans/{id}?kpi={}", k.kpi),
                None => format!("/plans/{id}"),
            };
            let notice = format!("Imported {file_name} into {}: {}.", plan_label(&plan), per_kpi.join("; "));
            Ok(redirect_with_notice(&to, &notice))
        }
        Err(AppError::Invalid { message, details }) => {
            let field = plan_xlsx::problem_field;
            let body = html! {
                h1 { "Not imported: " (file_name) }
                div.error role="alert" { strong { (message) } " The plan is as it was; correct the workbook and upload it again." }
                div.card.scroll {
                    table {
                        thead { tr { th { "Cell" } th { "Value" } th { "Problem" } } }
                        tbody { @for d in &details { tr {
                            td { code { (plan_xlsx::problem_place(d)) } } td { (field(d, "value")) } td { (field(d, "reason")) }
                        } } }
                    }
                }
                div.card { (upload_form(&frame, id)) }
                p { a href=(format!("/plans/{id}")) { "Back to " (plan_label(&plan)) } }
            };
            let page = layout::page(&frame, "Workbook not imported", body);
            Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response())
        }
        Err(e) => Err(PageError::from(e)),
    }
}

/// Approving or archiving `plan`: where the form posts and what it will do.
pub async fn status_action<'a>(state: &AppState, plan: &Plan, status: PlanStatus) -> PageResult<Action<'a>> {
    let label = plan_label(plan);
    let fy = plan.fiscal_year;
    let (verb, consequence) = match status {
        PlanStatus::Approved => {
            let approved = state.store.approved_plan(fy).await?.filter(|p| p.id != plan.id);
            let mut text = format!(
                "Approving makes {label} the plan FY{fy} is measured against (attainment, pipeline quotas, quarterly \
                 reviews). Its targets can then no longer be edited: copy it to a new draft to change them."
            );
            if let Some(other) = approved {
                text.push_str(&format!(" {}, approved now, becomes revised.", plan_label(&other)));
            }
            ("Approve", text)
        }
        PlanStatus::Archived => {
            let mut text = format!(
                "Archiving is final: {label} can never be approved or edited again. It stays readable and can \
                 still be copied to a new draft."
            );
            if plan.status == PlanStatus::Approved {
                text.push_str(&format!(
                    " FY{fy} then has no approved plan: attainment, pipeline quotas and new reviews have nothing \
                     to measure against until another plan is approved."
                ));
            }
            ("Archive", text)
        }
        other => ("Mark as", format!("{label} becomes {other}.")),
    };
    Ok(Action {
        to: format!("/plans/{}/status", plan.id),
        fields: vec![("status", status.to_string())],
        button: format!("{verb} {label}"),
        consequence,
    })
}

/// The status changes a plan offers, each behind its confirmation.
pub async fn status_forms(state: &AppState, frame: &Frame, plan: &Plan) -> PageResult<Markup> {
    let mut offered = Vec::new();
    if plan.status == PlanStatus::Draft {
        offered.push(("Approve…", status_action(state, plan, PlanStatus::Approved).await?));
    }
    if plan.status != PlanStatus::Archived {
        offered.push(("Archive…", status_action(state, plan, PlanStatus::Archived).await?));
    }
    Ok(html! { @for (summary, action) in &offered { (confirm::disclosure(frame, summary, action)) } })
}
