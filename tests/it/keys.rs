//! Signing keys: first start, restart, rotation with pre-publication and a grace period.

use civitas::crypto::Alg;

use crate::{
    on_both_databases,
    support::{TestApp, TestDb},
};

on_both_databases!(
    rotation_publishes_the_next_key_first_and_drops_the_retired_key_after_the_grace_period,
    a_restart_keeps_the_same_keys,
    instances_starting_together_create_one_key_per_algorithm,
);

const PREPUBLISH: i64 = 3600;
const GRACE: i64 = 7200;

async fn rotation_publishes_the_next_key_first_and_drops_the_retired_key_after_the_grace_period(
    db: TestDb,
) {
    let app = TestApp::spawn_with(&db, |f| {
        f.merge(("keys.prepublish_secs", PREPUBLISH))
            .merge(("keys.retire_grace_secs", GRACE))
            .merge(("keys.refresh_secs", 1))
    })
    .await;
    let first = app.jwks_kids().await;
    assert_eq!(first.len(), 2);
    let (es_before, _) = app.state.keys.signing_key(Alg::Es256).await.unwrap();

    // The operator rotates, from another process, as in production.
    let timing = [
        ("CIVITAS_KEYS__PREPUBLISH_SECS", PREPUBLISH.to_string()),
        ("CIVITAS_KEYS__RETIRE_GRACE_SECS", GRACE.to_string()),
    ];
    let timing: Vec<(&str, &str)> = timing.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let out = db.civitas_with(&["keys", "rotate"], &timing);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let printed = String::from_utf8_lossy(&out.stdout);
    assert!(
        printed.contains("ES256: new key")
            && printed.contains("\nRS256: new key")
            && printed.contains("SAML-RS256: new key"),
        "{printed}"
    );

    // A second rotation while a next key waits is refused with a reason.
    let refused = db.civitas(&["keys", "rotate", "--alg", "es256"]);
    assert!(!refused.status.success());
    assert!(String::from_utf8_lossy(&refused.stderr).contains("already waits"));

    // The running server picks the next keys up and publishes them beside the current ones.
    let mut both = Vec::new();
    for _ in 0..50 {
        both = app.jwks_kids().await;
        if both.len() == 4 {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    assert_eq!(both.len(), 4, "old and next keys are published: {both:?}");
    assert!(first.iter().all(|k| both.contains(k)));
    // ...but the next key does not sign yet.
    assert_eq!(
        app.state.keys.signing_key(Alg::Es256).await.unwrap().0,
        es_before
    );

    let listed = db.civitas(&["keys", "list"]);
    let listed = String::from_utf8_lossy(&listed.stdout);
    assert_eq!(listed.matches(" next ").count(), 3, "{listed}");
    assert_eq!(listed.matches(" active ").count(), 3, "{listed}");

    // After the pre-publication period the next key signs; the old one is still published.
    app.clock.advance(PREPUBLISH + 1);
    let (es_after, _) = app.state.keys.signing_key(Alg::Es256).await.unwrap();
    assert_ne!(es_after, es_before);
    assert!(!first.contains(&es_after));
    assert_eq!(app.jwks_kids().await.len(), 4);

    // After the grace period the retired keys leave the JWKS.
    app.clock.advance(GRACE);
    let last = app.jwks_kids().await;
    assert_eq!(last.len(), 2, "{last:?}");
    assert!(last.iter().all(|k| !first.contains(k)));
    assert!(last.contains(&es_after));
    app.stop().await;
}

async fn a_restart_keeps_the_same_keys(db: TestDb) {
    let app = TestApp::spawn(&db).await;
    let before = app.jwks_kids().await;
    app.stop().await;

    let app = TestApp::spawn(&db).await;
    assert_eq!(app.jwks_kids().await, before);
    app.stop().await;
}

#[tokio::test]
async fn a_missing_key_file_stops_start_up_and_names_the_file() {
    let db = TestDb::sqlite();
    let app = TestApp::spawn(&db).await;
    let kid = app.state.keys.signing_key(Alg::Es256).await.unwrap().0;
    app.stop().await;
    std::fs::remove_file(db.keys_dir().join(format!("{kid}.pem"))).unwrap();

    let out = db.civitas(&["serve"]);
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains(&format!("{kid}.pem")), "{err}");
}

async fn instances_starting_together_create_one_key_per_algorithm(db: TestDb) {
    let config = civitas::config::Config::from_figment(
        civitas::config::Config::defaults().merge(("database.url", &db.url)),
    )
    .unwrap();
    let store = civitas::store::Db::connect(&config.database).await.unwrap();
    store.migrate().await.unwrap();
    let dir = civitas::crypto::KeyDir::open(&db.keys_dir()).unwrap();
    let now = 1_800_000_000;
    let runs: Vec<_> = (0..4)
        .map(|_| {
            let (store, dir) = (store.clone(), dir.clone());
            tokio::spawn(async move {
                let subject = civitas::crypto::certificate::Subject::new("localhost");
                civitas::crypto::keyring::ensure_keys(&store, &dir, &subject, now).await
            })
        })
        .collect();
    let mut created = 0;
    for run in runs {
        created += run.await.unwrap().unwrap().len();
    }
    assert_eq!(created, 3, "one ES256, one RS256 and one SAML key in all");
    let rows = civitas::store::signing_keys::find_signing_keys(&store)
        .await
        .unwrap();
    assert_eq!(rows.len(), 3);
    store.close().await;
}

#[tokio::test]
async fn a_next_key_whose_file_is_missing_never_signs_and_readiness_says_so() {
    let db = TestDb::sqlite();
    let app = TestApp::spawn_with(&db, |f| {
        f.merge(("keys.prepublish_secs", PREPUBLISH))
            .merge(("keys.refresh_secs", 1))
    })
    .await;
    let env = [("CIVITAS_KEYS__PREPUBLISH_SECS", "3600")];
    // Rotate into a folder this instance does not share: its key files never arrive here.
    let elsewhere = tempfile::tempdir().unwrap();
    let out = db.civitas_with(
        &["keys", "rotate", "--alg", "es256"],
        &[
            env[0],
            ("CIVITAS_KEYS__DIR", elsewhere.path().to_str().unwrap()),
        ],
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    // Wait until this server has read the new state (the new kid appears in its JWKS).
    for _ in 0..50 {
        if app.jwks_kids().await.len() == 3 {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    assert_eq!(app.jwks_kids().await.len(), 3);
    assert_eq!(
        app.get("/readyz").await.status(),
        200,
        "the current key still signs"
    );

    // Once the old key retires, this server has nothing it may sign ES256 with: it does not
    // fall back to the retired key, and readiness reports it.
    app.clock.advance(PREPUBLISH + 1);
    assert!(app.state.keys.signing_key(Alg::Es256).await.is_none());
    let ready = app.get("/readyz").await;
    let status = ready.status();
    let body: serde_json::Value = ready.json().await.unwrap();
    assert_eq!(status, 503, "{body}");
    assert_eq!(body["signing_keys"], "missing");
    app.stop().await;
}
