//! Reading a `ds:Signature` strictly: the elements this profile allows, in schema order, each
//! once; anything else (a `ds:Object`, a second `ds:Reference`, another transform) is refused
//! by name.

use base64::{Engine as _, engine::general_purpose::STANDARD};

use super::{DS, DsigError, ENVELOPED, EXC_C14N, Hash};
use crate::saml::xml;

/// A `ds:Signature` read strictly: only what this profile allows, each part once.
pub(super) struct Parts<'a, 'i> {
    pub(super) signed_info: roxmltree::Node<'a, 'i>,
    pub(super) c14n_prefixes: Vec<String>,
    pub(super) signature_method: Hash,
    pub(super) reference_uri: &'a str,
    pub(super) reference_prefixes: Vec<String>,
    pub(super) digest_method: Hash,
    pub(super) digest_value: Vec<u8>,
    pub(super) signature_value: Vec<u8>,
}

impl<'a, 'i> Parts<'a, 'i> {
    pub(super) fn parse(signature: roxmltree::Node<'a, 'i>) -> Result<Self, DsigError> {
        // Signature: SignedInfo, SignatureValue, KeyInfo? (never read). No ds:Object, where
        // wrapped content would hide.
        let children = element_children(signature)?;
        let mut children = children.into_iter();
        let signed_info = expect(children.next(), "SignedInfo")?;
        let signature_value = expect(children.next(), "SignatureValue")?;
        if let Some(extra) = children.next()
            && !is_ds(extra, "KeyInfo")
        {
            return Err(unexpected(extra));
        }
        if let Some(extra) = children.next() {
            return Err(unexpected(extra));
        }
        let signature_value = decode_base64(&xml::text_of(signature_value)?, "SignatureValue")?;

        // SignedInfo: CanonicalizationMethod, SignatureMethod, exactly one Reference.
        let mut parts = element_children(signed_info)?.into_iter();
        let c14n = expect(parts.next(), "CanonicalizationMethod")?;
        let c14n_prefixes = exc_c14n_prefixes(c14n, "canonicalization")?;
        let method = expect(parts.next(), "SignatureMethod")?;
        let signature_method = Hash::signature_method(algorithm(method)?)?;
        if let Some(extra) = element_children(method)?.first() {
            return Err(unexpected(*extra));
        }
        let reference = expect(parts.next(), "Reference")?;
        if let Some(extra) = parts.next() {
            return Err(if is_ds(extra, "Reference") {
                DsigError::TooManyReferences
            } else {
                unexpected(extra)
            });
        }

        // Reference: Transforms (enveloped-signature, exc-c14n), DigestMethod, DigestValue.
        let reference_uri = reference.attribute("URI").unwrap_or_default();
        let mut items = element_children(reference)?.into_iter();
        let transforms = expect(items.next(), "Transforms")?;
        let transforms = element_children(transforms)?;
        let [enveloped, c14n_transform] = transforms.as_slice() else {
            return Err(DsigError::Transforms);
        };
        if !is_ds(*enveloped, "Transform")
            || algorithm(*enveloped)? != ENVELOPED
            || !element_children(*enveloped)?.is_empty()
            || !is_ds(*c14n_transform, "Transform")
            || algorithm(*c14n_transform)? != EXC_C14N
        {
            return Err(DsigError::Transforms);
        }
        let reference_prefixes = exc_c14n_prefixes(*c14n_transform, "transform")?;
        let digest = expect(items.next(), "DigestMethod")?;
        let digest_method = Hash::digest_method(algorithm(digest)?)?;
        if let Some(extra) = element_children(digest)?.first() {
            return Err(unexpected(*extra));
        }
        let digest_value = expect(items.next(), "DigestValue")?;
        let digest_value = decode_base64(&xml::text_of(digest_value)?, "DigestValue")?;
        if let Some(extra) = items.next() {
            return Err(unexpected(extra));
        }

        Ok(Parts {
            signed_info,
            c14n_prefixes,
            signature_method,
            reference_uri,
            reference_prefixes,
            digest_method,
            digest_value,
            signature_value,
        })
    }
}

pub(super) fn is_ds(node: roxmltree::Node, name: &str) -> bool {
    node.is_element() && node.tag_name().namespace() == Some(DS) && node.tag_name().name() == name
}

fn unexpected(node: roxmltree::Node) -> DsigError {
    DsigError::Unexpected(format!("<{}>", xml::element_qname(node)))
}

fn expect<'a, 'i>(
    node: Option<roxmltree::Node<'a, 'i>>,
    name: &'static str,
) -> Result<roxmltree::Node<'a, 'i>, DsigError> {
    match node {
        Some(n) if is_ds(n, name) => Ok(n),
        Some(n) => Err(unexpected(n)),
        None => Err(DsigError::Missing(name)),
    }
}

fn algorithm<'a>(node: roxmltree::Node<'a, '_>) -> Result<&'a str, DsigError> {
    node.attribute("Algorithm").ok_or_else(|| {
        DsigError::Unexpected(format!("<{}> without Algorithm", node.tag_name().name()))
    })
}

/// The element children of `node`; any text other than whitespace is refused (comments and
/// processing instructions are not part of the canonical form and are skipped).
fn element_children<'a, 'i>(
    node: roxmltree::Node<'a, 'i>,
) -> Result<Vec<roxmltree::Node<'a, 'i>>, DsigError> {
    let mut out = Vec::new();
    for child in node.children() {
        if child.is_element() {
            out.push(child);
        } else if child.is_text() && !child.text().unwrap_or("").trim().is_empty() {
            return Err(DsigError::Unexpected(format!(
                "text inside <{}>",
                node.tag_name().name()
            )));
        }
    }
    Ok(out)
}

/// Checks that `method` is exclusive C14N and returns its `InclusiveNamespaces PrefixList`.
fn exc_c14n_prefixes(
    method: roxmltree::Node,
    what: &'static str,
) -> Result<Vec<String>, DsigError> {
    let uri = algorithm(method)?;
    if uri != EXC_C14N {
        return Err(DsigError::Algorithm {
            what,
            uri: uri.to_owned(),
        });
    }
    let children = element_children(method)?;
    match children.as_slice() {
        [] => Ok(Vec::new()),
        [inclusive]
            if inclusive.tag_name().namespace() == Some(EXC_C14N)
                && inclusive.tag_name().name() == "InclusiveNamespaces"
                && element_children(*inclusive)?.is_empty() =>
        {
            Ok(inclusive
                .attribute("PrefixList")
                .unwrap_or_default()
                .split_ascii_whitespace()
                .map(str::to_owned)
                .collect())
        }
        [other, ..] => Err(unexpected(*other)),
    }
}

/// Base64 as XML carries it: line breaks and spaces between the characters are allowed.
pub(super) fn decode_base64(text: &str, what: &'static str) -> Result<Vec<u8>, DsigError> {
    let compact: String = text
        .chars()
        .filter(|c| !matches!(c, ' ' | '\t' | '\r' | '\n'))
        .collect();
    STANDARD
        .decode(compact)
        .map_err(|_| DsigError::Base64(what))
}
