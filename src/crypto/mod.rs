//! Cryptography: signing keys and their lifecycle. Signatures, random tokens and constant-time
//! comparison join here as the protocol endpoints need them.

pub mod keyring;
pub mod keys;

pub use keyring::{KeyState, Keyring};
pub use keys::{Alg, KeyDir, PrivateKey, PublicJwk};
