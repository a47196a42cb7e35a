//! Four eyes: the risky actions (re-activating an account that still has passkeys, lifting a
//! fraud lock, suspending a production client, granting the restricted `national_id` scope,
//! approving an application that asks for it) wait as requests until a supervisor other than
//! the requester approves them, within 24 hours. Requesting, approving and rejecting are each
//! in the staff log, and, for an action on a citizen's account, in the citizen's own history.

use askama::Template;
use askama_web::WebTemplate;
use axum::{
    Extension,
    extract::{Form, Path, State, rejection::FormRejection},
    response::{IntoResponse, Redirect, Response},
};
use serde::Deserialize;

use super::{
    StaffSession,
    log::{Action, Reason, ReasonCategory},
    texts::{Texts, texts},
    texts_ops::ops_texts,
};
use crate::{
    error::AppError,
    state::AppState,
    store::{accounts, staff},
    web::{i18n::Lang, pages::Layout},
};

/// A request waits this long for a decision.
pub const REQUEST_LIFETIME: i64 = 86_400;

/// What the citizen reads when a request is made for their account.
fn citizen_sentence(action: &str) -> &'static str {
    match action {
        "reactivate" => "The helpdesk asked a supervisor to approve a re-activation code for you",
        "lift_fraud_lock" => "The helpdesk asked a supervisor to approve unlocking your account",
        _ => "The helpdesk asked a supervisor to approve an action on your account",
    }
}

/// Whether a request's subject is a citizen (a person id) rather than a relying party or an
/// application; only those go into a citizen's history.
fn concerns_citizen(action: &str) -> bool {
    !matches!(
        action,
        "suspend_client" | "grant_national_id" | "approve_application"
    )
}

/// Where staff look at a request's subject, when it is not a citizen (opening a citizen's
/// record needs its own reason).
fn subject_link(action: &str, subject: &str) -> Option<String> {
    match action {
        "suspend_client" | "grant_national_id" => Some(format!("/admin/clients/{subject}")),
        "approve_application" => Some(format!("/admin/review#application-{subject}")),
        _ => None,
    }
}

/// Files a request (and records it).
pub async fn request(
    state: &AppState,
    me: &staff::StaffRow,
    action: &str,
    subject: &str,
    reason: &Reason,
    now: i64,
) -> Result<String, AppError> {
    let id = uuid::Uuid::new_v4().to_string();
    crate::transaction!(state.db, AppError, |tx| {
        staff::insert_staff_request(
            tx,
            &staff::StaffRequestRow {
                id: id.clone(),
                action: action.to_owned(),
                subject: subject.to_owned(),
                reason: reason.logged(),
                requested_by: me.id.clone(),
                requested_at: now,
                expires_at: now + REQUEST_LIFETIME,
                decided_by: None,
                decided_at: None,
                decision: None,
            },
        )
        .await?;
        super::log::record(
            tx,
            &Action {
                staff_id: &me.id,
                pseudonym: &me.pseudonym,
                action: &format!("request_{action}"),
                subject,
                reason: &reason.logged(),
                citizen: concerns_citizen(action).then_some((
                    subject,
                    citizen_sentence(action),
                    reason.category,
                )),
                at: now,
            },
        )
        .await?;
        Ok(())
    })?;
    Ok(id)
}

pub struct Line {
    pub id: String,
    pub action: String,
    pub label: &'static str,
    pub subject: String,
    pub subject_link: Option<String>,
    /// Who asked, when and why, in the member's language.
    pub asked: String,
    pub is_own: bool,
}

#[derive(Template, WebTemplate)]
#[template(path = "admin/requests.html")]
pub struct RequestsPage {
    pub layout: Layout,
    pub a: &'static Texts,
    pub requests: Vec<Line>,
    pub categories: [ReasonCategory; 5],
}

/// `GET /admin/requests`: what waits for a second person.
pub async fn list(
    State(state): State<AppState>,
    lang: Lang,
    Extension(who): Extension<StaffSession>,
) -> Result<RequestsPage, AppError> {
    let a = texts(lang);
    let o = ops_texts(lang);
    let mut requests = vec![];
    for r in staff::find_open_staff_requests(&state.db, state.clock.now()).await? {
        let by = staff::find_staff(&state.db, &r.requested_by)
            .await?
            .map(|m| m.name)
            .unwrap_or_default();
        requests.push(Line {
            is_own: r.requested_by == who.staff_id,
            label: o.action_label(&r.action),
            subject_link: subject_link(&r.action, &r.subject),
            id: r.id,
            action: r.action,
            subject: r.subject,
            asked: a.asked_by(by, lang.date_time(r.requested_at), r.reason),
        });
    }
    Ok(RequestsPage {
        layout: Layout::new(lang, "/admin/requests"),
        a,
        requests,
        categories: ReasonCategory::ALL,
    })
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DecisionForm {
    #[serde(default)]
    category: String,
    #[serde(default)]
    detail: String,
}

/// `POST /admin/requests/{id}/approve` and `/reject`: by a supervisor who did not ask, with a
/// fresh passkey verification; an approval carries the action out at once.
pub async fn decide(
    State(state): State<AppState>,
    lang: Lang,
    Extension(who): Extension<StaffSession>,
    Path((id, decision)): Path<(String, String)>,
    form: Result<Form<DecisionForm>, FormRejection>,
) -> Result<Response, AppError> {
    let Form(form) = form.map_err(|e| AppError::BadRequest(e.body_text()))?;
    let approve = match decision.as_str() {
        "approve" => true,
        "reject" => false,
        _ => return Err(AppError::NotFound),
    };
    let now = state.clock.now();
    if !who.is_fresh(now) {
        return Ok(Redirect::to("/admin/signin").into_response());
    }
    let a = texts(lang);
    let reason = Reason::parse(&form.category, &form.detail)
        .ok_or_else(|| AppError::BadRequest(a.reason_required.into()))?;
    let request = staff::find_staff_request(&state.db, &id)
        .await?
        .ok_or(AppError::NotFound)?;
    if request.requested_by == who.staff_id {
        return Err(AppError::BadRequest(a.own_decision.into()));
    }
    // A request stands only while its requester may still act.
    if staff::find_staff(&state.db, &request.requested_by)
        .await?
        .is_none_or(|r| r.status != "active")
    {
        return Err(AppError::BadRequest(a.decided_already.into()));
    }
    let me = staff::find_staff(&state.db, &who.staff_id)
        .await?
        .ok_or(AppError::Forbidden)?;
    let decided = if approve { "approved" } else { "rejected" };
    let code = crate::transaction!(state.db, AppError, |tx| {
        // Once, in time, and never by the requester: the statement itself holds these.
        if !staff::update_staff_request_decided(tx, &id, &me.id, decided, now).await? {
            return Err(AppError::BadRequest(a.decided_already.into()));
        }
        let category = request
            .reason
            .split(':')
            .next()
            .and_then(ReasonCategory::parse)
            .unwrap_or(ReasonCategory::Other);
        super::log::record(
            tx,
            &Action {
                staff_id: &me.id,
                pseudonym: &me.pseudonym,
                action: &format!("{decided}_{}", request.action),
                subject: &request.subject,
                reason: &reason.logged(),
                citizen: concerns_citizen(&request.action).then_some((
                    &request.subject,
                    if approve {
                        "A supervisor approved the helpdesk's request"
                    } else {
                        "A supervisor turned down the helpdesk's request"
                    },
                    category,
                )),
                at: now,
            },
        )
        .await?;
        if approve && request.action == "lift_fraud_lock" {
            if let Some(account) =
                accounts::find_account_by_person(&state.db, &request.subject).await?
            {
                accounts::update_account_lock(tx, &account.id, None, None).await?;
            }
            super::log::record(
                tx,
                &Action {
                    staff_id: &me.id,
                    pseudonym: &me.pseudonym,
                    action: "unlock",
                    subject: &request.subject,
                    reason: &request.reason,
                    citizen: Some((
                        &request.subject,
                        "The helpdesk unlocked your account",
                        category,
                    )),
                    at: now,
                },
            )
            .await?;
        }
        if approve {
            match request.action.as_str() {
                "suspend_client" | "grant_national_id" => {
                    super::clients::carry_out(&state, ops_texts(lang), tx, &me, &request, now)
                        .await?;
                }
                "approve_application" => {
                    super::review::carry_out(tx, ops_texts(lang), &me, &request, now).await?;
                }
                _ => {}
            }
        }
        // The approval and the code it releases commit together, or neither.
        let code = if approve && request.action == "reactivate" {
            Some(
                super::actions::issue_reactivation(
                    tx,
                    &me,
                    &request.subject,
                    &request.reason,
                    category,
                    now,
                )
                .await?,
            )
        } else {
            None
        };
        Ok(code)
    })?;
    state.reads.changed();
    if let Some(code) = code {
        return super::actions::code_page(&state, lang, &request.subject, code).await;
    }
    Ok(Redirect::to("/admin/requests").into_response())
}
