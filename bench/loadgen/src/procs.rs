//! Server processes (Civitas, the peer): start, wait until ready, read memory and CPU time from
//! /proc, stop. Every child dies with the load generator (parent-death signal), so an
//! interrupted run leaves nothing behind.

use std::{
    io::{BufRead, BufReader},
    os::unix::process::CommandExt,
    path::{Path, PathBuf},
    process::{Child, Command, Stdio},
    sync::{
        Arc,
        atomic::{AtomicBool, Ordering},
    },
    time::{Duration, Instant},
};

use anyhow::Context as _;

/// Makes `cmd` receive SIGTERM when the load generator ends, however it ends.
pub fn die_with_parent(cmd: &mut Command) {
    // SAFETY: prctl is async-signal-safe; nothing else runs between fork and exec.
    unsafe {
        cmd.pre_exec(|| {
            libc::prctl(libc::PR_SET_PDEATHSIG, libc::SIGTERM as libc::c_ulong);
            Ok(())
        });
    }
}

/// A running server.
pub struct Server {
    pub name: String,
    child: Child,
    pub log: PathBuf,
}

impl Server {
    /// Spawns `cmd` with stderr (and stdout unless `keep_stdout`) going to `log`.
    pub fn spawn(
        name: &str,
        mut cmd: Command,
        log: &Path,
        keep_stdout: bool,
    ) -> anyhow::Result<Self> {
        let file = std::fs::File::create(log)?;
        cmd.stdin(Stdio::null())
            .stderr(file.try_clone()?)
            .stdout(if keep_stdout {
                Stdio::piped()
            } else {
                Stdio::from(file)
            });
        die_with_parent(&mut cmd);
        let child = cmd
            .spawn()
            .with_context(|| format!("starting {name} ({:?})", cmd.get_program()))?;
        Ok(Self {
            name: name.to_owned(),
            child,
            log: log.to_owned(),
        })
    }

    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// Reads the first stdout line that starts with `prefix` (the peer's `listening …`).
    pub fn wait_for_line(&mut self, prefix: &str, timeout: Duration) -> anyhow::Result<String> {
        let stdout = self.child.stdout.take().context("stdout not captured")?;
        let (tx, rx) = std::sync::mpsc::channel();
        let prefix = prefix.to_owned();
        std::thread::spawn(move || {
            let mut reader = BufReader::new(stdout);
            let mut line = String::new();
            let mut found = false;
            while reader.read_line(&mut line).map(|n| n > 0).unwrap_or(false) {
                if !found && line.starts_with(&prefix) {
                    let _ = tx.send(line.trim().to_owned());
                    found = true;
                }
                line.clear();
            }
        });
        rx.recv_timeout(timeout).map_err(|_| {
            anyhow::anyhow!(
                "{} printed no `{}` line within {} s; see {}",
                self.name,
                "listening",
                timeout.as_secs(),
                self.log.display()
            )
        })
    }

    /// Fails when the process has already exited.
    pub fn check_alive(&mut self) -> anyhow::Result<()> {
        if let Some(status) = self.child.try_wait()? {
            anyhow::bail!(
                "{} exited ({status}); see {}",
                self.name,
                self.log.display()
            );
        }
        Ok(())
    }

    pub fn rss_kib(&self) -> Option<u64> {
        rss_kib(self.pid())
    }

    /// SIGTERM, then SIGKILL after `grace`. Returns the exit status text.
    pub fn stop(mut self, grace: Duration) -> String {
        // SAFETY: signalling our own child by its pid.
        unsafe {
            libc::kill(self.child.id() as i32, libc::SIGTERM);
        }
        let deadline = Instant::now() + grace;
        loop {
            match self.child.try_wait() {
                Ok(Some(status)) => return status.to_string(),
                Ok(None) if Instant::now() < deadline => {
                    std::thread::sleep(Duration::from_millis(50))
                }
                _ => {
                    let _ = self.child.kill();
                    let _ = self.child.wait();
                    return format!("killed after {} s", grace.as_secs());
                }
            }
        }
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        if let Ok(None) = self.child.try_wait() {
            let _ = self.child.kill();
            let _ = self.child.wait();
        }
    }
}

/// VmRSS of a process, KiB.
pub fn rss_kib(pid: u32) -> Option<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    status
        .lines()
        .find(|l| l.starts_with("VmRSS:"))
        .and_then(|l| l.split_whitespace().nth(1))
        .and_then(|v| v.parse().ok())
}

/// User + system CPU time of a process so far, seconds.
pub fn cpu_secs(pid: u32) -> f64 {
    let Ok(stat) = std::fs::read_to_string(format!("/proc/{pid}/stat")) else {
        return 0.0;
    };
    // Fields after the command name (which may hold spaces) in parentheses.
    let Some(rest) = stat.rsplit_once(')').map(|(_, r)| r) else {
        return 0.0;
    };
    let fields: Vec<&str> = rest.split_whitespace().collect();
    let ticks = |i: usize| {
        fields
            .get(i)
            .and_then(|v| v.parse::<u64>().ok())
            .unwrap_or(0)
    };
    // utime and stime are fields 14 and 15 of stat(5); here 11 and 12 (state is 0).
    // SAFETY: sysconf has no preconditions.
    let hz = unsafe { libc::sysconf(libc::_SC_CLK_TCK) }.max(1) as f64;
    (ticks(11) + ticks(12)) as f64 / hz
}

/// CPU time of the children this process has waited for (wrk, commands), seconds.
pub fn children_cpu_secs() -> f64 {
    // SAFETY: getrusage writes into the struct we hand it.
    let usage = unsafe {
        let mut u: libc::rusage = std::mem::zeroed();
        libc::getrusage(libc::RUSAGE_CHILDREN, &mut u);
        u
    };
    let secs = |t: libc::timeval| t.tv_sec as f64 + t.tv_usec as f64 / 1e6;
    secs(usage.ru_utime) + secs(usage.ru_stime)
}

/// Busy CPU time of the whole machine (all cores), seconds.
fn machine_busy_secs() -> f64 {
    let stat = std::fs::read_to_string("/proc/stat").unwrap_or_default();
    let Some(line) = stat.lines().next() else {
        return 0.0;
    };
    // cpu user nice system idle iowait irq softirq steal …: all but idle and iowait.
    let v: Vec<u64> = line
        .split_whitespace()
        .skip(1)
        .map(|x| x.parse().unwrap_or(0))
        .collect();
    let busy: u64 = [0usize, 1, 2, 5, 6, 7]
        .iter()
        .map(|&i| v.get(i).copied().unwrap_or(0))
        .sum();
    // SAFETY: sysconf has no preconditions.
    busy as f64 / unsafe { libc::sysconf(libc::_SC_CLK_TCK) }.max(1) as f64
}

/// CPU time of every PostgreSQL process on the machine (the benchmark's own server is the
/// only one), seconds.
fn postgres_cpu_secs() -> f64 {
    let Ok(dir) = std::fs::read_dir("/proc") else {
        return 0.0;
    };
    dir.filter_map(|e| e.ok())
        .filter_map(|e| e.file_name().to_str()?.parse::<u32>().ok())
        .filter(|pid| {
            std::fs::read_to_string(format!("/proc/{pid}/comm"))
                .is_ok_and(|c| c.trim() == "postgres")
        })
        .map(cpu_secs)
        .sum()
}

/// Where the CPU time of a scenario went.
#[derive(Clone, Copy, Debug, Default)]
pub struct CpuUse {
    /// The server process (Civitas or Node).
    pub server: f64,
    /// PostgreSQL's processes.
    pub database: f64,
    /// The load generator and wrk.
    pub loadgen: f64,
    /// Everything else on the machine: noise.
    pub other: f64,
}

/// Reads CPU counters at the start of a scenario; [`CpuMeter::finish`] gives the use since.
pub struct CpuMeter {
    pid: u32,
    start: [f64; 5],
}

impl CpuMeter {
    fn read(pid: u32) -> [f64; 5] {
        [
            cpu_secs(pid),
            postgres_cpu_secs(),
            cpu_secs(std::process::id()),
            children_cpu_secs(),
            machine_busy_secs(),
        ]
    }

    pub fn start(pid: u32) -> Self {
        Self {
            pid,
            start: Self::read(pid),
        }
    }

    pub fn finish(&self) -> CpuUse {
        let end = Self::read(self.pid);
        let d: Vec<f64> = (0..5).map(|i| (end[i] - self.start[i]).max(0.0)).collect();
        let loadgen = d[2] + d[3];
        CpuUse {
            server: d[0],
            database: d[1],
            loadgen,
            other: (d[4] - d[0] - d[1] - loadgen).max(0.0),
        }
    }
}

/// Samples a process's VmRSS every 100 ms on a thread of its own until stopped.
pub struct RssSampler {
    stop: Arc<AtomicBool>,
    handle: std::thread::JoinHandle<u64>,
}

impl RssSampler {
    pub fn start(pid: u32) -> Self {
        let stop = Arc::new(AtomicBool::new(false));
        let flag = stop.clone();
        let handle = std::thread::spawn(move || {
            let mut peak = rss_kib(pid).unwrap_or(0);
            while !flag.load(Ordering::Relaxed) {
                std::thread::sleep(Duration::from_millis(100));
                peak = peak.max(rss_kib(pid).unwrap_or(0));
            }
            peak.max(rss_kib(pid).unwrap_or(0))
        });
        Self { stop, handle }
    }

    /// The highest VmRSS seen, KiB.
    pub fn finish(self) -> u64 {
        self.stop.store(true, Ordering::Relaxed);
        self.handle.join().unwrap_or(0)
    }
}

/// A free TCP port on 127.0.0.1 (the OS picks; a race with another process is unlikely).
pub fn free_port() -> anyhow::Result<u16> {
    Ok(std::net::TcpListener::bind("127.0.0.1:0")?
        .local_addr()?
        .port())
}

/// Runs a command to completion (bounded by `timeout` through coreutils' `timeout`) and
/// returns (seconds, stdout, stderr); fails on a non-zero exit.
pub fn run_timed(
    what: &str,
    program: &Path,
    args: &[&str],
    env: &[(String, String)],
    dir: &Path,
    timeout: Duration,
) -> anyhow::Result<(f64, String, String)> {
    let mut cmd = Command::new("timeout");
    cmd.arg(timeout.as_secs().to_string())
        .arg(program)
        .args(args)
        .current_dir(dir)
        .env_remove("CIVITAS_CONFIG")
        .envs(env.iter().map(|(k, v)| (k, v)))
        .stdin(Stdio::null());
    die_with_parent(&mut cmd);
    let started = Instant::now();
    let out = cmd.output().with_context(|| format!("running {what}"))?;
    let secs = started.elapsed().as_secs_f64();
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    if !out.status.success() {
        anyhow::bail!(
            "{what} failed ({}): {}{}",
            out.status,
            stdout.trim(),
            stderr.trim()
        );
    }
    Ok((secs, stdout, stderr))
}

/// Warnings and errors in a server log (Civitas' text format, the peer's stderr), at most
/// `keep` distinct ones with their counts, timestamps stripped.
pub fn log_problems(log: &Path, keep: usize) -> (u64, Vec<(String, u64)>) {
    let Ok(text) = std::fs::read_to_string(log) else {
        return (0, vec![]);
    };
    let mut total = 0;
    let mut seen: Vec<(String, u64)> = Vec::new();
    for line in text.lines() {
        let upper = line.to_ascii_uppercase();
        if !(upper.contains(" WARN ")
            || upper.contains(" ERROR ")
            || upper.contains("WARNING")
            || upper.contains("ERROR:"))
        {
            continue;
        }
        total += 1;
        // Drop a leading RFC 3339 timestamp.
        let text = match line.split_once(' ') {
            Some((first, rest)) if first.len() > 18 && first.contains('T') => rest,
            _ => line,
        };
        let text: String = strip_ansi(text).chars().take(300).collect();
        if let Some(entry) = seen.iter_mut().find(|(t, _)| *t == text) {
            entry.1 += 1;
        } else if seen.len() < keep {
            seen.push((text, 1));
        }
    }
    (total, seen)
}

fn strip_ansi(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut chars = s.chars();
    while let Some(c) = chars.next() {
        if c == '\u{1b}' {
            for d in chars.by_ref() {
                if d.is_ascii_alphabetic() {
                    break;
                }
            }
        } else {
            out.push(c);
        }
    }
    out
}
