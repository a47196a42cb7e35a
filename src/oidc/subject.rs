//! Pairwise subject identifiers (OIDC Core §8.1): each sector sees a different, stable `sub`
//! for the same citizen, so relying parties cannot join their records on it.

use base64::{Engine, engine::general_purpose::URL_SAFE_NO_PAD as B64};
use hmac::{Hmac, Mac};
use sha2::Sha256;

/// The server-wide key behind pairwise subjects. Losing or changing it changes every `sub`.
#[derive(Clone)]
pub struct PairwiseKey(Vec<u8>);

impl std::fmt::Debug for PairwiseKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("PairwiseKey([redacted])")
    }
}

/// The name under which the key is kept in `server_secrets`.
pub const SECRET_NAME: &str = "pairwise_subject_key";

impl PairwiseKey {
    /// From the stored base64url form.
    pub fn from_stored(value: &str) -> anyhow::Result<Self> {
        let bytes = B64.decode(value)?;
        anyhow::ensure!(bytes.len() >= 32, "the pairwise subject key is too short");
        Ok(Self(bytes))
    }

    /// `sub` = base64url(HMAC-SHA256(key, sector ‖ 0x00 ‖ person id)).
    pub fn subject(&self, sector: &str, person_id: &str) -> String {
        let mut mac =
            <Hmac<Sha256> as Mac>::new_from_slice(&self.0).expect("HMAC takes any key length");
        mac.update(sector.as_bytes());
        mac.update(&[0]);
        mac.update(person_id.as_bytes());
        B64.encode(mac.finalize().into_bytes())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn subjects_differ_by_sector_and_are_stable() {
        let key = PairwiseKey(vec![7; 32]);
        let a = key.subject("tax.example.gov", "person-1");
        assert_eq!(a, key.subject("tax.example.gov", "person-1"));
        assert_ne!(a, key.subject("bank.example.com", "person-1"));
        assert_ne!(a, key.subject("tax.example.gov", "person-2"));
        // No ambiguity from concatenation.
        assert_ne!(key.subject("ab", "c"), key.subject("a", "bc"));
    }
}
