//! OIDC Core §11 offline access: the registered grant types decide whether a client gets
//! refresh tokens at all; without `offline_access` a refresh token ends with the citizen's
//! sign-in session, with it it lives its 30 days; the consent page says so in plain words.

use openidconnect::{
    AuthenticationFlow, AuthorizationCode, ClientId, ClientSecret, CsrfToken, Nonce,
    OAuth2TokenResponse, PkceCodeChallenge, RedirectUrl, Scope,
    core::{CoreClient, CoreResponseType},
};

use crate::{
    oidc_flow::{discover, rp_http},
    on_both_databases,
    support::{
        TestApp, TestDb,
        oidc::{
            REDIRECT, consent, get_code, pkce, redirect_query, register, seeded_person,
            signed_in_browser, token_request, web_client,
        },
    },
};

on_both_databases!(
    a_relying_party_librarys_offline_access_request_gets_a_refresh_token_that_outlives_the_session,
    without_offline_access_the_refresh_token_ends_with_the_session,
    a_client_without_the_refresh_grant_gets_no_refresh_token,
);

/// Signs out the browser's session the way the citizen does: the sign-out form.
async fn sign_out(app: &TestApp, browser: &reqwest::Client) {
    let r = browser
        .post(app.url("/signout"))
        .header("origin", app.base.clone())
        .send()
        .await
        .unwrap();
    assert!(r.status().is_redirection(), "{}", r.status());
}

async fn refresh(
    app: &TestApp,
    client_id: &str,
    secret: &str,
    token: &str,
) -> (u16, serde_json::Value) {
    token_request(
        app,
        client_id,
        secret,
        &[("grant_type", "refresh_token"), ("refresh_token", token)],
    )
    .await
}

async fn introspect(app: &TestApp, client_id: &str, secret: &str, token: &str) -> bool {
    let r: serde_json::Value = app
        .client
        .post(app.url("/introspect"))
        .basic_auth(client_id, Some(secret))
        .form(&[("token", token)])
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    r["active"].as_bool().unwrap()
}

async fn a_relying_party_librarys_offline_access_request_gets_a_refresh_token_that_outlives_the_session(
    db: TestDb,
) {
    let app = TestApp::spawn(&db).await;
    let person = seeded_person(&app).await;
    let (client_id, secret) = register(&app, web_client("Tax Board")).await;
    let secret = secret.unwrap();
    let (browser, _) = signed_in_browser(&app, &person, "urn:civitas:loa:substantial").await;

    // The library's request: openid (always) and offline_access, PKCE S256.
    let http = rp_http();
    let client = CoreClient::from_provider_metadata(
        discover(&app).await,
        ClientId::new(client_id.clone()),
        Some(ClientSecret::new(secret.clone())),
    )
    .set_redirect_uri(RedirectUrl::new(REDIRECT.into()).unwrap());
    let (challenge, verifier) = PkceCodeChallenge::new_random_sha256();
    let (auth_url, _, _) = client
        .authorize_url(
            AuthenticationFlow::<CoreResponseType>::AuthorizationCode,
            CsrfToken::new_random,
            Nonce::new_random,
        )
        .add_scope(Scope::new("offline_access".into()))
        .set_pkce_challenge(challenge)
        .url();

    // Consent is asked, and the page says in plain words what offline access means.
    let r = browser.get(auth_url.as_str()).send().await.unwrap();
    let location = r.headers()["location"].to_str().unwrap().to_owned();
    assert!(location.starts_with("/consent?continue="), "{location}");
    let page = browser
        .get(app.url(&location))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        page.contains(
            "<strong>Tax Board</strong> can keep getting these details while you are not using it, until you stop sharing in your account."
        ),
        "the consent page explains offline access"
    );
    let waiting = location.split("continue=").nth(1).unwrap();
    let r = browser
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
    let answer = redirect_query(
        &browser,
        &app.url(r.headers()["location"].to_str().unwrap()),
    )
    .await;
    let tokens = client
        .exchange_code(AuthorizationCode::new(answer["code"].clone()))
        .unwrap()
        .set_pkce_verifier(verifier)
        .request_async(&http)
        .await
        .expect("token exchange");
    let scopes: Vec<_> = tokens
        .scopes()
        .unwrap()
        .iter()
        .map(|s| s.as_str())
        .collect();
    assert!(scopes.contains(&"offline_access"), "{scopes:?}");
    let refresh_token = tokens.refresh_token().expect("a refresh token").secret();

    // The citizen signs out: the offline refresh token still works, and rotates.
    sign_out(&app, &browser).await;
    let (status, body) = refresh(&app, &client_id, &secret, refresh_token).await;
    assert_eq!(status, 200, "{body}");
    let next = body["refresh_token"].as_str().unwrap().to_owned();
    assert!(introspect(&app, &client_id, &secret, &next).await);
    // ... for its 30 days from the sign-in, not one day more.
    app.clock.advance(30 * 86_400 + 1);
    let (status, body) = refresh(&app, &client_id, &secret, &next).await;
    assert_eq!(
        (status, body["error"].as_str()),
        (400, Some("invalid_grant"))
    );
    app.stop().await;
}

async fn without_offline_access_the_refresh_token_ends_with_the_session(db: TestDb) {
    let app = TestApp::spawn(&db).await;
    let person = seeded_person(&app).await;
    let (client_id, secret) = register(&app, web_client("Tax Board")).await;
    let secret = secret.unwrap();
    consent(&app, &person, &client_id, "openid profile").await;
    let (verifier, challenge) = pkce();

    let tokens = |browser: reqwest::Client| {
        let (app, client_id, secret, challenge, verifier) =
            (&app, &client_id, &secret, &challenge, &verifier);
        async move {
            let code = get_code(app, &browser, client_id, challenge).await;
            let (status, body) = token_request(
                app,
                client_id,
                secret,
                &[
                    ("grant_type", "authorization_code"),
                    ("code", &code),
                    ("redirect_uri", REDIRECT),
                    ("code_verifier", verifier),
                ],
            )
            .await;
            assert_eq!(status, 200, "{body}");
            assert_eq!(body["scope"], "openid profile");
            body["refresh_token"].as_str().unwrap().to_owned()
        }
    };

    // While the session lasts, the refresh token works.
    let (browser, _) = signed_in_browser(&app, &person, "urn:civitas:loa:substantial").await;
    let token = tokens(browser.clone()).await;
    let (status, body) = refresh(&app, &client_id, &secret, &token).await;
    assert_eq!(status, 200, "{body}");
    let token = body["refresh_token"].as_str().unwrap().to_owned();

    // Signing out ends it: refused, and introspection says inactive.
    sign_out(&app, &browser).await;
    assert!(!introspect(&app, &client_id, &secret, &token).await);
    let (status, body) = refresh(&app, &client_id, &secret, &token).await;
    assert_eq!(
        (status, body["error"].as_str()),
        (400, Some("invalid_grant"))
    );
    assert!(
        body["error_description"]
            .as_str()
            .unwrap()
            .contains("session has ended"),
        "{body}"
    );

    // The session's expiry ends it too (idle limit passed without a request).
    let (browser, _) = signed_in_browser(&app, &person, "urn:civitas:loa:substantial").await;
    let token = tokens(browser).await;
    app.clock.advance(2 * 3600);
    let (status, _) = refresh(&app, &client_id, &secret, &token).await;
    assert_eq!(status, 400, "the session has expired");

    // "Sign out everywhere" from the account page ends it as well.
    let (browser, _) = signed_in_browser(&app, &person, "urn:civitas:loa:substantial").await;
    let token = tokens(browser.clone()).await;
    let page = browser
        .get(app.url("/account"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(page.contains(r#"action="/account/sessions/end-all""#));
    let r = browser
        .post(app.url("/account/sessions/end-all"))
        .header("origin", app.base.clone())
        .send()
        .await
        .unwrap();
    assert!(r.status().is_redirection(), "{}", r.status());
    let (status, _) = refresh(&app, &client_id, &secret, &token).await;
    assert_eq!(status, 400, "signed out everywhere");
    let r = browser.get(app.url("/account")).send().await.unwrap();
    assert!(
        r.status().is_redirection(),
        "this browser is signed out too"
    );
    app.stop().await;
}

async fn a_client_without_the_refresh_grant_gets_no_refresh_token(db: TestDb) {
    let app = TestApp::spawn(&db).await;
    let person = seeded_person(&app).await;
    let mut request = web_client("Library");
    request.grant_types = None;
    let (client_id, secret) = register(&app, request).await;
    let secret = secret.unwrap();
    consent(&app, &person, &client_id, "openid profile").await;
    let (browser, _) = signed_in_browser(&app, &person, "urn:civitas:loa:substantial").await;

    // The library's default request with offline_access succeeds: offline_access is ignored.
    let http = rp_http();
    let client = CoreClient::from_provider_metadata(
        discover(&app).await,
        ClientId::new(client_id.clone()),
        Some(ClientSecret::new(secret.clone())),
    )
    .set_redirect_uri(RedirectUrl::new(REDIRECT.into()).unwrap());
    let (challenge, verifier) = PkceCodeChallenge::new_random_sha256();
    let (auth_url, _, _) = client
        .authorize_url(
            AuthenticationFlow::<CoreResponseType>::AuthorizationCode,
            CsrfToken::new_random,
            Nonce::new_random,
        )
        .add_scope(Scope::new("profile".into()))
        .add_scope(Scope::new("offline_access".into()))
        .set_pkce_challenge(challenge)
        .url();
    let answer = redirect_query(&browser, auth_url.as_str()).await;
    let tokens = client
        .exchange_code(AuthorizationCode::new(answer["code"].clone()))
        .unwrap()
        .set_pkce_verifier(verifier)
        .request_async(&http)
        .await
        .expect("token exchange");
    assert!(
        tokens.refresh_token().is_none(),
        "no refresh grant registered"
    );
    let scopes: Vec<_> = tokens
        .scopes()
        .unwrap()
        .iter()
        .map(|s| s.as_str())
        .collect();
    assert!(!scopes.contains(&"offline_access"), "{scopes:?}");

    // Asking for the grant anyway is refused.
    let (status, body) = refresh(&app, &client_id, &secret, "anything").await;
    assert_eq!(
        (status, body["error"].as_str()),
        (400, Some("unauthorized_client"))
    );
    app.stop().await;
}

#[tokio::test]
async fn signing_in_again_in_the_same_session_keeps_its_oidc_session_id() {
    use civitas::web::sessions::{SignedIn, sign_in, signed_in};
    let db = TestDb::sqlite();
    let app = TestApp::spawn(&db).await;
    let store = civitas::web::sessions::DbSessionStore::new(
        app.state.db.clone(),
        app.state.writer.clone(),
        app.state.clock.clone(),
        app.state.config.sessions.idle_timeout,
    );
    let session = tower_sessions::Session::new(None, std::sync::Arc::new(store), None);
    let device = civitas::web::device::Device("Chrome on Linux".into());
    let who = |person: &str, sid: &str| SignedIn {
        person_id: person.into(),
        acr: "urn:civitas:loa:substantial".into(),
        amr: vec!["hwk".into()],
        auth_time: app.state.clock.now(),
        sid: sid.into(),
    };
    let now = app.state.clock.now();
    let sessions = &app.state.config.sessions;
    sign_in(&session, &who("p1", "first"), &device)
        .await
        .unwrap();
    // prompt=login, max_age or a step-up: the same person again keeps the sid, so other
    // services' session-bound refresh tokens live on.
    sign_in(&session, &who("p1", "second"), &device)
        .await
        .unwrap();
    let now_in = signed_in(&session, sessions, now).await.unwrap().unwrap();
    assert_eq!(now_in.sid, "first");
    // Another person in this browser is another OIDC session.
    sign_in(&session, &who("p2", "third"), &device)
        .await
        .unwrap();
    let now_in = signed_in(&session, sessions, now).await.unwrap().unwrap();
    assert_eq!(now_in.sid, "third");
    app.stop().await;
}
