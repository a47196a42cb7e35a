//! `clients` and `client_redirect_uris`: registered relying parties.

use sqlx::AssertSqlSafe;

use super::{Db, Tx};
use crate::{on_db, on_tx};

/// A row of `clients`.
#[derive(Clone, Debug, PartialEq, Eq, sqlx::FromRow)]
pub struct ClientRow {
    pub id: String,
    pub display_name: String,
    pub purpose: String,
    pub logo_uri: Option<String>,
    pub application_type: String,
    pub auth_method: String,
    /// A hash, not the secret; still kept out of logs by convention.
    pub secret_hash: Option<String>,
    pub jwks: Option<String>,
    pub jwks_uri: Option<String>,
    pub id_token_alg: String,
    pub scopes: String,
    pub sector_id: String,
    pub status: String,
    pub status_reason: Option<String>,
    pub created_at: i64,
    pub updated_at: i64,
    /// The registered minimum assurance (`urn:civitas:loa:…`), if any.
    pub min_acr: Option<String>,
    /// Scopes the citizen may leave out at consent, space-separated.
    pub optional_scopes: String,
    /// The media type of the operator-set logo, when there is one.
    pub logo_type: Option<String>,
    /// RFC 7591 `grant_types` as registered, space-separated.
    pub grant_types: String,
    /// `sandbox` (signs in test persons only) or `production` (real persons only).
    pub environment: String,
    /// The portal organisation that owns the client, if it came from the portal.
    pub organisation_id: Option<String>,
    /// For a production client: the sandbox client it was reviewed from.
    pub sandbox_client_id: Option<String>,
    /// The secret before the last rotation, valid until `previous_secret_expires_at`.
    pub previous_secret_hash: Option<String>,
    pub previous_secret_expires_at: Option<i64>,
    /// When the secret was last replaced; `None`: never since registration.
    pub secret_changed_at: Option<i64>,
    /// `oidc` (an OpenID Connect client) or `saml` (a SAML service provider, see
    /// `saml::sp`): OpenID Connect never accepts a `saml` client.
    pub protocol: String,
    /// FAPI 2.0, encrypted responses and back-channel logout.
    #[sqlx(flatten)]
    pub options: ClientOptions,
}

/// OpenID Connect options beyond the basics, checked by `oidc::clients::validate`.
#[derive(Clone, Debug, PartialEq, Eq, sqlx::FromRow)]
pub struct ClientOptions {
    /// [`FAPI2`]: the FAPI 2.0 Security Profile applies; [`STANDARD`] otherwise.
    pub profile: String,
    /// RFC 9126 §6: authorization requests only through the PAR endpoint.
    pub require_par: bool,
    /// RFC 9449 §5.2 `dpop_bound_access_tokens`: every token request carries a DPoP proof.
    pub dpop_bound: bool,
    /// OIDC Registration §2 `id_token_encrypted_response_alg` / `_enc`.
    pub id_token_enc_alg: Option<String>,
    pub id_token_enc_enc: Option<String>,
    /// `userinfo_signed_response_alg`: userinfo answers as a signed JWT.
    pub userinfo_signed_alg: Option<String>,
    /// `userinfo_encrypted_response_alg` / `_enc`.
    pub userinfo_enc_alg: Option<String>,
    pub userinfo_enc_enc: Option<String>,
    /// Back-Channel Logout 1.0 §2.2.
    pub backchannel_logout_uri: Option<String>,
    pub backchannel_logout_session_required: bool,
}

impl Default for ClientOptions {
    fn default() -> Self {
        Self {
            profile: STANDARD.to_owned(),
            require_par: false,
            dpop_bound: false,
            id_token_enc_alg: None,
            id_token_enc_enc: None,
            userinfo_signed_alg: None,
            userinfo_enc_alg: None,
            userinfo_enc_enc: None,
            backchannel_logout_uri: None,
            backchannel_logout_session_required: false,
        }
    }
}

/// The profile of clients under the FAPI 2.0 Security Profile.
pub const FAPI2: &str = "fapi2";
/// The profile of every other client.
pub const STANDARD: &str = "standard";

impl ClientRow {
    /// Whether the client registered the `refresh_token` grant.
    pub fn has_refresh_grant(&self) -> bool {
        self.grant_types.split(' ').any(|g| g == "refresh_token")
    }

    /// Whether the client signs in test persons only.
    pub fn is_sandbox(&self) -> bool {
        self.environment == SANDBOX
    }

    /// The secret hashes that authenticate the client at `now`: the current one, and the
    /// previous one during a rotation's overlap.
    pub fn secret_hashes(&self, now: i64) -> impl Iterator<Item = &str> {
        let previous = self
            .previous_secret_hash
            .as_deref()
            .filter(|_| self.previous_secret_expires_at.is_some_and(|t| now < t));
        self.secret_hash.as_deref().into_iter().chain(previous)
    }

    /// Whether the FAPI 2.0 Security Profile applies to the client.
    pub fn is_fapi(&self) -> bool {
        self.options.profile == FAPI2
    }

    /// Whether this is an OpenID Connect client (not a SAML service provider).
    pub fn is_oidc(&self) -> bool {
        self.protocol == OIDC
    }

    /// Whether the client's secret was never shown to anyone: a production client the
    /// console's approval registered for a portal organisation, whose owners have not yet
    /// created the secret they use.
    pub fn has_unseen_secret(&self) -> bool {
        self.secret_hash.is_some()
            && !self.is_sandbox()
            && self.organisation_id.is_some()
            && self.secret_changed_at.is_none()
    }
}

/// The environment of clients that sign in test persons only.
pub const SANDBOX: &str = "sandbox";
/// The environment of clients that sign in real persons only.
pub const PRODUCTION: &str = "production";
/// The protocol of OpenID Connect clients.
pub const OIDC: &str = "oidc";
/// The protocol of SAML service providers.
pub const SAML: &str = "saml";

const COLUMNS: &str = "id, display_name, purpose, logo_uri, application_type, auth_method, \
     secret_hash, jwks, jwks_uri, id_token_alg, scopes, sector_id, status, status_reason, \
     created_at, updated_at, min_acr, optional_scopes, logo_type, grant_types, environment, \
     organisation_id, sandbox_client_id, previous_secret_hash, previous_secret_expires_at, \
     secret_changed_at, protocol, profile, require_par, dpop_bound, id_token_enc_alg, \
     id_token_enc_enc, userinfo_signed_alg, userinfo_enc_alg, userinfo_enc_enc, \
     backchannel_logout_uri, backchannel_logout_session_required";

pub async fn insert_client(tx: &mut Tx, row: &ClientRow) -> Result<(), sqlx::Error> {
    let sql = format!(
        "INSERT INTO clients ({COLUMNS}) VALUES \
         ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, \
         $21, $22, $23, $24, $25, $26, $27, $28, $29, $30, $31, $32, $33, $34, $35, $36, $37)"
    );
    on_tx!(tx, |c| sqlx::query(AssertSqlSafe(sql))
        .bind(&row.id)
        .bind(&row.display_name)
        .bind(&row.purpose)
        .bind(&row.logo_uri)
        .bind(&row.application_type)
        .bind(&row.auth_method)
        .bind(&row.secret_hash)
        .bind(&row.jwks)
        .bind(&row.jwks_uri)
        .bind(&row.id_token_alg)
        .bind(&row.scopes)
        .bind(&row.sector_id)
        .bind(&row.status)
        .bind(&row.status_reason)
        .bind(row.created_at)
        .bind(row.updated_at)
        .bind(&row.min_acr)
        .bind(&row.optional_scopes)
        .bind(&row.logo_type)
        .bind(&row.grant_types)
        .bind(&row.environment)
        .bind(&row.organisation_id)
        .bind(&row.sandbox_client_id)
        .bind(&row.previous_secret_hash)
        .bind(row.previous_secret_expires_at)
        .bind(row.secret_changed_at)
        .bind(&row.protocol)
        .bind(&row.options.profile)
        .bind(row.options.require_par)
        .bind(row.options.dpop_bound)
        .bind(&row.options.id_token_enc_alg)
        .bind(&row.options.id_token_enc_enc)
        .bind(&row.options.userinfo_signed_alg)
        .bind(&row.options.userinfo_enc_alg)
        .bind(&row.options.userinfo_enc_enc)
        .bind(&row.options.backchannel_logout_uri)
        .bind(row.options.backchannel_logout_session_required)
        .execute(c)
        .await
        .map(drop))
}

/// Sets (or, with `None`, removes) a client's logo: image bytes and media type.
pub async fn update_client_logo(
    db: &Db,
    client_id: &str,
    logo: Option<(&[u8], &str)>,
) -> Result<bool, sqlx::Error> {
    let (bytes, media_type) = match logo {
        Some((b, t)) => (Some(b.to_vec()), Some(t.to_owned())),
        None => (None, None),
    };
    on_db!(db, |p| sqlx::query(
        "UPDATE clients SET logo = $2, logo_type = $3 WHERE id = $1"
    )
    .bind(client_id)
    .bind(bytes)
    .bind(media_type)
    .execute(p)
    .await
    .map(|r| r.rows_affected() == 1))
}

/// A client's logo: bytes and media type.
pub async fn find_client_logo(
    db: &Db,
    client_id: &str,
) -> Result<Option<(Vec<u8>, String)>, sqlx::Error> {
    on_db!(db, |p| {
        sqlx::query_as(
        "SELECT logo, logo_type FROM clients WHERE id = $1 AND logo IS NOT NULL          AND logo_type IS NOT NULL"
    )
    .bind(client_id)
    .fetch_optional(p)
    .await
    })
}

pub async fn insert_client_redirect_uri(
    tx: &mut Tx,
    client_id: &str,
    purpose: &str,
    uri: &str,
) -> Result<(), sqlx::Error> {
    on_tx!(tx, |c| sqlx::query(
        "INSERT INTO client_redirect_uris (client_id, purpose, uri) VALUES ($1, $2, $3)"
    )
    .bind(client_id)
    .bind(purpose)
    .bind(uri)
    .execute(c)
    .await
    .map(drop))
}

pub async fn find_client(db: &Db, id: &str) -> Result<Option<ClientRow>, sqlx::Error> {
    let sql = format!("SELECT {COLUMNS} FROM clients WHERE id = $1");
    on_db!(db, |p| sqlx::query_as(AssertSqlSafe(sql))
        .bind(id)
        .fetch_optional(p)
        .await)
}

/// An OpenID Connect client by id: a SAML service provider's client row is no OAuth client,
/// so every OpenID Connect endpoint looks clients up here and finds none for it.
pub async fn find_oidc_client(db: &Db, id: &str) -> Result<Option<ClientRow>, sqlx::Error> {
    let sql = format!("SELECT {COLUMNS} FROM clients WHERE id = $1 AND protocol = 'oidc'");
    on_db!(db, |p| sqlx::query_as(AssertSqlSafe(sql))
        .bind(id)
        .fetch_optional(p)
        .await)
}

pub async fn find_client_in_tx(tx: &mut Tx, id: &str) -> Result<Option<ClientRow>, sqlx::Error> {
    let sql = format!("SELECT {COLUMNS} FROM clients WHERE id = $1");
    on_tx!(tx, |c| sqlx::query_as(AssertSqlSafe(sql))
        .bind(id)
        .fetch_optional(c)
        .await)
}

/// Sets a client's environment (`sandbox` or `production`).
pub async fn update_client_environment(
    tx: &mut Tx,
    id: &str,
    environment: &str,
    now: i64,
) -> Result<(), sqlx::Error> {
    on_tx!(tx, |c| sqlx::query(
        "UPDATE clients SET environment = $1, updated_at = $2 WHERE id = $3 AND environment <> $1"
    )
    .bind(environment)
    .bind(now)
    .bind(id)
    .execute(c)
    .await
    .map(drop))
}

pub async fn find_clients(db: &Db) -> Result<Vec<ClientRow>, sqlx::Error> {
    let sql = format!("SELECT {COLUMNS} FROM clients ORDER BY created_at, id");
    on_db!(db, |p| sqlx::query_as(AssertSqlSafe(sql))
        .fetch_all(p)
        .await)
}

/// The client's URIs for `purpose` (`login` or `logout`), in registration order.
pub async fn find_client_redirect_uris(
    db: &Db,
    client_id: &str,
    purpose: &str,
) -> Result<Vec<String>, sqlx::Error> {
    on_db!(db, |p| sqlx::query_scalar(
        "SELECT uri FROM client_redirect_uris WHERE client_id = $1 AND purpose = $2 ORDER BY uri"
    )
    .bind(client_id)
    .bind(purpose)
    .fetch_all(p)
    .await)
}

/// Clients whose name or client id contains `text` (any case), by name, at most `limit`.
pub async fn find_clients_matching(
    db: &Db,
    text: &str,
    limit: i64,
) -> Result<Vec<ClientRow>, sqlx::Error> {
    let escaped = text
        .to_lowercase()
        .replace('\\', "\\\\")
        .replace('%', "\\%")
        .replace('_', "\\_");
    let sql = format!(
        "SELECT {COLUMNS} FROM clients \
         WHERE LOWER(display_name) LIKE $1 ESCAPE '\\' OR LOWER(id) LIKE $1 ESCAPE '\\' \
         ORDER BY LOWER(display_name), id LIMIT $2"
    );
    on_db!(db, |p| sqlx::query_as(AssertSqlSafe(sql))
        .bind(format!("%{escaped}%"))
        .bind(limit)
        .fetch_all(p)
        .await)
}

/// Sets a client's status (`active` or `disabled`) with a reason; false if there is no such client.
pub async fn update_client_status(
    tx: &mut Tx,
    id: &str,
    status: &str,
    reason: Option<&str>,
    now: i64,
) -> Result<bool, sqlx::Error> {
    on_tx!(tx, |c| sqlx::query(
        "UPDATE clients SET status = $1, status_reason = $2, updated_at = $3 WHERE id = $4"
    )
    .bind(status)
    .bind(reason)
    .bind(now)
    .bind(id)
    .execute(c)
    .await
    .map(|r| r.rows_affected() == 1))
}

/// Replaces a client's scopes (space-separated); false if there is no such client.
pub async fn update_client_scopes(
    tx: &mut Tx,
    id: &str,
    scopes: &str,
    now: i64,
) -> Result<bool, sqlx::Error> {
    on_tx!(tx, |c| sqlx::query(
        "UPDATE clients SET scopes = $1, updated_at = $2 WHERE id = $3"
    )
    .bind(scopes)
    .bind(now)
    .bind(id)
    .execute(c)
    .await
    .map(|r| r.rows_affected() == 1))
}

/// Records an operator-issued initial access token (hashed).
pub async fn insert_initial_access_token(
    db: &Db,
    token_hash: &str,
    note: &str,
    now: i64,
    expires_at: i64,
) -> Result<(), sqlx::Error> {
    on_db!(db, |p| {
        sqlx::query(
        "INSERT INTO initial_access_tokens (token_hash, note, created_at, expires_at) VALUES ($1, $2, $3, $4)"
    )
    .bind(token_hash)
    .bind(note)
    .bind(now)
    .bind(expires_at)
    .execute(p)
    .await
    .map(drop)
    })
}

/// Spends an initial access token for `client_id`, once; false if it is unknown, used or expired.
pub async fn update_initial_access_token_used(
    tx: &mut Tx,
    token_hash: &str,
    client_id: &str,
    now: i64,
) -> Result<bool, sqlx::Error> {
    on_tx!(tx, |c| sqlx::query(
        "UPDATE initial_access_tokens SET used_at = $1, client_id = $2 \
         WHERE token_hash = $3 AND used_at IS NULL AND expires_at > $1"
    )
    .bind(now)
    .bind(client_id)
    .bind(token_hash)
    .execute(c)
    .await
    .map(|r| r.rows_affected() == 1))
}

/// The hash of a client's registration access token.
pub async fn find_registration_token_hash(
    db: &Db,
    client_id: &str,
) -> Result<Option<String>, sqlx::Error> {
    on_db!(db, |p| sqlx::query_scalar(
        "SELECT registration_token_hash FROM clients WHERE id = $1"
    )
    .bind(client_id)
    .fetch_optional(p)
    .await
    .map(Option::flatten))
}

pub async fn update_registration_token_hash(
    tx: &mut Tx,
    client_id: &str,
    hash: &str,
) -> Result<(), sqlx::Error> {
    on_tx!(tx, |c| sqlx::query(
        "UPDATE clients SET registration_token_hash = $1 WHERE id = $2"
    )
    .bind(hash)
    .bind(client_id)
    .execute(c)
    .await
    .map(drop))
}

/// Replaces a client's metadata (RFC 7592 update); the secret, status and sector stay.
pub async fn update_client_metadata(tx: &mut Tx, row: &ClientRow) -> Result<(), sqlx::Error> {
    on_tx!(tx, |c| {
        sqlx::query(
        "UPDATE clients SET display_name = $1, purpose = $2, logo_uri = $3, application_type = $4, \
         jwks = $5, jwks_uri = $6, id_token_alg = $7, scopes = $8, updated_at = $9, \
         min_acr = $11, optional_scopes = $12, grant_types = $13, profile = $14, \
         require_par = $15, dpop_bound = $16, id_token_enc_alg = $17, id_token_enc_enc = $18, \
         userinfo_signed_alg = $19, userinfo_enc_alg = $20, userinfo_enc_enc = $21, \
         backchannel_logout_uri = $22, backchannel_logout_session_required = $23 WHERE id = $10"
    )
    .bind(&row.display_name)
    .bind(&row.purpose)
    .bind(&row.logo_uri)
    .bind(&row.application_type)
    .bind(&row.jwks)
    .bind(&row.jwks_uri)
    .bind(&row.id_token_alg)
    .bind(&row.scopes)
    .bind(row.updated_at)
    .bind(&row.id)
    .bind(&row.min_acr)
    .bind(&row.optional_scopes)
    .bind(&row.grant_types)
    .bind(&row.options.profile)
    .bind(row.options.require_par)
    .bind(row.options.dpop_bound)
    .bind(&row.options.id_token_enc_alg)
    .bind(&row.options.id_token_enc_enc)
    .bind(&row.options.userinfo_signed_alg)
    .bind(&row.options.userinfo_enc_alg)
    .bind(&row.options.userinfo_enc_enc)
    .bind(&row.options.backchannel_logout_uri)
    .bind(row.options.backchannel_logout_session_required)
    .execute(c)
    .await
    .map(drop)
    })
}

pub async fn delete_client_redirect_uris(tx: &mut Tx, client_id: &str) -> Result<(), sqlx::Error> {
    on_tx!(tx, |c| sqlx::query(
        "DELETE FROM client_redirect_uris WHERE client_id = $1"
    )
    .bind(client_id)
    .execute(c)
    .await
    .map(drop))
}

/// Deletes a client; its codes, grants, tokens and consents go with it.
pub async fn delete_client(db: &Db, client_id: &str) -> Result<bool, sqlx::Error> {
    on_db!(db, |p| sqlx::query("DELETE FROM clients WHERE id = $1")
        .bind(client_id)
        .execute(p)
        .await
        .map(|r| r.rows_affected() == 1))
}

/// Replaces a client's secret hash.
pub async fn update_client_secret_hash(
    db: &Db,
    client_id: &str,
    hash: &str,
    now: i64,
) -> Result<bool, sqlx::Error> {
    on_db!(db, |p| sqlx::query(
        "UPDATE clients SET secret_hash = $1, updated_at = $2, secret_changed_at = $2 WHERE id = $3"
    )
    .bind(hash)
    .bind(now)
    .bind(client_id)
    .execute(p)
    .await
    .map(|r| r.rows_affected() == 1))
}

/// Rotates a client's secret: `hash` becomes the secret, the current one stays valid until
/// `previous_until` (`now` or earlier: not at all). False if there is no such client.
pub async fn update_client_secret_rotated(
    tx: &mut Tx,
    client_id: &str,
    hash: &str,
    previous_until: i64,
    now: i64,
) -> Result<bool, sqlx::Error> {
    on_tx!(tx, |c| sqlx::query(
        "UPDATE clients SET previous_secret_hash = CASE WHEN $2 > $3 THEN secret_hash END, \
         previous_secret_expires_at = CASE WHEN $2 > $3 THEN $2 END, \
         secret_hash = $1, updated_at = $3, secret_changed_at = $3 \
         WHERE id = $4 AND secret_hash IS NOT NULL"
    )
    .bind(hash)
    .bind(previous_until)
    .bind(now)
    .bind(client_id)
    .execute(c)
    .await
    .map(|r| r.rows_affected() == 1))
}

/// The clients of an organisation, newest first.
pub async fn find_clients_of_organisation(
    db: &Db,
    organisation_id: &str,
) -> Result<Vec<ClientRow>, sqlx::Error> {
    let sql = format!(
        "SELECT {COLUMNS} FROM clients WHERE organisation_id = $1 ORDER BY created_at DESC, id"
    );
    on_db!(db, |p| sqlx::query_as(AssertSqlSafe(sql))
        .bind(organisation_id)
        .fetch_all(p)
        .await)
}

/// The production client reviewed from `sandbox_client_id`, if one exists.
pub async fn find_production_client_of(
    db: &Db,
    sandbox_client_id: &str,
) -> Result<Option<ClientRow>, sqlx::Error> {
    let sql = format!(
        "SELECT {COLUMNS} FROM clients WHERE sandbox_client_id = $1 AND environment = 'production'"
    );
    on_db!(db, |p| sqlx::query_as(AssertSqlSafe(sql))
        .bind(sandbox_client_id)
        .fetch_optional(p)
        .await)
}

/// Updates a client's redirect URIs of `purpose` only (the portal's change to a production
/// client on already-approved hosts).
pub async fn replace_client_redirect_uris(
    tx: &mut Tx,
    client_id: &str,
    purpose: &str,
    uris: &[String],
    now: i64,
) -> Result<(), sqlx::Error> {
    on_tx!(tx, |c| sqlx::query(
        "DELETE FROM client_redirect_uris WHERE client_id = $1 AND purpose = $2"
    )
    .bind(client_id)
    .bind(purpose)
    .execute(&mut *c)
    .await
    .map(drop))?;
    for uri in uris {
        insert_client_redirect_uri(tx, client_id, purpose, uri).await?;
    }
    on_tx!(tx, |c| sqlx::query(
        "UPDATE clients SET updated_at = $1 WHERE id = $2"
    )
    .bind(now)
    .bind(client_id)
    .execute(c)
    .await
    .map(drop))
}

/// Replaces a private_key_jwt client's keys (inline JWKS or `jwks_uri`).
pub async fn update_client_keys(
    tx: &mut Tx,
    client_id: &str,
    jwks: Option<&str>,
    jwks_uri: Option<&str>,
    now: i64,
) -> Result<bool, sqlx::Error> {
    on_tx!(tx, |c| sqlx::query(
        "UPDATE clients SET jwks = $1, jwks_uri = $2, updated_at = $3 \
         WHERE id = $4 AND auth_method = 'private_key_jwt'"
    )
    .bind(jwks)
    .bind(jwks_uri)
    .bind(now)
    .bind(client_id)
    .execute(c)
    .await
    .map(|r| r.rows_affected() == 1))
}

/// Gives a client to a portal organisation.
pub async fn update_client_organisation(
    tx: &mut Tx,
    client_id: &str,
    organisation_id: &str,
) -> Result<(), sqlx::Error> {
    on_tx!(tx, |c| sqlx::query(
        "UPDATE clients SET organisation_id = $1 WHERE id = $2"
    )
    .bind(organisation_id)
    .bind(client_id)
    .execute(c)
    .await
    .map(drop))
}

/// Links a production client to the sandbox client it was reviewed from.
pub async fn update_client_sandbox_of(
    tx: &mut Tx,
    client_id: &str,
    sandbox_client_id: &str,
) -> Result<(), sqlx::Error> {
    on_tx!(tx, |c| sqlx::query(
        "UPDATE clients SET sandbox_client_id = $1 WHERE id = $2"
    )
    .bind(sandbox_client_id)
    .bind(client_id)
    .execute(c)
    .await
    .map(drop))
}
