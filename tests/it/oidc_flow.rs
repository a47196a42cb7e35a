//! The whole code flow with a real relying-party library (the `openidconnect` crate): its own
//! discovery, PKCE, token exchange, ID-token verification (ES256 and RS256), userinfo.

use civitas::{
    crypto::{Alg, PrivateKey, jws},
    oidc::clients::ClientRequest,
};
use openidconnect::{
    AccessTokenHash, AuthenticationFlow, AuthorizationCode, ClientId, ClientSecret, CsrfToken,
    IssuerUrl, Nonce, OAuth2TokenResponse, PkceCodeChallenge, RedirectUrl, Scope, TokenResponse,
    core::{
        CoreClient, CoreJwsSigningAlgorithm, CoreProviderMetadata, CoreResponseType,
        CoreUserInfoClaims,
    },
};

use crate::{
    on_both_databases,
    support::{
        TestApp, TestDb,
        oidc::{
            REDIRECT, consent, redirect_query, register, seeded_person, signed_in_browser,
            web_client,
        },
    },
};

on_both_databases!(
    a_relying_party_library_signs_a_citizen_in_with_client_secret_basic_and_es256,
    a_relying_party_library_signs_a_citizen_in_with_private_key_jwt_and_rs256,
);

/// The HTTP client the relying-party library uses: reqwest, no redirects.
pub(crate) fn rp_http() -> impl Fn(
    openidconnect::HttpRequest,
) -> std::pin::Pin<
    Box<dyn std::future::Future<Output = Result<openidconnect::HttpResponse, HttpError>> + Send>,
> {
    let client = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    move |request: openidconnect::HttpRequest| {
        let client = client.clone();
        Box::pin(async move {
            let (parts, body) = request.into_parts();
            let mut req = client
                .request(parts.method, parts.uri.to_string())
                .body(body);
            for (name, value) in &parts.headers {
                req = req.header(name, value);
            }
            let response = req.send().await.map_err(|e| HttpError(e.to_string()))?;
            let mut builder = openidconnect::http::Response::builder().status(response.status());
            for (name, value) in response.headers() {
                builder = builder.header(name, value);
            }
            let bytes = response
                .bytes()
                .await
                .map_err(|e| HttpError(e.to_string()))?;
            builder
                .body(bytes.to_vec())
                .map_err(|e| HttpError(e.to_string()))
        })
    }
}

#[derive(Debug)]
pub(crate) struct HttpError(String);
impl std::fmt::Display for HttpError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}
impl std::error::Error for HttpError {}

pub(crate) async fn discover(app: &TestApp) -> CoreProviderMetadata {
    let http = rp_http();
    CoreProviderMetadata::discover_async(IssuerUrl::new(app.base.clone()).unwrap(), &http)
        .await
        .expect("discovery")
}

async fn a_relying_party_library_signs_a_citizen_in_with_client_secret_basic_and_es256(db: TestDb) {
    let app = TestApp::spawn(&db).await;
    let person = seeded_person(&app).await;
    let (client_id, secret) = register(&app, web_client("Tax Board")).await;
    consent(&app, &person, &client_id, "openid profile email").await;
    let (browser, who) = signed_in_browser(&app, &person, "urn:civitas:loa:substantial").await;

    let http = rp_http();
    let metadata = discover(&app).await;
    let client = CoreClient::from_provider_metadata(
        metadata,
        ClientId::new(client_id.clone()),
        secret.map(ClientSecret::new),
    )
    .set_redirect_uri(RedirectUrl::new(REDIRECT.into()).unwrap());
    let (challenge, verifier) = PkceCodeChallenge::new_random_sha256();
    let (auth_url, csrf, nonce) = client
        .authorize_url(
            AuthenticationFlow::<CoreResponseType>::AuthorizationCode,
            CsrfToken::new_random,
            Nonce::new_random,
        )
        .add_scope(Scope::new("profile".into()))
        .add_scope(Scope::new("email".into()))
        .set_pkce_challenge(challenge)
        .url();

    let answer = redirect_query(&browser, auth_url.as_str()).await;
    assert_eq!(answer.get("state"), Some(csrf.secret()));
    assert_eq!(answer.get("iss"), Some(&app.base), "RFC 9207 iss");
    let tokens = client
        .exchange_code(AuthorizationCode::new(answer["code"].clone()))
        .unwrap()
        .set_pkce_verifier(verifier)
        .request_async(&http)
        .await
        .expect("token exchange");

    let id_token = tokens.id_token().expect("an ID token");
    let verifier = client
        .id_token_verifier()
        .set_allowed_algs(vec![CoreJwsSigningAlgorithm::EcdsaP256Sha256]);
    let claims = id_token
        .claims(&verifier, &nonce)
        .expect("the ID token verifies");
    let expected_hash = AccessTokenHash::from_token(
        tokens.access_token(),
        id_token.signing_alg().unwrap(),
        id_token.signing_key(&verifier).unwrap(),
    )
    .unwrap();
    assert_eq!(claims.access_token_hash(), Some(&expected_hash));
    assert_eq!(
        claims.auth_context_ref().map(|a| a.as_str()),
        Some("urn:civitas:loa:substantial")
    );
    assert_eq!(
        claims.auth_time().map(|t| t.timestamp()),
        Some(who.auth_time)
    );
    assert_eq!(
        claims
            .given_name()
            .and_then(|n| n.get(None))
            .map(|n| n.as_str()),
        Some(civitas::demo::population()[0].given_names.as_str())
    );
    assert!(claims.email().is_some());
    assert!(claims.phone_number().is_none(), "phone was not asked for");
    assert_ne!(
        claims.subject().as_str(),
        person,
        "sub is pairwise, not the internal id"
    );

    let userinfo: CoreUserInfoClaims = client
        .user_info(
            tokens.access_token().clone(),
            Some(claims.subject().clone()),
        )
        .unwrap()
        .request_async(&http)
        .await
        .expect("userinfo");
    assert_eq!(userinfo.subject(), claims.subject());
    assert_eq!(
        userinfo
            .family_name()
            .and_then(|n| n.get(None))
            .map(|n| n.as_str()),
        Some(civitas::demo::population()[0].family_name.as_str())
    );

    // A refresh rotates the refresh token and keeps the same subject.
    let refreshed = client
        .exchange_refresh_token(tokens.refresh_token().unwrap())
        .unwrap()
        .request_async(&http)
        .await
        .expect("refresh");
    assert_ne!(
        refreshed.refresh_token().unwrap().secret(),
        tokens.refresh_token().unwrap().secret()
    );
    app.stop().await;
}

async fn a_relying_party_library_signs_a_citizen_in_with_private_key_jwt_and_rs256(db: TestDb) {
    let app = TestApp::spawn(&db).await;
    let person = seeded_person(&app).await;
    let client_key = PrivateKey::generate(Alg::Es256).unwrap();
    let jwk = client_key.public_jwk();
    let jwks = serde_json::json!({ "keys": [jwk] }).to_string();
    let (client_id, _) = register(
        &app,
        ClientRequest {
            auth_method: Some("private_key_jwt".into()),
            jwks: Some(jwks),
            id_token_alg: Some("RS256".into()),
            ..web_client("Bank")
        },
    )
    .await;
    consent(&app, &person, &client_id, "openid profile").await;
    let (browser, _) = signed_in_browser(&app, &person, "urn:civitas:loa:substantial").await;

    let http = rp_http();
    let metadata = discover(&app).await;
    // No secret: the library sends client_id in the body; the assertion authenticates.
    let client =
        CoreClient::from_provider_metadata(metadata, ClientId::new(client_id.clone()), None)
            .set_auth_type(openidconnect::AuthType::RequestBody)
            .set_redirect_uri(RedirectUrl::new(REDIRECT.into()).unwrap());
    let (challenge, verifier) = PkceCodeChallenge::new_random_sha256();
    let (auth_url, _, nonce) = client
        .authorize_url(
            AuthenticationFlow::<CoreResponseType>::AuthorizationCode,
            CsrfToken::new_random,
            Nonce::new_random,
        )
        .set_pkce_challenge(challenge)
        .url();
    let answer = redirect_query(&browser, auth_url.as_str()).await;

    let now = app.state.clock.now();
    let assertion = jws::sign(
        &jws::Signer::new(&client_key).unwrap(),
        &jwk.kid,
        &serde_json::json!({
            "iss": client_id, "sub": client_id, "aud": app.url("/token"),
            "exp": now + 60, "iat": now, "jti": civitas::crypto::secrets::random_token(16),
        }),
    )
    .unwrap();
    let tokens = client
        .exchange_code(AuthorizationCode::new(answer["code"].clone()))
        .unwrap()
        .set_pkce_verifier(verifier)
        .add_extra_param(
            "client_assertion_type",
            "urn:ietf:params:oauth:client-assertion-type:jwt-bearer",
        )
        .add_extra_param("client_assertion", assertion)
        .request_async(&http)
        .await
        .expect("token exchange with private_key_jwt");
    let id_token = tokens.id_token().unwrap();
    // The library's default accepts RS256 only: this client asked for exactly that.
    let claims = id_token
        .claims(&client.id_token_verifier(), &nonce)
        .expect("RS256 ID token verifies");
    assert_eq!(claims.audiences()[0].as_str(), client_id);
    app.stop().await;
}
