//! The helpdesk console: permissions on every route (walked from the route table), records
//! opened only with a reason and shown to the citizen, four eyes for re-activation, the
//! insider guard.

use civitas::{
    admin::{Permission, Role},
    app::{ADMIN_OPEN_ROUTES, ADMIN_ROUTES},
    store::{accounts, staff},
};

use crate::{
    on_both_databases,
    support::{
        TestApp, TestDb,
        admin::{admin_post as post, new_named_staff, staff_session},
        oidc::{seeded_person, signed_in_browser},
    },
};

on_both_databases!(
    every_account_action_needs_a_reason_and_a_fraud_lock_needs_four_eyes_to_lift,
    opening_a_record_needs_a_reason_and_the_citizen_sees_it_without_the_staff_name,
    reactivating_an_account_with_passkeys_needs_a_second_supervisor,
);

/// A browser signed in to the console as a new active member with `role` and `name`; returns
/// it, the member's id and pseudonym.
async fn staff_browser(app: &TestApp, role: Role, name: &str) -> (reqwest::Client, String, String) {
    let row = new_named_staff(app, role, name).await;
    (
        staff_session(app, &row.id, role).await,
        row.id,
        row.pseudonym,
    )
}

async fn activated(app: &TestApp, person: &str, with_passkey: bool) -> String {
    let now = app.state.clock.now();
    let account_id = uuid::Uuid::new_v4().to_string();
    civitas::transaction!(app.state.db, sqlx::Error, |tx| {
        accounts::insert_account(tx, &account_id, person, now).await?;
        if with_passkey {
            accounts::insert_passkey(
                tx,
                &accounts::PasskeyRow {
                    credential_id: uuid::Uuid::new_v4().to_string(),
                    account_id: account_id.clone(),
                    name: "Phone".into(),
                    passkey: "{}".into(),
                    sign_count: 0,
                    backup_eligible: 1,
                    backup_state: 1,
                    created_at: now,
                    last_used_at: None,
                    kind: "passkey".into(),
                    aaguid: None,
                },
            )
            .await?;
        }
        Ok(())
    })
    .unwrap();
    account_id
}

/// Opens a citizen's record with a reason; returns the response.
async fn open(
    app: &TestApp,
    browser: &reqwest::Client,
    person: &str,
    reason: &[(&str, &str)],
) -> reqwest::Response {
    let mut form = vec![("person_id", person)];
    form.extend_from_slice(reason);
    post(app, browser, "/admin/citizens/open")
        .form(&form)
        .send()
        .await
        .unwrap()
}

const REASON: [(&str, &str); 2] = [("category", "call"), ("detail", "TICKET-4711")];

#[tokio::test]
async fn every_admin_route_refuses_whoever_lacks_its_permission() {
    let db = TestDb::sqlite();
    let app = TestApp::spawn(&db).await;
    let person = seeded_person(&app).await;
    let (citizen, _) = signed_in_browser(&app, &person, "urn:civitas:loa:substantial").await;
    let mut members = vec![];
    for role in Role::ALL {
        members.push((role, staff_browser(&app, role, role.as_str()).await.0));
    }
    let anonymous = crate::support::client();
    assert!(!ADMIN_ROUTES.is_empty());
    for (method, pattern, permission) in ADMIN_ROUTES {
        // Path parameters get a value of the right shape (an unknown id).
        let path = pattern
            .split('/')
            .map(|segment| match segment {
                "{decision}" => "approve",
                "{change}" => "disable",
                s if s.starts_with('{') => "00000000-0000-0000-0000-000000000000",
                s => s,
            })
            .collect::<Vec<_>>()
            .join("/");
        let send = |browser: &reqwest::Client| {
            let r = match *method {
                "get" => browser.get(app.url(&path)),
                "post" => post(&app, browser, &path).form(&REASON),
                other => panic!("{other} {pattern}: a method the test does not know"),
            };
            r.send()
        };
        let refused = |r: &reqwest::Response| {
            r.status() == 403 || (r.status() == 303 && r.headers()["location"] == "/admin/signin")
        };
        // Signed out, and a citizen's session: refused.
        for (who, browser) in [("signed out", &anonymous), ("a citizen", &citizen)] {
            let r = send(browser).await.unwrap();
            assert!(
                refused(&r),
                "{method} {pattern} let {who} through: {}",
                r.status()
            );
        }
        // Each role: refused exactly when it lacks the permission.
        for (role, browser) in &members {
            let r = send(browser).await.unwrap();
            if role.can(*permission) {
                assert!(
                    !refused(&r),
                    "{method} {pattern} refused {role:?}, which holds {permission:?}"
                );
            } else {
                assert_eq!(
                    r.status(),
                    403,
                    "{method} {pattern} let {role:?} through without {permission:?}"
                );
            }
        }
    }
    // The open routes are only the sign-in and enrolment ceremony.
    for (_, path) in ADMIN_OPEN_ROUTES {
        assert!(
            path.starts_with("/admin/signin")
                || path.starts_with("/admin/enrol")
                || path.starts_with("/admin/passkeys/")
                || *path == "/admin/signout",
            "{path} is open to everyone"
        );
    }
    // A disabled member is out at once, whatever their session says.
    let (browser, id, _) = staff_browser(&app, Role::Helpdesk, "Leaving").await;
    assert_eq!(
        browser
            .get(app.url("/admin"))
            .send()
            .await
            .unwrap()
            .status(),
        200
    );
    civitas::admin::members::disable(&app.state.db, &id, "left the team", app.state.clock.now())
        .await
        .unwrap();
    assert_eq!(
        browser
            .get(app.url("/admin"))
            .send()
            .await
            .unwrap()
            .status(),
        403
    );
    let _ = Permission::Console;
    app.stop().await;
}

async fn opening_a_record_needs_a_reason_and_the_citizen_sees_it_without_the_staff_name(
    db: TestDb,
) {
    let app = TestApp::spawn(&db).await;
    let person = seeded_person(&app).await;
    activated(&app, &person, true).await;
    let (helpdesk, _, pseudonym) = staff_browser(&app, Role::Helpdesk, "Alice Agent").await;
    let me = &civitas::demo::population()[0];

    // Found by national ID (a form post: no national ID in any URL): the minimum only.
    let search = |form: Vec<(&'static str, String)>| {
        post(&app, &helpdesk, "/admin/citizens").form(&form).send()
    };
    let page = search(vec![("national_id", me.national_id.as_str().to_owned())])
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(page.contains(&me.family_name) && page.contains("identity active"));
    // By family name and birth date too.
    let page = search(vec![
        ("family_name", me.family_name.to_lowercase()),
        ("birth_date", me.birth_date.to_string()),
    ])
    .await
    .unwrap()
    .text()
    .await
    .unwrap();
    assert!(
        page.contains(&format!(r#"value="{person}""#)),
        "found by name and birth date"
    );
    // Each search is in the staff log: how, never what.
    let log = staff::find_staff_log_page(&app.state.db, 0, 100)
        .await
        .unwrap();
    let searches: Vec<&str> = log
        .iter()
        .filter(|r| r.action == "search")
        .map(|r| r.reason.as_str())
        .collect();
    assert_eq!(
        searches,
        ["by national ID", "by family name and birth date"]
    );
    // The console speaks French too.
    let (_, page) = crate::support::page_in(&helpdesk, &app, "/admin/citizens", "fr").await;
    assert!(page.contains("Trouver un citoyen") && page.contains("Date de naissance"));

    // The full record cannot be seen without opening it, nor opened without a reason.
    let r = helpdesk
        .get(app.url(&format!("/admin/citizens/{person}")))
        .send()
        .await
        .unwrap();
    assert_eq!(r.headers()["location"], "/admin/citizens");
    for reason in [
        &[][..],
        &[("category", "call"), ("detail", "   ")],
        &[("category", "whim"), ("detail", "T-1")],
    ] {
        let r = open(&app, &helpdesk, &person, reason).await;
        assert_eq!(r.status(), 400, "{reason:?}");
    }
    let before = civitas::store::accounts::find_security_events(&app.state.db, &person)
        .await
        .unwrap()
        .len();

    let r = open(&app, &helpdesk, &person, &REASON).await;
    assert_eq!(r.headers()["location"], format!("/admin/citizens/{person}"));
    let record = helpdesk
        .get(app.url(&format!("/admin/citizens/{person}")))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(record.contains(me.national_id.as_str()) && record.contains("Phone"));

    // The citizen's own history shows it: category, time, pseudonym; never the name or the
    // ticket.
    let (citizen, _) = signed_in_browser(&app, &person, "urn:civitas:loa:substantial").await;
    let account = citizen
        .get(app.url("/account"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        account.contains(&format!(
            "The helpdesk looked at your account at your request by phone (helpdesk agent {pseudonym})"
        )),
        "the opening is in the citizen's history"
    );
    assert!(!account.contains("Alice") && !account.contains("TICKET-4711"));
    let after = civitas::store::accounts::find_security_events(&app.state.db, &person)
        .await
        .unwrap();
    assert_eq!(after.len(), before + 1, "refused openings left no trace");
    app.stop().await;
}

async fn reactivating_an_account_with_passkeys_needs_a_second_supervisor(db: TestDb) {
    let app = TestApp::spawn(&db).await;
    let person = seeded_person(&app).await;
    activated(&app, &person, true).await;
    let (helpdesk, _, _) = staff_browser(&app, Role::Helpdesk, "Hank").await;
    let (first, _, _) = staff_browser(&app, Role::Supervisor, "Sue").await;
    let (second, _, _) = staff_browser(&app, Role::Supervisor, "Sam").await;

    // The supervisor asks (after opening the record): a request, no code yet.
    open(&app, &first, &person, &REASON).await;
    let r = post(
        &app,
        &first,
        &format!("/admin/citizens/{person}/reactivate"),
    )
    .form(&[("category", "visit"), ("detail", "ID card checked, desk 3")])
    .send()
    .await
    .unwrap();
    assert_eq!(
        r.headers()["location"],
        format!("/admin/citizens/{person}?done=requested")
    );
    let open_requests = staff::find_open_staff_requests(&app.state.db, app.state.clock.now())
        .await
        .unwrap();
    assert_eq!(open_requests.len(), 1);
    let id = &open_requests[0].id;
    let approve = |browser: &reqwest::Client| {
        post(&app, browser, &format!("/admin/requests/{id}/approve"))
            .form(&[("category", "visit"), ("detail", "identity confirmed")])
            .send()
    };

    // Not by the requester, not by the helpdesk.
    let r = approve(&first).await.unwrap();
    assert_eq!(r.status(), 400, "self-approval is refused");
    assert_eq!(approve(&helpdesk).await.unwrap().status(), 403);
    // Another supervisor approves: the code is shown once, and works.
    let r = approve(&second).await.unwrap();
    assert_eq!(r.status(), 200);
    assert_eq!(r.headers()["cache-control"], "no-store");
    let page = r.text().await.unwrap();
    let code = page
        .split("<code>")
        .nth(1)
        .and_then(|p| p.split("</code>").next())
        .expect("the code is shown")
        .to_owned();
    let valid = civitas::store::accounts::find_activation_code_valid(
        &app.state.db,
        &civitas::crypto::secrets::sha256_b64(&code.replace('-', "").to_uppercase()),
        &person,
        app.state.clock.now(),
    )
    .await
    .unwrap();
    assert!(valid, "the approved code activates");
    // Decided once only.
    assert_eq!(approve(&second).await.unwrap().status(), 400);

    // The whole sequence is in the citizen's history and in the staff log, and every chain
    // still verifies.
    let kinds: Vec<String> = civitas::store::accounts::find_security_events(&app.state.db, &person)
        .await
        .unwrap()
        .into_iter()
        .map(|e| e.kind)
        .collect();
    for kind in [
        "staff_open_record",
        "staff_request_reactivate",
        "staff_approved_reactivate",
        "staff_reactivation_code",
    ] {
        assert!(
            kinds.iter().any(|k| k == kind),
            "{kind} missing from {kinds:?}"
        );
    }
    let log = staff::find_staff_log_page(&app.state.db, 0, 100)
        .await
        .unwrap();
    let actions: Vec<&str> = log.iter().map(|r| r.action.as_str()).collect();
    assert!(
        actions.ends_with(&[
            "open_record",
            "request_reactivate",
            "approved_reactivate",
            "reactivation_code"
        ]),
        "{actions:?}"
    );
    civitas::admin::log::verify_page(&log, &mut (0, String::new())).unwrap();
    let out = db.civitas(&["ledger", "checkpoint"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let out = db.civitas(&["ledger", "verify"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    app.stop().await;
}

#[tokio::test]
async fn the_insider_guard_locks_a_member_who_opens_too_many_records_in_an_hour() {
    let db = TestDb::sqlite();
    let app = TestApp::spawn_with(&db, |f| f.merge(("admin.record_openings_per_hour", 3))).await;
    let person = seeded_person(&app).await;
    let (helpdesk, id, _) = staff_browser(&app, Role::Helpdesk, "Curious").await;

    // Three openings, then an hour later three more: within the limit.
    for _ in 0..3 {
        assert_eq!(open(&app, &helpdesk, &person, &REASON).await.status(), 303);
    }
    // An hour passes while the member keeps working (the console's idle limit is ten minutes).
    for i in 0..8 {
        app.clock.advance(451);
        let r = helpdesk.get(app.url("/admin")).send().await.unwrap();
        assert_eq!(r.status(), 200, "after {} s", 451 * (i + 1));
    }
    for _ in 0..3 {
        assert_eq!(open(&app, &helpdesk, &person, &REASON).await.status(), 303);
    }
    // The fourth within the hour locks the member, who is out at once.
    let r = open(&app, &helpdesk, &person, &REASON).await;
    assert_eq!(r.status(), 403);
    assert!(
        r.text()
            .await
            .unwrap()
            .contains("operator has been alerted")
    );
    let member = staff::find_staff(&app.state.db, &id)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(member.status, "locked");
    assert!(member.status_reason.unwrap().starts_with("insider guard"));
    // Out at once, and a new passkey sign-in would not help: the lock is on the member.
    let again = staff_session(&app, &id, Role::Helpdesk).await;
    assert_eq!(
        again.get(app.url("/admin")).send().await.unwrap().status(),
        403
    );
    let log = staff::find_staff_log_page(&app.state.db, 0, 100)
        .await
        .unwrap();
    assert_eq!(log.last().unwrap().action, "insider_guard_lock");
    app.stop().await;
}

#[tokio::test]
async fn staff_are_created_listed_and_disabled_from_the_command_line() {
    let db = TestDb::sqlite();
    let out = db.civitas(&[
        "staff",
        "create",
        "--role",
        "helpdesk",
        "--name",
        "Ada Agent",
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let stdout = String::from_utf8_lossy(&out.stdout);
    let link = stdout
        .lines()
        .find_map(|l| l.strip_prefix("enrolment link: "))
        .expect("an enrolment link");
    assert!(link.contains("/admin/enrol?token="), "{link}");
    let id = stdout
        .lines()
        .find_map(|l| l.strip_prefix("staff member:   "))
        .and_then(|l| l.split_whitespace().next())
        .unwrap()
        .to_owned();
    let out = db.civitas(&["staff", "create", "--role", "janitor", "--name", "X"]);
    assert!(!out.status.success(), "an unknown role is refused");
    let out = db.civitas(&["staff", "list"]);
    let listed = String::from_utf8_lossy(&out.stdout);
    assert!(
        listed.contains("Ada Agent") && listed.contains("enrolling"),
        "{listed}"
    );
    let out = db.civitas(&["staff", "disable", &id, "--reason", ""]);
    assert!(!out.status.success(), "a reason is required");
    let out = db.civitas(&["staff", "disable", &id, "--reason", "left"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let out = db.civitas(&["staff", "list"]);
    let listed = String::from_utf8_lossy(&out.stdout).to_string();
    assert!(
        listed.contains(" disabled ") && listed.contains("Ada Agent (left)"),
        "{listed}"
    );
}

async fn every_account_action_needs_a_reason_and_a_fraud_lock_needs_four_eyes_to_lift(db: TestDb) {
    use crate::support::oidc::{consent, register, web_client};
    let app = TestApp::spawn(&db).await;
    let person = seeded_person(&app).await;
    let account_id = activated(&app, &person, true).await;
    let (client_id, secret) = register(&app, web_client("Tax Board")).await;
    consent(&app, &person, &client_id, "openid profile").await;
    let (helpdesk, _, pseudonym) = staff_browser(&app, Role::Helpdesk, "Hana").await;
    let (supervisor, _, _) = staff_browser(&app, Role::Supervisor, "Sid").await;
    let (citizen, _) = signed_in_browser(&app, &person, "urn:civitas:loa:substantial").await;
    let act = |browser: &reqwest::Client, action: &str, form: Vec<(&str, String)>| {
        post(&app, browser, &format!("/admin/citizens/{person}/{action}"))
            .form(&form)
            .send()
    };
    let reason = |category: &str| {
        vec![
            ("category", category.to_owned()),
            ("detail", "TICKET-9".to_owned()),
        ]
    };

    // Nothing without an opened record, nothing without a reason.
    assert_eq!(
        act(&helpdesk, "lock", reason("fraud"))
            .await
            .unwrap()
            .status(),
        400
    );
    open(&app, &helpdesk, &person, &REASON).await;
    assert_eq!(act(&helpdesk, "lock", vec![]).await.unwrap().status(), 400);
    let locked = |db: &civitas::store::Db| {
        let db = db.clone();
        let id = account_id.clone();
        async move {
            accounts::find_account(&db, &id)
                .await
                .unwrap()
                .unwrap()
                .locked_until
                .is_some()
        }
    };
    assert!(!locked(&app.state.db).await);

    // The service holds tokens with offline access.
    let tokens = crate::support::oidc::signed_in_tokens(
        &app,
        &citizen,
        &client_id,
        secret.as_deref().unwrap(),
    )
    .await;
    let refresh = tokens["refresh_token"].as_str().unwrap().to_owned();

    // A fraud lock signs the citizen out everywhere at once, and no data flows on.
    let r = act(&helpdesk, "lock", reason("fraud")).await.unwrap();
    assert_eq!(r.status(), 303);
    assert!(locked(&app.state.db).await);
    let (status, _) = crate::support::oidc::token_request(
        &app,
        &client_id,
        secret.as_deref().unwrap(),
        &[("grant_type", "refresh_token"), ("refresh_token", &refresh)],
    )
    .await;
    assert_eq!(status, 400, "the lock revoked the service's grant");
    // Locking again for another reason does not turn it into a plain lock.
    assert_eq!(
        act(&helpdesk, "lock", reason("call"))
            .await
            .unwrap()
            .status(),
        303
    );
    assert!(
        citizen
            .get(app.url("/account"))
            .send()
            .await
            .unwrap()
            .status()
            .is_redirection(),
        "signed out"
    );
    // Lifting it waits for a supervisor.
    let r = act(&helpdesk, "unlock", reason("call")).await.unwrap();
    assert_eq!(
        r.headers()["location"],
        format!("/admin/citizens/{person}?done=requested")
    );
    assert!(locked(&app.state.db).await, "still locked");
    let request = staff::find_open_staff_requests(&app.state.db, app.state.clock.now())
        .await
        .unwrap()
        .remove(0);
    assert_eq!(request.action, "lift_fraud_lock");
    let r = post(
        &app,
        &supervisor,
        &format!("/admin/requests/{}/approve", request.id),
    )
    .form(&reason("visit"))
    .send()
    .await
    .unwrap();
    assert_eq!(r.status(), 303);
    assert!(!locked(&app.state.db).await, "unlocked once approved");

    // A lost passkey is revoked; a consent withdrawn on request.
    let credential = accounts::find_passkeys_of_account(&app.state.db, &account_id)
        .await
        .unwrap()[0]
        .credential_id
        .clone();
    let mut form = reason("call");
    form.push(("item", credential));
    assert_eq!(
        act(&helpdesk, "passkeys/revoke", form)
            .await
            .unwrap()
            .status(),
        303
    );
    assert!(
        accounts::find_passkeys_of_account(&app.state.db, &account_id)
            .await
            .unwrap()
            .is_empty()
    );
    // With every passkey revoked, a re-activation code still needs a second person.
    let r = act(&helpdesk, "reactivate", reason("call")).await.unwrap();
    assert_eq!(
        r.headers()["location"],
        format!("/admin/citizens/{person}?done=requested"),
        "no one-person take-over by revoking passkeys first"
    );
    let mut form = reason("letter");
    form.push(("item", client_id.clone()));
    assert_eq!(
        act(&helpdesk, "consents/withdraw", form)
            .await
            .unwrap()
            .status(),
        303
    );
    assert!(
        civitas::store::oauth::find_consent(
            &app.state.db,
            &person,
            &client_id,
            app.state.clock.now()
        )
        .await
        .unwrap()
        .is_none()
    );

    // The citizen reads every step in their own history, with the pseudonym only.
    let (citizen, _) = signed_in_browser(&app, &person, "urn:civitas:loa:substantial").await;
    let page = citizen
        .get(app.url("/account"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    for line in [
        "The helpdesk locked your account and signed you out everywhere because of suspected fraud",
        "The helpdesk asked a supervisor to approve unlocking your account at your request by phone",
        "The helpdesk unlocked your account",
        "The helpdesk revoked one of your passkeys at your request by phone",
        "The helpdesk withdrew your consent for a service in answer to your letter",
    ] {
        assert!(
            page.contains(line),
            "missing from the citizen's history: {line}"
        );
    }
    assert!(page.contains(&pseudonym) && !page.contains("Hana") && !page.contains("TICKET-9"));

    // In French, the same steps read in French, category and pseudonym included.
    let (_, page) = crate::support::page_in(&citizen, &app, "/account", "fr").await;
    for line in [
        "L’assistance a verrouillé votre compte et vous a déconnecté partout en raison d’une \
         suspicion de fraude",
        "L’assistance a demandé à un superviseur d’approuver le déverrouillage de votre compte \
         à votre demande, par téléphone",
        "Un superviseur a approuvé la demande de l’assistance",
        "L’assistance a désactivé l’une de vos clés d’accès à votre demande, par téléphone",
        &format!(
            "L’assistance a arrêté le partage de vos informations avec un service en réponse à \
             votre courrier (agent de l’assistance {pseudonym})"
        ),
    ] {
        assert!(
            page.contains(line),
            "missing from the French history: {line}"
        );
    }
    assert!(!page.contains("The helpdesk") && !page.contains("at your request"));
    // The console shows the member the history in the member's language.
    let (_, record) =
        crate::support::page_in(&helpdesk, &app, &format!("/admin/citizens/{person}"), "es").await;
    assert!(
        record.contains("El servicio de ayuda desactivó una de sus llaves de acceso a petición suya por teléfono"),
        "the console's history in Spanish"
    );
    assert!(!record.contains("The helpdesk revoked"));
    app.stop().await;
}

#[tokio::test]
async fn the_console_session_ends_after_ten_idle_minutes_and_never_reaches_citizen_pages() {
    let db = TestDb::sqlite();
    let app = TestApp::spawn(&db).await;
    let (member, _, _) = staff_browser(&app, Role::Supervisor, "Idle").await;
    assert_eq!(
        member.get(app.url("/admin")).send().await.unwrap().status(),
        200
    );
    // The console's cookie is scoped to /admin: citizen pages never see a staff session.
    let r = member.get(app.url("/account")).send().await.unwrap();
    assert_eq!(
        r.headers()["location"],
        "/signin",
        "a staff session is no citizen's"
    );
    app.clock.advance(9 * 60);
    assert_eq!(
        member.get(app.url("/admin")).send().await.unwrap().status(),
        200
    );
    app.clock.advance(10 * 60 + 1);
    let r = member.get(app.url("/admin")).send().await.unwrap();
    assert_eq!(
        r.headers()["location"],
        "/admin/signin",
        "ten minutes idle end it"
    );
    app.stop().await;
}

#[tokio::test]
async fn operators_disable_and_restore_staff_but_never_their_own_and_never_see_enrolment_links() {
    let db = TestDb::sqlite();
    let app = TestApp::spawn(&db).await;
    let (operator, operator_id, _) = staff_browser(&app, Role::Operator, "Olga Operator").await;
    let (member, member_id, _) = staff_browser(&app, Role::Helpdesk, "Hugo").await;
    let change = |id: &str, what: &str| {
        post(&app, &operator, &format!("/admin/staff/{id}/{what}"))
            .form(&REASON)
            .send()
    };
    let page = operator
        .get(app.url("/admin/staff"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(page.contains("Hugo") && page.contains("Olga Operator"));

    // Disabled: out at the next request; restored: back in.
    assert_eq!(change(&member_id, "disable").await.unwrap().status(), 303);
    assert_eq!(
        member.get(app.url("/admin")).send().await.unwrap().status(),
        403
    );
    assert_eq!(change(&member_id, "enable").await.unwrap().status(), 303);
    let again = staff_session(&app, &member_id, Role::Helpdesk).await;
    assert_eq!(
        again.get(app.url("/admin")).send().await.unwrap().status(),
        200
    );
    // Never one's own account, never without a reason.
    assert_eq!(change(&operator_id, "disable").await.unwrap().status(), 400);
    let r = post(
        &app,
        &operator,
        &format!("/admin/staff/{member_id}/disable"),
    )
    .send()
    .await
    .unwrap();
    assert_eq!(r.status(), 400);

    // Enrolment links never show in the console (an operator could enrol as the member):
    // a new one comes from `civitas staff link` on a server, and the old one stops working.
    let (row, old_token) =
        civitas::admin::members::create(&app.state.db, Role::Auditor, "Ada", app.state.clock.now())
            .await
            .unwrap();
    let r = post(
        &app,
        &operator,
        &format!("/admin/staff/{}/enrolment", row.id),
    )
    .form(&REASON)
    .send()
    .await
    .unwrap();
    assert_eq!(r.status(), 404, "no link from the console");
    let token = civitas::admin::members::new_link(&app.state.db, &row.id, app.state.clock.now())
        .await
        .unwrap();
    let fresh = crate::support::client()
        .get(app.url(&format!("/admin/enrol?token={token}")))
        .send()
        .await
        .unwrap();
    assert_eq!(fresh.status(), 200);
    let old = crate::support::client()
        .get(app.url(&format!("/admin/enrol?token={old_token}")))
        .send()
        .await
        .unwrap();
    assert_eq!(old.status(), 400, "the old link no longer works");
    assert!(
        old.text()
            .await
            .unwrap()
            .contains("This enrolment link is unknown, used or expired."),
        "a page that says why"
    );
    let log = staff::find_staff_log_page(&app.state.db, 0, 100)
        .await
        .unwrap();
    let actions: Vec<&str> = log.iter().map(|r| r.action.as_str()).collect();
    for a in ["staff_disable", "staff_enable", "staff_enrolment_link"] {
        assert!(actions.contains(&a), "{a} missing from {actions:?}");
    }
    app.stop().await;
}

#[tokio::test]
async fn a_console_session_ends_twelve_hours_after_sign_in_however_active() {
    let db = TestDb::sqlite();
    let app = TestApp::spawn(&db).await;
    let (member, _, _) = staff_browser(&app, Role::Auditor, "Busy").await;
    // A request every nine minutes for twelve hours keeps the idle limit away...
    for _ in 0..79 {
        app.clock.advance(9 * 60);
        let r = member.get(app.url("/admin")).send().await.unwrap();
        assert_eq!(r.status(), 200);
    }
    // ... but not the absolute one.
    app.clock.advance(9 * 60);
    let r = member.get(app.url("/admin")).send().await.unwrap();
    assert_eq!(r.headers()["location"], "/admin/signin");
    app.stop().await;
}

#[tokio::test]
async fn a_request_whose_requester_was_disabled_cannot_be_approved() {
    let db = TestDb::sqlite();
    let app = TestApp::spawn(&db).await;
    let person = seeded_person(&app).await;
    activated(&app, &person, true).await;
    let (first, first_id, _) = staff_browser(&app, Role::Supervisor, "Gone").await;
    let (second, _, _) = staff_browser(&app, Role::Supervisor, "Stays").await;
    open(&app, &first, &person, &REASON).await;
    post(
        &app,
        &first,
        &format!("/admin/citizens/{person}/reactivate"),
    )
    .form(&REASON)
    .send()
    .await
    .unwrap();
    let id = staff::find_open_staff_requests(&app.state.db, app.state.clock.now())
        .await
        .unwrap()
        .remove(0)
        .id;
    civitas::admin::members::disable(&app.state.db, &first_id, "left", app.state.clock.now())
        .await
        .unwrap();
    let r = post(&app, &second, &format!("/admin/requests/{id}/approve"))
        .form(&REASON)
        .send()
        .await
        .unwrap();
    assert_eq!(
        r.status(),
        400,
        "a disabled member's request stands no more"
    );
    app.stop().await;
}
