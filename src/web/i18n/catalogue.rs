//! The message catalogues at run time: the code `build.rs` generates from `locales/` (the
//! [`Lang`] enum, one struct per catalogue file), and the Fluent bundles behind it.
//!
//! Each language is loaded once, on first use: a message without variables is formatted then
//! and kept as a `&'static str`; one with variables is formatted at each call, so Fluent picks
//! the plural form of the language (`[one]`, `[few]`, … by CLDR rules).

use std::{borrow::Cow, sync::LazyLock};

use fluent_bundle::{FluentArgs, FluentResource, FluentValue, concurrent::FluentBundle};
use intl_memoizer::concurrent::IntlLangMemoizer;
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
            bundle.set_formatter(Some(number_formatter(sources[0])));
            bundle
                .add_resource(resource)
                .unwrap_or_else(|e| panic!("locales/{}: {e:?}", lang.tag()));
            &*Box::leak(Box::new(bundle))
        })
        .collect()
}

/// How a language writes numbers: digits grouped by three with the separator its catalogue
/// names (`number-group-separator`: "," in English, a narrow space in French). Fluent formats
/// every number variable with it; plural forms are chosen on the number, not the text.
fn number_formatter(
    citizen_source: &str,
) -> fn(&FluentValue<'_>, &IntlLangMemoizer) -> Option<String> {
    let separator = citizen_source
        .lines()
        .find_map(|l| l.strip_prefix("number-group-separator ="))
        .map(str::trim);
    match separator {
        Some(r#"{ "\u202F" }"#) => grouped::<'\u{202F}'>,
        Some(r#"{ "\u00A0" }"#) => grouped::<'\u{00A0}'>,
        Some(".") => grouped::<'.'>,
        Some("٬") => grouped::<'٬'>,
        Some("'") => grouped::<'\''>,
        _ => grouped::<','>,
    }
}

fn grouped<const SEPARATOR: char>(value: &FluentValue<'_>, _: &IntlLangMemoizer) -> Option<String> {
    let FluentValue::Number(n) = value else {
        return None;
    };
    if n.value.fract() != 0.0 || n.value.abs() >= 1e15 {
        return None;
    }
    Some(group_digits(n.value as i64, SEPARATOR))
}

/// `1234567` → `1,234,567` (with `separator` in place of the comma).
pub fn group_digits(n: i64, separator: char) -> String {
    let digits = n.unsigned_abs().to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3 + 1);
    if n < 0 {
        out.push('-');
    }
    for (i, d) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(separator);
        }
        out.push(d);
    }
    out
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
