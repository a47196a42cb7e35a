//! `/healthz` (the process answers) and `/readyz` (it can reach its database and has a
//! signing key for every algorithm).

use std::time::Duration;

use axum::{Json, extract::State, http::StatusCode, response::IntoResponse};
use serde_json::json;

use crate::state::AppState;

/// `GET /healthz`: liveness. Touches nothing but the process itself.
pub async fn healthz() -> &'static str {
    "ok"
}

/// What `/readyz` checks (the operator's console shows the same facts).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Readiness {
    /// The database answered within the limit.
    pub database: bool,
    /// Every algorithm has a key that can sign now.
    pub signing_keys: bool,
}

impl Readiness {
    pub fn is_ready(self) -> bool {
        self.database && self.signing_keys
    }
}

/// Checks the database (within `database.acquire_timeout`, at most 2 s) and the keys.
pub async fn readiness(state: &AppState) -> Readiness {
    let limit = state
        .config
        .database
        .acquire_timeout
        .min(Duration::from_secs(2));
    let database = match tokio::time::timeout(limit, state.db.ping()).await {
        Ok(Ok(())) => true,
        Ok(Err(e)) => {
            tracing::warn!(error = %e, "readiness check: database error");
            false
        }
        Err(_) => {
            tracing::warn!("readiness check: database did not answer in time");
            false
        }
    };
    Readiness {
        database,
        signing_keys: state.keys.is_ready().await,
    }
}

/// `GET /readyz`: readiness for traffic. 503 while the database does not answer or a
/// signing key cannot be used.
pub async fn readyz(State(state): State<AppState>) -> impl IntoResponse {
    let Readiness {
        database,
        signing_keys: keys,
    } = readiness(&state).await;
    let body = json!({
        "status": if database && keys { "ready" } else { "unavailable" },
        "database": if database { "ok" } else { "unreachable" },
        "signing_keys": if keys { "ok" } else { "missing" },
    });
    let status = if database && keys {
        StatusCode::OK
    } else {
        StatusCode::SERVICE_UNAVAILABLE
    };
    (status, Json(body))
}
