//! The quarterly review (PRODUCT.md C7): one document per fiscal quarter,
//! measured against a plan version, with every KPI in priority order
//! (target, actual, raw and credited attainment, variance, pace to year end,
//! best and worst performers, pipeline coverage), churn against the band,
//! the data gaps with what to do about each, and the notes for the
//! directors. Closing a review freezes its document; later corrections of
//! raw data show as differences, never as silent changes. Rebalancing
//! proposes re-phased (or revised) targets and applies them as a new plan
//! version.

use crate::cache::plan_targets;
use crate::churn::churn_report;
use crate::plan::{
    AttainmentCell, AttainmentReport, attainment_report, indices_or_even, owner_names, plan_months, project_year_end,
};
use crate::readiness::{RECENT_WORKING_DAYS, readiness};
use crate::report::rest_of_year;
use crate::visibility::Visibility;
use crate::{AppError, Context};
use chrono::NaiveDate;
use pacer_core::audit::Actor;
use pacer_core::catalog::CaptureMethod;
use pacer_core::fiscal_calendar::{FiscalPeriod, PeriodKind};
use pacer_core::money::Currency;
use pacer_core::org::Organisation;
use pacer_core::plan::{Plan, PlanStatus, Target, TargetOwner, TargetTier, rebalance};
use pacer_core::report::{Grouping, Owner};
use pacer_core::review::{NoteSubject, Review, ReviewId, ReviewNote};
use pacer_i18n::{Locale, tr};
use pacer_storage::Store;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

fn bad(message: impl Into<String>) -> AppError {
    AppError::BadRequest(message.into())
}

/// One figure against its target.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Figure {
    /// The target (sum of the months).
    pub target: i64,
    /// The actual; none when the KPI has no figure.
    pub actual: Option<f64>,
    /// Actual / target (lower is better: target / actual).
    pub raw: Option<f64>,
    /// Counting the tolerance.
    pub credited: Option<f64>,
    /// Attained once the tolerance is counted.
    pub attained: Option<bool>,
    /// Actual − target.
    pub variance: Option<f64>,
    /// Why the target is what it is (ramped, left, early in the period), shown beside it.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub notes: Vec<String>,
}

impl From<&AttainmentCell> for Figure {
    fn from(c: &AttainmentCell) -> Self {
        let actual = c.actual.as_f64();
        Figure {
            target: c.target,
            actual,
            raw: c.attainment.raw,
            credited: c.attainment.credited,
            attained: c.attainment.attained,
            variance: actual.map(|a| a - c.target as f64),
            notes: c.notes.clone(),
        }
    }
}

/// An owner's quarter and year to date.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct OwnerFigures {
    /// Whose.
    pub name: String,
    /// The quarter.
    pub quarter: Figure,
    /// The year to the end of the quarter (or to date).
    pub ytd: Figure,
}

/// One KPI of the review.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct KpiReview {
    /// Key.
    pub key: String,
    /// Name.
    pub name: String,
    /// Unit (currency amounts are in minor units).
    pub unit: String,
    /// Priority (1 first).
    pub priority: u32,
    /// The tolerance applied.
    pub tolerance: f64,
    /// "covers 7 of 12 months: not a full-year picture" for a KPI added mid-year.
    pub partial: Option<String>,
    /// The company.
    pub company: Option<OwnerFigures>,
    /// The year's target.
    pub annual_target: i64,
    /// Year-end projection from the year to date (seasonal indices when known, else even).
    pub projected_year_end: Option<f64>,
    /// Projected year end / annual target.
    pub pace: Option<f64>,
    /// Teams.
    pub teams: Vec<OwnerFigures>,
    /// Reps.
    pub reps: Vec<OwnerFigures>,
    /// The three reps with the best credited attainment in the quarter.
    pub best: Vec<String>,
    /// The three with the worst.
    pub worst: Vec<String>,
    /// Deal KPIs: open pipeline for the rest of the year over the target still to reach.
    pub pipeline_coverage: Option<f64>,
}

/// A data gap and what to do about it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct DataGap {
    /// no_data, low_completeness, silent_source, not_live or partial.
    pub kind: String,
    /// The KPI.
    pub kpi: String,
    /// What is wrong.
    pub message: String,
    /// What to do.
    pub action: String,
    /// The reps concerned (low completeness).
    pub reps: Vec<String>,
}

/// Churn of the quarter against the band.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct ChurnLine {
    /// Customer churn of the quarter (start cohort).
    pub customer_churn: Option<f64>,
    /// Compounded to a year.
    pub annualised: Option<f64>,
    /// normal, acceptable or high.
    pub band: Option<String>,
    /// Net revenue retention of the quarter.
    pub nrr: Option<f64>,
}

/// The review document: what is shown, exported and frozen.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct ReviewDocument {
    /// e.g. FY2027-Q2.
    pub period: String,
    /// e.g. Q2 FY2027.
    pub label: String,
    /// First day.
    pub start: NaiveDate,
    /// Last day.
    pub end: NaiveDate,
    /// The figures are as of this day.
    pub as_of: NaiveDate,
    /// The plan measured against.
    pub plan_id: i64,
    /// Its name.
    pub plan_name: String,
    /// Its version.
    pub plan_version: i32,
    /// KPIs in priority order.
    pub kpis: Vec<KpiReview>,
    /// Data gaps.
    pub gaps: Vec<DataGap>,
    /// Churn against the band.
    pub churn: Option<ChurnLine>,
}

/// A difference between a closed review's frozen figure and today's.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct Difference {
    /// The KPI.
    pub kpi: String,
    /// Whose figure.
    pub owner: String,
    /// In the frozen review.
    pub frozen: Option<f64>,
    /// Today.
    pub now: Option<f64>,
}

/// A review as shown: its record, its document (frozen once closed), notes and differences.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct ReviewView {
    /// The stored review, when one is open or closed for the quarter.
    pub review: Option<Review>,
    /// The figures.
    pub document: ReviewDocument,
    /// The notes for the directors.
    pub notes: Vec<ReviewNote>,
    /// Closed reviews: frozen figures that differ from today's (corrections made since).
    pub differences: Vec<Difference>,
}

/// The quarter named `period`, which must have started.
pub fn quarter(org: &Organisation, period: &str, today: NaiveDate) -> Result<FiscalPeriod, AppError> {
    let q = org.calendar.parse_period(period).map_err(|e| bad(e.to_string()))?;
    if q.kind != PeriodKind::Quarter {
        return Err(bad(format!("{period} is not a fiscal quarter: name one like FY{}-Q2", q.fiscal_year)));
    }
    if q.start > today {
        return Err(bad(format!("{} has not started yet (it starts on {})", q.name(), q.start)));
    }
    Ok(q)
}

/// The review opened (or closed) for the quarter named `period`; not found when none has been.
pub async fn opened(store: &dyn Store, period: &str) -> Result<Review, AppError> {
    store.review_for(period).await?.ok_or_else(|| AppError::NotFound(format!("no review of {period} has been opened")))
}

/// The plan a quarter is measured against: the given one, or the fiscal year's approved plan.
pub async fn plan_for(store: &dyn Store, q: &FiscalPeriod, plan: Option<i64>) -> Result<Plan, AppError> {
    let plan = match plan {
        Some(id) => store.plan(id).await?,
        None => store.approved_plan(q.fiscal_year).await?.ok_or_else(|| {
            bad(format!("no approved plan for FY{}: approve one, or name the plan to measure against", q.fiscal_year))
        })?,
    };
    if plan.fiscal_year != q.fiscal_year {
        return Err(bad(format!("plan {} is for FY{}, not FY{}", plan.id, plan.fiscal_year, q.fiscal_year)));
    }
    Ok(plan)
}

fn figures(report: &AttainmentReport, q_index: usize) -> Vec<(Owner, OwnerFigures)> {
    let last = report.columns.len() - 1;
    report
        .rows
        .iter()
        .map(|r| {
            (
                r.owner,
                OwnerFigures {
                    name: r.name.clone(),
                    quarter: (&r.cells[q_index]).into(),
                    ytd: (&r.cells[last]).into(),
                },
            )
        })
        .collect()
}

/// The review document of a quarter against a plan, from today's data.
pub async fn document(ctx: &Context<'_>, q: &FiscalPeriod, plan: &Plan) -> Result<ReviewDocument, AppError> {
    Ok(document_and_readiness(ctx, q, plan).await?.0)
}

/// The review document, and the readiness report its data gaps come from (the leadership
/// dashboard shows both, read once).
pub(crate) async fn document_and_readiness(
    ctx: &Context<'_>,
    q: &FiscalPeriod,
    plan: &Plan,
) -> Result<(ReviewDocument, Vec<pacer_core::readiness::ReadinessRow>), AppError> {
    let (store, caches, org, today) = (ctx.store, ctx.caches, &ctx.org, ctx.today);
    let catalog = ctx.catalog().await?;
    let as_of = today.min(q.end);
    let year = org.calendar.year(q.fiscal_year).map_err(|e| bad(e.to_string()))?;
    let months = plan_months(org, q.fiscal_year)?;
    // The year to date and its projection count to the same cut-off, the month in progress by its days.
    let spans: Vec<(NaiveDate, NaiveDate)> = months.iter().map(|m| (m.start, m.end)).collect();
    let months_done = pacer_core::to_date::months_elapsed(&spans, as_of);
    let targets = plan_targets(store, caches, plan.id).await?;
    let mut planned: Vec<&str> = targets.iter().map(|t| t.kpi.as_str()).collect();
    planned.sort_unstable();
    planned.dedup();
    let readiness = readiness(ctx, &year, as_of, RECENT_WORKING_DAYS).await?;
    let names = owner_names(store, today).await?;
    let q_index = q.index as usize - 1;
    // Attainment is measured on the quarter's last day once it has ended.
    let at_quarter = ctx.on(as_of);
    let mut kpis = Vec::new();
    for kpi in catalog.by_priority().into_iter().filter(|k| planned.contains(&k.key())) {
        let key = kpi.key();
        let by = |grouping: Grouping| attainment_report(&at_quarter, plan, key, grouping, PeriodKind::Quarter);
        let company = figures(&by(Grouping::Company).await?, q_index).into_iter().next().map(|(_, f)| f);
        let teams: Vec<OwnerFigures> =
            figures(&by(Grouping::Team).await?, q_index).into_iter().map(|(_, f)| f).collect();
        let reps: Vec<OwnerFigures> = figures(&by(Grouping::Rep).await?, q_index).into_iter().map(|(_, f)| f).collect();
        let annual_target: i64 = targets
            .iter()
            .filter(|t| t.kpi == key && t.owner == TargetOwner::Company && t.tier == TargetTier::Target)
            .map(|t| t.amount)
            .sum();
        let ytd_actual = company.as_ref().and_then(|c| c.ytd.actual);
        let projected_year_end = match ytd_actual {
            Some(a) => project_year_end(ctx, key, q.fiscal_year, a, months_done).await,
            None => None,
        };
        let mut ranked: Vec<&OwnerFigures> = reps.iter().filter(|r| r.quarter.credited.is_some()).collect();
        ranked.sort_by(|a, b| b.quarter.credited.partial_cmp(&a.quarter.credited).unwrap_or(std::cmp::Ordering::Equal));
        let best = ranked.iter().take(3).map(|r| r.name.clone()).collect();
        let worst = ranked.iter().rev().take(3).map(|r| r.name.clone()).collect();
        let pipeline_coverage = match (&kpi.definition.kind, ytd_actual) {
            (pacer_core::catalog::DefinitionKind::DealAmount, Some(done)) => {
                let rest = rest_of_year(&at_quarter, None, kpi, annual_target, done as i64, year.end).await?;
                rest.and_then(|r| r.coverage.ratio())
            }
            _ => None,
        };
        let row = readiness.iter().find(|r| r.key == key);
        let partial = row.and_then(|r| ctx.locale.partial_coverage(&r.coverage));
        kpis.push(KpiReview {
            key: key.to_string(),
            name: kpi.name.clone(),
            unit: kpi.unit.as_str().to_string(),
            priority: *kpi.priority.get_ref(),
            tolerance: plan.settings.tolerance_for(key).value(),
            partial,
            company,
            annual_target,
            projected_year_end,
            pace: projected_year_end.filter(|_| annual_target > 0).map(|p| p / annual_target as f64),
            teams,
            reps,
            best,
            worst,
            pipeline_coverage,
        });
    }
    let gaps = data_gaps(ctx.locale, &readiness, &names, q);
    let churn = churn_report(ctx, std::slice::from_ref(q), None, None).await?;
    let churn = churn.periods.first().map(|p| ChurnLine {
        customer_churn: p.rates.customer_churn_rate,
        annualised: p.annualised_customer_churn,
        band: p.band.map(|b| format!("{b:?}").to_lowercase()),
        nrr: p.rates.nrr,
    });
    let document = ReviewDocument {
        period: q.name(),
        label: q.label(),
        start: q.start,
        end: q.end,
        as_of,
        plan_id: plan.id,
        plan_name: plan.name.clone(),
        plan_version: plan.version,
        kpis,
        gaps,
        churn,
    };
    Ok((document, readiness))
}

/// Completeness under this share names its reps as a data gap.
pub const LOW_COMPLETENESS: f64 = 0.9;

/// The data gaps of the readiness report as of quarter `q`, with what to do about each, in the
/// words of `locale`; reps are named through `names`.
pub(crate) fn data_gaps(
    locale: Locale,
    readiness: &[pacer_core::readiness::ReadinessRow],
    names: &std::collections::HashMap<TargetOwner, String>,
    q: &FiscalPeriod,
) -> Vec<DataGap> {
    let mut gaps = Vec::new();
    for r in readiness {
        let gap = |kind: &str, message: String, action: String, reps: Vec<String>| DataGap {
            kind: kind.into(),
            kpi: r.key.clone(),
            message,
            action,
            reps,
        };
        match r.method {
            CaptureMethod::Planned => gaps.push(gap(
                "not_live",
                tr!(locale, "notes-gap-not-live", kpi = &r.name),
                match r.ready_by {
                    Some(d) => tr!(locale, "notes-gap-finish-setup", day = locale.date(d)),
                    None => locale.t("notes-gap-date-setup"),
                },
                Vec::new(),
            )),
            CaptureMethod::Unavailable => continue,
            _ => {
                if r.last_data.is_none_or(|d| d < q.start) {
                    gaps.push(gap(
                        "no_data",
                        tr!(locale, "notes-gap-no-data", kpi = &r.name, period = locale.period(q)),
                        locale.t("notes-gap-check-capture"),
                        Vec::new(),
                    ));
                } else if r.method == CaptureMethod::Automatic && !r.arriving {
                    gaps.push(gap(
                        "silent_source",
                        tr!(
                            locale,
                            "notes-gap-silent",
                            kpi = &r.name,
                            day = r.last_data.map(|d| locale.date(d)).unwrap_or_default()
                        ),
                        locale.t("notes-gap-ask-owner"),
                        Vec::new(),
                    ));
                }
                if let Some(c) = &r.completeness
                    && c.share.is_some_and(|s| s < LOW_COMPLETENESS)
                {
                    let reps = c
                        .missing
                        .iter()
                        .map(|id| {
                            names
                                .get(&TargetOwner::Rep(*id))
                                .cloned()
                                .unwrap_or_else(|| tr!(locale, "notes-gap-rep", id = id.to_string()))
                        })
                        .collect();
                    gaps.push(gap(
                        "low_completeness",
                        tr!(
                            locale,
                            "notes-gap-low-completeness",
                            kpi = &r.name,
                            logged = locale.count(c.logged as i64),
                            active = locale.count(c.active_reps as i64),
                            share = locale.percent(c.share.unwrap_or(0.0), 0)
                        ),
                        locale.t("notes-gap-remind"),
                        reps,
                    ));
                }
            }
        }
    }
    // Every KPI tracked for only part of the year so far, planned or not.
    for r in readiness.iter().filter(|r| matches!(r.method, CaptureMethod::Automatic | CaptureMethod::Manual)) {
        if let Some(p) = locale.partial_coverage(&r.coverage) {
            gaps.push(DataGap {
                kind: "partial".into(),
                kpi: r.key.clone(),
                message: tr!(locale, "notes-gap-partial", kpi = &r.name, why = p),
                action: locale.t("notes-gap-read-partial"),
                reps: Vec::new(),
            });
        }
    }
    gaps
}

/// Frozen figures that differ from today's: each KPI's company, team and rep actuals.
pub fn differences(frozen: &ReviewDocument, now: &ReviewDocument) -> Vec<Difference> {
    let mut out = Vec::new();
    for f in &frozen.kpis {
        let Some(n) = now.kpis.iter().find(|k| k.key == f.key) else { continue };
        let all = |k: &KpiReview| -> BTreeMap<String, Option<f64>> {
            k.company.iter().chain(&k.teams).chain(&k.reps).map(|o| (o.name.clone(), o.quarter.actual)).collect()
        };
        let (then, today) = (all(f), all(n));
        for (owner, frozen_value) in &then {
            let now_value = today.get(owner).copied().flatten();
            if *frozen_value != now_value {
                out.push(Difference {
                    kpi: f.key.clone(),
                    owner: owner.clone(),
                    frozen: *frozen_value,
                    now: now_value,
                });
            }
        }
    }
    out
}

/// The review of a quarter as shown: the stored review's frozen document when closed (with
/// the differences from today's data), else today's figures.
pub async fn view(ctx: &Context<'_>, period: &str, plan: Option<i64>) -> Result<ReviewView, AppError> {
    let (store, org, today) = (ctx.store, &ctx.org, ctx.today);
    let q = quarter(org, period, today)?;
    let review = store.review_for(&q.name()).await?;
    let plan_id = plan.or(review.as_ref().map(|r| r.plan_id));
    let plan = plan_for(store, &q, plan_id).await?;
    let live = document(ctx, &q, &plan).await?;
    let notes = match &review {
        Some(r) => store.notes(r.id).await?,
        None => Vec::new(),
    };
    let frozen =
        review.as_ref().and_then(|r| r.snapshot.as_deref()).map(serde_json::from_str::<ReviewDocument>).transpose();
    let frozen = frozen.map_err(|e| AppError::internal(format!("a review snapshot does not read back: {e}")))?;
    let view = match frozen {
        Some(doc) => ReviewView { differences: differences(&doc, &live), review, document: doc, notes },
        None => ReviewView { review, document: live, notes, differences: Vec::new() },
    };
    Ok(view.seen_by(&ctx.visibility().await?))
}

impl ReviewView {
    /// The review as a caller sees it: the teams' and reps' lines, names and notes of those
    /// they may see (a frozen document keeps names only, so names decide), the company's figures.
    fn seen_by(mut self, seen: &Visibility) -> Self {
        if seen.is_everything() {
            return self;
        }
        // The stored snapshot is the whole frozen document: the filtered one stands for it.
        if let Some(review) = &mut self.review {
            review.snapshot = None;
        }
        let named = |name: &String| seen.sees_name(name);
        for kpi in &mut self.document.kpis {
            kpi.teams.retain(|f| named(&f.name));
            kpi.reps.retain(|f| named(&f.name));
            kpi.best.retain(named);
            kpi.worst.retain(named);
        }
        for gap in &mut self.document.gaps {
            gap.reps.retain(named);
        }
        self.notes.retain(|n| match n.subject {
            NoteSubject::Rep(rep) => seen.sees_rep(rep),
            NoteSubject::Review | NoteSubject::Kpi(_) => true,
        });
        let company: Vec<String> =
            self.document.kpis.iter().filter_map(|k| k.company.as_ref().map(|c| c.name.clone())).collect();
        self.differences.retain(|d| company.contains(&d.owner) || named(&d.owner));
        self
    }
}

/// Opens the review of a quarter against a plan (the year's approved plan by default).
pub async fn open(ctx: &Context<'_>, period: &str, plan: Option<i64>, actor: &Actor) -> Result<Review, AppError> {
    let (store, org, today) = (ctx.store, &ctx.org, ctx.today);
    let q = quarter(org, period, today)?;
    let plan = plan_for(store, &q, plan).await?;
    Ok(store.open_review(&q.name(), q.fiscal_year, plan.id, actor).await?)
}

/// Closes a review: its document is frozen as of now.
pub async fn close(ctx: &Context<'_>, id: ReviewId, actor: &Actor) -> Result<Review, AppError> {
    let (store, org, today) = (ctx.store, &ctx.org, ctx.today);
    let review = store.review(id).await?;
    let q = quarter(org, &review.period, today)?;
    let plan = store.plan(review.plan_id).await?;
    let doc = document(ctx, &q, &plan).await?;
    let snapshot = serde_json::to_string(&doc).map_err(AppError::internal)?;
    Ok(store.close_review(id, &snapshot, actor).await?)
}

/// One line of a rebalancing proposal.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct RebalanceLine {
    /// Whose target.
    pub owner: TargetOwner,
    /// Their name.
    pub name: String,
    /// The months now.
    pub before: Vec<i64>,
    /// The months proposed.
    pub after: Vec<i64>,
}

/// A rebalancing proposal for one KPI of a plan.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Proposal {
    /// The plan.
    pub plan_id: i64,
    /// The KPI.
    pub kpi: String,
    /// Months already past (kept).
    pub months_past: usize,
    /// The revised company target, when revised.
    pub revised_annual: Option<i64>,
    /// The weights of the remaining months (seasonal indices, or even).
    pub weights: Vec<f64>,
    /// Every line, before and after.
    pub lines: Vec<RebalanceLine>,
}

/// Proposes (for the plan in force: the year's approved plan) re-phasing each remaining annual target of `kpi` over the months after `as_of` by
/// seasonal indices (even when the history is too short), or revising the company's annual
/// target (teams and reps scaled in proportion); every line still sums to its year.
pub async fn propose(
    ctx: &Context<'_>,
    plan: &Plan,
    kpi: &str,
    revised_annual: Option<i64>,
    as_of: NaiveDate,
) -> Result<Proposal, AppError> {
    let (store, org, today) = (ctx.store, &ctx.org, ctx.today);
    if matches!(plan.status, PlanStatus::Archived | PlanStatus::Revised) {
        return Err(AppError::Conflict(format!(
            "plan {} is {}: rebalance the plan in force instead",
            plan.id, plan.status
        )));
    }
    let months = plan_months(org, plan.fiscal_year)?;
    let past = months.iter().filter(|m| m.end <= as_of).count();
    let weights = indices_or_even(ctx, kpi, plan.fiscal_year).await;
    let targets = store.targets(plan.id, Some(kpi)).await?;
    if targets.is_empty() {
        return Err(bad(format!("plan {} has no targets for {kpi}", plan.id)));
    }
    let names = owner_names(store, today).await?;
    let lines = crate::plan::lines(&targets, &names);
    let company_total =
        lines.iter().find(|l| l.owner == TargetOwner::Company && l.tier == TargetTier::Target).map(|l| l.total);
    let mut out = Vec::new();
    for l in lines {
        // A revised company target scales every line in proportion, exactly for the company.
        let annual = match (revised_annual, company_total) {
            (Some(r), _) if l.owner == TargetOwner::Company => r,
            (Some(r), Some(c)) if c > 0 => (i128::from(l.total) * i128::from(r) / i128::from(c)) as i64,
            _ => l.total,
        };
        let after = rebalance(&l.months, past, annual.max(l.months[..past].iter().sum()), &weights)
            .map_err(|e| bad(e.to_string()))?;
        out.push(RebalanceLine { owner: l.owner, name: l.name, before: l.months, after });
    }
    Ok(Proposal {
        plan_id: plan.id,
        kpi: kpi.to_string(),
        months_past: past,
        revised_annual,
        weights: weights[past..].to_vec(),
        lines: out,
    })
}

/// Applies a proposal: a new version of the plan with the KPI's targets re-phased, approved in
/// place of the old one when that was the approved plan; the reason goes to the audit log.
pub async fn apply(store: &dyn Store, proposal: &Proposal, actor: &Actor) -> Result<Plan, AppError> {
    let plan = store.plan(proposal.plan_id).await?;
    if matches!(plan.status, PlanStatus::Archived | PlanStatus::Revised) {
        return Err(AppError::Conflict(format!(
            "plan {} is {}: rebalance the plan in force instead",
            plan.id, plan.status
        )));
    }
    let next = store.copy_plan(plan.id, None, actor).await?;
    let mut targets: Vec<Target> = store
        .targets(next.id, Some(&proposal.kpi))
        .await?
        .into_iter()
        .filter(|t| t.tier != TargetTier::Target)
        .collect();
    for line in &proposal.lines {
        for (m, amount) in line.after.iter().enumerate() {
            targets.push(Target {
                kpi: proposal.kpi.clone(),
                owner: line.owner,
                month: m as u8 + 1,
                tier: TargetTier::Target,
                amount: *amount,
            });
        }
    }
    store.put_targets(next.id, &proposal.kpi, &targets, actor).await?;
    if plan.status == PlanStatus::Approved {
        return Ok(store.set_plan_status(next.id, PlanStatus::Approved, actor).await?);
    }
    Ok(next)
}

/// The review as sheets: the KPI summary, then per KPI its teams and reps, the data gaps and the
/// notes. Money is in units of `currency` (the reporting currency) with its decimals, as
/// [`plain_amount`](pacer_core::money::plain_amount) writes it (a workbook shows those decimals
/// too); other figures with 2 decimals, rates in percent.
pub fn sheets(view: &ReviewView, currency: Currency) -> Vec<crate::export::Sheet> {
    use crate::export::{Sheet, percent_cell as pct};
    let d = &view.document;
    let amount = |unit: &str, x: Option<f64>| crate::export::figure_cell(unit, x, currency);
    let whole = |unit: &str, n: i64| crate::export::whole_cell(unit, n, currency);
    let fig = |unit: &str, f: &Figure| {
        vec![
            whole(unit, f.target),
            amount(unit, f.actual),
            pct(f.raw),
            pct(f.credited),
            f.attained.map(|a| a.to_string()).unwrap_or_default(),
            amount(unit, f.variance),
        ]
    };
    let head = |first: &str| -> Vec<String> {
        let mut h = vec![first.to_string()];
        for p in ["quarter", "YTD"] {
            for c in ["target", "actual", "raw %", "credited %", "attained", "variance"] {
                h.push(format!("{p} {c}"));
            }
        }
        h
    };
    let mut summary = head("KPI");
    summary.extend(["annual target", "projected year end", "pace %", "pipeline coverage", "partial"].map(String::from));
    let mut out = vec![Sheet {
        name: "Summary".into(),
        headers: summary,
        rows: d
            .kpis
            .iter()
            .map(|k| {
                let mut row = vec![k.name.clone()];
                if let Some(c) = &k.company {
                    row.extend(fig(&k.unit, &c.quarter));
                    row.extend(fig(&k.unit, &c.ytd));
                } else {
                    row.extend(std::iter::repeat_n(String::new(), 12));
                }
                row.extend([
                    whole(&k.unit, k.annual_target),
                    amount(&k.unit, k.projected_year_end),
                    pct(k.pace),
                    k.pipeline_coverage.map(|c| format!("{c:.2}")).unwrap_or_default(),
                    k.partial.clone().unwrap_or_default(),
                ]);
                row
            })
            .collect(),
    }];
    for k in &d.kpis {
        out.push(Sheet {
            name: k.key.clone(),
            headers: head("Team or rep"),
            rows: k
                .teams
                .iter()
                .chain(&k.reps)
                .map(|o| {
                    std::iter::once(o.name.clone())
                        .chain(fig(&k.unit, &o.quarter))
                        .chain(fig(&k.unit, &o.ytd))
                        .collect()
                })
                .collect(),
        });
    }
    out.push(gaps_sheet(&d.gaps));
    out.push(notes_sheet("Notes", &view.notes));
    out
}

/// A review's notes for the directors as a table named `name`: what each is about, the note, by whom, when.
pub(crate) fn notes_sheet(name: &str, notes: &[ReviewNote]) -> crate::export::Sheet {
    crate::export::Sheet {
        name: name.into(),
        headers: ["about", "note", "by", "at"].map(String::from).to_vec(),
        rows: notes
            .iter()
            .map(|n| vec![format!("{:?}", n.subject), n.text.clone(), n.author.clone(), n.at.clone()])
            .collect(),
    }
}

/// The data gaps as a table: kind, KPI, what is wrong, what to do, the reps concerned.
pub(crate) fn gaps_sheet(gaps: &[DataGap]) -> crate::export::Sheet {
    crate::export::Sheet {
        name: "Data gaps".into(),
        headers: ["kind", "KPI", "what", "what to do", "reps"].map(String::from).to_vec(),
        rows: gaps
            .iter()
            .map(|g| vec![g.kind.clone(), g.kpi.clone(), g.message.clone(), g.action.clone(), g.reps.join(", ")])
            .collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn figure(target: i64, actual: f64) -> Figure {
        Figure {
            target,
            actual: Some(actual),
            raw: Some(actual / target as f64),
            credited: None,
            attained: None,
            variance: Some(actual - target as f64),
            notes: Vec::new(),
        }
    }

    fn kpi(key: &str, unit: &str, target: i64, actual: f64) -> KpiReview {
        let company =
            OwnerFigures { name: "Company".into(), quarter: figure(target, actual), ytd: figure(target, actual) };
        KpiReview {
            key: key.into(),
            name: key.into(),
            unit: unit.into(),
            priority: 1,
            tolerance: 0.05,
            partial: None,
            teams: vec![OwnerFigures { name: "Team A".into(), ..company.clone() }],
            company: Some(company),
            annual_target: target * 4,
            projected_year_end: Some(actual * 4.0 + 0.4),
            pace: Some(0.5),
            reps: Vec::new(),
            best: Vec::new(),
            worst: Vec::new(),
            pipeline_coverage: Some(1.25),
        }
    }

    fn view(kpis: Vec<KpiReview>) -> ReviewView {
        let day = |s: &str| s.parse().unwrap();
        ReviewView {
            review: None,
            document: ReviewDocument {
                period: "FY2027-Q1".into(),
                label: "Q1 FY2027".into(),
                start: day("2026-02-01"),
                end: day("2026-04-30"),
                as_of: day("2026-04-30"),
                plan_id: 1,
                plan_name: "Base".into(),
                plan_version: 1,
                kpis,
                gaps: Vec::new(),
                churn: None,
            },
            notes: Vec::new(),
            differences: Vec::new(),
        }
    }

    /// Money in the review's files has the reporting currency's decimals: whole yen, cents of
    /// euro, three decimals of dinar; counts and rates are as they were.
    #[test]
    fn review_files_write_money_with_its_currencys_decimals() {
        let v =
            view(vec![kpi("new_business", "currency", 1_234_567, 1_000_001.0), kpi("calls_made", "count", 400, 390.0)]);
        for (code, target, actual, variance, annual, projected) in [
            ("EUR", "12345.67", "10000.01", "-2345.66", "49382.68", "40000.04"),
            ("JPY", "1234567", "1000001", "-234566", "4938268", "4000004"),
            ("KWD", "1234.567", "1000.001", "-234.566", "4938.268", "4000.004"),
        ] {
            let sheets = sheets(&v, Currency::parse(code).unwrap());
            let money = &sheets[0].rows[0];
            assert_eq!(
                [&money[1], &money[2], &money[6], &money[13], &money[14]],
                [target, actual, variance, annual, projected],
                "{code}"
            );
            assert_eq!((money[3].as_str(), money[15].as_str(), money[16].as_str()), ("81.0", "50.0", "1.25"), "{code}");
            let count = &sheets[0].rows[1];
            assert_eq!([&count[1], &count[2], &count[6]], ["400.00", "390.00", "-10.00"], "{code}: counts as ever");
            assert_eq!(sheets[1].rows[0][1], target, "{code}: the KPI's sheet too");
            let csv = String::from_utf8(crate::export::csv(&sheets[0]).unwrap()).unwrap();
            assert!(csv.lines().nth(1).unwrap().starts_with(&format!("new_business,{target},{actual},")), "{csv}");
            assert!(crate::export::xlsx(&sheets).unwrap().starts_with(b"PK"));
        }
    }
}
