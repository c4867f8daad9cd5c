//! The languages Pacer speaks to people, and how a person's is chosen: their own setting, then
//! the organisation's, then what their browser asks for (`Accept-Language`) or the system's
//! locale on the command line. The words and formats themselves are `pacer-i18n`'s.

use crate::text_enum::text_enum;

/// A language of the pages, the digest, the spreadsheets and the command line.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, PartialOrd, Ord, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum Language {
    /// English.
    #[default]
    #[serde(rename = "en")]
    English,
    /// French.
    #[serde(rename = "fr")]
    French,
}

text_enum!(
    /// The language's BCP 47 tag, as stored and as in `lang="…"`.
    Language { English => "en", French => "fr" },
    unknown: "language"
);

impl Language {
    /// Every language, in the order a picker lists them.
    pub const ALL: [Language; 2] = [Language::English, Language::French];

    /// The language's own name for itself, as a picker shows it to someone who reads only that one.
    pub fn endonym(self) -> &'static str {
        match self {
            Language::English => "English",
            Language::French => "Français",
        }
    }

    /// The language of a locale or language tag (`fr`, `fr-CA`, `en_GB.UTF-8`), when Pacer speaks it.
    pub fn of_tag(tag: &str) -> Option<Language> {
        let primary = tag.trim().split(['-', '_', '.', '@']).next()?;
        Language::ALL.into_iter().find(|l| primary.eq_ignore_ascii_case(l.as_str()))
    }

    /// The language Pacer speaks that an `Accept-Language` header prefers most (RFC 9110 §12.5.4:
    /// by quality, then in the order given; `q=0` refuses), if any.
    pub fn negotiate(accept_language: &str) -> Option<Language> {
        let mut best: Option<(u16, Language)> = None;
        for item in accept_language.split(',') {
            let mut parts = item.split(';');
            let Some(language) = parts.next().and_then(Language::of_tag) else { continue };
            let quality = parts
                .filter_map(|p| p.trim().strip_prefix("q=").or_else(|| p.trim().strip_prefix("Q=")))
                .find_map(|q| q.trim().parse::<f32>().ok())
                .map_or(1000, |q| (q.clamp(0.0, 1.0) * 1000.0) as u16);
            if quality > 0 && best.is_none_or(|(b, _)| quality > b) {
                best = Some((quality, language));
            }
        }
        best.map(|(_, l)| l)
    }

    /// The language a person reads: their own setting, else the organisation's, else what they asked for.
    pub fn choose(own: Option<Language>, organisation: Option<Language>, asked: Option<Language>) -> Language {
        own.or(organisation).or(asked).unwrap_or_default()
    }
}

#[cfg(test)]
mod tests {
    use super::Language::{self, English, French};

    #[test]
    fn a_tag_names_its_language_in_any_of_its_forms() {
        for (tag, language) in [
            ("fr", Some(French)),
            ("fr-CA", Some(French)),
            ("FR_fr.UTF-8", Some(French)),
            ("en_GB.UTF-8", Some(English)),
            ("en", Some(English)),
            ("de-DE", None),
            ("", None),
            ("C", None),
        ] {
            assert_eq!(Language::of_tag(tag), language, "{tag}");
        }
        assert_eq!("FR".parse::<Language>(), Ok(French));
        assert!("de".parse::<Language>().unwrap_err().contains("use en, fr"));
    }

    #[test]
    fn the_browser_s_preference_is_read_by_quality_then_order() {
        for (header, language) in [
            ("fr-FR,fr;q=0.9,en-US;q=0.8,en;q=0.7", Some(French)),
            ("de-DE,de;q=0.9,en;q=0.5,fr;q=0.4", Some(English)),
            ("en;q=0.2, fr;q=0.8", Some(French)),
            ("fr;q=0, en;q=0.1", Some(English)),
            ("de, it", None),
            ("*", None),
            ("", None),
            ("fr, en", Some(French)),
        ] {
            assert_eq!(Language::negotiate(header), language, "{header}");
        }
    }

    #[test]
    fn a_person_s_own_setting_comes_first_then_the_organisation_s_then_the_browser_s() {
        assert_eq!(Language::choose(Some(French), Some(English), Some(English)), French);
        assert_eq!(Language::choose(None, Some(French), Some(English)), French);
        assert_eq!(Language::choose(None, None, Some(French)), French);
        assert_eq!(Language::choose(None, None, None), English);
    }
}
