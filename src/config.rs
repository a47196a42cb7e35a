//! Configuration: built-in defaults, then `civitas.toml`, then `CIVITAS_*` environment variables
//! (nested keys joined by `__`, e.g. `CIVITAS_DATABASE__URL`). Secrets may come from files
//! (`database.url_file`). Anything invalid stops start-up with a message naming the key.

use std::{
    fmt,
    net::{IpAddr, SocketAddr},
    path::{Path, PathBuf},
    time::Duration,
};

use figment::{
    Figment,
    providers::{Env, Format, Serialized, Toml},
};
use ipnet::IpNet;
use serde::{Deserialize, Serialize};
use url::Url;

/// Environment variables with the `CIVITAS_` prefix that are not configuration keys.
const NON_CONFIG_ENV: &[&str] = &[
    "config",
    "require_postgres",
    "require_browser",
    "require_saml_sp",
    "require_node",
    "saml_python",
];

/// The whole configuration, validated.
#[derive(Clone, Debug)]
pub struct Config {
    /// Address the HTTP server listens on.
    pub listen: SocketAddr,
    /// The OpenID Connect issuer: origin (and optional path) the service is reached at.
    pub issuer: Issuer,
    pub database: DatabaseConfig,
    pub keys: KeysConfig,
    pub http: HttpConfig,
    pub sessions: SessionsConfig,
    pub mail: MailConfig,
    pub passkeys: PasskeysConfig,
    pub ledger: LedgerConfig,
    pub admin: AdminConfig,
    pub oidc: OidcConfig,
    pub help: HelpConfig,
    pub log: LogConfig,
}

/// `[help]`: how citizens reach the helpdesk, shown on `/help` (linked from every page). Each
/// is optional; with none, the page sends people to a service desk in general words.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct HelpConfig {
    /// A phone number, as people dial it (`+33 1 23 45 67 89`).
    pub phone: Option<String>,
    /// When the phone line (and desks) are open, in words.
    pub hours: Option<String>,
    /// An e-mail address.
    pub email: Option<String>,
    /// Where to go in person: the service desks' addresses, or where to find them.
    pub visit: Option<String>,
}

impl HelpConfig {
    /// Whether no contact option is configured.
    pub fn is_empty(&self) -> bool {
        self == &Self::default()
    }

    /// What `serve --demo` shows when nothing is configured: placeholders that reach nobody
    /// and say so (the `+999` range and `example.org`, as the demo population uses).
    pub fn demo() -> Self {
        Self {
            phone: Some("+999 000 000 000".into()),
            hours: Some("Demo mode: this number reaches nobody.".into()),
            email: Some("helpdesk@example.org".into()),
            visit: Some("Demo mode: there is no service desk.".into()),
        }
    }
}

/// `[oidc]`: provider-wide protocol rules beyond the per-client ones.
#[derive(Clone, Debug, Default)]
pub struct OidcConfig {
    /// Every client must use pushed authorization requests (RFC 9126 §5), and discovery says
    /// `require_pushed_authorization_requests`.
    pub require_par: bool,
    /// Every DPoP proof must carry a nonce this server issued (RFC 9449 §8).
    pub dpop_nonce: bool,
}

/// `[admin]`: the helpdesk console.
#[derive(Clone, Debug)]
pub struct AdminConfig {
    /// More citizen-record openings than this by one staff member within an hour lock that
    /// member's account (the insider guard).
    pub record_openings_per_hour: u32,
}

/// `[ledger]`
#[derive(Clone, Debug)]
pub struct LedgerConfig {
    /// How often a server signs a checkpoint over every chain head (when any changed).
    pub checkpoint_interval: Duration,
    /// Records older than this are pruned (each chain keeps its newest record, and the
    /// pruning is itself recorded). `None`, the default: records are kept.
    pub retention: Option<Duration>,
}

/// `[passkeys]`
#[derive(Clone, Debug, Default)]
pub struct PasskeysConfig {
    /// Device-bound authenticators whose attested passkeys give `urn:civitas:loa:high`.
    pub high_assurance: Vec<HighAssuranceDevice>,
}

/// One authenticator model on the high-assurance allow-list: its attestation CA and AAGUID.
#[derive(Clone, Debug)]
pub struct HighAssuranceDevice {
    pub ca_pem: Vec<u8>,
    pub aaguid: uuid::Uuid,
    pub name: String,
}

/// `[mail]`
#[derive(Clone)]
pub struct MailConfig {
    /// `smtp://…` or `smtps://user:password@host` (lettre's URL form); `None`: no SMTP.
    pub smtp_url: Option<String>,
    /// The sender, e.g. `Civitas <no-reply@id.example.gov>`.
    pub from: String,
    /// Keep mail in memory and show it at `/demo/outbox` instead of sending it. Not a
    /// configuration key: only `civitas serve --demo` sets it, so no real deployment can
    /// publish citizens' codes.
    pub outbox: bool,
}

impl fmt::Debug for MailConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("MailConfig")
            .field("smtp_url", &self.smtp_url.as_ref().map(|_| "[redacted]"))
            .field("from", &self.from)
            .field("outbox", &self.outbox)
            .finish()
    }
}

/// `[sessions]`
#[derive(Clone, Debug)]
pub struct SessionsConfig {
    /// A session unused this long ends.
    pub idle_timeout: Duration,
    /// A sign-in lasts at most this long, however active.
    pub absolute_lifetime: Duration,
}

/// `[database]`
#[derive(Clone)]
pub struct DatabaseConfig {
    /// `sqlite:PATH` or `postgres://…`; may carry a password, so `Debug` hides it.
    pub url: String,
    pub max_connections: u32,
    pub acquire_timeout: Duration,
}

impl fmt::Debug for DatabaseConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("DatabaseConfig")
            .field("url", &"[redacted]")
            .field("max_connections", &self.max_connections)
            .field("acquire_timeout", &self.acquire_timeout)
            .finish()
    }
}

/// `[keys]`
#[derive(Clone, Debug)]
pub struct KeysConfig {
    /// Directory holding the private signing keys (files with mode 0600).
    pub dir: PathBuf,
    /// How long a new key is published in the JWKS before it signs anything.
    pub prepublish: Duration,
    /// How long a retired key stays published after its successor took over.
    pub retire_grace: Duration,
    /// How often a running server re-reads key state written by `civitas keys rotate`.
    pub refresh: Duration,
}

impl KeysConfig {
    /// How long relying parties may cache the JWKS: the part of the pre-publication period
    /// left after servers have picked a new key up, capped at an hour.
    pub fn jwks_max_age(&self) -> Duration {
        (self.prepublish - self.refresh).min(Duration::from_secs(3600))
    }
}

/// `[http]`
#[derive(Clone, Debug)]
pub struct HttpConfig {
    /// How long a client may take to send its request headers.
    pub header_read_timeout: Duration,
    pub request_timeout: Duration,
    /// Largest accepted request body, in bytes.
    pub body_limit: usize,
    /// Peers whose `X-Forwarded-For` is believed. Empty: no forwarded header is trusted.
    pub trusted_proxies: Vec<IpNet>,
    /// Peers allowed to read `/metrics`.
    pub metrics_allowed: Vec<IpNet>,
    /// How long in-flight requests may take to finish after SIGTERM.
    pub shutdown_grace: Duration,
    /// Whether Civitas may fetch from loopback and private addresses (a relying party's
    /// `jwks_uri`). Development only: in production it would let clients probe the inside.
    pub allow_private_outbound: bool,
}

/// `[log]`
#[derive(Clone, Debug)]
pub struct LogConfig {
    pub format: LogFormat,
    /// An `EnvFilter` directive such as `info` or `civitas=debug,info`.
    pub filter: String,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum LogFormat {
    Text,
    Json,
}

/// The issuer URL: absolute, https (http only for a loopback host), no query, no fragment,
/// no trailing slash. OIDC Discovery §3 requires `iss` to match it exactly.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Issuer(Url);

impl Issuer {
    pub fn parse(s: &str) -> Result<Self, String> {
        let url = Url::parse(s).map_err(|e| format!("not an absolute URL ({e})"))?;
        if url.query().is_some() || url.fragment().is_some() {
            return Err("must not have a query or fragment".into());
        }
        if url.cannot_be_a_base() || url.username() != "" || url.password().is_some() {
            return Err("must be a plain http(s) origin with an optional path".into());
        }
        if s.ends_with('/') {
            return Err("must not end with '/'".into());
        }
        match url.scheme() {
            "https" => {}
            "http" if is_loopback_host(&url) => {}
            "http" => {
                return Err("must use https (http is allowed only for localhost)".into());
            }
            _ => return Err("must use https".into()),
        }
        Ok(Self(url))
    }

    /// The issuer exactly as configured (no trailing slash).
    pub fn as_str(&self) -> &str {
        self.0.as_str().trim_end_matches('/')
    }

    pub fn is_https(&self) -> bool {
        self.0.scheme() == "https"
    }

    /// The origin (`scheme://host[:port]`), as browsers send it in the `Origin` header.
    pub fn origin(&self) -> String {
        self.0.origin().ascii_serialization()
    }

    /// The host name (or address) the service is reached at, e.g. `id.example.gov`.
    pub fn host(&self) -> &str {
        self.0.host_str().unwrap_or_default()
    }

    /// An absolute URL for a path under the issuer, e.g. `endpoint("/jwks")`.
    pub fn endpoint(&self, path: &str) -> String {
        format!("{}{path}", self.as_str())
    }
}

fn is_loopback_host(url: &Url) -> bool {
    match url.host() {
        Some(url::Host::Domain(d)) => d == "localhost",
        Some(url::Host::Ipv4(ip)) => ip.is_loopback(),
        Some(url::Host::Ipv6(ip)) => ip.is_loopback(),
        None => false,
    }
}

/// The configuration as written in files and variables, before validation.
#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct Raw {
    listen: String,
    issuer: String,
    database: RawDatabase,
    keys: RawKeys,
    http: RawHttp,
    sessions: RawSessions,
    mail: RawMail,
    passkeys: RawPasskeys,
    ledger: RawLedger,
    admin: RawAdmin,
    oidc: RawOidc,
    help: RawHelp,
    log: RawLog,
}

#[derive(Debug, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawHelp {
    phone: Option<String>,
    hours: Option<String>,
    email: Option<String>,
    visit: Option<String>,
}

#[derive(Debug, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawOidc {
    require_par: bool,
    dpop_nonce: bool,
}

#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawAdmin {
    record_openings_per_hour: u32,
}

#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawLedger {
    checkpoint_interval_secs: u64,
    /// 0: keep records for ever.
    retention_days: u64,
}

#[derive(Debug, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawPasskeys {
    high_assurance: Vec<RawDevice>,
}

#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawDevice {
    ca_file: PathBuf,
    aaguid: String,
    name: String,
}

#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawMail {
    smtp_url: Option<String>,
    smtp_url_file: Option<PathBuf>,
    from: String,
}

#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawSessions {
    idle_timeout_secs: u64,
    absolute_lifetime_secs: u64,
}

#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawDatabase {
    url: Option<String>,
    url_file: Option<PathBuf>,
    max_connections: u32,
    acquire_timeout_secs: u64,
}

#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawKeys {
    dir: PathBuf,
    prepublish_secs: u64,
    retire_grace_secs: u64,
    refresh_secs: u64,
}

#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawHttp {
    header_read_timeout_secs: u64,
    request_timeout_secs: u64,
    body_limit_bytes: usize,
    trusted_proxies: Vec<String>,
    metrics_allowed: Vec<String>,
    shutdown_grace_secs: u64,
    allow_private_outbound: bool,
}

#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawLog {
    format: LogFormat,
    filter: String,
}

impl Default for Raw {
    fn default() -> Self {
        Self {
            listen: "127.0.0.1:8080".into(),
            issuer: "http://localhost:8080".into(),
            database: RawDatabase {
                url: None,
                url_file: None,
                max_connections: 8,
                acquire_timeout_secs: 5,
            },
            keys: RawKeys {
                dir: "keys".into(),
                prepublish_secs: 24 * 3600,
                retire_grace_secs: 48 * 3600,
                refresh_secs: 60,
            },
            http: RawHttp {
                header_read_timeout_secs: 10,
                request_timeout_secs: 30,
                body_limit_bytes: 64 * 1024,
                trusted_proxies: vec![],
                metrics_allowed: vec!["127.0.0.0/8".into(), "::1/128".into()],
                shutdown_grace_secs: 30,
                allow_private_outbound: false,
            },
            sessions: RawSessions {
                idle_timeout_secs: 15 * 60,
                absolute_lifetime_secs: 12 * 3600,
            },
            passkeys: RawPasskeys::default(),
            ledger: RawLedger {
                checkpoint_interval_secs: 300,
                retention_days: 0,
            },
            admin: RawAdmin {
                record_openings_per_hour: 30,
            },
            oidc: RawOidc::default(),
            help: RawHelp::default(),
            mail: RawMail {
                smtp_url: None,
                smtp_url_file: None,
                from: "Civitas <no-reply@localhost>".into(),
            },
            log: RawLog {
                format: LogFormat::Text,
                filter: "info,sqlx::postgres::notice=warn".into(),
            },
        }
    }
}

/// The SQLite database used when no URL is configured.
pub const DEFAULT_DATABASE_URL: &str = "sqlite:data/civitas.db";

/// A configuration error that names the key at fault.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error(transparent)]
    Source(#[from] Box<figment::Error>),
    #[error("configuration key `{key}`: {message}")]
    Invalid { key: &'static str, message: String },
}

fn invalid(key: &'static str, message: impl Into<String>) -> ConfigError {
    ConfigError::Invalid {
        key,
        message: message.into(),
    }
}

impl Config {
    /// Loads defaults, then the TOML file (if it exists; a file named explicitly must exist),
    /// then the process environment.
    pub fn load(file: Option<&Path>) -> Result<Self, ConfigError> {
        Self::from_figment(Self::figment(file)?)
    }

    /// The built-in defaults alone; tests merge their own values on top.
    pub fn defaults() -> Figment {
        Figment::from(Serialized::defaults(Raw::default()))
    }

    /// The layered sources: defaults, the TOML file, the environment.
    pub fn figment(file: Option<&Path>) -> Result<Figment, ConfigError> {
        let mut figment = Self::defaults();
        match file {
            Some(path) if !path.exists() => {
                return Err(invalid(
                    "--config",
                    format!("file {} does not exist", path.display()),
                ));
            }
            Some(path) => figment = figment.merge(Toml::file_exact(path)),
            None if Path::new("civitas.toml").exists() => {
                figment = figment.merge(Toml::file_exact("civitas.toml"));
            }
            None => {}
        }
        let env = Env::prefixed("CIVITAS_").split("__").filter(|key| {
            let key = key.as_str().to_ascii_lowercase();
            !NON_CONFIG_ENV.contains(&key.as_str()) && !key.starts_with("test_")
        });
        Ok(figment.merge(env))
    }

    /// Extracts and validates a configuration from layered sources.
    pub fn from_figment(figment: Figment) -> Result<Self, ConfigError> {
        let raw: Raw = figment.extract().map_err(Box::new)?;
        Self::validate(raw)
    }

    fn validate(raw: Raw) -> Result<Self, ConfigError> {
        let listen = raw
            .listen
            .parse()
            .map_err(|_| invalid("listen", "expected an address such as 127.0.0.1:8080"))?;
        let issuer = Issuer::parse(&raw.issuer).map_err(|m| invalid("issuer", m))?;

        let url = match (raw.database.url, raw.database.url_file) {
            (Some(_), Some(_)) => {
                return Err(invalid(
                    "database.url_file",
                    "set either database.url or database.url_file, not both",
                ));
            }
            (Some(url), None) => url,
            (None, Some(path)) => std::fs::read_to_string(&path)
                .map_err(|e| invalid("database.url_file", format!("{}: {e}", path.display())))?
                .trim_end()
                .to_owned(),
            (None, None) => DEFAULT_DATABASE_URL.to_owned(),
        };
        if !(url.starts_with("sqlite:")
            || url.starts_with("postgres://")
            || url.starts_with("postgresql://"))
        {
            return Err(invalid(
                "database.url",
                "expected sqlite:PATH or postgres://USER@HOST/DATABASE",
            ));
        }
        if raw.database.max_connections == 0 {
            return Err(invalid("database.max_connections", "must be at least 1"));
        }

        let positive = |key: &'static str, secs: u64| {
            if secs == 0 {
                Err(invalid(key, "must be at least 1 (seconds)"))
            } else {
                Ok(Duration::from_secs(secs))
            }
        };
        let keys = KeysConfig {
            dir: raw.keys.dir,
            prepublish: positive("keys.prepublish_secs", raw.keys.prepublish_secs)?,
            retire_grace: positive("keys.retire_grace_secs", raw.keys.retire_grace_secs)?,
            refresh: positive("keys.refresh_secs", raw.keys.refresh_secs)?,
        };
        // A new key must reach every server (refresh) and every relying party's cached JWKS
        // (max-age, at least half the rest of the period) before it signs.
        if keys.refresh * 2 > keys.prepublish {
            return Err(invalid(
                "keys.refresh_secs",
                "must be at most half of keys.prepublish_secs, or relying parties could see a signature before the key",
            ));
        }

        let nets = |key: &'static str, list: Vec<String>| -> Result<Vec<IpNet>, ConfigError> {
            list.iter()
                .map(|s| parse_net(s).map_err(|m| invalid(key, m)))
                .collect()
        };
        let http = HttpConfig {
            header_read_timeout: positive(
                "http.header_read_timeout_secs",
                raw.http.header_read_timeout_secs,
            )?,
            request_timeout: positive("http.request_timeout_secs", raw.http.request_timeout_secs)?,
            body_limit: match raw.http.body_limit_bytes {
                n if n < 1024 => {
                    return Err(invalid("http.body_limit_bytes", "must be at least 1024"));
                }
                n => n,
            },
            trusted_proxies: nets("http.trusted_proxies", raw.http.trusted_proxies)?,
            metrics_allowed: nets("http.metrics_allowed", raw.http.metrics_allowed)?,
            shutdown_grace: positive("http.shutdown_grace_secs", raw.http.shutdown_grace_secs)?,
            allow_private_outbound: raw.http.allow_private_outbound,
        };
        let sessions = SessionsConfig {
            idle_timeout: positive("sessions.idle_timeout_secs", raw.sessions.idle_timeout_secs)?,
            absolute_lifetime: positive(
                "sessions.absolute_lifetime_secs",
                raw.sessions.absolute_lifetime_secs,
            )?,
        };
        if sessions.idle_timeout > sessions.absolute_lifetime {
            return Err(invalid(
                "sessions.idle_timeout_secs",
                "must not exceed sessions.absolute_lifetime_secs",
            ));
        }
        let smtp_url = match (raw.mail.smtp_url, raw.mail.smtp_url_file) {
            (Some(_), Some(_)) => {
                return Err(invalid(
                    "mail.smtp_url_file",
                    "set either mail.smtp_url or mail.smtp_url_file, not both",
                ));
            }
            (Some(u), None) => Some(u),
            (None, Some(path)) => Some(
                std::fs::read_to_string(&path)
                    .map_err(|e| invalid("mail.smtp_url_file", format!("{}: {e}", path.display())))?
                    .trim_end()
                    .to_owned(),
            ),
            (None, None) => None,
        };
        if let Some(u) = &smtp_url
            && !(u.starts_with("smtp://") || u.starts_with("smtps://"))
        {
            return Err(invalid(
                "mail.smtp_url",
                "expected smtp://HOST or smtps://USER:PASSWORD@HOST",
            ));
        }
        if raw.mail.from.parse::<lettre::message::Mailbox>().is_err() {
            return Err(invalid(
                "mail.from",
                "expected an address such as Civitas <no-reply@id.example.gov>",
            ));
        }
        let mail = MailConfig {
            smtp_url,
            from: raw.mail.from,
            outbox: false,
        };
        let mut high_assurance = Vec::new();
        for d in raw.passkeys.high_assurance {
            let ca_pem = std::fs::read(&d.ca_file).map_err(|e| {
                invalid(
                    "passkeys.high_assurance.ca_file",
                    format!("{}: {e}", d.ca_file.display()),
                )
            })?;
            let aaguid = uuid::Uuid::parse_str(&d.aaguid).map_err(|_| {
                invalid(
                    "passkeys.high_assurance.aaguid",
                    format!("`{}` is not a UUID", d.aaguid),
                )
            })?;
            high_assurance.push(HighAssuranceDevice {
                ca_pem,
                aaguid,
                name: d.name,
            });
        }
        tracing_subscriber::EnvFilter::try_new(&raw.log.filter)
            .map_err(|e| invalid("log.filter", e.to_string()))?;

        Ok(Self {
            listen,
            issuer,
            database: DatabaseConfig {
                url,
                max_connections: raw.database.max_connections,
                acquire_timeout: positive(
                    "database.acquire_timeout_secs",
                    raw.database.acquire_timeout_secs,
                )?,
            },
            keys,
            http,
            sessions,
            mail,
            passkeys: PasskeysConfig { high_assurance },
            ledger: LedgerConfig {
                checkpoint_interval: positive(
                    "ledger.checkpoint_interval_secs",
                    raw.ledger.checkpoint_interval_secs,
                )?,
                retention: match raw.ledger.retention_days {
                    0 => None,
                    d if d < 30 => {
                        return Err(invalid(
                            "ledger.retention_days",
                            "must be 0 (keep records) or at least 30 days",
                        ));
                    }
                    d => Some(Duration::from_secs(d * 86_400)),
                },
            },
            admin: AdminConfig {
                record_openings_per_hour: match raw.admin.record_openings_per_hour {
                    0 => {
                        return Err(invalid(
                            "admin.record_openings_per_hour",
                            "must be at least 1",
                        ));
                    }
                    n => n,
                },
            },
            oidc: OidcConfig {
                require_par: raw.oidc.require_par,
                dpop_nonce: raw.oidc.dpop_nonce,
            },
            help: validate_help(raw.help)?,
            log: LogConfig {
                format: raw.log.format,
                filter: raw.log.filter,
            },
        })
    }
}

/// `[help]`: one line each, printable, of a sensible length; a phone number made of what
/// people dial; an e-mail address that looks like one. An empty value is no value.
fn validate_help(raw: RawHelp) -> Result<HelpConfig, ConfigError> {
    fn text(
        key: &'static str,
        value: Option<String>,
        max: usize,
    ) -> Result<Option<String>, ConfigError> {
        let Some(v) = value.map(|v| v.trim().to_owned()).filter(|v| !v.is_empty()) else {
            return Ok(None);
        };
        if v.chars().any(char::is_control) {
            return Err(invalid(key, "must be one line without control characters"));
        }
        if v.chars().count() > max {
            return Err(invalid(key, format!("must be at most {max} characters")));
        }
        Ok(Some(v))
    }
    let phone = text("help.phone", raw.phone, 40)?;
    if let Some(p) = &phone
        && (!p
            .chars()
            .all(|c| c.is_ascii_digit() || " +-().".contains(c))
            || p.chars().filter(char::is_ascii_digit).count() < 3
            || p[1..].contains('+'))
    {
        return Err(invalid(
            "help.phone",
            "expected a phone number such as +33 1 23 45 67 89 (digits, spaces, + - . ( ))",
        ));
    }
    let email = text("help.email", raw.email, 254)?;
    if let Some(e) = &email
        && !looks_like_email(e)
    {
        return Err(invalid(
            "help.email",
            "expected an e-mail address such as help@id.example.gov",
        ));
    }
    Ok(HelpConfig {
        phone,
        hours: text("help.hours", raw.hours, 200)?,
        email,
        visit: text("help.visit", raw.visit, 500)?,
    })
}

/// `local@domain.tld`: one `@`, no spaces or brackets, a dot in the domain (not at its ends).
fn looks_like_email(e: &str) -> bool {
    let Some((local, domain)) = e.split_once('@') else {
        return false;
    };
    let plain = |s: &str| {
        !s.is_empty()
            && s.chars()
                .all(|c| c.is_ascii_graphic() && !"@<>()[]\\,;:\"".contains(c))
    };
    plain(local)
        && plain(domain)
        && domain.contains('.')
        && !domain.starts_with('.')
        && !domain.ends_with('.')
        && !domain.contains("..")
}

/// A CIDR block, or a single address meaning a block of one.
fn parse_net(s: &str) -> Result<IpNet, String> {
    if let Ok(net) = s.parse::<IpNet>() {
        return Ok(net);
    }
    s.parse::<IpAddr>()
        .map(IpNet::from)
        .map_err(|_| format!("`{s}` is not an IP address or CIDR block"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn load(toml: &str) -> Result<Config, ConfigError> {
        Config::from_figment(Config::defaults().merge(Toml::string(toml)))
    }

    #[test]
    fn defaults_listen_on_loopback_with_local_issuer_and_sqlite() {
        let c = load("").unwrap();
        assert_eq!(c.listen.to_string(), "127.0.0.1:8080");
        assert_eq!(c.issuer.as_str(), "http://localhost:8080");
        assert_eq!(c.database.url, DEFAULT_DATABASE_URL);
    }

    #[test]
    fn invalid_values_name_their_key() {
        let err = load("issuer = 'http://idp.example.org'")
            .unwrap_err()
            .to_string();
        assert!(err.contains("`issuer`") && err.contains("https"), "{err}");
        let err = load("[http]\ntrusted_proxies = ['10.0.0.0/33']")
            .unwrap_err()
            .to_string();
        assert!(err.contains("http.trusted_proxies"), "{err}");
        let err = load("[database]\nurl = 'mysql://x'")
            .unwrap_err()
            .to_string();
        assert!(err.contains("database.url"), "{err}");
        let err = load("[keys]\nprepublish_secs = 'soon'")
            .unwrap_err()
            .to_string();
        assert!(err.contains("prepublish_secs"), "{err}");
    }

    #[test]
    fn unknown_keys_are_refused() {
        let err = load("lsiten = '0.0.0.0:80'").unwrap_err().to_string();
        assert!(err.contains("lsiten"), "{err}");
    }

    #[test]
    fn database_url_can_come_from_a_file() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("db-url");
        std::fs::write(&path, "postgres://civitas@db/civitas\n").unwrap();
        let c = load(&format!("[database]\nurl_file = '{}'", path.display())).unwrap();
        assert_eq!(c.database.url, "postgres://civitas@db/civitas");
        assert!(!format!("{c:?}").contains("postgres://"));
    }

    #[test]
    fn help_contacts_are_optional_and_checked() {
        let c = load("").unwrap();
        assert!(c.help.is_empty());
        let c = load(
            "[help]\nphone = ' +33 (0)1 23-45.67.89 '\nemail = 'help@id.example.gov'\n\
             hours = 'Mon–Fri 8:00–18:00'\nvisit = ''",
        )
        .unwrap();
        assert_eq!(c.help.phone.as_deref(), Some("+33 (0)1 23-45.67.89"));
        assert_eq!(c.help.email.as_deref(), Some("help@id.example.gov"));
        assert_eq!(c.help.hours.as_deref(), Some("Mon–Fri 8:00–18:00"));
        assert_eq!(c.help.visit, None, "an empty value is no value");
        for (bad, key) in [
            ("phone = 'call us'", "help.phone"),
            ("phone = '12'", "help.phone"),
            ("phone = '+33 1 +2 3'", "help.phone"),
            ("email = 'help'", "help.email"),
            ("email = 'help@localhost'", "help.email"),
            ("email = 'a b@example.org'", "help.email"),
            ("email = '<help@example.org>'", "help.email"),
            ("hours = \"nine\\u0007to five\"", "help.hours"),
            ("visit = \"line one\\nline two\"", "help.visit"),
        ] {
            let err = load(&format!("[help]\n{bad}")).unwrap_err().to_string();
            assert!(err.contains(key), "{bad}: {err}");
        }
        let long = "x".repeat(501);
        let err = load(&format!("[help]\nvisit = '{long}'"))
            .unwrap_err()
            .to_string();
        assert!(err.contains("at most 500"), "{err}");
        assert!(load("[help]\nfax = '1'").is_err());
        assert!(!HelpConfig::demo().is_empty());
    }

    #[test]
    fn issuer_rules() {
        assert!(Issuer::parse("https://id.example.gov").is_ok());
        assert!(Issuer::parse("https://id.example.gov/realm").is_ok());
        assert!(Issuer::parse("http://127.0.0.1:9000").is_ok());
        assert!(Issuer::parse("https://id.example.gov/").is_err());
        assert!(Issuer::parse("https://id.example.gov?x=1").is_err());
        assert!(Issuer::parse("https://id.example.gov#f").is_err());
        assert!(Issuer::parse("http://localhost.evil.example").is_err());
        assert!(Issuer::parse("ftp://id.example.gov").is_err());
        let i = Issuer::parse("https://id.example.gov:8443").unwrap();
        assert_eq!(i.origin(), "https://id.example.gov:8443");
        assert_eq!(i.endpoint("/jwks"), "https://id.example.gov:8443/jwks");
    }
}
