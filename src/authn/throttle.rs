//! Attempt throttling with growing back-off, per subject (a national ID, a credential, a
//! client address): some failures are free; each further failure within an hour of the
//! previous one locks the subject for twice as long as the last (one minute, two, four … at
//! most a day). An hour without failures starts the count again; a success clears it.
//!
//! The rule every caller keeps: **a lock only ever stops wrong answers.** A right answer (a
//! valid passkey assertion, the right code) passes whatever a stranger did, so nobody can lock
//! a citizen out by failing in their name or from their address; callers check the answer
//! first (cheaply) and consult the lock only to refuse a wrong one.

use std::net::IpAddr;

use crate::{
    crypto::secrets::sha256_b64,
    store::{Db, accounts},
};

const WINDOW: i64 = 3600;
const MAX_LOCK: i64 = 86_400;

/// How many failures within an hour are free before the back-off starts.
#[derive(Clone, Copy, Debug)]
pub struct Policy {
    pub free_failures: i64,
}

/// For one subject: a national ID, an account, a credential.
pub const SUBJECT: Policy = Policy { free_failures: 5 };
/// For a client address, which a carrier NAT or an office may share among thousands: only a
/// ceiling against floods.
pub const ADDRESS: Policy = Policy { free_failures: 50 };

/// The part of a client address that names one subscriber: the IPv4 address, or the IPv6
/// /64 (an ISP hands a whole /64 to one line; counting per /128 lets one client rotate
/// through 2^64 addresses).
pub fn address(ip: IpAddr) -> String {
    match ip {
        IpAddr::V4(v4) => v4.to_string(),
        IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
            Some(v4) => v4.to_string(),
            None => {
                let s = v6.segments();
                format!("{:x}:{:x}:{:x}:{:x}::/64", s[0], s[1], s[2], s[3])
            }
        },
    }
}

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

/// Counts a failure under [`SUBJECT`]; see [`fail_with`].
pub async fn fail(db: &Db, key: &str, now: i64) -> Result<Option<u64>, sqlx::Error> {
    fail_with(db, key, now, SUBJECT).await
}

/// Counts a failure (atomically: concurrent failures all count); returns the lock it caused,
/// in seconds, if any.
pub async fn fail_with(
    db: &Db,
    key: &str,
    now: i64,
    policy: Policy,
) -> Result<Option<u64>, sqlx::Error> {
    let failures = accounts::upsert_throttle_failure(db, key, now, WINDOW).await?;
    if failures <= policy.free_failures {
        return Ok(None);
    }
    let lock = (60_i64 << (failures - policy.free_failures - 1).min(20)).min(MAX_LOCK);
    accounts::update_throttle_lock(db, key, now + lock).await?;
    Ok(Some(lock as u64))
}

pub async fn clear(db: &Db, key: &str) -> Result<(), sqlx::Error> {
    accounts::delete_throttle(db, key).await
}

#[cfg(test)]
mod tests {
    use super::address;

    #[test]
    fn ipv6_clients_count_per_64_and_ipv4_per_address() {
        let a = address("2001:db8:1:2:aaaa::1".parse().unwrap());
        assert_eq!(a, "2001:db8:1:2::/64");
        assert_eq!(address("2001:db8:1:2:ffff:1:2:3".parse().unwrap()), a);
        assert_ne!(address("2001:db8:1:3::1".parse().unwrap()), a);
        assert_eq!(address("192.0.2.7".parse().unwrap()), "192.0.2.7");
        assert_eq!(address("::ffff:192.0.2.7".parse().unwrap()), "192.0.2.7");
    }
}
