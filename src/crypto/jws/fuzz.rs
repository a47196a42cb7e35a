//! Fuzz targets for the JWTs Civitas verifies (client assertions, ID-token hints): through
//! `jsonwebtoken` with [`RING_VERIFIER`], as the token and logout endpoints call it. Nothing
//! but the token as signed verifies: not an edited token, not `alg: none`, not an HMAC made
//! with the public key, not a token checked against a mutated key; arbitrary tokens and keys
//! never panic.

use std::sync::LazyLock;

use jsonwebtoken::{Algorithm, DecodingKey, Validation, jwk::Jwk};
use proptest::prelude::*;
use serde_json::{Value, json};

use super::*;
use crate::fuzzing::{self, config};

struct Fixture {
    alg: Algorithm,
    jwk: Jwk,
    key: DecodingKey,
    token: String,
}

fn fixture(alg: Alg, jwt_alg: Algorithm) -> Fixture {
    let key = PrivateKey::generate(alg).unwrap();
    let public = key.public_jwk();
    let claims = json!({
        "iss": "tax", "sub": "tax", "aud": "https://id.example/token",
        "exp": 4_102_444_800_i64, "jti": "j1"
    });
    let token = sign(&Signer::new(&key).unwrap(), &public.kid, &claims).unwrap();
    let jwk: Jwk = serde_json::from_value(serde_json::to_value(&public).unwrap()).unwrap();
    Fixture {
        alg: jwt_alg,
        key: DecodingKey::from_jwk(&jwk).unwrap(),
        jwk,
        token,
    }
}

static ES256: LazyLock<Fixture> = LazyLock::new(|| fixture(Alg::Es256, Algorithm::ES256));
static RS256: LazyLock<Fixture> = LazyLock::new(|| fixture(Alg::Rs256, Algorithm::RS256));

fn fixtures() -> [&'static Fixture; 2] {
    [&ES256, &RS256]
}

/// Verifies as `client_auth::verify_assertion` does: the header's algorithm, ES256 or RS256
/// only, with a key of that family, claims checked but none required.
fn verifies(token: &str, f: &Fixture) -> bool {
    install_verifier();
    let Ok(header) = jsonwebtoken::decode_header(token) else {
        return false;
    };
    if header.alg != f.alg {
        return false;
    }
    let mut v = Validation::new(header.alg);
    v.set_audience(&["https://id.example/token"]);
    v.required_spec_claims.clear();
    jsonwebtoken::decode::<Value>(token, &f.key, &v).is_ok()
}

fn b64(v: &[u8]) -> String {
    B64.encode(v)
}

fn forged_header() -> impl Strategy<Value = String> {
    let alg = prop::sample::select(
        &[
            "none",
            "None",
            "NONE",
            "nOnE",
            "HS256",
            "HS512",
            "ES256",
            "RS256",
            "ES384",
            "PS256",
            "EdDSA",
            "",
            "ES256 ",
            "RS256\u{0}",
        ][..],
    );
    (alg, prop::option::of(fuzzing::text()), any::<bool>()).prop_map(|(alg, kid, crit)| {
        let mut h = json!({ "alg": alg, "typ": "JWT" });
        if let Some(kid) = kid {
            h["kid"] = json!(kid);
        }
        if crit {
            h["crit"] = json!(["b64"]);
            h["b64"] = json!(false);
        }
        b64(h.to_string().as_bytes())
    })
}

proptest! {
    #![proptest_config(config(384))]

    #[test]
    fn fuzz_arbitrary_tokens_never_verify(
        token in prop_oneof![
            fuzzing::text(),
            (fuzzing::text(), fuzzing::text(), fuzzing::text())
                .prop_map(|(h, p, s)| format!("{}.{}.{}", b64(h.as_bytes()), b64(p.as_bytes()), b64(s.as_bytes()))),
            (fuzzing::json(), fuzzing::json(), fuzzing::bytes())
                .prop_map(|(h, p, s)| format!("{}.{}.{}", b64(h.to_string().as_bytes()), b64(p.to_string().as_bytes()), b64(&s))),
        ],
    ) {
        let _ = jsonwebtoken::decode_header(&token);
        let _ = jsonwebtoken::dangerous::insecure_decode::<Value>(&token);
        for f in fixtures() {
            prop_assert!(!verifies(&token, f));
        }
    }

    #[test]
    fn fuzz_edited_tokens_never_verify(
        which in 0..2usize,
        edits in prop::collection::vec(fuzzing::edit(), 1..=4),
    ) {
        let f = fixtures()[which];
        let edited = String::from_utf8_lossy(&fuzzing::apply(f.token.as_bytes(), &edits)).into_owned();
        if edited != f.token {
            prop_assert!(!verifies(&edited, f), "{edited}");
        }
    }

    #[test]
    fn fuzz_forged_headers_and_payloads_never_verify(
        which in 0..2usize,
        header in forged_header(),
        payload in prop_oneof![
            Just(None),
            fuzzing::json().prop_map(|v| Some(v.to_string())),
            Just(Some(r#"{"iss":"tax","sub":"tax","aud":"https://id.example/token","exp":4102444800,"jti":"j2"}"#.to_owned())),
        ],
        signature in prop_oneof![
            Just(Signature::Empty),
            Just(Signature::Original),
            Just(Signature::HmacWithPublicKey),
            fuzzing::bytes().prop_map(Signature::Bytes),
        ],
    ) {
        let f = fixtures()[which];
        let mut parts = f.token.splitn(3, '.');
        let (h0, p0, s0) = (parts.next().unwrap(), parts.next().unwrap(), parts.next().unwrap());
        let payload = payload.map_or_else(|| p0.to_owned(), |p| b64(p.as_bytes()));
        let message = format!("{header}.{payload}");
        let signature = match signature {
            Signature::Empty => String::new(),
            Signature::Original => s0.to_owned(),
            Signature::HmacWithPublicKey => {
                use hmac::{Hmac, Mac};
                let secret = serde_json::to_vec(&f.jwk).unwrap();
                let mut mac = Hmac::<sha2::Sha256>::new_from_slice(&secret).unwrap();
                mac.update(message.as_bytes());
                b64(&mac.finalize().into_bytes())
            }
            Signature::Bytes(b) => b64(&b),
        };
        let token = format!("{message}.{signature}");
        if message != format!("{h0}.{p0}") {
            prop_assert!(!verifies(&token, f), "{token}");
        }
        let unsigned = format!("{message}.");
        prop_assert!(!verifies(&unsigned, f));
        prop_assert!(!verifies(&message, f));
    }

    #[test]
    fn fuzz_mutated_keys_verify_only_as_the_same_key(
        which in 0..2usize,
        member in prop::sample::select(&["x", "y", "n", "e", "crv", "kty", "alg", "kid"][..]),
        value in prop_oneof![
            fuzzing::json(),
            fuzzing::text().prop_map(Value::String),
            prop::collection::vec(any::<u8>(), 0..600).prop_map(|b| Value::String(b64(&b))),
        ],
        edits in prop::collection::vec(fuzzing::edit(), 0..=3),
    ) {
        let f = fixtures()[which];
        let mut jwk = serde_json::to_value(&f.jwk).unwrap();
        jwk[member] = match (&jwk[member], edits.is_empty()) {
            (Value::String(s), false) => {
                Value::String(String::from_utf8_lossy(&fuzzing::apply(s.as_bytes(), &edits)).into_owned())
            }
            _ => value,
        };
        let Ok(parsed) = serde_json::from_value::<Jwk>(jwk.clone()) else {
            return Ok(());
        };
        let _ = crate::oidc::client_keys::key_name(&parsed);
        let Ok(key) = DecodingKey::from_jwk(&parsed) else {
            return Ok(());
        };
        let (message, signature) = f.token.rsplit_once('.').unwrap();
        let signature = B64.decode(signature).unwrap();
        for alg in [Algorithm::ES256, Algorithm::RS256] {
            let Ok(verifier) = ring_verifier(&alg, &key) else {
                continue;
            };
            if verifier.verify(message.as_bytes(), &signature).is_ok() {
                prop_assert_eq!(alg, f.alg);
                let original = serde_json::to_value(&f.jwk).unwrap();
                prop_assert_eq!(key_material(&jwk, alg), key_material(&original, alg));
            }
        }
    }

    #[test]
    fn fuzz_arbitrary_keys(jwk in fuzzing::json(), message in fuzzing::bytes(), signature in fuzzing::bytes()) {
        let Ok(parsed) = serde_json::from_value::<Jwk>(jwk) else {
            return Ok(());
        };
        let _ = crate::oidc::client_keys::key_name(&parsed);
        let Ok(key) = DecodingKey::from_jwk(&parsed) else {
            return Ok(());
        };
        for alg in [Algorithm::ES256, Algorithm::RS256, Algorithm::HS256] {
            if let Ok(verifier) = ring_verifier(&alg, &key) {
                let _ = verifier.verify(&message, &signature);
            }
        }
    }
}

#[derive(Clone, Debug)]
enum Signature {
    Empty,
    Original,
    HmacWithPublicKey,
    Bytes(Vec<u8>),
}

/// The key's numbers for `alg`, without leading zero bytes (the same integer however it is
/// padded).
fn key_material(jwk: &Value, alg: Algorithm) -> Vec<Vec<u8>> {
    let members: &[&str] = if alg == Algorithm::ES256 {
        &["x", "y"]
    } else {
        &["n", "e"]
    };
    members
        .iter()
        .filter_map(|m| jwk[*m].as_str())
        .map(|s| {
            let bytes = B64.decode(s).unwrap_or_default();
            let start = bytes.iter().position(|b| *b != 0).unwrap_or(bytes.len());
            bytes[start..].to_vec()
        })
        .collect()
}

#[test]
fn fuzz_the_fixtures_verify() {
    for f in fixtures() {
        assert!(verifies(&f.token, f));
    }
}
