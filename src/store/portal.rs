//! The relying-party portal's tables: `developers`, `organisations`, `organisation_members`,
//! `organisation_invitations` and `portal_log`.

use sqlx::AssertSqlSafe;

use super::{Db, Tx};
use crate::{on_db, on_tx};

/// A row of `developers`: a person who signed in to the portal.
#[derive(Clone, Debug, PartialEq, Eq, sqlx::FromRow)]
pub struct DeveloperRow {
    pub id: String,
    pub name: String,
    pub email: Option<String>,
    pub first_seen_at: i64,
    pub last_seen_at: i64,
}

/// Records a developer's sign-in: created on the first, name and e-mail refreshed after.
pub async fn upsert_developer(
    db: &Db,
    id: &str,
    name: &str,
    email: Option<&str>,
    now: i64,
) -> Result<(), sqlx::Error> {
    on_db!(db, |p| sqlx::query(
        "INSERT INTO developers (id, name, email, first_seen_at, last_seen_at) \
         VALUES ($1, $2, $3, $4, $4) ON CONFLICT (id) DO UPDATE SET name = excluded.name, \
         email = excluded.email, last_seen_at = excluded.last_seen_at"
    )
    .bind(id)
    .bind(name)
    .bind(email)
    .bind(now)
    .execute(p)
    .await
    .map(drop))
}

pub async fn find_developer(db: &Db, id: &str) -> Result<Option<DeveloperRow>, sqlx::Error> {
    on_db!(db, |p| sqlx::query_as(
        "SELECT id, name, email, first_seen_at, last_seen_at FROM developers WHERE id = $1"
    )
    .bind(id)
    .fetch_optional(p)
    .await)
}

/// A row of `organisations`.
#[derive(Clone, Debug, PartialEq, Eq, sqlx::FromRow)]
pub struct OrganisationRow {
    pub id: String,
    pub legal_name: String,
    pub registration_number: String,
    pub contact_email: String,
    pub created_by: String,
    pub created_at: i64,
}

const ORG_COLUMNS: &str =
    "id, legal_name, registration_number, contact_email, created_by, created_at";

/// Creates an organisation; false when its registration number is already registered.
pub async fn insert_organisation(tx: &mut Tx, row: &OrganisationRow) -> Result<bool, sqlx::Error> {
    let sql = format!(
        "INSERT INTO organisations ({ORG_COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6) \
         ON CONFLICT (registration_number) DO NOTHING"
    );
    on_tx!(tx, |c| sqlx::query(AssertSqlSafe(sql))
        .bind(&row.id)
        .bind(&row.legal_name)
        .bind(&row.registration_number)
        .bind(&row.contact_email)
        .bind(&row.created_by)
        .bind(row.created_at)
        .execute(c)
        .await
        .map(|r| r.rows_affected() == 1))
}

pub async fn find_organisation(db: &Db, id: &str) -> Result<Option<OrganisationRow>, sqlx::Error> {
    let sql = format!("SELECT {ORG_COLUMNS} FROM organisations WHERE id = $1");
    on_db!(db, |p| sqlx::query_as(AssertSqlSafe(sql))
        .bind(id)
        .fetch_optional(p)
        .await)
}

/// A developer's organisations and their role in each, by name.
pub async fn find_organisations_of(
    db: &Db,
    developer_id: &str,
) -> Result<Vec<(OrganisationRow, String)>, sqlx::Error> {
    let rows: Vec<(String, String, String, String, String, i64, String)> = on_db!(db, |p| {
        sqlx::query_as(
            "SELECT o.id, o.legal_name, o.registration_number, o.contact_email, o.created_by, \
             o.created_at, m.role FROM organisations o \
             JOIN organisation_members m ON m.organisation_id = o.id \
             WHERE m.developer_id = $1 ORDER BY o.legal_name, o.id",
        )
        .bind(developer_id)
        .fetch_all(p)
        .await
    })?;
    Ok(rows
        .into_iter()
        .map(
            |(id, legal_name, registration_number, contact_email, created_by, created_at, role)| {
                (
                    OrganisationRow {
                        id,
                        legal_name,
                        registration_number,
                        contact_email,
                        created_by,
                        created_at,
                    },
                    role,
                )
            },
        )
        .collect())
}

/// A member of an organisation, with the developer's name and e-mail.
#[derive(Clone, Debug, PartialEq, Eq, sqlx::FromRow)]
pub struct MemberRow {
    pub developer_id: String,
    pub name: String,
    pub email: Option<String>,
    pub role: String,
    pub added_at: i64,
}

pub async fn insert_member(
    tx: &mut Tx,
    organisation_id: &str,
    developer_id: &str,
    role: &str,
    added_by: &str,
    now: i64,
) -> Result<bool, sqlx::Error> {
    on_tx!(tx, |c| {
        sqlx::query(
        "INSERT INTO organisation_members (organisation_id, developer_id, role, added_by, added_at) \
         VALUES ($1, $2, $3, $4, $5) ON CONFLICT (organisation_id, developer_id) DO NOTHING"
    )
    .bind(organisation_id)
    .bind(developer_id)
    .bind(role)
    .bind(added_by)
    .bind(now)
    .execute(c)
    .await
    .map(|r| r.rows_affected() == 1)
    })
}

/// The developer's role in the organisation, if they are a member.
pub async fn find_member_role(
    db: &Db,
    organisation_id: &str,
    developer_id: &str,
) -> Result<Option<String>, sqlx::Error> {
    on_db!(db, |p| sqlx::query_scalar(
        "SELECT role FROM organisation_members WHERE organisation_id = $1 AND developer_id = $2"
    )
    .bind(organisation_id)
    .bind(developer_id)
    .fetch_optional(p)
    .await)
}

pub async fn find_members(db: &Db, organisation_id: &str) -> Result<Vec<MemberRow>, sqlx::Error> {
    on_db!(db, |p| sqlx::query_as(
        "SELECT m.developer_id, d.name, d.email, m.role, m.added_at \
         FROM organisation_members m JOIN developers d ON d.id = m.developer_id \
         WHERE m.organisation_id = $1 ORDER BY d.name, m.developer_id"
    )
    .bind(organisation_id)
    .fetch_all(p)
    .await)
}

/// A row of `organisation_invitations` (the token's hash is its key, never shown).
#[derive(Clone, Debug, PartialEq, Eq, sqlx::FromRow)]
pub struct InvitationRow {
    pub token_hash: String,
    pub organisation_id: String,
    pub email: String,
    pub role: String,
    pub invited_by: String,
    pub created_at: i64,
    pub expires_at: i64,
    pub accepted_by: Option<String>,
    pub accepted_at: Option<i64>,
}

const INVITATION_COLUMNS: &str = "token_hash, organisation_id, email, role, invited_by, \
     created_at, expires_at, accepted_by, accepted_at";

pub async fn insert_invitation(tx: &mut Tx, row: &InvitationRow) -> Result<(), sqlx::Error> {
    let sql = format!(
        "INSERT INTO organisation_invitations ({INVITATION_COLUMNS}) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)"
    );
    on_tx!(tx, |c| sqlx::query(AssertSqlSafe(sql))
        .bind(&row.token_hash)
        .bind(&row.organisation_id)
        .bind(&row.email)
        .bind(&row.role)
        .bind(&row.invited_by)
        .bind(row.created_at)
        .bind(row.expires_at)
        .bind(&row.accepted_by)
        .bind(row.accepted_at)
        .execute(c)
        .await
        .map(drop))
}

pub async fn find_invitation(
    db: &Db,
    token_hash: &str,
) -> Result<Option<InvitationRow>, sqlx::Error> {
    let sql =
        format!("SELECT {INVITATION_COLUMNS} FROM organisation_invitations WHERE token_hash = $1");
    on_db!(db, |p| sqlx::query_as(AssertSqlSafe(sql))
        .bind(token_hash)
        .fetch_optional(p)
        .await)
}

/// The organisation's invitations not yet accepted and not expired, newest first.
pub async fn find_open_invitations(
    db: &Db,
    organisation_id: &str,
    now: i64,
) -> Result<Vec<InvitationRow>, sqlx::Error> {
    let sql = format!(
        "SELECT {INVITATION_COLUMNS} FROM organisation_invitations \
         WHERE organisation_id = $1 AND accepted_at IS NULL AND expires_at > $2 \
         ORDER BY created_at DESC"
    );
    on_db!(db, |p| sqlx::query_as(AssertSqlSafe(sql))
        .bind(organisation_id)
        .bind(now)
        .fetch_all(p)
        .await)
}

/// Spends an invitation, once; false if it is unknown, spent or expired.
pub async fn update_invitation_accepted(
    tx: &mut Tx,
    token_hash: &str,
    developer_id: &str,
    now: i64,
) -> Result<bool, sqlx::Error> {
    on_tx!(tx, |c| sqlx::query(
        "UPDATE organisation_invitations SET accepted_by = $2, accepted_at = $3 \
         WHERE token_hash = $1 AND accepted_at IS NULL AND expires_at > $3"
    )
    .bind(token_hash)
    .bind(developer_id)
    .bind(now)
    .execute(c)
    .await
    .map(|r| r.rows_affected() == 1))
}

/// A row of `portal_log`.
#[derive(Clone, Debug, PartialEq, Eq, sqlx::FromRow)]
pub struct PortalLogRow {
    pub id: String,
    pub organisation_id: String,
    /// `developer:ID` or `staff:PSEUDONYM`.
    pub actor: String,
    pub action: String,
    pub subject: String,
    pub detail: String,
    pub at: i64,
}

pub async fn insert_portal_log(tx: &mut Tx, row: &PortalLogRow) -> Result<(), sqlx::Error> {
    on_tx!(tx, |c| sqlx::query(
        "INSERT INTO portal_log (id, organisation_id, actor, action, subject, detail, at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7)"
    )
    .bind(&row.id)
    .bind(&row.organisation_id)
    .bind(&row.actor)
    .bind(&row.action)
    .bind(&row.subject)
    .bind(&row.detail)
    .bind(row.at)
    .execute(c)
    .await
    .map(drop))
}

/// The organisation's log, newest first, at most `limit`.
pub async fn find_portal_log(
    db: &Db,
    organisation_id: &str,
    limit: i64,
) -> Result<Vec<PortalLogRow>, sqlx::Error> {
    on_db!(db, |p| sqlx::query_as(
        "SELECT id, organisation_id, actor, action, subject, detail, at FROM portal_log \
         WHERE organisation_id = $1 ORDER BY at DESC, id DESC LIMIT $2"
    )
    .bind(organisation_id)
    .bind(limit)
    .fetch_all(p)
    .await)
}
