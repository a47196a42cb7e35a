//! `sessions`: browser sessions, keyed by the SHA-256 of the session id.

use super::{Db, Tx};
use crate::{on_db, on_tx};

#[derive(Clone, Debug, sqlx::FromRow)]
pub struct SessionRow {
    pub data: String,
    pub expires_at: i64,
}

/// Who a session belongs to once signed in: the person and the OIDC session id.
#[derive(Clone, Copy, Debug, Default)]
pub struct SessionOwner<'a> {
    pub person_id: Option<&'a str>,
    pub sid: Option<&'a str>,
}

/// Inserts a new session; false if the id is taken (the caller draws another).
pub async fn insert_session(
    tx: &mut Tx,
    id_hash: &str,
    owner: SessionOwner<'_>,
    data: &str,
    now: i64,
    expires_at: i64,
) -> Result<bool, sqlx::Error> {
    on_tx!(tx, |p| sqlx::query(
        "INSERT INTO sessions (id_hash, person_id, sid, data, created_at, expires_at) \
         VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (id_hash) DO NOTHING"
    )
    .bind(id_hash)
    .bind(owner.person_id)
    .bind(owner.sid)
    .bind(data)
    .bind(now)
    .bind(expires_at)
    .execute(p)
    .await
    .map(|r| r.rows_affected() == 1))
}

/// Writes a session's data and expiry, creating it if needed. A save that changes nothing but
/// moves the expiry by less than a minute writes nothing: every request of a signed-in citizen
/// saves its session, and on SQLite each real write waits for the disk.
pub async fn upsert_session(
    tx: &mut Tx,
    id_hash: &str,
    owner: SessionOwner<'_>,
    data: &str,
    now: i64,
    expires_at: i64,
) -> Result<(), sqlx::Error> {
    on_tx!(tx, |p| sqlx::query(
        "INSERT INTO sessions (id_hash, person_id, sid, data, created_at, expires_at) \
         VALUES ($1, $2, $3, $4, $5, $6) \
         ON CONFLICT (id_hash) DO UPDATE SET person_id = excluded.person_id, \
         sid = excluded.sid, data = excluded.data, expires_at = excluded.expires_at \
         WHERE sessions.data <> excluded.data \
            OR sessions.person_id IS DISTINCT FROM excluded.person_id \
            OR sessions.sid IS DISTINCT FROM excluded.sid \
            OR sessions.expires_at < excluded.expires_at - 60"
    )
    .bind(id_hash)
    .bind(owner.person_id)
    .bind(owner.sid)
    .bind(data)
    .bind(now)
    .bind(expires_at)
    .execute(p)
    .await
    .map(drop))
}

/// A session that has not expired.
pub async fn find_session(
    db: &Db,
    id_hash: &str,
    now: i64,
) -> Result<Option<SessionRow>, sqlx::Error> {
    on_db!(db, |p| sqlx::query_as(
        "SELECT data, expires_at FROM sessions WHERE id_hash = $1 AND expires_at > $2"
    )
    .bind(id_hash)
    .bind(now)
    .fetch_optional(p)
    .await)
}

pub async fn delete_session(tx: &mut Tx, id_hash: &str) -> Result<(), sqlx::Error> {
    on_tx!(tx, |p| sqlx::query(
        "DELETE FROM sessions WHERE id_hash = $1"
    )
    .bind(id_hash)
    .execute(p)
    .await
    .map(drop))
}

/// Ends the session with this OIDC session id (sign-out, RP-initiated and SAML logout).
pub async fn delete_sessions_by_sid(tx: &mut Tx, sid: &str) -> Result<u64, sqlx::Error> {
    on_tx!(tx, |p| sqlx::query("DELETE FROM sessions WHERE sid = $1")
        .bind(sid)
        .execute(p)
        .await
        .map(|r| r.rows_affected()))
}

/// Housekeeping. An expired session is not a logout: no back-channel logout notice is
/// queued for it (see `oidc::backchannel`).
pub async fn delete_expired_sessions(db: &Db, now: i64) -> Result<u64, sqlx::Error> {
    on_db!(db, |p| sqlx::query(
        "DELETE FROM sessions WHERE expires_at <= $1"
    )
    .bind(now)
    .execute(p)
    .await
    .map(|r| r.rows_affected()))
}

/// A signed-in session of a person, for their own page.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct PersonSessionRow {
    pub sid: Option<String>,
    /// The session's data (JSON), for the device it was signed in from.
    pub data: String,
    pub created_at: i64,
    pub expires_at: i64,
}

pub async fn find_sessions_of_person(
    db: &Db,
    person_id: &str,
    now: i64,
) -> Result<Vec<PersonSessionRow>, sqlx::Error> {
    on_db!(db, |p| {
        sqlx::query_as(
        "SELECT sid, data, created_at, expires_at FROM sessions WHERE person_id = $1 AND expires_at > $2 \
         ORDER BY created_at DESC"
    )
    .bind(person_id)
    .bind(now)
    .fetch_all(p)
    .await
    })
}

/// Ends one of a person's sessions by its OIDC session id; false if it is not theirs.
pub async fn delete_session_of_person(
    tx: &mut Tx,
    person_id: &str,
    sid: &str,
) -> Result<bool, sqlx::Error> {
    on_tx!(tx, |p| sqlx::query(
        "DELETE FROM sessions WHERE person_id = $1 AND sid = $2"
    )
    .bind(person_id)
    .bind(sid)
    .execute(p)
    .await
    .map(|r| r.rows_affected() > 0))
}
