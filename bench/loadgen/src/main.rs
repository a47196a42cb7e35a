//! civitas-loadgen: the benchmark harness of issue #7, run by `bench/run.sh`.
//!
//! It starts every server itself (Civitas on SQLite, Civitas on PostgreSQL with a throwaway
//! local server, the peer `bench/peer`), alternating them round by round, drives the same
//! scenarios against each on 127.0.0.1 only, for a fixed time with a fixed number of
//! connections, and writes BENCHMARKS.md and bench/results.json. Every loop is bounded in
//! time; every process it starts ends with it.

mod civitas;
mod floor;
mod http;
mod ledger;
mod oidc;
mod peer;
mod postgres;
mod procs;
mod report;
mod scenarios;

use std::{
    path::PathBuf,
    process::ExitCode,
    sync::Arc,
    time::{Duration, Instant},
};

use anyhow::Context as _;
use clap::Parser;

use crate::{
    oidc::{ClientKey, Kind, Target},
    procs::Server,
    report::{ImportRun, LedgerRun, Results, TargetRun},
    scenarios::{Load, Measured, Scenario},
};

/// Benchmarks Civitas (SQLite, PostgreSQL) side by side with panva's oidc-provider and writes
/// BENCHMARKS.md and a JSON file of raw figures. Normally run through bench/run.sh.
#[derive(Debug, Parser)]
#[command(name = "civitas-loadgen", version)]
struct Args {
    /// Seconds per scenario.
    #[arg(long, default_value_t = 10, value_parser = clap::value_parser!(u64).range(1..=600))]
    duration: u64,
    /// Concurrent connections (one worker each).
    #[arg(long, default_value_t = 32, value_parser = clap::value_parser!(u64).range(1..=1024))]
    connections: u64,
    /// Signed-in sessions per server, spread over the connections.
    #[arg(long, default_value_t = 8, value_parser = clap::value_parser!(u64).range(1..=1024))]
    sessions: u64,
    /// Rounds; each runs Civitas SQLite, the peer, Civitas PostgreSQL, the peer (A, B, A, B).
    /// One by default, so that the whole command stays under ten minutes from a cold build.
    #[arg(long, default_value_t = 1, value_parser = clap::value_parser!(u64).range(1..=20))]
    rounds: u64,
    /// In how many rounds (the first ones) the re-import and the ledger run.
    #[arg(long, default_value_t = 1)]
    heavy_rounds: usize,
    /// Rows of the generated registry file.
    #[arg(long, default_value_t = 100_000)]
    import_rows: usize,
    /// Records in the ledger that is verified.
    #[arg(long, default_value_t = 1_000_000)]
    ledger_records: u64,
    /// Servers to include (comma-separated): sqlite, postgres, peer.
    #[arg(long, value_delimiter = ',', default_value = "sqlite,postgres,peer")]
    targets: Vec<String>,
    /// Scenarios to run (comma-separated): discovery, jwks, refresh, code_redemption, sso,
    /// passkey, import, ledger.
    #[arg(
        long,
        value_delimiter = ',',
        default_value = "discovery,jwks,refresh,code_redemption,sso,passkey,import,ledger"
    )]
    scenarios: Vec<String>,
    /// The civitas binary to benchmark.
    #[arg(long, default_value = "target/release/civitas")]
    civitas_bin: PathBuf,
    /// The peer's folder (npm ci already run).
    #[arg(long, default_value = "bench/peer")]
    peer_dir: PathBuf,
    /// Where to write the Markdown report.
    #[arg(long, default_value = "BENCHMARKS.md")]
    out_md: PathBuf,
    /// Where to write the raw figures.
    #[arg(long, default_value = "bench/results.json")]
    out_json: PathBuf,
    /// The command line to show in the report.
    #[arg(long, default_value = "bench/run.sh")]
    command: String,
    /// The build profile of --civitas-bin, for the report.
    #[arg(long, default_value = "release")]
    profile: String,
    /// Seconds the build took (bench/run.sh measures it), for the report.
    #[arg(long)]
    build_secs: Option<f64>,
    /// Where criterion left the micro benchmarks' figures (`target/criterion`), for each
    /// scenario's floor; without it the floor column stays empty.
    #[arg(long)]
    floor_dir: Option<PathBuf>,
    /// A smoke run: the report says its figures mean nothing.
    #[arg(long)]
    smoke: bool,
    /// Keep the work folder (databases, logs) instead of removing it.
    #[arg(long)]
    keep_work: bool,
}

fn main() -> ExitCode {
    let args = Args::parse();
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
    {
        Ok(r) => r,
        Err(e) => {
            eprintln!("civitas-loadgen: cannot start the runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    let work = std::env::temp_dir().join(format!("civitas-bench-{}", std::process::id()));
    let keep = args.keep_work;
    let outcome = runtime.block_on(async {
        tokio::select! {
            r = run(args, work.clone()) => r,
            _ = tokio::signal::ctrl_c() => Err(anyhow::anyhow!("interrupted")),
        }
    });
    // Servers are stopped by now (dropped); an interrupted run leaves no files behind either.
    if outcome.is_err() && !keep {
        let _ = std::fs::remove_dir_all(&work);
    }
    match outcome {
        Ok(true) => ExitCode::SUCCESS,
        Ok(false) => ExitCode::from(2),
        Err(e) => {
            eprintln!("civitas-loadgen: {e:#}");
            ExitCode::FAILURE
        }
    }
}

/// What every target run needs.
struct Ctx {
    args: Args,
    work: PathBuf,
    key: Arc<ClientKey>,
    jwks_file: PathBuf,
    csv: PathBuf,
    national_ids: Vec<String>,
    citizens: usize,
    pg: Option<postgres::Postgres>,
    started: Instant,
    scenarios: Vec<String>,
}

impl Ctx {
    fn wants(&self, s: &str) -> bool {
        self.scenarios.iter().any(|x| x == s)
    }

    fn say(&self, text: &str) {
        let t = self.started.elapsed().as_secs();
        eprintln!("[{:02}:{:02}] {text}", t / 60, t % 60);
    }

    fn load(&self, round: usize, run: usize) -> Load {
        Load {
            connections: self.args.connections as usize,
            duration: Duration::from_secs(self.args.duration),
            round,
            run,
        }
    }
}

async fn run(args: Args, work: PathBuf) -> anyhow::Result<bool> {
    let started = Instant::now();
    for s in &args.scenarios {
        if Scenario::parse(s).is_none() && s != "import" && s != "ledger" {
            anyhow::bail!("unknown scenario {s}");
        }
    }
    let kinds: Vec<Kind> = args
        .targets
        .iter()
        .map(|t| match t.as_str() {
            "sqlite" => Ok(Kind::CivitasSqlite),
            "postgres" => Ok(Kind::CivitasPostgres),
            "peer" => Ok(Kind::Peer),
            other => Err(anyhow::anyhow!("unknown target {other}")),
        })
        .collect::<anyhow::Result<_>>()?;
    // A, B, A, B: each Civitas run is followed by a peer run.
    let mut order = vec![];
    for c in [Kind::CivitasSqlite, Kind::CivitasPostgres] {
        if kinds.contains(&c) {
            order.push(c);
            if kinds.contains(&Kind::Peer) {
                order.push(Kind::Peer);
            }
        }
    }
    if order.is_empty() && kinds.contains(&Kind::Peer) {
        order.push(Kind::Peer);
    }
    let mut args = args;
    if kinds.iter().any(|k| k.is_civitas()) {
        args.civitas_bin = std::fs::canonicalize(&args.civitas_bin).with_context(|| {
            format!(
                "{}: build it first (bench/run.sh does)",
                args.civitas_bin.display()
            )
        })?;
    }
    if kinds.contains(&Kind::Peer) {
        args.peer_dir = std::fs::canonicalize(&args.peer_dir)
            .with_context(|| format!("the peer's folder {}", args.peer_dir.display()))?;
    }

    let _ = std::fs::remove_dir_all(&work);
    std::fs::create_dir_all(&work)?;
    let key = Arc::new(ClientKey::generate());
    let jwks_file = work.join("client-jwks.json");
    std::fs::write(&jwks_file, key.jwks().to_string())?;
    let citizens = args.connections.max(args.sessions) as usize;
    let rows = args.import_rows.max(citizens);
    let csv = work.join("registry.csv");
    let national_ids = civitas::write_registry_csv(&csv, rows)?;
    let pg = if kinds.contains(&Kind::CivitasPostgres) {
        Some(postgres::Postgres::start(&work)?)
    } else {
        None
    };
    let mut results = Results {
        generated_at: civitas_lib_time(),
        command: args.command.clone(),
        machine: machine(),
        versions: versions(&args, pg.as_ref().map(|p| p.version.as_str())),
        build_s: args.build_secs,
        floor_parts: args.floor_dir.as_deref().and_then(floor::read),
        ..Default::default()
    };
    results.settings = report::Settings {
        duration_s: args.duration,
        connections: args.connections as usize,
        sessions: args.sessions as usize,
        rounds: args.rounds as usize,
        heavy_rounds: args.heavy_rounds,
        import_rows: rows,
        ledger_records: args.ledger_records,
        order: order.iter().map(|k| k.label()).collect(),
        durability: "SQLite in WAL mode with synchronous=FULL; PostgreSQL with \
                     synchronous_commit=on, fsync=on, full_page_writes=on (Civitas' and \
                     PostgreSQL's defaults: a response means committed)"
            .into(),
        smoke: args.smoke,
    };
    let scenarios = args.scenarios.clone();
    let ctx = Ctx {
        args,
        work: work.clone(),
        key,
        jwks_file,
        csv,
        national_ids,
        citizens,
        pg,
        started,
        scenarios,
    };
    ctx.say(&format!(
        "benchmarks: {} round(s) of {}; {} connections, {} s per scenario, {} sessions",
        ctx.args.rounds,
        results.settings.order.join(", "),
        ctx.args.connections,
        ctx.args.duration,
        ctx.args.sessions
    ));
    let mut run_no = 0;
    for round in 1..=ctx.args.rounds as usize {
        for kind in &order {
            run_no += 1;
            ctx.say(&format!("round {round}: {} (run {run_no})", kind.label()));
            let outcome = if kind.is_civitas() {
                civitas_run(&ctx, *kind, round, run_no, &mut results).await
            } else {
                peer_run(&ctx, round, run_no, &mut results).await
            };
            if let Err(e) = outcome {
                let text = format!("{} run {run_no} (round {round}): {e:#}", kind.label());
                ctx.say(&format!("FAILED: {text}"));
                results.failures.push(text);
            }
        }
    }
    if let Some(pg) = ctx.pg {
        pg.stop();
    }
    results.wall_time_s = started.elapsed().as_secs_f64();
    report::write(&results, &ctx.args.out_md, &ctx.args.out_json)?;
    if !ctx.args.keep_work {
        let _ = std::fs::remove_dir_all(&work);
    }
    let ok = !results.failed();
    let ratios = report::ratio_lines(&results);
    for line in &ratios {
        eprintln!("  {line}");
    }
    eprintln!(
        "{}: {} scenario runs, {} failed step(s), {} with errors, {:.0} s; wrote {} and {}",
        if ok { "done" } else { "FAILED" },
        results.scenarios.len(),
        results.failures.len(),
        results.scenarios.iter().filter(|m| m.errors > 0).count(),
        results.wall_time_s,
        ctx.args.out_md.display(),
        ctx.args.out_json.display()
    );
    Ok(ok)
}

fn progress(ctx: &Ctx, m: &Measured) {
    ctx.say(&format!(
        "  {:<16} {:>9.0} {} p50 {:.2} ms p99 {:.2} ms max {:.1} ms, {} errors, peak RSS {:.1} MiB, {:.0} µs server CPU/op",
        m.scenario.title(),
        m.rate,
        m.scenario.unit(),
        m.p50_ms,
        m.p99_ms,
        m.max_ms,
        m.errors,
        m.rss_peak_kib as f64 / 1024.0,
        m.server_cpu_us_per_op
    ));
    for (msg, n) in m.errors_seen.iter().take(3) {
        ctx.say(&format!("    {n} × {msg}"));
    }
}

/// Scenarios 1–5 (and 6 for Civitas) against a ready server.
async fn common_scenarios(
    ctx: &Ctx,
    t: Arc<Target>,
    server: &mut Server,
    load: Load,
    results: &mut Results,
) -> anyhow::Result<()> {
    let pid = server.pid();
    for sc in [Scenario::Discovery, Scenario::Jwks] {
        if !ctx.wants(sc.id()) {
            continue;
        }
        let path = if sc == Scenario::Discovery {
            "/.well-known/openid-configuration"
        } else {
            t.jwks_path.as_str()
        };
        let m = scenarios::wrk(sc, &t, path, load, pid, &ctx.work).await?;
        progress(ctx, &m);
        results.scenarios.push(m);
        server.check_alive()?;
        tokio::time::sleep(Duration::from_millis(300)).await;
    }
    for sc in [Scenario::Refresh, Scenario::CodeRedemption, Scenario::Sso] {
        if !ctx.wants(sc.id()) {
            continue;
        }
        let m = match sc {
            Scenario::Refresh => scenarios::refresh(t.clone(), load, pid).await?,
            Scenario::CodeRedemption => scenarios::code_redemption(t.clone(), load, pid).await?,
            _ => scenarios::sso(t.clone(), load, pid).await?,
        };
        progress(ctx, &m);
        results.scenarios.push(m);
        server.check_alive()?;
        tokio::time::sleep(Duration::from_millis(300)).await;
    }
    Ok(())
}

async fn civitas_run(
    ctx: &Ctx,
    kind: Kind,
    round: usize,
    run_no: usize,
    results: &mut Results,
) -> anyhow::Result<()> {
    let bin = &ctx.args.civitas_bin;
    let heavy = round <= ctx.args.heavy_rounds;
    let dir = civitas::fresh_dir(&ctx.work, &format!("run{run_no}-{}", kind.id()))?;
    let pg_name = format!("civitas_bench_{run_no}");
    let db_url = match kind {
        Kind::CivitasPostgres => {
            ctx.pg
                .as_ref()
                .context("no PostgreSQL")?
                .fresh_database(&pg_name)
                .await?
        }
        _ => format!("sqlite:{}", dir.join("civitas.db").display()),
    };
    let port = procs::free_port()?;
    let env = civitas::env(&db_url, &dir, port);

    // 7. The registry import, into the database the server then uses (its population).
    let rows = ctx.national_ids.len();
    ctx.say(&format!("  registry import of {} rows", rows));
    let (first_s, first_output) = civitas::import(bin, &dir, &env, &ctx.csv)?;
    let mut import = ImportRun {
        target: kind.id(),
        round,
        rows,
        first_s,
        first_rows_per_s: rows as f64 / first_s,
        first_output,
        ..Default::default()
    };
    if heavy && ctx.wants("import") {
        let (again, out) = civitas::import(bin, &dir, &env, &ctx.csv)?;
        import.again_s = Some(again);
        import.again_rows_per_s = Some(rows as f64 / again);
        import.again_output = Some(out);
    }
    ctx.say(&format!(
        "  registry import {:.2} s ({:.0} rows/s){}",
        import.first_s,
        import.first_rows_per_s,
        import
            .again_s
            .map_or(String::new(), |a| format!(", again {a:.2} s"))
    ));
    if ctx.wants("import") {
        results.imports.push(import);
    }

    // Seeding through the library, then the server.
    let seeded = civitas::seed(&db_url, &ctx.key, &ctx.national_ids[..ctx.citizens]).await?;
    let setup_started = Instant::now();
    let mut server = civitas::start(bin, &dir, &env, port).await?;
    let log = server.log.clone();
    let mut run = TargetRun {
        target: kind.id(),
        round,
        run: run_no,
        ..Default::default()
    };
    let body = async {
        let base = Arc::new(civitas::target(kind, port, &seeded, ctx.key.clone()).await?);
        let sessions = ctx.args.sessions as usize;
        let (jars, passkeys) = civitas::activate_all(base.clone(), &seeded.codes, sessions)
            .await
            .context("citizens' setup over HTTP")?;
        let mut t = (*base).clone();
        t.sessions = jars;
        let t = Arc::new(t);
        run.setup_s = setup_started.elapsed().as_secs_f64();
        tokio::time::sleep(Duration::from_secs(1)).await;
        run.rss_idle_kib = server.rss_kib().unwrap_or(0);
        ctx.say(&format!(
            "  ready: {} citizens activated with passkeys, {} sessions, idle RSS {:.1} MiB",
            passkeys.len(),
            t.sessions.len(),
            run.rss_idle_kib as f64 / 1024.0
        ));
        let load = ctx.load(round, run_no);
        common_scenarios(ctx, t.clone(), &mut server, load, results).await?;
        if ctx.wants("passkey") {
            let (m, _) = scenarios::passkey(t.clone(), passkeys, load, server.pid()).await?;
            progress(ctx, &m);
            results.scenarios.push(m);
            server.check_alive()?;
        }
        Ok::<_, anyhow::Error>(())
    };
    let outcome = body.await;
    run.exit = server.stop(Duration::from_secs(35));
    let (total, problems) = procs::log_problems(&log, 10);
    run.log_problems_total = total;
    run.log_problems = problems;
    if let Err(e) = &outcome {
        run.error = Some(format!("{e:#}"));
    }
    results.runs.push(run);
    outcome?;

    // 8. The ledger: filled to the stated size, then checkpoint and verify as processes.
    if heavy && ctx.wants("ledger") {
        ctx.say(&format!(
            "  ledger: filling to {} records",
            ctx.args.ledger_records
        ));
        let filled = ledger::fill(&db_url, ctx.args.ledger_records).await?;
        let (checkpoint_s, cp_out, _) = procs::run_timed(
            "civitas ledger checkpoint",
            bin,
            &["ledger", "checkpoint"],
            &env,
            &dir,
            Duration::from_secs(900),
        )?;
        let (verify_s, v_out, _) = procs::run_timed(
            "civitas ledger verify",
            bin,
            &["ledger", "verify"],
            &env,
            &dir,
            Duration::from_secs(900),
        )?;
        // "Ledger intact: N records in M chains and K signed checkpoints verified."
        let number_before = |word: &str| -> u64 {
            let words: Vec<&str> = v_out.split_whitespace().collect();
            words
                .windows(2)
                .find(|w| w[1] == word)
                .and_then(|w| w[0].replace(',', "").parse().ok())
                .unwrap_or(0)
        };
        let records = number_before("records");
        let l = LedgerRun {
            target: kind.id(),
            round,
            records,
            chains: number_before("chains"),
            written: filled.records,
            insert_s: filled.seconds,
            checkpoint_s,
            checkpoint_output: cp_out.trim().to_owned(),
            verify_s,
            verify_records_per_s: records as f64 / verify_s,
            verify_output: v_out.trim().to_owned(),
        };
        ctx.say(&format!(
            "  ledger: {} records in {} chains written in {:.1} s; checkpoint {:.2} s; verify {} records {:.2} s",
            filled.records, filled.chains, filled.seconds, checkpoint_s, records, verify_s
        ));
        results.ledgers.push(l);
    }
    if kind == Kind::CivitasPostgres
        && let Some(pg) = &ctx.pg
    {
        let _ = pg.drop_database(&pg_name).await;
    }
    if !ctx.args.keep_work {
        let _ = std::fs::remove_dir_all(&dir);
    }
    Ok(())
}

async fn peer_run(
    ctx: &Ctx,
    round: usize,
    run_no: usize,
    results: &mut Results,
) -> anyhow::Result<()> {
    let log = ctx.work.join(format!("run{run_no}-peer.log"));
    let setup_started = Instant::now();
    let (mut server, port) = peer::start(&ctx.args.peer_dir, &ctx.jwks_file, &log)?;
    let mut run = TargetRun {
        target: Kind::Peer.id(),
        round,
        run: run_no,
        ..Default::default()
    };
    let body = async {
        let mut t = peer::target(port, ctx.key.clone()).await?;
        let mut jars = vec![];
        for n in 1..=ctx.args.sessions as usize {
            jars.push(peer::sign_in(&t, n).await.context("peer sessions")?);
        }
        t.sessions = jars;
        let t = Arc::new(t);
        run.setup_s = setup_started.elapsed().as_secs_f64();
        tokio::time::sleep(Duration::from_secs(1)).await;
        run.rss_idle_kib = server.rss_kib().unwrap_or(0);
        ctx.say(&format!(
            "  ready: {} sessions, idle RSS {:.1} MiB",
            t.sessions.len(),
            run.rss_idle_kib as f64 / 1024.0
        ));
        common_scenarios(ctx, t, &mut server, ctx.load(round, run_no), results).await
    };
    let outcome = body.await;
    run.exit = server.stop(Duration::from_secs(10));
    let (total, problems) = procs::log_problems(&log, 10);
    run.log_problems_total = total;
    run.log_problems = problems;
    if let Err(e) = &outcome {
        run.error = Some(format!("{e:#}"));
    }
    results.runs.push(run);
    outcome
}

fn civitas_lib_time() -> String {
    ::civitas::clock::rfc3339(oidc::now())
}

fn first_line(program: &str, args: &[&str]) -> String {
    std::process::Command::new(program)
        .args(args)
        .output()
        .map(|o| {
            let text = if o.stdout.is_empty() {
                o.stderr
            } else {
                o.stdout
            };
            String::from_utf8_lossy(&text)
                .lines()
                .next()
                .unwrap_or("")
                .trim()
                .to_owned()
        })
        .unwrap_or_else(|_| "not found".into())
}

fn machine() -> report::Machine {
    let cpuinfo = std::fs::read_to_string("/proc/cpuinfo").unwrap_or_default();
    let cpu = cpuinfo
        .lines()
        .find(|l| l.starts_with("model name"))
        .and_then(|l| l.split_once(':'))
        .map_or("unknown CPU".into(), |(_, v)| v.trim().to_owned());
    let meminfo = std::fs::read_to_string("/proc/meminfo").unwrap_or_default();
    let kib: f64 = meminfo
        .lines()
        .find(|l| l.starts_with("MemTotal:"))
        .and_then(|l| l.split_whitespace().nth(1))
        .and_then(|v| v.parse().ok())
        .unwrap_or(0.0);
    let load = std::fs::read_to_string("/proc/loadavg").unwrap_or_default();
    report::Machine {
        load_at_start: load
            .split_whitespace()
            .take(3)
            .collect::<Vec<_>>()
            .join(" "),
        cores: std::thread::available_parallelism().map_or(0, |n| n.get()),
        cpu,
        memory_gib: kib / 1024.0 / 1024.0,
        kernel: std::fs::read_to_string("/proc/sys/kernel/osrelease")
            .unwrap_or_default()
            .trim()
            .to_owned(),
    }
}

fn versions(args: &Args, postgres: Option<&str>) -> report::Versions {
    let commit = first_line("git", &["rev-parse", "--short=12", "HEAD"]);
    let dirty = std::process::Command::new("git")
        .args(["status", "--porcelain", "--untracked-files=no"])
        .output()
        .is_ok_and(|o| !o.stdout.is_empty());
    let package = args
        .peer_dir
        .join("node_modules/oidc-provider/package.json");
    let oidc_provider = std::fs::read_to_string(package)
        .ok()
        .and_then(|t| serde_json::from_str::<serde_json::Value>(&t).ok())
        .and_then(|v| v["version"].as_str().map(str::to_owned))
        .unwrap_or_else(|| "not installed".into());
    report::Versions {
        civitas: first_line(&args.civitas_bin.display().to_string(), &["--version"]),
        commit: if dirty {
            format!("{commit} with uncommitted changes")
        } else {
            commit
        },
        profile: args.profile.clone(),
        rustc: first_line("rustc", &["--version"]),
        node: first_line("node", &["--version"]),
        oidc_provider,
        postgres: postgres.unwrap_or("not run").to_owned(),
        wrk: first_line("wrk", &["-v"])
            .split(" Copyright")
            .next()
            .unwrap_or("")
            .to_owned(),
    }
}
