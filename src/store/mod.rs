//! All SQL lives here: one function per statement (`find_*`, `insert_*`, `update_*`,
//! `delete_*`). The same portable SQL (`$1` placeholders, `TEXT` ids, `BIGINT` unix times,
//! `ON CONFLICT`, `RETURNING`) runs on SQLite and on PostgreSQL; [`Db`] picks the driver from
//! the URL and each function is written once through the [`on_db!`] macro.

pub mod accounts;
pub mod cache;
pub mod client_applications;
pub mod client_failures;
pub mod client_key_uses;
pub mod clients;
pub mod error_references;
pub mod failover;
pub mod logout_notices;
pub mod oauth;
pub mod persons;
pub mod portal;
pub mod pushed;
pub mod releases;
pub mod saml_replay;
pub mod saml_sps;
pub mod sessions;
pub mod signing_keys;
pub mod staff;
pub mod writer;

use std::{str::FromStr, time::Duration};

use sqlx::{
    ConnectOptions,
    migrate::Migrator,
    postgres::PgPool,
    sqlite::{
        SqliteConnectOptions, SqliteJournalMode, SqlitePool, SqlitePoolOptions, SqliteSynchronous,
    },
};

use crate::config::DatabaseConfig;

static SQLITE_MIGRATIONS: Migrator = sqlx::migrate!("migrations/sqlite");
static POSTGRES_MIGRATIONS: Migrator = sqlx::migrate!("migrations/postgres");

/// A connection pool to one of the two supported databases.
#[derive(Clone, Debug)]
pub enum Db {
    Sqlite(SqlitePool),
    Postgres(PgPool),
}

/// A transaction on either database; commit with [`Tx::commit`], dropped means rolled back.
pub enum Tx {
    Sqlite(sqlx::Transaction<'static, sqlx::Sqlite>),
    Postgres(sqlx::Transaction<'static, sqlx::Postgres>),
}

/// Runs the same expression against whichever pool (or transaction) `$db` holds. The body is
/// compiled once per driver, so a query that does not type-check on both does not build.
#[macro_export]
macro_rules! on_db {
    ($db:expr, |$conn:ident| $body:expr) => {
        match $db {
            $crate::store::Db::Sqlite($conn) => $body,
            $crate::store::Db::Postgres($conn) => $body,
        }
    };
}

/// Like [`on_db!`] for a transaction: `$conn` is a `&mut` connection.
#[macro_export]
macro_rules! on_tx {
    ($tx:expr, |$conn:ident| $body:expr) => {
        match $tx {
            $crate::store::Tx::Sqlite(tx) => {
                let $conn = &mut **tx;
                $body
            }
            $crate::store::Tx::Postgres(tx) => {
                let $conn = &mut **tx;
                $body
            }
        }
    };
}

impl Db {
    /// Opens a pool. SQLite: the file and its folder are created, WAL journal,
    /// `synchronous=FULL` (a committed write survives power loss), foreign keys on, a busy
    /// timeout. PostgreSQL: `synchronous_commit=on` for every session.
    pub async fn connect(config: &DatabaseConfig) -> anyhow::Result<Self> {
        let url = config.url.as_str();
        if let Some(rest) = url.strip_prefix("sqlite:") {
            let options = SqliteConnectOptions::from_str(url)?
                .create_if_missing(true)
                .journal_mode(SqliteJournalMode::Wal)
                .synchronous(SqliteSynchronous::Full)
                .foreign_keys(true)
                .busy_timeout(Duration::from_secs(5))
                .log_statements(tracing::log::LevelFilter::Trace);
            let path = rest.trim_start_matches("//");
            let path = path.split('?').next().unwrap_or(path);
            if let Some(parent) = std::path::Path::new(path).parent()
                && !parent.as_os_str().is_empty()
                && !path.starts_with(":memory:")
            {
                std::fs::create_dir_all(parent).map_err(|e| {
                    anyhow::anyhow!("cannot create database folder {}: {e}", parent.display())
                })?;
            }
            // A local file does not go stale: no ping before each use (it would double the
            // round trips of every statement through the driver's connection thread).
            let pool = SqlitePoolOptions::new()
                .max_connections(config.max_connections)
                .acquire_timeout(config.acquire_timeout)
                .test_before_acquire(false)
                .connect_with(options)
                .await?;
            Ok(Db::Sqlite(pool))
        } else {
            let mut hosts = failover::parse_url(url).map_err(|e| anyhow::anyhow!(e))?;
            for o in &mut hosts.options {
                *o = o
                    .clone()
                    .options([("synchronous_commit", "on")])
                    .log_statements(tracing::log::LevelFilter::Trace);
            }
            let first = if hosts.read_write {
                failover::find_primary(&hosts, 0)
                    .await
                    .map_err(|why| anyhow::anyhow!("no database host takes writes: {why}"))?
            } else {
                0
            };
            let hosts = std::sync::Arc::new(hosts);
            let watch = failover::Watch::new(hosts.clone(), first);
            let pool = watch
                .pool_options()
                .max_connections(config.max_connections)
                .acquire_timeout(config.acquire_timeout)
                .test_before_acquire(true)
                .connect_with(hosts.options[first].clone())
                .await?;
            if hosts.options.len() > 1 {
                watch.spawn(pool.clone());
            }
            Ok(Db::Postgres(pool))
        }
    }

    /// Which database this is, for messages.
    pub fn kind(&self) -> &'static str {
        match self {
            Db::Sqlite(_) => "SQLite",
            Db::Postgres(_) => "PostgreSQL",
        }
    }

    /// Applies the migrations that are not yet applied; returns how many ran.
    pub async fn migrate(&self) -> Result<usize, sqlx::migrate::MigrateError> {
        let before = self.applied_migrations().await.unwrap_or(0);
        match self {
            Db::Sqlite(p) => SQLITE_MIGRATIONS.run(p).await?,
            Db::Postgres(p) => POSTGRES_MIGRATIONS.run(p).await?,
        }
        let after = self.applied_migrations().await.unwrap_or(before);
        Ok(after.saturating_sub(before))
    }

    async fn applied_migrations(&self) -> Result<usize, sqlx::Error> {
        let n: i64 = on_db!(self, |p| sqlx::query_scalar(
            "SELECT COUNT(*) FROM _sqlx_migrations WHERE success"
        )
        .fetch_one(p)
        .await)?;
        Ok(n as usize)
    }

    /// The embedded migrations for this database: (version, description).
    pub fn known_migrations(&self) -> Vec<(i64, String)> {
        let m = match self {
            Db::Sqlite(_) => &SQLITE_MIGRATIONS,
            Db::Postgres(_) => &POSTGRES_MIGRATIONS,
        };
        m.iter()
            .map(|m| (m.version, m.description.to_string()))
            .collect()
    }

    /// A trivial round trip, for `/readyz`. On PostgreSQL the server must also take writes (a
    /// standby, or a primary demoted by a failover, does not).
    pub async fn ping(&self) -> Result<(), sqlx::Error> {
        match self {
            Db::Sqlite(p) => sqlx::query("SELECT 1").execute(p).await.map(drop),
            Db::Postgres(p) => {
                let mut conn = p.acquire().await?;
                match failover::accepts_writes(&mut conn).await? {
                    true => Ok(()),
                    false => Err(sqlx::Error::Protocol(
                        "the database is read-only (a standby)".into(),
                    )),
                }
            }
        }
    }

    /// Begins a write transaction. On SQLite it takes the write lock at once
    /// (`BEGIN IMMEDIATE`): a transaction that reads and then writes cannot fail half-way
    /// because another connection wrote in between, it waits (busy timeout) instead.
    pub async fn begin(&self) -> Result<Tx, sqlx::Error> {
        Ok(match self {
            Db::Sqlite(p) => Tx::Sqlite(p.begin_with("BEGIN IMMEDIATE").await?),
            Db::Postgres(p) => Tx::Postgres(p.begin().await?),
        })
    }

    /// Closes the pool, waiting for checked-out connections (SQLite checkpoints its WAL).
    pub async fn close(&self) {
        on_db!(self, |p| p.close().await)
    }

    /// Whether [`Db::close`] was called: background tasks end then.
    pub fn is_closed(&self) -> bool {
        on_db!(self, |p| p.is_closed())
    }
}

/// Runs a block in a transaction on a [`Db`] and commits it. When the database reports that
/// the transaction lost a race ([`is_conflict`]: PostgreSQL under lock contention, or a
/// distributed SQL engine at any time), everything is rolled back and the block runs again
/// from the start, up to [`ATTEMPTS`] times in all with a growing pause ([`backoff`]). The
/// block must therefore do nothing outside the transaction that cannot be done twice.
///
/// ```ignore
/// let removed = transaction!(state.db, AppError, |tx| {
///     let removed = oauth::delete_consent(tx, &person_id, &client_id).await?;
///     Ok(removed)
/// })?;
/// ```
///
/// The block evaluates to `Result<T, E>` (`E` the second argument, `From<sqlx::Error>` and
/// [`Retry`]); `?` and `return` inside it leave the block, not the function (an early `Ok`
/// commits what was written so far). A macro rather than a method taking an async closure:
/// the block stays in the caller's future, whose `Send` the compiler then proves (it cannot
/// yet for an async closure over a borrowed transaction).
#[macro_export]
macro_rules! transaction {
    ($db:expr, $err:ty, |$tx:ident| $body:block) => {{
        let db: &$crate::store::Db = &$db;
        let mut retry = 0u32;
        loop {
            let attempt: ::std::result::Result<_, $err> = async {
                let mut tx = db.begin().await?;
                let value = {
                    let $tx = &mut tx;
                    let body: ::std::result::Result<_, $err> = async { $body }.await;
                    body?
                };
                tx.commit().await?;
                Ok(value)
            }
            .await;
            match attempt {
                Err(e)
                    if retry + 1 < $crate::store::ATTEMPTS
                        && $crate::store::Retry::is_conflict(&e) =>
                {
                    retry += 1;
                    ::tracing::debug!(retry, "a transaction lost a race; it runs again");
                    ::tokio::time::sleep($crate::store::backoff(retry)).await;
                }
                other => break other,
            }
        }
    }};
}

/// How many times [`transaction!`] runs a transaction that keeps losing races.
pub const ATTEMPTS: u32 = 5;

/// A serialization failure (40001) or a deadlock (40P01): the transaction lost a race and may
/// simply run again.
pub fn is_conflict(e: &sqlx::Error) -> bool {
    matches!(e, sqlx::Error::Database(d) if matches!(d.code().as_deref(), Some("40001" | "40P01")))
}

/// The database cannot serve now but may soon (503, not 500): no connection, a server
/// shutting down or starting, a read-only server (a standby), or races lost too often.
pub fn is_unavailable(e: &sqlx::Error) -> bool {
    match e {
        sqlx::Error::PoolTimedOut | sqlx::Error::Io(_) | sqlx::Error::PoolClosed => true,
        sqlx::Error::Database(d) => d.code().is_some_and(|c| {
            c.starts_with("08") // connection exception
                || c.starts_with("57P") // the server is shutting down, crashed or starting
                || c == "25006" // read-only transaction: a standby
                || c == "40001"
                || c == "40P01"
        }),
        _ => false,
    }
}

/// The pause before retry `n` (1, 2, …): 5 ms, 20 ms, 80 ms, 320 ms (at most), each plus up
/// to as much again at random, so that the racers do not meet again at the same moment.
pub fn backoff(retry: u32) -> Duration {
    let base = 5u64 << (2 * retry.clamp(1, 4).saturating_sub(1));
    let jitter = getrandom::u64().unwrap_or(0) % base;
    Duration::from_millis(base + jitter)
}

/// Errors that may say the transaction lost a race ([`is_conflict`]).
pub trait Retry {
    fn is_conflict(&self) -> bool;
}

impl Retry for sqlx::Error {
    fn is_conflict(&self) -> bool {
        is_conflict(self)
    }
}

impl Retry for anyhow::Error {
    fn is_conflict(&self) -> bool {
        self.downcast_ref::<sqlx::Error>().is_some_and(is_conflict)
    }
}

/// Named locks for work that must not run twice at once across instances.
#[derive(Clone, Copy, Debug)]
pub enum Lock {
    /// Creating or rotating signing keys.
    SigningKeys = 1,
    /// Making a ledger checkpoint.
    LedgerCheckpoint = 2,
    /// Appending to the staff log (one chain for all staff).
    StaffLog = 3,
    /// Registering the portal's own client at start.
    PortalClient = 4,
}

impl Tx {
    /// Holds `lock` until the transaction ends. PostgreSQL: the lock's row in `named_locks`,
    /// written (so locked) by an upsert; a row lock, unlike an advisory lock, works on
    /// distributed engines too. SQLite: nothing more is needed, `BEGIN IMMEDIATE` already
    /// admits one writer at a time.
    pub async fn lock(&mut self, lock: Lock) -> Result<(), sqlx::Error> {
        match self {
            Tx::Sqlite(_) => Ok(()),
            Tx::Postgres(tx) => sqlx::query(
                "INSERT INTO named_locks (id, taken_at) VALUES ($1, 0) \
                 ON CONFLICT (id) DO UPDATE SET taken_at = named_locks.taken_at + 1",
            )
            .bind(lock as i64)
            .execute(&mut **tx)
            .await
            .map(drop),
        }
    }

    pub async fn commit(self) -> Result<(), sqlx::Error> {
        match self {
            Tx::Sqlite(tx) => tx.commit().await,
            Tx::Postgres(tx) => tx.commit().await,
        }
    }
}

/// `($o+1, …, $o+cols), (…)` for a multi-row statement of `rows` rows.
pub fn placeholders(rows: usize, cols: usize, offset: usize) -> String {
    let mut out = String::with_capacity(rows * cols * 5);
    for r in 0..rows {
        if r > 0 {
            out.push_str(", ");
        }
        out.push('(');
        for c in 0..cols {
            if c > 0 {
                out.push_str(", ");
            }
            out.push('$');
            out.push_str(&(offset + r * cols + c + 1).to_string());
        }
        out.push(')');
    }
    out
}

/// On SQLite, SQL whose parameters are `$1, $2, …` written in that order, each once, with
/// anonymous `?` instead: SQLite looks each numbered parameter's name up in a list when it
/// is bound, quadratic in a multi-row statement's parameters (a tenth of the group-commit
/// writer's CPU, `perf` on `write_share_batch_32`). Any other SQL, and all SQL on
/// PostgreSQL, is returned as it is.
pub fn positional(tx: &Tx, sql: String) -> String {
    match tx {
        Tx::Sqlite(_) => anonymous_parameters(sql),
        Tx::Postgres(_) => sql,
    }
}

fn anonymous_parameters(sql: String) -> String {
    let bytes = sql.as_bytes();
    let mut out = String::with_capacity(sql.len());
    let (mut next, mut i, mut copied) = (1usize, 0usize, 0usize);
    while i < bytes.len() {
        if bytes[i] == b'$' {
            let digits = bytes[i + 1..]
                .iter()
                .take_while(|b| b.is_ascii_digit())
                .count();
            if digits > 0 {
                let n: usize = sql[i + 1..i + 1 + digits].parse().unwrap_or(0);
                if n != next {
                    return sql;
                }
                out.push_str(&sql[copied..i]);
                out.push('?');
                next += 1;
                i += 1 + digits;
                copied = i;
                continue;
            }
        }
        i += 1;
    }
    out.push_str(&sql[copied..]);
    out
}

/// `$o+1, …, $o+n`, for an `IN (…)` list.
pub fn list(n: usize, offset: usize) -> String {
    (1..=n)
        .map(|i| format!("${}", offset + i))
        .collect::<Vec<_>>()
        .join(", ")
}

#[cfg(test)]
mod tests {
    use super::anonymous_parameters as anon;

    /// The lines (1, 2, …) of `text` that begin a transaction, comments left out.
    fn begun_at(text: &str) -> Vec<usize> {
        text.lines()
            .enumerate()
            .filter(|(_, line)| line.contains(".begin()") && !line.trim_start().starts_with("//"))
            .map(|(n, _)| n + 1)
            .collect()
    }

    /// Every transaction runs through `transaction!`, which runs it again when it loses a
    /// race: one begun anywhere else (here `Db::begin` and the macro, and the group-commit
    /// writer with its own retry) would fail on the first serialization failure.
    #[test]
    fn transactions_begin_only_in_the_retrying_macro() {
        assert_eq!(
            begun_at("// db.begin()\n  let tx = db.begin();\n/// x.begin()"),
            [2]
        );
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
        let allowed = [
            root.join("src/store/mod.rs"),
            root.join("src/store/writer.rs"),
        ];
        let (mut dirs, mut found) = (vec![root.join("src")], Vec::new());
        while let Some(dir) = dirs.pop() {
            for entry in std::fs::read_dir(&dir).expect("read a source folder") {
                let path = entry.expect("read a source folder").path();
                if path.is_dir() {
                    dirs.push(path);
                } else if path.extension().is_some_and(|e| e == "rs") && !allowed.contains(&path) {
                    let text = std::fs::read_to_string(&path).expect("read a source file");
                    let name = path
                        .strip_prefix(root)
                        .unwrap_or(&path)
                        .display()
                        .to_string();
                    found.extend(begun_at(&text).into_iter().map(|n| format!("{name}:{n}")));
                }
            }
        }
        found.sort();
        assert!(
            found.is_empty(),
            "transactions begun outside `crate::transaction!` (not retried when they lose a \
             race): {}",
            found.join(", ")
        );
    }

    #[test]
    fn parameters_in_order_become_anonymous_and_any_other_sql_stays() {
        assert_eq!(
            anon(format!(
                "UPDATE t SET a = $1 WHERE h IN ({})",
                super::list(3, 1)
            )),
            "UPDATE t SET a = ? WHERE h IN (?, ?, ?)"
        );
        assert_eq!(
            anon(format!(
                "INSERT INTO t VALUES {}",
                super::placeholders(2, 2, 0)
            )),
            "INSERT INTO t VALUES (?, ?), (?, ?)"
        );
        assert_eq!(anon("SELECT 1".into()), "SELECT 1");
        // A parameter used twice, out of order, or a gap: left numbered.
        for sql in [
            "CASE h WHEN $1 THEN $2 END WHERE h IN ($1)",
            "SELECT $2, $1",
            "SELECT $1, $3",
        ] {
            assert_eq!(anon(sql.into()), sql);
        }
        // A dollar sign without digits is not a parameter.
        assert_eq!(anon("SELECT '$', $1".into()), "SELECT '$', ?");
    }
}
