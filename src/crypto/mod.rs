//! Cryptography: signing keys and their lifecycle, SAML signing certificates, random tokens,
//! hashes at rest and constant-time comparison.

pub mod certificate;
pub mod jws;
pub mod keyring;
pub mod keys;
pub mod secrets;

pub use keyring::{KeyState, Keyring, SamlKey};
pub use keys::{Alg, KeyDir, PrivateKey, PublicJwk};
