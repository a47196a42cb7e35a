//! `GET /portal/clients/{id}/test-signin`: a real code flow with a sandbox client, run by its
//! developer. The page makes an authorization request (fresh `state`, `nonce` and PKCE S256)
//! for the client's first redirect URI and shows the `code_verifier` with the exact `curl`
//! command that redeems the code at `/token`. The developer follows the link, is offered the
//! test persons (their own identity is real, so the sandbox refuses it: see
//! `authn::test_persons`), and their own callback receives the code. Nothing is stored: the
//! page itself holds the verifier.

use askama::Template;
use askama_web::WebTemplate;
use axum::{
    Extension,
    extract::{Path, State},
};

use super::{Action, Developer, client_for};
use crate::{
    crypto::secrets::{random_token, sha256_b64},
    error::AppError,
    oidc::{
        claims::{scope_set, scope_string},
        clients::AuthMethod,
        tokens::CODE_LIFETIME,
    },
    state::AppState,
    store::clients::{self, ClientRow},
    web::{i18n::Lang, pages::Layout},
};

#[derive(Template, WebTemplate)]
#[template(path = "portal/test_signin.html")]
pub struct TestSigninPage {
    pub layout: Layout,
    pub client: ClientRow,
    pub redirect_uri: String,
    pub scope: String,
    pub state: String,
    pub nonce: String,
    pub code_verifier: String,
    pub code_challenge: String,
    pub authorization_url: String,
    pub token_endpoint: String,
    /// What the callback receives as `iss` (RFC 9207).
    pub issuer: String,
    /// The client authenticates with `private_key_jwt`: the command needs an assertion.
    pub needs_assertion: bool,
    /// The `curl` command that redeems the code.
    pub command: String,
    pub code_lifetime: i64,
}

/// `GET /portal/clients/{id}/test-signin` (sandbox clients; a production client's is 404).
pub async fn test_signin_page(
    State(state): State<AppState>,
    Extension(who): Extension<Developer>,
    lang: Lang,
    Path(id): Path<String>,
) -> Result<TestSigninPage, AppError> {
    let (client, _) = client_for(&state, &who, &id, Action::Test).await?;
    // Test persons sign in to sandbox clients only: a production client has no test sign-in.
    if !client.is_sandbox() {
        return Err(AppError::NotFound);
    }
    let redirect_uri = clients::find_client_redirect_uris(&state.db, &id, "login")
        .await?
        .into_iter()
        .next()
        .ok_or_else(|| AppError::BadRequest(lang.catalogue().portal.no_redirect_uri.into()))?;
    let mut scopes = scope_set(&client.scopes);
    scopes.insert("openid".to_owned());
    let scope = scope_string(&scopes);
    let (request_state, nonce) = (random_token(16), random_token(16));
    // RFC 7636 §4.1–4.2: 32 random bytes make a 43-character verifier; S256 challenge.
    let code_verifier = random_token(32);
    let code_challenge = sha256_b64(&code_verifier);
    let query = url::form_urlencoded::Serializer::new(String::new())
        .append_pair("response_type", "code")
        .append_pair("client_id", &client.id)
        .append_pair("redirect_uri", &redirect_uri)
        .append_pair("scope", &scope)
        .append_pair("state", &request_state)
        .append_pair("nonce", &nonce)
        .append_pair("code_challenge", &code_challenge)
        .append_pair("code_challenge_method", "S256")
        .finish();
    let authorization_url = format!("{}?{query}", state.config.issuer.endpoint("/authorize"));
    let token_endpoint = state.config.issuer.endpoint("/token");
    let method = AuthMethod::parse(&client.auth_method).unwrap_or(AuthMethod::ClientSecretBasic);
    let command = token_command(
        &token_endpoint,
        &client.id,
        method,
        &redirect_uri,
        &code_verifier,
    );
    Ok(TestSigninPage {
        layout: Layout::new(lang, &format!("/portal/clients/{id}/test-signin")),
        redirect_uri,
        scope,
        state: request_state,
        nonce,
        code_verifier,
        code_challenge,
        authorization_url,
        token_endpoint,
        issuer: state.config.issuer.as_str().to_owned(),
        needs_assertion: method == AuthMethod::PrivateKeyJwt,
        command,
        code_lifetime: CODE_LIFETIME,
        client,
    })
}

/// The `curl` command that redeems a code (in `$CODE`) at the token endpoint, authenticating
/// as the client does: the secret (`$CLIENT_SECRET`) in HTTP Basic or in the form, or a
/// signed assertion (`$CLIENT_ASSERTION`).
fn token_command(
    token_endpoint: &str,
    client_id: &str,
    method: AuthMethod,
    redirect_uri: &str,
    code_verifier: &str,
) -> String {
    let mut lines = vec![format!("curl -sS {}", shell_word(token_endpoint))];
    match method {
        AuthMethod::ClientSecretBasic => {
            lines.push(format!("-u {}:\"$CLIENT_SECRET\"", shell_word(client_id)));
        }
        AuthMethod::ClientSecretPost => {
            lines.push(format!("-d client_id={}", shell_word(client_id)));
            lines.push("--data-urlencode \"client_secret=$CLIENT_SECRET\"".to_owned());
        }
        AuthMethod::PrivateKeyJwt => {
            lines.push(format!("-d client_id={}", shell_word(client_id)));
            lines.push(
                "-d client_assertion_type=urn:ietf:params:oauth:client-assertion-type:jwt-bearer"
                    .to_owned(),
            );
            lines.push("--data-urlencode \"client_assertion=$CLIENT_ASSERTION\"".to_owned());
        }
    }
    lines.push("-d grant_type=authorization_code".to_owned());
    lines.push("--data-urlencode \"code=$CODE\"".to_owned());
    lines.push(format!(
        "--data-urlencode {}",
        shell_word(&format!("redirect_uri={redirect_uri}"))
    ));
    lines.push(format!("-d code_verifier={}", shell_word(code_verifier)));
    lines.join(" \\\n  ")
}

/// `s` as one shell word: bare when it has only characters no shell treats specially, else in
/// single quotes (a single quote inside becomes `'\''`).
fn shell_word(s: &str) -> String {
    let plain = |c: char| c.is_ascii_alphanumeric() || "._~:/@%+=,-".contains(c);
    if !s.is_empty() && s.chars().all(plain) {
        s.to_owned()
    } else {
        format!("'{}'", s.replace('\'', r"'\''"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_command_quotes_what_a_shell_would_split_or_expand() {
        assert_eq!(shell_word("abc-123_x"), "abc-123_x");
        assert_eq!(
            shell_word("redirect_uri=https://rp.example/cb?a=1&b=2"),
            "'redirect_uri=https://rp.example/cb?a=1&b=2'"
        );
        assert_eq!(shell_word("it's"), r"'it'\''s'");
        assert_eq!(shell_word("$HOME"), "'$HOME'");
    }

    #[test]
    fn the_command_authenticates_as_the_client_does() {
        let cmd = |m| token_command("https://id.example/token", "c1", m, "https://rp/cb", "v");
        let basic = cmd(AuthMethod::ClientSecretBasic);
        assert!(basic.contains("-u c1:\"$CLIENT_SECRET\""), "{basic}");
        assert!(!basic.contains("client_secret="));
        let post = cmd(AuthMethod::ClientSecretPost);
        assert!(post.contains("-d client_id=c1"), "{post}");
        assert!(post.contains("\"client_secret=$CLIENT_SECRET\""), "{post}");
        assert!(!post.contains("-u "));
        let jwt = cmd(AuthMethod::PrivateKeyJwt);
        assert!(
            jwt.contains("\"client_assertion=$CLIENT_ASSERTION\""),
            "{jwt}"
        );
        assert!(!jwt.contains("CLIENT_SECRET"));
        for c in [basic, post, jwt] {
            assert!(
                c.starts_with("curl -sS https://id.example/token \\\n"),
                "{c}"
            );
            assert!(
                c.contains("-d code_verifier=v") && c.contains("\"code=$CODE\""),
                "{c}"
            );
        }
    }
}
