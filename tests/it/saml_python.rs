//! The python3-saml service provider harness on its own, before it meets Civitas: its metadata,
//! its AuthnRequests over both bindings, and its verdicts on Responses and LogoutResponses
//! from a stand-in IdP (`tests/saml_sp/idp_fixture.py`, xmlsec underneath) served on
//! 127.0.0.1. Skipped loudly without Python (see `support::saml_sp::python`).

use std::{
    path::{Path, PathBuf},
    sync::{Arc, Mutex},
};

use axum::{
    Router,
    extract::State,
    http::{Method, StatusCode, Uri, header},
    response::{Html, IntoResponse, Response},
    routing::get,
};
use base64::{Engine, engine::general_purpose::STANDARD as B64};
use rsa::{Pkcs1v15Sign, RsaPrivateKey, pkcs8::DecodePrivateKey};
use serde_json::{Value, json};
use sha2::{Digest, Sha256};

use crate::support::saml_sp::{
    self, Binding, Delivery, LoginOptions, LogoutOptions, PostedForm, RequestedAttribute,
    SlsMessage, Sp, SpOptions,
};

const RSA_SHA256: &str = "http://www.w3.org/2001/04/xmldsig-more#rsa-sha256";
const PERSISTENT: &str = "urn:oasis:names:tc:SAML:2.0:nameid-format:persistent";
const MD: &str = "urn:oasis:names:tc:SAML:2.0:metadata";
const DS: &str = "http://www.w3.org/2000/09/xmldsig#";
const SAMLP: &str = "urn:oasis:names:tc:SAML:2.0:protocol";
const SAML: &str = "urn:oasis:names:tc:SAML:2.0:assertion";
const SP_BASE: &str = "https://sp.example.test";

/// What the stand-in IdP serves and what it was sent.
#[derive(Default)]
struct Exchange {
    metadata: String,
    /// Each request to the SSO or SLO endpoint: method, path, raw query, body.
    received: Vec<(String, String, String, String)>,
    /// The answer to the next request to the SSO or SLO endpoint.
    reply: Option<Reply>,
}

enum Reply {
    Page(String),
    Redirect(String),
}

/// An IdP made of the fixture script: signed metadata served over HTTP, SSO and SLO endpoints
/// that record what the browser sent and answer what the test prepared, and messages on demand.
struct StandInIdp {
    python: PathBuf,
    entity_id: String,
    metadata_url: String,
    sso_url: String,
    slo_url: String,
    key_pem: String,
    cert_pem: String,
    exchange: Arc<Mutex<Exchange>>,
}

async fn endpoint(
    State(exchange): State<Arc<Mutex<Exchange>>>,
    method: Method,
    uri: Uri,
    body: String,
) -> Response {
    let mut exchange = exchange.lock().unwrap();
    exchange.received.push((
        method.to_string(),
        uri.path().to_owned(),
        uri.query().unwrap_or_default().to_owned(),
        body,
    ));
    match exchange.reply.take() {
        Some(Reply::Page(html)) => Html(html).into_response(),
        Some(Reply::Redirect(location)) => {
            (StatusCode::FOUND, [(header::LOCATION, location)]).into_response()
        }
        None => StatusCode::NOT_FOUND.into_response(),
    }
}

async fn metadata(State(exchange): State<Arc<Mutex<Exchange>>>) -> Response {
    let xml = exchange.lock().unwrap().metadata.clone();
    (
        [(header::CONTENT_TYPE, "application/samlmetadata+xml")],
        xml,
    )
        .into_response()
}

impl StandInIdp {
    async fn start(python: &Path) -> Self {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind");
        let base = format!(
            "http://127.0.0.1:{}",
            listener.local_addr().expect("addr").port()
        );
        let (key_pem, cert_pem) = saml_sp::key_pair("stand-in IdP");
        let idp = Self {
            python: python.to_owned(),
            entity_id: format!("{base}/saml/metadata"),
            metadata_url: format!("{base}/saml/metadata"),
            sso_url: format!("{base}/saml/sso"),
            slo_url: format!("{base}/saml/slo"),
            key_pem,
            cert_pem,
            exchange: Arc::default(),
        };
        idp.serve_metadata(3600, true).await;
        let app = Router::new()
            .route("/saml/metadata", get(metadata))
            .route("/saml/sso", get(endpoint).post(endpoint))
            .route("/saml/slo", get(endpoint).post(endpoint))
            .with_state(idp.exchange.clone());
        tokio::spawn(async move { axum::serve(listener, app).await });
        idp
    }

    async fn fixture(&self, command: &str, mut args: Value) -> Value {
        args["entity_id"] = json!(self.entity_id);
        args["key_pem"] = json!(self.key_pem);
        args["cert_pem"] = json!(self.cert_pem);
        saml_sp::run_script(&self.python, "idp_fixture.py", command, &args)
            .await
            .expect("idp_fixture.py")
    }

    /// Serves metadata valid for `valid_for` seconds from now (negative: expired).
    async fn serve_metadata(&self, valid_for: i64, sign: bool) {
        let args = json!({"sso_url": self.sso_url, "slo_url": self.slo_url, "valid_for": valid_for, "sign": sign});
        let xml = self.fixture("metadata", args).await["xml"]
            .as_str()
            .expect("xml")
            .to_owned();
        self.exchange.lock().unwrap().metadata = xml;
    }

    fn reply_next(&self, reply: Reply) {
        self.exchange.lock().unwrap().reply = Some(reply);
    }

    /// The last request to the SSO or SLO endpoint: method, path, raw query, body.
    fn last_received(&self) -> (String, String, String, String) {
        self.exchange
            .lock()
            .unwrap()
            .received
            .last()
            .cloned()
            .expect("a request")
    }

    /// A signed Response to `sp`'s AuthnRequest `in_response_to`, as form fields.
    async fn response(&self, sp: &Sp, in_response_to: &str, extra: Value) -> Vec<(String, String)> {
        let mut args = json!({
            "sp_entity_id": sp.entity_id,
            "acs_url": sp.acs_url,
            "in_response_to": in_response_to,
            "name_id": "pairwise-7f3a",
            "session_index": "_session-1",
            "authn_context": "urn:civitas:loa:substantial",
            "attributes": {"urn:oid:2.5.4.42": ["Zoë & <Ana>"], "urn:oid:2.5.4.4": ["Martin"]},
            "friendly_names": {"urn:oid:2.5.4.42": "givenName"},
        });
        for (k, v) in extra.as_object().expect("extra is an object") {
            args[k] = v.clone();
        }
        let out = self.fixture("response", args).await;
        vec![
            (
                "SAMLResponse".into(),
                out["saml_response"].as_str().expect("response").into(),
            ),
            ("RelayState".into(), "back-to-page-3".into()),
        ]
    }

    /// A signed LogoutResponse to `sp`'s LogoutRequest, as the reply the SLO endpoint sends.
    async fn logout_response(&self, sp: &Sp, in_response_to: &str, binding: Binding) -> Reply {
        let args = json!({
            "destination": sp.sls_url,
            "in_response_to": in_response_to,
            "binding": binding.as_str(),
            "relay_state": "bye",
        });
        let out = self.fixture("logout-response", args).await;
        match binding {
            Binding::Redirect => Reply::Redirect(out["url"].as_str().expect("url").to_owned()),
            Binding::Post => {
                let fields: Vec<(String, String)> = out["fields"]
                    .as_object()
                    .expect("fields")
                    .iter()
                    .map(|(k, v)| (k.clone(), v.as_str().expect("field").to_owned()))
                    .collect();
                Reply::Page(form_page(&sp.sls_url, &fields))
            }
        }
    }
}

/// An auto-submitting form page, escaped as an HTML template escapes.
fn form_page(action: &str, fields: &[(String, String)]) -> String {
    let escape = |s: &str| {
        s.replace('&', "&amp;")
            .replace('<', "&lt;")
            .replace('>', "&gt;")
            .replace('"', "&quot;")
            .replace('\'', "&#39;")
    };
    let inputs: String = fields
        .iter()
        .map(|(k, v)| {
            format!(
                r#"<input type="hidden" name="{}" value="{}">"#,
                escape(k),
                escape(v)
            )
        })
        .collect();
    format!(
        r#"<!doctype html><html><body><form method="post" action="{}" data-auto-submit>{inputs}<button type="submit">Continue</button></form></body></html>"#,
        escape(action)
    )
}

fn browser() -> reqwest::Client {
    let _ = rustls::crypto::ring::default_provider().install_default();
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .expect("client")
}

fn element<'a>(doc: &'a roxmltree::Document, ns: &str, name: &str) -> roxmltree::Node<'a, 'a> {
    doc.descendants()
        .find(|n| n.tag_name().namespace() == Some(ns) && n.tag_name().name() == name)
        .unwrap_or_else(|| panic!("no {name} in {}", doc.input_text()))
}

#[tokio::test]
async fn sp_metadata_names_its_entity_acs_logout_and_keys() {
    let Some(python) = saml_sp::python() else {
        return;
    };
    let options = SpOptions {
        encrypt: true,
        requested_attributes: vec![RequestedAttribute {
            name: "urn:oid:2.5.4.42".into(),
            friendly_name: "givenName".into(),
            is_required: true,
        }],
        ..SpOptions::default()
    };
    // `metadata` never reads the IdP, so nothing needs to serve this address.
    let sp = Sp::new(
        &python,
        "http://127.0.0.1:9/saml/metadata",
        SP_BASE,
        options,
    );

    let xml = sp.metadata().await.expect("metadata");

    let doc = roxmltree::Document::parse(&xml).expect("metadata parses");
    let root = doc.root_element();
    assert_eq!(root.tag_name().name(), "EntityDescriptor");
    assert_eq!(root.attribute("entityID"), Some(sp.entity_id.as_str()));
    let descriptor = element(&doc, MD, "SPSSODescriptor");
    assert_eq!(descriptor.attribute("AuthnRequestsSigned"), Some("true"));
    assert_eq!(descriptor.attribute("WantAssertionsSigned"), Some("true"));
    let acs = element(&doc, MD, "AssertionConsumerService");
    assert_eq!(acs.attribute("Location"), Some(sp.acs_url.as_str()));
    assert_eq!(
        acs.attribute("Binding"),
        Some("urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST")
    );
    let slo = element(&doc, MD, "SingleLogoutService");
    assert_eq!(slo.attribute("Location"), Some(sp.sls_url.as_str()));
    let uses: Vec<(Option<&str>, String)> = doc
        .descendants()
        .filter(|n| n.tag_name().name() == "KeyDescriptor")
        .map(|k| {
            let cert = k
                .descendants()
                .find(|n| n.tag_name().name() == "X509Certificate")
                .and_then(|n| n.text())
                .expect("X509Certificate");
            (k.attribute("use"), cert.split_whitespace().collect())
        })
        .collect();
    assert!(
        uses.contains(&(Some("signing"), sp.certificate_base64())),
        "{uses:?}"
    );
    assert!(
        uses.contains(&(Some("encryption"), sp.certificate_base64())),
        "{uses:?}"
    );
    assert_eq!(element(&doc, MD, "NameIDFormat").text(), Some(PERSISTENT));
    assert_eq!(
        element(&doc, MD, "RequestedAttribute").attribute("Name"),
        Some("urn:oid:2.5.4.42")
    );
    assert_eq!(element(&doc, DS, "Signature").parent(), Some(root));
}

#[tokio::test]
async fn login_over_redirect_carries_a_deflated_request_and_a_query_signature() {
    let Some(python) = saml_sp::python() else {
        return;
    };
    let idp = StandInIdp::start(&python).await;
    let options = SpOptions {
        requested_authn_context: vec!["urn:civitas:loa:substantial".into()],
        authn_context_comparison: Some("minimum".into()),
        ..SpOptions::default()
    };
    let sp = Sp::new(&python, &idp.metadata_url, SP_BASE, options);

    let login = sp
        .login(
            Binding::Redirect,
            &LoginOptions {
                force_authn: true,
                relay_state: Some("page 3/?a=b&c".into()),
                ..LoginOptions::default()
            },
        )
        .await
        .expect("login");

    let Delivery::Redirect(url) = &login.delivery else {
        panic!("not a redirect: {login:?}")
    };
    assert!(url.starts_with(&format!("{}?", idp.sso_url)), "{url}");
    assert_eq!(login.param("SigAlg").as_deref(), Some(RSA_SHA256));
    assert_eq!(login.param("RelayState").as_deref(), Some("page 3/?a=b&c"));
    let xml = saml_sp::inflate_redirect_value(&login.param("SAMLRequest").expect("SAMLRequest"))
        .expect("inflate");
    let doc = roxmltree::Document::parse(&xml).expect("request parses");
    let request = doc.root_element();
    assert_eq!(request.tag_name().name(), "AuthnRequest");
    assert_eq!(request.attribute("ID"), Some(login.request_id.as_str()));
    assert_eq!(
        request.attribute("AssertionConsumerServiceURL"),
        Some(sp.acs_url.as_str())
    );
    assert_eq!(request.attribute("Destination"), Some(idp.sso_url.as_str()));
    assert_eq!(request.attribute("ForceAuthn"), Some("true"));
    assert_eq!(
        element(&doc, SAMLP, "NameIDPolicy").attribute("Format"),
        Some(PERSISTENT)
    );
    let context = element(&doc, SAMLP, "RequestedAuthnContext");
    assert_eq!(context.attribute("Comparison"), Some("minimum"));
    assert_eq!(
        context.first_element_child().and_then(|c| c.text()),
        Some("urn:civitas:loa:substantial")
    );
    assert!(
        doc.descendants()
            .all(|n| n.tag_name().name() != "Signature")
    );

    // The signature covers the query's octets as sent, in the order SAML bindings §3.4.4.1
    // names: what the IdP must verify.
    let query = url.split_once('?').expect("query").1;
    let part = |name: &str| {
        query
            .split('&')
            .find(|p| p.starts_with(&format!("{name}=")))
            .unwrap_or_else(|| panic!("no {name} in {query}"))
    };
    let signed = format!(
        "{}&{}&{}",
        part("SAMLRequest"),
        part("RelayState"),
        part("SigAlg")
    );
    let signature = B64
        .decode(login.param("Signature").expect("Signature"))
        .expect("base64 signature");
    let key = RsaPrivateKey::from_pkcs8_pem(&sp.key_pem).expect("SP key");
    key.to_public_key()
        .verify(
            Pkcs1v15Sign::new::<Sha256>(),
            &Sha256::digest(signed.as_bytes()),
            &signature,
        )
        .expect("the query signature verifies with the SP's key");
}

#[tokio::test]
async fn login_over_post_carries_an_enveloped_signature_of_the_request() {
    let Some(python) = saml_sp::python() else {
        return;
    };
    let idp = StandInIdp::start(&python).await;
    let sp = Sp::new(&python, &idp.metadata_url, SP_BASE, SpOptions::default());

    let login = sp
        .login(
            Binding::Post,
            &LoginOptions {
                is_passive: true,
                relay_state: Some("r-1".into()),
                ..LoginOptions::default()
            },
        )
        .await
        .expect("login");

    let Delivery::Post { action, .. } = &login.delivery else {
        panic!("not a POST: {login:?}")
    };
    assert_eq!(action, &idp.sso_url);
    assert_eq!(login.param("RelayState").as_deref(), Some("r-1"));
    let xml = saml_sp::decode_post_value(&login.param("SAMLRequest").expect("SAMLRequest"))
        .expect("base64");
    assert_eq!(xml, login.xml);
    let doc = roxmltree::Document::parse(&xml).expect("request parses");
    let request = doc.root_element();
    assert_eq!(request.attribute("ID"), Some(login.request_id.as_str()));
    assert_eq!(request.attribute("IsPassive"), Some("true"));
    assert_eq!(request.attribute("Destination"), Some(idp.sso_url.as_str()));
    let signature = element(&doc, DS, "Signature");
    assert_eq!(signature.parent(), Some(request));
    assert_eq!(
        signature
            .prev_sibling_element()
            .map(|n| n.tag_name().name()),
        Some("Issuer"),
        "the signature follows the Issuer"
    );
    assert_eq!(
        element(&doc, DS, "Reference").attribute("URI"),
        Some(format!("#{}", login.request_id).as_str())
    );
    assert_eq!(
        element(&doc, DS, "SignatureMethod").attribute("Algorithm"),
        Some(RSA_SHA256)
    );
    assert_eq!(
        element(&doc, DS, "DigestMethod").attribute("Algorithm"),
        Some("http://www.w3.org/2001/04/xmlenc#sha256")
    );
}

#[test]
fn posted_form_is_read_from_the_idp_page_with_entities_undone() {
    let page = r#"<!doctype html><html><body><main>
      <FORM method="POST" action="https://sp.example.test/acs?a=1&amp;b=2" data-auto-submit>
        <input type="hidden" name="SAMLResponse" value="PHNhbWxwOlJlc3BvbnNlLz4&#43;&#x2F;">
        <input type='hidden' name='RelayState' value='&quot;x&quot; &lt;y&gt; &#39;z&#39; &amp;amp;'>
        <button type="submit">Continue</button>
      </FORM></main></body></html>"#;

    let form = PostedForm::from_html(page).expect("form");

    assert_eq!(form.action, "https://sp.example.test/acs?a=1&b=2");
    assert_eq!(
        form.field("SAMLResponse"),
        Some("PHNhbWxwOlJlc3BvbnNlLz4+/")
    );
    assert_eq!(form.field("RelayState"), Some(r#""x" <y> 'z' &amp;"#));
    assert_eq!(form.fields.len(), 2);
    let get = page.replace(r#"method="POST""#, r#"method="get""#);
    assert!(
        PostedForm::from_html(&get).is_err(),
        "a GET form is not a POST binding"
    );
    let twice = page.replace("RelayState", "SAMLResponse");
    assert!(
        PostedForm::from_html(&twice).is_err(),
        "a repeated field is refused"
    );
    assert!(PostedForm::from_html("<p>no form</p>").is_err());
}

#[tokio::test]
async fn acs_refuses_a_response_that_is_not_saml() {
    let Some(python) = saml_sp::python() else {
        return;
    };
    let idp = StandInIdp::start(&python).await;
    let sp = Sp::new(&python, &idp.metadata_url, SP_BASE, SpOptions::default());
    let login = sp
        .login(Binding::Redirect, &LoginOptions::default())
        .await
        .expect("login");

    for garbage in [
        "not base64 at all!",
        "PGZvbz5iYXI8L2Zvbz4=", /* <foo>bar</foo> */
    ] {
        let form = PostedForm {
            action: sp.acs_url.clone(),
            fields: vec![("SAMLResponse".into(), garbage.into())],
        };
        let result = sp.acs(Some(&login.request_id), &form).await.expect("acs");

        assert!(!result.errors.is_empty(), "{garbage}: {result:?}");
        assert!(!result.is_valid());
        assert_eq!(result.nameid, None);
    }
}

#[tokio::test]
async fn acs_accepts_a_signed_encrypted_response_from_the_idp_page() {
    let Some(python) = saml_sp::python() else {
        return;
    };
    let idp = StandInIdp::start(&python).await;
    let options = SpOptions {
        encrypt: true,
        ..SpOptions::default()
    };
    let sp = Sp::new(&python, &idp.metadata_url, SP_BASE, options);
    let login = sp
        .login(Binding::Post, &LoginOptions::default())
        .await
        .expect("login");
    let fields = idp
        .response(
            &sp,
            &login.request_id,
            json!({"encrypt_cert_pem": sp.certificate_pem}),
        )
        .await;
    idp.reply_next(Reply::Page(form_page(&sp.acs_url, &fields)));

    let page = login.request(&browser()).await;
    let form = PostedForm::from_response(page)
        .await
        .expect("the IdP's form");
    let result = sp.acs(Some(&login.request_id), &form).await.expect("acs");

    let (method, path, _, body) = idp.last_received();
    assert_eq!((method.as_str(), path.as_str()), ("POST", "/saml/sso"));
    let posted: Vec<(String, String)> = url::form_urlencoded::parse(body.as_bytes())
        .into_owned()
        .collect();
    assert_eq!(
        posted,
        [(
            "SAMLRequest".to_owned(),
            login.param("SAMLRequest").unwrap()
        )]
    );
    assert!(result.is_valid(), "{result:?}");
    assert_eq!(result.assertion_encrypted, Some(true));
    assert_eq!(result.nameid.as_deref(), Some("pairwise-7f3a"));
    assert_eq!(result.nameid_format.as_deref(), Some(PERSISTENT));
    assert_eq!(
        result.nameid_name_qualifier.as_deref(),
        Some(idp.entity_id.as_str())
    );
    assert_eq!(
        result.nameid_sp_name_qualifier.as_deref(),
        Some(sp.entity_id.as_str())
    );
    assert_eq!(result.session_index.as_deref(), Some("_session-1"));
    assert!(result.session_expiration.is_some());
    assert_eq!(result.attribute("urn:oid:2.5.4.42"), Some("Zoë & <Ana>"));
    assert_eq!(result.attribute("urn:oid:2.5.4.4"), Some("Martin"));
    assert_eq!(
        result.friendly_name_attributes["givenName"],
        ["Zoë & <Ana>"]
    );
    assert_eq!(result.authn_contexts, ["urn:civitas:loa:substantial"]);
    assert_eq!(
        result.in_response_to.as_deref(),
        Some(login.request_id.as_str())
    );
    assert_eq!(result.relay_state.as_deref(), Some("back-to-page-3"));
    assert!(result.not_on_or_after.is_some());
    let decrypted = result
        .response_xml
        .as_deref()
        .expect("the validated Response");
    assert!(decrypted.contains(result.assertion_id.as_deref().expect("assertion ID")));
    assert!(decrypted.contains(result.response_id.as_deref().expect("response ID")));
    assert!(!decrypted.contains("EncryptedAssertion"), "{decrypted}");

    // The same SP refuses a plain assertion: it asked for encryption.
    let plain = PostedForm {
        action: sp.acs_url.clone(),
        fields: idp.response(&sp, &login.request_id, json!({})).await,
    };
    let refused = sp.acs(Some(&login.request_id), &plain).await.expect("acs");
    assert!(!refused.is_valid());
    assert!(
        refused
            .last_error_reason
            .as_deref()
            .unwrap_or("")
            .contains("not encrypted"),
        "{refused:?}"
    );
}

#[tokio::test]
async fn acs_refuses_tampered_unsigned_and_misdirected_responses() {
    let Some(python) = saml_sp::python() else {
        return;
    };
    let idp = StandInIdp::start(&python).await;
    let sp = Sp::new(&python, &idp.metadata_url, SP_BASE, SpOptions::default());
    let login = sp
        .login(Binding::Redirect, &LoginOptions::default())
        .await
        .expect("login");
    let Delivery::Redirect(url) = &login.delivery else {
        panic!("not a redirect")
    };
    let response = login.request(&browser()).await;
    assert_eq!(response.status(), StatusCode::NOT_FOUND, "nothing prepared");
    let (method, _, query, _) = idp.last_received();
    assert_eq!(
        (method.as_str(), query.as_str()),
        ("GET", url.split_once('?').unwrap().1)
    );
    let form = |fields| PostedForm {
        action: sp.acs_url.clone(),
        fields,
    };
    let genuine = form(idp.response(&sp, &login.request_id, json!({})).await);
    assert!(
        sp.acs(Some(&login.request_id), &genuine)
            .await
            .expect("acs")
            .is_valid()
    );
    let xml = saml_sp::decode_post_value(genuine.field("SAMLResponse").unwrap()).unwrap();

    let tampered = form(vec![(
        "SAMLResponse".into(),
        B64.encode(xml.replace("Martin", "Mallory")),
    )]);
    let unsigned_response = form(
        idp.response(&sp, &login.request_id, json!({"sign_response": false}))
            .await,
    );
    let other_request = form(idp.response(&sp, "_another-request", json!({})).await);
    let elsewhere = PostedForm {
        action: "https://sp.example.test/other-acs".into(),
        ..genuine.clone()
    };

    for (what, form) in [
        ("tampered", tampered),
        ("unsigned Response", unsigned_response),
        ("answer to another request", other_request),
        ("posted to another URL", elsewhere),
    ] {
        let result = sp.acs(Some(&login.request_id), &form).await.expect("acs");
        assert!(!result.is_valid(), "{what}: {result:?}");
        assert!(result.last_error_reason.is_some(), "{what}: {result:?}");
    }
}

#[tokio::test]
async fn sls_accepts_signed_logout_responses_over_both_bindings() {
    let Some(python) = saml_sp::python() else {
        return;
    };
    let idp = StandInIdp::start(&python).await;
    let sp = Sp::new(&python, &idp.metadata_url, SP_BASE, SpOptions::default());
    let login = sp
        .login(Binding::Redirect, &LoginOptions::default())
        .await
        .expect("login");
    let signed_in = PostedForm {
        action: sp.acs_url.clone(),
        fields: idp.response(&sp, &login.request_id, json!({})).await,
    };
    let session = sp
        .acs(Some(&login.request_id), &signed_in)
        .await
        .expect("acs");
    assert!(session.is_valid(), "{session:?}");

    for binding in [Binding::Redirect, Binding::Post] {
        let logout = sp
            .logout(binding, &LogoutOptions::for_session(&session))
            .await
            .expect("logout");
        let doc = roxmltree::Document::parse(&logout.xml).expect("LogoutRequest parses");
        assert_eq!(
            doc.root_element().attribute("ID"),
            Some(logout.request_id.as_str())
        );
        assert_eq!(
            doc.root_element().attribute("Destination"),
            Some(idp.slo_url.as_str())
        );
        assert_eq!(element(&doc, SAML, "NameID").text(), Some("pairwise-7f3a"));
        assert_eq!(
            element(&doc, SAMLP, "SessionIndex").text(),
            Some("_session-1")
        );
        match binding {
            Binding::Redirect => assert_eq!(logout.param("SigAlg").as_deref(), Some(RSA_SHA256)),
            Binding::Post => assert_eq!(
                element(&doc, DS, "Signature").parent(),
                Some(doc.root_element())
            ),
        }
        idp.reply_next(idp.logout_response(&sp, &logout.request_id, binding).await);

        let answer = logout.request(&browser()).await;
        let message = SlsMessage::from_response(answer)
            .await
            .expect("LogoutResponse");
        let result = sp.sls(&logout.request_id, &message).await.expect("sls");
        let wrong = sp.sls("_not-this-request", &message).await.expect("sls");

        assert_eq!(idp.last_received().1, "/saml/slo");
        assert!(result.is_success(), "{binding:?}: {result:?}");
        assert_eq!(
            result.in_response_to.as_deref(),
            Some(logout.request_id.as_str())
        );
        assert_eq!(result.relay_state.as_deref(), Some("bye"));
        assert!(
            result
                .xml
                .as_deref()
                .unwrap_or("")
                .contains("LogoutResponse")
        );
        assert!(!wrong.is_success(), "{binding:?}: {wrong:?}");
        assert!(
            wrong
                .last_error_reason
                .as_deref()
                .unwrap_or("")
                .contains("InResponseTo"),
            "{wrong:?}"
        );
    }
}

#[tokio::test]
async fn idp_metadata_expired_unsigned_or_signed_by_another_key_is_refused() {
    let Some(python) = saml_sp::python() else {
        return;
    };
    let idp = StandInIdp::start(&python).await;
    let pinned = SpOptions {
        idp_metadata_certificate: Some(saml_sp::pem_body(&idp.cert_pem)),
        ..SpOptions::default()
    };
    let sp = Sp::new(&python, &idp.metadata_url, SP_BASE, pinned);
    let read = sp.idp_metadata().await.expect("fresh signed metadata");
    assert_eq!(read.entity_id.as_deref(), Some(idp.entity_id.as_str()));
    assert_eq!(read.report.signature.as_deref(), Some("valid"));
    assert_eq!(
        read.report.verified_with.as_deref(),
        Some("pinned certificate")
    );
    assert!(read.report.valid_until.is_some());
    assert!(
        read.report.problems.is_empty(),
        "{:?}",
        read.report.problems
    );
    assert_eq!(read.report.valid_until_in_future, Some(true));
    assert_eq!(read.redirect.sso_url.as_deref(), Some(idp.sso_url.as_str()));
    assert_eq!(read.post.slo_url.as_deref(), Some(idp.slo_url.as_str()));
    assert_eq!(
        read.signing_certificates,
        [saml_sp::pem_body(&idp.cert_pem)]
    );

    let (_, stranger) = saml_sp::key_pair("another IdP");
    let other_key = Sp::new(
        &python,
        &idp.metadata_url,
        SP_BASE,
        SpOptions {
            idp_metadata_certificate: Some(saml_sp::pem_body(&stranger)),
            ..SpOptions::default()
        },
    );
    let err = other_key
        .login(Binding::Redirect, &LoginOptions::default())
        .await
        .expect_err("metadata signed by another key");
    assert!(err.to_string().contains("does not verify"), "{err}");

    idp.serve_metadata(-60, true).await;
    let err = sp
        .login(Binding::Redirect, &LoginOptions::default())
        .await
        .expect_err("expired metadata");
    assert!(err.to_string().contains("validUntil"), "{err}");

    idp.serve_metadata(3600, false).await;
    let err = sp
        .login(Binding::Post, &LoginOptions::default())
        .await
        .expect_err("unsigned metadata");
    assert!(err.to_string().contains("no ds:Signature"), "{err}");
    let lenient = Sp::new(
        &python,
        &idp.metadata_url,
        SP_BASE,
        SpOptions {
            strict_idp_metadata: false,
            ..SpOptions::default()
        },
    );
    let report = lenient.idp_metadata().await.expect("report only").report;
    assert_eq!(report.signature.as_deref(), Some("no ds:Signature"));
    assert_eq!(report.problems, ["metadata signature: no ds:Signature"]);
}
