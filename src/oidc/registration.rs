//! Dynamic client registration (RFC 7591) at `POST /register`, protected by an initial access
//! token the operator issues (`civitas client initial-token`), and client management (RFC
//! 7592) at `/register/{client_id}` with the registration access token returned at creation.
//! Self-registered clients never receive restricted scopes.

use axum::{
    Json,
    body::Bytes,
    extract::{Path, State},
    http::{HeaderMap, StatusCode, header},
    response::{IntoResponse, Response},
};
use serde::Deserialize;
use serde_json::{Value, json};

use super::{
    claims::scope_set,
    clients::{self, ClientRequest, InvalidClient, RESTRICTED_SCOPES},
    error::{OAuthError, no_store},
};
use crate::{
    crypto::secrets::{constant_time_eq, random_token, sha256_b64},
    state::AppState,
    store::clients::{self as client_rows, ClientRow},
};

/// RFC 7591 §2 metadata we understand; anything else is ignored, as §2 requires.
#[derive(Debug, Deserialize)]
struct Metadata {
    redirect_uris: Option<Vec<String>>,
    client_name: Option<String>,
    /// Why the client asks for data; shown to citizens at consent. Required.
    purpose: Option<String>,
    logo_uri: Option<String>,
    application_type: Option<String>,
    token_endpoint_auth_method: Option<String>,
    jwks: Option<Value>,
    jwks_uri: Option<String>,
    id_token_signed_response_alg: Option<String>,
    post_logout_redirect_uris: Option<Vec<String>>,
    scope: Option<String>,
    grant_types: Option<Vec<String>>,
    response_types: Option<Vec<String>>,
    subject_type: Option<String>,
    default_acr_values: Option<Vec<String>>,
    /// Civitas extension: scopes (among `scope`) the citizen may leave out at consent.
    optional_scope: Option<String>,
    /// Civitas extension: `fapi2` for the FAPI 2.0 Security Profile.
    profile: Option<String>,
    require_pushed_authorization_requests: Option<bool>,
    dpop_bound_access_tokens: Option<bool>,
    id_token_encrypted_response_alg: Option<String>,
    id_token_encrypted_response_enc: Option<String>,
    userinfo_signed_response_alg: Option<String>,
    userinfo_encrypted_response_alg: Option<String>,
    userinfo_encrypted_response_enc: Option<String>,
    backchannel_logout_uri: Option<String>,
    backchannel_logout_session_required: Option<bool>,
}

fn metadata_error(error: &'static str, description: String) -> OAuthError {
    OAuthError {
        status: StatusCode::BAD_REQUEST,
        error,
        description,
        challenge: None,
        dpop_nonce: None,
        kind: None,
        client_id: None,
    }
}

impl From<InvalidClient> for OAuthError {
    fn from(e: InvalidClient) -> Self {
        let code = if e.field.contains("redirect_uris") {
            "invalid_redirect_uri"
        } else {
            "invalid_client_metadata"
        };
        metadata_error(code, e.to_string())
    }
}

pub fn parse_metadata(body: &[u8]) -> Result<ClientRequest, OAuthError> {
    let m: Metadata = serde_json::from_slice(body).map_err(|e| {
        metadata_error(
            "invalid_client_metadata",
            format!("the body is not valid client metadata JSON: {e}"),
        )
    })?;
    if m.response_types
        .as_ref()
        .is_some_and(|r| r.iter().any(|t| t != "code"))
    {
        return Err(metadata_error(
            "invalid_client_metadata",
            "response_types may hold code only".into(),
        ));
    }
    if m.subject_type.as_deref().is_some_and(|s| s != "pairwise") {
        return Err(metadata_error(
            "invalid_client_metadata",
            "subject_type must be pairwise".into(),
        ));
    }
    Ok(ClientRequest {
        display_name: m.client_name.unwrap_or_default(),
        purpose: m.purpose.unwrap_or_default(),
        logo_uri: m.logo_uri,
        application_type: m.application_type,
        redirect_uris: m.redirect_uris.unwrap_or_default(),
        post_logout_redirect_uris: m.post_logout_redirect_uris.unwrap_or_default(),
        auth_method: m.token_endpoint_auth_method,
        jwks: m.jwks.map(|j| j.to_string()),
        jwks_uri: m.jwks_uri,
        id_token_alg: m.id_token_signed_response_alg,
        scope: m.scope,
        sector_id: None,
        optional_scope: m.optional_scope,
        grant_types: m.grant_types,
        options: clients::OptionsRequest {
            profile: m.profile,
            require_par: m.require_pushed_authorization_requests,
            dpop_bound: m.dpop_bound_access_tokens,
            id_token_enc_alg: m.id_token_encrypted_response_alg,
            id_token_enc_enc: m.id_token_encrypted_response_enc,
            userinfo_signed_alg: m.userinfo_signed_response_alg,
            userinfo_enc_alg: m.userinfo_encrypted_response_alg,
            userinfo_enc_enc: m.userinfo_encrypted_response_enc,
            backchannel_logout_uri: m.backchannel_logout_uri,
            backchannel_logout_session_required: m.backchannel_logout_session_required,
        },
        // Registration with an operator's initial access token is production; the portal
        // sets the environment it files for.
        environment: super::clients::Environment::Production,
        // The highest of the defaults: every sign-in for this client needs at least that.
        min_acr: m.default_acr_values.and_then(|v| {
            v.into_iter().max_by_key(|a| {
                super::authorize_request::ACR_VALUES
                    .iter()
                    .position(|k| k == a)
            })
        }),
    })
}

fn bearer(headers: &HeaderMap) -> Result<&str, OAuthError> {
    headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .map(str::trim)
        .filter(|t| !t.is_empty())
        .ok_or_else(|| OAuthError::invalid_token("a bearer token is required"))
}

/// The client's registration as RFC 7591 §3.2.1 returns it (never its secret, except once).
async fn describe(state: &AppState, row: &ClientRow) -> Result<Value, OAuthError> {
    let redirect_uris = client_rows::find_client_redirect_uris(&state.db, &row.id, "login").await?;
    let logout_uris = client_rows::find_client_redirect_uris(&state.db, &row.id, "logout").await?;
    let mut v = metadata(row, &redirect_uris, &logout_uris);
    if let Value::Object(map) = &mut v {
        map.insert("client_id".into(), json!(row.id));
        map.insert("client_id_issued_at".into(), json!(row.created_at));
        map.insert("subject_type".into(), json!("pairwise"));
        map.insert("response_types".into(), json!(["code"]));
        map.insert(
            "registration_client_uri".into(),
            json!(
                state
                    .config
                    .issuer
                    .endpoint(&format!("/register/{}", row.id))
            ),
        );
        if row.secret_hash.is_some() {
            map.insert("client_secret_expires_at".into(), json!(0));
        }
    }
    Ok(v)
}

/// A client's settings as RFC 7591 metadata, which [`parse_metadata`] reads back: what the
/// portal files for review, and what approval registers.
pub fn metadata(row: &ClientRow, redirect_uris: &[String], logout_uris: &[String]) -> Value {
    let mut v = json!({
        "client_name": row.display_name,
        "purpose": row.purpose,
        "application_type": row.application_type,
        "redirect_uris": redirect_uris,
        "post_logout_redirect_uris": logout_uris,
        "token_endpoint_auth_method": row.auth_method,
        "id_token_signed_response_alg": row.id_token_alg,
        "scope": row.scopes,
        "grant_types": row.grant_types.split(' ').collect::<Vec<_>>(),
    });
    if let Value::Object(map) = &mut v {
        if !row.optional_scopes.is_empty() {
            map.insert("optional_scope".into(), json!(row.optional_scopes));
        }
        if let Some(logo) = &row.logo_uri {
            map.insert("logo_uri".into(), json!(logo));
        }
        if let Some(uri) = &row.jwks_uri {
            map.insert("jwks_uri".into(), json!(uri));
        }
        if let Some(jwks) = row
            .jwks
            .as_deref()
            .and_then(|j| serde_json::from_str::<Value>(j).ok())
        {
            map.insert("jwks".into(), jwks);
        }
        if let Some(acr) = &row.min_acr {
            map.insert("default_acr_values".into(), json!([acr]));
        }
        let o = &row.options;
        map.insert("profile".into(), json!(o.profile));
        map.insert(
            "require_pushed_authorization_requests".into(),
            json!(o.require_par),
        );
        map.insert("dpop_bound_access_tokens".into(), json!(o.dpop_bound));
        let optional = [
            ("id_token_encrypted_response_alg", &o.id_token_enc_alg),
            ("id_token_encrypted_response_enc", &o.id_token_enc_enc),
            ("userinfo_signed_response_alg", &o.userinfo_signed_alg),
            ("userinfo_encrypted_response_alg", &o.userinfo_enc_alg),
            ("userinfo_encrypted_response_enc", &o.userinfo_enc_enc),
            ("backchannel_logout_uri", &o.backchannel_logout_uri),
        ];
        for (name, value) in optional {
            if let Some(value) = value {
                map.insert(name.into(), json!(value));
            }
        }
        if o.backchannel_logout_uri.is_some() {
            map.insert(
                "backchannel_logout_session_required".into(),
                json!(o.backchannel_logout_session_required),
            );
        }
    }
    v
}

fn answer(status: StatusCode, body: Value) -> Response {
    let mut r = (status, Json(body)).into_response();
    no_store(&mut r);
    r
}

/// `POST /register`
pub async fn register(
    State(state): State<AppState>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, OAuthError> {
    let initial = sha256_b64(bearer(&headers)?);
    let now = state.clock.now();
    let id = clients::new_client_id();
    // The token is checked (and spent) first, so nobody without one learns anything; a
    // registration that then fails rolls back and leaves the token unspent.
    let (created, registration_token) = crate::transaction!(state.db, Rollback, |tx| {
        if !client_rows::update_initial_access_token_used(tx, &initial, &id, now).await? {
            return Err(Rollback::Refused(OAuthError::invalid_token(
                "the initial access token is unknown, used or expired",
            )));
        }
        let request = parse_metadata(&body).map_err(Rollback::Refused)?;
        let valid = clients::validate(&request, false).map_err(|e| Rollback::Refused(e.into()))?;
        let created = clients::create_with_id(tx, &id, &valid, now).await?;
        let registration_token = random_token(32);
        client_rows::update_registration_token_hash(
            tx,
            &created.row.id,
            &sha256_b64(&registration_token),
        )
        .await?;
        Ok((created, registration_token))
    })?;
    let mut body = describe(&state, &created.row).await?;
    if let Value::Object(map) = &mut body {
        map.insert(
            "registration_access_token".into(),
            json!(registration_token),
        );
        if let Some(secret) = created.secret {
            map.insert("client_secret".into(), json!(secret));
        }
    }
    Ok(answer(StatusCode::CREATED, body))
}

/// Why a registration's transaction rolls back: the request is refused (after the initial
/// access token was spent in it, which the rollback undoes), or the database failed.
enum Rollback {
    Refused(OAuthError),
    Database(sqlx::Error),
}

impl From<sqlx::Error> for Rollback {
    fn from(e: sqlx::Error) -> Self {
        Rollback::Database(e)
    }
}

impl crate::store::Retry for Rollback {
    fn is_conflict(&self) -> bool {
        matches!(self, Rollback::Database(e) if crate::store::is_conflict(e))
    }
}

impl From<Rollback> for OAuthError {
    fn from(e: Rollback) -> Self {
        match e {
            Rollback::Refused(e) => e,
            Rollback::Database(e) => e.into(),
        }
    }
}

/// Checks the registration access token for `client_id`; the same 401 for an unknown client.
async fn authorize_management(
    state: &AppState,
    headers: &HeaderMap,
    client_id: &str,
) -> Result<ClientRow, OAuthError> {
    let presented = sha256_b64(bearer(headers)?);
    let stored = client_rows::find_registration_token_hash(&state.db, client_id)
        .await?
        .unwrap_or_default();
    if stored.is_empty() || !constant_time_eq(presented.as_bytes(), stored.as_bytes()) {
        return Err(OAuthError::invalid_token(
            "the registration access token is not valid for this client",
        ));
    }
    client_rows::find_oidc_client(&state.db, client_id)
        .await?
        .ok_or_else(|| {
            OAuthError::invalid_token("the registration access token is not valid for this client")
        })
}

/// `GET /register/{client_id}` (RFC 7592 §2.1)
pub async fn read(
    State(state): State<AppState>,
    Path(id): Path<String>,
    headers: HeaderMap,
) -> Result<Response, OAuthError> {
    let row = authorize_management(&state, &headers, &id).await?;
    Ok(answer(StatusCode::OK, describe(&state, &row).await?))
}

/// `PUT /register/{client_id}` (RFC 7592 §2.2): the body replaces the metadata.
pub async fn update(
    State(state): State<AppState>,
    Path(id): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, OAuthError> {
    let row = authorize_management(&state, &headers, &id).await?;
    let value: Value = serde_json::from_slice(&body).map_err(|e| {
        metadata_error(
            "invalid_client_metadata",
            format!("the body is not JSON: {e}"),
        )
    })?;
    if value.get("client_id").and_then(|c| c.as_str()) != Some(id.as_str()) {
        return Err(metadata_error(
            "invalid_client_metadata",
            "client_id in the body must be this client's".into(),
        ));
    }
    if value.get("client_secret").is_some() {
        return Err(metadata_error(
            "invalid_client_metadata",
            "client_secret cannot be set".into(),
        ));
    }
    let request = parse_metadata(&body)?;
    // A restricted scope the operator granted may be kept, never newly claimed.
    let granted = scope_set(&row.scopes);
    let keeps_only_granted = scope_set(request.scope.as_deref().unwrap_or(""))
        .iter()
        .all(|s| !RESTRICTED_SCOPES.contains(&s.as_str()) || granted.contains(s));
    let valid = clients::validate(&request, keeps_only_granted)?;
    if valid.auth_method.as_str() != row.auth_method {
        return Err(metadata_error(
            "invalid_client_metadata",
            "token_endpoint_auth_method cannot change; register a new client instead".into(),
        ));
    }
    crate::transaction!(state.db, sqlx::Error, |tx| {
        clients::update_in(tx, &id, &valid, state.clock.now()).await
    })?;
    state.reads.changed();
    let row = client_rows::find_oidc_client(&state.db, &id)
        .await?
        .ok_or_else(OAuthError::server_error)?;
    Ok(answer(StatusCode::OK, describe(&state, &row).await?))
}

/// `DELETE /register/{client_id}` (RFC 7592 §2.3): the client and everything it holds go.
pub async fn delete(
    State(state): State<AppState>,
    Path(id): Path<String>,
    headers: HeaderMap,
) -> Result<Response, OAuthError> {
    authorize_management(&state, &headers, &id).await?;
    client_rows::delete_client(&state.db, &id).await?;
    state.reads.changed();
    let mut r = StatusCode::NO_CONTENT.into_response();
    no_store(&mut r);
    Ok(r)
}

#[cfg(test)]
mod fuzz;
