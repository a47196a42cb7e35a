//! The message catalogues, checked at build time: `locales/<language>/<file>.ftl` (Fluent).
//!
//! English (`locales/en`) is the reference. The build fails, naming the file and line, when a
//! catalogue does not parse, when a language lacks a message English has or has one English
//! does not, or when a translation uses other variables than the English message. So a
//! missing translation stays a compile error, as when each language was a Rust value.
//!
//! From the English files it writes `catalogue.rs` (included by `src/web/i18n/catalogue.rs`):
//! the `Lang` enum (one variant per folder of `locales/`), and for each file a struct whose
//! fields are its messages without variables (`service-name` → `service_name: &'static str`)
//! and whose methods are its messages with variables (`otp-mail-body` → `otp_mail_body(code)`).

use std::{
    collections::BTreeMap,
    fmt::Write as _,
    fs,
    path::{Path, PathBuf},
};

#[path = "src/web/i18n/check.rs"]
mod check;

use check::Messages;

/// Each catalogue file and the struct generated from it.
const FILES: [(&str, &str, &str); 5] = [
    (
        "citizen",
        "Messages",
        "The citizen pages, e-mails and answers.",
    ),
    ("console", "Texts", "The helpdesk console."),
    ("operations", "OpsTexts", "The console's operator pages."),
    (
        "references",
        "RefTexts",
        "The console's error-reference lookup.",
    ),
    ("portal", "PortalTexts", "The relying-party portal."),
];

fn main() {
    let root = PathBuf::from(std::env::var("CARGO_MANIFEST_DIR").unwrap()).join("locales");
    println!("cargo:rerun-if-changed=locales");
    let mut langs: Vec<String> = fs::read_dir(&root)
        .unwrap_or_else(|e| fail(&format!("{}: {e}", root.display())))
        .filter_map(Result::ok)
        .filter(|e| e.path().is_dir())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    langs.sort_by_key(|l| (l != "en", l.clone()));
    if langs.first().map(String::as_str) != Some("en") {
        fail("locales/en is missing: English is the reference catalogue");
    }
    for lang in &langs {
        println!("cargo:rerun-if-changed=locales/{lang}");
        if lang.len() != 2 || !lang.bytes().all(|b| b.is_ascii_lowercase()) {
            fail(&format!(
                "locales/{lang}: name each language's folder by its two-letter ISO 639-1 code"
            ));
        }
        for (file, _, _) in FILES {
            println!("cargo:rerun-if-changed=locales/{lang}/{file}.ftl");
        }
    }

    let mut errors = Vec::new();
    let mut english: BTreeMap<&str, Messages> = BTreeMap::new();
    for (file, _, _) in FILES {
        english.insert(file, read(&root, "en", file, &mut errors));
    }
    for lang in &langs[1..] {
        for (file, _, _) in FILES {
            let theirs = read(&root, lang, file, &mut errors);
            let path = format!("locales/{lang}/{file}.ftl");
            let english_path = format!("locales/en/{file}.ftl");
            check::compare(&path, &english_path, &english[file], &theirs, &mut errors);
        }
    }
    for id in ["language-name", "language-direction"] {
        if !english["citizen"].contains_key(id) {
            errors.push(format!("locales/en/citizen.ftl: `{id}` is missing"));
        }
    }
    for lang in &langs {
        let path = root.join(lang).join("citizen.ftl");
        let text = fs::read_to_string(&path).unwrap_or_default();
        let dir = text
            .lines()
            .find_map(|l| l.strip_prefix("language-direction = "))
            .map(str::trim);
        if !matches!(dir, Some("ltr" | "rtl")) {
            errors.push(format!(
                "locales/{lang}/citizen.ftl: `language-direction` must be `ltr` or `rtl`"
            ));
        }
    }
    if !errors.is_empty() {
        fail(&errors.join("\n"));
    }

    let out = PathBuf::from(std::env::var("OUT_DIR").unwrap()).join("catalogue.rs");
    fs::write(&out, generate(&langs, &english)).unwrap();
}

fn fail(message: &str) -> ! {
    eprintln!("error: the message catalogues are not complete:\n{message}");
    panic!("the message catalogues (locales/) are not complete:\n{message}");
}

fn snake(id: &str) -> String {
    id.replace('-', "_")
}

fn camel(tag: &str) -> String {
    let mut c = tag.chars();
    c.next()
        .map(|f| f.to_ascii_uppercase().to_string() + c.as_str())
        .unwrap_or_default()
}

fn generate(langs: &[String], english: &BTreeMap<&str, Messages>) -> String {
    let mut s = String::new();
    let n = langs.len();
    let _ = writeln!(
        s,
        "/// A language Civitas speaks: one per folder of `locales/`.\n\
         #[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]\npub enum Lang {{"
    );
    for (i, l) in langs.iter().enumerate() {
        if i == 0 {
            s.push_str("    #[default]\n");
        }
        let _ = writeln!(s, "    {},", camel(l));
    }
    s.push_str("}\n\nimpl Lang {\n");
    let _ = writeln!(
        s,
        "    /// Every language, English first.\n    pub const ALL: [Lang; {n}] = [{}];",
        langs
            .iter()
            .map(|l| format!("Lang::{}", camel(l)))
            .collect::<Vec<_>>()
            .join(", ")
    );
    s.push_str("\n    /// ISO 639-1 code, for `<html lang>`, the cookie and `ui_locales`.\n    pub fn tag(self) -> &'static str {\n        match self {\n");
    for l in langs {
        let _ = writeln!(s, "            Lang::{} => {l:?},", camel(l));
    }
    s.push_str(
        "        }\n    }\n\n    fn index(self) -> usize {\n        self as usize\n    }\n}\n\n",
    );

    let _ = writeln!(
        s,
        "/// The catalogue files.\npub const FILES: [&str; {}] = [{}];\n",
        FILES.len(),
        FILES
            .iter()
            .map(|(f, _, _)| format!("{f:?}"))
            .collect::<Vec<_>>()
            .join(", ")
    );
    let _ = writeln!(
        s,
        "/// Each language's catalogue files, in [`FILES`] order."
    );
    let _ = writeln!(s, "static SOURCES: [[&str; {}]; {n}] = [", FILES.len());
    for l in langs {
        s.push_str("    [\n");
        for (file, _, _) in FILES {
            let _ = writeln!(
                s,
                "        include_str!(concat!(env!(\"CARGO_MANIFEST_DIR\"), \"/locales/{l}/{file}.ftl\")),"
            );
        }
        s.push_str("    ],\n");
    }
    s.push_str("];\n\n");
    let _ = writeln!(
        s,
        "/// Every message of every file, for the catalogue tests: (file, message id).\npub const KEYS: &[(&str, &str)] = &["
    );
    for (file, _, _) in FILES {
        for id in english[file].keys() {
            let _ = writeln!(s, "    ({file:?}, {id:?}),");
        }
    }
    s.push_str("];\n\n");

    s.push_str("/// One language's texts, every file.\npub struct Catalogue {\n");
    for (file, ty, _) in FILES {
        let _ = writeln!(s, "    pub {file}: {ty},");
    }
    s.push_str("}\n\nfn load(lang: Lang) -> Catalogue {\n    let b = bundles(lang, &SOURCES[lang.index()]);\n    Catalogue {\n");
    for (i, (file, ty, _)) in FILES.iter().enumerate() {
        let _ = writeln!(s, "        {file}: {ty}::load(b[{i}]),");
    }
    s.push_str("    }\n}\n\n");

    for (file, ty, doc) in FILES {
        let _ = writeln!(
            s,
            "/// {doc} From `locales/*/{file}.ftl`.\npub struct {ty} {{\n    #[allow(dead_code)]\n    bundle: &'static Bundle,"
        );
        for (id, e) in &english[file] {
            if e.vars.is_empty() {
                if let Some(c) = &e.comment {
                    let _ = writeln!(s, "    /// {}", c.replace('\n', " "));
                }
                let _ = writeln!(s, "    pub {}: &'static str,", snake(id));
            }
        }
        let _ = writeln!(
            s,
            "}}\n\nimpl {ty} {{\n    fn load(bundle: &'static Bundle) -> Self {{\n        Self {{\n            bundle,"
        );
        for (id, e) in &english[file] {
            if e.vars.is_empty() {
                let _ = writeln!(s, "            {}: text(bundle, {id:?}),", snake(id));
            }
        }
        s.push_str("        }\n    }\n");
        for (id, e) in &english[file] {
            if e.vars.is_empty() {
                continue;
            }
            if let Some(c) = &e.comment {
                let _ = writeln!(s, "\n    /// {}", c.replace('\n', " "));
            } else {
                s.push('\n');
            }
            let params: Vec<String> = e
                .vars
                .iter()
                .map(|v| format!("{}: impl Into<FluentValue<'a>>", snake(v)))
                .collect();
            let _ = writeln!(
                s,
                "    pub fn {}<'a>(&self, {}) -> String {{\n        let mut args = FluentArgs::new();",
                snake(id),
                params.join(", ")
            );
            for v in &e.vars {
                let _ = writeln!(s, "        args.set({v:?}, {});", snake(v));
            }
            let _ = writeln!(s, "        format(self.bundle, {id:?}, &args)\n    }}");
        }
        s.push_str("}\n\n");
    }
    s
}

/// The messages of `locales/<lang>/<file>.ftl`; an unreadable file is an error.
fn read(root: &Path, lang: &str, file: &str, errors: &mut Vec<String>) -> Messages {
    let path = root.join(lang).join(format!("{file}.ftl"));
    let shown = format!("locales/{lang}/{file}.ftl");
    match fs::read_to_string(&path) {
        Ok(text) => check::parse(&shown, &text, errors),
        Err(_) => {
            errors.push(format!(
                "{shown}: missing; copy locales/en/{file}.ftl and translate it"
            ));
            Messages::new()
        }
    }
}
