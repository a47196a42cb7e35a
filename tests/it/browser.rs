//! The real pages and the real JavaScript in headless Chromium, with a virtual WebAuthn
//! authenticator added over the DevTools protocol: activation, passkey creation, consent and a
//! later usernameless sign-in, each ending at the relying party's redirect URI with a code.
//!
//! Needs Debian's `chromium` (`.ci/run` installs it). Without it the test says so loudly and
//! passes, unless `CIVITAS_REQUIRE_BROWSER=1` (as in CI). With `CIVITAS_SCREENSHOTS=DIR` it
//! saves what a 320 px screen shows of the receipt there, to look at.

use std::{
    path::Path,
    sync::{Arc, Mutex},
    time::Duration,
};

use chromiumoxide::{
    Browser, BrowserConfig, Page,
    cdp::browser_protocol::{
        emulation::SetDeviceMetricsOverrideParams,
        web_authn::{
            AddVirtualAuthenticatorParams, AuthenticatorProtocol, AuthenticatorTransport,
            EnableParams, VirtualAuthenticatorOptions,
        },
    },
};
use futures_util::StreamExt;

use crate::support::{
    TestApp, TestDb,
    oidc::{authorize_url, pkce, register, seeded_person, token_request},
};

const CHROMIUM: &str = "/usr/bin/chromium";

/// A stand-in relying party: records the codes that arrive at its redirect URI.
pub(crate) async fn relying_party() -> (String, Arc<Mutex<Vec<String>>>) {
    let codes = Arc::new(Mutex::new(Vec::new()));
    let seen = codes.clone();
    let app = axum::Router::new().route(
        "/callback",
        axum::routing::get(
            move |q: axum::extract::Query<std::collections::HashMap<String, String>>| {
                let seen = seen.clone();
                async move {
                    if let Some(code) = q.get("code") {
                        seen.lock().unwrap().push(code.clone());
                    }
                    "Demo Agency: signed in"
                }
            },
        ),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://localhost:{}", listener.local_addr().unwrap().port());
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    (base, codes)
}

pub(crate) async fn wait_for_url(page: &Page, what: &str, contains: &str) -> String {
    for _ in 0..150 {
        if let Ok(Some(url)) = page.url().await
            && url.contains(contains)
        {
            return url;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let url = page.url().await.ok().flatten().unwrap_or_default();
    let html = page.content().await.unwrap_or_default();
    panic!("{what}: still at {url}\n{html}");
}

/// The element once the page has it (navigation may still be under way).
pub(crate) async fn element(page: &Page, selector: &str) -> chromiumoxide::Element {
    for _ in 0..100 {
        if let Ok(e) = page.find_element(selector).await {
            return e;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("no {selector} on {:?}", page.url().await.ok().flatten());
}

/// Clicks an element from inside the page. The sign-in page reveals its autofill field once
/// the browser says it supports it, which moves what is below; a click at coordinates taken
/// before that can land on another element.
pub(crate) async fn js_click(element: &chromiumoxide::Element) {
    element
        .call_js_fn("function() { this.click(); }", false)
        .await
        .expect("click");
}

pub(crate) async fn wait_for_codes(codes: &Arc<Mutex<Vec<String>>>, n: usize) {
    for _ in 0..150 {
        if codes.lock().unwrap().len() >= n {
            return;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("the relying party did not receive code number {n}");
}

/// Whether the browser tests can run: Chromium is there, or the run says it must be.
pub(crate) fn chromium_present() -> bool {
    if Path::new(CHROMIUM).exists() {
        return true;
    }
    if std::env::var("CIVITAS_REQUIRE_BROWSER").as_deref() == Ok("1") {
        panic!("CIVITAS_REQUIRE_BROWSER=1 but {CHROMIUM} is missing");
    }
    eprintln!(
        "\n!!! SKIPPING the browser test: {CHROMIUM} is missing (apt-get install chromium)\n"
    );
    false
}

/// Headless Chromium with a page that has a virtual platform authenticator (resident keys,
/// user verification). Keep the returned folder alive as long as the browser.
pub(crate) async fn chromium_with_authenticator() -> (
    Browser,
    Page,
    tokio::task::JoinHandle<()>,
    tempfile::TempDir,
) {
    let profile = tempfile::tempdir().unwrap();
    let config = BrowserConfig::builder()
        .chrome_executable(CHROMIUM)
        .no_sandbox()
        .new_headless_mode()
        .user_data_dir(profile.path())
        .args([
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
        ])
        .build()
        .unwrap();
    let (browser, mut handler) = Browser::launch(config).await.expect("chromium starts");
    let events = tokio::spawn(async move { while handler.next().await.is_some() {} });
    let page = browser.new_page("about:blank").await.unwrap();
    page.execute(EnableParams::builder().enable_ui(false).build())
        .await
        .unwrap();
    let options = VirtualAuthenticatorOptions::builder()
        .protocol(AuthenticatorProtocol::Ctap2)
        .transport(AuthenticatorTransport::Internal)
        .has_resident_key(true)
        .has_user_verification(true)
        .is_user_verified(true)
        .automatic_presence_simulation(true)
        .build()
        .unwrap();
    page.execute(AddVirtualAuthenticatorParams::new(options))
        .await
        .unwrap();

    (browser, page, events, profile)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_citizen_activates_and_signs_in_with_a_passkey_in_a_real_browser() {
    if !chromium_present() {
        return;
    }
    let db = TestDb::sqlite();
    let app = TestApp::spawn(&db).await;
    let person = seeded_person(&app).await;
    let national_id = civitas::demo::population()[0]
        .national_id
        .as_str()
        .to_owned();
    let code =
        civitas::authn::activation::issue_code(&app.state.db, &national_id, app.state.clock.now())
            .await
            .unwrap();
    let (rp, codes) = relying_party().await;
    let (client_id, secret) = register(
        &app,
        civitas::oidc::clients::ClientRequest {
            display_name: "Demo Agency".into(),
            purpose: "Permits".into(),
            redirect_uris: vec![format!("{rp}/callback")],
            scope: Some("profile email".into()),
            optional_scope: Some("email".into()),
            ..Default::default()
        },
    )
    .await;
    let secret = secret.unwrap();

    let (mut browser, page, events, _profile) = chromium_with_authenticator().await;

    // The relying party sends the citizen to Civitas.
    let redirect = format!("{rp}/callback");
    let (verifier, challenge) = pkce();
    let url = authorize_url(
        &app,
        &client_id,
        &challenge,
        &[
            ("redirect_uri", &redirect),
            ("scope", "openid profile email"),
        ],
    );
    page.goto(url.as_str()).await.unwrap();
    wait_for_url(&page, "sign-in page", "/signin?continue=").await;

    // First time: activate with national ID and code, through the real form.
    js_click(&element(&page, "a[href^='/activate']").await).await;
    wait_for_url(&page, "activation page", "/activate").await;
    element(&page, "#national_id")
        .await
        .click()
        .await
        .unwrap()
        .type_str(&national_id)
        .await
        .unwrap();
    element(&page, "#code")
        .await
        .click()
        .await
        .unwrap()
        .type_str(&code)
        .await
        .unwrap();
    element(&page, "form[action='/activate'] button")
        .await
        .click()
        .await
        .unwrap();
    wait_for_url(&page, "passkey page", "/activate/passkey").await;

    // The real JS creates a passkey on the virtual authenticator.
    element(&page, "button[data-passkey='register']")
        .await
        .click()
        .await
        .unwrap();
    wait_for_url(&page, "recovery codes offer", "/recovery-codes").await;
    element(&page, "main a[href^='/authorize/resume']")
        .await
        .click()
        .await
        .unwrap();
    wait_for_url(&page, "consent page", "/consent?continue=").await;
    // The e-mail address is optional: the citizen unticks it, then allows.
    let share_email = element(&page, "#share-email").await;
    share_email.click().await.unwrap();
    let ticked = share_email
        .call_js_fn("function() { return this.checked; }", false)
        .await
        .unwrap();
    assert_eq!(ticked.result.value, Some(serde_json::json!(false)));
    // Remembered, so the sign-in below goes straight back ("only this time" would ask again).
    element(&page, "#remember").await.click().await.unwrap();
    element(&page, "button[value='allow']")
        .await
        .click()
        .await
        .unwrap();
    wait_for_codes(&codes, 1).await;
    // The relying party redeems the code: the ID token has no e-mail address.
    let code = codes.lock().unwrap()[0].clone();
    let (status, tokens) = token_request(
        &app,
        &client_id,
        &secret,
        &[
            ("grant_type", "authorization_code"),
            ("code", code.as_str()),
            ("redirect_uri", redirect.as_str()),
            ("code_verifier", verifier.as_str()),
        ],
    )
    .await;
    assert_eq!(status, 200, "{tokens}");
    let id_token = tokens["id_token"].as_str().unwrap();
    let payload: serde_json::Value = {
        use base64::Engine;
        serde_json::from_slice(
            &base64::engine::general_purpose::URL_SAFE_NO_PAD
                .decode(id_token.split('.').nth(1).unwrap())
                .unwrap(),
        )
        .unwrap()
    };
    assert!(payload.get("email").is_none() && payload["given_name"].is_string());

    // Sign out, then come back: usernameless sign-in with the discoverable passkey.
    let signed_in_before = civitas::store::accounts::find_account_by_person(&app.state.db, &person)
        .await
        .unwrap();
    assert!(signed_in_before.is_some(), "activation created the account");
    let (_, challenge) = pkce();
    let url = authorize_url(
        &app,
        &client_id,
        &challenge,
        &[("redirect_uri", &redirect), ("prompt", "login")],
    );
    page.goto(url.as_str()).await.unwrap();
    wait_for_url(&page, "sign-in page", "/signin?continue=").await;
    // Where Chromium offers conditional UI, the page's autofill request may already complete
    // with the virtual authenticator before the button is pressed; either way the real JS
    // signs the citizen in.
    // Give that a moment first: pressing the button while an autofill answer is on its way
    // races two ceremonies on one session (the page then refuses the second).
    if tokio::time::timeout(Duration::from_secs(3), wait_for_codes(&codes, 2))
        .await
        .is_err()
        && let Ok(button) = page.find_element("button[data-passkey='signin']").await
    {
        let _ = button
            .call_js_fn("function() { this.click(); }", false)
            .await;
    }
    if tokio::time::timeout(Duration::from_secs(15), wait_for_codes(&codes, 2))
        .await
        .is_err()
    {
        panic!(
            "no second code; the page: {:?}\n{}",
            page.url().await.ok().flatten(),
            page.content().await.unwrap_or_default()
        );
    }

    // The data-release page shows the release: the service, the details by name, no e-mail.
    page.goto(app.url("/account#releases").as_str())
        .await
        .unwrap();
    wait_for_url(&page, "account page", "/account").await;
    let sessions = element(&page, "#sessions + ul").await;
    let sessions = sessions.inner_text().await.unwrap().unwrap_or_default();
    assert!(
        sessions.contains("Chrome on Linux"),
        "each session says which device: {sessions}"
    );
    let row = element(&page, "#releases tbody tr").await;
    let text = row.inner_text().await.unwrap().unwrap_or_default();
    assert!(
        text.contains("Demo Agency") && text.contains("given_name") && !text.contains("email"),
        "{text}"
    );
    element(&page, "#releases tbody tr a[href^='/account/releases/']")
        .await
        .click()
        .await
        .unwrap();
    wait_for_url(&page, "receipt", "/account/releases/").await;
    // The address changes before the new page is in: read it once its receipt is there.
    let receipt = element(&page, ".receipt")
        .await
        .inner_html()
        .await
        .unwrap()
        .unwrap_or_default();
    assert!(receipt.contains("Fingerprint of this entry"), "{receipt}");

    // On a 320 px screen the receipt does not scroll sideways, long client id and hashes
    // included (WCAG 1.4.10 reflow).
    page.execute(SetDeviceMetricsOverrideParams::new(320, 800, 1.0, true))
        .await
        .unwrap();
    page.reload().await.unwrap();
    element(&page, ".receipt").await;
    let width: i64 = page
        .evaluate("document.documentElement.scrollWidth")
        .await
        .unwrap()
        .into_value()
        .unwrap();
    assert!(
        width <= 320,
        "the receipt is {width} px wide on a 320 px screen"
    );
    if let Ok(dir) = std::env::var("CIVITAS_SCREENSHOTS") {
        page.save_screenshot(
            chromiumoxide::page::ScreenshotParams::builder()
                .full_page(true)
                .build(),
            Path::new(&dir).join("receipt-320.png"),
        )
        .await
        .unwrap();
    }

    // A citizen on a shared computer signs out from the header of any page.
    js_click(&element(&page, "header form.sign-out button").await).await;
    wait_for_url(&page, "signed-out page", "/signed-out").await;
    page.goto(app.url("/account").as_str()).await.unwrap();
    wait_for_url(&page, "sign-in page after signing out", "/signin").await;

    browser.close().await.unwrap();
    let _ = browser.wait().await;
    events.abort();
    app.stop().await;
}

/// Types `text` into the field `selector`.
pub(crate) async fn fill(page: &Page, selector: &str, text: &str) {
    element(page, selector)
        .await
        .click()
        .await
        .unwrap()
        .type_str(text)
        .await
        .unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_helpdesk_member_signs_in_with_a_passkey_and_unlocks_a_citizen_who_then_sees_it() {
    if !chromium_present() {
        return;
    }
    let db = TestDb::sqlite();
    let app = TestApp::spawn(&db).await;
    let person = seeded_person(&app).await;
    let me = &civitas::demo::population()[0];
    // A citizen locked out (not for fraud: one person may lift it).
    let account_id = uuid::Uuid::new_v4().to_string();
    let now = app.state.clock.now();
    civitas::transaction!(app.state.db, sqlx::Error, |tx| {
        civitas::store::accounts::insert_account(tx, &account_id, &person, now).await?;
        civitas::store::accounts::update_account_lock(
            tx,
            &account_id,
            Some(i64::MAX),
            Some("locked by the helpdesk"),
        )
        .await?;
        Ok(())
    })
    .unwrap();
    // The member is bootstrapped as `civitas staff create` does it.
    let (member, token) = civitas::admin::members::create(
        &app.state.db,
        civitas::admin::Role::Helpdesk,
        "Helga Helper",
        now,
    )
    .await
    .unwrap();

    let (mut browser, page, events, _profile) = chromium_with_authenticator().await;
    // Enrolment: the one-time link, then the staff passkey.
    page.goto(app.url(&format!("/admin/enrol?token={token}")).as_str())
        .await
        .unwrap();
    js_click(&element(&page, "button[data-passkey='register']").await).await;
    wait_for_url(&page, "the console's sign-in page", "/admin/signin").await;
    // Sign-in with it.
    js_click(&element(&page, "button[data-passkey='signin']").await).await;
    for _ in 0..100 {
        if page
            .url()
            .await
            .ok()
            .flatten()
            .is_some_and(|u| u.ends_with("/admin"))
        {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    js_click(&element(&page, "a[href='/admin/citizens']").await).await;
    wait_for_url(&page, "the search page", "/admin/citizens").await;

    // Find the citizen by national ID; open the record with a reason.
    fill(&page, "#national_id", me.national_id.as_str()).await;
    js_click(&element(&page, "form[action='/admin/citizens'] button").await).await;
    // The results list, once the new page is there (the URL changes before its content).
    element(&page, "form[action='/admin/citizens/open'] button").await;
    let result = page.content().await.unwrap();
    assert!(result.contains("identity locked"), "the result says locked");
    fill(&page, "#detail-1", "TICKET-77").await;
    js_click(&element(&page, "form[action='/admin/citizens/open'] button").await).await;
    wait_for_url(&page, "the record", &format!("/admin/citizens/{person}")).await;

    // Unlock, with a reason (the field of the unlock form, once the record page is there).
    let unlock = format!("form[action='/admin/citizens/{person}/unlock']");
    fill(
        &page,
        &format!("{unlock} input[name='detail']"),
        "TICKET-77 identity checked by phone",
    )
    .await;
    js_click(
        &element(
            &page,
            &format!("form[action='/admin/citizens/{person}/unlock'] button"),
        )
        .await,
    )
    .await;
    wait_for_url(&page, "the record after unlocking", "done=unlock").await;
    let account = civitas::store::accounts::find_account(&app.state.db, &account_id)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(account.locked_until, None, "unlocked");
    // The record page, with all its forms, fits a 320 px screen.
    page.execute(SetDeviceMetricsOverrideParams::new(320, 800, 1.0, true))
        .await
        .unwrap();
    page.reload().await.unwrap();
    element(&page, "form.admin-action").await;
    let width: i64 = page
        .evaluate("document.documentElement.scrollWidth")
        .await
        .unwrap()
        .into_value()
        .unwrap();
    assert!(width <= 320, "the record page is {width} px wide at 320 px");
    if let Ok(dir) = std::env::var("CIVITAS_SCREENSHOTS") {
        page.save_screenshot(
            chromiumoxide::page::ScreenshotParams::builder()
                .full_page(true)
                .build(),
            Path::new(&dir).join("admin-record-320.png"),
        )
        .await
        .unwrap();
    }

    // The citizen's own history: the unlock, its reason's category and time, a pseudonym,
    // never the member's name or the ticket.
    let (citizen, _) =
        crate::support::oidc::signed_in_browser(&app, &person, "urn:civitas:loa:substantial").await;
    let history = citizen
        .get(app.url("/account"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let line = history
        .lines()
        .find(|l| l.contains("The helpdesk unlocked your account"))
        .expect("the unlock is in the citizen's history");
    assert!(
        line.contains("at your request by phone")
            && line.contains(&member.pseudonym)
            && line.contains("<time>"),
        "{line}"
    );
    assert!(!history.contains("Helga") && !history.contains("TICKET-77"));

    browser.close().await.unwrap();
    let _ = browser.wait().await;
    events.abort();
    app.stop().await;
}
