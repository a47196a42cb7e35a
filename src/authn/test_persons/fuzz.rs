//! Fuzz targets for the test-person chooser's form: `continue` and `person`, each once and
//! non-empty, nothing else.

use proptest::prelude::*;

use super::*;
use crate::fuzzing::{self, config, mutated_params};

proptest! {
    #![proptest_config(config(1024))]

    #[test]
    fn fuzz_test_person_forms(body in prop_oneof![
        fuzzing::bytes(),
        mutated_params(
            vec![
                ("continue".to_owned(), "abc".to_owned()),
                ("person".to_owned(), "p1".to_owned()),
            ],
            &["continue", "person", "admin"],
        )
        .prop_map(|p| fuzzing::form(&p).into_bytes()),
    ]) {
        let pairs: Vec<(String, String)> = url::form_urlencoded::parse(&body).into_owned().collect();
        match TestPersonForm::parse(&body) {
            Ok(form) => {
                prop_assert_eq!(pairs.len(), 2);
                let get = |n: &str| pairs.iter().find(|(k, _)| k == n).map(|(_, v)| v.as_str());
                prop_assert_eq!(get("continue"), Some(form.continue_id.as_str()));
                prop_assert_eq!(get("person"), Some(form.person.as_str()));
                prop_assert!(!form.continue_id.is_empty() && !form.person.is_empty());
            }
            Err(m) => prop_assert!(!m.is_empty()),
        }
    }
}
