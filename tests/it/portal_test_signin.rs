//! "Sign in as a test person": a developer signed in to Civitas as themselves runs a real code
//! flow with their sandbox client from the portal's test sign-in page, continues as a test
//! person from the wrong-environment page, consents, and redeems the code as the page says.
//! Refused: real persons, production requests, requests of another session, viewers, and
//! production clients' test sign-in pages.

use std::collections::HashMap;

use base64::{Engine, engine::general_purpose::URL_SAFE_NO_PAD as B64};
use serde_json::{Value, json};
use sha2::{Digest, Sha256};

use crate::{
    browser::wait_for_codes,
    browser::{chromium_present, chromium_with_authenticator, element, js_click, relying_party},
    on_both_databases,
    support::{
        TestApp, TestDb, client,
        oidc::{self, REDIRECT},
        portal::{self, post},
    },
};

on_both_databases!(
    a_developer_signs_a_test_person_in_with_their_sandbox_client_and_redeems_the_code,
    only_a_test_person_for_a_sandbox_request_of_this_session_can_be_chosen,
    the_sign_in_page_offers_test_persons_for_sandbox_requests_only,
    the_test_sign_in_page_is_for_sandbox_clients_and_members_who_may_test,
    a_test_person_at_a_production_client_is_offered_to_sign_out,
);

const SUBSTANTIAL: &str = "urn:civitas:loa:substantial";

/// Text as the pages escape it, read back.
fn unescape(s: &str) -> String {
    s.replace("&#34;", "\"")
        .replace("&#38;", "&")
        .replace("&#39;", "'")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&amp;", "&")
}

/// What follows `marker` in `html` up to `end`, unescaped.
fn after(html: &str, marker: &str, end: char) -> String {
    let rest = html
        .split(marker)
        .nth(1)
        .unwrap_or_else(|| panic!("no {marker} in {html}"));
    unescape(rest.split(end).next().unwrap())
}

/// The text of the element with this id.
fn text_of(html: &str, id: &str) -> String {
    after(html, &format!(r#"id="{id}">"#), '<')
}

/// The waiting request's id in a page's forms.
fn continue_value(html: &str) -> String {
    after(html, r#"name="continue" value=""#, '"')
}

fn location(r: &reqwest::Response) -> String {
    r.headers()["location"].to_str().unwrap().to_owned()
}

/// The claims of a JWT (its signature is the token endpoint's business, tested elsewhere).
fn jwt_claims(jwt: &str) -> Value {
    let payload = jwt.split('.').nth(1).expect("a JWT");
    serde_json::from_slice(&B64.decode(payload).unwrap()).unwrap()
}

/// Chooses the test person for the waiting request; returns the response.
async fn choose(
    app: &TestApp,
    browser: &reqwest::Client,
    waiting: &str,
    person: &str,
) -> reqwest::Response {
    post(app, browser, "/signin/test-person")
        .form(&[("continue", waiting), ("person", person)])
        .send()
        .await
        .unwrap()
}

async fn a_developer_signs_a_test_person_in_with_their_sandbox_client_and_redeems_the_code(
    db: TestDb,
) {
    let app = TestApp::spawn(&db).await;
    let (dev, me, _) = portal::developer(&app, 0).await;
    let tester = portal::person(&app, 1, true).await;
    let org = portal::organisation(&app, &dev, "GOV-000501").await;
    let (client_id, secret) = portal::sandbox_client(
        &app,
        &dev,
        &org,
        &portal::client_fields("Northbank sandbox"),
    )
    .await;
    let secret = secret.expect("the secret is shown once");

    // The test sign-in page: an authorization request with fresh state, nonce and PKCE, and
    // the command that redeems its code.
    let path = format!("/portal/clients/{client_id}/test-signin");
    let (status, page) = portal::page(&app, &dev, &path).await;
    assert_eq!(status, 200, "{page}");
    let authorization_url = after(&page, r#"id="authorization-url" href=""#, '"');
    let verifier = text_of(&page, "code-verifier");
    let (state, nonce) = (text_of(&page, "state"), text_of(&page, "nonce"));
    let request: HashMap<String, String> = url::Url::parse(&authorization_url)
        .unwrap()
        .query_pairs()
        .into_owned()
        .collect();
    assert!(authorization_url.starts_with(&app.url("/authorize?")));
    assert_eq!(request["client_id"], client_id);
    assert_eq!(request["redirect_uri"], REDIRECT);
    assert_eq!(request["response_type"], "code");
    assert_eq!(request["state"], state);
    assert_eq!(request["nonce"], nonce);
    assert_eq!(request["code_challenge_method"], "S256");
    assert_eq!(
        request["code_challenge"],
        B64.encode(Sha256::digest(verifier.as_bytes()))
    );
    let command = text_of(&page, "token-command");
    for part in [
        format!("curl -sS {}", app.url("/token")),
        format!("-u {client_id}:\"$CLIENT_SECRET\""),
        "-d grant_type=authorization_code".to_owned(),
        "--data-urlencode \"code=$CODE\"".to_owned(),
        format!("--data-urlencode redirect_uri={REDIRECT}"),
        format!("-d code_verifier={verifier}"),
    ] {
        assert!(command.contains(&part), "{part} in {command}");
    }
    // Nothing is stored: each visit makes a request of its own.
    let (_, again) = portal::page(&app, &dev, &path).await;
    assert_ne!(text_of(&again, "code-verifier"), verifier);
    assert_ne!(text_of(&again, "state"), state);

    // Following the link as themselves: the sandbox refuses the developer's real identity,
    // says nothing was shared, and offers the test persons (never a real person).
    let r = dev.get(&authorization_url).send().await.unwrap();
    assert_eq!(r.status(), 403);
    let policy = r.headers()["content-security-policy"]
        .to_str()
        .unwrap()
        .to_owned();
    assert!(
        policy.contains("form-action 'self' https://rp.example.org"),
        "the chooser's answer may end at the redirect URI: {policy}"
    );
    let html = r.text().await.unwrap();
    assert!(html.contains("signs in only test persons"), "{html}");
    assert!(html.contains("Nothing was shared with it."), "{html}");
    assert!(html.contains(r#"action="/signin/test-person""#), "{html}");
    assert!(html.contains(r#"<label for="test-person">"#), "{html}");
    assert!(
        html.contains(&format!(r#"<option value="{tester}">"#)),
        "{html}"
    );
    assert!(!html.contains(&me), "real persons are never offered");
    let population = civitas::demo::population();
    assert!(html.contains(population[1].national_id.as_str()), "{html}");
    let waiting = continue_value(&html);

    // The developer continues as the test person, and consents as them.
    let r = choose(&app, &dev, &waiting, &tester).await;
    assert_eq!(r.status(), 303, "{}", r.text().await.unwrap_or_default());
    assert_eq!(
        location(&r),
        format!("/authorize/resume?continue={waiting}")
    );
    let r = dev.get(app.url(&location(&r))).send().await.unwrap();
    assert_eq!(r.status(), 303);
    let consent = location(&r);
    assert!(consent.starts_with("/consent?continue="), "{consent}");
    let (status, consent_page) = portal::page(&app, &dev, &consent).await;
    assert_eq!(status, 200);
    assert!(
        consent_page.contains(&population[1].given_names),
        "the test person's data is what is shared"
    );
    let consent_id = consent.split("continue=").nth(1).unwrap();
    let r = post(&app, &dev, "/consent")
        .form(&[
            ("continue", consent_id),
            ("decision", "allow"),
            ("remember", "yes"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 303);
    let r = dev.get(app.url(&location(&r))).send().await.unwrap();
    assert_eq!(r.status(), 303);
    let callback = location(&r);
    assert!(callback.starts_with(REDIRECT), "{callback}");
    let answer: HashMap<String, String> = url::Url::parse(&callback)
        .unwrap()
        .query_pairs()
        .into_owned()
        .collect();
    assert_eq!(answer["state"], state);
    assert_eq!(answer["iss"], app.base);

    // The code, redeemed as the page's command does it.
    let r = app
        .client
        .post(app.url("/token"))
        .basic_auth(&client_id, Some(&secret))
        .form(&[
            ("grant_type", "authorization_code"),
            ("code", answer["code"].as_str()),
            ("redirect_uri", REDIRECT),
            ("code_verifier", verifier.as_str()),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let tokens: Value = r.json().await.unwrap();
    let claims = jwt_claims(tokens["id_token"].as_str().expect("an ID token"));
    assert_eq!(claims["amr"], json!(["test"]));
    assert_eq!(claims["acr"], SUBSTANTIAL);
    assert_eq!(claims["nonce"], nonce.as_str());
    assert_eq!(claims["given_name"], population[1].given_names.as_str());

    // The browser's Civitas session is now the test person's; the portal's is still the
    // developer's own.
    let (_, account) = portal::page(&app, &dev, "/account").await;
    assert!(account.contains(&population[1].given_names), "{account}");
    assert!(!account.contains(&population[0].given_names), "{account}");
    let (status, _) = portal::page(&app, &dev, &format!("/portal/clients/{client_id}")).await;
    assert_eq!(status, 200);
    app.stop().await;
}

async fn only_a_test_person_for_a_sandbox_request_of_this_session_can_be_chosen(db: TestDb) {
    let app = TestApp::spawn(&db).await;
    let (dev, _, _) = portal::developer(&app, 0).await;
    let tester = portal::person(&app, 1, true).await;
    let real = portal::person(&app, 2, false).await;
    let org = portal::organisation(&app, &dev, "GOV-000502").await;
    let (client_id, _) = portal::sandbox_client(
        &app,
        &dev,
        &org,
        &portal::client_fields("Northbank sandbox"),
    )
    .await;
    let (_, challenge) = oidc::pkce();
    let r = dev
        .get(oidc::authorize_url(&app, &client_id, &challenge, &[]))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 403);
    let waiting = continue_value(&r.text().await.unwrap());

    // A real person is never taken, nor a person who does not exist.
    for person in [real.as_str(), "no-such-person"] {
        let r = choose(&app, &dev, &waiting, person).await;
        assert_eq!(r.status(), 400);
        let page = r.text().await.unwrap();
        assert!(
            page.contains("That is not one of the test persons."),
            "{page}"
        );
    }
    // Nobody was signed in: the browser is still the developer's.
    let (_, account) = portal::page(&app, &dev, "/account").await;
    let population = civitas::demo::population();
    assert!(account.contains(&population[0].given_names), "{account}");
    assert!(!account.contains(&population[2].given_names), "{account}");

    // A request this session does not have: made up, or another browser's.
    let r = choose(&app, &dev, "not-a-request", &tester).await;
    assert_eq!(r.status(), 400);
    assert!(r.text().await.unwrap().contains("has expired"));
    let stranger = client();
    let r = choose(&app, &stranger, &waiting, &tester).await;
    assert_eq!(r.status(), 400);
    let (_, account) = portal::page(&app, &stranger, "/account").await;
    assert!(!account.contains(&population[1].given_names));

    // A production client's waiting request: test persons are never signed in for it.
    let (production, _) = oidc::register_in(&app, oidc::web_client("Tax Board")).await;
    let fresh = client();
    let r = fresh
        .get(oidc::authorize_url(&app, &production, &challenge, &[]))
        .send()
        .await
        .unwrap();
    let signin = location(&r);
    assert!(signin.starts_with("/signin?continue="), "{signin}");
    let production_waiting = signin.split("continue=").nth(1).unwrap();
    let r = choose(&app, &fresh, production_waiting, &tester).await;
    assert_eq!(r.status(), 400);
    assert!(
        r.text()
            .await
            .unwrap()
            .contains("Test persons can sign in only to sandbox services")
    );

    // The form is read strictly, and only from Civitas's own pages.
    for (form, says) in [
        (
            vec![
                ("continue", waiting.as_str()),
                ("person", &tester),
                ("role", "x"),
            ],
            "The form field role is unknown",
        ),
        (
            vec![
                ("continue", &waiting),
                ("person", &tester),
                ("person", &tester),
            ],
            "The form field person is given twice",
        ),
        (
            vec![("continue", &waiting)],
            "The form field person is missing",
        ),
    ] {
        let r = post(&app, &dev, "/signin/test-person")
            .form(&form)
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 400);
        let page = r.text().await.unwrap();
        assert!(page.contains(says), "{says}: {page}");
    }
    let r = dev
        .post(app.url("/signin/test-person"))
        .header("origin", "https://evil.example")
        .form(&[("continue", waiting.as_str()), ("person", &tester)])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 403);

    // The request is still waiting for the developer, who can go on with it.
    let r = choose(&app, &dev, &waiting, &tester).await;
    assert_eq!(r.status(), 303);
    app.stop().await;
}

async fn the_sign_in_page_offers_test_persons_for_sandbox_requests_only(db: TestDb) {
    let app = TestApp::spawn(&db).await;
    let tester = portal::person(&app, 1, true).await;
    let (sandbox, _) = oidc::register(&app, oidc::web_client("Northbank sandbox")).await;
    let (production, _) = oidc::register_in(&app, oidc::web_client("Tax Board")).await;
    let (_, challenge) = oidc::pkce();
    let signin_page = |browser: reqwest::Client, client_id: String| {
        let (app, challenge) = (&app, &challenge);
        async move {
            let r = browser
                .get(oidc::authorize_url(app, &client_id, challenge, &[]))
                .send()
                .await
                .unwrap();
            let signin = location(&r);
            assert!(signin.starts_with("/signin?continue="), "{signin}");
            let (status, page) = portal::page(app, &browser, &signin).await;
            assert_eq!(status, 200);
            (signin.split("continue=").nth(1).unwrap().to_owned(), page)
        }
    };

    let browser = client();
    let (waiting, page) = signin_page(browser.clone(), sandbox).await;
    assert!(
        page.contains("Test persons (this service is a sandbox)"),
        "{page}"
    );
    assert!(
        page.contains(&format!(r#"<option value="{tester}">"#)),
        "{page}"
    );
    assert_eq!(continue_value(&page), waiting);
    assert!(
        page.contains("/signin/code?continue="),
        "the usual ways stay"
    );
    let r = choose(&app, &browser, &waiting, &tester).await;
    assert_eq!(r.status(), 303);
    let r = browser.get(app.url(&location(&r))).send().await.unwrap();
    assert!(location(&r).starts_with("/consent?continue="));

    let (_, page) = signin_page(client(), production).await;
    assert!(!page.contains("Test persons"), "{page}");
    assert!(!page.contains("/signin/test-person"), "{page}");
    assert!(page.contains("/signin/code?continue="));
    app.stop().await;
}

async fn the_test_sign_in_page_is_for_sandbox_clients_and_members_who_may_test(db: TestDb) {
    let app = TestApp::spawn(&db).await;
    let (owner, _, _) = portal::developer(&app, 0).await;
    let org = portal::organisation(&app, &owner, "GOV-000503").await;
    let (sandbox, _) =
        portal::sandbox_client(&app, &owner, &org, &portal::client_fields("Northbank")).await;
    let production = portal::production_client(&app, &owner, &sandbox).await;
    let page = |browser: &reqwest::Client, client_id: &str| {
        let path = format!("/portal/clients/{client_id}/test-signin");
        let (app, browser) = (&app, browser.clone());
        async move { portal::page(app, &browser, &path).await.0 }
    };
    assert_eq!(page(&owner, &sandbox).await, 200);
    // Test persons never sign in to a production client: it has no such page.
    assert_eq!(page(&owner, &production).await, 404);

    // Another developer: nothing to see until they are a member, and then as their role says.
    let (other, _, _) = portal::developer(&app, 3).await;
    assert_eq!(page(&other, &sandbox).await, 404);
    let own = portal::organisation(&app, &other, "GOV-000504").await;
    let other_id = civitas::store::portal::find_members(&app.state.db, &own)
        .await
        .unwrap()
        .remove(0)
        .developer_id;
    // Added as a viewer (what accepting an invitation with that role records).
    let added = civitas::transaction!(app.state.db, sqlx::Error, |tx| {
        civitas::store::portal::insert_member(
            tx,
            &org,
            &other_id,
            "viewer",
            "developer:owner",
            app.state.clock.now(),
        )
        .await
    })
    .unwrap();
    assert!(added);
    assert_eq!(page(&other, &sandbox).await, 403, "a viewer only reads");
    let (status, _) = portal::page(&app, &other, &format!("/portal/clients/{sandbox}")).await;
    assert_eq!(status, 200, "a viewer reads the client");
    app.stop().await;
}

async fn a_test_person_at_a_production_client_is_offered_to_sign_out(db: TestDb) {
    let app = TestApp::spawn(&db).await;
    let tester = portal::person(&app, 1, true).await;
    let (production, _) = oidc::register_in(&app, oidc::web_client("Tax Board")).await;
    oidc::consent(&app, &tester, &production, "openid profile").await;
    let (browser, _) = oidc::signed_in_browser(&app, &tester, SUBSTANTIAL).await;
    let (_, challenge) = oidc::pkce();
    let url = oidc::authorize_url(&app, &production, &challenge, &[]);
    let r = browser.get(&url).send().await.unwrap();
    assert_eq!(r.status(), 403);
    let page = r.text().await.unwrap();
    assert!(page.contains("does not accept test persons"), "{page}");
    assert!(page.contains("Nothing was shared with it."), "{page}");
    assert!(page.contains("sign in as yourself"), "{page}");
    assert!(!page.contains("/signin/test-person"), "{page}");
    let main = page.split("<main").nth(1).unwrap();
    assert!(
        main.contains(r#"<form method="post" action="/signout">"#),
        "a sign-out button in the page itself: {main}"
    );

    // With prompt=none no page may be shown: the service learns that a sign-in is needed.
    let answer = oidc::redirect_query(
        &browser,
        &oidc::authorize_url(&app, &production, &challenge, &[("prompt", "none")]),
    )
    .await;
    assert_eq!(answer["error"], "login_required");
    assert!(!answer.contains_key("code"));

    // Switching language shows the same page in French (the request keeps waiting).
    let next = after(&page, r#"name="next" value=""#, '"');
    assert!(next.starts_with("/authorize/resume?continue="), "{next}");
    let r = post(&app, &browser, "/language")
        .form(&[("lang", "fr"), ("next", next.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(location(&r), next);
    let r = browser.get(app.url(&next)).send().await.unwrap();
    assert_eq!(r.status(), 403);
    let page = r.text().await.unwrap();
    assert!(
        page.contains("Ce service n’accepte pas les personnes de test"),
        "{page}"
    );

    // Signed out, the same request asks for a sign-in.
    let r = post(&app, &browser, "/signout").send().await.unwrap();
    assert_eq!(location(&r), "/signed-out");
    let r = browser.get(&url).send().await.unwrap();
    assert!(location(&r).starts_with("/signin?continue="));
    app.stop().await;
}

/// In Chromium, which applies `form-action` to every redirect after a form: choosing a test
/// person whose consent is remembered goes from the chooser straight to the service.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_chosen_test_person_reaches_the_service_in_a_real_browser() {
    if !chromium_present() {
        return;
    }
    let db = TestDb::sqlite();
    let app = TestApp::spawn(&db).await;
    let me = portal::person(&app, 0, false).await;
    let tester = portal::person(&app, 1, true).await;
    let (rp, codes) = relying_party().await;
    let redirect = format!("{rp}/callback");
    let (client_id, _) = oidc::register(
        &app,
        civitas::oidc::clients::ClientRequest {
            redirect_uris: vec![redirect.clone()],
            ..oidc::web_client("Northbank sandbox")
        },
    )
    .await;
    oidc::consent(&app, &tester, &client_id, "openid profile").await;
    let session = portal::session_cookie(&app, &me, SUBSTANTIAL).await;
    let (mut browser, page, events, _profile) = chromium_with_authenticator().await;
    page.set_cookie(
        chromiumoxide::cdp::browser_protocol::network::CookieParam::builder()
            .name("civitas_session")
            .value(session)
            .url(app.url("/"))
            .path("/")
            .build()
            .unwrap(),
    )
    .await
    .unwrap();
    let (_, challenge) = oidc::pkce();
    let url = oidc::authorize_url(&app, &client_id, &challenge, &[("redirect_uri", &redirect)]);
    page.goto(url.as_str()).await.unwrap();
    js_click(&element(&page, "main form[action='/signin/test-person'] button").await).await;
    wait_for_codes(&codes, 1).await;

    browser.close().await.unwrap();
    let _ = browser.wait().await;
    events.abort();
    app.stop().await;
}
