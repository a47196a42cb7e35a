//! The operator's view: insider-guard alerts first, then the `/readyz` facts, the signing
//! keys (rotate with a reason and a fresh passkey verification) and the four-eyes requests
//! that wait. The ledger's status and the staff log are `admin::audit`'s.

use askama::Template;
use askama_web::WebTemplate;
use axum::{
    Extension,
    extract::{Form, Query, State, rejection::FormRejection},
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
    crypto::{
        KeyDir,
        certificate::Subject,
        keyring::{self, KeyState},
        keys::Alg,
    },
    error::AppError,
    store::{signing_keys, staff},
    web::{
        health::{self, Readiness},
        i18n::Lang,
        pages::Layout,
    },
};

/// What the insider guard writes at the start of the reason of a member it locks.
const INSIDER_GUARD: &str = "insider guard";

/// A staff account the insider guard locked.
pub struct Alert {
    pub name: String,
    pub role: String,
    pub reason: String,
}

pub struct KeyLine {
    pub kid: String,
    pub alg: String,
    pub state: &'static str,
    pub created: String,
    pub signs_from: String,
    pub retires: String,
    pub leaves_jwks: String,
}

pub struct WaitingRequest {
    pub label: &'static str,
    /// A relying party's page; citizens' requests name no one here.
    pub client: Option<String>,
    /// Who asked, when, and when it expires, in the member's language.
    pub asked: String,
}

#[derive(Template, WebTemplate)]
#[template(path = "admin/operator.html")]
pub struct OperatorPage {
    pub layout: Layout,
    pub o: &'static OpsTexts,
    pub alerts: Vec<Alert>,
    /// The alerts' heading ("Insider guard: 2 staff accounts locked").
    pub alerts_heading: String,
    pub readiness: Readiness,
    pub keys: Vec<KeyLine>,
    pub requests: Vec<WaitingRequest>,
    pub requests_heading: String,
    pub can_approve: bool,
    pub categories: [ReasonCategory; 5],
    pub notice: Option<String>,
}

#[derive(Deserialize, Default)]
pub struct NoticeQuery {
    #[serde(default)]
    done: String,
}

/// Members the insider guard locked, and why (the reason as the guard wrote it).
pub async fn insider_alerts(state: &AppState) -> Result<Vec<Alert>, AppError> {
    Ok(staff::find_all_staff(&state.db)
        .await?
        .into_iter()
        .filter(|m| {
            m.status == "locked"
                && m.status_reason
                    .as_deref()
                    .is_some_and(|r| r.starts_with(INSIDER_GUARD))
        })
        .map(|m| Alert {
            name: m.name,
            role: m.role,
            reason: m.status_reason.unwrap_or_default(),
        })
        .collect())
}

/// `GET /admin/operator`
pub async fn operator(
    State(state): State<AppState>,
    lang: Lang,
    Extension(who): Extension<StaffSession>,
    Query(q): Query<NoticeQuery>,
) -> Result<OperatorPage, AppError> {
    let o = ops_texts(lang);
    let now = state.clock.now();
    let keys = signing_keys::find_signing_keys(&state.db)
        .await?
        .into_iter()
        .map(|k| KeyLine {
            state: o.key_state(keyring::key_state(&k, now)),
            created: lang.date_time(k.created_at),
            signs_from: lang.date_time(k.activates_at),
            retires: k
                .retires_at
                .map_or_else(|| "-".into(), |at| lang.date_time(at)),
            leaves_jwks: k
                .expires_at
                .map_or_else(|| "-".into(), |at| lang.date_time(at)),
            kid: k.kid,
            alg: k.alg,
        })
        .collect();
    let names: std::collections::HashMap<String, String> = staff::find_all_staff(&state.db)
        .await?
        .into_iter()
        .map(|m| (m.id, m.name))
        .collect();
    let requests = staff::find_open_staff_requests(&state.db, now)
        .await?
        .into_iter()
        .map(|r| WaitingRequest {
            label: o.action_label(&r.action),
            client: matches!(r.action.as_str(), "suspend_client" | "grant_national_id")
                .then(|| r.subject.clone()),
            asked: o.request_asked(
                names.get(&r.requested_by).map_or("", String::as_str),
                lang.date_time(r.requested_at),
                lang.date_time(r.expires_at),
            ),
        })
        .collect::<Vec<_>>();
    let notice = (q.done == "rotated").then(|| {
        o.rotated_notice(lang.date_time(now + state.config.keys.prepublish.as_secs() as i64))
    });
    let alerts: Vec<Alert> = insider_alerts(&state)
        .await?
        .into_iter()
        .map(|a| Alert {
            role: o.role(&a.role).to_owned(),
            ..a
        })
        .collect();
    Ok(OperatorPage {
        layout: Layout::new(lang, "/admin/operator"),
        o,
        alerts_heading: o.alerts(alerts.len()),
        alerts,
        readiness: health::readiness(&state).await,
        keys,
        requests_heading: o.requests_waiting(requests.len().to_string()),
        requests,
        can_approve: who.role.can(Permission::ApproveRequests),
        categories: ReasonCategory::ALL,
        notice,
    })
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RotateForm {
    #[serde(default)]
    alg: String,
    #[serde(default)]
    category: String,
    #[serde(default)]
    detail: String,
}

/// `POST /admin/keys/rotate`: the next key of one algorithm (or all), as `civitas keys
/// rotate` does, recorded in the staff log in the same transaction. Needs a fresh passkey
/// verification.
pub async fn rotate(
    State(state): State<AppState>,
    lang: Lang,
    Extension(who): Extension<StaffSession>,
    form: Result<Form<RotateForm>, FormRejection>,
) -> Result<Response, AppError> {
    let o = ops_texts(lang);
    let now = state.clock.now();
    if !who.is_fresh(now) {
        return Ok(Redirect::to("/admin/signin").into_response());
    }
    let Form(form) = form.map_err(|e| AppError::BadRequest(e.body_text()))?;
    let algs: Vec<Alg> = match form.alg.as_str() {
        "all" => Alg::ALL.to_vec(),
        one => vec![
            Alg::parse(&one.to_uppercase())
                .ok_or_else(|| AppError::BadRequest(o.choose_keys.into()))?,
        ],
    };
    let reason = Reason::parse(&form.category, &form.detail)
        .ok_or_else(|| AppError::BadRequest(o.rotate_reason_required.into()))?;
    let me = staff::find_staff(&state.db, &who.staff_id)
        .await?
        .ok_or(AppError::Forbidden)?;
    // The refusal staff can act on, said before trying (`rotate_in` checks it again under
    // the key lock).
    if let Some(waiting) = signing_keys::find_signing_keys(&state.db)
        .await?
        .into_iter()
        .find(|k| {
            algs.iter().any(|a| a.as_str() == k.alg) && keyring::key_state(k, now) == KeyState::Next
        })
    {
        return Err(AppError::BadRequest(
            o.next_key_waits(waiting.alg, lang.date_time(waiting.activates_at)),
        ));
    }
    let dir = KeyDir::open(&state.config.keys.dir).map_err(AppError::Internal)?;
    let keys = &state.config.keys;
    crate::transaction!(state.db, AppError, |tx| {
        let added = keyring::rotate_in(
            tx,
            &dir,
            &Subject::new(state.config.issuer.host()),
            &algs,
            now,
            keys.prepublish,
            keys.retire_grace,
        )
        .await
        .map_err(AppError::Internal)?;
        let kids: Vec<&str> = added.iter().map(|k| k.kid.as_str()).collect();
        super::log::record(
            tx,
            &Action::by(&me, "rotate_keys", &kids.join(" "), &reason.logged(), now),
        )
        .await?;
        Ok(())
    })?;
    // This instance publishes the new keys at once; the others at their next refresh.
    if let Err(e) = state.keys.refresh().await {
        tracing::error!(error = %e, "keys rotated from the console but not loaded here");
    }
    Ok(Redirect::to("/admin/operator?done=rotated").into_response())
}
