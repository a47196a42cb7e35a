//! One test per protocol rule an attacker would try to bend.

use civitas::{
    crypto::{Alg, PrivateKey, jws, secrets::random_token},
    oidc::clients::ClientRequest,
};
use serde_json::{Value, json};

use crate::{
    on_both_databases,
    support::{
        TestApp, TestDb,
        oidc::{
            REDIRECT, authorize_url, consent, get_code, pkce, redirect_query, register,
            seeded_person, signed_in_browser, token_request, web_client,
        },
    },
};

on_both_databases!(
    a_replayed_code_fails_and_revokes_the_tokens_it_issued,
    a_reused_refresh_token_revokes_the_whole_grant,
    revoked_tokens_are_inactive_at_introspection_and_refused_by_userinfo,
    the_same_code_or_refresh_token_presented_at_once_works_once,
);

/// A running app with one person signed in and one consented `client_secret_basic` client.
struct Setup {
    app: TestApp,
    /// Kept alive: dropping it deletes the database's folder.
    _db: TestDb,
    person: String,
    browser: reqwest::Client,
    client_id: String,
    secret: String,
}

async fn setup(db: TestDb) -> Setup {
    let app = TestApp::spawn(&db).await;
    let person = seeded_person(&app).await;
    let (client_id, secret) = register(&app, web_client("Tax Board")).await;
    consent(&app, &person, &client_id, "openid profile email").await;
    let (browser, _) = signed_in_browser(&app, &person, "urn:civitas:loa:substantial").await;
    Setup {
        app,
        _db: db,
        person,
        browser,
        client_id,
        secret: secret.unwrap(),
    }
}

impl Setup {
    async fn redeem(&self, code: &str, verifier: &str) -> (u16, Value) {
        token_request(
            &self.app,
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

    async fn tokens(&self) -> Value {
        let (verifier, challenge) = pkce();
        let code = get_code(&self.app, &self.browser, &self.client_id, &challenge).await;
        let (status, body) = self.redeem(&code, &verifier).await;
        assert_eq!(status, 200, "{body}");
        body
    }

    async fn userinfo_status(&self, access_token: &str) -> u16 {
        self.app
            .client
            .get(self.app.url("/userinfo"))
            .bearer_auth(access_token)
            .send()
            .await
            .unwrap()
            .status()
            .as_u16()
    }

    async fn introspect(&self, token: &str) -> Value {
        self.app
            .client
            .post(self.app.url("/introspect"))
            .basic_auth(&self.client_id, Some(&self.secret))
            .form(&[("token", token)])
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap()
    }
}

fn error_of(body: &Value) -> &str {
    body["error"].as_str().unwrap_or_default()
}

#[tokio::test]
async fn unregistered_or_nearly_matching_redirect_uris_get_a_page_and_no_redirect() {
    let s = setup(TestDb::sqlite()).await;
    let (_, challenge) = pkce();
    for uri in [
        "https://evil.example/callback",
        "https://RP.example.org/callback",
        "https://rp.example.org/Callback",
        "https://rp.example.org/callback/",
        "https://rp.example.org/callback?next=x",
        "https://rp.example.org/callback#x",
    ] {
        let r = s
            .browser
            .get(authorize_url(
                &s.app,
                &s.client_id,
                &challenge,
                &[("redirect_uri", uri)],
            ))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 400, "{uri}");
        assert!(
            r.headers().get("location").is_none(),
            "{uri} must not be redirected to"
        );
        assert!(r.text().await.unwrap().contains("not registered"), "{uri}");
    }
    // An unknown client likewise.
    let r = s
        .browser
        .get(authorize_url(&s.app, "nobody", &challenge, &[]))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 400);
    assert!(r.headers().get("location").is_none());
}

#[tokio::test]
async fn pkce_s256_is_required_and_the_verifier_must_match() {
    let s = setup(TestDb::sqlite()).await;
    let (verifier, challenge) = pkce();
    let missing = redirect_query(
        &s.browser,
        &authorize_url(&s.app, &s.client_id, "", &[]).replace("&code_challenge=&", "&"),
    )
    .await;
    assert_eq!(
        missing.get("error").map(String::as_str),
        Some("invalid_request")
    );
    assert_eq!(missing.get("state").map(String::as_str), Some("st4te"));
    let plain = redirect_query(
        &s.browser,
        &authorize_url(
            &s.app,
            &s.client_id,
            &verifier[..43],
            &[("code_challenge_method", "plain")],
        ),
    )
    .await;
    assert_eq!(
        plain.get("error").map(String::as_str),
        Some("invalid_request")
    );
    assert!(plain["error_description"].contains("plain"));

    let code = get_code(&s.app, &s.browser, &s.client_id, &challenge).await;
    let (other_verifier, _) = pkce();
    let (status, body) = s.redeem(&code, &other_verifier).await;
    assert_eq!((status, error_of(&body)), (400, "invalid_grant"));
    assert!(
        body["error_description"]
            .as_str()
            .unwrap()
            .contains("code_verifier")
    );
    // The code is spent by the failed attempt: the right verifier comes too late.
    assert_eq!(s.redeem(&code, &verifier).await.0, 400);
}

async fn a_replayed_code_fails_and_revokes_the_tokens_it_issued(db: TestDb) {
    let s = setup(db).await;
    let (verifier, challenge) = pkce();
    let code = get_code(&s.app, &s.browser, &s.client_id, &challenge).await;
    let (status, first) = s.redeem(&code, &verifier).await;
    assert_eq!(status, 200);
    let access = first["access_token"].as_str().unwrap();
    assert_eq!(s.userinfo_status(access).await, 200);

    let (status, replay) = s.redeem(&code, &verifier).await;
    assert_eq!((status, error_of(&replay)), (400, "invalid_grant"));
    assert!(
        replay["error_description"]
            .as_str()
            .unwrap()
            .contains("already used")
    );
    assert_eq!(
        s.userinfo_status(access).await,
        401,
        "tokens from a replayed code are revoked"
    );
    assert_eq!(
        s.introspect(first["refresh_token"].as_str().unwrap()).await["active"],
        false
    );
}

#[tokio::test]
async fn a_code_is_bound_to_its_client_and_expires_after_a_minute() {
    let s = setup(TestDb::sqlite()).await;
    let (other_id, other_secret) = register(&s.app, web_client("Other")).await;
    let (verifier, challenge) = pkce();
    let code = get_code(&s.app, &s.browser, &s.client_id, &challenge).await;
    let (status, body) = token_request(
        &s.app,
        &other_id,
        &other_secret.unwrap(),
        &[
            ("grant_type", "authorization_code"),
            ("code", &code),
            ("redirect_uri", REDIRECT),
            ("code_verifier", &verifier),
        ],
    )
    .await;
    assert_eq!((status, error_of(&body)), (400, "invalid_grant"));
    assert!(
        body["error_description"]
            .as_str()
            .unwrap()
            .contains("another client")
    );

    let (verifier, challenge) = pkce();
    let code = get_code(&s.app, &s.browser, &s.client_id, &challenge).await;
    s.app.clock.advance(61);
    let (status, body) = s.redeem(&code, &verifier).await;
    assert_eq!((status, error_of(&body)), (400, "invalid_grant"));
    assert!(
        body["error_description"]
            .as_str()
            .unwrap()
            .contains("expired")
    );
}

async fn a_reused_refresh_token_revokes_the_whole_grant(db: TestDb) {
    let s = setup(db).await;
    let first = s.tokens().await;
    let refresh = first["refresh_token"].as_str().unwrap();
    let (status, second) = token_request(
        &s.app,
        &s.client_id,
        &s.secret,
        &[("grant_type", "refresh_token"), ("refresh_token", refresh)],
    )
    .await;
    assert_eq!(status, 200, "{second}");
    let new_access = second["access_token"].as_str().unwrap();
    assert_eq!(s.userinfo_status(new_access).await, 200);

    // The spent refresh token comes back (stolen): everything of that grant dies.
    let (status, reuse) = token_request(
        &s.app,
        &s.client_id,
        &s.secret,
        &[("grant_type", "refresh_token"), ("refresh_token", refresh)],
    )
    .await;
    assert_eq!((status, error_of(&reuse)), (400, "invalid_grant"));
    assert_eq!(s.userinfo_status(new_access).await, 401);
    let newest = second["refresh_token"].as_str().unwrap();
    let (status, _) = token_request(
        &s.app,
        &s.client_id,
        &s.secret,
        &[("grant_type", "refresh_token"), ("refresh_token", newest)],
    )
    .await;
    assert_eq!(status, 400, "the rotated refresh token died with the grant");
}

async fn revoked_tokens_are_inactive_at_introspection_and_refused_by_userinfo(db: TestDb) {
    let s = setup(db).await;
    let t = s.tokens().await;
    let access = t["access_token"].as_str().unwrap();
    let active = s.introspect(access).await;
    assert_eq!(active["active"], true);
    assert_eq!(active["client_id"], s.client_id);
    let r = s
        .app
        .client
        .post(s.app.url("/revoke"))
        .basic_auth(&s.client_id, Some(&s.secret))
        .form(&[("token", access), ("token_type_hint", "access_token")])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    assert_eq!(s.introspect(access).await, json!({ "active": false }));
    let r = s
        .app
        .client
        .get(s.app.url("/userinfo"))
        .bearer_auth(access)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 401);
    assert!(
        r.headers()["www-authenticate"]
            .to_str()
            .unwrap()
            .starts_with("Bearer")
    );

    // Revoking the refresh token ends the grant.
    let t = s.tokens().await;
    s.app
        .client
        .post(s.app.url("/revoke"))
        .basic_auth(&s.client_id, Some(&s.secret))
        .form(&[("token", t["refresh_token"].as_str().unwrap())])
        .send()
        .await
        .unwrap();
    assert_eq!(
        s.userinfo_status(t["access_token"].as_str().unwrap()).await,
        401
    );
}

#[tokio::test]
async fn a_client_cannot_see_or_revoke_another_clients_tokens() {
    let s = setup(TestDb::sqlite()).await;
    let t = s.tokens().await;
    let access = t["access_token"].as_str().unwrap();
    let (other, other_secret) = register(&s.app, web_client("Other")).await;
    let other_secret = other_secret.unwrap();
    let seen: Value = s
        .app
        .client
        .post(s.app.url("/introspect"))
        .basic_auth(&other, Some(&other_secret))
        .form(&[("token", access)])
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(seen, json!({ "active": false }));
    s.app
        .client
        .post(s.app.url("/revoke"))
        .basic_auth(&other, Some(&other_secret))
        .form(&[("token", access)])
        .send()
        .await
        .unwrap();
    assert_eq!(
        s.userinfo_status(access).await,
        200,
        "another client's revocation changes nothing"
    );
    // Introspection needs client authentication at all.
    let r = s
        .app
        .client
        .post(s.app.url("/introspect"))
        .form(&[("token", access)])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 401);
}

#[tokio::test]
async fn client_authentication_failures_are_clear() {
    let s = setup(TestDb::sqlite()).await;
    let form = [
        ("grant_type", "authorization_code"),
        ("code", "x"),
        ("redirect_uri", REDIRECT),
        ("code_verifier", &random_token(32)),
    ];
    let (status, body) = token_request(&s.app, &s.client_id, "wrong-secret", &form).await;
    assert_eq!((status, error_of(&body)), (401, "invalid_client"));
    assert!(
        body["error_description"]
            .as_str()
            .unwrap()
            .contains("secret")
    );

    // client_secret_post from a client registered for client_secret_basic.
    let mut post = vec![
        ("client_id", s.client_id.as_str()),
        ("client_secret", s.secret.as_str()),
    ];
    post.extend_from_slice(&form);
    let r = s
        .app
        .client
        .post(s.app.url("/token"))
        .form(&post)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 401);
    let body: Value = r.json().await.unwrap();
    assert!(
        body["error_description"]
            .as_str()
            .unwrap()
            .contains("registered for client_secret_basic"),
        "{body}"
    );

    // The token endpoint is POST only.
    let r = s
        .app
        .client
        .get(s.app.url("/token?grant_type=authorization_code"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 405);

    // Unknown grant types are named.
    let (status, body) = token_request(
        &s.app,
        &s.client_id,
        &s.secret,
        &[("grant_type", "password")],
    )
    .await;
    assert_eq!((status, error_of(&body)), (400, "unsupported_grant_type"));
}

#[tokio::test]
async fn private_key_jwt_assertions_are_checked_strictly() {
    let db = TestDb::sqlite();
    let app = TestApp::spawn(&db).await;
    let key = PrivateKey::generate(Alg::Es256).unwrap();
    let jwk = key.public_jwk();
    let (client_id, _) = register(
        &app,
        ClientRequest {
            auth_method: Some("private_key_jwt".into()),
            jwks: Some(json!({ "keys": [jwk] }).to_string()),
            ..web_client("Bank")
        },
    )
    .await;
    let now = app.state.clock.now();
    let claims = |aud: &str, exp: i64, jti: &str| json!({ "iss": client_id, "sub": client_id, "aud": aud, "exp": exp, "iat": now, "jti": jti });
    let sign = |k: &PrivateKey, kid: &str, c: &Value| {
        jws::sign(&jws::Signer::new(k).unwrap(), kid, c).unwrap()
    };
    let attempt = |assertion: String| {
        let app = &app;
        let client_id = client_id.clone();
        async move {
            let r = app
                .client
                .post(app.url("/token"))
                .form(&[
                    ("grant_type", "authorization_code"),
                    ("code", "unknown"),
                    ("redirect_uri", REDIRECT),
                    ("code_verifier", &random_token(32)),
                    ("client_id", &client_id),
                    (
                        "client_assertion_type",
                        "urn:ietf:params:oauth:client-assertion-type:jwt-bearer",
                    ),
                    ("client_assertion", &assertion),
                ])
                .send()
                .await
                .unwrap();
            let status = r.status().as_u16();
            let body: Value = r.json().await.unwrap();
            (
                status,
                body["error"].as_str().unwrap_or_default().to_owned(),
                body["error_description"]
                    .as_str()
                    .unwrap_or_default()
                    .to_owned(),
            )
        }
    };

    // A good assertion authenticates (the unknown code then fails as invalid_grant).
    let good = sign(
        &key,
        &jwk.kid,
        &claims(&app.url("/token"), now + 60, "jti-1"),
    );
    assert_eq!(attempt(good.clone()).await.1, "invalid_grant");
    // The same jti again.
    let (s, e, d) = attempt(good).await;
    assert_eq!((s, e.as_str()), (401, "invalid_client"));
    assert!(d.contains("jti"), "{d}");
    // Expired.
    let (_, e, d) = attempt(sign(
        &key,
        &jwk.kid,
        &claims(&app.url("/token"), now - 120, "jti-2"),
    ))
    .await;
    assert_eq!(e, "invalid_client");
    assert!(d.contains("expired"), "{d}");
    // Too far in the future.
    let (_, e, d) = attempt(sign(
        &key,
        &jwk.kid,
        &claims(&app.url("/token"), now + 3600, "jti-3"),
    ))
    .await;
    assert_eq!(e, "invalid_client");
    assert!(d.contains("exp"), "{d}");
    // Wrong audience.
    let (_, e, d) = attempt(sign(
        &key,
        &jwk.kid,
        &claims("https://other.example/token", now + 60, "jti-4"),
    ))
    .await;
    assert_eq!(e, "invalid_client");
    assert!(d.contains("aud"), "{d}");
    // A key the client never registered (same kid, different key).
    let stranger = PrivateKey::generate(Alg::Es256).unwrap();
    let (_, e, d) = attempt(sign(
        &stranger,
        &jwk.kid,
        &claims(&app.url("/token"), now + 60, "jti-5"),
    ))
    .await;
    assert_eq!(e, "invalid_client");
    assert!(d.contains("signature"), "{d}");
    let (_, e, _) = attempt(sign(
        &stranger,
        &stranger.public_jwk().kid,
        &claims(&app.url("/token"), now + 60, "jti-6"),
    ))
    .await;
    assert_eq!(e, "invalid_client");
    // alg none.
    use base64::{Engine, engine::general_purpose::URL_SAFE_NO_PAD as B64};
    let none = format!(
        "{}.{}.",
        B64.encode(r#"{"alg":"none","typ":"JWT"}"#),
        B64.encode(claims(&app.url("/token"), now + 60, "jti-7").to_string())
    );
    let (s, e, _) = attempt(none).await;
    assert_eq!((s, e.as_str()), (401, "invalid_client"));
    app.stop().await;
}

#[tokio::test]
async fn restricted_scopes_need_approval() {
    let s = setup(TestDb::sqlite()).await;
    let (_, challenge) = pkce();
    let q = redirect_query(
        &s.browser,
        &authorize_url(
            &s.app,
            &s.client_id,
            &challenge,
            &[("scope", "openid national_id")],
        ),
    )
    .await;
    assert_eq!(q.get("error").map(String::as_str), Some("invalid_scope"));
    assert!(q["error_description"].contains("restricted"));
}

#[tokio::test]
async fn two_sectors_get_different_subjects_and_one_client_always_the_same() {
    let s = setup(TestDb::sqlite()).await;
    let (bank, bank_secret) = register(
        &s.app,
        ClientRequest {
            redirect_uris: vec!["https://bank.example.com/cb".into()],
            ..web_client("Bank")
        },
    )
    .await;
    consent(&s.app, &s.person, &bank, "openid profile").await;
    let sub_of = |tokens: &Value| -> String {
        let payload = tokens["id_token"]
            .as_str()
            .unwrap()
            .split('.')
            .nth(1)
            .unwrap()
            .to_owned();
        use base64::{Engine, engine::general_purpose::URL_SAFE_NO_PAD as B64};
        let claims: Value = serde_json::from_slice(&B64.decode(payload).unwrap()).unwrap();
        claims["sub"].as_str().unwrap().to_owned()
    };
    let tax_1 = sub_of(&s.tokens().await);
    let tax_2 = sub_of(&s.tokens().await);
    assert_eq!(tax_1, tax_2, "the same client gets the same sub every time");

    let (verifier, challenge) = pkce();
    let q = redirect_query(
        &s.browser,
        &authorize_url(
            &s.app,
            &bank,
            &challenge,
            &[("redirect_uri", "https://bank.example.com/cb")],
        ),
    )
    .await;
    let (status, body) = token_request(
        &s.app,
        &bank,
        &bank_secret.unwrap(),
        &[
            ("grant_type", "authorization_code"),
            ("code", &q["code"]),
            ("redirect_uri", "https://bank.example.com/cb"),
            ("code_verifier", &verifier),
        ],
    )
    .await;
    assert_eq!(status, 200, "{body}");
    assert_ne!(sub_of(&body), tax_1, "another sector gets another sub");
}

#[tokio::test]
async fn without_a_sign_in_or_consent_the_request_waits_or_prompt_none_fails() {
    let s = setup(TestDb::sqlite()).await;
    let (_, challenge) = pkce();
    // Not signed in: the request waits in the session while the person signs in.
    let anonymous = crate::support::client();
    let r = anonymous
        .get(authorize_url(&s.app, &s.client_id, &challenge, &[]))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 303);
    assert!(
        r.headers()["location"]
            .to_str()
            .unwrap()
            .starts_with("/signin?continue=")
    );
    let q = redirect_query(
        &anonymous,
        &authorize_url(&s.app, &s.client_id, &challenge, &[("prompt", "none")]),
    )
    .await;
    assert_eq!(q.get("error").map(String::as_str), Some("login_required"));

    // Signed in, but asking for more than was consented.
    let q = redirect_query(
        &s.browser,
        &authorize_url(
            &s.app,
            &s.client_id,
            &challenge,
            &[("prompt", "none"), ("scope", "openid phone")],
        ),
    )
    .await;
    assert_eq!(
        q.get("error").map(String::as_str),
        Some("invalid_scope"),
        "phone is not registered for this client"
    );
    let r = s
        .browser
        .get(authorize_url(
            &s.app,
            &s.client_id,
            &challenge,
            &[("prompt", "consent")],
        ))
        .send()
        .await
        .unwrap();
    let location = r.headers()["location"].to_str().unwrap();
    assert!(
        location.starts_with("/consent?continue="),
        "prompt=consent asks again: {location}"
    );

    // Asking for a higher assurance level than the session has means signing in again.
    let r = s
        .browser
        .get(authorize_url(
            &s.app,
            &s.client_id,
            &challenge,
            &[("acr_values", "urn:civitas:loa:high")],
        ))
        .send()
        .await
        .unwrap();
    assert!(
        r.headers()["location"]
            .to_str()
            .unwrap()
            .starts_with("/signin?continue=")
    );
    // max_age in the past likewise.
    s.app.clock.advance(120);
    let r = s
        .browser
        .get(authorize_url(
            &s.app,
            &s.client_id,
            &challenge,
            &[("max_age", "60")],
        ))
        .send()
        .await
        .unwrap();
    assert!(
        r.headers()["location"]
            .to_str()
            .unwrap()
            .starts_with("/signin?continue=")
    );
}

#[tokio::test]
async fn form_post_delivers_the_code_in_a_self_submitting_form() {
    let s = setup(TestDb::sqlite()).await;
    let (_, challenge) = pkce();
    let r = s
        .browser
        .get(authorize_url(
            &s.app,
            &s.client_id,
            &challenge,
            &[("response_mode", "form_post")],
        ))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let html = r.text().await.unwrap();
    assert!(html.contains(&format!(r#"action="{REDIRECT}""#)), "{html}");
    assert!(html.contains(r#"name="code""#) && html.contains(r#"name="state" value="st4te""#));
    assert!(html.contains("/static/form_post.js") && !html.contains("<script>"));
}

#[tokio::test]
async fn rp_initiated_logout_ends_the_session_and_returns_only_to_registered_uris() {
    let s = setup(TestDb::sqlite()).await;
    let id_token = s.tokens().await["id_token"].as_str().unwrap().to_owned();
    let unregistered = s
        .browser
        .get(s.app.url(&format!(
            "/logout?id_token_hint={id_token}&post_logout_redirect_uri=https://evil.example/"
        )))
        .send()
        .await
        .unwrap();
    assert_eq!(unregistered.status(), 400);

    let r = s
        .browser
        .get(s.app.url(&format!(
            "/logout?id_token_hint={id_token}&post_logout_redirect_uri=https://rp.example.org/bye&state=xyz"
        )))
        .send()
        .await
        .unwrap();
    let status = r.status();
    let location = r.headers().get("location").cloned();
    assert_eq!(status, 303, "{}", r.text().await.unwrap());
    assert_eq!(location.unwrap(), "https://rp.example.org/bye?state=xyz");
    // The session is gone: a new authorization request has to sign in.
    let (_, challenge) = pkce();
    let r = s
        .browser
        .get(authorize_url(&s.app, &s.client_id, &challenge, &[]))
        .send()
        .await
        .unwrap();
    assert!(
        r.headers()["location"]
            .to_str()
            .unwrap()
            .starts_with("/signin?continue=")
    );
}

#[tokio::test]
async fn logout_without_a_hint_asks_the_person_first() {
    let s = setup(TestDb::sqlite()).await;
    let r = s.browser.get(s.app.url("/logout")).send().await.unwrap();
    assert_eq!(r.status(), 200);
    let html = r.text().await.unwrap();
    assert!(html.contains(r#"action="/logout/confirm""#), "{html}");
    // Still signed in: a link alone signs nobody out.
    let (_, challenge) = pkce();
    let q = redirect_query(
        &s.browser,
        &authorize_url(&s.app, &s.client_id, &challenge, &[]),
    )
    .await;
    assert!(q.contains_key("code"));
}

#[tokio::test]
async fn private_key_jwt_keys_come_from_a_cached_jwks_uri_and_a_rotation_is_picked_up() {
    use std::sync::{Arc, Mutex};
    let db = TestDb::sqlite();
    // The test's key server is on loopback, which production refuses (see the next test).
    let app = TestApp::spawn_with(&db, |f| f.merge(("http.allow_private_outbound", true))).await;

    // The relying party's own JWKS endpoint, whose keys the test can change.
    let first = PrivateKey::generate(Alg::Es256).unwrap();
    let served = Arc::new(Mutex::new(json!({ "keys": [first.public_jwk()] })));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let jwks_uri = format!(
        "http://127.0.0.1:{}/jwks",
        listener.local_addr().unwrap().port()
    );
    let shared = served.clone();
    let rp = axum::Router::new().route(
        "/jwks",
        axum::routing::get(move || {
            let shared = shared.clone();
            async move { axum::Json(shared.lock().unwrap().clone()) }
        }),
    );
    tokio::spawn(async move { axum::serve(listener, rp).await.unwrap() });

    let (client_id, _) = register(
        &app,
        ClientRequest {
            auth_method: Some("private_key_jwt".into()),
            jwks_uri: Some(jwks_uri),
            ..web_client("Bank")
        },
    )
    .await;
    let attempt = |key: &PrivateKey| {
        let now = app.state.clock.now();
        let assertion = jws::sign(
            &jws::Signer::new(key).unwrap(),
            &key.public_jwk().kid,
            &json!({ "iss": client_id, "sub": client_id, "aud": app.url("/token"), "exp": now + 60, "jti": random_token(12) }),
        )
        .unwrap();
        let app = &app;
        async move {
            let r = app
                .client
                .post(app.url("/token"))
                .form(&[
                    ("grant_type", "refresh_token"),
                    ("refresh_token", "unknown"),
                    (
                        "client_assertion_type",
                        "urn:ietf:params:oauth:client-assertion-type:jwt-bearer",
                    ),
                    ("client_assertion", &assertion),
                ])
                .send()
                .await
                .unwrap();
            let body: Value = r.json().await.unwrap();
            body["error"].as_str().unwrap_or_default().to_owned()
        }
    };
    assert_eq!(
        attempt(&first).await,
        "invalid_grant",
        "authenticated with the fetched key"
    );

    // The relying party rotates its key. A kid the cache does not know triggers a refetch,
    // but not more than once a minute (a flood of made-up kids cannot make us a proxy).
    let second = PrivateKey::generate(Alg::Es256).unwrap();
    *served.lock().unwrap() = json!({ "keys": [second.public_jwk()] });
    assert_eq!(
        attempt(&second).await,
        "invalid_client",
        "no second fetch within a minute"
    );
    app.clock.advance(61);
    assert_eq!(
        attempt(&second).await,
        "invalid_grant",
        "an unknown kid refetches the set"
    );
    assert_eq!(
        attempt(&first).await,
        "invalid_client",
        "the retired key no longer authenticates"
    );
    app.stop().await;
}

#[tokio::test]
async fn an_authorization_request_by_post_is_answered_with_the_same_request_by_get() {
    let s = setup(TestDb::sqlite()).await;
    let (_, challenge) = pkce();
    let url = authorize_url(&s.app, &s.client_id, &challenge, &[]);
    let query = url.split_once('?').unwrap().1.to_owned();
    let r = s
        .browser
        .post(s.app.url("/authorize"))
        .header("content-type", "application/x-www-form-urlencoded")
        .body(query.clone())
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 303);
    let location = r.headers()["location"].to_str().unwrap().to_owned();
    assert!(location.starts_with("/authorize?"), "{location}");
    let q = redirect_query(&s.browser, &s.app.url(&location)).await;
    assert!(q.contains_key("code"), "{q:?}");
}

#[tokio::test]
async fn a_cross_site_logout_post_with_a_hint_ends_the_session_without_its_cookie() {
    let s = setup(TestDb::sqlite()).await;
    let id_token = s.tokens().await["id_token"].as_str().unwrap().to_owned();
    // The relying party's page posts from its own site: no Civitas cookie comes along.
    let r = crate::support::client()
        .post(s.app.url("/logout"))
        .form(&[
            ("id_token_hint", id_token.as_str()),
            ("post_logout_redirect_uri", "https://rp.example.org/bye"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 303);
    let (_, challenge) = pkce();
    let r = s
        .browser
        .get(authorize_url(&s.app, &s.client_id, &challenge, &[]))
        .send()
        .await
        .unwrap();
    assert!(
        r.headers()["location"]
            .to_str()
            .unwrap()
            .starts_with("/signin?continue="),
        "the citizen's session ended"
    );
}

#[tokio::test]
async fn withdrawn_consent_stops_refreshes_and_userinfo_and_a_refresh_can_narrow_scopes() {
    let s = setup(TestDb::sqlite()).await;
    // Narrowing: a refresh asking for less gets less.
    let t = s.tokens().await;
    let (status, narrowed) = token_request(
        &s.app,
        &s.client_id,
        &s.secret,
        &[
            ("grant_type", "refresh_token"),
            ("refresh_token", t["refresh_token"].as_str().unwrap()),
            ("scope", "openid"),
        ],
    )
    .await;
    assert_eq!(status, 200, "{narrowed}");
    assert_eq!(narrowed["scope"], "openid");
    let info: Value = s
        .app
        .client
        .get(s.app.url("/userinfo"))
        .bearer_auth(narrowed["access_token"].as_str().unwrap())
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert!(
        info.get("given_name").is_none(),
        "profile was narrowed away: {info}"
    );

    // The citizen withdraws consent: nothing more flows.
    let t = s.tokens().await;
    // Withdrawal (the account pages' job) leaves a consent that has ended.
    let ended = civitas::store::oauth::NewConsent {
        person_id: &s.person,
        client_id: &s.client_id,
        scopes: "openid profile email",
        declined_scopes: "",
        granted_at: 0,
        expires_at: 1,
        once_only: false,
    };
    civitas::store::oauth::upsert_consent(&s.app.state.db, &ended)
        .await
        .unwrap();
    assert_eq!(
        s.userinfo_status(t["access_token"].as_str().unwrap()).await,
        401
    );
    let (status, body) = token_request(
        &s.app,
        &s.client_id,
        &s.secret,
        &[
            ("grant_type", "refresh_token"),
            ("refresh_token", t["refresh_token"].as_str().unwrap()),
        ],
    )
    .await;
    assert_eq!((status, error_of(&body)), (400, "invalid_grant"));
    assert!(
        body["error_description"]
            .as_str()
            .unwrap()
            .contains("consent")
    );
}

#[tokio::test]
async fn a_jwks_uri_on_a_private_address_is_never_fetched() {
    let db = TestDb::sqlite();
    let app = TestApp::spawn(&db).await;
    // Something answers on loopback; Civitas must not ask it.
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    let asked = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let flag = asked.clone();
    tokio::spawn(async move {
        while let Ok((_, _)) = listener.accept().await {
            flag.store(true, std::sync::atomic::Ordering::SeqCst);
        }
    });
    let (client_id, _) = register(
        &app,
        ClientRequest {
            auth_method: Some("private_key_jwt".into()),
            jwks_uri: Some(format!("http://127.0.0.1:{port}/jwks")),
            ..web_client("Prober")
        },
    )
    .await;
    let key = PrivateKey::generate(Alg::Es256).unwrap();
    let now = app.state.clock.now();
    let assertion = jws::sign(
        &jws::Signer::new(&key).unwrap(),
        &key.public_jwk().kid,
        &json!({ "iss": client_id, "sub": client_id, "aud": app.url("/token"), "exp": now + 60, "jti": "j" }),
    )
    .unwrap();
    let r = app
        .client
        .post(app.url("/token"))
        .form(&[
            ("grant_type", "refresh_token"),
            ("refresh_token", "x"),
            (
                "client_assertion_type",
                "urn:ietf:params:oauth:client-assertion-type:jwt-bearer",
            ),
            ("client_assertion", &assertion),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 401);
    let body: Value = r.json().await.unwrap();
    assert!(
        !body["error_description"]
            .as_str()
            .unwrap()
            .contains("127.0.0.1"),
        "no detail of the target leaks"
    );
    assert!(
        !asked.load(std::sync::atomic::Ordering::SeqCst),
        "the private address was never contacted"
    );
    app.stop().await;
}

#[tokio::test]
async fn a_clients_registered_minimum_assurance_steps_a_weaker_sign_in_up() {
    let db = TestDb::sqlite();
    let app = TestApp::spawn(&db).await;
    let person = seeded_person(&app).await;
    let (bank, _) = register(
        &app,
        ClientRequest {
            min_acr: Some("urn:civitas:loa:substantial".into()),
            ..web_client("Bank")
        },
    )
    .await;
    consent(&app, &person, &bank, "openid profile").await;
    let (_, challenge) = pkce();
    // A one-time-code sign-in (low) is not enough for this bank, even unasked.
    let (low, _) = signed_in_browser(&app, &person, "urn:civitas:loa:low").await;
    let r = low
        .get(authorize_url(&app, &bank, &challenge, &[]))
        .send()
        .await
        .unwrap();
    assert!(
        r.headers()["location"]
            .to_str()
            .unwrap()
            .starts_with("/signin?continue=")
    );
    // A passkey sign-in is.
    let (substantial, _) = signed_in_browser(&app, &person, "urn:civitas:loa:substantial").await;
    let q = redirect_query(&substantial, &authorize_url(&app, &bank, &challenge, &[])).await;
    assert!(q.contains_key("code"));
    app.stop().await;
}

/// Two presentations of one code, or of one refresh token, at the same moment (they may even
/// land in the same group commit): exactly one succeeds; the other is treated as a replay.
async fn the_same_code_or_refresh_token_presented_at_once_works_once(db: TestDb) {
    let s = setup(db).await;
    let (verifier, challenge) = pkce();
    let code = get_code(&s.app, &s.browser, &s.client_id, &challenge).await;
    let (a, b) = tokio::join!(s.redeem(&code, &verifier), s.redeem(&code, &verifier));
    let mut statuses = [a.0, b.0];
    statuses.sort_unstable();
    assert_eq!(statuses, [200, 400], "{a:?} {b:?}");
    let (winner, loser) = if a.0 == 200 { (a.1, b.1) } else { (b.1, a.1) };
    assert_eq!(error_of(&loser), "invalid_grant");
    // The replay revoked what the code issued.
    assert_eq!(
        s.userinfo_status(winner["access_token"].as_str().unwrap())
            .await,
        401
    );

    let tokens = s.tokens().await;
    let refresh = tokens["refresh_token"].as_str().unwrap();
    let form = [("grant_type", "refresh_token"), ("refresh_token", refresh)];
    let (a, b) = tokio::join!(
        token_request(&s.app, &s.client_id, &s.secret, &form),
        token_request(&s.app, &s.client_id, &s.secret, &form)
    );
    let mut statuses = [a.0, b.0];
    statuses.sort_unstable();
    assert_eq!(statuses, [200, 400], "{a:?} {b:?}");
    let rotated = if a.0 == 200 { a.1 } else { b.1 };
    // Reuse revoked the whole grant: the new refresh token is dead too.
    let (status, body) = token_request(
        &s.app,
        &s.client_id,
        &s.secret,
        &[
            ("grant_type", "refresh_token"),
            ("refresh_token", rotated["refresh_token"].as_str().unwrap()),
        ],
    )
    .await;
    assert_eq!((status, error_of(&body)), (400, "invalid_grant"));
    // The ledger has exactly the releases that were answered: no record without its release.
    let released = civitas::store::releases::find_releases_of_person(
        &s.app.state.db,
        &s.person,
        None,
        None,
        100,
    )
    .await
    .unwrap()
    .iter()
    .filter(|r| r.channel == "id_token")
    .count();
    assert_eq!(released, 3, "one per successful token response");
}
