//! Who the citizen is: activation (tying an online identity to a registry person), passkeys
//! (WebAuthn, usernameless), throttling of attempts, the security events each citizen can
//! read in their own history, and the test persons a sandbox client's request may sign in.

pub mod activation;
pub mod otp;
pub mod passkeys;
pub mod recovery;
pub mod signin;
pub mod test_persons;
pub mod throttle;

use std::sync::Arc;

use webauthn_rs::{Webauthn, WebauthnBuilder};

use crate::{config::Issuer, store::Db};

/// Assurance a passkey with user verification gives (eIDAS substantial).
pub const ACR_SUBSTANTIAL: &str = "urn:civitas:loa:substantial";
/// Assurance an attested, device-bound passkey from an allow-listed authenticator gives.
pub const ACR_HIGH: &str = "urn:civitas:loa:high";

/// The attestation CAs of the authenticators on the high-assurance allow-list, if any.
pub fn high_assurance_cas(
    config: &crate::config::PasskeysConfig,
) -> anyhow::Result<Option<webauthn_rs::prelude::AttestationCaList>> {
    if config.high_assurance.is_empty() {
        return Ok(None);
    }
    let mut builder = webauthn_rs::prelude::AttestationCaListBuilder::new();
    for d in &config.high_assurance {
        builder
            .insert_device_pem(&d.ca_pem, d.aaguid, d.name.clone(), Default::default())
            .map_err(|e| {
                anyhow::anyhow!(
                    "passkeys.high_assurance ({}): the CA file is not a PEM certificate: {e:?}",
                    d.name
                )
            })?;
    }
    Ok(Some(builder.build()))
}

/// The WebAuthn relying party: RP ID is the issuer's host, the origin the issuer's origin.
/// `None` when the issuer's host is an IP address, which browsers refuse as an RP ID.
pub fn webauthn(issuer: &Issuer) -> Option<Arc<Webauthn>> {
    let origin = url::Url::parse(&issuer.origin()).ok()?;
    let host = origin.host_str()?.to_owned();
    WebauthnBuilder::new(&host, &origin)
        .ok()?
        .rp_name("Civitas")
        .build()
        .ok()
        .map(Arc::new)
}

/// Records an event in the citizen's own security history and appends it to their ledger
/// chain, both in one transaction (committed with other requests' writes). Failing to record
/// is logged, never hidden: the event itself has happened.
/// Writes a security event to the citizen's history and ledger chain in `tx`.
pub async fn record_event_in(
    tx: &mut crate::store::Tx,
    person_id: &str,
    kind: &str,
    detail: &str,
    now: i64,
) -> Result<(), sqlx::Error> {
    crate::store::accounts::insert_security_event(tx, person_id, kind, detail, now).await?;
    crate::ledger::append_event(
        tx,
        person_id,
        crate::ledger::EventChannel::Security,
        kind,
        detail,
        now,
    )
    .await
    .map(drop)
}

pub async fn record_event(
    writer: &crate::store::writer::Writer,
    person_id: &str,
    kind: &str,
    detail: &str,
    now: i64,
) {
    let (person, kind_owned, detail) = (person_id.to_owned(), kind.to_owned(), detail.to_owned());
    let recorded = writer
        .write(move |tx| {
            let (person, kind, detail) = (person.clone(), kind_owned.clone(), detail.clone());
            Box::pin(async move { record_event_in(tx, &person, &kind, &detail, now).await })
        })
        .await;
    if let Err(e) = recorded {
        tracing::error!(error = %e, kind, "security event could not be recorded");
    }
}

/// The person a typed national ID names: `None` for a malformed number or nobody.
pub async fn person_by_typed_national_id(
    db: &Db,
    typed: &str,
) -> Result<Option<crate::store::persons::PersonRow>, sqlx::Error> {
    match crate::registry::NationalId::parse(typed.trim()) {
        Ok(id) => crate::store::persons::find_person_by_national_id(db, id.as_str()).await,
        Err(_) => Ok(None),
    }
}

/// A page's own address with the waiting request's id, so that switching language on it keeps
/// the citizen's place in the sign-in.
pub fn here(path: &str, continue_id: &str) -> String {
    if continue_id.is_empty() {
        path.to_owned()
    } else {
        format!(
            "{path}?continue={}",
            url::form_urlencoded::byte_serialize(continue_id.as_bytes()).collect::<String>()
        )
    }
}

/// Where a completed sign-in continues: the waiting authorization request, or the account.
pub fn after_sign_in(continue_id: Option<&str>) -> String {
    match continue_id.filter(|c| {
        !c.is_empty()
            && c.len() <= 64
            && c.bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
    }) {
        Some(id) => format!("/authorize/resume?continue={id}"),
        None => "/account".to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_continuation_is_an_id_never_a_url() {
        assert_eq!(
            after_sign_in(Some("abc_-1")),
            "/authorize/resume?continue=abc_-1"
        );
        assert_eq!(after_sign_in(Some("https://evil.example")), "/account");
        assert_eq!(after_sign_in(Some("a&b=c")), "/account");
        assert_eq!(after_sign_in(None), "/account");
    }

    #[test]
    fn a_look_alike_origin_cannot_configure_the_relying_party() {
        // webauthn-rs refuses an origin whose host is not the RP ID or a subdomain of it.
        let bad = url::Url::parse("https://badexample.com").unwrap();
        assert!(WebauthnBuilder::new("example.com", &bad).is_err());
        assert!(webauthn(&Issuer::parse("https://id.example.gov").unwrap()).is_some());
        assert!(webauthn(&Issuer::parse("http://127.0.0.1:8080").unwrap()).is_none());
    }
}
