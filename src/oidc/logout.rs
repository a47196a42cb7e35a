//! `GET|POST /logout`: RP-Initiated Logout 1.0. With a valid `id_token_hint` for the current
//! sign-in, the session ends at once; otherwise the person confirms on a page (a link cannot
//! sign anyone out). The person returns only to a registered `post_logout_redirect_uri`.

use askama::Template;
use askama_web::WebTemplate;
use axum::{
    body::Bytes,
    extract::State,
    http::{Method, Uri},
    response::{IntoResponse, Redirect, Response},
};
use tower_sessions::Session;

use crate::{
    error::AppError,
    state::AppState,
    store::clients,
    web::{
        i18n::Lang,
        pages::Layout,
        security::FormTargets,
        sessions::{sign_out, signed_in},
    },
};

#[derive(Template, WebTemplate)]
#[template(path = "oidc/logout.html")]
struct LogoutPage {
    layout: Layout,
    confirm: bool,
    client_id: String,
    post_logout_redirect_uri: String,
    state: String,
}

/// What a verified `id_token_hint` tells: the client it was for and the session it names.
struct Hint {
    client_id: String,
    sid: Option<String>,
}

/// Checks an ID token we issued (signature, issuer); expiry does not matter for a hint.
async fn verify_hint(state: &AppState, token: &str) -> Option<Hint> {
    let header = jsonwebtoken::decode_header(token).ok()?;
    let kid = header.kid?;
    let jwk = state
        .keys
        .published()
        .await
        .into_iter()
        .find(|k| k.kid == kid)?;
    let jwk: jsonwebtoken::jwk::Jwk =
        serde_json::from_value(serde_json::to_value(jwk).ok()?).ok()?;
    let key = jsonwebtoken::DecodingKey::from_jwk(&jwk).ok()?;
    if !matches!(
        header.alg,
        jsonwebtoken::Algorithm::ES256 | jsonwebtoken::Algorithm::RS256
    ) {
        return None;
    }
    let mut v = jsonwebtoken::Validation::new(header.alg);
    v.validate_exp = false;
    v.validate_aud = false;
    v.set_required_spec_claims(&["iss", "aud"]);
    v.set_issuer(&[state.config.issuer.as_str()]);
    let data = jsonwebtoken::decode::<serde_json::Value>(token, &key, &v).ok()?;
    let client_id = match &data.claims["aud"] {
        serde_json::Value::String(s) => s.clone(),
        serde_json::Value::Array(a) if a.len() == 1 => a[0].as_str()?.to_owned(),
        _ => return None,
    };
    Some(Hint {
        client_id,
        sid: data.claims["sid"].as_str().map(str::to_owned),
    })
}

/// The parameters of a logout request; others (such as `ui_locales`) are ignored.
#[derive(Default)]
struct LogoutParams {
    id_token_hint: Option<String>,
    client_id: Option<String>,
    post_logout_redirect_uri: Option<String>,
    state: Option<String>,
}

fn parse_params(raw: &[u8]) -> Result<LogoutParams, AppError> {
    let mut p = LogoutParams::default();
    for (k, v) in url::form_urlencoded::parse(raw) {
        let slot = match k.as_ref() {
            "id_token_hint" => &mut p.id_token_hint,
            "client_id" => &mut p.client_id,
            "post_logout_redirect_uri" => &mut p.post_logout_redirect_uri,
            "state" => &mut p.state,
            _ => continue,
        };
        if slot.replace(v.into_owned()).is_some() {
            return Err(AppError::BadRequest(format!(
                "The sign-out request repeats {k}."
            )));
        }
    }
    Ok(p)
}

/// `GET /logout` and `POST /logout`, as relying parties send them.
pub async fn logout(
    State(state): State<AppState>,
    session: Session,
    lang: Lang,
    method: Method,
    uri: Uri,
    body: Bytes,
) -> Result<Response, AppError> {
    let raw = if method == Method::POST {
        body.to_vec()
    } else {
        uri.query().unwrap_or("").as_bytes().to_vec()
    };
    end_session(&state, &session, lang, parse_params(&raw)?, false).await
}

/// `POST /logout/confirm`: the person pressed "Sign out" on our page (same-origin only).
pub async fn logout_confirm(
    State(state): State<AppState>,
    session: Session,
    lang: Lang,
    body: Bytes,
) -> Result<Response, AppError> {
    end_session(&state, &session, lang, parse_params(&body)?, true).await
}

async fn end_session(
    state: &AppState,
    session: &Session,
    lang: Lang,
    params: LogoutParams,
    confirmed: bool,
) -> Result<Response, AppError> {
    let hint = match &params.id_token_hint {
        Some(t) => Some(verify_hint(state, t).await.ok_or_else(|| {
            AppError::BadRequest(
                "The service sent a sign-out request Civitas cannot verify.".into(),
            )
        })?),
        None => None,
    };
    let client_id = match (&hint, &params.client_id) {
        (Some(h), Some(c)) if h.client_id != *c => {
            return Err(AppError::BadRequest(
                "The sign-out request names two different services.".into(),
            ));
        }
        (Some(h), _) => Some(h.client_id.clone()),
        (None, c) => c.clone(),
    };
    // The return address must be registered for the client, exactly.
    let return_to = match &params.post_logout_redirect_uri {
        None => None,
        Some(uri) => {
            let active = match &client_id {
                Some(id) => clients::find_oidc_client(&state.db, id)
                    .await?
                    .is_some_and(|c| c.status == "active"),
                None => false,
            };
            let registered = match &client_id {
                Some(id) if active => {
                    clients::find_client_redirect_uris(&state.db, id, "logout").await?
                }
                _ => vec![],
            };
            if !registered.iter().any(|r| r == uri) {
                return Err(AppError::BadRequest(
                    "The service asked to return you to an address that is not registered for it."
                        .into(),
                ));
            }
            Some(uri.clone())
        }
    };

    let now = state.clock.now();
    // The sign-in a verified hint names ends, whether or not this request carries its cookie
    // (a cross-site POST does not: SameSite=Lax). Every relying party that took part in it
    // with a back-channel logout URI is told, the one asking included (Back-Channel Logout
    // 1.0 §2.7 makes no exception; its session may live in other browsers' tabs too).
    if let Some(sid) = hint.as_ref().and_then(|h| h.sid.as_deref()) {
        super::backchannel::end_session(state, sid, None).await?;
    }
    let current = signed_in(session, &state.config.sessions, now).await?;
    let hint_matches = match (&hint, &current) {
        (Some(h), Some(c)) => h.sid.as_deref() == Some(c.sid.as_str()),
        (Some(_), None) => true,
        _ => false,
    };
    if current.is_some() && !hint_matches && !confirmed {
        // "Sign out" posts to us and ends in a redirect to the registered return address.
        let targets = return_to
            .as_deref()
            .map(FormTargets::redirect_to)
            .unwrap_or_default();
        let mut page = LogoutPage {
            layout: Layout::new(lang, "/"),
            confirm: true,
            client_id: client_id.unwrap_or_default(),
            post_logout_redirect_uri: return_to.unwrap_or_default(),
            state: params.state.unwrap_or_default(),
        }
        .into_response();
        page.extensions_mut().insert(targets);
        return Ok(page);
    }
    if let Some(c) = &current {
        super::backchannel::end_session(state, &c.sid, Some(&c.person_id)).await?;
    }
    sign_out(session).await?;
    match return_to {
        Some(uri) => {
            let mut target = url::Url::parse(&uri).map_err(|e| AppError::Internal(e.into()))?;
            if let Some(s) = &params.state {
                target.query_pairs_mut().append_pair("state", s);
            }
            Ok(Redirect::to(target.as_str()).into_response())
        }
        None => Ok(LogoutPage {
            layout: Layout::new(lang, "/"),
            confirm: false,
            client_id: String::new(),
            post_logout_redirect_uri: String::new(),
            state: String::new(),
        }
        .into_response()),
    }
}

#[cfg(test)]
mod fuzz;
