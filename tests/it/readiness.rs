//! `/readyz` follows the database: 503 while it cannot be reached, 200 again when it returns.

use std::{
    sync::{
        Arc,
        atomic::{AtomicBool, Ordering},
    },
    time::Duration,
};

use tokio::net::{TcpListener, TcpStream};

use crate::support::{TestApp, TestDb};

/// A TCP relay between Civitas and PostgreSQL that the test can cut and restore, as a network
/// failure would.
struct Relay {
    port: u16,
    up: Arc<AtomicBool>,
    /// Bumped on every cut so relayed connections notice and close.
    generation: Arc<tokio::sync::watch::Sender<u64>>,
}

impl Relay {
    async fn start(target: String) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let port = listener.local_addr().unwrap().port();
        let up = Arc::new(AtomicBool::new(true));
        let generation = Arc::new(tokio::sync::watch::channel(0u64).0);
        let (up2, gen2) = (up.clone(), generation.clone());
        tokio::spawn(async move {
            loop {
                let Ok((mut inbound, _)) = listener.accept().await else {
                    break;
                };
                if !up2.load(Ordering::SeqCst) {
                    drop(inbound);
                    continue;
                }
                let target = target.clone();
                let mut cut = gen2.subscribe();
                tokio::spawn(async move {
                    let Ok(mut outbound) = TcpStream::connect(&target).await else {
                        return;
                    };
                    tokio::select! {
                        _ = tokio::io::copy_bidirectional(&mut inbound, &mut outbound) => {}
                        _ = cut.changed() => {}
                    }
                });
            }
        });
        Self {
            port,
            up,
            generation,
        }
    }

    fn cut(&self) {
        self.up.store(false, Ordering::SeqCst);
        self.generation.send_modify(|g| *g += 1);
    }

    fn restore(&self) {
        self.up.store(true, Ordering::SeqCst);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn readyz_reports_503_while_postgres_is_unreachable_and_recovers() {
    let Some(db) = TestDb::postgres().await else {
        return;
    };
    let real = url::Url::parse(&db.url).unwrap();
    let relay = Relay::start(format!(
        "{}:{}",
        real.host_str().unwrap(),
        real.port().unwrap_or(5432)
    ))
    .await;
    let mut via_relay = real.clone();
    via_relay.set_port(Some(relay.port)).unwrap();
    let db = TestDb {
        url: via_relay.to_string(),
        ..db
    };
    let app = TestApp::spawn_with(&db, |f| f.merge(("database.acquire_timeout_secs", 1))).await;

    assert_eq!(app.get("/readyz").await.status(), 200);

    relay.cut();
    let down = app.get("/readyz").await;
    assert_eq!(down.status(), 503);
    let body: serde_json::Value = down.json().await.unwrap();
    assert_eq!(body["database"], "unreachable");
    assert_eq!(
        app.get("/healthz").await.status(),
        200,
        "the process itself is alive"
    );

    relay.restore();
    let mut status = 0;
    for _ in 0..50 {
        status = app.get("/readyz").await.status().as_u16();
        if status == 200 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert_eq!(status, 200, "readiness returns with the database");
    app.stop().await;
}

#[tokio::test]
async fn readyz_is_200_with_a_reachable_sqlite_database() {
    let db = TestDb::sqlite();
    let app = TestApp::spawn(&db).await;
    let r = app.get("/readyz").await;
    assert_eq!(r.status(), 200);
    assert_eq!(
        r.json::<serde_json::Value>().await.unwrap()["status"],
        "ready"
    );
    app.stop().await;
}

/// `civitas health`, the image's healthcheck: exit 0 for a ready server, 1 (saying why) for
/// one that does not answer.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_health_command_asks_readyz() {
    let db = TestDb::sqlite();
    let app = TestApp::spawn(&db).await;
    let out = db.civitas(&["health", "--url", &app.base]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(String::from_utf8_lossy(&out.stdout).starts_with("ready:"));
    app.stop().await;

    let closed = format!("http://127.0.0.1:{}", crate::support::postgres::free_port());
    let out = db.civitas(&["health", "--url", &closed]);
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("/readyz does not answer"), "{err}");
}
