//! OAuth error responses (RFC 6749 §5.2): JSON with a helpful `error_description`, never
//! cached, never carrying internal details.

use axum::{
    Json,
    http::{HeaderValue, StatusCode, header},
    response::{IntoResponse, Response},
};
use serde_json::json;

use super::client_failures::FailureKind;
use crate::help::references::{ErrorFacts, KnownClient};

/// An error from a protocol endpoint (token, revocation, introspection, userinfo).
#[derive(Debug)]
pub struct OAuthError {
    pub status: StatusCode,
    pub error: &'static str,
    pub description: String,
    /// `WWW-Authenticate` value, for 401 answers.
    pub challenge: Option<String>,
    /// What went wrong, for the client's failures list (`client_failures`); not sent.
    pub kind: Option<FailureKind>,
    /// A fresh nonce for the client's next DPoP proof (RFC 9449 §8), sent as `DPoP-Nonce`.
    pub dpop_nonce: Option<String>,
    /// The client that authenticated, for the error's record (`help::references`); not sent.
    pub client_id: Option<String>,
}

impl OAuthError {
    fn new(status: StatusCode, error: &'static str, description: impl Into<String>) -> Self {
        Self {
            status,
            error,
            description: description.into(),
            challenge: None,
            dpop_nonce: None,
            kind: None,
            client_id: None,
        }
    }

    /// Names the client that authenticated, for the error's record.
    pub fn for_client(self, client_id: &str) -> Self {
        Self {
            client_id: Some(client_id.to_owned()),
            ..self
        }
    }

    /// Names what went wrong, for the client's failures list.
    pub fn because(self, kind: FailureKind) -> Self {
        Self {
            kind: Some(kind),
            ..self
        }
    }

    pub fn invalid_request(d: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, "invalid_request", d)
    }

    /// 401 with a `Basic` challenge (RFC 6749 §5.2).
    pub fn invalid_client(d: impl Into<String>) -> Self {
        Self {
            challenge: Some("Basic realm=\"civitas\"".into()),
            ..Self::new(StatusCode::UNAUTHORIZED, "invalid_client", d)
        }
    }

    pub fn invalid_grant(d: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, "invalid_grant", d)
    }

    pub fn unauthorized_client(d: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, "unauthorized_client", d)
    }

    pub fn unsupported_grant_type(d: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, "unsupported_grant_type", d)
    }

    pub fn unsupported_token_type(d: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, "unsupported_token_type", d)
    }

    /// 401 for a bearer token that is missing, unknown, expired or revoked (RFC 6750 §3.1).
    pub fn invalid_token(d: impl Into<String>) -> Self {
        let d = d.into();
        Self {
            challenge: Some(format!(
                "Bearer realm=\"civitas\", error=\"invalid_token\", error_description=\"{}\"",
                d.replace('"', "'")
            )),
            ..Self::new(StatusCode::UNAUTHORIZED, "invalid_token", d)
        }
    }

    /// A refused DPoP proof (RFC 9449 §7.1): at the token endpoint 400 `invalid_dpop_proof`
    /// (or `use_dpop_nonce`); at a resource endpoint (`resource`) 401 with a `DPoP` challenge.
    pub fn dpop(error: &'static str, d: impl Into<String>, resource: bool) -> Self {
        let d = d.into();
        if resource {
            Self {
                challenge: Some(format!(
                    "DPoP realm=\"civitas\", algs=\"ES256 PS256\", error=\"{error}\", error_description=\"{}\"",
                    d.replace('"', "'")
                )),
                ..Self::new(StatusCode::UNAUTHORIZED, error, d)
            }
        } else {
            Self::new(StatusCode::BAD_REQUEST, error, d)
        }
    }

    /// Adds a `DPoP-Nonce` for the client's next proof.
    pub fn with_dpop_nonce(self, nonce: Option<String>) -> Self {
        Self {
            dpop_nonce: nonce,
            ..self
        }
    }

    pub fn server_error() -> Self {
        Self::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "server_error",
            "the request could not be completed; try again",
        )
    }

    pub fn unavailable() -> Self {
        Self::new(
            StatusCode::SERVICE_UNAVAILABLE,
            "temporarily_unavailable",
            "the service is unavailable; try again shortly",
        )
    }
}

impl From<sqlx::Error> for OAuthError {
    fn from(e: sqlx::Error) -> Self {
        tracing::error!(error = %e, "database error at a protocol endpoint");
        if crate::store::is_unavailable(&e) {
            Self::unavailable()
        } else {
            Self::server_error()
        }
    }
}

/// Headers every protocol answer carries: never cached (RFC 6749 §5.1).
pub fn no_store(response: &mut Response) {
    let h = response.headers_mut();
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    h.insert(header::PRAGMA, HeaderValue::from_static("no-cache"));
}

impl IntoResponse for OAuthError {
    fn into_response(self) -> Response {
        let mut response = (
            self.status,
            Json(json!({ "error": self.error, "error_description": self.description })),
        )
            .into_response();
        no_store(&mut response);
        response.extensions_mut().insert(ErrorFacts {
            kind: "oauth",
            oauth_error: Some(self.error),
        });
        if let Some(c) = self.client_id {
            response.extensions_mut().insert(KnownClient(c));
        }
        if let Some(c) = self.challenge.and_then(|c| HeaderValue::from_str(&c).ok()) {
            response.headers_mut().insert(header::WWW_AUTHENTICATE, c);
        }
        if let Some(n) = self.dpop_nonce.and_then(|n| HeaderValue::from_str(&n).ok()) {
            response.headers_mut().insert("dpop-nonce", n);
        }
        response
    }
}
