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

on_both_databases!(every_release_is_chained_shown_to_the_citizen_and_tampering_is_found,);

async fn exec(db: &Db, sql: &'static str) {
    match db {
        Db::Sqlite(p) => sqlx::query(sql).execute(p).await.map(drop),
        Db::Postgres(p) => sqlx::query(sql).execute(p).await.map(drop),
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
