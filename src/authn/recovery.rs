//! Recovery codes: ten one-time codes a citizen prints at activation (or renews later); with
//! one of them and their national ID they register a new passkey after losing all of theirs.
//! Codes are stored as argon2id hashes (people type them; a leak must not reveal them). Each
//! code starts with a short public part that finds its row, so an attempt costs one argon2id
//! check, not ten; an attempt whose public part matches nothing costs none. Wrong codes are
//! throttled per national ID and (a flood ceiling) per address; a right code always passes.

use argon2::{
    Argon2,
    password_hash::{PasswordHasher, PasswordVerifier},
};
use askama::Template;
use askama_web::WebTemplate;
use axum::{
    Extension,
    extract::{Form, Query, State, rejection::FormRejection},
    response::{IntoResponse, Redirect, Response},
};
use serde::Deserialize;
use tower_sessions::Session;

use super::{
    activation::{ACTIVATION, Activating, ContinueQuery, PASSKEY_WINDOW},
    after_sign_in, record_event, throttle,
};
use crate::{
    error::AppError,
    state::AppState,
    store::accounts,
    web::{client_ip::ClientIp, i18n::Lang, pages::Layout, sessions::signed_in},
};

const CODES: usize = 10;

/// Length of the public lookup part, in characters (20 bits: unique among ten codes).
const LOOKUP_LEN: usize = 4;
/// A code of the format before lookup parts: `XXXXX-XXXXX`, normalised.
const LEGACY_LEN: usize = 10;

/// `LLLL-XXXXX-XXXXX`: a 20-bit lookup part and 50 secret random bits.
fn new_code() -> String {
    let s = crate::crypto::secrets::random_base32(LOOKUP_LEN + 10);
    format!("{}-{}-{}", &s[..4], &s[4..9], &s[9..])
}

/// A set of codes whose lookup parts differ.
fn new_codes() -> Vec<String> {
    let mut codes: Vec<String> = Vec::with_capacity(CODES);
    while codes.len() < CODES {
        let code = new_code();
        if !codes.iter().any(|c| c[..LOOKUP_LEN] == code[..LOOKUP_LEN]) {
            codes.push(code);
        }
    }
    codes
}

/// Upper case, without spaces and dashes. Anything but ASCII letters and digits cannot be
/// part of a code and makes the whole input match nothing (and keeps byte slicing safe).
fn normalise(code: &str) -> String {
    let kept: String = code
        .chars()
        .filter(|c| !c.is_whitespace() && *c != '-')
        .map(|c| c.to_ascii_uppercase())
        .collect();
    if kept.chars().all(|c| c.is_ascii_alphanumeric()) {
        kept
    } else {
        String::new()
    }
}

#[derive(Template, WebTemplate)]
#[template(path = "authn/recovery_codes.html")]
pub struct CodesPage {
    pub layout: Layout,
    pub continue_to: String,
    pub continue_id: String,
    /// Empty until the citizen asks for codes; then shown once.
    pub codes: Vec<String>,
}

/// `GET /recovery-codes?continue=ID`: the offer, right after activation (or from the account).
pub async fn offer(lang: Lang, Query(q): Query<ContinueQuery>) -> CodesPage {
    let continue_id = q.continue_id.unwrap_or_default();
    CodesPage {
        layout: Layout::new(lang, "/recovery-codes"),
        continue_to: after_sign_in(Some(&continue_id)),
        continue_id,
        codes: vec![],
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CreateForm {
    #[serde(rename = "continue", default)]
    continue_id: String,
}

/// `POST /recovery-codes`: makes a new set (the old one stops working) and shows it once.
pub async fn create(
    State(state): State<AppState>,
    session: Session,
    lang: Lang,
    form: Result<Form<CreateForm>, FormRejection>,
) -> Result<Response, AppError> {
    let Form(form) = form.map_err(|e| AppError::BadRequest(e.body_text()))?;
    let now = state.clock.now();
    let Some(who) = signed_in(&session, &state.config.sessions, now).await? else {
        return Ok(Redirect::to("/signin").into_response());
    };
    let account = accounts::find_account_by_person(&state.db, &who.person_id)
        .await?
        .ok_or(AppError::Forbidden)?;
    let codes = new_codes();
    let to_hash = codes.iter().map(|c| normalise(c)).collect::<Vec<_>>();
    let hashes = tokio::task::spawn_blocking(move || {
        to_hash
            .iter()
            .map(|c| {
                Argon2::default()
                    .hash_password(c.as_bytes())
                    .map(|h| (c[..LOOKUP_LEN].to_owned(), h.to_string()))
            })
            .collect::<Result<Vec<_>, _>>()
    })
    .await
    .map_err(|e| AppError::Internal(e.into()))?
    .map_err(|e| AppError::Internal(anyhow::anyhow!("argon2: {e}")))?;
    accounts::replace_recovery_codes(&state.db, &account.id, &hashes, now).await?;
    record_event(
        &state.writer,
        &who.person_id,
        "recovery_codes_created",
        "New recovery codes were made",
        now,
    )
    .await;
    Ok(CodesPage {
        layout: Layout::new(lang, "/recovery-codes"),
        continue_to: after_sign_in(Some(&form.continue_id)),
        continue_id: form.continue_id,
        codes,
    }
    .into_response())
}

#[derive(Template, WebTemplate)]
#[template(path = "authn/recover.html")]
pub struct RecoverPage {
    pub layout: Layout,
    pub error: Option<&'static str>,
}

/// `GET /recover`
pub async fn recover_page(lang: Lang) -> RecoverPage {
    RecoverPage {
        layout: Layout::new(lang, "/recover"),
        error: None,
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RecoverForm {
    national_id: String,
    code: String,
}

/// `POST /recover`: a right code (used once) lets the citizen register a new passkey.
pub async fn recover(
    State(state): State<AppState>,
    session: Session,
    lang: Lang,
    Extension(ClientIp(ip)): Extension<ClientIp>,
    form: Result<Form<RecoverForm>, FormRejection>,
) -> Result<Response, AppError> {
    let Form(form) = form.map_err(|e| AppError::BadRequest(e.body_text()))?;
    let now = state.clock.now();
    let national_id = form.national_id.trim().to_uppercase();
    let by_id = throttle::key("recovery-id", &national_id);
    let by_ip = throttle::key("recovery-ip", &throttle::address(ip));
    let locks = [
        throttle::check(&state.db, &by_id, now).await?.err(),
        throttle::check(&state.db, &by_ip, now).await?.err(),
    ];
    let person = super::person_by_typed_national_id(&state.db, &national_id).await?;
    let account = match &person {
        Some(p) => accounts::find_account_by_person(&state.db, &p.id).await?,
        None => None,
    };
    let typed = normalise(&form.code);
    let mut matched = None;
    if let Some(a) = &account {
        // The public part finds at most one row: one argon2id check. Codes made before
        // lookup parts existed are checked the old way, and only for a code of their shape.
        let candidates = match typed.len() {
            n if n == LOOKUP_LEN + 10 => accounts::find_unused_recovery_code(
                &state.db,
                &a.id,
                typed.get(..LOOKUP_LEN).unwrap_or_default(),
            )
            .await?
            .into_iter()
            .collect(),
            // Old codes cost up to ten argon2id checks: never while a lock stands.
            LEGACY_LEN if locks.iter().all(Option::is_none) => {
                accounts::find_unused_legacy_recovery_codes(&state.db, &a.id).await?
            }
            _ => vec![],
        };
        if !candidates.is_empty() {
            state
                .metrics
                .recovery_hash_checks
                .inc_by(candidates.len() as u64);
            let typed = typed.clone();
            matched = tokio::task::spawn_blocking(move || {
                candidates.into_iter().find(|row| {
                    Argon2::default()
                        .verify_password(typed.as_bytes(), row.code_hash.as_str())
                        .is_ok()
                })
            })
            .await
            .map_err(|e| AppError::Internal(e.into()))?;
        }
    }
    let (Some(account), Some(row)) = (account, matched) else {
        let new_locks = [
            throttle::fail(&state.db, &by_id, now).await?,
            throttle::fail_with(&state.db, &by_ip, now, throttle::ADDRESS).await?,
        ];
        if let Some(wait) = locks.into_iter().chain(new_locks).flatten().max() {
            return Err(AppError::TooManyRequests {
                retry_after_secs: wait,
            });
        }
        return Ok((
            axum::http::StatusCode::UNPROCESSABLE_ENTITY,
            RecoverPage {
                layout: Layout::new(lang, "/recover"),
                error: Some(lang.messages().recover_failed),
            },
        )
            .into_response());
    };
    if account.status != "active" || account.locked_until.is_some_and(|u| u > now) {
        return Err(AppError::Forbidden);
    }
    if !accounts::update_recovery_code_used(&state.db, &row.id, now).await? {
        return Err(AppError::BadRequest(
            lang.messages().recover_failed.to_owned(),
        ));
    }
    throttle::clear(&state.db, &by_id).await?;
    session.cycle_id().await?;
    record_event(
        &state.writer,
        &account.person_id,
        "recovery_code_used",
        "A recovery code was used to add a passkey",
        now,
    )
    .await;
    session
        .insert(
            ACTIVATION,
            Activating {
                person_id: account.person_id,
                expires_at: now + PASSKEY_WINDOW,
                continue_id: None,
                code_hash: None,
            },
        )
        .await?;
    Ok(Redirect::to("/activate/passkey").into_response())
}

#[cfg(test)]
mod tests {
    #[test]
    fn codes_are_a_lookup_part_and_two_secret_groups() {
        let c = super::new_code();
        assert_eq!(c.len(), 16);
        assert_eq!((&c[4..5], &c[10..11]), ("-", "-"));
        assert_eq!(super::normalise(" abcd-efghj-kmnpq "), "ABCDEFGHJKMNPQ");
        // A multi-byte character matches nothing (and is never sliced through).
        assert_eq!(super::normalise("ABCé-EFGHJ-KMNPQ"), "");
        let set = super::new_codes();
        let lookups: std::collections::BTreeSet<_> = set.iter().map(|c| &c[..4]).collect();
        assert_eq!(lookups.len(), super::CODES, "each code finds its own row");
    }
}
