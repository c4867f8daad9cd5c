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
use pacer_i18n::{Locale, tr};
use pacer_storage::{NewUser, RepFilter, UserUpdate};
use serde::Deserialize;

fn actor(frame: &Frame) -> Actor {
    Actor::named(frame.principal.actor_name())
}

fn role_options(frame: &Frame, selected: Role) -> Markup {
    html! { @for r in Role::ALL { option value=(r) selected[r == selected] { (frame.t(&format!("role-{r}"))) } } }
}

/// A token's scope in words (its value stays the API's).
fn scope_words(locale: Locale, scope: Scope) -> String {
    locale.t(&format!("tokens-scope-{scope}"))
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
            option value="" { (frame.t("users-none")) }
            @for r in &reps { option value=(r.id) selected[selected == Some(r.id)] { (r.name) } }
        }
    };
    let body = html! {
        (notice(&n))
        h1 { (frame.t("users-title")) }
        div.card.scroll { table {
            thead { tr { th { (frame.t("users-user")) } th { (frame.t("users-name")) } th { (frame.t("users-role")) } th { (frame.t("users-rep-record")) } th { (frame.t("users-status")) } th { (frame.t("users-digest")) } th { (frame.t("users-change")) } } }
            tbody { @for u in &users { tr {
                @let rep_email = u.rep_id.and_then(|id| reps.iter().find(|r| r.id == id)).and_then(|r| r.email.as_deref());
                td { (u.username) } td { (u.display_name) } td { (frame.t(&format!("role-{}", u.role))) }
                td { @if let Some(rep) = u.rep_id {
                    a href=(format!("/reps/{rep}")) { (reps.iter().find(|r| r.id == rep).map_or_else(|| tr!(frame.locale, "users-rep-fallback", id = rep.to_string()), |r| r.name.clone())) }
                } }
                td { @if u.active { span.badge.on { (frame.t("users-active")) } } @else { span.badge.off { (frame.t("users-deactivated")) } } }
                td {
                    @match (u.digest, u.address(rep_email)) {
                        (false, _) => span.muted { (frame.t("users-opted-out")) },
                        (true, Some(address)) => (address),
                        (true, None) => span.muted { (frame.t("users-no-email")) },
                    }
                    " " a href=(format!("/digest?user={}", u.id)) { (frame.t("users-preview")) }
                }
                td { form.row method="post" action=(format!("/users/{}", u.id)) {
                    (frame.csrf_field())
                    select name="role" aria-label=(frame.t("users-role")) { (role_options(&frame, u.role)) }
                    select name="rep_id" aria-label=(frame.t("users-rep-record")) { (rep_options(u.rep_id)) }
                    select name="active" aria-label=(frame.t("users-status")) { option value="true" selected[u.active] { (frame.t("users-active")) } option value="false" selected[!u.active] { (frame.t("users-deactivated")) } }
                    input type="email" name="email" aria-label=(frame.t("users-email")) value=(u.email.as_deref().unwrap_or_default()) placeholder=(frame.t("users-email-placeholder"));
                    select name="digest" aria-label=(frame.t("users-digest")) { option value="true" selected[u.digest] { (frame.t("users-digest-on")) } option value="false" selected[!u.digest] { (frame.t("users-digest-off")) } }
                    input type="password" name="password" aria-label=(frame.t("users-new-password")) placeholder=(frame.t("users-new-password")) autocomplete="new-password";
                    button type="submit" { (frame.t("save")) }
                } }
            } } }
        } }
        div.card {
            h2 { (frame.t("users-add")) }
            form.row method="post" action="/users" {
                (frame.csrf_field())
                label { (frame.t("users-username")) input name="username" required; }
                label { (frame.t("users-name")) input name="display_name"; }
                label { (frame.t("users-role")) select name="role" { (role_options(&frame, Role::Rep)) } }
                label { (frame.t("users-rep-record")) select name="rep_id" { (rep_options(None)) } }
                label { (frame.t("users-email-label")) input type="email" name="email"; }
                label { (frame.t("users-password")) input type="password" name="password" required minlength="10" autocomplete="new-password"; }
                button type="submit" { (frame.t("users-add-button")) }
            }
        }
    };
    Ok(layout::page(&frame, &frame.t("users-title"), body))
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

fn parse_rep(locale: Locale, value: Option<String>) -> Result<Option<i64>, ApiError> {
    filled(value)
        .map(|v| v.parse().map_err(|_| ApiError::invalid(tr!(locale, "users-rep-not-id", value = format!("{v:?}")))))
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
        rep_id: parse_rep(frame.locale, form.rep_id)?,
        email: filled(form.email),
        password_hash: hash_password(&form.password)?,
    };
    let user = state.store.create_user(&new, &actor(&frame)).await?;
    Ok(redirect_with_notice("/users", &tr!(frame.locale, "users-added", name = user.username)))
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
        rep_id: Some(parse_rep(frame.locale, form.rep_id)?),
        active: Some(form.active == "true"),
        email: Some(filled(form.email)),
        digest: form.digest.map(|d| d == "true"),
        language: None,
    };
    let user = state.store.update_user(id, &update, &who).await?;
    if let Some(p) = password {
        state.store.set_password(id, &hash_password(&p)?, &who).await?;
    }
    Ok(redirect_with_notice("/users", &tr!(frame.locale, "users-saved", name = user.username)))
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
        h1 { (frame.t("account-title")) }
        div.card {
            h2 { (frame.t("account-digest")) }
            p {
                @match (user.digest, user.address(rep_email.as_deref())) {
                    (false, _) => (frame.t("account-digest-opted-out")),
                    (true, Some(address)) => { (frame.t("account-digest-goes-to")) " " strong { (address) } "." }
                    (true, None) => (frame.t("account-digest-no-address")),
                }
                " " a href="/digest" { (frame.t("account-digest-see")) }
            }
            form.stack method="post" action="/account/digest" {
                (frame.csrf_field())
                label {
                    @if let Some(e) = &rep_email { (tr!(frame.locale, "account-email-rep", email = e)) } @else { (frame.t("account-email")) }
                    input type="email" name="email" value=(user.email.as_deref().unwrap_or_default()) autocomplete="email"; }
                label { input type="checkbox" name="digest" value="true" checked[user.digest]; " " (frame.t("account-digest-send")) }
                button type="submit" { (frame.t("save")) }
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
            h2 { (frame.t("account-password")) }
            form.stack method="post" action="/account/password" {
                (frame.csrf_field())
                label { (frame.t("account-password-current")) input type="password" name="current" required autocomplete="current-password"; }
                label { (frame.t("account-password-new")) input type="password" name="new" required minlength="10" autocomplete="new-password"; }
                button type="submit" { (frame.t("account-password")) }
            }
            p.muted { (frame.t("account-password-signs-out")) }
        }
    };
    Ok(layout::page(&frame, &frame.t("account-title"), body))
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
    let said = frame.t(if saved.digest { "account-digest-on" } else { "account-digest-opted-out" });
    Ok(redirect_with_notice("/account", &said))
}

/// The language form of one's account.
#[derive(Deserialize)]
pub struct LanguageForm {
    /// A language tag, or empty to follow the organisation's (then the browser's).
    language: Option<String>,
}

/// Sets one's own language; the page answers in it at once (cleared: in the organisation's,
/// else the browser's).
pub async fn set_language(
    State(state): State<AppState>,
    Extension(caller): Extension<Caller>,
    headers: axum::http::HeaderMap,
    PageForm(form): PageForm<LanguageForm>,
) -> PageResult<Response> {
    let frame = Frame::of(&state, &caller).await?;
    let user = caller.user.as_ref().ok_or(ApiError::Unauthorized)?;
    let language = filled(form.language).map(|tag| tag.parse::<Language>()).transpose().map_err(ApiError::invalid)?;
    let update = UserUpdate { language: Some(language), ..UserUpdate::default() };
    state.store.update_user(user.id, &update, &actor(&frame)).await?;
    let asked =
        headers.get(axum::http::header::ACCEPT_LANGUAGE).and_then(|v| v.to_str().ok()).and_then(Language::negotiate);
    let now = Locale::from(Language::choose(language, frame.org.language, asked));
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
        return Err(ApiError::invalid(frame.t("account-password-wrong")).into());
    }
    check_password(&form.new).map_err(ApiError::invalid)?;
    state.store.set_password(user.id, &hash_password(&form.new)?, &actor(&frame)).await?;
    Ok(redirect_with_notice("/login", &frame.t("account-password-changed")))
}

fn tokens_body(
    frame: &Frame,
    tokens: &[pacer_core::access::ApiToken],
    secret: Option<(&str, &str)>,
    n: &Notice,
) -> Markup {
    html! {
        (notice(n))
        h1 { (frame.t("tokens-title")) }
        @if let Some((name, secret)) = secret {
            div.card {
                h2 { (tr!(frame.locale, "tokens-created", name = name)) }
                p { (frame.t("tokens-copy-now")) }
                p.secret { (secret) }
            }
        }
        div.card.scroll { table {
            thead { tr { th { (frame.t("tokens-name")) } th { (frame.t("tokens-scope")) } th { (frame.t("tokens-created-at")) } th { (frame.t("tokens-by")) } th { (frame.t("tokens-status")) } th { (frame.t("tokens-action")) } } }
            tbody { @for t in tokens { tr {
                td { (t.name) } td { (scope_words(frame.locale, t.scope)) } td { (moment(frame.locale, &t.created_at)) } td { (t.created_by) }
                td { @if let Some(at) = &t.revoked_at { span.badge.off { (frame.t("tokens-revoked-at")) " " (moment(frame.locale, at)) } } @else { span.badge.on { (frame.t("tokens-active")) } } }
                td { @if t.revoked_at.is_none() {
                    form.inline method="post" action=(format!("/tokens/{}/revoke", t.id)) { (frame.csrf_field()) button.danger type="submit" { (frame.t("tokens-revoke")) } }
                } }
            } } }
        } }
        div.card {
            h2 { (frame.t("tokens-create")) }
            p.muted { (frame.t("tokens-help-before")) " " code { "Authorization: Bearer …" } (frame.t("tokens-help-after")) }
            form.row method="post" action="/tokens" {
                (frame.csrf_field())
                label { (frame.t("tokens-name")) input name="name" required placeholder=(frame.t("tokens-name-placeholder")); }
                label { (frame.t("tokens-scope")) select name="scope" { @for s in Scope::ALL { option value=(s) { (scope_words(frame.locale, s)) } } } }
                button type="submit" { (frame.t("tokens-create-button")) }
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
    Ok(layout::page(&frame, &frame.t("tokens-title"), tokens_body(&frame, &tokens, None, &n)))
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
        return Err(ApiError::invalid(frame.t("tokens-needs-name")).into());
    }
    let secret = new_api_token();
    let token = state.store.create_token(&form.name, scope, &token_hash(&secret), &actor(&frame)).await?;
    let tokens = state.store.tokens().await?;
    Ok(layout::page(
        &frame,
        &frame.t("tokens-title"),
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
    Ok(redirect_with_notice("/tokens", &tr!(frame.locale, "tokens-revoked", name = token.name)))
}
