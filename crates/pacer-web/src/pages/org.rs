//! The organisation pages: teams and reps, their history, the admin forms,
//! and the quick-log form on a rep's page.

use super::layout::{self, Frame};
use super::{Notice, PageForm, PageQuery, PageResult, filled, key_words, notice, redirect_with_notice};
use crate::AppState;
use crate::api::org::{visible_rep, visible_team};
use crate::api::{Viewer, today};
use crate::auth::Caller;
use crate::error::ApiError;
use axum::extract::{Extension, Path, State};
use axum::response::Response;
use chrono::{NaiveDate, NaiveDateTime, NaiveTime};
use maud::{Markup, html};
use pacer_core::access::Role;
use pacer_core::audit::Actor;
use pacer_core::catalog::FieldKind;
use pacer_core::org::{NewRep, NewTeam, Rep, RepUpdate, Team, TeamUpdate};
use pacer_i18n::{Locale, tr};
use pacer_storage::RepFilter;
use serde::Deserialize;

fn actor(frame: &Frame, reason: Option<String>) -> Actor {
    Actor::named(frame.principal.actor_name()).because(reason)
}

fn parse_date(field: &str, value: &str) -> Result<NaiveDate, ApiError> {
    value.trim().parse().map_err(|_| ApiError::invalid(format!("{field}: {value:?} is not a date (use YYYY-MM-DD)")))
}

fn parse_opt_date(field: &str, value: Option<String>) -> Result<Option<NaiveDate>, ApiError> {
    filled(value).map(|v| parse_date(field, &v)).transpose()
}

fn parse_opt_id(field: &str, value: Option<String>) -> Result<Option<i64>, ApiError> {
    filled(value).map(|v| v.parse().map_err(|_| ApiError::invalid(format!("{field}: {v:?} is not an id")))).transpose()
}

fn team_name(teams: &[Team], id: Option<i64>) -> String {
    id.and_then(|id| teams.iter().find(|t| t.id == id)).map(|t| t.name.clone()).unwrap_or_else(|| "—".into())
}

/// A person's status badge: in post, or gone.
fn status_badge(locale: Locale, active: bool) -> Markup {
    html! { @if active { span.badge.on { (locale.t("org-active")) } } @else { span.badge.off { (locale.t("org-inactive")) } } }
}

/// A team's status badge (the word agrees with "team" where the language wants it).
fn team_badge(locale: Locale, active: bool) -> Markup {
    html! { @if active { span.badge.on { (locale.t("org-team-active")) } } @else { span.badge.off { (locale.t("org-team-inactive")) } } }
}

fn team_tree(locale: Locale, teams: &[Team], parent: Option<i64>, visible: &dyn Fn(i64) -> bool) -> Markup {
    html! { ul.tree { (team_items(locale, teams, parent, visible)) } }
}

/// The items of the teams under `parent`; a team the viewer may not see is
/// skipped, its visible sub-teams shown at its level.
fn team_items(locale: Locale, teams: &[Team], parent: Option<i64>, visible: &dyn Fn(i64) -> bool) -> Markup {
    html! {
        @for t in teams.iter().filter(|t| t.parent_id == parent) {
            @if visible(t.id) {
                li {
                    a href=(format!("/teams/{}", t.id)) { (t.name) }
                    @if let Some(r) = &t.region { " " span.muted { "(" (r) ")" } }
                    @if !t.active { " " (team_badge(locale, false)) }
                    @if teams.iter().any(|c| c.parent_id == Some(t.id)) { (team_tree(locale, teams, Some(t.id), visible)) }
                }
            } @else {
                (team_items(locale, teams, Some(t.id), visible))
            }
        }
    }
}

fn reps_table(locale: Locale, reps: &[Rep], teams: &[Team]) -> Markup {
    let today = today();
    html! {
        div.scroll { table {
            thead { tr { th { (locale.t("org-name")) } th { (locale.t("org-title")) } th { (locale.t("org-team")) } th { (locale.t("org-hired")) } th { (locale.t("org-status")) } } }
            tbody { @for r in reps { tr {
                td { a href=(format!("/reps/{}", r.id)) { (r.name) } }
                td { (r.title.as_deref().unwrap_or("")) }
                td { (team_name(teams, r.team_id)) }
                td { (locale.date(r.hire_date)) }
                td { @if r.is_active_on(today) { (status_badge(locale, true)) } @else {
                    span.badge.off { (tr!(locale, "org-left-on", day = r.leave_date.map(|d| locale.date(d)).unwrap_or_default())) } } }
            } } }
        } }
    }
}

fn team_options(teams: &[Team], selected: Option<i64>, none_label: &str) -> Markup {
    html! {
        option value="" { (none_label) }
        @for t in teams.iter().filter(|t| t.active) {
            option value=(t.id) selected[selected == Some(t.id)] { (t.name) }
        }
    }
}

fn rep_options(locale: Locale, reps: &[Rep], selected: Option<i64>) -> Markup {
    html! {
        option value="" { (locale.t("org-option-none")) }
        @for r in reps { option value=(r.id) selected[selected == Some(r.id)] { (r.name) } }
    }
}

/// Teams and people the viewer may see; admins also get the forms to add them.
pub async fn page(
    State(state): State<AppState>,
    Extension(caller): Extension<Caller>,
    PageQuery(n): PageQuery<Notice>,
) -> PageResult<Markup> {
    let frame = Frame::of(&state, &caller).await?;
    let viewer = Viewer::of(&state, &caller).await?;
    let teams = state.store.teams().await?;
    let reps: Vec<Rep> =
        state.store.reps(&RepFilter::default(), today()).await?.into_iter().filter(|r| viewer.sees_rep(r)).collect();
    let visible = |id: i64| viewer.sees_team(id);
    let is_admin = frame.role() == Role::Admin;
    let l = frame.locale;
    let body = html! {
        (notice(&n))
        h1 { (l.t("nav-organisation")) }
        div.card { h2 { (l.t("org-teams")) } (team_tree(l, &teams, None, &visible)) }
        div.card { h2 { (l.t("org-people")) } (reps_table(l, &reps, &teams)) }
        @if is_admin {
            div.card {
                h2 { (l.t("org-add-team")) }
                form.row method="post" action="/teams" {
                    (frame.csrf_field())
                    label { (l.t("org-name")) input name="name" required; }
                    label { (l.t("org-region")) input name="region"; }
                    label { (l.t("org-parent-team")) select name="parent_id" { (team_options(&teams, None, &l.t("org-option-top-level"))) } }
                    label { (l.t("org-manager")) select name="manager_id" { (rep_options(l, &reps, None)) } }
                    button type="submit" { (l.t("org-add-team-button")) }
                }
            }
            div.card {
                h2 { (l.t("org-add-person")) }
                form.row method="post" action="/reps" {
                    (frame.csrf_field())
                    label { (l.t("org-name")) input name="name" required; }
                    label { (l.t("org-email")) input type="email" name="email"; }
                    label { (l.t("org-title")) input name="title"; }
                    label { (l.t("org-team")) select name="team_id" { (team_options(&teams, None, &l.t("org-option-no-team"))) } }
                    label { (l.t("org-hire-date")) input type="date" name="hire_date" required value=(today()); }
                    button type="submit" { (l.t("org-add-person-button")) }
                }
            }
        }
    };
    Ok(layout::page(&frame, &l.t("nav-organisation"), body))
}

/// One team: members today, past members, sub-teams; admins can edit it.
pub async fn team_page(
    State(state): State<AppState>,
    Extension(caller): Extension<Caller>,
    Path(id): Path<i64>,
    PageQuery(n): PageQuery<Notice>,
) -> PageResult<Markup> {
    let frame = Frame::of(&state, &caller).await?;
    let viewer = Viewer::of(&state, &caller).await?;
    let team = visible_team(&state, &viewer, id).await?;
    let teams = state.store.teams().await?;
    let all_reps = state.store.reps(&RepFilter::default(), today()).await?;
    let members: Vec<Rep> = all_reps.iter().filter(|r| r.team_id == Some(id) && viewer.sees_rep(r)).cloned().collect();
    let manager = team.manager_id.and_then(|m| all_reps.iter().find(|r| r.id == m));
    let subteams: Vec<&Team> = teams.iter().filter(|t| t.parent_id == Some(id)).collect();
    let l = frame.locale;
    let body = html! {
        (notice(&n))
        h1 { (team.name) " " (team_badge(l, team.active)) }
        p.muted {
            @if let Some(r) = &team.region { (tr!(l, "org-team-region", region = r)) " " }
            (tr!(l, "org-team-part-of", parent = team_name(&teams, team.parent_id))) " " (l.t("org-team-manager")) " "
            @if let Some(m) = manager { a href=(format!("/reps/{}", m.id)) { (m.name) } } @else { (l.t("org-team-no-manager")) } "."
        }
        @if !subteams.is_empty() {
            div.card { h2 { (l.t("org-teams-below")) } ul { @for t in &subteams { li { a href=(format!("/teams/{}", t.id)) { (t.name) } } } } }
        }
        div.card { h2 { (l.t("org-members")) } (reps_table(l, &members, &teams)) }
        @if frame.role() == Role::Admin {
            div.card {
                h2 { (l.t("org-edit-team")) }
                form.row method="post" action=(format!("/teams/{id}")) {
                    (frame.csrf_field())
                    label { (l.t("org-name")) input name="name" value=(team.name) required; }
                    label { (l.t("org-region")) input name="region" value=(team.region.clone().unwrap_or_default()); }
                    label { (l.t("org-parent-team")) select name="parent_id" { (team_options(&teams, team.parent_id, &l.t("org-option-top-level"))) } }
                    label { (l.t("org-manager")) select name="manager_id" { (rep_options(l, &all_reps, team.manager_id)) } }
                    label { (l.t("org-reason")) input name="reason"; }
                    button type="submit" { (l.t("save")) }
                }
                @if team.active {
                    form.inline method="post" action=(format!("/teams/{id}/deactivate")) {
                        (frame.csrf_field())
                        p { button.danger type="submit" { (l.t("org-deactivate-team")) } " " span.muted { (l.t("org-history-stays")) } }
                    }
                }
            }
        }
    };
    Ok(layout::page(&frame, &team.name, body))
}

/// One rep: details, team history, recent activities and the quick-log form.
pub async fn rep_page(
    State(state): State<AppState>,
    Extension(caller): Extension<Caller>,
    Path(id): Path<i64>,
    PageQuery(n): PageQuery<Notice>,
) -> PageResult<Markup> {
    let frame = Frame::of(&state, &caller).await?;
    let viewer = Viewer::of(&state, &caller).await?;
    let rep = visible_rep(&state, &viewer, id).await?;
    let teams = state.store.teams().await?;
    let memberships = state.store.memberships(id).await?;
    let activities = state.store.recent_activities(id, 20).await?;
    // The quick-log form offers the catalog's activity types and their fields.
    let types = pacer_app::catalog::current_catalog(state.store.as_ref())
        .await?
        .map(|(_, c)| c.activity_types)
        .unwrap_or_default();
    let today = today();
    let l = frame.locale;
    let body = html! {
        (notice(&n))
        h1 { (rep.name) " " @if rep.is_active_on(today) { (status_badge(l, true)) } @else { span.badge.off { (l.t("org-left")) } } }
        p.muted {
            (rep.title.as_deref().unwrap_or("")) " · " (team_name(&teams, rep.team_id)) " · " (tr!(l, "org-hired-on", day = l.date(rep.hire_date)))
            @if let Some(left) = rep.leave_date { " · " (tr!(l, "org-left-on", day = l.date(left))) }
            @if let Some(email) = &rep.email { " · " (email) }
        }
        @if frame.role() >= Role::Manager {
            p { a href=(format!("/scorecard?rep={id}")) { (l.t("org-scorecard")) } (l.t("org-scorecard-help")) }
        }
        @if rep.is_active_on(today) {
            div.card {
                h2 { (l.t("org-quick-log")) }
                form.row method="post" action=(format!("/reps/{id}/activities")) {
                    (frame.csrf_field())
                    label { (l.t("org-type")) select name="activity_type" { @for t in &types { option value=(t.key.get_ref()) { (t.name) } } } }
                    label { (l.t("org-date")) input type="date" name="date" value=(today); }
                    label { (l.t("org-minutes")) input type="number" name="minutes" min="0" max="1440" step="1"; }
                    @for t in &types { @for f in &t.fields {
                        @let name = format!("field.{}.{}", t.key.get_ref(), f.key.get_ref());
                        @let label = format!("{} ({}){}", f.name.clone().unwrap_or_else(|| key_words(f.key.get_ref())), t.name, if f.required { " *" } else { "" });
                        @match f.kind {
                            FieldKind::OneOf => label { (label) select name=(name) { option value="" { "—" } @for v in &f.values { option value=(v) { (key_words(v)) } } } },
                            FieldKind::Boolean => label { (label) select name=(name) { option value="" { "—" } option value="yes" { (l.t("org-yes")) } option value="no" { (l.t("org-no")) } } },
                            FieldKind::Date => label { (label) input type="date" name=(name); },
                            FieldKind::Integer | FieldKind::Decimal => label { (label) input type="number" step="any" name=(name); },
                            FieldKind::Text => label { (label) input name=(name); },
                        }
                    } }
                    button type="submit" { (l.t("org-log-it")) }
                }
            }
        }
        div.card {
            h2 { (l.t("org-recent")) }
            @if activities.is_empty() { p.muted { (l.t("org-nothing-logged")) } } @else {
                div.scroll { table {
                    thead { tr { th { (l.t("org-when")) } th { (l.t("org-type")) } th.num { (l.t("org-minutes")) } th { (l.t("org-source")) } th { (l.t("org-entered-by")) } } }
                    tbody { @for a in &activities { tr {
                        td { time datetime=(a.occurred_at.format("%Y-%m-%dT%H:%M")) { (l.date(a.occurred_at.date())) ", " (a.occurred_at.format("%H:%M")) } }
                        td { (types.iter().find(|t| *t.key.get_ref() == a.activity_type).map_or_else(|| key_words(&a.activity_type), |t| t.name.clone())) }
                        td.num { (a.duration_s.map(|s| (s / 60).to_string()).unwrap_or_default()) }
                        td { (l.source(a.source)) }
                        td { (a.entered_by.as_deref().unwrap_or("")) }
                    } } }
                } }
            }
        }
        div.card {
            h2 { (l.t("org-team-history")) }
            div.scroll { table {
                thead { tr { th { (l.t("org-team")) } th { (l.t("org-from")) } th { (l.t("org-until")) } } }
                tbody { @for m in &memberships { tr {
                    td { (team_name(&teams, Some(m.team_id))) } td { (l.date(m.valid_from)) }
                    td { (m.valid_to.map(|d| l.date(d)).unwrap_or_else(|| l.t("org-now"))) }
                } } }
            } }
        }
        @if frame.role() == Role::Admin {
            div.card {
                h2 { (l.t("org-edit")) }
                form.row method="post" action=(format!("/reps/{id}")) {
                    (frame.csrf_field())
                    label { (l.t("org-name")) input name="name" value=(rep.name) required; }
                    label { (l.t("org-email")) input type="email" name="email" value=(rep.email.clone().unwrap_or_default()); }
                    label { (l.t("org-title")) input name="title" value=(rep.title.clone().unwrap_or_default()); }
                    label { (l.t("org-hire-date")) input type="date" name="hire_date" value=(rep.hire_date) required; }
                    label { (l.t("org-leave-date")) input type="date" name="leave_date" value=(rep.leave_date.map(|d| d.to_string()).unwrap_or_default()); }
                    label { (l.t("org-reason")) input name="reason"; }
                    button type="submit" { (l.t("save")) }
                }
                h2 { (l.t("org-move")) }
                form.row method="post" action=(format!("/reps/{id}/move")) {
                    (frame.csrf_field())
                    label { (l.t("org-team")) select name="team_id" required { (team_options(&teams, None, &l.t("org-option-choose"))) } }
                    label { (l.t("org-from")) input type="date" name="from" value=(today) required; }
                    label { (l.t("org-reason")) input name="reason"; }
                    button type="submit" { (l.t("org-move-button")) }
                }
            }
        }
    };
    Ok(layout::page(&frame, &rep.name, body))
}

/// Logs an activity for a rep the caller may see (their own, their team's,
/// or anyone's for leaders), with the catalog's custom fields of its type
/// (sent as `field.TYPE.KEY`).
pub async fn quick_log(
    State(state): State<AppState>,
    Extension(caller): Extension<Caller>,
    Path(id): Path<i64>,
    PageForm(form): PageForm<Vec<(String, String)>>,
) -> PageResult<Response> {
    let viewer = Viewer::of(&state, &caller).await?;
    let rep = visible_rep(&state, &viewer, id).await?;
    let (_, catalog) = crate::api::catalog::require_catalog(&state).await?;
    let value = |name: &str| form.iter().find(|(k, _)| k == name).map(|(_, v)| v.clone());
    let activity_type = value("activity_type").unwrap_or_default();
    let date = parse_opt_date("date", value("date"))?.unwrap_or_else(today);
    let minutes = filled(value("minutes"))
        .map(|m| m.parse::<i64>().map_err(|_| ApiError::invalid(format!("minutes: {m:?} is not a whole number"))))
        .transpose()?;
    let prefix = format!("field.{activity_type}.");
    let fields: Vec<(String, String)> =
        form.iter().filter_map(|(k, v)| k.strip_prefix(&prefix).map(|key| (key.to_string(), v.clone()))).collect();
    let now = chrono::Local::now().time();
    let time = if date == today() { now } else { NaiveTime::from_hms_opt(12, 0, 0).unwrap_or(now) };
    let activity = pacer_app::logging::manual_activity(
        &catalog,
        &rep,
        &activity_type,
        NaiveDateTime::new(date, time),
        minutes,
        &fields,
        &viewer.principal.actor_name(),
    )?;
    state.store.upsert_activities(&[activity], &Actor::named(viewer.principal.actor_name())).await?;
    let type_name = catalog
        .activity_types
        .iter()
        .find(|t| *t.key.get_ref() == activity_type)
        .map_or_else(|| key_words(&activity_type), |t| t.name.clone());
    let logged = tr!(caller.locale, "org-logged", kind = type_name, day = caller.locale.date(date));
    Ok(redirect_with_notice(&format!("/reps/{id}"), &logged))
}

/// The team forms.
#[derive(Deserialize)]
pub struct TeamForm {
    name: String,
    region: Option<String>,
    parent_id: Option<String>,
    manager_id: Option<String>,
    reason: Option<String>,
}

/// Creates a team.
pub async fn create_team(
    State(state): State<AppState>,
    Extension(caller): Extension<Caller>,
    PageForm(form): PageForm<TeamForm>,
) -> PageResult<Response> {
    let frame = Frame::of(&state, &caller).await?;
    let new = NewTeam {
        name: form.name,
        region: filled(form.region),
        parent_id: parse_opt_id("parent team", form.parent_id)?,
        manager_id: parse_opt_id("manager", form.manager_id)?,
    };
    let team = state.store.create_team(&new, &actor(&frame, filled(form.reason))).await?;
    Ok(redirect_with_notice(&format!("/teams/{}", team.id), &tr!(frame.locale, "org-team-created", team = team.name)))
}

/// Changes a team.
pub async fn update_team(
    State(state): State<AppState>,
    Extension(caller): Extension<Caller>,
    Path(id): Path<i64>,
    PageForm(form): PageForm<TeamForm>,
) -> PageResult<Response> {
    let frame = Frame::of(&state, &caller).await?;
    let update = TeamUpdate {
        name: Some(form.name),
        region: Some(filled(form.region)),
        parent_id: Some(parse_opt_id("parent team", form.parent_id)?),
        manager_id: Some(parse_opt_id("manager", form.manager_id)?),
    };
    state.store.update_team(id, &update, &actor(&frame, filled(form.reason))).await?;
    Ok(redirect_with_notice(&format!("/teams/{id}"), &frame.t("org-team-saved")))
}

/// Deactivates a team.
pub async fn deactivate_team(
    State(state): State<AppState>,
    Extension(caller): Extension<Caller>,
    Path(id): Path<i64>,
) -> PageResult<Response> {
    let frame = Frame::of(&state, &caller).await?;
    state.store.deactivate_team(id, &actor(&frame, None)).await?;
    Ok(redirect_with_notice(&format!("/teams/{id}"), &frame.t("org-team-deactivated")))
}

/// The rep forms.
#[derive(Deserialize)]
pub struct RepForm {
    name: String,
    email: Option<String>,
    title: Option<String>,
    team_id: Option<String>,
    hire_date: String,
    leave_date: Option<String>,
    reason: Option<String>,
}

/// Creates a rep.
pub async fn create_rep(
    State(state): State<AppState>,
    Extension(caller): Extension<Caller>,
    PageForm(form): PageForm<RepForm>,
) -> PageResult<Response> {
    let frame = Frame::of(&state, &caller).await?;
    let new = NewRep {
        name: form.name,
        email: filled(form.email),
        title: filled(form.title),
        team_id: parse_opt_id("team", form.team_id)?,
        hire_date: parse_date("hire date", &form.hire_date)?,
        leave_date: parse_opt_date("leave date", form.leave_date)?,
        external_id: None,
    };
    let rep = state.store.create_rep(&new, &actor(&frame, filled(form.reason))).await?;
    Ok(redirect_with_notice(&format!("/reps/{}", rep.id), &tr!(frame.locale, "org-rep-added", rep = rep.name)))
}

/// Changes a rep.
pub async fn update_rep(
    State(state): State<AppState>,
    Extension(caller): Extension<Caller>,
    Path(id): Path<i64>,
    PageForm(form): PageForm<RepForm>,
) -> PageResult<Response> {
    let frame = Frame::of(&state, &caller).await?;
    let update = RepUpdate {
        name: Some(form.name),
        email: Some(filled(form.email)),
        title: Some(filled(form.title)),
        hire_date: Some(parse_date("hire date", &form.hire_date)?),
        leave_date: Some(parse_opt_date("leave date", form.leave_date)?),
    };
    state.store.update_rep(id, &update, &actor(&frame, filled(form.reason))).await?;
    Ok(redirect_with_notice(&format!("/reps/{id}"), &frame.t("org-saved")))
}

/// The move form.
#[derive(Deserialize)]
pub struct MoveForm {
    team_id: String,
    from: String,
    reason: Option<String>,
}

/// Moves a rep to another team from a date.
pub async fn move_rep(
    State(state): State<AppState>,
    Extension(caller): Extension<Caller>,
    Path(id): Path<i64>,
    PageForm(form): PageForm<MoveForm>,
) -> PageResult<Response> {
    let frame = Frame::of(&state, &caller).await?;
    let team = parse_opt_id("team", Some(form.team_id))?.ok_or_else(|| ApiError::invalid("choose a team"))?;
    let from = parse_date("from", &form.from)?;
    state.store.move_rep(id, team, from, &actor(&frame, filled(form.reason))).await?;
    Ok(redirect_with_notice(&format!("/reps/{id}"), &tr!(frame.locale, "org-moved", day = frame.locale.date(from))))
}
