//! `GET /jwks`: the public signing keys (RFC 7517 §5).

use axum::{
    extract::State,
    http::{HeaderValue, header},
    response::{IntoResponse, Response},
};

use crate::state::AppState;

/// The JWKS, prebuilt bytes. Relying parties may cache it for
/// [`crate::config::KeysConfig::jwks_max_age`], so a new key is in their copy before it signs.
pub async fn jwks(State(state): State<AppState>) -> Response {
    let body = state.keys.jwks().await;
    let mut response = body.into_response();
    let h = response.headers_mut();
    h.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/jwk-set+json"),
    );
    h.insert(header::CACHE_CONTROL, state.jwks_cache_control.clone());
    h.insert(
        header::ACCESS_CONTROL_ALLOW_ORIGIN,
        HeaderValue::from_static("*"),
    );
    response
}

/// `public, max-age=…` for the JWKS.
pub fn cache_control(keys: &crate::config::KeysConfig) -> HeaderValue {
    let max_age = keys.jwks_max_age().as_secs();
    HeaderValue::from_str(&format!("public, max-age={max_age}"))
        .unwrap_or(HeaderValue::from_static("no-cache"))
}
