//! The operator side of the console: the staff log inside the signed checkpoints, the
//! operator's view (readiness, keys, waiting requests, insider-guard alerts), the ledger's
//! status with "verify now", and the staff log's pages and CSV.

use civitas::{
    admin::{
        Role,
        log::{Action, record},
    },
    store::{Db, signing_keys, staff},
};

use crate::{
    on_both_databases,
    support::{
        TestApp, TestDb,
        admin::{admin_post, page, reason, staff_browser},
        oidc::{register, seeded_person, web_client},
    },
};

on_both_databases!(
    the_staff_log_is_covered_by_checkpoints_and_an_edited_or_deleted_record_is_named,
    the_operator_sees_readiness_keys_requests_and_insider_guard_alerts_and_rotates_keys,
    the_ledger_status_verifies_now_and_the_staff_log_filters_pages_and_downloads,
    the_operator_pages_speak_french_when_asked,
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

/// Runs `civitas ARGS` against the test's database: success and everything it printed.
fn civitas(db: &TestDb, args: &[&str]) -> (bool, String) {
    let o = db.civitas(args);
    (
        o.status.success(),
        format!(
            "{}{}",
            String::from_utf8_lossy(&o.stdout),
            String::from_utf8_lossy(&o.stderr)
        ),
    )
}

/// A console page in French (`Accept-Language: fr`): its status and text, with the
/// apostrophes the template escapes put back.
async fn page_fr(browser: &reqwest::Client, app: &TestApp, path: &str) -> (u16, String) {
    let (status, text) = crate::support::page_in(browser, app, path, "fr").await;
    (status, text.replace("&#39;", "'"))
}

/// Opens a citizen's record with a reason: one staff action, in the staff log.
async fn open_record(app: &TestApp, browser: &reqwest::Client, person: &str, note: &str) {
    let mut form = reason(note);
    form.push(("person_id", person.to_owned()));
    let r = admin_post(app, browser, "/admin/citizens/open")
        .form(&form)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 303, "{}", r.text().await.unwrap_or_default());
}

async fn the_staff_log_is_covered_by_checkpoints_and_an_edited_or_deleted_record_is_named(
    db: TestDb,
) {
    let app = TestApp::spawn(&db).await;
    let person = seeded_person(&app).await;
    let (helpdesk, _) = staff_browser(&app, Role::Helpdesk).await;
    open_record(&app, &helpdesk, &person, "TICKET-1").await;

    // The checkpoint covers the citizen's chain and the staff log.
    let (ok, text) = civitas(&db, &["ledger", "checkpoint"]);
    assert!(
        ok && text.contains("Checkpoint 1 signed over 2 chains"),
        "{text}"
    );
    let (ok, text) = civitas(&db, &["ledger", "verify"]);
    assert!(ok && text.contains("staff log intact: 1 records"), "{text}");

    // Someone rewrites the reason in the database: the record is named.
    exec(
        &app.state.db,
        "UPDATE staff_log SET reason = 'other: routine check' WHERE seq = 1",
    )
    .await;
    let (ok, text) = civitas(&db, &["ledger", "verify"]);
    assert!(!ok, "{text}");
    assert!(
        text.contains("staff log record number 1") && text.contains("changed"),
        "{text}"
    );
    exec(
        &app.state.db,
        "UPDATE staff_log SET reason = 'other: TICKET-1' WHERE seq = 1",
    )
    .await;
    let (ok, text) = civitas(&db, &["ledger", "verify"]);
    assert!(ok, "{text}");

    // The newest covered record deleted: the log still links up, the checkpoint misses it.
    open_record(&app, &helpdesk, &person, "TICKET-2").await;
    let (ok, text) = civitas(&db, &["ledger", "checkpoint"]);
    assert!(
        ok && text.contains("Checkpoint 2 signed over 2 chains"),
        "{text}"
    );
    let (ok, text) = civitas(&db, &["ledger", "verify"]);
    assert!(ok && text.contains("staff log intact: 2 records"), "{text}");
    exec(&app.state.db, "DELETE FROM staff_log WHERE seq = 2").await;
    let (ok, text) = civitas(&db, &["ledger", "verify"]);
    assert!(!ok, "{text}");
    assert!(
        text.contains("staff log record number 2") && text.contains("gone"),
        "{text}"
    );
}

async fn the_operator_sees_readiness_keys_requests_and_insider_guard_alerts_and_rotates_keys(
    db: TestDb,
) {
    let app = TestApp::spawn(&db).await;
    let (operator, operator_id) = staff_browser(&app, Role::Operator).await;
    for role in [Role::Helpdesk, Role::Auditor, Role::Supervisor] {
        let (browser, _) = staff_browser(&app, role).await;
        assert_eq!(
            page(&browser, &app, "/admin/operator").await.0,
            403,
            "{role:?}"
        );
    }
    let keys = signing_keys::find_signing_keys(&app.state.db)
        .await
        .unwrap();
    let (status, view) = page(&operator, &app, "/admin/operator").await;
    assert_eq!(status, 200);
    assert!(
        view.contains("reachable") && view.contains("ready for traffic"),
        "{view}"
    );
    assert!(keys.iter().all(|k| view.contains(&k.kid)), "{view}");
    assert!(view.contains("Four-eyes requests waiting: 0") && !view.contains("Insider guard"));

    // A member the insider guard locked, and a request that waits, show.
    let (guarded, guarded_id) = staff_browser(&app, Role::Helpdesk).await;
    drop(guarded);
    civitas::transaction!(app.state.db, sqlx::Error, |tx| {
        staff::update_staff_status(
            tx,
            &guarded_id,
            "locked",
            Some("insider guard: 31 record openings within an hour (limit 30)"),
        )
        .await?;
        Ok(())
    })
    .unwrap();
    // national_id goes to FAPI 2.0 clients only.
    let shop = crate::support::fapi::FapiRp::register(&app, |c| c).await.id;
    let r = admin_post(
        &app,
        &operator,
        &format!("/admin/clients/{shop}/national-id"),
    )
    .form(&reason("contract 9"))
    .send()
    .await
    .unwrap();
    assert_eq!(r.status(), 303);
    let (_, view) = page(&operator, &app, "/admin/operator").await;
    assert!(
        view.contains("Insider guard: 1 staff account locked"),
        "{view}"
    );
    assert!(view.contains("31 record openings"), "{view}");
    assert!(view.contains("Four-eyes requests waiting: 1"), "{view}");
    assert!(view.contains(&format!("/admin/clients/{shop}")), "{view}");

    // Rotating needs a reason; then the next ES256 key is published at once.
    let r = admin_post(&app, &operator, "/admin/keys/rotate")
        .form(&[("alg", "es256"), ("category", "other"), ("detail", "")])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 400);
    let mut form = reason("yearly rotation");
    form.push(("alg", "es256".into()));
    let r = admin_post(&app, &operator, "/admin/keys/rotate")
        .form(&form)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 303);
    assert!(
        r.headers()["location"]
            .to_str()
            .unwrap()
            .ends_with("done=rotated")
    );
    let now = app.state.clock.now();
    let after = signing_keys::find_signing_keys(&app.state.db)
        .await
        .unwrap();
    let next: Vec<_> = after
        .iter()
        .filter(|k| civitas::crypto::keyring::key_state(k, now).to_string() == "next")
        .collect();
    assert_eq!(next.len(), 1);
    assert_eq!(next[0].alg, "ES256");
    let jwks = app
        .client
        .get(app.url("/jwks"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(jwks.contains(&next[0].kid), "published at once: {jwks}");
    let rotations: Vec<_> = staff::find_staff_log_page(&app.state.db, 0, 100)
        .await
        .unwrap()
        .into_iter()
        .filter(|r| r.action == "rotate_keys")
        .collect();
    assert_eq!(rotations.len(), 1);
    assert_eq!(
        (
            rotations[0].staff_id.as_str(),
            rotations[0].subject.as_str()
        ),
        (operator_id.as_str(), next[0].kid.as_str())
    );
    // A next key waiting: rotating again is refused, and said.
    let r = admin_post(&app, &operator, "/admin/keys/rotate")
        .form(&form)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 400);

    // Without a recent passkey verification the member is sent to verify first.
    app.clock
        .advance(civitas::admin::FRESH_VERIFICATION_SECS + 1);
    let mut form = reason("again");
    form.push(("alg", "rs256".into()));
    let r = admin_post(&app, &operator, "/admin/keys/rotate")
        .form(&form)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 303);
    assert_eq!(r.headers()["location"], "/admin/signin");
}

async fn the_ledger_status_verifies_now_and_the_staff_log_filters_pages_and_downloads(db: TestDb) {
    let app = TestApp::spawn(&db).await;
    let (auditor, alice) = staff_browser(&app, Role::Auditor).await;
    let (operator, bob) = staff_browser(&app, Role::Operator).await;
    let (helpdesk, _) = staff_browser(&app, Role::Helpdesk).await;
    assert_eq!(page(&helpdesk, &app, "/admin/log").await.0, 403);
    assert_eq!(page(&helpdesk, &app, "/admin/ledger").await.0, 403);
    let (_, status) = page(&auditor, &app, "/admin/ledger").await;
    assert!(status.contains("No checkpoint is signed yet"), "{status}");

    // 60 actions over three days: 40 by one member, 20 by another.
    let day = 86_400;
    let start = 1_767_225_600; // 2026-01-01T00:00:00Z
    civitas::transaction!(app.state.db, sqlx::Error, |tx| {
        for i in 0..60_i64 {
            let (who, action) = if i % 3 == 0 {
                (&bob, "resume_client")
            } else {
                (&alice, "suspend_client")
            };
            let reason = if i == 59 {
                "=HYPERLINK(\"https://evil.example\")".to_owned()
            } else {
                format!("other: T-{i}")
            };
            record(
                tx,
                &Action {
                    staff_id: who,
                    pseudonym: "T-1",
                    action,
                    subject: "client-1",
                    reason: &reason,
                    citizen: None,
                    at: start + (i / 20) * day + i,
                },
            )
            .await?;
        }
        Ok(())
    })
    .unwrap();
    let issuer = app.state.config.issuer.as_str().to_owned();
    civitas::ledger::checkpoint(
        &app.state.db,
        &app.state.keys,
        &issuer,
        app.state.clock.now(),
        None,
    )
    .await
    .unwrap()
    .expect("a checkpoint");

    let (_, status) = page(&auditor, &app, "/admin/ledger").await;
    assert!(
        status.contains("<dd>1</dd>") && status.contains("Chains covered"),
        "{status}"
    );
    let verify = |who: &reqwest::Client| admin_post(&app, who, "/admin/ledger/verify").send();
    let result = verify(&auditor).await.unwrap().text().await.unwrap();
    assert!(
        result.contains("Intact") && result.contains("60 staff log records"),
        "{result}"
    );

    // 50 a page, newest first; the next page holds the rest.
    let (status, first) = page(&auditor, &app, "/admin/log").await;
    assert_eq!(status, 200);
    assert_eq!(first.matches("<tr><td>").count(), 50);
    assert!(first.contains("No. </span>60</td>") && !first.contains("No. </span>10</td>"));
    let older = first
        .split("href=\"")
        .find_map(|h| h.split('"').next().filter(|h| h.contains("before=")))
        .expect("an older page")
        .replace("&#38;", "&");
    let (_, second) = page(&auditor, &app, &older).await;
    assert_eq!(second.matches("<tr><td>").count(), 10);
    assert!(second.contains("No. </span>1</td>"), "{second}");

    // Filters: one member, one action, one day; operators read it too.
    let (_, bobs) = page(&operator, &app, &format!("/admin/log?staff={bob}")).await;
    assert_eq!(bobs.matches("<tr><td>").count(), 20);
    let (_, suspended) = page(&auditor, &app, "/admin/log?action=suspend_client").await;
    assert_eq!(suspended.matches("<tr><td>").count(), 40);
    let (_, second_day) = page(&auditor, &app, "/admin/log?from=2026-01-02&to=2026-01-02").await;
    assert_eq!(second_day.matches("<tr><td>").count(), 20);
    assert_eq!(
        page(&auditor, &app, "/admin/log?from=tomorrow").await.0,
        400
    );

    // The CSV: every matching record with its hashes, formulas defused.
    let r = auditor
        .get(app.url("/admin/log.csv?action=suspend_client"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    assert!(
        r.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/csv")
    );
    let csv = r.text().await.unwrap();
    assert_eq!(csv.lines().count(), 41, "{csv}");
    assert!(csv.starts_with("seq,time,staff_id,staff_name,action,subject,reason,prev_hash,hash"));
    assert!(csv.contains("'=HYPERLINK"), "{csv}");

    // A record edited in the database: "verify now" says which.
    exec(
        &app.state.db,
        "UPDATE staff_log SET reason = 'other: nothing' WHERE seq = 7",
    )
    .await;
    let result = verify(&auditor).await.unwrap().text().await.unwrap();
    assert!(
        result.contains("Verification failed") && result.contains("staff log record number 7"),
        "{result}"
    );
}

async fn the_operator_pages_speak_french_when_asked(db: TestDb) {
    let app = TestApp::spawn(&db).await;
    let (operator, _) = staff_browser(&app, Role::Operator).await;
    let (shop, _) = register(&app, web_client("Corner Shop")).await;
    for (path, heading, also, not) in [
        (
            "/admin/operator",
            "<h1>Exploitation</h1>",
            "Demandes à double validation en attente : 0",
            "Signing keys",
        ),
        (
            "/admin/clients",
            "<h1>Fournisseurs de services</h1>",
            "Identifiant client",
            "Relying parties",
        ),
        (
            "/admin/review",
            "<h1>Demandes d'inscription de fournisseurs</h1>",
            "Aucune demande d'inscription n'attend d'examen.",
            "No application waits",
        ),
        (
            "/admin/ledger",
            "<h1>État du registre</h1>",
            "Aucun point de contrôle n'est encore signé",
            "Verify now",
        ),
        (
            "/admin/log",
            "<h1>Journal du personnel</h1>",
            "Toutes les actions",
            "Every action",
        ),
        (
            &format!("/admin/clients/{shop}"),
            "<h2>Enregistrement</h2>",
            "Un appel téléphonique",
            "A phone call",
        ),
    ] {
        let (status, text) = page_fr(&operator, &app, path).await;
        assert_eq!(status, 200, "{path}: {text}");
        assert!(
            text.contains("<html lang=\"fr\" dir=\"ltr\">"),
            "{path}: {text}"
        );
        assert!(
            text.contains(heading) && text.contains(also),
            "{path}: {text}"
        );
        assert!(!text.contains(not), "{path} still says {not:?}: {text}");
    }
    // What staff are told when something is refused is in their language too.
    let (status, text) = page_fr(&operator, &app, "/admin/log?from=tomorrow").await;
    assert_eq!(status, 400);
    assert!(
        text.contains("Dates : utilisez la forme AAAA-MM-JJ."),
        "{text}"
    );
}
