//! Health, JWKS, security headers, pages, the language switch, compression, the header's
//! "Sign out", error pages and metrics.

use std::io::Read;

use crate::{
    on_both_databases,
    support::{
        TestApp, TestDb,
        oidc::{
            REDIRECT, authorize_url, consent, pkce, register, seeded_person, signed_in_browser,
            web_client,
        },
    },
};

on_both_databases!(
    healthz_answers_and_jwks_lists_one_es256_and_one_rs256_public_key,
    pages_carry_the_security_headers,
    forms_post_to_us_only_unless_they_lead_back_to_the_relying_party,
    every_page_offers_sign_out_while_signed_in_and_it_ends_the_session,
    an_unverifiable_authorization_request_shows_the_developer_its_error_code_and_reference,
);

async fn healthz_answers_and_jwks_lists_one_es256_and_one_rs256_public_key(db: TestDb) {
    let app = TestApp::spawn(&db).await;

    let health = app.get("/healthz").await;
    assert_eq!(health.status(), 200);
    assert_eq!(health.text().await.unwrap(), "ok");

    let jwks = app.get("/jwks").await;
    assert_eq!(jwks.status(), 200);
    assert_eq!(jwks.headers()["content-type"], "application/jwk-set+json");
    let cache = jwks.headers()["cache-control"].to_str().unwrap().to_owned();
    assert!(cache.starts_with("public, max-age="), "{cache}");
    let body: serde_json::Value = jwks.json().await.unwrap();
    let keys = body["keys"].as_array().unwrap();
    let mut algs: Vec<&str> = keys.iter().map(|k| k["alg"].as_str().unwrap()).collect();
    algs.sort_unstable();
    assert_eq!(algs, ["ES256", "RS256"]);
    for key in keys {
        for private in ["d", "p", "q", "dp", "dq", "qi", "k"] {
            assert!(
                key.get(private).is_none(),
                "private member {private} published: {key}"
            );
        }
        assert_eq!(key["use"], "sig");
    }
    let rsa = keys.iter().find(|k| k["kty"] == "RSA").unwrap();
    let n = base64_len(rsa["n"].as_str().unwrap());
    assert!(n >= 256, "RSA modulus of {n} bytes is under 2048 bits");
    app.stop().await;
}

fn base64_len(s: &str) -> usize {
    s.len() * 3 / 4
}

async fn pages_carry_the_security_headers(db: TestDb) {
    let app = TestApp::spawn(&db).await;
    let home = app.get("/").await;
    assert_eq!(home.status(), 200);
    let h = home.headers();
    let csp = h["content-security-policy"].to_str().unwrap();
    assert!(csp.contains("frame-ancestors 'none'"), "{csp}");
    assert!(csp.ends_with("; form-action 'self'"), "{csp}");
    assert!(!csp.contains("unsafe-inline"), "{csp}");
    assert_eq!(h["x-content-type-options"], "nosniff");
    assert_eq!(h["referrer-policy"], "same-origin");
    assert_eq!(h["cache-control"], "no-store");
    assert!(h.contains_key("x-request-id"));
    // An http issuer on localhost: no HSTS (it would pin a developer's browser).
    assert!(!h.contains_key("strict-transport-security"));
    let html = home.text().await.unwrap();
    assert!(html.contains("<html lang=\"en\" dir=\"ltr\">"));
    assert!(
        !html.contains("style=") && !html.contains("<script>"),
        "inline code would need unsafe-inline"
    );
    app.stop().await;
}

#[tokio::test]
async fn an_https_issuer_gets_hsts() {
    let db = TestDb::sqlite();
    let app = TestApp::spawn_with(&db, |f| f.merge(("issuer", "https://localhost:8443"))).await;
    let r = app.get("/healthz").await;
    assert_eq!(
        r.headers()["strict-transport-security"],
        "max-age=63072000; includeSubDomains"
    );
    app.stop().await;
}

#[tokio::test]
async fn static_files_are_served_cacheable_and_unknown_paths_get_a_page_in_the_browsers_language() {
    let db = TestDb::sqlite();
    let app = TestApp::spawn(&db).await;
    let css = app.get("/static/civitas.css").await;
    assert_eq!(css.status(), 200);
    assert_eq!(css.headers()["cache-control"], "public, max-age=3600");
    assert_eq!(css.headers()["content-type"], "text/css; charset=utf-8");
    let etag = css.headers()["etag"].clone();
    let again = app
        .client
        .get(app.url("/static/civitas.css"))
        .header("if-none-match", etag)
        .send()
        .await
        .unwrap();
    assert_eq!(again.status(), 304);
    assert_eq!(app.get("/static/../Cargo.toml").await.status(), 404);
    assert_eq!(app.get("/static/nothing.css").await.status(), 404);

    let missing = app
        .client
        .get(app.url("/no/such/page"))
        .header("accept-language", "fr-FR,fr;q=0.9,en;q=0.5")
        .send()
        .await
        .unwrap();
    assert_eq!(missing.status(), 404);
    assert_eq!(
        missing.headers()["content-type"],
        "text/html; charset=utf-8"
    );
    let html = missing.text().await.unwrap();
    assert!(
        html.contains("<html lang=\"fr\" dir=\"ltr\">") && html.contains("Page introuvable"),
        "{html}"
    );
    app.stop().await;
}

#[tokio::test]
async fn the_language_switch_sets_a_cookie_and_returns_only_to_local_paths() {
    let db = TestDb::sqlite();
    let app = TestApp::spawn(&db).await;
    let switch = |next: &'static str| {
        app.client
            .post(app.url("/language"))
            .header("origin", app.base.clone())
            .form(&[("lang", "fr"), ("next", next)])
            .send()
    };
    let r = switch("/").await.unwrap();
    assert_eq!(r.status(), 303);
    assert_eq!(r.headers()["location"], "/");
    let cookie = r.headers()["set-cookie"].to_str().unwrap();
    assert!(
        cookie.starts_with("civitas_lang=fr;")
            && cookie.contains("HttpOnly")
            && cookie.contains("SameSite=Lax")
    );
    let home = app.get("/").await.text().await.unwrap();
    assert!(
        home.contains("<html lang=\"fr\" dir=\"ltr\">"),
        "the cookie should choose French"
    );

    for open_redirect in [
        "//evil.example/",
        "https://evil.example/",
        "/\\evil.example",
    ] {
        let r = switch(open_redirect).await.unwrap();
        assert_eq!(r.headers()["location"], "/", "{open_redirect}");
    }

    let unknown = app
        .client
        .post(app.url("/language"))
        .header("origin", app.base.clone())
        .form(&[("lang", "xx"), ("next", "/")])
        .send()
        .await
        .unwrap();
    assert_eq!(unknown.status(), 400);
    let extra = app
        .client
        .post(app.url("/language"))
        .header("origin", app.base.clone())
        .form(&[("lang", "en"), ("next", "/"), ("admin", "1")])
        .send()
        .await
        .unwrap();
    assert_eq!(extra.status(), 400, "unknown form fields are refused");
    app.stop().await;
}

#[tokio::test]
async fn cross_site_form_posts_are_refused() {
    let db = TestDb::sqlite();
    let app = TestApp::spawn(&db).await;
    let from = |origin: Option<&'static str>| {
        let mut req = app
            .client
            .post(app.url("/language"))
            .form(&[("lang", "fr"), ("next", "/")]);
        if let Some(o) = origin {
            req = req.header("origin", o);
        }
        req.send()
    };
    let evil = from(Some("https://evil.example")).await.unwrap();
    assert_eq!(evil.status(), 403);
    assert!(evil.headers().get("set-cookie").is_none());
    assert_eq!(
        from(None).await.unwrap().status(),
        403,
        "no Origin, no fetch metadata, no Referer"
    );
    app.stop().await;
}

#[tokio::test]
async fn oversized_bodies_are_refused() {
    let db = TestDb::sqlite();
    let app = TestApp::spawn(&db).await;
    let big = "x".repeat(200 * 1024);
    let r = app
        .client
        .post(app.url("/language"))
        .header("origin", app.base.clone())
        .header("content-type", "application/x-www-form-urlencoded")
        .body(format!("lang=fr&next=/{big}"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 413);
    app.stop().await;
}

#[tokio::test]
async fn metrics_count_requests_by_route_and_are_refused_to_other_addresses() {
    let db = TestDb::sqlite();
    let app = TestApp::spawn(&db).await;
    app.get("/healthz").await;
    app.get("/no/such/page/1234").await;
    // Refused by the body limit, below the metrics: still counted.
    let r = app
        .client
        .post(app.url("/token"))
        .header("content-type", "application/x-www-form-urlencoded")
        .body(vec![b'a'; 70 * 1024])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 413);
    let r = app.get("/metrics").await;
    assert_eq!(r.status(), 200);
    let text = r.text().await.unwrap();
    assert!(
        text.contains(
            r#"civitas_http_requests_total{method="GET",route="/healthz",status="200"} 1"#
        ),
        "{text}"
    );
    assert!(
        text.contains(
            r#"civitas_http_requests_total{method="POST",route="/token",status="413"} 1"#
        ),
        "{text}"
    );
    assert!(text.contains("civitas_http_request_duration_seconds_bucket"));
    assert!(
        !text.contains("1234"),
        "unmatched paths must not become labels"
    );
    app.stop().await;

    let db = TestDb::sqlite();
    let app = TestApp::spawn_with(&db, |f| f.merge(("http.metrics_allowed", ["10.0.0.0/8"]))).await;
    assert_eq!(app.get("/metrics").await.status(), 403);
    app.stop().await;
}

#[tokio::test]
async fn request_ids_are_generated_never_taken_from_the_client() {
    let db = TestDb::sqlite();
    let app = TestApp::spawn(&db).await;
    let r = app
        .client
        .get(app.url("/healthz"))
        .header("x-request-id", "forged-by-the-client")
        .send()
        .await;
    let r = r.unwrap();
    let id = r.headers()["x-request-id"].to_str().unwrap();
    assert!(uuid::Uuid::parse_str(id).is_ok(), "{id}");
    app.stop().await;
}

#[tokio::test]
async fn a_client_that_sends_its_headers_too_slowly_is_disconnected() {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let db = TestDb::sqlite();
    let app = TestApp::spawn_with(&db, |f| f.merge(("http.header_read_timeout_secs", 1))).await;
    let addr = app.base.replace("http://localhost", "127.0.0.1");
    let mut conn = tokio::net::TcpStream::connect(&addr).await.unwrap();
    conn.write_all(b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n")
        .await
        .unwrap();
    let mut buf = Vec::new();
    let closed = tokio::time::timeout(
        std::time::Duration::from_secs(5),
        conn.read_to_end(&mut buf),
    )
    .await;
    assert!(
        closed.is_ok(),
        "the server should close the connection after the header timeout"
    );
    assert!(!String::from_utf8_lossy(&buf).contains("200 OK"));
    app.stop().await;
}

/// The header of a page, where "Sign out" belongs.
fn page_header(html: &str) -> &str {
    let start = html.find("<header").expect("a header");
    let end = html[start..].find("</header>").expect("end of header") + start;
    &html[start..end]
}

fn csp(r: &reqwest::Response) -> String {
    r.headers()["content-security-policy"]
        .to_str()
        .unwrap()
        .to_owned()
}

const RP_ORIGIN: &str = "https://rp.example.org";

async fn forms_post_to_us_only_unless_they_lead_back_to_the_relying_party(db: TestDb) {
    let app = TestApp::spawn(&db).await;
    let person = seeded_person(&app).await;
    let (client_id, _) = register(&app, web_client("Tax Office")).await;
    let (browser, _) = signed_in_browser(&app, &person, "urn:civitas:loa:substantial").await;
    let (_, challenge) = pkce();

    // The consent page's "Allow" posts to us and is answered, two redirects later, at the
    // relying party's redirect URI: its policy names that origin, and only that one.
    let r = browser
        .get(authorize_url(&app, &client_id, &challenge, &[]))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 303);
    let consent_page = r.headers()["location"].to_str().unwrap().to_owned();
    assert!(
        consent_page.starts_with("/consent?continue="),
        "{consent_page}"
    );
    let page = browser.get(app.url(&consent_page)).send().await.unwrap();
    assert_eq!(page.status(), 200);
    let policy = csp(&page);
    assert!(
        policy.ends_with(&format!("; form-action 'self' {RP_ORIGIN}")),
        "{policy}"
    );
    // The same browser's other pages: our own origin only.
    let account = browser.get(app.url("/account")).send().await.unwrap();
    assert!(csp(&account).ends_with("; form-action 'self'"));

    // A one-time code typed wrong during the request: the page shown again (the answer to a
    // form post) still lets its form end at the relying party.
    let (_, challenge) = pkce();
    let r = app
        .client
        .get(authorize_url(&app, &client_id, &challenge, &[]))
        .send()
        .await
        .unwrap();
    let signin = r.headers()["location"].to_str().unwrap().to_owned();
    let continue_id = signin.strip_prefix("/signin?continue=").expect(&signin);
    let again = app
        .client
        .post(app.url("/signin/code/verify"))
        .header("origin", &app.base)
        .form(&[("code", "12345678"), ("continue", continue_id)])
        .send()
        .await
        .unwrap();
    assert_eq!(again.status(), 422);
    assert!(
        csp(&again).ends_with(&format!(" {RP_ORIGIN}")),
        "{}",
        csp(&again)
    );
    // A continue id that names no waiting request adds nothing.
    let unknown = app
        .get("/signin/code/verify?continue=no-such-request")
        .await;
    assert!(csp(&unknown).ends_with("; form-action 'self'"));

    // The form-post answer posts straight to the relying party; it is never compressed.
    consent(&app, &person, &client_id, "openid profile").await;
    let (_, challenge) = pkce();
    let form_post = browser
        .get(authorize_url(
            &app,
            &client_id,
            &challenge,
            &[("response_mode", "form_post")],
        ))
        .header("accept-encoding", "br, gzip")
        .send()
        .await
        .unwrap();
    assert_eq!(form_post.status(), 200);
    assert!(csp(&form_post).ends_with(&format!(" {RP_ORIGIN}")));
    assert!(form_post.headers().get("content-encoding").is_none());
    assert!(form_post.text().await.unwrap().contains(REDIRECT));

    // The logout confirmation redirects to the registered post_logout_redirect_uri.
    let query = url::form_urlencoded::Serializer::new(String::new())
        .append_pair("client_id", &client_id)
        .append_pair("post_logout_redirect_uri", "https://rp.example.org/bye")
        .finish();
    let confirm = browser
        .get(app.url(&format!("/logout?{query}")))
        .send()
        .await
        .unwrap();
    assert_eq!(confirm.status(), 200);
    assert!(csp(&confirm).ends_with(&format!(" {RP_ORIGIN}")));
    app.stop().await;
}

async fn every_page_offers_sign_out_while_signed_in_and_it_ends_the_session(db: TestDb) {
    let app = TestApp::spawn(&db).await;
    let person = seeded_person(&app).await;
    let (browser, _) = signed_in_browser(&app, &person, "urn:civitas:loa:substantial").await;
    let sign_out_form = r#"<form class="sign-out" method="post" action="/signout">"#;

    for path in ["/", "/account", "/signin", "/no/such/page"] {
        let html = browser
            .get(app.url(path))
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        assert!(page_header(&html).contains(sign_out_form), "{path}: {html}");
    }
    let french = browser
        .get(app.url("/"))
        .header("accept-language", "fr")
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(page_header(&french).contains("Se déconnecter"));

    // Signed out: no button, anywhere.
    for path in ["/", "/signin", "/no/such/page"] {
        let html = app.get(path).await.text().await.unwrap();
        assert!(!html.contains("/signout"), "{path}");
    }

    let r = browser
        .post(app.url("/signout"))
        .header("origin", &app.base)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 303);
    assert_eq!(r.headers()["location"], "/signed-out");
    let done = browser.get(app.url("/signed-out")).send().await.unwrap();
    assert_eq!(done.status(), 200);
    let html = done.text().await.unwrap();
    assert!(html.contains("You have signed out"), "{html}");
    assert!(!page_header(&html).contains("/signout"), "{html}");
    let account = browser.get(app.url("/account")).send().await.unwrap();
    assert_eq!(account.status(), 303);
    assert!(
        account.headers()["location"]
            .to_str()
            .unwrap()
            .starts_with("/signin"),
        "the session has ended"
    );
    app.stop().await;
}

async fn an_unverifiable_authorization_request_shows_the_developer_its_error_code_and_reference(
    db: TestDb,
) {
    let app = TestApp::spawn(&db).await;
    let r = app
        .get(
            "/authorize?response_type=code&client_id=no-such-client-x7q&scope=openid\
             &redirect_uri=https%3A%2F%2Fattacker.example%2Fcb",
        )
        .await;
    assert_eq!(r.status(), 400);
    let request_id = r.headers()["x-request-id"].to_str().unwrap().to_owned();
    let html = r.text().await.unwrap();
    assert!(
        html.contains(r#"<code id="developer-error">unauthorized_client</code>"#),
        "{html}"
    );
    assert!(
        html.contains(&format!(
            r#"<code id="developer-request-id">{request_id}</code>"#
        )),
        "{html}"
    );
    assert!(html.contains("<details class=\"developer\">"));
    // Nothing the request said is echoed.
    assert!(!html.contains("no-such-client-x7q") && !html.contains("attacker.example"));

    let no_client = app.get("/authorize?response_type=code&scope=openid").await;
    assert_eq!(no_client.status(), 400);
    assert!(
        no_client
            .text()
            .await
            .unwrap()
            .contains(r#"<code id="developer-error">invalid_request</code>"#)
    );
    // Other error pages have no such section.
    let missing = app.get("/no/such/page").await.text().await.unwrap();
    assert!(!missing.contains("developer"));
    app.stop().await;
}

/// A page without its error reference, which is new with every request.
fn without_reference(body: &[u8]) -> Vec<u8> {
    const CODE: &[u8] = br#"class="reference-code">"#;
    match body.windows(CODE.len()).position(|w| w == CODE) {
        Some(i) => [&body[..i + CODE.len()], &body[i + CODE.len() + 9..]].concat(),
        None => body.to_vec(),
    }
}

fn decode(coding: &str, body: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    match coding {
        "br" => brotli::Decompressor::new(body, 4096)
            .read_to_end(&mut out)
            .unwrap(),
        "gzip" => flate2::read::GzDecoder::new(body)
            .read_to_end(&mut out)
            .unwrap(),
        other => panic!("{other}"),
    };
    out
}

#[tokio::test]
async fn pages_and_static_files_are_compressed_for_browsers_that_ask() {
    let db = TestDb::sqlite();
    let app = TestApp::spawn(&db).await;
    let get = |path: &'static str, accept: Option<&'static str>| {
        let mut req = app.client.get(app.url(path));
        if let Some(a) = accept {
            req = req.header("accept-encoding", a);
        }
        req.send()
    };
    for path in [
        "/signin",
        "/static/civitas.css",
        "/static/passkey.js",
        "/no/such/page",
    ] {
        let plain = get(path, None).await.unwrap();
        assert!(plain.headers().get("content-encoding").is_none(), "{path}");
        let plain = plain.bytes().await.unwrap();
        for (accept, coding) in [
            ("br", "br"),
            ("gzip", "gzip"),
            // What browsers send: brotli wins.
            ("gzip, deflate, br, zstd", "br"),
            ("br;q=0.5, gzip", "gzip"),
        ] {
            let r = get(path, Some(accept)).await.unwrap();
            assert_eq!(r.headers()["content-encoding"], coding, "{path} {accept}");
            assert!(
                r.headers()
                    .get_all("vary")
                    .iter()
                    .any(|v| v.to_str().unwrap().eq_ignore_ascii_case("accept-encoding")),
                "{path}"
            );
            let body = r.bytes().await.unwrap();
            assert!(
                body.len() < plain.len(),
                "{path} {coding}: {} >= {}",
                body.len(),
                plain.len()
            );
            assert_eq!(
                without_reference(&decode(coding, &body)),
                without_reference(&plain),
                "{path} {coding}"
            );
        }
    }

    // Each coding of an asset is its own representation, with its own validator.
    let br = get("/static/civitas.css", Some("br")).await.unwrap();
    let etag = br.headers()["etag"].clone();
    assert_ne!(
        etag,
        get("/static/civitas.css", None).await.unwrap().headers()["etag"]
    );
    let again = app
        .client
        .get(app.url("/static/civitas.css"))
        .header("accept-encoding", "br")
        .header("if-none-match", etag)
        .send()
        .await
        .unwrap();
    assert_eq!(again.status(), 304);

    // Protocol JSON stays as it is: small, and on the relying parties' hot path.
    let discovery = get("/.well-known/openid-configuration", Some("br, gzip"))
        .await
        .unwrap();
    assert_eq!(discovery.status(), 200);
    assert!(discovery.headers().get("content-encoding").is_none());
    app.stop().await;
}
