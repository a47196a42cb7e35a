//! Time as the service sees it. A trait so that tests can move time forward (key rotation,
//! expiries) without sleeping.

use std::sync::Arc;

/// A source of the current time in unix seconds.
pub trait Clock: Send + Sync + 'static {
    fn now(&self) -> i64;
}

/// The system's real-time clock.
#[derive(Clone, Copy, Debug, Default)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> i64 {
        time::OffsetDateTime::now_utc().unix_timestamp()
    }
}

pub type SharedClock = Arc<dyn Clock>;

/// Formats unix seconds as an RFC 3339 UTC time, for people reading CLI output and logs.
pub fn rfc3339(unix: i64) -> String {
    time::OffsetDateTime::from_unix_timestamp(unix)
        .ok()
        .and_then(|t| {
            t.format(&time::format_description::well_known::Rfc3339)
                .ok()
        })
        .unwrap_or_else(|| unix.to_string())
}
