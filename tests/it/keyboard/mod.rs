//! The citizen's journey with the keyboard alone, checked against what assistive technology
//! is given: activation (a wrong code first), passkey creation, recovery codes, consent, a later
//! usernameless sign-in, the account page and signing out, in headless Chromium driven only by
//! key events (Tab, Shift+Tab, Enter, Space, arrows and typed text; no clicks, no scripted
//! submits).
//!
//! On every page, from Chromium's accessibility snapshot (`Accessibility.getFullAXTree`): every
//! control has a name, the headings start at one h1 and never skip a level, there is a main
//! landmark. Every control the Tab key reaches shows where the focus is (WCAG 2.4.7). The wrong
//! code's error is in a live region and linked to its fields (`aria-invalid`, described by the
//! error). On the account page the Tab key visits every control in document order, and the skip
//! link moves the focus into the page. Once in English and once in Arabic, right to left,
//! switched to with the keyboard in the footer.
//!
//! Needs Chromium, as `browser.rs`.

mod keys;
mod tree;

use chromiumoxide::cdp::browser_protocol::emulation::SetFocusEmulationEnabledParams;
use serde_json::json;

use crate::{
    browser::{chromium_present, chromium_with_authenticator, relying_party, wait_for_codes},
    support::{
        TestApp, TestDb,
        oidc::{authorize_url, pkce, register, seeded_person},
    },
};

use keys::*;

/// The whole journey in language `lang` (`en` stays with the default).
async fn journey(lang: &'static str) {
    let started = std::time::Instant::now();
    let db = TestDb::sqlite();
    let app = TestApp::spawn(&db).await;
    seeded_person(&app).await;
    let national_id = civitas::demo::population()[0]
        .national_id
        .as_str()
        .to_owned();
    let code =
        civitas::authn::activation::issue_code(&app.state.db, &national_id, app.state.clock.now())
            .await
            .unwrap();
    let (rp, codes) = relying_party().await;
    let redirect = format!("{rp}/callback");
    let (client_id, _) = register(
        &app,
        civitas::oidc::clients::ClientRequest {
            display_name: "Demo Agency".into(),
            purpose: "Permits".into(),
            redirect_uris: vec![redirect.clone()],
            scope: Some("profile email".into()),
            optional_scope: Some("email".into()),
            ..Default::default()
        },
    )
    .await;

    let (mut browser, page, events, _profile) = chromium_with_authenticator().await;
    // Focus and :focus-visible behave as in a window that has the focus.
    page.execute(SetFocusEmulationEnabledParams::new(true))
        .await
        .unwrap();
    raw(&page, "Accessibility.enable", json!({})).await;
    let mut kb = Keyboard {
        page: &page,
        lang,
        here: "start".into(),
        reached: 0,
        dir: "ltr",
    };

    // The relying party sends the citizen to Civitas.
    let (_, challenge) = pkce();
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
    kb.arrive("sign-in page", "/signin?continue=", "main h1")
        .await;
    if lang != "en" {
        kb.switch_language(lang).await;
        kb.dir = if lang == "ar" { "rtl" } else { "ltr" };
        kb.arrive(
            "sign-in page",
            "/signin?continue=",
            &format!("html[lang='{lang}'] main h1"),
        )
        .await;
    }

    // Activation: a wrong code first.
    kb.tab_to("main a[href^='/activate']").await;
    kb.enter().await;
    kb.arrive("activation page", "/activate", "#code").await;
    kb.tab_to("#national_id").await;
    kb.type_text(&national_id).await;
    kb.tab_to("#code").await;
    kb.type_text("WRONG-CODE-0000").await;
    kb.tab_to("form[action='/activate'] button").await;
    kb.enter().await;
    let tree = kb
        .arrive("activation error page", "/activate", "#form_error")
        .await;
    kb.check_error_linked(&tree, &["national_id", "code"]).await;
    // The national ID is kept; the right code, sent with Enter in its field.
    kb.tab_to("#code").await;
    kb.type_text(&code).await;
    kb.enter().await;

    // The real JavaScript creates a passkey on the virtual authenticator.
    kb.arrive(
        "passkey page",
        "/activate/passkey",
        "button[data-passkey='register']:not([hidden])",
    )
    .await;
    kb.tab_to("button[data-passkey='register']:not([data-high])")
        .await;
    kb.enter().await;
    kb.arrive(
        "recovery codes offer",
        "/recovery-codes",
        "form[action='/recovery-codes'] button",
    )
    .await;
    kb.tab_to("form[action='/recovery-codes'] button").await;
    kb.enter().await;
    kb.arrive("recovery codes", "/recovery-codes", "ol.recovery-codes")
        .await;
    kb.tab_to("main a[href^='/authorize/resume']").await;
    kb.enter().await;

    // Consent: the optional e-mail address unticked, the answer remembered, then allowed.
    kb.arrive(
        "consent page",
        "/consent?continue=",
        "button[value='allow']",
    )
    .await;
    kb.tab_to("#share-email").await;
    kb.space().await;
    let ticked: bool = kb
        .eval("document.getElementById('share-email').checked")
        .await;
    assert!(!ticked, "{}: Space did not untick the e-mail", kb.at());
    kb.tab_to("#remember").await;
    kb.space().await;
    let ticked: bool = kb.eval("document.getElementById('remember').checked").await;
    assert!(ticked, "{}: Space did not tick remember", kb.at());
    kb.tab_to("button[value='allow']").await;
    kb.enter().await;
    wait_for_codes(&codes, 1).await;
    eprintln!(
        "{}: {} controls reached with Tab, each showing its focus; the relying party has a code",
        kb.at(),
        kb.reached
    );
    kb.reached = 0;

    // Later: usernameless sign-in with the passkey. Headless Chromium answers the page's
    // conditional (autofill) request with the virtual authenticator at once, with no key
    // pressed; as in a browser without conditional UI, the page is told there is none, so the
    // citizen goes to the passkey button.
    raw(
        &page,
        "Page.addScriptToEvaluateOnNewDocument",
        json!({ "source": "if (window.PublicKeyCredential) { \
            PublicKeyCredential.isConditionalMediationAvailable = \
              () => Promise.resolve(false); }" }),
    )
    .await;
    let (_, challenge) = pkce();
    let url = authorize_url(
        &app,
        &client_id,
        &challenge,
        &[("redirect_uri", &redirect), ("prompt", "login")],
    );
    page.goto(url.as_str()).await.unwrap();
    kb.arrive(
        "returning sign-in page",
        "/signin?continue=",
        "button[data-passkey='signin']:not([hidden])",
    )
    .await;
    kb.tab_to("button[data-passkey='signin']").await;
    kb.enter().await;
    wait_for_codes(&codes, 2).await;
    eprintln!(
        "{}: {} controls reached with Tab, each showing its focus; signed in again with the \
         passkey button",
        kb.at(),
        kb.reached
    );
    kb.reached = 0;

    // The account page.
    page.goto(app.url("/account").as_str()).await.unwrap();
    kb.arrive("account page", "/account", "#details-heading")
        .await;
    kb.check_tab_order().await;
    page.goto(app.url("/account").as_str()).await.unwrap();
    kb.wait_for("account page", "/account", "#details-heading")
        .await;
    kb.check_skip_link().await;
    // Signing out from the header, back from inside main.
    kb.shift_tab_to("header form.sign-out button").await;
    kb.enter().await;
    kb.arrive("signed-out page", "/signed-out", "main h1").await;

    eprintln!(
        "[{lang}] keyboard journey done in {:.1} s",
        started.elapsed().as_secs_f64()
    );
    browser.close().await.unwrap();
    let _ = browser.wait().await;
    events.abort();
    app.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_citizen_activates_consents_and_manages_the_account_with_the_keyboard_alone() {
    if !chromium_present() {
        return;
    }
    journey("en").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_keyboard_journey_works_right_to_left_in_arabic() {
    if !chromium_present() {
        return;
    }
    journey("ar").await;
}
