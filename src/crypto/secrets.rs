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

/// `chars` random characters of Crockford base32 without look-alikes (no I, L, O, U): codes
/// people read out or type (5 bits each).
pub fn random_base32(chars: usize) -> String {
    const ALPHABET: &[u8; 32] = b"0123456789ABCDEFGHJKMNPQRSTVWXYZ";
    let mut buf = vec![0u8; chars];
    getrandom::fill(&mut buf).expect("the operating system's random source failed");
    buf.iter()
        .map(|b| ALPHABET[(*b & 31) as usize] as char)
        .collect()
}

/// base64url(SHA-256(value)): the form secrets and tokens are stored in.
pub fn sha256_b64(value: &str) -> String {
    B64.encode(Sha256::digest(value.as_bytes()))
}

/// The server key for hashing short secrets (eight-digit e-mail codes): a SHA-256 of a code
/// with 10^8 values falls to a brute force in seconds once the database leaks; an HMAC under
/// a key kept outside the database (the keys folder) does not.
pub struct ShortSecretKey(zeroize::Zeroizing<Vec<u8>>);

impl std::fmt::Debug for ShortSecretKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("ShortSecretKey([redacted])")
    }
}

impl ShortSecretKey {
    /// At least 32 bytes.
    pub fn new(bytes: Vec<u8>) -> Option<Self> {
        (bytes.len() >= 32).then(|| Self(zeroize::Zeroizing::new(bytes)))
    }

    /// base64url(HMAC-SHA256(key, purpose ‖ 0x00 ‖ value)): the stored form of a short secret.
    pub fn hash(&self, purpose: &str, value: &str) -> String {
        use hmac::{Hmac, Mac};
        let mut mac =
            <Hmac<Sha256> as Mac>::new_from_slice(&self.0).expect("HMAC takes any key length");
        mac.update(purpose.as_bytes());
        mac.update(&[0]);
        mac.update(value.as_bytes());
        B64.encode(mac.finalize().into_bytes())
    }

    /// Whether `presented` is the short secret stored as `stored`, in constant time.
    pub fn verify(&self, purpose: &str, presented: &str, stored: &str) -> bool {
        constant_time_eq(self.hash(purpose, presented).as_bytes(), stored.as_bytes())
    }
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
    fn short_secrets_are_keyed_and_bound_to_their_purpose() {
        let key = ShortSecretKey::new(vec![1; 32]).unwrap();
        let other = ShortSecretKey::new(vec![2; 32]).unwrap();
        let stored = key.hash("otp", "12345678");
        assert_ne!(stored, sha256_b64("12345678"), "not a plain hash");
        assert_ne!(stored, other.hash("otp", "12345678"), "keyed");
        assert_ne!(
            stored,
            key.hash("other", "12345678"),
            "bound to its purpose"
        );
        assert!(key.verify("otp", "12345678", &stored));
        assert!(!key.verify("otp", "12345679", &stored));
        assert!(ShortSecretKey::new(vec![1; 16]).is_none(), "too short");
    }

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
