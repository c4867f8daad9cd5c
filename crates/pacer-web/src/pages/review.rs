//! The quarterly review page: the document sales operations takes into the
//! room (printable), with its charts, data gaps, notes, and the rebalancing
//! proposal; and the list of the year's quarters.

use super::confirm;
use super::layout::{self, Frame};
use super::plan::units;
use super::{PageForm, PageQuery, PageResult, filled, moment, redirect_with_notice};
use crate::AppState;
use crate::api::review::view;
use crate::api::today;
use crate::auth::Caller;
use crate::charts::{self, Chart, Goal, Kind, Label, Mark, Series, Unit};
use crate::error::ApiError;
use axum::extract::{Extension, Path, State};
use axum::response::{IntoResponse, Response};
use maud::{Markup, html};
use pacer_app::review::{self as reviews, Figure};
use pacer_core::access::Role;
use pacer_core::audit::Actor;
use pacer_core::fiscal_calendar::PeriodKind;
use pacer_core::review::{NewNote, NoteSubject};
use serde::Deserialize;

fn actor(frame: &Frame, reason: Option<String>) -> Actor {
    Actor::named(frame.principal.actor_name()).because(reason)
}

/// A share for people ("87%"), a dash without one.
pub(crate) fn pct(x: Option<f64>) -> String {
    x.map_or_else(|| "—".into(), pacer_core::money::format_share)
}

/// A figure of a KPI in `unit` for people: money, a percentage, or a grouped count.
pub(crate) fn amount(frame: &Frame, unit: &str, x: Option<f64>) -> String {
    frame.locale.figure(unit, x, frame.org.currency)
}

/// A revised annual target as typed in the form: money in units of the reporting currency with
/// its decimals (`1,250,000.50`), counts whole; none when left empty.
async fn typed_annual(
    frame: &Frame,
    ctx: &pacer_app::Context<'_>,
    kpi: &str,
    text: Option<String>,
) -> Result<Option<i64>, ApiError> {
    let Some(text) = filled(text) else { return Ok(None) };
    let money = ctx.catalog().await?.kpi(kpi).is_some_and(|k| k.is_money());
    let annual = if money {
        pacer_core::import::parse_amount_minor(&text, frame.org.currency, false).map_err(ApiError::BadRequest)?
    } else {
        text.trim()
            .replace(',', "")
            .parse::<i64>()
            .map_err(|_| ApiError::BadRequest(format!("{text:?} is not a whole number")))?
    };
    Ok(Some(annual))
}

/// An amount as the form takes it back: money as plain decimal units of the reporting currency.
fn typed(frame: &Frame, unit: &str, v: i64) -> String {
    if unit == "currency" { pacer_core::money::plain_amount(v, frame.org.currency) } else { v.to_string() }
}

fn attained(f: &Figure) -> Markup {
    html! { @match f.attained { Some(true) => span.badge.on { "attained" }, Some(false) => span.badge.off { "not attained" }, None => span.muted { "no target" } } }
}

/// The quarters of the current fiscal year and their reviews.
pub async fn list(State(state): State<AppState>, Extension(caller): Extension<Caller>) -> PageResult<Markup> {
    let frame = Frame::of(&state, &caller).await?;
    let fy = frame.org.fiscal_year_of(today());
    let mut quarters = Vec::new();
    for year in [fy - 1, fy] {
        quarters.extend(
            frame.org.calendar.periods(year, PeriodKind::Quarter).map_err(|e| ApiError::BadRequest(e.to_string()))?,
        );
    }
    let stored = state.store.reviews(None).await?;
    let plans = state.store.plans(None).await?;
    let body = html! {
        h1 { "Quarterly reviews" }
        div.scroll { table {
            thead { tr { th { "Quarter" } th { "Review" } th { "Plan" } th { "Closed by" } } }
            tbody { @for q in quarters.iter().filter(|q| q.start <= today()) {
                @let r = stored.iter().rev().find(|r| r.period == q.name());
                tr {
                    td { a href=(format!("/reviews/{}", q.name())) { (q.label()) } }
                    td { @match r { Some(r) => { (r.status) }, None => span.muted { "not opened" } } }
                    td { @if let Some(p) = r.and_then(|r| plans.iter().find(|p| p.id == r.plan_id)) { a href=(format!("/plans/{}", p.id)) { (p.name) " v" (p.version) } } }
                    td { @if let Some(r) = r { (r.closed_by.clone().unwrap_or_default()) " " @if let Some(at) = &r.closed_at { span.muted { (moment(frame.locale, at)) } } } }
                }
            } }
        } }
    };
    Ok(layout::page(&frame, "Reviews", body))
}

/// The page's query.
#[derive(Deserialize, Default)]
pub struct ReviewQuery {
    notice: Option<String>,
    /// Rebalancing preview: the KPI and an optional revised annual target.
    kpi: Option<String>,
    annual: Option<String>,
}

/// The review of a quarter.
pub async fn page(
    State(state): State<AppState>,
    Extension(caller): Extension<Caller>,
    Path(period): Path<String>,
    PageQuery(q): PageQuery<ReviewQuery>,
) -> PageResult<Markup> {
    let frame = Frame::of(&state, &caller).await?;
    let ctx = frame.context(&state);
    let v = view(&ctx, &period, None).await?;
    let d = &v.document;
    let role = frame.role();
    let proposal = match &q.kpi {
        Some(kpi) if role == Role::Admin => {
            let quarter = reviews::quarter(&frame.org, &d.period, today())?;
            let plan = reviews::plan_for(state.store.as_ref(), &quarter, None).await?;
            let annual = typed_annual(&frame, &ctx, kpi, q.annual.clone()).await?;
            Some(reviews::propose(&ctx, &plan, kpi, annual, d.end.min(today())).await?)
        }
        _ => None,
    };
    // Who a note can be about: the reps employed today (notes are written by leaders, who see all).
    let reps = if role >= Role::Leader {
        let employed = pacer_storage::RepFilter { active_on: Some(today()), ..Default::default() };
        state.store.reps(&employed, today()).await?
    } else {
        Vec::new()
    };
    // What each note is about, in words: the review, a KPI by its name, a rep by theirs.
    let catalog = ctx.catalog_if_any().await?;
    let mut subjects = Vec::new();
    for n in &v.notes {
        subjects.push(match &n.subject {
            NoteSubject::Review => "The review".to_owned(),
            NoteSubject::Kpi(key) => catalog.map_or(key.as_str(), |c| c.kpi_name(key)).to_owned(),
            NoteSubject::Rep(id) => state.store.rep(*id, today()).await.map_or(format!("rep {id}"), |r| r.name),
        });
    }
    let status = v.review.as_ref().map(|r| r.status.to_string()).unwrap_or_else(|| "not opened".into());
    let admin = role == Role::Admin;
    let body = html! {
        @if let Some(text) = &q.notice { div.notice { (text) } }
        h1 { "Quarterly review: " (d.label) }
        p.muted { "Measured against " a href=(format!("/plans/{}", d.plan_id)) { (d.plan_name) " v" (d.plan_version) } " · figures as of " (d.as_of) " · review " strong { (status) }
            " · download " a href=(format!("/api/v1/reviews/{}?format=xlsx", d.period)) { "XLSX" } " · " a href=(format!("/api/v1/reviews/{}?format=csv", d.period)) { "CSV" } }
        // The review is long: a table of contents first, and every section folds.
        nav.toc aria-label="Contents of the review" {
            h2 { "Contents" }
            ul {
                li { a href="#overview" { "The quarter at a glance" } }
                @for k in &d.kpis { li { a href=(format!("#kpi-{}", k.key)) { (k.priority) ". " (k.name) } } }
                @if d.churn.is_some() { li { a href="#churn" { "Churn against the band" } } }
                li { a href="#gaps" { "Data gaps" } }
                li { a href="#notes" { "Notes for the directors" } }
                @if admin { li { a href="#rebalancing" { "Rebalancing" } } }
            }
        }
        @if !v.differences.is_empty() {
            div.notice { "Raw data has been corrected since this review was closed; the frozen figures stand, the differences are:"
                ul { @for x in &v.differences {
                    @let kpi = d.kpis.iter().find(|k| k.key == x.kpi);
                    @let unit = kpi.map_or("", |k| k.unit.as_str());
                    li { (kpi.map_or(x.kpi.as_str(), |k| k.name.as_str())) " · " (x.owner) ": " (amount(&frame, unit, x.frozen)) " then, " (amount(&frame, unit, x.now)) " now" }
                } } }
        }
        details.fold #overview open {
            summary { h2 { "The quarter at a glance" } }
            (charts::chart(&Chart {
                title: &format!("Credited attainment, {}", d.label),
                note: Some("company, per KPI; the line is 100%: the target, counting the tolerance"),
                unit: Unit::new(Kind::Percent, frame.org.currency),
                columns: &d.kpis.iter().map(|k| Label::new(&k.name)).collect::<Vec<_>>(),
                series: &[Series::new("Credited attainment", d.kpis.iter().map(|k| k.company.as_ref().and_then(|c| c.quarter.credited)).collect())],
                mark: Mark::Bars,
                goal: Some(&Goal { name: "the target".into(), values: vec![Some(1.0); d.kpis.len()] }),
            }))
        }
        @for k in &d.kpis {
            details.fold.card id=(format!("kpi-{}", k.key)) open {
                summary { h2 { (k.priority) ". " (k.name) } }
                @if let Some(p) = &k.partial { (super::warning(&format!("partial: {p}"))) }
                @if let Some(c) = &k.company {
                    p { "Quarter: target " strong { (amount(&frame, &k.unit, Some(c.quarter.target as f64))) } ", actual " strong { (amount(&frame, &k.unit, c.quarter.actual)) }
                        ", raw " (pct(c.quarter.raw)) ", credited " (pct(c.quarter.credited)) " (tolerance " (format!("{:.0}%", k.tolerance * 100.0)) ") " (attained(&c.quarter))
                        ", variance " (amount(&frame, &k.unit, c.quarter.variance)) "." }
                    p { "Year to date: " (amount(&frame, &k.unit, c.ytd.actual)) " of " (amount(&frame, &k.unit, Some(c.ytd.target as f64))) " (" (pct(c.ytd.credited)) " credited) · annual target "
                        (amount(&frame, &k.unit, Some(k.annual_target as f64))) " · projected year end " (amount(&frame, &k.unit, k.projected_year_end)) " (pace " (pct(k.pace)) ")"
                        @if let Some(cov) = k.pipeline_coverage { " · pipeline coverage of what remains " (format!("{cov:.1}×")) } }
                }
                p { "Best: " (k.best.join(", ")) " · worst: " (k.worst.join(", ")) }
                div.scroll { table {
                    thead { tr { th { "Team or rep" } th.num { "Target" } th.num { "Actual" } th.num { "Raw" } th.num { "Credited" } th { "Attained" } th.num { "YTD credited" } th { "Why" } } }
                    tbody { @for o in k.teams.iter().chain(&k.reps) { tr {
                        td { (o.name) } td.num { (amount(&frame, &k.unit, Some(o.quarter.target as f64))) } td.num { (amount(&frame, &k.unit, o.quarter.actual)) }
                        td.num { (pct(o.quarter.raw)) } td.num { (pct(o.quarter.credited)) } td { (attained(&o.quarter)) } td.num { (pct(o.ytd.credited)) }
                        td { small.muted.why { (pacer_app::plan::distinct_notes(o.quarter.notes.iter().chain(&o.ytd.notes))) } }
                    } } }
                } }
                @for n in v.notes.iter().filter(|n| matches!(&n.subject, NoteSubject::Kpi(key) if *key == k.key)) { div.notice { "Exception: " (n.text) " — " (n.author) } }
            }
        }
        @if let Some(c) = &d.churn {
            details.fold #churn open {
                summary { h2 { "Churn against the band" } }
                p { "Customer churn of the quarter " (pct(c.customer_churn)) ", annualised " (pct(c.annualised)) " (" (c.band.clone().unwrap_or_default()) "), NRR " (pct(c.nrr)) "." }
            }
        }
        details.fold #gaps open {
            summary { h2 { "Data gaps" } }
            (super::dashboard::gaps(&frame, &d.gaps))
        }
        details.fold #notes open {
            summary { h2 { "Notes for the directors" } }
            ul { @for (n, about) in v.notes.iter().zip(&subjects) { li { (about) ": " (n.text) " — " (n.author) ", " (moment(frame.locale, &n.at)) } } }
            @if role >= Role::Leader {
                form.row method="post" action=(format!("/reviews/{}/notes", d.period)) {
                    (frame.csrf_field())
                    label { "About" select name="about" {
                        option value="" { "The review as a whole" }
                        optgroup label="KPI" { @for k in &d.kpis { option value=(k.key) { (k.name) } } }
                        optgroup label="Rep" { @for r in &reps { option value=(r.id) { (r.name) } } }
                    } }
                    label { "Note" input name="text" size="60"; }
                    button type="submit" { "Add note" }
                }
                @if v.review.is_none() && admin {
                    form.row method="post" action=(format!("/reviews/{}/state", d.period)) {
                        (frame.csrf_field())
                        button type="submit" name="action" value="open" { "Open the review" }
                    }
                }
                @if v.review.as_ref().is_some_and(|r| r.closed_at.is_none()) {
                    (confirm::disclosure(&frame, "Close and freeze the figures…", &close_action(&d.period, &d.label)))
                }
            }
        }
        @if admin {
            details.fold #rebalancing open {
                summary { h2 { "Rebalancing" } }
                form.row method="get" action=(format!("/reviews/{}#rebalancing", d.period)) {
                    label { "KPI" select name="kpi" { @for k in &d.kpis { option value=(k.key) selected[q.kpi.as_deref() == Some(k.key.as_str())] { (k.name) } } } }
                    label { "Revised annual target (" (frame.org.currency) " for money, optional)" input name="annual" size="14"; }
                    button type="submit" { "Preview" }
                }
                @if let Some(p) = &proposal {
                    @let unit = d.kpis.iter().find(|k| k.key == p.kpi).map_or("", |k| k.unit.as_str());
                    @let show = |x: i64| units(&frame, unit, x);
                    p.muted { (p.months_past) " months past keep their targets; the rest of each year is re-phased by seasonality. Every line still sums to its year." }
                    div.scroll { table {
                        thead { tr { th { "Line" } th { "Targets" } @for m in 1..=12 { th.num { "M" (m) } } th.num { "Year" } } }
                        tbody { @for l in &p.lines {
                            tr { td { (l.name) } td.muted { "now" } @for x in &l.before { td.num { (show(*x)) } } td.num { (show(l.before.iter().sum::<i64>())) } }
                            tr { td { } td { "proposed" } @for x in &l.after { td.num { (show(*x)) } } td.num { strong { (show(l.after.iter().sum::<i64>())) } } }
                        } }
                    } }
                    form.row method="post" action=(format!("/reviews/{}/rebalance", d.period)) {
                        (frame.csrf_field())
                        input type="hidden" name="kpi" value=(p.kpi);
                        input type="hidden" name="annual" value=(p.revised_annual.map(|a| typed(&frame, unit, a)).unwrap_or_default());
                        label { "Reason" input name="reason" size="40" required; }
                        button type="submit" { "Apply as a new plan version" }
                    }
                }
            }
        }
    };
    Ok(layout::page(&frame, &format!("Review {}", d.label), body))
}

/// A note from the form.
#[derive(Deserialize)]
pub struct NoteForm {
    about: Option<String>,
    text: String,
}

/// Adds a note.
pub async fn add_note(
    State(state): State<AppState>,
    Extension(caller): Extension<Caller>,
    Path(period): Path<String>,
    PageForm(form): PageForm<NoteForm>,
) -> PageResult<Response> {
    let frame = Frame::of(&state, &caller).await?;
    let review = state
        .store
        .review_for(&period)
        .await?
        .ok_or_else(|| ApiError::NotFound(format!("open the review of {period} first")))?;
    let subject = match filled(form.about) {
        None => NoteSubject::Review,
        Some(a) => match a.parse::<i64>() {
            Ok(rep) => NoteSubject::Rep(rep),
            Err(_) => NoteSubject::Kpi(a),
        },
    };
    state.store.add_note(review.id, &NewNote { subject, text: form.text }, &actor(&frame, None)).await?;
    Ok(redirect_with_notice(&format!("/reviews/{period}"), "Note added."))
}

/// Opening or closing.
#[derive(Deserialize)]
pub struct StateForm {
    action: String,
    /// Closing happens only with [`confirm::CONFIRM_FIELD`] set.
    confirm: Option<String>,
    reason: Option<String>,
}

/// Closing the review of `period`: what it will do.
fn close_action<'a>(period: &str, label: &str) -> confirm::Action<'a> {
    confirm::Action {
        to: format!("/reviews/{period}/state"),
        fields: vec![("action", "close".to_string())],
        button: format!("Close the review of {label}"),
        consequence: format!(
            "Closing freezes the figures of {label} as they are now: the review keeps them for good, and a later \
             correction of the raw data shows beside them as a difference. A closed review cannot be reopened; \
             notes can still be added."
        ),
    }
}

/// Opens or closes the review.
pub async fn set_state(
    State(state): State<AppState>,
    Extension(caller): Extension<Caller>,
    Path(period): Path<String>,
    PageForm(form): PageForm<StateForm>,
) -> PageResult<Response> {
    let frame = Frame::of(&state, &caller).await?;
    let ctx = frame.context(&state);
    let who = actor(&frame, filled(form.reason.clone()));
    match form.action.as_str() {
        "open" if frame.role() == Role::Admin => {
            reviews::open(&ctx, &period, None, &who).await?;
        }
        "close" if !confirm::confirmed(form.confirm.as_deref()) => {
            let label = reviews::quarter(&frame.org, &period, today())?.label();
            let action = close_action(&period, &label);
            let title = format!("{}?", action.button);
            let reason = form.reason.unwrap_or_default();
            let back = format!("/reviews/{period}");
            return Ok(confirm::page(&frame, &title, &action, &reason, &back).into_response());
        }
        "close" => {
            let review = state
                .store
                .review_for(&period)
                .await?
                .ok_or_else(|| ApiError::NotFound(format!("no review of {period}")))?;
            reviews::close(&ctx, review.id, &who).await?;
        }
        _ => return Err(ApiError::Forbidden.into()),
    }
    Ok(redirect_with_notice(&format!("/reviews/{period}"), "Done."))
}

/// Applying a rebalance from the form.
#[derive(Deserialize)]
pub struct RebalanceForm {
    kpi: String,
    annual: Option<String>,
    reason: Option<String>,
}

/// Applies a rebalancing as a new plan version.
pub async fn rebalance(
    State(state): State<AppState>,
    Extension(caller): Extension<Caller>,
    Path(period): Path<String>,
    PageForm(form): PageForm<RebalanceForm>,
) -> PageResult<Response> {
    let frame = Frame::of(&state, &caller).await?;
    let ctx = frame.context(&state);
    let q = reviews::quarter(&frame.org, &period, today())?;
    let plan = reviews::plan_for(state.store.as_ref(), &q, None).await?;
    let annual = typed_annual(&frame, &ctx, &form.kpi, form.annual).await?;
    let proposal = reviews::propose(&ctx, &plan, &form.kpi, annual, q.end.min(today())).await?;
    let next = reviews::apply(state.store.as_ref(), &proposal, &actor(&frame, filled(form.reason))).await?;
    Ok(redirect_with_notice(
        &format!("/plans/{}?kpi={}", next.id, form.kpi),
        &format!("Rebalanced: plan {} v{} is {}.", next.name, next.version, next.status),
    ))
}
