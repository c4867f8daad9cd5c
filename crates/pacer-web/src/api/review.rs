//! The quarterly review over the API (PRODUCT.md C7): the review of a
//! quarter (frozen once closed), opening and closing it, notes for the
//! directors, and rebalancing proposals applied as a new plan version.

use super::{ApiJson, ApiPath, ApiQuery, actor, today};
use crate::AppState;
use crate::api::org::load_organisation;
use crate::auth::Caller;
use crate::error::{ApiResult, ErrorBody};
use axum::Json;
use axum::extract::{Extension, State};
use axum::http::HeaderMap;
use axum::response::Response;
use pacer_app::review::{self as reviews, Proposal, ReviewView};
use pacer_core::plan::Plan;
use pacer_core::review::{NewNote, Review, ReviewNote};
use serde::Deserialize;
use utoipa::{IntoParams, ToSchema};

/// The quarter a review is of, in every review operation's path.
#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Path)]
pub struct QuarterPath {
    /// Fiscal quarter, e.g. FY2027-Q2
    #[param(pattern = r"^FY[0-9]{4}-Q[1-4]$")]
    period: String,
}

/// Which plan, and how to answer.
#[derive(Deserialize, IntoParams, Default)]
#[into_params(parameter_in = Query)]
pub struct ReviewQuery {
    /// The plan to measure against (default: the review's, else the year's approved plan).
    pub plan: Option<i64>,
    /// `json` (default), `csv` (the KPI summary) or `xlsx` (one sheet per section).
    #[param(value_type = Option<super::Format>, inline)]
    pub format: Option<String>,
}

/// The review of a quarter, shared by the API and the page.
pub async fn view(ctx: &pacer_app::Context<'_>, period: &str, plan: Option<i64>) -> ApiResult<ReviewView> {
    Ok(reviews::view(ctx, period, plan).await?)
}

/// The review of a fiscal quarter (e.g. FY2027-Q2): per KPI target, actual, raw and credited
/// attainment, variance, pace, best and worst, pipeline coverage; churn; data gaps; notes. A
/// closed review shows its frozen figures and what has changed since.
#[utoipa::path(get, path = "/api/v1/reviews/{period}", tag = "reviews", params(QuarterPath, ReviewQuery),
    responses((status = 200, description = "The review as JSON, or a CSV (the KPI summary) or XLSX download (`format`)",
            content((ReviewView = "application/json"), (String = "text/csv"), (super::Binary = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"))),
        (status = 400, description = "Not a fiscal quarter, or an unknown format", body = ErrorBody),
        (status = 404, description = "No plan to measure against", body = ErrorBody)))]
pub async fn get(
    State(state): State<AppState>,
    Extension(caller): Extension<Caller>,
    ApiPath(QuarterPath { period }): ApiPath<QuarterPath>,
    ApiQuery(q): ApiQuery<ReviewQuery>,
) -> ApiResult<Response> {
    let ctx = state.context(&caller).await?;
    let v = view(&ctx, &period, q.plan).await?;
    super::tabular_response(
        &state,
        &caller,
        &v,
        || reviews::sheets(&v, ctx.org.currency),
        &format!("review-{}", v.document.period),
        q.format.as_deref(),
        None,
    )
    .await
}

/// Opening a review.
#[derive(Deserialize, ToSchema, Default)]
pub struct OpenBody {
    /// The plan to measure against (default: the year's approved plan).
    pub plan: Option<i64>,
}

/// Opens the review of a quarter.
#[utoipa::path(post, path = "/api/v1/reviews/{period}", tag = "reviews", params(QuarterPath),
    request_body = OpenBody, responses((status = 200, body = Review), (status = 400, description = "Not a fiscal quarter", body = ErrorBody),
        (status = 404, description = "No plan to measure against", body = ErrorBody),
        (status = 409, description = "The quarter's review is open already", body = ErrorBody),
        (status = 422, description = "A value breaks a rule", body = ErrorBody)))]
pub async fn open(
    State(state): State<AppState>,
    Extension(caller): Extension<Caller>,
    headers: HeaderMap,
    ApiPath(QuarterPath { period }): ApiPath<QuarterPath>,
    ApiJson(body): ApiJson<OpenBody>,
) -> ApiResult<Json<Review>> {
    let ctx = state.context(&caller).await?;
    Ok(Json(reviews::open(&ctx, &period, body.plan, &actor(&caller, &headers)?).await?))
}

/// Closes a review: its figures are frozen.
#[utoipa::path(post, path = "/api/v1/reviews/{period}/close", tag = "reviews", params(QuarterPath),
    responses((status = 200, body = Review), (status = 404, description = "No review of that quarter has been opened", body = ErrorBody),
        (status = 409, description = "The review is closed already", body = ErrorBody),
        (status = 422, description = "A value breaks a rule", body = ErrorBody)))]
pub async fn close(
    State(state): State<AppState>,
    Extension(caller): Extension<Caller>,
    headers: HeaderMap,
    ApiPath(QuarterPath { period }): ApiPath<QuarterPath>,
) -> ApiResult<Json<Review>> {
    let ctx = state.context(&caller).await?;
    let review = reviews::opened(state.store.as_ref(), &period).await?;
    Ok(Json(reviews::close(&ctx, review.id, &actor(&caller, &headers)?).await?))
}

/// Adds a note for the directors to a review, about the review, a KPI or a rep.
#[utoipa::path(post, path = "/api/v1/reviews/{period}/notes", tag = "reviews", params(QuarterPath),
    request_body = NewNote, responses((status = 200, body = ReviewNote), (status = 404, description = "No review of that quarter has been opened, or no such rep", body = ErrorBody),
        (status = 409, description = "The review is closed", body = ErrorBody),
        (status = 422, description = "An empty note", body = ErrorBody)))]
pub async fn add_note(
    State(state): State<AppState>,
    Extension(caller): Extension<Caller>,
    headers: HeaderMap,
    ApiPath(QuarterPath { period }): ApiPath<QuarterPath>,
    ApiJson(note): ApiJson<NewNote>,
) -> ApiResult<Json<ReviewNote>> {
    let review = reviews::opened(state.store.as_ref(), &period).await?;
    Ok(Json(state.store.add_note(review.id, &note, &actor(&caller, &headers)?).await?))
}

/// A rebalancing request.
#[derive(Deserialize, ToSchema)]
pub struct RebalanceBody {
    /// The KPI.
    pub kpi: String,
    /// A revised annual company target (units, 0 to 10^13); absent: re-phase only.
    #[schema(minimum = 0, maximum = 10000000000000.0)]
    pub annual: Option<i64>,
    /// Apply it (a new plan version), or only preview.
    #[serde(default)]
    pub apply: bool,
}

/// What a rebalance did.
#[derive(serde::Serialize, ToSchema)]
pub struct Rebalanced {
    /// Before and after, per line.
    pub proposal: Proposal,
    /// The new plan version, when applied.
    pub plan: Option<Plan>,
}

/// Proposes (or applies) re-phasing a KPI's remaining targets by seasonality, or revising its
/// annual target, after the quarter; every line still sums to its year.
#[utoipa::path(post, path = "/api/v1/reviews/{period}/rebalance", tag = "reviews", params(QuarterPath),
    request_body = RebalanceBody, responses((status = 200, body = Rebalanced), (status = 400, description = "Not a fiscal quarter", body = ErrorBody),
        (status = 404, description = "No plan or KPI to rebalance", body = ErrorBody),
        (status = 409, description = "The change conflicts with the plan's state", body = ErrorBody),
        (status = 422, description = "A value breaks a rule", body = ErrorBody)))]
pub async fn rebalance(
    State(state): State<AppState>,
    Extension(caller): Extension<Caller>,
    headers: HeaderMap,
    ApiPath(QuarterPath { period }): ApiPath<QuarterPath>,
    ApiJson(body): ApiJson<RebalanceBody>,
) -> ApiResult<Json<Rebalanced>> {
    let ctx = state.context(&caller).await?;
    let who = actor(&caller, &headers)?;
    let org = load_organisation(&state).await?;
    let q = reviews::quarter(&org, &period, today())?;
    let plan = reviews::plan_for(state.store.as_ref(), &q, None).await?;
    let proposal = reviews::propose(&ctx, &plan, &body.kpi, body.annual, q.end.min(today())).await?;
    let plan = if body.apply { Some(reviews::apply(state.store.as_ref(), &proposal, &who).await?) } else { None };
    Ok(Json(Rebalanced { proposal, plan }))
}
