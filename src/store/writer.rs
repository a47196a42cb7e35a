//! Group commit. On SQLite every commit waits for the disk (WAL, `synchronous=FULL`: an fsync,
//! about 2–3 ms on this kind of machine), and there is one writer at a time, so a transaction
//! per request would cap the whole service near 300 writes a second. The writer takes the
//! write jobs of many requests and runs them in one transaction with one commit; each
//! request is answered only after the batch holding its job has committed. Nothing is
//! acknowledged before it is durable.
//!
//! PostgreSQL gets the same batches: a transaction per request costs a commit (a WAL flush)
//! and a dozen round trips to the server each, and the server's CPU is shared with ours. A
//! batch takes one transaction on the pool. Several Civitas instances may batch against one
//! database at once; they stay correct because every gate is a row-locking statement (`UPDATE
//! … WHERE spent_at IS NULL RETURNING`), so the second instance to present a refresh token or
//! a code waits for the first's commit and then finds it spent. Ledger heads are locked in
//! person order (`FOR UPDATE … ORDER BY`), so two batches never deadlock on them; a batch that
//! still meets a deadlock or a serialization failure (rows of other tables, locked in
//! another order by another instance, or a distributed engine's conflict) is retried whole,
//! up to [`RETRIES`] times after a growing pause ([`super::backoff`]).
//!
//! On SQLite the writer's connection never checkpoints the WAL: a background task does it
//! every second, PASSIVE, on another connection (see `checkpoints`).
//!
//! Two kinds of job: an [`Issue`] (the writes of a token response, an authorization code or
//! a userinfo answer), which a batch writes together with multi-row statements (a batch of
//! any size costs about ten statements), and a closure over the transaction for everything
//! else. Either may run twice: when anything in a batch fails, the batch is rolled back and
//! each of its jobs is run again alone, so one bad job fails only its own request.

use std::{
    future::Future,
    pin::Pin,
    sync::{Arc, Mutex},
};

use tokio::sync::{mpsc, oneshot};

use super::{
    Db, Tx,
    oauth::{self, CodeRow, GrantRow, NewToken},
};
use crate::ledger::{self, ReleaseRecord};

/// What one answer writes. Its gate, when it has one, decides whether it goes ahead: only the
/// first presentation of a refresh token or a code in the batch (and at all) passes.
#[derive(Clone, Debug, Default)]
pub struct Issue {
    /// Spend this refresh token (hash): it must be live, unspent, its grant standing.
    pub spend_refresh: Option<String>,
    /// Use this refresh token (hash) without spending it (no rotation): it must be live,
    /// unspent, its grant standing. Any number of jobs may present the same one.
    pub keep_refresh: Option<String>,
    /// Use this authorization code (hash): it must be unused; it then points at `grant`.
    pub use_code: Option<String>,
    pub grant: Option<GrantRow>,
    pub tokens: Vec<NewToken>,
    pub code: Option<CodeRow>,
    pub release: Option<ReleaseRecord>,
}

/// Lets through, for each hash the gate statement returned, the first job presenting it; a
/// second job with the same hash in the batch is a replay.
fn gate(
    issues: &[&Issue],
    passed: &mut [bool],
    mut won: Vec<String>,
    hash: impl Fn(&Issue) -> Option<&str>,
) {
    for (i, issue) in issues.iter().enumerate() {
        if let Some(h) = hash(issue) {
            match won.iter().position(|w| w == h) {
                Some(k) => drop(won.swap_remove(k)),
                None => passed[i] = false,
            }
        }
    }
}

/// Writes `issues` together; for each, whether its gate let it through.
async fn apply_issues(tx: &mut Tx, issues: &[&Issue], now: i64) -> Result<Vec<bool>, sqlx::Error> {
    let mut passed = vec![true; issues.len()];
    let spends: Vec<&str> = issues
        .iter()
        .filter_map(|i| i.spend_refresh.as_deref())
        .collect();
    if !spends.is_empty() {
        let spent = oauth::spend_refresh_tokens(tx, &spends, now).await?;
        gate(issues, &mut passed, spent, |i| i.spend_refresh.as_deref());
    }
    let keeps: Vec<&str> = issues
        .iter()
        .filter_map(|i| i.keep_refresh.as_deref())
        .collect();
    if !keeps.is_empty() {
        let live = oauth::lock_live_refresh_tokens(tx, &keeps, now).await?;
        for (i, issue) in issues.iter().enumerate() {
            if let Some(h) = issue.keep_refresh.as_deref()
                && !live.iter().any(|l| l == h)
            {
                passed[i] = false;
            }
        }
    }
    let uses: Vec<&str> = issues
        .iter()
        .filter_map(|i| i.use_code.as_deref())
        .collect();
    if !uses.is_empty() {
        let used = oauth::use_codes(tx, &uses, now).await?;
        gate(issues, &mut passed, used, |i| i.use_code.as_deref());
    }
    let going: Vec<&Issue> = issues
        .iter()
        .zip(&passed)
        .filter(|(_, ok)| **ok)
        .map(|(i, _)| *i)
        .collect();
    let grants: Vec<&GrantRow> = going.iter().filter_map(|i| i.grant.as_ref()).collect();
    oauth::insert_grants(tx, &grants).await?;
    let pointed: Vec<(&str, &str)> = going
        .iter()
        .filter_map(|i| Some((i.use_code.as_deref()?, i.grant.as_ref()?.id.as_str())))
        .collect();
    oauth::update_codes_grant(tx, &pointed).await?;
    let codes: Vec<&CodeRow> = going.iter().filter_map(|i| i.code.as_ref()).collect();
    oauth::insert_codes(tx, &codes).await?;
    let tokens: Vec<&NewToken> = going.iter().flat_map(|i| i.tokens.iter()).collect();
    oauth::insert_new_tokens(tx, &tokens).await?;
    let releases: Vec<&ReleaseRecord> = going.iter().filter_map(|i| i.release.as_ref()).collect();
    ledger::append_many(tx, &releases).await?;
    Ok(passed)
}

/// A future borrowing the transaction.
pub type TxFuture<'t, T> = Pin<Box<dyn Future<Output = Result<T, sqlx::Error>> + Send + 't>>;

type Run = Box<dyn for<'t> FnMut(&'t mut Tx) -> TxFuture<'t, ()> + Send>;

enum Work {
    Run(Run),
    Issue(Box<Issue>, i64, Arc<Mutex<bool>>),
}

struct Job {
    work: Work,
    done: oneshot::Sender<Result<(), sqlx::Error>>,
}

/// The most jobs one batch takes.
const MAX_BATCH: usize = 256;

/// How many times a batch that met a deadlock or a serialization failure is tried again
/// before its jobs run alone.
const RETRIES: usize = 4;

/// Runs write jobs in batches (see the module's note).
#[derive(Clone)]
pub struct Writer(mpsc::Sender<Job>);

impl Writer {
    /// A writer for `db`. This starts the batching task, which ends when the last `Writer`
    /// clone is dropped.
    pub fn new(db: Db) -> Self {
        let (send, receive) = mpsc::channel(4 * MAX_BATCH);
        let db = match &db {
            // Its own connection: the writer never waits behind readers for one. It never
            // checkpoints the WAL itself (a commit that crosses SQLite's threshold would
            // copy pages into the database file and wait for its fsync while every request
            // of the next batch waits): `checkpoints` does it beside it.
            Db::Sqlite(pool) => {
                tokio::spawn(checkpoints(pool.clone(), send.downgrade()));
                Db::Sqlite(
                    sqlx::sqlite::SqlitePoolOptions::new()
                        .max_connections(1)
                        .test_before_acquire(false)
                        .connect_lazy_with(
                            (*pool.connect_options())
                                .clone()
                                .pragma("wal_autocheckpoint", "0"),
                        ),
                )
            }
            // A connection from the pool per batch: one batch at a time per instance.
            Db::Postgres(_) => db,
        };
        tokio::spawn(batches(db, receive));
        Writer(send)
    }

    /// Writes `issue` (with others, on SQLite) and returns whether its gate let it through,
    /// once committed.
    pub async fn issue(&self, issue: Issue, now: i64) -> Result<bool, sqlx::Error> {
        let passed = Arc::new(Mutex::new(false));
        let work = Work::Issue(Box::new(issue), now, passed.clone());
        self.queue(work)
            .await?
            .await
            .map_err(|_| sqlx::Error::PoolClosed)??;
        Ok(*passed.lock().unwrap_or_else(|p| p.into_inner()))
    }

    /// Queues `job` and returns as soon as it is queued, with the receiver of its outcome.
    /// Jobs commit in the order they were queued (a batch commits before the next one
    /// starts), so once a job queued later has committed, this one has too: a caller that
    /// awaits a later write before answering may leave the receiver to be checked afterwards.
    pub async fn write_queued<F>(
        &self,
        mut job: F,
    ) -> Result<oneshot::Receiver<Result<(), sqlx::Error>>, sqlx::Error>
    where
        F: for<'t> FnMut(&'t mut Tx) -> TxFuture<'t, ()> + Send + 'static,
    {
        self.queue(Work::Run(Box::new(move |tx| job(tx)))).await
    }

    /// Hands `work` to the batching task; the receiver gets its batch's outcome.
    async fn queue(
        &self,
        work: Work,
    ) -> Result<oneshot::Receiver<Result<(), sqlx::Error>>, sqlx::Error> {
        let (done, wait) = oneshot::channel();
        self.0
            .send(Job { work, done })
            .await
            .map_err(|_| sqlx::Error::PoolClosed)?;
        Ok(wait)
    }

    /// Runs `job` in a write transaction and returns its result once that transaction has
    /// committed. `job` may run more than once (see the module's note): it must take its
    /// inputs by clone.
    pub async fn write<T, F>(&self, mut job: F) -> Result<T, sqlx::Error>
    where
        T: Send + 'static,
        F: for<'t> FnMut(&'t mut Tx) -> TxFuture<'t, T> + Send + 'static,
    {
        let slot: Arc<Mutex<Option<T>>> = Arc::new(Mutex::new(None));
        let filled = slot.clone();
        let run: Run = Box::new(move |tx| {
            let step = job(tx);
            let filled = filled.clone();
            Box::pin(async move {
                let value = step.await?;
                *filled.lock().unwrap_or_else(|p| p.into_inner()) = Some(value);
                Ok(())
            })
        });
        self.queue(Work::Run(run))
            .await?
            .await
            .map_err(|_| sqlx::Error::PoolClosed)??;
        slot.lock()
            .unwrap_or_else(|p| p.into_inner())
            .take()
            .ok_or(sqlx::Error::PoolClosed)
    }
}

/// How often the WAL is checkpointed beside the writer.
const CHECKPOINT_EVERY: std::time::Duration = std::time::Duration::from_secs(1);

/// Copies the WAL's committed pages into the database file every [`CHECKPOINT_EVERY`], on a
/// pool connection (its own thread), PASSIVE: it never waits for or blocks the writer or the
/// readers, and does what it can now (the rest next time). Ends with the writer.
async fn checkpoints(pool: sqlx::SqlitePool, writer: mpsc::WeakSender<Job>) {
    let mut tick = tokio::time::interval(CHECKPOINT_EVERY);
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        tick.tick().await;
        if writer.upgrade().is_none() {
            return;
        }
        if let Err(e) = sqlx::query("PRAGMA wal_checkpoint(PASSIVE)")
            .execute(&pool)
            .await
        {
            tracing::debug!(error = %e, "a WAL checkpoint did not run");
        }
    }
}

async fn batches(db: Db, mut receive: mpsc::Receiver<Job>) {
    while let Some(first) = receive.recv().await {
        let mut batch = vec![first];
        while batch.len() < MAX_BATCH {
            match receive.try_recv() {
                Ok(job) => batch.push(job),
                Err(_) => break,
            }
        }
        let mut outcome = run_together(&db, &mut batch).await;
        for retry in 1..=RETRIES {
            match &outcome {
                Err(e) if super::is_conflict(e) => {
                    tracing::debug!(error = %e, jobs = batch.len(), "a write batch lost a race; it runs again");
                    tokio::time::sleep(super::backoff(retry as u32)).await;
                    outcome = run_together(&db, &mut batch).await;
                }
                _ => break,
            }
        }
        match outcome {
            Ok(()) => {
                for job in batch {
                    let _ = job.done.send(Ok(()));
                }
            }
            Err(e) if batch.len() == 1 => {
                if let Some(job) = batch.pop() {
                    let _ = job.done.send(Err(e));
                }
            }
            Err(e) => {
                tracing::warn!(error = %e, jobs = batch.len(), "a write batch failed; its jobs run alone");
                for mut job in batch {
                    let mut alone = run_together(&db, std::slice::from_mut(&mut job)).await;
                    for retry in 1..=RETRIES {
                        match &alone {
                            Err(e) if super::is_conflict(e) => {
                                tokio::time::sleep(super::backoff(retry as u32)).await;
                                alone = run_together(&db, std::slice::from_mut(&mut job)).await
                            }
                            _ => break,
                        }
                    }
                    let _ = job.done.send(alone);
                }
            }
        }
    }
}

async fn run_together(db: &Db, batch: &mut [Job]) -> Result<(), sqlx::Error> {
    let mut tx = db.begin().await?;
    let mut issues = Vec::new();
    for job in batch.iter_mut() {
        match &mut job.work {
            Work::Run(run) => run(&mut tx).await?,
            Work::Issue(issue, now, passed) => issues.push((&**issue, *now, passed.clone())),
        }
    }
    if !issues.is_empty() {
        // One clock for the batch's gates: the latest of its jobs' (they are milliseconds
        // apart).
        let now = issues
            .iter()
            .map(|(_, now, _)| *now)
            .max()
            .unwrap_or_default();
        let list: Vec<&Issue> = issues.iter().map(|(i, _, _)| *i).collect();
        let passed = apply_issues(&mut tx, &list, now).await?;
        for ((_, _, slot), ok) in issues.iter().zip(passed) {
            *slot.lock().unwrap_or_else(|p| p.into_inner()) = ok;
        }
    }
    tx.commit().await
}
