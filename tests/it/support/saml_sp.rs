//! A real SAML service provider for the end-to-end tests: python3-saml (the OneLogin toolkit)
//! in a virtual environment, driven through `tests/saml_sp/sp.py` one command at a time.
//!
//! `python()` finds or builds the environment (or says SKIPPING loudly, unless
//! `CIVITAS_REQUIRE_SAML_SP=1`); `Sp` is one service provider with its own key pair.

use std::{
    collections::BTreeMap,
    path::{Path, PathBuf},
    process::Stdio,
    sync::OnceLock,
};

use anyhow::{Context, Result, anyhow, bail};
use base64::{Engine, engine::general_purpose::STANDARD as B64};
use serde::Deserialize;
use serde_json::{Value, json};
use sha2::{Digest, Sha256};
use tokio::io::AsyncWriteExt;

/// The folder with `sp.py`, `idp_fixture.py` and `requirements.txt`.
pub fn scripts_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/saml_sp")
}

/// The Python interpreter that has python3-saml: `CIVITAS_SAML_PYTHON`, else a virtual
/// environment under the target folder built from `requirements.txt` (rebuilt when that file
/// changes). `None`, after a loud SKIPPING line, when there is none; a panic instead when
/// `CIVITAS_REQUIRE_SAML_SP=1`.
pub fn python() -> Option<PathBuf> {
    static PYTHON: OnceLock<Result<PathBuf, String>> = OnceLock::new();
    match PYTHON.get_or_init(find_python) {
        Ok(python) => Some(python.clone()),
        Err(why) => {
            if std::env::var("CIVITAS_REQUIRE_SAML_SP").as_deref() == Ok("1") {
                panic!(
                    "CIVITAS_REQUIRE_SAML_SP=1 but the SAML SP (python3-saml) is unavailable: {why}"
                );
            }
            // Straight to stderr, not through eprintln!, which the test harness captures: a
            // skip must be seen.
            use std::io::Write as _;
            let _ = writeln!(
                std::io::stderr(),
                "\n!!! SKIPPING SAML SP tests: {why}\n!!! They need Python 3 with venv and pip \
                 (apt-get install python3-venv python3-pip) and PyPI, or CIVITAS_SAML_PYTHON.\n"
            );
            None
        }
    }
}

fn find_python() -> Result<PathBuf, String> {
    if let Ok(python) = std::env::var("CIVITAS_SAML_PYTHON") {
        let python = PathBuf::from(python);
        return check_imports(&python).map(|()| python);
    }
    let requirements = scripts_dir().join("requirements.txt");
    let wanted = std::fs::read(&requirements)
        .map(|text| hex(&Sha256::digest(text)))
        .map_err(|e| format!("cannot read {}: {e}", requirements.display()))?;
    let root = Path::new(env!("CARGO_TARGET_TMPDIR"));
    std::fs::create_dir_all(root).map_err(|e| format!("cannot create {}: {e}", root.display()))?;
    // Test binaries and tests run at once; one of them builds the environment.
    let lock = std::fs::File::create(root.join("saml-sp-venv.lock"))
        .map_err(|e| format!("cannot create the venv lock: {e}"))?;
    lock.lock()
        .map_err(|e| format!("cannot lock the venv lock: {e}"))?;
    let venv = root.join("saml-sp-venv");
    let python = venv.join("bin/python");
    let marker = venv.join(".requirements-sha256");
    if std::fs::read_to_string(&marker).is_ok_and(|have| have == wanted) && python.exists() {
        return check_imports(&python).map(|()| python);
    }
    if venv.exists() {
        std::fs::remove_dir_all(&venv).map_err(|e| format!("cannot remove the old venv: {e}"))?;
    }
    eprintln!(
        "==> building the SAML SP's Python environment in {}",
        venv.display()
    );
    run_quietly(
        std::process::Command::new("python3")
            .arg("-m")
            .arg("venv")
            .arg(&venv),
        "python3 -m venv",
    )?;
    run_quietly(
        std::process::Command::new(&python)
            .args([
                "-m",
                "pip",
                "install",
                "--disable-pip-version-check",
                "-q",
                "-r",
            ])
            .arg(&requirements),
        "pip install -r tests/saml_sp/requirements.txt",
    )?;
    check_imports(&python)?;
    std::fs::write(&marker, wanted).map_err(|e| format!("cannot write the venv marker: {e}"))?;
    Ok(python)
}

fn check_imports(python: &Path) -> Result<(), String> {
    run_quietly(
        std::process::Command::new(python)
            .args(["-c", "import xmlsec, lxml.etree, onelogin.saml2.auth"]),
        &format!("{} importing python3-saml", python.display()),
    )
}

fn run_quietly(command: &mut std::process::Command, what: &str) -> Result<(), String> {
    let out = command
        .stdin(Stdio::null())
        .output()
        .map_err(|e| format!("{what}: {e}"))?;
    if out.status.success() {
        return Ok(());
    }
    let stderr = String::from_utf8_lossy(&out.stderr);
    let tail: Vec<&str> = stderr.lines().rev().take(8).collect();
    let tail: Vec<&str> = tail.into_iter().rev().collect();
    Err(format!(
        "{what} failed ({}): {}",
        out.status,
        tail.join(" | ")
    ))
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// Runs `python tests/saml_sp/SCRIPT COMMAND` with `input` as JSON on stdin and returns the
/// JSON it prints; an `{"error": …}` answer becomes `Err`.
pub async fn run_script(
    python: &Path,
    script: &str,
    command: &str,
    input: &Value,
) -> Result<Value> {
    let mut child = tokio::process::Command::new(python)
        .arg(scripts_dir().join(script))
        .arg(command)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .kill_on_drop(true)
        .spawn()
        .with_context(|| format!("start {script}"))?;
    let mut stdin = child.stdin.take().expect("stdin piped");
    stdin.write_all(input.to_string().as_bytes()).await?;
    drop(stdin);
    let out = child.wait_with_output().await?;
    let stderr = String::from_utf8_lossy(&out.stderr);
    let value: Value = serde_json::from_slice(&out.stdout).with_context(|| {
        format!(
            "{script} {command} printed no JSON ({}); stderr: {stderr}",
            out.status
        )
    })?;
    if let Some(error) = value.get("error").and_then(Value::as_str) {
        bail!("{script} {command}: {error}");
    }
    if !out.status.success() {
        bail!("{script} {command} failed ({}): {stderr}", out.status);
    }
    Ok(value)
}

/// A fresh RSA-2048 key and self-signed certificate, both PEM (PKCS#8 key), made by the
/// openssl command.
pub fn key_pair(common_name: &str) -> (String, String) {
    let dir = tempfile::tempdir().expect("temp dir");
    let (key, cert) = (dir.path().join("key.pem"), dir.path().join("cert.pem"));
    let out = std::process::Command::new("openssl")
        .args([
            "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-sha256", "-days", "2",
        ])
        .arg("-subj")
        .arg(format!("/CN={common_name}"))
        .arg("-keyout")
        .arg(&key)
        .arg("-out")
        .arg(&cert)
        .stdin(Stdio::null())
        .output()
        .expect("run openssl (apt-get install openssl)");
    assert!(
        out.status.success(),
        "openssl req failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    (
        std::fs::read_to_string(key).expect("read key"),
        std::fs::read_to_string(cert).expect("read certificate"),
    )
}

/// The base64 DER inside a PEM certificate, on one line (as in metadata).
pub fn pem_body(pem: &str) -> String {
    pem.lines()
        .filter(|line| !line.starts_with("-----"))
        .collect::<String>()
}

/// A SAML binding for messages from the SP.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Binding {
    Redirect,
    Post,
}

impl Binding {
    pub fn as_str(self) -> &'static str {
        match self {
            Binding::Redirect => "redirect",
            Binding::Post => "post",
        }
    }
}

/// An attribute the SP's metadata asks for.
#[derive(Debug, Clone)]
pub struct RequestedAttribute {
    pub name: String,
    pub friendly_name: String,
    pub is_required: bool,
}

/// How the SP is configured; `Default` signs requests, wants signed Responses and Assertions,
/// plain (not encrypted) assertions, persistent NameIDs, strict checks of the IdP metadata.
#[derive(Debug, Clone)]
pub struct SpOptions {
    /// Sign AuthnRequests and LogoutRequests (and say so in the metadata).
    pub sign_requests: bool,
    /// Want encrypted assertions (and publish an encryption KeyDescriptor).
    pub encrypt: bool,
    pub requested_attributes: Vec<RequestedAttribute>,
    /// AuthnContextClassRefs every AuthnRequest asks for (none: no RequestedAuthnContext).
    pub requested_authn_context: Vec<String>,
    /// `exact`, `minimum`, `maximum` or `better` (the library's default: exact).
    pub authn_context_comparison: Option<String>,
    /// Refuse a Response whose AuthnContextClassRef is not one requested.
    pub fail_on_authn_context_mismatch: bool,
    /// Refuse a Response without an AttributeStatement (the library's default).
    pub want_attribute_statement: bool,
    /// The binding of the SP's SingleLogoutService in its metadata.
    pub sls_binding: Binding,
    /// Base64 DER certificate the IdP metadata must be signed with (else: its own).
    pub idp_metadata_certificate: Option<String>,
    /// Refuse IdP metadata that is unsigned, badly signed, without or past validUntil.
    pub strict_idp_metadata: bool,
}

impl Default for SpOptions {
    fn default() -> Self {
        Self {
            sign_requests: true,
            encrypt: false,
            requested_attributes: Vec::new(),
            requested_authn_context: Vec::new(),
            authn_context_comparison: None,
            fail_on_authn_context_mismatch: false,
            want_attribute_statement: true,
            sls_binding: Binding::Redirect,
            idp_metadata_certificate: None,
            strict_idp_metadata: true,
        }
    }
}

/// One service provider: python3-saml with its settings and key pair.
pub struct Sp {
    python: PathBuf,
    config: Value,
    pub entity_id: String,
    pub acs_url: String,
    pub sls_url: String,
    pub key_pem: String,
    pub certificate_pem: String,
}

impl Sp {
    /// An SP at `sp_base_url` (entity ID `{base}/metadata`, ACS `{base}/acs`, SLS `{base}/sls`)
    /// that reads the IdP from `idp_metadata_url` on every command.
    pub fn new(python: &Path, idp_metadata_url: &str, sp_base_url: &str, options: SpOptions) -> Sp {
        let base = sp_base_url.trim_end_matches('/');
        let (key_pem, certificate_pem) = key_pair("Civitas test SP");
        let entity_id = format!("{base}/metadata");
        let acs_url = format!("{base}/acs");
        let sls_url = format!("{base}/sls");
        let attributes: Vec<Value> = options
            .requested_attributes
            .iter()
            .map(|a| json!({"name": a.name, "friendly_name": a.friendly_name, "is_required": a.is_required}))
            .collect();
        let config = json!({
            "idp_metadata_url": idp_metadata_url,
            "idp_metadata_cert": options.idp_metadata_certificate,
            "metadata_checks": if options.strict_idp_metadata { "strict" } else { "report" },
            "sp_entity_id": entity_id,
            "acs_url": acs_url,
            "sls_url": sls_url,
            "sls_binding": options.sls_binding.as_str(),
            "sp_key_pem": key_pem,
            "sp_cert_pem": certificate_pem,
            "sign_requests": options.sign_requests,
            "want_assertions_encrypted": options.encrypt,
            "want_attribute_statement": options.want_attribute_statement,
            "requested_authn_context": options.requested_authn_context,
            "authn_context_comparison": options.authn_context_comparison,
            "fail_on_authn_context_mismatch": options.fail_on_authn_context_mismatch,
            "requested_attributes": attributes,
            "service_name": "Civitas test SP",
        });
        Sp {
            python: python.to_owned(),
            config,
            entity_id,
            acs_url,
            sls_url,
            key_pem,
            certificate_pem,
        }
    }

    /// The SP's certificate as base64 DER (as its metadata publishes it).
    pub fn certificate_base64(&self) -> String {
        pem_body(&self.certificate_pem)
    }

    async fn run(&self, command: &str, args: Value) -> Result<Value> {
        let input = json!({"config": self.config, "args": args});
        run_script(&self.python, "sp.py", command, &input).await
    }

    /// The SP's metadata XML, signed with its key; `Err` if the library finds it invalid.
    pub async fn metadata(&self) -> Result<String> {
        let out = self.run("metadata", json!({})).await?;
        let errors = out["errors"].as_array().cloned().unwrap_or_default();
        if !errors.is_empty() {
            bail!("the SP metadata is invalid: {errors:?}");
        }
        Ok(out["xml"].as_str().context("metadata xml")?.to_owned())
    }

    /// What the SP reads from the IdP metadata, and its checks of signature and validUntil.
    pub async fn idp_metadata(&self) -> Result<IdpMetadata> {
        Ok(serde_json::from_value(
            self.run("idp-metadata", json!({})).await?,
        )?)
    }

    /// An AuthnRequest over `binding`; `Err` when the IdP metadata is refused.
    pub async fn login(&self, binding: Binding, options: &LoginOptions) -> Result<Outgoing> {
        let args = json!({
            "binding": binding.as_str(),
            "force_authn": options.force_authn,
            "is_passive": options.is_passive,
            "relay_state": options.relay_state,
            "requested_authn_context": options.requested_authn_context,
        });
        Outgoing::from_json(self.run("login", args).await?)
    }

    /// Processes the Response the IdP's page posts to the ACS, for the AuthnRequest
    /// `request_id` (None: unsolicited).
    pub async fn acs(&self, request_id: Option<&str>, form: &PostedForm) -> Result<AcsResult> {
        let args = json!({
            "request_id": request_id,
            "url": form.action,
            "fields": form.fields_json(),
        });
        Ok(serde_json::from_value(self.run("acs", args).await?)?)
    }

    /// A LogoutRequest over `binding`.
    pub async fn logout(&self, binding: Binding, options: &LogoutOptions) -> Result<Outgoing> {
        let args = json!({
            "binding": binding.as_str(),
            "name_id": options.name_id,
            "name_id_format": options.name_id_format,
            "session_index": options.session_index,
            "name_qualifier": options.name_qualifier,
            "sp_name_qualifier": options.sp_name_qualifier,
            "relay_state": options.relay_state,
        });
        Outgoing::from_json(self.run("logout", args).await?)
    }

    /// Processes the IdP's LogoutResponse to the LogoutRequest `request_id`.
    pub async fn sls(&self, request_id: &str, message: &SlsMessage) -> Result<SlsResult> {
        let args = match message {
            SlsMessage::Redirect { url } => {
                json!({"request_id": request_id, "binding": "redirect", "url": url})
            }
            SlsMessage::Post(form) => json!({
                "request_id": request_id,
                "binding": "post",
                "url": form.action,
                "fields": form.fields_json(),
            }),
        };
        Ok(serde_json::from_value(self.run("sls", args).await?)?)
    }
}

/// Options of one AuthnRequest.
#[derive(Debug, Clone, Default)]
pub struct LoginOptions {
    pub force_authn: bool,
    pub is_passive: bool,
    /// Over Redirect without it the library sends the SP's own URL; over POST none is sent.
    pub relay_state: Option<String>,
    /// Overrides `SpOptions::requested_authn_context` for this request.
    pub requested_authn_context: Option<Vec<String>>,
}

/// Options of one LogoutRequest.
#[derive(Debug, Clone, Default)]
pub struct LogoutOptions {
    pub name_id: String,
    /// Default: persistent.
    pub name_id_format: Option<String>,
    pub session_index: Option<String>,
    pub name_qualifier: Option<String>,
    pub sp_name_qualifier: Option<String>,
    pub relay_state: Option<String>,
}

impl LogoutOptions {
    /// Logs out the session an accepted Response opened.
    pub fn for_session(acs: &AcsResult) -> Self {
        Self {
            name_id: acs.nameid.clone().unwrap_or_default(),
            name_id_format: acs.nameid_format.clone(),
            session_index: acs.session_index.clone(),
            name_qualifier: acs.nameid_name_qualifier.clone(),
            sp_name_qualifier: acs.nameid_sp_name_qualifier.clone(),
            relay_state: None,
        }
    }
}

/// A message from the SP to the IdP: its ID, its XML and how the browser carries it.
#[derive(Debug, Clone)]
pub struct Outgoing {
    pub request_id: String,
    pub xml: String,
    pub delivery: Delivery,
}

/// How a browser carries a message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Delivery {
    /// HTTP-Redirect: the whole URL, query included.
    Redirect(String),
    /// HTTP-POST: the form the browser submits.
    Post {
        action: String,
        fields: Vec<(String, String)>,
    },
}

impl Outgoing {
    fn from_json(value: Value) -> Result<Self> {
        let text = |key: &str| -> Result<String> {
            Ok(value[key]
                .as_str()
                .with_context(|| format!("no {key} in {value}"))?
                .to_owned())
        };
        let delivery = if let Some(url) = value["redirect"].as_str() {
            Delivery::Redirect(url.to_owned())
        } else {
            let post = &value["post"];
            let fields = post["fields"]
                .as_object()
                .with_context(|| format!("neither redirect nor post in {value}"))?
                .iter()
                .map(|(k, v)| (k.clone(), v.as_str().unwrap_or_default().to_owned()))
                .collect();
            Delivery::Post {
                action: post["action"].as_str().context("post action")?.to_owned(),
                fields,
            }
        };
        Ok(Self {
            request_id: text("request_id")?,
            xml: text("xml")?,
            delivery,
        })
    }

    /// The browser's request: GET the Redirect URL or POST the form (redirects not followed
    /// unless `client` follows them).
    pub async fn request(&self, client: &reqwest::Client) -> reqwest::Response {
        match &self.delivery {
            Delivery::Redirect(url) => client.get(url).send().await.expect("GET the SAML redirect"),
            Delivery::Post { action, fields } => client
                .post(action)
                .form(fields)
                .send()
                .await
                .expect("POST the SAML form"),
        }
    }

    /// The Redirect URL's query parameters, decoded (empty for POST).
    pub fn query(&self) -> Vec<(String, String)> {
        match &self.delivery {
            Delivery::Redirect(url) => url::Url::parse(url)
                .expect("redirect URL")
                .query_pairs()
                .into_owned()
                .collect(),
            Delivery::Post { .. } => Vec::new(),
        }
    }

    /// A field of the POST form, or a parameter of the Redirect query.
    pub fn param(&self, name: &str) -> Option<String> {
        let pairs = match &self.delivery {
            Delivery::Redirect(_) => self.query(),
            Delivery::Post { fields, .. } => fields.clone(),
        };
        pairs.into_iter().find(|(k, _)| k == name).map(|(_, v)| v)
    }
}

/// An auto-submitting form page, as the IdP sends the browser to deliver an HTTP-POST message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PostedForm {
    pub action: String,
    pub fields: Vec<(String, String)>,
}

impl PostedForm {
    /// Reads `<form method="post" action="…">` and its hidden inputs, undoing HTML escapes.
    pub fn from_html(html: &str) -> Result<PostedForm> {
        let lower = html.to_ascii_lowercase();
        let start = lower.find("<form").context("the page has no <form>")?;
        let end = lower[start..]
            .find("</form>")
            .map(|e| start + e)
            .context("the <form> is not closed")?;
        if lower[end..].contains("<form") {
            bail!("the page has more than one <form>");
        }
        let form_tag = tag_attributes(&html[start + "<form".len()..end])?;
        let method = form_tag.get("method").map(|m| m.to_ascii_lowercase());
        if method.as_deref() != Some("post") {
            bail!("the form's method is {method:?}, not post");
        }
        let action = form_tag
            .get("action")
            .context("the form has no action")?
            .clone();
        let mut fields: Vec<(String, String)> = Vec::new();
        let mut rest = &html[start..end];
        while let Some(at) = rest.to_ascii_lowercase().find("<input") {
            rest = &rest[at + "<input".len()..];
            let input = tag_attributes(rest)?;
            if input.get("type").map(|t| t.to_ascii_lowercase()).as_deref() != Some("hidden") {
                continue;
            }
            let name = input.get("name").context("a hidden input has no name")?;
            if fields.iter().any(|(n, _)| n == name) {
                bail!("the form repeats {name}");
            }
            let value = input.get("value").cloned().unwrap_or_default();
            fields.push((name.clone(), value));
        }
        Ok(PostedForm { action, fields })
    }

    /// Reads the form from a 200 page.
    pub async fn from_response(response: reqwest::Response) -> Result<PostedForm> {
        let status = response.status();
        let body = response.text().await?;
        if !status.is_success() {
            bail!("expected the form page, got {status}: {body}");
        }
        PostedForm::from_html(&body)
    }

    /// One field's value.
    pub fn field(&self, name: &str) -> Option<&str> {
        self.fields
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }

    fn fields_json(&self) -> Value {
        Value::Object(
            self.fields
                .iter()
                .map(|(k, v)| (k.clone(), Value::String(v.clone())))
                .collect(),
        )
    }
}

/// The attributes of the tag that starts `text` (up to its `>`), names lowercased, values
/// unescaped.
fn tag_attributes(text: &str) -> Result<BTreeMap<String, String>> {
    let mut attributes = BTreeMap::new();
    let mut rest = text.trim_start();
    loop {
        rest = rest.trim_start();
        if rest.starts_with('>') || rest.starts_with("/>") {
            return Ok(attributes);
        }
        if rest.is_empty() {
            bail!("a tag is not closed");
        }
        let name_end = rest
            .find(|c: char| c == '=' || c == '>' || c == '/' || c.is_whitespace())
            .unwrap_or(rest.len());
        if name_end == 0 {
            bail!("unexpected {:?} in a tag", &rest[..1]);
        }
        let name = rest[..name_end].to_ascii_lowercase();
        rest = rest[name_end..].trim_start();
        let value = if let Some(after) = rest.strip_prefix('=') {
            let after = after.trim_start();
            let (value, tail) = match after.chars().next() {
                Some(q @ ('"' | '\'')) => {
                    let close = after[1..]
                        .find(q)
                        .with_context(|| format!("the value of {name} is not closed"))?;
                    (&after[1..=close], &after[close + 2..])
                }
                _ => {
                    let end = after
                        .find(|c: char| c == '>' || c.is_whitespace())
                        .unwrap_or(after.len());
                    (&after[..end], &after[end..])
                }
            };
            rest = tail;
            unescape_html(value)
        } else {
            String::new()
        };
        if attributes.insert(name.clone(), value).is_some() {
            bail!("a tag repeats {name}");
        }
    }
}

/// Undoes HTML character references: the named ones an escaper writes and `&#N;`, `&#xH;`.
pub fn unescape_html(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = rest.find('&') {
        out.push_str(&rest[..at]);
        rest = &rest[at..];
        let decoded = rest.find(';').and_then(|end| {
            let entity = &rest[1..end];
            let c = match entity {
                "amp" => Some('&'),
                "lt" => Some('<'),
                "gt" => Some('>'),
                "quot" => Some('"'),
                "apos" => Some('\''),
                _ => entity.strip_prefix('#').and_then(|n| {
                    let code = match n.strip_prefix(['x', 'X']) {
                        Some(h) => u32::from_str_radix(h, 16).ok(),
                        None => n.parse().ok(),
                    };
                    code.and_then(char::from_u32)
                }),
            };
            c.map(|c| (c, end))
        });
        match decoded {
            Some((c, end)) => {
                out.push(c);
                rest = &rest[end + 1..];
            }
            None => {
                out.push('&');
                rest = &rest[1..];
            }
        }
    }
    out.push_str(rest);
    out
}

/// A LogoutResponse as it reaches the SP's SLS.
#[derive(Debug, Clone)]
pub enum SlsMessage {
    /// HTTP-Redirect: the whole Location, query included.
    Redirect { url: String },
    /// HTTP-POST: the IdP page's form.
    Post(PostedForm),
}

impl SlsMessage {
    pub fn from_location(url: &str) -> Self {
        SlsMessage::Redirect {
            url: url.to_owned(),
        }
    }

    pub fn from_form(form: PostedForm) -> Self {
        SlsMessage::Post(form)
    }

    /// From the IdP's answer to a LogoutRequest: a redirect's Location or a form page.
    pub async fn from_response(response: reqwest::Response) -> Result<Self> {
        if response.status().is_redirection() {
            let location = response
                .headers()
                .get(reqwest::header::LOCATION)
                .ok_or_else(|| anyhow!("a redirect without Location"))?
                .to_str()?
                .to_owned();
            return Ok(Self::from_location(&location));
        }
        Ok(Self::from_form(PostedForm::from_response(response).await?))
    }
}

/// What python3-saml made of a Response at the ACS.
#[derive(Debug, Clone, Deserialize)]
pub struct AcsResult {
    /// Empty when the library accepted the Response.
    pub errors: Vec<String>,
    pub last_error_reason: Option<String>,
    pub authenticated: bool,
    pub nameid: Option<String>,
    pub nameid_format: Option<String>,
    pub nameid_name_qualifier: Option<String>,
    pub nameid_sp_name_qualifier: Option<String>,
    pub session_index: Option<String>,
    /// SessionNotOnOrAfter, Unix seconds.
    pub session_expiration: Option<i64>,
    /// Attribute Name → values.
    pub attributes: BTreeMap<String, Vec<String>>,
    /// Attribute FriendlyName → values.
    pub friendly_name_attributes: BTreeMap<String, Vec<String>>,
    pub authn_contexts: Vec<String>,
    pub relay_state: Option<String>,
    pub response_id: Option<String>,
    pub assertion_id: Option<String>,
    pub in_response_to: Option<String>,
    /// SubjectConfirmationData NotOnOrAfter, Unix seconds.
    pub not_on_or_after: Option<i64>,
    /// Whether the posted Response carried an EncryptedAssertion (None: not readable).
    pub assertion_encrypted: Option<bool>,
    /// The Response as the library validated it (assertion decrypted).
    pub response_xml: Option<String>,
}

impl AcsResult {
    /// Accepted: no errors and a signed-in subject.
    pub fn is_valid(&self) -> bool {
        self.errors.is_empty() && self.authenticated
    }

    /// The first value of the attribute `name`.
    pub fn attribute(&self, name: &str) -> Option<&str> {
        self.attributes.get(name)?.first().map(String::as_str)
    }
}

/// What python3-saml made of a LogoutResponse at the SLS.
#[derive(Debug, Clone, Deserialize)]
pub struct SlsResult {
    /// Empty when the library accepted a successful LogoutResponse.
    pub errors: Vec<String>,
    pub last_error_reason: Option<String>,
    pub status: Option<String>,
    pub in_response_to: Option<String>,
    pub relay_state: Option<String>,
    pub xml: Option<String>,
}

impl SlsResult {
    pub fn is_success(&self) -> bool {
        self.errors.is_empty()
            && self.status.as_deref() == Some("urn:oasis:names:tc:SAML:2.0:status:Success")
    }
}

/// The SP's reading of the IdP metadata.
#[derive(Debug, Clone, Deserialize)]
pub struct IdpMetadata {
    pub entity_id: Option<String>,
    pub report: MetadataReport,
    pub redirect: IdpEndpoints,
    pub post: IdpEndpoints,
    /// Base64 DER of every signing certificate.
    pub signing_certificates: Vec<String>,
}

/// The IdP metadata's signature and freshness, as the SP checked them with xmlsec.
#[derive(Debug, Clone, Deserialize)]
pub struct MetadataReport {
    /// `valid`, or what is wrong with it.
    pub signature: Option<String>,
    pub verified_with: Option<String>,
    pub valid_until: Option<String>,
    pub valid_until_in_future: Option<bool>,
    /// Empty when the metadata passes every check.
    pub problems: Vec<String>,
}

/// The IdP's SSO and SLO locations for one binding.
#[derive(Debug, Clone, Deserialize)]
pub struct IdpEndpoints {
    pub sso_url: Option<String>,
    pub slo_url: Option<String>,
}

/// Decodes a Redirect binding's `SAMLRequest`/`SAMLResponse` value: base64, then DEFLATE.
pub fn inflate_redirect_value(value: &str) -> Result<String> {
    use std::io::Read;
    let deflated = B64.decode(value)?;
    let mut xml = String::new();
    flate2::read::DeflateDecoder::new(deflated.as_slice()).read_to_string(&mut xml)?;
    Ok(xml)
}

/// Decodes an HTTP-POST binding's `SAMLRequest`/`SAMLResponse` value: base64.
pub fn decode_post_value(value: &str) -> Result<String> {
    Ok(String::from_utf8(B64.decode(value)?)?)
}
