//! A client's secret and keys, changed by its organisation's owners without a ticket, at once,
//! for sandbox and production clients alike: a new secret with an overlap during which the
//! previous one still works (`client_auth` accepts both), the first usable secret of a
//! production client the console's approval registered, and a `private_key_jwt` client's
//! keys (inline JWKS or `jwks_uri`, checked by the registration rules), with when each key
//! last signed an accepted assertion.

use askama::Template;
use askama_web::WebTemplate;
use axum::{
    Extension,
    body::Bytes,
    extract::{Path, State},
    http::StatusCode,
    response::{IntoResponse, Redirect, Response},
};
use base64::{Engine, engine::general_purpose::URL_SAFE_NO_PAD};
use jsonwebtoken::jwk::{AlgorithmParameters, Jwk, JwkSet};
use serde_json::{Value, json};
use tower_sessions::Session;

use super::{
    Action, Developer, Role, actor, client_for, clients::secret_flash_key, record,
    texts::PortalTexts,
};
use crate::{
    clock::rfc3339,
    crypto::secrets::{random_token, sha256_b64},
    error::AppError,
    oidc::{
        client_keys::{self, CACHE_FOR, KEY_USE_PRECISION, MIN_REFETCH},
        clients::{Environment, InvalidClient},
        registration,
    },
    state::AppState,
    store::{
        client_key_uses,
        clients::{self, ClientRow},
    },
    web::{i18n::Lang, pages::Layout},
};

/// The longest time a previous secret keeps working after a rotation: 7 days.
pub const MAX_OVERLAP_HOURS: i64 = 7 * 24;
/// The longest overlap in days, as the pages say it.
const MAX_OVERLAP_DAYS: i64 = MAX_OVERLAP_HOURS / 24;
/// The overlap the form offers first.
const DEFAULT_OVERLAP_HOURS: i64 = 24;

/// The overlaps the form offers, in hours, with their labels in `p`'s language.
fn overlap_choices(p: &PortalTexts) -> Vec<(i64, String)> {
    vec![
        (0, p.overlap_none.to_owned()),
        (1, p.overlap_hours(1)),
        (24, p.overlap_hours(24)),
        (MAX_OVERLAP_HOURS, p.overlap_longest(MAX_OVERLAP_DAYS)),
    ]
}

/// One key of the client's JWKS, as the page lists it.
pub struct KeyLine {
    /// The key's `kid`, if it has one.
    pub kid: Option<String>,
    /// Its RFC 7638 thumbprint, for a key without a `kid`.
    pub thumbprint: Option<String>,
    /// Type and curve, or type and size.
    pub kind: String,
    pub alg: Option<String>,
    /// When it last signed an accepted client assertion (UTC), if ever.
    pub last_used: Option<String>,
}

#[derive(Template, WebTemplate)]
#[template(path = "portal/keys.html")]
pub struct KeysPage {
    pub layout: Layout,
    pub client: ClientRow,
    pub role: Role,
    /// When the secret was last replaced (or the client registered), UTC.
    pub secret_changed: String,
    /// During an overlap: until when the previous secret still works, UTC.
    pub previous_until: Option<String>,
    pub keys: Vec<KeyLine>,
    /// Why the keys cannot be listed (a `jwks_uri` that could not be fetched).
    pub keys_problem: Option<String>,
    /// The JWKS and address fields' values (the current ones, or what was typed).
    pub jwks_text: String,
    pub jwks_uri_text: String,
    pub overlap_choices: Vec<(i64, String)>,
    pub default_overlap: i64,
    pub cache_minutes: i64,
    pub refetch_seconds: i64,
    pub precision_minutes: i64,
    /// What went wrong with the last form, with the field, the rule and an example.
    pub error: Option<String>,
    /// The control of the form that was refused, marked invalid and described by the error.
    pub error_control: Option<&'static str>,
}

impl KeysPage {
    /// The accessibility attributes of the control `control` (with hint `hint`), marked
    /// invalid when the form that was refused is its own.
    pub fn attrs(&self, control: &str, hint: &str) -> String {
        let at_fault = self.error.as_ref().and(self.error_control);
        crate::web::forms::field_attrs(at_fault, control, hint)
    }

    pub fn can_manage(&self) -> bool {
        self.role.can(Action::ManageKeys)
    }

    pub fn uses_secret(&self) -> bool {
        self.client.secret_hash.is_some()
    }
}

/// A JWK's type with its curve or size, in `p`'s language.
fn describe(key: &Jwk, p: &PortalTexts) -> String {
    let curve = |c: &jsonwebtoken::jwk::EllipticCurve| {
        serde_json::to_value(c)
            .ok()
            .and_then(|v| v.as_str().map(str::to_owned))
            .unwrap_or_default()
    };
    match &key.algorithm {
        AlgorithmParameters::EllipticCurve(ec) => format!("EC {}", curve(&ec.curve)),
        AlgorithmParameters::RSA(rsa) => match modulus_bits(&rsa.n) {
            // A size in bits reads as one number ("2048"), not a grouped amount.
            Some(bits) => p.key_rsa_bits(bits.to_string()),
            None => p.key_rsa_unreadable.into(),
        },
        AlgorithmParameters::OctetKeyPair(okp) => format!("OKP {}", curve(&okp.curve)),
        AlgorithmParameters::OctetKey(_) => p.key_oct.into(),
        _ => p.key_unknown.into(),
    }
}

/// The size of an RSA modulus (base64url, RFC 7518 §6.3.1.1) in bits.
fn modulus_bits(n: &str) -> Option<usize> {
    let bytes = URL_SAFE_NO_PAD.decode(n).ok()?;
    let first = bytes.iter().position(|b| *b != 0)?;
    Some((bytes.len() - first) * 8 - bytes[first].leading_zeros() as usize)
}

fn key_lines(set: &JwkSet, uses: &[(String, i64)], lang: Lang) -> Vec<KeyLine> {
    let p = &lang.catalogue().portal;
    set.keys
        .iter()
        .map(|key| {
            let name = client_keys::key_name(key);
            KeyLine {
                kid: key.common.key_id.clone(),
                thumbprint: name
                    .as_deref()
                    .and_then(|n| n.strip_prefix("jkt:"))
                    .map(str::to_owned),
                kind: describe(key, p),
                alg: key
                    .common
                    .key_algorithm
                    .and_then(|a| serde_json::to_value(a).ok())
                    .and_then(|v| v.as_str().map(str::to_owned)),
                last_used: name.and_then(|n| {
                    uses.iter()
                        .find(|(kid, _)| *kid == n)
                        .map(|(_, at)| lang.date_time(*at))
                }),
            }
        })
        .collect()
}

async fn keys_page(
    state: &AppState,
    lang: Lang,
    client: ClientRow,
    role: Role,
) -> Result<KeysPage, AppError> {
    let now = state.clock.now();
    let p = &lang.catalogue().portal;
    let (mut keys, mut keys_problem) = (Vec::new(), None);
    if client.auth_method == "private_key_jwt" {
        match state.client_keys.for_client(&client, None).await {
            Ok(set) => {
                let uses = client_key_uses::find_client_key_uses(&state.db, &client.id).await?;
                keys = key_lines(&set, &uses, lang);
            }
            Err(why) => keys_problem = Some(why),
        }
    }
    let jwks_text = client
        .jwks
        .as_deref()
        .and_then(|j| serde_json::from_str::<Value>(j).ok())
        .and_then(|v| serde_json::to_string_pretty(&v).ok())
        .unwrap_or_default();
    Ok(KeysPage {
        layout: Layout::new(lang, "/portal"),
        secret_changed: lang.date_time(client.secret_changed_at.unwrap_or(client.created_at)),
        previous_until: client
            .previous_secret_expires_at
            .filter(|t| *t > now && client.previous_secret_hash.is_some())
            .map(|at| lang.date_time(at)),
        keys,
        keys_problem,
        jwks_text,
        jwks_uri_text: client.jwks_uri.clone().unwrap_or_default(),
        overlap_choices: overlap_choices(p),
        default_overlap: DEFAULT_OVERLAP_HOURS,
        cache_minutes: CACHE_FOR / 60,
        refetch_seconds: MIN_REFETCH,
        precision_minutes: KEY_USE_PRECISION / 60,
        error: None,
        error_control: None,
        client,
        role,
    })
}

fn refused(mut page: KeysPage, message: impl ToString) -> Response {
    page.error = Some(message.to_string());
    (StatusCode::BAD_REQUEST, page).into_response()
}

/// `GET /portal/clients/{id}/keys`
pub async fn keys(
    State(state): State<AppState>,
    Extension(who): Extension<Developer>,
    lang: Lang,
    Path(id): Path<String>,
) -> Result<KeysPage, AppError> {
    let (client, role) = client_for(&state, &who, &id, Action::Read).await?;
    keys_page(&state, lang, client, role).await
}

/// Reads the rotation form: `overlap_hours` once, a whole number from 0 to
/// [`MAX_OVERLAP_HOURS`]; 0 only for a first secret (the one it replaces was never seen).
/// Refusals are in `p`'s language.
fn parse_overlap(body: &[u8], first_secret: bool, p: &PortalTexts) -> Result<i64, String> {
    let mut value = None;
    for (k, v) in url::form_urlencoded::parse(body) {
        if k != "overlap_hours" {
            return Err(p.overlap_unknown_field(k.as_ref()));
        }
        if value.replace(v.into_owned()).is_some() {
            return Err(p.overlap_twice.into());
        }
    }
    let text = value.ok_or_else(|| p.overlap_required(MAX_OVERLAP_HOURS, MAX_OVERLAP_DAYS))?;
    let hours = Some(text.as_str())
        .filter(|t| !t.is_empty() && t.len() <= 6 && t.bytes().all(|b| b.is_ascii_digit()))
        .and_then(|t| t.parse::<i64>().ok())
        .ok_or_else(|| p.overlap_invalid(MAX_OVERLAP_HOURS, MAX_OVERLAP_DAYS))?;
    if hours > MAX_OVERLAP_HOURS {
        return Err(p.overlap_too_long(MAX_OVERLAP_DAYS, MAX_OVERLAP_HOURS, hours));
    }
    if first_secret && hours != 0 {
        return Err(p.overlap_first_secret.into());
    }
    Ok(hours)
}

/// `POST /portal/clients/{id}/secret`: a new secret, shown once on the client's page; the
/// current one keeps working for the overlap chosen (at most 7 days).
pub async fn rotate_secret(
    State(state): State<AppState>,
    Extension(who): Extension<Developer>,
    session: Session,
    lang: Lang,
    Path(id): Path<String>,
    body: Bytes,
) -> Result<Response, AppError> {
    let (client, role) = client_for(&state, &who, &id, Action::ManageKeys).await?;
    let p = &lang.catalogue().portal;
    if client.secret_hash.is_none() {
        return Err(AppError::BadRequest(p.no_secret_private_key_jwt.into()));
    }
    let first = client.has_unseen_secret();
    let hours = match parse_overlap(&body, first, p) {
        Ok(h) => h,
        Err(message) => {
            return Ok(refused(
                keys_page(&state, lang, client, role).await?,
                message,
            ));
        }
    };
    let now = state.clock.now();
    let until = now + hours * 3600;
    let secret = random_token(32);
    let detail = match (first, hours) {
        (true, _) => "first usable secret; overlap none".to_owned(),
        (false, 0) => "overlap none: the previous secret stopped at once".to_owned(),
        (false, h) => format!(
            "overlap {h} hour{}: the previous secret works until {}",
            if h == 1 { "" } else { "s" },
            rfc3339(until)
        ),
    };
    crate::transaction!(state.db, AppError, |tx| {
        if !clients::update_client_secret_rotated(tx, &id, &sha256_b64(&secret), until, now).await?
        {
            return Err(AppError::NotFound);
        }
        record(
            tx,
            client.organisation_id.as_deref().unwrap_or_default(),
            &actor(&who),
            "rotate_secret",
            &id,
            &detail,
            now,
        )
        .await?;
        Ok(())
    })?;
    state.reads.changed();
    session.insert(&secret_flash_key(&id), secret).await?;
    Ok(Redirect::to(&format!("/portal/clients/{id}")).into_response())
}

/// The keys a client asks for: inline, or at an address.
enum NewKeys {
    Jwks(String),
    JwksUri(String),
}

/// Reads the keys form: exactly one of `jwks` and `jwks_uri`, once. Refusals are in `p`'s
/// language.
fn parse_keys(body: &[u8], p: &PortalTexts) -> Result<NewKeys, String> {
    let mut found = None;
    for (k, v) in url::form_urlencoded::parse(body) {
        let v = v.trim().to_owned();
        let keys = match k.as_ref() {
            "jwks" => NewKeys::Jwks(v),
            "jwks_uri" => NewKeys::JwksUri(v),
            _ => return Err(p.keys_unknown_field(k.as_ref())),
        };
        if found.replace(keys).is_some() {
            return Err(p.keys_twice.into());
        }
    }
    found.ok_or_else(|| p.keys_required.into())
}

/// `POST /portal/clients/{id}/keys`: replaces a `private_key_jwt` client's keys, inline or by
/// address, checked by the registration rules; they count at once.
pub async fn change_keys(
    State(state): State<AppState>,
    Extension(who): Extension<Developer>,
    lang: Lang,
    Path(id): Path<String>,
    body: Bytes,
) -> Result<Response, AppError> {
    let (client, role) = client_for(&state, &who, &id, Action::ManageKeys).await?;
    let p = &lang.catalogue().portal;
    if client.auth_method != "private_key_jwt" {
        return Err(AppError::BadRequest(p.no_keys_secret_client.into()));
    }
    let parsed = parse_keys(&body, p);
    let mut page = keys_page(&state, lang, client.clone(), role).await?;
    let new = match parsed {
        Ok(n) => n,
        Err(message) => return Ok(refused(page, message)),
    };
    // The client's registration with the new keys, checked as `/register` would.
    let redirect = clients::find_client_redirect_uris(&state.db, &id, "login").await?;
    let logout = clients::find_client_redirect_uris(&state.db, &id, "logout").await?;
    let mut metadata = registration::metadata(&client, &redirect, &logout);
    if let Value::Object(map) = &mut metadata {
        map.remove("jwks");
        map.remove("jwks_uri");
        match &new {
            NewKeys::Jwks(text) => {
                page.jwks_text = text.clone();
                page.error_control = Some("jwks");
                match serde_json::from_str::<Value>(text) {
                    Ok(v) => {
                        map.insert("jwks".into(), v);
                    }
                    Err(e) if !text.is_empty() => {
                        let e = InvalidClient {
                            field: "jwks",
                            message: format!("is not JSON ({e})"),
                        };
                        return Ok(refused(page, super::clients::explain(&e)));
                    }
                    Err(_) => {}
                }
            }
            NewKeys::JwksUri(uri) => {
                page.jwks_uri_text = uri.clone();
                page.error_control = Some("jwks_uri");
                if !uri.is_empty() {
                    map.insert("jwks_uri".into(), json!(uri));
                }
            }
        }
    }
    let environment = if client.is_sandbox() {
        Environment::Sandbox
    } else {
        Environment::Production
    };
    let valid = match super::clients::check(&metadata, environment) {
        Ok(v) => v,
        Err(refusal) => return Ok(refused(page, refusal)),
    };
    let detail = match (&valid.jwks, &valid.jwks_uri) {
        (Some(jwks), _) => {
            let kids: Vec<String> = serde_json::from_str::<Value>(jwks)
                .ok()
                .and_then(|v| v.get("keys").and_then(Value::as_array).cloned())
                .unwrap_or_default()
                .iter()
                .filter_map(|k| k.get("kid").and_then(Value::as_str).map(str::to_owned))
                .collect();
            format!("jwks: kid {}", kids.join(", "))
        }
        (None, Some(uri)) => format!("jwks_uri {uri}"),
        (None, None) => String::new(),
    };
    let now = state.clock.now();
    crate::transaction!(state.db, AppError, |tx| {
        if !clients::update_client_keys(
            tx,
            &id,
            valid.jwks.as_deref(),
            valid.jwks_uri.as_deref(),
            now,
        )
        .await?
        {
            return Err(AppError::NotFound);
        }
        record(
            tx,
            client.organisation_id.as_deref().unwrap_or_default(),
            &actor(&who),
            "change_keys",
            &id,
            &detail,
            now,
        )
        .await?;
        Ok(())
    })?;
    state.reads.changed();
    Ok(Redirect::to(&format!("/portal/clients/{id}/keys")).into_response())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn en() -> &'static PortalTexts {
        &Lang::En.catalogue().portal
    }

    fn parse_overlap(body: &[u8], first_secret: bool) -> Result<i64, String> {
        super::parse_overlap(body, first_secret, en())
    }

    fn parse_keys(body: &[u8]) -> Result<NewKeys, String> {
        super::parse_keys(body, en())
    }

    #[test]
    fn the_overlap_is_a_number_of_hours_up_to_seven_days() {
        assert_eq!(parse_overlap(b"overlap_hours=24", false), Ok(24));
        assert_eq!(parse_overlap(b"overlap_hours=0", false), Ok(0));
        assert_eq!(parse_overlap(b"overlap_hours=168", false), Ok(168));
        assert!(
            parse_overlap(b"overlap_hours=169", false)
                .unwrap_err()
                .contains("at most 7 days")
        );
        for bad in [
            &b""[..],
            b"overlap_hours=",
            b"overlap_hours=-1",
            b"overlap_hours=1.5",
            b"overlap_hours=%2B1",
            b"overlap_hours=1&overlap_hours=1",
            b"overlap=1",
        ] {
            assert!(parse_overlap(bad, false).is_err(), "{bad:?}");
        }
        assert_eq!(parse_overlap(b"overlap_hours=0", true), Ok(0));
        assert!(parse_overlap(b"overlap_hours=1", true).is_err());
    }

    #[test]
    fn the_keys_form_sends_one_of_jwks_and_jwks_uri() {
        assert!(matches!(
            parse_keys(b"jwks_uri=https%3A%2F%2Fa.example%2Fjwks"),
            Ok(NewKeys::JwksUri(u)) if u == "https://a.example/jwks"
        ));
        assert!(matches!(parse_keys(b"jwks=%7B%7D"), Ok(NewKeys::Jwks(j)) if j == "{}"));
        for bad in [&b""[..], b"jwks=a&jwks_uri=b", b"jwks=a&jwks=b", b"kid=a"] {
            assert!(parse_keys(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn rsa_sizes_are_counted_from_the_modulus() {
        // 0x00 0x80 0x00: a leading zero byte, then 16 bits with the top one set.
        assert_eq!(
            modulus_bits(&URL_SAFE_NO_PAD.encode([0, 0x80, 0])),
            Some(16)
        );
        assert_eq!(modulus_bits(&URL_SAFE_NO_PAD.encode([0x01, 0xff])), Some(9));
        assert_eq!(modulus_bits(&URL_SAFE_NO_PAD.encode([0u8; 4])), None);
        assert_eq!(modulus_bits("not base64!"), None);
    }
}

#[cfg(test)]
mod fuzz;
