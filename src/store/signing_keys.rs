//! `signing_keys`: which keys exist and when each is published, signs, retires and expires.

use sqlx::AssertSqlSafe;

use super::{Db, Tx};
use crate::{on_db, on_tx};

/// A row of `signing_keys`.
#[derive(Clone, Debug, PartialEq, Eq, sqlx::FromRow)]
pub struct SigningKeyRow {
    pub kid: String,
    pub alg: String,
    pub public_jwk: String,
    pub created_at: i64,
    pub activates_at: i64,
    pub retires_at: Option<i64>,
    pub expires_at: Option<i64>,
    /// DER of the self-signed X.509 certificate of a SAML key; `None` for JWS keys.
    pub certificate: Option<Vec<u8>>,
}

const COLUMNS: &str =
    "kid, alg, public_jwk, created_at, activates_at, retires_at, expires_at, certificate";

pub async fn find_signing_keys(db: &Db) -> Result<Vec<SigningKeyRow>, sqlx::Error> {
    let sql = format!("SELECT {COLUMNS} FROM signing_keys ORDER BY alg, activates_at, kid");
    on_db!(db, |p| sqlx::query_as(AssertSqlSafe(sql))
        .fetch_all(p)
        .await)
}

pub async fn find_signing_keys_for_alg(
    tx: &mut Tx,
    alg: &str,
) -> Result<Vec<SigningKeyRow>, sqlx::Error> {
    let sql =
        format!("SELECT {COLUMNS} FROM signing_keys WHERE alg = $1 ORDER BY activates_at, kid");
    on_tx!(tx, |c| sqlx::query_as(AssertSqlSafe(sql))
        .bind(alg)
        .fetch_all(c)
        .await)
}

pub async fn insert_signing_key(tx: &mut Tx, row: &SigningKeyRow) -> Result<(), sqlx::Error> {
    let sql =
        format!("INSERT INTO signing_keys ({COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)");
    on_tx!(tx, |c| sqlx::query(AssertSqlSafe(sql))
        .bind(&row.kid)
        .bind(&row.alg)
        .bind(&row.public_jwk)
        .bind(row.created_at)
        .bind(row.activates_at)
        .bind(row.retires_at)
        .bind(row.expires_at)
        .bind(&row.certificate)
        .execute(c)
        .await
        .map(drop))
}

/// Schedules the retirement of the keys of `alg` that have no retirement yet and sign
/// before `retires_at`.
pub async fn update_signing_keys_retire(
    tx: &mut Tx,
    alg: &str,
    retires_at: i64,
    expires_at: i64,
) -> Result<u64, sqlx::Error> {
    on_tx!(tx, |c| sqlx::query(
        "UPDATE signing_keys SET retires_at = $1, expires_at = $2 \
         WHERE alg = $3 AND retires_at IS NULL AND activates_at < $1"
    )
    .bind(retires_at)
    .bind(expires_at)
    .bind(alg)
    .execute(c)
    .await
    .map(|r| r.rows_affected()))
}
