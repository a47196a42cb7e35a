//! The registry's CSV format (documented in the README): UTF-8, comma-separated, RFC 4180
//! quoting, one header line with exactly these columns in this order.

use std::{collections::HashMap, fmt, io::Read};

use super::{NationalId, Person, Sex};

pub const CSV_HEADER: [&str; 12] = [
    "national_id",
    "family_name",
    "given_names",
    "birth_date",
    "sex",
    "nationality",
    "street_address",
    "postal_code",
    "locality",
    "country",
    "email",
    "phone",
];

/// Stop collecting after this many errors: the operator fixes those and tries again.
const MAX_ERRORS: usize = 20;

/// What is wrong with one line of the file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RowError {
    pub line: u64,
    /// The column at fault, when one is.
    pub column: Option<&'static str>,
    pub message: String,
}

impl fmt::Display for RowError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.column {
            Some(c) => write!(f, "line {}, column {c}: {}", self.line, self.message),
            None => write!(f, "line {}: {}", self.line, self.message),
        }
    }
}

/// Parses and validates a whole file. Either every row is valid and all persons are returned,
/// or the errors found (up to 20, each with its line) are returned and nothing else.
pub fn parse_csv(input: impl Read) -> Result<Vec<Person>, Vec<RowError>> {
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(true)
        .flexible(false)
        .trim(csv::Trim::None)
        .from_reader(input);

    let header_ok = match reader.headers() {
        Ok(h) => h.iter().eq(CSV_HEADER.iter().copied()),
        Err(e) => return Err(vec![csv_error(&e)]),
    };
    if !header_ok {
        return Err(vec![RowError {
            line: 1,
            column: None,
            message: format!("the header must be exactly: {}", CSV_HEADER.join(",")),
        }]);
    }

    let today = time::OffsetDateTime::now_utc().date();
    let mut persons = Vec::new();
    let mut errors = Vec::new();
    let mut seen: HashMap<NationalId, u64> = HashMap::new();
    let mut record = csv::StringRecord::new();
    loop {
        match reader.read_record(&mut record) {
            Ok(false) => break,
            Ok(true) => {
                let line = record.position().map_or(0, |p| p.line());
                match parse_row(&record, today) {
                    Ok(person) => {
                        if let Some(first) = seen.insert(person.national_id.clone(), line) {
                            errors.push(RowError {
                                line,
                                column: Some("national_id"),
                                message: format!("the same national ID is already on line {first}"),
                            });
                        } else {
                            persons.push(person);
                        }
                    }
                    Err((column, message)) => errors.push(RowError {
                        line,
                        column: Some(column),
                        message,
                    }),
                }
            }
            // A malformed record (wrong field count, bad UTF-8, broken quoting): report it and
            // carry on, so one run lists every problem it can.
            Err(e) => {
                let fatal = !matches!(
                    e.kind(),
                    csv::ErrorKind::UnequalLengths { .. } | csv::ErrorKind::Utf8 { .. }
                );
                errors.push(csv_error(&e));
                if fatal {
                    break;
                }
            }
        }
        if errors.len() >= MAX_ERRORS {
            break;
        }
    }
    if errors.is_empty() {
        Ok(persons)
    } else {
        Err(errors)
    }
}

fn csv_error(e: &csv::Error) -> RowError {
    let line = e.position().map_or(0, |p| p.line());
    let message = match e.kind() {
        csv::ErrorKind::UnequalLengths { len, .. } => format!(
            "has {len} fields, expected {} (a comma inside a value needs double quotes)",
            CSV_HEADER.len()
        ),
        csv::ErrorKind::Utf8 { .. } => "is not valid UTF-8: save the file as UTF-8".to_owned(),
        csv::ErrorKind::Io(io) => format!("cannot be read: {io}"),
        _ => format!("is not valid CSV: {e}"),
    };
    RowError {
        line,
        column: None,
        message,
    }
}

type FieldError = (&'static str, String);

fn parse_row(r: &csv::StringRecord, today: time::Date) -> Result<Person, FieldError> {
    // The header check guarantees the column count for every record (flexible(false)).
    let get = |i: usize| -> Result<&str, FieldError> {
        let v = r.get(i).unwrap_or_default();
        if v.trim() != v {
            return Err((CSV_HEADER[i], "has leading or trailing spaces".into()));
        }
        if v.chars().any(char::is_control) {
            return Err((
                CSV_HEADER[i],
                "contains a control character or line break".into(),
            ));
        }
        if v.chars().any(is_invisible_format) {
            return Err((
                CSV_HEADER[i],
                "contains an invisible formatting character (such as a direction override)".into(),
            ));
        }
        if v.chars().count() > 200 {
            return Err((CSV_HEADER[i], "is longer than 200 characters".into()));
        }
        Ok(v)
    };
    let required = |i: usize| -> Result<String, FieldError> {
        match get(i)? {
            "" => Err((CSV_HEADER[i], "is required".into())),
            v => Ok(v.to_owned()),
        }
    };
    let optional = |i: usize| -> Result<Option<String>, FieldError> {
        Ok(Some(get(i)?.to_owned()).filter(|v| !v.is_empty()))
    };
    let err = |i: usize, m: &str| (CSV_HEADER[i], m.to_owned());

    let national_id = NationalId::parse(get(0)?).map_err(|m| err(0, m))?;
    let family_name = required(1)?;
    let given_names = required(2)?;
    let birth_date = time::Date::parse(
        get(3)?,
        time::macros::format_description!("[year]-[month]-[day]"),
    )
    .map_err(|_| err(3, "must be a date written YYYY-MM-DD"))?;
    if birth_date > today || birth_date.year() < 1880 {
        return Err(err(3, "is not a plausible date of birth"));
    }
    let sex = Sex::parse(get(4)?).map_err(|m| err(4, m))?;
    let nationality = upper_code(get(5)?, 3)
        .ok_or_else(|| err(5, "must be an ISO 3166-1 alpha-3 code such as EST"))?;
    let street_address = required(6)?;
    let postal_code = required(7)?;
    let locality = required(8)?;
    let country = upper_code(get(9)?, 2)
        .ok_or_else(|| err(9, "must be an ISO 3166-1 alpha-2 code such as EE"))?;
    let email = optional(10)?;
    if let Some(e) = &email
        && !is_plausible_email(e)
    {
        return Err(err(10, "is not an e-mail address"));
    }
    let phone = optional(11)?;
    if let Some(p) = &phone
        && !is_e164(p)
    {
        return Err(err(
            11,
            "must be in international form: + then 8 to 15 digits",
        ));
    }
    Ok(Person {
        national_id,
        family_name,
        given_names,
        birth_date,
        sex,
        nationality,
        street_address,
        postal_code,
        locality,
        country,
        email,
        phone,
    })
}

/// Invisible characters that could make a name or address display as something it is not
/// (bidirectional overrides, zero-width characters, the byte-order mark).
fn is_invisible_format(c: char) -> bool {
    matches!(
        c,
        '\u{00AD}'
            | '\u{061C}'
            | '\u{180E}'
            | '\u{200B}'..='\u{200F}'
            | '\u{202A}'..='\u{202E}'
            | '\u{2060}'..='\u{2064}'
            | '\u{2066}'..='\u{2069}'
            | '\u{FEFF}'
            | '\u{FFF9}'..='\u{FFFB}'
    )
}

fn upper_code(s: &str, len: usize) -> Option<String> {
    (s.len() == len && s.bytes().all(|b| b.is_ascii_uppercase())).then(|| s.to_owned())
}

/// One `@`, a non-empty local part, a domain with a dot and no spaces. Deliverability is
/// proven later by a one-time code, not by a pattern.
fn is_plausible_email(s: &str) -> bool {
    let Some((local, domain)) = s.split_once('@') else {
        return false;
    };
    !local.is_empty()
        && !domain.contains('@')
        && domain.contains('.')
        && !domain.starts_with('.')
        && !domain.ends_with('.')
        && !s.contains(char::is_whitespace)
}

fn is_e164(s: &str) -> bool {
    s.strip_prefix('+').is_some_and(|d| {
        (8..=15).contains(&d.len()) && d.bytes().all(|b| b.is_ascii_digit()) && !d.starts_with('0')
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(id: &str, tail: &str) -> String {
        format!("{id},Tamm,Mari Liis,1984-02-29,F,EST,Pikk 1,10123,Tallinn,EE,{tail}\n")
    }

    fn file(rows: &[String]) -> String {
        format!("{}\n{}", CSV_HEADER.join(","), rows.concat())
    }

    #[test]
    fn a_valid_file_parses() {
        let id = NationalId::from_digits(123_456_789);
        let persons =
            parse_csv(file(&[row(id.as_str(), "mari@example.org,+3725551234")]).as_bytes())
                .unwrap();
        assert_eq!(persons.len(), 1);
        assert_eq!(persons[0].given_names, "Mari Liis");
        assert_eq!(persons[0].phone.as_deref(), Some("+3725551234"));
    }

    #[test]
    fn errors_name_line_and_column() {
        let a = NationalId::from_digits(1);
        let b = NationalId::from_digits(2);
        let text = file(&[
            row(a.as_str(), ","),
            row("0000000021", ","),
            row(b.as_str(), "not-an-email,"),
            row(a.as_str(), ","),
            "x,y\n".into(),
        ]);
        let errors = parse_csv(text.as_bytes()).unwrap_err();
        let shown: Vec<String> = errors.iter().map(ToString::to_string).collect();
        assert_eq!(errors.len(), 4, "{shown:?}");
        assert_eq!((errors[0].line, errors[0].column), (3, Some("national_id")));
        assert_eq!((errors[1].line, errors[1].column), (4, Some("email")));
        assert!(shown[2].contains("already on line 2"), "{shown:?}");
        assert!(
            shown[3].starts_with("line 6:") && shown[3].contains("2 fields"),
            "{shown:?}"
        );
    }

    #[test]
    fn a_wrong_header_is_refused() {
        let text = "national_id,given_names,family_name\n";
        let e = parse_csv(text.as_bytes()).unwrap_err();
        assert_eq!(e[0].line, 1);
        assert!(e[0].message.contains("national_id,family_name"));
    }

    #[test]
    fn values_with_stray_spaces_or_bad_codes_are_refused() {
        let id = NationalId::from_digits(7);
        for bad in [
            format!(
                "{} ,Tamm,Mari,1984-02-29,F,EST,Pikk 1,10123,Tallinn,EE,,\n",
                id.as_str()
            ),
            format!(
                "{},Tamm,Mari,1984-02-30,F,EST,Pikk 1,10123,Tallinn,EE,,\n",
                id.as_str()
            ),
            format!(
                "{},Tamm,Mari,2999-01-01,F,EST,Pikk 1,10123,Tallinn,EE,,\n",
                id.as_str()
            ),
            format!(
                "{},Tamm,Mari,1984-02-29,f,EST,Pikk 1,10123,Tallinn,EE,,\n",
                id.as_str()
            ),
            format!(
                "{},Tamm,Mari,1984-02-29,F,est,Pikk 1,10123,Tallinn,EE,,\n",
                id.as_str()
            ),
            format!(
                "{},Tamm,Mari,1984-02-29,F,EST,Pikk 1,10123,Tallinn,EST,,\n",
                id.as_str()
            ),
            format!(
                "{},,Mari,1984-02-29,F,EST,Pikk 1,10123,Tallinn,EE,,\n",
                id.as_str()
            ),
            format!(
                "{},Tamm,Mari,1984-02-29,F,EST,Pikk 1,10123,Tallinn,EE,,5551234\n",
                id.as_str()
            ),
        ] {
            assert!(
                parse_csv(file(std::slice::from_ref(&bad)).as_bytes()).is_err(),
                "{bad}"
            );
        }
    }

    #[test]
    fn invisible_direction_overrides_are_refused() {
        let id = NationalId::from_digits(8);
        let text = file(&[format!(
            "{},Tamm\u{202E}nimda,Mari,1984-02-29,F,EST,Pikk 1,10123,Tallinn,EE,,\n",
            id.as_str()
        )]);
        let e = parse_csv(text.as_bytes()).unwrap_err();
        assert_eq!(e[0].column, Some("family_name"));
        // Letters from any script are fine.
        let text = file(&[format!(
            "{},Ἀθηνᾶ,Zoë Ōtsuka-Nguyễn,1984-02-29,F,EST,Pikk 1,10123,Tallinn,EE,,\n",
            id.as_str()
        )]);
        assert!(parse_csv(text.as_bytes()).is_ok());
    }

    #[test]
    fn quoted_commas_are_values() {
        let id = NationalId::from_digits(9);
        let text = file(&[format!(
            "{},Tamm,Mari,1984-02-29,X,EST,\"Pikk 1, flat 2\",10123,Tallinn,EE,,\n",
            id.as_str()
        )]);
        let p = parse_csv(text.as_bytes()).unwrap();
        assert_eq!(p[0].street_address, "Pikk 1, flat 2");
        assert_eq!(p[0].sex, Sex::Unspecified);
    }
}

#[cfg(test)]
mod fuzz;
