//! The JSON API under `/api/v1/`: extractors that answer bad input with the
//! one error shape, the wire types, and the handlers by domain.

pub mod access;
pub mod catalog;
pub mod churn;
pub mod dashboard;
pub mod fx;
pub mod health;
pub mod ingest;
pub mod openapi;
pub mod org;
pub mod plan;
pub mod report;
pub mod review;
pub mod scorecard;
pub mod stages;

use crate::auth::Caller;
use crate::error::ApiError;
use axum::extract::FromRequest;
use axum::extract::FromRequestParts;
use axum::extract::rejection::{JsonRejection, PathRejection, QueryRejection};
use axum::http::HeaderMap;
use pacer_core::access::Principal;
use pacer_core::audit::Actor;
use pacer_core::limits;
use serde::de::DeserializeOwned;
use serde::{Deserialize, Deserializer};

/// A JSON body; malformed JSON is a 400 or 422 in the API's error shape, and so is any text
/// beyond Pacer's limits (too long, control characters), whichever route reads it.
pub struct ApiJson<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequest<S> for ApiJson<T> {
    type Rejection = ApiError;

    async fn from_request(req: axum::extract::Request, state: &S) -> Result<Self, ApiError> {
        let axum::Json(document) = axum::Json::<serde_json::Value>::from_request(req, state).await?;
        check_json(&document).map_err(|(path, e)| ApiError::Unprocessable {
            message: format!("{path}: {e}"),
            details: vec![serde_json::json!({ "field": path, "reason": e.to_string() })],
        })?;
        serde_path_to_error::deserialize(document).map(ApiJson).map_err(|e| {
            let path = e.path().to_string();
            let reason = e.into_inner().to_string();
            ApiError::Unprocessable {
                message: format!("Failed to deserialize the JSON body into the target type: {path}: {reason}"),
                details: vec![serde_json::json!({ "field": path, "reason": reason })],
            }
        })
    }
}

/// Query parameters; bad ones are a 400 in the API's error shape.
#[derive(FromRequestParts)]
#[from_request(via(axum::extract::Query), rejection(ApiError))]
pub struct ApiQuery<T>(pub T);

/// Path parameters; bad ones are a 400 in the API's error shape.
#[derive(FromRequestParts)]
#[from_request(via(axum::extract::Path), rejection(ApiError))]
pub struct ApiPath<T>(pub T);

impl From<JsonRejection> for ApiError {
    fn from(r: JsonRejection) -> Self {
        match r {
            JsonRejection::JsonDataError(e) => ApiError::invalid(e.body_text()),
            other if other.status() == axum::http::StatusCode::PAYLOAD_TOO_LARGE => ApiError::PayloadTooLarge,
            other => ApiError::BadRequest(other.body_text()),
        }
    }
}

impl From<QueryRejection> for ApiError {
    fn from(r: QueryRejection) -> Self {
        ApiError::BadRequest(r.body_text())
    }
}

impl From<PathRejection> for ApiError {
    fn from(r: PathRejection) -> Self {
        ApiError::BadRequest(r.body_text())
    }
}

/// The first text of a JSON document that breaks a limit: its path (`records[3].external_id`)
/// and why. Object keys are keys; string values take the kind of their field's name.
fn check_json(value: &serde_json::Value) -> Result<(), (String, limits::LimitError)> {
    fn walk(value: &serde_json::Value, path: &mut String, field: &str) -> Result<(), (String, limits::LimitError)> {
        match value {
            serde_json::Value::String(s) => {
                limits::check_text(s, limits::TextKind::of_field(field)).map_err(|e| (path.clone(), e))
            }
            serde_json::Value::Array(items) => items.iter().enumerate().try_for_each(|(i, item)| {
                let len = path.len();
                path.push_str(&format!("[{i}]"));
                walk(item, path, field)?;
                path.truncate(len);
                Ok(())
            }),
            serde_json::Value::Object(map) => map.iter().try_for_each(|(key, item)| {
                let len = path.len();
                if !path.is_empty() {
                    path.push('.');
                }
                path.push_str(key);
                limits::check_text(key, limits::TextKind::Key).map_err(|e| (path.clone(), e))?;
                walk(item, path, key)?;
                path.truncate(len);
                Ok(())
            }),
            _ => Ok(()),
        }
    }
    walk(value, &mut String::new(), "")
}

/// The principal of a request that passed an access rule other than `Public`.
pub fn principal(caller: &Caller) -> Result<&Principal, ApiError> {
    caller.principal.as_ref().ok_or(ApiError::Unauthorized)
}

/// The audit actor of a request: the principal, with the reason from the
/// `X-Pacer-Reason` header when given.
pub fn actor(caller: &Caller, headers: &HeaderMap) -> Result<Actor, ApiError> {
    let reason = headers.get("x-pacer-reason").and_then(|v| v.to_str().ok()).map(str::to_string);
    Ok(Actor::named(principal(caller)?.actor_name()).because(reason))
}

/// For PATCH bodies: tells "absent" (leave as is) from `null` (clear).
pub fn double_option<'de, T: Deserialize<'de>, D: Deserializer<'de>>(d: D) -> Result<Option<Option<T>>, D::Error> {
    Option::<T>::deserialize(d).map(Some)
}

/// A result as JSON (`format` absent or `json`), or as a download named `name`: CSV of one sheet
/// (the one `table` names, [`pacer_app::export::Sheet::key`], else the first) or XLSX of them all,
/// the workbook's sheet names and column headers in the caller's language
/// ([`crate::auth::reader_locale`]: a workbook is for people; JSON and CSV are for machines).
/// Any other format, or a table there is not, is a 400.
pub async fn tabular_response<T: serde::Serialize>(
    state: &crate::AppState,
    caller: &Caller,
    value: &T,
    sheets: impl FnOnce() -> Vec<pacer_app::export::Sheet>,
    name: &str,
    format: Option<&str>,
    table: Option<&str>,
) -> Result<axum::response::Response, ApiError> {
    use axum::http::header;
    use axum::response::IntoResponse;
    let failed = |e: pacer_app::export::ExportError| ApiError::Internal(e.to_string());
    let (kind, ext, body) = match format.unwrap_or("json") {
        "json" => return Ok(axum::Json(value).into_response()),
        "csv" => {
            let sheets = sheets();
            let sheet = pacer_app::export::pick(&sheets, table).map_err(ApiError::BadRequest)?;
            ("text/csv; charset=utf-8", "csv", pacer_app::export::csv(sheet).map_err(failed)?)
        }
        "xlsx" => {
            let reader = crate::auth::reader_locale(state, caller).await?;
            (
                pacer_app::plan_xlsx::XLSX_MEDIA_TYPE,
                "xlsx",
                pacer_app::export::xlsx_in(&sheets(), reader).map_err(failed)?,
            )
        }
        other => return Err(ApiError::BadRequest(format!("unknown format {other:?}: use json, csv or xlsx"))),
    };
    let file = format!("attachment; filename=\"{name}.{ext}\"");
    Ok(([(header::CONTENT_TYPE, kind.to_string()), (header::CONTENT_DISPOSITION, file)], body).into_response())
}

/// The `format` of a result that can be downloaded, in the OpenAPI document (read as text:
/// another value is a 400).
#[derive(serde::Serialize, utoipa::ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum Format {
    /// JSON (the default).
    Json,
    /// CSV of the first table.
    Csv,
    /// A workbook of every table.
    Xlsx,
}

/// A file's bytes (XLSX), in the OpenAPI document.
pub struct Binary;

impl utoipa::PartialSchema for Binary {
    fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
        use utoipa::openapi::schema::{KnownFormat, ObjectBuilder, SchemaFormat, Type};
        ObjectBuilder::new()
            .schema_type(Type::String)
            .format(Some(SchemaFormat::KnownFormat(KnownFormat::Binary)))
            .into()
    }
}

impl utoipa::ToSchema for Binary {}

/// Today, in the server's time zone.
pub fn today() -> chrono::NaiveDate {
    chrono::Local::now().date_naive()
}

/// What a principal may see of the organisation, with the facts the policy
/// needs (their own team) looked up once per request.
pub struct Viewer {
    /// Who is looking.
    pub principal: Principal,
    /// The team of the principal's own rep record today, if any.
    pub own_team: Option<i64>,
}

impl Viewer {
    /// Gathers the facts for `caller`.
    pub async fn of(state: &crate::AppState, caller: &Caller) -> Result<Self, ApiError> {
        let principal = principal(caller)?.clone();
        let own_team = match &principal {
            Principal::User { rep_id: Some(rep), .. } => state.store.rep(*rep, today()).await?.team_id,
            _ => None,
        };
        Ok(Self { principal, own_team })
    }

    /// Whether the viewer sees this team (its name and members).
    pub fn sees_team(&self, team: i64) -> bool {
        self.principal.can_see_team(team) || self.own_team == Some(team)
    }

    /// Whether the viewer sees this rep's records.
    pub fn sees_rep(&self, rep: &pacer_core::org::Rep) -> bool {
        self.principal.can_see_rep(rep.id, rep.team_id)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_problems_name_their_path() {
        let doc = serde_json::json!({"records": [{"external_id": "ok"}, {"external_id": "x".repeat(300)}]});
        let (path, e) = check_json(&doc).unwrap_err();
        assert_eq!(path, "records[1].external_id");
        assert_eq!(e, limits::LimitError::TooLong { chars: 300, max: limits::KEY_MAX_CHARS });
        let note = serde_json::json!({"text": "a\nlong note"});
        assert_eq!(check_json(&note), Ok(()));
        let nul = serde_json::json!({"name": "Ada\u{0}"});
        assert_eq!(check_json(&nul).unwrap_err().0, "name");
    }
}
