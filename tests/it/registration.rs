//! RFC 7591 registration with an operator's initial access token, and RFC 7592 management.

use serde_json::{Value, json};

use crate::{
    on_both_databases,
    support::{TestApp, TestDb},
};

on_both_databases!(a_relying_party_registers_reads_updates_and_deletes_itself,);

fn initial_token(db: &TestDb) -> String {
    let out = db.civitas(&["client", "initial-token", "--note", "Tax Board onboarding"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let stdout = String::from_utf8_lossy(&out.stdout);
    stdout
        .lines()
        .find_map(|l| l.strip_prefix("initial_access_token: "))
        .unwrap()
        .to_owned()
}

fn metadata() -> Value {
    json!({
        "client_name": "Tax Board",
        "purpose": "To prefill your tax return",
        "redirect_uris": ["https://tax.example.gov/cb"],
        "post_logout_redirect_uris": ["https://tax.example.gov/"],
        "token_endpoint_auth_method": "client_secret_basic",
        "scope": "openid profile email",
        "optional_scope": "email",
        "some_extension_we_do_not_know": true
    })
}

async fn a_relying_party_registers_reads_updates_and_deletes_itself(db: TestDb) {
    let app = TestApp::spawn(&db).await;
    let token = initial_token(&db);
    let post = |token: Option<&str>, body: Value| {
        let mut r = app.client.post(app.url("/register")).json(&body);
        if let Some(t) = token {
            r = r.bearer_auth(t);
        }
        r.send()
    };

    assert_eq!(post(None, metadata()).await.unwrap().status(), 401);
    assert_eq!(
        post(Some("made-up"), metadata()).await.unwrap().status(),
        401
    );

    // Bad metadata is refused with the right error, and the token is not spent.
    let mut bad = metadata();
    bad["redirect_uris"] = json!(["http://tax.example.gov/cb"]);
    let r = post(Some(&token), bad).await.unwrap();
    assert_eq!(r.status(), 400);
    assert_eq!(
        r.json::<Value>().await.unwrap()["error"],
        "invalid_redirect_uri"
    );
    let mut not_held = metadata();
    not_held["optional_scope"] = json!("phone");
    let r = post(Some(&token), not_held).await.unwrap();
    assert_eq!(r.status(), 400);
    assert!(
        r.json::<Value>().await.unwrap()["error_description"]
            .as_str()
            .unwrap()
            .starts_with("optional_scope")
    );
    let mut restricted = metadata();
    restricted["scope"] = json!("openid national_id");
    let r = post(Some(&token), restricted).await.unwrap();
    assert_eq!(r.status(), 400);
    let body: Value = r.json().await.unwrap();
    assert_eq!(body["error"], "invalid_client_metadata");
    assert!(
        body["error_description"]
            .as_str()
            .unwrap()
            .contains("restricted")
    );

    // Grant types are checked: offline_access needs the refresh grant.
    let mut offline_only = metadata();
    offline_only["scope"] = json!("openid profile offline_access");
    let r = post(Some(&token), offline_only).await.unwrap();
    assert_eq!(r.status(), 400);
    assert!(
        r.json::<Value>().await.unwrap()["error_description"]
            .as_str()
            .unwrap()
            .contains("refresh_token grant")
    );
    let mut implicit = metadata();
    implicit["grant_types"] = json!(["authorization_code", "implicit"]);
    assert_eq!(post(Some(&token), implicit).await.unwrap().status(), 400);

    let r = post(Some(&token), metadata()).await.unwrap();
    assert_eq!(r.status(), 201);
    assert_eq!(r.headers()["cache-control"], "no-store");
    let created: Value = r.json().await.unwrap();
    let client_id = created["client_id"].as_str().unwrap().to_owned();
    assert_eq!(created["client_secret"].as_str().unwrap().len(), 43);
    assert_eq!(created["subject_type"], "pairwise");
    assert_eq!(
        created["grant_types"],
        json!(["authorization_code"]),
        "RFC 7591 §2: no grant_types means authorization_code alone, echoed as registered"
    );
    let rat = created["registration_access_token"]
        .as_str()
        .unwrap()
        .to_owned();
    let uri = created["registration_client_uri"]
        .as_str()
        .unwrap()
        .to_owned();
    assert_eq!(uri, app.url(&format!("/register/{client_id}")));

    // The initial access token registers one client only.
    assert_eq!(post(Some(&token), metadata()).await.unwrap().status(), 401);

    let read = app.client.get(&uri).bearer_auth(&rat).send().await.unwrap();
    assert_eq!(read.status(), 200);
    let read: Value = read.json().await.unwrap();
    assert_eq!(read["client_name"], "Tax Board");
    assert_eq!(
        read["optional_scope"], "email",
        "the citizen may leave the e-mail out"
    );
    assert!(
        read.get("client_secret").is_none(),
        "the secret is shown once only"
    );
    assert_eq!(
        app.client
            .get(&uri)
            .bearer_auth("wrong")
            .send()
            .await
            .unwrap()
            .status(),
        401
    );

    let mut changed = metadata();
    changed["client_id"] = json!(client_id);
    changed["client_name"] = json!("Tax and Customs Board");
    changed["redirect_uris"] = json!(["https://tax.example.gov/callback"]);
    let updated = app
        .client
        .put(&uri)
        .bearer_auth(&rat)
        .json(&changed)
        .send()
        .await
        .unwrap();
    assert_eq!(updated.status(), 200);
    let updated: Value = updated.json().await.unwrap();
    assert_eq!(updated["client_name"], "Tax and Customs Board");
    assert_eq!(
        updated["grant_types"],
        json!(["authorization_code"]),
        "the update registered no refresh grant either"
    );
    let mut with_refresh = changed.clone();
    with_refresh["grant_types"] = json!(["refresh_token", "authorization_code"]);
    with_refresh["scope"] = json!("openid profile email offline_access");
    let updated: Value = app
        .client
        .put(&uri)
        .bearer_auth(&rat)
        .json(&with_refresh)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(
        updated["grant_types"],
        json!(["authorization_code", "refresh_token"])
    );
    assert_eq!(updated["scope"], "email offline_access openid profile");
    assert_eq!(
        updated["redirect_uris"],
        json!(["https://tax.example.gov/callback"])
    );

    let deleted = app
        .client
        .delete(&uri)
        .bearer_auth(&rat)
        .send()
        .await
        .unwrap();
    assert_eq!(deleted.status(), 204);
    assert_eq!(
        app.client
            .get(&uri)
            .bearer_auth(&rat)
            .send()
            .await
            .unwrap()
            .status(),
        401
    );
    let token_call = app
        .client
        .post(app.url("/token"))
        .basic_auth(&client_id, created["client_secret"].as_str())
        .form(&[("grant_type", "refresh_token"), ("refresh_token", "x")])
        .send()
        .await
        .unwrap();
    assert_eq!(
        token_call.status(),
        401,
        "a deleted client cannot authenticate"
    );
    app.stop().await;
}
