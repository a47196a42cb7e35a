//! Without JavaScript: every sign-in path that can work does (the one-time code, in
//! `otp.rs`), and the passkey buttons are hidden until the script finds passkey support,
//! never shown dead; the page says why in words.

use crate::support::{TestApp, TestDb};

#[tokio::test]
async fn passkey_buttons_are_hidden_until_the_script_shows_them_and_the_page_says_why() {
    let db = TestDb::sqlite();
    let app = TestApp::spawn(&db).await;
    let t = civitas::web::i18n::Lang::En.messages();
    for path in ["/signin", "/admin/signin"] {
        let page = app.get(path).await.text().await.unwrap();
        let buttons: Vec<&str> = page
            .match_indices("<button")
            .map(|(i, _)| &page[i..i + page[i..].find('>').unwrap()])
            .filter(|b| b.contains("data-passkey"))
            .collect();
        assert!(!buttons.is_empty(), "{path}");
        for b in buttons {
            assert!(b.contains(" hidden"), "{path}: {b}");
        }
        assert!(page.contains("<noscript>"), "{path}");
        assert!(
            page.contains("role=\"status\" data-passkey-status"),
            "{path}"
        );
        assert!(page.contains(&format!("data-unsupported=\"{}\"", t.passkey_unsupported)));
    }
    let signin = app.get("/signin").await.text().await.unwrap();
    // What to do when it fails, and the way that needs no script.
    assert!(signin.contains(t.passkey_trouble) && signin.contains("href=\"/signin/code"));
    app.stop().await;
}
