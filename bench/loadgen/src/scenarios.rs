//! The timed scenarios: workers (one connection each) that set up, wait at a common start,
//! then loop until the deadline, recording latencies in HDR histograms; and the wrk runs for
//! the single-request scenarios. Server memory (VmRSS every 100 ms) and CPU time are read
//! from /proc around each scenario.

use std::{
    collections::BTreeMap,
    future::Future,
    path::Path,
    sync::Arc,
    time::{Duration, Instant},
};

use anyhow::Context as _;
use hdrhistogram::Histogram;
use serde::Serialize;
use tokio::sync::{mpsc, watch};

use crate::{
    civitas::Passkey,
    oidc::Target,
    procs::{self, CpuMeter, CpuUse, RssSampler},
};

/// The scenarios, in the order they run.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Scenario {
    Discovery,
    Jwks,
    Refresh,
    CodeRedemption,
    Sso,
    Passkey,
}

impl Scenario {
    pub const ALL: [Scenario; 6] = [
        Scenario::Discovery,
        Scenario::Jwks,
        Scenario::Refresh,
        Scenario::CodeRedemption,
        Scenario::Sso,
        Scenario::Passkey,
    ];

    pub fn id(self) -> &'static str {
        match self {
            Scenario::Discovery => "discovery",
            Scenario::Jwks => "jwks",
            Scenario::Refresh => "refresh",
            Scenario::CodeRedemption => "code_redemption",
            Scenario::Sso => "sso",
            Scenario::Passkey => "passkey",
        }
    }

    pub fn title(self) -> &'static str {
        match self {
            Scenario::Discovery => "discovery",
            Scenario::Jwks => "JWKS",
            Scenario::Refresh => "refresh grant",
            Scenario::CodeRedemption => "code redemption",
            Scenario::Sso => "SSO round trip",
            Scenario::Passkey => "passkey sign-in",
        }
    }

    pub fn unit(self) -> &'static str {
        match self {
            Scenario::Discovery | Scenario::Jwks => "requests/s",
            Scenario::Refresh => "token responses/s",
            Scenario::CodeRedemption => "redemptions/s",
            Scenario::Sso => "flows/s",
            Scenario::Passkey => "ceremonies/s",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|x| x.id() == s)
    }
}

/// What one worker saw.
pub struct Stats {
    pub ops: u64,
    pub errors: u64,
    pub hist: Histogram<u64>,
    pub messages: BTreeMap<String, u64>,
}

impl Default for Stats {
    fn default() -> Self {
        Self {
            ops: 0,
            errors: 0,
            // 1 µs .. 120 s, 3 significant digits.
            hist: Histogram::new_with_bounds(1, 120_000_000, 3).expect("histogram bounds"),
            messages: BTreeMap::new(),
        }
    }
}

impl Stats {
    pub fn ok(&mut self, since: Instant) {
        self.ops += 1;
        let micros = since.elapsed().as_micros() as u64;
        self.hist.saturating_record(micros.max(1));
    }

    pub fn err(&mut self, message: String) {
        self.errors += 1;
        // Random values (codes, tokens, ids) would make every message distinct: keep the
        // first 160 characters, and at most 20 different messages.
        let message: String = message.chars().take(160).collect();
        if let Some(n) = self.messages.get_mut(&message) {
            *n += 1;
        } else if self.messages.len() < 20 {
            self.messages.insert(message, 1);
        } else {
            *self.messages.entry("(other messages)".into()).or_default() += 1;
        }
    }

    fn merge(&mut self, other: Stats) {
        self.ops += other.ops;
        self.errors += other.errors;
        let _ = self.hist.add(&other.hist);
        for (m, n) in other.messages {
            *self.messages.entry(m).or_default() += n;
        }
    }
}

/// One scenario on one server in one round: the raw figures.
#[derive(Clone, Debug, Serialize)]
pub struct Measured {
    pub scenario: Scenario,
    pub target: &'static str,
    pub round: usize,
    /// The server run (a number over the whole command) these figures come from.
    pub run: usize,
    pub connections: usize,
    pub ops: u64,
    pub errors: u64,
    pub elapsed_s: f64,
    pub rate: f64,
    pub p50_ms: f64,
    pub p90_ms: f64,
    pub p99_ms: f64,
    pub max_ms: f64,
    pub rss_peak_kib: u64,
    /// CPU time of the server process during the scenario.
    pub server_cpu_s: f64,
    pub server_cpu_us_per_op: f64,
    /// CPU time of PostgreSQL's processes (Civitas on PostgreSQL).
    pub database_cpu_s: f64,
    pub database_cpu_us_per_op: f64,
    /// CPU time of the load generator (and wrk).
    pub loadgen_cpu_s: f64,
    /// CPU time of everything else on the machine: noise in the figures.
    pub other_cpu_s: f64,
    /// Error messages and how often each was seen.
    pub errors_seen: Vec<(String, u64)>,
    /// What the latency covers.
    pub latency_of: &'static str,
}

/// Everything a worker needs to know to start.
pub struct Gate {
    ready: mpsc::Sender<()>,
    start: watch::Receiver<Option<Instant>>,
}

impl Gate {
    /// Says this worker is set up, waits for the common start; returns the deadline.
    pub async fn ready(mut self) -> Instant {
        let _ = self.ready.send(()).await;
        loop {
            if let Some(deadline) = *self.start.borrow_and_update() {
                return deadline;
            }
            if self.start.changed().await.is_err() {
                return Instant::now();
            }
        }
    }
}

/// Runs `workers` copies of a worker: all set up, start together, run `duration`.
pub async fn drive<F, Fut>(
    workers: usize,
    duration: Duration,
    server_pid: u32,
    mut make: F,
) -> anyhow::Result<(Stats, f64, u64, CpuUse)>
where
    F: FnMut(usize, Gate) -> Fut,
    Fut: Future<Output = Stats> + Send + 'static,
{
    let (ready_tx, mut ready_rx) = mpsc::channel(workers);
    let (start_tx, start_rx) = watch::channel(None);
    let mut handles = Vec::with_capacity(workers);
    for i in 0..workers {
        let gate = Gate {
            ready: ready_tx.clone(),
            start: start_rx.clone(),
        };
        handles.push(tokio::spawn(make(i, gate)));
    }
    drop(ready_tx);
    let setup_deadline = Instant::now() + Duration::from_secs(120);
    for _ in 0..workers {
        tokio::time::timeout_at(setup_deadline.into(), ready_rx.recv())
            .await
            .context("workers did not finish their setup within 120 s")?;
    }
    let meter = CpuMeter::start(server_pid);
    let sampler = RssSampler::start(server_pid);
    let started = Instant::now();
    let _ = start_tx.send(Some(started + duration));
    let mut total = Stats::default();
    for h in handles {
        total.merge(h.await?);
    }
    let elapsed = started.elapsed().as_secs_f64();
    let peak = sampler.finish();
    Ok((total, elapsed, peak, meter.finish()))
}

#[allow(clippy::too_many_arguments)]
fn measured(
    scenario: Scenario,
    target: &'static str,
    load: Load,
    connections: usize,
    stats: Stats,
    elapsed: f64,
    peak: u64,
    cpu: CpuUse,
    latency_of: &'static str,
) -> Measured {
    let q = |p: f64| stats.hist.value_at_quantile(p) as f64 / 1000.0;
    let (p50, p90, p99) = if stats.ops > 0 {
        (q(0.50), q(0.90), q(0.99))
    } else {
        (0.0, 0.0, 0.0)
    };
    Measured {
        scenario,
        target,
        round: load.round,
        run: load.run,
        connections,
        ops: stats.ops,
        errors: stats.errors,
        elapsed_s: elapsed,
        rate: if elapsed > 0.0 {
            stats.ops as f64 / elapsed
        } else {
            0.0
        },
        p50_ms: p50,
        p90_ms: p90,
        p99_ms: p99,
        max_ms: if stats.ops > 0 {
            stats.hist.max() as f64 / 1000.0
        } else {
            0.0
        },
        rss_peak_kib: peak,
        server_cpu_s: cpu.server,
        server_cpu_us_per_op: per_op(cpu.server, stats.ops),
        database_cpu_s: cpu.database,
        database_cpu_us_per_op: per_op(cpu.database, stats.ops),
        loadgen_cpu_s: cpu.loadgen,
        other_cpu_s: cpu.other,
        errors_seen: stats.messages.into_iter().collect(),
        latency_of,
    }
}

fn per_op(secs: f64, ops: u64) -> f64 {
    if ops > 0 {
        secs * 1e6 / ops as f64
    } else {
        0.0
    }
}

/// Settings shared by the scenarios of a run.
#[derive(Clone, Copy)]
pub struct Load {
    pub connections: usize,
    pub duration: Duration,
    pub round: usize,
    pub run: usize,
}

/// Scenario 3: each worker gets its own refresh token through a sign-in, then refreshes with
/// the newest one (rotation) until the deadline.
pub async fn refresh(t: Arc<Target>, load: Load, pid: u32) -> anyhow::Result<Measured> {
    let (stats, elapsed, peak, cpu) = drive(load.connections, load.duration, pid, |i, gate| {
        let t = t.clone();
        async move {
            let mut stats = Stats::default();
            let mut conn = t.conn();
            let mut jar = t.sessions[i % t.sessions.len()].clone();
            let mut token = obtain_refresh_token(&t, &mut conn, &mut jar, &mut stats).await;
            let deadline = gate.ready().await;
            while Instant::now() < deadline {
                let Some(current) = token.take() else {
                    // The chain broke (an error): sign in again, untimed.
                    token = obtain_refresh_token(&t, &mut conn, &mut jar, &mut stats).await;
                    if token.is_none() {
                        tokio::time::sleep(Duration::from_millis(20)).await;
                    }
                    continue;
                };
                let t0 = Instant::now();
                match t.refresh(&mut conn, &current).await {
                    Ok(next) => {
                        stats.ok(t0);
                        token = Some(next);
                    }
                    Err(e) => stats.err(e),
                }
            }
            stats
        }
    })
    .await?;
    Ok(measured(
        Scenario::Refresh,
        t.kind.id(),
        load,
        load.connections,
        stats,
        elapsed,
        peak,
        cpu,
        "one refresh-grant token request",
    ))
}

async fn obtain_refresh_token(
    t: &Target,
    conn: &mut crate::http::Conn,
    jar: &mut crate::http::Jar,
    stats: &mut Stats,
) -> Option<String> {
    match t.sso_tokens(conn, jar).await {
        Ok(body) => match body["refresh_token"].as_str() {
            Some(rt) => Some(rt.to_owned()),
            None => {
                stats.err(format!("POST {}: no refresh_token issued", t.token_path));
                None
            }
        },
        Err(e) => {
            stats.err(format!("sign-in for a refresh token: {e}"));
            None
        }
    }
}

/// Scenario 4: authorization request with the session (→ code), then the code redeemed with
/// PKCE and a private_key_jwt assertion. The latency is the token request's.
pub async fn code_redemption(t: Arc<Target>, load: Load, pid: u32) -> anyhow::Result<Measured> {
    let (stats, elapsed, peak, cpu) = drive(load.connections, load.duration, pid, |i, gate| {
        let t = t.clone();
        async move {
            let mut stats = Stats::default();
            let mut conn = t.conn();
            let mut jar = t.sessions[i % t.sessions.len()].clone();
            let deadline = gate.ready().await;
            while Instant::now() < deadline {
                let (code, verifier) = match t.authorize(&mut conn, &mut jar, &t.jwt_client).await {
                    Ok(c) => c,
                    Err(e) => {
                        stats.err(e);
                        continue;
                    }
                };
                let t0 = Instant::now();
                match t.redeem_with_jwt(&mut conn, &code, &verifier).await {
                    Ok(_) => stats.ok(t0),
                    Err(e) => stats.err(e),
                }
            }
            stats
        }
    })
    .await?;
    Ok(measured(
        Scenario::CodeRedemption,
        t.kind.id(),
        load,
        load.connections,
        stats,
        elapsed,
        peak,
        cpu,
        "the token request (authorization_code + PKCE + private_key_jwt); the authorization request before it is not counted",
    ))
}

/// Scenario 5: authorize → code → token (client_secret_basic) → userinfo, one flow.
pub async fn sso(t: Arc<Target>, load: Load, pid: u32) -> anyhow::Result<Measured> {
    let (stats, elapsed, peak, cpu) = drive(load.connections, load.duration, pid, |i, gate| {
        let t = t.clone();
        async move {
            let mut stats = Stats::default();
            let mut conn = t.conn();
            let mut jar = t.sessions[i % t.sessions.len()].clone();
            let deadline = gate.ready().await;
            while Instant::now() < deadline {
                let t0 = Instant::now();
                let flow = async {
                    let tokens = t.sso_tokens(&mut conn, &mut jar).await?;
                    let access = tokens["access_token"].as_str().unwrap_or_default();
                    t.userinfo(&mut conn, access).await
                };
                match flow.await {
                    Ok(()) => stats.ok(t0),
                    Err(e) => stats.err(e),
                }
            }
            stats
        }
    })
    .await?;
    Ok(measured(
        Scenario::Sso,
        t.kind.id(),
        load,
        load.connections,
        stats,
        elapsed,
        peak,
        cpu,
        "the whole flow: authorization request, token request, userinfo request",
    ))
}

/// Scenario 6 (Civitas only): usernameless passkey sign-in, begin + finish, each worker with
/// its own citizen's passkey (a sign counter must only grow, so one credential is never
/// used by two workers at once).
pub async fn passkey(
    t: Arc<Target>,
    passkeys: Vec<Passkey>,
    load: Load,
    pid: u32,
) -> anyhow::Result<(Measured, Vec<Passkey>)> {
    let workers = load.connections.min(passkeys.len());
    let slots: Arc<std::sync::Mutex<Vec<Option<Passkey>>>> = Arc::new(std::sync::Mutex::new(
        passkeys.into_iter().map(Some).collect(),
    ));
    let (stats, elapsed, peak, cpu) = drive(workers, load.duration, pid, |i, gate| {
        let t = t.clone();
        let slots = slots.clone();
        async move {
            let mut stats = Stats::default();
            let mut conn = t.conn();
            let Some(mut key) = slots.lock().ok().and_then(|mut s| s[i].take()) else {
                stats.err("no passkey for this worker".into());
                gate.ready().await;
                return stats;
            };
            let deadline = gate.ready().await;
            while Instant::now() < deadline {
                let t0 = Instant::now();
                match crate::civitas::passkey_sign_in(&t, &mut conn, &mut key).await {
                    Ok(()) => stats.ok(t0),
                    Err(e) => stats.err(e),
                }
            }
            if let Ok(mut s) = slots.lock() {
                s[i] = Some(key);
            }
            stats
        }
    })
    .await?;
    let back = slots
        .lock()
        .map(|mut s| s.iter_mut().filter_map(Option::take).collect())
        .unwrap_or_default();
    Ok((
        measured(
            Scenario::Passkey,
            t.kind.id(),
            load,
            workers,
            stats,
            elapsed,
            peak,
            cpu,
            "the ceremony: POST /passkeys/signin/start, the software authenticator's signature, POST /passkeys/signin/finish",
        ),
        back,
    ))
}

/// Scenarios 1 and 2: one GET in a loop, by wrk (its Lua `done()` prints JSON).
pub async fn wrk(
    scenario: Scenario,
    t: &Target,
    path: &str,
    load: Load,
    pid: u32,
    work: &Path,
) -> anyhow::Result<Measured> {
    let script = work.join("report.lua");
    std::fs::write(&script, WRK_SCRIPT)?;
    let url = format!("http://{}{}", t.addr, path);
    let threads = load.connections.clamp(1, 2);
    let mut cmd = std::process::Command::new("wrk");
    cmd.args([
        "-t",
        &threads.to_string(),
        "-c",
        &load.connections.to_string(),
        "-d",
        &format!("{}s", load.duration.as_secs().max(1)),
        "--timeout",
        "10s",
        "-H",
        &format!("Host: {}", t.host),
        "-s",
    ])
    .arg(&script)
    .arg(&url)
    .stdin(std::process::Stdio::null());
    procs::die_with_parent(&mut cmd);
    let meter = CpuMeter::start(pid);
    let sampler = RssSampler::start(pid);
    let started = Instant::now();
    let out = tokio::task::spawn_blocking(move || cmd.output())
        .await?
        .context("running wrk (apt-get install wrk)")?;
    let elapsed = started.elapsed().as_secs_f64();
    let peak = sampler.finish();
    let cpu = meter.finish();
    let stdout = String::from_utf8_lossy(&out.stdout);
    let line = stdout
        .lines()
        .find_map(|l| l.strip_prefix("WRKJSON "))
        .with_context(|| {
            format!(
                "wrk printed no result: {} {}",
                stdout.trim(),
                String::from_utf8_lossy(&out.stderr).trim()
            )
        })?;
    let v: serde_json::Value = serde_json::from_str(line)?;
    let n = |k: &str| v[k].as_f64().unwrap_or(0.0);
    let duration_s = n("duration_us") / 1e6;
    let requests = n("requests") as u64;
    let errors = n("errors") as u64;
    let mut errors_seen = vec![];
    for (k, label) in [
        ("status", "non-2xx/3xx status"),
        ("connect", "connect error"),
        ("read", "read error"),
        ("write", "write error"),
        ("timeout", "timeout"),
    ] {
        let count = n(k) as u64;
        if count > 0 {
            errors_seen.push((format!("GET {path}: {label} (wrk)"), count));
        }
    }
    let ok = requests.saturating_sub(n("status") as u64);
    let _ = elapsed;
    Ok(Measured {
        scenario,
        target: t.kind.id(),
        round: load.round,
        run: load.run,
        connections: load.connections,
        ops: ok,
        errors,
        elapsed_s: duration_s,
        rate: if duration_s > 0.0 {
            ok as f64 / duration_s
        } else {
            0.0
        },
        p50_ms: n("p50_us") / 1000.0,
        p90_ms: n("p90_us") / 1000.0,
        p99_ms: n("p99_us") / 1000.0,
        max_ms: n("max_us") / 1000.0,
        rss_peak_kib: peak,
        server_cpu_s: cpu.server,
        server_cpu_us_per_op: per_op(cpu.server, ok),
        database_cpu_s: cpu.database,
        database_cpu_us_per_op: per_op(cpu.database, ok),
        loadgen_cpu_s: cpu.loadgen,
        other_cpu_s: cpu.other,
        errors_seen,
        latency_of: "one GET (wrk, 2 threads)",
    })
}

const WRK_SCRIPT: &str = r#"-- Written by civitas-loadgen: prints wrk's result as one JSON line.
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    'WRKJSON {"requests":%.0f,"duration_us":%.0f,"errors":%.0f,"status":%.0f,"connect":%.0f,"read":%.0f,"write":%.0f,"timeout":%.0f,"p50_us":%.0f,"p90_us":%.0f,"p99_us":%.0f,"max_us":%.0f}\n',
    summary.requests, summary.duration, e.connect + e.read + e.write + e.status + e.timeout,
    e.status, e.connect, e.read, e.write, e.timeout,
    latency:percentile(50), latency:percentile(90), latency:percentile(99), latency.max))
end
"#;
