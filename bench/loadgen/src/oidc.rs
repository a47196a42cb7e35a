//! The relying party's side of the flows, the same for Civitas and the peer: authorization
//! request with PKCE, code redemption (client_secret_basic or private_key_jwt), refresh,
//! userinfo. Each step returns a short error text (endpoint, status, body) on anything but the
//! expected answer.

use std::{
    net::SocketAddr,
    time::{SystemTime, UNIX_EPOCH},
};

use base64::{
    Engine,
    engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD as B64},
};
use p256::ecdsa::{Signature, SigningKey, signature::Signer as _};
use serde_json::{Value, json};
use sha2::{Digest, Sha256};

use crate::http::{Conn, Jar, Resp};

pub fn now() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs() as i64)
        .unwrap_or(0)
}

/// `n` random bytes, base64url.
pub fn random_token(n: usize) -> String {
    let mut bytes = vec![0u8; n];
    getrandom::fill(&mut bytes).expect("the operating system's random source failed");
    B64.encode(bytes)
}

/// A PKCE verifier and its S256 challenge.
pub fn pkce() -> (String, String) {
    let verifier = random_token(32);
    let challenge = B64.encode(Sha256::digest(verifier.as_bytes()));
    (verifier, challenge)
}

/// The private_key_jwt client's ES256 key, held by the load generator.
pub struct ClientKey {
    key: SigningKey,
    pub kid: String,
    /// The public JWK (with kid, alg, use).
    pub public_jwk: Value,
}

impl ClientKey {
    pub fn generate() -> Self {
        let secret = loop {
            let mut bytes = [0u8; 32];
            getrandom::fill(&mut bytes).expect("random");
            if let Ok(k) = p256::SecretKey::from_slice(&bytes) {
                break k;
            }
        };
        use p256::elliptic_curve::sec1::ToSec1Point;
        let point = secret.public_key().to_sec1_point(false);
        let x = point
            .x()
            .map(|v| B64.encode(v.as_slice()))
            .unwrap_or_default();
        let y = point
            .y()
            .map(|v| B64.encode(v.as_slice()))
            .unwrap_or_default();
        let kid = "bench-client-key-1".to_owned();
        Self {
            key: SigningKey::from(&secret),
            public_jwk: json!({
                "kty": "EC", "crv": "P-256", "x": x, "y": y,
                "kid": kid, "alg": "ES256", "use": "sig",
            }),
            kid,
        }
    }

    pub fn jwks(&self) -> Value {
        json!({ "keys": [self.public_jwk] })
    }

    /// A client assertion (RFC 7523): iss = sub = client_id, aud = the token endpoint, a
    /// fresh jti, one minute to live.
    pub fn assertion(&self, client_id: &str, audience: &str) -> String {
        let now = now();
        let header = json!({ "alg": "ES256", "typ": "JWT", "kid": self.kid });
        let claims = json!({
            "iss": client_id, "sub": client_id, "aud": audience,
            "jti": random_token(16), "iat": now, "exp": now + 60,
        });
        let mut out = String::with_capacity(512);
        B64.encode_string(header.to_string(), &mut out);
        out.push('.');
        B64.encode_string(claims.to_string(), &mut out);
        let signature: Signature = self.key.sign(out.as_bytes());
        out.push('.');
        B64.encode_string(signature.to_bytes(), &mut out);
        out
    }
}

/// Which server.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    CivitasSqlite,
    CivitasPostgres,
    Peer,
}

impl Kind {
    pub fn id(self) -> &'static str {
        match self {
            Kind::CivitasSqlite => "civitas-sqlite",
            Kind::CivitasPostgres => "civitas-postgres",
            Kind::Peer => "peer",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Kind::CivitasSqlite => "Civitas SQLite",
            Kind::CivitasPostgres => "Civitas PostgreSQL",
            Kind::Peer => "peer (oidc-provider)",
        }
    }

    pub fn is_civitas(self) -> bool {
        self != Kind::Peer
    }
}

/// A server ready for the scenarios: where it is, its endpoints (from discovery), its clients
/// and its signed-in sessions.
#[derive(Clone)]
pub struct Target {
    pub kind: Kind,
    pub addr: SocketAddr,
    pub host: String,
    pub issuer: String,
    pub authorize_path: String,
    pub token_path: String,
    /// The token endpoint's URL: the audience of client assertions.
    pub token_endpoint: String,
    pub userinfo_path: String,
    pub jwks_path: String,
    pub redirect_uri: String,
    pub secret_client: String,
    pub secret: String,
    pub jwt_client: String,
    pub key: std::sync::Arc<ClientKey>,
    /// Browser sessions signed in as different citizens; worker i uses session i % len.
    pub sessions: Vec<Jar>,
}

impl Target {
    pub fn conn(&self) -> Conn {
        Conn::new(self.addr, &self.host)
    }

    /// The path-and-query of an authorization request for `client_id`.
    pub fn authorize_request(&self, client_id: &str, challenge: &str, state: &str) -> String {
        let mut q = url::form_urlencoded::Serializer::new(String::new());
        q.append_pair("response_type", "code")
            .append_pair("client_id", client_id)
            .append_pair("redirect_uri", &self.redirect_uri)
            .append_pair("scope", "openid profile")
            .append_pair("state", state)
            .append_pair("nonce", &random_token(8))
            .append_pair("code_challenge", challenge)
            .append_pair("code_challenge_method", "S256");
        format!("{}?{}", self.authorize_path, q.finish())
    }

    fn basic(&self) -> String {
        let enc = |s: &str| url::form_urlencoded::byte_serialize(s.as_bytes()).collect::<String>();
        format!(
            "Basic {}",
            STANDARD.encode(format!(
                "{}:{}",
                enc(&self.secret_client),
                enc(&self.secret)
            ))
        )
    }

    /// Reads the callback redirect of an authorization response: the code, checking `state`.
    pub fn code_from(&self, r: &Resp, state: &str, what: &str) -> Result<String, String> {
        let location = r.location().unwrap_or_default();
        if !(r.status == 302 || r.status == 303) || !location.starts_with(&self.redirect_uri) {
            return Err(format!(
                "{what}: expected a redirect to the client, got {} {location} {}",
                r.status,
                r.snippet()
            ));
        }
        let url = url::Url::parse(location).map_err(|e| format!("{what}: {e}"))?;
        let mut code = None;
        let mut got_state = None;
        for (k, v) in url.query_pairs() {
            match &*k {
                "code" => code = Some(v.into_owned()),
                "state" => got_state = Some(v.into_owned()),
                "error" => return Err(format!("{what}: error redirect {location}")),
                _ => {}
            }
        }
        if got_state.as_deref() != Some(state) {
            return Err(format!("{what}: state not echoed"));
        }
        code.ok_or_else(|| format!("{what}: no code in {location}"))
    }

    /// `GET /authorize` with a signed-in session: the code at once (consent given before).
    pub async fn authorize(
        &self,
        conn: &mut Conn,
        jar: &mut Jar,
        client_id: &str,
    ) -> Result<(String, String), String> {
        let (verifier, challenge) = pkce();
        let state = random_token(8);
        let path = self.authorize_request(client_id, &challenge, &state);
        let cookie = jar.header().unwrap_or_default();
        let r = conn
            .get(&path, &[("cookie", &cookie)])
            .await
            .map_err(|e| format!("GET {}: {e}", self.authorize_path))?;
        jar.update(&r.headers);
        let code = self.code_from(&r, &state, &format!("GET {}", self.authorize_path))?;
        Ok((code, verifier))
    }

    async fn token(
        &self,
        conn: &mut Conn,
        basic: bool,
        form: &[(&str, &str)],
    ) -> Result<Value, String> {
        let auth = if basic { self.basic() } else { String::new() };
        let headers: &[(&str, &str)] = if basic {
            &[("authorization", &auth)]
        } else {
            &[]
        };
        let r = conn
            .post_form(&self.token_path, headers, form)
            .await
            .map_err(|e| format!("POST {}: {e}", self.token_path))?;
        if r.status != 200 {
            return Err(format!(
                "POST {} ({}): {} {}",
                self.token_path,
                form.first().map(|(_, v)| *v).unwrap_or(""),
                r.status,
                r.snippet()
            ));
        }
        let body = r.json()?;
        if body["access_token"].as_str().is_none() || body["id_token"].as_str().is_none() {
            return Err(format!(
                "POST {}: 200 without access_token and id_token: {}",
                self.token_path,
                r.snippet()
            ));
        }
        Ok(body)
    }

    /// Redeems a code as the client_secret_basic client.
    pub async fn redeem_with_secret(
        &self,
        conn: &mut Conn,
        code: &str,
        verifier: &str,
    ) -> Result<Value, String> {
        self.token(
            conn,
            true,
            &[
                ("grant_type", "authorization_code"),
                ("code", code),
                ("redirect_uri", &self.redirect_uri),
                ("code_verifier", verifier),
            ],
        )
        .await
    }

    /// Redeems a code as the private_key_jwt client (a fresh ES256 assertion).
    pub async fn redeem_with_jwt(
        &self,
        conn: &mut Conn,
        code: &str,
        verifier: &str,
    ) -> Result<Value, String> {
        let assertion = self.key.assertion(&self.jwt_client, &self.token_endpoint);
        self.token(
            conn,
            false,
            &[
                ("grant_type", "authorization_code"),
                ("code", code),
                ("redirect_uri", &self.redirect_uri),
                ("code_verifier", verifier),
                ("client_id", &self.jwt_client),
                (
                    "client_assertion_type",
                    "urn:ietf:params:oauth:client-assertion-type:jwt-bearer",
                ),
                ("client_assertion", &assertion),
            ],
        )
        .await
    }

    /// One refresh (client_secret_basic); returns the rotated refresh token.
    pub async fn refresh(&self, conn: &mut Conn, refresh_token: &str) -> Result<String, String> {
        let body = self
            .token(
                conn,
                true,
                &[
                    ("grant_type", "refresh_token"),
                    ("refresh_token", refresh_token),
                ],
            )
            .await?;
        body["refresh_token"]
            .as_str()
            .map(str::to_owned)
            .ok_or_else(|| {
                format!(
                    "POST {}: refresh without a new refresh_token",
                    self.token_path
                )
            })
    }

    /// `GET /userinfo` (Civitas) or `/me` (peer) with the access token.
    pub async fn userinfo(&self, conn: &mut Conn, access_token: &str) -> Result<(), String> {
        let auth = format!("Bearer {access_token}");
        let r = conn
            .get(&self.userinfo_path, &[("authorization", &auth)])
            .await
            .map_err(|e| format!("GET {}: {e}", self.userinfo_path))?;
        if r.status != 200 {
            return Err(format!(
                "GET {}: {} {}",
                self.userinfo_path,
                r.status,
                r.snippet()
            ));
        }
        let body = r.json()?;
        if body["sub"].as_str().is_none() {
            return Err(format!(
                "GET {}: no sub: {}",
                self.userinfo_path,
                r.snippet()
            ));
        }
        Ok(())
    }

    /// A whole sign-in as the secret client: authorize, redeem; returns the token response.
    pub async fn sso_tokens(&self, conn: &mut Conn, jar: &mut Jar) -> Result<Value, String> {
        let (code, verifier) = self.authorize(conn, jar, &self.secret_client).await?;
        self.redeem_with_secret(conn, &code, &verifier).await
    }
}

/// Endpoints from a discovery document, as paths on the server plus the token endpoint URL.
pub struct Endpoints {
    pub authorize_path: String,
    pub token_path: String,
    pub token_endpoint: String,
    pub userinfo_path: String,
    pub jwks_path: String,
}

pub async fn discover(conn: &mut Conn) -> anyhow::Result<Endpoints> {
    let r = conn.get("/.well-known/openid-configuration", &[]).await?;
    if r.status != 200 {
        anyhow::bail!("discovery: {} {}", r.status, r.snippet());
    }
    let d = r.json().map_err(|e| anyhow::anyhow!("discovery: {e}"))?;
    let path = |name: &str| -> anyhow::Result<String> {
        let url = d[name]
            .as_str()
            .ok_or_else(|| anyhow::anyhow!("discovery has no {name}"))?;
        Ok(url::Url::parse(url)?.path().to_owned())
    };
    Ok(Endpoints {
        authorize_path: path("authorization_endpoint")?,
        token_path: path("token_endpoint")?,
        token_endpoint: d["token_endpoint"].as_str().unwrap_or_default().to_owned(),
        userinfo_path: path("userinfo_endpoint")?,
        jwks_path: path("jwks_uri")?,
    })
}
