//! The signing-key lifecycle. The database holds each key's timestamps, so every instance
//! derives the same state at the same moment:
//!
//! ```text
//! created_at ── next ── activates_at ── active ── retires_at ── retired ── expires_at ── expired
//! (published in the JWKS from created_at until expires_at; signs between activates_at and retires_at)
//! ```
//!
//! `civitas keys rotate` adds a next key that activates after the pre-publication period, and
//! schedules the current key to retire at that moment and to leave the JWKS a grace period later.
//!
//! SAML keys (`SAML-RS256`) follow the same lifecycle, but are published as X.509
//! certificates in SAML metadata ([`Keyring::saml_certificates`]), never in the JWKS.

use std::{
    collections::HashMap,
    fmt,
    sync::{Arc, RwLock, RwLockReadGuard},
    time::Duration,
};

use axum::body::Bytes;

use super::{
    certificate::{self, Subject},
    jws::{RsaSha256, Signer},
    keys::{Alg, KeyDir, PrivateKey, PublicJwk},
};
use crate::{
    clock::SharedClock,
    store::{
        Db, Lock, Tx,
        signing_keys::{self, SigningKeyRow},
    },
};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum KeyState {
    /// Published, not yet signing.
    Next,
    /// Signing (and published).
    Active,
    /// No longer signing; still published so tokens it signed verify.
    Retired,
    /// Gone from the JWKS.
    Expired,
}

impl fmt::Display for KeyState {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            KeyState::Next => "next",
            KeyState::Active => "active",
            KeyState::Retired => "retired",
            KeyState::Expired => "expired",
        })
    }
}

/// The state of a key at `now`.
pub fn key_state(row: &SigningKeyRow, now: i64) -> KeyState {
    if row.expires_at.is_some_and(|t| now >= t) {
        KeyState::Expired
    } else if now < row.activates_at {
        KeyState::Next
    } else if row.retires_at.is_some_and(|t| now >= t) {
        KeyState::Retired
    } else {
        KeyState::Active
    }
}

/// How long before its creation a SAML key's certificate is valid: service providers' clocks
/// may run behind ours.
const CERTIFICATE_SKEW: i64 = 3600;
/// How long a SAML key's certificate is valid. Keys have no planned end (they retire when
/// the operator rotates), and service providers that check validity would stop accepting
/// our signatures when it ends: ten years, with `civitas keys list` showing the date.
const CERTIFICATE_LIFETIME: i64 = 3653 * 86_400;

/// A SAML signing key: its private key and its self-signed certificate. `Debug` never shows
/// key material.
pub struct SamlKey {
    pub kid: String,
    /// The private key, prepared for signing.
    pub key: RsaSha256,
    /// DER X.509.
    pub certificate: Vec<u8>,
}

impl fmt::Debug for SamlKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "SamlKey({}, [redacted])", self.kid)
    }
}

/// Creates one key of each algorithm that has no live (non-expired) key yet: the first start
/// of a fresh installation. Instances starting together agree: the key lock admits one at a
/// time and each re-reads under it. A SAML key's certificate names `subject`. Returns the
/// kids created.
pub async fn ensure_keys(
    db: &Db,
    dir: &KeyDir,
    subject: &Subject,
    now: i64,
) -> anyhow::Result<Vec<String>> {
    let created = crate::transaction!(db, anyhow::Error, |tx| {
        tx.lock(Lock::SigningKeys).await?;
        let mut created = Vec::new();
        for alg in Alg::ALL {
            let rows = signing_keys::find_signing_keys_for_alg(tx, alg.as_str()).await?;
            if rows.iter().all(|r| key_state(r, now) == KeyState::Expired) {
                created.push(add_key(tx, dir, subject, alg, now, now).await?);
            }
        }
        Ok(created)
    })?;
    Ok(created)
}

/// Adds the next key of each of `algs`, signing from `now + prepublish`, and schedules the
/// retirement of the keys they replace, all in one transaction. Refuses (changing nothing)
/// while a next key of any of them is already waiting.
pub async fn rotate(
    db: &Db,
    dir: &KeyDir,
    subject: &Subject,
    algs: &[Alg],
    now: i64,
    prepublish: Duration,
    grace: Duration,
) -> anyhow::Result<Vec<SigningKeyRow>> {
    // If a commit fails the new files stay behind unused (a transaction run again writes
    // new ones); they are never deleted here, as a commit whose answer was lost may still
    // have succeeded.
    let added = crate::transaction!(db, anyhow::Error, |tx| {
        rotate_in(tx, dir, subject, algs, now, prepublish, grace).await
    })?;
    Ok(added)
}

/// [`rotate`] inside the caller's transaction (the console records the rotation in the staff
/// log in the same transaction). The caller commits.
pub async fn rotate_in(
    tx: &mut Tx,
    dir: &KeyDir,
    subject: &Subject,
    algs: &[Alg],
    now: i64,
    prepublish: Duration,
    grace: Duration,
) -> anyhow::Result<Vec<SigningKeyRow>> {
    tx.lock(Lock::SigningKeys).await?;
    for alg in algs {
        let rows = signing_keys::find_signing_keys_for_alg(tx, alg.as_str()).await?;
        if let Some(waiting) = rows.iter().find(|r| key_state(r, now) == KeyState::Next) {
            anyhow::bail!(
                "a next {} key ({}) already waits to sign from {}; rotate again after that",
                alg.as_str(),
                waiting.kid,
                crate::clock::rfc3339(waiting.activates_at)
            );
        }
    }
    let activates_at = now + prepublish.as_secs() as i64;
    let mut added = Vec::new();
    for &alg in algs {
        let kid = add_key(tx, dir, subject, alg, now, activates_at).await?;
        signing_keys::update_signing_keys_retire(
            tx,
            alg.as_str(),
            activates_at,
            activates_at + grace.as_secs() as i64,
        )
        .await?;
        let row = signing_keys::find_signing_keys_for_alg(tx, alg.as_str())
            .await?
            .into_iter()
            .find(|r| r.kid == kid)
            .ok_or_else(|| anyhow::anyhow!("the new key vanished before commit"))?;
        added.push(row);
    }
    Ok(added)
}

/// Deletes the private key files of expired keys: they never sign or verify again. Returns
/// how many were removed.
pub async fn remove_expired_key_files(db: &Db, dir: &KeyDir, now: i64) -> anyhow::Result<usize> {
    let rows = signing_keys::find_signing_keys(db).await?;
    let mut removed = 0;
    for row in rows
        .iter()
        .filter(|r| key_state(r, now) == KeyState::Expired)
    {
        if dir.remove(&row.kid)? {
            removed += 1;
        }
    }
    Ok(removed)
}

/// Generates a key (and a SAML key's certificate) and writes its file, then its row (a row
/// never exists without its file).
async fn add_key(
    tx: &mut crate::store::Tx,
    dir: &KeyDir,
    subject: &Subject,
    alg: Alg,
    now: i64,
    activates_at: i64,
) -> anyhow::Result<String> {
    let subject = subject.clone();
    let (key, certificate) = tokio::task::spawn_blocking(move || {
        let key = PrivateKey::generate(alg)?;
        let certificate = match &key {
            PrivateKey::SamlRs256(k) => {
                let mut serial = [0u8; 16];
                getrandom::fill(&mut serial)?;
                Some(certificate::self_signed(
                    k,
                    &subject,
                    serial,
                    now - CERTIFICATE_SKEW,
                    now + CERTIFICATE_LIFETIME,
                )?)
            }
            _ => None,
        };
        anyhow::Ok((key, certificate))
    })
    .await??;
    let jwk = key.public_jwk();
    dir.save(&jwk.kid, &key)?;
    let row = SigningKeyRow {
        kid: jwk.kid.clone(),
        alg: alg.as_str().to_owned(),
        public_jwk: serde_json::to_string(&jwk)?,
        created_at: now,
        activates_at,
        retires_at: None,
        expires_at: None,
        certificate,
    };
    signing_keys::insert_signing_key(tx, &row).await?;
    Ok(jwk.kid)
}

/// The private half of a loaded key, ready to sign.
#[derive(Clone)]
enum Private {
    Jws(Arc<Signer>),
    Saml(Arc<SamlKey>),
}

/// One loaded key: its row, its public JWK and (when it may sign) its private half.
struct LoadedKey {
    row: SigningKeyRow,
    alg: Alg,
    jwk: PublicJwk,
    private: Option<Private>,
}

impl LoadedKey {
    fn is_published(&self, now: i64) -> bool {
        now >= self.row.created_at && key_state(&self.row, now) != KeyState::Expired
    }
}

/// The keys a running server publishes and signs with, refreshed from the database.
pub struct Keyring {
    db: Db,
    dir: KeyDir,
    clock: SharedClock,
    /// Never held across an await: SAML signing reads it without one.
    keys: RwLock<Vec<LoadedKey>>,
    /// The serialised JWKS and the time until which it stays correct.
    jwks_cache: std::sync::Mutex<Option<(i64, Bytes)>>,
}

impl Keyring {
    /// Loads every live key; fails if a key that is or will be signing has no readable file.
    pub async fn load(db: Db, dir: KeyDir, clock: SharedClock) -> anyhow::Result<Self> {
        let ring = Self {
            db,
            dir,
            clock,
            keys: RwLock::new(Vec::new()),
            jwks_cache: std::sync::Mutex::new(None),
        };
        ring.refresh().await?;
        Ok(ring)
    }

    /// Re-reads key state (a rotation by another process or instance), reusing keys already
    /// in memory. Timestamps always apply, so a retired key stops signing on time even when a
    /// new key's file cannot be read; such a key is left without its private half (it cannot
    /// sign, and [`Keyring::is_ready`] says so) and the error is returned after the update.
    pub async fn refresh(&self) -> anyhow::Result<()> {
        let now = self.clock.now();
        let rows = signing_keys::find_signing_keys(&self.db).await?;
        let mut old: HashMap<String, Private> = self
            .loaded()
            .iter()
            .filter_map(|k| Some((k.row.kid.clone(), k.private.clone()?)))
            .collect();
        let mut loaded = Vec::new();
        let mut failure = None;
        for row in rows {
            let state = key_state(&row, now);
            if state == KeyState::Expired {
                continue;
            }
            let jwk: PublicJwk = serde_json::from_str(&row.public_jwk)?;
            let Some(alg) = Alg::parse(&row.alg) else {
                anyhow::bail!("key {} has unknown alg {}", row.kid, row.alg);
            };
            if alg == Alg::SamlRs256 && row.certificate.is_none() {
                anyhow::bail!("SAML key {} has no certificate", row.kid);
            }
            let private = match (old.remove(&row.kid), state) {
                (Some(k), _) => Some(k),
                (None, KeyState::Next | KeyState::Active) => {
                    let dir = self.dir.clone();
                    let (kid, certificate) = (row.kid.clone(), row.certificate.clone());
                    let loaded = tokio::task::spawn_blocking(move || {
                        private_half(dir.load(&kid, alg)?, kid, certificate)
                    });
                    match loaded.await? {
                        Ok(k) => Some(k),
                        Err(e) => {
                            failure = Some(e);
                            None
                        }
                    }
                }
                (None, _) => None,
            };
            loaded.push(LoadedKey {
                row,
                alg,
                jwk,
                private,
            });
        }
        *self.keys.write().unwrap_or_else(|p| p.into_inner()) = loaded;
        *self.jwks_cache.lock().unwrap_or_else(|p| p.into_inner()) = None;
        failure.map_or(Ok(()), Err)
    }

    fn loaded(&self) -> RwLockReadGuard<'_, Vec<LoadedKey>> {
        self.keys.read().unwrap_or_else(|p| p.into_inner())
    }

    /// Whether every algorithm has a key that can sign now.
    pub async fn is_ready(&self) -> bool {
        for alg in Alg::JWS {
            if self.signing_key(alg).await.is_none() {
                return false;
            }
        }
        self.saml_signer().is_some()
    }

    /// Refreshes every `period` until the process ends; failures are logged and retried.
    pub fn spawn_refresh(self: &Arc<Self>, period: Duration) {
        let ring = Arc::downgrade(self);
        tokio::spawn(async move {
            let mut tick = tokio::time::interval(period);
            tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
            tick.tick().await;
            loop {
                tick.tick().await;
                let Some(ring) = ring.upgrade() else { break };
                if let Err(e) = ring.refresh().await {
                    tracing::error!(error = %e, "signing keys could not be refreshed");
                }
            }
        });
    }

    /// The newest active key of `alg` and its private half, if loaded. An active key without
    /// its file yields `None`: an older key never signs in its place.
    fn active(&self, alg: Alg) -> Option<(String, Private)> {
        let now = self.clock.now();
        self.loaded()
            .iter()
            .filter(|k| k.alg == alg && key_state(&k.row, now) == KeyState::Active)
            .max_by_key(|k| (k.row.activates_at, k.row.kid.clone()))
            .and_then(|k| Some((k.row.kid.clone(), k.private.clone()?)))
    }

    /// The key that signs for JWS `alg` now (the newest active one): its kid and signer.
    /// `None` for SAML's algorithm: see [`Keyring::saml_signer`].
    pub async fn signing_key(&self, alg: Alg) -> Option<(String, Arc<Signer>)> {
        match self.active(alg)? {
            (kid, Private::Jws(signer)) => Some((kid, signer)),
            (_, Private::Saml(_)) => None,
        }
    }

    /// The SAML key that signs now (the newest active one).
    pub fn saml_signer(&self) -> Option<Arc<SamlKey>> {
        match self.active(Alg::SamlRs256)? {
            (_, Private::Saml(key)) => Some(key),
            (_, Private::Jws(_)) => None,
        }
    }

    /// The DER certificates of every published SAML key (next, active, retired), newest
    /// first: what SAML metadata lists, so service providers trust a next key before it signs
    /// and a retired key's signatures until it expires.
    pub fn saml_certificates(&self) -> Vec<Vec<u8>> {
        let now = self.clock.now();
        let keys = self.loaded();
        let mut saml: Vec<&LoadedKey> = keys
            .iter()
            .filter(|k| k.alg == Alg::SamlRs256 && k.is_published(now))
            .collect();
        saml.sort_by(|a, b| {
            (b.row.activates_at, b.row.created_at, &b.row.kid).cmp(&(
                a.row.activates_at,
                a.row.created_at,
                &a.row.kid,
            ))
        });
        saml.into_iter()
            .filter_map(|k| k.row.certificate.clone())
            .collect()
    }

    /// The JWS public keys published now (for checking tokens we issued, such as logout
    /// hints).
    pub async fn published(&self) -> Vec<PublicJwk> {
        let now = self.clock.now();
        self.loaded()
            .iter()
            .filter(|k| k.alg.is_jws() && k.is_published(now))
            .map(|k| k.jwk.clone())
            .collect()
    }

    /// The JWKS document (RFC 7517 §5): every published key, public members only. Rebuilt
    /// only when a key's state changes.
    pub async fn jwks(&self) -> Bytes {
        let now = self.clock.now();
        if let Some((until, bytes)) = &*self.jwks_cache.lock().unwrap_or_else(|p| p.into_inner())
            && now < *until
        {
            return bytes.clone();
        }
        let keys = self.loaded();
        let published: Vec<&PublicJwk> = keys
            .iter()
            .filter(|k| k.alg.is_jws() && k.is_published(now))
            .map(|k| &k.jwk)
            .collect();
        // The document stays right until the next creation or expiry among the keys.
        let until = keys
            .iter()
            .filter(|k| k.alg.is_jws())
            .flat_map(|k| [Some(k.row.created_at), k.row.expires_at])
            .flatten()
            .filter(|&t| t > now)
            .min()
            .unwrap_or(i64::MAX);
        let bytes = Bytes::from(
            serde_json::to_vec(&serde_json::json!({ "keys": published }))
                .unwrap_or_else(|_| b"{\"keys\":[]}".to_vec()),
        );
        *self.jwks_cache.lock().unwrap_or_else(|p| p.into_inner()) = Some((until, bytes.clone()));
        bytes
    }
}

/// The private half of a key read from its file; a SAML key must match its certificate.
fn private_half(
    key: PrivateKey,
    kid: String,
    certificate: Option<Vec<u8>>,
) -> anyhow::Result<Private> {
    match key {
        PrivateKey::SamlRs256(key) => {
            let certificate =
                certificate.ok_or_else(|| anyhow::anyhow!("SAML key {kid} has no certificate"))?;
            if certificate::inspect(&certificate)?.public_key != key.to_public_key() {
                anyhow::bail!("the certificate of SAML key {kid} is not for its key file");
            }
            let signer = RsaSha256::new(&key).ok_or_else(|| {
                anyhow::anyhow!("SAML key {kid} is not a 2048-bit or longer RSA key")
            })?;
            Ok(Private::Saml(Arc::new(SamlKey {
                kid,
                key: signer,
                certificate,
            })))
        }
        key => Ok(Private::Jws(Arc::new(
            Signer::new(&key).ok_or_else(|| anyhow::anyhow!("key {kid} signs no JWS"))?,
        ))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(activates_at: i64, retires_at: Option<i64>, expires_at: Option<i64>) -> SigningKeyRow {
        SigningKeyRow {
            kid: "k".into(),
            alg: "ES256".into(),
            public_jwk: String::new(),
            created_at: 0,
            activates_at,
            retires_at,
            expires_at,
            certificate: None,
        }
    }

    #[test]
    fn states_follow_the_timestamps() {
        let r = row(100, Some(200), Some(300));
        assert_eq!(key_state(&r, 50), KeyState::Next);
        assert_eq!(key_state(&r, 100), KeyState::Active);
        assert_eq!(key_state(&r, 199), KeyState::Active);
        assert_eq!(key_state(&r, 200), KeyState::Retired);
        assert_eq!(key_state(&r, 300), KeyState::Expired);
        assert_eq!(
            key_state(&row(0, None, None), i64::MAX - 1),
            KeyState::Active
        );
    }
}
