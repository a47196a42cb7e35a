//! The peer (bench/peer: panva's oidc-provider): started with Node as its README says, its
//! sessions signed in through its auto-approving interaction, one cookie jar per citizen.

use std::{path::Path, sync::Arc, time::Duration};

use anyhow::Context as _;

use crate::{
    http::{Conn, Jar},
    oidc::{self, ClientKey, Kind, Target},
    procs::Server,
};

pub const REDIRECT_URI: &str = "http://127.0.0.1:9/cb";
pub const SECRET_CLIENT: &str = "bench-secret";
pub const SECRET: &str = "bench-secret-0123456789abcdef0123456789abcdef";
pub const JWT_CLIENT: &str = "bench-jwt";

/// `NODE_ENV=production PORT=0 BENCH_JWKS=FILE node server.mjs`; returns the server and its port.
pub fn start(peer_dir: &Path, jwks_file: &Path, log: &Path) -> anyhow::Result<(Server, u16)> {
    let mut cmd = std::process::Command::new("node");
    cmd.arg("server.mjs")
        .current_dir(peer_dir)
        .env("NODE_ENV", "production")
        .env("PORT", "0")
        .env("BENCH_JWKS", jwks_file)
        .env_remove("DEBUG");
    let mut server = Server::spawn("peer (node server.mjs)", cmd, log, true)?;
    let line = server.wait_for_line("listening ", Duration::from_secs(30))?;
    let port = line
        .rsplit(':')
        .next()
        .and_then(|p| p.trim().trim_end_matches('/').parse().ok())
        .with_context(|| format!("peer: cannot read the port from `{line}`"))?;
    Ok((server, port))
}

pub async fn target(port: u16, key: Arc<ClientKey>) -> anyhow::Result<Target> {
    let addr = std::net::SocketAddr::from(([127, 0, 0, 1], port));
    let host = format!("127.0.0.1:{port}");
    let e = oidc::discover(&mut Conn::new(addr, &host)).await?;
    Ok(Target {
        kind: Kind::Peer,
        addr,
        issuer: format!("http://{host}"),
        host,
        authorize_path: e.authorize_path,
        token_path: e.token_path,
        token_endpoint: e.token_endpoint,
        userinfo_path: e.userinfo_path,
        jwks_path: e.jwks_path,
        redirect_uri: REDIRECT_URI.into(),
        secret_client: SECRET_CLIENT.into(),
        secret: SECRET.into(),
        jwt_client: JWT_CLIENT.into(),
        key,
        sessions: vec![],
    })
}

/// Signs citizen-N in (auto-approved interaction) and grants both clients, following the
/// peer's redirects with the jar: `/auth` → `/interaction/<uid>` → `/auth/<uid>` → code.
pub async fn sign_in(t: &Target, n: usize) -> anyhow::Result<Jar> {
    let mut conn = t.conn();
    let mut jar = Jar::default();
    for client in [t.secret_client.as_str(), t.jwt_client.as_str()] {
        let (_, challenge) = oidc::pkce();
        let state = oidc::random_token(8);
        let mut path = format!(
            "{}&login_hint=citizen-{n}",
            t.authorize_request(client, &challenge, &state)
        );
        let mut done = false;
        for _ in 0..6 {
            let cookie = jar.header().unwrap_or_default();
            let r = conn.get(&path, &[("cookie", &cookie)]).await?;
            jar.update(&r.headers);
            let location = r.location().unwrap_or_default().to_owned();
            if location.starts_with(&t.redirect_uri) {
                t.code_from(&r, &state, "peer sign-in")
                    .map_err(|e| anyhow::anyhow!(e))?;
                done = true;
                break;
            }
            if !(300..400).contains(&r.status) {
                anyhow::bail!("peer sign-in: {} {} at {path}", r.status, r.snippet());
            }
            path = match location.strip_prefix(&t.issuer) {
                Some(p) => p.to_owned(),
                None if location.starts_with('/') => location,
                None => anyhow::bail!("peer sign-in: redirect to {location}"),
            };
        }
        if !done {
            anyhow::bail!("peer sign-in: too many redirects");
        }
    }
    Ok(jar)
}
