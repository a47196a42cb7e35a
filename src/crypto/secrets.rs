//! Random values, their hashes at rest, and constant-time comparison. Client secrets, tokens,
//! codes and activation codes are high-entropy random values: storing their SHA-256 is enough
//! (argon2 is for secrets people choose or type).

use base64::{Engine, engine::general_purpose::URL_SAFE_NO_PAD as B64};
use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;

/// `bytes` random bytes from the operating system, base64url without padding.
pub fn random_token(bytes: usize) -> String {
    let mut buf = vec![0u8; bytes];
    // The OS random source failing is not something to carry on from.
    getrandom::fill(&mut buf).expect("the operating system's random source failed");
    B64.encode(buf)
}

/// base64url(SHA-256(value)): the form secrets and tokens are stored in.
pub fn sha256_b64(value: &str) -> String {
    B64.encode(Sha256::digest(value.as_bytes()))
}

/// Compares in time that depends only on the lengths.
pub fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.ct_eq(b).into()
}

/// Whether `presented` is the secret whose hash is `stored_hash`.
pub fn verify_secret(presented: &str, stored_hash: &str) -> bool {
    constant_time_eq(sha256_b64(presented).as_bytes(), stored_hash.as_bytes())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_are_random_and_secrets_verify_only_against_their_hash() {
        let a = random_token(32);
        assert_eq!(a.len(), 43);
        assert_ne!(a, random_token(32));
        let stored = sha256_b64(&a);
        assert!(verify_secret(&a, &stored));
        assert!(!verify_secret(&format!("{a}x"), &stored));
        assert!(!verify_secret("", &stored));
    }
}
