//! Signing in to the portal: the portal is a relying party of its own provider. It sends the
//! developer to `/authorize` with its own client, PKCE S256, `state` and `nonce`, like any
//! relying party; the person signs in and consents on the same pages; back at
//! `/portal/callback` the code is redeemed at the token endpoint's own handler (in-process:
//! no network hop to ourselves) and the ID token's `sub`, `name` and `email` identify the
//! developer.

use askama::Template;
use askama_web::WebTemplate;
use axum::{
    body::Bytes,
    extract::{Query, State},
    http::{HeaderMap, HeaderValue, header},
    response::{IntoResponse, Redirect, Response},
};
use base64::{
    Engine,
    engine::general_purpose::{STANDARD as B64_STD, URL_SAFE_NO_PAD as B64},
};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use tower_sessions::Session;

use super::Developer;
use crate::{
    config::Issuer,
    crypto::secrets::{constant_time_eq, random_token, sha256_b64},
    error::AppError,
    state::AppState,
    store::{Db, Lock, clients, oauth, portal},
    web::{i18n::Lang, pages::Layout},
};

/// The portal's own client.
pub const PORTAL_CLIENT_ID: &str = "civitas-portal";
/// The server secret the portal authenticates with (every instance reads the same one).
const SECRET_NAME: &str = "portal-client-secret";
/// Where the sign-in in progress waits in the portal session.
const PENDING: &str = "civitas.portal.signin";

/// Registers (or brings up to date) the portal's own client: its callback under the issuer,
/// `profile email`, a secret shared by all instances. In demo mode the population is made of
/// test persons, so the portal is a sandbox client there; otherwise production (developers
/// are real, identified persons). Returns the client secret.
pub async fn ensure_client(
    db: &Db,
    issuer: &Issuer,
    demo: bool,
    now: i64,
) -> anyhow::Result<String> {
    let secret = oauth::ensure_server_secret(db, SECRET_NAME, &random_token(32), now).await?;
    let environment = if demo {
        clients::SANDBOX
    } else {
        clients::PRODUCTION
    };
    let callback = issuer.endpoint("/portal/callback");
    let row = clients::ClientRow {
        id: PORTAL_CLIENT_ID.to_owned(),
        display_name: "Civitas developer portal".into(),
        purpose: "To sign you in to the developer portal, where your organisation registers \
                  the services that use Civitas"
            .into(),
        logo_uri: None,
        application_type: "web".into(),
        auth_method: "client_secret_basic".into(),
        secret_hash: Some(sha256_b64(&secret)),
        jwks: None,
        jwks_uri: None,
        id_token_alg: "ES256".into(),
        scopes: "email openid profile".into(),
        sector_id: format!("client:{PORTAL_CLIENT_ID}"),
        status: "active".into(),
        status_reason: None,
        created_at: now,
        updated_at: now,
        min_acr: None,
        optional_scopes: String::new(),
        logo_type: None,
        grant_types: "authorization_code".into(),
        environment: environment.to_owned(),
        organisation_id: None,
        sandbox_client_id: None,
        previous_secret_hash: None,
        previous_secret_expires_at: None,
        secret_changed_at: None,
        protocol: clients::OIDC.to_owned(),
        options: Default::default(),
    };
    crate::transaction!(db, anyhow::Error, |tx| {
        tx.lock(Lock::PortalClient).await?;
        match clients::find_client_in_tx(tx, PORTAL_CLIENT_ID).await? {
            None => clients::insert_client(tx, &row).await?,
            Some(existing) => {
                clients::update_client_environment(tx, PORTAL_CLIENT_ID, environment, now).await?;
                if existing.secret_hash != row.secret_hash {
                    clients::update_client_secret_rotated(
                        tx,
                        PORTAL_CLIENT_ID,
                        row.secret_hash.as_deref().unwrap_or_default(),
                        now,
                        now,
                    )
                    .await?;
                }
            }
        }
        clients::replace_client_redirect_uris(
            tx,
            PORTAL_CLIENT_ID,
            "login",
            std::slice::from_ref(&callback),
            now,
        )
        .await?;
        Ok(())
    })?;
    Ok(secret)
}

/// A sign-in on its way through `/authorize`.
#[derive(Serialize, Deserialize)]
struct PendingSignIn {
    state: String,
    nonce: String,
    verifier: String,
    created_at: i64,
    /// A portal page to come back to (an invitation).
    next: Option<String>,
}

#[derive(Deserialize, Default)]
pub struct SignInForm {
    #[serde(default)]
    next: String,
}

/// Where to go after signing in: a portal path of plain characters, or the portal's home.
fn next_path(next: &str) -> Option<String> {
    let ok = next.starts_with("/portal/")
        && !next.contains("//")
        && next
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '/' | '-' | '_'));
    ok.then(|| next.to_owned())
}

#[derive(Template, WebTemplate)]
#[template(path = "portal/landing.html")]
pub struct LandingPage {
    pub layout: Layout,
    pub organisations: Vec<(portal::OrganisationRow, String)>,
    pub developer: Option<Developer>,
    pub notice: Option<&'static str>,
}

#[derive(Deserialize, Default)]
pub struct LandingQuery {
    #[serde(default)]
    done: String,
}

/// `GET /portal`: the landing page, or the developer's organisations.
pub async fn home(
    State(state): State<AppState>,
    session: Session,
    lang: Lang,
    Query(q): Query<LandingQuery>,
) -> Result<LandingPage, AppError> {
    let developer = super::current(&state, &session).await?;
    let organisations = match &developer {
        Some(d) => portal::find_organisations_of(&state.db, &d.id).await?,
        None => Vec::new(),
    };
    let p = &lang.catalogue().portal;
    let notice = match q.done.as_str() {
        "signed-out" => Some(p.notice_signed_out),
        "joined" => Some(p.notice_joined),
        _ => None,
    };
    Ok(LandingPage {
        layout: Layout::new(lang, "/portal"),
        organisations,
        developer,
        notice,
    })
}

/// `POST /portal/signin`: starts the code flow with the portal's own client.
pub async fn signin(
    State(state): State<AppState>,
    session: Session,
    form: Result<axum::extract::Form<SignInForm>, axum::extract::rejection::FormRejection>,
) -> Result<Response, AppError> {
    let pending = PendingSignIn {
        state: random_token(16),
        nonce: random_token(16),
        verifier: random_token(32),
        created_at: state.clock.now(),
        next: form.ok().and_then(|f| next_path(&f.next)),
    };
    let challenge = B64.encode(Sha256::digest(pending.verifier.as_bytes()));
    let redirect_uri = state.config.issuer.endpoint("/portal/callback");
    let query = url::form_urlencoded::Serializer::new(String::new())
        .append_pair("response_type", "code")
        .append_pair("client_id", PORTAL_CLIENT_ID)
        .append_pair("redirect_uri", &redirect_uri)
        .append_pair("scope", "openid profile email")
        .append_pair("state", &pending.state)
        .append_pair("nonce", &pending.nonce)
        .append_pair("code_challenge", &challenge)
        .append_pair("code_challenge_method", "S256")
        .finish();
    session.insert(PENDING, &pending).await?;
    Ok(Redirect::to(&format!("/authorize?{query}")).into_response())
}

#[derive(Deserialize)]
pub struct CallbackQuery {
    #[serde(default)]
    code: Option<String>,
    #[serde(default)]
    state: Option<String>,
    #[serde(default)]
    error: Option<String>,
    #[serde(default)]
    iss: Option<String>,
}

/// Claims the portal reads from its ID token.
#[derive(Deserialize)]
struct IdClaims {
    sub: String,
    aud: String,
    nonce: Option<String>,
    name: Option<String>,
    email: Option<String>,
}

/// `GET /portal/callback`: checks `state` and `iss`, redeems the code at the token endpoint's
/// handler with the portal's secret and PKCE verifier, and signs the developer in.
pub async fn callback(
    State(state): State<AppState>,
    session: Session,
    lang: Lang,
    Query(q): Query<CallbackQuery>,
) -> Result<Response, AppError> {
    let again = || AppError::BadRequest(lang.catalogue().portal.sign_in_expired.into());
    let pending: PendingSignIn = session.remove(PENDING).await?.ok_or_else(again)?;
    let now = state.clock.now();
    let state_ok = q
        .state
        .as_deref()
        .is_some_and(|s| constant_time_eq(s.as_bytes(), pending.state.as_bytes()));
    if !state_ok || now - pending.created_at > 600 {
        return Err(again());
    }
    if q.iss.as_deref() != Some(state.config.issuer.as_str()) {
        return Err(again());
    }
    if q.error.is_some() {
        // The developer declined consent, or could not sign in.
        return Ok(Redirect::to("/portal").into_response());
    }
    let code = q.code.ok_or_else(again)?;
    let secret = &state.portal_secret;
    let body = url::form_urlencoded::Serializer::new(String::new())
        .append_pair("grant_type", "authorization_code")
        .append_pair("code", &code)
        .append_pair(
            "redirect_uri",
            &state.config.issuer.endpoint("/portal/callback"),
        )
        .append_pair("code_verifier", &pending.verifier)
        .finish();
    let mut headers = HeaderMap::new();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/x-www-form-urlencoded"),
    );
    let basic = B64_STD.encode(format!("{PORTAL_CLIENT_ID}:{secret}"));
    headers.insert(
        header::AUTHORIZATION,
        HeaderValue::from_str(&format!("Basic {basic}"))
            .map_err(|e| AppError::Internal(e.into()))?,
    );
    let response =
        crate::oidc::token::token(State(state.clone()), headers, Bytes::from(body)).await;
    let response = match response {
        Ok(r) => r,
        Err(_) => return Err(again()),
    };
    let bytes = axum::body::to_bytes(response.into_body(), 64 * 1024)
        .await
        .map_err(|e| AppError::Internal(anyhow::anyhow!("token response: {e}")))?;
    let tokens: serde_json::Value =
        serde_json::from_slice(&bytes).map_err(|e| AppError::Internal(e.into()))?;
    let claims = tokens
        .get("id_token")
        .and_then(|t| t.as_str())
        .and_then(|t| t.split('.').nth(1))
        .and_then(|p| B64.decode(p).ok())
        .and_then(|p| serde_json::from_slice::<IdClaims>(&p).ok())
        .ok_or_else(|| {
            AppError::Internal(anyhow::anyhow!("no ID token from our token endpoint"))
        })?;
    if claims.aud != PORTAL_CLIENT_ID || claims.nonce.as_deref() != Some(pending.nonce.as_str()) {
        return Err(again());
    }
    let name = claims.name.unwrap_or_else(|| "Developer".into());
    portal::upsert_developer(&state.db, &claims.sub, &name, claims.email.as_deref(), now).await?;
    super::sign_in(
        &session,
        &Developer {
            id: claims.sub,
            name,
            signed_in_at: now,
        },
    )
    .await?;
    Ok(Redirect::to(pending.next.as_deref().unwrap_or("/portal")).into_response())
}

/// `POST /portal/signout`: ends the portal session (the Civitas sign-in is the citizen's own).
pub async fn signout(session: Session) -> Result<Response, AppError> {
    session.flush().await?;
    Ok(Redirect::to("/portal?done=signed-out").into_response())
}
