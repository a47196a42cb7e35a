//! `client_key_uses`: when each key of a `private_key_jwt` client last signed an accepted
//! client assertion (written at most every ten minutes per key, see
//! `oidc::client_keys::KEY_USE_PRECISION`).

use super::{Db, Tx};
use crate::{on_db, on_tx};

/// Records that the client's key `kid` signed an accepted assertion at `at` (a later time
/// already recorded, by another instance, stays).
pub async fn upsert_client_key_use(
    tx: &mut Tx,
    client_id: &str,
    kid: &str,
    at: i64,
) -> Result<(), sqlx::Error> {
    on_tx!(tx, |c| sqlx::query(
        "INSERT INTO client_key_uses (client_id, kid, last_used_at) VALUES ($1, $2, $3) \
         ON CONFLICT (client_id, kid) DO UPDATE SET last_used_at = excluded.last_used_at \
         WHERE client_key_uses.last_used_at < excluded.last_used_at"
    )
    .bind(client_id)
    .bind(kid)
    .bind(at)
    .execute(c)
    .await
    .map(drop))
}

/// Each recorded key of the client with its last use: `(kid, last_used_at)`.
pub async fn find_client_key_uses(
    db: &Db,
    client_id: &str,
) -> Result<Vec<(String, i64)>, sqlx::Error> {
    on_db!(db, |p| sqlx::query_as(
        "SELECT kid, last_used_at FROM client_key_uses WHERE client_id = $1 ORDER BY kid"
    )
    .bind(client_id)
    .fetch_all(p)
    .await)
}
