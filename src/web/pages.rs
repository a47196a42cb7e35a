//! The shared page layout, the home page, the language switch and error pages.

use std::sync::Arc;

use askama::Template;
use askama_web::WebTemplate;
use axum::{
    extract::{Form, Request, State, rejection::FormRejection},
    http::{HeaderValue, header},
    middleware::Next,
    response::{IntoResponse, Redirect, Response},
};
use serde::Deserialize;

use super::i18n::{LANG_COOKIE, Lang, Messages, lang_of};
use crate::{app::AppState, error::AppError};

/// What the base layout needs: the language and where the page is (for the language switch).
pub struct Layout {
    pub lang: Lang,
    pub t: &'static Messages,
    /// The path to come back to after switching language.
    pub here: String,
}

impl Layout {
    pub fn new(lang: Lang, here: &str) -> Self {
        Self {
            lang,
            t: lang.messages(),
            here: safe_local_path(here).unwrap_or("/").to_owned(),
        }
    }

    pub fn languages(&self) -> [Lang; 2] {
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

#[derive(Template, WebTemplate)]
#[template(path = "error.html")]
pub struct ErrorPage {
    pub layout: Layout,
    pub title: &'static str,
    pub detail: String,
}

impl ErrorPage {
    pub fn new(lang: Lang, title: &'static str, detail: String) -> Self {
        Self {
            layout: Layout::new(lang, "/"),
            title,
            detail,
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
        response.headers_mut().insert(header::SET_COOKIE, v);
    }
    Ok(response)
}

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

/// The fallback for unknown paths.
pub async fn not_found() -> AppError {
    AppError::NotFound
}

/// Renders an [`AppError`] attached to a response as a page in the request's language.
pub async fn render_errors(req: Request, next: Next) -> Response {
    let lang = lang_of(req.headers());
    let response = next.run(req).await;
    match response.extensions().get::<Arc<AppError>>() {
        Some(error) => error.render(lang),
        None => response,
    }
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
