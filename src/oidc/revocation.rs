//! `POST /revoke` (RFC 7009) and `POST /introspect` (RFC 7662). Both authenticate the client;
//! a client can revoke or inspect only its own tokens.

use axum::{
    Json,
    body::Bytes,
    extract::State,
    http::{HeaderMap, StatusCode},
    response::{IntoResponse, Response},
};
use serde_json::json;

use super::{
    client_auth::{authenticate, parse_form, require_form},
    error::{OAuthError, no_store},
};
use crate::{
    crypto::secrets::sha256_b64,
    state::AppState,
    store::{
        clients::{self, ClientRow},
        oauth,
    },
};

/// The common start of both endpoints: a form, an authenticated client, and the hash of the
/// token it names.
async fn token_request(
    state: &AppState,
    headers: &HeaderMap,
    body: &[u8],
    path: &str,
) -> Result<(ClientRow, String), OAuthError> {
    require_form(headers)?;
    let form = parse_form(body)?;
    let client = authenticate(state, headers, &form, &state.config.issuer.endpoint(path)).await?;
    let hash = sha256_b64(token_param(&form)?);
    Ok((client, hash))
}

fn token_param(form: &std::collections::BTreeMap<String, String>) -> Result<&str, OAuthError> {
    if let Some(hint) = form.get("token_type_hint")
        && hint != "access_token"
        && hint != "refresh_token"
    {
        return Err(OAuthError::unsupported_token_type(
            "token_type_hint must be access_token or refresh_token",
        ));
    }
    form.get("token")
        .map(String::as_str)
        .filter(|t| !t.is_empty())
        .ok_or_else(|| OAuthError::invalid_request("token is required"))
}

/// `POST /revoke`: revoking a refresh token ends its whole grant; revoking an access token ends
/// that token. Unknown tokens and other clients' tokens get the same 200 (RFC 7009 §2.2).
pub async fn revoke(
    State(state): State<AppState>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, OAuthError> {
    let (client, hash) = token_request(&state, &headers, &body, "/revoke").await?;
    let now = state.clock.now();
    if let Some(t) = oauth::find_token(&state.db, &hash).await?
        && t.client_id == client.id
    {
        if t.kind == "refresh" {
            crate::transaction!(state.db, sqlx::Error, |tx| {
                oauth::update_grant_revoked(tx, &t.grant_id, now).await
            })?;
        } else {
            oauth::update_token_revoked(&state.db, &hash, now).await?;
        }
    }
    let mut response = StatusCode::OK.into_response();
    no_store(&mut response);
    Ok(response)
}

/// `POST /introspect`
pub async fn introspect(
    State(state): State<AppState>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, OAuthError> {
    let (client, hash) = token_request(&state, &headers, &body, "/introspect").await?;
    // A DPoP proof sent here (by a DPoP-bound client) is checked as at the token endpoint;
    // with a bound token it must be of the token's key.
    let proven =
        super::dpop_proofs::check(&state, &headers, "POST", "/introspect", None, false).await?;
    let now = state.clock.now();
    let mut active = oauth::find_token(&state.db, &hash).await?.filter(|t| {
        t.client_id == client.id
            && t.revoked_at.is_none()
            && t.grant_revoked_at.is_none()
            && t.spent_at.is_none()
            && t.expires_at > now
    });
    // A refresh token without offline_access ends with the sign-in session.
    if let Some(t) = &active
        && t.kind == "refresh"
        && !super::claims::scope_set(&t.scopes).contains(super::clients::OFFLINE_ACCESS)
        && !oauth::exists_live_session(&state.db, &t.sid, now).await?
    {
        active = None;
    }
    if let (Some(p), Some(t)) = (&proven, &active)
        && t.dpop_jkt.as_ref().is_some_and(|bound| *bound != p.jkt)
    {
        return Err(OAuthError::dpop(
            "invalid_dpop_proof",
            "the DPoP proof is made with another key than the one the token is bound to",
            false,
        ));
    }
    let body = match active {
        None => json!({ "active": false }),
        Some(t) => {
            let sector = clients::find_client(&state.db, &t.client_id)
                .await?
                .map(|c| c.sector_id)
                .unwrap_or_default();
            let mut body = json!({
                "active": true,
                "scope": t.scopes,
                "client_id": t.client_id,
                "sub": state.pairwise.subject(&sector, &t.person_id),
                "token_type": match (t.kind.as_str(), &t.dpop_jkt) {
                    ("access", Some(_)) => "DPoP",
                    ("access", None) => "Bearer",
                    _ => "refresh_token",
                },
                "exp": t.expires_at,
                "iat": t.created_at,
                "iss": state.config.issuer.as_str(),
                "aud": t.client_id,
                "acr": t.acr,
                "auth_time": t.auth_time,
            });
            // RFC 9449 §6.2: the key a resource server must see proven with the token.
            if let (Some(jkt), serde_json::Value::Object(map)) = (&t.dpop_jkt, &mut body) {
                map.insert("cnf".into(), json!({ "jkt": jkt }));
            }
            body
        }
    };
    let mut response = Json(body).into_response();
    no_store(&mut response);
    Ok(response)
}
