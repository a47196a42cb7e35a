//! Identity claims from the registry (the once-only principle), by scope (OIDC Core §5.4).

use std::collections::{BTreeMap, BTreeSet};

use serde_json::{Map, Value, json};

use crate::store::persons::PersonRow;

/// The claims each scope releases.
pub fn scope_claims(scope: &str) -> &'static [&'static str] {
    match scope {
        "profile" => &["name", "given_name", "family_name", "birthdate", "gender"],
        "email" => &["email", "email_verified"],
        "phone" => &["phone_number", "phone_number_verified"],
        "address" => &["address"],
        "national_id" => &["national_id"],
        _ => &[],
    }
}

/// The scope that releases a claim.
pub fn claim_scope(claim: &str) -> Option<&'static str> {
    ["profile", "email", "phone", "address", "national_id"]
        .into_iter()
        .find(|s| scope_claims(s).contains(&claim))
}

/// Adds to `scopes` the scopes of individually requested claims (the `claims` parameter) that
/// the client may hold; claims it may not hold are ignored (they are voluntary).
pub fn with_requested_claims(
    scopes: &BTreeSet<String>,
    claims: &BTreeMap<String, BTreeMap<String, bool>>,
    allowed: &BTreeSet<String>,
) -> BTreeSet<String> {
    let mut out = scopes.clone();
    for name in claims.values().flat_map(|m| m.keys()) {
        if let Some(scope) = claim_scope(name)
            && allowed.contains(scope)
        {
            out.insert(scope.to_owned());
        }
    }
    out
}

/// The person's claims for the granted scopes. The registry is authoritative for the person
/// data; e-mail and phone come from it too but were not proven by the citizen, so they are
/// not marked verified.
pub fn identity_claims(person: &PersonRow, scopes: &BTreeSet<String>) -> Map<String, Value> {
    let mut c = Map::new();
    if scopes.contains("profile") {
        c.insert(
            "name".into(),
            json!(format!("{} {}", person.given_names, person.family_name)),
        );
        c.insert("given_name".into(), json!(person.given_names));
        c.insert("family_name".into(), json!(person.family_name));
        c.insert("birthdate".into(), json!(person.birth_date));
        let gender = match person.sex.as_str() {
            "F" => "female",
            "M" => "male",
            _ => "unspecified",
        };
        c.insert("gender".into(), json!(gender));
    }
    if scopes.contains("email")
        && let Some(email) = &person.email
    {
        c.insert("email".into(), json!(email));
        c.insert("email_verified".into(), json!(false));
    }
    if scopes.contains("phone")
        && let Some(phone) = &person.phone
    {
        c.insert("phone_number".into(), json!(phone));
        c.insert("phone_number_verified".into(), json!(false));
    }
    if scopes.contains("address") {
        c.insert(
            "address".into(),
            json!({
                "formatted": format!("{}\n{} {}\n{}", person.street_address, person.postal_code, person.locality, person.country),
                "street_address": person.street_address,
                "postal_code": person.postal_code,
                "locality": person.locality,
                "country": person.country,
            }),
        );
    }
    if scopes.contains("national_id") {
        c.insert("national_id".into(), json!(person.national_id));
    }
    c
}

/// Space-separated scopes to a set.
pub fn scope_set(s: &str) -> BTreeSet<String> {
    s.split(' ')
        .filter(|s| !s.is_empty())
        .map(str::to_owned)
        .collect()
}

/// A set of scopes to their space-separated form.
pub fn scope_string(s: &BTreeSet<String>) -> String {
    s.iter().cloned().collect::<Vec<_>>().join(" ")
}

/// The scopes a client may receive now: what the citizen consented to and what the client is
/// still registered for (an operator may have withdrawn a restricted scope). `openid` always.
pub fn allowed_now(consented: &str, registered: &str) -> BTreeSet<String> {
    let registered = scope_set(registered);
    let mut allowed: BTreeSet<String> = scope_set(consented)
        .intersection(&registered)
        .cloned()
        .collect();
    allowed.insert("openid".into());
    allowed
}
