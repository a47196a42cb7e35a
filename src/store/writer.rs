//! Group commit. On SQLite every commit waits for the disk (WAL, `synchronous=FULL`: an fsync,
//! about 2–3 ms on this kind of machine), and there is one writer at a time, so a transaction
//! per request would cap the whole service near 300 writes a second. The writer takes the
//! write jobs of many requests and runs them in one transaction with one commit; each
//! request is answered only after the batch holding its job has committed. Nothing is
//! acknowledged before it is durable.
//!
//! On PostgreSQL each job runs in its own transaction on the pool: the server already flushes
//! the WAL of concurrent commits together.
//!
//! A job is a closure over a transaction that may run twice: when any job of a batch fails,
//! the batch is rolled back and each of its jobs is run again alone, so one bad job fails
//! only its own request.

use std::{
    future::Future,
    pin::Pin,
    sync::{Arc, Mutex},
};

use tokio::sync::{mpsc, oneshot};

use super::{Db, Tx};

/// A future borrowing the transaction.
pub type TxFuture<'t, T> = Pin<Box<dyn Future<Output = Result<T, sqlx::Error>> + Send + 't>>;

type Run = Box<dyn for<'t> FnMut(&'t mut Tx) -> TxFuture<'t, ()> + Send>;

struct Job {
    run: Run,
    done: oneshot::Sender<Result<(), sqlx::Error>>,
}

/// The most jobs one batch takes.
const MAX_BATCH: usize = 256;

/// Runs write jobs: batched on SQLite, one transaction each on PostgreSQL.
#[derive(Clone)]
pub struct Writer(Inner);

#[derive(Clone)]
enum Inner {
    Batched(mpsc::Sender<Job>),
    Direct(Db),
}

impl Writer {
    /// A writer for `db`. On SQLite this starts the batching task, which ends when the last
    /// `Writer` clone is dropped.
    pub fn new(db: Db) -> Self {
        match &db {
            Db::Sqlite(_) => {
                let (send, receive) = mpsc::channel(4 * MAX_BATCH);
                tokio::spawn(batches(db, receive));
                Writer(Inner::Batched(send))
            }
            Db::Postgres(_) => Writer(Inner::Direct(db)),
        }
    }

    /// Runs `job` in a write transaction and returns its result once that transaction has
    /// committed. `job` may run more than once (see the module's note): it must take its
    /// inputs by clone.
    pub async fn write<T, F>(&self, mut job: F) -> Result<T, sqlx::Error>
    where
        T: Send + 'static,
        F: for<'t> FnMut(&'t mut Tx) -> TxFuture<'t, T> + Send + 'static,
    {
        match &self.0 {
            Inner::Direct(db) => {
                let mut tx = db.begin().await?;
                let value = job(&mut tx).await?;
                tx.commit().await?;
                Ok(value)
            }
            Inner::Batched(send) => {
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
                let (done, wait) = oneshot::channel();
                send.send(Job { run, done })
                    .await
                    .map_err(|_| sqlx::Error::PoolClosed)?;
                wait.await.map_err(|_| sqlx::Error::PoolClosed)??;
                slot.lock()
                    .unwrap_or_else(|p| p.into_inner())
                    .take()
                    .ok_or(sqlx::Error::PoolClosed)
            }
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
        match run_together(&db, &mut batch).await {
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
                    let alone = run_together(&db, std::slice::from_mut(&mut job)).await;
                    let _ = job.done.send(alone);
                }
            }
        }
    }
}

async fn run_together(db: &Db, batch: &mut [Job]) -> Result<(), sqlx::Error> {
    let mut tx = db.begin().await?;
    for job in batch.iter_mut() {
        (job.run)(&mut tx).await?;
    }
    tx.commit().await
}
