//! Fuzz targets for key files read back from the keys folder and for algorithm names: a
//! damaged file is an error, never a panic or a different key.

use std::sync::LazyLock;

use proptest::prelude::*;

use super::*;
use crate::fuzzing::{self, config};

static PEMS: LazyLock<Vec<(Alg, String)>> = LazyLock::new(|| {
    [Alg::Es256, Alg::Rs256]
        .into_iter()
        .map(|alg| {
            let key = PrivateKey::generate(alg).unwrap();
            (alg, key.to_pem().unwrap().to_string())
        })
        .collect()
});

proptest! {
    #![proptest_config(config(128))]

    #[test]
    fn fuzz_damaged_key_files(which in 0..2usize, edits in prop::collection::vec(fuzzing::edit(), 1..=3)) {
        let (alg, pem) = &PEMS[which];
        let damaged = String::from_utf8_lossy(&fuzzing::apply(pem.as_bytes(), &edits)).into_owned();
        if let Ok(key) = PrivateKey::from_pem(*alg, &damaged) {
            // Only a change the PEM armour ignores (whitespace, say) still loads, as the same key.
            let original = PrivateKey::from_pem(*alg, pem).unwrap();
            prop_assert_eq!(key.public_jwk().kid, original.public_jwk().kid);
        }
    }

    #[test]
    fn fuzz_arbitrary_key_files(text in fuzzing::text(), alg in prop::sample::select(Alg::ALL.to_vec())) {
        prop_assert!(PrivateKey::from_pem(alg, &text).is_err());
    }

    #[test]
    fn fuzz_algorithm_names(name in prop_oneof![fuzzing::text(), fuzzing::mutated_text("SAML-RS256")]) {
        if let Some(alg) = Alg::parse(&name) {
            prop_assert_eq!(alg.as_str(), name.as_str());
        }
        if let Some(alg) = Alg::parse_jws(&name) {
            prop_assert!(alg.is_jws());
        }
    }
}
