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
pub async fn developer(app: &TestApp, n: usize) -> (reqwest::Client, String, SignedIn) {
    let person_id = person(app, n, false).await;
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
