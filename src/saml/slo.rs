//! `GET|POST /saml/slo`: single logout started by a service provider (SAML profiles §4.4).
//! The provider's `LogoutRequest` must be signed (a forged one would sign people out at
//! will) and name the person signed in here by the pairwise NameID it was given; the
//! Civitas session then ends, and a signed `LogoutResponse` goes back to the provider's
//! registered single logout service over the binding it registered.
//!
//! Other providers the person signed in to in this session are not told (no logout
//! propagation): their own sessions end on their own terms.

use axum::{
    body::Bytes,
    extract::State,
    http::{HeaderMap, Method, Uri},
    response::{IntoResponse, Redirect, Response},
};
use tower_sessions::Session;

use super::{
    binding::{self, Binding},
    dsig,
    request::{self, HTTP_POST, HTTP_REDIRECT, LogoutRequest},
    response::{self as xml_out, Envelope, Status},
    sp::{Endpoint, ServiceProvider},
    sso::{self, CLOCK_SKEW},
};
use crate::{
    error::AppError,
    oidc::backchannel,
    state::AppState,
    store::{clients, saml_replay},
    web::sessions::{sign_out, signed_in},
};

fn page(e: impl std::fmt::Display) -> AppError {
    AppError::BadRequest(format!(
        "The service sent a sign-out request Civitas cannot accept: {e}. To sign out of Civitas, use “Sign out” on your account page."
    ))
}

/// The provider's single logout service for an answer: the one of the request's binding if
/// registered, else the first.
fn endpoint(sp: &ServiceProvider, binding: Binding) -> Option<&Endpoint> {
    let wanted = match binding {
        Binding::Redirect => HTTP_REDIRECT,
        Binding::Post => HTTP_POST,
    };
    sp.slo
        .iter()
        .find(|e| e.binding == wanted)
        .or_else(|| sp.slo.first())
}

/// `GET /saml/slo` and `POST /saml/slo`
pub async fn slo(
    State(state): State<AppState>,
    session: Session,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, AppError> {
    let message = match sso::inbound(&state, &method, &uri, &headers, &body, "/saml/slo")? {
        Ok(m) => m,
        Err(bounce) => return Ok(bounce),
    };
    let doc = super::xml::parse(&message.xml).map_err(page)?;
    let root = doc.root_element();
    let r = request::logout_request(root).map_err(page)?;
    let sp = super::store::find_sp_by_entity_id(&state.db, &r.issuer)
        .await?
        .ok_or_else(|| page("its Issuer is not a service provider registered with Civitas"))?;
    let to = endpoint(&sp, message.binding)
        .cloned()
        .ok_or_else(|| page("the service registered no single logout service"))?;
    // A logout request is always signed, whatever the provider's AuthnRequests are.
    sso::check_signature(&sp, &message, root, true)?;
    let status = status(&state, &session, &sp, &r).await?;
    respond(&state, &to, &r.id, message.relay_state.as_deref(), &status).await
}

/// Checks the request's freshness, ends the session it names, and says how that went.
async fn status(
    state: &AppState,
    session: &Session,
    sp: &ServiceProvider,
    r: &LogoutRequest,
) -> Result<Status, AppError> {
    let now = state.clock.now();
    let slo_url = state.config.issuer.endpoint("/saml/slo");
    // Always signed (checked before).
    if let Some(problem) = sso::destination_problem(r.destination.as_deref(), &slo_url, true) {
        return Ok(Status::requester(None, problem));
    }
    if (now - r.issue_instant).abs() > CLOCK_SKEW || r.not_on_or_after.is_some_and(|t| now >= t) {
        return Ok(Status::requester(
            Some(xml_out::REQUEST_DENIED),
            "the LogoutRequest is stale: check IssueInstant, NotOnOrAfter and the clock",
        ));
    }
    let expires_at = r.issue_instant.max(now) + 2 * CLOCK_SKEW;
    if !saml_replay::insert_saml_request_id(&state.db, &sp.entity_id, &r.id, expires_at, now)
        .await?
    {
        return Ok(Status::requester(
            Some(xml_out::REQUEST_DENIED),
            "this LogoutRequest ID was already used",
        ));
    }
    let Some(who) = signed_in(session, &state.config.sessions, now).await? else {
        // Nobody is signed in in this browser: the person is signed out already.
        return Ok(Status::success());
    };
    let client = clients::find_client(&state.db, &sp.client_id)
        .await?
        .ok_or(AppError::NotFound)?;
    let expected = state.pairwise.subject(&client.sector_id, &who.person_id);
    if r.name_id != expected {
        return Ok(Status::requester(
            Some(xml_out::UNKNOWN_PRINCIPAL),
            "the NameID is not the person signed in to Civitas in this browser",
        ));
    }
    // The person the provider signed in asks to sign out: the Civitas session ends, whichever
    // of its sign-ins (SessionIndex) the provider's session came from, and the OpenID Connect
    // relying parties that took part in it are told over the back channel.
    backchannel::end_session(state, &who.sid, Some(&who.person_id)).await?;
    sign_out(session).await?;
    tracing::info!(service = %client.id, "single logout ended a session");
    Ok(Status::success())
}

/// The signed `LogoutResponse` to the provider's single logout service.
async fn respond(
    state: &AppState,
    to: &Endpoint,
    in_response_to: &str,
    relay_state: Option<&str>,
    status: &Status,
) -> Result<Response, AppError> {
    let destination = to.response_location.as_deref().unwrap_or(&to.location);
    let id = xml_out::new_id();
    let issuer = sso::entity_id(state);
    let xml = xml_out::logout_response(&Envelope {
        id: &id,
        idp_entity_id: &issuer,
        destination,
        in_response_to,
        now: state.clock.now(),
        status,
    });
    if to.binding == HTTP_REDIRECT {
        let key = state.keys.saml_signer().ok_or(AppError::Unavailable)?;
        let query = binding::redirect_query("SAMLResponse", &xml, relay_state, dsig::RSA_SHA256);
        let octets = query.clone();
        let signature =
            tokio::task::spawn_blocking(move || dsig::sign_redirect(octets.as_bytes(), &key.key))
                .await
                .map_err(|e| AppError::Internal(e.into()))?
                .map_err(|e| AppError::Internal(anyhow::anyhow!("signing a SAML message: {e}")))?;
        let signature: String =
            url::form_urlencoded::byte_serialize(signature.as_bytes()).collect();
        let separator = if destination.contains('?') { '&' } else { '?' };
        return Ok(Redirect::to(&format!(
            "{destination}{separator}{query}&Signature={signature}"
        ))
        .into_response());
    }
    let signed = sso::sign(state, xml, id).await?;
    let value = binding::post_value(&signed);
    let mut fields = vec![("SAMLResponse", value.as_str())];
    if let Some(r) = relay_state {
        fields.push(("RelayState", r));
    }
    Ok(binding::post_page(destination, &fields))
}
