//! Exchange rates into the organisation's (reporting) currency, one per currency and month:
//! deals in other currencies are converted at the rate of their close month, or else of the
//! latest earlier month with one.

use super::ingest::Problems;
use super::{ApiJson, actor};
use crate::AppState;
use crate::auth::Caller;
use crate::error::{ApiError, ApiResult, ErrorBody};
use axum::Json;
use axum::extract::{Extension, State};
use axum::http::HeaderMap;
use pacer_core::money::fx::FxRate;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// Most rates one request may set.
const MAX_RATES: usize = 10_000;

/// The rates, and the currency they convert into.
#[derive(Serialize, ToSchema)]
pub struct FxRates {
    /// The organisation's currency: reports and rollups are in it.
    #[schema(example = "EUR")]
    pub reporting_currency: String,
    /// Every rate, by currency then month.
    pub rates: Vec<FxRate>,
}

/// What setting rates did.
#[derive(Serialize, ToSchema)]
pub struct FxRatesSet {
    /// Rates set (added or replaced).
    pub set: usize,
    /// Deals whose amount in the reporting currency changed with them.
    pub deals_converted_again: usize,
}

/// Rates to set.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct FxRatesIn {
    /// Each (currency, month) is added, or replaces the rate stored for it.
    pub rates: Vec<FxRateIn>,
}

/// A rate as sent.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct FxRateIn {
    /// ISO 4217 code, e.g. `CHF` (not the reporting currency).
    #[schema(example = "CHF")]
    pub currency: String,
    /// `YYYY-MM`.
    #[schema(example = "2026-01")]
    pub month: String,
    /// Units of the reporting currency for one unit of `currency`: a decimal with at most 9 places.
    #[schema(example = "1.0712")]
    pub rate: String,
}

/// The exchange rates.
#[utoipa::path(get, path = "/api/v1/fx-rates", tag = "organisation", responses((status = 200, body = FxRates)))]
pub async fn list(State(state): State<AppState>) -> ApiResult<Json<FxRates>> {
    let reporting = state.store.organisation().await?.unwrap_or_default().currency;
    Ok(Json(FxRates { reporting_currency: reporting.to_string(), rates: state.store.fx_rates().await? }))
}

/// Sets exchange rates in one transaction (at most 10,000), converting again the deals they
/// apply to; audited.
#[utoipa::path(put, path = "/api/v1/fx-rates", tag = "organisation", request_body = FxRatesIn,
    responses((status = 200, body = FxRatesSet),
        (status = 422, description = "Invalid rates (`details` has `{index, field, reason}` for each), a rate of the reporting currency, or too many; nothing was written", body = ErrorBody)))]
pub async fn put(
    State(state): State<AppState>,
    Extension(caller): Extension<Caller>,
    headers: HeaderMap,
    ApiJson(body): ApiJson<FxRatesIn>,
) -> ApiResult<Json<FxRatesSet>> {
    if body.rates.len() > MAX_RATES {
        return Err(ApiError::invalid(format!("{} rates: send at most {MAX_RATES} at once", body.rates.len())));
    }
    let mut problems = Problems::default();
    let mut rates = Vec::with_capacity(body.rates.len());
    for (i, r) in body.rates.iter().enumerate() {
        match FxRate::read(&r.currency, &r.month, &r.rate) {
            Ok(rate) => rates.push(rate),
            Err(bad) => bad.into_iter().for_each(|(field, reason)| problems.add(i, field, reason)),
        }
    }
    problems.into_result("rates")?;
    let changed = state.store.set_fx_rates(&rates, &actor(&caller, &headers)?).await?;
    Ok(Json(FxRatesSet { set: rates.len(), deals_converted_again: changed }))
}
