//! SIGKILL at random moments under load, then a restart on the same database: nothing that
//! was acknowledged is lost or half-applied. The server runs as its own process (the
//! `civitas` binary); the load (`support::load`) signs in again and again with a live session
//! (authorization request → code), redeems codes (a release in the ledger each), rotates
//! refresh tokens, and withdraws and gives consent through the account and consent pages.
//! After the last restart every acknowledged rotation, release, withdrawal and consent is in
//! the database, with its ledger record, and `civitas ledger verify` passes.

use std::{sync::Arc, time::Duration};

use crate::{
    on_both_databases,
    support::{
        TestDb,
        load::{Load, Server, Tally, seed, verify_acknowledged},
        postgres::free_port,
    },
};

on_both_databases!(sigkill_under_load_loses_no_acknowledged_write);

async fn sigkill_under_load_loses_no_acknowledged_write(db: TestDb) {
    const KILLS: usize = 4;
    let port = free_port();
    let base = format!("http://localhost:{port}");
    let seeded = seed(&db, &base).await;
    let mut server = Server {
        port,
        base: base.clone(),
        child: Some(Server::start(&db, port)),
    };
    server.ready(&db).await;
    let tally = Arc::new(Tally::new(Duration::from_secs(1)));
    let load = Load::new(&base, &seeded, tally.clone());
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
        server.ready(&db).await;
    }
    tokio::time::sleep(Duration::from_millis(1000)).await;
    load.stop.store(true, std::sync::atomic::Ordering::Relaxed);
    for w in workers {
        w.await.unwrap();
    }
    server.kill();
    assert!(
        tally
            .acknowledged
            .load(std::sync::atomic::Ordering::Relaxed)
            > 50,
        "the load ran"
    );
    let summary = verify_acknowledged(&db, &seeded.person, &tally).await;
    eprintln!("sigkill ({}): {KILLS} kills; {summary}", kind(&db));
}

fn kind(db: &TestDb) -> &'static str {
    if db.url.starts_with("sqlite") {
        "SQLite"
    } else {
        "PostgreSQL"
    }
}
