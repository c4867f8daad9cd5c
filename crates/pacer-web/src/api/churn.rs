//! Attrition and churn over the API (PRODUCT.md C8): the report by period,
//! a month's movements with the accounts behind them, cohorts, rate
//! conversions and churn reasons.

use super::{ApiJson, ApiQuery, Viewer, actor, today};
use crate::AppState;
use crate::api::org::{load_organisation, visible_team};
use crate::auth::Caller;
use crate::error::{ApiError, ApiResult, ErrorBody};
use axum::Json;
use axum::extract::{Extension, State};
use axum::http::HeaderMap;
use chrono::NaiveDate;
use pacer_app::churn::ChurnReport;
use pacer_core::churn::{ChurnTag, CohortRow, Movements, RatePeriod, convert_rate};
use pacer_core::org::subtree;
use pacer_core::values::{Month, Rate};
use pacer_storage::RepFilter;
use serde::{Deserialize, Serialize};
use std::collections::HashSet;
use utoipa::{IntoParams, ToSchema};

/// Which periods, and whose accounts.
#[derive(Deserialize, IntoParams, Default)]
#[into_params(parameter_in = Query)]
pub struct ChurnQuery {
    /// Fiscal year (default: the current one).
    #[param(minimum = 1900, maximum = 2200)]
    pub fy: Option<i32>,
    /// A named period instead, e.g. `FY2027-Q2`.
    pub period: Option<String>,
    /// Rows per month, quarter or half (default month).
    #[param(value_type = Option<pacer_core::fiscal_calendar::PeriodKind>, inline)]
    pub by: Option<String>,
    /// Only the accounts of this team's reps (and the teams below it).
    pub team: Option<i64>,
    /// Only the accounts of this segment, e.g. `Enterprise`.
    pub segment: Option<String>,
}

/// The reps whose accounts a churn figure covers: a visible team's, or
/// everyone's for those who see everything.
pub async fn churn_scope(
    state: &AppState,
    viewer: &Viewer,
    team: Option<i64>,
    on: NaiveDate,
) -> ApiResult<Option<HashSet<i64>>> {
    match team {
        Some(team) => {
            let team = visible_team(state, viewer, team).await?;
            let filter = RepFilter { teams: Some(subtree(&state.store.teams().await?, team.id)), active_on: None };
            Ok(Some(state.store.reps(&filter, on).await?.iter().map(|r| r.id).collect()))
        }
        None if viewer.principal.sees_everything() => Ok(None),
        // Company-wide revenue is for leadership: a manager gets their teams' accounts.
        None => match &viewer.principal {
            pacer_core::access::Principal::User { managed_teams, .. } => {
                let filter = RepFilter { teams: Some(managed_teams.clone()), active_on: None };
                Ok(Some(state.store.reps(&filter, on).await?.iter().map(|r| r.id).collect()))
            }
            pacer_core::access::Principal::Token { .. } => Err(ApiError::Forbidden),
        },
    }
}

/// The churn report for a query, shared by the API and the page.
pub async fn report(state: &AppState, caller: &Caller, q: &ChurnQuery) -> ApiResult<ChurnReport> {
    let ctx = state.context(caller).await?;
    let viewer = Viewer::of(state, caller).await?;
    let org = load_organisation(state).await?;
    let periods = pacer_app::report::report_periods(
        &org,
        q.fy,
        q.period.as_deref(),
        pacer_app::parse_word(q.by.as_deref())?,
        today(),
    )?;
    let on = periods.last().map(|p| p.end.min(today())).unwrap_or_else(today);
    let reps = churn_scope(state, &viewer, q.team, on).await?;
    Ok(pacer_app::churn::churn_report(&ctx, &periods, reps.as_ref(), q.segment.as_deref()).await?)
}

/// Movements, bridge, customer churn, gross and net MRR churn, GRR, NRR, the
/// annualised rate against the band, and churn by reason, per period.
#[utoipa::path(get, path = "/api/v1/churn", tag = "churn", params(ChurnQuery),
    responses((status = 200, body = ChurnReport), (status = 400, description = "An unknown period or grouping", body = ErrorBody),
        (status = 403, description = "Company-wide figures, asked by a token that does not see everything", body = ErrorBody),
        (status = 404, description = "No such team (or one the caller may not see)", body = ErrorBody)))]
pub async fn churn(
    State(state): State<AppState>,
    Extension(caller): Extension<Caller>,
    ApiQuery(q): ApiQuery<ChurnQuery>,
) -> ApiResult<Json<ChurnReport>> {
    Ok(Json(report(&state, &caller, &q).await?))
}

/// A month and whose accounts.
#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct MonthQuery {
    /// The month, `YYYY-MM`.
    #[param(pattern = r"^[0-9]{4}-[0-9]{2}$", example = "2026-06")]
    pub month: String,
    /// Only this team's accounts.
    pub team: Option<i64>,
}

/// The month's movements (new, reactivation, expansion, contraction, churn) with the accounts behind each.
#[utoipa::path(get, path = "/api/v1/churn/movements", tag = "churn", params(MonthQuery),
    responses((status = 200, body = Movements), (status = 400, description = "A month that is not YYYY-MM", body = ErrorBody),
        (status = 404, description = "No such team (or one the caller may not see)", body = ErrorBody)))]
pub async fn movements(
    State(state): State<AppState>,
    Extension(caller): Extension<Caller>,
    ApiQuery(q): ApiQuery<MonthQuery>,
) -> ApiResult<Json<Movements>> {
    let ctx = state.context(&caller).await?;
    let month = q.month.parse::<Month>()?.0;
    let viewer = Viewer::of(&state, &caller).await?;
    let reps = churn_scope(&state, &viewer, q.team, month).await?;
    Ok(Json(pacer_app::churn::movements(&ctx, month, reps.as_ref()).await?))
}

/// How many cohorts.
#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct CohortQuery {
    /// Cohorts (first paying months) to show, newest last (default 12).
    #[param(minimum = 1, maximum = 60)]
    pub months: Option<usize>,
}

/// Retention by first paying month: customers and revenue still there after N months.
#[utoipa::path(get, path = "/api/v1/churn/cohorts", tag = "churn", params(CohortQuery),
    responses((status = 200, body = [CohortRow]), (status = 400, description = "A number of months out of range", body = ErrorBody)))]
pub async fn cohorts(
    State(state): State<AppState>,
    Extension(caller): Extension<Caller>,
    ApiQuery(q): ApiQuery<CohortQuery>,
) -> ApiResult<Json<Vec<CohortRow>>> {
    let ctx = state.context(&caller).await?;
    let months = q.months.unwrap_or(12);
    if !(1..=60).contains(&months) {
        return Err(ApiError::BadRequest(format!("months {months} is not valid: use 1 to 60")));
    }
    Ok(Json(pacer_app::churn::cohorts(&ctx, months).await?))
}

/// A rate to convert.
#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ConvertQuery {
    /// The rate, as a fraction (0.005) or a percentage ("0.5%").
    #[param(pattern = r"^[0-9]*\.?[0-9]+%?$", example = "0.5%")]
    pub rate: String,
    /// monthly, quarterly or annual.
    #[param(value_type = pacer_core::churn::RatePeriod, inline)]
    pub from: String,
    /// monthly, quarterly or annual.
    #[param(value_type = pacer_core::churn::RatePeriod, inline)]
    pub to: String,
}

/// A converted rate.
#[derive(Serialize, ToSchema)]
pub struct Converted {
    /// The rate given, as a fraction.
    pub rate: f64,
    /// Its period.
    pub from: String,
    /// The same rate over the other period (compounding).
    pub converted: f64,
    /// The other period.
    pub to: String,
}

/// Converts a churn rate between monthly, quarterly and annual (compounding).
#[utoipa::path(get, path = "/api/v1/churn/convert", tag = "churn", params(ConvertQuery),
    responses((status = 200, body = Converted), (status = 400, description = "A rate or period that is not valid", body = ErrorBody)))]
pub async fn convert(ApiQuery(q): ApiQuery<ConvertQuery>) -> ApiResult<Json<Converted>> {
    let rate = q.rate.parse::<Rate>()?.0;
    let from: RatePeriod =
        q.from.parse().map_err(|e: pacer_core::churn::ChurnError| ApiError::BadRequest(e.to_string()))?;
    let to: RatePeriod =
        q.to.parse().map_err(|e: pacer_core::churn::ChurnError| ApiError::BadRequest(e.to_string()))?;
    let converted = convert_rate(rate, from, to).map_err(|e| ApiError::BadRequest(e.to_string()))?;
    Ok(Json(Converted { rate, from: from.to_string(), converted, to: to.to_string() }))
}

/// Checks tags against the organisation's reasons and the actual churn events, then stores them.
pub async fn tag_events(
    ctx: &pacer_app::Context<'_>,
    tags: Vec<ChurnTag>,
    who: &pacer_core::audit::Actor,
) -> ApiResult<usize> {
    let org = &ctx.org;
    let mut problems = Vec::new();
    let mut tags = tags;
    for (i, tag) in tags.iter_mut().enumerate() {
        tag.month = chrono::Datelike::with_day(&tag.month, 1).unwrap_or(tag.month);
        if !org.churn_reasons.iter().any(|r| r.key == tag.reason) {
            let known: Vec<&str> = org.churn_reasons.iter().map(|r| r.key.as_str()).collect();
            problems.push(serde_json::json!({"index": i, "field": "reason", "reason": format!("unknown reason {:?}: use {}", tag.reason, known.join(", "))}));
            continue;
        }
        let m = pacer_app::churn::movements(ctx, tag.month, None).await?;
        if !m.churn_accounts.contains(&tag.account_id) {
            problems.push(serde_json::json!({"index": i, "field": "account_id", "reason": format!("account {} did not churn in {}", tag.account_id, tag.month.format("%Y-%m"))}));
        }
    }
    if !problems.is_empty() {
        return Err(ApiError::Unprocessable {
            message: format!("{} tag(s) refused; nothing was stored", problems.len()),
            details: problems,
        });
    }
    ctx.store.tag_churn(&tags, who).await?;
    Ok(tags.len())
}

/// Tags churn events with reasons; any bad tag refuses the whole batch (422).
#[utoipa::path(put, path = "/api/v1/churn/tags", tag = "churn", request_body = Vec<ChurnTag>,
    responses((status = 200, body = TagsStored),
        (status = 422, description = "Unknown reasons or accounts that did not churn that month: `details` lists each; nothing was stored", body = ErrorBody)))]
pub async fn put_tags(
    State(state): State<AppState>,
    Extension(caller): Extension<Caller>,
    headers: HeaderMap,
    ApiJson(tags): ApiJson<Vec<ChurnTag>>,
) -> ApiResult<Json<TagsStored>> {
    let ctx = state.context(&caller).await?;
    let stored = tag_events(&ctx, tags, &actor(&caller, &headers)?).await?;
    Ok(Json(TagsStored { stored }))
}

/// What tagging did.
#[derive(Serialize, ToSchema)]
pub struct TagsStored {
    /// Tags stored.
    pub stored: usize,
}
