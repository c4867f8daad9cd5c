//! What a server keeps in memory between requests. Each value is kept with
//! the version of the data it was computed from (see
//! [`Store::data_version`]) and recomputed when that version has moved, so
//! several servers over one database never serve stale figures.

use crate::AppError;
use crate::churn::SeriesCache;
use crate::report::{Inputs, load_cube};
use chrono::NaiveDate;
use pacer_core::plan::{PlanId, Target};
use pacer_core::readiness::InputNeed;
use pacer_core::records::ActivityRecord;
use pacer_core::report::{DailyCube, OrgView};
use pacer_storage::{CubeSnapshot, DataInput, DataKind, RepFilter, Store};
use std::collections::HashMap;
use std::future::Future;
use std::sync::Arc;
use tokio::sync::Mutex;

/// One value, kept while the key it was computed at (data versions, a day)
/// is unchanged.
pub(crate) struct Versioned<K, V> {
    slot: Mutex<Option<(K, Arc<V>)>>,
}

impl<K, V> Default for Versioned<K, V> {
    fn default() -> Self {
        Self { slot: Mutex::new(None) }
    }
}

impl<K: PartialEq, V> Versioned<K, V> {
    /// The value at `key`, computed by `load` when the kept one is older. The
    /// key must be read before the data `load` reads: a write in between only
    /// makes the next call load again.
    pub(crate) async fn get<F, Fut>(&self, key: K, load: F) -> Result<Arc<V>, AppError>
    where
        F: FnOnce() -> Fut,
        Fut: Future<Output = Result<V, AppError>>,
    {
        // Held while loading, so that concurrent requests wait for one load.
        let mut slot = self.slot.lock().await;
        if let Some((kept, value)) = slot.as_ref()
            && *kept == key
        {
            return Ok(value.clone());
        }
        let value = Arc::new(load().await?);
        *slot = Some((key, value.clone()));
        Ok(value)
    }
}

/// What a server keeps for reports: the daily rollups of the whole history,
/// the organisation (reps, teams, memberships), plans' targets, the raw
/// activities of the types that KPIs with field conditions read (no rollup
/// holds fields) and the span of each input's data.
#[derive(Default)]
pub struct WarmCache {
    /// By the types read, sorted: the whole history's activities of those types, in
    /// `(occurred_at, id)` order, at the activities' version.
    activities: Mutex<HashMap<Vec<String>, (i64, History)>>,
    /// By input: its first and last day, at the version of its kind of data.
    spans: Mutex<HashMap<InputNeed, (i64, Option<Span>)>>,
    /// At the versions of activities and deals.
    cube: Mutex<Option<(RollupVersions, Arc<DailyCube>)>>,
    /// The versions the snapshot kept in the database was read at, once known.
    snapshot_at: Mutex<Option<RollupVersions>>,
    /// At the organisation's version and the day reps' current teams are read at.
    org: Versioned<(i64, NaiveDate), OrgView>,
    /// At the plans' version: every plan read since, by id.
    targets: Mutex<(i64, PlansTargets)>,
}

/// Activities of the whole history, in `(occurred_at, id)` order.
type History = Arc<Vec<ActivityRecord>>;

/// The first and last day of some data.
type Span = (NaiveDate, NaiveDate);

/// Plans' targets by plan.
type PlansTargets = HashMap<PlanId, Arc<Vec<Target>>>;

/// The caches reports read through.
#[derive(Clone, Copy)]
pub struct Caches<'a> {
    /// For a server; `None` reads only what a request needs, each time (a
    /// one-off command).
    pub warm: Option<&'a WarmCache>,
    /// Recurring revenue.
    pub series: &'a SeriesCache,
}

/// Bounds that hold every stored day (dates are stored as ISO text, so
/// chrono's extreme dates, written with signs, would not compare).
const ALL_TIME: (NaiveDate, NaiveDate) =
    (NaiveDate::from_ymd_opt(1, 1, 1).unwrap(), NaiveDate::from_ymd_opt(9999, 12, 31).unwrap());

/// The versions of activities and deals a cube was read at.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct RollupVersions {
    activities: i64,
    deals: i64,
}

/// The whole history's rollups, from the cache while activities and deals
/// are unchanged. After a write, only the days it changed are read again
/// when the store knows them (see [`Store::changed_days`]).
pub async fn daily_cube(store: &dyn Store, cache: &WarmCache) -> Result<Arc<DailyCube>, AppError> {
    // The versions are read before the rows: a write in between only makes the next call read again.
    let now = RollupVersions {
        activities: store.data_version(DataKind::Activities).await?,
        deals: store.data_version(DataKind::Deals).await?,
    };
    let mut kept = cache.cube.lock().await;
    // Taken out: should reading fail half-way, the next call reads everything.
    let kept_cube = match kept.take() {
        Some((then, cube)) if then == now => {
            // Unchanged: nothing to read, nothing to keep.
            *kept = Some((now, cube.clone()));
            return Ok(cube);
        }
        Some((then, mut cube)) => refresh(store, then, now, Arc::make_mut(&mut cube)).await?.then_some(cube),
        None => from_snapshot(store, cache, now).await?.map(Arc::new),
    };
    let cube = match kept_cube {
        Some(cube) => cube,
        None => Arc::new(load_cube(store, ALL_TIME.0, ALL_TIME.1, None, Inputs::ALL).await?),
    };
    // Kept before the cube is shared: a server stopped right after its first answer has kept it.
    keep_snapshot(store, cache, now, &cube).await;
    *kept = Some((now, cube.clone()));
    Ok(cube)
}

/// How many writes (activities' and deals' together) the kept snapshot may be behind the cube
/// in memory before it is written again: a server that starts then reads at most about that many
/// writes' days, and `rollup_changes` remembers the last thousand.
const SNAPSHOT_BEHIND: i64 = 100;

/// The cube of the snapshot kept in the database, brought to `now` by reading the days changed
/// since; `None` when there is none, it does not read back, or the changes are not all known.
async fn from_snapshot(
    store: &dyn Store,
    cache: &WarmCache,
    now: RollupVersions,
) -> Result<Option<DailyCube>, AppError> {
    let Some(snapshot) = store.cube_snapshot().await? else { return Ok(None) };
    let then = RollupVersions { activities: snapshot.activities_version, deals: snapshot.deals_version };
    let mut cube = match DailyCube::from_snapshot(&snapshot.bytes) {
        Ok(cube) => cube,
        Err(e) => {
            tracing::warn!(error = %e, "the kept cube snapshot is not read: reading the rollups");
            return Ok(None);
        }
    };
    *cache.snapshot_at.lock().await = Some(then);
    if then != now && !refresh(store, then, now, &mut cube).await? {
        return Ok(None);
    }
    Ok(Some(cube))
}

/// Writes the cube read at `now` as the kept snapshot when none is kept or the kept one is
/// [`SNAPSHOT_BEHIND`] writes behind. A failure only costs the next server's start: logged.
async fn keep_snapshot(store: &dyn Store, cache: &WarmCache, now: RollupVersions, cube: &DailyCube) {
    {
        let mut kept_at = cache.snapshot_at.lock().await;
        let behind = kept_at.map(|then| (now.activities - then.activities) + (now.deals - then.deals));
        if behind.is_some_and(|writes| (0..SNAPSHOT_BEHIND).contains(&writes)) {
            return;
        }
        // Claimed before writing: concurrent requests do not write it too, and a failing write
        // is tried again only [`SNAPSHOT_BEHIND`] writes later.
        *kept_at = Some(now);
    }
    let snapshot =
        CubeSnapshot { activities_version: now.activities, deals_version: now.deals, bytes: cube.snapshot() };
    if let Err(e) = store.keep_cube_snapshot(&snapshot).await {
        tracing::warn!(error = %e, "the cube snapshot could not be kept");
    }
}

/// Brings a cube read at `then` to `now` by reading again the days changed
/// in between; `false` when those are not known (nothing is changed then).
async fn refresh(
    store: &dyn Store,
    then: RollupVersions,
    now: RollupVersions,
    cube: &mut DailyCube,
) -> Result<bool, AppError> {
    let mut activity_days = None;
    if then.activities != now.activities {
        let Some(days) = store.changed_days(DataKind::Activities, then.activities, now.activities).await? else {
            return Ok(false);
        };
        activity_days = Some(days);
    }
    let mut deal_days = None;
    if then.deals != now.deals {
        let Some(days) = store.changed_days(DataKind::Deals, then.deals, now.deals).await? else { return Ok(false) };
        deal_days = Some(days);
    }
    if let Some((from, to)) = activity_days {
        let fresh = load_cube(store, from, to, None, Inputs::ACTIVITIES).await?;
        cube.replace_activity_days(from, to, &fresh);
    }
    if let Some((from, to)) = deal_days {
        let fresh = load_cube(store, from, to, None, Inputs::DEALS).await?;
        cube.replace_deal_days(from, to, &fresh);
    }
    Ok(true)
}

/// Reps, teams and who was in which team when; reps' current teams as of `today`.
pub async fn org_view(store: &dyn Store, caches: Caches<'_>, today: NaiveDate) -> Result<Arc<OrgView>, AppError> {
    let read = || async {
        let reps = store.reps(&RepFilter::default(), today).await?;
        Ok(OrgView::new(reps, store.teams().await?, store.all_memberships().await?))
    };
    match caches.warm {
        Some(cache) => cache.org.get((store.data_version(DataKind::Organisation).await?, today), read).await,
        None => Ok(Arc::new(read().await?)),
    }
}

/// A plan's targets, every KPI's, in the store's order.
pub async fn plan_targets(store: &dyn Store, caches: Caches<'_>, plan: PlanId) -> Result<Arc<Vec<Target>>, AppError> {
    let Some(cache) = caches.warm else { return Ok(Arc::new(store.targets(plan, None).await?)) };
    let version = store.data_version(DataKind::Plans).await?;
    let mut kept = cache.targets.lock().await;
    if kept.0 != version {
        *kept = (version, HashMap::new());
    }
    if let Some(targets) = kept.1.get(&plan) {
        return Ok(targets.clone());
    }
    let targets = Arc::new(store.targets(plan, None).await?);
    kept.1.insert(plan, targets.clone());
    Ok(targets)
}

/// The whole history's activities of `types` (sorted, without repeats), in `(occurred_at, id)`
/// order: from the cache while activities are unchanged; after a write, only the days it
/// changed are read again when the store knows them.
pub async fn activities_of(store: &dyn Store, cache: &WarmCache, types: &[String]) -> Result<History, AppError> {
    // The version is read before the rows: a write in between only makes the next call read again.
    let now = store.data_version(DataKind::Activities).await?;
    let mut kept = cache.activities.lock().await;
    // Taken out: should reading fail half-way, the next call reads everything.
    let fresh = match kept.remove(types) {
        Some((then, records)) if then == now => records,
        Some((then, mut records)) => match store.changed_days(DataKind::Activities, then, now).await? {
            Some((from, to)) => {
                let changed = store.activities_between(from, to, Some(types)).await?;
                let all = Arc::make_mut(&mut records);
                all.retain(|a| !(from..=to).contains(&a.occurred_at.date()));
                all.extend(changed);
                all.sort_by_key(|a| (a.occurred_at, a.id));
                records
            }
            None => Arc::new(store.activities_between(ALL_TIME.0, ALL_TIME.1, Some(types)).await?),
        },
        None => Arc::new(store.activities_between(ALL_TIME.0, ALL_TIME.1, Some(types)).await?),
    };
    kept.insert(types.to_vec(), (now, fresh.clone()));
    Ok(fresh)
}

/// The first and last day of an input's data, from the cache while its kind of data is
/// unchanged (readiness asks it of every KPI's every input on each visit).
pub async fn data_span(store: &dyn Store, caches: Caches<'_>, need: &InputNeed) -> Result<Option<Span>, AppError> {
    let input = match need {
        InputNeed::Activities { types, with_field } => {
            DataInput::Activities { types, with_field: with_field.as_deref() }
        }
        InputNeed::Deals => DataInput::Deals,
        InputNeed::Subscriptions => DataInput::Subscriptions,
    };
    let Some(cache) = caches.warm else { return Ok(store.data_span(input).await?) };
    let kind = match need {
        InputNeed::Activities { .. } => DataKind::Activities,
        InputNeed::Deals => DataKind::Deals,
        InputNeed::Subscriptions => DataKind::Subscriptions,
    };
    let version = store.data_version(kind).await?;
    if let Some((then, span)) = cache.spans.lock().await.get(need)
        && *then == version
    {
        return Ok(*span);
    }
    let span = store.data_span(input).await?;
    cache.spans.lock().await.insert(need.clone(), (version, span));
    Ok(span)
}
