//! Helpers for the relying-party portal's tests: real and test persons in the registry, and a
//! developer signed in to the portal through its real code flow.

use civitas::{store::persons, web::sessions::SignedIn};
use indicatif::ProgressBar;

use super::{TestApp, oidc};

/// Imports the `n`th person of the synthetic population into the registry, as a test person
/// or a real one, and returns their internal id.
pub async fn person(app: &TestApp, n: usize, test: bool) -> String {
    let p = civitas::demo::population()[n].clone();
    civitas::registry::import_persons(
        &app.state.db,
        std::slice::from_ref(&p),
        "registry",
        test,
        app.state.clock.now(),
        &ProgressBar::hidden(),
    )
    .await
    .expect("import");
    persons::find_person_by_national_id(&app.state.db, p.national_id.as_str())
        .await
        .unwrap()
        .expect("person")
        .id
}

/// A POST from the issuer's own pages (the same-origin check passes).
pub fn post(app: &TestApp, browser: &reqwest::Client, path: &str) -> reqwest::RequestBuilder {
    browser
        .post(app.url(path))
        .header("origin", app.base.clone())
}

/// A browser signed in to Civitas as a real person (population index `n`) and to the portal,
/// through the portal's own code flow (consent given beforehand); returns it and the person.
/// In demo mode (the outbox) the portal is a sandbox client, so the person is a test person.
pub async fn developer(app: &TestApp, n: usize) -> (reqwest::Client, String, SignedIn) {
    let demo = app.state.config.mail.outbox;
    let person_id = person(app, n, demo).await;
    oidc::consent(
        app,
        &person_id,
        civitas::portal::signin::PORTAL_CLIENT_ID,
        "openid profile email",
    )
    .await;
    let (browser, who) =
        oidc::signed_in_browser(app, &person_id, "urn:civitas:loa:substantial").await;
    let r = post(app, &browser, "/portal/signin").send().await.unwrap();
    assert_eq!(r.status(), 303);
    let mut location = r.headers()["location"].to_str().unwrap().to_owned();
    // /authorize, then the portal's callback, then the portal.
    for _ in 0..3 {
        if location == "/portal" {
            break;
        }
        let url = if location.starts_with('/') {
            app.url(&location)
        } else {
            location.clone()
        };
        let r = browser.get(url).send().await.unwrap();
        assert_eq!(
            r.status(),
            303,
            "portal sign-in stopped at {location}: {}",
            r.text().await.unwrap_or_default()
        );
        location = r.headers()["location"].to_str().unwrap().to_owned();
    }
    assert_eq!(location, "/portal", "the portal sign-in ends on the portal");
    (browser, person_id, who)
}

/// A page's status and text.
pub async fn page(app: &TestApp, browser: &reqwest::Client, path: &str) -> (u16, String) {
    let r = browser.get(app.url(path)).send().await.unwrap();
    (r.status().as_u16(), r.text().await.unwrap())
}

/// Creates an organisation as the signed-in developer and returns its id.
pub async fn organisation(app: &TestApp, browser: &reqwest::Client, number: &str) -> String {
    let r = post(app, browser, "/portal/organisations")
        .form(&[
            ("legal_name", format!("Northbank {number} plc")),
            ("registration_number", number.to_owned()),
            ("contact_email", "identity@northbank.example".to_owned()),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 303, "{}", r.text().await.unwrap_or_default());
    let location = r.headers()["location"].to_str().unwrap().to_owned();
    location
        .strip_prefix("/portal/organisations/")
        .expect("organisation page")
        .to_owned()
}

/// Registers a sandbox client from form fields; returns its id and the secret shown once.
pub async fn sandbox_client(
    app: &TestApp,
    browser: &reqwest::Client,
    org: &str,
    fields: &[(&str, String)],
) -> (String, Option<String>) {
    let r = post(
        app,
        browser,
        &format!("/portal/organisations/{org}/clients"),
    )
    .form(fields)
    .send()
    .await
    .unwrap();
    assert_eq!(r.status(), 303, "{}", r.text().await.unwrap_or_default());
    let location = r.headers()["location"].to_str().unwrap().to_owned();
    let id = location
        .strip_prefix("/portal/clients/")
        .expect("client page")
        .to_owned();
    let (status, html) = page(app, browser, &location).await;
    assert_eq!(status, 200);
    let secret = html
        .split("<code id=\"client-secret\">")
        .nth(1)
        .and_then(|s| s.split('<').next())
        .map(str::to_owned);
    (id, secret)
}

/// The usual sandbox client form: a web client on `oidc::REDIRECT` with profile and email.
pub fn client_fields(name: &str) -> Vec<(&'static str, String)> {
    vec![
        ("client_name", name.to_owned()),
        ("purpose", "To open your account".to_owned()),
        ("application_type", "web".to_owned()),
        ("redirect_uris", oidc::REDIRECT.to_owned()),
        (
            "token_endpoint_auth_method",
            "client_secret_basic".to_owned(),
        ),
        ("id_token_signed_response_alg", "ES256".to_owned()),
        ("scope", "profile".to_owned()),
        ("scope", "email".to_owned()),
    ]
}

/// `text` as the pages escape it.
pub fn escaped(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&#34;")
        .replace('\'', "&#39;")
}

/// The row of the failures table (the "Test my integration" page) whose rule is `rule`.
pub fn failure_row<'a>(html: &'a str, rule: &str) -> Option<&'a str> {
    let rule = escaped(rule);
    html.split("<tr>")
        .find(|row| row.contains(&format!("Rule: </span>{rule}</td>")))
}

/// `url` without the query parameter `name`.
pub fn without_param(url: &str, name: &str) -> String {
    let mut url = url::Url::parse(url).unwrap();
    let kept: Vec<(String, String)> = url
        .query_pairs()
        .into_owned()
        .filter(|(k, _)| k != name)
        .collect();
    url.query_pairs_mut().clear().extend_pairs(kept);
    url.to_string()
}

/// Submits the sandbox client for production (redirect URI `oidc::REDIRECT`) and has a
/// supervisor approve it in the console; returns the production client's id.
pub async fn production_client(app: &TestApp, dev: &reqwest::Client, sandbox: &str) -> String {
    let r = post(app, dev, &format!("/portal/clients/{sandbox}/submit"))
        .form(&[
            ("redirect_uris", oidc::REDIRECT),
            ("post_logout_redirect_uris", ""),
            ("legal_basis", ""),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 303, "{}", r.text().await.unwrap_or_default());
    let pending = civitas::store::client_applications::find_client_applications_of_sandbox(
        &app.state.db,
        sandbox,
    )
    .await
    .unwrap()
    .into_iter()
    .find(|a| a.status == "pending")
    .expect("a pending application");
    let (supervisor, _) = super::admin::staff_browser(app, civitas::admin::Role::Supervisor).await;
    let mut form = super::admin::reason("checked the purpose");
    form.push(("note", String::new()));
    let r = super::admin::admin_post(
        app,
        &supervisor,
        &format!("/admin/review/{}/approve", pending.id),
    )
    .form(&form)
    .send()
    .await
    .unwrap();
    assert_eq!(r.status(), 303);
    civitas::store::clients::find_production_client_of(&app.state.db, sandbox)
        .await
        .unwrap()
        .expect("production client")
        .id
}

/// The value of a `civitas_session` cookie whose session is signed in as `person_id` at `acr`
/// (written straight into the store, as `oidc::signed_in_browser` does), for a real browser.
pub async fn session_cookie(app: &TestApp, person_id: &str, acr: &str) -> String {
    use tower_sessions::{session::Record, session_store::SessionStore};
    let who = SignedIn {
        person_id: person_id.to_owned(),
        acr: acr.to_owned(),
        amr: vec!["hwk".into(), "user".into()],
        auth_time: app.state.clock.now(),
        sid: civitas::crypto::secrets::random_token(16),
    };
    let store = civitas::web::sessions::DbSessionStore::new(
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

/// Invites a new member with `role` into `org` (the owner's browser posts the invitation; the
/// app must run with the demo outbox, `TestApp::spawn_with_outbox`), signs the invitee in to
/// the portal and accepts the link from the mail; returns the invitee's browser. Invitees
/// are persons of the population from index 900 up, the first not yet in the registry.
pub async fn invite(
    app: &TestApp,
    owner: &reqwest::Client,
    org: &str,
    role: &str,
) -> reqwest::Client {
    let population = civitas::demo::population();
    let mut n = 900;
    while persons::find_person_by_national_id(&app.state.db, population[n].national_id.as_str())
        .await
        .unwrap()
        .is_some()
    {
        n += 1;
    }
    let email = format!("invitee{n}@northbank.example");
    let r = post(
        app,
        owner,
        &format!("/portal/organisations/{org}/invitations"),
    )
    .form(&[("email", email.as_str()), ("role", role)])
    .send()
    .await
    .unwrap();
    assert_eq!(r.status(), 303, "{}", r.text().await.unwrap_or_default());
    let token = invitation_token(app, &email);
    let (invitee, _, _) = developer(app, n).await;
    let r = post(
        app,
        &invitee,
        &format!("/portal/invitations/{token}/accept"),
    )
    .send()
    .await
    .unwrap();
    assert_eq!(r.status(), 303, "{}", r.text().await.unwrap_or_default());
    invitee
}

/// The token in the last invitation mailed to `email` (the app runs with the demo outbox).
pub fn invitation_token(app: &TestApp, email: &str) -> String {
    let mails = app
        .state
        .mailer
        .as_ref()
        .expect("invitations need a mailer: spawn the app with the outbox")
        .outbox()
        .expect("the demo outbox");
    let mail = mails
        .iter()
        .rev()
        .find(|m| m.to == email)
        .expect("an invitation mail");
    mail.body
        .split("/portal/invitations/")
        .nth(1)
        .and_then(|rest| rest.split_whitespace().next())
        .expect("an invitation link")
        .to_owned()
}

/// The code snippets of a page (`<pre class="snippet" aria-label="NAME"><code>…`), each as
/// its name and its text with the HTML escaping undone.
pub fn snippets(html: &str) -> Vec<(String, String)> {
    html.split("<pre class=\"snippet\"")
        .skip(1)
        .map(|part| {
            let name = part
                .split("aria-label=\"")
                .nth(1)
                .and_then(|s| s.split('"').next())
                .unwrap_or_default();
            let code = part
                .split("<code>")
                .nth(1)
                .and_then(|s| s.split("</code></pre>").next())
                .expect("a snippet's code");
            (unescape(name), unescape(code))
        })
        .collect()
}

/// Undoes askama's HTML escaping (`&#NN;` and the named entities).
pub fn unescape(html: &str) -> String {
    let mut out = String::with_capacity(html.len());
    let mut rest = html;
    while let Some(at) = rest.find('&') {
        out.push_str(&rest[..at]);
        rest = &rest[at..];
        let end = rest.find(';').unwrap_or(0);
        let decoded = match &rest[..=end] {
            "&quot;" => Some('"'),
            "&lt;" => Some('<'),
            "&gt;" => Some('>'),
            "&amp;" => Some('&'),
            e => e
                .strip_prefix("&#")
                .and_then(|n| n.strip_suffix(';'))
                .and_then(|n| n.parse::<u32>().ok())
                .and_then(char::from_u32),
        };
        match decoded {
            Some(c) => {
                out.push(c);
                rest = &rest[end + 1..];
            }
            None => {
                out.push('&');
                rest = &rest[1..];
            }
        }
    }
    out.push_str(rest);
    out
}
