//! Plan pages: the plans and scenarios of each year, a plan's targets by
//! KPI with the bottom-up gap, allocation, approval, attainment with the
//! tolerance, scenario comparison, the growth calculator and seasonality.

use super::filters::{Choices, Chosen, Picker, filter_form};
use super::layout::{self, Frame};
use super::{
    Notice, PageForm, PageQuery, PageResult, filled, moment, notice, redirect_with_notice, redirect_with_warnings,
    warning, warnings,
};
use super::{confirm, plan_edit};
use crate::AppState;
use crate::api::today;
use crate::auth::Caller;
use crate::charts::{self, Chart, Goal, Kind, Label, Mark, Series, Unit};
use crate::error::ApiError;
use axum::extract::{Extension, Path, State};
use axum::response::{IntoResponse, Response};
use maud::{Markup, html};
use pacer_app::catalog::catalog_in_force;
use pacer_app::plan::{self as plans, AllocationRequest, MonthProfile, Recipients, Split};
use pacer_core::access::Role;
use pacer_core::audit::Actor;
use pacer_core::catalog::{Catalog, Kpi};
use pacer_core::growth::gross_new_needed;
use pacer_core::kpi::KpiValue;
use pacer_core::plan::{NewPlan, PlanSettings, PlanStatus};
use serde::Deserialize;

fn actor(frame: &Frame, reason: Option<String>) -> Actor {
    Actor::named(frame.principal.actor_name()).because(reason)
}

pub(crate) fn kpi_options(catalog: &Catalog, selected: Option<&str>) -> Markup {
    let mut kpis: Vec<_> = catalog.kpis.iter().collect();
    kpis.sort_by_key(|k| *k.priority.get_ref());
    html! { @for k in kpis { option value=(k.key()) selected[selected == Some(k.key())] { (k.name) } } }
}

/// An amount of a KPI of `unit` for people: money in the reporting currency, else a count.
pub(crate) fn units(frame: &Frame, unit: &str, v: i64) -> String {
    frame.value(&if unit == "currency" { KpiValue::Money(v) } else { KpiValue::Count(v) })
}

/// A long-term stage's KPI priorities in words: "New business won 50% · Expansion won 20%".
fn priorities(catalog: Option<&Catalog>, stage: &pacer_core::plan::Stage) -> String {
    let name = |k: &str| catalog.map_or(k.to_owned(), |c| c.kpi_name(k).to_owned());
    let weights = stage.normalised_weights();
    weights.iter().map(|(k, w)| format!("{} {:.0}%", name(k), w * 100.0)).collect::<Vec<_>>().join(" · ")
}

/// The unit [`units`] shows a KPI's targets in: "currency" for money KPIs.
fn unit_of(catalog: Option<&Catalog>, kpi: &str) -> &'static str {
    if catalog.and_then(|c| c.kpi(kpi)).is_some_and(Kpi::is_money) { "currency" } else { "count" }
}

fn status_badge(s: PlanStatus) -> Markup {
    html! { @match s {
        PlanStatus::Approved => span.badge.on { "approved" },
        PlanStatus::Draft => span.badge { "draft" },
        other => span.badge.off { (other) },
    } }
}

/// The page's query.
#[derive(Deserialize, Default)]
pub struct PlansQuery {
    #[serde(flatten)]
    notice: Notice,
    /// Growth calculator inputs.
    base: Option<String>,
    churn: Option<String>,
    expansion: Option<String>,
    growth: Option<String>,
}

/// Plans by year, a form to start one, the comparison and the growth calculator.
pub async fn list(
    State(state): State<AppState>,
    Extension(caller): Extension<Caller>,
    PageQuery(q): PageQuery<PlansQuery>,
) -> PageResult<Markup> {
    let frame = Frame::of(&state, &caller).await?;
    let ctx = frame.context(&state);
    let list = state.store.plans(None).await?;
    let fy = frame.org.fiscal_year_of(today());
    let growth = match (&q.base, &q.churn, &q.growth) {
        (Some(b), Some(c), Some(g)) => {
            let rate = |t: &str| t.parse::<pacer_core::values::Rate>().map(|r| r.0);
            let base = b
                .trim()
                .replace(',', "")
                .parse::<i64>()
                .map_err(|_| ApiError::BadRequest(format!("base {b:?} is not a whole number")))?;
            let e = q.expansion.as_deref().filter(|e| !e.trim().is_empty()).unwrap_or("0");
            Some(
                gross_new_needed(base, rate(c)?, rate(e)?, rate(g)?)
                    .map_err(|e| ApiError::BadRequest(e.to_string()))?,
            )
        }
        _ => None,
    };
    let admin = frame.role() == Role::Admin;
    let horizon = plans::horizon_view(&ctx).await?;
    let catalog = ctx.catalog_if_any().await?;
    let body = html! {
        (notice(&q.notice))
        h1 { "Annual plans" }
        p.muted { "Targets per KPI per rep, team or company per fiscal month. Only one plan is approved per fiscal year; copy a plan to try a scenario." }
        form method="get" action="/plans/compare" {
            div.scroll { table {
                thead { tr { th { "Compare" } th { "Year" } th { "Plan" } th.num { "Version" } th { "Status" } th { "Approved by" } } }
                tbody { @for p in &list { tr {
                    td { input type="checkbox" name="ids" value=(p.id); }
                    td { "FY" (p.fiscal_year) }
                    td { a href=(format!("/plans/{}", p.id)) { (p.name) } @if let Some(c) = p.copied_from { span.muted { " (copy of " (list.iter().find(|o| o.id == c).map_or("another plan", |o| o.name.as_str())) ")" } } }
                    td.num { (p.version) }
                    td { (status_badge(p.status)) }
                    td { (p.approved_by.clone().unwrap_or_default()) " " @if let Some(at) = &p.approved_at { span.muted { (moment(frame.locale, at)) } } }
                } } }
            } }
            button type="submit" { "Compare the ticked plans" }
        }
        @if admin {
            h2 { "Start a plan" }
            form.row method="post" action="/plans" {
                (frame.csrf_field())
                label { "Fiscal year" input name="fiscal_year" value=(fy + 1) size="6"; }
                label { "Name" input name="name" value=(format!("FY{} plan", fy + 1)); }
                label { "Tolerance" input name="tolerance" value="10%" size="5"; }
                button type="submit" { "Create draft" }
            }
        }
        @if let Some(h) = &horizon {
            h2 { "Long-term horizon" }
            p.muted { "From " (h.base_customers) " customers and " (frame.money(h.base_arr)) " annual recurring revenue"
                @if let Some(m) = h.base_month { " (" (m.format("%B %Y")) ")" } ". Current stage: " strong { (h.current_stage.clone().unwrap_or_else(|| "none".into())) } "." }
            div.scroll { table {
                thead { tr { th { "Stage" } th { "Years" } th { "KPI priorities (yearly plans inherit them)" } } }
                tbody { @for s in &h.horizon.stages { tr {
                    td { (s.name) } td { "FY" (s.first_year) "–FY" (s.last_year) }
                    td { (priorities(catalog, s)) }
                } } }
            } }
            (charts::chart(&Chart {
                title: "Projected annual recurring revenue at each year end",
                note: None,
                unit: Unit::new(Kind::Money, frame.org.currency),
                columns: &h.years.iter().map(|y| Label { short: format!("FY{}", y.fiscal_year), full: format!("FY{} ({})", y.fiscal_year, y.stage), period: true }).collect::<Vec<_>>(),
                series: &[Series::new("Annual recurring revenue", h.years.iter().map(|y| Some(y.revenue.end as f64)).collect())],
                mark: Mark::Bars,
                goal: None,
            }))
            div.scroll { table {
                thead { tr { th { "Year" } th { "Stage" } th.num { "Customers start" } th.num { "lost" } th.num { "new" } th.num { "end" } th.num { "ARR start" } th.num { "churned" } th.num { "expansion" } th.num { "new" } th.num { "end" } } }
                tbody { @for y in &h.years { tr {
                    td { "FY" (y.fiscal_year) } td { (y.stage) }
                    td.num { (y.customers.start) } td.num { (y.customers.churned) } td.num { (y.customers.new) } td.num { (y.customers.end) }
                    td.num { (frame.money(y.revenue.start)) } td.num { (frame.money(y.revenue.churned)) } td.num { (frame.money(y.revenue.expansion)) }
                    td.num { (frame.money(y.revenue.new)) } td.num { (frame.money(y.revenue.end)) }
                } } }
            } }
        }
        h2 { "Growth target that compensates churn" }
        form.row method="get" action="/plans" {
            label { "Starting customers (or revenue)" input name="base" value=(q.base.clone().unwrap_or_else(|| "500".into())); }
            label { "Expected churn" input name="churn" size="5" value=(q.churn.clone().unwrap_or_else(|| "7%".into())); }
            label { "Expected expansion" input name="expansion" size="5" value=(q.expansion.clone().unwrap_or_else(|| "0%".into())); }
            label { "Wanted net growth" input name="growth" size="5" value=(q.growth.clone().unwrap_or_else(|| "20%".into())); }
            button type="submit" { "Compute" }
        }
        @if let Some(g) = &growth { pre.card { (g.explain()) } }
    };
    Ok(layout::page(&frame, "Plans", body))
}

/// A new plan.
#[derive(Deserialize)]
pub struct CreateForm {
    fiscal_year: i32,
    name: String,
    tolerance: Option<String>,
}

/// Creates a draft plan.
pub async fn create(
    State(state): State<AppState>,
    Extension(caller): Extension<Caller>,
    PageForm(form): PageForm<CreateForm>,
) -> PageResult<Response> {
    let frame = Frame::of(&state, &caller).await?;
    plans::plan_months(&frame.org, form.fiscal_year)?;
    let mut settings = PlanSettings::default();
    if let Some(t) = filled(form.tolerance) {
        let rate = t.parse::<pacer_core::values::Rate>()?.0;
        settings.tolerance =
            pacer_core::attainment::Tolerance::new(rate).map_err(|e| ApiError::BadRequest(e.to_string()))?;
    }
    let name = filled(Some(form.name)).ok_or_else(|| ApiError::BadRequest("a plan needs a name".into()))?;
    let new = NewPlan { fiscal_year: form.fiscal_year, name, settings, copied_from: None };
    let plan = state.store.create_plan(&new, &actor(&frame, None)).await?;
    Ok(redirect_with_notice(&format!("/plans/{}", plan.id), "Draft plan created."))
}

/// A plan page's query.
#[derive(Deserialize, Default)]
pub struct PlanQuery {
    kpi: Option<String>,
    #[serde(flatten)]
    notice: Notice,
}

/// A plan: its targets for one KPI, the gap, allocation and approval.
pub async fn page(
    State(state): State<AppState>,
    Extension(caller): Extension<Caller>,
    Path(id): Path<i64>,
    PageQuery(q): PageQuery<PlanQuery>,
) -> PageResult<Markup> {
    let frame = Frame::of(&state, &caller).await?;
    let ctx = frame.context(&state);
    let plan = state.store.plan(id).await?;
    let catalog = catalog_in_force(state.store.as_ref()).await?;
    let targets = state.store.targets(id, None).await?;
    let mut planned: Vec<String> = targets.iter().map(|t| t.kpi.clone()).collect();
    planned.sort();
    planned.dedup();
    let kpi = q
        .kpi
        .clone()
        .or_else(|| planned.first().cloned())
        .or_else(|| catalog.kpis.first().map(|k| k.key().to_string()));
    let sheet = match &kpi {
        Some(k) => Some(plans::sheet(&ctx, &plan, k).await?),
        None => None,
    };
    let role = frame.role();
    let editable = plan.status.is_editable() && role == Role::Admin;
    let edit_forms = match editable {
        true => Some(plan_edit::editing(&state, &frame, &plan, kpi.as_deref(), &catalog).await?),
        false => None,
    };
    let status_forms = plan_edit::status_forms(&state, &frame, &plan).await?;
    let body = html! {
        (notice(&q.notice))
        h1 { (plan.name) " · FY" (plan.fiscal_year) " · v" (plan.version) " " (status_badge(plan.status)) }
        p.muted {
            "Tolerance " (format!("{:.0}%", plan.settings.tolerance.value() * 100.0)) " · ramp " (plan.settings.ramp.steps().iter().map(|s| format!("{s}%")).collect::<Vec<_>>().join(", ")) " of a full quota in a new hire's first months"
            @if let Some(by) = &plan.approved_by { " · approved by " (by) @if let Some(at) = &plan.approved_at { " on " (moment(frame.locale, at)) } }
            " · " a href="/plans" { "all plans" }
        }
        @if let Some(stage) = frame.org.horizon.as_ref().and_then(|h| h.stage_of(plan.fiscal_year)) {
            p { "Long-term stage: " strong { (stage.name) } ". KPI priorities inherited: "
                (priorities(Some(&catalog), stage)) }
        }
        p { "KPIs in this plan: "
            @for k in &planned { a href=(format!("/plans/{id}?kpi={k}")) { (catalog.kpi_name(k)) } " " }
            @if let Some(k) = &kpi { " · " a href=(format!("/plans/{id}/attainment?kpi={k}")) { "attainment of " (catalog.kpi_name(k)) } }
            " · " a href=(format!("/api/v1/plans/{id}/xlsx")) { "XLSX" }
        }
        @if let Some(s) = &sheet {
            h2 { (catalog.kpi_name(&s.kpi)) }
            @if let Some(g) = &s.gap {
                p { "Top-down " strong { (units(&frame, &s.unit, g.top_down)) } " · bottom-up (sum of reps) " strong { (units(&frame, &s.unit, g.bottom_up_sum)) }
                    " · gap " strong { (units(&frame, &s.unit, g.difference)) } }
            }
            div.scroll { table {
                thead { tr { th { "Owner" } th { "Tier" } @for m in &s.months { th.num { (m.label) } } th.num { "Year" } } }
                tbody { @for l in &s.lines { tr {
                    td { (l.name) } td { (l.tier) }
                    @for (m, v) in l.months.iter().enumerate() { td.num {
                        @if editable { a.cell href=(plan_edit::line_href(id, &s.kpi, l.owner, l.tier, Some(m + 1))) title="Change this line" { (units(&frame, &s.unit, *v)) } }
                        @else { (units(&frame, &s.unit, *v)) }
                    } }
                    td.num { strong { (units(&frame, &s.unit, l.total)) } }
                } } }
            } }
        }
        @if let Some(edit) = &edit_forms { (edit) }
        @if editable {
            h2 { "Allocate a KPI top-down" }
            form.row method="post" action=(format!("/plans/{id}/allocate")) {
                (frame.csrf_field())
                label { "KPI" select name="kpi" { (kpi_options(&catalog, kpi.as_deref())) } }
                label { "Annual target" input name="annual" placeholder="1,200,000.00 or 480"; }
                label { "To" select name="to" { option value="teams" { "teams, then reps" } option value="reps" { "reps" } } }
                label { "Split" select name="split" { option value="equal" { "equal (reps by capacity)" } option value="last_year" { "last year's share" } } }
                label { "Months" select name="months" { option value="seasonal" { "seasonal" } option value="even" { "even" } } }
                label { input type="checkbox" name="even_if_short_history" value="true"; " even if the history is short" }
                label { "Reason" input name="reason"; }
                button type="submit" { "Allocate" }
            }
        }
        @if role >= Role::Leader || role == Role::Admin {
            h2 { "Status" }
            (status_forms)
            form.row method="post" action=(format!("/plans/{id}/copy")) {
                (frame.csrf_field())
                label { "Scenario name" input name="name" placeholder=(plan.name); }
                button type="submit" { "Copy to a new draft" }
            }
        }
    };
    Ok(layout::page(&frame, &plan.name, body))
}

/// An allocation form.
#[derive(Deserialize)]
pub struct AllocateForm {
    kpi: String,
    annual: String,
    to: String,
    split: String,
    months: String,
    even_if_short_history: Option<String>,
    reason: Option<String>,
}

/// Allocates from the form.
pub async fn allocate(
    State(state): State<AppState>,
    Extension(caller): Extension<Caller>,
    Path(id): Path<i64>,
    PageForm(form): PageForm<AllocateForm>,
) -> PageResult<Response> {
    let frame = Frame::of(&state, &caller).await?;
    let ctx = frame.context(&state);
    let plan = state.store.plan(id).await?;
    let catalog = catalog_in_force(state.store.as_ref()).await?;
    let money = catalog.kpi(&form.kpi).is_some_and(Kpi::is_money);
    let annual = if money {
        pacer_core::import::parse_amount_minor(&form.annual, frame.org.currency, false).map_err(ApiError::BadRequest)?
    } else {
        form.annual
            .trim()
            .replace(',', "")
            .parse()
            .map_err(|_| ApiError::BadRequest(format!("{:?} is not a whole number", form.annual)))?
    };
    let req = AllocationRequest {
        kpi: form.kpi.clone(),
        annual,
        to: if form.to == "reps" { Recipients::Reps } else { Recipients::Teams },
        split: if form.split == "last_year" { Split::LastYear } else { Split::Equal },
        months: if form.months == "seasonal" { MonthProfile::Seasonal } else { MonthProfile::Even },
        team: None,
        even_if_short_history: form.even_if_short_history.is_some(),
    };
    let done = plans::allocate_kpi(&ctx, &plan, &req, &actor(&frame, filled(form.reason))).await?;
    let written = format!("{} targets written for {} recipients.", done.targets, done.recipients.len());
    Ok(redirect_with_warnings(&format!("/plans/{id}?kpi={}", form.kpi), &written, &done.warnings))
}

/// A status change or a copy.
#[derive(Deserialize)]
pub struct StatusForm {
    status: Option<String>,
    name: Option<String>,
    reason: Option<String>,
    /// A status change happens only with [`confirm::CONFIRM_FIELD`] set.
    confirm: Option<String>,
}

/// Approves or archives, once confirmed; without the confirmation, the page that asks for it.
pub async fn set_status(
    State(state): State<AppState>,
    Extension(caller): Extension<Caller>,
    Path(id): Path<i64>,
    PageForm(form): PageForm<StatusForm>,
) -> PageResult<Response> {
    let frame = Frame::of(&state, &caller).await?;
    let status: PlanStatus = form
        .status
        .unwrap_or_default()
        .parse()
        .map_err(|e: pacer_core::plan::PlanError| ApiError::BadRequest(e.to_string()))?;
    if !confirm::confirmed(form.confirm.as_deref()) {
        let plan = state.store.plan(id).await?;
        let action = plan_edit::status_action(&state, &plan, status).await?;
        let title = format!("{}?", action.button);
        let reason = form.reason.unwrap_or_default();
        return Ok(confirm::page(&frame, &title, &action, &reason, &format!("/plans/{id}")).into_response());
    }
    let plan = state.store.set_plan_status(id, status, &actor(&frame, filled(form.reason))).await?;
    Ok(redirect_with_notice(&format!("/plans/{id}"), &format!("The plan is {}.", plan.status)))
}

/// Copies to a new draft.
pub async fn copy(
    State(state): State<AppState>,
    Extension(caller): Extension<Caller>,
    Path(id): Path<i64>,
    PageForm(form): PageForm<StatusForm>,
) -> PageResult<Response> {
    let frame = Frame::of(&state, &caller).await?;
    let plan = state.store.copy_plan(id, filled(form.name).as_deref(), &actor(&frame, filled(form.reason))).await?;
    Ok(redirect_with_notice(&format!("/plans/{}", plan.id), "Copied to a new draft."))
}

/// The attainment page's query.
#[derive(Deserialize, Default)]
pub struct AttainmentQuery {
    kpi: Option<String>,
    by: Option<String>,
    per: Option<String>,
}

/// Actual against plan with the tolerance.
pub async fn attainment(
    State(state): State<AppState>,
    Extension(caller): Extension<Caller>,
    Path(id): Path<i64>,
    PageQuery(q): PageQuery<AttainmentQuery>,
) -> PageResult<Markup> {
    let frame = Frame::of(&state, &caller).await?;
    let ctx = frame.context(&state);
    let plan = state.store.plan(id).await?;
    let kpi = q.kpi.clone().ok_or_else(|| ApiError::BadRequest("choose a KPI".into()))?;
    let by = pacer_app::parse_word(q.by.as_deref())?.unwrap_or(pacer_core::report::Grouping::Rep);
    let per = pacer_app::parse_word(q.per.as_deref())?.unwrap_or(pacer_core::fiscal_calendar::PeriodKind::Quarter);
    let a = plans::attainment_report(&ctx, &plan, &kpi, by, per).await?;
    let catalog = ctx.catalog_if_any().await?;
    let unit = unit_of(catalog, &kpi);
    let pct = super::review::pct;
    let body = html! {
        h1 { "Attainment: " (catalog.map_or(kpi.as_str(), |c| c.kpi_name(&kpi))) " · " (plan.name) " v" (plan.version) }
        p.muted { "Tolerance " (format!("{:.0}%", a.tolerance * 100.0)) ": a target counts as attained from "
            (format!("{:.0}%", (1.0 - a.tolerance) * 100.0)) " of it (credited attainment = actual / (target × (1 − tolerance))). "
            "A period in progress, and the year to date, are measured against the target to date (the months ended and the days gone of the current one), "
            "with the whole target beside it; the year to date sums actuals and targets, never a mean of percentages. "
            a href=(format!("/plans/{id}?kpi={kpi}")) { "targets" } }
        div.scroll { table {
            thead { tr { th { "Name" } @for (i, c) in a.columns.iter().enumerate() { th.num { (c.label)
                @if let Some(note) = a.column_note(i) { br; span.muted { (note) } } } } } }
            tbody { @for r in &a.rows { tr {
                td { (r.name) }
                @for c in &r.cells { td.num title=(format!("target {} (whole period {}), actual {}, raw {}", units(&frame, unit, c.target), units(&frame, unit, c.full_target), frame.value(&c.actual), pct(c.attainment.raw))) {
                    (frame.value(&c.actual)) " · " (pct(c.attainment.credited)) " "
                    @match c.attainment.attained { Some(true) => span.badge.on { "✓" }, Some(false) => span.badge.off { "✗" }, None => span.muted { "" } }
                    @if !c.notes.is_empty() { br; small.muted.why { (c.notes.join("; ")) } }
                } }
            } } }
        } }
    };
    Ok(layout::page(&frame, "Attainment", body))
}

/// Plans to compare.
#[derive(Deserialize, Default)]
pub struct CompareQuery {
    #[serde(default)]
    ids: Vec<i64>,
}

/// Scenarios side by side.
pub async fn compare(
    State(state): State<AppState>,
    Extension(caller): Extension<Caller>,
    axum_extra_query: axum::extract::RawQuery,
) -> PageResult<Markup> {
    let frame = Frame::of(&state, &caller).await?;
    let ctx = frame.context(&state);
    // `ids=1&ids=2`: read repeated keys by hand (the form sends one per ticked plan).
    let raw = axum_extra_query.0.unwrap_or_default();
    let q = CompareQuery {
        ids: serde_urlencoded::from_str::<Vec<(String, String)>>(&raw)
            .unwrap_or_default()
            .into_iter()
            .filter(|(k, _)| k == "ids")
            .filter_map(|(_, v)| v.parse().ok())
            .collect(),
    };
    let c = plans::compare_plans(&ctx, &q.ids).await?;
    let catalog = ctx.catalog_if_any().await?;
    let amount = |kpi: &str, v: i64| units(&frame, unit_of(catalog, kpi), v);
    let body = html! {
        h1 { "Scenarios side by side" }
        p.muted { "Totals of the year per KPI for the company, all teams and all reps side by side (each level on its own: the teams' targets split the company's, so they are never added to it), then per team and rep; differences against the first plan." }
        div.scroll { table {
            thead { tr { th { "KPI" } th { "Level" } th { "Owner" } @for (i, s) in c.scenarios.iter().enumerate() { th.num { (s) } @if i > 0 { th.num { "Δ" } } } } }
            tbody { @for t in c.by_level.iter().chain(&c.by_owner) { tr.(if t.owner.is_none() { "total" } else { "" }) {
                td { (catalog.map_or(t.kpi.as_str(), |c| c.kpi_name(&t.kpi))) } td { (t.level) } td { (t.label()) }
                @for (i, total) in t.totals.iter().enumerate() { td.num { (amount(&t.kpi, *total)) } @if i > 0 { td.num { (amount(&t.kpi, t.differences[i])) } } }
            } } }
        } }
    };
    Ok(layout::page(&frame, "Compare plans", body))
}

/// The seasonality page's query.
#[derive(Deserialize, Default)]
pub struct SeasonalityQuery {
    kpi: Option<String>,
    fy: Option<i32>,
}

/// Seasonal indices of a KPI, as a chart, with their warnings.
pub async fn seasonality(
    State(state): State<AppState>,
    Extension(caller): Extension<Caller>,
    PageQuery(q): PageQuery<SeasonalityQuery>,
) -> PageResult<Markup> {
    let frame = Frame::of(&state, &caller).await?;
    let ctx = frame.context(&state);
    let catalog = catalog_in_force(state.store.as_ref()).await?;
    let choices = Choices::of(&state, &frame).await?;
    let fy = q.fy.unwrap_or_else(|| frame.org.fiscal_year_of(today()));
    let kpi = q.kpi.clone().or_else(|| catalog.kpis.first().map(|k| k.key().to_string())).unwrap_or_default();
    let outlook = plans::outlook(&ctx, &kpi, fy).await?;
    let months = plans::plan_months(&frame.org, fy)?;
    let unit_of = catalog.kpi(&kpi).map(|k| k.unit.as_str().to_string()).unwrap_or_default();
    let show = |x: Option<f64>| x.map(|v| units(&frame, &unit_of, v.round() as i64)).unwrap_or_else(|| "—".into());
    let body = html! {
        h1 { "Seasonality" }
        (filter_form(&frame, "/seasonality", &[Picker::Kpi, Picker::Year], &Chosen { kpi: Some(&kpi), fy: Some(fy), ..Chosen::default() }, &choices))
        @match &outlook.indices {
            Some(s) => {
                (charts::chart(&Chart {
                    title: &format!("{}: seasonal index by fiscal month, FY{fy}", catalog.kpi_name(&kpi)),
                    note: Some("1.0 is an average month"),
                    unit: Unit::new(Kind::Index, frame.org.currency),
                    columns: &months.iter().map(|m| Label::period(&m.label())).collect::<Vec<_>>(),
                    series: &[Series::new("Seasonal index", s.monthly.iter().map(|i| Some(*i)).collect())],
                    mark: Mark::Bars,
                    goal: Some(&Goal { name: "an average month".into(), values: vec![Some(1.0); months.len()] }),
                }))
                p { "Method: " (s.method.words()) ". Quarters: " @for q in s.quarterly() { (format!("{q:.2} ")) } }
                (warnings("Warnings about these indices", &s.warnings))
            }
            None => { (warning(outlook.indices_error.as_deref().unwrap_or_default())) }
        }
        h2 { "FY" (fy) " so far and where it is heading" }
        div.scroll { table {
            thead { tr { th { "Figure" } @for m in months.iter().take(outlook.actuals.len()) { th.num { (m.label()) } } } }
            tbody {
                tr { td { "Actual" } @for a in &outlook.actuals { td.num { (show(*a)) } } }
                tr { td { "Seasonally adjusted" } @for a in &outlook.adjusted { td.num { (show(*a)) } } }
            }
        } }
        p { "Year to date" @if let Some(c) = outlook.cut_off { " (to " (c) ")" } " " strong { (show(Some(outlook.ytd))) } ". Year end by the seasonal indices: " strong { (show(outlook.index_projection)) }
            ". Second opinion, a statistical forecast (exponential smoothing after a seasonal decomposition): "
            @match outlook.forecast_projection { Some(p) => { strong { (show(Some(p))) } }, None => { span.muted { (outlook.forecast_error.clone().unwrap_or_default()) } } } "." }
    };
    Ok(layout::page(&frame, "Seasonality", body))
}
