//! XML Encryption 1.1 (<https://www.w3.org/TR/xmlenc-core1/>) of a signed assertion for a
//! service provider that asked for it (SAML core §2.3.4 `EncryptedAssertion`): the assertion is
//! encrypted with a fresh AES-256-GCM key, and that key with the provider's RSA key by RSA-OAEP
//! (SHA-256 digest; MGF1 with SHA-1, the algorithm's default, because an `xenc11:MGF` element
//! fails the SAML schema validation strict service providers run: python3-saml's among them).
//! The signature inside stays valid after decryption.

use aes_gcm::{Aes256Gcm, KeyInit as _, aead::Aead as _};
use base64::{Engine as _, engine::general_purpose::STANDARD};
use rsa::{Oaep, RsaPublicKey};
use sha2::Sha256;

use super::{
    request::SAML,
    xml::{self, XmlError},
};

/// The XML Encryption namespace.
pub const XENC: &str = "http://www.w3.org/2001/04/xmlenc#";
/// AES-256-GCM (XML Encryption 1.1 §5.2.4); `CipherValue` = IV (12) ‖ ciphertext ‖ tag (16).
pub const AES256_GCM: &str = "http://www.w3.org/2009/xmlenc11#aes256-gcm";
/// RSA-OAEP with an explicit digest (XML Encryption 1.1 §5.5.2); MGF1-SHA1 by default.
pub const RSA_OAEP: &str = "http://www.w3.org/2009/xmlenc11#rsa-oaep";
/// `Type` of encrypted data that is one element.
pub const ELEMENT: &str = "http://www.w3.org/2001/04/xmlenc#Element";

/// Why an assertion could not be encrypted.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum XmlEncError {
    #[error(transparent)]
    Xml(#[from] XmlError),
    #[error("only a saml:Assertion element can be encrypted")]
    NotAnAssertion,
    #[error("encryption failed: {0}")]
    Encryption(String),
}

/// Encrypts `signed_assertion` (a `saml:Assertion` element, usually signed) for the holder of
/// `key`, returning `<saml:EncryptedAssertion xmlns:saml="…">…</saml:EncryptedAssertion>`.
pub fn encrypt_assertion(
    signed_assertion: &str,
    key: &RsaPublicKey,
) -> Result<String, XmlEncError> {
    let doc = xml::parse(signed_assertion)?;
    let root = doc.root_element();
    if !root.has_tag_name((SAML, "Assertion")) {
        return Err(XmlEncError::NotAnAssertion);
    }
    // The element alone: no XML declaration, nothing around it.
    let plaintext = &signed_assertion[root.range()];

    let mut content_key = zeroize::Zeroizing::new([0u8; 32]);
    let mut iv = [0u8; 12];
    getrandom::fill(&mut *content_key).map_err(|e| XmlEncError::Encryption(e.to_string()))?;
    getrandom::fill(&mut iv).map_err(|e| XmlEncError::Encryption(e.to_string()))?;
    let cipher = Aes256Gcm::new_from_slice(&*content_key)
        .map_err(|e| XmlEncError::Encryption(e.to_string()))?;
    let sealed = cipher
        .encrypt(&iv.into(), plaintext.as_bytes())
        .map_err(|e| XmlEncError::Encryption(e.to_string()))?;
    let mut cipher_value = Vec::with_capacity(iv.len() + sealed.len());
    cipher_value.extend_from_slice(&iv);
    cipher_value.extend_from_slice(&sealed);

    let wrapped_key = key
        .encrypt(
            &mut rsa::rand_core::OsRng,
            Oaep::new_with_mgf_hash::<Sha256, sha1::Sha1>(),
            &*content_key,
        )
        .map_err(|e| XmlEncError::Encryption(e.to_string()))?;

    Ok(format!(
        concat!(
            r#"<saml:EncryptedAssertion xmlns:saml="{saml}">"#,
            r#"<xenc:EncryptedData xmlns:xenc="{xenc}" Type="{element}">"#,
            r#"<xenc:EncryptionMethod Algorithm="{aes}"/>"#,
            r#"<ds:KeyInfo xmlns:ds="{ds}"><xenc:EncryptedKey>"#,
            r#"<xenc:EncryptionMethod Algorithm="{oaep}">"#,
            r#"<ds:DigestMethod Algorithm="{sha256}"/>"#,
            r#"</xenc:EncryptionMethod>"#,
            r#"<xenc:CipherData><xenc:CipherValue>{wrapped}</xenc:CipherValue></xenc:CipherData>"#,
            r#"</xenc:EncryptedKey></ds:KeyInfo>"#,
            r#"<xenc:CipherData><xenc:CipherValue>{content}</xenc:CipherValue></xenc:CipherData>"#,
            r#"</xenc:EncryptedData></saml:EncryptedAssertion>"#
        ),
        saml = SAML,
        xenc = XENC,
        element = ELEMENT,
        aes = AES256_GCM,
        ds = super::dsig::DS,
        oaep = RSA_OAEP,
        sha256 = super::dsig::SHA256,
        wrapped = STANDARD.encode(wrapped_key),
        content = STANDARD.encode(cipher_value),
    ))
}

#[cfg(test)]
mod tests {
    use rsa::RsaPrivateKey;

    use super::*;
    use crate::saml::dsig::tests::{OTHER_KEY, SIGNING_CERT, SIGNING_KEY, der, key, signer};
    use crate::saml::dsig::{sign_enveloped, verify_enveloped};

    const ASSERTION: &str = r#"<saml:Assertion xmlns:saml="urn:oasis:names:tc:SAML:2.0:assertion" ID="_e1" Version="2.0"><saml:Issuer>https://idp.example</saml:Issuer><saml:Subject><saml:NameID>zoë</saml:NameID></saml:Subject></saml:Assertion>"#;

    /// Decrypts as a service provider would, following the document's own structure.
    fn decrypt(encrypted: &str, key: &RsaPrivateKey) -> Result<String, String> {
        let doc = xml::parse(encrypted).unwrap();
        let values: Vec<Vec<u8>> = doc
            .descendants()
            .filter(|n| n.has_tag_name((XENC, "CipherValue")))
            .map(|n| STANDARD.decode(n.text().unwrap()).unwrap())
            .collect();
        let [wrapped, content] = values.as_slice() else {
            panic!("expected two CipherValues");
        };
        let content_key = key
            .decrypt(Oaep::new_with_mgf_hash::<Sha256, sha1::Sha1>(), wrapped)
            .map_err(|e| e.to_string())?;
        let (iv, sealed) = content.split_at(12);
        let iv: [u8; 12] = iv.try_into().unwrap();
        let plain = Aes256Gcm::new_from_slice(&content_key)
            .unwrap()
            .decrypt(&iv.into(), sealed)
            .map_err(|e| e.to_string())?;
        Ok(String::from_utf8(plain).unwrap())
    }

    #[test]
    fn an_encrypted_signed_assertion_decrypts_to_the_same_verifiable_assertion() {
        let sp = key(SIGNING_KEY);
        let signed =
            sign_enveloped(ASSERTION, "_e1", &signer(OTHER_KEY), &der(SIGNING_CERT)).unwrap();
        let encrypted = encrypt_assertion(&signed, &sp.to_public_key()).unwrap();
        assert!(encrypted.starts_with(
            r#"<saml:EncryptedAssertion xmlns:saml="urn:oasis:names:tc:SAML:2.0:assertion"><xenc:EncryptedData"#
        ));
        assert!(!encrypted.contains("zoë") && !encrypted.contains("idp.example"));
        let doc = xml::parse(&encrypted).unwrap();
        let method = |uri| {
            doc.descendants()
                .any(|n| n.attribute("Algorithm") == Some(uri))
        };
        assert!(method(AES256_GCM) && method(RSA_OAEP));

        let decrypted = decrypt(&encrypted, &sp).unwrap();
        assert_eq!(decrypted, signed);
        let doc = xml::parse(&decrypted).unwrap();
        assert_eq!(
            verify_enveloped(doc.root_element(), &[key(OTHER_KEY).to_public_key()]),
            Ok(())
        );
    }

    #[test]
    fn only_the_intended_key_decrypts_and_each_encryption_is_fresh() {
        let sp = key(SIGNING_KEY);
        let first = encrypt_assertion(ASSERTION, &sp.to_public_key()).unwrap();
        let second = encrypt_assertion(ASSERTION, &sp.to_public_key()).unwrap();
        assert_ne!(first, second);
        assert_eq!(decrypt(&second, &sp).unwrap(), ASSERTION);
        assert!(decrypt(&first, &key(OTHER_KEY)).is_err());
        // A flipped ciphertext byte fails GCM authentication.
        let doc = xml::parse(&first).unwrap();
        let content = doc
            .descendants()
            .filter(|n| n.has_tag_name((XENC, "CipherValue")))
            .nth(1)
            .unwrap();
        let mut bytes = STANDARD.decode(content.text().unwrap()).unwrap();
        bytes[20] ^= 1;
        let range = content.first_child().unwrap().range();
        let flipped = format!(
            "{}{}{}",
            &first[..range.start],
            STANDARD.encode(bytes),
            &first[range.end..]
        );
        assert!(decrypt(&flipped, &sp).is_err());
    }

    #[test]
    fn only_an_assertion_element_is_encrypted() {
        let sp = key(SIGNING_KEY);
        let key = sp.to_public_key();
        assert_eq!(
            encrypt_assertion(
                r#"<saml:Issuer xmlns:saml="urn:oasis:names:tc:SAML:2.0:assertion">x</saml:Issuer>"#,
                &key
            ),
            Err(XmlEncError::NotAnAssertion)
        );
        assert!(matches!(
            encrypt_assertion("<saml:Assertion", &key),
            Err(XmlEncError::Xml(_))
        ));
        // An XML declaration is not part of what is encrypted.
        let with_declaration = format!("<?xml version=\"1.0\"?>\n{ASSERTION}\n");
        let encrypted = encrypt_assertion(&with_declaration, &key).unwrap();
        assert_eq!(decrypt(&encrypted, &sp).unwrap(), ASSERTION);
    }
}
