//! Users, API tokens and the audit log over the API.

use super::{ApiJson, ApiPath, ApiQuery, actor, double_option, principal};
use crate::AppState;
use crate::auth::Caller;
use crate::error::{ApiError, ApiResult, ErrorBody};
use axum::Json;
use axum::extract::{Extension, State};
use axum::http::{HeaderMap, StatusCode};
use pacer_app::credentials::{hash_password, new_api_token, token_hash};
use pacer_core::access::{ApiToken, Principal, Role, Scope, User, check_password};
use pacer_core::audit::{AuditEntry, AuditFilter};
use pacer_core::language::Language;
use pacer_storage::{NewUser, UserUpdate};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

/// Who the caller is.
#[derive(Serialize, ToSchema)]
pub struct MeBody {
    /// `user` or `token`.
    #[schema(example = "token")]
    pub kind: &'static str,
    /// User or token name.
    pub name: String,
    /// The user's role (users only).
    pub role: Option<String>,
    /// The token's scope (tokens only): ingest, read or admin.
    pub scope: Option<String>,
    /// The user's rep record.
    pub rep_id: Option<i64>,
    /// Teams a manager sees.
    pub managed_teams: Vec<i64>,
}

/// The signed-in user or the token in use.
#[utoipa::path(get, path = "/api/v1/me", tag = "access", responses((status = 200, body = MeBody)))]
pub async fn me(Extension(caller): Extension<Caller>) -> ApiResult<Json<MeBody>> {
    Ok(Json(match principal(&caller)? {
        Principal::User { username, role, rep_id, managed_teams, .. } => MeBody {
            kind: "user",
            name: username.clone(),
            role: Some(role.to_string()),
            scope: None,
            rep_id: *rep_id,
            managed_teams: managed_teams.clone(),
        },
        Principal::Token { name, scope, .. } => MeBody {
            kind: "token",
            name: name.clone(),
            role: None,
            scope: Some(scope.to_string()),
            rep_id: None,
            managed_teams: Vec::new(),
        },
    }))
}

/// A user account.
#[derive(Serialize, ToSchema)]
pub struct UserBody {
    /// Identifier.
    pub id: i64,
    /// Login name.
    pub username: String,
    /// Name shown.
    pub display_name: String,
    /// rep, manager, leader or admin.
    #[schema(value_type = Role)]
    pub role: String,
    /// Linked rep record.
    pub rep_id: Option<i64>,
    /// Can sign in.
    pub active: bool,
    /// The person's own e-mail address (without one, the weekly digest goes to the rep record's).
    pub email: Option<String>,
    /// Receives the weekly digest (false: opted out).
    pub digest: bool,
    /// The person's own language (`en`, `fr`); absent, the organisation's, then the browser's.
    #[schema(value_type = Option<Language>)]
    pub language: Option<Language>,
}

impl From<User> for UserBody {
    fn from(u: User) -> Self {
        Self {
            id: u.id,
            username: u.username,
            display_name: u.display_name,
            role: u.role.to_string(),
            rep_id: u.rep_id,
            active: u.active,
            email: u.email,
            digest: u.digest,
            language: u.language,
        }
    }
}

/// A new user.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateUser {
    /// Login name: 2 to 64 letters, digits, `.`, `_` or `-` (kept in lower case).
    #[schema(pattern = r"^[A-Za-z0-9._-]{2,64}$")]
    pub username: String,
    /// Name shown (default: the login name).
    pub display_name: Option<String>,
    /// rep, manager, leader or admin.
    #[schema(value_type = Role)]
    pub role: String,
    /// Linked rep record.
    pub rep_id: Option<i64>,
    /// The person's own e-mail address (default: their rep record's).
    pub email: Option<String>,
    /// At least 10 characters.
    #[schema(min_length = 10)]
    pub password: String,
}

/// A change to a user.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateUser {
    /// New display name.
    pub display_name: Option<String>,
    /// New role.
    #[schema(value_type = Option<Role>)]
    pub role: Option<String>,
    /// New rep link (`null` clears).
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<i64>)]
    pub rep_id: Option<Option<i64>>,
    /// Activate or deactivate.
    pub active: Option<bool>,
    /// New own e-mail address (`null` clears it: the rep record's is used).
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<String>)]
    pub email: Option<Option<String>>,
    /// Receive the weekly digest (false opts out).
    pub digest: Option<bool>,
    /// The person's own language, `en` or `fr` (`null` clears it: the organisation's, then the
    /// browser's, is used).
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<Language>)]
    pub language: Option<Option<Language>>,
    /// New password (at least 10 characters).
    #[schema(min_length = 10)]
    pub password: Option<String>,
}

fn parse_role(text: &str) -> ApiResult<Role> {
    text.parse().map_err(ApiError::invalid)
}

/// All users.
#[utoipa::path(get, path = "/api/v1/users", tag = "access", responses((status = 200, body = [UserBody])))]
pub async fn list_users(State(state): State<AppState>) -> ApiResult<Json<Vec<UserBody>>> {
    Ok(Json(state.store.users().await?.into_iter().map(UserBody::from).collect()))
}

/// Creates a user.
#[utoipa::path(post, path = "/api/v1/users", tag = "access", request_body = CreateUser,
    responses((status = 201, body = UserBody), (status = 409, description = "The user name is taken", body = ErrorBody),
        (status = 422, description = "An unknown role, a user name, password or e-mail address that is not valid, or a rep that does not exist", body = ErrorBody)))]
pub async fn create_user(
    State(state): State<AppState>,
    Extension(caller): Extension<Caller>,
    headers: HeaderMap,
    ApiJson(body): ApiJson<CreateUser>,
) -> ApiResult<(StatusCode, Json<UserBody>)> {
    let role = parse_role(&body.role)?;
    check_password(&body.password).map_err(ApiError::invalid)?;
    let username = pacer_core::access::check_username(&body.username).map_err(ApiError::invalid)?;
    let new = NewUser {
        display_name: body.display_name.filter(|d| !d.trim().is_empty()).unwrap_or_else(|| username.clone()),
        username,
        role,
        rep_id: body.rep_id,
        email: body.email.filter(|e| !e.trim().is_empty()),
        password_hash: hash_password(&body.password)?,
    };
    let user = state.store.create_user(&new, &actor(&caller, &headers)?).await?;
    Ok((StatusCode::CREATED, Json(user.into())))
}

/// Changes a user (role, rep link, activation, e-mail, weekly digest, password).
#[utoipa::path(patch, path = "/api/v1/users/{id}", tag = "access", request_body = UpdateUser,
    params(("id" = i64, Path, description = "User id")),
    responses((status = 200, body = UserBody), (status = 404, body = ErrorBody),
        (status = 422, description = "An unknown role, a password or e-mail address that is not valid, or a rep that does not exist", body = ErrorBody)))]
pub async fn update_user(
    State(state): State<AppState>,
    Extension(caller): Extension<Caller>,
    headers: HeaderMap,
    ApiPath(id): ApiPath<i64>,
    ApiJson(body): ApiJson<UpdateUser>,
) -> ApiResult<Json<UserBody>> {
    let who = actor(&caller, &headers)?;
    let role = body.role.as_deref().map(parse_role).transpose()?;
    let password_hash = match &body.password {
        Some(p) => {
            check_password(p).map_err(ApiError::invalid)?;
            Some(hash_password(p)?)
        }
        None => None,
    };
    let update = UserUpdate {
        display_name: body.display_name,
        role,
        rep_id: body.rep_id,
        active: body.active,
        email: body.email,
        digest: body.digest,
        language: body.language,
    };
    let user = state.store.update_user(id, &update, &who).await?;
    if let Some(hash) = password_hash {
        state.store.set_password(id, &hash, &who).await?;
    }
    Ok(Json(user.into()))
}

/// An API token (without its secret).
#[derive(Serialize, ToSchema)]
pub struct TokenBody {
    /// Identifier.
    pub id: i64,
    /// Name.
    pub name: String,
    /// ingest, read or admin.
    #[schema(value_type = Scope)]
    pub scope: String,
    /// Who created it.
    pub created_by: String,
    /// When.
    pub created_at: String,
    /// When revoked.
    pub revoked_at: Option<String>,
}

impl From<ApiToken> for TokenBody {
    fn from(t: ApiToken) -> Self {
        Self {
            id: t.id,
            name: t.name,
            scope: t.scope.to_string(),
            created_by: t.created_by,
            created_at: t.created_at,
            revoked_at: t.revoked_at,
        }
    }
}

/// A new token.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateToken {
    /// Name, e.g. the integration (not blank).
    #[schema(pattern = r"\S")]
    pub name: String,
    /// ingest, read or admin.
    #[schema(value_type = Scope)]
    pub scope: String,
}

/// A created token with its secret, shown this once.
#[derive(Serialize, ToSchema)]
pub struct CreatedToken {
    /// The token.
    pub token: TokenBody,
    /// The bearer secret: only its hash is kept.
    pub secret: String,
}

/// All tokens.
#[utoipa::path(get, path = "/api/v1/tokens", tag = "access", responses((status = 200, body = [TokenBody])))]
pub async fn list_tokens(State(state): State<AppState>) -> ApiResult<Json<Vec<TokenBody>>> {
    Ok(Json(state.store.tokens().await?.into_iter().map(TokenBody::from).collect()))
}

/// Creates a token; the secret is in this answer only.
#[utoipa::path(post, path = "/api/v1/tokens", tag = "access", request_body = CreateToken,
    responses((status = 201, body = CreatedToken), (status = 422, description = "An unknown scope, or no name", body = ErrorBody)))]
pub async fn create_token(
    State(state): State<AppState>,
    Extension(caller): Extension<Caller>,
    headers: HeaderMap,
    ApiJson(body): ApiJson<CreateToken>,
) -> ApiResult<(StatusCode, Json<CreatedToken>)> {
    let scope: Scope = body.scope.parse().map_err(ApiError::invalid)?;
    if body.name.trim().is_empty() {
        return Err(ApiError::invalid("a token needs a name, e.g. the integration it serves"));
    }
    let secret = new_api_token();
    let token = state.store.create_token(&body.name, scope, &token_hash(&secret), &actor(&caller, &headers)?).await?;
    Ok((StatusCode::CREATED, Json(CreatedToken { token: token.into(), secret })))
}

/// Revokes a token.
#[utoipa::path(delete, path = "/api/v1/tokens/{id}", tag = "access", params(("id" = i64, Path, description = "Token id")),
    responses((status = 200, body = TokenBody), (status = 404, body = ErrorBody)))]
pub async fn revoke_token(
    State(state): State<AppState>,
    Extension(caller): Extension<Caller>,
    headers: HeaderMap,
    ApiPath(id): ApiPath<i64>,
) -> ApiResult<Json<TokenBody>> {
    Ok(Json(state.store.revoke_token(id, &actor(&caller, &headers)?).await?.into()))
}

/// An audit-log entry.
#[derive(Serialize, ToSchema)]
pub struct AuditBody {
    /// Sequence number.
    pub id: i64,
    /// When (UTC).
    pub at: String,
    /// Who.
    pub actor: String,
    /// What, e.g. `team.update`.
    pub action: String,
    /// Kind of record.
    pub entity: String,
    /// Its id.
    pub entity_id: String,
    /// Before, as JSON text.
    pub before: Option<String>,
    /// After, as JSON text.
    pub after: Option<String>,
    /// Why.
    pub reason: Option<String>,
}

impl From<AuditEntry> for AuditBody {
    fn from(e: AuditEntry) -> Self {
        Self {
            id: e.id,
            at: e.at,
            actor: e.actor,
            action: e.action,
            entity: e.entity,
            entity_id: e.entity_id,
            before: e.before,
            after: e.after,
            reason: e.reason,
        }
    }
}

/// Audit-log filters.
#[derive(Deserialize, IntoParams, Default)]
#[into_params(parameter_in = Query)]
pub struct AuditQuery {
    /// Only this actor.
    pub actor: Option<String>,
    /// Only this kind of record (team, rep, user, token, organisation, activities, deals, subscriptions, import...).
    pub entity: Option<String>,
    /// Only this record.
    pub entity_id: Option<String>,
    /// Only at or after this date or instant (RFC 3339).
    pub since: Option<String>,
    /// At most this many (default 200).
    pub limit: Option<u32>,
}

impl AuditQuery {
    /// The storage filter; empty strings (from forms) mean "any".
    pub fn filter(self) -> AuditFilter {
        let some = |s: Option<String>| s.filter(|v| !v.trim().is_empty());
        AuditFilter {
            actor: some(self.actor),
            entity: some(self.entity),
            entity_id: some(self.entity_id),
            since: some(self.since),
            limit: self.limit,
        }
    }
}

/// The audit log, newest first.
#[utoipa::path(get, path = "/api/v1/audit", tag = "access", params(AuditQuery),
    responses((status = 200, body = [AuditBody]), (status = 400, description = "A `since` that is neither a date nor an instant", body = ErrorBody)))]
pub async fn audit(
    State(state): State<AppState>,
    ApiQuery(q): ApiQuery<AuditQuery>,
) -> ApiResult<Json<Vec<AuditBody>>> {
    if let Some(since) = q.since.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        let date = chrono::NaiveDate::parse_from_str(since, "%Y-%m-%d").is_ok();
        if !date && chrono::DateTime::parse_from_rfc3339(since).is_err() {
            return Err(ApiError::BadRequest(format!(
                "since {since:?} is not a date or an instant: use YYYY-MM-DD or RFC 3339 (2026-03-01T09:00:00Z)"
            )));
        }
    }
    Ok(Json(state.store.audit_log(&q.filter()).await?.into_iter().map(AuditBody::from).collect()))
}
