//! Relying parties: what a registration must contain, checked strictly, and how it is stored.
//! The same rules serve the CLI (`civitas client create`) and, later, RFC 7591 registration.

use std::collections::BTreeSet;

use super::redirect_uri::{ApplicationType, RedirectUri};
use crate::{
    crypto::{
        Alg,
        secrets::{random_token, sha256_b64},
    },
    store::{
        Db, Tx,
        clients::{self, ClientOptions, ClientRow, FAPI2, STANDARD},
    },
};

/// Scopes Civitas knows. `openid` is required in every request.
pub const SCOPES: &[&str] = &[
    "openid",
    "profile",
    "email",
    "phone",
    "address",
    "national_id",
    "offline_access",
];

/// OIDC Core §11: asks for access while the citizen is away (refresh tokens that outlive the
/// sign-in session). Granted only to clients registered for the `refresh_token` grant.
pub const OFFLINE_ACCESS: &str = "offline_access";

/// Grant types a client may register (RFC 7591 §2); `authorization_code` is always needed.
pub const GRANT_TYPES: &[&str] = &["authorization_code", "refresh_token"];

/// Scopes a client may hold only with the operator's approval (never by self-registration).
pub const RESTRICTED_SCOPES: &[&str] = &["national_id"];

/// Scopes only clients under the FAPI 2.0 profile may hold.
pub const FAPI_SCOPES: &[&str] = &["national_id"];

/// OAuth client authentication methods (OIDC Core §9).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AuthMethod {
    ClientSecretBasic,
    ClientSecretPost,
    PrivateKeyJwt,
}

impl AuthMethod {
    pub const ALL: [AuthMethod; 3] = [
        AuthMethod::ClientSecretBasic,
        AuthMethod::ClientSecretPost,
        AuthMethod::PrivateKeyJwt,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::ClientSecretBasic => "client_secret_basic",
            Self::ClientSecretPost => "client_secret_post",
            Self::PrivateKeyJwt => "private_key_jwt",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|m| m.as_str() == s)
    }

    pub fn uses_secret(self) -> bool {
        self != Self::PrivateKeyJwt
    }
}

/// Where a client works: a sandbox client signs in test persons only, a production client
/// real persons only (and exists only after review, or the operator's registration).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Environment {
    Sandbox,
    #[default]
    Production,
}

impl Environment {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Sandbox => crate::store::clients::SANDBOX,
            Self::Production => crate::store::clients::PRODUCTION,
        }
    }
}

/// What a registration asks for, before validation.
#[derive(Clone, Debug, Default)]
pub struct ClientRequest {
    pub display_name: String,
    pub purpose: String,
    pub logo_uri: Option<String>,
    pub application_type: Option<String>,
    pub redirect_uris: Vec<String>,
    pub post_logout_redirect_uris: Vec<String>,
    pub auth_method: Option<String>,
    pub jwks: Option<String>,
    pub jwks_uri: Option<String>,
    pub id_token_alg: Option<String>,
    /// Space-separated; `openid` is implied.
    pub scope: Option<String>,
    /// Sector for pairwise subjects; required when redirect URIs span several hosts.
    pub sector_id: Option<String>,
    /// The lowest assurance every sign-in for this client needs (`urn:civitas:loa:…`).
    pub min_acr: Option<String>,
    /// Space-separated scopes (among `scope`) the citizen may leave out at consent.
    pub optional_scope: Option<String>,
    /// RFC 7591 `grant_types`; `None` means `authorization_code` alone (RFC 7591 §2).
    pub grant_types: Option<Vec<String>>,
    /// Production unless said otherwise.
    pub environment: Environment,
    /// FAPI 2.0, encrypted responses and back-channel logout.
    pub options: OptionsRequest,
}

/// The registration metadata of [`ClientOptions`], as asked (RFC 7591 names in the comments).
#[derive(Clone, Debug, Default)]
pub struct OptionsRequest {
    /// `fapi2` for the FAPI 2.0 Security Profile (Civitas extension `profile`).
    pub profile: Option<String>,
    /// `require_pushed_authorization_requests`.
    pub require_par: Option<bool>,
    /// `dpop_bound_access_tokens`.
    pub dpop_bound: Option<bool>,
    /// `id_token_encrypted_response_alg` / `_enc`.
    pub id_token_enc_alg: Option<String>,
    pub id_token_enc_enc: Option<String>,
    /// `userinfo_signed_response_alg`.
    pub userinfo_signed_alg: Option<String>,
    /// `userinfo_encrypted_response_alg` / `_enc`.
    pub userinfo_enc_alg: Option<String>,
    pub userinfo_enc_enc: Option<String>,
    /// `backchannel_logout_uri` / `backchannel_logout_session_required`.
    pub backchannel_logout_uri: Option<String>,
    pub backchannel_logout_session_required: Option<bool>,
}

/// Key management algorithms for encrypted ID tokens and userinfo (RFC 7518 §4).
pub const ENCRYPTION_ALGS: &[&str] = &["ECDH-ES+A256KW", "RSA-OAEP-256"];
/// Content encryption for encrypted ID tokens and userinfo (RFC 7518 §5).
pub const ENCRYPTION_ENCS: &[&str] = &["A256GCM"];

/// A registration that failed: which field, the rule it broke, and (in its text) a value that
/// passes. The CLI, RFC 7591 registration and the portal all show this text.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{field}: {message}. {}", example(field))]
pub struct InvalidClient {
    pub field: &'static str,
    pub message: String,
}

/// A valid value for `field`, for error messages: each rule's message names the field and the
/// rule, and this shows what passes.
pub fn example(field: &str) -> &'static str {
    match field {
        "client_name" => "Example: \"Northbank online banking\".",
        "purpose" => "Example: \"To open your account and confirm who you are\".",
        "logo_uri" => "Example: https://www.northbank.example/logo.png",
        "application_type" => "Example: web (a server-side application) or native (an app).",
        "redirect_uris" => {
            "Example: https://www.northbank.example/callback (http only on 127.0.0.1 or localhost, for development)."
        }
        "post_logout_redirect_uris" => "Example: https://www.northbank.example/signed-out",
        "token_endpoint_auth_method" => "Example: client_secret_basic.",
        "jwks" => {
            "Example: {\"keys\":[{\"kty\":\"EC\",\"crv\":\"P-256\",\"kid\":\"2026-12\",\"x\":\"…\",\"y\":\"…\"}]} (public keys only), or a jwks_uri."
        }
        "jwks_uri" => "Example: https://www.northbank.example/.well-known/jwks.json",
        "id_token_signed_response_alg" => "Example: ES256.",
        "scope" => "Example: profile email.",
        "grant_types" => "Example: authorization_code refresh_token.",
        "sector_identifier" => "Example: northbank.example.",
        "default_acr_values" => "Example: urn:civitas:loa:substantial.",
        "optional_scope" => "Example: phone (one of the client's own scopes other than openid).",
        "profile" => "Example: fapi2 (with private_key_jwt; required for national_id).",
        "require_pushed_authorization_requests" | "dpop_bound_access_tokens" => "Example: true.",
        "id_token_encrypted_response_alg" | "userinfo_encrypted_response_alg" => {
            "Example: ECDH-ES+A256KW (or RSA-OAEP-256), with a use enc key in jwks or at jwks_uri."
        }
        "id_token_encrypted_response_enc" | "userinfo_encrypted_response_enc" => {
            "Example: A256GCM."
        }
        "userinfo_signed_response_alg" => "Example: ES256.",
        "backchannel_logout_uri" => "Example: https://www.northbank.example/backchannel-logout",
        _ => "",
    }
}

fn invalid(field: &'static str, message: impl Into<String>) -> InvalidClient {
    InvalidClient {
        field,
        message: message.into(),
    }
}

/// A validated registration.
#[derive(Clone, Debug)]
pub struct ValidClient {
    pub display_name: String,
    pub purpose: String,
    pub logo_uri: Option<String>,
    pub application_type: ApplicationType,
    pub redirect_uris: Vec<RedirectUri>,
    pub post_logout_redirect_uris: Vec<RedirectUri>,
    pub auth_method: AuthMethod,
    pub jwks: Option<String>,
    pub jwks_uri: Option<String>,
    pub id_token_alg: Alg,
    pub scopes: BTreeSet<String>,
    /// `None`: the client gets a sector of its own.
    pub sector_id: Option<String>,
    pub min_acr: Option<String>,
    pub optional_scopes: BTreeSet<String>,
    /// As registered, in [`GRANT_TYPES`] order.
    pub grant_types: Vec<String>,
    pub environment: Environment,
    pub options: ClientOptions,
}

/// The scopes a client may be granted: those it registered, and `offline_access` when it
/// registered the refresh grant. A client registered before the FAPI 2.0 profile existed
/// keeps its other scopes, but not [`FAPI_SCOPES`] until it moves to the profile.
pub fn permitted_scopes(row: &ClientRow) -> BTreeSet<String> {
    let mut scopes = super::claims::scope_set(&row.scopes);
    if row.has_refresh_grant() {
        scopes.insert(OFFLINE_ACCESS.to_owned());
    }
    if !row.is_fapi() {
        scopes.retain(|s| !FAPI_SCOPES.contains(&s.as_str()));
    }
    scopes
}

/// RFC 7591 §2 `grant_types`: known values, each once, `authorization_code` among them (the
/// only response type is `code`). Returned in [`GRANT_TYPES`] order.
fn check_grant_types(requested: Option<&[String]>) -> Result<Vec<String>, InvalidClient> {
    let Some(requested) = requested else {
        return Ok(vec!["authorization_code".to_owned()]);
    };
    let mut seen = BTreeSet::new();
    for g in requested {
        if !GRANT_TYPES.contains(&g.as_str()) {
            return Err(invalid(
                "grant_types",
                format!("{g} is not supported: use {}", GRANT_TYPES.join(" and ")),
            ));
        }
        if !seen.insert(g.as_str()) {
            return Err(invalid("grant_types", format!("{g} is listed twice")));
        }
    }
    if !seen.contains("authorization_code") {
        return Err(invalid(
            "grant_types",
            "must include authorization_code (the only response type is code)",
        ));
    }
    Ok(GRANT_TYPES
        .iter()
        .filter(|g| seen.contains(**g))
        .map(|g| (*g).to_owned())
        .collect())
}

/// Checks a registration. `may_hold_restricted` is true only for the operator (and for
/// sandbox clients, which only ever see test persons' synthetic data).
pub fn validate(
    req: &ClientRequest,
    may_hold_restricted: bool,
) -> Result<ValidClient, InvalidClient> {
    let text = |field: &'static str, v: &str, max: usize| -> Result<String, InvalidClient> {
        let v = v.trim();
        if v.is_empty() {
            return Err(invalid(field, "is required"));
        }
        if v.chars().count() > max || v.chars().any(char::is_control) {
            return Err(invalid(
                field,
                format!("must be at most {max} characters, without control characters"),
            ));
        }
        Ok(v.to_owned())
    };
    let display_name = text("client_name", &req.display_name, 100)?;
    let purpose = text("purpose", &req.purpose, 500)?;
    let logo_uri = match &req.logo_uri {
        None => None,
        Some(u) => {
            let url =
                url::Url::parse(u).map_err(|_| invalid("logo_uri", "is not an absolute URI"))?;
            if url.scheme() != "https" || url.as_str() != u {
                return Err(invalid(
                    "logo_uri",
                    "must be an https URI in canonical form",
                ));
            }
            Some(u.clone())
        }
    };
    let application_type = match req.application_type.as_deref() {
        None => ApplicationType::Web,
        Some(t) => ApplicationType::parse(t)
            .ok_or_else(|| invalid("application_type", "must be web or native"))?,
    };
    if req.redirect_uris.is_empty() {
        return Err(invalid("redirect_uris", "at least one is required"));
    }
    let uris = |field: &'static str, list: &[String]| -> Result<Vec<RedirectUri>, InvalidClient> {
        let mut seen = BTreeSet::new();
        list.iter()
            .map(|u| {
                if !seen.insert(u.as_str()) {
                    return Err(invalid(field, format!("{u} is listed twice")));
                }
                RedirectUri::parse(u, application_type)
                    .map_err(|m| invalid(field, format!("{u} {m}")))
            })
            .collect()
    };
    let redirect_uris = uris("redirect_uris", &req.redirect_uris)?;
    let post_logout_redirect_uris =
        uris("post_logout_redirect_uris", &req.post_logout_redirect_uris)?;

    let auth_method = match req.auth_method.as_deref() {
        None => AuthMethod::ClientSecretBasic,
        Some(m) => AuthMethod::parse(m).ok_or_else(|| {
            invalid(
                "token_endpoint_auth_method",
                "must be client_secret_basic, client_secret_post or private_key_jwt",
            )
        })?,
    };
    let (jwks, jwks_uri) = (req.jwks.clone(), req.jwks_uri.clone());
    let o = &req.options;
    let encrypts = [
        &o.id_token_enc_alg,
        &o.id_token_enc_enc,
        &o.userinfo_enc_alg,
        &o.userinfo_enc_enc,
    ]
    .iter()
    .any(|f| f.is_some());
    if auth_method == AuthMethod::PrivateKeyJwt || encrypts {
        match (&jwks, &jwks_uri) {
            (Some(_), Some(_)) => return Err(invalid("jwks", "give jwks or jwks_uri, not both")),
            (None, None) => {
                return Err(invalid(
                    "jwks",
                    "private_key_jwt and encrypted responses need jwks or jwks_uri",
                ));
            }
            (Some(j), None) => check_jwks(j)?,
            (None, Some(u)) => {
                // https, or http on loopback for development, as for redirect URIs.
                RedirectUri::parse(u, ApplicationType::Web)
                    .map_err(|m| invalid("jwks_uri", format!("{u} {m}")))?;
            }
        }
    } else if jwks.is_some() || jwks_uri.is_some() {
        return Err(invalid(
            "jwks",
            "keys are only used with private_key_jwt or encrypted responses",
        ));
    }

    let id_token_alg = match req.id_token_alg.as_deref() {
        None => Alg::Es256,
        Some(a) => Alg::parse_jws(a)
            .ok_or_else(|| invalid("id_token_signed_response_alg", "must be ES256 or RS256"))?,
    };

    let grant_types = check_grant_types(req.grant_types.as_deref())?;
    let mut scopes: BTreeSet<String> = BTreeSet::from(["openid".to_owned()]);
    for s in req
        .scope
        .as_deref()
        .unwrap_or("")
        .split(' ')
        .filter(|s| !s.is_empty())
    {
        if !SCOPES.contains(&s) {
            return Err(invalid(
                "scope",
                format!("{s} is not a scope Civitas offers ({})", SCOPES.join(" ")),
            ));
        }
        if RESTRICTED_SCOPES.contains(&s)
            && !may_hold_restricted
            && req.environment != Environment::Sandbox
        {
            return Err(invalid(
                "scope",
                format!("{s} is restricted: the operator grants it after review"),
            ));
        }
        if s == OFFLINE_ACCESS && !grant_types.iter().any(|g| g == "refresh_token") {
            return Err(invalid(
                "scope",
                "offline_access needs the refresh_token grant in grant_types",
            ));
        }
        scopes.insert(s.to_owned());
    }

    // OIDC Core §8.1: the sector is the redirect URIs' host. Loopback and private-use
    // scheme URIs prove no ownership of any host, so such clients get a sector of their own
    // (see `create_with_id`) unless the operator names one.
    let public_hosts: BTreeSet<String> = redirect_uris
        .iter()
        .filter(|u| u.is_public_https())
        .filter_map(RedirectUri::host)
        .collect();
    let any_private = redirect_uris.iter().any(|u| !u.is_public_https());
    let sector_id = match (&req.sector_id, public_hosts.len(), any_private) {
        (Some(s), _, _) => Some(text("sector_identifier", s, 253)?),
        (None, 0, _) => None,
        (None, 1, false) => public_hosts.into_iter().next(),
        (None, _, _) => {
            return Err(invalid(
                "sector_identifier",
                "redirect URIs on several hosts need a sector identifier (OIDC Core §8.1)",
            ));
        }
    };

    let min_acr = match &req.min_acr {
        None => None,
        Some(a) if super::authorize_request::ACR_VALUES.contains(&a.as_str()) => Some(a.clone()),
        Some(_) => {
            return Err(invalid(
                "default_acr_values",
                format!(
                    "must be one of {}",
                    super::authorize_request::ACR_VALUES.join(", ")
                ),
            ));
        }
    };

    let mut optional_scopes = BTreeSet::new();
    for s in req
        .optional_scope
        .as_deref()
        .unwrap_or("")
        .split(' ')
        .filter(|s| !s.is_empty())
    {
        if s == "openid" || s == OFFLINE_ACCESS || !scopes.contains(s) {
            return Err(invalid(
                "optional_scope",
                format!(
                    "{s} is not one of the client's data scopes (openid and offline_access cannot be optional)"
                ),
            ));
        }
        optional_scopes.insert(s.to_owned());
    }

    let options = check_options(o, auth_method, id_token_alg, &scopes, jwks.as_deref())?;

    Ok(ValidClient {
        options,
        environment: req.environment,
        grant_types,
        min_acr,
        optional_scopes,
        display_name,
        purpose,
        logo_uri,
        application_type,
        redirect_uris,
        post_logout_redirect_uris,
        auth_method,
        jwks,
        jwks_uri,
        id_token_alg,
        scopes,
        sector_id,
    })
}

/// RFC 7591 names of the encryption fields, for errors.
const ENC_FIELDS: [(&str, &str); 2] = [
    (
        "id_token_encrypted_response_alg",
        "id_token_encrypted_response_enc",
    ),
    (
        "userinfo_encrypted_response_alg",
        "userinfo_encrypted_response_enc",
    ),
];

/// Checks the FAPI 2.0 profile, encryption and logout options against the rest of the
/// registration. The FAPI 2.0 profile (and `national_id`, which needs it) allows only
/// `private_key_jwt`, pushed requests, DPoP-bound tokens and ES256 ID tokens.
fn check_options(
    o: &OptionsRequest,
    auth_method: AuthMethod,
    id_token_alg: Alg,
    scopes: &BTreeSet<String>,
    jwks: Option<&str>,
) -> Result<ClientOptions, InvalidClient> {
    let fapi = match o.profile.as_deref() {
        None | Some(STANDARD) => false,
        Some(FAPI2) => true,
        Some(_) => return Err(invalid("profile", "must be fapi2 or standard")),
    };
    if !fapi && scopes.iter().any(|s| FAPI_SCOPES.contains(&s.as_str())) {
        return Err(invalid(
            "profile",
            format!(
                "clients holding {} must use the FAPI 2.0 profile (profile fapi2)",
                FAPI_SCOPES.join(", ")
            ),
        ));
    }
    if fapi {
        if auth_method != AuthMethod::PrivateKeyJwt {
            return Err(invalid(
                "token_endpoint_auth_method",
                "the FAPI 2.0 profile allows private_key_jwt only",
            ));
        }
        if o.require_par == Some(false) {
            return Err(invalid(
                "require_pushed_authorization_requests",
                "the FAPI 2.0 profile requires pushed authorization requests",
            ));
        }
        if o.dpop_bound == Some(false) {
            return Err(invalid(
                "dpop_bound_access_tokens",
                "the FAPI 2.0 profile requires DPoP-bound access tokens",
            ));
        }
        if id_token_alg != Alg::Es256 {
            return Err(invalid(
                "id_token_signed_response_alg",
                "the FAPI 2.0 profile allows ES256 only",
            ));
        }
    }
    let mut pairs = [
        (o.id_token_enc_alg.clone(), o.id_token_enc_enc.clone()),
        (o.userinfo_enc_alg.clone(), o.userinfo_enc_enc.clone()),
    ];
    for ((alg, enc), (alg_field, enc_field)) in pairs.iter_mut().zip(ENC_FIELDS) {
        match (&*alg, &*enc) {
            (None, None) => {}
            (None, Some(_)) => {
                return Err(invalid(enc_field, format!("needs {alg_field} as well")));
            }
            (Some(a), _) if !ENCRYPTION_ALGS.contains(&a.as_str()) => {
                return Err(invalid(
                    alg_field,
                    format!("must be {}", ENCRYPTION_ALGS.join(" or ")),
                ));
            }
            (Some(_), None) => {
                return Err(invalid(
                    enc_field,
                    "must be given: A256GCM (the default, A128CBC-HS256, is not offered)",
                ));
            }
            (Some(_), Some(e)) if !ENCRYPTION_ENCS.contains(&e.as_str()) => {
                return Err(invalid(
                    enc_field,
                    format!("must be {}", ENCRYPTION_ENCS.join(" or ")),
                ));
            }
            (Some(a), Some(_)) => {
                if let Some(jwks) = jwks
                    && !has_encryption_key(jwks, a)
                {
                    return Err(invalid(
                        "jwks",
                        format!("{alg_field} {a} needs a key with use enc of its kind"),
                    ));
                }
            }
        }
    }
    let [
        (id_token_enc_alg, id_token_enc_enc),
        (userinfo_enc_alg, userinfo_enc_enc),
    ] = pairs;
    let userinfo_signed_alg = match &o.userinfo_signed_alg {
        None => None,
        Some(a) => Some(
            Alg::parse_jws(a)
                .ok_or_else(|| invalid("userinfo_signed_response_alg", "must be ES256 or RS256"))?
                .as_str()
                .to_owned(),
        ),
    };
    let backchannel_logout_uri = match &o.backchannel_logout_uri {
        None => None,
        Some(u) => {
            // https, or http on loopback for development, as for redirect URIs.
            RedirectUri::parse(u, ApplicationType::Web)
                .map_err(|m| invalid("backchannel_logout_uri", format!("{u} {m}")))?;
            Some(u.clone())
        }
    };
    Ok(ClientOptions {
        profile: if fapi { FAPI2 } else { STANDARD }.to_owned(),
        require_par: fapi || o.require_par.unwrap_or(false),
        dpop_bound: fapi || o.dpop_bound.unwrap_or(false),
        id_token_enc_alg,
        id_token_enc_enc,
        userinfo_signed_alg,
        userinfo_enc_alg,
        userinfo_enc_enc,
        backchannel_logout_session_required: backchannel_logout_uri.is_some()
            && o.backchannel_logout_session_required.unwrap_or(false),
        backchannel_logout_uri,
    })
}

/// Whether an inline JWK set holds a key to encrypt to with `alg` (the same choice
/// `oidc::tokens::encrypt_for` makes).
fn has_encryption_key(jwks: &str, alg: &str) -> bool {
    use crate::crypto::jwe;
    serde_json::from_str::<serde_json::Value>(jwks).is_ok_and(|set| {
        jwe::KeyAlg::parse(alg).is_some_and(|a| jwe::pick_encryption_key(&set, a).is_some())
    })
}

/// The size in bits of an RSA modulus given as base64url (`n` of a JWK); 0 if unreadable.
pub fn rsa_modulus_bits(n: &str) -> usize {
    use base64::{Engine, engine::general_purpose::URL_SAFE_NO_PAD};
    let Ok(bytes) = URL_SAFE_NO_PAD.decode(n) else {
        return 0;
    };
    let bytes: Vec<u8> = bytes.into_iter().skip_while(|b| *b == 0).collect();
    match bytes.first() {
        None => 0,
        Some(first) => bytes.len() * 8 - first.leading_zeros() as usize,
    }
}

/// The largest logo accepted.
pub const LOGO_MAX_BYTES: usize = 100 * 1024;

/// A logo must be a PNG or JPEG image (by its signature, not its name) of at most
/// [`LOGO_MAX_BYTES`]; returns its media type. SVG is refused: it can carry scripts.
pub fn check_logo(bytes: &[u8]) -> Result<&'static str, String> {
    if bytes.len() > LOGO_MAX_BYTES {
        return Err(format!(
            "the logo has {} bytes; at most {LOGO_MAX_BYTES} are accepted",
            bytes.len()
        ));
    }
    if bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
        Ok("image/png")
    } else if bytes.starts_with(&[0xFF, 0xD8, 0xFF]) {
        Ok("image/jpeg")
    } else {
        Err("the logo must be a PNG or JPEG image".into())
    }
}

/// An inline JWKS must be a JSON object with a non-empty `keys` array of public EC P-256 or
/// RSA keys, each with a `kid`.
fn check_jwks(text: &str) -> Result<(), InvalidClient> {
    let v: serde_json::Value =
        serde_json::from_str(text).map_err(|e| invalid("jwks", format!("is not JSON: {e}")))?;
    let keys = v
        .get("keys")
        .and_then(|k| k.as_array())
        .filter(|k| !k.is_empty())
        .ok_or_else(|| invalid("jwks", "must be an object with a non-empty keys array"))?;
    for key in keys {
        for private in ["d", "p", "q", "dp", "dq", "qi", "k"] {
            if key.get(private).is_some() {
                return Err(invalid(
                    "jwks",
                    "holds a private key: register the public key only",
                ));
            }
        }
        match key.get("kty").and_then(|k| k.as_str()) {
            Some("EC") if key.get("crv").and_then(|c| c.as_str()) == Some("P-256") => {}
            Some("RSA")
                if key
                    .get("n")
                    .and_then(|n| n.as_str())
                    .is_some_and(|n| rsa_modulus_bits(n) >= 2048) => {}
            Some("RSA") => return Err(invalid("jwks", "RSA keys must have at least 2048 bits")),
            _ => return Err(invalid("jwks", "keys must be EC P-256 or RSA")),
        }
        if key
            .get("kid")
            .and_then(|k| k.as_str())
            .is_none_or(str::is_empty)
        {
            return Err(invalid("jwks", "every key needs a kid"));
        }
    }
    // The token endpoint reads the set as JWKs and makes a verifying key of the one an
    // assertion names (`client_auth`): a set or key it cannot read (an `alg` that is not a
    // string, an `x` that is not base64url) would register a client that can never
    // authenticate.
    let set = serde_json::from_value::<jsonwebtoken::jwk::JwkSet>(v)
        .map_err(|e| invalid("jwks", format!("is not a JWK set Civitas can read: {e}")))?;
    if set
        .keys
        .iter()
        .any(|k| jsonwebtoken::DecodingKey::from_jwk(k).is_err())
    {
        return Err(invalid(
            "jwks",
            "holds a key Civitas cannot read: x and y (EC) or n and e (RSA) must be base64url",
        ));
    }
    Ok(())
}

/// A created client and its secret, shown once (only its hash is kept).
pub struct CreatedClient {
    pub row: ClientRow,
    pub secret: Option<String>,
}

/// A new `client_id`: 128 random bits as lower-case hex, so it never starts with `-` (a CLI
/// flag) and survives any URL or form encoding unchanged.
pub fn new_client_id() -> String {
    let mut bytes = [0u8; 16];
    getrandom::fill(&mut bytes).expect("the operating system's random source failed");
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// Stores a validated client with a new `client_id` (and a new secret when it uses one).
pub async fn create(db: &Db, client: &ValidClient, now: i64) -> Result<CreatedClient, sqlx::Error> {
    crate::transaction!(db, sqlx::Error, |tx| { create_in(tx, client, now).await })
}

/// [`create`] inside a caller's transaction.
pub async fn create_in(
    tx: &mut Tx,
    client: &ValidClient,
    now: i64,
) -> Result<CreatedClient, sqlx::Error> {
    create_with_id(tx, &new_client_id(), client, now).await
}

/// [`create_in`] with a `client_id` chosen beforehand (from [`new_client_id`]).
pub async fn create_with_id(
    tx: &mut Tx,
    id: &str,
    client: &ValidClient,
    now: i64,
) -> Result<CreatedClient, sqlx::Error> {
    let secret = client.auth_method.uses_secret().then(|| random_token(32));
    let row = ClientRow {
        id: id.to_owned(),
        secret_hash: secret.as_deref().map(sha256_b64),
        status: "active".to_owned(),
        status_reason: None,
        created_at: now,
        sector_id: client
            .sector_id
            .clone()
            .unwrap_or_else(|| format!("client:{id}")),
        ..metadata_row(client, now)
    };
    clients::insert_client(tx, &row).await?;
    insert_uris(tx, &row.id, client).await?;
    Ok(CreatedClient { row, secret })
}

/// Replaces a client's metadata and URIs (the `client_id`, secret and status stay).
pub async fn update_in(
    tx: &mut Tx,
    id: &str,
    client: &ValidClient,
    now: i64,
) -> Result<(), sqlx::Error> {
    let row = ClientRow {
        id: id.to_owned(),
        ..metadata_row(client, now)
    };
    clients::update_client_metadata(tx, &row).await?;
    clients::delete_client_redirect_uris(tx, id).await?;
    insert_uris(tx, id, client).await
}

/// The row fields that come from a registration; identity, secret and status are the caller's.
fn metadata_row(client: &ValidClient, now: i64) -> ClientRow {
    ClientRow {
        id: String::new(),
        display_name: client.display_name.clone(),
        purpose: client.purpose.clone(),
        logo_uri: client.logo_uri.clone(),
        application_type: client.application_type.as_str().to_owned(),
        auth_method: client.auth_method.as_str().to_owned(),
        secret_hash: None,
        jwks: client.jwks.clone(),
        jwks_uri: client.jwks_uri.clone(),
        id_token_alg: client.id_token_alg.as_str().to_owned(),
        scopes: client.scopes.iter().cloned().collect::<Vec<_>>().join(" "),
        // Fixed at creation: an update never changes the subjects a client has stored.
        sector_id: String::new(),
        status: String::new(),
        status_reason: None,
        created_at: now,
        updated_at: now,
        min_acr: client.min_acr.clone(),
        optional_scopes: client
            .optional_scopes
            .iter()
            .cloned()
            .collect::<Vec<_>>()
            .join(" "),
        logo_type: None,
        grant_types: client.grant_types.join(" "),
        environment: client.environment.as_str().to_owned(),
        organisation_id: None,
        sandbox_client_id: None,
        previous_secret_hash: None,
        previous_secret_expires_at: None,
        secret_changed_at: None,
        protocol: clients::OIDC.to_owned(),
        options: client.options.clone(),
    }
}

async fn insert_uris(tx: &mut Tx, id: &str, client: &ValidClient) -> Result<(), sqlx::Error> {
    for uri in &client.redirect_uris {
        clients::insert_client_redirect_uri(tx, id, "login", uri.as_str()).await?;
    }
    for uri in &client.post_logout_redirect_uris {
        clients::insert_client_redirect_uri(tx, id, "logout", uri.as_str()).await?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn req() -> ClientRequest {
        ClientRequest {
            display_name: "Tax Board".into(),
            purpose: "To file your tax return".into(),
            redirect_uris: vec!["https://tax.example.gov/cb".into()],
            scope: Some("profile email".into()),
            ..Default::default()
        }
    }

    const PUBLIC_EC: &str = r#"{"kty":"EC","crv":"P-256","kid":"a","x":"MKBCTNIcKUSDii11ySs3526iDZ8AiTo7Tu6KPAqv7D4","y":"4Etl6SRW2YiLUrN5vfvVHuhp7x8PxltmWWlbbM4IFyM"}"#;

    /// A FAPI 2.0 client with a signing key.
    fn fapi() -> ClientRequest {
        ClientRequest {
            auth_method: Some("private_key_jwt".into()),
            jwks: Some(format!(r#"{{"keys":[{PUBLIC_EC}]}}"#)),
            options: OptionsRequest {
                profile: Some("fapi2".into()),
                ..Default::default()
            },
            ..req()
        }
    }

    #[test]
    fn the_fapi_profile_allows_private_key_jwt_par_dpop_and_es256_only() {
        let c = validate(&fapi(), false).unwrap();
        assert_eq!(c.options.profile, FAPI2);
        assert!(c.options.require_par && c.options.dpop_bound);
        let field = |r: ClientRequest| validate(&r, true).unwrap_err().field;
        let secret = ClientRequest {
            auth_method: Some("client_secret_basic".into()),
            jwks: None,
            ..fapi()
        };
        assert_eq!(field(secret), "token_endpoint_auth_method");
        let mut no_par = fapi();
        no_par.options.require_par = Some(false);
        assert_eq!(field(no_par), "require_pushed_authorization_requests");
        let mut bearer = fapi();
        bearer.options.dpop_bound = Some(false);
        assert_eq!(field(bearer), "dpop_bound_access_tokens");
        let rs256 = ClientRequest {
            id_token_alg: Some("RS256".into()),
            ..fapi()
        };
        assert_eq!(field(rs256), "id_token_signed_response_alg");
        let mut unknown = fapi();
        unknown.options.profile = Some("fapi1".into());
        assert_eq!(field(unknown), "profile");
        // national_id only under the profile, whoever registers.
        let national = ClientRequest {
            scope: Some("national_id".into()),
            ..req()
        };
        assert_eq!(field(national), "profile");
        let national = ClientRequest {
            scope: Some("national_id".into()),
            ..fapi()
        };
        let valid = validate(&national, true).unwrap();
        let mut row = metadata_row(&valid, 0);
        assert!(permitted_scopes(&row).contains("national_id"));
        // A row from before the profile: national_id is withheld until it moves to it.
        row.options.profile = STANDARD.into();
        assert!(!permitted_scopes(&row).contains("national_id"));
        assert!(permitted_scopes(&row).contains("openid"));
    }

    #[test]
    fn encrypted_responses_need_a_known_algorithm_a256gcm_and_an_encryption_key() {
        let enc_key = r#"{"kty":"EC","crv":"P-256","kid":"e","use":"enc","alg":"ECDH-ES+A256KW","x":"MKBCTNIcKUSDii11ySs3526iDZ8AiTo7Tu6KPAqv7D4","y":"4Etl6SRW2YiLUrN5vfvVHuhp7x8PxltmWWlbbM4IFyM"}"#;
        let with = |alg: Option<&str>, enc: Option<&str>, keys: &str| ClientRequest {
            jwks: Some(format!(r#"{{"keys":[{keys}]}}"#)),
            options: OptionsRequest {
                id_token_enc_alg: alg.map(Into::into),
                id_token_enc_enc: enc.map(Into::into),
                ..Default::default()
            },
            ..req()
        };
        let ok = validate(
            &with(Some("ECDH-ES+A256KW"), Some("A256GCM"), enc_key),
            false,
        )
        .unwrap();
        assert_eq!(
            ok.options.id_token_enc_alg.as_deref(),
            Some("ECDH-ES+A256KW")
        );
        assert_eq!(
            ok.auth_method,
            AuthMethod::ClientSecretBasic,
            "keys for encryption only"
        );
        let field = |r: ClientRequest| validate(&r, false).unwrap_err().field;
        assert_eq!(
            field(with(Some("RSA1_5"), Some("A256GCM"), enc_key)),
            "id_token_encrypted_response_alg"
        );
        assert_eq!(
            field(with(Some("ECDH-ES+A256KW"), None, enc_key)),
            "id_token_encrypted_response_enc"
        );
        assert_eq!(
            field(with(Some("ECDH-ES+A256KW"), Some("A128CBC-HS256"), enc_key)),
            "id_token_encrypted_response_enc"
        );
        assert_eq!(
            field(with(None, Some("A256GCM"), enc_key)),
            "id_token_encrypted_response_enc"
        );
        // A signing key only, or a key of the other kind: nothing to encrypt to.
        assert_eq!(
            field(with(Some("ECDH-ES+A256KW"), Some("A256GCM"), PUBLIC_EC)),
            "jwks"
        );
        assert_eq!(
            field(with(Some("RSA-OAEP-256"), Some("A256GCM"), enc_key)),
            "jwks"
        );
    }

    #[test]
    fn a_back_channel_logout_uri_is_https_or_loopback() {
        let with = |uri: &str| ClientRequest {
            options: OptionsRequest {
                backchannel_logout_uri: Some(uri.into()),
                backchannel_logout_session_required: Some(true),
                ..Default::default()
            },
            ..req()
        };
        let ok = validate(&with("https://tax.example.gov/logout"), false).unwrap();
        assert!(ok.options.backchannel_logout_session_required);
        assert!(validate(&with("http://127.0.0.1:9000/logout"), false).is_ok());
        for bad in [
            "http://tax.example.gov/logout",
            "https://tax.example.gov/l#x",
            "logout",
        ] {
            assert_eq!(
                validate(&with(bad), false).unwrap_err().field,
                "backchannel_logout_uri",
                "{bad}"
            );
        }
    }

    #[test]
    fn a_plain_web_client_gets_defaults_and_its_host_as_sector() {
        let c = validate(&req(), false).unwrap();
        assert_eq!(c.auth_method, AuthMethod::ClientSecretBasic);
        assert_eq!(c.id_token_alg, Alg::Es256);
        assert_eq!(c.sector_id.as_deref(), Some("tax.example.gov"));
        assert_eq!(
            c.scopes.iter().map(String::as_str).collect::<Vec<_>>(),
            ["email", "openid", "profile"]
        );
    }

    #[test]
    fn id_tokens_are_signed_with_a_jws_algorithm_only() {
        let with = |alg: &str| ClientRequest {
            id_token_alg: Some(alg.into()),
            ..req()
        };
        assert_eq!(
            validate(&with("RS256"), false).unwrap().id_token_alg,
            Alg::Rs256
        );
        // SAML's keys sign XML only, never a JWT.
        for bad in ["SAML-RS256", "HS256", "none"] {
            assert!(validate(&with(bad), false).is_err(), "{bad}");
        }
    }

    #[test]
    fn grant_types_default_to_the_code_grant_and_are_checked() {
        assert_eq!(
            validate(&req(), false).unwrap().grant_types,
            ["authorization_code"]
        );
        let with = |g: &[&str]| ClientRequest {
            grant_types: Some(g.iter().map(|s| (*s).to_owned()).collect()),
            ..req()
        };
        assert_eq!(
            validate(&with(&["refresh_token", "authorization_code"]), false)
                .unwrap()
                .grant_types,
            ["authorization_code", "refresh_token"]
        );
        for bad in [
            &["refresh_token"][..],
            &["authorization_code", "implicit"],
            &["authorization_code", "authorization_code"],
        ] {
            assert_eq!(
                validate(&with(bad), false).unwrap_err().field,
                "grant_types"
            );
        }
        // offline_access is only for clients that may hold refresh tokens.
        let offline = ClientRequest {
            scope: Some("profile offline_access".into()),
            ..req()
        };
        assert_eq!(validate(&offline, false).unwrap_err().field, "scope");
        let offline = ClientRequest {
            grant_types: Some(vec!["authorization_code".into(), "refresh_token".into()]),
            ..offline
        };
        assert!(
            validate(&offline, false)
                .unwrap()
                .scopes
                .contains(OFFLINE_ACCESS)
        );
    }

    #[test]
    fn grant_type_rules_say_the_rule_and_show_an_example() {
        let with = |g: &[&str]| ClientRequest {
            grant_types: Some(g.iter().map(|s| (*s).to_owned()).collect()),
            ..req()
        };
        let cases: [(&[&str], &str); 3] = [
            (
                &["authorization_code", "implicit"],
                "grant_types: implicit is not supported: use authorization_code and refresh_token. Example: authorization_code refresh_token.",
            ),
            (
                &["authorization_code", "authorization_code"],
                "grant_types: authorization_code is listed twice. Example: authorization_code refresh_token.",
            ),
            (
                &["refresh_token"],
                "grant_types: must include authorization_code (the only response type is code). Example: authorization_code refresh_token.",
            ),
        ];
        for (grants, text) in cases {
            assert_eq!(
                validate(&with(grants), false).unwrap_err().to_string(),
                text
            );
        }
        // Production registrations hold restricted scopes only by the operator's grant.
        let r = ClientRequest {
            scope: Some("national_id".into()),
            ..req()
        };
        assert_eq!(
            validate(&r, false).unwrap_err().to_string(),
            "scope: national_id is restricted: the operator grants it after review. Example: profile email."
        );
        let sandbox = ClientRequest {
            environment: Environment::Sandbox,
            scope: Some("national_id".into()),
            ..fapi()
        };
        assert!(validate(&sandbox, false).is_ok(), "test persons only");
    }

    #[test]
    fn restricted_scopes_need_the_operator() {
        let r = ClientRequest {
            scope: Some("national_id".into()),
            ..fapi()
        };
        assert_eq!(validate(&r, false).unwrap_err().field, "scope");
        assert!(validate(&r, true).is_ok());
        let r = ClientRequest {
            scope: Some("everything".into()),
            ..req()
        };
        assert_eq!(validate(&r, true).unwrap_err().field, "scope");
    }

    #[test]
    fn several_redirect_hosts_need_a_sector() {
        let r = ClientRequest {
            redirect_uris: vec![
                "https://a.example.gov/cb".into(),
                "https://b.example.gov/cb".into(),
            ],
            ..req()
        };
        assert_eq!(validate(&r, false).unwrap_err().field, "sector_identifier");
        let r = ClientRequest {
            sector_id: Some("example.gov".into()),
            ..r
        };
        assert_eq!(
            validate(&r, false).unwrap().sector_id.as_deref(),
            Some("example.gov")
        );
        // Loopback and private-scheme clients prove no host: a sector of their own.
        let r = ClientRequest {
            redirect_uris: vec!["http://127.0.0.1:3000/cb".into()],
            ..req()
        };
        assert_eq!(validate(&r, false).unwrap().sector_id, None);
    }

    #[test]
    fn private_key_jwt_needs_public_keys_only() {
        let base = ClientRequest {
            auth_method: Some("private_key_jwt".into()),
            ..req()
        };
        assert_eq!(validate(&base, false).unwrap_err().field, "jwks");
        let private =
            r#"{"keys":[{"kty":"EC","crv":"P-256","kid":"a","x":"x","y":"y","d":"secret"}]}"#;
        let r = ClientRequest {
            jwks: Some(private.into()),
            ..base.clone()
        };
        assert!(
            validate(&r, false)
                .unwrap_err()
                .message
                .contains("private key")
        );
        let public = r#"{"keys":[{"kty":"EC","crv":"P-256","kid":"a","x":"MKBCTNIcKUSDii11ySs3526iDZ8AiTo7Tu6KPAqv7D4","y":"4Etl6SRW2YiLUrN5vfvVHuhp7x8PxltmWWlbbM4IFyM"}]}"#;
        let r = ClientRequest {
            jwks: Some(public.into()),
            ..base.clone()
        };
        assert!(validate(&r, false).is_ok());
        let r = ClientRequest {
            jwks: Some(public.into()),
            ..req()
        };
        assert_eq!(
            validate(&r, false).unwrap_err().field,
            "jwks",
            "keys without private_key_jwt"
        );
    }

    #[test]
    fn bad_fields_are_named() {
        let cases: [(ClientRequest, &str); 6] = [
            (
                ClientRequest {
                    display_name: " ".into(),
                    ..req()
                },
                "client_name",
            ),
            (
                ClientRequest {
                    redirect_uris: vec![],
                    ..req()
                },
                "redirect_uris",
            ),
            (
                ClientRequest {
                    redirect_uris: vec!["http://tax.example.gov/cb".into()],
                    ..req()
                },
                "redirect_uris",
            ),
            (
                ClientRequest {
                    redirect_uris: vec!["https://tax.example.gov/cb".into(); 2],
                    ..req()
                },
                "redirect_uris",
            ),
            (
                ClientRequest {
                    id_token_alg: Some("none".into()),
                    ..req()
                },
                "id_token_signed_response_alg",
            ),
            (
                ClientRequest {
                    logo_uri: Some("http://tax.example.gov/logo.png".into()),
                    ..req()
                },
                "logo_uri",
            ),
        ];
        for (r, field) in cases {
            assert_eq!(validate(&r, false).unwrap_err().field, field);
        }
    }
}
