//! A throwaway PostgreSQL server for the benchmark, started as the tests start theirs
//! (tests/it/support/postgres.rs): the machine's `initdb` and `postgres` into a folder of our
//! own, on a free port of 127.0.0.1, as the `postgres` user when we are root. Unlike the
//! tests' server it keeps PostgreSQL's durable defaults (fsync, full_page_writes), and Civitas
//! sets `synchronous_commit=on` on its sessions. It stops, and its folder goes, when the load
//! generator ends.

use std::{
    io::Read,
    path::{Path, PathBuf},
    process::{Child, Command, Stdio},
    time::{Duration, Instant},
};

use anyhow::Context as _;
use sqlx::{Connection, Executor, PgConnection};

pub struct Postgres {
    admin_url: String,
    pub version: String,
    /// Closing its stdin stops the server and removes its folder.
    child: Child,
}

impl Postgres {
    /// Starts a server with its files under `parent`.
    pub fn start(parent: &Path) -> anyhow::Result<Self> {
        let bin = find_bin_dir().context(
            "no initdb found on PATH or under /usr/lib/postgresql (apt-get install postgresql)",
        )?;
        let version = Command::new(bin.join("postgres"))
            .arg("--version")
            .output()
            .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_owned())
            .unwrap_or_default();
        let as_root = is_root();
        let dir = parent.join("postgres");
        std::fs::create_dir_all(&dir)?;
        if as_root {
            // PostgreSQL refuses to run as root: hand the folder to the postgres user.
            let (uid, gid) =
                postgres_ids().context("running as root and there is no `postgres` user")?;
            std::os::unix::fs::chown(&dir, Some(uid), Some(gid))?;
        }
        let data = dir.join("data");
        let out = user_command(as_root, &bin.join("initdb"))
            .arg("-D")
            .arg(&data)
            .args([
                "-U",
                "civitas",
                "--auth=trust",
                "-E",
                "UTF8",
                "--no-sync",
                "--locale=C",
            ])
            .output()
            .context("initdb")?;
        if !out.status.success() {
            anyhow::bail!("initdb failed: {}", String::from_utf8_lossy(&out.stderr));
        }
        let port = crate::procs::free_port()?;
        // The wrapper waits for its stdin to close (the load generator ending), then stops the
        // server and removes the folder. Durability settings stay at their defaults.
        let script = r#"
            "$0" -D "$1/data" -p "$2" -k "$1" -c listen_addresses=127.0.0.1 >"$1/log" 2>&1 &
            pid=$!
            read _unused
            kill -INT "$pid"; wait "$pid"; rm -rf "$1"
        "#;
        let child = user_command(as_root, Path::new("sh"))
            .arg("-c")
            .arg(script)
            .arg(bin.join("postgres"))
            .arg(&dir)
            .arg(port.to_string())
            .stdin(Stdio::piped())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .context("starting postgres")?;
        let deadline = Instant::now() + Duration::from_secs(30);
        while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
            if Instant::now() > deadline {
                let mut log = String::new();
                let _ = std::fs::File::open(dir.join("log"))
                    .and_then(|mut f| f.read_to_string(&mut log));
                anyhow::bail!("postgres did not start: {log}");
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        Ok(Self {
            admin_url: format!("postgres://civitas@127.0.0.1:{port}/postgres?sslmode=disable"),
            version,
            child,
        })
    }

    /// A URL to a new, empty database named `name`.
    pub async fn fresh_database(&self, name: &str) -> anyhow::Result<String> {
        let mut admin = connect_with_retry(&self.admin_url).await?;
        admin
            .execute(sqlx::AssertSqlSafe(format!(
                r#"DROP DATABASE IF EXISTS "{name}""#
            )))
            .await?;
        admin
            .execute(sqlx::AssertSqlSafe(format!(r#"CREATE DATABASE "{name}""#)))
            .await?;
        admin.close().await?;
        let mut url = url::Url::parse(&self.admin_url)?;
        url.set_path(&format!("/{name}"));
        Ok(url.to_string())
    }

    /// Stops the server (its wrapper removes the folder) and waits for that, at most 30 s.
    pub fn stop(mut self) {
        drop(self.child.stdin.take());
        let deadline = Instant::now() + Duration::from_secs(30);
        while Instant::now() < deadline {
            if let Ok(Some(_)) = self.child.try_wait() {
                return;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        let _ = self.child.kill();
    }

    /// Drops a database made by [`Self::fresh_database`] (frees its disk space).
    pub async fn drop_database(&self, name: &str) -> anyhow::Result<()> {
        let mut admin = connect_with_retry(&self.admin_url).await?;
        admin
            .execute(sqlx::AssertSqlSafe(format!(
                r#"DROP DATABASE IF EXISTS "{name}" WITH (FORCE)"#
            )))
            .await?;
        admin.close().await?;
        Ok(())
    }
}

async fn connect_with_retry(url: &str) -> anyhow::Result<PgConnection> {
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        match PgConnection::connect(url).await {
            Ok(c) => return Ok(c),
            Err(e) if Instant::now() > deadline => {
                return Err(anyhow::anyhow!(
                    "cannot reach the benchmark PostgreSQL: {e}"
                ));
            }
            Err(_) => tokio::time::sleep(Duration::from_millis(100)).await,
        }
    }
}

fn user_command(as_root: bool, program: &Path) -> Command {
    let mut c = if as_root {
        let mut c = Command::new("runuser");
        c.args(["-u", "postgres", "--"]).arg(program);
        c
    } else {
        Command::new(program)
    };
    c.current_dir("/");
    c
}

fn find_bin_dir() -> Option<PathBuf> {
    if let Ok(out) = Command::new("pg_config").arg("--bindir").output()
        && out.status.success()
    {
        let dir = PathBuf::from(String::from_utf8_lossy(&out.stdout).trim());
        if dir.join("initdb").exists() && dir.join("postgres").exists() {
            return Some(dir);
        }
    }
    let mut dirs: Vec<PathBuf> = std::fs::read_dir("/usr/lib/postgresql")
        .ok()?
        .filter_map(|e| e.ok().map(|e| e.path().join("bin")))
        .filter(|d| d.join("initdb").exists() && d.join("postgres").exists())
        .collect();
    dirs.sort_by_key(|d| {
        d.parent()
            .and_then(|p| p.file_name())
            .and_then(|n| n.to_str())
            .and_then(|n| n.parse::<u32>().ok())
            .unwrap_or(0)
    });
    dirs.pop()
}

fn is_root() -> bool {
    // SAFETY: geteuid has no preconditions.
    unsafe { libc::geteuid() == 0 }
}

fn postgres_ids() -> Option<(u32, u32)> {
    let id = |flag: &str| -> Option<u32> {
        let out = Command::new("id").args([flag, "postgres"]).output().ok()?;
        out.status
            .success()
            .then(|| String::from_utf8_lossy(&out.stdout).trim().parse().ok())?
    };
    Some((id("-u")?, id("-g")?))
}
