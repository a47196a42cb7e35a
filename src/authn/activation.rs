//! Activation: a person in the registry proves they are themselves with their national ID and
//! a one-time activation code that reached them by a trusted channel (a letter, or the
//! helpdesk after an identity check), then registers their first passkey.
//!
//! Codes are 80 random bits, stored hashed, single use, valid 30 days. Attempts are throttled
//! per national ID and per client address; a failure never says whether the national ID exists.

use askama::Template;
use askama_web::WebTemplate;
use axum::{
    Extension,
    extract::{Form, Query, State, rejection::FormRejection},
    response::{IntoResponse, Redirect, Response},
};
use serde::{Deserialize, Serialize};
use tower_sessions::Session;

use super::{after_sign_in, record_event, throttle};
use crate::{
    crypto::secrets::sha256_b64,
    error::AppError,
    registry::NationalId,
    state::AppState,
    store::{Db, accounts, persons},
    web::{client_ip::ClientIp, i18n::Lang, pages::Layout},
};

/// How long an activation code is valid.
pub const CODE_LIFETIME: i64 = 30 * 86_400;
/// How long after entering a valid code the first passkey may be registered.
pub const PASSKEY_WINDOW: i64 = 900;

/// The session key of an activation in progress.
pub const ACTIVATION: &str = "civitas.activation";

/// An activation in progress: the code was right; the first passkey is next.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Activating {
    pub person_id: String,
    pub expires_at: i64,
    pub continue_id: Option<String>,
    /// The activation code, spent when the first passkey is stored (so a cancelled ceremony
    /// does not burn it). `None` for a recovery code, which is spent on entry.
    pub code_hash: Option<String>,
}

/// A new code: 16 characters (80 bits) in groups of four, e.g. `7KQ2-M9XD-4TZB-H3WF`.
fn new_code() -> String {
    let chars: Vec<char> = crate::crypto::secrets::random_base32(16).chars().collect();
    chars
        .chunks(4)
        .map(|c| c.iter().collect::<String>())
        .collect::<Vec<_>>()
        .join("-")
}

/// The form a code is compared in: upper case, without spaces or dashes.
fn normalise(code: &str) -> String {
    code.chars()
        .filter(|c| !c.is_whitespace() && *c != '-')
        .map(|c| c.to_ascii_uppercase())
        .collect()
}

/// Issues an activation code for the person with `national_id` (`civitas activation issue`).
/// A new activation code's text, and the hash it is stored under.
pub fn new_activation_code() -> (String, String) {
    let code = new_code();
    let hash = sha256_b64(&normalise(&code));
    (code, hash)
}

/// How long an activation code stays valid.
pub const ACTIVATION_CODE_LIFETIME: i64 = CODE_LIFETIME;

pub async fn issue_code(db: &Db, national_id: &str, now: i64) -> anyhow::Result<String> {
    // (The helpdesk issues codes through `admin::citizens`, with a reason and four eyes.)
    let id = NationalId::parse(national_id).map_err(|m| anyhow::anyhow!("national ID: {m}"))?;
    let person = persons::find_person_by_national_id(db, id.as_str())
        .await?
        .ok_or_else(|| anyhow::anyhow!("no person with that national ID is in the registry"))?;
    let code = new_code();
    crate::transaction!(db, anyhow::Error, |tx| {
        accounts::insert_activation_code(
            tx,
            &sha256_b64(&normalise(&code)),
            &person.id,
            now,
            now + CODE_LIFETIME,
        )
        .await?;
        Ok(())
    })?;
    record_event(
        &crate::store::writer::Writer::new(db.clone()),
        &person.id,
        "activation_code_issued",
        "An activation code was issued",
        now,
    )
    .await;
    Ok(code)
}

#[derive(Template, WebTemplate)]
#[template(path = "authn/activate.html")]
pub struct ActivatePage {
    pub layout: Layout,
    pub continue_id: String,
    pub error: Option<String>,
    pub national_id: String,
}

#[derive(Deserialize, Default)]
pub struct ContinueQuery {
    #[serde(rename = "continue")]
    pub continue_id: Option<String>,
}

/// `GET /activate`
pub async fn activate_page(lang: Lang, Query(q): Query<ContinueQuery>) -> ActivatePage {
    let continue_id = q.continue_id.unwrap_or_default();
    ActivatePage {
        layout: Layout::new(lang, &super::here("/activate", &continue_id)),
        continue_id,
        error: None,
        national_id: String::new(),
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ActivateForm {
    national_id: String,
    code: String,
    #[serde(rename = "continue", default)]
    continue_id: String,
}

/// `POST /activate`
pub async fn activate(
    State(state): State<AppState>,
    session: Session,
    lang: Lang,
    Extension(ClientIp(ip)): Extension<ClientIp>,
    form: Result<Form<ActivateForm>, FormRejection>,
) -> Result<Response, AppError> {
    let Form(form) = form.map_err(|e| AppError::BadRequest(e.body_text()))?;
    let t = lang.messages();
    let now = state.clock.now();
    let national_id = form.national_id.trim().to_uppercase();
    // The code is checked first (one hashed lookup): a right code passes whatever a stranger
    // did; the locks per national ID and (as a flood ceiling) per address refuse wrong ones.
    let by_id = throttle::key("activation-id", &national_id);
    let by_ip = throttle::key("activation-ip", &throttle::address(ip));
    let address_lock = throttle::check(&state.db, &by_ip, now).await?.err();
    let page = |error: &str| ActivatePage {
        layout: Layout::new(lang, &super::here("/activate", &form.continue_id)),
        continue_id: form.continue_id.clone(),
        error: Some(error.to_owned()),
        national_id: national_id.clone(),
    };
    // One answer for every failure: the page never tells whether a national ID exists.
    let person = super::person_by_typed_national_id(&state.db, &national_id).await?;
    let code_hash = sha256_b64(&normalise(&form.code));
    let valid = match &person {
        Some(p) => accounts::find_activation_code_valid(&state.db, &code_hash, &p.id, now).await?,
        None => false,
    };
    let Some(person) = person.filter(|_| valid) else {
        // A locked national ID still lets the right code through (80 random bits cannot be
        // guessed); the lock only stops wrong ones, so nobody can lock a citizen out.
        let lock_id = throttle::fail(&state.db, &by_id, now).await?;
        let lock_ip = throttle::fail_with(&state.db, &by_ip, now, throttle::ADDRESS)
            .await?
            .or(address_lock);
        if let Some(p) = persons::find_person_by_national_id(&state.db, &national_id).await? {
            record_event(
                &state.writer,
                &p.id,
                "activation_failed",
                "A wrong activation code was entered",
                now,
            )
            .await;
        }
        if let Some(wait) = lock_id.max(lock_ip) {
            return Err(AppError::TooManyRequests {
                retry_after_secs: wait,
            });
        }
        return Ok((
            axum::http::StatusCode::UNPROCESSABLE_ENTITY,
            page(t.activate_failed),
        )
            .into_response());
    };
    throttle::clear(&state.db, &by_id).await?;
    if let Some(account) = accounts::find_account_by_person(&state.db, &person.id).await? {
        if account.status != "active" || account.locked_until.is_some_and(|u| u > now) {
            record_event(
                &state.writer,
                &person.id,
                "activation_refused_locked",
                "Activation refused: the identity is locked",
                now,
            )
            .await;
            return Err(AppError::Forbidden);
        }
        // Re-activation (recovery through the helpdesk) adds a passkey to the existing account.
        record_event(
            &state.writer,
            &person.id,
            "reactivation_started",
            "Activation code used to add a passkey",
            now,
        )
        .await;
    }
    // A new session id: whatever session an attacker may have planted is not the one that
    // registers the passkey.
    session.cycle_id().await?;
    session
        .insert(
            ACTIVATION,
            Activating {
                person_id: person.id.clone(),
                expires_at: now + PASSKEY_WINDOW,
                continue_id: Some(form.continue_id.clone()).filter(|c| !c.is_empty()),
                code_hash: Some(code_hash),
            },
        )
        .await?;
    let next =
        match after_sign_in(Some(&form.continue_id)).strip_prefix("/authorize/resume?continue=") {
            Some(id) => format!("/activate/passkey?continue={id}"),
            None => "/activate/passkey".to_owned(),
        };
    Ok(Redirect::to(&next).into_response())
}

#[derive(Template, WebTemplate)]
#[template(path = "authn/activate_passkey.html")]
pub struct PasskeyPage {
    pub layout: Layout,
    /// Whether device-bound security keys for assurance high are offered.
    pub high_available: bool,
}

/// `GET /activate/passkey`: create the first passkey (needs JavaScript and an authenticator).
pub async fn passkey_page(
    State(state): State<AppState>,
    session: Session,
    lang: Lang,
) -> Result<Response, AppError> {
    let pending: Option<Activating> = session.get(ACTIVATION).await?;
    let Some(pending) = pending.filter(|a| a.expires_at > state.clock.now()) else {
        return Ok(Redirect::to("/activate").into_response());
    };
    let continue_id = pending.continue_id.unwrap_or_default();
    Ok(PasskeyPage {
        layout: Layout::new(lang, &super::here("/activate/passkey", &continue_id)),
        high_available: state.attestation_cas.is_some(),
    }
    .into_response())
}

/// `GET /account/passkeys/add`: a signed-in citizen adds a passkey (the ceremony asks for a
/// recent passkey sign-in).
pub async fn add_passkey_page(
    State(state): State<AppState>,
    session: Session,
    lang: Lang,
) -> Result<Response, AppError> {
    let signed_in =
        crate::web::sessions::signed_in(&session, &state.config.sessions, state.clock.now())
            .await?;
    if signed_in.is_none() {
        return Ok(Redirect::to("/signin").into_response());
    }
    Ok(PasskeyPage {
        layout: Layout::new(lang, "/account/passkeys/add"),
        high_available: state.attestation_cas.is_some(),
    }
    .into_response())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_long_unambiguous_and_typed_forgivingly() {
        let code = new_code();
        assert_eq!(code.len(), 19);
        assert!(
            code.chars()
                .all(|c| c == '-' || b"0123456789ABCDEFGHJKMNPQRSTVWXYZ".contains(&(c as u8)))
        );
        assert_ne!(code, new_code());
        assert_eq!(normalise(" 7kq2-m9xd 4tzb-h3wf "), "7KQ2M9XD4TZBH3WF");
    }
}
