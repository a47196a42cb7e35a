//! Scenario 8's data: a ledger of N records written straight into the database, chains of
//! about ten records for citizens that have none yet, each record's hash computed by
//! `civitas::ledger::record_hash` and each chain's head in `ledger_heads`, so that
//! `civitas ledger checkpoint` and `civitas ledger verify` see a ledger as the server writes
//! it. SQLite gets big transactions of multi-row INSERTs, PostgreSQL a COPY. This is test data
//! (its writes are not measured), so it does not wait for the disk. Kept small and apart: the
//! ledger schema may still change.

use std::time::Instant;

use civitas::store::releases::ReleaseRow;
use sqlx::{Connection, Executor};

/// Records per citizen's chain (some get one more when citizens run short).
const CHAIN: usize = 10;
/// Rows per INSERT statement (SQLite).
const BATCH: usize = 1000;

const RELEASE_COLUMNS: &str = "id, person_id, seq, client_id, client_name, purpose, claims, acr, \
                               channel, created_at, prev_hash, hash, event";

/// What was written.
pub struct Filled {
    pub records: u64,
    pub chains: u64,
    pub seconds: f64,
}

enum Item<'a> {
    Record(&'a ReleaseRow),
    /// person, seq, hash
    Head(&'a str, i64, &'a str),
}

/// The chains to write: `need` records over the citizens in `persons`.
struct Plan<'a> {
    persons: &'a [String],
    chains: usize,
    base: usize,
    extra: usize,
}

impl<'a> Plan<'a> {
    fn new(persons: &'a [String], need: usize) -> anyhow::Result<Self> {
        if persons.is_empty() {
            anyhow::bail!("no citizen without a ledger to fill");
        }
        let chains = persons.len().min(need.div_ceil(CHAIN)).max(1);
        Ok(Self {
            persons,
            chains,
            base: need / chains,
            extra: need % chains,
        })
    }

    /// Hands over every record in (person, sequence) order, and each chain's head after it.
    fn walk(&self, mut sink: impl FnMut(Item<'_>)) -> anyhow::Result<()> {
        let created = crate::oidc::now() - 86_400;
        // Ids in UUID form that ascend (a random prefix for this fill, then a counter): the
        // primary key index grows at its end instead of splitting pages all over.
        let mut b = [0u8; 4];
        getrandom::fill(&mut b)?;
        let prefix = u32::from_be_bytes(b);
        let mut counter = 0u64;
        for (k, person) in self.persons.iter().take(self.chains).enumerate() {
            let length = self.base + usize::from(k < self.extra);
            let mut prev = String::new();
            for seq in 1..=length as i64 {
                counter += 1;
                let mut r = ReleaseRow {
                    id: format!("{prefix:08x}-0000-4000-8000-{counter:012x}"),
                    person_id: person.clone(),
                    seq,
                    client_id: "bench-ledger-client".into(),
                    client_name: "Bench Agency".into(),
                    purpose: "Load benchmark".into(),
                    claims: "sub name given_name family_name".into(),
                    acr: "urn:civitas:loa:substantial".into(),
                    channel: "id_token".into(),
                    created_at: created + seq,
                    prev_hash: prev,
                    hash: String::new(),
                    event: String::new(),
                };
                r.hash = civitas::ledger::record_hash(&r);
                sink(Item::Record(&r));
                prev = r.hash;
            }
            sink(Item::Head(person, length as i64, &prev));
        }
        Ok(())
    }
}

/// Adds records until the ledger holds `total` (the load before may have added some).
pub async fn fill(db_url: &str, total: u64) -> anyhow::Result<Filled> {
    let started = Instant::now();
    const COUNT: &str = "SELECT COUNT(*) FROM releases";
    const FREE: &str =
        "SELECT id FROM persons WHERE id NOT IN (SELECT person_id FROM ledger_heads) ORDER BY id";
    let (records, chains) = if db_url.starts_with("sqlite:") {
        let mut c = sqlx::SqliteConnection::connect(db_url).await?;
        c.execute("PRAGMA synchronous=OFF; PRAGMA foreign_keys=ON")
            .await?;
        let existing: i64 = sqlx::query_scalar(COUNT).fetch_one(&mut c).await?;
        let persons: Vec<String> = sqlx::query_scalar(FREE).fetch_all(&mut c).await?;
        let need = total.saturating_sub(existing as u64) as usize;
        let filled = if need == 0 {
            (0, 0)
        } else {
            sqlite(&mut c, &Plan::new(&persons, need)?).await?
        };
        c.close().await?;
        filled
    } else {
        let mut c = sqlx::PgConnection::connect(db_url).await?;
        c.execute("SET synchronous_commit = off").await?;
        let existing: i64 = sqlx::query_scalar(COUNT).fetch_one(&mut c).await?;
        let persons: Vec<String> = sqlx::query_scalar(FREE).fetch_all(&mut c).await?;
        let need = total.saturating_sub(existing as u64) as usize;
        let filled = if need == 0 {
            (0, 0)
        } else {
            postgres(&mut c, &Plan::new(&persons, need)?).await?
        };
        c.close().await?;
        filled
    };
    Ok(Filled {
        records,
        chains,
        seconds: started.elapsed().as_secs_f64(),
    })
}

/// Quotes a text as an SQL literal.
fn lit(s: &str) -> String {
    format!("'{}'", s.replace('\'', "''"))
}

fn release_values(r: &ReleaseRow) -> String {
    format!(
        "({},{},{},{},{},{},{},{},{},{},{},{},{})",
        lit(&r.id),
        lit(&r.person_id),
        r.seq,
        lit(&r.client_id),
        lit(&r.client_name),
        lit(&r.purpose),
        lit(&r.claims),
        lit(&r.acr),
        lit(&r.channel),
        r.created_at,
        lit(&r.prev_hash),
        lit(&r.hash),
        lit(&r.event),
    )
}

/// SQLite: statements of a thousand rows, one transaction.
async fn sqlite(c: &mut sqlx::SqliteConnection, plan: &Plan<'_>) -> anyhow::Result<(u64, u64)> {
    // The rows are made synchronously, the statements sent in between.
    let mut statements: Vec<String> = vec![];
    let mut releases: Vec<String> = Vec::with_capacity(BATCH);
    let mut heads: Vec<String> = Vec::with_capacity(BATCH);
    let mut written = 0u64;
    let flush = |rows: &mut Vec<String>, table: &str, out: &mut Vec<String>| {
        if !rows.is_empty() {
            out.push(format!("INSERT INTO {table} VALUES {}", rows.join(",")));
            rows.clear();
        }
    };
    plan.walk(|item| match item {
        Item::Record(r) => {
            releases.push(release_values(r));
            written += 1;
            if releases.len() == BATCH {
                flush(
                    &mut releases,
                    &format!("releases ({RELEASE_COLUMNS})"),
                    &mut statements,
                );
            }
        }
        Item::Head(person, seq, hash) => {
            heads.push(format!("({},{seq},{})", lit(person), lit(hash)));
            if heads.len() == BATCH {
                flush(
                    &mut heads,
                    "ledger_heads (person_id, seq, hash)",
                    &mut statements,
                );
            }
        }
    })?;
    flush(
        &mut releases,
        &format!("releases ({RELEASE_COLUMNS})"),
        &mut statements,
    );
    flush(
        &mut heads,
        "ledger_heads (person_id, seq, hash)",
        &mut statements,
    );
    c.execute("BEGIN").await?;
    for sql in statements {
        c.execute(sqlx::AssertSqlSafe(sql)).await?;
    }
    c.execute("COMMIT").await?;
    Ok((written, plan.chains as u64))
}

/// PostgreSQL: COPY in text format (no value holds a tab, a newline or a backslash).
async fn postgres(c: &mut sqlx::PgConnection, plan: &Plan<'_>) -> anyhow::Result<(u64, u64)> {
    let mut releases = String::with_capacity(plan.chains * (plan.base + 1) * 300);
    let mut heads = String::with_capacity(plan.chains * 100);
    let mut written = 0u64;
    plan.walk(|item| {
        use std::fmt::Write as _;
        match item {
            Item::Record(r) => {
                let _ = writeln!(
                    releases,
                    "{}\t{}\t{}\t{}\t{}\t{}\t{}\t{}\t{}\t{}\t{}\t{}\t{}",
                    r.id,
                    r.person_id,
                    r.seq,
                    r.client_id,
                    r.client_name,
                    r.purpose,
                    r.claims,
                    r.acr,
                    r.channel,
                    r.created_at,
                    r.prev_hash,
                    r.hash,
                    r.event
                );
                written += 1;
            }
            Item::Head(person, seq, hash) => {
                let _ = writeln!(heads, "{person}\t{seq}\t{hash}");
            }
        }
    })?;
    let mut tx = c.begin().await?;
    let mut copy = tx
        .copy_in_raw(&format!("COPY releases ({RELEASE_COLUMNS}) FROM STDIN"))
        .await?;
    copy.send(releases.into_bytes()).await?;
    copy.finish().await?;
    let mut copy = tx
        .copy_in_raw("COPY ledger_heads (person_id, seq, hash) FROM STDIN")
        .await?;
    copy.send(heads.into_bytes()).await?;
    copy.finish().await?;
    tx.commit().await?;
    Ok((written, plan.chains as u64))
}
