//! The results: every raw figure (bench/results.json) and the summary tables
//! (BENCHMARKS.md), both written by the command, never by hand.

use std::{fmt::Write as _, path::Path};

use serde::Serialize;

use crate::{oidc::Kind, scenarios::Measured, scenarios::Scenario};

#[derive(Debug, Default, Serialize)]
pub struct Machine {
    pub cores: usize,
    pub cpu: String,
    pub memory_gib: f64,
    pub kernel: String,
    /// /proc/loadavg's first three fields when the run started.
    pub load_at_start: String,
}

#[derive(Debug, Default, Serialize)]
pub struct Versions {
    pub civitas: String,
    pub commit: String,
    pub profile: String,
    pub rustc: String,
    pub node: String,
    pub oidc_provider: String,
    pub postgres: String,
    pub wrk: String,
}

#[derive(Debug, Default, Serialize)]
pub struct Settings {
    pub duration_s: u64,
    pub connections: usize,
    pub sessions: usize,
    pub rounds: usize,
    pub heavy_rounds: usize,
    pub import_rows: usize,
    pub ledger_records: u64,
    pub order: Vec<&'static str>,
    pub durability: String,
    pub smoke: bool,
}

/// One server started for one slot of a round.
#[derive(Debug, Default, Serialize)]
pub struct TargetRun {
    pub target: &'static str,
    pub round: usize,
    pub run: usize,
    pub setup_s: f64,
    pub rss_idle_kib: u64,
    pub exit: String,
    pub log_problems_total: u64,
    pub log_problems: Vec<(String, u64)>,
    pub error: Option<String>,
}

#[derive(Debug, Default, Serialize)]
pub struct ImportRun {
    pub target: &'static str,
    pub round: usize,
    pub rows: usize,
    pub first_s: f64,
    pub first_rows_per_s: f64,
    pub first_output: String,
    pub again_s: Option<f64>,
    pub again_rows_per_s: Option<f64>,
    pub again_output: Option<String>,
}

#[derive(Debug, Default, Serialize)]
pub struct LedgerRun {
    pub target: &'static str,
    pub round: usize,
    /// Records in the ledger when verified (written here plus what the load appended).
    pub records: u64,
    pub chains: u64,
    pub written: u64,
    pub insert_s: f64,
    pub checkpoint_s: f64,
    pub checkpoint_output: String,
    pub verify_s: f64,
    pub verify_records_per_s: f64,
    pub verify_output: String,
}

#[derive(Debug, Default, Serialize)]
pub struct Results {
    pub generated_at: String,
    pub command: String,
    pub machine: Machine,
    pub versions: Versions,
    pub settings: Settings,
    pub wall_time_s: f64,
    pub build_s: Option<f64>,
    /// The micro benchmarks' figures the floors are summed from (see `floor`).
    pub floor_parts: Option<crate::floor::Parts>,
    pub runs: Vec<TargetRun>,
    pub scenarios: Vec<Measured>,
    pub imports: Vec<ImportRun>,
    pub ledgers: Vec<LedgerRun>,
    /// Steps that failed outright (a server that did not start, a command that failed).
    pub failures: Vec<String>,
}

impl Results {
    /// Whether anything failed: a step, or a scenario with errors.
    pub fn failed(&self) -> bool {
        !self.failures.is_empty() || self.scenarios.iter().any(|m| m.errors > 0)
    }
}

pub fn median(mut v: Vec<f64>) -> Option<f64> {
    if v.is_empty() {
        return None;
    }
    v.sort_by(|a, b| a.total_cmp(b));
    let n = v.len();
    Some(if n % 2 == 1 {
        v[n / 2]
    } else {
        (v[n / 2 - 1] + v[n / 2]) / 2.0
    })
}

/// The figures of one scenario on one server over its runs.
pub struct Summary {
    pub runs: usize,
    pub rate: f64,
    pub p50: f64,
    pub p90: f64,
    pub p99: f64,
    pub max: f64,
    pub errors: u64,
    pub rss_peak_kib: u64,
    pub cpu_us: f64,
    pub db_cpu_us: f64,
    pub min_rate: f64,
    pub max_rate: f64,
}

pub fn summary(r: &Results, scenario: Scenario, target: Kind) -> Option<Summary> {
    let ms: Vec<&Measured> = r
        .scenarios
        .iter()
        .filter(|m| m.scenario == scenario && m.target == target.id())
        .collect();
    if ms.is_empty() {
        return None;
    }
    let med = |f: fn(&Measured) -> f64| median(ms.iter().map(|m| f(m)).collect()).unwrap_or(0.0);
    Some(Summary {
        runs: ms.len(),
        rate: med(|m| m.rate),
        p50: med(|m| m.p50_ms),
        p90: med(|m| m.p90_ms),
        p99: med(|m| m.p99_ms),
        max: ms.iter().map(|m| m.max_ms).fold(0.0, f64::max),
        errors: ms.iter().map(|m| m.errors).sum(),
        rss_peak_kib: ms.iter().map(|m| m.rss_peak_kib).max().unwrap_or(0),
        cpu_us: med(|m| m.server_cpu_us_per_op),
        db_cpu_us: med(|m| m.database_cpu_us_per_op),
        min_rate: ms.iter().map(|m| m.rate).fold(f64::INFINITY, f64::min),
        max_rate: ms.iter().map(|m| m.rate).fold(0.0, f64::max),
    })
}

fn idle_kib(r: &Results, target: Kind) -> Option<f64> {
    median(
        r.runs
            .iter()
            .filter(|x| x.target == target.id() && x.rss_idle_kib > 0)
            .map(|x| x.rss_idle_kib as f64)
            .collect(),
    )
}

/// 12,345
fn thousands(v: f64) -> String {
    let n = v.round() as i64;
    let s = n.abs().to_string();
    let mut out = String::new();
    for (i, c) in s.chars().enumerate() {
        if i > 0 && (s.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    if n < 0 { format!("-{out}") } else { out }
}

fn ms(v: f64) -> String {
    if v < 10.0 {
        format!("{v:.2}")
    } else if v < 100.0 {
        format!("{v:.1}")
    } else {
        format!("{v:.0}")
    }
}

fn mib(kib: f64) -> String {
    format!("{:.1}", kib / 1024.0)
}

/// Megabytes (10⁶ bytes), as the issue's memory targets are written.
fn mb(kib: f64) -> f64 {
    kib * 1024.0 / 1e6
}

/// The Civitas / peer ratio of a scenario's median rate, or why there is none.
pub fn ratio(r: &Results, scenario: Scenario, civitas: Kind) -> Result<f64, String> {
    let c = summary(r, scenario, civitas).ok_or("not run")?;
    let p = summary(r, scenario, Kind::Peer).ok_or("peer not run")?;
    if c.errors > 0 {
        return Err(format!(
            "FAILED ({} had {} errors)",
            civitas.label(),
            c.errors
        ));
    }
    if p.errors > 0 {
        return Err(format!("FAILED (the peer had {} errors)", p.errors));
    }
    if p.rate <= 0.0 {
        return Err("the peer completed nothing".into());
    }
    Ok(c.rate / p.rate)
}

const PEER_SCENARIOS: [Scenario; 5] = [
    Scenario::Discovery,
    Scenario::Jwks,
    Scenario::Refresh,
    Scenario::CodeRedemption,
    Scenario::Sso,
];

/// The ratio lines, as quoted in reports: `refresh grant: Civitas SQLite / peer = 2.4×`.
pub fn ratio_lines(r: &Results) -> Vec<String> {
    let mut lines = vec![];
    for s in PEER_SCENARIOS {
        for c in [Kind::CivitasSqlite, Kind::CivitasPostgres] {
            if summary(r, s, c).is_none() {
                continue;
            }
            let value = match ratio(r, s, c) {
                Ok(x) => format!("{x:.1}×"),
                Err(why) => why,
            };
            lines.push(format!("{}: {} / peer = {value}", s.title(), c.label()));
        }
    }
    lines
}

/// One row of the targets table.
struct Check {
    /// The scenario and server it is about (none: memory, import, ledger).
    scenario: Option<Scenario>,
    kind: Kind,
    what: String,
    goal: String,
    measured: String,
    met: Option<bool>,
}

fn verdict(c: &Check, smoke: bool) -> &'static str {
    match c.met.filter(|_| !smoke) {
        Some(true) => "met",
        Some(false) => "**missed**",
        None => "n/a",
    }
}

fn checks(r: &Results) -> Vec<Check> {
    let mut out = vec![];
    let smoke = r.settings.smoke;
    let sq = Kind::CivitasSqlite;
    let pg = Kind::CivitasPostgres;
    let ratio_check = |s: Scenario, c: Kind, goal: f64, p99_limit: Option<f64>| -> Check {
        let what = format!("{} ({})", s.title(), c.label());
        let mut goal_text = format!("≥ {goal}× the peer");
        if p99_limit.is_some() {
            goal_text.push_str(", p99 < 10 ms, 0 errors");
        }
        match ratio(r, s, c) {
            Ok(x) => {
                let sum = summary(r, s, c);
                let p99 = sum.as_ref().map_or(0.0, |m| m.p99);
                let mut measured = format!("{x:.1}×");
                let mut met = x >= goal;
                if x < goal {
                    measured.push_str(&format!(" ({:.0}% short)", (1.0 - x / goal) * 100.0));
                }
                if let Some(limit) = p99_limit {
                    measured.push_str(&format!(", p99 {} ms", ms(p99)));
                    if p99 >= limit {
                        met = false;
                        measured.push_str(&format!(" ({:.1}× the limit)", p99 / limit));
                    }
                }
                Check {
                    scenario: Some(s),
                    kind: c,
                    what,
                    goal: goal_text,
                    measured,
                    met: Some(met),
                }
            }
            Err(why) => Check {
                scenario: Some(s),
                kind: c,
                what,
                goal: goal_text,
                measured: why.clone(),
                met: if why == "not run" || why == "peer not run" {
                    None
                } else {
                    Some(false)
                },
            },
        }
    };
    out.push(ratio_check(Scenario::Discovery, sq, 3.0, None));
    out.push(ratio_check(Scenario::Jwks, sq, 3.0, None));
    out.push(ratio_check(Scenario::Refresh, sq, 4.0, Some(10.0)));
    out.push(ratio_check(Scenario::CodeRedemption, sq, 4.0, Some(10.0)));
    out.push(ratio_check(Scenario::Sso, sq, 4.0, None));
    if let Some(s) = summary(r, Scenario::Passkey, sq) {
        let met = s.errors == 0 && s.rate >= 1500.0;
        let mut measured = format!("{} /s", thousands(s.rate));
        if s.errors > 0 {
            measured = format!("FAILED ({} errors); {measured}", s.errors);
        } else if s.rate < 1500.0 {
            measured.push_str(&format!(" ({:.0}% short)", (1.0 - s.rate / 1500.0) * 100.0));
        }
        out.push(Check {
            scenario: Some(Scenario::Passkey),
            kind: sq,
            what: format!("passkey sign-in ({})", sq.label()),
            goal: "≥ 1,500 ceremonies/s".into(),
            measured,
            met: Some(met),
        });
    }
    for sc in [
        Scenario::Refresh,
        Scenario::CodeRedemption,
        Scenario::Sso,
        Scenario::Passkey,
    ] {
        let Some(sum) = summary(r, sc, sq) else {
            continue;
        };
        let (measured, met) = match crate::floor::floor(r, sc, sq) {
            Some(f) if f > 0.0 => {
                let x = sum.cpu_us / f;
                (
                    format!(
                        "{} µs/op, floor {} µs: {x:.2}×",
                        thousands(sum.cpu_us),
                        thousands(f)
                    ),
                    Some(x <= 1.5),
                )
            }
            _ => ("no floor (micro benchmarks not run)".into(), None),
        };
        out.push(Check {
            scenario: None,
            kind: sq,
            what: format!("{} server CPU ({})", sc.title(), sq.label()),
            goal: "within 1.5× of its floor".into(),
            measured,
            met,
        });
    }
    for sc in Scenario::ALL {
        if sc != Scenario::Passkey {
            let mut c = ratio_check(sc, pg, 2.0, None);
            if let (Some(p), Some(q)) = (summary(r, sc, pg), summary(r, sc, sq))
                && q.rate > 0.0
            {
                let share = p.rate / q.rate;
                c.goal.push_str("; ≥ 70% of the SQLite rate");
                c.measured
                    .push_str(&format!("; {:.0}% of SQLite", share * 100.0));
                if share < 0.7 {
                    c.met = c.met.map(|_| false);
                }
            }
            out.push(c);
        } else if let (Some(p), Some(q)) = (summary(r, sc, pg), summary(r, sc, sq)) {
            let share = if q.rate > 0.0 { p.rate / q.rate } else { 0.0 };
            out.push(Check {
                scenario: Some(sc),
                kind: pg,
                what: format!("{} ({})", sc.title(), pg.label()),
                goal: "≥ 70% of the SQLite rate".into(),
                measured: format!(
                    "{} /s, {:.0}% of SQLite{}",
                    thousands(p.rate),
                    share * 100.0,
                    if p.errors > 0 {
                        format!(", FAILED ({} errors)", p.errors)
                    } else {
                        String::new()
                    }
                ),
                met: Some(p.errors == 0 && share >= 0.7),
            });
        }
    }
    for c in [sq, pg] {
        if let Some(kib) = idle_kib(r, c) {
            out.push(Check {
                scenario: None,
                kind: c,
                what: format!("idle RSS ({})", c.label()),
                goal: "< 30 MB".into(),
                measured: format!("{:.1} MB", mb(kib)),
                met: Some(mb(kib) < 30.0),
            });
        }
        let peak = r
            .scenarios
            .iter()
            .filter(|m| m.target == c.id())
            .map(|m| m.rss_peak_kib)
            .max();
        if let Some(peak) = peak {
            out.push(Check {
                scenario: None,
                kind: c,
                what: format!("peak RSS under load ({})", c.label()),
                goal: "< 100 MB".into(),
                measured: format!("{:.1} MB", mb(peak as f64)),
                met: Some(mb(peak as f64) < 100.0),
            });
        }
    }
    for c in [sq, pg] {
        let runs: Vec<&ImportRun> = r.imports.iter().filter(|i| i.target == c.id()).collect();
        if let Some(first) = median(runs.iter().map(|i| i.first_s).collect()) {
            let rows = runs[0].rows;
            let again = median(runs.iter().filter_map(|i| i.again_s).collect());
            out.push(Check {
                scenario: None,
                kind: c,
                what: format!("registry import ({})", c.label()),
                goal: "100,000 rows in < 10 s".into(),
                measured: format!(
                    "{} rows in {first:.1} s{}",
                    thousands(rows as f64),
                    again.map_or(String::new(), |a| format!("; again {a:.1} s"))
                ),
                met: (rows == 100_000 && !smoke).then_some(first < 10.0),
            });
        }
        let ledgers: Vec<&LedgerRun> = r.ledgers.iter().filter(|l| l.target == c.id()).collect();
        if let Some(verify) = median(ledgers.iter().map(|l| l.verify_s).collect()) {
            let records = ledgers[0].records;
            out.push(Check {
                scenario: None,
                kind: c,
                what: format!("ledger verify ({})", c.label()),
                goal: "1,000,000 records in < 10 s".into(),
                measured: format!("{} records in {verify:.1} s", thousands(records as f64)),
                met: (records >= 1_000_000 && !smoke).then_some(verify < 10.0),
            });
        }
    }
    out
}

/// How each scenario's floor is made, with the micro benchmarks' figures.
fn floors(o: &mut String, r: &Results) {
    let _ = writeln!(o, "## Floors\n");
    let Some(p) = &r.floor_parts else {
        let _ = writeln!(
            o,
            "The micro benchmarks were not run (a smoke run), so no scenario has a floor.\n"
        );
        return;
    };
    let _ = writeln!(
        o,
        "A scenario's floor is the server CPU per operation its irreducible parts cost: HTTP \
         (the discovery scenario's server CPU per request on the same server, in this run), ES256 \
         signing and verifying (`ring`) and a write's share of a group commit, from \
         `cargo bench --bench micro` (run by `bench/run.sh` first): ES256 sign (an ID token, \
         `id_token_sign_ES256`) {:.1} µs, ES256 verify (`es256_verify_ring`) {:.1} µs, one \
         answer's writes among 32 in a commit on SQLite (`write_share_batch_32`, CPU of every \
         thread, the disk's wait excluded) {:.1} µs. PostgreSQL's floors use the same parts; its \
         own CPU is shown beside Civitas'.\n",
        p.es256_sign_us, p.es256_verify_us, p.write_share_us
    );
    let _ = writeln!(o, "| scenario | one operation at least |\n|---|---|");
    for sc in Scenario::ALL {
        let _ = writeln!(
            o,
            "| {} | {} |",
            sc.title(),
            crate::floor::composition(sc).describe()
        );
    }
    let _ = writeln!(o);
}

pub fn write(r: &Results, md: &Path, json: &Path) -> anyhow::Result<()> {
    if let Some(dir) = json.parent() {
        std::fs::create_dir_all(dir)?;
    }
    std::fs::write(json, serde_json::to_string_pretty(r)? + "\n")?;
    if let Some(dir) = md.parent() {
        std::fs::create_dir_all(dir)?;
    }
    std::fs::write(md, markdown(r))?;
    Ok(())
}

fn markdown(r: &Results) -> String {
    let mut o = String::new();
    let s = &r.settings;
    let _ = writeln!(o, "# Benchmarks\n");
    let _ = writeln!(
        o,
        "Written by `bench/run.sh` (the load generator in `bench/loadgen`), never by hand: run the \
         command again to refresh it. Raw figures of every run: `bench/results.json`. Civitas on \
         SQLite and on PostgreSQL side by side with panva's `oidc-provider` (`bench/peer`), on the \
         same machine in the same run, runs alternating. Absolute figures drift on a shared \
         machine; the ratios measured in one run hold.\n"
    );
    if s.smoke {
        let _ = writeln!(
            o,
            "**SMOKE RUN** (`--smoke`): debug build, 1-second scenarios, small imports. These \
             figures only show that the harness works; they say nothing about performance.\n"
        );
    }
    let _ = writeln!(o, "## Machine, versions, settings\n");
    let _ = writeln!(o, "| | |\n|---|---|");
    let m = &r.machine;
    let v = &r.versions;
    let _ = writeln!(
        o,
        "| machine | {} cores ({}), {:.1} GiB RAM, Linux {}; load average {} at the start |",
        m.cores, m.cpu, m.memory_gib, m.kernel, m.load_at_start
    );
    let _ = writeln!(
        o,
        "| Civitas | {}, commit {}, {} build, {} |",
        v.civitas, v.commit, v.profile, v.rustc
    );
    let _ = writeln!(
        o,
        "| peer | oidc-provider {} on Node.js {} (in-memory adapter, one process) |",
        v.oidc_provider, v.node
    );
    let _ = writeln!(o, "| PostgreSQL | {} |", v.postgres);
    let _ = writeln!(
        o,
        "| load generator | civitas-loadgen (tokio, hyper, HDR histograms); {} for discovery and JWKS |",
        v.wrk
    );
    let _ = writeln!(o, "| durability | {} |", s.durability);
    let _ = writeln!(
        o,
        "| load | {} connections, {} s per scenario, {} signed-in sessions per server (worker i uses session i mod {}) |",
        s.connections, s.duration_s, s.sessions, s.sessions
    );
    let _ = writeln!(
        o,
        "| rounds | {} (order in each: {}); the registry import in every Civitas run, the re-import and the ledger in {} |",
        s.rounds,
        s.order.join(", "),
        match s.heavy_rounds.min(s.rounds) {
            1 => "round 1 only".to_owned(),
            n => format!("rounds 1 to {n}"),
        }
    );
    let _ = writeln!(
        o,
        "| data | registry of {} generated persons; ledger of {} records |",
        thousands(s.import_rows as f64),
        thousands(s.ledger_records as f64)
    );
    let _ = writeln!(o, "| command | `{}` |", r.command);
    let _ = writeln!(
        o,
        "| when, how long | {}; {}benchmarks {:.0} s |",
        r.generated_at,
        r.build_s
            .map_or(String::new(), |b| format!("build {b:.0} s, ")),
        r.wall_time_s
    );
    let _ = writeln!(
        o,
        "\nThe load generator and the servers share the machine's cores. Rates and latencies \
         are medians over the runs; max latency and peak RSS are the highest seen; errors are \
         summed. A scenario with any error is FAILED: its figures are shown for diagnosis but \
         give no ratio.\n"
    );

    let _ = writeln!(o, "## Ratios (Civitas / peer, median rates)\n");
    let _ = writeln!(o, "```");
    for line in ratio_lines(r) {
        let _ = writeln!(o, "{line}");
    }
    let _ = writeln!(o, "```\n");

    let _ = writeln!(o, "## Targets (issue #15)\n");
    let _ = writeln!(o, "| target | goal | measured | |\n|---|---|---|---|");
    let all_checks = checks(r);
    for c in &all_checks {
        let _ = writeln!(
            o,
            "| {} | {} | {} | {} |",
            c.what,
            c.goal,
            c.measured,
            verdict(c, s.smoke)
        );
    }
    let _ = writeln!(o);
    include(
        &mut o,
        "Where the missed targets go (bench/ANALYSIS.md)",
        "ANALYSIS.md",
    );

    floors(&mut o, r);

    let smoke = s.smoke;
    let _ = writeln!(o, "## Scenarios\n");
    for sc in Scenario::ALL {
        let rows: Vec<(Kind, Summary)> = [Kind::CivitasSqlite, Kind::CivitasPostgres, Kind::Peer]
            .into_iter()
            .filter_map(|k| summary(r, sc, k).map(|s| (k, s)))
            .collect();
        if rows.is_empty() {
            continue;
        }
        let latency_of = r
            .scenarios
            .iter()
            .find(|m| m.scenario == sc)
            .map_or("", |m| m.latency_of);
        let _ = writeln!(o, "### {} ({})\n", sc.title(), sc.unit());
        let _ = writeln!(o, "{}. Latency: {latency_of}.\n", describe(sc));
        let _ = writeln!(
            o,
            "| server | {} | range over runs | p50 ms | p90 ms | p99 ms | max ms | errors | RSS idle MiB | RSS peak MiB | server CPU µs/op | floor µs/op | runs | issue #15 target |",
            sc.unit()
        );
        let _ = writeln!(
            o,
            "|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|---|"
        );
        for (k, s) in &rows {
            let rate = if s.errors > 0 {
                format!("FAILED ({})", thousands(s.rate))
            } else {
                thousands(s.rate)
            };
            let cpu = if *k == Kind::CivitasPostgres {
                format!(
                    "{} + {} PostgreSQL",
                    thousands(s.cpu_us),
                    thousands(s.db_cpu_us)
                )
            } else {
                thousands(s.cpu_us)
            };
            let floor = crate::floor::floor(r, sc, *k).map_or("—".to_owned(), thousands);
            let target = all_checks
                .iter()
                .find(|c| c.scenario == Some(sc) && c.kind == *k)
                .map_or("—".to_owned(), |c| {
                    format!("{}: {}", c.goal, verdict(c, smoke))
                });
            let _ = writeln!(
                o,
                "| {} | {rate} | {}–{} | {} | {} | {} | {} | {} | {} | {} | {cpu} | {floor} | {} | {target} |",
                k.label(),
                thousands(s.min_rate),
                thousands(s.max_rate),
                ms(s.p50),
                ms(s.p90),
                ms(s.p99),
                ms(s.max),
                s.errors,
                idle_kib(r, *k).map_or("—".into(), mib),
                mib(s.rss_peak_kib as f64),
                s.runs
            );
        }
        for k in [Kind::CivitasSqlite, Kind::CivitasPostgres] {
            if sc != Scenario::Passkey && rows.iter().any(|(x, _)| *x == k) {
                let value = match ratio(r, sc, k) {
                    Ok(x) => format!("{x:.1}×"),
                    Err(why) => why,
                };
                let _ = writeln!(o, "\n{}: {} / peer = {value}", sc.title(), k.label());
            }
        }
        let _ = writeln!(o);
    }

    cpu_table(&mut o, r);

    if !r.imports.is_empty() {
        let _ = writeln!(
            o,
            "### registry import (`civitas registry import FILE`, as a process)\n"
        );
        let _ = writeln!(
            o,
            "Wall time of the whole command (start, migrations check, parse and validate, one transaction), into the database the server then uses. \"Again\" imports the same file a second time (every person unchanged: the idempotent update path).\n"
        );
        let _ = writeln!(
            o,
            "| database | round | rows | import s | rows/s | again s | rows/s |\n|---|--:|--:|--:|--:|--:|--:|"
        );
        for i in &r.imports {
            let _ = writeln!(
                o,
                "| {} | {} | {} | {:.2} | {} | {} | {} |",
                label_of(i.target),
                i.round,
                thousands(i.rows as f64),
                i.first_s,
                thousands(i.first_rows_per_s),
                i.again_s.map_or("—".into(), |a| format!("{a:.2}")),
                i.again_rows_per_s.map_or("—".into(), thousands)
            );
        }
        let _ = writeln!(o);
    }
    if !r.ledgers.is_empty() {
        let _ = writeln!(o, "### ledger checkpoint and verification (as processes)\n");
        let _ = writeln!(
            o,
            "Chains of ten records written straight into the database for citizens without one (hashes by `civitas::ledger::record_hash`, heads in `ledger_heads`), on top of what the load appended, up to the number of records stated; then `civitas ledger checkpoint` (signs the Merkle root over every chain head) and `civitas ledger verify` (every checkpoint and every record), each timed as a whole command.\n"
        );
        let _ = writeln!(
            o,
            "| database | round | records | chains | insert s | checkpoint s | verify s | verified records/s |\n|---|--:|--:|--:|--:|--:|--:|--:|"
        );
        for l in &r.ledgers {
            let _ = writeln!(
                o,
                "| {} | {} | {} | {} | {:.1} | {:.2} | {:.2} | {} |",
                label_of(l.target),
                l.round,
                thousands(l.records as f64),
                thousands(l.chains as f64),
                l.insert_s,
                l.checkpoint_s,
                l.verify_s,
                thousands(l.verify_records_per_s)
            );
        }
        let _ = writeln!(o);
    }

    include(
        &mut o,
        "Soak: two instances, an instance killed, the primary failed over (bench/soak.md)",
        "soak.md",
    );

    let _ = writeln!(o, "## Errors, server warnings, noise\n");
    let mut any = false;
    for f in &r.failures {
        any = true;
        let _ = writeln!(o, "- FAILED step: {f}");
    }
    for m in r.scenarios.iter().filter(|m| m.errors > 0) {
        any = true;
        let _ = writeln!(
            o,
            "- {} on {} (round {}): {} errors",
            m.scenario.title(),
            label_of(m.target),
            m.round,
            m.errors
        );
        for (msg, n) in &m.errors_seen {
            let _ = writeln!(o, "  - {n} × `{}`", msg.replace('`', "'"));
        }
    }
    for k in [Kind::CivitasSqlite, Kind::CivitasPostgres, Kind::Peer] {
        let runs: Vec<&TargetRun> = r.runs.iter().filter(|x| x.target == k.id()).collect();
        let total: u64 = runs.iter().map(|x| x.log_problems_total).sum();
        if total == 0 {
            continue;
        }
        any = true;
        let mut seen: Vec<(String, u64)> = vec![];
        for (msg, n) in runs.iter().flat_map(|x| x.log_problems.iter()) {
            match seen.iter_mut().find(|(m, _)| m == msg) {
                Some(e) => e.1 += n,
                None => seen.push((msg.clone(), *n)),
            }
        }
        let _ = writeln!(
            o,
            "- {} logged {total} warning/error lines over {} runs:",
            k.label(),
            runs.len()
        );
        for (msg, n) in seen {
            let _ = writeln!(o, "  - {n} × `{}`", msg.replace('`', "'"));
        }
    }
    for run in r.runs.iter().filter(|x| x.error.is_some()) {
        any = true;
        let _ = writeln!(
            o,
            "- {} run {} stopped early: {}",
            label_of(run.target),
            run.run,
            run.error.as_deref().unwrap_or_default()
        );
    }
    let busy = |m: &Measured| m.elapsed_s > 0.0 && m.other_cpu_s / m.elapsed_s > 0.1;
    let noisy = r.scenarios.iter().filter(|m| busy(m)).count();
    if noisy > 0 {
        any = true;
        let _ = writeln!(
            o,
            "- Other processes on the machine used more than 0.1 core during {noisy} of {} scenario runs; those figures are less reliable:",
            r.scenarios.len()
        );
        for run in &r.runs {
            let of_run: Vec<&Measured> = r.scenarios.iter().filter(|m| m.run == run.run).collect();
            let hit: Vec<f64> = of_run
                .iter()
                .filter(|m| busy(m))
                .map(|m| m.other_cpu_s / m.elapsed_s)
                .collect();
            if hit.is_empty() {
                continue;
            }
            let lo = hit.iter().copied().fold(f64::INFINITY, f64::min);
            let hi = hit.iter().copied().fold(0.0, f64::max);
            let _ = writeln!(
                o,
                "  - run {} ({}, round {}): {lo:.2}–{hi:.2} cores in {} of {} scenarios",
                run.run,
                label_of(run.target),
                run.round,
                hit.len(),
                of_run.len()
            );
        }
    }
    if !any {
        let _ = writeln!(
            o,
            "None: no request failed and no server logged a warning or an error."
        );
    }
    let _ = writeln!(o);
    let _ = writeln!(o, "## How each figure is measured\n");
    let _ = writeln!(
        o,
        "- Each server runs on 127.0.0.1 only and starts fresh for each run: Civitas from the \
         {} binary in a new temporary folder (`civitas serve`, configured by `CIVITAS_*` \
         variables, defaults otherwise, issuer `http://localhost:PORT` because WebAuthn needs a \
         host name), PostgreSQL as a new database on a throwaway local server started for the \
         run, the peer as `node server.mjs`.",
        v.profile
    );
    let _ = writeln!(
        o,
        "- Civitas is seeded through its library before it serves: the registry by the timed \
         import, two clients with operator rights (`client_secret_basic`; `private_key_jwt` with \
         an inline ES256 JWKS whose private key the load generator holds), activation codes. Then \
         over HTTP, as a browser: each citizen activates, registers a passkey with \
         webauthn-authenticator-rs' software authenticator (the recovery-code offer is skipped) \
         and, for the signed-in sessions, allows both clients with \"remember\". The peer's \
         sessions sign in through its auto-approving interaction (`login_hint=citizen-N`)."
    );
    let _ = writeln!(
        o,
        "- One HTTP/1.1 keep-alive connection per worker; each worker uses signed-in session i \
         mod {}; cookies are kept per worker. Any answer other than the expected one (status, \
         redirect target, JSON fields) is an error. Latency in HDR histograms (µs). Rate = \
         completed operations / measured time.",
        s.sessions
    );
    let _ = writeln!(
        o,
        "- RSS idle: VmRSS after the setup, before the first scenario. RSS peak: the highest \
         VmRSS sampled every 100 ms during the scenario. Server CPU per operation: utime + stime \
         (from /proc/PID/stat) of the server process during the scenario, divided by the \
         operations; for Civitas on PostgreSQL, PostgreSQL's processes are shown beside it. \
         CPU used by anything else on the machine during a scenario is reported above as noise."
    );
    o
}

/// Where the two cores' time went during each scenario (medians over runs).
/// A hand-written (or separately measured) section kept in `bench/NAME`, under `title`; the
/// file is named in the title, so nobody edits BENCHMARKS.md for it. Nothing when it is absent.
fn include(o: &mut String, title: &str, name: &str) {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("..").join(name);
    if let Ok(text) = std::fs::read_to_string(&path) {
        let _ = writeln!(o, "## {title}\n\n{}\n", text.trim_end());
    }
}

fn cpu_table(o: &mut String, r: &Results) {
    let cores = r.machine.cores.max(1) as f64;
    let _ = writeln!(
        o,
        "### CPU use during the scenarios (cores of {cores:.0}, medians over runs)\n"
    );
    let _ = writeln!(
        o,
        "Idle CPU under load means the server waits (for commits, locks, the disk) rather than computes.\n"
    );
    let _ = writeln!(
        o,
        "| scenario | server | server process | PostgreSQL | load generator | other | idle |\n|---|---|--:|--:|--:|--:|--:|"
    );
    for sc in Scenario::ALL {
        for k in [Kind::CivitasSqlite, Kind::CivitasPostgres, Kind::Peer] {
            let ms: Vec<&Measured> = r
                .scenarios
                .iter()
                .filter(|m| m.scenario == sc && m.target == k.id() && m.elapsed_s > 0.0)
                .collect();
            if ms.is_empty() {
                continue;
            }
            let med = |f: fn(&Measured) -> f64| {
                median(ms.iter().map(|m| f(m) / m.elapsed_s).collect()).unwrap_or(0.0)
            };
            let server = med(|m| m.server_cpu_s);
            let db = med(|m| m.database_cpu_s);
            let lg = med(|m| m.loadgen_cpu_s);
            let other = med(|m| m.other_cpu_s);
            let idle = (cores - server - db - lg - other).max(0.0);
            let _ = writeln!(
                o,
                "| {} | {} | {server:.2} | {db:.2} | {lg:.2} | {other:.2} | {idle:.2} |",
                sc.title(),
                k.label()
            );
        }
    }
    let _ = writeln!(o);
}

fn label_of(id: &str) -> &'static str {
    [Kind::CivitasSqlite, Kind::CivitasPostgres, Kind::Peer]
        .into_iter()
        .find(|k| k.id() == id)
        .map_or("?", |k| k.label())
}

fn describe(s: Scenario) -> &'static str {
    match s {
        Scenario::Discovery => "`GET /.well-known/openid-configuration` in a loop, by wrk",
        Scenario::Jwks => "`GET` of the JWKS (`jwks_uri` from discovery) in a loop, by wrk",
        Scenario::Refresh => {
            "Each worker first gets its own refresh token (a sign-in with the session), then \
             sends `grant_type=refresh_token` with `client_secret_basic`, always with the newest \
             refresh token (rotation); counted: token responses"
        }
        Scenario::CodeRedemption => {
            "Per iteration: the authorization request with the session cookie (303 with a code), \
             then `grant_type=authorization_code` with the PKCE S256 verifier and \
             `private_key_jwt` (a fresh ES256 assertion signed by the load generator, aud = the \
             token endpoint, new jti); counted: redemptions"
        }
        Scenario::Sso => {
            "A citizen with a live session: authorization request → code → token request \
             (`client_secret_basic`) → userinfo; counted: complete flows"
        }
        Scenario::Passkey => {
            "Civitas only. Usernameless sign-in from a fresh browser: `POST /passkeys/signin/start`, \
             the software authenticator signs, `POST /passkeys/signin/finish`; each worker has its \
             own citizen and passkey (a credential's sign counter must grow, so one key is never \
             used by two workers at once); counted: ceremonies"
        }
    }
}
