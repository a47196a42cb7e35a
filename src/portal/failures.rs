//! "Test my integration" (`GET /portal/clients/{id}/test`): the client's failed authorization
//! and token requests of the last 24 hours, from every instance, newest first, each with the
//! rule it broke and how to fix it (`oidc::client_failures`); and, for a sandbox client, the
//! way to a test sign-in.

use askama::Template;
use askama_web::WebTemplate;
use axum::{
    Extension,
    extract::{Path, State},
};

use super::{Action, Developer, client_for};
use crate::{
    error::AppError,
    oidc::client_failures::{Endpoint, FailureKind, KEEP, KEPT_FOR, PER_MINUTE},
    state::AppState,
    store::{client_failures, clients::ClientRow},
    web::{i18n::Lang, pages::Layout},
};

/// One failed request as the page shows it.
pub struct FailureLine {
    /// RFC 3339, UTC (the `datetime`).
    pub when: String,
    /// `2026-12-05 14:03:09`, UTC (what people read).
    pub shown: String,
    /// The endpoint's path.
    pub endpoint: String,
    pub error: String,
    pub rule: String,
    pub fix: &'static str,
}

#[derive(Template, WebTemplate)]
#[template(path = "portal/failures.html")]
pub struct TestPage {
    pub layout: Layout,
    pub client: ClientRow,
    pub failures: Vec<FailureLine>,
    /// A sandbox client and a role that may run a test sign-in.
    pub can_test_sign_in: bool,
    pub keep: i64,
    pub per_minute: u32,
}

/// `GET /portal/clients/{id}/test`
pub async fn test_page(
    State(state): State<AppState>,
    Extension(who): Extension<Developer>,
    lang: Lang,
    Path(id): Path<String>,
) -> Result<TestPage, AppError> {
    let (client, role) = client_for(&state, &who, &id, Action::Read).await?;
    let since = state.clock.now() - KEPT_FOR;
    let failures = client_failures::find_client_failures(&state.db, &client.id, since, KEEP)
        .await?
        .into_iter()
        .map(|f| FailureLine {
            when: crate::clock::rfc3339(f.at),
            shown: lang.date_time_seconds(f.at),
            endpoint: Endpoint::shown(&f.endpoint),
            fix: FailureKind::from_key(&f.kind).fix(),
            error: f.error,
            rule: f.rule,
        })
        .collect();
    Ok(TestPage {
        layout: Layout::new(lang, "/portal"),
        can_test_sign_in: client.is_sandbox() && role.can(Action::Test),
        client,
        failures,
        keep: KEEP,
        per_minute: PER_MINUTE,
    })
}
