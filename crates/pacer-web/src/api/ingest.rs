//! Data capture over the API: batches of activities, deals and recurring
//! revenue from integrations (API tokens with the ingest scope) or people.
//! Idempotent: records are keyed by (source, external id), or (account,
//! month) for revenue, so a replayed batch changes nothing; a batch with any
//! invalid record is refused whole, listing each record's problems. Deals are listed back as
//! stored: in their own currency, and converted into the reporting currency.

use super::{ApiJson, ApiQuery, Viewer, actor, today};
use crate::AppState;
use crate::auth::Caller;
use crate::error::{ApiError, ApiResult, ErrorBody};
use axum::Json;
use axum::extract::{Extension, State};
use axum::http::HeaderMap;
use chrono::{NaiveDate, NaiveDateTime, NaiveTime};
use pacer_core::access::Principal;
use pacer_core::limits;
use pacer_core::money::Currency;
use pacer_core::org::Rep;
use pacer_core::records::{
    DealKind, DealStatus, FieldValue, Fields, NewActivity, NewDeal, SourceKind, SubscriptionMonth, check_close_date,
};
use pacer_storage::{RepFilter, UpsertCounts};
use serde::{Deserialize, Serialize};
use std::collections::HashSet;
use utoipa::{IntoParams, ToSchema};

/// Most records one batch may carry.
pub const MAX_BATCH: usize = 10_000;

/// A batch of records.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Batch<T> {
    /// The records.
    pub records: Vec<T>,
}

/// What a batch did.
#[derive(Serialize, ToSchema)]
pub struct BatchResult {
    /// Records received.
    pub received: usize,
    /// Records that were not there.
    pub new: usize,
    /// Records that were there with other values (corrections).
    pub updated: usize,
    /// Records already there with the same values (a replay).
    pub unchanged: usize,
}

impl BatchResult {
    fn of(received: usize, c: UpsertCounts) -> Self {
        Self { received, new: c.new, updated: c.updated, unchanged: c.unchanged }
    }
}

/// A rep as sent: Pacer id, e-mail or CRM id (the schema of `rep`).
#[derive(Serialize, ToSchema)]
#[allow(dead_code)]
#[serde(untagged)]
enum RepKey {
    /// Pacer id.
    Id(i64),
    /// Pacer id, e-mail or CRM id.
    Text(String),
}

/// An activity as sent.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ActivityIn {
    /// The system it comes from, e.g. `aircall` (with `external_id`, the record's key).
    pub source: Option<String>,
    /// Its identifier in that system.
    pub external_id: Option<String>,
    /// The rep: Pacer id, e-mail or CRM id.
    #[schema(value_type = RepKey)]
    pub rep: serde_json::Value,
    /// Activity type key from the catalog.
    #[serde(rename = "type")]
    pub activity_type: String,
    /// When: `YYYY-MM-DDTHH:MM[:SS]`, or a date (noon).
    pub occurred_at: String,
    /// Duration in minutes.
    pub duration_minutes: Option<f64>,
    /// Account touched.
    pub account_id: Option<i64>,
    /// Custom fields of the activity type.
    #[serde(default)]
    #[schema(value_type = Object)]
    pub fields: serde_json::Map<String, serde_json::Value>,
}

/// A deal as sent.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DealIn {
    /// The system it comes from, e.g. `salesforce`.
    pub source: String,
    /// Its identifier there.
    pub external_id: String,
    /// The owner: Pacer id, e-mail or CRM id.
    #[schema(value_type = RepKey)]
    pub rep: serde_json::Value,
    /// Account.
    pub account_id: i64,
    /// new, upsell, cross-sell or renewal.
    #[schema(value_type = DealKind)]
    pub kind: String,
    /// open, won or lost.
    #[schema(value_type = DealStatus)]
    pub status: String,
    /// Stage name (default from the status).
    pub stage: Option<String>,
    /// Amount in minor units of `currency` (cents; whole yen for JPY), 0 to 10^13.
    #[schema(minimum = 0, maximum = 10000000000000.0)]
    pub amount_minor: i64,
    /// ISO 4217 code of the amount, e.g. `CHF` (default: the organisation's). Another
    /// currency than the organisation's needs an exchange rate at or before the close month
    /// (`PUT /api/v1/fx-rates`); reports show the amount converted at it.
    #[schema(example = "CHF")]
    pub currency: Option<String>,
    /// Day created.
    pub created_on: NaiveDate,
    /// Close day (expected while open); may be left out (or null) for an open deal not yet
    /// dated, which is in the open pipeline and in no period. A won or lost deal needs it.
    #[serde(default)]
    pub close_date: Option<NaiveDate>,
}

/// An account's recurring revenue for a month, as sent.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SubscriptionIn {
    /// Account.
    pub account_id: i64,
    /// The month, `YYYY-MM`.
    #[schema(pattern = r"^[0-9]{4}-[0-9]{2}$", example = "2026-06")]
    pub month: String,
    /// MRR in minor units, 0 to 10^13.
    #[schema(minimum = 0, maximum = 10000000000000.0)]
    pub mrr_minor: i64,
}

/// Collects each record's problems: `{index, field, reason}`.
#[derive(Default)]
pub(super) struct Problems(Vec<serde_json::Value>);

impl Problems {
    pub(super) fn add(&mut self, index: usize, field: &str, reason: impl Into<String>) {
        self.0.push(serde_json::json!({ "index": index, "field": field, "reason": reason.into() }));
    }

    pub(super) fn into_result(self, what: &str) -> ApiResult<()> {
        if self.0.is_empty() {
            return Ok(());
        }
        let records: std::collections::BTreeSet<u64> = self.0.iter().filter_map(|p| p["index"].as_u64()).collect();
        Err(ApiError::Unprocessable {
            message: format!("{} of the {what} are invalid; nothing was written", records.len()),
            details: self.0,
        })
    }
}

fn check_size<T>(records: &[T]) -> ApiResult<()> {
    if records.len() > MAX_BATCH {
        return Err(ApiError::invalid(format!("{} records: send at most {MAX_BATCH} per batch", records.len())));
    }
    Ok(())
}

/// Finds a rep by Pacer id, e-mail or CRM id, among those the caller may log for.
fn find_rep<'a>(reps: &'a [Rep], viewer: &Viewer, key: &serde_json::Value) -> Option<&'a Rep> {
    let found = match key {
        serde_json::Value::Number(n) => n.as_i64().and_then(|id| reps.iter().find(|r| r.id == id)),
        serde_json::Value::String(s) => {
            let s = s.trim();
            reps.iter().find(|r| {
                r.id.to_string() == s
                    || r.email.as_deref().is_some_and(|e| e.eq_ignore_ascii_case(s))
                    || r.external_id.as_deref() == Some(s)
            })
        }
        _ => None,
    }?;
    // Integrations log for anyone; people for the reps they may see.
    let allowed = matches!(viewer.principal, Principal::Token { .. }) || viewer.sees_rep(found);
    allowed.then_some(found)
}

fn parse_when(text: &str) -> Option<NaiveDateTime> {
    let t = text.trim();
    ["%Y-%m-%dT%H:%M:%S", "%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M"]
        .iter()
        .find_map(|f| NaiveDateTime::parse_from_str(t, f).ok())
        .or_else(|| chrono::DateTime::parse_from_rfc3339(t).ok().map(|d| d.naive_local()))
        .or_else(|| {
            NaiveDate::parse_from_str(t, "%Y-%m-%d")
                .ok()
                .and_then(|d| d.and_time(NaiveTime::from_hms_opt(12, 0, 0)?).into())
        })
}

fn field_value(v: &serde_json::Value) -> Option<FieldValue> {
    match v {
        serde_json::Value::Bool(b) => Some(FieldValue::Bool(*b)),
        serde_json::Value::Number(n) => {
            n.as_i64().map(FieldValue::Integer).or_else(|| n.as_f64().map(FieldValue::Decimal))
        }
        serde_json::Value::String(s) => Some(FieldValue::Text(s.clone())),
        _ => None,
    }
}

/// The source kind and stored external id of a record: integrations' ids are
/// namespaced by their system, so (source, external id) is the key.
fn keyed(
    viewer: &Viewer,
    source: Option<&str>,
    external_id: Option<&str>,
) -> Result<(SourceKind, Option<String>), String> {
    let kind =
        if matches!(viewer.principal, Principal::Token { .. }) { SourceKind::Integration } else { SourceKind::Manual };
    match (source.map(str::trim).filter(|s| !s.is_empty()), external_id.map(str::trim).filter(|s| !s.is_empty())) {
        (Some(s), Some(id)) => Ok((kind, Some(format!("{s}:{id}")))),
        (None, None) if kind == SourceKind::Manual => Ok((kind, None)),
        (None, None) => {
            Err("an integration's records need `source` and `external_id`, so that a replay changes nothing".into())
        }
        _ => Err("give both `source` and `external_id`, or neither".into()),
    }
}

async fn reps_for(state: &AppState) -> ApiResult<Vec<Rep>> {
    Ok(state.store.reps(&RepFilter::default(), super::today()).await?)
}

/// Records activities (at most 10,000 per batch).
#[utoipa::path(post, path = "/api/v1/activities", tag = "capture", request_body = Batch<ActivityIn>,
    responses((status = 200, body = BatchResult), (status = 404, description = "No catalog has been applied yet", body = ErrorBody),
        (status = 422, description = "Invalid records: `details` has `{index, field, reason}` for each problem; nothing was written", body = ErrorBody)))]
pub async fn post_activities(
    State(state): State<AppState>,
    Extension(caller): Extension<Caller>,
    headers: HeaderMap,
    ApiJson(batch): ApiJson<Batch<ActivityIn>>,
) -> ApiResult<Json<BatchResult>> {
    check_size(&batch.records)?;
    let viewer = Viewer::of(&state, &caller).await?;
    let (_, catalog) = crate::api::catalog::require_catalog(&state).await?;
    let reps = reps_for(&state).await?;
    let mut problems = Problems::default();
    let mut out = Vec::with_capacity(batch.records.len());
    for (i, r) in batch.records.iter().enumerate() {
        let rep = find_rep(&reps, &viewer, &r.rep);
        if rep.is_none() {
            problems.add(i, "rep", format!("no rep {}", r.rep));
        }
        let when = parse_when(&r.occurred_at);
        if when.is_none() {
            problems.add(i, "occurred_at", format!("{:?} is not a date and time (YYYY-MM-DDTHH:MM:SS)", r.occurred_at));
        }
        if let Some(Err(e)) = when.map(|w| limits::check_day(w.date())) {
            problems.add(i, "occurred_at", e.to_string());
        } else if let (Some(rep), Some(when)) = (rep, when)
            && !rep.is_active_on(when.date())
        {
            problems.add(i, "occurred_at", format!("{} was not employed on {}", rep.name, when.date()));
        }
        let mut fields = Fields::new();
        for (k, v) in &r.fields {
            match field_value(v) {
                Some(value) => {
                    fields.insert(k.clone(), value);
                }
                None => problems.add(
                    i,
                    &format!("fields.{k}"),
                    format!("{v} is not a value: use text, a number or true/false"),
                ),
            }
        }
        for (field, reason) in catalog.check_activity(&r.activity_type, &fields) {
            problems.add(i, &field, reason);
        }
        let duration_s = match r.duration_minutes {
            Some(m) if !(0.0..=1440.0).contains(&m) => {
                problems.add(i, "duration_minutes", format!("{m} is not 0 to 1440 minutes"));
                None
            }
            m => m.map(|m| (m * 60.0).round() as i64),
        };
        match keyed(&viewer, r.source.as_deref(), r.external_id.as_deref()) {
            Err(reason) => problems.add(i, "external_id", reason),
            Ok((source, external_id)) => {
                if let (Some(rep), Some(occurred_at)) = (rep, when) {
                    out.push(NewActivity {
                        rep_id: rep.id,
                        activity_type: r.activity_type.clone(),
                        occurred_at,
                        duration_s,
                        account_id: r.account_id,
                        source,
                        external_id,
                        fields,
                        entered_by: Some(viewer.principal.actor_name()),
                    });
                }
            }
        }
    }
    problems.into_result("activities")?;
    Ok(Json(BatchResult::of(
        batch.records.len(),
        state.store.upsert_activities(&out, &actor(&caller, &headers)?).await?,
    )))
}

/// Records deals (at most 10,000 per batch).
#[utoipa::path(post, path = "/api/v1/deals", tag = "capture", request_body = Batch<DealIn>,
    responses((status = 200, body = BatchResult),
        (status = 422, description = "Invalid records: `details` has `{index, field, reason}` for each problem; nothing was written", body = ErrorBody)))]
pub async fn post_deals(
    State(state): State<AppState>,
    Extension(caller): Extension<Caller>,
    headers: HeaderMap,
    ApiJson(batch): ApiJson<Batch<DealIn>>,
) -> ApiResult<Json<BatchResult>> {
    check_size(&batch.records)?;
    let viewer = Viewer::of(&state, &caller).await?;
    let reps = reps_for(&state).await?;
    let mut problems = Problems::default();
    let mut out = Vec::with_capacity(batch.records.len());
    for (i, d) in batch.records.iter().enumerate() {
        let rep = find_rep(&reps, &viewer, &d.rep);
        if rep.is_none() {
            problems.add(i, "rep", format!("no rep {}", d.rep));
        }
        let kind = d.kind.parse::<DealKind>().map_err(|e| problems.add(i, "kind", e)).ok();
        let status = d.status.parse::<DealStatus>().map_err(|e| problems.add(i, "status", e)).ok();
        let currency = match &d.currency {
            Some(code) => match Currency::parse(code) {
                Ok(c) => Some(Some(c)),
                Err(e) => {
                    problems.add(i, "currency", e.to_string());
                    None
                }
            },
            None => Some(None),
        };
        if d.amount_minor < 0 {
            problems.add(i, "amount_minor", format!("negative amount {} is not allowed", d.amount_minor));
        } else if let Err(reason) = pacer_core::money::check_magnitude(d.amount_minor) {
            problems.add(i, "amount_minor", reason);
        }
        for (field, day) in [("created_on", Some(d.created_on)), ("close_date", d.close_date)] {
            if let Some(Err(e)) = day.map(limits::check_day) {
                problems.add(i, field, e.to_string());
            }
        }
        if let Some(close) = d.close_date.filter(|close| *close < d.created_on) {
            problems.add(i, "close_date", format!("{close} is before the deal was created ({})", d.created_on));
        }
        if let Some(Err(e)) = status.map(|s| check_close_date(s, d.close_date)) {
            problems.add(i, "close_date", e.to_string());
        }
        let key =
            keyed(&viewer, Some(&d.source), Some(&d.external_id)).map_err(|e| problems.add(i, "external_id", e)).ok();
        if let (Some(rep), Some(kind), Some(status), Some(currency), Some((source, external_id))) =
            (rep, kind, status, currency, key)
        {
            let stage = d.stage.clone().unwrap_or_else(|| {
                match status {
                    DealStatus::Won => "Closed Won",
                    DealStatus::Lost => "Closed Lost",
                    DealStatus::Open => "Open",
                }
                .to_string()
            });
            out.push(NewDeal {
                rep_id: rep.id,
                account_id: d.account_id,
                kind,
                status,
                stage,
                amount_minor: d.amount_minor,
                currency,
                created_on: d.created_on,
                close_date: d.close_date,
                source,
                external_id,
                entered_by: Some(viewer.principal.actor_name()),
            });
        }
    }
    problems.into_result("deals")?;
    Ok(Json(BatchResult::of(batch.records.len(), state.store.upsert_deals(&out, &actor(&caller, &headers)?).await?)))
}

/// Records monthly recurring revenue per account (at most 10,000 per batch).
#[utoipa::path(post, path = "/api/v1/subscriptions", tag = "capture", request_body = Batch<SubscriptionIn>,
    responses((status = 200, body = BatchResult),
        (status = 422, description = "Invalid records: `details` has `{index, field, reason}` for each problem; nothing was written", body = ErrorBody)))]
pub async fn post_subscriptions(
    State(state): State<AppState>,
    Extension(caller): Extension<Caller>,
    headers: HeaderMap,
    ApiJson(batch): ApiJson<Batch<SubscriptionIn>>,
) -> ApiResult<Json<BatchResult>> {
    check_size(&batch.records)?;
    let mut problems = Problems::default();
    let mut out = Vec::with_capacity(batch.records.len());
    let mut seen = std::collections::HashSet::new();
    for (i, s) in batch.records.iter().enumerate() {
        let month = s
            .month
            .parse::<pacer_core::values::Month>()
            .map(|m| m.0)
            .map_err(|e| problems.add(i, "month", e.to_string()))
            .ok();
        if s.mrr_minor < 0 {
            problems.add(i, "mrr_minor", format!("negative MRR {} is not allowed", s.mrr_minor));
        } else if let Err(reason) = pacer_core::money::check_magnitude(s.mrr_minor) {
            problems.add(i, "mrr_minor", reason);
        }
        if let Some(month) = month {
            if !seen.insert((s.account_id, month)) {
                problems.add(
                    i,
                    "month",
                    format!("account {} and month {} appear twice in the batch", s.account_id, month.format("%Y-%m")),
                );
            }
            out.push(SubscriptionMonth { account_id: s.account_id, month, mrr_minor: s.mrr_minor });
        }
    }
    problems.into_result("records")?;
    let counts = state.store.upsert_subscriptions(&out, &actor(&caller, &headers)?).await?;
    Ok(Json(BatchResult::of(batch.records.len(), counts)))
}

/// Which deals: those closing in a span of at most 366 days (and the open deals without a close date).
#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct DealQuery {
    /// First close day, `YYYY-MM-DD`.
    pub from: NaiveDate,
    /// Last close day, `YYYY-MM-DD`.
    pub to: NaiveDate,
}

/// A deal as stored: its amount as given, in its currency, and in the reporting currency.
#[derive(Serialize, ToSchema)]
pub struct DealBody {
    /// Pacer's id.
    pub id: i64,
    /// The owner.
    pub rep_id: i64,
    /// The account.
    pub account_id: i64,
    /// new, upsell, cross-sell or renewal.
    pub kind: DealKind,
    /// open, won or lost.
    pub status: DealStatus,
    /// The stage.
    pub stage: String,
    /// The deal's currency, e.g. `CHF`.
    #[schema(example = "CHF")]
    pub currency: String,
    /// The amount as given, in minor units of `currency`.
    pub original_amount_minor: i64,
    /// The amount in minor units of the reporting currency (what reports sum), converted at
    /// the rate of the close month.
    pub amount_minor: i64,
    /// Day created.
    pub created_on: NaiveDate,
    /// Close day (expected while open); null for an open deal not yet dated.
    pub close_date: Option<NaiveDate>,
}

/// The deals closing in a span, then the open deals without a close date, of the reps the
/// caller may see, each in its own currency and in the reporting currency.
#[utoipa::path(get, path = "/api/v1/deals", tag = "capture", params(DealQuery),
    responses((status = 200, body = [DealBody]),
        (status = 400, description = "`from` after `to`, or a span longer than 366 days", body = ErrorBody)))]
pub async fn deals(
    State(state): State<AppState>,
    Extension(caller): Extension<Caller>,
    ApiQuery(q): ApiQuery<DealQuery>,
) -> ApiResult<Json<Vec<DealBody>>> {
    if q.from > q.to || (q.to - q.from).num_days() > 365 {
        return Err(ApiError::BadRequest(format!(
            "deals from {} to {}: give a span of at most 366 days, from before to",
            q.from, q.to
        )));
    }
    let viewer = Viewer::of(&state, &caller).await?;
    let reps = state.store.reps(&RepFilter::default(), today()).await?;
    let visible: HashSet<i64> = reps.iter().filter(|r| viewer.sees_rep(r)).map(|r| r.id).collect();
    let deals = state.store.deals_as_given(q.from, q.to).await?;
    let body = deals
        .into_iter()
        .filter(|(d, _)| visible.contains(&d.rep_id))
        .map(|(d, given)| DealBody {
            id: d.id,
            rep_id: d.rep_id,
            account_id: d.account_id,
            kind: d.kind,
            status: d.status,
            stage: d.stage,
            currency: given.currency.to_string(),
            original_amount_minor: given.minor,
            amount_minor: d.amount_minor,
            created_on: d.created_on,
            close_date: d.close_date,
        })
        .collect();
    Ok(Json(body))
}
