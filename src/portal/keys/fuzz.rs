//! Fuzz targets for the portal's keys forms: exactly one of `jwks` and `jwks_uri`, once; and
//! the secret rotation's `overlap_hours`, once, within its limits.

use proptest::prelude::*;

use super::*;
use crate::fuzzing::{self, config, mutated_params};

proptest! {
    #![proptest_config(config(1024))]

    #[test]
    fn fuzz_keys_forms(body in prop_oneof![
        fuzzing::bytes(),
        mutated_params(
            vec![("jwks_uri".to_owned(), "https://www.northbank.example/jwks.json".to_owned())],
            &["jwks", "jwks_uri"],
        )
        .prop_map(|p| fuzzing::form(&p).into_bytes()),
    ]) {
        let pairs: Vec<(String, String)> = url::form_urlencoded::parse(&body).into_owned().collect();
        match parse_keys(&body, &Lang::En.catalogue().portal) {
            Ok(keys) => {
                let [(name, value)] = pairs.as_slice() else {
                    return Err(TestCaseError::fail(format!("accepted {pairs:?}")));
                };
                let (expected_name, got) = match &keys {
                    NewKeys::Jwks(v) => ("jwks", v),
                    NewKeys::JwksUri(v) => ("jwks_uri", v),
                };
                prop_assert_eq!(name.as_str(), expected_name);
                prop_assert_eq!(got.as_str(), value.trim());
            }
            Err(m) => prop_assert!(!m.is_empty()),
        }
    }

    #[test]
    fn fuzz_secret_rotation_forms(
        body in prop_oneof![
            fuzzing::bytes(),
            fuzzing::mutated("overlap_hours=24"),
            (0..1_000_000i64).prop_map(|h| format!("overlap_hours={h}").into_bytes()),
        ],
        first_secret in any::<bool>(),
    ) {
        match parse_overlap(&body, first_secret, &Lang::En.catalogue().portal) {
            Ok(hours) => {
                prop_assert!((0..=MAX_OVERLAP_HOURS).contains(&hours));
                prop_assert!(!first_secret || hours == 0);
                let pairs: Vec<(String, String)> =
                    url::form_urlencoded::parse(&body).into_owned().collect();
                let [(name, value)] = pairs.as_slice() else {
                    return Err(TestCaseError::fail(format!("accepted {pairs:?}")));
                };
                prop_assert_eq!(name.as_str(), "overlap_hours");
                prop_assert_eq!(value.parse::<i64>(), Ok(hours));
            }
            Err(m) => prop_assert!(!m.is_empty()),
        }
    }
}
