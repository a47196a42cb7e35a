//! The recent protocol errors of each relying party, so the helpdesk and operators can tell a
//! developer what went wrong ("redirect_uri differs from the one in the authorization
//! request") without reading server logs. Kept in memory, per instance: diagnostics, not
//! records (the staff log and the ledger are the records). Only errors after the client
//! authenticated are kept, so nobody can fill another client's list.

use std::{
    collections::{HashMap, VecDeque},
    sync::Mutex,
};

use super::error::OAuthError;

/// Errors kept per client, newest first.
const PER_CLIENT: usize = 20;
/// Clients with a list at once; past it the list of one other client makes room.
const CLIENTS: usize = 10_000;

/// One error as the client received it (the texts are ours: no personal data).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ClientError {
    pub at: i64,
    pub endpoint: &'static str,
    pub error: &'static str,
    pub description: String,
}

/// The recent errors of every client, bounded.
#[derive(Default)]
pub struct RecentErrors(Mutex<HashMap<String, VecDeque<ClientError>>>);

impl RecentErrors {
    /// Remembers `e`, answered to `client_id` at `endpoint`.
    pub fn record(&self, client_id: &str, endpoint: &'static str, e: &OAuthError, at: i64) {
        let Ok(mut map) = self.0.lock() else { return };
        if map.len() >= CLIENTS
            && !map.contains_key(client_id)
            && let Some(other) = map.keys().next().cloned()
        {
            map.remove(&other);
        }
        let list = map.entry(client_id.to_owned()).or_default();
        list.push_front(ClientError {
            at,
            endpoint,
            error: e.error,
            description: e.description.clone(),
        });
        list.truncate(PER_CLIENT);
    }

    /// The client's recent errors, newest first.
    pub fn of(&self, client_id: &str) -> Vec<ClientError> {
        self.0
            .lock()
            .map(|m| m.get(client_id).map(|l| l.iter().cloned().collect()))
            .ok()
            .flatten()
            .unwrap_or_default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn errors_are_kept_newest_first_and_bounded() {
        let recent = RecentErrors::default();
        for i in 0..25 {
            recent.record(
                "c1",
                "token",
                &OAuthError::invalid_grant(format!("number {i}")),
                i,
            );
        }
        let list = recent.of("c1");
        assert_eq!(list.len(), PER_CLIENT);
        assert_eq!(list[0].description, "number 24");
        assert_eq!(list[0].error, "invalid_grant");
        assert!(recent.of("c2").is_empty());
    }
}
