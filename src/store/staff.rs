//! `staff`, `staff_passkeys`, `staff_requests` and `staff_log`: the helpdesk's principals,
//! their credentials, four-eyes requests and the log of every staff action.

use super::{Db, Tx};
use crate::{on_db, on_tx};

/// A row of `staff`. The name is for staff pages only; citizens see the pseudonym.
#[derive(Clone, Debug, PartialEq, Eq, sqlx::FromRow)]
pub struct StaffRow {
    pub id: String,
    pub name: String,
    pub pseudonym: String,
    pub role: String,
    pub status: String,
    pub status_reason: Option<String>,
    pub created_at: i64,
    pub enrol_expires_at: Option<i64>,
}

const STAFF_COLUMNS: &str =
    "id, name, pseudonym, role, status, status_reason, created_at, enrol_expires_at";

/// Adds a staff member waiting to enrol a passkey with the one-time link whose hash is given.
pub async fn insert_staff(
    tx: &mut Tx,
    row: &StaffRow,
    enrol_token_hash: &str,
) -> Result<(), sqlx::Error> {
    on_tx!(tx, |p| {
        sqlx::query(
        "INSERT INTO staff (id, name, pseudonym, role, status, created_at, enrol_token_hash, enrol_expires_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)"
    )
    .bind(&row.id)
    .bind(&row.name)
    .bind(&row.pseudonym)
    .bind(&row.role)
    .bind(&row.status)
    .bind(row.created_at)
    .bind(enrol_token_hash)
    .bind(row.enrol_expires_at)
    .execute(p)
    .await
    .map(drop)
    })
}

pub async fn find_staff(db: &Db, id: &str) -> Result<Option<StaffRow>, sqlx::Error> {
    let sql = format!("SELECT {STAFF_COLUMNS} FROM staff WHERE id = $1");
    on_db!(db, |p| sqlx::query_as(sqlx::AssertSqlSafe(sql.clone()))
        .bind(id)
        .fetch_optional(p)
        .await)
}

/// The staff member an unexpired, unused enrolment link belongs to.
pub async fn find_staff_by_enrolment(
    db: &Db,
    token_hash: &str,
    now: i64,
) -> Result<Option<StaffRow>, sqlx::Error> {
    let sql = format!(
        "SELECT {STAFF_COLUMNS} FROM staff WHERE enrol_token_hash = $1 AND enrol_expires_at > $2 \
         AND status = 'enrolling'"
    );
    on_db!(db, |p| sqlx::query_as(sqlx::AssertSqlSafe(sql.clone()))
        .bind(token_hash)
        .bind(now)
        .fetch_optional(p)
        .await)
}

pub async fn find_all_staff(db: &Db) -> Result<Vec<StaffRow>, sqlx::Error> {
    let sql = format!("SELECT {STAFF_COLUMNS} FROM staff ORDER BY created_at, id");
    on_db!(db, |p| sqlx::query_as(sqlx::AssertSqlSafe(sql.clone()))
        .fetch_all(p)
        .await)
}

/// Spends an enrolment link and makes the member active, once and before the link expires;
/// false otherwise.
pub async fn update_staff_enrolled(
    tx: &mut Tx,
    id: &str,
    token_hash: &str,
    now: i64,
) -> Result<bool, sqlx::Error> {
    on_tx!(tx, |c| sqlx::query(
        "UPDATE staff SET status = 'active', enrol_token_hash = NULL, enrol_expires_at = NULL \
         WHERE id = $1 AND enrol_token_hash = $2 AND status = 'enrolling' AND enrol_expires_at > $3"
    )
    .bind(id)
    .bind(token_hash)
    .bind(now)
    .execute(c)
    .await
    .map(|r| r.rows_affected() == 1))
}

/// Replaces a member's enrolment link (while they are still enrolling); false otherwise.
pub async fn update_staff_enrolment(
    tx: &mut Tx,
    id: &str,
    token_hash: &str,
    expires_at: i64,
) -> Result<bool, sqlx::Error> {
    on_tx!(tx, |c| sqlx::query(
        "UPDATE staff SET enrol_token_hash = $2, enrol_expires_at = $3 \
         WHERE id = $1 AND status = 'enrolling'"
    )
    .bind(id)
    .bind(token_hash)
    .bind(expires_at)
    .execute(c)
    .await
    .map(|r| r.rows_affected() == 1))
}

/// Sets a member's status (`active`, `disabled`, `locked`) with a reason.
pub async fn update_staff_status(
    tx: &mut Tx,
    id: &str,
    status: &str,
    reason: Option<&str>,
) -> Result<bool, sqlx::Error> {
    on_tx!(tx, |c| sqlx::query(
        "UPDATE staff SET status = $2, status_reason = $3 WHERE id = $1"
    )
    .bind(id)
    .bind(status)
    .bind(reason)
    .execute(c)
    .await
    .map(|r| r.rows_affected() == 1))
}

/// A staff passkey (webauthn-rs `Passkey` as JSON).
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct StaffPasskeyRow {
    pub credential_id: String,
    pub staff_id: String,
    pub passkey: String,
}

pub async fn insert_staff_passkey(
    tx: &mut Tx,
    row: &StaffPasskeyRow,
    now: i64,
) -> Result<(), sqlx::Error> {
    on_tx!(tx, |c| {
        sqlx::query(
        "INSERT INTO staff_passkeys (credential_id, staff_id, passkey, created_at) VALUES ($1, $2, $3, $4)"
    )
    .bind(&row.credential_id)
    .bind(&row.staff_id)
    .bind(&row.passkey)
    .bind(now)
    .execute(c)
    .await
    .map(drop)
    })
}

pub async fn find_staff_passkey(
    db: &Db,
    credential_id: &str,
) -> Result<Option<StaffPasskeyRow>, sqlx::Error> {
    on_db!(db, |p| sqlx::query_as(
        "SELECT credential_id, staff_id, passkey FROM staff_passkeys WHERE credential_id = $1"
    )
    .bind(credential_id)
    .fetch_optional(p)
    .await)
}

/// Stores a passkey's new state (its counter) after a sign-in.
pub async fn update_staff_passkey_used(
    db: &Db,
    credential_id: &str,
    passkey: &str,
    now: i64,
) -> Result<(), sqlx::Error> {
    on_db!(db, |p| sqlx::query(
        "UPDATE staff_passkeys SET passkey = $2, last_used_at = $3 WHERE credential_id = $1"
    )
    .bind(credential_id)
    .bind(passkey)
    .bind(now)
    .execute(p)
    .await
    .map(drop))
}

/// A four-eyes request.
#[derive(Clone, Debug, PartialEq, Eq, sqlx::FromRow)]
pub struct StaffRequestRow {
    pub id: String,
    pub action: String,
    pub subject: String,
    pub reason: String,
    pub requested_by: String,
    pub requested_at: i64,
    pub expires_at: i64,
    pub decided_by: Option<String>,
    pub decided_at: Option<i64>,
    pub decision: Option<String>,
}

const REQUEST_COLUMNS: &str = "id, action, subject, reason, requested_by, requested_at, \
     expires_at, decided_by, decided_at, decision";

pub async fn insert_staff_request(tx: &mut Tx, r: &StaffRequestRow) -> Result<(), sqlx::Error> {
    on_tx!(tx, |c| {
        sqlx::query(
        "INSERT INTO staff_requests (id, action, subject, reason, requested_by, requested_at, expires_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7)"
    )
    .bind(&r.id)
    .bind(&r.action)
    .bind(&r.subject)
    .bind(&r.reason)
    .bind(&r.requested_by)
    .bind(r.requested_at)
    .bind(r.expires_at)
    .execute(c)
    .await
    .map(drop)
    })
}

pub async fn find_staff_request(db: &Db, id: &str) -> Result<Option<StaffRequestRow>, sqlx::Error> {
    let sql = format!("SELECT {REQUEST_COLUMNS} FROM staff_requests WHERE id = $1");
    on_db!(db, |p| sqlx::query_as(sqlx::AssertSqlSafe(sql.clone()))
        .bind(id)
        .fetch_optional(p)
        .await)
}

/// Requests still waiting for a decision and not expired, oldest first.
pub async fn find_open_staff_requests(
    db: &Db,
    now: i64,
) -> Result<Vec<StaffRequestRow>, sqlx::Error> {
    let sql = format!(
        "SELECT {REQUEST_COLUMNS} FROM staff_requests WHERE decided_at IS NULL AND expires_at > $1 \
         ORDER BY requested_at, id"
    );
    on_db!(db, |p| sqlx::query_as(sqlx::AssertSqlSafe(sql.clone()))
        .bind(now)
        .fetch_all(p)
        .await)
}

/// Decides an open request, once, and never by its requester; false otherwise.
pub async fn update_staff_request_decided(
    tx: &mut Tx,
    id: &str,
    decided_by: &str,
    decision: &str,
    now: i64,
) -> Result<bool, sqlx::Error> {
    on_tx!(tx, |c| sqlx::query(
        "UPDATE staff_requests SET decided_by = $2, decision = $3, decided_at = $4 \
         WHERE id = $1 AND decided_at IS NULL AND expires_at > $4 AND requested_by <> $2"
    )
    .bind(id)
    .bind(decided_by)
    .bind(decision)
    .bind(now)
    .execute(c)
    .await
    .map(|r| r.rows_affected() == 1))
}

/// A record of the staff log.
#[derive(Clone, Debug, PartialEq, Eq, sqlx::FromRow)]
pub struct StaffLogRow {
    pub seq: i64,
    pub staff_id: String,
    pub action: String,
    pub subject: String,
    pub reason: String,
    pub created_at: i64,
    pub prev_hash: String,
    pub hash: String,
}

const LOG_COLUMNS: &str = "seq, staff_id, action, subject, reason, created_at, prev_hash, hash";

/// The newest record, read under the caller's write transaction (appends are serialised by
/// the primary key: a concurrent append with the same `seq` fails and rolls back).
pub async fn find_staff_log_head(tx: &mut Tx) -> Result<Option<StaffLogRow>, sqlx::Error> {
    let sql = format!("SELECT {LOG_COLUMNS} FROM staff_log ORDER BY seq DESC LIMIT 1");
    on_tx!(tx, |c| sqlx::query_as(sqlx::AssertSqlSafe(sql.clone()))
        .fetch_optional(c)
        .await)
}

pub async fn insert_staff_log(tx: &mut Tx, r: &StaffLogRow) -> Result<(), sqlx::Error> {
    on_tx!(tx, |c| {
        sqlx::query(
        "INSERT INTO staff_log (seq, staff_id, action, subject, reason, created_at, prev_hash, hash) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)"
    )
    .bind(r.seq)
    .bind(&r.staff_id)
    .bind(&r.action)
    .bind(&r.subject)
    .bind(&r.reason)
    .bind(r.created_at)
    .bind(&r.prev_hash)
    .bind(&r.hash)
    .execute(c)
    .await
    .map(drop)
    })
}

/// Records from `after_seq` on, in order, at most `limit` (for verification, page by page).
pub async fn find_staff_log_page(
    db: &Db,
    after_seq: i64,
    limit: i64,
) -> Result<Vec<StaffLogRow>, sqlx::Error> {
    let sql = format!("SELECT {LOG_COLUMNS} FROM staff_log WHERE seq > $1 ORDER BY seq LIMIT $2");
    on_db!(db, |p| sqlx::query_as(sqlx::AssertSqlSafe(sql.clone()))
        .bind(after_seq)
        .bind(limit)
        .fetch_all(p)
        .await)
}

/// Which records the staff log pages show: one member, one action, a time range.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct StaffLogFilter {
    /// A staff id, or '' for all.
    pub staff_id: String,
    /// An action, or '' for all.
    pub action: String,
    /// From this time (inclusive).
    pub from: i64,
    /// Until this time (exclusive).
    pub until: i64,
}

/// Records matching `filter` with `seq` below `before_seq`, newest first, at most `limit`.
pub async fn find_staff_log_filtered(
    db: &Db,
    filter: &StaffLogFilter,
    before_seq: i64,
    limit: i64,
) -> Result<Vec<StaffLogRow>, sqlx::Error> {
    let sql = format!(
        "SELECT {LOG_COLUMNS} FROM staff_log WHERE seq < $1 AND ($2 = '' OR staff_id = $2) \
         AND ($3 = '' OR action = $3) AND created_at >= $4 AND created_at < $5 \
         ORDER BY seq DESC LIMIT $6"
    );
    on_db!(db, |p| sqlx::query_as(sqlx::AssertSqlSafe(sql.clone()))
        .bind(before_seq)
        .bind(&filter.staff_id)
        .bind(&filter.action)
        .bind(filter.from)
        .bind(filter.until)
        .bind(limit)
        .fetch_all(p)
        .await)
}

/// Every action name the staff log holds, for the log page's filter.
pub async fn find_staff_log_actions(db: &Db) -> Result<Vec<String>, sqlx::Error> {
    on_db!(db, |p| sqlx::query_scalar(
        "SELECT DISTINCT action FROM staff_log ORDER BY action"
    )
    .fetch_all(p)
    .await)
}

/// Whether any member did `action` on `subject` since `since`.
pub async fn exists_staff_action_on(
    db: &Db,
    subject: &str,
    action: &str,
    since: i64,
) -> Result<bool, sqlx::Error> {
    on_db!(db, |p| sqlx::query_scalar::<_, i64>(
        "SELECT COUNT(*) FROM staff_log WHERE subject = $1 AND action = $2 AND created_at >= $3"
    )
    .bind(subject)
    .bind(action)
    .bind(since)
    .fetch_one(p)
    .await
    .map(|n| n > 0))
}

/// How many times one member did `action` since `since` (the insider guard's count).
pub async fn count_staff_actions_since(
    db: &Db,
    staff_id: &str,
    action: &str,
    since: i64,
) -> Result<i64, sqlx::Error> {
    on_db!(db, |p| sqlx::query_scalar(
        "SELECT COUNT(*) FROM staff_log WHERE staff_id = $1 AND action = $2 AND created_at >= $3"
    )
    .bind(staff_id)
    .bind(action)
    .bind(since)
    .fetch_one(p)
    .await)
}
