//! A minimal HTTP/1.1 client: one keep-alive connection per worker (hyper's connection-level
//! client), no pooling, no redirects followed, cookies kept by hand in a [`Jar`].

use std::{net::SocketAddr, time::Duration};

use anyhow::Context as _;
use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use hyper::{HeaderMap, Method, Request, client::conn::http1::SendRequest};
use hyper_util::rt::TokioIo;
use tokio::net::TcpStream;

/// A request that takes longer than this counts as an error.
pub const REQUEST_TIMEOUT: Duration = Duration::from_secs(10);

/// One connection to one server.
pub struct Conn {
    addr: SocketAddr,
    /// The `Host` header (Civitas is reached as `localhost:PORT`, the peer as `127.0.0.1:PORT`).
    host: String,
    sender: Option<SendRequest<Full<Bytes>>>,
}

/// A response, body read whole.
pub struct Resp {
    pub status: u16,
    pub headers: HeaderMap,
    pub body: Bytes,
}

impl Resp {
    pub fn location(&self) -> Option<&str> {
        self.headers.get("location").and_then(|v| v.to_str().ok())
    }

    pub fn json(&self) -> Result<serde_json::Value, String> {
        serde_json::from_slice(&self.body)
            .map_err(|e| format!("not JSON ({e}): {}", self.snippet()))
    }

    /// The start of the body, for error messages.
    pub fn snippet(&self) -> String {
        let text = String::from_utf8_lossy(&self.body);
        let text: String = text.chars().take(200).collect();
        text.replace(['\n', '\r'], " ")
    }
}

impl Conn {
    pub fn new(addr: SocketAddr, host: &str) -> Self {
        Self {
            addr,
            host: host.to_owned(),
            sender: None,
        }
    }

    async fn connect(&mut self) -> anyhow::Result<()> {
        let stream = TcpStream::connect(self.addr)
            .await
            .with_context(|| format!("connect {}", self.addr))?;
        stream.set_nodelay(true)?;
        let (sender, connection) = hyper::client::conn::http1::handshake(TokioIo::new(stream))
            .await
            .context("HTTP handshake")?;
        tokio::spawn(async move {
            let _ = connection.await;
        });
        self.sender = Some(sender);
        Ok(())
    }

    /// Sends one request. A connection the server closed while idle is reopened first (nothing
    /// was sent on it); a failure after sending is returned, never retried.
    pub async fn send(
        &mut self,
        method: Method,
        path: &str,
        headers: &[(&str, &str)],
        body: Option<(&str, Bytes)>,
    ) -> anyhow::Result<Resp> {
        let ready = match self.sender.as_mut() {
            Some(s) => s.ready().await.is_ok(),
            None => false,
        };
        if !ready {
            self.sender = None;
            self.connect().await?;
        }
        let mut builder = Request::builder()
            .method(method)
            .uri(path)
            .header("host", &self.host);
        for (k, v) in headers {
            builder = builder.header(*k, *v);
        }
        let body = match body {
            Some((content_type, bytes)) => {
                builder = builder.header("content-type", content_type);
                bytes
            }
            None => Bytes::new(),
        };
        let request = builder.body(Full::new(body))?;
        let sender = self.sender.as_mut().context("no connection")?;
        let exchange = async {
            let response = sender.send_request(request).await?;
            let (parts, body) = response.into_parts();
            let body = body.collect().await?.to_bytes();
            Ok::<_, hyper::Error>(Resp {
                status: parts.status.as_u16(),
                headers: parts.headers,
                body,
            })
        };
        match tokio::time::timeout(REQUEST_TIMEOUT, exchange).await {
            Ok(Ok(r)) => Ok(r),
            Ok(Err(e)) => {
                self.sender = None;
                Err(anyhow::anyhow!("{e}"))
            }
            Err(_) => {
                self.sender = None;
                Err(anyhow::anyhow!(
                    "no answer within {} s",
                    REQUEST_TIMEOUT.as_secs()
                ))
            }
        }
    }

    pub async fn get(&mut self, path: &str, headers: &[(&str, &str)]) -> anyhow::Result<Resp> {
        self.send(Method::GET, path, headers, None).await
    }

    pub async fn post_form(
        &mut self,
        path: &str,
        headers: &[(&str, &str)],
        form: &[(&str, &str)],
    ) -> anyhow::Result<Resp> {
        let body = url::form_urlencoded::Serializer::new(String::new())
            .extend_pairs(form)
            .finish();
        self.send(
            Method::POST,
            path,
            headers,
            Some(("application/x-www-form-urlencoded", Bytes::from(body))),
        )
        .await
    }

    pub async fn post_json(
        &mut self,
        path: &str,
        headers: &[(&str, &str)],
        json: &impl serde::Serialize,
    ) -> anyhow::Result<Resp> {
        let body = serde_json::to_vec(json)?;
        self.send(
            Method::POST,
            path,
            headers,
            Some(("application/json", Bytes::from(body))),
        )
        .await
    }
}

/// Cookies by name, paths ignored (both servers accept that): what a browser tab would send.
#[derive(Clone, Debug, Default)]
pub struct Jar(Vec<(String, String)>);

impl Jar {
    /// The `Cookie` header value, or `None` when the jar is empty.
    pub fn header(&self) -> Option<String> {
        if self.0.is_empty() {
            return None;
        }
        Some(
            self.0
                .iter()
                .map(|(k, v)| format!("{k}={v}"))
                .collect::<Vec<_>>()
                .join("; "),
        )
    }

    /// Takes every `Set-Cookie` of a response: set, replace, or remove (empty value,
    /// `Max-Age=0` or an expiry in 1970).
    pub fn update(&mut self, headers: &HeaderMap) {
        for value in headers.get_all("set-cookie") {
            let Ok(line) = value.to_str() else { continue };
            let mut parts = line.split(';');
            let Some((name, value)) = parts.next().and_then(|p| p.trim().split_once('=')) else {
                continue;
            };
            let removed = value.is_empty()
                || parts.any(|a| {
                    let a = a.trim().to_ascii_lowercase();
                    a == "max-age=0" || (a.starts_with("expires=") && a.contains("1970"))
                });
            self.0.retain(|(k, _)| k != name);
            if !removed {
                self.0.push((name.to_owned(), value.to_owned()));
            }
        }
    }

    pub fn get(&self, name: &str) -> Option<&str> {
        self.0
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }
}
