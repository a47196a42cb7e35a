//! Several instances on one database, as behind a load balancer: a sign-in started on one
//! completes on the other, a throttle reached across both holds on both, and the ledger is
//! checkpointed once per interval across both. Then the topology of `scripts/cluster.sh` (a
//! PostgreSQL primary with a synchronous standby, two instances, nginx): the primary dies
//! under load, the standby is promoted, and every acknowledged write is on the new primary.

use std::{
    path::{Path, PathBuf},
    process::Command,
    sync::{
        Arc, Mutex,
        atomic::{AtomicBool, AtomicUsize, Ordering},
    },
    time::{Duration, Instant},
};

use civitas::crypto::secrets::sha256_b64;
use figment::providers::Serialized;
use serde_json::Value;
use sqlx::{Connection, PgConnection};

use crate::{
    instances::{Pair, pair},
    on_both_databases,
    otp::{activated, last_code},
    support::{
        TestApp, TestDb, client,
        oidc::{REDIRECT, authorize_url, consent, pkce, register, seeded_person, web_client},
    },
};

on_both_databases!(
    a_sign_in_started_on_one_instance_completes_on_the_other,
    a_throttle_reached_across_two_instances_holds_on_both,
    two_instances_sign_one_ledger_checkpoint_per_interval,
);

/// Two instances with the demo outbox, behind one issuer (A's address).
async fn two_with_outbox(db: &TestDb) -> (TestApp, TestApp) {
    let a = TestApp::spawn_with_outbox(db).await;
    let issuer = a.base.clone();
    let b = TestApp::spawn_configured(
        db,
        move |f| f.merge(Serialized::default("issuer", issuer)),
        |c| c.mail.outbox = true,
    )
    .await;
    (a, b)
}

fn post(
    browser: &reqwest::Client,
    on: &TestApp,
    issuer: &TestApp,
    path: &str,
    form: &[(&str, &str)],
) -> reqwest::RequestBuilder {
    browser
        .post(on.url(path))
        .header("origin", issuer.base.clone())
        .form(form)
}

fn national_id() -> String {
    civitas::demo::population()[0]
        .national_id
        .as_str()
        .to_owned()
}

async fn a_sign_in_started_on_one_instance_completes_on_the_other(db: TestDb) {
    let (a, b) = two_with_outbox(&db).await;
    let person = seeded_person(&a).await;
    activated(&a, &person).await;
    let (client_id, secret) = register(&a, web_client("Tax Board")).await;
    consent(&a, &person, &client_id, "openid profile").await;
    let browser = client();

    // The authorization request and the code request on A …
    let (verifier, challenge) = pkce();
    let r = browser
        .get(authorize_url(&a, &client_id, &challenge, &[]))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 303);
    let waiting = r.headers()["location"]
        .to_str()
        .unwrap()
        .split("continue=")
        .nth(1)
        .expect("the sign-in page carries the request")
        .to_owned();
    let nid = national_id();
    let r = post(
        &browser,
        &a,
        &a,
        "/signin/code",
        &[("national_id", &nid), ("continue", &waiting)],
    )
    .send()
    .await
    .unwrap();
    assert_eq!(r.status(), 303);
    let code = last_code(&a);

    // … the code entered on B, the request resumed on B, the code redeemed on A.
    let r = post(
        &browser,
        &b,
        &a,
        "/signin/code/verify",
        &[("code", &code), ("continue", &waiting)],
    )
    .send()
    .await
    .unwrap();
    assert_eq!(r.status(), 303, "{}", r.text().await.unwrap_or_default());
    let resume = r.headers()["location"].to_str().unwrap().to_owned();
    assert_eq!(resume, format!("/authorize/resume?continue={waiting}"));
    let r = browser.get(b.url(&resume)).send().await.unwrap();
    assert_eq!(r.status(), 303);
    let location = url::Url::parse(r.headers()["location"].to_str().unwrap()).unwrap();
    assert!(location.as_str().starts_with(REDIRECT), "{location}");
    let auth_code = location
        .query_pairs()
        .find(|(k, _)| k == "code")
        .map(|(_, v)| v.into_owned())
        .expect("a code");
    let (status, tokens) = crate::support::oidc::token_request(
        &a,
        &client_id,
        secret.as_deref().unwrap(),
        &[
            ("grant_type", "authorization_code"),
            ("code", &auth_code),
            ("redirect_uri", REDIRECT),
            ("code_verifier", &verifier),
        ],
    )
    .await;
    assert_eq!(status, 200, "{tokens}");
    assert!(tokens["id_token"].is_string());
}

async fn a_throttle_reached_across_two_instances_holds_on_both(db: TestDb) {
    let (a, b) = two_with_outbox(&db).await;
    let person = seeded_person(&a).await;
    activated(&a, &person).await;
    let browser = client();
    let nid = national_id();
    let r = post(
        &browser,
        &a,
        &a,
        "/signin/code",
        &[("national_id", &nid), ("continue", "")],
    )
    .send()
    .await
    .unwrap();
    assert_eq!(r.status(), 303);
    let right = last_code(&a);

    // Wrong codes, alternating between the instances: six in all, three on each. Per
    // instance that is under the five free failures; together it is over.
    let mut statuses = Vec::new();
    for i in 0..6 {
        let on = if i % 2 == 0 { &a } else { &b };
        let r = post(
            &browser,
            on,
            &a,
            "/signin/code/verify",
            &[("code", "11111111"), ("continue", "")],
        )
        .send()
        .await
        .unwrap();
        statuses.push(r.status().as_u16());
    }
    assert_eq!(statuses.last(), Some(&429), "{statuses:?}");
    for on in [&a, &b] {
        let r = post(
            &browser,
            on,
            &a,
            "/signin/code/verify",
            &[("code", "22222222"), ("continue", "")],
        )
        .send()
        .await
        .unwrap();
        assert_eq!(r.status(), 429, "locked on {}", on.base);
        assert!(r.headers().contains_key("retry-after"));
    }
    // The code that was guessed at is spent on both.
    for on in [&b, &a] {
        let r = post(
            &browser,
            on,
            &a,
            "/signin/code/verify",
            &[("code", &right), ("continue", "")],
        )
        .send()
        .await
        .unwrap();
        assert_eq!(r.status(), 429, "a code guessed at too often is spent");
    }
}

async fn checkpoint_times(db: &civitas::store::Db) -> Vec<i64> {
    let sql = "SELECT created_at FROM ledger_checkpoints ORDER BY seq";
    civitas::on_db!(db, |p| sqlx::query_scalar(sql).fetch_all(p).await).unwrap()
}

async fn two_instances_sign_one_ledger_checkpoint_per_interval(db: TestDb) {
    const INTERVAL: i64 = 2;
    let tweak = |f: figment::Figment| {
        f.merge(Serialized::default(
            "ledger.checkpoint_interval_secs",
            INTERVAL,
        ))
    };
    let a = TestApp::spawn_with(&db, tweak).await;
    let issuer = a.base.clone();
    let b = TestApp::spawn_with(&db, move |f| {
        tweak(f).merge(Serialized::default("issuer", issuer))
    })
    .await;
    let person = seeded_person(&a).await;
    let (client_id, secret) = register(&a, web_client("Tax Board")).await;
    consent(&a, &person, &client_id, "openid profile").await;
    let p = Pair::new(a, b, db, &person, client_id, secret.unwrap()).await;

    // Releases (ledger records) keep coming for three intervals and a half.
    let until = Instant::now() + Duration::from_millis(3500 * INTERVAL as u64);
    let mut released = 0;
    while Instant::now() < until {
        let body = p.tokens().await;
        assert!(body["id_token"].is_string());
        released += 1;
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let times = checkpoint_times(&p.a.state.db).await;
    assert!(released > 10, "{released}");
    assert!(
        times.len() >= 3,
        "a checkpoint in every interval that had records: {times:?}"
    );
    let mut slots: Vec<i64> = times.iter().map(|t| t / INTERVAL).collect();
    slots.dedup();
    assert_eq!(
        slots.len(),
        times.len(),
        "one checkpoint per interval across both instances: {times:?}"
    );
    let out = p.db.civitas(&["ledger", "verify"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

// ---- the cluster: scripts/cluster.sh ----

/// A cluster started by `scripts/cluster.sh` in a temporary folder, stopped when dropped.
pub(crate) struct Cluster {
    dir: tempfile::TempDir,
    env: std::collections::HashMap<String, String>,
}

fn script() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("scripts/cluster.sh")
}

fn nginx_available() -> bool {
    Command::new("sh")
        .args(["-c", "command -v nginx || test -x /usr/sbin/nginx"])
        .output()
        .is_ok_and(|o| o.status.success())
}

impl Cluster {
    /// `None` (after a loud message) when PostgreSQL or nginx is missing and not required.
    pub(crate) fn start(args: &[&str]) -> Option<Self> {
        let required = std::env::var("CIVITAS_REQUIRE_POSTGRES").is_ok_and(|v| v == "1");
        let have_pg = Command::new("sh")
            .args([
                "-c",
                "command -v pg_ctl || ls /usr/lib/postgresql/*/bin/pg_ctl",
            ])
            .output()
            .is_ok_and(|o| o.status.success());
        if !have_pg || !nginx_available() {
            assert!(
                !required,
                "CIVITAS_REQUIRE_POSTGRES=1 but PostgreSQL or nginx is missing"
            );
            eprintln!("\n!!! SKIPPING a cluster test: PostgreSQL's server or nginx is missing\n");
            return None;
        }
        let dir = tempfile::Builder::new()
            .prefix("civitas-cluster-")
            .tempdir()
            .unwrap();
        // The postgres user (when run as root) must reach the folder.
        let _ = Command::new("chmod").arg("755").arg(dir.path()).status();
        let out = Command::new(script())
            .arg("start")
            .args(args)
            .arg(dir.path())
            .env("CLUSTER_CIVITAS_BIN", env!("CARGO_BIN_EXE_civitas"))
            .env("CIVITAS_LOG__FILTER", "civitas=warn")
            .output()
            .unwrap();
        let cluster = Cluster {
            env: read_env(&dir.path().join("env")),
            dir,
        };
        assert!(
            out.status.success(),
            "cluster.sh start: {}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        Some(cluster)
    }

    pub(crate) fn run(&self, args: &[&str]) {
        let out = Command::new(script())
            .args(args)
            .arg(self.dir.path())
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "cluster.sh {args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }

    pub(crate) fn var(&self, name: &str) -> &str {
        self.env
            .get(name)
            .unwrap_or_else(|| panic!("{name} in the cluster's env"))
    }
}

impl Drop for Cluster {
    fn drop(&mut self) {
        let _ = Command::new(script())
            .arg("stop")
            .arg(self.dir.path())
            .output();
    }
}

fn read_env(path: &Path) -> std::collections::HashMap<String, String> {
    std::fs::read_to_string(path)
        .unwrap_or_default()
        .lines()
        .filter_map(|l| l.split_once('='))
        .map(|(k, v)| (k.to_owned(), v.trim_matches('\'').to_owned()))
        .collect()
}

async fn status_of(http: &reqwest::Client, url: &str) -> u16 {
    match http.get(url).timeout(Duration::from_secs(3)).send().await {
        Ok(r) => r.status().as_u16(),
        Err(_) => 0,
    }
}

/// Waits until `url` answers `want`; the seconds it took.
async fn until_status(http: &reqwest::Client, url: &str, want: u16, limit: Duration) -> f64 {
    let start = Instant::now();
    loop {
        let got = status_of(http, url).await;
        if got == want {
            return start.elapsed().as_secs_f64();
        }
        assert!(
            start.elapsed() < limit,
            "{url} still answers {got} after {limit:?}, not {want}"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// The whole topology, as processes: readiness through nginx, an instance killed and the
/// other serving, the primary crashed (both instances unready), the standby promoted (ready
/// again by themselves).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_cluster_script_serves_through_nginx_and_survives_an_instance_and_a_primary() {
    let Some(cluster) = Cluster::start(&[]) else {
        return;
    };
    let http = reqwest::Client::new();
    let proxy = cluster.var("PROXY_URL").to_owned();
    let discovery: Value = http
        .get(format!("{proxy}/.well-known/openid-configuration"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(discovery["issuer"], proxy.as_str());
    assert_eq!(status_of(&http, &format!("{proxy}/metrics")).await, 404);

    cluster.run(&["kill-instance", "1"]);
    for _ in 0..10 {
        assert_eq!(status_of(&http, &format!("{proxy}/readyz")).await, 200);
    }
    cluster.run(&["restart-instance", "1"]);

    cluster.run(&["fail-primary"]);
    for n in ["INSTANCE_1_URL", "INSTANCE_2_URL"] {
        let url = format!("{}/readyz", cluster.var(n));
        until_status(&http, &url, 503, Duration::from_secs(10)).await;
    }
    cluster.run(&["promote"]);
    for n in ["INSTANCE_1_URL", "INSTANCE_2_URL"] {
        let url = format!("{}/readyz", cluster.var(n));
        until_status(&http, &url, 200, Duration::from_secs(20)).await;
    }
    assert_eq!(status_of(&http, &format!("{proxy}/readyz")).await, 200);
}

/// What the load below saw.
#[derive(Default)]
struct Tally {
    attempted: AtomicUsize,
    acknowledged: AtomicUsize,
    interrupted: AtomicUsize,
    /// Every refresh token handed out (acknowledged), by hash.
    refresh_hashes: Mutex<Vec<String>>,
    /// Acknowledged code redemptions (each one release record).
    releases: AtomicUsize,
}

/// Refreshes in a loop, always with the newest refresh token it was given. A rotation that
/// failed in doubt (the primary died during its commit) leaves a token that may be spent:
/// the worker then stops, as a relying party would start a new sign-in.
async fn refresher(p: Arc<Pair>, on_b: bool, start: String, stop: Arc<AtomicBool>, t: Arc<Tally>) {
    let mut token = start;
    while !stop.load(Ordering::Relaxed) {
        t.attempted.fetch_add(1, Ordering::Relaxed);
        let on = if on_b { &p.b } else { &p.a };
        let (status, body) = p.refresh(on, &token).await;
        if status == 200 {
            token = body["refresh_token"].as_str().unwrap().to_owned();
            t.refresh_hashes.lock().unwrap().push(sha256_b64(&token));
            t.acknowledged.fetch_add(1, Ordering::Relaxed);
        } else {
            t.interrupted.fetch_add(1, Ordering::Relaxed);
            assert!(
                [400, 500, 503].contains(&status),
                "a clean failure, not {status}: {body}"
            );
            if status == 400 {
                return;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }
}

/// Redeems codes in a loop; each acknowledged redemption is a release in the ledger.
async fn redeemer(p: Arc<Pair>, stop: Arc<AtomicBool>, t: Arc<Tally>) {
    while !stop.load(Ordering::Relaxed) {
        t.attempted.fetch_add(1, Ordering::Relaxed);
        let (verifier, challenge) = pkce();
        let r = p
            .browser
            .get(authorize_url(&p.a, &p.client_id, &challenge, &[]))
            .send()
            .await;
        let code = r.ok().filter(|r| r.status() == 303).and_then(|r| {
            let location = url::Url::parse(r.headers()["location"].to_str().ok()?).ok()?;
            location
                .query_pairs()
                .find(|(k, _)| k == "code")
                .map(|(_, v)| v.into_owned())
        });
        let Some(code) = code else {
            t.interrupted.fetch_add(1, Ordering::Relaxed);
            tokio::time::sleep(Duration::from_millis(100)).await;
            continue;
        };
        let (status, _) = p.redeem(&p.b, &code, &verifier).await;
        if status == 200 {
            t.acknowledged.fetch_add(1, Ordering::Relaxed);
            t.releases.fetch_add(1, Ordering::Relaxed);
        } else {
            t.interrupted.fetch_add(1, Ordering::Relaxed);
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }
}

/// The primary crashes under load and the standby is promoted: Civitas finds the new primary
/// by itself, `/readyz` is 503 in between, failures are clean, and every acknowledged
/// refresh-token rotation and release is on the new primary, the ledger intact.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_primary_failover_under_load_loses_no_acknowledged_write() {
    let Some(cluster) = Cluster::start(&["--database-only"]) else {
        return;
    };
    let db = TestDb {
        url: cluster.var("DATABASE_URL").to_owned(),
        dir: tempfile::tempdir().unwrap(),
    };
    let p = Arc::new(pair(db).await);
    let (stop, tally) = (Arc::new(AtomicBool::new(false)), Arc::new(Tally::default()));
    let mut workers = Vec::new();
    for i in 0..6 {
        let first = p.tokens().await["refresh_token"]
            .as_str()
            .unwrap()
            .to_owned();
        workers.push(tokio::spawn(refresher(
            p.clone(),
            i % 2 == 1,
            first,
            stop.clone(),
            tally.clone(),
        )));
    }
    for _ in 0..2 {
        workers.push(tokio::spawn(redeemer(
            p.clone(),
            stop.clone(),
            tally.clone(),
        )));
    }
    let http = reqwest::Client::new();
    tokio::time::sleep(Duration::from_secs(2)).await;
    let before = tally.acknowledged.load(Ordering::Relaxed);
    assert!(before > 0, "the load runs before the failure");

    cluster.run(&["fail-primary"]);
    let unready = until_status(&http, &p.a.url("/readyz"), 503, Duration::from_secs(10)).await;
    tokio::time::sleep(Duration::from_secs(1)).await;
    cluster.run(&["promote"]);
    let ready = until_status(&http, &p.a.url("/readyz"), 200, Duration::from_secs(20)).await;
    until_status(&http, &p.b.url("/readyz"), 200, Duration::from_secs(20)).await;
    let at_promotion = tally.acknowledged.load(Ordering::Relaxed);
    tokio::time::sleep(Duration::from_secs(2)).await;
    stop.store(true, Ordering::Relaxed);
    for w in workers {
        w.await.unwrap();
    }
    let after = tally.acknowledged.load(Ordering::Relaxed);
    assert!(
        after > at_promotion,
        "writes go on after the promotion without a restart"
    );

    // Everything acknowledged is on the new primary.
    let mut new_primary = PgConnection::connect(cluster.var("STANDBY_URL"))
        .await
        .unwrap();
    let hashes = tally.refresh_hashes.lock().unwrap().clone();
    let found: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM tokens WHERE token_hash = ANY($1) AND kind = 'refresh'",
    )
    .bind(&hashes)
    .fetch_one(&mut new_primary)
    .await
    .unwrap();
    assert_eq!(found as usize, hashes.len(), "every acknowledged rotation");
    let released: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM releases")
        .fetch_one(&mut new_primary)
        .await
        .unwrap();
    let acknowledged_releases = tally.releases.load(Ordering::Relaxed) + 6;
    assert!(
        released as usize >= acknowledged_releases,
        "{released} releases recorded, {acknowledged_releases} acknowledged"
    );
    let out = p.db.civitas(&["ledger", "verify"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    eprintln!(
        "failover: {} requests attempted, {} acknowledged ({} after the promotion), {} failed cleanly, \
         {} acknowledged rotations and {} releases verified on the new primary; unready after {unready:.1} s, \
         ready {ready:.1} s after the promotion",
        tally.attempted.load(Ordering::Relaxed),
        after,
        after - at_promotion,
        tally.interrupted.load(Ordering::Relaxed),
        hashes.len(),
        released,
    );
}
