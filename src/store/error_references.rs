//! `error_references`: each error response, by the reference its page showed
//! (`help::references`). No personal data is ever written here.

use sqlx::AssertSqlSafe;

use super::{Db, Tx};
use crate::{on_db, on_tx};

/// A row of `error_references`: what happened to one request that ended in an error.
#[derive(Clone, Debug, PartialEq, Eq, sqlx::FromRow)]
pub struct ErrorReferenceRow {
    /// The request id (`x-request-id`, a UUID).
    pub request_id: String,
    /// Its first eight hex digits, as the error page shows them.
    pub short_ref: String,
    pub at: i64,
    pub method: String,
    /// The route's template (`/account/releases/{id}`); `None` when no route matched.
    pub route: Option<String>,
    pub status: i64,
    /// The `AppError` variant (`not_found`), `oauth`, or `http` when only the status is known.
    pub kind: String,
    pub oauth_error: Option<String>,
    pub client_id: Option<String>,
}

const COLUMNS: &str =
    "request_id, short_ref, at, method, route, status, kind, oauth_error, client_id";

/// Inserts `rows`; a request id already there is left as it is.
pub async fn insert_error_references(
    tx: &mut Tx,
    rows: &[ErrorReferenceRow],
) -> Result<(), sqlx::Error> {
    // A few hundred rows a statement keeps under every driver's limit on bound values.
    for chunk in rows.chunks(200) {
        let sql = format!(
            "INSERT INTO error_references ({COLUMNS}) VALUES {} \
             ON CONFLICT (request_id) DO NOTHING",
            super::placeholders(chunk.len(), 9, 0)
        );
        on_tx!(tx, |c| {
            let mut q = sqlx::query(AssertSqlSafe(sql));
            for r in chunk {
                q = q
                    .bind(&r.request_id)
                    .bind(&r.short_ref)
                    .bind(r.at)
                    .bind(&r.method)
                    .bind(&r.route)
                    .bind(r.status)
                    .bind(&r.kind)
                    .bind(&r.oauth_error)
                    .bind(&r.client_id);
            }
            q.execute(c).await.map(drop)
        })?;
    }
    Ok(())
}

/// The error of request `request_id`, if recorded.
pub async fn find_error_reference(
    db: &Db,
    request_id: &str,
) -> Result<Option<ErrorReferenceRow>, sqlx::Error> {
    let sql = format!("SELECT {COLUMNS} FROM error_references WHERE request_id = $1");
    on_db!(db, |p| sqlx::query_as(AssertSqlSafe(sql))
        .bind(request_id)
        .fetch_optional(p)
        .await)
}

/// The errors whose reference begins with `short_ref`, newest first, at most `limit`.
pub async fn find_error_references_by_short(
    db: &Db,
    short_ref: &str,
    limit: i64,
) -> Result<Vec<ErrorReferenceRow>, sqlx::Error> {
    let sql = format!(
        "SELECT {COLUMNS} FROM error_references WHERE short_ref = $1 \
         ORDER BY at DESC, request_id LIMIT $2"
    );
    on_db!(db, |p| sqlx::query_as(AssertSqlSafe(sql))
        .bind(short_ref)
        .bind(limit)
        .fetch_all(p)
        .await)
}

/// Deletes errors recorded before `before`.
pub async fn delete_error_references_before(db: &Db, before: i64) -> Result<u64, sqlx::Error> {
    on_db!(db, |p| sqlx::query(
        "DELETE FROM error_references WHERE at < $1"
    )
    .bind(before)
    .execute(p)
    .await
    .map(|r| r.rows_affected()))
}
