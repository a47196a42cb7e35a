//! `civitas saml sp …`: SAML service providers, added from their metadata.

use std::time::Duration;

use clap::{Subcommand, ValueEnum};

use crate::{
    clock::{Clock, SystemClock, rfc3339},
    config::Config,
    saml::{
        attributes, cert,
        sp::{self, Endpoint, RegisterOptions, ServiceProvider},
        store as sps, xml,
    },
    store::{Db, clients},
};

#[derive(Debug, Subcommand)]
pub(super) enum SamlCommand {
    /// Service providers: add one from its metadata, list, show, disable, enable.
    Sp {
        #[command(subcommand)]
        command: SpCommand,
    },
}

#[derive(Debug, Subcommand)]
pub(super) enum SpCommand {
    /// Add a service provider from its SAML 2.0 metadata. The metadata is read strictly:
    /// one md:SPSSODescriptor, an HTTP-POST assertion consumer service on https, RSA
    /// certificates of at least 2048 bits. Its requested attributes become the scopes
    /// citizens consent to (isRequired ones needed, the others optional). A signature on the
    /// metadata is not checked: you vouch for it by adding it, so compare the certificate
    /// fingerprints (`saml sp show`) with the service's operator.
    Add(Box<AddSp>),
    /// List every service provider with its status.
    List,
    /// Show one service provider: endpoints, certificates (fingerprint and expiry),
    /// attributes and scopes, whether its requests must be signed.
    Show {
        /// Its entity ID (from `civitas saml sp list`).
        entity_id: String,
    },
    /// Disable a service provider: it can no longer sign anyone in.
    Disable {
        /// Its entity ID.
        entity_id: String,
        /// Why (kept with it, for the record).
        #[arg(long)]
        reason: String,
    },
    /// Let a disabled service provider sign people in again.
    Enable {
        /// Its entity ID.
        entity_id: String,
    },
}

#[derive(Debug, clap::Args)]
pub(super) struct AddSp {
    /// The metadata: a file, or an https URL to fetch it from (http only on localhost).
    #[arg(value_name = "FILE|URL")]
    metadata: String,
    /// Name shown to citizens [default: the metadata's mdui:DisplayName].
    #[arg(long)]
    name: Option<String>,
    /// Why it asks for data, shown to citizens at consent [default: the metadata's
    /// mdui:Description].
    #[arg(long)]
    purpose: Option<String>,
    /// The lowest assurance every sign-in for this service needs.
    #[arg(long, value_enum)]
    min_assurance: Option<Assurance>,
    /// A sandbox service: it signs in only test persons. Without it: real persons only.
    #[arg(long)]
    sandbox: bool,
    /// Encrypt its assertions to the metadata's encryption certificate.
    #[arg(long)]
    encrypt: bool,
    /// Update the service provider with the same entity ID from this metadata (its
    /// client_id, and so the NameIDs its users have, stay).
    #[arg(long)]
    replace: bool,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
enum Assurance {
    Low,
    Substantial,
    High,
}

impl Assurance {
    fn acr(self) -> &'static str {
        match self {
            Self::Low => "urn:civitas:loa:low",
            Self::Substantial => "urn:civitas:loa:substantial",
            Self::High => "urn:civitas:loa:high",
        }
    }
}

/// How long fetching metadata from a URL may take.
const FETCH_TIMEOUT: Duration = Duration::from_secs(15);

pub(super) async fn saml(config: Config, command: SamlCommand) -> anyhow::Result<()> {
    let SamlCommand::Sp { command } = command;
    let db = Db::connect(&config.database).await?;
    db.migrate().await?;
    let now = SystemClock.now();
    let result = match command {
        SpCommand::Add(args) => add(&db, *args, now).await,
        SpCommand::List => list(&db).await,
        SpCommand::Show { entity_id } => show(&db, &entity_id, now).await,
        SpCommand::Disable { entity_id, reason } => {
            let reason = reason.trim();
            if reason.is_empty() {
                anyhow::bail!("--reason must say why the service provider is disabled");
            }
            let id = sps::disable(&db, &entity_id, reason, now)
                .await?
                .ok_or_else(|| unknown(&entity_id))?;
            println!("Disabled service provider {entity_id} ({id}): it signs no one in.");
            Ok(())
        }
        SpCommand::Enable { entity_id } => {
            let id = sps::enable(&db, &entity_id, now)
                .await?
                .ok_or_else(|| unknown(&entity_id))?;
            println!("Enabled service provider {entity_id} ({id}).");
            Ok(())
        }
    };
    db.close().await;
    result
}

fn unknown(entity_id: &str) -> anyhow::Error {
    anyhow::anyhow!("no service provider {entity_id}: `civitas saml sp list` shows them")
}

async fn add(db: &Db, args: AddSp, now: i64) -> anyhow::Result<()> {
    let source = args.metadata;
    let text = read_metadata(&source).await?;
    let meta = sp::parse_sp_metadata(&text).map_err(|e| {
        anyhow::anyhow!(
            "{source}: {e}\nThe service provider was not added: correct the metadata (or ask the service for corrected metadata) and add it again."
        )
    })?;
    let opts = RegisterOptions {
        name: args.name,
        purpose: args.purpose,
        min_assurance: args.min_assurance.map(|a| a.acr().to_owned()),
        sandbox: args.sandbox,
        encrypt: args.encrypt,
        replace: args.replace,
        source: source.clone(),
    };
    let done = sp::register(db, &meta, &opts, now)
        .await
        .map_err(|e| anyhow::anyhow!("{source}: {e}\nThe service provider was not added."))?;
    for w in &done.warnings {
        eprintln!("warning: {w}");
    }
    println!("client_id:  {}", done.client_id);
    println!("entity_id:  {}", meta.entity_id);
    let optional = if done.optional_scopes.is_empty() {
        String::new()
    } else {
        format!(
            ", optional: {}",
            done.optional_scopes
                .iter()
                .cloned()
                .collect::<Vec<_>>()
                .join(" ")
        )
    };
    println!(
        "{} service provider \"{}\" ({}; scopes: {}{optional}; {} consumer service(s), {} logout service(s); requests {}; assertions {}).",
        if done.replaced { "Updated" } else { "Added" },
        opts.name
            .as_deref()
            .or(meta.display_name.as_deref())
            .unwrap_or_default()
            .trim(),
        if opts.sandbox {
            "sandbox"
        } else {
            "production"
        },
        done.scopes.iter().cloned().collect::<Vec<_>>().join(" "),
        meta.acs.len(),
        meta.slo.len(),
        if meta.authn_requests_signed {
            "must be signed"
        } else {
            "may be unsigned"
        },
        if opts.encrypt {
            "encrypted"
        } else {
            "signed, not encrypted"
        },
    );
    Ok(())
}

/// The metadata text from a file, or from an https URL (http on loopback), bounded in size
/// and time.
async fn read_metadata(source: &str) -> anyhow::Result<String> {
    let bytes = if source.starts_with("https://") || source.starts_with("http://") {
        fetch(source)
            .await
            .map_err(|e| anyhow::anyhow!("{source}: {e}"))?
    } else {
        let path = std::path::Path::new(source);
        let len = std::fs::metadata(path)
            .map_err(|e| anyhow::anyhow!("{source}: {e}"))?
            .len();
        if len > xml::MAX_BYTES as u64 {
            anyhow::bail!(
                "{source}: the file is larger than {} bytes; metadata of one service provider is far smaller",
                xml::MAX_BYTES
            );
        }
        std::fs::read(path).map_err(|e| anyhow::anyhow!("{source}: {e}"))?
    };
    String::from_utf8(bytes).map_err(|_| anyhow::anyhow!("{source}: the metadata is not UTF-8"))
}

async fn fetch(source: &str) -> anyhow::Result<Vec<u8>> {
    let url = url::Url::parse(source).map_err(|e| anyhow::anyhow!("not a URL ({e})"))?;
    let loopback = match url.host() {
        Some(url::Host::Ipv4(ip)) => ip.is_loopback(),
        Some(url::Host::Ipv6(ip)) => ip.is_loopback(),
        Some(url::Host::Domain(d)) => d == "localhost",
        None => false,
    };
    if url.scheme() != "https" && !loopback {
        anyhow::bail!("metadata is fetched over https only (http only from localhost)");
    }
    let _ = rustls::crypto::ring::default_provider().install_default();
    let http = reqwest::Client::builder()
        .timeout(FETCH_TIMEOUT)
        .connect_timeout(Duration::from_secs(5))
        .redirect(reqwest::redirect::Policy::none())
        .user_agent("Civitas")
        .build()?;
    let mut response = http
        .get(url)
        .send()
        .await
        .map_err(|e| anyhow::anyhow!("cannot fetch it ({e})"))?;
    if !response.status().is_success() {
        anyhow::bail!(
            "the server answered {}{}",
            response.status(),
            if response.status().is_redirection() {
                ": give the address it redirects to"
            } else {
                ""
            }
        );
    }
    let mut body = Vec::new();
    while let Some(chunk) = response
        .chunk()
        .await
        .map_err(|e| anyhow::anyhow!("reading it failed ({e})"))?
    {
        if body.len() + chunk.len() > xml::MAX_BYTES {
            anyhow::bail!("the metadata is larger than {} bytes", xml::MAX_BYTES);
        }
        body.extend_from_slice(&chunk);
    }
    Ok(body)
}

async fn list(db: &Db) -> anyhow::Result<()> {
    let all = sps::list(db).await?;
    println!(
        "{:<44} {:<9} {:<10} {:<37} NAME",
        "ENTITY_ID", "STATUS", "ENV", "CLIENT_ID"
    );
    for sp in &all {
        println!(
            "{:<44} {:<9} {:<10} {:<37} {}",
            sp.entity_id, sp.status, sp.environment, sp.client_id, sp.name
        );
    }
    println!("{} service providers", all.len());
    Ok(())
}

fn endpoint(e: &Endpoint) -> String {
    let binding = e.binding.rsplit(':').next().unwrap_or(&e.binding);
    let mut out = match e.index {
        Some(i) => format!("[{i}] {} ({binding}", e.location),
        None => format!("{} ({binding}", e.location),
    };
    if e.is_default {
        out.push_str(", default");
    }
    if let Some(r) = &e.response_location {
        out.push_str(&format!(", responses to {r}"));
    }
    out.push(')');
    out
}

fn certificate(b64: &str, now: i64) -> String {
    let Ok(der) = cert::from_base64(b64) else {
        return "unreadable".to_owned();
    };
    let expiry = match cert::not_after(&der) {
        Ok(t) if t <= now => format!("EXPIRED {}", rfc3339(t)),
        Ok(t) => format!("expires {}", rfc3339(t)),
        Err(_) => "expiry unreadable".to_owned(),
    };
    let bits = match cert::rsa_public_key(&der) {
        Ok(k) => format!("RSA {} bits", rsa::traits::PublicKeyParts::n(&k).bits()),
        Err(e) => e.to_string(),
    };
    format!(
        "SHA-256 {}\n                  {}, {bits}, {expiry}",
        cert::fingerprint_sha256(&der),
        cert::subject(&der).unwrap_or_default(),
    )
}

async fn show(db: &Db, entity_id: &str, now: i64) -> anyhow::Result<()> {
    let sp: ServiceProvider = sps::find_sp_by_entity_id(db, entity_id)
        .await?
        .ok_or_else(|| unknown(entity_id))?;
    let client = clients::find_client(db, &sp.client_id)
        .await?
        .ok_or_else(|| unknown(entity_id))?;
    println!("entity_id:        {}", sp.entity_id);
    println!("client_id:        {}", sp.client_id);
    println!("name:             {}", sp.name);
    println!("purpose:          {}", client.purpose);
    println!(
        "status:           {}{}",
        sp.status,
        sp.status_reason
            .as_deref()
            .map(|why| format!(" ({why})"))
            .unwrap_or_default()
    );
    println!("environment:      {}", sp.environment);
    println!(
        "requests:         {}",
        if sp.authn_requests_signed {
            "must be signed (AuthnRequestsSigned)"
        } else {
            "may be unsigned (a signature that is present is checked)"
        }
    );
    println!(
        "assertions:       {}",
        if sp.encrypt_assertions {
            "signed and encrypted"
        } else {
            "signed"
        }
    );
    println!(
        "min assurance:    {}",
        client.min_acr.as_deref().unwrap_or("none")
    );
    for e in &sp.acs {
        println!("acs:              {}", endpoint(e));
    }
    for e in &sp.slo {
        println!("slo:              {}", endpoint(e));
    }
    for c in &sp.signing_certificates {
        println!("signing cert:     {}", certificate(c, now));
    }
    if let Some(c) = &sp.encryption_certificate {
        println!("encryption cert:  {}", certificate(c, now));
    }
    for name in &sp.requested_attributes {
        let needed = if sp.required_attributes.contains(name) {
            "required"
        } else {
            "optional"
        };
        let scope = attributes::scope_of(name)
            .map(|s| format!("scope {s}"))
            .unwrap_or_else(|| "not released by Civitas".to_owned());
        println!("attribute:        {name} ({needed}, {scope})");
    }
    println!("scopes:           {}", client.scopes);
    if !client.optional_scopes.is_empty() {
        println!("optional scopes:  {}", client.optional_scopes);
    }
    println!("metadata from:    {}", sp.metadata_source);
    println!("created:          {}", rfc3339(sp.created_at));
    println!("updated:          {}", rfc3339(sp.updated_at));
    Ok(())
}
