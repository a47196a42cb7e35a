//! Response security headers and the same-origin check on page forms.

use axum::{
    extract::{Request, State},
    http::{HeaderMap, HeaderName, HeaderValue, Method, header},
    middleware::Next,
    response::{IntoResponse, Response},
};

use crate::{app::AppState, error::AppError};

/// No inline script or style anywhere: pages load `static/` files only. `form-action` is left
/// to the pages that post, because a form that ends in a redirect to a relying party must be
/// allowed to.
pub const CSP: &str = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; \
     connect-src 'self'; base-uri 'none'; frame-ancestors 'none'";

/// Headers every response carries unless its handler set them.
pub fn default_headers(hsts: bool) -> Vec<(HeaderName, HeaderValue)> {
    let mut h = vec![
        (
            header::CONTENT_SECURITY_POLICY,
            HeaderValue::from_static(CSP),
        ),
        (
            header::X_CONTENT_TYPE_OPTIONS,
            HeaderValue::from_static("nosniff"),
        ),
        (header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY")),
        // Our own pages send the Referer to us (a fallback for the origin check) and to
        // nobody else: no authorization code or path leaks to other sites.
        (
            header::REFERRER_POLICY,
            HeaderValue::from_static("same-origin"),
        ),
        (
            HeaderName::from_static("cross-origin-opener-policy"),
            HeaderValue::from_static("same-origin"),
        ),
        (
            HeaderName::from_static("permissions-policy"),
            HeaderValue::from_static("camera=(), microphone=(), geolocation=(), payment=()"),
        ),
        // Pages show personal data: nothing is cached unless a handler says otherwise.
        (header::CACHE_CONTROL, HeaderValue::from_static("no-store")),
    ];
    if hsts {
        h.push((
            header::STRICT_TRANSPORT_SECURITY,
            HeaderValue::from_static("max-age=63072000; includeSubDomains"),
        ));
    }
    h
}

/// Sets [`default_headers`] on every response that lacks them.
pub async fn headers(State(state): State<AppState>, req: Request, next: Next) -> Response {
    let mut response = next.run(req).await;
    let h = response.headers_mut();
    for (name, value) in state.security_headers.iter() {
        if !h.contains_key(name) {
            h.insert(name.clone(), value.clone());
        }
    }
    response
}

/// Whether a state-changing request comes from our own pages (OWASP: verifying origin with
/// standard headers). `Origin` decides when present; without it, `Sec-Fetch-Site`, then a
/// same-origin `Referer`. A request with none of them is refused.
pub fn is_same_origin(method: &Method, headers: &HeaderMap, origin: &str) -> bool {
    if matches!(*method, Method::GET | Method::HEAD | Method::OPTIONS) {
        return true;
    }
    let get = |name: &str| headers.get(name).and_then(|v| v.to_str().ok());
    if let Some(o) = get("origin") {
        return o == origin;
    }
    if let Some(site) = get("sec-fetch-site") {
        return site == "same-origin" || site == "none";
    }
    get("referer").is_some_and(|r| {
        r.strip_prefix(origin)
            .is_some_and(|rest| rest.is_empty() || rest.starts_with('/'))
    })
}

/// Refuses cross-site form posts to pages (not to the protocol endpoints, which relying
/// parties call from their servers with their own authentication).
pub async fn same_origin(State(state): State<AppState>, req: Request, next: Next) -> Response {
    if is_same_origin(req.method(), req.headers(), &state.origin) {
        next.run(req).await
    } else {
        tracing::warn!("cross-site form post refused");
        AppError::CrossSite.into_response()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const ORIGIN: &str = "https://id.example.gov";

    fn headers(pairs: &[(&'static str, &'static str)]) -> HeaderMap {
        let mut h = HeaderMap::new();
        for (k, v) in pairs {
            h.insert(*k, HeaderValue::from_static(v));
        }
        h
    }

    #[test]
    fn posts_from_our_origin_pass_and_others_fail() {
        let post = Method::POST;
        assert!(is_same_origin(
            &post,
            &headers(&[("origin", ORIGIN)]),
            ORIGIN
        ));
        assert!(!is_same_origin(
            &post,
            &headers(&[("origin", "https://evil.example")]),
            ORIGIN
        ));
        assert!(!is_same_origin(
            &post,
            &headers(&[("origin", "null")]),
            ORIGIN
        ));
        assert!(!is_same_origin(
            &post,
            &headers(&[("origin", "https://id.example.gov.evil.example")]),
            ORIGIN
        ));
        // Origin decides even if other headers claim otherwise.
        assert!(!is_same_origin(
            &post,
            &headers(&[
                ("origin", "https://evil.example"),
                ("sec-fetch-site", "same-origin")
            ]),
            ORIGIN
        ));
    }

    #[test]
    fn without_origin_fetch_metadata_or_referer_decide() {
        let post = Method::POST;
        assert!(is_same_origin(
            &post,
            &headers(&[("sec-fetch-site", "same-origin")]),
            ORIGIN
        ));
        assert!(!is_same_origin(
            &post,
            &headers(&[("sec-fetch-site", "cross-site")]),
            ORIGIN
        ));
        assert!(is_same_origin(
            &post,
            &headers(&[("referer", "https://id.example.gov/x")]),
            ORIGIN
        ));
        assert!(!is_same_origin(
            &post,
            &headers(&[("referer", "https://id.example.gov.evil.example/")]),
            ORIGIN
        ));
        assert!(!is_same_origin(&post, &HeaderMap::new(), ORIGIN));
        assert!(is_same_origin(&Method::GET, &HeaderMap::new(), ORIGIN));
    }
}
