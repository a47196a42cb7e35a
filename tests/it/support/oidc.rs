//! Helpers for protocol tests: a seeded population, registered clients, and a browser that is
//! already signed in. Signing in is the sign-in pages' job; here the session is written
//! straight into the store, which only a test can do.

use std::{collections::HashMap, sync::Arc};

use base64::{Engine, engine::general_purpose::URL_SAFE_NO_PAD as B64};
use civitas::{
    oidc::clients::{self, ClientRequest},
    store::{oauth, persons},
    web::sessions::{DbSessionStore, SignedIn},
};
use sha2::{Digest, Sha256};
use tower_sessions::{session::Record, session_store::SessionStore};

use super::TestApp;

pub const REDIRECT: &str = "https://rp.example.org/callback";

/// The first demo person's internal id, after seeding the demo population.
pub async fn seeded_person(app: &TestApp) -> String {
    let db = &app.state.db;
    civitas::demo::seed(db, app.state.clock.now())
        .await
        .expect("seed");
    let national_id = civitas::demo::population()[0].national_id.clone();
    persons::find_person_by_national_id(db, national_id.as_str())
        .await
        .unwrap()
        .expect("person")
        .id
}

/// Registers a sandbox client (operator rights; the seeded demo persons are test persons) and
/// returns its id and secret.
pub async fn register(app: &TestApp, request: ClientRequest) -> (String, Option<String>) {
    register_in(
        app,
        ClientRequest {
            environment: clients::Environment::Sandbox,
            ..request
        },
    )
    .await
}

/// Registers a client as asked (operator rights), production unless the request says
/// otherwise, and returns its id and secret.
pub async fn register_in(app: &TestApp, request: ClientRequest) -> (String, Option<String>) {
    let valid = clients::validate(&request, true).expect("valid client");
    let created = clients::create(&app.state.db, &valid, app.state.clock.now())
        .await
        .expect("create");
    (created.row.id, created.secret)
}

/// A confidential web client with `client_secret_basic`, ES256 ID tokens, profile and email.
pub fn web_client(name: &str) -> ClientRequest {
    ClientRequest {
        display_name: name.into(),
        purpose: "Testing".into(),
        redirect_uris: vec![REDIRECT.into()],
        post_logout_redirect_uris: vec!["https://rp.example.org/bye".into()],
        scope: Some("profile email".into()),
        grant_types: Some(vec!["authorization_code".into(), "refresh_token".into()]),
        ..Default::default()
    }
}

/// A browser whose session is signed in as `person_id` at `acr`.
pub async fn signed_in_browser(
    app: &TestApp,
    person_id: &str,
    acr: &str,
) -> (reqwest::Client, SignedIn) {
    let who = SignedIn {
        person_id: person_id.to_owned(),
        acr: acr.to_owned(),
        amr: vec!["hwk".into(), "user".into()],
        auth_time: app.state.clock.now(),
        sid: civitas::crypto::secrets::random_token(16),
    };
    let store = DbSessionStore::new(
        app.state.db.clone(),
        app.state.writer.clone(),
        app.state.clock.clone(),
        app.state.config.sessions.idle_timeout,
    );
    let mut record = Record {
        id: Default::default(),
        data: HashMap::from([(
            "civitas.signed_in".to_owned(),
            serde_json::to_value(&who).unwrap(),
        )]),
        expiry_date: time::OffsetDateTime::now_utc() + time::Duration::hours(1),
    };
    store.create(&mut record).await.expect("session");
    let jar = reqwest::cookie::Jar::default();
    jar.add_cookie_str(
        &format!("civitas_session={}; Path=/", record.id),
        &app.base.parse().unwrap(),
    );
    let browser = reqwest::Client::builder()
        .cookie_provider(Arc::new(jar))
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    (browser, who)
}

/// Records the person's consent for the client.
pub async fn consent(app: &TestApp, person_id: &str, client_id: &str, scopes: &str) {
    let now = app.state.clock.now();
    let consent = oauth::NewConsent {
        person_id,
        client_id,
        scopes,
        declined_scopes: "",
        granted_at: now,
        expires_at: now + 365 * 86400,
        once_only: false,
    };
    oauth::upsert_consent(&app.state.db, &consent)
        .await
        .unwrap();
}

/// A PKCE verifier and its S256 challenge.
pub fn pkce() -> (String, String) {
    let verifier = civitas::crypto::secrets::random_token(32);
    let challenge = B64.encode(Sha256::digest(verifier.as_bytes()));
    (verifier, challenge)
}

/// An authorization URL with the usual parameters, `extra` replacing or adding some.
pub fn authorize_url(
    app: &TestApp,
    client_id: &str,
    challenge: &str,
    extra: &[(&str, &str)],
) -> String {
    let mut params: Vec<(&str, &str)> = vec![
        ("response_type", "code"),
        ("client_id", client_id),
        ("redirect_uri", REDIRECT),
        ("scope", "openid profile"),
        ("state", "st4te"),
        ("nonce", "n0nce"),
        ("code_challenge", challenge),
        ("code_challenge_method", "S256"),
    ];
    for (k, v) in extra {
        params.retain(|(pk, _)| pk != k);
        params.push((k, v));
    }
    let query = url::form_urlencoded::Serializer::new(String::new())
        .extend_pairs(params)
        .finish();
    app.url(&format!("/authorize?{query}"))
}

/// Follows the authorization request one hop and returns the query of the redirect.
pub async fn redirect_query(browser: &reqwest::Client, url: &str) -> HashMap<String, String> {
    let r = browser.get(url).send().await.unwrap();
    assert_eq!(
        r.status(),
        303,
        "expected a redirect, got {}: {}",
        r.status(),
        r.text().await.unwrap_or_default()
    );
    let location = r.headers()["location"].to_str().unwrap().to_owned();
    let url = url::Url::parse(&location).unwrap();
    url.query_pairs().into_owned().collect()
}

/// A code for the signed-in browser (the client must already have consent).
pub async fn get_code(
    app: &TestApp,
    browser: &reqwest::Client,
    client_id: &str,
    challenge: &str,
) -> String {
    let q = redirect_query(browser, &authorize_url(app, client_id, challenge, &[])).await;
    q.get("code")
        .cloned()
        .unwrap_or_else(|| panic!("no code in {q:?}"))
}

/// A whole sign-in of the signed-in browser at the client (consent already given): a code,
/// exchanged with its verifier; returns the token response.
pub async fn signed_in_tokens(
    app: &TestApp,
    browser: &reqwest::Client,
    client_id: &str,
    secret: &str,
) -> serde_json::Value {
    let (verifier, challenge) = pkce();
    let code = get_code(app, browser, client_id, &challenge).await;
    let (status, tokens) = token_request(
        app,
        client_id,
        secret,
        &[
            ("grant_type", "authorization_code"),
            ("code", &code),
            ("redirect_uri", REDIRECT),
            ("code_verifier", &verifier),
        ],
    )
    .await;
    assert_eq!(status, 200, "{tokens}");
    tokens
}

/// Calls the token endpoint with `client_secret_basic`.
pub async fn token_request(
    app: &TestApp,
    client_id: &str,
    secret: &str,
    form: &[(&str, &str)],
) -> (u16, serde_json::Value) {
    let r = app
        .client
        .post(app.url("/token"))
        .basic_auth(client_id, Some(secret))
        .form(form)
        .send()
        .await
        .unwrap();
    let status = r.status().as_u16();
    assert_eq!(r.headers()["cache-control"], "no-store");
    (status, r.json().await.unwrap_or(serde_json::Value::Null))
}
