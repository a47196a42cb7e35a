//! `GET|POST /authorize` (OIDC Core §3.1.2) and `GET /authorize/resume`.
//!
//! A checked request either gets its answer at once (a code, or an error for the client) or
//! waits in the browser session while the person signs in (`/signin`) or decides on consent
//! (`/consent`); those steps send the person to `/authorize/resume?continue=ID`. The pending
//! request is bound to the session, lives ten minutes and is taken out once.

use std::collections::BTreeSet;

use askama::Template;
use askama_web::WebTemplate;
use axum::{
    body::Bytes,
    extract::{Query, State},
    http::{HeaderMap, Method, Uri},
    response::{IntoResponse, Redirect, Response},
};
use serde::{Deserialize, Serialize};
use tower_sessions::Session;

use super::{
    authorize_request::{
        self, ACR_VALUES, AuthorizationRequest, AuthorizeError, ClientView, ErrorRedirect,
        ResponseMode,
    },
    claims::{scope_set, scope_string, with_requested_claims},
    client_failures::{self, Endpoint, Failure, FailureKind},
    redirect_uri::{ApplicationType, RedirectUri},
    tokens::CODE_LIFETIME,
};
use crate::{
    crypto::secrets::{random_token, sha256_b64},
    error::AppError,
    state::AppState,
    store::oauth::{self, CodeRow},
    web::{
        compression::Uncompressed,
        i18n::{Lang, UI_LOCALES_COOKIE},
        security::FormTargets,
        sessions::{SignedIn, signed_in},
    },
};

/// How long a request may wait for sign-in and consent.
const PENDING_LIFETIME: i64 = 600;

pub fn pending_key(id: &str) -> String {
    format!("civitas.pending.{id}")
}

/// The redirect URI of the request waiting under `id`, for the pages of its flow (whose forms
/// may end there: see `web::security::FormTargets`).
pub async fn pending_redirect_uri(session: &Session, id: &str) -> Option<String> {
    let pending: Pending = session.get(&pending_key(id)).await.ok()??;
    Some(pending.request.redirect_uri)
}

/// The request waiting under `id` in this session, if it has not expired; it stays waiting
/// (`resume` takes it out).
pub async fn waiting(session: &Session, id: &str, now: i64) -> Result<Option<Pending>, AppError> {
    let pending: Option<Pending> = session.get(&pending_key(id)).await?;
    Ok(pending.filter(|p| now - p.created_at <= PENDING_LIFETIME))
}

/// A request waiting in the session for sign-in or consent.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Pending {
    pub request: AuthorizationRequest,
    /// The scopes asked for, with those of individually requested claims.
    pub scopes: BTreeSet<String>,
    pub created_at: i64,
    /// The citizen allowed this one release without remembering it.
    #[serde(default)]
    pub consented_once: bool,
    /// The client is a sandbox client: test persons only (a production client: real only).
    #[serde(default)]
    pub sandbox: bool,
    /// A SAML AuthnRequest: answered with an assertion (or a SAML status) at its consumer
    /// service rather than with a code at the redirect URI.
    #[serde(default)]
    pub saml: Option<crate::saml::sso::SamlContext>,
    /// The DPoP key the code will be bound to (from the pushed request).
    #[serde(default)]
    pub dpop_jkt: Option<String>,
}

/// `GET /authorize` and `POST /authorize`
pub async fn authorize(
    State(state): State<AppState>,
    session: Session,
    lang: Lang,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, AppError> {
    if method == Method::POST {
        // A cross-site POST carries no SameSite=Lax session cookie: answer it with a redirect
        // to the same request by GET, which the browser sends with the cookie.
        let is_form = headers
            .get(axum::http::header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.starts_with("application/x-www-form-urlencoded"));
        if !is_form {
            return Err(AppError::BadRequest(
                "An authorization request must be sent as a form.".into(),
            ));
        }
        let query = url::form_urlencoded::Serializer::new(String::new())
            .extend_pairs(url::form_urlencoded::parse(&body))
            .finish();
        return Ok(Redirect::to(&format!("/authorize?{query}")).into_response());
    }
    let raw: Vec<(String, String)> =
        url::form_urlencoded::parse(uri.query().unwrap_or("").as_bytes())
            .into_owned()
            .collect();
    let client_id = raw
        .iter()
        .find(|(k, _)| k == "client_id")
        .map(|(_, v)| v.clone());
    let client = match client_id {
        Some(id) => client_view(&state, &id).await?,
        None => None,
    };
    let (raw, dpop_jkt) = match unwrap_request(&state, raw, client.as_ref()).await? {
        Ok(unwrapped) => unwrapped,
        Err((kind, description, message)) => {
            if let Some(c) = &client {
                failed(&state, &c.id, "invalid_request", kind, &description).await;
            }
            return Err(AppError::UnverifiedAuthorization {
                error: "invalid_request",
                message,
                client_id: client.map(|c| c.id),
            });
        }
    };
    let request = match authorize_request::parse(&raw, |_| client.clone()) {
        Ok(r) => r,
        Err(AuthorizeError::Page {
            error,
            message,
            kind,
            description,
        }) => {
            if let Some(c) = &client {
                failed(&state, &c.id, error, kind, &description).await;
            }
            return Err(AppError::UnverifiedAuthorization {
                error,
                message,
                client_id: client.map(|c| c.id),
            });
        }
        Err(AuthorizeError::Redirect(e, kind)) => {
            if let Some(c) = &client {
                failed(&state, &c.id, e.error, kind, &e.description).await;
            }
            return Ok(error_response(&state, e));
        }
    };
    // The service's `ui_locales` choose the language of this sign-in's pages (OIDC Core
    // §3.1.2.1), over the person's own choice, until the answer goes back to the service.
    let ui_lang = request
        .ui_locales
        .as_deref()
        .and_then(Lang::from_ui_locales);
    let lang = ui_lang.unwrap_or(lang);
    let sandbox = client.as_ref().is_some_and(|c| c.sandbox);
    let allowed = client.map(|c| c.scopes).unwrap_or_default();
    let scopes = with_requested_claims(&request.scopes, &request.claims, &allowed);
    let pending = Pending {
        request,
        scopes,
        created_at: state.clock.now(),
        consented_once: false,
        sandbox,
        saml: None,
        dpop_jkt,
    };
    let mut response = decide(&state, &session, lang, pending, false).await?;
    let answered = response
        .headers()
        .get_all(axum::http::header::SET_COOKIE)
        .iter()
        .any(|v| v.as_bytes().starts_with(UI_LOCALES_COOKIE.as_bytes()));
    if ui_lang.is_some() && !answered {
        response.headers_mut().append(
            axum::http::header::SET_COOKIE,
            crate::web::i18n::ui_locales_cookie(ui_lang, state.config.issuer.is_https()),
        );
    }
    Ok(response)
}

/// A refused way of sending the request: failure kind, description for the client's
/// failures list, and the message the person sees (the redirect URI is not verified yet).
type Unwrapped = Result<(Vec<(String, String)>, Option<String>), (FailureKind, String, String)>;

/// The request's parameters as the client meant them: from its pushed request
/// (`request_uri`, taken out once), from its signed request object (`request`), or from the
/// query. Also the DPoP key a pushed request binds the code to. A client that must push its
/// requests (or every client, `[oidc] require_par`) can use no other way, and `purpose` is
/// taken only from a request the client signed or pushed.
async fn unwrap_request(
    state: &AppState,
    raw: Vec<(String, String)>,
    client: Option<&ClientView>,
) -> Result<Unwrapped, AppError> {
    let (params, pushed_jkt) = match unwrap_params(state, raw, client).await? {
        Ok(unwrapped) => unwrapped,
        Err(refusal) => return Ok(Err(refusal)),
    };
    if pushed_jkt.is_some() {
        return Ok(Ok((params, pushed_jkt)));
    }
    // RFC 9449 §10: `dpop_jkt` binds the code whichever way the request came.
    let named = params
        .iter()
        .find(|(k, _)| k == "dpop_jkt")
        .map(|(_, v)| v.clone());
    match named {
        Some(j) if !super::dpop_proofs::is_thumbprint(&j) => Ok(Err((
            FailureKind::DpopProofInvalid,
            "dpop_jkt must be a SHA-256 JWK thumbprint (43 base64url characters)".into(),
            "The service sent a sign-in request Civitas does not accept.".into(),
        ))),
        named => Ok(Ok((params, named))),
    }
}

/// [`unwrap_request`] but for `dpop_jkt` outside a pushed request.
async fn unwrap_params(
    state: &AppState,
    raw: Vec<(String, String)>,
    client: Option<&ClientView>,
) -> Result<Unwrapped, AppError> {
    let get = |name: &str| raw.iter().find(|(k, _)| k == name).map(|(_, v)| v.clone());
    let refuse = |kind, description: &str, message: &str| {
        Ok(Err((kind, description.to_owned(), message.to_owned())))
    };
    let Some(client) = client.filter(|c| c.is_active) else {
        // `parse` says what is wrong with the client.
        return Ok(Ok((raw, None)));
    };
    if let Some(request_uri) = get("request_uri") {
        if raw.iter().any(|(k, _)| k == "request") {
            return refuse(
                FailureKind::RequestObjectUnsupported,
                "request and request_uri were both sent",
                "The service sent its sign-in request in two ways at once, so Civitas cannot tell which to follow.",
            );
        }
        let Some(handle) = request_uri.strip_prefix(super::par::REQUEST_URI_PREFIX) else {
            return refuse(
                FailureKind::RequestUriUnsupported,
                "request_uri is not one the PAR endpoint issued; Civitas fetches nothing",
                "The service sent a sign-in request Civitas does not accept.",
            );
        };
        let now = state.clock.now();
        let hash = sha256_b64(handle);
        let taken = state
            .writer
            .write(move |tx| {
                let hash = hash.clone();
                Box::pin(async move { crate::store::pushed::take_pushed(tx, &hash, now).await })
            })
            .await?;
        let expired = "This sign-in request has expired or was already used. Go back to the service and start again.";
        let Some(pushed) = taken.filter(|p| p.client_id == client.id) else {
            return refuse(
                FailureKind::RequestUriInvalid,
                "request_uri is unknown, already used, or of another client",
                expired,
            );
        };
        if pushed.expires_at <= now {
            return refuse(
                FailureKind::RequestUriInvalid,
                "request_uri has expired (it lives 60 seconds)",
                expired,
            );
        }
        let params: Vec<(String, String)> =
            serde_json::from_str(&pushed.params).unwrap_or_default();
        return Ok(Ok((params, pushed.dpop_jkt)));
    }
    if client.require_par || state.config.oidc.require_par {
        return refuse(
            FailureKind::ParRequired,
            "this client must use pushed authorization requests (request_uri from the PAR endpoint)",
            "The service sent its sign-in request in a way Civitas does not accept for it.",
        );
    }
    if let Some(jwt) = get("request") {
        let row = state
            .reads
            .oidc_client(&client.id)
            .await?
            .ok_or(AppError::NotFound)?;
        let params = match super::request_object::verify(state, &row, &jwt).await? {
            Ok(params) => params,
            Err((kind, description)) => {
                return refuse(
                    kind,
                    &description,
                    "The service's signed sign-in request could not be verified, so Civitas will not act on it.",
                );
            }
        };
        // RFC 9101 §6.3: client_id outside must match the one the object is checked for.
        if get("client_id").as_deref() != Some(client.id.as_str()) {
            return refuse(
                FailureKind::RequestObjectInvalid,
                "client_id outside the request object differs",
                "The service's signed sign-in request could not be verified.",
            );
        }
        let mut params = params;
        if !params.iter().any(|(k, _)| k == "client_id") {
            params.push(("client_id".into(), client.id.clone()));
        }
        return Ok(Ok((params, None)));
    }
    if raw.iter().any(|(k, _)| k == "purpose") {
        return refuse(
            FailureKind::PurposeInvalid,
            "purpose is accepted only in a signed request object or a pushed request",
            "The service sent a sign-in request Civitas does not accept.",
        );
    }
    Ok(Ok((raw, None)))
}

/// Starts a request made by another protocol (SAML) on the same way through sign-in and
/// consent.
pub(crate) async fn start(
    state: &AppState,
    session: &Session,
    lang: Lang,
    pending: Pending,
) -> Result<Response, AppError> {
    decide(state, session, lang, pending, false).await
}

/// The answer to a request that ends in `error`: a redirect with the OAuth error, or a SAML
/// status at the consumer service.
pub(crate) async fn answer_error(
    state: &AppState,
    pending: &Pending,
    error: &'static str,
    description: &str,
) -> Result<Response, AppError> {
    match &pending.saml {
        Some(ctx) => {
            let status = crate::saml::sso::status_for(error, description);
            crate::saml::sso::status_response(state, ctx, &status).await
        }
        None => Ok(error_response(
            state,
            redirect_error(&pending.request, error, description),
        )),
    }
}

#[derive(Deserialize)]
pub struct ResumeQuery {
    #[serde(rename = "continue")]
    id: String,
}

/// `GET /authorize/resume?continue=ID`: back from sign-in or consent.
pub async fn resume(
    State(state): State<AppState>,
    session: Session,
    lang: Lang,
    Query(q): Query<ResumeQuery>,
) -> Result<Response, AppError> {
    let expired = || {
        AppError::BadRequest(
            "This sign-in request has expired or was already used. Go back to the service and start again.".into(),
        )
    };
    let pending: Pending = session
        .remove(&pending_key(&q.id))
        .await?
        .ok_or_else(expired)?;
    if state.clock.now() - pending.created_at > PENDING_LIFETIME {
        return Err(expired());
    }
    decide(&state, &session, lang, pending, true).await
}

/// Records a failed request of a registered client (see `client_failures`).
async fn failed(
    state: &AppState,
    client_id: &str,
    error: &str,
    kind: FailureKind,
    description: &str,
) {
    let failure = Failure {
        client_id,
        endpoint: Endpoint::Authorize,
        error,
        kind,
        description,
    };
    client_failures::record(state, failure).await;
}

/// An error for the verified client of `p`, recorded in its failures list.
async fn refused(
    state: &AppState,
    p: &Pending,
    kind: FailureKind,
    error: &'static str,
    description: &str,
) -> Result<Response, AppError> {
    failed(state, &p.request.client_id, error, kind, description).await;
    answer_error(state, p, error, description).await
}

pub(crate) async fn client_view(
    state: &AppState,
    id: &str,
) -> Result<Option<ClientView>, AppError> {
    let Some(row) = state.reads.oidc_client(id).await? else {
        return Ok(None);
    };
    let app = ApplicationType::parse(&row.application_type).unwrap_or(ApplicationType::Web);
    let redirect_uris = state
        .reads
        .login_redirect_uris(id)
        .await?
        .iter()
        .filter_map(|u| RedirectUri::parse(u, app).ok())
        .collect();
    Ok(Some(ClientView {
        scopes: super::clients::permitted_scopes(&row),
        sandbox: row.is_sandbox(),
        id: row.id,
        is_active: row.status == "active",
        application_type: app,
        redirect_uris,
        min_acr: row.min_acr,
        require_par: row.options.require_par,
    }))
}

fn acr_rank(acr: &str) -> usize {
    ACR_VALUES.iter().position(|a| *a == acr).unwrap_or(0)
}

/// The highest assurance the request asks for (its `acr_values` with the client's minimum).
pub fn highest_acr(r: &AuthorizationRequest) -> Option<&str> {
    r.acr_values
        .iter()
        .max_by_key(|a| acr_rank(a))
        .map(String::as_str)
}

/// Whether the session's sign-in satisfies the request, or the person must sign in (again).
fn needs_sign_in(p: &Pending, who: Option<&SignedIn>, now: i64, resumed: bool) -> bool {
    let Some(who) = who else { return true };
    let r = &p.request;
    // prompt=login: a sign-in that happened after the request, and only then.
    if r.prompt.login && !(resumed && who.auth_time >= p.created_at) {
        return true;
    }
    // max_age: a sign-in older than that, unless it happened during this very request.
    let fresh_here = resumed && who.auth_time >= p.created_at;
    if !fresh_here
        && r.max_age
            .is_some_and(|max| now - who.auth_time > max as i64)
    {
        return true;
    }
    highest_acr(r).is_some_and(|w| acr_rank(&who.acr) < acr_rank(w))
}

/// Signs in, asks for consent, or answers: the heart of the endpoint.
async fn decide(
    state: &AppState,
    session: &Session,
    lang: Lang,
    pending: Pending,
    resumed: bool,
) -> Result<Response, AppError> {
    let now = state.clock.now();
    let who = signed_in(session, &state.config.sessions, now).await?;
    let r = &pending.request;
    if needs_sign_in(&pending, who.as_ref(), now, resumed) {
        if r.prompt.none {
            return refused(
                state,
                &pending,
                FailureKind::LoginRequired,
                "login_required",
                "the person must sign in",
            )
            .await;
        }
        return park(session, pending, "/signin").await;
    }
    let Some(who) = who else {
        return park(session, pending, "/signin").await;
    };
    // Sandbox clients sign in test persons only, production clients real persons only: never
    // one for the other's, whatever the session holds. Before consent, so nothing is shared.
    let is_test = state
        .reads
        .person(&who.person_id)
        .await?
        .is_some_and(|p| p.test);
    if is_test != pending.sandbox {
        let description = if pending.sandbox {
            "a sandbox client signs in test persons only"
        } else {
            "a production client signs in real persons only"
        };
        let error = if r.prompt.none {
            "login_required"
        } else {
            "access_denied"
        };
        failed(
            state,
            &r.client_id,
            error,
            FailureKind::WrongEnvironment,
            description,
        )
        .await;
        if r.prompt.none {
            // No page may be shown: this sign-in cannot be used for this client.
            return answer_error(
                state,
                &pending,
                "login_required",
                "the person signed in cannot sign in to a client of this environment",
            )
            .await;
        }
        return super::wrong_environment::page(state, session, lang, pending).await;
    }
    // "Only this time" answered one request; it answers no other.
    let consent = oauth::find_consent(&state.db, &who.person_id, &r.client_id, now)
        .await?
        .filter(oauth::ConsentRow::is_remembered);
    let consented = pending.consented_once
        || consent.as_ref().is_some_and(|c| {
            let given = scope_set(&c.scopes);
            // Optional data the citizen left out counts as answered: not asked again.
            let declined = scope_set(&c.declined_scopes);
            let fresh = !r.prompt.consent || (resumed && c.granted_at >= pending.created_at);
            fresh
                && pending
                    .scopes
                    .iter()
                    .all(|s| s == "openid" || given.contains(s) || declined.contains(s))
        });
    if !consented {
        if r.prompt.none {
            return refused(
                state,
                &pending,
                FailureKind::ConsentRequired,
                "consent_required",
                "the person has not agreed to share this data",
            )
            .await;
        }
        return park(session, pending, "/consent").await;
    }
    // The code carries what the citizen agreed to: optional data they left out stays out.
    let mut scopes = pending.scopes.clone();
    if !pending.consented_once
        && let Some(c) = &consent
    {
        let given = scope_set(&c.scopes);
        scopes.retain(|s| s == "openid" || given.contains(s));
    }
    if pending.saml.is_some() {
        return crate::saml::sso::answer(state, &who, &pending, &scopes, now).await;
    }
    issue_code(state, &who, &pending, &scopes, now).await
}

pub fn redirect_error(
    r: &AuthorizationRequest,
    error: &'static str,
    description: &str,
) -> ErrorRedirect {
    ErrorRedirect {
        redirect_uri: r.redirect_uri.clone(),
        response_mode: r.response_mode,
        error,
        description: description.to_owned(),
        state: r.state.clone(),
    }
}

/// Keeps the request in the session and sends the person to `step`.
async fn park(session: &Session, pending: Pending, step: &str) -> Result<Response, AppError> {
    let id = keep(session, &pending).await?;
    Ok(Redirect::to(&format!("{step}?continue={id}")).into_response())
}

/// Keeps the request waiting in the session under a new id, which it returns.
pub(super) async fn keep(session: &Session, pending: &Pending) -> Result<String, AppError> {
    let id = random_token(16);
    session.insert(&pending_key(&id), pending).await?;
    Ok(id)
}

async fn issue_code(
    state: &AppState,
    who: &SignedIn,
    pending: &Pending,
    scopes: &std::collections::BTreeSet<String>,
    now: i64,
) -> Result<Response, AppError> {
    let r = &pending.request;
    // Scopes added only because one of their claims was asked for by name release that claim
    // alone: the code keeps the requested scopes, and the named claims the citizen agreed to.
    let claims: std::collections::BTreeMap<_, std::collections::BTreeMap<_, _>> = r
        .claims
        .iter()
        .map(|(target, names)| {
            let names = names
                .iter()
                .filter(|(name, _)| {
                    super::claims::claim_scope(name).is_some_and(|s| scopes.contains(s))
                })
                .map(|(name, essential)| (name.clone(), *essential))
                .collect();
            (target.clone(), names)
        })
        .collect();
    let scopes: std::collections::BTreeSet<String> = scopes
        .iter()
        .filter(|s| r.scopes.contains(*s))
        .cloned()
        .collect();
    let code = random_token(32);
    let row = CodeRow {
        code_hash: sha256_b64(&code),
        client_id: r.client_id.clone(),
        person_id: who.person_id.clone(),
        redirect_uri: r.redirect_uri.clone(),
        code_challenge: r.code_challenge.clone(),
        nonce: r.nonce.clone(),
        scopes: scope_string(&scopes),
        claims: serde_json::to_string(&claims).unwrap_or_else(|_| "{}".into()),
        acr: who.acr.clone(),
        amr: who.amr.join(" "),
        auth_time: who.auth_time,
        sid: who.sid.clone(),
        created_at: now,
        expires_at: now + CODE_LIFETIME,
        used_at: None,
        grant_id: None,
        dpop_jkt: pending.dpop_jkt.clone(),
        purpose: r.purpose.clone(),
    };
    // Answered only once the code is committed; written with other requests' writes.
    let write = crate::store::writer::Issue {
        code: Some(row),
        ..Default::default()
    };
    state.writer.issue(write, now).await?;
    let mut params = vec![("code", code.as_str())];
    if let Some(s) = &r.state {
        params.push(("state", s));
    }
    let issuer = state.config.issuer.as_str();
    params.push(("iss", issuer));
    Ok(respond(state, &r.redirect_uri, r.response_mode, &params))
}

/// An error for a verified client, with `state` and `iss` (RFC 9207).
pub fn error_response(state: &AppState, e: ErrorRedirect) -> Response {
    let mut params = vec![
        ("error", e.error),
        ("error_description", e.description.as_str()),
    ];
    if let Some(s) = &e.state {
        params.push(("state", s));
    }
    params.push(("iss", state.config.issuer.as_str()));
    respond(state, &e.redirect_uri, e.response_mode, &params)
}

#[derive(Template, WebTemplate)]
#[template(path = "oidc/form_post.html")]
struct FormPost<'a> {
    lang: Lang,
    t: &'static crate::web::i18n::Messages,
    action: &'a str,
    params: &'a [(&'a str, &'a str)],
}

/// Delivers the response by redirect (query) or by an auto-submitted form (form_post). The
/// sign-in is over: the service's `ui_locales` no longer choose the language.
fn respond(
    state: &AppState,
    redirect_uri: &str,
    mode: ResponseMode,
    params: &[(&str, &str)],
) -> Response {
    let mut response = respond_with(redirect_uri, mode, params);
    response.headers_mut().append(
        axum::http::header::SET_COOKIE,
        crate::web::i18n::ui_locales_cookie(None, state.config.issuer.is_https()),
    );
    response
}

fn respond_with(redirect_uri: &str, mode: ResponseMode, params: &[(&str, &str)]) -> Response {
    match mode {
        ResponseMode::Query => {
            let query = url::form_urlencoded::Serializer::new(String::new())
                .extend_pairs(params)
                .finish();
            let sep = if redirect_uri.contains('?') { '&' } else { '?' };
            Redirect::to(&format!("{redirect_uri}{sep}{query}")).into_response()
        }
        ResponseMode::FormPost => {
            let lang = crate::web::pages::current_lang();
            let mut response = FormPost {
                lang,
                t: lang.messages(),
                action: redirect_uri,
                params,
            }
            .into_response();
            // The form posts to the relying party; and it carries the code beside `state`,
            // which the client chose: not compressed (see `web::compression`).
            response
                .extensions_mut()
                .insert(FormTargets::redirect_to(redirect_uri));
            response.extensions_mut().insert(Uncompressed);
            response
        }
    }
}
