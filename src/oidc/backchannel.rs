//! OpenID Connect Back-Channel Logout 1.0, the provider's side: when a citizen's session ends,
//! every relying party that took part in it and registered a `backchannel_logout_uri` is told
//! so, server to server, with a signed logout token.
//!
//! The notices are durable. The transaction that ends a session also writes one row of
//! `logout_notices` per such client ([`end_session`], [`end_all_sessions`]), so a crash
//! between the two cannot lose a notice; the worker ([`worker`]) delivers them afterwards,
//! retries with growing pauses and gives up after [`GIVE_UP_AFTER`]. A session that ends by
//! itself (the idle limit, the absolute lifetime, housekeeping deleting an expired row) is
//! not a logout and sends nothing: the relying parties' own sessions run on their own clocks.

pub mod worker;

use serde_json::{Value, json};
use tokio::sync::{Notify, watch};

use crate::{
    crypto::{Alg, jws, secrets::random_token},
    state::AppState,
    store::{Tx, accounts, clients::ClientRow, logout_notices, sessions},
};

/// Back-Channel Logout 1.0 §2.4: the event a logout token carries.
pub const LOGOUT_EVENT: &str = "http://schemas.openid.net/event/backchannel-logout";
/// §2.4: the logout token's `typ` header (with errata set 1), so it cannot pass for an ID
/// token or the other way round.
pub const LOGOUT_TOKEN_TYPE: &str = "logout+jwt";
/// How long a logout token is valid: it is made fresh for each attempt.
pub const LOGOUT_TOKEN_LIFETIME: i64 = 120;
/// The pause after the first failed attempt; it doubles with each failure up to
/// [`LONGEST_RETRY`].
pub const FIRST_RETRY: i64 = 5;
pub const LONGEST_RETRY: i64 = 600;
/// A notice not delivered this long after the session ended is given up (and recorded in
/// the client's failures).
pub const GIVE_UP_AFTER: i64 = 24 * 3600;
/// At most this many notices wait per client; beyond it the oldest are given up.
pub const MAX_WAITING_PER_CLIENT: i64 = 1000;

/// The delivery side's shared handles (in `AppState`): what wakes the worker, what stops it,
/// and the HTTP client it posts with.
pub struct Deliveries {
    wake: Notify,
    stop: watch::Sender<bool>,
    http: reqwest::Client,
    allow_private: bool,
    worker: std::sync::Mutex<Option<tokio::task::JoinHandle<()>>>,
}

impl Deliveries {
    /// `allow_private`: `http.allow_private_outbound` (the same outbound rules as `jwks_uri`,
    /// see `oidc::outbound`).
    pub fn new(allow_private: bool) -> anyhow::Result<Self> {
        Ok(Self {
            wake: Notify::new(),
            stop: watch::channel(false).0,
            http: super::outbound::client(allow_private)?,
            allow_private,
            worker: std::sync::Mutex::new(None),
        })
    }

    /// Tells the worker that notices were queued (after their transaction committed), so it
    /// delivers them now rather than at its next look.
    pub fn queued(&self) {
        self.wake.notify_one();
    }

    /// Stops the worker: it claims nothing more and waits a little for the deliveries under
    /// way (see `worker::STOP_WAIT`). Called once the server stopped taking requests.
    pub async fn stop(&self) {
        self.stop.send_replace(true);
        let worker = self.worker.lock().unwrap_or_else(|p| p.into_inner()).take();
        if let Some(worker) = worker {
            let _ = worker.await;
        }
    }
}

/// Ends the session `sid` (only `person_id`'s, when given) and, in the same transaction,
/// queues a logout notice for every relying party that took part in it. Returns whether a
/// session ended. Through the group-commit writer: sign-out is a request like any other.
pub async fn end_session(
    state: &AppState,
    sid: &str,
    person_id: Option<&str>,
) -> Result<bool, sqlx::Error> {
    let now = state.clock.now();
    let (sid, person_id) = (sid.to_owned(), person_id.map(str::to_owned));
    let (ended, queued) = state
        .writer
        .write(move |tx| {
            let (sid, person_id) = (sid.clone(), person_id.clone());
            Box::pin(async move {
                let queued = logout_notices::insert_logout_notices_for_sid(
                    tx,
                    &sid,
                    person_id.as_deref(),
                    now,
                )
                .await?;
                let ended = match &person_id {
                    Some(p) => sessions::delete_session_of_person(tx, p, &sid).await?,
                    None => sessions::delete_sessions_by_sid(tx, &sid).await? > 0,
                };
                Ok((ended, queued))
            })
        })
        .await?;
    if queued > 0 {
        state.backchannel.queued();
    }
    Ok(ended)
}

/// Ends every session of a person inside the caller's transaction, queueing the logout
/// notices for all of them ("sign out everywhere", a lock, a revoked passkey). Returns the
/// sessions ended. The caller calls `state.backchannel.queued()` once it has committed.
pub async fn end_all_sessions(tx: &mut Tx, person_id: &str, now: i64) -> Result<u64, sqlx::Error> {
    logout_notices::insert_logout_notices_for_person(tx, person_id, now).await?;
    accounts::delete_sessions_of_person(tx, person_id).await
}

/// Back-Channel Logout 1.0 §2.4: the claims of a logout token. Both `sid` and `sub`, whether
/// or not the client registered `backchannel_logout_session_required`; never a `nonce`.
pub fn logout_claims(issuer: &str, client_id: &str, sub: &str, sid: &str, now: i64) -> Value {
    json!({
        "iss": issuer,
        "aud": client_id,
        "iat": now,
        "exp": now + LOGOUT_TOKEN_LIFETIME,
        "jti": random_token(16),
        "sub": sub,
        "sid": sid,
        "events": { LOGOUT_EVENT: {} },
    })
}

/// A fresh logout token for `client` about the session `sid` of `person_id`: signed with the
/// algorithm of its ID tokens, and encrypted as its ID tokens are when it registered
/// `id_token_encrypted_response_alg` (§2.4: "as ID Tokens"). The error is ours to store (no
/// personal data).
pub async fn logout_token(
    state: &AppState,
    client: &ClientRow,
    sid: &str,
    person_id: &str,
    now: i64,
) -> Result<String, String> {
    let alg = Alg::parse_jws(&client.id_token_alg).unwrap_or(Alg::Es256);
    let Some((kid, signer)) = state.keys.signing_key(alg).await else {
        tracing::error!(alg = alg.as_str(), "no usable signing key");
        return Err(format!("Civitas had no usable {} key", alg.as_str()));
    };
    let sub = state.pairwise.subject(&client.sector_id, person_id);
    let claims = logout_claims(state.config.issuer.as_str(), &client.id, &sub, sid, now);
    let jws = jws::sign_typed(&signer, &kid, LOGOUT_TOKEN_TYPE, &claims)
        .map_err(|e| format!("the logout token could not be signed: {e}"))?;
    match &client.options.id_token_enc_alg {
        None => Ok(jws),
        Some(enc) => super::tokens::encrypt_for(state, client, enc, jws.as_bytes(), Some("JWT"))
            .await
            .map_err(|_| format!("no key of the client's to encrypt to with {enc}")),
    }
}

/// The pause after `attempts` failed attempts (1, 2, …): [`FIRST_RETRY`] seconds doubling to
/// [`LONGEST_RETRY`], plus up to a fifth of it from `random`, so that the notices of one
/// outage do not all come back at the same second.
pub fn retry_delay(attempts: i64, random: u64) -> i64 {
    let doublings = attempts.clamp(1, 20) - 1;
    let base = FIRST_RETRY
        .saturating_mul(1 << doublings)
        .min(LONGEST_RETRY);
    base + (random % (base as u64 / 5 + 1)) as i64
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_logout_token_has_the_claims_of_section_2_4_and_no_nonce() {
        let c = logout_claims("https://id.example", "client-1", "sub-1", "sid-1", 1000);
        assert_eq!(c["iss"], "https://id.example");
        assert_eq!(c["aud"], "client-1");
        assert_eq!(c["iat"], 1000);
        assert_eq!(c["exp"], 1000 + LOGOUT_TOKEN_LIFETIME);
        assert_eq!(c["sub"], "sub-1");
        assert_eq!(c["sid"], "sid-1");
        assert_eq!(c["events"][LOGOUT_EVENT], json!({}));
        assert!(
            c.get("nonce").is_none(),
            "§2.4: a logout token never has a nonce"
        );
        let jti = c["jti"].as_str().unwrap();
        assert!(jti.len() >= 20);
        let again = logout_claims("https://id.example", "client-1", "sub-1", "sid-1", 1000);
        assert_ne!(again["jti"], c["jti"], "a new jti each time");
    }

    #[test]
    fn retries_double_from_five_seconds_to_ten_minutes_with_a_fifth_of_jitter() {
        let least: Vec<i64> = (1..=10).map(|n| retry_delay(n, 0)).collect();
        assert_eq!(least, [5, 10, 20, 40, 80, 160, 320, 600, 600, 600]);
        for n in 1..=40 {
            let base = retry_delay(n, 0);
            for r in [1, 7, 1000, u64::MAX] {
                let d = retry_delay(n, r);
                assert!(d >= base && d <= base + base / 5, "{n}: {d}");
            }
        }
        // A day of failures is a bounded number of attempts.
        let (mut t, mut attempts) = (0, 0);
        while t < GIVE_UP_AFTER {
            attempts += 1;
            t += retry_delay(attempts, 0);
        }
        assert!(attempts < 160, "{attempts}");
    }
}
