//! Requests to addresses relying parties chose: their `jwks_uri` (`client_keys`) and their
//! `backchannel_logout_uri` (`backchannel`). A URL a client registered is a server-side
//! request forgery risk, so both go through the one client built here: https only, addresses
//! checked after DNS resolution (no loopback, private, link-local or unique-local targets),
//! no redirects, three seconds to connect and five in all. `http.allow_private_outbound`
//! (development and tests) lifts the https and address rules, nothing else.

use std::{
    net::{IpAddr, SocketAddr},
    time::Duration,
};

/// The longest a request to a relying party may take, all included.
pub const TIMEOUT: Duration = Duration::from_secs(5);

/// Whether an address is on the public internet.
pub fn is_public(ip: IpAddr) -> bool {
    match ip {
        IpAddr::V4(v4) => {
            let o = v4.octets();
            !(v4.is_private()
                || v4.is_loopback()
                || v4.is_link_local()
                || v4.is_broadcast()
                || v4.is_documentation()
                || v4.is_unspecified()
                || v4.is_multicast()
                || o[0] == 0
                || (o[0] == 100 && (o[1] & 0xc0) == 64))
        }
        IpAddr::V6(v6) => {
            if let Some(v4) = v6.to_ipv4_mapped() {
                return is_public(IpAddr::V4(v4));
            }
            let first = v6.segments()[0];
            !(v6.is_loopback()
                || v6.is_unspecified()
                || v6.is_multicast()
                || (first & 0xfe00) == 0xfc00
                || (first & 0xffc0) == 0xfe80)
        }
    }
}

/// Resolves names and keeps only public addresses (the check happens where the connection is
/// made, so a name that changes its answer between check and use gains nothing).
struct PublicOnly;

impl reqwest::dns::Resolve for PublicOnly {
    fn resolve(&self, name: reqwest::dns::Name) -> reqwest::dns::Resolving {
        let host = name.as_str().to_owned();
        Box::pin(async move {
            let addrs: Vec<SocketAddr> = tokio::net::lookup_host((host.as_str(), 0))
                .await?
                .filter(|a| is_public(a.ip()))
                .collect();
            if addrs.is_empty() {
                return Err(format!("{host} has no public address").into());
            }
            Ok(Box::new(addrs.into_iter()) as reqwest::dns::Addrs)
        })
    }
}

/// The HTTP client for requests to relying parties (see the module's note).
pub fn client(allow_private: bool) -> anyhow::Result<reqwest::Client> {
    let mut builder = reqwest::Client::builder()
        .timeout(TIMEOUT)
        .connect_timeout(Duration::from_secs(3))
        .redirect(reqwest::redirect::Policy::none())
        .user_agent("Civitas");
    if !allow_private {
        builder = builder.dns_resolver(PublicOnly).https_only(true);
    }
    Ok(builder.build()?)
}

/// Parses a URL a client registered and, unless `allow_private`, refuses one that is not
/// https or names a non-public IP address (a host name is checked when it is resolved).
pub fn check_url(uri: &str, allow_private: bool) -> Result<url::Url, &'static str> {
    let url = url::Url::parse(uri).map_err(|_| "not a URL")?;
    if allow_private {
        return Ok(url);
    }
    if url.scheme() != "https" {
        return Err("not https");
    }
    let literal = match url.host() {
        Some(url::Host::Ipv4(ip)) => Some(IpAddr::V4(ip)),
        Some(url::Host::Ipv6(ip)) => Some(IpAddr::V6(ip)),
        _ => None,
    };
    if literal.is_some_and(|ip| !is_public(ip)) {
        return Err("not a public address");
    }
    Ok(url)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_public_addresses_are_fetched() {
        for private in [
            "127.0.0.1",
            "10.1.2.3",
            "172.16.0.1",
            "192.168.1.1",
            "169.254.169.254",
            "100.64.0.1",
            "0.0.0.0",
            "::1",
            "fd00::1",
            "fe80::1",
            "::ffff:10.0.0.1",
        ] {
            assert!(!is_public(private.parse().unwrap()), "{private}");
        }
        for public in ["93.184.216.34", "2606:2800:220:1:248:1893:25c8:1946"] {
            assert!(is_public(public.parse().unwrap()), "{public}");
        }
    }

    #[test]
    fn only_https_urls_of_public_addresses_pass_unless_private_outbound_is_allowed() {
        for (uri, why) in [
            ("http://rp.example.org/logout", "not https"),
            ("https://127.0.0.1/logout", "not a public address"),
            ("https://[::1]:8443/logout", "not a public address"),
            ("https://10.0.0.7/logout", "not a public address"),
            ("https://169.254.169.254/latest", "not a public address"),
            ("not a url", "not a URL"),
        ] {
            assert_eq!(check_url(uri, false).unwrap_err(), why, "{uri}");
        }
        assert!(check_url("https://rp.example.org/logout", false).is_ok());
        assert!(check_url("https://93.184.216.34/logout", false).is_ok());
        // Development: plain http to the machine itself.
        assert!(check_url("http://127.0.0.1:9000/logout", true).is_ok());
    }

    /// A name that resolves only to private addresses is refused when the connection is
    /// made, by the resolver: the check cannot be dodged with DNS.
    #[tokio::test]
    async fn a_name_with_only_private_addresses_is_not_connected_to() {
        let _ = rustls::crypto::ring::default_provider().install_default();
        let http = client(false).unwrap();
        let err = http
            .post("https://localhost:9/logout")
            .send()
            .await
            .unwrap_err();
        let chain = std::iter::successors(
            Some(&err as &dyn std::error::Error),
            |e: &&dyn std::error::Error| e.source(),
        )
        .map(ToString::to_string)
        .collect::<Vec<_>>()
        .join(": ");
        assert!(chain.contains("no public address"), "{chain}");
    }
}
