//! Fuzz targets for the portal's keys form: exactly one of `jwks` and `jwks_uri`, once.

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
        match parse_keys(&body) {
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
}
