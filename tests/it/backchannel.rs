//! OpenID Connect Back-Channel Logout 1.0: when a session ends, every relying party that
//! took part in it gets a logout token at its `backchannel_logout_uri`, from a queue in the
//! database that survives a restart, retries with growing pauses, gives up after a day (and
//! says so in the client's failures), keeps at most 1,000 notices per client, lets no slow
//! relying party hold back another, and posts to private addresses only when allowed.
//!
//! The relying parties here are real HTTP servers on 127.0.0.1; they check each logout token
//! with `jsonwebtoken` against the server's `/jwks`.

use std::{
    collections::HashMap,
    sync::{
        Arc,
        atomic::{AtomicU16, AtomicU64, AtomicUsize, Ordering},
    },
    time::{Duration, Instant},
};

use axum::{Router, extract::State, http::HeaderMap, routing::post};
use base64::{Engine, engine::general_purpose::URL_SAFE_NO_PAD as B64};
use civitas::{
    oidc::{
        backchannel::LOGOUT_EVENT,
        clients::{ClientRequest, OptionsRequest},
    },
    store::{client_failures, logout_notices},
};
use serde_json::Value;
use tokio::sync::mpsc;

use crate::{
    on_both_databases,
    support::{
        TestApp, TestDb,
        oidc::{
            REDIRECT, consent, get_code, pkce, register, seeded_person, signed_in_browser,
            token_request, web_client,
        },
        postgres::free_port,
    },
};

on_both_databases!(
    a_sign_out_reaches_every_relying_party_that_took_part_and_no_other,
    a_notice_waits_in_the_database_across_a_restart,
    failed_deliveries_are_retried_with_growing_pauses_and_given_up_after_a_day,
    signing_out_everywhere_tells_each_session_and_a_slow_party_holds_back_no_other,
    at_most_a_thousand_notices_wait_per_client,
    nothing_is_posted_to_a_private_address_unless_allowed,
    two_instances_deliver_each_notice_once,
);

const LOA: &str = "urn:civitas:loa:substantial";

/// One POST a receiver got.
#[derive(Debug)]
struct Post {
    content_type: String,
    form: HashMap<String, String>,
    at: Instant,
}

#[derive(Default)]
struct Counters {
    /// The status answered (200 unless set).
    status: AtomicU16,
    /// Milliseconds to wait before answering.
    delay_ms: AtomicU64,
    requests: AtomicUsize,
    in_flight: AtomicUsize,
    most_in_flight: AtomicUsize,
}

/// A relying party's back-channel logout endpoint on 127.0.0.1: records every POST to
/// `/logout` and answers with the status it is set to.
struct Receiver {
    port: u16,
    counters: Arc<Counters>,
    posts: mpsc::UnboundedReceiver<Post>,
    server: tokio::task::JoinHandle<()>,
}

impl Receiver {
    async fn start() -> Self {
        Self::start_on(0).await
    }

    async fn start_on(port: u16) -> Self {
        let listener = tokio::net::TcpListener::bind(("127.0.0.1", port))
            .await
            .expect("bind the receiver");
        let port = listener.local_addr().unwrap().port();
        let counters = Arc::new(Counters {
            status: AtomicU16::new(200),
            ..Counters::default()
        });
        let (send, posts) = mpsc::unbounded_channel();
        let shared = (counters.clone(), send);
        let router = Router::new()
            .route("/logout", post(receive))
            .with_state(shared);
        let server = tokio::spawn(async move {
            let _ = axum::serve(listener, router).await;
        });
        Self {
            port,
            counters,
            posts,
            server,
        }
    }

    fn uri(&self) -> String {
        format!("http://127.0.0.1:{}/logout", self.port)
    }

    fn answer(&self, status: u16) {
        self.counters.status.store(status, Ordering::SeqCst);
    }

    fn requests(&self) -> usize {
        self.counters.requests.load(Ordering::SeqCst)
    }

    /// The next POST, or a panic after `within`.
    async fn next(&mut self, within: Duration) -> Post {
        tokio::time::timeout(within, self.posts.recv())
            .await
            .unwrap_or_else(|_| panic!("no logout token within {within:?}"))
            .expect("the receiver is running")
    }

    /// Whether a POST arrives within `within`.
    async fn nothing_within(&mut self, within: Duration) -> bool {
        tokio::time::timeout(within, self.posts.recv())
            .await
            .is_err()
    }
}

impl Drop for Receiver {
    fn drop(&mut self) {
        self.server.abort();
    }
}

async fn receive(
    State((counters, send)): State<(Arc<Counters>, mpsc::UnboundedSender<Post>)>,
    headers: HeaderMap,
    body: String,
) -> axum::http::StatusCode {
    counters.requests.fetch_add(1, Ordering::SeqCst);
    let now = counters.in_flight.fetch_add(1, Ordering::SeqCst) + 1;
    counters.most_in_flight.fetch_max(now, Ordering::SeqCst);
    let delay = counters.delay_ms.load(Ordering::SeqCst);
    if delay > 0 {
        tokio::time::sleep(Duration::from_millis(delay)).await;
    }
    counters.in_flight.fetch_sub(1, Ordering::SeqCst);
    let _ = send.send(Post {
        content_type: headers
            .get("content-type")
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_owned(),
        form: url::form_urlencoded::parse(body.as_bytes())
            .into_owned()
            .collect(),
        at: Instant::now(),
    });
    axum::http::StatusCode::from_u16(counters.status.load(Ordering::SeqCst)).unwrap()
}

/// A web client with a back-channel logout URI.
fn party(name: &str, uri: String) -> ClientRequest {
    ClientRequest {
        options: OptionsRequest {
            backchannel_logout_uri: Some(uri),
            backchannel_logout_session_required: Some(true),
            ..Default::default()
        },
        ..web_client(name)
    }
}

/// Registers `request`, with the person's consent; returns its id and secret.
async fn registered(app: &TestApp, person: &str, request: ClientRequest) -> (String, String) {
    let (id, secret) = register(app, request).await;
    consent(app, person, &id, "openid profile email").await;
    (id, secret.expect("a confidential client"))
}

/// The client signs the browser's session in (code flow with PKCE) and gets its tokens; the
/// ID token's claims.
async fn take_part(app: &TestApp, browser: &reqwest::Client, id: &str, secret: &str) -> Value {
    let (verifier, challenge) = pkce();
    let code = get_code(app, browser, id, &challenge).await;
    let (status, body) = token_request(
        app,
        id,
        secret,
        &[
            ("grant_type", "authorization_code"),
            ("code", &code),
            ("redirect_uri", REDIRECT),
            ("code_verifier", &verifier),
        ],
    )
    .await;
    assert_eq!(status, 200, "{body}");
    let id_token = body["id_token"].as_str().expect("id_token");
    let payload = id_token.split('.').nth(1).expect("a JWS");
    serde_json::from_slice(&B64.decode(payload).unwrap()).unwrap()
}

async fn sign_out(app: &TestApp, browser: &reqwest::Client) {
    let r = browser
        .post(app.url("/signout"))
        .header("origin", app.base.clone())
        .send()
        .await
        .unwrap();
    assert!(r.status().is_redirection(), "{}", r.status());
}

/// Checks a received POST as a relying party must (Back-Channel Logout 1.0 §2.5, §2.6) with
/// `jsonwebtoken` against the issuer's `/jwks`, and returns the token's claims.
async fn verified(app: &TestApp, post: &Post, client_id: &str) -> Value {
    assert_eq!(post.content_type, "application/x-www-form-urlencoded");
    assert_eq!(post.form.len(), 1, "only logout_token: {:?}", post.form);
    let token = post.form.get("logout_token").expect("logout_token");
    let header = jsonwebtoken::decode_header(token).expect("a JWS header");
    assert_eq!(header.typ.as_deref(), Some("logout+jwt"), "§2.4 typ");
    assert_eq!(header.alg, jsonwebtoken::Algorithm::ES256);
    let jwks: jsonwebtoken::jwk::JwkSet = app.get("/jwks").await.json().await.unwrap();
    let kid = header.kid.as_deref().expect("kid");
    let jwk = jwks.find(kid).expect("the signing key is published");
    let key = jsonwebtoken::DecodingKey::from_jwk(jwk).unwrap();
    let mut rules = jsonwebtoken::Validation::new(header.alg);
    rules.set_issuer(&[app.base.as_str()]);
    rules.set_audience(&[client_id]);
    rules.set_required_spec_claims(&["iss", "aud", "exp"]);
    let claims = jsonwebtoken::decode::<Value>(token, &key, &rules)
        .expect("the logout token verifies")
        .claims;
    let iat = claims["iat"].as_i64().expect("iat");
    let exp = claims["exp"].as_i64().expect("exp");
    let now = app.state.clock.now();
    assert!((iat - now).abs() <= 5, "iat {iat} is now ({now})");
    assert_eq!(exp - iat, 120);
    assert!(claims["jti"].as_str().is_some_and(|j| j.len() >= 16));
    assert_eq!(claims["events"][LOGOUT_EVENT], serde_json::json!({}));
    assert!(claims.get("nonce").is_none(), "§2.4: no nonce");
    claims
}

/// Polls `check` every 50 ms until it gives `Some`, or panics after `within`.
async fn eventually<T, F, Fut>(what: &str, within: Duration, mut check: F) -> T
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = Option<T>>,
{
    let deadline = Instant::now() + within;
    loop {
        if let Some(v) = check().await {
            return v;
        }
        assert!(Instant::now() < deadline, "{what}: not within {within:?}");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// The notices waiting for a client: (sid, attempts, last error).
async fn waiting(app: &TestApp, client_id: &str) -> Vec<(String, i64, Option<String>)> {
    logout_notices::find_logout_notices_of_client(&app.state.db, client_id)
        .await
        .unwrap()
}

fn allow_private(f: figment::Figment) -> figment::Figment {
    f.merge(("http.allow_private_outbound", true))
}

async fn a_sign_out_reaches_every_relying_party_that_took_part_and_no_other(db: TestDb) {
    let app = TestApp::spawn_with(&db, allow_private).await;
    let person = seeded_person(&app).await;
    let (mut a, mut b, mut c, mut d) = (
        Receiver::start().await,
        Receiver::start().await,
        Receiver::start().await,
        Receiver::start().await,
    );
    let (a_id, a_secret) = registered(&app, &person, party("Tax Board", a.uri())).await;
    let (b_id, b_secret) = registered(&app, &person, party("Land Registry", b.uri())).await;
    let (c_id, _) = registered(&app, &person, party("Not Today", c.uri())).await;
    let (d_id, _) = registered(&app, &person, party("Code Only", d.uri())).await;
    let (browser, who) = signed_in_browser(&app, &person, LOA).await;
    // A and B sign the citizen in through the same browser session; D gets as far as a code;
    // C takes no part.
    let a_token = take_part(&app, &browser, &a_id, &a_secret).await;
    let b_token = take_part(&app, &browser, &b_id, &b_secret).await;
    let (_, challenge) = pkce();
    get_code(&app, &browser, &d_id, &challenge).await;
    assert_eq!(a_token["sid"], who.sid.as_str());
    assert_eq!(b_token["sid"], who.sid.as_str());

    let signed_out = Instant::now();
    sign_out(&app, &browser).await;

    let (a_post, b_post) = (
        a.next(Duration::from_secs(10)).await,
        b.next(Duration::from_secs(10)).await,
    );
    let latency = a_post.at.max(b_post.at) - signed_out;
    for (post, id, id_token) in [(&a_post, &a_id, &a_token), (&b_post, &b_id, &b_token)] {
        let claims = verified(&app, post, id).await;
        assert_eq!(claims["sid"], id_token["sid"]);
        assert_eq!(claims["sub"], id_token["sub"]);
    }
    let d_claims = verified(&app, &d.next(Duration::from_secs(10)).await, &d_id).await;
    assert_eq!(d_claims["sid"], who.sid.as_str());
    assert_eq!(
        d_claims["sub"], a_token["sub"],
        "one sector, one pairwise sub"
    );
    assert!(
        c.nothing_within(Duration::from_millis(1500)).await,
        "C took no part in the session"
    );
    // Delivered notices leave the queue; nothing is sent twice.
    for id in [&a_id, &b_id, &c_id, &d_id] {
        eventually("the queue empties", Duration::from_secs(5), || async {
            waiting(&app, id).await.is_empty().then_some(())
        })
        .await;
    }
    assert!(a.nothing_within(Duration::from_millis(500)).await);
    assert_eq!((a.requests(), b.requests()), (1, 1));
    eprintln!(
        "back-channel logout ({}): both tokens {} ms after the sign-out request was sent",
        app.state.db.kind(),
        latency.as_millis()
    );
    // Signing out again (a stale tab) sends nothing more.
    sign_out(&app, &browser).await;
    assert!(a.nothing_within(Duration::from_millis(1500)).await);
    app.stop().await;
}

async fn a_notice_waits_in_the_database_across_a_restart(db: TestDb) {
    let app = TestApp::spawn_with(&db, allow_private).await;
    let person = seeded_person(&app).await;
    // The relying party's endpoint is down: nothing listens on its port.
    let port = free_port();
    let uri = format!("http://127.0.0.1:{port}/logout");
    let (id, secret) = registered(&app, &person, party("Tax Board", uri)).await;
    let (browser, who) = signed_in_browser(&app, &person, LOA).await;
    let id_token = take_part(&app, &browser, &id, &secret).await;
    sign_out(&app, &browser).await;
    let (sid, attempts, error) =
        eventually("a failed attempt", Duration::from_secs(10), || async {
            waiting(&app, &id)
                .await
                .into_iter()
                .next()
                .filter(|(_, n, _)| *n >= 1)
        })
        .await;
    assert_eq!((sid.as_str(), attempts), (who.sid.as_str(), 1));
    let error = error.expect("last_error");
    assert!(error.starts_with("could not connect"), "{error}");
    app.stop().await;

    // A new server on the same database; the relying party's endpoint is back.
    let started = Instant::now();
    let app = TestApp::spawn_with(&db, allow_private).await;
    let spawned = started.elapsed();
    let mut rp = Receiver::start_on(port).await;
    // The retry is due five to six seconds after the failure: move the clock past it.
    let due = Instant::now();
    app.clock.advance(10);
    let post = rp.next(Duration::from_secs(10)).await;
    let claims = verified(&app, &post, &id).await;
    assert_eq!(claims["sid"], who.sid.as_str());
    assert_eq!(claims["sub"], id_token["sub"]);
    eventually("the queue empties", Duration::from_secs(5), || async {
        waiting(&app, &id).await.is_empty().then_some(())
    })
    .await;
    eprintln!(
        "back-channel logout restart ({}): the new server started in {} ms; the waiting \
         token arrived {} ms after it came due",
        app.state.db.kind(),
        spawned.as_millis(),
        (post.at - due).as_millis()
    );
    app.stop().await;
}

async fn failed_deliveries_are_retried_with_growing_pauses_and_given_up_after_a_day(db: TestDb) {
    let app = TestApp::spawn_with(&db, allow_private).await;
    let person = seeded_person(&app).await;
    let mut rp = Receiver::start().await;
    rp.answer(500);
    let (id, secret) = registered(&app, &person, party("Tax Board", rp.uri())).await;
    let (browser, _) = signed_in_browser(&app, &person, LOA).await;
    take_part(&app, &browser, &id, &secret).await;
    sign_out(&app, &browser).await;

    let attempts_reach = |n: i64| {
        let (app, id) = (&app, &id);
        eventually(
            "the attempt is counted",
            Duration::from_secs(10),
            move || async move {
                waiting(app, id)
                    .await
                    .into_iter()
                    .next()
                    .filter(|(_, a, _)| *a >= n)
                    .map(|(_, a, e)| (a, e))
            },
        )
    };
    // The first attempt at once.
    rp.next(Duration::from_secs(10)).await;
    let (n, error) = attempts_reach(1).await;
    assert_eq!(n, 1);
    assert_eq!(error.as_deref(), Some("answered 500 Internal Server Error"));
    // The next one five to six seconds later, not before.
    assert!(rp.nothing_within(Duration::from_millis(1500)).await);
    app.clock.advance(6);
    rp.next(Duration::from_secs(5)).await;
    assert_eq!(attempts_reach(2).await.0, 2);
    // Then ten to twelve: six seconds more are not enough.
    app.clock.advance(6);
    assert!(rp.nothing_within(Duration::from_millis(1500)).await);
    app.clock.advance(6);
    rp.next(Duration::from_secs(5)).await;
    assert_eq!(attempts_reach(3).await.0, 3);
    assert_eq!(rp.requests(), 3);

    // A day later the next failure gives it up, and the client's developers see why.
    app.clock.advance(24 * 3600 + 60);
    rp.next(Duration::from_secs(5)).await;
    eventually("the notice is given up", Duration::from_secs(5), || async {
        waiting(&app, &id).await.is_empty().then_some(())
    })
    .await;
    let failures = eventually(
        "the failure is recorded",
        Duration::from_secs(5),
        || async {
            let f = client_failures::find_client_failures(&app.state.db, &id, 0, 10)
                .await
                .unwrap();
            (!f.is_empty()).then_some(f)
        },
    )
    .await;
    assert_eq!(failures.len(), 1);
    let f = &failures[0];
    assert_eq!(f.endpoint, "backchannel_logout_uri");
    assert_eq!(f.kind, "backchannel_logout_undelivered");
    assert!(
        f.rule.contains("4 attempts") && f.rule.contains("answered 500"),
        "{}",
        f.rule
    );
    // Nothing more is tried.
    app.clock.advance(3600);
    assert!(rp.nothing_within(Duration::from_millis(1500)).await);
    assert_eq!(rp.requests(), 4);
    app.stop().await;
}

async fn signing_out_everywhere_tells_each_session_and_a_slow_party_holds_back_no_other(
    db: TestDb,
) {
    let app = TestApp::spawn_with(&db, allow_private).await;
    let person = seeded_person(&app).await;
    let (mut slow, mut fast) = (Receiver::start().await, Receiver::start().await);
    slow.counters.delay_ms.store(2500, Ordering::SeqCst);
    let (slow_id, _) = registered(&app, &person, party("Slow Archive", slow.uri())).await;
    let (fast_id, fast_secret) = registered(&app, &person, party("Tax Board", fast.uri())).await;
    // Eight sessions (eight devices) took part with the slow relying party, one also with
    // the fast one.
    let mut sids = Vec::new();
    let mut browsers = Vec::new();
    for _ in 0..8 {
        let (browser, who) = signed_in_browser(&app, &person, LOA).await;
        let (_, challenge) = pkce();
        get_code(&app, &browser, &slow_id, &challenge).await;
        sids.push(who.sid);
        browsers.push(browser);
    }
    let fast_token = take_part(&app, &browsers[7], &fast_id, &fast_secret).await;

    // "Sign out everywhere" from the first device.
    let asked = Instant::now();
    let r = browsers[0]
        .post(app.url("/account/sessions/end-all"))
        .header("origin", app.base.clone())
        .send()
        .await
        .unwrap();
    assert!(r.status().is_redirection(), "{}", r.status());

    let post = fast.next(Duration::from_secs(5)).await;
    let fast_latency = post.at - asked;
    let claims = verified(&app, &post, &fast_id).await;
    assert_eq!(claims["sid"], sids[7].as_str());
    assert_eq!(claims["sub"], fast_token["sub"]);
    assert!(
        fast_latency < Duration::from_millis(2000),
        "the fast party waited for the slow one: {fast_latency:?}"
    );
    let mut told = Vec::new();
    for _ in 0..8 {
        let post = slow.next(Duration::from_secs(20)).await;
        told.push(
            verified(&app, &post, &slow_id).await["sid"]
                .as_str()
                .unwrap()
                .to_owned(),
        );
    }
    told.sort();
    sids.sort();
    assert_eq!(told, sids, "every session, once");
    let most = slow.counters.most_in_flight.load(Ordering::SeqCst);
    assert!(
        (1..=4).contains(&most),
        "{most} deliveries at once to one party"
    );
    assert!(slow.nothing_within(Duration::from_millis(1000)).await);
    eprintln!(
        "back-channel logout ({}): sign out everywhere, the fast party told in {} ms while \
         the slow one (2.5 s a request) had at most {most} at once",
        app.state.db.kind(),
        fast_latency.as_millis()
    );
    app.stop().await;
}

async fn at_most_a_thousand_notices_wait_per_client(db: TestDb) {
    let app = TestApp::spawn_with(&db, allow_private).await;
    let person = seeded_person(&app).await;
    let rp = Receiver::start().await;
    let (id, _) = registered(&app, &person, party("Tax Board", rp.uri())).await;
    // 1,005 notices of an endpoint that has been failing, none due yet.
    let now = app.state.clock.now();
    queue_directly(&app, &id, &person, 1005, now + 600).await;

    let left = eventually(
        "the oldest are given up",
        Duration::from_secs(10),
        || async {
            let left = waiting(&app, &id).await;
            (left.len() == 1000).then_some(left)
        },
    )
    .await;
    let sids: Vec<&str> = left.iter().map(|(s, _, _)| s.as_str()).collect();
    for gone in ["sid-1", "sid-2", "sid-3", "sid-4", "sid-5"] {
        assert!(!sids.contains(&gone), "{gone} was among the oldest");
    }
    assert!(sids.contains(&"sid-6") && sids.contains(&"sid-1005"));
    let failures = eventually(
        "the failure is recorded",
        Duration::from_secs(5),
        || async {
            let f = client_failures::find_client_failures(&app.state.db, &id, 0, 10)
                .await
                .unwrap();
            (!f.is_empty()).then_some(f)
        },
    )
    .await;
    assert_eq!(failures.len(), 1, "one record for the sweep");
    assert!(
        failures[0].rule.contains("oldest 5"),
        "{}",
        failures[0].rule
    );
    assert_eq!(rp.requests(), 0, "none was due");
    app.stop().await;
}

/// Writes `n` notices for `client_id`, due now, as sign-outs would.
async fn queue_directly(app: &TestApp, client_id: &str, person: &str, n: i64, due: i64) {
    let now = app.state.clock.now();
    civitas::on_db!(&app.state.db, |p| sqlx::query(
        "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < $5) \
         INSERT INTO logout_notices (client_id, sid, person_id, created_at, attempts, \
         next_attempt_at) SELECT $1, 'sid-' || i, $2, $3 + i, 0, $4 FROM n"
    )
    .bind(client_id)
    .bind(person)
    .bind(now - 7200)
    .bind(due)
    .bind(n)
    .execute(p)
    .await
    .map(drop))
    .unwrap();
}

async fn two_instances_deliver_each_notice_once(db: TestDb) {
    let a = TestApp::spawn_with(&db, allow_private).await;
    let issuer = a.base.clone();
    let b = TestApp::spawn_with(&db, move |f| {
        allow_private(f).merge(figment::providers::Serialized::default("issuer", issuer))
    })
    .await;
    let person = seeded_person(&a).await;
    let mut parties = Vec::new();
    for name in ["Tax Board", "Land Registry", "Health Fund", "Post Office"] {
        let rp = Receiver::start().await;
        rp.counters.delay_ms.store(50, Ordering::SeqCst);
        let (id, _) = registered(&a, &person, party(name, rp.uri())).await;
        parties.push((rp, id));
    }
    // Both instances find them at their next look, within the same second.
    let now = a.state.clock.now();
    for (_, id) in &parties {
        queue_directly(&a, id, &person, 30, now).await;
    }
    for (rp, id) in &mut parties {
        let mut sids = Vec::new();
        for _ in 0..30 {
            let post = rp.next(Duration::from_secs(20)).await;
            sids.push(
                verified(&a, &post, id).await["sid"]
                    .as_str()
                    .unwrap()
                    .to_owned(),
            );
        }
        sids.sort();
        sids.dedup();
        assert_eq!(sids.len(), 30, "each notice once");
        let most = rp.counters.most_in_flight.load(Ordering::SeqCst);
        assert!(most <= 8, "{most} at once: four per client and instance");
    }
    for (rp, id) in &mut parties {
        assert!(rp.nothing_within(Duration::from_millis(300)).await);
        assert_eq!(rp.requests(), 30);
        assert!(waiting(&a, id).await.is_empty());
    }
    b.stop().await;
    a.stop().await;
}

async fn nothing_is_posted_to_a_private_address_unless_allowed(db: TestDb) {
    // The default: relying parties' URLs must be https on public addresses (as jwks_uri).
    let app = TestApp::spawn(&db).await;
    let person = seeded_person(&app).await;
    let mut rp = Receiver::start().await;
    let (id, secret) = registered(&app, &person, party("Tax Board", rp.uri())).await;
    let (browser, _) = signed_in_browser(&app, &person, LOA).await;
    take_part(&app, &browser, &id, &secret).await;
    sign_out(&app, &browser).await;
    let error = eventually("a refused attempt", Duration::from_secs(10), || async {
        waiting(&app, &id)
            .await
            .into_iter()
            .next()
            .filter(|(_, n, _)| *n >= 1)
            .and_then(|(_, _, e)| e)
    })
    .await;
    assert_eq!(error, "backchannel_logout_uri is not https");
    assert!(rp.nothing_within(Duration::from_millis(500)).await);
    assert_eq!(rp.requests(), 0);
    app.stop().await;
}
