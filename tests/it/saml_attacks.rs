//! Attacks on the SAML endpoints, made by hand against the real server: signature wrapping
//! and comments splitting signed text, DTDs and entities, oversize and overdeep messages,
//! replays, unregistered consumer services, tampered, unsigned, wrongly signed or misdirected
//! messages, stale requests, long RelayStates, cross-site posts, IdP-initiated sign-on, and
//! forged single logout. Also what pairwise NameIDs promise.
//!
//! Until the service provider, its consumer service and its signature are verified, a refusal
//! is a page that sends nothing anywhere; after that, a signed `Response` with a SAML status
//! goes to the verified consumer service.

use civitas::{
    saml::{binding, dsig, dsig::RSA_SHA256},
    store::persons,
};

use crate::{
    on_both_databases,
    support::{
        TestApp, TestDb, client,
        oidc::{consent, seeded_person, signed_in_browser},
        saml::{
            self, HTTP_POST, HTTP_REDIRECT, OTHER_KEYS, Posted, REQUEST_DENIED, REQUESTER,
            RSA_SHA1, SP_KEYS, SUCCESS, SpSpec, TestSp, UNKNOWN_PRINCIPAL, assert_refused,
            idp_keys, new_id, posted, posted_page, private_key, raw_param, redirect_query,
            url_decode,
        },
        saml_sp::{self, PostedForm},
    },
};

on_both_databases!(
    wrapped_signatures_are_refused,
    dtds_entities_and_oversize_messages_are_refused,
    a_replayed_authn_request_is_denied,
    consumer_services_must_be_registered_exactly,
    tampered_unsigned_and_wrongly_signed_requests_are_refused,
    stale_requests_are_denied_to_the_service,
    signed_requests_must_name_civitas_as_their_destination,
    a_relay_state_over_80_bytes_is_refused,
    idp_initiated_sign_on_is_refused,
    name_ids_are_pairwise_and_stable,
    logout_requests_are_checked,
);

const SUBSTANTIAL: &str = "urn:civitas:loa:substantial";

/// A provider that must sign its AuthnRequests, with two consumer services.
async fn signing_sp(app: &TestApp, name: &str) -> TestSp {
    TestSp::register(
        app,
        SpSpec {
            name,
            acs: &["acs", "acs2"],
            slo: &[(HTTP_POST, "slo")],
            sign_requests: true,
            keys: SP_KEYS,
        },
    )
    .await
}

/// The public key of a test provider's signing certificate.
fn sp_keys(sp: &TestSp) -> Vec<rsa::RsaPublicKey> {
    vec![civitas::saml::cert::rsa_public_key(&sp.certificate).unwrap()]
}

/// Asserts that the request started the sign-in: a redirect to the sign-in page, nothing
/// sent to the service.
async fn assert_started(response: reqwest::Response) {
    let status = response.status();
    let location = response
        .headers()
        .get("location")
        .map(|l| l.to_str().unwrap().to_owned());
    let body = response.text().await.unwrap();
    assert_eq!(status, 303, "expected the sign-in to start: {body}");
    let location = location.unwrap();
    assert!(location.starts_with("/signin?continue="), "{location}");
}

/// The `<ds:Signature …>…</ds:Signature>` of a signed message, and the message without it.
fn split_signature(signed: &str) -> (String, String) {
    let start = signed.find("<ds:Signature").expect("signed");
    let end = signed.find("</ds:Signature>").expect("signed") + "</ds:Signature>".len();
    (
        signed[start..end].to_owned(),
        format!("{}{}", &signed[..start], &signed[end..]),
    )
}

/// `request` (an AuthnRequest written by `TestSp`) with `inside` in a samlp:Extensions right
/// after its Issuer (and its signature, when `signature` is given).
fn with_extensions(request: &str, signature: Option<&str>, inside: &str) -> String {
    let at = request.find("</saml:Issuer>").unwrap() + "</saml:Issuer>".len();
    format!(
        "{}{}<samlp:Extensions>{inside}</samlp:Extensions>{}",
        &request[..at],
        signature.unwrap_or(""),
        &request[at..]
    )
}

async fn wrapped_signatures_are_refused(db: TestDb) {
    let app = TestApp::spawn(&db).await;
    let sp = signing_sp(&app, "wrap").await;
    let id = new_id();
    let signed = sp.signed_authn_request(&app, &id, "");
    let (signature, stripped) = split_signature(&signed);
    let evil_acs = format!(r#"AssertionConsumerServiceURL="{}""#, sp.acs[1]);
    let browser = client();

    // Moved: an evil request (its own ID, the other consumer service) carries the signed one
    // in its Extensions, and no signature of its own.
    let evil_id = new_id();
    let evil = with_extensions(&sp.authn_request(&app, &evil_id, &evil_acs), None, &signed);
    let r = saml::post(&app, &browser, "/saml/sso", &evil, None).await;
    assert_refused(
        r,
        "it is not signed, and this service must sign its requests",
    )
    .await;

    // Moved, the signature onto the evil root: it references the request inside, which
    // still digests as signed.
    let evil = with_extensions(
        &sp.authn_request(&app, &evil_id, &evil_acs),
        Some(&signature),
        &stripped,
    );
    let r = saml::post(&app, &browser, "/saml/sso", &evil, None).await;
    let page = assert_refused(r, "its signature does not verify").await;
    assert!(page.contains("is not the signed element"), "{page}");

    // Duplicated: the evil root takes the signed request's ID and its signature.
    let evil = with_extensions(
        &sp.authn_request(&app, &id, &evil_acs),
        Some(&signature),
        &signed,
    );
    let r = saml::post(&app, &browser, "/saml/sso", &evil, None).await;
    let page = assert_refused(r, "its signature does not verify").await;
    assert!(page.contains("is used by more than one element"), "{page}");

    // Nested: the signed element itself changed after signing, to another registered
    // consumer service, or with an evil request added inside it.
    let moved_acs = signed.replace(
        &format!(r#"AssertionConsumerServiceURL="{}""#, sp.acs[0]),
        &evil_acs,
    );
    assert_ne!(moved_acs, signed);
    let r = saml::post(&app, &browser, "/saml/sso", &moved_acs, None).await;
    let page = assert_refused(r, "its signature does not verify").await;
    assert!(page.contains("changed after it was signed"), "{page}");
    let inner = sp.authn_request(&app, &new_id(), &evil_acs);
    let nested = signed.replacen(
        "</ds:Signature>",
        &format!("</ds:Signature><samlp:Extensions>{inner}</samlp:Extensions>"),
        1,
    );
    assert_ne!(nested, signed);
    let r = saml::post(&app, &browser, "/saml/sso", &nested, None).await;
    let page = assert_refused(r, "its signature does not verify").await;
    assert!(page.contains("changed after it was signed"), "{page}");

    // A comment splitting a signed text: exclusive C14N drops comments, so the signature
    // still verifies, and a reader taking the first text node would read another Issuer.
    let issuer = format!("<saml:Issuer>{}</saml:Issuer>", sp.entity_id);
    let (head, tail) = sp.entity_id.rsplit_once('/').unwrap();
    let split = format!("<saml:Issuer>{head}<!---->/{tail}</saml:Issuer>");
    let commented = signed.replace(&issuer, &split);
    assert_ne!(commented, signed);
    {
        let doc = civitas::saml::xml::parse(&commented).unwrap();
        dsig::verify_enveloped(doc.root_element(), &sp_keys(&sp)).expect("still verifies");
    }
    let r = saml::post(&app, &browser, "/saml/sso", &commented, None).await;
    assert_refused(
        r,
        "must hold text only: no comments or child elements inside it",
    )
    .await;

    // None of this used the signed request up: sent as it is, it starts the sign-in.
    let r = saml::post(&app, &browser, "/saml/sso", &signed, None).await;
    assert_started(r).await;
}

async fn dtds_entities_and_oversize_messages_are_refused(db: TestDb) {
    // A body limit above the largest SAML message, so the message limit itself is reached.
    let app = TestApp::spawn_with(&db, |f| f.merge(("http.body_limit_bytes", 1 << 20))).await;
    let sp = signing_sp(&app, "dtd").await;
    let browser = client();
    let id = new_id();
    let request = sp.authn_request(&app, &id, "");
    let with_issuer = |issuer: &str| request.replace(&sp.entity_id, issuer);
    let payloads = [
        format!(r#"<!DOCTYPE samlp:AuthnRequest>{request}"#),
        format!(
            r#"<?xml version="1.0"?><!DOCTYPE r [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>{}"#,
            with_issuer("&xxe;")
        ),
        format!(
            concat!(
                r#"<!DOCTYPE r [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">"#,
                r#"<!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;"><!ENTITY d "&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;">"#,
                r#"<!ENTITY e "&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;"><!ENTITY f "&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;">"#,
                r#"<!ENTITY g "&f;&f;&f;&f;&f;&f;&f;&f;&f;&f;"><!ENTITY h "&g;&g;&g;&g;&g;&g;&g;&g;&g;&g;">]>{}"#
            ),
            with_issuer("&h;")
        ),
    ];
    for payload in &payloads {
        for redirect in [false, true] {
            let r = if redirect {
                let query = redirect_query(payload, None, Some(&sp.key), RSA_SHA256);
                saml::get(&app, &browser, "/saml/sso", &query).await
            } else {
                saml::post(&app, &browser, "/saml/sso", payload, None).await
            };
            let page = assert_refused(r, "DTDs and entities are not accepted").await;
            assert!(!page.contains("root:"), "no file is read: {page}");
        }
    }

    // Nested too deep, or too many nodes, inside an Extensions the reader never looks into.
    let deep = request.replace(
        "<samlp:NameIDPolicy",
        &format!(
            "<samlp:Extensions>{}{}</samlp:Extensions><samlp:NameIDPolicy",
            "<x>".repeat(5000),
            "</x>".repeat(5000)
        ),
    );
    let r = saml::post(&app, &browser, "/saml/sso", &deep, None).await;
    assert_refused(r, "nests elements deeper than 32 levels").await;
    let wide = request.replace(
        "<samlp:NameIDPolicy",
        &format!(
            "<samlp:Extensions>{}</samlp:Extensions><samlp:NameIDPolicy",
            "<x/>".repeat(30_000)
        ),
    );
    let query = redirect_query(&wide, None, Some(&sp.key), RSA_SHA256);
    let r = saml::get(&app, &browser, "/saml/sso", &query).await;
    assert_refused(r, "has too many nodes").await;

    // Over 256 KiB: by POST the message itself, by Redirect what it inflates to.
    let padding = format!("<!--{}-->", " ".repeat(300 * 1024));
    let big = request.replace(
        "<samlp:NameIDPolicy",
        &format!("{padding}<samlp:NameIDPolicy"),
    );
    assert!(big.len() > 256 * 1024);
    let r = saml::post(&app, &browser, "/saml/sso", &big, None).await;
    assert_refused(r, "is larger than 262144 bytes").await;
    let query = redirect_query(&big, None, Some(&sp.key), RSA_SHA256);
    assert!(query.len() < 8 * 1024, "deflated, it is small");
    let r = saml::get(&app, &browser, "/saml/sso", &query).await;
    assert_refused(r, "inflates past 262144 bytes").await;
    // Just under the limit once base64-decoded, and still over it as XML.
    let just_over = request.replace(
        "<samlp:NameIDPolicy",
        &format!(
            "<!--{}--><samlp:NameIDPolicy",
            " ".repeat(256 * 1024 + 1 - request.len() - 7)
        ),
    );
    assert_eq!(just_over.len(), 256 * 1024 + 1);
    let r = saml::post(&app, &browser, "/saml/sso", &just_over, None).await;
    assert_refused(r, "the XML document is larger than 262144 bytes").await;
    // Bodies past the HTTP limit never reach SAML.
    let huge = format!("<a>{}</a>", " ".repeat(1 << 20));
    let r = saml::post(&app, &browser, "/saml/sso", &huge, None).await;
    assert_eq!(r.status(), 413);
}

async fn a_replayed_authn_request_is_denied(db: TestDb) {
    let app = TestApp::spawn(&db).await;
    let sp = signing_sp(&app, "replay").await;
    let id = new_id();
    let signed = sp.signed_authn_request(&app, &id, "");

    // Posted from another site, it only comes back as a form to Civitas itself (so the
    // browser sends its session cookie), with the RelayState inert; nothing is used up.
    let hostile = r#""><script>alert(1)</script>"#;
    let r = client()
        .post(app.url("/saml/sso"))
        .header("origin", "https://elsewhere.example")
        .form(&[
            ("SAMLRequest", saml::post_value(&signed).as_str()),
            ("RelayState", hostile),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let page = r.text().await.unwrap();
    assert!(!page.contains("<script>alert"), "{page}");
    let bounce = PostedForm::from_html(&page).unwrap();
    assert_eq!(bounce.action, "/saml/sso");
    assert_eq!(bounce.field("RelayState"), Some(hostile));
    assert_eq!(
        bounce.field("SAMLRequest"),
        Some(saml::post_value(&signed).as_str())
    );

    let r = saml::post(&app, &client(), "/saml/sso", &signed, Some("first")).await;
    assert_started(r).await;
    // The same request again, even from another browser, is denied to the service.
    let r = saml::post(&app, &client(), "/saml/sso", &signed, Some("again")).await;
    let answer = posted(&app, r).await;
    answer.assert_status(&sp.acs[0], &id, REQUESTER, Some(REQUEST_DENIED));
    assert_eq!(answer.relay_state.as_deref(), Some("again"));
    assert!(answer.xml.contains("already used"), "{}", answer.xml);

    // And by the other binding too.
    let query = redirect_query(
        &sp.authn_request(&app, &id, ""),
        None,
        Some(&sp.key),
        RSA_SHA256,
    );
    let r = saml::get(&app, &client(), "/saml/sso", &query).await;
    posted(&app, r)
        .await
        .assert_status(&sp.acs[0], &id, REQUESTER, Some(REQUEST_DENIED));
}

async fn consumer_services_must_be_registered_exactly(db: TestDb) {
    let app = TestApp::spawn(&db).await;
    let sp = signing_sp(&app, "acs").await;
    let neighbour = signing_sp(&app, "neighbour").await;
    let browser = client();
    for url in [
        "https://attacker.example/acs".to_owned(),
        // Another registered service's: its assertion would reach the wrong service.
        neighbour.acs[0].clone(),
        format!("{}/", sp.acs[0]),
        format!("{}?next=https://attacker.example", sp.acs[0]),
        sp.acs[0].to_uppercase(),
        sp.acs[0].replace("/acs", "/x/../acs"),
    ] {
        let id = new_id();
        let signed = sp.signed_authn_request(
            &app,
            &id,
            &format!(r#"AssertionConsumerServiceURL="{url}" ProtocolBinding="{HTTP_POST}""#),
        );
        let r = saml::post(&app, &browser, "/saml/sso", &signed, None).await;
        let page = assert_refused(r, "AssertionConsumerServiceURL is not registered").await;
        assert!(!page.contains("attacker.example"), "{page}");
    }
    let id = new_id();
    let signed = sp.signed_authn_request(&app, &id, r#"AssertionConsumerServiceIndex="7""#);
    let r = saml::post(&app, &browser, "/saml/sso", &signed, None).await;
    assert_refused(
        r,
        "no assertion consumer service with index 7 is registered",
    )
    .await;

    // A registered index is honoured: a refusal after that goes to its consumer service.
    let id = new_id();
    let stale = sp.authn_request_at(
        &app,
        &id,
        app.state.clock.now() - 3600,
        r#"AssertionConsumerServiceIndex="1""#,
    );
    let r = saml::post(&app, &browser, "/saml/sso", &sp.sign(&stale, &id), None).await;
    posted(&app, r)
        .await
        .assert_status(&sp.acs[1], &id, REQUESTER, Some(REQUEST_DENIED));
}

async fn tampered_unsigned_and_wrongly_signed_requests_are_refused(db: TestDb) {
    let app = TestApp::spawn(&db).await;
    let sp = signing_sp(&app, "tamper").await;
    let browser = client();
    let other = private_key("other-key.pem");
    let other_cert = saml::certificate_der("other-cert.pem");
    let (a, b) = (new_id(), new_id());
    let request_a = sp.authn_request(&app, &a, "");
    let request_b = sp.authn_request(
        &app,
        &b,
        &format!(
            r#"AssertionConsumerServiceURL="{}" ProtocolBinding="{HTTP_POST}" ForceAuthn="true""#,
            sp.acs[1]
        ),
    );
    let value = |query: &str, name: &str| {
        query
            .split('&')
            .find_map(|p| p.strip_prefix(&format!("{name}=")))
            .unwrap()
            .to_owned()
    };

    // Redirect: the message swapped for another after signing.
    let signed_a = redirect_query(&request_a, Some("state-a"), Some(&sp.key), RSA_SHA256);
    let unsigned_b = redirect_query(&request_b, Some("state-a"), None, RSA_SHA256);
    let swapped = signed_a.replace(
        &format!("SAMLRequest={}", value(&signed_a, "SAMLRequest")),
        &format!("SAMLRequest={}", value(&unsigned_b, "SAMLRequest")),
    );
    assert_ne!(swapped, signed_a);
    let r = saml::get(&app, &browser, "/saml/sso", &swapped).await;
    assert_refused(r, "its signature does not verify").await;
    // The RelayState changed, or dropped.
    let relayed = signed_a.replace("RelayState=state-a", "RelayState=state-b");
    let r = saml::get(&app, &browser, "/saml/sso", &relayed).await;
    assert_refused(r, "its signature does not verify").await;
    let dropped = signed_a.replace("&RelayState=state-a", "");
    let r = saml::get(&app, &browser, "/saml/sso", &dropped).await;
    assert_refused(r, "its signature does not verify").await;

    // Unsigned, by either binding; and an enveloped signature does not count in a Redirect.
    let unsigned = redirect_query(&request_a, None, None, RSA_SHA256);
    let r = saml::get(&app, &browser, "/saml/sso", &unsigned).await;
    assert_refused(
        r,
        "it is not signed, and this service must sign its requests",
    )
    .await;
    let r = saml::post(&app, &browser, "/saml/sso", &request_a, None).await;
    assert_refused(
        r,
        "it is not signed, and this service must sign its requests",
    )
    .await;
    let enveloped = redirect_query(&sp.sign(&request_a, &a), None, None, RSA_SHA256);
    let r = saml::get(&app, &browser, "/saml/sso", &enveloped).await;
    assert_refused(
        r,
        "it is not signed, and this service must sign its requests",
    )
    .await;
    // A signature without SigAlg.
    let r = saml::get(
        &app,
        &browser,
        "/saml/sso",
        &format!("{unsigned}&Signature={}", value(&signed_a, "Signature")),
    )
    .await;
    assert_refused(r, "SigAlg and Signature must be sent together").await;

    // Signed with a key the service never registered (its certificate in KeyInfo is ignored).
    let wrong = redirect_query(&request_a, None, Some(&other), RSA_SHA256);
    let r = saml::get(&app, &browser, "/saml/sso", &wrong).await;
    assert_refused(r, "does not verify with any of the registered keys").await;
    let wrong = saml::sign_with(&request_a, &a, &other, &other_cert);
    let r = saml::post(&app, &browser, "/saml/sso", &wrong, None).await;
    assert_refused(r, "does not verify with any of the registered keys").await;

    // A registered service signing in another's name: the Issuer's keys decide.
    let victim = TestSp::register(
        &app,
        SpSpec {
            name: "victim",
            acs: &["acs"],
            slo: &[],
            sign_requests: true,
            keys: OTHER_KEYS,
        },
    )
    .await;
    let id = new_id();
    let impostor = sp.sign(&victim.authn_request(&app, &id, ""), &id);
    let r = saml::post(&app, &browser, "/saml/sso", &impostor, None).await;
    assert_refused(r, "does not verify with any of the registered keys").await;
    let query = redirect_query(
        &victim.authn_request(&app, &id, ""),
        None,
        Some(&sp.key),
        RSA_SHA256,
    );
    let r = saml::get(&app, &browser, "/saml/sso", &query).await;
    assert_refused(r, "does not verify with any of the registered keys").await;
    let r = saml::post(
        &app,
        &browser,
        "/saml/sso",
        &victim.sign(&victim.authn_request(&app, &id, ""), &id),
        None,
    )
    .await;
    assert_started(r).await;

    // RSA-SHA1 is not accepted.
    let sha1 = redirect_query(&request_a, None, Some(&sp.key), RSA_SHA1);
    let r = saml::get(&app, &browser, "/saml/sso", &sha1).await;
    assert_refused(r, "is not accepted").await;

    // The untouched request still starts the sign-in: nothing above used its ID.
    let r = saml::get(&app, &browser, "/saml/sso", &signed_a).await;
    assert_started(r).await;
}

async fn stale_requests_are_denied_to_the_service(db: TestDb) {
    let app = TestApp::spawn(&db).await;
    let sp = signing_sp(&app, "stale").await;
    let now = app.state.clock.now();
    // The RelayState comes back as sent, and only as a form value.
    let hostile = r#""><script>alert(1)</script>"#;
    for (offset, relay) in [(-600, "past"), (600, hostile)] {
        let id = new_id();
        let request = sp.authn_request_at(&app, &id, now + offset, "");
        let r = saml::post(
            &app,
            &client(),
            "/saml/sso",
            &sp.sign(&request, &id),
            Some(relay),
        )
        .await;
        assert_eq!(r.status(), 200);
        let page = r.text().await.unwrap();
        assert!(!page.contains("<script>alert"), "{page}");
        let answer = posted_page(&app, &page);
        answer.assert_status(&sp.acs[0], &id, REQUESTER, Some(REQUEST_DENIED));
        assert_eq!(answer.relay_state.as_deref(), Some(relay));
        assert!(answer.xml.contains("IssueInstant"), "{}", answer.xml);
    }
    // Within the allowed skew, either way, the sign-in starts.
    for offset in [-120, 120] {
        let id = new_id();
        let request = sp.authn_request_at(&app, &id, now + offset, "");
        let r = saml::post(&app, &client(), "/saml/sso", &sp.sign(&request, &id), None).await;
        assert_started(r).await;
    }
}

/// `xml` without its root's `Destination`, or with `to` instead.
fn destination(xml: &str, to: Option<&str>) -> String {
    let start = xml.find(" Destination=\"").unwrap();
    let end = start + xml[start + 14..].find('"').unwrap() + 15;
    let replacement = to.map(|t| format!(r#" Destination="{t}""#));
    format!(
        "{}{}{}",
        &xml[..start],
        replacement.as_deref().unwrap_or(""),
        &xml[end..]
    )
}

/// Bindings §3.4.5.2 and §3.5.5.2: a signed message names where it goes, so one signed for
/// another receiver (or for none) cannot be carried here.
async fn signed_requests_must_name_civitas_as_their_destination(db: TestDb) {
    let app = TestApp::spawn(&db).await;
    let sp = signing_sp(&app, "destination").await;
    let person = seeded_person(&app).await;
    consent(&app, &person, &sp.client_id, "openid").await;
    let (browser, _) = signed_in_browser(&app, &person, SUBSTANTIAL).await;
    let elsewhere = "https://other-idp.example/saml/sso";
    for to in [None, Some(elsewhere)] {
        let id = new_id();
        let request = destination(&sp.authn_request(&app, &id, ""), to);
        assert!(!request.contains(&app.url("/saml/sso")));
        let r = saml::post(&app, &browser, "/saml/sso", &sp.sign(&request, &id), None).await;
        let answer = posted(&app, r).await;
        answer.assert_status(&sp.acs[0], &id, REQUESTER, None);
        assert!(answer.xml.contains("Destination"), "{}", answer.xml);
        let id = new_id();
        let request = destination(&sp.authn_request(&app, &id, ""), to);
        let query = redirect_query(&request, None, Some(&sp.key), RSA_SHA256);
        let r = saml::get(&app, &browser, "/saml/sso", &query).await;
        posted(&app, r)
            .await
            .assert_status(&sp.acs[0], &id, REQUESTER, None);
    }
    // Unsigned, from a service that need not sign, Destination is optional.
    let unsigned = TestSp::register(&app, plain("destination-unsigned")).await;
    let id = new_id();
    let request = destination(&unsigned.authn_request(&app, &id, ""), None);
    let r = saml::post(&app, &client(), "/saml/sso", &request, None).await;
    assert_started(r).await;

    // A LogoutRequest is always signed: it too must name Civitas.
    let id = new_id();
    let request = sp.authn_request(&app, &id, "");
    let r = saml::post(&app, &browser, "/saml/sso", &sp.sign(&request, &id), None).await;
    let name_id = posted(&app, r).await.name_id();
    let id = new_id();
    let logout = destination(&sp.logout_request(&app, &id, &name_id), None);
    let r = saml::post(&app, &browser, "/saml/slo", &sp.sign(&logout, &id), None).await;
    let answer = posted(&app, r).await;
    assert_eq!(answer.kind(), "LogoutResponse");
    assert_eq!(
        answer.status(),
        (REQUESTER.to_owned(), None),
        "{}",
        answer.xml
    );
    let r = browser.get(app.url("/account")).send().await.unwrap();
    assert_eq!(r.status(), 200, "still signed in");
}

async fn a_relay_state_over_80_bytes_is_refused(db: TestDb) {
    let app = TestApp::spawn(&db).await;
    let sp = signing_sp(&app, "relay").await;
    let browser = client();
    // 81 bytes, counted in UTF-8 (27 three-byte characters).
    for long in ["r".repeat(81), "€".repeat(27)] {
        let id = new_id();
        let signed = sp.signed_authn_request(&app, &id, "");
        let r = saml::post(&app, &browser, "/saml/sso", &signed, Some(&long)).await;
        assert_refused(r, "SAML allows at most 80").await;
        let query = redirect_query(
            &sp.authn_request(&app, &id, ""),
            Some(&long),
            Some(&sp.key),
            RSA_SHA256,
        );
        let r = saml::get(&app, &browser, "/saml/sso", &query).await;
        assert_refused(r, "SAML allows at most 80").await;
    }
    let id = new_id();
    let signed = sp.signed_authn_request(&app, &id, "");
    let r = saml::post(&app, &browser, "/saml/sso", &signed, Some(&"r".repeat(80))).await;
    assert_started(r).await;
}

async fn idp_initiated_sign_on_is_refused(db: TestDb) {
    let app = TestApp::spawn(&db).await;
    let sp = signing_sp(&app, "unsolicited").await;
    let person = seeded_person(&app).await;
    let (browser, _) = signed_in_browser(&app, &person, SUBSTANTIAL).await;
    consent(&app, &person, &sp.client_id, "openid").await;

    // A Response posted to the SSO endpoint, as an IdP-initiated flow would.
    let response = format!(
        r#"<samlp:Response xmlns:samlp="{}" ID="{}" Version="2.0" IssueInstant="2026-01-01T00:00:00Z"><samlp:Status><samlp:StatusCode Value="{SUCCESS}"/></samlp:Status></samlp:Response>"#,
        saml::SAMLP,
        new_id()
    );
    let value = base64::Engine::encode(&base64::engine::general_purpose::STANDARD, &response);
    let r = saml::post_form(&app, &browser, "/saml/sso", &[("SAMLResponse", &value)]).await;
    assert_refused(r, "the form has no SAMLRequest").await;
    // The same document as a SAMLRequest is no AuthnRequest.
    let r = saml::post(&app, &browser, "/saml/sso", &response, None).await;
    assert_refused(r, "the message must be a samlp:AuthnRequest").await;
    // Unsolicited GETs, with or without a target.
    let as_redirect = binding::redirect_query("SAMLResponse", &response, None, RSA_SHA256);
    let as_redirect = as_redirect.split("&SigAlg").next().unwrap();
    for query in [
        String::new(),
        format!("?RelayState={}", sp.acs[0]),
        format!("?spentityid={}", sp.entity_id),
        format!("?{as_redirect}"),
    ] {
        let r = browser
            .get(app.url(&format!("/saml/sso{query}")))
            .send()
            .await
            .unwrap();
        assert_refused(r, "the query has no SAMLRequest").await;
    }
}

/// A provider with one consumer service that need not sign.
fn plain(name: &str) -> SpSpec<'_> {
    SpSpec {
        name,
        acs: &["acs"],
        slo: &[],
        sign_requests: false,
        keys: SP_KEYS,
    }
}

async fn name_ids_are_pairwise_and_stable(db: TestDb) {
    let app = TestApp::spawn(&db).await;
    let person = seeded_person(&app).await;
    let a = TestSp::register(&app, plain("pairwise-a")).await;
    let b = TestSp::register(&app, plain("pairwise-b")).await;
    consent(&app, &person, &a.client_id, "openid").await;
    consent(&app, &person, &b.client_id, "openid").await;

    let sign_in = |browser: reqwest::Client, sp: &TestSp| {
        let id = new_id();
        let request = sp.authn_request(&app, &id, "");
        let acs = sp.acs[0].clone();
        let app = &app;
        async move {
            let r = saml::post(app, &browser, "/saml/sso", &request, None).await;
            let answer = posted(app, r).await;
            assert_eq!(answer.action, acs);
            assert_eq!(answer.in_response_to().as_deref(), Some(id.as_str()));
            assert_eq!(
                answer.status(),
                (SUCCESS.to_owned(), None),
                "{}",
                answer.xml
            );
            answer.name_id()
        }
    };
    let (browser, _) = signed_in_browser(&app, &person, SUBSTANTIAL).await;
    let at_a = sign_in(browser.clone(), &a).await;
    let at_b = sign_in(browser, &b).await;
    assert_ne!(at_a, at_b, "each service gets its own identifier");
    assert!(!at_a.contains(&person) && !at_b.contains(&person));

    // Asking for another service's identifier (SPNameQualifier) gets one's own.
    let (browser, _) = signed_in_browser(&app, &person, SUBSTANTIAL).await;
    let id = new_id();
    let request = a.authn_request(&app, &id, "").replace(
        r#"AllowCreate="true""#,
        &format!(r#"AllowCreate="true" SPNameQualifier="{}""#, b.entity_id),
    );
    let r = saml::post(&app, &browser, "/saml/sso", &request, None).await;
    let answer = posted(&app, r).await;
    assert_eq!(answer.name_id(), at_a);
    assert!(
        answer
            .xml
            .contains(&format!(r#"SPNameQualifier="{}""#, a.entity_id)),
        "{}",
        answer.xml
    );

    // Another sign-in, in another browser: the same identifier at the same service.
    let (browser, _) = signed_in_browser(&app, &person, SUBSTANTIAL).await;
    assert_eq!(sign_in(browser, &a).await, at_a);

    // Another person: another identifier.
    let other = other_person(&app).await;
    consent(&app, &other, &a.client_id, "openid").await;
    let (browser, _) = signed_in_browser(&app, &other, SUBSTANTIAL).await;
    assert_ne!(sign_in(browser, &a).await, at_a);
}

/// The second demo person (after `seeded_person`).
async fn other_person(app: &TestApp) -> String {
    let national_id = civitas::demo::population()[1].national_id.clone();
    persons::find_person_by_national_id(&app.state.db, national_id.as_str())
        .await
        .unwrap()
        .expect("second person")
        .id
}

async fn logout_requests_are_checked(db: TestDb) {
    let app = TestApp::spawn(&db).await;
    let person = seeded_person(&app).await;
    let other = other_person(&app).await;
    // AuthnRequests need no signature here; LogoutRequests always do.
    let sp = TestSp::register(
        &app,
        SpSpec {
            name: "logout",
            acs: &["acs"],
            slo: &[(HTTP_POST, "slo"), (HTTP_REDIRECT, "slo-redirect")],
            sign_requests: false,
            keys: SP_KEYS,
        },
    )
    .await;
    let slo = saml::sp_url("logout", "slo");
    consent(&app, &person, &sp.client_id, "openid").await;
    consent(&app, &other, &sp.client_id, "openid").await;
    let name_id_of = |browser: reqwest::Client| {
        let id = new_id();
        let request = sp.authn_request(&app, &id, "");
        let app = &app;
        async move {
            let r = saml::post(app, &browser, "/saml/sso", &request, None).await;
            posted(app, r).await.name_id()
        }
    };
    let (browser, _) = signed_in_browser(&app, &person, SUBSTANTIAL).await;
    let mine = name_id_of(browser.clone()).await;
    let (other_browser, _) = signed_in_browser(&app, &other, SUBSTANTIAL).await;
    let theirs = name_id_of(other_browser.clone()).await;
    let account = |browser: reqwest::Client| {
        let url = app.url("/account");
        async move { browser.get(url).send().await.unwrap().status().as_u16() }
    };
    assert_eq!(account(browser.clone()).await, 200);

    // Unsigned, by either binding.
    let id = new_id();
    let unsigned = sp.logout_request(&app, &id, &mine);
    let r = saml::post(&app, &browser, "/saml/slo", &unsigned, None).await;
    assert_refused(r, "it is not signed").await;
    let query = redirect_query(&unsigned, None, None, RSA_SHA256);
    let r = saml::get(&app, &browser, "/saml/slo", &query).await;
    assert_refused(r, "it is not signed").await;
    // A comment inside the signed NameID: the signature still verifies (C14N drops it), the
    // reader refuses it.
    let commented = sp.sign(&unsigned, &id).replacen(
        &format!(">{mine}<"),
        &format!(">{}<!---->{}<", &mine[..4], &mine[4..]),
        1,
    );
    let r = saml::post(&app, &browser, "/saml/slo", &commented, None).await;
    assert_refused(r, "must hold text only").await;
    // Signed with a key the service never registered.
    let wrong = saml::sign_with(
        &unsigned,
        &id,
        &private_key("other-key.pem"),
        &saml::certificate_der("other-cert.pem"),
    );
    let r = saml::post(&app, &browser, "/saml/slo", &wrong, None).await;
    assert_refused(r, "does not verify").await;
    assert_eq!(account(browser.clone()).await, 200, "still signed in");

    // Signed, but naming another person than the one signed in here.
    let id = new_id();
    let forged = sp.sign(&sp.logout_request(&app, &id, &theirs), &id);
    let r = saml::post(&app, &browser, "/saml/slo", &forged, Some("s1")).await;
    let answer = posted(&app, r).await;
    assert_eq!(answer.action, slo);
    assert_eq!(answer.kind(), "LogoutResponse");
    assert_eq!(answer.in_response_to().as_deref(), Some(id.as_str()));
    assert_eq!(answer.relay_state.as_deref(), Some("s1"));
    assert_eq!(
        answer.status(),
        (REQUESTER.to_owned(), Some(UNKNOWN_PRINCIPAL.to_owned()))
    );
    assert_eq!(account(browser.clone()).await, 200, "still signed in");
    assert_eq!(account(other_browser.clone()).await, 200, "so is the other");

    // The real one: the session ends, and only this one.
    let id = new_id();
    let real = sp.sign(&sp.logout_request(&app, &id, &mine), &id);
    let r = saml::post(&app, &browser, "/saml/slo", &real, None).await;
    let answer = posted(&app, r).await;
    assert_eq!(answer.kind(), "LogoutResponse");
    assert_eq!(answer.in_response_to().as_deref(), Some(id.as_str()));
    assert_eq!(answer.status(), (SUCCESS.to_owned(), None));
    assert_eq!(account(browser.clone()).await, 303, "signed out");
    assert_eq!(account(other_browser.clone()).await, 200);

    // Replayed in the other person's browser: denied, nobody signed out.
    let r = saml::post(&app, &other_browser, "/saml/slo", &real, None).await;
    let answer = posted(&app, r).await;
    assert_eq!(
        answer.status(),
        (REQUESTER.to_owned(), Some(REQUEST_DENIED.to_owned()))
    );
    assert_eq!(account(other_browser.clone()).await, 200);

    // By the Redirect binding: answered by Redirect, signed in the query.
    let id = new_id();
    let request = sp.logout_request(&app, &id, &theirs);
    let query = redirect_query(&request, Some("s2"), Some(&sp.key), RSA_SHA256);
    let r = saml::get(&app, &other_browser, "/saml/slo", &query).await;
    assert_eq!(r.status(), 303);
    let location = r.headers()["location"].to_str().unwrap().to_owned();
    let (to, query) = location.split_once('?').unwrap();
    assert_eq!(to, saml::sp_url("logout", "slo-redirect"));
    let param = |name| url_decode(&raw_param(query, name).unwrap());
    let (octets, _) = query.split_once("&Signature=").unwrap();
    dsig::verify_redirect(
        octets.as_bytes(),
        &param("SigAlg"),
        &param("Signature"),
        &idp_keys(&app),
    )
    .expect("signed by Civitas");
    let answer = Posted {
        action: to.to_owned(),
        relay_state: Some(param("RelayState")),
        xml: saml_sp::inflate_redirect_value(&param("SAMLResponse")).unwrap(),
    };
    assert_eq!(answer.kind(), "LogoutResponse");
    assert_eq!(answer.in_response_to().as_deref(), Some(id.as_str()));
    assert_eq!(answer.relay_state.as_deref(), Some("s2"));
    assert_eq!(answer.status(), (SUCCESS.to_owned(), None));
    assert_eq!(account(other_browser).await, 303, "signed out");
}
