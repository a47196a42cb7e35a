//! What the property-based fuzz tests (`cargo test fuzz`) share: how many cases a property
//! runs, and strategies that break a valid input the ways an attacker or a broken client
//! would. Each parser's targets live beside it in a `fuzz` module; README "Fuzzing" says how
//! to run them longer.

use proptest::{prelude::*, sample::Index};

/// `cases` per property, enough for the whole set to stay within CI's budget in a debug
/// build, unless `PROPTEST_CASES` asks for more (the longer run).
pub fn config(cases: u32) -> ProptestConfig {
    // `ProptestConfig::default()` reads `PROPTEST_CASES` (and the other `PROPTEST_` settings).
    let mut config = ProptestConfig::default();
    if std::env::var_os("PROPTEST_CASES").is_none() {
        config.cases = cases;
    }
    config
}

/// Text that parsers of outside input trip on: separators, encodings, invisible and control
/// characters, markup, and a value far past any length limit.
pub const NASTY: &[&str] = &[
    "",
    "\0",
    "\r\n",
    "\n",
    "\t",
    " ",
    "\u{7f}",
    "\u{85}",
    "\u{a0}",
    "\u{202e}",
    "\u{200b}",
    "\u{feff}",
    "\u{fffd}",
    "\u{10ffff}",
    "é",
    "İ",
    "ﬀ",
    "𝔄",
    "%",
    "%0",
    "%00",
    "%0A",
    "%zz",
    "%25",
    "%2F",
    "%C3%A9",
    "%FF",
    "%C0%AF",
    "+",
    "&",
    "=",
    "&=&",
    ";",
    ",",
    "#",
    "?",
    "/",
    "//",
    "\\",
    "..",
    "../",
    "*",
    "@",
    ":",
    "\"",
    "'",
    "<",
    ">",
    "<!---->",
    "<?x?>",
    "]]>",
    "&amp;",
    "&x;",
    "&#0;",
    "&#x10FFFF;",
    "<!DOCTYPE a [<!ENTITY x \"y\">]>",
    "{",
    "}",
    "[]",
    "null",
    "-1",
    "18446744073709551616",
    "1e999",
    "AAAA",
    "====",
];

/// A value far longer than any field allows.
pub fn huge() -> String {
    "A".repeat(70_000)
}

/// One edit of a byte string.
#[derive(Clone, Debug)]
pub enum Edit {
    /// Cut everything from here on.
    Truncate(Index),
    /// XOR one byte with a non-zero mask.
    Flip(Index, u8),
    /// Insert text from [`NASTY`] (or [`huge`] for `None`) here.
    Insert(Index, Option<Index>),
    /// Insert one arbitrary byte here.
    InsertByte(Index, u8),
    /// Remove a run of up to 16 bytes.
    Remove(Index, u8),
    /// Repeat a run of up to 64 bytes right after itself.
    Duplicate(Index, u8),
    /// Swap the bytes at two places.
    Swap(Index, Index),
}

/// An edit, arbitrary.
pub fn edit() -> impl Strategy<Value = Edit> {
    prop_oneof![
        1 => any::<Index>().prop_map(Edit::Truncate),
        1 => (any::<Index>(), 1..=u8::MAX).prop_map(|(i, m)| Edit::Flip(i, m)),
        3 => (any::<Index>(), prop::option::weighted(0.97, any::<Index>()))
            .prop_map(|(i, n)| Edit::Insert(i, n)),
        1 => (any::<Index>(), any::<u8>()).prop_map(|(i, b)| Edit::InsertByte(i, b)),
        1 => (any::<Index>(), 1..=16u8).prop_map(|(i, n)| Edit::Remove(i, n)),
        1 => (any::<Index>(), 1..=64u8).prop_map(|(i, n)| Edit::Duplicate(i, n)),
        1 => (any::<Index>(), any::<Index>()).prop_map(|(a, b)| Edit::Swap(a, b)),
    ]
}

/// Applies `edits` to `input`, in order.
pub fn apply(input: &[u8], edits: &[Edit]) -> Vec<u8> {
    let mut out = input.to_vec();
    for e in edits {
        // Places index `0..=len` (an insertion may go at the end); bytes index `0..len`.
        let place = |i: &Index, len: usize| i.index(len + 1);
        match e {
            Edit::Truncate(i) => out.truncate(place(i, out.len())),
            Edit::Flip(i, mask) if !out.is_empty() => {
                let at = i.index(out.len());
                out[at] ^= mask;
            }
            Edit::Insert(i, text) => {
                let text = match text {
                    Some(t) => NASTY[t.index(NASTY.len())].to_owned(),
                    None => huge(),
                };
                let at = place(i, out.len());
                out.splice(at..at, text.bytes());
            }
            Edit::InsertByte(i, b) => {
                let at = place(i, out.len());
                out.insert(at, *b);
            }
            Edit::Remove(i, n) if !out.is_empty() => {
                let at = i.index(out.len());
                let end = (at + usize::from(*n)).min(out.len());
                out.drain(at..end);
            }
            Edit::Duplicate(i, n) if !out.is_empty() => {
                let at = i.index(out.len());
                let end = (at + usize::from(*n)).min(out.len());
                let run = out[at..end].to_vec();
                out.splice(end..end, run);
            }
            Edit::Swap(a, b) if !out.is_empty() => {
                let (a, b) = (a.index(out.len()), b.index(out.len()));
                out.swap(a, b);
            }
            _ => {}
        }
    }
    out
}

/// `valid` with one to four edits: what a fuzzer makes of a good example.
pub fn mutated(valid: impl Into<Vec<u8>>) -> impl Strategy<Value = Vec<u8>> {
    let valid = valid.into();
    prop::collection::vec(edit(), 1..=4).prop_map(move |edits| apply(&valid, &edits))
}

/// [`mutated`], read as UTF-8 (invalid sequences become U+FFFD): for parsers that take `&str`.
pub fn mutated_text(valid: &str) -> impl Strategy<Value = String> + use<> {
    mutated(valid.as_bytes().to_vec()).prop_map(|b| String::from_utf8_lossy(&b).into_owned())
}

/// Arbitrary bytes, up to 2 KiB.
pub fn bytes() -> impl Strategy<Value = Vec<u8>> {
    prop::collection::vec(any::<u8>(), 0..2048)
}

/// Arbitrary text, up to about 2 KiB: any characters, with the nasty ones more likely.
pub fn text() -> impl Strategy<Value = String> {
    prop_oneof![
        ".{0,512}",
        "\\PC{0,512}",
        prop::collection::vec(
            prop_oneof![
                prop::sample::select(NASTY).prop_map(str::to_owned),
                "[a-zA-Z0-9._~-]{1,8}"
            ],
            0..64
        )
        .prop_map(|parts| parts.concat()),
    ]
}

/// Percent-encodes every byte of `s`, also those that need no encoding: the same value
/// spelled differently on the wire.
pub fn percent_encode_all(s: &str) -> String {
    s.bytes().map(|b| format!("%{b:02X}")).collect()
}

/// An application/x-www-form-urlencoded body of `pairs`, encoded as a browser would.
pub fn form(pairs: &[(String, String)]) -> String {
    url::form_urlencoded::Serializer::new(String::new())
        .extend_pairs(pairs)
        .finish()
}

/// How a list of parameters can be broken: the list-level edits a client could make.
#[derive(Clone, Debug)]
pub enum ParamEdit {
    Drop(Index),
    /// Send a parameter again, with its own value or another.
    Repeat(Index, Option<String>),
    Swap(Index, Index),
    /// Replace a value with an edited one.
    EditValue(Index, Vec<Edit>),
    /// Give a value far past any limit.
    Huge(Index),
    /// Add a parameter (a known name, or any).
    Add(String, String),
    /// Change the case of a name.
    Upcase(Index),
}

/// A parameter edit; `names` are the parameter names worth adding.
pub fn param_edit(names: &'static [&'static str]) -> impl Strategy<Value = ParamEdit> {
    prop_oneof![
        1 => any::<Index>().prop_map(ParamEdit::Drop),
        1 => (any::<Index>(), prop::option::of(text()))
            .prop_map(|(i, v)| ParamEdit::Repeat(i, v)),
        1 => (any::<Index>(), any::<Index>()).prop_map(|(a, b)| ParamEdit::Swap(a, b)),
        3 => (any::<Index>(), prop::collection::vec(edit(), 1..=3))
            .prop_map(|(i, e)| ParamEdit::EditValue(i, e)),
        1 => any::<Index>().prop_map(ParamEdit::Huge),
        1 => (
            prop_oneof![prop::sample::select(names).prop_map(str::to_owned), text()],
            text()
        )
            .prop_map(|(k, v)| ParamEdit::Add(k, v)),
        1 => any::<Index>().prop_map(ParamEdit::Upcase),
    ]
}

/// Applies parameter edits to `pairs`, in order.
pub fn apply_params(pairs: &[(String, String)], edits: &[ParamEdit]) -> Vec<(String, String)> {
    let mut out = pairs.to_vec();
    for e in edits {
        let len = out.len();
        match e {
            ParamEdit::Add(k, v) => out.push((k.clone(), v.clone())),
            _ if len == 0 => {}
            ParamEdit::Drop(i) => {
                out.remove(i.index(len));
            }
            ParamEdit::Repeat(i, v) => {
                let (k, old) = out[i.index(len)].clone();
                out.push((k, v.clone().unwrap_or(old)));
            }
            ParamEdit::Swap(a, b) => out.swap(a.index(len), b.index(len)),
            ParamEdit::EditValue(i, edits) => {
                let at = i.index(len);
                let edited = apply(out[at].1.as_bytes(), edits);
                out[at].1 = String::from_utf8_lossy(&edited).into_owned();
            }
            ParamEdit::Huge(i) => out[i.index(len)].1 = huge(),
            ParamEdit::Upcase(i) => {
                let at = i.index(len);
                out[at].0 = out[at].0.to_uppercase();
            }
        }
    }
    out
}

/// `pairs` with one to four parameter edits.
pub fn mutated_params(
    pairs: Vec<(String, String)>,
    names: &'static [&'static str],
) -> impl Strategy<Value = Vec<(String, String)>> {
    prop::collection::vec(param_edit(names), 1..=4).prop_map(move |e| apply_params(&pairs, &e))
}

/// Whether a name appears more than once among `pairs`.
pub fn has_repeat<'a>(names: impl IntoIterator<Item = &'a str>) -> bool {
    let mut seen = std::collections::BTreeSet::new();
    names.into_iter().any(|k| !seen.insert(k))
}

/// Arbitrary JSON, nested a few levels, with the nasty texts among its strings and keys.
pub fn json() -> impl Strategy<Value = serde_json::Value> {
    use serde_json::Value;
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(Value::from),
        any::<f64>().prop_map(Value::from),
        text().prop_map(Value::String),
    ];
    leaf.prop_recursive(4, 64, 8, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..8).prop_map(Value::Array),
            prop::collection::btree_map(text(), inner, 0..8)
                .prop_map(|m| Value::Object(m.into_iter().collect())),
        ]
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    proptest! {
        #![proptest_config(config(256))]

        #[test]
        fn fuzz_edits_stay_in_bounds(
            input in prop::collection::vec(any::<u8>(), 0..4),
            edits in prop::collection::vec(edit(), 0..8),
            params in prop::collection::vec(param_edit(&["a"]), 0..8),
        ) {
            let _ = apply(&input, &edits);
            let _ = apply_params(&[], &params);
        }
    }
}
