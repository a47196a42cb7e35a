//! `saml_service_providers` and `saml_endpoints`: SAML service providers, each beside its
//! row of `clients` (protocol `saml`).

use super::{Db, Tx};
use crate::{on_db, on_tx};

/// A row of `saml_service_providers` with its client's name, status and environment.
#[derive(Clone, Debug, PartialEq, Eq, sqlx::FromRow)]
pub struct SamlSpRow {
    pub client_id: String,
    pub entity_id: String,
    pub authn_requests_signed: bool,
    pub encrypt_assertions: bool,
    /// JSON array of base64 DER certificates.
    pub signing_certificates: String,
    /// Base64 DER.
    pub encryption_certificate: Option<String>,
    /// JSON array of `{"name", "required"}`.
    pub requested_attributes: String,
    pub metadata_source: String,
    pub created_at: i64,
    pub updated_at: i64,
    /// From `clients`.
    pub display_name: String,
    pub status: String,
    pub status_reason: Option<String>,
    pub environment: String,
}

/// A row of `saml_endpoints`.
#[derive(Clone, Debug, PartialEq, Eq, sqlx::FromRow)]
pub struct SamlEndpointRow {
    /// `acs` or `slo`.
    pub kind: String,
    pub seq: i64,
    pub location: String,
    pub binding: String,
    pub idx: Option<i64>,
    pub is_default: bool,
    pub response_location: Option<String>,
}

/// The columns of `saml_service_providers` a registration writes.
#[derive(Clone, Debug)]
pub struct NewSamlSp<'a> {
    pub client_id: &'a str,
    pub entity_id: &'a str,
    pub authn_requests_signed: bool,
    pub encrypt_assertions: bool,
    pub signing_certificates: &'a str,
    pub encryption_certificate: Option<&'a str>,
    pub requested_attributes: &'a str,
    pub metadata_source: &'a str,
}

const SELECT: &str = "SELECT s.client_id, s.entity_id, s.authn_requests_signed, \
     s.encrypt_assertions, s.signing_certificates, s.encryption_certificate, \
     s.requested_attributes, s.metadata_source, s.created_at, s.updated_at, c.display_name, \
     c.status, c.status_reason, c.environment \
     FROM saml_service_providers s JOIN clients c ON c.id = s.client_id";

pub async fn insert_saml_sp(tx: &mut Tx, sp: &NewSamlSp<'_>, now: i64) -> Result<(), sqlx::Error> {
    on_tx!(tx, |c| sqlx::query(
        "INSERT INTO saml_service_providers (client_id, entity_id, authn_requests_signed, \
         encrypt_assertions, signing_certificates, encryption_certificate, requested_attributes, \
         metadata_source, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $9)"
    )
    .bind(sp.client_id)
    .bind(sp.entity_id)
    .bind(sp.authn_requests_signed)
    .bind(sp.encrypt_assertions)
    .bind(sp.signing_certificates)
    .bind(sp.encryption_certificate)
    .bind(sp.requested_attributes)
    .bind(sp.metadata_source)
    .bind(now)
    .execute(c)
    .await
    .map(drop))
}

/// Replaces what the metadata says of a provider (its entity ID and client stay).
pub async fn update_saml_sp(
    tx: &mut Tx,
    sp: &NewSamlSp<'_>,
    now: i64,
) -> Result<bool, sqlx::Error> {
    on_tx!(tx, |c| sqlx::query(
        "UPDATE saml_service_providers SET authn_requests_signed = $2, encrypt_assertions = $3, \
         signing_certificates = $4, encryption_certificate = $5, requested_attributes = $6, \
         metadata_source = $7, updated_at = $8 WHERE client_id = $1 AND entity_id = $9"
    )
    .bind(sp.client_id)
    .bind(sp.authn_requests_signed)
    .bind(sp.encrypt_assertions)
    .bind(sp.signing_certificates)
    .bind(sp.encryption_certificate)
    .bind(sp.requested_attributes)
    .bind(sp.metadata_source)
    .bind(now)
    .bind(sp.entity_id)
    .execute(c)
    .await
    .map(|r| r.rows_affected() == 1))
}

pub async fn insert_saml_endpoint(
    tx: &mut Tx,
    client_id: &str,
    e: &SamlEndpointRow,
) -> Result<(), sqlx::Error> {
    on_tx!(tx, |c| sqlx::query(
        "INSERT INTO saml_endpoints (client_id, kind, seq, location, binding, idx, is_default, \
         response_location) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)"
    )
    .bind(client_id)
    .bind(&e.kind)
    .bind(e.seq)
    .bind(&e.location)
    .bind(&e.binding)
    .bind(e.idx)
    .bind(e.is_default)
    .bind(&e.response_location)
    .execute(c)
    .await
    .map(drop))
}

pub async fn delete_saml_endpoints(tx: &mut Tx, client_id: &str) -> Result<(), sqlx::Error> {
    on_tx!(tx, |c| sqlx::query(
        "DELETE FROM saml_endpoints WHERE client_id = $1"
    )
    .bind(client_id)
    .execute(c)
    .await
    .map(drop))
}

pub async fn find_saml_sp_by_entity_id(
    db: &Db,
    entity_id: &str,
) -> Result<Option<SamlSpRow>, sqlx::Error> {
    let sql = format!("{SELECT} WHERE s.entity_id = $1");
    on_db!(db, |p| sqlx::query_as(sqlx::AssertSqlSafe(sql))
        .bind(entity_id)
        .fetch_optional(p)
        .await)
}

/// [`find_saml_sp_by_entity_id`] inside a registration's transaction.
pub async fn find_saml_sp_by_entity_id_in_tx(
    tx: &mut Tx,
    entity_id: &str,
) -> Result<Option<SamlSpRow>, sqlx::Error> {
    let sql = format!("{SELECT} WHERE s.entity_id = $1");
    on_tx!(tx, |c| sqlx::query_as(sqlx::AssertSqlSafe(sql))
        .bind(entity_id)
        .fetch_optional(c)
        .await)
}

pub async fn find_saml_sp_by_client_id(
    db: &Db,
    client_id: &str,
) -> Result<Option<SamlSpRow>, sqlx::Error> {
    let sql = format!("{SELECT} WHERE s.client_id = $1");
    on_db!(db, |p| sqlx::query_as(sqlx::AssertSqlSafe(sql))
        .bind(client_id)
        .fetch_optional(p)
        .await)
}

/// Every service provider, by entity ID.
pub async fn find_saml_sps(db: &Db) -> Result<Vec<SamlSpRow>, sqlx::Error> {
    let sql = format!("{SELECT} ORDER BY s.entity_id");
    on_db!(db, |p| sqlx::query_as(sqlx::AssertSqlSafe(sql))
        .fetch_all(p)
        .await)
}

/// A provider's endpoints, by kind and metadata order.
pub async fn find_saml_endpoints(
    db: &Db,
    client_id: &str,
) -> Result<Vec<SamlEndpointRow>, sqlx::Error> {
    on_db!(db, |p| sqlx::query_as(
        "SELECT kind, seq, location, binding, idx, is_default, response_location \
         FROM saml_endpoints WHERE client_id = $1 ORDER BY kind, seq"
    )
    .bind(client_id)
    .fetch_all(p)
    .await)
}
