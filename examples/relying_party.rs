//! "Demo Agency": a small relying party that signs citizens in through Civitas with the
//! `openidconnect` crate, the way an agency or a bank would integrate. It shows the verified
//! claims it received.
//!
//! ```sh
//! # 1. Civitas in demo mode registers this app and prints its client secret:
//! cargo run -- serve --demo
//! # 2. In a second terminal, with the secret it printed:
//! cargo run --example relying_party -- --client-secret SECRET
//! # 3. Open http://127.0.0.1:8081 and press "Sign in with Civitas".
//! ```
//!
//! Everything an integrator needs is here: discovery, PKCE (S256), state and nonce, the code
//! exchange with client_secret_basic, ID-token verification (ES256 allowed explicitly: the
//! library's default is RS256 only), the at_hash check, userinfo, and RP-initiated logout.

use std::{collections::HashMap, net::SocketAddr, sync::Arc};

use axum::{
    Router,
    extract::{Query, State},
    http::{HeaderMap, header},
    response::{Html, IntoResponse, Redirect, Response},
    routing::get,
};
use openidconnect::{
    AccessTokenHash, AuthenticationFlow, AuthorizationCode, ClientId, ClientSecret, CsrfToken,
    IssuerUrl, Nonce, OAuth2TokenResponse, PkceCodeChallenge, PkceCodeVerifier,
    PostLogoutRedirectUrl, ProviderMetadataWithLogout, RedirectUrl, Scope, TokenResponse,
    core::{CoreClient, CoreJwsSigningAlgorithm, CoreResponseType, CoreUserInfoClaims},
};
use tokio::sync::Mutex;

/// What the app remembers between the redirect to Civitas and the callback, per browser.
struct PendingLogin {
    csrf: CsrfToken,
    nonce: Nonce,
    verifier: PkceCodeVerifier,
}

/// The client as discovery leaves it: authorization endpoint set, token and userinfo maybe.
type DemoClient = CoreClient<
    openidconnect::EndpointSet,
    openidconnect::EndpointNotSet,
    openidconnect::EndpointNotSet,
    openidconnect::EndpointNotSet,
    openidconnect::EndpointMaybeSet,
    openidconnect::EndpointMaybeSet,
>;

struct AppState {
    client: DemoClient,
    end_session: Option<String>,
    http: reqwest::Client,
    pending: Mutex<HashMap<String, PendingLogin>>,
    signed_in: Mutex<HashMap<String, String>>,
}

#[derive(Debug)]
struct Args {
    issuer: String,
    client_id: String,
    client_secret: String,
    listen: SocketAddr,
}

fn args() -> Result<Args, String> {
    let mut a = Args {
        issuer: "http://localhost:8080".into(),
        client_id: "demo-agency".into(),
        client_secret: String::new(),
        listen: "127.0.0.1:8081".parse().expect("address"),
    };
    let mut it = std::env::args().skip(1);
    while let Some(flag) = it.next() {
        let mut value = || it.next().ok_or(format!("{flag} needs a value"));
        match flag.as_str() {
            "--issuer" => a.issuer = value()?,
            "--client-id" => a.client_id = value()?,
            "--client-secret" => a.client_secret = value()?,
            "--listen" => {
                a.listen = value()?
                    .parse()
                    .map_err(|_| "--listen needs an address".to_owned())?
            }
            "--help" | "-h" => {
                return Err(
                    "usage: relying_party --client-secret SECRET [--client-id demo-agency] \
                            [--issuer http://localhost:8080] [--listen 127.0.0.1:8081]"
                        .into(),
                );
            }
            other => return Err(format!("unknown argument {other} (try --help)")),
        }
    }
    if a.client_secret.is_empty() {
        return Err("--client-secret is required: `civitas serve --demo` prints it".into());
    }
    Ok(a)
}

/// The HTTP client the library uses. No redirects: the library must see every answer.
async fn http_call(
    http: reqwest::Client,
    request: openidconnect::HttpRequest,
) -> Result<openidconnect::HttpResponse, reqwest::Error> {
    let (parts, body) = request.into_parts();
    let mut req = http.request(parts.method, parts.uri.to_string()).body(body);
    for (name, value) in &parts.headers {
        req = req.header(name, value);
    }
    let response = req.send().await?;
    let mut builder = openidconnect::http::Response::builder().status(response.status());
    for (name, value) in response.headers() {
        builder = builder.header(name, value);
    }
    let bytes = response.bytes().await?;
    Ok(builder.body(bytes.to_vec()).expect("a response"))
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let args = args().map_err(|e| anyhow::anyhow!(e))?;
    // TLS for calls to the provider (this project's reqwest carries no default provider).
    let _ = rustls::crypto::ring::default_provider().install_default();
    let http = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()?;
    let call = |r| http_call(http.clone(), r);
    // Discovery: the provider's endpoints and keys, from its issuer URL alone.
    let metadata =
        ProviderMetadataWithLogout::discover_async(IssuerUrl::new(args.issuer.clone())?, &call)
            .await?;
    let end_session = metadata
        .additional_metadata()
        .end_session_endpoint
        .as_ref()
        .map(|u| u.url().to_string());
    let base = format!("http://{}", args.listen);
    let client = CoreClient::from_provider_metadata(
        metadata,
        ClientId::new(args.client_id.clone()),
        Some(ClientSecret::new(args.client_secret.clone())),
    )
    .set_redirect_uri(RedirectUrl::new(format!("{base}/callback"))?);
    let state = Arc::new(AppState {
        client,
        end_session,
        http,
        pending: Mutex::new(HashMap::new()),
        signed_in: Mutex::new(HashMap::new()),
    });
    let app = Router::new()
        .route("/", get(home))
        .route("/login", get(login))
        .route("/callback", get(callback))
        .route("/logout", get(logout))
        .with_state(state);
    let listener = tokio::net::TcpListener::bind(args.listen).await?;
    eprintln!("Demo Agency: open {base}");
    axum::serve(listener, app).await?;
    Ok(())
}

fn page(body: &str) -> Html<String> {
    Html(format!(
        "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\">\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
         <title>Demo Agency</title></head><body><main><h1>Demo Agency</h1>{body}</main></body></html>"
    ))
}

fn escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

fn browser_id(headers: &HeaderMap) -> Option<String> {
    headers
        .get(header::COOKIE)?
        .to_str()
        .ok()?
        .split(';')
        .find_map(|c| c.trim().strip_prefix("demo_agency=").map(str::to_owned))
}

async fn home(State(s): State<Arc<AppState>>, headers: HeaderMap) -> Html<String> {
    let claims = match browser_id(&headers) {
        Some(id) => s.signed_in.lock().await.get(&id).cloned(),
        None => None,
    };
    match claims {
        Some(c) => page(&format!(
            "<p>You are signed in. Civitas released these verified claims:</p><pre>{}</pre>\
             <p><a href=\"/logout\">Sign out</a></p>",
            escape(&c)
        )),
        None => page(
            "<p>Apply for a permit online.</p><p><a href=\"/login\">Sign in with Civitas</a></p>",
        ),
    }
}

/// Sends the browser to Civitas with PKCE, state and nonce.
async fn login(State(s): State<Arc<AppState>>) -> Response {
    let (challenge, verifier) = PkceCodeChallenge::new_random_sha256();
    let (url, csrf, nonce) = s
        .client
        .authorize_url(
            AuthenticationFlow::<CoreResponseType>::AuthorizationCode,
            CsrfToken::new_random,
            Nonce::new_random,
        )
        .add_scope(Scope::new("profile".into()))
        .add_scope(Scope::new("email".into()))
        .set_pkce_challenge(challenge)
        .url();
    let browser = CsrfToken::new_random().secret().clone();
    s.pending.lock().await.insert(
        browser.clone(),
        PendingLogin {
            csrf,
            nonce,
            verifier,
        },
    );
    (
        [(
            header::SET_COOKIE,
            format!("demo_agency={browser}; Path=/; HttpOnly; SameSite=Lax"),
        )],
        Redirect::to(url.as_str()),
    )
        .into_response()
}

/// Back from Civitas: check state, exchange the code, verify the ID token, call userinfo.
async fn callback(
    State(s): State<Arc<AppState>>,
    headers: HeaderMap,
    Query(q): Query<HashMap<String, String>>,
) -> Response {
    let Some(browser) = browser_id(&headers) else {
        return page("<p>Your browser lost its session; start again.</p>").into_response();
    };
    let Some(pending) = s.pending.lock().await.remove(&browser) else {
        return page("<p>No sign-in was started here; start again.</p>").into_response();
    };
    if let Some(error) = q.get("error") {
        let why = q.get("error_description").map(String::as_str).unwrap_or("");
        return page(&format!(
            "<p>Civitas answered {}: {}</p>",
            escape(error),
            escape(why)
        ))
        .into_response();
    }
    if q.get("state") != Some(pending.csrf.secret()) {
        return page("<p>The answer does not belong to this sign-in (state mismatch).</p>")
            .into_response();
    }
    let Some(code) = q.get("code") else {
        return page("<p>The answer has no code.</p>").into_response();
    };
    let call = |r| http_call(s.http.clone(), r);
    let result = async {
        let tokens = s
            .client
            .exchange_code(AuthorizationCode::new(code.clone()))?
            .set_pkce_verifier(pending.verifier)
            .request_async(&call)
            .await?;
        let id_token = tokens
            .id_token()
            .ok_or_else(|| anyhow::anyhow!("no ID token"))?;
        let verifier = s.client.id_token_verifier().set_allowed_algs(vec![
            CoreJwsSigningAlgorithm::EcdsaP256Sha256,
            CoreJwsSigningAlgorithm::RsaSsaPkcs1V15Sha256,
        ]);
        let claims = id_token.claims(&verifier, &pending.nonce)?;
        if let Some(expected) = claims.access_token_hash() {
            let actual = AccessTokenHash::from_token(
                tokens.access_token(),
                id_token.signing_alg()?,
                id_token.signing_key(&verifier)?,
            )?;
            anyhow::ensure!(
                actual == *expected,
                "at_hash does not match the access token"
            );
        }
        let userinfo: CoreUserInfoClaims = s
            .client
            .user_info(
                tokens.access_token().clone(),
                Some(claims.subject().clone()),
            )?
            .request_async(&call)
            .await?;
        Ok::<_, anyhow::Error>((
            serde_json::to_string_pretty(&userinfo)?,
            id_token.to_string(),
        ))
    }
    .await;
    match result {
        Ok((claims, id_token)) => {
            s.signed_in.lock().await.insert(browser.clone(), claims);
            s.signed_in
                .lock()
                .await
                .insert(format!("{browser}.id_token"), id_token);
            Redirect::to("/").into_response()
        }
        Err(e) => page(&format!(
            "<p>Sign-in failed: {}</p>",
            escape(&e.to_string())
        ))
        .into_response(),
    }
}

/// RP-initiated logout: Civitas ends its session too, then sends the browser back here.
async fn logout(State(s): State<Arc<AppState>>, headers: HeaderMap) -> Response {
    let browser = browser_id(&headers).unwrap_or_default();
    let mut signed_in = s.signed_in.lock().await;
    signed_in.remove(&browser);
    let hint = signed_in.remove(&format!("{browser}.id_token"));
    let (Some(end_session), Some(hint)) = (&s.end_session, hint) else {
        return Redirect::to("/").into_response();
    };
    let Ok(mut url) = url::Url::parse(end_session) else {
        return Redirect::to("/").into_response();
    };
    let back = PostLogoutRedirectUrl::new(format!(
        "{}/",
        s.client
            .redirect_uri()
            .map(|r| r.url().origin().ascii_serialization())
            .unwrap_or_default()
    ));
    url.query_pairs_mut().append_pair("id_token_hint", &hint);
    if let Ok(back) = back {
        url.query_pairs_mut()
            .append_pair("post_logout_redirect_uri", back.as_str());
    }
    Redirect::to(url.as_str()).into_response()
}
