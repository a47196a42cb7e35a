//! Signing in as a test person, for a sandbox client's request (`POST /signin/test-person`).
//!
//! This is a product feature, not a test shortcut. A developer runs a real code flow with
//! their sandbox client from the browser in which they are signed in as themselves: the
//! sandbox refuses their real identity, and offers the synthetic test persons of the registry
//! (`persons.test`) instead. Choosing one needs no credential, and that is safe only because
//! of what it can yield: a test person (never a real one), signed in for a waiting request
//! of a sandbox client (never a production one, which refuses test persons anyway), in this
//! browser's session. The sign-in replaces the browser's Civitas session (the developer's
//! own); the portal's session, which has its own cookie, is untouched.

use axum::{
    body::Bytes,
    extract::State,
    response::{IntoResponse, Redirect, Response},
};
use tower_sessions::Session;

use super::{ACR_SUBSTANTIAL, after_sign_in, record_event};
use crate::{
    crypto::secrets::random_token,
    error::AppError,
    oidc::authorize::{highest_acr, waiting},
    state::AppState,
    store::{Db, persons},
    web::{
        device::Device,
        i18n::Lang,
        sessions::{SignedIn, sign_in},
    },
};

/// How many test persons the chooser offers.
const CHOOSER_SIZE: i64 = 50;

/// What ID tokens say of a test person's sign-in (`amr`): nobody authenticated.
pub const AMR_TEST: &str = "test";

/// One test person in the chooser.
pub struct TestPersonOption {
    /// `persons.id`, what the form posts.
    pub id: String,
    /// Given names, family name and national ID.
    pub label: String,
}

/// The test persons to choose from, by national ID.
pub async fn options(db: &Db) -> Result<Vec<TestPersonOption>, sqlx::Error> {
    Ok(persons::find_test_persons(db, CHOOSER_SIZE)
        .await?
        .into_iter()
        .map(|p| TestPersonOption {
            label: format!("{} {} ({})", p.given_names, p.family_name, p.national_id),
            id: p.id,
        })
        .collect())
}

/// The chooser's form: the waiting request's id and the chosen person's id.
#[derive(Debug, PartialEq, Eq)]
struct TestPersonForm {
    continue_id: String,
    person: String,
}

impl TestPersonForm {
    /// Reads the form strictly: `continue` and `person`, each exactly once, nothing else.
    fn parse(body: &[u8]) -> Result<Self, String> {
        let (mut continue_id, mut person) = (None, None);
        for (k, v) in url::form_urlencoded::parse(body) {
            let slot = match k.as_ref() {
                "continue" => &mut continue_id,
                "person" => &mut person,
                other => {
                    return Err(format!(
                        "The form field {other} is unknown: this form takes only continue and \
                         person."
                    ));
                }
            };
            if slot.replace(v.into_owned()).is_some() {
                return Err(format!("The form field {k} is given twice: send it once."));
            }
        }
        let required = |v: Option<String>, name: &str, example: &str| {
            v.filter(|v| !v.is_empty()).ok_or_else(|| {
                format!("The form field {name} is missing: it is required ({example}).")
            })
        };
        Ok(Self {
            continue_id: required(
                continue_id,
                "continue",
                "the id of the waiting sign-in request, as in /signin?continue=ID",
            )?,
            person: required(
                person,
                "person",
                "the id of one of the test persons the page offers",
            )?,
        })
    }
}

/// `POST /signin/test-person`: signs the browser in as the chosen test person for a sandbox
/// client's waiting request, and goes on with it.
pub async fn signin(
    State(state): State<AppState>,
    session: Session,
    lang: Lang,
    device: Device,
    body: Bytes,
) -> Result<Response, AppError> {
    let t = lang.messages();
    let form = TestPersonForm::parse(&body).map_err(AppError::BadRequest)?;
    let now = state.clock.now();
    let pending = waiting(&session, &form.continue_id, now)
        .await?
        .ok_or_else(|| AppError::BadRequest(t.test_persons_no_request.to_owned()))?;
    if !pending.sandbox {
        return Err(AppError::BadRequest(t.test_persons_not_sandbox.to_owned()));
    }
    let person = persons::find_person(&state.db, &form.person)
        .await?
        .filter(|p| p.test)
        .ok_or_else(|| AppError::BadRequest(t.test_persons_unknown.to_owned()))?;
    let acr = highest_acr(&pending.request).unwrap_or(ACR_SUBSTANTIAL);
    sign_in(
        &session,
        &SignedIn {
            person_id: person.id.clone(),
            acr: acr.to_owned(),
            amr: vec![AMR_TEST.to_owned()],
            auth_time: now,
            sid: random_token(16),
        },
        &device,
    )
    .await?;
    record_event(
        &state.writer,
        &person.id,
        "signed_in",
        "Signed in as a test person for a sandbox service",
        now,
    )
    .await;
    Ok(Redirect::to(&after_sign_in(Some(&form.continue_id))).into_response())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_form_takes_continue_and_person_once_each_and_nothing_else() {
        assert_eq!(
            TestPersonForm::parse(b"continue=abc&person=p1"),
            Ok(TestPersonForm {
                continue_id: "abc".into(),
                person: "p1".into()
            })
        );
        let refused = |body: &[u8], names: &str| {
            let e = TestPersonForm::parse(body).expect_err("refused");
            assert!(e.contains(names), "{e}");
        };
        refused(b"continue=abc&person=p1&admin=1", "admin is unknown");
        refused(b"continue=abc&person=p1&person=p2", "person is given twice");
        refused(
            b"continue=abc&continue=abd&person=p1",
            "continue is given twice",
        );
        refused(b"continue=abc", "person is missing");
        refused(b"continue=&person=p1", "continue is missing");
    }
}

#[cfg(test)]
mod fuzz;
