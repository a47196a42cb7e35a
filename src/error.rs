//! Errors shown to people in the browser. Protocol surfaces (OAuth JSON, SAML status) get
//! their own types; none of them puts internal details in a response body.

use axum::{
    http::{HeaderValue, StatusCode, header},
    response::{IntoResponse, Response},
};

use crate::{
    help::references::{ErrorFacts, KnownClient},
    web::{
        i18n::{Lang, Messages},
        pages::{ErrorPage, ForDeveloper},
    },
};

/// An error rendered as a page in the person's language.
#[derive(Debug, thiserror::Error)]
pub enum AppError {
    /// 400: the request itself is wrong; the message says how (it must be safe to show).
    #[error("bad request: {0}")]
    BadRequest(String),
    /// 400: an authorization request that cannot be answered to its client, because its
    /// `client_id` or `redirect_uri` could not be verified (RFC 6749 §4.1.2.1: do not redirect).
    /// The person reads `message`; the client's developer gets the OAuth `error` code and the
    /// request's reference.
    #[error("authorization request not verified: {error}")]
    UnverifiedAuthorization {
        error: &'static str,
        message: String,
        /// The client, when it is registered (its redirect URI is what failed), for the
        /// error's record (`help::references`).
        client_id: Option<String>,
    },
    /// 403: a form posted from another site (failed CSRF origin check).
    #[error("cross-site request refused")]
    CrossSite,
    /// 403: the caller may not see this.
    #[error("forbidden")]
    Forbidden,
    /// 404: no such page.
    #[error("not found")]
    NotFound,
    /// 429: too many attempts; try again after this many seconds.
    #[error("too many requests")]
    TooManyRequests { retry_after_secs: u64 },
    /// 503: a dependency (the database) is unavailable.
    #[error("service unavailable")]
    Unavailable,
    /// 503: a database transaction lost a race (40001, 40P01); `Db::transaction` runs it
    /// again, and only when it keeps losing does the request fail.
    #[error("a database transaction lost a race")]
    Conflict,
    /// 500: a bug or an unexpected failure; logged once here, never shown.
    #[error("internal error: {0}")]
    Internal(#[from] anyhow::Error),
}

impl From<sqlx::Error> for AppError {
    fn from(e: sqlx::Error) -> Self {
        if crate::store::is_conflict(&e) {
            AppError::Conflict
        } else if crate::store::is_unavailable(&e) {
            tracing::error!(error = %e, "database unavailable");
            AppError::Unavailable
        } else {
            AppError::Internal(e.into())
        }
    }
}

impl crate::store::Retry for AppError {
    fn is_conflict(&self) -> bool {
        match self {
            AppError::Conflict => true,
            AppError::Internal(e) => e.is_conflict(),
            _ => false,
        }
    }
}

impl From<tower_sessions::session::Error> for AppError {
    fn from(e: tower_sessions::session::Error) -> Self {
        AppError::Internal(anyhow::anyhow!("session: {e}"))
    }
}

impl AppError {
    pub fn status(&self) -> StatusCode {
        match self {
            AppError::BadRequest(_) | AppError::UnverifiedAuthorization { .. } => {
                StatusCode::BAD_REQUEST
            }
            AppError::CrossSite | AppError::Forbidden => StatusCode::FORBIDDEN,
            AppError::NotFound => StatusCode::NOT_FOUND,
            AppError::TooManyRequests { .. } => StatusCode::TOO_MANY_REQUESTS,
            AppError::Unavailable | AppError::Conflict => StatusCode::SERVICE_UNAVAILABLE,
            AppError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    /// What the error's record calls it: the variant, in snake case (stored; never renamed).
    pub fn kind(&self) -> &'static str {
        match self {
            AppError::BadRequest(_) => "bad_request",
            AppError::UnverifiedAuthorization { .. } => "unverified_authorization",
            AppError::CrossSite => "cross_site",
            AppError::Forbidden => "forbidden",
            AppError::NotFound => "not_found",
            AppError::TooManyRequests { .. } => "too_many_requests",
            AppError::Unavailable => "unavailable",
            AppError::Conflict => "conflict",
            AppError::Internal(_) => "internal",
        }
    }

    /// The page for this error in `lang`; `request_id` is the request's `x-request-id`, whose
    /// short form the page shows as its reference for the helpdesk.
    pub fn render(&self, lang: Lang, request_id: Option<&str>) -> Response {
        let t: &Messages = lang.messages();
        let status = self.status();
        let (title, detail) = match self {
            AppError::BadRequest(m) | AppError::UnverifiedAuthorization { message: m, .. } => {
                (t.error_bad_request, m.clone())
            }
            AppError::CrossSite => (t.error_forbidden, t.error_cross_site.to_owned()),
            AppError::Forbidden => (t.error_forbidden, t.error_forbidden_detail.to_owned()),
            AppError::NotFound => (t.error_not_found, t.error_not_found_detail.to_owned()),
            AppError::TooManyRequests { retry_after_secs } => (
                t.error_too_many,
                t.error_too_many_detail(t.minutes(retry_after_secs.div_ceil(60).max(1))),
            ),
            AppError::Unavailable | AppError::Conflict => {
                (t.error_unavailable, t.error_unavailable_detail.to_owned())
            }
            AppError::Internal(e) => {
                tracing::error!(error = %e, "internal error");
                (t.error_internal, t.error_internal_detail.to_owned())
            }
        };
        let mut page = ErrorPage::new(lang, title, detail, request_id);
        let mut facts = ErrorFacts {
            kind: self.kind(),
            oauth_error: None,
        };
        if let AppError::UnverifiedAuthorization { error, .. } = self {
            facts.oauth_error = Some(error);
            page.developer = Some(ForDeveloper {
                error,
                request_id: request_id.unwrap_or("-").to_owned(),
            });
        }
        let mut response = (status, page).into_response();
        response.extensions_mut().insert(facts);
        if let AppError::UnverifiedAuthorization {
            client_id: Some(c), ..
        } = self
        {
            response.extensions_mut().insert(KnownClient(c.clone()));
        }
        if let AppError::TooManyRequests { retry_after_secs } = *self
            && let Ok(v) = HeaderValue::from_str(&retry_after_secs.to_string())
        {
            response.headers_mut().insert(header::RETRY_AFTER, v);
        }
        response
    }
}

/// A handler's error becomes a bare status with the error attached;
/// [`crate::web::pages::render_errors`] turns it into a page in the person's language.
impl IntoResponse for AppError {
    fn into_response(self) -> Response {
        let mut response = self.status().into_response();
        response.extensions_mut().insert(std::sync::Arc::new(self));
        response
    }
}
