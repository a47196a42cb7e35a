//! Attempt throttling with growing back-off, per subject (a national ID, an account, a client
//! address): five failures are free; each further failure within an hour of the previous one
//! locks the subject for twice as long as the last (one minute, two, four … at most a day). An
//! hour without failures starts the count again; a success clears it.

use crate::{
    crypto::secrets::sha256_b64,
    store::{Db, accounts},
};

const FREE_FAILURES: i64 = 5;
const WINDOW: i64 = 3600;
const MAX_LOCK: i64 = 86_400;

/// The throttle key for `subject` in `purpose` (hashed: no national ID or address is stored).
pub fn key(purpose: &str, subject: &str) -> String {
    sha256_b64(&format!("{purpose}\0{subject}"))
}

/// `Err(seconds)` while the subject is locked.
pub async fn check(db: &Db, key: &str, now: i64) -> Result<Result<(), u64>, sqlx::Error> {
    Ok(match accounts::find_throttle(db, key).await? {
        Some(t) if t.locked_until.is_some_and(|u| u > now) => {
            Err((t.locked_until.unwrap_or(now) - now) as u64)
        }
        _ => Ok(()),
    })
}

/// Counts a failure (atomically: concurrent failures all count); returns the lock it caused,
/// in seconds, if any.
pub async fn fail(db: &Db, key: &str, now: i64) -> Result<Option<u64>, sqlx::Error> {
    let failures = accounts::upsert_throttle_failure(db, key, now, WINDOW).await?;
    if failures <= FREE_FAILURES {
        return Ok(None);
    }
    let lock = (60_i64 << (failures - FREE_FAILURES - 1).min(20)).min(MAX_LOCK);
    accounts::update_throttle_lock(db, key, now + lock).await?;
    Ok(Some(lock as u64))
}

pub async fn clear(db: &Db, key: &str) -> Result<(), sqlx::Error> {
    accounts::delete_throttle(db, key).await
}
