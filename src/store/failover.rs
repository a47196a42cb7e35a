//! PostgreSQL behind a failover: the database URL may name several hosts, as libpq's does
//! (`postgres://user@db-1:5432,db-2:5432/civitas?target_session_attrs=read-write`). Civitas
//! connects to the first host that accepts writes (`SHOW transaction_read_only` is `off`),
//! refuses a new connection to a host that does not (a standby, or a demoted primary), and
//! while the database does not answer checks every `WATCH` which host is now the primary and
//! points the pool there. Nothing is buffered meanwhile: a request that needs the database
//! fails (503) until a primary answers, and `/readyz` says so.
//!
//! With one host and no `target_session_attrs` nothing changes: one host, any session.

use std::{
    str::FromStr,
    sync::{
        Arc,
        atomic::{AtomicUsize, Ordering},
    },
    time::{Duration, Instant},
};

use sqlx::{
    ConnectOptions, Connection, PgConnection,
    postgres::{PgConnectOptions, PgPool, PgPoolOptions},
};

/// How often the watch checks the pool's host while there are several.
const WATCH: Duration = Duration::from_millis(500);
/// How long one probe of a host may take.
const PROBE: Duration = Duration::from_secs(1);

/// The hosts of a database URL, in order, and whether a session must accept writes.
#[derive(Clone, Debug)]
pub struct Hosts {
    pub options: Vec<PgConnectOptions>,
    /// Their `host:port`, for messages (no credentials).
    pub names: Vec<String>,
    pub read_write: bool,
}

/// Splits a PostgreSQL URL with one or several hosts. `target_session_attrs` may be `any`
/// (the default with one host) or `read-write` (the default with several: a standby must
/// never take writes); anything else is refused.
pub fn parse_url(url: &str) -> Result<Hosts, String> {
    let (scheme, rest) = url
        .split_once("://")
        .ok_or("the database URL must start with postgres://")?;
    if scheme != "postgres" && scheme != "postgresql" {
        return Err(format!("unknown database URL scheme `{scheme}`"));
    }
    let end = rest.find(['/', '?']).unwrap_or(rest.len());
    let (authority, tail) = rest.split_at(end);
    let (userinfo, host_list) = match authority.rsplit_once('@') {
        Some((u, h)) => (Some(u), h),
        None => (None, authority),
    };
    let (path, query) = match tail.split_once('?') {
        Some((p, q)) => (p, Some(q)),
        None => (tail, None),
    };
    let mut attrs = None;
    let mut kept = Vec::new();
    for pair in query.unwrap_or("").split('&').filter(|p| !p.is_empty()) {
        match pair.split_once('=') {
            Some(("target_session_attrs", v)) => {
                if attrs.replace(v).is_some() {
                    return Err("target_session_attrs is given twice in the database URL".into());
                }
            }
            _ => kept.push(pair),
        }
    }
    let hosts: Vec<&str> = host_list.split(',').collect();
    if hosts.iter().any(|h| h.is_empty()) {
        return Err("the database URL has an empty host (two commas, or a comma at an end)".into());
    }
    let read_write = match attrs {
        None => hosts.len() > 1,
        Some("read-write" | "primary") => true,
        Some("any") => false,
        Some(other) => {
            return Err(format!(
                "target_session_attrs={other} is not supported: use read-write (or any with one host)"
            ));
        }
    };
    let mut options = Vec::with_capacity(hosts.len());
    for host in &hosts {
        let mut one = format!("{scheme}://");
        if let Some(u) = userinfo {
            one.push_str(u);
            one.push('@');
        }
        one.push_str(host);
        one.push_str(path);
        if !kept.is_empty() {
            one.push('?');
            one.push_str(&kept.join("&"));
        }
        let parsed = PgConnectOptions::from_str(&one)
            .map_err(|e| format!("database host `{host}` in the URL: {e}"))?;
        options.push(parsed);
    }
    Ok(Hosts {
        names: hosts.iter().map(|h| (*h).to_owned()).collect(),
        options,
        read_write,
    })
}

/// Whether the server this connection reached takes writes.
pub async fn accepts_writes(conn: &mut sqlx::PgConnection) -> Result<bool, sqlx::Error> {
    let read_only: String = sqlx::query_scalar("SHOW transaction_read_only")
        .fetch_one(conn)
        .await?;
    Ok(read_only == "off")
}

/// The first host (from `start`, wrapping) that answers and takes writes, or why none does.
pub async fn find_primary(hosts: &Hosts, start: usize) -> Result<usize, String> {
    let n = hosts.options.len();
    let mut why = Vec::with_capacity(n);
    for k in 0..n {
        let i = (start + k) % n;
        let probe = async {
            let mut conn = hosts.options[i].connect().await?;
            let writes = accepts_writes(&mut conn).await;
            let _ = conn.close().await;
            writes
        };
        match tokio::time::timeout(PROBE, probe).await {
            Ok(Ok(true)) => return Ok(i),
            Ok(Ok(false)) => why.push(format!("{} is read-only (a standby)", hosts.names[i])),
            Ok(Err(e)) => why.push(format!("{}: {e}", hosts.names[i])),
            Err(_) => why.push(format!(
                "{} did not answer within {PROBE:?}",
                hosts.names[i]
            )),
        }
    }
    Err(why.join("; "))
}

/// Keeps a pool pointed at the primary of [`Hosts`]: refuses new connections to a server
/// that does not take writes, drops pooled connections made before the last switch, and
/// (with several hosts) watches which host is the primary.
#[derive(Clone)]
pub struct Watch {
    hosts: Arc<Hosts>,
    current: Arc<AtomicUsize>,
    /// When the pool last switched hosts; connections older than that are closed when next
    /// taken from the pool.
    switched: Arc<std::sync::Mutex<Option<Instant>>>,
}

impl Watch {
    pub fn new(hosts: Arc<Hosts>, current: usize) -> Self {
        Self {
            hosts,
            current: Arc::new(AtomicUsize::new(current)),
            switched: Arc::new(std::sync::Mutex::new(None)),
        }
    }

    /// Pool options with the checks above.
    pub fn pool_options(&self) -> PgPoolOptions {
        let read_write = self.hosts.read_write;
        let switched = self.switched.clone();
        PgPoolOptions::new()
            .after_connect(move |conn, _| {
                Box::pin(async move {
                    if read_write && !accepts_writes(conn).await? {
                        return Err(sqlx::Error::Protocol(
                            "this database host is read-only (a standby)".into(),
                        ));
                    }
                    Ok(())
                })
            })
            .before_acquire(move |_, meta| {
                let since = switched
                    .lock()
                    .unwrap_or_else(|p| p.into_inner())
                    .map(|at| at.elapsed());
                // A connection made before the switch reaches the old primary.
                let keep = since.is_none_or(|since| meta.age < since);
                Box::pin(async move { Ok(keep) })
            })
    }

    /// Checks the pool's host every [`WATCH`] on a connection of its own; while it does not
    /// answer or no longer takes writes, finds the host that does and points the pool there.
    /// Ends when the pool is closed.
    pub fn spawn(self, pool: PgPool) {
        tokio::spawn(async move {
            let mut tick = tokio::time::interval(WATCH);
            tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
            let mut conn: Option<PgConnection> = None;
            loop {
                tick.tick().await;
                if pool.is_closed() {
                    return;
                }
                let now = self.current.load(Ordering::Relaxed);
                let healthy = tokio::time::timeout(PROBE, async {
                    if conn.is_none() {
                        conn = Some(self.hosts.options[now].connect().await?);
                    }
                    match conn.as_mut() {
                        Some(c) => accepts_writes(c).await,
                        None => Ok(false),
                    }
                })
                .await;
                if matches!(healthy, Ok(Ok(true))) {
                    continue;
                }
                if let Some(c) = conn.take() {
                    let _ = tokio::time::timeout(PROBE, c.close()).await;
                }
                match find_primary(&self.hosts, now).await {
                    Ok(i) if i != now => {
                        pool.set_connect_options(self.hosts.options[i].clone());
                        self.current.store(i, Ordering::Relaxed);
                        *self.switched.lock().unwrap_or_else(|p| p.into_inner()) =
                            Some(Instant::now());
                        tracing::warn!(
                            from = %self.hosts.names[now],
                            to = %self.hosts.names[i],
                            "the database primary changed: connections go to the new one"
                        );
                    }
                    Ok(_) => {}
                    Err(why) => tracing::warn!(%why, "no database host takes writes"),
                }
            }
        });
    }
}
