//! `/.well-known/openid-configuration` (OIDC Discovery §3) and
//! `/.well-known/oauth-authorization-server` (RFC 8414): exactly what Civitas supports,
//! prebuilt once at start.

use axum::{
    body::Bytes,
    extract::State,
    http::{HeaderValue, header},
    response::{IntoResponse, Response},
};
use serde_json::json;

use super::{
    authorize_request::ACR_VALUES,
    clients::{ENCRYPTION_ALGS, ENCRYPTION_ENCS, SCOPES},
};
use crate::{config::Config, state::AppState};

/// The metadata document for the configured issuer.
pub fn metadata(config: &Config) -> Bytes {
    let issuer = &config.issuer;
    let e = |path: &str| issuer.endpoint(path);
    let doc = json!({
        "issuer": issuer.as_str(),
        "authorization_endpoint": e("/authorize"),
        "token_endpoint": e("/token"),
        "userinfo_endpoint": e("/userinfo"),
        "jwks_uri": e("/jwks"),
        "revocation_endpoint": e("/revoke"),
        "introspection_endpoint": e("/introspect"),
        "end_session_endpoint": e("/logout"),
        "registration_endpoint": e("/register"),
        "pushed_authorization_request_endpoint": e("/par"),
        "require_pushed_authorization_requests": config.oidc.require_par,
        "scopes_supported": SCOPES,
        "response_types_supported": ["code"],
        "response_modes_supported": ["query", "form_post"],
        "grant_types_supported": ["authorization_code", "refresh_token"],
        "subject_types_supported": ["pairwise"],
        "id_token_signing_alg_values_supported": ["ES256", "RS256"],
        "id_token_encryption_alg_values_supported": ENCRYPTION_ALGS,
        "id_token_encryption_enc_values_supported": ENCRYPTION_ENCS,
        "userinfo_signing_alg_values_supported": ["ES256", "RS256"],
        "userinfo_encryption_alg_values_supported": ENCRYPTION_ALGS,
        "userinfo_encryption_enc_values_supported": ENCRYPTION_ENCS,
        "request_object_signing_alg_values_supported": ["ES256", "PS256", "RS256"],
        "dpop_signing_alg_values_supported": ["ES256", "PS256"],
        "token_endpoint_auth_methods_supported": ["client_secret_basic", "client_secret_post", "private_key_jwt"],
        "token_endpoint_auth_signing_alg_values_supported": ["ES256", "PS256", "RS256"],
        "revocation_endpoint_auth_methods_supported": ["client_secret_basic", "client_secret_post", "private_key_jwt"],
        "introspection_endpoint_auth_methods_supported": ["client_secret_basic", "client_secret_post", "private_key_jwt"],
        "code_challenge_methods_supported": ["S256"],
        "claims_parameter_supported": true,
        "request_parameter_supported": true,
        // Only PAR's own request_uri values are accepted; nothing is fetched from elsewhere.
        "request_uri_parameter_supported": false,
        "claims_supported": [
            "sub", "iss", "aud", "exp", "iat", "auth_time", "nonce", "acr", "amr", "sid",
            "name", "given_name", "family_name", "birthdate", "gender", "email",
            "email_verified", "phone_number", "phone_number_verified", "address", "national_id"
        ],
        "acr_values_supported": ACR_VALUES,
        "prompt_values_supported": ["none", "login", "consent"],
        "ui_locales_supported": crate::web::i18n::Lang::ALL.map(crate::web::i18n::Lang::tag),
        "claim_types_supported": ["normal"],
        "authorization_response_iss_parameter_supported": true,
        "frontchannel_logout_supported": false,
        "backchannel_logout_supported": true,
        "backchannel_logout_session_supported": true,
    });
    Bytes::from(serde_json::to_vec_pretty(&doc).unwrap_or_default())
}

/// `GET /.well-known/openid-configuration` and `/.well-known/oauth-authorization-server`.
pub async fn discovery(State(state): State<AppState>) -> Response {
    let mut response = state.discovery.clone().into_response();
    let h = response.headers_mut();
    h.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    h.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("public, max-age=3600"),
    );
    h.insert(
        header::ACCESS_CONTROL_ALLOW_ORIGIN,
        HeaderValue::from_static("*"),
    );
    response
}
