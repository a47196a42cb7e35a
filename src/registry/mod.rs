//! The population registry: the authoritative person data Civitas imports (the once-only
//! principle: citizens never retype it, relying parties receive it as verified claims).

mod csv_file;
mod import;

use std::fmt;

pub use csv_file::{CSV_HEADER, RowError, parse_csv};
pub use import::{ImportError, ImportSummary, import_file, import_persons};

/// A national ID number: nine digits and a check character (ISO/IEC 7064 MOD 11-2, where a
/// check value of 10 is written `X`), e.g. `1000000014` or `123456789X`. Always 10
/// characters; lower-case `x` is refused so that one number has one spelling.
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct NationalId(String);

impl NationalId {
    pub fn parse(s: &str) -> Result<Self, &'static str> {
        let bytes = s.as_bytes();
        if bytes.len() != 10 {
            return Err("must be 9 digits followed by a check character (10 characters)");
        }
        if !bytes[..9].iter().all(u8::is_ascii_digit) {
            return Err("the first 9 characters must be digits");
        }
        let check = check_character(&s[..9]);
        if bytes[9] as char != check {
            return Err("check character does not match: the number is mistyped");
        }
        Ok(Self(s.to_owned()))
    }

    /// Builds the number for nine digits, adding the check character.
    pub fn from_digits(n: u32) -> Self {
        assert!(n < 1_000_000_000, "a national ID has nine digits");
        let digits = format!("{n:09}");
        let check = check_character(&digits);
        Self(format!("{digits}{check}"))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// National ID numbers are personal data: `Debug` never prints them.
impl fmt::Debug for NationalId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("NationalId([redacted])")
    }
}

/// ISO/IEC 7064 MOD 11-2 over ASCII digits.
fn check_character(digits: &str) -> char {
    let p = digits
        .bytes()
        .fold(0u32, |p, d| ((p + u32::from(d - b'0')) * 2) % 11);
    match (12 - p) % 11 {
        10 => 'X',
        v => char::from(b'0' + v as u8),
    }
}

/// Sex as the registry records it (ICAO 9303: F, M, or X for unspecified).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Sex {
    Female,
    Male,
    Unspecified,
}

impl Sex {
    pub fn parse(s: &str) -> Result<Self, &'static str> {
        match s {
            "F" => Ok(Self::Female),
            "M" => Ok(Self::Male),
            "X" => Ok(Self::Unspecified),
            _ => Err("must be F, M or X"),
        }
    }

    pub fn code(self) -> &'static str {
        match self {
            Self::Female => "F",
            Self::Male => "M",
            Self::Unspecified => "X",
        }
    }
}

/// One validated person record.
#[derive(Clone, PartialEq, Eq)]
pub struct Person {
    pub national_id: NationalId,
    pub family_name: String,
    pub given_names: String,
    pub birth_date: time::Date,
    pub sex: Sex,
    /// ISO 3166-1 alpha-3, upper case.
    pub nationality: String,
    pub street_address: String,
    pub postal_code: String,
    pub locality: String,
    /// ISO 3166-1 alpha-2, upper case.
    pub country: String,
    pub email: Option<String>,
    /// E.164, e.g. `+3725551234`.
    pub phone: Option<String>,
}

/// Person records are personal data: `Debug` shows the shape only.
impl fmt::Debug for Person {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Person([redacted])")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn check_character_follows_iso_7064_mod_11_2() {
        // The standard's worked example: 079 -> X.
        assert_eq!(check_character("079"), 'X');
        let id = NationalId::from_digits(123_456_789);
        assert_eq!(NationalId::parse(id.as_str()).unwrap(), id);
    }

    #[test]
    fn mistyped_national_ids_are_refused() {
        let good = NationalId::from_digits(100_000_001);
        let s = good.as_str();
        // Every single-digit substitution is caught.
        for i in 0..9 {
            let mut b = s.as_bytes().to_vec();
            b[i] = if b[i] == b'9' { b'0' } else { b[i] + 1 };
            assert!(NationalId::parse(std::str::from_utf8(&b).unwrap()).is_err());
        }
        // Adjacent transpositions of different digits are caught.
        let t = NationalId::from_digits(123_456_789);
        let mut b = t.as_str().as_bytes().to_vec();
        b.swap(0, 1);
        assert!(NationalId::parse(std::str::from_utf8(&b).unwrap()).is_err());
        assert!(NationalId::parse("12345678").is_err());
        assert!(NationalId::parse("12345678901").is_err());
        assert!(NationalId::parse("12345678a9").is_err());
    }

    #[test]
    fn lower_case_check_x_is_refused() {
        let x = (0..1000u32)
            .map(|n| NationalId::from_digits(100_000_000 + n))
            .find(|id| id.as_str().ends_with('X'))
            .unwrap();
        assert!(NationalId::parse(&x.as_str().to_lowercase()).is_err());
    }

    #[test]
    fn debug_output_hides_personal_data() {
        let id = NationalId::from_digits(123_456_789);
        assert!(!format!("{id:?}").contains("123"));
    }
}
