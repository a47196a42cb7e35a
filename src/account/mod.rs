//! The citizen's own pages at `/account`: the services that may see their data (and the
//! withdrawal of that consent, at once), their passkeys, their signed-in sessions (sign any
//! out), their security history, and the registry data held about them.

use askama::Template;
use askama_web::WebTemplate;
use axum::{
    extract::{Form, State, rejection::FormRejection},
    response::{IntoResponse, Redirect, Response},
};
use serde::Deserialize;
use tower_sessions::Session;

use crate::{
    app::AppState,
    authn::record_event,
    clock::rfc3339,
    error::AppError,
    oidc::claims::scope_set,
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
    pub name: String,
    pub added: String,
    pub last_used: String,
    pub synced: bool,
}

pub struct SessionItem {
    pub sid: String,
    pub started: String,
    pub is_this_one: bool,
}

pub struct ReleaseItem {
    pub when: String,
    pub service: String,
    pub claims: String,
    pub purpose: String,
    pub acr: String,
    pub channel: &'static str,
    pub receipt: String,
}

pub struct EventItem {
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
    pub releases: Vec<ReleaseItem>,
}

/// The date part of an RFC 3339 time, for lists people read.
fn day(unix: i64) -> String {
    let t = rfc3339(unix);
    format!(
        "{} {}",
        t.get(..10).unwrap_or(""),
        t.get(11..16).unwrap_or("")
    )
}

async fn who(state: &AppState, session: &Session) -> Result<Option<SignedIn>, AppError> {
    Ok(signed_in(session, &state.config.sessions, state.clock.now()).await?)
}

/// `GET /account`
pub async fn account(
    State(state): State<AppState>,
    session: Session,
    lang: Lang,
) -> Result<Response, AppError> {
    let Some(me) = who(&state, &session).await? else {
        return Ok(Redirect::to("/signin").into_response());
    };
    let now = state.clock.now();
    let person = persons::find_person(&state.db, &me.person_id)
        .await?
        .ok_or(AppError::NotFound)?;
    let t = lang.messages();
    let services = oauth::find_consents_of_person(&state.db, &me.person_id, now)
        .await?
        .into_iter()
        .map(|c| ServiceItem {
            data: scope_set(&c.scopes)
                .iter()
                .filter(|s| *s != "openid")
                .map(|s| match s.as_str() {
                    "profile" => t.claim_name,
                    "email" => t.claim_email,
                    "phone" => t.claim_phone,
                    "address" => t.claim_address,
                    "national_id" => t.claim_national_id,
                    _ => t.claim_other,
                })
                .collect::<Vec<_>>()
                .join(", "),
            client_id: c.client_id,
            name: c.display_name,
            purpose: c.purpose,
            since: day(c.granted_at),
        })
        .collect();
    let passkeys = match accounts::find_account_by_person(&state.db, &me.person_id).await? {
        Some(a) => accounts::find_passkeys_of_account(&state.db, &a.id)
            .await?
            .into_iter()
            .map(|p| PasskeyItem {
                name: p.name,
                added: day(p.created_at),
                last_used: p.last_used_at.map(day).unwrap_or_else(|| "—".into()),
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
            Some(SessionItem {
                is_this_one: sid == me.sid,
                sid,
                started: day(s.created_at),
            })
        })
        .collect();
    let events = accounts::find_security_events(&state.db, &me.person_id)
        .await?
        .into_iter()
        .take(50)
        .map(|e| EventItem {
            when: day(e.created_at),
            what: e.detail,
        })
        .collect();
    let releases = crate::store::releases::find_releases_of_person(&state.db, &me.person_id, 50)
        .await?
        .into_iter()
        .map(|r| ReleaseItem {
            when: day(r.created_at),
            service: r.client_name,
            claims: r.claims,
            purpose: r.purpose,
            acr: r.acr,
            channel: match r.channel.as_str() {
                "id_token" => "sign-in",
                "userinfo" => "userinfo",
                _ => "SAML",
            },
            receipt: r.hash,
        })
        .collect();
    Ok(AccountPage {
        releases,
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
    let mut tx = state.db.begin().await?;
    let removed =
        oauth::delete_consent_and_revoke(&mut tx, &me.person_id, &form.client_id, now).await?;
    tx.commit().await?;
    if removed {
        record_event(
            &state.db,
            &me.person_id,
            "consent_withdrawn",
            "Consent for a service was withdrawn",
            now,
        )
        .await;
    }
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
    if session_rows::delete_session_of_person(&state.db, &me.person_id, &form.sid).await? {
        record_event(
            &state.db,
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
