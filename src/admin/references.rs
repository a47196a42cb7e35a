//! Looking up an error reference (`help::references`): a citizen reads out the reference an
//! error page showed, and staff see what happened, when, where and for which service. Every
//! lookup is in the staff log, with the reference looked up (which names no one).

use askama::Template;
use askama_web::WebTemplate;
use axum::{
    Extension,
    extract::{Form, State, rejection::FormRejection},
};
use serde::Deserialize;

use super::{
    StaffSession,
    citizens::member,
    log::Action,
    texts::{Texts, texts},
    texts_references::{RefTexts, ref_texts},
};
use crate::{
    error::AppError,
    help::references::Lookup,
    state::AppState,
    store::{clients, error_references as refs},
    web::{i18n::Lang, pages::Layout},
};

/// Records shown for one short reference (a second one is rare: 32 random bits).
const MATCHES_SHOWN: i64 = 10;

/// One recorded error, as staff read it.
pub struct Found {
    pub when: String,
    pub explanation: String,
    pub method: String,
    /// The route's template, or `None` for an address that does not exist.
    pub route: Option<String>,
    pub status: i64,
    /// The service's name and client_id.
    pub service: Option<String>,
    pub request_id: String,
}

#[derive(Template, WebTemplate)]
#[template(path = "admin/references.html")]
pub struct ReferencesPage {
    pub layout: Layout,
    pub a: &'static Texts,
    pub h: &'static RefTexts,
    /// What was typed, shown again.
    pub reference: String,
    pub searched: bool,
    pub found: Vec<Found>,
    pub error: Option<&'static str>,
}

impl ReferencesPage {
    fn new(lang: Lang) -> Self {
        Self {
            layout: Layout::new(lang, "/admin/references"),
            a: texts(lang),
            h: ref_texts(lang),
            reference: String::new(),
            searched: false,
            found: vec![],
            error: None,
        }
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LookupForm {
    #[serde(default)]
    reference: String,
}

/// `GET /admin/references`: the search form.
pub async fn lookup_page(lang: Lang) -> ReferencesPage {
    ReferencesPage::new(lang)
}

/// `POST /admin/references`: the errors recorded under a reference, in the staff log.
pub async fn lookup(
    State(state): State<AppState>,
    lang: Lang,
    Extension(who): Extension<StaffSession>,
    form: Result<Form<LookupForm>, FormRejection>,
) -> Result<ReferencesPage, AppError> {
    let Form(form) = form.map_err(|e| AppError::BadRequest(e.body_text()))?;
    let mut page = ReferencesPage::new(lang);
    page.reference = form.reference.trim().chars().take(64).collect();
    let Some(lookup) = Lookup::parse(&form.reference) else {
        page.error = Some(page.h.invalid);
        return Ok(page);
    };
    let (looked_up, rows) = match &lookup {
        Lookup::Full(id) => (
            id.as_str(),
            refs::find_error_reference(&state.db, id)
                .await?
                .into_iter()
                .collect(),
        ),
        Lookup::Short(short) => (
            short.as_str(),
            refs::find_error_references_by_short(&state.db, short, MATCHES_SHOWN).await?,
        ),
    };
    let me = member(&state, &who).await?;
    let now = state.clock.now();
    let outcome = format!("{} found", rows.len());
    crate::transaction!(state.db, AppError, |tx| {
        super::log::record(
            tx,
            &Action::by(&me, "look_up_reference", looked_up, &outcome, now),
        )
        .await?;
        Ok(())
    })?;
    page.searched = true;
    for r in rows {
        let service = match &r.client_id {
            Some(id) => Some(match clients::find_client(&state.db, id).await? {
                Some(c) => format!("{} ({id})", c.display_name),
                None => id.clone(),
            }),
            None => None,
        };
        page.found.push(Found {
            when: lang.date_time(r.at),
            explanation: page.h.explain(&r.kind, r.oauth_error.as_deref(), r.status),
            method: r.method,
            route: r.route,
            status: r.status,
            service,
            request_id: r.request_id,
        });
    }
    Ok(page)
}
