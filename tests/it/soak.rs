//! The soak: mixed traffic (sign-ins, code redemptions, refresh rotations, consent withdrawn
//! and given on the account and consent pages) against two instances on PostgreSQL, a primary
//! with a synchronous standby (`scripts/cluster.sh start --database-only`). A third of the way
//! in, instance 2 is killed (SIGKILL) and started again; halfway, the primary crashes and the
//! standby is promoted. At the end no acknowledged write is missing and the ledger verifies;
//! errors and latency are reported per period (a minute in the long form).
//!
//! CI runs a 40-second form. The 10-minute form, whose table goes into BENCHMARKS.md (through
//! `bench/soak.md`, which `bench/run.sh` includes):
//!
//! ```sh
//! CIVITAS_TEST_SOAK_SECS=600 CIVITAS_TEST_SOAK_OUT=bench/soak.md \
//!   cargo test --test it soak -- --nocapture
//! ```

use std::{
    fmt::Write as _,
    sync::{Arc, atomic::Ordering},
    time::{Duration, Instant},
};

use crate::{
    scale_out::Cluster,
    support::{
        TestDb,
        load::{Load, Server, Tally, seed, verify_acknowledged},
        postgres::free_port,
    },
};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn soak_two_instances_through_a_restart_and_a_failover() {
    let secs: u64 = std::env::var("CIVITAS_TEST_SOAK_SECS")
        .ok()
        .map(|s| {
            s.parse()
                .expect("CIVITAS_TEST_SOAK_SECS is a number of seconds")
        })
        .unwrap_or(40);
    let period = Duration::from_secs(if secs >= 300 { 60 } else { 10 });
    let Some(cluster) = Cluster::start(&["--database-only"]) else {
        return;
    };
    let db = TestDb {
        url: cluster.var("DATABASE_URL").to_owned(),
        dir: tempfile::tempdir().unwrap(),
    };
    let ports = [free_port(), free_port()];
    let issuer = format!("http://localhost:{}", ports[0]);
    let seeded = seed(&db, &issuer).await;
    let mut servers: Vec<Server> = ports
        .iter()
        .map(|&port| Server {
            port,
            base: format!("http://localhost:{port}"),
            child: Some(Server::start_as(&db, port, &issuer)),
        })
        .collect();
    for s in &servers {
        s.ready(&db).await;
    }

    let tally = Arc::new(Tally::new(period));
    let one = Load::new(&servers[0].base, &seeded, tally.clone());
    let two = Load::new(&servers[1].base, &seeded, tally.clone());
    let mut workers = Vec::new();
    for (load, roles) in [
        (&one, &["refresh", "refresh", "redeem", "consent"][..]),
        (&two, &["refresh", "redeem", "redeem"][..]),
    ] {
        for role in roles {
            let (l, role) = (load.clone(), *role);
            workers.push(tokio::spawn(async move {
                match role {
                    "refresh" => l.refresher().await,
                    "redeem" => l.redeemer().await,
                    _ => l.consenter().await,
                }
            }));
        }
    }

    let start = Instant::now();
    let mut events: Vec<(Duration, String)> = Vec::new();
    tokio::time::sleep(Duration::from_secs(secs / 3)).await;
    servers[1].kill();
    events.push((start.elapsed(), "instance 2 killed (SIGKILL)".into()));
    tokio::time::sleep(Duration::from_millis(500)).await;
    servers[1].child = Some(Server::start_as(&db, ports[1], &issuer));
    servers[1].ready(&db).await;
    events.push((start.elapsed(), "instance 2 serving again".into()));

    tokio::time::sleep(Duration::from_secs(secs / 2).saturating_sub(start.elapsed())).await;
    cluster.run(&["fail-primary"]);
    events.push((start.elapsed(), "the primary crashed".into()));
    tokio::time::sleep(Duration::from_secs(2)).await;
    cluster.run(&["promote"]);
    events.push((start.elapsed(), "the standby promoted".into()));
    for s in &servers {
        s.ready(&db).await;
    }
    events.push((start.elapsed(), "both instances ready".into()));

    tokio::time::sleep(Duration::from_secs(secs).saturating_sub(start.elapsed())).await;
    one.stop.store(true, Ordering::Relaxed);
    two.stop.store(true, Ordering::Relaxed);
    for w in workers {
        w.await.unwrap();
    }
    for s in &mut servers {
        s.kill();
    }
    let summary = verify_acknowledged(&db, &seeded.person, &tally).await;

    let mut table = String::new();
    let _ = writeln!(
        table,
        "| period | acknowledged | refused by design | failed | p50 ms | p90 ms | p99 ms | max ms | events |\n|--:|--:|--:|--:|--:|--:|--:|--:|---|"
    );
    for (i, p) in tally.periods().iter().enumerate() {
        let (from, to) = (period * i as u32, period * (i as u32 + 1));
        let during: Vec<String> = events
            .iter()
            .filter(|(at, _)| *at >= from && *at < to)
            .map(|(at, what)| format!("{what} at {:.1} s", at.as_secs_f64()))
            .collect();
        let _ = writeln!(
            table,
            "| {}–{} s | {} | {} | {} | {:.1} | {:.1} | {:.1} | {:.1} | {} |",
            from.as_secs(),
            to.as_secs(),
            p.ok,
            p.refused,
            p.failed,
            p.quantile_ms(0.5),
            p.quantile_ms(0.9),
            p.quantile_ms(0.99),
            p.quantile_ms(1.0),
            during.join("; ")
        );
    }
    eprintln!("soak, {secs} s: {summary}\n{table}");
    if let Ok(out) = std::env::var("CIVITAS_TEST_SOAK_OUT") {
        let text = format!(
            "Two instances on PostgreSQL (a primary with a synchronous standby, `scripts/cluster.sh \
             start --database-only`), {secs} s of mixed traffic from 7 workers (sign-ins with a live \
             session and code redemptions, refresh rotations, consent withdrawn on the account page \
             and given on the consent page); instance 2 killed and restarted at a third, the primary \
             crashed and the standby promoted halfway. Afterwards: {summary}. Latency: each \
             acknowledged operation (a sign-in with its redemption, a refresh, a withdrawal, a \
             consent with its redirect). Made by `CIVITAS_TEST_SOAK_SECS={secs} CIVITAS_TEST_SOAK_OUT=bench/soak.md \
             cargo test --test it soak -- --nocapture` (the debug build CI tests).\n\n{table}"
        );
        std::fs::write(
            std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(&out),
            text,
        )
        .expect("write the soak report");
    }
    assert!(
        tally.acknowledged.load(Ordering::Relaxed) > 100,
        "the load ran"
    );
}
