//! Response security headers and the same-origin check on page forms.

use axum::{
    extract::{Request, State},
    http::{HeaderMap, HeaderName, HeaderValue, Method, header},
    middleware::Next,
    response::{IntoResponse, Response},
};

use crate::{error::AppError, state::AppState};

/// No inline script or style anywhere: pages load `static/` files only. Forms post to us
/// only; `form-action` comes last so that [`FormTargets`] can add to it.
pub const CSP: &str = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; \
     connect-src 'self'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'";

/// A response extension: where, beyond our own origin, the page's forms may lead.
///
/// Chromium applies `form-action` to every redirect that follows a form submission, not only
/// to the form's own `action`. Some of our forms end at a relying party: "Allow" on the consent
/// page posts to us, and the answer redirects (through `/authorize/resume`) to the client's
/// redirect URI; a one-time code posted during an authorization request does the same, and
/// so does a test person chosen for a sandbox client's request; the
/// logout confirmation redirects to the `post_logout_redirect_uri`; and the form-post answer
/// posts straight to the redirect URI. Those pages' responses carry the origin of that
/// (verified, registered) URI, and [`headers`] adds it to their `form-action`.
#[derive(Clone, Debug, Default)]
pub struct FormTargets(Vec<String>);

impl FormTargets {
    /// The CSP source of a verified redirect URI's origin; nothing when it has none that a
    /// policy can name safely.
    pub fn redirect_to(uri: &str) -> Self {
        Self(csp_source(uri).into_iter().collect())
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// The policy for a page whose forms may lead to these origins.
    pub fn policy(&self) -> Option<HeaderValue> {
        if self.0.is_empty() {
            return None;
        }
        HeaderValue::from_str(&format!("{CSP} {}", self.0.join(" "))).ok()
    }
}

/// `https://rp.example:8443` for a web redirect URI, `com.example.app:` for a native app's
/// private-use scheme (RFC 8252 §7.1), `None` for anything else. The result goes into a
/// header, so it is rebuilt from the parsed URL and checked character by character: a
/// registered URI must not be able to end the directive (`;`, `,`) or add a source (space).
pub fn csp_source(uri: &str) -> Option<String> {
    let url = url::Url::parse(uri).ok()?;
    let source = match url.scheme() {
        "http" | "https" => url.origin().ascii_serialization(),
        scheme => format!("{scheme}:"),
    };
    let safe =
        |c: char| c.is_ascii_alphanumeric() || matches!(c, ':' | '/' | '.' | '-' | '+' | '[' | ']');
    (source != "null" && source.chars().all(safe)).then_some(source)
}

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

/// Sets [`default_headers`] on every response that lacks them, with the [`FormTargets`] a
/// response carries added to its `form-action`.
pub fn add_headers(state: &AppState, response: &mut Response) {
    let policy = response
        .extensions()
        .get::<FormTargets>()
        .and_then(FormTargets::policy);
    let h = response.headers_mut();
    if let Some(policy) = policy
        && !h.contains_key(header::CONTENT_SECURITY_POLICY)
    {
        h.insert(header::CONTENT_SECURITY_POLICY, policy);
    }
    for (name, value) in state.security_headers.iter() {
        if !h.contains_key(name) {
            h.insert(name.clone(), value.clone());
        }
    }
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
    fn form_targets_name_the_redirect_origin_and_nothing_else() {
        assert_eq!(
            csp_source("https://rp.example.org/cb?x=1#f").as_deref(),
            Some("https://rp.example.org")
        );
        assert_eq!(
            csp_source("http://127.0.0.1:51004/callback").as_deref(),
            Some("http://127.0.0.1:51004")
        );
        assert_eq!(
            csp_source("https://RP.example.org:443/").as_deref(),
            Some("https://rp.example.org")
        );
        assert_eq!(
            csp_source("com.example.app:/oauth2redirect").as_deref(),
            Some("com.example.app:")
        );
        assert_eq!(csp_source("not a url"), None);
        // Nothing that could end the directive or add a source gets through.
        for hostile in ["https://a;b.example/", "https://a,b.example/"] {
            assert!(
                csp_source(hostile).is_none_or(|s| !s.contains([';', ',', ' '])),
                "{hostile}"
            );
        }
        let policy = FormTargets::redirect_to("https://rp.example.org/cb")
            .policy()
            .unwrap();
        assert!(
            policy
                .to_str()
                .unwrap()
                .ends_with("; form-action 'self' https://rp.example.org"),
            "{policy:?}"
        );
        assert!(FormTargets::redirect_to("::").policy().is_none());
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
