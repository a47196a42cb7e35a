//! The message catalogues at run time: the code `build.rs` generates from `locales/` (the
//! [`Lang`] enum, one struct per catalogue file), and the Fluent bundles behind it.
//!
//! Each language is loaded once, on first use: a message without variables is formatted then
//! and kept as a `&'static str`; one with variables is formatted at each call, so Fluent picks
//! the plural form of the language (`[one]`, `[few]`, … by CLDR rules).

use std::{borrow::Cow, sync::LazyLock};

use fluent_bundle::{FluentArgs, FluentResource, FluentValue, concurrent::FluentBundle};
use unic_langid::LanguageIdentifier;

type Bundle = FluentBundle<FluentResource>;

include!(concat!(env!("OUT_DIR"), "/catalogue.rs"));

static CATALOGUES: LazyLock<Vec<Catalogue>> =
    LazyLock::new(|| Lang::ALL.into_iter().map(load).collect());

pub(super) fn of(lang: Lang) -> &'static Catalogue {
    &CATALOGUES[lang.index()]
}

/// One bundle per file of `lang`, kept for the life of the process.
fn bundles(lang: Lang, sources: &[&'static str]) -> Vec<&'static Bundle> {
    let id: LanguageIdentifier = lang
        .tag()
        .parse()
        .expect("build.rs accepts only two-letter language folders");
    // Right-to-left text gets Unicode isolation marks around each variable, so a service's
    // Latin name does not reorder the sentence around it.
    let rtl = sources[0]
        .lines()
        .any(|l| l.trim() == "language-direction = rtl");
    sources
        .iter()
        .map(|source| {
            let resource = FluentResource::try_new((*source).to_owned())
                .unwrap_or_else(|_| panic!("locales/{}: build.rs parsed this file", lang.tag()));
            let mut bundle = Bundle::new_concurrent(vec![id.clone()]);
            bundle.set_use_isolating(rtl);
            bundle
                .add_resource(resource)
                .unwrap_or_else(|e| panic!("locales/{}: {e:?}", lang.tag()));
            &*Box::leak(Box::new(bundle))
        })
        .collect()
}

/// A message without variables, formatted once.
fn text(bundle: &'static Bundle, id: &str) -> &'static str {
    let pattern = bundle
        .get_message(id)
        .and_then(|m| m.value())
        .unwrap_or_else(|| panic!("build.rs checked that `{id}` exists in every language"));
    let mut errors = Vec::new();
    match bundle.format_pattern(pattern, None, &mut errors) {
        Cow::Borrowed(s) => s,
        Cow::Owned(s) => Box::leak(s.into_boxed_str()),
    }
}

/// A message with variables, formatted with `args`.
fn format(bundle: &'static Bundle, id: &str, args: &FluentArgs<'_>) -> String {
    let pattern = bundle
        .get_message(id)
        .and_then(|m| m.value())
        .unwrap_or_else(|| panic!("build.rs checked that `{id}` exists in every language"));
    let mut errors = Vec::new();
    let text = bundle.format_pattern(pattern, Some(args), &mut errors);
    debug_assert!(errors.is_empty(), "`{id}`: {errors:?}");
    text.into_owned()
}
