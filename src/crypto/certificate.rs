//! Self-signed X.509 certificates (RFC 5280) for the SAML signing keys: SAML metadata and
//! `ds:KeyInfo` carry keys as certificates. Pure: key, names and times in, DER out.

use std::time::{Duration, SystemTime};

use rsa::{RsaPrivateKey, RsaPublicKey, pkcs8::DecodePublicKey};
use sha2::{Digest, Sha256};
use x509_cert::{
    Certificate,
    attr::AttributeTypeAndValue,
    builder::{Builder, CertificateBuilder, Profile},
    der::{
        Decode, Encode, Tag,
        asn1::{Any, SetOfVec},
        oid::{ObjectIdentifier, db::rfc4519},
    },
    name::{Name, RdnSequence, RelativeDistinguishedName},
    serial_number::SerialNumber,
    spki::SubjectPublicKeyInfoOwned,
    time::{Time, Validity},
};

/// sha256WithRSAEncryption (RFC 4055 §5).
const SHA256_WITH_RSA: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.1.11");

/// The subject (and issuer: the certificate is self-signed) of a signing certificate.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Subject {
    /// `CN`: the service's host name.
    pub common_name: String,
    /// `O`, when one is configured.
    pub organisation: Option<String>,
}

impl Subject {
    /// A subject with only a common name.
    pub fn new(common_name: impl Into<String>) -> Self {
        Self {
            common_name: common_name.into(),
            organisation: None,
        }
    }

    fn to_name(&self) -> Result<Name, CertificateError> {
        let mut rdns = Vec::new();
        // Most significant first (RFC 4514 prints them the other way round).
        if let Some(o) = &self.organisation {
            rdns.push(rdn(rfc4519::O, o)?);
        }
        rdns.push(rdn(rfc4519::CN, &self.common_name)?);
        Ok(RdnSequence(rdns))
    }
}

fn rdn(oid: ObjectIdentifier, value: &str) -> Result<RelativeDistinguishedName, CertificateError> {
    // RFC 5280 §4.1.2.6 (ub-common-name, ub-organization-name): 1 to 64 characters.
    if value.is_empty() || value.chars().count() > 64 {
        return Err(CertificateError::Name(format!(
            "{value:?} must have 1 to 64 characters"
        )));
    }
    let value = Any::new(Tag::Utf8String, value.as_bytes()).map_err(der_error)?;
    let set = SetOfVec::try_from(vec![AttributeTypeAndValue { oid, value }]).map_err(der_error)?;
    Ok(RelativeDistinguishedName(set))
}

/// Why a certificate could not be made or read.
#[derive(Debug, thiserror::Error)]
pub enum CertificateError {
    #[error("certificate name: {0}")]
    Name(String),
    #[error("certificate validity: {0}")]
    Validity(String),
    #[error("certificate encoding: {0}")]
    Encoding(String),
    #[error("certificate signature: {0}")]
    Signing(String),
    #[error("not an X.509 certificate: {0}")]
    Parse(String),
    #[error("certificate is not signed with sha256WithRSAEncryption or holds no RSA key")]
    Algorithm,
}

fn der_error(e: x509_cert::der::Error) -> CertificateError {
    CertificateError::Encoding(e.to_string())
}

fn time(unix: i64) -> Result<Time, CertificateError> {
    let secs = u64::try_from(unix)
        .map_err(|_| CertificateError::Validity(format!("{unix} is before 1970")))?;
    Time::try_from(SystemTime::UNIX_EPOCH + Duration::from_secs(secs))
        .map_err(|e| CertificateError::Validity(e.to_string()))
}

/// A self-signed end-entity certificate for `key` (basic constraints: not a CA; key usage:
/// digital signature), signed with sha256WithRSAEncryption, valid from `not_before` to
/// `not_after` (unix seconds), as DER. `serial` should be random (RFC 5280 §4.1.2.2: unique
/// per issuer); it is made positive and non-zero here.
pub fn self_signed(
    key: &RsaPrivateKey,
    subject: &Subject,
    serial: [u8; 16],
    not_before: i64,
    not_after: i64,
) -> Result<Vec<u8>, CertificateError> {
    if not_after <= not_before {
        return Err(CertificateError::Validity(
            "not after must follow not before".into(),
        ));
    }
    let mut serial = serial;
    serial[0] = (serial[0] & 0x7f) | 0x40;
    let serial = SerialNumber::new(&serial).map_err(der_error)?;
    let validity = Validity {
        not_before: time(not_before)?,
        not_after: time(not_after)?,
    };
    let name = subject.to_name()?;
    let public = SubjectPublicKeyInfoOwned::from_key(key.to_public_key())
        .map_err(|e| CertificateError::Encoding(e.to_string()))?;
    let signer = rsa::pkcs1v15::SigningKey::<Sha256>::new(key.clone());
    let profile = Profile::Leaf {
        issuer: name.clone(),
        enable_key_agreement: false,
        enable_key_encipherment: false,
    };
    let builder = CertificateBuilder::new(profile, serial, validity, name, public, &signer)
        .map_err(|e| CertificateError::Encoding(e.to_string()))?;
    // The randomised signer blinds the RSA operation.
    let certificate = builder
        .build_with_rng::<rsa::pkcs1v15::Signature>(&mut rsa::rand_core::OsRng)
        .map_err(|e| CertificateError::Signing(e.to_string()))?;
    certificate.to_der().map_err(der_error)
}

/// What `civitas keys list` and the key lifecycle need to know about a certificate.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CertificateInfo {
    /// The subject as RFC 4514 text, e.g. `CN=id.example.gov`.
    pub subject: String,
    /// Unix seconds.
    pub not_before: i64,
    /// Unix seconds.
    pub not_after: i64,
    /// SHA-256 over the DER, as colon-separated upper-case hex.
    pub fingerprint: String,
    pub public_key: RsaPublicKey,
}

/// Reads a DER certificate signed with sha256WithRSAEncryption over an RSA key. Does not
/// check its signature.
pub fn inspect(der: &[u8]) -> Result<CertificateInfo, CertificateError> {
    let cert = Certificate::from_der(der).map_err(|e| CertificateError::Parse(e.to_string()))?;
    let tbs = &cert.tbs_certificate;
    if cert.signature_algorithm.oid != SHA256_WITH_RSA || tbs.signature.oid != SHA256_WITH_RSA {
        return Err(CertificateError::Algorithm);
    }
    let spki = tbs.subject_public_key_info.to_der().map_err(der_error)?;
    let public_key =
        RsaPublicKey::from_public_key_der(&spki).map_err(|_| CertificateError::Algorithm)?;
    let unix = |t: Time| t.to_unix_duration().as_secs() as i64;
    Ok(CertificateInfo {
        subject: tbs.subject.to_string(),
        not_before: unix(tbs.validity.not_before),
        not_after: unix(tbs.validity.not_after),
        fingerprint: fingerprint(der),
        public_key,
    })
}

/// SHA-256 over `der`, as colon-separated upper-case hex (the form `openssl x509
/// -fingerprint -sha256` prints).
pub fn fingerprint(der: &[u8]) -> String {
    Sha256::digest(der)
        .iter()
        .map(|b| format!("{b:02X}"))
        .collect::<Vec<_>>()
        .join(":")
}

#[cfg(test)]
mod tests {
    use rsa::signature::Verifier;

    use super::*;

    const NOW: i64 = 1_800_000_000;

    fn key() -> RsaPrivateKey {
        RsaPrivateKey::new(&mut rsa::rand_core::OsRng, 2048).unwrap()
    }

    #[test]
    fn certificate_is_self_signed_with_sha256_rsa_for_its_key_and_times() {
        let key = key();
        let subject = Subject {
            common_name: "id.example.gov".into(),
            organisation: Some("Ministry of the Interior, Civitas".into()),
        };
        let der = self_signed(&key, &subject, [0xff; 16], NOW - 60, NOW + 86_400).unwrap();

        let cert = Certificate::from_der(&der).unwrap();
        let tbs = &cert.tbs_certificate;
        assert_eq!(tbs.issuer, tbs.subject, "self-issued");
        assert_eq!(cert.signature_algorithm.oid, SHA256_WITH_RSA);
        // A comma in a value is escaped in the RFC 4514 form, not taken as a separator.
        assert_eq!(
            tbs.subject.to_string(),
            r"CN=id.example.gov,O=Ministry of the Interior\, Civitas"
        );
        let serial = tbs.serial_number.as_bytes();
        assert_eq!(serial.len(), 16);
        assert!(
            serial[0] & 0x80 == 0 && serial[0] != 0,
            "positive: {serial:?}"
        );

        // The signature over the TBS verifies with the certified key, and with no other.
        let signature = rsa::pkcs1v15::Signature::try_from(cert.signature.raw_bytes()).unwrap();
        let tbs_der = tbs.to_der().unwrap();
        let verifier = rsa::pkcs1v15::VerifyingKey::<Sha256>::new(key.to_public_key());
        verifier.verify(&tbs_der, &signature).unwrap();
        let stranger = rsa::pkcs1v15::VerifyingKey::<Sha256>::new(self::key().to_public_key());
        assert!(stranger.verify(&tbs_der, &signature).is_err());

        let info = inspect(&der).unwrap();
        assert_eq!(info.public_key, key.to_public_key());
        assert_eq!((info.not_before, info.not_after), (NOW - 60, NOW + 86_400));
        assert_eq!(info.fingerprint.len(), 32 * 3 - 1);
        assert_eq!(info.fingerprint, fingerprint(&der));
    }

    #[test]
    fn the_certificate_is_an_end_entity_for_signing() {
        use x509_cert::ext::pkix::{BasicConstraints, KeyUsage, KeyUsages};
        let der = self_signed(&key(), &Subject::new("localhost"), [1; 16], NOW, NOW + 1).unwrap();
        let cert = Certificate::from_der(&der).unwrap();
        let extensions = cert.tbs_certificate.extensions.unwrap();
        let find = |oid| extensions.iter().find(|e| e.extn_id == oid).unwrap();
        let basic =
            BasicConstraints::from_der(find(rfc5280_oid("2.5.29.19")).extn_value.as_bytes())
                .unwrap();
        assert!(!basic.ca);
        let usage =
            KeyUsage::from_der(find(rfc5280_oid("2.5.29.15")).extn_value.as_bytes()).unwrap();
        assert!(usage.0.contains(KeyUsages::DigitalSignature));
        assert!(!usage.0.contains(KeyUsages::KeyCertSign));
    }

    fn rfc5280_oid(s: &str) -> ObjectIdentifier {
        ObjectIdentifier::new_unwrap(s)
    }

    #[test]
    fn bad_names_and_times_are_refused() {
        let key = key();
        let long = Subject::new("x".repeat(65));
        assert!(matches!(
            self_signed(&key, &long, [1; 16], NOW, NOW + 1),
            Err(CertificateError::Name(_))
        ));
        assert!(matches!(
            self_signed(&key, &Subject::new(""), [1; 16], NOW, NOW + 1),
            Err(CertificateError::Name(_))
        ));
        let ok = Subject::new("id.example.gov");
        assert!(matches!(
            self_signed(&key, &ok, [1; 16], NOW, NOW),
            Err(CertificateError::Validity(_))
        ));
        assert!(matches!(
            self_signed(&key, &ok, [1; 16], -1, NOW),
            Err(CertificateError::Validity(_))
        ));
    }

    #[test]
    fn inspect_refuses_what_is_not_a_certificate() {
        assert!(matches!(
            inspect(b"not der"),
            Err(CertificateError::Parse(_))
        ));
    }
}
