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
