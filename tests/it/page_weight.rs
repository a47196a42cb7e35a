//! What a citizen's first visit to each page transfers: the page and the stylesheets and
//! scripts it links, compressed as a browser asks (`Accept-Encoding: br, gzip`), with nothing
//! cached. Each must stay under [`BUDGET`] (issue 18: an old phone on a bad connection).
//! The table is the command: `cargo test --test it page_weight -- --nocapture`.

use std::collections::BTreeSet;

use crate::support::{
    TestApp, TestDb,
    oidc::{
        authorize_url, consent, pkce, register, seeded_person, signed_in_browser, signed_in_tokens,
        web_client,
    },
};

/// Bytes transferred on a first visit, page and linked assets.
const BUDGET: usize = 10 * 1024;

/// The same-origin `/static/…` stylesheets and scripts a page links.
fn assets(html: &str) -> BTreeSet<String> {
    let mut found = BTreeSet::new();
    for attr in ["href=\"", "src=\""] {
        for part in html.split(attr).skip(1) {
            if let Some(path) = part.split('"').next()
                && path.starts_with("/static/")
            {
                found.insert(path.to_owned());
            }
        }
    }
    found
}

/// The transferred size of `path` (compressed as asked), and its text (uncompressed).
async fn fetch(browser: &reqwest::Client, app: &TestApp, path: &str) -> (u16, usize, String) {
    let compressed = browser
        .get(app.url(path))
        .header("accept-encoding", "br, gzip")
        .send()
        .await
        .unwrap();
    let status = compressed.status().as_u16();
    let size = compressed.bytes().await.unwrap().len();
    let text = browser
        .get(app.url(path))
        .header("accept-encoding", "identity")
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    (status, size, text)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn page_weight_of_every_citizen_page_is_under_10_kb_on_a_first_visit() {
    let db = TestDb::sqlite();
    let app = TestApp::spawn(&db).await;
    let person = seeded_person(&app).await;
    let (client_id, secret) = register(&app, web_client("Tax Board")).await;
    let secret = secret.unwrap();
    let (browser, _) = signed_in_browser(&app, &person, "urn:civitas:loa:substantial").await;

    // The consent page of a waiting request (before consent is given).
    let (_, challenge) = pkce();
    let r = browser
        .get(authorize_url(&app, &client_id, &challenge, &[]))
        .send()
        .await
        .unwrap();
    let consent_path = r.headers()["location"].to_str().unwrap().to_owned();
    assert!(consent_path.starts_with("/consent"), "{consent_path}");
    // A release, for its receipt page.
    consent(&app, &person, &client_id, "openid profile").await;
    signed_in_tokens(&app, &browser, &client_id, &secret).await;
    let release = civitas::store::releases::find_releases_of_person(
        &app.state.db,
        &person,
        Some(&client_id),
        None,
        1,
    )
    .await
    .unwrap()
    .remove(0)
    .id;

    let stranger = crate::support::client();
    let pages: Vec<(&str, &reqwest::Client, String, u16)> = vec![
        ("home", &stranger, "/".into(), 200),
        ("sign-in", &stranger, "/signin".into(), 200),
        ("one-time code", &stranger, "/signin/code".into(), 200),
        ("activation", &stranger, "/activate".into(), 200),
        ("recovery", &stranger, "/recover".into(), 200),
        ("signed out", &stranger, "/signed-out".into(), 200),
        ("help", &stranger, "/help".into(), 200),
        ("error page", &stranger, "/authorize".into(), 400),
        ("consent", &browser, consent_path, 200),
        ("account", &browser, "/account".into(), 200),
        (
            "release receipt",
            &browser,
            format!("/account/releases/{release}"),
            200,
        ),
        ("recovery codes", &browser, "/recovery-codes".into(), 200),
        (
            "add a passkey",
            &browser,
            "/account/passkeys/add".into(),
            200,
        ),
    ];
    println!(
        "{:<18} {:>8} {:>8} {:>8}  path",
        "page", "page B", "assets B", "total B"
    );
    let mut over = Vec::new();
    for (name, client, path, expected) in pages {
        let (status, page, html) = fetch(client, &app, &path).await;
        assert_eq!(status, expected, "{name} {path}: {html}");
        let mut linked = 0;
        for asset in assets(&html) {
            let (status, size, _) = fetch(client, &app, &asset).await;
            assert_eq!(status, 200, "{name} links {asset}");
            linked += size;
        }
        let total = page + linked;
        println!("{name:<18} {page:>8} {linked:>8} {total:>8}  {path}");
        if total >= BUDGET {
            over.push(format!("{name} ({path}): {total} bytes"));
        }
    }
    assert!(over.is_empty(), "over {BUDGET} bytes: {over:?}");
    app.stop().await;
}
