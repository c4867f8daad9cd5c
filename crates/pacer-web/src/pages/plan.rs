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
use pacer_app::report::Column;
use pacer_core::access::Role;
use pacer_core::audit::Actor;
use pacer_core::catalog::{Catalog, Kpi};
use pacer_core::growth::gross_new_needed;
use pacer_core::kpi::KpiValue;
use pacer_core::plan::{NewPlan, OwnerLevel, PlanSettings, PlanStatus, TargetOwner, TargetTier};
use pacer_core::seasonality::Method;
use pacer_i18n::{Locale, tr};
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

/// A plan's status in the reader's words.
pub(crate) fn status_words(locale: Locale, s: PlanStatus) -> String {
    locale.t(match s {
        PlanStatus::Draft => "plan-status-draft",
        PlanStatus::Approved => "plan-status-approved",
        PlanStatus::Revised => "plan-status-revised",
        PlanStatus::Archived => "plan-status-archived",
    })
}

/// A target's tier in the reader's words.
pub(crate) fn tier_words(locale: Locale, t: TargetTier) -> String {
    locale.t(match t {
        TargetTier::Target => "plan-tier-target",
        TargetTier::Stretch => "plan-tier-stretch",
        TargetTier::Challenge => "plan-tier-challenge",
    })
}

/// A level of owners in the reader's words.
fn level_words(locale: Locale, level: OwnerLevel) -> String {
    locale.t(match level {
        OwnerLevel::Company => "plan-level-company",
        OwnerLevel::Team => "plan-level-team",
        OwnerLevel::Rep => "plan-level-rep",
    })
}

/// A level's total as a row of the comparison names it: "company", "all teams", "all reps".
fn level_total(locale: Locale, level: OwnerLevel) -> String {
    locale.t(match level {
        OwnerLevel::Company => "plan-total-company",
        OwnerLevel::Team => "plan-total-teams",
        OwnerLevel::Rep => "plan-total-reps",
    })
}

/// An owner's name as a plan shows it: the company in the reader's words, teams and reps by name.
pub(crate) fn owner_name(locale: Locale, owner: TargetOwner, name: &str) -> String {
    if owner == TargetOwner::Company { locale.t("plan-company") } else { name.to_owned() }
}

/// A column of a plan or an attainment report for people: its fiscal period in the reader's
/// words ("T1 FY2027", "févr. 2026 (M01)"), the year to date, else its label as given.
pub(crate) fn column_label(frame: &Frame, column: &Column) -> String {
    if column.name == "YTD" {
        return frame.t("plan-year-to-date");
    }
    frame.org.calendar.parse_period(&column.name).map_or_else(|_| column.label.clone(), |p| frame.locale.period(&p))
}

/// A share as a percentage in the reader's language ("87%", "87 %"), a dash without one.
pub(crate) fn pct_in(locale: Locale, x: Option<f64>) -> String {
    x.map_or_else(|| "—".into(), |x| locale.percent(x, 0))
}

/// A long-term stage's KPI priorities in words: "New business won 50% · Expansion won 20%".
fn priorities(locale: Locale, catalog: Option<&Catalog>, stage: &pacer_core::plan::Stage) -> String {
    let name = |k: &str| catalog.map_or(k.to_owned(), |c| c.kpi_name(k).to_owned());
    let weights = stage.normalised_weights();
    weights
        .iter()
        .map(|(k, w)| tr!(locale, "plan-priority", kpi = name(k), share = locale.percent(*w, 0)))
        .collect::<Vec<_>>()
        .join(" · ")
}

/// The unit [`units`] shows a KPI's targets in: "currency" for money KPIs.
fn unit_of(catalog: Option<&Catalog>, kpi: &str) -> &'static str {
    if catalog.and_then(|c| c.kpi(kpi)).is_some_and(Kpi::is_money) { "currency" } else { "count" }
}

fn status_badge(locale: Locale, s: PlanStatus) -> Markup {
    let words = status_words(locale, s);
    html! { @match s {
        PlanStatus::Approved => span.badge.on { (words) },
        PlanStatus::Draft => span.badge { (words) },
        _ => span.badge.off { (words) },
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
    let locale = frame.locale;
    let list = state.store.plans(None).await?;
    let fy = frame.org.fiscal_year_of(today());
    let growth = match (&q.base, &q.churn, &q.growth) {
        (Some(b), Some(c), Some(g)) => {
            let rate = |t: &str| t.parse::<pacer_core::values::Rate>().map(|r| r.0);
            let base = b
                .trim()
                .replace(',', "")
                .parse::<i64>()
                .map_err(|_| ApiError::BadRequest(tr!(locale, "plan-not-whole", value = format!("{b:?}"))))?;
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
    let year = |fy: i32| tr!(locale, "period-year", fy = fy.to_string());
    let body = html! {
        (notice(&q.notice))
        h1 { (frame.t("plan-heading")) }
        p.muted { (frame.t("plan-intro")) }
        form method="get" action="/plans/compare" {
            div.scroll { table {
                thead { tr { th { (frame.t("plan-col-compare")) } th { (frame.t("plan-col-year")) } th { (frame.t("plan-col-plan")) } th.num { (frame.t("plan-col-version")) } th { (frame.t("plan-col-status")) } th { (frame.t("plan-col-approved-by")) } } }
                tbody { @for p in &list { tr {
                    td { input type="checkbox" name="ids" value=(p.id); }
                    td { (year(p.fiscal_year)) }
                    td { a href=(format!("/plans/{}", p.id)) { (p.name) } @if let Some(c) = p.copied_from { span.muted { " " (tr!(locale, "plan-copy-of", plan = list.iter().find(|o| o.id == c).map_or_else(|| frame.t("plan-another-plan"), |o| o.name.clone()))) } } }
                    td.num { (p.version) }
                    td { (status_badge(locale, p.status)) }
                    td { (p.approved_by.clone().unwrap_or_default()) " " @if let Some(at) = &p.approved_at { span.muted { (moment(locale, at)) } } }
                } } }
            } }
            button type="submit" { (frame.t("plan-compare-ticked")) }
        }
        @if admin {
            h2 { (frame.t("plan-start")) }
            form.row method="post" action="/plans" {
                (frame.csrf_field())
                label { (frame.t("plan-fiscal-year")) input name="fiscal_year" value=(fy + 1) size="6"; }
                label { (frame.t("plan-name")) input name="name" value=(tr!(locale, "plan-default-name", fy = (fy + 1).to_string())); }
                label { (frame.t("plan-tolerance")) input name="tolerance" value="10%" size="5"; }
                button type="submit" { (frame.t("plan-create-draft")) }
            }
        }
        @if let Some(h) = &horizon {
            h2 { (frame.t("plan-horizon")) }
            p.muted { (tr!(locale, "plan-horizon-from", customers = locale.count(h.base_customers), arr = frame.money(h.base_arr)))
                @if let Some(m) = h.base_month { " (" (locale.month_year(m)) ")" } ". " (frame.t("plan-horizon-stage")) " " strong { (h.current_stage.clone().unwrap_or_else(|| frame.t("plan-stage-none"))) } "." }
            div.scroll { table {
                thead { tr { th { (frame.t("plan-col-stage")) } th { (frame.t("plan-col-years")) } th { (frame.t("plan-col-priorities")) } } }
                tbody { @for s in &h.horizon.stages { tr {
                    td { (s.name) } td { (year(s.first_year)) "–" (year(s.last_year)) }
                    td { (priorities(locale, catalog, s)) }
                } } }
            } }
            (charts::chart(&Chart {
                title: &frame.t("plan-arr-chart"),
                note: None,
                unit: Unit::new(Kind::Money, frame.org.currency).in_locale(locale),
                columns: &h.years.iter().map(|y| Label { short: year(y.fiscal_year), full: format!("{} ({})", year(y.fiscal_year), y.stage), period: true }).collect::<Vec<_>>(),
                series: &[Series::new(frame.t("plan-arr"), h.years.iter().map(|y| Some(y.revenue.end as f64)).collect())],
                mark: Mark::Bars,
                goal: None,
            }))
            div.scroll { table {
                thead { tr { th { (frame.t("plan-col-year")) } th { (frame.t("plan-col-stage")) } th.num { (frame.t("plan-col-customers-start")) } th.num { (frame.t("plan-col-lost")) } th.num { (frame.t("plan-col-new")) } th.num { (frame.t("plan-col-end")) }
                    th.num { (frame.t("plan-col-arr-start")) } th.num { (frame.t("plan-col-churned")) } th.num { (frame.t("plan-col-expansion")) } th.num { (frame.t("plan-col-new")) } th.num { (frame.t("plan-col-end")) } } }
                tbody { @for y in &h.years { tr {
                    td { (year(y.fiscal_year)) } td { (y.stage) }
                    td.num { (locale.count(y.customers.start)) } td.num { (locale.count(y.customers.churned)) } td.num { (locale.count(y.customers.new)) } td.num { (locale.count(y.customers.end)) }
                    td.num { (frame.money(y.revenue.start)) } td.num { (frame.money(y.revenue.churned)) } td.num { (frame.money(y.revenue.expansion)) }
                    td.num { (frame.money(y.revenue.new)) } td.num { (frame.money(y.revenue.end)) }
                } } }
            } }
        }
        h2 { (frame.t("plan-growth")) }
        form.row method="get" action="/plans" {
            label { (frame.t("plan-growth-base")) input name="base" value=(q.base.clone().unwrap_or_else(|| "500".into())); }
            label { (frame.t("plan-growth-churn")) input name="churn" size="5" value=(q.churn.clone().unwrap_or_else(|| "7%".into())); }
            label { (frame.t("plan-growth-expansion")) input name="expansion" size="5" value=(q.expansion.clone().unwrap_or_else(|| "0%".into())); }
            label { (frame.t("plan-growth-wanted")) input name="growth" size="5" value=(q.growth.clone().unwrap_or_else(|| "20%".into())); }
            button type="submit" { (frame.t("plan-compute")) }
        }
        @if let Some(g) = &growth { pre.card { (locale.growth_explanation(g)) } }
    };
    Ok(layout::page(&frame, &frame.t("plan-title"), body))
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
    let name = filled(Some(form.name)).ok_or_else(|| ApiError::BadRequest(frame.t("plan-needs-name")))?;
    let new = NewPlan { fiscal_year: form.fiscal_year, name, settings, copied_from: None };
    let plan = state.store.create_plan(&new, &actor(&frame, None)).await?;
    Ok(redirect_with_notice(&format!("/plans/{}", plan.id), &frame.t("plan-created")))
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
    let locale = frame.locale;
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
    let ramp = plan
        .settings
        .ramp
        .steps()
        .iter()
        .map(|s| locale.percent(f64::from(*s) / 100.0, 0))
        .collect::<Vec<_>>()
        .join(", ");
    let settings =
        tr!(locale, "plan-settings", tolerance = locale.percent(plan.settings.tolerance.value(), 0), ramp = ramp);
    let body = html! {
        (notice(&q.notice))
        h1 { (plan.name) " · " (tr!(locale, "period-year", fy = plan.fiscal_year.to_string())) " · v" (plan.version) " " (status_badge(locale, plan.status)) }
        p.muted {
            (settings)
            @if let Some(by) = &plan.approved_by { " · " (tr!(locale, "plan-approved-by", who = by)) @if let Some(at) = &plan.approved_at { " " (frame.t("plan-approved-on")) " " (moment(locale, at)) } }
            " · " a href="/plans" { (frame.t("plan-all")) }
        }
        @if let Some(stage) = frame.org.horizon.as_ref().and_then(|h| h.stage_of(plan.fiscal_year)) {
            p { (frame.t("plan-stage")) " " strong { (stage.name) } ". " (frame.t("plan-stage-priorities")) " "
                (priorities(locale, Some(&catalog), stage)) }
        }
        p { (frame.t("plan-kpis")) " "
            @for k in &planned { a href=(format!("/plans/{id}?kpi={k}")) { (catalog.kpi_name(k)) } " " }
            @if let Some(k) = &kpi { " · " a href=(format!("/plans/{id}/attainment?kpi={k}")) { (tr!(locale, "plan-attainment-of", kpi = catalog.kpi_name(k))) } }
            " · " a href=(format!("/plans/{id}/xlsx")) { "XLSX" }
        }
        @if let Some(s) = &sheet {
            h2 { (catalog.kpi_name(&s.kpi)) }
            @if let Some(g) = &s.gap {
                p { (frame.t("plan-top-down")) " " strong { (units(&frame, &s.unit, g.top_down)) } " · " (frame.t("plan-bottom-up")) " " strong { (units(&frame, &s.unit, g.bottom_up_sum)) }
                    " · " (frame.t("plan-gap")) " " strong { (units(&frame, &s.unit, g.difference)) } }
            }
            div.scroll { table {
                thead { tr { th { (frame.t("plan-col-owner")) } th { (frame.t("plan-col-tier")) } @for m in &s.months { th.num { (column_label(&frame, m)) } } th.num { (frame.t("plan-col-year")) } } }
                tbody { @for l in &s.lines { tr {
                    td { (owner_name(locale, l.owner, &l.name)) } td { (tier_words(locale, l.tier)) }
                    @for (m, v) in l.months.iter().enumerate() { td.num {
                        @if editable { a.cell href=(plan_edit::line_href(id, &s.kpi, l.owner, l.tier, Some(m + 1))) title=(frame.t("plan-change-line")) { (units(&frame, &s.unit, *v)) } }
                        @else { (units(&frame, &s.unit, *v)) }
                    } }
                    td.num { strong { (units(&frame, &s.unit, l.total)) } }
                } } }
            } }
        }
        @if let Some(edit) = &edit_forms { (edit) }
        @if editable {
            h2 { (frame.t("plan-allocate")) }
            form.row method="post" action=(format!("/plans/{id}/allocate")) {
                (frame.csrf_field())
                label { (frame.t("plan-kpi")) select name="kpi" { (kpi_options(&catalog, kpi.as_deref())) } }
                label { (frame.t("plan-annual-target")) input name="annual" placeholder=(frame.t("plan-annual-placeholder")); }
                label { (frame.t("plan-to")) select name="to" { option value="teams" { (frame.t("plan-to-teams")) } option value="reps" { (frame.t("plan-to-reps")) } } }
                label { (frame.t("plan-split")) select name="split" { option value="equal" { (frame.t("plan-split-equal")) } option value="last_year" { (frame.t("plan-split-last-year")) } } }
                label { (frame.t("plan-months")) select name="months" { option value="seasonal" { (frame.t("plan-months-seasonal")) } option value="even" { (frame.t("plan-months-even")) } } }
                label { input type="checkbox" name="even_if_short_history" value="true"; " " (frame.t("plan-even-if-short")) }
                label { (frame.t("plan-reason")) input name="reason"; }
                button type="submit" { (frame.t("plan-allocate-button")) }
            }
        }
        @if role >= Role::Leader || role == Role::Admin {
            h2 { (frame.t("plan-status")) }
            (status_forms)
            form.row method="post" action=(format!("/plans/{id}/copy")) {
                (frame.csrf_field())
                label { (frame.t("plan-scenario-name")) input name="name" placeholder=(plan.name); }
                button type="submit" { (frame.t("plan-copy")) }
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
        form.annual.trim().replace(',', "").parse().map_err(|_| {
            ApiError::BadRequest(tr!(frame.locale, "plan-not-whole", value = format!("{:?}", form.annual)))
        })?
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
    let written = tr!(
        frame.locale,
        "plan-allocated",
        targets = frame.locale.count(done.targets as i64),
        recipients = frame.locale.count(done.recipients.len() as i64)
    );
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
        let action = plan_edit::status_action(&state, frame.locale, &plan, status).await?;
        let title = format!("{}?", action.button);
        let reason = form.reason.unwrap_or_default();
        return Ok(confirm::page(&frame, &title, &action, &reason, &format!("/plans/{id}")).into_response());
    }
    let plan = state.store.set_plan_status(id, status, &actor(&frame, filled(form.reason))).await?;
    let notice = tr!(frame.locale, "plan-now-status", status = status_words(frame.locale, plan.status));
    Ok(redirect_with_notice(&format!("/plans/{id}"), &notice))
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
    Ok(redirect_with_notice(&format!("/plans/{}", plan.id), &frame.t("plan-copied")))
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
    let locale = frame.locale;
    let plan = state.store.plan(id).await?;
    let kpi = q.kpi.clone().ok_or_else(|| ApiError::BadRequest(frame.t("plan-choose-kpi")))?;
    let by = pacer_app::parse_word(q.by.as_deref())?.unwrap_or(pacer_core::report::Grouping::Rep);
    let per = pacer_app::parse_word(q.per.as_deref())?.unwrap_or(pacer_core::fiscal_calendar::PeriodKind::Quarter);
    let a = plans::attainment_report(&ctx, &plan, &kpi, by, per).await?;
    let catalog = ctx.catalog_if_any().await?;
    let unit = unit_of(catalog, &kpi);
    let pct = |x: Option<f64>| pct_in(locale, x);
    let kpi_name = catalog.map_or(kpi.as_str(), |c| c.kpi_name(&kpi));
    let intro = tr!(
        locale,
        "plan-attainment-intro",
        tolerance = locale.percent(a.tolerance, 0),
        from = locale.percent(1.0 - a.tolerance, 0)
    );
    let body = html! {
        h1 { (tr!(locale, "plan-attainment-heading", kpi = kpi_name, plan = format!("{} v{}", plan.name, plan.version))) }
        p.muted { (intro) " " a href=(format!("/plans/{id}?kpi={kpi}")) { (frame.t("plan-targets")) } }
        div.scroll { table {
            thead { tr { th { (frame.t("plan-col-name")) } @for (i, c) in a.columns.iter().enumerate() { th.num { (column_label(&frame, c))
                @if let Some(note) = a.column_note_in(i, locale) { br; span.muted { (note) } } } } } }
            tbody { @for r in &a.rows { tr {
                td { (r.name) }
                @for c in &r.cells { td.num title=(tr!(locale, "plan-cell-title", target = units(&frame, unit, c.target), full = units(&frame, unit, c.full_target), actual = frame.value(&c.actual), raw = pct(c.attainment.raw))) {
                    (frame.value(&c.actual)) " · " (pct(c.attainment.credited)) " "
                    @match c.attainment.attained { Some(true) => span.badge.on { "✓" }, Some(false) => span.badge.off { "✗" }, None => span.muted { "" } }
                    @if !c.notes.is_empty() { br; small.muted.why { (c.notes.join("; ")) } }
                } }
            } } }
        } }
    };
    Ok(layout::page(&frame, &frame.t("plan-attainment-title"), body))
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
    let locale = frame.locale;
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
    // The scenarios' names with their status in the reader's words, in the comparison's order.
    let mut scenarios = Vec::new();
    for (i, id) in q.ids.iter().enumerate() {
        let name = match state.store.plan(*id).await {
            Ok(p) => format!("{} v{} ({})", p.name, p.version, status_words(locale, p.status)),
            Err(_) => c.scenarios.get(i).cloned().unwrap_or_default(),
        };
        scenarios.push(name);
    }
    if scenarios.len() != c.scenarios.len() {
        scenarios = c.scenarios.clone();
    }
    let catalog = ctx.catalog_if_any().await?;
    let amount = |kpi: &str, v: i64| units(&frame, unit_of(catalog, kpi), v);
    let body = html! {
        h1 { (frame.t("plan-compare-heading")) }
        p.muted { (frame.t("plan-compare-intro")) }
        div.scroll { table {
            thead { tr { th { (frame.t("plan-kpi")) } th { (frame.t("plan-col-level")) } th { (frame.t("plan-col-owner")) } @for (i, s) in scenarios.iter().enumerate() { th.num { (s) } @if i > 0 { th.num { "Δ" } } } } }
            tbody { @for t in c.by_level.iter().chain(&c.by_owner) { tr.(if t.owner.is_none() { "total" } else { "" }) {
                td { (catalog.map_or(t.kpi.as_str(), |c| c.kpi_name(&t.kpi))) } td { (level_words(locale, t.level)) }
                td { @match &t.owner { Some(o) => { (o) }, None => { (level_total(locale, t.level)) } } }
                @for (i, total) in t.totals.iter().enumerate() { td.num { (amount(&t.kpi, *total)) } @if i > 0 { td.num { (amount(&t.kpi, t.differences[i])) } } }
            } } }
        } }
    };
    Ok(layout::page(&frame, &frame.t("plan-compare-title"), body))
}

/// The seasonality page's query.
#[derive(Deserialize, Default)]
pub struct SeasonalityQuery {
    kpi: Option<String>,
    fy: Option<i32>,
}

/// A seasonal method in the reader's words.
fn method_words(locale: Locale, method: Method) -> String {
    locale.t(match method {
        Method::Decomposition => "plan-method-decomposition",
        Method::ShareOfYear => "plan-method-share-of-year",
    })
}

/// Seasonal indices of a KPI, as a chart, with their warnings.
pub async fn seasonality(
    State(state): State<AppState>,
    Extension(caller): Extension<Caller>,
    PageQuery(q): PageQuery<SeasonalityQuery>,
) -> PageResult<Markup> {
    let frame = Frame::of(&state, &caller).await?;
    let ctx = frame.context(&state);
    let locale = frame.locale;
    let catalog = catalog_in_force(state.store.as_ref()).await?;
    let choices = Choices::of(&state, &frame).await?;
    let fy = q.fy.unwrap_or_else(|| frame.org.fiscal_year_of(today()));
    let kpi = q.kpi.clone().or_else(|| catalog.kpis.first().map(|k| k.key().to_string())).unwrap_or_default();
    let outlook = plans::outlook(&ctx, &kpi, fy).await?;
    let months = plans::plan_months(&frame.org, fy)?;
    let unit_of = catalog.kpi(&kpi).map(|k| k.unit.as_str().to_string()).unwrap_or_default();
    let show = |x: Option<f64>| x.map(|v| units(&frame, &unit_of, v.round() as i64)).unwrap_or_else(|| "—".into());
    let body = html! {
        h1 { (frame.t("plan-seasonality")) }
        (filter_form(&frame, "/seasonality", &[Picker::Kpi, Picker::Year], &Chosen { kpi: Some(&kpi), fy: Some(fy), ..Chosen::default() }, &choices))
        @match &outlook.indices {
            Some(s) => {
                (charts::chart(&Chart {
                    title: &tr!(locale, "plan-seasonality-chart", kpi = catalog.kpi_name(&kpi), fy = fy.to_string()),
                    note: Some(&frame.t("plan-seasonality-note")),
                    unit: Unit::new(Kind::Index, frame.org.currency).in_locale(locale),
                    columns: &months.iter().map(|m| Label::period(&locale.period(m))).collect::<Vec<_>>(),
                    series: &[Series::new(frame.t("plan-seasonal-index"), s.monthly.iter().map(|i| Some(*i)).collect())],
                    mark: Mark::Bars,
                    goal: Some(&Goal { name: frame.t("plan-average-month"), values: vec![Some(1.0); months.len()] }),
                }))
                p { (frame.t("plan-method")) " " (method_words(locale, s.method)) ". " (frame.t("plan-quarters")) " " @for q in s.quarterly() { (locale.decimal(q, 2)) " " } }
                (warnings(&frame.t("plan-index-warnings"), &s.warnings.iter().map(|w| locale.seasonal_warning(w)).collect::<Vec<_>>()))
            }
            None => { (warning(outlook.indices_error.as_deref().unwrap_or_default())) }
        }
        h2 { (tr!(locale, "plan-outlook", fy = fy.to_string())) }
        div.scroll { table {
            thead { tr { th { (frame.t("plan-col-figure")) } @for m in months.iter().take(outlook.actuals.len()) { th.num { (locale.period(m)) } } } }
            tbody {
                tr { td { (frame.t("plan-actual")) } @for a in &outlook.actuals { td.num { (show(*a)) } } }
                tr { td { (frame.t("plan-adjusted")) } @for a in &outlook.adjusted { td.num { (show(*a)) } } }
            }
        } }
        p { (frame.t("plan-ytd")) @if let Some(c) = outlook.cut_off { " " (tr!(locale, "plan-ytd-to", day = locale.date(c))) } " " strong { (show(Some(outlook.ytd))) } ". " (frame.t("plan-year-end-index")) " " strong { (show(outlook.index_projection)) }
            ". " (frame.t("plan-second-opinion")) " "
            @match outlook.forecast_projection { Some(p) => { strong { (show(Some(p))) } }, None => { span.muted { (outlook.forecast_error.clone().unwrap_or_default()) } } } "." }
    };
    Ok(layout::page(&frame, &frame.t("plan-seasonality"), body))
}
