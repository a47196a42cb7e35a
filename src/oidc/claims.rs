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

/// The names of the claims a `claims` request parameter (stored as JSON) asked for one by
/// one in `target` (`id_token` or `userinfo`) whose scope is in `allowed`.
pub fn requested_claims(json: &str, target: &str, allowed: &BTreeSet<String>) -> BTreeSet<String> {
    serde_json::from_str::<BTreeMap<String, BTreeMap<String, bool>>>(json)
        .unwrap_or_default()
        .remove(target)
        .unwrap_or_default()
        .into_keys()
        .filter(|name| claim_scope(name).is_some_and(|s| allowed.contains(s)))
        .collect()
}

/// What a relying party receives: every claim of the granted `scopes`, and of the claims
/// asked for one by one (OIDC Core §5.5) exactly those, not the rest of their scope.
pub fn released(
    person: &PersonRow,
    scopes: &BTreeSet<String>,
    individual: &BTreeSet<String>,
) -> Map<String, Value> {
    let mut out = identity_claims(person, scopes);
    let extra: BTreeSet<String> = individual
        .iter()
        .filter_map(|name| claim_scope(name))
        .filter(|s| !scopes.contains(*s))
        .map(str::to_owned)
        .collect();
    for (name, value) in identity_claims(person, &extra) {
        if individual.contains(&name) {
            out.insert(name, value);
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

/// One claim Civitas releases, as the portal's claim catalogue lists it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct CatalogueEntry {
    pub claim: &'static str,
    /// The scope that releases it; `openid` for what every ID token carries.
    pub scope: &'static str,
    /// Where the value comes from: `persons` columns of the registry, or `Civitas`.
    pub source: &'static str,
    /// What a relying party should know about the value.
    pub note: &'static str,
}

const fn entry(
    claim: &'static str,
    scope: &'static str,
    source: &'static str,
    note: &'static str,
) -> CatalogueEntry {
    CatalogueEntry {
        claim,
        scope,
        source,
        note,
    }
}

const CIVITAS: &str = "Civitas";

const CATALOGUE: &[CatalogueEntry] = &[
    entry(
        "sub",
        "openid",
        CIVITAS,
        "pairwise: stable for your service, different for every other",
    ),
    entry(
        "acr",
        "openid",
        CIVITAS,
        "the sign-in's assurance: urn:civitas:loa:low, substantial or high",
    ),
    entry(
        "amr",
        "openid",
        CIVITAS,
        "how the person signed in: hwk or swk with mfa (a passkey), otp (an e-mail code)",
    ),
    entry(
        "auth_time",
        "openid",
        CIVITAS,
        "when the person signed in, in seconds since 1970",
    ),
    entry("sid", "openid", CIVITAS, "the sign-in session, for logout"),
    entry(
        "name",
        "profile",
        "given_names, family_name",
        "given names, a space, family name",
    ),
    entry("given_name", "profile", "given_names", "all given names"),
    entry("family_name", "profile", "family_name", ""),
    entry("birthdate", "profile", "birth_date", "YYYY-MM-DD"),
    entry(
        "gender",
        "profile",
        "sex",
        "female, male or unspecified (the registry's F, M, X)",
    ),
    entry(
        "email",
        "email",
        "email",
        "only when the registry holds one",
    ),
    entry(
        "email_verified",
        "email",
        CIVITAS,
        "always false: the registry's address, not proven by the person",
    ),
    entry(
        "phone_number",
        "phone",
        "phone",
        "E.164, only when the registry holds one",
    ),
    entry(
        "phone_number_verified",
        "phone",
        CIVITAS,
        "always false: the registry's number, not proven by the person",
    ),
    entry(
        "address",
        "address",
        "street_address, postal_code, locality, country",
        "an object: formatted, street_address, postal_code, locality, country",
    ),
    entry(
        "national_id",
        "national_id",
        "national_id",
        "restricted: production needs a legal basis and a review by two",
    ),
];

/// Every claim Civitas releases, by scope, with its source: the sign-in's own claims first
/// (`tokens::id_token`), then [`scope_claims`] in the order of [`identity_claims`]. The unit
/// tests hold the three together, so the portal's catalogue cannot drift from what is sent.
pub fn claim_catalogue() -> &'static [CatalogueEntry] {
    CATALOGUE
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
/// still registered for (an operator may have withdrawn a restricted scope; see
/// `clients::permitted_scopes`). `openid` always.
pub fn allowed_now(consented: &str, registered: &BTreeSet<String>) -> BTreeSet<String> {
    let mut allowed: BTreeSet<String> = scope_set(consented)
        .intersection(registered)
        .cloned()
        .collect();
    allowed.insert("openid".into());
    allowed
}

#[cfg(test)]
mod tests {
    use super::*;

    fn person() -> PersonRow {
        let text = |s: &str| s.to_owned();
        PersonRow {
            id: text("p1"),
            national_id: text("X1"),
            family_name: text("Example"),
            given_names: text("Ana"),
            birth_date: text("1980-01-02"),
            sex: text("F"),
            nationality: text("XX"),
            street_address: text("1 Main Street"),
            postal_code: text("1000"),
            locality: text("Capital"),
            country: text("XX"),
            email: Some(text("ana@example.org")),
            phone: None,
            source: text("test"),
            created_at: 0,
            updated_at: 0,
            test: false,
        }
    }

    #[test]
    fn the_claim_catalogue_lists_every_claim_identity_claims_can_produce_under_its_scope() {
        let catalogue = claim_catalogue();
        let everything = BTreeSet::from(
            [
                "openid",
                "profile",
                "email",
                "phone",
                "address",
                "national_id",
            ]
            .map(str::to_owned),
        );
        let mut full = person();
        full.phone = Some("+3725551234".into());
        for claim in identity_claims(&full, &everything).keys() {
            let entry = catalogue
                .iter()
                .find(|e| e.claim == claim)
                .unwrap_or_else(|| panic!("{claim} is released but not in the catalogue"));
            assert_eq!(Some(entry.scope), claim_scope(claim), "{claim}");
        }
        for e in catalogue {
            assert!(!e.source.is_empty(), "{} has no source", e.claim);
            if e.scope != "openid" {
                assert!(
                    scope_claims(e.scope).contains(&e.claim),
                    "{} is catalogued under {}, which does not release it",
                    e.claim,
                    e.scope
                );
            }
        }
        let released = scope_claims("profile")
            .iter()
            .chain(scope_claims("email"))
            .chain(scope_claims("phone"))
            .chain(scope_claims("address"))
            .chain(scope_claims("national_id"))
            .count();
        let catalogued = catalogue.iter().filter(|e| e.scope != "openid").count();
        assert_eq!(released, catalogued, "one entry per claim, none twice");
    }

    #[test]
    fn a_claim_asked_for_alone_comes_without_the_rest_of_its_scope() {
        // As stored with a code: claim name → essential.
        let json = r#"{"userinfo":{"email":false},"id_token":{"birthdate":true}}"#;
        let all = BTreeSet::from(["profile".to_owned(), "email".to_owned()]);
        let userinfo = requested_claims(json, "userinfo", &all);
        assert_eq!(userinfo, BTreeSet::from(["email".to_owned()]));
        let out = released(&person(), &BTreeSet::from(["openid".to_owned()]), &userinfo);
        assert_eq!(
            out.keys().collect::<Vec<_>>(),
            ["email"],
            "no email_verified"
        );
        let id_token = requested_claims(json, "id_token", &all);
        let out = released(&person(), &BTreeSet::new(), &id_token);
        assert_eq!(
            out.keys().collect::<Vec<_>>(),
            ["birthdate"],
            "not the whole profile"
        );
        // A claim whose scope the citizen did not agree to is not released.
        let only_profile = BTreeSet::from(["profile".to_owned()]);
        assert!(requested_claims(json, "userinfo", &only_profile).is_empty());
        // A granted scope still releases all of its claims.
        let out = released(&person(), &BTreeSet::from(["email".to_owned()]), &userinfo);
        assert_eq!(out.len(), 2);
    }
}
