//! The consent step: the citizen sees the service, its purpose and their own values, and
//! allows (remembered or this time only) or declines (the service gets access_denied).

use std::collections::HashMap;

use crate::support::{
    TestDb,
    oidc::{
        authorize_url, pkce, redirect_query, register, seeded_person, signed_in_browser, web_client,
    },
};

#[tokio::test]
async fn the_citizen_sees_what_leaves_and_decides() {
    let db = TestDb::sqlite();
    let app = crate::support::TestApp::spawn(&db).await;
    let person = seeded_person(&app).await;
    let (client_id, _) = register(&app, web_client("Tax Board")).await;
    let (browser, _) = signed_in_browser(&app, &person, "urn:civitas:loa:substantial").await;
    let (_, challenge) = pkce();

    let ask = || async {
        let r = browser
            .get(authorize_url(
                &app,
                &client_id,
                &challenge,
                &[("scope", "openid profile email")],
            ))
            .send()
            .await
            .unwrap();
        let location = r.headers()["location"].to_str().unwrap().to_owned();
        assert!(location.starts_with("/consent?continue="), "{location}");
        location.split("continue=").nth(1).unwrap().to_owned()
    };
    let waiting = ask().await;
    let page = browser
        .get(app.url(&format!("/consent?continue={waiting}")))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let me = &civitas::demo::population()[0];
    assert!(
        page.contains("Tax Board") && page.contains("Testing"),
        "service and purpose shown"
    );
    assert!(
        page.contains(&me.given_names) && page.contains(me.email.as_deref().unwrap()),
        "the citizen's own values shown"
    );
    assert!(
        page.contains(r#"<label for="remember""#),
        "every field has a label"
    );

    let decide = |waiting: String, decision: &'static str, remember: bool| {
        let mut form = vec![("continue", waiting), ("decision", decision.to_owned())];
        if remember {
            form.push(("remember", "yes".to_owned()));
        }
        browser
            .post(app.url("/consent"))
            .header("origin", app.base.clone())
            .form(&form)
            .send()
    };

    // Declining tells the service access_denied, with its state.
    let r = decide(waiting, "deny", true).await.unwrap();
    let back = url::Url::parse(r.headers()["location"].to_str().unwrap()).unwrap();
    let q: HashMap<String, String> = back.query_pairs().into_owned().collect();
    assert_eq!(q.get("error").map(String::as_str), Some("access_denied"));
    assert_eq!(q.get("state").map(String::as_str), Some("st4te"));

    // Allowing, remembered: a code now, and no question next time.
    let waiting = ask().await;
    let r = decide(waiting.clone(), "allow", true).await.unwrap();
    assert_eq!(
        r.headers()["location"],
        format!("/authorize/resume?continue={waiting}")
    );
    let q = redirect_query(
        &browser,
        &app.url(r.headers()["location"].to_str().unwrap()),
    )
    .await;
    assert!(q.contains_key("code"));
    let q = redirect_query(
        &browser,
        &authorize_url(
            &app,
            &client_id,
            &challenge,
            &[("scope", "openid profile email")],
        ),
    )
    .await;
    assert!(q.contains_key("code"), "remembered");
    // Asking for more than was agreed asks again.
    let r = browser
        .get(authorize_url(
            &app,
            &client_id,
            &challenge,
            &[("scope", "openid profile email"), ("prompt", "consent")],
        ))
        .send()
        .await
        .unwrap();
    assert!(
        r.headers()["location"]
            .to_str()
            .unwrap()
            .starts_with("/consent?continue=")
    );
    // A form from another site cannot decide for the citizen.
    let forged = browser
        .post(app.url("/consent"))
        .header("origin", "https://evil.example")
        .form(&[("continue", "x"), ("decision", "allow")])
        .send()
        .await
        .unwrap();
    assert_eq!(forged.status(), 403);
    app.stop().await;
}

crate::on_both_databases!(
    an_optional_claim_left_out_never_leaves_and_the_ledger_says_what_did,
    only_this_time_answers_the_one_request_the_citizen_saw,
    a_claim_asked_for_by_name_is_released_alone,
);

/// The payload of a compact JWS, unverified (the RP tests verify signatures).
fn jwt_payload(jwt: &str) -> serde_json::Value {
    use base64::Engine;
    let part = jwt.split('.').nth(1).unwrap();
    serde_json::from_slice(
        &base64::engine::general_purpose::URL_SAFE_NO_PAD
            .decode(part)
            .unwrap(),
    )
    .unwrap()
}

async fn an_optional_claim_left_out_never_leaves_and_the_ledger_says_what_did(db: TestDb) {
    use crate::support::oidc::{REDIRECT, token_request};
    let app = crate::support::TestApp::spawn(&db).await;
    let person = seeded_person(&app).await;
    let mut request = web_client("Housing Benefits");
    request.purpose = "To pay housing benefit to your address".into();
    request.scope = Some("profile email address phone".into());
    request.optional_scope = Some("email phone".into());
    let (client_id, secret) = register(&app, request).await;
    let secret = secret.unwrap();
    let (browser, _) = signed_in_browser(&app, &person, "urn:civitas:loa:substantial").await;
    let (verifier, challenge) = pkce();
    let scope = [("scope", "openid profile email address")];

    let r = browser
        .get(authorize_url(&app, &client_id, &challenge, &scope))
        .send()
        .await
        .unwrap();
    let location = r.headers()["location"].to_str().unwrap().to_owned();
    let waiting = location.split("continue=").nth(1).unwrap().to_owned();
    let page = browser
        .get(app.url(&location))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        page.contains(r#"name="share_email""#) && page.contains(r#"<label for="share-email""#),
        "the optional e-mail can be left out, with a label"
    );
    assert!(
        !page.contains(r#"name="share_profile""#) && !page.contains(r#"name="share_address""#),
        "required data cannot be left out"
    );

    // Allow, remembered, with e-mail unticked (the address box does not exist: required).
    let r = browser
        .post(app.url("/consent"))
        .header("origin", app.base.clone())
        .form(&[
            ("continue", waiting.as_str()),
            ("decision", "allow"),
            ("remember", "yes"),
        ])
        .send()
        .await
        .unwrap();
    let q = redirect_query(
        &browser,
        &app.url(r.headers()["location"].to_str().unwrap()),
    )
    .await;
    let code = q.get("code").expect("a code").clone();
    let (status, tokens) = token_request(
        &app,
        &client_id,
        &secret,
        &[
            ("grant_type", "authorization_code"),
            ("code", code.as_str()),
            ("redirect_uri", REDIRECT),
            ("code_verifier", verifier.as_str()),
        ],
    )
    .await;
    assert_eq!(status, 200, "{tokens}");
    let id_token = jwt_payload(tokens["id_token"].as_str().unwrap());
    assert!(id_token.get("email").is_none(), "{id_token}");
    assert!(id_token["address"].is_object() && id_token["given_name"].is_string());
    let info: serde_json::Value = app
        .client
        .get(app.url("/userinfo"))
        .bearer_auth(tokens["access_token"].as_str().unwrap())
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert!(
        info.get("email").is_none() && info["address"].is_object(),
        "{info}"
    );

    // The ledger records exactly what left, why, and at what assurance.
    let rows = civitas::store::releases::find_releases_of_person(
        &app.state.db,
        &person,
        Some(&client_id),
        None,
        10,
    )
    .await
    .unwrap();
    let released = |channel: &str| {
        rows.iter()
            .find(|r| r.channel == channel)
            .unwrap_or_else(|| panic!("a {channel} record"))
    };
    for r in [released("id_token"), released("userinfo")] {
        let mut names: Vec<&str> = r.claims.split(' ').collect();
        names.sort_unstable();
        let mut expected = vec![
            "address",
            "birthdate",
            "family_name",
            "gender",
            "given_name",
            "name",
            "sub",
        ];
        expected.sort_unstable();
        assert_eq!(names, expected, "{} released exactly these", r.channel);
        assert_eq!(r.purpose, "To pay housing benefit to your address");
        assert_eq!(r.acr, "urn:civitas:loa:substantial");
    }

    // Remembered, the e-mail left out included: no question next time.
    let q = redirect_query(
        &browser,
        &authorize_url(&app, &client_id, &challenge, &scope),
    )
    .await;
    assert!(q.contains_key("code"), "remembered: {q:?}");
    // A claim not asked for before asks again.
    let r = browser
        .get(authorize_url(
            &app,
            &client_id,
            &challenge,
            &[("scope", "openid profile email address phone")],
        ))
        .send()
        .await
        .unwrap();
    assert!(
        r.headers()["location"]
            .to_str()
            .unwrap()
            .starts_with("/consent?continue="),
        "the phone number is new: asked again"
    );
    app.stop().await;
}

#[tokio::test]
async fn the_operator_sets_a_logo_that_the_consent_page_shows_from_our_origin() {
    let db = TestDb::sqlite();
    let app = crate::support::TestApp::spawn(&db).await;
    let person = seeded_person(&app).await;
    let (client_id, _) = register(&app, web_client("Tax Board")).await;
    // A 1×1 PNG.
    let png: Vec<u8> = [
        "89504e470d0a1a0a0000000d4948445200000001000000010806000000",
        "1f15c4890000000d49444154789c6360f8cf00000301010018dd8db000",
        "00000049454e44ae426082",
    ]
    .concat()
    .as_bytes()
    .chunks(2)
    .map(|h| u8::from_str_radix(std::str::from_utf8(h).unwrap(), 16).unwrap())
    .collect();
    let file = db.dir.path().join("logo.png");
    std::fs::write(&file, &png).unwrap();
    let svg = crate::support::write_file(db.dir.path(), "logo.svg", "<svg onload=\"alert(1)\"/>");
    let run = |args: &[&str]| db.civitas(args);

    let refused = run(&["client", "logo", &client_id, svg.to_str().unwrap()]);
    assert!(!refused.status.success());
    let err = String::from_utf8_lossy(&refused.stderr);
    assert!(
        err.contains("logo.svg") && err.contains("PNG or JPEG"),
        "{err}"
    );
    let set = run(&["client", "logo", &client_id, file.to_str().unwrap()]);
    assert!(
        set.status.success() && String::from_utf8_lossy(&set.stdout).contains("image/png"),
        "{}",
        String::from_utf8_lossy(&set.stderr)
    );

    let (browser, _) = signed_in_browser(&app, &person, "urn:civitas:loa:substantial").await;
    let (_, challenge) = pkce();
    let r = browser
        .get(authorize_url(&app, &client_id, &challenge, &[]))
        .send()
        .await
        .unwrap();
    let page = browser
        .get(app.url(r.headers()["location"].to_str().unwrap()))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        page.contains(&format!(
            r#"<img src="/clients/{client_id}/logo" alt="Logo of Tax Board""#
        )),
        "{page}"
    );
    let logo = app
        .client
        .get(app.url(&format!("/clients/{client_id}/logo")))
        .send()
        .await
        .unwrap();
    assert_eq!(logo.status(), 200);
    assert_eq!(logo.headers()["content-type"], "image/png");
    assert_eq!(logo.headers()["x-content-type-options"], "nosniff");
    assert_eq!(logo.bytes().await.unwrap().to_vec(), png);
    let none = app
        .client
        .get(app.url("/clients/nobody/logo"))
        .send()
        .await
        .unwrap();
    assert_eq!(none.status(), 404);

    let removed = run(&["client", "logo", &client_id, "--remove"]);
    assert!(removed.status.success());
    app.stop().await;
}

/// Follows an authorization request one hop; returns where it went.
async fn authorize_hop(browser: &reqwest::Client, url: &str) -> String {
    let r = browser.get(url).send().await.unwrap();
    assert_eq!(r.status(), 303, "{}", r.text().await.unwrap_or_default());
    r.headers()["location"].to_str().unwrap().to_owned()
}

async fn only_this_time_answers_the_one_request_the_citizen_saw(db: TestDb) {
    use crate::support::oidc::{REDIRECT, token_request};
    let app = crate::support::TestApp::spawn(&db).await;
    let person = seeded_person(&app).await;
    let (client_id, secret) = register(&app, web_client("Tax Board")).await;
    let (browser, _) = signed_in_browser(&app, &person, "urn:civitas:loa:substantial").await;
    let (verifier, challenge) = pkce();
    let url = authorize_url(&app, &client_id, &challenge, &[]);

    // Allowed "only this time": this request gets its code, and the code its tokens.
    let location = authorize_hop(&browser, &url).await;
    let waiting = location.split("continue=").nth(1).unwrap();
    let r = browser
        .post(app.url("/consent"))
        .header("origin", app.base.clone())
        .form(&[("continue", waiting), ("decision", "allow")])
        .send()
        .await
        .unwrap();
    let q = redirect_query(
        &browser,
        &app.url(r.headers()["location"].to_str().unwrap()),
    )
    .await;
    let (status, tokens) = token_request(
        &app,
        &client_id,
        secret.as_deref().unwrap(),
        &[
            ("grant_type", "authorization_code"),
            ("code", &q["code"]),
            ("redirect_uri", REDIRECT),
            ("code_verifier", &verifier),
        ],
    )
    .await;
    assert_eq!(status, 200, "{tokens}");

    // A second request of the same client, a minute later: the consent page again.
    app.clock.advance(60);
    let location = authorize_hop(&browser, &url).await;
    assert!(location.starts_with("/consent?continue="), "{location}");
    // From another browser of the same citizen, too.
    let (other, _) = signed_in_browser(&app, &person, "urn:civitas:loa:substantial").await;
    let location = authorize_hop(&other, &url).await;
    assert!(location.starts_with("/consent?continue="), "{location}");
    // And prompt=none cannot pass on it: consent_required.
    let q = redirect_query(
        &browser,
        &authorize_url(&app, &client_id, &challenge, &[("prompt", "none")]),
    )
    .await;
    assert_eq!(q.get("error").map(String::as_str), Some("consent_required"));
    app.stop().await;
}

async fn a_claim_asked_for_by_name_is_released_alone(db: TestDb) {
    use crate::support::oidc::{REDIRECT, token_request};
    let app = crate::support::TestApp::spawn(&db).await;
    let person = seeded_person(&app).await;
    let (client_id, secret) = register(&app, web_client("Library")).await;
    let (browser, _) = signed_in_browser(&app, &person, "urn:civitas:loa:substantial").await;
    let (verifier, challenge) = pkce();
    // Scope openid only; the e-mail address (userinfo) and the birth date (ID token) by name.
    let claims = r#"{"userinfo":{"email":null},"id_token":{"birthdate":{"essential":true}}}"#;
    let url = authorize_url(
        &app,
        &client_id,
        &challenge,
        &[("scope", "openid"), ("claims", claims)],
    );
    let location = authorize_hop(&browser, &url).await;
    let page = browser
        .get(app.url(&location))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let me = &civitas::demo::population()[0];
    let birth_date = me.birth_date.to_string();
    assert!(
        page.contains(&birth_date) && page.contains(&me.given_names),
        "consent is kept per scope: the page shows the whole of what a remembered answer covers"
    );
    let waiting = location.split("continue=").nth(1).unwrap();
    let r = browser
        .post(app.url("/consent"))
        .header("origin", app.base.clone())
        .form(&[
            ("continue", waiting),
            ("decision", "allow"),
            ("remember", "yes"),
        ])
        .send()
        .await
        .unwrap();
    let q = redirect_query(
        &browser,
        &app.url(r.headers()["location"].to_str().unwrap()),
    )
    .await;
    let (status, tokens) = token_request(
        &app,
        &client_id,
        secret.as_deref().unwrap(),
        &[
            ("grant_type", "authorization_code"),
            ("code", &q["code"]),
            ("redirect_uri", REDIRECT),
            ("code_verifier", &verifier),
        ],
    )
    .await;
    assert_eq!(status, 200, "{tokens}");
    let id = jwt_payload(tokens["id_token"].as_str().unwrap());
    assert_eq!(id["birthdate"], birth_date.as_str());
    for absent in ["name", "given_name", "family_name", "gender", "email"] {
        assert!(
            id.get(absent).is_none(),
            "{absent} is not in the ID token: {id}"
        );
    }
    let info: serde_json::Value = app
        .client
        .get(app.url("/userinfo"))
        .bearer_auth(tokens["access_token"].as_str().unwrap())
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let mut keys: Vec<_> = info.as_object().unwrap().keys().cloned().collect();
    keys.sort();
    assert_eq!(
        keys,
        ["email", "sub"],
        "exactly the claim asked for: {info}"
    );
    app.stop().await;
}
