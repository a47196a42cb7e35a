//! A relying party that is not ours: panva's openid-client v6 in Node.js (`tests/node/fapi.mjs`),
//! driven one `WORD payload` line at a time over its stdin and stdout.
//!
//! `available()` says whether Node.js and `tests/node/node_modules` are there (or says SKIPPING
//! loudly, unless `CIVITAS_REQUIRE_NODE=1`); `NodeRp` is one running script.

use std::{
    path::{Path, PathBuf},
    process::Stdio,
    sync::{Arc, Mutex},
    time::Duration,
};

use tokio::{
    io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader, Lines},
    process::{Child, ChildStdin, ChildStdout},
};

/// How long one line from the script may take (a whole sign-in is a few hundred milliseconds).
const READ_TIMEOUT: Duration = Duration::from_secs(60);
const SKIPPING: &str =
    "SKIPPING fapi_node: Node.js or tests/node/node_modules missing (run npm ci in tests/node)";

/// The folder with `fapi.mjs`, `package.json` and (after `npm ci`) `node_modules`.
pub fn node_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/node")
}

/// Whether the Node relying party can run: Node.js 20 or later on PATH (openid-client v6's
/// baseline) and openid-client installed. Without them, a loud SKIPPING line and `false`; a
/// panic instead when `CIVITAS_REQUIRE_NODE=1`.
pub fn available() -> bool {
    let version = std::process::Command::new("node")
        .arg("--version")
        .stdin(Stdio::null())
        .output()
        .ok()
        .filter(|out| out.status.success())
        .map(|out| String::from_utf8_lossy(&out.stdout).trim().to_owned());
    let major = version
        .as_deref()
        .and_then(|v| v.strip_prefix('v')?.split('.').next()?.parse::<u32>().ok());
    let has_modules = node_dir()
        .join("node_modules/openid-client/package.json")
        .exists();
    let why = match (major, has_modules) {
        (Some(major), true) if major >= 20 => return true,
        (Some(_), true) => format!(
            "SKIPPING fapi_node: Node.js {} is too old (openid-client v6 needs 20 or later)",
            version.unwrap_or_default()
        ),
        _ => SKIPPING.to_owned(),
    };
    if std::env::var("CIVITAS_REQUIRE_NODE").as_deref() == Ok("1") {
        panic!("CIVITAS_REQUIRE_NODE=1 but {why}");
    }
    // Straight to stderr, not through eprintln!, which the test harness captures: a skip
    // must be seen.
    use std::io::Write as _;
    let _ = writeln!(std::io::stderr(), "\n!!! {why}\n");
    false
}

/// One running `node tests/node/fapi.mjs`.
pub struct NodeRp {
    child: Child,
    stdin: Option<ChildStdin>,
    lines: Lines<BufReader<ChildStdout>>,
    /// Everything the script wrote to stderr, for failure messages.
    stderr: Arc<Mutex<String>>,
}

impl NodeRp {
    /// Starts the script with these environment variables (see its head comment).
    pub async fn spawn(env: &[(&str, &str)]) -> Self {
        let mut child = tokio::process::Command::new("node")
            .arg(node_dir().join("fapi.mjs"))
            .current_dir(node_dir())
            .envs(env.iter().copied())
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .kill_on_drop(true)
            .spawn()
            .expect("start node tests/node/fapi.mjs");
        let lines = BufReader::new(child.stdout.take().expect("stdout piped")).lines();
        let stderr = Arc::new(Mutex::new(String::new()));
        let mut pipe = child.stderr.take().expect("stderr piped");
        let sink = stderr.clone();
        tokio::spawn(async move {
            let mut buf = [0u8; 4096];
            while let Ok(n) = pipe.read(&mut buf).await {
                if n == 0 {
                    break;
                }
                sink.lock()
                    .unwrap()
                    .push_str(&String::from_utf8_lossy(&buf[..n]));
            }
        });
        Self {
            stdin: child.stdin.take(),
            child,
            lines,
            stderr,
        }
    }

    /// The next line as (word, payload). Panics after [`READ_TIMEOUT`] or at the end of output.
    pub async fn next(&mut self) -> (String, String) {
        let line = match tokio::time::timeout(READ_TIMEOUT, self.lines.next_line()).await {
            Ok(Ok(Some(line))) => line,
            Ok(Ok(None)) => panic!("the Node relying party ended{}", self.stderr_tail()),
            Ok(Err(e)) => panic!("reading the Node relying party: {e}{}", self.stderr_tail()),
            Err(_) => panic!(
                "the Node relying party said nothing for {READ_TIMEOUT:?}{}",
                self.stderr_tail()
            ),
        };
        match line.split_once(' ') {
            Some((word, payload)) => (word.to_owned(), payload.to_owned()),
            None => (line, String::new()),
        }
    }

    /// The payload of the next line, which must be `word`; an `ERROR` line fails the test with
    /// the script's message.
    pub async fn expect(&mut self, word: &str) -> String {
        let (got, payload) = self.next().await;
        match got.as_str() {
            w if w == word => payload,
            "ERROR" => panic!(
                "the Node relying party failed while waiting for {word}: {payload}{}",
                self.stderr_tail()
            ),
            _ => panic!("expected {word} from the Node relying party, got {got} {payload}"),
        }
    }

    /// Writes `word payload` to the script.
    pub async fn send(&mut self, word: &str, payload: &str) {
        let stdin = self.stdin.as_mut().expect("stdin still open");
        stdin
            .write_all(format!("{word} {payload}\n").as_bytes())
            .await
            .expect("write to the Node relying party");
        stdin.flush().await.expect("flush");
    }

    /// Closes stdin (the script ends its logout endpoint and exits) and waits a little for it;
    /// kills it if it lingers. Returns its exit status code, if any.
    pub async fn finish(mut self) -> Option<i32> {
        drop(self.stdin.take());
        match tokio::time::timeout(Duration::from_secs(10), self.child.wait()).await {
            Ok(Ok(status)) => status.code(),
            _ => {
                let _ = self.child.kill().await;
                None
            }
        }
    }

    fn stderr_tail(&self) -> String {
        let stderr = self.stderr.lock().unwrap();
        if stderr.trim().is_empty() {
            return String::new();
        }
        let start = stderr.len().saturating_sub(2000);
        let start = (start..stderr.len())
            .find(|&i| stderr.is_char_boundary(i))
            .unwrap_or(0);
        format!("\n--- its stderr ---\n{}", &stderr[start..])
    }
}

/// A back-channel logout endpoint alone (`MODE=backchannel`) for `client_id`, checking logout
/// tokens against `issuer` and its `/jwks` (or `jwks_uri`): the running script and its port.
/// Each POST to `http://127.0.0.1:PORT/` then gives a `LOGOUT <claims>` or `REJECTED <reason>`
/// line. It cannot decrypt: for a client with encrypted ID tokens use `BACKCHANNEL=1` in the
/// flow, which decrypts with the client's own key.
pub(crate) async fn start_backchannel_rp(
    issuer: &str,
    client_id: &str,
    jwks_uri: Option<&str>,
) -> (NodeRp, u16) {
    let mut env = vec![
        ("MODE", "backchannel"),
        ("ISSUER", issuer),
        ("CLIENT_ID", client_id),
    ];
    if let Some(uri) = jwks_uri {
        env.push(("JWKS_URI", uri));
    }
    let mut rp = NodeRp::spawn(&env).await;
    let port = rp
        .expect("LISTENING")
        .await
        .parse()
        .expect("LISTENING <port>");
    (rp, port)
}
