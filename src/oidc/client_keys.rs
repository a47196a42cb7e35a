//! Relying parties' public keys for `private_key_jwt`: inline in the registration, or fetched
//! from their `jwks_uri` and cached. A key id not in the cached set triggers one refetch (a
//! client that rotated), at most once a minute per client.
//!
//! Fetching a URL a client chose is a server-side request forgery risk, so the fetch goes
//! through `outbound` (https only, public addresses after DNS resolution unless
//! `http.allow_private_outbound` is set for development, no redirects, five seconds), reads
//! 64 KiB at most in chunks, one fetch at a time per client, failures remembered for a
//! minute, and the caller learns only that the keys could not be used (the cause is logged).
//!
//! It also remembers when each key's last use was written (`client_key_uses`), so that the
//! token endpoint writes a key's use at most once every [`KEY_USE_PRECISION`] seconds.

use std::{collections::HashMap, sync::Arc};

use jsonwebtoken::jwk::JwkSet;

use super::outbound;
use crate::{clock::SharedClock, store::clients::ClientRow};

/// How long a fetched key set is used before it is fetched again: a key removed from a
/// `jwks_uri` stops working within this time.
pub const CACHE_FOR: i64 = 600;
/// The shortest time between two fetches for one client (a new `kid` is fetched at once
/// unless the set was fetched less than this long ago).
pub const MIN_REFETCH: i64 = 60;
/// A key's use is written at most once in this many seconds, so the last use shown is
/// precise to this.
pub const KEY_USE_PRECISION: i64 = 600;
/// Above this many remembered key uses, those older than [`KEY_USE_PRECISION`] are forgotten.
const MAX_REMEMBERED_USES: usize = 10_000;
/// The largest key set accepted.
const MAX_BYTES: usize = 64 * 1024;

#[derive(Clone)]
struct Entry {
    uri: String,
    /// `None`: the last fetch failed.
    keys: Option<JwkSet>,
    /// The set as fetched, for members `JwkSet` does not keep (an encryption key's `alg`).
    raw: Option<Arc<serde_json::Value>>,
    fetched_at: i64,
}

/// Fetched key sets by client.
pub struct ClientKeys {
    http: reqwest::Client,
    clock: SharedClock,
    allow_private: bool,
    /// One slot per client; the slot's lock is held during that client's fetch only.
    slots: std::sync::Mutex<HashMap<String, Arc<tokio::sync::Mutex<Option<Entry>>>>>,
    /// When each (client, key)'s use was last written, by this instance.
    uses_written: std::sync::Mutex<HashMap<(String, String), i64>>,
}

impl ClientKeys {
    pub fn new(clock: SharedClock, allow_private: bool) -> anyhow::Result<Self> {
        Ok(Self {
            http: outbound::client(allow_private)?,
            clock,
            allow_private,
            slots: std::sync::Mutex::new(HashMap::new()),
            uses_written: std::sync::Mutex::new(HashMap::new()),
        })
    }

    /// The client's key set; `kid` not found in a cached set forces a refetch (rate-limited).
    pub async fn for_client(
        &self,
        client: &ClientRow,
        kid: Option<&str>,
    ) -> Result<JwkSet, String> {
        if let Some(inline) = &client.jwks {
            return serde_json::from_str(inline)
                .map_err(|_| "the registered jwks cannot be read".to_owned());
        }
        let Some(uri) = &client.jwks_uri else {
            return Err("this client has no registered keys".into());
        };
        let unusable =
            || "the keys at this client's jwks_uri could not be used; try again later".to_owned();
        let slot = {
            let mut slots = self.slots.lock().unwrap_or_else(|p| p.into_inner());
            slots.entry(client.id.clone()).or_default().clone()
        };
        let mut entry = slot.lock().await;
        let now = self.clock.now();
        if let Some(e) = entry.as_ref().filter(|e| e.uri == *uri) {
            let age = now - e.fetched_at;
            match &e.keys {
                None if age < MIN_REFETCH => return Err(unusable()),
                Some(keys) => {
                    let has_kid = kid.is_none_or(|k| keys.find(k).is_some());
                    if age < CACHE_FOR && (has_kid || age < MIN_REFETCH) {
                        return Ok(keys.clone());
                    }
                }
                None => {}
            }
        }
        let fetched = self.fetch(uri).await;
        if let Err(why) = &fetched {
            tracing::warn!(client_id = %client.id, error = %why, "client jwks_uri fetch failed");
        }
        let (keys, raw) = match fetched {
            Ok((keys, raw)) => (Some(keys), Some(Arc::new(raw))),
            Err(_) => (None, None),
        };
        *entry = Some(Entry {
            uri: uri.clone(),
            keys: keys.clone(),
            raw,
            fetched_at: now,
        });
        keys.ok_or_else(unusable)
    }

    /// The client's key set as JSON, to pick a key to encrypt to: registered inline, or
    /// from its `jwks_uri` (cached as for signatures, so a rotation there is seen within
    /// the cache's lifetime).
    pub async fn raw_for_client(
        &self,
        client: &ClientRow,
    ) -> Result<Arc<serde_json::Value>, String> {
        if let Some(inline) = &client.jwks {
            return serde_json::from_str(inline)
                .map(Arc::new)
                .map_err(|_| "the registered jwks cannot be read".to_owned());
        }
        self.for_client(client, None).await?;
        let slot = {
            let slots = self.slots.lock().unwrap_or_else(|p| p.into_inner());
            slots.get(&client.id).cloned()
        };
        let Some(slot) = slot else {
            return Err("this client has no registered keys".into());
        };
        let entry = slot.lock().await;
        entry
            .as_ref()
            .and_then(|e| e.raw.clone())
            .ok_or_else(|| "the keys at this client's jwks_uri could not be used".to_owned())
    }

    /// Whether a use of the client's key `kid` now should be written (and, if so, notes it
    /// as written): once every [`KEY_USE_PRECISION`] seconds per key, from memory, so the
    /// token endpoint does not write on every assertion.
    pub fn key_use_is_due(&self, client_id: &str, kid: &str) -> bool {
        let now = self.clock.now();
        let mut written = self.uses_written.lock().unwrap_or_else(|p| p.into_inner());
        let key = (client_id.to_owned(), kid.to_owned());
        if written
            .get(&key)
            .is_some_and(|at| now - at < KEY_USE_PRECISION)
        {
            return false;
        }
        if written.len() >= MAX_REMEMBERED_USES {
            written.retain(|_, at| now - *at < KEY_USE_PRECISION);
        }
        written.insert(key, now);
        true
    }

    async fn fetch(&self, uri: &str) -> Result<(JwkSet, serde_json::Value), String> {
        let url = outbound::check_url(uri, self.allow_private)?;
        let mut response = self.http.get(url).send().await.map_err(|e| e.to_string())?;
        if !response.status().is_success() {
            return Err(format!("answered {}", response.status()));
        }
        let mut body = Vec::new();
        while let Some(chunk) = response.chunk().await.map_err(|e| e.to_string())? {
            if body.len() + chunk.len() > MAX_BYTES {
                return Err("larger than 64 KiB".into());
            }
            body.extend_from_slice(&chunk);
        }
        let raw: serde_json::Value =
            serde_json::from_slice(&body).map_err(|_| "not a JWK set".to_owned())?;
        let keys = serde_json::from_value(raw.clone()).map_err(|_| "not a JWK set".to_owned())?;
        Ok((keys, raw))
    }
}

/// How `client_key_uses` names a key: its `kid`, or for a key without one its RFC 7638
/// thumbprint (`jkt:` and the base64url SHA-256).
pub fn key_name(key: &jsonwebtoken::jwk::Jwk) -> Option<String> {
    key.common.key_id.clone().or_else(|| {
        key.thumbprint(jsonwebtoken::jwk::ThumbprintHash::SHA256)
            .ok()
            .map(|t| format!("jkt:{t}"))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_key_use_is_written_once_per_period() {
        #[derive(Default)]
        struct Fixed(std::sync::atomic::AtomicI64);
        impl crate::clock::Clock for Fixed {
            fn now(&self) -> i64 {
                self.0.load(std::sync::atomic::Ordering::SeqCst)
            }
        }
        let _ = rustls::crypto::ring::default_provider().install_default();
        let clock = Arc::new(Fixed::default());
        let keys = ClientKeys::new(clock.clone(), false).unwrap();
        assert!(keys.key_use_is_due("c", "k1"));
        assert!(!keys.key_use_is_due("c", "k1"), "written a moment ago");
        assert!(keys.key_use_is_due("c", "k2"), "each key on its own");
        assert!(keys.key_use_is_due("d", "k1"), "each client on its own");
        clock
            .0
            .store(KEY_USE_PRECISION - 1, std::sync::atomic::Ordering::SeqCst);
        assert!(!keys.key_use_is_due("c", "k1"));
        clock
            .0
            .store(KEY_USE_PRECISION, std::sync::atomic::Ordering::SeqCst);
        assert!(keys.key_use_is_due("c", "k1"));
    }
}
