//! "Test my integration" and usage in the portal: a registered client's failed authorization
//! and token requests, with the rule broken and how to fix it, kept 24 hours and bounded per
//! client; sign-ins and failures per day.

use civitas::{
    crypto::{Alg, PrivateKey, jws, secrets::random_token},
    oidc::client_failures::{FailureKind, KEEP, PER_MINUTE},
    store::client_failures,
};
use serde_json::json;

use crate::{
    on_both_databases,
    support::{
        TestApp, TestDb,
        oidc::{self, REDIRECT},
        portal::{self, escaped, failure_row, without_param},
    },
};

on_both_databases!(
    each_failed_request_shows_on_the_test_page_with_its_rule_and_how_to_fix_it,
    failures_of_another_client_never_show_and_other_organisations_get_404,
    failures_older_than_a_day_are_gone_after_housekeeping,
    recording_is_bounded_per_client_but_every_failure_counts,
    the_usage_page_counts_the_days_sign_ins_and_failures,
);

/// A signed-in developer with an organisation and a sandbox `client_secret_basic` client.
struct Setup {
    app: TestApp,
    _db: TestDb,
    dev: reqwest::Client,
    org: String,
    client_id: String,
    secret: String,
}

async fn setup(db: TestDb, number: &str) -> Setup {
    let app = TestApp::spawn(&db).await;
    let (dev, _, _) = portal::developer(&app, 0).await;
    let org = portal::organisation(&app, &dev, number).await;
    let (client_id, secret) =
        portal::sandbox_client(&app, &dev, &org, &portal::client_fields("Northbank")).await;
    Setup {
        app,
        _db: db,
        dev,
        org,
        client_id,
        secret: secret.expect("a secret"),
    }
}

impl Setup {
    async fn test_page(&self, client_id: &str) -> String {
        let (status, html) = portal::page(
            &self.app,
            &self.dev,
            &format!("/portal/clients/{client_id}/test"),
        )
        .await;
        assert_eq!(status, 200, "{html}");
        html
    }

    /// A browser signed in as a test person who has consented to the client.
    async fn citizen(&self) -> reqwest::Client {
        let person = portal::person(&self.app, 1, true).await;
        oidc::consent(&self.app, &person, &self.client_id, "openid profile email").await;
        oidc::signed_in_browser(&self.app, &person, "urn:civitas:loa:substantial")
            .await
            .0
    }

    async fn redeem(&self, code: &str, verifier: &str) -> (u16, serde_json::Value) {
        oidc::token_request(
            &self.app,
            &self.client_id,
            &self.secret,
            &[
                ("grant_type", "authorization_code"),
                ("code", code),
                ("redirect_uri", REDIRECT),
                ("code_verifier", verifier),
            ],
        )
        .await
    }
}

/// Asserts the page lists a failure with this rule, error and fix.
fn assert_listed(html: &str, rule: &str, error: &str, kind: FailureKind) {
    let row = failure_row(html, rule).unwrap_or_else(|| panic!("no failure `{rule}` in {html}"));
    assert!(row.contains(&format!("<code>{error}</code>")), "{row}");
    assert!(row.contains(&escaped(kind.fix())), "{kind:?}: {row}");
}

async fn each_failed_request_shows_on_the_test_page_with_its_rule_and_how_to_fix_it(db: TestDb) {
    let s = setup(db, "GOV-100001").await;
    let app = &s.app;
    let html = s.test_page(&s.client_id).await;
    assert!(
        html.contains("No failed requests in the last 24 hours."),
        "{html}"
    );
    assert!(
        html.contains(&format!("/portal/clients/{}/test-signin", s.client_id)),
        "an owner of a sandbox client is offered a test sign-in"
    );
    let citizen = s.citizen().await;
    let (verifier, challenge) = oidc::pkce();

    // A redirect URI that is not registered: a page for the person, a record for the developer.
    let elsewhere = "https://rp.example.org/elsewhere";
    let r = citizen
        .get(oidc::authorize_url(
            app,
            &s.client_id,
            &challenge,
            &[("redirect_uri", elsewhere)],
        ))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 400);
    // No PKCE challenge: an error at the redirect URI.
    let url = without_param(
        &oidc::authorize_url(app, &s.client_id, &challenge, &[]),
        "code_challenge",
    );
    let q = oidc::redirect_query(&citizen, &url).await;
    assert_eq!(q["error"], "invalid_request");
    // A wrong client secret.
    let (status, _) = oidc::token_request(
        app,
        &s.client_id,
        "not-the-secret",
        &[("grant_type", "authorization_code")],
    )
    .await;
    assert_eq!(status, 401);
    // A code redeemed twice.
    let code = oidc::get_code(app, &citizen, &s.client_id, &challenge).await;
    assert_eq!(s.redeem(&code, &verifier).await.0, 200);
    assert_eq!(s.redeem(&code, &verifier).await.0, 400);
    // A verifier that does not match the challenge (a little later, to see the order).
    app.clock.advance(2);
    let code = oidc::get_code(app, &citizen, &s.client_id, &challenge).await;
    assert_eq!(s.redeem(&code, &oidc::pkce().0).await.0, 400);

    let html = s.test_page(&s.client_id).await;
    assert_listed(
        &html,
        &format!("redirect_uri {elsewhere} is not registered for this client"),
        "invalid_request",
        FailureKind::RedirectUriNotRegistered,
    );
    assert_listed(
        &html,
        "code_challenge is required (PKCE with S256)",
        "invalid_request",
        FailureKind::PkceMissing,
    );
    assert_listed(
        &html,
        "the client secret is wrong",
        "invalid_client",
        FailureKind::SecretWrong,
    );
    assert_listed(
        &html,
        "the authorization code was already used; the tokens issued from it are revoked",
        "invalid_grant",
        FailureKind::CodeReplayed,
    );
    assert_listed(
        &html,
        "code_verifier does not match the code_challenge",
        "invalid_grant",
        FailureKind::PkceMismatch,
    );
    // Newest first: the verifier mismatch came last.
    let first = html.find("code_verifier does not match").unwrap();
    assert!(first < html.find("the client secret is wrong").unwrap());
    // Nothing the requests carried beyond our own texts: no code, no verifier, no secret.
    assert!(!html.contains(&code) && !html.contains(&verifier) && !html.contains("not-the-secret"));
    // The successful requests wrote nothing: five failures, five rows.
    let rows = client_failures::find_client_failures(&app.state.db, &s.client_id, 0, 100)
        .await
        .unwrap();
    assert_eq!(rows.len(), 5, "{rows:?}");

    // A private_key_jwt client: an assertion for another audience, and an expired one.
    let key = PrivateKey::generate(Alg::Es256).unwrap();
    let jwk = key.public_jwk();
    let mut fields = portal::client_fields("Northbank keys");
    fields.retain(|(k, _)| *k != "token_endpoint_auth_method");
    fields.push(("token_endpoint_auth_method", "private_key_jwt".into()));
    fields.push(("jwks", json!({ "keys": [jwk] }).to_string()));
    let (keyed, _) = portal::sandbox_client(app, &s.dev, &s.org, &fields).await;
    let now = app.state.clock.now();
    let assertion = |aud: &str, exp: i64| {
        let claims = json!({ "iss": keyed, "sub": keyed, "aud": aud, "exp": exp, "iat": now, "jti": random_token(12) });
        jws::sign(&jws::Signer::new(&key).unwrap(), &jwk.kid, &claims).unwrap()
    };
    for assertion in [
        assertion("https://other.example/token", now + 60),
        assertion(&app.url("/token"), now - 120),
    ] {
        let r = app
            .client
            .post(app.url("/token"))
            .form(&[
                ("grant_type", "authorization_code"),
                ("code", "unknown"),
                ("redirect_uri", REDIRECT),
                ("code_verifier", &random_token(32)),
                (
                    "client_assertion_type",
                    "urn:ietf:params:oauth:client-assertion-type:jwt-bearer",
                ),
                ("client_assertion", &assertion),
            ])
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 401);
        let html = s.test_page(&keyed).await;
        assert!(!html.contains(&assertion), "the assertion is never kept");
    }
    let html = s.test_page(&keyed).await;
    assert_listed(
        &html,
        &format!(
            "client_assertion aud must be {} or {}",
            app.base,
            app.url("/token")
        ),
        "invalid_client",
        FailureKind::AssertionAudience,
    );
    assert_listed(
        &html,
        "client_assertion has expired",
        "invalid_client",
        FailureKind::AssertionExpired,
    );
    s.app.stop().await;
}

async fn failures_of_another_client_never_show_and_other_organisations_get_404(db: TestDb) {
    let s = setup(db, "GOV-100002").await;
    let app = &s.app;
    let (other, _) =
        portal::sandbox_client(app, &s.dev, &s.org, &portal::client_fields("Northbank two")).await;
    let (status, _) = oidc::token_request(
        app,
        &s.client_id,
        "not-the-secret",
        &[("grant_type", "authorization_code")],
    )
    .await;
    assert_eq!(status, 401);
    assert!(
        s.test_page(&s.client_id)
            .await
            .contains("the client secret is wrong")
    );
    let html = s.test_page(&other).await;
    assert!(
        html.contains("No failed requests in the last 24 hours."),
        "{html}"
    );
    assert!(!html.contains("the client secret is wrong"));
    // A client nobody registered is not recorded at all.
    let (status, _) = oidc::token_request(app, "nobody", "x", &[]).await;
    assert_eq!(status, 401);
    assert!(
        client_failures::find_client_failures(&app.state.db, "nobody", 0, 10)
            .await
            .unwrap()
            .is_empty()
    );

    // A developer of another organisation sees neither page of this client.
    let (stranger, _, _) = portal::developer(app, 3).await;
    portal::organisation(app, &stranger, "GOV-100003").await;
    for page in ["test", "usage"] {
        let (status, html) = portal::page(
            app,
            &stranger,
            &format!("/portal/clients/{}/{page}", s.client_id),
        )
        .await;
        assert_eq!(status, 404, "{page}");
        assert!(!html.contains("the client secret is wrong"));
    }
    s.app.stop().await;
}

async fn failures_older_than_a_day_are_gone_after_housekeeping(db: TestDb) {
    let s = setup(db, "GOV-100004").await;
    let app = &s.app;
    let (status, _) = oidc::token_request(
        app,
        &s.client_id,
        "not-the-secret",
        &[("grant_type", "authorization_code")],
    )
    .await;
    assert_eq!(status, 401);
    assert!(
        s.test_page(&s.client_id)
            .await
            .contains("the client secret is wrong")
    );
    let db = &app.state.db;
    // Within the day, housekeeping keeps it.
    app.clock.advance(23 * 3600);
    civitas::app::housekeeping(db, app.state.clock.now())
        .await
        .unwrap();
    assert_eq!(
        client_failures::find_client_failures(db, &s.client_id, 0, 10)
            .await
            .unwrap()
            .len(),
        1
    );
    // A day on, it is gone: the developer (signed in again, the portal session has ended)
    // sees none.
    app.clock.advance(3600 + 1);
    civitas::app::housekeeping(db, app.state.clock.now())
        .await
        .unwrap();
    assert!(
        client_failures::find_client_failures(db, &s.client_id, 0, 10)
            .await
            .unwrap()
            .is_empty()
    );
    let (dev, _, _) = portal::developer(app, 0).await;
    let (status, html) =
        portal::page(app, &dev, &format!("/portal/clients/{}/test", s.client_id)).await;
    assert_eq!(status, 200);
    assert!(
        html.contains("No failed requests in the last 24 hours."),
        "{html}"
    );
    // The day's count stays for the usage chart, 31 days.
    let counted = client_failures::find_daily_failures(db, &s.client_id, 0)
        .await
        .unwrap();
    assert_eq!(counted.iter().map(|(_, n)| n).sum::<i64>(), 1);
    app.clock.advance(31 * 86400);
    civitas::app::housekeeping(db, app.state.clock.now())
        .await
        .unwrap();
    assert!(
        client_failures::find_daily_failures(db, &s.client_id, 0)
            .await
            .unwrap()
            .is_empty()
    );
    s.app.stop().await;
}

async fn recording_is_bounded_per_client_but_every_failure_counts(db: TestDb) {
    let s = setup(db, "GOV-100005").await;
    let app = &s.app;
    let fail = || async {
        let (status, _) = oidc::token_request(
            app,
            &s.client_id,
            "not-the-secret",
            &[("grant_type", "authorization_code")],
        )
        .await;
        assert_eq!(status, 401);
    };
    let db = &app.state.db;
    let listed = || async {
        client_failures::find_client_failures(db, &s.client_id, 0, 1000)
            .await
            .unwrap()
            .len() as i64
    };
    let counted = || async {
        client_failures::find_daily_failures(db, &s.client_id, 0)
            .await
            .unwrap()
            .iter()
            .map(|(_, n)| n)
            .sum::<i64>()
    };
    // More failures in a minute than an instance records.
    let burst = i64::from(PER_MINUTE) + 10;
    for _ in 0..burst {
        fail().await;
    }
    assert_eq!(listed().await, i64::from(PER_MINUTE));
    // The rest are counted in memory, and written by the next flush.
    assert_eq!(counted().await, i64::from(PER_MINUTE));
    app.state
        .client_failures
        .flush(&app.state.writer, app.state.clock.now())
        .await
        .unwrap();
    assert_eq!(counted().await, burst);
    // Minutes later the list has room again, up to the newest KEEP.
    for _ in 0..2 {
        app.clock.advance(61);
        for _ in 0..PER_MINUTE {
            fail().await;
        }
    }
    assert_eq!(listed().await, KEEP);
    assert_eq!(counted().await, burst + 2 * i64::from(PER_MINUTE));
    s.app.stop().await;
}

async fn the_usage_page_counts_the_days_sign_ins_and_failures(db: TestDb) {
    let s = setup(db, "GOV-100006").await;
    let app = &s.app;
    let citizen = s.citizen().await;
    // Two sign-ins and three failures today.
    for _ in 0..2 {
        let (verifier, challenge) = oidc::pkce();
        let code = oidc::get_code(app, &citizen, &s.client_id, &challenge).await;
        assert_eq!(s.redeem(&code, &verifier).await.0, 200);
    }
    for _ in 0..3 {
        let (status, _) = oidc::token_request(
            app,
            &s.client_id,
            "not-the-secret",
            &[("grant_type", "authorization_code")],
        )
        .await;
        assert_eq!(status, 401);
    }
    let (status, html) = portal::page(
        app,
        &s.dev,
        &format!("/portal/clients/{}/usage", s.client_id),
    )
    .await;
    assert_eq!(status, 200, "{html}");
    let today = &civitas::clock::rfc3339(app.state.clock.now())[..10];
    let row = html
        .split("<tr>")
        .find(|r| r.contains(&format!("<time datetime=\"{today}\">")))
        .unwrap_or_else(|| panic!("no row for {today}: {html}"));
    assert!(row.contains("Sign-ins: </span>2</td>"), "{row}");
    assert!(row.contains("Failures: </span>3</td>"), "{row}");
    assert_eq!(html.matches("<svg").count(), 2, "two charts");
    assert!(html.contains("role=\"img\""));
    assert!(
        html.contains("2 sign-ins from"),
        "the chart's description sums it up"
    );
    assert!(!html.contains("style="), "no inline styles");
    // Thirty days in the table.
    assert_eq!(html.matches("<th scope=\"row\">").count(), 30);
    s.app.stop().await;
}
