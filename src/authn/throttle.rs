//! Attempt throttling with growing back-off, per subject (a national ID, an account, a client
//! address): five failures an hour are free; each one after that locks the subject for twice
//! as long as the last (one minute, two, four … at most a day). A success clears it.

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

/// Counts a failure; returns the lock it caused, in seconds, if any.
pub async fn fail(db: &Db, key: &str, now: i64) -> Result<Option<u64>, sqlx::Error> {
    let previous = accounts::find_throttle(db, key).await?;
    let failures = match &previous {
        Some(t)
            if now - t.updated_at < WINDOW || t.locked_until.is_some_and(|u| u > now - WINDOW) =>
        {
            t.failures + 1
        }
        _ => 1,
    };
    let lock = (failures > FREE_FAILURES)
        .then(|| (60_i64 << (failures - FREE_FAILURES - 1).min(20)).min(MAX_LOCK));
    accounts::upsert_throttle(db, key, failures, lock.map(|l| now + l), now).await?;
    Ok(lock.map(|l| l as u64))
}

pub async fn clear(db: &Db, key: &str) -> Result<(), sqlx::Error> {
    accounts::delete_throttle(db, key).await
}
