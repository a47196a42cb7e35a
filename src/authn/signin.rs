//! `GET /signin` (the choice of how to sign in) and `POST /signout`.

use askama::Template;
use askama_web::WebTemplate;
use axum::{
    extract::{Query, State},
    response::{IntoResponse, Redirect, Response},
};
use tower_sessions::Session;

use super::activation::ContinueQuery;
use crate::{
    error::AppError,
    state::AppState,
    store::sessions as session_rows,
    web::{
        i18n::Lang,
        pages::Layout,
        sessions::{sign_out, signed_in},
    },
};

#[derive(Template, WebTemplate)]
#[template(path = "authn/signin.html")]
pub struct SigninPage {
    pub layout: Layout,
    pub continue_id: String,
    pub passkeys_available: bool,
}

/// `GET /signin?continue=ID`
pub async fn signin_page(
    State(state): State<AppState>,
    lang: Lang,
    Query(q): Query<ContinueQuery>,
) -> SigninPage {
    let continue_id = q.continue_id.unwrap_or_default();
    SigninPage {
        layout: Layout::new(lang, &super::here("/signin", &continue_id)),
        continue_id,
        passkeys_available: state.webauthn.is_some(),
    }
}

/// `POST /signout` (the header of every page, and the sessions list): ends the session on the
/// server, then everywhere else it was used, and says so (`/signed-out`).
pub async fn signout(
    State(state): State<AppState>,
    session: Session,
) -> Result<Response, AppError> {
    if let Some(who) = signed_in(&session, &state.config.sessions, state.clock.now()).await? {
        session_rows::delete_sessions_by_sid(&state.db, &who.sid).await?;
    }
    sign_out(&session).await?;
    Ok(Redirect::to("/signed-out").into_response())
}
