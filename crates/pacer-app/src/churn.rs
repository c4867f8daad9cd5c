//! Churn, retention and the MRR bridge of the recurring-revenue series.

use crate::cache;
use crate::{AppError, Context};
use chrono::{Datelike, NaiveDate};
use pacer_core::churn::{
    BandLevel, ChurnBand, CohortRow, Movements, MrrBridge, MrrSeries, PeriodRates, ReasonSummary, reason_summary,
};
use pacer_core::fiscal_calendar::FiscalPeriod;
use pacer_core::kpi::RevenueFigures;
use pacer_core::org::RepId;
use pacer_storage::Store;
use std::collections::HashSet;

/// Recurring-revenue figures of `[from, to]` (the calendar months holding
/// them) for the accounts of some reps (`None`: every account); `None` when
/// there is no recurring-revenue data for the period.
pub async fn revenue_figures(
    ctx: &Context<'_>,
    from: NaiveDate,
    to: NaiveDate,
    reps: Option<&HashSet<RepId>>,
) -> Result<Option<RevenueFigures>, AppError> {
    let store = ctx.store;
    let series = mrr_series(ctx).await?;
    let (Some(first), Some(last)) = (series.first_month(), series.last_month()) else { return Ok(None) };
    let month = |d: NaiveDate| d.with_day(1).unwrap_or(d);
    let (from, to) = (month(from), month(to));
    // The start cohort is the month before `from`: it must be in the data.
    if from <= first || to > last {
        return Ok(None);
    }
    let owned = owned_accounts(store, reps).await?;
    let include = |id: i64| owned.as_ref().is_none_or(|set| set.contains(&id));
    let rates = series.period_rates_for(from, to, include).map_err(|e| AppError::BadRequest(e.to_string()))?;
    let bridge = series.bridge_for(from, to, include).map_err(|e| AppError::BadRequest(e.to_string()))?;
    Ok(Some(RevenueFigures {
        customer_churn_rate: rates.customer_churn_rate,
        gross_mrr_churn_rate: rates.gross_mrr_churn_rate,
        net_mrr_churn_rate: rates.net_mrr_churn_rate,
        nrr: rates.nrr,
        grr: rates.grr,
        end_mrr: bridge.end_mrr,
        end_customers: bridge.customers_at_end as i64,
    }))
}

/// One period of the churn report.
#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
pub struct ChurnPeriod {
    /// Stable name, e.g. `FY2027-Q2`.
    pub name: String,
    /// Label for people.
    pub label: String,
    /// The MRR bridge of the period (movements summed month by month).
    pub bridge: MrrBridge,
    /// Start-cohort rates of the period.
    pub rates: PeriodRates,
    /// Calendar months measured (fewer than the period's while it runs).
    pub months: u32,
    /// Whether the period is still running: figures are to date.
    pub to_date: bool,
    /// Customer churn rate compounded to a year.
    pub annualised_customer_churn: Option<f64>,
    /// Where the annualised rate falls in the organisation's band.
    pub band: Option<BandLevel>,
    /// Churn by reason, and the uncontrollable share.
    pub reasons: ReasonSummary,
}

/// The churn report of some fiscal periods.
#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
pub struct ChurnReport {
    /// One row per period with data.
    pub periods: Vec<ChurnPeriod>,
    /// The band the annualised rates are judged against.
    pub band: ChurnBand,
}

/// Churn, retention and the MRR bridge for each of `periods` (those with a
/// start cohort in the data), for the accounts of some reps (`None`: all) and
/// of a segment (e.g. Enterprise).
pub async fn churn_report(
    ctx: &Context<'_>,
    periods: &[FiscalPeriod],
    reps: Option<&HashSet<RepId>>,
    segment: Option<&str>,
) -> Result<ChurnReport, AppError> {
    let (store, org, today) = (ctx.store, &ctx.org, ctx.today);
    let series = mrr_series(ctx).await?;
    let mut owned = owned_accounts(store, reps).await?;
    if let Some(segment) = segment {
        let accounts = store.accounts().await?;
        let in_segment: HashSet<i64> =
            accounts.iter().filter(|a| a.segment.as_deref() == Some(segment)).map(|a| a.id).collect();
        if in_segment.is_empty() {
            let mut known: Vec<&str> = accounts.iter().filter_map(|a| a.segment.as_deref()).collect();
            known.sort_unstable();
            known.dedup();
            return Err(AppError::BadRequest(format!(
                "segment {segment:?} has no account; segments: {}",
                known.join(", ")
            )));
        }
        owned = Some(match owned {
            Some(of_reps) => of_reps.intersection(&in_segment).copied().collect(),
            None => in_segment,
        });
    }
    let include = |id: i64| owned.as_ref().is_none_or(|set| set.contains(&id));
    let mut out = Vec::new();
    if let (Some(first_data), Some(last_data)) = (series.first_month(), series.last_month()) {
        let tags = store.churn_tags(first_data, last_data).await?;
        for period in periods {
            let (first, last) = pacer_core::churn::calendar_months_of(period);
            // The cohort is the month before the period: it must be in the data.
            if first <= first_data || first > last_data {
                continue;
            }
            let last = last.min(last_data);
            let internal = |e: pacer_core::churn::ChurnError| AppError::internal(e);
            let rates = series.period_rates_for(first, last, include).map_err(internal)?;
            let bridge = series.bridge_for(first, last, include).map_err(internal)?;
            let events = series.churn_events(first, last, include).map_err(internal)?;
            let months = ((last.year() - first.year()) * 12 + last.month() as i32 - first.month() as i32 + 1) as u32;
            let annualised = rates.customer_churn_rate.and_then(|r| pacer_core::churn::annualise(r, months).ok());
            out.push(ChurnPeriod {
                name: period.name(),
                label: period.label(),
                bridge,
                rates,
                months,
                to_date: period.end >= today,
                annualised_customer_churn: annualised,
                band: annualised.map(|a| org.churn_band.classify(a)),
                reasons: reason_summary(&events, &tags, &org.churn_reasons),
            });
        }
    }
    Ok(ChurnReport { periods: out, band: org.churn_band })
}

/// The cohort retention table of the last `months` cohorts (all accounts).
pub async fn cohorts(ctx: &Context<'_>, months: usize) -> Result<Vec<CohortRow>, AppError> {
    let series = mrr_series(ctx).await?;
    Ok(series.cohort_table(months))
}

/// The movements of one month, with the accounts behind each.
pub async fn movements(
    ctx: &Context<'_>,
    month: NaiveDate,
    reps: Option<&HashSet<RepId>>,
) -> Result<Movements, AppError> {
    let store = ctx.store;
    let series = mrr_series(ctx).await?;
    let owned = owned_accounts(store, reps).await?;
    Ok(series.movements_for(month.with_day(1).unwrap_or(month), |id| owned.as_ref().is_none_or(|s| s.contains(&id))))
}

/// The accounts owned by some reps (`None`: every account, no filter).
async fn owned_accounts(store: &dyn Store, reps: Option<&HashSet<RepId>>) -> Result<Option<HashSet<i64>>, AppError> {
    Ok(match reps {
        Some(reps) => Some(
            store
                .accounts()
                .await?
                .iter()
                .filter(|a| a.owner_id.is_some_and(|o| reps.contains(&o)))
                .map(|a| a.id)
                .collect(),
        ),
        None => None,
    })
}

/// Recurring revenue as a series, kept between requests: loading and indexing
/// a large history is the slow part, so it is done once per version of the
/// data (see [`Store::data_version`]); every server checks the version first.
#[derive(Default)]
pub struct SeriesCache {
    loaded: cache::Versioned<i64, MrrSeries>,
}

/// The recurring-revenue series, from the cache while the data is unchanged.
pub async fn mrr_series(ctx: &Context<'_>) -> Result<std::sync::Arc<MrrSeries>, AppError> {
    let (store, cache) = (ctx.store, ctx.caches.series);
    let version = store.data_version(pacer_storage::DataKind::Subscriptions).await?;
    let load = || async { MrrSeries::from_rows(store.subscriptions().await?).map_err(AppError::internal) };
    cache.loaded.get(version, load).await
}
