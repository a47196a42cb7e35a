//! The keys of a JWE as JWKs (RFC 7517, RFC 7518 §6): a recipient's public key checked
//! strictly before anything is encrypted to it, and a relying party's private key for
//! [`decrypt`](super::decrypt).

use base64::{Engine, engine::general_purpose::URL_SAFE_NO_PAD as B64};
use rsa::{BigUint, RsaPrivateKey, RsaPublicKey, traits::PublicKeyParts as _};
use serde_json::Value;
use zeroize::Zeroizing;

use super::{JweError, KeyAlg};

/// Smallest RSA modulus accepted (RFC 7518 §4.3 requires 2048 bits).
pub const MIN_RSA_BITS: usize = 2048;

/// The JWK members that only a private key has (RFC 7518 §6.2.2, §6.3.2, §6.4.1).
pub(super) const PRIVATE_MEMBERS: [&str; 8] = ["d", "p", "q", "dp", "dq", "qi", "oth", "k"];

/// The first private member of `jwk`, if it has one: a key published with its private half.
pub fn private_member(jwk: &Value) -> Option<&'static str> {
    PRIVATE_MEMBERS.into_iter().find(|m| jwk.get(m).is_some())
}

/// A recipient's public key, checked.
pub(super) enum Recipient {
    Ec(p256::PublicKey),
    Rsa(RsaPublicKey),
}

impl Recipient {
    pub(super) fn from_public_jwk(jwk: &Value, alg: KeyAlg) -> Result<Self, JweError> {
        if !jwk.is_object() {
            return Err(JweError::KeyNotObject);
        }
        if let Some(member) = private_member(jwk) {
            return Err(JweError::PrivateMember(member));
        }
        match jwk.get("use") {
            None => {}
            Some(u) if u == "enc" => {}
            Some(u) => return Err(JweError::KeyUse(u.as_str().unwrap_or("").to_owned())),
        }
        match jwk.get("alg") {
            None => {}
            Some(a) if a == alg.as_str() => {}
            Some(a) => {
                return Err(JweError::KeyAlg {
                    key: a.as_str().unwrap_or("").to_owned(),
                    alg: alg.as_str(),
                });
            }
        }
        check_kty(jwk, alg)?;
        Ok(match alg {
            KeyAlg::EcdhEsA256kw => Recipient::Ec(ec_public(jwk)?),
            KeyAlg::RsaOaep256 => Recipient::Rsa(rsa_public(jwk)?),
        })
    }
}

fn check_kty(jwk: &Value, alg: KeyAlg) -> Result<(), JweError> {
    let kty = jwk.get("kty").and_then(Value::as_str);
    if kty != Some(alg.kty()) {
        return Err(JweError::KeyType {
            alg: alg.as_str(),
            expected: alg.kty(),
            found: kty.map(str::to_owned),
        });
    }
    Ok(())
}

/// A base64url member of a JWK, decoded.
fn member(jwk: &Value, name: &'static str) -> Result<Vec<u8>, JweError> {
    jwk.get(name)
        .and_then(Value::as_str)
        .and_then(|v| B64.decode(v).ok())
        .filter(|v| !v.is_empty())
        .ok_or(JweError::KeyMember(name))
}

/// A P-256 coordinate or scalar: exactly 32 bytes (RFC 7518 §6.2.1.2, §6.2.2.1).
fn member32(jwk: &Value, name: &'static str) -> Result<Vec<u8>, JweError> {
    member(jwk, name)
        .ok()
        .filter(|v| v.len() == 32)
        .ok_or(JweError::KeyMember(name))
}

pub(super) fn ec_public(jwk: &Value) -> Result<p256::PublicKey, JweError> {
    check_kty(jwk, KeyAlg::EcdhEsA256kw)?;
    let crv = jwk.get("crv").and_then(Value::as_str);
    if crv != Some("P-256") {
        return Err(JweError::Curve(crv.map(str::to_owned)));
    }
    let mut sec1 = vec![0x04];
    sec1.extend(member32(jwk, "x")?);
    sec1.extend(member32(jwk, "y")?);
    p256::PublicKey::from_sec1_bytes(&sec1).map_err(|_| JweError::NotOnCurve)
}

pub(super) fn ec_private(jwk: &Value) -> Result<p256::SecretKey, JweError> {
    let public = ec_public(jwk)?;
    if jwk.get("d").is_none() {
        return Err(JweError::NotPrivate);
    }
    let d = Zeroizing::new(member32(jwk, "d")?);
    let secret = p256::SecretKey::from_slice(&d).map_err(|_| JweError::KeyMember("d"))?;
    if secret.public_key() != public {
        return Err(JweError::KeyMismatch);
    }
    Ok(secret)
}

fn uint(jwk: &Value, name: &'static str) -> Result<BigUint, JweError> {
    Ok(BigUint::from_bytes_be(&member(jwk, name)?))
}

pub(super) fn rsa_public(jwk: &Value) -> Result<RsaPublicKey, JweError> {
    check_kty(jwk, KeyAlg::RsaOaep256)?;
    let key = RsaPublicKey::new(uint(jwk, "n")?, uint(jwk, "e")?)
        .map_err(|e| JweError::InvalidRsaKey(e.to_string()))?;
    let bits = key.n().bits();
    if bits < MIN_RSA_BITS {
        return Err(JweError::RsaTooSmall(bits));
    }
    Ok(key)
}

pub(super) fn rsa_private(jwk: &Value) -> Result<RsaPrivateKey, JweError> {
    let public = rsa_public(jwk)?;
    if jwk.get("d").is_none() {
        return Err(JweError::NotPrivate);
    }
    let primes = vec![uint(jwk, "p")?, uint(jwk, "q")?];
    RsaPrivateKey::from_components(
        public.n().clone(),
        public.e().clone(),
        uint(jwk, "d")?,
        primes,
    )
    .map_err(|e| JweError::InvalidRsaKey(e.to_string()))
}
