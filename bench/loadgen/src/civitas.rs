//! Civitas as a benchmark target: seeding through the library (clients, activation codes),
//! the release binary serving on 127.0.0.1 as `localhost` (WebAuthn needs a host name), and
//! the citizens' setup over HTTP as a browser would do it: activation, a passkey made by
//! webauthn-authenticator-rs' software authenticator, and remembered consent for both
//! clients (as tests/it/passkeys.rs and tests/it/consent.rs drive them).

use std::{
    path::{Path, PathBuf},
    sync::Arc,
    time::{Duration, Instant},
};

use anyhow::Context as _;
use civitas::{
    config::DatabaseConfig,
    oidc::clients::{ClientRequest, create, validate},
    store::Db,
};
use serde_json::json;
use webauthn_authenticator_rs::{prelude::WebauthnAuthenticator, softpasskey::SoftPasskey};
use webauthn_rs_proto::{AllowCredentials, CreationChallengeResponse, RequestChallengeResponse};

use crate::{
    http::{Conn, Jar},
    oidc::{self, ClientKey, Kind, Target},
    procs::{self, Server},
};

/// The relying parties' redirect URI (never contacted: the code is read from the redirect).
pub const REDIRECT_URI: &str = "https://rp.bench.example/cb";

/// A citizen's passkey, held by the load generator's software authenticator.
pub struct Passkey {
    pub authenticator: SoftPasskey,
    pub credential_id: Vec<u8>,
    /// The user handle a discoverable credential returns (the account id).
    pub user_handle: Vec<u8>,
}

/// What seeding made.
pub struct Seeded {
    pub secret_client: String,
    pub secret: String,
    pub jwt_client: String,
    /// (national ID, activation code) per citizen.
    pub codes: Vec<(String, String)>,
}

/// The environment every `civitas` process of one target gets.
pub fn env(db_url: &str, dir: &Path, port: u16) -> Vec<(String, String)> {
    vec![
        ("CIVITAS_DATABASE__URL".into(), db_url.to_owned()),
        (
            "CIVITAS_KEYS__DIR".into(),
            dir.join("keys").display().to_string(),
        ),
        ("CIVITAS_LISTEN".into(), format!("127.0.0.1:{port}")),
        ("CIVITAS_ISSUER".into(), format!("http://localhost:{port}")),
    ]
}

/// Registers the two clients (operator rights) and issues activation codes, through the
/// library, before the server starts.
pub async fn seed(
    db_url: &str,
    key: &ClientKey,
    national_ids: &[String],
) -> anyhow::Result<Seeded> {
    let db = Db::connect(&DatabaseConfig {
        url: db_url.to_owned(),
        max_connections: 2,
        acquire_timeout: Duration::from_secs(30),
    })
    .await?;
    db.migrate().await?;
    let now = oidc::now();
    let client = |name: &str, method: &str, jwks: Option<String>| ClientRequest {
        display_name: name.into(),
        purpose: "Load benchmark".into(),
        redirect_uris: vec![REDIRECT_URI.into()],
        auth_method: Some(method.into()),
        jwks,
        scope: Some("openid profile".into()),
        grant_types: Some(vec!["authorization_code".into(), "refresh_token".into()]),
        ..Default::default()
    };
    let request = client("Bench Agency (secret)", "client_secret_basic", None);
    let valid = validate(&request, true).map_err(|e| anyhow::anyhow!("secret client: {e}"))?;
    let created = create(&db, &valid, now).await?;
    let secret = created
        .secret
        .context("no secret for client_secret_basic")?;
    let secret_client = created.row.id;
    let request = client(
        "Bench Agency (private_key_jwt)",
        "private_key_jwt",
        Some(key.jwks().to_string()),
    );
    let valid = validate(&request, true).map_err(|e| anyhow::anyhow!("jwt client: {e}"))?;
    let jwt_client = create(&db, &valid, now).await?.row.id;
    let mut codes = Vec::with_capacity(national_ids.len());
    for id in national_ids {
        let code = civitas::authn::activation::issue_code(&db, id, now).await?;
        codes.push((id.clone(), code));
    }
    db.close().await;
    Ok(Seeded {
        secret_client,
        secret,
        jwt_client,
        codes,
    })
}

/// Starts `civitas serve` and waits until `/readyz` answers 200.
pub async fn start(
    bin: &Path,
    dir: &Path,
    env: &[(String, String)],
    port: u16,
) -> anyhow::Result<Server> {
    let mut cmd = std::process::Command::new(bin);
    cmd.arg("serve")
        .current_dir(dir)
        .env_remove("CIVITAS_CONFIG")
        .envs(env.iter().map(|(k, v)| (k, v)));
    let mut server = Server::spawn("civitas serve", cmd, &dir.join("serve.log"), false)?;
    let addr = std::net::SocketAddr::from(([127, 0, 0, 1], port));
    let mut conn = Conn::new(addr, &format!("localhost:{port}"));
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        server.check_alive()?;
        if let Ok(r) = conn.get("/readyz", &[]).await
            && r.status == 200
        {
            return Ok(server);
        }
        if Instant::now() > deadline {
            anyhow::bail!(
                "civitas serve was not ready within 60 s; see {}",
                server.log.display()
            );
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// The target description of a running Civitas.
pub async fn target(
    kind: Kind,
    port: u16,
    seeded: &Seeded,
    key: Arc<ClientKey>,
) -> anyhow::Result<Target> {
    let addr = std::net::SocketAddr::from(([127, 0, 0, 1], port));
    let host = format!("localhost:{port}");
    let e = oidc::discover(&mut Conn::new(addr, &host)).await?;
    Ok(Target {
        kind,
        addr,
        host,
        issuer: format!("http://localhost:{port}"),
        authorize_path: e.authorize_path,
        token_path: e.token_path,
        token_endpoint: e.token_endpoint,
        userinfo_path: e.userinfo_path,
        jwks_path: e.jwks_path,
        redirect_uri: REDIRECT_URI.into(),
        secret_client: seeded.secret_client.clone(),
        secret: seeded.secret.clone(),
        jwt_client: seeded.jwt_client.clone(),
        key,
        sessions: vec![],
    })
}

fn expect(r: &crate::http::Resp, status: u16, what: &str) -> anyhow::Result<()> {
    if r.status != status {
        anyhow::bail!(
            "{what}: expected {status}, got {} {} {}",
            r.status,
            r.location().unwrap_or_default(),
            r.snippet()
        );
    }
    Ok(())
}

/// One citizen: activation with the code, a passkey, signed in. With `consent`, remembered
/// consent for both clients too. Returns the signed-in browser session and the passkey.
pub async fn activate(
    t: &Target,
    national_id: &str,
    code: &str,
    consent: bool,
) -> anyhow::Result<(Jar, Passkey)> {
    let origin = t.issuer.as_str();
    let origin_url = url::Url::parse(origin)?;
    let mut conn = t.conn();
    let mut jar = Jar::default();
    let r = conn
        .post_form(
            "/activate",
            &[("origin", origin)],
            &[
                ("national_id", national_id),
                ("code", code),
                ("continue", ""),
            ],
        )
        .await?;
    expect(&r, 303, "POST /activate")?;
    jar.update(&r.headers);
    let cookie = jar.header().unwrap_or_default();
    let r = conn
        .post_json(
            "/passkeys/register/start",
            &[("origin", origin), ("cookie", &cookie)],
            &json!({}),
        )
        .await?;
    expect(&r, 200, "POST /passkeys/register/start")?;
    jar.update(&r.headers);
    let options: CreationChallengeResponse =
        serde_json::from_slice(&r.body).context("registration options")?;
    let user_handle = options.public_key.user.id.clone();
    let mut authenticator = SoftPasskey::new(true);
    let credential = authenticator
        .do_registration(origin_url, options)
        .map_err(|e| anyhow::anyhow!("software authenticator, registration: {e:?}"))?;
    let credential_id = credential.raw_id.clone();
    let cookie = jar.header().unwrap_or_default();
    let r = conn
        .post_json(
            "/passkeys/register/finish",
            &[("origin", origin), ("cookie", &cookie)],
            &credential,
        )
        .await?;
    expect(&r, 200, "POST /passkeys/register/finish")?;
    jar.update(&r.headers);
    // The recovery-code offer comes next for a new identity: skipped (it is optional).
    if consent {
        for client in [&t.secret_client, &t.jwt_client] {
            give_consent(t, &mut conn, &mut jar, client).await?;
        }
    }
    Ok((
        jar,
        Passkey {
            authenticator,
            credential_id,
            user_handle,
        },
    ))
}

/// `/authorize` → `/consent` → allow, remembered → `/authorize/resume` → a code (unused).
async fn give_consent(
    t: &Target,
    conn: &mut Conn,
    jar: &mut Jar,
    client: &str,
) -> anyhow::Result<()> {
    let origin = t.issuer.as_str();
    let (_, challenge) = oidc::pkce();
    let state = oidc::random_token(8);
    let cookie = jar.header().unwrap_or_default();
    let r = conn
        .get(
            &t.authorize_request(client, &challenge, &state),
            &[("cookie", &cookie)],
        )
        .await?;
    expect(&r, 303, "GET /authorize (first, for consent)")?;
    jar.update(&r.headers);
    let location = r.location().unwrap_or_default();
    let waiting = location
        .strip_prefix("/consent?continue=")
        .with_context(|| format!("GET /authorize: expected the consent step, got {location}"))?
        .to_owned();
    let cookie = jar.header().unwrap_or_default();
    let r = conn
        .post_form(
            "/consent",
            &[("origin", origin), ("cookie", &cookie)],
            &[
                ("continue", waiting.as_str()),
                ("decision", "allow"),
                ("remember", "yes"),
            ],
        )
        .await?;
    expect(&r, 303, "POST /consent")?;
    jar.update(&r.headers);
    let resume = r.location().unwrap_or_default().to_owned();
    let cookie = jar.header().unwrap_or_default();
    let r = conn.get(&resume, &[("cookie", &cookie)]).await?;
    jar.update(&r.headers);
    t.code_from(&r, &state, "GET /authorize/resume")
        .map_err(|e| anyhow::anyhow!(e))?;
    Ok(())
}

/// Activates `codes.len()` citizens, eight at a time; the first `sessions` also consent.
pub async fn activate_all(
    t: Arc<Target>,
    codes: &[(String, String)],
    sessions: usize,
) -> anyhow::Result<(Vec<Jar>, Vec<Passkey>)> {
    let mut results: Vec<Option<(Jar, Passkey)>> = (0..codes.len()).map(|_| None).collect();
    for (chunk_no, chunk) in codes.chunks(8).enumerate() {
        let mut set = tokio::task::JoinSet::new();
        for (j, (id, code)) in chunk.iter().enumerate() {
            let index = chunk_no * 8 + j;
            let (t, id, code) = (t.clone(), id.clone(), code.clone());
            set.spawn(async move {
                let r = activate(&t, &id, &code, index < sessions).await;
                (index, r)
            });
        }
        while let Some(joined) = set.join_next().await {
            let (index, r) = joined?;
            results[index] = Some(r.with_context(|| format!("setting up citizen {index}"))?);
        }
    }
    let mut jars = vec![];
    let mut passkeys = vec![];
    for (i, (jar, passkey)) in results.into_iter().flatten().enumerate() {
        if i < sessions {
            jars.push(jar);
        }
        passkeys.push(passkey);
    }
    Ok((jars, passkeys))
}

/// One usernameless sign-in ceremony from a fresh browser: begin, the authenticator signs,
/// finish. The software passkey keeps no resident keys, so it is handed the credential id a
/// browser would discover, and the user handle a discoverable credential returns.
pub async fn passkey_sign_in(t: &Target, conn: &mut Conn, key: &mut Passkey) -> Result<(), String> {
    let origin = t.issuer.as_str();
    let r = conn
        .post_json("/passkeys/signin/start", &[("origin", origin)], &json!({}))
        .await
        .map_err(|e| format!("POST /passkeys/signin/start: {e}"))?;
    if r.status != 200 {
        return Err(format!(
            "POST /passkeys/signin/start: {} {}",
            r.status,
            r.snippet()
        ));
    }
    let mut jar = Jar::default();
    jar.update(&r.headers);
    if jar.get("civitas_session").is_none() {
        return Err("POST /passkeys/signin/start: no civitas_session cookie".into());
    }
    let mut options: RequestChallengeResponse = serde_json::from_slice(&r.body)
        .map_err(|e| format!("POST /passkeys/signin/start: options: {e}"))?;
    options.public_key.allow_credentials.push(AllowCredentials {
        type_: "public-key".into(),
        id: key.credential_id.clone(),
        transports: None,
    });
    let origin_url = url::Url::parse(origin).map_err(|e| e.to_string())?;
    let mut assertion = key
        .authenticator
        .do_authentication(origin_url, options)
        .map_err(|e| format!("software authenticator: {e:?}"))?;
    assertion.response.user_handle = Some(key.user_handle.clone());
    let cookie = jar.header().unwrap_or_default();
    let r = conn
        .post_json(
            "/passkeys/signin/finish",
            &[("origin", origin), ("cookie", &cookie)],
            &assertion,
        )
        .await
        .map_err(|e| format!("POST /passkeys/signin/finish: {e}"))?;
    if r.status != 200 {
        return Err(format!(
            "POST /passkeys/signin/finish: {} {}",
            r.status,
            r.snippet()
        ));
    }
    let mut after = jar.clone();
    after.update(&r.headers);
    if after.get("civitas_session") == jar.get("civitas_session") {
        return Err(
            "POST /passkeys/signin/finish: the session id did not change at sign-in".into(),
        );
    }
    Ok(())
}

/// A registry CSV of `rows` generated persons (the demo population's, with new national
/// IDs, as examples/registry_csv.rs writes it). Returns the national IDs in file order.
pub fn write_registry_csv(path: &Path, rows: usize) -> anyhow::Result<Vec<String>> {
    use std::io::Write;
    let people = civitas::demo::population();
    let mut out = csv::Writer::from_writer(std::io::BufWriter::new(std::fs::File::create(path)?));
    out.write_record(civitas::registry::CSV_HEADER)?;
    let mut ids = Vec::with_capacity(rows);
    for i in 0..rows {
        let p = &people[i % people.len()];
        let id = civitas::registry::NationalId::from_digits(300_000_000 + i as u32);
        let birth = p.birth_date.to_string();
        out.write_record([
            id.as_str(),
            &p.family_name,
            &p.given_names,
            &birth,
            p.sex.code(),
            &p.nationality,
            &p.street_address,
            &p.postal_code,
            &p.locality,
            &p.country,
            p.email.as_deref().unwrap_or(""),
            p.phone.as_deref().unwrap_or(""),
        ])?;
        ids.push(id.as_str().to_owned());
    }
    out.into_inner()
        .map_err(|e| anyhow::anyhow!("{e}"))?
        .flush()?;
    Ok(ids)
}

/// `civitas registry import FILE` as a process: (seconds, what it printed).
pub fn import(
    bin: &Path,
    dir: &Path,
    env: &[(String, String)],
    csv: &Path,
) -> anyhow::Result<(f64, String)> {
    let file = csv.display().to_string();
    let (secs, out, _) = procs::run_timed(
        "civitas registry import",
        bin,
        &["registry", "import", &file],
        env,
        dir,
        Duration::from_secs(900),
    )?;
    Ok((secs, out.trim().to_owned()))
}

/// A work folder for one target run, created empty.
pub fn fresh_dir(work: &Path, name: &str) -> anyhow::Result<PathBuf> {
    let dir = work.join(name);
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir)?;
    Ok(dir)
}
