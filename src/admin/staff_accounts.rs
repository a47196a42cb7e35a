//! Staff accounts in the console (operators): who has access, in which role and state;
//! disable a member, or restore one (a member the insider guard locked, or a disabled one).
//! Each with a reason, in the staff log, with a fresh passkey verification. Enrolment links
//! (new members, renewed links) come only from `civitas staff create|link` on a server: an
//! operator who could see a link in the console could enrol as that member and become the
//! second pair of eyes that four-eyes requests rely on.

use askama::Template;
use askama_web::WebTemplate;
use axum::{
    Extension,
    extract::{Form, Path, Query, State, rejection::FormRejection},
    response::{IntoResponse, Redirect, Response},
};
use serde::Deserialize;

use super::{
    StaffSession,
    log::{Action, Reason, ReasonCategory},
    texts::{Texts, texts},
};
use crate::{
    error::AppError,
    state::AppState,
    store::staff,
    web::{i18n::Lang, pages::Layout},
};

pub struct MemberLine {
    pub id: String,
    pub name: String,
    pub role: String,
    pub pseudonym: String,
    pub status: String,
    /// The status in the page's language.
    pub shown_status: &'static str,
    pub status_reason: String,
    pub created: String,
    pub is_me: bool,
}

#[derive(Template, WebTemplate)]
#[template(path = "admin/staff.html")]
pub struct StaffPage {
    pub layout: Layout,
    pub a: &'static Texts,
    pub members: Vec<MemberLine>,
    pub categories: [ReasonCategory; 5],
    pub notice: Option<&'static str>,
}

#[derive(Deserialize, Default)]
pub struct DoneQuery {
    #[serde(default)]
    done: String,
}

/// `GET /admin/staff`
pub async fn list(
    State(state): State<AppState>,
    lang: Lang,
    Extension(who): Extension<StaffSession>,
    Query(q): Query<DoneQuery>,
) -> Result<StaffPage, AppError> {
    let a = texts(lang);
    let members = staff::find_all_staff(&state.db)
        .await?
        .into_iter()
        .map(|m| MemberLine {
            is_me: m.id == who.staff_id,
            created: lang.date_time(m.created_at),
            status_reason: m.status_reason.unwrap_or_default(),
            shown_status: a.staff_status(&m.status),
            id: m.id,
            name: m.name,
            role: m.role,
            pseudonym: m.pseudonym,
            status: m.status,
        })
        .collect();
    Ok(StaffPage {
        layout: Layout::new(lang, "/admin/staff"),
        a,
        members,
        categories: ReasonCategory::ALL,
        notice: match q.done.as_str() {
            "disable" => Some(a.staff_done_disable),
            "enable" => Some(a.staff_done_enable),
            _ => None,
        },
    })
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ReasonOnly {
    #[serde(default)]
    category: String,
    #[serde(default)]
    detail: String,
}

/// What every change to a member checks first: a fresh verification, a reason, a member
/// other than oneself.
async fn prepare(
    state: &AppState,
    who: &StaffSession,
    lang: Lang,
    id: &str,
    form: Result<Form<ReasonOnly>, FormRejection>,
) -> Result<Result<(Reason, staff::StaffRow, staff::StaffRow), Response>, AppError> {
    if !who.is_fresh(state.clock.now()) {
        return Ok(Err(Redirect::to("/admin/signin").into_response()));
    }
    let a = texts(lang);
    let Form(form) = form.map_err(|e| AppError::BadRequest(e.body_text()))?;
    let reason = Reason::parse(&form.category, &form.detail)
        .ok_or_else(|| AppError::BadRequest(a.reason_required.into()))?;
    if id == who.staff_id {
        return Err(AppError::BadRequest(a.staff_not_self.into()));
    }
    let member = staff::find_staff(&state.db, id)
        .await?
        .ok_or(AppError::NotFound)?;
    let me = staff::find_staff(&state.db, &who.staff_id)
        .await?
        .ok_or(AppError::Forbidden)?;
    Ok(Ok((reason, member, me)))
}

/// `POST /admin/staff/{id}/disable` and `/enable`: disabling takes effect at the member's
/// next request; enabling restores a disabled member or one the insider guard locked.
pub async fn set_status(
    State(state): State<AppState>,
    lang: Lang,
    Extension(who): Extension<StaffSession>,
    Path((id, change)): Path<(String, String)>,
    form: Result<Form<ReasonOnly>, FormRejection>,
) -> Result<Response, AppError> {
    let status = match change.as_str() {
        "disable" => "disabled",
        "enable" => "active",
        _ => return Err(AppError::NotFound),
    };
    let (reason, member, me) = match prepare(&state, &who, lang, &id, form).await? {
        Ok(found) => found,
        Err(redirect) => return Ok(redirect),
    };
    if member.status == "enrolling" {
        return Err(AppError::BadRequest(texts(lang).staff_enrolling.into()));
    }
    let now = state.clock.now();
    crate::transaction!(state.db, AppError, |tx| {
        let why = (status == "disabled").then(|| reason.logged());
        staff::update_staff_status(tx, &member.id, status, why.as_deref()).await?;
        super::log::record(
            tx,
            &Action::by(
                &me,
                &format!("staff_{change}"),
                &member.id,
                &reason.logged(),
                now,
            ),
        )
        .await?;
        Ok(())
    })?;
    Ok(Redirect::to(&format!("/admin/staff?done={change}")).into_response())
}
