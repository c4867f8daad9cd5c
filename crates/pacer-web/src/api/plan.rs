//! The annual plan over the API (PRODUCT.md C5, C6): plans and scenarios,
//! top-down allocation and phasing, bottom-up edits, approval, attainment
//! against the plan, scenario comparison, the growth calculator and
//! seasonality.

use super::{ApiJson, ApiPath, ApiQuery, actor, today};
use crate::AppState;
use crate::api::org::load_organisation;
use crate::auth::Caller;
use crate::error::{ApiError, ApiResult, ErrorBody};
use axum::Json;
use axum::extract::{Extension, State};
use axum::http::HeaderMap;
use pacer_app::plan::{self as plans, Allocated, AllocationRequest, AttainmentReport, MonthProfile, PlanSheet, Split};
use pacer_core::growth::{GrowthTarget, gross_new_needed};
use pacer_core::plan::{Comparison, NewPlan, Plan, PlanSettings, PlanStatus, Target};
use serde::Deserialize;
use utoipa::{IntoParams, ToSchema};

/// Which plans.
#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct PlansQuery {
    /// Only this fiscal year's.
    #[param(minimum = 1900, maximum = 2200)]
    pub fy: Option<i32>,
}

/// Plans, by fiscal year, name and version.
#[utoipa::path(get, path = "/api/v1/plans", tag = "plans", params(PlansQuery), responses((status = 200, body = [Plan])))]
pub async fn list(State(state): State<AppState>, ApiQuery(q): ApiQuery<PlansQuery>) -> ApiResult<Json<Vec<Plan>>> {
    Ok(Json(state.store.plans(q.fy).await?))
}

/// A new plan.
#[derive(Deserialize, ToSchema)]
pub struct NewPlanBody {
    /// The fiscal year it plans.
    #[schema(minimum = 1900, maximum = 2200)]
    pub fiscal_year: i32,
    /// Its name, e.g. "FY2027 plan" or "FY2027 stretch scenario" (not blank).
    #[schema(pattern = r"\S")]
    pub name: String,
    /// Tolerance, phasing, ramp (defaults when absent).
    #[serde(default)]
    pub settings: Option<PlanSettings>,
}

/// Creates a draft plan (version 1, or the next version of that name).
#[utoipa::path(post, path = "/api/v1/plans", tag = "plans", request_body = NewPlanBody,
    responses((status = 200, body = Plan), (status = 400, description = "A fiscal year out of range, or no name", body = ErrorBody),
        (status = 409, description = "A plan of that name and version exists", body = ErrorBody), (status = 422, description = "A value breaks a rule", body = ErrorBody)))]
pub async fn create(
    State(state): State<AppState>,
    Extension(caller): Extension<Caller>,
    headers: HeaderMap,
    ApiJson(body): ApiJson<NewPlanBody>,
) -> ApiResult<Json<Plan>> {
    let org = load_organisation(&state).await?;
    plans::plan_months(&org, body.fiscal_year)?;
    if body.name.trim().is_empty() {
        return Err(ApiError::BadRequest("a plan needs a name".into()));
    }
    let new = NewPlan {
        fiscal_year: body.fiscal_year,
        name: body.name.trim().to_string(),
        settings: body.settings.unwrap_or_default(),
        copied_from: None,
    };
    Ok(Json(state.store.create_plan(&new, &actor(&caller, &headers)?).await?))
}

/// One plan.
#[utoipa::path(get, path = "/api/v1/plans/{id}", tag = "plans", params(("id" = i64, Path, description = "Plan id")),
    responses((status = 200, body = Plan), (status = 404, description = "No such plan", body = ErrorBody)))]
pub async fn get(State(state): State<AppState>, ApiPath(id): ApiPath<i64>) -> ApiResult<Json<Plan>> {
    Ok(Json(state.store.plan(id).await?))
}

/// Changes a draft's settings (tolerances, phasing, ramp).
#[utoipa::path(patch, path = "/api/v1/plans/{id}", tag = "plans", params(("id" = i64, Path, description = "Plan id")),
    request_body = PlanSettings, responses((status = 200, body = Plan), (status = 409, description = "The plan is not a draft, or the change conflicts with its state", body = ErrorBody), (status = 422, description = "A value breaks a rule", body = ErrorBody)))]
pub async fn update(
    State(state): State<AppState>,
    Extension(caller): Extension<Caller>,
    headers: HeaderMap,
    ApiPath(id): ApiPath<i64>,
    ApiJson(settings): ApiJson<PlanSettings>,
) -> ApiResult<Json<Plan>> {
    Ok(Json(state.store.update_plan_settings(id, &settings, &actor(&caller, &headers)?).await?))
}

/// A status change.
#[derive(Deserialize, ToSchema)]
pub struct StatusBody {
    /// approved, revised or archived.
    #[schema(value_type = PlanStatus)]
    pub status: String,
}

/// Approves, revises or archives a plan; approving one revises the year's previously approved plan.
#[utoipa::path(post, path = "/api/v1/plans/{id}/status", tag = "plans", params(("id" = i64, Path, description = "Plan id")),
    request_body = StatusBody, responses((status = 200, body = Plan), (status = 400, description = "An unknown status", body = ErrorBody),
        (status = 409, description = "The life cycle forbids this change (or another plan of the year is approved)", body = ErrorBody)))]
pub async fn set_status(
    State(state): State<AppState>,
    Extension(caller): Extension<Caller>,
    headers: HeaderMap,
    ApiPath(id): ApiPath<i64>,
    ApiJson(body): ApiJson<StatusBody>,
) -> ApiResult<Json<Plan>> {
    let status: PlanStatus =
        body.status.parse().map_err(|e: pacer_core::plan::PlanError| ApiError::BadRequest(e.to_string()))?;
    Ok(Json(state.store.set_plan_status(id, status, &actor(&caller, &headers)?).await?))
}

/// A copy's name.
#[derive(Deserialize, ToSchema, Default)]
pub struct CopyBody {
    /// The scenario's name (default: the same name, next version).
    pub name: Option<String>,
}

/// Copies a plan into a new draft (a scenario, or the next version).
#[utoipa::path(post, path = "/api/v1/plans/{id}/copy", tag = "plans", params(("id" = i64, Path, description = "Plan id")),
    request_body = CopyBody, responses((status = 200, body = Plan),
        (status = 409, description = "A plan of that name and version exists", body = ErrorBody), (status = 422, description = "A value breaks a rule", body = ErrorBody)))]
pub async fn copy(
    State(state): State<AppState>,
    Extension(caller): Extension<Caller>,
    headers: HeaderMap,
    ApiPath(id): ApiPath<i64>,
    ApiJson(body): ApiJson<CopyBody>,
) -> ApiResult<Json<Plan>> {
    Ok(Json(state.store.copy_plan(id, body.name.as_deref(), &actor(&caller, &headers)?).await?))
}

/// A top-down allocation.
#[derive(Deserialize, ToSchema)]
pub struct AllocateBody {
    /// The KPI.
    pub kpi: String,
    /// Its annual target in units (minor units for money), 0 to 10^13.
    #[schema(minimum = 0, maximum = 10000000000000.0)]
    pub annual: i64,
    /// `teams` (then reps by capacity) or `reps`.
    #[serde(default = "default_to")]
    #[schema(pattern = "^(teams|reps)$")]
    pub to: String,
    /// `equal`, `weights` or `last_year`.
    #[serde(default = "default_split")]
    #[schema(pattern = "^(equal|weights|last_year)$")]
    pub split: String,
    /// One weight per recipient (split = weights).
    #[serde(default)]
    pub weights: Vec<f64>,
    /// `even`, `seasonal` or `custom`.
    #[serde(default = "default_months")]
    #[schema(pattern = "^(even|seasonal|custom)$")]
    pub months: String,
    /// 12 monthly weights (months = custom).
    #[serde(default)]
    pub month_weights: Vec<f64>,
    /// Only the teams and reps under this team.
    pub team: Option<i64>,
    /// Phase evenly when the history is too short for seasonal phasing.
    #[serde(default)]
    pub even_if_short_history: bool,
}

fn default_to() -> String {
    "teams".into()
}
fn default_split() -> String {
    "equal".into()
}
fn default_months() -> String {
    "even".into()
}

impl AllocateBody {
    /// The request, with unknown words refused.
    pub fn request(&self) -> ApiResult<AllocationRequest> {
        Ok(AllocationRequest {
            kpi: self.kpi.clone(),
            annual: self.annual,
            to: self.to.parse()?,
            split: Split::from_word(&self.split, &self.weights)?,
            months: MonthProfile::from_word(&self.months, &self.month_weights)?,
            team: self.team,
            even_if_short_history: self.even_if_short_history,
        })
    }
}

/// Allocates a KPI's annual target to teams and reps (with the ramp) and phases it into months;
/// replaces the plan's targets of that KPI. Drafts only.
#[utoipa::path(post, path = "/api/v1/plans/{id}/allocate", tag = "plans", params(("id" = i64, Path, description = "Plan id")),
    request_body = AllocateBody, responses((status = 200, body = Allocated),
        (status = 400, description = "An unknown word (to, split, months) or weights that do not fit", body = ErrorBody),
        (status = 404, description = "No such plan, KPI or team", body = ErrorBody), (status = 409, description = "The plan is not a draft, or the change conflicts with its state", body = ErrorBody), (status = 422, description = "A value breaks a rule", body = ErrorBody)))]
pub async fn allocate(
    State(state): State<AppState>,
    Extension(caller): Extension<Caller>,
    headers: HeaderMap,
    ApiPath(id): ApiPath<i64>,
    ApiJson(body): ApiJson<AllocateBody>,
) -> ApiResult<Json<Allocated>> {
    let ctx = state.context(&caller).await?;
    let who = actor(&caller, &headers)?;
    let plan = state.store.plan(id).await?;
    let req = body.request()?;
    Ok(Json(plans::allocate_kpi(&ctx, &plan, &req, &who).await?))
}

/// A plan's targets of one KPI: company, teams and reps by month, with the bottom-up gap.
#[utoipa::path(get, path = "/api/v1/plans/{id}/targets/{key}", tag = "plans",
    params(("id" = i64, Path, description = "Plan id"), ("key" = String, Path, description = "KPI key")),
    responses((status = 200, body = PlanSheet), (status = 404, description = "No such plan (or KPI)", body = ErrorBody)))]
pub async fn targets(
    State(state): State<AppState>,
    Extension(caller): Extension<Caller>,
    ApiPath((id, key)): ApiPath<(i64, String)>,
) -> ApiResult<Json<PlanSheet>> {
    let ctx = state.context(&caller).await?;
    let plan = state.store.plan(id).await?;
    Ok(Json(plans::sheet(&ctx, &plan, &key).await?))
}

/// Sets one target (a bottom-up edit) in a draft.
#[utoipa::path(put, path = "/api/v1/plans/{id}/targets", tag = "plans", params(("id" = i64, Path, description = "Plan id")),
    request_body = Target, responses((status = 200, body = Target), (status = 409, description = "The plan is not a draft, or the change conflicts with its state", body = ErrorBody), (status = 422, description = "A value breaks a rule", body = ErrorBody)))]
pub async fn set_target(
    State(state): State<AppState>,
    Extension(caller): Extension<Caller>,
    headers: HeaderMap,
    ApiPath(id): ApiPath<i64>,
    ApiJson(target): ApiJson<Target>,
) -> ApiResult<Json<Target>> {
    let ctx = state.context(&caller).await?;
    let plan = state.store.plan(id).await?;
    plans::set_targets(&ctx, &plan, std::slice::from_ref(&target), &actor(&caller, &headers)?).await?;
    Ok(Json(target))
}

/// Rows and columns of an attainment report.
#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct AttainmentQuery {
    /// Rows per rep, team or company (default rep).
    #[param(value_type = Option<pacer_core::report::Grouping>, inline)]
    pub by: Option<String>,
    /// Columns per month, quarter, half or year (default quarter).
    #[param(value_type = Option<pacer_core::fiscal_calendar::PeriodKind>, inline)]
    pub per: Option<String>,
}

/// Actual against plan: raw and credited attainment with the tolerance, per period and year to date.
#[utoipa::path(get, path = "/api/v1/plans/{id}/attainment/{key}", tag = "plans",
    params(("id" = i64, Path, description = "Plan id"), ("key" = String, Path, description = "KPI key"), AttainmentQuery),
    responses((status = 200, body = AttainmentReport), (status = 400, description = "An unknown grouping or period", body = ErrorBody), (status = 404, description = "No such plan (or KPI)", body = ErrorBody)))]
pub async fn attainment(
    State(state): State<AppState>,
    Extension(caller): Extension<Caller>,
    ApiPath((id, key)): ApiPath<(i64, String)>,
    ApiQuery(q): ApiQuery<AttainmentQuery>,
) -> ApiResult<Json<AttainmentReport>> {
    let ctx = state.context(&caller).await?;
    let plan = state.store.plan(id).await?;
    let by = pacer_app::parse_word(q.by.as_deref())?.unwrap_or(pacer_core::report::Grouping::Rep);
    let per = pacer_app::parse_word(q.per.as_deref())?.unwrap_or(pacer_core::fiscal_calendar::PeriodKind::Quarter);
    Ok(Json(plans::attainment_report(&ctx, &plan, &key, by, per).await?))
}

/// Which plans to compare.
#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct CompareQuery {
    /// Plan ids, comma-separated; the first is the baseline.
    #[param(pattern = r"^[0-9]+(,[0-9]+)*$", example = "1,2")]
    pub ids: String,
}

/// Plans side by side: totals per KPI and per team, differences against the first.
#[utoipa::path(get, path = "/api/v1/plans/compare", tag = "plans", params(CompareQuery),
    responses((status = 200, body = Comparison), (status = 400, description = "Plan ids that are not numbers", body = ErrorBody),
        (status = 404, description = "No such plan", body = ErrorBody), (status = 422, description = "A value breaks a rule", body = ErrorBody)))]
pub async fn compare(
    State(state): State<AppState>,
    Extension(caller): Extension<Caller>,
    ApiQuery(q): ApiQuery<CompareQuery>,
) -> ApiResult<Json<Comparison>> {
    let ctx = state.context(&caller).await?;
    let ids = q
        .ids
        .split(',')
        .map(|s| s.trim().parse::<i64>().map_err(|_| ApiError::BadRequest(format!("plan id {s:?} is not a number"))))
        .collect::<ApiResult<Vec<_>>>()?;
    Ok(Json(plans::compare_plans(&ctx, &ids).await?))
}

/// The growth calculator's inputs (rates as fractions: 0.07 for 7%).
#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct GrowthQuery {
    /// Starting customers, or recurring revenue in minor units.
    pub base: i64,
    /// Expected annual churn rate.
    pub churn: f64,
    /// Expected annual expansion rate (0 for customers).
    #[serde(default)]
    pub expansion: f64,
    /// Wanted net growth.
    pub growth: f64,
}

/// Gross new business needed to grow by the wanted rate despite churn: B × (g + c − e), with the arithmetic.
#[utoipa::path(get, path = "/api/v1/growth", tag = "plans", params(GrowthQuery),
    responses((status = 200, body = GrowthTarget), (status = 400, description = "Rates out of range", body = ErrorBody)))]
pub async fn growth(ApiQuery(q): ApiQuery<GrowthQuery>) -> ApiResult<Json<GrowthTarget>> {
    gross_new_needed(q.base, q.churn, q.expansion, q.growth).map(Json).map_err(|e| ApiError::BadRequest(e.to_string()))
}

/// The long-term horizon in stages with its projection of customers and recurring revenue.
#[utoipa::path(get, path = "/api/v1/horizon", tag = "plans",
    responses((status = 200, body = plans::HorizonView), (status = 404, description = "No horizon has been set", body = ErrorBody)))]
pub async fn horizon(
    State(state): State<AppState>,
    Extension(caller): Extension<Caller>,
) -> ApiResult<Json<plans::HorizonView>> {
    let ctx = state.context(&caller).await?;
    plans::horizon_view(&ctx)
        .await?
        .map(Json)
        .ok_or_else(|| ApiError::NotFound("no long-term horizon has been set".into()))
}

/// Sets the long-term horizon (5 to 10 years in contiguous stages).
#[utoipa::path(put, path = "/api/v1/horizon", tag = "plans", request_body = pacer_core::plan::Horizon,
    responses((status = 200, body = plans::HorizonView), (status = 422, description = "Stages that are not 5 to 10 contiguous years, or rates out of range", body = ErrorBody)))]
pub async fn set_horizon(
    State(state): State<AppState>,
    Extension(caller): Extension<Caller>,
    headers: HeaderMap,
    ApiJson(horizon): ApiJson<pacer_core::plan::Horizon>,
) -> ApiResult<Json<plans::HorizonView>> {
    let ctx = state.context(&caller).await?;
    horizon.validate().map_err(|e| ApiError::invalid(e.to_string()))?;
    let mut org = load_organisation(&state).await?;
    org.horizon = Some(horizon);
    state.store.save_organisation(&org, &actor(&caller, &headers)?).await?;
    plans::horizon_view(&ctx)
        .await?
        .map(Json)
        .ok_or_else(|| ApiError::Internal("the horizon just saved is missing".into()))
}

/// Which KPI and year.
#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct SeasonalityQuery {
    /// The fiscal year the indices are for (from the years before it; default the current one).
    #[param(minimum = 1900, maximum = 2200)]
    pub fy: Option<i32>,
}

/// A KPI's outlook for a fiscal year: seasonal indices per fiscal month from its history (with
/// warnings when it is short), this year's actuals seasonally adjusted, and the year-end
/// projection by the indices next to a statistical forecast.
#[utoipa::path(get, path = "/api/v1/seasonality/{key}", tag = "plans",
    params(("key" = String, Path, description = "KPI key"), SeasonalityQuery),
    responses((status = 200, body = plans::Outlook), (status = 400, description = "A fiscal year out of range", body = ErrorBody),
        (status = 404, description = "No such KPI", body = ErrorBody)))]
pub async fn seasonality(
    State(state): State<AppState>,
    Extension(caller): Extension<Caller>,
    ApiPath(key): ApiPath<String>,
    ApiQuery(q): ApiQuery<SeasonalityQuery>,
) -> ApiResult<Json<plans::Outlook>> {
    let ctx = state.context(&caller).await?;
    let org = load_organisation(&state).await?;
    let fy = q.fy.unwrap_or_else(|| org.fiscal_year_of(today()));
    Ok(Json(plans::outlook(&ctx, &key, fy).await?))
}

/// The plan as a workbook: an About sheet, then a sheet per KPI with owners by fiscal month and
/// the year as a formula; only the month cells are editable.
#[utoipa::path(get, path = "/api/v1/plans/{id}/xlsx", tag = "plans", params(("id" = i64, Path, description = "Plan id")),
    responses((status = 200, content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", body = super::Binary),
        (status = 404, description = "No such plan", body = ErrorBody)))]
pub async fn export_xlsx(
    State(state): State<AppState>,
    Extension(caller): Extension<Caller>,
    ApiPath(id): ApiPath<i64>,
) -> ApiResult<axum::response::Response> {
    // A workbook is for people: in the caller's language, as the pages.
    let ctx = state.context(&caller).await?.in_locale(crate::auth::reader_locale(&state, &caller).await?);
    use axum::http::header;
    use axum::response::IntoResponse;
    use pacer_app::plan_xlsx;
    let plan = state.store.plan(id).await?;
    let body = plan_xlsx::export(&ctx, &plan).await?;
    let file = format!("attachment; filename=\"plan-{}-FY{}-v{}.xlsx\"", plan.id, plan.fiscal_year, plan.version);
    Ok(([(header::CONTENT_TYPE, plan_xlsx::XLSX_MEDIA_TYPE.to_string()), (header::CONTENT_DISPOSITION, file)], body)
        .into_response())
}

/// Imports an edited plan workbook into a draft: every cell is checked (unknown teams and reps,
/// months outside the fiscal year, negative or malformed amounts, totals that no longer match their
/// months), and with any problem nothing is written (422 lists each sheet, row, column, value and
/// reason). Otherwise each KPI sheet replaces that KPI's targets.
#[utoipa::path(put, path = "/api/v1/plans/{id}/xlsx", tag = "plans", params(("id" = i64, Path, description = "Plan id")),
    request_body(description = "The workbook",
        content((super::Binary = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"), (super::Binary = "application/octet-stream"))),
    responses((status = 200, body = pacer_app::plan_xlsx::ImportReport), (status = 400, description = "Another content type, or not a workbook", body = ErrorBody),
        (status = 404, description = "No such plan", body = ErrorBody), (status = 409, description = "The plan is not a draft, or the change conflicts with its state", body = ErrorBody),
        (status = 422, description = "Cells that are not valid: `details` has each sheet, row, column, value and reason; nothing was written", body = ErrorBody)))]
pub async fn import_xlsx(
    State(state): State<AppState>,
    Extension(caller): Extension<Caller>,
    headers: HeaderMap,
    ApiPath(id): ApiPath<i64>,
    body: axum::body::Bytes,
) -> ApiResult<Json<pacer_app::plan_xlsx::ImportReport>> {
    let ctx = state.context(&caller).await?;
    use pacer_app::plan_xlsx;
    let who = actor(&caller, &headers)?;
    let kind = headers.get(axum::http::header::CONTENT_TYPE).and_then(|v| v.to_str().ok()).unwrap_or_default();
    let kind = kind.split(';').next().unwrap_or_default().trim();
    if !kind.eq_ignore_ascii_case(plan_xlsx::XLSX_MEDIA_TYPE) && !kind.eq_ignore_ascii_case("application/octet-stream")
    {
        return Err(ApiError::BadRequest(format!(
            "content type {kind:?}: send the workbook as {} or application/octet-stream",
            plan_xlsx::XLSX_MEDIA_TYPE
        )));
    }
    let plan = state.store.plan(id).await?;
    Ok(Json(plan_xlsx::import(&ctx, &plan, &body, &who).await?))
}
