//! Load for the crash and soak tests: `civitas serve` as a process that can be killed, and
//! mixed traffic against it that remembers what was acknowledged.

use std::{
    process::{Child, Command, Stdio},
    sync::{
        Arc, Mutex,
        atomic::{AtomicBool, AtomicUsize, Ordering},
    },
    time::{Duration, Instant},
};

use civitas::crypto::secrets::sha256_b64;
use serde_json::Value;

use super::{
    TestDb,
    oidc::{REDIRECT, pkce},
};

/// The server as a process, on a fixed address so that it comes back where it was.
pub struct Server {
    pub port: u16,
    pub base: String,
    pub child: Option<Child>,
}

impl Server {
    /// Starts `civitas serve` on `port` against `db` (its keys folder too), its issuer its
    /// own address.
    pub fn start(db: &TestDb, port: u16) -> Child {
        Self::start_as(db, port, &format!("http://localhost:{port}"))
    }

    /// Starts `civitas serve` on `port` with `issuer` (instances behind one address); its
    /// output goes to `civitas-PORT.log` in the test's folder.
    pub fn start_as(db: &TestDb, port: u16, issuer: &str) -> Child {
        let log = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(Self::log_path(db, port))
            .expect("server log");
        Command::new(env!("CARGO_BIN_EXE_civitas"))
            .arg("serve")
            .current_dir(db.dir.path())
            .env_remove("CIVITAS_CONFIG")
            .envs(db.env())
            .env("CIVITAS_LISTEN", format!("127.0.0.1:{port}"))
            .env("CIVITAS_ISSUER", issuer)
            .stdout(Stdio::null())
            .stderr(log)
            .spawn()
            .expect("start civitas")
    }

    fn log_path(db: &TestDb, port: u16) -> std::path::PathBuf {
        db.dir.path().join(format!("civitas-{port}.log"))
    }

    /// The end of the server's log, for a failure message.
    pub fn log_tail(db: &TestDb, port: u16) -> String {
        let text = std::fs::read_to_string(Self::log_path(db, port)).unwrap_or_default();
        let lines: Vec<&str> = text.lines().collect();
        lines[lines.len().saturating_sub(20)..].join("\n")
    }

    /// Waits (up to a minute) until `/readyz` answers 200; `db` names the log to show if not.
    pub async fn ready(&self, db: &TestDb) {
        let http = reqwest::Client::new();
        let deadline = Instant::now() + Duration::from_secs(60);
        loop {
            let r = http.get(format!("{}/readyz", self.base)).send().await;
            if r.is_ok_and(|r| r.status() == 200) {
                return;
            }
            assert!(
                Instant::now() < deadline,
                "the server on port {} did not come back; its log:\n{}",
                self.port,
                Self::log_tail(db, self.port)
            );
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    /// SIGKILL, and the process reaped.
    pub fn kill(&mut self) {
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

/// What the load saw: counts, what must be found afterwards, and latency by period.
pub struct Tally {
    pub attempted: AtomicUsize,
    pub acknowledged: AtomicUsize,
    pub interrupted: AtomicUsize,
    /// Refused by design: a sign-in while the consent is withdrawn, a refresh token whose
    /// grant died with it (or whose rotation was in doubt).
    pub refused: AtomicUsize,
    pub refresh_hashes: Mutex<Vec<String>>,
    pub redemptions: AtomicUsize,
    pub withdrawals: AtomicUsize,
    pub consents: AtomicUsize,
    start: Instant,
    period: Duration,
    periods: Mutex<Vec<Period>>,
}

enum Outcome {
    Ok,
    Failed,
    Refused,
}

/// One period of the load (a minute in the soak).
#[derive(Clone, Default)]
pub struct Period {
    pub ok: u64,
    pub failed: u64,
    pub refused: u64,
    /// Latency of every operation in the period, µs.
    pub latencies: Vec<u64>,
}

impl Period {
    /// The `q` quantile (0–1) of the latencies, in ms.
    pub fn quantile_ms(&self, q: f64) -> f64 {
        let mut l = self.latencies.clone();
        l.sort_unstable();
        if l.is_empty() {
            return 0.0;
        }
        let i = ((l.len() as f64 * q).ceil() as usize).clamp(1, l.len()) - 1;
        l[i] as f64 / 1000.0
    }
}

impl Tally {
    pub fn new(period: Duration) -> Self {
        Self {
            attempted: AtomicUsize::new(0),
            acknowledged: AtomicUsize::new(0),
            interrupted: AtomicUsize::new(0),
            refused: AtomicUsize::new(0),
            refresh_hashes: Mutex::new(Vec::new()),
            redemptions: AtomicUsize::new(0),
            withdrawals: AtomicUsize::new(0),
            consents: AtomicUsize::new(0),
            start: Instant::now(),
            period,
            periods: Mutex::new(Vec::new()),
        }
    }

    fn begin(&self) -> Instant {
        self.attempted.fetch_add(1, Ordering::Relaxed);
        Instant::now()
    }

    fn record(&self, t0: Instant, outcome: Outcome) {
        let i =
            (t0.duration_since(self.start).as_millis() / self.period.as_millis().max(1)) as usize;
        let mut periods = self.periods.lock().unwrap();
        if periods.len() <= i {
            periods.resize(i + 1, Period::default());
        }
        let p = &mut periods[i];
        match outcome {
            Outcome::Ok => {
                p.ok += 1;
                p.latencies.push(t0.elapsed().as_micros() as u64);
            }
            Outcome::Failed => p.failed += 1,
            Outcome::Refused => p.refused += 1,
        }
    }

    fn failed(&self, t0: Instant) {
        self.interrupted.fetch_add(1, Ordering::Relaxed);
        self.record(t0, Outcome::Failed);
    }

    fn refused(&self, t0: Instant) {
        self.refused.fetch_add(1, Ordering::Relaxed);
        self.record(t0, Outcome::Refused);
    }

    fn ok(&self, t0: Instant) {
        self.acknowledged.fetch_add(1, Ordering::Relaxed);
        self.record(t0, Outcome::Ok);
    }

    /// Every period so far.
    pub fn periods(&self) -> Vec<Period> {
        self.periods.lock().unwrap().clone()
    }
}

/// Mixed traffic against one server: sign-ins with a live session, code redemptions,
/// refresh rotations, consent withdrawn and given again.
pub struct Load {
    pub base: String,
    pub browser: reqwest::Client,
    pub client_id: String,
    pub secret: String,
    pub stop: AtomicBool,
    pub t: Arc<Tally>,
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
    /// A sign-in with the live session and the code redeemed: one release. `Err(true)` when
    /// the request is refused by design (the consent was withdrawn a moment ago: the consent
    /// page asks again), `Err(false)` on a failure.
    async fn sign_in_and_redeem(&self) -> Result<Value, bool> {
        let (verifier, challenge) = pkce();
        let location = self
            .follow(&self.authorize_url(&challenge))
            .await
            .ok_or(false)?;
        if location.starts_with("/consent") {
            return Err(true);
        }
        let code = Self::code_of(&location).ok_or(false)?;
        let (status, body) = self
            .token(&[
                ("grant_type", "authorization_code"),
                ("code", &code),
                ("redirect_uri", REDIRECT),
                ("code_verifier", &verifier),
            ])
            .await
            .ok_or(false)?;
        if status == 200 { Ok(body) } else { Err(false) }
    }

    async fn after_sign_in_failure(&self, t0: Instant, refused: bool) {
        if refused {
            self.t.refused(t0);
        } else {
            self.t.failed(t0);
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }

    pub async fn redeemer(&self) {
        while !self.stop.load(Ordering::Relaxed) {
            let t0 = self.t.begin();
            match self.sign_in_and_redeem().await {
                Ok(_) => {
                    self.t.ok(t0);
                    self.t.redemptions.fetch_add(1, Ordering::Relaxed);
                }
                Err(refused) => self.after_sign_in_failure(t0, refused).await,
            }
        }
    }

    pub async fn refresher(&self) {
        let mut token: Option<String> = None;
        while !self.stop.load(Ordering::Relaxed) {
            let t0 = self.t.begin();
            let Some(current) = token.clone() else {
                // A new grant: a sign-in (its release counted too).
                match self.sign_in_and_redeem().await {
                    Ok(body) => {
                        self.t.ok(t0);
                        self.t.redemptions.fetch_add(1, Ordering::Relaxed);
                        token = body["refresh_token"].as_str().map(str::to_owned);
                    }
                    Err(refused) => self.after_sign_in_failure(t0, refused).await,
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
                    self.t.ok(t0);
                    token = Some(next);
                }
                // The rotation before was in doubt (killed during its commit) or the grant
                // died with a withdrawn consent: start a new grant.
                Some((400, _)) => {
                    self.t.refused(t0);
                    token = None;
                }
                _ => {
                    self.t.failed(t0);
                    tokio::time::sleep(Duration::from_millis(50)).await;
                }
            }
        }
    }

    /// Withdraws consent on the account page, then gives it again on the consent page. A
    /// withdrawal is counted (it must leave a record) only when the consent before it is
    /// known to stand: given and acknowledged, not given in doubt.
    pub async fn consenter(&self) {
        let mut standing = Some(true);
        while !self.stop.load(Ordering::Relaxed) {
            let t0 = self.t.begin();
            let withdrawn = self
                .post_form(
                    "/account/services/withdraw",
                    &[("client_id", self.client_id.as_str())],
                )
                .await
                .is_some_and(|r| r.status() == 303);
            if !withdrawn {
                self.t.failed(t0);
                tokio::time::sleep(Duration::from_millis(50)).await;
                continue;
            }
            self.t.ok(t0);
            if standing == Some(true) {
                self.t.withdrawals.fetch_add(1, Ordering::Relaxed);
            }
            let t0 = self.t.begin();
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
                    self.t.ok(t0);
                    self.t.consents.fetch_add(1, Ordering::Relaxed);
                    standing = Some(true);
                    // The consent stands a while: the other workers' sign-ins mostly pass.
                    tokio::time::sleep(Duration::from_millis(500)).await;
                }
                None => {
                    self.t.failed(t0);
                    standing = None;
                    tokio::time::sleep(Duration::from_millis(50)).await;
                }
            }
        }
    }
}

/// A citizen with a consented client and a browser signed in as them.
pub struct Seeded {
    pub person: String,
    pub client_id: String,
    pub secret: String,
    pub browser: reqwest::Client,
}

/// Seeds `db` through the library (a server on it for a moment, with `issuer`, the address
/// the process-run servers will have).
pub async fn seed(db: &TestDb, issuer: &str) -> Seeded {
    use figment::providers::Serialized;
    let issuer = issuer.to_owned();
    let app =
        super::TestApp::spawn_with(db, move |f| f.merge(Serialized::default("issuer", issuer)))
            .await;
    let person = super::oidc::seeded_person(&app).await;
    let (client_id, secret) =
        super::oidc::register(&app, super::oidc::web_client("Tax Board")).await;
    super::oidc::consent(&app, &person, &client_id, "openid profile").await;
    let (browser, _) =
        super::oidc::signed_in_browser(&app, &person, "urn:civitas:loa:substantial").await;
    app.stop().await;
    Seeded {
        person,
        client_id,
        secret: secret.expect("a confidential client"),
        browser,
    }
}

impl Load {
    pub fn new(base: &str, seeded: &Seeded, t: Arc<Tally>) -> Arc<Self> {
        Arc::new(Load {
            base: base.to_owned(),
            browser: seeded.browser.clone(),
            client_id: seeded.client_id.clone(),
            secret: seeded.secret.clone(),
            stop: AtomicBool::new(false),
            t,
        })
    }
}

async fn count(db: &civitas::store::Db, sql: &'static str, bind: &str) -> i64 {
    civitas::on_db!(db, |p| sqlx::query_scalar(sql)
        .bind(bind)
        .fetch_one(p)
        .await)
    .unwrap()
}

/// Every acknowledged write is in the database, with its ledger record, and the ledger
/// verifies. Returns what was checked, in words.
pub async fn verify_acknowledged(db: &TestDb, person: &str, t: &Tally) -> String {
    let store = civitas::store::Db::connect(&civitas::config::DatabaseConfig {
        url: db.url.clone(),
        max_connections: 2,
        acquire_timeout: Duration::from_secs(10),
    })
    .await
    .expect("connect to verify");
    let hashes = t.refresh_hashes.lock().unwrap().clone();
    let mut found = 0;
    for h in &hashes {
        found += count(
            &store,
            "SELECT COUNT(*) FROM tokens WHERE token_hash = $1 AND kind = 'refresh'",
            h,
        )
        .await;
    }
    assert_eq!(found as usize, hashes.len(), "every acknowledged rotation");
    let releases = count(
        &store,
        "SELECT COUNT(*) FROM releases WHERE person_id = $1 AND channel = 'id_token'",
        person,
    )
    .await;
    let redemptions = t.redemptions.load(Ordering::Relaxed);
    assert!(
        releases as usize >= redemptions,
        "{releases} releases in the ledger, {redemptions} acknowledged"
    );
    let recorded = count(
        &store,
        "SELECT COUNT(*) FROM security_events WHERE person_id = $1 AND kind = 'consent_withdrawn'",
        person,
    )
    .await;
    let withdrawals = t.withdrawals.load(Ordering::Relaxed);
    assert!(
        recorded as usize >= withdrawals,
        "{recorded} withdrawals recorded, {withdrawals} acknowledged"
    );
    store.close().await;
    let out = db.civitas(&["ledger", "verify"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    format!(
        "{} operations attempted, {} acknowledged, {} refused by design, {} failed; verified intact: {} rotations, \
         {redemptions} redemptions ({releases} releases), {withdrawals} withdrawals ({recorded} \
         recorded), {} consents; ledger verified",
        t.attempted.load(Ordering::Relaxed),
        t.acknowledged.load(Ordering::Relaxed),
        t.refused.load(Ordering::Relaxed),
        t.interrupted.load(Ordering::Relaxed),
        hashes.len(),
        t.consents.load(Ordering::Relaxed),
    )
}
