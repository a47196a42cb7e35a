//! Each scenario's floor: the server CPU per operation its irreducible parts cost, summed
//! from the micro benchmarks (`cargo bench --bench micro`, run by `bench/run.sh` first) and
//! the HTTP cost measured in the same run:
//!
//! - HTTP: one request through the whole server (hyper, routing, middleware, a prebuilt
//!   answer) = the discovery scenario's server CPU per request on the same server;
//! - an ES256 signature (`id_token_sign_ES256`: claims serialised, signed, encoded);
//! - an ES256 verification (`es256_verify_ring`: a client assertion, a passkey assertion);
//! - a write's share of a group commit (`write_share_batch_32`: one answer's rows among 32,
//!   CPU of every thread, the disk's wait excluded).

use std::path::Path;

use serde::Serialize;

use crate::{oidc::Kind, report::Results, scenarios::Scenario};

/// The micro benchmarks' figures, µs.
#[derive(Debug, Clone, Serialize)]
pub struct Parts {
    pub es256_sign_us: f64,
    pub es256_verify_us: f64,
    pub write_share_us: f64,
}

/// What one operation of a scenario does at least.
pub struct Composition {
    pub http: f64,
    pub signs: f64,
    pub verifies: f64,
    pub writes: f64,
}

impl Composition {
    pub fn describe(&self) -> String {
        let mut parts = vec![format!("{} HTTP", self.http)];
        if self.signs > 0.0 {
            parts.push(format!("{} ES256 sign", self.signs));
        }
        if self.verifies > 0.0 {
            parts.push(format!("{} ES256 verify", self.verifies));
        }
        if self.writes > 0.0 {
            let plural = if self.writes == 1.0 { "" } else { "s" };
            parts.push(format!("{} write{plural}", self.writes));
        }
        parts.join(" + ")
    }
}

pub fn composition(s: Scenario) -> Composition {
    let c = |http, signs, verifies, writes| Composition {
        http,
        signs,
        verifies,
        writes,
    };
    match s {
        Scenario::Discovery | Scenario::Jwks => c(1.0, 0.0, 0.0, 0.0),
        // The token request: the new tokens, the ID token, the rotation and its record.
        Scenario::Refresh => c(1.0, 1.0, 0.0, 1.0),
        // The authorization request (the code written) and the token request (assertion
        // verified, its jti written, the code spent and the tokens written, an ID token).
        Scenario::CodeRedemption => c(2.0, 1.0, 1.0, 3.0),
        // Authorization (code), token (tokens, ID token), userinfo (its ledger record).
        Scenario::Sso => c(3.0, 1.0, 0.0, 3.0),
        // Start (the challenge kept) and finish (the assertion verified, the counter and the
        // signed-in session written).
        Scenario::Passkey => c(2.0, 0.0, 1.0, 2.0),
    }
}

/// Reads the figures criterion left under `dir` (`target/criterion`); `None` when any is
/// missing (a smoke run skips the micro benchmarks).
pub fn read(dir: &Path) -> Option<Parts> {
    let mean_us = |name: &str| -> Option<f64> {
        let text = std::fs::read_to_string(dir.join(name).join("new/estimates.json")).ok()?;
        let v: serde_json::Value = serde_json::from_str(&text).ok()?;
        Some(v["mean"]["point_estimate"].as_f64()? / 1000.0)
    };
    Some(Parts {
        es256_sign_us: mean_us("id_token_sign_ES256")?,
        es256_verify_us: mean_us("es256_verify_ring")?,
        write_share_us: mean_us("write_share_batch_32")?,
    })
}

/// The floor of `s` on Civitas server `k`, µs of server CPU per operation.
pub fn floor(r: &Results, s: Scenario, k: Kind) -> Option<f64> {
    if k == Kind::Peer {
        return None;
    }
    let parts = r.floor_parts.as_ref()?;
    let http = crate::report::summary(r, Scenario::Discovery, k)?.cpu_us;
    let c = composition(s);
    Some(
        c.http * http
            + c.signs * parts.es256_sign_us
            + c.verifies * parts.es256_verify_us
            + c.writes * parts.write_share_us,
    )
}
