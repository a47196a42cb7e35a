//! The relying-party portal end to end in headless Chromium with a virtual authenticator: a
//! developer activates their Civitas identity and signs in to the portal with a passkey,
//! creates an organisation and a sandbox client through the real forms; a relying party built
//! on the `openidconnect` crate signs a test person in with that client; the developer
//! submits for production, a supervisor approves in the console, the developer creates the
//! production secret, and the production client signs in a real person (the developer, with
//! their passkey).

use std::time::Duration;

use chromiumoxide::{
    Page,
    cdp::browser_protocol::{emulation::SetDeviceMetricsOverrideParams, network::CookieParam},
};
use openidconnect::{
    AuthenticationFlow, AuthorizationCode, ClientId, ClientSecret, CsrfToken, Nonce,
    PkceCodeChallenge, RedirectUrl, Scope, TokenResponse,
    core::{CoreClient, CoreResponseType},
};

use crate::{
    browser::{
        chromium_present, chromium_with_authenticator, element, fill, js_click, relying_party,
        wait_for_codes, wait_for_url,
    },
    oidc_flow::{discover, rp_http},
    support::{TestApp, TestDb, admin, portal},
};

/// The button that signs the chosen test person in (wrong-environment page and `/signin`).
const TEST_PERSON_BUTTON: &str = "main form[action='/signin/test-person'] button";
/// The keys page's button that creates (or rotates) the client secret.
const ROTATE_BUTTON: &str = "main form[action$='/secret'] button";

/// The text of the element `selector`.
async fn text_of(page: &Page, selector: &str) -> String {
    element(page, selector)
        .await
        .inner_text()
        .await
        .unwrap()
        .unwrap_or_default()
        .trim()
        .to_owned()
}

/// Runs the `openidconnect` relying party's code flow in the browser until its callback
/// receives code number `n`, with `steps` answering what Civitas shows on the way; returns
/// the verified ID token's claims as JSON.
async fn sign_in_with_library<F, Fut>(
    app: &TestApp,
    page: &Page,
    codes: &std::sync::Arc<std::sync::Mutex<Vec<String>>>,
    n: usize,
    (client_id, secret, redirect): (&str, &str, &str),
    steps: F,
) -> serde_json::Value
where
    F: FnOnce(String) -> Fut,
    Fut: std::future::Future<Output = ()>,
{
    let http = rp_http();
    let client = CoreClient::from_provider_metadata(
        discover(app).await,
        ClientId::new(client_id.to_owned()),
        Some(ClientSecret::new(secret.to_owned())),
    )
    .set_redirect_uri(RedirectUrl::new(redirect.to_owned()).unwrap());
    let (challenge, verifier) = PkceCodeChallenge::new_random_sha256();
    let (url, _csrf, nonce) = client
        .authorize_url(
            AuthenticationFlow::<CoreResponseType>::AuthorizationCode,
            CsrfToken::new_random,
            Nonce::new_random,
        )
        .add_scope(Scope::new("profile".into()))
        .set_pkce_challenge(challenge)
        .url();
    page.goto(url.as_str()).await.unwrap();
    steps(url.to_string()).await;
    wait_for_codes(codes, n).await;
    let code = codes.lock().unwrap()[n - 1].clone();
    let tokens = client
        .exchange_code(AuthorizationCode::new(code))
        .unwrap()
        .set_pkce_verifier(verifier)
        .request_async(&http)
        .await
        .expect("token exchange");
    let claims = tokens
        .id_token()
        .expect("an ID token")
        .claims(&client.id_token_verifier(), &nonce)
        .expect("the ID token verifies");
    serde_json::to_value(claims).unwrap()
}

/// Consents on the consent page (remembered).
async fn allow(page: &Page) {
    wait_for_url(page, "consent page", "/consent?continue=").await;
    element(page, "#remember").await.click().await.unwrap();
    js_click(&element(page, "button[value='allow']").await).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_developer_goes_from_sign_in_to_a_production_sign_in_in_a_real_browser() {
    if !chromium_present() {
        return;
    }
    let db = TestDb::sqlite();
    let app = TestApp::spawn(&db).await;
    portal::person(&app, 0, false).await;
    portal::person(&app, 1, true).await;
    let population = civitas::demo::population();
    let national_id = population[0].national_id.as_str().to_owned();
    let activation =
        civitas::authn::activation::issue_code(&app.state.db, &national_id, app.state.clock.now())
            .await
            .unwrap();
    let (rp, codes) = relying_party().await;
    let redirect = format!("{rp}/callback");
    let (mut browser, page, events, _profile) = chromium_with_authenticator().await;

    // The portal signs the developer in through Civitas: activation, a passkey, consent.
    page.goto(app.url("/portal").as_str()).await.unwrap();
    js_click(&element(&page, "form[action='/portal/signin'] button").await).await;
    wait_for_url(&page, "sign-in page", "/signin?continue=").await;
    js_click(&element(&page, "a[href^='/activate']").await).await;
    wait_for_url(&page, "activation page", "/activate").await;
    fill(&page, "#national_id", &national_id).await;
    fill(&page, "#code", &activation).await;
    js_click(&element(&page, "form[action='/activate'] button").await).await;
    wait_for_url(&page, "passkey page", "/activate/passkey").await;
    js_click(&element(&page, "button[data-passkey='register']").await).await;
    wait_for_url(&page, "recovery codes offer", "/recovery-codes").await;
    js_click(&element(&page, "main a[href^='/authorize/resume']").await).await;
    allow(&page).await;
    // Back on the portal, signed in: the organisation form.
    element(&page, "#legal_name").await;

    // An organisation and a sandbox client, through the real forms.
    fill(&page, "#legal_name", "Northbank plc").await;
    fill(&page, "#registration_number", "NB-2026-001").await;
    fill(&page, "#contact_email", "identity@northbank.example").await;
    js_click(&element(&page, "form[action='/portal/organisations'] button").await).await;
    wait_for_url(&page, "organisation page", "/portal/organisations/").await;
    js_click(&element(&page, "a[href$='/clients/new']").await).await;
    wait_for_url(&page, "client form", "/clients/new").await;
    fill(&page, "#client_name", "Northbank online").await;
    fill(&page, "#purpose", "To open your account").await;
    fill(&page, "#redirect_uris", &redirect).await;
    js_click(&element(&page, "main form[action$='/clients'] button[type='submit']").await).await;
    wait_for_url(&page, "client page", "/portal/clients/").await;
    let sandbox_id = text_of(&page, "#client-id").await;
    let sandbox_secret = text_of(&page, "#client-secret").await;
    assert_eq!(sandbox_secret.len(), 43, "a 32-byte secret, shown once");

    // The relying party signs a test person in with the sandbox client: Civitas offers the
    // test persons (the developer's own identity is real, so it cannot be used here).
    let claims = sign_in_with_library(
        &app,
        &page,
        &codes,
        1,
        (&sandbox_id, &sandbox_secret, &redirect),
        |_| async {
            let chooser = element(&page, TEST_PERSON_BUTTON).await;
            js_click(&chooser).await;
            allow(&page).await;
        },
    )
    .await;
    assert_eq!(claims["given_name"], population[1].given_names);

    // Submit for production; a supervisor approves in the console.
    page.goto(app.url(&format!("/portal/clients/{sandbox_id}")).as_str())
        .await
        .unwrap();
    js_click(&element(&page, "a[href$='/submit']").await).await;
    wait_for_url(&page, "submission form", "/submit").await;
    js_click(&element(&page, "main form[action$='/submit'] button[type='submit']").await).await;
    // Back on the client page, the application waits for review.
    element(&page, "td.status-pending").await;

    let supervisor = admin::new_staff(&app, civitas::admin::Role::Supervisor).await;
    let session =
        admin::staff_session_id(&app, &supervisor, civitas::admin::Role::Supervisor).await;
    page.set_cookie(
        CookieParam::builder()
            .name("civitas_admin")
            .value(session)
            .url(app.url("/admin"))
            .path("/admin")
            .build()
            .unwrap(),
    )
    .await
    .unwrap();
    page.goto(app.url("/admin/review").as_str()).await.unwrap();
    js_click(&element(&page, "section.request details summary").await).await;
    fill(
        &page,
        "form[action$='/approve'] input[name='detail']",
        "purpose and hosts checked",
    )
    .await;
    js_click(&element(&page, "form[action$='/approve'] button").await).await;
    wait_for_url(&page, "review queue", "done=approved").await;

    // The production client: the developer creates its secret on its keys page.
    page.goto(app.url(&format!("/portal/clients/{sandbox_id}")).as_str())
        .await
        .unwrap();
    let production_id =
        civitas::store::clients::find_production_client_of(&app.state.db, &sandbox_id)
            .await
            .unwrap()
            .expect("approved")
            .id;
    page.goto(
        app.url(&format!("/portal/clients/{production_id}/keys"))
            .as_str(),
    )
    .await
    .unwrap();
    js_click(&element(&page, ROTATE_BUTTON).await).await;
    wait_for_url(
        &page,
        "client page",
        &format!("/portal/clients/{production_id}"),
    )
    .await;
    let production_secret = text_of(&page, "#client-secret").await;

    let shared = &page;
    // The production client signs in a real person: the test person's session is refused
    // with a clear page; signed out, the developer signs in with their passkey.
    let claims = sign_in_with_library(
        &app,
        &page,
        &codes,
        2,
        (&production_id, &production_secret, &redirect),
        |url| async move {
            let page = shared;
            wait_for_url(page, "wrong-environment page", "/authorize").await;
            let text = page.content().await.unwrap();
            assert!(text.contains("does not accept test persons"), "{text}");
            js_click(&element(page, "main form[action='/signout'] button").await).await;
            wait_for_url(page, "signed out", "/signed-out").await;
            page.goto(url.as_str()).await.unwrap();
            wait_for_url(page, "sign-in page", "/signin?continue=").await;
            if tokio::time::timeout(Duration::from_secs(3), async {
                loop {
                    if page
                        .url()
                        .await
                        .ok()
                        .flatten()
                        .is_some_and(|u| u.contains("/consent"))
                    {
                        break;
                    }
                    tokio::time::sleep(Duration::from_millis(100)).await;
                }
            })
            .await
            .is_err()
                && let Ok(button) = page.find_element("button[data-passkey='signin']").await
            {
                let _ = button
                    .call_js_fn("function() { this.click(); }", false)
                    .await;
            }
            allow(page).await;
        },
    )
    .await;
    assert_eq!(claims["given_name"], population[0].given_names);

    // The portal reads on a 320 px screen without sideways scrolling.
    page.execute(SetDeviceMetricsOverrideParams::new(320, 800, 1.0, true))
        .await
        .unwrap();
    for path in [
        format!("/portal/clients/{sandbox_id}"),
        format!("/portal/clients/{sandbox_id}/edit"),
    ] {
        page.goto(app.url(&path).as_str()).await.unwrap();
        element(&page, "main h1").await;
        let width: i64 = page
            .evaluate("document.documentElement.scrollWidth")
            .await
            .unwrap()
            .into_value()
            .unwrap();
        assert!(width <= 320, "{path} is {width} px wide on a 320 px screen");
    }

    browser.close().await.unwrap();
    let _ = browser.wait().await;
    events.abort();
    app.stop().await;
}
