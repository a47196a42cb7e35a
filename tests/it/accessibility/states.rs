//! The states the test shows: for each route, who asks, how, and the answer expected; and the
//! world they need (a citizen, staff, a developer, their clients and records).

use reqwest::Method;

use civitas::{admin::Role, web::i18n::Lang};

use super::routes::FALLBACK;
use crate::support::{
    TestApp,
    admin::{admin_post, reason, staff_browser},
    oidc::{
        authorize_url, pkce, register, register_in, signed_in_browser, signed_in_tokens, web_client,
    },
    portal,
};

/// One state of one route: who asks, how, and what answer is expected.
pub(super) struct State {
    pub(super) route: &'static str,
    pub(super) error: bool,
    who: reqwest::Client,
    pub(super) method: Method,
    pub(super) path: String,
    form: Vec<(String, String)>,
    /// The `Origin` a POST carries (the server's own unless a test of a cross-site post).
    pub(super) origin: Option<String>,
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

    pub(super) fn name(&self) -> String {
        format!(
            "{} {} ({})",
            self.method,
            self.path,
            if self.error { "error" } else { "normal" }
        )
    }

    /// The answer's HTML, in `lang`; or what is wrong with the answer.
    pub(super) async fn fetch(&self, app: &TestApp, lang: Lang) -> Result<String, String> {
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
                .form(
                    &self
                        .form
                        .iter()
                        .map(|(k, v)| (k.as_str(), v.replace("{lang}", lang.tag())))
                        .collect::<Vec<_>>(),
                );
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

/// The world the states need: a citizen with a passkey, consent and a receipt; a client; staff;
/// a developer with an organisation, a sandbox client and an invitation.
pub(super) async fn states(app: &TestApp) -> Vec<State> {
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
    signed_in_tokens(app, &citizen, &client_id, secret.as_deref().unwrap()).await;
    let (_, challenge) = pkce();
    let (_, account) = crate::support::admin::page(&citizen, app, "/account").await;
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
    // A client that signs in with a key, for the keys page and its refusals.
    let key = civitas::crypto::PrivateKey::generate(civitas::crypto::Alg::Es256).unwrap();
    let mut key_fields: Vec<_> = portal::client_fields("Northbank keys")
        .into_iter()
        .filter(|(k, _)| *k != "token_endpoint_auth_method")
        .collect();
    key_fields.push(("token_endpoint_auth_method", "private_key_jwt".into()));
    key_fields.push((
        "jwks",
        serde_json::json!({ "keys": [key.public_jwk()] }).to_string(),
    ));
    let (key_client, _) = portal::sandbox_client(app, &developer, &org, &key_fields).await;
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
    let invitation = portal::invitation_token(app, "colleague@northbank.example");

    let (c, a) = (&citizen, &anon);
    let (s, o, d) = (&supervisor, &operator, &developer);
    let person_page = format!("/admin/citizens/{person}");
    let client_page = format!("/portal/clients/{sandbox}");
    let reason_form = [("category", "other"), ("detail", "")];
    let mut states = vec![
        // The citizen's pages.
        State::get("/", a, "/"),
        State::get("/", c, "/"),
        State::get(FALLBACK, a, "/no/such/page").fails(404),
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
        State::post(
            "/signin/code",
            a,
            "/signin/code",
            &[("national_id", " "), ("continue", "")],
        )
        .fails(422),
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
                ("national_id", "ZZ000000-{lang}"),
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
            &[("national_id", "ZZ000001-{lang}"), ("code", "WRONG")],
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
        State::get(
            "/portal/clients/{id}/keys",
            d,
            format!("/portal/clients/{key_client}/keys"),
        ),
        State::post(
            "/portal/clients/{id}/keys",
            d,
            format!("/portal/clients/{key_client}/keys"),
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
    ];
    // Each action on a citizen's record or a client, refused without a reason.
    let on = |route: &'static str, who: &reqwest::Client, id: &str| {
        State::post(route, who, route.replace("{id}", id), &reason_form).fails(400)
    };
    for route in [
        "/admin/citizens/{id}/unlock",
        "/admin/citizens/{id}/lock",
        "/admin/citizens/{id}/sessions/end",
        "/admin/citizens/{id}/reactivate",
        "/admin/citizens/{id}/passkeys/revoke",
        "/admin/citizens/{id}/consents/withdraw",
    ] {
        states.push(on(route, s, &person));
    }
    for route in [
        "/admin/clients/{id}/suspend",
        "/admin/clients/{id}/resume",
        "/admin/clients/{id}/national-id",
    ] {
        states.push(on(route, o, &bank));
    }
    states
}
