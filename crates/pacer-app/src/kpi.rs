//! A KPI's value over a period, evaluated on the raw records.

use crate::churn::revenue_figures;
use crate::{AppError, Context};
use chrono::NaiveDate;
use pacer_core::kpi::{KpiInputs, KpiValue, evaluate};
use pacer_core::org::RepId;
use pacer_core::readiness::InputNeed;
use std::collections::HashSet;

/// The value of a KPI over `[from, to]` for some reps (`None`: the company).
pub async fn kpi_value(
    ctx: &Context<'_>,
    key: &str,
    from: NaiveDate,
    to: NaiveDate,
    reps: Option<&HashSet<RepId>>,
) -> Result<KpiValue, AppError> {
    let store = ctx.store;
    let catalog = ctx.catalog().await?;
    let needs = catalog.inputs_of(key);
    if catalog.kpi(key).is_none() {
        let known: Vec<&str> = catalog.kpis.iter().map(|k| k.key()).collect();
        return Err(AppError::NotFound(format!("KPI {key:?} is not in the catalog; KPIs: {}", known.join(", "))));
    }
    let types: Vec<String> = needs
        .iter()
        .filter_map(|n| match n {
            InputNeed::Activities { types, .. } => Some(types.clone()),
            _ => None,
        })
        .flatten()
        .collect();
    let activities =
        if types.is_empty() { Vec::new() } else { store.activities_between(from, to, Some(&types)).await? };
    let deals = if needs.contains(&InputNeed::Deals) { store.deals_between(from, to).await? } else { Vec::new() };
    let revenue =
        if needs.contains(&InputNeed::Subscriptions) { revenue_figures(ctx, from, to, reps).await? } else { None };
    let inputs = KpiInputs { from, to, reps, activities: &activities, deals: &deals, revenue };
    evaluate(catalog, key, &inputs).map_err(AppError::internal)
}
