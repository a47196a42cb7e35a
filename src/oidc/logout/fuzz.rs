//! Fuzz targets for the logout request's parameters: never a panic, every parameter Civitas
//! reads taken once or the request refused, the others ignored.

use proptest::prelude::*;

use super::*;
use crate::fuzzing::{self, config, mutated_params};

const NAMES: &[&str] = &[
    "id_token_hint",
    "client_id",
    "post_logout_redirect_uri",
    "state",
    "ui_locales",
    "logout_hint",
];

fn valid() -> Vec<(String, String)> {
    [
        (
            "id_token_hint",
            "eyJhbGciOiJFUzI1NiIsImtpZCI6ImsxIn0.eyJhdWQiOiJ0YXgifQ.c2ln",
        ),
        ("client_id", "tax"),
        (
            "post_logout_redirect_uri",
            "https://tax.example.gov/signed-out",
        ),
        ("state", "af0ifjsldkj"),
        ("ui_locales", "fr"),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_owned(), v.to_owned()))
    .collect()
}

fn check(raw: &[u8]) -> Result<(), TestCaseError> {
    let pairs: Vec<(String, String)> = url::form_urlencoded::parse(raw).into_owned().collect();
    let only = |name: &str| {
        let all: Vec<&String> = pairs
            .iter()
            .filter(|(k, _)| k == name)
            .map(|(_, v)| v)
            .collect();
        (all.len(), all.first().map(|v| (*v).clone()))
    };
    let read = [
        "id_token_hint",
        "client_id",
        "post_logout_redirect_uri",
        "state",
    ];
    let repeated = read.iter().any(|n| only(n).0 > 1);
    match parse_params(raw) {
        Ok(p) => {
            prop_assert!(!repeated);
            prop_assert_eq!(p.id_token_hint, only("id_token_hint").1);
            prop_assert_eq!(p.client_id, only("client_id").1);
            prop_assert_eq!(
                p.post_logout_redirect_uri,
                only("post_logout_redirect_uri").1
            );
            prop_assert_eq!(p.state, only("state").1);
        }
        Err(AppError::BadRequest(m)) => {
            prop_assert!(repeated);
            prop_assert!(!m.is_empty());
        }
        Err(other) => prop_assert!(false, "unexpected error {other:?}"),
    }
    Ok(())
}

proptest! {
    #![proptest_config(config(1024))]

    #[test]
    fn fuzz_arbitrary_logout_parameters(raw in fuzzing::bytes()) {
        check(&raw)?;
    }

    #[test]
    fn fuzz_mutated_logout_requests(pairs in mutated_params(valid(), NAMES)) {
        check(fuzzing::form(&pairs).as_bytes())?;
    }

    #[test]
    fn fuzz_byte_mutated_logout_requests(raw in fuzzing::mutated(fuzzing::form(&valid()))) {
        check(&raw)?;
    }
}
