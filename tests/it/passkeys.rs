//! Activation and passkeys at protocol level, with webauthn-authenticator-rs' software passkey
//! standing in for the browser's authenticator: activation → passkey registration →
//! usernameless sign-in → an OIDC code flow with the right `acr` and `amr`.

use std::collections::HashMap;

use base64::{Engine, engine::general_purpose::URL_SAFE_NO_PAD as B64};
use serde_json::Value;
use webauthn_authenticator_rs::{
    AuthenticatorBackend, prelude::WebauthnAuthenticator, softpasskey::SoftPasskey,
};
use webauthn_rs_proto::{AllowCredentials, CreationChallengeResponse, RequestChallengeResponse};

use crate::{
    on_both_databases,
    support::{
        TestApp, TestDb, client,
        oidc::{
            REDIRECT, authorize_url, consent, pkce, register, seeded_person, token_request,
            web_client,
        },
    },
};

on_both_databases!(
    a_citizen_activates_creates_a_passkey_and_signs_in_usernameless_to_a_relying_party,
);

struct Citizen {
    national_id: String,
    code: String,
}

async fn citizen(app: &TestApp) -> (String, Citizen) {
    let person = seeded_person(app).await;
    let national_id = civitas::demo::population()[0]
        .national_id
        .as_str()
        .to_owned();
    let code =
        civitas::authn::activation::issue_code(&app.state.db, &national_id, app.state.clock.now())
            .await
            .unwrap();
    (person, Citizen { national_id, code })
}

/// A POST from our own pages (the same-origin check wants an Origin header).
fn from_page(app: &TestApp, browser: &reqwest::Client, path: &str) -> reqwest::RequestBuilder {
    browser
        .post(app.url(path))
        .header("origin", app.base.clone())
}

/// Starts a ceremony from our own page and returns the options the browser would get.
async fn ceremony_options<T: serde::de::DeserializeOwned>(
    app: &TestApp,
    browser: &reqwest::Client,
    path: &str,
) -> T {
    from_page(app, browser, path)
        .json(&serde_json::json!({}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap()
}

fn session_cookie(r: &reqwest::Response) -> Option<String> {
    r.headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|c| c.starts_with("civitas_session="))
        .map(|c| c.split(';').next().unwrap_or_default().to_owned())
}

fn continue_id(location: &str) -> String {
    location.split("continue=").nth(1).unwrap().to_owned()
}

fn jwt_claims(jwt: &str) -> Value {
    serde_json::from_slice(&B64.decode(jwt.split('.').nth(1).unwrap()).unwrap()).unwrap()
}

async fn a_citizen_activates_creates_a_passkey_and_signs_in_usernameless_to_a_relying_party(
    db: TestDb,
) {
    let app = TestApp::spawn(&db).await;
    let origin = url::Url::parse(&app.base).unwrap();
    let (person, c) = citizen(&app).await;
    let (client_id, secret) = register(&app, web_client("Tax Board")).await;
    consent(&app, &person, &client_id, "openid profile").await;

    // The relying party sends the browser to Civitas; nobody is signed in.
    let browser = client();
    let (verifier, challenge) = pkce();
    let r = browser
        .get(authorize_url(&app, &client_id, &challenge, &[]))
        .send()
        .await
        .unwrap();
    let location = r.headers()["location"].to_str().unwrap().to_owned();
    assert!(location.starts_with("/signin?continue="), "{location}");
    let waiting = continue_id(&location);
    let page = browser
        .get(app.url(&location))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(page.contains("data-passkey=\"signin\"") && page.contains("/activate?continue="));
    assert!(
        page.contains(&format!(
            r#"name="next" value="/signin?continue={waiting}""#
        )),
        "switching language keeps the citizen's place"
    );

    // Activation with national ID and code.
    let r = from_page(&app, &browser, "/activate")
        .form(&[
            ("national_id", c.national_id.as_str()),
            ("code", c.code.as_str()),
            ("continue", waiting.as_str()),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 303);
    assert_eq!(
        r.headers()["location"],
        format!("/activate/passkey?continue={waiting}")
    );

    // The first passkey.
    let mut authenticator = SoftPasskey::new(true);
    let options: CreationChallengeResponse =
        ceremony_options(&app, &browser, "/passkeys/register/start").await;
    let selection = options.public_key.authenticator_selection.as_ref().unwrap();
    assert_eq!(
        serde_json::to_value(selection.resident_key).unwrap(),
        "required",
        "a discoverable credential, for usernameless sign-in"
    );
    let credential = authenticator
        .do_registration(origin.clone(), options)
        .unwrap();
    let r = from_page(&app, &browser, "/passkeys/register/finish")
        .json(&credential)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let done: Value = r.json().await.unwrap();
    assert_eq!(
        done["redirect"],
        format!("/recovery-codes?continue={waiting}")
    );

    // The activation code was spent with the passkey it let in.
    let replay = from_page(&app, &client(), "/activate")
        .form(&[
            ("national_id", c.national_id.as_str()),
            ("code", c.code.as_str()),
            ("continue", ""),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(replay.status(), 422, "an activation code works once");

    // A new identity is offered recovery codes; the citizen makes them.
    let r = from_page(&app, &browser, "/recovery-codes")
        .form(&[("continue", waiting.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let page = r.text().await.unwrap();
    let recovery_codes: Vec<String> = page
        .split("<code>")
        .skip(1)
        .map(|p| p.split("</code>").next().unwrap().to_owned())
        .collect();
    assert_eq!(recovery_codes.len(), 10);
    assert!(page.contains(&format!("/authorize/resume?continue={waiting}")));

    // Back to the relying party with a code: activation ends signed in.
    let r = browser
        .get(app.url(&format!("/authorize/resume?continue={waiting}")))
        .send()
        .await
        .unwrap();
    let back = url::Url::parse(r.headers()["location"].to_str().unwrap()).unwrap();
    let q: HashMap<String, String> = back.query_pairs().into_owned().collect();
    let form = [
        ("grant_type", "authorization_code"),
        ("code", &q["code"]),
        ("redirect_uri", REDIRECT),
        ("code_verifier", &verifier),
    ];
    let (status, tokens) = token_request(&app, &client_id, secret.as_deref().unwrap(), &form).await;
    assert_eq!(status, 200, "{tokens}");
    let claims = jwt_claims(tokens["id_token"].as_str().unwrap());
    assert_eq!(claims["acr"], "urn:civitas:loa:substantial");

    // Another day, another browser: usernameless sign-in with the passkey.
    let browser = client();
    let (verifier, challenge) = pkce();
    let r = browser
        .get(authorize_url(&app, &client_id, &challenge, &[]))
        .send()
        .await
        .unwrap();
    let anonymous_cookie = session_cookie(&r).expect("the waiting request opened a session");
    let waiting = continue_id(r.headers()["location"].to_str().unwrap());
    let mut options: RequestChallengeResponse =
        ceremony_options(&app, &browser, "/passkeys/signin/start").await;
    assert!(
        options.public_key.allow_credentials.is_empty(),
        "usernameless: no account named"
    );
    // The software passkey keeps no resident keys: hand it the id a browser would discover,
    // and put back the user handle a discoverable credential returns.
    let account = civitas::store::accounts::find_account_by_person(&app.state.db, &person)
        .await
        .unwrap()
        .unwrap();
    let stored = civitas::store::accounts::find_passkeys_of_account(&app.state.db, &account.id)
        .await
        .unwrap();
    options.public_key.allow_credentials.push(AllowCredentials {
        type_: "public-key".into(),
        id: B64.decode(&stored[0].credential_id).unwrap(),
        transports: None,
    });
    let mut assertion = authenticator
        .do_authentication(origin.clone(), options)
        .unwrap();
    assertion.response.user_handle = Some(
        uuid::Uuid::parse_str(&account.id)
            .unwrap()
            .as_bytes()
            .to_vec(),
    );
    let r = from_page(
        &app,
        &browser,
        &format!("/passkeys/signin/finish?continue={waiting}"),
    )
    .json(&assertion)
    .send()
    .await
    .unwrap();
    assert_eq!(r.status(), 200);
    let signed_in_cookie = session_cookie(&r).expect("a new session id at sign-in");
    assert_ne!(
        signed_in_cookie, anonymous_cookie,
        "the session id changes at sign-in (no fixation)"
    );
    let done: Value = r.json().await.unwrap();
    let r = browser
        .get(app.url(done["redirect"].as_str().unwrap()))
        .send()
        .await
        .unwrap();
    let back = url::Url::parse(r.headers()["location"].to_str().unwrap()).unwrap();
    let q: HashMap<String, String> = back.query_pairs().into_owned().collect();
    let form = [
        ("grant_type", "authorization_code"),
        ("code", &q["code"]),
        ("redirect_uri", REDIRECT),
        ("code_verifier", &verifier),
    ];
    let (status, tokens) = token_request(&app, &client_id, secret.as_deref().unwrap(), &form).await;
    assert_eq!(status, 200, "{tokens}");
    let claims = jwt_claims(tokens["id_token"].as_str().unwrap());
    assert_eq!(claims["acr"], "urn:civitas:loa:substantial");
    assert_eq!(claims["amr"], serde_json::json!(["hwk", "mfa"]));
    let stored = civitas::store::accounts::find_passkeys_of_account(&app.state.db, &account.id)
        .await
        .unwrap();
    assert!(stored[0].sign_count > 0, "the sign counter is kept");

    // Every passkey lost: a recovery code (once) lets the citizen register a new one.
    let browser = client();
    let recover = |code: String| {
        from_page(&app, &browser, "/recover")
            .form(&[("national_id", c.national_id.clone()), ("code", code)])
            .send()
    };
    assert_eq!(recover("AAAAA-AAAAA".into()).await.unwrap().status(), 422);
    let r = recover(recovery_codes[3].to_lowercase()).await.unwrap();
    assert_eq!(r.status(), 303);
    assert_eq!(r.headers()["location"], "/activate/passkey");
    let mut new_device = SoftPasskey::new(true);
    let options: CreationChallengeResponse =
        ceremony_options(&app, &browser, "/passkeys/register/start").await;
    assert_eq!(
        options
            .public_key
            .exclude_credentials
            .as_ref()
            .map(Vec::len),
        Some(1),
        "the old passkey is excluded"
    );
    let credential = new_device.do_registration(origin.clone(), options).unwrap();
    let r = from_page(&app, &browser, "/passkeys/register/finish")
        .json(&credential)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let stored = civitas::store::accounts::find_passkeys_of_account(&app.state.db, &account.id)
        .await
        .unwrap();
    assert_eq!(stored.len(), 2, "the same identity, a second passkey");
    assert_eq!(
        recover(recovery_codes[3].clone()).await.unwrap().status(),
        422,
        "a recovery code works once"
    );

    // The citizen's own history has the events.
    let events = civitas::store::accounts::find_security_events(&app.state.db, &person)
        .await
        .unwrap();
    let kinds: Vec<&str> = events.iter().map(|e| e.kind.as_str()).collect();
    for kind in [
        "activation_code_issued",
        "activated",
        "passkey_added",
        "signed_in",
        "recovery_codes_created",
        "recovery_code_used",
    ] {
        assert!(kinds.contains(&kind), "{kind} missing from {kinds:?}");
    }
    app.stop().await;
}

#[tokio::test]
async fn activation_never_tells_whether_a_national_id_exists_and_a_stranger_cannot_lock_the_citizen_out()
 {
    let db = TestDb::sqlite();
    // Behind a trusted proxy, so the test can speak from two addresses.
    let app = TestApp::spawn_with(&db, |f| f.merge(("http.trusted_proxies", ["127.0.0.1"]))).await;
    let (_, c) = citizen(&app).await;
    let attempt = |from: &'static str, national_id: String, code: String| {
        client()
            .post(app.url("/activate"))
            .header("origin", app.base.clone())
            .header("x-forwarded-for", from)
            .form(&[
                ("national_id", national_id),
                ("code", code),
                ("continue", String::new()),
            ])
            .send()
    };
    let stranger = "203.0.113.9";
    let wrong = || "AAAA-AAAA-AAAA-AAAA".to_owned();
    let r = attempt(stranger, c.national_id.clone(), wrong())
        .await
        .unwrap();
    assert_eq!(r.status(), 422);
    let wrong_code = r.text().await.unwrap();
    let unknown = attempt(stranger, "1234567897".into(), wrong())
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        wrong_code.contains("do not match") && unknown.contains("do not match"),
        "the same answer"
    );
    for _ in 0..4 {
        attempt(stranger, c.national_id.clone(), wrong())
            .await
            .unwrap();
    }
    // The sixth failure for the national ID locks it against wrong codes, and says when to
    // try again. (The address, shared by many, only has a flood ceiling.)
    let locked = attempt(stranger, c.national_id.clone(), wrong())
        .await
        .unwrap();
    assert_eq!(locked.status(), 429);
    assert!(locked.headers().contains_key("retry-after"));
    // The lock refuses wrong codes only: the right code passes even from that address (a
    // citizen behind the same carrier NAT as the stranger).
    assert_eq!(
        attempt(stranger, c.national_id.clone(), wrong())
            .await
            .unwrap()
            .status(),
        429
    );
    assert_eq!(
        attempt(stranger, c.national_id.clone(), c.code.clone())
            .await
            .unwrap()
            .status(),
        303
    );
    // The citizen, from home, with the right code, is not locked out.
    let r = attempt("198.51.100.7", c.national_id.clone(), c.code.clone())
        .await
        .unwrap();
    assert_eq!(r.status(), 303);
    app.stop().await;
}

#[tokio::test]
async fn a_passkey_made_for_another_origin_is_refused() {
    let db = TestDb::sqlite();
    let app = TestApp::spawn(&db).await;
    let (_, c) = citizen(&app).await;
    let browser = client();
    from_page(&app, &browser, "/activate")
        .form(&[
            ("national_id", c.national_id.as_str()),
            ("code", c.code.as_str()),
            ("continue", ""),
        ])
        .send()
        .await
        .unwrap();
    let options: CreationChallengeResponse =
        ceremony_options(&app, &browser, "/passkeys/register/start").await;
    // A phishing page on a look-alike host relays the ceremony.
    let port = url::Url::parse(&app.base).unwrap().port().unwrap();
    let look_alike = url::Url::parse(&format!("http://badlocalhost:{port}")).unwrap();
    let mut authenticator = SoftPasskey::new(true);
    let credential = authenticator
        .perform_register(look_alike.clone(), options.public_key, 60_000)
        .unwrap();
    let r = from_page(&app, &browser, "/passkeys/register/finish")
        .json(&credential)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 400);
    assert!(
        civitas::store::accounts::find_account_by_person(&app.state.db, &seeded_person(&app).await)
            .await
            .unwrap()
            .is_none()
    );

    // The real origin registers; a look-alike page relaying a sign-in is refused too.
    let origin = url::Url::parse(&app.base).unwrap();
    let options: CreationChallengeResponse =
        ceremony_options(&app, &browser, "/passkeys/register/start").await;
    let credential = authenticator
        .do_registration(origin.clone(), options)
        .unwrap();
    let r = from_page(&app, &browser, "/passkeys/register/finish")
        .json(&credential)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let person = seeded_person(&app).await;
    let account = civitas::store::accounts::find_account_by_person(&app.state.db, &person)
        .await
        .unwrap()
        .unwrap();
    let stored = civitas::store::accounts::find_passkeys_of_account(&app.state.db, &account.id)
        .await
        .unwrap();
    let phished = client();
    let mut options: RequestChallengeResponse =
        ceremony_options(&app, &phished, "/passkeys/signin/start").await;
    options.public_key.allow_credentials.push(AllowCredentials {
        type_: "public-key".into(),
        id: B64.decode(&stored[0].credential_id).unwrap(),
        transports: None,
    });
    let mut assertion = authenticator
        .perform_auth(look_alike.clone(), options.public_key, 60_000)
        .unwrap();
    assertion.response.user_handle = Some(
        uuid::Uuid::parse_str(&account.id)
            .unwrap()
            .as_bytes()
            .to_vec(),
    );
    let r = from_page(&app, &phished, "/passkeys/signin/finish")
        .json(&assertion)
        .send()
        .await
        .unwrap();
    assert_eq!(
        r.status(),
        400,
        "an assertion made for another origin does not sign in"
    );
    app.stop().await;
}

#[tokio::test]
async fn an_attested_security_key_on_the_allow_list_gives_high_assurance() {
    use crypto_glue::traits::{EncodePem, LineEndingPem};
    use webauthn_authenticator_rs::softtoken::{AAGUID, SoftToken};

    let (mut token, ca) = SoftToken::new(true).unwrap();
    let db = TestDb::sqlite();
    let ca_file = db.dir.path().join("vendor-ca.pem");
    std::fs::write(&ca_file, ca.to_pem(LineEndingPem::LF).unwrap()).unwrap();
    let device = serde_json::json!([{
        "ca_file": ca_file.display().to_string(),
        "aaguid": AAGUID.to_string(),
        "name": "Certified key"
    }]);
    let app = TestApp::spawn_with(&db, |f| f.merge(("passkeys.high_assurance", device))).await;
    let origin = url::Url::parse(&app.base).unwrap();
    let (person, c) = citizen(&app).await;
    let (client_id, secret) = register(&app, web_client("Land Registry")).await;
    consent(&app, &person, &client_id, "openid profile").await;

    // The service needs the highest level.
    let browser = client();
    let (verifier, challenge) = pkce();
    let r = browser
        .get(authorize_url(
            &app,
            &client_id,
            &challenge,
            &[("acr_values", "urn:civitas:loa:high")],
        ))
        .send()
        .await
        .unwrap();
    let waiting = continue_id(r.headers()["location"].to_str().unwrap());
    from_page(&app, &browser, "/activate")
        .form(&[
            ("national_id", c.national_id.as_str()),
            ("code", c.code.as_str()),
            ("continue", waiting.as_str()),
        ])
        .send()
        .await
        .unwrap();
    let page = browser
        .get(app.url(&format!("/activate/passkey?continue={waiting}")))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        page.contains("data-high=\"1\""),
        "the certified-key option is offered"
    );

    // An ordinary passkey cannot pass for a certified key.
    let options: CreationChallengeResponse =
        ceremony_options(&app, &browser, "/passkeys/register/start?high=1").await;
    let mut ordinary = SoftPasskey::new(true);
    let credential = ordinary.do_registration(origin.clone(), options).unwrap();
    let r = from_page(&app, &browser, "/passkeys/register/finish")
        .json(&credential)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 400);

    // The certified key can.
    let options: CreationChallengeResponse =
        ceremony_options(&app, &browser, "/passkeys/register/start?high=1").await;
    let credential = token.do_registration(origin.clone(), options).unwrap();
    let r = from_page(&app, &browser, "/passkeys/register/finish")
        .json(&credential)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200, "{}", r.text().await.unwrap_or_default());
    let account = civitas::store::accounts::find_account_by_person(&app.state.db, &person)
        .await
        .unwrap()
        .unwrap();
    let stored = civitas::store::accounts::find_passkeys_of_account(&app.state.db, &account.id)
        .await
        .unwrap();
    assert_eq!(stored[0].kind, "attested");
    assert_eq!(
        stored[0].aaguid.as_deref(),
        Some(AAGUID.to_string().as_str())
    );

    // Back at the service: assurance high.
    let r = browser
        .get(app.url(&format!("/authorize/resume?continue={waiting}")))
        .send()
        .await
        .unwrap();
    let back = url::Url::parse(r.headers()["location"].to_str().unwrap()).unwrap();
    let q: HashMap<String, String> = back.query_pairs().into_owned().collect();
    let form = [
        ("grant_type", "authorization_code"),
        ("code", &q["code"]),
        ("redirect_uri", REDIRECT),
        ("code_verifier", &verifier),
    ];
    let (status, tokens) = token_request(&app, &client_id, secret.as_deref().unwrap(), &form).await;
    assert_eq!(status, 200, "{tokens}");
    assert_eq!(
        jwt_claims(tokens["id_token"].as_str().unwrap())["acr"],
        "urn:civitas:loa:high"
    );

    // Signing in later with the certified key gives high again.
    let browser = client();
    let mut options: RequestChallengeResponse =
        ceremony_options(&app, &browser, "/passkeys/signin/start").await;
    options.public_key.allow_credentials.push(AllowCredentials {
        type_: "public-key".into(),
        id: B64.decode(&stored[0].credential_id).unwrap(),
        transports: None,
    });
    let mut assertion = token.do_authentication(origin, options).unwrap();
    assertion.response.user_handle = Some(
        uuid::Uuid::parse_str(&account.id)
            .unwrap()
            .as_bytes()
            .to_vec(),
    );
    let r = from_page(&app, &browser, "/passkeys/signin/finish")
        .json(&assertion)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200, "{}", r.text().await.unwrap_or_default());
    let (verifier, challenge) = pkce();
    let q = crate::support::oidc::redirect_query(
        &browser,
        &authorize_url(
            &app,
            &client_id,
            &challenge,
            &[("acr_values", "urn:civitas:loa:high")],
        ),
    )
    .await;
    let form = [
        ("grant_type", "authorization_code"),
        ("code", &q["code"]),
        ("redirect_uri", REDIRECT),
        ("code_verifier", &verifier),
    ];
    let (_, tokens) = token_request(&app, &client_id, secret.as_deref().unwrap(), &form).await;
    assert_eq!(
        jwt_claims(tokens["id_token"].as_str().unwrap())["acr"],
        "urn:civitas:loa:high"
    );
    app.stop().await;
}

/// A citizen who activated their identity with a passkey held by a software authenticator.
struct Holder {
    /// The browser that activated, signed in since.
    browser: reqwest::Client,
    national_id: String,
    account_id: String,
    credential_id: Vec<u8>,
    authenticator: SoftPasskey,
    origin: url::Url,
}

async fn activated(app: &TestApp) -> Holder {
    let origin = url::Url::parse(&app.base).unwrap();
    let (person, c) = citizen(app).await;
    let browser = client();
    let r = from_page(app, &browser, "/activate")
        .form(&[
            ("national_id", c.national_id.as_str()),
            ("code", c.code.as_str()),
            ("continue", ""),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 303);
    let mut authenticator = SoftPasskey::new(true);
    let options: CreationChallengeResponse =
        ceremony_options(app, &browser, "/passkeys/register/start").await;
    let credential = authenticator
        .do_registration(origin.clone(), options)
        .unwrap();
    let r = from_page(app, &browser, "/passkeys/register/finish")
        .json(&credential)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let account = civitas::store::accounts::find_account_by_person(&app.state.db, &person)
        .await
        .unwrap()
        .unwrap();
    let stored = civitas::store::accounts::find_passkeys_of_account(&app.state.db, &account.id)
        .await
        .unwrap();
    Holder {
        browser,
        national_id: c.national_id,
        account_id: account.id,
        credential_id: B64.decode(&stored[0].credential_id).unwrap(),
        authenticator,
        origin,
    }
}

/// The holder's signed answer to a ceremony `browser` starts now.
async fn assertion(
    browser: &reqwest::RequestBuilder,
    holder: &mut Holder,
) -> webauthn_rs_proto::PublicKeyCredential {
    let mut options: RequestChallengeResponse = browser
        .try_clone()
        .unwrap()
        .json(&serde_json::json!({}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    options.public_key.allow_credentials.push(AllowCredentials {
        type_: "public-key".into(),
        id: holder.credential_id.clone(),
        transports: None,
    });
    let mut a = holder
        .authenticator
        .do_authentication(holder.origin.clone(), options)
        .unwrap();
    a.response.user_handle = Some(
        uuid::Uuid::parse_str(&holder.account_id)
            .unwrap()
            .as_bytes()
            .to_vec(),
    );
    a
}

#[tokio::test]
async fn a_strangers_failed_assertions_never_lock_a_citizens_passkey_out_of_their_address() {
    let db = TestDb::sqlite();
    // Behind a trusted proxy: the stranger and the citizen share one public address (a
    // carrier NAT, an office).
    let app = TestApp::spawn_with(&db, |f| f.merge(("http.trusted_proxies", ["127.0.0.1"]))).await;
    let mut holder = activated(&app).await;
    let shared = "198.51.100.20";
    let post = |browser: &reqwest::Client, path: &str| {
        from_page(&app, browser, path).header("x-forwarded-for", shared)
    };
    let stranger = client();
    let finish = |browser: &reqwest::Client, a: &webauthn_rs_proto::PublicKeyCredential| {
        post(browser, "/passkeys/signin/finish").json(a).send()
    };

    // The stranger floods: assertions for the citizen's credential with a broken signature,
    // and assertions of a credential nobody registered, each answering a live ceremony.
    let mut statuses = vec![];
    for i in 0..60 {
        let mut a = assertion(&post(&stranger, "/passkeys/signin/start"), &mut holder).await;
        if i % 2 == 0 {
            let last = a.response.signature.len() - 1;
            a.response.signature[last] ^= 0x55;
        } else {
            a.id = B64.encode([7u8; 16]);
            a.raw_id = vec![7u8; 16];
        }
        statuses.push(finish(&stranger, &a).await.unwrap().status().as_u16());
    }
    assert!(statuses[..5].iter().all(|s| *s == 400), "{statuses:?}");
    assert_eq!(
        statuses.last(),
        Some(&429),
        "the flood ceiling answers the stranger: {statuses:?}"
    );

    // The citizen, from the same address, signs in at once with their passkey.
    let citizen = client();
    let a = assertion(&post(&citizen, "/passkeys/signin/start"), &mut holder).await;
    let r = finish(&citizen, &a).await.unwrap();
    assert_eq!(r.status(), 200, "{}", r.text().await.unwrap_or_default());

    // The same assertion again answers no live ceremony: refused before any signature check.
    let r = finish(&citizen, &a).await.unwrap();
    assert_eq!(r.status(), 400);

    // The citizen's success did not reset the ceiling for the stranger.
    let mut a = assertion(&post(&stranger, "/passkeys/signin/start"), &mut holder).await;
    a.response.signature[0] ^= 0x55;
    let r = finish(&stranger, &a).await.unwrap();
    assert_eq!(r.status(), 429);
    assert!(
        r.text().await.unwrap().contains("Try again in"),
        "says when to try again"
    );
    app.stop().await;
}

#[tokio::test]
async fn two_passkey_sign_ins_at_once_in_one_session_both_work() {
    let db = TestDb::sqlite();
    let app = TestApp::spawn(&db).await;
    let mut holder = activated(&app).await;
    let browser = client();
    // Two tabs start a ceremony each, then the first one finishes.
    let first = assertion(
        &from_page(&app, &browser, "/passkeys/signin/start"),
        &mut holder,
    )
    .await;
    let second = assertion(
        &from_page(&app, &browser, "/passkeys/signin/start"),
        &mut holder,
    )
    .await;
    let r = from_page(&app, &browser, "/passkeys/signin/finish")
        .json(&first)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200, "{}", r.text().await.unwrap_or_default());
    let r = from_page(&app, &browser, "/passkeys/signin/finish")
        .json(&second)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200, "{}", r.text().await.unwrap_or_default());
    app.stop().await;
}

#[tokio::test]
async fn a_recovery_attempt_costs_one_hash_check_at_most() {
    let db = TestDb::sqlite();
    let app = TestApp::spawn(&db).await;
    let holder = activated(&app).await;
    let page = from_page(&app, &holder.browser, "/recovery-codes")
        .form(&[("continue", "")])
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let codes: Vec<String> = page
        .split("<code>")
        .skip(1)
        .map(|p| p.split("</code>").next().unwrap().to_owned())
        .collect();
    assert_eq!(codes.len(), 10);
    let checks = || app.state.metrics.recovery_hash_checks.get();
    let recover = |code: String| {
        from_page(&app, &client(), "/recover")
            .form(&[("national_id", holder.national_id.clone()), ("code", code)])
            .send()
    };

    // A made-up code finds no row: no argon2id at all.
    assert_eq!(
        recover("ZZZZ-AAAAA-AAAAA".into()).await.unwrap().status(),
        422
    );
    assert_eq!(checks(), 0);
    // A code with a real lookup part but a wrong secret: one check, not ten.
    let wrong = format!("{}-AAAAA-AAAAA", &codes[9][..4]);
    assert_eq!(recover(wrong).await.unwrap().status(), 422);
    assert_eq!(checks(), 1);
    // The right one (typed in lower case without dashes): one more check, and it works.
    let typed = codes[9].replace('-', "").to_lowercase();
    assert_eq!(recover(typed).await.unwrap().status(), 303);
    assert_eq!(checks(), 2);
    app.stop().await;
}
