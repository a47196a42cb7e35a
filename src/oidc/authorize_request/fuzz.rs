//! Fuzz targets for the authorization request: arbitrary and mutated parameters never panic,
//! an error goes back only to a verified redirect URI, and what is accepted is what the rules
//! allow (one of each parameter, the code flow, PKCE with S256, registered scopes).

use proptest::prelude::*;

use super::*;
use crate::fuzzing::{self, config, has_repeat, mutated_params};

const CHALLENGE: &str = "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM";

const NAMES: &[&str] = &[
    "response_type",
    "client_id",
    "redirect_uri",
    "scope",
    "state",
    "nonce",
    "code_challenge",
    "code_challenge_method",
    "prompt",
    "max_age",
    "acr_values",
    "login_hint",
    "ui_locales",
    "claims",
    "response_mode",
    "request",
    "request_uri",
];

fn web() -> ClientView {
    ClientView {
        id: "tax".into(),
        is_active: true,
        sandbox: false,
        application_type: ApplicationType::Web,
        redirect_uris: vec![
            RedirectUri::parse("https://tax.example.gov/cb", ApplicationType::Web).unwrap(),
            RedirectUri::parse("http://localhost:3000/cb?tenant=a", ApplicationType::Web).unwrap(),
        ],
        scopes: ["openid", "profile", "email"]
            .into_iter()
            .map(String::from)
            .collect(),
        min_acr: None,
        require_par: false,
    }
}

fn native() -> ClientView {
    ClientView {
        id: "app".into(),
        application_type: ApplicationType::Native,
        redirect_uris: vec![
            RedirectUri::parse("http://127.0.0.1/cb", ApplicationType::Native).unwrap(),
            RedirectUri::parse("gov.example.app:/oauth2redirect", ApplicationType::Native).unwrap(),
        ],
        ..web()
    }
}

fn find(id: &str) -> Option<ClientView> {
    match id {
        "tax" => Some(web()),
        "app" => Some(native()),
        _ => None,
    }
}

fn valid(client_id: &str, redirect_uri: &str) -> Vec<(String, String)> {
    [
        ("response_type", "code"),
        ("client_id", client_id),
        ("redirect_uri", redirect_uri),
        ("scope", "openid profile"),
        ("state", "s1"),
        ("nonce", "n1"),
        ("code_challenge", CHALLENGE),
        ("code_challenge_method", "S256"),
        ("prompt", "login"),
        ("max_age", "300"),
        ("acr_values", "urn:civitas:loa:substantial"),
        ("claims", r#"{"userinfo":{"email":{"essential":true}}}"#),
        ("response_mode", "form_post"),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_owned(), v.to_owned()))
    .collect()
}

fn valid_requests() -> impl Strategy<Value = Vec<(String, String)>> {
    prop_oneof![
        Just(valid("tax", "https://tax.example.gov/cb")),
        Just(valid("tax", "http://localhost:3000/cb?tenant=a")),
        Just(valid("app", "http://127.0.0.1:51234/cb")),
        Just(valid("app", "gov.example.app:/oauth2redirect")),
    ]
}

fn values<'a>(params: &'a [(String, String)], name: &str) -> Vec<&'a str> {
    params
        .iter()
        .filter(|(k, _)| k == name)
        .map(|(_, v)| v.as_str())
        .collect()
}

/// What must hold whatever the parameters were.
fn check(params: &[(String, String)]) -> Result<(), TestCaseError> {
    let verified = |uri: &str, client_id: &str| {
        find(client_id).is_some_and(|c| {
            c.redirect_uris
                .iter()
                .any(|r| r.matches(uri, c.application_type))
        })
    };
    let once = |name: &str| match values(params, name).as_slice() {
        [one] => Some(*one),
        _ => None,
    };
    match parse(params, find) {
        Ok(r) => {
            prop_assert!(!has_repeat(params.iter().map(|(k, _)| k.as_str())));
            prop_assert_eq!(once("response_type"), Some("code"));
            prop_assert_eq!(once("code_challenge_method"), Some("S256"));
            prop_assert_eq!(once("code_challenge"), Some(r.code_challenge.as_str()));
            prop_assert_eq!(r.code_challenge.len(), 43);
            prop_assert_eq!(once("client_id"), Some(r.client_id.as_str()));
            prop_assert_eq!(once("redirect_uri"), Some(r.redirect_uri.as_str()));
            prop_assert!(verified(&r.redirect_uri, &r.client_id));
            prop_assert!(r.scopes.contains("openid"));
            let client = find(&r.client_id).unwrap();
            prop_assert!(r.scopes.iter().all(|s| client.scopes.contains(s)));
            prop_assert!(params.iter().all(|(_, v)| v.len() <= MAX_VALUE));
            prop_assert!(once("request").is_none() && once("request_uri").is_none());
            prop_assert!(!(r.prompt.none && (r.prompt.login || r.prompt.consent)));
            prop_assert!(
                r.acr_values
                    .iter()
                    .all(|a| ACR_VALUES.contains(&a.as_str()))
            );
        }
        Err(AuthorizeError::Page {
            error,
            message,
            description,
            ..
        }) => {
            prop_assert!(!error.is_empty() && !message.is_empty() && !description.is_empty());
        }
        Err(AuthorizeError::Redirect(e, _)) => {
            // Only to a redirect URI verified for the one client the request names.
            let client_id = once("client_id");
            prop_assert!(client_id.is_some());
            prop_assert_eq!(once("redirect_uri"), Some(e.redirect_uri.as_str()));
            prop_assert!(verified(&e.redirect_uri, client_id.unwrap()));
            prop_assert!(!e.error.is_empty() && !e.description.is_empty());
            prop_assert_eq!(e.state.as_deref(), values(params, "state").last().copied());
        }
    }
    Ok(())
}

fn arbitrary_params() -> impl Strategy<Value = Vec<(String, String)>> {
    let name = prop_oneof![
        4 => prop::sample::select(NAMES).prop_map(str::to_owned),
        1 => fuzzing::text(),
    ];
    let value = prop_oneof![
        prop::sample::select(
            &[
                "tax",
                "app",
                "code",
                "S256",
                "plain",
                "openid",
                "openid profile",
                "openid offline_access",
                CHALLENGE,
                "https://tax.example.gov/cb",
                "http://127.0.0.1:8080/cb",
                "none",
                "form_post",
            ][..]
        )
        .prop_map(str::to_owned),
        fuzzing::text(),
    ];
    prop::collection::vec((name, value), 0..16)
}

proptest! {
    #![proptest_config(config(512))]

    #[test]
    fn fuzz_arbitrary_parameters(params in arbitrary_params()) {
        check(&params)?;
    }

    #[test]
    fn fuzz_arbitrary_query_strings(query in fuzzing::bytes()) {
        let params: Vec<(String, String)> =
            url::form_urlencoded::parse(&query).into_owned().collect();
        check(&params)?;
    }

    #[test]
    fn fuzz_mutated_valid_requests(
        params in valid_requests().prop_flat_map(|p| mutated_params(p, NAMES)),
    ) {
        check(&params)?;
        // Any parameter sent twice is refused, whichever it is.
        if has_repeat(params.iter().map(|(k, _)| k.as_str())) {
            prop_assert!(parse(&params, find).is_err());
        }
    }

    #[test]
    fn fuzz_mutated_valid_query_strings(
        query in valid_requests().prop_flat_map(|p| fuzzing::mutated(fuzzing::form(&p))),
    ) {
        let params: Vec<(String, String)> =
            url::form_urlencoded::parse(&query).into_owned().collect();
        check(&params)?;
    }

    #[test]
    fn fuzz_the_claims_parameter(
        json in prop_oneof![
            fuzzing::text(),
            fuzzing::json().prop_map(|v| v.to_string()),
            fuzzing::mutated_text(r#"{"userinfo":{"email":{"essential":true},"name":null},"id_token":{"birthdate":null}}"#),
        ],
    ) {
        match parse_claims(&json) {
            Ok(claims) => prop_assert!(
                claims.keys().all(|k| k == "userinfo" || k == "id_token")
            ),
            Err(m) => prop_assert!(!m.is_empty()),
        }
    }
}

/// Found by `fuzz_arbitrary_parameters`: a repeated `client_id` after another repeated
/// parameter was sent back to a client's redirect URI, though the request names two clients.
#[test]
fn fuzz_regression_repeated_client_id_after_another_repeat_gets_a_page() {
    for twice in ["client_id", "redirect_uri"] {
        let mut params = valid("tax", "https://tax.example.gov/cb");
        params.push(("state".into(), "again".into()));
        params.push((
            twice.into(),
            params.iter().find(|(k, _)| k == twice).unwrap().1.clone(),
        ));
        match parse(&params, find) {
            Err(AuthorizeError::Page { kind, .. }) => assert_eq!(kind, Kind::ParameterRepeated),
            other => panic!("{twice} repeated after state: {other:?}"),
        }
    }
}

#[test]
fn fuzz_the_valid_examples_are_accepted() {
    for (id, uri) in [
        ("tax", "https://tax.example.gov/cb"),
        ("app", "http://127.0.0.1:51234/cb"),
        ("app", "gov.example.app:/oauth2redirect"),
    ] {
        let r = parse(&valid(id, uri), find).unwrap();
        assert_eq!(r.redirect_uri, uri);
    }
}
