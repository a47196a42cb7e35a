//! `client_failures` (each registered client's failed requests, 24 hours) and
//! `client_daily_failures` (their count per client and UTC day, 31 days).

use sqlx::AssertSqlSafe;

use super::{Db, Tx};
use crate::{on_db, on_tx};

/// A row of `client_failures`: one failed request, in our own words.
#[derive(Clone, Debug, PartialEq, Eq, sqlx::FromRow)]
pub struct ClientFailureRow {
    pub id: String,
    pub client_id: String,
    pub at: i64,
    /// `authorize` or `token`.
    pub endpoint: String,
    /// The OAuth error code.
    pub error: String,
    /// What went wrong, a stable key (`oidc::client_failures::FailureKind`).
    pub kind: String,
    /// The description the client was given (capped).
    pub rule: String,
}

const COLUMNS: &str = "id, client_id, at, endpoint, error, kind, rule";

pub async fn insert_client_failure(tx: &mut Tx, row: &ClientFailureRow) -> Result<(), sqlx::Error> {
    let sql =
        format!("INSERT INTO client_failures ({COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7)");
    on_tx!(tx, |c| sqlx::query(AssertSqlSafe(sql))
        .bind(&row.id)
        .bind(&row.client_id)
        .bind(row.at)
        .bind(&row.endpoint)
        .bind(&row.error)
        .bind(&row.kind)
        .bind(&row.rule)
        .execute(c)
        .await
        .map(drop))
}

/// Keeps the client's newest `keep` failures.
pub async fn delete_client_failures_beyond(
    tx: &mut Tx,
    client_id: &str,
    keep: i64,
) -> Result<u64, sqlx::Error> {
    on_tx!(tx, |c| sqlx::query(
        "DELETE FROM client_failures WHERE client_id = $1 AND id NOT IN \
         (SELECT id FROM client_failures WHERE client_id = $1 ORDER BY at DESC, id DESC LIMIT $2)"
    )
    .bind(client_id)
    .bind(keep)
    .execute(c)
    .await
    .map(|r| r.rows_affected()))
}

/// Adds failures to the daily counts: (client_id, day, failures) each.
pub async fn upsert_daily_failures(
    tx: &mut Tx,
    counts: &[(String, i64, i64)],
) -> Result<(), sqlx::Error> {
    // A few hundred rows a statement keeps under every driver's limit on bound values.
    for chunk in counts.chunks(500) {
        let sql = format!(
            "INSERT INTO client_daily_failures (client_id, day, failures) VALUES {} \
             ON CONFLICT (client_id, day) DO UPDATE \
             SET failures = client_daily_failures.failures + excluded.failures",
            super::placeholders(chunk.len(), 3, 0)
        );
        on_tx!(tx, |c| {
            let mut q = sqlx::query(AssertSqlSafe(sql));
            for (client_id, day, failures) in chunk {
                q = q.bind(client_id).bind(*day).bind(*failures);
            }
            q.execute(c).await.map(drop)
        })?;
    }
    Ok(())
}

/// The client's failures since `since`, newest first, at most `limit`.
pub async fn find_client_failures(
    db: &Db,
    client_id: &str,
    since: i64,
    limit: i64,
) -> Result<Vec<ClientFailureRow>, sqlx::Error> {
    let sql = format!(
        "SELECT {COLUMNS} FROM client_failures WHERE client_id = $1 AND at >= $2 \
         ORDER BY at DESC, id DESC LIMIT $3"
    );
    on_db!(db, |p| sqlx::query_as(AssertSqlSafe(sql))
        .bind(client_id)
        .bind(since)
        .bind(limit)
        .fetch_all(p)
        .await)
}

/// The client's failures per UTC day from `since` (a day's start): (day, failures).
pub async fn find_daily_failures(
    db: &Db,
    client_id: &str,
    since: i64,
) -> Result<Vec<(i64, i64)>, sqlx::Error> {
    on_db!(db, |p| sqlx::query_as(
        "SELECT day, failures FROM client_daily_failures WHERE client_id = $1 AND day >= $2 \
         ORDER BY day"
    )
    .bind(client_id)
    .bind(since)
    .fetch_all(p)
    .await)
}

/// Deletes failures recorded before `before`.
pub async fn delete_client_failures_before(db: &Db, before: i64) -> Result<u64, sqlx::Error> {
    on_db!(db, |p| sqlx::query(
        "DELETE FROM client_failures WHERE at < $1"
    )
    .bind(before)
    .execute(p)
    .await
    .map(|r| r.rows_affected()))
}

/// Deletes the daily counts of days that began before `before`.
pub async fn delete_daily_failures_before(db: &Db, before: i64) -> Result<u64, sqlx::Error> {
    on_db!(db, |p| sqlx::query(
        "DELETE FROM client_daily_failures WHERE day < $1"
    )
    .bind(before)
    .execute(p)
    .await
    .map(|r| r.rows_affected()))
}
