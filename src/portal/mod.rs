//! The relying-party portal at `/portal`: developers sign in with their own Civitas identity
//! (the portal is a relying party of its own provider: `signin`), create or join
//! organisations (`organisations`), register sandbox clients that work at once and sign in
//! only test persons, and submit them for production, which the console's review queue
//! decides (`clients`). Keys and secrets rotate without a ticket (`keys`); "Test my
//! integration" shows the client's failed requests (`failures`) and runs a test sign-in
//! (`testing`); the integration page gives copy-paste snippets (`integration`); usage is a
//! 30-day chart (`usage`). Every text is in `locales/*/portal.ftl` (`texts`).
//!
//! Every portal route checks, on the server, that a developer is signed in and what their
//! role in the organisation allows ([`Role::can`]); every change is in `portal_log` with who
//! made it.

pub mod clients;
pub mod failures;
pub mod integration;
pub mod keys;
pub mod organisations;
pub mod signin;
pub mod test_signin;
pub mod texts;
pub mod usage;

use axum::{
    extract::{Request, State},
    http::{Method, StatusCode},
    middleware::Next,
    response::{IntoResponse, Redirect, Response},
};
use serde::{Deserialize, Serialize};
use tower_sessions::Session;

use crate::{
    error::AppError,
    state::AppState,
    store::{Tx, clients::ClientRow, portal},
};

/// The portal's session lasts this long without a request.
pub const IDLE_TIMEOUT_SECS: u64 = 30 * 60;
/// A portal session ends this long after its sign-in, however active.
pub const ABSOLUTE_LIFETIME_SECS: i64 = 12 * 3600;
/// Where the signed-in developer lives in the portal session.
const DEVELOPER: &str = "civitas.developer";

/// A member's role in an organisation.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    Owner,
    Developer,
    Viewer,
}

impl Role {
    pub const ALL: [Role; 3] = [Role::Owner, Role::Developer, Role::Viewer];

    pub fn as_str(self) -> &'static str {
        match self {
            Role::Owner => "owner",
            Role::Developer => "developer",
            Role::Viewer => "viewer",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|r| r.as_str() == s)
    }

    /// Whether this role may do `a`. The one place portal permissions are granted.
    pub fn can(self, a: Action) -> bool {
        match self {
            Role::Owner => true,
            Role::Developer => matches!(a, Action::Read | Action::EditSandbox | Action::Test),
            Role::Viewer => matches!(a, Action::Read),
        }
    }
}

/// What a portal request does to an organisation or its clients.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Action {
    /// See the organisation, its clients, their errors and usage.
    Read,
    /// Create sandbox clients and change their settings.
    EditSandbox,
    /// Run a test sign-in.
    Test,
    /// Rotate secrets, publish or remove keys (sandbox and production).
    ManageKeys,
    /// Invite members.
    Invite,
    /// Submit a client for production; change a production client's redirect URIs.
    SubmitForProduction,
}

/// The developer signed in to the portal.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Developer {
    /// The subject the portal received for the person (pairwise, the portal's own sector).
    pub id: String,
    pub name: String,
    pub signed_in_at: i64,
}

/// The signed-in developer, if any (and their session is not past its absolute lifetime).
pub async fn current(state: &AppState, session: &Session) -> Result<Option<Developer>, AppError> {
    let who: Option<Developer> = session.get(DEVELOPER).await?;
    let now = state.clock.now();
    Ok(who.filter(|w| now - w.signed_in_at < ABSOLUTE_LIFETIME_SECS))
}

/// Records a developer's sign-in under a new session id.
pub async fn sign_in(session: &Session, who: &Developer) -> Result<(), AppError> {
    session.cycle_id().await?;
    session.insert(DEVELOPER, who).await?;
    Ok(())
}

/// The portal's session layer: its own cookie, scoped to `/portal`, 30 minutes idle.
/// `SameSite=Lax`: the sign-in comes back to `/portal/callback` by a redirect from
/// `/authorize`, which must carry the cookie that holds the request's state.
pub fn session_layer(
    state: &AppState,
) -> tower_sessions::SessionManagerLayer<crate::web::sessions::DbSessionStore> {
    crate::web::sessions::scoped_layer(
        state,
        "civitas_portal",
        "/portal",
        IDLE_TIMEOUT_SECS,
        tower_sessions::cookie::SameSite::Lax,
    )
}

/// Every portal route but the landing page, sign-in and its callback passes here: a signed-in
/// developer, or a GET goes to the landing page (other methods are refused).
pub async fn guard(
    State(state): State<AppState>,
    session: Session,
    mut req: Request,
    next: Next,
) -> Response {
    let who = match current(&state, &session).await {
        Ok(w) => w,
        Err(e) => return e.into_response(),
    };
    let Some(who) = who else {
        let _ = session.flush().await;
        return if req.method() == Method::GET {
            Redirect::to("/portal").into_response()
        } else {
            StatusCode::FORBIDDEN.into_response()
        };
    };
    req.extensions_mut().insert(who);
    next.run(req).await
}

/// The developer's role in `organisation_id`, which must allow `action`; otherwise 403 (and
/// 404 for an organisation they are not a member of, so ids reveal nothing).
pub async fn authorise(
    state: &AppState,
    who: &Developer,
    organisation_id: &str,
    action: Action,
) -> Result<Role, AppError> {
    let role = portal::find_member_role(&state.db, organisation_id, &who.id)
        .await?
        .and_then(|r| Role::parse(&r))
        .ok_or(AppError::NotFound)?;
    if !role.can(action) {
        return Err(AppError::Forbidden);
    }
    Ok(role)
}

/// A client of one of the developer's organisations, with the developer's role, which must
/// allow `action`. Clients outside the portal, or of other organisations, are 404.
pub async fn client_for(
    state: &AppState,
    who: &Developer,
    client_id: &str,
    action: Action,
) -> Result<(ClientRow, Role), AppError> {
    let client = crate::store::clients::find_client(&state.db, client_id)
        .await?
        .ok_or(AppError::NotFound)?;
    let org = client.organisation_id.clone().ok_or(AppError::NotFound)?;
    let role = authorise(state, who, &org, action).await?;
    Ok((client, role))
}

/// Records a change in the organisation's log, in `tx`.
pub async fn record(
    tx: &mut Tx,
    organisation_id: &str,
    actor: &str,
    action: &str,
    subject: &str,
    detail: &str,
    now: i64,
) -> Result<(), sqlx::Error> {
    portal::insert_portal_log(
        tx,
        &portal::PortalLogRow {
            id: uuid::Uuid::new_v4().to_string(),
            organisation_id: organisation_id.to_owned(),
            actor: actor.to_owned(),
            action: action.to_owned(),
            subject: subject.to_owned(),
            detail: detail.to_owned(),
            at: now,
        },
    )
    .await
}

/// The log's actor for a developer.
pub fn actor(who: &Developer) -> String {
    format!("developer:{}", who.id)
}

/// One line of plain text from a form: trimmed, required, at most `max` characters, no
/// control characters.
pub fn text_field(v: &str, max: usize) -> Option<String> {
    let t = v.trim();
    (!t.is_empty() && t.chars().count() <= max && !t.chars().any(char::is_control))
        .then(|| t.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_owners_manage_keys_invite_and_submit() {
        for a in [
            Action::ManageKeys,
            Action::Invite,
            Action::SubmitForProduction,
        ] {
            assert!(Role::Owner.can(a));
            assert!(!Role::Developer.can(a), "{a:?}");
            assert!(!Role::Viewer.can(a), "{a:?}");
        }
        assert!(Role::Developer.can(Action::EditSandbox) && !Role::Viewer.can(Action::EditSandbox));
        assert!(Role::Viewer.can(Action::Read));
    }
}
