//! Cryptography: signing keys and their lifecycle, random tokens, hashes at rest and
//! constant-time comparison.

pub mod jws;
pub mod keyring;
pub mod keys;
pub mod secrets;

pub use keyring::{KeyState, Keyring};
pub use keys::{Alg, KeyDir, PrivateKey, PublicJwk};
