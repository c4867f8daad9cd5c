//! The quarterly review page: the document sales operations takes into the
//! room (printable), with its charts, data gaps, notes, and the rebalancing
//! proposal; and the list of the year's quarters.

use super::confirm;
use super::layout::{self, Frame};
use super::plan::{pct_in, status_words, units};
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
use pacer_core::review::ReviewStatus;
use pacer_core::review::{NewNote, NoteSubject};
use pacer_i18n::{Locale, tr};
use serde::Deserialize;

fn actor(frame: &Frame, reason: Option<String>) -> Actor {
    Actor::named(frame.principal.actor_name()).because(reason)
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
            .map_err(|_| ApiError::BadRequest(tr!(frame.locale, "review-not-whole", value = format!("{text:?}"))))?
    };
    Ok(Some(annual))
}

/// An amount as the form takes it back: money as plain decimal units of the reporting currency.
fn typed(frame: &Frame, unit: &str, v: i64) -> String {
    if unit == "currency" { pacer_core::money::plain_amount(v, frame.org.currency) } else { v.to_string() }
}

fn attained(locale: Locale, f: &Figure) -> Markup {
    html! { @match f.attained {
        Some(true) => span.badge.on { (locale.t("review-attained")) },
        Some(false) => span.badge.off { (locale.t("review-not-attained")) },
        None => span.muted { (locale.t("review-no-target")) },
    } }
}

/// A review's status in the reader's words.
fn review_status(locale: Locale, s: ReviewStatus) -> String {
    locale.t(match s {
        ReviewStatus::Open => "review-status-open",
        ReviewStatus::Closed => "review-status-closed",
    })
}

/// A churn band as the review stores it (`normal`, `acceptable`, `high`), in the reader's words.
fn band_words(locale: Locale, band: &str) -> String {
    match band {
        "normal" => locale.t("review-band-normal"),
        "acceptable" => locale.t("review-band-acceptable"),
        "high" => locale.t("review-band-high"),
        other => other.to_owned(),
    }
}

/// A quarter's name (`FY2027-Q2`) for people in the reader's language, else `label`.
fn quarter_label(frame: &Frame, name: &str, label: &str) -> String {
    frame.org.calendar.parse_period(name).map_or_else(|_| label.to_owned(), |p| frame.locale.period(&p))
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
        h1 { (frame.t("review-heading")) }
        div.scroll { table {
            thead { tr { th { (frame.t("review-col-quarter")) } th { (frame.t("review-col-review")) } th { (frame.t("review-col-plan")) } th { (frame.t("review-col-closed-by")) } } }
            tbody { @for q in quarters.iter().filter(|q| q.start <= today()) {
                @let r = stored.iter().rev().find(|r| r.period == q.name());
                tr {
                    td { a href=(format!("/reviews/{}", q.name())) { (frame.locale.period(q)) } }
                    td { @match r { Some(r) => { (review_status(frame.locale, r.status)) }, None => span.muted { (frame.t("review-not-opened")) } } }
                    td { @if let Some(p) = r.and_then(|r| plans.iter().find(|p| p.id == r.plan_id)) { a href=(format!("/plans/{}", p.id)) { (p.name) " v" (p.version) } } }
                    td { @if let Some(r) = r { (r.closed_by.clone().unwrap_or_default()) " " @if let Some(at) = &r.closed_at { span.muted { (moment(frame.locale, at)) } } } }
                }
            } }
        } }
    };
    Ok(layout::page(&frame, &frame.t("review-title"), body))
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
            NoteSubject::Review => frame.t("review-subject-review"),
            NoteSubject::Kpi(key) => catalog.map_or(key.as_str(), |c| c.kpi_name(key)).to_owned(),
            NoteSubject::Rep(id) => state
                .store
                .rep(*id, today())
                .await
                .map_or_else(|_| tr!(frame.locale, "review-subject-rep", id = id.to_string()), |r| r.name),
        });
    }
    let locale = frame.locale;
    let status =
        v.review.as_ref().map(|r| review_status(locale, r.status)).unwrap_or_else(|| frame.t("review-not-opened"));
    let admin = role == Role::Admin;
    let label = quarter_label(&frame, &d.period, &d.label);
    let pct = |x: Option<f64>| pct_in(locale, x);
    let body = html! {
        @if let Some(text) = &q.notice { div.notice { (text) } }
        h1 { (tr!(locale, "review-page-heading", quarter = &label)) }
        p.muted { (frame.t("review-measured-against")) " " a href=(format!("/plans/{}", d.plan_id)) { (d.plan_name) " v" (d.plan_version) } " · " (tr!(locale, "review-as-of", day = locale.date(d.as_of))) " · " (frame.t("review-review")) " " strong { (status) }
            " · " (frame.t("review-download")) " " a href=(format!("/reviews/{}/xlsx", d.period)) { "XLSX" } " · " a href=(format!("/api/v1/reviews/{}?format=csv", d.period)) { "CSV" } }
        // The review is long: a table of contents first, and every section folds.
        nav.toc aria-label=(frame.t("review-contents-label")) {
            h2 { (frame.t("review-contents")) }
            ul {
                li { a href="#overview" { (frame.t("review-overview")) } }
                @for k in &d.kpis { li { a href=(format!("#kpi-{}", k.key)) { (k.priority) ". " (k.name) } } }
                @if d.churn.is_some() { li { a href="#churn" { (frame.t("review-churn")) } } }
                li { a href="#gaps" { (frame.t("review-gaps")) } }
                li { a href="#notes" { (frame.t("review-notes")) } }
                @if admin { li { a href="#rebalancing" { (frame.t("review-rebalancing")) } } }
            }
        }
        @if !v.differences.is_empty() {
            div.notice { (frame.t("review-corrected"))
                ul { @for x in &v.differences {
                    @let kpi = d.kpis.iter().find(|k| k.key == x.kpi);
                    @let unit = kpi.map_or("", |k| k.unit.as_str());
                    li { (kpi.map_or(x.kpi.as_str(), |k| k.name.as_str())) " · " (x.owner) ": " (tr!(locale, "review-difference", frozen = amount(&frame, unit, x.frozen), now = amount(&frame, unit, x.now))) }
                } } }
        }
        details.fold #overview open {
            summary { h2 { (frame.t("review-overview")) } }
            (charts::chart(&Chart {
                title: &tr!(locale, "review-chart", quarter = &label),
                note: Some(&frame.t("review-chart-note")),
                unit: Unit::new(Kind::Percent, frame.org.currency).in_locale(locale),
                columns: &d.kpis.iter().map(|k| Label::new(&k.name)).collect::<Vec<_>>(),
                series: &[Series::new(frame.t("review-credited-attainment"), d.kpis.iter().map(|k| k.company.as_ref().and_then(|c| c.quarter.credited)).collect())],
                mark: Mark::Bars,
                goal: Some(&Goal { name: frame.t("review-the-target"), values: vec![Some(1.0); d.kpis.len()] }),
            }))
        }
        @for k in &d.kpis {
            details.fold.card id=(format!("kpi-{}", k.key)) open {
                summary { h2 { (k.priority) ". " (k.name) } }
                @if let Some(p) = &k.partial { (super::warning(&tr!(locale, "review-partial", why = p))) }
                @if let Some(c) = &k.company {
                    p { (tr!(locale, "review-quarter-line", target = amount(&frame, &k.unit, Some(c.quarter.target as f64)), actual = amount(&frame, &k.unit, c.quarter.actual),
                            raw = pct(c.quarter.raw), credited = pct(c.quarter.credited), tolerance = locale.percent(k.tolerance, 0))) " " (attained(locale, &c.quarter))
                        ", " (tr!(locale, "review-variance", variance = amount(&frame, &k.unit, c.quarter.variance))) }
                    p { (tr!(locale, "review-ytd-line", actual = amount(&frame, &k.unit, c.ytd.actual), target = amount(&frame, &k.unit, Some(c.ytd.target as f64)), credited = pct(c.ytd.credited),
                            annual = amount(&frame, &k.unit, Some(k.annual_target as f64)), projected = amount(&frame, &k.unit, k.projected_year_end), pace = pct(k.pace)))
                        @if let Some(cov) = k.pipeline_coverage { " · " (tr!(locale, "review-coverage", coverage = locale.decimal(cov, 1))) } }
                }
                p { (tr!(locale, "review-best", best = k.best.join(", "), worst = k.worst.join(", "))) }
                div.scroll { table {
                    thead { tr { th { (frame.t("review-col-owner")) } th.num { (frame.t("review-col-target")) } th.num { (frame.t("review-col-actual")) } th.num { (frame.t("review-col-raw")) } th.num { (frame.t("review-col-credited")) } th { (frame.t("review-col-attained")) } th.num { (frame.t("review-col-ytd-credited")) } th { (frame.t("review-col-why")) } } }
                    tbody { @for o in k.teams.iter().chain(&k.reps) { tr {
                        td { (o.name) } td.num { (amount(&frame, &k.unit, Some(o.quarter.target as f64))) } td.num { (amount(&frame, &k.unit, o.quarter.actual)) }
                        td.num { (pct(o.quarter.raw)) } td.num { (pct(o.quarter.credited)) } td { (attained(locale, &o.quarter)) } td.num { (pct(o.ytd.credited)) }
                        td { small.muted.why { (pacer_app::plan::distinct_notes(o.quarter.notes.iter().chain(&o.ytd.notes))) } }
                    } } }
                } }
                @for n in v.notes.iter().filter(|n| matches!(&n.subject, NoteSubject::Kpi(key) if *key == k.key)) { div.notice { (frame.t("review-exception")) " " (n.text) " — " (n.author) } }
            }
        }
        @if let Some(c) = &d.churn {
            details.fold #churn open {
                summary { h2 { (frame.t("review-churn")) } }
                p { (tr!(locale, "review-churn-line", churn = pct(c.customer_churn), annualised = pct(c.annualised), band = band_words(locale, c.band.as_deref().unwrap_or_default()), nrr = pct(c.nrr))) }
            }
        }
        details.fold #gaps open {
            summary { h2 { (frame.t("review-gaps")) } }
            (super::dashboard::gaps(&frame, &d.gaps))
        }
        details.fold #notes open {
            summary { h2 { (frame.t("review-notes")) } }
            ul { @for (n, about) in v.notes.iter().zip(&subjects) { li { (about) ": " (n.text) " — " (n.author) ", " (moment(frame.locale, &n.at)) } } }
            @if role >= Role::Leader {
                form.row method="post" action=(format!("/reviews/{}/notes", d.period)) {
                    (frame.csrf_field())
                    label { (frame.t("review-about")) select name="about" {
                        option value="" { (frame.t("review-about-whole")) }
                        optgroup label=(frame.t("review-about-kpi")) { @for k in &d.kpis { option value=(k.key) { (k.name) } } }
                        optgroup label=(frame.t("review-about-rep")) { @for r in &reps { option value=(r.id) { (r.name) } } }
                    } }
                    label { (frame.t("review-note")) input name="text" size="60"; }
                    button type="submit" { (frame.t("review-add-note")) }
                }
                @if v.review.is_none() && admin {
                    form.row method="post" action=(format!("/reviews/{}/state", d.period)) {
                        (frame.csrf_field())
                        button type="submit" name="action" value="open" { (frame.t("review-open")) }
                    }
                }
                @if v.review.as_ref().is_some_and(|r| r.closed_at.is_none()) {
                    (confirm::disclosure(&frame, &frame.t("review-close-offer"), &close_action(locale, &d.period, &label)))
                }
            }
        }
        @if admin {
            details.fold #rebalancing open {
                summary { h2 { (frame.t("review-rebalancing")) } }
                form.row method="get" action=(format!("/reviews/{}#rebalancing", d.period)) {
                    label { (frame.t("review-kpi")) select name="kpi" { @for k in &d.kpis { option value=(k.key) selected[q.kpi.as_deref() == Some(k.key.as_str())] { (k.name) } } } }
                    label { (tr!(locale, "review-revised-annual", currency = frame.org.currency.to_string())) input name="annual" size="14"; }
                    button type="submit" { (frame.t("review-preview")) }
                }
                @if let Some(p) = &proposal {
                    @let unit = d.kpis.iter().find(|k| k.key == p.kpi).map_or("", |k| k.unit.as_str());
                    @let show = |x: i64| units(&frame, unit, x);
                    p.muted { (tr!(locale, "review-months-past", months = p.months_past.to_string())) }
                    div.scroll { table {
                        thead { tr { th { (frame.t("review-col-line")) } th { (frame.t("review-col-targets")) } @for m in 1..=12 { th.num { "M" (m) } } th.num { (frame.t("review-col-year")) } } }
                        tbody { @for l in &p.lines {
                            tr { td { (l.name) } td.muted { (frame.t("review-now")) } @for x in &l.before { td.num { (show(*x)) } } td.num { (show(l.before.iter().sum::<i64>())) } }
                            tr { td { } td { (frame.t("review-proposed")) } @for x in &l.after { td.num { (show(*x)) } } td.num { strong { (show(l.after.iter().sum::<i64>())) } } }
                        } }
                    } }
                    form.row method="post" action=(format!("/reviews/{}/rebalance", d.period)) {
                        (frame.csrf_field())
                        input type="hidden" name="kpi" value=(p.kpi);
                        input type="hidden" name="annual" value=(p.revised_annual.map(|a| typed(&frame, unit, a)).unwrap_or_default());
                        label { (frame.t("review-reason")) input name="reason" size="40" required; }
                        button type="submit" { (frame.t("review-apply")) }
                    }
                }
            }
        }
    };
    Ok(layout::page(&frame, &tr!(locale, "review-page-title", quarter = &label), body))
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
        .ok_or_else(|| ApiError::NotFound(tr!(frame.locale, "review-open-first", period = &period)))?;
    let subject = match filled(form.about) {
        None => NoteSubject::Review,
        Some(a) => match a.parse::<i64>() {
            Ok(rep) => NoteSubject::Rep(rep),
            Err(_) => NoteSubject::Kpi(a),
        },
    };
    state.store.add_note(review.id, &NewNote { subject, text: form.text }, &actor(&frame, None)).await?;
    Ok(redirect_with_notice(&format!("/reviews/{period}"), &frame.t("review-note-added")))
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
fn close_action<'a>(locale: Locale, period: &str, label: &str) -> confirm::Action<'a> {
    confirm::Action {
        to: format!("/reviews/{period}/state"),
        fields: vec![("action", "close".to_string())],
        button: tr!(locale, "review-close-button", quarter = label),
        consequence: tr!(locale, "review-close-consequence", quarter = label),
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
            let label = frame.locale.period(&reviews::quarter(&frame.org, &period, today())?);
            let action = close_action(frame.locale, &period, &label);
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
                .ok_or_else(|| ApiError::NotFound(tr!(frame.locale, "review-none", period = &period)))?;
            reviews::close(&ctx, review.id, &who).await?;
        }
        _ => return Err(ApiError::Forbidden.into()),
    }
    Ok(redirect_with_notice(&format!("/reviews/{period}"), &frame.t("review-done")))
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
        &tr!(
            frame.locale,
            "review-rebalanced",
            plan = &next.name,
            version = next.version.to_string(),
            status = status_words(frame.locale, next.status)
        ),
    ))
}

/// The review as a workbook in the reader's language (the page's download; the API's is English).
pub async fn download(
    State(state): State<AppState>,
    Extension(caller): Extension<Caller>,
    Path(period): Path<String>,
) -> PageResult<Response> {
    use axum::http::header;
    let frame = Frame::of(&state, &caller).await?;
    let ctx = frame.context(&state);
    let v = view(&ctx, &period, None).await?;
    let body = pacer_app::export::xlsx_in(&reviews::sheets(&v, frame.org.currency), frame.locale)
        .map_err(|e| ApiError::Internal(e.to_string()))?;
    let file = format!("attachment; filename=\"review-{}.xlsx\"", v.document.period);
    Ok((
        [
            (header::CONTENT_TYPE, pacer_app::plan_xlsx::XLSX_MEDIA_TYPE.to_string()),
            (header::CONTENT_DISPOSITION, file),
        ],
        body,
    )
        .into_response())
}
