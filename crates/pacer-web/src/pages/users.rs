//! Users and API tokens (admins), and one's own account.

use super::layout::{self, Frame};
use super::{Notice, PageForm, PageQuery, PageResult, filled, moment, notice, redirect_with_notice};
use crate::AppState;
use crate::api::today;
use crate::auth::Caller;
use crate::error::ApiError;
use axum::extract::{Extension, Path, State};
use axum::response::Response;
use maud::{Markup, html};
use pacer_app::credentials::{hash_password, new_api_token, token_hash, verify_password};
use pacer_core::access::{Role, Scope, check_password, check_username};
use pacer_core::audit::Actor;
use pacer_core::language::Language;
use pacer_storage::{NewUser, RepFilter, UserUpdate};
use serde::Deserialize;

fn actor(frame: &Frame) -> Actor {
    Actor::named(frame.principal.actor_name())
}

fn role_options(selected: Role) -> Markup {
    html! { @for r in Role::ALL { option value=(r) selected[r == selected] { (r) } } }
}

/// All users, with the forms to add and change them.
pub async fn list(
    State(state): State<AppState>,
    Extension(caller): Extension<Caller>,
    PageQuery(n): PageQuery<Notice>,
) -> PageResult<Markup> {
    let frame = Frame::of(&state, &caller).await?;
    let users = state.store.users().await?;
    let reps = state.store.reps(&RepFilter::default(), today()).await?;
    let rep_options = |selected: Option<i64>| {
        html! {
            option value="" { "(none)" }
            @for r in &reps { option value=(r.id) selected[selected == Some(r.id)] { (r.name) } }
        }
    };
    let body = html! {
        (notice(&n))
        h1 { "Users" }
        div.card.scroll { table {
            thead { tr { th { "User" } th { "Name" } th { "Role" } th { "Rep record" } th { "Status" } th { "Weekly digest" } th { "Change" } } }
            tbody { @for u in &users { tr {
                @let rep_email = u.rep_id.and_then(|id| reps.iter().find(|r| r.id == id)).and_then(|r| r.email.as_deref());
                td { (u.username) } td { (u.display_name) } td { (u.role) }
                td { @if let Some(rep) = u.rep_id {
                    a href=(format!("/reps/{rep}")) { (reps.iter().find(|r| r.id == rep).map_or_else(|| format!("rep {rep}"), |r| r.name.clone())) }
                } }
                td { @if u.active { span.badge.on { "active" } } @else { span.badge.off { "deactivated" } } }
                td {
                    @match (u.digest, u.address(rep_email)) {
                        (false, _) => span.muted { "opted out" },
                        (true, Some(address)) => (address),
                        (true, None) => span.muted { "no e-mail" },
                    }
                    " " a href=(format!("/digest?user={}", u.id)) { "preview" }
                }
                td { form.row method="post" action=(format!("/users/{}", u.id)) {
                    (frame.csrf_field())
                    select name="role" aria-label="Role" { (role_options(u.role)) }
                    select name="rep_id" aria-label="Rep record" { (rep_options(u.rep_id)) }
                    select name="active" aria-label="Status" { option value="true" selected[u.active] { "active" } option value="false" selected[!u.active] { "deactivated" } }
                    input type="email" name="email" aria-label="E-mail" value=(u.email.as_deref().unwrap_or_default()) placeholder="e-mail (else the rep record's)";
                    select name="digest" aria-label="Weekly digest" { option value="true" selected[u.digest] { "digest on" } option value="false" selected[!u.digest] { "digest off" } }
                    input type="password" name="password" placeholder="new password" autocomplete="new-password";
                    button type="submit" { "Save" }
                } }
            } } }
        } }
        div.card {
            h2 { "Add a user" }
            form.row method="post" action="/users" {
                (frame.csrf_field())
                label { "User name" input name="username" required; }
                label { "Name" input name="display_name"; }
                label { "Role" select name="role" { (role_options(Role::Rep)) } }
                label { "Rep record" select name="rep_id" { (rep_options(None)) } }
                label { "E-mail (else the rep record's)" input type="email" name="email"; }
                label { "Password" input type="password" name="password" required minlength="10" autocomplete="new-password"; }
                button type="submit" { "Add user" }
            }
        }
    };
    Ok(layout::page(&frame, "Users", body))
}

/// The add-user form.
#[derive(Deserialize)]
pub struct CreateForm {
    username: String,
    display_name: Option<String>,
    role: String,
    rep_id: Option<String>,
    email: Option<String>,
    password: String,
}

fn parse_rep(value: Option<String>) -> Result<Option<i64>, ApiError> {
    filled(value)
        .map(|v| v.parse().map_err(|_| ApiError::invalid(format!("rep record {v:?} is not an id"))))
        .transpose()
}

/// Adds a user.
pub async fn create(
    State(state): State<AppState>,
    Extension(caller): Extension<Caller>,
    PageForm(form): PageForm<CreateForm>,
) -> PageResult<Response> {
    let frame = Frame::of(&state, &caller).await?;
    let username = check_username(&form.username).map_err(ApiError::invalid)?;
    check_password(&form.password).map_err(ApiError::invalid)?;
    let new = NewUser {
        display_name: filled(form.display_name).unwrap_or_else(|| username.clone()),
        username,
        role: form.role.parse().map_err(ApiError::invalid)?,
        rep_id: parse_rep(form.rep_id)?,
        email: filled(form.email),
        password_hash: hash_password(&form.password)?,
    };
    let user = state.store.create_user(&new, &actor(&frame)).await?;
    Ok(redirect_with_notice("/users", &format!("User {} added.", user.username)))
}

/// The change-user form.
#[derive(Deserialize)]
pub struct UpdateForm {
    role: String,
    rep_id: Option<String>,
    active: String,
    email: Option<String>,
    digest: Option<String>,
    password: Option<String>,
}

/// Changes a user's role, rep record, status, e-mail, weekly digest or password.
pub async fn update(
    State(state): State<AppState>,
    Extension(caller): Extension<Caller>,
    Path(id): Path<i64>,
    PageForm(form): PageForm<UpdateForm>,
) -> PageResult<Response> {
    let frame = Frame::of(&state, &caller).await?;
    let who = actor(&frame);
    let password = filled(form.password);
    if let Some(p) = &password {
        check_password(p).map_err(ApiError::invalid)?;
    }
    let update = UserUpdate {
        display_name: None,
        role: Some(form.role.parse().map_err(ApiError::invalid)?),
        rep_id: Some(parse_rep(form.rep_id)?),
        active: Some(form.active == "true"),
        email: Some(filled(form.email)),
        digest: form.digest.map(|d| d == "true"),
        language: None,
    };
    let user = state.store.update_user(id, &update, &who).await?;
    if let Some(p) = password {
        state.store.set_password(id, &hash_password(&p)?, &who).await?;
    }
    Ok(redirect_with_notice("/users", &format!("User {} saved.", user.username)))
}

/// One's own account: the weekly digest (where it goes, or opting out) and the password.
pub async fn account(
    State(state): State<AppState>,
    Extension(caller): Extension<Caller>,
    PageQuery(n): PageQuery<Notice>,
) -> PageResult<Markup> {
    let frame = Frame::of(&state, &caller).await?;
    let user = caller.user.as_ref().ok_or(ApiError::Unauthorized)?;
    let rep_email = match user.rep_id {
        Some(rep) => state.store.rep(rep, today()).await?.email,
        None => None,
    };
    let body = html! {
        (notice(&n))
        h1 { "My account" }
        div.card {
            h2 { "Weekly digest" }
            p {
                @match (user.digest, user.address(rep_email.as_deref())) {
                    (false, _) => "You have opted out of the weekly digest.",
                    (true, Some(address)) => { "Each week your digest goes to " strong { (address) } "." }
                    (true, None) => "Pacer has no e-mail address for you: give one to receive the weekly digest.",
                }
                " " a href="/digest" { "See my digest" }
            }
            form.stack method="post" action="/account/digest" {
                (frame.csrf_field())
                label { "E-mail (leave empty to use your rep record's"
                    @if let Some(e) = &rep_email { ", " (e) } ")"
                    input type="email" name="email" value=(user.email.as_deref().unwrap_or_default()) autocomplete="email"; }
                label { input type="checkbox" name="digest" value="true" checked[user.digest]; " Send me the weekly digest by e-mail" }
                button type="submit" { "Save" }
            }
        }
        div.card {
            h2 { (frame.t("account-language")) }
            form.stack method="post" action="/account/language" {
                (frame.csrf_field())
                label { (frame.t("account-language.label"))
                    select name="language" {
                        option value="" selected[user.language.is_none()] { (frame.t("account-language-default")) }
                        @for l in Language::ALL {
                            option value=(l.as_str()) lang=(l.as_str()) selected[user.language == Some(l)] { (l.endonym()) }
                        }
                    }
                }
                button type="submit" { (frame.t("save")) }
            }
        }
        div.card {
            h2 { "Change password" }
            form.stack method="post" action="/account/password" {
                (frame.csrf_field())
                label { "Current password" input type="password" name="current" required autocomplete="current-password"; }
                label { "New password (at least 10 characters)" input type="password" name="new" required minlength="10" autocomplete="new-password"; }
                button type="submit" { "Change password" }
            }
            p.muted { "Changing the password signs you out everywhere." }
        }
    };
    Ok(layout::page(&frame, "My account", body))
}

/// The weekly-digest form of one's account.
#[derive(Deserialize)]
pub struct DigestForm {
    email: Option<String>,
    /// The checkbox, sent only when ticked.
    digest: Option<String>,
}

/// Sets one's own e-mail address and whether one receives the weekly digest.
pub async fn set_digest(
    State(state): State<AppState>,
    Extension(caller): Extension<Caller>,
    PageForm(form): PageForm<DigestForm>,
) -> PageResult<Response> {
    let frame = Frame::of(&state, &caller).await?;
    let user = caller.user.as_ref().ok_or(ApiError::Unauthorized)?;
    let update =
        UserUpdate { email: Some(filled(form.email)), digest: Some(form.digest.is_some()), ..UserUpdate::default() };
    let saved = state.store.update_user(user.id, &update, &actor(&frame)).await?;
    let said = if saved.digest { "You receive the weekly digest." } else { "You have opted out of the weekly digest." };
    Ok(redirect_with_notice("/account", said))
}

/// The language form of one's account.
#[derive(Deserialize)]
pub struct LanguageForm {
    /// A language tag, or empty to follow the organisation's (then the browser's).
    language: Option<String>,
}

/// Sets one's own language; the page answers in it at once.
pub async fn set_language(
    State(state): State<AppState>,
    Extension(caller): Extension<Caller>,
    PageForm(form): PageForm<LanguageForm>,
) -> PageResult<Response> {
    let frame = Frame::of(&state, &caller).await?;
    let user = caller.user.as_ref().ok_or(ApiError::Unauthorized)?;
    let language = filled(form.language).map(|tag| tag.parse::<Language>()).transpose().map_err(ApiError::invalid)?;
    let update = UserUpdate { language: Some(language), ..UserUpdate::default() };
    state.store.update_user(user.id, &update, &actor(&frame)).await?;
    let now = pacer_i18n::Locale::from(language.unwrap_or(frame.locale.language));
    Ok(redirect_with_notice("/account", &now.t("account-language.saved")))
}

/// The change-password form.
#[derive(Deserialize)]
pub struct PasswordForm {
    current: String,
    new: String,
}

/// Changes one's own password after checking the current one.
pub async fn change_password(
    State(state): State<AppState>,
    Extension(caller): Extension<Caller>,
    PageForm(form): PageForm<PasswordForm>,
) -> PageResult<Response> {
    let frame = Frame::of(&state, &caller).await?;
    let user = caller.user.as_ref().ok_or(ApiError::Unauthorized)?;
    let credentials = state.store.credentials(&user.username).await?.ok_or(ApiError::Unauthorized)?;
    if !verify_password(&form.current, &credentials.password_hash) {
        return Err(ApiError::invalid("the current password is wrong").into());
    }
    check_password(&form.new).map_err(ApiError::invalid)?;
    state.store.set_password(user.id, &hash_password(&form.new)?, &actor(&frame)).await?;
    Ok(redirect_with_notice("/login", "Password changed: sign in again."))
}

fn tokens_body(
    frame: &Frame,
    tokens: &[pacer_core::access::ApiToken],
    secret: Option<(&str, &str)>,
    n: &Notice,
) -> Markup {
    html! {
        (notice(n))
        h1 { "API tokens" }
        @if let Some((name, secret)) = secret {
            div.card {
                h2 { "Token " (name) " created" }
                p { "Copy it now: Pacer keeps only its hash and will not show it again." }
                p.secret { (secret) }
            }
        }
        div.card.scroll { table {
            thead { tr { th { "Name" } th { "Scope" } th { "Created" } th { "By" } th { "Status" } th { "Action" } } }
            tbody { @for t in tokens { tr {
                td { (t.name) } td { (t.scope) } td { (moment(frame.locale, &t.created_at)) } td { (t.created_by) }
                td { @if let Some(at) = &t.revoked_at { span.badge.off { "revoked " (moment(frame.locale, at)) } } @else { span.badge.on { "active" } } }
                td { @if t.revoked_at.is_none() {
                    form.inline method="post" action=(format!("/tokens/{}/revoke", t.id)) { (frame.csrf_field()) button.danger type="submit" { "Revoke" } }
                } }
            } } }
        } }
        div.card {
            h2 { "Create a token" }
            p.muted { "Integrations send it as " code { "Authorization: Bearer …" } ". Scope ingest pushes records; read reads everything; admin may do through the API everything an admin may, users and tokens included: keep it like an admin's password." }
            form.row method="post" action="/tokens" {
                (frame.csrf_field())
                label { "Name" input name="name" required placeholder="e.g. telephony"; }
                label { "Scope" select name="scope" { @for s in Scope::ALL { option value=(s) { (s) } } } }
                button type="submit" { "Create token" }
            }
        }
    }
}

/// All tokens.
pub async fn tokens(
    State(state): State<AppState>,
    Extension(caller): Extension<Caller>,
    PageQuery(n): PageQuery<Notice>,
) -> PageResult<Markup> {
    let frame = Frame::of(&state, &caller).await?;
    let tokens = state.store.tokens().await?;
    Ok(layout::page(&frame, "API tokens", tokens_body(&frame, &tokens, None, &n)))
}

/// The create-token form.
#[derive(Deserialize)]
pub struct TokenForm {
    name: String,
    scope: String,
}

/// Creates a token and shows its secret once.
pub async fn create_token(
    State(state): State<AppState>,
    Extension(caller): Extension<Caller>,
    PageForm(form): PageForm<TokenForm>,
) -> PageResult<Markup> {
    let frame = Frame::of(&state, &caller).await?;
    let scope: Scope = form.scope.parse().map_err(ApiError::invalid)?;
    if form.name.trim().is_empty() {
        return Err(ApiError::invalid("a token needs a name, e.g. the integration it serves").into());
    }
    let secret = new_api_token();
    let token = state.store.create_token(&form.name, scope, &token_hash(&secret), &actor(&frame)).await?;
    let tokens = state.store.tokens().await?;
    Ok(layout::page(
        &frame,
        "API tokens",
        tokens_body(&frame, &tokens, Some((&token.name, &secret)), &Notice::default()),
    ))
}

/// Revokes a token.
pub async fn revoke_token(
    State(state): State<AppState>,
    Extension(caller): Extension<Caller>,
    Path(id): Path<i64>,
) -> PageResult<Response> {
    let frame = Frame::of(&state, &caller).await?;
    let token = state.store.revoke_token(id, &actor(&frame)).await?;
    Ok(redirect_with_notice("/tokens", &format!("Token {} revoked.", token.name)))
}
