//! `GET|POST /userinfo` (OIDC Core §5.3): the consented claims for a bearer access token.

use axum::{
    Json,
    body::Bytes,
    extract::State,
    http::{HeaderMap, Method, header},
    response::{IntoResponse, Response},
};
use serde_json::{Value, json};

use super::{
    claims::{allowed_now, released, requested_claims, scope_set},
    client_auth::parse_form,
    clients::permitted_scopes,
    error::{OAuthError, no_store},
};
use crate::{crypto::secrets::sha256_b64, state::AppState, store::oauth};

/// The access token from `Authorization: Bearer` or, for POST, the form body (RFC 6750 §2).
fn bearer(method: &Method, headers: &HeaderMap, body: &[u8]) -> Result<String, OAuthError> {
    let from_header = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| {
            v.strip_prefix("Bearer ")
                .or_else(|| v.strip_prefix("bearer "))
        })
        .map(|t| t.trim().to_owned());
    let from_body = if *method == Method::POST && !body.is_empty() {
        parse_form(body)?.remove("access_token")
    } else {
        None
    };
    match (from_header, from_body) {
        (Some(_), Some(_)) => Err(OAuthError::invalid_request("send the access token once")),
        (Some(t), None) | (None, Some(t)) => Ok(t),
        (None, None) => Err(OAuthError::invalid_token("an access token is required")),
    }
}

/// `GET /userinfo` and `POST /userinfo`
pub async fn userinfo(
    State(state): State<AppState>,
    method: Method,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, OAuthError> {
    let token = bearer(&method, &headers, &body)?;
    let now = state.clock.now();
    let row = oauth::find_token(&state.db, &sha256_b64(&token))
        .await?
        .filter(|t| t.kind == "access")
        .ok_or_else(|| OAuthError::invalid_token("the access token is not valid"))?;
    if row.revoked_at.is_some() || row.grant_revoked_at.is_some() {
        return Err(OAuthError::invalid_token(
            "the access token has been revoked",
        ));
    }
    if row.expires_at <= now {
        return Err(OAuthError::invalid_token("the access token has expired"));
    }
    let client = state
        .reads
        .oidc_client(&row.client_id)
        .await?
        .filter(|c| c.status == "active")
        .ok_or_else(|| OAuthError::invalid_token("the client of this token is disabled"))?;
    // Only what the citizen still consents to and the client is still registered for.
    let consent = oauth::find_consent(&state.db, &row.person_id, &client.id, now)
        .await?
        .ok_or_else(|| {
            OAuthError::invalid_token("the citizen's consent for this service has ended")
        })?;
    let allowed = allowed_now(&consent.scopes, &permitted_scopes(&client));
    let scopes: std::collections::BTreeSet<String> = scope_set(&row.scopes)
        .intersection(&allowed)
        .cloned()
        .collect();
    let individual = requested_claims(&row.claims, "userinfo", &allowed);
    let person =
        state.reads.person(&row.person_id).await?.ok_or_else(|| {
            OAuthError::invalid_token("the person of this token no longer exists")
        })?;
    let released = released(&person, &scopes, &individual);
    let mut claims = vec!["sub".to_owned()];
    claims.extend(released.keys().cloned());
    let record = crate::ledger::ReleaseRecord {
        person_id: person.id.clone(),
        client_id: client.id.clone(),
        client_name: client.display_name.clone(),
        purpose: client.purpose.clone(),
        claims,
        acr: row.acr.clone(),
        channel: "userinfo",
        at: now,
    };
    // The answer leaves only once its ledger record is committed.
    let release = crate::store::writer::Issue {
        release: Some(record),
        ..Default::default()
    };
    state.writer.issue(release, now).await?;
    let mut body = json!({ "sub": state.pairwise.subject(&client.sector_id, &person.id) });
    if let Value::Object(map) = &mut body {
        map.extend(released);
    }
    let mut response = Json(body).into_response();
    no_store(&mut response);
    Ok(response)
}
