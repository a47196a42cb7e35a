//! Assisted access: `/help`, the helpdesk's contact options from `[help]`, linked from every
//! page's header; and [`references`], the short reference every error page shows and the
//! record of each error response that the console finds by it.

pub mod references;

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::State;

use crate::{
    config::HelpConfig,
    state::AppState,
    web::{i18n::Lang, pages::Layout},
};

/// A phone number as configured, and as a `tel:` link dials it.
pub struct Phone {
    pub shown: String,
    pub dial: String,
}

impl Phone {
    /// `+33 (0)1 23 45 67 89` dials `+33123456789`: the trunk `(0)` is not dialled from
    /// abroad, and a `tel:` URI holds digits and a leading `+` (RFC 3966).
    pub fn new(shown: &str) -> Self {
        let international = shown.starts_with('+');
        let without_trunk = if international {
            shown.replace("(0)", "")
        } else {
            shown.to_owned()
        };
        let digits: String = without_trunk.chars().filter(char::is_ascii_digit).collect();
        Self {
            shown: shown.to_owned(),
            dial: if international {
                format!("+{digits}")
            } else {
                digits
            },
        }
    }
}

#[derive(Template, WebTemplate)]
#[template(path = "help.html")]
pub struct HelpPage {
    pub layout: Layout,
    pub phone: Option<Phone>,
    pub hours: Option<String>,
    pub email: Option<String>,
    pub visit: Option<String>,
    /// A way to reach someone is configured (a phone, an e-mail address or a desk).
    pub has_contacts: bool,
}

impl HelpPage {
    pub fn new(lang: Lang, help: &HelpConfig) -> Self {
        Self {
            layout: Layout::new(lang, "/help"),
            phone: help.phone.as_deref().map(Phone::new),
            hours: help.hours.clone(),
            email: help.email.clone(),
            visit: help.visit.clone(),
            has_contacts: help.phone.is_some() || help.email.is_some() || help.visit.is_some(),
        }
    }
}

/// `GET /help`
pub async fn help(State(state): State<AppState>, lang: Lang) -> HelpPage {
    HelpPage::new(lang, &state.config.help)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn phone_links_dial_digits_and_a_leading_plus_only() {
        assert_eq!(Phone::new("+33 (0)1 23-45.67.89").dial, "+33123456789");
        assert_eq!(Phone::new("(01) 23 45 67 89").dial, "0123456789");
        assert_eq!(Phone::new("3939").dial, "3939");
    }
}
