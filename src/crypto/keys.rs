//! Private signing keys: generation, their public JWK, and their files under `keys/`.

use std::{
    fmt,
    fs::{self, OpenOptions},
    io::Write,
    os::unix::fs::{OpenOptionsExt, PermissionsExt},
    path::{Path, PathBuf},
};

use base64::{Engine, engine::general_purpose::URL_SAFE_NO_PAD as B64};
use rsa::{
    pkcs1::{DecodeRsaPrivateKey, EncodeRsaPrivateKey, LineEnding},
    traits::PublicKeyParts,
};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

/// The algorithms Civitas signs with: the JWS algorithms (RFC 7518 §3.1) and SAML's.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Alg {
    /// ECDSA P-256 with SHA-256: the default, cheap to sign.
    Es256,
    /// RSASSA-PKCS1-v1_5 with SHA-256: OpenID Connect's mandatory algorithm.
    Rs256,
    /// RSASSA-PKCS1-v1_5 with SHA-256 over XML (XML-DSig `rsa-sha256`): SAML assertions and
    /// responses. Its own keys, each with a self-signed certificate; never in the JWKS and
    /// never a JWS algorithm.
    SamlRs256,
}

impl Alg {
    /// Every algorithm with keys in the lifecycle.
    pub const ALL: [Alg; 3] = [Alg::Es256, Alg::Rs256, Alg::SamlRs256];
    /// The algorithms that sign JWTs and are published in the JWKS.
    pub const JWS: [Alg; 2] = [Alg::Es256, Alg::Rs256];

    pub fn as_str(self) -> &'static str {
        match self {
            Alg::Es256 => "ES256",
            Alg::Rs256 => "RS256",
            Alg::SamlRs256 => "SAML-RS256",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "ES256" => Some(Alg::Es256),
            "RS256" => Some(Alg::Rs256),
            "SAML-RS256" => Some(Alg::SamlRs256),
            _ => None,
        }
    }

    /// A JWS `alg` value (ID tokens, client metadata): SAML's algorithm is not one.
    pub fn parse_jws(s: &str) -> Option<Self> {
        Self::parse(s).filter(|a| a.is_jws())
    }

    /// Whether keys of this algorithm sign JWTs and are published in the JWKS.
    pub fn is_jws(self) -> bool {
        matches!(self, Alg::Es256 | Alg::Rs256)
    }
}

/// RSA modulus size for new keys (RFC 7518 §3.3 requires at least 2048; so do SAML service
/// providers' usual policies).
const RSA_BITS: usize = 2048;

/// A public JSON Web Key (RFC 7517) as published in the JWKS. It has no private members by
/// construction: there is no field to put `d`, `p` or `q` in.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PublicJwk {
    pub kty: String,
    #[serde(rename = "use")]
    pub use_: String,
    pub alg: String,
    pub kid: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub crv: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub x: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub y: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub n: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub e: Option<String>,
}

impl PublicJwk {
    fn ec(x: &[u8], y: &[u8]) -> Self {
        let (x, y) = (B64.encode(x), B64.encode(y));
        // RFC 7638 §3.2: the required members, in lexicographic order, no whitespace.
        let canonical = format!(r#"{{"crv":"P-256","kty":"EC","x":"{x}","y":"{y}"}}"#);
        Self {
            kty: "EC".into(),
            use_: "sig".into(),
            alg: Alg::Es256.as_str().into(),
            kid: thumbprint(&canonical),
            crv: Some("P-256".into()),
            x: Some(x),
            y: Some(y),
            n: None,
            e: None,
        }
    }

    fn rsa(alg: Alg, n: &[u8], e: &[u8]) -> Self {
        let (n, e) = (B64.encode(n), B64.encode(e));
        let canonical = format!(r#"{{"e":"{e}","kty":"RSA","n":"{n}"}}"#);
        Self {
            kty: "RSA".into(),
            use_: "sig".into(),
            alg: alg.as_str().into(),
            kid: thumbprint(&canonical),
            crv: None,
            x: None,
            y: None,
            n: Some(n),
            e: Some(e),
        }
    }
}

/// RFC 7638 JWK thumbprint: base64url(SHA-256(canonical JSON)).
fn thumbprint(canonical: &str) -> String {
    B64.encode(Sha256::digest(canonical.as_bytes()))
}

/// A private signing key. `Debug` never shows key material.
pub enum PrivateKey {
    Es256(p256::SecretKey),
    Rs256(Box<rsa::RsaPrivateKey>),
    /// An RSA key that signs SAML messages only.
    SamlRs256(Box<rsa::RsaPrivateKey>),
}

impl fmt::Debug for PrivateKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "PrivateKey({}, [redacted])", self.alg().as_str())
    }
}

impl PrivateKey {
    /// A fresh key from the operating system's random source.
    pub fn generate(alg: Alg) -> anyhow::Result<Self> {
        Ok(match alg {
            Alg::Es256 => loop {
                let mut bytes = zeroize::Zeroizing::new([0u8; 32]);
                getrandom::fill(&mut *bytes)?;
                // Fails only for zero or a value ≥ the group order (probability ~2⁻³²).
                if let Ok(key) = p256::SecretKey::from_slice(&*bytes) {
                    break PrivateKey::Es256(key);
                }
            },
            Alg::Rs256 => PrivateKey::Rs256(Box::new(new_rsa()?)),
            Alg::SamlRs256 => PrivateKey::SamlRs256(Box::new(new_rsa()?)),
        })
    }

    pub fn alg(&self) -> Alg {
        match self {
            PrivateKey::Es256(_) => Alg::Es256,
            PrivateKey::Rs256(_) => Alg::Rs256,
            PrivateKey::SamlRs256(_) => Alg::SamlRs256,
        }
    }

    /// The public half, with `kid` set to its RFC 7638 thumbprint.
    pub fn public_jwk(&self) -> PublicJwk {
        match self {
            PrivateKey::Es256(k) => {
                use p256::elliptic_curve::sec1::ToSec1Point;
                let point = k.public_key().to_sec1_point(false);
                let (x, y) = (point.x(), point.y());
                PublicJwk::ec(
                    x.map(|v| v.as_slice()).unwrap_or_default(),
                    y.map(|v| v.as_slice()).unwrap_or_default(),
                )
            }
            PrivateKey::Rs256(k) | PrivateKey::SamlRs256(k) => {
                PublicJwk::rsa(self.alg(), &k.n().to_bytes_be(), &k.e().to_bytes_be())
            }
        }
    }

    fn to_pem(&self) -> anyhow::Result<zeroize::Zeroizing<String>> {
        Ok(match self {
            PrivateKey::Es256(k) => k.to_sec1_pem(p256::pkcs8::LineEnding::LF)?,
            PrivateKey::Rs256(k) | PrivateKey::SamlRs256(k) => k.to_pkcs1_pem(LineEnding::LF)?,
        })
    }

    fn from_pem(alg: Alg, pem: &str) -> anyhow::Result<Self> {
        Ok(match alg {
            Alg::Es256 => PrivateKey::Es256(p256::SecretKey::from_sec1_pem(pem)?),
            Alg::Rs256 => PrivateKey::Rs256(Box::new(rsa::RsaPrivateKey::from_pkcs1_pem(pem)?)),
            Alg::SamlRs256 => {
                PrivateKey::SamlRs256(Box::new(rsa::RsaPrivateKey::from_pkcs1_pem(pem)?))
            }
        })
    }

    /// PKCS#1 PEM of an RSA key, the form RS256 signers load.
    pub fn rsa_pkcs1_pem(&self) -> Option<zeroize::Zeroizing<String>> {
        match self {
            PrivateKey::Rs256(k) => k.to_pkcs1_pem(LineEnding::LF).ok(),
            PrivateKey::Es256(_) | PrivateKey::SamlRs256(_) => None,
        }
    }
}

fn new_rsa() -> anyhow::Result<rsa::RsaPrivateKey> {
    Ok(rsa::RsaPrivateKey::new(
        &mut rsa::rand_core::OsRng,
        RSA_BITS,
    )?)
}

/// The folder of private key files: created with mode 0700, one `KID.pem` per key, mode 0600.
#[derive(Clone, Debug)]
pub struct KeyDir(PathBuf);

impl KeyDir {
    pub fn open(path: &Path) -> anyhow::Result<Self> {
        fs::create_dir_all(path)
            .map_err(|e| anyhow::anyhow!("cannot create key folder {}: {e}", path.display()))?;
        let mode = fs::metadata(path)?.permissions().mode() & 0o777;
        if mode & 0o077 != 0 {
            fs::set_permissions(path, fs::Permissions::from_mode(0o700)).map_err(|e| {
                anyhow::anyhow!(
                    "key folder {} is open to others and cannot be restricted: {e}",
                    path.display()
                )
            })?;
        }
        Ok(Self(path.to_owned()))
    }

    pub fn path_of(&self, kid: &str) -> PathBuf {
        self.0.join(format!("{kid}.pem"))
    }

    /// Writes a new key file durably (temporary file, fsync, rename), readable by the owner only.
    pub fn save(&self, kid: &str, key: &PrivateKey) -> anyhow::Result<PathBuf> {
        let path = self.path_of(kid);
        let tmp = self.0.join(format!(".{kid}.pem.tmp"));
        let pem = key.to_pem()?;
        // A leftover from a crash mid-write is replaced; the new file is created, never reused.
        let _ = fs::remove_file(&tmp);
        let mut file = OpenOptions::new()
            .write(true)
            .create_new(true)
            .mode(0o600)
            .open(&tmp)
            .map_err(|e| anyhow::anyhow!("cannot write {}: {e}", tmp.display()))?;
        file.write_all(pem.as_bytes())?;
        file.sync_all()?;
        fs::rename(&tmp, &path)?;
        fs::File::open(&self.0)?.sync_all()?;
        Ok(path)
    }

    /// The random secret `NAME.key` (32 bytes, base64url), created on first use. Created
    /// atomically (a complete temporary file linked into place), so instances starting
    /// together agree on one; refused when others can read it.
    pub fn secret(&self, name: &str) -> anyhow::Result<Vec<u8>> {
        use base64::{Engine, engine::general_purpose::URL_SAFE_NO_PAD as B64};
        let path = self.0.join(format!("{name}.key"));
        if !path.exists() {
            let tmp = self
                .0
                // A random name: instances in containers sharing the folder may all be pid 1.
                .join(format!(
                    ".{name}.key.{}.tmp",
                    crate::crypto::secrets::random_token(8)
                ));
            let _ = fs::remove_file(&tmp);
            let mut file = OpenOptions::new()
                .write(true)
                .create_new(true)
                .mode(0o600)
                .open(&tmp)
                .map_err(|e| anyhow::anyhow!("cannot write {}: {e}", tmp.display()))?;
            file.write_all(crate::crypto::secrets::random_token(32).as_bytes())?;
            file.sync_all()?;
            // A link fails if another instance created the file first: then theirs is kept.
            let linked = fs::hard_link(&tmp, &path);
            let _ = fs::remove_file(&tmp);
            match linked {
                Ok(()) => fs::File::open(&self.0)?.sync_all()?,
                Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {}
                Err(e) => anyhow::bail!("cannot create {}: {e}", path.display()),
            }
        }
        let mode = fs::metadata(&path)?.permissions().mode() & 0o777;
        if mode & 0o077 != 0 {
            anyhow::bail!(
                "secret file {} has mode {mode:o}: others can read it; run `chmod 600 {}`",
                path.display(),
                path.display()
            );
        }
        let text = zeroize::Zeroizing::new(fs::read_to_string(&path)?);
        B64.decode(text.trim())
            .ok()
            .filter(|b| b.len() >= 32)
            .ok_or_else(|| {
                anyhow::anyhow!(
                    "secret file {} is not 32 base64url bytes; every instance needs the same keys folder",
                    path.display()
                )
            })
    }

    /// Reads a key file, refusing one that others can read and one whose key is not `kid`.
    pub fn load(&self, kid: &str, alg: Alg) -> anyhow::Result<PrivateKey> {
        let path = self.path_of(kid);
        let meta = fs::metadata(&path).map_err(|e| {
            anyhow::anyhow!(
                "signing key file {} cannot be read ({e}); every instance needs the same keys folder",
                path.display()
            )
        })?;
        let mode = meta.permissions().mode() & 0o777;
        if mode & 0o077 != 0 {
            anyhow::bail!(
                "signing key file {} has mode {mode:o}: others can read it; run `chmod 600 {}`",
                path.display(),
                path.display()
            );
        }
        let pem = zeroize::Zeroizing::new(fs::read_to_string(&path)?);
        let key = PrivateKey::from_pem(alg, &pem).map_err(|e| {
            anyhow::anyhow!(
                "signing key file {} is not a {} key: {e}",
                path.display(),
                alg.as_str()
            )
        })?;
        if key.public_jwk().kid != kid {
            anyhow::bail!(
                "signing key file {} holds a different key than its name says",
                path.display()
            );
        }
        Ok(key)
    }

    /// Deletes a key file; `Ok(false)` when there was none.
    pub fn remove(&self, kid: &str) -> anyhow::Result<bool> {
        match fs::remove_file(self.path_of(kid)) {
            Ok(()) => Ok(true),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(false),
            Err(e) => Err(anyhow::anyhow!(
                "cannot remove {}: {e}",
                self.path_of(kid).display()
            )),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rsa_thumbprint_matches_rfc_7638_example() {
        // RFC 7638 §3.1.
        let n = "0vx7agoebGcQSuuPiLJXZptN9nndrQmbXEps2aiAFbWhM78LhWx4cbbfAAtVT86zwu1RK7aPFFxuhDR1L6tSoc_BJECPebWKRXjBZCiFV4n3oknjhMstn64tZ_2W-5JsGY4Hc5n9yBXArwl93lqt7_RN5w6Cf0h4QyQ5v-65YGjQR0_FDW2QvzqY368QQMicAtaSqzs8KJZgnYb9c7d0zgdAZHzu6qMQvRL5hajrn1n91CbOpbISD08qNLyrdkt-bFTWhAI4vMQFh6WeZu0fM4lFd2NcRwr3XPksINHaQ-G_xBniIqbw0Ls1jF44-csFCur-kEgU8awapJzKnqDKgw";
        let canonical = format!(r#"{{"e":"AQAB","kty":"RSA","n":"{n}"}}"#);
        assert_eq!(
            thumbprint(&canonical),
            "NzbLsXh8uDCcd-6MNwXF4W_7noWXFZAfHkxZsRGC9Xs"
        );
    }

    #[test]
    fn keys_round_trip_through_files_with_owner_only_mode() {
        let dir = tempfile::tempdir().unwrap();
        let keys = KeyDir::open(dir.path()).unwrap();
        let key = PrivateKey::generate(Alg::Es256).unwrap();
        let jwk = key.public_jwk();
        let path = keys.save(&jwk.kid, &key).unwrap();
        assert_eq!(
            fs::metadata(&path).unwrap().permissions().mode() & 0o777,
            0o600
        );
        let loaded = keys.load(&jwk.kid, Alg::Es256).unwrap();
        assert_eq!(loaded.public_jwk(), jwk);

        fs::set_permissions(&path, fs::Permissions::from_mode(0o644)).unwrap();
        let err = keys.load(&jwk.kid, Alg::Es256).unwrap_err().to_string();
        assert!(err.contains("chmod 600"), "{err}");
    }

    #[test]
    fn public_jwks_carry_no_private_members() {
        for alg in Alg::ALL {
            let jwk = PrivateKey::generate(alg).unwrap().public_jwk();
            let v = serde_json::to_value(&jwk).unwrap();
            for private in ["d", "p", "q", "dp", "dq", "qi"] {
                assert!(v.get(private).is_none(), "{alg:?} has {private}");
            }
            assert_eq!(v["alg"], alg.as_str());
            assert_eq!(v["kid"].as_str().unwrap().len(), 43);
        }
    }

    #[test]
    fn saml_alg_parses_but_is_no_jws_alg() {
        assert_eq!(Alg::parse("SAML-RS256"), Some(Alg::SamlRs256));
        assert_eq!(Alg::parse_jws("SAML-RS256"), None);
        assert_eq!(Alg::parse_jws("RS256"), Some(Alg::Rs256));
        assert!(Alg::ALL.iter().all(|a| Alg::parse(a.as_str()) == Some(*a)));
        assert!(!Alg::JWS.contains(&Alg::SamlRs256));
    }

    #[test]
    fn a_saml_key_file_loads_only_as_a_saml_key() {
        let dir = tempfile::tempdir().unwrap();
        let keys = KeyDir::open(dir.path()).unwrap();
        let key = PrivateKey::generate(Alg::SamlRs256).unwrap();
        let kid = key.public_jwk().kid;
        keys.save(&kid, &key).unwrap();
        let loaded = keys.load(&kid, Alg::SamlRs256).unwrap();
        assert_eq!(loaded.alg(), Alg::SamlRs256);
        assert_eq!(loaded.public_jwk().kid, kid);
        assert!(
            loaded.rsa_pkcs1_pem().is_none(),
            "not an RS256 signer's key"
        );
    }

    #[test]
    fn es256_key_coordinates_are_32_bytes() {
        let jwk = PrivateKey::generate(Alg::Es256).unwrap().public_jwk();
        assert_eq!(B64.decode(jwk.x.unwrap()).unwrap().len(), 32);
        assert_eq!(B64.decode(jwk.y.unwrap()).unwrap().len(), 32);
    }
}

#[cfg(test)]
mod fuzz;
