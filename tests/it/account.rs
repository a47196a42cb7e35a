//! The citizen's own pages: what they show, withdrawal taking effect at once, signing out a
//! session elsewhere.

use crate::support::{
    TestApp, TestDb, client,
    oidc::{
        REDIRECT, consent, get_code, pkce, register, seeded_person, signed_in_browser,
        token_request, web_client,
    },
};

#[tokio::test]
async fn the_account_page_shows_services_sessions_history_and_details_and_withdrawal_works_at_once()
{
    let db = TestDb::sqlite();
    let app = TestApp::spawn(&db).await;
    let person = seeded_person(&app).await;
    civitas::transaction!(app.state.db, sqlx::Error, |tx| {
        civitas::store::accounts::insert_account(
            tx,
            &uuid::Uuid::new_v4().to_string(),
            &person,
            app.state.clock.now(),
        )
        .await?;
        Ok(())
    })
    .unwrap();
    let (client_id, secret) = register(&app, web_client("Tax Board")).await;
    let secret = secret.unwrap();
    consent(&app, &person, &client_id, "openid profile email").await;
    let (browser, _) = signed_in_browser(&app, &person, "urn:civitas:loa:substantial").await;
    let (laptop, _) = signed_in_browser(&app, &person, "urn:civitas:loa:substantial").await;

    // The service holds tokens.
    let (verifier, challenge) = pkce();
    let code = get_code(&app, &browser, &client_id, &challenge).await;
    let form = [
        ("grant_type", "authorization_code"),
        ("code", code.as_str()),
        ("redirect_uri", REDIRECT),
        ("code_verifier", verifier.as_str()),
    ];
    let (status, tokens) = token_request(&app, &client_id, &secret, &form).await;
    assert_eq!(status, 200);

    assert_eq!(
        client()
            .get(app.url("/account"))
            .send()
            .await
            .unwrap()
            .headers()["location"],
        "/signin"
    );
    let page = browser
        .get(app.url("/account"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let me = &civitas::demo::population()[0];
    assert!(page.contains("Tax Board"), "services");
    assert!(
        page.contains(&me.given_names) && page.contains(me.national_id.as_str()),
        "details"
    );
    assert_eq!(
        page.matches("action=\"/account/sessions/end\"").count(),
        2,
        "both sessions listed"
    );
    assert!(page.contains("(this device)"));

    // Withdrawal: the consent goes and the service's tokens stop working, at once.
    let r = browser
        .post(app.url("/account/services/withdraw"))
        .header("origin", app.base.clone())
        .form(&[("client_id", client_id.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 303);
    let userinfo = app
        .client
        .get(app.url("/userinfo"))
        .bearer_auth(tokens["access_token"].as_str().unwrap())
        .send()
        .await
        .unwrap();
    assert_eq!(userinfo.status(), 401);
    let (status, body) = token_request(
        &app,
        &client_id,
        &secret,
        &[
            ("grant_type", "refresh_token"),
            ("refresh_token", tokens["refresh_token"].as_str().unwrap()),
        ],
    )
    .await;
    assert_eq!(
        (status, body["error"].as_str()),
        (400, Some("invalid_grant"))
    );
    // The next sign-in to that service asks for consent again.
    let again = browser
        .get(civitas_authorize(&app, &client_id))
        .send()
        .await
        .unwrap();
    assert!(
        again.headers()["location"]
            .to_str()
            .unwrap()
            .starts_with("/consent?continue="),
        "consent is asked again after withdrawal"
    );
    let page = browser
        .get(app.url("/account"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let services = page
        .split("id=\"services\"")
        .nth(1)
        .unwrap()
        .split("id=\"releases\"")
        .next()
        .unwrap();
    assert!(
        !services.contains("Tax Board"),
        "no longer among the services"
    );
    assert!(
        page.split("id=\"releases\"")
            .nth(1)
            .unwrap()
            .contains("Tax Board"),
        "the past release stays in the history"
    );
    assert!(
        page.contains("You stopped sharing your details with a service"),
        "it is in the citizen's history"
    );

    // Signing the laptop out from here: the other session's entry, not "this device".
    let other_sid = page
        .split("<li>")
        .filter(|item| item.contains("name=\"sid\"") && !item.contains("(this device)"))
        .map(|item| {
            item.split("name=\"sid\" value=\"")
                .nth(1)
                .unwrap()
                .split('"')
                .next()
                .unwrap()
                .to_owned()
        })
        .next()
        .expect("the laptop's session is listed");
    let r = browser
        .post(app.url("/account/sessions/end"))
        .header("origin", app.base.clone())
        .form(&[("sid", other_sid.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(r.headers()["location"], "/account#sessions");
    assert_eq!(
        laptop
            .get(app.url("/account"))
            .send()
            .await
            .unwrap()
            .headers()["location"],
        "/signin",
        "signed out elsewhere"
    );
    assert_eq!(
        browser
            .get(app.url("/account"))
            .send()
            .await
            .unwrap()
            .status(),
        200,
        "this device stays signed in"
    );
    app.stop().await;
}

/// The account page as a browser asking for `language` gets it.
async fn account_page(app: &TestApp, browser: &reqwest::Client, language: &str) -> String {
    crate::support::page_in(browser, app, "/account", language)
        .await
        .1
}

#[tokio::test]
async fn the_security_history_is_in_the_language_of_the_page_not_the_english_stored() {
    let db = TestDb::sqlite();
    let app = TestApp::spawn(&db).await;
    let person = seeded_person(&app).await;
    let now = app.state.clock.now();
    // Events as the code records them (kind and English detail), and one whose detail no
    // sentence of the catalogue matches, as an older version may have written.
    for (kind, detail) in [
        ("signed_in", "Signed in with a one-time code"),
        ("passkey_added", "A passkey was added"),
        (
            "signed_out_everywhere",
            "Signed out everywhere (2 sessions ended)",
        ),
        ("signed_in", "Signed in by an older version"),
    ] {
        civitas::authn::record_event(&app.state.writer, &person, kind, detail, now).await;
    }
    let (browser, _) = signed_in_browser(&app, &person, "urn:civitas:loa:substantial").await;

    let french = account_page(&app, &browser, "fr").await;
    for line in [
        "Connexion avec un code à usage unique",
        "Une clé d’accès a été ajoutée",
        "Déconnexion partout (2 appareils)",
    ] {
        assert!(french.contains(line), "missing in French: {line}");
    }
    for english in [
        "Signed in with a one-time code",
        "A passkey was added",
        "sessions ended",
    ] {
        assert!(
            !french.contains(english),
            "English on the French page: {english}"
        );
    }
    assert!(
        french.contains("Signed in by an older version"),
        "an unknown detail is shown as stored"
    );

    let arabic = account_page(&app, &browser, "ar").await;
    assert!(arabic.contains("تسجيل الدخول برمز لمرة واحدة") && arabic.contains("أُضيف مفتاح مرور"));
    assert!(!arabic.contains("A passkey was added"));

    let english = account_page(&app, &browser, "en").await;
    assert!(
        english.contains("Signed in with a one-time code")
            && english.contains("Signed out everywhere (2 devices)")
    );
    app.stop().await;
}

#[tokio::test]
async fn passkeys_are_renamed_and_removed_and_this_wasnt_me_locks_at_once() {
    let db = TestDb::sqlite();
    let app = TestApp::spawn(&db).await;
    let person = seeded_person(&app).await;
    let account_id = uuid::Uuid::new_v4().to_string();
    civitas::transaction!(app.state.db, sqlx::Error, |tx| {
        civitas::store::accounts::insert_account(tx, &account_id, &person, app.state.clock.now())
            .await?;
        civitas::store::accounts::insert_passkey(
            tx,
            &civitas::store::accounts::PasskeyRow {
                credential_id: "cred-1".into(),
                account_id: account_id.clone(),
                name: "Phone".into(),
                passkey: "{}".into(),
                sign_count: 0,
                backup_eligible: 1,
                backup_state: 1,
                created_at: 0,
                last_used_at: None,
                kind: "passkey".into(),
                aaguid: None,
            },
        )
        .await?;
        Ok(())
    })
    .unwrap();
    let (browser, _) = signed_in_browser(&app, &person, "urn:civitas:loa:substantial").await;
    let post = |path: &'static str, form: Vec<(&'static str, &'static str)>| {
        browser
            .post(app.url(path))
            .header("origin", app.base.clone())
            .form(&form)
            .send()
    };

    let r = post(
        "/account/passkeys/rename",
        vec![("credential_id", "cred-1"), ("name", "My phone")],
    )
    .await
    .unwrap();
    assert_eq!(r.status(), 303);
    let page = browser
        .get(app.url("/account"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(page.contains("My phone") && page.contains("synced between your devices"));

    // The last passkey goes only with an explicit confirmation.
    let r = post(
        "/account/passkeys/remove",
        vec![("credential_id", "cred-1")],
    )
    .await
    .unwrap();
    assert_eq!(r.status(), 400);
    let r = post(
        "/account/passkeys/remove",
        vec![("credential_id", "cred-1"), ("confirm_last", "yes")],
    )
    .await
    .unwrap();
    assert_eq!(r.status(), 303);
    let left = civitas::store::accounts::find_passkeys_of_account(&app.state.db, &account_id)
        .await
        .unwrap();
    assert!(left.is_empty());

    // A one-time-code session may look but not change passkeys.
    let (low, _) = signed_in_browser(&app, &person, "urn:civitas:loa:low").await;
    let r = low
        .post(app.url("/account/passkeys/rename"))
        .header("origin", app.base.clone())
        .form(&[("credential_id", "cred-1"), ("name", "x")])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 400);

    // "This wasn't me", with the lock: recorded, locked, signed out everywhere.
    let r = post(
        "/account/report",
        vec![("entry", "some-release"), ("lock", "yes")],
    )
    .await
    .unwrap();
    assert_eq!(r.status(), 200);
    assert!(r.text().await.unwrap().contains("Your identity is locked"));
    let account = civitas::store::accounts::find_account_by_person(&app.state.db, &person)
        .await
        .unwrap()
        .unwrap();
    assert!(account.locked_until.is_some());
    assert_eq!(
        low.get(app.url("/account")).send().await.unwrap().headers()["location"],
        "/signin"
    );
    let events = civitas::store::accounts::find_security_events(&app.state.db, &person)
        .await
        .unwrap();
    assert!(events.iter().any(|e| e.kind == "reported_not_me"));
    assert!(events.iter().any(|e| e.kind == "passkey_removed"));
    app.stop().await;
}

fn civitas_authorize(app: &TestApp, client_id: &str) -> String {
    crate::support::oidc::authorize_url(app, client_id, &pkce().1, &[])
}

#[tokio::test]
async fn the_release_history_pages_filters_and_downloads() {
    let db = TestDb::sqlite();
    let app = TestApp::spawn(&db).await;
    let person = seeded_person(&app).await;
    let now = app.state.clock.now();
    // 25 releases: 15 to the Tax Board, 10 to a bank, alternating.
    for i in 0..25 {
        let (client_id, name) = if i % 5 < 3 {
            ("tax", "Tax Board")
        } else {
            ("bank", "First Bank")
        };
        civitas::transaction!(app.state.db, sqlx::Error, |tx| {
            civitas::ledger::append(
                tx,
                &civitas::ledger::Release {
                    person_id: &person,
                    client_id,
                    client_name: name,
                    purpose: "Checking",
                    claims: vec!["sub", "name"],
                    acr: "urn:civitas:loa:substantial",
                    channel: if i % 2 == 0 { "id_token" } else { "userinfo" },
                    at: now + i,
                },
            )
            .await?;
            Ok(())
        })
        .unwrap();
    }
    let (browser, _) = signed_in_browser(&app, &person, "urn:civitas:loa:substantial").await;
    let get = |path: String| {
        let browser = browser.clone();
        let url = app.url(&path);
        async move {
            let r = browser.get(url).send().await.unwrap();
            let status = r.status().as_u16();
            let headers = r.headers().clone();
            (status, headers, r.text().await.unwrap())
        }
    };
    let rows = |page: &str| page.matches("/account/releases/").count();

    let (_, _, page) = get("/account".into()).await;
    assert_eq!(rows(&page), 20, "a page of 20, newest first");
    let older = page
        .split("href=\"/account?before=")
        .nth(1)
        .and_then(|p| p.split('"').next())
        .expect("a link to older releases");
    let (_, _, page2) = get(format!("/account?before={older}")).await;
    assert_eq!(rows(&page2), 5, "the rest");
    assert!(page2.contains("Back to the newest"));
    assert!(
        page.contains(r#"<option value="tax">Tax Board</option>"#),
        "the services to filter by"
    );

    let (_, _, bank) = get("/account?service=bank".into()).await;
    assert_eq!(rows(&bank), 10);
    let table = bank.split("<tbody>").nth(1).unwrap();
    assert!(!table.contains("Tax Board") && table.contains("First Bank"));
    // A filter naming none of the citizen's services is dropped, not shown back beside their
    // personal data (BREACH).
    let (_, _, guess) = get("/account?service=guess-123456789X".into()).await;
    assert_eq!(rows(&guess), 20);
    assert!(!guess.contains("guess-123456789X"));

    let (status, headers, json) = get("/account/releases.json".into()).await;
    assert_eq!(status, 200);
    assert!(
        headers["content-disposition"]
            .to_str()
            .unwrap()
            .starts_with("attachment")
    );
    let all: Vec<serde_json::Value> = serde_json::from_str(&json).unwrap();
    assert_eq!(all.len(), 25);
    assert_eq!(all[0]["claims"], serde_json::json!(["sub", "name"]));
    assert_eq!(all[0]["record"], 25, "newest first");
    let (status, headers, csv) = get("/account/releases.csv?service=tax".into()).await;
    assert_eq!(status, 200);
    assert!(
        headers["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/csv")
    );
    let mut lines = csv.lines();
    assert_eq!(
        lines.next(),
        Some("time,service,service_id,claims,purpose,acr,channel,record,record_hash")
    );
    assert_eq!(lines.count(), 15);

    // Strict parameters; and only the citizen's own records.
    let (status, _, _) = get("/account?before=soon".into()).await;
    assert_eq!(status, 400);
    let (status, _, _) = get("/account?colour=red".into()).await;
    assert_eq!(status, 400);
    let (status, _, _) = get("/account/releases/not-a-record".into()).await;
    assert_eq!(status, 404);
    let r = client()
        .get(app.url("/account/releases.csv"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.headers()["location"], "/signin", "signed in only");
    app.stop().await;
}
