//! Fuzz targets for the organisation form's fields: what passes is the trimmed text, within
//! its limits, in one spelling.

use proptest::prelude::*;

use super::*;
use crate::fuzzing::{self, config};

proptest! {
    #![proptest_config(config(1024))]

    #[test]
    fn fuzz_contact_emails(v in prop_oneof![
        fuzzing::text(),
        fuzzing::mutated_text("dev@northbank.example"),
    ]) {
        if let Some(email) = parse_email(&v) {
            prop_assert_eq!(email.as_str(), v.trim());
            prop_assert!(email.len() <= 254);
            prop_assert_eq!(email.matches('@').count(), 1);
            prop_assert!(!email.chars().any(|c| c.is_whitespace() || c.is_control()));
        }
    }

    #[test]
    fn fuzz_registration_numbers(v in prop_oneof![
        fuzzing::text(),
        fuzzing::mutated_text("HRB 12345/B"),
    ]) {
        if let Some(number) = parse_registration_number(&v) {
            prop_assert_eq!(number.clone(), v.trim().to_uppercase());
            prop_assert!((2..=40).contains(&number.len()));
            prop_assert!(number.bytes().all(|b| b.is_ascii_uppercase()
                || b.is_ascii_digit()
                || b" -/.".contains(&b)));
        }
    }
}
