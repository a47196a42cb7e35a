//! Helpers for console tests: a staff member and a browser already signed in to `/admin`.
//! Signing in is the passkey ceremony's job (the real-browser test does it); here the member
//! and the admin session are written straight into the database, which only a test can do.

use std::{collections::HashMap, sync::Arc};

use civitas::{
    admin::{IDLE_TIMEOUT_SECS, Role, StaffSession},
    store::staff::{self, StaffRow},
    web::sessions::DbSessionStore,
};
use tower_sessions::{session::Record, session_store::SessionStore};

use super::TestApp;

/// A new active member with `role` and a browser signed in to the console as them, with a
/// passkey verification just now (fresh for risky actions). Returns the browser (cookie for
/// path `/admin`, redirects not followed) and the member's id.
pub async fn staff_browser(app: &TestApp, role: Role) -> (reqwest::Client, String) {
    let id = new_staff(app, role).await;
    (staff_session(app, &id, role).await, id)
}

/// Adds an active staff member with `role`; returns their id.
pub async fn new_staff(app: &TestApp, role: Role) -> String {
    let unique = uuid::Uuid::new_v4().simple().to_string();
    new_named_staff(
        app,
        role,
        &format!("Test {} {}", role.as_str(), &unique[..6]),
    )
    .await
    .id
}

/// Adds an active staff member with `role` and `name`; returns their row.
pub async fn new_named_staff(app: &TestApp, role: Role, name: &str) -> StaffRow {
    let unique = uuid::Uuid::new_v4().simple().to_string();
    let row = StaffRow {
        id: uuid::Uuid::new_v4().to_string(),
        name: name.to_owned(),
        pseudonym: format!("T-{}", &unique[..8]),
        role: role.as_str().to_owned(),
        status: "active".to_owned(),
        status_reason: None,
        created_at: app.state.clock.now(),
        enrol_expires_at: None,
    };
    civitas::transaction!(app.state.db, sqlx::Error, |tx| {
        staff::insert_staff(tx, &row, &format!("unused-{unique}")).await?;
        Ok(())
    })
    .expect("insert staff");
    row
}

/// A browser with a console session of member `staff_id`, as a passkey sign-in makes it.
pub async fn staff_session(app: &TestApp, staff_id: &str, role: Role) -> reqwest::Client {
    let id = staff_session_id(app, staff_id, role).await;
    let jar = reqwest::cookie::Jar::default();
    jar.add_cookie_str(
        &format!("civitas_admin={id}; Path=/admin"),
        &app.base.parse().unwrap(),
    );
    reqwest::Client::builder()
        .cookie_provider(Arc::new(jar))
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap()
}

/// A console session of member `staff_id` in the store; returns the cookie's value.
pub async fn staff_session_id(app: &TestApp, staff_id: &str, role: Role) -> String {
    let store = DbSessionStore::new(
        app.state.db.clone(),
        app.state.writer.clone(),
        app.state.clock.clone(),
        std::time::Duration::from_secs(IDLE_TIMEOUT_SECS),
    );
    let who = StaffSession {
        staff_id: staff_id.to_owned(),
        role,
        verified_at: app.state.clock.now(),
        signed_in_at: app.state.clock.now(),
    };
    let mut record = Record {
        id: Default::default(),
        data: HashMap::from([(
            "civitas.staff".to_owned(),
            serde_json::to_value(&who).unwrap(),
        )]),
        expiry_date: time::OffsetDateTime::now_utc()
            + time::Duration::seconds(IDLE_TIMEOUT_SECS as i64),
    };
    store.create(&mut record).await.expect("admin session");
    record.id.to_string()
}

/// A form post from the console's own pages (the same-origin check wants `Origin`).
pub fn admin_post(app: &TestApp, browser: &reqwest::Client, path: &str) -> reqwest::RequestBuilder {
    browser
        .post(app.url(path))
        .header("origin", app.base.clone())
}

/// A reason as the console's forms send it: category and note.
pub fn reason(detail: &str) -> Vec<(&'static str, String)> {
    vec![("category", "other".into()), ("detail", detail.into())]
}

/// A console page: its status and text.
pub async fn page(browser: &reqwest::Client, app: &TestApp, path: &str) -> (u16, String) {
    let r = browser.get(app.url(path)).send().await.unwrap();
    (r.status().as_u16(), r.text().await.unwrap())
}

/// The staff log's (action, subject) pairs, oldest first.
pub async fn staff_log(app: &TestApp) -> Vec<(String, String)> {
    civitas::store::staff::find_staff_log_page(&app.state.db, 0, 1000)
        .await
        .unwrap()
        .into_iter()
        .map(|r| (r.action, r.subject))
        .collect()
}
