//! The page for a sign-in that does not fit the client's environment: a sandbox client signs
//! in test persons only, a production client real persons only. Nothing is shared; the request
//! keeps waiting, so a developer signed in as themselves can go on with their sandbox client
//! as a test person (`authn::test_persons`), and a test person can sign out and sign in as
//! themselves.

use askama::Template;
use askama_web::WebTemplate;
use axum::{
    http::StatusCode,
    response::{IntoResponse, Response},
};
use tower_sessions::Session;

use super::authorize::{Pending, keep};
use crate::{
    authn::test_persons::{self, TestPersonOption},
    error::AppError,
    help::references::{ErrorFacts, KnownClient},
    state::AppState,
    web::{i18n::Lang, pages::Layout, security::FormTargets},
};

#[derive(Template, WebTemplate)]
#[template(path = "oidc/wrong_environment.html")]
pub struct WrongEnvironmentPage {
    pub layout: Layout,
    /// The client is a sandbox client (and the person signed in is real).
    pub sandbox: bool,
    /// The request, waiting again under a new id.
    pub continue_id: String,
    /// For a sandbox client: the test persons to continue as.
    pub test_persons: Vec<TestPersonOption>,
}

/// Keeps `pending` waiting and answers 403 with the way forward.
pub async fn page(
    state: &AppState,
    session: &Session,
    lang: Lang,
    pending: Pending,
) -> Result<Response, AppError> {
    let continue_id = keep(session, &pending).await?;
    let test_persons = if pending.sandbox {
        test_persons::options(&state.db).await?
    } else {
        Vec::new()
    };
    let page = WrongEnvironmentPage {
        // Switching language asks again, and this page comes back in the other language.
        layout: Layout::new(lang, &format!("/authorize/resume?continue={continue_id}")),
        sandbox: pending.sandbox,
        continue_id,
        test_persons,
    };
    let mut response = (StatusCode::FORBIDDEN, page).into_response();
    response.extensions_mut().insert(ErrorFacts {
        kind: "wrong_environment",
        oauth_error: None,
    });
    response
        .extensions_mut()
        .insert(KnownClient(pending.request.client_id.clone()));
    // Choosing a test person ends at the redirect URI when the test person's consent is
    // remembered (see `web::security::FormTargets`).
    let targets = FormTargets::redirect_to(&pending.request.redirect_uri);
    if !targets.is_empty() {
        response.extensions_mut().insert(targets);
    }
    Ok(response)
}
