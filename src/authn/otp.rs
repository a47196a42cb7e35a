//! Sign-in with a one-time code by e-mail: the low-assurance fallback (`urn:civitas:loa:low`,
//! `amr` `otp`), plain HTML forms without JavaScript. The code goes to the e-mail address in the
//! registry; it is 8 digits, hashed at rest, valid ten minutes, five tries; an account gets at
//! most five codes an hour. Requests never reveal whether a national ID has an account.

use askama::Template;
use askama_web::WebTemplate;
use axum::{
    Extension,
    extract::{Form, Query, State, rejection::FormRejection},
    response::{IntoResponse, Redirect, Response},
};
use serde::Deserialize;
use tower_sessions::Session;

use super::{activation::ContinueQuery, after_sign_in, record_event, throttle};
use crate::{
    crypto::secrets::random_token,
    error::AppError,
    mail::Mail,
    state::AppState,
    store::accounts,
    web::{
        client_ip::ClientIp,
        i18n::Lang,
        pages::Layout,
        sessions::{SignedIn, sign_in},
    },
};

/// Assurance a one-time code gives (eIDAS low).
pub const ACR_LOW: &str = "urn:civitas:loa:low";
const CODE_LIFETIME: i64 = 600;
const MAX_ATTEMPTS: i64 = 5;
const MAX_CODES_PER_HOUR: i64 = 5;
const CHALLENGE: &str = "civitas.otp";
/// What the short-secret key hashes e-mail codes for.
const OTP_PURPOSE: &str = "otp";

#[derive(Template, WebTemplate)]
#[template(path = "authn/otp_request.html")]
pub struct RequestPage {
    pub layout: Layout,
    pub continue_id: String,
    pub available: bool,
    /// Why the form was refused (nothing typed), shown above it and linked to the field.
    pub error: Option<&'static str>,
}

#[derive(Template, WebTemplate)]
#[template(path = "authn/otp_verify.html")]
pub struct VerifyPage {
    pub layout: Layout,
    pub continue_id: String,
    pub error: Option<&'static str>,
}

/// `GET /signin/code`
pub async fn request_page(
    State(state): State<AppState>,
    lang: Lang,
    Query(q): Query<ContinueQuery>,
) -> RequestPage {
    let continue_id = q.continue_id.unwrap_or_default();
    RequestPage {
        layout: Layout::new(lang, &super::here("/signin/code", &continue_id)),
        continue_id,
        available: state.mailer.is_some(),
        error: None,
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RequestForm {
    national_id: String,
    #[serde(rename = "continue", default)]
    continue_id: String,
}

/// Eight digits, uniformly drawn.
fn new_code() -> String {
    let n = loop {
        let mut b = [0u8; 4];
        getrandom::fill(&mut b).expect("the operating system's random source failed");
        let v = u32::from_le_bytes(b);
        // Reject the top sliver so every code is equally likely.
        if v < 4_200_000_000 {
            break v % 100_000_000;
        }
    };
    format!("{n:08}")
}

/// `POST /signin/code`: sends a code if the national ID has an account with an e-mail address.
pub async fn request(
    State(state): State<AppState>,
    session: Session,
    lang: Lang,
    Extension(ClientIp(ip)): Extension<ClientIp>,
    form: Result<Form<RequestForm>, FormRejection>,
) -> Result<Response, AppError> {
    let Form(form) = form.map_err(|e| AppError::BadRequest(e.body_text()))?;
    let Some(mailer) = state.mailer.clone() else {
        return Err(AppError::Unavailable);
    };
    let now = state.clock.now();
    // Asking for a code proves nothing yet; the address only has a ceiling against floods of
    // made-up national IDs (the mail to one account is capped per hour below).
    let by_ip = throttle::key("otp-request-ip", &throttle::address(ip));
    if let Err(wait) = throttle::check(&state.db, &by_ip, now).await? {
        return Err(AppError::TooManyRequests {
            retry_after_secs: wait,
        });
    }
    let national_id = form.national_id.trim().to_uppercase();
    if national_id.is_empty() {
        let page = RequestPage {
            layout: Layout::new(lang, &super::here("/signin/code", &form.continue_id)),
            continue_id: form.continue_id,
            available: true,
            error: Some(lang.messages().otp_national_id_missing),
        };
        return Ok((axum::http::StatusCode::UNPROCESSABLE_ENTITY, page).into_response());
    }
    let person = super::person_by_typed_national_id(&state.db, &national_id).await?;
    let account = match &person {
        Some(p) => accounts::find_account_by_person(&state.db, &p.id).await?,
        None => None,
    };
    // The challenge id goes into the session whatever happens, so the answer looks the same
    // for a national ID without an account.
    let challenge = random_token(16);
    match (person, account) {
        (Some(p), Some(a)) if p.email.is_some() => {
            // Over the hourly limit nothing is sent, and the answer looks the same (no hint
            // that this national ID has an account).
            if accounts::count_otps_since(&state.db, &a.id, now - 3600).await? >= MAX_CODES_PER_HOUR
            {
                session.insert(CHALLENGE, &challenge).await?;
                return Ok(Redirect::to(&verify_url(&form.continue_id)).into_response());
            }
            let code = new_code();
            accounts::insert_otp(
                &state.db,
                &challenge,
                &a.id,
                &state.short_secrets.hash(OTP_PURPOSE, &code),
                now,
                now + CODE_LIFETIME,
            )
            .await?;
            let t = lang.messages();
            // Sent in the background: the answer takes as long for an unknown national ID.
            let mail = Mail {
                to: p.email.clone().unwrap_or_default(),
                subject: t.otp_mail_subject.to_owned(),
                // Plain text the person copies the code from: no invisible direction marks
                // around it (Fluent isolates variables in right-to-left languages).
                body: t.otp_mail_body(code).replace(['\u{2068}', '\u{2069}'], ""),
            };
            tokio::spawn(async move {
                if let Err(e) = mailer.send(mail).await {
                    tracing::error!(error = %e, "one-time code could not be sent");
                }
            });
            record_event(
                &state.writer,
                &p.id,
                "otp_sent",
                "A one-time sign-in code was sent by e-mail",
                now,
            )
            .await;
        }
        _ => {
            // Count unknown national IDs against the address: guessing costs time.
            throttle::fail_with(&state.db, &by_ip, now, throttle::ADDRESS).await?;
        }
    }
    session.insert(CHALLENGE, &challenge).await?;
    Ok(Redirect::to(&verify_url(&form.continue_id)).into_response())
}

fn verify_url(continue_id: &str) -> String {
    match continue_id {
        "" => "/signin/code/verify".to_owned(),
        id => format!(
            "/signin/code/verify?continue={}",
            url::form_urlencoded::byte_serialize(id.as_bytes()).collect::<String>()
        ),
    }
}

/// `GET /signin/code/verify`
pub async fn verify_page(lang: Lang, Query(q): Query<ContinueQuery>) -> VerifyPage {
    let continue_id = q.continue_id.unwrap_or_default();
    VerifyPage {
        layout: Layout::new(lang, &super::here("/signin/code/verify", &continue_id)),
        continue_id,
        error: None,
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct VerifyForm {
    code: String,
    #[serde(rename = "continue", default)]
    continue_id: String,
}

/// `POST /signin/code/verify`
pub async fn verify(
    State(state): State<AppState>,
    session: Session,
    lang: Lang,
    device: crate::web::device::Device,
    form: Result<Form<VerifyForm>, FormRejection>,
) -> Result<Response, AppError> {
    let Form(form) = form.map_err(|e| AppError::BadRequest(e.body_text()))?;
    let t = lang.messages();
    let now = state.clock.now();
    let again = |error: &'static str| {
        (
            axum::http::StatusCode::UNPROCESSABLE_ENTITY,
            VerifyPage {
                layout: Layout::new(lang, &super::here("/signin/code/verify", &form.continue_id)),
                continue_id: form.continue_id.clone(),
                error: Some(error),
            },
        )
            .into_response()
    };
    let Some(challenge_id) = session.get::<String>(CHALLENGE).await? else {
        return Ok(again(t.otp_expired));
    };
    let Some(challenge) = accounts::find_otp(&state.db, &challenge_id).await? else {
        return Ok(again(t.otp_wrong));
    };
    let account = accounts::find_account(&state.db, &challenge.account_id)
        .await?
        .ok_or(AppError::NotFound)?;
    // Wrong codes count per account. The lock only refuses wrong codes: the right one passes,
    // so a stranger failing in the citizen's name locks nobody out. Guessing stays bounded by
    // the attempts per code and the codes per hour.
    let by_account = throttle::key("otp-account", &account.id);
    let locked = throttle::check(&state.db, &by_account, now).await?.err();
    if account.status != "active" || account.locked_until.is_some_and(|u| u > now) {
        return Err(AppError::Forbidden);
    }
    if challenge.used_at.is_some() || challenge.expires_at <= now {
        return Ok(again(t.otp_expired));
    }
    let attempts = accounts::update_otp_attempt(&state.db, &challenge.id).await?;
    let typed: String = form.code.chars().filter(char::is_ascii_digit).collect();
    let right = attempts <= MAX_ATTEMPTS
        && state
            .short_secrets
            .verify(OTP_PURPOSE, &typed, &challenge.code_hash);
    if !right {
        let lock = throttle::fail(&state.db, &by_account, now).await?;
        if let Some(wait) = locked {
            return Err(AppError::TooManyRequests {
                retry_after_secs: wait,
            });
        }
        record_event(
            &state.writer,
            &account.person_id,
            "otp_failed",
            "A wrong one-time code was entered",
            now,
        )
        .await;
        if let Some(wait) = lock {
            record_event(
                &state.writer,
                &account.person_id,
                "locked",
                "Sign-in locked after repeated failures",
                now,
            )
            .await;
            return Err(AppError::TooManyRequests {
                retry_after_secs: wait,
            });
        }
        return Ok(again(if attempts >= MAX_ATTEMPTS {
            t.otp_expired
        } else {
            t.otp_wrong
        }));
    }
    if !accounts::update_otp_used(&state.db, &challenge.id, now).await? {
        return Ok(again(t.otp_expired));
    }
    throttle::clear(&state.db, &by_account).await?;
    session.remove::<String>(CHALLENGE).await?;
    sign_in(
        &session,
        &SignedIn {
            person_id: account.person_id.clone(),
            acr: ACR_LOW.into(),
            amr: vec!["otp".into()],
            auth_time: now,
            sid: random_token(16),
        },
        &device,
    )
    .await?;
    record_event(
        &state.writer,
        &account.person_id,
        "signed_in",
        "Signed in with a one-time code",
        now,
    )
    .await;
    Ok(Redirect::to(&after_sign_in(Some(&form.continue_id))).into_response())
}

#[derive(Template, WebTemplate)]
#[template(path = "authn/outbox.html")]
pub struct OutboxPage {
    pub layout: Layout,
    pub mails: Vec<Mail>,
}

/// `GET /demo/outbox`: the mail demo mode would have sent. Exists only with `mail.outbox`.
pub async fn outbox(State(state): State<AppState>, lang: Lang) -> Result<OutboxPage, AppError> {
    let mails = state
        .mailer
        .as_ref()
        .and_then(|m| m.outbox())
        .ok_or(AppError::NotFound)?;
    Ok(OutboxPage {
        layout: Layout::new(lang, "/demo/outbox"),
        mails: mails.into_iter().rev().collect(),
    })
}

#[cfg(test)]
mod tests {
    #[test]
    fn codes_have_eight_digits() {
        for _ in 0..100 {
            let c = super::new_code();
            assert_eq!(c.len(), 8);
            assert!(c.bytes().all(|b| b.is_ascii_digit()));
        }
    }
}
