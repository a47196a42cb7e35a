//! The consent step between sign-in and the return to the relying party: the service's name
//! and purpose, and each piece of data it asks for with the citizen's own value beside it.
//! "Allow" records the consent (remembered 12 months, or for this sign-in only); "Do not
//! share" returns `access_denied` to the service. Works without JavaScript.

use askama::Template;
use askama_web::WebTemplate;
use axum::{
    extract::{Form, Query, State, rejection::FormRejection},
    response::{IntoResponse, Redirect, Response},
};
use serde::Deserialize;
use tower_sessions::Session;

use crate::{
    app::AppState,
    error::AppError,
    oidc::{
        authorize::{Pending, error_response, pending_key, redirect_error},
        claims::{identity_claims, scope_set, scope_string},
    },
    store::{clients, oauth, persons},
    web::{i18n::Lang, pages::Layout, sessions::signed_in},
};

/// How long a remembered consent lasts.
pub const REMEMBER_FOR: i64 = 365 * 86_400;
/// A consent not remembered covers this sign-in only: the life of its access token.
const THIS_TIME_ONLY: i64 = crate::oidc::tokens::ACCESS_TOKEN_LIFETIME;

/// One line of the consent page: what, and the citizen's value.
pub struct Item {
    pub label: &'static str,
    pub value: String,
}

#[derive(Template, WebTemplate)]
#[template(path = "consent/consent.html")]
pub struct ConsentPage {
    pub layout: Layout,
    pub continue_id: String,
    pub service: String,
    pub purpose: String,
    pub items: Vec<Item>,
}

#[derive(Deserialize)]
pub struct ConsentQuery {
    #[serde(rename = "continue")]
    continue_id: String,
}

fn label(lang: Lang, claim: &str) -> &'static str {
    let t = lang.messages();
    match claim {
        "name" => t.claim_name,
        "birthdate" => t.claim_birthdate,
        "gender" => t.claim_gender,
        "email" => t.claim_email,
        "phone_number" => t.claim_phone,
        "address" => t.claim_address,
        "national_id" => t.claim_national_id,
        _ => t.claim_other,
    }
}

async fn pending(session: &Session, id: &str) -> Result<Pending, AppError> {
    session
        .get::<Pending>(&pending_key(id))
        .await?
        .ok_or_else(|| {
            AppError::BadRequest(
                "This request has expired. Go back to the service and start again.".into(),
            )
        })
}

/// `GET /consent?continue=ID`
pub async fn consent_page(
    State(state): State<AppState>,
    session: Session,
    lang: Lang,
    Query(q): Query<ConsentQuery>,
) -> Result<Response, AppError> {
    let now = state.clock.now();
    let Some(who) = signed_in(&session, &state.config.sessions, now).await? else {
        return Ok(Redirect::to(&format!("/signin?continue={}", q.continue_id)).into_response());
    };
    let p = pending(&session, &q.continue_id).await?;
    let client = clients::find_client(&state.db, &p.request.client_id)
        .await?
        .ok_or(AppError::NotFound)?;
    let person = persons::find_person(&state.db, &who.person_id)
        .await?
        .ok_or(AppError::NotFound)?;
    let claims = identity_claims(&person, &p.scopes);
    let shown = [
        "name",
        "birthdate",
        "gender",
        "email",
        "phone_number",
        "address",
        "national_id",
    ];
    let items = shown
        .iter()
        .filter_map(|c| {
            let v = claims.get(*c)?;
            let value = match v {
                serde_json::Value::String(s) => s.clone(),
                serde_json::Value::Object(o) => o
                    .get("formatted")
                    .and_then(|f| f.as_str())
                    .unwrap_or("")
                    .replace('\n', ", "),
                other => other.to_string(),
            };
            Some(Item {
                label: label(lang, c),
                value,
            })
        })
        .collect();
    Ok(ConsentPage {
        layout: Layout::new(lang, &crate::authn::here("/consent", &q.continue_id)),
        continue_id: q.continue_id,
        service: client.display_name,
        purpose: client.purpose,
        items,
    }
    .into_response())
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ConsentForm {
    #[serde(rename = "continue")]
    continue_id: String,
    decision: String,
    #[serde(default)]
    remember: Option<String>,
}

/// `POST /consent`
pub async fn decide(
    State(state): State<AppState>,
    session: Session,
    form: Result<Form<ConsentForm>, FormRejection>,
) -> Result<Response, AppError> {
    let Form(form) = form.map_err(|e| AppError::BadRequest(e.body_text()))?;
    let now = state.clock.now();
    let Some(who) = signed_in(&session, &state.config.sessions, now).await? else {
        return Ok(Redirect::to(&format!("/signin?continue={}", form.continue_id)).into_response());
    };
    let p = pending(&session, &form.continue_id).await?;
    match form.decision.as_str() {
        "deny" => {
            session
                .remove::<Pending>(&pending_key(&form.continue_id))
                .await?;
            let e = redirect_error(
                &p.request,
                "access_denied",
                "the person chose not to share their data",
            );
            Ok(error_response(&state, e))
        }
        "allow" => {
            let existing =
                oauth::find_consent(&state.db, &who.person_id, &p.request.client_id, now).await?;
            if form.remember.as_deref() == Some("yes") {
                // Remembered: what was agreed before, and this, for twelve months.
                let mut scopes = existing.map(|c| scope_set(&c.scopes)).unwrap_or_default();
                scopes.extend(p.scopes.iter().cloned());
                oauth::upsert_consent(
                    &state.db,
                    &who.person_id,
                    &p.request.client_id,
                    &scope_string(&scopes),
                    now,
                    now + REMEMBER_FOR,
                )
                .await?;
            } else if existing.is_some() {
                // This time only, next to a remembered consent: the remembered one stays as it
                // was; this request alone goes ahead.
                let mut once = p.clone();
                once.consented_once = true;
                session
                    .insert(&pending_key(&form.continue_id), &once)
                    .await?;
            } else {
                // This time only: long enough for the tokens of this sign-in, no refresh after.
                oauth::upsert_consent(
                    &state.db,
                    &who.person_id,
                    &p.request.client_id,
                    &scope_string(&p.scopes),
                    now,
                    now + THIS_TIME_ONLY,
                )
                .await?;
            }
            Ok(
                Redirect::to(&format!("/authorize/resume?continue={}", form.continue_id))
                    .into_response(),
            )
        }
        _ => Err(AppError::BadRequest(
            "Choose whether to share your data.".into(),
        )),
    }
}
