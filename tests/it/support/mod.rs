//! Test helpers: a fresh database per test (SQLite always, PostgreSQL when available), the
//! real application built by `app::build_with_clock` on `127.0.0.1:0`, and a clock tests can
//! move forward.

pub mod admin;
pub mod fapi;
pub mod load;
pub mod node_rp;
pub mod oidc;
pub mod portal;
pub mod postgres;
pub mod saml;
pub mod saml_sp;

use std::{
    path::{Path, PathBuf},
    sync::{
        Arc,
        atomic::{AtomicI64, Ordering},
    },
};

use civitas::{
    app::{self, AppState},
    clock::{Clock, SystemClock},
    config::Config,
};
use figment::providers::Serialized;
use tempfile::TempDir;

/// Generates one test per database from `async fn NAME(db: TestDb)` functions.
#[macro_export]
macro_rules! on_both_databases {
    ($($name:ident),* $(,)?) => {
        mod sqlite {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $name() {
                    let db = $crate::support::TestDb::sqlite();
                    super::$name(db).await
                }
            )*
        }
        mod postgres {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $name() {
                    let Some(db) = $crate::support::TestDb::postgres().await else { return };
                    super::$name(db).await
                }
            )*
        }
    };
}

/// A fresh, empty database and a folder for the signing keys that go with it.
pub struct TestDb {
    pub url: String,
    pub dir: TempDir,
}

/// reqwest is built without a default TLS provider (Civitas installs ring at start-up); tests
/// that build HTTP clients before any server starts install it here.
pub fn install_tls_provider() {
    let _ = rustls::crypto::ring::default_provider().install_default();
}

impl TestDb {
    pub fn sqlite() -> Self {
        install_tls_provider();
        let dir = tempfile::tempdir().expect("temp dir");
        let url = format!("sqlite:{}", dir.path().join("civitas.db").display());
        Self { url, dir }
    }

    pub async fn postgres() -> Option<Self> {
        install_tls_provider();
        let url = postgres::fresh_database().await?;
        Some(Self {
            url,
            dir: tempfile::tempdir().expect("temp dir"),
        })
    }

    pub fn keys_dir(&self) -> PathBuf {
        self.dir.path().join("keys")
    }

    /// Environment variables that point the `civitas` binary at this database and key folder.
    pub fn env(&self) -> Vec<(&'static str, String)> {
        vec![
            ("CIVITAS_DATABASE__URL", self.url.clone()),
            ("CIVITAS_KEYS__DIR", self.keys_dir().display().to_string()),
            ("CIVITAS_LOG__FILTER", "warn".into()),
            ("CIVITAS_LISTEN", "127.0.0.1:0".into()),
        ]
    }

    /// Runs the `civitas` binary against this database.
    pub fn civitas(&self, args: &[&str]) -> std::process::Output {
        self.civitas_with(args, &[])
    }

    /// Runs the `civitas` binary against this database with extra environment variables.
    pub fn civitas_with(&self, args: &[&str], extra: &[(&str, &str)]) -> std::process::Output {
        // `timeout`: a command that should fail but serves instead must not hang the suite.
        let mut cmd = std::process::Command::new("timeout");
        cmd.arg("120")
            .arg(env!("CARGO_BIN_EXE_civitas"))
            .args(args)
            .current_dir(self.dir.path())
            .env_remove("CIVITAS_CONFIG");
        for (k, v) in self.env() {
            cmd.env(k, v);
        }
        cmd.envs(extra.iter().copied());
        cmd.output().expect("run civitas")
    }
}

/// System time plus an offset the test controls.
#[derive(Default)]
pub struct ManualClock(AtomicI64);

impl ManualClock {
    pub fn advance(&self, secs: i64) {
        self.0.fetch_add(secs, Ordering::SeqCst);
    }
}

impl Clock for ManualClock {
    fn now(&self) -> i64 {
        SystemClock.now() + self.0.load(Ordering::SeqCst)
    }
}

/// A running server.
pub struct TestApp {
    pub base: String,
    pub state: AppState,
    pub clock: Arc<ManualClock>,
    pub client: reqwest::Client,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
    task: Option<tokio::task::JoinHandle<anyhow::Result<()>>>,
}

impl TestApp {
    pub async fn spawn(db: &TestDb) -> Self {
        Self::spawn_with(db, |f| f).await
    }

    /// Spawns with configuration changes, e.g. `|f| f.merge(("keys.refresh_secs", 1))`.
    pub async fn spawn_with(
        db: &TestDb,
        tweak: impl FnOnce(figment::Figment) -> figment::Figment,
    ) -> Self {
        Self::spawn_configured(db, tweak, |_| {}).await
    }

    /// Spawns with the demo outbox instead of SMTP (what `serve --demo` does).
    pub async fn spawn_with_outbox(db: &TestDb) -> Self {
        Self::spawn_configured(db, |f| f, |c| c.mail.outbox = true).await
    }

    /// Spawns with changes to the layered sources and then to the validated configuration.
    pub async fn spawn_configured(
        db: &TestDb,
        tweak: impl FnOnce(figment::Figment) -> figment::Figment,
        adjust: impl FnOnce(&mut Config),
    ) -> Self {
        // Errors the server logs appear with a failing test's output.
        civitas::telemetry::init(&civitas::config::LogConfig {
            format: civitas::config::LogFormat::Text,
            filter: std::env::var("CIVITAS_TEST_LOG").unwrap_or_else(|_| "civitas=warn".into()),
        });
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind");
        let addr = listener.local_addr().expect("addr");
        // A host name, not an IP: browsers (and WebAuthn) refuse IP addresses as RP IDs.
        let base = format!("http://localhost:{}", addr.port());
        let figment = Config::defaults()
            .merge(Serialized::default("listen", addr.to_string()))
            .merge(Serialized::default("issuer", &base))
            .merge(Serialized::default("database.url", &db.url))
            .merge(Serialized::default("keys.dir", db.keys_dir()));
        let mut config = Config::from_figment(tweak(figment)).expect("test config");
        adjust(&mut config);
        let clock = Arc::new(ManualClock::default());
        let app = app::build_with_clock(config, clock.clone())
            .await
            .expect("build app");
        let state = app.state.clone();
        inject_conflicts(&db.url).await;
        let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
        let task = tokio::spawn(app::serve(app, listener, async {
            let _ = stopped.await;
        }));
        Self {
            base,
            state,
            clock,
            client: client(),
            stop: Some(stop),
            task: Some(task),
        }
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    pub async fn get(&self, path: &str) -> reqwest::Response {
        self.client.get(self.url(path)).send().await.expect("GET")
    }

    pub async fn jwks_kids(&self) -> Vec<String> {
        let body: serde_json::Value = self.get("/jwks").await.json().await.expect("jwks json");
        let mut kids: Vec<String> = body["keys"]
            .as_array()
            .expect("keys array")
            .iter()
            .map(|k| k["kid"].as_str().expect("kid").to_owned())
            .collect();
        kids.sort();
        kids
    }

    /// Stops the server gracefully and waits for it.
    pub async fn stop(mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(task) = self.task.take() {
            task.await.expect("server task").expect("server result");
        }
    }
}

/// With `CIVITAS_TEST_INJECT_CONFLICTS=P` (0 < P ≤ 1), on PostgreSQL: from now on the
/// database fails each explicit transaction with probability P at its commit, with a
/// serialization failure or a deadlock (`tests/fixtures/inject_conflicts.sql`). Civitas must
/// retry every one of them; the suite run this way must still pass.
async fn inject_conflicts(url: &str) {
    let Ok(p) = std::env::var("CIVITAS_TEST_INJECT_CONFLICTS") else {
        return;
    };
    let p: f64 = p
        .parse()
        .ok()
        .filter(|p| *p > 0.0 && *p <= 1.0)
        .expect("CIVITAS_TEST_INJECT_CONFLICTS is a probability in (0, 1]");
    if !url.starts_with("postgres") {
        return;
    }
    use sqlx::{Connection, Executor};
    let sql =
        include_str!("../../fixtures/inject_conflicts.sql").replace(":probability", &p.to_string());
    let mut conn = sqlx::PgConnection::connect(url)
        .await
        .expect("connect to inject conflicts");
    // Installed once per database (a second instance on it finds the triggers there).
    let installed: bool = sqlx::query_scalar(
        "SELECT EXISTS (SELECT 1 FROM pg_trigger WHERE tgname = 'civitas_test_inject')",
    )
    .fetch_one(&mut conn)
    .await
    .expect("look for the injection triggers");
    if !installed {
        conn.execute(sqlx::raw_sql(sqlx::AssertSqlSafe(sql)))
            .await
            .expect("install the conflict injection");
    }
}

/// An HTTP client like a browser's: cookies kept, redirects not followed (tests look at each hop).
pub fn client() -> reqwest::Client {
    reqwest::Client::builder()
        .cookie_store(true)
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .expect("client")
}

/// A page's status and text, asked for in `lang` (`Accept-Language`).
pub async fn page_in(
    browser: &reqwest::Client,
    app: &TestApp,
    path: &str,
    lang: &str,
) -> (u16, String) {
    let r = browser
        .get(app.url(path))
        .header("accept-language", lang)
        .send()
        .await
        .unwrap();
    (r.status().as_u16(), r.text().await.unwrap())
}

pub fn write_file(dir: &Path, name: &str, text: &str) -> PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, text).expect("write file");
    path
}
