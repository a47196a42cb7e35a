//! Pushed authorization requests (RFC 9126) and the ids of signed request objects and DPoP
//! proofs seen (replay protection shared by every instance).

use sqlx::AssertSqlSafe;

use super::{Db, Tx};
use crate::{on_db, on_tx};

/// A pushed request, found by the hash of its `request_uri`.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct PushedRow {
    pub request_uri_hash: String,
    pub client_id: String,
    /// JSON: the request's parameters as `[[name, value], …]`, already checked once.
    pub params: String,
    pub dpop_jkt: Option<String>,
    pub created_at: i64,
    pub expires_at: i64,
    pub used_at: Option<i64>,
}

pub async fn insert_pushed(tx: &mut Tx, row: &PushedRow) -> Result<(), sqlx::Error> {
    on_tx!(tx, |c| sqlx::query(
        "INSERT INTO pushed_requests (request_uri_hash, client_id, params, dpop_jkt, created_at, \
         expires_at, used_at) VALUES ($1, $2, $3, $4, $5, $6, NULL)"
    )
    .bind(&row.request_uri_hash)
    .bind(&row.client_id)
    .bind(&row.params)
    .bind(&row.dpop_jkt)
    .bind(row.created_at)
    .bind(row.expires_at)
    .execute(c)
    .await
    .map(drop))
}

/// Takes a pushed request out for use: marks it used and returns it, only if it was unused
/// (single use, whichever instance asks first).
pub async fn take_pushed(
    tx: &mut Tx,
    request_uri_hash: &str,
    now: i64,
) -> Result<Option<PushedRow>, sqlx::Error> {
    on_tx!(tx, |c| sqlx::query_as::<_, PushedRow>(
        "UPDATE pushed_requests SET used_at = $2 WHERE request_uri_hash = $1 AND used_at IS NULL \
         RETURNING request_uri_hash, client_id, params, dpop_jkt, created_at, expires_at, used_at"
    )
    .bind(request_uri_hash)
    .bind(now)
    .fetch_optional(c)
    .await)
}

/// What kind of id a [`insert_used_jti`] records.
#[derive(Clone, Copy, Debug)]
pub enum JtiKind {
    /// A signed request object's `jti`, per client.
    Request,
    /// A DPoP proof's `jti`, per key thumbprint.
    Dpop,
}

impl JtiKind {
    fn as_str(self) -> &'static str {
        match self {
            Self::Request => "request",
            Self::Dpop => "dpop",
        }
    }
}

/// Records an id as seen until `expires_at`; false if `owner` already used it (a replay).
pub async fn insert_used_jti(
    tx: &mut Tx,
    kind: JtiKind,
    owner: &str,
    jti: &str,
    expires_at: i64,
) -> Result<bool, sqlx::Error> {
    on_tx!(tx, |c| sqlx::query(
        "INSERT INTO used_jtis (kind, owner, jti, expires_at) VALUES ($1, $2, $3, $4) \
         ON CONFLICT (kind, owner, jti) DO NOTHING"
    )
    .bind(kind.as_str())
    .bind(owner)
    .bind(jti)
    .bind(expires_at)
    .execute(c)
    .await
    .map(|r| r.rows_affected() == 1))
}

/// Deletes expired pushed requests (kept a minute past expiry) and ids. Returns rows removed.
pub async fn delete_expired(db: &Db, now: i64) -> Result<u64, sqlx::Error> {
    let mut removed = 0;
    for (table, before) in [("pushed_requests", now - 60), ("used_jtis", now)] {
        let sql = format!("DELETE FROM {table} WHERE expires_at <= $1");
        removed += on_db!(db, |p| sqlx::query(AssertSqlSafe(sql.clone()))
            .bind(before)
            .execute(p)
            .await
            .map(|r| r.rows_affected()))?;
    }
    Ok(removed)
}
