//! The shared page layout, the home page, the language switch, the signed-out page, error
//! pages, and the middleware that tells every page whether the person is signed in.

use std::sync::Arc;

use askama::Template;
use askama_web::WebTemplate;
use axum::{
    body::Body,
    extract::{Form, Request, State, rejection::FormRejection},
    http::{HeaderValue, Method, StatusCode, header},
    middleware::Next,
    response::{IntoResponse, Redirect, Response},
};
use serde::Deserialize;
use tower_http::request_id::RequestId;
use tower_sessions::Session;

use super::{
    i18n::{LANG_COOKIE, Lang, Messages, catalogue::PortalTexts, lang_of, ui_locales_cookie},
    security::FormTargets,
    sessions::signed_in,
};
use crate::{error::AppError, oidc::authorize::pending_redirect_uri, state::AppState};

/// What every page of a browser request may need without its handler passing it along.
struct PageFacts {
    /// The request's language ([`lang_of`]).
    lang: Lang,
    /// The person is signed in to Civitas.
    signed_in: bool,
    /// The request's id, whose short form an error page shows as its reference.
    request_id: Option<HeaderValue>,
    /// Seconds until the signed-in session ends for inactivity (see [`Layout::session_left`]).
    session_left: Option<i64>,
}

tokio::task_local! {
    /// Set by [`page_context`] around each browser request, read by [`Layout::new`], so that
    /// every page's header offers "Sign out" and every error page its reference, without each
    /// handler passing them along. Outside such a request (a protocol endpoint's error page)
    /// it is unset: signed out, and the error page is given its request id.
    static PAGE: PageFacts;
}

/// What the base layout needs: the language, where the page is (for the language switch),
/// whether to offer "Sign out", and the request's id (for an error page's reference).
pub struct Layout {
    pub lang: Lang,
    pub t: &'static Messages,
    /// The relying-party portal's texts (`locales/*/portal.ftl`).
    pub p: &'static PortalTexts,
    /// The path to come back to after switching language.
    pub here: String,
    /// The person is signed in to Civitas: the header offers "Sign out".
    pub signed_in: bool,
    /// The request's id (`x-request-id`), for the page of a refusal that is not an
    /// [`AppError`] (`oidc::wrong_environment`).
    pub request_id: Option<HeaderValue>,
    /// While signed in: seconds until the session ends for inactivity. The page warns two
    /// minutes before, and offers to stay signed in (`POST /session/extend`).
    pub session_left: Option<i64>,
}

impl Layout {
    pub fn new(lang: Lang, here: &str) -> Self {
        let (signed_in, request_id, session_left) = PAGE
            .try_with(|p| (p.signed_in, p.request_id.clone(), p.session_left))
            .unwrap_or((false, None, None));
        Self {
            lang,
            t: lang.messages(),
            p: &lang.catalogue().portal,
            here: safe_local_path(here).unwrap_or("/").to_owned(),
            signed_in,
            request_id,
            session_left,
        }
    }

    /// The reference an error page shows, to give the helpdesk (`help::references`).
    pub fn reference(&self) -> Option<String> {
        self.request_id
            .as_ref()
            .and_then(|v| v.to_str().ok())
            .and_then(crate::help::references::short_form)
    }

    pub fn languages(&self) -> [Lang; Lang::ALL.len()] {
        Lang::ALL
    }
}

#[derive(Template, WebTemplate)]
#[template(path = "home.html")]
pub struct HomePage {
    pub layout: Layout,
}

/// `GET /`
pub async fn home(lang: Lang) -> HomePage {
    HomePage {
        layout: Layout::new(lang, "/"),
    }
}

/// `POST /signout` ends here: the person sees that they are signed out.
#[derive(Template, WebTemplate)]
#[template(path = "signed_out.html")]
pub struct SignedOutPage {
    pub layout: Layout,
}

/// `GET /signed-out`
pub async fn signed_out(lang: Lang) -> SignedOutPage {
    SignedOutPage {
        layout: Layout::new(lang, "/"),
    }
}

#[derive(Template, WebTemplate)]
#[template(path = "error.html")]
pub struct ErrorPage {
    pub layout: Layout,
    pub title: &'static str,
    pub detail: String,
    /// For the developer of the relying party: shown in a section of its own.
    pub developer: Option<ForDeveloper>,
    /// The reference to give the helpdesk (`help::references`): the request's, when the
    /// page answers a failed request.
    pub reference: Option<String>,
}

/// What a relying party's developer needs to find a failed request: the OAuth error code
/// (one of a fixed set, never text from the request) and the request's reference (its
/// `x-request-id`, as in our logs).
pub struct ForDeveloper {
    pub error: &'static str,
    pub request_id: String,
}

impl ErrorPage {
    /// `request_id`: the failed request's `x-request-id`, whose reference the page shows.
    pub fn new(lang: Lang, title: &'static str, detail: String, request_id: Option<&str>) -> Self {
        Self {
            layout: Layout::new(lang, "/"),
            reference: request_id.and_then(crate::help::references::short_form),
            title,
            detail,
            developer: None,
        }
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LanguageForm {
    lang: String,
    next: String,
}

/// `POST /language`: remembers the chosen language for a year and returns to the page.
pub async fn language(
    State(state): State<AppState>,
    lang: Lang,
    form: Result<Form<LanguageForm>, FormRejection>,
) -> Result<Response, AppError> {
    let Form(form) = form.map_err(|e| AppError::BadRequest(e.body_text()))?;
    let chosen = Lang::from_tag(&form.lang)
        .filter(|l| l.tag() == form.lang)
        .ok_or_else(|| AppError::BadRequest(lang.messages().bad_language.to_owned()))?;
    let next = safe_local_path(&form.next).unwrap_or("/");
    let secure = if state.config.issuer.is_https() {
        "; Secure"
    } else {
        ""
    };
    let cookie = format!(
        "{LANG_COOKIE}={}; Path=/; Max-Age=31536000; SameSite=Lax; HttpOnly{secure}",
        chosen.tag()
    );
    let mut response = Redirect::to(next).into_response();
    if let Ok(v) = HeaderValue::from_str(&cookie) {
        response.headers_mut().append(header::SET_COOKIE, v);
    }
    // The person's choice now wins over the service's `ui_locales`.
    response.headers_mut().append(
        header::SET_COOKIE,
        ui_locales_cookie(None, state.config.issuer.is_https()),
    );
    Ok(response)
}

#[derive(Deserialize)]
pub struct ExtendForm {
    #[serde(default)]
    next: String,
}

/// `POST /session/extend`: the person is still there. Renews the session's inactivity
/// window; answers the page's script with the seconds left (JSON), a form without
/// JavaScript with a redirect back to its page.
pub async fn extend_session(
    State(state): State<AppState>,
    session: Session,
    headers: axum::http::HeaderMap,
    form: Result<Form<ExtendForm>, FormRejection>,
) -> Result<Response, AppError> {
    let next = form
        .ok()
        .and_then(|Form(f)| safe_local_path(&f.next).map(str::to_owned))
        .unwrap_or_else(|| "/account".to_owned());
    let wants_json = headers
        .get(header::ACCEPT)
        .is_some_and(|v| v.as_bytes().starts_with(b"application/json"));
    let now = state.clock.now();
    let who = signed_in(&session, &state.config.sessions, now)
        .await
        .map_err(|e| AppError::Internal(e.into()))?;
    if who.is_none() {
        return Ok(if wants_json {
            (
                StatusCode::UNAUTHORIZED,
                axum::Json(serde_json::json!({ "left": 0 })),
            )
                .into_response()
        } else {
            Redirect::to("/signin").into_response()
        });
    }
    // A change makes the session layer save it, which moves its expiry on.
    session
        .insert(ACTIVE_AT, now)
        .await
        .map_err(|e| AppError::Internal(e.into()))?;
    Ok(if wants_json {
        let left = state.config.sessions.idle_timeout.as_secs();
        axum::Json(serde_json::json!({ "left": left })).into_response()
    } else {
        Redirect::to(&next).into_response()
    })
}

/// The session key of the last time the person said they were still there.
const ACTIVE_AT: &str = "civitas.active_at";

/// A path on this site, or `None` for anything that could lead elsewhere (`//host`,
/// `/\host`, absolute URLs, control characters).
pub fn safe_local_path(p: &str) -> Option<&str> {
    let ok = p.starts_with('/')
        && !p.starts_with("//")
        && !p.starts_with("/\\")
        && p.len() <= 2048
        && !p.chars().any(|c| c.is_control() || c == '\\');
    ok.then_some(p)
}

/// The language of the browser request under way, for a page rendered where the request's
/// headers are out of reach (the `form_post` response); English outside one.
pub fn current_lang() -> Lang {
    PAGE.try_with(|p| p.lang).unwrap_or_default()
}

/// The fallback for unknown paths.
pub async fn not_found() -> AppError {
    AppError::NotFound
}

/// Renders an [`AppError`] attached to a response as a page in the request's language.
pub async fn render_errors(req: Request, next: Next) -> Response {
    let lang = lang_of(req.headers());
    let request_id = req
        .extensions()
        .get::<RequestId>()
        .and_then(|id| id.header_value().to_str().ok())
        .map(str::to_owned);
    let response = next.run(req).await;
    match response.extensions().get::<Arc<AppError>>() {
        Some(error) => error.render(lang, request_id.as_deref()),
        None => response,
    }
}

/// Around every browser request (inside the session layer): tells the pages whether the
/// person is signed in and the request's id (see [`PAGE`]), and when the request continues a waiting
/// authorization request (`continue=ID` in the query or the posted form), lets the page's
/// forms lead to that request's redirect URI ([`FormTargets`]).
pub async fn page_context(
    State(state): State<AppState>,
    session: Session,
    req: Request,
    next: Next,
) -> Response {
    let is_signed_in = matches!(
        signed_in(&session, &state.config.sessions, state.clock.now()).await,
        Ok(Some(_))
    );
    let (req, continue_id) = match continue_id(req, state.config.http.body_limit).await {
        Ok(found) => found,
        Err(response) => return response,
    };
    let session_left = if is_signed_in {
        crate::web::sessions::seconds_left(&session, state.clock.now()).await
    } else {
        None
    };
    let facts = PageFacts {
        lang: lang_of(req.headers()),
        session_left,
        signed_in: is_signed_in,
        request_id: req
            .extensions()
            .get::<RequestId>()
            .map(|id| id.header_value().clone()),
    };
    let mut response = PAGE.scope(facts, next.run(req)).await;
    let is_html = response
        .headers()
        .get(header::CONTENT_TYPE)
        .is_some_and(|v| v.as_bytes().starts_with(b"text/html"));
    if is_html
        && response.extensions().get::<FormTargets>().is_none()
        && let Some(id) = continue_id
        && let Some(uri) = pending_redirect_uri(&session, &id).await
    {
        let targets = FormTargets::redirect_to(&uri);
        if !targets.is_empty() {
            response.extensions_mut().insert(targets);
        }
    }
    response
}

/// The `continue` parameter of a request: from the query, or from a posted form (whose body
/// is read here and handed on unchanged).
async fn continue_id(req: Request, limit: usize) -> Result<(Request, Option<String>), Response> {
    let find = |raw: &[u8]| {
        url::form_urlencoded::parse(raw)
            .find(|(k, _)| k == "continue")
            .map(|(_, v)| v.into_owned())
            .filter(|v| !v.is_empty())
    };
    if let Some(id) = req.uri().query().and_then(|q| find(q.as_bytes())) {
        return Ok((req, Some(id)));
    }
    let is_form = req.method() == Method::POST
        && req.headers().get(header::CONTENT_TYPE).is_some_and(|v| {
            v.as_bytes()
                .starts_with(b"application/x-www-form-urlencoded")
        });
    if !is_form {
        return Ok((req, None));
    }
    let (parts, body) = req.into_parts();
    let bytes = axum::body::to_bytes(body, limit)
        .await
        .map_err(|_| StatusCode::PAYLOAD_TOO_LARGE.into_response())?;
    let id = find(&bytes);
    Ok((Request::from_parts(parts, Body::from(bytes)), id))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_local_paths_are_kept() {
        assert_eq!(safe_local_path("/account?x=1"), Some("/account?x=1"));
        for bad in [
            "//evil.example",
            "/\\evil.example",
            "https://evil.example",
            "evil",
            "",
            "/a\nb",
        ] {
            assert_eq!(safe_local_path(bad), None, "{bad:?}");
        }
    }
}
