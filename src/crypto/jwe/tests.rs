use std::sync::OnceLock;

use rsa::{
    RsaPrivateKey,
    traits::{PrivateKeyParts as _, PublicKeyParts as _},
};
use serde_json::json;

use super::jwk::PRIVATE_MEMBERS;
use super::*;

const MESSAGE: &[u8] = b"eyJhbGciOiJFUzI1NiJ9.eyJzdWIiOiJ6b8OrIn0.c2lnbmF0dXJl";

fn ec_key() -> p256::SecretKey {
    random_p256().unwrap()
}

fn ec_public_jwk(key: &p256::SecretKey) -> Value {
    let epk = Epk::of(&key.public_key());
    json!({"kty": "EC", "crv": "P-256", "x": epk.x, "y": epk.y, "use": "enc", "kid": "ec-1"})
}

fn ec_private_jwk(key: &p256::SecretKey) -> Value {
    let mut jwk = ec_public_jwk(key);
    jwk["d"] = B64.encode(key.to_bytes()).into();
    jwk
}

/// One RSA key for every test: 2048-bit generation takes a while.
fn rsa_key() -> &'static RsaPrivateKey {
    static KEY: OnceLock<RsaPrivateKey> = OnceLock::new();
    KEY.get_or_init(|| RsaPrivateKey::new(&mut rsa::rand_core::OsRng, 2048).unwrap())
}

fn rsa_public_jwk(key: &RsaPrivateKey) -> Value {
    json!({
        "kty": "RSA",
        "n": B64.encode(key.n().to_bytes_be()),
        "e": B64.encode(key.e().to_bytes_be()),
    })
}

fn rsa_private_jwk(key: &RsaPrivateKey) -> Value {
    let mut jwk = rsa_public_jwk(key);
    jwk["d"] = B64.encode(key.d().to_bytes_be()).into();
    jwk["p"] = B64.encode(key.primes()[0].to_bytes_be()).into();
    jwk["q"] = B64.encode(key.primes()[1].to_bytes_be()).into();
    jwk
}

fn parts(compact: &str) -> Vec<Vec<u8>> {
    compact.split('.').map(|p| B64.decode(p).unwrap()).collect()
}

/// `compact` with part `index` replaced by `bytes`.
fn with_part(compact: &str, index: usize, bytes: &[u8]) -> String {
    let mut parts: Vec<String> = compact.split('.').map(str::to_owned).collect();
    parts[index] = B64.encode(bytes);
    parts.join(".")
}

/// `compact` with the header re-encoded after `change`.
fn with_header(compact: &str, change: impl FnOnce(&mut Value)) -> String {
    let mut header: Value = serde_json::from_slice(&parts(compact)[0]).unwrap();
    change(&mut header);
    with_part(compact, 0, &serde_json::to_vec(&header).unwrap())
}

#[test]
fn ecdh_es_a256kw_round_trips_with_kid_cty_and_a_public_epk() {
    let key = ec_key();
    let jwe = encrypt(
        MESSAGE,
        &ec_public_jwk(&key),
        KeyAlg::EcdhEsA256kw,
        ContentAlg::A256Gcm,
        Some("JWT"),
    )
    .unwrap();

    let p = parts(&jwe);
    assert_eq!(p.len(), 5);
    assert_eq!(p[1].len(), 40, "a wrapped 256-bit CEK");
    assert_eq!(p[2].len(), 12);
    assert_eq!(p[3].len(), MESSAGE.len());
    assert_eq!(p[4].len(), 16);
    let (header, plaintext) = decrypt(&jwe, &ec_private_jwk(&key)).unwrap();
    assert_eq!(plaintext, MESSAGE);
    assert_eq!(header["alg"], "ECDH-ES+A256KW");
    assert_eq!(header["enc"], "A256GCM");
    assert_eq!(header["kid"], "ec-1");
    assert_eq!(header["cty"], "JWT");
    let epk = &header["epk"];
    assert_eq!((&epk["kty"], &epk["crv"]), (&json!("EC"), &json!("P-256")));
    assert!(epk.get("d").is_none());
    assert!(ec_public(epk).is_ok());
    assert_eq!(header.as_object().unwrap().len(), 5);
}

#[test]
fn rsa_oaep_256_round_trips_without_kid_or_cty_when_none_is_given() {
    let key = rsa_key();
    let jwe = encrypt(
        MESSAGE,
        &rsa_public_jwk(key),
        KeyAlg::RsaOaep256,
        ContentAlg::A256Gcm,
        None,
    )
    .unwrap();
    assert_eq!(parts(&jwe)[1].len(), 256);
    let (header, plaintext) = decrypt(&jwe, &rsa_private_jwk(key)).unwrap();
    assert_eq!(plaintext, MESSAGE);
    assert_eq!(header, json!({"alg": "RSA-OAEP-256", "enc": "A256GCM"}));
    // The CEK was wrapped with SHA-256 for both the hash and MGF1.
    let cek = key.decrypt(Oaep::new::<Sha256>(), &parts(&jwe)[1]).unwrap();
    assert_eq!(cek.len(), 32);
}

#[test]
fn each_encryption_is_fresh() {
    let key = ec_key();
    let jwk = ec_public_jwk(&key);
    let once = || {
        encrypt(
            MESSAGE,
            &jwk,
            KeyAlg::EcdhEsA256kw,
            ContentAlg::A256Gcm,
            None,
        )
    };
    let (a, b) = (parts(&once().unwrap()), parts(&once().unwrap()));
    assert_ne!(a[0], b[0], "a new ephemeral key");
    assert_ne!(a[1], b[1]);
    assert_ne!(a[2], b[2], "a new IV");
}

#[test]
fn an_empty_plaintext_round_trips() {
    let key = ec_key();
    let jwe = encrypt(
        b"",
        &ec_public_jwk(&key),
        KeyAlg::EcdhEsA256kw,
        ContentAlg::A256Gcm,
        None,
    )
    .unwrap();
    assert_eq!(jwe.split('.').nth(3), Some(""));
    assert_eq!(decrypt(&jwe, &ec_private_jwk(&key)).unwrap().1, b"");
}

#[test]
fn any_altered_part_fails_to_decrypt() {
    let ec = ec_key();
    let rsa = rsa_key();
    for (jwe, private) in [
        (
            encrypt(
                MESSAGE,
                &ec_public_jwk(&ec),
                KeyAlg::EcdhEsA256kw,
                ContentAlg::A256Gcm,
                Some("JWT"),
            ),
            ec_private_jwk(&ec),
        ),
        (
            encrypt(
                MESSAGE,
                &rsa_public_jwk(rsa),
                KeyAlg::RsaOaep256,
                ContentAlg::A256Gcm,
                Some("JWT"),
            ),
            rsa_private_jwk(rsa),
        ),
    ] {
        let jwe = jwe.unwrap();
        assert!(decrypt(&jwe, &private).is_ok());
        // The header is authenticated: a changed cty, an added member.
        for changed in [
            with_header(&jwe, |h| h["cty"] = "json".into()),
            with_header(&jwe, |h| h["x"] = 1.into()),
        ] {
            assert_eq!(decrypt(&changed, &private), Err(JweError::Decryption));
        }
        for index in 1..5 {
            let mut bytes = parts(&jwe)[index].clone();
            bytes[0] ^= 1;
            let altered = with_part(&jwe, index, &bytes);
            assert_eq!(
                decrypt(&altered, &private),
                Err(JweError::Decryption),
                "part {index}"
            );
        }
        // A shortened ciphertext or tag, or an IV of another length.
        let p = parts(&jwe);
        assert_eq!(
            decrypt(&with_part(&jwe, 3, &p[3][1..]), &private),
            Err(JweError::Decryption)
        );
        assert_eq!(
            decrypt(&with_part(&jwe, 4, &p[4][1..]), &private),
            Err(JweError::Length("authentication tag"))
        );
        assert_eq!(
            decrypt(&with_part(&jwe, 2, &[0; 16]), &private),
            Err(JweError::Length("initialization vector"))
        );
    }
}

#[test]
fn another_key_does_not_decrypt() {
    let (key, other) = (ec_key(), ec_key());
    let jwe = encrypt(
        MESSAGE,
        &ec_public_jwk(&key),
        KeyAlg::EcdhEsA256kw,
        ContentAlg::A256Gcm,
        None,
    )
    .unwrap();
    assert_eq!(
        decrypt(&jwe, &ec_private_jwk(&other)),
        Err(JweError::Decryption)
    );
    // An EC JWE offered to an RSA key: the key does not suit the header's alg.
    assert!(matches!(
        decrypt(&jwe, &rsa_private_jwk(rsa_key())),
        Err(JweError::KeyType { .. })
    ));
}

#[test]
fn decrypt_refuses_what_it_does_not_support() {
    let key = ec_key();
    let private = ec_private_jwk(&key);
    let jwe = encrypt(
        MESSAGE,
        &ec_public_jwk(&key),
        KeyAlg::EcdhEsA256kw,
        ContentAlg::A256Gcm,
        None,
    )
    .unwrap();
    assert_eq!(decrypt("a.b.c", &private), Err(JweError::Malformed));
    assert_eq!(
        decrypt(&format!("{jwe}.x"), &private),
        Err(JweError::Malformed)
    );
    assert_eq!(
        decrypt(&jwe.replacen('.', "=.", 1), &private),
        Err(JweError::Base64("header"))
    );
    assert_eq!(
        decrypt(&with_part(&jwe, 0, b"[1]"), &private),
        Err(JweError::Header)
    );
    for alg in ["RSA1_5", "RSA-OAEP", "dir", "ECDH-ES", "A256KW", "none"] {
        assert_eq!(
            decrypt(&with_header(&jwe, |h| h["alg"] = alg.into()), &private),
            Err(JweError::UnsupportedAlg(Some(alg.into())))
        );
    }
    assert_eq!(
        decrypt(
            &with_header(&jwe, |h| h["enc"] = "A128CBC-HS256".into()),
            &private
        ),
        Err(JweError::UnsupportedEnc(Some("A128CBC-HS256".into())))
    );
    assert_eq!(
        decrypt(&with_header(&jwe, |h| h["zip"] = "DEF".into()), &private),
        Err(JweError::Compressed)
    );
    assert_eq!(
        decrypt(&with_header(&jwe, |h| h["crit"] = json!(["exp"])), &private),
        Err(JweError::Critical)
    );
    assert_eq!(
        decrypt(
            &with_header(&jwe, |h| h["epk"]["crv"] = "P-384".into()),
            &private
        ),
        Err(JweError::EphemeralKey)
    );
    assert_eq!(
        decrypt(
            &with_header(&jwe, |h| h["epk"]["d"] = "AAAA".into()),
            &private
        ),
        Err(JweError::EphemeralKey)
    );
    assert_eq!(
        decrypt(&with_header(&jwe, |h| h["apu"] = 7.into()), &private),
        Err(JweError::Base64("apu"))
    );
}

#[test]
fn decrypt_needs_a_consistent_private_key() {
    let key = ec_key();
    let jwe = encrypt(
        MESSAGE,
        &ec_public_jwk(&key),
        KeyAlg::EcdhEsA256kw,
        ContentAlg::A256Gcm,
        None,
    )
    .unwrap();
    assert_eq!(
        decrypt(&jwe, &ec_public_jwk(&key)),
        Err(JweError::NotPrivate)
    );
    let mut mixed = ec_private_jwk(&key);
    mixed["d"] = B64.encode(ec_key().to_bytes()).into();
    assert_eq!(decrypt(&jwe, &mixed), Err(JweError::KeyMismatch));
    let mut rsa = rsa_private_jwk(rsa_key());
    rsa["q"] = rsa["p"].clone();
    let jwe = encrypt(
        MESSAGE,
        &rsa_public_jwk(rsa_key()),
        KeyAlg::RsaOaep256,
        ContentAlg::A256Gcm,
        None,
    )
    .unwrap();
    assert!(matches!(
        decrypt(&jwe, &rsa),
        Err(JweError::InvalidRsaKey(_))
    ));
}

fn encrypt_to(jwk: &Value, alg: KeyAlg) -> Result<String, JweError> {
    encrypt(MESSAGE, jwk, alg, ContentAlg::A256Gcm, None)
}

#[test]
fn a_published_private_key_is_refused() {
    let ec = ec_private_jwk(&ec_key());
    assert_eq!(
        encrypt_to(&ec, KeyAlg::EcdhEsA256kw),
        Err(JweError::PrivateMember("d"))
    );
    let rsa = rsa_public_jwk(rsa_key());
    for member in ["d", "p", "q", "dp", "dq", "qi", "oth"] {
        let mut jwk = rsa.clone();
        jwk[member] = "AQAB".into();
        assert_eq!(
            encrypt_to(&jwk, KeyAlg::RsaOaep256),
            Err(JweError::PrivateMember(member))
        );
    }
}

#[test]
fn a_key_of_the_wrong_type_or_curve_is_refused() {
    let ec = ec_public_jwk(&ec_key());
    let rsa = rsa_public_jwk(rsa_key());
    assert_eq!(
        encrypt_to(&rsa, KeyAlg::EcdhEsA256kw),
        Err(JweError::KeyType {
            alg: "ECDH-ES+A256KW",
            expected: "EC",
            found: Some("RSA".into())
        })
    );
    assert_eq!(
        encrypt_to(&ec, KeyAlg::RsaOaep256),
        Err(JweError::KeyType {
            alg: "RSA-OAEP-256",
            expected: "RSA",
            found: Some("EC".into())
        })
    );
    let oct = json!({"kty": "oct"});
    assert!(matches!(
        encrypt_to(&oct, KeyAlg::RsaOaep256),
        Err(JweError::KeyType { .. })
    ));
    for crv in ["P-384", "secp256k1", "X25519"] {
        let mut jwk = ec.clone();
        jwk["crv"] = crv.into();
        assert_eq!(
            encrypt_to(&jwk, KeyAlg::EcdhEsA256kw),
            Err(JweError::Curve(Some(crv.into())))
        );
    }
    assert_eq!(
        encrypt_to(&json!("EC"), KeyAlg::EcdhEsA256kw),
        Err(JweError::KeyNotObject)
    );
}

#[test]
fn a_malformed_public_key_is_refused() {
    let ec = ec_public_jwk(&ec_key());
    let changed = |name: &str, value: Value| {
        let mut jwk = ec.clone();
        jwk[name] = value;
        encrypt_to(&jwk, KeyAlg::EcdhEsA256kw)
    };
    assert_eq!(
        changed("x", "not base64!".into()),
        Err(JweError::KeyMember("x"))
    );
    assert_eq!(changed("x", 5.into()), Err(JweError::KeyMember("x")));
    let padded = format!("{}=", ec["y"].as_str().unwrap());
    assert_eq!(changed("y", padded.into()), Err(JweError::KeyMember("y")));
    assert_eq!(
        changed("x", B64.encode([7u8; 31]).into()),
        Err(JweError::KeyMember("x"))
    );
    let mut y = B64.decode(ec["y"].as_str().unwrap()).unwrap();
    y[31] ^= 1;
    assert_eq!(
        changed("y", B64.encode(y).into()),
        Err(JweError::NotOnCurve)
    );
    assert_eq!(changed("kid", 3.into()), Err(JweError::KeyMember("kid")));
    assert_eq!(
        changed("use", "sig".into()),
        Err(JweError::KeyUse("sig".into()))
    );
    assert_eq!(
        changed("alg", "ECDH-ES".into()),
        Err(JweError::KeyAlg {
            key: "ECDH-ES".into(),
            alg: "ECDH-ES+A256KW"
        })
    );
    assert!(changed("alg", "ECDH-ES+A256KW".into()).is_ok());

    let mut rsa = rsa_public_jwk(rsa_key());
    rsa["n"] = "AQAB==".into();
    assert_eq!(
        encrypt_to(&rsa, KeyAlg::RsaOaep256),
        Err(JweError::KeyMember("n"))
    );
}

#[test]
fn an_rsa_key_under_2048_bits_is_refused() {
    let small = RsaPrivateKey::new(&mut rsa::rand_core::OsRng, 1024).unwrap();
    assert_eq!(
        encrypt_to(&rsa_public_jwk(&small), KeyAlg::RsaOaep256),
        Err(JweError::RsaTooSmall(1024))
    );
}

#[test]
fn the_encryption_key_is_picked_by_use_type_and_alg() {
    let ec = |extra: Value| {
        let mut k = json!({"kty": "EC", "crv": "P-256", "x": "x", "y": "y"});
        k.as_object_mut()
            .unwrap()
            .extend(extra.as_object().unwrap().clone());
        k
    };
    let jwks = json!({"keys": [
        ec(json!({"kid": "sig", "use": "sig"})),
        ec(json!({"kid": "ops-sign", "key_ops": ["verify"]})),
        ec(json!({"kid": "p384", "crv": "P-384", "use": "enc"})),
        ec(json!({"kid": "other-alg", "use": "enc", "alg": "ECDH-ES"})),
        {"kid": "rsa", "kty": "RSA", "n": "n", "e": "AQAB", "use": "enc", "alg": "RSA-OAEP-256"},
        ec(json!({"kid": "ec", "use": "enc", "alg": "ECDH-ES+A256KW"})),
        ec(json!({"kid": "later"})),
    ]});
    let kid = |alg| pick_encryption_key(&jwks, alg).map(|k| k["kid"].as_str().unwrap());
    assert_eq!(kid(KeyAlg::EcdhEsA256kw), Some("ec"));
    assert_eq!(kid(KeyAlg::RsaOaep256), Some("rsa"));

    // Without use, never: it may be a signing key, even listed first.
    let jwks = json!({"keys": [
        ec(json!({"kid": "no-use"})),
        ec(json!({"kid": "mixed", "use": "enc", "key_ops": ["wrapKey", "sign"]})),
        ec(json!({"kid": "wrap", "use": "enc", "key_ops": ["wrapKey", "deriveKey"]})),
    ]});
    assert_eq!(
        pick_encryption_key(&jwks, KeyAlg::EcdhEsA256kw).map(|k| &k["kid"]),
        Some(&json!("wrap"))
    );
    let plain = json!({"keys": [ec(json!({"kid": "plain"}))]});
    assert!(pick_encryption_key(&plain, KeyAlg::EcdhEsA256kw).is_none());

    // Signing keys only, or nothing usable.
    let sig_only = json!({"keys": [ec(json!({"use": "sig"})), {"kty": "RSA", "use": "sig"}]});
    assert_eq!(pick_encryption_key(&sig_only, KeyAlg::EcdhEsA256kw), None);
    assert_eq!(pick_encryption_key(&sig_only, KeyAlg::RsaOaep256), None);
    assert_eq!(pick_encryption_key(&json!({}), KeyAlg::RsaOaep256), None);
    assert_eq!(
        pick_encryption_key(&json!({"keys": {}}), KeyAlg::RsaOaep256),
        None
    );
}

#[test]
fn a_picked_key_encrypts() {
    let key = ec_key();
    let mut signing = ec_public_jwk(&ec_key());
    signing["use"] = "sig".into();
    let mut encryption = ec_public_jwk(&key);
    encryption["use"] = "enc".into();
    let jwks = json!({"keys": [signing, encryption]});
    let jwk = pick_encryption_key(&jwks, KeyAlg::EcdhEsA256kw).unwrap();
    let jwe = encrypt_to(jwk, KeyAlg::EcdhEsA256kw).unwrap();
    assert_eq!(decrypt(&jwe, &ec_private_jwk(&key)).unwrap().1, MESSAGE);
}

/// RFC 3394 §4.6: 256 bits of key data wrapped with a 256-bit KEK.
#[test]
fn aes_key_wrap_matches_rfc_3394() {
    let hex = |s: &str| -> Vec<u8> {
        (0..s.len())
            .step_by(2)
            .map(|i| u8::from_str_radix(&s[i..i + 2], 16).unwrap())
            .collect()
    };
    let kek = hex("000102030405060708090A0B0C0D0E0F101112131415161718191A1B1C1D1E1F");
    let data: [u8; 32] = hex("00112233445566778899AABBCCDDEEFF000102030405060708090A0B0C0D0E0F")
        .try_into()
        .unwrap();
    let expected =
        hex("28C9F404C4B810F4CBCCB35CFB87F8263F5786E2D80ED326CBC7F0E71A99F43BFB988B9B7A02DD21");
    assert_eq!(wrap(&kek, &data).unwrap(), expected);
    assert_eq!(*unwrap(&kek, &expected).unwrap(), data);
    let mut altered = expected.clone();
    altered[39] ^= 1;
    assert_eq!(unwrap(&kek, &altered), Err(JweError::Decryption));
    assert_eq!(
        unwrap(&kek, &expected[..32]),
        Err(JweError::Length("encrypted key"))
    );
}

/// RFC 7518 Appendix C: the ECDH-ES shared secret Z of Alice's ephemeral key and Bob's key,
/// and the Concat KDF of it (A128GCM, apu "Alice", apv "Bob").
#[test]
fn ecdh_and_concat_kdf_match_rfc_7518_appendix_c() {
    let alice = json!({"kty": "EC", "crv": "P-256",
        "x": "gI0GAILBdu7T53akrFmMyGcsF3n5dO7MmwNBHKW5SV0",
        "y": "SLW_xSffzlPWrHEVI30DHM_4egVwt3NQqeUD7nMFpps",
        "d": "0_NxaRPUMQoAJt50Gz8YiTr8gRTwyEaCumd-MToTmIo"});
    let bob = json!({"kty": "EC", "crv": "P-256",
        "x": "weNJy2HscCSM6AEDTDg04biOvhFhyyWvOHQfeF_PxMQ",
        "y": "e8lnCO-AlStT-NJVX-crhB7QRYhiix03illJOVAOyck",
        "d": "VEmDZpDXXK8p8N0Cndsxs924q6nS1RXFASRl6BfUqdw"});
    let z = ec_private(&alice)
        .unwrap()
        .diffie_hellman(&ec_public(&bob).unwrap());
    let expected_z = [
        158, 86, 217, 29, 129, 113, 53, 211, 114, 131, 66, 131, 191, 132, 38, 156, 251, 49, 110,
        163, 218, 128, 106, 72, 246, 218, 167, 121, 140, 254, 144, 196,
    ];
    assert_eq!(z.raw_secret_bytes()[..], expected_z);
    let same = ec_private(&bob)
        .unwrap()
        .diffie_hellman(&ec_public(&alice).unwrap());
    assert_eq!(same.raw_secret_bytes(), z.raw_secret_bytes());
    let key = concat_kdf(&expected_z, "A128GCM", b"Alice", b"Bob", 16);
    assert_eq!(B64.encode(&*key), "VqqN6vgjbSBcIijNcacQGg");
}

/// JWEs made by an independent implementation (Python jwcrypto 1.6.1 on `cryptography`
/// 51.0.1) decrypt here, header bytes as that library wrote them.
#[test]
fn jwes_from_jwcrypto_decrypt() {
    for (jwe, jwk, alg) in [
        (JWCRYPTO_ECDH_JWE, JWCRYPTO_EC_JWK, "ECDH-ES+A256KW"),
        (JWCRYPTO_RSA_JWE, JWCRYPTO_RSA_JWK, "RSA-OAEP-256"),
    ] {
        let jwk: Value = serde_json::from_str(jwk).unwrap();
        let (header, plaintext) = decrypt(jwe, &jwk).unwrap();
        assert_eq!(
            String::from_utf8(plaintext).unwrap(),
            "Jag är Zoë; this came from jwcrypto."
        );
        assert_eq!(header["alg"], alg);
        assert_eq!(header["enc"], "A256GCM");
        assert_eq!(header["cty"], "JWT");
        assert_eq!(header["kid"], jwk["kid"]);
        // And what Civitas makes for that key opens with it too.
        let mut public = jwk.clone();
        for m in PRIVATE_MEMBERS {
            public.as_object_mut().unwrap().remove(m);
        }
        let ours = encrypt_to(&public, KeyAlg::parse(alg).unwrap()).unwrap();
        assert_eq!(decrypt(&ours, &jwk).unwrap().1, MESSAGE);
    }
}

pub(super) const JWCRYPTO_ECDH_JWE: &str = "eyJhbGciOiJFQ0RILUVTK0EyNTZLVyIsImN0eSI6IkpXVCIsImVuYyI6IkEyNTZHQ00iLCJlcGsiOnsiY3J2IjoiUC0yNTYiLCJrdHkiOiJFQyIsIngiOiJWcHpTbDVGUXdNLVU1Z3RJaVFILXRILV9WZnFua1VlUFpNS0RkSFpicjhjIiwieSI6ImhrZXpYT0NUX1R3VldSU3dmR21Ha3Z6bS10YkdOdGxFSVlnQ01zTC12NDAifSwia2lkIjoicnAtZW5jLWVjIn0.951SFr2gshR9fWGdWc9UScYLJJavo-pckg1pgj15lT1SDVcSBrkNzw.OWyNBvpwMcd8BSCM.j_fyib2U8T094HzZD1ozhqr-e6U7PgR8l_BKTgO1yYBQmOtdXgs.U10gVcqx4cLKX5vu59JKNw";

pub(super) const JWCRYPTO_EC_JWK: &str = r#"{
    "crv": "P-256",
    "d": "gzrn3Ehek4kju7aB4vUjGMAvFpNSYnsXvXJyrPnZds4",
    "kid": "rp-enc-ec",
    "kty": "EC",
    "x": "4ZZsUIRFPkTM_s94lIX0sVZKz2p1FpK86fPzi87onoc",
    "y": "DQnM6Th72ETdTMhYPVVtSmAxmomrQJ-4474l6z4ggVY"
}"#;

const JWCRYPTO_RSA_JWE: &str = "eyJhbGciOiAiUlNBLU9BRVAtMjU2IiwgImVuYyI6ICJBMjU2R0NNIiwgImtpZCI6ICJycC1lbmMtcnNhIiwgImN0eSI6ICJKV1QifQ.A3yu_SiE2yIti6IVkn6MaziGAp8wcibNtcJkYIKBIABSj3Egb49I32yB4Ftk3rAoWNHFsRNxSHHZdi2FUhl_-Mf8_z14vnY4A0VS_Dq5dOHe6GhQIr30UXU2X69GjxcKSmX3OJJLCLFEiBbnpCEkEFc-Pk-CFnJCf5-QBX0QW811Xglr7c0oT6xWv8awX6AT3laGavqEu7NZwIHRzipOP9OHBcZ3ixuz1YDKBabGH-H0JHmz1WZ9eb1Xx5-CAN6E-IfhEDDwKLxShHfhxZ7lCLD6WkEnT1_dwq7Qg1C-F92rlasuYbaL0nsd6Iw89k02a9Dc-36s-grUnknZt-bZQw.54nHquhoEOkLhVrC.hRXm2iTJ-JfO5mA35ffFksjgX88i4IMaa3lufLoNKBp88ue-zLw.L1J2_XZSSZBKNvbibEacxg";

pub(super) const JWCRYPTO_RSA_JWK: &str = r#"{
    "kty": "RSA",
    "kid": "rp-enc-rsa",
    "e": "AQAB",
    "n": "l-EMvhCckNo2WhGI5qpKN6lRtGVyRzOiXyFrv27c1-nTC7ScuHknOoa8VqsLBZoeO2Co0_OnXg2L7rO0q0GzJlCSswlR0ZmsjZFGfIKeN8osuumheHwv3D7P-AMpGmx2BUR2K4GAeneB48gMSuQrOaD_c6C_p2xtl7L2MRcg330hUfi53-NrlZPlr6vEu8GlHyculDFdEdSNg1fg6jI5gNxV01Ejqheii3eM1S8k4w0qcLztFCTws7Jic3iWvIjWzYIoKLTAZNDy8IlLo6nLAWwpqknSMe9-ijQE4VhnGQtRXTiNMlsSicka7cRZ2X9KaTSkIpfjRGUwXXXPJUj7cQ",
    "d": "EHQ1KTIrhBXf5YoYxsSUHcueKmkDJGuXn67DOY4NJucSEiaTA_k8Ir8OEGWfYA_-Tnh-UdgHvczB6C5X2GXZvsDj47mSv55ib0PZ2wtbkLe6eNVuxNrPZJD5fuj4vwAZGSD9nGD_RkVEMSUvD74AYNHsWt6DZOP-S3z75v2Wdh-xh2iHTlikK2TBuHVVqArH_3LUWknkO81rMs1Rq5TXMB4GjGRRhxU6Syvwmj0j0mUaq8PfGV-ZO4q1jpVtZz61k2xYFTSHov9kalkSkeR4fKvMM-QfWkEdecIv88jvN8JR7QB8yCxG-unDX5q6O1nm47O_SNpK4mX4uDvpPANRMQ",
    "p": "zKMQxS0Ep7ch9VGUaaalCuiNrscFmXNzHZ7bIel_0hGoEfAQphFBEMUGVMuyq4okyBqzYYTq6NLGd6a0kkyJ2MW8Ig5QWNIbxmNs3sDAb3NsxP5eKfYcY-YGcEEIojNo9j_jrEYeNXqLJif0fh-XIfNkISEF19iMEEOv1JPoxJM",
    "q": "vgAH4EJgVT8v1_McLuZd7168jZtVENzFRuywgYe-2g8bN9RwBAlg-eQ3ZIYtpxVgfEPq3bkZV4WhBkzf2nGUF3s6k2NZH-j9TtBpHsDoseeNIqCow40Bstb1IHQljAwWQJn_3ZTxdtU8k18MOPcNuFba7riJHLQS_db5ag6LJms",
    "dp": "wwxCNc48-6bgJTWG4lTGRul18jscqTCTbo41i9NF0_KkYcSR-dfETrmc2UH2oO5hNKHOjIrmZNhR90XcIv30_bsrIMLH7oEFnEi0QnUydohsCi_xjMlaMhXT2TcDhaa-ysgGt_N1Y7_T1aCLt5NguCmHLNSO_zcV-YKqm1IHsSU",
    "dq": "RD-UlKyjF9vznpl4FSywr0wTZLZYLw9uWZSprk2Jc6CbgUlw1zJbQEgG0bgU7ACUwO5QjkZv4O1iMvYoLro_nNOp7clw-TJi0w2vxNk8fLMVEkwtctjStF_ce0TdO9oXoCrxKrHWrn3YHYO1yzyLFB021Ss6LTJN5Bp1SvBgcXM",
    "qi": "KoAG29m3wZRN5neUiKFKe2GjV1t_UJCQ04c4qQwnpPv0-cNz0EnbvOuf9fT8oVT28K0vWwe5uBa_TN0ix5OUbBy68ulwdCnonpH1cShn6MLWmYLqdlcUbWY5Wjun20hCqLiIuQXEHRJnGTzZSKyGbIrsFtaLAOFXdgal3W__OfM"
}"#;
