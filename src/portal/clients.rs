//! Clients in the portal: one form for everything registration supports, checked by the same
//! code as RFC 7591 (`oidc::registration::parse_metadata`, then `oidc::clients::validate`);
//! sandbox clients work at once; "Submit for production" files an application for the
//! console's review queue, and approval registers (or updates) the production client
//! ([`register_approved`]). A production client's settings change only through a new
//! review, except its keys, its secret, and redirect URIs on hosts already approved.

use std::collections::BTreeSet;

use askama::Template;
use askama_web::WebTemplate;
use axum::{
    Extension,
    body::Bytes,
    extract::{Path, State},
    response::{IntoResponse, Redirect, Response},
};
use serde_json::{Value, json};
use tower_sessions::Session;

use super::{Action, Developer, Role, actor, authorise, client_for, record, text_field};
use crate::{
    error::AppError,
    oidc::{
        self,
        clients::{Environment, InvalidClient, RESTRICTED_SCOPES, SCOPES},
        redirect_uri::RedirectUri,
    },
    state::AppState,
    store::{
        Tx,
        client_applications::{self, ClientApplicationRow},
        clients::{self, ClientRow},
        portal,
    },
    web::{i18n::Lang, pages::Layout},
};

use super::texts::PortalTexts;

/// Where a secret waits, once, to be shown on the client's page.
pub fn secret_flash_key(client_id: &str) -> String {
    format!("civitas.portal.secret.{client_id}")
}

/// The assurance levels a client may require, with their names in `p`'s language.
pub fn acr_choices(p: &PortalTexts) -> [(&'static str, &'static str); 3] {
    [
        ("urn:civitas:loa:low", p.assurance_low),
        ("urn:civitas:loa:substantial", p.assurance_substantial),
        ("urn:civitas:loa:high", p.assurance_high),
    ]
}

/// The form's values, as typed (re-shown with the error when they do not validate).
#[derive(Clone, Debug, Default)]
pub struct ClientForm {
    pub client_name: String,
    pub purpose: String,
    pub logo_uri: String,
    pub application_type: String,
    pub redirect_uris: String,
    pub post_logout_redirect_uris: String,
    pub auth_method: String,
    pub jwks: String,
    pub jwks_uri: String,
    pub id_token_alg: String,
    pub scopes: BTreeSet<String>,
    pub optional_scopes: BTreeSet<String>,
    pub min_acr: String,
    pub refresh_tokens: bool,
    /// The FAPI 2.0 profile.
    pub fapi: bool,
    pub id_token_enc_alg: String,
    pub userinfo_signed_alg: String,
    pub userinfo_enc_alg: String,
    pub backchannel_logout_uri: String,
}

fn lines(text: &str) -> Vec<String> {
    text.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .map(str::to_owned)
        .collect()
}

fn opt(v: &str) -> Option<String> {
    let v = v.trim();
    (!v.is_empty()).then(|| v.to_owned())
}

/// Every key the client form may send; any other is refused.
const FORM_KEYS: &[&str] = &[
    "client_name",
    "purpose",
    "logo_uri",
    "application_type",
    "redirect_uris",
    "post_logout_redirect_uris",
    "token_endpoint_auth_method",
    "jwks",
    "jwks_uri",
    "id_token_signed_response_alg",
    "scope",
    "optional_scope",
    "default_acr_value",
    "refresh_tokens",
    "fapi",
    "id_token_encrypted_response_alg",
    "userinfo_signed_response_alg",
    "userinfo_encrypted_response_alg",
    "backchannel_logout_uri",
];

impl ClientForm {
    /// Reads the posted form strictly: known keys only, each text field once (refusals in
    /// `p`'s language).
    pub fn parse(body: &[u8], p: &PortalTexts) -> Result<Self, AppError> {
        let mut f = ClientForm::default();
        let mut seen = BTreeSet::new();
        for (k, v) in url::form_urlencoded::parse(body) {
            if !FORM_KEYS.contains(&k.as_ref()) {
                return Err(AppError::BadRequest(p.form_field_unknown(k.as_ref())));
            }
            let repeatable = matches!(k.as_ref(), "scope" | "optional_scope");
            if !repeatable && !seen.insert(k.to_string()) {
                return Err(AppError::BadRequest(p.form_field_twice(k.as_ref())));
            }
            let v = v.into_owned();
            match k.as_ref() {
                "client_name" => f.client_name = v,
                "purpose" => f.purpose = v,
                "logo_uri" => f.logo_uri = v,
                "application_type" => f.application_type = v,
                "redirect_uris" => f.redirect_uris = v,
                "post_logout_redirect_uris" => f.post_logout_redirect_uris = v,
                "token_endpoint_auth_method" => f.auth_method = v,
                "jwks" => f.jwks = v,
                "jwks_uri" => f.jwks_uri = v,
                "id_token_signed_response_alg" => f.id_token_alg = v,
                "scope" => {
                    f.scopes.insert(v);
                }
                "optional_scope" => {
                    f.optional_scopes.insert(v);
                }
                "default_acr_value" => f.min_acr = v,
                "fapi" => f.fapi = v == "on",
                "id_token_encrypted_response_alg" => f.id_token_enc_alg = v,
                "userinfo_signed_response_alg" => f.userinfo_signed_alg = v,
                "userinfo_encrypted_response_alg" => f.userinfo_enc_alg = v,
                "backchannel_logout_uri" => f.backchannel_logout_uri = v,
                _ => f.refresh_tokens = v == "on",
            }
        }
        Ok(f)
    }

    /// The form as RFC 7591 metadata (what `/register` accepts).
    pub fn metadata(&self) -> Value {
        let mut m = json!({
            "client_name": self.client_name,
            "purpose": self.purpose,
            "redirect_uris": lines(&self.redirect_uris),
            "post_logout_redirect_uris": lines(&self.post_logout_redirect_uris),
            "scope": self.scopes.iter().cloned().collect::<Vec<_>>().join(" "),
            "grant_types": if self.refresh_tokens {
                json!(["authorization_code", "refresh_token"])
            } else {
                json!(["authorization_code"])
            },
        });
        let Value::Object(map) = &mut m else {
            return m;
        };
        let mut put = |k: &str, v: &str| {
            if let Some(v) = opt(v) {
                map.insert(k.into(), json!(v));
            }
        };
        put("logo_uri", &self.logo_uri);
        put("application_type", &self.application_type);
        put("token_endpoint_auth_method", &self.auth_method);
        put("jwks_uri", &self.jwks_uri);
        put("id_token_signed_response_alg", &self.id_token_alg);
        put("userinfo_signed_response_alg", &self.userinfo_signed_alg);
        put("backchannel_logout_uri", &self.backchannel_logout_uri);
        for (alg, field) in [
            (&self.id_token_enc_alg, "id_token_encrypted_response"),
            (&self.userinfo_enc_alg, "userinfo_encrypted_response"),
        ] {
            if opt(alg).is_some() {
                put(&format!("{field}_alg"), alg);
                put(&format!("{field}_enc"), "A256GCM");
            }
        }
        if self.fapi {
            map.insert("profile".into(), json!("fapi2"));
        }
        if !self.optional_scopes.is_empty() {
            let v = self
                .optional_scopes
                .iter()
                .cloned()
                .collect::<Vec<_>>()
                .join(" ");
            map.insert("optional_scope".into(), json!(v));
        }
        if let Some(acr) = opt(&self.min_acr) {
            map.insert("default_acr_values".into(), json!([acr]));
        }
        if let Some(jwks) = opt(&self.jwks) {
            // Not JSON: handed on as a string, which the shared rules reject by name.
            let v = serde_json::from_str::<Value>(&jwks).unwrap_or(Value::String(jwks));
            map.insert("jwks".into(), v);
        }
        m
    }

    /// The form filled from a registered client.
    pub fn of(row: &ClientRow, redirect_uris: &[String], logout_uris: &[String]) -> Self {
        let split = |s: &str| -> BTreeSet<String> {
            s.split(' ')
                .filter(|x| !x.is_empty() && *x != "openid")
                .map(str::to_owned)
                .collect()
        };
        ClientForm {
            client_name: row.display_name.clone(),
            purpose: row.purpose.clone(),
            logo_uri: row.logo_uri.clone().unwrap_or_default(),
            application_type: row.application_type.clone(),
            redirect_uris: redirect_uris.join("\n"),
            post_logout_redirect_uris: logout_uris.join("\n"),
            auth_method: row.auth_method.clone(),
            jwks: row.jwks.clone().unwrap_or_default(),
            jwks_uri: row.jwks_uri.clone().unwrap_or_default(),
            id_token_alg: row.id_token_alg.clone(),
            scopes: split(&row.scopes),
            optional_scopes: split(&row.optional_scopes),
            min_acr: row.min_acr.clone().unwrap_or_default(),
            refresh_tokens: row.has_refresh_grant(),
            fapi: row.is_fapi(),
            id_token_enc_alg: row.options.id_token_enc_alg.clone().unwrap_or_default(),
            userinfo_signed_alg: row.options.userinfo_signed_alg.clone().unwrap_or_default(),
            userinfo_enc_alg: row.options.userinfo_enc_alg.clone().unwrap_or_default(),
            backchannel_logout_uri: row
                .options
                .backchannel_logout_uri
                .clone()
                .unwrap_or_default(),
        }
    }
}

/// A registration error as the developer reads it: the field, the rule and a valid example.
pub fn explain(e: &InvalidClient) -> String {
    e.to_string()
}

/// Why the registration rules refused a client's settings: the message, and the form control
/// at fault when the rule names one.
#[derive(Debug)]
pub struct Refusal {
    pub control: Option<&'static str>,
    pub message: String,
}

impl std::fmt::Display for Refusal {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message)
    }
}

impl From<InvalidClient> for Refusal {
    fn from(e: InvalidClient) -> Self {
        Refusal {
            control: Some(control_of(e.field)),
            message: explain(&e),
        }
    }
}

/// The form control (its `id`) where a registration field is typed or chosen.
fn control_of(field: &'static str) -> &'static str {
    match field {
        "profile" | "require_pushed_authorization_requests" | "dpop_bound_access_tokens" => "fapi",
        "id_token_encrypted_response_enc" => "id_token_encrypted_response_alg",
        "userinfo_encrypted_response_enc" => "userinfo_encrypted_response_alg",
        "grant_types" => "refresh_tokens",
        "default_acr_values" => "default_acr_value",
        "sector_identifier" => "redirect_uris",
        other => other,
    }
}

/// Checks metadata with the rules `/register` applies, for `environment`.
pub fn check(
    metadata: &Value,
    environment: Environment,
) -> Result<oidc::clients::ValidClient, Refusal> {
    let body = serde_json::to_vec(metadata).unwrap_or_default();
    let mut request = oidc::registration::parse_metadata(&body).map_err(|e| Refusal {
        control: None,
        message: e.description,
    })?;
    request.environment = environment;
    // Restricted scopes: free in the sandbox (test persons only), granted at review for
    // production (the review itself is the operator's decision).
    oidc::clients::validate(&request, environment == Environment::Production).map_err(Refusal::from)
}

#[derive(Template, WebTemplate)]
#[template(path = "portal/client_form.html")]
pub struct ClientFormPage {
    pub layout: Layout,
    pub title: String,
    pub action: String,
    pub form: ClientForm,
    pub error: Option<String>,
    /// The control at fault, marked invalid and described by the error.
    pub error_control: Option<&'static str>,
    pub scopes: Vec<&'static str>,
    pub acr_choices: [(&'static str, &'static str); 3],
    pub enc_algs: &'static [&'static str],
}

impl ClientFormPage {
    fn new(lang: Lang, title: String, action: String, form: ClientForm) -> Self {
        ClientFormPage {
            layout: Layout::new(lang, "/portal"),
            title,
            action,
            form,
            error: None,
            error_control: None,
            scopes: SCOPES.iter().copied().filter(|s| *s != "openid").collect(),
            acr_choices: acr_choices(&lang.catalogue().portal),
            enc_algs: oidc::clients::ENCRYPTION_ALGS,
        }
    }

    fn refuse(&mut self, refusal: Refusal) {
        self.error = Some(refusal.message);
        self.error_control = refusal.control;
    }

    /// The accessibility attributes of the control `control` (with hint `hint`, or "").
    pub fn attrs(&self, control: &str, hint: &str) -> String {
        crate::web::forms::field_attrs(self.error_control, control, hint)
    }

    pub fn has_scope(&self, s: &&str) -> bool {
        self.form.scopes.contains(*s)
    }

    pub fn is_optional(&self, s: &&str) -> bool {
        self.form.optional_scopes.contains(*s)
    }

    pub fn is_restricted(&self, s: &&str) -> bool {
        RESTRICTED_SCOPES.contains(s)
    }
}

/// `GET /portal/organisations/{id}/clients/new`
pub async fn new_page(
    State(state): State<AppState>,
    Extension(who): Extension<Developer>,
    lang: Lang,
    Path(org): Path<String>,
) -> Result<ClientFormPage, AppError> {
    authorise(&state, &who, &org, Action::EditSandbox).await?;
    let form = ClientForm {
        application_type: "web".into(),
        auth_method: "client_secret_basic".into(),
        id_token_alg: "ES256".into(),
        scopes: BTreeSet::from(["profile".to_owned()]),
        ..Default::default()
    };
    Ok(ClientFormPage::new(
        lang,
        lang.catalogue().portal.register_sandbox_client.into(),
        format!("/portal/organisations/{org}/clients"),
        form,
    ))
}

/// `POST /portal/organisations/{id}/clients`: registers a sandbox client; its secret is shown
/// once on its page.
pub async fn create(
    State(state): State<AppState>,
    Extension(who): Extension<Developer>,
    session: Session,
    lang: Lang,
    Path(org): Path<String>,
    body: Bytes,
) -> Result<Response, AppError> {
    authorise(&state, &who, &org, Action::EditSandbox).await?;
    let p = &lang.catalogue().portal;
    let form = ClientForm::parse(&body, p)?;
    let valid = match check(&form.metadata(), Environment::Sandbox) {
        Ok(v) => v,
        Err(refusal) => {
            let mut page = ClientFormPage::new(
                lang,
                p.register_sandbox_client.into(),
                format!("/portal/organisations/{org}/clients"),
                form,
            );
            page.refuse(refusal);
            return Ok((axum::http::StatusCode::BAD_REQUEST, page).into_response());
        }
    };
    let now = state.clock.now();
    let created = crate::transaction!(state.db, AppError, |tx| {
        let created = oidc::clients::create_in(tx, &valid, now).await?;
        clients::update_client_organisation(tx, &created.row.id, &org).await?;
        record(
            tx,
            &org,
            &actor(&who),
            "create_sandbox_client",
            &created.row.id,
            &created.row.display_name,
            now,
        )
        .await?;
        Ok(created)
    })?;
    if let Some(secret) = created.secret {
        session
            .insert(&secret_flash_key(&created.row.id), secret)
            .await?;
    }
    Ok(Redirect::to(&format!("/portal/clients/{}", created.row.id)).into_response())
}

pub struct ApplicationLine {
    pub row: ClientApplicationRow,
    pub submitted: String,
    pub decided: Option<String>,
}

#[derive(Template, WebTemplate)]
#[template(path = "portal/client.html")]
pub struct ClientPage {
    pub layout: Layout,
    pub client: ClientRow,
    pub org: portal::OrganisationRow,
    pub role: Role,
    pub redirect_uris: Vec<String>,
    pub logout_uris: Vec<String>,
    /// Shown once, right after creation or rotation.
    pub secret: Option<String>,
    /// For a sandbox client: its production client, once approved.
    pub production: Option<ClientRow>,
    /// For a production client: the sandbox client it was reviewed from.
    pub applications: Vec<ApplicationLine>,
    pub discovery_url: String,
}

impl ClientPage {
    pub fn can(&self, a: &str) -> bool {
        let action = match a {
            "keys" => Action::ManageKeys,
            "submit" => Action::SubmitForProduction,
            "edit" => Action::EditSandbox,
            "test" => Action::Test,
            _ => Action::Read,
        };
        self.role.can(action)
    }

    pub fn has_pending(&self) -> bool {
        self.applications.iter().any(|a| a.row.status == "pending")
    }
}

/// `GET /portal/clients/{id}`
pub async fn show(
    State(state): State<AppState>,
    Extension(who): Extension<Developer>,
    session: Session,
    lang: Lang,
    Path(id): Path<String>,
) -> Result<ClientPage, AppError> {
    let (client, role) = client_for(&state, &who, &id, Action::Read).await?;
    let org_id = client.organisation_id.clone().unwrap_or_default();
    let org = portal::find_organisation(&state.db, &org_id)
        .await?
        .ok_or(AppError::NotFound)?;
    let secret: Option<String> = session.remove(&secret_flash_key(&id)).await?;
    let sandbox_id = if client.is_sandbox() {
        Some(client.id.clone())
    } else {
        client.sandbox_client_id.clone()
    };
    let applications = match &sandbox_id {
        Some(s) => client_applications::find_client_applications_of_sandbox(&state.db, s)
            .await?
            .into_iter()
            .map(|row| ApplicationLine {
                submitted: lang.date_time(row.submitted_at),
                decided: row.decided_at.map(|at| lang.date_time(at)),
                row,
            })
            .collect(),
        None => Vec::new(),
    };
    let production = if client.is_sandbox() {
        clients::find_production_client_of(&state.db, &client.id).await?
    } else {
        None
    };
    Ok(ClientPage {
        layout: Layout::new(lang, "/portal"),
        redirect_uris: clients::find_client_redirect_uris(&state.db, &id, "login").await?,
        logout_uris: clients::find_client_redirect_uris(&state.db, &id, "logout").await?,
        discovery_url: state
            .config
            .issuer
            .endpoint("/.well-known/openid-configuration"),
        client,
        org,
        role,
        secret,
        production,
        applications,
    })
}

/// `GET /portal/clients/{id}/edit`: a sandbox client's settings.
pub async fn edit_page(
    State(state): State<AppState>,
    Extension(who): Extension<Developer>,
    lang: Lang,
    Path(id): Path<String>,
) -> Result<ClientFormPage, AppError> {
    let (client, _) = client_for(&state, &who, &id, Action::EditSandbox).await?;
    let p = &lang.catalogue().portal;
    if !client.is_sandbox() {
        return Err(production_is_reviewed(p));
    }
    let redirect = clients::find_client_redirect_uris(&state.db, &id, "login").await?;
    let logout = clients::find_client_redirect_uris(&state.db, &id, "logout").await?;
    Ok(ClientFormPage::new(
        lang,
        p.change_client(client.display_name.as_str()),
        format!("/portal/clients/{id}/edit"),
        ClientForm::of(&client, &redirect, &logout),
    ))
}

fn production_is_reviewed(p: &PortalTexts) -> AppError {
    AppError::BadRequest(p.production_is_reviewed.into())
}

/// `POST /portal/clients/{id}/edit`: changes a sandbox client, at once.
pub async fn edit(
    State(state): State<AppState>,
    Extension(who): Extension<Developer>,
    lang: Lang,
    Path(id): Path<String>,
    body: Bytes,
) -> Result<Response, AppError> {
    let (client, _) = client_for(&state, &who, &id, Action::EditSandbox).await?;
    let p = &lang.catalogue().portal;
    if !client.is_sandbox() {
        return Err(production_is_reviewed(p));
    }
    let mut form = ClientForm::parse(&body, p)?;
    // The authentication method is fixed at creation (it decides whether a secret exists).
    form.auth_method = client.auth_method.clone();
    let valid = match check(&form.metadata(), Environment::Sandbox) {
        Ok(v) => v,
        Err(refusal) => {
            let mut page = ClientFormPage::new(
                lang,
                p.change_client(client.display_name.as_str()),
                format!("/portal/clients/{id}/edit"),
                form,
            );
            page.refuse(refusal);
            return Ok((axum::http::StatusCode::BAD_REQUEST, page).into_response());
        }
    };
    let now = state.clock.now();
    crate::transaction!(state.db, AppError, |tx| {
        oidc::clients::update_in(tx, &id, &valid, now).await?;
        record(
            tx,
            client.organisation_id.as_deref().unwrap_or_default(),
            &actor(&who),
            "change_sandbox_client",
            &id,
            &valid.display_name,
            now,
        )
        .await?;
        Ok(())
    })?;
    state.reads.changed();
    Ok(Redirect::to(&format!("/portal/clients/{id}")).into_response())
}

#[derive(Template, WebTemplate)]
#[template(path = "portal/submit.html")]
pub struct SubmitPage {
    pub layout: Layout,
    pub client: ClientRow,
    pub redirect_uris: String,
    pub logout_uris: String,
    pub legal_basis: String,
    pub asks_restricted: bool,
    pub error: Option<String>,
    /// The control at fault, marked invalid and described by the error.
    pub error_control: Option<&'static str>,
}

impl SubmitPage {
    /// The accessibility attributes of the control `control` (with hint `hint`, or "").
    pub fn attrs(&self, control: &str, hint: &str) -> String {
        crate::web::forms::field_attrs(self.error_control, control, hint)
    }
}

async fn submit_form(
    state: &AppState,
    lang: Lang,
    client: ClientRow,
) -> Result<SubmitPage, AppError> {
    // Prefilled from the production client when one exists (a change), else the sandbox's.
    let from = clients::find_production_client_of(&state.db, &client.id)
        .await?
        .map_or_else(|| client.id.clone(), |p| p.id);
    let redirect = clients::find_client_redirect_uris(&state.db, &from, "login").await?;
    let logout = clients::find_client_redirect_uris(&state.db, &from, "logout").await?;
    Ok(SubmitPage {
        layout: Layout::new(lang, "/portal"),
        asks_restricted: client
            .scopes
            .split(' ')
            .any(|s| RESTRICTED_SCOPES.contains(&s)),
        client,
        redirect_uris: redirect.join("\n"),
        logout_uris: logout.join("\n"),
        legal_basis: String::new(),
        error: None,
        error_control: None,
    })
}

/// The longest legal basis, in characters (the form's `maxlength`).
const LEGAL_BASIS_MAX: usize = 1000;

/// `GET /portal/clients/{id}/submit`: the production redirect URIs and, for restricted
/// scopes, the legal basis.
pub async fn submit_page(
    State(state): State<AppState>,
    Extension(who): Extension<Developer>,
    lang: Lang,
    Path(id): Path<String>,
) -> Result<SubmitPage, AppError> {
    let (client, _) = client_for(&state, &who, &id, Action::SubmitForProduction).await?;
    if !client.is_sandbox() {
        return Err(AppError::NotFound);
    }
    submit_form(&state, lang, client).await
}

/// `POST /portal/clients/{id}/submit`: files the sandbox client's settings, with the
/// production redirect URIs, for review.
pub async fn submit(
    State(state): State<AppState>,
    Extension(who): Extension<Developer>,
    lang: Lang,
    Path(id): Path<String>,
    body: Bytes,
) -> Result<Response, AppError> {
    let (client, _) = client_for(&state, &who, &id, Action::SubmitForProduction).await?;
    if !client.is_sandbox() {
        return Err(AppError::NotFound);
    }
    let p = &lang.catalogue().portal;
    let (mut redirect, mut logout, mut legal) = (String::new(), String::new(), String::new());
    let mut seen = BTreeSet::new();
    for (k, v) in url::form_urlencoded::parse(&body) {
        if !seen.insert(k.to_string()) {
            return Err(AppError::BadRequest(p.form_field_twice(k.as_ref())));
        }
        match k.as_ref() {
            "redirect_uris" => redirect = v.into_owned(),
            "post_logout_redirect_uris" => logout = v.into_owned(),
            "legal_basis" => legal = v.into_owned(),
            _ => return Err(AppError::BadRequest(p.form_field_unknown(k.as_ref()))),
        }
    }
    let pending = client_applications::find_client_applications_of_sandbox(&state.db, &id)
        .await?
        .into_iter()
        .any(|a| a.status == "pending");
    let mut page = submit_form(&state, lang, client.clone()).await?;
    page.redirect_uris = redirect.clone();
    page.logout_uris = logout.clone();
    page.legal_basis = legal.clone();
    let fail = |mut page: SubmitPage, message: String, control: Option<&'static str>| {
        page.error = Some(message);
        page.error_control = control;
        Ok((axum::http::StatusCode::BAD_REQUEST, page).into_response())
    };
    if pending {
        return fail(page, p.already_waiting.into(), None);
    }
    let metadata = oidc::registration::metadata(&client, &lines(&redirect), &lines(&logout));
    let valid = match check(&metadata, Environment::Production) {
        Ok(v) => v,
        Err(refusal) => return fail(page, refusal.message, refusal.control),
    };
    let legal_basis = if page.asks_restricted {
        match text_field(&legal, LEGAL_BASIS_MAX) {
            Some(l) => Some(l),
            None => {
                return fail(
                    page,
                    p.legal_basis_required(LEGAL_BASIS_MAX),
                    Some("legal_basis"),
                );
            }
        }
    } else {
        None
    };
    let org = portal::find_organisation(
        &state.db,
        client.organisation_id.as_deref().unwrap_or_default(),
    )
    .await?
    .ok_or(AppError::NotFound)?;
    let now = state.clock.now();
    let production = clients::find_production_client_of(&state.db, &id).await?;
    let row = ClientApplicationRow {
        id: uuid::Uuid::new_v4().to_string(),
        organisation: org.legal_name.clone(),
        applicant: who.name.clone(),
        display_name: valid.display_name.clone(),
        purpose: valid.purpose.clone(),
        scopes: valid.scopes.iter().cloned().collect::<Vec<_>>().join(" "),
        redirect_uris: valid
            .redirect_uris
            .iter()
            .map(RedirectUri::as_str)
            .collect::<Vec<_>>()
            .join(" "),
        metadata: metadata.to_string(),
        client_id: production.map(|p| p.id),
        status: "pending".into(),
        decision_note: None,
        decided_by: None,
        decided_at: None,
        submitted_at: now,
        organisation_id: Some(org.id.clone()),
        sandbox_client_id: Some(id.clone()),
        legal_basis,
    };
    crate::transaction!(state.db, AppError, |tx| {
        client_applications::insert_client_application(tx, &row).await?;
        record(
            tx,
            &org.id,
            &actor(&who),
            "submit_for_production",
            &id,
            &format!("application {}", row.id),
            now,
        )
        .await?;
        Ok(())
    })?;
    state.reads.changed();
    Ok(Redirect::to(&format!("/portal/clients/{id}")).into_response())
}

/// Registers, in the approval's transaction, the production client an approved application
/// asks for: a new client the first time (a secret nobody has seen: an owner creates the one
/// they use on its page), the same client updated after that. Applications not from the
/// portal (no organisation) only record the decision.
pub async fn register_approved(
    tx: &mut Tx,
    application: &ClientApplicationRow,
    reviewer_pseudonym: &str,
    now: i64,
) -> Result<Option<String>, AppError> {
    let (Some(org), Some(sandbox)) = (&application.organisation_id, &application.sandbox_client_id)
    else {
        return Ok(None);
    };
    let metadata: Value = serde_json::from_str(&application.metadata)
        .map_err(|e| AppError::Internal(anyhow::anyhow!("application metadata: {e}")))?;
    let valid = check(&metadata, Environment::Production).map_err(|m| {
        AppError::BadRequest(format!(
            "The application no longer passes the registration rules: {m}"
        ))
    })?;
    let actor = format!("staff:{reviewer_pseudonym}");
    let id = match &application.client_id {
        Some(id) => {
            oidc::clients::update_in(tx, id, &valid, now).await?;
            record(
                tx,
                org,
                &actor,
                "approve_change",
                id,
                &format!("application {}", application.id),
                now,
            )
            .await?;
            id.clone()
        }
        None => {
            let created = oidc::clients::create_in(tx, &valid, now).await?;
            clients::update_client_organisation(tx, &created.row.id, org).await?;
            clients::update_client_sandbox_of(tx, &created.row.id, sandbox).await?;
            client_applications::update_client_application_client(
                tx,
                &application.id,
                &created.row.id,
            )
            .await?;
            record(
                tx,
                org,
                &actor,
                "approve_production_client",
                &created.row.id,
                &format!("application {}", application.id),
                now,
            )
            .await?;
            created.row.id
        }
    };
    Ok(Some(id))
}

/// `POST /portal/clients/{id}/redirect-uris`: a production client's redirect URIs, at once,
/// when every one is on a host its approved URIs already use (anything else is a review).
pub async fn production_redirect_uris(
    State(state): State<AppState>,
    Extension(who): Extension<Developer>,
    lang: Lang,
    Path(id): Path<String>,
    body: Bytes,
) -> Result<Response, AppError> {
    let (client, _) = client_for(&state, &who, &id, Action::SubmitForProduction).await?;
    if client.is_sandbox() {
        return Err(AppError::NotFound);
    }
    let p = &lang.catalogue().portal;
    let mut text = None;
    for (k, v) in url::form_urlencoded::parse(&body) {
        if k != "redirect_uris" || text.is_some() {
            return Err(AppError::BadRequest(p.form_field_unexpected(k.as_ref())));
        }
        text = Some(v.into_owned());
    }
    let wanted = lines(&text.unwrap_or_default());
    let current = clients::find_client_redirect_uris(&state.db, &id, "login").await?;
    let logout = clients::find_client_redirect_uris(&state.db, &id, "logout").await?;
    let hosts = |uris: &[String]| -> Result<BTreeSet<String>, String> {
        uris.iter()
            .map(|u| {
                let url = url::Url::parse(u).map_err(|_| p.not_absolute_uri(u.as_str()))?;
                Ok(format!(
                    "{}://{}",
                    url.scheme(),
                    url.host_str().unwrap_or_default()
                ))
            })
            .collect()
    };
    let approved = hosts(&current).map_err(AppError::BadRequest)?;
    let asked = hosts(&wanted).map_err(|m| AppError::BadRequest(format!("redirect_uris: {m}")))?;
    if let Some(new) = asked.difference(&approved).next() {
        return Err(AppError::BadRequest(p.host_not_approved(new.as_str())));
    }
    let metadata = oidc::registration::metadata(&client, &wanted, &logout);
    let valid =
        check(&metadata, Environment::Production).map_err(|r| AppError::BadRequest(r.message))?;
    let now = state.clock.now();
    let uris: Vec<String> = valid
        .redirect_uris
        .iter()
        .map(|u| u.as_str().to_owned())
        .collect();
    crate::transaction!(state.db, AppError, |tx| {
        clients::replace_client_redirect_uris(tx, &id, "login", &uris, now).await?;
        record(
            tx,
            client.organisation_id.as_deref().unwrap_or_default(),
            &actor(&who),
            "change_redirect_uris",
            &id,
            &uris.join(" "),
            now,
        )
        .await?;
        Ok(())
    })?;
    state.reads.changed();
    Ok(Redirect::to(&format!("/portal/clients/{id}")).into_response())
}

#[cfg(test)]
mod fuzz;
