//! `GET /signin` (the choice of how to sign in) and `POST /signout`.

use askama::Template;
use askama_web::WebTemplate;
use axum::{
    extract::{Query, State},
    response::{IntoResponse, Redirect, Response},
};
use tower_sessions::Session;

use super::{
    activation::ContinueQuery,
    test_persons::{self, TestPersonOption},
};
use crate::{
    error::AppError,
    oidc::{authorize::waiting, backchannel},
    state::AppState,
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
    /// The waiting request is a sandbox client's: its test persons, offered first.
    pub test_persons: Option<Vec<TestPersonOption>>,
    /// The service the waiting request comes from.
    pub service: Option<Service>,
}

/// Who asks the person to sign in, and why this time (purpose-bound sign-in).
pub struct Service {
    pub name: String,
    pub purpose: Option<String>,
}

/// `GET /signin?continue=ID`
pub async fn signin_page(
    State(state): State<AppState>,
    session: Session,
    lang: Lang,
    Query(q): Query<ContinueQuery>,
) -> Result<SigninPage, AppError> {
    let continue_id = q.continue_id.unwrap_or_default();
    let pending = if continue_id.is_empty() {
        None
    } else {
        waiting(&session, &continue_id, state.clock.now()).await?
    };
    let is_sandbox = pending.as_ref().is_some_and(|p| p.sandbox);
    let service = match pending {
        Some(p) => crate::store::clients::find_client(&state.db, &p.request.client_id)
            .await?
            .map(|c| Service {
                name: c.display_name,
                purpose: p.request.purpose,
            }),
        None => None,
    };
    let test_persons = if is_sandbox {
        Some(test_persons::options(&state.db).await?)
    } else {
        None
    };
    Ok(SigninPage {
        layout: Layout::new(lang, &super::here("/signin", &continue_id)),
        continue_id,
        passkeys_available: state.webauthn.is_some(),
        test_persons,
        service,
    })
}

/// `POST /signout` (the header of every page, and the sessions list): ends the session on the
/// server, then everywhere else it was used (relying parties with a back-channel logout URI
/// are told), and says so (`/signed-out`).
pub async fn signout(
    State(state): State<AppState>,
    session: Session,
) -> Result<Response, AppError> {
    if let Some(who) = signed_in(&session, &state.config.sessions, state.clock.now()).await? {
        backchannel::end_session(&state, &who.sid, Some(&who.person_id)).await?;
    }
    sign_out(&session).await?;
    Ok(Redirect::to("/signed-out").into_response())
}
