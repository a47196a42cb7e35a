//! Content codings: which one a client accepts (RFC 9110 §12.5.3), and the layer that
//! compresses pages on the fly. Static assets are compressed once, ahead of time
//! (`web::assets`).
//!
//! What is compressed: HTML pages and the citizen's history downloads (CSV, JSON
//! attachments). What is not: the protocol endpoints' JSON (a token response or userinfo is a
//! few hundred bytes, sent thousands of times a second to servers on fast links: compressing
//! it would cost CPU on the hot path and save nothing), redirects and other bodies under
//! [`MIN_SIZE`].
//!
//! BREACH (compression as a length oracle for a secret next to attacker-chosen text in one
//! response) was weighed for pages, and they are compressed:
//! - no page carries a CSRF token or another long-lived secret: forms are protected by the
//!   same-origin check on `Origin` (`web::security`), not by tokens in the body;
//! - the attack needs thousands of requests carrying the victim's cookies, and the session
//!   cookie is `SameSite=Lax`: another site can make the browser send it only on top-level
//!   navigations, not from images, scripts or `fetch`;
//! - pages with personal data do not reflect guessable request input: the account page's
//!   service filter is kept only when it names one of the citizen's own services;
//! - the one response that carries a secret beside text a client chose, the form-post answer
//!   to a relying party (the authorization code beside `state`), is marked [`Uncompressed`];
//!   its code is new on every response anyway, which BREACH cannot use.

use axum::http::{Extensions, HeaderMap, HeaderValue, header};
use tower_http::compression::{
    CompressionLayer, CompressionLevel,
    predicate::{Predicate, SizeAbove},
};

/// A content coding Civitas can send.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Coding {
    Brotli,
    Gzip,
    Identity,
}

impl Coding {
    /// The `Content-Encoding` value, `None` for identity.
    pub fn header_value(self) -> Option<HeaderValue> {
        match self {
            Coding::Brotli => Some(HeaderValue::from_static("br")),
            Coding::Gzip => Some(HeaderValue::from_static("gzip")),
            Coding::Identity => None,
        }
    }
}

/// The coding to send for this `Accept-Encoding`: the highest quality the client gives, with
/// ties going to brotli, then gzip, then identity. No header means identity, and so does a
/// header that accepts neither brotli nor gzip, even one that refuses identity: a page sent
/// uncompressed beats a 406.
pub fn preferred(headers: &HeaderMap) -> Coding {
    let mut br = None;
    let mut gzip = None;
    let mut identity = None;
    let mut any = None;
    for value in headers.get_all(header::ACCEPT_ENCODING) {
        let Ok(value) = value.to_str() else { continue };
        for item in value.split(',') {
            let mut parts = item.split(';');
            let coding = parts.next().unwrap_or("").trim();
            let q = match parts.find_map(|p| p.trim().strip_prefix("q=")) {
                None => 1.0,
                Some(q) => match q.trim().parse::<f32>() {
                    Ok(q) if (0.0..=1.0).contains(&q) => q,
                    _ => continue,
                },
            };
            let slot = if coding.eq_ignore_ascii_case("br") {
                &mut br
            } else if coding.eq_ignore_ascii_case("gzip") || coding.eq_ignore_ascii_case("x-gzip") {
                &mut gzip
            } else if coding.eq_ignore_ascii_case("identity") {
                &mut identity
            } else if coding == "*" {
                &mut any
            } else {
                continue;
            };
            *slot = Some(q);
        }
    }
    // Identity is the fallback: it competes only when the client gave it a quality.
    let br = br.or(any).unwrap_or(0.0);
    let gzip = gzip.or(any).unwrap_or(0.0);
    let identity = identity.unwrap_or(0.0);
    [
        (Coding::Brotli, br),
        (Coding::Gzip, gzip),
        (Coding::Identity, identity),
    ]
    .into_iter()
    .filter(|(_, q)| *q > 0.0)
    // `max_by` keeps the last of equals: go through them in reverse preference.
    .rev()
    .max_by(|a, b| a.1.total_cmp(&b.1))
    .map_or(Coding::Identity, |(c, _)| c)
}

/// A response extension: never compress this response (see the module comment).
#[derive(Clone, Copy, Debug)]
pub struct Uncompressed;

/// Bodies smaller than this are sent as they are: the coding's overhead would eat the gain.
pub const MIN_SIZE: u64 = 512;

/// What the page layer compresses: HTML and the history downloads, from [`MIN_SIZE`] up,
/// unless marked [`Uncompressed`].
#[derive(Clone, Copy, Debug, Default)]
pub struct PagesOnly;

impl Predicate for PagesOnly {
    fn should_compress<B>(&self, response: &axum::http::Response<B>) -> bool
    where
        B: axum::body::HttpBody,
    {
        is_page(response.headers(), response.extensions())
            && SizeAbove::new(MIN_SIZE).should_compress(response)
    }
}

fn is_page(headers: &HeaderMap, extensions: &Extensions) -> bool {
    if extensions.get::<Uncompressed>().is_some() {
        return false;
    }
    let text = |name| {
        headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
    };
    let content_type = text(header::CONTENT_TYPE);
    content_type.starts_with("text/html")
        || content_type.starts_with("text/csv")
        || text(header::CONTENT_DISPOSITION).starts_with("attachment")
}

/// Brotli or gzip for pages, at the codings' on-the-fly levels (brotli 4, gzip 6: a page of
/// 15 KB takes well under a millisecond).
pub fn pages_layer() -> CompressionLayer<PagesOnly> {
    CompressionLayer::new()
        .br(true)
        .gzip(true)
        .no_deflate()
        .no_zstd()
        .quality(CompressionLevel::Default)
        .compress_when(PagesOnly)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn accept(v: &'static str) -> Coding {
        let mut h = HeaderMap::new();
        h.insert(header::ACCEPT_ENCODING, HeaderValue::from_static(v));
        preferred(&h)
    }

    #[test]
    fn brotli_is_preferred_then_gzip_then_identity() {
        assert_eq!(preferred(&HeaderMap::new()), Coding::Identity);
        assert_eq!(accept("gzip, deflate, br, zstd"), Coding::Brotli);
        assert_eq!(accept("gzip, deflate"), Coding::Gzip);
        assert_eq!(accept("deflate"), Coding::Identity);
        assert_eq!(accept("identity"), Coding::Identity);
        assert_eq!(accept("*"), Coding::Brotli);
    }

    #[test]
    fn qualities_are_honoured() {
        assert_eq!(accept("br;q=0.5, gzip"), Coding::Gzip);
        assert_eq!(accept("br;q=0, gzip;q=0"), Coding::Identity);
        assert_eq!(accept("*;q=0.2, br;q=0"), Coding::Gzip);
        assert_eq!(accept("gzip;q=0.1, identity"), Coding::Identity);
        assert_eq!(accept("gzip;q=0.5"), Coding::Gzip);
        assert_eq!(accept("BR;q=1.0"), Coding::Brotli);
        assert_eq!(
            accept("br;q=2"),
            Coding::Identity,
            "an invalid quality is ignored"
        );
        // Identity refused and nothing else acceptable: identity all the same, not a 406.
        assert_eq!(accept("identity;q=0"), Coding::Identity);
    }
}
