//! The bounds on what Pacer stores, whatever the way in (API, pages, files): text of a
//! plausible length without control characters, and days in a plausible range. A 50 MB
//! identifier or a NUL byte is a broken export or an attack, never data; refusing it at
//! the door keeps every screen, export and index sane.

use chrono::NaiveDate;
use std::fmt;

/// Most characters in a key: an external id, a source, an activity type, a stage, a rep or account reference.
pub const KEY_MAX_CHARS: usize = 255;
/// Most characters in a name: a person, a team, an account, an e-mail address, a title, a segment.
pub const NAME_MAX_CHARS: usize = 200;
/// Most characters in any other text: a note, a reason, a custom field.
pub const TEXT_MAX_CHARS: usize = 10_000;
/// Most characters in a configuration document pasted into a form (a catalog, a mapping).
pub const DOCUMENT_MAX_CHARS: usize = 1_000_000;

/// The earliest day Pacer accepts: older than any hire date or record it keeps.
pub const FIRST_DAY: NaiveDate = match NaiveDate::from_ymd_opt(1900, 1, 1) {
    Some(d) => d,
    None => unreachable!(),
};
/// The latest day Pacer accepts: far enough for a multi-year contract's close day.
pub const LAST_DAY: NaiveDate = match NaiveDate::from_ymd_opt(2099, 12, 31) {
    Some(d) => d,
    None => unreachable!(),
};

/// What a piece of text is, which sets its longest length.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TextKind {
    /// An identifier or a key ([`KEY_MAX_CHARS`]).
    Key,
    /// A name ([`NAME_MAX_CHARS`]).
    Name,
    /// Free text ([`TEXT_MAX_CHARS`]).
    Text,
    /// A configuration document ([`DOCUMENT_MAX_CHARS`]). Like free text, it may hold line breaks and tabs.
    Document,
}

impl TextKind {
    /// Most characters of this kind.
    pub fn max_chars(self) -> usize {
        match self {
            TextKind::Key => KEY_MAX_CHARS,
            TextKind::Name => NAME_MAX_CHARS,
            TextKind::Text => TEXT_MAX_CHARS,
            TextKind::Document => DOCUMENT_MAX_CHARS,
        }
    }

    /// The kind of an import or API field, by its name (`external_id`, `name`, `field.notes`...).
    pub fn of_field(field: &str) -> TextKind {
        match field {
            "external_id" | "source" | "type" | "rep" | "account_id" | "kind" | "status" | "stage" | "month" => {
                TextKind::Key
            }
            "name" | "display_name" | "username" | "email" | "title" | "team" | "parent" | "region" | "manager"
            | "segment" | "account" => TextKind::Name,
            "toml" | "mapping" | "catalog" => TextKind::Document,
            _ => TextKind::Text,
        }
    }
}

/// Why a text or a day is refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum LimitError {
    /// Longer than its kind allows.
    #[error("{chars} characters is too long: at most {max}")]
    TooLong {
        /// Its length.
        chars: usize,
        /// The most allowed.
        max: usize,
    },
    /// Holds a control character (NUL, escape, a line break in a key or name...).
    #[error("control character {} at character {position} is not allowed", Codepoint(*.character))]
    ControlCharacter {
        /// The character.
        character: char,
        /// Its position, from 1.
        position: usize,
    },
    /// A day outside [`FIRST_DAY`]..=[`LAST_DAY`].
    #[error("{0} is not a plausible day: use a day from {FIRST_DAY} to {LAST_DAY}")]
    Implausible(NaiveDate),
}

struct Codepoint(char);

impl fmt::Display for Codepoint {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "U+{:04X}", u32::from(self.0))
    }
}

/// Checks a text of `kind`: at most its length, and no control character (line breaks and tabs
/// only in free text and documents).
pub fn check_text(text: &str, kind: TextKind) -> Result<(), LimitError> {
    let max = kind.max_chars();
    for (i, c) in text.chars().enumerate() {
        let allowed_space = matches!(kind, TextKind::Text | TextKind::Document) && matches!(c, '\n' | '\r' | '\t');
        if c.is_control() && !allowed_space {
            return Err(LimitError::ControlCharacter { character: c, position: i + 1 });
        }
        if i == max {
            return Err(LimitError::TooLong { chars: text.chars().count(), max });
        }
    }
    Ok(())
}

/// Checks that a day is in the plausible range.
pub fn check_day(day: NaiveDate) -> Result<(), LimitError> {
    if (FIRST_DAY..=LAST_DAY).contains(&day) { Ok(()) } else { Err(LimitError::Implausible(day)) }
}

/// A value short enough to quote in a message: its first characters, with `…` when cut.
pub fn excerpt(text: &str) -> String {
    const SHOWN: usize = 40;
    let mut out: String = text.chars().take(SHOWN).collect();
    if text.chars().nth(SHOWN).is_some() {
        out.push('…');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn text_within_its_kind_passes() {
        assert_eq!(check_text("sf:0065g00000XyZ", TextKind::Key), Ok(()));
        assert_eq!(check_text(&"é".repeat(KEY_MAX_CHARS), TextKind::Key), Ok(()));
        assert_eq!(check_text("line one\nline two\ttabbed", TextKind::Text), Ok(()));
    }

    #[test]
    fn long_text_and_control_characters_are_refused() {
        assert_eq!(
            check_text(&"x".repeat(KEY_MAX_CHARS + 1), TextKind::Key),
            Err(LimitError::TooLong { chars: KEY_MAX_CHARS + 1, max: KEY_MAX_CHARS })
        );
        assert_eq!(
            check_text("ab\0c", TextKind::Text).unwrap_err().to_string(),
            "control character U+0000 at character 3 is not allowed"
        );
        assert!(matches!(check_text("two\nlines", TextKind::Name), Err(LimitError::ControlCharacter { .. })));
        assert!(matches!(check_text("esc\u{1b}[31m", TextKind::Text), Err(LimitError::ControlCharacter { .. })));
    }

    #[test]
    fn days_outside_the_plausible_range_are_refused() {
        assert_eq!(check_day(FIRST_DAY), Ok(()));
        assert_eq!(check_day(LAST_DAY), Ok(()));
        let far = NaiveDate::from_ymd_opt(9999, 12, 31).unwrap();
        assert_eq!(
            check_day(far).unwrap_err().to_string(),
            "9999-12-31 is not a plausible day: use a day from 1900-01-01 to 2099-12-31"
        );
        assert!(check_day(NaiveDate::from_ymd_opt(1899, 12, 31).unwrap()).is_err());
    }

    #[test]
    fn excerpts_are_short() {
        assert_eq!(excerpt("short"), "short");
        assert_eq!(excerpt(&"y".repeat(1000)).chars().count(), 41);
    }

    proptest! {
        #[test]
        fn printable_text_within_the_limit_always_passes(text in "[^\\p{Cc}]{0,255}") {
            prop_assert_eq!(check_text(&text, TextKind::Key), Ok(()));
        }

        #[test]
        fn text_over_the_limit_never_passes(extra in 1usize..50) {
            let text = "a".repeat(NAME_MAX_CHARS + extra);
            prop_assert!(check_text(&text, TextKind::Name).is_err());
        }
    }
}
