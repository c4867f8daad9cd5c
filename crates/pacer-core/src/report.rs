//! Reports: a KPI's value per owner (rep, team with its sub-teams, or the
//! company) per fiscal period. Additive KPIs are summed from the daily
//! rollups held in a [`DailyCube`]; the others are evaluated on raw records
//! with [`crate::kpi::evaluate`]. Either way a figure over a longer period
//! is computed from the sums of its parts (a year's conversion rate is the
//! year's wins over the year's demos), never as a mean of the periods'
//! figures.
//!
//! A record counts for the team its rep was in on the day it happened
//! ([`crate::org::team_on`]): when a rep moves, their history stays with
//! the old team.

use crate::attainment::Direction;
use crate::catalog::Catalog;
use crate::fiscal_calendar::FiscalPeriod;
use crate::kpi::{EvalError, KpiInputs, KpiValue, Measure, RevenueFigures, evaluate, ratio_value};
use crate::org::{Membership, Rep, RepId, Team, TeamId, team_on};
use crate::records::{ActivityRecord, DealKind, DealRecord, DealStatus};
use crate::rollup::{ActivityTotals, DealTotals};
use chrono::{Datelike, NaiveDate};
use serde::Serialize;
use std::collections::{HashMap, HashSet};
use std::fmt;
use std::str::FromStr;

/// Who a report's rows are.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Grouping {
    /// One row per rep.
    Rep,
    /// One row per team, each with its sub-teams.
    Team,
    /// One row for the company (or for the teams in scope).
    Company,
}

impl FromStr for Grouping {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        match s.trim().to_ascii_lowercase().as_str() {
            "rep" => Ok(Grouping::Rep),
            "team" => Ok(Grouping::Team),
            "company" => Ok(Grouping::Company),
            other => Err(format!("unknown grouping {other:?}: use rep, team or company")),
        }
    }
}

impl fmt::Display for Grouping {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Grouping::Rep => "rep",
            Grouping::Team => "team",
            Grouping::Company => "company",
        })
    }
}

/// The owner of a report row.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(tag = "kind", content = "id", rename_all = "snake_case")]
pub enum Owner {
    /// A rep.
    Rep(RepId),
    /// A team and its sub-teams.
    Team(TeamId),
    /// Everyone in scope.
    Company,
}

impl From<crate::plan::TargetOwner> for Owner {
    /// The report row a plan's target belongs to.
    fn from(owner: crate::plan::TargetOwner) -> Self {
        use crate::plan::TargetOwner;
        match owner {
            TargetOwner::Company => Owner::Company,
            TargetOwner::Team(id) => Owner::Team(id),
            TargetOwner::Rep(id) => Owner::Rep(id),
        }
    }
}

/// The organisation as reports see it: reps, the team tree, and who was in
/// which team when.
#[derive(Debug, Clone, Default)]
pub struct OrgView {
    /// Every rep, current or former.
    pub reps: Vec<Rep>,
    /// Every team.
    pub teams: Vec<Team>,
    /// Each rep's memberships, ordered by start.
    pub memberships: HashMap<RepId, Vec<Membership>>,
}

impl OrgView {
    /// Builds the view from the stored facts.
    pub fn new(reps: Vec<Rep>, teams: Vec<Team>, memberships: Vec<Membership>) -> Self {
        let mut by_rep: HashMap<RepId, Vec<Membership>> = HashMap::new();
        for m in memberships {
            by_rep.entry(m.rep_id).or_default().push(m);
        }
        for list in by_rep.values_mut() {
            list.sort_by_key(|m| m.valid_from);
        }
        Self { reps, teams, memberships: by_rep }
    }

    /// The rep's team on `day`.
    pub fn team_on(&self, rep: RepId, day: NaiveDate) -> Option<TeamId> {
        self.memberships.get(&rep).and_then(|ms| team_on(ms, day))
    }

    /// The team and every team above it.
    fn with_ancestors(&self, team: TeamId) -> Vec<TeamId> {
        let mut out = vec![team];
        let mut current = team;
        // A tree has no cycles (checked on write); the bound guards a corrupt one.
        while let Some(parent) = self.teams.iter().find(|t| t.id == current).and_then(|t| t.parent_id) {
            if out.contains(&parent) || out.len() > self.teams.len() {
                break;
            }
            out.push(parent);
            current = parent;
        }
        out
    }
}

/// Which records a report counts: those of reps in these teams (on the day
/// of the record) and among these reps; `None` means no restriction.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Scope {
    /// Teams (already expanded to their sub-teams).
    pub teams: Option<HashSet<TeamId>>,
    /// Reps.
    pub reps: Option<HashSet<RepId>>,
    /// Deal kinds (for deal KPIs): only these.
    pub deal_kinds: Option<Vec<DealKind>>,
}

/// One row of a report: an owner's values, one per period.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ReportRow {
    /// Whose figures.
    pub owner: Owner,
    /// Their name.
    pub name: String,
    /// One value per period, in the report's order.
    pub values: Vec<KpiValue>,
}

/// Daily rollups held in memory, compact: one series of days per rep and
/// activity type, and per rep, deal kind and status.
#[derive(Debug, Clone, Default)]
pub struct DailyCube {
    types: Vec<String>,
    activity_series: HashMap<(RepId, u16), ActivitySeries>,
    deal_series: HashMap<(RepId, DealKind, DealStatus), DealSeries>,
    cells: usize,
    span: Option<(Day, Day)>,
    /// Whether every series is in day order (see [`DailyCube::seal`]).
    sealed: bool,
    /// The whole company's series, once a report asked for them; emptied by every change.
    company: std::sync::OnceLock<std::sync::Arc<company::CompanySeries>>,
}

/// Days are stored as days since 1 January of year 1 (chrono's CE count).
type Day = i32;

#[derive(Debug, Clone, Default)]
struct ActivitySeries {
    days: Vec<Day>,
    n: Vec<u32>,
    duration_s: Vec<i64>,
    duration_n: Vec<u32>,
}

#[derive(Debug, Clone, Default)]
struct DealSeries {
    days: Vec<Day>,
    n: Vec<u32>,
    amount_minor: Vec<i64>,
}

fn day_number(day: NaiveDate) -> Day {
    day.num_days_from_ce()
}

impl DailyCube {
    /// Adds one row of the activity rollup.
    pub fn add_activity(&mut self, rep: RepId, day: NaiveDate, activity_type: &str, t: ActivityTotals) {
        let type_index = self.type_index(activity_type);
        let s = self.activity_series.entry((rep, type_index)).or_default();
        s.days.push(day_number(day));
        // Per rep, type and day: far below u32::MAX.
        s.n.push(t.n.clamp(0, i64::from(u32::MAX)) as u32);
        s.duration_s.push(t.duration_s);
        s.duration_n.push(t.duration_n.clamp(0, i64::from(u32::MAX)) as u32);
        self.count(day);
    }

    fn count(&mut self, day: NaiveDate) {
        let d = day_number(day);
        self.cells += 1;
        self.sealed = false;
        self.span = Some(self.span.map_or((d, d), |(first, last)| (first.min(d), last.max(d))));
    }

    /// The first and last day with data.
    pub fn span(&self) -> Option<(NaiveDate, NaiveDate)> {
        let (first, last) = self.span?;
        Some((NaiveDate::from_num_days_from_ce_opt(first)?, NaiveDate::from_num_days_from_ce_opt(last)?))
    }

    /// Adds one row of the deal rollup.
    pub fn add_deal(&mut self, rep: RepId, day: NaiveDate, kind: DealKind, status: DealStatus, t: DealTotals) {
        let s = self.deal_series.entry((rep, kind, status)).or_default();
        s.days.push(day_number(day));
        s.n.push(t.n.clamp(0, i64::from(u32::MAX)) as u32);
        s.amount_minor.push(t.amount_minor);
        self.count(day);
    }

    /// How many rollup rows the cube holds.
    pub fn cells(&self) -> usize {
        self.cells
    }

    /// Puts every series in day order, so that a report reads only the days
    /// of its span (rows arrive in storage order). Adding rows unseals it.
    pub fn seal(&mut self) {
        for s in self.activity_series.values_mut() {
            let mut order: Vec<usize> = (0..s.days.len()).collect();
            order.sort_by_key(|&i| s.days[i]);
            s.days = order.iter().map(|&i| s.days[i]).collect();
            s.n = order.iter().map(|&i| s.n[i]).collect();
            s.duration_s = order.iter().map(|&i| s.duration_s[i]).collect();
            s.duration_n = order.iter().map(|&i| s.duration_n[i]).collect();
        }
        for s in self.deal_series.values_mut() {
            let mut order: Vec<usize> = (0..s.days.len()).collect();
            order.sort_by_key(|&i| s.days[i]);
            s.days = order.iter().map(|&i| s.days[i]).collect();
            s.n = order.iter().map(|&i| s.n[i]).collect();
            s.amount_minor = order.iter().map(|&i| s.amount_minor[i]).collect();
        }
        self.sealed = true;
        self.company = Default::default();
    }

    /// Replaces the activity rows of the days `[from, to]` by those of
    /// `fresh`, the rollups of those days read after a change: a cache takes
    /// a write without reading the whole history again. Both are sealed.
    pub fn replace_activity_days(&mut self, from: NaiveDate, to: NaiveDate, fresh: &DailyCube) {
        let (from, to) = (day_number(from), day_number(to));
        for s in self.activity_series.values_mut() {
            self.cells -= s.cut(from, to);
        }
        for ((rep, t), add) in &fresh.activity_series {
            let type_index = self.type_index(&fresh.types[usize::from(*t)]);
            self.cells += add.days.len();
            self.activity_series.entry((*rep, type_index)).or_default().put(add);
        }
        self.activity_series.retain(|_, s| !s.days.is_empty());
        self.reset_span();
        self.company = Default::default();
    }

    /// Replaces the deal rows of the days `[from, to]` by those of `fresh`
    /// (see [`DailyCube::replace_activity_days`]).
    pub fn replace_deal_days(&mut self, from: NaiveDate, to: NaiveDate, fresh: &DailyCube) {
        let (from, to) = (day_number(from), day_number(to));
        for s in self.deal_series.values_mut() {
            self.cells -= s.cut(from, to);
        }
        for (key, add) in &fresh.deal_series {
            self.cells += add.days.len();
            self.deal_series.entry(*key).or_default().put(add);
        }
        self.deal_series.retain(|_, s| !s.days.is_empty());
        self.reset_span();
        self.company = Default::default();
    }

    fn type_index(&mut self, activity_type: &str) -> u16 {
        (match self.types.iter().position(|x| x == activity_type) {
            Some(i) => i,
            None => {
                self.types.push(activity_type.to_string());
                self.types.len() - 1
            }
        }) as u16
    }

    fn reset_span(&mut self) {
        let ends = self.activity_series.values().map(|s| &s.days).chain(self.deal_series.values().map(|s| &s.days));
        self.span =
            ends.filter_map(|days| Some((*days.first()?, *days.last()?))).reduce(|(a, b), (c, d)| (a.min(c), b.max(d)));
    }
}

/// A day-ordered series whose days can be cut out and put back.
trait DaySeries {
    fn days(&self) -> &[Day];
    /// Removes the rows at `range` of the series.
    fn remove(&mut self, range: std::ops::Range<usize>);
    /// Inserts `other`'s rows at `at`.
    fn insert(&mut self, at: usize, other: &Self);

    /// Removes the rows of days `[from, to]`; returns how many went.
    fn cut(&mut self, from: Day, to: Day) -> usize {
        let days = self.days();
        let range = days.partition_point(|d| *d < from)..days.partition_point(|d| *d <= to);
        let n = range.len();
        self.remove(range);
        n
    }

    /// Puts back `other`'s rows, whose days are not in the series.
    fn put(&mut self, other: &Self) {
        if let Some(first) = other.days().first() {
            let at = self.days().partition_point(|d| d < first);
            self.insert(at, other);
        }
    }
}

fn splice_in<T: Copy>(column: &mut Vec<T>, at: usize, other: &[T]) {
    column.splice(at..at, other.iter().copied());
}

impl DaySeries for ActivitySeries {
    fn days(&self) -> &[Day] {
        &self.days
    }
    fn remove(&mut self, range: std::ops::Range<usize>) {
        self.days.drain(range.clone());
        self.n.drain(range.clone());
        self.duration_s.drain(range.clone());
        self.duration_n.drain(range);
    }
    fn insert(&mut self, at: usize, other: &Self) {
        splice_in(&mut self.days, at, &other.days);
        splice_in(&mut self.n, at, &other.n);
        splice_in(&mut self.duration_s, at, &other.duration_s);
        splice_in(&mut self.duration_n, at, &other.duration_n);
    }
}

impl DaySeries for DealSeries {
    fn days(&self) -> &[Day] {
        &self.days
    }
    fn remove(&mut self, range: std::ops::Range<usize>) {
        self.days.drain(range.clone());
        self.n.drain(range.clone());
        self.amount_minor.drain(range);
    }
    fn insert(&mut self, at: usize, other: &Self) {
        splice_in(&mut self.days, at, &other.days);
        splice_in(&mut self.n, at, &other.n);
        splice_in(&mut self.amount_minor, at, &other.amount_minor);
    }
}

/// The owners of a report's rows, in display order: reps and teams by name.
/// Reps are those employed during `[from, to]` whose team then is in scope.
pub fn owners(
    org: &OrgView,
    grouping: Grouping,
    scope: &Scope,
    from: NaiveDate,
    to: NaiveDate,
) -> Vec<(Owner, String)> {
    match grouping {
        Grouping::Company => vec![(Owner::Company, "Company".to_string())],
        Grouping::Team => {
            let mut teams: Vec<&Team> =
                org.teams.iter().filter(|t| scope.teams.as_ref().is_none_or(|s| s.contains(&t.id))).collect();
            teams.sort_by(|a, b| a.name.cmp(&b.name).then(a.id.cmp(&b.id)));
            teams.into_iter().map(|t| (Owner::Team(t.id), t.name.clone())).collect()
        }
        Grouping::Rep => {
            let mut reps: Vec<&Rep> = org
                .reps
                .iter()
                .filter(|r| r.hire_date <= to && r.leave_date.is_none_or(|l| l >= from))
                .filter(|r| scope.reps.as_ref().is_none_or(|s| s.contains(&r.id)))
                .filter(|r| {
                    let Some(teams) = &scope.teams else { return true };
                    let last = r.leave_date.map_or(to, |l| l.min(to));
                    [from.max(r.hire_date), last]
                        .iter()
                        .any(|d| org.team_on(r.id, *d).is_some_and(|t| teams.contains(&t)))
                })
                .collect();
            reps.sort_by(|a, b| a.name.cmp(&b.name).then(a.id.cmp(&b.id)));
            reps.into_iter().map(|r| (Owner::Rep(r.id), r.name.clone())).collect()
        }
    }
}

/// Where one rep's records go: for each stretch of days, the rows they count in.
struct Assignment {
    /// (first day of the stretch, row indices), ordered by day.
    stretches: Vec<(Day, Vec<usize>)>,
}

impl Assignment {
    fn rows_on(&self, day: Day) -> &[usize] {
        // The last stretch starting on or before `day`.
        let i = self.stretches.partition_point(|(start, _)| *start <= day);
        if i == 0 { &[] } else { &self.stretches[i - 1].1 }
    }
}

/// Routes (rep, day) to report rows, following team changes.
struct Router<'a> {
    org: &'a OrgView,
    grouping: Grouping,
    scope: &'a Scope,
    row_of: HashMap<Owner, usize>,
}

impl Router<'_> {
    fn rows_for(&self, rep: RepId, day: NaiveDate) -> Vec<usize> {
        if self.scope.reps.as_ref().is_some_and(|s| !s.contains(&rep)) {
            return Vec::new();
        }
        let team = self.org.team_on(rep, day);
        if let Some(teams) = &self.scope.teams
            && !team.is_some_and(|t| teams.contains(&t))
        {
            return Vec::new();
        }
        match self.grouping {
            Grouping::Company => vec![0],
            Grouping::Rep => self.row_of.get(&Owner::Rep(rep)).copied().into_iter().collect(),
            Grouping::Team => team
                .map(|t| self.org.with_ancestors(t))
                .unwrap_or_default()
                .into_iter()
                .filter_map(|t| self.row_of.get(&Owner::Team(t)).copied())
                .collect(),
        }
    }

    /// The rep's rows for every stretch between membership changes.
    fn assignment(&self, rep: RepId) -> Assignment {
        let mut starts: Vec<NaiveDate> = vec![NaiveDate::MIN];
        for m in self.org.memberships.get(&rep).map(Vec::as_slice).unwrap_or_default() {
            starts.push(m.valid_from);
            starts.extend(m.valid_to);
        }
        starts.sort();
        starts.dedup();
        Assignment { stretches: starts.into_iter().map(|d| (day_number(d), self.rows_for(rep, d))).collect() }
    }
}

/// For each day of the report's span, the periods it falls in.
struct PeriodIndex {
    first: Day,
    periods_of_day: Vec<Vec<usize>>,
}

impl PeriodIndex {
    fn new(periods: &[FiscalPeriod]) -> Self {
        let first = periods.iter().map(|p| day_number(p.start)).min().unwrap_or(0);
        let last = periods.iter().map(|p| day_number(p.end)).max().unwrap_or(first - 1);
        let mut periods_of_day = vec![Vec::new(); (last - first + 1).max(0) as usize];
        for (i, p) in periods.iter().enumerate() {
            for d in day_number(p.start)..=day_number(p.end) {
                periods_of_day[(d - first) as usize].push(i);
            }
        }
        Self { first, periods_of_day }
    }

    fn of(&self, day: Day) -> &[usize] {
        usize::try_from(day - self.first).ok().and_then(|i| self.periods_of_day.get(i)).map_or(&[], Vec::as_slice)
    }
}

/// The leaves of a measure, in order, and how to put their sums together.
fn leaves(measure: &Measure) -> Vec<&Measure> {
    match measure {
        Measure::Ratio(n, d) => {
            let mut out = leaves(n);
            out.extend(leaves(d));
            out
        }
        leaf => vec![leaf],
    }
}

fn combine(measure: &Measure, sums: &mut impl Iterator<Item = [i64; 3]>) -> KpiValue {
    match measure {
        Measure::Ratio(n, d) => {
            let num = combine(n, sums);
            let den = combine(d, sums);
            ratio_value(&num, &den)
        }
        Measure::Activities { of, .. } => {
            let [n, s, k] = sums.next().unwrap_or_default();
            of.value(n, s, k)
        }
        Measure::Deals { of, .. } => {
            let [n, amount, _] = sums.next().unwrap_or_default();
            of.value(n, amount)
        }
    }
}

/// A report of an additive KPI from the daily rollups.
pub fn rollup_report(
    measure: &Measure,
    cube: &DailyCube,
    org: &OrgView,
    grouping: Grouping,
    periods: &[FiscalPeriod],
    scope: &Scope,
) -> Vec<ReportRow> {
    let (Some(from), Some(to)) = (periods.iter().map(|p| p.start).min(), periods.iter().map(|p| p.end).max()) else {
        return Vec::new();
    };
    let owners = owners(org, grouping, scope, from, to);
    let router =
        Router { org, grouping, scope, row_of: owners.iter().enumerate().map(|(i, (o, _))| (*o, i)).collect() };
    let index = PeriodIndex::new(periods);
    let leaves = leaves(measure);
    let width = leaves.len();
    // sums[(row * periods + period) * width + leaf] = (count, total, count with a value)
    let mut sums = vec![[0i64; 3]; owners.len() * periods.len() * width];
    let mut assignments: HashMap<RepId, Assignment> = HashMap::new();
    let (first, last) = (day_number(from), day_number(to));
    // A company report of everyone reads the company's series: one row, every day.
    let everyone = Assignment { stretches: vec![(Day::MIN, vec![0])] };
    let company = match (grouping, &scope.teams, &scope.reps) {
        (Grouping::Company, None, None) => cube.company(),
        _ => None,
    };
    for (leaf_index, leaf) in leaves.iter().enumerate() {
        let mut add = |assignment: &Assignment, days: &[Day], value: &dyn Fn(usize) -> [i64; 3]| {
            // A sealed cube is in day order: read only the span's days.
            let (start, end) = if cube.sealed {
                (days.partition_point(|d| *d < first), days.partition_point(|d| *d <= last))
            } else {
                (0, days.len())
            };
            for (i, day) in days.iter().enumerate().take(end).skip(start) {
                if *day < first || *day > last {
                    continue;
                }
                let rows = assignment.rows_on(*day);
                if rows.is_empty() {
                    continue;
                }
                let v = value(i);
                for &p in index.of(*day) {
                    for &r in rows {
                        let cell = &mut sums[(r * periods.len() + p) * width + leaf_index];
                        cell[0] += v[0];
                        cell[1] += v[1];
                        cell[2] += v[2];
                    }
                }
            }
        };
        match leaf {
            Measure::Activities { types, .. } => {
                let wanted: Vec<u16> = (0..cube.types.len() as u16)
                    .filter(|i| types.iter().any(|t| *t == cube.types[*i as usize]))
                    .collect();
                let activity =
                    |s: &ActivitySeries, i: usize| [i64::from(s.n[i]), s.duration_s[i], i64::from(s.duration_n[i])];
                match company {
                    Some(c) => {
                        for (_, s) in c.activities.iter().filter(|(t, _)| wanted.contains(t)) {
                            add(&everyone, &s.days, &|i| activity(s, i));
                        }
                    }
                    None => {
                        for ((rep, type_index), s) in &cube.activity_series {
                            if wanted.contains(type_index) {
                                let assignment = assignments.entry(*rep).or_insert_with(|| router.assignment(*rep));
                                add(assignment, &s.days, &|i| activity(s, i));
                            }
                        }
                    }
                }
            }
            Measure::Deals { status, kinds, .. } => {
                let kind_wanted = |kind: &DealKind| {
                    (kinds.is_empty() || kinds.contains(kind))
                        && scope.deal_kinds.as_ref().is_none_or(|k| k.contains(kind))
                };
                let deal = |s: &DealSeries, i: usize| [i64::from(s.n[i]), s.amount_minor[i], 0];
                match company {
                    Some(c) => {
                        for ((kind, s_status), s) in &c.deals {
                            if s_status == status && kind_wanted(kind) {
                                add(&everyone, &s.days, &|i| deal(s, i));
                            }
                        }
                    }
                    None => {
                        for ((rep, kind, s_status), s) in &cube.deal_series {
                            if s_status == status && kind_wanted(kind) {
                                let assignment = assignments.entry(*rep).or_insert_with(|| router.assignment(*rep));
                                add(assignment, &s.days, &|i| deal(s, i));
                            }
                        }
                    }
                }
            }
            Measure::Ratio(..) => unreachable!("leaves() never yields a ratio"),
        }
    }
    owners
        .into_iter()
        .enumerate()
        .map(|(r, (owner, name))| {
            let values = (0..periods.len())
                .map(|p| {
                    let base = (r * periods.len() + p) * width;
                    combine(measure, &mut sums[base..base + width].iter().copied())
                })
                .collect();
            ReportRow { owner, name, values }
        })
        .collect()
}

/// Sorts records into the rows of a report over `span`: the owners (as
/// [`owners`] gives them) and, for each, the records that count for it (a
/// record can count for a team and the teams above it).
pub fn group_records<'r, T>(
    org: &OrgView,
    grouping: Grouping,
    scope: &Scope,
    span: (NaiveDate, NaiveDate),
    records: &[&'r T],
    rep_and_day: impl Fn(&T) -> (RepId, NaiveDate),
) -> (Vec<(Owner, String)>, Vec<Vec<&'r T>>) {
    let owners = owners(org, grouping, scope, span.0, span.1);
    let router =
        Router { org, grouping, scope, row_of: owners.iter().enumerate().map(|(i, (o, _))| (*o, i)).collect() };
    let mut grouped: Vec<Vec<&T>> = vec![Vec::new(); owners.len()];
    for record in records {
        let (rep, day) = rep_and_day(record);
        for r in router.rows_for(rep, day) {
            grouped[r].push(*record);
        }
    }
    (owners, grouped)
}

/// The raw records and recurring-revenue figures a non-additive KPI's report reads.
#[derive(Debug, Clone, Copy)]
pub struct RawRecords<'a> {
    /// Activities of the report's span.
    pub activities: &'a [ActivityRecord],
    /// Deals closing in the report's span (any without a close date are left out).
    pub deals: &'a [DealRecord],
    /// Recurring-revenue figures per (row, period), for churn KPIs.
    pub revenue: &'a HashMap<(usize, usize), RevenueFigures>,
}

/// A report of any KPI evaluated on raw records (for those the rollups
/// cannot answer: field filters, custom fields, distinct accounts, churn).
pub fn raw_report(
    catalog: &Catalog,
    key: &str,
    records: RawRecords<'_>,
    org: &OrgView,
    grouping: Grouping,
    periods: &[FiscalPeriod],
    scope: &Scope,
) -> Result<Vec<ReportRow>, EvalError> {
    let (Some(from), Some(to)) = (periods.iter().map(|p| p.start).min(), periods.iter().map(|p| p.end).max()) else {
        return Ok(Vec::new());
    };
    let kinds_wanted = |d: &&DealRecord| scope.deal_kinds.as_ref().is_none_or(|k| k.contains(&d.kind));
    // A deal without a close date is in no period (KPIs count deals by their close day).
    let deals: Vec<(&DealRecord, NaiveDate)> =
        records.deals.iter().filter(kinds_wanted).filter_map(|d| Some((d, d.close_date?))).collect();
    let deals: Vec<&(&DealRecord, NaiveDate)> = deals.iter().collect();
    let (owners, deals) = group_records(org, grouping, scope, (from, to), &deals, |(d, day)| (d.rep_id, *day));
    let activities: Vec<&ActivityRecord> = records.activities.iter().collect();
    let (_, activities) =
        group_records(org, grouping, scope, (from, to), &activities, |a| (a.rep_id, a.occurred_at.date()));
    let activities: Vec<Vec<ActivityRecord>> =
        activities.into_iter().map(|list| list.into_iter().cloned().collect()).collect();
    let deals: Vec<Vec<DealRecord>> =
        deals.into_iter().map(|list| list.into_iter().map(|(d, _)| (*d).clone()).collect()).collect();
    owners
        .into_iter()
        .enumerate()
        .map(|(r, (owner, name))| {
            let values = periods
                .iter()
                .enumerate()
                .map(|(p, period)| {
                    let inputs = KpiInputs {
                        from: period.start,
                        to: period.end,
                        reps: None,
                        activities: &activities[r],
                        deals: &deals[r],
                        revenue: records.revenue.get(&(r, p)).copied(),
                    };
                    evaluate(catalog, key, &inputs)
                })
                .collect::<Result<Vec<_>, _>>()?;
            Ok(ReportRow { owner, name, values })
        })
        .collect()
}

/// One line of a leaderboard.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Standing<V> {
    /// Rank: equal values share it, and the next rank skips (1, 2, 2, 4).
    pub rank: usize,
    /// The rep.
    pub rep_id: RepId,
    /// Their name.
    pub name: String,
    /// Their value.
    pub value: V,
}

/// Ranks reps best first (highest, or lowest for a lower-is-better KPI):
/// ties share a rank and the next rank skips; equal values list by name.
pub fn rank<V: PartialOrd + Copy>(mut entries: Vec<(RepId, String, V)>, direction: Direction) -> Vec<Standing<V>> {
    entries.sort_by(|a, b| {
        let order = match direction {
            Direction::HigherIsBetter => b.2.partial_cmp(&a.2),
            Direction::LowerIsBetter => a.2.partial_cmp(&b.2),
        };
        order.unwrap_or(std::cmp::Ordering::Equal).then_with(|| a.1.cmp(&b.1))
    });
    let mut out: Vec<Standing<V>> = Vec::with_capacity(entries.len());
    for (i, (rep_id, name, value)) in entries.into_iter().enumerate() {
        let rank = match out.last() {
            Some(prev) if prev.value == value => prev.rank,
            _ => i + 1,
        };
        out.push(Standing { rank, rep_id, name, value });
    }
    out
}

mod company;
mod snapshot;
pub use snapshot::SnapshotError;

#[cfg(test)]
mod tests;
