//! JWS compact serialisation (RFC 7515) with keys prepared once: ES256 over p256, RS256
//! (RSASSA-PKCS1-v1_5, blinded) over rsa. Signing is on the token endpoint's hot path, so
//! nothing is parsed per signature.

use base64::{Engine, engine::general_purpose::URL_SAFE_NO_PAD as B64};
use serde::Serialize;

use super::keys::{Alg, PrivateKey};

/// A key ready to sign.
pub enum Signer {
    Es256(p256::ecdsa::SigningKey),
    Rs256(Box<rsa::pkcs1v15::SigningKey<sha2::Sha256>>),
}

impl Signer {
    /// The signer of a JWS key; `None` for a key that signs no JWS (SAML's).
    pub fn new(key: &PrivateKey) -> Option<Self> {
        match key {
            PrivateKey::Es256(k) => Some(Signer::Es256(p256::ecdsa::SigningKey::from(k))),
            PrivateKey::Rs256(k) => Some(Signer::Rs256(Box::new(rsa::pkcs1v15::SigningKey::new(
                (**k).clone(),
            )))),
            PrivateKey::SamlRs256(_) => None,
        }
    }

    pub fn alg(&self) -> Alg {
        match self {
            Signer::Es256(_) => Alg::Es256,
            Signer::Rs256(_) => Alg::Rs256,
        }
    }

    fn sign(&self, message: &[u8]) -> Vec<u8> {
        match self {
            Signer::Es256(k) => {
                use p256::ecdsa::signature::Signer as _;
                let sig: p256::ecdsa::Signature = k.sign(message);
                sig.to_bytes().to_vec()
            }
            Signer::Rs256(k) => {
                use rsa::signature::{RandomizedSigner, SignatureEncoding};
                k.sign_with_rng(&mut rsa::rand_core::OsRng, message)
                    .to_vec()
            }
        }
    }
}

#[derive(Serialize)]
struct Header<'a> {
    alg: &'a str,
    kid: &'a str,
    typ: &'a str,
}

/// Signs `claims` as a compact JWS with `kid` in the header.
pub fn sign<T: Serialize>(
    signer: &Signer,
    kid: &str,
    claims: &T,
) -> Result<String, serde_json::Error> {
    let header = serde_json::to_vec(&Header {
        alg: signer.alg().as_str(),
        kid,
        typ: "JWT",
    })?;
    let payload = serde_json::to_vec(claims)?;
    let mut out = String::with_capacity(64 + payload.len() * 4 / 3 + 400);
    B64.encode_string(header, &mut out);
    out.push('.');
    B64.encode_string(payload, &mut out);
    let signature = signer.sign(out.as_bytes());
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
    fn a_saml_key_makes_no_jws_signer() {
        let key = PrivateKey::generate(Alg::SamlRs256).unwrap();
        assert!(Signer::new(&key).is_none());
    }
}
