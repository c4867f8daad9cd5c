//! Readiness of the catalog's KPIs and completeness of manual logging.

use crate::{AppError, Context};
use chrono::NaiveDate;
use pacer_core::catalog::{CaptureMethod, Kpi};
use pacer_core::fiscal_calendar::FiscalPeriod;
use pacer_core::org::RepId;
use pacer_core::readiness::{Completeness, InputNeed, KpiFacts, ReadinessRow, completeness, readiness_row};
use pacer_storage::{RepFilter, Store};
use std::collections::HashSet;

/// Active quota-carrying reps on `day`: employed, and not a team's manager.
pub async fn active_sellers(store: &dyn Store, day: NaiveDate) -> Result<Vec<RepId>, AppError> {
    let managers: HashSet<RepId> = store.teams().await?.iter().filter_map(|t| t.manager_id).collect();
    let reps = store.reps(&RepFilter { teams: None, active_on: Some(day) }, day).await?;
    Ok(reps.iter().map(|r| r.id).filter(|id| !managers.contains(id)).collect())
}

/// Completeness of a manual KPI's activity types over the last `days` working days, naming
/// the reps the caller may see who have not logged.
pub async fn kpi_completeness(
    ctx: &Context<'_>,
    types: &[String],
    as_of: NaiveDate,
    days: u32,
) -> Result<Completeness, AppError> {
    let (store, org) = (ctx.store, &ctx.org);
    let (from, to) = org.working_days.last_n_working_days(as_of, days);
    let logged: HashSet<RepId> =
        store.activities_between(from, to, Some(types)).await?.iter().map(|a| a.rep_id).collect();
    let mut share = completeness(&active_sellers(store, to).await?, &logged);
    // The share is the company's; the names are those of reps the caller may see.
    let seen = ctx.visibility().await?;
    share.missing.retain(|rep| seen.sees_rep(*rep));
    Ok(share)
}

/// The working days "lately" covers when asking who has logged a manual KPI.
pub const RECENT_WORKING_DAYS: u32 = 5;

/// Completeness of a KPI logged by hand as activities (`needs`: what it reads), over the last
/// `days` working days; `None` for a KPI captured otherwise.
pub async fn manual_completeness(
    ctx: &Context<'_>,
    kpi: &Kpi,
    needs: &[InputNeed],
    as_of: NaiveDate,
    days: u32,
) -> Result<Option<Completeness>, AppError> {
    match (&kpi.capture.method, needs) {
        (CaptureMethod::Manual, [InputNeed::Activities { types, .. }]) => {
            Ok(Some(kpi_completeness(ctx, types, as_of, days).await?))
        }
        _ => Ok(None),
    }
}

/// The readiness report of `catalog` for fiscal year `year`, on `as_of`,
/// with completeness over the last `window_days` working days.
pub async fn readiness(
    ctx: &Context<'_>,
    year: &FiscalPeriod,
    as_of: NaiveDate,
    window_days: u32,
) -> Result<Vec<ReadinessRow>, AppError> {
    let store = ctx.store;
    let catalog = ctx.catalog().await?;
    let mut rows = Vec::new();
    for kpi in catalog.by_priority() {
        let mut span: Option<(NaiveDate, NaiveDate)> = None;
        let needs = catalog.inputs_of(kpi.key());
        for (i, need) in needs.iter().enumerate() {
            let part = crate::cache::data_span(store, ctx.caches, need).await?;
            // A KPI reading several inputs has data only where all of them have.
            span = match (i, span, part) {
                (0, _, p) => p,
                (_, Some((f1, l1)), Some((f2, l2))) => Some((f1.max(f2), l1.min(l2))),
                _ => None,
            };
        }
        let completeness = manual_completeness(ctx, kpi, &needs, as_of, window_days).await?;
        rows.push(readiness_row(kpi, year.start, year.end, as_of, &KpiFacts { data_span: span, completeness }));
    }
    Ok(rows)
}
