//! The inactivity warning: signed-in pages know how long the session has left, and
//! `POST /session/extend` (the warning's "Stay signed in") moves the end on, with or without
//! JavaScript. The dialog itself in a real browser is in `journey.rs`.

use crate::support::{
    TestApp, TestDb,
    oidc::{seeded_person, signed_in_browser},
};

fn left_on(page: &str) -> i64 {
    let at = page
        .find("data-left=\"")
        .expect("the warning is on the page")
        + 11;
    page[at..]
        .split('"')
        .next()
        .unwrap()
        .parse()
        .expect("seconds")
}

#[tokio::test]
async fn signed_in_pages_warn_before_the_session_ends_and_staying_signed_in_renews_it() {
    let db = TestDb::sqlite();
    let app = TestApp::spawn(&db).await;
    let person = seeded_person(&app).await;
    let (browser, _) = signed_in_browser(&app, &person, "loa-high").await;
    let idle = app.state.config.sessions.idle_timeout.as_secs() as i64;

    // The session was written just now: the whole idle window is left.
    let page = browser.get(app.url("/account")).send().await.unwrap();
    assert_eq!(page.status(), 200);
    let page = page.text().await.unwrap();
    assert!(page.contains("role=\"alertdialog\"") && page.contains("/static/session.js"));
    assert!(
        (idle - 5..=idle).contains(&left_on(&page)),
        "{}",
        left_on(&page)
    );

    // Ten minutes of reading later, five are left.
    app.clock.advance(600);
    let page = browser
        .get(app.url("/account"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let left = left_on(&page);
    assert!((idle - 605..=idle - 600).contains(&left), "{left}");

    // The script's "Stay signed in": JSON in, the full window again.
    let r = browser
        .post(app.url("/session/extend"))
        .header("origin", app.base.clone())
        .header("accept", "application/json")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let answer: serde_json::Value = r.json().await.unwrap();
    assert_eq!(answer["left"], idle);
    let page = browser
        .get(app.url("/account"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(left_on(&page) >= idle - 5, "{}", left_on(&page));

    // Without JavaScript the same form posts and comes back to its page (a local one only).
    for (next, back) in [
        ("/account#security", "/account#security"),
        ("//evil.example", "/account"),
    ] {
        let r = browser
            .post(app.url("/session/extend"))
            .header("origin", app.base.clone())
            .form(&[("next", next)])
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 303);
        assert_eq!(r.headers()["location"], back);
    }

    // From another site it is refused, like every form.
    let r = browser
        .post(app.url("/session/extend"))
        .header("origin", "https://evil.example")
        .header("accept", "application/json")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 403);

    // Once the session has ended, there is nothing to extend and no warning to show.
    app.clock.advance(idle + 1);
    let r = browser
        .post(app.url("/session/extend"))
        .header("origin", app.base.clone())
        .header("accept", "application/json")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 401);
    let home = browser
        .get(app.url("/"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(!home.contains("session-warning"));
    app.stop().await;
}
