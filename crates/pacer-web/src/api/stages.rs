//! The pipeline stages setting over the API (PRODUCT.md C4): read with the open deals it maps to
//! no stage, replaced whole. Admins (or an admin token) only.

use super::{ApiJson, actor};
use crate::AppState;
use crate::auth::Caller;
use crate::error::{ApiResult, ErrorBody};
use axum::Json;
use axum::extract::{Extension, State};
use axum::http::HeaderMap;
use pacer_app::stages::{self, StagesSaved, StagesView};
use pacer_core::pipeline::{Stage, StageConfig};
use serde::Deserialize;

/// The stages to set, in funnel order.
#[derive(Deserialize, utoipa::ToSchema)]
pub struct StagesBody {
    /// Every stage: open ones with probability and category, won ones 100 and `closed`, lost ones
    /// 0 and no category.
    pub stages: Vec<Stage>,
}

/// The pipeline stages, and the open deals in stages they do not map (with the TOML that would).
#[utoipa::path(get, path = "/api/v1/pipeline/stages", tag = "reports", responses((status = 200, body = StagesView)))]
pub async fn get_stages(
    State(state): State<AppState>,
    Extension(caller): Extension<Caller>,
) -> ApiResult<Json<StagesView>> {
    let ctx = state.context(&caller).await?;
    Ok(Json(stages::stages_view(&ctx).await?))
}

/// Replaces every pipeline stage; the other settings stay. Answers what changed (nothing is
/// written when nothing did).
#[utoipa::path(put, path = "/api/v1/pipeline/stages", tag = "reports", request_body = StagesBody,
    responses((status = 200, body = StagesSaved),
        (status = 422, description = "Stages that break a rule (a name or alias twice, a probability beyond 100, \
            an open stage without category, a won stage not at 100%); `details[0].stage` names the stage", body = ErrorBody)))]
pub async fn put_stages(
    State(state): State<AppState>,
    Extension(caller): Extension<Caller>,
    headers: HeaderMap,
    ApiJson(body): ApiJson<StagesBody>,
) -> ApiResult<Json<StagesSaved>> {
    let ctx = state.context(&caller).await?;
    let config = StageConfig::new(body.stages).map_err(pacer_app::AppError::from)?;
    Ok(Json(stages::set_stages(&ctx, config, &actor(&caller, &headers)?).await?))
}
