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

/// Clock skew allowed on an assertion's `exp`.
const ASSERTION_LEEWAY: i64 = 30;

/// Longest lifetime of a FAPI client's assertion (`iat` → `exp`).
pub const FAPI_ASSERTION_LIFETIME: i64 = 60;

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
    let accepted = signing_algs(client);
    if !accepted.contains(&alg) {
        return Err(OAuthError::invalid_client(format!(
            "client_assertion alg {alg:?} is not accepted: use {}",
            alg_names(accepted)
        ))
        .because(Kind::AssertionAlgorithm));
    }
    let (key, decoding) = verifying_key(state, client, &header)
        .await
        .map_err(|e| match e {
            KeyError::Unavailable(d) => {
                OAuthError::invalid_client(d).because(Kind::AssertionKeysUnavailable)
            }
            KeyError::Unknown => OAuthError::invalid_client(
                "client_assertion is not signed by a key registered for this client",
            )
            .because(Kind::AssertionKeyUnknown),
            KeyError::Unusable => {
                OAuthError::invalid_client("a registered key of this client cannot be used")
                    .because(Kind::AssertionKeyUnusable)
            }
        })?;

    let issuer = &state.config.issuer;
    let mut validation = jsonwebtoken::Validation::new(alg);
    // FAPI 2.0 §5.3.2.1: the issuer, and only the issuer, is the audience.
    if client.is_fapi() {
        validation.set_audience(&[issuer.as_str()]);
    } else {
        validation.set_audience(&[
            issuer.as_str().to_owned(),
            issuer.endpoint("/token"),
            endpoint.to_owned(),
        ]);
    }
    validation.set_issuer(&[client.id.as_str()]);
    validation.sub = Some(client.id.clone());
    validation.set_required_spec_claims(&["exp", "aud", "iss", "sub"]);
    // `exp` is checked against the service's clock below, as every other time.
    validation.validate_exp = false;
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
                K::InvalidAudience if client.is_fapi() => (
                    Kind::AssertionAudience,
                    format!(
                        "client_assertion aud must be the issuer, {}, and nothing else (FAPI 2.0)",
                        issuer.as_str()
                    ),
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
    // FAPI 2.0: `aud` is the issuer as one string; `jsonwebtoken` accepts an array that
    // merely contains it.
    if client.is_fapi()
        && data.claims.get("aud").and_then(serde_json::Value::as_str) != Some(issuer.as_str())
    {
        return Err(OAuthError::invalid_client(format!(
            "client_assertion aud must be the issuer, {}, as one string (FAPI 2.0)",
            issuer.as_str()
        ))
        .because(Kind::AssertionAudience));
    }
    let now = state.clock.now();
    let exp = data.claims.get("exp").and_then(|e| e.as_i64()).unwrap_or(0);
    if exp + ASSERTION_LEEWAY <= now {
        return Err(OAuthError::invalid_client("client_assertion has expired")
            .because(Kind::AssertionExpired));
    }
    // FAPI 2.0 (as Singpass asks): short-lived assertions, `exp` at most 60 s after `iat`.
    if client.is_fapi() {
        let iat = data.claims.get("iat").and_then(serde_json::Value::as_i64);
        match iat {
            None => {
                return Err(OAuthError::invalid_client(
                    "client_assertion lacks iat (required under FAPI 2.0)",
                )
                .because(Kind::AssertionClaimMissing));
            }
            Some(iat) if exp - iat > FAPI_ASSERTION_LIFETIME || iat > now + 30 => {
                return Err(OAuthError::invalid_client(format!(
                    "client_assertion exp must be at most {FAPI_ASSERTION_LIFETIME} seconds after iat, and iat not in the future (FAPI 2.0)"
                ))
                .because(Kind::AssertionLifetime));
            }
            Some(_) => {}
        }
    }
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
    if let Some(kid) = super::client_keys::key_name(&key)
        && state.client_keys.key_use_is_due(&client.id, &kid)
    {
        record_key_use(state, client.id.clone(), kid, now);
    }
    Ok(())
}

/// JWS algorithms a client's signed requests (assertions, request objects) may use: ES256 and
/// PS256 under FAPI 2.0 (§5.4), ES256, PS256 and RS256 otherwise.
pub fn signing_algs(client: &ClientRow) -> &'static [jsonwebtoken::Algorithm] {
    use jsonwebtoken::Algorithm as A;
    if client.is_fapi() {
        &[A::ES256, A::PS256]
    } else {
        &[A::ES256, A::PS256, A::RS256]
    }
}

/// The names of `algs`, for error messages.
pub fn alg_names(algs: &[jsonwebtoken::Algorithm]) -> String {
    algs.iter()
        .map(|a| format!("{a:?}"))
        .collect::<Vec<_>>()
        .join(" or ")
}

/// Why no key of the client verifies a JWS.
pub enum KeyError {
    /// The client's keys could not be had (an unreachable `jwks_uri`): the text says why.
    Unavailable(String),
    /// No registered signing key fits the JWS's `kid` and algorithm.
    Unknown,
    /// The fitting key cannot be made a verifying key.
    Unusable,
}

/// The client's registered key that verifies a JWS with `header` (whose `alg` the caller has
/// checked): the one its `kid` names, or the only signing key of the algorithm's family. Keys
/// published for encryption (`use: enc`) never verify.
pub async fn verifying_key(
    state: &AppState,
    client: &ClientRow,
    header: &jsonwebtoken::Header,
) -> Result<(jsonwebtoken::jwk::Jwk, jsonwebtoken::DecodingKey), KeyError> {
    use jsonwebtoken::jwk::{AlgorithmParameters as P, PublicKeyUse};
    let jwks = state
        .client_keys
        .for_client(client, header.kid.as_deref())
        .await
        .map_err(KeyError::Unavailable)?;
    let fits = |k: &&jsonwebtoken::jwk::Jwk| {
        let family = match header.alg {
            jsonwebtoken::Algorithm::ES256 => matches!(k.algorithm, P::EllipticCurve(_)),
            _ => matches!(k.algorithm, P::RSA(_)),
        };
        // A key that names its algorithm verifies that one only.
        let alg_ok = k
            .common
            .key_algorithm
            .is_none_or(|a| format!("{a:?}") == format!("{:?}", header.alg));
        // FAPI 2.0 §5.4.1 (and sense): RSA keys of at least 2048 bits.
        let size_ok = match &k.algorithm {
            P::RSA(rsa) => super::clients::rsa_modulus_bits(&rsa.n) >= 2048,
            _ => true,
        };
        family && alg_ok && size_ok && k.common.public_key_use != Some(PublicKeyUse::Encryption)
    };
    let key = match &header.kid {
        Some(kid) => jwks.find(kid).filter(fits),
        None => {
            let mut candidates = jwks.keys.iter().filter(fits);
            match (candidates.next(), candidates.next()) {
                (Some(k), None) => Some(k),
                _ => None,
            }
        }
    }
    .ok_or(KeyError::Unknown)?;
    let decoding = jsonwebtoken::DecodingKey::from_jwk(key).map_err(|_| KeyError::Unusable)?;
    Ok((key.clone(), decoding))
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
