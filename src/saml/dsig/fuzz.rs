//! Fuzz targets for XML signatures: a signed document edited anywhere verifies only if what it
//! signs reads exactly as signed; arbitrary `ds:Signature` shapes never panic; an edited
//! HTTP-Redirect query never verifies.

use std::sync::LazyLock;

use proptest::prelude::*;

use super::{
    tests::{SIGNING_CERT, SIGNING_KEY, der, key, signer},
    *,
};
use crate::{
    fuzzing::{self, config},
    saml::xml::{canonicalize_without, parse},
};

const ASSERTION: &str = r#"<saml:Assertion xmlns:saml="urn:oasis:names:tc:SAML:2.0:assertion" xmlns:xs="http://www.w3.org/2001/XMLSchema" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" ID="_a1" IssueInstant="2026-01-01T00:00:00Z" Version="2.0"><saml:Issuer>https://sp.example</saml:Issuer><saml:Subject><saml:NameID>user@example.org</saml:NameID></saml:Subject><saml:AttributeStatement><saml:Attribute Name="mail"><saml:AttributeValue xsi:type="xs:string">a &amp; b &lt; "c"</saml:AttributeValue></saml:Attribute></saml:AttributeStatement></saml:Assertion>"#;

static SIGNED: LazyLock<String> = LazyLock::new(|| {
    sign_enveloped(ASSERTION, "_a1", &signer(SIGNING_KEY), &der(SIGNING_CERT)).unwrap()
});
static REGISTERED: LazyLock<Vec<RsaPublicKey>> =
    LazyLock::new(|| vec![key(SIGNING_KEY).to_public_key()]);
const GENUINE: &[u8] = b"SAMLRequest=fZJNT8MwDIbv%2FIrKfV%2BlW&RelayState=%2Faccount&SigAlg=http%3A%2F%2Fwww.w3.org%2F2001%2F04%2Fxmldsig-more%23rsa-sha256";
static GENUINE_SIGNATURE: LazyLock<String> =
    LazyLock::new(|| sign_redirect(GENUINE, &signer(SIGNING_KEY)).unwrap());

fn signed() -> String {
    SIGNED.clone()
}

fn registered() -> &'static [RsaPublicKey] {
    &REGISTERED
}

/// The signed element's canonical form without its signature: what the signature covers.
fn covered(xml: &str) -> Option<String> {
    let doc = parse(xml).ok()?;
    let root = doc.root_element();
    canonicalize_without(root, signature_of(root).map(|s| s.id())).ok()
}

/// A `ds:Signature`-shaped tree: the profile's elements and others, in any order and nesting,
/// with known and unknown algorithms and base64 or junk text.
#[derive(Clone, Debug)]
enum Part {
    Element(&'static str, Option<&'static str>, Vec<Part>),
    Text(String),
}

fn part() -> impl Strategy<Value = Part> {
    let names = prop::sample::select(
        &[
            "SignedInfo",
            "SignatureValue",
            "KeyInfo",
            "CanonicalizationMethod",
            "SignatureMethod",
            "Reference",
            "Transforms",
            "Transform",
            "DigestMethod",
            "DigestValue",
            "Object",
            "InclusiveNamespaces",
        ][..],
    );
    let algorithms = prop::option::of(prop::sample::select(
        &[
            EXC_C14N,
            ENVELOPED,
            RSA_SHA256,
            RSA_SHA512,
            SHA256,
            SHA512,
            "http://www.w3.org/2000/09/xmldsig#sha1",
            "",
        ][..],
    ));
    let leaf = prop_oneof![
        "[A-Za-z0-9+/=]{0,64}".prop_map(Part::Text),
        "[ \t\r\n]{0,3}".prop_map(Part::Text),
        prop::sample::select(fuzzing::NASTY).prop_map(|s| Part::Text(s.to_owned())),
    ];
    leaf.prop_recursive(5, 64, 6, move |inner| {
        (
            names.clone(),
            algorithms.clone(),
            prop::collection::vec(inner, 0..6),
        )
            .prop_map(|(n, a, c)| Part::Element(n, a, c))
    })
}

impl Part {
    fn write(&self, out: &mut String) {
        match self {
            Part::Element(name, algorithm, children) => {
                let prefix = if *name == "InclusiveNamespaces" {
                    "ec"
                } else {
                    "ds"
                };
                out.push_str(&format!("<{prefix}:{name}"));
                if let Some(a) = algorithm {
                    out.push_str(&format!(" Algorithm=\"{a}\""));
                }
                if *name == "Reference" {
                    out.push_str(" URI=\"#_a1\"");
                }
                if *name == "InclusiveNamespaces" {
                    out.push_str(" PrefixList=\"saml #default xs\"");
                }
                out.push('>');
                for c in children {
                    c.write(out);
                }
                out.push_str(&format!("</{prefix}:{name}>"));
            }
            Part::Text(t) => out.push_str(&xml::escape_text(t)),
        }
    }
}

proptest! {
    #![proptest_config(config(256))]

    #[test]
    fn fuzz_edited_signed_documents_verify_only_as_signed(
        edits in prop::collection::vec(fuzzing::edit(), 1..=4),
    ) {
        let original = signed();
        let edited = String::from_utf8_lossy(&fuzzing::apply(original.as_bytes(), &edits)).into_owned();
        let Ok(doc) = parse(&edited) else {
            return Ok(());
        };
        let root = doc.root_element();
        match verify_enveloped(root, registered()) {
            Ok(()) => {
                prop_assert_eq!(covered(&edited), covered(&original));
                prop_assert_eq!(root.attribute("ID"), Some("_a1"));
            }
            Err(e) => prop_assert!(!e.to_string().is_empty()),
        }
    }

    #[test]
    fn fuzz_arbitrary_signature_shapes(parts in prop::collection::vec(part(), 0..5)) {
        let mut signature = format!(r#"<ds:Signature xmlns:ds="{DS}" xmlns:ec="{EXC_C14N}">"#);
        for p in &parts {
            p.write(&mut signature);
        }
        signature.push_str("</ds:Signature>");
        let at = ASSERTION.find("</saml:Issuer>").unwrap() + "</saml:Issuer>".len();
        let xml = format!("{}{signature}{}", &ASSERTION[..at], &ASSERTION[at..]);
        // Text a document cannot hold (a NUL) makes no document.
        let Ok(doc) = parse(&xml) else {
            return Ok(());
        };
        let root = doc.root_element();
        prop_assert!(verify_enveloped(root, registered()).is_err());
        if let Some(s) = signature_of(root) {
            let _ = Parts::parse(s);
        }
    }

    #[test]
    fn fuzz_redirect_signatures(
        octets in fuzzing::mutated(GENUINE),
        sig_alg in prop_oneof![Just(RSA_SHA256.to_owned()), Just(RSA_SHA512.to_owned()), fuzzing::text()],
        signature in prop_oneof![fuzzing::text(), Just(String::new())],
    ) {
        let real = GENUINE_SIGNATURE.as_str();
        prop_assert!(verify_redirect(GENUINE, RSA_SHA256, real, registered()).is_ok());
        if octets.as_slice() != GENUINE {
            prop_assert!(verify_redirect(&octets, RSA_SHA256, real, registered()).is_err());
        }
        match verify_redirect(&octets, &sig_alg, &signature, registered()) {
            Ok(()) => prop_assert!(false, "a made-up signature verified"),
            Err(e) => prop_assert!(!e.to_string().is_empty()),
        }
    }
}

#[test]
fn fuzz_the_signed_fixture_verifies() {
    let xml = signed();
    let doc = parse(&xml).unwrap();
    verify_enveloped(doc.root_element(), registered()).unwrap();
}
