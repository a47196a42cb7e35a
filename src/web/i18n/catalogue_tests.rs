//! The catalogue tests: every language has every message (the check `build.rs` runs, shown
//! here to catch each kind of gap), every message is used, and no template or script shows
//! text that is not in the catalogue.

use std::{
    fs,
    path::{Path, PathBuf},
};

use super::{
    Lang,
    catalogue::{FILES, KEYS},
    check,
};

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn files_under(dir: &Path, ext: &str, out: &mut Vec<PathBuf>) {
    for entry in fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            files_under(&path, ext, out);
        } else if path.extension().is_some_and(|e| e == ext) {
            out.push(path);
        }
    }
}

/// The errors `build.rs` would report for these catalogues: (language, file, text).
fn problems(catalogues: &[(&str, &str, &str)]) -> Vec<String> {
    let mut errors = Vec::new();
    let english: Vec<_> = catalogues
        .iter()
        .filter(|(l, _, _)| *l == "en")
        .map(|(_, f, text)| (*f, check::parse(&format!("en/{f}"), text, &mut errors)))
        .collect();
    for (lang, file, text) in catalogues.iter().filter(|(l, _, _)| *l != "en") {
        let path = format!("{lang}/{file}");
        let theirs = check::parse(&path, text, &mut errors);
        let (_, en) = english.iter().find(|(f, _)| f == file).unwrap();
        check::compare(&path, &format!("en/{file}"), en, &theirs, &mut errors);
    }
    errors
}

#[test]
fn every_language_has_every_message_with_the_same_variables() {
    let texts: Vec<(String, &str, String)> = Lang::ALL
        .iter()
        .flat_map(|l| {
            FILES.iter().map(move |f| {
                let path = root()
                    .join("locales")
                    .join(l.tag())
                    .join(format!("{f}.ftl"));
                (l.tag().to_owned(), *f, fs::read_to_string(path).unwrap())
            })
        })
        .collect();
    let borrowed: Vec<_> = texts
        .iter()
        .map(|(l, f, t)| (l.as_str(), *f, t.as_str()))
        .collect();
    assert_eq!(problems(&borrowed), Vec::<String>::new());
    assert!(Lang::ALL.len() >= 4, "English and at least three more");
    assert!(
        Lang::ALL.iter().any(|l| l.dir() == "rtl"),
        "one right-to-left"
    );
}

#[test]
fn a_missing_an_unknown_a_changed_and_a_broken_message_are_each_caught() {
    let en = "hello = Hello { $name }\nbye = Goodbye\n";
    let errors = problems(&[
        ("en", "x", en),
        ("fr", "x", "hello = Bonjour { $name }\n"),
        (
            "es",
            "x",
            "hello = Hola { $name }\nbye = Adiós\nextra = Más\n",
        ),
        ("ar", "x", "hello = مرحبا { $nombre }\nbye = وداعا\n"),
        ("de", "x", "hello = Hallo { $name\nbye = Tschüss\n"),
    ]);
    let has = |needle: &str| errors.iter().any(|e| e.contains(needle));
    assert!(
        has("fr/x: `bye` is missing (English: en/x line 2)"),
        "{errors:#?}"
    );
    assert!(has("es/x line 3: `extra` is not in English"), "{errors:#?}");
    assert!(
        has("ar/x line 1: `hello` uses the variables [\"nombre\"], English [\"name\"]"),
        "{errors:#?}"
    );
    assert!(has("de/x line 2: not Fluent syntax"), "{errors:#?}");
}

/// Each message's field or method name (`service-name` → `.service_name`), as code uses it.
#[test]
fn every_message_is_used_by_a_page_or_the_code() {
    let mut sources = Vec::new();
    files_under(&root().join("src"), "rs", &mut sources);
    files_under(&root().join("templates"), "html", &mut sources);
    let text: String = sources
        .iter()
        .filter(|p| !p.ends_with("catalogue_tests.rs"))
        .map(|p| fs::read_to_string(p).unwrap())
        .collect::<Vec<_>>()
        .join("\n");
    let used = |name: &str| {
        let needle = format!(".{name}");
        text.match_indices(&needle).any(|(i, _)| {
            !text[i + needle.len()..]
                .chars()
                .next()
                .is_some_and(|c| c.is_alphanumeric() || c == '_')
        })
    };
    let unused: Vec<String> = KEYS
        .iter()
        .filter(|(_, id)| !used(&id.replace('-', "_")))
        .map(|(file, id)| format!("locales/en/{file}.ftl: `{id}`"))
        .collect();
    assert!(
        unused.is_empty(),
        "messages no page or code uses (remove them from every language):\n{}",
        unused.join("\n")
    );
}

/// The text a template shows outside `{{ … }}`: each piece with letters in it, with its line.
fn text_outside_the_catalogue(template: &str) -> Vec<(usize, String)> {
    let mut s = template.to_owned();
    // Comments, scripts and styles are not shown; code samples are not translated.
    for (open, close) in [
        ("{#", "#}"),
        ("<!--", "-->"),
        ("<script", "</script>"),
        ("<style", "</style>"),
        ("<pre", "</pre>"),
        ("<code", "</code>"),
        ("<kbd", "</kbd>"),
    ] {
        while let Some(a) = s.find(open) {
            let b = s[a..].find(close).map_or(s.len(), |b| a + b + close.len());
            let blanked: String = s[a..b]
                .chars()
                .map(|c| if c == '\n' { '\n' } else { ' ' })
                .collect();
            s.replace_range(a..b, &blanked);
        }
    }
    for (open, close) in [("{{", "}}"), ("{%", "%}")] {
        while let Some(a) = s.find(open) {
            let b = s[a..].find(close).map_or(s.len(), |b| a + b + close.len());
            let blanked: String = s[a..b]
                .chars()
                .map(|c| if c == '\n' { '\n' } else { '\u{1}' })
                .collect();
            s.replace_range(a..b, &blanked);
        }
    }
    let line_at = |i: usize| s[..i].matches('\n').count() + 1;
    let mut found = Vec::new();
    let mut rest = 0;
    while rest < s.len() {
        let (text_end, tag_end) = match s[rest..].find('<') {
            Some(lt) => {
                let a = rest + lt;
                (a, s[a..].find('>').map_or(s.len(), |b| a + b + 1))
            }
            None => (s.len(), s.len()),
        };
        let text = &s[rest..text_end];
        if shows_words(text) {
            let shown = text.replace('\u{1}', "").replace('\n', " ");
            found.push((line_at(rest), shown.trim().to_owned()));
        }
        // Attributes a person reads or hears.
        let tag = &s[text_end..tag_end];
        for attr in [
            "alt=\"",
            "title=\"",
            "placeholder=\"",
            "aria-label=\"",
            "aria-description=\"",
            "data-confirm=\"",
        ] {
            let mut from = 0;
            while let Some(i) = tag[from..].find(attr) {
                let start = from + i + attr.len();
                let end = tag[start..].find('"').map_or(tag.len(), |e| start + e);
                if shows_words(&tag[start..end]) {
                    found.push((line_at(text_end), tag[start..end].to_owned()));
                }
                from = end;
            }
        }
        rest = tag_end;
    }
    found
}

/// Whether a piece of template text shows letters, once entities are set aside.
fn shows_words(text: &str) -> bool {
    let mut t = text.to_owned();
    while let Some(a) = t.find('&') {
        match t[a..].find(';') {
            Some(b) if b < 10 => t.replace_range(a..a + b + 1, " "),
            _ => break,
        }
    }
    t.chars().any(char::is_alphabetic)
}

#[test]
fn templates_hold_no_text_outside_the_catalogue() {
    let mut templates = Vec::new();
    files_under(&root().join("templates"), "html", &mut templates);
    let mut found = Vec::new();
    for path in &templates {
        let text = fs::read_to_string(path).unwrap();
        let shown = path.strip_prefix(root()).unwrap().display().to_string();
        for (line, words) in text_outside_the_catalogue(&text) {
            found.push(format!("{shown} line {line}: {words:?}"));
        }
    }
    assert!(
        found.is_empty(),
        "text outside the catalogue (move it to locales/*/*.ftl):\n{}",
        found.join("\n")
    );
}

#[test]
fn the_template_check_finds_text_in_elements_and_in_attributes_read_aloud() {
    let found = text_outside_the_catalogue(
        "{# a comment #}\n<p>{{ t.ok }}</p>\n<p>Hello</p>\n<img alt=\"Logo\" src=\"/x.png\">\n\
         <button aria-label=\"{{ t.close }}\">&times;</button>\n<code>openid</code>\n\
         <input placeholder=\"Name\">\n{% if x %}<span>·</span>{% endif %}",
    );
    let words: Vec<&str> = found.iter().map(|(_, w)| w.as_str()).collect();
    assert_eq!(words, ["Hello", "Logo", "Name"]);
    assert_eq!(found[0].0, 3);
}

#[test]
fn scripts_take_their_words_from_the_page() {
    let mut scripts = Vec::new();
    files_under(&root().join("static"), "js", &mut scripts);
    for path in scripts {
        let text = fs::read_to_string(&path).unwrap();
        for (n, line) in text.lines().enumerate() {
            let assigns_words = ["textContent = \"", "innerText = \"", "alert(\""]
                .iter()
                .any(|a| line.contains(a) && !line.contains(&format!("{a}\"")));
            assert!(
                !assigns_words,
                "{} line {}: text written in the script; put it in the catalogue and pass it \
                 through a data- attribute",
                path.display(),
                n + 1
            );
        }
    }
}
