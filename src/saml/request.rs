//! The two messages service providers send: `AuthnRequest` (SAML core §3.4.1) and
//! `LogoutRequest` (§3.7.1), read from a strictly parsed document into plain values. Only
//! what Civitas acts on is read, and every part it cannot honour is refused by name rather
//! than silently ignored (a `Subject` naming someone, an encrypted NameID).

use roxmltree::Node;

/// SAML 2.0 protocol namespace.
pub const SAMLP: &str = "urn:oasis:names:tc:SAML:2.0:protocol";
/// SAML 2.0 assertion namespace.
pub const SAML: &str = "urn:oasis:names:tc:SAML:2.0:assertion";
/// XML-Signature namespace.
pub const DS: &str = super::dsig::DS;
/// The persistent NameID format (core §8.3.7): the only one Civitas issues.
pub const PERSISTENT: &str = "urn:oasis:names:tc:SAML:2.0:nameid-format:persistent";
const UNSPECIFIED: &str = "urn:oasis:names:tc:SAML:1.1:nameid-format:unspecified";
const ENTITY: &str = "urn:oasis:names:tc:SAML:2.0:nameid-format:entity";
/// The only binding responses travel by (Web Browser SSO profile §4.1.2).
pub const HTTP_POST: &str = "urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST";
pub const HTTP_REDIRECT: &str = "urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect";

/// Why a message was refused; the text names the element or attribute and the rule.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
#[error("{0}")]
pub struct RequestError(pub String);

fn err(text: impl Into<String>) -> RequestError {
    RequestError(text.into())
}

/// How `RequestedAuthnContext` compares (core §3.3.2.2.1); `exact` when absent.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum Comparison {
    Exact,
    Minimum,
    Maximum,
    Better,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RequestedAuthnContext {
    pub comparison: Comparison,
    pub class_refs: Vec<String>,
}

/// An `AuthnRequest`, as far as Civitas reads it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AuthnRequest {
    pub id: String,
    pub issuer: String,
    pub issue_instant: i64,
    pub destination: Option<String>,
    pub acs_url: Option<String>,
    pub acs_index: Option<u16>,
    pub protocol_binding: Option<String>,
    pub force_authn: bool,
    pub is_passive: bool,
    pub name_id_format: Option<String>,
    pub authn_context: Option<RequestedAuthnContext>,
}

/// A `LogoutRequest`, as far as Civitas reads it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LogoutRequest {
    pub id: String,
    pub issuer: String,
    pub issue_instant: i64,
    pub destination: Option<String>,
    pub not_on_or_after: Option<i64>,
    pub name_id: String,
    pub session_indexes: Vec<String>,
}

fn is(node: Node, ns: &str, name: &str) -> bool {
    node.is_element() && node.tag_name().namespace() == Some(ns) && node.tag_name().name() == name
}

/// The text of a simple element, trimmed: refused when a comment or a child element splits
/// it (a reader joining text nodes and one taking the first would disagree), or empty.
pub fn text(node: Node) -> Result<String, RequestError> {
    let name = node.tag_name().name();
    let text = super::xml::text_of(node).map_err(|_| {
        err(format!(
            "<{name}> must hold text only: no comments or child elements inside it"
        ))
    })?;
    let text = text.trim();
    if text.is_empty() {
        return Err(err(format!("<{name}> is empty")));
    }
    Ok(text.to_owned())
}

/// An `xs:ID` as SAML uses it: an NCName, at most 256 characters.
fn check_id(id: &str) -> Result<(), RequestError> {
    let mut chars = id.chars();
    let first_ok = chars
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_');
    if !first_ok
        || id.len() > 256
        || !id
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.'))
    {
        return Err(err(
            "the ID attribute must be an XML name (a letter or _ then letters, digits, _ - .), at most 256 characters",
        ));
    }
    Ok(())
}

/// `xs:dateTime` in UTC, as SAML requires (core §1.3.3): `2026-12-04T10:00:00Z`.
pub fn parse_instant(value: &str, what: &str) -> Result<i64, RequestError> {
    if !value.ends_with('Z') {
        return Err(err(format!(
            "{what} must be a UTC time ending in Z, such as 2026-12-04T10:00:00Z"
        )));
    }
    // `time`'s RFC 3339 takes any character between date and time; xs:dateTime has a `T`.
    let separator = value.as_bytes().get(10);
    time::OffsetDateTime::parse(value, &time::format_description::well_known::Rfc3339)
        .ok()
        .filter(|_| separator == Some(&b'T'))
        .ok_or(())
        .map(|t| t.unix_timestamp())
        .map_err(|_| {
            err(format!(
                "{what} is not a valid time; send it as 2026-12-04T10:00:00Z"
            ))
        })
}

fn boolean(node: Node, attr: &str) -> Result<bool, RequestError> {
    match node.attribute(attr) {
        None | Some("false") | Some("0") => Ok(false),
        Some("true") | Some("1") => Ok(true),
        Some(_) => Err(err(format!("{attr} must be true or false"))),
    }
}

/// What every request shares: ID, Version, IssueInstant, Destination and Issuer.
struct Common {
    id: String,
    issuer: String,
    issue_instant: i64,
    destination: Option<String>,
}

fn common(root: Node, name: &str) -> Result<Common, RequestError> {
    if !is(root, SAMLP, name) {
        return Err(err(format!(
            "the message must be a samlp:{name} (namespace {SAMLP}), not <{}>",
            root.tag_name().name()
        )));
    }
    if root.attribute("Version") != Some("2.0") {
        return Err(err(format!("{name} must have Version=\"2.0\"")));
    }
    let id = root
        .attribute("ID")
        .ok_or_else(|| err(format!("{name} has no ID attribute")))?;
    check_id(id)?;
    let issue_instant = parse_instant(
        root.attribute("IssueInstant")
            .ok_or_else(|| err(format!("{name} has no IssueInstant attribute")))?,
        "IssueInstant",
    )?;
    let issuers: Vec<Node> = root.children().filter(|c| is(*c, SAML, "Issuer")).collect();
    let [issuer] = issuers.as_slice() else {
        return Err(err(format!(
            "{name} must have exactly one saml:Issuer naming the service provider's entity ID"
        )));
    };
    if issuer.attribute("Format").is_some_and(|f| f != ENTITY) {
        return Err(err(format!(
            "saml:Issuer must have no Format or Format=\"{ENTITY}\""
        )));
    }
    Ok(Common {
        id: id.to_owned(),
        issuer: text(*issuer)?,
        issue_instant,
        destination: root.attribute("Destination").map(str::to_owned),
    })
}

/// Refuses a child element appearing more than once, or one this reader does not know.
fn children<'a, 'i>(
    root: Node<'a, 'i>,
    allowed: &[(&str, &str)],
) -> Result<Vec<Node<'a, 'i>>, RequestError> {
    let mut seen: Vec<(&str, &str)> = Vec::new();
    let mut out = Vec::new();
    for child in root.children().filter(Node::is_element) {
        let ns = child.tag_name().namespace().unwrap_or("");
        let name = child.tag_name().name();
        let Some(&known) = allowed.iter().find(|(n, l)| *n == ns && *l == name) else {
            return Err(err(format!(
                "<{name}> is not supported in {} by Civitas; leave it out",
                root.tag_name().name()
            )));
        };
        if known.1 != "SessionIndex" && seen.contains(&known) {
            return Err(err(format!("<{name}> appears more than once")));
        }
        seen.push(known);
        out.push(child);
    }
    Ok(out)
}

/// Reads an `AuthnRequest` (core §3.4.1). The signature, if any, is checked by the caller
/// against the service provider's keys before anything here is acted on.
pub fn authn_request(root: Node) -> Result<AuthnRequest, RequestError> {
    let c = common(root, "AuthnRequest")?;
    let acs_url = root
        .attribute("AssertionConsumerServiceURL")
        .map(str::to_owned);
    let acs_index = root
        .attribute("AssertionConsumerServiceIndex")
        .map(|v| {
            v.parse::<u16>()
                .map_err(|_| err("AssertionConsumerServiceIndex must be a number from 0 to 65535"))
        })
        .transpose()?;
    // Core §3.4.1: the index excludes the URL and the binding.
    if acs_index.is_some() && (acs_url.is_some() || root.attribute("ProtocolBinding").is_some()) {
        return Err(err(
            "send either AssertionConsumerServiceIndex or AssertionConsumerServiceURL (with ProtocolBinding), not both",
        ));
    }
    let mut request = AuthnRequest {
        id: c.id,
        issuer: c.issuer,
        issue_instant: c.issue_instant,
        destination: c.destination,
        acs_url,
        acs_index,
        protocol_binding: root.attribute("ProtocolBinding").map(str::to_owned),
        force_authn: boolean(root, "ForceAuthn")?,
        is_passive: boolean(root, "IsPassive")?,
        name_id_format: None,
        authn_context: None,
    };
    let allowed = [
        (SAML, "Issuer"),
        (DS, "Signature"),
        (SAMLP, "Extensions"),
        (SAMLP, "NameIDPolicy"),
        (SAML, "Conditions"),
        (SAMLP, "RequestedAuthnContext"),
        (SAMLP, "Scoping"),
    ];
    for child in children(root, &allowed)? {
        match child.tag_name().name() {
            "NameIDPolicy" => {
                request.name_id_format = child.attribute("Format").map(str::to_owned);
            }
            "RequestedAuthnContext" => {
                let comparison = match child.attribute("Comparison") {
                    None | Some("exact") => Comparison::Exact,
                    Some("minimum") => Comparison::Minimum,
                    Some("maximum") => Comparison::Maximum,
                    Some("better") => Comparison::Better,
                    Some(_) => {
                        return Err(err(
                            "RequestedAuthnContext Comparison must be exact, minimum, maximum or better",
                        ));
                    }
                };
                let mut class_refs = Vec::new();
                for r in child.children().filter(Node::is_element) {
                    if !is(r, SAML, "AuthnContextClassRef") {
                        return Err(err(format!(
                            "RequestedAuthnContext may hold saml:AuthnContextClassRef only, not <{}>",
                            r.tag_name().name()
                        )));
                    }
                    class_refs.push(text(r)?);
                }
                if class_refs.is_empty() {
                    return Err(err(
                        "RequestedAuthnContext must name at least one AuthnContextClassRef",
                    ));
                }
                request.authn_context = Some(RequestedAuthnContext {
                    comparison,
                    class_refs,
                });
            }
            _ => {}
        }
    }
    Ok(request)
}

/// Reads a `LogoutRequest` (core §3.7.1).
pub fn logout_request(root: Node) -> Result<LogoutRequest, RequestError> {
    let c = common(root, "LogoutRequest")?;
    let not_on_or_after = root
        .attribute("NotOnOrAfter")
        .map(|v| parse_instant(v, "NotOnOrAfter"))
        .transpose()?;
    let allowed = [
        (SAML, "Issuer"),
        (DS, "Signature"),
        (SAMLP, "Extensions"),
        (SAML, "NameID"),
        (SAMLP, "SessionIndex"),
    ];
    let mut name_id = None;
    let mut session_indexes = Vec::new();
    for child in children(root, &allowed)? {
        match child.tag_name().name() {
            "NameID" => name_id = Some(text(child)?),
            "SessionIndex" => session_indexes.push(text(child)?),
            _ => {}
        }
    }
    Ok(LogoutRequest {
        id: c.id,
        issuer: c.issuer,
        issue_instant: c.issue_instant,
        destination: c.destination,
        not_on_or_after,
        name_id: name_id.ok_or_else(|| {
            err("LogoutRequest must name the person with saml:NameID (EncryptedID and BaseID are not supported)")
        })?,
        session_indexes,
    })
}

/// The persistent NameID format, `unspecified`, or none: anything else cannot be honoured.
pub fn name_id_format_ok(format: Option<&str>) -> bool {
    matches!(format, None | Some(PERSISTENT) | Some(UNSPECIFIED))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::saml::xml::parse;

    fn request(attrs: &str, body: &str) -> String {
        format!(
            r#"<samlp:AuthnRequest xmlns:samlp="{SAMLP}" xmlns:saml="{SAML}" ID="_abc" Version="2.0" IssueInstant="2026-12-04T10:00:00Z" {attrs}><saml:Issuer>https://sp.example</saml:Issuer>{body}</samlp:AuthnRequest>"#
        )
    }

    #[test]
    fn a_full_authn_request_is_read() {
        let xml = request(
            r#"Destination="https://id.example/saml/sso" AssertionConsumerServiceURL="https://sp.example/acs" ProtocolBinding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST" ForceAuthn="true""#,
            r#"<samlp:NameIDPolicy Format="urn:oasis:names:tc:SAML:2.0:nameid-format:persistent" AllowCreate="true"/><samlp:RequestedAuthnContext Comparison="minimum"><saml:AuthnContextClassRef>urn:civitas:loa:substantial</saml:AuthnContextClassRef></samlp:RequestedAuthnContext>"#,
        );
        let doc = parse(&xml).unwrap();
        let r = authn_request(doc.root_element()).unwrap();
        assert_eq!(r.id, "_abc");
        assert_eq!(r.issuer, "https://sp.example");
        assert_eq!(r.issue_instant, 1_796_378_400);
        assert_eq!(r.acs_url.as_deref(), Some("https://sp.example/acs"));
        assert!(r.force_authn && !r.is_passive);
        assert_eq!(
            r.authn_context,
            Some(RequestedAuthnContext {
                comparison: Comparison::Minimum,
                class_refs: vec!["urn:civitas:loa:substantial".into()]
            })
        );
    }

    #[test]
    fn what_cannot_be_honoured_is_refused_by_name() {
        for (attrs, body, says) in [
            ("", "<saml:Subject/>", "<Subject> is not supported"),
            (
                r#"AssertionConsumerServiceIndex="1" AssertionConsumerServiceURL="https://sp.example/acs""#,
                "",
                "not both",
            ),
            (r#"IsPassive="yes""#, "", "IsPassive must be true or false"),
            (
                "",
                "<saml:Issuer>x</saml:Issuer>",
                "exactly one saml:Issuer",
            ),
        ] {
            let xml = request(attrs, body);
            let doc = parse(&xml).unwrap();
            let e = authn_request(doc.root_element()).unwrap_err();
            assert!(e.0.contains(says), "{} should say {says}", e.0);
        }
        let doc = parse(r#"<samlp:AuthnRequest xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol" xmlns:saml="urn:oasis:names:tc:SAML:2.0:assertion" ID="1abc" Version="2.0" IssueInstant="2026-12-04T10:00:00Z"><saml:Issuer>x</saml:Issuer></samlp:AuthnRequest>"#).unwrap();
        assert!(
            authn_request(doc.root_element())
                .unwrap_err()
                .0
                .contains("ID attribute")
        );
        let doc = parse(r#"<samlp:AuthnRequest xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol" xmlns:saml="urn:oasis:names:tc:SAML:2.0:assertion" ID="a" Version="2.0" IssueInstant="2026-12-04T10:00:00"><saml:Issuer>x</saml:Issuer></samlp:AuthnRequest>"#).unwrap();
        assert!(
            authn_request(doc.root_element())
                .unwrap_err()
                .0
                .contains("ending in Z")
        );
    }

    #[test]
    fn a_comment_cannot_change_the_issuer() {
        let xml = request("", "").replace(
            "<saml:Issuer>https://sp.example</saml:Issuer>",
            "<saml:Issuer>https://sp.example<!-- -->.evil</saml:Issuer>",
        );
        let doc = parse(&xml).unwrap();
        assert!(
            authn_request(doc.root_element())
                .unwrap_err()
                .0
                .contains("no comments")
        );
    }

    #[test]
    fn a_logout_request_is_read() {
        let xml = format!(
            r#"<samlp:LogoutRequest xmlns:samlp="{SAMLP}" xmlns:saml="{SAML}" ID="_l1" Version="2.0" IssueInstant="2026-12-04T10:00:00Z"><saml:Issuer>https://sp.example</saml:Issuer><saml:NameID Format="{PERSISTENT}">abc</saml:NameID><samlp:SessionIndex>_s1</samlp:SessionIndex><samlp:SessionIndex>_s2</samlp:SessionIndex></samlp:LogoutRequest>"#
        );
        let doc = parse(&xml).unwrap();
        let r = logout_request(doc.root_element()).unwrap();
        assert_eq!(r.name_id, "abc");
        assert_eq!(r.session_indexes, vec!["_s1", "_s2"]);
    }
}
