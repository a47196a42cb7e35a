//! The helpdesk and operator console at `/admin`: staff are their own principals (never
//! citizens' accounts), sign in with passkeys only, under their own cookie with a ten-minute
//! idle limit, and every route checks its permission on the server (the route table names it;
//! see `app::admin_routes`). Every staff action carries a reason, goes into the staff log (a
//! hash chain) and, when it concerns a citizen, into that citizen's own history under the
//! member's pseudonym, never their name.

pub mod actions;
pub mod audit;
pub mod citizens;
pub mod clients;
pub mod log;
pub mod members;
pub mod operator;
pub mod references;
pub mod requests;
pub mod review;
pub mod signin;
pub mod staff_accounts;
pub mod texts;
pub mod texts_ops;
pub mod texts_references;

use axum::{
    extract::{Request, State},
    http::{Method, StatusCode},
    middleware::Next,
    response::{IntoResponse, Redirect, Response},
};
use serde::{Deserialize, Serialize};
use tower_sessions::Session;

use crate::{state::AppState, store::staff};

/// The admin cookie's session lasts this long without a request.
pub const IDLE_TIMEOUT_SECS: u64 = 600;
/// A console session ends this long after its sign-in, however active.
pub const ABSOLUTE_LIFETIME_SECS: i64 = 12 * 3600;
/// A risky action needs a passkey verification this recent.
pub const FRESH_VERIFICATION_SECS: i64 = 300;
/// Where the signed-in staff member lives in the admin session.
const STAFF: &str = "civitas.staff";

/// A staff role (see the README's roles table).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    Helpdesk,
    Supervisor,
    Operator,
    Auditor,
}

impl Role {
    pub const ALL: [Role; 4] = [
        Role::Helpdesk,
        Role::Supervisor,
        Role::Operator,
        Role::Auditor,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Role::Helpdesk => "helpdesk",
            Role::Supervisor => "supervisor",
            Role::Operator => "operator",
            Role::Auditor => "auditor",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|r| r.as_str() == s)
    }

    /// Whether this role holds `p`. The one place permissions are granted.
    pub fn can(self, p: Permission) -> bool {
        use Permission::*;
        match self {
            Role::Helpdesk => matches!(p, Console | FindCitizen | ActOnCitizen),
            Role::Supervisor => matches!(
                p,
                Console | FindCitizen | ActOnCitizen | ApproveRequests | ReviewClients
            ),
            // The operator views include the ledger's status and the staff log.
            Role::Operator => {
                matches!(p, Console | ManageClients | ReviewClients | Operate | Audit)
            }
            Role::Auditor => matches!(p, Console | Audit),
        }
    }
}

/// What an admin route needs. Every route in `app::admin_routes` names one.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Permission {
    /// The console's home page and signing out: any active staff member.
    Console,
    /// Find citizens, open a record (with a reason).
    FindCitizen,
    /// Unlock, lock, revoke a passkey, end sessions, re-activation codes, withdraw a consent.
    ActOnCitizen,
    /// Approve or reject four-eyes requests.
    ApproveRequests,
    /// Relying parties: suspend, resume.
    ManageClients,
    /// The relying-party review queue; reading relying parties' registrations (reviewers and
    /// the supervisors who approve requests about a client must see it); asking for the
    /// restricted `national_id` scope (a supervisor other than the asker approves).
    ReviewClients,
    /// Keys, readiness, insider-guard alerts, staff accounts.
    Operate,
    /// Read-only: the staff log (and its CSV) and the ledger's status ("verify now" reads
    /// only). Auditors and operators.
    Audit,
}

/// The staff member signed in to the console.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct StaffSession {
    pub staff_id: String,
    pub role: Role,
    /// When a passkey last verified the member (sign-in or a fresh verification).
    pub verified_at: i64,
    /// When the member signed in: a console session ends after [`ABSOLUTE_LIFETIME_SECS`]
    /// however active it is.
    pub signed_in_at: i64,
}

impl StaffSession {
    pub fn is_fresh(&self, now: i64) -> bool {
        now - self.verified_at <= FRESH_VERIFICATION_SECS
    }
}

/// The signed-in staff member, if any.
pub async fn current(
    session: &Session,
) -> Result<Option<StaffSession>, tower_sessions::session::Error> {
    session.get(STAFF).await
}

/// Records a staff sign-in (or a fresh verification) under a new session id.
pub async fn sign_in(
    session: &Session,
    who: &StaffSession,
) -> Result<(), tower_sessions::session::Error> {
    session.cycle_id().await?;
    session.insert(STAFF, who).await
}

/// The admin session layer: its own cookie, scoped to `/admin`, ten minutes idle.
pub fn session_layer(
    state: &AppState,
) -> tower_sessions::SessionManagerLayer<crate::web::sessions::DbSessionStore> {
    crate::web::sessions::scoped_layer(
        state,
        "civitas_admin",
        "/admin",
        IDLE_TIMEOUT_SECS,
        tower_sessions::cookie::SameSite::Strict,
    )
}

/// The permission check every admin route passes (set per route by `app::admin_routes`):
/// an active staff member whose role holds `permission`; nobody else, whatever the page
/// shows. A signed-out visitor is sent to sign in (GET) or refused.
pub async fn guard(
    State((state, permission)): State<(AppState, Permission)>,
    session: Session,
    req: Request,
    next: Next,
) -> Response {
    let who = match current(&session).await {
        Ok(w) => w,
        Err(_) => return StatusCode::INTERNAL_SERVER_ERROR.into_response(),
    };
    let now = state.clock.now();
    let who = who.filter(|w| now - w.signed_in_at < ABSOLUTE_LIFETIME_SECS);
    let Some(who) = who else {
        let _ = session.flush().await;
        return if req.method() == Method::GET {
            Redirect::to("/admin/signin").into_response()
        } else {
            StatusCode::FORBIDDEN.into_response()
        };
    };
    // The member's standing is read on every request: a disabled or locked member is out at
    // once, whatever their session says.
    let row = match staff::find_staff(&state.db, &who.staff_id).await {
        Ok(r) => r,
        Err(_) => return StatusCode::SERVICE_UNAVAILABLE.into_response(),
    };
    let active =
        row.is_some_and(|r| r.status == "active" && Role::parse(&r.role) == Some(who.role));
    if !active {
        let _ = session.flush().await;
        return StatusCode::FORBIDDEN.into_response();
    }
    if !who.role.can(permission) {
        return StatusCode::FORBIDDEN.into_response();
    }
    let mut req = req;
    req.extensions_mut().insert(who);
    next.run(req).await
}

/// A reason as staff type it: required, one line, at most 500 characters.
pub fn parse_reason(text: &str) -> Option<String> {
    let t = text.trim();
    (!t.is_empty() && t.chars().count() <= 500 && !t.chars().any(char::is_control))
        .then(|| t.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_supervisors_approve_and_auditors_only_read() {
        assert!(Role::Supervisor.can(Permission::ApproveRequests));
        assert!(!Role::Helpdesk.can(Permission::ApproveRequests));
        assert!(!Role::Operator.can(Permission::FindCitizen));
        for p in [
            Permission::FindCitizen,
            Permission::ActOnCitizen,
            Permission::ManageClients,
            Permission::Operate,
        ] {
            assert!(!Role::Auditor.can(p), "{p:?}");
        }
        assert!(Role::Auditor.can(Permission::Audit));
        assert!(Role::Operator.can(Permission::Audit) && !Role::Auditor.can(Permission::Operate));
    }

    #[test]
    fn reasons_are_required_and_plain() {
        assert_eq!(parse_reason("  TICKET-42 "), Some("TICKET-42".into()));
        assert_eq!(parse_reason("   "), None);
        assert_eq!(parse_reason("a\u{7}b"), None);
        assert_eq!(parse_reason(&"x".repeat(501)), None);
    }
}
