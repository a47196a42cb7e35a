//! A FAPI 2.0 relying party in Rust for the refusal tests: its signing and DPoP keys, client
//! assertions, request objects, DPoP proofs, and calls to PAR, the token endpoint and
//! userinfo, each made as a client would and each open to being made wrong on purpose.

use axum::http::HeaderMap;
use base64::{Engine, engine::general_purpose::URL_SAFE_NO_PAD as B64};
use civitas::{
    crypto::secrets::random_token,
    oidc::clients::{self, ClientRequest},
};
use p256::elliptic_curve::sec1::ToSec1Point;
use serde_json::{Value, json};
use sha2::{Digest, Sha256};

use super::{
    TestApp,
    oidc::{REDIRECT, register},
};

pub const JWT_BEARER: &str = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer";

/// A compact JWS signed with `key` (ES256), with `header` as given.
pub fn es256_jws(key: &p256::SecretKey, header: &Value, claims: &Value) -> String {
    use p256::ecdsa::{Signature, SigningKey, signature::Signer as _};
    let input = format!(
        "{}.{}",
        B64.encode(header.to_string()),
        B64.encode(claims.to_string())
    );
    let signature: Signature = SigningKey::from(key).sign(input.as_bytes());
    format!("{input}.{}", B64.encode(signature.to_bytes()))
}

/// The form that redeems `code` with its PKCE `verifier`.
pub fn code_grant<'a>(code: &'a str, verifier: &'a str) -> [(&'static str, &'a str); 4] {
    [
        ("grant_type", "authorization_code"),
        ("code", code),
        ("redirect_uri", REDIRECT),
        ("code_verifier", verifier),
    ]
}

/// A new P-256 key.
pub fn new_key() -> p256::SecretKey {
    loop {
        let mut bytes = [0u8; 32];
        getrandom::fill(&mut bytes).unwrap();
        if let Ok(k) = p256::SecretKey::from_slice(&bytes) {
            return k;
        }
    }
}

/// The public JWK of `key`.
pub fn public_jwk(key: &p256::SecretKey) -> Value {
    let point = key.public_key().to_sec1_point(false);
    json!({
        "kty": "EC",
        "crv": "P-256",
        "x": B64.encode(point.x().unwrap()),
        "y": B64.encode(point.y().unwrap()),
    })
}

/// RFC 7638 thumbprint of an EC key.
pub fn thumbprint(key: &p256::SecretKey) -> String {
    let jwk = public_jwk(key);
    let canonical = format!(
        r#"{{"crv":"P-256","kty":"EC","x":{},"y":{}}}"#,
        jwk["x"], jwk["y"]
    );
    B64.encode(Sha256::digest(canonical.as_bytes()))
}

/// A DPoP proof's variable parts, for making wrong ones.
pub struct ProofSpec<'a> {
    pub htm: &'a str,
    pub htu: String,
    pub iat: i64,
    pub jti: String,
    pub ath: Option<String>,
    pub nonce: Option<String>,
}

/// A registered FAPI 2.0 client and its keys.
pub struct FapiRp {
    pub id: String,
    pub key: p256::SecretKey,
    pub kid: String,
    pub dpop: p256::SecretKey,
}

impl FapiRp {
    /// Registers a FAPI 2.0 client (sandbox, profile and openid), `change` adjusting the
    /// registration.
    pub async fn register(
        app: &TestApp,
        change: impl FnOnce(ClientRequest) -> ClientRequest,
    ) -> Self {
        let key = new_key();
        let kid = "sig-1".to_owned();
        let mut jwk = public_jwk(&key);
        jwk["kid"] = json!(kid);
        jwk["use"] = json!("sig");
        let request = ClientRequest {
            display_name: "Northbank".into(),
            purpose: "To open your account".into(),
            redirect_uris: vec![REDIRECT.into()],
            auth_method: Some("private_key_jwt".into()),
            jwks: Some(json!({ "keys": [jwk] }).to_string()),
            scope: Some("profile".into()),
            grant_types: Some(vec!["authorization_code".into(), "refresh_token".into()]),
            options: clients::OptionsRequest {
                profile: Some("fapi2".into()),
                ..Default::default()
            },
            ..Default::default()
        };
        let (id, _) = register(app, change(request)).await;
        Self {
            id,
            key,
            kid,
            dpop: new_key(),
        }
    }

    /// A client assertion for `aud`, valid from `iat` to `exp`.
    pub fn assertion_with(&self, aud: &str, iat: i64, exp: i64) -> String {
        let header = json!({ "alg": "ES256", "kid": self.kid, "typ": "JWT" });
        let claims = json!({
            "iss": self.id, "sub": self.id, "aud": aud,
            "iat": iat, "exp": exp, "jti": random_token(16),
        });
        es256_jws(&self.key, &header, &claims)
    }

    /// A good FAPI assertion: for the issuer, 60 s.
    pub fn assertion(&self, app: &TestApp) -> String {
        let now = app.state.clock.now();
        self.assertion_with(&app.base, now, now + 60)
    }

    /// A signed request object with the usual parameters, `change` editing the claims.
    pub fn request_object(
        &self,
        app: &TestApp,
        challenge: &str,
        change: impl FnOnce(&mut Value),
    ) -> String {
        let now = app.state.clock.now();
        let mut claims = json!({
            "iss": self.id, "aud": app.base, "client_id": self.id,
            "iat": now, "nbf": now, "exp": now + 300, "jti": random_token(16),
            "response_type": "code", "redirect_uri": REDIRECT, "scope": "openid profile",
            "state": "st4te", "nonce": "n0nce",
            "code_challenge": challenge, "code_challenge_method": "S256",
        });
        change(&mut claims);
        let header = json!({ "alg": "ES256", "kid": self.kid, "typ": "oauth-authz-req+jwt" });
        es256_jws(&self.key, &header, &claims)
    }

    /// A DPoP proof made with `key`.
    pub fn proof_with(key: &p256::SecretKey, spec: ProofSpec<'_>) -> String {
        let header = json!({ "typ": "dpop+jwt", "alg": "ES256", "jwk": public_jwk(key) });
        let mut claims =
            json!({ "jti": spec.jti, "htm": spec.htm, "htu": spec.htu, "iat": spec.iat });
        if let Some(ath) = spec.ath {
            claims["ath"] = json!(ath);
        }
        if let Some(nonce) = spec.nonce {
            claims["nonce"] = json!(nonce);
        }
        es256_jws(key, &header, &claims)
    }

    /// A good proof with the client's DPoP key for `htm` on `path`, with `ath` of `token`.
    pub fn proof(&self, app: &TestApp, htm: &str, path: &str, token: Option<&str>) -> String {
        Self::proof_with(&self.dpop, self.spec(app, htm, path, token))
    }

    /// The parts of a good proof, to change one.
    pub fn spec<'a>(
        &self,
        app: &TestApp,
        htm: &'a str,
        path: &str,
        token: Option<&str>,
    ) -> ProofSpec<'a> {
        ProofSpec {
            htm,
            htu: app.url(path),
            iat: app.state.clock.now(),
            jti: random_token(16),
            ath: token.map(|t| B64.encode(Sha256::digest(t.as_bytes()))),
            nonce: None,
        }
    }

    /// POSTs a form authenticated with a good assertion, with an optional DPoP proof.
    pub async fn post(
        &self,
        app: &TestApp,
        path: &str,
        form: &[(&str, &str)],
        dpop: Option<String>,
    ) -> (u16, Value, HeaderMap) {
        let assertion = self.assertion(app);
        let mut form: Vec<(&str, &str)> = form.to_vec();
        form.extend([
            ("client_assertion_type", JWT_BEARER),
            ("client_assertion", assertion.as_str()),
        ]);
        self.post_raw(app, path, &form, dpop).await
    }

    /// POSTs a form as given (no authentication added).
    pub async fn post_raw(
        &self,
        app: &TestApp,
        path: &str,
        form: &[(&str, &str)],
        dpop: Option<String>,
    ) -> (u16, Value, HeaderMap) {
        let mut request = app.client.post(app.url(path)).form(form);
        if let Some(proof) = dpop {
            request = request.header("DPoP", proof);
        }
        let r = request.send().await.unwrap();
        let status = r.status().as_u16();
        let headers = r.headers().clone();
        let body = r.json().await.unwrap_or(Value::Null);
        (status, body, headers)
    }

    /// Pushes a request object; returns the request_uri.
    pub async fn push(&self, app: &TestApp, challenge: &str, dpop: bool) -> String {
        let object = self.request_object(app, challenge, |_| {});
        let proof = dpop.then(|| self.proof(app, "POST", "/par", None));
        let (status, body, _) = self
            .post(
                app,
                "/par",
                &[("client_id", &self.id), ("request", &object)],
                proof,
            )
            .await;
        assert_eq!(status, 201, "{body}");
        assert_eq!(body["expires_in"], 60, "{body}");
        body["request_uri"].as_str().unwrap().to_owned()
    }

    /// The authorization URL for a pushed request.
    pub fn authorize_url(&self, app: &TestApp, request_uri: &str) -> String {
        let query = url::form_urlencoded::Serializer::new(String::new())
            .extend_pairs([
                ("client_id", self.id.as_str()),
                ("request_uri", request_uri),
            ])
            .finish();
        app.url(&format!("/authorize?{query}"))
    }

    /// Redeems a code with a DPoP proof of the client's key.
    pub async fn redeem(
        &self,
        app: &TestApp,
        code: &str,
        verifier: &str,
    ) -> (u16, Value, HeaderMap) {
        let proof = self.proof(app, "POST", "/token", None);
        self.post(app, "/token", &code_grant(code, verifier), Some(proof))
            .await
    }

    /// Calls userinfo with `Authorization: {scheme} {token}` and an optional proof.
    pub async fn userinfo(
        &self,
        app: &TestApp,
        scheme: &str,
        token: &str,
        dpop: Option<String>,
    ) -> (u16, String, HeaderMap) {
        let mut request = app
            .client
            .get(app.url("/userinfo"))
            .header("authorization", format!("{scheme} {token}"));
        if let Some(proof) = dpop {
            request = request.header("DPoP", proof);
        }
        let r = request.send().await.unwrap();
        let status = r.status().as_u16();
        let headers = r.headers().clone();
        (status, r.text().await.unwrap(), headers)
    }
}
