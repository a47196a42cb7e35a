use std::sync::LazyLock;

use jsonwebtoken::{Algorithm, EncodingKey};
use serde_json::json;

use super::*;

const NOW: i64 = 1_750_000_000;
const TOKEN_URL: &str = "https://id.example.gov/token";

/// A client's DPoP key: its public JWK and what signs with it.
pub(super) struct Key {
    pub jwk: Value,
    encoding: EncodingKey,
    alg: Algorithm,
}

fn es256_key() -> Key {
    use p256::{elliptic_curve::sec1::ToSec1Point as _, pkcs8::EncodePrivateKey as _};
    let secret = loop {
        let mut bytes = [0u8; 32];
        getrandom::fill(&mut bytes).unwrap();
        if let Ok(k) = p256::SecretKey::from_slice(&bytes) {
            break k;
        }
    };
    let point = secret.public_key().to_sec1_point(false);
    let pem = secret.to_pkcs8_pem(p256::pkcs8::LineEnding::LF).unwrap();
    Key {
        jwk: json!({
            "kty": "EC",
            "crv": "P-256",
            "x": B64.encode(point.x().unwrap()),
            "y": B64.encode(point.y().unwrap()),
        }),
        encoding: EncodingKey::from_ec_pem(pem.as_bytes()).unwrap(),
        alg: Algorithm::ES256,
    }
}

fn rsa_key(bits: usize, alg: Algorithm) -> Key {
    use rsa::{pkcs1::EncodeRsaPrivateKey as _, traits::PublicKeyParts as _};
    let key = rsa::RsaPrivateKey::new(&mut rsa::rand_core::OsRng, bits).unwrap();
    let pem = key.to_pkcs1_pem(rsa::pkcs1::LineEnding::LF).unwrap();
    Key {
        jwk: json!({
            "kty": "RSA",
            "n": B64.encode(key.n().to_bytes_be()),
            "e": B64.encode(key.e().to_bytes_be()),
        }),
        encoding: EncodingKey::from_rsa_pem(pem.as_bytes()).unwrap(),
        alg,
    }
}

pub(super) static ES256: LazyLock<Key> = LazyLock::new(es256_key);
pub(super) static PS256: LazyLock<Key> = LazyLock::new(|| rsa_key(2048, Algorithm::PS256));

/// A compact JWS of `header` and `claims` signed by `key` (whatever the header says).
pub(super) fn signed(header: &Value, claims: &Value, key: &Key) -> String {
    let message = format!(
        "{}.{}",
        B64.encode(header.to_string()),
        B64.encode(claims.to_string())
    );
    let signature = jsonwebtoken::crypto::sign(message.as_bytes(), &key.encoding, key.alg).unwrap();
    format!("{message}.{signature}")
}

fn header(key: &Key) -> Value {
    json!({"typ": "dpop+jwt", "alg": format!("{:?}", key.alg), "jwk": key.jwk})
}

pub(super) fn claims() -> Value {
    json!({"jti": "e1j3V_bKic8-LAEB", "htm": "POST", "htu": TOKEN_URL, "iat": NOW})
}

/// A good proof by `key` for the token request, after `change` to its claims.
fn proof(key: &Key, change: impl FnOnce(&mut Value)) -> String {
    let mut c = claims();
    change(&mut c);
    signed(&header(key), &c, key)
}

/// A proof by the ES256 key with `change` made to its header.
fn with_header(change: impl FnOnce(&mut Value)) -> String {
    let mut h = header(&ES256);
    change(&mut h);
    signed(&h, &claims(), &ES256)
}

pub(super) fn token_request() -> Expect<'static> {
    Expect {
        htm: "POST",
        htu: TOKEN_URL,
        now: NOW,
        access_token: None,
        nonce: None,
    }
}

fn check(proof: &str) -> Result<Proof, DpopError> {
    verify(proof, &token_request())
}

#[test]
fn a_fresh_es256_proof_verifies_and_names_its_key() {
    let proof = check(&proof(&ES256, |_| {})).unwrap();
    assert_eq!(
        proof,
        Proof {
            jkt: thumbprint(&ES256.jwk).unwrap(),
            jti: "e1j3V_bKic8-LAEB".into(),
            iat: NOW,
        }
    );
}

#[test]
fn a_fresh_ps256_proof_verifies() {
    let proof = check(&proof(&PS256, |_| {})).unwrap();
    assert_eq!(proof.jkt, thumbprint(&PS256.jwk).unwrap());
}

/// RFC 9449 §4.1's example proof, with the thumbprint its §6.1 example binds.
#[test]
fn the_rfc_9449_example_proof_verifies() {
    let proof = "eyJ0eXAiOiJkcG9wK2p3dCIsImFsZyI6IkVTMjU2IiwiandrIjp7Imt0eSI6IkVDIiwieCI6Imw4dEZyaHgtMzR0VjNoUklDUkRZOXpDa0RscEJoRjQyVVFVZldWQVdCRnMiLCJ5IjoiOVZFNGpmX09rX282NHpiVFRsY3VOSmFqSG10NnY5VERWclUwQ2R2R1JEQSIsImNydiI6IlAtMjU2In19.eyJqdGkiOiItQndDM0VTYzZhY2MybFRjIiwiaHRtIjoiUE9TVCIsImh0dSI6Imh0dHBzOi8vc2VydmVyLmV4YW1wbGUuY29tL3Rva2VuIiwiaWF0IjoxNTYyMjYyNjE2fQ.2-GxA6T8lP4vfrg8v-FdWP0A0zdrj8igiMLvqRMUvwnQg4PtFLbdLXiOSsX0x7NVY-FNyJK70nfbV37xRZT3Lg";
    let expect = Expect {
        htm: "POST",
        htu: "https://server.example.com/token",
        now: 1_562_262_616,
        access_token: None,
        nonce: None,
    };
    assert_eq!(
        verify(proof, &expect).unwrap(),
        Proof {
            jkt: "0ZcOCORZNYy-DWpqq30jZyJGHTN0d2HglBV3uiguA4I".into(),
            jti: "-BwC3ESc6acc2lTc".into(),
            iat: 1_562_262_616,
        }
    );
}

/// A PS256 proof for a resource request with an access token and a nonce, made by an
/// independent implementation (Python jwcrypto 1.6.1); the token is RFC 9449 §7.1's.
#[test]
fn a_ps256_proof_from_jwcrypto_verifies_with_ath_and_nonce() {
    let expect = Expect {
        htm: "GET",
        htu: "https://resource.example.org/protectedresource",
        now: 1_562_262_618,
        access_token: Some("Kz~8mXK1EalYznwH-LC-1fBAo.4Ljp~zsPE_NeO.gxU"),
        nonce: Some("eyJ7S_zG.eyJH0-Z.HX4w-7v"),
    };
    let proof = verify(JWCRYPTO_PS256_PROOF, &expect).unwrap();
    assert_eq!(proof.jkt, "EqcVGxeE5RksDF80Of9trhGQNqHpAkrayW3qkKb4Duk");
    assert_eq!(proof.jti, "e1j3V_bKic8-LAEB");
    let wrong_token = Expect {
        access_token: Some("another"),
        ..expect
    };
    assert_eq!(
        verify(JWCRYPTO_PS256_PROOF, &wrong_token),
        Err(DpopError::AthMismatch)
    );
}

/// RFC 7638 §3.1.
#[test]
fn the_thumbprint_matches_rfc_7638() {
    let jwk = json!({
        "kty": "RSA",
        "n": "0vx7agoebGcQSuuPiLJXZptN9nndrQmbXEps2aiAFbWhM78LhWx4cbbfAAtVT86zwu1RK7aPFFxuhDR1L6tSoc_BJECPebWKRXjBZCiFV4n3oknjhMstn64tZ_2W-5JsGY4Hc5n9yBXArwl93lqt7_RN5w6Cf0h4QyQ5v-65YGjQR0_FDW2QvzqY368QQMicAtaSqzs8KJZgnYb9c7d0zgdAZHzu6qMQvRL5hajrn1n91CbOpbISD08qNLyrdkt-bFTWhAI4vMQFh6WeZu0fM4lFd2NcRwr3XPksINHaQ-G_xBniIqbw0Ls1jF44-csFCur-kEgU8awapJzKnqDKgw",
        "e": "AQAB",
        "alg": "RS256",
        "kid": "2011-04-29"
    });
    assert_eq!(
        thumbprint(&jwk).unwrap(),
        "NzbLsXh8uDCcd-6MNwXF4W_7noWXFZAfHkxZsRGC9Xs"
    );
    // Only the required members count, whatever else the key carries.
    let mut with_use = ES256.jwk.clone();
    with_use["use"] = "sig".into();
    assert_eq!(thumbprint(&with_use), thumbprint(&ES256.jwk));
    assert!(matches!(
        thumbprint(&json!({"kty": "oct", "k": "c2VjcmV0"})),
        Err(DpopError::UnsuitableJwk(_))
    ));
    assert!(matches!(
        thumbprint(&json!({"kty": "EC", "crv": "P-256", "x": "AA"})),
        Err(DpopError::UnsuitableJwk(_))
    ));
}

/// RFC 9449 §7.1: the `ath` of the example access token.
#[test]
fn ath_matches_rfc_9449() {
    assert_eq!(
        ath("Kz~8mXK1EalYznwH-LC-1fBAo.4Ljp~zsPE_NeO.gxU"),
        "fUHyO2r2Z3DZ53EsNrWBb0xWXoaNy59IiKCAqksmQEo"
    );
}

#[test]
fn a_proof_that_is_not_one_compact_jws_is_refused() {
    let good = proof(&ES256, |_| {});
    assert_eq!(check(""), Err(DpopError::NotCompactJws));
    assert_eq!(check("a.b"), Err(DpopError::NotCompactJws));
    assert_eq!(check(&format!("{good}.x")), Err(DpopError::NotCompactJws));
    assert_eq!(check("a.b.c.d.e"), Err(DpopError::NotCompactJws));
    assert_eq!(
        check(&format!("{good} {good}")),
        Err(DpopError::NotCompactJws)
    );
    assert_eq!(check("!!.b.c"), Err(DpopError::Header));
    let array = format!("{}.e30.", B64.encode("[1]"));
    assert_eq!(check(&array), Err(DpopError::Header));
    let long = proof(&ES256, |c| c["pad"] = "x".repeat(MAX_PROOF_LEN).into());
    assert_eq!(check(&long), Err(DpopError::TooLong));
}

#[test]
fn a_proof_without_typ_dpop_jwt_is_refused() {
    for typ in [
        json!("JWT"),
        json!("DPOP+JWT"),
        json!("application/dpop+jwt"),
        json!(1),
    ] {
        assert_eq!(check(&with_header(|h| h["typ"] = typ)), Err(DpopError::Typ));
    }
    assert_eq!(
        check(&with_header(|h| {
            h.as_object_mut().unwrap().remove("typ");
        })),
        Err(DpopError::Typ)
    );
}

#[test]
fn alg_none_hmac_and_rs256_are_refused() {
    let unsigned = {
        let mut h = header(&ES256);
        h["alg"] = "none".into();
        format!(
            "{}.{}.",
            B64.encode(h.to_string()),
            B64.encode(claims().to_string())
        )
    };
    assert_eq!(check(&unsigned), Err(DpopError::Alg));
    // An HMAC keyed with the public key, the classic confusion.
    let hmac = Key {
        jwk: ES256.jwk.clone(),
        encoding: EncodingKey::from_secret(ES256.jwk.to_string().as_bytes()),
        alg: Algorithm::HS256,
    };
    assert_eq!(check(&proof(&hmac, |_| {})), Err(DpopError::Alg));
    let rs256 = Key {
        jwk: PS256.jwk.clone(),
        encoding: PS256.encoding.clone(),
        alg: Algorithm::RS256,
    };
    assert_eq!(check(&proof(&rs256, |_| {})), Err(DpopError::Alg));
    assert_eq!(
        check(&with_header(|h| {
            h.as_object_mut().unwrap().remove("alg");
        })),
        Err(DpopError::Alg)
    );
}

#[test]
fn a_proof_without_a_public_jwk_is_refused() {
    assert_eq!(
        check(&with_header(|h| {
            h.as_object_mut().unwrap().remove("jwk");
        })),
        Err(DpopError::MissingJwk)
    );
    assert_eq!(
        check(&with_header(|h| h["jwk"] = "EC".into())),
        Err(DpopError::MissingJwk)
    );
    assert_eq!(
        check(&with_header(|h| h["jwk"]["d"] = "AAAA".into())),
        Err(DpopError::PrivateJwk("d"))
    );
    let mut rsa_header = header(&PS256);
    rsa_header["jwk"]["p"] = "AQAB".into();
    assert_eq!(
        check(&signed(&rsa_header, &claims(), &PS256)),
        Err(DpopError::PrivateJwk("p"))
    );
    assert_eq!(
        check(&with_header(|h| h["crit"] = json!(["exp"]))),
        Err(DpopError::Critical)
    );
}

#[test]
fn a_jwk_that_does_not_suit_the_alg_is_refused() {
    // ES256 with an RSA key, PS256 with an EC key, another curve, a point off the curve.
    let mut h = header(&ES256);
    h["jwk"] = PS256.jwk.clone();
    assert!(matches!(
        check(&signed(&h, &claims(), &ES256)),
        Err(DpopError::UnsuitableJwk(_))
    ));
    let mut h = header(&PS256);
    h["jwk"] = ES256.jwk.clone();
    assert!(matches!(
        check(&signed(&h, &claims(), &PS256)),
        Err(DpopError::UnsuitableJwk(_))
    ));
    assert!(matches!(
        check(&with_header(|h| h["jwk"]["crv"] = "P-384".into())),
        Err(DpopError::UnsuitableJwk(_))
    ));
    let mut y = B64.decode(ES256.jwk["y"].as_str().unwrap()).unwrap();
    y[31] ^= 1;
    assert_eq!(
        check(&with_header(|h| h["jwk"]["y"] = B64.encode(y).into())),
        Err(DpopError::UnsuitableJwk("x and y are not a point on P-256"))
    );
    assert_eq!(
        check(&with_header(|h| h["jwk"]["x"] = "x y".into())),
        Err(DpopError::UnsuitableJwk("x and y must be base64url"))
    );
    let small = rsa_key(1024, Algorithm::PS256);
    assert_eq!(
        check(&proof(&small, |_| {})),
        Err(DpopError::UnsuitableJwk(
            "the RSA modulus must have at least 2048 bits"
        ))
    );
}

#[test]
fn a_signature_that_does_not_verify_with_the_header_key_is_refused() {
    // Signed by another key than the one in the header.
    let other = es256_key();
    assert_eq!(
        check(&signed(&header(&ES256), &claims(), &other)),
        Err(DpopError::Signature)
    );
    let good = proof(&ES256, |_| {});
    let (message, signature) = good.rsplit_once('.').unwrap();
    let mut bytes = B64.decode(signature).unwrap();
    bytes[10] ^= 1;
    assert_eq!(
        check(&format!("{message}.{}", B64.encode(&bytes))),
        Err(DpopError::Signature)
    );
    assert_eq!(check(&format!("{message}.")), Err(DpopError::Signature));
    assert_eq!(check(&format!("{message}.***")), Err(DpopError::Signature));
    // Claims swapped under the signature.
    let (h, rest) = good.split_once('.').unwrap();
    let (_, s) = rest.split_once('.').unwrap();
    let mut changed = claims();
    changed["htm"] = "GET".into();
    let forged = format!("{h}.{}.{s}", B64.encode(changed.to_string()));
    assert_eq!(check(&forged), Err(DpopError::Signature));
    // A PS256 proof with its signature bit-flipped.
    let ps = proof(&PS256, |_| {});
    let (message, signature) = ps.rsplit_once('.').unwrap();
    let mut bytes = B64.decode(signature).unwrap();
    bytes[0] ^= 0x80;
    assert_eq!(
        check(&format!("{message}.{}", B64.encode(&bytes))),
        Err(DpopError::Signature)
    );
}

#[test]
fn a_signed_payload_that_is_not_an_object_is_refused() {
    assert_eq!(
        check(&signed(&header(&ES256), &json!(["POST"]), &ES256)),
        Err(DpopError::Claims)
    );
}

#[test]
fn jti_must_be_a_short_nonempty_string() {
    for jti in [
        json!(""),
        json!(7),
        json!(null),
        json!("é".repeat(MAX_JTI_LEN + 1)),
    ] {
        assert_eq!(
            check(&proof(&ES256, |c| c["jti"] = jti)),
            Err(DpopError::Jti)
        );
    }
    assert_eq!(
        check(&proof(&ES256, |c| {
            c.as_object_mut().unwrap().remove("jti");
        })),
        Err(DpopError::Jti)
    );
    let longest = "é".repeat(MAX_JTI_LEN);
    assert_eq!(
        check(&proof(&ES256, |c| c["jti"] = longest.clone().into()))
            .unwrap()
            .jti,
        longest
    );
}

#[test]
fn htm_must_be_the_request_method_exactly() {
    for htm in [json!("GET"), json!("post"), json!(" POST"), json!(null)] {
        assert_eq!(
            check(&proof(&ES256, |c| c["htm"] = htm)),
            Err(DpopError::Htm("POST".into()))
        );
    }
}

#[test]
fn htu_must_be_the_request_url_without_query_or_fragment() {
    for htu in [
        "https://id.example.gov/token/",
        "https://id.example.gov/userinfo",
        "https://other.example.gov/token",
        "http://id.example.gov/token",
        "https://id.example.gov:8443/token",
        "/token",
        "id.example.gov/token",
    ] {
        assert_eq!(
            check(&proof(&ES256, |c| c["htu"] = htu.into())),
            Err(DpopError::Htu("https://id.example.gov/token".into())),
            "{htu}"
        );
    }
    assert!(matches!(
        check(&proof(&ES256, |c| c["htu"] = 1.into())),
        Err(DpopError::Htu(_))
    ));
    // Equal after normalisation, or differing only in query and fragment.
    for htu in [
        "HTTPS://ID.Example.GOV/token",
        "https://id.example.gov:443/token",
        "https://id.example.gov/token?x=1",
        "https://id.example.gov/token#f",
    ] {
        assert!(
            check(&proof(&ES256, |c| c["htu"] = htu.into())).is_ok(),
            "{htu}"
        );
    }
    let with_query = Expect {
        htu: "https://id.example.gov/token?client_id=tax#top",
        ..token_request()
    };
    assert!(verify(&proof(&ES256, |_| {}), &with_query).is_ok());
    let host_only = Expect {
        htu: "https://id.example.gov",
        ..token_request()
    };
    assert!(
        verify(
            &proof(&ES256, |c| c["htu"] = "https://id.example.gov/".into()),
            &host_only
        )
        .is_ok()
    );
}

#[test]
fn iat_must_be_recent_and_not_ahead() {
    let at = |iat: Value| check(&proof(&ES256, |c| c["iat"] = iat));
    assert_eq!(at(json!(NOW - MAX_AGE - 1)), Err(DpopError::Stale));
    assert!(at(json!(NOW - MAX_AGE)).is_ok());
    assert_eq!(at(json!(NOW + MAX_FUTURE + 1)), Err(DpopError::Future));
    assert!(at(json!(NOW + MAX_FUTURE)).is_ok());
    assert_eq!(at(json!(NOW as f64 + 0.5)).unwrap().iat, NOW);
    assert_eq!(at(json!(i64::MIN)), Err(DpopError::Stale));
    assert_eq!(at(json!(u64::MAX)), Err(DpopError::Future));
    assert_eq!(at(json!(1e300)), Err(DpopError::Future));
    assert_eq!(at(json!(NOW.to_string())), Err(DpopError::IatMissing));
    assert_eq!(
        check(&proof(&ES256, |c| {
            c.as_object_mut().unwrap().remove("iat");
        })),
        Err(DpopError::IatMissing)
    );
}

#[test]
fn ath_is_required_with_an_access_token_and_ignored_without() {
    let with_token = Expect {
        htm: "GET",
        htu: "https://id.example.gov/userinfo",
        access_token: Some("an-access-token"),
        ..token_request()
    };
    let resource = |change: &dyn Fn(&mut Value)| {
        proof(&ES256, |c| {
            c["htm"] = "GET".into();
            c["htu"] = "https://id.example.gov/userinfo".into();
            change(c);
        })
    };
    assert_eq!(
        verify(&resource(&|_| {}), &with_token),
        Err(DpopError::AthMissing)
    );
    assert_eq!(
        verify(
            &resource(&|c| c["ath"] = ath("another-token").into()),
            &with_token
        ),
        Err(DpopError::AthMismatch)
    );
    assert_eq!(
        verify(&resource(&|c| c["ath"] = 5.into()), &with_token),
        Err(DpopError::AthMissing)
    );
    assert!(
        verify(
            &resource(&|c| c["ath"] = ath("an-access-token").into()),
            &with_token
        )
        .is_ok()
    );
    // At the token endpoint there is no access token: an ath is ignored.
    assert!(check(&proof(&ES256, |c| c["ath"] = "whatever".into())).is_ok());
}

#[test]
fn a_required_nonce_must_be_the_one_given() {
    let with_nonce = Expect {
        nonce: Some("n-1"),
        ..token_request()
    };
    assert_eq!(
        verify(&proof(&ES256, |_| {}), &with_nonce),
        Err(DpopError::UseNonce)
    );
    assert_eq!(
        verify(&proof(&ES256, |c| c["nonce"] = "n-0".into()), &with_nonce),
        Err(DpopError::UseNonce)
    );
    assert!(verify(&proof(&ES256, |c| c["nonce"] = "n-1".into()), &with_nonce).is_ok());
    // Without a required nonce, one in the proof is ignored.
    assert!(check(&proof(&ES256, |c| c["nonce"] = "n-0".into())).is_ok());
}

#[test]
fn every_refusal_says_what_to_fix() {
    let errors = [
        DpopError::TooLong,
        DpopError::NotCompactJws,
        DpopError::Header,
        DpopError::Typ,
        DpopError::Alg,
        DpopError::Critical,
        DpopError::MissingJwk,
        DpopError::PrivateJwk("d"),
        DpopError::UnsuitableJwk("PS256 needs an RSA key"),
        DpopError::Signature,
        DpopError::Claims,
        DpopError::Jti,
        DpopError::Htm("POST".into()),
        DpopError::Htu(TOKEN_URL.into()),
        DpopError::IatMissing,
        DpopError::Stale,
        DpopError::Future,
        DpopError::AthMissing,
        DpopError::AthMismatch,
        DpopError::UseNonce,
    ];
    for e in errors {
        let message = e.to_string();
        assert!(message.starts_with("the DPoP proof"), "{message}");
    }
    assert_eq!(
        DpopError::Htu(TOKEN_URL.into()).to_string(),
        "the DPoP proof's htu must be https://id.example.gov/token, the URL of this request without query or fragment"
    );
}

const JWCRYPTO_PS256_PROOF: &str = "eyJ0eXAiOiJkcG9wK2p3dCIsImFsZyI6IlBTMjU2IiwiandrIjp7ImUiOiJBUUFCIiwia3R5IjoiUlNBIiwibiI6IjFEQ0pFTnB1TmlNc0NFOGJKandjeXRYY3V0RERLV1BUaVktcDNDbzlwZ1VaX1Bsa0hUUk9LejkyTll2ZXVTYWVYSzM4WHJoSGF4QzF6YVQwNVpibVp4VGZlYXpMSkxGUW5hdkFIT2RyNzI0NnFlOTctdDU0SnFReUloNUNhZk5jTVVLak1PdkU3NFBsOXJJaTlxaXdpTk9lXzhRWldmUjExdmJISldBVC1jN0VjVHNaeHpETU5YbzJKYk9vSzRIejBJWDMzeFRhbVRiMDRORnd2TUJPTzVVNF94dW5EWE4tMGFZd0I4Z0ZrczJjZ3dPc08xWjFuTDk4Tm9NVkhRSFl2WGV5cXlWWnpsVkt2bnNTNW9McHZQOEJUVWVSZnliT0xUZmxER3R2eFBWYlpTZEtOc1d6STNjWFAwN2wzMnJORWFhM0ZUOEV3bThtbEdmM1AwdmJzdyJ9fQ.eyJqdGkiOiJlMWozVl9iS2ljOC1MQUVCIiwiaHRtIjoiR0VUIiwiaHR1IjoiaHR0cHM6Ly9yZXNvdXJjZS5leGFtcGxlLm9yZy9wcm90ZWN0ZWRyZXNvdXJjZSIsImlhdCI6MTU2MjI2MjYxOCwiYXRoIjoiZlVIeU8ycjJaM0RaNTNFc05yV0JiMHhXWG9hTnk1OUlpS0NBcWtzbVFFbyIsIm5vbmNlIjoiZXlKN1NfekcuZXlKSDAtWi5IWDR3LTd2In0.vw_kfziHIC1CHz86-60rSrYwOxHZQsfy6atZyFjFoiBFabu_r5tRiAdBHCd2YdSNnQ-B3V9P5tFCMaRED9rOw_zZb7NqtZXvbNbsOJm7hBJcwNGeJiJHGyrg8XoJamNJbVjRns8POyTu53hdYtrWh8hEy_poh8pt83o1zGxPQciD0NmMV9g2dnRQvyDGbwfjfbvKDWTjU66fZDm1bYRs6kHnuHUMfPdtdHRPv1xE1a4u0U2LVo-6xVNLvnAXOK97HY2ZbzfA4jCYkveEnha1VEGFPSmm5K2he8ySGri1LZEEVXw8DixfWKSds5EamScljzAfft8MoIHkjyZ90c-kYA";
