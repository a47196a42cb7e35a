//! Fuzz targets for the `DPoP` header: whatever a client sends, [`verify`] answers without
//! panicking, and nothing but the proof as signed verifies.

use proptest::prelude::*;
use serde_json::Value;

use super::tests::{ES256, claims, signed, token_request};
use super::*;
use crate::fuzzing::{self, config};

fn b64(v: &[u8]) -> String {
    B64.encode(v)
}

proptest! {
    #![proptest_config(config(256))]

    #[test]
    fn fuzz_arbitrary_proofs_are_refused(
        proof in prop_oneof![
            fuzzing::text(),
            (fuzzing::json(), fuzzing::json(), fuzzing::bytes()).prop_map(|(h, c, s)| {
                format!("{}.{}.{}", b64(h.to_string().as_bytes()), b64(c.to_string().as_bytes()), b64(&s))
            }),
            (fuzzing::json(), fuzzing::bytes()).prop_map(|(jwk, s)| {
                let h = serde_json::json!({"typ": "dpop+jwt", "alg": "ES256", "jwk": jwk});
                format!("{}.{}.{}", b64(h.to_string().as_bytes()), b64(claims().to_string().as_bytes()), b64(&s))
            }),
        ],
    ) {
        prop_assert!(verify(&proof, &token_request()).is_err());
    }

    #[test]
    fn fuzz_edited_proofs_are_refused(edits in prop::collection::vec(fuzzing::edit(), 1..=4)) {
        let good = signed(&header(), &claims(), &ES256);
        let edited = String::from_utf8_lossy(&fuzzing::apply(good.as_bytes(), &edits)).into_owned();
        if edited != good {
            prop_assert!(verify(&edited, &token_request()).is_err(), "{edited}");
        }
    }

    /// Properly signed proofs with arbitrary claims: accepted only when the claims match.
    #[test]
    fn fuzz_signed_claims_are_checked(name in prop::sample::select(&["jti", "htm", "htu", "iat", "ath", "nonce", "x"][..]), value in fuzzing::json()) {
        let mut c = claims();
        c[name] = value;
        let proof = signed(&header(), &c, &ES256);
        if let Ok(p) = verify(&proof, &token_request()) {
            prop_assert_eq!(&c["htm"], "POST");
            prop_assert_eq!(Some(p.jti.as_str()), c["jti"].as_str());
            prop_assert!(c["htu"].as_str().is_some_and(|u| u.to_ascii_lowercase().starts_with("https://id.example.gov")));
        }
    }

    #[test]
    fn fuzz_thumbprints_of_arbitrary_keys(jwk in fuzzing::json()) {
        if let Ok(t) = thumbprint(&jwk) {
            prop_assert_eq!(t.len(), 43);
        }
    }
}

fn header() -> Value {
    serde_json::json!({"typ": "dpop+jwt", "alg": "ES256", "jwk": ES256.jwk})
}

#[test]
fn fuzz_the_fixture_verifies() {
    assert!(verify(&signed(&header(), &claims(), &ES256), &token_request()).is_ok());
}
