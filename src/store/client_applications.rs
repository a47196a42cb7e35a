//! `client_applications`: relying parties' applications and the review queue's decisions.

use sqlx::AssertSqlSafe;

use super::{Db, Tx};
use crate::{on_db, on_tx};

/// A row of `client_applications`.
#[derive(Clone, Debug, PartialEq, Eq, sqlx::FromRow)]
pub struct ClientApplicationRow {
    pub id: String,
    pub organisation: String,
    pub applicant: String,
    pub display_name: String,
    pub purpose: String,
    /// Space-separated, as asked for.
    pub scopes: String,
    /// Space-separated.
    pub redirect_uris: String,
    /// The whole registration request (RFC 7591 JSON), for the portal to register from.
    pub metadata: String,
    pub client_id: Option<String>,
    /// `pending`, `approved`, `rejected` or `changes_requested`.
    pub status: String,
    /// What the applicant reads about the decision.
    pub decision_note: Option<String>,
    pub decided_by: Option<String>,
    pub decided_at: Option<i64>,
    pub submitted_at: i64,
    /// The portal organisation that filed it.
    pub organisation_id: Option<String>,
    /// The sandbox client it was filed from.
    pub sandbox_client_id: Option<String>,
    /// The legal basis and justification given for restricted scopes.
    pub legal_basis: Option<String>,
}

const COLUMNS: &str = "id, organisation, applicant, display_name, purpose, scopes, \
     redirect_uris, metadata, client_id, status, decision_note, decided_by, decided_at, \
     submitted_at, organisation_id, sandbox_client_id, legal_basis";

/// Files an application (the relying-party portal's "Submit for production").
pub async fn insert_client_application(
    tx: &mut Tx,
    row: &ClientApplicationRow,
) -> Result<(), sqlx::Error> {
    let sql = format!(
        "INSERT INTO client_applications ({COLUMNS}) VALUES \
         ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17)"
    );
    on_tx!(tx, |p| sqlx::query(AssertSqlSafe(sql))
        .bind(&row.id)
        .bind(&row.organisation)
        .bind(&row.applicant)
        .bind(&row.display_name)
        .bind(&row.purpose)
        .bind(&row.scopes)
        .bind(&row.redirect_uris)
        .bind(&row.metadata)
        .bind(&row.client_id)
        .bind(&row.status)
        .bind(&row.decision_note)
        .bind(&row.decided_by)
        .bind(row.decided_at)
        .bind(row.submitted_at)
        .bind(&row.organisation_id)
        .bind(&row.sandbox_client_id)
        .bind(&row.legal_basis)
        .execute(p)
        .await
        .map(drop))
}

pub async fn find_client_application(
    db: &Db,
    id: &str,
) -> Result<Option<ClientApplicationRow>, sqlx::Error> {
    let sql = format!("SELECT {COLUMNS} FROM client_applications WHERE id = $1");
    on_db!(db, |p| sqlx::query_as(AssertSqlSafe(sql))
        .bind(id)
        .fetch_optional(p)
        .await)
}

pub async fn find_client_application_in_tx(
    tx: &mut Tx,
    id: &str,
) -> Result<Option<ClientApplicationRow>, sqlx::Error> {
    let sql = format!("SELECT {COLUMNS} FROM client_applications WHERE id = $1");
    on_tx!(tx, |c| sqlx::query_as(AssertSqlSafe(sql))
        .bind(id)
        .fetch_optional(c)
        .await)
}

/// Applications in `status`, oldest first, at most `limit`.
pub async fn find_client_applications_by_status(
    db: &Db,
    status: &str,
    limit: i64,
) -> Result<Vec<ClientApplicationRow>, sqlx::Error> {
    let sql = format!(
        "SELECT {COLUMNS} FROM client_applications WHERE status = $1 \
         ORDER BY submitted_at, id LIMIT $2"
    );
    on_db!(db, |p| sqlx::query_as(AssertSqlSafe(sql))
        .bind(status)
        .bind(limit)
        .fetch_all(p)
        .await)
}

/// Decides a pending application, once; false if it is not pending (any more).
pub async fn update_client_application_decided(
    tx: &mut Tx,
    id: &str,
    status: &str,
    note: Option<&str>,
    decided_by: &str,
    now: i64,
) -> Result<bool, sqlx::Error> {
    on_tx!(tx, |c| sqlx::query(
        "UPDATE client_applications SET status = $2, decision_note = $3, decided_by = $4, \
         decided_at = $5 WHERE id = $1 AND status = 'pending'"
    )
    .bind(id)
    .bind(status)
    .bind(note)
    .bind(decided_by)
    .bind(now)
    .execute(c)
    .await
    .map(|r| r.rows_affected() == 1))
}

/// The applications filed from a sandbox client, newest first.
pub async fn find_client_applications_of_sandbox(
    db: &Db,
    sandbox_client_id: &str,
) -> Result<Vec<ClientApplicationRow>, sqlx::Error> {
    let sql = format!(
        "SELECT {COLUMNS} FROM client_applications WHERE sandbox_client_id = $1 \
         ORDER BY submitted_at DESC, id"
    );
    on_db!(db, |p| sqlx::query_as(AssertSqlSafe(sql))
        .bind(sandbox_client_id)
        .fetch_all(p)
        .await)
}

/// Records the production client an approved application created.
pub async fn update_client_application_client(
    tx: &mut Tx,
    id: &str,
    client_id: &str,
) -> Result<(), sqlx::Error> {
    on_tx!(tx, |c| sqlx::query(
        "UPDATE client_applications SET client_id = $2 WHERE id = $1"
    )
    .bind(id)
    .bind(client_id)
    .execute(c)
    .await
    .map(drop))
}
