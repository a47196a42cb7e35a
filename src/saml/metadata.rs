//! `GET /saml/metadata`: the IdP's SAML metadata (SAML metadata §2.4.3), signed with the
//! active SAML key. It lists every published signing certificate, the next key's too during
//! a rotation (as the JWKS lists the next key), so service providers trust a new key before
//! it signs. Its `cacheDuration` is the JWKS's cache lifetime; `validUntil` bounds how long a
//! copy may be used at all.

use axum::{
    body::Bytes,
    extract::State,
    http::{HeaderValue, header},
    response::{IntoResponse, Response},
};
use base64::{Engine, engine::general_purpose::STANDARD as B64};
use tokio::sync::Mutex;

use super::{
    attributes,
    request::{DS, HTTP_POST, HTTP_REDIRECT, PERSISTENT, SAML},
    response::new_id,
    sso,
    xml::{escape_attr, escape_text},
};
use crate::{clock::rfc3339, error::AppError, state::AppState};

/// The SAML metadata namespace.
pub const MD: &str = "urn:oasis:names:tc:SAML:2.0:metadata";
/// How long a copy of the metadata may be used (`validUntil`), from when it was signed.
pub const VALIDITY: i64 = 7 * 24 * 3600;
/// How long a signed copy is served before it is signed again with a fresh `validUntil`.
const REBUILD_AFTER: i64 = 3600;

/// The signed metadata last built, and what it was built from.
#[derive(Default)]
pub struct MetadataCache(Mutex<Option<Built>>);

struct Built {
    certificates: Vec<Vec<u8>>,
    at: i64,
    xml: Bytes,
}

/// What the metadata says, apart from its signature.
pub struct Facts<'a> {
    pub id: &'a str,
    pub entity_id: &'a str,
    pub sso_url: &'a str,
    pub slo_url: &'a str,
    pub valid_until: i64,
    pub cache_seconds: u64,
    /// DER, newest first.
    pub certificates: &'a [Vec<u8>],
}

/// The unsigned `EntityDescriptor`.
pub fn entity_descriptor(f: &Facts<'_>) -> String {
    let mut keys = String::new();
    for der in f.certificates {
        keys.push_str(&format!(
            concat!(
                r#"<md:KeyDescriptor use="signing"><ds:KeyInfo xmlns:ds="{ds}"><ds:X509Data>"#,
                "<ds:X509Certificate>{cert}</ds:X509Certificate>",
                "</ds:X509Data></ds:KeyInfo></md:KeyDescriptor>"
            ),
            ds = DS,
            cert = B64.encode(der),
        ));
    }
    let slo = escape_attr(f.slo_url);
    let sso = escape_attr(f.sso_url);
    let mut attrs = String::new();
    for e in attributes::catalogue() {
        attrs.push_str(&format!(
            r#"<saml:Attribute Name="{}" NameFormat="urn:oasis:names:tc:SAML:2.0:attrname-format:uri" FriendlyName="{}"/>"#,
            escape_attr(e.name),
            escape_attr(e.friendly_name),
        ));
    }
    format!(
        concat!(
            r#"<md:EntityDescriptor xmlns:md="{md}" xmlns:saml="{saml}" ID="{id}" entityID="{entity}" validUntil="{until}" cacheDuration="PT{cache}S">"#,
            r#"<md:IDPSSODescriptor WantAuthnRequestsSigned="false" protocolSupportEnumeration="urn:oasis:names:tc:SAML:2.0:protocol">"#,
            "{keys}",
            r#"<md:SingleLogoutService Binding="{redirect}" Location="{slo}"/>"#,
            r#"<md:SingleLogoutService Binding="{post}" Location="{slo}"/>"#,
            "<md:NameIDFormat>{persistent}</md:NameIDFormat>",
            r#"<md:SingleSignOnService Binding="{redirect}" Location="{sso}"/>"#,
            r#"<md:SingleSignOnService Binding="{post}" Location="{sso}"/>"#,
            "{attrs}",
            "</md:IDPSSODescriptor>",
            "</md:EntityDescriptor>"
        ),
        md = MD,
        saml = SAML,
        id = f.id,
        entity = escape_attr(f.entity_id),
        until = rfc3339(f.valid_until),
        cache = f.cache_seconds,
        keys = keys,
        redirect = HTTP_REDIRECT,
        post = HTTP_POST,
        slo = slo,
        sso = sso,
        persistent = escape_text(PERSISTENT),
        attrs = attrs,
    )
}

/// The signed metadata: built again when the published certificates change, and hourly so
/// `validUntil` stays a week ahead.
async fn signed(state: &AppState) -> Result<Bytes, AppError> {
    let certificates = state.keys.saml_certificates();
    let now = state.clock.now();
    let mut cache = state.saml_metadata.0.lock().await;
    if let Some(b) = cache.as_ref()
        && b.certificates == certificates
        && now - b.at < REBUILD_AFTER
    {
        return Ok(b.xml.clone());
    }
    let id = new_id();
    let entity_id = sso::entity_id(state);
    let xml = entity_descriptor(&Facts {
        id: &id,
        entity_id: &entity_id,
        sso_url: &state.config.issuer.endpoint("/saml/sso"),
        slo_url: &state.config.issuer.endpoint("/saml/slo"),
        valid_until: now + VALIDITY,
        cache_seconds: state.config.keys.jwks_max_age().as_secs(),
        certificates: &certificates,
    });
    let signed = sso::sign(state, xml, id).await?;
    let xml = Bytes::from(format!(r#"<?xml version="1.0" encoding="UTF-8"?>{signed}"#));
    *cache = Some(Built {
        certificates,
        at: now,
        xml: xml.clone(),
    });
    Ok(xml)
}

/// `GET /saml/metadata`
pub async fn metadata(State(state): State<AppState>) -> Result<Response, AppError> {
    let body = signed(&state).await?;
    let mut response = body.into_response();
    let h = response.headers_mut();
    h.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/samlmetadata+xml"),
    );
    h.insert(header::CACHE_CONTROL, state.jwks_cache_control.clone());
    h.insert(
        header::ACCESS_CONTROL_ALLOW_ORIGIN,
        HeaderValue::from_static("*"),
    );
    Ok(response)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::saml::xml::parse;

    #[test]
    fn metadata_lists_every_certificate_both_bindings_and_the_attributes() {
        let certs = vec![vec![1u8, 2, 3], vec![4u8, 5, 6]];
        let xml = entity_descriptor(&Facts {
            id: "_m1",
            entity_id: "https://id.example/saml/metadata",
            sso_url: "https://id.example/saml/sso",
            slo_url: "https://id.example/saml/slo",
            valid_until: 1_800_000_000,
            cache_seconds: 3600,
            certificates: &certs,
        });
        let doc = parse(&xml).unwrap();
        let root = doc.root_element();
        assert_eq!(root.tag_name().namespace(), Some(MD));
        assert_eq!(root.attribute("validUntil"), Some("2027-01-15T08:00:00Z"));
        assert_eq!(root.attribute("cacheDuration"), Some("PT3600S"));
        let named = |name: &str| {
            doc.descendants()
                .filter(|n| n.tag_name().name() == name)
                .collect::<Vec<_>>()
        };
        let certs: Vec<_> = named("X509Certificate")
            .iter()
            .filter_map(|n| n.text())
            .map(str::to_owned)
            .collect();
        assert_eq!(certs, ["AQID", "BAUG"]);
        let sso: Vec<_> = named("SingleSignOnService")
            .iter()
            .filter_map(|n| n.attribute("Binding"))
            .collect();
        assert_eq!(sso, [HTTP_REDIRECT, HTTP_POST]);
        assert_eq!(named("SingleLogoutService").len(), 2);
        assert_eq!(named("NameIDFormat")[0].text(), Some(PERSISTENT));
        assert_eq!(named("Attribute").len(), attributes::catalogue().len());
    }
}
