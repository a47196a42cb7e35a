//! Languages: the service's `ui_locales` for one sign-in, over the person's choice, over the
//! browser's `Accept-Language`; right-to-left pages; e-mails in the language of the person
//! asking. (Every language having every text is `web::i18n::catalogue_tests`.)

use civitas::web::i18n::Lang;

use crate::{
    otp::activated,
    support::{
        TestApp, TestDb,
        oidc::{REDIRECT, authorize_url, pkce, register, seeded_person, web_client},
    },
};

fn set_cookies(r: &reqwest::Response) -> Vec<String> {
    r.headers()
        .get_all("set-cookie")
        .iter()
        .map(|v| v.to_str().unwrap().to_owned())
        .collect()
}

#[tokio::test]
async fn ui_locales_choose_the_sign_in_language_until_the_answer_goes_back() {
    let db = TestDb::sqlite();
    let app = TestApp::spawn(&db).await;
    let (client_id, _) = register(&app, web_client("Tax Board")).await;
    let (_, challenge) = pkce();
    let http = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    // The person chose French, the browser prefers Spanish, the service asks for Arabic.
    let chosen = "civitas_lang=fr";
    let r = http
        .get(authorize_url(
            &app,
            &client_id,
            &challenge,
            &[("ui_locales", "de-CH ar-EG fr")],
        ))
        .header("cookie", chosen)
        .header("accept-language", "es")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 303);
    let cookies = set_cookies(&r);
    let ui = cookies
        .iter()
        .find(|c| c.starts_with("civitas_ui_locales="))
        .expect("the sign-in keeps ui_locales");
    assert!(
        ui.starts_with("civitas_ui_locales=ar;") && !ui.contains("Max-Age"),
        "{ui}"
    );
    let signin = r.headers()["location"].to_str().unwrap().to_owned();
    assert!(signin.starts_with("/signin?continue="), "{signin}");
    let page = http
        .get(app.url(&signin))
        .header("cookie", format!("{chosen}; civitas_ui_locales=ar"))
        .header("accept-language", "es")
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(page.contains("<html lang=\"ar\" dir=\"rtl\">"), "{page}");
    assert!(page.contains(Lang::Ar.messages().signin_title));

    // Without ui_locales, the person's choice wins over the browser.
    let page = http
        .get(app.url("/signin"))
        .header("cookie", chosen)
        .header("accept-language", "es")
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(page.contains("<html lang=\"fr\" dir=\"ltr\">"), "{page}");
    // And without a choice, the browser.
    let (_, page) = crate::support::page_in(&app.client, &app, "/signin", "es-MX, en;q=0.5").await;
    assert!(page.contains("<html lang=\"es\" dir=\"ltr\">"), "{page}");

    // Picking a language on a page ends ui_locales' hold.
    let r = http
        .post(app.url("/language"))
        .header("origin", app.base.clone())
        .header("cookie", format!("{chosen}; civitas_ui_locales=ar"))
        .form(&[("lang", "es"), ("next", "/signin")])
        .send()
        .await
        .unwrap();
    let cookies = set_cookies(&r);
    assert!(
        cookies.iter().any(|c| c.starts_with("civitas_lang=es;")),
        "{cookies:?}"
    );
    assert!(
        cookies
            .iter()
            .any(|c| c.starts_with("civitas_ui_locales=;") && c.contains("Max-Age=0")),
        "{cookies:?}"
    );

    // The answer to the service ends it too (here at once: prompt=none, nobody signed in).
    let r = http
        .get(authorize_url(
            &app,
            &client_id,
            &challenge,
            &[("ui_locales", "ar"), ("prompt", "none")],
        ))
        .send()
        .await
        .unwrap();
    let location = r.headers()["location"].to_str().unwrap();
    assert!(location.starts_with(REDIRECT) && location.contains("error=login_required"));
    let cookies = set_cookies(&r);
    assert_eq!(
        cookies
            .iter()
            .filter(|c| c.starts_with("civitas_ui_locales="))
            .map(|c| c.contains("Max-Age=0"))
            .collect::<Vec<_>>(),
        [true],
        "{cookies:?}"
    );
    app.stop().await;
}

#[tokio::test]
async fn the_one_time_code_mail_is_written_in_the_language_of_the_person_asking() {
    let db = TestDb::sqlite();
    let app = TestApp::spawn_with_outbox(&db).await;
    let person = seeded_person(&app).await;
    activated(&app, &person).await;
    let national_id = civitas::demo::population()[0]
        .national_id
        .as_str()
        .to_owned();
    for (lang, header) in [(Lang::Ar, "ar"), (Lang::Es, "es-ES,es;q=0.9")] {
        let r = app
            .client
            .post(app.url("/signin/code"))
            .header("origin", app.base.clone())
            .header("accept-language", header)
            .form(&[("national_id", national_id.as_str())])
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 303);
        let mails = app.state.mailer.as_ref().unwrap().outbox().unwrap();
        let mail = mails.last().unwrap();
        assert_eq!(mail.subject, lang.messages().otp_mail_subject);
        let code = crate::otp::last_code(&app);
        let written = lang.messages().otp_mail_body(code.as_str());
        assert_eq!(mail.body, written.replace(['\u{2068}', '\u{2069}'], ""));
        assert!(mail.body.contains(&format!(" {code}")), "{}", mail.body);
    }
    app.stop().await;
}

#[tokio::test]
async fn right_to_left_pages_mirror_and_keep_their_language_on_error_pages() {
    let db = TestDb::sqlite();
    let app = TestApp::spawn(&db).await;
    let missing = app
        .client
        .get(app.url("/no/such/page"))
        .header("accept-language", "ar")
        .send()
        .await
        .unwrap();
    assert_eq!(missing.status(), 404);
    let html = missing.text().await.unwrap();
    assert!(html.contains("<html lang=\"ar\" dir=\"rtl\">"), "{html}");
    assert!(html.contains(Lang::Ar.messages().error_not_found));
    // The style sheet names no physical side, so the layout mirrors with `dir`.
    let css = app.get("/static/civitas.css").await.text().await.unwrap();
    for physical in ["left", "right"] {
        assert!(!css.contains(physical), "civitas.css names `{physical}`");
    }
    app.stop().await;
}
