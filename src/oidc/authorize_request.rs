//! The authorization request (RFC 6749 §4.1.1, OIDC Core §3.1.2.1, RFC 7636), checked
//! strictly. Until `client_id` and `redirect_uri` are verified, errors are for the person's
//! eyes only; after that they go back to the client.

use std::collections::{BTreeMap, BTreeSet};

use serde::{Deserialize, Serialize};

use super::{
    client_failures::FailureKind as Kind,
    clients::{OFFLINE_ACCESS, RESTRICTED_SCOPES, SCOPES},
    redirect_uri::{ApplicationType, RedirectUri},
};

/// Assurance levels (eIDAS), lowest first.
pub const ACR_VALUES: [&str; 3] = [
    "urn:civitas:loa:low",
    "urn:civitas:loa:substantial",
    "urn:civitas:loa:high",
];

/// How the response travels back (OAuth 2.0 Multiple Response Types, Form Post Response Mode).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ResponseMode {
    Query,
    FormPost,
}

/// OIDC Core §3.1.2.1 `prompt`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Prompt {
    pub none: bool,
    pub login: bool,
    pub consent: bool,
}

/// What the authorization endpoint needs to know about the client to check a request.
#[derive(Clone, Debug)]
pub struct ClientView {
    pub id: String,
    pub is_active: bool,
    /// A sandbox client: it signs in test persons only.
    pub sandbox: bool,
    pub application_type: ApplicationType,
    pub redirect_uris: Vec<RedirectUri>,
    pub scopes: BTreeSet<String>,
    /// The client's registered minimum assurance, added to every request's `acr_values`.
    pub min_acr: Option<String>,
    /// It may send authorization requests only through PAR.
    pub require_par: bool,
}

/// A checked authorization request: every field is what the client asked for and may ask for.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuthorizationRequest {
    pub client_id: String,
    /// Exactly as requested (and matched against a registered URI).
    pub redirect_uri: String,
    pub scopes: BTreeSet<String>,
    pub state: Option<String>,
    pub nonce: Option<String>,
    /// RFC 7636 S256 challenge.
    pub code_challenge: String,
    pub prompt: Prompt,
    pub max_age: Option<u64>,
    /// Requested assurance levels, as sent (unknown values dropped).
    pub acr_values: Vec<String>,
    pub login_hint: Option<String>,
    pub ui_locales: Option<String>,
    /// Individual claims requested with the `claims` parameter (OIDC Core §5.5):
    /// target (`id_token` or `userinfo`) → claim name → essential.
    pub claims: BTreeMap<String, BTreeMap<String, bool>>,
    pub response_mode: ResponseMode,
    /// Why the relying party asks, in its words, for this sign-in (Civitas `purpose`): shown on
    /// the sign-in and consent pages and recorded with the release. Only from a signed request
    /// object or a pushed request (see `authorize`).
    #[serde(default)]
    pub purpose: Option<String>,
}

/// Longest `purpose` accepted, in characters.
pub const PURPOSE_MAX: usize = 200;

/// Why a request failed, and where the answer goes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum AuthorizeError {
    /// The client or redirect URI could not be verified: tell the person, redirect nowhere.
    /// `error` is the OAuth code the client would have received (RFC 6749 §4.1.2.1), for its
    /// developer; `kind` and `description` say what went wrong, for the failures list of the
    /// client the request named (`client_failures`), if it named a registered one.
    Page {
        error: &'static str,
        message: String,
        kind: Kind,
        description: String,
    },
    /// An error for the verified client (RFC 6749 §4.1.2.1), and what went wrong.
    Redirect(ErrorRedirect, Kind),
}

/// An error response to deliver to a verified redirect URI.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ErrorRedirect {
    pub redirect_uri: String,
    pub response_mode: ResponseMode,
    pub error: &'static str,
    pub description: String,
    pub state: Option<String>,
}

const MAX_VALUE: usize = 2048;

/// Parses the parameters of an authorization request (from the query or a form) against the
/// client they name. `find_client` looks a client up by id.
pub fn parse(
    params: &[(String, String)],
    find_client: impl FnOnce(&str) -> Option<ClientView>,
) -> Result<AuthorizationRequest, AuthorizeError> {
    let page =
        |error: &'static str, m: &str, kind: Kind, description: String| AuthorizeError::Page {
            error,
            message: m.to_owned(),
            kind,
            description,
        };

    // RFC 6749 §3.1: parameters must not be repeated. Until the client is known, a repeated
    // client_id or redirect_uri can only be shown on the page, whatever else is repeated.
    let mut map: BTreeMap<&str, &str> = BTreeMap::new();
    let mut repeated: Option<&str> = None;
    let mut unverifiable: Option<&str> = None;
    for (k, v) in params {
        if map.insert(k.as_str(), v.as_str()).is_some() {
            repeated.get_or_insert(k.as_str());
            if matches!(k.as_str(), "client_id" | "redirect_uri") {
                unverifiable.get_or_insert(k.as_str());
            }
        }
    }
    if let Some(k) = unverifiable {
        return Err(page(
            "invalid_request",
            &format!("The request names {k} more than once."),
            Kind::ParameterRepeated,
            format!("{k} appears more than once"),
        ));
    }
    let client_id = map
        .get("client_id")
        .copied()
        .filter(|v| !v.is_empty())
        .ok_or_else(|| {
            page(
                "invalid_request",
                "The request does not say which service it comes from (client_id is missing).",
                Kind::ParameterMissing,
                "client_id is required".into(),
            )
        })?;
    let client = find_client(client_id)
        .filter(|c| c.is_active)
        .ok_or_else(|| {
            page(
                "unauthorized_client",
                "The service that sent you here is not registered with Civitas, or has been disabled.",
                Kind::ClientDisabled,
                "this client is disabled".into(),
            )
        })?;
    let redirect_uri = map.get("redirect_uri").copied().ok_or_else(|| {
        page(
            "invalid_request",
            "The request does not say where to return (redirect_uri is missing).",
            Kind::RedirectUriMissing,
            "redirect_uri is required".into(),
        )
    })?;
    if !client
        .redirect_uris
        .iter()
        .any(|r| r.matches(redirect_uri, client.application_type))
    {
        return Err(page(
            "invalid_request",
            "The address the service asked us to return you to is not registered for it, so Civitas will not send you there.",
            Kind::RedirectUriNotRegistered,
            format!("redirect_uri {redirect_uri} is not registered for this client"),
        ));
    }

    // From here on the client and its redirect URI are verified: errors go back to it.
    let state = map.get("state").map(|s| (*s).to_owned());
    let response_mode = match map.get("response_mode").copied() {
        None | Some("query") => Ok(ResponseMode::Query),
        Some("form_post") => Ok(ResponseMode::FormPost),
        Some(_) => Err("response_mode must be query or form_post"),
    };
    let fail = |kind: Kind, error: &'static str, description: String| {
        AuthorizeError::Redirect(
            ErrorRedirect {
                redirect_uri: redirect_uri.to_owned(),
                response_mode: *response_mode.as_ref().unwrap_or(&ResponseMode::Query),
                error,
                description,
                state: state.clone(),
            },
            kind,
        )
    };
    let response_mode = response_mode
        .map_err(|m| fail(Kind::ResponseModeUnsupported, "invalid_request", m.into()))?;
    if let Some(k) = repeated {
        return Err(fail(
            Kind::ParameterRepeated,
            "invalid_request",
            format!("{k} appears more than once"),
        ));
    }
    if let Some((k, _)) = map.iter().find(|(_, v)| v.len() > MAX_VALUE) {
        return Err(fail(
            Kind::ParameterTooLong,
            "invalid_request",
            format!("{k} is longer than {MAX_VALUE} characters"),
        ));
    }
    // The authorization endpoint and PAR unwrap `request` and `request_uri` before this
    // point; one still here came with another, or inside a request object.
    if map.contains_key("request") {
        return Err(fail(
            Kind::RequestObjectUnsupported,
            "invalid_request",
            "request cannot be combined with request_uri or nested in a request object".into(),
        ));
    }
    if map.contains_key("request_uri") {
        return Err(fail(
            Kind::RequestUriUnsupported,
            "invalid_request",
            "request_uri cannot be combined with request or nested in a request object".into(),
        ));
    }
    match map.get("response_type").copied() {
        Some("code") => {}
        None => {
            return Err(fail(
                Kind::ResponseTypeUnsupported,
                "invalid_request",
                "response_type is required".into(),
            ));
        }
        Some(other) => {
            return Err(fail(
                Kind::ResponseTypeUnsupported,
                "unsupported_response_type",
                format!(
                    "response_type {other} is not supported: Civitas supports the authorization code flow (code) only"
                ),
            ));
        }
    }

    let scope = map.get("scope").copied().unwrap_or("");
    let mut scopes: BTreeSet<String> = scope
        .split(' ')
        .filter(|s| !s.is_empty())
        .map(str::to_owned)
        .collect();
    // OIDC Core §11: offline_access from a client that may not hold refresh tokens is
    // ignored, not refused (many relying-party libraries send it by default).
    if !client.scopes.contains(OFFLINE_ACCESS) {
        scopes.remove(OFFLINE_ACCESS);
    }
    if !scopes.contains("openid") {
        return Err(fail(
            Kind::ScopeOpenidMissing,
            "invalid_scope",
            "scope must include openid".into(),
        ));
    }
    for s in &scopes {
        if !SCOPES.contains(&s.as_str()) {
            return Err(fail(
                Kind::ScopeUnknown,
                "invalid_scope",
                format!("{s} is not a scope Civitas offers"),
            ));
        }
        if !client.scopes.contains(s) {
            let (kind, why) = if RESTRICTED_SCOPES.contains(&s.as_str()) {
                (
                    Kind::ScopeRestricted,
                    "is restricted and this client is not approved for it",
                )
            } else {
                (
                    Kind::ScopeNotRegistered,
                    "is not registered for this client",
                )
            };
            return Err(fail(kind, "invalid_scope", format!("scope {s} {why}")));
        }
    }

    // RFC 7636, with S256 required: `plain` (and a missing method, which means plain) refused.
    let code_challenge = match (map.get("code_challenge"), map.get("code_challenge_method")) {
        (None, _) => {
            return Err(fail(
                Kind::PkceMissing,
                "invalid_request",
                "code_challenge is required (PKCE with S256)".into(),
            ));
        }
        (Some(_), Some(&"S256")) => map["code_challenge"],
        (Some(_), None | Some(&"plain")) => {
            return Err(fail(
                Kind::PkceMethodUnsupported,
                "invalid_request",
                "code_challenge_method must be S256; plain is not accepted".into(),
            ));
        }
        (Some(_), Some(_)) => {
            return Err(fail(
                Kind::PkceMethodUnsupported,
                "invalid_request",
                "code_challenge_method must be S256".into(),
            ));
        }
    };
    // base64url(SHA-256) is 43 characters.
    if code_challenge.len() != 43
        || !code_challenge
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
    {
        return Err(fail(
            Kind::PkceChallengeMalformed,
            "invalid_request",
            "code_challenge must be 43 base64url characters (S256)".into(),
        ));
    }

    let mut prompt = Prompt::default();
    for p in map
        .get("prompt")
        .copied()
        .unwrap_or("")
        .split(' ')
        .filter(|p| !p.is_empty())
    {
        match p {
            "none" => prompt.none = true,
            "login" => prompt.login = true,
            "consent" => prompt.consent = true,
            "select_account" => {}
            other => {
                return Err(fail(
                    Kind::PromptInvalid,
                    "invalid_request",
                    format!("prompt {other} is not known"),
                ));
            }
        }
    }
    if prompt.none && (prompt.login || prompt.consent) {
        return Err(fail(
            Kind::PromptInvalid,
            "invalid_request",
            "prompt=none cannot be combined with other values".into(),
        ));
    }
    let max_age = match map.get("max_age") {
        None => None,
        Some(v) => Some(
            v.parse::<u64>()
                .ok()
                .filter(|_| v.bytes().all(|b| b.is_ascii_digit()))
                .ok_or_else(|| {
                    fail(
                        Kind::MaxAgeInvalid,
                        "invalid_request",
                        "max_age must be a whole number of seconds".into(),
                    )
                })?,
        ),
    };
    let mut acr_values: Vec<String> = map
        .get("acr_values")
        .copied()
        .unwrap_or("")
        .split(' ')
        .filter(|v| ACR_VALUES.contains(v))
        .map(str::to_owned)
        .collect();
    acr_values.extend(client.min_acr.clone());
    let claims = match map.get("claims") {
        None => BTreeMap::new(),
        Some(json) => {
            parse_claims(json).map_err(|m| fail(Kind::ClaimsInvalid, "invalid_request", m))?
        }
    };

    let purpose = match map.get("purpose") {
        None => None,
        Some(p) => {
            Some(check_purpose(p).map_err(|m| fail(Kind::PurposeInvalid, "invalid_request", m))?)
        }
    };

    Ok(AuthorizationRequest {
        client_id: client.id,
        redirect_uri: redirect_uri.to_owned(),
        scopes,
        state,
        nonce: map.get("nonce").map(|s| (*s).to_owned()),
        code_challenge: code_challenge.to_owned(),
        prompt,
        max_age,
        acr_values,
        login_hint: map.get("login_hint").map(|s| (*s).to_owned()),
        ui_locales: map.get("ui_locales").map(|s| (*s).to_owned()),
        claims,
        response_mode,
        purpose,
    })
}

/// A purpose is one line of 1 to [`PURPOSE_MAX`] characters, without control characters or
/// markup (it is shown as text, but angle brackets have no business in it).
fn check_purpose(p: &str) -> Result<String, String> {
    let p = p.trim();
    if p.is_empty()
        || p.chars().count() > PURPOSE_MAX
        || p.chars().any(|c| c.is_control() || c == '<' || c == '>')
    {
        return Err(format!(
            "purpose must be 1 to {PURPOSE_MAX} characters of plain text on one line"
        ));
    }
    Ok(p.to_owned())
}

/// OIDC Core §5.5: `{"userinfo": {"name": {"essential": true}, "email": null}, "id_token": {…}}`.
fn parse_claims(json: &str) -> Result<BTreeMap<String, BTreeMap<String, bool>>, String> {
    let value: serde_json::Value =
        serde_json::from_str(json).map_err(|_| "claims is not valid JSON".to_owned())?;
    let object = value.as_object().ok_or("claims must be a JSON object")?;
    let mut out = BTreeMap::new();
    for (target, members) in object {
        if target != "userinfo" && target != "id_token" {
            return Err(format!(
                "claims may hold userinfo and id_token, not {target}"
            ));
        }
        let members = members
            .as_object()
            .ok_or_else(|| format!("claims.{target} must be an object"))?;
        let mut wanted = BTreeMap::new();
        for (name, request) in members {
            let essential = match request {
                serde_json::Value::Null => false,
                serde_json::Value::Object(o) => o
                    .get("essential")
                    .and_then(|e| e.as_bool())
                    .unwrap_or(false),
                _ => return Err(format!("claims.{target}.{name} must be null or an object")),
            };
            wanted.insert(name.clone(), essential);
        }
        out.insert(target.clone(), wanted);
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    const CHALLENGE: &str = "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM";

    fn client() -> ClientView {
        ClientView {
            id: "tax".into(),
            is_active: true,
            sandbox: false,
            application_type: ApplicationType::Web,
            redirect_uris: vec![
                RedirectUri::parse("https://tax.example.gov/cb", ApplicationType::Web).unwrap(),
            ],
            scopes: ["openid", "profile"]
                .into_iter()
                .map(String::from)
                .collect(),
            min_acr: None,
            require_par: false,
        }
    }

    fn params(extra: &[(&str, &str)], without: &[&str]) -> Vec<(String, String)> {
        let mut p: Vec<(String, String)> = [
            ("response_type", "code"),
            ("client_id", "tax"),
            ("redirect_uri", "https://tax.example.gov/cb"),
            ("scope", "openid profile"),
            ("state", "s1"),
            ("nonce", "n1"),
            ("code_challenge", CHALLENGE),
            ("code_challenge_method", "S256"),
        ]
        .into_iter()
        .filter(|(k, _)| !without.contains(k))
        .map(|(k, v)| (k.to_owned(), v.to_owned()))
        .collect();
        for (k, v) in extra {
            p.retain(|(pk, _)| pk != k);
            p.push(((*k).to_owned(), (*v).to_owned()));
        }
        p
    }

    fn check(p: Vec<(String, String)>) -> Result<AuthorizationRequest, AuthorizeError> {
        parse(&p, |id| (id == "tax").then(client))
    }

    fn redirect_error(p: Vec<(String, String)>) -> (&'static str, String) {
        match check(p) {
            Err(AuthorizeError::Redirect(e, _)) => {
                assert_eq!(
                    e.state.as_deref(),
                    Some("s1"),
                    "state goes back with errors"
                );
                (e.error, e.description)
            }
            other => panic!("expected a redirected error, got {other:?}"),
        }
    }

    #[test]
    fn a_good_request_is_accepted() {
        let r = check(params(
            &[
                ("prompt", "login consent"),
                ("max_age", "300"),
                ("acr_values", "urn:x urn:civitas:loa:high"),
            ],
            &[],
        ))
        .unwrap();
        assert_eq!(r.code_challenge, CHALLENGE);
        assert!(r.prompt.login && r.prompt.consent && !r.prompt.none);
        assert_eq!(r.max_age, Some(300));
        assert_eq!(r.acr_values, ["urn:civitas:loa:high"]);
        assert_eq!(r.response_mode, ResponseMode::Query);
    }

    #[test]
    fn unverified_clients_and_redirect_uris_get_a_page_never_a_redirect() {
        for p in [
            params(&[("client_id", "unknown")], &[]),
            params(&[], &["client_id"]),
            params(&[], &["redirect_uri"]),
            params(&[("redirect_uri", "https://evil.example/cb")], &[]),
            params(&[("redirect_uri", "https://TAX.example.gov/cb")], &[]),
            params(&[("redirect_uri", "https://tax.example.gov/CB")], &[]),
            params(&[("redirect_uri", "https://tax.example.gov/cb/")], &[]),
            params(&[("redirect_uri", "https://tax.example.gov/cb?x=1")], &[]),
            params(&[("redirect_uri", "https://tax.example.gov/cb#frag")], &[]),
        ] {
            assert!(
                matches!(check(p.clone()), Err(AuthorizeError::Page { .. })),
                "{p:?}"
            );
        }
        let mut twice = params(&[], &[]);
        twice.push(("redirect_uri".into(), "https://evil.example/cb".into()));
        assert!(matches!(check(twice), Err(AuthorizeError::Page { .. })));
        let disabled = parse(&params(&[], &[]), |_| {
            Some(ClientView {
                is_active: false,
                sandbox: false,
                ..client()
            })
        });
        assert!(matches!(disabled, Err(AuthorizeError::Page { .. })));
    }

    #[test]
    fn a_page_error_names_the_oauth_code_the_client_would_have_had() {
        let code = |p: Vec<(String, String)>| match check(p) {
            Err(AuthorizeError::Page { error, .. }) => error,
            other => panic!("{other:?}"),
        };
        assert_eq!(
            code(params(&[("client_id", "unknown")], &[])),
            "unauthorized_client"
        );
        assert_eq!(code(params(&[], &["client_id"])), "invalid_request");
        assert_eq!(code(params(&[], &["redirect_uri"])), "invalid_request");
        assert_eq!(
            code(params(&[("redirect_uri", "https://evil.example/cb")], &[])),
            "invalid_request"
        );
    }

    #[test]
    fn pkce_s256_is_required() {
        assert_eq!(
            redirect_error(params(&[], &["code_challenge"])).0,
            "invalid_request"
        );
        let (e, d) = redirect_error(params(&[("code_challenge_method", "plain")], &[]));
        assert_eq!(e, "invalid_request");
        assert!(d.contains("plain"), "{d}");
        assert_eq!(
            redirect_error(params(&[], &["code_challenge_method"])).0,
            "invalid_request"
        );
        assert_eq!(
            redirect_error(params(&[("code_challenge", "short")], &[])).0,
            "invalid_request"
        );
    }

    #[test]
    fn only_the_code_flow_is_offered() {
        assert_eq!(
            redirect_error(params(&[("response_type", "token")], &[])).0,
            "unsupported_response_type"
        );
        assert_eq!(
            redirect_error(params(&[("response_type", "code id_token")], &[])).0,
            "unsupported_response_type"
        );
        assert_eq!(
            redirect_error(params(&[], &["response_type"])).0,
            "invalid_request"
        );
    }

    #[test]
    fn scopes_must_be_known_and_registered() {
        assert_eq!(
            redirect_error(params(&[("scope", "profile")], &[])).0,
            "invalid_scope"
        );
        assert_eq!(
            redirect_error(params(&[("scope", "openid email")], &[])).0,
            "invalid_scope"
        );
        let (e, d) = redirect_error(params(&[("scope", "openid national_id")], &[]));
        assert_eq!(e, "invalid_scope");
        assert!(d.contains("restricted"), "{d}");
        assert_eq!(
            redirect_error(params(&[("scope", "openid admin")], &[])).0,
            "invalid_scope"
        );
    }

    #[test]
    fn offline_access_is_ignored_for_a_client_without_the_refresh_grant() {
        // The test client registered no refresh grant: the request goes on without it.
        let r = check(params(&[("scope", "openid profile offline_access")], &[])).unwrap();
        assert_eq!(
            r.scopes.iter().map(String::as_str).collect::<Vec<_>>(),
            ["openid", "profile"]
        );
    }

    #[test]
    fn other_parameters_are_checked() {
        for (k, v) in [
            ("prompt", "none login"),
            ("prompt", "sometimes"),
            ("max_age", "-1"),
            ("max_age", "+5"),
            ("claims", "{not json"),
            ("claims", r#"{"access_token":{}}"#),
            ("response_mode", "fragment"),
        ] {
            assert_eq!(
                redirect_error(params(&[(k, v)], &[])).0,
                "invalid_request",
                "{k}={v}"
            );
        }
        // Left over after the endpoint unwrapped the request: sent twice, or nested.
        assert_eq!(
            redirect_error(params(&[("request", "eyJ...")], &[])).0,
            "invalid_request"
        );
        assert_eq!(
            redirect_error(params(&[("purpose", "line\nbreak")], &[])).0,
            "invalid_request"
        );
        assert_eq!(
            redirect_error(params(&[("purpose", &"x".repeat(PURPOSE_MAX + 1))], &[])).0,
            "invalid_request"
        );
        let mut twice = params(&[], &[]);
        twice.push(("scope".into(), "openid".into()));
        assert_eq!(redirect_error(twice).0, "invalid_request");
    }

    #[test]
    fn a_form_post_request_gets_its_errors_by_form_post() {
        let p = params(
            &[("response_mode", "form_post"), ("response_type", "token")],
            &[],
        );
        match check(p) {
            Err(AuthorizeError::Redirect(e, _)) => {
                assert_eq!(e.response_mode, ResponseMode::FormPost)
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn each_failure_names_what_went_wrong_for_the_clients_failures_list() {
        let kind = |p: Vec<(String, String)>| match check(p) {
            Err(AuthorizeError::Redirect(_, kind)) => kind,
            Err(AuthorizeError::Page { kind, .. }) => kind,
            Ok(_) => panic!("accepted"),
        };
        assert_eq!(kind(params(&[], &["code_challenge"])), Kind::PkceMissing);
        assert_eq!(
            kind(params(&[("code_challenge_method", "plain")], &[])),
            Kind::PkceMethodUnsupported
        );
        assert_eq!(
            kind(params(&[("scope", "openid national_id")], &[])),
            Kind::ScopeRestricted
        );
        assert_eq!(
            kind(params(&[("response_type", "token")], &[])),
            Kind::ResponseTypeUnsupported
        );
        match check(params(
            &[("redirect_uri", "https://tax.example.gov/cb/")],
            &[],
        )) {
            Err(AuthorizeError::Page {
                kind, description, ..
            }) => {
                assert_eq!(kind, Kind::RedirectUriNotRegistered);
                assert_eq!(
                    description,
                    "redirect_uri https://tax.example.gov/cb/ is not registered for this client"
                );
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn the_claims_parameter_is_read() {
        let claims = r#"{"userinfo":{"email":{"essential":true},"name":null},"id_token":{"birthdate":null}}"#;
        let r = check(params(&[("claims", claims)], &[])).unwrap();
        assert!(r.claims["userinfo"]["email"]);
        assert!(!r.claims["userinfo"]["name"]);
        assert!(r.claims["id_token"].contains_key("birthdate"));
    }
}

#[cfg(test)]
mod fuzz;
