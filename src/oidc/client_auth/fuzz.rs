//! Fuzz targets for what the token, revocation and introspection endpoints read before they
//! trust a client: the form body (no parameter twice, however it is spelled), the Basic
//! header, and the client a refused request names.

use axum::http::HeaderValue;
use proptest::prelude::*;

use super::*;
use crate::fuzzing::{self, config, has_repeat, mutated_params};

const NAMES: &[&str] = &[
    "grant_type",
    "code",
    "redirect_uri",
    "code_verifier",
    "client_id",
    "client_secret",
    "client_assertion",
    "client_assertion_type",
    "refresh_token",
    "scope",
    "token",
    "token_type_hint",
];

fn token_request() -> Vec<(String, String)> {
    [
        ("grant_type", "authorization_code"),
        (
            "code",
            "Qcb0Orv1zh30vL1MPRsbm-diHiMwcLyZvn1arpZv-Jxf_11jnpEX3Tgfvk",
        ),
        ("redirect_uri", "https://tax.example.gov/cb"),
        (
            "code_verifier",
            "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk",
        ),
        ("client_id", "tax"),
        ("client_secret", "s3cr3t/+="),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_owned(), v.to_owned()))
    .collect()
}

fn check_form(body: &[u8]) -> Result<(), TestCaseError> {
    let names: Vec<String> = url::form_urlencoded::parse(body)
        .map(|(k, _)| k.into_owned())
        .collect();
    match parse_form(body) {
        Ok(map) => {
            prop_assert!(!has_repeat(names.iter().map(String::as_str)));
            prop_assert_eq!(map.len(), names.len());
        }
        Err(e) => {
            prop_assert!(has_repeat(names.iter().map(String::as_str)));
            prop_assert_eq!(e.error, "invalid_request");
            prop_assert_eq!(e.kind, Some(Kind::ParameterRepeated));
            prop_assert!(!e.description.is_empty());
        }
    }
    Ok(())
}

/// A form body where some names are percent-encoded in full (`%63ode` is `code`).
fn spelled(pairs: &[(String, String)], encode: &[bool]) -> Vec<u8> {
    let plain = |s: &str| url::form_urlencoded::byte_serialize(s.as_bytes()).collect::<String>();
    pairs
        .iter()
        .enumerate()
        .map(|(i, (k, v))| {
            let k = if encode.get(i).copied().unwrap_or(false) {
                fuzzing::percent_encode_all(k)
            } else {
                plain(k)
            };
            format!("{k}={}", plain(v))
        })
        .collect::<Vec<_>>()
        .join("&")
        .into_bytes()
}

fn headers_with(value: &[u8]) -> Option<HeaderMap> {
    let value = HeaderValue::from_bytes(value).ok()?;
    let mut h = HeaderMap::new();
    h.insert(header::AUTHORIZATION, value);
    Some(h)
}

proptest! {
    #![proptest_config(config(1024))]

    #[test]
    fn fuzz_arbitrary_form_bodies(body in fuzzing::bytes()) {
        check_form(&body)?;
    }

    #[test]
    fn fuzz_mutated_token_requests(
        pairs in mutated_params(token_request(), NAMES),
        encode in prop::collection::vec(any::<bool>(), 0..12),
    ) {
        let body = spelled(&pairs, &encode);
        check_form(&body)?;
        // A parameter sent twice is refused, whether or not its name is percent-encoded.
        if has_repeat(pairs.iter().map(|(k, _)| k.as_str())) {
            prop_assert!(parse_form(&body).is_err());
        }
    }

    #[test]
    fn fuzz_byte_mutated_token_requests(
        body in fuzzing::mutated(fuzzing::form(&token_request())),
    ) {
        check_form(&body)?;
    }

    #[test]
    fn fuzz_basic_credentials(
        value in prop_oneof![
            fuzzing::bytes(),
            fuzzing::text().prop_map(|t| format!("Basic {t}").into_bytes()),
            fuzzing::mutated("Basic dGF4OnMzY3IzdCUyRiUyQiUzRA=="),
            (fuzzing::text(), fuzzing::text()).prop_map(|(id, secret)| {
                let enc = |s: &str| url::form_urlencoded::byte_serialize(s.as_bytes()).collect::<String>();
                format!("Basic {}", STANDARD.encode(format!("{}:{}", enc(&id), enc(&secret)))).into_bytes()
            }),
        ],
        body in fuzzing::bytes(),
    ) {
        let Some(headers) = headers_with(&value) else {
            return Ok(());
        };
        match basic_credentials(&headers) {
            Ok(Some(_)) => {
                let text = std::str::from_utf8(&value).unwrap();
                prop_assert!(text.starts_with("Basic ") || text.starts_with("basic "));
            }
            Ok(None) => prop_assert!(false, "a header was sent"),
            Err(e) => {
                prop_assert_eq!(e.error, "invalid_client");
                prop_assert_eq!(e.kind, Some(Kind::BasicHeaderMalformed));
                prop_assert!(!e.description.is_empty());
            }
        }
        let _ = named_client(&headers, &body);
    }

    #[test]
    fn fuzz_basic_credentials_round_trip(id in fuzzing::text(), secret in fuzzing::text()) {
        // RFC 6749 §2.3.1: both parts are form-encoded before base64.
        prop_assume!(!id.is_empty());
        let enc = |s: &str| url::form_urlencoded::byte_serialize(s.as_bytes()).collect::<String>();
        let value = format!("Basic {}", STANDARD.encode(format!("{}:{}", enc(&id), enc(&secret))));
        let headers = headers_with(value.as_bytes()).unwrap();
        prop_assert_eq!(basic_credentials(&headers).unwrap(), Some((id, secret)));
    }

    #[test]
    fn fuzz_the_named_client_of_a_refused_request(
        body in prop_oneof![
            fuzzing::bytes(),
            fuzzing::text().prop_map(|jwt| fuzzing::form(&[
                ("client_assertion".to_owned(), jwt),
            ]).into_bytes()),
            fuzzing::mutated(
                "client_assertion=eyJhbGciOiJFUzI1NiJ9.eyJzdWIiOiJ0YXgifQ.c2ln&client_assertion_type=x"
            ),
        ],
    ) {
        if let Some(id) = named_client(&HeaderMap::new(), &body) {
            prop_assert!(!id.is_empty());
        }
    }
}
