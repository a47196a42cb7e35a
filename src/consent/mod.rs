//! The consent step between sign-in and the return to the relying party: the service's name
//! and purpose, and each piece of data it asks for with the citizen's own value beside it;
//! data the service marked optional can be left out (required data cannot: the citizen then
//! declines, and the service gets `access_denied`). "Allow" records the consent (remembered
//! 12 months, or for this sign-in only); "Do not share" returns `access_denied` to the
//! service. Works without JavaScript.

use askama::Template;
use askama_web::WebTemplate;
use axum::{
    extract::{Form, Query, State, rejection::FormRejection},
    response::{IntoResponse, Redirect, Response},
};
use std::collections::BTreeSet;

use serde::Deserialize;
use tower_sessions::Session;

use crate::{
    error::AppError,
    oidc::{
        authorize::{self, Pending, pending_key},
        claims::{identity_claims, scope_claims, scope_set, scope_string},
    },
    state::AppState,
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

/// The data one scope releases, which the citizen may leave out when the client marked the
/// scope optional.
pub struct Group {
    pub scope: String,
    pub title: &'static str,
    pub items: Vec<Item>,
    pub optional: bool,
}

#[derive(Template, WebTemplate)]
#[template(path = "consent/consent.html")]
pub struct ConsentPage {
    pub layout: Layout,
    pub continue_id: String,
    pub service: String,
    pub purpose: String,
    /// The relying party's purpose for this very sign-in, if it gave one (signed or pushed).
    pub this_time: Option<String>,
    /// Our own address of the operator-set logo, when the client has one.
    pub logo: Option<String>,
    pub groups: Vec<Group>,
    /// The service asks for access while the citizen is away (`offline_access`).
    pub offline: bool,
}

#[derive(Deserialize)]
pub struct ConsentQuery {
    #[serde(rename = "continue")]
    continue_id: String,
}

fn label(lang: Lang, claim: &str) -> &'static str {
    let t = lang.messages();
    match claim {
        "name" | "given_name" | "family_name" => t.claim_name,
        "birthdate" => t.claim_birthdate,
        "gender" => t.claim_gender,
        "email" => t.claim_email,
        "phone_number" => t.claim_phone,
        "address" => t.claim_address,
        "national_id" => t.claim_national_id,
        _ => t.claim_other,
    }
}

/// What a scope is called on the citizen's pages.
pub fn scope_label(lang: Lang, scope: &str) -> &'static str {
    let t = lang.messages();
    match scope {
        "profile" => t.claim_name,
        "email" => t.claim_email,
        "phone" => t.claim_phone,
        "address" => t.claim_address,
        "national_id" => t.claim_national_id,
        _ => t.claim_other,
    }
}

/// The scopes that release data, in the order the page shows them.
const DATA_SCOPES: [&str; 5] = ["profile", "email", "phone", "address", "national_id"];

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
    let optional = scope_set(&client.optional_scopes);
    let groups = DATA_SCOPES
        .iter()
        .filter(|s| p.scopes.contains(**s))
        .filter_map(|scope| {
            let claims = identity_claims(&person, &BTreeSet::from([scope.to_string()]));
            let items: Vec<Item> = scope_claims(scope)
                .iter()
                // A scope asked for through one of its claims shows whole: consent is kept per
                // scope, so the page shows all that a remembered answer covers (the release
                // itself is only the claim asked for).
                .filter(|c| !c.ends_with("_verified") && !c.ends_with("_name"))
                .filter_map(|c| {
                    let value = match claims.get(*c)? {
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
            (!items.is_empty()).then(|| Group {
                scope: scope.to_string(),
                title: scope_label(lang, scope),
                items,
                optional: optional.contains(*scope),
            })
        })
        .collect();
    Ok(ConsentPage {
        layout: Layout::new(lang, &crate::authn::here("/consent", &q.continue_id)),
        continue_id: q.continue_id,
        logo: client
            .logo_type
            .is_some()
            .then(|| format!("/clients/{}/logo", client.id)),
        service: client.display_name,
        purpose: client.purpose,
        this_time: p.request.purpose.clone(),
        groups,
        offline: p.scopes.contains(crate::oidc::clients::OFFLINE_ACCESS),
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
    #[serde(default)]
    share_profile: Option<String>,
    #[serde(default)]
    share_email: Option<String>,
    #[serde(default)]
    share_phone: Option<String>,
    #[serde(default)]
    share_address: Option<String>,
    #[serde(default)]
    share_national_id: Option<String>,
}

impl ConsentForm {
    /// Whether the box to share `scope` was ticked.
    fn shares(&self, scope: &str) -> bool {
        let ticked = match scope {
            "profile" => &self.share_profile,
            "email" => &self.share_email,
            "phone" => &self.share_phone,
            "address" => &self.share_address,
            "national_id" => &self.share_national_id,
            _ => &None,
        };
        ticked.as_deref() == Some("yes")
    }
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
            authorize::answer_error(
                &state,
                &p,
                "access_denied",
                "the person chose not to share their data",
            )
            .await
        }
        "allow" => {
            let client = clients::find_client(&state.db, &p.request.client_id)
                .await?
                .ok_or(AppError::NotFound)?;
            // Optional scopes left unticked are declined; required ones cannot be.
            let declined: BTreeSet<String> = scope_set(&client.optional_scopes)
                .into_iter()
                .filter(|s| p.scopes.contains(s) && !form.shares(s))
                .collect();
            let agreed: BTreeSet<String> = p.scopes.difference(&declined).cloned().collect();
            // A consent given "only this time" before answers nothing now.
            let existing =
                oauth::find_consent(&state.db, &who.person_id, &p.request.client_id, now)
                    .await?
                    .filter(oauth::ConsentRow::is_remembered);
            let merge = |before: &str, add: &BTreeSet<String>, remove: &BTreeSet<String>| {
                let mut set = scope_set(before);
                set.extend(add.iter().cloned());
                scope_string(&set.difference(remove).cloned().collect())
            };
            // What to record: (scopes, declined, granted_at, expires_at, once_only).
            let record = if form.remember.as_deref() == Some("yes") {
                // Remembered: what was agreed before and this, less what was left out now,
                // for twelve months.
                let (scopes, before_declined) = existing
                    .map(|c| (c.scopes, c.declined_scopes))
                    .unwrap_or_default();
                Some((
                    merge(&scopes, &agreed, &declined),
                    merge(&before_declined, &declined, &agreed),
                    now,
                    now + REMEMBER_FOR,
                    false,
                ))
            } else {
                let record = match existing {
                    // This time only, next to a remembered consent: the remembered one stays
                    // as it was, less anything left out now.
                    Some(c) if !declined.is_empty() => Some((
                        merge(&c.scopes, &BTreeSet::new(), &declined),
                        merge(&c.declined_scopes, &declined, &BTreeSet::new()),
                        c.granted_at,
                        c.expires_at,
                        false,
                    )),
                    Some(_) => None,
                    // This time only: the tokens of this one request work for the access
                    // token's life, no refresh after; no other request is answered by it.
                    None => Some((
                        scope_string(&agreed),
                        scope_string(&declined),
                        now,
                        now + THIS_TIME_ONLY,
                        true,
                    )),
                };
                // Only the request the citizen saw goes ahead.
                let mut once = p.clone();
                once.consented_once = true;
                once.scopes = agreed;
                session
                    .insert(&pending_key(&form.continue_id), &once)
                    .await?;
                record
            };
            if let Some((scopes, declined_scopes, granted_at, expires_at, once_only)) = record {
                let consent = oauth::NewConsent {
                    person_id: &who.person_id,
                    client_id: &p.request.client_id,
                    scopes: &scopes,
                    declined_scopes: &declined_scopes,
                    granted_at,
                    expires_at,
                    once_only,
                };
                oauth::upsert_consent(&state.db, &consent).await?;
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

/// `GET /clients/{id}/logo`: the logo the operator set for a relying party, served from our
/// own origin (the pages' CSP admits images from nowhere else).
pub async fn logo(
    State(state): State<AppState>,
    axum::extract::Path(client_id): axum::extract::Path<String>,
) -> Result<Response, AppError> {
    let (bytes, media_type) = clients::find_client_logo(&state.db, &client_id)
        .await?
        .ok_or(AppError::NotFound)?;
    Ok((
        [
            (axum::http::header::CONTENT_TYPE, media_type),
            (
                axum::http::header::CACHE_CONTROL,
                "public, max-age=3600".to_owned(),
            ),
        ],
        bytes,
    )
        .into_response())
}
