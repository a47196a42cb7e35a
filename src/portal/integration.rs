//! "Copy-paste integration": a client's settings and the discovery URL, complete code-flow
//! snippets for Rust (`openidconnect`), Node (`openid-client`) and Python (Authlib) filled with
//! the client's own values, and the claim catalogue (`oidc::claims::claim_catalogue`).
//!
//! The snippets are askama text templates (`templates/portal/snippets/`), rendered unescaped
//! as code and then escaped once by the page. They never hold a secret: a client secret is
//! read from `CIVITAS_CLIENT_SECRET`, a private key from `client-key.pem`.

use askama::Template;
use askama_web::WebTemplate;
use axum::{
    Extension,
    extract::{Path, State},
};

use super::{Action, Developer, client_for};
use crate::{
    config::Issuer,
    error::AppError,
    oidc::claims::{CatalogueEntry, claim_catalogue},
    state::AppState,
    store::clients::{self, ClientRow},
    web::{i18n::Lang, pages::Layout},
};

/// The values every snippet is filled with.
pub struct SnippetValues {
    pub issuer: String,
    pub discovery_url: String,
    pub client_id: String,
    /// The first registered redirect URI.
    pub redirect_uri: String,
    /// Every registered scope, `openid` first, space-separated.
    pub scopes: String,
    pub auth_method: String,
    pub id_token_alg: String,
    /// For `private_key_jwt`: the assertion's algorithm and key id, from the registered JWKS.
    pub assertion_alg: &'static str,
    pub kid: Option<String>,
    pub is_https: bool,
}

impl SnippetValues {
    pub fn of(client: &ClientRow, redirect_uri: &str, issuer: &Issuer) -> Self {
        let (assertion_alg, kid) = assertion_key(client.jwks.as_deref());
        let mut scopes = vec!["openid"];
        scopes.extend(
            client
                .scopes
                .split(' ')
                .filter(|s| !s.is_empty() && *s != "openid"),
        );
        SnippetValues {
            issuer: issuer.as_str().to_owned(),
            discovery_url: issuer.endpoint("/.well-known/openid-configuration"),
            client_id: client.id.clone(),
            redirect_uri: redirect_uri.to_owned(),
            scopes: scopes.join(" "),
            auth_method: client.auth_method.clone(),
            id_token_alg: client.id_token_alg.clone(),
            assertion_alg,
            kid,
            is_https: issuer.is_https(),
        }
    }

    pub fn is_private_key_jwt(&self) -> bool {
        self.auth_method == "private_key_jwt"
    }

    /// A string literal of `s`, the same in Rust, JavaScript and Python: a registered
    /// redirect URI is normalised but may still hold a quote or a backslash.
    fn literal(s: &str) -> String {
        format!("\"{}\"", s.replace('\\', "\\\\").replace('"', "\\\""))
    }

    pub fn issuer_literal(&self) -> String {
        Self::literal(&self.issuer)
    }

    pub fn client_id_literal(&self) -> String {
        Self::literal(&self.client_id)
    }

    pub fn redirect_uri_literal(&self) -> String {
        Self::literal(&self.redirect_uri)
    }

    pub fn discovery_url_literal(&self) -> String {
        Self::literal(&self.discovery_url)
    }

    /// The scopes a library adds to `openid` itself.
    pub fn extra_scopes(&self) -> Vec<&str> {
        self.scopes.split(' ').skip(1).collect()
    }
}

/// The algorithm and key id a client assertion should use: those of the first key of the
/// registered JWKS (RSA: RS256, else ES256). A client with a `jwks_uri` gets ES256, the
/// default, and no `kid` (Civitas then tries each key of the right type).
fn assertion_key(jwks: Option<&str>) -> (&'static str, Option<String>) {
    let first = jwks
        .and_then(|j| serde_json::from_str::<serde_json::Value>(j).ok())
        .and_then(|j| j["keys"].get(0).cloned());
    let Some(key) = first else {
        return ("ES256", None);
    };
    let alg = if key["kty"] == "RSA" {
        "RS256"
    } else {
        "ES256"
    };
    (alg, key["kid"].as_str().map(str::to_owned))
}

#[derive(Template)]
#[template(path = "portal/snippets/rust.txt")]
pub struct RustSnippet<'a> {
    pub v: &'a SnippetValues,
}

#[derive(Template)]
#[template(path = "portal/snippets/node.txt")]
pub struct NodeSnippet<'a> {
    pub v: &'a SnippetValues,
}

#[derive(Template)]
#[template(path = "portal/snippets/python.txt")]
pub struct PythonSnippet<'a> {
    pub v: &'a SnippetValues,
}

/// One snippet on the page.
pub struct Snippet {
    /// The element id (for the heading's anchor and the code's label).
    pub id: &'static str,
    /// The language and library: names, the same in every language.
    pub heading: &'static str,
    pub intro: &'static str,
    pub code: String,
}

#[derive(Template, WebTemplate)]
#[template(path = "portal/integration.html")]
pub struct IntegrationPage {
    pub layout: Layout,
    pub client: ClientRow,
    pub values: SnippetValues,
    pub redirect_uris: Vec<String>,
    pub snippets: Vec<Snippet>,
    pub catalogue: &'static [CatalogueEntry],
}

/// `GET /portal/clients/{id}/integration`: for any member of the client's organisation.
pub async fn integration(
    State(state): State<AppState>,
    Extension(who): Extension<Developer>,
    lang: Lang,
    Path(id): Path<String>,
) -> Result<IntegrationPage, AppError> {
    let (client, _) = client_for(&state, &who, &id, Action::Read).await?;
    let redirect_uris = clients::find_client_redirect_uris(&state.db, &id, "login").await?;
    let values = SnippetValues::of(
        &client,
        redirect_uris.first().map_or("", String::as_str),
        &state.config.issuer,
    );
    let render = |r: askama::Result<String>| {
        r.map_err(|e| AppError::Internal(anyhow::anyhow!("integration snippet: {e}")))
    };
    let p = &lang.catalogue().portal;
    let snippets = vec![
        Snippet {
            id: "rust",
            heading: "Rust: openidconnect 4.1",
            intro: p.snippet_rust_intro,
            code: render(RustSnippet { v: &values }.render())?,
        },
        Snippet {
            id: "node",
            heading: "Node.js: openid-client 6",
            intro: p.snippet_node_intro,
            code: render(NodeSnippet { v: &values }.render())?,
        },
        Snippet {
            id: "python",
            heading: "Python: Authlib",
            intro: p.snippet_python_intro,
            code: render(PythonSnippet { v: &values }.render())?,
        },
    ];
    Ok(IntegrationPage {
        layout: Layout::new(lang, "/portal"),
        client,
        values,
        redirect_uris,
        snippets,
        catalogue: claim_catalogue(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_value_becomes_a_string_literal_in_every_snippet_language() {
        assert_eq!(
            SnippetValues::literal("https://a.example/cb"),
            r#""https://a.example/cb""#
        );
        assert_eq!(SnippetValues::literal(r#"a"b\c"#), r#""a\"b\\c""#);
    }

    #[test]
    fn a_client_assertion_uses_the_registered_key_type_and_kid() {
        let ec = r#"{"keys":[{"kty":"EC","crv":"P-256","x":"a","y":"b","kid":"k1"}]}"#;
        assert_eq!(assertion_key(Some(ec)), ("ES256", Some("k1".into())));
        let rsa = r#"{"keys":[{"kty":"RSA","n":"a","e":"AQAB"}]}"#;
        assert_eq!(assertion_key(Some(rsa)), ("RS256", None));
        assert_eq!(assertion_key(None), ("ES256", None));
    }
}
