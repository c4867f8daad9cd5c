//! The metric catalog over the API: read it, apply a new version, edit a
//! KPI, the readiness report, and a KPI's value.

use super::{ApiPath, ApiQuery, Viewer, actor, principal, today};
use crate::AppState;
use crate::api::org::load_organisation;
use crate::auth::Caller;
use crate::error::{ApiError, ApiResult, ErrorBody};
use axum::Json;
use axum::extract::{Extension, State};
use axum::http::{HeaderMap, header};
use axum::response::IntoResponse;
use chrono::NaiveDate;
use pacer_app::catalog::Applied;
use pacer_core::catalog::{Catalog, KpiEdit, Problem, Severity, check};
use pacer_core::kpi::KpiValue;
use pacer_core::org::subtree;
use pacer_core::readiness::ReadinessRow;
use pacer_storage::{CatalogVersion, RepFilter};
use serde::{Deserialize, Serialize};
use std::collections::HashSet;
use utoipa::{IntoParams, ToSchema};

/// The catalog in force.
#[derive(Serialize, ToSchema)]
pub struct CatalogBody {
    /// Version number.
    pub version: i64,
    /// When it was applied.
    pub applied_at: String,
    /// Who applied it.
    pub applied_by: String,
    /// The catalog (the structure of `metrics.toml`, see docs/metrics.md).
    #[schema(value_type = Object)]
    pub catalog: serde_json::Value,
}

/// Loads the catalog in force, or answers 404 saying how to apply one.
pub async fn require_catalog(state: &AppState) -> ApiResult<(CatalogVersion, Catalog)> {
    pacer_app::catalog::current_catalog(state.store.as_ref())
        .await?
        .ok_or_else(|| ApiError::NotFound("no metric catalog has been applied yet".into()))
}

/// The catalog in force.
#[utoipa::path(get, path = "/api/v1/catalog", tag = "catalog",
    responses((status = 200, body = CatalogBody), (status = 404, description = "No catalog has been applied yet", body = ErrorBody)))]
pub async fn get_catalog(State(state): State<AppState>) -> ApiResult<Json<CatalogBody>> {
    let (version, catalog) = require_catalog(&state).await?;
    Ok(Json(CatalogBody {
        version: version.version,
        applied_at: version.applied_at,
        applied_by: version.applied_by,
        catalog: serde_json::to_value(&catalog).map_err(|e| ApiError::Internal(e.to_string()))?,
    }))
}

/// The catalog in force as `metrics.toml`.
#[utoipa::path(get, path = "/api/v1/catalog/toml", tag = "catalog",
    responses((status = 200, content_type = "application/toml", body = String, description = "metrics.toml"),
        (status = 404, description = "No catalog has been applied yet", body = ErrorBody)))]
pub async fn export_catalog(State(state): State<AppState>) -> ApiResult<impl IntoResponse> {
    let (version, catalog) = require_catalog(&state).await?;
    let text = catalog.to_toml().map_err(ApiError::Internal)?;
    let body = format!(
        "# Pacer metric catalog, version {} (applied {} by {})\n{text}",
        version.version, version.applied_at, version.applied_by
    );
    Ok((
        [
            (header::CONTENT_TYPE, "application/toml; charset=utf-8"),
            (header::CONTENT_DISPOSITION, "attachment; filename=\"metrics.toml\""),
        ],
        body,
    ))
}

/// What applying a catalog did.
#[derive(Serialize, ToSchema)]
pub struct AppliedBody {
    /// The version in force now.
    pub version: i64,
    /// Whether a new version was recorded.
    pub changed: bool,
    /// What changed.
    pub diff: Vec<String>,
    /// Warnings (e.g. a planned KPI ready after the year starts).
    pub warnings: Vec<Problem>,
}

fn problems_error(problems: Vec<Problem>) -> ApiError {
    let errors = problems.iter().filter(|p| p.severity == Severity::Error).count();
    ApiError::Unprocessable {
        message: format!("the catalog has {errors} error(s); nothing was applied"),
        details: problems.iter().map(|p| serde_json::to_value(p).unwrap_or_default()).collect(),
    }
}

/// How to apply a catalog.
#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ApplyQuery {
    /// Apply it even if it defines no KPI, which removes every KPI in force (default false).
    pub force: Option<bool>,
}

/// Applies a catalog sent as TOML text; with any error, nothing is applied (422 lists every
/// problem). A catalog without KPIs is refused unless `force=true`.
#[utoipa::path(put, path = "/api/v1/catalog", tag = "catalog", params(ApplyQuery),
    request_body(description = "metrics.toml (any content type is read as text)",
        content((String = "application/toml"), (String = "text/plain"))),
    responses((status = 200, body = AppliedBody),
        (status = 422, description = "The catalog has errors (or no KPI, without force): `details` lists each problem", body = ErrorBody)))]
pub async fn put_catalog(
    State(state): State<AppState>,
    Extension(caller): Extension<Caller>,
    headers: HeaderMap,
    ApiQuery(q): ApiQuery<ApplyQuery>,
    body: String,
) -> ApiResult<Json<AppliedBody>> {
    let ctx = state.context(&caller).await?;
    let who = actor(&caller, &headers)?;
    apply_text(&ctx, "metrics.toml", &body, &who, q.force.unwrap_or(false)).await.map(Json)
}

/// Checks and applies `text` (see [`pacer_app::catalog::apply_catalog`] for `force`); the
/// answer the API and the pages show.
pub async fn apply_text(
    ctx: &pacer_app::Context<'_>,
    file: &str,
    text: &str,
    who: &pacer_core::audit::Actor,
    force: bool,
) -> ApiResult<AppliedBody> {
    match pacer_app::catalog::apply_catalog(ctx, file, text, who, force).await {
        Err(problems) => Err(problems_error(problems)),
        Ok(Applied::Unchanged(version)) => {
            Ok(AppliedBody { version, changed: false, diff: Vec::new(), warnings: Vec::new() })
        }
        Ok(Applied::New(version, warnings)) => {
            Ok(AppliedBody { version: version.version, changed: true, diff: version.diff, warnings })
        }
    }
}

/// Edits a KPI's priority, owner, description or capture; the result is checked and applied as a new version.
#[utoipa::path(patch, path = "/api/v1/kpis/{key}", tag = "catalog", request_body = KpiEdit, params(("key" = String, Path, description = "KPI key")),
    responses((status = 200, body = AppliedBody), (status = 404, description = "No catalog, or no such KPI", body = ErrorBody),
        (status = 422, description = "The edited catalog has errors", body = ErrorBody)))]
pub async fn patch_kpi(
    State(state): State<AppState>,
    Extension(caller): Extension<Caller>,
    headers: HeaderMap,
    ApiPath(key): ApiPath<String>,
    super::ApiJson(edit): super::ApiJson<KpiEdit>,
) -> ApiResult<Json<AppliedBody>> {
    let ctx = state.context(&caller).await?;
    let (_, catalog) = require_catalog(&state).await?;
    let text = catalog.with_kpi_edit(&key, &edit).map_err(ApiError::invalid)?.to_toml().map_err(ApiError::Internal)?;
    apply_text(&ctx, "metrics.toml", &text, &actor(&caller, &headers)?, false).await.map(Json)
}

/// Readiness parameters.
#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ReadinessQuery {
    /// Fiscal year (default: the current one).
    #[param(minimum = 1900, maximum = 2200)]
    pub fy: Option<i32>,
    /// Completeness window in working days (default 5).
    #[param(minimum = 1, maximum = 60)]
    pub days: Option<u32>,
}

/// The readiness rows for a query, shared by the API and the page.
pub async fn readiness_rows(ctx: &pacer_app::Context<'_>, q: &ReadinessQuery) -> ApiResult<(i32, Vec<ReadinessRow>)> {
    let fy = q.fy.unwrap_or_else(|| ctx.org.fiscal_year_of(ctx.today));
    let year = ctx.org.calendar.year(fy).map_err(|e| ApiError::BadRequest(e.to_string()))?;
    let days = q.days.unwrap_or(5);
    if !(1..=60).contains(&days) {
        return Err(ApiError::BadRequest(format!("days {days} is not valid: use 1 to 60 working days")));
    }
    Ok((fy, pacer_app::readiness::readiness(ctx, &year, ctx.today, days).await?))
}

/// The readiness report, by priority.
#[utoipa::path(get, path = "/api/v1/readiness", tag = "catalog", params(ReadinessQuery),
    responses((status = 200, body = [ReadinessRow]), (status = 400, description = "A year or window out of range", body = ErrorBody)))]
pub async fn readiness(
    State(state): State<AppState>,
    Extension(caller): Extension<Caller>,
    ApiQuery(q): ApiQuery<ReadinessQuery>,
) -> ApiResult<Json<Vec<ReadinessRow>>> {
    let ctx = state.context(&caller).await?;
    Ok(Json(readiness_rows(&ctx, &q).await?.1))
}

/// A KPI's value over a range.
#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ValueQuery {
    /// First day.
    pub from: NaiveDate,
    /// Last day (inclusive).
    pub to: NaiveDate,
    /// Only this team and the teams below it.
    pub team: Option<i64>,
    /// Only this rep.
    pub rep: Option<i64>,
}

/// The value of a KPI over a date range, for the company, a team or a rep the caller may see.
#[utoipa::path(get, path = "/api/v1/kpis/{key}/value", tag = "catalog", params(("key" = String, Path, description = "KPI key"), ValueQuery),
    responses((status = 200, body = KpiValue), (status = 400, description = "Dates out of order, or both team and rep", body = ErrorBody),
        (status = 403, description = "The company's figure, asked by someone who does not see everything", body = ErrorBody),
        (status = 404, description = "No such KPI, team or rep (or one the caller may not see)", body = ErrorBody)))]
pub async fn kpi_value(
    State(state): State<AppState>,
    Extension(caller): Extension<Caller>,
    ApiPath(key): ApiPath<String>,
    ApiQuery(q): ApiQuery<ValueQuery>,
) -> ApiResult<Json<KpiValue>> {
    let ctx = state.context(&caller).await?;
    if q.to < q.from {
        return Err(ApiError::BadRequest(format!("to {} is before from {}", q.to, q.from)));
    }
    let viewer = Viewer::of(&state, &caller).await?;
    let reps: Option<HashSet<i64>> = match (q.team, q.rep) {
        (Some(_), Some(_)) => return Err(ApiError::BadRequest("give team or rep, not both".into())),
        (Some(team), None) => {
            let team = crate::api::org::visible_team(&state, &viewer, team).await?;
            let teams = state.store.teams().await?;
            let filter = RepFilter { teams: Some(subtree(&teams, team.id)), active_on: None };
            Some(state.store.reps(&filter, q.to).await?.iter().map(|r| r.id).collect())
        }
        (None, Some(rep)) => Some(HashSet::from([crate::api::org::visible_rep(&state, &viewer, rep).await?.id])),
        (None, None) if principal(&caller)?.sees_everything() => None,
        (None, None) => return Err(ApiError::Forbidden),
    };
    Ok(Json(pacer_app::kpi::kpi_value(&ctx, &key, q.from, q.to, reps.as_ref()).await?))
}

/// Checks a catalog without applying it: every problem.
#[utoipa::path(post, path = "/api/v1/catalog/check", tag = "catalog",
    request_body(description = "metrics.toml (any content type is read as text)",
        content((String = "application/toml"), (String = "text/plain"))),
    responses((status = 200, description = "No error: the warnings, if any", body = [Problem]),
        (status = 422, description = "The catalog has errors: `details` lists every problem", body = ErrorBody)))]
pub async fn check_catalog(State(state): State<AppState>, body: String) -> ApiResult<Json<Vec<Problem>>> {
    let org = load_organisation(&state).await?;
    let year = check("metrics.toml", &body, None).catalog.and_then(|c| c.fiscal_year);
    let checked = check("metrics.toml", &body, pacer_app::catalog::catalog_year_start(&org, year, today()));
    if checked.has_errors() {
        let errors = checked.problems.iter().filter(|p| p.severity == Severity::Error).count();
        return Err(ApiError::Unprocessable {
            message: format!("the catalog has {errors} error(s)"),
            details: checked.problems.iter().map(|p| serde_json::to_value(p).unwrap_or_default()).collect(),
        });
    }
    Ok(Json(checked.problems))
}

/// Completeness parameters.
#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct CompletenessQuery {
    /// The manual KPI (default: every manual KPI).
    pub kpi: Option<String>,
    /// Working days to look back (default 5).
    #[param(minimum = 1, maximum = 60)]
    pub days: Option<u32>,
}

/// How complete a manual KPI's logging is.
#[derive(Serialize, ToSchema)]
pub struct CompletenessBody {
    /// The KPI's key.
    pub kpi: String,
    /// Its name.
    pub name: String,
    /// The window, in working days.
    pub days: u32,
    /// Who logged and who did not.
    pub completeness: pacer_core::readiness::Completeness,
}

/// Which active reps have not logged a manual KPI's activities in the last N working days.
#[utoipa::path(get, path = "/api/v1/completeness", tag = "capture", params(CompletenessQuery),
    responses((status = 200, description = "One line per manual KPI", body = [CompletenessBody]),
        (status = 400, description = "A window out of range", body = ErrorBody),
        (status = 404, description = "No catalog, or not a manual KPI of it", body = ErrorBody)))]
pub async fn completeness(
    State(state): State<AppState>,
    Extension(caller): Extension<Caller>,
    ApiQuery(q): ApiQuery<CompletenessQuery>,
) -> ApiResult<Json<Vec<CompletenessBody>>> {
    let ctx = state.context(&caller).await?;
    let (_, catalog) = require_catalog(&state).await?;
    let days = q.days.unwrap_or(5);
    if !(1..=60).contains(&days) {
        return Err(ApiError::BadRequest(format!("days {days} is not valid: use 1 to 60 working days")));
    }
    let mut out = Vec::new();
    for kpi in
        catalog.by_priority().into_iter().filter(|k| k.capture.method == pacer_core::catalog::CaptureMethod::Manual)
    {
        if q.kpi.as_deref().is_some_and(|key| key != kpi.key()) {
            continue;
        }
        let types: Vec<String> = kpi.definition.types.iter().map(|t| t.get_ref().clone()).collect();
        let c = pacer_app::readiness::kpi_completeness(&ctx, &types, today(), days).await?;
        out.push(CompletenessBody { kpi: kpi.key().to_string(), name: kpi.name.clone(), days, completeness: c });
    }
    if let Some(key) = &q.kpi
        && out.is_empty()
    {
        return Err(ApiError::NotFound(format!("{key:?} is not a manual KPI of the catalog")));
    }
    Ok(Json(out))
}

/// A date range.
#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct RangeQuery {
    /// First day (default: 30 days ago).
    pub from: Option<NaiveDate>,
    /// Last day (default: today).
    pub to: Option<NaiveDate>,
}

/// The logging contest: manually logged activities per rep, ranked with ties.
#[utoipa::path(get, path = "/api/v1/logging-contest", tag = "capture", params(RangeQuery),
    responses((status = 200, body = [pacer_core::report::Standing<i64>]), (status = 400, description = "Dates out of order", body = ErrorBody)))]
pub async fn logging_contest(
    State(state): State<AppState>,
    Extension(caller): Extension<Caller>,
    ApiQuery(q): ApiQuery<RangeQuery>,
) -> ApiResult<Json<Vec<pacer_core::report::Standing<i64>>>> {
    let ctx = state.context(&caller).await?;
    let to = q.to.unwrap_or_else(today);
    let from = q.from.unwrap_or(to - chrono::Days::new(30));
    if to < from {
        return Err(ApiError::BadRequest(format!("to {to} is before from {from}")));
    }
    Ok(Json(pacer_app::logging::logging_contest(&ctx, from, to).await?))
}
