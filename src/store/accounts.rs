//! `accounts`, `activation_codes`, `passkeys`, `throttles`, `security_events`.

use super::{Db, Tx};
use crate::{on_db, on_tx};

#[derive(Clone, Debug, sqlx::FromRow)]
pub struct AccountRow {
    pub id: String,
    pub person_id: String,
    pub status: String,
    pub locked_until: Option<i64>,
    pub lock_reason: Option<String>,
    pub activated_at: i64,
}

const ACCOUNT_COLUMNS: &str = "id, person_id, status, locked_until, lock_reason, activated_at";

pub async fn find_account(db: &Db, id: &str) -> Result<Option<AccountRow>, sqlx::Error> {
    let sql = format!("SELECT {ACCOUNT_COLUMNS} FROM accounts WHERE id = $1");
    on_db!(db, |p| sqlx::query_as(sqlx::AssertSqlSafe(sql))
        .bind(id)
        .fetch_optional(p)
        .await)
}

pub async fn find_account_by_person(
    db: &Db,
    person_id: &str,
) -> Result<Option<AccountRow>, sqlx::Error> {
    let sql = format!("SELECT {ACCOUNT_COLUMNS} FROM accounts WHERE person_id = $1");
    on_db!(db, |p| sqlx::query_as(sqlx::AssertSqlSafe(sql))
        .bind(person_id)
        .fetch_optional(p)
        .await)
}

pub async fn insert_account(
    tx: &mut Tx,
    id: &str,
    person_id: &str,
    now: i64,
) -> Result<(), sqlx::Error> {
    on_tx!(tx, |c| sqlx::query(
        "INSERT INTO accounts (id, person_id, status, activated_at) VALUES ($1, $2, 'active', $3)"
    )
    .bind(id)
    .bind(person_id)
    .bind(now)
    .execute(c)
    .await
    .map(drop))
}

/// Sets or lifts a temporary lock (`None` lifts it).
pub async fn update_account_lock(
    tx: &mut Tx,
    id: &str,
    locked_until: Option<i64>,
    reason: Option<&str>,
) -> Result<(), sqlx::Error> {
    on_tx!(tx, |p| sqlx::query(
        "UPDATE accounts SET locked_until = $1, lock_reason = $2 WHERE id = $3"
    )
    .bind(locked_until)
    .bind(reason)
    .bind(id)
    .execute(p)
    .await
    .map(drop))
}

pub async fn insert_activation_code(
    tx: &mut Tx,
    code_hash: &str,
    person_id: &str,
    now: i64,
    expires_at: i64,
) -> Result<(), sqlx::Error> {
    on_tx!(tx, |p| {
        sqlx::query(
        "INSERT INTO activation_codes (code_hash, person_id, created_at, expires_at) VALUES ($1, $2, $3, $4)"
    )
    .bind(code_hash)
    .bind(person_id)
    .bind(now)
    .bind(expires_at)
    .execute(p)
    .await
    .map(drop)
    })
}

/// Whether an unused, unexpired activation code of `person_id` has this hash.
pub async fn find_activation_code_valid(
    db: &Db,
    code_hash: &str,
    person_id: &str,
    now: i64,
) -> Result<bool, sqlx::Error> {
    on_db!(db, |p| sqlx::query_scalar::<_, i64>(
        "SELECT COUNT(*) FROM activation_codes \
         WHERE code_hash = $1 AND person_id = $2 AND used_at IS NULL AND expires_at > $3"
    )
    .bind(code_hash)
    .bind(person_id)
    .bind(now)
    .fetch_one(p)
    .await
    .map(|n| n > 0))
}

/// Spends an activation code of `person_id`, once; false if it is not theirs, used or expired.
pub async fn update_activation_code_used(
    tx: &mut Tx,
    code_hash: &str,
    person_id: &str,
    now: i64,
) -> Result<bool, sqlx::Error> {
    on_tx!(tx, |p| sqlx::query(
        "UPDATE activation_codes SET used_at = $1 \
         WHERE code_hash = $2 AND person_id = $3 AND used_at IS NULL AND expires_at > $1"
    )
    .bind(now)
    .bind(code_hash)
    .bind(person_id)
    .execute(p)
    .await
    .map(|r| r.rows_affected() == 1))
}

#[derive(Clone, Debug, sqlx::FromRow)]
pub struct PasskeyRow {
    pub credential_id: String,
    pub account_id: String,
    pub name: String,
    pub passkey: String,
    pub sign_count: i64,
    pub backup_eligible: i64,
    pub backup_state: i64,
    pub created_at: i64,
    pub last_used_at: Option<i64>,
    /// `passkey`, or `attested` (device-bound, from an allow-listed authenticator).
    pub kind: String,
    pub aaguid: Option<String>,
}

const PASSKEY_COLUMNS: &str = "credential_id, account_id, name, passkey, sign_count, \
     backup_eligible, backup_state, created_at, last_used_at, kind, aaguid";

/// Inserts a passkey; false if the credential id is already registered (to anyone).
pub async fn insert_passkey(tx: &mut Tx, row: &PasskeyRow) -> Result<bool, sqlx::Error> {
    let sql = format!(
        "INSERT INTO passkeys ({PASSKEY_COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) \
         ON CONFLICT (credential_id) DO NOTHING"
    );
    on_tx!(tx, |c| sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(&row.credential_id)
        .bind(&row.account_id)
        .bind(&row.name)
        .bind(&row.passkey)
        .bind(row.sign_count)
        .bind(row.backup_eligible)
        .bind(row.backup_state)
        .bind(row.created_at)
        .bind(row.last_used_at)
        .bind(&row.kind)
        .bind(&row.aaguid)
        .execute(c)
        .await
        .map(|r| r.rows_affected() == 1))
}

pub async fn find_passkey(db: &Db, credential_id: &str) -> Result<Option<PasskeyRow>, sqlx::Error> {
    let sql = format!("SELECT {PASSKEY_COLUMNS} FROM passkeys WHERE credential_id = $1");
    on_db!(db, |p| sqlx::query_as(sqlx::AssertSqlSafe(sql))
        .bind(credential_id)
        .fetch_optional(p)
        .await)
}

pub async fn find_passkeys_of_account(
    db: &Db,
    account_id: &str,
) -> Result<Vec<PasskeyRow>, sqlx::Error> {
    let sql =
        format!("SELECT {PASSKEY_COLUMNS} FROM passkeys WHERE account_id = $1 ORDER BY created_at");
    on_db!(db, |p| sqlx::query_as(sqlx::AssertSqlSafe(sql))
        .bind(account_id)
        .fetch_all(p)
        .await)
}

/// Stores a passkey's new state after a sign-in (counter, backup state).
pub async fn update_passkey_used(
    tx: &mut Tx,
    credential_id: &str,
    passkey: &str,
    sign_count: i64,
    backup_state: i64,
    now: i64,
) -> Result<(), sqlx::Error> {
    on_tx!(tx, |p| sqlx::query(
        "UPDATE passkeys SET passkey = $1, sign_count = $2, backup_state = $3, last_used_at = $4 \
         WHERE credential_id = $5"
    )
    .bind(passkey)
    .bind(sign_count)
    .bind(backup_state)
    .bind(now)
    .bind(credential_id)
    .execute(p)
    .await
    .map(drop))
}

#[derive(Clone, Debug, sqlx::FromRow)]
pub struct ThrottleRow {
    pub failures: i64,
    pub locked_until: Option<i64>,
    pub updated_at: i64,
}

pub async fn find_throttle(db: &Db, key: &str) -> Result<Option<ThrottleRow>, sqlx::Error> {
    on_db!(db, |p| sqlx::query_as(
        "SELECT failures, locked_until, updated_at FROM throttles WHERE key = $1"
    )
    .bind(key)
    .fetch_optional(p)
    .await)
}

/// Counts one failure for `key` in a single statement and returns the count: the count
/// restarts when the last failure is older than `window` seconds.
pub async fn upsert_throttle_failure(
    db: &Db,
    key: &str,
    now: i64,
    window: i64,
) -> Result<i64, sqlx::Error> {
    on_db!(db, |p| sqlx::query_scalar(
        "INSERT INTO throttles (key, failures, locked_until, updated_at) VALUES ($1, 1, NULL, $2) \
         ON CONFLICT (key) DO UPDATE SET \
         failures = CASE WHEN throttles.updated_at < $3 THEN 1 ELSE throttles.failures + 1 END, \
         updated_at = excluded.updated_at \
         RETURNING failures"
    )
    .bind(key)
    .bind(now)
    .bind(now - window)
    .fetch_one(p)
    .await)
}

pub async fn update_throttle_lock(
    db: &Db,
    key: &str,
    locked_until: i64,
) -> Result<(), sqlx::Error> {
    on_db!(db, |p| sqlx::query(
        "UPDATE throttles SET locked_until = $1 WHERE key = $2"
    )
    .bind(locked_until)
    .bind(key)
    .execute(p)
    .await
    .map(drop))
}

pub async fn delete_throttle(db: &Db, key: &str) -> Result<(), sqlx::Error> {
    on_db!(db, |p| sqlx::query("DELETE FROM throttles WHERE key = $1")
        .bind(key)
        .execute(p)
        .await
        .map(drop))
}

/// [`delete_throttle`] in a transaction (the writer's).
pub async fn delete_throttle_in(tx: &mut Tx, key: &str) -> Result<(), sqlx::Error> {
    on_tx!(tx, |c| sqlx::query("DELETE FROM throttles WHERE key = $1")
        .bind(key)
        .execute(c)
        .await
        .map(drop))
}

pub async fn insert_security_event(
    tx: &mut Tx,
    person_id: &str,
    kind: &str,
    detail: &str,
    now: i64,
) -> Result<(), sqlx::Error> {
    on_tx!(tx, |c| {
        sqlx::query(
        "INSERT INTO security_events (id, person_id, kind, detail, created_at) VALUES ($1, $2, $3, $4, $5)"
    )
    .bind(uuid::Uuid::new_v4().to_string())
    .bind(person_id)
    .bind(kind)
    .bind(detail)
    .bind(now)
    .execute(c)
    .await
    .map(drop)
    })
}

#[derive(Clone, Debug, sqlx::FromRow)]
pub struct SecurityEventRow {
    pub id: String,
    pub kind: String,
    pub detail: String,
    pub created_at: i64,
}

pub async fn find_security_events(
    db: &Db,
    person_id: &str,
) -> Result<Vec<SecurityEventRow>, sqlx::Error> {
    on_db!(db, |p| sqlx::query_as(
        "SELECT id, kind, detail, created_at FROM security_events WHERE person_id = $1 \
         ORDER BY created_at DESC, id"
    )
    .bind(person_id)
    .fetch_all(p)
    .await)
}

#[derive(Clone, Debug, sqlx::FromRow)]
pub struct OtpRow {
    pub id: String,
    pub account_id: String,
    pub code_hash: String,
    pub attempts: i64,
    pub expires_at: i64,
    pub used_at: Option<i64>,
}

pub async fn insert_otp(
    db: &Db,
    id: &str,
    account_id: &str,
    code_hash: &str,
    now: i64,
    expires_at: i64,
) -> Result<(), sqlx::Error> {
    on_db!(db, |p| sqlx::query(
        "INSERT INTO otp_challenges (id, account_id, code_hash, attempts, created_at, expires_at) \
         VALUES ($1, $2, $3, 0, $4, $5)"
    )
    .bind(id)
    .bind(account_id)
    .bind(code_hash)
    .bind(now)
    .bind(expires_at)
    .execute(p)
    .await
    .map(drop))
}

/// How many codes an account was sent since `since`.
pub async fn count_otps_since(db: &Db, account_id: &str, since: i64) -> Result<i64, sqlx::Error> {
    on_db!(db, |p| sqlx::query_scalar(
        "SELECT COUNT(*) FROM otp_challenges WHERE account_id = $1 AND created_at >= $2"
    )
    .bind(account_id)
    .bind(since)
    .fetch_one(p)
    .await)
}

pub async fn find_otp(db: &Db, id: &str) -> Result<Option<OtpRow>, sqlx::Error> {
    on_db!(db, |p| {
        sqlx::query_as(
        "SELECT id, account_id, code_hash, attempts, expires_at, used_at FROM otp_challenges WHERE id = $1"
    )
    .bind(id)
    .fetch_optional(p)
    .await
    })
}

/// Counts one attempt at a code; returns the attempts made so far (this one included).
pub async fn update_otp_attempt(db: &Db, id: &str) -> Result<i64, sqlx::Error> {
    on_db!(db, |p| sqlx::query_scalar(
        "UPDATE otp_challenges SET attempts = attempts + 1 WHERE id = $1 RETURNING attempts"
    )
    .bind(id)
    .fetch_one(p)
    .await)
}

/// Marks a code used, once; false if it already was.
pub async fn update_otp_used(db: &Db, id: &str, now: i64) -> Result<bool, sqlx::Error> {
    on_db!(db, |p| sqlx::query(
        "UPDATE otp_challenges SET used_at = $1 WHERE id = $2 AND used_at IS NULL"
    )
    .bind(now)
    .bind(id)
    .execute(p)
    .await
    .map(|r| r.rows_affected() == 1))
}

/// Replaces an account's recovery codes with a new set of (lookup, argon2id hash) pairs.
pub async fn replace_recovery_codes(
    db: &Db,
    account_id: &str,
    codes: &[(String, String)],
    now: i64,
) -> Result<(), sqlx::Error> {
    crate::transaction!(db, sqlx::Error, |tx| {
        on_tx!(tx, |c| sqlx::query(
            "DELETE FROM recovery_codes WHERE account_id = $1"
        )
        .bind(account_id)
        .execute(&mut *c)
        .await
        .map(drop))?;
        for (lookup, hash) in codes {
            on_tx!(tx, |c| {
                sqlx::query(
                "INSERT INTO recovery_codes (id, account_id, code_hash, created_at, lookup) VALUES ($1, $2, $3, $4, $5)"
            )
            .bind(uuid::Uuid::new_v4().to_string())
            .bind(account_id)
            .bind(hash)
            .bind(now)
            .bind(lookup)
            .execute(c)
            .await
            .map(drop)
            })?;
        }
        Ok(())
    })
}

#[derive(Clone, Debug, sqlx::FromRow)]
pub struct RecoveryCodeRow {
    pub id: String,
    pub code_hash: String,
}

/// The unused recovery code of an account with this public lookup part, if any.
pub async fn find_unused_recovery_code(
    db: &Db,
    account_id: &str,
    lookup: &str,
) -> Result<Option<RecoveryCodeRow>, sqlx::Error> {
    on_db!(db, |p| sqlx::query_as(
        "SELECT id, code_hash FROM recovery_codes \
         WHERE account_id = $1 AND lookup = $2 AND used_at IS NULL"
    )
    .bind(account_id)
    .bind(lookup)
    .fetch_optional(p)
    .await)
}

/// Unused codes made before codes had a lookup part (checked one by one until renewed).
pub async fn find_unused_legacy_recovery_codes(
    db: &Db,
    account_id: &str,
) -> Result<Vec<RecoveryCodeRow>, sqlx::Error> {
    on_db!(db, |p| sqlx::query_as(
        "SELECT id, code_hash FROM recovery_codes \
         WHERE account_id = $1 AND lookup IS NULL AND used_at IS NULL"
    )
    .bind(account_id)
    .fetch_all(p)
    .await)
}

/// Spends a recovery code, once.
pub async fn update_recovery_code_used(db: &Db, id: &str, now: i64) -> Result<bool, sqlx::Error> {
    on_db!(db, |p| sqlx::query(
        "UPDATE recovery_codes SET used_at = $1 WHERE id = $2 AND used_at IS NULL"
    )
    .bind(now)
    .bind(id)
    .execute(p)
    .await
    .map(|r| r.rows_affected() == 1))
}

/// Renames one of an account's passkeys; false if it is not theirs.
pub async fn update_passkey_name(
    db: &Db,
    account_id: &str,
    credential_id: &str,
    name: &str,
) -> Result<bool, sqlx::Error> {
    on_db!(db, |p| sqlx::query(
        "UPDATE passkeys SET name = $1 WHERE account_id = $2 AND credential_id = $3"
    )
    .bind(name)
    .bind(account_id)
    .bind(credential_id)
    .execute(p)
    .await
    .map(|r| r.rows_affected() == 1))
}

/// Removes one of an account's passkeys; false if it is not theirs.
pub async fn delete_passkey(
    tx: &mut Tx,
    account_id: &str,
    credential_id: &str,
) -> Result<bool, sqlx::Error> {
    on_tx!(tx, |p| sqlx::query(
        "DELETE FROM passkeys WHERE account_id = $1 AND credential_id = $2"
    )
    .bind(account_id)
    .bind(credential_id)
    .execute(p)
    .await
    .map(|r| r.rows_affected() == 1))
}

/// Ends every session of a person (a lock on request).
pub async fn delete_sessions_of_person(tx: &mut Tx, person_id: &str) -> Result<u64, sqlx::Error> {
    on_tx!(tx, |p| sqlx::query(
        "DELETE FROM sessions WHERE person_id = $1"
    )
    .bind(person_id)
    .execute(p)
    .await
    .map(|r| r.rows_affected()))
}
