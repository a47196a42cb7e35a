//! Fuzz targets for what a relying party publishes and Civitas encrypts to: any JWKS and any
//! JWK, however broken, are answered without panicking, and a key is used only when it is a
//! well-formed public key of the right type. A JWE edited anywhere never decrypts.

use proptest::prelude::*;
use serde_json::json;

use super::jwk::PRIVATE_MEMBERS;
use super::tests::{JWCRYPTO_EC_JWK, JWCRYPTO_ECDH_JWE, JWCRYPTO_RSA_JWK};
use super::*;
use crate::fuzzing::{self, config};

fn public(jwk: &str) -> Value {
    let mut jwk: Value = serde_json::from_str(jwk).unwrap();
    for m in PRIVATE_MEMBERS {
        jwk.as_object_mut().unwrap().remove(m);
    }
    jwk
}

fn alg() -> impl Strategy<Value = KeyAlg> {
    prop::sample::select(&[KeyAlg::EcdhEsA256kw, KeyAlg::RsaOaep256][..])
}

proptest! {
    #![proptest_config(config(256))]

    #[test]
    fn fuzz_arbitrary_keys_and_key_sets_never_panic(jwk in fuzzing::json(), alg in alg()) {
        let _ = encrypt(b"x", &jwk, alg, ContentAlg::A256Gcm, Some("JWT"));
        let jwks = json!({"keys": [jwk]});
        if let Some(picked) = pick_encryption_key(&jwks, alg) {
            prop_assert_ne!(picked.get("use"), Some(&json!("sig")));
        }
    }

    /// A recipient key with one member replaced: encrypted to only while it is still a
    /// public key of the algorithm's type, and then the JWE says which key it was for.
    #[test]
    fn fuzz_mutated_recipient_keys(
        which in 0..2usize,
        member in prop::sample::select(&["kty", "crv", "x", "y", "n", "e", "d", "use", "alg", "kid"][..]),
        value in prop_oneof![
            fuzzing::json(),
            fuzzing::text().prop_map(Value::String),
            prop::collection::vec(any::<u8>(), 0..300).prop_map(|b| Value::String(B64.encode(b))),
        ],
    ) {
        let (mut jwk, alg) = [
            (public(JWCRYPTO_EC_JWK), KeyAlg::EcdhEsA256kw),
            (public(JWCRYPTO_RSA_JWK), KeyAlg::RsaOaep256),
        ][which].clone();
        jwk[member] = value;
        if let Ok(jwe) = encrypt(b"x", &jwk, alg, ContentAlg::A256Gcm, None) {
            prop_assert!(private_member(&jwk).is_none());
            prop_assert_eq!(jwk["kty"].as_str(), Some(alg.kty()));
            let header: Value = serde_json::from_slice(
                &B64.decode(jwe.split('.').next().unwrap()).unwrap(),
            ).unwrap();
            prop_assert_eq!(header.get("kid"), jwk.get("kid"));
        }
    }

    #[test]
    fn fuzz_edited_jwes_never_decrypt(edits in prop::collection::vec(fuzzing::edit(), 1..=4)) {
        let key: Value = serde_json::from_str(JWCRYPTO_EC_JWK).unwrap();
        let edited = String::from_utf8_lossy(&fuzzing::apply(JWCRYPTO_ECDH_JWE.as_bytes(), &edits)).into_owned();
        if edited != JWCRYPTO_ECDH_JWE {
            prop_assert!(decrypt(&edited, &key).is_err(), "{edited}");
        }
    }

    #[test]
    fn fuzz_arbitrary_jwes_never_decrypt(jwe in fuzzing::text()) {
        let key: Value = serde_json::from_str(JWCRYPTO_EC_JWK).unwrap();
        prop_assert!(decrypt(&jwe, &key).is_err());
    }
}
