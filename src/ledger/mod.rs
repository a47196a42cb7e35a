//! The data-release ledger: every release of a citizen's data is appended to that citizen's
//! own hash chain, in the same transaction as the release itself (no release without its
//! record, no record without its release). Each record's hash covers the previous record's
//! hash and its own fields, so deleting, editing or reordering a record breaks the chain, and
//! `civitas ledger verify` names the first broken record. Chains are per citizen: appending
//! locks nothing global.

use base64::{Engine, engine::general_purpose::URL_SAFE_NO_PAD as B64};
use serde_json::json;
use sha2::{Digest, Sha256};

use crate::store::{
    Tx,
    releases::{self, ReleaseRow},
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

/// The hash of a record: SHA-256 over the previous hash and the record's fields in a fixed
/// JSON form.
pub fn record_hash(r: &ReleaseRow) -> String {
    let body = json!([
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
    B64.encode(Sha256::digest(body.to_string().as_bytes()))
}

/// Appends a release to the citizen's chain inside `tx`.
pub async fn append(tx: &mut Tx, release: &Release<'_>) -> Result<ReleaseRow, sqlx::Error> {
    let (seq, prev_hash) = match releases::find_chain_head(tx, release.person_id).await? {
        Some((seq, hash)) => (seq + 1, hash),
        None => (1, String::new()),
    };
    let mut row = ReleaseRow {
        id: uuid::Uuid::new_v4().to_string(),
        person_id: release.person_id.to_owned(),
        seq,
        client_id: release.client_id.to_owned(),
        client_name: release.client_name.to_owned(),
        purpose: release.purpose.to_owned(),
        claims: release.claims.join(" "),
        acr: release.acr.to_owned(),
        channel: release.channel.to_owned(),
        created_at: release.at,
        prev_hash,
        hash: String::new(),
    };
    row.hash = record_hash(&row);
    releases::insert_release(tx, &row).await?;
    Ok(row)
}

/// The first problem in chains given in (person, sequence) order, if any.
#[derive(Debug, PartialEq, Eq)]
pub struct Broken {
    pub record_id: String,
    pub seq: i64,
    pub why: &'static str,
}

/// Checks every chain; `progress` is called once per record.
pub fn verify(rows: &[ReleaseRow], mut progress: impl FnMut()) -> Result<usize, Broken> {
    let mut previous: Option<&ReleaseRow> = None;
    for r in rows {
        progress();
        let same_chain = previous.is_some_and(|p| p.person_id == r.person_id);
        let (expected_seq, expected_prev) = match previous {
            Some(p) if same_chain => (p.seq + 1, p.hash.as_str()),
            _ => (1, ""),
        };
        let broken = |why| Broken {
            record_id: r.id.clone(),
            seq: r.seq,
            why,
        };
        if r.seq != expected_seq {
            return Err(broken(
                "a record is missing before this one, or records were reordered",
            ));
        }
        if r.prev_hash != expected_prev {
            return Err(broken("it does not follow the record before it"));
        }
        if record_hash(r) != r.hash {
            return Err(broken("its contents were changed after it was written"));
        }
        previous = Some(r);
    }
    Ok(rows.len())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn chain(n: i64) -> Vec<ReleaseRow> {
        let mut rows: Vec<ReleaseRow> = Vec::new();
        for seq in 1..=n {
            let mut r = ReleaseRow {
                id: format!("r{seq}"),
                person_id: "p".into(),
                seq,
                client_id: "c".into(),
                client_name: "Tax".into(),
                purpose: "Taxes".into(),
                claims: "name".into(),
                acr: "urn:civitas:loa:substantial".into(),
                channel: "id_token".into(),
                created_at: seq,
                prev_hash: rows.last().map(|p| p.hash.clone()).unwrap_or_default(),
                hash: String::new(),
            };
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
    }
}
