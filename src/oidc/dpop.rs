//! DPoP proofs (RFC 9449 §4.3): the checks a token or resource endpoint runs on the `DPoP`
//! header, without state. Remembering `jti`s and issuing nonces are the caller's; this says
//! whether one proof is good for one request and whose key it carries.

use base64::{Engine, engine::general_purpose::URL_SAFE_NO_PAD as B64};
use serde_json::{Map, Value};
use sha2::{Digest, Sha256};
use url::Url;

use crate::crypto::jwe::{MIN_RSA_BITS, private_member};

/// Longest proof read; a proof with a 4096-bit RSA key is under 2 KB.
pub const MAX_PROOF_LEN: usize = 8 * 1024;
/// How old a proof may be: `iat` no earlier than `now - MAX_AGE` seconds.
pub const MAX_AGE: i64 = 300;
/// How far ahead a client's clock may run: `iat` no later than `now + MAX_FUTURE` seconds.
pub const MAX_FUTURE: i64 = 60;
/// Longest `jti` accepted, in characters.
pub const MAX_JTI_LEN: usize = 256;

/// A proof that passed every check.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Proof {
    /// The RFC 7638 SHA-256 thumbprint of the proof's key, base64url: what `cnf.jkt` binds.
    pub jkt: String,
    /// The proof's unique identifier, for the caller's replay check.
    pub jti: String,
    pub iat: i64,
}

/// The request a proof must match.
#[derive(Clone, Copy, Debug)]
pub struct Expect<'a> {
    /// The request's method, as sent (`POST`).
    pub htm: &'a str,
    /// The request's absolute URL; query and fragment are ignored.
    pub htu: &'a str,
    /// The current time, in seconds since the epoch.
    pub now: i64,
    /// The access token the proof comes with, at a resource: then `ath` is required.
    pub access_token: Option<&'a str>,
    /// The nonce the server last gave this client, when it requires one.
    pub nonce: Option<&'a str>,
}

/// Why a DPoP proof was refused; each message tells the client's developer what to fix.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum DpopError {
    #[error("the DPoP proof is longer than {MAX_PROOF_LEN} bytes")]
    TooLong,
    #[error(
        "the DPoP proof must be one JWS in compact form: three base64url parts separated by dots"
    )]
    NotCompactJws,
    #[error("the DPoP proof's header is not a base64url-encoded JSON object")]
    Header,
    #[error("the DPoP proof's header must have typ \"dpop+jwt\"")]
    Typ,
    #[error("the DPoP proof must be signed with ES256 or PS256")]
    Alg,
    #[error("the DPoP proof's header has \"crit\" extensions, which are not understood")]
    Critical,
    #[error("the DPoP proof's header must carry the public key as \"jwk\"")]
    MissingJwk,
    #[error(
        "the DPoP proof's jwk has the private member \"{0}\": send the public key only, and replace this key"
    )]
    PrivateJwk(&'static str),
    #[error("the DPoP proof's jwk is not usable: {0}")]
    UnsuitableJwk(&'static str),
    #[error("the DPoP proof's signature does not verify with the key in its header")]
    Signature,
    #[error("the DPoP proof's payload is not a base64url-encoded JSON object")]
    Claims,
    #[error("the DPoP proof needs a jti: a string of 1 to {MAX_JTI_LEN} characters")]
    Jti,
    #[error("the DPoP proof's htm must be {0}, the method of this request")]
    Htm(String),
    #[error("the DPoP proof's htu must be {0}, the URL of this request without query or fragment")]
    Htu(String),
    #[error("the DPoP proof needs iat: the time it was made, in seconds since the epoch")]
    IatMissing,
    #[error(
        "the DPoP proof was made more than {MAX_AGE} seconds ago: make a fresh proof for each request"
    )]
    Stale,
    #[error(
        "the DPoP proof's iat is more than {MAX_FUTURE} seconds in the future: check the client's clock"
    )]
    Future,
    #[error(
        "the DPoP proof needs ath, the base64url SHA-256 hash of the access token sent with it"
    )]
    AthMissing,
    #[error(
        "the DPoP proof's ath is not the base64url SHA-256 hash of the access token sent with it"
    )]
    AthMismatch,
    /// The endpoint answers `use_dpop_nonce` with a fresh `DPoP-Nonce` (RFC 9449 §8).
    #[error("the DPoP proof must carry the nonce of the latest DPoP-Nonce response header")]
    UseNonce,
}

/// Checks `proof` (the `DPoP` header's value) against the request with each check of RFC 9449
/// §4.3 in turn, the claims read only once the signature verifies; returns its key's
/// thumbprint, `jti` and `iat`. The first failed check is the answer.
pub fn verify(proof: &str, expect: &Expect) -> Result<Proof, DpopError> {
    if proof.len() > MAX_PROOF_LEN {
        return Err(DpopError::TooLong);
    }
    let parts: Vec<&str> = proof.split('.').collect();
    let [header_b64, claims_b64, signature] = parts[..] else {
        return Err(DpopError::NotCompactJws);
    };
    let header = json_object(header_b64).ok_or(DpopError::Header)?;
    if header.get("typ").and_then(Value::as_str) != Some("dpop+jwt") {
        return Err(DpopError::Typ);
    }
    // FAPI 2.0 Security Profile: PS256 or ES256 (EdDSA is not offered); never `none` or HMAC.
    let alg = match header.get("alg").and_then(Value::as_str) {
        Some("ES256") => jsonwebtoken::Algorithm::ES256,
        Some("PS256") => jsonwebtoken::Algorithm::PS256,
        _ => return Err(DpopError::Alg),
    };
    if header.contains_key("crit") {
        return Err(DpopError::Critical);
    }
    let jwk = header
        .get("jwk")
        .filter(|k| k.is_object())
        .ok_or(DpopError::MissingJwk)?;
    if let Some(member) = private_member(jwk) {
        return Err(DpopError::PrivateJwk(member));
    }
    let key = decoding_key(jwk, alg)?;
    let message = &proof[..header_b64.len() + 1 + claims_b64.len()];
    if !jsonwebtoken::crypto::verify(signature, message.as_bytes(), &key, alg).unwrap_or(false) {
        return Err(DpopError::Signature);
    }

    let claims = json_object(claims_b64).ok_or(DpopError::Claims)?;
    let claim = |name| claims.get(name).and_then(Value::as_str);
    let jti = claim("jti")
        .filter(|j| (1..=MAX_JTI_LEN).contains(&j.chars().count()))
        .ok_or(DpopError::Jti)?;
    if claim("htm") != Some(expect.htm) {
        return Err(DpopError::Htm(expect.htm.to_owned()));
    }
    let expected_htu = target_uri(expect.htu);
    if expected_htu.is_none() || claim("htu").and_then(target_uri) != expected_htu {
        return Err(DpopError::Htu(
            expected_htu.map_or_else(|| expect.htu.to_owned(), String::from),
        ));
    }
    let iat = claims
        .get("iat")
        .and_then(|v| {
            v.as_i64().or_else(|| {
                v.as_f64()
                    .filter(|f| f.is_finite())
                    .map(|f| f.floor() as i64)
            })
        })
        .ok_or(DpopError::IatMissing)?;
    if iat < expect.now.saturating_sub(MAX_AGE) {
        return Err(DpopError::Stale);
    }
    if iat > expect.now.saturating_add(MAX_FUTURE) {
        return Err(DpopError::Future);
    }
    if let Some(token) = expect.access_token {
        match claim("ath") {
            None => return Err(DpopError::AthMissing),
            Some(a) if a != ath(token) => return Err(DpopError::AthMismatch),
            Some(_) => {}
        }
    }
    if let Some(nonce) = expect.nonce
        && claim("nonce") != Some(nonce)
    {
        return Err(DpopError::UseNonce);
    }
    Ok(Proof {
        jkt: thumbprint(jwk)?,
        jti: jti.to_owned(),
        iat,
    })
}

/// RFC 7638 JWK thumbprint: base64url(SHA-256) of the required members in lexicographic
/// order without whitespace (EC: crv, kty, x, y; RSA: e, kty, n).
pub fn thumbprint(jwk: &Value) -> Result<String, DpopError> {
    let member = |name| {
        jwk.get(name)
            .and_then(Value::as_str)
            .map(|v| Value::from(v).to_string())
            .ok_or(DpopError::UnsuitableJwk("a required member is missing"))
    };
    let canonical = match jwk.get("kty").and_then(Value::as_str) {
        Some("EC") => format!(
            r#"{{"crv":{},"kty":"EC","x":{},"y":{}}}"#,
            member("crv")?,
            member("x")?,
            member("y")?
        ),
        Some("RSA") => format!(
            r#"{{"e":{},"kty":"RSA","n":{}}}"#,
            member("e")?,
            member("n")?
        ),
        _ => return Err(DpopError::UnsuitableJwk("kty must be EC or RSA")),
    };
    Ok(B64.encode(Sha256::digest(canonical.as_bytes())))
}

/// RFC 9449 §4.2: `ath`, the base64url SHA-256 hash of an access token.
pub fn ath(access_token: &str) -> String {
    B64.encode(Sha256::digest(access_token.as_bytes()))
}

fn json_object(part: &str) -> Option<Map<String, Value>> {
    match serde_json::from_slice(&B64.decode(part).ok()?).ok()? {
        Value::Object(map) => Some(map),
        _ => None,
    }
}

/// RFC 9449 §4.3 step 9: an http(s) URL without query and fragment, normalised (scheme and
/// host lowercase, default port dropped, empty path as `/`: RFC 3986 §6.2.2–6.2.3).
fn target_uri(s: &str) -> Option<Url> {
    let mut url = Url::parse(s).ok()?;
    if !matches!(url.scheme(), "https" | "http") {
        return None;
    }
    url.set_query(None);
    url.set_fragment(None);
    Some(url)
}

/// The proof's key as `jsonwebtoken` takes it, after checking it suits `alg`: a P-256 point
/// for ES256, an RSA key of at least 2048 bits for PS256.
fn decoding_key(
    jwk: &Value,
    alg: jsonwebtoken::Algorithm,
) -> Result<jsonwebtoken::DecodingKey, DpopError> {
    let text = |name| jwk.get(name).and_then(Value::as_str);
    let bytes = |name| text(name).and_then(|v| B64.decode(v).ok());
    if alg == jsonwebtoken::Algorithm::ES256 {
        if text("kty") != Some("EC") || text("crv") != Some("P-256") {
            return Err(DpopError::UnsuitableJwk("ES256 needs an EC key on P-256"));
        }
        let (Some(x), Some(y)) = (bytes("x"), bytes("y")) else {
            return Err(DpopError::UnsuitableJwk("x and y must be base64url"));
        };
        let mut point = vec![0x04];
        point.extend(&x);
        point.extend(&y);
        if x.len() != 32 || y.len() != 32 || p256::PublicKey::from_sec1_bytes(&point).is_err() {
            return Err(DpopError::UnsuitableJwk("x and y are not a point on P-256"));
        }
        Ok(jsonwebtoken::DecodingKey::from_ec_der(&point))
    } else {
        if text("kty") != Some("RSA") {
            return Err(DpopError::UnsuitableJwk("PS256 needs an RSA key"));
        }
        let (Some(n), Some(e)) = (bytes("n"), bytes("e")) else {
            return Err(DpopError::UnsuitableJwk("n and e must be base64url"));
        };
        let bits = rsa::BigUint::from_bytes_be(&n).bits();
        if bits < MIN_RSA_BITS {
            return Err(DpopError::UnsuitableJwk(
                "the RSA modulus must have at least 2048 bits",
            ));
        }
        Ok(jsonwebtoken::DecodingKey::from_rsa_raw_components(&n, &e))
    }
}

#[cfg(test)]
mod tests;

#[cfg(test)]
mod fuzz;
