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
use pacer_core::audit::Actor;
use pacer_core::catalog::{CaptureMethod, KpiEdit};
use pacer_core::readiness::DayOne;
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
        h1 { "Metric catalog" }
        @match &current {
            None => { div.card { p { "No catalog has been applied yet." } } }
            Some((version, catalog)) => {
                p.muted {
                    "Version " (version.version) ", applied " (moment(frame.locale, &version.applied_at)) " by " (version.applied_by) ". "
                    a href="/readiness" { "Readiness report" } " · " a href="/api/v1/catalog/toml" { "Download metrics.toml" }
                }
                div.card.scroll { table {
                    thead { tr { th.num { "#" } th { "KPI" } th { "Category" } th { "Unit" } th { "Owner" } th { "Capture" } th { "Tracked since" } } }
                    tbody { @for k in catalog.by_priority() { tr {
                        td.num { (k.priority.get_ref()) }
                        td { strong { (k.name) } @if admin { br; code title="The key in metrics.toml and the API" { (k.key()) } } @if !k.description.is_empty() { br; span.muted { (k.description) } } }
                        td { (format!("{:?}", k.category).to_lowercase()) }
                        td { (format!("{:?}", k.unit).to_lowercase()) " " span.muted { "(" (k.direction) " is better)" } }
                        td { (k.owner) }
                        td { (method_name(k.capture.method))
                             @if let Some(s) = &k.capture.source { ": " (s) }
                             @if let Some(p) = &k.capture.process { ": " (p) }
                             @if let Some(r) = k.capture.ready_by { br; span.muted { "ready by " (r.0) ", " (k.capture.setup_days.unwrap_or(0)) " days of setup" } }
                             @if !k.capture.alternatives.is_empty() { br; span.muted { "instead: " (k.capture.alternatives.iter().map(|a| catalog.kpi_name(a.get_ref())).collect::<Vec<_>>().join(", ")) } } }
                        td { (k.tracked_since.map(|d| d.0.to_string()).unwrap_or_default()) }
                    } } }
                } }
                @if admin {
                    div.card {
                        h2 { "Edit a KPI" }
                        p.muted { "Changes are checked like a file and applied as a new version, kept in the audit log." }
                        @for k in catalog.by_priority() {
                            details {
                                summary { (k.priority.get_ref()) ". " (k.name) }
                                form.row method="post" action=(format!("/catalog/kpis/{}", k.key())) {
                                    (frame.csrf_field())
                                    label { "Priority" input type="number" name="priority" min="1" value=(k.priority.get_ref()) required; }
                                    label { "Owner" input name="owner" value=(k.owner) required; }
                                    label { "Capture" select name="capture_method" {
                                        @for m in [CaptureMethod::Automatic, CaptureMethod::Manual, CaptureMethod::Planned, CaptureMethod::Unavailable] {
                                            option value=(method_name(m)) selected[m == k.capture.method] { (method_name(m)) }
                                        }
                                    } }
                                    label { "Source / process" input name="capture_text" value=(k.capture.source.clone().or(k.capture.process.clone()).unwrap_or_default()); }
                                    label { "Setup days" input type="number" name="setup_days" min="0" value=(k.capture.setup_days.map(|d| d.to_string()).unwrap_or_default()); }
                                    label { "Ready by" input type="date" name="ready_by" value=(k.capture.ready_by.map(|d| d.0.to_string()).unwrap_or_default()); }
                                    label { "Alternatives (KPI names, comma-separated)" input name="alternatives" value=(k.capture.alternatives.iter().map(|a| catalog.kpi_name(a.get_ref())).collect::<Vec<_>>().join(", ")); }
                                    label { "Description" input name="description" value=(k.description) size="40"; }
                                    label { "Reason (audit log)" input name="reason"; }
                                    button type="submit" { "Save" }
                                }
                            }
                        }
                    }
                }
            }
        }
        @if admin {
            div.card {
                h2 { "Apply a catalog file" }
                form.stack method="post" action="/catalog" {
                    (frame.csrf_field())
                    label { "metrics.toml" textarea name="toml" rows="12" required placeholder="Paste the catalog here (see docs/metrics.md)" {} }
                    label { "Reason (audit log)" input name="reason"; }
                    label { input type="checkbox" name="force" value="true"; " Apply even if it defines no KPI (this removes every KPI)" }
                    button type="submit" { "Check and apply" }
                }
            }
        }
        @if !versions.is_empty() {
            div.card.scroll {
                h2 { "Versions" }
                table {
                    thead { tr { th.num { "Version" } th { "Applied" } th { "By" } th { "Why" } th { "Changes to metrics.toml" } } }
                    tbody { @for v in &versions { tr {
                        td.num { (v.version) } td { (moment(frame.locale, &v.applied_at)) } td { (v.applied_by) } td { (v.reason.as_deref().unwrap_or("")) }
                        td { @for line in &v.diff { code { (line) } br; } }
                    } } }
                }
            }
        }
    };
    Ok(layout::page(&frame, "Metric catalog", body))
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
        h1 { "The catalog was not applied" }
        div.error { (message) }
        div.card { ul { @for d in &details {
            li { code { (d["file"].as_str().unwrap_or("")) ":" (d["line"]) ":" (d["column"]) } " " (d["severity"].as_str().unwrap_or("")) ": " (d["message"].as_str().or(d["reason"].as_str()).unwrap_or("")) }
        } } }
        p { a href="/catalog" { "Back to the catalog" } }
    };
    Ok((axum::http::StatusCode::UNPROCESSABLE_ENTITY, layout::page(frame, "Catalog not applied", body)).into_response())
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
            &format!("Applied version {}: {}", applied.version, applied.diff.join("; ")),
        )),
        Ok(applied) => {
            Ok(redirect_with_notice("/catalog", &format!("Unchanged: version {} means the same.", applied.version)))
        }
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
    let method: CaptureMethod = toml_enum(&form.capture_method)?;
    let text = filled(form.capture_text);
    let edit = KpiEdit {
        priority: Some(form.priority),
        owner: Some(form.owner),
        description: Some(form.description.unwrap_or_default()),
        capture_method: Some(method),
        capture_source: text.clone(),
        capture_process: text,
        setup_days: filled(form.setup_days)
            .map(|d| d.parse().map_err(|_| ApiError::invalid(format!("setup days {d:?} is not a number"))))
            .transpose()?,
        ready_by: filled(form.ready_by)
            .map(|d| d.parse().map_err(|_| ApiError::invalid(format!("ready by {d:?} is not a date"))))
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
            &format!("Saved as version {}: {}", applied.version, applied.diff.join("; ")),
        )),
        Ok(_) => Ok(redirect_with_notice("/catalog", "Nothing changed.")),
        Err(e) => problems_page(&frame, e),
    }
}

fn toml_enum<T: serde::de::DeserializeOwned>(text: &str) -> Result<T, ApiError> {
    T::deserialize(serde::de::value::StrDeserializer::<serde::de::value::Error>::new(text))
        .map_err(|_| ApiError::invalid(format!("{text:?} is not one of automatic, manual, planned, unavailable")))
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
    let body = html! {
        h1 { "KPI readiness: FY" (fy) }
        p {
            a href=(format!("/readiness?fy={}", fy - 1)) { "← FY" (fy - 1) } " · " a href=(format!("/readiness?fy={}", fy + 1)) { "FY" (fy + 1) " →" }
            " · " span.muted { "Completeness of manual capture over the last " (days) " working days." }
        }
        div.card.scroll { table {
            thead { tr { th.num { "#" } th { "KPI" } th { "Day one?" } th { "Capture" } th { "Data arriving" } th { "Completeness" } th { "Coverage of FY" (fy) } th { "Setup left" } th { "Instead" } } }
            tbody { @for r in &rows { tr {
                td.num { (r.priority) }
                td { strong { (r.name) } br; span.muted { (r.owner) } }
                td { (day_one(r.day_one)) @if let Some(note) = &r.note { br; span.muted { (note) } } }
                td { (r.capture) }
                td { (arriving(r)) }
                td { @if let Some(c) = &r.completeness {
                    (c.share.map(|s| format!("{:.0}%", s * 100.0)).unwrap_or_else(|| "—".into())) " (" (c.logged) " of " (c.active_reps) ")"
                    @if !c.missing.is_empty() {
                        br; span.muted { "not logging: "
                            @if show_names { (c.missing.iter().map(|id| names.get(id).cloned().unwrap_or_else(|| format!("#{id}"))).collect::<Vec<_>>().join(", ")) }
                            @else { (c.missing.len()) " reps" } }
                    }
                } }
                td { @if r.coverage.is_partial() { span.bad { (r.coverage.label()) } } @else { (r.coverage.label()) } }
                td { (r.setup_days.map(|d| format!("{d} days")).unwrap_or_default()) @if let Some(rb) = r.ready_by { br; span.muted { "ready by " (rb) } } }
                td { (r.alternatives.iter().map(|a| kpi_name(a)).collect::<Vec<_>>().join(", ")) }
            } } }
        } }
    };
    Ok(layout::page(&frame, "Readiness", body))
}

/// Whether a KPI can be tracked on day one, as a badge.
pub(crate) fn day_one(d: DayOne) -> Markup {
    match d {
        DayOne::Yes => html! { span.badge.on { "yes" } },
        DayOne::WithSetup => html! { span.badge { "with setup" } },
        DayOne::No => html! { span.badge.off { "no" } },
    }
}

/// Whether a KPI's data is arriving: the last day with data, or how long it has been silent.
pub(crate) fn arriving(r: &pacer_core::readiness::ReadinessRow) -> Markup {
    match (r.last_data, r.arriving) {
        (Some(d), true) => html! { "yes, last " time datetime=(d) { (d) } },
        (Some(d), false) => html! { span.badge.off { "silent" } " since " time datetime=(d) { (d) } },
        (None, _) => html! { span.muted { "no data" } },
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
    let body = html! {
        h1 { "Logging" }
        p.muted { "\"If it is not in the system, it did not happen.\" Manual KPIs over the last 5 working days." }
        div.card.scroll { table {
            thead { tr { th { "Manual KPI" } th.num { "Logged" } th.num { "Completeness" } th { "Not logging" } } }
            tbody { @for (name, c) in &lines { tr {
                td { (name) } td.num { (c.logged) " of " (c.active_reps) }
                td.num { (c.share.map(|s| format!("{:.0}%", s * 100.0)).unwrap_or_default()) }
                // The use case names only the reps one may see; the others are counted.
                td { (c.missing.iter().map(|id| names.get(id).cloned().unwrap_or_default()).collect::<Vec<_>>().join(", "))
                     @let hidden = (c.active_reps - c.logged).saturating_sub(c.missing.len());
                     @if hidden > 0 { " " span.muted { "(+" (hidden) " in other teams)" } } }
            } } }
        } }
        h2 { "Logging contest, " (from) " to " (to) }
        div.card.scroll { table {
            thead { tr { th.num { "Rank" } th { "Rep" } th.num { "Activities logged by hand" } } }
            tbody { @for s in standings.iter().take(50) { tr { td.num { (s.rank) } td { (s.name) } td.num { (s.value) } } } }
        } }
    };
    Ok(layout::page(&frame, "Logging", body))
}
