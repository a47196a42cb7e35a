//! XML-Signature and XML-Encryption judged by xmlsec (libxmlsec1 through python-xmlsec, what
//! python3-saml and most service providers use): it verifies what Civitas signs and decrypts
//! what Civitas encrypts; Civitas verifies what it signs.
//!
//! Python is the SAML tests' own (`support::saml_sp::python`): without it the tests say
//! "SKIPPING" and pass, unless `CIVITAS_REQUIRE_SAML_SP=1`.

use std::{
    path::{Path, PathBuf},
    process::Command,
    sync::OnceLock,
};

use base64::{Engine as _, engine::general_purpose::STANDARD};
use civitas::{
    crypto::jws::RsaSha256,
    saml::{dsig, xml, xmlenc},
};
use rsa::{RsaPrivateKey, pkcs8::DecodePrivateKey as _};

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/saml")
        .join(name)
}

fn script() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/saml_sp/xmlsec_check.py")
}

fn key(name: &str) -> RsaPrivateKey {
    RsaPrivateKey::from_pkcs8_pem(&std::fs::read_to_string(fixture(name)).unwrap()).unwrap()
}

fn der(name: &str) -> Vec<u8> {
    let pem = std::fs::read_to_string(fixture(name)).unwrap();
    let body: String = pem.lines().filter(|l| !l.starts_with("-----")).collect();
    STANDARD.decode(body).unwrap()
}

/// The SAML tests' Python (xmlsec and lxml come with python3-saml's requirements), found or
/// made once per run; `None` (after saying so) when there is none and none is required.
fn python() -> Option<&'static Path> {
    static PYTHON: OnceLock<Option<PathBuf>> = OnceLock::new();
    PYTHON
        .get_or_init(crate::support::saml_sp::python)
        .as_deref()
}

/// Runs the xmlsec script with `args` (the document first, written to a file).
fn xmlsec(python: &Path, command: &str, document: &str, args: &[&Path]) -> (bool, String) {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("document.xml");
    std::fs::write(&file, document).unwrap();
    let output = Command::new(python)
        .arg(script())
        .arg(command)
        .arg(&file)
        .args(args)
        .output()
        .unwrap();
    let stdout = String::from_utf8(output.stdout).unwrap();
    if !output.status.success() {
        eprintln!(
            "xmlsec {command}: {stdout}{}",
            String::from_utf8_lossy(&output.stderr)
        );
    }
    (output.status.success(), stdout)
}

const ASSERTION: &str = r#"<saml:Assertion xmlns:saml="urn:oasis:names:tc:SAML:2.0:assertion" xmlns:xs="http://www.w3.org/2001/XMLSchema" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" ID="_a1" IssueInstant="2026-01-01T00:00:00Z" Version="2.0">
  <saml:Issuer>https://idp.example</saml:Issuer>
  <saml:Subject><saml:NameID Format="urn:oasis:names:tc:SAML:2.0:nameid-format:persistent">c0ffee</saml:NameID></saml:Subject>
  <saml:AttributeStatement><saml:Attribute Name="urn:oid:2.5.4.42" FriendlyName="givenName"><saml:AttributeValue xsi:type="xs:string">Zoë &amp; "Ann" &lt;x&gt;&#13;</saml:AttributeValue></saml:Attribute></saml:AttributeStatement>
</saml:Assertion>"#;

fn response_around(inner: &str) -> String {
    format!(
        r#"<samlp:Response xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol" xmlns:saml="urn:oasis:names:tc:SAML:2.0:assertion" ID="_r1" Version="2.0" IssueInstant="2026-01-01T00:00:00Z" Destination="https://sp.example/acs?a=1&amp;b=2"><saml:Issuer>https://idp.example</saml:Issuer><samlp:Status><samlp:StatusCode Value="urn:oasis:names:tc:SAML:2.0:status:Success"/></samlp:Status>{inner}</samlp:Response>"#
    )
}

fn verify_by_id(document: &str, id: &str) -> Result<(), dsig::DsigError> {
    let doc = xml::parse(document).unwrap();
    let element = doc
        .descendants()
        .find(|n| n.attribute("ID") == Some(id))
        .unwrap();
    dsig::verify_enveloped(element, &[key("signing-key.pem").to_public_key()])
}

#[test]
fn xmlsec_verifies_what_civitas_signs() {
    let Some(python) = python() else { return };
    let signing = RsaSha256::new(&key("signing-key.pem")).unwrap();
    let cert = der("signing-cert.pem");
    let assertion = dsig::sign_enveloped(ASSERTION, "_a1", &signing, &cert).unwrap();
    let response =
        dsig::sign_enveloped(&response_around(&assertion), "_r1", &signing, &cert).unwrap();
    let cert_pem = fixture("signing-cert.pem");

    for id in ["_a1", "_r1"] {
        let (ok, out) = xmlsec(python, "verify", &response, &[Path::new(id), &cert_pem]);
        assert!(ok && out.trim() == "OK", "xmlsec refused {id}: {out}");
    }
    // The control: xmlsec does refuse a changed document and another certificate.
    let changed = response.replace("c0ffee", "c0ffef");
    let (ok, _) = xmlsec(python, "verify", &changed, &[Path::new("_a1"), &cert_pem]);
    assert!(!ok, "xmlsec accepted a changed assertion");
    let other = fixture("other-cert.pem");
    let (ok, _) = xmlsec(python, "verify", &response, &[Path::new("_r1"), &other]);
    assert!(
        !ok,
        "xmlsec accepted the signature with another certificate"
    );
}

#[test]
fn civitas_verifies_what_xmlsec_signs() {
    let Some(python) = python() else { return };
    let key_pem = fixture("signing-key.pem");
    let cert_pem = fixture("signing-cert.pem");
    for prefix_list in [None, Some("xs #default")] {
        let mut args = vec![Path::new("_a1"), &key_pem, &cert_pem];
        if let Some(list) = prefix_list {
            args.push(Path::new(list));
        }
        let (ok, signed) = xmlsec(python, "sign", &response_around(ASSERTION), &args);
        assert!(ok, "xmlsec could not sign");
        assert_eq!(verify_by_id(&signed, "_a1"), Ok(()), "{signed}");
        let changed = signed.replace("https://idp.example", "https://idp.example.evil");
        assert_eq!(
            verify_by_id(&changed, "_a1"),
            Err(dsig::DsigError::DigestMismatch)
        );
    }
}

#[test]
fn xmlsec_decrypts_what_civitas_encrypts() {
    let Some(python) = python() else { return };
    let signing = RsaSha256::new(&key("signing-key.pem")).unwrap();
    let assertion =
        dsig::sign_enveloped(ASSERTION, "_a1", &signing, &der("signing-cert.pem")).unwrap();
    let sp = key("other-key.pem");
    let encrypted = xmlenc::encrypt_assertion(&assertion, &sp.to_public_key()).unwrap();
    let response = response_around(&encrypted);

    let (ok, decrypted) = xmlsec(python, "decrypt", &response, &[&fixture("other-key.pem")]);
    assert!(ok, "xmlsec could not decrypt: {decrypted}");
    // The same element, canonically, and its signature still verifies, for both verifiers.
    let original = xml::parse(&assertion).unwrap();
    let back = xml::parse(&decrypted).unwrap();
    assert_eq!(
        xml::canonicalize(back.root_element()).unwrap(),
        xml::canonicalize(original.root_element()).unwrap()
    );
    assert_eq!(verify_by_id(&decrypted, "_a1"), Ok(()));
    let (ok, out) = xmlsec(
        python,
        "verify",
        &decrypted,
        &[Path::new("_a1"), &fixture("signing-cert.pem")],
    );
    assert!(
        ok,
        "xmlsec refused the decrypted assertion's signature: {out}"
    );
    // The control: another key cannot decrypt it.
    let (ok, _) = xmlsec(python, "decrypt", &response, &[&fixture("signing-key.pem")]);
    assert!(!ok, "xmlsec decrypted with the wrong key");
}
