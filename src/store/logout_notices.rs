//! `logout_notices`: back-channel logout tokens still to be delivered (OpenID Connect
//! Back-Channel Logout 1.0), one per (client, ended session). Queued in the transaction that
//! ends the session, claimed by the delivery worker (`oidc::backchannel`), deleted once
//! delivered or given up.

use super::{Db, Tx};
use crate::{on_db, on_tx};

/// A notice an instance has claimed: it holds the notice until `leased_until`.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct ClaimedNotice {
    pub client_id: String,
    pub sid: String,
    pub person_id: String,
    pub created_at: i64,
    pub attempts: i64,
    /// The lease's end, as written by the claim: the outcome is written only while it still
    /// holds (another instance may have claimed the notice after it ran out).
    pub next_attempt_at: i64,
}

/// Queues a notice for every client with a `backchannel_logout_uri` that took part in the
/// session `sid` (a grant or an authorization code with that sid), if that session is still
/// live (and, with `person_id`, that person's): a session that already expired, or ended
/// before, is not ended again. Run it in the transaction that deletes the session, before
/// the delete.
pub async fn insert_logout_notices_for_sid(
    tx: &mut Tx,
    sid: &str,
    person_id: Option<&str>,
    now: i64,
) -> Result<u64, sqlx::Error> {
    on_tx!(tx, |c| {
        sqlx::query(
        "INSERT INTO logout_notices (client_id, sid, person_id, created_at, attempts, next_attempt_at) \
         SELECT k.id, t.sid, t.person_id, $3, 0, $3 FROM ( \
             SELECT client_id, sid, person_id FROM grants WHERE sid = $1 \
             UNION SELECT client_id, sid, person_id FROM authorization_codes WHERE sid = $1 \
         ) t JOIN clients k ON k.id = t.client_id \
         WHERE k.backchannel_logout_uri IS NOT NULL \
           AND EXISTS (SELECT 1 FROM sessions s WHERE s.sid = $1 AND s.person_id = t.person_id \
                       AND ($2 IS NULL OR s.person_id = $2) AND s.expires_at > $3) \
         ON CONFLICT (client_id, sid) DO NOTHING"
    )
    .bind(sid)
    .bind(person_id)
    .bind(now)
    .execute(c)
    .await
    .map(|r| r.rows_affected())
    })
}

/// Like [`insert_logout_notices_for_sid`] for every live session of a person ("sign out
/// everywhere", a lock): run it before the sessions are deleted.
pub async fn insert_logout_notices_for_person(
    tx: &mut Tx,
    person_id: &str,
    now: i64,
) -> Result<u64, sqlx::Error> {
    on_tx!(tx, |c| {
        sqlx::query(
        "INSERT INTO logout_notices (client_id, sid, person_id, created_at, attempts, next_attempt_at) \
         SELECT k.id, t.sid, t.person_id, $2, 0, $2 FROM ( \
             SELECT client_id, sid, person_id FROM grants WHERE sid IN \
                 (SELECT sid FROM sessions WHERE person_id = $1 AND expires_at > $2) \
             UNION SELECT client_id, sid, person_id FROM authorization_codes WHERE sid IN \
                 (SELECT sid FROM sessions WHERE person_id = $1 AND expires_at > $2) \
         ) t JOIN clients k ON k.id = t.client_id \
         WHERE k.backchannel_logout_uri IS NOT NULL AND t.person_id = $1 \
         ON CONFLICT (client_id, sid) DO NOTHING"
    )
    .bind(person_id)
    .bind(now)
    .execute(c)
    .await
    .map(|r| r.rows_affected())
    })
}

/// Whether any notice is due: the worker's cheap look before it claims anything (a read,
/// so an idle worker never takes SQLite's write lock).
pub async fn find_any_due(db: &Db, now: i64) -> Result<bool, sqlx::Error> {
    on_db!(db, |p| sqlx::query_scalar::<_, i64>(
        "SELECT next_attempt_at FROM logout_notices WHERE next_attempt_at <= $1 LIMIT 1"
    )
    .bind(now)
    .fetch_optional(p)
    .await
    .map(|r| r.is_some()))
}

/// The clients with notices due, the longest waiting first (at most `limit`).
pub async fn find_due_clients(db: &Db, now: i64, limit: i64) -> Result<Vec<String>, sqlx::Error> {
    on_db!(db, |p| sqlx::query_scalar(
        "SELECT client_id FROM logout_notices WHERE next_attempt_at <= $1 \
         GROUP BY client_id ORDER BY MIN(next_attempt_at) LIMIT $2"
    )
    .bind(now)
    .bind(limit)
    .fetch_all(p)
    .await)
}

/// Claims up to `limit` of the client's due notices until `leased_until`, oldest due first.
/// PostgreSQL: the rows are picked `FOR UPDATE SKIP LOCKED` in a materialised CTE, so two
/// instances claiming at once take different notices, one that another instance claimed a
/// moment ago is no longer due when it is read again under the lock, and the pick runs once
/// (as a subquery of the `UPDATE` it may run again for each row, and every run skips the
/// rows the statement already changed: `LIMIT` would not hold). SQLite has one writer at a
/// time and evaluates the `IN` list once.
pub async fn claim_logout_notices(
    tx: &mut Tx,
    client_id: &str,
    now: i64,
    leased_until: i64,
    limit: i64,
) -> Result<Vec<ClaimedNotice>, sqlx::Error> {
    let sql = match tx {
        Tx::Sqlite(_) => {
            "UPDATE logout_notices SET next_attempt_at = $3 \
             WHERE client_id = $1 AND next_attempt_at <= $2 AND sid IN ( \
                 SELECT sid FROM logout_notices WHERE client_id = $1 AND next_attempt_at <= $2 \
                 ORDER BY next_attempt_at LIMIT $4) \
             RETURNING client_id, sid, person_id, created_at, attempts, next_attempt_at"
        }
        Tx::Postgres(_) => {
            "WITH picked AS MATERIALIZED ( \
                 SELECT client_id, sid FROM logout_notices WHERE client_id = $1 AND next_attempt_at <= $2 \
                 ORDER BY next_attempt_at LIMIT $4 FOR UPDATE SKIP LOCKED) \
             UPDATE logout_notices n SET next_attempt_at = $3 FROM picked \
             WHERE n.client_id = picked.client_id AND n.sid = picked.sid \
             RETURNING n.client_id, n.sid, n.person_id, n.created_at, n.attempts, n.next_attempt_at"
        }
    };
    on_tx!(tx, |c| sqlx::query_as(sql)
        .bind(client_id)
        .bind(now)
        .bind(leased_until)
        .bind(limit)
        .fetch_all(c)
        .await)
}

/// Removes a notice: delivered, given up, or its client no longer takes them.
pub async fn delete_logout_notice(
    tx: &mut Tx,
    client_id: &str,
    sid: &str,
) -> Result<u64, sqlx::Error> {
    on_tx!(tx, |c| sqlx::query(
        "DELETE FROM logout_notices WHERE client_id = $1 AND sid = $2"
    )
    .bind(client_id)
    .bind(sid)
    .execute(c)
    .await
    .map(|r| r.rows_affected()))
}

/// A failed attempt: counted, with its cause and the next attempt's time, while this
/// instance's lease (`leased_until`) still holds.
pub async fn update_logout_notice_failed(
    tx: &mut Tx,
    notice: &ClaimedNotice,
    next_attempt_at: i64,
    last_error: &str,
) -> Result<u64, sqlx::Error> {
    on_tx!(tx, |c| sqlx::query(
        "UPDATE logout_notices SET attempts = attempts + 1, next_attempt_at = $4, last_error = $5 \
         WHERE client_id = $1 AND sid = $2 AND next_attempt_at = $3"
    )
    .bind(&notice.client_id)
    .bind(&notice.sid)
    .bind(notice.next_attempt_at)
    .bind(next_attempt_at)
    .bind(last_error)
    .execute(c)
    .await
    .map(|r| r.rows_affected()))
}

/// Clients with more than `max` notices waiting, and how many each has.
pub async fn find_clients_over(db: &Db, max: i64) -> Result<Vec<(String, i64)>, sqlx::Error> {
    on_db!(db, |p| sqlx::query_as(
        "SELECT client_id, COUNT(*) FROM logout_notices GROUP BY client_id HAVING COUNT(*) > $1"
    )
    .bind(max)
    .fetch_all(p)
    .await)
}

/// Removes the client's `n` oldest notices (given up: more than the bound were waiting).
pub async fn delete_oldest_logout_notices(
    tx: &mut Tx,
    client_id: &str,
    n: i64,
) -> Result<u64, sqlx::Error> {
    on_tx!(tx, |c| sqlx::query(
        "DELETE FROM logout_notices WHERE client_id = $1 AND sid IN ( \
             SELECT sid FROM logout_notices WHERE client_id = $1 \
             ORDER BY created_at, sid LIMIT $2)"
    )
    .bind(client_id)
    .bind(n)
    .execute(c)
    .await
    .map(|r| r.rows_affected()))
}

/// The notices waiting for a client, oldest first: (sid, attempts, last error). The tests
/// look at the queue with it.
pub async fn find_logout_notices_of_client(
    db: &Db,
    client_id: &str,
) -> Result<Vec<(String, i64, Option<String>)>, sqlx::Error> {
    on_db!(db, |p| sqlx::query_as(
        "SELECT sid, attempts, last_error FROM logout_notices WHERE client_id = $1 \
         ORDER BY created_at, sid"
    )
    .bind(client_id)
    .fetch_all(p)
    .await)
}
