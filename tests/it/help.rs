//! Assisted access: "Get help" on every page, the help page with the configured contacts,
//! the reference on error pages, what is recorded under it (nothing personal), the console's
//! lookup, and retention.

use std::time::Duration;

use civitas::{
    admin::Role,
    help::references::KEPT_FOR,
    store::error_references::{ErrorReferenceRow, find_error_reference},
};

use crate::{
    on_both_databases,
    support::{
        TestApp, TestDb,
        admin::{admin_post, page, staff_browser, staff_log},
        oidc::{
            REDIRECT, authorize_url, pkce, register, seeded_person, signed_in_browser, web_client,
        },
        page_in,
    },
};

on_both_databases!(
    every_page_offers_get_help_in_english_and_french,
    the_help_page_lists_the_configured_contacts,
    an_error_page_gives_a_reference_that_the_console_finds_and_it_holds_nothing_personal,
    protocol_errors_are_recorded_with_their_oauth_code_and_client,
    a_reference_that_does_not_exist_says_so,
    error_references_are_deleted_after_thirty_days,
);

/// The header of a page.
fn page_header(html: &str) -> &str {
    let start = html.find("<header").expect("a header");
    let end = html[start..].find("</header>").expect("end of header") + start;
    &html[start..end]
}

/// The header's link to the help page, in `lang`.
fn help_link(lang: &str) -> String {
    let text = if lang == "fr" {
        "Obtenir de l’aide"
    } else {
        "Get help"
    };
    format!(r#"<a class="help-link" href="/help">{text}</a>"#)
}

/// The reference an error page shows.
fn reference_on(html: &str) -> Option<String> {
    let start = html.find(r#"id="error-reference""#)?;
    let text = &html[start..];
    let open = text.find('>')? + 1;
    let close = text.find("</strong>")?;
    Some(text[open..close].to_owned())
}

/// The record of request `request_id`, once the recorder has written it.
async fn recorded(app: &TestApp, request_id: &str) -> ErrorReferenceRow {
    for _ in 0..200 {
        if let Some(row) = find_error_reference(&app.state.db, request_id)
            .await
            .unwrap()
        {
            return row;
        }
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
    panic!("no record of {request_id}");
}

async fn every_page_offers_get_help_in_english_and_french(db: TestDb) {
    let app = TestApp::spawn(&db).await;
    let person = seeded_person(&app).await;
    let (client_id, _) = register(&app, web_client("Tax Board")).await;
    let (browser, _) = signed_in_browser(&app, &person, "urn:civitas:loa:substantial").await;
    let (staff, _) = staff_browser(&app, Role::Helpdesk).await;
    let (_, challenge) = pkce();

    for lang in ["en", "fr"] {
        // The consent page of a waiting authorization request.
        let r = browser
            .get(authorize_url(&app, &client_id, &challenge, &[]))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 303);
        let consent = r.headers()["location"].to_str().unwrap().to_owned();
        assert!(consent.starts_with("/consent?"), "{consent}");

        let mut pages = vec![];
        for path in [
            "/",
            "/signin",
            "/activate",
            "/help",
            "/no/such/page",
            "/portal",
        ] {
            pages.push((
                path.to_owned(),
                page_in(&app.client, &app, path, lang).await,
            ));
        }
        for path in [
            "/account",
            consent.as_str(),
            "/account/releases/no-such-receipt",
        ] {
            pages.push((path.to_owned(), page_in(&browser, &app, path, lang).await));
        }
        pages.push(("/admin".into(), page_in(&staff, &app, "/admin", lang).await));
        for (path, (status, html)) in &pages {
            assert!(*status == 200 || *status == 404, "{path}: {status}");
            assert!(
                page_header(html).contains(&help_link(lang)),
                "{lang} {path}: {html}"
            );
        }
        // An error page also says in words what the reference is for.
        let (_, missing) = &pages.iter().find(|(p, _)| p == "/no/such/page").unwrap().1;
        let give = if lang == "fr" {
            "Si vous appelez l’assistance, donnez-lui cette référence :"
        } else {
            "If you call the helpdesk, give them this reference:"
        };
        assert!(missing.contains(give), "{missing}");
        assert!(reference_on(missing).is_some(), "{missing}");
    }
    app.stop().await;
}

async fn the_help_page_lists_the_configured_contacts(db: TestDb) {
    let app = TestApp::spawn_with(&db, |f| {
        f.merge(("help.phone", "+33 (0)1 23 45 67 89"))
            .merge(("help.hours", "Monday to Friday, 8:00 to 18:00"))
            .merge(("help.email", "help@id.example.gov"))
            .merge(("help.visit", "Any town hall"))
    })
    .await;
    let (status, html) = page_in(&app.client, &app, "/help", "en").await;
    assert_eq!(status, 200);
    assert!(
        html.contains(r#"<a href="tel:+33123456789">+33 (0)1 23 45 67 89</a>"#),
        "{html}"
    );
    assert!(html.contains("Monday to Friday, 8:00 to 18:00"));
    assert!(html.contains(r#"<a href="mailto:help@id.example.gov">help@id.example.gov</a>"#));
    assert!(html.contains("Any town hall"));
    assert!(!html.contains("help-no-contacts"));
    assert!(html.contains("What to have ready"));
    // No script, nothing from elsewhere.
    assert!(
        !html.contains("<script") && !html.contains("https://"),
        "{html}"
    );
    let (_, french) = page_in(&app.client, &app, "/help", "fr").await;
    assert!(french.contains("<h1>Obtenir de l’aide</h1>") && french.contains("Téléphone"));
    app.stop().await;

    // Without contacts, the page still helps: a service desk, and what to have ready.
    let other = TestDb::sqlite();
    let app = TestApp::spawn(&other).await;
    let (status, html) = page_in(&app.client, &app, "/help", "en").await;
    assert_eq!(status, 200);
    assert!(html.contains(r#"id="help-no-contacts""#), "{html}");
    assert!(!html.contains("tel:") && !html.contains("mailto:"));
    assert!(html.contains("What to have ready"));
    app.stop().await;
}

async fn an_error_page_gives_a_reference_that_the_console_finds_and_it_holds_nothing_personal(
    db: TestDb,
) {
    let app = TestApp::spawn(&db).await;
    let person = seeded_person(&app).await;
    let citizen = &civitas::demo::population()[0];
    let national_id = citizen.national_id.as_str();
    let email = citizen.email.clone().expect("an e-mail address");
    let (browser, _) = signed_in_browser(&app, &person, "urn:civitas:loa:substantial").await;

    // A receipt that does not exist, asked for with personal data in the path and the query.
    let query = url::form_urlencoded::Serializer::new(String::new())
        .extend_pairs([("national_id", national_id), ("email", email.as_str())])
        .finish();
    let r = browser
        .get(app.url(&format!("/account/releases/{national_id}?{query}")))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 404);
    let request_id = r.headers()["x-request-id"].to_str().unwrap().to_owned();
    let html = r.text().await.unwrap();
    let short = reference_on(&html).expect("a reference");
    assert_eq!(
        short,
        format!("{}-{}", &request_id[..4], &request_id[4..8]).to_uppercase()
    );

    let row = recorded(&app, &request_id).await;
    assert_eq!(row.route.as_deref(), Some("/account/releases/{id}"));
    assert_eq!((row.method.as_str(), row.status), ("GET", 404));
    assert_eq!(row.kind, "not_found");
    assert_eq!((&row.oauth_error, &row.client_id), (&None, &None));
    let stored = format!("{row:?}");
    for personal in [
        national_id,
        email.as_str(),
        "national_id=",
        "127.0.0.1",
        &person,
    ] {
        assert!(!stored.contains(personal), "{personal} in {stored}");
    }

    // The console finds it by the short form as read out, and by the whole id.
    let (staff, _) = staff_browser(&app, Role::Helpdesk).await;
    let (status, home) = page(&staff, &app, "/admin").await;
    assert_eq!(status, 200);
    assert!(home.contains(r#"<a href="/admin/references">"#), "{home}");
    for typed in [
        short.clone(),
        short.to_lowercase().replace('-', " "),
        request_id.clone(),
    ] {
        let r = admin_post(&app, &staff, "/admin/references")
            .form(&[("reference", typed.as_str())])
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 200);
        let html = r.text().await.unwrap();
        assert!(html.contains(&request_id), "{typed}: {html}");
        assert!(
            html.contains("<code>GET /account/releases/{id}</code>"),
            "{html}"
        );
        assert!(html.contains("The address does not exist"), "{html}");
        assert!(!html.contains(national_id), "{html}");
    }
    let log = staff_log(&app).await;
    let short_key = request_id[..8].to_owned();
    assert!(
        log.contains(&("look_up_reference".into(), short_key)),
        "{log:?}"
    );
    assert!(
        log.contains(&("look_up_reference".into(), request_id.clone())),
        "{log:?}"
    );
    app.stop().await;
}

async fn protocol_errors_are_recorded_with_their_oauth_code_and_client(db: TestDb) {
    let app = TestApp::spawn(&db).await;
    let (client_id, secret) = register(&app, web_client("Tax Board")).await;
    let r = app
        .client
        .post(app.url("/token"))
        .basic_auth(&client_id, secret.as_deref())
        .form(&[
            ("grant_type", "authorization_code"),
            ("code", "no-such-code"),
            ("redirect_uri", REDIRECT),
            ("code_verifier", &"v".repeat(43)),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 400);
    let request_id = r.headers()["x-request-id"].to_str().unwrap().to_owned();
    let row = recorded(&app, &request_id).await;
    assert_eq!(
        (row.method.as_str(), row.route.as_deref()),
        ("POST", Some("/token"))
    );
    assert_eq!(row.kind, "oauth");
    assert_eq!(row.oauth_error.as_deref(), Some("invalid_grant"));
    assert_eq!(row.client_id.as_deref(), Some(client_id.as_str()));
    let stored = format!("{row:?}");
    assert!(!stored.contains("no-such-code") && !stored.contains(secret.as_deref().unwrap()));

    // A registered client's authorization request with a wrong redirect URI: a page for the
    // person, recorded with the client.
    let (_, challenge) = pkce();
    let r = app
        .client
        .get(authorize_url(
            &app,
            &client_id,
            &challenge,
            &[("redirect_uri", "https://elsewhere.example/cb")],
        ))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 400);
    let authorize_id = r.headers()["x-request-id"].to_str().unwrap().to_owned();
    assert!(reference_on(&r.text().await.unwrap()).is_some());
    let row = recorded(&app, &authorize_id).await;
    assert_eq!(row.kind, "unverified_authorization");
    assert_eq!(row.client_id.as_deref(), Some(client_id.as_str()));
    assert!(!format!("{row:?}").contains("elsewhere.example"));

    // Staff see the service by name.
    let (staff, _) = staff_browser(&app, Role::Supervisor).await;
    let html = admin_post(&app, &staff, "/admin/references")
        .form(&[("reference", request_id.as_str())])
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(html.contains(&format!("Tax Board ({client_id})")), "{html}");
    assert!(html.contains("invalid_grant") && html.contains("<code>POST /token</code>"));
    app.stop().await;
}

async fn a_reference_that_does_not_exist_says_so(db: TestDb) {
    let app = TestApp::spawn(&db).await;
    let (staff, _) = staff_browser(&app, Role::Helpdesk).await;
    let (status, form) = page(&staff, &app, "/admin/references").await;
    assert_eq!(status, 200);
    assert!(
        form.contains(r#"<label for="reference">Reference</label>"#),
        "{form}"
    );

    let r = admin_post(&app, &staff, "/admin/references")
        .form(&[("reference", "0000-0000")])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let html = r.text().await.unwrap();
    assert!(html.contains(r#"id="reference-none""#), "{html}");
    assert!(html.contains("No error has this reference"), "{html}");
    assert!(
        staff_log(&app)
            .await
            .contains(&("look_up_reference".into(), "00000000".into()))
    );

    // Not a reference at all: said so, and nothing looked up.
    let before = staff_log(&app).await.len();
    let html = admin_post(&app, &staff, "/admin/references")
        .form(&[("reference", "Jean Dupont")])
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        html.contains(r#"class="error-message" role="alert""#),
        "{html}"
    );
    assert!(!html.contains("Jean Dupont</"), "{html}");
    assert_eq!(staff_log(&app).await.len(), before);

    // Roles that do not help citizens cannot look up.
    let (auditor, _) = staff_browser(&app, Role::Auditor).await;
    let r = admin_post(&app, &auditor, "/admin/references")
        .form(&[("reference", "0000-0000")])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 403);
    app.stop().await;
}

async fn error_references_are_deleted_after_thirty_days(db: TestDb) {
    let app = TestApp::spawn(&db).await;
    let r = app.get("/no/such/page").await;
    assert_eq!(r.status(), 404);
    let request_id = r.headers()["x-request-id"].to_str().unwrap().to_owned();
    let row = recorded(&app, &request_id).await;
    assert_eq!((row.route, row.kind.as_str()), (None, "not_found"));

    civitas::app::housekeeping(&app.state.db, row.at + KEPT_FOR - 60)
        .await
        .unwrap();
    assert!(
        find_error_reference(&app.state.db, &request_id)
            .await
            .unwrap()
            .is_some()
    );
    civitas::app::housekeeping(&app.state.db, row.at + KEPT_FOR + 1)
        .await
        .unwrap();
    assert!(
        find_error_reference(&app.state.db, &request_id)
            .await
            .unwrap()
            .is_none()
    );
    app.stop().await;
}
