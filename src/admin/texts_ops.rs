//! The texts of the console's operator side (relying parties, the review queue, the operator
//! view, the ledger's status and the staff log): [`OpsTexts`], generated from
//! `locales/*/operations.ftl` (see `web::i18n`). What is data (client names and ids, key ids,
//! reasons staff typed, action codes, dates, configuration names) is not translated.

use super::log::ReasonCategory;
pub use crate::web::i18n::catalogue::OpsTexts;
use crate::{crypto::keyring::KeyState, web::i18n::Lang};

impl OpsTexts {
    /// How staff name a reason's category on forms about relying parties, keys and
    /// applications, where the citizen's wording ("at your request") does not fit.
    pub fn category(&self, c: &ReasonCategory) -> &'static str {
        match c {
            ReasonCategory::Call => self.category_call,
            ReasonCategory::Visit => self.category_visit,
            ReasonCategory::Letter => self.category_letter,
            ReasonCategory::Fraud => self.category_fraud,
            ReasonCategory::Other => self.category_other,
        }
    }

    /// A staff role (as stored: `helpdesk`, …) in words; an unknown one as it is.
    pub fn role<'a>(&self, role: &'a str) -> &'a str {
        match role {
            "helpdesk" => self.role_helpdesk,
            "supervisor" => self.role_supervisor,
            "operator" => self.role_operator,
            "auditor" => self.role_auditor,
            other => other,
        }
    }

    /// What staff read for a four-eyes request's action.
    pub fn action_label(&self, action: &str) -> &'static str {
        match action {
            "reactivate" => self.action_reactivate,
            "lift_fraud_lock" => self.action_lift_fraud_lock,
            "suspend_client" => self.action_suspend_client,
            "grant_national_id" => self.action_grant_national_id,
            "approve_application" => self.action_approve_application,
            _ => self.action_other,
        }
    }

    /// A signing key's state in words.
    pub fn key_state(&self, state: KeyState) -> &'static str {
        match state {
            KeyState::Next => self.key_next,
            KeyState::Active => self.key_active,
            KeyState::Retired => self.key_retired,
            KeyState::Expired => self.key_expired,
        }
    }

    /// A relying party's status (`active`, otherwise suspended) in words.
    pub fn client_status(&self, status: &str) -> &'static str {
        if status == "active" {
            self.status_active
        } else {
            self.status_suspended
        }
    }
}

/// The operator side's texts in `lang`.
pub fn ops_texts(lang: Lang) -> &'static OpsTexts {
    &lang.catalogue().operations
}
