//! Use cases shared by the API, the pages and the command line: they gather
//! facts from the store and compute with the core, so that every interface
//! gives the same answer.

pub mod cache;
pub mod import;
pub mod plan;
pub mod plan_xlsx;
pub mod report;
pub mod review;

use crate::error::ApiError;
use chrono::{Datelike, NaiveDate};
use pacer_core::attainment::Direction;
use pacer_core::audit::Actor;
use pacer_core::catalog::{CaptureMethod, Catalog, Problem, check};
use pacer_core::churn::{
    BandLevel, ChurnBand, CohortRow, Movements, MrrBridge, MrrSeries, PeriodRates, ReasonSummary, reason_summary,
};
use pacer_core::fiscal_calendar::FiscalPeriod;
use pacer_core::kpi::{KpiInputs, KpiValue, RevenueFigures, evaluate};
use pacer_core::org::{Organisation, RepId};
use pacer_core::readiness::{Completeness, InputNeed, KpiFacts, ReadinessRow, completeness, readiness_row};
use pacer_core::report::{Standing, rank};
use pacer_storage::{CatalogVersion, DataInput, DataKind, RepFilter, Store};
use std::collections::HashSet;

/// The catalog in force: its version and the parsed catalog.
pub async fn current_catalog(store: &dyn Store) -> Result<Option<(CatalogVersion, Catalog)>, ApiError> {
    let Some(version) = store.current_catalog().await? else { return Ok(None) };
    // Stored catalogs were checked when applied; a failure here is a bug or a hand-edited database.
    let catalog = check("catalog", &version.source, None).valid().map_err(|p| {
        ApiError::Internal(format!("stored catalog version {} does not check: {:?}", version.version, p))
    })?;
    Ok(Some((version, catalog)))
}

/// The catalog in force, or a 404 saying none has been applied.
pub async fn catalog_in_force(store: &dyn Store) -> Result<Catalog, ApiError> {
    current_catalog(store)
        .await?
        .map(|(_, c)| c)
        .ok_or_else(|| ApiError::NotFound("no metric catalog has been applied yet".into()))
}

/// The first day of the fiscal year a catalog prepares for: its own
/// `fiscal_year`, else the year holding `today`.
pub fn catalog_year_start(org: &Organisation, catalog_year: Option<i32>, today: NaiveDate) -> Option<NaiveDate> {
    let fy = catalog_year.unwrap_or_else(|| org.fiscal_year_of(today));
    org.calendar.year(fy).ok().map(|y| y.start)
}

/// What applying a catalog did.
pub enum Applied {
    /// A new version, with the warnings found.
    New(CatalogVersion, Vec<Problem>),
    /// The same as the version in force: nothing recorded.
    Unchanged(i64),
}

/// Checks `text` and, when it has no error, records it as a new catalog
/// version with its diff; a catalog with errors changes nothing.
pub async fn apply_catalog(
    store: &dyn Store,
    org: &Organisation,
    file: &str,
    text: &str,
    today: NaiveDate,
    actor: &Actor,
) -> Result<Applied, Vec<Problem>> {
    let probe = check(file, text, None);
    let year_start = catalog_year_start(org, probe.catalog.as_ref().and_then(|c| c.fiscal_year), today);
    let checked = check(file, text, year_start);
    let warnings: Vec<Problem> = checked.problems.clone();
    let catalog = checked.valid()?;
    let internal = |e: ApiError| {
        vec![Problem {
            severity: pacer_core::catalog::Severity::Error,
            file: file.into(),
            line: 1,
            column: 1,
            message: e.to_string(),
        }]
    };
    let previous = current_catalog(store).await.map_err(internal)?;
    let diff = match &previous {
        Some((_, before)) => catalog.diff(before),
        None => catalog.diff(&Catalog::default()),
    };
    if let Some((version, _)) = &previous
        && diff.is_empty()
    {
        return Ok(Applied::Unchanged(version.version));
    }
    let version = store.apply_catalog(text, &diff, actor).await.map_err(|e| internal(e.into()))?;
    Ok(Applied::New(version, warnings))
}

fn data_input(need: &InputNeed) -> DataInput<'_> {
    match need {
        InputNeed::Activities { types, with_field } => {
            DataInput::Activities { types, with_field: with_field.as_deref() }
        }
        InputNeed::Deals => DataInput::Deals,
        InputNeed::Subscriptions => DataInput::Subscriptions,
    }
}

/// Active quota-carrying reps on `day`: employed, and not a team's manager.
pub async fn active_sellers(store: &dyn Store, day: NaiveDate) -> Result<Vec<RepId>, ApiError> {
    let managers: HashSet<RepId> = store.teams().await?.iter().filter_map(|t| t.manager_id).collect();
    let reps = store.reps(&RepFilter { teams: None, active_on: Some(day) }, day).await?;
    Ok(reps.iter().map(|r| r.id).filter(|id| !managers.contains(id)).collect())
}

/// Completeness of a manual KPI's activity types over the last `days` working days.
pub async fn kpi_completeness(
    store: &dyn Store,
    org: &Organisation,
    types: &[String],
    as_of: NaiveDate,
    days: u32,
) -> Result<Completeness, ApiError> {
    let (from, to) = org.working_days.last_n_working_days(as_of, days);
    let logged: HashSet<RepId> =
        store.activities_between(from, to, Some(types)).await?.iter().map(|a| a.rep_id).collect();
    Ok(completeness(&active_sellers(store, to).await?, &logged))
}

/// The readiness report of `catalog` for fiscal year `year`, on `as_of`,
/// with completeness over the last `window_days` working days.
pub async fn readiness(
    store: &dyn Store,
    org: &Organisation,
    catalog: &Catalog,
    year: &FiscalPeriod,
    as_of: NaiveDate,
    window_days: u32,
) -> Result<Vec<ReadinessRow>, ApiError> {
    let mut rows = Vec::new();
    for kpi in catalog.by_priority() {
        let mut span: Option<(NaiveDate, NaiveDate)> = None;
        let needs = catalog.inputs_of(kpi.key());
        for (i, need) in needs.iter().enumerate() {
            let part = store.data_span(data_input(need)).await?;
            // A KPI reading several inputs has data only where all of them have.
            span = match (i, span, part) {
                (0, _, p) => p,
                (_, Some((f1, l1)), Some((f2, l2))) => Some((f1.max(f2), l1.min(l2))),
                _ => None,
            };
        }
        let completeness = match (&kpi.capture.method, needs.as_slice()) {
            (CaptureMethod::Manual, [InputNeed::Activities { types, .. }]) => {
                Some(kpi_completeness(store, org, types, as_of, window_days).await?)
            }
            _ => None,
        };
        rows.push(readiness_row(kpi, year.start, year.end, as_of, &KpiFacts { data_span: span, completeness }));
    }
    Ok(rows)
}

/// The value of a KPI over `[from, to]` for some reps (`None`: the company).
pub async fn kpi_value(
    store: &dyn Store,
    cache: &SeriesCache,
    catalog: &Catalog,
    key: &str,
    from: NaiveDate,
    to: NaiveDate,
    reps: Option<&HashSet<RepId>>,
) -> Result<KpiValue, ApiError> {
    let needs = catalog.inputs_of(key);
    if catalog.kpi(key).is_none() {
        let known: Vec<&str> = catalog.kpis.iter().map(|k| k.key()).collect();
        return Err(ApiError::NotFound(format!("KPI {key:?} is not in the catalog; KPIs: {}", known.join(", "))));
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
    let revenue = if needs.contains(&InputNeed::Subscriptions) {
        revenue_figures(store, cache, from, to, reps).await?
    } else {
        None
    };
    let inputs = KpiInputs { from, to, reps, activities: &activities, deals: &deals, revenue };
    evaluate(catalog, key, &inputs).map_err(|e| ApiError::Internal(e.to_string()))
}

/// Recurring-revenue figures of `[from, to]` (the calendar months holding
/// them) for the accounts of some reps (`None`: every account); `None` when
/// there is no recurring-revenue data for the period.
pub async fn revenue_figures(
    store: &dyn Store,
    cache: &SeriesCache,
    from: NaiveDate,
    to: NaiveDate,
    reps: Option<&HashSet<RepId>>,
) -> Result<Option<RevenueFigures>, ApiError> {
    let series = mrr_series(store, cache).await?;
    let (Some(first), Some(last)) = (series.first_month(), series.last_month()) else { return Ok(None) };
    let month = |d: NaiveDate| d.with_day(1).unwrap_or(d);
    let (from, to) = (month(from), month(to));
    // The start cohort is the month before `from`: it must be in the data.
    if from <= first || to > last {
        return Ok(None);
    }
    let owned = owned_accounts(store, reps).await?;
    let include = |id: i64| owned.as_ref().is_none_or(|set| set.contains(&id));
    let rates = series.period_rates_for(from, to, include).map_err(|e| ApiError::BadRequest(e.to_string()))?;
    let bridge = series.bridge_for(from, to, include).map_err(|e| ApiError::BadRequest(e.to_string()))?;
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
#[derive(Debug, Clone, serde::Serialize)]
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
#[derive(Debug, Clone, serde::Serialize)]
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
    store: &dyn Store,
    cache: &SeriesCache,
    org: &Organisation,
    periods: &[FiscalPeriod],
    reps: Option<&HashSet<RepId>>,
    segment: Option<&str>,
    today: NaiveDate,
) -> Result<ChurnReport, ApiError> {
    let series = mrr_series(store, cache).await?;
    let mut owned = owned_accounts(store, reps).await?;
    if let Some(segment) = segment {
        let accounts = store.accounts().await?;
        let in_segment: HashSet<i64> =
            accounts.iter().filter(|a| a.segment.as_deref() == Some(segment)).map(|a| a.id).collect();
        if in_segment.is_empty() {
            let mut known: Vec<&str> = accounts.iter().filter_map(|a| a.segment.as_deref()).collect();
            known.sort_unstable();
            known.dedup();
            return Err(ApiError::BadRequest(format!(
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
            let internal = |e: pacer_core::churn::ChurnError| ApiError::Internal(e.to_string());
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
pub async fn cohorts(store: &dyn Store, cache: &SeriesCache, months: usize) -> Result<Vec<CohortRow>, ApiError> {
    let series = mrr_series(store, cache).await?;
    Ok(series.cohort_table(months))
}

/// The movements of one month, with the accounts behind each.
pub async fn movements(
    store: &dyn Store,
    cache: &SeriesCache,
    month: NaiveDate,
    reps: Option<&HashSet<RepId>>,
) -> Result<Movements, ApiError> {
    let series = mrr_series(store, cache).await?;
    let owned = owned_accounts(store, reps).await?;
    Ok(series.movements_for(month.with_day(1).unwrap_or(month), |id| owned.as_ref().is_none_or(|s| s.contains(&id))))
}

/// The accounts owned by some reps (`None`: every account, no filter).
async fn owned_accounts(store: &dyn Store, reps: Option<&HashSet<RepId>>) -> Result<Option<HashSet<i64>>, ApiError> {
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

/// The periods a report covers: the sub-periods of kind `by` within a named
/// period (or a fiscal year), followed by that whole period. Unknown names
/// and kinds are 400s that list what is allowed.
pub fn report_periods(
    org: &Organisation,
    fy: Option<i32>,
    period: Option<&str>,
    by: Option<&str>,
    today: NaiveDate,
) -> Result<Vec<FiscalPeriod>, ApiError> {
    use pacer_core::fiscal_calendar::PeriodKind;
    let bad = |e: pacer_core::fiscal_calendar::CalendarError| ApiError::BadRequest(e.to_string());
    let whole = match (fy, period) {
        (Some(_), Some(_)) => return Err(ApiError::BadRequest("give a fiscal year or a period, not both".into())),
        (_, Some(name)) => org.calendar.parse_period(name).map_err(bad)?,
        (fy, None) => org.calendar.year(fy.unwrap_or_else(|| org.fiscal_year_of(today))).map_err(bad)?,
    };
    let by = by.map(str::parse::<PeriodKind>).transpose().map_err(bad)?.unwrap_or(PeriodKind::Month);
    let rank = |k: PeriodKind| PeriodKind::ALL.iter().position(|x| *x == k).unwrap_or(0);
    let mut out: Vec<FiscalPeriod> = if rank(by) < rank(whole.kind) {
        org.calendar
            .periods(whole.fiscal_year, by)
            .map_err(bad)?
            .into_iter()
            .filter(|p| p.start >= whole.start && p.end <= whole.end)
            .collect()
    } else {
        Vec::new()
    };
    out.push(whole);
    Ok(out)
}

/// Recurring revenue as a series, kept between requests: loading and indexing
/// a large history is the slow part, so it is done once per version of the
/// data (see [`Store::data_version`]); every server checks the version first.
#[derive(Default)]
pub struct SeriesCache {
    loaded: cache::Versioned<i64, MrrSeries>,
}

/// The recurring-revenue series, from the cache while the data is unchanged.
pub async fn mrr_series(store: &dyn Store, cache: &SeriesCache) -> Result<std::sync::Arc<MrrSeries>, ApiError> {
    let version = store.data_version(DataKind::Subscriptions).await?;
    let load =
        || async { MrrSeries::from_rows(store.subscriptions().await?).map_err(|e| ApiError::Internal(e.to_string())) };
    cache.loaded.get(version, load).await
}

/// Builds a manually logged activity (quick-log form, `pacer log`): the
/// type and the custom field values (as typed by a person) are checked
/// against the catalog, and the rep must be employed that day.
pub fn manual_activity(
    catalog: &Catalog,
    rep: &pacer_core::org::Rep,
    activity_type: &str,
    occurred_at: chrono::NaiveDateTime,
    minutes: Option<i64>,
    field_texts: &[(String, String)],
    entered_by: &str,
) -> Result<pacer_core::records::NewActivity, ApiError> {
    let mut problems: Vec<String> = Vec::new();
    let mut fields = pacer_core::records::Fields::new();
    if let Some(t) = catalog.activity_type(activity_type) {
        for (key, text) in field_texts.iter().filter(|(_, text)| !text.trim().is_empty()) {
            match t.fields.iter().find(|f| f.key.get_ref() == key) {
                Some(def) => match def.parse_value(text) {
                    Ok(value) => {
                        fields.insert(key.clone(), value);
                    }
                    Err(reason) => problems.push(reason),
                },
                None => problems.push(format!("activity type {activity_type:?} has no field {key:?}")),
            }
        }
    }
    problems.extend(catalog.check_activity(activity_type, &fields).into_iter().map(|(_, reason)| reason));
    if !rep.is_active_on(occurred_at.date()) {
        problems.push(format!("{} was not employed on {}", rep.name, occurred_at.date()));
    }
    if let Some(m) = minutes
        && !(0..=1440).contains(&m)
    {
        problems.push(format!("minutes: {m} is not 0 to 1440"));
    }
    if !problems.is_empty() {
        problems.dedup();
        return Err(ApiError::Unprocessable {
            message: problems.join("; "),
            details: problems.iter().map(|p| serde_json::json!({ "reason": p })).collect(),
        });
    }
    Ok(pacer_core::records::NewActivity {
        rep_id: rep.id,
        activity_type: activity_type.to_string(),
        occurred_at,
        duration_s: minutes.map(|m| m * 60),
        account_id: None,
        source: pacer_core::records::SourceKind::Manual,
        external_id: None,
        fields,
        entered_by: Some(entered_by.to_string()),
    })
}

/// The logging contest: manually logged activities per active rep over a date range.
pub async fn logging_contest(
    store: &dyn Store,
    from: NaiveDate,
    to: NaiveDate,
) -> Result<Vec<Standing<i64>>, ApiError> {
    let active = active_sellers(store, to).await?;
    let names: std::collections::HashMap<RepId, String> =
        store.reps(&RepFilter::default(), to).await?.into_iter().map(|r| (r.id, r.name)).collect();
    let mut counts: std::collections::HashMap<RepId, i64> = active.iter().map(|r| (*r, 0)).collect();
    for a in store.activities_between(from, to, None).await? {
        if a.source == pacer_core::records::SourceKind::Manual
            && let Some(c) = counts.get_mut(&a.rep_id)
        {
            *c += 1;
        }
    }
    let entries = counts.into_iter().map(|(id, n)| (id, names.get(&id).cloned().unwrap_or_default(), n)).collect();
    Ok(rank(entries, Direction::HigherIsBetter))
}
