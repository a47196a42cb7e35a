//! JWS compact serialisation (RFC 7515) with keys prepared once, signed by `ring`: ES256
//! (fixed-length r‖s) and RS256 (RSASSA-PKCS1-v1_5). `ring`'s assembly signs ES256 about four
//! times and RS256 about three times faster than the pure-Rust `p256`/`rsa` on this machine
//! (`cargo bench --bench micro -- _sign_`); keys are still generated and encoded with `p256`
//! and `rsa` and handed over as PKCS#8. Signing is on the token endpoint's hot path, so
//! nothing is parsed per signature. [`RING_VERIFIER`] does the same for the JWTs Civitas
//! verifies (client assertions, ID-token hints) through `jsonwebtoken`.

use base64::{Engine, engine::general_purpose::URL_SAFE_NO_PAD as B64};
use ring::{rand::SystemRandom, signature as rs};
use serde::Serialize;

use super::keys::{Alg, PrivateKey};

/// A key ready to sign.
pub enum Signer {
    Es256(rs::EcdsaKeyPair),
    Rs256(RsaSha256),
}

/// An RSA key prepared once for RSASSA-PKCS1-v1_5 with SHA-256: RS256 JWS signatures and
/// SAML's XML (`rsa-sha256`) and HTTP-Redirect signatures. The message is hashed here.
pub struct RsaSha256(rs::RsaKeyPair);

impl RsaSha256 {
    /// `None` for a key `ring` refuses (a modulus under 2048 bits, which Civitas never makes).
    pub fn new(key: &rsa::RsaPrivateKey) -> Option<Self> {
        use rsa::pkcs8::EncodePrivateKey as _;
        let der = key.to_pkcs8_der().ok()?;
        rs::RsaKeyPair::from_pkcs8(der.as_bytes()).ok().map(Self)
    }

    /// The public key as PKCS#1 `RSAPublicKey` DER.
    pub fn public_key_der(&self) -> &[u8] {
        self.0.public().as_ref()
    }

    /// The signature of `message`, as long as the modulus.
    pub fn sign(&self, message: &[u8]) -> Result<Vec<u8>, SignError> {
        let mut out = vec![0; self.0.public().modulus_len()];
        self.0
            .sign(
                &rs::RSA_PKCS1_SHA256,
                &SystemRandom::new(),
                message,
                &mut out,
            )
            .map_err(|_| SignError::Signature)?;
        Ok(out)
    }
}

/// Why a JWS could not be made.
#[derive(Debug, thiserror::Error)]
pub enum SignError {
    #[error("the claims could not be serialised: {0}")]
    Json(#[from] serde_json::Error),
    #[error("the signature could not be computed (the system's random source failed)")]
    Signature,
}

impl Signer {
    /// The signer of a JWS key; `None` for a key that signs no JWS (SAML's) or one `ring`
    /// refuses (an RSA modulus under 2048 bits, which Civitas never makes).
    pub fn new(key: &PrivateKey) -> Option<Self> {
        use p256::pkcs8::EncodePrivateKey as _;
        match key {
            PrivateKey::Es256(k) => {
                let der = k.to_pkcs8_der().ok()?;
                rs::EcdsaKeyPair::from_pkcs8(
                    &rs::ECDSA_P256_SHA256_FIXED_SIGNING,
                    der.as_bytes(),
                    &SystemRandom::new(),
                )
                .ok()
                .map(Signer::Es256)
            }
            PrivateKey::Rs256(k) => RsaSha256::new(k).map(Signer::Rs256),
            PrivateKey::SamlRs256(_) => None,
        }
    }

    pub fn alg(&self) -> Alg {
        match self {
            Signer::Es256(_) => Alg::Es256,
            Signer::Rs256(_) => Alg::Rs256,
        }
    }

    fn sign(&self, message: &[u8]) -> Result<Vec<u8>, SignError> {
        match self {
            Signer::Es256(k) => k
                .sign(&SystemRandom::new(), message)
                .map(|s| s.as_ref().to_vec())
                .map_err(|_| SignError::Signature),
            Signer::Rs256(k) => k.sign(message),
        }
    }
}

/// `jsonwebtoken`'s cryptography with ES256 and RS256 verified by `ring` (about five times
/// faster than `p256` for ES256 here); every other algorithm and the key utilities stay with
/// the RustCrypto provider. Installed once per process by [`install_verifier`].
pub static RING_VERIFIER: jsonwebtoken::crypto::CryptoProvider =
    jsonwebtoken::crypto::CryptoProvider {
        signer_factory: |alg, key| (RUST_CRYPTO.signer_factory)(alg, key),
        verifier_factory: ring_verifier,
        key_utils: jsonwebtoken::crypto::KeyUtils {
            rsa_pub_components_from_private_key: |der| {
                (RUST_CRYPTO.key_utils.rsa_pub_components_from_private_key)(der)
            },
            rsa_pub_components_from_public_key: |der| {
                (RUST_CRYPTO.key_utils.rsa_pub_components_from_public_key)(der)
            },
            ec_pub_components_from_private_key: |der, alg| {
                (RUST_CRYPTO.key_utils.ec_pub_components_from_private_key)(der, alg)
            },
            ed_pub_components_from_private_key: |der, curve| {
                (RUST_CRYPTO.key_utils.ed_pub_components_from_private_key)(der, curve)
            },
            compute_digest: |data, hash| (RUST_CRYPTO.key_utils.compute_digest)(data, hash),
        },
    };

use jsonwebtoken::crypto::rust_crypto::DEFAULT_PROVIDER as RUST_CRYPTO;

/// Makes [`RING_VERIFIER`] the process's `jsonwebtoken` provider. Idempotent; when some JWT
/// was already decoded in this process the RustCrypto provider stays (equally correct, slower).
pub fn install_verifier() {
    let _ = RING_VERIFIER.install_default();
}

/// A public key in the form `ring` takes: an uncompressed P-256 point, or an RSA key as
/// PKCS#1 DER or as its modulus and exponent.
enum RingPublic {
    Bytes(Vec<u8>),
    Rsa { n: Vec<u8>, e: Vec<u8> },
}

struct RingVerifier {
    alg: jsonwebtoken::Algorithm,
    params: &'static rs::RsaParameters,
    ecdsa: bool,
    key: RingPublic,
}

impl jsonwebtoken::signature::Verifier<Vec<u8>> for RingVerifier {
    fn verify(
        &self,
        message: &[u8],
        signature: &Vec<u8>,
    ) -> Result<(), jsonwebtoken::signature::Error> {
        let checked = match (&self.key, self.ecdsa) {
            (RingPublic::Bytes(point), true) => {
                rs::UnparsedPublicKey::new(&rs::ECDSA_P256_SHA256_FIXED, point)
                    .verify(message, signature)
            }
            (RingPublic::Bytes(der), false) => {
                rs::UnparsedPublicKey::new(self.params, der).verify(message, signature)
            }
            (RingPublic::Rsa { n, e }, false) => {
                rs::RsaPublicKeyComponents { n, e }.verify(self.params, message, signature)
            }
            (RingPublic::Rsa { .. }, true) => Err(ring::error::Unspecified),
        };
        checked.map_err(|_| jsonwebtoken::signature::Error::new())
    }
}

impl jsonwebtoken::crypto::JwtVerifier for RingVerifier {
    fn algorithm(&self) -> jsonwebtoken::Algorithm {
        self.alg
    }
}

fn ring_verifier(
    alg: &jsonwebtoken::Algorithm,
    key: &jsonwebtoken::DecodingKey,
) -> jsonwebtoken::errors::Result<Box<dyn jsonwebtoken::crypto::JwtVerifier>> {
    use jsonwebtoken::errors::ErrorKind;
    use jsonwebtoken::{Algorithm as A, AlgorithmFamily as F, DecodingKeyKind as K};
    let ecdsa = match (alg, key.family()) {
        (A::ES256, F::Ec) => true,
        (A::RS256, F::Rsa) => false,
        (A::ES256 | A::RS256, _) => return Err(ErrorKind::InvalidKeyFormat.into()),
        _ => return (RUST_CRYPTO.verifier_factory)(alg, key),
    };
    let key = match key.kind() {
        K::SecretOrDer(bytes) => RingPublic::Bytes(bytes.clone()),
        K::RsaModulusExponent { n, e } => RingPublic::Rsa {
            n: n.clone(),
            e: e.clone(),
        },
    };
    Ok(Box::new(RingVerifier {
        alg: *alg,
        params: &rs::RSA_PKCS1_2048_8192_SHA256,
        ecdsa,
        key,
    }))
}

#[derive(Serialize)]
struct Header<'a> {
    alg: &'a str,
    kid: &'a str,
    typ: &'a str,
}

/// Signs `claims` as a compact JWS with `kid` in the header.
pub fn sign<T: Serialize>(signer: &Signer, kid: &str, claims: &T) -> Result<String, SignError> {
    sign_typed(signer, kid, "JWT", claims)
}

/// Signs `claims` as a compact JWS whose header says `typ` (RFC 8725 §3.11: a token of one
/// kind cannot pass for another, e.g. `logout+jwt`).
pub fn sign_typed<T: Serialize>(
    signer: &Signer,
    kid: &str,
    typ: &str,
    claims: &T,
) -> Result<String, SignError> {
    let header = serde_json::to_vec(&Header {
        alg: signer.alg().as_str(),
        kid,
        typ,
    })?;
    let payload = serde_json::to_vec(claims)?;
    let mut out = String::with_capacity(64 + payload.len() * 4 / 3 + 400);
    B64.encode_string(header, &mut out);
    out.push('.');
    B64.encode_string(payload, &mut out);
    let signature = signer.sign(out.as_bytes())?;
    out.push('.');
    B64.encode_string(signature, &mut out);
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn signatures_verify_with_the_published_key() {
        for alg in Alg::JWS {
            let key = PrivateKey::generate(alg).unwrap();
            let jwk = key.public_jwk();
            let token = sign(
                &Signer::new(&key).unwrap(),
                &jwk.kid,
                &serde_json::json!({"sub": "x"}),
            )
            .unwrap();
            let decoding = jsonwebtoken::DecodingKey::from_jwk(
                &serde_json::from_value(serde_json::to_value(&jwk).unwrap()).unwrap(),
            )
            .unwrap();
            let jwt_alg = match alg {
                Alg::Es256 => jsonwebtoken::Algorithm::ES256,
                Alg::Rs256 => jsonwebtoken::Algorithm::RS256,
                Alg::SamlRs256 => unreachable!("not a JWS algorithm"),
            };
            let mut v = jsonwebtoken::Validation::new(jwt_alg);
            v.required_spec_claims.clear();
            v.validate_exp = false;
            let data = jsonwebtoken::decode::<serde_json::Value>(&token, &decoding, &v).unwrap();
            assert_eq!(data.claims["sub"], "x");
            assert_eq!(data.header.kid.as_deref(), Some(jwk.kid.as_str()));
        }
    }

    #[test]
    fn ring_verifies_both_algorithms_and_refuses_a_changed_token() {
        install_verifier();
        for (alg, jwt_alg) in [
            (Alg::Es256, jsonwebtoken::Algorithm::ES256),
            (Alg::Rs256, jsonwebtoken::Algorithm::RS256),
        ] {
            let key = PrivateKey::generate(alg).unwrap();
            let jwk = key.public_jwk();
            let token = sign(
                &Signer::new(&key).unwrap(),
                &jwk.kid,
                &serde_json::json!({"sub": "x"}),
            )
            .unwrap();
            let jwk: jsonwebtoken::jwk::Jwk =
                serde_json::from_value(serde_json::to_value(&jwk).unwrap()).unwrap();
            let decoding = jsonwebtoken::DecodingKey::from_jwk(&jwk).unwrap();
            let verifier = ring_verifier(&jwt_alg, &decoding).unwrap();
            let (message, signature) = token.rsplit_once('.').unwrap();
            let signature = B64.decode(signature).unwrap();
            assert!(verifier.verify(message.as_bytes(), &signature).is_ok());
            let changed = message.replacen('.', ".e", 1);
            assert!(verifier.verify(changed.as_bytes(), &signature).is_err());
            let mut flipped = signature.clone();
            flipped[5] ^= 1;
            assert!(verifier.verify(message.as_bytes(), &flipped).is_err());
            // Through jsonwebtoken with the provider installed.
            let mut v = jsonwebtoken::Validation::new(jwt_alg);
            v.required_spec_claims.clear();
            v.validate_exp = false;
            assert!(jsonwebtoken::decode::<serde_json::Value>(&token, &decoding, &v).is_ok());
            let mut bad = token.clone();
            bad.push('A');
            assert!(jsonwebtoken::decode::<serde_json::Value>(&bad, &decoding, &v).is_err());
        }
    }

    #[test]
    fn an_rs256_key_does_not_verify_es256() {
        let key = PrivateKey::generate(Alg::Rs256).unwrap();
        let jwk: jsonwebtoken::jwk::Jwk =
            serde_json::from_value(serde_json::to_value(key.public_jwk()).unwrap()).unwrap();
        let decoding = jsonwebtoken::DecodingKey::from_jwk(&jwk).unwrap();
        assert!(ring_verifier(&jsonwebtoken::Algorithm::ES256, &decoding).is_err());
    }

    #[test]
    fn a_saml_key_makes_no_jws_signer() {
        let key = PrivateKey::generate(Alg::SamlRs256).unwrap();
        assert!(Signer::new(&key).is_none());
    }
}

#[cfg(test)]
mod fuzz;
