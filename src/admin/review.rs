//! The review queue: relying parties' applications (filed by the relying-party portal, its own
//! issue; until then only tests file them, through `store::client_applications`) wait here
//! for a reviewer to approve, reject or ask for changes, each with a reason in the staff log
//! and, for a rejection or a request for changes, a note the applicant reads. Approving an
//! application that asks for the restricted `national_id` scope is granting it: it waits for
//! a supervisor other than the reviewer (`admin::requests`); the applicant's legal basis goes
//! into the staff log with the approval. Approval records the decision;
//! an application from the relying-party portal registers (or updates) its production client
//! in the approval's transaction (`portal::clients::register_approved`).

use askama::Template;
use askama_web::WebTemplate;
use axum::{
    Extension,
    extract::{Form, Path, Query, State, rejection::FormRejection},
    response::{IntoResponse, Redirect, Response},
};
use serde::Deserialize;

use super::{
    StaffSession,
    log::{Action, Reason, ReasonCategory},
    texts_ops::{OpsTexts, ops_texts},
};
use crate::{
    app::AppState,
    error::AppError,
    oidc::clients::RESTRICTED_SCOPES,
    store::{
        Tx,
        client_applications::{self, ClientApplicationRow},
        staff,
    },
    web::{i18n::Lang, pages::Layout},
};

/// The queue shows this many applications at a time, oldest first.
const QUEUE_MAX: i64 = 100;

fn asks_restricted(app: &ClientApplicationRow) -> bool {
    app.scopes
        .split(' ')
        .any(|s| RESTRICTED_SCOPES.contains(&s))
}

pub struct Application {
    pub row: ClientApplicationRow,
    pub submitted: String,
    pub redirect_uris: Vec<String>,
    pub asks_restricted: bool,
    /// A reviewer's approval waits for a supervisor.
    pub is_waiting: bool,
    /// The logo the applicant proposes: checked by the reviewer, set by the operator
    /// (`civitas client logo`); a relying party's own URI is never shown to citizens.
    pub logo_uri: Option<String>,
}

#[derive(Template, WebTemplate)]
#[template(path = "admin/review.html")]
pub struct ReviewPage {
    pub layout: Layout,
    pub o: &'static OpsTexts,
    pub applications: Vec<Application>,
    pub categories: [ReasonCategory; 5],
    pub notice: Option<&'static str>,
}

#[derive(Deserialize, Default)]
pub struct NoticeQuery {
    #[serde(default)]
    done: String,
}

/// `GET /admin/review`: the pending applications, oldest first.
pub async fn queue(
    State(state): State<AppState>,
    lang: Lang,
    Query(q): Query<NoticeQuery>,
) -> Result<ReviewPage, AppError> {
    let o = ops_texts(lang);
    let waiting: Vec<String> = staff::find_open_staff_requests(&state.db, state.clock.now())
        .await?
        .into_iter()
        .filter(|r| r.action == "approve_application")
        .map(|r| r.subject)
        .collect();
    let applications =
        client_applications::find_client_applications_by_status(&state.db, "pending", QUEUE_MAX)
            .await?
            .into_iter()
            .map(|row| Application {
                submitted: lang.date_time(row.submitted_at),
                redirect_uris: row
                    .redirect_uris
                    .split_whitespace()
                    .map(str::to_owned)
                    .collect(),
                asks_restricted: asks_restricted(&row),
                is_waiting: waiting.contains(&row.id),
                logo_uri: serde_json::from_str::<serde_json::Value>(&row.metadata)
                    .ok()
                    .and_then(|m| m.get("logo_uri")?.as_str().map(str::to_owned)),
                row,
            })
            .collect();
    let notice = match q.done.as_str() {
        "approved" => Some(o.done_approved),
        "rejected" => Some(o.done_rejected),
        "changes" => Some(o.done_changes),
        "requested" => Some(o.done_review_requested),
        "waiting" => Some(o.done_review_waiting),
        _ => None,
    };
    Ok(ReviewPage {
        layout: Layout::new(lang, "/admin/review"),
        o,
        applications,
        categories: ReasonCategory::ALL,
        notice,
    })
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DecisionForm {
    #[serde(default)]
    category: String,
    #[serde(default)]
    detail: String,
    /// What the applicant reads (required to reject or ask for changes).
    #[serde(default)]
    note: String,
}

/// A note to the applicant: required, at most 2000 characters, lines allowed.
fn parse_note(text: &str) -> Option<String> {
    let t = text.trim();
    (!t.is_empty()
        && t.chars().count() <= 2000
        && !t.chars().any(|c| c.is_control() && c != '\n' && c != '\r'))
    .then(|| t.replace("\r\n", "\n"))
}

/// `POST /admin/review/{id}/{decision}`: `approve`, `reject` or `changes`, with a reason.
pub async fn decide(
    State(state): State<AppState>,
    lang: Lang,
    Extension(who): Extension<StaffSession>,
    Path((id, decision)): Path<(String, String)>,
    form: Result<Form<DecisionForm>, FormRejection>,
) -> Result<Response, AppError> {
    let o = ops_texts(lang);
    let (status, action, done) = match decision.as_str() {
        "approve" => ("approved", "approve_application", "approved"),
        "reject" => ("rejected", "reject_application", "rejected"),
        "changes" => ("changes_requested", "request_changes", "changes"),
        _ => return Err(AppError::NotFound),
    };
    let now = state.clock.now();
    // Approving gives a relying party citizens' data: only with a recent passkey check.
    if status == "approved" && !who.is_fresh(now) {
        return Ok(Redirect::to("/admin/signin").into_response());
    }
    let Form(form) = form.map_err(|e| AppError::BadRequest(e.body_text()))?;
    let reason = Reason::parse(&form.category, &form.detail)
        .ok_or_else(|| AppError::BadRequest(o.decision_reason_required.into()))?;
    let note = match (status, parse_note(&form.note)) {
        ("approved", note) => note,
        (_, Some(note)) => Some(note),
        (_, None) => {
            return Err(AppError::BadRequest(o.note_required.into()));
        }
    };
    let application = client_applications::find_client_application(&state.db, &id)
        .await?
        .ok_or(AppError::NotFound)?;
    if application.status != "pending" {
        return Err(AppError::BadRequest(o.application_decided.into()));
    }
    let me = staff::find_staff(&state.db, &who.staff_id)
        .await?
        .ok_or(AppError::Forbidden)?;
    if status == "approved" && asks_restricted(&application) {
        let waiting = staff::find_open_staff_requests(&state.db, now)
            .await?
            .into_iter()
            .any(|r| r.action == "approve_application" && r.subject == id);
        if waiting {
            return Ok(Redirect::to("/admin/review?done=waiting").into_response());
        }
        super::requests::request(&state, &me, "approve_application", &id, &reason, now).await?;
        return Ok(Redirect::to("/admin/review?done=requested").into_response());
    }
    crate::transaction!(state.db, AppError, |tx| {
        settle(
            tx,
            o,
            &me,
            &id,
            status,
            note.as_deref(),
            action,
            &reason.logged(),
            now,
        )
        .await?;
        Ok(())
    })?;
    Ok(Redirect::to(&format!("/admin/review?done={done}")).into_response())
}

/// Decides the application and records it, in `tx`.
#[expect(
    clippy::too_many_arguments,
    reason = "one statement and its log record"
)]
async fn settle(
    tx: &mut Tx,
    o: &OpsTexts,
    me: &staff::StaffRow,
    id: &str,
    status: &str,
    note: Option<&str>,
    action: &str,
    reason: &str,
    now: i64,
) -> Result<(), AppError> {
    if !client_applications::update_client_application_decided(tx, id, status, note, &me.id, now)
        .await?
    {
        return Err(AppError::BadRequest(o.application_decided.into()));
    }
    let mut logged = reason.to_owned();
    if status == "approved"
        && let Some(application) =
            client_applications::find_client_application_in_tx(tx, id).await?
    {
        // A portal application becomes (or updates) its production client, in this
        // transaction: an approval that cannot register it is no approval.
        if let Some(client_id) =
            crate::portal::clients::register_approved(tx, &application, &me.pseudonym, now).await?
        {
            logged = format!("{logged}; production client {client_id}");
        }
        if let Some(basis) = &application.legal_basis {
            logged = format!("{logged}; legal basis: {basis}");
        }
    }
    if status != "approved"
        && let Some(application) =
            client_applications::find_client_application_in_tx(tx, id).await?
        && let Some(org) = &application.organisation_id
    {
        crate::portal::record(
            tx,
            org,
            &format!("staff:{}", me.pseudonym),
            action,
            application.sandbox_client_id.as_deref().unwrap_or(id),
            note.unwrap_or_default(),
            now,
        )
        .await?;
    }
    super::log::record(tx, &Action::by(me, action, id, &logged, now)).await?;
    Ok(())
}

/// Carries out an approved request to approve an application, in the approval's
/// transaction, under the approver with the reviewer's reason. Fails (and the approval with
/// it) if the application was decided otherwise in the meantime.
pub async fn carry_out(
    tx: &mut Tx,
    o: &OpsTexts,
    me: &staff::StaffRow,
    request: &staff::StaffRequestRow,
    now: i64,
) -> Result<(), AppError> {
    settle(
        tx,
        o,
        me,
        &request.subject,
        "approved",
        None,
        "approve_application",
        &request.reason,
        now,
    )
    .await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn notes_to_applicants_are_required_and_may_have_lines() {
        assert_eq!(parse_note(" a\r\nb "), Some("a\nb".into()));
        assert_eq!(parse_note("  "), None);
        assert_eq!(parse_note("a\u{7}"), None);
        assert_eq!(parse_note(&"x".repeat(2001)), None);
    }
}
