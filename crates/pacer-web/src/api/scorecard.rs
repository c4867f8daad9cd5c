//! The rep scorecard over the API (PRODUCT.md C9): the caller's own, or a rep a manager, a
//! leader or a read token may see.

use super::ApiQuery;
use crate::AppState;
use crate::auth::Caller;
use crate::error::{ApiError, ApiResult, ErrorBody};
use axum::extract::{Extension, State};
use axum::response::Response;
use pacer_app::scorecard::{Scorecard, sheets};
use serde::Deserialize;
use utoipa::IntoParams;

/// Whose scorecard.
#[derive(Deserialize, IntoParams, Default)]
#[into_params(parameter_in = Query)]
pub struct ScorecardQuery {
    /// The rep (default: the caller's own rep record).
    pub rep: Option<i64>,
    /// `json` (default), `csv` (one table: `table`) or `xlsx` (every table).
    #[param(value_type = Option<super::Format>, inline)]
    pub format: Option<String>,
    /// The table a CSV holds: `scorecard` (a row per KPI and period, the default) or `months`.
    pub table: Option<String>,
}

/// The scorecard of the rep asked for, or of the caller's own rep; shared by the API and the pages.
pub async fn scorecard(ctx: &pacer_app::Context<'_>, rep: Option<i64>) -> ApiResult<Scorecard> {
    let rep = rep
        .or(ctx.own_rep())
        .ok_or_else(|| ApiError::BadRequest("you have no rep record of your own: name a rep with ?rep=ID".into()))?;
    Ok(pacer_app::scorecard::scorecard(ctx, rep).await?)
}

/// A rep's scorecard: each KPI of the fiscal year's approved plan with a target for the rep, in
/// priority order, quarter and year to date: target, actual, attainment with the tolerance,
/// seasonal pace to year end, rank in team and company, and what is missing.
#[utoipa::path(get, path = "/api/v1/scorecard", tag = "reports", params(ScorecardQuery),
    responses((status = 200, description = "The scorecard as JSON, or a CSV (one table) or XLSX download (`format`)",
            content((Scorecard = "application/json"), (String = "text/csv"), (super::Binary = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"))),
        (status = 400, description = "No rep named, and the caller has no rep record of their own; an unknown format or table", body = ErrorBody),
        (status = 404, description = "No such rep (or one the caller may not see), or no metric catalog yet", body = ErrorBody)))]
pub async fn get_scorecard(
    State(state): State<AppState>,
    Extension(caller): Extension<Caller>,
    ApiQuery(q): ApiQuery<ScorecardQuery>,
) -> ApiResult<Response> {
    let card = scorecard(&state.context(&caller).await?, q.rep).await?;
    let name = format!("scorecard-rep-{}", card.rep_id);
    super::tabular_response(&state, &caller, &card, || sheets(&card), &name, q.format.as_deref(), q.table.as_deref())
        .await
}
