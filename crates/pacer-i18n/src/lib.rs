//! Pacer's words and formats for people, in each language it speaks ([`Language`]).
//!
//! The words are Project Fluent resources, one file per part of the product under
//! `locales/<language>/`, compiled into the binary; a message is asked for by its id
//! ([`Locale::t`], or [`tr!`] with arguments). The formats of numbers, money, percentages and
//! dates come from CLDR through ICU4X ([`Locale::money`], [`Locale::date`], …). Machine formats
//! (JSON, the API, raw CSV columns) never pass through here: they stay locale-independent.
//!
//! Adding a language: see `locales/README.md`.

mod formats;
mod notes;
mod words;

pub use words::{ids, resources};

pub use pacer_core::language::Language;

/// A language and everything needed to write for a reader of it. Cheap to copy: the resources
/// and formatters are built once per process.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct Locale {
    /// The language.
    pub language: Language,
}

impl From<Language> for Locale {
    fn from(language: Language) -> Self {
        Locale { language }
    }
}

impl Locale {
    /// English, the language of the source and the fallback of every message.
    pub const ENGLISH: Locale = Locale { language: Language::English };
    /// French.
    pub const FRENCH: Locale = Locale { language: Language::French };

    /// The BCP 47 tag (`lang="…"` of a page).
    pub fn tag(self) -> &'static str {
        self.language.as_str()
    }

    /// The message `id` (or `id.attribute`) in this language, without arguments.
    pub fn t(self, id: &str) -> String {
        words::message(self.language, id, &[])
    }

    /// The message `id` with its arguments (see [`tr!`], which builds the list).
    pub fn t_with(self, id: &str, args: &[(&str, Arg)]) -> String {
        words::message(self.language, id, args)
    }
}

/// A value given to a message: a text as it is, or a number, which selects plural forms
/// (`{ $count -> [one] … *[other] … }`); a number shown to people is formatted first with the
/// locale's [`Locale::count`] and given as text beside it.
#[derive(Debug, Clone, PartialEq)]
pub enum Arg {
    /// Text, shown as it is.
    Text(String),
    /// A number, for plural selection.
    Number(f64),
}

impl From<&str> for Arg {
    fn from(s: &str) -> Self {
        Arg::Text(s.to_owned())
    }
}
impl From<String> for Arg {
    fn from(s: String) -> Self {
        Arg::Text(s)
    }
}
impl From<&String> for Arg {
    fn from(s: &String) -> Self {
        Arg::Text(s.clone())
    }
}
macro_rules! number_arg {
    ($($t:ty),+) => { $(impl From<$t> for Arg { fn from(n: $t) -> Self { Arg::Number(n as f64) } })+ };
}
number_arg!(i32, i64, u32, u64, usize, f64);

/// A message with arguments: `tr!(locale, "period-quarter", i = "4", fy = "2027")` is "Q4 FY2027" in English.
#[macro_export]
macro_rules! tr {
    ($locale:expr, $id:expr $(, $name:ident = $value:expr)* $(,)?) => {
        $locale.t_with($id, &[$((stringify!($name), $crate::Arg::from($value))),*])
    };
}
