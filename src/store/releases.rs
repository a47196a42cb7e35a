//! `releases`: the data-release ledger, one hash chain per citizen.

use super::{Db, Tx};
use crate::{on_db, on_tx};

#[derive(Clone, Debug, PartialEq, Eq, sqlx::FromRow)]
pub struct ReleaseRow {
    pub id: String,
    pub person_id: String,
    pub seq: i64,
    pub client_id: String,
    pub client_name: String,
    pub purpose: String,
    pub claims: String,
    pub acr: String,
    pub channel: String,
    pub created_at: i64,
    pub prev_hash: String,
    pub hash: String,
}

const COLUMNS: &str = "id, person_id, seq, client_id, client_name, purpose, claims, acr, channel, \
     created_at, prev_hash, hash";

/// The head of a person's chain: its last sequence number and hash.
pub async fn find_chain_head(
    tx: &mut Tx,
    person_id: &str,
) -> Result<Option<(i64, String)>, sqlx::Error> {
    on_tx!(tx, |c| sqlx::query_as(
        "SELECT seq, hash FROM releases WHERE person_id = $1 ORDER BY seq DESC LIMIT 1"
    )
    .bind(person_id)
    .fetch_optional(c)
    .await)
}

pub async fn insert_release(tx: &mut Tx, r: &ReleaseRow) -> Result<(), sqlx::Error> {
    let sql = format!(
        "INSERT INTO releases ({COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)"
    );
    on_tx!(tx, |c| sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(&r.id)
        .bind(&r.person_id)
        .bind(r.seq)
        .bind(&r.client_id)
        .bind(&r.client_name)
        .bind(&r.purpose)
        .bind(&r.claims)
        .bind(&r.acr)
        .bind(&r.channel)
        .bind(r.created_at)
        .bind(&r.prev_hash)
        .bind(&r.hash)
        .execute(c)
        .await
        .map(drop))
}

/// A person's releases, newest first.
pub async fn find_releases_of_person(
    db: &Db,
    person_id: &str,
    limit: i64,
) -> Result<Vec<ReleaseRow>, sqlx::Error> {
    let sql =
        format!("SELECT {COLUMNS} FROM releases WHERE person_id = $1 ORDER BY seq DESC LIMIT $2");
    on_db!(db, |p| sqlx::query_as(sqlx::AssertSqlSafe(sql))
        .bind(person_id)
        .bind(limit)
        .fetch_all(p)
        .await)
}

/// Every release in chain order (person, then sequence), for verification.
pub async fn find_all_releases(db: &Db) -> Result<Vec<ReleaseRow>, sqlx::Error> {
    let sql = format!("SELECT {COLUMNS} FROM releases ORDER BY person_id, seq");
    on_db!(db, |p| sqlx::query_as(sqlx::AssertSqlSafe(sql))
        .fetch_all(p)
        .await)
}
