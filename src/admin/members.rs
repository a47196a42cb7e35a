//! Staff accounts from the command line (`civitas staff create|list|disable`): the bootstrap
//! of the console. A new member gets a one-time enrolment link, with which they create their
//! staff passkey; nobody ever sets a password.

use crate::{
    crypto::secrets::{random_token, sha256_b64},
    store::{Db, staff},
};

use super::{
    Role,
    log::{self, Action},
};

/// An enrolment link works this long, once.
pub const ENROLMENT_LIFETIME: i64 = 72 * 3600;
/// The staff log's name for actions taken from the command line (by whoever runs it on the
/// servers: an operator with shell access).
pub const CLI: &str = "operator-cli";

/// The name a citizen sees for a member: a role letter and five random characters.
fn new_pseudonym(role: Role) -> String {
    let tail = crate::crypto::secrets::random_base32(5);
    let letter = match role {
        Role::Helpdesk => 'H',
        Role::Supervisor => 'S',
        Role::Operator => 'O',
        Role::Auditor => 'A',
    };
    format!("{letter}-{tail}")
}

/// Creates a member waiting to enrol; returns the row and the enrolment token (shown once).
pub async fn create(
    db: &Db,
    role: Role,
    name: &str,
    now: i64,
) -> anyhow::Result<(staff::StaffRow, String)> {
    let name = name.trim();
    anyhow::ensure!(
        !name.is_empty() && name.chars().count() <= 100 && !name.chars().any(char::is_control),
        "--name must be 1 to 100 characters without control characters"
    );
    let token = random_token(32);
    let row = staff::StaffRow {
        id: uuid::Uuid::new_v4().to_string(),
        name: name.to_owned(),
        pseudonym: new_pseudonym(role),
        role: role.as_str().to_owned(),
        status: "enrolling".to_owned(),
        status_reason: None,
        created_at: now,
        enrol_expires_at: Some(now + ENROLMENT_LIFETIME),
    };
    crate::transaction!(db, anyhow::Error, |tx| {
        staff::insert_staff(tx, &row, &sha256_b64(&token)).await?;
        log::record(
            tx,
            &Action {
                staff_id: CLI,
                pseudonym: CLI,
                action: "staff_create",
                subject: &row.id,
                reason: &format!("role {}", role.as_str()),
                citizen: None,
                at: now,
            },
        )
        .await?;
        Ok(())
    })?;
    Ok((row, token))
}

/// A new enrolment link for a member who has not enrolled yet (the old one stops working);
/// returns the token (shown once).
pub async fn new_link(db: &Db, id: &str, now: i64) -> anyhow::Result<String> {
    let token = random_token(32);
    crate::transaction!(db, anyhow::Error, |tx| {
        anyhow::ensure!(
            staff::update_staff_enrolment(tx, id, &sha256_b64(&token), now + ENROLMENT_LIFETIME)
                .await?,
            "no staff member {id} is waiting to enrol: `civitas staff list` shows them"
        );
        log::record(
            tx,
            &Action {
                staff_id: CLI,
                pseudonym: CLI,
                action: "staff_enrolment_link",
                subject: id,
                reason: "",
                citizen: None,
                at: now,
            },
        )
        .await?;
        Ok(())
    })?;
    Ok(token)
}

/// Disables a member at once (their sessions stop at the next request); with a reason.
pub async fn disable(db: &Db, id: &str, reason: &str, now: i64) -> anyhow::Result<()> {
    let reason = super::parse_reason(reason).ok_or_else(|| {
        anyhow::anyhow!("--reason is required (one line, at most 500 characters)")
    })?;
    crate::transaction!(db, anyhow::Error, |tx| {
        anyhow::ensure!(
            staff::update_staff_status(tx, id, "disabled", Some(&reason)).await?,
            "no staff member has the id {id}: `civitas staff list` shows them"
        );
        log::record(
            tx,
            &Action {
                staff_id: CLI,
                pseudonym: CLI,
                action: "staff_disable",
                subject: id,
                reason: &reason,
                citizen: None,
                at: now,
            },
        )
        .await?;
        Ok(())
    })?;
    Ok(())
}
