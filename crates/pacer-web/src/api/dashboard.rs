//! The dashboards over the API (PRODUCT.md C9): a team's, for its manager and leadership, and the
//! leadership's.

use super::ApiQuery;
use crate::AppState;
use crate::auth::Caller;
use crate::error::{ApiError, ApiResult, ErrorBody};
use axum::extract::{Extension, State};
use axum::response::Response;
use pacer_app::dashboard::{Dashboard, TeamDashboard};
use serde::Deserialize;
use utoipa::IntoParams;

/// Which dashboard, and how to answer.
#[derive(Deserialize, IntoParams, Default)]
#[into_params(parameter_in = Query)]
pub struct DashboardQuery {
    /// The team (a manager: one of theirs, by default the one they manage); without, the leadership's.
    pub team: Option<i64>,
    /// `json` (default), `csv` (one table: `table`) or `xlsx` (every table).
    #[param(value_type = Option<super::Format>, inline)]
    pub format: Option<String>,
    /// The table a CSV holds: a team's `kpis` (default), `reps`, `pipeline`, `churn` or `data-gaps`;
    /// the leadership's `revenue` (default), `teams`, `churn`, `readiness`, `data-gaps` or `exceptions`.
    pub table: Option<String>,
}

/// The dashboard asked for: a team's; without a team the leadership's for those who see everything,
/// else the manager's own team's ([`team_dashboard`]); shared by the API and the pages.
pub async fn dashboard(ctx: &pacer_app::Context<'_>, team: Option<i64>) -> ApiResult<Dashboard> {
    match team {
        None if ctx.caller.sees_everything() => Ok(Dashboard::Company(pacer_app::dashboard::company(ctx).await?)),
        team => Ok(Dashboard::Team(team_dashboard(ctx, team).await?)),
    }
}

/// The dashboard of a team, or without one of a manager's own team when they manage one (their
/// region, with the teams below it).
pub async fn team_dashboard(ctx: &pacer_app::Context<'_>, team: Option<i64>) -> ApiResult<TeamDashboard> {
    let team = match team {
        Some(team) => team,
        None => match pacer_app::dashboard::managed_teams(ctx).await?.as_slice() {
            [only] => only.id,
            [] => return Err(ApiError::BadRequest("name a team with ?team=ID".into())),
            several => {
                let named: Vec<String> = several.iter().map(|t| format!("{} ({})", t.name, t.id)).collect();
                return Err(ApiError::BadRequest(format!(
                    "name one of your teams with ?team=ID: {}",
                    named.join(", ")
                )));
            }
        },
    };
    Ok(pacer_app::dashboard::team(ctx, team).await?)
}

/// A dashboard. With `team`, the team's: its KPIs of the fiscal year's approved plan (target to
/// date, actual, raw and credited attainment, pace), its reps side by side (ahead, on pace, behind
/// or not logging, each KPI's year to date, what they have not logged), the pipeline coverage of
/// what remains of the year, the team's churn against the band and the data gaps. Without, for
/// leaders, admins and read tokens, the leadership's: revenue against plan (new and existing
/// business apart) with the year end at the seasonal pace and by the statistical forecast, the
/// teams ranked by attainment, churn against the band with GRR and NRR, KPI readiness, data gaps
/// and the exceptions noted in the review of the quarter; for a manager, their own team's.
#[utoipa::path(get, path = "/api/v1/dashboard", tag = "reports", params(DashboardQuery),
    responses((status = 200, description = "The dashboard as JSON, or a CSV (one table) or XLSX download (`format`)",
            content((Dashboard = "application/json"), (String = "text/csv"), (super::Binary = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"))),
        (status = 400, description = "A manager of several teams (or none) who names none, an unknown format or table", body = ErrorBody),
        (status = 403, description = "A rep: dashboards are for managers and up", body = ErrorBody),
        (status = 404, description = "No such team (or one the caller may not see), or no metric catalog yet", body = ErrorBody)))]
pub async fn get_dashboard(
    State(state): State<AppState>,
    Extension(caller): Extension<Caller>,
    ApiQuery(q): ApiQuery<DashboardQuery>,
) -> ApiResult<Response> {
    let board = dashboard(&state.context(&caller).await?, q.team).await?;
    let name = match &board {
        Dashboard::Team(b) => format!("dashboard-team-{}", b.team_id),
        Dashboard::Company(b) => format!("dashboard-FY{}", b.year.fiscal_year),
    };
    super::tabular_response(&state, &caller, &board, || board.sheets(), &name, q.format.as_deref(), q.table.as_deref())
        .await
}
