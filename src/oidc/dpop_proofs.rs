//! What the endpoints do with DPoP proofs (RFC 9449): check the one a request carries
//! (`dpop::verify`), record its `jti` so a replay fails on any instance, and issue and require
//! nonces when the operator turns them on (`[oidc] dpop_nonce`).
//!
//! Nonces need no storage: a nonce is a time slot and an HMAC of it under a server secret
//! every instance shares, valid in its slot and the next one.

use axum::http::HeaderMap;
use base64::{Engine, engine::general_purpose::URL_SAFE_NO_PAD as B64};
use hmac::{Hmac, Mac};
use sha2::Sha256;

use super::{
    client_failures::FailureKind as Kind,
    dpop::{self, DpopError, Expect},
    error::OAuthError,
};
use crate::{state::AppState, store::pushed};

/// The name under which the nonce key is kept in `server_secrets`.
pub const SECRET_NAME: &str = "dpop_nonce_key";
/// Length of a nonce slot, in seconds: a nonce lives one to two slots.
const SLOT: i64 = 60;

/// The server-wide key behind DPoP nonces.
#[derive(Clone)]
pub struct NonceKey(Vec<u8>);

impl std::fmt::Debug for NonceKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("NonceKey([redacted])")
    }
}

impl NonceKey {
    /// From the stored base64url form.
    pub fn from_stored(value: &str) -> anyhow::Result<Self> {
        let bytes = B64.decode(value)?;
        anyhow::ensure!(bytes.len() >= 32, "the DPoP nonce key is too short");
        Ok(Self(bytes))
    }

    fn tag(&self, slot: i64) -> String {
        let mut mac =
            <Hmac<Sha256> as Mac>::new_from_slice(&self.0).expect("HMAC takes any key length");
        mac.update(b"dpop-nonce\0");
        mac.update(&slot.to_be_bytes());
        B64.encode(&mac.finalize().into_bytes()[..18])
    }

    /// The nonce to hand out at `now`.
    pub fn issue(&self, now: i64) -> String {
        let slot = now.div_euclid(SLOT);
        format!("{slot}.{}", self.tag(slot))
    }

    /// Whether `nonce` was issued in this slot or the one before.
    pub fn accepts(&self, nonce: &str, now: i64) -> bool {
        let current = now.div_euclid(SLOT);
        let Some((slot, tag)) = nonce.split_once('.') else {
            return false;
        };
        let Ok(slot) = slot.parse::<i64>() else {
            return false;
        };
        (slot == current || slot == current - 1)
            && crate::crypto::secrets::constant_time_eq(tag.as_bytes(), self.tag(slot).as_bytes())
    }
}

/// Whether `s` looks like a SHA-256 JWK thumbprint (43 base64url characters), as
/// `dpop_jkt` must (RFC 9449 §10).
pub fn is_thumbprint(s: &str) -> bool {
    s.len() == 43
        && s.bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

/// A request's checked proof: the thumbprint of the key it proves.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Proven {
    pub jkt: String,
}

/// The nonce to send with an answer, when nonces are on.
pub fn next_nonce(state: &AppState) -> Option<String> {
    state
        .config
        .oidc
        .dpop_nonce
        .then(|| state.dpop_nonces.issue(state.clock.now()))
}

/// Checks the DPoP proof of a request to `path` by `method`, if it carries one (`Ok(None)`
/// if not). `access_token` is the token presented with it, at a resource endpoint
/// (`resource`: errors are 401 with a DPoP challenge there, 400 at the token endpoint).
pub async fn check(
    state: &AppState,
    headers: &HeaderMap,
    method: &str,
    path: &str,
    access_token: Option<&str>,
    resource: bool,
) -> Result<Option<Proven>, OAuthError> {
    let refuse = |d: String, kind: Kind| {
        OAuthError::dpop("invalid_dpop_proof", d, resource)
            .because(kind)
            .with_dpop_nonce(next_nonce(state))
    };
    let mut proofs = headers.get_all("dpop").iter();
    let Some(proof) = proofs.next() else {
        return Ok(None);
    };
    if proofs.next().is_some() {
        return Err(refuse(
            "send one DPoP header".into(),
            Kind::DpopProofInvalid,
        ));
    }
    let proof = proof
        .to_str()
        .map_err(|_| refuse("the DPoP header is not text".into(), Kind::DpopProofInvalid))?;
    let now = state.clock.now();
    let htu = state.config.issuer.endpoint(path);
    let nonce = state.config.oidc.dpop_nonce.then(|| {
        // The proof's own nonce, if this server issued it lately; else one it cannot match.
        let claimed = jsonwebtoken::dangerous::insecure_decode::<serde_json::Value>(proof)
            .ok()
            .and_then(|d| d.claims.get("nonce")?.as_str().map(str::to_owned));
        claimed
            .filter(|n| state.dpop_nonces.accepts(n, now))
            .unwrap_or_else(|| state.dpop_nonces.issue(now))
    });
    let expect = Expect {
        htm: method,
        htu: &htu,
        now,
        access_token,
        nonce: nonce.as_deref(),
    };
    let checked = match dpop::verify(proof, &expect) {
        Ok(p) => p,
        Err(DpopError::UseNonce) => {
            return Err(OAuthError::dpop(
                "use_dpop_nonce",
                "the DPoP proof must carry the nonce from the DPoP-Nonce header",
                resource,
            )
            .because(Kind::DpopNonceRequired)
            .with_dpop_nonce(Some(state.dpop_nonces.issue(now))));
        }
        Err(e) => return Err(refuse(e.to_string(), Kind::DpopProofInvalid)),
    };
    let (jkt, jti) = (checked.jkt.clone(), checked.jti.clone());
    let expires_at = checked.iat + dpop::MAX_AGE + dpop::MAX_FUTURE;
    let fresh = state
        .writer
        .write(move |tx| {
            let (jkt, jti) = (jkt.clone(), jti.clone());
            Box::pin(async move {
                pushed::insert_used_jti(tx, pushed::JtiKind::Dpop, &jkt, &jti, expires_at).await
            })
        })
        .await?;
    if !fresh {
        return Err(refuse(
            "the DPoP proof's jti was already used: make a new proof for every request".into(),
            Kind::DpopProofReplayed,
        ));
    }
    Ok(Some(Proven { jkt: checked.jkt }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nonces_live_two_slots_and_cannot_be_forged() {
        let key = NonceKey(vec![9; 32]);
        let now = 1_000_020;
        let nonce = key.issue(now);
        assert!(key.accepts(&nonce, now));
        assert!(key.accepts(&nonce, now + SLOT));
        assert!(!key.accepts(&nonce, now + 2 * SLOT));
        let (slot, tag) = nonce.split_once('.').unwrap();
        let next: i64 = slot.parse::<i64>().unwrap() + 1;
        assert!(!key.accepts(&format!("{next}.{tag}"), now + SLOT));
        assert!(!key.accepts("garbage", now));
        assert!(!NonceKey(vec![8; 32]).accepts(&nonce, now));
    }
}
