//! Fuzz targets for dynamic registration bodies: arbitrary and mutated metadata never panic,
//! errors are RFC 7591 errors with a description, and what registers keeps the rules
//! (canonical redirect URIs, no restricted scope by self-registration, public keys only, keys
//! the token endpoint can read).

use proptest::prelude::*;
use serde_json::{Map, Value};

use super::*;
use crate::{
    fuzzing::{self, config},
    oidc::{clients::SCOPES, redirect_uri::RedirectUri},
};

/// RFC 7517 appendix A.1's public EC key.
fn ec_jwk() -> Value {
    json!({
        "kty": "EC",
        "crv": "P-256",
        "x": "MKBCTNIcKUSDii11ySs3526iDZ8AiTo7Tu6KPAqv7D4",
        "y": "4Etl6SRW2YiLUrN5vfvVHuhp7x8PxltmWWlbbM4IFyM",
        "use": "sig",
        "kid": "1"
    })
}

fn valid() -> Vec<Value> {
    vec![
        json!({
            "client_name": "Tax Board",
            "purpose": "To prefill your tax return",
            "redirect_uris": ["https://tax.example.gov/cb"],
            "post_logout_redirect_uris": ["https://tax.example.gov/"],
            "token_endpoint_auth_method": "client_secret_basic",
            "scope": "openid profile email",
            "optional_scope": "email",
            "grant_types": ["authorization_code", "refresh_token"],
            "response_types": ["code"],
            "subject_type": "pairwise",
            "default_acr_values": ["urn:civitas:loa:substantial"],
            "some_extension_we_do_not_know": true
        }),
        json!({
            "client_name": "Northbank",
            "purpose": "To open your account",
            "redirect_uris": ["https://www.northbank.example/cb"],
            "token_endpoint_auth_method": "private_key_jwt",
            "jwks": { "keys": [ec_jwk()] },
            "id_token_signed_response_alg": "RS256",
            "logo_uri": "https://www.northbank.example/logo.png"
        }),
        json!({
            "client_name": "Wallet",
            "purpose": "To hold your documents",
            "application_type": "native",
            "redirect_uris": ["http://127.0.0.1/cb", "gov.example.wallet:/cb"],
            "token_endpoint_auth_method": "private_key_jwt",
            "jwks_uri": "https://wallet.example/jwks.json"
        }),
    ]
}

const FIELDS: &[&str] = &[
    "client_name",
    "purpose",
    "redirect_uris",
    "post_logout_redirect_uris",
    "token_endpoint_auth_method",
    "scope",
    "optional_scope",
    "grant_types",
    "response_types",
    "subject_type",
    "default_acr_values",
    "application_type",
    "jwks",
    "jwks_uri",
    "id_token_signed_response_alg",
    "logo_uri",
];

/// One structural edit of a metadata object.
#[derive(Clone, Debug)]
enum JsonEdit {
    Remove(&'static str),
    Set(&'static str, Value),
    /// A field's text edited the fuzzer's way (inside arrays too).
    EditText(&'static str, Vec<fuzzing::Edit>),
    /// The inline key with a member changed (`Some`) or removed (`None`): private members,
    /// other key types, missing or odd members.
    Key(&'static str, Option<Value>),
}

fn json_edit() -> impl Strategy<Value = JsonEdit> {
    let field = || prop::sample::select(FIELDS);
    prop_oneof![
        1 => field().prop_map(JsonEdit::Remove),
        1 => (field(), fuzzing::json()).prop_map(|(f, v)| JsonEdit::Set(f, v)),
        1 => (field(), fuzzing::text()).prop_map(|(f, t)| JsonEdit::Set(f, json!(t))),
        1 => (field(), fuzzing::text()).prop_map(|(f, t)| JsonEdit::Set(f, json!([t]))),
        2 => (field(), prop::collection::vec(fuzzing::edit(), 1..=3))
            .prop_map(|(f, e)| JsonEdit::EditText(f, e)),
        2 => (
            prop::sample::select(
                &["d", "kty", "crv", "kid", "x", "y", "n", "e", "k", "alg", "use"][..]
            ),
            prop::option::of(fuzzing::json()),
        )
            .prop_map(|(member, v)| JsonEdit::Key(member, v)),
    ]
}

impl JsonEdit {
    fn apply(&self, m: &mut Map<String, Value>) {
        match self {
            JsonEdit::Remove(f) => {
                m.remove(*f);
            }
            JsonEdit::Set(f, v) => {
                m.insert((*f).to_owned(), v.clone());
            }
            JsonEdit::EditText(f, edits) => {
                let edit = |s: &str| {
                    String::from_utf8_lossy(&fuzzing::apply(s.as_bytes(), edits)).into_owned()
                };
                match m.get_mut(*f) {
                    Some(Value::String(s)) => *s = edit(s),
                    Some(Value::Array(a)) => {
                        for v in a.iter_mut() {
                            if let Value::String(s) = v {
                                *s = edit(s);
                            }
                        }
                    }
                    _ => {}
                }
            }
            JsonEdit::Key(member, v) => {
                let mut key = ec_jwk();
                match v {
                    Some(v) => key[*member] = v.clone(),
                    None => {
                        key.as_object_mut().unwrap().remove(*member);
                    }
                }
                m.insert(
                    "token_endpoint_auth_method".into(),
                    json!("private_key_jwt"),
                );
                m.remove("jwks_uri");
                m.insert("jwks".into(), json!({ "keys": [key] }));
            }
        }
    }
}

fn mutated_metadata() -> impl Strategy<Value = Value> {
    (
        prop::sample::select(valid()),
        prop::collection::vec(json_edit(), 1..=4),
    )
        .prop_map(|(mut v, edits)| {
            let m = v.as_object_mut().unwrap();
            for e in &edits {
                e.apply(m);
            }
            v
        })
}

fn check(body: &[u8]) -> Result<(), TestCaseError> {
    let request = match parse_metadata(body) {
        Ok(r) => r,
        Err(e) => {
            prop_assert_eq!(e.error, "invalid_client_metadata");
            prop_assert!(!e.description.is_empty());
            return Ok(());
        }
    };
    match clients::validate(&request, false) {
        Ok(c) => {
            prop_assert!(!c.display_name.is_empty() && !c.purpose.is_empty());
            prop_assert!(!c.display_name.chars().any(char::is_control));
            prop_assert!(c.scopes.contains("openid"));
            prop_assert!(c.scopes.iter().all(|s| SCOPES.contains(&s.as_str())));
            prop_assert!(
                c.scopes
                    .iter()
                    .all(|s| !RESTRICTED_SCOPES.contains(&s.as_str()))
            );
            prop_assert!(c.optional_scopes.is_subset(&c.scopes));
            prop_assert!(!c.redirect_uris.is_empty());
            for (uri, sent) in c.redirect_uris.iter().zip(&request.redirect_uris) {
                prop_assert_eq!(uri.as_str(), sent.as_str());
                let again = RedirectUri::parse(sent, c.application_type);
                prop_assert_eq!(again.as_ref(), Ok(uri));
            }
            match c.auth_method {
                clients::AuthMethod::PrivateKeyJwt => {
                    prop_assert!(c.jwks.is_some() != c.jwks_uri.is_some());
                }
                _ => prop_assert!(c.jwks.is_none() && c.jwks_uri.is_none()),
            }
            if let Some(jwks) = &c.jwks {
                // The token endpoint reads registered keys as a JWK set: what registers
                // must be one it can read.
                let set = serde_json::from_str::<jsonwebtoken::jwk::JwkSet>(jwks);
                prop_assert!(set.is_ok(), "unreadable registered jwks {jwks}: {set:?}");
                for key in &set.unwrap().keys {
                    prop_assert!(jsonwebtoken::DecodingKey::from_jwk(key).is_ok(), "{jwks}");
                }
                let v: Value = serde_json::from_str(jwks).unwrap();
                for key in v["keys"].as_array().unwrap() {
                    for private in ["d", "p", "q", "dp", "dq", "qi", "k"] {
                        prop_assert!(key.get(private).is_none());
                    }
                }
            }
        }
        Err(e) => {
            prop_assert!(!e.message.is_empty());
            let shown = OAuthError::from(e.clone());
            prop_assert!(
                shown.error == "invalid_client_metadata" || shown.error == "invalid_redirect_uri"
            );
            prop_assert!(shown.description.starts_with(e.field));
        }
    }
    Ok(())
}

proptest! {
    #![proptest_config(config(512))]

    #[test]
    fn fuzz_arbitrary_registration_bodies(body in fuzzing::bytes()) {
        check(&body)?;
    }

    #[test]
    fn fuzz_arbitrary_registration_json(v in fuzzing::json()) {
        check(v.to_string().as_bytes())?;
    }

    #[test]
    fn fuzz_mutated_registrations(v in mutated_metadata()) {
        check(v.to_string().as_bytes())?;
    }

    #[test]
    fn fuzz_byte_mutated_registrations(
        body in prop::sample::select(valid()).prop_flat_map(|v| fuzzing::mutated(v.to_string())),
    ) {
        check(&body)?;
    }
}

/// Found by `fuzz_mutated_registrations`: an inline key with members of the wrong type
/// (`"alg": false`, `"x": null`) registered, though the token endpoint cannot read it.
#[test]
fn fuzz_regression_jwks_the_token_endpoint_cannot_read_is_refused() {
    for (member, value) in [("alg", json!(false)), ("use", json!(7)), ("x", json!(null))] {
        let mut key = ec_jwk();
        key[member] = value;
        let mut v = valid()[1].clone();
        v["jwks"] = json!({ "keys": [key] });
        let request = parse_metadata(v.to_string().as_bytes()).unwrap();
        let e = clients::validate(&request, false).unwrap_err();
        assert_eq!(e.field, "jwks", "{member}: {e}");
    }
}

#[test]
fn fuzz_the_valid_examples_register() {
    for v in valid() {
        let request = parse_metadata(v.to_string().as_bytes()).unwrap();
        clients::validate(&request, false).unwrap();
    }
}
