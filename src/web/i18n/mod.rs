//! Languages. Every text lives in the Fluent catalogues under `locales/` (one folder per
//! language, edited without Rust); `build.rs` fails the build when a language lacks a message,
//! so a missing translation is a compile error, not a blank on a page. A page's language is
//! the relying party's `ui_locales` for the sign-in under way, then the person's choice (a
//! cookie set by the language switch), then the browser's `Accept-Language`; English is the
//! default.

use axum::{extract::FromRequestParts, http::request::Parts};

pub mod catalogue;
#[cfg(test)]
mod catalogue_tests;
#[cfg(test)]
mod check;
pub use catalogue::{Catalogue, Lang, Messages};

/// The cookie that keeps the person's language choice.
pub const LANG_COOKIE: &str = "civitas_lang";

/// The cookie that keeps a relying party's `ui_locales` for the sign-in under way: set by
/// `/authorize`, ended when the answer goes back to the service or the person picks a
/// language. It lasts for the browser session only.
pub const UI_LOCALES_COOKIE: &str = "civitas_ui_locales";

impl Lang {
    /// Everything this language says.
    pub fn catalogue(self) -> &'static Catalogue {
        catalogue::of(self)
    }

    /// The citizen pages' texts.
    pub fn messages(self) -> &'static Messages {
        &self.catalogue().citizen
    }

    /// The language's name in itself, for the switch.
    pub fn endonym(self) -> &'static str {
        self.messages().language_name
    }

    /// `n` with its digits grouped as this language writes them ("12,345", "12 345").
    pub fn number(self, n: i64) -> String {
        let separator = self.messages().number_group_separator.chars().next();
        catalogue::group_digits(n, separator.unwrap_or(','))
    }

    /// A moment as people of this language read it: "6 December 2026, 15:31" (UTC).
    pub fn date_time(self, unix: i64) -> String {
        self.moment(unix, false)
    }

    /// A moment to the second, for logs read in an investigation: "6 December 2026, 15:31:07".
    pub fn date_time_seconds(self, unix: i64) -> String {
        self.moment(unix, true)
    }

    fn moment(self, unix: i64, seconds: bool) -> String {
        let t = time::OffsetDateTime::from_unix_timestamp(unix)
            .unwrap_or(time::OffsetDateTime::UNIX_EPOCH);
        let m = self.messages();
        let date = m.date_long(
            t.day().to_string(),
            m.date_month(u8::from(t.month())),
            t.year().to_string(),
        );
        let time = if seconds {
            format!("{:02}:{:02}:{:02}", t.hour(), t.minute(), t.second())
        } else {
            format!("{:02}:{:02}", t.hour(), t.minute())
        };
        m.date_time(date, time)
    }

    /// `ltr` or `rtl`, for `<html dir>`.
    pub fn dir(self) -> &'static str {
        self.messages().language_direction
    }

    /// The first supported language of an OIDC `ui_locales` value (space-separated BCP 47
    /// tags, most preferred first).
    pub fn from_ui_locales(value: &str) -> Option<Self> {
        value.split_whitespace().find_map(Lang::from_tag)
    }

    pub fn from_tag(tag: &str) -> Option<Self> {
        let primary = tag.split(['-', '_']).next()?.trim();
        Lang::ALL
            .into_iter()
            .find(|l| l.tag().eq_ignore_ascii_case(primary))
    }

    /// The best supported language in an `Accept-Language` header (RFC 9110 §12.5.4).
    pub fn from_accept_language(header: &str) -> Option<Self> {
        let mut best: Option<(Lang, f32)> = None;
        for item in header.split(',') {
            let mut parts = item.split(';');
            let tag = parts.next().unwrap_or("").trim();
            let q = parts
                .find_map(|p| p.trim().strip_prefix("q="))
                .map_or(Some(1.0), |q| q.trim().parse::<f32>().ok());
            let (Some(lang), Some(q)) = (Lang::from_tag(tag), q) else {
                continue;
            };
            if q > 0.0 && best.is_none_or(|(_, b)| q > b) {
                best = Some((lang, q));
            }
        }
        best.map(|(l, _)| l)
    }
}

/// A `Set-Cookie` value: `ui_locales`' language for this sign-in (`Some`), or its end.
pub fn ui_locales_cookie(lang: Option<Lang>, secure: bool) -> axum::http::HeaderValue {
    let secure = if secure { "; Secure" } else { "" };
    let value = match lang {
        Some(l) => format!(
            "{UI_LOCALES_COOKIE}={}; Path=/; SameSite=Lax; HttpOnly{secure}",
            l.tag()
        ),
        None => format!("{UI_LOCALES_COOKIE}=; Path=/; Max-Age=0; SameSite=Lax; HttpOnly{secure}"),
    };
    axum::http::HeaderValue::from_str(&value).expect("a cookie of ASCII")
}

impl<S: Send + Sync> FromRequestParts<S> for Lang {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        Ok(lang_of(&parts.headers))
    }
}

/// The language for a request: the service's `ui_locales` for the sign-in under way, then
/// the person's choice, then `Accept-Language`, then English.
pub fn lang_of(headers: &axum::http::HeaderMap) -> Lang {
    let cookie = |name: &str| {
        headers
            .get_all(axum::http::header::COOKIE)
            .iter()
            .filter_map(|v| v.to_str().ok())
            .flat_map(|v| v.split(';'))
            .filter_map(|c| c.trim().split_once('='))
            .find(|(k, _)| *k == name)
            .and_then(|(_, v)| Lang::from_tag(v))
    };
    cookie(UI_LOCALES_COOKIE)
        .or_else(|| cookie(LANG_COOKIE))
        .or_else(|| {
            headers
                .get(axum::http::header::ACCEPT_LANGUAGE)
                .and_then(|v| v.to_str().ok())
                .and_then(Lang::from_accept_language)
        })
        .unwrap_or_default()
}

impl Messages {
    /// "Too many attempts. Try again in 2 minutes." for a wait of `secs` seconds, rounded up
    /// to whole minutes (at least one).
    pub fn try_again_in(&self, secs: u64) -> String {
        self.too_many_try_again(self.minutes(secs.div_ceil(60).max(1)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn en() -> &'static Messages {
        Lang::En.messages()
    }

    fn fr() -> &'static Messages {
        Lang::Fr.messages()
    }

    #[test]
    fn accept_language_picks_the_highest_supported_quality() {
        assert_eq!(
            Lang::from_accept_language("fr-CH, fr;q=0.9, en;q=0.8"),
            Some(Lang::Fr)
        );
        assert_eq!(
            Lang::from_accept_language("de, en;q=0.5, fr;q=0.4"),
            Some(Lang::En)
        );
        assert_eq!(Lang::from_accept_language("de, it"), None);
        assert_eq!(
            Lang::from_accept_language("fr;q=0, en;q=0.1"),
            Some(Lang::En)
        );
        assert_eq!(Lang::from_accept_language("fr;q=abc"), None);
    }

    #[test]
    fn counts_take_the_singular_or_the_plural_of_each_language() {
        assert_eq!(en().minutes(1), "1 minute");
        assert_eq!(en().minutes(2), "2 minutes");
        assert_eq!(fr().minutes(1), "1 minute");
        assert_eq!(fr().minutes(2), "2 minutes");
        // French counts zero as singular, English as plural.
        assert_eq!(fr().minutes(0), "0 minute");
        assert_eq!(en().minutes(0), "0 minutes");
        assert_eq!(en().receipt_chains(1), "with 1 list of entries");
        assert_eq!(en().receipt_chains(2), "with 2 lists of entries");
        assert_eq!(fr().receipt_chains(1), "avec 1 liste de lignes");
        assert_eq!(fr().receipt_chains(2), "avec 2 listes de lignes");
    }

    #[test]
    fn waits_are_whole_minutes_rounded_up_with_the_right_plural() {
        assert_eq!(
            en().try_again_in(60),
            "Too many attempts. Try again in 1 minute."
        );
        assert_eq!(
            en().try_again_in(1),
            "Too many attempts. Try again in 1 minute."
        );
        assert_eq!(
            en().try_again_in(0),
            "Too many attempts. Try again in 1 minute."
        );
        assert_eq!(
            en().try_again_in(61),
            "Too many attempts. Try again in 2 minutes."
        );
        assert_eq!(
            fr().try_again_in(60),
            "Trop de tentatives. Réessayez dans 1 minute."
        );
        assert_eq!(
            fr().try_again_in(120),
            "Trop de tentatives. Réessayez dans 2 minutes."
        );
        for t in Lang::ALL.map(Lang::messages) {
            // The plural comes with the number: the sentence itself names no unit.
            let text = t.error_too_many_detail("<>");
            assert!(text.contains("<>"));
            assert!(!text.replace("<>", "").contains("minute"));
        }
    }

    #[test]
    fn ui_locales_pick_the_first_supported_language() {
        assert_eq!(Lang::from_ui_locales("de-CH ar fr"), Some(Lang::Ar));
        assert_eq!(Lang::from_ui_locales("  es-419 "), Some(Lang::Es));
        assert_eq!(Lang::from_ui_locales("de it"), None);
        assert_eq!(Lang::from_ui_locales(""), None);
        let mut h = axum::http::HeaderMap::new();
        h.insert("accept-language", "fr".parse().unwrap());
        h.insert(
            "cookie",
            "civitas_lang=en; civitas_ui_locales=es".parse().unwrap(),
        );
        assert_eq!(lang_of(&h), Lang::Es);
    }

    #[test]
    fn dates_and_numbers_are_written_as_each_language_writes_them() {
        // 2026-12-06 15:31 UTC
        let t = 1_796_571_060;
        assert_eq!(Lang::En.date_time(t), "6 December 2026, 15:31");
        assert_eq!(Lang::Fr.date_time(t), "6 décembre 2026 à 15:31");
        assert!(
            Lang::Es.date_time(t).contains("diciembre"),
            "{}",
            Lang::Es.date_time(t)
        );
        let ar = Lang::Ar.date_time(t);
        assert!(ar.contains("ديسمبر") && ar.contains("15:31"), "{ar}");
        assert_eq!(Lang::En.number(1_234_567), "1,234,567");
        assert_eq!(Lang::Fr.number(1_234_567), "1\u{202F}234\u{202F}567");
        assert_eq!(Lang::Es.number(-1_234), "-1.234");
        assert_eq!(Lang::En.number(999), "999");
        // Fluent writes number variables the same way, and picks plurals on the number.
        let ops = &Lang::Fr.catalogue().operations;
        assert_eq!(ops.records(12_345), "12\u{202F}345 enregistrements");
        assert_eq!(ops.records(1), "1 enregistrement");
        assert_eq!(
            Lang::En.catalogue().operations.records(1_000),
            "1,000 records"
        );
    }

    #[test]
    fn the_cookie_wins_over_the_browser() {
        let mut h = axum::http::HeaderMap::new();
        h.insert("accept-language", "fr".parse().unwrap());
        assert_eq!(lang_of(&h), Lang::Fr);
        h.insert("cookie", "a=b; civitas_lang=en".parse().unwrap());
        assert_eq!(lang_of(&h), Lang::En);
    }
}
