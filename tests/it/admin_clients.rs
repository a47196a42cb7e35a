//! Relying parties in the console: find, show, suspend and resume (tokens stop at once),
//! four eyes for production clients and the national_id scope, and the review queue.

use civitas::{
    admin::Role,
    oidc::clients::ClientRequest,
    store::{
        client_applications::{self, ClientApplicationRow},
        clients, staff,
    },
};

use crate::{
    on_both_databases,
    support::{
        TestApp, TestDb,
        admin::{admin_post, page, reason, staff_browser, staff_log},
        oidc::{
            REDIRECT, consent, get_code, pkce, register, seeded_person, signed_in_browser,
            token_request, web_client,
        },
    },
};

on_both_databases!(
    suspending_a_client_stops_its_tokens_at_the_next_request_and_resuming_restores_them,
    suspending_a_production_client_and_granting_national_id_need_a_second_supervisor,
    the_review_queue_approves_rejects_and_asks_for_changes_each_with_a_reason,
);

async fn userinfo(app: &TestApp, access_token: &str) -> u16 {
    app.client
        .get(app.url("/userinfo"))
        .bearer_auth(access_token)
        .send()
        .await
        .unwrap()
        .status()
        .as_u16()
}

async fn suspending_a_client_stops_its_tokens_at_the_next_request_and_resuming_restores_them(
    db: TestDb,
) {
    let app = TestApp::spawn(&db).await;
    let person = seeded_person(&app).await;
    let (client_id, secret) = register(&app, web_client("Tax Board")).await;
    let secret = secret.unwrap();
    consent(&app, &person, &client_id, "openid profile email").await;
    let (citizen, _) = signed_in_browser(&app, &person, "urn:civitas:loa:substantial").await;
    let (verifier, challenge) = pkce();
    let code = get_code(&app, &citizen, &client_id, &challenge).await;
    let (status, tokens) = token_request(
        &app,
        &client_id,
        &secret,
        &[
            ("grant_type", "authorization_code"),
            ("code", code.as_str()),
            ("redirect_uri", REDIRECT),
            ("code_verifier", verifier.as_str()),
        ],
    )
    .await;
    assert_eq!(status, 200, "{tokens}");
    let access = tokens["access_token"].as_str().unwrap().to_owned();
    let refresh = tokens["refresh_token"].as_str().unwrap().to_owned();
    assert_eq!(userinfo(&app, &access).await, 200);

    // The operator finds the client by name and by part of its id, and opens it.
    let (operator, _) = staff_browser(&app, Role::Operator).await;
    let (status, list) = page(&operator, &app, "/admin/clients?q=tax").await;
    assert_eq!(status, 200);
    assert!(list.contains(&client_id), "{list}");
    let (_, list) = page(
        &operator,
        &app,
        &format!("/admin/clients?q={}", &client_id[2..8]),
    )
    .await;
    assert!(list.contains("Tax Board"), "{list}");
    let (_, list) = page(&operator, &app, "/admin/clients?q=nobody").await;
    assert!(!list.contains(&client_id), "{list}");
    let (status, shown) = page(&operator, &app, &format!("/admin/clients/{client_id}")).await;
    assert_eq!(status, 200);
    assert!(
        shown.contains(REDIRECT) && shown.contains("client_secret_basic"),
        "{shown}"
    );
    assert!(shown.contains("Suspend"), "{shown}");
    // A failed redemption shows on the client's page, to help its developers.
    let (status, _) = token_request(
        &app,
        &client_id,
        &secret,
        &[
            ("grant_type", "authorization_code"),
            ("code", "not-a-code"),
            ("redirect_uri", REDIRECT),
            ("code_verifier", &"v".repeat(43)),
        ],
    )
    .await;
    assert_eq!(status, 400);
    let (_, shown) = page(&operator, &app, &format!("/admin/clients/{client_id}")).await;
    assert!(
        shown.contains("<code>invalid_grant</code> the authorization code is not valid"),
        "the client's recent errors: {shown}"
    );

    // The helpdesk may not suspend; nobody may without a reason.
    let (helpdesk, _) = staff_browser(&app, Role::Helpdesk).await;
    let suspend = format!("/admin/clients/{client_id}/suspend");
    let r = admin_post(&app, &helpdesk, &suspend)
        .form(&reason("T-9"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 403);
    let r = admin_post(&app, &operator, &suspend)
        .form(&[("category", "other"), ("detail", " ")])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 400);
    assert_eq!(
        clients::find_client(&app.state.db, &client_id)
            .await
            .unwrap()
            .unwrap()
            .status,
        "active"
    );

    let r = admin_post(&app, &operator, &suspend)
        .form(&reason("INC-7 leaked secret"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 303);
    assert!(
        r.headers()["location"]
            .to_str()
            .unwrap()
            .ends_with("done=suspended")
    );

    // Its live tokens fail at their next use.
    let (status, body) = token_request(
        &app,
        &client_id,
        &secret,
        &[
            ("grant_type", "refresh_token"),
            ("refresh_token", refresh.as_str()),
        ],
    )
    .await;
    assert_eq!(
        (status, body["error"].as_str()),
        (401, Some("invalid_client")),
        "{body}"
    );
    assert_eq!(userinfo(&app, &access).await, 401);
    let (_, shown) = page(&operator, &app, &format!("/admin/clients/{client_id}")).await;
    assert!(
        shown.contains("INC-7 leaked secret") && shown.contains("Resume"),
        "{shown}"
    );

    // Resumed, the tokens that have not expired work again.
    let r = admin_post(
        &app,
        &operator,
        &format!("/admin/clients/{client_id}/resume"),
    )
    .form(&reason("INC-7 secret rotated"))
    .send()
    .await
    .unwrap();
    assert_eq!(r.status(), 303);
    assert_eq!(userinfo(&app, &access).await, 200);
    assert_eq!(
        staff_log(&app).await,
        vec![
            ("suspend_client".to_owned(), client_id.clone()),
            ("resume_client".to_owned(), client_id.clone()),
        ]
    );
}

async fn suspending_a_production_client_and_granting_national_id_need_a_second_supervisor(
    db: TestDb,
) {
    let app = TestApp::spawn(&db).await;
    let mut production = web_client("Population Bank");
    production.scope = Some("profile email".into());
    let (bank, _) = crate::support::oidc::register_in(&app, production).await;
    // national_id goes to FAPI 2.0 clients only.
    let (plain, _) = register(&app, web_client("Kiosk")).await;
    let shop = crate::support::fapi::FapiRp::register(&app, |c| ClientRequest {
        display_name: "Corner Shop".into(),
        scope: Some("profile".into()),
        ..c
    })
    .await
    .id;
    let (operator, _) = staff_browser(&app, Role::Operator).await;
    let (first, _) = staff_browser(&app, Role::Supervisor).await;
    let (second, _) = staff_browser(&app, Role::Supervisor).await;
    let status_of = |id: String| {
        let db = app.state.db.clone();
        async move { clients::find_client(&db, &id).await.unwrap().unwrap() }
    };
    let open_requests = || async {
        staff::find_open_staff_requests(&app.state.db, app.state.clock.now())
            .await
            .unwrap()
    };

    // Suspending the production client only files a request.
    let r = admin_post(&app, &operator, &format!("/admin/clients/{bank}/suspend"))
        .form(&reason("INC-8"))
        .send()
        .await
        .unwrap();
    assert!(
        r.headers()["location"]
            .to_str()
            .unwrap()
            .ends_with("done=requested")
    );
    assert_eq!(status_of(bank.clone()).await.status, "active");
    let requests = open_requests().await;
    assert_eq!(requests.len(), 1);
    let (_, listed) = page(&first, &app, "/admin/requests").await;
    assert!(
        listed.contains("Suspending a production relying party"),
        "{listed}"
    );
    assert!(
        listed.contains(&format!("/admin/clients/{bank}")),
        "{listed}"
    );
    // The operator cannot approve; a supervisor can, and the client is suspended.
    let approve = format!("/admin/requests/{}/approve", requests[0].id);
    let r = admin_post(&app, &operator, &approve)
        .form(&reason("ok"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 403);
    let r = admin_post(&app, &first, &approve)
        .form(&reason("checked INC-8"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 303);
    let bank_row = status_of(bank.clone()).await;
    assert_eq!(
        (bank_row.status.as_str(), bank_row.status_reason.as_deref()),
        ("disabled", Some("other: INC-8"))
    );

    let r = admin_post(&app, &first, &format!("/admin/clients/{plain}/national-id"))
        .form(&reason("contract 2026-15"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 400, "a client without the FAPI 2.0 profile");
    // A supervisor asks for national_id for the shop; they cannot approve it themselves.
    let r = admin_post(&app, &first, &format!("/admin/clients/{shop}/national-id"))
        .form(&reason("contract 2026-14"))
        .send()
        .await
        .unwrap();
    assert!(
        r.headers()["location"]
            .to_str()
            .unwrap()
            .ends_with("done=requested")
    );
    let requests = open_requests().await;
    assert_eq!(requests.len(), 1);
    let approve = format!("/admin/requests/{}/approve", requests[0].id);
    let r = admin_post(&app, &first, &approve)
        .form(&reason("mine"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 400);
    assert!(!status_of(shop.clone()).await.scopes.contains("national_id"));
    let r = admin_post(&app, &second, &approve)
        .form(&reason("legal basis checked"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 303);
    assert!(status_of(shop.clone()).await.scopes.contains("national_id"));

    let actions: Vec<String> = staff_log(&app).await.into_iter().map(|(a, _)| a).collect();
    assert_eq!(
        actions,
        [
            "request_suspend_client",
            "approved_suspend_client",
            "suspend_client",
            "request_grant_national_id",
            "approved_grant_national_id",
            "grant_national_id",
        ]
    );
}

/// Files an application as the relying-party portal does (without an organisation: approving
/// it records the decision only).
async fn apply(app: &TestApp, name: &str, scopes: &str) -> String {
    let row = ClientApplicationRow {
        id: uuid::Uuid::new_v4().to_string(),
        organisation: format!("{name} Ltd"),
        applicant: "portal-account-1".into(),
        display_name: name.into(),
        purpose: "Opening accounts".into(),
        scopes: scopes.into(),
        redirect_uris: "https://rp.example.org/callback".into(),
        metadata: "{}".into(),
        client_id: None,
        status: "pending".into(),
        decision_note: None,
        decided_by: None,
        decided_at: None,
        submitted_at: app.state.clock.now(),
        organisation_id: None,
        sandbox_client_id: None,
        legal_basis: None,
    };
    civitas::transaction!(app.state.db, sqlx::Error, |tx| {
        client_applications::insert_client_application(tx, &row).await?;
        Ok(())
    })
    .unwrap();
    row.id
}

async fn the_review_queue_approves_rejects_and_asks_for_changes_each_with_a_reason(db: TestDb) {
    let app = TestApp::spawn(&db).await;
    let plain = apply(&app, "Garden Club", "profile").await;
    let rejected = apply(&app, "Dubious Data", "profile email address").await;
    let changes = apply(&app, "Rail Tickets", "profile").await;
    let bank = apply(&app, "Savings Bank", "profile national_id").await;
    let (helpdesk, _) = staff_browser(&app, Role::Helpdesk).await;
    let (operator, _) = staff_browser(&app, Role::Operator).await;
    let (supervisor, _) = staff_browser(&app, Role::Supervisor).await;
    let decide = |id: &str, decision: &str, note: &str, who: &reqwest::Client| {
        let mut form = reason("REV-1");
        form.push(("note", note.to_owned()));
        admin_post(&app, who, &format!("/admin/review/{id}/{decision}")).form(&form)
    };
    let status_of = |id: String| {
        let db = app.state.db.clone();
        async move {
            client_applications::find_client_application(&db, &id)
                .await
                .unwrap()
                .unwrap()
        }
    };

    assert_eq!(page(&helpdesk, &app, "/admin/review").await.0, 403);
    let (status, queue) = page(&operator, &app, "/admin/review").await;
    assert_eq!(status, 200);
    for name in [
        "Garden Club",
        "Dubious Data",
        "Rail Tickets",
        "Savings Bank",
    ] {
        assert!(queue.contains(name), "{queue}");
    }

    let r = decide(&plain, "approve", "", &operator)
        .send()
        .await
        .unwrap();
    assert!(
        r.headers()["location"]
            .to_str()
            .unwrap()
            .ends_with("done=approved")
    );
    assert_eq!(status_of(plain.clone()).await.status, "approved");

    // Rejecting and asking for changes need a note the applicant reads.
    let r = decide(&rejected, "reject", " ", &operator)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 400);
    let r = decide(
        &rejected,
        "reject",
        "No lawful basis for the address.",
        &operator,
    )
    .send()
    .await
    .unwrap();
    assert_eq!(r.status(), 303);
    let row = status_of(rejected.clone()).await;
    assert_eq!(
        (row.status.as_str(), row.decision_note.as_deref()),
        ("rejected", Some("No lawful basis for the address."))
    );
    let r = decide(
        &changes,
        "changes",
        "Name the purpose in plain words.",
        &supervisor,
    )
    .send()
    .await
    .unwrap();
    assert_eq!(r.status(), 303);
    assert_eq!(status_of(changes.clone()).await.status, "changes_requested");
    // A decided application is decided once.
    let r = decide(&changes, "approve", "", &operator)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 400);

    // Approving an application for national_id waits for a supervisor other than the reviewer.
    let r = decide(&bank, "approve", "", &supervisor)
        .send()
        .await
        .unwrap();
    assert!(
        r.headers()["location"]
            .to_str()
            .unwrap()
            .ends_with("done=requested")
    );
    assert_eq!(status_of(bank.clone()).await.status, "pending");
    let requests = staff::find_open_staff_requests(&app.state.db, app.state.clock.now())
        .await
        .unwrap();
    let approve = format!("/admin/requests/{}/approve", requests[0].id);
    let r = admin_post(&app, &supervisor, &approve)
        .form(&reason("mine"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 400);
    let (other, _) = staff_browser(&app, Role::Supervisor).await;
    let r = admin_post(&app, &other, &approve)
        .form(&reason("contract seen"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 303);
    assert_eq!(status_of(bank.clone()).await.status, "approved");
    let (_, queue) = page(&operator, &app, "/admin/review").await;
    assert!(queue.contains("No application waits"), "{queue}");

    assert_eq!(
        staff_log(&app).await,
        vec![
            ("approve_application".to_owned(), plain),
            ("reject_application".to_owned(), rejected),
            ("request_changes".to_owned(), changes),
            ("request_approve_application".to_owned(), bank.clone()),
            ("approved_approve_application".to_owned(), bank.clone()),
            ("approve_application".to_owned(), bank),
        ]
    );
}
