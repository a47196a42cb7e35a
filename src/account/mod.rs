//! The citizen's own pages at `/account`: the services that may see their data (and the
//! withdrawal of that consent, at once), their passkeys, their signed-in sessions (sign any
//! out), their security history, and the registry data held about them.

pub mod events;
pub mod history;

use askama::Template;
use askama_web::WebTemplate;
use axum::{
    extract::{
        Form, Query, State,
        rejection::{FormRejection, QueryRejection},
    },
    response::{IntoResponse, Redirect, Response},
};
use serde::Deserialize;
use tower_sessions::Session;

use crate::{
    authn::record_event,
    error::AppError,
    oidc::{backchannel, claims::scope_set},
    state::AppState,
    store::{accounts, oauth, persons, persons::PersonRow, sessions as session_rows},
    web::{
        i18n::Lang,
        pages::Layout,
        sessions::{SignedIn, signed_in},
    },
};

pub struct ServiceItem {
    pub client_id: String,
    pub name: String,
    pub purpose: String,
    pub data: String,
    pub since: String,
}

pub struct PasskeyItem {
    pub credential_id: String,
    pub name: String,
    pub added: String,
    pub last_used: String,
    pub synced: bool,
}

pub struct SessionItem {
    pub sid: String,
    pub device: String,
    pub started: String,
    pub is_this_one: bool,
}

pub struct EventItem {
    pub id: String,
    pub when: String,
    pub what: String,
}

#[derive(Template, WebTemplate)]
#[template(path = "account/account.html")]
pub struct AccountPage {
    pub layout: Layout,
    pub person: PersonRow,
    pub services: Vec<ServiceItem>,
    pub passkeys: Vec<PasskeyItem>,
    pub sessions: Vec<SessionItem>,
    pub events: Vec<EventItem>,
    pub history: history::History,
}

pub(crate) async fn who(state: &AppState, session: &Session) -> Result<Option<SignedIn>, AppError> {
    Ok(signed_in(session, &state.config.sessions, state.clock.now()).await?)
}

/// `GET /account`
pub async fn account(
    State(state): State<AppState>,
    session: Session,
    lang: Lang,
    query: Result<Query<history::HistoryQuery>, QueryRejection>,
) -> Result<Response, AppError> {
    let Query(q) = query.map_err(|e| AppError::BadRequest(e.body_text()))?;
    let Some(me) = who(&state, &session).await? else {
        return Ok(Redirect::to("/signin").into_response());
    };
    let now = state.clock.now();
    let person = persons::find_person(&state.db, &me.person_id)
        .await?
        .ok_or(AppError::NotFound)?;
    let services = oauth::find_consents_of_person(&state.db, &me.person_id, now)
        .await?
        .into_iter()
        .map(|c| ServiceItem {
            data: scope_set(&c.scopes)
                .iter()
                .filter(|s| *s != "openid")
                .map(|s| crate::consent::scope_label(lang, s))
                .collect::<Vec<_>>()
                .join(", "),
            client_id: c.client_id,
            name: c.display_name,
            purpose: c.purpose,
            since: lang.date_time(c.granted_at),
        })
        .collect();
    let passkeys = match accounts::find_account_by_person(&state.db, &me.person_id).await? {
        Some(a) => accounts::find_passkeys_of_account(&state.db, &a.id)
            .await?
            .into_iter()
            .map(|p| PasskeyItem {
                credential_id: p.credential_id,
                name: p.name,
                added: lang.date_time(p.created_at),
                last_used: p
                    .last_used_at
                    .map(|t| lang.date_time(t))
                    .unwrap_or_else(|| "—".into()),
                synced: p.backup_eligible == 1,
            })
            .collect(),
        None => vec![],
    };
    let sessions = session_rows::find_sessions_of_person(&state.db, &me.person_id, now)
        .await?
        .into_iter()
        .filter_map(|s| {
            let sid = s.sid?;
            let device = serde_json::from_str::<serde_json::Value>(&s.data)
                .ok()
                .and_then(|d| {
                    d.get(crate::web::sessions::DEVICE)?
                        .as_str()
                        .map(str::to_owned)
                })
                .unwrap_or_else(|| "—".into());
            Some(SessionItem {
                device,
                is_this_one: sid == me.sid,
                sid,
                started: lang.date_time(s.created_at),
            })
        })
        .collect();
    let events = accounts::find_security_events(&state.db, &me.person_id)
        .await?
        .into_iter()
        .take(50)
        .map(|e| EventItem {
            id: e.id,
            when: lang.date_time(e.created_at),
            what: events::event_in_words(&e.kind, &e.detail, lang),
        })
        .collect();
    let history = history::page(&state, lang, &me.person_id, &q).await?;
    Ok(AccountPage {
        history,
        layout: Layout::new(lang, "/account"),
        person,
        services,
        passkeys,
        sessions,
        events,
    }
    .into_response())
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct WithdrawForm {
    client_id: String,
}

/// `POST /account/services/withdraw`: takes effect at once; the service's tokens stop working.
pub async fn withdraw(
    State(state): State<AppState>,
    session: Session,
    form: Result<Form<WithdrawForm>, FormRejection>,
) -> Result<Response, AppError> {
    let Form(form) = form.map_err(|e| AppError::BadRequest(e.body_text()))?;
    let Some(me) = who(&state, &session).await? else {
        return Ok(Redirect::to("/signin").into_response());
    };
    let now = state.clock.now();
    // The withdrawal and its record in one transaction: acknowledged means both happened.
    crate::transaction!(state.db, AppError, |tx| {
        if oauth::delete_consent_and_revoke(tx, &me.person_id, &form.client_id, now).await? {
            crate::authn::record_event_in(
                tx,
                &me.person_id,
                "consent_withdrawn",
                "Consent for a service was withdrawn",
                now,
            )
            .await?;
        }
        Ok(())
    })?;
    Ok(Redirect::to("/account#services").into_response())
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EndSessionForm {
    sid: String,
}

/// `POST /account/sessions/end`: signs one of the citizen's sessions out, here or elsewhere.
pub async fn end_session(
    State(state): State<AppState>,
    session: Session,
    form: Result<Form<EndSessionForm>, FormRejection>,
) -> Result<Response, AppError> {
    let Form(form) = form.map_err(|e| AppError::BadRequest(e.body_text()))?;
    let Some(me) = who(&state, &session).await? else {
        return Ok(Redirect::to("/signin").into_response());
    };
    let now = state.clock.now();
    if backchannel::end_session(&state, &form.sid, Some(&me.person_id)).await? {
        record_event(
            &state.writer,
            &me.person_id,
            "session_ended",
            "A session was signed out from the account page",
            now,
        )
        .await;
    }
    if form.sid == me.sid {
        session.flush().await?;
        return Ok(Redirect::to("/").into_response());
    }
    Ok(Redirect::to("/account#sessions").into_response())
}

/// `POST /account/sessions/end-all`: "sign out everywhere", this browser included. Relying
/// parties' refresh tokens without `offline_access` end with these sessions, and those with a
/// back-channel logout URI are told.
pub async fn end_all_sessions(
    State(state): State<AppState>,
    session: Session,
) -> Result<Response, AppError> {
    let Some(me) = who(&state, &session).await? else {
        return Ok(Redirect::to("/signin").into_response());
    };
    let now = state.clock.now();
    let ended = crate::transaction!(state.db, AppError, |tx| {
        Ok(backchannel::end_all_sessions(tx, &me.person_id, now).await?)
    })?;
    state.backchannel.queued();
    record_event(
        &state.writer,
        &me.person_id,
        "signed_out_everywhere",
        &format!("Signed out everywhere ({ended} sessions ended)"),
        state.clock.now(),
    )
    .await;
    session.flush().await?;
    Ok(Redirect::to("/").into_response())
}

/// The signed-in person's account, for changes that need a passkey sign-in (substantial or
/// higher): a one-time code session may look, not change passkeys.
async fn passkey_owner(
    state: &AppState,
    session: &Session,
) -> Result<Result<(SignedIn, accounts::AccountRow), Response>, AppError> {
    let Some(me) = who(state, session).await? else {
        return Ok(Err(Redirect::to("/signin").into_response()));
    };
    if me.acr == crate::authn::otp::ACR_LOW {
        return Err(AppError::BadRequest(
            "To change your passkeys, sign in with a passkey (or a recovery code) first.".into(),
        ));
    }
    let account = accounts::find_account_by_person(&state.db, &me.person_id)
        .await?
        .ok_or(AppError::NotFound)?;
    Ok(Ok((me, account)))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RenameForm {
    credential_id: String,
    name: String,
}

/// `POST /account/passkeys/rename`
pub async fn rename_passkey(
    State(state): State<AppState>,
    session: Session,
    form: Result<Form<RenameForm>, FormRejection>,
) -> Result<Response, AppError> {
    let Form(form) = form.map_err(|e| AppError::BadRequest(e.body_text()))?;
    let (_, account) = match passkey_owner(&state, &session).await? {
        Ok(found) => found,
        Err(redirect) => return Ok(redirect),
    };
    let name = form.name.trim();
    if name.is_empty() || name.chars().count() > 60 || name.chars().any(char::is_control) {
        return Err(AppError::BadRequest(
            "A passkey name has 1 to 60 characters.".into(),
        ));
    }
    if !accounts::update_passkey_name(&state.db, &account.id, &form.credential_id, name).await? {
        return Err(AppError::NotFound);
    }
    Ok(Redirect::to("/account#security").into_response())
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RemoveForm {
    credential_id: String,
    #[serde(default)]
    confirm_last: Option<String>,
}

/// `POST /account/passkeys/remove`: the last passkey only with an explicit confirmation (the
/// citizen then needs a recovery code or the helpdesk to sign in with a passkey again).
pub async fn remove_passkey(
    State(state): State<AppState>,
    session: Session,
    form: Result<Form<RemoveForm>, FormRejection>,
) -> Result<Response, AppError> {
    let Form(form) = form.map_err(|e| AppError::BadRequest(e.body_text()))?;
    let (me, account) = match passkey_owner(&state, &session).await? {
        Ok(found) => found,
        Err(redirect) => return Ok(redirect),
    };
    let count = accounts::find_passkeys_of_account(&state.db, &account.id)
        .await?
        .len();
    if count <= 1 && form.confirm_last.as_deref() != Some("yes") {
        return Err(AppError::BadRequest(
            "This is your last passkey. Without it you need a recovery code or the helpdesk to sign in with a passkey again. Tick the confirmation to remove it anyway.".into(),
        ));
    }
    crate::transaction!(state.db, AppError, |tx| {
        if !accounts::delete_passkey(tx, &account.id, &form.credential_id).await? {
            return Err(AppError::NotFound);
        }
        Ok(())
    })?;
    record_event(
        &state.writer,
        &me.person_id,
        "passkey_removed",
        "A passkey was removed",
        state.clock.now(),
    )
    .await;
    Ok(Redirect::to("/account#security").into_response())
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ReportForm {
    /// The release or event the citizen does not recognise, if one.
    #[serde(default)]
    entry: String,
    #[serde(default)]
    lock: Option<String>,
}

/// `POST /account/report`: "this wasn't me". Recorded in the citizen's history for the
/// helpdesk; with `lock`, the identity is locked at once and every session ends.
pub async fn report(
    State(state): State<AppState>,
    session: Session,
    lang: Lang,
    form: Result<Form<ReportForm>, FormRejection>,
) -> Result<Response, AppError> {
    let Form(form) = form.map_err(|e| AppError::BadRequest(e.body_text()))?;
    let Some(me) = who(&state, &session).await? else {
        return Ok(Redirect::to("/signin").into_response());
    };
    let now = state.clock.now();
    let entry: String = form
        .entry
        .chars()
        .filter(|c| c.is_ascii_alphanumeric() || *c == '-')
        .take(64)
        .collect();
    let detail = if entry.is_empty() {
        "The citizen reported activity that was not theirs".to_owned()
    } else {
        format!("The citizen reported entry {entry} as not theirs")
    };
    record_event(
        &state.writer,
        &me.person_id,
        "reported_not_me",
        &detail,
        now,
    )
    .await;
    if form.lock.as_deref() == Some("yes") {
        crate::transaction!(state.db, AppError, |tx| {
            if let Some(account) =
                accounts::find_account_by_person(&state.db, &me.person_id).await?
            {
                accounts::update_account_lock(
                    tx,
                    &account.id,
                    Some(i64::MAX),
                    Some("locked by the citizen: activity not theirs"),
                )
                .await?;
            }
            backchannel::end_all_sessions(tx, &me.person_id, now).await?;
            // "This wasn't me": no service receives the citizen's data until the helpdesk has
            // checked, not even one holding offline access.
            crate::store::oauth::update_grants_revoked_of_person(tx, &me.person_id, now).await?;
            Ok(())
        })?;
        state.backchannel.queued();
        record_event(
            &state.writer,
            &me.person_id,
            "locked",
            "Identity locked at the citizen's request",
            now,
        )
        .await;
        session.flush().await?;
        let t = lang.messages();
        return Ok(crate::web::pages::ErrorPage::new(
            lang,
            t.account_locked_title,
            t.account_locked_text.to_owned(),
            None,
        )
        .into_response());
    }
    Ok(Redirect::to("/account#security").into_response())
}
