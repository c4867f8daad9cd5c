//! The organisation over the API: settings, fiscal calendar, teams and reps.

use super::{ApiJson, ApiPath, ApiQuery, Viewer, actor, double_option, today};
use crate::AppState;
use crate::auth::Caller;
use crate::error::{ApiError, ApiResult, ErrorBody};
use axum::Json;
use axum::extract::{Extension, State};
use axum::http::{HeaderMap, StatusCode};
use chrono::NaiveDate;
use pacer_core::fiscal_calendar::{FiscalPeriod, PeriodKind};
use pacer_core::org::{NewRep, NewTeam, Organisation, Rep, RepUpdate, Team, TeamUpdate};
use pacer_storage::RepFilter;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

/// The organisation's settings.
#[derive(Serialize, ToSchema)]
pub struct OrganisationBody {
    /// Name.
    pub name: String,
    /// ISO currency code of plans and reports.
    pub currency: String,
    /// The fiscal calendar setting.
    #[schema(value_type = Object)]
    pub calendar: serde_json::Value,
    /// The fiscal year holding today.
    pub current_fiscal_year: i32,
    /// Whether fiscal years are calendar years (charts say so when not).
    pub calendar_aligned: bool,
}

/// The organisation, or its defaults before set-up.
pub async fn load_organisation(state: &AppState) -> ApiResult<Organisation> {
    Ok(state.store.organisation().await?.unwrap_or_default())
}

/// The organisation's settings.
#[utoipa::path(get, path = "/api/v1/organisation", tag = "organisation", responses((status = 200, body = OrganisationBody)))]
pub async fn organisation(State(state): State<AppState>) -> ApiResult<Json<OrganisationBody>> {
    let org = load_organisation(&state).await?;
    Ok(Json(OrganisationBody {
        name: org.name.clone(),
        currency: org.currency.to_string(),
        calendar: serde_json::to_value(org.calendar).map_err(|e| ApiError::Internal(e.to_string()))?,
        current_fiscal_year: org.fiscal_year_of(today()),
        calendar_aligned: org.calendar.is_calendar_aligned(),
    }))
}

/// One fiscal period.
#[derive(Serialize, ToSchema)]
pub struct PeriodBody {
    /// Stable name, e.g. `FY2026-Q2`.
    pub name: String,
    /// Label for people.
    pub label: String,
    /// week, month, quarter, half or year.
    pub kind: String,
    /// Fiscal year.
    pub fiscal_year: i32,
    /// 1-based position in the year.
    pub index: u32,
    /// First day.
    pub start: NaiveDate,
    /// Last day (inclusive).
    pub end: NaiveDate,
    /// Days in the period.
    pub days: i64,
    /// Working days (weekends and holidays excluded).
    pub working_days: u32,
}

impl PeriodBody {
    /// The wire form of a period and its working days.
    pub fn new(period: &FiscalPeriod, working_days: u32) -> Self {
        Self {
            name: period.name(),
            label: period.label(),
            kind: period.kind.to_string(),
            fiscal_year: period.fiscal_year,
            index: period.index,
            start: period.start,
            end: period.end,
            days: period.days(),
            working_days,
        }
    }
}

/// Which periods to list.
#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct CalendarQuery {
    /// Fiscal year (default: the current one).
    #[param(minimum = 1900, maximum = 2200)]
    pub fy: Option<i32>,
    /// Only this kind: week, month, quarter, half or year (default: all but weeks).
    #[param(value_type = Option<pacer_core::fiscal_calendar::PeriodKind>, inline)]
    pub kind: Option<String>,
}

/// The default kinds listed for a fiscal year.
pub const DEFAULT_KINDS: [PeriodKind; 4] = [PeriodKind::Year, PeriodKind::Half, PeriodKind::Quarter, PeriodKind::Month];

/// The periods of a fiscal year with their working days.
#[utoipa::path(get, path = "/api/v1/calendar", tag = "organisation", params(CalendarQuery),
    responses((status = 200, body = [PeriodBody]), (status = 400, description = "An unknown kind or a year out of range", body = ErrorBody)))]
pub async fn calendar(
    State(state): State<AppState>,
    ApiQuery(q): ApiQuery<CalendarQuery>,
) -> ApiResult<Json<Vec<PeriodBody>>> {
    let org = load_organisation(&state).await?;
    let fy = q.fy.unwrap_or_else(|| org.fiscal_year_of(today()));
    let kinds = match q.kind {
        Some(kind) => vec![kind.parse::<PeriodKind>().map_err(|e| ApiError::BadRequest(e.to_string()))?],
        None => DEFAULT_KINDS.to_vec(),
    };
    let rows = org.period_table(fy, &kinds).map_err(|e| ApiError::BadRequest(e.to_string()))?;
    Ok(Json(rows.iter().map(|(p, w)| PeriodBody::new(p, *w)).collect()))
}

/// A team.
#[derive(Serialize, ToSchema)]
pub struct TeamBody {
    /// Identifier.
    pub id: i64,
    /// Name.
    pub name: String,
    /// Region.
    pub region: Option<String>,
    /// Parent team.
    pub parent_id: Option<i64>,
    /// Manager's rep id.
    pub manager_id: Option<i64>,
    /// False once deactivated.
    pub active: bool,
}

impl From<Team> for TeamBody {
    fn from(t: Team) -> Self {
        Self {
            id: t.id,
            name: t.name,
            region: t.region,
            parent_id: t.parent_id,
            manager_id: t.manager_id,
            active: t.active,
        }
    }
}

/// A new team.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateTeam {
    /// Unique name.
    pub name: String,
    /// Region.
    pub region: Option<String>,
    /// Parent team.
    pub parent_id: Option<i64>,
    /// Manager's rep id.
    pub manager_id: Option<i64>,
}

/// A change to a team: absent fields stay, `null` clears.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateTeam {
    /// New name.
    pub name: Option<String>,
    /// New region.
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<String>)]
    pub region: Option<Option<String>>,
    /// New parent.
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<i64>)]
    pub parent_id: Option<Option<i64>>,
    /// New manager.
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<i64>)]
    pub manager_id: Option<Option<i64>>,
}

/// Teams the caller may see.
#[utoipa::path(get, path = "/api/v1/teams", tag = "organisation", responses((status = 200, body = [TeamBody])))]
pub async fn list_teams(
    State(state): State<AppState>,
    Extension(caller): Extension<Caller>,
) -> ApiResult<Json<Vec<TeamBody>>> {
    let viewer = Viewer::of(&state, &caller).await?;
    let teams = state.store.teams().await?;
    Ok(Json(teams.into_iter().filter(|t| viewer.sees_team(t.id)).map(TeamBody::from).collect()))
}

/// Loads a team the viewer may see; an invisible team is "not found", like a missing one.
pub async fn visible_team(state: &AppState, viewer: &Viewer, id: i64) -> ApiResult<Team> {
    let team = state.store.team(id).await?;
    if viewer.sees_team(team.id) { Ok(team) } else { Err(ApiError::NotFound(format!("team {id} does not exist"))) }
}

/// Loads a rep the viewer may see; an invisible rep is "not found", like a missing one.
pub async fn visible_rep(state: &AppState, viewer: &Viewer, id: i64) -> ApiResult<Rep> {
    let rep = state.store.rep(id, today()).await?;
    if viewer.sees_rep(&rep) { Ok(rep) } else { Err(ApiError::NotFound(format!("rep {id} does not exist"))) }
}

/// One team.
#[utoipa::path(get, path = "/api/v1/teams/{id}", tag = "organisation", params(("id" = i64, Path, description = "Team id")),
    responses((status = 200, body = TeamBody), (status = 404, body = ErrorBody)))]
pub async fn get_team(
    State(state): State<AppState>,
    Extension(caller): Extension<Caller>,
    ApiPath(id): ApiPath<i64>,
) -> ApiResult<Json<TeamBody>> {
    let viewer = Viewer::of(&state, &caller).await?;
    Ok(Json(visible_team(&state, &viewer, id).await?.into()))
}

/// Creates a team.
#[utoipa::path(post, path = "/api/v1/teams", tag = "organisation", request_body = CreateTeam,
    responses((status = 201, body = TeamBody), (status = 404, description = "No such parent team", body = ErrorBody), (status = 409, description = "A unique value is taken, or the change conflicts with stored data", body = ErrorBody),
        (status = 422, description = "A value breaks a rule", body = ErrorBody)))]
pub async fn create_team(
    State(state): State<AppState>,
    Extension(caller): Extension<Caller>,
    headers: HeaderMap,
    ApiJson(body): ApiJson<CreateTeam>,
) -> ApiResult<(StatusCode, Json<TeamBody>)> {
    let new = NewTeam { name: body.name, region: body.region, parent_id: body.parent_id, manager_id: body.manager_id };
    let team = state.store.create_team(&new, &actor(&caller, &headers)?).await?;
    Ok((StatusCode::CREATED, Json(team.into())))
}

/// Changes a team; a parent that would make a cycle is refused with 422.
#[utoipa::path(patch, path = "/api/v1/teams/{id}", tag = "organisation", request_body = UpdateTeam,
    params(("id" = i64, Path, description = "Team id")),
    responses((status = 200, body = TeamBody), (status = 404, body = ErrorBody),
        (status = 409, description = "A unique value is taken, or the change conflicts with stored data", body = ErrorBody),
        (status = 422, description = "A value breaks a rule", body = ErrorBody)))]
pub async fn update_team(
    State(state): State<AppState>,
    Extension(caller): Extension<Caller>,
    headers: HeaderMap,
    ApiPath(id): ApiPath<i64>,
    ApiJson(body): ApiJson<UpdateTeam>,
) -> ApiResult<Json<TeamBody>> {
    let update =
        TeamUpdate { name: body.name, region: body.region, parent_id: body.parent_id, manager_id: body.manager_id };
    Ok(Json(state.store.update_team(id, &update, &actor(&caller, &headers)?).await?.into()))
}

/// Deactivates a team; its history stays.
#[utoipa::path(delete, path = "/api/v1/teams/{id}", tag = "organisation", params(("id" = i64, Path, description = "Team id")),
    responses((status = 200, body = TeamBody), (status = 404, body = ErrorBody)))]
pub async fn deactivate_team(
    State(state): State<AppState>,
    Extension(caller): Extension<Caller>,
    headers: HeaderMap,
    ApiPath(id): ApiPath<i64>,
) -> ApiResult<Json<TeamBody>> {
    Ok(Json(state.store.deactivate_team(id, &actor(&caller, &headers)?).await?.into()))
}

/// A rep.
#[derive(Serialize, ToSchema)]
pub struct RepBody {
    /// Identifier.
    pub id: i64,
    /// Name.
    pub name: String,
    /// E-mail.
    pub email: Option<String>,
    /// Job title.
    pub title: Option<String>,
    /// Team today (or the last one, for a rep who left).
    pub team_id: Option<i64>,
    /// First working day.
    pub hire_date: NaiveDate,
    /// Day the rep left.
    pub leave_date: Option<NaiveDate>,
    /// Identifier in the CRM.
    pub external_id: Option<String>,
    /// Employed today.
    pub active: bool,
}

impl From<Rep> for RepBody {
    fn from(r: Rep) -> Self {
        let active = r.is_active_on(today());
        Self {
            id: r.id,
            name: r.name,
            email: r.email,
            title: r.title,
            team_id: r.team_id,
            hire_date: r.hire_date,
            leave_date: r.leave_date,
            external_id: r.external_id,
            active,
        }
    }
}

/// A new rep.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateRep {
    /// Name.
    pub name: String,
    /// E-mail.
    pub email: Option<String>,
    /// Job title.
    pub title: Option<String>,
    /// Team from the hire date.
    pub team_id: Option<i64>,
    /// First working day.
    pub hire_date: NaiveDate,
    /// Day the rep leaves.
    pub leave_date: Option<NaiveDate>,
    /// Identifier in the CRM.
    pub external_id: Option<String>,
}

/// A change to a rep: absent fields stay, `null` clears.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateRep {
    /// New name.
    pub name: Option<String>,
    /// New e-mail.
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<String>)]
    pub email: Option<Option<String>>,
    /// New title.
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<String>)]
    pub title: Option<Option<String>>,
    /// New hire date.
    pub hire_date: Option<NaiveDate>,
    /// New leave date (deactivates the rep from that day; history stays).
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<NaiveDate>)]
    pub leave_date: Option<Option<NaiveDate>>,
}

/// A move to another team.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct MoveRep {
    /// The new team.
    pub team_id: i64,
    /// First day in the new team.
    pub from: NaiveDate,
}

/// Which reps to list.
#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct RepQuery {
    /// Only this team and the teams below it.
    pub team: Option<i64>,
    /// Only reps employed today.
    pub active: Option<bool>,
}

/// Reps the caller may see.
#[utoipa::path(get, path = "/api/v1/reps", tag = "organisation", params(RepQuery),
    responses((status = 200, body = [RepBody]), (status = 404, description = "No such team (or one the caller may not see)", body = ErrorBody)))]
pub async fn list_reps(
    State(state): State<AppState>,
    Extension(caller): Extension<Caller>,
    ApiQuery(q): ApiQuery<RepQuery>,
) -> ApiResult<Json<Vec<RepBody>>> {
    let viewer = Viewer::of(&state, &caller).await?;
    let teams = match q.team {
        Some(team) => {
            Some(pacer_core::org::subtree(&state.store.teams().await?, visible_team(&state, &viewer, team).await?.id))
        }
        None => None,
    };
    let filter = RepFilter { teams, active_on: q.active.filter(|a| *a).map(|_| today()) };
    let reps = state.store.reps(&filter, today()).await?;
    Ok(Json(reps.into_iter().filter(|r| viewer.sees_rep(r)).map(RepBody::from).collect()))
}

/// One rep.
#[utoipa::path(get, path = "/api/v1/reps/{id}", tag = "organisation", params(("id" = i64, Path, description = "Rep id")),
    responses((status = 200, body = RepBody), (status = 404, body = ErrorBody)))]
pub async fn get_rep(
    State(state): State<AppState>,
    Extension(caller): Extension<Caller>,
    ApiPath(id): ApiPath<i64>,
) -> ApiResult<Json<RepBody>> {
    let viewer = Viewer::of(&state, &caller).await?;
    Ok(Json(visible_rep(&state, &viewer, id).await?.into()))
}

/// Creates a rep.
#[utoipa::path(post, path = "/api/v1/reps", tag = "organisation", request_body = CreateRep,
    responses((status = 201, body = RepBody), (status = 404, description = "No such team", body = ErrorBody), (status = 409, description = "A unique value is taken, or the change conflicts with stored data", body = ErrorBody),
        (status = 422, description = "A value breaks a rule", body = ErrorBody)))]
pub async fn create_rep(
    State(state): State<AppState>,
    Extension(caller): Extension<Caller>,
    headers: HeaderMap,
    ApiJson(body): ApiJson<CreateRep>,
) -> ApiResult<(StatusCode, Json<RepBody>)> {
    let new = NewRep {
        name: body.name,
        email: body.email,
        title: body.title,
        team_id: body.team_id,
        hire_date: body.hire_date,
        leave_date: body.leave_date,
        external_id: body.external_id,
    };
    let rep = state.store.create_rep(&new, &actor(&caller, &headers)?).await?;
    Ok((StatusCode::CREATED, Json(rep.into())))
}

/// Changes a rep; a leave date deactivates them (their history stays).
#[utoipa::path(patch, path = "/api/v1/reps/{id}", tag = "organisation", request_body = UpdateRep,
    params(("id" = i64, Path, description = "Rep id")),
    responses((status = 200, body = RepBody), (status = 404, body = ErrorBody),
        (status = 409, description = "A unique value is taken, or the change conflicts with stored data", body = ErrorBody),
        (status = 422, description = "A value breaks a rule", body = ErrorBody)))]
pub async fn update_rep(
    State(state): State<AppState>,
    Extension(caller): Extension<Caller>,
    headers: HeaderMap,
    ApiPath(id): ApiPath<i64>,
    ApiJson(body): ApiJson<UpdateRep>,
) -> ApiResult<Json<RepBody>> {
    let update = RepUpdate {
        name: body.name,
        email: body.email,
        title: body.title,
        hire_date: body.hire_date,
        leave_date: body.leave_date,
    };
    Ok(Json(state.store.update_rep(id, &update, &actor(&caller, &headers)?).await?.into()))
}

/// Moves a rep to another team from a date; earlier history stays with the old team.
#[utoipa::path(post, path = "/api/v1/reps/{id}/move", tag = "organisation", request_body = MoveRep,
    params(("id" = i64, Path, description = "Rep id")),
    responses((status = 200, body = RepBody), (status = 404, body = ErrorBody),
        (status = 409, description = "A unique value is taken, or the change conflicts with stored data", body = ErrorBody),
        (status = 422, description = "A value breaks a rule", body = ErrorBody)))]
pub async fn move_rep(
    State(state): State<AppState>,
    Extension(caller): Extension<Caller>,
    headers: HeaderMap,
    ApiPath(id): ApiPath<i64>,
    ApiJson(body): ApiJson<MoveRep>,
) -> ApiResult<Json<RepBody>> {
    Ok(Json(state.store.move_rep(id, body.team_id, body.from, &actor(&caller, &headers)?).await?.into()))
}
