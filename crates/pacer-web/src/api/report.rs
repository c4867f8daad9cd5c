//! Reports, leaderboards and the pipeline over the API (PRODUCT.md C4), and
//! the rebuild of the daily rollups. Everyone reads within their scope: a
//! rep their own figures, a manager their teams', leaders everything.

use super::{ApiPath, ApiQuery, Viewer, actor};
use crate::AppState;
use crate::auth::Caller;
use crate::error::{ApiError, ApiResult, ErrorBody};
use axum::Json;
use axum::extract::{Extension, State};
use axum::http::HeaderMap;
use axum::response::Response;
use chrono::NaiveDate;
use pacer_app::report::{self as reports, Leaderboard, Pipeline, ReportRequest, report_sheet};
use pacer_core::report::Scope;
use pacer_storage::RollupCounts;
use serde::Deserialize;
use std::collections::HashSet;
use utoipa::IntoParams;

/// Which figures: rows, columns, span and filters.
#[derive(Deserialize, IntoParams, Default, Clone)]
#[into_params(parameter_in = Query)]
pub struct ReportQuery {
    /// Rows per `rep`, `team` or `company` (reports default to rep, the pipeline to team).
    #[param(value_type = Option<pacer_core::report::Grouping>, inline)]
    pub by: Option<String>,
    /// Columns per `week`, `month`, `quarter`, `half` or `year` (default month).
    #[param(value_type = Option<pacer_core::fiscal_calendar::PeriodKind>, inline)]
    pub per: Option<String>,
    /// Fiscal year (default: the current one).
    #[param(minimum = 1900, maximum = 2200)]
    pub fy: Option<i32>,
    /// A named period instead, e.g. `FY2027-Q2`.
    pub period: Option<String>,
    /// A date range instead: first day (with `to`).
    pub from: Option<NaiveDate>,
    /// A date range instead: last day (with `from`).
    pub to: Option<NaiveDate>,
    /// Only this team and the teams below it.
    pub team: Option<i64>,
    /// Only the teams of this region.
    pub region: Option<String>,
    /// Activity field filters, `field=value`, several separated by `;`.
    pub field: Option<String>,
    /// Deal kinds, comma-separated (new, upsell, cross-sell, renewal).
    pub deal_kind: Option<String>,
    /// `json` (default), `csv` or `xlsx`.
    #[param(value_type = Option<super::Format>, inline)]
    pub format: Option<String>,
}

impl ReportQuery {
    /// The request for a KPI.
    pub fn request(&self, kpi: &str) -> ApiResult<ReportRequest> {
        let fields = self
            .field
            .as_deref()
            .unwrap_or_default()
            .split(';')
            .filter(|f| !f.trim().is_empty())
            .map(|f| {
                f.split_once('=')
                    .map(|(k, v)| (k.trim().to_string(), v.trim().to_string()))
                    .ok_or_else(|| ApiError::BadRequest(format!("field filter {f:?} is not field=value")))
            })
            .collect::<ApiResult<Vec<_>>>()?;
        let deal_kinds = self
            .deal_kind
            .as_deref()
            .unwrap_or_default()
            .split(',')
            .filter(|k| !k.trim().is_empty())
            .map(|k| k.parse().map_err(ApiError::BadRequest))
            .collect::<ApiResult<Vec<_>>>()?;
        Ok(ReportRequest {
            kpi: kpi.to_string(),
            by: pacer_app::parse_word(self.by.as_deref())?,
            per: pacer_app::parse_word(self.per.as_deref())?,
            fy: self.fy,
            period: self.period.clone(),
            from: self.from,
            to: self.to,
            team: self.team,
            region: self.region.clone(),
            fields,
            deal_kinds,
            cut_off: None,
        })
    }
}

/// The report for a query, shared by the API and the pages (`ctx`: the caller's, in the
/// language its column notes are written in).
pub async fn report(
    state: &AppState,
    caller: &Caller,
    ctx: &pacer_app::Context<'_>,
    kpi: &str,
    q: &ReportQuery,
) -> ApiResult<reports::Report> {
    let viewer = Viewer::of(state, caller).await?;
    let scope = ctx.scope()?;
    if scope.reps.is_some() && q.by.as_deref().is_some_and(|b| b.trim() != "rep") {
        return Err(ApiError::Forbidden);
    }
    if let Some(team) = q.team {
        crate::api::org::visible_team(state, &viewer, team).await?;
    }
    let req = q.request(kpi)?;
    Ok(reports::report(ctx, scope, &req).await?)
}

/// A report as JSON, CSV or an XLSX download.
pub async fn report_response(
    state: &AppState,
    caller: &Caller,
    report: &reports::Report,
    format: Option<&str>,
) -> ApiResult<Response> {
    super::tabular_response(state, caller, report, || vec![report_sheet(report)], &report.kpi, format, None).await
}

/// A KPI by rep, team or company, per fiscal period: the last column is the
/// whole span, computed from its sums (never a mean of percentages).
#[utoipa::path(get, path = "/api/v1/reports/{key}", tag = "reports", params(("key" = String, Path, description = "KPI key"), ReportQuery),
    responses((status = 200, description = "The report as JSON, or a CSV or XLSX download (`format`)",
            content((reports::Report = "application/json"), (String = "text/csv"), (super::Binary = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"))),
        (status = 400, description = "An unknown grouping, period, filter or format", body = ErrorBody),
        (status = 403, description = "A rep asking for figures other than their own lines", body = ErrorBody),
        (status = 404, description = "No such KPI or team (or one the caller may not see)", body = ErrorBody)))]
pub async fn get_report(
    State(state): State<AppState>,
    Extension(caller): Extension<Caller>,
    ApiPath(kpi): ApiPath<String>,
    ApiQuery(q): ApiQuery<ReportQuery>,
) -> ApiResult<Response> {
    let report = report(&state, &caller, &state.context(&caller).await?, &kpi, &q).await?;
    report_response(&state, &caller, &report, q.format.as_deref()).await
}

/// The leaderboard for a query, shared by the API and the pages.
pub async fn leaderboard(state: &AppState, caller: &Caller, kpi: &str, q: &ReportQuery) -> ApiResult<Leaderboard> {
    let viewer = Viewer::of(state, caller).await?;
    let ctx = state.context(caller).await?;
    let mut scope = ctx.scope()?;
    let me = ctx.own_rep();
    // A rep sees the board of their own team, to know where they stand.
    if scope.reps.is_some() {
        scope = Scope { teams: viewer.own_team.map(|t| HashSet::from([t])), ..Scope::default() };
        if scope.teams.is_none() {
            scope.reps = me.map(|r| HashSet::from([r]));
        }
    }
    if let Some(team) = q.team {
        crate::api::org::visible_team(state, &viewer, team).await?;
    }
    let req = q.request(kpi)?;
    Ok(reports::leaderboard(&ctx, scope, &req).await?)
}

/// Reps ranked on a KPI over a period: equal values share a rank and the
/// next rank skips; `me` is the caller's own line.
#[utoipa::path(get, path = "/api/v1/leaderboards/{key}", tag = "reports", params(("key" = String, Path, description = "KPI key"), ReportQuery),
    responses((status = 200, body = Leaderboard), (status = 400, description = "An unknown period or filter", body = ErrorBody),
        (status = 404, description = "No such KPI or team (or one the caller may not see)", body = ErrorBody)))]
pub async fn get_leaderboard(
    State(state): State<AppState>,
    Extension(caller): Extension<Caller>,
    ApiPath(kpi): ApiPath<String>,
    ApiQuery(q): ApiQuery<ReportQuery>,
) -> ApiResult<Json<Leaderboard>> {
    Ok(Json(leaderboard(&state, &caller, &kpi, &q).await?))
}

/// The pipeline for a query, shared by the API and the pages.
pub async fn pipeline(state: &AppState, caller: &Caller, q: &ReportQuery) -> ApiResult<Pipeline> {
    let viewer = Viewer::of(state, caller).await?;
    let ctx = state.context(caller).await?;
    let scope = ctx.scope()?;
    if let Some(team) = q.team {
        crate::api::org::visible_team(state, &viewer, team).await?;
    }
    let req = q.request("")?;
    Ok(reports::pipeline(&ctx, scope, &req).await?)
}

/// Open deals by stage and forecast category, weighted pipeline, won
/// business and coverage of the quota still to reach, per rep, team or company.
#[utoipa::path(get, path = "/api/v1/pipeline", tag = "reports", params(ReportQuery),
    responses((status = 200, body = Pipeline), (status = 400, description = "An unknown grouping, period or filter", body = ErrorBody),
        (status = 404, description = "No such team (or one the caller may not see)", body = ErrorBody)))]
pub async fn get_pipeline(
    State(state): State<AppState>,
    Extension(caller): Extension<Caller>,
    ApiQuery(q): ApiQuery<ReportQuery>,
) -> ApiResult<Json<Pipeline>> {
    Ok(Json(pipeline(&state, &caller, &q).await?))
}

/// Recomputes the daily rollups from the raw records.
#[utoipa::path(post, path = "/api/v1/rollups/rebuild", tag = "reports", responses((status = 200, body = RollupCountsBody)))]
pub async fn rebuild(
    State(state): State<AppState>,
    Extension(caller): Extension<Caller>,
    headers: HeaderMap,
) -> ApiResult<Json<RollupCountsBody>> {
    let who = actor(&caller, &headers)?;
    let counts = state.store.rebuild_rollups().await?;
    tracing::info!(actor = %who.name, activity_days = counts.activity_days, deal_days = counts.deal_days, "rollups rebuilt");
    Ok(Json(counts.into()))
}

/// How many rows the daily rollups hold after a rebuild.
#[derive(serde::Serialize, utoipa::ToSchema)]
pub struct RollupCountsBody {
    /// (rep, day, activity type) rows.
    pub activity_days: i64,
    /// (rep, close date, deal kind, status) rows.
    pub deal_days: i64,
}

impl From<RollupCounts> for RollupCountsBody {
    fn from(c: RollupCounts) -> Self {
        Self { activity_days: c.activity_days, deal_days: c.deal_days }
    }
}
