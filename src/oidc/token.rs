//! `POST /token` (RFC 6749 §3.2): the `authorization_code` grant with PKCE (RFC 7636) and the
//! `refresh_token` grant with rotation. A replayed code revokes what it issued (RFC 6749
//! §4.1.2); a reused refresh token revokes its whole grant.

use axum::{
    Json,
    body::Bytes,
    extract::State,
    http::HeaderMap,
    response::{IntoResponse, Response},
};
use base64::{Engine, engine::general_purpose::URL_SAFE_NO_PAD as B64};
use serde_json::json;
use sha2::{Digest, Sha256};

use super::{
    claims::{self, allowed_now, scope_set, scope_string},
    client_auth::{authenticate, parse_form, require_form},
    error::{OAuthError, no_store},
    tokens::{self, SignInFacts},
};
use crate::{
    app::AppState,
    crypto::secrets::{constant_time_eq, random_token, sha256_b64},
    store::{
        Tx,
        clients::ClientRow,
        oauth::{self, GrantRow},
        persons,
    },
};

/// `POST /token`
pub async fn token(
    State(state): State<AppState>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, OAuthError> {
    require_form(&headers)?;
    let form = parse_form(&body)?;
    let endpoint = state.config.issuer.endpoint("/token");
    let client = authenticate(&state, &headers, &form, &endpoint).await?;
    let field = |name: &str| {
        form.get(name)
            .map(String::as_str)
            .filter(|v| !v.is_empty())
            .ok_or_else(|| OAuthError::invalid_request(format!("{name} is required")))
    };
    match form.get("grant_type").map(String::as_str) {
        Some("authorization_code") => {
            redeem_code(
                &state,
                &client,
                field("code")?,
                field("redirect_uri")?,
                field("code_verifier")?,
            )
            .await
        }
        Some("refresh_token") => {
            refresh(&state, &client, field("refresh_token")?, form.get("scope")).await
        }
        None => Err(OAuthError::invalid_request("grant_type is required")),
        Some(other) => Err(OAuthError::unsupported_grant_type(format!(
            "grant_type {other} is not supported: use authorization_code or refresh_token"
        ))),
    }
}

/// RFC 7636 §4.1: 43–128 unreserved characters.
fn is_valid_verifier(v: &str) -> bool {
    (43..=128).contains(&v.len())
        && v.bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"-._~".contains(&b))
}

/// Commits what happened so far (a code marked used stays used), then fails.
async fn burn(tx: Tx, error: OAuthError) -> Result<Response, OAuthError> {
    tx.commit().await?;
    Err(error)
}

async fn redeem_code(
    state: &AppState,
    client: &ClientRow,
    code: &str,
    redirect_uri: &str,
    verifier: &str,
) -> Result<Response, OAuthError> {
    if !is_valid_verifier(verifier) {
        return Err(OAuthError::invalid_request(
            "code_verifier must be 43 to 128 unreserved characters",
        ));
    }
    let now = state.clock.now();
    let code_hash = sha256_b64(code);
    let mut tx = state.db.begin().await?;
    let Some(row) = oauth::update_code_used(&mut tx, &code_hash, now).await? else {
        return match oauth::find_used_code_grant(&mut tx, &code_hash).await? {
            Some(grant) => {
                if let Some(grant_id) = grant {
                    oauth::update_grant_revoked(&mut tx, &grant_id, now).await?;
                }
                tracing::warn!(client_id = %client.id, "authorization code replayed; its grant is revoked");
                burn(tx, OAuthError::invalid_grant("the authorization code was already used; the tokens issued from it are revoked")).await
            }
            None => Err(OAuthError::invalid_grant(
                "the authorization code is not valid",
            )),
        };
    };
    if row.client_id != client.id {
        return burn(
            tx,
            OAuthError::invalid_grant("the authorization code was issued to another client"),
        )
        .await;
    }
    if row.expires_at <= now {
        return burn(
            tx,
            OAuthError::invalid_grant("the authorization code has expired"),
        )
        .await;
    }
    if row.redirect_uri != redirect_uri {
        return burn(
            tx,
            OAuthError::invalid_grant(
                "redirect_uri differs from the one in the authorization request",
            ),
        )
        .await;
    }
    let computed = B64.encode(Sha256::digest(verifier.as_bytes()));
    if !constant_time_eq(computed.as_bytes(), row.code_challenge.as_bytes()) {
        return burn(
            tx,
            OAuthError::invalid_grant("code_verifier does not match the code_challenge"),
        )
        .await;
    }

    let grant = GrantRow {
        id: random_token(16),
        person_id: row.person_id.clone(),
        client_id: client.id.clone(),
        scopes: row.scopes.clone(),
        claims: row.claims.clone(),
        acr: row.acr.clone(),
        amr: row.amr.clone(),
        auth_time: row.auth_time,
        sid: row.sid.clone(),
        created_at: now,
        revoked_at: None,
    };
    oauth::insert_grant(&mut tx, &grant).await?;
    oauth::update_code_grant(&mut tx, &code_hash, &grant.id).await?;
    let facts = SignInFacts {
        acr: &row.acr,
        amr: &row.amr,
        auth_time: row.auth_time,
        sid: &row.sid,
        nonce: row.nonce.as_deref(),
    };
    let scopes = scope_set(&grant.scopes);
    let response = issue(state, &mut tx, client, &grant, &scopes, &facts, now).await?;
    tx.commit().await?;
    Ok(response)
}

async fn refresh(
    state: &AppState,
    client: &ClientRow,
    refresh_token: &str,
    scope: Option<&String>,
) -> Result<Response, OAuthError> {
    let now = state.clock.now();
    let hash = sha256_b64(refresh_token);
    let mut tx = state.db.begin().await?;
    let token = oauth::find_token_in_tx(&mut tx, &hash)
        .await?
        .filter(|t| t.kind == "refresh")
        .ok_or_else(|| OAuthError::invalid_grant("the refresh token is not valid"))?;
    if token.client_id != client.id {
        return Err(OAuthError::invalid_grant(
            "the refresh token was issued to another client",
        ));
    }
    if token.revoked_at.is_some() || token.grant_revoked_at.is_some() {
        return Err(OAuthError::invalid_grant(
            "the refresh token has been revoked",
        ));
    }
    if token.spent_at.is_some() || !oauth::update_refresh_spent(&mut tx, &hash, now).await? {
        oauth::update_grant_revoked(&mut tx, &token.grant_id, now).await?;
        tracing::warn!(client_id = %client.id, "refresh token reused; its grant is revoked");
        return burn(
            tx,
            OAuthError::invalid_grant(
                "the refresh token was already used; the whole grant is revoked",
            ),
        )
        .await;
    }
    if token.expires_at <= now {
        return burn(
            tx,
            OAuthError::invalid_grant("the refresh token has expired"),
        )
        .await;
    }
    // Data flows only while the citizen's consent and the client's registration allow it.
    let Some(consent) =
        oauth::find_consent_in_tx(&mut tx, &token.person_id, &client.id, now).await?
    else {
        oauth::update_grant_revoked(&mut tx, &token.grant_id, now).await?;
        return burn(
            tx,
            OAuthError::invalid_grant(
                "the citizen's consent for this service has ended; sign the citizen in again",
            ),
        )
        .await;
    };
    let mut scopes: std::collections::BTreeSet<String> = scope_set(&token.scopes)
        .intersection(&allowed_now(&consent.scopes, &client.scopes))
        .cloned()
        .collect();
    if let Some(asked) = scope {
        let asked = scope_set(asked);
        if !asked.is_subset(&scopes) {
            return Err(OAuthError {
                status: axum::http::StatusCode::BAD_REQUEST,
                error: "invalid_scope",
                description: "a refresh may narrow the granted scopes, never widen them".into(),
                challenge: None,
            });
        }
        scopes = asked;
    }
    let grant = oauth::find_grant(&mut tx, &token.grant_id)
        .await?
        .ok_or_else(OAuthError::server_error)?;
    let facts = SignInFacts {
        acr: &grant.acr,
        amr: &grant.amr,
        auth_time: grant.auth_time,
        sid: &grant.sid,
        nonce: None,
    };
    let response = issue(state, &mut tx, client, &grant, &scopes, &facts, now).await?;
    tx.commit().await?;
    Ok(response)
}

/// New access and refresh tokens for a grant, and an ID token; written in `tx`. A refresh
/// token never outlives its grant's first refresh-token lifetime: rotation does not extend it.
async fn issue(
    state: &AppState,
    tx: &mut Tx,
    client: &ClientRow,
    grant: &GrantRow,
    scopes: &std::collections::BTreeSet<String>,
    facts: &SignInFacts<'_>,
    now: i64,
) -> Result<Response, OAuthError> {
    let person = persons::find_person_in_tx(tx, &grant.person_id)
        .await?
        .ok_or_else(|| OAuthError::invalid_grant("the person of this grant no longer exists"))?;
    let access = random_token(32);
    let refresh = random_token(32);
    let refresh_expires = grant.created_at + tokens::REFRESH_TOKEN_LIFETIME;
    oauth::insert_tokens(
        tx,
        &grant.id,
        &scope_string(scopes),
        (&sha256_b64(&access), now + tokens::ACCESS_TOKEN_LIFETIME),
        (refresh_expires > now)
            .then(|| (sha256_b64(&refresh), refresh_expires))
            .as_ref()
            .map(|(h, e)| (h.as_str(), *e)),
        now,
    )
    .await?;
    let released = claims::identity_claims(&person, scopes);
    let id_token = tokens::id_token(state, client, &person, &released, facts, &access, now).await?;
    // The release and its ledger record commit together, or neither does.
    let mut names: Vec<&str> = vec!["sub"];
    names.extend(released.keys().map(String::as_str));
    crate::ledger::append(
        tx,
        &crate::ledger::Release {
            person_id: &person.id,
            client_id: &client.id,
            client_name: &client.display_name,
            purpose: &client.purpose,
            claims: names,
            acr: facts.acr,
            channel: "id_token",
            at: now,
        },
    )
    .await?;
    let mut body = json!({
        "access_token": access,
        "token_type": "Bearer",
        "expires_in": tokens::ACCESS_TOKEN_LIFETIME,
        "id_token": id_token,
        "scope": scope_string(scopes),
    });
    if refresh_expires > now
        && let serde_json::Value::Object(map) = &mut body
    {
        map.insert("refresh_token".into(), json!(refresh));
    }
    let mut response = Json(body).into_response();
    no_store(&mut response);
    Ok(response)
}
