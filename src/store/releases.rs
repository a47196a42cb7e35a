//! `releases`, `ledger_heads`, `ledger_checkpoints`, `ledger_checkpoint_heads`: the ledger,
//! one hash chain per citizen, and the signed checkpoints over every chain's head.

use sqlx::AssertSqlSafe;

use super::{Db, Tx};
use crate::{on_db, on_tx};

#[derive(Clone, Debug, PartialEq, Eq, sqlx::FromRow)]
pub struct ReleaseRow {
    pub id: String,
    pub person_id: String,
    pub seq: i64,
    pub client_id: String,
    pub client_name: String,
    pub purpose: String,
    pub claims: String,
    pub acr: String,
    pub channel: String,
    pub created_at: i64,
    pub prev_hash: String,
    pub hash: String,
    /// Empty for releases; the event's name for security, staff and retention records.
    pub event: String,
}

const COLUMNS: &str = "id, person_id, seq, client_id, client_name, purpose, claims, acr, channel, \
     created_at, prev_hash, hash, event";

/// The channels that are releases of data (the rest are events on the account).
pub const RELEASE_CHANNELS: &str = "('id_token', 'userinfo', 'saml')";

/// Locks the head of a person's chain for this transaction and returns it (sequence number
/// and hash; 0 and "" for a chain with no record yet). Creates the head row when missing.
/// Only this person's row is locked: other citizens' appends go on.
pub async fn lock_chain_head(tx: &mut Tx, person_id: &str) -> Result<(i64, String), sqlx::Error> {
    const LOCK: &str = "UPDATE ledger_heads SET seq = seq WHERE person_id = $1 RETURNING seq, hash";
    let found: Option<(i64, String)> = on_tx!(tx, |c| sqlx::query_as(LOCK)
        .bind(person_id)
        .fetch_optional(c)
        .await)?;
    if let Some(head) = found {
        return Ok(head);
    }
    on_tx!(tx, |c| sqlx::query(
        "INSERT INTO ledger_heads (person_id, seq, hash) VALUES ($1, 0, '') \
         ON CONFLICT (person_id) DO NOTHING"
    )
    .bind(person_id)
    .execute(c)
    .await
    .map(drop))?;
    on_tx!(tx, |c| sqlx::query_as(LOCK)
        .bind(person_id)
        .fetch_one(c)
        .await)
}

pub async fn update_chain_head(
    tx: &mut Tx,
    person_id: &str,
    seq: i64,
    hash: &str,
) -> Result<(), sqlx::Error> {
    on_tx!(tx, |c| sqlx::query(
        "UPDATE ledger_heads SET seq = $2, hash = $3 WHERE person_id = $1"
    )
    .bind(person_id)
    .bind(seq)
    .bind(hash)
    .execute(c)
    .await
    .map(drop))
}

pub async fn insert_release(tx: &mut Tx, r: &ReleaseRow) -> Result<(), sqlx::Error> {
    let sql = format!(
        "INSERT INTO releases ({COLUMNS}) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)"
    );
    on_tx!(tx, |c| sqlx::query(AssertSqlSafe(sql))
        .bind(&r.id)
        .bind(&r.person_id)
        .bind(r.seq)
        .bind(&r.client_id)
        .bind(&r.client_name)
        .bind(&r.purpose)
        .bind(&r.claims)
        .bind(&r.acr)
        .bind(&r.channel)
        .bind(r.created_at)
        .bind(&r.prev_hash)
        .bind(&r.hash)
        .bind(&r.event)
        .execute(c)
        .await
        .map(drop))
}

/// One page of a person's releases (not events), newest first: those before `before_seq`,
/// of one service when `client_id` is given.
pub async fn find_releases_of_person(
    db: &Db,
    person_id: &str,
    client_id: Option<&str>,
    before_seq: Option<i64>,
    limit: i64,
) -> Result<Vec<ReleaseRow>, sqlx::Error> {
    let sql = format!(
        "SELECT {COLUMNS} FROM releases WHERE person_id = $1 AND channel IN {RELEASE_CHANNELS} \
         AND ($2 = '' OR client_id = $2) AND seq < $3 ORDER BY seq DESC LIMIT $4"
    );
    on_db!(db, |p| sqlx::query_as(AssertSqlSafe(sql))
        .bind(person_id)
        .bind(client_id.unwrap_or(""))
        .bind(before_seq.unwrap_or(i64::MAX))
        .bind(limit)
        .fetch_all(p)
        .await)
}

/// One of a person's records.
pub async fn find_record_of_person(
    db: &Db,
    person_id: &str,
    id: &str,
) -> Result<Option<ReleaseRow>, sqlx::Error> {
    let sql = format!("SELECT {COLUMNS} FROM releases WHERE person_id = $1 AND id = $2");
    on_db!(db, |p| sqlx::query_as(AssertSqlSafe(sql))
        .bind(person_id)
        .bind(id)
        .fetch_optional(p)
        .await)
}

/// The services a person's data was released to, by name, for the history's filter.
pub async fn find_release_services_of_person(
    db: &Db,
    person_id: &str,
) -> Result<Vec<(String, String)>, sqlx::Error> {
    let sql = format!(
        "SELECT client_id, MAX(client_name) FROM releases \
         WHERE person_id = $1 AND channel IN {RELEASE_CHANNELS} \
         GROUP BY client_id ORDER BY MAX(client_name)"
    );
    on_db!(db, |p| sqlx::query_as(AssertSqlSafe(sql))
        .bind(person_id)
        .fetch_all(p)
        .await)
}

/// Every record after `after` (person, sequence) in chain order, at most `limit`: verification
/// walks the whole ledger page by page without holding it in memory.
pub async fn find_records_page(
    db: &Db,
    after: Option<(&str, i64)>,
    limit: i64,
) -> Result<Vec<ReleaseRow>, sqlx::Error> {
    let (person, seq) = after.unwrap_or(("", 0));
    let sql = format!(
        "SELECT {COLUMNS} FROM releases WHERE person_id > $1 OR (person_id = $1 AND seq > $2) \
         ORDER BY person_id, seq LIMIT $3"
    );
    on_db!(db, |p| sqlx::query_as(AssertSqlSafe(sql))
        .bind(person)
        .bind(seq)
        .bind(limit)
        .fetch_all(p)
        .await)
}

pub async fn count_records(db: &Db) -> Result<i64, sqlx::Error> {
    on_db!(db, |p| sqlx::query_scalar("SELECT COUNT(*) FROM releases")
        .fetch_one(p)
        .await)
}

/// A chain head as a checkpoint sees it.
#[derive(Clone, Debug, PartialEq, Eq, sqlx::FromRow)]
pub struct HeadRow {
    pub person_id: String,
    pub seq: i64,
    pub hash: String,
    pub checkpointed_seq: i64,
}

/// Every chain head, in person order, read in one statement (one consistent snapshot).
pub async fn find_chain_heads(tx: &mut Tx) -> Result<Vec<HeadRow>, sqlx::Error> {
    on_tx!(tx, |c| sqlx::query_as(
        "SELECT person_id, seq, hash, checkpointed_seq FROM ledger_heads WHERE seq > 0 \
         ORDER BY person_id"
    )
    .fetch_all(c)
    .await)
}

#[derive(Clone, Debug, PartialEq, Eq, sqlx::FromRow)]
pub struct CheckpointRow {
    pub seq: i64,
    pub created_at: i64,
    pub chains: i64,
    pub root: String,
    pub jws: String,
}

/// A head a checkpoint covered that had changed since the checkpoint before.
#[derive(Clone, Debug, PartialEq, Eq, sqlx::FromRow)]
pub struct CheckpointHeadRow {
    pub checkpoint_seq: i64,
    pub person_id: String,
    pub seq: i64,
    pub hash: String,
}

pub async fn find_last_checkpoint(tx: &mut Tx) -> Result<Option<CheckpointRow>, sqlx::Error> {
    on_tx!(tx, |c| sqlx::query_as(
        "SELECT seq, created_at, chains, root, jws FROM ledger_checkpoints \
         ORDER BY seq DESC LIMIT 1"
    )
    .fetch_optional(c)
    .await)
}

pub async fn find_checkpoints(db: &Db) -> Result<Vec<CheckpointRow>, sqlx::Error> {
    on_db!(db, |p| sqlx::query_as(
        "SELECT seq, created_at, chains, root, jws FROM ledger_checkpoints ORDER BY seq"
    )
    .fetch_all(p)
    .await)
}

/// The newest checkpoint, if any (read on the pool: the console's ledger status).
pub async fn find_latest_checkpoint(db: &Db) -> Result<Option<CheckpointRow>, sqlx::Error> {
    on_db!(db, |p| sqlx::query_as(
        "SELECT seq, created_at, chains, root, jws FROM ledger_checkpoints \
         ORDER BY seq DESC LIMIT 1"
    )
    .fetch_optional(p)
    .await)
}

pub async fn find_checkpoint_heads(db: &Db) -> Result<Vec<CheckpointHeadRow>, sqlx::Error> {
    on_db!(db, |p| sqlx::query_as(
        "SELECT checkpoint_seq, person_id, seq, hash FROM ledger_checkpoint_heads \
         ORDER BY checkpoint_seq, person_id"
    )
    .fetch_all(p)
    .await)
}

/// How far checkpoints have covered a chain kept outside `ledger_heads` (the staff log): the
/// highest sequence number recorded for it, 0 for none.
pub async fn find_checkpointed_seq(tx: &mut Tx, chain: &str) -> Result<i64, sqlx::Error> {
    on_tx!(tx, |c| sqlx::query_scalar(
        "SELECT COALESCE(MAX(seq), 0) FROM ledger_checkpoint_heads WHERE person_id = $1"
    )
    .bind(chain)
    .fetch_one(c)
    .await)
}

/// The first checkpoint that covers record `seq` of a person's chain, if one does yet.
pub async fn find_covering_checkpoint(
    db: &Db,
    person_id: &str,
    seq: i64,
) -> Result<Option<CheckpointRow>, sqlx::Error> {
    on_db!(db, |p| sqlx::query_as(
        "SELECT c.seq, c.created_at, c.chains, c.root, c.jws FROM ledger_checkpoints c \
         WHERE c.seq = (SELECT MIN(h.checkpoint_seq) FROM ledger_checkpoint_heads h \
                        WHERE h.person_id = $1 AND h.seq >= $2)"
    )
    .bind(person_id)
    .bind(seq)
    .fetch_optional(p)
    .await)
}

/// Records a checkpoint and the heads it covered that changed, and marks those heads covered.
pub async fn insert_checkpoint(
    tx: &mut Tx,
    row: &CheckpointRow,
    changed: &[HeadRow],
) -> Result<(), sqlx::Error> {
    on_tx!(tx, |c| sqlx::query(
        "INSERT INTO ledger_checkpoints (seq, created_at, chains, root, jws) \
         VALUES ($1, $2, $3, $4, $5)"
    )
    .bind(row.seq)
    .bind(row.created_at)
    .bind(row.chains)
    .bind(&row.root)
    .bind(&row.jws)
    .execute(c)
    .await
    .map(drop))?;
    // Multi-row inserts: a checkpoint after a busy hour covers many heads.
    for chunk in changed.chunks(250) {
        let values = (0..chunk.len())
            .map(|i| {
                let b = i * 3;
                format!("($1, ${}, ${}, ${})", b + 2, b + 3, b + 4)
            })
            .collect::<Vec<_>>()
            .join(", ");
        let sql = format!(
            "INSERT INTO ledger_checkpoint_heads (checkpoint_seq, person_id, seq, hash) \
             VALUES {values}"
        );
        on_tx!(tx, |c| {
            let mut q = sqlx::query(AssertSqlSafe(sql)).bind(row.seq);
            for h in chunk {
                q = q.bind(&h.person_id).bind(h.seq).bind(&h.hash);
            }
            q.execute(c).await.map(drop)
        })?;
    }
    on_tx!(tx, |c| sqlx::query(
        "UPDATE ledger_heads SET checkpointed_seq = (SELECT h.seq FROM ledger_checkpoint_heads h \
             WHERE h.checkpoint_seq = $1 AND h.person_id = ledger_heads.person_id) \
         WHERE person_id IN (SELECT person_id FROM ledger_checkpoint_heads \
                             WHERE checkpoint_seq = $1)"
    )
    .bind(row.seq)
    .execute(c)
    .await
    .map(drop))
}

/// Removes a person's records up to and including `through_seq` (retention). The chain's
/// head is never among them: the caller appends a marker first.
pub async fn delete_records_through(
    tx: &mut Tx,
    person_id: &str,
    through_seq: i64,
) -> Result<u64, sqlx::Error> {
    on_tx!(tx, |c| sqlx::query(
        "DELETE FROM releases WHERE person_id = $1 AND seq <= $2"
    )
    .bind(person_id)
    .bind(through_seq)
    .execute(c)
    .await
    .map(|r| r.rows_affected()))
}

/// The people with records older than `before` (retention), and the newest such record's
/// sequence number and hash for each.
pub async fn find_expired_records(db: &Db, before: i64) -> Result<Vec<(String, i64)>, sqlx::Error> {
    on_db!(db, |p| sqlx::query_as(
        "SELECT person_id, MAX(seq) FROM releases WHERE created_at < $1 GROUP BY person_id"
    )
    .bind(before)
    .fetch_all(p)
    .await)
}

pub async fn find_record_hash(
    tx: &mut Tx,
    person_id: &str,
    seq: i64,
) -> Result<Option<String>, sqlx::Error> {
    on_tx!(tx, |c| sqlx::query_scalar(
        "SELECT hash FROM releases WHERE person_id = $1 AND seq = $2"
    )
    .bind(person_id)
    .bind(seq)
    .fetch_optional(c)
    .await)
}

// ---------------------------------------------------------------------------------------
// Multi-row forms, for group commit (`store::writer`).

/// Creates the missing heads of `people` and locks them all: their (person, seq, hash).
pub async fn lock_chain_heads(
    tx: &mut Tx,
    people: &[&str],
) -> Result<Vec<(String, i64, String)>, sqlx::Error> {
    let insert = format!(
        "INSERT INTO ledger_heads (person_id, seq, hash) VALUES {} ON CONFLICT (person_id) DO NOTHING",
        (0..people.len())
            .map(|i| format!("(${}, 0, '')", i + 1))
            .collect::<Vec<_>>()
            .join(", ")
    );
    let insert = super::positional(tx, insert);
    on_tx!(tx, |c| {
        let mut q = sqlx::query(AssertSqlSafe(insert));
        for p in people {
            q = q.bind(*p);
        }
        q.execute(c).await.map(drop)
    })?;
    // SQLite has one writer, so any statement that writes locks; PostgreSQL locks the rows in
    // person order, the same order in every transaction, so two batches never deadlock here.
    let lock = match tx {
        Tx::Sqlite(_) => format!(
            "UPDATE ledger_heads SET seq = seq WHERE person_id IN ({}) RETURNING person_id, seq, hash",
            super::list(people.len(), 0)
        ),
        Tx::Postgres(_) => format!(
            "SELECT person_id, seq, hash FROM ledger_heads WHERE person_id IN ({}) \
             ORDER BY person_id FOR UPDATE",
            super::list(people.len(), 0)
        ),
    };
    let lock = super::positional(tx, lock);
    on_tx!(tx, |c| {
        let mut q = sqlx::query_as(AssertSqlSafe(lock));
        for p in people {
            q = q.bind(*p);
        }
        q.fetch_all(c).await
    })
}

pub async fn insert_releases(tx: &mut Tx, rows: &[ReleaseRow]) -> Result<(), sqlx::Error> {
    if rows.is_empty() {
        return Ok(());
    }
    let sql = format!(
        "INSERT INTO releases ({COLUMNS}) VALUES {}",
        super::placeholders(rows.len(), 13, 0)
    );
    let sql = super::positional(tx, sql);
    on_tx!(tx, |c| {
        let mut q = sqlx::query(AssertSqlSafe(sql));
        for r in rows {
            q = q
                .bind(&r.id)
                .bind(&r.person_id)
                .bind(r.seq)
                .bind(&r.client_id)
                .bind(&r.client_name)
                .bind(&r.purpose)
                .bind(&r.claims)
                .bind(&r.acr)
                .bind(&r.channel)
                .bind(r.created_at)
                .bind(&r.prev_hash)
                .bind(&r.hash)
                .bind(&r.event);
        }
        q.execute(c).await.map(drop)
    })
}

/// Moves the heads of the chains just appended to.
pub async fn update_chain_heads(
    tx: &mut Tx,
    heads: &[(&str, i64, &str)],
) -> Result<(), sqlx::Error> {
    if heads.is_empty() {
        return Ok(());
    }
    let sql = format!(
        "INSERT INTO ledger_heads (person_id, seq, hash) VALUES {} \
         ON CONFLICT (person_id) DO UPDATE SET seq = excluded.seq, hash = excluded.hash",
        super::placeholders(heads.len(), 3, 0)
    );
    let sql = super::positional(tx, sql);
    on_tx!(tx, |c| {
        let mut q = sqlx::query(AssertSqlSafe(sql));
        for (p, s, h) in heads {
            q = q.bind(*p).bind(*s).bind(*h);
        }
        q.execute(c).await.map(drop)
    })
}

/// ID tokens issued to a client per UTC day from `since` (a day's start): (day, count). Uses
/// `releases_client`.
pub async fn find_daily_id_tokens(
    db: &Db,
    client_id: &str,
    since: i64,
) -> Result<Vec<(i64, i64)>, sqlx::Error> {
    on_db!(db, |p| sqlx::query_as(
        "SELECT created_at - created_at % 86400 AS day, COUNT(*) FROM releases \
         WHERE client_id = $1 AND created_at >= $2 AND channel = 'id_token' \
         GROUP BY created_at - created_at % 86400 ORDER BY day"
    )
    .bind(client_id)
    .bind(since)
    .fetch_all(p)
    .await)
}
