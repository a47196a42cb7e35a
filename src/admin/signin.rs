//! Staff enrolment (a one-time link from `civitas staff create`, then a passkey) and passkey
//! sign-in to the console. Staff passkeys are their own credentials, apart from citizens'.

use askama::Template;
use askama_web::WebTemplate;
use axum::{
    Extension, Json,
    extract::{Query, State},
    http::StatusCode,
    response::{IntoResponse, Redirect, Response},
};
use base64::{Engine, engine::general_purpose::URL_SAFE_NO_PAD as B64};
use serde::{Deserialize, Serialize};
use serde_json::json;
use tower_sessions::Session;
use webauthn_rs::prelude::{
    DiscoverableAuthentication, Passkey, PasskeyRegistration, PublicKeyCredential,
    RegisterPublicKeyCredential, Uuid,
};

use super::{
    Role, StaffSession,
    texts::{Texts, texts},
};
use crate::{
    crypto::secrets::sha256_b64,
    state::AppState,
    store::staff::{self, StaffPasskeyRow},
    web::{i18n::Lang, pages::Layout},
};

const ENROLMENT: &str = "civitas.staff.enrolment";
const AUTHENTICATION: &str = "civitas.staff.authentication";
const CEREMONY_LIFETIME: i64 = 300;

/// A ceremony failure, as JSON for `static/passkey.js`.
pub struct CeremonyError(StatusCode, &'static str);

impl IntoResponse for CeremonyError {
    fn into_response(self) -> Response {
        (self.0, Json(json!({ "error": self.1 }))).into_response()
    }
}

impl<E: Into<anyhow::Error>> From<E> for CeremonyError {
    fn from(e: E) -> Self {
        tracing::error!(error = %e.into(), "staff passkey ceremony failed");
        CeremonyError(
            StatusCode::INTERNAL_SERVER_ERROR,
            "Something went wrong. Please try again.",
        )
    }
}

fn webauthn(state: &AppState) -> Result<&webauthn_rs::Webauthn, CeremonyError> {
    state.webauthn.as_deref().ok_or(CeremonyError(
        StatusCode::SERVICE_UNAVAILABLE,
        "Passkeys need Civitas to be reached by a host name, not an IP address.",
    ))
}

#[derive(Template, WebTemplate)]
#[template(path = "admin/signin.html")]
pub struct SigninPage {
    pub layout: Layout,
    pub a: &'static Texts,
    /// Signed in already: this page renews the passkey verification for a risky action.
    pub is_verification: bool,
}

/// `GET /admin/signin`
pub async fn signin_page(lang: Lang, session: Session) -> Result<SigninPage, CeremonyError> {
    Ok(SigninPage {
        layout: Layout::new(lang, "/admin/signin"),
        a: texts(lang),
        is_verification: super::current(&session).await?.is_some(),
    })
}

#[derive(Serialize, Deserialize)]
struct Authenticating {
    state: DiscoverableAuthentication,
    expires_at: i64,
}

/// `POST /admin/passkeys/signin/start`
pub async fn signin_start(
    State(state): State<AppState>,
    session: Session,
) -> Result<Response, CeremonyError> {
    let wa = webauthn(&state)?;
    let (options, authentication) = wa.start_discoverable_authentication()?;
    session
        .insert(
            AUTHENTICATION,
            Authenticating {
                state: authentication,
                expires_at: state.clock.now() + CEREMONY_LIFETIME,
            },
        )
        .await?;
    Ok(Json(options).into_response())
}

/// `POST /admin/passkeys/signin/finish`: signs in, or (already signed in as the same member)
/// renews the verification that risky actions need.
pub async fn signin_finish(
    State(state): State<AppState>,
    session: Session,
    Json(credential): Json<PublicKeyCredential>,
) -> Result<Response, CeremonyError> {
    let wa = webauthn(&state)?;
    let now = state.clock.now();
    let refused = CeremonyError(
        StatusCode::BAD_REQUEST,
        "This passkey cannot sign in to the console.",
    );
    let ceremony: Authenticating = session
        .remove(AUTHENTICATION)
        .await?
        .filter(|c: &Authenticating| c.expires_at > now)
        .ok_or(CeremonyError(
            StatusCode::BAD_REQUEST,
            "This sign-in request has expired. Please start again.",
        ))?;
    let Ok((user, credential_id)) = wa.identify_discoverable_authentication(&credential) else {
        return Err(refused);
    };
    let Some(row) = staff::find_staff_passkey(&state.db, &B64.encode(credential_id)).await? else {
        return Err(refused);
    };
    if row.staff_id != user.to_string() {
        return Err(refused);
    }
    let mut passkey: Passkey = serde_json::from_str(&row.passkey)?;
    let Ok(result) =
        wa.finish_discoverable_authentication_v2(&credential, ceremony.state, &passkey)
    else {
        tracing::warn!("staff passkey assertion refused");
        return Err(refused);
    };
    // Only an active member: a disabled or locked one holds a passkey that opens nothing.
    let member = staff::find_staff(&state.db, &row.staff_id)
        .await?
        .filter(|m| m.status == "active")
        .ok_or(CeremonyError(
            StatusCode::FORBIDDEN,
            "This staff account is disabled or locked. Ask an operator.",
        ))?;
    let role = Role::parse(&member.role).ok_or(refused)?;
    passkey.update_credential(&result);
    staff::update_staff_passkey_used(
        &state.db,
        &row.credential_id,
        &serde_json::to_string(&passkey)?,
        now,
    )
    .await?;
    let previous = super::current(&session).await?;
    let renewing = previous.as_ref().is_some_and(|s| s.staff_id == member.id);
    if !renewing {
        // Another member in this browser starts afresh: nothing (opened records, ceremony
        // state) carries over from whoever was here before.
        session.clear().await;
    }
    let who = StaffSession {
        staff_id: member.id.clone(),
        role,
        verified_at: now,
        signed_in_at: previous
            .filter(|_| renewing)
            .map_or(now, |p| p.signed_in_at),
    };
    super::sign_in(&session, &who).await?;
    if !renewing {
        crate::transaction!(state.db, sqlx::Error, |tx| {
            super::log::record(tx, &super::log::Action::by(&member, "sign_in", "", "", now))
                .await?;
            Ok(())
        })?;
    }
    Ok(Json(json!({ "redirect": "/admin" })).into_response())
}

#[derive(Deserialize)]
pub struct EnrolQuery {
    token: String,
}

#[derive(Template, WebTemplate)]
#[template(path = "admin/enrol.html")]
pub struct EnrolPage {
    pub layout: Layout,
    pub a: &'static Texts,
    pub intro: String,
}

#[derive(Serialize, Deserialize)]
struct Enrolling {
    staff_id: String,
    token_hash: String,
    state: Option<PasskeyRegistration>,
    expires_at: i64,
}

/// `GET /admin/enrol?token=…`: the one-time link `civitas staff create` printed.
pub async fn enrol_page(
    State(state): State<AppState>,
    session: Session,
    lang: Lang,
    Query(q): Query<EnrolQuery>,
) -> Result<Response, CeremonyError> {
    let now = state.clock.now();
    let token_hash = sha256_b64(&q.token);
    let Some(member) = staff::find_staff_by_enrolment(&state.db, &token_hash, now).await? else {
        // A page in the console's layout, with the reference the helpdesk can look up.
        return Ok(
            crate::error::AppError::BadRequest(texts(lang).enrol_link_invalid.into())
                .into_response(),
        );
    };
    session.cycle_id().await?;
    session
        .insert(
            ENROLMENT,
            Enrolling {
                staff_id: member.id.clone(),
                token_hash,
                state: None,
                expires_at: now + CEREMONY_LIFETIME * 6,
            },
        )
        .await?;
    let a = texts(lang);
    Ok(EnrolPage {
        layout: Layout::new(lang, "/admin/signin"),
        a,
        intro: a.enrol_intro(
            member.name,
            Role::parse(&member.role).map_or("", Role::as_str),
        ),
    }
    .into_response())
}

async fn enrolling(state: &AppState, session: &Session) -> Result<Enrolling, CeremonyError> {
    session
        .get::<Enrolling>(ENROLMENT)
        .await?
        .filter(|e| e.expires_at > state.clock.now())
        .ok_or(CeremonyError(
            StatusCode::BAD_REQUEST,
            "Open your enrolment link again.",
        ))
}

/// `POST /admin/passkeys/register/start`: during enrolment only.
pub async fn register_start(
    State(state): State<AppState>,
    session: Session,
) -> Result<Response, CeremonyError> {
    let wa = webauthn(&state)?;
    let mut e = enrolling(&state, &session).await?;
    let member = staff::find_staff(&state.db, &e.staff_id)
        .await?
        .ok_or(CeremonyError(
            StatusCode::BAD_REQUEST,
            "Unknown staff member.",
        ))?;
    let uuid = Uuid::parse_str(&member.id)?;
    let (mut options, registration) =
        wa.start_passkey_registration(uuid, &member.name, &member.name, None)?;
    if let Some(selection) = options.public_key.authenticator_selection.as_mut() {
        selection.resident_key = Some(webauthn_rs_proto::ResidentKeyRequirement::Required);
    }
    e.state = Some(registration);
    session.insert(ENROLMENT, &e).await?;
    Ok(Json(options).into_response())
}

/// `POST /admin/passkeys/register/finish`: stores the passkey and spends the link, together.
pub async fn register_finish(
    State(state): State<AppState>,
    session: Session,
    Json(credential): Json<RegisterPublicKeyCredential>,
) -> Result<Response, CeremonyError> {
    let wa = webauthn(&state)?;
    let now = state.clock.now();
    let e = enrolling(&state, &session).await?;
    let registration = e.state.as_ref().ok_or(CeremonyError(
        StatusCode::BAD_REQUEST,
        "Start the passkey again.",
    ))?;
    let Ok(passkey) = wa.finish_passkey_registration(&credential, registration) else {
        return Err(CeremonyError(
            StatusCode::BAD_REQUEST,
            "The passkey could not be verified. Please try again.",
        ));
    };
    let row = StaffPasskeyRow {
        credential_id: B64.encode(passkey.cred_id()),
        staff_id: e.staff_id.clone(),
        passkey: serde_json::to_string(&passkey)?,
    };
    let enrolled = crate::transaction!(state.db, sqlx::Error, |tx| {
        if !staff::update_staff_enrolled(tx, &e.staff_id, &e.token_hash, now).await? {
            // Nothing written yet: committing this empty transaction changes nothing.
            return Ok(false);
        }
        staff::insert_staff_passkey(tx, &row, now).await?;
        let member = staff::find_staff(&state.db, &e.staff_id).await?;
        super::log::record(
            tx,
            &super::log::Action {
                staff_id: &e.staff_id,
                pseudonym: member.as_ref().map_or("", |m| m.pseudonym.as_str()),
                action: "enrol",
                subject: &e.staff_id,
                reason: "",
                citizen: None,
                at: now,
            },
        )
        .await?;
        Ok(true)
    })?;
    if !enrolled {
        return Err(CeremonyError(
            StatusCode::BAD_REQUEST,
            "This enrolment link was used already.",
        ));
    }
    session.remove::<Enrolling>(ENROLMENT).await?;
    Ok(Json(json!({ "redirect": "/admin/signin" })).into_response())
}

/// `POST /admin/signout`
pub async fn signout(session: Session) -> Result<Response, CeremonyError> {
    session.flush().await?;
    Ok(Redirect::to("/admin/signin").into_response())
}

#[derive(Template, WebTemplate)]
#[template(path = "admin/home.html")]
pub struct HomePage {
    pub layout: Layout,
    pub a: &'static Texts,
    pub signed_in_as: String,
    pub can_find: bool,
    pub can_approve: bool,
    pub can_review: bool,
    pub can_operate: bool,
    pub can_audit: bool,
}

/// `GET /admin`: what this member may do.
pub async fn home(
    State(state): State<AppState>,
    lang: Lang,
    Extension(who): Extension<StaffSession>,
) -> Result<HomePage, CeremonyError> {
    let member = staff::find_staff(&state.db, &who.staff_id).await?;
    let a = texts(lang);
    Ok(HomePage {
        layout: Layout::new(lang, "/admin"),
        a,
        signed_in_as: a.signed_in_as(
            member.map(|m| m.name).unwrap_or_default(),
            who.role.as_str(),
        ),
        can_find: who.role.can(super::Permission::FindCitizen),
        can_approve: who.role.can(super::Permission::ApproveRequests),
        can_review: who.role.can(super::Permission::ReviewClients),
        can_operate: who.role.can(super::Permission::Operate),
        can_audit: who.role.can(super::Permission::Audit),
    })
}
