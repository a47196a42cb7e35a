//! The texts of the console's error-reference lookup (`admin::references`): [`RefTexts`],
//! generated from `locales/*/references.ftl` (see `web::i18n`).

use crate::web::i18n::Lang;
pub use crate::web::i18n::catalogue::RefTexts;

impl RefTexts {
    /// What happened, in plain words, for a record's kind, OAuth error code and status.
    pub fn explain(&self, kind: &str, oauth_error: Option<&str>, status: i64) -> String {
        let code = oauth_error.unwrap_or("-");
        let text = match kind {
            "bad_request" => self.bad_request,
            "unverified_authorization" => self.unverified_authorization,
            "cross_site" => self.cross_site,
            "forbidden" => self.forbidden,
            "not_found" => self.not_found,
            "too_many_requests" => self.too_many_requests,
            "unavailable" | "conflict" => self.unavailable,
            "internal" => self.internal,
            "wrong_environment" => self.wrong_environment,
            "oauth" => return self.oauth(code),
            _ => match status {
                401 | 403 => self.not_signed_in,
                404 => self.not_found,
                408 => self.timeout,
                413 => self.too_large,
                503 => self.unavailable,
                _ => return self.other(status),
            },
        };
        text.to_owned()
    }
}

/// The lookup's texts in `lang`.
pub fn ref_texts(lang: Lang) -> &'static RefTexts {
    &lang.catalogue().references
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_kind_is_explained_with_its_code_or_status() {
        for t in Lang::ALL.map(ref_texts) {
            assert!(
                t.explain("oauth", Some("invalid_grant"), 400)
                    .contains("invalid_grant")
            );
            assert!(t.explain("http", None, 405).contains("405"));
            assert_eq!(t.explain("not_found", None, 404), t.not_found);
            assert_eq!(t.explain("http", None, 404), t.not_found);
        }
    }
}
