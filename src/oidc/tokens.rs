//! What the token endpoint hands out: opaque access and refresh tokens (stored as hashes) and
//! signed ID tokens (OIDC Core §2).

use base64::{Engine, engine::general_purpose::URL_SAFE_NO_PAD as B64};
use serde_json::{Value, json};
use sha2::{Digest, Sha256};

use super::error::OAuthError;
use crate::{
    crypto::{Alg, jwe, jws},
    state::AppState,
    store::{clients::ClientRow, persons::PersonRow},
};

/// Lifetimes, in seconds.
pub const CODE_LIFETIME: i64 = 60;
pub const ACCESS_TOKEN_LIFETIME: i64 = 600;
pub const REFRESH_TOKEN_LIFETIME: i64 = 30 * 24 * 3600;
pub const ID_TOKEN_LIFETIME: i64 = 300;

/// What an ID token says about a sign-in.
pub struct SignInFacts<'a> {
    pub acr: &'a str,
    pub amr: &'a str,
    pub auth_time: i64,
    pub sid: &'a str,
    pub nonce: Option<&'a str>,
}

/// OIDC Core §3.1.3.6: the left half of the SHA-256 of the access token, base64url.
pub fn at_hash(access_token: &str) -> String {
    let digest = Sha256::digest(access_token.as_bytes());
    B64.encode(&digest[..16])
}

/// Builds and signs an ID token for `client` with the algorithm it registered, carrying the
/// identity claims being released.
pub async fn id_token(
    state: &AppState,
    client: &ClientRow,
    person: &PersonRow,
    released: &serde_json::Map<String, Value>,
    facts: &SignInFacts<'_>,
    access_token: &str,
    now: i64,
) -> Result<String, OAuthError> {
    let alg = Alg::parse_jws(&client.id_token_alg).unwrap_or(Alg::Es256);
    let Some((kid, signer)) = state.keys.signing_key(alg).await else {
        tracing::error!(alg = alg.as_str(), "no usable signing key");
        return Err(OAuthError::unavailable());
    };
    let mut body = json!({
        "iss": state.config.issuer.as_str(),
        "sub": state.pairwise.subject(&client.sector_id, &person.id),
        "aud": client.id,
        "exp": now + ID_TOKEN_LIFETIME,
        "iat": now,
        "auth_time": facts.auth_time,
        "acr": facts.acr,
        "amr": facts.amr.split(' ').filter(|a| !a.is_empty()).collect::<Vec<_>>(),
        "at_hash": at_hash(access_token),
        "sid": facts.sid,
    });
    if let (Some(nonce), Value::Object(map)) = (facts.nonce, &mut body) {
        map.insert("nonce".into(), json!(nonce));
    }
    if let Value::Object(map) = &mut body {
        map.extend(released.clone());
    }
    jws::sign(&signer, &kid, &body).map_err(|e| {
        tracing::error!(error = %e, "ID token could not be serialised");
        OAuthError::server_error()
    })
}

/// Encrypts a signed ID token to the client's key when it registered
/// `id_token_encrypted_response_alg`: a nested JWT, the JWS inside a JWE (`cty: JWT`).
pub async fn encrypt_id_token(
    state: &AppState,
    client: &ClientRow,
    jws: String,
) -> Result<String, OAuthError> {
    match &client.options.id_token_enc_alg {
        None => Ok(jws),
        Some(alg) => encrypt_for(state, client, alg, jws.as_bytes(), Some("JWT")).await,
    }
}

/// Encrypts `plaintext` (a JWS, `cty: JWT`; or JSON claims, no `cty`) to the client's
/// current `use: enc` key for `alg`, with A256GCM. A client whose keys cannot be had, or hold no such key, gets no token: sending
/// it in the clear would break the client's rule.
pub async fn encrypt_for(
    state: &AppState,
    client: &ClientRow,
    alg: &str,
    plaintext: &[u8],
    cty: Option<&str>,
) -> Result<String, OAuthError> {
    let unusable = |why: &str| {
        tracing::warn!(client_id = %client.id, why, "no key to encrypt to");
        // Not the client's credentials at fault: nothing is sent until a key can be had.
        OAuthError {
            description: format!(
                "this client asks for encrypted responses but {why}; publish a key with use enc for {alg}"
            ),
            ..OAuthError::unavailable()
        }
    };
    let alg_kind = jwe::KeyAlg::parse(alg).ok_or_else(|| unusable("its algorithm is unknown"))?;
    let set = state
        .client_keys
        .raw_for_client(client)
        .await
        .map_err(|e| unusable(&e))?;
    let key = jwe::pick_encryption_key(&set, alg_kind)
        .ok_or_else(|| unusable("its keys hold no encryption key of that kind"))?;
    jwe::encrypt(plaintext, key, alg_kind, jwe::ContentAlg::A256Gcm, cty)
        .map_err(|e| unusable(&e.to_string()))
}
