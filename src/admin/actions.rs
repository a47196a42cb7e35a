//! The helpdesk's actions on a citizen's account, each with a required reason, on a record
//! opened with a reason, recorded in the staff log and the citizen's own history: unlock,
//! lock, sign out everywhere, revoke a passkey, withdraw a consent, re-activation codes. The
//! risky ones wait for a second person (`admin::requests`).

use askama::Template;
use askama_web::WebTemplate;
use axum::{
    Extension,
    extract::{Form, Path, State, rejection::FormRejection},
    response::{IntoResponse, Redirect, Response},
};
use serde::Deserialize;
use tower_sessions::Session;

use super::{
    StaffSession,
    citizens::{ReasonForm, is_open, member, on_citizen},
    log::{Action, Reason, ReasonCategory},
    texts::{Texts, texts},
};
use crate::{
    error::AppError,
    oidc::backchannel,
    state::AppState,
    store::{accounts, oauth, persons, staff},
    web::{i18n::Lang, pages::Layout},
};

/// A lock a citizen asked for ("this wasn't me") or staff set for fraud: lifting it needs a
/// second person.
pub fn is_fraud_lock(reason: Option<&str>) -> bool {
    reason.is_some_and(|r| r.starts_with("fraud") || r.starts_with("locked by the citizen"))
}

/// The common start of every action: the form's reason, the opened record, the account.
async fn prepare(
    state: &AppState,
    session: &Session,
    lang: Lang,
    person_id: &str,
    form: Result<Form<ReasonForm>, FormRejection>,
) -> Result<(Reason, accounts::AccountRow), AppError> {
    let a = texts(lang);
    let Form(form) = form.map_err(|e| AppError::BadRequest(e.body_text()))?;
    let reason = Reason::parse(&form.category, &form.detail)
        .ok_or_else(|| AppError::BadRequest(a.reason_required.into()))?;
    if !is_open(session, person_id, state.clock.now()).await? {
        return Err(AppError::BadRequest(a.open_first.into()));
    }
    let account = accounts::find_account_by_person(&state.db, person_id)
        .await?
        .ok_or_else(|| AppError::BadRequest(a.not_activated.into()))?;
    Ok((reason, account))
}

/// `POST /admin/citizens/{id}/unlock`: lifts a lock; a fraud lock only through four eyes.
pub async fn unlock(
    State(state): State<AppState>,
    session: Session,
    lang: Lang,
    Extension(who): Extension<StaffSession>,
    Path(person_id): Path<String>,
    form: Result<Form<ReasonForm>, FormRejection>,
) -> Result<Response, AppError> {
    let (reason, account) = prepare(&state, &session, lang, &person_id, form).await?;
    let now = state.clock.now();
    let me = member(&state, &who).await?;
    if is_fraud_lock(account.lock_reason.as_deref()) {
        super::requests::request(&state, &me, "lift_fraud_lock", &person_id, &reason, now).await?;
        return Ok(
            Redirect::to(&format!("/admin/citizens/{person_id}?done=requested")).into_response(),
        );
    }
    crate::transaction!(state.db, AppError, |tx| {
        accounts::update_account_lock(tx, &account.id, None, None).await?;
        on_citizen(
            tx,
            &me,
            "unlock",
            &person_id,
            &reason,
            "The helpdesk unlocked your account",
            now,
        )
        .await?;
        Ok(())
    })?;
    Ok(Redirect::to(&format!("/admin/citizens/{person_id}?done=unlock")).into_response())
}

/// `POST /admin/citizens/{id}/lock`: locks the account and ends every session.
pub async fn lock(
    State(state): State<AppState>,
    session: Session,
    lang: Lang,
    Extension(who): Extension<StaffSession>,
    Path(person_id): Path<String>,
    form: Result<Form<ReasonForm>, FormRejection>,
) -> Result<Response, AppError> {
    let (reason, account) = prepare(&state, &session, lang, &person_id, form).await?;
    let now = state.clock.now();
    let me = member(&state, &who).await?;
    // A fraud lock (staff's, or the citizen's own "this wasn't me") is never turned into a
    // plain one by locking again: lifting it stays a four-eyes action.
    let is_locked = account.locked_until.is_some_and(|u| u > now);
    let lock_reason = match account.lock_reason.as_deref() {
        Some(existing) if is_locked && is_fraud_lock(Some(existing)) => existing,
        _ if reason.category == ReasonCategory::Fraud => "fraud: locked by the helpdesk",
        _ => "locked by the helpdesk",
    };
    crate::transaction!(state.db, AppError, |tx| {
        accounts::update_account_lock(tx, &account.id, Some(i64::MAX), Some(lock_reason)).await?;
        backchannel::end_all_sessions(tx, &person_id, now).await?;
        // No data flows on while locked: every relying party's grant ends, offline ones too.
        oauth::update_grants_revoked_of_person(tx, &person_id, now).await?;
        on_citizen(
            tx,
            &me,
            "lock",
            &person_id,
            &reason,
            "The helpdesk locked your account and signed you out everywhere",
            now,
        )
        .await?;
        Ok(())
    })?;
    state.backchannel.queued();
    Ok(Redirect::to(&format!("/admin/citizens/{person_id}?done=lock")).into_response())
}

/// `POST /admin/citizens/{id}/sessions/end`: signs the citizen out everywhere.
pub async fn end_sessions(
    State(state): State<AppState>,
    session: Session,
    lang: Lang,
    Extension(who): Extension<StaffSession>,
    Path(person_id): Path<String>,
    form: Result<Form<ReasonForm>, FormRejection>,
) -> Result<Response, AppError> {
    let (reason, _) = prepare(&state, &session, lang, &person_id, form).await?;
    let now = state.clock.now();
    let me = member(&state, &who).await?;
    crate::transaction!(state.db, AppError, |tx| {
        backchannel::end_all_sessions(tx, &person_id, now).await?;
        on_citizen(
            tx,
            &me,
            "end_sessions",
            &person_id,
            &reason,
            "The helpdesk signed you out everywhere",
            now,
        )
        .await?;
        Ok(())
    })?;
    state.backchannel.queued();
    Ok(Redirect::to(&format!("/admin/citizens/{person_id}?done=sessions")).into_response())
}

#[derive(Template, WebTemplate)]
#[template(path = "admin/code.html")]
pub struct CodePage {
    pub layout: Layout,
    pub a: &'static Texts,
    pub title: String,
    pub code: String,
}

/// `POST /admin/citizens/{id}/reactivate`: a re-activation code after an identity check. An
/// account that still has passkeys needs a supervisor's approval first; the code is shown
/// once, to be read out or sent by letter (never by e-mail).
pub async fn reactivate(
    State(state): State<AppState>,
    session: Session,
    lang: Lang,
    Extension(who): Extension<StaffSession>,
    Path(person_id): Path<String>,
    form: Result<Form<ReasonForm>, FormRejection>,
) -> Result<Response, AppError> {
    let now = state.clock.now();
    if !who.is_fresh(now) {
        return Ok(Redirect::to("/admin/signin").into_response());
    }
    let (reason, account) = prepare(&state, &session, lang, &person_id, form).await?;
    let me = member(&state, &who).await?;
    // Four eyes while the account has a passkey, and also when staff revoked one lately:
    // otherwise one person could revoke every passkey and then re-activate alone.
    let has_passkeys = !accounts::find_passkeys_of_account(&state.db, &account.id)
        .await?
        .is_empty();
    let revoked_lately = staff::exists_staff_action_on(
        &state.db,
        &person_id,
        "revoke_passkey",
        now - REVOKED_LATELY,
    )
    .await?;
    if has_passkeys || revoked_lately {
        super::requests::request(&state, &me, "reactivate", &person_id, &reason, now).await?;
        return Ok(
            Redirect::to(&format!("/admin/citizens/{person_id}?done=requested")).into_response(),
        );
    }
    let code = crate::transaction!(state.db, AppError, |tx| {
        issue_reactivation(tx, &me, &person_id, &reason.logged(), reason.category, now).await
    })?;
    code_page(&state, lang, &person_id, code).await
}

/// Staff revoking a passkey this recently makes a re-activation a four-eyes action.
const REVOKED_LATELY: i64 = 30 * 86_400;

/// Issues a re-activation code and records it, in the caller's transaction; returns the code
/// (to show once, after the commit).
pub async fn issue_reactivation(
    tx: &mut crate::store::Tx,
    me: &staff::StaffRow,
    person_id: &str,
    reason: &str,
    category: ReasonCategory,
    now: i64,
) -> Result<String, AppError> {
    let (code, hash) = crate::authn::activation::new_activation_code();
    accounts::insert_activation_code(
        tx,
        &hash,
        person_id,
        now,
        now + crate::authn::activation::ACTIVATION_CODE_LIFETIME,
    )
    .await?;
    super::log::record(
        tx,
        &Action {
            staff_id: &me.id,
            pseudonym: &me.pseudonym,
            action: "reactivation_code",
            subject: person_id,
            reason,
            citizen: Some((
                person_id,
                "The helpdesk issued a re-activation code for you",
                category,
            )),
            at: now,
        },
    )
    .await?;
    Ok(code)
}

/// The page that shows a new code once.
pub async fn code_page(
    state: &AppState,
    lang: Lang,
    person_id: &str,
    code: String,
) -> Result<Response, AppError> {
    let person = persons::find_person(&state.db, person_id)
        .await?
        .ok_or(AppError::NotFound)?;
    let a = texts(lang);
    let mut response = CodePage {
        layout: Layout::new(lang, "/admin/citizens"),
        a,
        title: a.code_title(format!("{} {}", person.given_names, person.family_name)),
        code,
    }
    .into_response();
    response.headers_mut().insert(
        axum::http::header::CACHE_CONTROL,
        axum::http::HeaderValue::from_static("no-store"),
    );
    Ok(response)
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ItemForm {
    /// The passkey's credential id, or the service's client id.
    item: String,
    #[serde(default)]
    category: String,
    #[serde(default)]
    detail: String,
}

impl ItemForm {
    fn split(self) -> (String, Result<Form<ReasonForm>, FormRejection>) {
        let reason = ReasonForm {
            person_id: String::new(),
            category: self.category,
            detail: self.detail,
        };
        (self.item, Ok(Form(reason)))
    }
}

/// `POST /admin/citizens/{id}/passkeys/revoke`: a lost or stolen passkey stops working.
pub async fn revoke_passkey(
    State(state): State<AppState>,
    session: Session,
    lang: Lang,
    Extension(who): Extension<StaffSession>,
    Path(person_id): Path<String>,
    form: Result<Form<ItemForm>, FormRejection>,
) -> Result<Response, AppError> {
    let now = state.clock.now();
    if !who.is_fresh(now) {
        return Ok(Redirect::to("/admin/signin").into_response());
    }
    let Form(form) = form.map_err(|e| AppError::BadRequest(e.body_text()))?;
    let (credential_id, reason_form) = form.split();
    let (reason, account) = prepare(&state, &session, lang, &person_id, reason_form).await?;
    let me = member(&state, &who).await?;
    crate::transaction!(state.db, AppError, |tx| {
        if !accounts::delete_passkey(tx, &account.id, &credential_id).await? {
            return Err(AppError::NotFound);
        }
        // Whoever signed in with a stolen passkey is signed out with it.
        backchannel::end_all_sessions(tx, &person_id, now).await?;
        on_citizen(
            tx,
            &me,
            "revoke_passkey",
            &person_id,
            &reason,
            "The helpdesk revoked one of your passkeys",
            now,
        )
        .await?;
        Ok(())
    })?;
    state.backchannel.queued();
    Ok(Redirect::to(&format!("/admin/citizens/{person_id}?done=passkey")).into_response())
}

/// `POST /admin/citizens/{id}/consents/withdraw`: on the citizen's request, a service's
/// consent ends and its grants and tokens are revoked at once.
pub async fn withdraw_consent(
    State(state): State<AppState>,
    session: Session,
    lang: Lang,
    Extension(who): Extension<StaffSession>,
    Path(person_id): Path<String>,
    form: Result<Form<ItemForm>, FormRejection>,
) -> Result<Response, AppError> {
    let Form(form) = form.map_err(|e| AppError::BadRequest(e.body_text()))?;
    let (client_id, reason_form) = form.split();
    let (reason, _) = prepare(&state, &session, lang, &person_id, reason_form).await?;
    let now = state.clock.now();
    let me = member(&state, &who).await?;
    crate::transaction!(state.db, AppError, |tx| {
        if !oauth::delete_consent_and_revoke(tx, &person_id, &client_id, now).await? {
            return Err(AppError::NotFound);
        }
        super::log::record(
            tx,
            &Action {
                staff_id: &me.id,
                pseudonym: &me.pseudonym,
                action: "withdraw_consent",
                subject: &person_id,
                reason: &format!("{} (client {client_id})", reason.logged()),
                citizen: Some((
                    &person_id,
                    "The helpdesk withdrew your consent for a service",
                    reason.category,
                )),
                at: now,
            },
        )
        .await?;
        Ok(())
    })?;
    Ok(Redirect::to(&format!("/admin/citizens/{person_id}?done=consent")).into_response())
}
