//! Secrets and keys in the relying-party portal, checked at the real token endpoint: a secret
//! rotation's overlap, a production client's first secret, `jwks_uri` rotations that need no
//! portal action, inline keys replaced at once, each key's last use, and who may do what.

use std::sync::{Arc, Mutex};

use civitas::{
    crypto::{Alg, PrivateKey, jws, secrets::random_token},
    oidc::client_keys::CACHE_FOR,
    store::clients,
};
use serde_json::{Value, json};

use crate::{
    on_both_databases,
    support::{
        TestApp, TestDb,
        oidc::REDIRECT,
        portal::{self, post},
    },
};

on_both_databases!(
    a_rotated_secret_overlaps_with_the_previous_one_for_the_time_chosen_and_never_over_7_days,
    a_jwks_uri_key_rotation_needs_no_portal_action_and_the_page_shows_each_key_s_last_use,
    an_owner_replaces_inline_keys_and_switches_to_a_jwks_uri_at_once,
    a_production_client_from_approval_gets_its_first_usable_secret_on_the_keys_page,
    viewers_and_developers_read_the_keys_page_but_cannot_rotate_or_change_keys,
);

/// A well-formed PKCE verifier (the code it would go with does not exist).
const VERIFIER: &str = "dBjftJeZ4CVP-mJ92K9rrNA7sA3G5dQkvy2UZkRKGAs";

/// The token endpoint's error for a request authenticated with `secret` (Basic): a wrong
/// secret gives `invalid_client`; a right one passes to the grant, whose unknown code gives
/// `invalid_grant`.
async fn with_secret(app: &TestApp, client_id: &str, secret: &str) -> String {
    let r = app
        .client
        .post(app.url("/token"))
        .basic_auth(client_id, Some(secret))
        .form(&[
            ("grant_type", "authorization_code"),
            ("code", "unknown"),
            ("redirect_uri", REDIRECT),
            ("code_verifier", VERIFIER),
        ])
        .send()
        .await
        .unwrap();
    let body: Value = r.json().await.unwrap();
    body["error"].as_str().unwrap_or_default().to_owned()
}

/// The same with a client assertion signed by `key`.
async fn with_key(app: &TestApp, client_id: &str, key: &PrivateKey) -> String {
    let now = app.state.clock.now();
    let assertion = jws::sign(
        &jws::Signer::new(key).unwrap(),
        &key.public_jwk().kid,
        &json!({ "iss": client_id, "sub": client_id, "aud": app.url("/token"),
                 "exp": now + 60, "jti": random_token(12) }),
    )
    .unwrap();
    let r = app
        .client
        .post(app.url("/token"))
        .form(&[
            ("grant_type", "authorization_code"),
            ("code", "unknown"),
            ("redirect_uri", REDIRECT),
            ("code_verifier", VERIFIER),
            (
                "client_assertion_type",
                "urn:ietf:params:oauth:client-assertion-type:jwt-bearer",
            ),
            ("client_assertion", &assertion),
        ])
        .send()
        .await
        .unwrap();
    let body: Value = r.json().await.unwrap();
    body["error"].as_str().unwrap_or_default().to_owned()
}

/// Rotates the secret with `hours` of overlap; returns the new secret, read from the client's
/// page, which shows it once.
async fn rotate(app: &TestApp, owner: &reqwest::Client, client_id: &str, hours: &str) -> String {
    let r = post(app, owner, &format!("/portal/clients/{client_id}/secret"))
        .form(&[("overlap_hours", hours)])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 303, "{}", r.text().await.unwrap_or_default());
    let location = r.headers()["location"].to_str().unwrap().to_owned();
    assert_eq!(location, format!("/portal/clients/{client_id}"));
    let (_, html) = portal::page(app, owner, &location).await;
    let secret = html
        .split("<code id=\"client-secret\">")
        .nth(1)
        .and_then(|s| s.split('<').next())
        .expect("the new secret is shown")
        .to_owned();
    let (_, again) = portal::page(app, owner, &location).await;
    assert!(!again.contains(&secret), "the secret is shown once");
    secret
}

/// A relying party's JWKS endpoint on 127.0.0.1 whose keys the test changes; returns its URL.
async fn serve_keys(keys: Arc<Mutex<Value>>) -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let uri = format!(
        "http://127.0.0.1:{}/jwks",
        listener.local_addr().unwrap().port()
    );
    let rp = axum::Router::new().route(
        "/jwks",
        axum::routing::get(move || {
            let keys = keys.clone();
            async move { axum::Json(keys.lock().unwrap().clone()) }
        }),
    );
    tokio::spawn(async move { axum::serve(listener, rp).await.unwrap() });
    uri
}

fn jwks(keys: &[&PrivateKey]) -> Value {
    json!({ "keys": keys.iter().map(|k| k.public_jwk()).collect::<Vec<_>>() })
}

/// The form of a sandbox `private_key_jwt` client with `key_field` (`jwks` or `jwks_uri`).
fn key_client_fields(key_field: &'static str, value: String) -> Vec<(&'static str, String)> {
    let mut fields: Vec<_> = portal::client_fields("Northbank keys")
        .into_iter()
        .filter(|(k, _)| *k != "token_endpoint_auth_method")
        .collect();
    fields.push(("token_endpoint_auth_method", "private_key_jwt".into()));
    fields.push((key_field, value));
    fields
}

/// The keys page's table row for `kid`.
fn key_row(html: &str, kid: &str) -> String {
    html.split(&format!("<code>{kid}</code>"))
        .nth(1)
        .and_then(|rest| rest.split("</tr>").next())
        .unwrap_or_else(|| panic!("no row for {kid} in {html}"))
        .to_owned()
}

/// The keys page once `kid`'s last use is on it (it is written off the response path).
async fn page_once_used(
    app: &TestApp,
    owner: &reqwest::Client,
    client_id: &str,
    kid: &str,
) -> String {
    for _ in 0..50 {
        let (status, html) =
            portal::page(app, owner, &format!("/portal/clients/{client_id}/keys")).await;
        assert_eq!(status, 200);
        if !key_row(&html, kid).contains("never") {
            return html;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    panic!("the use of {kid} was never shown");
}

async fn a_rotated_secret_overlaps_with_the_previous_one_for_the_time_chosen_and_never_over_7_days(
    db: TestDb,
) {
    let app = TestApp::spawn(&db).await;
    let (owner, _, _) = portal::developer(&app, 0).await;
    let org = portal::organisation(&app, &owner, "GOV-000201").await;
    let (id, first) =
        portal::sandbox_client(&app, &owner, &org, &portal::client_fields("Northbank")).await;
    let first = first.expect("a secret");
    assert_eq!(with_secret(&app, &id, &first).await, "invalid_grant");
    assert_eq!(with_secret(&app, &id, "wrong").await, "invalid_client");

    let keys_path = format!("/portal/clients/{id}/keys");
    let (status, html) = portal::page(&app, &owner, &keys_path).await;
    assert_eq!(status, 200);
    assert!(html.contains("Rotate the secret"), "{html}");
    assert!(html.contains("Last changed (UTC)"));
    assert!(
        html.contains("none: only the current secret works"),
        "no overlap yet: {html}"
    );
    assert!(
        html.contains(r#"value="24" checked"#),
        "24 hours is the default: {html}"
    );

    // No overlap: the previous secret stops at once.
    let second = rotate(&app, &owner, &id, "0").await;
    assert_ne!(second, first);
    assert_eq!(with_secret(&app, &id, &first).await, "invalid_client");
    assert_eq!(with_secret(&app, &id, &second).await, "invalid_grant");

    // A 1-hour overlap: both secrets work...
    let third = rotate(&app, &owner, &id, "1").await;
    assert_eq!(with_secret(&app, &id, &second).await, "invalid_grant");
    assert_eq!(with_secret(&app, &id, &third).await, "invalid_grant");
    let (_, html) = portal::page(&app, &owner, &keys_path).await;
    assert!(html.contains("still works until"), "{html}");

    // More than 7 days, and anything but one overlap_hours field, are refused, clearly.
    for (form, says) in [
        (vec![("overlap_hours", "169")], "at most 7 days (168 hours)"),
        (
            vec![("overlap_hours", "1000000")],
            "a whole number from 0 to 168",
        ),
        (
            vec![("overlap_hours", "24"), ("overlap_hours", "24")],
            "given twice",
        ),
        (
            vec![("overlap_hours", "24"), ("note", "x")],
            "unknown form field note",
        ),
        (vec![], "overlap_hours: is required"),
    ] {
        let r = post(&app, &owner, &format!("/portal/clients/{id}/secret"))
            .form(&form)
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 400, "{form:?}");
        let html = r.text().await.unwrap();
        assert!(html.contains(says), "{form:?}: {html}");
    }

    // Each rotation is in the organisation's log, with its overlap.
    let (_, log) = portal::page(&app, &owner, &format!("/portal/organisations/{org}")).await;
    assert_eq!(log.matches("<td>rotate secret</td>").count(), 2, "{log}");
    assert!(log.contains("overlap 1 hour: the previous secret works until"));
    assert!(log.contains("overlap none"));

    // ...until the overlap ends; refused rotations changed nothing.
    app.clock.advance(3601);
    assert_eq!(with_secret(&app, &id, &second).await, "invalid_client");
    assert_eq!(with_secret(&app, &id, &third).await, "invalid_grant");
    app.stop().await;
}

async fn a_jwks_uri_key_rotation_needs_no_portal_action_and_the_page_shows_each_key_s_last_use(
    db: TestDb,
) {
    // The relying party's key server is on loopback, which only development allows.
    let app = TestApp::spawn_with(&db, |f| f.merge(("http.allow_private_outbound", true))).await;
    let (owner, _, _) = portal::developer(&app, 0).await;
    let org = portal::organisation(&app, &owner, "GOV-000202").await;
    let old = PrivateKey::generate(Alg::Es256).unwrap();
    let new = PrivateKey::generate(Alg::Es256).unwrap();
    let (old_kid, new_kid) = (old.public_jwk().kid, new.public_jwk().kid);
    let served = Arc::new(Mutex::new(jwks(&[&old])));
    let uri = serve_keys(served.clone()).await;
    let (id, secret) = portal::sandbox_client(
        &app,
        &owner,
        &org,
        &key_client_fields("jwks_uri", uri.clone()),
    )
    .await;
    assert_eq!(secret, None, "private_key_jwt clients have no secret");

    let keys_path = format!("/portal/clients/{id}/keys");
    let (status, html) = portal::page(&app, &owner, &keys_path).await;
    assert_eq!(status, 200);
    assert!(html.contains(&uri), "{html}");
    assert!(
        html.contains("publish the new key at that address"),
        "{html}"
    );
    assert!(html.contains("stops working within 10 minutes"), "{html}");
    assert!(html.contains("precise to 10 minutes"), "{html}");
    assert!(html.contains("EC P-256"), "{html}");
    assert!(key_row(&html, &old_kid).contains("never"), "{html}");

    assert_eq!(with_key(&app, &id, &old).await, "invalid_grant");
    let html = page_once_used(&app, &owner, &id, &old_kid).await;
    assert!(!html.contains(&new_kid));

    // The relying party publishes a new key: it works with no portal action (once the last
    // fetch is a minute old, an unknown kid fetches the set again).
    *served.lock().unwrap() = jwks(&[&old, &new]);
    app.clock.advance(61);
    assert_eq!(with_key(&app, &id, &new).await, "invalid_grant");
    let html = page_once_used(&app, &owner, &id, &new_kid).await;
    assert!(!key_row(&html, &old_kid).contains("never"), "{html}");

    // It removes the old key: still accepted from the cache, refused after its lifetime.
    *served.lock().unwrap() = jwks(&[&new]);
    assert_eq!(with_key(&app, &id, &old).await, "invalid_grant");
    app.clock.advance(CACHE_FOR + 1);
    assert_eq!(with_key(&app, &id, &old).await, "invalid_client");
    assert_eq!(with_key(&app, &id, &new).await, "invalid_grant");
    let (_, html) = portal::page(&app, &owner, &keys_path).await;
    assert!(
        html.contains(&new_kid) && !html.contains(&old_kid),
        "{html}"
    );
    app.stop().await;
}

async fn an_owner_replaces_inline_keys_and_switches_to_a_jwks_uri_at_once(db: TestDb) {
    let app = TestApp::spawn_with(&db, |f| f.merge(("http.allow_private_outbound", true))).await;
    let (owner, _, _) = portal::developer(&app, 0).await;
    let org = portal::organisation(&app, &owner, "GOV-000203").await;
    let first = PrivateKey::generate(Alg::Es256).unwrap();
    let second = PrivateKey::generate(Alg::Rs256).unwrap();
    let (id, _) = portal::sandbox_client(
        &app,
        &owner,
        &org,
        &key_client_fields("jwks", jwks(&[&first]).to_string()),
    )
    .await;
    assert_eq!(with_key(&app, &id, &first).await, "invalid_grant");
    let keys_path = format!("/portal/clients/{id}/keys");
    let (_, html) = portal::page(&app, &owner, &keys_path).await;
    assert!(html.contains("Replace the keys"), "{html}");
    assert!(html.contains(&first.public_jwk().kid));
    let change = |form: Vec<(&'static str, String)>| {
        let (app, owner, id) = (&app, &owner, &id);
        async move {
            post(app, owner, &format!("/portal/clients/{id}/keys"))
                .form(&form)
                .send()
                .await
                .unwrap()
        }
    };

    // Replaced: the new key works and the old one stops, at once.
    let r = change(vec![("jwks", jwks(&[&second]).to_string())]).await;
    assert_eq!(r.status(), 303, "{}", r.text().await.unwrap_or_default());
    assert_eq!(with_key(&app, &id, &second).await, "invalid_grant");
    assert_eq!(with_key(&app, &id, &first).await, "invalid_client");
    let (_, html) = portal::page(&app, &owner, &keys_path).await;
    assert!(html.contains("RSA 2048 bits"), "{html}");
    assert!(html.contains("RS256"), "{html}");

    // The registration rules apply, with their messages.
    let mut private = serde_json::to_value(first.public_jwk()).unwrap();
    private["d"] = json!("c2VjcmV0");
    for (form, says) in [
        (
            vec![("jwks", json!({ "keys": [private] }).to_string())],
            "jwks: holds a private key",
        ),
        (vec![("jwks", "{not json".to_owned())], "jwks: is not JSON"),
        (
            vec![("jwks_uri", "ftp://keys.example/jwks".to_owned())],
            "jwks_uri: ftp://keys.example/jwks",
        ),
        (
            vec![
                ("jwks", jwks(&[&first]).to_string()),
                ("jwks_uri", "https://keys.example/jwks".to_owned()),
            ],
            "send one of them, once",
        ),
        (vec![("kid", "x".to_owned())], "unknown form field kid"),
    ] {
        let r = change(form.clone()).await;
        assert_eq!(r.status(), 400, "{form:?}");
        let html = r.text().await.unwrap();
        assert!(html.contains(says), "{form:?}: {html}");
    }
    assert_eq!(with_key(&app, &id, &second).await, "invalid_grant");

    // Switched to an address, and back to inline keys.
    let served = Arc::new(Mutex::new(jwks(&[&first])));
    let uri = serve_keys(served).await;
    let r = change(vec![("jwks_uri", uri.clone())]).await;
    assert_eq!(r.status(), 303, "{}", r.text().await.unwrap_or_default());
    assert_eq!(with_key(&app, &id, &first).await, "invalid_grant");
    assert_eq!(with_key(&app, &id, &second).await, "invalid_client");
    let (_, html) = portal::page(&app, &owner, &keys_path).await;
    assert!(html.contains("Register the keys here instead"), "{html}");
    let r = change(vec![("jwks", jwks(&[&second]).to_string())]).await;
    assert_eq!(r.status(), 303);
    assert_eq!(with_key(&app, &id, &second).await, "invalid_grant");
    let row = clients::find_client(&app.state.db, &id)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(row.jwks_uri, None);

    let (_, log) = portal::page(&app, &owner, &format!("/portal/organisations/{org}")).await;
    assert_eq!(log.matches("<td>change keys</td>").count(), 3, "{log}");
    assert!(log.contains(&format!("jwks_uri {uri}")), "{log}");
    app.stop().await;
}

async fn a_production_client_from_approval_gets_its_first_usable_secret_on_the_keys_page(
    db: TestDb,
) {
    let app = TestApp::spawn(&db).await;
    let (owner, _, _) = portal::developer(&app, 0).await;
    let org = portal::organisation(&app, &owner, "GOV-000204").await;
    let (sandbox, _) =
        portal::sandbox_client(&app, &owner, &org, &portal::client_fields("Northbank")).await;
    let production = portal::production_client(&app, &owner, &sandbox).await;

    let keys_path = format!("/portal/clients/{production}/keys");
    let (status, html) = portal::page(&app, &owner, &keys_path).await;
    assert_eq!(status, 200);
    assert!(html.contains("a secret nobody has seen"), "{html}");
    assert!(html.contains("Create the secret"), "{html}");
    assert!(!html.contains("Rotate the secret"), "{html}");

    // Nothing to overlap with: the first secret replaces one nobody has.
    let r = post(
        &app,
        &owner,
        &format!("/portal/clients/{production}/secret"),
    )
    .form(&[("overlap_hours", "24")])
    .send()
    .await
    .unwrap();
    assert_eq!(r.status(), 400);
    let html = r.text().await.unwrap();
    assert!(html.contains("must be 0 for this client"), "{html}");

    let secret = rotate(&app, &owner, &production, "0").await;
    assert_eq!(
        with_secret(&app, &production, &secret).await,
        "invalid_grant"
    );
    assert_eq!(
        with_secret(&app, &production, "wrong").await,
        "invalid_client"
    );
    let (_, html) = portal::page(&app, &owner, &keys_path).await;
    assert!(!html.contains("nobody has seen"), "{html}");
    assert!(html.contains("Rotate the secret"), "{html}");
    let (_, log) = portal::page(&app, &owner, &format!("/portal/organisations/{org}")).await;
    assert!(log.contains("first usable secret"), "{log}");
    app.stop().await;
}

async fn viewers_and_developers_read_the_keys_page_but_cannot_rotate_or_change_keys(db: TestDb) {
    let app = TestApp::spawn_with_outbox(&db).await;
    let (owner, _, _) = portal::developer(&app, 0).await;
    let org = portal::organisation(&app, &owner, "GOV-000205").await;
    let (secret_client, secret) =
        portal::sandbox_client(&app, &owner, &org, &portal::client_fields("Northbank")).await;
    let secret = secret.expect("a secret");
    let key = PrivateKey::generate(Alg::Es256).unwrap();
    let (key_client, _) = portal::sandbox_client(
        &app,
        &owner,
        &org,
        &key_client_fields("jwks", jwks(&[&key]).to_string()),
    )
    .await;
    let viewer = portal::invite(&app, &owner, &org, "viewer").await;
    let developer = portal::invite(&app, &owner, &org, "developer").await;

    for member in [&viewer, &developer] {
        let (status, html) = portal::page(
            &app,
            member,
            &format!("/portal/clients/{secret_client}/keys"),
        )
        .await;
        assert_eq!(status, 200);
        assert!(html.contains("Last changed (UTC)"), "{html}");
        assert!(!html.contains("Rotate the secret"), "{html}");
        let (status, html) =
            portal::page(&app, member, &format!("/portal/clients/{key_client}/keys")).await;
        assert_eq!(status, 200);
        assert!(html.contains(&key.public_jwk().kid), "{html}");
        assert!(!html.contains("Save the keys"), "{html}");

        let r = post(
            &app,
            member,
            &format!("/portal/clients/{secret_client}/secret"),
        )
        .form(&[("overlap_hours", "24")])
        .send()
        .await
        .unwrap();
        assert_eq!(r.status(), 403);
        let other = PrivateKey::generate(Alg::Es256).unwrap();
        let r = post(&app, member, &format!("/portal/clients/{key_client}/keys"))
            .form(&[("jwks", jwks(&[&other]).to_string())])
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 403);
    }
    // Nothing changed.
    assert_eq!(
        with_secret(&app, &secret_client, &secret).await,
        "invalid_grant"
    );
    assert_eq!(with_key(&app, &key_client, &key).await, "invalid_grant");
    let (_, log) = portal::page(&app, &owner, &format!("/portal/organisations/{org}")).await;
    assert!(
        !log.contains("<td>rotate secret</td>") && !log.contains("<td>change keys</td>"),
        "{log}"
    );
    app.stop().await;
}
