//! `GET /jwks`: the public signing keys (RFC 7517 §5).

use axum::{
    extract::State,
    http::{HeaderValue, header},
    response::{IntoResponse, Response},
};

use crate::app::AppState;

/// The JWKS, prebuilt bytes. Relying parties may cache it for up to half the pre-publication
/// period (at most an hour), so a new key is always in their copy before it signs.
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

/// `public, max-age=…` for the JWKS: half the pre-publication period, capped at an hour.
pub fn cache_control(prepublish: std::time::Duration) -> HeaderValue {
    let max_age = (prepublish.as_secs() / 2).min(3600);
    HeaderValue::from_str(&format!("public, max-age={max_age}"))
        .unwrap_or(HeaderValue::from_static("no-cache"))
}
