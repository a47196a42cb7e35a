use rsa::{RsaPrivateKey, pkcs8::DecodePrivateKey as _};

use super::*;
use crate::saml::xml::{canonicalize_without, parse, text_of};

pub(crate) const SIGNING_KEY: &str = include_str!("../../../tests/fixtures/saml/signing-key.pem");
pub(crate) const SIGNING_CERT: &str = include_str!("../../../tests/fixtures/saml/signing-cert.pem");
pub(crate) const OTHER_KEY: &str = include_str!("../../../tests/fixtures/saml/other-key.pem");
pub(crate) const OTHER_CERT: &str = include_str!("../../../tests/fixtures/saml/other-cert.pem");
/// A document signed by xmlsec (libxmlsec1) with `signing-key.pem`, with an
/// `InclusiveNamespaces PrefixList` on the exc-c14n transform.
const XMLSEC_SIGNED: &str = include_str!("../../../tests/fixtures/saml/xmlsec_signed.xml");

pub(crate) fn key(pem: &str) -> RsaPrivateKey {
    RsaPrivateKey::from_pkcs8_pem(pem).unwrap()
}

/// `pem`'s key prepared for signing, as the server holds its SAML key.
pub(crate) fn signer(pem: &str) -> RsaSha256 {
    RsaSha256::new(&key(pem)).unwrap()
}

pub(crate) fn der(pem: &str) -> Vec<u8> {
    let body: String = pem.lines().filter(|l| !l.starts_with("-----")).collect();
    STANDARD.decode(body).unwrap()
}

fn registered() -> Vec<RsaPublicKey> {
    vec![key(SIGNING_KEY).to_public_key()]
}

const ASSERTION: &str = r#"<saml:Assertion xmlns:saml="urn:oasis:names:tc:SAML:2.0:assertion" xmlns:xs="http://www.w3.org/2001/XMLSchema" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" ID="_a1" IssueInstant="2026-01-01T00:00:00Z" Version="2.0">
  <saml:Issuer>https://idp.example</saml:Issuer>
  <saml:Subject><saml:NameID Format="urn:oasis:names:tc:SAML:2.0:nameid-format:persistent">user@evil.example.good.example</saml:NameID></saml:Subject>
  <saml:AttributeStatement><saml:Attribute Name="urn:oid:0.9.2342.19200300.100.1.3"><saml:AttributeValue xsi:type="xs:string">a &amp; b &lt; "c"</saml:AttributeValue></saml:Attribute></saml:AttributeStatement>
</saml:Assertion>"#;

fn response_around(assertion: &str) -> String {
    format!(
        r#"<samlp:Response xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol" xmlns:saml="urn:oasis:names:tc:SAML:2.0:assertion" ID="_r1" Version="2.0" IssueInstant="2026-01-01T00:00:00Z"><saml:Issuer>https://idp.example</saml:Issuer><samlp:Status><samlp:StatusCode Value="urn:oasis:names:tc:SAML:2.0:status:Success"/></samlp:Status>{assertion}</samlp:Response>"#
    )
}

fn signed_assertion() -> String {
    sign_enveloped(ASSERTION, "_a1", &signer(SIGNING_KEY), &der(SIGNING_CERT)).unwrap()
}

fn verify_id(xml: &str, id: &str) -> Result<(), DsigError> {
    let doc = parse(xml).unwrap();
    let element = doc
        .descendants()
        .find(|n| n.attribute("ID") == Some(id))
        .unwrap();
    verify_enveloped(element, &registered())
}

fn verify_root(xml: &str) -> Result<(), DsigError> {
    let doc = parse(xml).unwrap();
    verify_enveloped(doc.root_element(), &registered())
}

/// The signature element of the (first) element with `id`, as text.
fn signature_text(xml: &str, id: &str) -> String {
    let doc = parse(xml).unwrap();
    let element = doc
        .descendants()
        .find(|n| n.attribute("ID") == Some(id))
        .unwrap();
    xml[signature_of(element).unwrap().range()].to_owned()
}

/// Applies `edit` to a signed document, then makes the digest and signature value right again
/// with `key`, so that what `edit` changed is the only thing wrong.
fn resign(xml: &str, id: &str, key: &RsaPrivateKey, edit: impl Fn(&str) -> String) -> String {
    let edited = edit(xml);
    let doc = parse(&edited).unwrap();
    let element = doc
        .descendants()
        .find(|n| n.attribute("ID") == Some(id))
        .unwrap();
    let signature = signature_of(element).unwrap();
    let find = |name: &str| {
        signature
            .descendants()
            .find(|n| n.tag_name().name() == name)
            .unwrap()
    };
    let hash = match find("DigestMethod").attribute("Algorithm") {
        Some(SHA512) => Hash::Sha512,
        _ => Hash::Sha256,
    };
    let digest = hash.digest(
        canonicalize_without(element, Some(signature.id()))
            .unwrap()
            .as_bytes(),
    );
    let range = find("DigestValue").first_child().unwrap().range();
    let edited = format!(
        "{}{}{}",
        &edited[..range.start],
        STANDARD.encode(digest),
        &edited[range.end..]
    );

    let doc = parse(&edited).unwrap();
    let element = doc
        .descendants()
        .find(|n| n.attribute("ID") == Some(id))
        .unwrap();
    let signature = signature_of(element).unwrap();
    let find = |name: &str| {
        signature
            .descendants()
            .find(|n| n.tag_name().name() == name)
            .unwrap()
    };
    let hash = match find("SignatureMethod").attribute("Algorithm") {
        Some(RSA_SHA512) => Hash::Sha512,
        _ => Hash::Sha256,
    };
    let signed_info = xml::canonicalize(find("SignedInfo")).unwrap();
    let value = key
        .sign(hash.pkcs1v15(), &hash.digest(signed_info.as_bytes()))
        .unwrap();
    let range = find("SignatureValue").first_child().unwrap().range();
    format!(
        "{}{}{}",
        &edited[..range.start],
        STANDARD.encode(value),
        &edited[range.end..]
    )
}

#[test]
fn a_signed_assertion_verifies() {
    let signed = signed_assertion();
    assert_eq!(verify_root(&signed), Ok(()));
    // The signature sits right after saml:Issuer, the rest of the text is untouched.
    let doc = parse(&signed).unwrap();
    let root = doc.root_element();
    let children: Vec<_> = root.children().filter(|c| c.is_element()).collect();
    assert_eq!(children[0].tag_name().name(), "Issuer");
    assert_eq!(Some(children[1]), signature_of(root));
    let sig = signature_text(&signed, "_a1");
    assert_eq!(signed.replace(&sig, ""), ASSERTION);
    assert!(sig.starts_with(r#"<ds:Signature xmlns:ds="http://www.w3.org/2000/09/xmldsig#">"#));
    assert!(sig.contains(&STANDARD.encode(der(SIGNING_CERT))));
}

#[test]
fn the_signature_goes_first_when_there_is_no_issuer() {
    let k = signer(SIGNING_KEY);
    let cert = der(SIGNING_CERT);
    for xml in [
        r#"<p:R xmlns:p="urn:p" ID="_x"><p:a>1</p:a></p:R>"#,
        r#"<p:R xmlns:p="urn:p" ID="_x" />"#,
        r#"<p:R xmlns:p="urn:p" ID="_x"></p:R>"#,
    ] {
        let signed = sign_enveloped(xml, "_x", &k, &cert).unwrap();
        assert!(
            signed.starts_with(r#"<p:R xmlns:p="urn:p" ID="_x"><ds:Signature"#),
            "{signed}"
        );
        assert_eq!(verify_root(&signed), Ok(()), "{signed}");
    }
    assert_eq!(
        sign_enveloped(ASSERTION, "_nope", &k, &cert),
        Err(DsigError::IdNotFound("_nope".into()))
    );
    assert_eq!(
        sign_enveloped(&signed_assertion(), "_a1", &k, &cert),
        Err(DsigError::AlreadySigned)
    );
}

#[test]
fn a_response_and_its_signed_assertion_both_verify() {
    let inner = signed_assertion();
    let response = response_around(&inner);
    let signed =
        sign_enveloped(&response, "_r1", &signer(SIGNING_KEY), &der(SIGNING_CERT)).unwrap();
    assert_eq!(verify_root(&signed), Ok(()));
    assert_eq!(verify_id(&signed, "_a1"), Ok(()));
    // The assertion alone, taken out of the signed response, still verifies.
    assert_eq!(verify_root(&inner), Ok(()));
}

#[test]
fn a_wrong_key_is_refused_and_any_registered_key_may_verify() {
    let signed = signed_assertion();
    let doc = parse(&signed).unwrap();
    let other = key(OTHER_KEY).to_public_key();
    assert_eq!(
        verify_enveloped(doc.root_element(), std::slice::from_ref(&other)),
        Err(DsigError::BadSignature)
    );
    let both = [other, key(SIGNING_KEY).to_public_key()];
    assert_eq!(verify_enveloped(doc.root_element(), &both), Ok(()));
    assert_eq!(
        verify_enveloped(doc.root_element(), &[]),
        Err(DsigError::NoKeys)
    );
}

#[test]
fn key_info_in_the_message_is_never_trusted() {
    // Signed with another key, whose certificate the message carries.
    let forged = sign_enveloped(ASSERTION, "_a1", &signer(OTHER_KEY), &der(OTHER_CERT)).unwrap();
    assert!(forged.contains(&STANDARD.encode(der(OTHER_CERT))));
    assert_eq!(verify_root(&forged), Err(DsigError::BadSignature));
}

#[test]
fn tampered_content_is_refused() {
    let signed = signed_assertion();
    let text = signed.replace("user@evil.example.good.example", "admin@good.example");
    assert_eq!(verify_root(&text), Err(DsigError::DigestMismatch));
    let attribute = signed.replace(r#"Version="2.0""#, r#"Version="2.1""#);
    assert_eq!(verify_root(&attribute), Err(DsigError::DigestMismatch));
    // Re-computing the digest does not help: SignedInfo is signed.
    let digest_fixed = resign(&text, "_a1", &key(OTHER_KEY), |x| x.to_owned());
    assert_eq!(verify_root(&digest_fixed), Err(DsigError::BadSignature));
}

#[test]
fn a_comment_inside_signed_text_changes_no_digest_but_text_of_refuses_it() {
    let signed = signed_assertion();
    let split = signed.replace(
        "user@evil.example.good.example",
        "user@evil.example<!---->.good.example",
    );
    assert_ne!(split, signed);
    assert_eq!(verify_root(&split), Ok(()));
    let doc = parse(&split).unwrap();
    let name_id = doc
        .descendants()
        .find(|n| n.has_tag_name((SAML, "NameID")))
        .unwrap();
    assert_eq!(text_of(name_id), Err(XmlError::NotText("NameID".into())));
}

#[test]
fn wrapping_a_signed_assertion_moved_aside_is_refused() {
    // The signed assertion is moved into Extensions; an evil assertion is put where the
    // consumer reads, carrying the moved signature.
    let signed = signed_assertion();
    let sig = signature_text(&signed, "_a1");
    let evil = ASSERTION.replace("user@evil.example.good.example", "admin@good.example");
    let evil_with_sig = |id: &str| {
        evil.replace(r#"ID="_a1""#, &format!(r#"ID="{id}""#))
            .replace(
                "<saml:Issuer>https://idp.example</saml:Issuer>",
                &format!("<saml:Issuer>https://idp.example</saml:Issuer>{sig}"),
            )
    };
    let moved = |evil: &str| {
        format!(
            r#"<samlp:Response xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol" ID="_r1"><samlp:Extensions>{signed}</samlp:Extensions>{evil}</samlp:Response>"#
        )
    };
    // Same ID as the signed one.
    let same = moved(&evil_with_sig("_a1"));
    let doc = parse(&same).unwrap();
    let read = doc.root_element().last_element_child().unwrap();
    assert_eq!(
        verify_enveloped(read, &registered()),
        Err(DsigError::DuplicateId("_a1".into()))
    );
    // Another ID.
    let other = moved(&evil_with_sig("_evil"));
    let doc = parse(&other).unwrap();
    let read = doc.root_element().last_element_child().unwrap();
    assert_eq!(
        verify_enveloped(read, &registered()),
        Err(DsigError::WrongReference {
            found: "#_a1".into(),
            expected: "#_evil".into()
        })
    );
    // The moved genuine one verifies on its own, but is not what the consumer reads.
    assert_eq!(verify_id(&other, "_a1"), Ok(()));
}

#[test]
fn wrapping_with_a_duplicated_id_is_refused() {
    // A second element with the signed element's ID: which one a reference resolves to would
    // depend on the verifier, so the document is refused even for the genuine element.
    let signed = signed_assertion();
    let copy = ASSERTION.replace("user@evil.example.good.example", "admin@good.example");
    let doc_text = format!(
        r#"<samlp:Response xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol" ID="_r1">{signed}<samlp:Extensions>{copy}</samlp:Extensions></samlp:Response>"#
    );
    let doc = parse(&doc_text).unwrap();
    let genuine = doc.root_element().first_element_child().unwrap();
    assert_eq!(
        verify_enveloped(genuine, &registered()),
        Err(DsigError::DuplicateId("_a1".into()))
    );
    // Any ID-like attribute counts.
    let lower = signed.replacen("<saml:Issuer>", r#"<saml:Issuer Id="_a1">"#, 1);
    assert_eq!(
        verify_root(&lower),
        Err(DsigError::DuplicateId("_a1".into()))
    );
}

#[test]
fn wrapping_by_nesting_the_signed_assertion_is_refused() {
    let signed = signed_assertion();
    let sig = signature_text(&signed, "_a1");
    let evil_open = r#"<saml:Assertion xmlns:saml="urn:oasis:names:tc:SAML:2.0:assertion" ID="_evil" Version="2.0"><saml:Issuer>https://idp.example</saml:Issuer>"#;
    // The evil assertion contains the signed one (signature and all).
    let containing = format!(
        "{evil_open}<saml:Subject><saml:NameID>admin@good.example</saml:NameID></saml:Subject><saml:Advice>{signed}</saml:Advice></saml:Assertion>"
    );
    assert_eq!(verify_root(&containing), Err(DsigError::NotSigned));
    // The evil assertion takes the signature as its own child, the signed one inside it.
    let unsigned = signed.replace(&sig, "");
    let taking = format!("{evil_open}{sig}<saml:Advice>{unsigned}</saml:Advice></saml:Assertion>");
    assert_eq!(
        verify_root(&taking),
        Err(DsigError::WrongReference {
            found: "#_a1".into(),
            expected: "#_evil".into()
        })
    );
    // The evil wrapper with the signed ID, the original inside: two elements with one ID.
    let same_id = taking.replace(r#"ID="_evil""#, r#"ID="_a1""#);
    assert_eq!(
        verify_root(&same_id),
        Err(DsigError::DuplicateId("_a1".into()))
    );
}

#[test]
fn a_reference_to_anything_but_the_element_is_refused() {
    let k = key(SIGNING_KEY);
    for uri in ["", "#_other", "_a1", "#xpointer(/)"] {
        let edited = resign(&signed_assertion(), "_a1", &k, |x| {
            x.replace(r##"URI="#_a1""##, &format!(r#"URI="{uri}""#))
        });
        assert_eq!(
            verify_root(&edited),
            Err(DsigError::WrongReference {
                found: uri.into(),
                expected: "#_a1".into()
            })
        );
    }
    let no_id = r#"<p:R xmlns:p="urn:p"><p:a/></p:R>"#;
    assert_eq!(verify_root(no_id), Err(DsigError::NoId));
    assert_eq!(verify_root(ASSERTION), Err(DsigError::NotSigned));
}

#[test]
fn two_references_or_two_signatures_are_refused() {
    let k = key(SIGNING_KEY);
    let signed = signed_assertion();
    let two = resign(&signed, "_a1", &k, |x| {
        let start = x.find("<ds:Reference ").unwrap();
        let end = x.find("</ds:Reference>").unwrap() + "</ds:Reference>".len();
        let reference = &x[start..end];
        x.replacen(reference, &format!("{reference}{reference}"), 1)
    });
    assert_eq!(verify_root(&two), Err(DsigError::TooManyReferences));

    let sig = signature_text(&signed, "_a1");
    let twice = signed.replacen(&sig, &format!("{sig}{sig}"), 1);
    assert_eq!(verify_root(&twice), Err(DsigError::TooManySignatures));
}

#[test]
fn transforms_other_than_enveloped_then_exc_c14n_are_refused() {
    let k = key(SIGNING_KEY);
    let enveloped = format!(r#"<ds:Transform Algorithm="{ENVELOPED}"></ds:Transform>"#);
    let exc = format!(r#"<ds:Transform Algorithm="{EXC_C14N}"></ds:Transform>"#);
    let xpath = r#"<ds:Transform Algorithm="http://www.w3.org/TR/1999/REC-xpath-19991116"><ds:XPath>not(ancestor-or-self::ds:Signature)</ds:XPath></ds:Transform>"#;
    let inclusive = r#"<ds:Transform Algorithm="http://www.w3.org/TR/2001/REC-xml-c14n-20010315"></ds:Transform>"#;
    let variants = [
        format!("{enveloped}{xpath}{exc}"),
        format!("{enveloped}{exc}{xpath}"),
        format!("{exc}{enveloped}"),
        exc.clone(),
        enveloped.clone(),
        format!("{enveloped}{inclusive}"),
        String::new(),
    ];
    for transforms in variants {
        let edited = resign(&signed_assertion(), "_a1", &k, |x| {
            x.replace(&format!("{enveloped}{exc}"), &transforms)
        });
        assert_eq!(
            verify_root(&edited),
            Err(DsigError::Transforms),
            "{transforms}"
        );
    }
}

#[test]
fn sha1_and_unknown_algorithms_are_refused() {
    let k = key(SIGNING_KEY);
    let cases = [
        (
            RSA_SHA256,
            "http://www.w3.org/2000/09/xmldsig#rsa-sha1",
            "signature",
        ),
        (
            RSA_SHA256,
            "http://www.w3.org/2000/09/xmldsig#hmac-sha1",
            "signature",
        ),
        (SHA256, "http://www.w3.org/2000/09/xmldsig#sha1", "digest"),
        (
            SHA256,
            "http://www.w3.org/2001/04/xmldsig-more#md5",
            "digest",
        ),
        (
            EXC_C14N,
            "http://www.w3.org/TR/2001/REC-xml-c14n-20010315",
            "canonicalization",
        ),
        (
            EXC_C14N,
            "http://www.w3.org/2001/10/xml-exc-c14n#WithComments",
            "canonicalization",
        ),
    ];
    for (from, to, what) in cases {
        // Only the first occurrence: for C14N that is CanonicalizationMethod.
        let edited = resign(&signed_assertion(), "_a1", &k, |x| {
            x.replacen(
                &format!(r#"Algorithm="{from}""#),
                &format!(r#"Algorithm="{to}""#),
                1,
            )
        });
        assert_eq!(
            verify_root(&edited),
            Err(DsigError::Algorithm {
                what,
                uri: to.into()
            }),
            "{to}"
        );
    }
}

#[test]
fn rsa_sha512_and_sha512_digests_are_accepted() {
    let edited = resign(&signed_assertion(), "_a1", &key(SIGNING_KEY), |x| {
        x.replace(RSA_SHA256, RSA_SHA512).replace(SHA256, SHA512)
    });
    assert!(edited.contains(RSA_SHA512) && edited.contains(SHA512));
    assert_eq!(verify_root(&edited), Ok(()));
}

#[test]
fn objects_and_unknown_parts_of_a_signature_are_refused() {
    let k = key(SIGNING_KEY);
    let object = resign(&signed_assertion(), "_a1", &k, |x| {
        x.replace(
            "</ds:Signature>",
            "<ds:Object><x/></ds:Object></ds:Signature>",
        )
    });
    assert_eq!(
        verify_root(&object),
        Err(DsigError::Unexpected("<ds:Object>".into()))
    );
    let hmac_length = resign(&signed_assertion(), "_a1", &k, |x| {
        x.replace(
            "</ds:SignatureMethod>",
            "<ds:HMACOutputLength>80</ds:HMACOutputLength></ds:SignatureMethod>",
        )
    });
    assert_eq!(
        verify_root(&hmac_length),
        Err(DsigError::Unexpected("<ds:HMACOutputLength>".into()))
    );
    let no_value = signed_assertion().replace("<ds:SignatureValue>", "<ds:Nothing>");
    let no_value = no_value.replace("</ds:SignatureValue>", "</ds:Nothing>");
    assert_eq!(
        verify_root(&no_value),
        Err(DsigError::Unexpected("<ds:Nothing>".into()))
    );
}

#[test]
fn an_inclusive_namespaces_prefix_list_is_honoured() {
    // xmlsec's signature, with PrefixList="xs" on the exc-c14n transform.
    assert!(XMLSEC_SIGNED.contains("PrefixList"));
    assert_eq!(verify_id(XMLSEC_SIGNED, "_a1"), Ok(()));
    let changed = XMLSEC_SIGNED.replace("https://idp.example", "https://evil.example");
    assert_eq!(verify_id(&changed, "_a1"), Err(DsigError::DigestMismatch));
    // Without the prefix list the canonical form differs (xmlns:xs is not rendered), so the
    // digest no longer matches: the list is really applied.
    let doc = parse(XMLSEC_SIGNED).unwrap();
    let element = doc
        .descendants()
        .find(|n| n.attribute("ID") == Some("_a1"))
        .unwrap();
    let without = canonicalize_without(element, signature_of(element).map(|s| s.id())).unwrap();
    let with = canonicalize_with(element, signature_of(element).map(|s| s.id()), &["xs"]).unwrap();
    assert_ne!(without, with);
}

#[test]
fn redirect_signatures_verify_and_are_strict() {
    let k = signer(SIGNING_KEY);
    let octets = format!(
        "SAMLRequest=fZJNT8MwDIbv%2FIoo9zZdBxOK1k5jE2LS%3D&RelayState=abc&SigAlg={}",
        "http%3A%2F%2Fwww.w3.org%2F2001%2F04%2Fxmldsig-more%23rsa-sha256"
    );
    let signature = sign_redirect(octets.as_bytes(), &k).unwrap();
    let keys = registered();
    assert_eq!(
        verify_redirect(octets.as_bytes(), RSA_SHA256, &signature, &keys),
        Ok(())
    );
    let tampered = octets.replace("RelayState=abc", "RelayState=abd");
    assert_eq!(
        verify_redirect(tampered.as_bytes(), RSA_SHA256, &signature, &keys),
        Err(DsigError::BadSignature)
    );
    let other = [key(OTHER_KEY).to_public_key()];
    assert_eq!(
        verify_redirect(octets.as_bytes(), RSA_SHA256, &signature, &other),
        Err(DsigError::BadSignature)
    );
    // The algorithm named must be the one used.
    assert_eq!(
        verify_redirect(octets.as_bytes(), RSA_SHA512, &signature, &keys),
        Err(DsigError::BadSignature)
    );
    let sha1 = "http://www.w3.org/2000/09/xmldsig#rsa-sha1";
    assert_eq!(
        verify_redirect(octets.as_bytes(), sha1, &signature, &keys),
        Err(DsigError::Algorithm {
            what: "signature",
            uri: sha1.into()
        })
    );
    assert_eq!(
        verify_redirect(octets.as_bytes(), RSA_SHA256, "not base64!", &keys),
        Err(DsigError::Base64("Signature parameter"))
    );
    // RSA-SHA512 is accepted.
    let sha512 = key(SIGNING_KEY)
        .sign(
            Pkcs1v15Sign::new::<Sha512>(),
            &Sha512::digest(octets.as_bytes()),
        )
        .unwrap();
    assert_eq!(
        verify_redirect(
            octets.as_bytes(),
            RSA_SHA512,
            &STANDARD.encode(sha512),
            &keys
        ),
        Ok(())
    );
}
