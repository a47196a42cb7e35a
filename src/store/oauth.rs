//! The OAuth artefacts: consents, authorization codes, grants, tokens, seen client-assertion
//! ids and server secrets. Codes and tokens are looked up by their SHA-256 only.

use super::{Db, Tx};
use crate::{on_db, on_tx};

/// A consent on record.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct ConsentRow {
    pub scopes: String,
    pub granted_at: i64,
    pub expires_at: i64,
    /// Optional scopes the citizen left out: not asked about again while the consent lasts.
    pub declined_scopes: String,
    /// 1: "only this time". It lets that one request's tokens work, and answers no other
    /// request.
    pub once_only: i64,
}

impl ConsentRow {
    /// Whether it answers a new authorization request without asking the citizen.
    pub fn is_remembered(&self) -> bool {
        self.once_only == 0
    }
}

const CONSENT_SELECT: &str = "SELECT scopes, granted_at, expires_at, declined_scopes, once_only FROM consents \
     WHERE person_id = $1 AND client_id = $2 AND expires_at > $3";

pub async fn find_consent(
    db: &Db,
    person_id: &str,
    client_id: &str,
    now: i64,
) -> Result<Option<ConsentRow>, sqlx::Error> {
    on_db!(db, |p| sqlx::query_as(CONSENT_SELECT)
        .bind(person_id)
        .bind(client_id)
        .bind(now)
        .fetch_optional(p)
        .await)
}

/// What a consent records.
pub struct NewConsent<'a> {
    pub person_id: &'a str,
    pub client_id: &'a str,
    pub scopes: &'a str,
    pub declined_scopes: &'a str,
    pub granted_at: i64,
    pub expires_at: i64,
    /// See [`ConsentRow::once_only`].
    pub once_only: bool,
}

/// Records (or replaces) what a citizen agreed a client may receive.
pub async fn upsert_consent(db: &Db, c: &NewConsent<'_>) -> Result<(), sqlx::Error> {
    on_db!(db, |p| {
        sqlx::query(
        "INSERT INTO consents (person_id, client_id, scopes, granted_at, expires_at, declined_scopes, once_only) \
         VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (person_id, client_id) DO UPDATE SET \
         scopes = excluded.scopes, granted_at = excluded.granted_at, expires_at = excluded.expires_at, \
         declined_scopes = excluded.declined_scopes, once_only = excluded.once_only"
    )
    .bind(c.person_id)
    .bind(c.client_id)
    .bind(c.scopes)
    .bind(c.granted_at)
    .bind(c.expires_at)
    .bind(c.declined_scopes)
    .bind(i64::from(c.once_only))
    .execute(p)
    .await
    .map(drop)
    })
}

/// An authorization code as issued.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct CodeRow {
    pub code_hash: String,
    pub client_id: String,
    pub person_id: String,
    pub redirect_uri: String,
    pub code_challenge: String,
    pub nonce: Option<String>,
    pub scopes: String,
    pub claims: String,
    pub acr: String,
    pub amr: String,
    pub auth_time: i64,
    pub sid: String,
    pub created_at: i64,
    pub expires_at: i64,
    pub used_at: Option<i64>,
    pub grant_id: Option<String>,
    /// The DPoP key the code is bound to (PAR's `dpop_jkt`, RFC 9449 §10).
    pub dpop_jkt: Option<String>,
    /// The relying party's purpose for this sign-in, if it gave one.
    pub purpose: Option<String>,
}

const CODE_COLUMNS: &str = "code_hash, client_id, person_id, redirect_uri, code_challenge, \
     nonce, scopes, claims, acr, amr, auth_time, sid, created_at, expires_at, used_at, grant_id, \
     dpop_jkt, purpose";

/// Marks a code used, once: `None` if there is no such unused code.
pub async fn update_code_used(
    tx: &mut Tx,
    code_hash: &str,
    now: i64,
) -> Result<Option<CodeRow>, sqlx::Error> {
    let sql = format!(
        "UPDATE authorization_codes SET used_at = $1 WHERE code_hash = $2 AND used_at IS NULL \
         RETURNING {CODE_COLUMNS}"
    );
    on_tx!(tx, |c| sqlx::query_as(sqlx::AssertSqlSafe(sql))
        .bind(now)
        .bind(code_hash)
        .fetch_optional(c)
        .await)
}

/// A code, used or not.
pub async fn find_code(db: &Db, code_hash: &str) -> Result<Option<CodeRow>, sqlx::Error> {
    let sql = format!("SELECT {CODE_COLUMNS} FROM authorization_codes WHERE code_hash = $1");
    on_db!(db, |p| sqlx::query_as(sqlx::AssertSqlSafe(sql))
        .bind(code_hash)
        .fetch_optional(p)
        .await)
}

/// The grant a code was redeemed into, if the code exists and was used.
pub async fn find_used_code_grant(
    tx: &mut Tx,
    code_hash: &str,
) -> Result<Option<Option<String>>, sqlx::Error> {
    on_tx!(tx, |c| sqlx::query_scalar(
        "SELECT grant_id FROM authorization_codes WHERE code_hash = $1 AND used_at IS NOT NULL"
    )
    .bind(code_hash)
    .fetch_optional(c)
    .await)
}

/// A grant: one sign-in's authorization of one client.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct GrantRow {
    pub id: String,
    pub person_id: String,
    pub client_id: String,
    pub scopes: String,
    pub claims: String,
    pub acr: String,
    pub amr: String,
    pub auth_time: i64,
    pub sid: String,
    pub created_at: i64,
    pub revoked_at: Option<i64>,
    /// The relying party's purpose for the sign-in, recorded with every release.
    pub purpose: Option<String>,
}

const GRANT_COLUMNS: &str = "id, person_id, client_id, scopes, claims, acr, amr, auth_time, sid, \
     created_at, revoked_at, purpose";

/// Revokes a grant, and with it every token issued under it.
/// Revokes every grant of a person, and their tokens (an account locked for fraud: no data
/// flows on, to anyone, even with `offline_access`).
pub async fn update_grants_revoked_of_person(
    tx: &mut Tx,
    person_id: &str,
    now: i64,
) -> Result<(), sqlx::Error> {
    on_tx!(tx, |c| sqlx::query(
        "UPDATE tokens SET revoked_at = $1 WHERE revoked_at IS NULL AND grant_id IN \
         (SELECT id FROM grants WHERE person_id = $2)"
    )
    .bind(now)
    .bind(person_id)
    .execute(&mut *c)
    .await
    .map(drop))?;
    on_tx!(tx, |c| sqlx::query(
        "UPDATE grants SET revoked_at = $1 WHERE person_id = $2 AND revoked_at IS NULL"
    )
    .bind(now)
    .bind(person_id)
    .execute(c)
    .await
    .map(drop))
}

pub async fn update_grant_revoked(tx: &mut Tx, id: &str, now: i64) -> Result<(), sqlx::Error> {
    on_tx!(tx, |c| sqlx::query(
        "UPDATE grants SET revoked_at = $1 WHERE id = $2 AND revoked_at IS NULL"
    )
    .bind(now)
    .bind(id)
    .execute(&mut *c)
    .await
    .map(drop))?;
    on_tx!(tx, |c| sqlx::query(
        "UPDATE tokens SET revoked_at = $1 WHERE grant_id = $2 AND revoked_at IS NULL"
    )
    .bind(now)
    .bind(id)
    .execute(c)
    .await
    .map(drop))
}

/// A token with its grant, as looked up by hash.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct TokenGrantRow {
    pub kind: String,
    pub created_at: i64,
    pub expires_at: i64,
    pub spent_at: Option<i64>,
    pub revoked_at: Option<i64>,
    pub grant_id: String,
    pub person_id: String,
    pub client_id: String,
    pub scopes: String,
    pub claims: String,
    pub acr: String,
    pub amr: String,
    pub auth_time: i64,
    pub sid: String,
    pub grant_revoked_at: Option<i64>,
    /// The DPoP key the token is bound to.
    pub dpop_jkt: Option<String>,
    pub purpose: Option<String>,
}

/// Whether the sign-in session (`g.sid`) still lasts at `$2`: tokens without
/// `offline_access` end with it (OIDC Core §11).
const SESSION_LIVE: &str = "CASE WHEN EXISTS (SELECT 1 FROM sessions s WHERE s.sid = g.sid \
     AND s.expires_at > $2) THEN CAST(1 AS BIGINT) ELSE CAST(0 AS BIGINT) END AS session_live";

pub async fn find_token(db: &Db, token_hash: &str) -> Result<Option<TokenGrantRow>, sqlx::Error> {
    on_db!(db, |p| sqlx::query_as(
        "SELECT t.kind, t.created_at, t.expires_at, t.spent_at, t.revoked_at, \
         g.id AS grant_id, g.person_id, g.client_id, t.scopes, g.claims, g.acr, g.amr, \
         g.auth_time, g.sid, g.revoked_at AS grant_revoked_at, t.dpop_jkt, g.purpose \
         FROM tokens t JOIN grants g ON g.id = t.grant_id WHERE t.token_hash = $1"
    )
    .bind(token_hash)
    .fetch_optional(p)
    .await)
}

/// Whether a browser session with this OIDC session id lasts at `now`.
pub async fn exists_live_session(db: &Db, sid: &str, now: i64) -> Result<bool, sqlx::Error> {
    on_db!(db, |p| sqlx::query_scalar::<_, i64>(
        "SELECT COUNT(*) FROM sessions WHERE sid = $1 AND expires_at > $2"
    )
    .bind(sid)
    .bind(now)
    .fetch_one(p)
    .await
    .map(|n| n > 0))
}

/// What a refresh needs, read in one statement: the token, its grant, and the citizen's live
/// consent for the grant's client (`None` once it has ended or been withdrawn).
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct RefreshContext {
    pub kind: String,
    pub token_scopes: String,
    pub expires_at: i64,
    pub spent_at: Option<i64>,
    pub token_revoked_at: Option<i64>,
    pub grant_id: String,
    pub person_id: String,
    pub client_id: String,
    pub grant_scopes: String,
    pub claims: String,
    pub acr: String,
    pub amr: String,
    pub auth_time: i64,
    pub sid: String,
    pub grant_created_at: i64,
    pub grant_revoked_at: Option<i64>,
    pub consent_scopes: Option<String>,
    /// 1 while the browser session the grant was signed in with lasts.
    pub session_live: i64,
    pub grant_purpose: Option<String>,
}

impl RefreshContext {
    pub fn grant(&self) -> GrantRow {
        GrantRow {
            id: self.grant_id.clone(),
            person_id: self.person_id.clone(),
            client_id: self.client_id.clone(),
            scopes: self.grant_scopes.clone(),
            claims: self.claims.clone(),
            acr: self.acr.clone(),
            amr: self.amr.clone(),
            auth_time: self.auth_time,
            sid: self.sid.clone(),
            created_at: self.grant_created_at,
            revoked_at: self.grant_revoked_at,
            purpose: self.grant_purpose.clone(),
        }
    }
}

pub async fn find_refresh_context(
    db: &Db,
    token_hash: &str,
    now: i64,
) -> Result<Option<RefreshContext>, sqlx::Error> {
    let sql = format!(
        "SELECT t.kind, t.scopes AS token_scopes, t.expires_at, t.spent_at, \
         t.revoked_at AS token_revoked_at, g.id AS grant_id, g.person_id, g.client_id, \
         g.scopes AS grant_scopes, g.claims, g.acr, g.amr, g.auth_time, g.sid, \
         g.created_at AS grant_created_at, g.revoked_at AS grant_revoked_at, \
         c.scopes AS consent_scopes, g.purpose AS grant_purpose, {SESSION_LIVE} \
         FROM tokens t JOIN grants g ON g.id = t.grant_id \
         LEFT JOIN consents c ON c.person_id = g.person_id AND c.client_id = g.client_id \
              AND c.expires_at > $2 \
         WHERE t.token_hash = $1"
    );
    on_db!(db, |p| sqlx::query_as(sqlx::AssertSqlSafe(sql.clone()))
        .bind(token_hash)
        .bind(now)
        .fetch_optional(p)
        .await)
}

/// Revokes one token.
pub async fn update_token_revoked(db: &Db, token_hash: &str, now: i64) -> Result<(), sqlx::Error> {
    on_db!(db, |p| sqlx::query(
        "UPDATE tokens SET revoked_at = $1 WHERE token_hash = $2 AND revoked_at IS NULL"
    )
    .bind(now)
    .bind(token_hash)
    .execute(p)
    .await
    .map(drop))
}

/// Records a client assertion's `jti`; false if this client already used it (a replay).
pub async fn insert_assertion_jti(
    tx: &mut Tx,
    client_id: &str,
    jti: &str,
    expires_at: i64,
) -> Result<bool, sqlx::Error> {
    on_tx!(tx, |p| sqlx::query(
        "INSERT INTO client_assertion_jtis (client_id, jti, expires_at) VALUES ($1, $2, $3) \
         ON CONFLICT (client_id, jti) DO NOTHING"
    )
    .bind(client_id)
    .bind(jti)
    .bind(expires_at)
    .execute(p)
    .await
    .map(|r| r.rows_affected() == 1))
}

/// Deletes what has expired: codes (kept an hour past expiry, so a late replay is still
/// recognised), tokens (a day past expiry), assertion ids. Returns rows removed.
pub async fn delete_expired(db: &Db, now: i64) -> Result<u64, sqlx::Error> {
    let codes = on_db!(db, |p| sqlx::query(
        "DELETE FROM authorization_codes WHERE expires_at <= $1"
    )
    .bind(now - 3600)
    .execute(p)
    .await
    .map(|r| r.rows_affected()))?;
    let tokens = on_db!(db, |p| sqlx::query(
        "DELETE FROM tokens WHERE expires_at <= $1"
    )
    .bind(now - 86400)
    .execute(p)
    .await
    .map(|r| r.rows_affected()))?;
    let jtis = on_db!(db, |p| sqlx::query(
        "DELETE FROM client_assertion_jtis WHERE expires_at <= $1"
    )
    .bind(now)
    .execute(p)
    .await
    .map(|r| r.rows_affected()))?;
    Ok(codes + tokens + jtis)
}

/// A server secret by name, created with `value` if it does not exist yet (first writer wins).
pub async fn ensure_server_secret(
    db: &Db,
    name: &str,
    value: &str,
    now: i64,
) -> Result<String, sqlx::Error> {
    on_db!(db, |p| sqlx::query(
        "INSERT INTO server_secrets (name, value, created_at) VALUES ($1, $2, $3) \
         ON CONFLICT (name) DO NOTHING"
    )
    .bind(name)
    .bind(value)
    .bind(now)
    .execute(p)
    .await
    .map(drop))?;
    on_db!(db, |p| sqlx::query_scalar(
        "SELECT value FROM server_secrets WHERE name = $1"
    )
    .bind(name)
    .fetch_one(p)
    .await)
}

/// A consent with the relying party's name, for the citizen's own page.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct ConsentListRow {
    pub client_id: String,
    pub display_name: String,
    pub purpose: String,
    pub scopes: String,
    pub granted_at: i64,
    pub expires_at: i64,
}

pub async fn find_consents_of_person(
    db: &Db,
    person_id: &str,
    now: i64,
) -> Result<Vec<ConsentListRow>, sqlx::Error> {
    on_db!(db, |p| sqlx::query_as(
        "SELECT c.client_id, k.display_name, k.purpose, c.scopes, c.granted_at, c.expires_at \
         FROM consents c JOIN clients k ON k.id = c.client_id \
         WHERE c.person_id = $1 AND c.expires_at > $2 ORDER BY k.display_name"
    )
    .bind(person_id)
    .bind(now)
    .fetch_all(p)
    .await)
}

/// Withdraws a consent: the consent goes, and every grant and token of that relying party
/// for this person is revoked in the same transaction.
pub async fn delete_consent_and_revoke(
    tx: &mut Tx,
    person_id: &str,
    client_id: &str,
    now: i64,
) -> Result<bool, sqlx::Error> {
    let removed = on_tx!(tx, |c| sqlx::query(
        "DELETE FROM consents WHERE person_id = $1 AND client_id = $2"
    )
    .bind(person_id)
    .bind(client_id)
    .execute(&mut *c)
    .await
    .map(|r| r.rows_affected() == 1))?;
    on_tx!(tx, |c| sqlx::query(
        "UPDATE tokens SET revoked_at = $3 WHERE revoked_at IS NULL AND grant_id IN \
         (SELECT id FROM grants WHERE person_id = $1 AND client_id = $2)"
    )
    .bind(person_id)
    .bind(client_id)
    .bind(now)
    .execute(&mut *c)
    .await
    .map(drop))?;
    on_tx!(tx, |c| {
        sqlx::query(
        "UPDATE grants SET revoked_at = $3 WHERE person_id = $1 AND client_id = $2 AND revoked_at IS NULL"
    )
    .bind(person_id)
    .bind(client_id)
    .bind(now)
    .execute(c)
    .await
    .map(drop)
    })?;
    Ok(removed)
}

// ---------------------------------------------------------------------------------------
// Multi-row forms, for group commit (`store::writer`): one statement for a whole batch.

/// Spends the live refresh tokens among `hashes` (each once): the hashes spent.
pub async fn spend_refresh_tokens(
    tx: &mut Tx,
    hashes: &[&str],
    now: i64,
) -> Result<Vec<String>, sqlx::Error> {
    let sql = format!(
        "UPDATE tokens SET spent_at = $1 WHERE token_hash IN ({}) AND kind = 'refresh' \
         AND spent_at IS NULL AND revoked_at IS NULL \
         AND grant_id IN (SELECT id FROM grants WHERE revoked_at IS NULL) RETURNING token_hash",
        super::list(hashes.len(), 1)
    );
    update_returning_hashes(tx, sql, hashes, now).await
}

/// The refresh tokens among `hashes` that are live at `now`, unspent and of a standing grant,
/// row-locked for the transaction (a no-op update) so a revocation waits for it.
pub async fn lock_live_refresh_tokens(
    tx: &mut Tx,
    hashes: &[&str],
    now: i64,
) -> Result<Vec<String>, sqlx::Error> {
    let sql = format!(
        "UPDATE tokens SET spent_at = NULL WHERE token_hash IN ({}) AND kind = 'refresh' \
         AND spent_at IS NULL AND revoked_at IS NULL AND expires_at > $1 \
         AND grant_id IN (SELECT id FROM grants WHERE revoked_at IS NULL) RETURNING token_hash",
        super::list(hashes.len(), 1)
    );
    update_returning_hashes(tx, sql, hashes, now).await
}

/// Marks the unused codes among `hashes` used (each once): the hashes marked.
pub async fn use_codes(tx: &mut Tx, hashes: &[&str], now: i64) -> Result<Vec<String>, sqlx::Error> {
    let sql = format!(
        "UPDATE authorization_codes SET used_at = $1 WHERE code_hash IN ({}) \
         AND used_at IS NULL RETURNING code_hash",
        super::list(hashes.len(), 1)
    );
    update_returning_hashes(tx, sql, hashes, now).await
}

/// Runs a gate `UPDATE … SET x = $1 WHERE hash IN ($2 …) RETURNING hash`.
async fn update_returning_hashes(
    tx: &mut Tx,
    sql: String,
    hashes: &[&str],
    now: i64,
) -> Result<Vec<String>, sqlx::Error> {
    let sql = super::positional(tx, sql);
    on_tx!(tx, |c| {
        let mut q = sqlx::query_scalar(sqlx::AssertSqlSafe(sql)).bind(now);
        for h in hashes {
            q = q.bind(*h);
        }
        q.fetch_all(c).await
    })
}

pub async fn insert_grants(tx: &mut Tx, grants: &[&GrantRow]) -> Result<(), sqlx::Error> {
    if grants.is_empty() {
        return Ok(());
    }
    let sql = format!(
        "INSERT INTO grants ({GRANT_COLUMNS}) VALUES {}",
        super::placeholders(grants.len(), 12, 0)
    );
    let sql = super::positional(tx, sql);
    on_tx!(tx, |c| {
        let mut q = sqlx::query(sqlx::AssertSqlSafe(sql));
        for g in grants {
            q = q
                .bind(&g.id)
                .bind(&g.person_id)
                .bind(&g.client_id)
                .bind(&g.scopes)
                .bind(&g.claims)
                .bind(&g.acr)
                .bind(&g.amr)
                .bind(g.auth_time)
                .bind(&g.sid)
                .bind(g.created_at)
                .bind(g.revoked_at)
                .bind(&g.purpose);
        }
        q.execute(c).await.map(drop)
    })
}

/// Points each redeemed code (hash) at the grant it became.
pub async fn update_codes_grant(tx: &mut Tx, pairs: &[(&str, &str)]) -> Result<(), sqlx::Error> {
    if pairs.is_empty() {
        return Ok(());
    }
    let cases = (0..pairs.len())
        .map(|i| format!("WHEN ${} THEN ${}", 2 * i + 1, 2 * i + 2))
        .collect::<Vec<_>>()
        .join(" ");
    let keys = (0..pairs.len())
        .map(|i| format!("${}", 2 * i + 1))
        .collect::<Vec<_>>()
        .join(", ");
    let sql = format!(
        "UPDATE authorization_codes SET grant_id = CASE code_hash {cases} END \
         WHERE code_hash IN ({keys})"
    );
    on_tx!(tx, |c| {
        let mut q = sqlx::query(sqlx::AssertSqlSafe(sql));
        for (code, grant) in pairs {
            q = q.bind(*code).bind(*grant);
        }
        q.execute(c).await.map(drop)
    })
}

pub async fn insert_codes(tx: &mut Tx, codes: &[&CodeRow]) -> Result<(), sqlx::Error> {
    if codes.is_empty() {
        return Ok(());
    }
    let sql = format!(
        "INSERT INTO authorization_codes ({CODE_COLUMNS}) VALUES {}",
        super::placeholders(codes.len(), 18, 0)
    );
    let sql = super::positional(tx, sql);
    on_tx!(tx, |p| {
        let mut q = sqlx::query(sqlx::AssertSqlSafe(sql));
        for c in codes {
            q = q
                .bind(&c.code_hash)
                .bind(&c.client_id)
                .bind(&c.person_id)
                .bind(&c.redirect_uri)
                .bind(&c.code_challenge)
                .bind(&c.nonce)
                .bind(&c.scopes)
                .bind(&c.claims)
                .bind(&c.acr)
                .bind(&c.amr)
                .bind(c.auth_time)
                .bind(&c.sid)
                .bind(c.created_at)
                .bind(c.expires_at)
                .bind(c.used_at)
                .bind(&c.grant_id)
                .bind(&c.dpop_jkt)
                .bind(&c.purpose);
        }
        q.execute(p).await.map(drop)
    })
}

/// A token to insert: its hash, grant, kind (`access` or `refresh`), scopes and times.
#[derive(Clone, Debug)]
pub struct NewToken {
    pub token_hash: String,
    pub grant_id: String,
    pub kind: &'static str,
    pub scopes: String,
    pub created_at: i64,
    pub expires_at: i64,
    /// The DPoP key an access token is bound to.
    pub dpop_jkt: Option<String>,
}

pub async fn insert_new_tokens(tx: &mut Tx, tokens: &[&NewToken]) -> Result<(), sqlx::Error> {
    if tokens.is_empty() {
        return Ok(());
    }
    let sql = format!(
        "INSERT INTO tokens (token_hash, grant_id, kind, scopes, created_at, expires_at, dpop_jkt) \
         VALUES {}",
        super::placeholders(tokens.len(), 7, 0)
    );
    let sql = super::positional(tx, sql);
    on_tx!(tx, |c| {
        let mut q = sqlx::query(sqlx::AssertSqlSafe(sql));
        for t in tokens {
            q = q
                .bind(&t.token_hash)
                .bind(&t.grant_id)
                .bind(t.kind)
                .bind(&t.scopes)
                .bind(t.created_at)
                .bind(t.expires_at)
                .bind(&t.dpop_jkt);
        }
        q.execute(c).await.map(drop)
    })
}
