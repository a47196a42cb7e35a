//! The HTTP-Redirect and HTTP-POST bindings (SAML bindings §3.4, §3.5): how a message comes
//! in and goes out. Decoding is bounded (a deflated message cannot inflate past
//! `xml::MAX_BYTES`) and strict (each parameter once, base64 without junk).

use std::io::Read;

use askama::Template;
use askama_web::WebTemplate;
use axum::response::{IntoResponse, Response};
use base64::{Engine, engine::general_purpose::STANDARD as B64};

use super::xml::MAX_BYTES;
use crate::web::{compression::Uncompressed, security::FormTargets};

/// The longest `RelayState` accepted (bindings §3.4.3, §3.5.3: at most 80 bytes).
pub const MAX_RELAY_STATE: usize = 80;

/// Why a message could not be read off the wire.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
#[error("{0}")]
pub struct BindingError(pub String);

fn err(text: impl Into<String>) -> BindingError {
    BindingError(text.into())
}

/// Which binding a message came by.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum Binding {
    Redirect,
    Post,
}

/// The query-string signature of an HTTP-Redirect message (bindings §3.4.4.1).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RedirectSignature {
    /// The signed octets: the parameters exactly as they arrived, still URL-encoded.
    pub octets: String,
    pub sig_alg: String,
    pub signature: String,
}

/// A message read off the wire, not yet parsed as XML.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Inbound {
    pub xml: String,
    pub relay_state: Option<String>,
    pub binding: Binding,
    /// Present when a Redirect message was signed in its query string.
    pub redirect_signature: Option<RedirectSignature>,
}

fn relay_state(value: Option<String>) -> Result<Option<String>, BindingError> {
    match value {
        Some(v) if v.len() > MAX_RELAY_STATE => Err(err(format!(
            "RelayState is {} bytes long; SAML allows at most {MAX_RELAY_STATE}",
            v.len()
        ))),
        v => Ok(v),
    }
}

fn base64(value: &str, name: &str) -> Result<Vec<u8>, BindingError> {
    // Line breaks are allowed inside base64 (RFC 2045), nothing else.
    let compact: String = value
        .chars()
        .filter(|c| !matches!(c, '\r' | '\n'))
        .collect();
    if compact.len() > MAX_BYTES * 4 / 3 + 4 {
        return Err(err(format!("{name} is larger than {MAX_BYTES} bytes")));
    }
    B64.decode(compact)
        .map_err(|_| err(format!("{name} is not valid base64")))
}

fn utf8(bytes: Vec<u8>, name: &str) -> Result<String, BindingError> {
    String::from_utf8(bytes).map_err(|_| err(format!("{name} is not UTF-8 XML")))
}

/// Reads an HTTP-Redirect message from the raw query: `param` is `SAMLRequest` or
/// `SAMLResponse`. Each parameter may appear once; others are ignored.
pub fn from_redirect(query: &str, param: &str) -> Result<Inbound, BindingError> {
    let mut message = None;
    let mut relay = None;
    let mut sig_alg = None;
    let mut signature = None;
    for pair in query.split('&').filter(|p| !p.is_empty()) {
        let (raw_key, raw_value) = pair.split_once('=').unwrap_or((pair, ""));
        let key: String = url::form_urlencoded::parse(raw_key.as_bytes())
            .map(|(k, _)| k.into_owned())
            .next()
            .unwrap_or_default();
        let slot = match key.as_str() {
            k if k == param => &mut message,
            "RelayState" => &mut relay,
            "SigAlg" => &mut sig_alg,
            "Signature" => &mut signature,
            _ => continue,
        };
        if slot.replace(raw_value).is_some() {
            return Err(err(format!("the query repeats {key}")));
        }
    }
    let decode = |raw: &str| -> String {
        url::form_urlencoded::parse(format!("v={raw}").as_bytes())
            .map(|(_, v)| v.into_owned())
            .next()
            .unwrap_or_default()
    };
    let raw_message = message.ok_or_else(|| err(format!("the query has no {param}")))?;
    let deflated = base64(&decode(raw_message), param)?;
    // DEFLATE (RFC 1951) without a zlib header (bindings §3.4.4.1), inflated no further
    // than the largest message accepted.
    let mut inflated = Vec::new();
    flate2::read::DeflateDecoder::new(deflated.as_slice())
        .take(MAX_BYTES as u64 + 1)
        .read_to_end(&mut inflated)
        .map_err(|_| err(format!("{param} is not DEFLATE-compressed")))?;
    if inflated.len() > MAX_BYTES {
        return Err(err(format!("{param} inflates past {MAX_BYTES} bytes")));
    }
    let redirect_signature = match (sig_alg, signature) {
        (None, None) => None,
        (Some(alg), Some(sig)) => {
            // The signed octets, in the order the binding fixes, as they arrived.
            let mut octets = format!("{param}={raw_message}");
            if let Some(r) = relay {
                octets.push_str(&format!("&RelayState={r}"));
            }
            octets.push_str(&format!("&SigAlg={alg}"));
            Some(RedirectSignature {
                octets,
                sig_alg: decode(alg),
                signature: decode(sig),
            })
        }
        _ => return Err(err("SigAlg and Signature must be sent together")),
    };
    Ok(Inbound {
        xml: utf8(inflated, param)?,
        relay_state: relay_state(relay.map(decode))?,
        binding: Binding::Redirect,
        redirect_signature,
    })
}

/// Reads an HTTP-POST message from a form body.
pub fn from_post(body: &[u8], param: &str) -> Result<Inbound, BindingError> {
    let mut message = None;
    let mut relay = None;
    for (k, v) in url::form_urlencoded::parse(body) {
        let slot = match k.as_ref() {
            k if k == param => &mut message,
            "RelayState" => &mut relay,
            _ => continue,
        };
        if slot.replace(v.into_owned()).is_some() {
            return Err(err(format!("the form repeats {k}")));
        }
    }
    let message = message.ok_or_else(|| err(format!("the form has no {param}")))?;
    Ok(Inbound {
        xml: utf8(base64(&message, param)?, param)?,
        relay_state: relay_state(relay)?,
        binding: Binding::Post,
        redirect_signature: None,
    })
}

/// The query of an outgoing HTTP-Redirect message, before its signature: the deflated,
/// base64- and URL-encoded message, RelayState and SigAlg, in the binding's order.
pub fn redirect_query(param: &str, xml: &str, relay: Option<&str>, sig_alg: &str) -> String {
    use std::io::Write;
    let mut encoder =
        flate2::write::DeflateEncoder::new(Vec::new(), flate2::Compression::default());
    // Writing into a Vec cannot fail.
    let _ = encoder.write_all(xml.as_bytes());
    let deflated = encoder.finish().unwrap_or_default();
    let enc = |v: &str| url::form_urlencoded::byte_serialize(v.as_bytes()).collect::<String>();
    let mut query = format!("{param}={}", enc(&B64.encode(deflated)));
    if let Some(r) = relay {
        query.push_str(&format!("&RelayState={}", enc(r)));
    }
    query.push_str(&format!("&SigAlg={}", enc(sig_alg)));
    query
}

#[derive(Template, WebTemplate)]
// The same page as OAuth's form_post response mode.
#[template(path = "oidc/form_post.html")]
struct PostPage<'a> {
    lang: crate::web::i18n::Lang,
    t: &'static crate::web::i18n::Messages,
    action: &'a str,
    params: &'a [(&'a str, &'a str)],
}

/// An HTTP-POST message: a page whose form the browser submits to `action` at once (and the
/// person can submit without JavaScript).
pub fn post_page(action: &str, fields: &[(&str, &str)]) -> Response {
    let lang = crate::web::pages::current_lang();
    let mut response = PostPage {
        lang,
        t: lang.messages(),
        action,
        params: fields,
    }
    .into_response();
    response
        .extensions_mut()
        .insert(FormTargets::redirect_to(action));
    // The form carries a signed message beside RelayState, which the sender chose.
    response.extensions_mut().insert(Uncompressed);
    response
}

/// The base64 form of an outgoing HTTP-POST message.
pub fn post_value(xml: &str) -> String {
    B64.encode(xml.as_bytes())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_redirect_message_round_trips_and_keeps_its_signed_octets() {
        let q = redirect_query(
            "SAMLRequest",
            "<a>é</a>",
            Some("back to /x"),
            "http://www.w3.org/2001/04/xmldsig-more#rsa-sha256",
        );
        let full = format!("{q}&Signature=c2ln");
        let m = from_redirect(&full, "SAMLRequest").unwrap();
        assert_eq!(m.xml, "<a>é</a>");
        assert_eq!(m.relay_state.as_deref(), Some("back to /x"));
        let s = m.redirect_signature.unwrap();
        assert_eq!(s.octets, q);
        assert_eq!(
            s.sig_alg,
            "http://www.w3.org/2001/04/xmldsig-more#rsa-sha256"
        );
        assert_eq!(s.signature, "c2ln");
    }

    #[test]
    fn bad_transport_is_refused_by_name() {
        let q = redirect_query("SAMLRequest", "<a/>", None, "x");
        let (without_alg, _) = q.split_once("&SigAlg").unwrap();
        assert!(
            from_redirect(&format!("{without_alg}&{without_alg}"), "SAMLRequest")
                .unwrap_err()
                .0
                .contains("repeats SAMLRequest")
        );
        assert!(
            from_redirect(&q, "SAMLRequest")
                .unwrap_err()
                .0
                .contains("together")
        );
        let long = "r".repeat(81);
        assert!(
            from_post(
                format!("SAMLRequest=PGEvPg%3D%3D&RelayState={long}").as_bytes(),
                "SAMLRequest"
            )
            .unwrap_err()
            .0
            .contains("at most 80")
        );
        assert!(
            from_post(b"SAMLRequest=%%%", "SAMLRequest")
                .unwrap_err()
                .0
                .contains("base64")
        );
        // A deflate bomb stops at the limit.
        let bomb = format!("<a>{}</a>", " ".repeat(MAX_BYTES * 4));
        let q = redirect_query("SAMLRequest", &bomb, None, "x");
        let (q, _) = q.split_once("&SigAlg").unwrap();
        assert!(
            from_redirect(q, "SAMLRequest")
                .unwrap_err()
                .0
                .contains("inflates past")
        );
    }
}
