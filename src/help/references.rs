//! Error references: every error page shows a short reference a person can read out on the
//! phone, and every error response (4xx and 5xx, pages and protocol endpoints alike) is
//! recorded under it, so the helpdesk console can see what happened.
//!
//! **The reference** is the request id (`x-request-id`, a random UUID, also in the server's
//! logs). Pages show its first eight hex digits in two groups, upper case (`3F2A-91BC`): 32
//! random bits, short enough to read out, and the start of the id in the logs. The console
//! finds a record by the full id or by those eight digits (in any case, with or without the
//! dash or spaces); two records sharing them are both shown, with their times.
//!
//! **What is recorded** is ours only: the time, the method, the route's template (axum's
//! `MatchedPath`, `/account/releases/{id}`: never the path itself or its query, where national
//! ids, codes and tokens travel), the status, the kind of error (the `AppError` variant, or
//! `oauth` with the OAuth `error` code; `http` when only the status is known) and, when a
//! handler verified it, the relying party's client_id. No address, person, token or text of
//! the request.
//!
//! **Off the response path, bounded.** The answer only puts the record in a queue in memory;
//! a task writes the queue through the group-commit writer a moment later (and `app::serve`
//! at shutdown). Each instance records at most [`PER_MINUTE`] errors a minute (the rest are
//! counted in the log, not recorded), and housekeeping deletes records after [`KEPT_FOR`]:
//! at most about 13 million rows per instance, a few GB, under a month-long flood. A record
//! that could not be written is lost, never the request.

use std::{
    sync::{Arc, Mutex, Weak},
    time::Duration,
};

use axum::{
    extract::{MatchedPath, Request},
    http::HeaderValue,
    response::Response,
};
use tokio::sync::Notify;
use tower_http::request_id::RequestId;

use crate::{
    state::AppState,
    store::{
        error_references::{self as store_refs, ErrorReferenceRow},
        writer::Writer,
    },
};

/// Errors recorded per instance and minute; the others are only counted.
pub const PER_MINUTE: u32 = 300;
/// How long records are kept.
pub const KEPT_FOR: i64 = 30 * 86_400;
/// How long the writing task waits after the first record of a batch for others to join it.
const BATCH_WINDOW: Duration = Duration::from_millis(200);

/// What an error response says about itself, for the record. Attached by whoever renders it
/// (`AppError::render`, `OAuthError`'s response); absent, the record's kind is `http`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ErrorFacts {
    /// The `AppError` variant (`not_found`) or `oauth`.
    pub kind: &'static str,
    /// The OAuth `error` code, one of a fixed set.
    pub oauth_error: Option<&'static str>,
}

/// The registered relying party a failed request came from, attached to the response by a
/// handler that verified it (never a client_id only named by the request).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct KnownClient(pub String);

/// The reference an error page shows for `request_id`: its first eight hex digits, upper case,
/// in two groups (`3F2A-91BC`). `None` for an id that does not start with eight hex digits.
pub fn short_form(request_id: &str) -> Option<String> {
    let head = short_ref(request_id)?.to_ascii_uppercase();
    Some(format!("{}-{}", &head[..4], &head[4..]))
}

/// What `error_references.short_ref` holds: the first eight hex digits, lower case.
fn short_ref(request_id: &str) -> Option<String> {
    let head = request_id.get(..8)?;
    head.bytes()
        .all(|b| b.is_ascii_hexdigit())
        .then(|| head.to_ascii_lowercase())
}

/// A reference as staff type it, read leniently: any case, spaces and dashes anywhere, and
/// the letters people say for digits (`O` for 0, `I` and `L` for 1).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Lookup {
    /// A whole request id, in its usual form (`3f2a91bc-…`, lower case).
    Full(String),
    /// The eight digits an error page shows, lower case.
    Short(String),
}

impl Lookup {
    pub fn parse(typed: &str) -> Option<Self> {
        if typed.chars().count() > 64 {
            return None;
        }
        let mut hex = String::with_capacity(32);
        for c in typed.chars() {
            match c.to_ascii_lowercase() {
                ' ' | '-' | '\t' => {}
                'o' => hex.push('0'),
                'i' | 'l' => hex.push('1'),
                c if c.is_ascii_hexdigit() => hex.push(c),
                _ => return None,
            }
        }
        match hex.len() {
            8 => Some(Lookup::Short(hex)),
            32 => Some(Lookup::Full(format!(
                "{}-{}-{}-{}-{}",
                &hex[..8],
                &hex[8..12],
                &hex[12..16],
                &hex[16..20],
                &hex[20..]
            ))),
            _ => None,
        }
    }
}

/// What the record needs of a request, taken before it is handed on: no allocation (the
/// method is a static label, the route the router's shared pattern, the id a shared header
/// value).
pub struct Seen {
    method: &'static str,
    route: Option<MatchedPath>,
    request_id: Option<HeaderValue>,
}

impl Seen {
    pub fn of(req: &Request) -> Self {
        Self {
            method: crate::web::metrics::method_label(req.method()),
            route: req.extensions().get::<MatchedPath>().cloned(),
            request_id: req
                .extensions()
                .get::<RequestId>()
                .map(|id| id.header_value().clone()),
        }
    }
}

/// Records `response` when it is an error (called by `web::edge` for every answer).
pub fn record(state: &AppState, seen: Seen, response: &Response) {
    let status = response.status();
    if status.as_u16() < 400 {
        return;
    }
    let Some(request_id) = seen.request_id.as_ref().and_then(|v| v.to_str().ok()) else {
        return;
    };
    let Some(short_ref) = short_ref(request_id) else {
        return;
    };
    let facts = response.extensions().get::<ErrorFacts>();
    state.error_references.note(ErrorReferenceRow {
        request_id: request_id.to_owned(),
        short_ref,
        at: state.clock.now(),
        method: seen.method.to_owned(),
        route: seen.route.map(|r| r.as_str().to_owned()),
        status: i64::from(status.as_u16()),
        kind: facts.map_or("http", |f| f.kind).to_owned(),
        oauth_error: facts.and_then(|f| f.oauth_error).map(str::to_owned),
        client_id: response
            .extensions()
            .get::<KnownClient>()
            .map(|c| c.0.clone()),
    });
}

#[derive(Default)]
struct Inner {
    /// The minute (unix time / 60) being counted, and the records admitted in it.
    minute: i64,
    admitted: u32,
    /// Errors of this minute not recorded, for the log.
    skipped: u64,
    waiting: Vec<ErrorReferenceRow>,
}

/// This instance's records not yet written, and its per-minute limit.
#[derive(Default)]
pub struct Recorder {
    inner: Mutex<Inner>,
    wake: Arc<Notify>,
}

impl Recorder {
    fn inner(&self) -> std::sync::MutexGuard<'_, Inner> {
        self.inner.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Queues `row` if this minute has room, and wakes the writing task.
    pub fn note(&self, row: ErrorReferenceRow) {
        {
            let mut inner = self.inner();
            let minute = row.at.div_euclid(60);
            if minute != inner.minute {
                if inner.skipped > 0 {
                    tracing::warn!(
                        skipped = inner.skipped,
                        per_minute = PER_MINUTE,
                        "error references not recorded: too many errors in a minute"
                    );
                }
                inner.minute = minute;
                inner.admitted = 0;
                inner.skipped = 0;
            }
            if inner.admitted >= PER_MINUTE {
                inner.skipped += 1;
                return;
            }
            inner.admitted += 1;
            inner.waiting.push(row);
        }
        self.wake.notify_one();
    }

    /// Writes every queued record; returns how many.
    pub async fn flush(&self, writer: &Writer) -> Result<usize, sqlx::Error> {
        let rows: Arc<[ErrorReferenceRow]> = std::mem::take(&mut self.inner().waiting).into();
        if rows.is_empty() {
            return Ok(0);
        }
        let n = rows.len();
        writer
            .write(move |tx| {
                let rows = rows.clone();
                Box::pin(async move { store_refs::insert_error_references(tx, &rows).await })
            })
            .await?;
        Ok(n)
    }
}

/// The task that writes queued records a moment after they arrive (so that a burst goes in
/// one transaction); it ends with the application.
pub fn spawn(recorder: &Arc<Recorder>, writer: Writer) {
    let wake = recorder.wake.clone();
    let recorder: Weak<Recorder> = Arc::downgrade(recorder);
    tokio::spawn(async move {
        loop {
            // Woken by a record, or once a minute to notice that the application is gone.
            let _ = tokio::time::timeout(Duration::from_secs(60), wake.notified()).await;
            tokio::time::sleep(BATCH_WINDOW).await;
            let Some(recorder) = recorder.upgrade() else {
                break;
            };
            if let Err(e) = recorder.flush(&writer).await {
                tracing::warn!(error = %e, "error references could not be written");
            }
        }
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    const ID: &str = "3f2a91bc-5d1e-4c7a-9b2f-0e8d7c6b5a49";

    #[test]
    fn pages_show_the_first_eight_digits_in_two_groups() {
        assert_eq!(short_form(ID).as_deref(), Some("3F2A-91BC"));
        assert_eq!(short_form("3f2a"), None);
        assert_eq!(short_form("not-a-uuid-at-all"), None);
    }

    #[test]
    fn staff_may_type_a_reference_as_they_heard_it() {
        let short = Some(Lookup::Short("3f2a91bc".into()));
        for typed in ["3F2A-91BC", "3f2a91bc", " 3f2a 91bc ", "3F2A - 91BC"] {
            assert_eq!(Lookup::parse(typed), short, "{typed:?}");
        }
        assert_eq!(
            Lookup::parse("0O1I-L0ab"),
            Some(Lookup::Short("00111 0ab".replace(' ', "")))
        );
        let full = Some(Lookup::Full(ID.into()));
        assert_eq!(Lookup::parse(ID), full);
        assert_eq!(Lookup::parse(&ID.to_uppercase()), full);
        assert_eq!(Lookup::parse(&ID.replace('-', "")), full);
        for bad in [
            "",
            "3F2A",
            "3F2A-91BCX",
            "3f2a91bc;drop",
            "zzzzzzzz",
            &"a".repeat(65),
        ] {
            assert_eq!(Lookup::parse(bad), None, "{bad:?}");
        }
    }

    fn row(at: i64) -> ErrorReferenceRow {
        ErrorReferenceRow {
            request_id: ID.into(),
            short_ref: "3f2a91bc".into(),
            at,
            method: "GET".into(),
            route: None,
            status: 404,
            kind: "not_found".into(),
            oauth_error: None,
            client_id: None,
        }
    }

    #[test]
    fn each_minute_records_at_most_its_share() {
        let r = Recorder::default();
        let minute = 60 * 1_000_000;
        for _ in 0..PER_MINUTE + 50 {
            r.note(row(minute + 5));
        }
        assert_eq!(r.inner().waiting.len(), PER_MINUTE as usize);
        assert_eq!(r.inner().skipped, 50);
        r.note(row(minute + 60));
        assert_eq!(r.inner().waiting.len(), PER_MINUTE as usize + 1);
        assert_eq!(r.inner().skipped, 0);
    }
}
