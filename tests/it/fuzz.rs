//! Fuzz targets that need the running server: client assertions at the token endpoint,
//! `id_token_hint` at logout, session cookies and raw authorization queries, each sent over
//! HTTP as an attacker would. The parsers' own targets are unit tests beside them (`cargo
//! test fuzz` runs both); README "Fuzzing" says how to run them longer.

use civitas::{
    crypto::{Alg, PrivateKey, jws, secrets::random_token},
    oidc::clients::ClientRequest,
    web::sessions::{DbSessionStore, SignedIn},
};
use proptest::{
    prelude::*,
    test_runner::{Config, TestRunner},
};
use serde_json::{Value, json};
use tower_sessions::{session::Record, session_store::SessionStore};

use crate::support::{
    TestApp, TestDb,
    oidc::{
        REDIRECT, consent, get_code, pkce, register, seeded_person, signed_in_browser,
        token_request, web_client,
    },
    saml::{self as saml_support, SP_KEYS, SpSpec, TestSp, new_id},
    saml_sp::PostedForm,
};

/// `cases` per property unless `PROPTEST_CASES` says otherwise; failures are kept beside this
/// file for the next run.
fn config(cases: u32) -> Config {
    let mut config = Config::default();
    if std::env::var_os("PROPTEST_CASES").is_none() {
        config.cases = cases;
    }
    config.source_file = Some(file!());
    config
}

/// Runs `test` on values of `strategy` from inside an async test (multi-threaded runtime).
fn run<S: Strategy>(cases: u32, strategy: S, test: impl Fn(S::Value) -> Result<(), TestCaseError>) {
    let mut runner = TestRunner::new(config(cases));
    tokio::task::block_in_place(|| {
        if let Err(e) = runner.run(&strategy, test) {
            panic!("{e}");
        }
    });
}

fn block_on<F: std::future::Future>(f: F) -> F::Output {
    tokio::runtime::Handle::current().block_on(f)
}

/// Byte edits of `text`, as the unit targets make them (truncation, flips, insertions of
/// separators, encodings and control characters, repeats).
fn edited(text: &str) -> impl Strategy<Value = String> + use<> {
    let text = text.to_owned();
    let nasty = prop_oneof![
        Just(String::new()),
        Just(".".to_owned()),
        Just("=".to_owned()),
        Just("%00".to_owned()),
        Just(" ".to_owned()),
        Just("\u{202e}".to_owned()),
        Just("A".repeat(5000)),
        "\\PC{1,4}",
    ];
    prop::collection::vec((any::<prop::sample::Index>(), 0..4u8, nasty), 1..=4).prop_map(
        move |edits| {
            let mut b = text.clone().into_bytes();
            for (at, kind, insert) in edits {
                let i = at.index(b.len() + 1);
                match kind {
                    0 => b.truncate(i),
                    1 if i < b.len() => b[i] ^= 0x01,
                    2 => {
                        b.splice(i..i, insert.bytes());
                    }
                    _ if i < b.len() => {
                        b.remove(i);
                    }
                    _ => {}
                }
            }
            String::from_utf8_lossy(&b).into_owned()
        },
    )
}

/// The JSON of a token's error answer: status, `error`, `error_description`.
async fn token_with_assertion(
    app: &TestApp,
    client_id: &str,
    assertion: &str,
) -> (u16, String, String) {
    let r = app
        .client
        .post(app.url("/token"))
        .form(&[
            ("grant_type", "authorization_code"),
            ("code", "unknown"),
            ("redirect_uri", REDIRECT),
            ("code_verifier", &random_token(32)),
            ("client_id", client_id),
            (
                "client_assertion_type",
                "urn:ietf:params:oauth:client-assertion-type:jwt-bearer",
            ),
            ("client_assertion", assertion),
        ])
        .send()
        .await
        .unwrap();
    let status = r.status().as_u16();
    let body: Value = r.json().await.unwrap_or(Value::Null);
    (
        status,
        body["error"].as_str().unwrap_or_default().to_owned(),
        body["error_description"]
            .as_str()
            .unwrap_or_default()
            .to_owned(),
    )
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn fuzz_client_assertions_at_the_token_endpoint() {
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
    let signer = jws::Signer::new(&key).unwrap();
    let good = |jti: &str| {
        let now = app.state.clock.now();
        json!({ "iss": client_id, "sub": client_id, "aud": app.url("/token"), "exp": now + 60, "jti": jti })
    };

    // An edited assertion never authenticates: the signature covers every byte.
    let original = jws::sign(&signer, &jwk.kid, &good(&random_token(12))).unwrap();
    run(64, edited(&original), |assertion| {
        if assertion == original {
            return Ok(());
        }
        let (status, error, description) =
            block_on(token_with_assertion(&app, &client_id, &assertion));
        prop_assert_eq!(
            (status, error.as_str()),
            (401, "invalid_client"),
            "{}",
            description
        );
        prop_assert!(!description.is_empty());
        Ok(())
    });

    // Claims signed with the registered key authenticate only when every rule holds.
    // Each claim is good more often than not, so that some assertions authenticate.
    let audience = prop_oneof![
        4 => Just(json!(app.url("/token"))),
        2 => Just(json!(app.base.clone())),
        2 => Just(json!([app.url("/token"), "https://other.example"])),
        1 => Just(json!("https://other.example/token")),
        1 => Just(json!([])),
        1 => Just(json!(null)),
        1 => Just(json!(7)),
    ];
    let party = prop_oneof![
        8 => Just(json!(client_id)),
        1 => Just(json!(format!("{client_id} "))),
        1 => Just(json!(client_id.to_uppercase())),
        1 => Just(json!("other")),
        1 => Just(json!(null)),
        1 => Just(json!([client_id])),
    ];
    let exp = prop_oneof![
        6 => (-400..400i64).prop_map(Some),
        1 => Just(None),
        1 => Just(Some(i64::MAX / 2)),
    ];
    let jti = prop_oneof![
        6 => "[a-z0-9]{1,16}".prop_map(|j| json!(j)),
        1 => Just(json!("")),
        1 => Just(json!("x".repeat(300))),
        1 => Just(json!(5)),
        1 => Just(json!(null)),
    ];
    let authenticated = std::sync::atomic::AtomicU32::new(0);
    let now = app.state.clock.now();
    // About 1 in 27 of these authenticates: with 64 cases, none did in 8.5 % of runs; with
    // 256, in 0.006 %.
    run(
        256,
        (
            audience,
            party.clone(),
            party,
            exp,
            jti,
            prop::bool::weighted(0.2),
        ),
        |(aud, iss, sub, exp, jti, exp_as_text)| {
            let mut claims = json!({ "aud": aud, "iss": iss, "sub": sub, "jti": jti });
            if let Some(e) = exp {
                claims["exp"] = if exp_as_text {
                    json!((now + e).to_string())
                } else {
                    json!(now + e)
                };
            }
            // A fresh jti each time, so that a replay is never the reason for a refusal.
            if claims["jti"]
                .as_str()
                .is_some_and(|j| !j.is_empty() && j.len() <= 16)
            {
                claims["jti"] = json!(random_token(12));
            }
            let assertion = jws::sign(&signer, &jwk.kid, &claims).unwrap();
            // The server reads its clock between these two.
            let before = app.state.clock.now();
            let (status, error, description) =
                block_on(token_with_assertion(&app, &client_id, &assertion));
            let after = app.state.clock.now();
            prop_assert!(status < 500, "{status} {error} {description}");
            if error != "invalid_client" {
                authenticated.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                // Authenticated (the unknown code then fails): every rule held.
                prop_assert_eq!(error.as_str(), "invalid_grant");
                prop_assert_eq!(&claims["iss"], &json!(client_id));
                prop_assert_eq!(&claims["sub"], &json!(client_id));
                let allowed = [json!(app.url("/token")), json!(app.base.clone())];
                let aud_ok = match &claims["aud"] {
                    Value::Array(a) => a.iter().any(|a| allowed.contains(a)),
                    a => allowed.contains(a),
                };
                prop_assert!(aud_ok, "aud {}", claims["aud"]);
                let exp = claims["exp"].as_i64();
                // At most 300 s ahead, and not past the 30 s leeway, by the server's clock.
                prop_assert!(
                    exp.is_some_and(|e| e - after <= 300 && e >= before - 30),
                    "exp {}",
                    claims["exp"]
                );
                prop_assert!(
                    claims["jti"]
                        .as_str()
                        .is_some_and(|j| !j.is_empty() && j.len() <= 256)
                );
            } else {
                prop_assert_eq!(status, 401);
                prop_assert!(!description.is_empty());
            }
            Ok(())
        },
    );
    // Not a property that held only because nothing ever passed (with enough cases).
    if config(256).cases >= 128 {
        assert!(authenticated.into_inner() > 0, "no assertion authenticated");
    }
}

/// Found by `fuzz_client_assertions_at_the_token_endpoint`: `"iss": ["<client_id>"]`
/// authenticated, because `jsonwebtoken` matches an issuer array.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn fuzz_regression_assertion_with_an_issuer_array_is_refused() {
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
    let signer = jws::Signer::new(&key).unwrap();
    let now = app.state.clock.now();
    for iss in [json!([client_id]), json!(client_id)] {
        let claims = json!({ "iss": iss, "sub": client_id, "aud": app.url("/token"), "exp": now + 60, "jti": random_token(12) });
        let assertion = jws::sign(&signer, &jwk.kid, &claims).unwrap();
        let (status, error, _) = token_with_assertion(&app, &client_id, &assertion).await;
        if iss.is_array() {
            assert_eq!((status, error.as_str()), (401, "invalid_client"));
        } else {
            assert_eq!(error, "invalid_grant", "a string iss authenticates");
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn fuzz_id_token_hints_at_logout() {
    let db = TestDb::sqlite();
    let app = TestApp::spawn(&db).await;
    let person = seeded_person(&app).await;
    let (client_id, secret) = register(&app, web_client("Tax")).await;
    let secret = secret.unwrap();
    consent(&app, &person, &client_id, "openid profile").await;
    let (browser, _) = signed_in_browser(&app, &person, "urn:civitas:loa:substantial").await;
    let (verifier, challenge) = pkce();
    let code = get_code(&app, &browser, &client_id, &challenge).await;
    let (status, tokens) = token_request(
        &app,
        &client_id,
        &secret,
        &[
            ("grant_type", "authorization_code"),
            ("code", &code),
            ("redirect_uri", REDIRECT),
            ("code_verifier", &verifier),
        ],
    )
    .await;
    assert_eq!(status, 200, "{tokens}");
    let id_token = tokens["id_token"].as_str().unwrap().to_owned();
    let logout = |hint: &str| {
        let query = url::form_urlencoded::Serializer::new(String::new())
            .append_pair("id_token_hint", hint)
            .append_pair("post_logout_redirect_uri", "https://rp.example.org/bye")
            .append_pair("state", "s")
            .finish();
        // A browser without the session: only the hint could sign anyone out.
        let client = app.client.clone();
        let url = app.url(&format!("/logout?{query}"));
        async move { client.get(url).send().await.unwrap().status().as_u16() }
    };
    run(64, edited(&id_token), |hint| {
        if hint == id_token {
            return Ok(());
        }
        let status = block_on(logout(&hint));
        prop_assert_eq!(
            status,
            400,
            "an edited id_token_hint was accepted: {}",
            hint
        );
        Ok(())
    });
    // The hint as issued is accepted (and names the client's registered return address).
    assert_eq!(logout(&id_token).await, 303);
}

/// A session in the store, signed in as `person_id`; returns the cookie value.
async fn session_for(app: &TestApp, person_id: &str) -> String {
    let who = SignedIn {
        person_id: person_id.to_owned(),
        acr: "urn:civitas:loa:substantial".into(),
        amr: vec!["hwk".into()],
        auth_time: app.state.clock.now(),
        sid: random_token(16),
    };
    let store = DbSessionStore::new(
        app.state.db.clone(),
        app.state.writer.clone(),
        app.state.clock.clone(),
        app.state.config.sessions.idle_timeout,
    );
    let mut record = Record {
        id: Default::default(),
        data: std::collections::HashMap::from([(
            "civitas.signed_in".to_owned(),
            serde_json::to_value(&who).unwrap(),
        )]),
        expiry_date: time::OffsetDateTime::now_utc() + time::Duration::hours(1),
    };
    store.create(&mut record).await.expect("session");
    record.id.to_string()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn fuzz_session_cookies() {
    let db = TestDb::sqlite();
    let app = TestApp::spawn(&db).await;
    let person = seeded_person(&app).await;
    let id = session_for(&app, &person).await;
    let account = |cookie: String| {
        let client = app.client.clone();
        let url = app.url("/account");
        async move {
            client
                .get(url)
                .header("cookie", cookie)
                .send()
                .await
                .map(|r| r.status().as_u16())
        }
    };
    assert_eq!(account(format!("civitas_session={id}")).await.unwrap(), 200);
    let cookie_header = prop_oneof![
        edited(&id).prop_map(|v| format!("civitas_session={v}")),
        edited(&format!("a=b; civitas_session={id}; civitas_lang=fr")),
        "[ -~]{0,200}",
        "[A-Za-z0-9_-]{22}".prop_map(|v| format!("civitas_session={v}")),
    ];
    run(96, cookie_header, |cookie| {
        // A header reqwest cannot send is no request.
        let Ok(status) = block_on(account(cookie.clone())) else {
            return Ok(());
        };
        prop_assert!(status < 500, "{status} for {cookie:?}");
        if status == 200 {
            // Signed in only with the session's own id in the header.
            prop_assert!(cookie.contains(&id), "signed in with {cookie:?}");
        }
        Ok(())
    });
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn fuzz_raw_authorization_queries() {
    let db = TestDb::sqlite();
    let app = TestApp::spawn(&db).await;
    let person = seeded_person(&app).await;
    let (client_id, _) = register(&app, web_client("Tax")).await;
    consent(&app, &person, &client_id, "openid profile").await;
    let (browser, _) = signed_in_browser(&app, &person, "urn:civitas:loa:substantial").await;
    let (_, challenge) = pkce();
    let query = url::form_urlencoded::Serializer::new(String::new())
        .extend_pairs([
            ("response_type", "code"),
            ("client_id", client_id.as_str()),
            ("redirect_uri", REDIRECT),
            ("scope", "openid profile"),
            ("state", "s"),
            ("code_challenge", challenge.as_str()),
            ("code_challenge_method", "S256"),
        ])
        .finish();
    run(96, edited(&query), |query| {
        let url = format!("{}/authorize?{query}", app.base);
        let Ok(r) = block_on(browser.get(&url).send()) else {
            return Ok(());
        };
        let status = r.status().as_u16();
        prop_assert!(status < 500, "{status} for {query:?}");
        if let Some(location) = r.headers().get("location").and_then(|l| l.to_str().ok()) {
            // Off this site only to the client's registered redirect URI.
            if !location.starts_with('/') && !location.starts_with(&app.base) {
                prop_assert!(
                    location.starts_with(&format!("{REDIRECT}?")),
                    "redirected to {location}"
                );
            }
        }
        Ok(())
    });
}

/// How a SAML message reaches `/saml/sso` in the SAML target.
#[derive(Clone, Debug)]
enum SamlSend {
    /// An edited Redirect query.
    Query(String),
    /// An edited message, encoded properly for the Redirect binding.
    Redirect(String),
    /// An edited message, encoded properly for the POST binding.
    Post(String),
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn fuzz_saml_requests_at_the_sso_endpoint() {
    let db = TestDb::sqlite();
    let app = TestApp::spawn(&db).await;
    let person = seeded_person(&app).await;
    let sp = TestSp::register(
        &app,
        SpSpec {
            name: "fuzz",
            acs: &["acs", "acs2"],
            slo: &[],
            sign_requests: false,
            keys: SP_KEYS,
        },
    )
    .await;
    consent(&app, &person, &sp.client_id, "openid profile").await;
    let (browser, _) = signed_in_browser(&app, &person, "urn:civitas:loa:substantial").await;
    let xml = sp.authn_request(&app, &new_id(), "");
    let query = saml_support::redirect_query(&xml, Some("back"), None, "");
    // The message as sent signs the person in to the provider's first consumer service.
    let r = saml_support::get(&app, &browser, "/saml/sso", &query).await;
    let form = PostedForm::from_html(&r.text().await.unwrap()).unwrap();
    assert!(form.field("SAMLResponse").is_some() && form.action == sp.acs[0]);
    let sent = prop_oneof![
        edited(&query).prop_map(SamlSend::Query),
        edited(&xml).prop_map(SamlSend::Redirect),
        edited(&xml).prop_map(SamlSend::Post),
    ];
    run(96, sent, |sent| {
        let request = match &sent {
            SamlSend::Query(q) => browser.get(app.url(&format!("/saml/sso?{q}"))),
            SamlSend::Redirect(x) => {
                let q = saml_support::redirect_query(x, Some("back"), None, "");
                browser.get(app.url(&format!("/saml/sso?{q}")))
            }
            SamlSend::Post(x) => browser
                .post(app.url("/saml/sso"))
                .header("origin", app.base.clone())
                .form(&[
                    ("SAMLRequest", saml_support::post_value(x).as_str()),
                    ("RelayState", "back"),
                ]),
        };
        let Ok(r) = block_on(request.send()) else {
            return Ok(());
        };
        let status = r.status().as_u16();
        let location = r
            .headers()
            .get("location")
            .and_then(|l| l.to_str().ok())
            .map(str::to_owned);
        let body = block_on(r.text()).unwrap_or_default();
        prop_assert!(status < 500, "{status} for {sent:?}");
        if let Some(l) = location {
            prop_assert!(
                l.starts_with('/') || l.starts_with(&app.base),
                "redirected to {l}"
            );
        }
        // A response goes only to a consumer service the provider registered.
        if let Ok(form) = PostedForm::from_html(&body)
            && form.field("SAMLResponse").is_some()
        {
            prop_assert!(sp.acs.contains(&form.action), "posted to {}", form.action);
        }
        Ok(())
    });
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn fuzz_registration_bodies_at_the_register_endpoint() {
    let db = TestDb::sqlite();
    let app = TestApp::spawn(&db).await;
    let valid = json!({
        "client_name": "Tax Board",
        "purpose": "To prefill your tax return",
        "redirect_uris": ["https://tax.example.gov/cb"],
        "post_logout_redirect_uris": ["https://tax.example.gov/"],
        "token_endpoint_auth_method": "client_secret_basic",
        "scope": "openid profile email",
        "optional_scope": "email",
        "grant_types": ["authorization_code", "refresh_token"]
    });
    let text = valid.to_string();
    let body = prop_oneof![
        4 => edited(&text),
        // Many redirect URIs on one host, each one valid.
        1 => (1..400usize).prop_map(move |n| {
            let mut v = json!({
                "client_name": "Tax Board",
                "purpose": "To prefill your tax return",
                "redirect_uris": (0..n).map(|i| format!("https://tax.example.gov/cb/{i}")).collect::<Vec<_>>(),
            });
            v["client_name"] = json!("Ἀθηνᾶ ".repeat(n % 30 + 1).trim_end());
            v.to_string()
        }),
    ];
    run(64, body, |body| {
        // A fresh initial access token each time: a registration spends one.
        let token = random_token(32);
        let now = app.state.clock.now();
        block_on(civitas::store::clients::insert_initial_access_token(
            &app.state.db,
            &civitas::crypto::secrets::sha256_b64(&token),
            "fuzz",
            now,
            now + 3600,
        ))
        .unwrap();
        let r = block_on(
            app.client
                .post(app.url("/register"))
                .bearer_auth(&token)
                .header("content-type", "application/json")
                .body(body.clone())
                .send(),
        )
        .unwrap();
        let status = r.status().as_u16();
        let answer: Value = block_on(r.json()).unwrap_or(Value::Null);
        match status {
            201 => {
                // The registered URIs are the ones sent (a set: the order is not kept).
                let sent: Value = serde_json::from_str(&body).unwrap();
                let set = |v: &Value| -> std::collections::BTreeSet<String> {
                    v.as_array()
                        .map(|a| {
                            a.iter()
                                .filter_map(Value::as_str)
                                .map(str::to_owned)
                                .collect()
                        })
                        .unwrap_or_default()
                };
                prop_assert!(
                    set(&answer["redirect_uris"]) == set(&sent["redirect_uris"]),
                    "registered redirect URIs differ from those sent"
                );
                prop_assert!(
                    answer["client_id"]
                        .as_str()
                        .is_some_and(|id| !id.is_empty())
                );
                prop_assert!(answer["registration_access_token"].is_string());
            }
            400 | 413 => {
                if status == 400 {
                    let error = answer["error"].as_str().unwrap_or_default();
                    prop_assert!(
                        error == "invalid_client_metadata" || error == "invalid_redirect_uri",
                        "{answer}"
                    );
                    prop_assert!(
                        answer["error_description"]
                            .as_str()
                            .is_some_and(|d| !d.is_empty())
                    );
                }
            }
            other => prop_assert!(false, "{other} for {body:?}: {answer}"),
        }
        Ok(())
    });
}
