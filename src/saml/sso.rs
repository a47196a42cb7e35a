//! `GET|POST /saml/sso`: SP-initiated single sign-on (Web Browser SSO profile, SAML profiles
//! §4.1), IdP-initiated sign-on off.
//!
//! An `AuthnRequest` is checked in this order, and where it fails decides how the answer
//! goes (SAML profiles §4.1.3.5, and the house rule for `/authorize`): until the service
//! provider, its assertion consumer service and (when it must sign) its signature are
//! verified, the person sees a page and nothing is sent anywhere; after that, every refusal
//! is a signed `Response` with a SAML status, posted to that consumer service.
//!
//! A checked request becomes an ordinary waiting request of `oidc::authorize` (the same
//! `Pending`, marked SAML), so the person goes through the same sign-in, step-up, sandbox
//! and consent pages; at the end `answer` issues the assertion instead of a code.

use std::collections::BTreeSet;

use axum::{
    body::Bytes,
    extract::State,
    http::{HeaderMap, Method, Uri},
    response::Response,
};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use tower_sessions::Session;

use super::{
    binding::{self, Binding, Inbound},
    dsig,
    request::{self, AuthnRequest, Comparison, HTTP_POST},
    response::{self as xml_out, AssertionFacts, Envelope, Status},
    sp::ServiceProvider,
};
use crate::{
    error::AppError,
    oidc::{
        authorize::{self, Pending},
        authorize_request::{ACR_VALUES, AuthorizationRequest, Prompt, ResponseMode},
        claims::scope_set,
    },
    state::AppState,
    store::{clients, persons, saml_replay},
    web::{i18n::Lang, security::is_same_origin, sessions::SignedIn},
};

/// How far a request's `IssueInstant` may be from our clock (either way).
pub const CLOCK_SKEW: i64 = 180;

/// What the answer to a SAML request needs, kept with the waiting request.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct SamlContext {
    pub entity_id: String,
    /// The AuthnRequest's ID: the response's `InResponseTo`.
    pub request_id: String,
    /// The verified assertion consumer service.
    pub acs_url: String,
    pub relay_state: Option<String>,
    /// `RequestedAuthnContext`, when the request had one.
    pub comparison: Option<Comparison>,
    #[serde(default)]
    pub class_refs: Vec<String>,
}

/// The IdP's entity ID: its metadata's address.
pub fn entity_id(state: &AppState) -> String {
    state.config.issuer.endpoint("/saml/metadata")
}

/// `SessionIndex` (core §2.7.2) for a sign-in session and a service provider: the same for
/// the life of the session, different per provider, and telling nothing about the session id.
pub fn session_index(sid: &str, client_id: &str) -> String {
    let digest = Sha256::digest(format!("civitas-saml-session\0{sid}\0{client_id}").as_bytes());
    let hex: String = digest[..16].iter().map(|b| format!("{b:02x}")).collect();
    format!("_{hex}")
}

fn page(e: impl std::fmt::Display) -> AppError {
    AppError::BadRequest(format!(
        "The service sent a SAML request Civitas cannot accept: {e}. Go back to the service and try again; if this keeps happening, tell the service."
    ))
}

/// Reads the message off either binding. A cross-site POST arrives without the session
/// cookie (SameSite=Lax): it is handed back to the browser as a form that posts the same
/// message to us from our own origin, which carries the cookie.
pub(super) fn inbound(
    state: &AppState,
    method: &Method,
    uri: &Uri,
    headers: &HeaderMap,
    body: &Bytes,
    path: &str,
) -> Result<Result<Inbound, Response>, AppError> {
    if *method == Method::POST {
        let is_form = headers
            .get(axum::http::header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.starts_with("application/x-www-form-urlencoded"));
        if !is_form {
            return Err(page("an HTTP-POST message must be sent as a form"));
        }
        let message = binding::from_post(body, "SAMLRequest").map_err(page)?;
        if !is_same_origin(method, headers, &state.origin) {
            let raw = binding::post_value(&message.xml);
            let mut fields = vec![("SAMLRequest", raw.as_str())];
            if let Some(r) = &message.relay_state {
                fields.push(("RelayState", r));
            }
            return Ok(Err(binding::post_page(path, &fields)));
        }
        return Ok(Ok(message));
    }
    let query = uri.query().unwrap_or("");
    Ok(Ok(
        binding::from_redirect(query, "SAMLRequest").map_err(page)?
    ))
}

/// Checks the message's signature against the provider's keys: the query-string signature
/// of the Redirect binding, or the enveloped signature of the root element. `required`: an
/// unsigned message is refused. A signature that is present is always checked. `Ok(true)`:
/// the message was signed.
pub(super) fn check_signature(
    sp: &ServiceProvider,
    message: &Inbound,
    root: roxmltree::Node,
    required: bool,
) -> Result<bool, AppError> {
    let keys = sp.signing_keys().map_err(|e| {
        page(format!(
            "the service's signing certificate is unusable ({e})"
        ))
    })?;
    match (message.binding, &message.redirect_signature) {
        (Binding::Redirect, Some(sig)) => {
            dsig::verify_redirect(sig.octets.as_bytes(), &sig.sig_alg, &sig.signature, &keys)
                .map_err(|e| page(format!("its signature does not verify ({e})")))?;
            Ok(true)
        }
        (Binding::Post, _) if dsig::signature_of(root).is_some() => {
            dsig::verify_enveloped(root, &keys)
                .map_err(|e| page(format!("its signature does not verify ({e})")))?;
            Ok(true)
        }
        _ if required => Err(page(
            "it is not signed, and this service must sign its requests",
        )),
        _ => Ok(false),
    }
}

/// What is wrong with a request's `Destination`, received at `here`: it names another
/// endpoint, or the request is signed and leaves it out (bindings §3.4.5.2, §3.5.5.2: a signed
/// message names where it is going, so it cannot be carried to another receiver).
pub(super) fn destination_problem(
    destination: Option<&str>,
    here: &str,
    signed: bool,
) -> Option<String> {
    match destination {
        Some(d) if d != here => Some(format!("Destination must be {here}")),
        None if signed => Some(format!("a signed request must have Destination=\"{here}\"")),
        _ => None,
    }
}

/// The registered assertion consumer service the request names (by URL, exactly, or by
/// index), or the provider's default.
fn consumer(sp: &ServiceProvider, r: &AuthnRequest) -> Result<String, AppError> {
    if let Some(binding) = &r.protocol_binding
        && binding != HTTP_POST
    {
        return Err(page(format!(
            "ProtocolBinding must be {HTTP_POST}: Civitas sends responses by HTTP-POST only"
        )));
    }
    let acs = &sp.acs;
    let found = match (&r.acs_url, r.acs_index) {
        (Some(url), _) => acs.iter().find(|e| e.location == *url),
        (None, Some(i)) => acs.iter().find(|e| e.index == Some(i)),
        (None, None) => acs
            .iter()
            .find(|e| e.is_default)
            .or_else(|| acs.iter().min_by_key(|e| e.index.unwrap_or(u16::MAX))),
    };
    found.map(|e| e.location.clone()).ok_or_else(|| {
        page(match (&r.acs_url, r.acs_index) {
            (Some(_), _) => "AssertionConsumerServiceURL is not registered for this service (it must match a registered one exactly)".to_owned(),
            (None, Some(i)) => format!("no assertion consumer service with index {i} is registered"),
            _ => "the service has no assertion consumer service registered".to_owned(),
        })
    })
}

fn rank(acr: &str) -> Option<usize> {
    ACR_VALUES.iter().position(|a| *a == acr)
}

/// The assurance the sign-in must reach for `RequestedAuthnContext` (profiles §4.1.4.1 and
/// core §3.3.2.2.1), or why none can.
fn required_acr(c: &SamlContext) -> Result<Option<&'static str>, Status> {
    let Some(comparison) = c.comparison else {
        return Ok(None);
    };
    let ranks: Vec<usize> = c.class_refs.iter().filter_map(|r| rank(r)).collect();
    let (Some(&low), Some(&high)) = (ranks.iter().min(), ranks.iter().max()) else {
        return Err(Status::responder(
            Some(xml_out::NO_AUTHN_CONTEXT),
            format!(
                "Civitas authenticates at {}; none of the requested AuthnContextClassRef values is one of them",
                ACR_VALUES.join(", ")
            ),
        ));
    };
    let needed = match comparison {
        Comparison::Exact | Comparison::Minimum => low,
        Comparison::Maximum => 0,
        Comparison::Better => high + 1,
    };
    ACR_VALUES.get(needed).map(|a| Some(*a)).ok_or_else(|| {
        Status::responder(
            Some(xml_out::NO_AUTHN_CONTEXT),
            "no assurance level better than the highest one exists",
        )
    })
}

/// The class reference to state for a sign-in at `acr`: the sign-in's own level, or, when
/// the request asked for exact levels or a maximum, the highest requested level it meets.
pub fn reported_class_ref(c: &SamlContext, acr: &str) -> String {
    let achieved = rank(acr).unwrap_or(0);
    let fitting = || {
        c.class_refs
            .iter()
            .filter_map(|r| rank(r).filter(|&n| n <= achieved))
            .max()
    };
    match c.comparison {
        Some(Comparison::Exact | Comparison::Maximum) => fitting()
            .and_then(|n| ACR_VALUES.get(n))
            .map_or_else(|| acr.to_owned(), |a| (*a).to_owned()),
        _ => acr.to_owned(),
    }
}

/// `GET /saml/sso` (HTTP-Redirect) and `POST /saml/sso` (HTTP-POST).
pub async fn sso(
    State(state): State<AppState>,
    session: Session,
    lang: Lang,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, AppError> {
    let message = match inbound(&state, &method, &uri, &headers, &body, "/saml/sso")? {
        Ok(m) => m,
        Err(bounce) => return Ok(bounce),
    };
    let doc = super::xml::parse(&message.xml).map_err(page)?;
    let root = doc.root_element();
    let r = request::authn_request(root).map_err(page)?;
    let sp = super::store::find_sp_by_entity_id(&state.db, &r.issuer)
        .await?
        .ok_or_else(|| page("its Issuer is not a service provider registered with Civitas"))?;
    if sp.status != "active" {
        return Err(page(
            "this service is not allowed to sign people in at the moment",
        ));
    }
    let acs_url = consumer(&sp, &r)?;
    let signed = check_signature(&sp, &message, root, sp.authn_requests_signed)?;
    // From here on the answer goes to the verified consumer service.
    let mut ctx = SamlContext {
        entity_id: sp.entity_id.clone(),
        request_id: r.id.clone(),
        acs_url,
        relay_state: message.relay_state.clone(),
        comparison: r.authn_context.as_ref().map(|c| c.comparison),
        class_refs: r
            .authn_context
            .as_ref()
            .map(|c| c.class_refs.clone())
            .unwrap_or_default(),
    };
    let now = state.clock.now();
    let sso_url = state.config.issuer.endpoint("/saml/sso");
    let destination = destination_problem(r.destination.as_deref(), &sso_url, signed);
    let refusal = if let Some(problem) = destination {
        Some(Status::requester(None, problem))
    } else if (now - r.issue_instant).abs() > CLOCK_SKEW {
        Some(Status::requester(
            Some(xml_out::REQUEST_DENIED),
            format!("IssueInstant is more than {CLOCK_SKEW} seconds from Civitas's clock"),
        ))
    } else if !request::name_id_format_ok(r.name_id_format.as_deref()) {
        Some(Status::requester(
            Some(xml_out::INVALID_NAME_ID_POLICY),
            format!(
                "Civitas issues pairwise persistent identifiers only ({})",
                request::PERSISTENT
            ),
        ))
    } else {
        None
    };
    if let Some(status) = refusal {
        return status_response(&state, &ctx, &status).await;
    }
    // Each ID is accepted once, for as long as its IssueInstant would pass.
    let expires_at = r.issue_instant.max(now) + 2 * CLOCK_SKEW;
    if !saml_replay::insert_saml_request_id(&state.db, &sp.entity_id, &r.id, expires_at, now)
        .await?
    {
        let status = Status::requester(
            Some(xml_out::REQUEST_DENIED),
            "this AuthnRequest ID was already used; send a new request",
        );
        return status_response(&state, &ctx, &status).await;
    }
    let required = match required_acr(&ctx) {
        Ok(a) => a,
        Err(status) => return status_response(&state, &ctx, &status).await,
    };
    let client = clients::find_client(&state.db, &sp.client_id)
        .await?
        .ok_or(AppError::NotFound)?;
    let mut acr_values: Vec<String> = required.into_iter().map(str::to_owned).collect();
    acr_values.extend(client.min_acr.clone());
    // Keep the unknown class references out of the context once checked.
    ctx.class_refs.retain(|c| rank(c).is_some());
    let scopes = scope_set(&client.scopes);
    let pending = Pending {
        request: AuthorizationRequest {
            client_id: client.id.clone(),
            redirect_uri: ctx.acs_url.clone(),
            scopes: scopes.clone(),
            state: None,
            nonce: None,
            code_challenge: String::new(),
            prompt: Prompt {
                none: r.is_passive,
                login: r.force_authn,
                consent: false,
            },
            max_age: None,
            acr_values,
            login_hint: None,
            ui_locales: None,
            claims: Default::default(),
            response_mode: ResponseMode::FormPost,
            purpose: None,
        },
        scopes,
        created_at: now,
        consented_once: false,
        sandbox: client.is_sandbox(),
        saml: Some(ctx),
        dpop_jkt: None,
    };
    authorize::start(&state, &session, lang, pending).await
}

/// Signs `xml`'s element `id` with the active SAML key (RSA, off the async threads).
pub(super) async fn sign(state: &AppState, xml: String, id: String) -> Result<String, AppError> {
    let key = state.keys.saml_signer().ok_or(AppError::Unavailable)?;
    tokio::task::spawn_blocking(move || dsig::sign_enveloped(&xml, &id, &key.key, &key.certificate))
        .await
        .map_err(|e| AppError::Internal(e.into()))?
        .map_err(|e| AppError::Internal(anyhow::anyhow!("signing a SAML message: {e}")))
}

/// A signed `Response` with `status` and no assertion, posted to the consumer service.
pub async fn status_response(
    state: &AppState,
    ctx: &SamlContext,
    status: &Status,
) -> Result<Response, AppError> {
    let id = xml_out::new_id();
    let issuer = entity_id(state);
    let xml = xml_out::response(
        &Envelope {
            id: &id,
            idp_entity_id: &issuer,
            destination: &ctx.acs_url,
            in_response_to: &ctx.request_id,
            now: state.clock.now(),
            status,
        },
        "",
    );
    let signed = sign(state, xml, id).await?;
    Ok(deliver(ctx, &signed))
}

fn deliver(ctx: &SamlContext, xml: &str) -> Response {
    let value = binding::post_value(xml);
    let mut fields = vec![("SAMLResponse", value.as_str())];
    if let Some(r) = &ctx.relay_state {
        fields.push(("RelayState", r));
    }
    binding::post_page(&ctx.acs_url, &fields)
}

/// The SAML status for an OAuth error `decide` reached (the person must sign in, did not
/// consent, is from the other environment).
pub fn status_for(error: &str, description: &str) -> Status {
    let sub = match error {
        "login_required" | "consent_required" | "interaction_required" => Some(xml_out::NO_PASSIVE),
        "access_denied" => Some(xml_out::REQUEST_DENIED),
        _ => None,
    };
    Status::responder(sub, description)
}

/// The assertion for a signed-in person who agreed to `scopes`: signed, encrypted when the
/// provider asked, inside a signed Response; and the release recorded in their ledger
/// (before the browser gets it).
pub async fn answer(
    state: &AppState,
    who: &SignedIn,
    pending: &Pending,
    scopes: &BTreeSet<String>,
    now: i64,
) -> Result<Response, AppError> {
    let Some(ctx) = &pending.saml else {
        return Err(AppError::Internal(anyhow::anyhow!(
            "a SAML answer for a request without SAML context"
        )));
    };
    let sp = super::store::find_sp_by_entity_id(&state.db, &ctx.entity_id)
        .await?
        .filter(|sp| sp.status == "active")
        .ok_or_else(|| page("this service is not allowed to sign people in at the moment"))?;
    let client = clients::find_client(&state.db, &sp.client_id)
        .await?
        .ok_or(AppError::NotFound)?;
    let person = persons::find_person(&state.db, &who.person_id)
        .await?
        .ok_or(AppError::NotFound)?;
    let attributes = super::attributes::attributes(&person, scopes);
    let name_id = state.pairwise.subject(&client.sector_id, &person.id);
    let issuer = entity_id(state);
    let assertion_id = xml_out::new_id();
    let session_index = session_index(&who.sid, &client.id);
    let class_ref = reported_class_ref(ctx, &who.acr);
    let assertion = xml_out::assertion(&AssertionFacts {
        id: &assertion_id,
        idp_entity_id: &issuer,
        sp_entity_id: &sp.entity_id,
        acs_url: &ctx.acs_url,
        in_response_to: &ctx.request_id,
        now,
        name_id: &name_id,
        session_index: &session_index,
        auth_time: who.auth_time,
        class_ref: &class_ref,
        session_not_on_or_after: who.auth_time
            + state.config.sessions.absolute_lifetime.as_secs() as i64,
        attributes: &attributes,
    });
    let signed_assertion = sign(state, assertion, assertion_id).await?;
    let encryption_key = sp.encryption_key().map_err(|e| {
        AppError::Internal(anyhow::anyhow!("the service's encryption certificate: {e}"))
    })?;
    let inner = match (&encryption_key, sp.encrypt_assertions) {
        (Some(key), true) => {
            let key = key.clone();
            tokio::task::spawn_blocking(move || {
                super::xmlenc::encrypt_assertion(&signed_assertion, &key)
            })
            .await
            .map_err(|e| AppError::Internal(e.into()))?
            .map_err(|e| AppError::Internal(anyhow::anyhow!("encrypting an assertion: {e}")))?
        }
        _ => signed_assertion,
    };
    let response_id = xml_out::new_id();
    let xml = xml_out::response(
        &Envelope {
            id: &response_id,
            idp_entity_id: &issuer,
            destination: &ctx.acs_url,
            in_response_to: &ctx.request_id,
            now,
            status: &Status::success(),
        },
        &inner,
    );
    let signed = sign(state, xml, response_id).await?;
    // The release is on record before the browser carries the assertion away.
    let mut released = vec!["NameID"];
    released.extend(attributes.iter().map(|a| a.friendly_name));
    let release = crate::ledger::Release {
        person_id: &person.id,
        client_id: &client.id,
        client_name: &client.display_name,
        purpose: &client.purpose,
        claims: released,
        acr: &class_ref,
        channel: "saml",
        at: now,
    };
    crate::transaction!(state.db, AppError, |tx| {
        crate::ledger::append(tx, &release).await?;
        Ok(())
    })?;
    Ok(deliver(ctx, &signed))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ctx(comparison: Option<Comparison>, refs: &[&str]) -> SamlContext {
        SamlContext {
            entity_id: "e".into(),
            request_id: "r".into(),
            acs_url: "a".into(),
            relay_state: None,
            comparison,
            class_refs: refs.iter().map(|s| s.to_string()).collect(),
        }
    }

    const LOW: &str = "urn:civitas:loa:low";
    const SUB: &str = "urn:civitas:loa:substantial";
    const HIGH: &str = "urn:civitas:loa:high";

    #[test]
    fn requested_authn_contexts_map_to_assurance_levels() {
        assert_eq!(required_acr(&ctx(None, &[])), Ok(None));
        assert_eq!(
            required_acr(&ctx(Some(Comparison::Minimum), &[SUB])),
            Ok(Some(SUB))
        );
        assert_eq!(
            required_acr(&ctx(Some(Comparison::Exact), &[HIGH, SUB])),
            Ok(Some(SUB))
        );
        assert_eq!(
            required_acr(&ctx(Some(Comparison::Better), &[LOW])),
            Ok(Some(SUB))
        );
        assert_eq!(
            required_acr(&ctx(Some(Comparison::Maximum), &[SUB])),
            Ok(Some(LOW))
        );
        assert!(required_acr(&ctx(Some(Comparison::Better), &[HIGH])).is_err());
        let unknown = required_acr(&ctx(
            Some(Comparison::Exact),
            &["urn:oasis:names:tc:SAML:2.0:ac:classes:PasswordProtectedTransport"],
        ))
        .unwrap_err();
        assert_eq!(unknown.sub, Some(xml_out::NO_AUTHN_CONTEXT));
    }

    #[test]
    fn the_stated_class_is_the_sign_ins_or_the_highest_requested_it_meets() {
        assert_eq!(reported_class_ref(&ctx(None, &[]), HIGH), HIGH);
        assert_eq!(
            reported_class_ref(&ctx(Some(Comparison::Minimum), &[LOW]), HIGH),
            HIGH
        );
        assert_eq!(
            reported_class_ref(&ctx(Some(Comparison::Exact), &[LOW, SUB]), HIGH),
            SUB
        );
        assert_eq!(
            reported_class_ref(&ctx(Some(Comparison::Maximum), &[LOW]), SUB),
            LOW
        );
    }

    #[test]
    fn a_signed_request_names_its_destination() {
        let here = "https://id.example/saml/sso";
        assert_eq!(destination_problem(Some(here), here, true), None);
        assert_eq!(destination_problem(None, here, false), None);
        assert!(
            destination_problem(Some("https://other.example/sso"), here, false)
                .unwrap()
                .contains("Destination must be")
        );
        assert!(
            destination_problem(None, here, true)
                .unwrap()
                .contains("a signed request must have Destination")
        );
    }

    #[test]
    fn session_indexes_differ_per_provider_and_hide_the_session() {
        let a = session_index("sid-1", "saml-a");
        assert_eq!(a, session_index("sid-1", "saml-a"));
        assert_ne!(a, session_index("sid-1", "saml-b"));
        assert_ne!(a, session_index("sid-2", "saml-a"));
        assert!(!a.contains("sid"));
    }
}
