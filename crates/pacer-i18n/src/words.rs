//! The Fluent bundles, one per language, built once from the resources compiled in.

use crate::{Arg, Language};
use fluent_bundle::concurrent::FluentBundle;
use fluent_bundle::{FluentArgs, FluentResource, FluentValue};
use std::sync::LazyLock;

include!(concat!(env!("OUT_DIR"), "/resources.rs"));

type Bundle = FluentBundle<FluentResource>;

/// Each language's bundle, in the order of [`Language::ALL`].
static BUNDLES: LazyLock<Vec<Bundle>> = LazyLock::new(|| Language::ALL.iter().map(|l| bundle(*l)).collect());

fn bundle(language: Language) -> Bundle {
    let id: unic_langid::LanguageIdentifier = language.as_str().parse().unwrap_or_default();
    let mut bundle = Bundle::new_concurrent(vec![id]);
    // Unicode isolation marks around every argument would end up in titles, cells and e-mails;
    // no language Pacer speaks is written right to left.
    bundle.set_use_isolating(false);
    for (_, _, text) in RESOURCES.iter().filter(|(tag, _, _)| *tag == language.as_str()) {
        // A resource that does not parse or repeats an id is a defect the tests catch
        // (`tests/completeness.rs`); what parsed still serves.
        let resource = FluentResource::try_new((*text).to_owned()).unwrap_or_else(|(partial, _)| partial);
        let _ = bundle.add_resource(resource);
    }
    bundle
}

/// The message `id` (or `id.attribute`) of `language`, else English's, else the id itself.
pub(crate) fn message(language: Language, id: &str, args: &[(&str, Arg)]) -> String {
    let fluent_args = (!args.is_empty()).then(|| {
        let mut out = FluentArgs::new();
        for (name, value) in args {
            match value {
                Arg::Text(s) => out.set(*name, FluentValue::from(s.as_str())),
                Arg::Number(n) => out.set(*name, FluentValue::from(*n)),
            }
        }
        out
    });
    [language, Language::English]
        .into_iter()
        .find_map(|l| format(&BUNDLES[l as usize], id, fluent_args.as_ref()))
        .unwrap_or_else(|| id.to_owned())
}

fn format(bundle: &Bundle, id: &str, args: Option<&FluentArgs>) -> Option<String> {
    let (message_id, attribute) = match id.split_once('.') {
        Some((m, a)) => (m, Some(a)),
        None => (id, None),
    };
    let message = bundle.get_message(message_id)?;
    let pattern = match attribute {
        Some(a) => message.get_attribute(a)?.value(),
        None => message.value()?,
    };
    let mut errors = Vec::new();
    Some(bundle.format_pattern(pattern, args, &mut errors).into_owned())
}

/// Every message id (with `id.attribute` for attributes) of `language`'s resources, per file, for
/// the completeness test.
pub fn ids(language: Language) -> Vec<(&'static str, Vec<String>)> {
    RESOURCES
        .iter()
        .filter(|(tag, _, _)| *tag == language.as_str())
        .map(|(_, file, text)| {
            let resource = FluentResource::try_new((*text).to_owned()).unwrap_or_else(|(partial, _)| partial);
            let mut ids = Vec::new();
            for entry in resource.entries() {
                if let fluent_syntax::ast::Entry::Message(m) = entry {
                    if m.value.is_some() {
                        ids.push(m.id.name.to_owned());
                    }
                    ids.extend(m.attributes.iter().map(|a| format!("{}.{}", m.id.name, a.id.name)));
                }
            }
            (*file, ids)
        })
        .collect()
}

/// Every resource compiled in: (language tag, file name, text), for the tests.
pub fn resources() -> &'static [(&'static str, &'static str, &'static str)] {
    RESOURCES
}
