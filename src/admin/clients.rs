//! Relying parties in the console: list and search, the registration as registered, suspend
//! and resume with a reason. A suspended client's tokens stop working at its next request
//! (client authentication and userinfo refuse a client that is not active), and resuming
//! brings the unexpired ones back. Suspending a production client and granting the restricted
//! `national_id` scope wait for a second person (`admin::requests`).

use askama::Template;
use askama_web::WebTemplate;
use axum::{
    Extension,
    extract::{Form, Path, Query, State, rejection::FormRejection},
    response::{IntoResponse, Redirect, Response},
};
use serde::Deserialize;

use super::{
    Permission, StaffSession,
    log::{Action, Reason, ReasonCategory},
    texts_ops::{OpsTexts, ops_texts},
};
use crate::{
    app::AppState,
    error::AppError,
    oidc::{client_failures::KEPT_FOR, clients::RESTRICTED_SCOPES},
    store::{Tx, client_failures, clients, staff},
    web::{i18n::Lang, pages::Layout},
};

/// The list shows at most this many clients; searching narrows it.
const LIST_MAX: i64 = 200;

/// The client's page shows at most this many of its failed requests.
const ERRORS_SHOWN: i64 = 20;

/// The restricted scope that four eyes guard.
const NATIONAL_ID: &str = "national_id";

/// Whether suspending `client` needs a second person: a production client (real persons),
/// and any client holding a restricted scope.
pub fn is_production(client: &clients::ClientRow) -> bool {
    !client.is_sandbox()
        || client
            .scopes
            .split(' ')
            .any(|s| RESTRICTED_SCOPES.contains(&s))
}

fn has_scope(client: &clients::ClientRow, scope: &str) -> bool {
    client.scopes.split(' ').any(|s| s == scope)
}

pub struct ClientLine {
    pub id: String,
    pub name: String,
    pub status: String,
    pub is_production: bool,
}

#[derive(Template, WebTemplate)]
#[template(path = "admin/clients.html")]
pub struct ClientsPage {
    pub layout: Layout,
    pub o: &'static OpsTexts,
    pub q: String,
    pub clients: Vec<ClientLine>,
    /// What the page says when no client is listed.
    pub none_text: String,
    /// The table's caption.
    pub caption: String,
    /// Said when the list is cut at [`LIST_MAX`].
    pub capped_text: Option<String>,
}

#[derive(Deserialize, Default)]
pub struct ListQuery {
    #[serde(default)]
    q: String,
}

/// `GET /admin/clients`: every relying party, or those whose name or client id contains `q`.
pub async fn list(
    State(state): State<AppState>,
    lang: Lang,
    Query(query): Query<ListQuery>,
) -> Result<ClientsPage, AppError> {
    let o = ops_texts(lang);
    let q = query.q.trim().chars().take(100).collect::<String>();
    let rows = clients::find_clients_matching(&state.db, &q, LIST_MAX + 1).await?;
    let (none_text, caption) = if q.is_empty() {
        (o.clients_none.to_owned(), o.clients_title.to_owned())
    } else {
        (
            o.clients_none_matching(q.as_str()),
            o.clients_caption_matching(q.as_str()),
        )
    };
    Ok(ClientsPage {
        layout: Layout::new(lang, "/admin/clients"),
        o,
        none_text,
        caption,
        capped_text: (rows.len() as i64 > LIST_MAX).then(|| o.clients_capped(LIST_MAX.to_string())),
        clients: rows
            .into_iter()
            .take(LIST_MAX as usize)
            .map(|c| ClientLine {
                is_production: is_production(&c),
                id: c.id,
                name: c.display_name,
                status: c.status,
            })
            .collect(),
        q,
    })
}

#[derive(Template, WebTemplate)]
#[template(path = "admin/client.html")]
pub struct ClientPage {
    pub layout: Layout,
    pub o: &'static OpsTexts,
    pub client: clients::ClientRow,
    pub redirect_uris: Vec<String>,
    pub logout_uris: Vec<String>,
    /// Key ids (and types) of an inline JWKS.
    pub keys: Vec<String>,
    pub is_production: bool,
    pub has_national_id: bool,
    pub created: String,
    pub updated: String,
    /// Four-eyes requests on this client that wait for a decision.
    pub waiting: Vec<String>,
    /// The client's failed requests of the last 24 hours, newest first: (time, endpoint,
    /// error, the rule it broke).
    pub errors: Vec<(String, String, String, String)>,
    pub can_manage: bool,
    pub can_request: bool,
    pub categories: [ReasonCategory; 5],
    pub notice: Option<&'static str>,
}

#[derive(Deserialize, Default)]
pub struct NoticeQuery {
    #[serde(default)]
    done: String,
}

fn jwks_key_ids(o: &OpsTexts, jwks: &str) -> Vec<String> {
    let Ok(set) = serde_json::from_str::<serde_json::Value>(jwks) else {
        return vec![o.key_invalid_json.into()];
    };
    set["keys"]
        .as_array()
        .map(|keys| {
            keys.iter()
                .map(|k| {
                    format!(
                        "{} ({})",
                        k["kid"].as_str().unwrap_or(o.key_no_kid),
                        k["kty"].as_str().unwrap_or("?")
                    )
                })
                .collect()
        })
        .unwrap_or_default()
}

/// `GET /admin/clients/{id}`: the registration, its status and what waits for approval.
pub async fn show(
    State(state): State<AppState>,
    lang: Lang,
    Extension(who): Extension<StaffSession>,
    Path(id): Path<String>,
    Query(q): Query<NoticeQuery>,
) -> Result<ClientPage, AppError> {
    let o = ops_texts(lang);
    let client = clients::find_client(&state.db, &id)
        .await?
        .ok_or(AppError::NotFound)?;
    let waiting = staff::find_open_staff_requests(&state.db, state.clock.now())
        .await?
        .into_iter()
        .filter(|r| r.subject == client.id)
        .map(|r| o.waiting_item(o.action_label(&r.action), lang.date_time(r.requested_at)))
        .collect();
    let notice = match q.done.as_str() {
        "suspended" => Some(o.done_suspended),
        "resumed" => Some(o.done_resumed),
        "requested" => Some(o.done_requested),
        "waiting" => Some(o.done_waiting),
        _ => None,
    };
    Ok(ClientPage {
        layout: Layout::new(lang, "/admin/clients"),
        o,
        redirect_uris: clients::find_client_redirect_uris(&state.db, &id, "login").await?,
        logout_uris: clients::find_client_redirect_uris(&state.db, &id, "logout").await?,
        keys: client
            .jwks
            .as_deref()
            .map(|j| jwks_key_ids(o, j))
            .unwrap_or_default(),
        is_production: is_production(&client),
        has_national_id: has_scope(&client, NATIONAL_ID),
        created: lang.date_time(client.created_at),
        updated: lang.date_time(client.updated_at),
        waiting,
        errors: client_failures::find_client_failures(
            &state.db,
            &client.id,
            state.clock.now() - KEPT_FOR,
            ERRORS_SHOWN,
        )
        .await?
        .into_iter()
        .map(|e| (lang.date_time(e.at), e.endpoint, e.error, e.rule))
        .collect(),
        can_manage: who.role.can(Permission::ManageClients),
        can_request: who.role.can(Permission::ReviewClients),
        categories: ReasonCategory::ALL,
        notice,
        client,
    })
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ReasonForm {
    #[serde(default)]
    category: String,
    #[serde(default)]
    detail: String,
}

/// The common start of every change: a fresh verification, the reason, the client, the
/// member. `Ok(Err(redirect))` sends the member to verify with their passkey again.
async fn prepare(
    state: &AppState,
    o: &OpsTexts,
    who: &StaffSession,
    id: &str,
    form: Result<Form<ReasonForm>, FormRejection>,
) -> Result<Result<(Reason, clients::ClientRow, staff::StaffRow), Response>, AppError> {
    if !who.is_fresh(state.clock.now()) {
        return Ok(Err(Redirect::to("/admin/signin").into_response()));
    }
    let Form(form) = form.map_err(|e| AppError::BadRequest(e.body_text()))?;
    let reason = Reason::parse(&form.category, &form.detail)
        .ok_or_else(|| AppError::BadRequest(o.change_reason_required.into()))?;
    let client = clients::find_client(&state.db, id)
        .await?
        .ok_or(AppError::NotFound)?;
    let me = staff::find_staff(&state.db, &who.staff_id)
        .await?
        .ok_or(AppError::Forbidden)?;
    Ok(Ok((reason, client, me)))
}

fn back(id: &str, done: &str) -> Response {
    Redirect::to(&format!("/admin/clients/{id}?done={done}")).into_response()
}

/// Files a four-eyes request unless the same one already waits.
async fn ask_second_person(
    state: &AppState,
    me: &staff::StaffRow,
    action: &str,
    client_id: &str,
    reason: &Reason,
) -> Result<Response, AppError> {
    let now = state.clock.now();
    let waiting = staff::find_open_staff_requests(&state.db, now)
        .await?
        .into_iter()
        .any(|r| r.action == action && r.subject == client_id);
    if waiting {
        return Ok(back(client_id, "waiting"));
    }
    super::requests::request(state, me, action, client_id, reason, now).await?;
    Ok(back(client_id, "requested"))
}

/// Suspends a client and records it, in `tx`.
async fn set_suspended(
    tx: &mut Tx,
    me: &staff::StaffRow,
    client_id: &str,
    reason: &str,
    now: i64,
) -> Result<(), AppError> {
    clients::update_client_status(tx, client_id, "disabled", Some(reason), now).await?;
    super::log::record(
        tx,
        &Action::by(me, "suspend_client", client_id, reason, now),
    )
    .await?;
    Ok(())
}

/// `POST /admin/clients/{id}/suspend`: at once, or through four eyes for a production client.
pub async fn suspend(
    State(state): State<AppState>,
    lang: Lang,
    Extension(who): Extension<StaffSession>,
    Path(id): Path<String>,
    form: Result<Form<ReasonForm>, FormRejection>,
) -> Result<Response, AppError> {
    let o = ops_texts(lang);
    let (reason, client, me) = match prepare(&state, o, &who, &id, form).await? {
        Ok(p) => p,
        Err(verify) => return Ok(verify),
    };
    if client.status != "active" {
        return Err(AppError::BadRequest(o.already_suspended.into()));
    }
    if is_production(&client) {
        return ask_second_person(&state, &me, "suspend_client", &client.id, &reason).await;
    }
    crate::transaction!(state.db, AppError, |tx| {
        set_suspended(tx, &me, &client.id, &reason.logged(), state.clock.now()).await?;
        Ok(())
    })?;
    state.reads.changed();
    Ok(back(&client.id, "suspended"))
}

/// `POST /admin/clients/{id}/resume`: the client works again (tokens not yet expired too).
pub async fn resume(
    State(state): State<AppState>,
    lang: Lang,
    Extension(who): Extension<StaffSession>,
    Path(id): Path<String>,
    form: Result<Form<ReasonForm>, FormRejection>,
) -> Result<Response, AppError> {
    let o = ops_texts(lang);
    let (reason, client, me) = match prepare(&state, o, &who, &id, form).await? {
        Ok(p) => p,
        Err(verify) => return Ok(verify),
    };
    if client.status == "active" {
        return Err(AppError::BadRequest(o.already_active.into()));
    }
    let now = state.clock.now();
    crate::transaction!(state.db, AppError, |tx| {
        clients::update_client_status(tx, &client.id, "active", None, now).await?;
        super::log::record(
            tx,
            &Action::by(&me, "resume_client", &client.id, &reason.logged(), now),
        )
        .await?;
        Ok(())
    })?;
    state.reads.changed();
    Ok(back(&client.id, "resumed"))
}

/// `POST /admin/clients/{id}/national-id`: asks a supervisor (other than the member) to grant
/// the restricted `national_id` scope.
pub async fn request_national_id(
    State(state): State<AppState>,
    lang: Lang,
    Extension(who): Extension<StaffSession>,
    Path(id): Path<String>,
    form: Result<Form<ReasonForm>, FormRejection>,
) -> Result<Response, AppError> {
    let o = ops_texts(lang);
    let (reason, client, me) = match prepare(&state, o, &who, &id, form).await? {
        Ok(p) => p,
        Err(verify) => return Ok(verify),
    };
    if has_scope(&client, NATIONAL_ID) {
        return Err(AppError::BadRequest(o.already_national_id.into()));
    }
    if !client.is_fapi() {
        return Err(AppError::BadRequest(o.national_id_needs_fapi.into()));
    }
    ask_second_person(&state, &me, "grant_national_id", &client.id, &reason).await
}

/// Carries out an approved request on a client, in the approval's transaction: suspension, or
/// the `national_id` scope. Recorded under the approver, with the requester's reason.
pub async fn carry_out(
    state: &AppState,
    o: &OpsTexts,
    tx: &mut Tx,
    me: &staff::StaffRow,
    request: &staff::StaffRequestRow,
    now: i64,
) -> Result<(), AppError> {
    let Some(client) = clients::find_client(&state.db, &request.subject).await? else {
        return Err(AppError::BadRequest(o.client_gone.into()));
    };
    match request.action.as_str() {
        "suspend_client" if client.status == "active" => {
            set_suspended(tx, me, &client.id, &request.reason, now).await
        }
        "grant_national_id" if !client.is_fapi() => {
            Err(AppError::BadRequest(o.national_id_needs_fapi.into()))
        }
        "grant_national_id" if !has_scope(&client, NATIONAL_ID) => {
            let scopes = format!("{} {NATIONAL_ID}", client.scopes.trim());
            clients::update_client_scopes(tx, &client.id, scopes.trim(), now).await?;
            super::log::record(
                tx,
                &Action::by(me, "grant_national_id", &client.id, &request.reason, now),
            )
            .await?;
            Ok(())
        }
        // Already done in the meantime (the CLI, another request): nothing more to do.
        _ => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn inline_keys_are_listed_by_kid() {
        let o = ops_texts(Lang::En);
        let jwks = r#"{"keys":[{"kty":"EC","kid":"k1"},{"kty":"RSA"}]}"#;
        assert_eq!(jwks_key_ids(o, jwks), vec!["k1 (EC)", "no kid (RSA)"]);
        assert_eq!(jwks_key_ids(o, "nope"), vec!["(not valid JSON)"]);
        let fr = ops_texts(Lang::Fr);
        assert_eq!(jwks_key_ids(fr, jwks), vec!["k1 (EC)", "sans kid (RSA)"]);
    }
}
