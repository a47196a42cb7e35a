//! Passkey ceremonies (WebAuthn via webauthn-rs): registration of discoverable credentials with
//! user verification, and usernameless sign-in. The ceremony state stays in the server-side
//! session, bound to it, used once and valid five minutes; sign-in ceremonies are kept by
//! their challenge, so two tabs can sign in at once. `static/passkey.js` drives them.
//!
//! Sign-in failures count per credential and, only as a flood ceiling, per address; a valid
//! assertion signs in whatever those counts say (see `authn::throttle`), and the signature is
//! checked only for an assertion that answers a live ceremony of this session.

use axum::{
    Json,
    extract::{Query, State},
    http::StatusCode,
    response::{IntoResponse, Response},
};
use base64::{Engine, engine::general_purpose::URL_SAFE_NO_PAD as B64};
use serde::{Deserialize, Serialize};
use serde_json::json;
use tower_sessions::Session;
use webauthn_rs::prelude::{
    AttestationMetadata, AttestedPasskey, AttestedPasskeyRegistration, AuthenticationResult,
    DiscoverableAuthentication, Passkey, PasskeyRegistration, PublicKeyCredential,
    RegisterPublicKeyCredential, Uuid, WebauthnError,
};

use super::{
    ACR_HIGH, ACR_SUBSTANTIAL,
    activation::{ACTIVATION, Activating, ContinueQuery},
    after_sign_in, record_event, throttle,
};
use crate::{
    crypto::secrets::random_token,
    state::AppState,
    store::{accounts, persons},
    web::{
        client_ip::ClientIp,
        sessions::{SignedIn, sign_in, signed_in},
    },
};

const REGISTRATION: &str = "civitas.webauthn.registration";
/// The live sign-in ceremonies of a session, by challenge.
const AUTHENTICATION: &str = "civitas.webauthn.authentications";
/// At most this many sign-in ceremonies wait in one session (tabs, retries); older ones go.
const MAX_CEREMONIES: usize = 8;
const CEREMONY_LIFETIME: i64 = 300;
/// How recent a passkey sign-in must be to add another passkey.
const ADD_PASSKEY_WITHIN: i64 = 300;

#[derive(Serialize, Deserialize)]
struct RegistrationState {
    state: Ceremony,
    account_id: String,
    person_id: String,
    /// A new account is created when the ceremony completes.
    is_activation: bool,
    /// The right to register came from an activation or recovery code (used up now).
    via_code: bool,
    /// The activation code to spend with the passkey's row.
    code_hash: Option<String>,
    continue_id: Option<String>,
    expires_at: i64,
}

/// Which kind of passkey a registration makes.
#[derive(Serialize, Deserialize)]
enum Ceremony {
    /// Any passkey (synced or not): assurance substantial.
    Passkey(PasskeyRegistration),
    /// An attested, device-bound passkey from an allow-listed authenticator: assurance high.
    Attested(AttestedPasskeyRegistration),
}

/// A stored credential of either kind.
enum StoredKey {
    Plain(Passkey),
    Attested(AttestedPasskey),
}

impl StoredKey {
    fn load(kind: &str, json: &str) -> serde_json::Result<Self> {
        Ok(match kind {
            "attested" => StoredKey::Attested(serde_json::from_str(json)?),
            _ => StoredKey::Plain(serde_json::from_str(json)?),
        })
    }

    fn finish(
        &self,
        wa: &webauthn_rs::Webauthn,
        credential: &PublicKeyCredential,
        state: DiscoverableAuthentication,
    ) -> Result<AuthenticationResult, WebauthnError> {
        match self {
            StoredKey::Plain(k) => wa.finish_discoverable_authentication_v2(credential, state, k),
            StoredKey::Attested(k) => {
                wa.finish_discoverable_authentication_v2(credential, state, k)
            }
        }
    }

    fn update(&mut self, result: &AuthenticationResult) {
        match self {
            StoredKey::Plain(k) => k.update_credential(result),
            StoredKey::Attested(k) => k.update_credential(result),
        };
    }

    fn to_json(&self) -> serde_json::Result<String> {
        match self {
            StoredKey::Plain(k) => serde_json::to_string(k),
            StoredKey::Attested(k) => serde_json::to_string(k),
        }
    }
}

/// The authenticator model an attestation names.
fn aaguid_of(metadata: &AttestationMetadata) -> Option<Uuid> {
    match metadata {
        AttestationMetadata::Packed { aaguid } | AttestationMetadata::Tpm { aaguid, .. } => {
            Some(*aaguid)
        }
        _ => None,
    }
}

#[derive(Deserialize, Default)]
pub struct RegisterQuery {
    /// `1`: an attested, device-bound passkey for assurance high.
    high: Option<String>,
}

#[derive(Serialize, Deserialize)]
struct AuthenticationState {
    /// The challenge (base64url), which the assertion's client data repeats.
    challenge: String,
    state: DiscoverableAuthentication,
    expires_at: i64,
}

/// The challenge an assertion answers, from its client data (WebAuthn §7.2 step 12 checks
/// it again; here it only finds the ceremony).
fn challenge_of(credential: &PublicKeyCredential) -> Option<String> {
    #[derive(Deserialize)]
    struct ClientData {
        challenge: String,
    }
    serde_json::from_slice::<ClientData>(&credential.response.client_data_json)
        .ok()
        .map(|c| c.challenge)
}

/// "Too many attempts. Try again in N minutes", in the person's language and number.
fn too_many(lang: crate::web::i18n::Lang, wait_secs: u64) -> CeremonyError {
    CeremonyError(
        StatusCode::TOO_MANY_REQUESTS,
        lang.messages().try_again_in(wait_secs),
    )
}

/// What the authenticator said about a new credential: its sign counter and whether it may be
/// (and is) backed up, i.e. a synced passkey. Read from the stored form, which carries them.
struct Flags {
    counter: i64,
    backup_eligible: bool,
    backup_state: bool,
}

impl Flags {
    fn of(passkey: &impl Serialize) -> Self {
        let v = serde_json::to_value(passkey).unwrap_or_default();
        let cred = &v["cred"];
        Self {
            counter: cred["counter"].as_i64().unwrap_or(0),
            backup_eligible: cred["backup_eligible"].as_bool().unwrap_or(false),
            backup_state: cred["backup_state"].as_bool().unwrap_or(false),
        }
    }
}

/// RFC 8176: a key that can leave its device (a synced passkey) is software-held.
fn amr_key(backup_eligible: bool) -> &'static str {
    if backup_eligible { "swk" } else { "hwk" }
}

/// A ceremony error: JSON `{"error": …}` with a message safe to show.
pub struct CeremonyError(StatusCode, String);

impl IntoResponse for CeremonyError {
    fn into_response(self) -> Response {
        (self.0, Json(json!({ "error": self.1 }))).into_response()
    }
}

fn refused(message: &str) -> CeremonyError {
    CeremonyError(StatusCode::BAD_REQUEST, message.to_owned())
}

impl<E: std::fmt::Display> From<E> for CeremonyError
where
    E: Into<anyhow::Error>,
{
    fn from(e: E) -> Self {
        tracing::error!(error = %e, "passkey ceremony failed");
        CeremonyError(
            StatusCode::INTERNAL_SERVER_ERROR,
            "Something went wrong. Please try again.".into(),
        )
    }
}

/// Why a registration's transaction rolls back: a refusal (its message), or the database.
enum Rollback {
    Refused(&'static str),
    Database(sqlx::Error),
}

impl From<sqlx::Error> for Rollback {
    fn from(e: sqlx::Error) -> Self {
        Rollback::Database(e)
    }
}

impl crate::store::Retry for Rollback {
    fn is_conflict(&self) -> bool {
        matches!(self, Rollback::Database(e) if crate::store::is_conflict(e))
    }
}

fn webauthn(state: &AppState) -> Result<&webauthn_rs::Webauthn, CeremonyError> {
    state.webauthn.as_deref().ok_or_else(|| {
        CeremonyError(
            StatusCode::SERVICE_UNAVAILABLE,
            "Passkeys need Civitas to be reached by a host name, not an IP address.".into(),
        )
    })
}

/// `POST /passkeys/register/start`: for an activation in progress, or a signed-in citizen
/// adding a passkey.
pub async fn register_start(
    State(state): State<AppState>,
    session: Session,
    Query(q): Query<RegisterQuery>,
) -> Result<Response, CeremonyError> {
    let wa = webauthn(&state)?;
    let now = state.clock.now();
    let activating: Option<Activating> = session.get(ACTIVATION).await?;
    let (person_id, is_activation, continue_id, code_hash) = match activating
        .filter(|a| a.expires_at > now)
    {
        Some(a) => (a.person_id, true, a.continue_id, a.code_hash),
        // Adding a passkey to an identity needs a recent passkey sign-in: a one-time code
        // (e-mail) must never turn into a lasting, higher-assurance credential.
        None => match signed_in(&session, &state.config.sessions, now).await? {
            Some(who) if who.acr != ACR_SUBSTANTIAL || now - who.auth_time > ADD_PASSKEY_WITHIN => {
                return Err(CeremonyError(
                    StatusCode::FORBIDDEN,
                    "To add a passkey, sign in again with an existing passkey first.".into(),
                ));
            }
            Some(who) => (who.person_id, false, None, None),
            None => return Err(refused("Activate your identity or sign in first.")),
        },
    };
    let person = persons::find_person(&state.db, &person_id)
        .await?
        .ok_or_else(|| refused("Activate your identity or sign in first."))?;
    let existing = accounts::find_account_by_person(&state.db, &person_id).await?;
    let account_id = existing
        .as_ref()
        .map_or_else(|| Uuid::new_v4().to_string(), |a| a.id.clone());
    let exclude: Vec<_> = match &existing {
        Some(a) => accounts::find_passkeys_of_account(&state.db, &a.id)
            .await?
            .iter()
            .filter_map(|p| B64.decode(&p.credential_id).ok())
            .collect(),
        None => vec![],
    };
    let uuid = Uuid::parse_str(&account_id)?;
    let display = format!("{} {}", person.given_names, person.family_name);
    let exclude = Some(exclude).filter(|e| !e.is_empty());
    let (mut options, registration) = if q.high.as_deref() == Some("1") {
        let list = state
            .attestation_cas
            .clone()
            .ok_or_else(|| refused("High-assurance security keys are not offered here."))?;
        let (o, r) =
            wa.start_attested_passkey_registration(uuid, &display, &display, exclude, list, None)?;
        (o, Ceremony::Attested(r))
    } else {
        let (o, r) = wa.start_passkey_registration(uuid, &display, &display, exclude)?;
        (o, Ceremony::Passkey(r))
    };
    // A discoverable credential, for usernameless sign-in.
    if let Some(selection) = options.public_key.authenticator_selection.as_mut() {
        selection.resident_key = Some(webauthn_rs_proto::ResidentKeyRequirement::Required);
    }
    session
        .insert(
            REGISTRATION,
            RegistrationState {
                state: registration,
                account_id,
                person_id,
                is_activation: is_activation && existing.is_none(),
                via_code: is_activation,
                code_hash,
                continue_id,
                expires_at: now + CEREMONY_LIFETIME,
            },
        )
        .await?;
    Ok(Json(options).into_response())
}

/// `POST /passkeys/register/finish`
pub async fn register_finish(
    State(state): State<AppState>,
    session: Session,
    device: crate::web::device::Device,
    Json(credential): Json<RegisterPublicKeyCredential>,
) -> Result<Response, CeremonyError> {
    let wa = webauthn(&state)?;
    let now = state.clock.now();
    let ceremony: RegistrationState = session
        .remove(REGISTRATION)
        .await?
        .filter(|c: &RegistrationState| c.expires_at > now)
        .ok_or_else(|| refused("This passkey request has expired. Please start again."))?;
    let not_verified = |_| refused("The passkey could not be verified. Please try again.");
    let (stored_json, credential_id, flags, kind, aaguid) = match &ceremony.state {
        Ceremony::Passkey(r) => {
            let k = wa
                .finish_passkey_registration(&credential, r)
                .map_err(not_verified)?;
            (
                serde_json::to_string(&k)?,
                B64.encode(k.cred_id()),
                Flags::of(&k),
                "passkey",
                None,
            )
        }
        Ceremony::Attested(r) => {
            let k = wa
                .finish_attested_passkey_registration(&credential, r)
                .map_err(|_| {
                    refused("This security key is not one Civitas accepts for high assurance.")
                })?;
            let aaguid = aaguid_of(&k.attestation().metadata).map(|u| u.to_string());
            (
                serde_json::to_string(&k)?,
                B64.encode(k.cred_id()),
                Flags::of(&k),
                "attested",
                aaguid,
            )
        }
    };
    if let Some(account) = accounts::find_account(&state.db, &ceremony.account_id).await?
        && (account.status != "active" || account.locked_until.is_some_and(|u| u > now))
    {
        return Err(CeremonyError(
            StatusCode::FORBIDDEN,
            "This identity is locked. Contact the helpdesk.".into(),
        ));
    }
    let row = accounts::PasskeyRow {
        credential_id,
        account_id: ceremony.account_id.clone(),
        name: format!(
            "Passkey added {}",
            crate::clock::rfc3339(now).get(..10).unwrap_or("")
        ),
        passkey: stored_json,
        sign_count: flags.counter,
        backup_eligible: i64::from(flags.backup_eligible),
        backup_state: i64::from(flags.backup_state),
        created_at: now,
        last_used_at: None,
        kind: kind.to_owned(),
        aaguid,
    };
    crate::transaction!(state.db, Rollback, |tx| {
        // The activation code is spent together with the passkey it let in: both or neither.
        if let Some(hash) = &ceremony.code_hash
            && !accounts::update_activation_code_used(tx, hash, &ceremony.person_id, now).await?
        {
            return Err(Rollback::Refused(
                "This activation code has already been used or has expired.",
            ));
        }
        if ceremony.is_activation {
            accounts::insert_account(tx, &ceremony.account_id, &ceremony.person_id, now).await?;
        }
        if !accounts::insert_passkey(tx, &row).await? {
            return Err(Rollback::Refused("This passkey is already registered."));
        }
        Ok(())
    })
    .map_err(|e| match e {
        Rollback::Refused(message) => refused(message),
        Rollback::Database(e) => e.into(),
    })?;
    if ceremony.via_code {
        session.remove::<Activating>(ACTIVATION).await?;
    }
    if ceremony.is_activation {
        record_event(
            &state.writer,
            &ceremony.person_id,
            "activated",
            "Digital identity activated with a passkey",
            now,
        )
        .await;
    }
    record_event(
        &state.writer,
        &ceremony.person_id,
        "passkey_added",
        "A passkey was added",
        now,
    )
    .await;
    // Registration by code ends signed in (the passkey was just made with user
    // verification); a signed-in citizen adding a passkey stays signed in as they were.
    if ceremony.via_code {
        let who = SignedIn {
            person_id: ceremony.person_id.clone(),
            acr: if kind == "attested" {
                ACR_HIGH
            } else {
                ACR_SUBSTANTIAL
            }
            .into(),
            amr: vec![amr_key(flags.backup_eligible).into(), "mfa".into()],
            auth_time: now,
            sid: random_token(16),
        };
        sign_in(&session, &who, &device).await?;
    }
    // A new identity is offered recovery codes before it goes on.
    let next = if ceremony.is_activation {
        match ceremony.continue_id.as_deref() {
            Some(id) => format!("/recovery-codes?continue={id}"),
            None => "/recovery-codes".to_owned(),
        }
    } else {
        after_sign_in(ceremony.continue_id.as_deref())
    };
    Ok(Json(json!({ "redirect": next })).into_response())
}

/// `POST /passkeys/signin/start`: usernameless; the browser offers the citizen's passkeys.
pub async fn signin_start(
    State(state): State<AppState>,
    session: Session,
) -> Result<Response, CeremonyError> {
    let wa = webauthn(&state)?;
    let now = state.clock.now();
    let (options, authentication) = wa.start_discoverable_authentication()?;
    let mut live: Vec<AuthenticationState> = session.get(AUTHENTICATION).await?.unwrap_or_default();
    live.retain(|c| c.expires_at > now);
    live.push(AuthenticationState {
        challenge: B64.encode(&options.public_key.challenge),
        state: authentication,
        expires_at: now + CEREMONY_LIFETIME,
    });
    let excess = live.len().saturating_sub(MAX_CEREMONIES);
    live.drain(..excess);
    session.insert(AUTHENTICATION, live).await?;
    Ok(Json(options).into_response())
}

/// `POST /passkeys/signin/finish?continue=ID`
pub async fn signin_finish(
    State(state): State<AppState>,
    session: Session,
    axum::Extension(ClientIp(ip)): axum::Extension<ClientIp>,
    device: crate::web::device::Device,
    Query(q): Query<ContinueQuery>,
    lang: crate::web::i18n::Lang,
    Json(credential): Json<PublicKeyCredential>,
) -> Result<Response, CeremonyError> {
    let wa = webauthn(&state)?;
    let now = state.clock.now();
    // First the cheap check: the assertion answers a live ceremony of this session. Only then
    // is a signature worth checking.
    let expired = || refused("This sign-in request has expired. Please start again.");
    let challenge = challenge_of(&credential).ok_or_else(expired)?;
    let mut live: Vec<AuthenticationState> = session.get(AUTHENTICATION).await?.unwrap_or_default();
    let found = live
        .iter()
        .position(|c| c.challenge == challenge && c.expires_at > now);
    let ceremony = found.map(|i| live.swap_remove(i));
    live.retain(|c| c.expires_at > now);
    if live.is_empty() {
        session
            .remove::<Vec<AuthenticationState>>(AUTHENTICATION)
            .await?;
    } else {
        session.insert(AUTHENTICATION, live).await?;
    }
    let ceremony = ceremony.ok_or_else(expired)?;

    // Failures count against the address only as a ceiling against floods: many citizens
    // may share it, and none of them is refused a valid assertion.
    let by_ip = throttle::key("passkey-ip", &throttle::address(ip));
    let address_lock = throttle::check(&state.db, &by_ip, now).await?.err();
    let unknown = || refused("This passkey is not registered with Civitas.");
    let found = match wa.identify_discoverable_authentication(&credential) {
        Ok((user, credential_id)) => accounts::find_passkey(&state.db, &B64.encode(credential_id))
            .await?
            .filter(|p| p.account_id == user.to_string()),
        Err(_) => None,
    };
    let Some(row) = found else {
        let lock = throttle::fail_with(&state.db, &by_ip, now, throttle::ADDRESS).await?;
        return Err(match lock.or(address_lock) {
            Some(wait) => too_many(lang, wait),
            None => unknown(),
        });
    };
    let account = accounts::find_account(&state.db, &row.account_id)
        .await?
        .ok_or_else(unknown)?;
    let by_credential = throttle::key("passkey-credential", &row.credential_id);
    let credential_lock = throttle::check(&state.db, &by_credential, now).await?.err();
    let mut passkey = StoredKey::load(&row.kind, &row.passkey)?;
    // The signature is always checked: a valid one signs in whatever the counts say.
    let result = match passkey.finish(wa, &credential, ceremony.state) {
        Ok(r) => r,
        Err(e) => {
            tracing::warn!(error = %e, "passkey assertion refused");
            let locks = [
                throttle::fail(&state.db, &by_credential, now).await?,
                throttle::fail_with(&state.db, &by_ip, now, throttle::ADDRESS).await?,
                credential_lock,
                address_lock,
            ];
            // The citizen's history shows failures, but a flood cannot fill it: while the
            // credential is locked, further failures are counted, not recorded.
            if credential_lock.is_none() {
                record_event(
                    &state.writer,
                    &account.person_id,
                    "signin_failed",
                    "A passkey sign-in failed",
                    now,
                )
                .await;
            }
            return Err(match locks.into_iter().flatten().max() {
                Some(wait) => too_many(lang, wait),
                None => refused("The passkey could not be verified. Please try again."),
            });
        }
    };
    // Checked only after the signature: nobody learns whether an identity is locked, nor
    // fills its history, without holding its passkey.
    if account.status != "active" || account.locked_until.is_some_and(|u| u > now) {
        record_event(
            &state.writer,
            &account.person_id,
            "signin_refused_locked",
            "Sign-in refused: the account is locked",
            now,
        )
        .await;
        return Err(CeremonyError(
            StatusCode::FORBIDDEN,
            "This identity is locked. Contact the helpdesk.".into(),
        ));
    }
    passkey.update(&result);
    let (credential_id, stored) = (row.credential_id.clone(), passkey.to_json()?);
    let (counter, backup) = (
        i64::from(result.counter()),
        i64::from(result.backup_state()),
    );
    // One job, one commit: the key's counter, the credential's failure count started again
    // (the address's is left to expire: a citizen's success must not wipe out a stranger's
    // failures from the same address) and the event in the citizen's history. Nothing here
    // writes outside the writer, so no request waits on SQLite's lock.
    let person = account.person_id.clone();
    state
        .writer
        .write(move |tx| {
            let (credential_id, stored) = (credential_id.clone(), stored.clone());
            let (by_credential, person) = (by_credential.clone(), person.clone());
            Box::pin(async move {
                accounts::update_passkey_used(tx, &credential_id, &stored, counter, backup, now)
                    .await?;
                accounts::delete_throttle_in(tx, &by_credential).await?;
                super::record_event_in(tx, &person, "signed_in", "Signed in with a passkey", now)
                    .await
            })
        })
        .await?;
    let who = SignedIn {
        person_id: account.person_id.clone(),
        // High only while the key's model is still on the operator's allow-list.
        acr: if row.kind == "attested"
            && row.aaguid.as_deref().is_some_and(|a| {
                state
                    .high_assurance_aaguids
                    .iter()
                    .any(|u| u.to_string() == a)
            }) {
            ACR_HIGH
        } else {
            ACR_SUBSTANTIAL
        }
        .into(),
        amr: vec![amr_key(result.backup_eligible()).into(), "mfa".into()],
        auth_time: now,
        sid: random_token(16),
    };
    sign_in(&session, &who, &device).await?;
    Ok(Json(json!({ "redirect": after_sign_in(q.continue_id.as_deref()) })).into_response())
}
