//! Fuzz targets for the registry CSV: arbitrary and mutated files never panic; a file that
//! fails says which lines (each within the file) and why; a file that loads holds exactly what
//! was written, value for value; valid files round-trip.

use proptest::prelude::*;

use super::*;
use crate::fuzzing::{self, config};

fn person() -> impl Strategy<Value = (String, String, String, Option<String>, Option<String>)> {
    // Names with commas and quotes, so that quoting is exercised; letters from other scripts.
    let name = "[A-Za-zÀ-ÿἀ-ἇ][A-Za-zÀ-ÿ ,'\"-]{0,30}[a-zà-ÿ]";
    (
        name,
        name,
        "[A-Za-z0-9][A-Za-z0-9 ,./-]{0,20}[a-z0-9]",
        prop::option::of("[a-z]{1,8}@[a-z]{1,8}\\.[a-z]{2,3}"),
        prop::option::of("\\+[1-9][0-9]{7,14}"),
    )
}

fn persons() -> impl Strategy<Value = Vec<Person>> {
    prop::collection::btree_set(0..1_000_000_000u32, 0..6).prop_flat_map(|ids| {
        let n = ids.len();
        (
            Just(ids),
            prop::collection::vec(
                (
                    person(),
                    (1900..2020i32, 1..=12u8, 1..=28u8),
                    prop::sample::select(&[Sex::Female, Sex::Male, Sex::Unspecified][..]),
                    "[A-Z]{3}",
                    "[A-Z]{2}",
                ),
                n,
            ),
        )
            .prop_map(|(ids, rows)| {
                ids.into_iter()
                    .zip(rows)
                    .map(
                        |(
                            id,
                            ((family, given, street, email, phone), (y, m, d), sex, nat, country),
                        )| {
                            Person {
                                national_id: NationalId::from_digits(id),
                                family_name: family,
                                given_names: given.clone(),
                                birth_date: time::Date::from_calendar_date(
                                    y,
                                    time::Month::try_from(m).unwrap(),
                                    d,
                                )
                                .unwrap(),
                                sex,
                                nationality: nat,
                                street_address: street,
                                postal_code: "10123".into(),
                                locality: given,
                                country,
                                email,
                                phone,
                            }
                        },
                    )
                    .collect()
            })
    })
}

fn fields(p: &Person) -> Vec<String> {
    let date = time::macros::format_description!("[year]-[month]-[day]");
    vec![
        p.national_id.as_str().to_owned(),
        p.family_name.clone(),
        p.given_names.clone(),
        p.birth_date.format(&date).unwrap(),
        p.sex.code().to_owned(),
        p.nationality.clone(),
        p.street_address.clone(),
        p.postal_code.clone(),
        p.locality.clone(),
        p.country.clone(),
        p.email.clone().unwrap_or_default(),
        p.phone.clone().unwrap_or_default(),
    ]
}

fn write(persons: &[Person]) -> Vec<u8> {
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record(CSV_HEADER).unwrap();
    for p in persons {
        w.write_record(fields(p)).unwrap();
    }
    w.into_inner().unwrap()
}

fn check(input: &[u8]) -> Result<(), TestCaseError> {
    let lines = input
        .iter()
        .filter(|b| **b == b'\n' || **b == b'\r')
        .count() as u64
        + 1;
    match parse_csv(input) {
        Ok(persons) => {
            // Every value reads back exactly as the file wrote it: one spelling per value.
            let mut reader = csv::ReaderBuilder::new().from_reader(input);
            let records: Vec<Vec<String>> = reader
                .records()
                .map(|r| r.unwrap().iter().map(str::to_owned).collect())
                .collect();
            prop_assert_eq!(records.len(), persons.len());
            for (record, p) in records.iter().zip(&persons) {
                prop_assert_eq!(record, &fields(p));
            }
            let ids: std::collections::BTreeSet<&str> =
                persons.iter().map(|p| p.national_id.as_str()).collect();
            prop_assert_eq!(ids.len(), persons.len());
        }
        Err(errors) => {
            prop_assert!(!errors.is_empty() && errors.len() <= MAX_ERRORS);
            for e in &errors {
                prop_assert!(
                    (1..=lines).contains(&e.line),
                    "line {} of a file of {} lines: {}",
                    e.line,
                    lines,
                    e
                );
                prop_assert!(!e.message.is_empty());
                let prefix = format!("line {}", e.line);
                prop_assert!(e.to_string().starts_with(&prefix));
            }
        }
    }
    Ok(())
}

proptest! {
    #![proptest_config(config(512))]

    #[test]
    fn fuzz_arbitrary_files(input in fuzzing::bytes()) {
        check(&input)?;
    }

    #[test]
    fn fuzz_arbitrary_rows_under_the_header(rows in fuzzing::text()) {
        check(format!("{}\n{rows}", CSV_HEADER.join(",")).as_bytes())?;
    }

    #[test]
    fn fuzz_valid_files_round_trip(persons in persons()) {
        let input = write(&persons);
        prop_assert_eq!(parse_csv(input.as_slice()).unwrap(), persons);
    }

    #[test]
    fn fuzz_mutated_files(input in persons().prop_flat_map(|p| fuzzing::mutated(write(&p)))) {
        check(&input)?;
    }

    #[test]
    fn fuzz_national_ids(s in prop_oneof![
        fuzzing::text(),
        "[0-9]{9}[0-9Xx]",
        (0..1_000_000_000u32).prop_flat_map(|n| fuzzing::mutated_text(NationalId::from_digits(n).as_str())),
    ]) {
        match NationalId::parse(&s) {
            Ok(id) => {
                prop_assert_eq!(id.as_str(), s.as_str());
                let digits: u32 = s[..9].parse().unwrap();
                prop_assert_eq!(NationalId::from_digits(digits), id);
            }
            Err(m) => prop_assert!(!m.is_empty()),
        }
        match Sex::parse(&s) {
            Ok(sex) => prop_assert_eq!(sex.code(), s.as_str()),
            Err(m) => prop_assert!(!m.is_empty()),
        }
    }
}
