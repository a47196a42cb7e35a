//! Civitas as the IdP of a real SAML service provider: Python's python3-saml (the OneLogin
//! toolkit, xmlsec underneath) reads Civitas's signed metadata, sends AuthnRequests over
//! HTTP-Redirect and HTTP-POST, validates the signed (and encrypted) Responses it gets back,
//! reads the attributes, and logs out. The citizen goes through the consent page; the release
//! is in their history with channel SAML and `civitas ledger verify` passes. Skipped loudly
//! without Python (see `support::saml_sp::python`).

use std::path::Path;

use crate::support::{
    TestApp, TestDb,
    oidc::{seeded_person, signed_in_browser},
    saml_sp::{
        self, Binding, LoginOptions, LogoutOptions, PostedForm, RequestedAttribute, SlsMessage, Sp,
        SpOptions,
    },
    write_file,
};

const EIDAS: &str = "http://eidas.europa.eu/attributes/naturalperson/";
const PERSISTENT: &str = "urn:oasis:names:tc:SAML:2.0:nameid-format:persistent";

fn wanted(name: &str, friendly: &str, required: bool) -> RequestedAttribute {
    RequestedAttribute {
        name: name.into(),
        friendly_name: friendly.into(),
        is_required: required,
    }
}

/// A python3-saml SP registered with `civitas saml sp add` from the metadata it publishes.
async fn registered_sp(
    app: &TestApp,
    db: &TestDb,
    python: &Path,
    base: &str,
    options: SpOptions,
    extra: &[&str],
) -> Sp {
    let sp = Sp::new(python, &app.url("/saml/metadata"), base, options);
    let metadata = sp.metadata().await.expect("SP metadata");
    let dir = tempfile::tempdir().unwrap();
    let file = write_file(dir.path(), "sp.xml", &metadata);
    let mut args = vec![
        "saml",
        "sp",
        "add",
        file.to_str().unwrap(),
        "--name",
        "Tax and Customs Board",
        "--purpose",
        "To prefill your tax return",
        "--sandbox",
    ];
    args.extend_from_slice(extra);
    let out = db.civitas(&args);
    assert!(
        out.status.success(),
        "saml sp add: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    sp
}

/// Sends the SP's request with the browser and follows Civitas to the page that posts the
/// answer to the SP: a cross-site POST bounced through our own origin, and the consent page
/// (allowed and remembered) when it comes.
async fn sign_in(app: &TestApp, browser: &reqwest::Client, sent: reqwest::Response) -> PostedForm {
    let mut response = sent;
    for _ in 0..6 {
        if response.status().is_redirection() {
            let location = response.headers()["location"].to_str().unwrap().to_owned();
            if let Some(waiting) = location.strip_prefix("/consent?continue=") {
                let page = browser
                    .get(app.url(&location))
                    .send()
                    .await
                    .unwrap()
                    .text()
                    .await
                    .unwrap();
                assert!(
                    page.contains("To prefill your tax return"),
                    "the consent page shows the SP's purpose"
                );
                response = browser
                    .post(app.url("/consent"))
                    .header("origin", app.base.clone())
                    .form(&[
                        ("continue", waiting),
                        ("decision", "allow"),
                        ("remember", "yes"),
                    ])
                    .send()
                    .await
                    .unwrap();
            } else {
                assert!(location.starts_with('/'), "stays at Civitas: {location}");
                response = browser.get(app.url(&location)).send().await.unwrap();
            }
            continue;
        }
        let form = PostedForm::from_response(response)
            .await
            .expect("a form page");
        if form.action == "/saml/sso" {
            // The bounce: the browser posts the same message again from our own page.
            let fields: Vec<(String, String)> = form.fields.clone();
            response = browser
                .post(app.url("/saml/sso"))
                .header("origin", app.base.clone())
                .form(&fields)
                .send()
                .await
                .unwrap();
            continue;
        }
        return form;
    }
    panic!("no answer for the service provider after six steps");
}

async fn a_python_sp_signs_a_citizen_in_and_out(db: TestDb) {
    let Some(python) = saml_sp::python() else {
        return;
    };
    let app = TestApp::spawn(&db).await;
    let person = seeded_person(&app).await;
    let sp = registered_sp(
        &app,
        &db,
        &python,
        "https://tax.example.test",
        SpOptions {
            requested_attributes: vec![
                wanted(&format!("{EIDAS}CurrentFamilyName"), "FamilyName", true),
                wanted(&format!("{EIDAS}DateOfBirth"), "DateOfBirth", true),
            ],
            requested_authn_context: vec!["urn:civitas:loa:substantial".into()],
            authn_context_comparison: Some("minimum".into()),
            ..SpOptions::default()
        },
        &[],
    )
    .await;
    // The SP checked the metadata's signature and validUntil before sending anything.
    let idp = sp.idp_metadata().await.expect("IdP metadata");
    assert!(idp.report.problems.is_empty(), "{idp:?}");
    assert_eq!(idp.report.valid_until_in_future, Some(true), "{idp:?}");
    assert_eq!(idp.signing_certificates.len(), 1);

    let (browser, who) = signed_in_browser(&app, &person, "urn:civitas:loa:substantial").await;

    // HTTP-Redirect, with RelayState; the citizen consents on the way.
    let out = sp
        .login(
            Binding::Redirect,
            &LoginOptions {
                relay_state: Some("/returns/2026".into()),
                ..LoginOptions::default()
            },
        )
        .await
        .expect("login");
    let form = sign_in(&app, &browser, out.request(&browser).await).await;
    assert_eq!(form.action, sp.acs_url);
    let first = sp.acs(Some(&out.request_id), &form).await.expect("acs");
    assert!(first.is_valid(), "python3-saml refused: {first:?}");
    assert_eq!(first.nameid_format.as_deref(), Some(PERSISTENT));
    assert_eq!(first.relay_state.as_deref(), Some("/returns/2026"));
    assert_eq!(first.authn_contexts, ["urn:civitas:loa:substantial"]);
    assert!(first.session_index.is_some());
    assert_eq!(
        first.attribute(&format!("{EIDAS}CurrentFamilyName")),
        Some(civitas::demo::population()[0].family_name.as_str())
    );
    assert!(first.attribute(&format!("{EIDAS}DateOfBirth")).is_some());
    assert!(
        first
            .attribute("urn:oid:0.9.2342.19200300.100.1.3")
            .is_none(),
        "nothing the SP did not ask for: {:?}",
        first.attributes
    );

    // HTTP-POST: consent is remembered, the answer comes at once, with the same NameID.
    let out = sp
        .login(Binding::Post, &LoginOptions::default())
        .await
        .expect("login");
    let form = sign_in(&app, &browser, out.request(&browser).await).await;
    let second = sp.acs(Some(&out.request_id), &form).await.expect("acs");
    assert!(second.is_valid(), "python3-saml refused: {second:?}");
    assert_eq!(
        second.nameid, first.nameid,
        "one SP always gets the same NameID"
    );
    assert_ne!(
        second.nameid.as_deref(),
        Some(person.as_str()),
        "the NameID is pairwise, not the internal id"
    );
    // The answer is single-use: python3-saml refuses it for another request.
    let replay = sp
        .acs(Some(&first.response_id.clone().unwrap_or_default()), &form)
        .await;
    assert!(!replay.expect("acs").is_valid());

    // The release is in the citizen's history, channel SAML, with the attributes' names.
    let csv = browser
        .get(app.url("/account/releases.csv"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let saml_rows: Vec<&str> = csv
        .lines()
        .filter(|l| l.contains("SAML") || l.contains(",saml,"))
        .collect();
    assert_eq!(saml_rows.len(), 2, "{csv}");
    assert!(
        saml_rows[0].contains("FamilyName") && saml_rows[0].contains("DateOfBirth"),
        "{csv}"
    );
    assert!(saml_rows[0].contains("Tax and Customs Board"), "{csv}");
    let verify = db.civitas(&["ledger", "verify"]);
    assert!(
        verify.status.success(),
        "ledger verify: {}{}",
        String::from_utf8_lossy(&verify.stdout),
        String::from_utf8_lossy(&verify.stderr)
    );

    // Single logout over HTTP-Redirect: a signed LogoutResponse, and the session is over.
    let out = sp
        .logout(Binding::Redirect, &LogoutOptions::for_session(&second))
        .await
        .expect("logout");
    let answer = out.request(&browser).await;
    let message = SlsMessage::from_response(answer)
        .await
        .expect("LogoutResponse");
    let done = sp.sls(&out.request_id, &message).await.expect("sls");
    assert!(done.is_success(), "python3-saml refused: {done:?}");
    let account = browser.get(app.url("/account")).send().await.unwrap();
    assert!(
        account.status().is_redirection(),
        "signed out: /account sends to sign-in"
    );
    assert!(
        civitas::store::sessions::find_sessions_of_person(
            &app.state.db,
            &person,
            app.state.clock.now()
        )
        .await
        .unwrap()
        .iter()
        .all(|s| s.sid.as_deref() != Some(who.sid.as_str())),
        "the session row is gone"
    );
    app.stop().await;
}

#[tokio::test]
async fn a_python_sp_signs_a_citizen_in_and_out_on_sqlite() {
    a_python_sp_signs_a_citizen_in_and_out(TestDb::sqlite()).await;
}

#[tokio::test]
async fn a_python_sp_signs_a_citizen_in_and_out_on_postgres() {
    if let Some(db) = TestDb::postgres().await {
        a_python_sp_signs_a_citizen_in_and_out(db).await;
    }
}

/// An SP that wants encrypted assertions and logs out over HTTP-POST; a second SP gets
/// another NameID for the same citizen.
#[tokio::test]
async fn encrypted_assertions_post_logout_and_pairwise_name_ids() {
    let Some(python) = saml_sp::python() else {
        return;
    };
    let db = TestDb::sqlite();
    let app = TestApp::spawn(&db).await;
    let person = seeded_person(&app).await;
    let attributes = vec![wanted(
        &format!("{EIDAS}CurrentGivenName"),
        "FirstName",
        true,
    )];
    let bank = registered_sp(
        &app,
        &db,
        &python,
        "https://bank.example.test",
        SpOptions {
            encrypt: true,
            sls_binding: Binding::Post,
            requested_attributes: attributes.clone(),
            ..SpOptions::default()
        },
        &["--encrypt"],
    )
    .await;
    let agency = registered_sp(
        &app,
        &db,
        &python,
        "https://agency.example.test",
        SpOptions {
            requested_attributes: attributes,
            ..SpOptions::default()
        },
        &[],
    )
    .await;
    let (browser, _) = signed_in_browser(&app, &person, "urn:civitas:loa:substantial").await;

    let out = bank
        .login(Binding::Redirect, &LoginOptions::default())
        .await
        .unwrap();
    let form = sign_in(&app, &browser, out.request(&browser).await).await;
    let at_bank = bank.acs(Some(&out.request_id), &form).await.unwrap();
    assert!(at_bank.is_valid(), "python3-saml refused: {at_bank:?}");
    assert_eq!(
        at_bank.assertion_encrypted,
        Some(true),
        "the assertion came encrypted"
    );
    assert!(
        !form.field("SAMLResponse").unwrap_or_default().is_empty()
            && !saml_sp::decode_post_value(form.field("SAMLResponse").unwrap())
                .unwrap()
                .contains("CurrentGivenName"),
        "no attribute in clear"
    );
    assert!(
        at_bank
            .attribute(&format!("{EIDAS}CurrentGivenName"))
            .is_some()
    );

    let out = agency
        .login(Binding::Post, &LoginOptions::default())
        .await
        .unwrap();
    let form = sign_in(&app, &browser, out.request(&browser).await).await;
    let at_agency = agency.acs(Some(&out.request_id), &form).await.unwrap();
    assert!(at_agency.is_valid(), "python3-saml refused: {at_agency:?}");
    assert!(at_bank.nameid.is_some());
    assert_ne!(at_bank.nameid, at_agency.nameid, "two SPs, two NameIDs");

    // Logout over HTTP-POST: the signed LogoutResponse is posted to the SP.
    let out = bank
        .logout(Binding::Post, &LogoutOptions::for_session(&at_bank))
        .await
        .unwrap();
    let answer = out.request(&browser).await;
    let answer = if answer.status().is_success() {
        // Cross-site POST: bounced through our own origin first.
        let bounce = PostedForm::from_response(answer).await.unwrap();
        assert_eq!(bounce.action, "/saml/slo");
        browser
            .post(app.url("/saml/slo"))
            .header("origin", app.base.clone())
            .form(&bounce.fields)
            .send()
            .await
            .unwrap()
    } else {
        answer
    };
    let message = SlsMessage::from_response(answer)
        .await
        .expect("LogoutResponse");
    let done = bank.sls(&out.request_id, &message).await.unwrap();
    assert!(done.is_success(), "python3-saml refused: {done:?}");
    app.stop().await;
}

fn saml_response_xml(form: &PostedForm) -> String {
    saml_sp::decode_post_value(form.field("SAMLResponse").expect("SAMLResponse")).unwrap()
}

/// A server on SQLite with the demo population and the tax office's python3-saml SP, which
/// asks for one eIDAS attribute; `None` without Python.
async fn tax_office(attribute: &str) -> Option<(TestDb, TestApp, String, Sp)> {
    let python = saml_sp::python()?;
    let db = TestDb::sqlite();
    let app = TestApp::spawn(&db).await;
    let person = seeded_person(&app).await;
    let sp = registered_sp(
        &app,
        &db,
        &python,
        "https://tax.example.test",
        SpOptions {
            requested_attributes: vec![wanted(&format!("{EIDAS}{attribute}"), attribute, true)],
            ..SpOptions::default()
        },
        &[],
    )
    .await;
    Some((db, app, person, sp))
}

/// `ForceAuthn`, `IsPassive` and `RequestedAuthnContext` as python3-saml sends them.
#[tokio::test]
async fn force_authn_is_passive_and_requested_authn_context() {
    let Some((_db, app, person, sp)) = tax_office("CurrentFamilyName").await else {
        return;
    };
    let (browser, _) = signed_in_browser(&app, &person, "urn:civitas:loa:substantial").await;
    let out = sp
        .login(Binding::Redirect, &LoginOptions::default())
        .await
        .unwrap();
    let form = sign_in(&app, &browser, out.request(&browser).await).await;
    assert!(
        sp.acs(Some(&out.request_id), &form)
            .await
            .unwrap()
            .is_valid()
    );

    let sent_to = |response: reqwest::Response| {
        assert!(response.status().is_redirection(), "{response:?}");
        response.headers()["location"].to_str().unwrap().to_owned()
    };
    // ForceAuthn: signed in and consented, yet the citizen signs in again.
    let out = sp
        .login(
            Binding::Redirect,
            &LoginOptions {
                force_authn: true,
                ..LoginOptions::default()
            },
        )
        .await
        .unwrap();
    assert!(sent_to(out.request(&browser).await).starts_with("/signin?continue="));
    // A higher class than the sign-in's: step-up.
    let out = sp
        .login(
            Binding::Post,
            &LoginOptions {
                requested_authn_context: Some(vec!["urn:civitas:loa:high".into()]),
                ..LoginOptions::default()
            },
        )
        .await
        .unwrap();
    let bounce = PostedForm::from_response(out.request(&browser).await)
        .await
        .unwrap();
    let response = browser
        .post(app.url(&bounce.action))
        .header("origin", app.base.clone())
        .form(&bounce.fields)
        .send()
        .await
        .unwrap();
    assert!(sent_to(response).starts_with("/signin?continue="));
    // Only classes Civitas does not know: NoAuthnContext, at the ACS.
    let out = sp
        .login(
            Binding::Redirect,
            &LoginOptions {
                requested_authn_context: Some(vec![
                    "urn:oasis:names:tc:SAML:2.0:ac:classes:Kerberos".into(),
                ]),
                ..LoginOptions::default()
            },
        )
        .await
        .unwrap();
    let form = PostedForm::from_response(out.request(&browser).await)
        .await
        .unwrap();
    assert_eq!(form.action, sp.acs_url);
    assert!(saml_response_xml(&form).contains("status:NoAuthnContext"));
    assert!(
        !sp.acs(Some(&out.request_id), &form)
            .await
            .unwrap()
            .is_valid()
    );
    // IsPassive with nobody signed in: NoPassive, no page.
    let stranger = crate::support::client();
    let out = sp
        .login(
            Binding::Redirect,
            &LoginOptions {
                is_passive: true,
                ..LoginOptions::default()
            },
        )
        .await
        .unwrap();
    let form = PostedForm::from_response(out.request(&stranger).await)
        .await
        .unwrap();
    assert_eq!(form.action, sp.acs_url);
    let xml = saml_response_xml(&form);
    assert!(
        xml.contains("status:Responder") && xml.contains("status:NoPassive"),
        "{xml}"
    );
    let refused = sp.acs(Some(&out.request_id), &form).await.unwrap();
    assert!(!refused.is_valid(), "{refused:?}");
    app.stop().await;
}

/// The metadata lists the next SAML certificate as soon as it is published, before it signs.
#[tokio::test]
async fn metadata_lists_the_next_certificate_during_a_rotation() {
    let db = TestDb::sqlite();
    let app = TestApp::spawn(&db).await;
    let certificates = |xml: &str| xml.matches("<md:KeyDescriptor use=\"signing\">").count();
    let response = app.get("/saml/metadata").await;
    assert_eq!(
        response.headers()["content-type"],
        "application/samlmetadata+xml"
    );
    let before = response.text().await.unwrap();
    assert_eq!(certificates(&before), 1, "{before}");
    let out = db.civitas(&["keys", "rotate", "--alg", "saml-rs256"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    app.state.keys.refresh().await.unwrap();
    let after = app.get("/saml/metadata").await.text().await.unwrap();
    assert_eq!(certificates(&after), 2, "{after}");
    // Still signed by the active key, which did not change.
    let doc = civitas::saml::xml::parse(&after).unwrap();
    let active = app.state.keys.saml_signer().expect("active SAML key");
    let key = civitas::saml::cert::rsa_public_key(&active.certificate).unwrap();
    civitas::saml::dsig::verify_enveloped(doc.root_element(), &[key]).expect("signed");
    app.stop().await;
}

/// Declining at consent answers the SP with a signed `RequestDenied`, nothing released.
#[tokio::test]
async fn a_citizen_who_declines_sends_request_denied() {
    let Some((_db, app, person, sp)) = tax_office("DateOfBirth").await else {
        return;
    };
    let (browser, _) = signed_in_browser(&app, &person, "urn:civitas:loa:substantial").await;
    let out = sp
        .login(Binding::Redirect, &LoginOptions::default())
        .await
        .unwrap();
    let asked = out.request(&browser).await;
    let location = asked.headers()["location"].to_str().unwrap().to_owned();
    let waiting = location
        .strip_prefix("/consent?continue=")
        .expect(&location);
    let answer = browser
        .post(app.url("/consent"))
        .header("origin", app.base.clone())
        .form(&[("continue", waiting), ("decision", "deny")])
        .send()
        .await
        .unwrap();
    let form = PostedForm::from_response(answer).await.unwrap();
    assert_eq!(form.action, sp.acs_url);
    let xml = saml_response_xml(&form);
    assert!(
        xml.contains("status:RequestDenied") && !xml.contains("Assertion"),
        "{xml}"
    );
    let refused = sp.acs(Some(&out.request_id), &form).await.unwrap();
    assert!(!refused.is_valid());
    let releases =
        civitas::store::releases::find_releases_of_person(&app.state.db, &person, None, None, 10)
            .await
            .unwrap();
    assert!(releases.is_empty(), "nothing released");
    app.stop().await;
}
