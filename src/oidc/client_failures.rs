//! Every failed authorization and token request of a registered client, for its developers
//! ("Test my integration" in the portal) and for staff (the client's page in the console):
//! when, at which endpoint, the OAuth error, the rule broken (the description the client was
//! given) and how to fix it. In the database, so every instance's failures show: kept 24
//! hours in `client_failures`, counted per UTC day in `client_daily_failures` (31 days).
//!
//! Each failure site names what went wrong with a [`FailureKind`], a stable key that picks the
//! fix text. The texts are ours: nothing the request carried is stored beyond what our
//! description already says (never a code, a token, a secret or an assertion).
//!
//! Anyone who knows a client_id can make its requests fail, so recording is bounded: each
//! instance records at most [`PER_MINUTE`] failures per client a minute, and the table keeps
//! a client's newest [`KEEP`]. Every failure counts all the same: a failure not recorded adds
//! to a count kept in memory, written with the client's next recorded failure or by
//! [`Failures::flush`] (every minute, and at shutdown). Recording never fails the request and
//! waits at most [`WAIT`] for the database; a successful request writes nothing here.

use std::{collections::HashMap, sync::Mutex, time::Duration};

use crate::{
    state::AppState,
    store::{
        self,
        client_failures::{self as store_failures, ClientFailureRow},
        writer::Writer,
    },
};

/// Failures recorded per client and minute, on each instance; the rest are only counted.
pub const PER_MINUTE: u32 = 60;
/// Failures kept per client (the newest).
pub const KEEP: i64 = 100;
/// How long failures are kept.
pub const KEPT_FOR: i64 = 24 * 3600;
/// How long daily counts are kept.
pub const DAYS_KEPT: i64 = 31;
/// Longest a failed request waits for its record to be written.
const WAIT: Duration = Duration::from_secs(2);
/// Longest description stored.
const RULE_CHARS: usize = 300;

/// The endpoint a failure happened at.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Endpoint {
    Authorize,
    Token,
    /// The client's own `backchannel_logout_uri`: a logout token Civitas could not deliver.
    BackchannelLogout,
}

impl Endpoint {
    /// The name stored in `client_failures.endpoint`.
    pub fn as_str(self) -> &'static str {
        match self {
            Endpoint::Authorize => "authorize",
            Endpoint::Token => "token",
            Endpoint::BackchannelLogout => "backchannel_logout_uri",
        }
    }

    /// How a stored endpoint name is shown: our endpoints as paths (`/token`), the client's
    /// own by its metadata name.
    pub fn shown(stored: &str) -> String {
        if stored == Endpoint::BackchannelLogout.as_str() {
            stored.to_owned()
        } else {
            format!("/{stored}")
        }
    }
}

/// Defines [`FailureKind`] from one table: variant, stored key, how to fix it.
macro_rules! failure_kinds {
    ($( $(#[$doc:meta])* $kind:ident = $key:literal => $fix:literal, )*) => {
        /// What went wrong in a failed request, as a stable key (stored; never renamed).
        #[derive(Clone, Copy, Debug, PartialEq, Eq)]
        pub enum FailureKind {
            $( $(#[$doc])* $kind, )*
        }

        impl FailureKind {
            pub const ALL: &'static [FailureKind] = &[ $( FailureKind::$kind, )* ];

            /// The key stored in `client_failures.kind`.
            pub fn key(self) -> &'static str {
                match self { $( FailureKind::$kind => $key, )* }
            }

            /// How a developer fixes it.
            pub fn fix(self) -> &'static str {
                match self { $( FailureKind::$kind => $fix, )* }
            }
        }
    };
}

failure_kinds! {
    // Both endpoints.
    /// The client is suspended or disabled.
    ClientDisabled = "client_disabled" =>
        "This client is suspended or disabled, so Civitas refuses its requests. Its page in the portal says why; ask Civitas support if it does not.",
    /// A parameter sent twice (RFC 6749 §3.1, §3.2).
    ParameterRepeated = "parameter_repeated" =>
        "Send each parameter once. Check for a library default that your code adds a second time.",
    /// A parameter the request needs is missing.
    ParameterMissing = "parameter_missing" =>
        "Send every parameter the request needs: for the code grant grant_type, code, redirect_uri and code_verifier; for a refresh grant_type and refresh_token.",

    // The authorization request, before its client and redirect URI are verified (the person
    // sees a page; the client hears nothing).
    /// `redirect_uri` is missing.
    RedirectUriMissing = "redirect_uri_missing" =>
        "Send redirect_uri with every authorization request, even though the client has registered redirect URIs.",
    /// `redirect_uri` is not one of the client's registered URIs.
    RedirectUriNotRegistered = "redirect_uri_not_registered" =>
        "Send one of the client's registered redirect URIs exactly, character for character: scheme, host, port and path, with no trailing slash, query or fragment added. Or register this URI: a sandbox client's under Change the settings, a production client's under Redirect URIs on approved hosts (a new host needs a review).",

    // The authorization request, returned to the client's redirect URI.
    /// `response_mode` other than `query` or `form_post`.
    ResponseModeUnsupported = "response_mode_unsupported" =>
        "Leave response_mode out (query) or send response_mode=form_post; Civitas never returns a code in the fragment.",
    /// A parameter longer than 2048 characters.
    ParameterTooLong = "parameter_too_long" =>
        "Keep every parameter under 2048 characters. A long state usually carries application data: keep that on your server and send a short random value instead.",
    /// `request` (JAR) sent where it cannot be used (a `request_uri` at the same time).
    RequestObjectUnsupported = "request_object_unsupported" =>
        "Send either a request object (request) or a request_uri from the PAR endpoint, not both; inside a request object, request and request_uri are not allowed.",
    /// `request_uri` that is not one of ours: Civitas never fetches a request from outside.
    RequestUriUnsupported = "request_uri_unsupported" =>
        "Use only the request_uri the PAR endpoint returned (urn:ietf:params:oauth:request_uri:…). Civitas never fetches a request object from an address you host.",
    /// The client may only use pushed authorization requests (RFC 9126 §6).
    ParRequired = "par_required" =>
        "Push the request to the pushed_authorization_request_endpoint first (POST, with client authentication), then send the browser to the authorization endpoint with client_id and the request_uri it returned. This client (or the whole provider) is set to accept nothing else.",
    /// A `request_uri` unknown, already used, expired (60 s) or of another client.
    RequestUriInvalid = "request_uri_invalid" =>
        "A request_uri works once, within 60 seconds, for the client that pushed it. Push the request again for every sign-in and redirect the browser at once.",
    /// A signed request object that does not verify or whose claims are wrong (RFC 9101).
    RequestObjectInvalid = "request_object_invalid" =>
        "Sign the request object with a key registered for this client (use sig; ES256 or PS256), with iss your client_id, aud the issuer, exp at most 60 minutes after nbf, nbf not in the future, and a fresh jti.",
    /// A `purpose` that is not one short line of text, or sent outside a signed or pushed request.
    PurposeInvalid = "purpose_invalid" =>
        "Send purpose (one line of plain text, at most 200 characters, saying why you ask for this sign-in) inside a signed request object or a pushed authorization request; an unsigned purpose in the URL is refused, since anyone could change it.",
    /// A request object's `jti` used before (RFC 9101 §10.8).
    RequestObjectReplayed = "request_object_replayed" =>
        "Give every request object a new random jti; Civitas refuses one it has seen, on any instance.",
    /// `response_type` missing or not `code`.
    ResponseTypeUnsupported = "response_type_unsupported" =>
        "Send response_type=code: Civitas supports the authorization code flow with PKCE only, no implicit or hybrid flow. Configure your library for the code flow.",
    /// `scope` without `openid`.
    ScopeOpenidMissing = "scope_openid_missing" =>
        "Include openid in scope, for example scope=openid profile: every request to Civitas is an OpenID Connect request.",
    /// A scope Civitas does not offer.
    ScopeUnknown = "scope_unknown" =>
        "Ask only for scopes Civitas offers: they are listed as scopes_supported in the discovery document.",
    /// A restricted scope the client is not approved for.
    ScopeRestricted = "scope_restricted" =>
        "Leave this scope out, or apply for it: submit the client for production with the legal basis for the restricted scope, and a reviewer decides.",
    /// A scope the client did not register.
    ScopeNotRegistered = "scope_not_registered" =>
        "Ask only for the scopes registered for this client, or add the scope to its settings (a production client: through a new review).",
    /// No PKCE challenge.
    PkceMissing = "pkce_missing" =>
        "Use PKCE on every request: make a random code_verifier of 43 to 128 characters, keep it in the session, and send code_challenge=BASE64URL(SHA-256(code_verifier)) with code_challenge_method=S256. Most libraries do this once PKCE is turned on.",
    /// PKCE `plain`, or a method other than `S256`.
    PkceMethodUnsupported = "pkce_method_unsupported" =>
        "Send code_challenge_method=S256 with code_challenge=BASE64URL(SHA-256(code_verifier)). The plain method is refused, and leaving the method out means plain.",
    /// A challenge that is not 43 base64url characters.
    PkceChallengeMalformed = "pkce_challenge_malformed" =>
        "Send the S256 challenge as base64url without padding: exactly 43 characters of A-Z, a-z, 0-9, - and _.",
    /// `prompt` unknown, or `none` with another value.
    PromptInvalid = "prompt_invalid" =>
        "Send prompt values from none, login, consent and select_account, separated by spaces; none only alone.",
    /// `max_age` not a whole number.
    MaxAgeInvalid = "max_age_invalid" =>
        "Send max_age as a whole number of seconds, for example max_age=3600.",
    /// `claims` not as OIDC Core §5.5 says.
    ClaimsInvalid = "claims_invalid" =>
        "Send claims as a JSON object with userinfo and id_token members, each naming claims with null or {\"essential\": true} (OpenID Connect Core 5.5).",
    /// `prompt=none` while the person must sign in (no session, or one too old or too weak
    /// for `max_age` or `acr_values`).
    LoginRequired = "login_required" =>
        "prompt=none succeeds only while the person is signed in to Civitas recently enough (max_age) and at the assurance asked for (acr_values, and the client's minimum). On login_required, send the request again without prompt=none so the person can sign in.",
    /// `prompt=none` while the person has not agreed to share the data.
    ConsentRequired = "consent_required" =>
        "prompt=none succeeds only when the person has already agreed to share the data asked for. On consent_required, send the request again without prompt=none so the person can decide.",
    /// A real person at a sandbox client, or a test person at a production client.
    WrongEnvironment = "wrong_environment" =>
        "A sandbox client signs in test persons only, a production client real persons only. Test the sandbox client with a test person (Test sign-in in the portal); real persons use the production client.",

    // The token request.
    /// Not `application/x-www-form-urlencoded`.
    FormRequired = "form_required" =>
        "POST the token request with Content-Type: application/x-www-form-urlencoded, not JSON.",
    /// No client authentication.
    ClientAuthMissing = "client_auth_missing" =>
        "Authenticate the client with the method it registered: the Authorization: Basic header (client_secret_basic), client_id and client_secret in the body (client_secret_post), or a client_assertion (private_key_jwt).",
    /// More than one client authentication method.
    ClientAuthMultiple = "client_auth_multiple" =>
        "Authenticate with one method only: the Authorization header, client_secret in the body, or client_assertion, whichever the client registered.",
    /// A malformed `Authorization: Basic` header.
    BasicHeaderMalformed = "basic_header_malformed" =>
        "Send Authorization: Basic followed by base64(client_id:client_secret), each of the two form-urlencoded first (RFC 6749 2.3.1).",
    /// `client_secret` in the body without `client_id`.
    ClientIdMissing = "client_id_missing" =>
        "With client_secret_post, send client_id beside client_secret in the body.",
    /// `client_id` in the body differs from the authenticated client.
    ClientIdMismatch = "client_id_mismatch" =>
        "Send in the body the client_id of the client that authenticates, or leave it out.",
    /// A method the client did not register.
    AuthMethodNotRegistered = "auth_method_not_registered" =>
        "Authenticate with the method registered for this client (its page shows it), or change the registration.",
    /// A wrong client secret.
    SecretWrong = "secret_wrong" =>
        "Use the client's current secret (or the previous one while a rotation overlaps). Check the configured value for a missing character, a space or a line break; if it is lost, rotate it under Secret and keys.",
    /// `client_assertion_type` missing or wrong.
    AssertionTypeWrong = "assertion_type_wrong" =>
        "Send client_assertion_type=urn:ietf:params:oauth:client-assertion-type:jwt-bearer with the client_assertion.",
    /// An assertion that is not a JWT.
    AssertionMalformed = "assertion_malformed" =>
        "Send a signed JWT as client_assertion: three base64url parts separated by dots.",
    /// An assertion header that cannot be read or names another algorithm.
    AssertionAlgorithm = "assertion_algorithm" =>
        "Sign the client_assertion with ES256 or RS256, with alg and the kid of the key in its header.",
    /// The client's registered keys cannot be had (inline set unreadable, `jwks_uri` failing).
    AssertionKeysUnavailable = "assertion_keys_unavailable" =>
        "Check the client's keys: the registered JWK set must be valid JSON, or its jwks_uri must answer over HTTPS, from a public address, with a JWK set of at most 64 KiB.",
    /// No registered key matches the assertion's `kid` (and algorithm).
    AssertionKeyUnknown = "assertion_key_unknown" =>
        "Sign with a key registered for this client and put its kid in the header. Publish a new key (in the jwks or at the jwks_uri) before you sign with it.",
    /// A registered key that cannot verify (not a usable public JWK).
    AssertionKeyUnusable = "assertion_key_unusable" =>
        "Register a usable public key as a JWK: EC P-256 for ES256, RSA of 2048 bits or more for RS256.",
    /// The signature does not verify.
    AssertionSignature = "assertion_signature" =>
        "Sign with the private key of the very key whose kid the header names, over the header and payload exactly as sent.",
    /// `exp` has passed.
    AssertionExpired = "assertion_expired" =>
        "Make a new client_assertion for every request, with exp a minute or two ahead, and keep your server's clock right (Civitas allows 30 seconds of skew).",
    /// `exp` too far ahead.
    AssertionLifetime = "assertion_lifetime" =>
        "Keep exp at most 300 seconds ahead: make a fresh, short-lived assertion for each request.",
    /// `aud` does not name Civitas.
    AssertionAudience = "assertion_audience" =>
        "Set aud to the issuer or to the token endpoint URL, exactly as the discovery document gives them.",
    /// `iss` or `sub` other than the client_id.
    AssertionIssuer = "assertion_issuer" =>
        "Set both iss and sub to the client_id.",
    /// A required claim is missing.
    AssertionClaimMissing = "assertion_claim_missing" =>
        "Include iss, sub, aud, exp and jti in every client_assertion.",
    /// Any other flaw in the assertion.
    AssertionInvalid = "assertion_invalid" =>
        "Check the client_assertion against RFC 7523 3: iss and sub the client_id, aud the token endpoint, exp soon, a new jti, signed with a registered key.",
    /// No `jti`.
    AssertionJtiMissing = "assertion_jti_missing" =>
        "Give every client_assertion a unique jti: a random value of up to 256 characters.",
    /// A `jti` seen before.
    AssertionReplayed = "assertion_replayed" =>
        "Never reuse a client_assertion: make a new one, with a new jti, for every request. Turn off any caching of assertions in your library.",
    /// A DPoP proof that is malformed, wrongly signed, or for another request (RFC 9449 §4.3).
    DpopProofInvalid = "dpop_proof_invalid" =>
        "Send one DPoP header holding a JWT with typ dpop+jwt, alg ES256 or PS256, your public key in jwk, and claims jti, htm (the HTTP method), htu (this endpoint's URL without query), iat (now) and, with an access token, ath. Make a new proof for every request.",
    /// A DPoP proof's `jti` seen before.
    DpopProofReplayed = "dpop_proof_replayed" =>
        "Make a new DPoP proof, with a new random jti, for every request; Civitas refuses one it has seen, on any instance.",
    /// The client must prove a DPoP key at the token endpoint.
    DpopProofMissing = "dpop_proof_missing" =>
        "This client's tokens are DPoP-bound (FAPI 2.0 or dpop_bound_access_tokens): send a DPoP proof header with every token request.",
    /// The DPoP key differs from the one the code or token is bound to.
    DpopKeyMismatch = "dpop_key_mismatch" =>
        "Use the same DPoP key as in the pushed request (dpop_jkt or its DPoP proof) or as the token was issued to.",
    /// The provider asks for a DPoP nonce (RFC 9449 §8).
    DpopNonceRequired = "dpop_nonce_required" =>
        "Repeat the request with a new DPoP proof whose nonce claim is the value of the DPoP-Nonce response header. Most libraries do this by themselves.",
    /// `grant_type` missing or not supported.
    GrantTypeUnsupported = "grant_type_unsupported" =>
        "Send grant_type=authorization_code to redeem a code, or grant_type=refresh_token to refresh; Civitas supports no other grant.",
    /// A refresh by a client not registered for the grant.
    RefreshNotRegistered = "refresh_not_registered" =>
        "Turn on refresh tokens in the client's settings, or sign the person in again instead of refreshing.",
    /// A `code_verifier` that is not 43–128 unreserved characters.
    VerifierMalformed = "verifier_malformed" =>
        "Send the code_verifier your application made for this request: 43 to 128 characters of letters, digits, -, ., _ and ~.",
    /// An unknown authorization code.
    CodeInvalid = "code_invalid" =>
        "Send the code exactly as it arrived at the redirect URI, URL-decoded once, to the Civitas server that issued it, within 60 seconds.",
    /// A code redeemed before.
    CodeReplayed = "code_replayed" =>
        "Redeem each code once: a second redemption revokes the tokens the first one issued. Look for a retry, a callback that runs twice, or the browser's back button reloading the callback.",
    /// A code issued to another client.
    CodeOtherClient = "code_other_client" =>
        "Redeem a code with the client that asked for it: the client_id of the authorization request must authenticate at the token endpoint.",
    /// An expired code.
    CodeExpired = "code_expired" =>
        "Redeem the code as soon as the person arrives at the redirect URI: it is valid for 60 seconds.",
    /// `redirect_uri` differs from the authorization request's.
    RedirectUriMismatch = "redirect_uri_mismatch" =>
        "Send the token endpoint the redirect_uri of the authorization request, character for character.",
    /// The verifier does not hash to the challenge.
    PkceMismatch = "pkce_mismatch" =>
        "Send the code_verifier of this very authorization request: keep it in the person's session beside state, so two sign-ins at once (two tabs) do not swap them.",
    /// An unknown refresh token.
    RefreshInvalid = "refresh_invalid" =>
        "Send the refresh token exactly as issued, to the Civitas server that issued it. Each refresh returns a new refresh token: keep the newest.",
    /// A refresh token issued to another client.
    RefreshOtherClient = "refresh_other_client" =>
        "Refresh with the client the refresh token was issued to.",
    /// A revoked refresh token.
    RefreshRevoked = "refresh_revoked" =>
        "The grant behind this refresh token was revoked (the person signed out, withdrew consent, or a spent token was reused): sign the person in again.",
    /// A spent refresh token used again.
    RefreshReused = "refresh_reused" =>
        "Store the new refresh token from every refresh and use it next time: a spent one used again revokes the whole grant. Let one request refresh at a time.",
    /// An expired refresh token.
    RefreshExpired = "refresh_expired" =>
        "Refresh tokens end a fixed time after the sign-in, however often they rotate: sign the person in again.",
    /// The sign-in session ended and `offline_access` was not granted.
    SessionEnded = "session_ended" =>
        "Without offline_access a refresh works only while the person's Civitas session lasts: sign the person in again, or ask for offline_access if the client is registered for it.",
    /// The person's consent ended.
    ConsentEnded = "consent_ended" =>
        "The person withdrew their consent for this service: sign them in again, and they will be asked again.",
    /// A refresh asking for more scopes than granted.
    ScopeWidened = "scope_widened" =>
        "On refresh, leave scope out or send a subset of the granted scopes; a refresh never adds scopes.",
    /// The grant's person is no longer in the registry.
    PersonGone = "person_gone" =>
        "The person of this grant is no longer in the registry: sign a person in again.",
    // Civitas calling the client.
    /// A logout token that could not be delivered to the client's `backchannel_logout_uri`
    /// (OpenID Connect Back-Channel Logout 1.0 §2.5) and was given up.
    BackchannelLogoutUndelivered = "backchannel_logout_undelivered" =>
        "Make backchannel_logout_uri answer a POST (application/x-www-form-urlencoded, logout_token) with 200 or 204 within 5 seconds, over HTTPS, from a public address, without a redirect. Civitas retries a failed delivery with growing pauses for 24 hours and keeps at most 1,000 undelivered logout tokens per client; after that the person's session at your service is no longer ended by Civitas, so end it yourself (its sid and sub are in the ID token).",
    /// A failure without its own key yet.
    Unclassified = "unclassified" =>
        "Read the rule above; the integration guide lists the rules Civitas applies, and RFC 6749 5.2 what the error code means.",
}

impl FailureKind {
    /// The kind stored under `key`; a key this version does not know is unclassified.
    pub fn from_key(key: &str) -> Self {
        Self::ALL
            .iter()
            .copied()
            .find(|k| k.key() == key)
            .unwrap_or(FailureKind::Unclassified)
    }
}

/// One failed request of a registered client.
#[derive(Clone, Debug)]
pub struct Failure<'a> {
    pub client_id: &'a str,
    pub endpoint: Endpoint,
    pub error: &'a str,
    pub kind: FailureKind,
    /// What the client was told (ours).
    pub description: &'a str,
}

/// A stored description: one line of at most [`RULE_CHARS`] characters.
fn capped(description: &str) -> String {
    let mut out: String = description
        .chars()
        .take(RULE_CHARS)
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect();
    if description.chars().count() > RULE_CHARS {
        out.pop();
        out.push('…');
    }
    out
}

/// The start of the UTC day holding `t`.
pub fn day_of(t: i64) -> i64 {
    t - t.rem_euclid(86400)
}

#[derive(Default)]
struct Inner {
    /// Per client: the start of its current minute and the failures recorded in it.
    minutes: HashMap<String, (i64, u32)>,
    /// Failures per (client, UTC day) not yet added to `client_daily_failures`.
    unwritten: HashMap<(String, i64), i64>,
}

/// The recording side, per instance: the per-minute limit and the counts not yet written.
#[derive(Default)]
pub struct Failures(Mutex<Inner>);

impl Failures {
    fn inner(&self) -> std::sync::MutexGuard<'_, Inner> {
        self.0.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Counts a failure of `client_id`; when its minute has room, also takes out the client's
    /// unwritten counts to be written with the record (`Some`), otherwise `None`.
    fn count(&self, client_id: &str, now: i64) -> Option<Vec<(String, i64, i64)>> {
        let mut inner = self.inner();
        *inner
            .unwritten
            .entry((client_id.to_owned(), day_of(now)))
            .or_default() += 1;
        let minute = inner
            .minutes
            .entry(client_id.to_owned())
            .or_insert((now, 0));
        if now - minute.0 >= 60 {
            *minute = (now, 0);
        }
        if minute.1 >= PER_MINUTE {
            return None;
        }
        minute.1 += 1;
        let days: Vec<(String, i64)> = inner
            .unwritten
            .keys()
            .filter(|(c, _)| c == client_id)
            .cloned()
            .collect();
        Some(
            days.into_iter()
                .filter_map(|k| inner.unwritten.remove(&k).map(|n| (k.0, k.1, n)))
                .collect(),
        )
    }

    /// Puts back counts whose write failed.
    fn restore(&self, counts: Vec<(String, i64, i64)>) {
        let mut inner = self.inner();
        for (client, day, n) in counts {
            *inner.unwritten.entry((client, day)).or_default() += n;
        }
    }

    /// Whether `client_id` failed on this instance within the last minute (so it is a
    /// registered client, known without a read).
    fn is_known(&self, client_id: &str) -> bool {
        self.inner().minutes.contains_key(client_id)
    }

    /// Writes every unwritten count, and forgets minutes that have passed.
    pub async fn flush(&self, writer: &Writer, now: i64) -> Result<(), sqlx::Error> {
        let counts: Vec<(String, i64, i64)> = {
            let mut inner = self.inner();
            inner.minutes.retain(|_, (start, _)| now - *start < 60);
            inner
                .unwritten
                .drain()
                .map(|((c, d), n)| (c, d, n))
                .collect()
        };
        if counts.is_empty() {
            return Ok(());
        }
        let batch = counts.clone();
        let written = writer
            .write(move |tx| {
                let batch = batch.clone();
                Box::pin(async move { store_failures::upsert_daily_failures(tx, &batch).await })
            })
            .await;
        if written.is_err() {
            self.restore(counts);
        }
        written
    }
}

/// Records a failure of a registered client (the caller knows it is one). Never fails: a
/// Records a refused request at `endpoint` (not the server's own errors): for `client` when it
/// authenticated, else for the client the request named (`client_auth::named_client`).
pub async fn record_refusal(
    state: &AppState,
    endpoint: Endpoint,
    e: &super::error::OAuthError,
    client: Option<&crate::store::clients::ClientRow>,
    headers: &axum::http::HeaderMap,
    body: &[u8],
) {
    if is_server_side(e.error) {
        return;
    }
    let failure = |client_id| Failure {
        client_id,
        endpoint,
        error: e.error,
        kind: e.kind.unwrap_or(FailureKind::Unclassified),
        description: &e.description,
    };
    match (client, super::client_auth::named_client(headers, body)) {
        (Some(c), _) => record(state, failure(&c.id)).await,
        (None, Some(named)) => record_named(state, failure(&named)).await,
        (None, None) => {}
    }
}

/// write that does not succeed is logged.
pub async fn record(state: &AppState, failure: Failure<'_>) {
    let now = state.clock.now();
    let Some(counts) = state.client_failures.count(failure.client_id, now) else {
        return;
    };
    let row = ClientFailureRow {
        id: uuid::Uuid::new_v4().to_string(),
        client_id: failure.client_id.to_owned(),
        at: now,
        endpoint: failure.endpoint.as_str().to_owned(),
        error: failure.error.to_owned(),
        kind: failure.kind.key().to_owned(),
        rule: capped(failure.description),
    };
    let (writer, failures) = (state.writer.clone(), state.client_failures.clone());
    // Its own task: it finishes (and restores the counts if it fails) even when the request
    // stops waiting for it.
    let task = tokio::spawn(async move {
        let batch = counts.clone();
        let written = writer
            .write(move |tx| {
                let (row, batch) = (row.clone(), batch.clone());
                Box::pin(async move {
                    store_failures::insert_client_failure(tx, &row).await?;
                    store_failures::delete_client_failures_beyond(tx, &row.client_id, KEEP).await?;
                    store_failures::upsert_daily_failures(tx, &batch).await
                })
            })
            .await;
        if let Err(e) = written {
            tracing::warn!(error = %e, "a client's failed request could not be recorded");
            failures.restore(counts);
        }
    });
    let _ = tokio::time::timeout(WAIT, task).await;
}

/// Records a failure of the client a request named, when that client is registered.
pub async fn record_named(state: &AppState, failure: Failure<'_>) {
    if !state.client_failures.is_known(failure.client_id) {
        match store::clients::find_oidc_client(&state.db, failure.client_id).await {
            Ok(Some(_)) => {}
            Ok(None) => return,
            Err(e) => {
                tracing::warn!(error = %e, "a failed request's client could not be looked up");
                return;
            }
        }
    }
    record(state, failure).await;
}

/// The errors that are ours, not a rule the client broke: not recorded.
pub fn is_server_side(error: &str) -> bool {
    matches!(error, "server_error" | "temporarily_unavailable")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_kind_has_its_own_key_and_a_fix() {
        let mut keys: Vec<&str> = FailureKind::ALL.iter().map(|k| k.key()).collect();
        keys.sort_unstable();
        keys.dedup();
        assert_eq!(keys.len(), FailureKind::ALL.len());
        for k in FailureKind::ALL {
            assert_eq!(FailureKind::from_key(k.key()), *k);
            assert!(k.fix().len() > 20, "{k:?}");
        }
        assert_eq!(FailureKind::from_key("renamed"), FailureKind::Unclassified);
    }

    #[test]
    fn descriptions_are_capped_to_one_line() {
        assert_eq!(capped("a\nb"), "a b");
        let long = "x".repeat(1000);
        let c = capped(&long);
        assert_eq!(c.chars().count(), RULE_CHARS);
        assert!(c.ends_with('…'));
        assert_eq!(capped(&"y".repeat(RULE_CHARS)), "y".repeat(RULE_CHARS));
    }

    #[test]
    fn a_client_gets_sixty_records_a_minute_and_every_failure_counts() {
        let f = Failures::default();
        let now = 86400 * 100 + 10;
        let mut recorded = 0;
        for _ in 0..100 {
            if let Some(counts) = f.count("c1", now) {
                recorded += 1;
                // Each recorded failure carries the counts waiting before it.
                assert_eq!(counts, [("c1".to_owned(), day_of(now), 1)]);
            }
        }
        assert_eq!(recorded, PER_MINUTE);
        // The other 40 wait in memory; another client is not held back.
        assert_eq!(f.inner().unwritten[&("c1".to_owned(), day_of(now))], 40);
        assert!(f.count("c2", now).is_some());
        // A minute later there is room again, and the waiting count goes with the record.
        let counts = f.count("c1", now + 60).unwrap();
        assert_eq!(counts, [("c1".to_owned(), day_of(now), 41)]);
        assert!(f.inner().unwritten.is_empty());
    }
}
