//! `GET|POST /userinfo` (OIDC Core §5.3): the consented claims for an access token, sent as
//! a bearer token (RFC 6750) or, for a DPoP-bound token, with the `DPoP` scheme and a proof
//! (RFC 9449 §7). The answer is JSON, or a signed and/or encrypted JWT when the client
//! registered `userinfo_signed_response_alg` / `userinfo_encrypted_response_alg`.

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
    dpop_proofs,
    error::{OAuthError, no_store},
};
use crate::{
    crypto::{Alg, jws, secrets::sha256_b64},
    state::AppState,
    store::{clients::ClientRow, oauth},
};

/// How the access token came: `Authorization: Bearer`, `Authorization: DPoP`, or the form.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Scheme {
    Bearer,
    Dpop,
}

/// The access token from `Authorization: Bearer` or `DPoP`, or, for POST, the form body
/// (RFC 6750 §2; a bearer token only).
fn bearer(
    method: &Method,
    headers: &HeaderMap,
    body: &[u8],
) -> Result<(Scheme, String), OAuthError> {
    let from_header = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| {
            let (scheme, token) = v.split_once(' ')?;
            let scheme = if scheme.eq_ignore_ascii_case("bearer") {
                Scheme::Bearer
            } else if scheme.eq_ignore_ascii_case("dpop") {
                Scheme::Dpop
            } else {
                return None;
            };
            Some((scheme, token.trim().to_owned()))
        });
    let from_body = if *method == Method::POST && !body.is_empty() {
        parse_form(body)?.remove("access_token")
    } else {
        None
    };
    match (from_header, from_body) {
        (Some(_), Some(_)) => Err(OAuthError::invalid_request("send the access token once")),
        (Some(t), None) => Ok(t),
        (None, Some(t)) => Ok((Scheme::Bearer, t)),
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
    let (scheme, token) = bearer(&method, &headers, &body)?;
    let now = state.clock.now();
    let row = oauth::find_token(&state.db, &sha256_b64(&token))
        .await?
        .filter(|t| t.kind == "access")
        .ok_or_else(|| OAuthError::invalid_token("the access token is not valid"))?;
    check_binding(&state, &headers, method.as_str(), scheme, &token, &row).await?;
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
        purpose: row
            .purpose
            .clone()
            .unwrap_or_else(|| client.purpose.clone()),
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
    let mut response = respond(&state, &client, body).await?;
    no_store(&mut response);
    if let Some(nonce) = dpop_proofs::next_nonce(&state)
        && let Ok(v) = nonce.parse()
    {
        response.headers_mut().insert("dpop-nonce", v);
    }
    Ok(response)
}

/// A DPoP-bound token needs the `DPoP` scheme and a proof of its key (with `ath`); a bearer
/// token must not claim the `DPoP` scheme (RFC 9449 §7.1–7.2).
async fn check_binding(
    state: &AppState,
    headers: &HeaderMap,
    method: &str,
    scheme: Scheme,
    token: &str,
    row: &oauth::TokenGrantRow,
) -> Result<(), OAuthError> {
    let Some(bound) = &row.dpop_jkt else {
        if scheme == Scheme::Dpop {
            return Err(OAuthError::invalid_token(
                "this access token is not DPoP-bound: send it with the Bearer scheme",
            ));
        }
        return Ok(());
    };
    if scheme != Scheme::Dpop {
        return Err(OAuthError::dpop(
            "invalid_token",
            "this access token is DPoP-bound: send it as Authorization: DPoP with a DPoP proof",
            true,
        ));
    }
    let proven = dpop_proofs::check(state, headers, method, "/userinfo", Some(token), true)
        .await?
        .ok_or_else(|| {
            OAuthError::dpop(
                "invalid_dpop_proof",
                "a DPoP proof is required with a DPoP-bound access token",
                true,
            )
        })?;
    if proven.jkt != *bound {
        return Err(OAuthError::dpop(
            "invalid_dpop_proof",
            "the DPoP proof is made with another key than the one the access token is bound to",
            true,
        ));
    }
    Ok(())
}

/// The claims as JSON, or as a JWT signed with the client's `userinfo_signed_response_alg`
/// (with `iss` and `aud`, OIDC Core §5.3.2) and/or encrypted to its key.
async fn respond(
    state: &AppState,
    client: &ClientRow,
    body: Value,
) -> Result<Response, OAuthError> {
    let o = &client.options;
    if o.userinfo_signed_alg.is_none() && o.userinfo_enc_alg.is_none() {
        return Ok(Json(body).into_response());
    }
    let (payload, cty) = match &o.userinfo_signed_alg {
        Some(alg) => {
            let alg = Alg::parse_jws(alg).unwrap_or(Alg::Es256);
            let Some((kid, signer)) = state.keys.signing_key(alg).await else {
                tracing::error!(alg = alg.as_str(), "no usable signing key");
                return Err(OAuthError::unavailable());
            };
            let mut claims = body;
            if let Value::Object(map) = &mut claims {
                map.insert("iss".into(), json!(state.config.issuer.as_str()));
                map.insert("aud".into(), json!(client.id));
            }
            let jws = jws::sign(&signer, &kid, &claims).map_err(|e| {
                tracing::error!(error = %e, "userinfo could not be serialised");
                OAuthError::server_error()
            })?;
            (jws.into_bytes(), Some("JWT"))
        }
        None => (body.to_string().into_bytes(), None),
    };
    let jwt = match &o.userinfo_enc_alg {
        Some(alg) => super::tokens::encrypt_for(state, client, alg, &payload, cty).await?,
        None => String::from_utf8(payload).map_err(|_| OAuthError::server_error())?,
    };
    Ok(([(header::CONTENT_TYPE, "application/jwt")], jwt).into_response())
}
