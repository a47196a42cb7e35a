//! What the hot paths read and rarely changes, kept in memory: OpenID Connect clients, their
//! sign-in redirect URIs and persons (whose claims ID tokens and userinfo release).
//!
//! Invalidation works across processes and instances: triggers move a counter in
//! `change_epochs` on every change to those tables, whoever makes it (this server, the CLI,
//! another instance, an operator's SQL). Each instance reads the counters at most every
//! [`CHECK_EVERY`] on a cached read and forgets every cached row of a kind whose counter
//! moved, so a change is seen everywhere within that time plus one request (tested: a client
//! disabled by the CLI is refused within a second, on one instance and on two).
//!
//! A row read from the database is kept only if no change was seen while it was being read
//! (the generation check in `remember`), so a row read just before a change and arriving just
//! after the counters were checked is never kept. The maps are bounded: at [`MAX_ROWS`] a
//! kind's map starts again empty.

use std::{
    collections::HashMap,
    hash::Hash,
    sync::{
        RwLock,
        atomic::{AtomicBool, AtomicU64, Ordering},
    },
    time::{Duration, Instant},
};

use super::{
    Db,
    clients::{self, ClientRow},
    persons::{self, PersonRow},
};
use crate::on_db;

/// The longest a change made elsewhere goes unseen by a reading instance.
pub const CHECK_EVERY: Duration = Duration::from_millis(100);
/// The most rows one kind keeps.
const MAX_ROWS: usize = 20_000;

/// A map whose contents belong to one generation of its kind's counter.
struct Kind<K, V> {
    rows: RwLock<HashMap<K, V>>,
    /// Moves whenever the rows are forgotten.
    generation: AtomicU64,
    /// The database counter last seen.
    epoch: AtomicU64,
}

impl<K: Eq + Hash, V: Clone> Kind<K, V> {
    fn new() -> Self {
        Self {
            rows: RwLock::new(HashMap::new()),
            generation: AtomicU64::new(0),
            epoch: AtomicU64::new(u64::MAX),
        }
    }

    /// Keeps `value` if nothing was forgotten since `generation` was read.
    fn remember(&self, generation: u64, key: K, value: V) {
        let mut rows = self.rows.write().unwrap_or_else(|p| p.into_inner());
        if self.generation.load(Ordering::Acquire) != generation {
            return;
        }
        if rows.len() >= MAX_ROWS {
            rows.clear();
        }
        rows.insert(key, value);
    }

    /// Forgets every row when the database counter moved.
    fn seen(&self, epoch: u64) {
        if self.epoch.swap(epoch, Ordering::AcqRel) != epoch {
            let mut rows = self.rows.write().unwrap_or_else(|p| p.into_inner());
            self.generation.fetch_add(1, Ordering::AcqRel);
            rows.clear();
        }
    }
}

impl<V: Clone> Kind<String, V> {
    /// The row of `key`, from memory or else from `read` (lazy: it starts once the
    /// generation is taken), kept when nothing was forgotten meanwhile.
    async fn get_or_read(
        &self,
        key: &str,
        read: impl std::future::Future<Output = Result<V, sqlx::Error>>,
    ) -> Result<V, sqlx::Error> {
        if let Some(row) = self.rows.read().unwrap_or_else(|p| p.into_inner()).get(key) {
            return Ok(row.clone());
        }
        let generation = self.generation.load(Ordering::Acquire);
        let row = read.await?;
        self.remember(generation, key.to_owned(), row.clone());
        Ok(row)
    }
}

/// The in-memory copy of clients, redirect URIs and persons (see the module's note).
pub struct ReadCache {
    db: Db,
    started: Instant,
    /// When the counters were last read, in milliseconds since `started`.
    checked_ms: AtomicU64,
    checking: AtomicBool,
    clients: Kind<String, Option<ClientRow>>,
    redirect_uris: Kind<String, Vec<String>>,
    persons: Kind<String, Option<PersonRow>>,
}

impl ReadCache {
    pub fn new(db: Db) -> Self {
        Self {
            db,
            started: Instant::now(),
            checked_ms: AtomicU64::new(0),
            checking: AtomicBool::new(false),
            clients: Kind::new(),
            redirect_uris: Kind::new(),
            persons: Kind::new(),
        }
    }

    /// Reads the counters when the last reading is older than [`CHECK_EVERY`] (one request
    /// at a time does it; the others use the rows as they are, at most that old). Until the
    /// first reading succeeds every request reads them.
    async fn check(&self) -> Result<(), sqlx::Error> {
        let now = self.started.elapsed().as_millis() as u64 + 1;
        let last = self.checked_ms.load(Ordering::Acquire);
        let never = last == 0;
        if !never && now.saturating_sub(last) < CHECK_EVERY.as_millis() as u64 {
            return Ok(());
        }
        if !never
            && self
                .checking
                .compare_exchange(false, true, Ordering::AcqRel, Ordering::Acquire)
                .is_err()
        {
            return Ok(());
        }
        let read = self.read_epochs().await;
        self.checking.store(false, Ordering::Release);
        for (name, epoch) in read? {
            let epoch = epoch as u64;
            match name.as_str() {
                "clients" => {
                    self.clients.seen(epoch);
                    self.redirect_uris.seen(epoch);
                }
                "persons" => self.persons.seen(epoch),
                _ => {}
            }
        }
        self.checked_ms.store(now, Ordering::Release);
        Ok(())
    }

    async fn read_epochs(&self) -> Result<Vec<(String, i64)>, sqlx::Error> {
        on_db!(&self.db, |p| sqlx::query_as(
            "SELECT name, epoch FROM change_epochs"
        )
        .fetch_all(p)
        .await)
    }

    /// Makes the next cached read check the counters: called by this server's own changes to
    /// clients or persons, which then take effect here at the next request.
    pub fn changed(&self) {
        self.checked_ms.store(0, Ordering::Release);
    }

    /// The OpenID Connect client `id` (see [`clients::find_oidc_client`]).
    pub async fn oidc_client(&self, id: &str) -> Result<Option<ClientRow>, sqlx::Error> {
        self.check().await?;
        self.clients
            .get_or_read(id, clients::find_oidc_client(&self.db, id))
            .await
    }

    /// The client's sign-in redirect URIs (see [`clients::find_client_redirect_uris`]).
    pub async fn login_redirect_uris(&self, client_id: &str) -> Result<Vec<String>, sqlx::Error> {
        self.check().await?;
        self.redirect_uris
            .get_or_read(
                client_id,
                clients::find_client_redirect_uris(&self.db, client_id, "login"),
            )
            .await
    }

    /// The person `id` (see [`persons::find_person`]).
    pub async fn person(&self, id: &str) -> Result<Option<PersonRow>, sqlx::Error> {
        self.check().await?;
        self.persons
            .get_or_read(id, persons::find_person(&self.db, id))
            .await
    }
}
