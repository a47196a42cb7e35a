//! Fuzz targets for the portal's client form: known fields only, each text field once, and
//! whatever it holds checked by the registration rules without a panic.

use proptest::prelude::*;

use super::*;
use crate::fuzzing::{self, config, mutated_params};

fn valid() -> Vec<(String, String)> {
    [
        ("client_name", "Northbank online banking"),
        ("purpose", "To open your account"),
        ("redirect_uris", "https://www.northbank.example/cb\r\nhttps://www.northbank.example/cb2"),
        ("post_logout_redirect_uris", "https://www.northbank.example/out"),
        ("token_endpoint_auth_method", "private_key_jwt"),
        ("jwks", r#"{"keys":[{"kty":"EC","crv":"P-256","kid":"1","x":"MKBCTNIcKUSDii11ySs3526iDZ8AiTo7Tu6KPAqv7D4","y":"4Etl6SRW2YiLUrN5vfvVHuhp7x8PxltmWWlbbM4IFyM"}]}"#),
        ("scope", "profile"),
        ("scope", "email"),
        ("optional_scope", "email"),
        ("default_acr_value", "urn:civitas:loa:substantial"),
        ("refresh_tokens", "on"),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_owned(), v.to_owned()))
    .collect()
}

fn check_form(body: &[u8]) -> Result<(), TestCaseError> {
    let names: Vec<String> = url::form_urlencoded::parse(body)
        .map(|(k, _)| k.into_owned())
        .collect();
    match ClientForm::parse(body, &Lang::En.catalogue().portal) {
        Ok(form) => {
            prop_assert!(names.iter().all(|n| FORM_KEYS.contains(&n.as_str())));
            prop_assert!(!fuzzing::has_repeat(
                names
                    .iter()
                    .map(String::as_str)
                    .filter(|n| *n != "scope" && *n != "optional_scope")
            ));
            for environment in [Environment::Sandbox, Environment::Production] {
                if let Err(m) = check(&form.metadata(), environment) {
                    prop_assert!(!m.message.is_empty());
                }
            }
        }
        Err(AppError::BadRequest(m)) => prop_assert!(!m.is_empty()),
        Err(other) => prop_assert!(false, "unexpected error {other:?}"),
    }
    Ok(())
}

proptest! {
    #![proptest_config(config(512))]

    #[test]
    fn fuzz_arbitrary_client_forms(body in fuzzing::bytes()) {
        check_form(&body)?;
    }

    #[test]
    fn fuzz_mutated_client_forms(pairs in mutated_params(valid(), FORM_KEYS)) {
        check_form(fuzzing::form(&pairs).as_bytes())?;
    }

    #[test]
    fn fuzz_byte_mutated_client_forms(body in fuzzing::mutated(fuzzing::form(&valid()))) {
        check_form(&body)?;
    }
}

#[test]
fn fuzz_the_valid_form_checks() {
    let form = ClientForm::parse(
        fuzzing::form(&valid()).as_bytes(),
        &Lang::En.catalogue().portal,
    )
    .unwrap();
    check(&form.metadata(), Environment::Sandbox).unwrap();
}
