//! Cryptography: signing keys and their lifecycle, SAML signing certificates, random tokens,
//! hashes at rest, constant-time comparison, and JWE encryption to relying parties' keys.

pub mod certificate;
pub mod jwe;
pub mod jws;
pub mod keyring;
pub mod keys;
pub mod secrets;

pub use keyring::{KeyState, Keyring, SamlKey};
pub use keys::{Alg, KeyDir, PrivateKey, PublicJwk};
