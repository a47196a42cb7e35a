//! Organisations: create one (its creator is its first owner), see its members, clients and
//! log, invite colleagues by e-mail with a role, accept an invitation.

use askama::Template;
use askama_web::WebTemplate;
use axum::{
    Extension,
    extract::{Form, Path, Query, State, rejection::FormRejection},
    response::{IntoResponse, Redirect, Response},
};
use serde::Deserialize;

use super::{Action, Developer, Role, actor, authorise, record, text_field};
use crate::{
    crypto::secrets::{random_token, sha256_b64},
    error::AppError,
    state::AppState,
    store::{
        clients::{self, ClientRow},
        portal::{self, InvitationRow, MemberRow, OrganisationRow, PortalLogRow},
    },
    web::{i18n::Lang, pages::Layout},
};

/// An invitation link works this long.
pub const INVITATION_LIFETIME_SECS: i64 = 7 * 24 * 3600;
/// The organisation page shows this many log entries.
const LOG_SHOWN: i64 = 100;

fn form_error(e: FormRejection) -> AppError {
    AppError::BadRequest(e.body_text())
}

/// A plausible e-mail address: one `@`, a dot in the domain, no spaces, at most 254 bytes.
pub fn parse_email(v: &str) -> Option<String> {
    let v = v.trim();
    let (local, domain) = v.split_once('@')?;
    let ok = v.len() <= 254
        && !local.is_empty()
        && domain.contains('.')
        && !domain.starts_with('.')
        && !domain.ends_with('.')
        && !v.contains(char::is_whitespace)
        && !domain.contains('@')
        && !v.chars().any(char::is_control);
    ok.then(|| v.to_owned())
}

/// A registration number: 2 to 40 letters, digits, spaces, `-`, `/` or `.`.
fn parse_registration_number(v: &str) -> Option<String> {
    let v = v.trim();
    let ok = (2..=40).contains(&v.chars().count())
        && v.chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, ' ' | '-' | '/' | '.'));
    ok.then(|| v.to_uppercase())
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NewOrganisation {
    #[serde(default)]
    legal_name: String,
    #[serde(default)]
    registration_number: String,
    #[serde(default)]
    contact_email: String,
}

/// `POST /portal/organisations`: creates an organisation; its creator becomes its owner.
pub async fn create(
    State(state): State<AppState>,
    Extension(who): Extension<Developer>,
    form: Result<Form<NewOrganisation>, FormRejection>,
) -> Result<Response, AppError> {
    let Form(f) = form.map_err(form_error)?;
    let legal_name = text_field(&f.legal_name, 200).ok_or_else(|| {
        AppError::BadRequest(
            "Legal name: required, at most 200 characters, e.g. \"Northbank plc\".".into(),
        )
    })?;
    let registration_number =
        parse_registration_number(&f.registration_number).ok_or_else(|| {
            AppError::BadRequest(
            "Registration number: 2 to 40 letters, digits, spaces, - / or ., e.g. \"GOV-000123\"."
                .into(),
        )
        })?;
    let contact_email = parse_email(&f.contact_email).ok_or_else(|| {
        AppError::BadRequest(
            "Contact e-mail: an e-mail address, e.g. \"identity-team@northbank.example\".".into(),
        )
    })?;
    let now = state.clock.now();
    let row = OrganisationRow {
        id: uuid::Uuid::new_v4().to_string(),
        legal_name,
        registration_number,
        contact_email,
        created_by: who.id.clone(),
        created_at: now,
    };
    crate::transaction!(state.db, AppError, |tx| {
        if !portal::insert_organisation(tx, &row).await? {
            return Err(AppError::BadRequest(format!(
                "An organisation with registration number {} is already registered. Ask one of its \
                 owners to invite you.",
                row.registration_number
            )));
        }
        portal::insert_member(tx, &row.id, &who.id, Role::Owner.as_str(), &who.id, now).await?;
        record(
            tx,
            &row.id,
            &actor(&who),
            "create_organisation",
            &row.id,
            &format!("{} ({})", row.legal_name, row.registration_number),
            now,
        )
        .await?;
        Ok(())
    })?;
    Ok(Redirect::to(&format!("/portal/organisations/{}", row.id)).into_response())
}

pub struct LogLine {
    pub at: String,
    pub who: String,
    pub action: String,
    pub subject: String,
    pub detail: String,
}

#[derive(Template, WebTemplate)]
#[template(path = "portal/organisation.html")]
pub struct OrganisationPage {
    pub layout: Layout,
    pub org: OrganisationRow,
    pub role: Role,
    pub members: Vec<MemberRow>,
    pub invitations: Vec<InvitationRow>,
    pub clients: Vec<ClientRow>,
    pub log: Vec<LogLine>,
    pub notice: Option<String>,
    pub roles: [Role; 3],
}

#[derive(Deserialize, Default)]
pub struct NoticeQuery {
    #[serde(default)]
    done: String,
}

/// Whose name a log entry shows: a member's name, or the console's reviewer pseudonym.
fn who_did(actor: &str, members: &[MemberRow]) -> String {
    match actor.split_once(':') {
        Some(("developer", id)) => members
            .iter()
            .find(|m| m.developer_id == id)
            .map_or_else(|| "a former member".to_owned(), |m| m.name.clone()),
        Some(("staff", pseudonym)) => format!("Civitas reviewer {pseudonym}"),
        _ => actor.to_owned(),
    }
}

/// `GET /portal/organisations/{id}`
pub async fn show(
    State(state): State<AppState>,
    Extension(who): Extension<Developer>,
    lang: Lang,
    Path(id): Path<String>,
    Query(q): Query<NoticeQuery>,
) -> Result<OrganisationPage, AppError> {
    let role = authorise(&state, &who, &id, Action::Read).await?;
    let org = portal::find_organisation(&state.db, &id)
        .await?
        .ok_or(AppError::NotFound)?;
    let now = state.clock.now();
    let members = portal::find_members(&state.db, &id).await?;
    let log = portal::find_portal_log(&state.db, &id, LOG_SHOWN)
        .await?
        .into_iter()
        .map(|r: PortalLogRow| LogLine {
            at: crate::clock::rfc3339(r.at),
            who: who_did(&r.actor, &members),
            action: r.action.replace('_', " "),
            subject: r.subject,
            detail: r.detail,
        })
        .collect();
    let notice = match q.done.as_str() {
        "invited" => Some("The invitation is sent. It works for 7 days, once.".to_owned()),
        _ => None,
    };
    Ok(OrganisationPage {
        layout: Layout::new(lang, &format!("/portal/organisations/{id}")),
        invitations: if role.can(Action::Invite) {
            portal::find_open_invitations(&state.db, &id, now).await?
        } else {
            Vec::new()
        },
        clients: clients::find_clients_of_organisation(&state.db, &id).await?,
        org,
        role,
        members,
        log,
        notice,
        roles: Role::ALL,
    })
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct InviteForm {
    #[serde(default)]
    email: String,
    #[serde(default)]
    role: String,
}

/// `POST /portal/organisations/{id}/invitations`: an owner invites a colleague by e-mail.
pub async fn invite(
    State(state): State<AppState>,
    Extension(who): Extension<Developer>,
    Path(id): Path<String>,
    form: Result<Form<InviteForm>, FormRejection>,
) -> Result<Response, AppError> {
    authorise(&state, &who, &id, Action::Invite).await?;
    let Form(f) = form.map_err(form_error)?;
    let email = parse_email(&f.email).ok_or_else(|| {
        AppError::BadRequest("E-mail: an e-mail address, e.g. \"dev@northbank.example\".".into())
    })?;
    let role = Role::parse(&f.role)
        .ok_or_else(|| AppError::BadRequest("Role: one of owner, developer or viewer.".into()))?;
    let Some(mailer) = state.mailer.clone() else {
        return Err(AppError::BadRequest(
            "Civitas cannot send e-mail here (no mail server is configured), so it cannot send \
             invitations."
                .into(),
        ));
    };
    let org = portal::find_organisation(&state.db, &id)
        .await?
        .ok_or(AppError::NotFound)?;
    let now = state.clock.now();
    let token = random_token(32);
    crate::transaction!(state.db, AppError, |tx| {
        portal::insert_invitation(
            tx,
            &InvitationRow {
                token_hash: sha256_b64(&token),
                organisation_id: id.clone(),
                email: email.clone(),
                role: role.as_str().to_owned(),
                invited_by: who.id.clone(),
                created_at: now,
                expires_at: now + INVITATION_LIFETIME_SECS,
                accepted_by: None,
                accepted_at: None,
            },
        )
        .await?;
        record(
            tx,
            &id,
            &actor(&who),
            "invite_member",
            &email,
            &format!("as {}", role.as_str()),
            now,
        )
        .await?;
        Ok(())
    })?;
    let link = state
        .config
        .issuer
        .endpoint(&format!("/portal/invitations/{token}"));
    let mail = crate::mail::Mail {
        to: email,
        subject: format!(
            "{} invites you to its Civitas developer portal",
            org.legal_name
        ),
        body: format!(
            "{} invites you to join {} in the Civitas developer portal as {}.\n\n\
             Open this link and sign in with your own Civitas identity to accept (it works \
             once, for 7 days):\n{link}\n\nIf you did not expect this, ignore this message.",
            who.name,
            org.legal_name,
            role.as_str()
        ),
    };
    if let Err(e) = mailer.send(mail).await {
        tracing::warn!(error = %e, "invitation mail not sent");
        return Err(AppError::Unavailable);
    }
    Ok(Redirect::to(&format!("/portal/organisations/{id}?done=invited")).into_response())
}

#[derive(Template, WebTemplate)]
#[template(path = "portal/invitation.html")]
pub struct InvitationPage {
    pub layout: Layout,
    pub token: String,
    pub org: OrganisationRow,
    pub invitation: InvitationRow,
    pub signed_in: bool,
}

async fn open_invitation(
    state: &AppState,
    token: &str,
) -> Result<(InvitationRow, OrganisationRow), AppError> {
    let gone = || {
        AppError::BadRequest(
            "This invitation has expired or was already used. Ask an owner of the organisation \
             to invite you again."
                .into(),
        )
    };
    let invitation = portal::find_invitation(&state.db, &sha256_b64(token))
        .await?
        .ok_or_else(gone)?;
    if invitation.accepted_at.is_some() || invitation.expires_at <= state.clock.now() {
        return Err(gone());
    }
    let org = portal::find_organisation(&state.db, &invitation.organisation_id)
        .await?
        .ok_or_else(gone)?;
    Ok((invitation, org))
}

/// `GET /portal/invitations/{token}`: what the invitation is for; accept once signed in.
pub async fn invitation_page(
    State(state): State<AppState>,
    session: tower_sessions::Session,
    lang: Lang,
    Path(token): Path<String>,
) -> Result<InvitationPage, AppError> {
    let (invitation, org) = open_invitation(&state, &token).await?;
    let signed_in = super::current(&state, &session).await?.is_some();
    Ok(InvitationPage {
        layout: Layout::new(lang, "/portal"),
        token,
        org,
        invitation,
        signed_in,
    })
}

/// `POST /portal/invitations/{token}`: the signed-in developer joins with the invited role.
pub async fn accept(
    State(state): State<AppState>,
    Extension(who): Extension<Developer>,
    Path(token): Path<String>,
) -> Result<Response, AppError> {
    let (invitation, org) = open_invitation(&state, &token).await?;
    let now = state.clock.now();
    crate::transaction!(state.db, AppError, |tx| {
        if !portal::update_invitation_accepted(tx, &invitation.token_hash, &who.id, now).await? {
            return Err(AppError::BadRequest(
                "This invitation has expired or was already used.".into(),
            ));
        }
        if !portal::insert_member(
            tx,
            &org.id,
            &who.id,
            &invitation.role,
            &invitation.invited_by,
            now,
        )
        .await?
        {
            return Err(AppError::BadRequest(
                "You are already a member of this organisation.".into(),
            ));
        }
        record(
            tx,
            &org.id,
            &actor(&who),
            "join",
            &invitation.email,
            &format!("as {}", invitation.role),
            now,
        )
        .await?;
        Ok(())
    })?;
    Ok(Redirect::to(&format!("/portal/organisations/{}", org.id)).into_response())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn e_mail_and_registration_numbers_are_checked() {
        assert_eq!(parse_email(" a@b.example "), Some("a@b.example".into()));
        for bad in [
            "",
            "a",
            "a@b",
            "@b.example",
            "a@.example",
            "a b@c.example",
            "a@b@c.example",
        ] {
            assert_eq!(parse_email(bad), None, "{bad}");
        }
        assert_eq!(
            parse_registration_number("gov-000123"),
            Some("GOV-000123".into())
        );
        assert_eq!(parse_registration_number("x"), None);
        assert_eq!(parse_registration_number("12<script>"), None);
    }
}

#[cfg(test)]
mod fuzz;
