//! The delivery worker: one task per instance, started by `app::build_with_clock` and ended
//! by `app::serve` at shutdown (or when the application is dropped).
//!
//! It looks for due notices when woken (`Deliveries::queued`, right after a logout
//! committed) and at least every [`POLL`] (notices queued by other instances, retries coming
//! due, leases of a crashed instance running out). Looking is one indexed read, so an idle
//! worker never takes SQLite's write lock. When something is due it claims, through the
//! group-commit writer, up to [`PER_CLIENT`] notices of each client that has none in flight
//! here, at most [`MAX_IN_FLIGHT`] in all, and delivers each in its own task. A claim is a
//! lease: the notice's `next_attempt_at` moves [`LEASE`] ahead, so no other instance takes it
//! meanwhile (PostgreSQL: `FOR UPDATE SKIP LOCKED` while claiming), and if this instance dies
//! mid-delivery another one retries it when the lease runs out. Delivery is therefore at
//! least once; each attempt carries a new `jti`.
//!
//! One slow relying party holds at most [`PER_CLIENT`] deliveries of an instance, each ending
//! within five seconds, and never the others'. Every [`SWEEP_EVERY`] the worker also gives up
//! the oldest notices of a client with more than `MAX_WAITING_PER_CLIENT` waiting.

use std::{
    collections::HashMap,
    time::{Duration, Instant},
};

use tokio::task::{Id, JoinSet};

use super::{Deliveries, GIVE_UP_AFTER, MAX_WAITING_PER_CLIENT, logout_token, retry_delay};
use crate::{
    oidc::{
        client_failures::{self, Endpoint, Failure, FailureKind},
        outbound,
    },
    state::AppState,
    store::logout_notices::{self as store, ClaimedNotice},
};

/// The longest the worker waits between two looks without being woken.
pub const POLL: Duration = Duration::from_secs(1);
/// How often the per-client bound is enforced.
pub const SWEEP_EVERY: Duration = Duration::from_secs(5);
/// Deliveries in flight per client, on one instance.
pub const PER_CLIENT: usize = 4;
/// Deliveries in flight in all, on one instance.
pub const MAX_IN_FLIGHT: usize = 64;
/// How long a claim holds a notice (seconds of the clock): longer than a delivery can take
/// (a key fetch for encryption and the POST, five seconds each).
pub const LEASE: i64 = 60;
/// At shutdown, how long deliveries under way may finish; the rest are retried (their
/// leases run out) by the next instance to start.
pub const STOP_WAIT: Duration = Duration::from_secs(6);
/// The longest `last_error` stored.
const ERROR_CHARS: usize = 200;

/// Starts the worker for `state`.
pub fn spawn(state: &AppState) {
    let deliveries = state.backchannel.clone();
    let stop = deliveries.stop.subscribe();
    let handle = tokio::spawn(run(state.downgrade(), deliveries.clone(), stop));
    *deliveries.worker.lock().unwrap_or_else(|p| p.into_inner()) = Some(handle);
}

/// What is in flight on this instance: each task's client, and per client how many.
#[derive(Default)]
struct InFlight {
    tasks: JoinSet<()>,
    clients: HashMap<Id, String>,
    per_client: HashMap<String, usize>,
}

impl InFlight {
    fn start(&mut self, state: &AppState, notice: ClaimedNotice) {
        let client_id = notice.client_id.clone();
        let state = state.clone();
        let id = self
            .tasks
            .spawn(async move { attempt(&state, notice).await })
            .id();
        *self.per_client.entry(client_id.clone()).or_default() += 1;
        self.clients.insert(id, client_id);
    }

    fn finished(&mut self, id: Id) {
        if let Some(client_id) = self.clients.remove(&id)
            && let Some(n) = self.per_client.get_mut(&client_id)
        {
            *n -= 1;
            if *n == 0 {
                self.per_client.remove(&client_id);
            }
        }
    }

    fn reap(&mut self) {
        while let Some(done) = self.tasks.try_join_next_with_id() {
            self.finished(done.map_or_else(|e| e.id(), |(id, ())| id));
        }
    }
}

async fn run(
    weak: crate::state::WeakState,
    deliveries: std::sync::Arc<Deliveries>,
    mut stop: tokio::sync::watch::Receiver<bool>,
) {
    let mut in_flight = InFlight::default();
    let mut last_sweep: Option<Instant> = None;
    loop {
        if *stop.borrow() {
            break;
        }
        {
            let Some(state) = weak.upgrade() else { break };
            if state.db.is_closed() {
                break;
            }
            in_flight.reap();
            if last_sweep.is_none_or(|t| t.elapsed() >= SWEEP_EVERY) {
                last_sweep = Some(Instant::now());
                if let Err(e) = enforce_bound(&state).await {
                    failed("the per-client bound could not be applied", &e);
                }
            }
            if let Err(e) = claim_and_start(&state, &mut in_flight).await {
                failed("notices could not be claimed", &e);
            }
        }
        tokio::select! {
            changed = stop.changed() => if changed.is_err() { break },
            () = deliveries.wake.notified() => {}
            () = tokio::time::sleep(POLL) => {}
            Some(done) = in_flight.tasks.join_next_with_id(), if !in_flight.tasks.is_empty() => {
                in_flight.finished(done.map_or_else(|e| e.id(), |(id, ())| id));
            }
        }
    }
    // Shutdown: let the deliveries under way finish (each within seconds); the others'
    // leases run out and the next instance retries them.
    let _ = tokio::time::timeout(STOP_WAIT, async {
        while in_flight.tasks.join_next().await.is_some() {}
    })
    .await;
    in_flight.tasks.abort_all();
}

/// Logs a failed look at the queue: a warning, or only a debug line while the database is
/// unavailable (a failover says so elsewhere; the worker looks again within a second).
fn failed(what: &str, e: &sqlx::Error) {
    if crate::store::is_unavailable(e) {
        tracing::debug!(error = %e, "back-channel logout: {what}");
    } else {
        tracing::warn!(error = %e, "back-channel logout: {what}");
    }
}

/// Claims what is due and starts delivering it (see the module's note).
async fn claim_and_start(state: &AppState, in_flight: &mut InFlight) -> Result<(), sqlx::Error> {
    let room = MAX_IN_FLIGHT.saturating_sub(in_flight.tasks.len());
    if room == 0 {
        return Ok(());
    }
    let now = state.clock.now();
    if !store::find_any_due(&state.db, now).await? {
        return Ok(());
    }
    let mut wanted: Vec<(String, i64)> = Vec::new();
    let mut planned = 0;
    for client_id in store::find_due_clients(&state.db, now, MAX_IN_FLIGHT as i64 * 4).await? {
        if planned >= room {
            break;
        }
        if in_flight.per_client.contains_key(&client_id) {
            continue;
        }
        let n = PER_CLIENT.min(room - planned);
        planned += n;
        wanted.push((client_id, n as i64));
    }
    if wanted.is_empty() {
        return Ok(());
    }
    let leased_until = now + LEASE;
    let claimed = state
        .writer
        .write(move |tx| {
            let wanted = wanted.clone();
            Box::pin(async move {
                let mut claimed = Vec::new();
                for (client_id, n) in &wanted {
                    claimed.extend(
                        store::claim_logout_notices(tx, client_id, now, leased_until, *n).await?,
                    );
                }
                Ok(claimed)
            })
        })
        .await?;
    tracing::debug!(
        claimed = claimed.len(),
        "back-channel logout notices claimed"
    );
    for notice in claimed {
        in_flight.start(state, notice);
    }
    Ok(())
}

/// How one attempt went.
#[derive(Debug)]
enum Outcome {
    /// The client answered 200 or 204.
    Delivered,
    /// The client is gone or no longer has a `backchannel_logout_uri`.
    Unwanted,
    /// Anything else, in our words (stored in `last_error`).
    Failed(String),
}

/// One attempt at a claimed notice, and its outcome written.
async fn attempt(state: &AppState, notice: ClaimedNotice) {
    let outcome = deliver(state, &notice).await;
    let now = state.clock.now();
    let written = match &outcome {
        Outcome::Delivered | Outcome::Unwanted => {
            let (client_id, sid) = (notice.client_id.clone(), notice.sid.clone());
            state
                .writer
                .write(move |tx| {
                    let (client_id, sid) = (client_id.clone(), sid.clone());
                    Box::pin(async move { store::delete_logout_notice(tx, &client_id, &sid).await })
                })
                .await
        }
        Outcome::Failed(why) if now - notice.created_at >= GIVE_UP_AFTER => {
            give_up(state, &notice, why).await
        }
        Outcome::Failed(why) => {
            let attempts = notice.attempts + 1;
            let next = now + retry_delay(attempts, getrandom::u64().unwrap_or(0));
            let (row, why) = (notice.clone(), why.clone());
            tracing::debug!(client_id = %notice.client_id, attempts, error = %why, "back-channel logout attempt failed");
            state
                .writer
                .write(move |tx| {
                    let (row, why) = (row.clone(), why.clone());
                    Box::pin(async move {
                        store::update_logout_notice_failed(tx, &row, next, &why).await
                    })
                })
                .await
        }
    };
    if let Err(e) = written {
        // The lease runs out and the notice is tried again.
        tracing::warn!(client_id = %notice.client_id, error = %e, "back-channel logout: an outcome could not be written");
    }
}

/// Removes a notice that failed for [`GIVE_UP_AFTER`], with a warning and a record in the
/// client's failures (for its developers, in the portal).
async fn give_up(state: &AppState, notice: &ClaimedNotice, why: &str) -> Result<u64, sqlx::Error> {
    let (client_id, sid) = (notice.client_id.clone(), notice.sid.clone());
    let removed = state
        .writer
        .write(move |tx| {
            let (client_id, sid) = (client_id.clone(), sid.clone());
            Box::pin(async move { store::delete_logout_notice(tx, &client_id, &sid).await })
        })
        .await?;
    let attempts = notice.attempts + 1;
    tracing::warn!(client_id = %notice.client_id, attempts, error = %why, "a back-channel logout token was given up after 24 hours");
    let description = format!(
        "A logout token could not be delivered to backchannel_logout_uri in 24 hours \
         ({attempts} attempts; the last: {why}) and was given up."
    );
    client_failures::record(
        state,
        Failure {
            client_id: &notice.client_id,
            endpoint: Endpoint::BackchannelLogout,
            error: "undelivered",
            kind: FailureKind::BackchannelLogoutUndelivered,
            description: &description,
        },
    )
    .await;
    Ok(removed)
}

/// Posts a fresh logout token for `notice` to its client (§2.5).
async fn deliver(state: &AppState, notice: &ClaimedNotice) -> Outcome {
    let client = match state.reads.oidc_client(&notice.client_id).await {
        Ok(Some(c)) => c,
        Ok(None) => return Outcome::Unwanted,
        Err(e) => return Outcome::Failed(format!("Civitas could not read the client: {e}")),
    };
    let Some(uri) = client.options.backchannel_logout_uri.as_deref() else {
        return Outcome::Unwanted;
    };
    let deliveries: &Deliveries = &state.backchannel;
    let url = match outbound::check_url(uri, deliveries.allow_private) {
        Ok(url) => url,
        Err(why) => return Outcome::Failed(format!("backchannel_logout_uri is {why}")),
    };
    let token = match logout_token(
        state,
        &client,
        &notice.sid,
        &notice.person_id,
        state.clock.now(),
    )
    .await
    {
        Ok(t) => t,
        Err(why) => return Outcome::Failed(why),
    };
    let body = url::form_urlencoded::Serializer::new(String::new())
        .append_pair("logout_token", &token)
        .finish();
    let sent = deliveries
        .http
        .post(url)
        .header(
            reqwest::header::CONTENT_TYPE,
            "application/x-www-form-urlencoded",
        )
        .body(body)
        .send()
        .await;
    match sent {
        // §2.8: 200 on success; 204 is what many frameworks answer an empty success with.
        Ok(r) if matches!(r.status().as_u16(), 200 | 204) => Outcome::Delivered,
        Ok(r) => Outcome::Failed(format!("answered {}", r.status())),
        Err(e) => Outcome::Failed(describe(&e)),
    }
}

/// A network error in a few words: the innermost cause (not the URL, which the outer error
/// repeats), capped.
fn describe(e: &reqwest::Error) -> String {
    let what = if e.is_timeout() {
        return format!("no answer within {} seconds", outbound::TIMEOUT.as_secs());
    } else if e.is_connect() {
        "could not connect"
    } else {
        "the request failed"
    };
    let mut cause: &dyn std::error::Error = e;
    while let Some(inner) = cause.source() {
        cause = inner;
    }
    let mut out = format!("{what}: {cause}");
    if out.chars().count() > ERROR_CHARS {
        out = out.chars().take(ERROR_CHARS - 1).collect();
        out.push('…');
    }
    out
}

/// Gives up the oldest notices of every client with more than `MAX_WAITING_PER_CLIENT`
/// waiting: one warning and one failure record per client and sweep.
async fn enforce_bound(state: &AppState) -> Result<(), sqlx::Error> {
    for (client_id, waiting) in store::find_clients_over(&state.db, MAX_WAITING_PER_CLIENT).await? {
        let over = waiting - MAX_WAITING_PER_CLIENT;
        let id = client_id.clone();
        let removed = state
            .writer
            .write(move |tx| {
                let id = id.clone();
                Box::pin(async move { store::delete_oldest_logout_notices(tx, &id, over).await })
            })
            .await?;
        tracing::warn!(client_id = %client_id, given_up = removed, "more than 1,000 back-channel logout tokens were waiting for a client; the oldest were given up");
        let description = format!(
            "More than {MAX_WAITING_PER_CLIENT} logout tokens were waiting for \
             backchannel_logout_uri: the oldest {removed} were given up."
        );
        client_failures::record(
            state,
            Failure {
                client_id: &client_id,
                endpoint: Endpoint::BackchannelLogout,
                error: "undelivered",
                kind: FailureKind::BackchannelLogoutUndelivered,
                description: &description,
            },
        )
        .await;
    }
    Ok(())
}
