//! The checks of the message catalogues (`locales/`), shared by `build.rs` (which fails the
//! build on any error) and the catalogue tests (`web::i18n::tests`), which feed it broken
//! catalogues to show each error is caught.

use std::collections::{BTreeMap, BTreeSet};

use fluent_syntax::{ast, parser};

/// A message: the line it starts on, and the variables it uses in order of first use.
pub struct Entry {
    pub line: usize,
    pub vars: Vec<String>,
    #[allow(dead_code)] // build.rs writes it above the generated field; the tests do not need it
    pub comment: Option<String>,
}

/// A catalogue file's messages by id.
pub type Messages = BTreeMap<String, Entry>;

/// The messages of `text` (shown as `shown` in errors). Every syntax error, message without
/// text, message with attributes and id defined twice is added to `errors`.
pub fn parse(shown: &str, text: &str, errors: &mut Vec<String>) -> Messages {
    let line_of = |pos: usize| text[..pos.min(text.len())].matches('\n').count() + 1;
    let resource = match parser::parse(text) {
        Ok(r) => r,
        Err((r, errs)) => {
            for e in errs {
                errors.push(format!(
                    "{shown} line {}: not Fluent syntax ({:?})",
                    line_of(e.pos.start),
                    e.kind
                ));
            }
            r
        }
    };
    let mut entries = BTreeMap::new();
    for entry in resource.body {
        let ast::Entry::Message(m) = entry else {
            continue;
        };
        let id = m.id.name.to_owned();
        let line = line_of(m.id.name.as_ptr() as usize - text.as_ptr() as usize);
        let Some(value) = &m.value else {
            errors.push(format!("{shown} line {line}: `{id}` has no text"));
            continue;
        };
        if !m.attributes.is_empty() {
            errors.push(format!(
                "{shown} line {line}: `{id}` has attributes; make each text its own message"
            ));
        }
        let mut vars = Vec::new();
        pattern_vars(value, &mut vars);
        let comment = m.comment.map(|c| c.content.join(" "));
        if entries
            .insert(
                id.clone(),
                Entry {
                    line,
                    vars,
                    comment,
                },
            )
            .is_some()
        {
            errors.push(format!("{shown} line {line}: `{id}` is defined twice"));
        }
    }
    entries
}

/// Adds to `errors` each message English has and `theirs` lacks, each one `theirs` has and
/// English does not, and each whose variables differ.
pub fn compare(
    path: &str,
    english_path: &str,
    english: &Messages,
    theirs: &Messages,
    errors: &mut Vec<String>,
) {
    for (id, en) in english {
        match theirs.get(id) {
            None => errors.push(format!(
                "{path}: `{id}` is missing (English: {english_path} line {}); translate it",
                en.line
            )),
            Some(t) => {
                let a: BTreeSet<_> = en.vars.iter().collect();
                let b: BTreeSet<_> = t.vars.iter().collect();
                if a != b {
                    errors.push(format!(
                        "{path} line {}: `{id}` uses the variables {:?}, English {:?}; use the \
                         same ones",
                        t.line, t.vars, en.vars
                    ));
                }
            }
        }
    }
    for (id, t) in theirs {
        if !english.contains_key(id) {
            errors.push(format!(
                "{path} line {}: `{id}` is not in English ({english_path}); remove it or add it \
                 there",
                t.line
            ));
        }
    }
}

fn pattern_vars(p: &ast::Pattern<&str>, out: &mut Vec<String>) {
    for element in &p.elements {
        if let ast::PatternElement::Placeable { expression } = element {
            expression_vars(expression, out);
        }
    }
}

fn expression_vars(e: &ast::Expression<&str>, out: &mut Vec<String>) {
    match e {
        ast::Expression::Select { selector, variants } => {
            inline_vars(selector, out);
            for v in variants {
                pattern_vars(&v.value, out);
            }
        }
        ast::Expression::Inline(i) => inline_vars(i, out),
    }
}

fn inline_vars(e: &ast::InlineExpression<&str>, out: &mut Vec<String>) {
    match e {
        ast::InlineExpression::VariableReference { id } if !out.iter().any(|v| v == id.name) => {
            out.push(id.name.to_owned());
        }
        ast::InlineExpression::FunctionReference { arguments, .. } => {
            for a in &arguments.positional {
                inline_vars(a, out);
            }
            for a in &arguments.named {
                inline_vars(&a.value, out);
            }
        }
        ast::InlineExpression::Placeable { expression } => expression_vars(expression, out),
        _ => {}
    }
}
