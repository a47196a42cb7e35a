//! Demo mode: a deterministic synthetic population generated in code, so that a newcomer can
//! try Civitas at once. Every run produces the same persons with the same national IDs. The
//! names and places are invented; addresses use the reserved `example.org` mail domain and the
//! `+999` telephone prefix, which reach nobody.

use indicatif::ProgressBar;

use crate::{
    oidc,
    registry::{self, ImportSummary, NationalId, Person, Sex},
    store::{Db, clients},
};

/// How many persons the demo seeds.
pub const DEMO_POPULATION: usize = 1000;

const FAMILY: &[&str] = &[
    "Tamm",
    "Silva",
    "Novak",
    "Okafor",
    "Lindqvist",
    "Moreau",
    "Kowalski",
    "Haddad",
    "Nakamura",
    "Rossi",
    "Fischer",
    "Murphy",
    "Ivanova",
    "Costa",
    "Jensen",
    "Mensah",
    "Horvath",
    "Dubois",
    "Kaya",
    "Andersen",
    "Ortega",
    "Kim",
    "Petrov",
    "Walsh",
    "Virtanen",
];
const GIVEN_F: &[&str] = &[
    "Mari", "Ana", "Eva", "Amara", "Ingrid", "Claire", "Zofia", "Leila", "Yuki", "Giulia", "Hanna",
    "Siobhan", "Olga", "Inês", "Freya", "Abena", "Réka", "Chloé", "Elif", "Liv",
];
const GIVEN_M: &[&str] = &[
    "Jaan", "João", "Tomas", "Chidi", "Erik", "Louis", "Piotr", "Omar", "Kenji", "Marco", "Lukas",
    "Sean", "Ivan", "Rui", "Mads", "Kwame", "Bence", "Hugo", "Emre", "Nils",
];
const STREETS: &[&str] = &[
    "Harbour Road",
    "Linden Avenue",
    "Market Square",
    "Mill Lane",
    "Station Street",
    "Castle Hill",
    "River Walk",
    "School Street",
    "Orchard Way",
    "Bridge Street",
];
const TOWNS: &[(&str, &str)] = &[
    ("Aurelia", "10"),
    ("Brennport", "20"),
    ("Calder", "30"),
    ("Dunmore", "40"),
    ("Eastwick", "50"),
    ("Farrow", "60"),
];

/// A small deterministic generator (SplitMix64): the demo must not change between runs.
struct SplitMix(u64);

impl SplitMix {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }

    fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items[self.below(items.len())]
    }
}

/// The demo population, always the same.
pub fn population() -> Vec<Person> {
    let mut rng = SplitMix(0xC1F1_7A5D_E302_0001);
    (0..DEMO_POPULATION)
        .map(|i| {
            let sex = match rng.below(100) {
                0..49 => Sex::Female,
                49..98 => Sex::Male,
                _ => Sex::Unspecified,
            };
            let given = match sex {
                Sex::Female => rng.pick(GIVEN_F),
                Sex::Male => rng.pick(GIVEN_M),
                Sex::Unspecified => {
                    if rng.below(2) == 0 {
                        rng.pick(GIVEN_F)
                    } else {
                        rng.pick(GIVEN_M)
                    }
                }
            };
            let family = rng.pick(FAMILY);
            let (town, postal_prefix) = TOWNS[rng.below(TOWNS.len())];
            let birth = time::Date::from_julian_day(
                // 1936-01-01 .. 2007-12-31
                2_428_170 + rng.below(26_297) as i32,
            )
            .unwrap_or(time::Date::MIN);
            let ascii = |s: &str| {
                s.chars()
                    .filter(char::is_ascii_alphabetic)
                    .collect::<String>()
                    .to_lowercase()
            };
            Person {
                // Spread over the number space, still deterministic.
                national_id: NationalId::from_digits(100_000_000 + (i as u32) * 7919 + 13),
                family_name: family.to_owned(),
                given_names: given.to_owned(),
                birth_date: birth,
                sex,
                nationality: "UTO".to_owned(),
                street_address: format!("{} {}", 1 + rng.below(180), rng.pick(STREETS)),
                postal_code: format!("{postal_prefix}{:03}", rng.below(1000)),
                locality: town.to_owned(),
                country: "UT".to_owned(),
                email: Some(format!(
                    "{}.{}.{i}@example.org",
                    ascii(given),
                    ascii(family)
                )),
                phone: Some(format!("+999555{:05}", i)),
            }
        })
        .collect()
}

/// Seeds the demo population (idempotent). Refused on a database holding imported registry
/// data, so a demo can never mix invented persons into a real population.
pub async fn seed(db: &Db, now: i64) -> Result<ImportSummary, registry::ImportError> {
    registry::import_persons(db, &population(), "demo", true, now, &ProgressBar::hidden()).await
}

/// The demo relying party (`examples/relying_party.rs`).
pub const DEMO_CLIENT_ID: &str = "demo-agency";

/// Registers the demo relying party if needed and gives it a fresh secret, returned once (only
/// its hash is kept, so every start prints a new one).
pub async fn ensure_demo_client(db: &Db, now: i64) -> anyhow::Result<String> {
    let secret = crate::crypto::secrets::random_token(32);
    let hash = crate::crypto::secrets::sha256_b64(&secret);
    if clients::update_client_secret_hash(db, DEMO_CLIENT_ID, &hash, now).await? {
        return Ok(secret);
    }
    let request = oidc::clients::ClientRequest {
        display_name: "Demo Agency".into(),
        purpose: "To show how a service signs you in with Civitas (demo only)".into(),
        redirect_uris: vec!["http://127.0.0.1:8081/callback".into()],
        post_logout_redirect_uris: vec!["http://127.0.0.1:8081/".into()],
        scope: Some("profile email".into()),
        grant_types: Some(vec!["authorization_code".into(), "refresh_token".into()]),
        // The demo population is made of test persons.
        environment: oidc::clients::Environment::Sandbox,
        ..Default::default()
    };
    let valid = oidc::clients::validate(&request, false)
        .map_err(|e| anyhow::anyhow!("demo client: {e}"))?;
    crate::transaction!(db, anyhow::Error, |tx| {
        oidc::clients::create_with_id(tx, DEMO_CLIENT_ID, &valid, now).await?;
        Ok(())
    })?;
    clients::update_client_secret_hash(db, DEMO_CLIENT_ID, &hash, now).await?;
    Ok(secret)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_population_is_deterministic_and_valid() {
        let a = population();
        let b = population();
        assert_eq!(a.len(), DEMO_POPULATION);
        assert!(a == b);
        let mut ids: Vec<&str> = a.iter().map(|p| p.national_id.as_str()).collect();
        ids.sort_unstable();
        ids.dedup();
        assert_eq!(ids.len(), DEMO_POPULATION);
        for p in &a {
            assert!(NationalId::parse(p.national_id.as_str()).is_ok());
        }
    }
}
