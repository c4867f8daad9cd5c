//! Every language says everything: the same messages in the same files, each resource parses,
//! and every message id the code asks for exists.

use pacer_i18n::Language;
use std::collections::BTreeSet;
use std::path::Path;

#[test]
fn every_resource_parses_without_error() {
    for (language, file, text) in pacer_i18n::resources() {
        if let Err((_, errors)) = fluent_syntax::parser::parse(*text) {
            panic!("locales/{language}/{file} does not parse: {errors:?}");
        }
    }
}

#[test]
fn every_language_has_every_message_of_english_and_no_other() {
    let english = pacer_i18n::ids(Language::English);
    let all: Vec<_> = english.iter().flat_map(|(_, ids)| ids.clone()).collect();
    let unique: BTreeSet<_> = all.iter().collect();
    assert_eq!(all.len(), unique.len(), "an English message id is defined twice");
    for language in Language::ALL {
        let theirs = pacer_i18n::ids(language);
        for (file, ids) in &english {
            let found = theirs.iter().find(|(f, _)| f == file).map(|(_, ids)| ids.clone()).unwrap_or_default();
            let (ours, them): (BTreeSet<_>, BTreeSet<_>) = (ids.iter().collect(), found.iter().collect());
            let missing: Vec<_> = ours.difference(&them).collect();
            let extra: Vec<_> = them.difference(&ours).collect();
            assert!(missing.is_empty(), "locales/{language}/{file} lacks {missing:?}");
            assert!(extra.is_empty(), "locales/{language}/{file} has ids English does not: {extra:?}");
        }
        assert_eq!(theirs.len(), english.len(), "{language} has files English does not");
    }
}

/// The message ids the code names: the first argument of `.t("…")`, `t_with("…"` and `tr!(x, "…"`,
/// in every crate's sources.
fn ids_in_code() -> BTreeSet<(String, String)> {
    let crates = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let mut out = BTreeSet::new();
    let mut stack = vec![crates];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() && !path.ends_with("target") && !path.ends_with("pacer-i18n/tests") {
                stack.push(path);
            } else if path.extension().is_some_and(|e| e == "rs") {
                let text = std::fs::read_to_string(&path).unwrap();
                for id in message_ids(&text) {
                    out.insert((id, path.display().to_string()));
                }
            }
        }
    }
    out
}

/// The string literal after each `t("`, `t_with("` or `tr!(<expr>, "` in `source`.
fn message_ids(source: &str) -> Vec<String> {
    let mut ids = Vec::new();
    for opener in [".t(\"", "t_with(\"", "tr!("] {
        let mut rest = source;
        while let Some(at) = rest.find(opener) {
            rest = &rest[at + opener.len()..];
            let literal = if opener == "tr!(" {
                // `tr!(locale, "id", …)`: the literal after the first comma, when it is one.
                rest.split_once(',').map(|(_, after)| after.trim_start()).and_then(|a| a.strip_prefix('"'))
            } else {
                Some(rest)
            };
            if let Some(id) = literal.and_then(|l| l.split_once('"')).map(|(id, _)| id)
                && !id.is_empty()
                && id.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '.')
            {
                ids.push(id.to_owned());
            }
        }
    }
    ids
}

#[test]
fn every_message_the_code_asks_for_exists() {
    let defined: BTreeSet<String> = pacer_i18n::ids(Language::English).into_iter().flat_map(|(_, ids)| ids).collect();
    let missing: Vec<_> = ids_in_code().into_iter().filter(|(id, _)| !defined.contains(id)).collect();
    assert!(missing.is_empty(), "message ids used in the code but defined nowhere: {missing:#?}");
}
