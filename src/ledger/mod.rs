//! The ledger: every release of a citizen's data, and every security or staff action on their
//! account, is appended to that citizen's own hash chain in the same transaction as the thing
//! it records (no release without its record, no record without its release). Each record's
//! hash covers the previous record's hash and its own fields, so editing, deleting or
//! reordering a record breaks the chain. A periodic checkpoint signs (ES256) the Merkle root
//! of every chain's head, so cutting records off the end of a chain, or rewriting a chain
//! whole, shows too. The checkpoints cover the staff log's head as well (`staff_log`), so
//! staff cannot erase their own tracks. `civitas ledger verify` checks all of it and names the
//! first broken record.
//!
//! Appending locks only the citizen's own head row: many instances append for many citizens
//! at once.

pub mod staff_log;

use std::collections::{BTreeMap, HashMap, HashSet};

use base64::{Engine, engine::general_purpose::URL_SAFE_NO_PAD as B64};
use serde::{Deserialize, Serialize};
use serde_json::json;
use sha2::{Digest, Sha256};

use crate::{
    crypto::{keyring::Keyring, keys::Alg},
    store::{
        Db, Lock, Tx,
        releases::{self, CheckpointHeadRow, CheckpointRow, HeadRow, ReleaseRow},
        signing_keys::SigningKeyRow,
    },
};

/// What a release says, before it is chained.
pub struct Release<'a> {
    pub person_id: &'a str,
    pub client_id: &'a str,
    pub client_name: &'a str,
    pub purpose: &'a str,
    /// Claim names, never values.
    pub claims: Vec<&'a str>,
    pub acr: &'a str,
    pub channel: &'a str,
    pub at: i64,
}

/// A release owned, for a write job that may run twice (see `store::writer`).
#[derive(Clone, Debug)]
pub struct ReleaseRecord {
    pub person_id: String,
    pub client_id: String,
    pub client_name: String,
    pub purpose: String,
    pub claims: Vec<String>,
    pub acr: String,
    pub channel: &'static str,
    pub at: i64,
}

impl ReleaseRecord {
    pub fn as_release(&self) -> Release<'_> {
        Release {
            person_id: &self.person_id,
            client_id: &self.client_id,
            client_name: &self.client_name,
            purpose: &self.purpose,
            claims: self.claims.iter().map(String::as_str).collect(),
            acr: &self.acr,
            channel: self.channel,
            at: self.at,
        }
    }
}

/// The hash of a record: SHA-256 over the previous hash and the record's fields in a fixed
/// JSON form. Releases leave `event` out (it is empty for them).
pub fn record_hash(r: &ReleaseRow) -> String {
    let mut body = json!([
        r.prev_hash,
        r.id,
        r.person_id,
        r.seq,
        r.client_id,
        r.client_name,
        r.purpose,
        r.claims,
        r.acr,
        r.channel,
        r.created_at
    ]);
    if !r.event.is_empty()
        && let Some(fields) = body.as_array_mut()
    {
        fields.push(json!(r.event));
    }
    B64.encode(Sha256::digest(body.to_string().as_bytes()))
}

fn new_row(person_id: &str, channel: &str, at: i64) -> ReleaseRow {
    ReleaseRow {
        id: uuid::Uuid::new_v4().to_string(),
        person_id: person_id.to_owned(),
        seq: 0,
        client_id: String::new(),
        client_name: String::new(),
        purpose: String::new(),
        claims: String::new(),
        acr: String::new(),
        channel: channel.to_owned(),
        created_at: at,
        prev_hash: String::new(),
        hash: String::new(),
        event: String::new(),
    }
}

/// A release's record, not yet linked to its chain.
fn release_row(release: &Release<'_>) -> ReleaseRow {
    let mut row = new_row(release.person_id, release.channel, release.at);
    row.client_id = release.client_id.to_owned();
    row.client_name = release.client_name.to_owned();
    row.purpose = release.purpose.to_owned();
    row.claims = release.claims.join(" ");
    row.acr = release.acr.to_owned();
    row
}

/// Appends a release to the citizen's chain inside `tx`.
pub async fn append(tx: &mut Tx, release: &Release<'_>) -> Result<ReleaseRow, sqlx::Error> {
    chain(tx, release_row(release)).await
}

/// The kinds of account events the ledger keeps beside releases.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum EventChannel {
    /// Sign-ins, failed attempts, locks, passkey changes: what the citizen or the system did.
    Security,
    /// What helpdesk staff did on the account.
    Staff,
}

/// Appends a security or staff event (`event` names it, `description` says it) inside `tx`.
pub async fn append_event(
    tx: &mut Tx,
    person_id: &str,
    channel: EventChannel,
    event: &str,
    description: &str,
    at: i64,
) -> Result<ReleaseRow, sqlx::Error> {
    let channel = match channel {
        EventChannel::Security => "security",
        EventChannel::Staff => "staff",
    };
    let mut row = new_row(person_id, channel, at);
    row.event = event.to_owned();
    row.purpose = description.to_owned();
    chain(tx, row).await
}

/// Appends many releases at once (group commit): the heads of their chains are locked in one
/// statement, the records written in one, the heads moved in one. Releases of one citizen
/// follow each other in the order given.
pub async fn append_many(tx: &mut Tx, releases: &[&ReleaseRecord]) -> Result<(), sqlx::Error> {
    if releases.is_empty() {
        return Ok(());
    }
    let mut people: Vec<&str> = releases.iter().map(|r| r.person_id.as_str()).collect();
    people.sort_unstable();
    people.dedup();
    let mut heads: HashMap<String, (i64, String)> = releases::lock_chain_heads(tx, &people)
        .await?
        .into_iter()
        .map(|(p, seq, hash)| (p, (seq, hash)))
        .collect();
    let mut rows = Vec::with_capacity(releases.len());
    for r in releases {
        let mut row = release_row(&r.as_release());
        let head = heads
            .get_mut(&row.person_id)
            .ok_or_else(|| sqlx::Error::Protocol("a chain head was not locked".into()))?;
        row.seq = head.0 + 1;
        row.prev_hash = std::mem::take(&mut head.1);
        row.hash = record_hash(&row);
        *head = (row.seq, row.hash.clone());
        rows.push(row);
    }
    releases::insert_releases(tx, &rows).await?;
    let moved: Vec<(&str, i64, &str)> = people
        .iter()
        .filter_map(|p| heads.get(*p).map(|(seq, hash)| (*p, *seq, hash.as_str())))
        .collect();
    releases::update_chain_heads(tx, &moved).await
}

/// Links `row` to its chain's head, writes it, and moves the head.
async fn chain(tx: &mut Tx, mut row: ReleaseRow) -> Result<ReleaseRow, sqlx::Error> {
    let (seq, prev_hash) = releases::lock_chain_head(tx, &row.person_id).await?;
    row.seq = seq + 1;
    row.prev_hash = prev_hash;
    row.hash = record_hash(&row);
    releases::insert_release(tx, &row).await?;
    releases::update_chain_head(tx, &row.person_id, row.seq, &row.hash).await?;
    Ok(row)
}

// ---------------------------------------------------------------------------------------
// Checkpoints

/// A Merkle leaf: one chain's head (RFC 6962 §2.1 leaf prefix 0x00).
pub fn leaf_hash(person_id: &str, seq: i64, hash: &str) -> [u8; 32] {
    let mut h = Sha256::new();
    h.update([0u8]);
    h.update(person_id.as_bytes());
    h.update([0u8]);
    h.update(seq.to_string().as_bytes());
    h.update([0u8]);
    h.update(hash.as_bytes());
    h.finalize().into()
}

/// The Merkle tree hash of RFC 6962 §2.1 over `leaves` (already leaf-hashed).
pub fn merkle_root(leaves: &[[u8; 32]]) -> [u8; 32] {
    match leaves.len() {
        0 => Sha256::digest([]).into(),
        1 => leaves[0],
        n => {
            let k = 1usize << (usize::BITS - 1 - (n - 1).leading_zeros());
            let mut h = Sha256::new();
            h.update([1u8]);
            h.update(merkle_root(&leaves[..k]));
            h.update(merkle_root(&leaves[k..]));
            h.finalize().into()
        }
    }
}

/// What a checkpoint signs.
#[derive(Debug, Serialize, Deserialize, PartialEq, Eq)]
pub struct CheckpointClaims {
    pub iss: String,
    /// 1, 2, 3 …
    pub seq: i64,
    pub iat: i64,
    /// How many chains (citizens with records, and the staff log once it has one) the root
    /// covers.
    pub chains: i64,
    /// Base64url Merkle root over every chain head, in chain-name order (person ids, and
    /// `staff-log` for the staff log).
    pub root: String,
    /// Base64url SHA-256 of the checkpoint before (its JWS), "" for the first.
    pub prev: String,
}

/// The hash a checkpoint's successor commits to.
pub fn checkpoint_link(jws: &str) -> String {
    B64.encode(Sha256::digest(jws.as_bytes()))
}

/// Makes a checkpoint of every chain head (and the staff log's) now, signed with the active
/// ES256 key. `None` when no chain changed since the last checkpoint, or, with `once_per`
/// (the servers' interval), when a checkpoint was already made in this interval of the clock
/// (`now / once_per`) — by this instance or another. One instance at a time (a lock), while
/// appends go on.
pub async fn checkpoint(
    db: &Db,
    keyring: &Keyring,
    issuer: &str,
    now: i64,
    once_per: Option<i64>,
) -> anyhow::Result<Option<CheckpointRow>> {
    let (kid, signer) = keyring
        .signing_key(Alg::Es256)
        .await
        .ok_or_else(|| anyhow::anyhow!("no active ES256 signing key to sign the checkpoint"))?;
    // The early answers (`None`) come before any write but the lock's: committing them
    // changes nothing else.
    crate::transaction!(db, anyhow::Error, |tx| {
        tx.lock(Lock::LedgerCheckpoint).await?;
        let last = releases::find_last_checkpoint(tx).await?;
        if let (Some(last), Some(interval)) = (&last, once_per.filter(|i| *i > 0))
            && last.created_at.div_euclid(interval) == now.div_euclid(interval)
        {
            return Ok(None);
        }
        let mut heads = releases::find_chain_heads(tx).await?;
        if let Some(staff) = staff_log::head(tx).await? {
            heads.push(staff);
        }
        // The order verification replays them in (byte order of the chain names), whatever the
        // database's collation.
        heads.sort_by(|a, b| a.person_id.cmp(&b.person_id));
        let changed: Vec<HeadRow> = heads
            .iter()
            .filter(|h| h.seq > h.checkpointed_seq)
            .cloned()
            .collect();
        if changed.is_empty() && last.is_some() {
            return Ok(None);
        }
        let leaves: Vec<[u8; 32]> = heads
            .iter()
            .map(|h| leaf_hash(&h.person_id, h.seq, &h.hash))
            .collect();
        let claims = CheckpointClaims {
            iss: issuer.to_owned(),
            seq: last.as_ref().map_or(1, |c| c.seq + 1),
            iat: now,
            chains: heads.len() as i64,
            root: B64.encode(merkle_root(&leaves)),
            prev: last
                .as_ref()
                .map(|c| checkpoint_link(&c.jws))
                .unwrap_or_default(),
        };
        let row = CheckpointRow {
            seq: claims.seq,
            created_at: now,
            chains: claims.chains,
            root: claims.root.clone(),
            jws: crate::crypto::jws::sign(&signer, &kid, &claims)?,
        };
        releases::insert_checkpoint(tx, &row, &changed).await?;
        Ok(Some(row))
    })
}

// ---------------------------------------------------------------------------------------
// Retention

/// Removes records older than `before` from every chain, keeping each chain's newest record.
/// Each pruning is itself a record: a retention marker appended to the chain first, which
/// names the last removed record and its hash, so the chain still verifies from there.
/// Returns (chains pruned, records removed).
pub async fn prune(db: &Db, before: i64, now: i64) -> Result<(usize, u64), sqlx::Error> {
    let (mut chains, mut removed) = (0, 0);
    for (person_id, newest_expired) in releases::find_expired_records(db, before).await? {
        let pruned = crate::transaction!(db, Unpruned, |tx| {
            let (head, _) = releases::lock_chain_head(tx, &person_id).await?;
            // The head stays: the chain goes on from it.
            let through = newest_expired.min(head - 1);
            let Some(through_hash) = releases::find_record_hash(tx, &person_id, through).await?
            else {
                return Err(Unpruned::Nothing);
            };
            let mut marker = new_row(&person_id, "retention", now);
            marker.event = "pruned".into();
            marker.purpose = format!("Records 1 to {through} passed the retention period");
            marker.claims = format!("{through} {through_hash}");
            chain(tx, marker).await?;
            Ok(releases::delete_records_through(tx, &person_id, through).await?)
        });
        match pruned {
            Ok(n) => {
                removed += n;
                chains += 1;
            }
            Err(Unpruned::Nothing) => {}
            Err(Unpruned::Database(e)) => return Err(e),
        }
    }
    Ok((chains, removed))
}

/// Why a chain's pruning rolls back: nothing in it to remove (its head locked for nothing),
/// or the database failed.
enum Unpruned {
    Nothing,
    Database(sqlx::Error),
}

impl From<sqlx::Error> for Unpruned {
    fn from(e: sqlx::Error) -> Self {
        Unpruned::Database(e)
    }
}

impl crate::store::Retry for Unpruned {
    fn is_conflict(&self) -> bool {
        matches!(self, Unpruned::Database(e) if crate::store::is_conflict(e))
    }
}

// ---------------------------------------------------------------------------------------
// Verification

/// The first problem found, if any.
#[derive(Debug, PartialEq, Eq)]
pub struct Broken {
    pub record_id: String,
    pub person_id: String,
    pub seq: i64,
    pub why: String,
}

impl std::fmt::Display for Broken {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if self.record_id.is_empty() {
            write!(
                f,
                "record number {} of chain {}: {}",
                self.seq, self.person_id, self.why
            )
        } else {
            write!(
                f,
                "record {} (number {} of chain {}): {}",
                self.record_id, self.seq, self.person_id, self.why
            )
        }
    }
}

/// Checks chains record by record, given in (person, sequence) order, one at a time.
#[derive(Default)]
pub struct ChainVerifier {
    previous: Option<ReleaseRow>,
    /// A chain that starts after record 1 waits for the retention marker that explains it.
    gap: Option<(ReleaseRow, String)>,
    /// (person, seq) → hash that checkpoints covered; each is checked against its record.
    covered: HashMap<(String, i64), String>,
    /// The chains checkpoints covered, and the first sequence number present in each.
    covered_chains: HashSet<String>,
    first_present: HashMap<String, i64>,
    pub records: usize,
    pub chains: usize,
}

impl ChainVerifier {
    /// A verifier that also checks the records `checkpoint_heads` covered.
    pub fn new(checkpoint_heads: &[CheckpointHeadRow]) -> Self {
        ChainVerifier {
            covered: checkpoint_heads
                .iter()
                .map(|h| ((h.person_id.clone(), h.seq), h.hash.clone()))
                .collect(),
            covered_chains: checkpoint_heads
                .iter()
                .map(|h| h.person_id.clone())
                .collect(),
            ..Default::default()
        }
    }

    fn broken(r: &ReleaseRow, why: &str) -> Broken {
        Broken {
            record_id: r.id.clone(),
            person_id: r.person_id.clone(),
            seq: r.seq,
            why: why.to_owned(),
        }
    }

    fn end_chain(&mut self) -> Result<(), Broken> {
        match self.gap.take() {
            Some((first, _)) => Err(Self::broken(
                &first,
                "records before this one are missing, and no retention marker accounts for them",
            )),
            None => Ok(()),
        }
    }

    pub fn push(&mut self, r: ReleaseRow) -> Result<(), Broken> {
        self.records += 1;
        let same_chain = self
            .previous
            .as_ref()
            .is_some_and(|p| p.person_id == r.person_id);
        if !same_chain {
            self.end_chain()?;
            self.chains += 1;
            if r.seq != 1 {
                let marker = format!("{} {}", r.seq - 1, r.prev_hash);
                self.gap = Some((r.clone(), marker));
            }
            if self.covered_chains.contains(&r.person_id) {
                self.first_present.insert(r.person_id.clone(), r.seq);
            }
        } else if let Some(p) = &self.previous {
            if r.seq != p.seq + 1 {
                return Err(Self::broken(
                    &r,
                    "a record is missing before this one, or records were reordered",
                ));
            }
            if r.prev_hash != p.hash {
                return Err(Self::broken(&r, "it does not follow the record before it"));
            }
        }
        if r.seq < 1 {
            return Err(Self::broken(&r, "its sequence number is not positive"));
        }
        if record_hash(&r) != r.hash {
            return Err(Self::broken(
                &r,
                "its contents were changed after it was written",
            ));
        }
        if r.channel == "retention"
            && self
                .gap
                .as_ref()
                .is_some_and(|(_, marker)| *marker == r.claims)
        {
            self.gap = None;
        }
        if let Some(expected) = self.covered.remove(&(r.person_id.clone(), r.seq))
            && expected != r.hash
        {
            return Err(Self::broken(
                &r,
                "it differs from the record a signed checkpoint covered (the chain was rewritten)",
            ));
        }
        self.previous = Some(r);
        Ok(())
    }

    /// Ends the walk: checks that every record a checkpoint covered was seen (or pruned).
    pub fn finish(mut self) -> Result<(usize, usize), Broken> {
        self.end_chain()?;
        let mut missing: Vec<(String, i64)> = self
            .covered
            .into_keys()
            .filter(|(person, seq)| {
                self.first_present
                    .get(person)
                    .is_none_or(|first| seq >= first)
            })
            .collect();
        missing.sort();
        match missing.into_iter().next() {
            Some((person_id, seq)) => Err(Broken {
                record_id: String::new(),
                person_id,
                seq,
                why: "a signed checkpoint covered it and it is gone (deleted, or the chain cut short)"
                    .into(),
            }),
            None => Ok((self.records, self.chains)),
        }
    }
}

/// Checks chains given whole, in (person, sequence) order; `progress` is called per record.
pub fn verify(rows: &[ReleaseRow], mut progress: impl FnMut()) -> Result<usize, Broken> {
    let mut v = ChainVerifier::default();
    for r in rows {
        progress();
        v.push(r.clone())?;
    }
    v.finish().map(|(n, _)| n)
}

/// A checkpoint that does not verify.
#[derive(Debug, PartialEq, Eq, thiserror::Error)]
#[error("checkpoint {seq}: {why}")]
pub struct BrokenCheckpoint {
    pub seq: i64,
    pub why: String,
}

/// Verifies a checkpoint's signature with the public keys (as published in the JWKS, kept in
/// `signing_keys` after they leave it) and returns what it signs.
pub fn verify_checkpoint_signature(
    jws: &str,
    keys: &[SigningKeyRow],
) -> Result<CheckpointClaims, String> {
    let header = jsonwebtoken::decode_header(jws).map_err(|e| format!("not a JWS: {e}"))?;
    if header.alg != jsonwebtoken::Algorithm::ES256 {
        return Err("not signed with ES256".into());
    }
    let kid = header.kid.ok_or("no key id")?;
    let key = keys
        .iter()
        .find(|k| k.kid == kid)
        .ok_or_else(|| format!("signed by an unknown key {kid}"))?;
    let jwk: jsonwebtoken::jwk::Jwk =
        serde_json::from_str(&key.public_jwk).map_err(|e| format!("key {kid}: {e}"))?;
    let decoding = jsonwebtoken::DecodingKey::from_jwk(&jwk).map_err(|e| e.to_string())?;
    let mut validation = jsonwebtoken::Validation::new(jsonwebtoken::Algorithm::ES256);
    validation.required_spec_claims.clear();
    validation.validate_exp = false;
    validation.validate_aud = false;
    jsonwebtoken::decode::<CheckpointClaims>(jws, &decoding, &validation)
        .map(|d| d.claims)
        .map_err(|_| "its signature does not verify".into())
}

/// Checks every checkpoint: consecutive, each linked to the one before, signed by one of our
/// keys, and its root equal to the root recomputed from the heads it covered. (The issuer in
/// a checkpoint is informative: a service that moves to a new address keeps its ledger.)
/// Returns the number of checkpoints.
pub fn verify_checkpoints(
    checkpoints: &[CheckpointRow],
    heads: &[CheckpointHeadRow],
    keys: &[SigningKeyRow],
) -> Result<usize, BrokenCheckpoint> {
    let mut by_checkpoint: BTreeMap<i64, Vec<&CheckpointHeadRow>> = BTreeMap::new();
    for h in heads {
        by_checkpoint.entry(h.checkpoint_seq).or_default().push(h);
    }
    let mut state: BTreeMap<&str, (i64, &str)> = BTreeMap::new();
    let mut prev = String::new();
    for (i, cp) in checkpoints.iter().enumerate() {
        let broken = |why: &str| BrokenCheckpoint {
            seq: cp.seq,
            why: why.to_owned(),
        };
        if cp.seq != i as i64 + 1 {
            return Err(broken("a checkpoint before this one is missing"));
        }
        let claims = verify_checkpoint_signature(&cp.jws, keys).map_err(|e| broken(&e))?;
        if claims.seq != cp.seq || claims.root != cp.root || claims.chains != cp.chains {
            return Err(broken("its row differs from what was signed"));
        }
        if claims.prev != prev {
            return Err(broken(
                "it does not follow the checkpoint before it (one was replaced or removed)",
            ));
        }
        for h in by_checkpoint.remove(&cp.seq).unwrap_or_default() {
            if let Some((seq, _)) = state.get(h.person_id.as_str())
                && *seq >= h.seq
            {
                return Err(broken("a chain head it covered goes backwards"));
            }
            state.insert(&h.person_id, (h.seq, &h.hash));
        }
        let leaves: Vec<[u8; 32]> = state
            .iter()
            .map(|(person, (seq, hash))| leaf_hash(person, *seq, hash))
            .collect();
        if B64.encode(merkle_root(&leaves)) != claims.root || leaves.len() as i64 != claims.chains {
            return Err(broken(
                "the chain heads it covered were changed after it was signed",
            ));
        }
        prev = checkpoint_link(&cp.jws);
    }
    if let Some((seq, _)) = by_checkpoint.into_iter().next() {
        return Err(BrokenCheckpoint {
            seq,
            why: "heads are recorded for a checkpoint that does not exist".into(),
        });
    }
    Ok(checkpoints.len())
}

/// What a full verification found.
pub struct Verified {
    pub records: usize,
    pub chains: usize,
    pub checkpoints: usize,
    pub staff_records: usize,
}

/// Verifies the whole ledger: checkpoints first (their signatures and roots), then every chain
/// page by page, checking each record a checkpoint covered, then the staff log the same way.
/// `progress(n)` after each page of citizens' records.
pub async fn verify_all(
    db: &Db,
    mut progress: impl FnMut(u64),
) -> anyhow::Result<Result<Verified, String>> {
    let checkpoints = releases::find_checkpoints(db).await?;
    let heads = releases::find_checkpoint_heads(db).await?;
    let keys = crate::store::signing_keys::find_signing_keys(db).await?;
    let checkpoint_count = match verify_checkpoints(&checkpoints, &heads, &keys) {
        Ok(n) => n,
        Err(e) => return Ok(Err(e.to_string())),
    };
    let (staff_heads, heads): (Vec<_>, Vec<_>) = heads
        .into_iter()
        .partition(|h| h.person_id == staff_log::CHAIN);
    let mut v = ChainVerifier::new(&heads);
    drop(heads);
    let mut after: Option<(String, i64)> = None;
    loop {
        let page =
            releases::find_records_page(db, after.as_ref().map(|(p, s)| (p.as_str(), *s)), 20_000)
                .await?;
        let Some(last) = page.last() else { break };
        after = Some((last.person_id.clone(), last.seq));
        let n = page.len() as u64;
        for r in page {
            if let Err(b) = v.push(r) {
                return Ok(Err(b.to_string()));
            }
        }
        progress(n);
    }
    let (records, chains) = match v.finish() {
        Ok(counts) => counts,
        Err(b) => return Ok(Err(b.to_string())),
    };
    Ok(match staff_log::verify(db, &staff_heads).await? {
        Ok(staff_records) => Ok(Verified {
            records,
            chains,
            checkpoints: checkpoint_count,
            staff_records,
        }),
        Err(b) => Err(b.to_string()),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn chain(n: i64) -> Vec<ReleaseRow> {
        let mut rows: Vec<ReleaseRow> = Vec::new();
        for seq in 1..=n {
            let mut r = new_row("p", "id_token", seq);
            r.id = format!("r{seq}");
            r.seq = seq;
            r.client_id = "c".into();
            r.client_name = "Tax".into();
            r.purpose = "Taxes".into();
            r.claims = "name".into();
            r.acr = "urn:civitas:loa:substantial".into();
            r.prev_hash = rows.last().map(|p| p.hash.clone()).unwrap_or_default();
            r.hash = record_hash(&r);
            rows.push(r);
        }
        rows
    }

    #[test]
    fn an_intact_chain_verifies_and_any_edit_deletion_or_reordering_shows() {
        assert_eq!(verify(&chain(5), || {}), Ok(5));

        let mut edited = chain(5);
        edited[2].claims = "name national_id".into();
        assert_eq!(verify(&edited, || {}).unwrap_err().record_id, "r3");

        let mut deleted = chain(5);
        deleted.remove(1);
        assert_eq!(verify(&deleted, || {}).unwrap_err().record_id, "r3");

        let mut reordered = chain(5);
        reordered.swap(1, 2);
        assert!(verify(&reordered, || {}).is_err());

        // Rewriting a record and its hash still breaks the link to the next one.
        let mut rewritten = chain(5);
        rewritten[1].claims = "national_id".into();
        rewritten[1].hash = record_hash(&rewritten[1]);
        assert_eq!(verify(&rewritten, || {}).unwrap_err().record_id, "r3");

        // Cutting the first records off shows unless a retention marker accounts for them.
        let cut: Vec<ReleaseRow> = chain(5).into_iter().skip(2).collect();
        assert_eq!(verify(&cut, || {}).unwrap_err().record_id, "r3");
    }

    #[test]
    fn a_retention_marker_accounts_for_pruned_records() {
        let mut rows = chain(4);
        let mut marker = new_row("p", "retention", 9);
        marker.id = "m".into();
        marker.seq = 5;
        marker.event = "pruned".into();
        marker.claims = format!("2 {}", rows[1].hash);
        marker.prev_hash = rows[3].hash.clone();
        marker.hash = record_hash(&marker);
        rows.push(marker);
        let pruned: Vec<ReleaseRow> = rows.iter().skip(2).cloned().collect();
        assert_eq!(verify(&pruned, || {}), Ok(3));
        // A marker for fewer records than are gone does not cover the gap.
        let too_many: Vec<ReleaseRow> = rows.iter().skip(3).cloned().collect();
        assert!(verify(&too_many, || {}).is_err());
    }

    #[test]
    fn a_checkpoint_catches_a_cut_chain_that_links_up() {
        let rows = chain(5);
        let covered = vec![CheckpointHeadRow {
            checkpoint_seq: 1,
            person_id: "p".into(),
            seq: 5,
            hash: rows[4].hash.clone(),
        }];
        let mut v = ChainVerifier::new(&covered);
        for r in rows.iter().take(4) {
            v.push(r.clone()).unwrap();
        }
        let e = v.finish().unwrap_err();
        assert_eq!((e.person_id.as_str(), e.seq), ("p", 5));

        let mut v = ChainVerifier::new(&covered);
        for r in rows {
            v.push(r).unwrap();
        }
        assert_eq!(v.finish(), Ok((5, 1)));
    }

    #[test]
    fn merkle_roots_follow_rfc_6962() {
        let l: Vec<[u8; 32]> = (0..5).map(|i| leaf_hash("p", i, "h")).collect();
        let node = |a: [u8; 32], b: [u8; 32]| -> [u8; 32] {
            let mut h = Sha256::new();
            h.update([1u8]);
            h.update(a);
            h.update(b);
            h.finalize().into()
        };
        assert_eq!(merkle_root(&l[..1]), l[0]);
        assert_eq!(merkle_root(&l[..2]), node(l[0], l[1]));
        assert_eq!(
            merkle_root(&l[..3]),
            node(node(l[0], l[1]), l[2]),
            "the left subtree is the largest power of two"
        );
        assert_eq!(
            merkle_root(&l),
            node(node(node(l[0], l[1]), node(l[2], l[3])), l[4])
        );
        assert_ne!(merkle_root(&l[..4]), merkle_root(&l));
    }
}
