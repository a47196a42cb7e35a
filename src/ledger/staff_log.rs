//! The staff log inside the signed checkpoints, so staff cannot erase their own tracks: the
//! log's head is one more Merkle leaf under a chain name no citizen can have (person ids are
//! UUIDs), stored in `ledger_checkpoint_heads` like a citizen's head. Verification walks the
//! log page by page (`admin::log::verify_page`) and checks that every record a checkpoint
//! covered is still there with the same hash: an edited record, a deleted one, or the newest
//! ones cut off all show, and the broken record is named.

use std::collections::BTreeMap;

use crate::{
    admin::log::{Broken, verify_page},
    store::{
        Db, Tx,
        releases::{self, CheckpointHeadRow, HeadRow},
        staff::{self, StaffLogRow},
    },
};

/// The staff log's chain name among the checkpoint's leaves.
pub const CHAIN: &str = "staff-log";

/// How many records verification reads at a time.
const PAGE: i64 = 20_000;

/// The staff log's head as a checkpoint sees it, read in the checkpoint's transaction; `None`
/// while the log is empty.
pub async fn head(tx: &mut Tx) -> Result<Option<HeadRow>, sqlx::Error> {
    let Some(newest) = staff::find_staff_log_head(tx).await? else {
        return Ok(None);
    };
    Ok(Some(HeadRow {
        person_id: CHAIN.to_owned(),
        seq: newest.seq,
        hash: newest.hash,
        checkpointed_seq: releases::find_checkpointed_seq(tx, CHAIN).await?,
    }))
}

/// Checks the staff log page by page against the records checkpoints covered.
pub struct StaffLogVerifier {
    prev: (i64, String),
    /// seq → hash that checkpoints covered; each is checked against its record.
    covered: BTreeMap<i64, String>,
    pub records: usize,
}

impl StaffLogVerifier {
    /// A verifier for the staff log's rows among `checkpoint_heads` (others are ignored).
    pub fn new(checkpoint_heads: &[CheckpointHeadRow]) -> Self {
        Self {
            prev: (0, String::new()),
            covered: checkpoint_heads
                .iter()
                .filter(|h| h.person_id == CHAIN)
                .map(|h| (h.seq, h.hash.clone()))
                .collect(),
            records: 0,
        }
    }

    /// The next page, in order.
    pub fn push_page(&mut self, rows: &[StaffLogRow]) -> Result<(), Broken> {
        verify_page(rows, &mut self.prev)?;
        for r in rows {
            if let Some(expected) = self.covered.remove(&r.seq)
                && expected != r.hash
            {
                return Err(Broken {
                    seq: r.seq,
                    what: "differs from the record a signed checkpoint covered (the log was \
                           rewritten)"
                        .into(),
                });
            }
        }
        self.records += rows.len();
        Ok(())
    }

    /// Ends the walk: every record a checkpoint covered must have been seen.
    pub fn finish(self) -> Result<usize, Broken> {
        match self.covered.into_keys().next() {
            Some(seq) => Err(Broken {
                seq,
                what: "a signed checkpoint covered it and it is gone (deleted, or the log cut \
                       short)"
                    .into(),
            }),
            None => Ok(self.records),
        }
    }
}

/// Walks the whole staff log; the number of records, or where it breaks.
pub async fn verify(
    db: &Db,
    checkpoint_heads: &[CheckpointHeadRow],
) -> Result<Result<usize, Broken>, sqlx::Error> {
    let mut v = StaffLogVerifier::new(checkpoint_heads);
    let mut after = 0;
    loop {
        let page = staff::find_staff_log_page(db, after, PAGE).await?;
        let Some(last) = page.last() else { break };
        after = last.seq;
        if let Err(b) = v.push_page(&page) {
            return Ok(Err(b));
        }
    }
    Ok(v.finish())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::admin::log::record_hash;

    fn covered(r: &StaffLogRow) -> CheckpointHeadRow {
        CheckpointHeadRow {
            checkpoint_seq: 1,
            person_id: CHAIN.into(),
            seq: r.seq,
            hash: r.hash.clone(),
        }
    }

    #[test]
    fn a_covered_record_cut_off_the_end_or_rewritten_whole_is_named() {
        let rows = crate::admin::log::test_chain(3);
        let heads = [covered(&rows[2])];

        let mut whole = StaffLogVerifier::new(&heads);
        whole.push_page(&rows).unwrap();
        assert_eq!(whole.finish(), Ok(3));

        // The newest record deleted: the rest still links up, the checkpoint misses it.
        let mut cut = StaffLogVerifier::new(&heads);
        cut.push_page(&rows[..2]).unwrap();
        assert_eq!(cut.finish().unwrap_err().seq, 3);

        // The newest record edited and its hash recomputed: only the checkpoint shows it.
        let mut rewritten = rows.clone();
        rewritten[2].reason = "other: nothing happened".into();
        rewritten[2].hash = record_hash(&rewritten[2]);
        let mut v = StaffLogVerifier::new(&heads);
        assert_eq!(v.push_page(&rewritten).unwrap_err().seq, 3);
    }

    #[test]
    fn citizens_heads_are_not_the_staff_logs() {
        let rows = crate::admin::log::test_chain(1);
        let mut other = covered(&rows[0]);
        other.person_id = "5b0f0b8e-0000-4000-8000-000000000000".into();
        other.seq = 7;
        let v = StaffLogVerifier::new(&[other]);
        assert_eq!(v.finish(), Ok(0));
    }
}
