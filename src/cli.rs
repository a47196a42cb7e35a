//! The `civitas` command line.

mod saml;

use std::{path::PathBuf, process::ExitCode, sync::Arc, time::Instant};

use clap::{Parser, Subcommand, ValueEnum};
use indicatif::{ProgressBar, ProgressStyle};

use crate::{
    app,
    clock::{Clock, SystemClock, rfc3339},
    config::Config,
    crypto::{Alg, KeyDir, KeyState, certificate, certificate::Subject, keyring},
    demo, oidc, registry,
    store::{Db, clients, signing_keys},
    telemetry,
};

/// Civitas: a national digital identity provider (OpenID Connect and SAML 2.0).
///
/// Configuration comes from built-in defaults, then `civitas.toml` (or --config), then
/// CIVITAS_* environment variables (nested keys joined by "__", e.g. CIVITAS_DATABASE__URL).
#[derive(Debug, Parser)]
#[command(name = "civitas", version, propagate_version = true)]
pub struct Cli {
    /// Configuration file [default: ./civitas.toml if it exists]
    #[arg(long, global = true, env = "CIVITAS_CONFIG", value_name = "FILE")]
    config: Option<PathBuf>,
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Run the server: apply migrations, create signing keys on first start, serve HTTP.
    /// Stops gracefully on SIGTERM or Ctrl-C (requests in flight finish).
    Serve {
        /// Also seed a synthetic population of 1,000 persons and print how to try a sign-in.
        /// Refused on a database that holds real registry data.
        #[arg(long)]
        demo: bool,
    },
    /// Apply pending database migrations and exit.
    Migrate,
    /// Ask a running server whether it is ready (its /readyz: database reachable and taking
    /// writes, signing keys usable). Exits 0 when ready, 1 when not: for container
    /// healthchecks, where the image has no HTTP client of its own.
    Health {
        /// The server's base address [default: the configured listen address, on loopback
        /// when it listens on every interface].
        #[arg(long)]
        url: Option<url::Url>,
    },
    /// Show and rotate the keys that sign ID tokens and SAML assertions.
    Keys {
        #[command(subcommand)]
        command: KeysCommand,
    },
    /// Load person records from the population registry.
    Registry {
        #[command(subcommand)]
        command: RegistryCommand,
    },
    /// Issue activation codes: how a person in the registry first activates their identity.
    Activation {
        #[command(subcommand)]
        command: ActivationCommand,
    },
    /// The tamper-evident ledger of data releases and account events: verify, checkpoint,
    /// prune.
    Ledger {
        #[command(subcommand)]
        command: LedgerCommand,
    },
    /// Register and manage relying parties (OpenID Connect clients).
    Client {
        #[command(subcommand)]
        command: ClientCommand,
    },
    /// Helpdesk and operator staff: create (with a one-time enrolment link), list, disable.
    Staff {
        #[command(subcommand)]
        command: StaffCommand,
    },
    /// SAML 2.0: register and manage service providers from their metadata.
    Saml {
        #[command(subcommand)]
        command: saml::SamlCommand,
    },
}

#[derive(Debug, Subcommand)]
enum StaffCommand {
    /// Add a staff member. Prints a one-time enrolment link (valid 72 hours) with which they
    /// create the staff passkey they sign in to /admin with. Recorded in the staff log.
    Create {
        /// helpdesk | supervisor | operator | auditor (see the README's roles table).
        #[arg(long, value_parser = ["helpdesk", "supervisor", "operator", "auditor"])]
        role: String,
        /// The member's name, shown to staff only (citizens see a pseudonym).
        #[arg(long)]
        name: String,
    },
    /// List staff: id, name, pseudonym, role, status.
    List,
    /// A new one-time enrolment link (72 hours) for a member who has not enrolled yet; the
    /// old link stops working. Recorded in the staff log.
    Link {
        /// The member's id (from `civitas staff list`).
        id: String,
    },
    /// Disable a member at once; their console session stops at the next request.
    Disable {
        /// The member's id (from `civitas staff list`).
        id: String,
        /// Why (recorded in the staff log).
        #[arg(long)]
        reason: String,
    },
}

#[derive(Debug, Subcommand)]
enum LedgerCommand {
    /// Verify every signed checkpoint (signature, link, Merkle root) and every chain record
    /// by record; names the first broken record and exits non-zero if one is found.
    Verify,
    /// Sign a checkpoint over every chain head now (servers do it every
    /// ledger.checkpoint_interval_secs).
    Checkpoint,
    /// Remove records older than ledger.retention_days (servers do it with each checkpoint).
    /// Refused when retention is 0 (keep records).
    Prune,
}

#[derive(Debug, Subcommand)]
enum ActivationCommand {
    /// Print a new one-time activation code for the person with this national ID (for the
    /// letter to their registered address, or for the helpdesk after an identity check).
    /// Valid 30 days; only its hash is kept.
    Issue {
        /// The person's national ID number.
        national_id: String,
    },
}

#[derive(Debug, Subcommand)]
enum ClientCommand {
    /// Register a relying party. Prints its client_id and, once, its secret (only a hash is
    /// kept). The operator may grant restricted scopes such as national_id.
    Create(Box<CreateClient>),
    /// List every relying party with its status.
    List,
    /// Show one relying party's registration.
    Show {
        /// The client_id.
        client_id: String,
    },
    /// Issue a one-time initial access token with which a relying party registers itself
    /// (RFC 7591, POST /register). Printed once; only its hash is kept.
    InitialToken {
        /// Who it is for, kept for the record (e.g. "Tax Board onboarding, ticket 4711").
        #[arg(long)]
        note: String,
        /// Days until it expires unused.
        #[arg(long, default_value_t = 7, value_parser = clap::value_parser!(u32).range(1..=90))]
        valid_days: u32,
    },
    /// Set the logo citizens see at consent (PNG or JPEG, at most 100 KB), checked by the
    /// operator: a relying party's own logo_uri is never shown.
    Logo {
        /// The client_id.
        client_id: String,
        /// The image file; omit it with --remove.
        #[arg(required_unless_present = "remove")]
        file: Option<PathBuf>,
        /// Remove the logo.
        #[arg(long, conflicts_with = "file")]
        remove: bool,
    },
    /// Disable a relying party: it can no longer sign anyone in.
    Disable {
        /// The client_id.
        client_id: String,
        /// Why (kept with the client, for the record).
        #[arg(long)]
        reason: String,
    },
}

#[derive(Debug, clap::Args)]
struct CreateClient {
    /// Name shown to citizens, e.g. "Tax and Customs Board".
    #[arg(long)]
    name: String,
    /// Why it asks for data, shown to citizens at consent.
    #[arg(long)]
    purpose: String,
    /// A redirect URI (repeat for more); matched exactly.
    #[arg(long = "redirect-uri", required = true, value_name = "URI")]
    redirect_uris: Vec<String>,
    /// Where it may send people after sign-out (repeat for more).
    #[arg(long = "post-logout-redirect-uri", value_name = "URI")]
    post_logout_redirect_uris: Vec<String>,
    /// https URI of its logo.
    #[arg(long, value_name = "URI")]
    logo_uri: Option<String>,
    /// web (a server) or native (an app on the person's device).
    #[arg(long, value_parser = ["web", "native"])]
    application_type: Option<String>,
    /// How it authenticates at the token endpoint [default: client_secret_basic].
    #[arg(long, value_parser = ["client_secret_basic", "client_secret_post", "private_key_jwt"])]
    auth_method: Option<String>,
    /// File with its public JWKS (private_key_jwt).
    #[arg(long, value_name = "FILE")]
    jwks_file: Option<PathBuf>,
    /// https URI of its public JWKS (private_key_jwt).
    #[arg(long, value_name = "URI")]
    jwks_uri: Option<String>,
    /// ID token signature algorithm [default: ES256].
    #[arg(long, value_parser = ["ES256", "RS256"])]
    id_token_alg: Option<String>,
    /// Scopes it may ask for, space-separated (openid is always included).
    #[arg(long, default_value = "openid profile")]
    scope: String,
    /// Sector for pairwise subject identifiers; needed when redirect URIs span several hosts.
    #[arg(long, value_name = "HOST")]
    sector_identifier: Option<String>,
    /// Scopes among --scope the citizen may leave out at consent, space-separated.
    #[arg(long, value_name = "SCOPES")]
    optional_scope: Option<String>,
    /// The lowest assurance every sign-in for this client needs.
    #[arg(long, value_parser = ["urn:civitas:loa:low", "urn:civitas:loa:substantial", "urn:civitas:loa:high"])]
    min_acr: Option<String>,
    /// Register the refresh_token grant too: the client then receives refresh tokens (ending
    /// with the citizen's session, or living 30 days when it asks for offline_access).
    #[arg(long)]
    refresh_tokens: bool,
    /// A sandbox client: it signs in only test persons (`registry import --test`, or the demo
    /// population). Without it the client is a production client: real persons only.
    #[arg(long)]
    sandbox: bool,
    /// The FAPI 2.0 Security Profile: private_key_jwt, pushed authorization requests and
    /// DPoP-bound tokens only. Required for clients holding national_id.
    #[arg(long)]
    fapi: bool,
    /// Authorization requests through the PAR endpoint only (implied by --fapi).
    #[arg(long)]
    require_par: bool,
    /// Encrypt ID tokens to the client's `use: enc` key with this algorithm (A256GCM content).
    #[arg(long, value_name = "ALG", value_parser = ["ECDH-ES+A256KW", "RSA-OAEP-256"])]
    id_token_encryption: Option<String>,
    /// Answer userinfo as a JWT signed with this algorithm.
    #[arg(long, value_name = "ALG", value_parser = ["ES256", "RS256"])]
    userinfo_signed_alg: Option<String>,
    /// Encrypt userinfo to the client's `use: enc` key with this algorithm (A256GCM content).
    #[arg(long, value_name = "ALG", value_parser = ["ECDH-ES+A256KW", "RSA-OAEP-256"])]
    userinfo_encryption: Option<String>,
    /// Where to POST logout tokens when a citizen's session ends (Back-Channel Logout 1.0).
    #[arg(long, value_name = "URL")]
    backchannel_logout_uri: Option<String>,
}

#[derive(Debug, Subcommand)]
enum KeysCommand {
    /// List every key with its state (next, active, retired, expired) and its times; for SAML
    /// keys also their certificate's end of validity and SHA-256 fingerprint.
    List,
    /// Add the next key: published in the JWKS at once, signing after keys.prepublish_secs;
    /// the current key then retires and leaves the JWKS keys.retire_grace_secs later.
    Rotate {
        /// Which algorithm's key to rotate.
        #[arg(long, value_enum, default_value_t = AlgArg::All)]
        alg: AlgArg,
    },
}

#[derive(Debug, Clone, Copy, ValueEnum)]
enum AlgArg {
    Es256,
    Rs256,
    /// The key that signs SAML messages (published as a certificate in SAML metadata).
    SamlRs256,
    All,
}

#[derive(Debug, Subcommand)]
enum RegistryCommand {
    /// Import persons from a registry CSV file (format: see README, "The registry format").
    /// All or nothing: one bad row imports nothing and names its line. Importing again
    /// updates changed persons in place and never duplicates.
    Import {
        /// The CSV file.
        file: PathBuf,
        /// Flag the file's persons as synthetic test persons: sandbox clients sign in only
        /// test persons, production clients never. A person keeps the flag of their first
        /// import.
        #[arg(long)]
        test: bool,
    },
}

impl Cli {
    /// Runs the command; errors are printed once, here.
    pub fn run(self) -> ExitCode {
        // Named, so `top -H` and profiles (bench/profile.sh) tell the server's threads apart.
        let runtime = match tokio::runtime::Builder::new_multi_thread()
            .thread_name("civitas-worker")
            .enable_all()
            .build()
        {
            Ok(r) => r,
            Err(e) => {
                eprintln!("error: cannot start the runtime: {e}");
                return ExitCode::FAILURE;
            }
        };
        match runtime.block_on(self.dispatch()) {
            Ok(()) => ExitCode::SUCCESS,
            Err(e) => {
                eprintln!("error: {e:#}");
                ExitCode::FAILURE
            }
        }
    }

    async fn dispatch(self) -> anyhow::Result<()> {
        let config = Config::load(self.config.as_deref())?;
        telemetry::init(&config.log);
        match self.command {
            Command::Serve { demo } => serve(config, demo).await,
            Command::Health { url } => health(&config, url).await,
            Command::Migrate => {
                let db = Db::connect(&config.database).await?;
                let applied = db.migrate().await?;
                let known = db.known_migrations().len();
                println!(
                    "{}: {applied} migrations applied, {known} known, schema up to date",
                    db.kind()
                );
                Ok(())
            }
            Command::Keys { command } => keys(config, command).await,
            Command::Registry {
                command: RegistryCommand::Import { file, test },
            } => import(config, file, test).await,
            Command::Client { command } => client(config, command).await,
            Command::Ledger { command } => ledger(config, command).await,
            Command::Staff { command } => staff(config, command).await,
            Command::Saml { command } => saml::saml(config, command).await,
            Command::Activation {
                command: ActivationCommand::Issue { national_id },
            } => {
                let db = Db::connect(&config.database).await?;
                db.migrate().await?;
                let code =
                    crate::authn::activation::issue_code(&db, &national_id, SystemClock.now())
                        .await?;
                println!("activation code: {code}");
                println!(
                    "Valid for 30 days, once. Deliver it by letter to the registered address or in person."
                );
                db.close().await;
                Ok(())
            }
        }
    }
}

async fn staff(config: Config, command: StaffCommand) -> anyhow::Result<()> {
    let db = Db::connect(&config.database).await?;
    db.migrate().await?;
    let now = SystemClock.now();
    match command {
        StaffCommand::Create { role, name } => {
            let role = crate::admin::Role::parse(&role).ok_or_else(|| {
                anyhow::anyhow!("--role must be helpdesk, supervisor, operator or auditor")
            })?;
            let (row, token) = crate::admin::members::create(&db, role, &name, now).await?;
            println!(
                "staff member:   {} ({}, {})",
                row.id, row.role, row.pseudonym
            );
            println!(
                "enrolment link: {}",
                config
                    .issuer
                    .endpoint(&format!("/admin/enrol?token={token}"))
            );
            println!(
                "Give the link to {} in person or over a trusted channel: it works once, for 72 hours.",
                row.name
            );
        }
        StaffCommand::List => {
            let all = crate::store::staff::find_all_staff(&db).await?;
            for m in &all {
                println!(
                    "{}  {:<10} {:<8} {:<9} {}{}",
                    m.id,
                    m.role,
                    m.pseudonym,
                    m.status,
                    m.name,
                    m.status_reason
                        .as_deref()
                        .map(|r| format!(" ({r})"))
                        .unwrap_or_default()
                );
            }
            println!("{} staff members", all.len());
        }
        StaffCommand::Link { id } => {
            let token = crate::admin::members::new_link(&db, &id, now).await?;
            println!(
                "enrolment link: {}",
                config
                    .issuer
                    .endpoint(&format!("/admin/enrol?token={token}"))
            );
            println!("The old link no longer works; this one works once, for 72 hours.");
        }
        StaffCommand::Disable { id, reason } => {
            crate::admin::members::disable(&db, &id, &reason, now).await?;
            println!("staff member {id} disabled");
        }
    }
    db.close().await;
    Ok(())
}

async fn serve(mut config: Config, demo_mode: bool) -> anyhow::Result<()> {
    if demo_mode {
        // Demo mode sends no mail: one-time codes appear at /demo/outbox.
        config.mail.outbox = true;
        // The help page shows placeholders that say they reach nobody, unless the demo was
        // given real contacts.
        if config.help.is_empty() {
            config.help = crate::config::HelpConfig::demo();
        }
    }
    let listen = config.listen;
    let issuer = config.issuer.as_str().to_owned();
    let grace = config.http.shutdown_grace;
    let app = app::build(config).await?;
    if demo_mode {
        seed_demo(&app.state.db, &issuer).await?;
    }
    let listener = tokio::net::TcpListener::bind(listen)
        .await
        .map_err(|e| anyhow::anyhow!("cannot listen on {listen} (listen): {e}"))?;
    tracing::info!(%listen, issuer, "Civitas is serving");
    eprintln!("Civitas is serving {issuer} on http://{listen} (Ctrl-C to stop)");

    let signalled = Arc::new(tokio::sync::Notify::new());
    let notify = signalled.clone();
    let shutdown = async move {
        app::shutdown_signal().await;
        notify.notify_one();
    };
    let server = app::serve(app, listener, shutdown);
    tokio::select! {
        result = server => result,
        () = async { signalled.notified().await; tokio::time::sleep(grace).await } => {
            anyhow::bail!("requests were still running {}s after the shutdown signal; stopped", grace.as_secs())
        }
    }
}

async fn seed_demo(db: &Db, issuer: &str) -> anyhow::Result<()> {
    let now = SystemClock.now();
    let summary = demo::seed(db, now).await?;
    let first = &demo::population()[0];
    let secret = demo::ensure_demo_client(db, now).await?;
    let code = crate::authn::activation::issue_code(db, first.national_id.as_str(), now).await?;
    eprintln!(
        "Demo mode: {summary} ({}).\n  Try the person {} {} with national ID {} and activation code {code}.\n  \
         Demo Agency, a relying party to sign in to, in a second terminal:\n    \
         cargo run --example relying_party -- --client-id {} --client-secret {secret}\n  \
         then open http://127.0.0.1:8081\n  \
         Mail Civitas would send (one-time codes) appears at {issuer}/demo/outbox\n  \
         Relying-party developers register their own sandbox clients at {issuer}/portal \
         (every demo person is a test person)",
        db.kind(),
        first.given_names,
        first.family_name,
        first.national_id.as_str(),
        demo::DEMO_CLIENT_ID,
    );
    Ok(())
}

async fn ledger(config: Config, command: LedgerCommand) -> anyhow::Result<()> {
    let db = Db::connect(&config.database).await?;
    db.migrate().await?;
    let now = SystemClock.now();
    let result = match command {
        LedgerCommand::Verify => {
            let total = crate::store::releases::count_records(&db).await?;
            let progress = ProgressBar::new(total as u64);
            let checked = crate::ledger::verify_all(&db, |n| {
                progress.inc(n);
            })
            .await?;
            progress.finish_and_clear();
            match checked {
                Ok(v) => {
                    println!(
                        "Ledger intact: {} records in {} chains and {} signed checkpoints verified; staff log intact: {} records.",
                        v.records, v.chains, v.checkpoints, v.staff_records
                    );
                    Ok(())
                }
                Err(why) => Err(anyhow::anyhow!(
                    "ledger broken at {why}. Restore the ledger and staff log tables from a \
                     backup and report the incident; do not write to them until then."
                )),
            }
        }
        LedgerCommand::Checkpoint => {
            let dir = KeyDir::open(&config.keys.dir)?;
            let clock: crate::clock::SharedClock = std::sync::Arc::new(SystemClock);
            let ring = crate::crypto::Keyring::load(db.clone(), dir, clock).await?;
            match crate::ledger::checkpoint(&db, &ring, config.issuer.as_str(), now, None).await? {
                Some(c) => println!(
                    "Checkpoint {} signed over {} chains (root {}).",
                    c.seq, c.chains, c.root
                ),
                None => println!("No chain changed since the last checkpoint: none signed."),
            }
            Ok(())
        }
        LedgerCommand::Prune => match config.ledger.retention {
            None => Err(anyhow::anyhow!(
                "ledger.retention_days is 0 (records are kept): set it to prune"
            )),
            Some(keep) => {
                let before = now - keep.as_secs() as i64;
                let (chains, removed) = crate::ledger::prune(&db, before, now).await?;
                println!(
                    "Pruned {removed} records older than {} from {chains} chains (each pruning recorded in its chain).",
                    rfc3339(before)
                );
                Ok(())
            }
        },
    };
    db.close().await;
    result
}

async fn keys(config: Config, command: KeysCommand) -> anyhow::Result<()> {
    let db = Db::connect(&config.database).await?;
    db.migrate().await?;
    let dir = KeyDir::open(&config.keys.dir)?;
    let now = SystemClock.now();
    match command {
        KeysCommand::List => {
            let rows = signing_keys::find_signing_keys(&db).await?;
            if rows.is_empty() {
                println!("No signing keys yet: `civitas serve` creates them on first start.");
            }
            println!(
                "{:<10} {:<8} {:<43}  {:<20}  {:<20}  {:<20}",
                "ALG", "STATE", "KID", "SIGNS FROM", "RETIRES", "UNPUBLISHED"
            );
            for r in &rows {
                println!(
                    "{:<10} {:<8} {:<43}  {:<20}  {:<20}  {:<20}",
                    r.alg,
                    keyring::key_state(r, now).to_string(),
                    r.kid,
                    rfc3339(r.activates_at),
                    r.retires_at.map_or("-".into(), rfc3339),
                    r.expires_at.map_or("-".into(), rfc3339),
                );
                if let Some(der) = &r.certificate {
                    match certificate::inspect(der) {
                        Ok(c) => println!(
                            "{:<10} certificate {}, valid until {}, SHA-256 {}",
                            "",
                            c.subject,
                            rfc3339(c.not_after),
                            c.fingerprint
                        ),
                        Err(e) => println!("{:<10} certificate unreadable: {e}", ""),
                    }
                }
            }
            let live = rows
                .iter()
                .filter(|r| keyring::key_state(r, now) != KeyState::Expired)
                .count();
            println!("{} keys, {live} published", rows.len());
        }
        KeysCommand::Rotate { alg } => {
            let subject = Subject::new(config.issuer.host());
            keyring::ensure_keys(&db, &dir, &subject, now).await?;
            let algs: Vec<Alg> = match alg {
                AlgArg::Es256 => vec![Alg::Es256],
                AlgArg::Rs256 => vec![Alg::Rs256],
                AlgArg::SamlRs256 => vec![Alg::SamlRs256],
                AlgArg::All => Alg::ALL.to_vec(),
            };
            let (prepublish, grace) = (config.keys.prepublish, config.keys.retire_grace);
            for row in keyring::rotate(&db, &dir, &subject, &algs, now, prepublish, grace).await? {
                let published_in = if row.certificate.is_some() {
                    "SAML metadata"
                } else {
                    "JWKS"
                };
                println!(
                    "{}: new key {} published now, signs from {}; the key it replaces retires then and leaves the {published_in} at {}",
                    row.alg,
                    row.kid,
                    rfc3339(row.activates_at),
                    rfc3339(row.activates_at + grace.as_secs() as i64),
                );
            }
            let removed = keyring::remove_expired_key_files(&db, &dir, now).await?;
            println!(
                "Rotated {} key(s); removed {removed} expired key file(s). Running servers pick the new keys up within {} s.",
                algs.len(),
                config.keys.refresh.as_secs()
            );
        }
    }
    db.close().await;
    Ok(())
}

async fn import(config: Config, file: PathBuf, test: bool) -> anyhow::Result<()> {
    let db = Db::connect(&config.database).await?;
    db.migrate().await?;
    let progress = ProgressBar::new(0).with_style(
        ProgressStyle::with_template("{msg:>9} [{bar:40}] {pos}/{len} {per_sec} ETA {eta}")
            .unwrap_or_else(|_| ProgressStyle::default_bar())
            .progress_chars("=> "),
    );
    let started = Instant::now();
    let summary = registry::import_file(&db, &file, test, SystemClock.now(), &progress).await;
    progress.finish_and_clear();
    let summary = summary?;
    println!(
        "Imported {}: {summary} in {:.1} s",
        file.display(),
        started.elapsed().as_secs_f64()
    );
    db.close().await;
    Ok(())
}

async fn client(config: Config, command: ClientCommand) -> anyhow::Result<()> {
    let db = Db::connect(&config.database).await?;
    db.migrate().await?;
    let now = SystemClock.now();
    match command {
        ClientCommand::Create(args) => {
            let args = *args;
            let jwks = match &args.jwks_file {
                Some(path) => Some(
                    std::fs::read_to_string(path)
                        .map_err(|e| anyhow::anyhow!("--jwks-file {}: {e}", path.display()))?,
                ),
                None => None,
            };
            let request = oidc::clients::ClientRequest {
                display_name: args.name,
                purpose: args.purpose,
                logo_uri: args.logo_uri,
                application_type: args.application_type,
                redirect_uris: args.redirect_uris,
                post_logout_redirect_uris: args.post_logout_redirect_uris,
                auth_method: args.auth_method,
                jwks,
                jwks_uri: args.jwks_uri,
                id_token_alg: args.id_token_alg,
                scope: Some(args.scope),
                sector_id: args.sector_identifier,
                min_acr: args.min_acr,
                optional_scope: args.optional_scope,
                grant_types: Some(
                    ["authorization_code", "refresh_token"]
                        .into_iter()
                        .take(if args.refresh_tokens { 2 } else { 1 })
                        .map(str::to_owned)
                        .collect(),
                ),
                environment: if args.sandbox {
                    oidc::clients::Environment::Sandbox
                } else {
                    oidc::clients::Environment::Production
                },
                options: oidc::clients::OptionsRequest {
                    profile: args.fapi.then(|| "fapi2".to_owned()),
                    require_par: args.require_par.then_some(true),
                    id_token_enc_enc: args.id_token_encryption.as_ref().map(|_| "A256GCM".into()),
                    id_token_enc_alg: args.id_token_encryption,
                    userinfo_signed_alg: args.userinfo_signed_alg,
                    userinfo_enc_enc: args.userinfo_encryption.as_ref().map(|_| "A256GCM".into()),
                    userinfo_enc_alg: args.userinfo_encryption,
                    backchannel_logout_session_required: args
                        .backchannel_logout_uri
                        .as_ref()
                        .map(|_| true),
                    backchannel_logout_uri: args.backchannel_logout_uri,
                    dpop_bound: None,
                },
            };
            let valid = oidc::clients::validate(&request, true)
                .map_err(|e| anyhow::anyhow!("the client was not created: {e}"))?;
            let created = oidc::clients::create(&db, &valid, now).await?;
            println!("client_id:     {}", created.row.id);
            if let Some(secret) = created.secret {
                println!("client_secret: {secret}");
                println!(
                    "Store the secret now: Civitas keeps only its hash and cannot show it again."
                );
            }
            println!(
                "Created client \"{}\" ({}, {}, scopes: {}).",
                created.row.display_name,
                created.row.auth_method,
                created.row.id_token_alg,
                created.row.scopes
            );
        }
        ClientCommand::List => {
            let rows = clients::find_clients(&db).await?;
            println!(
                "{:<32} {:<9} {:<10} {:<20} NAME",
                "CLIENT_ID", "STATUS", "ENV", "AUTH"
            );
            for r in &rows {
                println!(
                    "{:<32} {:<9} {:<10} {:<20} {}",
                    r.id, r.status, r.environment, r.auth_method, r.display_name
                );
            }
            println!("{} clients", rows.len());
        }
        ClientCommand::Show { client_id } => {
            let r = clients::find_client(&db, &client_id)
                .await?
                .ok_or_else(|| {
                    anyhow::anyhow!("no client {client_id}: `civitas client list` shows them")
                })?;
            println!("client_id:        {}", r.id);
            println!("name:             {}", r.display_name);
            println!("purpose:          {}", r.purpose);
            println!(
                "status:           {}{}",
                r.status,
                r.status_reason
                    .map(|why| format!(" ({why})"))
                    .unwrap_or_default()
            );
            println!("application_type: {}", r.application_type);
            println!("auth_method:      {}", r.auth_method);
            println!("id_token_alg:     {}", r.id_token_alg);
            println!("scopes:           {}", r.scopes);
            println!("grant types:      {}", r.grant_types);
            println!("profile:          {}", r.options.profile);
            let o = &r.options;
            for (name, value) in [
                ("id_token_enc:     ", &o.id_token_enc_alg),
                ("userinfo_signed:  ", &o.userinfo_signed_alg),
                ("userinfo_enc:     ", &o.userinfo_enc_alg),
                ("backchannel:      ", &o.backchannel_logout_uri),
            ] {
                if let Some(v) = value {
                    println!("{name}{v}");
                }
            }
            if !r.optional_scopes.is_empty() {
                println!("optional scopes:  {}", r.optional_scopes);
            }
            println!(
                "logo:             {}",
                r.logo_type
                    .as_deref()
                    .unwrap_or("none (civitas client logo)")
            );
            println!("sector:           {}", r.sector_id);
            for uri in clients::find_client_redirect_uris(&db, &r.id, "login").await? {
                println!("redirect_uri:     {uri}");
            }
            for uri in clients::find_client_redirect_uris(&db, &r.id, "logout").await? {
                println!("post_logout_uri:  {uri}");
            }
            println!("created:          {}", rfc3339(r.created_at));
        }
        ClientCommand::InitialToken { note, valid_days } => {
            let note = note.trim();
            if note.is_empty() {
                anyhow::bail!("--note must say who the token is for");
            }
            let token = crate::crypto::secrets::random_token(32);
            let expires = now + i64::from(valid_days) * 86400;
            clients::insert_initial_access_token(
                &db,
                &crate::crypto::secrets::sha256_b64(&token),
                note,
                now,
                expires,
            )
            .await?;
            println!("initial_access_token: {token}");
            println!(
                "Registers one client at {} (Authorization: Bearer …) until {}.",
                config.issuer.endpoint("/register"),
                rfc3339(expires)
            );
        }
        ClientCommand::Logo {
            client_id,
            file,
            remove,
        } => {
            let logo = match (&file, remove) {
                (Some(path), false) => {
                    let bytes = std::fs::read(path)
                        .map_err(|e| anyhow::anyhow!("{}: {e}", path.display()))?;
                    let media_type = oidc::clients::check_logo(&bytes)
                        .map_err(|e| anyhow::anyhow!("{}: {e}", path.display()))?;
                    Some((bytes, media_type))
                }
                _ => None,
            };
            let found = clients::update_client_logo(
                &db,
                &client_id,
                logo.as_ref().map(|(b, t)| (b.as_slice(), *t)),
            )
            .await?;
            if !found {
                anyhow::bail!("no client {client_id}: `civitas client list` shows them");
            }
            match logo {
                Some((bytes, t)) => println!(
                    "Logo of {client_id} set ({t}, {} bytes): citizens see it at consent.",
                    bytes.len()
                ),
                None => println!("Logo of {client_id} removed."),
            }
        }
        ClientCommand::Disable { client_id, reason } => {
            let reason = reason.trim();
            if reason.is_empty() {
                anyhow::bail!("--reason must say why the client is disabled");
            }
            let found = crate::transaction!(db, anyhow::Error, |tx| {
                Ok(
                    clients::update_client_status(tx, &client_id, "disabled", Some(reason), now)
                        .await?,
                )
            })?;
            if !found {
                anyhow::bail!("no client {client_id}: `civitas client list` shows them");
            }
            println!("Disabled client {client_id}.");
        }
    }
    db.close().await;
    Ok(())
}

/// `civitas health`: one GET of `/readyz`, within three seconds.
async fn health(config: &Config, url: Option<url::Url>) -> anyhow::Result<()> {
    let base = match url {
        Some(u) => u,
        None => {
            let mut at = config.listen;
            if at.ip().is_unspecified() {
                at.set_ip(match at {
                    std::net::SocketAddr::V4(_) => std::net::Ipv4Addr::LOCALHOST.into(),
                    std::net::SocketAddr::V6(_) => std::net::Ipv6Addr::LOCALHOST.into(),
                });
            }
            url::Url::parse(&format!("http://{at}/"))?
        }
    };
    let readyz = base.join("readyz")?;
    let _ = rustls::crypto::ring::default_provider().install_default();
    let http = reqwest::Client::builder()
        .timeout(std::time::Duration::from_secs(3))
        .build()?;
    let answer = http
        .get(readyz.clone())
        .send()
        .await
        .map_err(|e| anyhow::anyhow!("{readyz} does not answer: {e}"))?;
    let status = answer.status();
    let body = answer.text().await.unwrap_or_default();
    if status.is_success() {
        println!("ready: {readyz} answered {status} {body}");
        Ok(())
    } else {
        anyhow::bail!("not ready: {readyz} answered {status} {body}")
    }
}
