//! `POST /par`: pushed authorization requests (RFC 9126). The client authenticates, sends
//! its authorization request (as form parameters or a signed request object) over the back
//! channel, and gets a single-use `request_uri` that lives 60 seconds; the browser then
//! carries only `client_id` and that `request_uri` to `/authorize`. The request is checked
//! here as `/authorize` would, so a bad one is refused to the client, not shown to a person.

use axum::{
    Json,
    body::Bytes,
    extract::State,
    http::{HeaderMap, StatusCode},
    response::{IntoResponse, Response},
};
use serde_json::json;

use super::{
    authorize::client_view,
    authorize_request::{self, AuthorizeError},
    client_auth::{authenticate, parse_form, require_form},
    client_failures::{self, Endpoint, FailureKind as Kind},
    dpop_proofs,
    error::{OAuthError, no_store},
};
use crate::{
    crypto::secrets::{random_token, sha256_b64},
    state::AppState,
    store::{clients::ClientRow, pushed},
};

/// How a `request_uri` from this endpoint begins (RFC 9126 §2.2).
pub const REQUEST_URI_PREFIX: &str = "urn:ietf:params:oauth:request_uri:";
/// How long a pushed request may wait for the browser.
pub const LIFETIME: i64 = 60;

/// Form parameters that authenticate the client rather than make up the request.
const AUTH_PARAMS: &[&str] = &["client_assertion", "client_assertion_type", "client_secret"];

/// `POST /par`
pub async fn par(
    State(state): State<AppState>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, OAuthError> {
    let mut client = None;
    let answer = answer(&state, &headers, &body, &mut client).await;
    if let Err(e) = &answer
        && e.kind != Some(Kind::DpopNonceRequired)
    {
        client_failures::record_refusal(
            &state,
            Endpoint::Authorize,
            e,
            client.as_ref(),
            &headers,
            &body,
        )
        .await;
    }
    answer.map_err(|e| match &client {
        Some(c) => e.for_client(&c.id),
        None => e,
    })
}

async fn answer(
    state: &AppState,
    headers: &HeaderMap,
    body: &[u8],
    client: &mut Option<ClientRow>,
) -> Result<Response, OAuthError> {
    require_form(headers)?;
    let form = parse_form(body)?;
    let endpoint = state.config.issuer.endpoint("/par");
    let client = client.insert(authenticate(state, headers, &form, &endpoint).await?);
    if form.contains_key("request_uri") {
        return Err(OAuthError::invalid_request(
            "request_uri cannot be pushed (RFC 9126 §2.1): send the request's parameters or a request object",
        )
        .because(Kind::RequestUriUnsupported));
    }
    // The proof (and a nonce it may lack) first: a request object's jti is spent only once
    // the request can succeed, so a client retrying with a nonce may send the same object.
    let proven = dpop_proofs::check(state, headers, "POST", "/par", None, false).await?;
    let mut params: Vec<(String, String)> = match form.get("request") {
        Some(jwt) => {
            // RFC 9126 §3: with a request object, the parameters are the object's. One sent
            // beside it would be ignored; refused instead, so nothing meant (a dpop_jkt) is lost.
            if let Some((outside, _)) = form.iter().find(|(k, _)| {
                !AUTH_PARAMS.contains(&k.as_str()) && !matches!(k.as_str(), "client_id" | "request")
            }) {
                return Err(OAuthError::invalid_request(format!(
                    "with a request object, send every parameter inside it ({outside} was sent outside)"
                ))
                .because(Kind::RequestObjectInvalid));
            }
            let params = super::request_object::verify(state, client, jwt)
                .await?
                .map_err(|(kind, d)| {
                    OAuthError {
                        error: "invalid_request_object",
                        ..OAuthError::invalid_request(d)
                    }
                    .because(kind)
                })?;
            // RFC 9126 §3: only the object's parameters count; client_id as authenticated.
            params
                .into_iter()
                .filter(|(k, _)| k != "client_id")
                .collect()
        }
        None => form
            .iter()
            .filter(|(k, _)| !AUTH_PARAMS.contains(&k.as_str()) && *k != "client_id")
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect(),
    };
    params.push(("client_id".into(), client.id.clone()));

    // Checked now, so the client hears about a bad request (RFC 9126 §2.3).
    let view = client_view(state, &client.id)
        .await
        .map_err(|_| OAuthError::server_error())?;
    if let Err(e) = authorize_request::parse(&params, |_| view) {
        let (error, kind, description) = match e {
            AuthorizeError::Page {
                error,
                kind,
                description,
                ..
            } => (error, kind, description),
            AuthorizeError::Redirect(r, kind) => (r.error, kind, r.description),
        };
        return Err(OAuthError {
            error,
            ..OAuthError::invalid_request(description)
        }
        .because(kind));
    }

    // RFC 9449 §10: the code is bound to the key of the DPoP proof sent here, or to dpop_jkt.
    let named = params
        .iter()
        .find(|(k, _)| k == "dpop_jkt")
        .map(|(_, v)| v.clone());
    let dpop_jkt = match (proven, named) {
        (Some(p), Some(named)) if p.jkt != named => {
            return Err(OAuthError::dpop(
                "invalid_dpop_proof",
                "dpop_jkt differs from the thumbprint of the DPoP proof's key",
                false,
            )
            .because(Kind::DpopKeyMismatch));
        }
        (Some(p), _) => Some(p.jkt),
        (None, Some(named)) => {
            if !dpop_proofs::is_thumbprint(&named) {
                return Err(OAuthError::invalid_request(
                    "dpop_jkt must be a SHA-256 JWK thumbprint (43 base64url characters)",
                )
                .because(Kind::DpopProofInvalid));
            }
            Some(named)
        }
        (None, None) => None,
    };

    let handle = random_token(32);
    let now = state.clock.now();
    let row = pushed::PushedRow {
        request_uri_hash: sha256_b64(&handle),
        client_id: client.id.clone(),
        params: serde_json::to_string(&params).map_err(|_| OAuthError::server_error())?,
        dpop_jkt,
        created_at: now,
        expires_at: now + LIFETIME,
        used_at: None,
    };
    state
        .writer
        .write(move |tx| {
            let row = row.clone();
            Box::pin(async move { pushed::insert_pushed(tx, &row).await })
        })
        .await?;
    let mut response = (
        StatusCode::CREATED,
        Json(json!({
            "request_uri": format!("{REQUEST_URI_PREFIX}{handle}"),
            "expires_in": LIFETIME,
        })),
    )
        .into_response();
    no_store(&mut response);
    if let Some(nonce) = dpop_proofs::next_nonce(state)
        && let Ok(v) = nonce.parse()
    {
        response.headers_mut().insert("dpop-nonce", v);
    }
    Ok(response)
}
