//! Every registration rule, as a developer meets it in the portal's client form: the page
//! names the field, the rule and a valid example (the same rules and texts as RFC 7591
//! registration and `civitas client create`).

use crate::{
    on_both_databases,
    support::{
        TestApp, TestDb,
        portal::{self, post},
    },
};

on_both_databases!(each_client_form_rule_shows_the_field_the_rule_and_an_example);

/// Form fields to replace, each with its values.
type Overrides<'a> = Vec<(&'static str, &'a [&'a str])>;

/// The base form with `overrides`: a key given here replaces every value of that key in the
/// base (an empty list of values removes it).
fn form(overrides: &[(&'static str, &[&str])]) -> Vec<(&'static str, String)> {
    let mut fields: Vec<(&'static str, String)> = portal::client_fields("Northbank")
        .into_iter()
        .filter(|(k, _)| !overrides.iter().any(|(o, _)| o == k))
        .collect();
    for (k, values) in overrides {
        for v in *values {
            fields.push((k, (*v).to_owned()));
        }
    }
    fields
}

const EC_KEY: &str = r#"{"kty":"EC","crv":"P-256","kid":"k1","x":"f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEU","y":"x_FEzRu9m36HLN_tue659LNpXW6pCyStikYjKIWI5a0"}"#;

async fn each_client_form_rule_shows_the_field_the_rule_and_an_example(db: TestDb) {
    let app = TestApp::spawn(&db).await;
    let (dev, _, _) = portal::developer(&app, 0).await;
    let org = portal::organisation(&app, &dev, "GOV-000321").await;
    let long_name = "x".repeat(101);
    let jwks = format!(r#"{{"keys":[{EC_KEY}]}}"#);
    let private_jwks = format!(
        r#"{{"keys":[{}]}}"#,
        EC_KEY.replace("}", r#","d":"secret"}"#)
    );
    const OCT_JWKS: &str = r#"{"keys":[{"kty":"OKP","crv":"Ed25519","kid":"a","x":"11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo"}]}"#;
    let no_kid = format!(r#"{{"keys":[{}]}}"#, EC_KEY.replace(r#""kid":"k1","#, ""));
    let pkjwt: &[&str] = &["private_key_jwt"];
    let (long_name, jwks, private_jwks, no_kid) = (
        [long_name.as_str()],
        [jwks.as_str()],
        [private_jwks.as_str()],
        [no_kid.as_str()],
    );
    const EXAMPLE_URI: &str = "Example: https://www.northbank.example/callback";
    let cases: Vec<(Overrides, &[&str])> = vec![
        (
            vec![("client_name", &[""])],
            &[
                "client_name: is required.",
                "Example: \"Northbank online banking\"",
            ],
        ),
        (
            vec![("client_name", &long_name)],
            &["client_name: must be at most 100 characters, without control characters."],
        ),
        (
            vec![("purpose", &[""])],
            &["purpose: is required.", "Example: \"To open your account"],
        ),
        (
            vec![("logo_uri", &["not a uri"])],
            &[
                "logo_uri: is not an absolute URI.",
                "Example: https://www.northbank.example/logo.png",
            ],
        ),
        (
            vec![("logo_uri", &["http://www.northbank.example/logo.png"])],
            &["logo_uri: must be an https URI in canonical form."],
        ),
        (
            vec![("application_type", &["desktop"])],
            &["application_type: must be web or native.", "Example: web"],
        ),
        (
            vec![("redirect_uris", &[""])],
            &["redirect_uris: at least one is required.", EXAMPLE_URI],
        ),
        (
            vec![("redirect_uris", &["http://rp.example.org/cb"])],
            &[
                "redirect_uris: http://rp.example.org/cb must use https (http is allowed only for localhost during development).",
                EXAMPLE_URI,
            ],
        ),
        (
            vec![("redirect_uris", &["https://rp.example.org/cb#top"])],
            &["redirect_uris: https://rp.example.org/cb#top must not contain a fragment (#)."],
        ),
        (
            vec![("redirect_uris", &["https://rp.example.org/*"])],
            &["must not contain wildcards: register every URI exactly."],
        ),
        (
            vec![("redirect_uris", &["https://user@rp.example.org/cb"])],
            &["must not contain user information."],
        ),
        (
            vec![("redirect_uris", &["https://RP.example.org/cb"])],
            &["must be written in canonical form: https://rp.example.org/cb"],
        ),
        (
            vec![(
                "redirect_uris",
                &["https://rp.example.org/cb\nhttps://rp.example.org/cb"],
            )],
            &["redirect_uris: https://rp.example.org/cb is listed twice."],
        ),
        (
            vec![("redirect_uris", &["relative/cb"])],
            &["redirect_uris: relative/cb is not an absolute URI"],
        ),
        (
            vec![
                ("application_type", &["native"]),
                ("redirect_uris", &["http://rp.example.org/cb"]),
            ],
            &["a native app's http redirect must use a loopback IP (127.0.0.1 or [::1])"],
        ),
        (
            vec![
                ("application_type", &["native"]),
                ("redirect_uris", &["myapp:/cb"]),
            ],
            &["a native app's private-use scheme must be a reverse domain name"],
        ),
        (
            vec![("post_logout_redirect_uris", &["http://rp.example.org/bye"])],
            &[
                "post_logout_redirect_uris: http://rp.example.org/bye must use https",
                "Example: https://www.northbank.example/signed-out",
            ],
        ),
        (
            vec![("token_endpoint_auth_method", &["none"])],
            &[
                "token_endpoint_auth_method: must be client_secret_basic, client_secret_post or private_key_jwt.",
                "Example: client_secret_basic.",
            ],
        ),
        (
            vec![("token_endpoint_auth_method", pkjwt)],
            &[
                "jwks: private_key_jwt and encrypted responses need jwks or jwks_uri.",
                "public keys only), or a jwks_uri.",
            ],
        ),
        (
            vec![
                ("token_endpoint_auth_method", pkjwt),
                ("jwks", &jwks),
                ("jwks_uri", &["https://keys.northbank.example/jwks"]),
            ],
            &["jwks: give jwks or jwks_uri, not both."],
        ),
        (
            vec![
                ("token_endpoint_auth_method", pkjwt),
                ("jwks", &["not json"]),
            ],
            &["jwks: must be an object with a non-empty keys array."],
        ),
        (
            vec![
                ("token_endpoint_auth_method", pkjwt),
                ("jwks", &private_jwks),
            ],
            &["jwks: holds a private key: register the public key only."],
        ),
        (
            vec![("token_endpoint_auth_method", pkjwt), ("jwks", &[OCT_JWKS])],
            &["jwks: keys must be EC P-256 or RSA."],
        ),
        (
            vec![("token_endpoint_auth_method", pkjwt), ("jwks", &no_kid)],
            &["jwks: every key needs a kid."],
        ),
        (
            vec![
                ("token_endpoint_auth_method", pkjwt),
                ("jwks_uri", &["http://keys.northbank.example/jwks"]),
            ],
            &[
                "jwks_uri: http://keys.northbank.example/jwks must use https",
                "Example: https://www.northbank.example/.well-known/jwks.json",
            ],
        ),
        (
            vec![("jwks", &jwks)],
            &["jwks: keys are only used with private_key_jwt or encrypted responses."],
        ),
        (
            vec![("id_token_signed_response_alg", &["HS256"])],
            &[
                "id_token_signed_response_alg: must be ES256 or RS256.",
                "Example: ES256.",
            ],
        ),
        (
            vec![("scope", &["everything"])],
            &[
                "scope: everything is not a scope Civitas offers",
                "Example: profile email.",
            ],
        ),
        (
            vec![("scope", &["offline_access"])],
            &["scope: offline_access needs the refresh_token grant in grant_types."],
        ),
        (
            vec![(
                "redirect_uris",
                &["https://a.northbank.example/cb\nhttps://b.northbank.example/cb"],
            )],
            &[
                "sector_identifier: redirect URIs on several hosts need a sector identifier (OIDC Core §8.1).",
                "Example: northbank.example.",
            ],
        ),
        (
            vec![("default_acr_value", &["urn:other:loa:3"])],
            &[
                "default_acr_values: must be one of urn:civitas:loa:low, urn:civitas:loa:substantial, urn:civitas:loa:high.",
                "Example: urn:civitas:loa:substantial.",
            ],
        ),
        (
            vec![("optional_scope", &["phone"])],
            &[
                "optional_scope: phone is not one of the client's data scopes",
                "Example: phone (one of the client's own scopes",
            ],
        ),
    ];
    let path = format!("/portal/organisations/{org}/clients");
    for (overrides, expected) in &cases {
        let fields = form(overrides);
        let r = post(&app, &dev, &path).form(&fields).send().await.unwrap();
        assert_eq!(r.status(), 400, "{overrides:?} was accepted");
        let page = portal::unescape(&r.text().await.unwrap());
        for text in *expected {
            assert!(page.contains(text), "{overrides:?}: no {text:?} in\n{page}");
        }
        // The form comes back with what was typed, to correct it.
        assert!(page.contains("name=\"client_name\""));
    }
    // Strict form: unknown and repeated fields are refused by name.
    let mut fields = form(&[]);
    fields.push(("client_secret", "chosen".into()));
    let r = post(&app, &dev, &path).form(&fields).send().await.unwrap();
    assert_eq!(r.status(), 400);
    assert!(
        r.text()
            .await
            .unwrap()
            .contains("unknown form field client_secret")
    );
    let mut fields = form(&[]);
    fields.push(("client_name", "Twice".into()));
    let r = post(&app, &dev, &path).form(&fields).send().await.unwrap();
    assert_eq!(r.status(), 400);
    assert!(
        r.text()
            .await
            .unwrap()
            .contains("form field client_name given twice")
    );
    // Nothing was registered by any of them.
    assert!(
        civitas::store::clients::find_clients_of_organisation(&app.state.db, &org)
            .await
            .unwrap()
            .is_empty()
    );

    // The restricted scope needs the FAPI 2.0 profile, in the sandbox too.
    let r = post(&app, &dev, &format!("/portal/organisations/{org}/clients"))
        .form(&form(&[("scope", &["profile", "national_id"])]))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 400);
    let page = portal::unescape(&r.text().await.unwrap());
    assert!(
        page.contains("profile: clients holding national_id must use the FAPI 2.0 profile"),
        "{page}"
    );
    // The restricted scope: free in the sandbox (test persons only); production needs the
    // legal basis.
    let (sandbox, _) = portal::sandbox_client(
        &app,
        &dev,
        &org,
        &form(&[
            ("scope", &["profile", "national_id"]),
            ("token_endpoint_auth_method", &["private_key_jwt"]),
            ("jwks", &jwks),
            ("fapi", &["on"]),
        ]),
    )
    .await;
    let r = post(&app, &dev, &format!("/portal/clients/{sandbox}/submit"))
        .form(&[
            ("redirect_uris", "https://rp.example.org/callback"),
            ("post_logout_redirect_uris", ""),
            ("legal_basis", ""),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 400);
    let page = portal::unescape(&r.text().await.unwrap());
    assert!(
        page.contains("legal_basis: national_id needs the legal basis")
            && page.contains("Example: \"Anti-Money Laundering Act"),
        "{page}"
    );
    // Production redirect URIs follow the same rules.
    let r = post(&app, &dev, &format!("/portal/clients/{sandbox}/submit"))
        .form(&[
            ("redirect_uris", "http://rp.example.org/callback"),
            ("post_logout_redirect_uris", ""),
            ("legal_basis", "Banking Act, section 12"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 400);
    let page = portal::unescape(&r.text().await.unwrap());
    assert!(page.contains("redirect_uris: http://rp.example.org/callback must use https"));
    app.stop().await;
}
