//! Browser sessions: tower-sessions over our own store (SQLite or PostgreSQL), and the
//! signed-in state a session carries.
//!
//! The cookie is `HttpOnly`, `SameSite=Lax`, and for an https issuer `Secure` with the
//! `__Host-` prefix. Session ids are stored only as SHA-256 hashes. A session ends after the
//! idle timeout; a sign-in ends after the absolute lifetime however active it is. Sign-in
//! renews the session id (no fixation).

use serde::{Deserialize, Serialize};
use time::OffsetDateTime;
use tower_sessions::{
    Expiry, Session, SessionManagerLayer,
    cookie::SameSite,
    session::{Id, Record},
    session_store::{self, SessionStore},
};

use crate::{
    clock::SharedClock,
    config::{Config, SessionsConfig},
    crypto::secrets::sha256_b64,
    store::{
        Db,
        sessions::{self, SessionOwner},
        writer::Writer,
    },
};

/// Where the signed-in state lives in the session data.
const SIGNED_IN: &str = "civitas.signed_in";

/// The session's stored expiry (unix seconds), put into its data by `load` so a page can say
/// how long is left without reading the row again; never written back.
const EXPIRES_AT: &str = "civitas.expires_at";

/// Seconds until the session ends for inactivity, as its stored expiry says (`None` for a
/// session not yet stored).
pub async fn seconds_left(session: &Session, now: i64) -> Option<i64> {
    let expires_at = session.get::<i64>(EXPIRES_AT).await.ok()??;
    Some((expires_at - now).max(0))
}

/// The session's data as stored: without what `load` added.
fn stored_data(record: &Record) -> session_store::Result<String> {
    let data: std::collections::HashMap<_, _> = record
        .data
        .iter()
        .filter(|(k, _)| *k != EXPIRES_AT)
        .collect();
    serde_json::to_string(&data).map_err(|e| session_store::Error::Encode(e.to_string()))
}

/// Who is signed in, how, and since when (what ID tokens report as `acr`, `amr`, `auth_time`,
/// `sid`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SignedIn {
    pub person_id: String,
    pub acr: String,
    pub amr: Vec<String>,
    pub auth_time: i64,
    /// The OIDC session id, shared by the tokens issued in this session.
    pub sid: String,
}

/// The session store over `sessions`. It sets each session's expiry itself, from its clock and
/// the idle timeout, so expiry follows the same time as everything else.
#[derive(Clone)]
pub struct DbSessionStore {
    db: Db,
    /// Session writes go through group commit with the other hot writes.
    writer: Writer,
    clock: SharedClock,
    idle: i64,
}

impl std::fmt::Debug for DbSessionStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("DbSessionStore")
    }
}

impl DbSessionStore {
    pub fn new(db: Db, writer: Writer, clock: SharedClock, idle: std::time::Duration) -> Self {
        Self {
            db,
            writer,
            clock,
            idle: idle.as_secs() as i64,
        }
    }
}

fn backend(e: impl std::fmt::Display) -> session_store::Error {
    session_store::Error::Backend(e.to_string())
}

fn owner(record: &Record) -> (Option<String>, Option<String>) {
    let signed_in = record
        .data
        .get(SIGNED_IN)
        .and_then(|v| serde_json::from_value::<SignedIn>(v.clone()).ok());
    match signed_in {
        Some(s) => (Some(s.person_id), Some(s.sid)),
        None => (None, None),
    }
}

type QueuedDelete = tokio::sync::oneshot::Receiver<Result<(), sqlx::Error>>;

tokio::task_local! {
    /// The session deletes a request queued without waiting (see `DbSessionStore::delete`).
    static QUEUED_DELETES: std::cell::RefCell<Vec<QueuedDelete>>;
}

/// Runs `answer` (the rest of the chain, outside every session layer; called by `web::edge`)
/// and lets its response leave only once the session deletes it queued have committed (at
/// once after a sign-in, whose new session's commit came after them; after a sign-out, the
/// wait for that commit). A delete that failed is logged: the old session then lives until it
/// expires.
pub async fn settle_queued_deletes<F>(answer: F) -> axum::response::Response
where
    F: std::future::Future<Output = axum::response::Response>,
{
    QUEUED_DELETES
        .scope(std::cell::RefCell::new(Vec::new()), async move {
            let response = answer.await;
            let queued = QUEUED_DELETES.with(|q| std::mem::take(&mut *q.borrow_mut()));
            for delete in queued {
                match delete.await {
                    Ok(Ok(())) => {}
                    Ok(Err(e)) => tracing::error!(error = %e, "a session could not be deleted"),
                    Err(_) => tracing::error!("a session delete was dropped by the writer"),
                }
            }
            response
        })
        .await
}

#[async_trait::async_trait]
impl SessionStore for DbSessionStore {
    async fn create(&self, record: &mut Record) -> session_store::Result<()> {
        let data = stored_data(record)?;
        let (person_id, sid) = owner(record);
        loop {
            let hash = sha256_b64(&record.id.to_string());
            let now = self.clock.now();
            let expires = now + self.idle;
            let (person_id, sid, data) = (person_id.clone(), sid.clone(), data.clone());
            let created = self
                .writer
                .write(move |tx| {
                    let (hash, person_id, sid, data) =
                        (hash.clone(), person_id.clone(), sid.clone(), data.clone());
                    Box::pin(async move {
                        let owner = SessionOwner {
                            person_id: person_id.as_deref(),
                            sid: sid.as_deref(),
                        };
                        sessions::insert_session(tx, &hash, owner, &data, now, expires).await
                    })
                })
                .await
                .map_err(backend)?;
            if created {
                return Ok(());
            }
            // 128 random bits collided: draw again.
            record.id = Id::default();
        }
    }

    async fn save(&self, record: &Record) -> session_store::Result<()> {
        let data = stored_data(record)?;
        let (person_id, sid) = owner(record);
        let hash = sha256_b64(&record.id.to_string());
        let now = self.clock.now();
        let expires = now + self.idle;
        self.writer
            .write(move |tx| {
                let (hash, person_id, sid, data) =
                    (hash.clone(), person_id.clone(), sid.clone(), data.clone());
                Box::pin(async move {
                    let owner = SessionOwner {
                        person_id: person_id.as_deref(),
                        sid: sid.as_deref(),
                    };
                    sessions::upsert_session(tx, &hash, owner, &data, now, expires).await
                })
            })
            .await
            .map_err(backend)
    }

    async fn load(&self, id: &Id) -> session_store::Result<Option<Record>> {
        let hash = sha256_b64(&id.to_string());
        let Some(row) = sessions::find_session(&self.db, &hash, self.clock.now())
            .await
            .map_err(backend)?
        else {
            return Ok(None);
        };
        let mut data: std::collections::HashMap<String, serde_json::Value> =
            serde_json::from_str(&row.data)
                .map_err(|e| session_store::Error::Decode(e.to_string()))?;
        data.insert(EXPIRES_AT.to_owned(), row.expires_at.into());
        let expiry_date = OffsetDateTime::from_unix_timestamp(row.expires_at)
            .map_err(|e| session_store::Error::Decode(e.to_string()))?;
        Ok(Some(Record {
            id: *id,
            data,
            expiry_date,
        }))
    }

    /// Within a request (see [`settle_queued_deletes`]) the delete is only queued: a new
    /// session id (`cycle_id` at sign-in) is then created by a write queued after it, which
    /// the response waits for, so the old id's removal commits with or before it and the
    /// sign-in costs one commit less; the request's end checks it (and waits for it after a
    /// sign-out, where nothing was written after it). Elsewhere it is awaited here.
    async fn delete(&self, id: &Id) -> session_store::Result<()> {
        let hash = sha256_b64(&id.to_string());
        let queued = self
            .writer
            .write_queued(move |tx| {
                let hash = hash.clone();
                Box::pin(async move { sessions::delete_session(tx, &hash).await })
            })
            .await
            .map_err(backend)?;
        let mut slot = Some(queued);
        let _ = QUEUED_DELETES.try_with(|q| {
            if let Some(queued) = slot.take() {
                q.borrow_mut().push(queued);
            }
        });
        match slot {
            Some(queued) => queued
                .await
                .map_err(|_| backend(sqlx::Error::PoolClosed))?
                .map_err(backend),
            None => Ok(()),
        }
    }
}

/// The session cookie's name: `__Host-` prefixed when the issuer is https.
pub fn cookie_name(config: &Config) -> &'static str {
    if config.issuer.is_https() {
        "__Host-civitas_session"
    } else {
        "civitas_session"
    }
}

/// The session layer for the router.
pub fn layer(config: &Config, store: DbSessionStore) -> SessionManagerLayer<DbSessionStore> {
    let idle = time::Duration::seconds(config.sessions.idle_timeout.as_secs() as i64);
    SessionManagerLayer::new(store)
        .with_name(cookie_name(config))
        .with_secure(config.issuer.is_https())
        .with_http_only(true)
        .with_same_site(SameSite::Lax)
        .with_path("/")
        .with_expiry(Expiry::OnInactivity(idle))
}

/// The signed-in state, if the session has one that has not outlived the absolute lifetime.
pub async fn signed_in(
    session: &Session,
    config: &SessionsConfig,
    now: i64,
) -> Result<Option<SignedIn>, tower_sessions::session::Error> {
    let Some(s) = session.get::<SignedIn>(SIGNED_IN).await? else {
        return Ok(None);
    };
    if now - s.auth_time >= config.absolute_lifetime.as_secs() as i64 {
        session.flush().await?;
        return Ok(None);
    }
    Ok(Some(s))
}

/// Records a completed sign-in under a new session id (the old id stops working), keeping
/// whatever the session held (such as a pending authorization request).
pub async fn sign_in(
    session: &Session,
    who: &SignedIn,
    device: &super::device::Device,
) -> Result<(), tower_sessions::session::Error> {
    // The same person signing in again in this session (prompt=login, max_age, a step-up)
    // keeps the OIDC session id: relying parties' refresh tokens without offline_access
    // belong to this browser session, and a re-authentication does not end it.
    let previous = session.get::<SignedIn>(SIGNED_IN).await?;
    let mut who = who.clone();
    if let Some(p) = previous.filter(|p| p.person_id == who.person_id) {
        who.sid = p.sid;
    }
    session.cycle_id().await?;
    session.insert(DEVICE, &device.0).await?;
    session.insert(SIGNED_IN, &who).await
}

/// The session key of the coarse device description shown on the account page.
pub const DEVICE: &str = "civitas.device";

/// Ends the session everywhere: data gone, cookie cleared.
pub async fn sign_out(session: &Session) -> Result<(), tower_sessions::session::Error> {
    session.flush().await
}

/// A session layer of its own for a part of the site (the console, the portal): its own
/// cookie (`__Secure-NAME` over https), scoped to `path`, HttpOnly, ending after `idle_secs`
/// without a request. Every request moves the idle limit (the store writes only when it moves
/// by more than a minute).
pub fn scoped_layer(
    state: &crate::state::AppState,
    name: &str,
    path: &'static str,
    idle_secs: u64,
    same_site: tower_sessions::cookie::SameSite,
) -> tower_sessions::SessionManagerLayer<DbSessionStore> {
    let store = DbSessionStore::new(
        state.db.clone(),
        state.writer.clone(),
        state.clock.clone(),
        std::time::Duration::from_secs(idle_secs),
    );
    let https = state.config.issuer.is_https();
    // `__Secure-` (not `__Host-`): the cookie is scoped to a path.
    let name = if https {
        format!("__Secure-{name}")
    } else {
        name.to_owned()
    };
    tower_sessions::SessionManagerLayer::new(store)
        .with_name(name)
        .with_secure(https)
        .with_http_only(true)
        .with_same_site(same_site)
        .with_path(path)
        .with_always_save(true)
        .with_expiry(tower_sessions::Expiry::OnInactivity(
            time::Duration::seconds(idle_secs as i64),
        ))
}
