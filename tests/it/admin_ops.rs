//! The operator side of the console: the staff log inside the signed checkpoints, relying
//! parties (suspend, resume, four eyes for production clients and the national_id scope), the
//! review queue, keys, readiness, the ledger's status and the staff log pages.

use civitas::{admin::Role, store::Db};

use crate::{
    on_both_databases,
    support::{
        TestApp, TestDb,
        admin::{admin_post, reason, staff_browser},
        oidc::seeded_person,
    },
};

on_both_databases!(
    the_staff_log_is_covered_by_checkpoints_and_an_edited_or_deleted_record_is_named,
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
