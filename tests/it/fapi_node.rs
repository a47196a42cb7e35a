//! FAPI 2.0 with a relying party that is not ours: panva's openid-client v6 in Node.js
//! (`tests/node/fapi.mjs`, see `support::node_rp`). It makes its own keys, pushes a signed
//! request object (PAR + JAR) with PKCE and DPoP, authenticates with `private_key_jwt` (ES256),
//! decrypts and verifies the ID token and userinfo (ECDH-ES+A256KW, A256GCM), refreshes; and
//! takes back-channel logout tokens. Skipped loudly without Node.js or `npm ci` in tests/node,
//! unless `CIVITAS_REQUIRE_NODE=1`.

use axum::{Json, Router, routing::get};
use civitas::{
    crypto::keys::{Alg, PrivateKey},
    oidc::clients::{self, ClientRequest},
};
use serde_json::{Value, json};

use crate::support::{
    TestApp, TestDb,
    fapi::es256_jws,
    node_rp::{self, NodeRp, start_backchannel_rp},
    oidc::{REDIRECT, consent, register, seeded_person, signed_in_browser},
};

const LOA: &str = "urn:civitas:loa:substantial";
const ENC_ALG: &str = "ECDH-ES+A256KW";
const ENC: &str = "A256GCM";
/// OpenID Connect Back-Channel Logout 1.0 §2.4.
const LOGOUT_EVENT: &str = "http://schemas.openid.net/event/backchannel-logout";

/// The client the Node relying party plays, with the keys it made (`jwks`).
fn fapi_client(jwks: String) -> ClientRequest {
    ClientRequest {
        display_name: "Northbank (openid-client)".into(),
        purpose: "Opening a savings account".into(),
        redirect_uris: vec![REDIRECT.into()],
        auth_method: Some("private_key_jwt".into()),
        jwks: Some(jwks),
        id_token_alg: Some("ES256".into()),
        scope: Some("profile".into()),
        grant_types: Some(vec!["authorization_code".into(), "refresh_token".into()]),
        options: clients::OptionsRequest {
            profile: Some("fapi2".into()),
            id_token_enc_alg: Some(ENC_ALG.into()),
            id_token_enc_enc: Some(ENC.into()),
            userinfo_signed_alg: Some("ES256".into()),
            userinfo_enc_alg: Some(ENC_ALG.into()),
            userinfo_enc_enc: Some(ENC.into()),
            dpop_bound: Some(true),
            ..Default::default()
        },
        ..Default::default()
    }
}

/// Follows the pushed authorization request one hop in the signed-in browser and returns the
/// whole redirect URL, as the relying party's callback receives it.
async fn authorization_redirect(browser: &reqwest::Client, url: &str) -> String {
    let r = browser.get(url).send().await.unwrap();
    let status = r.status();
    let location = r
        .headers()
        .get("location")
        .map(|l| l.to_str().unwrap().to_owned());
    match location {
        Some(location) if status == 303 && location.starts_with(REDIRECT) => location,
        _ => panic!(
            "expected a 303 to {REDIRECT}, got {status} {location:?}: {}",
            r.text().await.unwrap_or_default()
        ),
    }
}

/// Signs a citizen in with the Node relying party and returns its RESULT and the session's sid.
/// `extra` goes to the script's environment; `register_with` may change the registration.
async fn sign_in_with_node(
    app: &TestApp,
    person: &str,
    extra: &[(&str, &str)],
    register_with: impl FnOnce(ClientRequest, Option<u16>) -> ClientRequest,
) -> (NodeRp, String, Value, String, reqwest::Client) {
    let mut env = vec![("ISSUER", app.base.as_str()), ("REDIRECT_URI", REDIRECT)];
    env.extend_from_slice(extra);
    let mut rp = NodeRp::spawn(&env).await;
    let logout_port = if extra.contains(&("BACKCHANNEL", "1")) {
        Some(
            rp.expect("LISTENING")
                .await
                .parse()
                .expect("LISTENING <port>"),
        )
    } else {
        None
    };
    let jwks = rp.expect("JWKS").await;
    let (client_id, _) = register(app, register_with(fapi_client(jwks), logout_port)).await;
    consent(app, person, &client_id, "openid profile").await;
    let (browser, who) = signed_in_browser(app, person, LOA).await;

    rp.send("CLIENT", &client_id).await;
    let authorize = rp.expect("AUTHORIZE").await;
    assert!(
        authorize.starts_with(&app.url("/")) && authorize.contains("request_uri="),
        "{authorize}"
    );
    let callback = authorization_redirect(&browser, &authorize).await;
    rp.send("CALLBACK", &callback).await;
    let result: Value = serde_json::from_str(&rp.expect("RESULT").await).expect("RESULT json");
    (rp, client_id, result, who.sid, browser)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_node_openid_client_relying_party_completes_the_fapi2_flow() {
    if !node_rp::available() {
        return;
    }
    let db = TestDb::sqlite();
    let app = TestApp::spawn(&db).await;
    let person = seeded_person(&app).await;

    let (rp, _, result, sid, _) = sign_in_with_node(&app, &person, &[], |c, _| c).await;

    let sub = result["sub"].as_str().expect("sub");
    assert!(
        !sub.is_empty() && sub != person,
        "sub is pairwise: {result}"
    );
    assert_eq!(result["sid"], json!(sid), "{result}");
    assert_eq!(result["acr"], json!(LOA), "{result}");
    // Signed, then encrypted to the client's key (OIDC Core §10.2), and it verified.
    assert_eq!(result["id_token_parts"], 5, "{result}");
    assert_eq!(result["id_token_jwe"]["alg"], ENC_ALG, "{result}");
    assert_eq!(result["id_token_jwe"]["enc"], ENC, "{result}");
    assert_eq!(result["id_token_jws"]["alg"], "ES256", "{result}");
    // DPoP-bound (RFC 9449 §5), before and after the refresh.
    assert_eq!(result["token_type"], "dpop", "{result}");
    assert_eq!(result["refreshed"], true, "{result}");
    assert_eq!(result["refreshed_token_type"], "dpop", "{result}");
    // FAPI 2.0 §5.3.2.1: no rotation; the token stays bound to the client's authentication.
    assert_eq!(result["refresh_token_rotated"], false, "{result}");
    assert_eq!(result["userinfo_after_refresh"], true, "{result}");
    // Userinfo as a signed and encrypted JWT with the profile claims.
    assert_eq!(result["userinfo_encrypted"], true, "{result}");
    let claims: Vec<&str> = result["userinfo_claims"]
        .as_array()
        .expect("userinfo_claims")
        .iter()
        .filter_map(Value::as_str)
        .collect();
    for claim in ["sub", "given_name", "family_name"] {
        assert!(claims.contains(&claim), "userinfo lacks {claim}: {result}");
    }
    assert!(!claims.contains(&"national_id"), "not asked for: {result}");
    // The request object went through PAR, with a DPoP proof there too.
    assert_eq!(result["jar"], true, "{result}");
    assert_eq!(result["par_dpop"], true, "{result}");

    assert_eq!(rp.finish().await, Some(0));
    app.stop().await;
}

/// The person signs out at Civitas; the Node relying party's logout endpoint gets a logout
/// token for the session it signed in with, and decrypts it with its own key.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn back_channel_logout_reaches_a_node_relying_party() {
    if !node_rp::available() {
        return;
    }
    let db = TestDb::sqlite();
    // The relying party's logout endpoint is plain http on 127.0.0.1.
    let app = TestApp::spawn_with(&db, |f| f.merge(("http.allow_private_outbound", true))).await;
    let person = seeded_person(&app).await;

    let (mut rp, client_id, result, sid, browser) =
        sign_in_with_node(&app, &person, &[("BACKCHANNEL", "1")], |c, port| {
            let uri = format!("http://127.0.0.1:{}/", port.expect("port"));
            ClientRequest {
                options: clients::OptionsRequest {
                    backchannel_logout_uri: Some(uri),
                    backchannel_logout_session_required: Some(true),
                    ..c.options
                },
                ..c
            }
        })
        .await;

    let r = browser
        .post(app.url("/signout"))
        .header("origin", app.base.clone())
        .send()
        .await
        .unwrap();
    assert!(r.status().is_redirection(), "{}", r.status());

    let claims: Value = serde_json::from_str(&rp.expect("LOGOUT").await).expect("LOGOUT json");
    assert_eq!(claims["iss"], json!(app.base));
    assert_eq!(claims["aud"], json!(client_id));
    assert_eq!(claims["sid"], json!(sid));
    assert_eq!(claims["sub"], result["sub"]);
    assert!(claims["events"][LOGOUT_EVENT].is_object());
    assert_eq!(rp.finish().await, Some(0));
    app.stop().await;
}

/// Posts a logout token as an OP does (§2.5) and returns the status and the line it caused.
async fn post_logout(rp: &mut NodeRp, port: u16, token: String) -> (u16, String, String) {
    let r = reqwest::Client::new()
        .post(format!("http://127.0.0.1:{port}/"))
        .form(&[("logout_token", token)])
        .send()
        .await
        .unwrap();
    let status = r.status().as_u16();
    assert_eq!(r.headers()["cache-control"], "no-store");
    let (word, payload) = rp.next().await;
    (status, word, payload)
}

/// The harness itself, before it meets Civitas's logout: the Node logout endpoint takes a valid
/// logout token once, answers 200 with `Cache-Control: no-store`, and refuses a replay, a token
/// of another type and one with a nonce with 400 (Back-Channel Logout 1.0 §2.6, §2.8).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_node_logout_endpoint_takes_a_logout_token_once_and_refuses_forgeries() {
    if !node_rp::available() {
        return;
    }
    crate::support::install_tls_provider();
    // A stand-in issuer: only its key set, on 127.0.0.1.
    let key = PrivateKey::generate(Alg::Es256).unwrap();
    let jwk = key.public_jwk();
    let PrivateKey::Es256(secret) = key else {
        unreachable!("an ES256 key")
    };
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let issuer = format!("http://127.0.0.1:{}", listener.local_addr().unwrap().port());
    let keys = json!({ "keys": [jwk] });
    let jwks = Router::new().route("/jwks", get(move || async move { Json(keys) }));
    tokio::spawn(async move { axum::serve(listener, jwks).await });

    let (mut rp, port) = start_backchannel_rp(&issuer, "client-1", None).await;
    let now = time::OffsetDateTime::now_utc().unix_timestamp();
    let claims = json!({
        "iss": issuer, "aud": "client-1", "iat": now, "exp": now + 120, "jti": "logout-1",
        "sid": "session-1", "events": { LOGOUT_EVENT: {} },
    });
    let typed = json!({ "alg": "ES256", "kid": jwk.kid, "typ": "logout+jwt" });

    let (status, word, payload) =
        post_logout(&mut rp, port, es256_jws(&secret, &typed, &claims)).await;
    assert_eq!((status, word.as_str()), (200, "LOGOUT"), "{payload}");
    assert_eq!(serde_json::from_str::<Value>(&payload).unwrap(), claims);

    let (status, word, payload) =
        post_logout(&mut rp, port, es256_jws(&secret, &typed, &claims)).await;
    assert_eq!((status, word.as_str()), (400, "REJECTED"), "{payload}");
    assert!(payload.contains("replayed"), "{payload}");

    let mut fresh = claims.clone();
    fresh["jti"] = json!("logout-2");
    let untyped = json!({ "alg": "ES256", "kid": jwk.kid, "typ": "JWT" });
    let (status, word, payload) =
        post_logout(&mut rp, port, es256_jws(&secret, &untyped, &fresh)).await;
    assert_eq!((status, word.as_str()), (400, "REJECTED"), "{payload}");
    assert!(payload.contains("typ"), "{payload}");

    let mut with_nonce = fresh.clone();
    with_nonce["nonce"] = json!("n");
    let (status, word, payload) =
        post_logout(&mut rp, port, es256_jws(&secret, &typed, &with_nonce)).await;
    assert_eq!((status, word.as_str()), (400, "REJECTED"), "{payload}");
    assert!(payload.contains("nonce"), "{payload}");

    assert_eq!(rp.finish().await, Some(0));
}
