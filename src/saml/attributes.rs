//! The attributes a SAML assertion carries, and the scope each belongs to. A service provider
//! gets the attributes of the scopes the person agreed to, never more: the same consent and
//! the same scopes as OpenID Connect, named the way SAML consumers expect (the eIDAS
//! natural-person attributes where one fits, the LDAP/X.500 OIDs otherwise).

use std::collections::BTreeSet;

use crate::store::persons::PersonRow;

/// One attribute in an assertion: its URI name (`NameFormat` uri), friendly name and values.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Attribute {
    pub name: &'static str,
    pub friendly_name: &'static str,
    pub values: Vec<String>,
}

/// One attribute Civitas can release: the scope it belongs to, its URI name, its friendly
/// name and what its value looks like.
#[derive(Clone, Copy, Debug)]
pub struct CatalogueEntry {
    pub scope: &'static str,
    pub name: &'static str,
    pub friendly_name: &'static str,
    pub format: &'static str,
}

const fn entry(
    scope: &'static str,
    name: &'static str,
    friendly_name: &'static str,
    format: &'static str,
) -> CatalogueEntry {
    CatalogueEntry {
        scope,
        name,
        friendly_name,
        format,
    }
}

const CATALOGUE: &[CatalogueEntry] = &[
    entry(
        "national_id",
        "http://eidas.europa.eu/attributes/naturalperson/PersonIdentifier",
        "PersonIdentifier",
        "the national identification number",
    ),
    entry(
        "profile",
        "http://eidas.europa.eu/attributes/naturalperson/CurrentGivenName",
        "FirstName",
        "all given names",
    ),
    entry(
        "profile",
        "http://eidas.europa.eu/attributes/naturalperson/CurrentFamilyName",
        "FamilyName",
        "",
    ),
    entry(
        "profile",
        "http://eidas.europa.eu/attributes/naturalperson/DateOfBirth",
        "DateOfBirth",
        "YYYY-MM-DD",
    ),
    entry(
        "profile",
        "http://eidas.europa.eu/attributes/naturalperson/Gender",
        "Gender",
        "Male, Female or Unspecified",
    ),
    entry(
        "email",
        "urn:oid:0.9.2342.19200300.100.1.3",
        "mail",
        "an e-mail address the person gave (not verified)",
    ),
    entry(
        "phone",
        "urn:oid:2.5.4.20",
        "telephoneNumber",
        "a telephone number the person gave (not verified)",
    ),
    entry(
        "address",
        "urn:oid:2.5.4.16",
        "postalAddress",
        "street$postal code and locality$country (X.520 lines joined by $)",
    ),
];

/// Every attribute Civitas releases, in the order assertions carry them.
pub fn catalogue() -> &'static [CatalogueEntry] {
    CATALOGUE
}

/// The scope an attribute belongs to, by URI name (or friendly name, as some metadata
/// lists them); `None` for an attribute Civitas does not release.
pub fn scope_of(name: &str) -> Option<&'static str> {
    CATALOGUE
        .iter()
        .find(|e| e.name == name || e.friendly_name == name)
        .map(|e| e.scope)
}

/// The attributes of `person` under `scopes`. A value the person has not given (no e-mail,
/// no phone) leaves its attribute out rather than sending it empty.
pub fn attributes(person: &PersonRow, scopes: &BTreeSet<String>) -> Vec<Attribute> {
    CATALOGUE
        .iter()
        .filter(|e| scopes.contains(e.scope))
        .filter_map(|e| {
            let value = match e.friendly_name {
                "PersonIdentifier" => Some(person.national_id.clone()),
                "FirstName" => Some(person.given_names.clone()),
                "FamilyName" => Some(person.family_name.clone()),
                "DateOfBirth" => Some(person.birth_date.clone()),
                "Gender" => Some(
                    match person.sex.as_str() {
                        "F" => "Female",
                        "M" => "Male",
                        _ => "Unspecified",
                    }
                    .to_owned(),
                ),
                "mail" => person.email.clone(),
                "telephoneNumber" => person.phone.clone(),
                "postalAddress" => Some(format!(
                    "{}${} {}${}",
                    person.street_address, person.postal_code, person.locality, person.country
                )),
                _ => None,
            }?;
            Some(Attribute {
                name: e.name,
                friendly_name: e.friendly_name,
                values: vec![value],
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The eIDAS natural-person attribute namespace (eIDAS SAML Attribute Profile 1.2).
    const EIDAS: &str = "http://eidas.europa.eu/attributes/naturalperson/";

    fn person() -> PersonRow {
        PersonRow {
            id: "p1".into(),
            national_id: "19800101-1234".into(),
            family_name: "Tamm".into(),
            given_names: "Mari Liis".into(),
            birth_date: "1980-01-01".into(),
            sex: "F".into(),
            nationality: "EE".into(),
            street_address: "Pikk 1".into(),
            postal_code: "10123".into(),
            locality: "Tallinn".into(),
            country: "EE".into(),
            email: None,
            phone: Some("+372 5555 1234".into()),
            source: "registry".into(),
            created_at: 0,
            updated_at: 0,
            test: false,
        }
    }

    fn scopes(s: &[&str]) -> BTreeSet<String> {
        s.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn only_the_consented_scopes_attributes_are_released() {
        let a = attributes(&person(), &scopes(&["openid", "profile"]));
        let names: Vec<_> = a.iter().map(|a| a.friendly_name).collect();
        assert_eq!(names, ["FirstName", "FamilyName", "DateOfBirth", "Gender"]);
        assert_eq!(a[3].values, ["Female"]);
        assert!(a.iter().all(|a| a.name.starts_with(EIDAS)));
        assert!(attributes(&person(), &scopes(&["openid"])).is_empty());
    }

    #[test]
    fn a_value_the_person_never_gave_is_left_out() {
        let a = attributes(&person(), &scopes(&["email", "phone", "address"]));
        let names: Vec<_> = a.iter().map(|a| a.friendly_name).collect();
        assert_eq!(names, ["telephoneNumber", "postalAddress"]);
        assert_eq!(a[1].values, ["Pikk 1$10123 Tallinn$EE"]);
    }

    #[test]
    fn requested_attributes_map_to_scopes_by_uri_or_friendly_name() {
        assert_eq!(
            scope_of("http://eidas.europa.eu/attributes/naturalperson/DateOfBirth"),
            Some("profile")
        );
        assert_eq!(scope_of("urn:oid:0.9.2342.19200300.100.1.3"), Some("email"));
        assert_eq!(scope_of("PersonIdentifier"), Some("national_id"));
        assert_eq!(scope_of("urn:oid:1.3.6.1.4.1.5923.1.1.1.6"), None);
    }
}
