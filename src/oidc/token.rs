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
    client_failures::{self, Endpoint, FailureKind as Kind},
    clients::{OFFLINE_ACCESS, permitted_scopes},
    dpop_proofs,
    error::{OAuthError, no_store},
    tokens::{self, SignInFacts},
};
use crate::{
    crypto::secrets::{constant_time_eq, random_token, sha256_b64},
    state::AppState,
    store::{
        clients::ClientRow,
        oauth::{self, GrantRow},
    },
};

/// `POST /token`
pub async fn token(
    State(state): State<AppState>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, OAuthError> {
    let mut client = None;
    let answer = answer(&state, &headers, &body, &mut client).await;
    if let Err(e) = &answer {
        client_failures::record_refusal(
            &state,
            Endpoint::Token,
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

/// The answer to a token request; `client` is set once the client has authenticated.
async fn answer(
    state: &AppState,
    headers: &HeaderMap,
    body: &[u8],
    client: &mut Option<ClientRow>,
) -> Result<Response, OAuthError> {
    require_form(headers)?;
    let form = parse_form(body)?;
    let endpoint = state.config.issuer.endpoint("/token");
    let client = client.insert(authenticate(state, headers, &form, &endpoint).await?);
    let proven = dpop_proofs::check(state, headers, "POST", "/token", None, false).await?;
    if proven.is_none() && client.options.dpop_bound {
        return Err(OAuthError::dpop(
            "invalid_dpop_proof",
            "this client's tokens are DPoP-bound: send a DPoP proof with every token request",
            false,
        )
        .because(Kind::DpopProofMissing)
        .with_dpop_nonce(dpop_proofs::next_nonce(state)));
    }
    let jkt = proven.map(|p| p.jkt);
    let mut response = grant(state, client, &form, jkt.as_deref()).await?;
    if let Some(nonce) = dpop_proofs::next_nonce(state)
        && let Ok(v) = nonce.parse()
    {
        response.headers_mut().insert("dpop-nonce", v);
    }
    Ok(response)
}

/// The grant the authenticated client asked for.
/// `jkt`: the key of the request's DPoP proof, which the access token is bound to.
async fn grant(
    state: &AppState,
    client: &ClientRow,
    form: &std::collections::BTreeMap<String, String>,
    jkt: Option<&str>,
) -> Result<Response, OAuthError> {
    let field = |name: &str| {
        form.get(name)
            .map(String::as_str)
            .filter(|v| !v.is_empty())
            .ok_or_else(|| {
                OAuthError::invalid_request(format!("{name} is required"))
                    .because(Kind::ParameterMissing)
            })
    };
    match form.get("grant_type").map(String::as_str) {
        Some("authorization_code") => {
            redeem_code(
                state,
                client,
                field("code")?,
                field("redirect_uri")?,
                field("code_verifier")?,
                jkt,
            )
            .await
        }
        Some("refresh_token") if !client.has_refresh_grant() => {
            Err(OAuthError::unauthorized_client(
                "this client is not registered for the refresh_token grant",
            )
            .because(Kind::RefreshNotRegistered))
        }
        Some("refresh_token") => {
            refresh(
                state,
                client,
                field("refresh_token")?,
                form.get("scope"),
                jkt,
            )
            .await
        }
        None => Err(OAuthError::invalid_request("grant_type is required")
            .because(Kind::GrantTypeUnsupported)),
        Some(other) => Err(OAuthError::unsupported_grant_type(format!(
            "grant_type {other} is not supported: use authorization_code or refresh_token"
        ))
        .because(Kind::GrantTypeUnsupported)),
    }
}

/// RFC 7636 §4.1: 43–128 unreserved characters.
fn is_valid_verifier(v: &str) -> bool {
    (43..=128).contains(&v.len())
        && v.bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"-._~".contains(&b))
}

/// Marks a code used (a code that failed a check is spent all the same).
async fn burn_code(state: &AppState, code_hash: &str, now: i64) -> Result<(), OAuthError> {
    let code_hash = code_hash.to_owned();
    state
        .writer
        .write(move |tx| {
            let code_hash = code_hash.clone();
            Box::pin(async move { oauth::update_code_used(tx, &code_hash, now).await.map(drop) })
        })
        .await?;
    Ok(())
}

/// A code presented again: the tokens issued from it are revoked (RFC 6749 §4.1.2).
async fn replayed(
    state: &AppState,
    client: &ClientRow,
    code_hash: &str,
    now: i64,
) -> Result<Response, OAuthError> {
    let code_hash = code_hash.to_owned();
    let revoked = state
        .writer
        .write(move |tx| {
            let code_hash = code_hash.clone();
            Box::pin(async move {
                let grant = oauth::find_used_code_grant(tx, &code_hash).await?;
                if let Some(Some(grant_id)) = &grant {
                    oauth::update_grant_revoked(tx, grant_id, now).await?;
                }
                Ok(grant.is_some())
            })
        })
        .await?;
    if revoked {
        tracing::warn!(client_id = %client.id, "authorization code replayed; its grant is revoked");
        Err(OAuthError::invalid_grant(
            "the authorization code was already used; the tokens issued from it are revoked",
        )
        .because(Kind::CodeReplayed))
    } else {
        Err(
            OAuthError::invalid_grant("the authorization code is not valid")
                .because(Kind::CodeInvalid),
        )
    }
}

/// Revokes a whole grant (a reused refresh token, an ended consent).
async fn revoke_grant(state: &AppState, grant_id: &str, now: i64) -> Result<(), OAuthError> {
    let grant_id = grant_id.to_owned();
    state
        .writer
        .write(move |tx| {
            let grant_id = grant_id.clone();
            Box::pin(async move { oauth::update_grant_revoked(tx, &grant_id, now).await })
        })
        .await?;
    Ok(())
}

async fn redeem_code(
    state: &AppState,
    client: &ClientRow,
    code: &str,
    redirect_uri: &str,
    verifier: &str,
    jkt: Option<&str>,
) -> Result<Response, OAuthError> {
    if !is_valid_verifier(verifier) {
        return Err(OAuthError::invalid_request(
            "code_verifier must be 43 to 128 unreserved characters",
        )
        .because(Kind::VerifierMalformed));
    }
    let now = state.clock.now();
    let code_hash = sha256_b64(code);
    let Some(row) = oauth::find_code(&state.db, &code_hash).await? else {
        return Err(
            OAuthError::invalid_grant("the authorization code is not valid")
                .because(Kind::CodeInvalid),
        );
    };
    if row.used_at.is_some() {
        return replayed(state, client, &code_hash, now).await;
    }
    let computed = B64.encode(Sha256::digest(verifier.as_bytes()));
    let failed = if row.client_id != client.id {
        Some((
            Kind::CodeOtherClient,
            "the authorization code was issued to another client",
        ))
    } else if row.expires_at <= now {
        Some((Kind::CodeExpired, "the authorization code has expired"))
    } else if row.redirect_uri != redirect_uri {
        Some((
            Kind::RedirectUriMismatch,
            "redirect_uri differs from the one in the authorization request",
        ))
    } else if !constant_time_eq(computed.as_bytes(), row.code_challenge.as_bytes()) {
        Some((
            Kind::PkceMismatch,
            "code_verifier does not match the code_challenge",
        ))
    } else {
        None
    };
    if let Some((kind, why)) = failed {
        burn_code(state, &code_hash, now).await?;
        return Err(OAuthError::invalid_grant(why).because(kind));
    }
    // RFC 9449 §10: a code pushed with a DPoP key is redeemed with a proof of that key.
    if let Some(bound) = &row.dpop_jkt
        && jkt != Some(bound.as_str())
    {
        burn_code(state, &code_hash, now).await?;
        return Err(OAuthError::dpop(
            "invalid_dpop_proof",
            "the authorization code is bound to another DPoP key than this proof's",
            false,
        )
        .because(Kind::DpopKeyMismatch));
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
        purpose: row.purpose.clone(),
    };
    let facts = SignInFacts {
        acr: &row.acr,
        amr: &row.amr,
        auth_time: row.auth_time,
        sid: &row.sid,
        nonce: row.nonce.as_deref(),
    };
    let scopes = scope_set(&grant.scopes);
    let issued = prepare(
        state,
        client,
        &grant,
        (&scopes, &permitted_scopes(client)),
        &facts,
        (now, jkt, true),
    )
    .await?;
    // Single use: only the first redemption finds the code unused.
    let mut writes = issued.writes.clone().issue();
    writes.use_code = Some(code_hash);
    writes.grant = Some(grant);
    let redeemed = state.writer.issue(writes, now).await?;
    if !redeemed {
        return replayed(state, client, &sha256_b64(code), now).await;
    }
    Ok(issued.response())
}

async fn refresh(
    state: &AppState,
    client: &ClientRow,
    refresh_token: &str,
    scope: Option<&String>,
    jkt: Option<&str>,
) -> Result<Response, OAuthError> {
    let now = state.clock.now();
    let hash = sha256_b64(refresh_token);
    // One read: the token, its grant and the citizen's consent.
    let token = oauth::find_refresh_context(&state.db, &hash, now)
        .await?
        .filter(|t| t.kind == "refresh")
        .ok_or_else(|| {
            OAuthError::invalid_grant("the refresh token is not valid")
                .because(Kind::RefreshInvalid)
        })?;
    if token.client_id != client.id {
        return Err(
            OAuthError::invalid_grant("the refresh token was issued to another client")
                .because(Kind::RefreshOtherClient),
        );
    }
    if token.token_revoked_at.is_some() || token.grant_revoked_at.is_some() {
        return Err(
            OAuthError::invalid_grant("the refresh token has been revoked")
                .because(Kind::RefreshRevoked),
        );
    }
    let reused = || async {
        revoke_grant(state, &token.grant_id, now).await?;
        tracing::warn!(client_id = %client.id, "refresh token reused; its grant is revoked");
        Err(OAuthError::invalid_grant(
            "the refresh token was already used; the whole grant is revoked",
        )
        .because(Kind::RefreshReused))
    };
    if token.spent_at.is_some() {
        return reused().await;
    }
    if token.expires_at <= now {
        return Err(OAuthError::invalid_grant("the refresh token has expired")
            .because(Kind::RefreshExpired));
    }
    // OIDC Core §11: without offline_access, access ends with the citizen's sign-in session
    // (signing out, its expiry, "sign out everywhere").
    if !scope_set(&token.token_scopes).contains(OFFLINE_ACCESS) && token.session_live == 0 {
        revoke_grant(state, &token.grant_id, now).await?;
        return Err(OAuthError::invalid_grant(
            "the citizen's sign-in session has ended and offline_access was not granted; sign the citizen in again",
        )
        .because(Kind::SessionEnded));
    }
    // Data flows only while the citizen's consent and the client's registration allow it.
    let Some(consented) = &token.consent_scopes else {
        revoke_grant(state, &token.grant_id, now).await?;
        return Err(OAuthError::invalid_grant(
            "the citizen's consent for this service has ended; sign the citizen in again",
        )
        .because(Kind::ConsentEnded));
    };
    let allowed = allowed_now(consented, &permitted_scopes(client));
    let mut scopes: std::collections::BTreeSet<String> = scope_set(&token.token_scopes)
        .intersection(&allowed)
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
                dpop_nonce: None,
                kind: Some(Kind::ScopeWidened),
                client_id: None,
            });
        }
        scopes = asked;
    }
    let grant = token.grant();
    let rotate = !client.is_fapi();
    let facts = SignInFacts {
        acr: &grant.acr,
        amr: &grant.amr,
        auth_time: grant.auth_time,
        sid: &grant.sid,
        nonce: None,
    };
    let issued = prepare(
        state,
        client,
        &grant,
        (&scopes, &allowed),
        &facts,
        (now, jkt, rotate),
    )
    .await?;
    // Rotation: only the first use finds the token unspent, and only while its grant stands.
    // FAPI 2.0 §5.3.2.1 asks for no rotation: the token is bound to the client's
    // private_key_jwt authentication, and a lost response must not cost the grant. It is then
    // checked live in the same transaction instead of spent.
    let mut writes = issued.writes.clone().issue();
    if rotate {
        writes.spend_refresh = Some(hash);
    } else {
        writes.keep_refresh = Some(hash);
    }
    let spent = state.writer.issue(writes, now).await?;
    if !spent {
        return reused().await;
    }
    Ok(issued.response())
}

/// What issuing writes: the new tokens and the ledger record of the ID token's release.
#[derive(Clone)]
struct Writes {
    grant_id: String,
    scopes: String,
    access: (String, i64),
    refresh: Option<(String, i64)>,
    now: i64,
    /// The DPoP key the access token is bound to.
    jkt: Option<String>,
    release: crate::ledger::ReleaseRecord,
}

impl Writes {
    /// The tokens and the release's ledger record, committed together or not at all.
    fn issue(self) -> crate::store::writer::Issue {
        let token = |kind, (hash, expires_at): (String, i64), jkt| oauth::NewToken {
            token_hash: hash,
            grant_id: self.grant_id.clone(),
            kind,
            scopes: self.scopes.clone(),
            created_at: self.now,
            expires_at,
            dpop_jkt: jkt,
        };
        // A confidential client's refresh token is bound by its authentication, not a key
        // (RFC 9449 §5): the access token alone carries `cnf.jkt`.
        let mut tokens = vec![token("access", self.access.clone(), self.jkt.clone())];
        if let Some(refresh) = self.refresh.clone() {
            tokens.push(token("refresh", refresh, None));
        }
        crate::store::writer::Issue {
            tokens,
            release: Some(self.release),
            ..Default::default()
        }
    }
}

/// A token response ready to send once its writes have committed.
struct Issued {
    body: serde_json::Value,
    writes: Writes,
}

impl Issued {
    fn response(self) -> Response {
        let mut response = Json(self.body).into_response();
        no_store(&mut response);
        response
    }
}

/// New access and refresh tokens for a grant, and a signed ID token with the claims of
/// `scopes` and the claims asked for by name whose scope is in `allowed`. A refresh token
/// only for a client registered for the grant, and never past its grant's first
/// refresh-token lifetime: rotation does not extend it. Nothing is written here: the caller
/// commits `writes` before answering.
async fn prepare(
    state: &AppState,
    client: &ClientRow,
    grant: &GrantRow,
    (scopes, allowed): (
        &std::collections::BTreeSet<String>,
        &std::collections::BTreeSet<String>,
    ),
    facts: &SignInFacts<'_>,
    (now, jkt, new_refresh): (i64, Option<&str>, bool),
) -> Result<Issued, OAuthError> {
    let person = state.reads.person(&grant.person_id).await?.ok_or_else(|| {
        OAuthError::invalid_grant("the person of this grant no longer exists")
            .because(Kind::PersonGone)
    })?;
    let access = random_token(32);
    let refresh = random_token(32);
    let refresh_expires = grant.created_at + tokens::REFRESH_TOKEN_LIFETIME;
    let refresh_expires = if client.has_refresh_grant() && new_refresh {
        refresh_expires
    } else {
        0
    };
    let individual = claims::requested_claims(&grant.claims, "id_token", allowed);
    let released = claims::released(&person, scopes, &individual);
    let id_token = tokens::id_token(state, client, &person, &released, facts, &access, now).await?;
    let id_token = tokens::encrypt_id_token(state, client, id_token).await?;
    let mut claims = vec!["sub".to_owned()];
    claims.extend(released.keys().cloned());
    let writes = Writes {
        grant_id: grant.id.clone(),
        scopes: scope_string(scopes),
        access: (sha256_b64(&access), now + tokens::ACCESS_TOKEN_LIFETIME),
        refresh: (refresh_expires > now).then(|| (sha256_b64(&refresh), refresh_expires)),
        now,
        jkt: jkt.map(str::to_owned),
        release: crate::ledger::ReleaseRecord {
            person_id: person.id.clone(),
            client_id: client.id.clone(),
            client_name: client.display_name.clone(),
            purpose: grant
                .purpose
                .clone()
                .unwrap_or_else(|| client.purpose.clone()),
            claims,
            acr: facts.acr.to_owned(),
            channel: "id_token",
            at: now,
        },
    };
    let mut body = json!({
        "access_token": access,
        "token_type": if jkt.is_some() { "DPoP" } else { "Bearer" },
        "expires_in": tokens::ACCESS_TOKEN_LIFETIME,
        "id_token": id_token,
        "scope": scope_string(scopes),
    });
    if refresh_expires > now
        && let serde_json::Value::Object(map) = &mut body
    {
        map.insert("refresh_token".into(), json!(refresh));
    }
    Ok(Issued { body, writes })
}
