//! SIGKILL at random moments under load, then a restart on the same database: nothing that
//! was acknowledged is lost or half-applied. The server runs as its own process (the
//! `civitas` binary); the load signs in again and again with a live session (authorization
//! request → code), redeems codes (a release in the ledger each), rotates refresh tokens, and
//! withdraws and gives consent through the account and consent pages. After the last restart
//! every acknowledged rotation, release, withdrawal and consent is in the database, with its
//! ledger record, and `civitas ledger verify` passes.

use std::{
    process::{Child, Command, Stdio},
    sync::{
        Arc, Mutex,
        atomic::{AtomicBool, AtomicUsize, Ordering},
    },
    time::{Duration, Instant},
};

use civitas::crypto::secrets::sha256_b64;
use figment::providers::Serialized;
use serde_json::Value;

use crate::{
    on_both_databases,
    support::{
        TestApp, TestDb,
        oidc::{REDIRECT, consent, pkce, register, seeded_person, signed_in_browser, web_client},
        postgres::free_port,
    },
};

on_both_databases!(sigkill_under_load_loses_no_acknowledged_write);

/// The server as a process, on a fixed address so that it comes back where it was.
struct Server {
    port: u16,
    base: String,
    child: Option<Child>,
}

impl Server {
    fn start(db: &TestDb, port: u16) -> Child {
        Command::new(env!("CARGO_BIN_EXE_civitas"))
            .arg("serve")
            .current_dir(db.dir.path())
            .env_remove("CIVITAS_CONFIG")
            .envs(db.env())
            .env("CIVITAS_LISTEN", format!("127.0.0.1:{port}"))
            .env("CIVITAS_ISSUER", format!("http://localhost:{port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("start civitas")
    }

    async fn ready(&self) {
        let http = reqwest::Client::new();
        let deadline = Instant::now() + Duration::from_secs(60);
        loop {
            let r = http.get(format!("{}/readyz", self.base)).send().await;
            if r.is_ok_and(|r| r.status() == 200) {
                return;
            }
            assert!(Instant::now() < deadline, "the server did not come back");
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    fn kill(&mut self) {
        if let Some(mut c) = self.child.take() {
            c.kill().expect("SIGKILL");
            c.wait().expect("reap");
        }
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        self.kill();
    }
}

#[derive(Default)]
struct Tally {
    attempted: AtomicUsize,
    acknowledged: AtomicUsize,
    interrupted: AtomicUsize,
    refresh_hashes: Mutex<Vec<String>>,
    redemptions: AtomicUsize,
    withdrawals: AtomicUsize,
    consents: AtomicUsize,
}

impl Tally {
    fn failed(&self) {
        self.interrupted.fetch_add(1, Ordering::Relaxed);
    }
    fn ok(&self) {
        self.acknowledged.fetch_add(1, Ordering::Relaxed);
    }
}

struct Load {
    base: String,
    browser: reqwest::Client,
    client_id: String,
    secret: String,
    stop: AtomicBool,
    t: Tally,
}

impl Load {
    async fn token(&self, form: &[(&str, &str)]) -> Option<(u16, Value)> {
        let r = self
            .browser
            .post(format!("{}/token", self.base))
            .basic_auth(&self.client_id, Some(&self.secret))
            .form(form)
            .timeout(Duration::from_secs(10))
            .send()
            .await
            .ok()?;
        let status = r.status().as_u16();
        Some((status, r.json().await.unwrap_or(Value::Null)))
    }

    /// GET `path` (relative or absolute); the `Location` of a 303.
    async fn follow(&self, url: &str) -> Option<String> {
        let url = if url.starts_with('/') {
            format!("{}{url}", self.base)
        } else {
            url.to_owned()
        };
        let r = self
            .browser
            .get(url)
            .timeout(Duration::from_secs(10))
            .send()
            .await
            .ok()?;
        (r.status() == 303).then(|| r.headers()["location"].to_str().ok().map(str::to_owned))?
    }

    async fn post_form(&self, path: &str, form: &[(&str, &str)]) -> Option<reqwest::Response> {
        self.browser
            .post(format!("{}{path}", self.base))
            .header("origin", self.base.clone())
            .form(form)
            .timeout(Duration::from_secs(10))
            .send()
            .await
            .ok()
    }

    fn authorize_url(&self, challenge: &str) -> String {
        let query = url::form_urlencoded::Serializer::new(String::new())
            .extend_pairs([
                ("response_type", "code"),
                ("client_id", self.client_id.as_str()),
                ("redirect_uri", REDIRECT),
                ("scope", "openid profile"),
                ("state", "st4te"),
                ("nonce", "n0nce"),
                ("code_challenge", challenge),
                ("code_challenge_method", "S256"),
            ])
            .finish();
        format!("{}/authorize?{query}", self.base)
    }

    fn code_of(location: &str) -> Option<String> {
        let url = url::Url::parse(location).ok()?;
        url.query_pairs()
            .find(|(k, _)| k == "code")
            .map(|(_, v)| v.into_owned())
    }

    /// A sign-in with the live session and the code redeemed: one release.
    async fn sign_in_and_redeem(&self) -> Option<Value> {
        let (verifier, challenge) = pkce();
        let location = self.follow(&self.authorize_url(&challenge)).await?;
        let code = Self::code_of(&location)?;
        let (status, body) = self
            .token(&[
                ("grant_type", "authorization_code"),
                ("code", &code),
                ("redirect_uri", REDIRECT),
                ("code_verifier", &verifier),
            ])
            .await?;
        (status == 200).then_some(body)
    }

    async fn redeemer(&self) {
        while !self.stop.load(Ordering::Relaxed) {
            self.t.attempted.fetch_add(1, Ordering::Relaxed);
            match self.sign_in_and_redeem().await {
                Some(_) => {
                    self.t.ok();
                    self.t.redemptions.fetch_add(1, Ordering::Relaxed);
                }
                None => {
                    self.t.failed();
                    tokio::time::sleep(Duration::from_millis(50)).await;
                }
            }
        }
    }

    async fn refresher(&self) {
        let mut token: Option<String> = None;
        while !self.stop.load(Ordering::Relaxed) {
            self.t.attempted.fetch_add(1, Ordering::Relaxed);
            let Some(current) = token.clone() else {
                // A new grant: a sign-in (its release counted too).
                match self.sign_in_and_redeem().await {
                    Some(body) => {
                        self.t.ok();
                        self.t.redemptions.fetch_add(1, Ordering::Relaxed);
                        token = body["refresh_token"].as_str().map(str::to_owned);
                    }
                    None => {
                        self.t.failed();
                        tokio::time::sleep(Duration::from_millis(50)).await;
                    }
                }
                continue;
            };
            match self
                .token(&[("grant_type", "refresh_token"), ("refresh_token", &current)])
                .await
            {
                Some((200, body)) => {
                    let next = body["refresh_token"].as_str().unwrap().to_owned();
                    self.t
                        .refresh_hashes
                        .lock()
                        .unwrap()
                        .push(sha256_b64(&next));
                    self.t.ok();
                    token = Some(next);
                }
                // The rotation before was in doubt (killed during its commit) or the grant
                // died with a withdrawn consent: start a new grant.
                Some((400, _)) => {
                    self.t.failed();
                    token = None;
                }
                _ => {
                    self.t.failed();
                    tokio::time::sleep(Duration::from_millis(50)).await;
                }
            }
        }
    }

    /// Withdraws consent on the account page, then gives it again on the consent page. A
    /// withdrawal is counted (it must leave a record) only when the consent before it is
    /// known to stand: given and acknowledged, not given in doubt.
    async fn consenter(&self) {
        let mut standing = Some(true);
        while !self.stop.load(Ordering::Relaxed) {
            self.t.attempted.fetch_add(1, Ordering::Relaxed);
            let withdrawn = self
                .post_form(
                    "/account/services/withdraw",
                    &[("client_id", self.client_id.as_str())],
                )
                .await
                .is_some_and(|r| r.status() == 303);
            if !withdrawn {
                self.t.failed();
                tokio::time::sleep(Duration::from_millis(50)).await;
                continue;
            }
            self.t.ok();
            if standing == Some(true) {
                self.t.withdrawals.fetch_add(1, Ordering::Relaxed);
            }
            standing = Some(false);
            self.t.attempted.fetch_add(1, Ordering::Relaxed);
            let (_, challenge) = pkce();
            let given = async {
                let to_consent = self.follow(&self.authorize_url(&challenge)).await?;
                let continue_id = to_consent.split("continue=").nth(1)?.to_owned();
                let r = self
                    .post_form(
                        "/consent",
                        &[
                            ("continue", continue_id.as_str()),
                            ("decision", "allow"),
                            ("remember", "yes"),
                            ("share_profile", "yes"),
                        ],
                    )
                    .await?;
                let resume = r.headers().get("location")?.to_str().ok()?.to_owned();
                if r.status() != 303 {
                    return None;
                }
                // The consent is recorded; the request then goes on to the service.
                let location = self.follow(&resume).await?;
                Self::code_of(&location).map(drop)
            }
            .await;
            match given {
                Some(()) => {
                    self.t.ok();
                    self.t.consents.fetch_add(1, Ordering::Relaxed);
                    standing = Some(true);
                }
                None => {
                    self.t.failed();
                    standing = None;
                    tokio::time::sleep(Duration::from_millis(50)).await;
                }
            }
        }
    }
}

async fn scalar(db: &civitas::store::Db, sql: &'static str, person: &str) -> i64 {
    civitas::on_db!(db, |p| sqlx::query_scalar(sql)
        .bind(person)
        .fetch_one(p)
        .await)
    .unwrap()
}

async fn sigkill_under_load_loses_no_acknowledged_write(db: TestDb) {
    const KILLS: usize = 4;
    let port = free_port();
    let base = format!("http://localhost:{port}");
    // Seeding through the library, with the issuer the process will have.
    let seed = {
        let issuer = base.clone();
        TestApp::spawn_with(&db, move |f| f.merge(Serialized::default("issuer", issuer))).await
    };
    let person = seeded_person(&seed).await;
    let (client_id, secret) = register(&seed, web_client("Tax Board")).await;
    consent(&seed, &person, &client_id, "openid profile").await;
    let (browser, _) = signed_in_browser(&seed, &person, "urn:civitas:loa:substantial").await;
    seed.stop().await;

    let mut server = Server {
        port,
        base: base.clone(),
        child: Some(Server::start(&db, port)),
    };
    server.ready().await;
    let load = Arc::new(Load {
        base,
        browser,
        client_id,
        secret: secret.unwrap(),
        stop: AtomicBool::new(false),
        t: Tally::default(),
    });
    let mut workers = Vec::new();
    for i in 0..5 {
        let l = load.clone();
        workers.push(tokio::spawn(async move {
            match i {
                0 | 1 => l.refresher().await,
                2 | 3 => l.redeemer().await,
                _ => l.consenter().await,
            }
        }));
    }
    for _ in 0..KILLS {
        let wait = 300 + getrandom::u64().unwrap() % 1200;
        tokio::time::sleep(Duration::from_millis(wait)).await;
        server.kill();
        tokio::time::sleep(Duration::from_millis(200)).await;
        server.child = Some(Server::start(&db, server.port));
        server.ready().await;
    }
    tokio::time::sleep(Duration::from_millis(1000)).await;
    load.stop.store(true, Ordering::Relaxed);
    for w in workers {
        w.await.unwrap();
    }
    server.kill();

    let state_db = civitas::store::Db::connect(&civitas::config::DatabaseConfig {
        url: db.url.clone(),
        max_connections: 2,
        acquire_timeout: Duration::from_secs(5),
    })
    .await
    .unwrap();
    let t = &load.t;
    let hashes = t.refresh_hashes.lock().unwrap().clone();
    let mut found = 0;
    for h in &hashes {
        let sql = "SELECT COUNT(*) FROM tokens WHERE token_hash = $1 AND kind = 'refresh'";
        found += civitas::on_db!(&state_db, |p| sqlx::query_scalar::<_, i64>(sql)
            .bind(h)
            .fetch_one(p)
            .await)
        .unwrap();
    }
    assert_eq!(found as usize, hashes.len(), "every acknowledged rotation");
    let releases = scalar(
        &state_db,
        "SELECT COUNT(*) FROM releases WHERE person_id = $1 AND channel = 'id_token'",
        &person,
    )
    .await;
    let redemptions = t.redemptions.load(Ordering::Relaxed);
    assert!(
        releases as usize >= redemptions,
        "{releases} releases in the ledger, {redemptions} acknowledged"
    );
    let withdrawn_events = scalar(
        &state_db,
        "SELECT COUNT(*) FROM security_events WHERE person_id = $1 AND kind = 'consent_withdrawn'",
        &person,
    )
    .await;
    let withdrawals = t.withdrawals.load(Ordering::Relaxed);
    assert!(
        withdrawn_events as usize >= withdrawals,
        "{withdrawn_events} withdrawals recorded, {withdrawals} acknowledged"
    );
    let out = db.civitas(&["ledger", "verify"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(t.acknowledged.load(Ordering::Relaxed) > 50, "the load ran");
    eprintln!(
        "sigkill ({}): {KILLS} kills; {} operations attempted, {} acknowledged, {} interrupted; \
         verified intact: {} rotations, {redemptions} redemptions ({releases} releases), \
         {withdrawals} withdrawals ({withdrawn_events} recorded), {} consents; ledger verified",
        state_db.kind(),
        t.attempted.load(Ordering::Relaxed),
        t.acknowledged.load(Ordering::Relaxed),
        t.interrupted.load(Ordering::Relaxed),
        hashes.len(),
        t.consents.load(Ordering::Relaxed),
    );
}
