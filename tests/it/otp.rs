//! One-time codes by e-mail (no JavaScript anywhere), step-up to a passkey, session expiry.

use base64::{Engine, engine::general_purpose::URL_SAFE_NO_PAD as B64};

use crate::support::{
    TestApp, TestDb, client,
    oidc::{
        REDIRECT, authorize_url, consent, pkce, redirect_query, register, seeded_person,
        signed_in_browser, token_request, web_client,
    },
};

pub(crate) async fn activated(app: &TestApp, person: &str) {
    civitas::transaction!(app.state.db, sqlx::Error, |tx| {
        civitas::store::accounts::insert_account(
            tx,
            &uuid::Uuid::new_v4().to_string(),
            person,
            app.state.clock.now(),
        )
        .await?;
        Ok(())
    })
    .unwrap();
}

pub(crate) fn last_code(app: &TestApp) -> String {
    let mails = app.state.mailer.as_ref().unwrap().outbox().unwrap();
    let body = &mails.last().expect("a mail was sent").body;
    body.split_whitespace()
        .map(|w| w.trim_end_matches('.'))
        .find(|w| w.len() == 8 && w.bytes().all(|b| b.is_ascii_digit()))
        .unwrap()
        .to_owned()
}

#[tokio::test]
async fn a_one_time_code_signs_in_without_javascript_once_and_locks_after_too_many_tries() {
    let db = TestDb::sqlite();
    let app = TestApp::spawn_with_outbox(&db).await;
    let person = seeded_person(&app).await;
    activated(&app, &person).await;
    let (client_id, secret) = register(&app, web_client("Tax Board")).await;
    consent(&app, &person, &client_id, "openid profile").await;
    let national_id = civitas::demo::population()[0]
        .national_id
        .as_str()
        .to_owned();
    let browser = client();
    let post = |path: &str, form: Vec<(&str, String)>| {
        browser
            .post(app.url(path))
            .header("origin", app.base.clone())
            .form(&form)
            .send()
    };

    let (verifier, challenge) = pkce();
    let r = browser
        .get(authorize_url(&app, &client_id, &challenge, &[]))
        .send()
        .await
        .unwrap();
    let waiting = r.headers()["location"]
        .to_str()
        .unwrap()
        .split("continue=")
        .nth(1)
        .unwrap()
        .to_owned();
    let page = browser
        .get(app.url(&format!("/signin/code?continue={waiting}")))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        !page.contains("<script"),
        "the code path needs no JavaScript"
    );

    let r = post(
        "/signin/code",
        vec![
            ("national_id", national_id.clone()),
            ("continue", waiting.clone()),
        ],
    )
    .await
    .unwrap();
    assert_eq!(r.status(), 303);
    let code = last_code(&app);
    // Stored as an HMAC under the key in the keys folder, never as a plain SHA-256 that a
    // database leak would turn back into the code in seconds.
    let stored: Vec<String> = match &app.state.db {
        civitas::store::Db::Sqlite(p) => sqlx::query_scalar("SELECT code_hash FROM otp_challenges")
            .fetch_all(p)
            .await
            .unwrap(),
        civitas::store::Db::Postgres(p) => {
            sqlx::query_scalar("SELECT code_hash FROM otp_challenges")
                .fetch_all(p)
                .await
                .unwrap()
        }
    };
    let key_file = std::fs::read_to_string(db.keys_dir().join("short-secrets.key")).unwrap();
    let key = civitas::crypto::secrets::ShortSecretKey::new(
        base64::Engine::decode(
            &base64::engine::general_purpose::URL_SAFE_NO_PAD,
            key_file.trim(),
        )
        .unwrap(),
    )
    .unwrap();
    assert_eq!(stored, [key.hash("otp", &code)]);
    assert_ne!(stored[0], civitas::crypto::secrets::sha256_b64(&code));
    let mails = app.state.mailer.as_ref().unwrap().outbox().unwrap();
    assert_eq!(
        Some(mails[0].to.as_str()),
        civitas::demo::population()[0].email.as_deref(),
        "to the registry's address"
    );

    let wrong = post(
        "/signin/code/verify",
        vec![("code", "00000000".into()), ("continue", waiting.clone())],
    )
    .await
    .unwrap();
    assert_eq!(wrong.status(), 422);
    let r = post(
        "/signin/code/verify",
        vec![("code", code.clone()), ("continue", waiting.clone())],
    )
    .await
    .unwrap();
    assert_eq!(r.status(), 303);
    assert_eq!(
        r.headers()["location"],
        format!("/authorize/resume?continue={waiting}")
    );
    let q = redirect_query(
        &browser,
        &app.url(r.headers()["location"].to_str().unwrap()),
    )
    .await;
    let (status, tokens) = token_request(
        &app,
        &client_id,
        secret.as_deref().unwrap(),
        &[
            ("grant_type", "authorization_code"),
            ("code", &q["code"]),
            ("redirect_uri", REDIRECT),
            ("code_verifier", &verifier),
        ],
    )
    .await;
    assert_eq!(status, 200);
    let claims: serde_json::Value = serde_json::from_slice(
        &B64.decode(
            tokens["id_token"]
                .as_str()
                .unwrap()
                .split('.')
                .nth(1)
                .unwrap(),
        )
        .unwrap(),
    )
    .unwrap();
    assert_eq!(claims["acr"], "urn:civitas:loa:low");
    assert_eq!(claims["amr"], serde_json::json!(["otp"]));

    // A code session cannot make itself a passkey (which would lift it to substantial).
    let r = browser
        .post(app.url("/passkeys/register/start"))
        .header("origin", app.base.clone())
        .json(&serde_json::json!({}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 403);

    // A passkey-level request after a code sign-in asks for a passkey: step-up.
    let r = browser
        .get(authorize_url(
            &app,
            &client_id,
            &challenge,
            &[("acr_values", "urn:civitas:loa:substantial")],
        ))
        .send()
        .await
        .unwrap();
    assert!(
        r.headers()["location"]
            .to_str()
            .unwrap()
            .starts_with("/signin?continue="),
        "step-up"
    );

    // The code cannot be used twice.
    let other = client();
    let again = other
        .post(app.url("/signin/code/verify"))
        .header("origin", app.base.clone())
        .form(&[("code", code.as_str()), ("continue", "")])
        .send()
        .await
        .unwrap();
    assert_ne!(again.status(), 303);

    // Too many wrong codes lock the account, and say when to come back.
    post(
        "/signin/code",
        vec![
            ("national_id", national_id.clone()),
            ("continue", String::new()),
        ],
    )
    .await
    .unwrap();
    let fresh = last_code(&app);
    let mut last = 0;
    for _ in 0..6 {
        last = post(
            "/signin/code/verify",
            vec![("code", "11111111".into()), ("continue", String::new())],
        )
        .await
        .unwrap()
        .status()
        .as_u16();
    }
    assert_eq!(last, 429, "locked after repeated failures");
    let locked = post(
        "/signin/code/verify",
        vec![("code", fresh.clone()), ("continue", String::new())],
    )
    .await
    .unwrap();
    assert_eq!(locked.status(), 429, "a code guessed at too often is spent");
    assert!(locked.headers().contains_key("retry-after"));
    // Whoever failed in the citizen's name locked nobody out: the citizen's own new code, in
    // their own browser, signs in at once, while wrong codes still wait.
    let citizen = client();
    let send = |path: &'static str, form: Vec<(&'static str, String)>| {
        citizen
            .post(app.url(path))
            .header("origin", app.base.clone())
            .form(&form)
            .send()
    };
    send(
        "/signin/code",
        vec![
            ("national_id", national_id.clone()),
            ("continue", String::new()),
        ],
    )
    .await
    .unwrap();
    let own = last_code(&app);
    let wrong = send(
        "/signin/code/verify",
        vec![("code", "22222222".into()), ("continue", String::new())],
    )
    .await
    .unwrap();
    assert_eq!(wrong.status(), 429, "wrong codes wait");
    let r = send(
        "/signin/code/verify",
        vec![("code", own), ("continue", String::new())],
    )
    .await
    .unwrap();
    assert_eq!(r.status(), 303, "the right code passes the lock");
    app.clock.advance(61);
    post(
        "/signin/code",
        vec![
            ("national_id", national_id.clone()),
            ("continue", String::new()),
        ],
    )
    .await
    .unwrap();
    let after = last_code(&app);
    let r = post(
        "/signin/code/verify",
        vec![("code", after), ("continue", String::new())],
    )
    .await
    .unwrap();
    assert_eq!(r.status(), 303, "the lock lifts");
    let events = civitas::store::accounts::find_security_events(&app.state.db, &person)
        .await
        .unwrap();
    assert!(events.iter().any(|e| e.kind == "locked"));

    // A locked identity (the helpdesk's lock) signs in by no method.
    let account = civitas::store::accounts::find_account_by_person(&app.state.db, &person)
        .await
        .unwrap()
        .unwrap();
    civitas::transaction!(app.state.db, sqlx::Error, |tx| {
        civitas::store::accounts::update_account_lock(
            tx,
            &account.id,
            Some(i64::MAX),
            Some("reported stolen"),
        )
        .await?;
        Ok(())
    })
    .unwrap();
    post(
        "/signin/code",
        vec![
            ("national_id", national_id.clone()),
            ("continue", String::new()),
        ],
    )
    .await
    .unwrap();
    let code = last_code(&app);
    let r = post(
        "/signin/code/verify",
        vec![("code", code), ("continue", String::new())],
    )
    .await
    .unwrap();
    assert_eq!(r.status(), 403);
    app.stop().await;
}

#[tokio::test]
async fn an_unknown_national_id_looks_the_same_and_sends_nothing() {
    let db = TestDb::sqlite();
    let app = TestApp::spawn_with_outbox(&db).await;
    seeded_person(&app).await;
    let r = client()
        .post(app.url("/signin/code"))
        .header("origin", app.base.clone())
        .form(&[("national_id", "1234567897"), ("continue", "")])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 303);
    assert_eq!(r.headers()["location"], "/signin/code/verify");
    assert!(
        app.state
            .mailer
            .as_ref()
            .unwrap()
            .outbox()
            .unwrap()
            .is_empty()
    );
    app.stop().await;
}

#[tokio::test]
async fn an_expired_session_is_refused_even_with_its_cookie() {
    let db = TestDb::sqlite();
    let app = TestApp::spawn_with(&db, |f| {
        f.merge(("sessions.idle_timeout_secs", 600))
            .merge(("sessions.absolute_lifetime_secs", 1000))
    })
    .await;
    let person = seeded_person(&app).await;
    let (client_id, _) = register(&app, web_client("Tax Board")).await;
    consent(&app, &person, &client_id, "openid profile").await;
    let (browser, _) = signed_in_browser(&app, &person, "urn:civitas:loa:substantial").await;
    let (_, challenge) = pkce();
    let url = authorize_url(&app, &client_id, &challenge, &[]);

    // Idle: unused for longer than the idle timeout.
    app.clock.advance(601);
    let r = browser.get(&url).send().await.unwrap();
    assert!(
        r.headers()["location"]
            .to_str()
            .unwrap()
            .starts_with("/signin?"),
        "idle session refused"
    );

    // Absolute: kept busy, still ends after the absolute lifetime.
    let (browser, _) = signed_in_browser(&app, &person, "urn:civitas:loa:substantial").await;
    app.clock.advance(500);
    assert!(redirect_query(&browser, &url).await.contains_key("code"));
    app.clock.advance(500);
    let r = browser.get(&url).send().await.unwrap();
    assert!(
        r.headers()["location"]
            .to_str()
            .unwrap()
            .starts_with("/signin?"),
        "absolute lifetime enforced"
    );
    app.stop().await;
}
