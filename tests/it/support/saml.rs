//! Helpers for tests that play a SAML service provider by hand: metadata built from the
//! fixture certificates and registered in-process, AuthnRequests and LogoutRequests written as
//! XML strings and signed over either binding, and readers for what Civitas answers (a refusal
//! page, or the auto-posting form with a signed `Response` or `LogoutResponse`).

use std::path::{Path, PathBuf};

use base64::{Engine, engine::general_purpose::STANDARD as B64};
use civitas::{
    clock::rfc3339,
    crypto::jws::RsaSha256,
    saml::{
        binding, cert, dsig,
        sp::{RegisterOptions, parse_sp_metadata, register},
    },
};
use rsa::{RsaPrivateKey, pkcs8::DecodePrivateKey as _};

use super::{TestApp, saml_sp::PostedForm};

pub const SAMLP: &str = "urn:oasis:names:tc:SAML:2.0:protocol";
pub const SAML: &str = "urn:oasis:names:tc:SAML:2.0:assertion";
pub const MD: &str = "urn:oasis:names:tc:SAML:2.0:metadata";
pub const DS: &str = "http://www.w3.org/2000/09/xmldsig#";
pub const HTTP_POST: &str = "urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST";
pub const HTTP_REDIRECT: &str = "urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect";
pub const PERSISTENT: &str = "urn:oasis:names:tc:SAML:2.0:nameid-format:persistent";
pub const RSA_SHA1: &str = "http://www.w3.org/2000/09/xmldsig#rsa-sha1";

pub const SUCCESS: &str = "urn:oasis:names:tc:SAML:2.0:status:Success";
pub const REQUESTER: &str = "urn:oasis:names:tc:SAML:2.0:status:Requester";
pub const REQUEST_DENIED: &str = "urn:oasis:names:tc:SAML:2.0:status:RequestDenied";
pub const UNKNOWN_PRINCIPAL: &str = "urn:oasis:names:tc:SAML:2.0:status:UnknownPrincipal";

/// Where a test's service providers live: nothing listens on port 9, and nothing is ever sent
/// there (the browser is the test, which reads the forms instead of submitting them).
pub const SP_HOST: &str = "http://127.0.0.1:9";

pub fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/saml")
        .join(name)
}

/// A PKCS#8 PEM private key from the fixtures.
pub fn private_key(name: &str) -> RsaPrivateKey {
    let pem = std::fs::read_to_string(fixture(name)).expect("key fixture");
    RsaPrivateKey::from_pkcs8_pem(&pem).expect("PKCS#8 RSA key")
}

/// The DER of a PEM certificate from the fixtures.
pub fn certificate_der(name: &str) -> Vec<u8> {
    let pem = std::fs::read_to_string(fixture(name)).expect("certificate fixture");
    let body: String = pem
        .lines()
        .filter(|l| !l.starts_with("-----"))
        .collect::<Vec<_>>()
        .concat();
    B64.decode(body).expect("PEM base64")
}

/// A fresh message ID.
pub fn new_id() -> String {
    format!("_{}", civitas::crypto::secrets::random_token(16))
}

/// What a test service provider's metadata says.
pub struct SpSpec<'a> {
    /// Its entity ID, also the path under [`SP_HOST`] its endpoints live at.
    pub name: &'a str,
    /// Assertion consumer services (HTTP-POST), index 0, 1, … in this order; the first is the
    /// default.
    pub acs: &'a [&'a str],
    /// Single logout services: (binding, location).
    pub slo: &'a [(&'a str, &'a str)],
    /// `AuthnRequestsSigned`.
    pub sign_requests: bool,
    /// Its signing key and certificate, fixture file names: [`SP_KEYS`] or [`OTHER_KEYS`].
    pub keys: (&'a str, &'a str),
}

/// The fixture key pair test service providers sign with.
pub const SP_KEYS: (&str, &str) = ("sp-signing.key", "sp-signing.pem");
/// Another fixture key pair: a provider's that is not this one's, or an attacker's.
pub const OTHER_KEYS: (&str, &str) = ("other-key.pem", "other-cert.pem");

/// A registered service provider the test plays, with the fixture signing key.
pub struct TestSp {
    pub entity_id: String,
    pub client_id: String,
    pub acs: Vec<String>,
    pub key: RsaPrivateKey,
    pub certificate: Vec<u8>,
}

/// `http://127.0.0.1:9/NAME/PATH`.
pub fn sp_url(name: &str, path: &str) -> String {
    format!("{SP_HOST}/{name}/{path}")
}

impl TestSp {
    /// Registers (sandbox: the seeded persons are test persons) a provider from metadata built
    /// with the fixture signing and encryption certificates.
    pub async fn register(app: &TestApp, spec: SpSpec<'_>) -> TestSp {
        let entity_id = sp_url(spec.name, "metadata");
        let acs: Vec<String> = spec.acs.iter().map(|p| sp_url(spec.name, p)).collect();
        let certificate = certificate_der(spec.keys.1);
        let key_descriptor = |use_: &str, der: &[u8]| {
            format!(
                r#"<md:KeyDescriptor use="{use_}"><ds:KeyInfo><ds:X509Data><ds:X509Certificate>{}</ds:X509Certificate></ds:X509Data></ds:KeyInfo></md:KeyDescriptor>"#,
                B64.encode(der)
            )
        };
        let mut inner = key_descriptor("signing", &certificate);
        inner.push_str(&key_descriptor(
            "encryption",
            &certificate_der("sp-encryption.pem"),
        ));
        for (binding, path) in spec.slo {
            inner.push_str(&format!(
                r#"<md:SingleLogoutService Binding="{binding}" Location="{}"/>"#,
                sp_url(spec.name, path)
            ));
        }
        inner.push_str(&format!("<md:NameIDFormat>{PERSISTENT}</md:NameIDFormat>"));
        for (i, location) in acs.iter().enumerate() {
            let default = if i == 0 { r#" isDefault="true""# } else { "" };
            inner.push_str(&format!(
                r#"<md:AssertionConsumerService index="{i}"{default} Binding="{HTTP_POST}" Location="{location}"/>"#
            ));
        }
        let metadata = format!(
            r#"<md:EntityDescriptor xmlns:md="{MD}" xmlns:ds="{DS}" entityID="{entity_id}"><md:SPSSODescriptor protocolSupportEnumeration="{SAMLP}" AuthnRequestsSigned="{}" WantAssertionsSigned="true">{inner}</md:SPSSODescriptor></md:EntityDescriptor>"#,
            spec.sign_requests
        );
        let meta = parse_sp_metadata(&metadata).expect("test SP metadata");
        let registered = register(
            &app.state.db,
            &meta,
            &RegisterOptions {
                name: Some(format!("Service {}", spec.name)),
                purpose: Some("Testing SAML".into()),
                sandbox: true,
                source: "test".into(),
                ..Default::default()
            },
            app.state.clock.now(),
        )
        .await
        .expect("register the test SP");
        TestSp {
            entity_id,
            client_id: registered.client_id,
            acs,
            key: private_key(spec.keys.0),
            certificate,
        }
    }

    /// An unsigned AuthnRequest `id`, issued now. `attrs` are added to the root element; unless
    /// they name the consumer service (`AssertionConsumerService…`), the first one is asked
    /// for by URL with the HTTP-POST binding.
    pub fn authn_request(&self, app: &TestApp, id: &str, attrs: &str) -> String {
        self.authn_request_at(app, id, app.state.clock.now(), attrs)
    }

    /// [`TestSp::authn_request`] issued at `instant`.
    pub fn authn_request_at(&self, app: &TestApp, id: &str, instant: i64, attrs: &str) -> String {
        let acs = if attrs.contains("AssertionConsumerService") {
            String::new()
        } else {
            format!(
                r#" AssertionConsumerServiceURL="{}" ProtocolBinding="{HTTP_POST}""#,
                self.acs[0]
            )
        };
        format!(
            concat!(
                r#"<samlp:AuthnRequest xmlns:samlp="{samlp}" xmlns:saml="{saml}" ID="{id}" Version="2.0" IssueInstant="{instant}" Destination="{destination}"{acs} {attrs}>"#,
                "<saml:Issuer>{issuer}</saml:Issuer>",
                r#"<samlp:NameIDPolicy Format="{persistent}" AllowCreate="true"/>"#,
                "</samlp:AuthnRequest>"
            ),
            samlp = SAMLP,
            saml = SAML,
            id = id,
            instant = rfc3339(instant),
            destination = app.url("/saml/sso"),
            acs = acs,
            attrs = attrs,
            issuer = self.entity_id,
            persistent = PERSISTENT,
        )
    }

    /// `xml` with its element `id` signed with this provider's key (enveloped, after Issuer).
    pub fn sign(&self, xml: &str, id: &str) -> String {
        sign_with(xml, id, &self.key, &self.certificate)
    }

    /// A signed AuthnRequest `id` (see [`TestSp::authn_request`]).
    pub fn signed_authn_request(&self, app: &TestApp, id: &str, attrs: &str) -> String {
        self.sign(&self.authn_request(app, id, attrs), id)
    }

    /// An unsigned LogoutRequest `id` for `name_id`, issued now.
    pub fn logout_request(&self, app: &TestApp, id: &str, name_id: &str) -> String {
        format!(
            concat!(
                r#"<samlp:LogoutRequest xmlns:samlp="{samlp}" xmlns:saml="{saml}" ID="{id}" Version="2.0" IssueInstant="{instant}" Destination="{destination}">"#,
                "<saml:Issuer>{issuer}</saml:Issuer>",
                r#"<saml:NameID Format="{persistent}">{name_id}</saml:NameID>"#,
                "</samlp:LogoutRequest>"
            ),
            samlp = SAMLP,
            saml = SAML,
            id = id,
            instant = rfc3339(app.state.clock.now()),
            destination = app.url("/saml/slo"),
            issuer = self.entity_id,
            persistent = PERSISTENT,
            name_id = name_id,
        )
    }
}

/// `xml` with its element `id` signed by `key` (enveloped, exclusive C14N, RSA-SHA256).
pub fn sign_with(xml: &str, id: &str, key: &RsaPrivateKey, certificate: &[u8]) -> String {
    dsig::sign_enveloped(
        xml,
        id,
        &RsaSha256::new(key).expect("a 2048-bit key"),
        certificate,
    )
    .expect("sign")
}

/// The query parameter `name` of `url` (or of a bare query), still URL-encoded.
pub fn raw_param(url: &str, name: &str) -> Option<String> {
    let query = url.split_once('?').map_or(url, |(_, q)| q);
    query
        .split('&')
        .find_map(|p| p.strip_prefix(&format!("{name}=")))
        .map(str::to_owned)
}

/// URL-decodes one query value.
pub fn url_decode(value: &str) -> String {
    url::form_urlencoded::parse(format!("v={value}").as_bytes())
        .map(|(_, v)| v.into_owned())
        .next()
        .unwrap_or_default()
}

/// The base64 form value of an HTTP-POST message.
pub fn post_value(xml: &str) -> String {
    B64.encode(xml.as_bytes())
}

/// Sends `xml` by HTTP-POST to `path` as `browser`, from Civitas's own origin (as the
/// browser does once Civitas has bounced a cross-site post back to itself).
pub async fn post(
    app: &TestApp,
    browser: &reqwest::Client,
    path: &str,
    xml: &str,
    relay_state: Option<&str>,
) -> reqwest::Response {
    let value = post_value(xml);
    let mut form = vec![("SAMLRequest", value.as_str())];
    if let Some(r) = relay_state {
        form.push(("RelayState", r));
    }
    post_form(app, browser, path, &form).await
}

/// Posts a raw form to `path` from Civitas's own origin.
pub async fn post_form(
    app: &TestApp,
    browser: &reqwest::Client,
    path: &str,
    form: &[(&str, &str)],
) -> reqwest::Response {
    browser
        .post(app.url(path))
        .header("origin", app.base.clone())
        .form(form)
        .send()
        .await
        .expect("POST")
}

/// The query of an HTTP-Redirect message: signed with `key` (and `sig_alg`) when given,
/// without `SigAlg` and `Signature` when not.
pub fn redirect_query(
    xml: &str,
    relay_state: Option<&str>,
    key: Option<&RsaPrivateKey>,
    sig_alg: &str,
) -> String {
    let query = binding::redirect_query("SAMLRequest", xml, relay_state, sig_alg);
    match key {
        Some(key) => {
            let signature = dsig::sign_redirect(
                query.as_bytes(),
                &RsaSha256::new(key).expect("a 2048-bit key"),
            )
            .expect("sign redirect");
            let signature: String =
                url::form_urlencoded::byte_serialize(signature.as_bytes()).collect();
            format!("{query}&Signature={signature}")
        }
        None => query
            .rsplit_once("&SigAlg=")
            .map(|(q, _)| q.to_owned())
            .unwrap_or(query),
    }
}

/// Sends an HTTP-Redirect message: `GET path?query` as `browser`.
pub async fn get(
    app: &TestApp,
    browser: &reqwest::Client,
    path: &str,
    query: &str,
) -> reqwest::Response {
    browser
        .get(app.url(&format!("{path}?{query}")))
        .send()
        .await
        .expect("GET")
}

/// Asserts that `response` is the refusal page (400) saying `says`, with nothing in it that
/// posts anything to a service provider; returns its text.
pub async fn assert_refused(response: reqwest::Response, says: &str) -> String {
    let status = response.status();
    let body = response.text().await.expect("body");
    assert_eq!(status, 400, "expected the refusal page, got: {body}");
    assert!(
        body.contains(says),
        "the page should say {says:?}, it says: {body}"
    );
    assert!(
        !body.contains("SAMLResponse") && !body.contains(SP_HOST),
        "a refusal page must send nothing to the service: {body}"
    );
    body
}

/// A message Civitas posts to a service provider through the browser, its signature verified
/// with Civitas's published SAML certificates.
#[derive(Debug)]
pub struct Posted {
    pub action: String,
    pub relay_state: Option<String>,
    pub xml: String,
}

/// The public keys of Civitas's published SAML certificates.
pub fn idp_keys(app: &TestApp) -> Vec<rsa::RsaPublicKey> {
    app.state
        .keys
        .saml_certificates()
        .iter()
        .map(|der| cert::rsa_public_key(der).expect("IdP certificate"))
        .collect()
}

/// Reads the auto-posting form page `response` must be: its `SAMLResponse` decoded, and the
/// enveloped signature of its root (and of an assertion in it) verified.
pub async fn posted(app: &TestApp, response: reqwest::Response) -> Posted {
    let status = response.status();
    let body = response.text().await.expect("body");
    assert_eq!(status, 200, "expected the form posting to the SP: {body}");
    posted_page(app, &body)
}

/// [`posted`] from the page's text.
pub fn posted_page(app: &TestApp, body: &str) -> Posted {
    let form = PostedForm::from_html(body).expect("a form page");
    let value = form.field("SAMLResponse").expect("a SAMLResponse field");
    let xml = String::from_utf8(B64.decode(value).expect("base64")).expect("UTF-8");
    let keys = idp_keys(app);
    {
        let doc = civitas::saml::xml::parse(&xml).expect("the Response parses");
        let root = doc.root_element();
        dsig::verify_enveloped(root, &keys)
            .unwrap_or_else(|e| panic!("the message's signature must verify: {e}\n{xml}"));
        if let Some(assertion) = root
            .descendants()
            .find(|n| n.tag_name().namespace() == Some(SAML) && n.tag_name().name() == "Assertion")
        {
            dsig::verify_enveloped(assertion, &keys)
                .unwrap_or_else(|e| panic!("the assertion's signature must verify: {e}"));
        }
    }
    Posted {
        action: form.action.clone(),
        relay_state: form.field("RelayState").map(str::to_owned),
        xml,
    }
}

impl Posted {
    fn with_doc<T>(&self, f: impl FnOnce(roxmltree::Node) -> T) -> T {
        let doc = civitas::saml::xml::parse(&self.xml).expect("parse");
        f(doc.root_element())
    }

    /// The root element's local name (`Response`, `LogoutResponse`).
    pub fn kind(&self) -> String {
        self.with_doc(|r| r.tag_name().name().to_owned())
    }

    /// The top-level and the second-level status code.
    pub fn status(&self) -> (String, Option<String>) {
        self.with_doc(|root| {
            let status = root
                .children()
                .find(|n| n.tag_name().name() == "Status")
                .expect("samlp:Status");
            let code = status
                .children()
                .find(|n| n.tag_name().name() == "StatusCode")
                .expect("samlp:StatusCode");
            let sub = code
                .children()
                .find(|n| n.tag_name().name() == "StatusCode")
                .and_then(|n| n.attribute("Value"))
                .map(str::to_owned);
            (code.attribute("Value").expect("Value").to_owned(), sub)
        })
    }

    pub fn in_response_to(&self) -> Option<String> {
        self.with_doc(|r| r.attribute("InResponseTo").map(str::to_owned))
    }

    /// The assertion's NameID.
    pub fn name_id(&self) -> String {
        self.with_doc(|root| {
            root.descendants()
                .find(|n| n.tag_name().namespace() == Some(SAML) && n.tag_name().name() == "NameID")
                .and_then(|n| n.text())
                .expect("an assertion with a NameID")
                .to_owned()
        })
    }

    /// Whether the Response carries an assertion (plain or encrypted).
    pub fn has_assertion(&self) -> bool {
        self.with_doc(|root| {
            root.descendants().any(|n| {
                n.tag_name().namespace() == Some(SAML)
                    && matches!(n.tag_name().name(), "Assertion" | "EncryptedAssertion")
            })
        })
    }

    /// Asserts a status-only Response to `acs` for request `id` with `code` / `sub`.
    pub fn assert_status(&self, acs: &str, id: &str, code: &str, sub: Option<&str>) {
        assert_eq!(self.action, acs, "posted to the verified consumer service");
        assert_eq!(self.kind(), "Response");
        assert_eq!(self.in_response_to().as_deref(), Some(id));
        let (top, second) = self.status();
        assert_eq!(
            (top.as_str(), second.as_deref()),
            (code, sub),
            "{}",
            self.xml
        );
        assert!(!self.has_assertion(), "a refusal carries no assertion");
    }
}
