//! The relying-party portal: sign-in through the portal's own code flow, organisations,
//! sandbox clients that work at once for test persons only, submission for production and
//! the production client the console's approval registers.

use civitas::{
    admin::Role as StaffRole,
    store::{client_applications, clients},
};

use crate::{
    on_both_databases,
    support::{
        TestApp, TestDb, admin,
        oidc::{self, REDIRECT},
        portal::{self, post},
    },
};

on_both_databases!(
    a_developer_registers_a_sandbox_client_that_signs_in_test_persons_and_never_real_ones,
    a_production_client_exists_after_approval_and_signs_in_real_persons_only,
    a_production_change_waits_for_review_but_redirect_uris_on_approved_hosts_change_at_once,
    national_id_in_production_needs_a_legal_basis_and_two_supervisors,
);

/// Runs the code flow for `person_id` with `client_id` up to the redirect: the code, or the
/// error page's status and text.
async fn code_for(
    app: &TestApp,
    client_id: &str,
    person_id: &str,
    scopes: &str,
) -> Result<String, (u16, String)> {
    oidc::consent(app, person_id, client_id, scopes).await;
    let (browser, _) = oidc::signed_in_browser(app, person_id, "urn:civitas:loa:substantial").await;
    let (_, challenge) = oidc::pkce();
    let r = browser
        .get(oidc::authorize_url(app, client_id, &challenge, &[]))
        .send()
        .await
        .unwrap();
    if r.status() != 303 {
        return Err((r.status().as_u16(), r.text().await.unwrap()));
    }
    let location = r.headers()["location"].to_str().unwrap().to_owned();
    let url = url::Url::parse(&location).unwrap();
    assert!(location.starts_with(REDIRECT), "{location}");
    Ok(url
        .query_pairs()
        .find(|(k, _)| k == "code")
        .map(|(_, v)| v.into_owned())
        .unwrap_or_else(|| panic!("no code in {location}")))
}

async fn a_developer_registers_a_sandbox_client_that_signs_in_test_persons_and_never_real_ones(
    db: TestDb,
) {
    let app = TestApp::spawn(&db).await;
    let (dev, _, _) = portal::developer(&app, 0).await;
    let (status, home) = portal::page(&app, &dev, "/portal").await;
    assert_eq!(status, 200);
    assert!(home.contains("Create an organisation"), "{home}");
    let org = portal::organisation(&app, &dev, "GOV-000123").await;
    let fields = portal::client_fields("Northbank sandbox");
    let (client_id, secret) = portal::sandbox_client(&app, &dev, &org, &fields).await;
    let secret = secret.expect("the secret is shown once");
    // Shown once: the page does not show it again.
    let (_, again) = portal::page(&app, &dev, &format!("/portal/clients/{client_id}")).await;
    assert!(!again.contains(&secret));
    let row = clients::find_client(&app.state.db, &client_id)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(row.environment, "sandbox");
    assert_eq!(row.organisation_id.as_deref(), Some(org.as_str()));

    // A test person signs in at once.
    let tester = portal::person(&app, 1, true).await;
    let code = code_for(&app, &client_id, &tester, "openid profile email")
        .await
        .expect("a code for a test person");
    assert!(!code.is_empty());

    // A real person never: a clear page, no code, nothing shared.
    let real = portal::person(&app, 2, false).await;
    let (status, page) = code_for(&app, &client_id, &real, "openid profile email")
        .await
        .expect_err("a sandbox client cannot sign in a real person");
    assert_eq!(status, 403);
    assert!(page.contains("signs in only test persons"), "{page}");

    // The organisation's log names who did each change.
    let (_, org_page) = portal::page(&app, &dev, &format!("/portal/organisations/{org}")).await;
    assert!(org_page.contains("create sandbox client"), "{org_page}");
    assert!(org_page.contains("create organisation"));

    // In French, the portal's pages and the log's actions are in French.
    let (_, french) =
        crate::support::page_in(&dev, &app, &format!("/portal/organisations/{org}"), "fr").await;
    assert!(french.contains("<html lang=\"fr\""), "{french}");
    assert!(
        french.contains("Enregistrer un client bac à sable"),
        "{french}"
    );
    assert!(
        french.contains("création d’un client bac à sable"),
        "{french}"
    );
    assert!(french.contains("<td>bac à sable</td>"), "{french}");
    app.stop().await;
}

async fn a_production_client_exists_after_approval_and_signs_in_real_persons_only(db: TestDb) {
    let app = TestApp::spawn(&db).await;
    let (dev, _, _) = portal::developer(&app, 0).await;
    let org = portal::organisation(&app, &dev, "GOV-000777").await;
    let (sandbox, _) =
        portal::sandbox_client(&app, &dev, &org, &portal::client_fields("Northbank")).await;
    let r = post(&app, &dev, &format!("/portal/clients/{sandbox}/submit"))
        .form(&[
            ("redirect_uris", REDIRECT),
            ("post_logout_redirect_uris", ""),
            ("legal_basis", ""),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 303, "{}", r.text().await.unwrap_or_default());
    let applications =
        client_applications::find_client_applications_of_sandbox(&app.state.db, &sandbox)
            .await
            .unwrap();
    assert_eq!(applications.len(), 1);
    assert_eq!(applications[0].status, "pending");
    // Awaiting review: no production client exists to be used.
    assert!(
        clients::find_production_client_of(&app.state.db, &sandbox)
            .await
            .unwrap()
            .is_none()
    );
    let (_, page) = portal::page(&app, &dev, &format!("/portal/clients/{sandbox}")).await;
    assert!(page.contains("pending"), "{page}");

    let (supervisor, _) = admin::staff_browser(&app, StaffRole::Supervisor).await;
    let mut form = admin::reason("checked the purpose");
    form.push(("note", String::new()));
    let r = admin::admin_post(
        &app,
        &supervisor,
        &format!("/admin/review/{}/approve", applications[0].id),
    )
    .form(&form)
    .send()
    .await
    .unwrap();
    assert_eq!(r.status(), 303);
    let production = clients::find_production_client_of(&app.state.db, &sandbox)
        .await
        .unwrap()
        .expect("approval registers the production client");
    assert_eq!(production.environment, "production");
    assert_eq!(production.organisation_id.as_deref(), Some(org.as_str()));

    let real = portal::person(&app, 2, false).await;
    code_for(&app, &production.id, &real, "openid profile email")
        .await
        .expect("a production client signs in a real person");
    let tester = portal::person(&app, 1, true).await;
    let (status, page) = code_for(&app, &production.id, &tester, "openid profile email")
        .await
        .expect_err("a production client cannot sign in a test person");
    assert_eq!(status, 403);
    assert!(page.contains("does not accept test persons"), "{page}");
    let (_, page) = portal::page(&app, &dev, &format!("/portal/clients/{sandbox}")).await;
    assert!(page.contains("approved"), "{page}");
    app.stop().await;
}

async fn a_production_change_waits_for_review_but_redirect_uris_on_approved_hosts_change_at_once(
    db: TestDb,
) {
    let app = TestApp::spawn(&db).await;
    let (dev, _, _) = portal::developer(&app, 0).await;
    let org = portal::organisation(&app, &dev, "GOV-000888").await;
    let (sandbox, _) =
        portal::sandbox_client(&app, &dev, &org, &portal::client_fields("Northbank")).await;
    let production = portal::production_client(&app, &dev, &sandbox).await;

    // The sandbox changes at once; the production client only after a new review.
    let mut fields = portal::client_fields("Northbank");
    fields.push(("scope", "phone".into()));
    let r = post(&app, &dev, &format!("/portal/clients/{sandbox}/edit"))
        .form(&fields)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 303);
    let scopes = |id: String| {
        let db = app.state.db.clone();
        async move {
            clients::find_client(&db, &id)
                .await
                .unwrap()
                .unwrap()
                .scopes
        }
    };
    assert!(scopes(sandbox.clone()).await.contains("phone"));
    // A production client's own settings form does not exist: changes go through review.
    let r = post(&app, &dev, &format!("/portal/clients/{production}/edit"))
        .form(&fields)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 400);
    let r = post(&app, &dev, &format!("/portal/clients/{sandbox}/submit"))
        .form(&[
            ("redirect_uris", REDIRECT),
            ("post_logout_redirect_uris", ""),
            ("legal_basis", ""),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 303);
    // While the change waits, production keeps what was approved, and a second submission
    // is refused.
    assert!(!scopes(production.clone()).await.contains("phone"));
    let r = post(&app, &dev, &format!("/portal/clients/{sandbox}/submit"))
        .form(&[
            ("redirect_uris", REDIRECT),
            ("post_logout_redirect_uris", ""),
            ("legal_basis", ""),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 400);
    assert!(
        r.text()
            .await
            .unwrap()
            .contains("already waiting for review")
    );
    let pending = client_applications::find_client_applications_of_sandbox(&app.state.db, &sandbox)
        .await
        .unwrap()
        .into_iter()
        .find(|a| a.status == "pending")
        .unwrap();
    assert_eq!(pending.client_id.as_deref(), Some(production.as_str()));
    let (supervisor, _) = admin::staff_browser(&app, StaffRole::Supervisor).await;
    let mut form = admin::reason("phone is needed for account alerts");
    form.push(("note", String::new()));
    let r = admin::admin_post(
        &app,
        &supervisor,
        &format!("/admin/review/{}/approve", pending.id),
    )
    .form(&form)
    .send()
    .await
    .unwrap();
    assert_eq!(r.status(), 303);
    assert!(scopes(production.clone()).await.contains("phone"));
    assert_eq!(
        clients::find_production_client_of(&app.state.db, &sandbox)
            .await
            .unwrap()
            .unwrap()
            .id,
        production,
        "a change updates the same production client"
    );

    // Redirect URIs on the approved host change at once; a new host needs a review.
    let path = format!("/portal/clients/{production}/redirect-uris");
    let two = format!("{REDIRECT}\nhttps://rp.example.org/second");
    let r = post(&app, &dev, &path)
        .form(&[("redirect_uris", two.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 303);
    let uris = clients::find_client_redirect_uris(&app.state.db, &production, "login")
        .await
        .unwrap();
    assert_eq!(uris.len(), 2, "{uris:?}");
    let r = post(&app, &dev, &path)
        .form(&[("redirect_uris", "https://elsewhere.example/cb")])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 400);
    assert!(
        r.text()
            .await
            .unwrap()
            .contains("is not a host this client was approved for")
    );
    let uris = clients::find_client_redirect_uris(&app.state.db, &production, "login")
        .await
        .unwrap();
    assert_eq!(uris.len(), 2, "nothing changed: {uris:?}");
    // The organisation's log says who approved (the reviewer's pseudonym) and who changed.
    let (_, org_page) = portal::page(&app, &dev, &format!("/portal/organisations/{org}")).await;
    assert!(org_page.contains("approve change") && org_page.contains("Civitas reviewer T-"));
    assert!(org_page.contains("change redirect uris"));
    app.stop().await;
}

async fn national_id_in_production_needs_a_legal_basis_and_two_supervisors(db: TestDb) {
    let app = TestApp::spawn(&db).await;
    let (dev, _, _) = portal::developer(&app, 0).await;
    let org = portal::organisation(&app, &dev, "GOV-000999").await;
    // national_id is for FAPI 2.0 clients: private_key_jwt with the profile.
    let key =
        civitas::crypto::keys::PrivateKey::generate(civitas::crypto::keys::Alg::Es256).unwrap();
    let mut fields: Vec<(&str, String)> = portal::client_fields("Northbank KYC")
        .into_iter()
        .filter(|(k, _)| *k != "token_endpoint_auth_method")
        .collect();
    fields.extend([
        ("scope", "national_id".into()),
        ("token_endpoint_auth_method", "private_key_jwt".into()),
        (
            "jwks",
            serde_json::json!({ "keys": [key.public_jwk()] }).to_string(),
        ),
        ("fapi", "on".into()),
    ]);
    let (sandbox, _) = portal::sandbox_client(&app, &dev, &org, &fields).await;
    let basis = "Anti-Money Laundering Act, section 12: customer due diligence";
    let r = post(&app, &dev, &format!("/portal/clients/{sandbox}/submit"))
        .form(&[
            ("redirect_uris", REDIRECT),
            ("post_logout_redirect_uris", ""),
            ("legal_basis", basis),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 303);
    let application =
        client_applications::find_client_applications_of_sandbox(&app.state.db, &sandbox)
            .await
            .unwrap()
            .remove(0);
    assert_eq!(application.legal_basis.as_deref(), Some(basis));
    let (first, _) = admin::staff_browser(&app, StaffRole::Supervisor).await;
    let (_, queue) = admin::page(&first, &app, "/admin/review").await;
    assert!(queue.contains("Legal basis given") && queue.contains("Anti-Money Laundering Act"));
    let mut form = admin::reason("legal basis checked");
    form.push(("note", String::new()));
    let r = admin::admin_post(
        &app,
        &first,
        &format!("/admin/review/{}/approve", application.id),
    )
    .form(&form)
    .send()
    .await
    .unwrap();
    assert_eq!(r.status(), 303);
    // One reviewer is not enough: nothing is registered yet.
    assert!(
        clients::find_production_client_of(&app.state.db, &sandbox)
            .await
            .unwrap()
            .is_none()
    );
    let request =
        civitas::store::staff::find_open_staff_requests(&app.state.db, app.state.clock.now())
            .await
            .unwrap()
            .into_iter()
            .find(|r| r.subject == application.id)
            .expect("a four-eyes request");
    let approve = format!("/admin/requests/{}/approve", request.id);
    // The reviewer cannot approve their own request; a second supervisor can.
    let r = admin::admin_post(&app, &first, &approve)
        .form(&admin::reason("me again"))
        .send()
        .await
        .unwrap();
    assert_ne!(r.status(), 303, "the asker approved their own request");
    let (second, _) = admin::staff_browser(&app, StaffRole::Supervisor).await;
    let r = admin::admin_post(&app, &second, &approve)
        .form(&admin::reason("second pair of eyes"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 303);
    let production = clients::find_production_client_of(&app.state.db, &sandbox)
        .await
        .unwrap()
        .expect("registered after the second approval");
    assert!(production.scopes.contains("national_id"));
    // The staff log records the legal basis with the approval.
    let log = civitas::store::staff::find_staff_log_page(&app.state.db, 0, 1000)
        .await
        .unwrap();
    assert!(
        log.iter()
            .any(|r| r.action == "approve_application" && r.reason.contains(basis)),
        "{:?}",
        log.iter()
            .map(|r| (&r.action, &r.reason))
            .collect::<Vec<_>>()
    );
    app.stop().await;
}
