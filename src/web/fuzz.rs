//! Fuzz targets for what the edge reads from request headers: the language cookie and
//! `Accept-Language`, the same-origin check on forms (`Origin`, `Sec-Fetch-Site`, `Referer`),
//! the client address behind proxies, and the values that go back out in headers or
//! redirects (`csp_source`, `safe_local_path`). The session cookie itself is parsed by
//! `tower-sessions`; `tests/it/fuzz.rs` sends arbitrary session cookies to the running server.

use std::net::IpAddr;

use axum::http::{HeaderMap, HeaderValue, Method, header};
use proptest::prelude::*;

use super::{client_ip::client_ip, i18n, pages::safe_local_path, security};
use crate::fuzzing::{self, config};

const ORIGIN: &str = "https://id.example.gov";

fn header_value() -> impl Strategy<Value = Vec<u8>> {
    prop_oneof![
        fuzzing::bytes(),
        fuzzing::text().prop_map(String::into_bytes),
        fuzzing::mutated("a=b; civitas_lang=fr; __Host-civitas_session=AAAAAAAAAAAAAAAAAAAAAA"),
        fuzzing::mutated("fr-CH, fr;q=0.9, en;q=0.8, de;q=0.7, *;q=0.5"),
        fuzzing::mutated(ORIGIN),
        fuzzing::mutated(format!("{ORIGIN}/account/passkeys?x=1")),
    ]
}

fn headers(pairs: &[(header::HeaderName, Vec<u8>)]) -> HeaderMap {
    let mut h = HeaderMap::new();
    for (name, value) in pairs {
        if let Ok(v) = HeaderValue::from_bytes(value) {
            h.append(name.clone(), v);
        }
    }
    h
}

proptest! {
    #![proptest_config(config(1024))]

    #[test]
    fn fuzz_language_cookie_and_accept_language(
        cookies in prop::collection::vec(header_value(), 0..3),
        accept in prop::option::of(header_value()),
    ) {
        let mut pairs: Vec<_> = cookies.into_iter().map(|c| (header::COOKIE, c)).collect();
        pairs.extend(accept.map(|a| (header::ACCEPT_LANGUAGE, a)));
        let lang = i18n::lang_of(&headers(&pairs));
        prop_assert!(i18n::Lang::ALL.contains(&lang));
    }

    #[test]
    fn fuzz_accept_language(value in fuzzing::text()) {
        if let Some(lang) = i18n::Lang::from_accept_language(&value) {
            // Only a language the header names with a positive weight.
            prop_assert!(value.to_ascii_lowercase().contains(lang.tag()));
        }
    }

    #[test]
    fn fuzz_same_origin_check(
        origin in prop::option::of(header_value()),
        fetch_site in prop::option::of(prop_oneof![
            header_value(),
            prop::sample::select(&["same-origin", "same-site", "cross-site", "none"][..])
                .prop_map(|s| s.as_bytes().to_vec()),
        ]),
        referer in prop::option::of(header_value()),
    ) {
        let mut pairs = Vec::new();
        pairs.extend(origin.map(|o| (header::ORIGIN, o)));
        pairs.extend(fetch_site.map(|s| (header::HeaderName::from_static("sec-fetch-site"), s)));
        pairs.extend(referer.map(|r| (header::REFERER, r)));
        let h = headers(&pairs);
        let get = |name: &str| h.get(name).and_then(|v| v.to_str().ok());
        if security::is_same_origin(&Method::POST, &h, ORIGIN) {
            match (get("origin"), get("sec-fetch-site"), get("referer")) {
                (Some(o), _, _) => prop_assert_eq!(o, ORIGIN),
                (None, Some(s), _) => prop_assert!(s == "same-origin" || s == "none"),
                (None, None, Some(r)) => {
                    // A same-origin Referer resolves to our origin, never to another host.
                    if let Ok(url) = url::Url::parse(r) {
                        prop_assert_eq!(url.origin().ascii_serialization(), ORIGIN);
                    }
                }
                (None, None, None) => prop_assert!(false, "a request with no origin headers passed"),
            }
        }
    }

    #[test]
    fn fuzz_csp_sources(uri in prop_oneof![
        fuzzing::text(),
        fuzzing::mutated_text("https://rp.example.org:8443/cb?x=1"),
        fuzzing::mutated_text("gov.example.app:/oauth2redirect"),
    ]) {
        if let Some(source) = security::csp_source(&uri) {
            // Nothing that could end the directive or add a source.
            prop_assert!(!source.is_empty());
            prop_assert!(!source.contains([';', ',', ' ', '\'', '"', '*']));
            prop_assert!(source.is_ascii() && !source.chars().any(|c| c.is_ascii_control()));
            let policy = format!("{} {source}", security::CSP);
            prop_assert!(HeaderValue::from_str(&policy).is_ok());
        }
    }

    #[test]
    fn fuzz_local_paths_stay_on_this_site(path in prop_oneof![
        fuzzing::text(),
        fuzzing::mutated_text("/account?x=1"),
        fuzzing::mutated_text("/authorize/resume?continue=abc"),
        Just("/\t/evil.example".to_owned()),
    ]) {
        if let Some(p) = safe_local_path(&path) {
            let base = url::Url::parse(ORIGIN).unwrap();
            let resolved = base.join(p).unwrap();
            prop_assert_eq!(resolved.origin(), base.origin(), "{:?} leaves the site", p);
        }
    }

    #[test]
    fn fuzz_forwarded_for(
        peer in any::<[u8; 4]>(),
        hops in prop::collection::vec(prop_oneof![
            fuzzing::text(),
            any::<[u8; 4]>().prop_map(|ip| IpAddr::from(ip).to_string()),
            any::<[u16; 8]>().prop_map(|ip| IpAddr::from(ip).to_string()),
            Just("10.0.0.7, 203.0.113.9 ,10.1.1.1".to_owned()),
        ], 0..4),
    ) {
        let trusted: Vec<ipnet::IpNet> = vec!["10.0.0.0/8".parse().unwrap()];
        let peer = IpAddr::from(peer);
        let hops: Vec<&str> = hops.iter().map(String::as_str).collect();
        let ip = client_ip(peer, &hops, &trusted);
        if !trusted.iter().any(|n| n.contains(&peer)) {
            prop_assert_eq!(ip, peer);
        } else {
            // The peer, or an address the chain names.
            let named = hops
                .iter()
                .flat_map(|h| h.split(','))
                .any(|h| h.trim().parse::<IpAddr>() == Ok(ip));
            prop_assert!(ip == peer || named);
        }
    }
}
