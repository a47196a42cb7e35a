//! Reading a service provider's metadata (SAML metadata, saml-metadata-2.0-os §2.3–2.4):
//! strictly, and only what Civitas uses. Every error names the element or attribute at fault;
//! what is ignored (other bindings, a second encryption key) is reported as a warning.
//!
//! A signature on the metadata is not checked: trust comes from the operator, who adds a
//! service provider's metadata deliberately (from a file or a URL they chose) and checks the
//! certificate fingerprints `civitas saml sp show` prints with the service's operator.

use base64::{Engine, engine::general_purpose::STANDARD};
use roxmltree::Node;
use serde::{Deserialize, Serialize};

use super::Endpoint;
use crate::saml::{
    cert,
    request::{DS, HTTP_POST, HTTP_REDIRECT, SAMLP},
    xml,
};

/// SAML 2.0 metadata namespace.
const MD: &str = "urn:oasis:names:tc:SAML:2.0:metadata";
/// Metadata UI extensions (display name and description).
const MDUI: &str = "urn:oasis:names:tc:SAML:metadata:ui";
const XML_NS: &str = "http://www.w3.org/XML/1998/namespace";
/// The content encryption Civitas uses for encrypted assertions.
const AES256_GCM: &str = "http://www.w3.org/2009/xmlenc11#aes256-gcm";
/// saml-core §8.3.6: an entity identifier is at most 1024 characters.
const MAX_ENTITY_ID: usize = 1024;

/// Why metadata was refused; the text names the element or attribute and the rule.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum MetadataError {
    #[error(transparent)]
    Xml(#[from] xml::XmlError),
    #[error("{0}")]
    Invalid(String),
}

fn invalid(text: impl Into<String>) -> MetadataError {
    MetadataError::Invalid(text.into())
}

/// An attribute the service provider asks for (`md:RequestedAttribute`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RequestedAttribute {
    pub name: String,
    pub required: bool,
}

/// What a service provider's metadata says, as far as Civitas uses it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SpMetadata {
    pub entity_id: String,
    /// `mdui:DisplayName` (English if given), else `md:OrganizationDisplayName`.
    pub display_name: Option<String>,
    /// `mdui:Description` (English if given).
    pub description: Option<String>,
    /// The HTTP-POST assertion consumer services, in metadata order.
    pub acs: Vec<Endpoint>,
    /// The HTTP-Redirect and HTTP-POST single logout services, in metadata order.
    pub slo: Vec<Endpoint>,
    pub authn_requests_signed: bool,
    pub want_assertions_signed: bool,
    /// Base64 DER, without whitespace; each an RSA key of at least 2048 bits.
    pub signing_certificates: Vec<String>,
    pub encryption_certificate: Option<String>,
    pub requested_attributes: Vec<RequestedAttribute>,
    /// The earliest `validUntil` of the descriptors, unix seconds.
    pub valid_until: Option<i64>,
    /// What was ignored, for the operator.
    pub warnings: Vec<String>,
}

fn is(node: Node, ns: &str, name: &str) -> bool {
    node.is_element() && node.tag_name().namespace() == Some(ns) && node.tag_name().name() == name
}

fn children<'a, 'i>(node: Node<'a, 'i>, ns: &'a str, name: &'a str) -> Vec<Node<'a, 'i>> {
    node.children().filter(|c| is(*c, ns, name)).collect()
}

/// `xs:boolean` (XML Schema part 2 §3.2.2): true, false, 1 or 0, whitespace collapsed.
fn boolean(node: Node, element: &str, attribute: &str) -> Result<Option<bool>, MetadataError> {
    match node.attribute(attribute).map(str::trim) {
        None => Ok(None),
        Some("true" | "1") => Ok(Some(true)),
        Some("false" | "0") => Ok(Some(false)),
        Some(other) => Err(invalid(format!(
            "{element}: {attribute}=\"{other}\" must be true or false"
        ))),
    }
}

/// The text of an element holding text only; a comment or child element inside is refused
/// (a reader joining text nodes and one taking the first would disagree).
fn text_only(node: Node, element: &str) -> Result<String, MetadataError> {
    let mut out = String::new();
    for c in node.children() {
        if c.is_text() {
            out.push_str(c.text().unwrap_or(""));
        } else {
            return Err(invalid(format!(
                "{element} must hold text only (no comments or elements)"
            )));
        }
    }
    Ok(out)
}

fn is_loopback(url: &url::Url) -> bool {
    match url.host() {
        Some(url::Host::Ipv4(ip)) => ip.is_loopback(),
        Some(url::Host::Ipv6(ip)) => ip.is_loopback(),
        Some(url::Host::Domain(d)) => d == "localhost",
        None => false,
    }
}

/// An absolute https URL (http only on a loopback host, for development), without user
/// information or fragment.
fn check_url(what: &str, value: &str) -> Result<String, MetadataError> {
    let url = url::Url::parse(value)
        .map_err(|_| invalid(format!("{what}: \"{value}\" is not an absolute URL")))?;
    match url.scheme() {
        "https" if url.host().is_some() => {}
        "http" if is_loopback(&url) => {}
        "http" => {
            return Err(invalid(format!(
                "{what}: {value} must use https (http is accepted for localhost and 127.0.0.1 only)"
            )));
        }
        _ => {
            return Err(invalid(format!("{what}: {value} must be an https URL")));
        }
    }
    if !url.username().is_empty() || url.password().is_some() || url.fragment().is_some() {
        return Err(invalid(format!(
            "{what}: {value} must have no user name, password or #fragment"
        )));
    }
    Ok(value.to_owned())
}

/// saml-core §8.3.6: an absolute URI of at most 1024 characters; Civitas takes an https URL
/// (http on loopback for development) or a URN.
fn check_entity_id(value: &str) -> Result<String, MetadataError> {
    const WHAT: &str = "md:EntityDescriptor entityID";
    if value.is_empty() {
        return Err(invalid(format!("{WHAT} is empty")));
    }
    if value.chars().count() > MAX_ENTITY_ID
        || value.chars().any(|c| c.is_whitespace() || c.is_control())
    {
        return Err(invalid(format!(
            "{WHAT} must be at most {MAX_ENTITY_ID} characters, without spaces"
        )));
    }
    if let Some(rest) = value.strip_prefix("urn:") {
        let (nid, nss) = rest.split_once(':').unwrap_or((rest, ""));
        if nid.is_empty()
            || nss.is_empty()
            || !nid.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
        {
            return Err(invalid(format!(
                "{WHAT} \"{value}\" is not a URN (urn:namespace:name)"
            )));
        }
        return Ok(value.to_owned());
    }
    check_url(WHAT, value)
}

fn date_time(node: Node, element: &str) -> Result<Option<i64>, MetadataError> {
    let Some(v) = node.attribute("validUntil") else {
        return Ok(None);
    };
    time::OffsetDateTime::parse(v.trim(), &time::format_description::well_known::Rfc3339)
        .map(|t| Some(t.unix_timestamp()))
        .map_err(|_| {
            invalid(format!(
                "{element}: validUntil=\"{v}\" is not a date and time (e.g. 2027-01-31T00:00:00Z)"
            ))
        })
}

/// The single `md:EntityDescriptor`: the root, or the one inside an `md:EntitiesDescriptor`.
fn entity_descriptor<'a, 'i>(root: Node<'a, 'i>) -> Result<Node<'a, 'i>, MetadataError> {
    if is(root, MD, "EntityDescriptor") {
        return Ok(root);
    }
    if is(root, MD, "EntitiesDescriptor") {
        let all: Vec<Node> = root
            .descendants()
            .filter(|n| is(*n, MD, "EntityDescriptor"))
            .collect();
        return match all.as_slice() {
            [one] => Ok(*one),
            [] => Err(invalid(
                "md:EntitiesDescriptor holds no md:EntityDescriptor",
            )),
            more => Err(invalid(format!(
                "md:EntitiesDescriptor holds {} md:EntityDescriptor elements: add one service provider at a time, from its own metadata",
                more.len()
            ))),
        };
    }
    let name = root.tag_name();
    Err(invalid(format!(
        "the root element must be md:EntityDescriptor ({MD}), not {}{}",
        name.namespace()
            .map(|n| format!("{{{n}}}"))
            .unwrap_or_default(),
        name.name()
    )))
}

/// Reads and checks a service provider's metadata.
pub fn parse_sp_metadata(text: &str) -> Result<SpMetadata, MetadataError> {
    let doc = xml::parse(text)?;
    let root = doc.root_element();
    let entity = entity_descriptor(root)?;
    let mut warnings = Vec::new();
    let entity_id = check_entity_id(
        entity
            .attribute("entityID")
            .ok_or_else(|| invalid("md:EntityDescriptor has no entityID attribute"))?,
    )?;
    if [entity, root]
        .iter()
        .any(|n| n.children().any(|c| is(c, DS, "Signature")))
    {
        warnings.push(
            "the metadata is signed; the signature is not checked: trust comes from you adding \
             it, so compare the certificate fingerprints with the service's operator"
                .to_owned(),
        );
    }
    let descriptors = children(entity, MD, "SPSSODescriptor");
    let sp = match descriptors.as_slice() {
        [one] => *one,
        [] => {
            return Err(invalid(
                "md:EntityDescriptor has no md:SPSSODescriptor: this metadata describes no SAML service provider",
            ));
        }
        _ => {
            return Err(invalid(
                "md:EntityDescriptor has more than one md:SPSSODescriptor; exactly one is needed",
            ));
        }
    };
    const SPSSO: &str = "md:SPSSODescriptor";
    let protocols = sp.attribute("protocolSupportEnumeration").ok_or_else(|| {
        invalid(format!(
            "{SPSSO} has no protocolSupportEnumeration attribute"
        ))
    })?;
    if !protocols.split_ascii_whitespace().any(|p| p == SAMLP) {
        return Err(invalid(format!(
            "{SPSSO}: protocolSupportEnumeration must include {SAMLP} (SAML 2.0)"
        )));
    }
    let valid_until = [
        date_time(root, "the root element")?,
        date_time(entity, "md:EntityDescriptor")?,
        date_time(sp, SPSSO)?,
    ]
    .into_iter()
    .flatten()
    .min();

    let (signing_certificates, encryption_certificate) = keys(sp, &mut warnings)?;
    let authn_requests_signed = boolean(sp, SPSSO, "AuthnRequestsSigned")?.unwrap_or(false);
    if authn_requests_signed && signing_certificates.is_empty() {
        return Err(invalid(format!(
            "{SPSSO}: AuthnRequestsSigned is true but no md:KeyDescriptor holds a signing certificate"
        )));
    }
    let (display_name, description) = ui_info(entity, sp);
    Ok(SpMetadata {
        entity_id,
        display_name,
        description,
        acs: consumer_services(sp, &mut warnings)?,
        slo: logout_services(sp, &mut warnings)?,
        authn_requests_signed,
        want_assertions_signed: boolean(sp, SPSSO, "WantAssertionsSigned")?.unwrap_or(false),
        signing_certificates,
        encryption_certificate,
        requested_attributes: requested_attributes(sp, &mut warnings)?,
        valid_until,
        warnings,
    })
}

fn consumer_services(sp: Node, warnings: &mut Vec<String>) -> Result<Vec<Endpoint>, MetadataError> {
    let mut out: Vec<Endpoint> = Vec::new();
    for node in children(sp, MD, "AssertionConsumerService") {
        let index = node.attribute("index");
        let what = format!(
            "md:AssertionConsumerService{}",
            index.map(|i| format!(" index={i}")).unwrap_or_default()
        );
        let binding = node
            .attribute("Binding")
            .ok_or_else(|| invalid(format!("{what} has no Binding attribute")))?;
        if binding != HTTP_POST {
            warnings.push(format!(
                "{what} with Binding {binding} is ignored: Civitas sends responses by HTTP-POST only"
            ));
            continue;
        }
        let index: u16 = index
            .ok_or_else(|| {
                invalid(format!(
                    "{what} has no index attribute (an unsigned number; the schema requires it)"
                ))
            })?
            .trim()
            .parse()
            .map_err(|_| invalid(format!("{what}: index must be a number from 0 to 65535")))?;
        if out.iter().any(|e| e.index == Some(index)) {
            return Err(invalid(format!(
                "{what}: index {index} is used by two assertion consumer services"
            )));
        }
        let location = check_url(
            &format!("{what} Location"),
            node.attribute("Location")
                .ok_or_else(|| invalid(format!("{what} has no Location attribute")))?,
        )?;
        if node.attribute("ResponseLocation").is_some() {
            return Err(invalid(format!(
                "{what}: ResponseLocation is not used on an assertion consumer service; remove it"
            )));
        }
        let is_default = boolean(node, &what, "isDefault")?.unwrap_or(false);
        if is_default && out.iter().any(|e| e.is_default) {
            return Err(invalid(format!(
                "{what}: isDefault is true on more than one assertion consumer service"
            )));
        }
        out.push(Endpoint {
            location,
            index: Some(index),
            is_default,
            binding: binding.to_owned(),
            response_location: None,
        });
    }
    if out.is_empty() {
        return Err(invalid(format!(
            "md:SPSSODescriptor has no md:AssertionConsumerService with Binding {HTTP_POST}: Civitas sends responses by HTTP-POST only"
        )));
    }
    Ok(out)
}

fn logout_services(sp: Node, warnings: &mut Vec<String>) -> Result<Vec<Endpoint>, MetadataError> {
    let mut out = Vec::new();
    for node in children(sp, MD, "SingleLogoutService") {
        const WHAT: &str = "md:SingleLogoutService";
        let binding = node
            .attribute("Binding")
            .ok_or_else(|| invalid(format!("{WHAT} has no Binding attribute")))?;
        if binding != HTTP_REDIRECT && binding != HTTP_POST {
            warnings.push(format!(
                "{WHAT} with Binding {binding} is ignored: Civitas uses HTTP-Redirect and HTTP-POST"
            ));
            continue;
        }
        let location = check_url(
            &format!("{WHAT} Location"),
            node.attribute("Location")
                .ok_or_else(|| invalid(format!("{WHAT} has no Location attribute")))?,
        )?;
        let response_location = node
            .attribute("ResponseLocation")
            .map(|r| check_url(&format!("{WHAT} ResponseLocation"), r))
            .transpose()?;
        out.push(Endpoint {
            location,
            index: None,
            is_default: false,
            binding: binding.to_owned(),
            response_location,
        });
    }
    Ok(out)
}

/// The signing certificates (`use="signing"` or no `use`) and the first encryption
/// certificate (`use="encryption"` or no `use`), each checked to hold a usable RSA key.
fn keys(
    sp: Node,
    warnings: &mut Vec<String>,
) -> Result<(Vec<String>, Option<String>), MetadataError> {
    let mut signing: Vec<String> = Vec::new();
    let mut encryption: Vec<String> = Vec::new();
    for (i, node) in children(sp, MD, "KeyDescriptor").into_iter().enumerate() {
        let what = format!("md:KeyDescriptor #{}", i + 1);
        let (for_signing, for_encryption) = match node.attribute("use") {
            None => (true, true),
            Some("signing") => (true, false),
            Some("encryption") => (false, true),
            Some(other) => {
                return Err(invalid(format!(
                    "{what}: use=\"{other}\" must be signing or encryption"
                )));
            }
        };
        let key_info = children(node, DS, "KeyInfo");
        let [key_info] = key_info.as_slice() else {
            return Err(invalid(format!("{what} must hold one ds:KeyInfo")));
        };
        let certs: Vec<Node> = children(*key_info, DS, "X509Data")
            .into_iter()
            .flat_map(|d| children(d, DS, "X509Certificate"))
            .collect();
        let Some(first) = certs.first() else {
            return Err(invalid(format!(
                "{what}: ds:KeyInfo holds no ds:X509Data/ds:X509Certificate; Civitas needs the certificate itself"
            )));
        };
        if certs.len() > 1 {
            warnings.push(format!(
                "{what}: only the first of its {} ds:X509Certificate elements is used",
                certs.len()
            ));
        }
        let der = cert::from_base64(&text_only(*first, "ds:X509Certificate")?)
            .map_err(|e| invalid(format!("{what}: ds:X509Certificate: {e}")))?;
        cert::rsa_public_key(&der)
            .map_err(|e| invalid(format!("{what}: ds:X509Certificate: {e}")))?;
        let b64 = STANDARD.encode(&der);
        if for_signing && !signing.contains(&b64) {
            signing.push(b64.clone());
        }
        if for_encryption {
            let methods: Vec<&str> = children(node, MD, "EncryptionMethod")
                .into_iter()
                .filter_map(|m| m.attribute("Algorithm"))
                .collect();
            if !methods.is_empty() && !methods.contains(&AES256_GCM) {
                warnings.push(format!(
                    "{what}: its md:EncryptionMethod list lacks {AES256_GCM}, the content encryption Civitas uses; encrypted assertions may not be readable by the service"
                ));
            }
            if !encryption.contains(&b64) {
                encryption.push(b64);
            }
        }
    }
    if encryption.len() > 1 {
        warnings.push(format!(
            "{} encryption certificates are listed; only the first is used",
            encryption.len()
        ));
    }
    Ok((signing, encryption.into_iter().next()))
}

/// The attributes of the default `md:AttributeConsumingService` (`isDefault`, else the lowest
/// index), each name once.
fn requested_attributes(
    sp: Node,
    warnings: &mut Vec<String>,
) -> Result<Vec<RequestedAttribute>, MetadataError> {
    let services = children(sp, MD, "AttributeConsumingService");
    let mut chosen = None;
    let mut lowest = None;
    for s in &services {
        const WHAT: &str = "md:AttributeConsumingService";
        let index: u16 = s
            .attribute("index")
            .ok_or_else(|| invalid(format!("{WHAT} has no index attribute")))?
            .trim()
            .parse()
            .map_err(|_| invalid(format!("{WHAT}: index must be a number from 0 to 65535")))?;
        if boolean(*s, WHAT, "isDefault")? == Some(true) && chosen.is_none() {
            chosen = Some(*s);
        }
        if lowest.is_none_or(|(i, _)| index < i) {
            lowest = Some((index, *s));
        }
    }
    let Some(service) = chosen.or(lowest.map(|(_, s)| s)) else {
        return Ok(Vec::new());
    };
    if services.len() > 1 {
        warnings.push(format!(
            "{} md:AttributeConsumingService elements are listed; only the default one is used",
            services.len()
        ));
    }
    let mut out: Vec<RequestedAttribute> = Vec::new();
    for a in children(service, MD, "RequestedAttribute") {
        const WHAT: &str = "md:RequestedAttribute";
        let name = a
            .attribute("Name")
            .map(str::trim)
            .filter(|n| !n.is_empty())
            .ok_or_else(|| invalid(format!("{WHAT} has no Name attribute")))?;
        let required = boolean(a, &format!("{WHAT} {name}"), "isRequired")?.unwrap_or(false);
        match out.iter_mut().find(|r| r.name == name) {
            Some(r) => r.required |= required,
            None => out.push(RequestedAttribute {
                name: name.to_owned(),
                required,
            }),
        }
    }
    Ok(out)
}

/// The English (else the first) text of `ns:name` children of `parent`.
fn localized(parent: Node, ns: &str, name: &str) -> Option<String> {
    let all = children(parent, ns, name);
    let pick = all
        .iter()
        .find(|n| n.attribute((XML_NS, "lang")) == Some("en"))
        .or(all.first())?;
    let text: String = pick
        .children()
        .filter(|c| c.is_text())
        .filter_map(|c| c.text())
        .collect();
    let text = text.split_whitespace().collect::<Vec<_>>().join(" ");
    (!text.is_empty()).then_some(text)
}

fn ui_info(entity: Node, sp: Node) -> (Option<String>, Option<String>) {
    let ui = children(sp, MD, "Extensions")
        .into_iter()
        .flat_map(|e| children(e, MDUI, "UIInfo"))
        .next();
    let organisation = children(entity, MD, "Organization").into_iter().next();
    let name = ui
        .and_then(|u| localized(u, MDUI, "DisplayName"))
        .or_else(|| organisation.and_then(|o| localized(o, MD, "OrganizationDisplayName")));
    let description = ui.and_then(|u| localized(u, MDUI, "Description"));
    (name, description)
}

#[cfg(test)]
mod tests {
    use super::*;

    const FIXTURE: &str = include_str!("../../../tests/fixtures/saml/sp-metadata.xml");
    const WEAK: &str = include_str!("../../../tests/fixtures/saml/rsa1024.pem");
    const SIGNING: &str = include_str!("../../../tests/fixtures/saml/sp-signing.pem");

    fn pem_body(pem: &str) -> String {
        pem.lines().filter(|l| !l.starts_with("-----")).collect()
    }

    /// A minimal metadata document with `inner` inside the SPSSODescriptor.
    fn minimal(entity_id: &str, inner: &str) -> String {
        format!(
            r#"<md:EntityDescriptor xmlns:md="{MD}" xmlns:ds="{DS}" entityID="{entity_id}"><md:SPSSODescriptor protocolSupportEnumeration="{SAMLP}">{inner}</md:SPSSODescriptor></md:EntityDescriptor>"#
        )
    }

    fn acs(location: &str) -> String {
        format!(
            r#"<md:AssertionConsumerService index="0" Binding="{HTTP_POST}" Location="{location}"/>"#
        )
    }

    fn key(use_: &str, pem: &str) -> String {
        format!(
            r#"<md:KeyDescriptor{use_}><ds:KeyInfo><ds:X509Data><ds:X509Certificate>{}</ds:X509Certificate></ds:X509Data></ds:KeyInfo></md:KeyDescriptor>"#,
            pem_body(pem)
        )
    }

    fn error(xml: &str) -> String {
        parse_sp_metadata(xml).unwrap_err().to_string()
    }

    #[test]
    fn the_fixture_reads_completely() {
        let m = parse_sp_metadata(FIXTURE).unwrap();
        assert_eq!(m.entity_id, "https://sp.example.test/saml");
        assert_eq!(m.display_name.as_deref(), Some("Harbour City Permits"));
        assert!(m.description.unwrap().starts_with("To process"));
        let locations: Vec<_> = m.acs.iter().map(|e| e.location.as_str()).collect();
        assert_eq!(
            locations,
            [
                "https://sp.example.test/saml/acs",
                "https://sp.example.test/saml/acs2"
            ]
        );
        assert_eq!(
            (m.acs[0].index, m.acs[0].is_default, m.acs[1].index),
            (Some(0), true, Some(2))
        );
        assert_eq!(m.slo.len(), 1);
        assert_eq!(m.slo[0].binding, HTTP_REDIRECT);
        assert_eq!(
            m.slo[0].response_location.as_deref(),
            Some("https://sp.example.test/saml/slo/response")
        );
        assert!(m.authn_requests_signed && m.want_assertions_signed);
        assert_eq!(m.signing_certificates.len(), 1);
        assert_ne!(
            Some(&m.signing_certificates[0]),
            m.encryption_certificate.as_ref()
        );
        let required: Vec<_> = m
            .requested_attributes
            .iter()
            .map(|a| (a.name.rsplit('/').next().unwrap(), a.required))
            .collect();
        assert_eq!(
            required,
            [
                ("CurrentGivenName", true),
                ("CurrentFamilyName", true),
                ("urn:oid:0.9.2342.19200300.100.1.3", false),
                ("urn:oid:1.3.6.1.4.1.5923.1.1.1.7", false),
            ]
        );
        assert!(
            m.warnings
                .iter()
                .any(|w| w.contains("index=1") && w.contains("HTTP-Artifact")),
            "{:?}",
            m.warnings
        );
    }

    #[test]
    fn a_dtd_is_refused() {
        let xml = format!(
            "<!DOCTYPE x [<!ENTITY e \"e\">]>{}",
            minimal("https://sp.example", &acs("https://sp.example/acs"))
        );
        assert_eq!(
            parse_sp_metadata(&xml).unwrap_err(),
            MetadataError::Xml(xml::XmlError::Dtd)
        );
    }

    #[test]
    fn the_root_and_the_descriptor_must_be_one_service_provider() {
        let one = minimal("https://sp.example", &acs("https://sp.example/acs"));
        let wrapped =
            format!(r#"<md:EntitiesDescriptor xmlns:md="{MD}">{one}</md:EntitiesDescriptor>"#);
        assert_eq!(
            parse_sp_metadata(&wrapped).unwrap().entity_id,
            "https://sp.example"
        );
        let two =
            format!(r#"<md:EntitiesDescriptor xmlns:md="{MD}">{one}{one}</md:EntitiesDescriptor>"#);
        assert!(error(&two).contains("holds 2 md:EntityDescriptor"));
        assert!(error("<EntityDescriptor/>").contains("root element must be md:EntityDescriptor"));
        let idp = format!(
            r#"<md:EntityDescriptor xmlns:md="{MD}" entityID="https://idp.example"><md:IDPSSODescriptor protocolSupportEnumeration="{SAMLP}"/></md:EntityDescriptor>"#
        );
        assert!(error(&idp).contains("no md:SPSSODescriptor"));
        let saml1 = one.replace(SAMLP, "urn:oasis:names:tc:SAML:1.1:protocol");
        assert!(error(&saml1).contains("protocolSupportEnumeration must include"));
    }

    #[test]
    fn entity_ids_are_https_urls_or_urns() {
        let ok = |id: &str| parse_sp_metadata(&minimal(id, &acs("https://sp.example/acs")));
        assert!(ok("urn:example:sp:permits").is_ok());
        assert!(ok("http://localhost:8080/sp").is_ok());
        assert!(ok("http://127.0.0.1/sp").is_ok());
        for bad in [
            "http://sp.example/",
            "sp.example",
            "urn:",
            "ftp://sp.example/",
            "",
        ] {
            let e = ok(bad).unwrap_err().to_string();
            assert!(e.contains("entityID"), "{bad}: {e}");
        }
        let long = format!("https://sp.example/{}", "a".repeat(1100));
        assert!(ok(&long).unwrap_err().to_string().contains("1024"));
    }

    #[test]
    fn a_post_consumer_service_on_https_is_required() {
        let redirect_only = minimal(
            "https://sp.example",
            &acs("https://sp.example/acs").replace(HTTP_POST, HTTP_REDIRECT),
        );
        assert!(error(&redirect_only).contains("no md:AssertionConsumerService with Binding"));
        let plain = minimal("https://sp.example", &acs("http://sp.example/acs"));
        let e = error(&plain);
        assert!(
            e.contains("md:AssertionConsumerService index=0 Location") && e.contains("https"),
            "{e}"
        );
        assert!(
            parse_sp_metadata(&minimal(
                "https://sp.example",
                &acs("http://127.0.0.1:9/acs")
            ))
            .is_ok()
        );
        let no_index = minimal(
            "https://sp.example",
            &acs("https://sp.example/acs").replace(r#"index="0" "#, ""),
        );
        assert!(error(&no_index).contains("no index attribute"));
        let twice = minimal(
            "https://sp.example",
            &format!(
                "{}{}",
                acs("https://sp.example/a"),
                acs("https://sp.example/b")
            ),
        );
        assert!(error(&twice).contains("index 0 is used by two"));
        let fragment = minimal("https://sp.example", &acs("https://sp.example/acs#x"));
        assert!(error(&fragment).contains("#fragment"));
    }

    #[test]
    fn keys_must_be_rsa_2048_certificates() {
        let weak = minimal(
            "https://sp.example",
            &format!(
                "{}{}",
                key(r#" use="signing""#, WEAK),
                acs("https://sp.example/acs")
            ),
        );
        let e = error(&weak);
        assert!(
            e.contains("md:KeyDescriptor #1") && e.contains("1024 bits"),
            "{e}"
        );
        let bad_use = minimal(
            "https://sp.example",
            &format!(
                "{}{}",
                key(r#" use="both""#, SIGNING),
                acs("https://sp.example/acs")
            ),
        );
        assert!(error(&bad_use).contains(r#"use="both""#));
        // No `use`: the one certificate serves both.
        let both = minimal(
            "https://sp.example",
            &format!("{}{}", key("", SIGNING), acs("https://sp.example/acs")),
        );
        let m = parse_sp_metadata(&both).unwrap();
        assert_eq!(m.signing_certificates.len(), 1);
        assert_eq!(
            m.encryption_certificate.as_ref(),
            m.signing_certificates.first()
        );
        let commented = both.replace("<ds:X509Certificate>", "<ds:X509Certificate><!-- x -->");
        assert!(error(&commented).contains("text only"));
    }

    #[test]
    fn signed_requests_need_a_signing_certificate() {
        let xml = minimal("https://sp.example", &acs("https://sp.example/acs")).replace(
            "protocolSupportEnumeration",
            r#"AuthnRequestsSigned="true" protocolSupportEnumeration"#,
        );
        assert!(error(&xml).contains("AuthnRequestsSigned is true but no md:KeyDescriptor"));
        let odd = xml.replace(
            r#"AuthnRequestsSigned="true""#,
            r#"AuthnRequestsSigned="yes""#,
        );
        assert!(error(&odd).contains(r#"AuthnRequestsSigned="yes" must be true or false"#));
    }

    #[test]
    fn a_signature_on_the_metadata_is_reported_not_checked() {
        let xml = minimal("https://sp.example", &acs("https://sp.example/acs")).replacen(
            "<md:SPSSODescriptor",
            "<ds:Signature><ds:SignatureValue>AAAA</ds:SignatureValue></ds:Signature><md:SPSSODescriptor",
            1,
        );
        let m = parse_sp_metadata(&xml).unwrap();
        assert!(
            m.warnings
                .iter()
                .any(|w| w.contains("signature is not checked")),
            "{:?}",
            m.warnings
        );
    }

    #[test]
    fn valid_until_is_read_as_the_earliest() {
        let xml = minimal("https://sp.example", &acs("https://sp.example/acs"))
            .replacen(
                "entityID=",
                r#"validUntil="2030-01-01T00:00:00Z" entityID="#,
                1,
            )
            .replacen(
                "protocolSupportEnumeration",
                r#"validUntil="2029-01-01T00:00:00Z" protocolSupportEnumeration"#,
                1,
            );
        assert_eq!(
            parse_sp_metadata(&xml).unwrap().valid_until,
            Some(1_861_920_000)
        );
        assert!(error(&xml.replace("2029-01-01T00:00:00Z", "soon")).contains("validUntil"));
    }
}
