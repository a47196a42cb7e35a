//! X.509 certificates from service providers' metadata: decoded strictly (DER), and only
//! their RSA public keys of at least [`MIN_RSA_BITS`] are used. Certificates are key
//! containers here (SAML metadata interoperability): trust comes from the operator who added
//! the metadata, not from a chain, so the issuer and validity are shown, not enforced.

use base64::{Engine, engine::general_purpose::STANDARD};
use rsa::{RsaPublicKey, pkcs8::DecodePublicKey, traits::PublicKeyParts};
use sha2::{Digest, Sha256};
use x509_cert::{
    Certificate,
    der::{Decode, Encode},
};

/// The smallest RSA modulus accepted, in bits.
pub const MIN_RSA_BITS: usize = 2048;

/// `rsaEncryption` (RFC 8017 appendix C).
const RSA_ENCRYPTION: &str = "1.2.840.113549.1.1.1";

/// Why a certificate cannot be used; the text says what is wrong with it.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum CertError {
    #[error("the certificate is not base64 ({0})")]
    Base64(String),
    #[error("the certificate is not a DER X.509 certificate ({0})")]
    Der(String),
    #[error(
        "the certificate's key is not RSA (algorithm {0}); Civitas uses RSA keys of at least {MIN_RSA_BITS} bits"
    )]
    NotRsa(String),
    #[error(
        "the certificate's RSA key has {0} bits; at least {MIN_RSA_BITS} are needed: ask the service for a new certificate"
    )]
    TooShort(usize),
    #[error("the certificate's RSA key cannot be read ({0})")]
    BadKey(String),
}

/// The DER bytes of a base64 certificate (as in `ds:X509Certificate`; whitespace and line
/// breaks are ignored), checked to be one well-formed X.509 certificate.
pub fn from_base64(text: &str) -> Result<Vec<u8>, CertError> {
    let compact: String = text.chars().filter(|c| !c.is_ascii_whitespace()).collect();
    let der = STANDARD
        .decode(compact)
        .map_err(|e| CertError::Base64(e.to_string()))?;
    parse(&der)?;
    Ok(der)
}

fn parse(der: &[u8]) -> Result<Certificate, CertError> {
    Certificate::from_der(der).map_err(|e| CertError::Der(e.to_string()))
}

/// The certificate's RSA public key; refuses other algorithms and keys under
/// [`MIN_RSA_BITS`].
pub fn rsa_public_key(der: &[u8]) -> Result<RsaPublicKey, CertError> {
    let cert = parse(der)?;
    let spki = &cert.tbs_certificate.subject_public_key_info;
    let oid = spki.algorithm.oid.to_string();
    if oid != RSA_ENCRYPTION {
        return Err(CertError::NotRsa(oid));
    }
    let spki_der = spki.to_der().map_err(|e| CertError::Der(e.to_string()))?;
    let key = RsaPublicKey::from_public_key_der(&spki_der)
        .map_err(|e| CertError::BadKey(e.to_string()))?;
    let bits = key.n().bits();
    if bits < MIN_RSA_BITS {
        return Err(CertError::TooShort(bits));
    }
    Ok(key)
}

/// The SHA-256 fingerprint of the DER certificate, as `AB:CD:…` (what `openssl x509
/// -fingerprint -sha256` prints), for operators to compare with what the service sent.
pub fn fingerprint_sha256(der: &[u8]) -> String {
    Sha256::digest(der)
        .iter()
        .map(|b| format!("{b:02X}"))
        .collect::<Vec<_>>()
        .join(":")
}

/// When the certificate expires (`notAfter`), in unix seconds.
pub fn not_after(der: &[u8]) -> Result<i64, CertError> {
    let cert = parse(der)?;
    let after = cert.tbs_certificate.validity.not_after.to_unix_duration();
    Ok(i64::try_from(after.as_secs()).unwrap_or(i64::MAX))
}

/// The certificate's subject name (RFC 4514 form), for display.
pub fn subject(der: &[u8]) -> Result<String, CertError> {
    Ok(parse(der)?.tbs_certificate.subject.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pem_body(pem: &str) -> String {
        pem.lines().filter(|l| !l.starts_with("-----")).collect()
    }

    const SIGNING: &str = include_str!("../../tests/fixtures/saml/sp-signing.pem");
    const WEAK: &str = include_str!("../../tests/fixtures/saml/rsa1024.pem");
    const EC: &str = include_str!("../../tests/fixtures/saml/ec-p256.pem");

    #[test]
    fn a_2048_bit_rsa_certificate_gives_its_key() {
        // Line breaks and indentation as metadata has them.
        let spaced = pem_body(SIGNING)
            .as_bytes()
            .chunks(64)
            .map(|c| format!("\n        {}", String::from_utf8_lossy(c)))
            .collect::<String>();
        let der = from_base64(&spaced).unwrap();
        let key = rsa_public_key(&der).unwrap();
        assert_eq!(key.n().bits(), 2048);
        let fp = fingerprint_sha256(&der);
        assert_eq!(fp.len(), 32 * 3 - 1);
        assert!(fp.bytes().all(|b| b == b':' || b.is_ascii_hexdigit()));
        // The fixture was made valid for ten years from late 2026.
        assert!(not_after(&der).unwrap() > 1_900_000_000);
        assert!(subject(&der).unwrap().contains("sp.example.test signing"));
    }

    #[test]
    fn short_and_non_rsa_keys_are_refused() {
        let weak = from_base64(&pem_body(WEAK)).unwrap();
        assert_eq!(
            rsa_public_key(&weak).unwrap_err(),
            CertError::TooShort(1024)
        );
        let ec = from_base64(&pem_body(EC)).unwrap();
        assert!(matches!(
            rsa_public_key(&ec).unwrap_err(),
            CertError::NotRsa(oid) if oid == "1.2.840.10045.2.1"
        ));
    }

    #[test]
    fn text_that_is_no_certificate_is_refused() {
        assert!(matches!(
            from_base64("not base64!").unwrap_err(),
            CertError::Base64(_)
        ));
        assert!(matches!(
            from_base64("aGVsbG8=").unwrap_err(),
            CertError::Der(_)
        ));
        let mut der = from_base64(&pem_body(SIGNING)).unwrap();
        der.push(0);
        assert!(matches!(
            from_base64(&STANDARD.encode(&der)).unwrap_err(),
            CertError::Der(_)
        ));
    }
}
