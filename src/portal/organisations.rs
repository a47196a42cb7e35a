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

use super::{Action, Developer, Role, actor, authorise, record, text_field, texts::PortalTexts};
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
/// The longest legal name, in characters (the form's `maxlength`).
const LEGAL_NAME_MAX: usize = 200;

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
    lang: Lang,
    form: Result<Form<NewOrganisation>, FormRejection>,
) -> Result<Response, AppError> {
    let p = &lang.catalogue().portal;
    let Form(f) = form.map_err(form_error)?;
    let legal_name = text_field(&f.legal_name, LEGAL_NAME_MAX)
        .ok_or_else(|| AppError::BadRequest(p.legal_name_invalid(LEGAL_NAME_MAX)))?;
    let registration_number = parse_registration_number(&f.registration_number)
        .ok_or_else(|| AppError::BadRequest(p.registration_number_invalid.into()))?;
    let contact_email = parse_email(&f.contact_email)
        .ok_or_else(|| AppError::BadRequest(p.contact_email_invalid.into()))?;
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
            return Err(AppError::BadRequest(
                p.organisation_exists(row.registration_number.as_str()),
            ));
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
fn who_did(actor: &str, members: &[MemberRow], p: &PortalTexts) -> String {
    match actor.split_once(':') {
        Some(("developer", id)) => members
            .iter()
            .find(|m| m.developer_id == id)
            .map_or_else(|| p.former_member.to_owned(), |m| m.name.clone()),
        Some(("staff", pseudonym)) => p.civitas_reviewer(pseudonym),
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
    let p = &lang.catalogue().portal;
    let org = portal::find_organisation(&state.db, &id)
        .await?
        .ok_or(AppError::NotFound)?;
    let now = state.clock.now();
    let members = portal::find_members(&state.db, &id).await?;
    let log = portal::find_portal_log(&state.db, &id, LOG_SHOWN)
        .await?
        .into_iter()
        .map(|r: PortalLogRow| LogLine {
            at: lang.date_time(r.at),
            who: who_did(&r.actor, &members, p),
            action: p.log_action_in_words(&r.action),
            subject: r.subject,
            detail: r.detail,
        })
        .collect();
    let notice = match q.done.as_str() {
        "invited" => Some(p.notice_invited(INVITATION_LIFETIME_SECS / 86400)),
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
    lang: Lang,
    Path(id): Path<String>,
    form: Result<Form<InviteForm>, FormRejection>,
) -> Result<Response, AppError> {
    authorise(&state, &who, &id, Action::Invite).await?;
    let p = &lang.catalogue().portal;
    let Form(f) = form.map_err(form_error)?;
    let email =
        parse_email(&f.email).ok_or_else(|| AppError::BadRequest(p.email_invalid.into()))?;
    let role = Role::parse(&f.role).ok_or_else(|| AppError::BadRequest(p.role_invalid.into()))?;
    let Some(mailer) = state.mailer.clone() else {
        return Err(AppError::BadRequest(p.no_mail_server.into()));
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
    // In the inviting owner's language: the invitee's is not known yet.
    let mail = crate::mail::Mail {
        to: email,
        subject: p.invitation_mail_subject(org.legal_name.as_str()),
        body: p.invitation_mail_body(
            who.name.as_str(),
            org.legal_name.as_str(),
            p.role_in_words(role.as_str()),
            INVITATION_LIFETIME_SECS / 86400,
            link,
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
    p: &PortalTexts,
    token: &str,
) -> Result<(InvitationRow, OrganisationRow), AppError> {
    let gone = || AppError::BadRequest(p.invitation_gone.into());
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
    let (invitation, org) = open_invitation(&state, &lang.catalogue().portal, &token).await?;
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
    lang: Lang,
    Path(token): Path<String>,
) -> Result<Response, AppError> {
    let p = &lang.catalogue().portal;
    let (invitation, org) = open_invitation(&state, p, &token).await?;
    let now = state.clock.now();
    crate::transaction!(state.db, AppError, |tx| {
        if !portal::update_invitation_accepted(tx, &invitation.token_hash, &who.id, now).await? {
            return Err(AppError::BadRequest(p.invitation_used.into()));
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
            return Err(AppError::BadRequest(p.already_member.into()));
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
