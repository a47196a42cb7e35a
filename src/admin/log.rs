//! The staff log: every staff action, with its reason, in one hash chain whose head every
//! signed ledger checkpoint covers. An action on a citizen's account also goes into that
//! citizen's own history (security events and their ledger chain, channel `staff`) under the
//! member's pseudonym, with the reason's category, never the member's name or the free text.

use base64::{Engine, engine::general_purpose::URL_SAFE_NO_PAD as B64};
use sha2::{Digest, Sha256};

use crate::store::{
    Lock, Tx, accounts,
    staff::{StaffLogRow, StaffRow},
};

/// Why staff act: a category the citizen sees, and the ticket or note only staff see.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ReasonCategory {
    Call,
    Visit,
    Letter,
    Fraud,
    Other,
}

impl ReasonCategory {
    pub const ALL: [ReasonCategory; 5] = [
        ReasonCategory::Call,
        ReasonCategory::Visit,
        ReasonCategory::Letter,
        ReasonCategory::Fraud,
        ReasonCategory::Other,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            ReasonCategory::Call => "call",
            ReasonCategory::Visit => "visit",
            ReasonCategory::Letter => "letter",
            ReasonCategory::Fraud => "fraud",
            ReasonCategory::Other => "other",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|c| c.as_str() == s)
    }

    /// The words the citizen's history stores for the category, in English; the pages
    /// recognise them and show the reader's language (`account::events`).
    pub fn citizen_text(self) -> &'static str {
        match self {
            ReasonCategory::Call => "at your request by phone",
            ReasonCategory::Visit => "at your request at a service desk",
            ReasonCategory::Letter => "in answer to your letter",
            ReasonCategory::Fraud => "because of suspected fraud",
            ReasonCategory::Other => "for another reason",
        }
    }
}

/// A staff action's reason: its category and the ticket number or note.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Reason {
    pub category: ReasonCategory,
    pub detail: String,
}

impl Reason {
    /// From the form's two fields; both required.
    pub fn parse(category: &str, detail: &str) -> Option<Self> {
        Some(Self {
            category: ReasonCategory::parse(category)?,
            detail: super::parse_reason(detail)?,
        })
    }

    /// The form kept in the staff log.
    pub fn logged(&self) -> String {
        format!("{}: {}", self.category.as_str(), self.detail)
    }
}

/// One staff action to record.
pub struct Action<'a> {
    pub staff_id: &'a str,
    pub pseudonym: &'a str,
    /// A short name: `open_record`, `unlock`, `lock`, …
    pub action: &'a str,
    /// The person, client or staff member acted on ('' for none).
    pub subject: &'a str,
    pub reason: &'a str,
    /// When the action concerns a citizen: their person id, the sentence they will read
    /// ("The helpdesk unlocked your account") and the reason's category.
    pub citizen: Option<(&'a str, &'a str, ReasonCategory)>,
    pub at: i64,
}

impl<'a> Action<'a> {
    /// An action of member `me` that concerns no citizen.
    pub fn by(
        me: &'a StaffRow,
        action: &'a str,
        subject: &'a str,
        reason: &'a str,
        at: i64,
    ) -> Self {
        Self {
            staff_id: &me.id,
            pseudonym: &me.pseudonym,
            action,
            subject,
            reason,
            citizen: None,
            at,
        }
    }
}

/// `hash` of a staff-log record: SHA-256 over its fields and the previous hash, as a JSON
/// array (no ambiguity between fields), base64url.
pub fn record_hash(r: &StaffLogRow) -> String {
    let canonical = serde_json::json!([
        r.seq,
        r.staff_id,
        r.action,
        r.subject,
        r.reason,
        r.created_at,
        r.prev_hash
    ]);
    B64.encode(Sha256::digest(canonical.to_string().as_bytes()))
}

/// Appends `a` to the staff log and, for an action on a citizen, to their history, all in
/// `tx` (both or neither).
pub async fn record(tx: &mut Tx, a: &Action<'_>) -> Result<StaffLogRow, sqlx::Error> {
    tx.lock(Lock::StaffLog).await?;
    let head = crate::store::staff::find_staff_log_head(tx).await?;
    let mut row = StaffLogRow {
        seq: head.as_ref().map_or(1, |h| h.seq + 1),
        staff_id: a.staff_id.to_owned(),
        action: a.action.to_owned(),
        subject: a.subject.to_owned(),
        reason: a.reason.to_owned(),
        created_at: a.at,
        prev_hash: head.map(|h| h.hash).unwrap_or_default(),
        hash: String::new(),
    };
    row.hash = record_hash(&row);
    crate::store::staff::insert_staff_log(tx, &row).await?;
    if let Some((person_id, sentence, category)) = a.citizen {
        let detail = format!(
            "{sentence} {} (helpdesk agent {})",
            category.citizen_text(),
            a.pseudonym
        );
        let kind = format!("staff_{}", a.action);
        accounts::insert_security_event(tx, person_id, &kind, &detail, a.at).await?;
        crate::ledger::append_event(
            tx,
            person_id,
            crate::ledger::EventChannel::Staff,
            &kind,
            &detail,
            a.at,
        )
        .await?;
    }
    Ok(row)
}

/// Where a staff log stops holding together.
#[derive(Debug, PartialEq, Eq, thiserror::Error)]
#[error("staff log record number {seq}: {what}")]
pub struct Broken {
    pub seq: i64,
    pub what: String,
}

/// Checks that `rows` (in order, continuing from `prev`: the last checked record's seq and
/// hash) link up and hash right.
pub fn verify_page(rows: &[StaffLogRow], prev: &mut (i64, String)) -> Result<(), Broken> {
    for r in rows {
        let broken = |what: &str| Broken {
            seq: r.seq,
            what: what.to_owned(),
        };
        if r.seq != prev.0 + 1 {
            return Err(Broken {
                seq: prev.0 + 1,
                what: "is missing".into(),
            });
        }
        if r.prev_hash != prev.1 {
            return Err(broken("does not follow the record before it"));
        }
        if record_hash(r) != r.hash {
            return Err(broken("was changed after it was written"));
        }
        *prev = (r.seq, r.hash.clone());
    }
    Ok(())
}

/// A well-linked staff log of `n` records, for tests.
#[cfg(test)]
pub fn test_chain(n: i64) -> Vec<StaffLogRow> {
    let mut prev = String::new();
    (1..=n)
        .map(|seq| {
            let mut r = StaffLogRow {
                seq,
                staff_id: "s1".into(),
                action: "unlock".into(),
                subject: "p1".into(),
                reason: "call: T-1".into(),
                created_at: seq,
                prev_hash: prev.clone(),
                hash: String::new(),
            };
            r.hash = record_hash(&r);
            prev = r.hash.clone();
            r
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_edited_or_missing_record_is_named() {
        let rows = test_chain(4);
        assert!(verify_page(&rows, &mut (0, String::new())).is_ok());
        let mut edited = rows.clone();
        edited[2].reason = "other: nothing to see".into();
        assert_eq!(
            verify_page(&edited, &mut (0, String::new()))
                .unwrap_err()
                .seq,
            3
        );
        let mut gone = rows.clone();
        gone.remove(1);
        assert_eq!(
            verify_page(&gone, &mut (0, String::new())).unwrap_err(),
            Broken {
                seq: 2,
                what: "is missing".into()
            }
        );
    }
}
