//! `saml_request_ids`: the IDs of SAML requests already accepted, per issuer, kept until the
//! requests' `IssueInstant` is too old to pass anyway (so a replay is refused either way).

use super::Db;
use crate::on_db;

/// Records `request_id` from `issuer`; `false` when it was already recorded (a replay).
/// Expired entries of the same issuer go first.
pub async fn insert_saml_request_id(
    db: &Db,
    issuer: &str,
    request_id: &str,
    expires_at: i64,
    now: i64,
) -> Result<bool, sqlx::Error> {
    on_db!(db, |p| sqlx::query(
        "DELETE FROM saml_request_ids WHERE issuer = $1 AND expires_at < $2"
    )
    .bind(issuer)
    .bind(now)
    .execute(p)
    .await
    .map(drop))?;
    on_db!(db, |p| sqlx::query(
        "INSERT INTO saml_request_ids (issuer, request_id, expires_at) VALUES ($1, $2, $3) \
         ON CONFLICT (issuer, request_id) DO NOTHING"
    )
    .bind(issuer)
    .bind(request_id)
    .bind(expires_at)
    .execute(p)
    .await
    .map(|r| r.rows_affected() == 1))
}
