//! The XML Civitas sends: `Response` with its `Assertion` (SAML core §2.3.3, §3.3.3), and
//! `LogoutResponse` (§3.7.2), written out unsigned; `dsig` signs them. Every value is
//! escaped; every namespace a signed element uses is declared on that element, so its
//! canonical form is the same inside the Response and after decryption.

use super::{
    attributes::Attribute,
    request::{PERSISTENT, SAML, SAMLP},
    xml::{escape_attr, escape_text},
};
use crate::clock::rfc3339;

/// How long an assertion can be used: `SubjectConfirmationData` and `Conditions` end then.
pub const ASSERTION_LIFETIME: i64 = 300;

pub const SUCCESS: &str = "urn:oasis:names:tc:SAML:2.0:status:Success";
pub const REQUESTER: &str = "urn:oasis:names:tc:SAML:2.0:status:Requester";
pub const RESPONDER: &str = "urn:oasis:names:tc:SAML:2.0:status:Responder";
pub const NO_PASSIVE: &str = "urn:oasis:names:tc:SAML:2.0:status:NoPassive";
pub const NO_AUTHN_CONTEXT: &str = "urn:oasis:names:tc:SAML:2.0:status:NoAuthnContext";
pub const REQUEST_DENIED: &str = "urn:oasis:names:tc:SAML:2.0:status:RequestDenied";
pub const AUTHN_FAILED: &str = "urn:oasis:names:tc:SAML:2.0:status:AuthnFailed";
pub const INVALID_NAME_ID_POLICY: &str = "urn:oasis:names:tc:SAML:2.0:status:InvalidNameIDPolicy";
pub const UNKNOWN_PRINCIPAL: &str = "urn:oasis:names:tc:SAML:2.0:status:UnknownPrincipal";
pub const PARTIAL_LOGOUT: &str = "urn:oasis:names:tc:SAML:2.0:status:PartialLogout";

/// A `Status` (core §3.2.2.2): a top-level code, a second-level code, and a message for the
/// service provider's developer (never personal data).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Status {
    pub code: &'static str,
    pub sub: Option<&'static str>,
    pub message: Option<String>,
}

impl Status {
    pub fn success() -> Self {
        Self {
            code: SUCCESS,
            sub: None,
            message: None,
        }
    }

    pub fn requester(sub: Option<&'static str>, message: impl Into<String>) -> Self {
        Self {
            code: REQUESTER,
            sub,
            message: Some(message.into()),
        }
    }

    pub fn responder(sub: Option<&'static str>, message: impl Into<String>) -> Self {
        Self {
            code: RESPONDER,
            sub,
            message: Some(message.into()),
        }
    }

    fn xml(&self) -> String {
        let inner = self
            .sub
            .map(|s| format!(r#"<samlp:StatusCode Value="{s}"/>"#))
            .unwrap_or_default();
        let message = self
            .message
            .as_deref()
            .map(|m| {
                format!(
                    "<samlp:StatusMessage>{}</samlp:StatusMessage>",
                    escape_text(m)
                )
            })
            .unwrap_or_default();
        format!(
            r#"<samlp:Status><samlp:StatusCode Value="{}">{inner}</samlp:StatusCode>{message}</samlp:Status>"#,
            self.code
        )
    }
}

/// What one assertion says.
pub struct AssertionFacts<'a> {
    pub id: &'a str,
    pub idp_entity_id: &'a str,
    pub sp_entity_id: &'a str,
    pub acs_url: &'a str,
    pub in_response_to: &'a str,
    pub now: i64,
    /// The pairwise persistent identifier for this service provider.
    pub name_id: &'a str,
    pub session_index: &'a str,
    /// When the person signed in, and how strongly (an assurance level URI).
    pub auth_time: i64,
    pub class_ref: &'a str,
    /// When the Civitas session ends at the latest.
    pub session_not_on_or_after: i64,
    pub attributes: &'a [Attribute],
}

/// The `Assertion`, unsigned, with its own namespace declaration (it is signed alone and may
/// be encrypted alone).
pub fn assertion(f: &AssertionFacts<'_>) -> String {
    let now = rfc3339(f.now);
    let until = rfc3339(f.now + ASSERTION_LIFETIME);
    let issuer = escape_text(f.idp_entity_id);
    let sp = escape_attr(f.sp_entity_id);
    let mut attributes = String::new();
    for a in f.attributes {
        attributes.push_str(&format!(
            r#"<saml:Attribute Name="{}" NameFormat="urn:oasis:names:tc:SAML:2.0:attrname-format:uri" FriendlyName="{}">"#,
            escape_attr(a.name),
            escape_attr(a.friendly_name)
        ));
        for v in &a.values {
            attributes.push_str(&format!(
                "<saml:AttributeValue>{}</saml:AttributeValue>",
                escape_text(v)
            ));
        }
        attributes.push_str("</saml:Attribute>");
    }
    // An AttributeStatement must hold at least one Attribute (core §2.7.3).
    let statement = if attributes.is_empty() {
        String::new()
    } else {
        format!("<saml:AttributeStatement>{attributes}</saml:AttributeStatement>")
    };
    format!(
        concat!(
            r#"<saml:Assertion xmlns:saml="{saml}" ID="{id}" Version="2.0" IssueInstant="{now}">"#,
            "<saml:Issuer>{issuer}</saml:Issuer>",
            "<saml:Subject>",
            r#"<saml:NameID Format="{persistent}" NameQualifier="{idp}" SPNameQualifier="{sp}">{name_id}</saml:NameID>"#,
            r#"<saml:SubjectConfirmation Method="urn:oasis:names:tc:SAML:2.0:cm:bearer">"#,
            r#"<saml:SubjectConfirmationData NotOnOrAfter="{until}" Recipient="{acs}" InResponseTo="{irt}"/>"#,
            "</saml:SubjectConfirmation>",
            "</saml:Subject>",
            r#"<saml:Conditions NotBefore="{now}" NotOnOrAfter="{until}">"#,
            "<saml:AudienceRestriction><saml:Audience>{sp_text}</saml:Audience></saml:AudienceRestriction>",
            "</saml:Conditions>",
            r#"<saml:AuthnStatement AuthnInstant="{auth_time}" SessionIndex="{session_index}" SessionNotOnOrAfter="{session_end}">"#,
            "<saml:AuthnContext><saml:AuthnContextClassRef>{class_ref}</saml:AuthnContextClassRef></saml:AuthnContext>",
            "</saml:AuthnStatement>",
            "{statement}",
            "</saml:Assertion>"
        ),
        saml = SAML,
        id = f.id,
        now = now,
        issuer = issuer,
        persistent = PERSISTENT,
        idp = escape_attr(f.idp_entity_id),
        sp = sp,
        name_id = escape_text(f.name_id),
        until = until,
        acs = escape_attr(f.acs_url),
        irt = escape_attr(f.in_response_to),
        sp_text = escape_text(f.sp_entity_id),
        auth_time = rfc3339(f.auth_time),
        session_index = escape_attr(f.session_index),
        session_end = rfc3339(f.session_not_on_or_after),
        class_ref = escape_text(f.class_ref),
        statement = statement,
    )
}

/// A protocol response's envelope: `Response` or `LogoutResponse`.
pub struct Envelope<'a> {
    pub id: &'a str,
    pub idp_entity_id: &'a str,
    pub destination: &'a str,
    pub in_response_to: &'a str,
    pub now: i64,
    pub status: &'a Status,
}

fn envelope(name: &str, e: &Envelope<'_>, inner: &str) -> String {
    format!(
        concat!(
            r#"<samlp:{name} xmlns:samlp="{samlp}" xmlns:saml="{saml}" ID="{id}" Version="2.0" IssueInstant="{now}" Destination="{dest}" InResponseTo="{irt}">"#,
            "<saml:Issuer>{issuer}</saml:Issuer>",
            "{status}{inner}",
            "</samlp:{name}>"
        ),
        name = name,
        samlp = SAMLP,
        saml = SAML,
        id = e.id,
        now = rfc3339(e.now),
        dest = escape_attr(e.destination),
        irt = escape_attr(e.in_response_to),
        issuer = escape_text(e.idp_entity_id),
        status = e.status.xml(),
        inner = inner,
    )
}

/// A `Response` around `inner` (a signed or encrypted assertion, or nothing for an error).
pub fn response(e: &Envelope<'_>, inner: &str) -> String {
    envelope("Response", e, inner)
}

/// A `LogoutResponse`.
pub fn logout_response(e: &Envelope<'_>) -> String {
    envelope("LogoutResponse", e, "")
}

/// A fresh message ID: an XML name with 128 random bits.
pub fn new_id() -> String {
    format!(
        "_{}",
        crate::crypto::secrets::random_token(16).replace('-', "_")
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::saml::xml::parse;

    #[test]
    fn the_assertion_is_well_formed_and_escapes_every_value() {
        let attributes = [Attribute {
            name: "http://eidas.europa.eu/attributes/naturalperson/CurrentFamilyName",
            friendly_name: "FamilyName",
            values: vec!["O'Brien <&> \"x\"".into()],
        }];
        let xml = assertion(&AssertionFacts {
            id: "_a1",
            idp_entity_id: "https://id.example/saml/metadata",
            sp_entity_id: "https://sp.example/?a=1&b=2",
            acs_url: "https://sp.example/acs?x=\"",
            in_response_to: "_r1",
            now: 1_796_378_400,
            name_id: "abc",
            session_index: "_s1",
            auth_time: 1_796_378_000,
            class_ref: "urn:civitas:loa:substantial",
            session_not_on_or_after: 1_796_400_000,
            attributes: &attributes,
        });
        let doc = parse(&xml).unwrap();
        let value = doc
            .descendants()
            .find(|n| n.has_tag_name((SAML, "AttributeValue")))
            .unwrap();
        assert_eq!(value.text(), Some("O'Brien <&> \"x\""));
        let audience = doc
            .descendants()
            .find(|n| n.has_tag_name((SAML, "Audience")))
            .unwrap();
        assert_eq!(audience.text(), Some("https://sp.example/?a=1&b=2"));
        let conditions = doc
            .descendants()
            .find(|n| n.has_tag_name((SAML, "Conditions")))
            .unwrap();
        assert_eq!(
            conditions.attribute("NotOnOrAfter"),
            Some("2026-12-04T10:05:00Z")
        );
    }

    #[test]
    fn an_error_response_carries_its_status_and_no_assertion() {
        let status = Status::responder(Some(NO_PASSIVE), "the person must sign in");
        let xml = response(
            &Envelope {
                id: "_r",
                idp_entity_id: "https://id.example/saml/metadata",
                destination: "https://sp.example/acs",
                in_response_to: "_q",
                now: 0,
                status: &status,
            },
            "",
        );
        let doc = parse(&xml).unwrap();
        let codes: Vec<_> = doc
            .descendants()
            .filter(|n| n.has_tag_name((SAMLP, "StatusCode")))
            .filter_map(|n| n.attribute("Value"))
            .collect();
        assert_eq!(codes, vec![RESPONDER, NO_PASSIVE]);
        assert!(!xml.contains("Assertion"));
    }
}
