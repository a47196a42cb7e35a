//! A PostgreSQL server for the tests: `CIVITAS_TEST_POSTGRES_URL` when set, otherwise a
//! throwaway server started here (the machine's `initdb` and `postgres` into a temporary
//! folder on a free port) that stops when the test process ends. Each test gets a fresh
//! database on it.

use std::{
    io::Read,
    path::{Path, PathBuf},
    process::{Child, Command, Stdio},
    sync::OnceLock,
    time::{Duration, Instant},
};

use sqlx::{Connection, Executor, PgConnection};

/// Where test databases are created: the admin URL of a server.
struct Server {
    admin_url: String,
    /// Holds the server's lifeline: when this process exits, the pipe closes and the wrapper
    /// stops PostgreSQL and removes its folder.
    _child: Option<Child>,
}

static SERVER: OnceLock<Result<Server, String>> = OnceLock::new();

fn required() -> bool {
    std::env::var("CIVITAS_REQUIRE_POSTGRES").is_ok_and(|v| v == "1")
}

/// A URL to a new, empty database, or `None` (after a loud message) when no PostgreSQL can be
/// had and none is required.
pub async fn fresh_database() -> Option<String> {
    let server = match SERVER.get_or_init(start) {
        Ok(s) => s,
        Err(why) if required() => {
            panic!("CIVITAS_REQUIRE_POSTGRES=1 but PostgreSQL is unavailable: {why}")
        }
        Err(why) => {
            eprintln!(
                "\n!!! SKIPPING a PostgreSQL test: {why}\n!!! Install PostgreSQL (apt-get install postgresql) or set CIVITAS_TEST_POSTGRES_URL.\n"
            );
            return None;
        }
    };
    let name = format!("civitas_test_{}", uuid::Uuid::new_v4().simple());
    let mut admin = connect_with_retry(&server.admin_url).await;
    admin
        .execute(sqlx::AssertSqlSafe(format!(r#"CREATE DATABASE "{name}""#)))
        .await
        .expect("create test database");
    let mut url = url::Url::parse(&server.admin_url).expect("admin url");
    url.set_path(&format!("/{name}"));
    Some(url.to_string())
}

async fn connect_with_retry(url: &str) -> PgConnection {
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        match PgConnection::connect(url).await {
            Ok(c) => return c,
            Err(e) if Instant::now() > deadline => panic!("cannot reach test PostgreSQL: {e}"),
            Err(_) => tokio::time::sleep(Duration::from_millis(100)).await,
        }
    }
}

fn start() -> Result<Server, String> {
    if let Ok(url) = std::env::var("CIVITAS_TEST_POSTGRES_URL") {
        return Ok(Server {
            admin_url: url,
            _child: None,
        });
    }
    let bin = find_bin_dir().ok_or("no initdb found on PATH or under /usr/lib/postgresql")?;
    let as_root = is_root();
    let dir = tempfile::Builder::new()
        .prefix("civitas-pg-")
        .tempdir()
        .map_err(|e| e.to_string())?
        .keep();
    if as_root {
        // PostgreSQL refuses to run as root: hand the folder to the postgres user.
        let (uid, gid) = postgres_ids().ok_or("running as root and there is no `postgres` user")?;
        std::os::unix::fs::chown(&dir, Some(uid), Some(gid)).map_err(|e| e.to_string())?;
    }
    let data = dir.join("data");
    let out = user_command(as_root, &bin.join("initdb"))
        .args(["-D"])
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
        .map_err(|e| format!("initdb: {e}"))?;
    if !out.status.success() {
        return Err(format!(
            "initdb failed: {}",
            String::from_utf8_lossy(&out.stderr)
        ));
    }
    let port = free_port();
    // The wrapper waits for its stdin to close (this process ending), then stops the server
    // and removes the folder.
    let script = r#"
        "$0" -D "$1/data" -p "$2" -k "$1" -c listen_addresses=127.0.0.1 \
             -c fsync=off -c full_page_writes=off -c max_connections=300 >"$1/log" 2>&1 &
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
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| format!("starting postgres: {e}"))?;
    let deadline = Instant::now() + Duration::from_secs(30);
    while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
        if Instant::now() > deadline {
            let mut log = String::new();
            let _ =
                std::fs::File::open(dir.join("log")).and_then(|mut f| f.read_to_string(&mut log));
            return Err(format!("postgres did not start: {log}"));
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    Ok(Server {
        admin_url: format!("postgres://civitas@127.0.0.1:{port}/postgres"),
        _child: Some(child),
    })
}

fn user_command(as_root: bool, program: &Path) -> Command {
    // The postgres user may not be able to enter the test's working directory.
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
    Command::new("id")
        .arg("-u")
        .output()
        .is_ok_and(|o| String::from_utf8_lossy(&o.stdout).trim() == "0")
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

pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free port")
}
