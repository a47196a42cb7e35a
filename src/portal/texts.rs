//! The portal's texts: [`PortalTexts`], generated from `locales/*/portal.ftl` (see
//! `web::i18n`), with the words for what the portal stores as codes (roles, environments,
//! statuses, the log's actions). What is data (names, ids, URIs, what a developer typed, the
//! log's details) is not translated.

pub use crate::web::i18n::catalogue::PortalTexts;

impl PortalTexts {
    /// A member's role (as stored: `owner`, …) in words; an unknown one as it is.
    pub fn role_in_words<'a>(&self, role: &'a str) -> &'a str {
        match role {
            "owner" => self.role_owner,
            "developer" => self.role_developer,
            "viewer" => self.role_viewer,
            other => other,
        }
    }

    /// A client's environment (`sandbox` or `production`) in words.
    pub fn environment_in_words<'a>(&self, environment: &'a str) -> &'a str {
        match environment {
            "sandbox" => self.environment_sandbox,
            "production" => self.environment_production,
            other => other,
        }
    }

    /// A client's status (`active`, `suspended`) in words.
    pub fn status_in_words<'a>(&self, status: &'a str) -> &'a str {
        match status {
            "active" => self.status_active,
            "suspended" => self.status_suspended,
            other => other,
        }
    }

    /// An application for production's status (`pending`, …) in words.
    pub fn application_in_words<'a>(&self, status: &'a str) -> &'a str {
        match status {
            "pending" => self.application_pending,
            "approved" => self.application_approved,
            "rejected" => self.application_rejected,
            "changes_requested" => self.application_changes_requested,
            other => other,
        }
    }

    /// What a line of the organisation's log records (its action code, as
    /// `portal::record` and the console's review write it), in words; an unknown code with
    /// spaces for its underscores.
    pub fn log_action_in_words(&self, action: &str) -> String {
        let words = match action {
            "create_organisation" => self.log_create_organisation,
            "invite_member" => self.log_invite_member,
            "join" => self.log_join,
            "create_sandbox_client" => self.log_create_sandbox_client,
            "change_sandbox_client" => self.log_change_sandbox_client,
            "submit_for_production" => self.log_submit_for_production,
            "approve_change" => self.log_approve_change,
            "approve_production_client" => self.log_approve_production_client,
            "reject_application" => self.log_reject_application,
            "request_changes" => self.log_request_changes,
            "change_redirect_uris" => self.log_change_redirect_uris,
            "rotate_secret" => self.log_rotate_secret,
            "change_keys" => self.log_change_keys,
            other => return other.replace('_', " "),
        };
        words.to_owned()
    }
}

#[cfg(test)]
mod tests {
    use crate::web::i18n::Lang;

    #[test]
    fn codes_become_words_and_unknown_codes_stay_readable() {
        let en = &Lang::En.catalogue().portal;
        let fr = &Lang::Fr.catalogue().portal;
        assert_eq!(en.role_in_words("owner"), "owner");
        assert_eq!(fr.role_in_words("viewer"), "lecteur");
        assert_eq!(fr.role_in_words("auditor"), "auditor");
        assert_eq!(
            en.log_action_in_words("change_redirect_uris"),
            "change redirect uris"
        );
        assert_eq!(en.log_action_in_words("some_new_thing"), "some new thing");
        assert_eq!(fr.environment_in_words("sandbox"), "bac à sable");
        assert_eq!(
            en.application_in_words("changes_requested"),
            "changes requested"
        );
    }
}
