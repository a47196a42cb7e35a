//! Fuzz targets for redirect URIs: a URI that registers round-trips exactly and carries
//! nothing a redirect must not (fragment, user info, wildcard); matching is exact but for a
//! native app's loopback port.

use proptest::prelude::*;

use super::*;
use crate::fuzzing::{self, config};

const VALID: &[&str] = &[
    "https://rp.example.org/cb",
    "https://rp.example.org/cb?tenant=a&x=%20",
    "https://rp.example.org:8443/a/b/c",
    "https://xn--bcher-kva.example/cb",
    "https://[2001:db8::1]/cb",
    "http://localhost:3000/cb",
    "http://127.0.0.1/cb",
    "http://[::1]/cb",
    "gov.example.app:/oauth2redirect",
];

fn app() -> impl Strategy<Value = ApplicationType> {
    prop_oneof![Just(ApplicationType::Web), Just(ApplicationType::Native)]
}

fn candidate() -> impl Strategy<Value = String> {
    prop_oneof![
        fuzzing::text(),
        prop::sample::select(VALID).prop_flat_map(fuzzing::mutated_text),
    ]
}

fn check_parsed(s: &str, app: ApplicationType) -> Result<(), TestCaseError> {
    match RedirectUri::parse(s, app) {
        Ok(uri) => {
            prop_assert_eq!(uri.as_str(), s);
            prop_assert_eq!(uri.to_string(), s);
            prop_assert!(!s.contains('#') && !s.contains('*'));
            prop_assert!(s.len() <= 2000);
            prop_assert!(uri.0.username().is_empty() && uri.0.password().is_none());
            prop_assert!(uri.matches(s, app));
            // Registering the same text again gives the same URI.
            prop_assert_eq!(RedirectUri::parse(uri.as_str(), app), Ok(uri.clone()));
            match uri.0.scheme() {
                "https" => prop_assert!(uri.0.host().is_some()),
                "http" => prop_assert!(is_loopback(&uri.0)),
                scheme => {
                    prop_assert_eq!(app, ApplicationType::Native);
                    prop_assert!(scheme.contains('.'));
                }
            }
        }
        Err(m) => prop_assert!(!m.is_empty()),
    }
    Ok(())
}

proptest! {
    #![proptest_config(config(1024))]

    #[test]
    fn fuzz_registration(s in candidate(), app in app()) {
        check_parsed(&s, app)?;
    }

    #[test]
    fn fuzz_matching_is_exact(
        registered in prop::sample::select(VALID),
        requested in candidate(),
        app in app(),
    ) {
        let Ok(r) = RedirectUri::parse(registered, app) else {
            return Ok(());
        };
        if r.matches(&requested, app) && requested != r.as_str() {
            // Only a native app's loopback redirect with another port.
            prop_assert_eq!(app, ApplicationType::Native);
            prop_assert!(is_loopback_ip(&r.0) && r.0.scheme() == "http");
            let asked = Url::parse(&requested).unwrap();
            prop_assert_eq!(asked.as_str(), requested.as_str());
            prop_assert_eq!(asked.host(), r.0.host());
            prop_assert_eq!(asked.path(), r.0.path());
            prop_assert_eq!(asked.query(), r.0.query());
            prop_assert_eq!(asked.scheme(), "http");
            prop_assert!(asked.username().is_empty() && asked.password().is_none());
            prop_assert!(asked.fragment().is_none());
        }
    }
}
