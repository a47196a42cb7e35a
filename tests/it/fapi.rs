//! FAPI 2.0 refusals, each in its own test: pushed authorization requests (RFC 9126), signed
//! request objects (RFC 9101), DPoP (RFC 9449), the FAPI client rules, and purpose-bound
//! sign-in. The whole flow with a relying-party library is in `fapi_node`.

use serde_json::{Value, json};

use crate::support::{
    TestApp, TestDb,
    fapi::{FapiRp, ProofSpec, code_grant, new_key, thumbprint},
    oidc::{REDIRECT, consent, pkce, seeded_person, signed_in_browser},
};

const LOA: &str = "urn:civitas:loa:substantial";

/// The code in a redirect from `/authorize`, or the status and body when there is none.
async fn follow(browser: &reqwest::Client, url: &str) -> Result<String, (u16, String)> {
    let r = browser.get(url).send().await.unwrap();
    let status = r.status().as_u16();
    let location = r
        .headers()
        .get("location")
        .map(|l| l.to_str().unwrap().to_owned());
    match location {
        Some(l) if status == 303 && l.starts_with(REDIRECT) => {
            let url = url::Url::parse(&l).unwrap();
            let q: std::collections::HashMap<_, _> = url.query_pairs().into_owned().collect();
            q.get("code")
                .cloned()
                .ok_or((status, format!("redirect without a code: {l}")))
        }
        _ => Err((status, r.text().await.unwrap_or_default())),
    }
}

/// A FAPI client with consent and a signed-in browser.
async fn setup(app: &TestApp) -> (FapiRp, reqwest::Client, String) {
    let person = seeded_person(app).await;
    let rp = FapiRp::register(app, |c| c).await;
    consent(app, &person, &rp.id, "openid profile").await;
    let (browser, _) = signed_in_browser(app, &person, LOA).await;
    (rp, browser, person)
}

/// PAR → authorize → token with DPoP → userinfo with DPoP, then every way of presenting the
/// bound access token wrongly.
async fn dpop_bound_flow(db: &TestDb) {
    let app = TestApp::spawn(db).await;
    let (rp, browser, _) = setup(&app).await;
    let (verifier, challenge) = pkce();
    let request_uri = rp.push(&app, &challenge, true).await;
    assert!(request_uri.starts_with("urn:ietf:params:oauth:request_uri:"));
    let code = follow(&browser, &rp.authorize_url(&app, &request_uri))
        .await
        .unwrap();
    let (status, tokens, _) = rp.redeem(&app, &code, &verifier).await;
    assert_eq!(status, 200, "{tokens}");
    assert_eq!(tokens["token_type"], "DPoP");
    let access = tokens["access_token"].as_str().unwrap().to_owned();

    // Introspection names the key (RFC 9449 §6.2).
    let (status, info, _) = rp
        .post(&app, "/introspect", &[("token", &access)], None)
        .await;
    assert_eq!(status, 200, "{info}");
    assert_eq!(info["token_type"], "DPoP");
    assert_eq!(info["cnf"]["jkt"], json!(thumbprint(&rp.dpop)));

    let good = rp.proof(&app, "GET", "/userinfo", Some(&access));
    let (status, body, _) = rp.userinfo(&app, "DPoP", &access, Some(good.clone())).await;
    assert_eq!(status, 200, "{body}");
    assert!(body.contains("\"sub\""), "{body}");

    let refused = |(status, body, headers): (u16, String, axum::http::HeaderMap), why: &str| {
        assert_eq!(status, 401, "{why}: {body}");
        let challenge = headers["www-authenticate"].to_str().unwrap();
        assert!(challenge.starts_with("DPoP "), "{why}: {challenge}");
        challenge.to_owned()
    };
    // The same proof again: its jti is spent.
    let c = refused(
        rp.userinfo(&app, "DPoP", &access, Some(good)).await,
        "replay",
    );
    assert!(c.contains("invalid_dpop_proof"), "{c}");
    // The bound token as a bearer token, with or without a proof.
    refused(rp.userinfo(&app, "Bearer", &access, None).await, "bearer");
    let proof = rp.proof(&app, "GET", "/userinfo", Some(&access));
    refused(
        rp.userinfo(&app, "Bearer", &access, Some(proof)).await,
        "bearer with proof",
    );
    // The DPoP scheme without a proof.
    refused(rp.userinfo(&app, "DPoP", &access, None).await, "no proof");
    // Wrong htu, wrong htm, a stale iat, a future iat, a wrong ath.
    let wrong = |change: &dyn Fn(&mut ProofSpec)| {
        let mut spec = rp.spec(&app, "GET", "/userinfo", Some(&access));
        change(&mut spec);
        FapiRp::proof_with(&rp.dpop, spec)
    };
    let now = app.state.clock.now();
    for (why, proof) in [
        ("htu", wrong(&|s| s.htu = app.url("/token"))),
        (
            "htu host",
            wrong(&|s| s.htu = "https://elsewhere.example/userinfo".into()),
        ),
        ("htm", wrong(&|s| s.htm = "POST")),
        ("stale iat", wrong(&|s| s.iat = now - 600)),
        ("future iat", wrong(&|s| s.iat = now + 600)),
        ("ath", wrong(&|s| s.ath = Some("x".repeat(43)))),
    ] {
        let c = refused(rp.userinfo(&app, "DPoP", &access, Some(proof)).await, why);
        assert!(c.contains("invalid_dpop_proof"), "{why}: {c}");
    }
    // A proof of another key than the token's cnf.jkt.
    let other = FapiRp::proof_with(&new_key(), rp.spec(&app, "GET", "/userinfo", Some(&access)));
    let c = refused(
        rp.userinfo(&app, "DPoP", &access, Some(other)).await,
        "other key",
    );
    assert!(c.contains("another key"), "{c}");

    // A refresh needs a proof too; the new access token is bound again.
    let refresh = tokens["refresh_token"].as_str().unwrap();
    let form = [("grant_type", "refresh_token"), ("refresh_token", refresh)];
    let (status, body, _) = rp.post(&app, "/token", &form, None).await;
    assert_eq!(
        (status, body["error"].as_str()),
        (400, Some("invalid_dpop_proof")),
        "{body}"
    );
    let proof = rp.proof(&app, "POST", "/token", None);
    let (status, body, _) = rp.post(&app, "/token", &form, Some(proof)).await;
    // The proof-less attempt above did not spend the refresh token.
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["token_type"], "DPoP");
    // FAPI 2.0 §5.3.2.1: no rotation, so a client whose response was lost simply retries.
    assert!(body.get("refresh_token").is_none(), "{body}");
    let proof = rp.proof(&app, "POST", "/token", None);
    let (status, body, _) = rp.post(&app, "/token", &form, Some(proof)).await;
    assert_eq!(status, 200, "the same refresh token again: {body}");
    // Revoking the grant (here by the token's own client) stops it at once.
    let (status, _, _) = rp.post(&app, "/revoke", &[("token", refresh)], None).await;
    assert_eq!(status, 200);
    let proof = rp.proof(&app, "POST", "/token", None);
    let (status, body, _) = rp.post(&app, "/token", &form, Some(proof)).await;
    assert_eq!(
        (status, body["error"].as_str()),
        (400, Some("invalid_grant")),
        "{body}"
    );
    app.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn dpop_bound_tokens_refuse_every_wrong_proof() {
    dpop_bound_flow(&TestDb::sqlite()).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn dpop_bound_tokens_refuse_every_wrong_proof_on_postgres() {
    let Some(db) = TestDb::postgres().await else {
        return;
    };
    dpop_bound_flow(&db).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_par_only_client_is_refused_any_other_way_and_request_uris_work_once() {
    let db = TestDb::sqlite();
    let app = TestApp::spawn(&db).await;
    let (rp, browser, _) = setup(&app).await;
    let (_, challenge) = pkce();
    let page = |r: Result<String, (u16, String)>, why: &str| {
        let (status, body) = r.expect_err(why);
        assert_eq!(status, 400, "{why}: {body}");
        body
    };

    // The plain authorization request, even perfectly formed.
    let plain = crate::support::oidc::authorize_url(&app, &rp.id, &challenge, &[]);
    page(follow(&browser, &plain).await, "without PAR");
    // A request object by value is not a pushed request either.
    let object = rp.request_object(&app, &challenge, |_| {});
    let by_value = app.url(&format!("/authorize?client_id={}&request={object}", rp.id));
    page(follow(&browser, &by_value).await, "request by value");

    // Pushed: works once.
    let request_uri = rp.push(&app, &challenge, false).await;
    let url = rp.authorize_url(&app, &request_uri);
    follow(&browser, &url).await.expect("first use");
    page(follow(&browser, &url).await, "reused request_uri");

    // Expired after 60 s.
    let request_uri = rp.push(&app, &challenge, false).await;
    app.clock.advance(61);
    page(
        follow(&browser, &rp.authorize_url(&app, &request_uri)).await,
        "expired request_uri",
    );

    // Another client's request_uri, or one from outside (never fetched).
    let other = FapiRp::register(&app, |c| c).await;
    let request_uri = rp.push(&app, &challenge, false).await;
    page(
        follow(&browser, &other.authorize_url(&app, &request_uri)).await,
        "another client's request_uri",
    );
    page(
        follow(
            &browser,
            &rp.authorize_url(&app, "https://attacker.example/request.jwt"),
        )
        .await,
        "request_uri from outside",
    );

    // The failures list says what to do.
    let kinds: Vec<String> =
        civitas::store::client_failures::find_client_failures(&app.state.db, &rp.id, 0, 50)
            .await
            .unwrap()
            .into_iter()
            .map(|f| f.kind)
            .collect();
    for kind in [
        "par_required",
        "request_uri_invalid",
        "request_uri_unsupported",
    ] {
        assert!(kinds.iter().any(|k| k == kind), "{kind} in {kinds:?}");
    }
    app.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_provider_can_require_par_of_every_client() {
    let db = TestDb::sqlite();
    let app = TestApp::spawn_with(&db, |f| f.merge(("oidc.require_par", true))).await;
    let discovery: Value = app
        .get("/.well-known/openid-configuration")
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(discovery["require_pushed_authorization_requests"], true);
    assert_eq!(
        discovery["pushed_authorization_request_endpoint"],
        json!(app.url("/par"))
    );
    let person = seeded_person(&app).await;
    let (client_id, _) =
        crate::support::oidc::register(&app, crate::support::oidc::web_client("Plain")).await;
    consent(&app, &person, &client_id, "openid profile").await;
    let (browser, _) = signed_in_browser(&app, &person, LOA).await;
    let (_, challenge) = pkce();
    let plain = crate::support::oidc::authorize_url(&app, &client_id, &challenge, &[]);
    let (status, _) = follow(&browser, &plain).await.expect_err("PAR required");
    assert_eq!(status, 400);
    app.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn request_objects_with_a_bad_signature_audience_lifetime_or_replayed_jti_are_refused() {
    let db = TestDb::sqlite();
    let app = TestApp::spawn(&db).await;
    let (rp, _, _) = setup(&app).await;
    let (_, challenge) = pkce();
    let push = |object: String| {
        let rp = &rp;
        let app = &app;
        async move {
            let (status, body, _) = rp
                .post(
                    app,
                    "/par",
                    &[("client_id", &rp.id), ("request", &object)],
                    None,
                )
                .await;
            (status, body)
        }
    };
    let refused = |(status, body): (u16, Value), why: &str, says: &str| {
        assert_eq!(status, 400, "{why}: {body}");
        assert_eq!(body["error"], "invalid_request_object", "{why}: {body}");
        let d = body["error_description"].as_str().unwrap();
        assert!(d.contains(says), "{why}: {d}");
    };

    // Signed by another key under the registered kid.
    let good = rp.request_object(&app, &challenge, |_| {});
    let (head, _) = good.rsplit_once('.').unwrap();
    let forged = {
        let other = new_key();
        use p256::ecdsa::{Signature, SigningKey, signature::Signer as _};
        let signature: Signature = SigningKey::from(&other).sign(head.as_bytes());
        use base64::Engine as _;
        format!(
            "{head}.{}",
            base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(signature.to_bytes())
        )
    };
    refused(push(forged).await, "signature", "signature");
    refused(
        push(rp.request_object(&app, &challenge, |c| c["aud"] = json!(app.url("/par")))).await,
        "aud",
        "aud",
    );
    let now = app.state.clock.now();
    refused(
        push(rp.request_object(&app, &challenge, |c| c["exp"] = json!(now + 3601))).await,
        "exp 60 min",
        "exp",
    );
    refused(
        push(rp.request_object(&app, &challenge, |c| {
            c.as_object_mut().unwrap().remove("nbf");
        }))
        .await,
        "nbf",
        "nbf",
    );
    refused(
        push(rp.request_object(&app, &challenge, |c| c["iss"] = json!("someone-else"))).await,
        "iss",
        "iss",
    );
    // A good one once, then its jti again.
    let (status, body) = push(good.clone()).await;
    assert_eq!(status, 201, "{body}");
    refused(push(good).await, "replayed jti", "jti");
    // A request_uri pushed in a request object is refused.
    refused(
        push(rp.request_object(&app, &challenge, |c| {
            c["request_uri"] = json!("https://attacker.example/r")
        }))
        .await,
        "nested request_uri",
        "request_uri",
    );
    app.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_request_object_by_value_works_for_a_standard_client_and_only_once() {
    let db = TestDb::sqlite();
    let app = TestApp::spawn(&db).await;
    let person = seeded_person(&app).await;
    // private_key_jwt without the FAPI profile: request objects by value are allowed.
    let rp = FapiRp::register(&app, |c| civitas::oidc::clients::ClientRequest {
        options: Default::default(),
        ..c
    })
    .await;
    consent(&app, &person, &rp.id, "openid profile").await;
    let (browser, _) = signed_in_browser(&app, &person, LOA).await;
    let (_, challenge) = pkce();
    let object = rp.request_object(&app, &challenge, |c| {
        c["purpose"] = json!("Checking your age for a library card");
    });
    let url = app.url(&format!("/authorize?client_id={}&request={object}", rp.id));
    follow(&browser, &url).await.expect("a code");
    let (status, _) = follow(&browser, &url).await.expect_err("replayed");
    assert_eq!(status, 400);
    // dpop_jkt binds the code here too (RFC 9449 §10): redeemed without that key, refused.
    let (verifier, challenge) = pkce();
    let jkt = thumbprint(&rp.dpop);
    let object = rp.request_object(&app, &challenge, |c| c["dpop_jkt"] = json!(jkt));
    let url = app.url(&format!("/authorize?client_id={}&request={object}", rp.id));
    let code = follow(&browser, &url).await.expect("a code");
    let form = code_grant(&code, &verifier);
    let (status, body, _) = rp.post(&app, "/token", &form, None).await;
    assert_eq!(
        (status, body["error"].as_str()),
        (400, Some("invalid_dpop_proof")),
        "{body}"
    );
    // Unsigned, `purpose` is refused: anyone could change it in the URL.
    let plain = crate::support::oidc::authorize_url(
        &app,
        &rp.id,
        &challenge,
        &[("purpose", "Totally legitimate")],
    );
    let (status, _) = follow(&browser, &plain)
        .await
        .expect_err("unsigned purpose");
    assert_eq!(status, 400);
    app.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn fapi_client_assertions_must_be_short_lived_and_for_the_issuer_alone() {
    let db = TestDb::sqlite();
    let app = TestApp::spawn(&db).await;
    let rp = FapiRp::register(&app, |c| c).await;
    let now = app.state.clock.now();
    let attempt = |assertion: String| {
        let rp = &rp;
        let app = &app;
        async move {
            let form = [
                ("grant_type", "authorization_code"),
                ("code", "unknown"),
                ("redirect_uri", REDIRECT),
                ("code_verifier", &"v".repeat(43)),
                ("client_assertion_type", crate::support::fapi::JWT_BEARER),
                ("client_assertion", &assertion),
            ];
            let proof = rp.proof(app, "POST", "/token", None);
            let (status, body, _) = rp.post_raw(app, "/token", &form, Some(proof)).await;
            (status, body)
        }
    };
    // Good: for the issuer, 60 s. (The unknown code then fails.)
    let (status, body) = attempt(rp.assertion_with(&app.base, now, now + 60)).await;
    assert_eq!(
        (status, body["error"].as_str()),
        (400, Some("invalid_grant")),
        "{body}"
    );
    // exp five minutes out.
    let (status, body) = attempt(rp.assertion_with(&app.base, now, now + 300)).await;
    assert_eq!(
        (status, body["error"].as_str()),
        (401, Some("invalid_client")),
        "{body}"
    );
    assert!(
        body["error_description"].as_str().unwrap().contains("60"),
        "{body}"
    );
    // aud an array holding the issuer and something else.
    let header = json!({ "alg": "ES256", "kid": rp.kid, "typ": "JWT" });
    let claims = json!({
        "iss": rp.id, "sub": rp.id, "aud": [app.base, "https://elsewhere.example"],
        "iat": now, "exp": now + 60, "jti": "array-aud",
    });
    let (status, body) = attempt(crate::support::fapi::es256_jws(&rp.key, &header, &claims)).await;
    assert_eq!(
        (status, body["error"].as_str()),
        (401, Some("invalid_client")),
        "{body}"
    );
    // aud the token endpoint, which a standard client may use.
    let (status, body) = attempt(rp.assertion_with(&app.url("/token"), now, now + 60)).await;
    assert_eq!(
        (status, body["error"].as_str()),
        (401, Some("invalid_client")),
        "{body}"
    );
    assert!(
        body["error_description"].as_str().unwrap().contains("aud"),
        "{body}"
    );
    app.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_code_pushed_with_a_dpop_key_is_redeemed_with_that_key_only() {
    let db = TestDb::sqlite();
    let app = TestApp::spawn(&db).await;
    let (rp, browser, _) = setup(&app).await;
    let (verifier, challenge) = pkce();
    // Bound at PAR through dpop_jkt in the request object (no proof there).
    let jkt = thumbprint(&rp.dpop);
    let object = rp.request_object(&app, &challenge, |c| c["dpop_jkt"] = json!(jkt));
    // Outside the object it would be ignored (RFC 9126 §3): refused instead.
    let (status, body, _) = rp
        .post(
            &app,
            "/par",
            &[
                ("client_id", &rp.id),
                ("request", &object),
                ("dpop_jkt", &jkt),
            ],
            None,
        )
        .await;
    assert_eq!(status, 400, "{body}");
    let object = rp.request_object(&app, &challenge, |c| c["dpop_jkt"] = json!(jkt));
    let (status, body, _) = rp
        .post(
            &app,
            "/par",
            &[("client_id", &rp.id), ("request", &object)],
            None,
        )
        .await;
    assert_eq!(status, 201, "{body}");
    let url = rp.authorize_url(&app, body["request_uri"].as_str().unwrap());
    let code = follow(&browser, &url).await.unwrap();
    // Another key's proof: refused, and the code is spent.
    let stranger = new_key();
    let proof = FapiRp::proof_with(&stranger, rp.spec(&app, "POST", "/token", None));
    let form = code_grant(&code, &verifier);
    let (status, body, _) = rp.post(&app, "/token", &form, Some(proof)).await;
    assert_eq!(
        (status, body["error"].as_str()),
        (400, Some("invalid_dpop_proof")),
        "{body}"
    );
    let (status, body, _) = rp.redeem(&app, &code, &verifier).await;
    assert_eq!(status, 400, "a refused redemption spends the code: {body}");

    // A FAPI client must send a proof at all; a dpop_jkt unlike the PAR proof's key fails.
    let (status, body, _) = rp.post(&app, "/token", &form, None).await;
    assert_eq!(
        (status, body["error"].as_str()),
        (400, Some("invalid_dpop_proof")),
        "{body}"
    );
    let object = rp.request_object(&app, &challenge, |c| c["dpop_jkt"] = json!(jkt));
    let proof = FapiRp::proof_with(&stranger, rp.spec(&app, "POST", "/par", None));
    let (status, body, _) = rp
        .post(
            &app,
            "/par",
            &[("client_id", &rp.id), ("request", &object)],
            Some(proof),
        )
        .await;
    assert_eq!(
        (status, body["error"].as_str()),
        (400, Some("invalid_dpop_proof")),
        "{body}"
    );
    app.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn dpop_nonces_are_issued_and_required_when_configured() {
    let db = TestDb::sqlite();
    let app = TestApp::spawn_with(&db, |f| f.merge(("oidc.dpop_nonce", true))).await;
    let (rp, browser, _) = setup(&app).await;
    let (verifier, challenge) = pkce();
    // PAR without a nonce: use_dpop_nonce, with one to use.
    let object = rp.request_object(&app, &challenge, |_| {});
    let form = [("client_id", rp.id.as_str()), ("request", object.as_str())];
    let proof = rp.proof(&app, "POST", "/par", None);
    let (status, body, headers) = rp.post(&app, "/par", &form, Some(proof)).await;
    assert_eq!(
        (status, body["error"].as_str()),
        (400, Some("use_dpop_nonce")),
        "{body}"
    );
    let nonce = headers["dpop-nonce"].to_str().unwrap().to_owned();
    let first_object = object;
    let with_nonce = |path: &str, htm: &'static str, token: Option<&str>, nonce: &str| {
        let mut spec = rp.spec(&app, htm, path, token);
        spec.nonce = Some(nonce.to_owned());
        FapiRp::proof_with(&rp.dpop, spec)
    };
    // The retry sends the same request object: the refusal did not spend its jti.
    let form = [
        ("client_id", rp.id.as_str()),
        ("request", first_object.as_str()),
    ];
    let (status, body, _) = rp
        .post(
            &app,
            "/par",
            &form,
            Some(with_nonce("/par", "POST", None, &nonce)),
        )
        .await;
    assert_eq!(status, 201, "{body}");
    let code = follow(
        &browser,
        &rp.authorize_url(&app, body["request_uri"].as_str().unwrap()),
    )
    .await
    .unwrap();
    // A made-up nonce is refused; a nonce from two minutes ago too.
    let form = code_grant(&code, &verifier);
    let (status, body, _) = rp
        .post(
            &app,
            "/token",
            &form,
            Some(with_nonce("/token", "POST", None, "123.forged")),
        )
        .await;
    assert_eq!(
        (status, body["error"].as_str()),
        (400, Some("use_dpop_nonce")),
        "{body}"
    );
    app.clock.advance(121);
    let (status, body, headers) = rp
        .post(
            &app,
            "/token",
            &form,
            Some(with_nonce("/token", "POST", None, &nonce)),
        )
        .await;
    assert_eq!(
        (status, body["error"].as_str()),
        (400, Some("use_dpop_nonce")),
        "{body}"
    );
    let fresh = headers["dpop-nonce"].to_str().unwrap().to_owned();
    assert_ne!(fresh, nonce);
    // The code was not spent by nonce refusals (they come before it is looked at), but it
    // expired while the clock moved: a new sign-in, with the fresh nonce.
    let object = rp.request_object(&app, &challenge, |_| {});
    let par_form = [("client_id", rp.id.as_str()), ("request", object.as_str())];
    let (status, body, _) = rp
        .post(
            &app,
            "/par",
            &par_form,
            Some(with_nonce("/par", "POST", None, &fresh)),
        )
        .await;
    assert_eq!(status, 201, "{body}");
    let code = follow(
        &browser,
        &rp.authorize_url(&app, body["request_uri"].as_str().unwrap()),
    )
    .await
    .unwrap();
    let form = code_grant(&code, &verifier);
    let (status, body, headers) = rp
        .post(
            &app,
            "/token",
            &form,
            Some(with_nonce("/token", "POST", None, &fresh)),
        )
        .await;
    assert_eq!(status, 200, "{body}");
    assert!(
        headers.contains_key("dpop-nonce"),
        "a nonce for the next proof"
    );
    app.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_purpose_is_shown_at_sign_in_and_consent_and_recorded_with_the_release() {
    let db = TestDb::sqlite();
    let app = TestApp::spawn(&db).await;
    let person = seeded_person(&app).await;
    let rp = FapiRp::register(&app, |c| c).await;
    let purpose = "Opening a savings account in your name";
    let (verifier, challenge) = pkce();
    let object = rp.request_object(&app, &challenge, |c| c["purpose"] = json!(purpose));
    let (status, body, _) = rp
        .post(
            &app,
            "/par",
            &[("client_id", &rp.id), ("request", &object)],
            None,
        )
        .await;
    assert_eq!(status, 201, "{body}");
    let url = rp.authorize_url(&app, body["request_uri"].as_str().unwrap());

    // Not signed in: the sign-in page names the service and the purpose.
    let jar = std::sync::Arc::new(reqwest::cookie::Jar::default());
    let stranger = reqwest::Client::builder()
        .cookie_provider(jar)
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let r = stranger.get(&url).send().await.unwrap();
    assert_eq!(r.status(), 303);
    let signin = r.headers()["location"].to_str().unwrap().to_owned();
    let page = stranger
        .get(app.url(&signin))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        page.contains("Northbank") && page.contains(purpose),
        "{page}"
    );

    // Signed in without consent: the consent page shows it beside the registered purpose.
    let object = rp.request_object(&app, &challenge, |c| c["purpose"] = json!(purpose));
    let (_, body, _) = rp
        .post(
            &app,
            "/par",
            &[("client_id", &rp.id), ("request", &object)],
            None,
        )
        .await;
    let url = rp.authorize_url(&app, body["request_uri"].as_str().unwrap());
    let (browser, _) = signed_in_browser(&app, &person, LOA).await;
    let r = browser.get(&url).send().await.unwrap();
    assert_eq!(r.status(), 303);
    let consent_url = r.headers()["location"].to_str().unwrap().to_owned();
    assert!(consent_url.starts_with("/consent"), "{consent_url}");
    let page = browser
        .get(app.url(&consent_url))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        page.contains(purpose) && page.contains("To open your account"),
        "{page}"
    );
    let continue_id = url::Url::parse(&app.url(&consent_url))
        .unwrap()
        .query_pairs()
        .find(|(k, _)| k == "continue")
        .unwrap()
        .1
        .into_owned();
    let r = browser
        .post(app.url("/consent"))
        .header("origin", &app.base)
        .form(&[("continue", continue_id.as_str()), ("decision", "allow")])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 303, "{}", r.text().await.unwrap_or_default());
    let resume = r.headers()["location"].to_str().unwrap().to_owned();
    let code = follow(&browser, &app.url(&resume)).await.unwrap();
    let (status, body, _) = rp.redeem(&app, &code, &verifier).await;
    assert_eq!(status, 200, "{body}");

    // The release record carries this sign-in's purpose.
    let releases = civitas::store::releases::find_releases_of_person(
        &app.state.db,
        &person,
        Some(&rp.id),
        None,
        10,
    )
    .await
    .unwrap();
    assert_eq!(releases.len(), 1);
    assert_eq!(releases[0].purpose, purpose);
    app.stop().await;
}
