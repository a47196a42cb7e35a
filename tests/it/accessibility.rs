//! WCAG 2.2 A and AA, checked by axe-core in headless Chromium: every route of the route table
//! (`src/app.rs`, read by this test, so a new route cannot be left out) in every language, in
//! its normal and error states, at 1280 px and 320 px wide; none scrolls sideways at 320 px,
//! nor at 200 % and 400 % zoom (640 and 320 CSS pixels on a 1280 px screen); and on every
//! error state, each field marked invalid says why through `aria-describedby`, with the
//! message in a live region.
//!
//! Each state is fetched over HTTP with the right session (a citizen, a staff member, a
//! developer, or nobody) and `Accept-Language`, then written into a Chromium page at the
//! server's origin, so its style sheet and scripts load as they do for a visitor.
//!
//! axe-core comes from `tests/node` (`npm ci` there; `.ci/run` does it). Needs Debian's
//! `chromium`; without either the test says so loudly and passes, unless
//! `CIVITAS_REQUIRE_BROWSER=1` (as in CI).

use std::collections::{BTreeMap, BTreeSet};

use chromiumoxide::{
    Page, cdp::browser_protocol::emulation::SetDeviceMetricsOverrideParams,
    cdp::js_protocol::runtime::EvaluateParams,
};
use civitas::{
    admin::Role,
    app::{ADMIN_OPEN_ROUTES, ADMIN_ROUTES},
    web::i18n::Lang,
};
use reqwest::Method;

use crate::{
    browser::{chromium_present, chromium_with_authenticator},
    support::{
        TestApp, TestDb,
        admin::{admin_post, reason, staff_browser},
        oidc::{
            authorize_url, get_code, pkce, register, register_in, signed_in_browser, token_request,
            web_client,
        },
        portal,
    },
};

/// axe-core's build, installed by `npm ci` in `tests/node`.
const AXE: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/tests/node/node_modules/axe-core/axe.min.js"
);

/// The rules: WCAG 2.0, 2.1 and 2.2 at levels A and AA.
const TAGS: &str = "['wcag2a','wcag2aa','wcag21a','wcag21aa','wcag22a','wcag22aa']";

/// What a route of the table is, for this test.
#[derive(Clone, Copy, Debug, PartialEq)]
enum Kind {
    /// A page people read: at least one normal state.
    Page,
    /// A page with a form: a normal state and an error state.
    Form,
    /// Something a form or link does, answering with a redirect: its error state.
    Action,
    /// Not a page, and why.
    Other(&'static str),
}

use Kind::*;

/// Every route of `src/app.rs` and what it is. A route added there and not here fails
/// `every_route_of_the_table_is_listed`.
const ROUTES: &[(&str, Kind)] = &[
    // The citizen's pages.
    ("/", Page),
    ("/help", Page),
    ("/language", Action),
    (
        "/session/extend",
        Other("answers the session-timeout warning's script with JSON"),
    ),
    ("/authorize/resume", Action),
    ("/consent", Form),
    ("/account", Page),
    ("/account/releases.json", Other("a download (JSON)")),
    ("/account/releases.csv", Other("a download (CSV)")),
    ("/account/releases/{id}", Page),
    ("/account/services/withdraw", Action),
    ("/account/sessions/end", Action),
    ("/account/sessions/end-all", Action),
    ("/account/passkeys/rename", Action),
    ("/account/passkeys/remove", Action),
    ("/account/passkeys/add", Page),
    ("/account/report", Action),
    ("/signin", Page),
    ("/signin/test-person", Action),
    ("/signout", Action),
    ("/signed-out", Page),
    ("/signin/code", Form),
    ("/signin/code/verify", Form),
    ("/demo/outbox", Page),
    ("/activate", Form),
    ("/activate/passkey", Page),
    ("/recovery-codes", Form),
    ("/recover", Form),
    (
        "/passkeys/register/start",
        Other("the passkey script's JSON"),
    ),
    (
        "/passkeys/register/finish",
        Other("the passkey script's JSON"),
    ),
    ("/passkeys/signin/start", Other("the passkey script's JSON")),
    (
        "/passkeys/signin/finish",
        Other("the passkey script's JSON"),
    ),
    ("/logout/confirm", Action),
    ("/authorize", Action),
    ("/logout", Form),
    ("/saml/sso", Action),
    ("/saml/slo", Action),
    // Protocol and machine endpoints.
    (
        "/.well-known/openid-configuration",
        Other("OpenID Connect discovery (JSON)"),
    ),
    (
        "/.well-known/oauth-authorization-server",
        Other("OAuth metadata (JSON)"),
    ),
    ("/token", Other("token endpoint (JSON)")),
    ("/par", Other("pushed authorization requests (JSON)")),
    ("/userinfo", Other("UserInfo (JSON or JWT)")),
    ("/revoke", Other("token revocation")),
    ("/introspect", Other("token introspection (JSON)")),
    ("/register", Other("dynamic client registration (JSON)")),
    (
        "/register/{client_id}",
        Other("client configuration (JSON)"),
    ),
    ("/jwks", Other("the public keys (JSON)")),
    ("/saml/metadata", Other("SAML metadata (XML)")),
    ("/clients/{id}/logo", Other("an image")),
    ("/healthz", Other("for load balancers")),
    ("/readyz", Other("for load balancers")),
    ("/metrics", Other("for monitoring")),
    ("/static/{name}", Other("style sheet, scripts and icons")),
    // The helpdesk console.
    ("/admin/signin", Page),
    (
        "/admin/passkeys/signin/start",
        Other("the passkey script's JSON"),
    ),
    (
        "/admin/passkeys/signin/finish",
        Other("the passkey script's JSON"),
    ),
    ("/admin/enrol", Page),
    (
        "/admin/passkeys/register/start",
        Other("the passkey script's JSON"),
    ),
    (
        "/admin/passkeys/register/finish",
        Other("the passkey script's JSON"),
    ),
    ("/admin/signout", Action),
    ("/admin", Page),
    ("/admin/citizens", Form),
    ("/admin/citizens/open", Action),
    ("/admin/citizens/{id}", Page),
    ("/admin/references", Form),
    ("/admin/citizens/{id}/unlock", Action),
    ("/admin/citizens/{id}/lock", Action),
    ("/admin/citizens/{id}/sessions/end", Action),
    ("/admin/citizens/{id}/reactivate", Action),
    ("/admin/citizens/{id}/passkeys/revoke", Action),
    ("/admin/citizens/{id}/consents/withdraw", Action),
    ("/admin/requests", Page),
    ("/admin/requests/{id}/{decision}", Action),
    ("/admin/clients", Page),
    ("/admin/clients/{id}", Page),
    ("/admin/clients/{id}/suspend", Action),
    ("/admin/clients/{id}/resume", Action),
    ("/admin/clients/{id}/national-id", Action),
    ("/admin/review", Page),
    ("/admin/review/{id}/{decision}", Action),
    ("/admin/operator", Page),
    ("/admin/keys/rotate", Action),
    ("/admin/ledger", Page),
    ("/admin/ledger/verify", Action),
    ("/admin/log", Page),
    ("/admin/log.csv", Other("a download (CSV)")),
    ("/admin/staff", Page),
    ("/admin/staff/{id}/{change}", Action),
    // The relying-party portal.
    ("/portal", Page),
    ("/portal/signin", Action),
    ("/portal/callback", Action),
    ("/portal/signout", Action),
    ("/portal/invitations/{token}", Page),
    ("/portal/organisations", Action),
    ("/portal/organisations/{id}", Page),
    ("/portal/organisations/{id}/invitations", Action),
    ("/portal/invitations/{token}/accept", Action),
    ("/portal/organisations/{id}/clients/new", Page),
    ("/portal/organisations/{id}/clients", Action),
    ("/portal/clients/{id}", Page),
    ("/portal/clients/{id}/edit", Form),
    ("/portal/clients/{id}/submit", Form),
    ("/portal/clients/{id}/redirect-uris", Action),
    ("/portal/clients/{id}/test", Page),
    ("/portal/clients/{id}/usage", Page),
    ("/portal/clients/{id}/test-signin", Page),
    ("/portal/clients/{id}/keys", Form),
    ("/portal/clients/{id}/secret", Action),
    ("/portal/clients/{id}/integration", Page),
];

/// The paths `src/app.rs` routes: each `.route("…"` and the console's two lists.
fn routes_of_the_table() -> BTreeSet<String> {
    let source = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/src/app.rs"))
        .expect("src/app.rs");
    let mut paths = BTreeSet::new();
    let mut rest = source.as_str();
    while let Some(at) = rest.find(".route(") {
        rest = &rest[at + ".route(".len()..];
        if let Some(literal) = rest.trim_start().strip_prefix('"') {
            let end = literal.find('"').expect("a closed string");
            paths.insert(literal[..end].to_owned());
        }
    }
    paths.extend(ADMIN_OPEN_ROUTES.iter().map(|(_, p)| p.to_string()));
    paths.extend(ADMIN_ROUTES.iter().map(|(_, p, _)| p.to_string()));
    paths
}

#[test]
fn every_route_of_the_table_is_listed() {
    let table = routes_of_the_table();
    assert!(table.len() > 100, "read {} routes", table.len());
    let listed: BTreeSet<String> = ROUTES.iter().map(|(p, _)| p.to_string()).collect();
    assert_eq!(
        ROUTES.len(),
        listed.len(),
        "a route is listed twice in ROUTES"
    );
    let missing: Vec<_> = table.difference(&listed).collect();
    let stale: Vec<_> = listed.difference(&table).collect();
    assert!(
        missing.is_empty(),
        "routes of src/app.rs missing from tests/it/accessibility.rs ROUTES (say whether each \
         is a page, a form, an action or not a page, and give its states): {missing:?}"
    );
    assert!(
        stale.is_empty(),
        "ROUTES lists paths src/app.rs no longer has: {stale:?}"
    );
}

/// One state of one route: who asks, how, and what answer is expected.
struct State {
    route: &'static str,
    error: bool,
    who: reqwest::Client,
    method: Method,
    path: String,
    form: Vec<(String, String)>,
    /// The `Origin` a POST carries (the server's own unless a test of a cross-site post).
    origin: Option<String>,
    status: u16,
}

impl State {
    fn get(route: &'static str, who: &reqwest::Client, path: impl Into<String>) -> Self {
        State {
            route,
            error: false,
            who: who.clone(),
            method: Method::GET,
            path: path.into(),
            form: vec![],
            origin: None,
            status: 200,
        }
    }

    fn post(
        route: &'static str,
        who: &reqwest::Client,
        path: impl Into<String>,
        form: &[(&str, &str)],
    ) -> Self {
        State {
            method: Method::POST,
            form: form
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect(),
            ..Self::get(route, who, path)
        }
    }

    /// The same request, as an error state answered with `status`.
    fn fails(mut self, status: u16) -> Self {
        self.error = true;
        self.status = status;
        self
    }

    /// A POST from another site.
    fn cross_site(mut self) -> Self {
        self.origin = Some("https://attacker.example".into());
        self
    }

    fn name(&self) -> String {
        format!(
            "{} {} ({})",
            self.method,
            self.path,
            if self.error { "error" } else { "normal" }
        )
    }

    /// The answer's HTML, in `lang`; or what is wrong with the answer.
    async fn fetch(&self, app: &TestApp, lang: Lang) -> Result<String, String> {
        let mut request = self
            .who
            .request(self.method.clone(), app.url(&self.path))
            .header("accept-language", lang.tag());
        if self.method == Method::POST {
            request = request
                .header(
                    "origin",
                    self.origin.clone().unwrap_or_else(|| app.base.clone()),
                )
                .form(&self.form);
        }
        let r = request.send().await.unwrap();
        let status = r.status().as_u16();
        let content_type = r
            .headers()
            .get("content-type")
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_owned();
        let body = r.text().await.unwrap();
        if status != self.status {
            return Err(format!(
                "answered {status}, not {}: {}",
                self.status,
                body.chars().take(300).collect::<String>()
            ));
        }
        if !content_type.starts_with("text/html") {
            return Err(format!("not an HTML page ({content_type}): {body}"));
        }
        Ok(body)
    }
}

/// Runs `script` in the page and returns its value (promises awaited).
async fn eval<T: serde::de::DeserializeOwned>(page: &Page, script: &str) -> T {
    let params = EvaluateParams::builder()
        .expression(script)
        .await_promise(true)
        .return_by_value(true)
        .build()
        .unwrap();
    let result = page
        .evaluate(params)
        .await
        .unwrap_or_else(|e| panic!("script failed: {e}\n{}", &script[..script.len().min(300)]));
    let value = result.value().cloned().unwrap_or(serde_json::Value::Null);
    serde_json::from_value(value.clone()).unwrap_or_else(|e| panic!("{e}: {value}"))
}

/// Replaces the page's document with `html` and waits for its style sheet and scripts.
async fn show(page: &Page, html: &str) {
    let write = format!(
        "document.open(); document.write({}); document.close(); true",
        serde_json::to_string(html).unwrap()
    );
    let _: bool = eval(page, &write).await;
    for _ in 0..100 {
        let ready: bool = eval(
            page,
            "document.readyState === 'complete' && [...document.styleSheets].every(s => { \
               try { return s.cssRules.length > 0 } catch (e) { return false } })",
        )
        .await;
        if ready {
            return;
        }
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
    panic!("the page's style sheet did not load");
}

async fn viewport(page: &Page, width: i64) {
    page.execute(
        SetDeviceMetricsOverrideParams::builder()
            .width(width)
            .height(900)
            .device_scale_factor(1.0)
            .mobile(false)
            .build()
            .unwrap(),
    )
    .await
    .unwrap();
}

/// axe-core's WCAG A/AA violations on the page, one line each.
async fn violations(page: &Page) -> Vec<String> {
    if !eval::<bool>(page, "typeof window.axe === 'object'").await {
        let source = std::fs::read_to_string(AXE).unwrap();
        let _: bool = eval(page, &format!("{source}\n;true")).await;
    }
    let script = format!(
        "axe.run(document, {{ runOnly: {{ type: 'tag', values: {TAGS} }}, \
           resultTypes: ['violations'] }}).then(r => r.violations.flatMap(v => \
           v.nodes.map(n => `${{v.id}} (${{v.impact}}): ${{v.help}} at ${{n.target.join(' ')}}: \
           ${{(n.failureSummary || '').replace(/\\s+/g, ' ')}}`)))"
    );
    eval(page, &script).await
}

/// Whether the page scrolls sideways.
async fn scrolls_sideways(page: &Page) -> Option<String> {
    eval::<Option<String>>(
        page,
        "(() => { const d = document.documentElement; \
           if (d.scrollWidth <= d.clientWidth + 1) return null; \
           const wide = [...document.querySelectorAll('body *')].filter(e => \
             e.getBoundingClientRect().right > d.clientWidth + 1).slice(-3) \
             .map(e => e.tagName + (e.id ? '#' + e.id : '') + '.' + e.className); \
           return `${d.scrollWidth} px wide in ${d.clientWidth}: ${wide.join(', ')}`; })()",
    )
    .await
}

/// On an error state: fields marked invalid, what describes them, and whether the message is
/// in a live region. Every invalid field must be described by text in a live region; a form
/// shown again with an error must mark the fields at fault.
async fn error_links(page: &Page) -> Vec<String> {
    eval(
        page,
        "(() => { const out = []; \
           const live = e => !!e.closest('[role=alert],[role=status],[aria-live]'); \
           const invalid = [...document.querySelectorAll('[aria-invalid=true]')]; \
           for (const f of invalid) { \
             const ids = (f.getAttribute('aria-describedby') || '').split(/\\s+/).filter(Boolean); \
             const described = ids.map(i => document.getElementById(i)).filter(Boolean); \
             if (ids.length !== described.length) out.push(`#${f.id}: aria-describedby names a missing element`); \
             if (!described.some(d => live(d) && d.textContent.trim())) \
               out.push(`#${f.id}: invalid, but not described by a message in a live region`); \
           } \
           const message = [...document.querySelectorAll('main [role=alert]')] \
             .filter(e => e.textContent.trim()); \
           const fields = [...document.querySelectorAll('main form input:not([type=hidden]):not([type=checkbox]):not([type=radio]), main form textarea')]; \
           if (message.length && fields.length && !invalid.length) \
             out.push('the form is shown again with an error, but no field is marked aria-invalid'); \
           if (!message.length && !document.querySelector('main [role=alert], main .error-message, main h1')) \
             out.push('no message'); \
           return out; })()",
    )
    .await
}

/// The world the states need: a citizen with a passkey, consent and a receipt; a client; staff;
/// a developer with an organisation, a sandbox client and an invitation.
async fn states(app: &TestApp) -> Vec<State> {
    let anon = crate::support::client();
    // Persons of the synthetic population, imported as test persons (as in demo mode).
    let person = portal::person(app, 0, true).await;
    crate::otp::activated(app, &person).await;
    let national_id = civitas::demo::population()[0]
        .national_id
        .as_str()
        .to_owned();
    let (client_id, secret) = register(app, web_client("Tax Board")).await;
    crate::support::oidc::consent(app, &person, &client_id, "openid profile email").await;
    let (citizen, _) = signed_in_browser(app, &person, "urn:civitas:loa:substantial").await;
    // A sign-in, so the account lists a release with its receipt.
    let (verifier, challenge) = pkce();
    let code = get_code(app, &citizen, &client_id, &challenge).await;
    let (status, _) = token_request(
        app,
        &client_id,
        secret.as_deref().unwrap(),
        &[
            ("grant_type", "authorization_code"),
            ("code", &code),
            ("redirect_uri", crate::support::oidc::REDIRECT),
            ("code_verifier", &verifier),
        ],
    )
    .await;
    assert_eq!(status, 200);
    let account = citizen
        .get(app.url("/account"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let receipt = account
        .split("/account/releases/")
        .nth(1)
        .and_then(|s| s.split('"').next())
        .expect("a receipt link on the account page")
        .to_owned();
    // A second client waits for consent.
    let (other, _) = register(app, web_client("Land Registry")).await;
    let consent_url = {
        let r = citizen
            .get(authorize_url(
                app,
                &other,
                &challenge,
                &[("scope", "openid profile email")],
            ))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 303);
        r.headers()["location"].to_str().unwrap().to_owned()
    };
    assert!(consent_url.starts_with("/consent?"), "{consent_url}");
    // A second person in the middle of activation, at the passkey step.
    let activating = crate::support::client();
    let second = civitas::demo::population()[1]
        .national_id
        .as_str()
        .to_owned();
    portal::person(app, 1, true).await;
    let code2 =
        civitas::authn::activation::issue_code(&app.state.db, &second, app.state.clock.now())
            .await
            .unwrap();
    let r = activating
        .post(app.url("/activate"))
        .header("origin", app.base.clone())
        .form(&[
            ("national_id", second.as_str()),
            ("code", code2.as_str()),
            ("continue", ""),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(
        r.status(),
        303,
        "activation: {}",
        r.text().await.unwrap_or_default()
    );
    // A one-time code asked for, so its page has something to check.
    let otp = crate::support::client();
    let r = otp
        .post(app.url("/signin/code"))
        .header("origin", app.base.clone())
        .form(&[("national_id", national_id.as_str()), ("continue", "")])
        .send()
        .await
        .unwrap();
    assert_eq!(
        r.status(),
        303,
        "one-time code: {}",
        r.text().await.unwrap_or_default()
    );

    // Staff: a supervisor (citizens, requests, review) and an operator (clients, keys, audit).
    let (supervisor, _) = staff_browser(app, Role::Supervisor).await;
    let (operator, _) = staff_browser(app, Role::Operator).await;
    let r = admin_post(app, &supervisor, "/admin/citizens/open")
        .form(&[
            ("person_id", person.as_str()),
            ("category", "other"),
            ("detail", "A call about signing in"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 303, "{}", r.text().await.unwrap_or_default());
    // A production client whose suspension waits for a second supervisor.
    let (bank, _) = register_in(app, web_client("Population Bank")).await;
    let r = admin_post(app, &operator, &format!("/admin/clients/{bank}/suspend"))
        .form(&reason("INC-8"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 303);
    // A staff member invited and not yet enrolled.
    let enrol_token = civitas::crypto::secrets::random_token(32);
    let member = civitas::store::staff::StaffRow {
        id: uuid::Uuid::new_v4().to_string(),
        name: "New Member".into(),
        pseudonym: "T-enrol".into(),
        role: "helpdesk".into(),
        status: "enrolling".into(),
        status_reason: None,
        created_at: app.state.clock.now(),
        enrol_expires_at: Some(app.state.clock.now() + 3600),
    };
    civitas::transaction!(app.state.db, sqlx::Error, |tx| {
        civitas::store::staff::insert_staff(
            tx,
            &member,
            &civitas::crypto::secrets::sha256_b64(&enrol_token),
        )
        .await?;
        Ok(())
    })
    .unwrap();

    // A developer: an organisation, a sandbox client submitted for production, an invitation.
    let (developer, _, _) = portal::developer(app, 5).await;
    let org = portal::organisation(app, &developer, "07654321").await;
    let (sandbox, _) =
        portal::sandbox_client(app, &developer, &org, &portal::client_fields("Northbank")).await;
    let r = portal::post(
        app,
        &developer,
        &format!("/portal/clients/{sandbox}/submit"),
    )
    .form(&[
        ("redirect_uris", crate::support::oidc::REDIRECT),
        ("post_logout_redirect_uris", ""),
        ("legal_basis", ""),
    ])
    .send()
    .await
    .unwrap();
    assert_eq!(r.status(), 303, "{}", r.text().await.unwrap_or_default());
    let (second_sandbox, _) = portal::sandbox_client(
        app,
        &developer,
        &org,
        &portal::client_fields("Northbank app"),
    )
    .await;
    let r = portal::post(
        app,
        &developer,
        &format!("/portal/organisations/{org}/invitations"),
    )
    .form(&[
        ("email", "colleague@northbank.example"),
        ("role", "developer"),
    ])
    .send()
    .await
    .unwrap();
    assert_eq!(r.status(), 303, "{}", r.text().await.unwrap_or_default());
    let invitation = app
        .state
        .mailer
        .as_ref()
        .and_then(|m| m.outbox())
        .expect("the demo outbox")
        .iter()
        .rev()
        .find_map(|m| {
            m.body
                .split("/portal/invitations/")
                .nth(1)
                .and_then(|rest| rest.split_whitespace().next())
                .map(str::to_owned)
        })
        .expect("an invitation link");

    let (c, a) = (&citizen, &anon);
    let (s, o, d) = (&supervisor, &operator, &developer);
    let person_page = format!("/admin/citizens/{person}");
    let client_page = format!("/portal/clients/{sandbox}");
    let reason_form = [("category", "other"), ("detail", "")];
    vec![
        // The citizen's pages.
        State::get("/", a, "/"),
        State::get("/", c, "/"),
        State::get("/", a, "/no/such/page").fails(404),
        State::get("/help", a, "/help"),
        State::post(
            "/language",
            a,
            "/language",
            &[("lang", "xx"), ("next", "/")],
        )
        .fails(400),
        State::get("/authorize/resume", a, "/authorize/resume?continue=gone").fails(400),
        State::get("/consent", c, consent_url.clone()),
        State::get("/consent", c, "/consent?continue=gone").fails(400),
        State::get("/account", c, "/account"),
        State::get(
            "/account/releases/{id}",
            c,
            format!("/account/releases/{receipt}"),
        ),
        State::get("/account/releases/{id}", c, "/account/releases/none").fails(404),
        State::post(
            "/account/services/withdraw",
            c,
            "/account/services/withdraw",
            &[],
        )
        .fails(400),
        State::post("/account/sessions/end", c, "/account/sessions/end", &[]).fails(400),
        State::post(
            "/account/sessions/end-all",
            c,
            "/account/sessions/end-all",
            &[],
        )
        .cross_site()
        .fails(403),
        State::post(
            "/account/passkeys/rename",
            c,
            "/account/passkeys/rename",
            &[],
        )
        .fails(400),
        State::post(
            "/account/passkeys/remove",
            c,
            "/account/passkeys/remove",
            &[],
        )
        .fails(400),
        State::get("/account/passkeys/add", c, "/account/passkeys/add"),
        State::post("/account/report", c, "/account/report", &[])
            .cross_site()
            .fails(403),
        State::get("/signin", a, "/signin"),
        State::post("/signin/test-person", a, "/signin/test-person", &[]).fails(400),
        State::post("/signout", c, "/signout", &[])
            .cross_site()
            .fails(403),
        State::get("/signed-out", a, "/signed-out"),
        State::get("/signin/code", a, "/signin/code"),
        State::post("/signin/code", a, "/signin/code", &[]).fails(400),
        State::get("/signin/code/verify", &otp, "/signin/code/verify"),
        State::post(
            "/signin/code/verify",
            &otp,
            "/signin/code/verify",
            &[("code", "00000000"), ("continue", "")],
        )
        .fails(422),
        State::get("/demo/outbox", a, "/demo/outbox"),
        State::get("/activate", a, "/activate"),
        State::post(
            "/activate",
            a,
            "/activate",
            &[
                ("national_id", "ZZ0000000"),
                ("code", "WRONG-CODE"),
                ("continue", ""),
            ],
        )
        .fails(422),
        State::get("/activate/passkey", &activating, "/activate/passkey"),
        State::get("/recovery-codes", c, "/recovery-codes"),
        State::post("/recovery-codes", c, "/recovery-codes", &[]),
        State::post("/recovery-codes", a, "/recovery-codes", &[])
            .cross_site()
            .fails(403),
        State::get("/recover", a, "/recover"),
        State::post(
            "/recover",
            a,
            "/recover",
            &[("national_id", "ZZ0000001"), ("code", "WRONG")],
        )
        .fails(422),
        State::post("/logout/confirm", a, "/logout/confirm", &[])
            .cross_site()
            .fails(403),
        State::get(
            "/authorize",
            a,
            "/authorize?client_id=nobody&response_type=code",
        )
        .fails(400),
        State::get("/logout", c, "/logout"),
        State::get("/logout", c, "/logout?id_token_hint=not-a-token").fails(400),
        State::get("/saml/sso", a, "/saml/sso").fails(400),
        State::get("/saml/slo", a, "/saml/slo").fails(400),
        // The console.
        State::get("/admin/signin", a, "/admin/signin"),
        State::get(
            "/admin/enrol",
            a,
            format!("/admin/enrol?token={enrol_token}"),
        ),
        State::get("/admin/enrol", a, "/admin/enrol?token=used").fails(400),
        State::post("/admin/signout", s, "/admin/signout", &[])
            .cross_site()
            .fails(403),
        State::get("/admin", s, "/admin"),
        State::get("/admin/citizens", s, "/admin/citizens"),
        State::post(
            "/admin/citizens",
            s,
            "/admin/citizens",
            &[
                ("national_id", ""),
                ("family_name", "Smith"),
                ("birth_date", "31/02"),
            ],
        )
        .fails(200),
        State::post("/admin/citizens/open", s, "/admin/citizens/open", &[]).fails(400),
        State::get("/admin/citizens/{id}", s, person_page.clone()),
        State::get("/admin/references", s, "/admin/references"),
        State::post(
            "/admin/references",
            s,
            "/admin/references",
            &[("reference", "not a reference")],
        )
        .fails(200),
        State::post(
            "/admin/citizens/{id}/unlock",
            s,
            format!("{person_page}/unlock"),
            &reason_form,
        )
        .fails(400),
        State::post(
            "/admin/citizens/{id}/lock",
            s,
            format!("{person_page}/lock"),
            &reason_form,
        )
        .fails(400),
        State::post(
            "/admin/citizens/{id}/sessions/end",
            s,
            format!("{person_page}/sessions/end"),
            &reason_form,
        )
        .fails(400),
        State::post(
            "/admin/citizens/{id}/reactivate",
            s,
            format!("{person_page}/reactivate"),
            &reason_form,
        )
        .fails(400),
        State::post(
            "/admin/citizens/{id}/passkeys/revoke",
            s,
            format!("{person_page}/passkeys/revoke"),
            &reason_form,
        )
        .fails(400),
        State::post(
            "/admin/citizens/{id}/consents/withdraw",
            s,
            format!("{person_page}/consents/withdraw"),
            &reason_form,
        )
        .fails(400),
        State::get("/admin/requests", s, "/admin/requests"),
        State::post(
            "/admin/requests/{id}/{decision}",
            s,
            "/admin/requests/none/approve",
            &reason_form,
        )
        .fails(400),
        State::get("/admin/clients", o, "/admin/clients"),
        State::get("/admin/clients/{id}", o, format!("/admin/clients/{bank}")),
        State::get("/admin/clients/{id}", o, "/admin/clients/none").fails(404),
        State::post(
            "/admin/clients/{id}/suspend",
            o,
            format!("/admin/clients/{bank}/suspend"),
            &reason_form,
        )
        .fails(400),
        State::post(
            "/admin/clients/{id}/resume",
            o,
            format!("/admin/clients/{bank}/resume"),
            &reason_form,
        )
        .fails(400),
        State::post(
            "/admin/clients/{id}/national-id",
            o,
            format!("/admin/clients/{bank}/national-id"),
            &reason_form,
        )
        .fails(400),
        State::get("/admin/review", s, "/admin/review"),
        State::post(
            "/admin/review/{id}/{decision}",
            s,
            "/admin/review/none/approve",
            &reason_form,
        )
        .fails(400),
        State::get("/admin/operator", o, "/admin/operator"),
        State::post("/admin/keys/rotate", o, "/admin/keys/rotate", &reason_form).fails(400),
        State::get("/admin/ledger", o, "/admin/ledger"),
        State::post("/admin/ledger/verify", o, "/admin/ledger/verify", &[])
            .cross_site()
            .fails(403),
        State::get("/admin/log", o, "/admin/log"),
        State::get("/admin/staff", o, "/admin/staff"),
        State::post(
            "/admin/staff/{id}/{change}",
            o,
            format!("/admin/staff/{}/disable", member.id),
            &reason_form,
        )
        .fails(400),
        // The portal.
        State::get("/portal", a, "/portal"),
        State::get("/portal", d, "/portal"),
        State::post("/portal/signin", a, "/portal/signin", &[])
            .cross_site()
            .fails(403),
        State::get("/portal/callback", a, "/portal/callback?code=x&state=y").fails(400),
        State::post("/portal/signout", d, "/portal/signout", &[])
            .cross_site()
            .fails(403),
        State::get(
            "/portal/invitations/{token}",
            d,
            format!("/portal/invitations/{invitation}"),
        ),
        State::get("/portal/invitations/{token}", d, "/portal/invitations/none").fails(400),
        State::post(
            "/portal/organisations",
            d,
            "/portal/organisations",
            &[
                ("legal_name", ""),
                ("registration_number", ""),
                ("contact_email", ""),
            ],
        )
        .fails(400),
        State::get(
            "/portal/organisations/{id}",
            d,
            format!("/portal/organisations/{org}"),
        ),
        State::post(
            "/portal/organisations/{id}/invitations",
            d,
            format!("/portal/organisations/{org}/invitations"),
            &[("email", "not an address"), ("role", "developer")],
        )
        .fails(400),
        State::post(
            "/portal/invitations/{token}/accept",
            d,
            "/portal/invitations/none/accept",
            &[],
        )
        .fails(400),
        State::get(
            "/portal/organisations/{id}/clients/new",
            d,
            format!("/portal/organisations/{org}/clients/new"),
        ),
        State::post(
            "/portal/organisations/{id}/clients",
            d,
            format!("/portal/organisations/{org}/clients"),
            &[
                ("client_name", "Northbank"),
                ("purpose", "To open your account"),
                ("application_type", "web"),
                ("redirect_uris", "http://northbank.example/callback"),
                ("token_endpoint_auth_method", "client_secret_basic"),
                ("id_token_signed_response_alg", "ES256"),
            ],
        )
        .fails(400),
        State::get("/portal/clients/{id}", d, client_page.clone()),
        State::get("/portal/clients/{id}", d, "/portal/clients/none").fails(404),
        State::get(
            "/portal/clients/{id}/edit",
            d,
            format!("/portal/clients/{second_sandbox}/edit"),
        ),
        State::post(
            "/portal/clients/{id}/edit",
            d,
            format!("/portal/clients/{second_sandbox}/edit"),
            &[
                ("client_name", ""),
                ("purpose", "To open your account"),
                ("application_type", "web"),
                ("redirect_uris", crate::support::oidc::REDIRECT),
                ("token_endpoint_auth_method", "client_secret_basic"),
                ("id_token_signed_response_alg", "ES256"),
            ],
        )
        .fails(400),
        State::get(
            "/portal/clients/{id}/submit",
            d,
            format!("/portal/clients/{second_sandbox}/submit"),
        ),
        State::post(
            "/portal/clients/{id}/submit",
            d,
            format!("/portal/clients/{second_sandbox}/submit"),
            &[
                ("redirect_uris", "http://northbank.example/callback"),
                ("post_logout_redirect_uris", ""),
                ("legal_basis", ""),
            ],
        )
        .fails(400),
        State::post(
            "/portal/clients/{id}/redirect-uris",
            d,
            format!("{client_page}/redirect-uris"),
            &[],
        )
        .cross_site()
        .fails(403),
        State::get(
            "/portal/clients/{id}/test",
            d,
            format!("{client_page}/test"),
        ),
        State::get(
            "/portal/clients/{id}/usage",
            d,
            format!("{client_page}/usage"),
        ),
        State::get(
            "/portal/clients/{id}/test-signin",
            d,
            format!("{client_page}/test-signin"),
        ),
        State::get(
            "/portal/clients/{id}/keys",
            d,
            format!("{client_page}/keys"),
        ),
        State::post(
            "/portal/clients/{id}/keys",
            d,
            format!("{client_page}/keys"),
            &[("jwks", "{not json")],
        )
        .fails(400),
        State::post(
            "/portal/clients/{id}/secret",
            d,
            format!("{client_page}/secret"),
            &[],
        )
        .cross_site()
        .fails(403),
        State::get(
            "/portal/clients/{id}/integration",
            d,
            format!("{client_page}/integration"),
        ),
    ]
}

/// The states cover the table: each page a normal state, each form also an error state, each
/// action an error state.
fn check_coverage(states: &[State]) {
    let mut normal = BTreeSet::new();
    let mut error = BTreeSet::new();
    for s in states {
        let kind = ROUTES
            .iter()
            .find(|(p, _)| *p == s.route)
            .unwrap_or_else(|| panic!("{}: route {} is not in ROUTES", s.name(), s.route))
            .1;
        assert!(
            !matches!(kind, Other(_)),
            "{}: {} is listed as not a page",
            s.name(),
            s.route
        );
        if s.error {
            error.insert(s.route);
        } else {
            normal.insert(s.route);
        }
    }
    for (route, kind) in ROUTES {
        let (needs_normal, needs_error) = match kind {
            Page => (true, false),
            Form => (true, true),
            Action => (false, true),
            Other(_) => (false, false),
        };
        assert!(
            !needs_normal || normal.contains(route),
            "{route} ({kind:?}) has no normal state in states()"
        );
        assert!(
            !needs_error || error.contains(route),
            "{route} ({kind:?}) has no error state in states()"
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_page_in_every_language_passes_wcag_2_2_aa_and_fits_a_small_screen() {
    if !chromium_present() {
        return;
    }
    if !std::path::Path::new(AXE).exists() {
        if std::env::var("CIVITAS_REQUIRE_BROWSER").as_deref() == Ok("1") {
            panic!("CIVITAS_REQUIRE_BROWSER=1 but {AXE} is missing: run npm ci in tests/node");
        }
        eprintln!(
            "\n!!! SKIPPING the accessibility test: {AXE} is missing (npm ci in tests/node)\n"
        );
        return;
    }
    let db = TestDb::sqlite();
    let app = TestApp::spawn_with_outbox(&db).await;
    let states = states(&app).await;
    check_coverage(&states);

    let (mut browser, page, events, _profile) = chromium_with_authenticator().await;
    page.goto(app.url("/help").as_str()).await.unwrap();
    let mut failures: BTreeMap<String, Vec<String>> = BTreeMap::new();
    let (mut checked, mut axe_runs) = (0, 0);
    for state in &states {
        for lang in Lang::ALL {
            let name = format!("{} in {}", state.name(), lang.tag());
            let html = match state.fetch(&app, lang).await {
                Ok(html) => html,
                Err(wrong) => {
                    failures.insert(name, vec![wrong]);
                    continue;
                }
            };
            let mut problems = vec![];
            // A desktop window, then 200 % and 400 % zoom on it (640 and 320 CSS pixels, as
            // a 320 px phone): axe-core at the first and the last, sideways scrolling at each.
            show(&page, &html).await;
            for (width, axe) in [(1280, true), (640, false), (320, true)] {
                viewport(&page, width).await;
                if axe {
                    axe_runs += 1;
                    problems.extend(
                        violations(&page)
                            .await
                            .into_iter()
                            .map(|v| format!("at {width} px: {v}")),
                    );
                }
                if let Some(wide) = scrolls_sideways(&page).await {
                    problems.push(format!("scrolls sideways at {width} CSS px: {wide}"));
                }
            }
            if state.error {
                problems.extend(error_links(&page).await);
            }
            let dir: String = eval(&page, "document.documentElement.dir || 'ltr'").await;
            if dir != lang.dir() {
                problems.push(format!("dir={dir}, not {}", lang.dir()));
            }
            let html_lang: String = eval(&page, "document.documentElement.lang").await;
            if html_lang != lang.tag() {
                problems.push(format!("lang={html_lang}, not {}", lang.tag()));
            }
            checked += 1;
            if !problems.is_empty() {
                failures.insert(name, problems);
            }
        }
    }
    browser.close().await.ok();
    events.await.ok();
    app.stop().await;
    let report: Vec<String> = failures
        .iter()
        .map(|(state, problems)| format!("{state}:\n  {}", problems.join("\n  ")))
        .collect();
    assert!(
        failures.is_empty(),
        "{} of {checked} page states fail:\n{}",
        failures.len(),
        report.join("\n")
    );
    eprintln!(
        "accessibility: {checked} page states ({} states × {} languages), {axe_runs} axe-core \
         runs, 0 violations, no sideways scrolling at 320 and 640 CSS px",
        states.len(),
        Lang::ALL.len()
    );
}
