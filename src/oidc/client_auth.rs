//! Client authentication at the token, revocation and introspection endpoints (OIDC Core §9):
//! `client_secret_basic`, `client_secret_post` and `private_key_jwt`. A client may use only
//! the method it registered; every refusal says why.

use std::collections::BTreeMap;

use axum::http::{HeaderMap, header};
use base64::{Engine, engine::general_purpose::STANDARD};

use super::{client_failures::FailureKind as Kind, clients::AuthMethod, error::OAuthError};
use crate::{
    crypto::secrets::verify_secret,
    state::AppState,
    store::{client_key_uses, clients::ClientRow, oauth},
};

const JWT_BEARER: &str = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer";

/// Longest lifetime accepted for a client assertion (now → `exp`).
const MAX_ASSERTION_LIFETIME: i64 = 300;

/// Strictly parsed `application/x-www-form-urlencoded` body: no parameter twice.
pub fn parse_form(body: &[u8]) -> Result<BTreeMap<String, String>, OAuthError> {
    let mut map = BTreeMap::new();
    for (k, v) in url::form_urlencoded::parse(body) {
        if map.insert(k.clone().into_owned(), v.into_owned()).is_some() {
            return Err(
                OAuthError::invalid_request(format!("{k} appears more than once"))
                    .because(Kind::ParameterRepeated),
            );
        }
    }
    Ok(map)
}

/// Checks the request's content type is a form.
pub fn require_form(headers: &HeaderMap) -> Result<(), OAuthError> {
    let ok = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| {
            v.split(';').next().is_some_and(|t| {
                t.trim()
                    .eq_ignore_ascii_case("application/x-www-form-urlencoded")
            })
        });
    if ok {
        Ok(())
    } else {
        Err(
            OAuthError::invalid_request("send parameters as application/x-www-form-urlencoded")
                .because(Kind::FormRequired),
        )
    }
}

/// `Authorization: Basic` credentials, form-decoded as RFC 6749 §2.3.1 requires.
fn basic_credentials(headers: &HeaderMap) -> Result<Option<(String, String)>, OAuthError> {
    let Some(value) = headers.get(header::AUTHORIZATION) else {
        return Ok(None);
    };
    let malformed = |d: &str| OAuthError::invalid_client(d).because(Kind::BasicHeaderMalformed);
    let value = value
        .to_str()
        .map_err(|_| malformed("malformed Authorization header"))?;
    let Some(encoded) = value
        .strip_prefix("Basic ")
        .or_else(|| value.strip_prefix("basic "))
    else {
        return Err(malformed(
            "the Authorization header must use the Basic scheme",
        ));
    };
    let decoded = STANDARD
        .decode(encoded.trim())
        .ok()
        .and_then(|b| String::from_utf8(b).ok())
        .ok_or_else(|| malformed("the Basic credentials are not valid base64"))?;
    let (id, secret) = decoded
        .split_once(':')
        .ok_or_else(|| malformed("the Basic credentials must be client_id:client_secret"))?;
    let decode = |s: &str| -> String {
        url::form_urlencoded::parse(format!("x={s}").as_bytes())
            .next()
            .map(|(_, v)| v.into_owned())
            .unwrap_or_default()
    };
    Ok(Some((decode(id), decode(secret))))
}

/// The client a refused request named, read leniently (for its failures list, never to
/// trust): the Basic user, else `client_id` in the body, else the assertion's `sub`.
pub fn named_client(headers: &HeaderMap, body: &[u8]) -> Option<String> {
    if let Ok(Some((id, _))) = basic_credentials(headers) {
        return Some(id);
    }
    let field = |name: &str| {
        url::form_urlencoded::parse(body)
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.into_owned())
    };
    field("client_id")
        .or_else(|| {
            let jwt = field("client_assertion")?;
            let claims =
                jsonwebtoken::dangerous::insecure_decode::<serde_json::Value>(&jwt).ok()?;
            claims.claims.get("sub")?.as_str().map(str::to_owned)
        })
        .filter(|id| !id.is_empty())
}

/// Authenticates the calling client. `endpoint` is the absolute URL called, which a client
/// assertion may name as its audience besides the issuer and the token endpoint.
pub async fn authenticate(
    state: &AppState,
    headers: &HeaderMap,
    form: &BTreeMap<String, String>,
    endpoint: &str,
) -> Result<ClientRow, OAuthError> {
    let basic = basic_credentials(headers)?;
    let post_secret = form.get("client_secret");
    let assertion = form.get("client_assertion");
    let used = [basic.is_some(), post_secret.is_some(), assertion.is_some()]
        .iter()
        .filter(|b| **b)
        .count();
    if used > 1 {
        return Err(
            OAuthError::invalid_request("use exactly one client authentication method")
                .because(Kind::ClientAuthMultiple),
        );
    }
    let (method, client_id) = match (&basic, post_secret, assertion) {
        (Some((id, _)), _, _) => (AuthMethod::ClientSecretBasic, id.clone()),
        (None, Some(_), _) => (
            AuthMethod::ClientSecretPost,
            form.get("client_id").cloned().ok_or_else(|| {
                OAuthError::invalid_client("client_secret needs client_id")
                    .because(Kind::ClientIdMissing)
            })?,
        ),
        (None, None, Some(jwt)) => {
            if form.get("client_assertion_type").map(String::as_str) != Some(JWT_BEARER) {
                return Err(OAuthError::invalid_client(format!(
                    "client_assertion_type must be {JWT_BEARER}"
                ))
                .because(Kind::AssertionTypeWrong));
            }
            let claims = jsonwebtoken::dangerous::insecure_decode::<serde_json::Value>(jwt)
                .map_err(|_| {
                    OAuthError::invalid_client("client_assertion is not a well-formed JWT")
                        .because(Kind::AssertionMalformed)
                })?;
            let sub = claims
                .claims
                .get("sub")
                .and_then(|s| s.as_str())
                .unwrap_or("")
                .to_owned();
            (AuthMethod::PrivateKeyJwt, sub)
        }
        (None, None, None) => {
            return Err(OAuthError::invalid_client(
                "client authentication is required (client_secret_basic, client_secret_post or private_key_jwt)",
            )
            .because(Kind::ClientAuthMissing));
        }
    };
    if let Some(body_id) = form.get("client_id")
        && *body_id != client_id
    {
        return Err(OAuthError::invalid_client(
            "client_id in the body differs from the authenticated client",
        )
        .because(Kind::ClientIdMismatch));
    }
    let client = state.reads.oidc_client(&client_id).await?.ok_or_else(|| {
        OAuthError::invalid_client(format!(
            "no client is registered with client_id {client_id}"
        ))
    })?;
    if client.status != "active" {
        return Err(
            OAuthError::invalid_client("this client is disabled").because(Kind::ClientDisabled)
        );
    }
    if client.auth_method != method.as_str() {
        return Err(OAuthError::invalid_client(format!(
            "this client is registered for {}, not {}",
            client.auth_method,
            method.as_str()
        ))
        .because(Kind::AuthMethodNotRegistered));
    }
    match method {
        AuthMethod::ClientSecretBasic | AuthMethod::ClientSecretPost => {
            let presented = basic
                .map(|(_, s)| s)
                .or_else(|| post_secret.cloned())
                .unwrap_or_default();
            // The current secret, or the previous one during a rotation's overlap; each
            // compared in constant time, both always (no early exit tells which matched).
            let matched = client
                .secret_hashes(state.clock.now())
                .fold(false, |ok, stored| verify_secret(&presented, stored) | ok);
            if !matched {
                return Err(OAuthError::invalid_client("the client secret is wrong")
                    .because(Kind::SecretWrong));
            }
        }
        AuthMethod::PrivateKeyJwt => {
            let jwt = assertion.map(String::as_str).unwrap_or("");
            verify_assertion(state, &client, jwt, endpoint).await?;
        }
    }
    Ok(client)
}

/// RFC 7523 §3 with OIDC Core §9: signed by a registered key (ES256 or RS256), `iss` = `sub` =
/// client_id, `aud` naming us, `exp` in the near future, `jti` never seen before.
async fn verify_assertion(
    state: &AppState,
    client: &ClientRow,
    jwt: &str,
    endpoint: &str,
) -> Result<(), OAuthError> {
    let header = jsonwebtoken::decode_header(jwt).map_err(|_| {
        OAuthError::invalid_client("client_assertion has a malformed or unsupported header")
            .because(Kind::AssertionAlgorithm)
    })?;
    let alg = header.alg;
    if !matches!(
        alg,
        jsonwebtoken::Algorithm::ES256 | jsonwebtoken::Algorithm::RS256
    ) {
        return Err(OAuthError::invalid_client(format!(
            "client_assertion alg {alg:?} is not accepted: use ES256 or RS256"
        ))
        .because(Kind::AssertionAlgorithm));
    }
    let jwks = state
        .client_keys
        .for_client(client, header.kid.as_deref())
        .await
        .map_err(|d| OAuthError::invalid_client(d).because(Kind::AssertionKeysUnavailable))?;
    let family_ok = |k: &&jsonwebtoken::jwk::Jwk| match alg {
        jsonwebtoken::Algorithm::ES256 => matches!(
            k.algorithm,
            jsonwebtoken::jwk::AlgorithmParameters::EllipticCurve(_)
        ),
        _ => matches!(k.algorithm, jsonwebtoken::jwk::AlgorithmParameters::RSA(_)),
    };
    let key = match &header.kid {
        Some(kid) => jwks.find(kid).filter(family_ok),
        None => {
            let mut candidates = jwks.keys.iter().filter(family_ok);
            match (candidates.next(), candidates.next()) {
                (Some(k), None) => Some(k),
                _ => None,
            }
        }
    }
    .ok_or_else(|| {
        OAuthError::invalid_client(
            "client_assertion is not signed by a key registered for this client",
        )
        .because(Kind::AssertionKeyUnknown)
    })?;
    let decoding = jsonwebtoken::DecodingKey::from_jwk(key).map_err(|_| {
        OAuthError::invalid_client("a registered key of this client cannot be used")
            .because(Kind::AssertionKeyUnusable)
    })?;

    let issuer = &state.config.issuer;
    let mut validation = jsonwebtoken::Validation::new(alg);
    validation.set_audience(&[
        issuer.as_str().to_owned(),
        issuer.endpoint("/token"),
        endpoint.to_owned(),
    ]);
    validation.set_issuer(&[client.id.as_str()]);
    validation.sub = Some(client.id.clone());
    validation.set_required_spec_claims(&["exp", "aud", "iss", "sub"]);
    validation.leeway = 30;
    let data =
        jsonwebtoken::decode::<serde_json::Value>(jwt, &decoding, &validation).map_err(|e| {
            use jsonwebtoken::errors::ErrorKind as K;
            let (kind, description) = match e.kind() {
                K::InvalidSignature => (
                    Kind::AssertionSignature,
                    "client_assertion signature does not verify".to_owned(),
                ),
                K::ExpiredSignature => (
                    Kind::AssertionExpired,
                    "client_assertion has expired".to_owned(),
                ),
                K::InvalidAudience => (
                    Kind::AssertionAudience,
                    format!(
                        "client_assertion aud must be {} or {}",
                        issuer.as_str(),
                        issuer.endpoint("/token")
                    ),
                ),
                K::InvalidIssuer | K::InvalidSubject => (
                    Kind::AssertionIssuer,
                    "client_assertion iss and sub must both be the client_id".to_owned(),
                ),
                K::MissingRequiredClaim(c) => (
                    Kind::AssertionClaimMissing,
                    format!("client_assertion lacks {c}"),
                ),
                _ => (
                    Kind::AssertionInvalid,
                    "client_assertion is not valid".to_owned(),
                ),
            };
            OAuthError::invalid_client(description).because(kind)
        })?;
    // RFC 7519 §4.1.1: `iss` is one string; `jsonwebtoken` also matches an array holding it.
    if !data
        .claims
        .get("iss")
        .is_some_and(serde_json::Value::is_string)
    {
        return Err(OAuthError::invalid_client(
            "client_assertion iss and sub must both be the client_id",
        )
        .because(Kind::AssertionIssuer));
    }
    let now = state.clock.now();
    let exp = data.claims.get("exp").and_then(|e| e.as_i64()).unwrap_or(0);
    if exp - now > MAX_ASSERTION_LIFETIME {
        return Err(OAuthError::invalid_client(format!(
            "client_assertion exp is more than {MAX_ASSERTION_LIFETIME} seconds away"
        ))
        .because(Kind::AssertionLifetime));
    }
    let jti = data
        .claims
        .get("jti")
        .and_then(|j| j.as_str())
        .filter(|j| !j.is_empty() && j.len() <= 256)
        .ok_or_else(|| {
            OAuthError::invalid_client("client_assertion needs a jti")
                .because(Kind::AssertionJtiMissing)
        })?;
    // Recorded with other requests' writes (group commit), before the client is trusted.
    let (client_id, jti_owned) = (client.id.clone(), jti.to_owned());
    let fresh = state
        .writer
        .write(move |tx| {
            let (client_id, jti) = (client_id.clone(), jti_owned.clone());
            Box::pin(
                async move { oauth::insert_assertion_jti(tx, &client_id, &jti, exp + 60).await },
            )
        })
        .await?;
    if !fresh {
        return Err(
            OAuthError::invalid_client("client_assertion jti was already used")
                .because(Kind::AssertionReplayed),
        );
    }
    if let Some(kid) = super::client_keys::key_name(key)
        && state.client_keys.key_use_is_due(&client.id, &kid)
    {
        record_key_use(state, client.id.clone(), kid, now);
    }
    Ok(())
}

/// Writes a key's last use for the portal's keys page, off the response path: at most once
/// every `client_keys::KEY_USE_PRECISION` per key (the caller checked), and a failure only
/// costs that record.
fn record_key_use(state: &AppState, client_id: String, kid: String, now: i64) {
    let writer = state.writer.clone();
    tokio::spawn(async move {
        let written = writer
            .write(move |tx| {
                let (client_id, kid) = (client_id.clone(), kid.clone());
                Box::pin(async move {
                    client_key_uses::upsert_client_key_use(tx, &client_id, &kid, now).await
                })
            })
            .await;
        if let Err(e) = written {
            tracing::debug!(error = %e, "a client key's use was not recorded");
        }
    });
}

#[cfg(test)]
mod fuzz;
