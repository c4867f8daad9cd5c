//! The metric catalog and readiness pages.

use super::layout::{self, Frame};
use super::{Notice, PageForm, PageQuery, PageResult, filled, moment, notice, redirect_with_notice};
use crate::AppState;
use crate::api::catalog::{ReadinessQuery, apply_text, readiness_rows};
use crate::auth::Caller;
use crate::error::ApiError;
use axum::extract::{Extension, Path, State};
use axum::response::Response;
use maud::{Markup, html};
use pacer_core::access::Role;
use pacer_core::attainment::Direction;
use pacer_core::audit::Actor;
use pacer_core::catalog::{CaptureMethod, Category, KpiEdit, Unit};
use pacer_core::readiness::{DayOne, ReadinessRow};
use pacer_i18n::{Locale, tr};
use pacer_storage::RepFilter;
use serde::Deserialize;
use std::collections::HashMap;

fn method_name(m: CaptureMethod) -> &'static str {
    match m {
        CaptureMethod::Automatic => "automatic",
        CaptureMethod::Manual => "manual",
        CaptureMethod::Planned => "planned",
        CaptureMethod::Unavailable => "unavailable",
    }
}

/// A capture method in words (its value in metrics.toml is [`method_name`]).
pub fn method_words(locale: Locale, m: CaptureMethod) -> String {
    locale.t(match m {
        CaptureMethod::Automatic => "catalog-method-automatic",
        CaptureMethod::Manual => "catalog-method-manual",
        CaptureMethod::Planned => "catalog-method-planned",
        CaptureMethod::Unavailable => "catalog-method-unavailable",
    })
}

/// A KPI's category in the reader's words.
pub fn category_words(locale: Locale, c: Category) -> String {
    locale.t(match c {
        Category::Activity => "catalog-category-activity",
        Category::Pipeline => "catalog-category-pipeline",
        Category::Revenue => "catalog-category-revenue",
        Category::Retention => "catalog-category-retention",
        Category::Expansion => "catalog-category-expansion",
        Category::Other => "catalog-category-other",
    })
}

/// A KPI's unit in the reader's words.
pub fn unit_words(locale: Locale, u: Unit) -> String {
    locale.t(match u {
        Unit::Count => "catalog-unit-count",
        Unit::Currency => "catalog-unit-currency",
        Unit::Percent => "catalog-unit-percent",
        Unit::Duration => "catalog-unit-duration",
    })
}

fn direction_arg(d: Direction) -> &'static str {
    match d {
        Direction::HigherIsBetter => "higher",
        Direction::LowerIsBetter => "lower",
    }
}

/// The KPIs in force, by priority; admins edit them and apply new catalogs.
pub async fn page(
    State(state): State<AppState>,
    Extension(caller): Extension<Caller>,
    PageQuery(n): PageQuery<Notice>,
) -> PageResult<Markup> {
    let frame = Frame::of(&state, &caller).await?;
    let current = pacer_app::catalog::current_catalog(state.store.as_ref()).await?;
    let versions = state.store.catalog_versions().await?;
    let admin = frame.role() == Role::Admin;
    let body = html! {
        (notice(&n))
        h1 { (frame.t("catalog-title")) }
        @match &current {
            None => { div.card { p { (frame.t("catalog-none")) } } }
            Some((version, catalog)) => {
                p.muted {
                    (maud::PreEscaped(tr!(frame.locale, "catalog-version", version = version.version.to_string(), at = moment(frame.locale, &version.applied_at).into_string(), by = maud::html!((version.applied_by)).into_string()))) " "
                    a href="/readiness" { (frame.t("catalog-readiness-link")) } " · " a href="/api/v1/catalog/toml" { (frame.t("catalog-download")) }
                }
                div.card.scroll { table {
                    thead { tr { th.num { "#" } th { (frame.t("catalog-kpi")) } th { (frame.t("catalog-category")) } th { (frame.t("catalog-unit")) } th { (frame.t("catalog-owner")) } th { (frame.t("catalog-capture")) } th { (frame.t("catalog-tracked-since")) } } }
                    tbody { @for k in catalog.by_priority() { tr {
                        td.num { (k.priority.get_ref()) }
                        td { strong { (k.name) } @if admin { br; code title=(frame.t("catalog-key-title")) { (k.key()) } } @if !k.description.is_empty() { br; span.muted { (k.description) } } }
                        td { (category_words(frame.locale, k.category)) }
                        td { (unit_words(frame.locale, k.unit)) " " span.muted { (tr!(frame.locale, "catalog-better", direction = direction_arg(k.direction))) } }
                        td { (k.owner) }
                        td { (method_words(frame.locale, k.capture.method))
                             @if let Some(s) = &k.capture.source { ": " (s) }
                             @if let Some(p) = &k.capture.process { ": " (p) }
                             @if let Some(r) = k.capture.ready_by {
                                 @let days = k.capture.setup_days.unwrap_or(0);
                                 br; span.muted { (tr!(frame.locale, "catalog-ready-by", day = frame.locale.date(r.0), days = days, days_shown = frame.locale.count(days.into()))) }
                             }
                             @if !k.capture.alternatives.is_empty() { br; span.muted { (tr!(frame.locale, "catalog-instead", kpis = k.capture.alternatives.iter().map(|a| catalog.kpi_name(a.get_ref())).collect::<Vec<_>>().join(", "))) } } }
                        td { @if let Some(d) = k.tracked_since { time datetime=(d.0) { (frame.locale.date(d.0)) } } }
                    } } }
                } }
                @if admin {
                    div.card {
                        h2 { (frame.t("catalog-edit")) }
                        p.muted { (frame.t("catalog-edit-help")) }
                        @for k in catalog.by_priority() {
                            details {
                                summary { (k.priority.get_ref()) ". " (k.name) }
                                form.row method="post" action=(format!("/catalog/kpis/{}", k.key())) {
                                    (frame.csrf_field())
                                    label { (frame.t("catalog-priority")) input type="number" name="priority" min="1" value=(k.priority.get_ref()) required; }
                                    label { (frame.t("catalog-owner")) input name="owner" value=(k.owner) required; }
                                    label { (frame.t("catalog-capture")) select name="capture_method" {
                                        @for m in [CaptureMethod::Automatic, CaptureMethod::Manual, CaptureMethod::Planned, CaptureMethod::Unavailable] {
                                            option value=(method_name(m)) selected[m == k.capture.method] { (method_words(frame.locale, m)) }
                                        }
                                    } }
                                    label { (frame.t("catalog-source")) input name="capture_text" value=(k.capture.source.clone().or(k.capture.process.clone()).unwrap_or_default()); }
                                    label { (frame.t("catalog-setup-days")) input type="number" name="setup_days" min="0" value=(k.capture.setup_days.map(|d| d.to_string()).unwrap_or_default()); }
                                    label { (frame.t("catalog-ready-by-label")) input type="date" name="ready_by" value=(k.capture.ready_by.map(|d| d.0.to_string()).unwrap_or_default()); }
                                    label { (frame.t("catalog-alternatives")) input name="alternatives" value=(k.capture.alternatives.iter().map(|a| catalog.kpi_name(a.get_ref())).collect::<Vec<_>>().join(", ")); }
                                    label { (frame.t("catalog-description")) input name="description" value=(k.description) size="40"; }
                                    label { (frame.t("audit-reason")) input name="reason"; }
                                    button type="submit" { (frame.t("save")) }
                                }
                            }
                        }
                    }
                }
            }
        }
        @if admin {
            div.card {
                h2 { (frame.t("catalog-apply-file")) }
                form.stack method="post" action="/catalog" {
                    (frame.csrf_field())
                    label { "metrics.toml" textarea name="toml" rows="12" required placeholder=(frame.t("catalog-paste")) {} }
                    label { (frame.t("audit-reason")) input name="reason"; }
                    label { input type="checkbox" name="force" value="true"; " " (frame.t("catalog-force")) }
                    button type="submit" { (frame.t("catalog-check-apply")) }
                }
            }
        }
        @if !versions.is_empty() {
            div.card.scroll {
                h2 { (frame.t("catalog-versions")) }
                table {
                    thead { tr { th.num { "Version" } th { (frame.t("catalog-applied")) } th { (frame.t("catalog-by")) } th { (frame.t("catalog-why")) } th { (frame.t("catalog-changes")) } } }
                    tbody { @for v in &versions { tr {
                        td.num { (v.version) } td { (moment(frame.locale, &v.applied_at)) } td { (v.applied_by) } td { (v.reason.as_deref().unwrap_or("")) }
                        td { @for line in &v.diff { code { (line) } br; } }
                    } } }
                }
            }
        }
    };
    Ok(layout::page(&frame, &frame.t("catalog-title"), body))
}

/// The apply form.
#[derive(Deserialize)]
pub struct ApplyForm {
    toml: String,
    reason: Option<String>,
    /// The "apply even without KPIs" checkbox, sent only when ticked.
    force: Option<String>,
}

fn problems_page(frame: &Frame, e: ApiError) -> PageResult<Response> {
    use axum::response::IntoResponse;
    let ApiError::Unprocessable { message, details } = e else { return Err(e.into()) };
    let body = html! {
        h1 { (frame.t("catalog-not-applied")) }
        div.error { (message) }
        div.card { ul { @for d in &details {
            li { code { (d["file"].as_str().unwrap_or("")) ":" (d["line"]) ":" (d["column"]) } " " (d["severity"].as_str().unwrap_or("")) ": " (d["message"].as_str().or(d["reason"].as_str()).unwrap_or("")) }
        } } }
        p { a href="/catalog" { (frame.t("catalog-back")) } }
    };
    let title = frame.t("catalog-not-applied.title");
    Ok((axum::http::StatusCode::UNPROCESSABLE_ENTITY, layout::page(frame, &title, body)).into_response())
}

/// Applies a pasted catalog.
pub async fn apply(
    State(state): State<AppState>,
    Extension(caller): Extension<Caller>,
    PageForm(form): PageForm<ApplyForm>,
) -> PageResult<Response> {
    let frame = Frame::of(&state, &caller).await?;
    let ctx = frame.context(&state);
    let who = Actor::named(frame.principal.actor_name()).because(filled(form.reason));
    match apply_text(&ctx, "metrics.toml", &form.toml, &who, form.force.is_some()).await {
        Ok(applied) if applied.changed => Ok(redirect_with_notice(
            "/catalog",
            &tr!(
                frame.locale,
                "catalog-applied-version",
                version = applied.version.to_string(),
                diff = applied.diff.join("; ")
            ),
        )),
        Ok(applied) => Ok(redirect_with_notice(
            "/catalog",
            &tr!(frame.locale, "catalog-unchanged", version = applied.version.to_string()),
        )),
        Err(e) => problems_page(&frame, e),
    }
}

/// The edit form of one KPI.
#[derive(Deserialize)]
pub struct EditForm {
    priority: u32,
    owner: String,
    capture_method: String,
    capture_text: Option<String>,
    setup_days: Option<String>,
    ready_by: Option<String>,
    alternatives: Option<String>,
    description: Option<String>,
    reason: Option<String>,
}

/// Edits a KPI: checked and applied as a new catalog version.
pub async fn edit(
    State(state): State<AppState>,
    Extension(caller): Extension<Caller>,
    Path(key): Path<String>,
    PageForm(form): PageForm<EditForm>,
) -> PageResult<Response> {
    let frame = Frame::of(&state, &caller).await?;
    let ctx = frame.context(&state);
    let (_, catalog) = crate::api::catalog::require_catalog(&state).await?;
    let method: CaptureMethod = toml_enum(frame.locale, &form.capture_method)?;
    let text = filled(form.capture_text);
    let edit = KpiEdit {
        priority: Some(form.priority),
        owner: Some(form.owner),
        description: Some(form.description.unwrap_or_default()),
        capture_method: Some(method),
        capture_source: text.clone(),
        capture_process: text,
        setup_days: filled(form.setup_days)
            .map(|d| {
                d.parse().map_err(|_| {
                    ApiError::invalid(tr!(frame.locale, "catalog-setup-days-not-number", value = format!("{d:?}")))
                })
            })
            .transpose()?,
        ready_by: filled(form.ready_by)
            .map(|d| {
                d.parse().map_err(|_| {
                    ApiError::invalid(tr!(frame.locale, "catalog-ready-by-not-date", value = format!("{d:?}")))
                })
            })
            .transpose()?,
        // Named as people know them; a key is read too, and anything else is left for the check to refuse.
        alternatives: filled(form.alternatives).map(|a| {
            a.split(',')
                .map(str::trim)
                .map(|s| {
                    catalog.kpis.iter().find(|k| k.name.eq_ignore_ascii_case(s)).map_or(s, |k| k.key()).to_string()
                })
                .collect()
        }),
    };
    let new = catalog.with_kpi_edit(&key, &edit).map_err(ApiError::invalid)?.to_toml().map_err(ApiError::Internal)?;
    let who = Actor::named(frame.principal.actor_name()).because(filled(form.reason));
    match apply_text(&ctx, "metrics.toml", &new, &who, false).await {
        Ok(applied) if applied.changed => Ok(redirect_with_notice(
            "/catalog",
            &tr!(
                frame.locale,
                "catalog-saved-version",
                version = applied.version.to_string(),
                diff = applied.diff.join("; ")
            ),
        )),
        Ok(_) => Ok(redirect_with_notice("/catalog", &frame.t("catalog-nothing-changed"))),
        Err(e) => problems_page(&frame, e),
    }
}

fn toml_enum<T: serde::de::DeserializeOwned>(locale: Locale, text: &str) -> Result<T, ApiError> {
    T::deserialize(serde::de::value::StrDeserializer::<serde::de::value::Error>::new(text))
        .map_err(|_| ApiError::invalid(tr!(locale, "catalog-method-unknown", value = format!("{text:?}"))))
}

/// The readiness report page.
pub async fn readiness(
    State(state): State<AppState>,
    Extension(caller): Extension<Caller>,
    PageQuery(q): PageQuery<ReadinessQuery>,
) -> PageResult<Markup> {
    let frame = Frame::of(&state, &caller).await?;
    let ctx = frame.context(&state);
    let (fy, rows) = readiness_rows(&ctx, &q).await?;
    let catalog = ctx.catalog_if_any().await?;
    let kpi_name = |key: &str| catalog.map_or(key.to_owned(), |c| c.kpi_name(key).to_owned());
    let names: HashMap<i64, String> = state
        .store
        .reps(&RepFilter::default(), crate::api::today())
        .await?
        .into_iter()
        .map(|r| (r.id, r.name))
        .collect();
    let show_names = frame.role() >= Role::Manager;
    let days = q.days.unwrap_or(5);
    let locale = frame.locale;
    let year = |fy: i32| tr!(locale, "period-year", fy = fy.to_string());
    let body = html! {
        h1 { (tr!(locale, "readiness-heading", fy = year(fy))) }
        p {
            a href=(format!("/readiness?fy={}", fy - 1)) { "← " (year(fy - 1)) } " · " a href=(format!("/readiness?fy={}", fy + 1)) { (year(fy + 1)) " →" }
            " · " span.muted { (tr!(locale, "readiness-window", days = days, days_shown = locale.count(days.into()))) }
        }
        div.card.scroll { table {
            thead { tr { th.num { "#" } th { (frame.t("catalog-kpi")) } th { (frame.t("readiness-day-one")) } th { (frame.t("catalog-capture")) } th { (frame.t("readiness-arriving")) } th { (frame.t("readiness-completeness")) } th { (tr!(locale, "readiness-coverage", fy = year(fy))) } th { (frame.t("readiness-setup-left")) } th { (frame.t("readiness-instead")) } } }
            tbody { @for r in &rows { tr {
                td.num { (r.priority) }
                td { strong { (r.name) } br; span.muted { (r.owner) } }
                td { (day_one_in(locale, r.day_one)) @if let Some(note) = &r.note { br; span.muted { (locale.readiness_note(note)) } } }
                td { (locale.capture(r)) }
                td { (arriving_in(locale, r)) }
                td { @if let Some(c) = &r.completeness {
                    (c.share.map(|s| locale.percent(s, 0)).unwrap_or_else(|| "—".into())) " ("
                    (tr!(locale, "readiness-of", logged = locale.count(c.logged as i64), active = locale.count(c.active_reps as i64))) ")"
                    @if !c.missing.is_empty() {
                        br; span.muted { (frame.t("readiness-not-logging")) " "
                            @if show_names { (c.missing.iter().map(|id| names.get(id).cloned().unwrap_or_else(|| format!("#{id}"))).collect::<Vec<_>>().join(", ")) }
                            @else { (tr!(locale, "readiness-reps", count = c.missing.len(), shown = locale.count(c.missing.len() as i64))) } }
                    }
                } }
                td { @if r.coverage.is_partial() { span.bad { (locale.coverage(&r.coverage)) } } @else { (locale.coverage(&r.coverage)) } }
                td { (r.setup_days.map(|d| tr!(locale, "readiness-days", count = d, shown = locale.count(d.into()))).unwrap_or_default())
                     @if let Some(rb) = r.ready_by { br; span.muted { (tr!(locale, "readiness-ready-by", day = locale.date(rb))) } } }
                td { (r.alternatives.iter().map(|a| kpi_name(a)).collect::<Vec<_>>().join(", ")) }
            } } }
        } }
    };
    Ok(layout::page(&frame, &frame.t("readiness-title"), body))
}

/// Whether a KPI can be tracked on day one, as a badge, in the reader's language.
pub(crate) fn day_one_in(locale: Locale, d: DayOne) -> Markup {
    match d {
        DayOne::Yes => html! { span.badge.on { (locale.t("readiness-yes")) } },
        DayOne::WithSetup => html! { span.badge { (locale.t("readiness-with-setup")) } },
        DayOne::No => html! { span.badge.off { (locale.t("readiness-no")) } },
    }
}

/// Whether a KPI's data is arriving: the last day with data, or how long it has been silent.
pub(crate) fn arriving_in(locale: Locale, r: &ReadinessRow) -> Markup {
    match (r.last_data, r.arriving) {
        (Some(d), true) => html! { (locale.t("readiness-last")) " " time datetime=(d) { (locale.date(d)) } },
        (Some(d), false) => {
            html! { span.badge.off { (locale.t("readiness-silent")) } " " (locale.t("readiness-since")) " " time datetime=(d) { (locale.date(d)) } }
        }
        (None, _) => html! { span.muted { (locale.t("readiness-no-data")) } },
    }
}

/// The completeness and logging-contest page: who keeps logging.
pub async fn completeness(
    State(state): State<AppState>,
    Extension(caller): Extension<Caller>,
    PageQuery(q): PageQuery<crate::api::catalog::RangeQuery>,
) -> PageResult<Markup> {
    let frame = Frame::of(&state, &caller).await?;
    let ctx = frame.context(&state);
    let (_, catalog) = crate::api::catalog::require_catalog(&state).await?;
    let today = crate::api::today();
    let to = q.to.unwrap_or(today);
    let from = q.from.unwrap_or(to - chrono::Days::new(30));
    let reps = state.store.reps(&RepFilter::default(), today).await?;
    let names: HashMap<i64, String> = reps.iter().map(|r| (r.id, r.name.clone())).collect();
    let mut lines = Vec::new();
    for kpi in catalog.by_priority().into_iter().filter(|k| k.capture.method == CaptureMethod::Manual) {
        let types: Vec<String> = kpi.definition.types.iter().map(|t| t.get_ref().clone()).collect();
        lines.push((kpi.name.clone(), pacer_app::readiness::kpi_completeness(&ctx, &types, today, 5).await?));
    }
    let standings = pacer_app::logging::logging_contest(&ctx, from, to).await?;
    let locale = frame.locale;
    let body = html! {
        h1 { (frame.t("logging-title")) }
        p.muted { (frame.t("logging-intro")) }
        div.card.scroll { table {
            thead { tr { th { (frame.t("logging-manual-kpi")) } th.num { (frame.t("logging-logged")) } th.num { (frame.t("readiness-completeness")) } th { (frame.t("logging-not-logging")) } } }
            tbody { @for (name, c) in &lines { tr {
                td { (name) } td.num { (tr!(locale, "readiness-of", logged = locale.count(c.logged as i64), active = locale.count(c.active_reps as i64))) }
                td.num { (c.share.map(|s| locale.percent(s, 0)).unwrap_or_default()) }
                // The use case names only the reps one may see; the others are counted.
                td { (c.missing.iter().map(|id| names.get(id).cloned().unwrap_or_default()).collect::<Vec<_>>().join(", "))
                     @let hidden = (c.active_reps - c.logged).saturating_sub(c.missing.len());
                     @if hidden > 0 { " " span.muted { (tr!(locale, "logging-other-teams", count = locale.count(hidden as i64))) } } }
            } } }
        } }
        h2 { (tr!(locale, "logging-contest", from = locale.date(from), to = locale.date(to))) }
        div.card.scroll { table {
            thead { tr { th.num { (frame.t("logging-rank")) } th { (frame.t("logging-rep")) } th.num { (frame.t("logging-by-hand")) } } }
            tbody { @for s in standings.iter().take(50) { tr { td.num { (s.rank) } td { (s.name) } td.num { (s.value) } } } }
        } }
    };
    Ok(layout::page(&frame, &frame.t("logging-title"), body))
}
