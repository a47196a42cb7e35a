//! JWE compact serialisation (RFC 7516) for relying parties that registered an encryption key:
//! key management by ECDH-ES+A256KW (P-256, RFC 7518 §4.6) or RSA-OAEP-256 (§4.3), content by
//! A256GCM (§5.3). Pure: a JWK as JSON in, the compact string out. [`decrypt`] is what the
//! relying party does; Civitas only needs it to check what it sends.

use aes_gcm::{
    Aes256Gcm, KeyInit as _,
    aead::{Aead as _, Payload},
};
use aes_kw::KwAes256;
use base64::{Engine, engine::general_purpose::URL_SAFE_NO_PAD as B64};
use rsa::Oaep;
use serde::Serialize;
use serde_json::Value;
use sha2::{Digest, Sha256};
use zeroize::Zeroizing;

mod jwk;
pub use jwk::{MIN_RSA_BITS, private_member};
use jwk::{Recipient, ec_private, ec_public, rsa_private};

/// Key management algorithms (RFC 7518 §4.1) Civitas encrypts with.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum KeyAlg {
    /// ECDH-ES with an ephemeral P-256 key, the agreed key wrapping the CEK by A256KW.
    EcdhEsA256kw,
    /// RSAES-OAEP with SHA-256 and MGF1 with SHA-256.
    RsaOaep256,
}

impl KeyAlg {
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "ECDH-ES+A256KW" => Some(KeyAlg::EcdhEsA256kw),
            "RSA-OAEP-256" => Some(KeyAlg::RsaOaep256),
            _ => None,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            KeyAlg::EcdhEsA256kw => "ECDH-ES+A256KW",
            KeyAlg::RsaOaep256 => "RSA-OAEP-256",
        }
    }

    /// The `kty` of the recipient's key.
    fn kty(self) -> &'static str {
        match self {
            KeyAlg::EcdhEsA256kw => "EC",
            KeyAlg::RsaOaep256 => "RSA",
        }
    }
}

/// Content encryption algorithms (RFC 7518 §5.1) Civitas encrypts with.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ContentAlg {
    /// AES-256 in Galois/Counter Mode: 96-bit IV, 128-bit tag.
    A256Gcm,
}

impl ContentAlg {
    pub fn parse(s: &str) -> Option<Self> {
        (s == "A256GCM").then_some(ContentAlg::A256Gcm)
    }

    pub fn as_str(self) -> &'static str {
        match self {
            ContentAlg::A256Gcm => "A256GCM",
        }
    }
}

/// Why a JWE could not be made or opened. The messages name what is wrong with the key or
/// the token, never any key material.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum JweError {
    #[error("the key is not a JSON object")]
    KeyNotObject,
    #[error("{alg} needs a key with kty {expected}, not {found:?}")]
    KeyType {
        alg: &'static str,
        expected: &'static str,
        found: Option<String>,
    },
    #[error("only the P-256 curve is supported, not {0:?}")]
    Curve(Option<String>),
    #[error(
        "the public key has the private member \"{0}\": it was published by mistake and must be replaced"
    )]
    PrivateMember(&'static str),
    #[error("the private key has no \"d\": a public key cannot decrypt")]
    NotPrivate,
    #[error("the key's \"{0}\" is missing, not base64url, or of the wrong length")]
    KeyMember(&'static str),
    #[error("the key's point is not on the P-256 curve")]
    NotOnCurve,
    #[error("the RSA key is invalid: {0}")]
    InvalidRsaKey(String),
    #[error("the RSA modulus has {0} bits; at least {MIN_RSA_BITS} are required")]
    RsaTooSmall(usize),
    #[error("the key's private half does not match its public members")]
    KeyMismatch,
    #[error("the key is for use {0:?}, not for encryption (\"enc\")")]
    KeyUse(String),
    #[error("the key is for alg {key:?}, not {alg}")]
    KeyAlg { key: String, alg: &'static str },
    #[error("a JWE compact serialisation has five base64url parts separated by dots")]
    Malformed,
    #[error("the JWE's {0} is not valid base64url")]
    Base64(&'static str),
    #[error("the JWE header is not a JSON object")]
    Header,
    #[error("the JWE alg {0:?} is not supported: use ECDH-ES+A256KW or RSA-OAEP-256")]
    UnsupportedAlg(Option<String>),
    #[error("the JWE enc {0:?} is not supported: use A256GCM")]
    UnsupportedEnc(Option<String>),
    #[error("compressed JWEs (\"zip\") are refused")]
    Compressed,
    #[error("the JWE header has \"crit\" extensions, which are not understood")]
    Critical,
    #[error("the JWE header's \"epk\" is missing or not a public P-256 key")]
    EphemeralKey,
    #[error("the JWE's {0} has the wrong length")]
    Length(&'static str),
    #[error("the JWE could not be decrypted: the wrong key, or it was altered")]
    Decryption,
    #[error("the system's random source failed")]
    Random,
    #[error("encryption failed: {0}")]
    Encryption(String),
}

/// Encrypts `plaintext` for the holder of `recipient_jwk` (a public JWK as JSON). `cty` goes
/// into the header when given: "JWT" for a signed JWT inside (OIDC Core §16.14).
pub fn encrypt(
    plaintext: &[u8],
    recipient_jwk: &Value,
    alg: KeyAlg,
    enc: ContentAlg,
    cty: Option<&str>,
) -> Result<String, JweError> {
    let recipient = Recipient::from_public_jwk(recipient_jwk, alg)?;
    let kid = match recipient_jwk.get("kid") {
        None => None,
        Some(Value::String(kid)) => Some(kid.as_str()),
        Some(_) => return Err(JweError::KeyMember("kid")),
    };
    let mut cek = Zeroizing::new([0u8; 32]);
    random(&mut *cek)?;

    let (encrypted_key, epk) = match recipient {
        Recipient::Ec(public) => {
            let ephemeral = random_p256()?;
            let z = ephemeral.diffie_hellman(&public);
            let kek = concat_kdf(z.raw_secret_bytes(), alg.as_str(), b"", b"", 32);
            (wrap(&kek, &cek)?, Some(Epk::of(&ephemeral.public_key())))
        }
        Recipient::Rsa(public) => {
            let wrapped = public
                .encrypt(&mut rsa::rand_core::OsRng, Oaep::new::<Sha256>(), &*cek)
                .map_err(|e| JweError::Encryption(e.to_string()))?;
            (wrapped, None)
        }
    };
    let header = serde_json::to_vec(&Header {
        alg: alg.as_str(),
        enc: enc.as_str(),
        kid,
        cty,
        epk,
    })
    .map_err(|e| JweError::Encryption(e.to_string()))?;

    let mut out = String::with_capacity(plaintext.len() * 4 / 3 + 600);
    B64.encode_string(header, &mut out);
    let mut iv = [0u8; 12];
    random(&mut iv)?;
    // RFC 7516 §5.1 step 14: the additional authenticated data is the encoded header.
    let sealed = Aes256Gcm::new_from_slice(&*cek)
        .map_err(|e| JweError::Encryption(e.to_string()))?
        .encrypt(
            &iv.into(),
            Payload {
                msg: plaintext,
                aad: out.as_bytes(),
            },
        )
        .map_err(|e| JweError::Encryption(e.to_string()))?;
    let (ciphertext, tag) = sealed.split_at(sealed.len() - TAG_LEN);
    for part in [&encrypted_key[..], &iv, ciphertext, tag] {
        out.push('.');
        B64.encode_string(part, &mut out);
    }
    Ok(out)
}

/// The key of a JWKS (`{"keys": […]}`) to encrypt to with `alg`: the first whose `use` is
/// "enc", whose `key_ops`, if any, are all encryption ones, whose `kty` (and curve) suits
/// `alg`, and whose `alg`, if it names one, is `alg`. A key without `use` is never picked: it
/// may be a signing key, and a relying party must say which key decrypts.
pub fn pick_encryption_key(jwks: &Value, alg: KeyAlg) -> Option<&Value> {
    const ENCRYPTION_OPS: [&str; 6] = [
        "encrypt",
        "decrypt",
        "wrapKey",
        "unwrapKey",
        "deriveKey",
        "deriveBits",
    ];
    jwks.get("keys")?.as_array()?.iter().find(|key| {
        let str_of = |name| key.get(name).and_then(Value::as_str);
        let use_ok = key.get("use").is_some_and(|u| u == "enc");
        let ops_ok = match key.get("key_ops") {
            None => true,
            Some(Value::Array(ops)) => ops
                .iter()
                .all(|op| op.as_str().is_some_and(|op| ENCRYPTION_OPS.contains(&op))),
            Some(_) => false,
        };
        let kty_ok = str_of("kty") == Some(alg.kty())
            && (alg != KeyAlg::EcdhEsA256kw || str_of("crv") == Some("P-256"));
        let alg_ok = match key.get("alg") {
            None => true,
            Some(a) => a == alg.as_str(),
        };
        use_ok && ops_ok && kty_ok && alg_ok
    })
}

/// Decrypts a compact JWE with `private_jwk` (EC with `d`, or RSA with n, e, d, p, q) as a
/// relying party would, returning the protected header and the plaintext. Only the
/// algorithms [`encrypt`] uses are accepted; `zip` and `crit` are refused.
pub fn decrypt(compact: &str, private_jwk: &Value) -> Result<(Value, Vec<u8>), JweError> {
    let parts: Vec<&str> = compact.split('.').collect();
    let [header_b64, encrypted_key, iv, ciphertext, tag] = parts[..] else {
        return Err(JweError::Malformed);
    };
    let decode = |part: &str, what| B64.decode(part).map_err(|_| JweError::Base64(what));
    let header: Value = serde_json::from_slice(&decode(header_b64, "header")?)
        .ok()
        .filter(Value::is_object)
        .ok_or(JweError::Header)?;
    let str_of = |name| header.get(name).and_then(Value::as_str);
    let alg = str_of("alg")
        .and_then(KeyAlg::parse)
        .ok_or_else(|| JweError::UnsupportedAlg(str_of("alg").map(str::to_owned)))?;
    if str_of("enc").and_then(ContentAlg::parse).is_none() {
        return Err(JweError::UnsupportedEnc(str_of("enc").map(str::to_owned)));
    }
    if header.get("zip").is_some() {
        return Err(JweError::Compressed);
    }
    if header.get("crit").is_some() {
        return Err(JweError::Critical);
    }
    let encrypted_key = decode(encrypted_key, "encrypted key")?;
    let iv: [u8; 12] = decode(iv, "initialization vector")?
        .try_into()
        .map_err(|_| JweError::Length("initialization vector"))?;
    let tag = decode(tag, "authentication tag")?;
    if tag.len() != TAG_LEN {
        return Err(JweError::Length("authentication tag"));
    }
    let mut sealed = decode(ciphertext, "ciphertext")?;
    sealed.extend_from_slice(&tag);

    let cek = match alg {
        KeyAlg::EcdhEsA256kw => {
            let secret = ec_private(private_jwk)?;
            let epk = header
                .get("epk")
                .filter(|epk| private_member(epk).is_none())
                .ok_or(JweError::EphemeralKey)?;
            let epk = ec_public(epk).map_err(|_| JweError::EphemeralKey)?;
            let party = |name, what| match str_of(name) {
                Some(v) => decode(v, what),
                None if header.get(name).is_none() => Ok(Vec::new()),
                None => Err(JweError::Base64(what)),
            };
            let (apu, apv) = (party("apu", "apu")?, party("apv", "apv")?);
            let z = secret.diffie_hellman(&epk);
            let kek = concat_kdf(z.raw_secret_bytes(), alg.as_str(), &apu, &apv, 32);
            unwrap(&kek, &encrypted_key)?
        }
        KeyAlg::RsaOaep256 => Zeroizing::new(
            rsa_private(private_jwk)?
                .decrypt(Oaep::new::<Sha256>(), &encrypted_key)
                .map_err(|_| JweError::Decryption)?,
        ),
    };
    if cek.len() != 32 {
        return Err(JweError::Decryption);
    }
    let plaintext = Aes256Gcm::new_from_slice(&cek)
        .map_err(|_| JweError::Decryption)?
        .decrypt(
            &iv.into(),
            Payload {
                msg: &sealed,
                aad: header_b64.as_bytes(),
            },
        )
        .map_err(|_| JweError::Decryption)?;
    Ok((header, plaintext))
}

const TAG_LEN: usize = 16;

#[derive(Serialize)]
struct Header<'a> {
    alg: &'a str,
    enc: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    kid: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    cty: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    epk: Option<Epk>,
}

/// The ephemeral public key of ECDH-ES (RFC 7518 §4.6.1.1).
#[derive(Serialize)]
struct Epk {
    kty: &'static str,
    crv: &'static str,
    x: String,
    y: String,
}

impl Epk {
    fn of(key: &p256::PublicKey) -> Self {
        use p256::elliptic_curve::sec1::ToSec1Point as _;
        let point = key.to_sec1_point(false);
        let coordinate =
            |c: Option<&p256::FieldBytes>| B64.encode(c.map(|c| &c[..]).unwrap_or(&[]));
        Epk {
            kty: "EC",
            crv: "P-256",
            x: coordinate(point.x()),
            y: coordinate(point.y()),
        }
    }
}

fn random(buf: &mut [u8]) -> Result<(), JweError> {
    getrandom::fill(buf).map_err(|_| JweError::Random)
}

/// A fresh ephemeral P-256 key from the operating system's random source.
fn random_p256() -> Result<p256::SecretKey, JweError> {
    loop {
        let mut bytes = Zeroizing::new([0u8; 32]);
        random(&mut *bytes)?;
        // Fails only for zero or a value ≥ the group order (probability ~2⁻³²).
        if let Ok(key) = p256::SecretKey::from_slice(&*bytes) {
            return Ok(key);
        }
    }
}

/// RFC 7518 §4.6.2: the Concat KDF of NIST SP 800-56A §5.8.1 with SHA-256, for a key of
/// `len` ≤ 32 bytes (one round). AlgorithmID, PartyUInfo and PartyVInfo are length-prefixed;
/// SuppPubInfo is the key length in bits; SuppPrivInfo is empty.
fn concat_kdf(z: &[u8], alg: &str, apu: &[u8], apv: &[u8], len: usize) -> Zeroizing<Vec<u8>> {
    debug_assert!(len <= 32);
    let prefixed = |h: &mut Sha256, v: &[u8]| {
        h.update((v.len() as u32).to_be_bytes());
        h.update(v);
    };
    let mut h = Sha256::new();
    h.update(1u32.to_be_bytes());
    h.update(z);
    prefixed(&mut h, alg.as_bytes());
    prefixed(&mut h, apu);
    prefixed(&mut h, apv);
    h.update(((len * 8) as u32).to_be_bytes());
    let mut out = Zeroizing::new(h.finalize().to_vec());
    out.truncate(len);
    out
}

/// AES Key Wrap (RFC 3394) of the 32-byte CEK under a 32-byte KEK.
fn wrap(kek: &[u8], cek: &[u8; 32]) -> Result<Vec<u8>, JweError> {
    let kw = KwAes256::new_from_slice(kek).map_err(|e| JweError::Encryption(e.to_string()))?;
    let mut out = vec![0u8; cek.len() + aes_kw::IV_LEN];
    kw.wrap_key(cek, &mut out)
        .map_err(|e| JweError::Encryption(e.to_string()))?;
    Ok(out)
}

/// The inverse of [`wrap`]; fails when the integrity check does (the wrong key, or altered).
fn unwrap(kek: &[u8], wrapped: &[u8]) -> Result<Zeroizing<Vec<u8>>, JweError> {
    if wrapped.len() != 32 + aes_kw::IV_LEN {
        return Err(JweError::Length("encrypted key"));
    }
    let kw = KwAes256::new_from_slice(kek).map_err(|_| JweError::Decryption)?;
    let mut out = Zeroizing::new(vec![0u8; 32]);
    kw.unwrap_key(wrapped, &mut out)
        .map_err(|_| JweError::Decryption)?;
    Ok(out)
}

#[cfg(test)]
mod tests;

#[cfg(test)]
mod fuzz;
