//! XML-Signature (<https://www.w3.org/TR/xmldsig-core1/>) for the one profile SAML uses here:
//! an enveloped `ds:Signature` on the element it signs, exclusive C14N, RSA-SHA256 (RSA-SHA512
//! also accepted), SHA-256 digests (SHA-512 also accepted); and the HTTP-Redirect binding's
//! detached signature (SAML bindings §3.4.4.1).
//!
//! Verification is deliberately narrow, because generic XML-Signature is where signature
//! wrapping lives: the caller passes the element it is about to read; its one `ds:Signature`
//! must be a direct child; the one `ds:Reference` must point at that element's `ID`, which no
//! other element in the document may share; the transforms must be exactly
//! enveloped-signature then exc-c14n. `ds:KeyInfo` is never used: keys come from the caller.

use base64::{Engine as _, engine::general_purpose::STANDARD};
use rsa::{Pkcs1v15Sign, RsaPublicKey};
use sha2::{Digest as _, Sha256, Sha512};

use super::{
    request::SAML,
    xml::{self, XmlError, canonicalize_with, escape_attr},
};
use crate::crypto::jws::RsaSha256;
use signature::{Parts, decode_base64, is_ds};

/// The XML-Signature namespace.
pub const DS: &str = "http://www.w3.org/2000/09/xmldsig#";
/// `SignatureMethod` and `SigAlg` for RSA PKCS#1 v1.5 with SHA-256 (RFC 6931 §2.3.2).
pub const RSA_SHA256: &str = "http://www.w3.org/2001/04/xmldsig-more#rsa-sha256";
/// `SignatureMethod` and `SigAlg` for RSA PKCS#1 v1.5 with SHA-512 (RFC 6931 §2.3.4).
pub const RSA_SHA512: &str = "http://www.w3.org/2001/04/xmldsig-more#rsa-sha512";
/// `DigestMethod` SHA-256 (XML Encryption §5.7.2).
pub const SHA256: &str = "http://www.w3.org/2001/04/xmlenc#sha256";
/// `DigestMethod` SHA-512 (XML Encryption §5.7.4).
pub const SHA512: &str = "http://www.w3.org/2001/04/xmlenc#sha512";
/// Exclusive XML Canonicalization 1.0, without comments.
pub const EXC_C14N: &str = "http://www.w3.org/2001/10/xml-exc-c14n#";
/// The enveloped-signature transform (XML-Signature §6.6.4).
pub const ENVELOPED: &str = "http://www.w3.org/2000/09/xmldsig#enveloped-signature";

/// Why a signature was not made or not accepted. The text names the rule for the sender's
/// developer; it never includes key material.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum DsigError {
    #[error(transparent)]
    Xml(#[from] XmlError),
    #[error("the signed element has no ID attribute")]
    NoId,
    #[error("no element has the ID {0:?}")]
    IdNotFound(String),
    #[error("the ID {0:?} is used by more than one element")]
    DuplicateId(String),
    #[error("the element is not signed (it has no ds:Signature child)")]
    NotSigned,
    #[error("the element has more than one ds:Signature child")]
    TooManySignatures,
    #[error("the element is already signed")]
    AlreadySigned,
    #[error("the signature has no ds:{0}")]
    Missing(&'static str),
    #[error("the signature has an unexpected {0}")]
    Unexpected(String),
    #[error("the signature must have exactly one ds:Reference")]
    TooManyReferences,
    #[error("the ds:Reference URI {found:?} is not the signed element's {expected:?}")]
    WrongReference { found: String, expected: String },
    #[error("the {what} algorithm {uri:?} is not accepted")]
    Algorithm { what: &'static str, uri: String },
    #[error("the transforms must be exactly enveloped-signature, then exclusive C14N")]
    Transforms,
    #[error("the {0} is not valid base64")]
    Base64(&'static str),
    #[error("the digest does not match: the element was changed after it was signed")]
    DigestMismatch,
    #[error("the signature value does not verify with any of the registered keys")]
    BadSignature,
    #[error("there is no registered key to verify the signature with")]
    NoKeys,
    #[error("signing failed: {0}")]
    Signing(String),
}

/// The `ds:Signature` child of `element`, if it has one.
pub fn signature_of<'a, 'i>(element: roxmltree::Node<'a, 'i>) -> Option<roxmltree::Node<'a, 'i>> {
    element.children().find(|c| is_ds(*c, "Signature"))
}

/// Signs the element of `xml` whose `ID` attribute is `id` with an enveloped signature
/// (RSA-SHA256, SHA-256, exclusive C14N), inserted right after its `saml:Issuer` child (as its
/// first child when it has none), with `certificate_der` in `ds:KeyInfo`. The rest of `xml` is
/// returned byte for byte.
pub fn sign_enveloped(
    xml: &str,
    id: &str,
    key: &RsaSha256,
    certificate_der: &[u8],
) -> Result<String, DsigError> {
    let doc = xml::parse(xml)?;
    let element = doc
        .descendants()
        .find(|n| n.is_element() && n.attribute("ID") == Some(id))
        .ok_or_else(|| DsigError::IdNotFound(id.to_owned()))?;
    ensure_unique_id(&doc, id)?;
    if signature_of(element).is_some() {
        return Err(DsigError::AlreadySigned);
    }

    let digest = Sha256::digest(xml::canonicalize(element)?.as_bytes());
    let signed_info = format!(
        concat!(
            r#"<ds:SignedInfo><ds:CanonicalizationMethod Algorithm="{c14n}"></ds:CanonicalizationMethod>"#,
            r#"<ds:SignatureMethod Algorithm="{method}"></ds:SignatureMethod>"#,
            r##"<ds:Reference URI="#{id}"><ds:Transforms>"##,
            r#"<ds:Transform Algorithm="{enveloped}"></ds:Transform>"#,
            r#"<ds:Transform Algorithm="{c14n}"></ds:Transform></ds:Transforms>"#,
            r#"<ds:DigestMethod Algorithm="{digest_method}"></ds:DigestMethod>"#,
            r#"<ds:DigestValue>{digest}</ds:DigestValue></ds:Reference></ds:SignedInfo>"#
        ),
        c14n = EXC_C14N,
        method = RSA_SHA256,
        id = escape_attr(id),
        enveloped = ENVELOPED,
        digest_method = SHA256,
        digest = STANDARD.encode(digest),
    );
    // What is signed is SignedInfo's canonical form where it will sit: computed here by the
    // same canonicalizer a verifier (ours) uses, on the signature as it will be written.
    let open = format!(r#"<ds:Signature xmlns:ds="{DS}">"#);
    let unsigned = format!("{open}{signed_info}</ds:Signature>");
    let unsigned_doc = xml::parse(&unsigned)?;
    let signed_info_node = unsigned_doc
        .root_element()
        .first_element_child()
        .ok_or(DsigError::Missing("SignedInfo"))?;
    let to_sign = xml::canonicalize(signed_info_node)?;
    let value = key
        .sign(to_sign.as_bytes())
        .map_err(|e| DsigError::Signing(e.to_string()))?;
    let signature = format!(
        concat!(
            "{open}{signed_info}<ds:SignatureValue>{value}</ds:SignatureValue>",
            "<ds:KeyInfo><ds:X509Data><ds:X509Certificate>{certificate}",
            "</ds:X509Certificate></ds:X509Data></ds:KeyInfo></ds:Signature>"
        ),
        open = open,
        signed_info = signed_info,
        value = STANDARD.encode(value),
        certificate = STANDARD.encode(certificate_der),
    );

    let issuer = element
        .first_element_child()
        .filter(|c| c.tag_name().namespace() == Some(SAML) && c.tag_name().name() == "Issuer");
    let range = element.range();
    let mut out = String::with_capacity(xml.len() + signature.len() + 16);
    match (issuer, element.first_child()) {
        (Some(issuer), _) => {
            out.push_str(&xml[..issuer.range().end]);
            out.push_str(&signature);
            out.push_str(&xml[issuer.range().end..]);
        }
        (None, Some(first)) => {
            out.push_str(&xml[..first.range().start]);
            out.push_str(&signature);
            out.push_str(&xml[first.range().start..]);
        }
        (None, None) if xml[range.clone()].ends_with("/>") => {
            // `<e …/>` becomes `<e …>signature</e>`.
            out.push_str(xml[..range.end - 2].trim_end());
            out.push('>');
            out.push_str(&signature);
            out.push_str("</");
            out.push_str(xml::element_qname(element));
            out.push('>');
            out.push_str(&xml[range.end..]);
        }
        (None, None) => {
            // `<e …></e>`: nothing sits between the start tag and the end tag.
            let end_tag = range.start + xml[range.clone()].rfind("</").unwrap_or(0);
            out.push_str(&xml[..end_tag]);
            out.push_str(&signature);
            out.push_str(&xml[end_tag..]);
        }
    }
    Ok(out)
}

/// Verifies the enveloped signature of `element` (the element the caller will read) with any
/// of `keys`. See the module documentation for what is required.
pub fn verify_enveloped(element: roxmltree::Node, keys: &[RsaPublicKey]) -> Result<(), DsigError> {
    let id = element
        .attribute("ID")
        .filter(|id| !id.is_empty())
        .ok_or(DsigError::NoId)?;
    ensure_unique_id(element.document(), id)?;
    let mut signatures = element.children().filter(|c| is_ds(*c, "Signature"));
    let signature = signatures.next().ok_or(DsigError::NotSigned)?;
    if signatures.next().is_some() {
        return Err(DsigError::TooManySignatures);
    }
    let parts = Parts::parse(signature)?;
    let expected = format!("#{id}");
    if parts.reference_uri != expected {
        return Err(DsigError::WrongReference {
            found: parts.reference_uri.to_owned(),
            expected,
        });
    }

    let prefixes: Vec<&str> = parts
        .reference_prefixes
        .iter()
        .map(|p| p.as_str())
        .collect();
    let canonical = canonicalize_with(element, Some(signature.id()), &prefixes)?;
    if parts.digest_method.digest(canonical.as_bytes()) != parts.digest_value {
        return Err(DsigError::DigestMismatch);
    }
    let prefixes: Vec<&str> = parts.c14n_prefixes.iter().map(|p| p.as_str()).collect();
    let signed_info = canonicalize_with(parts.signed_info, None, &prefixes)?;
    verify_rsa(
        parts.signature_method,
        signed_info.as_bytes(),
        &parts.signature_value,
        keys,
    )
}

/// Signs the HTTP-Redirect binding's octets (`SAMLResponse=…&RelayState=…&SigAlg=…`, SAML
/// bindings §3.4.4.1, with `SigAlg` = [`RSA_SHA256`]); returns the base64 `Signature` value.
pub fn sign_redirect(octets: &[u8], key: &RsaSha256) -> Result<String, DsigError> {
    let value = key
        .sign(octets)
        .map_err(|e| DsigError::Signing(e.to_string()))?;
    Ok(STANDARD.encode(value))
}

/// Verifies an HTTP-Redirect binding signature over `octets` exactly as received (SAML bindings
/// §3.4.4.1): `sig_alg` must be [`RSA_SHA256`] or [`RSA_SHA512`], `signature_b64` the
/// URL-decoded `Signature` parameter.
pub fn verify_redirect(
    octets: &[u8],
    sig_alg: &str,
    signature_b64: &str,
    keys: &[RsaPublicKey],
) -> Result<(), DsigError> {
    let hash = Hash::signature_method(sig_alg)?;
    let value = decode_base64(signature_b64, "Signature parameter")?;
    verify_rsa(hash, octets, &value, keys)
}

fn verify_rsa(
    hash: Hash,
    message: &[u8],
    value: &[u8],
    keys: &[RsaPublicKey],
) -> Result<(), DsigError> {
    if keys.is_empty() {
        return Err(DsigError::NoKeys);
    }
    let hashed = hash.digest(message);
    if keys
        .iter()
        .any(|key| key.verify(hash.pkcs1v15(), &hashed, value).is_ok())
    {
        Ok(())
    } else {
        Err(DsigError::BadSignature)
    }
}

/// Refuses a document where more than one element carries `id` as an ID-like attribute
/// (`ID`, `Id`, `id`, in any namespace): a verifier resolving the reference and a consumer
/// reading the element could otherwise see two different elements.
fn ensure_unique_id(doc: &roxmltree::Document, id: &str) -> Result<(), DsigError> {
    let carriers = doc
        .descendants()
        .filter(|n| {
            n.attributes()
                .any(|a| a.name().eq_ignore_ascii_case("id") && a.value() == id)
        })
        .count();
    if carriers > 1 {
        return Err(DsigError::DuplicateId(id.to_owned()));
    }
    Ok(())
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Hash {
    Sha256,
    Sha512,
}

impl Hash {
    fn signature_method(uri: &str) -> Result<Self, DsigError> {
        match uri {
            RSA_SHA256 => Ok(Hash::Sha256),
            RSA_SHA512 => Ok(Hash::Sha512),
            _ => Err(DsigError::Algorithm {
                what: "signature",
                uri: uri.to_owned(),
            }),
        }
    }

    fn digest_method(uri: &str) -> Result<Self, DsigError> {
        match uri {
            SHA256 => Ok(Hash::Sha256),
            SHA512 => Ok(Hash::Sha512),
            _ => Err(DsigError::Algorithm {
                what: "digest",
                uri: uri.to_owned(),
            }),
        }
    }

    fn digest(self, data: &[u8]) -> Vec<u8> {
        match self {
            Hash::Sha256 => Sha256::digest(data).to_vec(),
            Hash::Sha512 => Sha512::digest(data).to_vec(),
        }
    }

    fn pkcs1v15(self) -> Pkcs1v15Sign {
        match self {
            Hash::Sha256 => Pkcs1v15Sign::new::<Sha256>(),
            Hash::Sha512 => Pkcs1v15Sign::new::<Sha512>(),
        }
    }
}

#[cfg(test)]
mod fuzz;
mod signature;
#[cfg(test)]
pub(crate) mod tests;
