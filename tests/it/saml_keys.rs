//! SAML signing keys: created on first start with a self-signed certificate, rotated like the
//! other keys (the next certificate is published before it signs), never in the JWKS.

use std::time::Duration;

use rsa::{signature::Verifier, traits::PublicKeyParts};
use sha2::Sha256;
use x509_cert::{
    Certificate,
    der::{Decode, Encode},
};

use crate::{
    on_both_databases,
    support::{TestApp, TestDb},
};

on_both_databases!(
    a_fresh_server_signs_saml_with_a_self_signed_certificate_for_its_host,
    rotation_publishes_the_next_saml_certificate_before_it_signs,
);

const PREPUBLISH: i64 = 3600;
const GRACE: i64 = 7200;

/// The certificate's subject and validity, after checking that it is signed
/// (sha256WithRSAEncryption) by the key it certifies.
fn check_self_signed(der: &[u8]) -> (String, i64, i64, rsa::RsaPublicKey) {
    use rsa::pkcs8::DecodePublicKey;
    let cert = Certificate::from_der(der).expect("DER certificate");
    let tbs = &cert.tbs_certificate;
    assert_eq!(tbs.issuer, tbs.subject, "self-issued");
    assert_eq!(
        cert.signature_algorithm.oid.to_string(),
        "1.2.840.113549.1.1.11",
        "sha256WithRSAEncryption"
    );
    let key =
        rsa::RsaPublicKey::from_public_key_der(&tbs.subject_public_key_info.to_der().unwrap())
            .expect("an RSA key");
    let signature = rsa::pkcs1v15::Signature::try_from(cert.signature.raw_bytes()).unwrap();
    rsa::pkcs1v15::VerifyingKey::<Sha256>::new(key.clone())
        .verify(&tbs.to_der().unwrap(), &signature)
        .expect("signed by its own key");
    let unix = |t: x509_cert::time::Time| t.to_unix_duration().as_secs() as i64;
    (
        tbs.subject.to_string(),
        unix(tbs.validity.not_before),
        unix(tbs.validity.not_after),
        key,
    )
}

async fn jwks_text(app: &TestApp) -> String {
    app.get("/jwks").await.text().await.unwrap()
}

async fn a_fresh_server_signs_saml_with_a_self_signed_certificate_for_its_host(db: TestDb) {
    let app = TestApp::spawn(&db).await;
    let signer = app.state.keys.saml_signer().expect("an active SAML key");

    let (subject, not_before, not_after, public) = check_self_signed(&signer.certificate);
    assert_eq!(subject, "CN=localhost", "the issuer's host");
    let now = app.state.clock.now();
    assert!(not_before <= now && now < not_after, "valid now");
    assert!(
        not_after > now + 5 * 365 * 86_400,
        "valid for years: {not_after}"
    );
    assert_eq!(public, public_of(&signer.key), "certifies the signing key");
    assert_eq!(public.size() * 8, 2048);

    // Published for SAML metadata, and nowhere in the JWKS.
    assert_eq!(
        app.state.keys.saml_certificates(),
        vec![signer.certificate.clone()]
    );
    assert_eq!(app.jwks_kids().await.len(), 2);
    assert!(!jwks_text(&app).await.contains(&signer.kid));
    assert!(!jwks_text(&app).await.contains("SAML"));
    assert!(
        app.state
            .keys
            .published()
            .await
            .iter()
            .all(|k| k.kid != signer.kid),
        "never accepted as a JWS key"
    );
    assert_eq!(app.get("/readyz").await.status(), 200);

    // A restart keeps the same key and certificate.
    let (kid, certificate) = (signer.kid.clone(), signer.certificate.clone());
    app.stop().await;
    let app = TestApp::spawn(&db).await;
    let again = app.state.keys.saml_signer().unwrap();
    assert_eq!((&again.kid, &again.certificate), (&kid, &certificate));
    assert!(db.keys_dir().join(format!("{kid}.pem")).exists());
    app.stop().await;
}

async fn rotation_publishes_the_next_saml_certificate_before_it_signs(db: TestDb) {
    let app = TestApp::spawn_with(&db, |f| {
        f.merge(("keys.prepublish_secs", PREPUBLISH))
            .merge(("keys.retire_grace_secs", GRACE))
            .merge(("keys.refresh_secs", 1))
    })
    .await;
    let before = app.state.keys.saml_signer().unwrap();
    let jwks_before = app.jwks_kids().await;

    let timing = [
        ("CIVITAS_KEYS__PREPUBLISH_SECS", PREPUBLISH.to_string()),
        ("CIVITAS_KEYS__RETIRE_GRACE_SECS", GRACE.to_string()),
    ];
    let timing: Vec<(&str, &str)> = timing.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let out = db.civitas_with(&["keys", "rotate", "--alg", "saml-rs256"], &timing);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let printed = String::from_utf8_lossy(&out.stdout);
    assert!(
        printed.contains("SAML-RS256: new key") && printed.contains("leaves the SAML metadata"),
        "{printed}"
    );
    assert!(!printed.contains("ES256: new key"), "only SAML: {printed}");

    // The running server picks the next key up: its certificate is published first, beside
    // the active one, while the active key keeps signing.
    let mut certificates = Vec::new();
    for _ in 0..50 {
        certificates = app.state.keys.saml_certificates();
        if certificates.len() == 2 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert_eq!(certificates.len(), 2, "next and active are published");
    assert_eq!(certificates[1], before.certificate, "newest first");
    let (subject, not_before, _, next_public) = check_self_signed(&certificates[0]);
    assert_eq!(subject, "CN=localhost");
    assert!(not_before <= app.state.clock.now());
    assert_ne!(next_public, public_of(&before.key));
    assert_eq!(app.state.keys.saml_signer().unwrap().kid, before.kid);
    assert_eq!(
        app.jwks_kids().await,
        jwks_before,
        "the JWKS does not change"
    );

    // `keys list` shows both SAML keys with their certificates' end and fingerprint.
    let listed = db.civitas(&["keys", "list"]);
    let listed = String::from_utf8_lossy(&listed.stdout);
    let saml_lines: Vec<&str> = listed
        .lines()
        .filter(|l| l.starts_with("SAML-RS256 "))
        .collect();
    assert_eq!(saml_lines.len(), 2, "{listed}");
    assert!(saml_lines.iter().any(|l| l.contains(" next ")), "{listed}");
    assert!(
        saml_lines.iter().any(|l| l.contains(" active ")),
        "{listed}"
    );
    assert_eq!(
        listed
            .matches("certificate CN=localhost, valid until ")
            .count(),
        2,
        "{listed}"
    );
    for der in &certificates {
        let fingerprint = civitas::crypto::certificate::fingerprint(der);
        assert!(
            listed.contains(&format!("SHA-256 {fingerprint}")),
            "{listed}"
        );
    }
    // Only SAML keys carry a certificate line.
    assert_eq!(listed.matches("certificate ").count(), 2, "{listed}");

    // After the pre-publication period the new key signs; the retired one stays published.
    app.clock.advance(PREPUBLISH + 1);
    let after = app.state.keys.saml_signer().unwrap();
    assert_ne!(after.kid, before.kid);
    assert_eq!(after.certificate, certificates[0]);
    assert_eq!(public_of(&after.key), next_public);
    assert_eq!(app.state.keys.saml_certificates(), certificates);

    // After the grace period the retired certificate leaves.
    app.clock.advance(GRACE);
    assert_eq!(
        app.state.keys.saml_certificates(),
        vec![after.certificate.clone()]
    );
    let jwks = jwks_text(&app).await;
    assert!(!jwks.contains(&after.kid) && !jwks.contains(&before.kid));
    app.stop().await;
}

/// The public half of a key the server signs with.
fn public_of(key: &civitas::crypto::jws::RsaSha256) -> rsa::RsaPublicKey {
    use rsa::pkcs1::DecodeRsaPublicKey as _;
    rsa::RsaPublicKey::from_pkcs1_der(key.public_key_der()).expect("PKCS#1 DER")
}
