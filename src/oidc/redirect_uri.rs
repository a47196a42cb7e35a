//! Redirect URIs: what may be registered, and how a requested one is matched (exactly).

use std::fmt;

use url::{Host, Url};

/// OIDC Registration §2 `application_type`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ApplicationType {
    /// A server-side web application: https redirect URIs (http only on loopback, for
    /// development).
    Web,
    /// An app on the person's device (RFC 8252): loopback IP redirects with any port,
    /// private-use schemes, or claimed https URLs.
    Native,
}

impl ApplicationType {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Web => "web",
            Self::Native => "native",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "web" => Some(Self::Web),
            "native" => Some(Self::Native),
            _ => None,
        }
    }
}

/// A registered redirect URI, in the canonical form it must be requested in.
#[derive(Clone, PartialEq, Eq)]
pub struct RedirectUri(Url);

impl fmt::Debug for RedirectUri {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "RedirectUri({})", self.0)
    }
}

impl fmt::Display for RedirectUri {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.0.as_str())
    }
}

fn is_loopback_ip(url: &Url) -> bool {
    match url.host() {
        Some(Host::Ipv4(ip)) => ip.is_loopback(),
        Some(Host::Ipv6(ip)) => ip.is_loopback(),
        _ => false,
    }
}

fn is_loopback(url: &Url) -> bool {
    is_loopback_ip(url) || url.host() == Some(Host::Domain("localhost"))
}

impl RedirectUri {
    /// Checks a URI for registration (RFC 6749 §3.1.2, RFC 8252 §7, OAuth 2.0 Security BCP
    /// §4.1): absolute, no fragment, no user info, no wildcard, already in canonical form.
    pub fn parse(s: &str, app: ApplicationType) -> Result<Self, String> {
        if s.len() > 2000 {
            return Err("is longer than 2000 characters".into());
        }
        let url = Url::parse(s).map_err(|e| format!("is not an absolute URI ({e})"))?;
        if url.fragment().is_some() {
            return Err("must not contain a fragment (#)".into());
        }
        if !url.username().is_empty() || url.password().is_some() {
            return Err("must not contain user information".into());
        }
        if s.contains('*') {
            return Err("must not contain wildcards: register every URI exactly".into());
        }
        if url.as_str() != s {
            return Err(format!("must be written in canonical form: {url}"));
        }
        match (app, url.scheme()) {
            (_, "https") if url.host().is_some() => {}
            (ApplicationType::Web, "http") if is_loopback(&url) => {}
            (ApplicationType::Native, "http") if is_loopback_ip(&url) => {}
            (ApplicationType::Native, "http") => {
                return Err("a native app's http redirect must use a loopback IP (127.0.0.1 or [::1]), RFC 8252 §7.3".into());
            }
            // A private-use scheme in reverse domain form (RFC 8252 §7.1).
            (ApplicationType::Native, scheme) if scheme.contains('.') => {}
            (ApplicationType::Native, _) => {
                return Err("a native app's private-use scheme must be a reverse domain name such as gov.example.app (RFC 8252 §7.1)".into());
            }
            (ApplicationType::Web, _) => {
                return Err(
                    "must use https (http is allowed only for localhost during development)".into(),
                );
            }
        }
        Ok(Self(url))
    }

    pub fn as_str(&self) -> &str {
        self.0.as_str()
    }

    /// An https URI on a host other than a loopback one: one that proves a domain.
    pub fn is_public_https(&self) -> bool {
        self.0.scheme() == "https" && !is_loopback(&self.0)
    }

    pub fn host(&self) -> Option<String> {
        self.0.host_str().map(str::to_owned)
    }

    /// Whether `requested` names this URI. Exact string comparison: no case folding, no
    /// trailing-slash or query leniency. The one exception is RFC 8252 §7.3: a native app's
    /// loopback IP redirect may use any port.
    pub fn matches(&self, requested: &str, app: ApplicationType) -> bool {
        if requested == self.0.as_str() {
            return true;
        }
        if app != ApplicationType::Native || self.0.scheme() != "http" || !is_loopback_ip(&self.0) {
            return false;
        }
        let Ok(asked) = Url::parse(requested) else {
            return false;
        };
        if asked.as_str() != requested || asked.fragment().is_some() {
            return false;
        }
        let mut without_port = asked.clone();
        if without_port.set_port(None).is_err() {
            return false;
        }
        let mut registered = self.0.clone();
        if registered.set_port(None).is_err() {
            return false;
        }
        without_port == registered
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ApplicationType::{Native, Web};

    #[test]
    fn web_clients_register_https_uris_in_canonical_form() {
        assert!(RedirectUri::parse("https://rp.example.org/cb", Web).is_ok());
        assert!(RedirectUri::parse("https://rp.example.org/cb?tenant=a", Web).is_ok());
        assert!(RedirectUri::parse("http://localhost:3000/cb", Web).is_ok());
        assert!(RedirectUri::parse("http://127.0.0.1:3000/cb", Web).is_ok());
        for bad in [
            "http://rp.example.org/cb",
            "https://rp.example.org/cb#x",
            "https://user:pw@rp.example.org/cb",
            "https://*.example.org/cb",
            "https://RP.example.org/cb",
            "https://rp.example.org",
            "/cb",
            "javascript:alert(1)",
            "gov.example.app:/cb",
        ] {
            assert!(RedirectUri::parse(bad, Web).is_err(), "{bad}");
        }
    }

    #[test]
    fn native_clients_use_loopback_ips_private_schemes_or_https() {
        assert!(RedirectUri::parse("http://127.0.0.1/cb", Native).is_ok());
        assert!(RedirectUri::parse("http://[::1]/cb", Native).is_ok());
        assert!(RedirectUri::parse("gov.example.app:/oauth2redirect", Native).is_ok());
        assert!(RedirectUri::parse("https://app.example.org/cb", Native).is_ok());
        assert!(RedirectUri::parse("http://localhost/cb", Native).is_err());
        assert!(RedirectUri::parse("myapp:/cb", Native).is_err());
        assert!(RedirectUri::parse("http://rp.example.org/cb", Native).is_err());
    }

    #[test]
    fn matching_is_exact() {
        let r = RedirectUri::parse("https://rp.example.org/cb", Web).unwrap();
        assert!(r.matches("https://rp.example.org/cb", Web));
        for near in [
            "https://rp.example.org/CB",
            "https://RP.example.org/cb",
            "https://rp.example.org/cb/",
            "https://rp.example.org/cb?x=1",
            "https://rp.example.org/cb#",
            "https://rp.example.org:443/cb",
            "https://rp.example.org/cb/../cb",
            "https://rp.example.org.evil.example/cb",
            "https://rp.example.org/c",
        ] {
            assert!(!r.matches(near, Web), "{near}");
        }
    }

    #[test]
    fn native_loopback_redirects_may_use_any_port_and_nothing_else_varies() {
        let r = RedirectUri::parse("http://127.0.0.1/cb", Native).unwrap();
        assert!(r.matches("http://127.0.0.1:51234/cb", Native));
        assert!(r.matches("http://127.0.0.1/cb", Native));
        assert!(!r.matches("http://127.0.0.1:51234/cb2", Native));
        assert!(!r.matches("http://127.0.0.1:51234/cb?x=1", Native));
        assert!(!r.matches("http://localhost:51234/cb", Native));
        assert!(!r.matches("http://127.0.0.2:51234/cb", Native));
        // Web clients get no port leniency.
        let w = RedirectUri::parse("http://127.0.0.1:3000/cb", Web).unwrap();
        assert!(!w.matches("http://127.0.0.1:3001/cb", Web));
    }
}

#[cfg(test)]
mod fuzz;
