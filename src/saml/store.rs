//! Registered service providers as [`ServiceProvider`] values, assembled from
//! `store::saml_sps` (the provider, its client's status) and its endpoints; disabling and
//! enabling go through the client's status, as for any relying party.

use super::sp::{Endpoint, RequestedAttribute, ServiceProvider};
use crate::store::{
    Db, clients,
    saml_sps::{self, SamlSpRow},
};

async fn assemble(db: &Db, row: SamlSpRow) -> Result<ServiceProvider, sqlx::Error> {
    let decode = |what: &str, e: serde_json::Error| {
        sqlx::Error::Decode(
            format!("saml_service_providers.{what} of {}: {e}", row.client_id).into(),
        )
    };
    let signing_certificates: Vec<String> = serde_json::from_str(&row.signing_certificates)
        .map_err(|e| decode("signing_certificates", e))?;
    let requested: Vec<RequestedAttribute> = serde_json::from_str(&row.requested_attributes)
        .map_err(|e| decode("requested_attributes", e))?;
    let (mut acs, mut slo) = (Vec::new(), Vec::new());
    for e in saml_sps::find_saml_endpoints(db, &row.client_id).await? {
        let endpoint = Endpoint {
            location: e.location,
            index: e.idx.and_then(|i| u16::try_from(i).ok()),
            is_default: e.is_default,
            binding: e.binding,
            response_location: e.response_location,
        };
        match e.kind.as_str() {
            "acs" => acs.push(endpoint),
            _ => slo.push(endpoint),
        }
    }
    Ok(ServiceProvider {
        client_id: row.client_id,
        entity_id: row.entity_id,
        name: row.display_name,
        status: row.status,
        status_reason: row.status_reason,
        environment: row.environment,
        acs,
        slo,
        authn_requests_signed: row.authn_requests_signed,
        encrypt_assertions: row.encrypt_assertions,
        signing_certificates,
        encryption_certificate: row.encryption_certificate,
        required_attributes: requested
            .iter()
            .filter(|a| a.required)
            .map(|a| a.name.clone())
            .collect(),
        requested_attributes: requested.into_iter().map(|a| a.name).collect(),
        metadata_source: row.metadata_source,
        created_at: row.created_at,
        updated_at: row.updated_at,
    })
}

/// The service provider with this entity ID (an `AuthnRequest`'s `Issuer`).
pub async fn find_sp_by_entity_id(
    db: &Db,
    entity_id: &str,
) -> Result<Option<ServiceProvider>, sqlx::Error> {
    match saml_sps::find_saml_sp_by_entity_id(db, entity_id).await? {
        Some(row) => assemble(db, row).await.map(Some),
        None => Ok(None),
    }
}

/// The service provider behind a `clients` row.
pub async fn find_sp_by_client_id(
    db: &Db,
    client_id: &str,
) -> Result<Option<ServiceProvider>, sqlx::Error> {
    match saml_sps::find_saml_sp_by_client_id(db, client_id).await? {
        Some(row) => assemble(db, row).await.map(Some),
        None => Ok(None),
    }
}

/// Every service provider, by entity ID.
pub async fn list(db: &Db) -> Result<Vec<ServiceProvider>, sqlx::Error> {
    let mut out = Vec::new();
    for row in saml_sps::find_saml_sps(db).await? {
        out.push(assemble(db, row).await?);
    }
    Ok(out)
}

/// Stops the provider from signing anyone in (its client's status); `None` if there is no
/// provider with this entity ID, else its client_id.
pub async fn disable(
    db: &Db,
    entity_id: &str,
    reason: &str,
    now: i64,
) -> Result<Option<String>, sqlx::Error> {
    set_status(db, entity_id, "disabled", Some(reason), now).await
}

/// Lets a disabled provider sign people in again; `None` if there is no such provider.
pub async fn enable(db: &Db, entity_id: &str, now: i64) -> Result<Option<String>, sqlx::Error> {
    set_status(db, entity_id, "active", None, now).await
}

async fn set_status(
    db: &Db,
    entity_id: &str,
    status: &str,
    reason: Option<&str>,
    now: i64,
) -> Result<Option<String>, sqlx::Error> {
    crate::transaction!(db, sqlx::Error, |tx| {
        // Nothing written yet when there is no such provider: the commit changes nothing.
        let Some(row) = saml_sps::find_saml_sp_by_entity_id_in_tx(tx, entity_id).await? else {
            return Ok(None);
        };
        clients::update_client_status(tx, &row.client_id, status, reason, now).await?;
        Ok(Some(row.client_id))
    })
}
