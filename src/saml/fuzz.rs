//! Fuzz targets for what service providers send: the bindings (base64, DEFLATE, query and
//! form parameters), the strict XML parser and canonicalization, `AuthnRequest` and
//! `LogoutRequest`, times, metadata and certificates. Arbitrary and mutated input never
//! panics; a DTD or entity is always refused; messages round-trip through the bindings;
//! what is accepted keeps the rules. Signatures: `dsig/fuzz.rs`.

use proptest::prelude::*;

use super::{
    binding::{self, MAX_RELAY_STATE},
    cert,
    request::{self, HTTP_POST, SAML, SAMLP},
    sp::parse_sp_metadata,
    xml::{self, MAX_BYTES, MAX_DEPTH, XmlError},
};
use crate::fuzzing::{self, config};

const METADATA: &str = include_str!("../../tests/fixtures/saml/sp-metadata.xml");
const XMLSEC_SIGNED: &str = include_str!("../../tests/fixtures/saml/xmlsec_signed.xml");
const SIGNING_CERT: &str = include_str!("../../tests/fixtures/saml/sp-signing.pem");

fn authn_request_xml() -> String {
    format!(
        r#"<samlp:AuthnRequest xmlns:samlp="{SAMLP}" xmlns:saml="{SAML}" ID="_abc" Version="2.0" IssueInstant="2026-12-04T10:00:00Z" Destination="https://id.example/saml/sso" AssertionConsumerServiceURL="https://sp.example/acs" ProtocolBinding="{HTTP_POST}" ForceAuthn="true"><saml:Issuer>https://sp.example</saml:Issuer><samlp:NameIDPolicy Format="urn:oasis:names:tc:SAML:2.0:nameid-format:persistent" AllowCreate="true"/><samlp:RequestedAuthnContext Comparison="minimum"><saml:AuthnContextClassRef>urn:civitas:loa:substantial</saml:AuthnContextClassRef></samlp:RequestedAuthnContext></samlp:AuthnRequest>"#
    )
}

fn logout_request_xml() -> String {
    format!(
        r#"<samlp:LogoutRequest xmlns:samlp="{SAMLP}" xmlns:saml="{SAML}" ID="_l1" Version="2.0" IssueInstant="2026-12-04T10:00:00Z" NotOnOrAfter="2026-12-04T10:05:00.123Z"><saml:Issuer>https://sp.example</saml:Issuer><saml:NameID Format="urn:oasis:names:tc:SAML:2.0:nameid-format:persistent">abc</saml:NameID><samlp:SessionIndex>_s1</samlp:SessionIndex><samlp:SessionIndex>_s2</samlp:SessionIndex></samlp:LogoutRequest>"#
    )
}

fn documents() -> Vec<String> {
    vec![
        authn_request_xml(),
        logout_request_xml(),
        METADATA.to_owned(),
        XMLSEC_SIGNED.to_owned(),
    ]
}

/// A small XML tree: elements with and without prefixes, namespace declarations that may be
/// missing or redeclared, attributes, text with what needs escaping, comments, processing
/// instructions and CDATA.
#[derive(Clone, Debug)]
enum Tree {
    Element {
        prefix: Option<&'static str>,
        name: &'static str,
        decls: Vec<(Option<&'static str>, &'static str)>,
        attrs: Vec<(Option<&'static str>, &'static str, String)>,
        children: Vec<Tree>,
    },
    Text(String),
    Comment(String),
    Pi(&'static str, String),
    CData(String),
}

const PREFIXES: &[&str] = &["saml", "samlp", "ds", "p", "q", "xml"];
const URIS: &[&str] = &[SAML, SAMLP, super::dsig::DS, "urn:p", "urn:q", ""];
const NAMES: &[&str] = &["Assertion", "Issuer", "Signature", "NameID", "a", "b"];
const ATTRS: &[&str] = &["ID", "Version", "x", "id", "lang", "Algorithm"];

fn small_text() -> impl Strategy<Value = String> {
    prop_oneof![
        "[a-z &<>\"'\t\r\n]{0,8}",
        prop::sample::select(fuzzing::NASTY).prop_map(str::to_owned)
    ]
}

fn tree() -> impl Strategy<Value = Tree> {
    let prefix = || prop::option::weighted(0.6, prop::sample::select(PREFIXES));
    let leaf = prop_oneof![
        4 => small_text().prop_map(Tree::Text),
        1 => small_text().prop_map(Tree::Comment),
        1 => (prop::sample::select(&["pi", "xml-stylesheet", "x"][..]), small_text())
            .prop_map(|(t, v)| Tree::Pi(t, v)),
        1 => small_text().prop_map(Tree::CData),
    ];
    leaf.prop_recursive(5, 48, 6, move |inner| {
        (
            prefix(),
            prop::sample::select(NAMES),
            prop::collection::vec((prefix(), prop::sample::select(URIS)), 0..3),
            prop::collection::vec((prefix(), prop::sample::select(ATTRS), small_text()), 0..3),
            prop::collection::vec(inner, 0..6),
        )
            .prop_map(|(prefix, name, decls, attrs, children)| Tree::Element {
                prefix,
                name,
                decls,
                attrs,
                children,
            })
    })
}

fn escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('"', "&quot;")
}

impl Tree {
    fn write(&self, out: &mut String) {
        let qname = |p: &Option<&str>, n: &str| match p {
            Some(p) => format!("{p}:{n}"),
            None => n.to_owned(),
        };
        match self {
            Tree::Element {
                prefix,
                name,
                decls,
                attrs,
                children,
            } => {
                let q = qname(prefix, name);
                out.push('<');
                out.push_str(&q);
                for (p, uri) in decls {
                    match p {
                        Some(p) => out.push_str(&format!(" xmlns:{p}=\"{uri}\"")),
                        None => out.push_str(&format!(" xmlns=\"{uri}\"")),
                    }
                }
                for (p, n, v) in attrs {
                    out.push_str(&format!(" {}=\"{}\"", qname(p, n), escape(v)));
                }
                out.push('>');
                for c in children {
                    c.write(out);
                }
                out.push_str(&format!("</{q}>"));
            }
            Tree::Text(t) => out.push_str(&escape(t).replace('>', "&gt;")),
            Tree::Comment(t) => out.push_str(&format!("<!--{}-->", t.replace('-', "_"))),
            Tree::Pi(target, v) => out.push_str(&format!("<?{target} {}?>", v.replace('?', "_"))),
            Tree::CData(t) => out.push_str(&format!("<![CDATA[{}]]>", t.replace("]]>", "]]"))),
        }
    }

    /// The tree inside a root that declares the prefixes (most of them: `p` is left to the
    /// tree), so that most trees are documents and their elements inherit namespaces.
    fn xml(&self) -> String {
        let mut out = format!(
            r#"<r xmlns:saml="{SAML}" xmlns:samlp="{SAMLP}" xmlns:ds="{}" xmlns:q="urn:q">"#,
            super::dsig::DS
        );
        self.write(&mut out);
        out.push_str("</r>");
        out
    }
}

/// XML worth parsing: generated trees, SAML documents, both edited.
fn xml_text() -> impl Strategy<Value = String> {
    prop_oneof![
        tree().prop_map(|t| t.xml()),
        tree().prop_flat_map(|t| fuzzing::mutated_text(&t.xml())),
        prop::sample::select(documents()).prop_flat_map(|d| fuzzing::mutated_text(&d)),
        fuzzing::text(),
    ]
}

/// Parses and canonicalizes every element: canonical XML parses again and is its own
/// canonical form.
fn check_xml(text: &str) -> Result<(), TestCaseError> {
    let doc = match xml::parse(text) {
        Ok(doc) => doc,
        Err(e) => {
            prop_assert!(!e.to_string().is_empty());
            return Ok(());
        }
    };
    prop_assert!(text.len() <= MAX_BYTES);
    for node in doc.descendants().filter(|n| n.is_element()) {
        prop_assert!(node.ancestors().count() <= MAX_DEPTH + 1);
        let _ = xml::text_of(node);
        let _ = request::text(node);
        let _ = request::authn_request(node);
        let _ = request::logout_request(node);
        match xml::canonicalize(node) {
            Ok(c) => {
                let again = xml::parse(&c);
                prop_assert!(
                    again.is_ok(),
                    "canonical form does not parse: {c:?}: {again:?}"
                );
                let again = again.unwrap();
                let twice = xml::canonicalize(again.root_element());
                prop_assert_eq!(twice.as_deref(), Ok(c.as_str()));
            }
            Err(e) => prop_assert!(matches!(e, XmlError::UndeclaredPrefix(_))),
        }
    }
    Ok(())
}

/// `xs:dateTime` in UTC as SAML writes it: `YYYY-MM-DDThh:mm:ss(.s+)?Z`.
fn is_saml_instant(s: &str) -> bool {
    let b = s.as_bytes();
    let digits =
        |r: std::ops::Range<usize>| b.get(r).is_some_and(|d| d.iter().all(u8::is_ascii_digit));
    let fixed = b.len() >= 20
        && digits(0..4)
        && b[4] == b'-'
        && digits(5..7)
        && b[7] == b'-'
        && digits(8..10)
        && b[10] == b'T'
        && digits(11..13)
        && b[13] == b':'
        && digits(14..16)
        && b[16] == b':'
        && digits(17..19);
    let rest = &s[19.min(s.len())..];
    fixed
        && (rest == "Z"
            || rest
                .strip_prefix('.')
                .and_then(|r| r.strip_suffix('Z'))
                .is_some_and(|f| !f.is_empty() && f.bytes().all(|d| d.is_ascii_digit())))
}

fn pem_body(pem: &str) -> String {
    pem.lines().filter(|l| !l.starts_with("-----")).collect()
}

proptest! {
    #![proptest_config(config(384))]

    #[test]
    fn fuzz_xml_parse_and_canonicalize(text in xml_text()) {
        check_xml(&text)?;
    }

    #[test]
    fn fuzz_xml_with_a_dtd_is_refused(
        doc in prop::sample::select(documents()),
        dtd in prop_oneof![
            Just("<!DOCTYPE a>".to_owned()),
            Just(r#"<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;">]>"#.to_owned()),
            Just(r#"<!DOCTYPE a [<!ENTITY x SYSTEM "file:///etc/passwd">]>"#.to_owned()),
            Just(r#"<!DOCTYPE a SYSTEM "http://evil.example/a.dtd">"#.to_owned()),
            "[a-zA-Z ]{0,12}".prop_map(|s| format!("<!DOCTYPE {s}>")),
        ],
        whitespace in "[ \t\r\n]{0,3}",
    ) {
        // After the XML declaration and comments, where a DTD may stand.
        let root = doc.find("<md:EntityDescriptor").or_else(|| doc.find("<samlp:")).or_else(|| doc.find("<saml:")).unwrap_or(0);
        let text = format!("{}{dtd}{whitespace}{}", &doc[..root], &doc[root..]);
        prop_assert_eq!(xml::parse(&text).map(|_| ()), Err(XmlError::Dtd));
    }

    #[test]
    fn fuzz_undeclared_entities_are_refused(
        doc in prop::sample::select(documents()),
        at in any::<prop::sample::Index>(),
        name in "[a-zA-Z][a-zA-Z0-9]{0,8}",
    ) {
        prop_assume!(!["amp", "lt", "gt", "quot", "apos"].contains(&name.as_str()));
        // Into the text of an element: right after a '>' of the document.
        let ends: Vec<usize> = doc.match_indices('>').map(|(i, _)| i + 1).collect();
        let at = ends[at.index(ends.len() - 1)];
        let text = format!("{}&{name};{}", &doc[..at], &doc[at..]);
        prop_assert!(xml::parse(&text).is_err());
    }

    #[test]
    fn fuzz_saml_requests(text in prop_oneof![
        prop::sample::select(vec![authn_request_xml(), logout_request_xml()])
            .prop_flat_map(|d| fuzzing::mutated_text(&d)),
        tree().prop_map(|t| t.xml()),
    ]) {
        let Ok(doc) = xml::parse(&text) else {
            return Ok(());
        };
        let root = doc.root_element();
        match request::authn_request(root) {
            Ok(r) => {
                prop_assert!(!r.id.is_empty() && r.id.len() <= 256);
                prop_assert!(r.id.starts_with(|c: char| c.is_ascii_alphabetic() || c == '_'));
                prop_assert!(!r.issuer.is_empty() && r.issuer.trim() == r.issuer);
                prop_assert!(!(r.acs_index.is_some() && r.acs_url.is_some()));
                let instant = root.attribute("IssueInstant").unwrap();
                prop_assert!(is_saml_instant(instant), "IssueInstant {instant:?}");
                if let Some(c) = r.authn_context {
                    prop_assert!(!c.class_refs.is_empty());
                }
            }
            Err(e) => prop_assert!(!e.0.is_empty()),
        }
        match request::logout_request(root) {
            Ok(r) => {
                prop_assert!(!r.name_id.is_empty() && !r.issuer.is_empty());
                prop_assert!(r.session_indexes.iter().all(|s| !s.is_empty()));
            }
            Err(e) => prop_assert!(!e.0.is_empty()),
        }
    }

    #[test]
    fn fuzz_instants(value in prop_oneof![
        fuzzing::text(),
        fuzzing::mutated_text("2026-12-04T10:00:00Z"),
        fuzzing::mutated_text("2026-12-04T10:00:00.123456Z"),
        "[0-9]{4}-[0-9]{2}-[0-9]{2}[Tt ][0-9]{2}:[0-9]{2}:[0-9]{2}(\\.[0-9]{0,10})?[Zz]",
    ]) {
        match request::parse_instant(&value, "IssueInstant") {
            Ok(_) => prop_assert!(is_saml_instant(&value), "accepted {value:?}"),
            Err(e) => prop_assert!(e.0.contains("IssueInstant")),
        }
    }

    #[test]
    fn fuzz_redirect_binding(query in prop_oneof![
        fuzzing::text(),
        (fuzzing::text(), prop::option::of("[ -~]{0,90}")).prop_flat_map(|(xml, relay)| {
            fuzzing::mutated_text(&format!(
                "{}&Signature=c2ln",
                binding::redirect_query("SAMLRequest", &xml, relay.as_deref(), super::dsig::RSA_SHA256)
            ))
        }),
    ]) {
        match binding::from_redirect(&query, "SAMLRequest") {
            Ok(m) => {
                prop_assert!(m.xml.len() <= MAX_BYTES);
                prop_assert!(m.relay_state.is_none_or(|r| r.len() <= MAX_RELAY_STATE));
                prop_assert_eq!(m.binding, binding::Binding::Redirect);
            }
            Err(e) => prop_assert!(!e.0.is_empty()),
        }
    }

    #[test]
    fn fuzz_redirect_binding_round_trip(
        xml in fuzzing::text(),
        relay in prop::option::of("\\PC{0,20}"),
        signed in any::<bool>(),
        repeat in prop::option::of(prop::sample::select(&["SAMLRequest", "RelayState", "SigAlg", "Signature", "SAML%52equest", "Relay%53tate"][..])),
    ) {
        let relay = relay.filter(|r| r.len() <= MAX_RELAY_STATE);
        let signed_query = binding::redirect_query("SAMLRequest", &xml, relay.as_deref(), super::dsig::RSA_SHA256);
        let query = if signed {
            format!("{signed_query}&Signature=c2ln%2B")
        } else {
            signed_query.split("&SigAlg=").next().unwrap().to_owned()
        };
        match repeat {
            None => {
                let m = binding::from_redirect(&query, "SAMLRequest").unwrap();
                prop_assert_eq!(m.xml, xml);
                prop_assert_eq!(m.relay_state, relay);
                match m.redirect_signature {
                    Some(s) => {
                        prop_assert!(signed);
                        prop_assert_eq!(s.octets, signed_query);
                        prop_assert_eq!(s.sig_alg, super::dsig::RSA_SHA256);
                        prop_assert_eq!(s.signature, "c2ln+");
                    }
                    None => prop_assert!(!signed),
                }
            }
            Some(name) => {
                // Each parameter once: a repeated one is refused, however it is spelled.
                let twice = format!("{query}&{name}=x");
                let decoded: String = url::form_urlencoded::parse(name.as_bytes()).next().unwrap().0.into_owned();
                let present = query.split('&').any(|p| p.split('=').next() == Some(decoded.as_str()));
                if present {
                    prop_assert!(binding::from_redirect(&twice, "SAMLRequest").is_err());
                }
            }
        }
    }

    #[test]
    fn fuzz_truncated_deflate_is_refused(
        xml in "<a>[a-z]{1,200}</a>",
        cut in 1..8usize,
    ) {
        use base64::Engine as _;
        use std::io::Write as _;
        let mut encoder = flate2::write::DeflateEncoder::new(Vec::new(), flate2::Compression::default());
        encoder.write_all(xml.as_bytes()).unwrap();
        let deflated = encoder.finish().unwrap();
        let truncated = &deflated[..deflated.len().saturating_sub(cut)];
        let value = base64::engine::general_purpose::STANDARD.encode(truncated);
        let query = format!("SAMLRequest={}", url::form_urlencoded::byte_serialize(value.as_bytes()).collect::<String>());
        prop_assert!(binding::from_redirect(&query, "SAMLRequest").is_err());
    }

    #[test]
    fn fuzz_post_binding(body in prop_oneof![
        fuzzing::bytes(),
        (fuzzing::text(), prop::option::of("\\PC{0,100}")).prop_flat_map(|(xml, relay)| {
            let mut pairs = vec![("SAMLRequest".to_owned(), binding::post_value(&xml))];
            pairs.extend(relay.map(|r| ("RelayState".to_owned(), r)));
            fuzzing::mutated(fuzzing::form(&pairs))
        }),
    ]) {
        let pairs: Vec<(String, String)> = url::form_urlencoded::parse(&body).into_owned().collect();
        let count = |n: &str| pairs.iter().filter(|(k, _)| k == n).count();
        match binding::from_post(&body, "SAMLRequest") {
            Ok(m) => {
                prop_assert_eq!(count("SAMLRequest"), 1);
                prop_assert!(count("RelayState") <= 1);
                prop_assert!(m.relay_state.is_none_or(|r| r.len() <= MAX_RELAY_STATE));
                prop_assert!(m.redirect_signature.is_none());
            }
            Err(e) => prop_assert!(!e.0.is_empty()),
        }
    }

    #[test]
    fn fuzz_sp_metadata(text in prop_oneof![
        fuzzing::mutated_text(METADATA),
        tree().prop_map(|t| t.xml()),
        fuzzing::text(),
    ]) {
        match parse_sp_metadata(&text) {
            Ok(m) => {
                prop_assert!(!m.entity_id.is_empty() && m.entity_id.chars().count() <= 1024);
                prop_assert!(!m.entity_id.contains(char::is_whitespace));
                prop_assert!(!m.acs.is_empty());
                for e in m.acs.iter().chain(&m.slo) {
                    let url = url::Url::parse(&e.location).unwrap();
                    prop_assert!(url.scheme() == "https" || url.scheme() == "http");
                    prop_assert!(url.fragment().is_none() && url.username().is_empty());
                }
                prop_assert!(m.acs.iter().all(|e| e.binding == HTTP_POST));
                prop_assert!(m.acs.iter().filter(|e| e.is_default).count() <= 1);
                if m.authn_requests_signed {
                    prop_assert!(!m.signing_certificates.is_empty());
                }
                for c in m.signing_certificates.iter().chain(&m.encryption_certificate) {
                    let der = cert::from_base64(c).unwrap();
                    prop_assert!(cert::rsa_public_key(&der).is_ok());
                }
            }
            Err(e) => prop_assert!(!e.to_string().is_empty()),
        }
    }

    #[test]
    fn fuzz_certificates(text in prop_oneof![
        fuzzing::text(),
        fuzzing::mutated_text(&pem_body(SIGNING_CERT)),
        fuzzing::mutated({
            use base64::Engine as _;
            base64::engine::general_purpose::STANDARD.decode(pem_body(SIGNING_CERT)).unwrap()
        })
        .prop_map(|der| {
            use base64::Engine as _;
            base64::engine::general_purpose::STANDARD.encode(der)
        }),
    ]) {
        match cert::from_base64(&text) {
            Ok(der) => {
                let _ = cert::not_after(&der);
                let _ = cert::subject(&der);
                let _ = cert::fingerprint_sha256(&der);
                if let Ok(key) = cert::rsa_public_key(&der) {
                    use rsa::traits::PublicKeyParts as _;
                    prop_assert!(key.n().bits() >= cert::MIN_RSA_BITS);
                }
            }
            Err(e) => prop_assert!(!e.to_string().is_empty()),
        }
    }
}

/// Found by `fuzz_instants`: `time`'s RFC 3339 parser takes any character between the date
/// and the time, so `2026-12-04U10:00:00Z` was a valid IssueInstant.
#[test]
fn fuzz_regression_instant_with_another_separator_is_refused() {
    for bad in [
        "2026-12-04U10:00:00.123456Z",
        "2026-12-04 10:00:00Z",
        "2026-12-04t10:00:00Z",
        "2026-12-04_10:00:00Z",
    ] {
        assert!(
            request::parse_instant(bad, "IssueInstant").is_err(),
            "{bad}"
        );
    }
    assert_eq!(
        request::parse_instant("2026-12-04T10:00:00Z", "IssueInstant"),
        Ok(1_796_378_400)
    );
}

#[test]
fn fuzz_the_valid_examples_are_read() {
    for d in [authn_request_xml(), logout_request_xml()] {
        check_xml(&d).unwrap();
    }
    let text = authn_request_xml();
    let doc = xml::parse(&text).unwrap();
    request::authn_request(doc.root_element()).unwrap();
    let text = logout_request_xml();
    let doc = xml::parse(&text).unwrap();
    request::logout_request(doc.root_element()).unwrap();
    parse_sp_metadata(METADATA).unwrap();
}
