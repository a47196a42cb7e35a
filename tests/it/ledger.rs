//! The data-release ledger: each release is recorded with its chain link in the same
//! transaction; the citizen sees it; `civitas ledger verify` finds edits and deletions.

use civitas::store::{Db, releases};

use crate::{
    on_both_databases,
    support::{
        TestApp, TestDb,
        oidc::{
            REDIRECT, consent, get_code, pkce, register, seeded_person, signed_in_browser,
            token_request, web_client,
        },
    },
};

on_both_databases!(
    every_release_is_chained_shown_to_the_citizen_and_tampering_is_found,
    checkpoints_sign_every_head_verify_with_the_jwks_and_catch_a_cut_chain,
    dozens_of_concurrent_flows_leave_every_chain_valid,
    pruning_keeps_the_head_and_is_itself_recorded,
);

async fn exec(db: &Db, sql: &str) {
    match db {
        Db::Sqlite(p) => sqlx::raw_sql(sqlx::AssertSqlSafe(sql.to_owned()))
            .execute(p)
            .await
            .map(drop),
        Db::Postgres(p) => sqlx::raw_sql(sqlx::AssertSqlSafe(sql.to_owned()))
            .execute(p)
            .await
            .map(drop),
    }
    .unwrap();
}

async fn every_release_is_chained_shown_to_the_citizen_and_tampering_is_found(db: TestDb) {
    let app = TestApp::spawn(&db).await;
    let person = seeded_person(&app).await;
    let (client_id, secret) = register(&app, web_client("Tax Board")).await;
    consent(&app, &person, &client_id, "openid profile email").await;
    let (browser, _) = signed_in_browser(&app, &person, "urn:civitas:loa:substantial").await;

    let (verifier, challenge) = pkce();
    let code = get_code(&app, &browser, &client_id, &challenge).await;
    let form = [
        ("grant_type", "authorization_code"),
        ("code", code.as_str()),
        ("redirect_uri", REDIRECT),
        ("code_verifier", verifier.as_str()),
    ];
    let (status, tokens) = token_request(&app, &client_id, secret.as_deref().unwrap(), &form).await;
    assert_eq!(status, 200);
    let r = app
        .client
        .get(app.url("/userinfo"))
        .bearer_auth(tokens["access_token"].as_str().unwrap())
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);

    let rows = releases::find_releases_of_person(&app.state.db, &person, None, None, 10)
        .await
        .unwrap();
    assert_eq!(rows.len(), 2);
    assert_eq!((rows[1].seq, rows[1].channel.as_str()), (1, "id_token"));
    assert_eq!((rows[0].seq, rows[0].channel.as_str()), (2, "userinfo"));
    assert_eq!(
        rows[0].prev_hash, rows[1].hash,
        "each record commits to the one before"
    );
    assert!(
        rows[1].claims.contains("given_name") && !rows[1].claims.contains("email"),
        "what was asked for, no more"
    );
    assert!(
        !rows[1]
            .claims
            .contains(&civitas::demo::population()[0].given_names),
        "names, never values"
    );

    let page = browser
        .get(app.url("/account"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        page.contains(&format!("/account/releases/{}", rows[0].id)),
        "each release links to its receipt"
    );
    let receipt = browser
        .get(app.url(&format!("/account/releases/{}", rows[0].id)))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(receipt.contains(&rows[0].hash) && receipt.contains(&rows[0].prev_hash));

    let verify = || db.civitas(&["ledger", "verify"]);
    let ok = verify();
    assert!(
        ok.status.success(),
        "{}",
        String::from_utf8_lossy(&ok.stderr)
    );
    assert!(
        String::from_utf8_lossy(&ok.stdout)
            .contains("2 records in 1 chains and 0 signed checkpoints")
    );

    // Someone edits a record in the database: verification names it.
    exec(
        &app.state.db,
        "UPDATE releases SET claims = 'sub' WHERE seq = 1",
    )
    .await;
    let broken = verify();
    assert!(!broken.status.success());
    let err = String::from_utf8_lossy(&broken.stderr);
    assert!(
        err.contains(&rows[1].id) && err.contains("changed"),
        "{err}"
    );

    // Someone deletes the first record instead: also found.
    exec(&app.state.db, "DELETE FROM releases WHERE seq = 1").await;
    let broken = verify();
    assert!(!broken.status.success());
    assert!(String::from_utf8_lossy(&broken.stderr).contains(&rows[0].id));
    app.stop().await;
}

/// The internal ids of the first `n` demo citizens (the population is seeded once).
async fn people(app: &TestApp, n: usize) -> Vec<String> {
    seeded_person(app).await;
    let mut ids = Vec::new();
    for p in civitas::demo::population().into_iter().take(n) {
        ids.push(
            civitas::store::persons::find_person_by_national_id(
                &app.state.db,
                p.national_id.as_str(),
            )
            .await
            .unwrap()
            .unwrap()
            .id,
        );
    }
    ids
}

/// Appends a release for `person` at `at`, as the token endpoint does.
async fn release(app: &TestApp, person: &str, at: i64) -> releases::ReleaseRow {
    civitas::transaction!(app.state.db, sqlx::Error, |tx| {
        civitas::ledger::append(
            tx,
            &civitas::ledger::Release {
                person_id: person,
                client_id: "c1",
                client_name: "Tax Board",
                purpose: "Taxes",
                claims: vec!["sub", "name"],
                acr: "urn:civitas:loa:substantial",
                channel: "id_token",
                at,
            },
        )
        .await
    })
    .unwrap()
}

fn out(o: &std::process::Output) -> (bool, String) {
    (
        o.status.success(),
        format!(
            "{}{}",
            String::from_utf8_lossy(&o.stdout),
            String::from_utf8_lossy(&o.stderr)
        ),
    )
}

/// Verifies a compact ES256 JWS with a JWK from the published JWKS, independently of
/// Civitas's own code, and returns its payload.
fn verify_with_jwks(jws: &str, jwks: &serde_json::Value) -> serde_json::Value {
    use base64::{Engine, engine::general_purpose::URL_SAFE_NO_PAD as B64};
    use p256::ecdsa::{Signature, VerifyingKey, signature::Verifier};
    let parts: Vec<&str> = jws.split('.').collect();
    let header: serde_json::Value = serde_json::from_slice(&B64.decode(parts[0]).unwrap()).unwrap();
    assert_eq!(header["alg"], "ES256");
    let key = jwks["keys"]
        .as_array()
        .unwrap()
        .iter()
        .find(|k| k["kid"] == header["kid"])
        .expect("the checkpoint's key is in the published JWKS");
    let mut point = vec![4u8];
    point.extend(B64.decode(key["x"].as_str().unwrap()).unwrap());
    point.extend(B64.decode(key["y"].as_str().unwrap()).unwrap());
    let public = VerifyingKey::from_sec1_bytes(&point).unwrap();
    let signature = Signature::from_slice(&B64.decode(parts[2]).unwrap()).unwrap();
    public
        .verify(format!("{}.{}", parts[0], parts[1]).as_bytes(), &signature)
        .expect("the signature verifies with the published key");
    serde_json::from_slice(&B64.decode(parts[1]).unwrap()).unwrap()
}

async fn checkpoints_sign_every_head_verify_with_the_jwks_and_catch_a_cut_chain(db: TestDb) {
    let app = TestApp::spawn(&db).await;
    let ids = people(&app, 2).await;
    let (a, b) = (&ids[0], &ids[1]);
    let now = app.state.clock.now();
    for _ in 0..3 {
        release(&app, a, now).await;
    }
    release(&app, b, now).await;
    // A security event through a real page: "this wasn't me" is chained too.
    let (browser, _) = signed_in_browser(&app, a, "urn:civitas:loa:substantial").await;
    let r = browser
        .post(app.url("/account/report"))
        .header("origin", app.base.clone())
        .form(&[("entry", "")])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 303);

    let (ok, text) = out(&db.civitas(&["ledger", "checkpoint"]));
    assert!(
        ok && text.contains("Checkpoint 1 signed over 2 chains"),
        "{text}"
    );
    let (ok, text) = out(&db.civitas(&["ledger", "checkpoint"]));
    assert!(ok && text.contains("No chain changed"), "{text}");
    let last = release(&app, a, now).await;
    let (ok, text) = out(&db.civitas(&["ledger", "checkpoint"]));
    assert!(
        ok && text.contains("Checkpoint 2 signed over 2 chains"),
        "{text}"
    );

    // Each checkpoint verifies with the JWKS anyone can fetch, and its root is the Merkle
    // root of the heads now.
    let jwks: serde_json::Value = app
        .client
        .get(app.url("/jwks"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let checkpoints = releases::find_checkpoints(&app.state.db).await.unwrap();
    assert_eq!(checkpoints.len(), 2);
    let first = verify_with_jwks(&checkpoints[0].jws, &jwks);
    let second = verify_with_jwks(&checkpoints[1].jws, &jwks);
    assert_eq!(first["seq"], 1);
    assert_eq!(first["prev"], "");
    assert_eq!(
        second["prev"],
        civitas::ledger::checkpoint_link(&checkpoints[0].jws),
        "each checkpoint commits to the one before"
    );
    let mut heads = [(a.clone(), last.seq, last.hash.clone())].to_vec();
    let b_head = releases::find_releases_of_person(&app.state.db, b, None, None, 1)
        .await
        .unwrap()
        .remove(0);
    heads.push((b.clone(), b_head.seq, b_head.hash));
    heads.sort();
    let leaves: Vec<[u8; 32]> = heads
        .iter()
        .map(|(p, s, h)| civitas::ledger::leaf_hash(p, *s, h))
        .collect();
    use base64::Engine;
    assert_eq!(
        second["root"],
        base64::engine::general_purpose::URL_SAFE_NO_PAD
            .encode(civitas::ledger::merkle_root(&leaves))
    );
    assert_eq!(last.seq, 5, "three releases, the report, one more release");

    let (ok, text) = out(&db.civitas(&["ledger", "verify"]));
    assert!(
        ok && text.contains("6 records in 2 chains and 2 signed checkpoints"),
        "{text}"
    );

    // The citizen's receipt names the checkpoint that covers the record.
    let receipt = browser
        .get(app.url(&format!("/account/releases/{}", last.id)))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(receipt.contains(&checkpoints[1].jws), "{receipt}");

    // Cutting the newest record off a chain leaves the chain itself consistent; the
    // checkpoint shows it.
    exec(
        &app.state.db,
        &format!("DELETE FROM releases WHERE person_id = '{a}' AND seq = 5"),
    )
    .await;
    let (ok, text) = out(&db.civitas(&["ledger", "verify"]));
    assert!(!ok, "{text}");
    assert!(
        text.contains(&format!("record number 5 of chain {a}")) && text.contains("gone"),
        "{text}"
    );
    civitas::transaction!(app.state.db, sqlx::Error, |tx| {
        releases::insert_release(tx, &last).await?;
        Ok(())
    })
    .unwrap();
    let (ok, text) = out(&db.civitas(&["ledger", "verify"]));
    assert!(ok, "{text}");

    // An edited checkpoint no longer matches its signature.
    exec(
        &app.state.db,
        "UPDATE ledger_checkpoints SET chains = 3 WHERE seq = 1",
    )
    .await;
    let (ok, text) = out(&db.civitas(&["ledger", "verify"]));
    assert!(!ok && text.contains("checkpoint 1"), "{text}");
    app.stop().await;
}

async fn dozens_of_concurrent_flows_leave_every_chain_valid(db: TestDb) {
    let app = std::sync::Arc::new(TestApp::spawn(&db).await);
    let ids = people(&app, 16).await;
    let (client_id, secret) = register(&app, web_client("Tax Board")).await;
    let secret = secret.unwrap();
    for id in &ids {
        consent(&app, id, &client_id, "openid profile email").await;
    }
    // Three flows per citizen, all at once: 48 flows, 96 releases, plus checkpoints signed
    // while they run.
    let mut flows = tokio::task::JoinSet::new();
    for id in ids.iter().cycle().take(ids.len() * 3) {
        let (app, id, client_id, secret) =
            (app.clone(), id.clone(), client_id.clone(), secret.clone());
        flows.spawn(async move {
            let (browser, _) = signed_in_browser(&app, &id, "urn:civitas:loa:substantial").await;
            let (verifier, challenge) = pkce();
            let code = get_code(&app, &browser, &client_id, &challenge).await;
            let form = [
                ("grant_type", "authorization_code"),
                ("code", code.as_str()),
                ("redirect_uri", REDIRECT),
                ("code_verifier", verifier.as_str()),
            ];
            let (status, tokens) = token_request(&app, &client_id, &secret, &form).await;
            assert_eq!(status, 200, "{tokens}");
            let r = app
                .client
                .get(app.url("/userinfo"))
                .bearer_auth(tokens["access_token"].as_str().unwrap())
                .send()
                .await
                .unwrap();
            assert_eq!(r.status(), 200);
        });
    }
    for _ in 0..3 {
        civitas::ledger::checkpoint(
            &app.state.db,
            &app.state.keys,
            app.state.config.issuer.as_str(),
            app.state.clock.now(),
            None,
        )
        .await
        .unwrap();
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
    while let Some(flow) = flows.join_next().await {
        flow.unwrap();
    }
    civitas::ledger::checkpoint(
        &app.state.db,
        &app.state.keys,
        app.state.config.issuer.as_str(),
        app.state.clock.now(),
        None,
    )
    .await
    .unwrap()
    .expect("the last releases are covered");
    for id in &ids {
        let rows = releases::find_releases_of_person(&app.state.db, id, None, None, 100)
            .await
            .unwrap();
        let mut seqs: Vec<i64> = rows.iter().map(|r| r.seq).collect();
        seqs.sort_unstable();
        assert_eq!(seqs, (1..=6).collect::<Vec<_>>(), "no gaps, no duplicates");
    }
    let (ok, text) = out(&db.civitas(&["ledger", "verify"]));
    assert!(ok && text.contains("96 records in 16 chains"), "{text}");
}

async fn pruning_keeps_the_head_and_is_itself_recorded(db: TestDb) {
    let app = TestApp::spawn(&db).await;
    let ids = people(&app, 2).await;
    let (a, b) = (&ids[0], &ids[1]);
    let now = app.state.clock.now();
    let old = now - 100 * 86_400;
    for _ in 0..3 {
        release(&app, a, old).await;
    }
    // Every record of b is old: its newest stays all the same.
    release(&app, b, old).await;
    release(&app, b, old).await;
    let (ok, text) = out(&db.civitas(&["ledger", "checkpoint"]));
    assert!(ok, "{text}");
    release(&app, a, now).await;

    // Retention is off by default: nothing is pruned unless configured.
    let (ok, text) = out(&db.civitas(&["ledger", "prune"]));
    assert!(!ok && text.contains("ledger.retention_days"), "{text}");
    let (ok, text) = out(&db.civitas_with(
        &["ledger", "prune"],
        &[("CIVITAS_LEDGER__RETENTION_DAYS", "30")],
    ));
    assert!(
        ok && text.contains("Pruned 4 records") && text.contains("from 2 chains"),
        "{text}"
    );

    let a_rows = releases::find_records_page(&app.state.db, Some((a, 0)), 100)
        .await
        .unwrap()
        .into_iter()
        .filter(|r| r.person_id == *a)
        .collect::<Vec<_>>();
    assert_eq!(
        a_rows.iter().map(|r| r.seq).collect::<Vec<_>>(),
        vec![4, 5],
        "the new record stays, the marker follows it"
    );
    assert_eq!(
        (a_rows[1].channel.as_str(), a_rows[1].event.as_str()),
        ("retention", "pruned")
    );
    let (ok, text) = out(&db.civitas(&["ledger", "checkpoint"]));
    assert!(ok, "{text}");
    let (ok, text) = out(&db.civitas(&["ledger", "verify"]));
    assert!(ok && text.contains("4 records in 2 chains"), "{text}");

    // Pruning by hand, without a marker, shows.
    exec(
        &app.state.db,
        &format!("DELETE FROM releases WHERE person_id = '{a}' AND seq = 4"),
    )
    .await;
    let (ok, text) = out(&db.civitas(&["ledger", "verify"]));
    assert!(!ok && text.contains(a.as_str()), "{text}");
}
