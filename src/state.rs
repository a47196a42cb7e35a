//! The shared state every handler receives (`State<AppState>`). It lives below the route
//! table (`app`), so handlers depend on it and not on `app`.

use std::sync::Arc;

use axum::{
    body::Bytes,
    http::{HeaderName, HeaderValue},
};

use crate::{
    clock::SharedClock,
    config::Config,
    crypto::Keyring,
    oidc::{self, subject::PairwiseKey},
    store::{self, Db},
    web::metrics,
};

/// Everything a handler may need. Every layer with state and every handler takes a clone
/// per request, so a clone is one reference count: the fields live in [`Shared`], reached
/// through `Deref` (`state.db`). Cloning the fields themselves cost about 2 µs a clone.
#[derive(Clone)]
pub struct AppState(Arc<Shared>);

impl AppState {
    pub fn new(shared: Shared) -> Self {
        Self(Arc::new(shared))
    }

    /// A reference that does not keep the state alive: background tasks hold one and end
    /// when the application is gone.
    pub fn downgrade(&self) -> WeakState {
        WeakState(Arc::downgrade(&self.0))
    }
}

/// See [`AppState::downgrade`].
#[derive(Clone)]
pub struct WeakState(std::sync::Weak<Shared>);

impl WeakState {
    pub fn upgrade(&self) -> Option<AppState> {
        self.0.upgrade().map(AppState)
    }
}

impl std::ops::Deref for AppState {
    type Target = Shared;

    fn deref(&self) -> &Shared {
        &self.0
    }
}

/// The fields of [`AppState`].
pub struct Shared {
    pub config: Arc<Config>,
    pub db: Db,
    /// Group commit for the hot paths' writes (see `store::writer`).
    pub writer: store::writer::Writer,
    /// Clients, redirect URIs and persons in memory, forgotten on any change (see
    /// `store::cache`).
    pub reads: Arc<store::cache::ReadCache>,
    pub keys: Arc<Keyring>,
    pub clock: SharedClock,
    pub metrics: Arc<metrics::Metrics>,
    /// The issuer's origin, as browsers send it in `Origin`.
    pub origin: Arc<str>,
    pub security_headers: Arc<[(HeaderName, HeaderValue)]>,
    pub jwks_cache_control: HeaderValue,
    /// The discovery document, prebuilt.
    pub discovery: Bytes,
    /// The key behind pairwise subject identifiers.
    pub pairwise: Arc<PairwiseKey>,
    /// The key behind DPoP nonces.
    pub dpop_nonces: Arc<oidc::dpop_proofs::NonceKey>,
    /// Relying parties' fetched public keys.
    pub client_keys: Arc<oidc::client_keys::ClientKeys>,
    /// Back-channel logout deliveries: the worker's wake-up, stop and HTTP client.
    pub backchannel: Arc<oidc::backchannel::Deliveries>,
    /// The WebAuthn relying party (`None` when the issuer's host is an IP address).
    pub webauthn: Option<Arc<webauthn_rs::Webauthn>>,
    /// Attestation CAs of allow-listed authenticators, for assurance high.
    pub attestation_cas: Option<webauthn_rs::prelude::AttestationCaList>,
    /// Their AAGUIDs: an attested passkey gives high only while its model is listed.
    pub high_assurance_aaguids: Arc<[uuid::Uuid]>,
    /// Mail delivery (`None`: no SMTP configured and not in demo mode).
    pub mailer: Option<Arc<dyn crate::mail::Mailer>>,
    /// Keys the stored hashes of short secrets (e-mail codes); kept in the keys folder, not
    /// the database.
    pub short_secrets: Arc<crate::crypto::secrets::ShortSecretKey>,
    /// The signed SAML metadata, built again when the published certificates change.
    pub saml_metadata: Arc<crate::saml::metadata::MetadataCache>,
    /// Recording of relying parties' failed requests: this instance's limits and the counts
    /// it has not written yet (the failures themselves are in the database).
    pub client_failures: Arc<oidc::client_failures::Failures>,
    /// Error responses waiting to be recorded under their reference (`help::references`).
    pub error_references: Arc<crate::help::references::Recorder>,
    /// The developer portal's own client secret (the portal is a relying party of Civitas).
    pub portal_secret: Arc<str>,
}
