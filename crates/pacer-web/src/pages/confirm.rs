//! Asking before a change that cannot be undone (approving or archiving a plan, closing a
//! review), without script: on the page, a disclosure whose summary names the action and whose
//! body says what will happen, with the real button; on the server, a POST without the
//! confirmation field acts on nothing and answers the confirmation page instead.

use super::layout::{self, Frame};
use maud::{Markup, html};

/// The field a form sends once the user has read what its action will do.
pub const CONFIRM_FIELD: &str = "confirm";

/// The value of [`CONFIRM_FIELD`] that confirms.
const YES: &str = "yes";

/// Whether a form carries the confirmation.
pub fn confirmed(field: Option<&str>) -> bool {
    field == Some(YES)
}

/// An action to confirm: where it posts, what it sends, what it will do.
pub struct Action<'a> {
    /// The form's address.
    pub to: String,
    /// The fields it sends besides the CSRF token and the confirmation.
    pub fields: Vec<(&'a str, String)>,
    /// The button that acts, e.g. "Approve FY2027 plan v2".
    pub button: String,
    /// What will happen, in a sentence or two.
    pub consequence: String,
}

/// The form that acts: the consequence, an optional reason for the audit log, and the button.
fn form(frame: &Frame, action: &Action<'_>, reason: &str) -> Markup {
    html! {
        form.stack.confirm method="post" action=(action.to) {
            (frame.csrf_field())
            input type="hidden" name=(CONFIRM_FIELD) value=(YES);
            @for (name, value) in &action.fields { input type="hidden" name=(name) value=(value); }
            p { (action.consequence) }
            label { (frame.t("plan-reason-audit")) input name="reason" value=(reason); }
            div { button.danger type="submit" { (action.button) } }
        }
    }
}

/// The button on a page: a disclosure named `summary` that reveals what will happen and the
/// button that does it.
pub fn disclosure(frame: &Frame, summary: &str, action: &Action<'_>) -> Markup {
    html! {
        details.confirm {
            summary { (summary) }
            (form(frame, action, ""))
        }
    }
}

/// The page a POST without the confirmation answers: what will happen, the form that does it
/// (with the reason already typed), and the way back without acting.
pub fn page(frame: &Frame, title: &str, action: &Action<'_>, reason: &str, back: &str) -> Markup {
    let body = html! {
        h1 { (title) }
        p.muted { (frame.t("plan-confirm-nothing-yet")) }
        div.card { (form(frame, action, reason)) }
        p { a href=(back) { (frame.t("plan-confirm-back")) } }
    };
    layout::page(frame, title, body)
}
