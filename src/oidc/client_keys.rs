//! Relying parties' public keys for `private_key_jwt`: inline in the registration, or fetched
//! from their `jwks_uri` and cached. A key id not in the cached set triggers one refetch (a
//! client that rotated), at most once a minute per client.

use std::{collections::HashMap, time::Duration};

use jsonwebtoken::jwk::JwkSet;
use tokio::sync::Mutex;

use crate::{clock::SharedClock, store::clients::ClientRow};

/// How long a fetched key set is used before it is fetched again.
const CACHE_FOR: i64 = 600;
/// The shortest time between two fetches for one client.
const MIN_REFETCH: i64 = 60;
/// The largest key set accepted.
const MAX_BYTES: usize = 64 * 1024;

struct Entry {
    uri: String,
    keys: JwkSet,
    fetched_at: i64,
}

/// Fetched key sets by client.
pub struct ClientKeys {
    http: reqwest::Client,
    clock: SharedClock,
    cache: Mutex<HashMap<String, Entry>>,
}

impl ClientKeys {
    pub fn new(clock: SharedClock) -> anyhow::Result<Self> {
        let http = reqwest::Client::builder()
            .timeout(Duration::from_secs(5))
            .connect_timeout(Duration::from_secs(3))
            .redirect(reqwest::redirect::Policy::none())
            .user_agent("Civitas")
            .build()?;
        Ok(Self {
            http,
            clock,
            cache: Mutex::new(HashMap::new()),
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
        let now = self.clock.now();
        let mut cache = self.cache.lock().await;
        if let Some(e) = cache.get(&client.id).filter(|e| e.uri == *uri) {
            let fresh = now - e.fetched_at < CACHE_FOR;
            let has_kid = kid.is_none_or(|k| e.keys.find(k).is_some());
            if fresh && (has_kid || now - e.fetched_at < MIN_REFETCH) {
                return Ok(e.keys.clone());
            }
        }
        let keys = self.fetch(uri).await?;
        cache.insert(
            client.id.clone(),
            Entry {
                uri: uri.clone(),
                keys: keys.clone(),
                fetched_at: now,
            },
        );
        Ok(keys)
    }

    async fn fetch(&self, uri: &str) -> Result<JwkSet, String> {
        let failed = |why: &str| format!("the client's jwks_uri could not be used: {why}");
        let response = self
            .http
            .get(uri)
            .send()
            .await
            .map_err(|_| failed("no answer"))?;
        if !response.status().is_success() {
            return Err(failed(&format!("it answered {}", response.status())));
        }
        if response
            .content_length()
            .is_some_and(|n| n as usize > MAX_BYTES)
        {
            return Err(failed("the key set is too large"));
        }
        let bytes = response
            .bytes()
            .await
            .map_err(|_| failed("the answer broke off"))?;
        if bytes.len() > MAX_BYTES {
            return Err(failed("the key set is too large"));
        }
        serde_json::from_slice(&bytes).map_err(|_| failed("the answer is not a JWK set"))
    }
}
