//! Several Civitas instances on one database, and the in-memory read cache: a client changed
//! elsewhere (by the CLI, by another instance) takes effect within a second everywhere, and
//! every single-use credential (code, refresh token, client assertion `jti`) is single-use
//! across instances, presented one after the other or at the same moment.

use std::time::Duration;

use civitas::{
    crypto::{Alg, PrivateKey, jws, secrets::random_token},
    oidc::clients::ClientRequest,
};
use figment::providers::Serialized;
use serde_json::{Value, json};

use crate::{
    on_both_databases,
    support::{
        TestApp, TestDb,
        oidc::{
            REDIRECT, consent, get_code, pkce, register, seeded_person, signed_in_browser,
            token_request, web_client,
        },
    },
};

on_both_databases!(a_client_disabled_by_the_cli_is_refused_within_a_second);

/// Two servers on one database with one signed-in citizen and one consented client.
pub(crate) struct Pair {
    pub a: TestApp,
    pub b: TestApp,
    pub db: TestDb,
    pub browser: reqwest::Client,
    pub client_id: String,
    pub secret: String,
}

/// A second instance behind the same issuer (as behind a load balancer).
async fn second_instance(db: &TestDb, first: &TestApp) -> TestApp {
    let issuer = first.base.clone();
    TestApp::spawn_with(db, move |f| f.merge(Serialized::default("issuer", issuer))).await
}

pub(crate) async fn pair(db: TestDb) -> Pair {
    let a = TestApp::spawn(&db).await;
    let b = second_instance(&db, &a).await;
    let person = seeded_person(&a).await;
    let (client_id, secret) = register(&a, web_client("Tax Board")).await;
    consent(&a, &person, &client_id, "openid profile email").await;
    Pair::new(a, b, db, &person, client_id, secret.unwrap()).await
}

impl Pair {
    /// Two running instances, a consented client and a browser signed in as `person`.
    pub(crate) async fn new(
        a: TestApp,
        b: TestApp,
        db: TestDb,
        person: &str,
        client_id: String,
        secret: String,
    ) -> Self {
        let (browser, _) = signed_in_browser(&a, person, "urn:civitas:loa:substantial").await;
        Pair {
            a,
            b,
            db,
            browser,
            client_id,
            secret,
        }
    }

    /// A code from instance A.
    pub(crate) async fn code(&self) -> (String, String) {
        let (verifier, challenge) = pkce();
        let code = get_code(&self.a, &self.browser, &self.client_id, &challenge).await;
        (code, verifier)
    }

    pub(crate) async fn redeem(&self, on: &TestApp, code: &str, verifier: &str) -> (u16, Value) {
        token_request(
            on,
            &self.client_id,
            &self.secret,
            &[
                ("grant_type", "authorization_code"),
                ("code", code),
                ("redirect_uri", REDIRECT),
                ("code_verifier", verifier),
            ],
        )
        .await
    }

    pub(crate) async fn refresh(&self, on: &TestApp, token: &str) -> (u16, Value) {
        token_request(
            on,
            &self.client_id,
            &self.secret,
            &[("grant_type", "refresh_token"), ("refresh_token", token)],
        )
        .await
    }

    pub(crate) async fn userinfo_status(&self, on: &TestApp, access: &str) -> u16 {
        on.client
            .get(on.url("/userinfo"))
            .bearer_auth(access)
            .send()
            .await
            .unwrap()
            .status()
            .as_u16()
    }

    /// Tokens redeemed on A.
    pub(crate) async fn tokens(&self) -> Value {
        let (code, verifier) = self.code().await;
        let (status, body) = self.redeem(&self.a, &code, &verifier).await;
        assert_eq!(status, 200, "{body}");
        body
    }
}

fn error_of(body: &Value) -> &str {
    body["error"].as_str().unwrap_or_default()
}

/// `civitas client disable`, run as its own process, as an operator would.
async fn disable_by_cli(db: &TestDb, client_id: &str) {
    let out = db.civitas(&["client", "disable", client_id, "--reason", "contract ended"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

async fn a_client_disabled_by_the_cli_is_refused_within_a_second(db: TestDb) {
    let app = TestApp::spawn(&db).await;
    let person = seeded_person(&app).await;
    let (client_id, secret) = register(&app, web_client("Tax Board")).await;
    let secret = secret.unwrap();
    consent(&app, &person, &client_id, "openid profile email").await;
    let (browser, _) = signed_in_browser(&app, &person, "urn:civitas:loa:substantial").await;
    let (verifier, challenge) = pkce();
    // The client's row and URIs are now in the server's memory.
    let code = get_code(&app, &browser, &client_id, &challenge).await;
    let form = [
        ("grant_type", "authorization_code"),
        ("code", code.as_str()),
        ("redirect_uri", REDIRECT),
        ("code_verifier", verifier.as_str()),
    ];
    let (status, tokens) = token_request(&app, &client_id, &secret, &form).await;
    assert_eq!(status, 200, "{tokens}");
    let refresh = tokens["refresh_token"].as_str().unwrap();

    disable_by_cli(&db, &client_id).await;
    tokio::time::sleep(Duration::from_secs(1)).await;
    let (status, body) = token_request(
        &app,
        &client_id,
        &secret,
        &[("grant_type", "refresh_token"), ("refresh_token", refresh)],
    )
    .await;
    assert_eq!((status, error_of(&body)), (401, "invalid_client"), "{body}");
    assert!(
        body["error_description"]
            .as_str()
            .unwrap()
            .contains("disabled")
    );
    // The authorization endpoint too: a disabled client starts no sign-in.
    let r = browser
        .get(crate::support::oidc::authorize_url(
            &app,
            &client_id,
            &challenge,
            &[],
        ))
        .send()
        .await
        .unwrap();
    assert_ne!(r.status().as_u16(), 303, "no code for a disabled client");
    app.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_client_disabled_by_the_cli_is_refused_by_two_instances_on_postgres_within_a_second() {
    let Some(db) = TestDb::postgres().await else {
        return;
    };
    let p = pair(db).await;
    // Both instances have the client in memory.
    let first = p.tokens().await;
    let (status, second) = p
        .refresh(&p.b, first["refresh_token"].as_str().unwrap())
        .await;
    assert_eq!(status, 200, "{second}");
    let (status, third) = p
        .refresh(&p.a, second["refresh_token"].as_str().unwrap())
        .await;
    assert_eq!(status, 200, "{third}");

    disable_by_cli(&p.db, &p.client_id).await;
    tokio::time::sleep(Duration::from_secs(1)).await;
    let newest = third["refresh_token"].as_str().unwrap();
    for on in [&p.a, &p.b] {
        let (status, body) = p.refresh(on, newest).await;
        assert_eq!((status, error_of(&body)), (401, "invalid_client"), "{body}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_code_redeemed_on_one_instance_is_spent_on_the_other() {
    let Some(db) = TestDb::postgres().await else {
        return;
    };
    let p = pair(db).await;
    let (code, verifier) = p.code().await;
    let (status, first) = p.redeem(&p.b, &code, &verifier).await;
    assert_eq!(status, 200, "{first}");
    let access = first["access_token"].as_str().unwrap();
    assert_eq!(p.userinfo_status(&p.a, access).await, 200);

    let (status, replay) = p.redeem(&p.a, &code, &verifier).await;
    assert_eq!(
        (status, error_of(&replay)),
        (400, "invalid_grant"),
        "{replay}"
    );
    for on in [&p.a, &p.b] {
        assert_eq!(
            p.userinfo_status(on, access).await,
            401,
            "tokens of a replayed code are revoked on every instance"
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_refresh_token_spent_on_one_instance_is_spent_on_the_other() {
    let Some(db) = TestDb::postgres().await else {
        return;
    };
    let p = pair(db).await;
    let first = p.tokens().await;
    let refresh = first["refresh_token"].as_str().unwrap();
    let (status, second) = p.refresh(&p.b, refresh).await;
    assert_eq!(status, 200, "{second}");
    let access = second["access_token"].as_str().unwrap();
    assert_eq!(p.userinfo_status(&p.a, access).await, 200);

    // The spent token comes back at the other instance: the whole grant dies.
    let (status, reuse) = p.refresh(&p.a, refresh).await;
    assert_eq!(
        (status, error_of(&reuse)),
        (400, "invalid_grant"),
        "{reuse}"
    );
    assert_eq!(p.userinfo_status(&p.b, access).await, 401);
    let (status, _) = p
        .refresh(&p.b, second["refresh_token"].as_str().unwrap())
        .await;
    assert_eq!(status, 400, "the rotated refresh token died with the grant");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_same_code_or_refresh_token_at_both_instances_at_once_works_once() {
    let Some(db) = TestDb::postgres().await else {
        return;
    };
    let p = pair(db).await;
    for _ in 0..5 {
        let (code, verifier) = p.code().await;
        let (x, y) = tokio::join!(
            p.redeem(&p.a, &code, &verifier),
            p.redeem(&p.b, &code, &verifier)
        );
        let ok = [x.0, y.0].iter().filter(|s| **s == 200).count();
        assert_eq!(ok, 1, "one redemption of a code: {x:?} {y:?}");

        let tokens = p.tokens().await;
        let refresh = tokens["refresh_token"].as_str().unwrap();
        let (x, y) = tokio::join!(p.refresh(&p.a, refresh), p.refresh(&p.b, refresh));
        let ok = [x.0, y.0].iter().filter(|s| **s == 200).count();
        assert_eq!(ok, 1, "one use of a refresh token: {x:?} {y:?}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_client_assertion_used_on_one_instance_is_refused_by_the_other() {
    let Some(db) = TestDb::postgres().await else {
        return;
    };
    let a = TestApp::spawn(&db).await;
    let b = second_instance(&db, &a).await;
    let key = PrivateKey::generate(Alg::Es256).unwrap();
    let jwk = key.public_jwk();
    let (client_id, _) = register(
        &a,
        ClientRequest {
            auth_method: Some("private_key_jwt".into()),
            jwks: Some(json!({ "keys": [jwk] }).to_string()),
            ..web_client("Bank")
        },
    )
    .await;
    let now = a.state.clock.now();
    let assertion = jws::sign(
        &jws::Signer::new(&key).unwrap(),
        &jwk.kid,
        &json!({ "iss": client_id, "sub": client_id, "aud": a.url("/token"), "exp": now + 60, "jti": random_token(12) }),
    )
    .unwrap();
    let attempt = |on: &TestApp| {
        let request = on.client.post(on.url("/token")).form(&[
            ("grant_type", "refresh_token"),
            ("refresh_token", "unknown"),
            (
                "client_assertion_type",
                "urn:ietf:params:oauth:client-assertion-type:jwt-bearer",
            ),
            ("client_assertion", assertion.as_str()),
        ]);
        async move {
            let r = request.send().await.unwrap();
            let body: Value = r.json().await.unwrap();
            (
                body["error"].as_str().unwrap_or_default().to_owned(),
                body["error_description"]
                    .as_str()
                    .unwrap_or_default()
                    .to_owned(),
            )
        }
    };
    // Authenticated (the refresh token is what fails), then the same jti elsewhere.
    assert_eq!(attempt(&a).await.0, "invalid_grant");
    let (error, description) = attempt(&b).await;
    assert_eq!(error, "invalid_client");
    assert!(description.contains("already used"), "{description}");
}
