//! `GET /static/{name}`: the CSS and scripts, compiled into the binary so that one file is
//! the whole service, and compressed once (brotli and gzip) when the service starts. Each
//! answer is in the coding the client prefers, with `Vary: Accept-Encoding` and a strong
//! `ETag` for that coding; a matching `If-None-Match` gets 304.

use std::{io::Write, sync::LazyLock};

use axum::{
    body::Bytes,
    extract::Path,
    http::{HeaderMap, HeaderValue, StatusCode, header},
    response::{IntoResponse, Response},
};
use sha2::{Digest, Sha256};

use super::compression::{self, Coding};
use crate::error::AppError;

struct Asset {
    name: &'static str,
    content_type: &'static str,
    body: &'static [u8],
}

const ASSETS: &[Asset] = &[
    Asset {
        name: "civitas.css",
        content_type: "text/css; charset=utf-8",
        body: include_bytes!("../../static/civitas.css"),
    },
    Asset {
        name: "passkey.js",
        content_type: "text/javascript; charset=utf-8",
        body: include_bytes!("../../static/passkey.js"),
    },
    Asset {
        name: "session.js",
        content_type: "text/javascript; charset=utf-8",
        body: include_bytes!("../../static/session.js"),
    },
    Asset {
        name: "form_post.js",
        content_type: "text/javascript; charset=utf-8",
        body: include_bytes!("../../static/form_post.js"),
    },
];

/// One asset ready to send: its bytes in each coding, and a strong `ETag` for each (a
/// validator names one representation, so each coding has its own: RFC 9110 §8.8.3).
struct Prepared {
    identity: Representation,
    brotli: Representation,
    gzip: Representation,
}

struct Representation {
    body: Bytes,
    etag: HeaderValue,
}

/// Every asset, compressed once per process (brotli at its best quality, gzip at level 9):
/// the files are fixed at build time, so a few milliseconds at start-up buy the smallest
/// bodies on every request. [`prepare`] runs it at start-up so no request waits for it.
static PREPARED: LazyLock<Vec<Prepared>> = LazyLock::new(|| {
    ASSETS
        .iter()
        .map(|a| {
            let digest = Sha256::digest(a.body);
            let hex: String = digest[..16].iter().map(|b| format!("{b:02x}")).collect();
            let representation = |body: Vec<u8>, suffix: &str| Representation {
                body: Bytes::from(body),
                etag: HeaderValue::from_str(&format!("\"{hex}{suffix}\""))
                    .unwrap_or(HeaderValue::from_static("\"0\"")),
            };
            Prepared {
                identity: representation(a.body.to_vec(), ""),
                brotli: representation(brotli(a.body), "-br"),
                gzip: representation(gzip(a.body), "-gz"),
            }
        })
        .collect()
});

/// Compresses the assets now rather than on the first request.
pub fn prepare() {
    LazyLock::force(&PREPARED);
}

fn brotli(body: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(body.len() / 3);
    {
        // Quality 11 (the best), a 4 MiB window (lgwin 22, brotli's default).
        let mut w = ::brotli::CompressorWriter::new(&mut out, 4096, 11, 22);
        // Writing to a Vec cannot fail.
        let _ = w.write_all(body);
    }
    out
}

fn gzip(body: &[u8]) -> Vec<u8> {
    let mut w = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
    // Writing to a Vec cannot fail.
    let _ = w.write_all(body);
    w.finish().unwrap_or_default()
}

/// `GET /static/{name}`, in the coding the client prefers (brotli, then gzip, then none).
pub async fn asset(Path(name): Path<String>, headers: HeaderMap) -> Result<Response, AppError> {
    let (i, asset) = ASSETS
        .iter()
        .enumerate()
        .find(|(_, a)| a.name == name)
        .ok_or(AppError::NotFound)?;
    let coding = compression::preferred(&headers);
    let prepared = &PREPARED[i];
    let chosen = match coding {
        Coding::Brotli => &prepared.brotli,
        Coding::Gzip => &prepared.gzip,
        Coding::Identity => &prepared.identity,
    };
    let mut h = HeaderMap::new();
    h.insert(header::ETAG, chosen.etag.clone());
    h.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("public, max-age=3600"),
    );
    // Caches keep one copy per coding.
    h.insert(header::VARY, HeaderValue::from_static("accept-encoding"));
    if headers.get(header::IF_NONE_MATCH).is_some_and(|v| {
        v.as_bytes()
            .split(|&b| b == b',')
            .any(|t| t.trim_ascii() == chosen.etag.as_bytes())
    }) {
        return Ok((StatusCode::NOT_MODIFIED, h).into_response());
    }
    h.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static(asset.content_type),
    );
    if let Some(encoding) = coding.header_value() {
        h.insert(header::CONTENT_ENCODING, encoding);
    }
    Ok((h, chosen.body.clone()).into_response())
}

#[cfg(test)]
mod tests {
    use std::io::Read;

    use super::*;

    #[test]
    fn every_asset_decompresses_to_its_file_and_is_smaller() {
        prepare();
        for (asset, prepared) in ASSETS.iter().zip(PREPARED.iter()) {
            let mut from_br = Vec::new();
            ::brotli::Decompressor::new(&prepared.brotli.body[..], 4096)
                .read_to_end(&mut from_br)
                .unwrap();
            let mut from_gzip = Vec::new();
            flate2::read::GzDecoder::new(&prepared.gzip.body[..])
                .read_to_end(&mut from_gzip)
                .unwrap();
            assert_eq!(from_br, asset.body, "{}", asset.name);
            assert_eq!(from_gzip, asset.body, "{}", asset.name);
            assert!(
                prepared.brotli.body.len() < asset.body.len(),
                "{}",
                asset.name
            );
            assert!(
                prepared.gzip.body.len() < asset.body.len(),
                "{}",
                asset.name
            );
            assert_ne!(prepared.brotli.etag, prepared.gzip.etag);
            assert_ne!(prepared.identity.etag, prepared.gzip.etag);
        }
    }
}
