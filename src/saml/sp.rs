//! SAML service providers: registered by the operator from their metadata
//! ([`parse_sp_metadata`], [`register`]). Each is a row of `clients` with protocol `saml`, so
//! consent, the ledger, pairwise subjects (its sector is its entity ID) and environments work
//! as for any relying party, and OpenID Connect never accepts it (no redirect URIs, no keys,
//! looked up only through `find_oidc_client`); the SAML specifics live beside it.

mod metadata;

use std::collections::BTreeSet;

use rsa::RsaPublicKey;

pub use metadata::{MetadataError, RequestedAttribute, SpMetadata, parse_sp_metadata};

use super::{attributes, cert};
use crate::{
    clock::rfc3339,
    oidc::{authorize_request::ACR_VALUES, clients::new_client_id},
    store::{
        Db,
        clients::{self, ClientRow},
        saml_sps::{self, NewSamlSp, SamlEndpointRow},
    },
};

/// A registered service provider.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ServiceProvider {
    /// Its row in `clients`.
    pub client_id: String,
    pub entity_id: String,
    /// The name citizens see at consent.
    pub name: String,
    /// `active` or `disabled`.
    pub status: String,
    pub status_reason: Option<String>,
    /// `sandbox` or `production`.
    pub environment: String,
    /// HTTP-POST assertion consumer services, in metadata order.
    pub acs: Vec<Endpoint>,
    /// Single logout services (HTTP-Redirect or HTTP-POST), in metadata order.
    pub slo: Vec<Endpoint>,
    /// Its `AuthnRequest`s must be signed.
    pub authn_requests_signed: bool,
    /// Its assertions are encrypted to [`ServiceProvider::encryption_certificate`].
    pub encrypt_assertions: bool,
    /// Base64 DER certificates whose keys may sign its messages.
    pub signing_certificates: Vec<String>,
    /// Base64 DER.
    pub encryption_certificate: Option<String>,
    /// The attribute names its metadata requests.
    pub requested_attributes: Vec<String>,
    /// Those of them it marks `isRequired`.
    pub required_attributes: Vec<String>,
    /// The file or URL its metadata came from.
    pub metadata_source: String,
    pub created_at: i64,
    pub updated_at: i64,
}

/// An endpoint from metadata (saml-metadata §2.2.2–2.2.3).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Endpoint {
    pub location: String,
    /// The `index` of an assertion consumer service.
    pub index: Option<u16>,
    pub is_default: bool,
    pub binding: String,
    pub response_location: Option<String>,
}

impl ServiceProvider {
    /// The RSA keys of its signing certificates.
    pub fn signing_keys(&self) -> Result<Vec<RsaPublicKey>, cert::CertError> {
        self.signing_certificates
            .iter()
            .map(|c| cert::rsa_public_key(&cert::from_base64(c)?))
            .collect()
    }

    /// The RSA key of its encryption certificate, if it has one.
    pub fn encryption_key(&self) -> Result<Option<RsaPublicKey>, cert::CertError> {
        self.encryption_certificate
            .as_deref()
            .map(|c| cert::rsa_public_key(&cert::from_base64(c)?))
            .transpose()
    }
}

/// The operator's choices when adding a service provider.
#[derive(Clone, Debug, Default)]
pub struct RegisterOptions {
    /// The name citizens see; `None`: the metadata's display name.
    pub name: Option<String>,
    /// Why it asks for data, shown at consent; `None`: the metadata's description.
    pub purpose: Option<String>,
    /// The lowest assurance (`urn:civitas:loa:…`) every sign-in for it needs.
    pub min_assurance: Option<String>,
    /// Signs in test persons only.
    pub sandbox: bool,
    /// Encrypt its assertions (needs an encryption certificate).
    pub encrypt: bool,
    /// Update the provider with the same entity ID instead of refusing the duplicate.
    pub replace: bool,
    /// The file or URL the metadata came from, kept for the record.
    pub source: String,
}

/// A registered (or updated) service provider.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Registered {
    pub client_id: String,
    /// An existing provider was updated in place.
    pub replaced: bool,
    pub scopes: BTreeSet<String>,
    pub optional_scopes: BTreeSet<String>,
    /// What was ignored or deserves a look, for the operator.
    pub warnings: Vec<String>,
}

/// Why a registration was refused.
#[derive(Debug, thiserror::Error)]
pub enum RegisterError {
    #[error("{0}")]
    Invalid(String),
    #[error(transparent)]
    Db(#[from] sqlx::Error),
}

impl crate::store::Retry for RegisterError {
    fn is_conflict(&self) -> bool {
        matches!(self, RegisterError::Db(e) if crate::store::is_conflict(e))
    }
}

fn invalid(text: impl Into<String>) -> RegisterError {
    RegisterError::Invalid(text.into())
}

/// What the operator gave, else what the metadata says: trimmed, at most `max` characters.
fn text(
    flag: &str,
    given: Option<&str>,
    from_metadata: Option<&str>,
    missing: &str,
    max: usize,
) -> Result<String, RegisterError> {
    let v = given.or(from_metadata).map(str::trim).unwrap_or("");
    if v.is_empty() {
        return Err(invalid(format!("{flag} is needed: {missing}")));
    }
    if v.chars().count() > max || v.chars().any(char::is_control) {
        return Err(invalid(format!(
            "{flag} must be at most {max} characters, without control characters"
        )));
    }
    Ok(v.to_owned())
}

/// Registers the provider `meta` describes, or with [`RegisterOptions::replace`] updates the
/// one with its entity ID (keeping its `client_id`, so its persons' NameIDs stay), in one
/// transaction. Requested attributes become scopes through `saml::attributes`: required
/// attributes' scopes are required at consent, the others optional.
pub async fn register(
    db: &Db,
    meta: &SpMetadata,
    opts: &RegisterOptions,
    now: i64,
) -> Result<Registered, RegisterError> {
    let name = text(
        "--name",
        opts.name.as_deref(),
        meta.display_name.as_deref(),
        "the metadata has no mdui:DisplayName or md:OrganizationDisplayName",
        100,
    )?;
    let purpose = text(
        "--purpose",
        opts.purpose.as_deref(),
        meta.description.as_deref(),
        "the metadata has no mdui:Description to show citizens why the service asks for data",
        500,
    )?;
    if let Some(acr) = &opts.min_assurance
        && !ACR_VALUES.contains(&acr.as_str())
    {
        return Err(invalid(format!(
            "the minimum assurance must be one of {}",
            ACR_VALUES.join(", ")
        )));
    }
    if opts.encrypt && meta.encryption_certificate.is_none() {
        return Err(invalid(
            "--encrypt needs an encryption certificate: the metadata has no md:KeyDescriptor with use=\"encryption\" (or without use)",
        ));
    }
    if let Some(until) = meta.valid_until
        && until <= now
    {
        return Err(invalid(format!(
            "the metadata expired at {} (validUntil): ask the service for current metadata",
            rfc3339(until)
        )));
    }
    let mut warnings = meta.warnings.clone();
    warnings.extend(certificate_warnings(meta, now));

    let mut required = BTreeSet::new();
    let mut optional = BTreeSet::new();
    for a in &meta.requested_attributes {
        match attributes::scope_of(&a.name) {
            Some(scope) if a.required => {
                required.insert(scope.to_owned());
            }
            Some(scope) => {
                optional.insert(scope.to_owned());
            }
            None => warnings.push(format!(
                "the requested attribute {} is not one Civitas releases; it is left out",
                a.name
            )),
        }
    }
    if meta.requested_attributes.is_empty() {
        warnings.push(
            "the metadata requests no attributes: assertions carry the pairwise NameID only"
                .to_owned(),
        );
    }
    let optional_scopes: BTreeSet<String> = optional.difference(&required).cloned().collect();
    let mut scopes: BTreeSet<String> = required.union(&optional).cloned().collect();
    scopes.insert("openid".to_owned());

    let (client_id, replaced) = crate::transaction!(db, RegisterError, |tx| {
        let existing = saml_sps::find_saml_sp_by_entity_id_in_tx(tx, &meta.entity_id).await?;
        let (client_id, replaced) = match existing {
            Some(row) if !opts.replace => {
                return Err(invalid(format!(
                    "{} is already registered (client_id {}): add --replace to update it from this metadata (its client_id and NameIDs stay)",
                    meta.entity_id, row.client_id
                )));
            }
            Some(row) => (row.client_id, true),
            None => (format!("saml-{}", new_client_id()), false),
        };
        let join = |set: &BTreeSet<String>| set.iter().cloned().collect::<Vec<_>>().join(" ");
        let environment = if opts.sandbox {
            clients::SANDBOX
        } else {
            clients::PRODUCTION
        };
        let row = ClientRow {
            id: client_id.clone(),
            display_name: name.clone(),
            purpose: purpose.clone(),
            logo_uri: None,
            application_type: "web".to_owned(),
            // No key can ever satisfy an empty key set, and OpenID Connect never looks this
            // client up anyway: the row only satisfies the table's checks.
            auth_method: "private_key_jwt".to_owned(),
            secret_hash: None,
            jwks: Some(r#"{"keys":[]}"#.to_owned()),
            jwks_uri: None,
            id_token_alg: "RS256".to_owned(),
            scopes: join(&scopes),
            // Pairwise NameIDs differ per provider.
            sector_id: meta.entity_id.clone(),
            status: "active".to_owned(),
            status_reason: None,
            created_at: now,
            updated_at: now,
            min_acr: opts.min_assurance.clone(),
            optional_scopes: join(&optional_scopes),
            logo_type: None,
            grant_types: String::new(),
            environment: environment.to_owned(),
            organisation_id: None,
            sandbox_client_id: None,
            previous_secret_hash: None,
            previous_secret_expires_at: None,
            secret_changed_at: None,
            protocol: clients::SAML.to_owned(),
            options: Default::default(),
        };
        let signing = serde_json::to_string(&meta.signing_certificates)
            .map_err(|e| invalid(format!("certificates: {e}")))?;
        let requested = serde_json::to_string(&meta.requested_attributes)
            .map_err(|e| invalid(format!("requested attributes: {e}")))?;
        let sp = NewSamlSp {
            client_id: &client_id,
            entity_id: &meta.entity_id,
            authn_requests_signed: meta.authn_requests_signed,
            encrypt_assertions: opts.encrypt,
            signing_certificates: &signing,
            encryption_certificate: meta.encryption_certificate.as_deref(),
            requested_attributes: &requested,
            metadata_source: &opts.source,
        };
        if replaced {
            // Status (a disabled provider stays disabled), sector and creation time stay.
            clients::update_client_metadata(tx, &row).await?;
            clients::update_client_environment(tx, &client_id, environment, now).await?;
            saml_sps::update_saml_sp(tx, &sp, now).await?;
            saml_sps::delete_saml_endpoints(tx, &client_id).await?;
        } else {
            clients::insert_client(tx, &row).await?;
            saml_sps::insert_saml_sp(tx, &sp, now).await?;
        }
        for (kind, list) in [("acs", &meta.acs), ("slo", &meta.slo)] {
            for (seq, e) in list.iter().enumerate() {
                let endpoint = SamlEndpointRow {
                    kind: kind.to_owned(),
                    seq: seq as i64,
                    location: e.location.clone(),
                    binding: e.binding.clone(),
                    idx: e.index.map(i64::from),
                    is_default: e.is_default,
                    response_location: e.response_location.clone(),
                };
                saml_sps::insert_saml_endpoint(tx, &client_id, &endpoint).await?;
            }
        }
        Ok((client_id, replaced))
    })?;
    Ok(Registered {
        client_id,
        replaced,
        scopes,
        optional_scopes,
        warnings,
    })
}

/// How long before a certificate's expiry the operator is warned.
const EXPIRY_WARNING: i64 = 30 * 86400;

/// Certificates that expired or expire soon. Not refused: SAML metadata uses certificates
/// as key containers, and the service decides when it rolls its keys over.
fn certificate_warnings(meta: &SpMetadata, now: i64) -> Vec<String> {
    let all = meta
        .signing_certificates
        .iter()
        .map(|c| ("signing", c))
        .chain(
            meta.encryption_certificate
                .iter()
                .map(|c| ("encryption", c)),
        );
    let mut out = Vec::new();
    for (usage, b64) in all {
        let Ok(der) = cert::from_base64(b64) else {
            continue;
        };
        let Ok(after) = cert::not_after(&der) else {
            continue;
        };
        let fingerprint = cert::fingerprint_sha256(&der);
        if after <= now {
            out.push(format!(
                "the {usage} certificate {fingerprint} expired at {}; it is still used, but ask the service to roll it over",
                rfc3339(after)
            ));
        } else if after - now < EXPIRY_WARNING {
            out.push(format!(
                "the {usage} certificate {fingerprint} expires at {}",
                rfc3339(after)
            ));
        }
    }
    out
}
