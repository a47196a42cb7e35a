//! The portal's copy-paste integration page: the client's own values in every snippet, the
//! claim catalogue, never a secret, and nothing for other organisations.

use civitas::{
    crypto::{Alg, PrivateKey},
    oidc::claims::claim_catalogue,
};

use crate::{
    on_both_databases,
    support::{
        TestApp, TestDb,
        oidc::REDIRECT,
        portal::{self, snippets},
    },
};

on_both_databases!(
    the_integration_page_fills_every_snippet_with_the_clients_values_and_lists_every_claim,
    a_private_key_jwt_client_gets_snippets_that_sign_with_its_registered_key,
    the_integration_page_is_not_found_for_another_organisations_member,
);

async fn the_integration_page_fills_every_snippet_with_the_clients_values_and_lists_every_claim(
    db: TestDb,
) {
    let app = TestApp::spawn(&db).await;
    let (dev, _, _) = portal::developer(&app, 0).await;
    let org = portal::organisation(&app, &dev, "GOV-000123").await;
    let (client_id, secret) =
        portal::sandbox_client(&app, &dev, &org, &portal::client_fields("Northbank")).await;
    let secret = secret.expect("a client secret");

    let (status, html) = portal::page(
        &app,
        &dev,
        &format!("/portal/clients/{client_id}/integration"),
    )
    .await;

    assert_eq!(status, 200, "{html}");
    let discovery = app.url("/.well-known/openid-configuration");
    assert!(html.contains(&format!("<code id=\"discovery-url\">{discovery}</code>")));
    assert!(html.contains("signs in test persons only"), "{html}");
    let code = snippets(&html);
    assert_eq!(code.len(), 3, "Rust, Node and Python");
    for (name, snippet) in &code {
        for value in [client_id.as_str(), REDIRECT, discovery.as_str(), &app.base] {
            assert!(snippet.contains(value), "{name} lacks {value}:\n{snippet}");
        }
        assert!(
            snippet.contains("CIVITAS_CLIENT_SECRET"),
            "{name}:\n{snippet}"
        );
        assert!(snippet.contains("S256"), "{name}: PKCE S256");
        assert!(snippet.contains("nonce"), "{name}: a nonce");
        assert!(snippet.contains("state"), "{name}: a state");
        assert!(
            !snippet.contains("client-key.pem"),
            "{name}: no private key"
        );
        assert!(!snippet.contains("{{") && !snippet.contains("{%"), "{name}");
    }
    // The registered scopes (stored in order; openid first).
    assert!(code[0].1.contains(r#"Scope::new("email".into())"#));
    assert!(code[0].1.contains(r#"Scope::new("profile".into())"#));
    assert!(code[1].1.contains("scope: 'openid email profile'"));
    assert!(code[2].1.contains(r#"scope="openid email profile""#));
    // The registered ID-token algorithm (ES256): each library is told to accept it.
    assert!(code[0].1.contains("EcdsaP256Sha256"));
    assert!(code[1].1.contains("id_token_signed_response_alg: 'ES256'"));
    assert!(code[2].1.contains(r#"algorithms=["ES256"]"#));
    // This Civitas is served over http: openid-client must be told, with a warning.
    assert!(code[1].1.contains("allowInsecureRequests"));
    for entry in claim_catalogue() {
        assert!(
            html.contains(&format!("<code>{}</code>", entry.claim)),
            "the catalogue lacks {}",
            entry.claim
        );
    }
    assert!(html.contains("registry: <code>birth_date</code>"));
    assert!(!html.contains(&secret), "the secret is never on the page");
    app.stop().await;
}

async fn a_private_key_jwt_client_gets_snippets_that_sign_with_its_registered_key(db: TestDb) {
    let app = TestApp::spawn(&db).await;
    let (dev, _, _) = portal::developer(&app, 0).await;
    let org = portal::organisation(&app, &dev, "GOV-000123").await;
    let jwk = PrivateKey::generate(Alg::Rs256).unwrap().public_jwk();
    let mut fields: Vec<(&str, String)> = portal::client_fields("Northbank")
        .into_iter()
        .filter(|(k, _)| {
            !matches!(
                *k,
                "token_endpoint_auth_method" | "id_token_signed_response_alg"
            )
        })
        .collect();
    fields.push(("token_endpoint_auth_method", "private_key_jwt".into()));
    fields.push(("id_token_signed_response_alg", "RS256".into()));
    fields.push(("jwks", serde_json::json!({ "keys": [jwk] }).to_string()));
    let (client_id, secret) = portal::sandbox_client(&app, &dev, &org, &fields).await;
    assert!(secret.is_none());

    let (status, html) = portal::page(
        &app,
        &dev,
        &format!("/portal/clients/{client_id}/integration"),
    )
    .await;

    assert_eq!(status, 200, "{html}");
    let code = snippets(&html);
    assert_eq!(code.len(), 3);
    for (name, snippet) in &code {
        assert!(snippet.contains(&client_id), "{name}");
        assert!(snippet.contains("client-key.pem"), "{name}:\n{snippet}");
        assert!(
            snippet.contains(&jwk.kid),
            "{name} names the key:\n{snippet}"
        );
        assert!(snippet.contains("RS256"), "{name}: the key's algorithm");
        assert!(
            !snippet.contains("CIVITAS_CLIENT_SECRET"),
            "{name}: no secret"
        );
    }
    assert!(code[0].1.contains("from_rsa_pem"));
    assert!(code[0].1.contains("RsaSsaPkcs1V15Sha256"));
    assert!(code[1].1.contains("client.PrivateKeyJwt("));
    assert!(code[2].1.contains("RSAKey.import_key"));
    app.stop().await;
}

async fn the_integration_page_is_not_found_for_another_organisations_member(db: TestDb) {
    let app = TestApp::spawn(&db).await;
    let (owner, _, _) = portal::developer(&app, 0).await;
    let org = portal::organisation(&app, &owner, "GOV-000123").await;
    let (client_id, _) =
        portal::sandbox_client(&app, &owner, &org, &portal::client_fields("Northbank")).await;
    let (stranger, _, _) = portal::developer(&app, 2).await;
    portal::organisation(&app, &stranger, "GOV-000456").await;

    let (status, html) = portal::page(
        &app,
        &stranger,
        &format!("/portal/clients/{client_id}/integration"),
    )
    .await;

    assert_eq!(status, 404);
    assert!(!html.contains(&client_id), "nothing about the client");
    app.stop().await;
}
