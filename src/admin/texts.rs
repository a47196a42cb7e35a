//! The console's helpdesk texts: [`Texts`], generated from `locales/*/console.ftl`
//! (see `web::i18n`), with the lookups that name the console's codes in words.

use super::log::ReasonCategory;
use crate::web::i18n::Lang;
pub use crate::web::i18n::catalogue::Texts;

impl Texts {
    /// What a reason category is called in the console.
    pub fn category(&self, c: &ReasonCategory) -> &'static str {
        match c {
            ReasonCategory::Call => self.reason_call,
            ReasonCategory::Visit => self.reason_visit,
            ReasonCategory::Letter => self.reason_letter,
            ReasonCategory::Fraud => self.reason_fraud,
            ReasonCategory::Other => self.reason_other,
        }
    }

    /// A staff account's status (`staff.status`) in words.
    pub fn staff_status(&self, status: &str) -> &'static str {
        match status {
            "enrolling" => self.staff_status_enrolling,
            "active" => self.staff_status_active,
            "locked" => self.staff_status_locked,
            _ => self.staff_status_disabled,
        }
    }

    /// An account state (`account_state` in `citizens`) in words.
    pub fn state(&self, state: &str) -> &'static str {
        match state {
            "locked" => self.state_locked,
            "disabled" => self.state_disabled,
            "active" => self.state_active,
            _ => self.state_not_activated,
        }
    }
}

/// The console's texts in `lang`.
pub fn texts(lang: Lang) -> &'static Texts {
    &lang.catalogue().console
}
