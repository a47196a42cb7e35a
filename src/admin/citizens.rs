//! Finding a citizen, opening their record (always with a reason, always shown in their own
//! history, counted by the insider guard), and the actions on their account. Each action
//! needs a reason; the risky ones wait for a second person (`admin::requests`).

use askama::Template;
use askama_web::WebTemplate;
use axum::{
    Extension,
    extract::{Form, Path, Query, State, rejection::FormRejection},
    http::StatusCode,
    response::{IntoResponse, Redirect, Response},
};
use serde::{Deserialize, Serialize};
use tower_sessions::Session;

use super::{
    StaffSession,
    log::{Action, Reason, ReasonCategory},
    texts::{Texts, texts},
};
use crate::{
    error::AppError,
    state::AppState,
    store::{accounts, oauth, persons, releases, staff},
    web::{i18n::Lang, pages::Layout},
};

/// Records this session opened, and when: the full record shows for this long after.
const OPENED: &str = "civitas.staff.opened";
const OPEN_FOR: i64 = 1800;

/// One search result: the minimum.
pub struct Found {
    pub person_id: String,
    pub name: String,
    pub birth_year: String,
    pub state: &'static str,
}

#[derive(Template, WebTemplate)]
#[template(path = "admin/citizens.html")]
pub struct FindPage {
    pub layout: Layout,
    pub a: &'static Texts,
    pub national_id: String,
    pub family_name: String,
    pub birth_date: String,
    pub searched: bool,
    pub found: Vec<Found>,
    pub categories: [ReasonCategory; 5],
    pub error: Option<&'static str>,
    /// The field at fault, marked invalid and described by the error.
    pub error_control: Option<&'static str>,
}

impl FindPage {
    /// The accessibility attributes of the field `control` (with hint `hint`, or "").
    pub fn attrs(&self, control: &str, hint: &str) -> String {
        crate::web::forms::field_attrs(self.error_control, control, hint)
    }
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct FindQuery {
    #[serde(default)]
    national_id: String,
    #[serde(default)]
    family_name: String,
    #[serde(default)]
    birth_date: String,
}

fn account_state(account: Option<&accounts::AccountRow>, now: i64) -> &'static str {
    match account {
        None => "not activated",
        Some(a) if a.locked_until.is_some_and(|u| u > now) => "locked",
        Some(a) if a.status != "active" => "disabled",
        Some(_) => "active",
    }
}

/// `GET /admin/citizens`: the search form.
pub async fn find_page(lang: Lang) -> FindPage {
    FindPage {
        layout: Layout::new(lang, "/admin/citizens"),
        a: texts(lang),
        national_id: String::new(),
        family_name: String::new(),
        birth_date: String::new(),
        searched: false,
        found: vec![],
        categories: ReasonCategory::ALL,
        error: None,
        error_control: None,
    }
}

/// `POST /admin/citizens`: by national ID (exact), or family name and birth date. A form post,
/// so national IDs never travel in URLs (browser history, proxies); each search is in the
/// staff log (how it searched, never what it searched for).
pub async fn find(
    State(state): State<AppState>,
    lang: Lang,
    Extension(who): Extension<StaffSession>,
    form: Result<Form<FindQuery>, FormRejection>,
) -> Result<FindPage, AppError> {
    let Form(q) = form.map_err(|e| AppError::BadRequest(e.body_text()))?;
    let now = state.clock.now();
    let national_id = q.national_id.trim().to_uppercase();
    let (family_name, birth_date) = (q.family_name.trim(), q.birth_date.trim());
    let mut error = None;
    let people = if !national_id.is_empty() {
        crate::authn::person_by_typed_national_id(&state.db, &national_id)
            .await?
            .into_iter()
            .collect()
    } else if !family_name.is_empty() && !birth_date.is_empty() {
        if time::Date::parse(
            birth_date,
            &time::format_description::well_known::Iso8601::DATE,
        )
        .is_err()
        {
            error = Some((texts(lang).birth_date_format, "birth_date"));
            vec![]
        } else {
            persons::find_persons_by_name_and_birth_date(&state.db, family_name, birth_date).await?
        }
    } else {
        vec![]
    };
    let searched = !national_id.is_empty() || !family_name.is_empty();
    if searched {
        let me = member(&state, &who).await?;
        let how = if national_id.is_empty() {
            "by family name and birth date"
        } else {
            "by national ID"
        };
        crate::transaction!(state.db, AppError, |tx| {
            super::log::record(tx, &Action::by(&me, "search", "", how, now)).await?;
            Ok(())
        })?;
    }
    if searched && national_id.is_empty() && (family_name.is_empty() || birth_date.is_empty()) {
        let missing = if family_name.is_empty() {
            "family_name"
        } else {
            "birth_date"
        };
        error = Some((texts(lang).search_needs, missing));
    }
    let mut found = Vec::with_capacity(people.len());
    for p in people {
        let account = accounts::find_account_by_person(&state.db, &p.id).await?;
        found.push(Found {
            name: format!("{} {}", p.given_names, p.family_name),
            birth_year: p.birth_date.get(..4).unwrap_or("").to_owned(),
            state: account_state(account.as_ref(), now),
            person_id: p.id,
        });
    }
    Ok(FindPage {
        layout: Layout::new(lang, "/admin/citizens"),
        a: texts(lang),
        national_id,
        family_name: family_name.to_owned(),
        birth_date: birth_date.to_owned(),
        searched,
        found,
        categories: ReasonCategory::ALL,
        error: error.map(|(message, _)| message),
        error_control: error.map(|(_, control)| control),
    })
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ReasonForm {
    #[serde(default)]
    pub person_id: String,
    #[serde(default)]
    pub category: String,
    #[serde(default)]
    pub detail: String,
}

#[derive(Serialize, Deserialize, Default)]
struct Opened(Vec<(String, i64)>);

pub(super) async fn member(
    state: &AppState,
    who: &StaffSession,
) -> Result<staff::StaffRow, AppError> {
    staff::find_staff(&state.db, &who.staff_id)
        .await?
        .ok_or(AppError::Forbidden)
}

/// `POST /admin/citizens/open`: the full record, only with a reason; the citizen sees it.
pub async fn open(
    State(state): State<AppState>,
    session: Session,
    lang: Lang,
    Extension(who): Extension<StaffSession>,
    form: Result<Form<ReasonForm>, FormRejection>,
) -> Result<Response, AppError> {
    let Form(form) = form.map_err(|e| AppError::BadRequest(e.body_text()))?;
    let Some(reason) = Reason::parse(&form.category, &form.detail) else {
        return Err(AppError::BadRequest(texts(lang).reason_required.into()));
    };
    let person = persons::find_person(&state.db, &form.person_id)
        .await?
        .ok_or(AppError::NotFound)?;
    let now = state.clock.now();
    let me = member(&state, &who).await?;
    crate::transaction!(state.db, AppError, |tx| {
        on_citizen(
            tx,
            &me,
            "open_record",
            &person.id,
            &reason,
            "The helpdesk opened your account",
            now,
        )
        .await?;
        Ok(())
    })?;
    // The insider guard: more openings in an hour than the configured number lock the member.
    let limit = i64::from(state.config.admin.record_openings_per_hour);
    let opened =
        staff::count_staff_actions_since(&state.db, &me.id, "open_record", now - 3600).await?;
    if opened > limit {
        let why = format!("insider guard: {opened} record openings within an hour (limit {limit})");
        crate::transaction!(state.db, AppError, |tx| {
            staff::update_staff_status(tx, &me.id, "locked", Some(&why)).await?;
            super::log::record(
                tx,
                &Action::by(&me, "insider_guard_lock", &me.id, &why, now),
            )
            .await?;
            Ok(())
        })?;
        tracing::error!(
            staff = %me.pseudonym,
            opened,
            limit,
            "ALERT insider guard: staff account locked after too many record openings"
        );
        session.flush().await?;
        return Ok((StatusCode::FORBIDDEN, texts(lang).guard_locked).into_response());
    }
    let mut list: Opened = session.get(OPENED).await?.unwrap_or_default();
    list.0
        .retain(|(id, at)| *id != person.id && now - *at < OPEN_FOR);
    list.0.push((person.id.clone(), now));
    session.insert(OPENED, list).await?;
    Ok(Redirect::to(&format!("/admin/citizens/{}", person.id)).into_response())
}

/// Records `action` on the citizen `person_id` in the staff log and in the citizen's history,
/// where they read `sentence` and the reason's category.
pub(super) async fn on_citizen(
    tx: &mut crate::store::Tx,
    me: &staff::StaffRow,
    action: &str,
    person_id: &str,
    reason: &Reason,
    sentence: &str,
    now: i64,
) -> Result<(), sqlx::Error> {
    super::log::record(
        tx,
        &Action {
            staff_id: &me.id,
            pseudonym: &me.pseudonym,
            action,
            subject: person_id,
            reason: &reason.logged(),
            citizen: Some((person_id, sentence, reason.category)),
            at: now,
        },
    )
    .await
    .map(drop)
}

/// Whether this session opened the record (with a reason) recently.
pub(super) async fn is_open(
    session: &Session,
    person_id: &str,
    now: i64,
) -> Result<bool, AppError> {
    let list: Opened = session.get(OPENED).await?.unwrap_or_default();
    Ok(list
        .0
        .iter()
        .any(|(id, at)| id == person_id && now - at < OPEN_FOR))
}

pub struct PasskeyLine {
    pub credential_id: String,
    pub name: String,
    pub created: String,
    pub last_used: String,
}

#[derive(Template, WebTemplate)]
#[template(path = "admin/citizen.html")]
pub struct RecordPage {
    pub layout: Layout,
    pub a: &'static Texts,
    pub person_id: String,
    pub name: String,
    pub national_id: String,
    pub birth_date: String,
    pub address: String,
    pub state: &'static str,
    pub lock_reason: String,
    pub passkeys: Vec<PasskeyLine>,
    /// Services that may see the citizen's data: (client id, name, scopes).
    pub services: Vec<(String, String, String)>,
    /// The newest releases, to read through with the citizen: (time, service, claims).
    pub releases: Vec<(String, String, String)>,
    pub history: Vec<(String, String)>,
    pub categories: [ReasonCategory; 5],
    pub notice: Option<&'static str>,
}

#[derive(Deserialize, Default)]
pub struct NoticeQuery {
    #[serde(default)]
    done: String,
}

/// `GET /admin/citizens/{id}`: the full record, once opened with a reason.
pub async fn record(
    State(state): State<AppState>,
    session: Session,
    lang: Lang,
    Path(person_id): Path<String>,
    Query(q): Query<NoticeQuery>,
) -> Result<Response, AppError> {
    let now = state.clock.now();
    if !is_open(&session, &person_id, now).await? {
        return Ok(Redirect::to("/admin/citizens").into_response());
    }
    let person = persons::find_person(&state.db, &person_id)
        .await?
        .ok_or(AppError::NotFound)?;
    let account = accounts::find_account_by_person(&state.db, &person.id).await?;
    let passkeys = match &account {
        Some(a) => accounts::find_passkeys_of_account(&state.db, &a.id)
            .await?
            .into_iter()
            .map(|p| PasskeyLine {
                credential_id: p.credential_id,
                name: p.name,
                created: lang.date_time(p.created_at),
                last_used: p
                    .last_used_at
                    .map(crate::clock::rfc3339)
                    .unwrap_or_default(),
            })
            .collect(),
        None => vec![],
    };
    let history = accounts::find_security_events(&state.db, &person.id)
        .await?
        .into_iter()
        .take(30)
        .map(|e| {
            let what = crate::account::events::event_in_words(&e.kind, &e.detail, lang);
            (lang.date_time(e.created_at), what)
        })
        .collect();
    let services = oauth::find_consents_of_person(&state.db, &person.id, now)
        .await?
        .into_iter()
        .map(|c| (c.client_id, c.display_name, c.scopes))
        .collect();
    let releases = releases::find_releases_of_person(&state.db, &person.id, None, None, 20)
        .await?
        .into_iter()
        .map(|r| (lang.date_time(r.created_at), r.client_name, r.claims))
        .collect();
    let a = texts(lang);
    let notice = match q.done.as_str() {
        "unlock" => Some(a.done_unlock),
        "lock" => Some(a.done_lock),
        "sessions" => Some(a.done_sessions),
        "passkey" => Some(a.done_passkey),
        "consent" => Some(a.done_consent),
        "requested" => Some(a.done_requested),
        _ => None,
    };
    Ok(RecordPage {
        layout: Layout::new(lang, "/admin/citizens"),
        a,
        name: format!("{} {}", person.given_names, person.family_name),
        national_id: person.national_id.clone(),
        birth_date: person.birth_date.clone(),
        address: format!(
            "{}, {} {}, {}",
            person.street_address, person.postal_code, person.locality, person.country
        ),
        state: account_state(account.as_ref(), now),
        lock_reason: account
            .as_ref()
            .and_then(|a| a.lock_reason.clone())
            .unwrap_or_default(),
        passkeys,
        services,
        releases,
        history,
        categories: ReasonCategory::ALL,
        notice,
        person_id: person.id,
    }
    .into_response())
}
