//! Languages. Each language is one [`Messages`] value: a missing translation is a compile
//! error, not a blank on a page. The person's choice (a cookie set by the language switch)
//! wins over the browser's `Accept-Language`; English is the default.

use axum::{extract::FromRequestParts, http::request::Parts};

/// A language Civitas speaks.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Lang {
    #[default]
    En,
    Fr,
}

/// The cookie that keeps the person's language choice.
pub const LANG_COOKIE: &str = "civitas_lang";

impl Lang {
    pub const ALL: [Lang; 2] = [Lang::En, Lang::Fr];

    /// BCP 47 tag, for `<html lang>` and the cookie.
    pub fn tag(self) -> &'static str {
        match self {
            Lang::En => "en",
            Lang::Fr => "fr",
        }
    }

    /// The language's name in itself, for the switch.
    pub fn endonym(self) -> &'static str {
        match self {
            Lang::En => "English",
            Lang::Fr => "Français",
        }
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

    pub fn messages(self) -> &'static Messages {
        match self {
            Lang::En => &EN,
            Lang::Fr => &FR,
        }
    }
}

impl<S: Send + Sync> FromRequestParts<S> for Lang {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        Ok(lang_of(&parts.headers))
    }
}

/// The language for a request: the cookie, then `Accept-Language`, then English.
pub fn lang_of(headers: &axum::http::HeaderMap) -> Lang {
    let from_cookie = headers
        .get_all(axum::http::header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|c| c.trim().split_once('='))
        .find(|(k, _)| *k == LANG_COOKIE)
        .and_then(|(_, v)| Lang::from_tag(v));
    from_cookie
        .or_else(|| {
            headers
                .get(axum::http::header::ACCEPT_LANGUAGE)
                .and_then(|v| v.to_str().ok())
                .and_then(Lang::from_accept_language)
        })
        .unwrap_or_default()
}

/// Every text a page shows. Placeholders in braces are replaced by the caller.
pub struct Messages {
    pub service_name: &'static str,
    pub skip_to_content: &'static str,
    pub tagline: &'static str,
    pub home_title: &'static str,
    pub home_intro: &'static str,
    pub home_services: &'static str,
    pub home_help: &'static str,
    pub language: &'static str,
    pub change_language: &'static str,
    pub footer_note: &'static str,
    pub error_bad_request: &'static str,
    pub error_forbidden: &'static str,
    pub error_forbidden_detail: &'static str,
    pub error_sandbox: &'static str,
    pub error_sandbox_detail: &'static str,
    pub error_production: &'static str,
    pub error_production_detail: &'static str,
    pub error_cross_site: &'static str,
    pub error_not_found: &'static str,
    pub error_not_found_detail: &'static str,
    pub error_too_many: &'static str,
    /// `{minutes}`: how long to wait, from [`Messages::minutes`] ("1 minute").
    pub error_too_many_detail: &'static str,
    pub error_unavailable: &'static str,
    pub error_unavailable_detail: &'static str,
    pub error_internal: &'static str,
    pub error_internal_detail: &'static str,
    pub back_home: &'static str,
    pub bad_language: &'static str,
    pub logout_confirm_title: &'static str,
    pub logout_confirm_text: &'static str,
    pub logout_button: &'static str,
    pub logout_done_title: &'static str,
    pub logout_done_text: &'static str,
    pub needs_javascript: &'static str,
    pub signin_title: &'static str,
    pub signin_passkey_heading: &'static str,
    pub signin_passkey_text: &'static str,
    pub signin_passkey_button: &'static str,
    pub signin_first_time: &'static str,
    pub signin_activate_link: &'static str,
    pub activate_title: &'static str,
    pub activate_intro: &'static str,
    pub activate_national_id: &'static str,
    pub activate_national_id_hint: &'static str,
    pub activate_code: &'static str,
    pub activate_code_hint: &'static str,
    pub activate_button: &'static str,
    pub activate_failed: &'static str,
    pub passkey_create_title: &'static str,
    pub passkey_create_text: &'static str,
    pub passkey_create_button: &'static str,
    pub consent_title: &'static str,
    pub consent_asks: &'static str,
    pub consent_purpose: &'static str,
    pub consent_this_time: &'static str,
    pub signin_for: &'static str,
    pub consent_data: &'static str,
    pub consent_remember: &'static str,
    pub consent_allow: &'static str,
    pub consent_deny: &'static str,
    pub consent_history: &'static str,
    pub claim_name: &'static str,
    pub claim_birthdate: &'static str,
    pub claim_gender: &'static str,
    pub claim_email: &'static str,
    pub claim_phone: &'static str,
    pub claim_address: &'static str,
    pub claim_national_id: &'static str,
    pub claim_other: &'static str,
    pub signin_code_heading: &'static str,
    pub signin_code_link: &'static str,
    pub otp_title: &'static str,
    pub otp_intro: &'static str,
    pub otp_send: &'static str,
    pub otp_unavailable: &'static str,
    pub otp_verify_title: &'static str,
    pub otp_verify_intro: &'static str,
    pub otp_code: &'static str,
    pub otp_verify_button: &'static str,
    pub otp_resend: &'static str,
    pub otp_wrong: &'static str,
    pub otp_expired: &'static str,
    pub otp_mail_subject: &'static str,
    /// `{code}`: the code.
    pub otp_mail_body: &'static str,
    pub signin_recover_link: &'static str,
    pub signin_autofill_label: &'static str,
    pub account_title: &'static str,
    pub account_services: &'static str,
    pub account_security: &'static str,
    pub account_details: &'static str,
    pub account_no_services: &'static str,
    pub account_sees: &'static str,
    pub account_since: &'static str,
    pub account_withdraw: &'static str,
    pub account_passkeys: &'static str,
    pub account_synced: &'static str,
    pub account_added: &'static str,
    pub account_last_used: &'static str,
    pub account_new_recovery_codes: &'static str,
    pub account_sessions: &'static str,
    /// Ends every session of the citizen, this one included.
    pub account_sign_out_everywhere: &'static str,
    pub account_signed_in_at: &'static str,
    pub account_this_device: &'static str,
    pub account_sign_out: &'static str,
    pub account_history: &'static str,
    pub account_details_correction: &'static str,
    pub account_releases: &'static str,
    pub account_releases_intro: &'static str,
    pub account_when: &'static str,
    pub account_service: &'static str,
    pub account_what: &'static str,
    pub account_how: &'static str,
    pub account_receipt: &'static str,
    pub account_new_name: &'static str,
    pub account_rename: &'static str,
    pub account_remove: &'static str,
    pub account_confirm_last: &'static str,
    pub account_add_passkey: &'static str,
    pub account_not_me: &'static str,
    pub account_not_me_lock: &'static str,
    pub account_locked_title: &'static str,
    pub account_locked_text: &'static str,
    pub passkey_high_text: &'static str,
    pub passkey_high_button: &'static str,
    pub signin_autofill_hint: &'static str,
    pub recovery_title: &'static str,
    pub recovery_offer: &'static str,
    pub recovery_create: &'static str,
    pub recovery_skip: &'static str,
    pub recovery_shown_once: &'static str,
    pub recovery_done: &'static str,
    pub recover_title: &'static str,
    pub recover_intro: &'static str,
    pub recover_code: &'static str,
    pub recover_failed: &'static str,
    pub account_filter_label: &'static str,
    pub account_all_services: &'static str,
    pub account_filter_button: &'static str,
    pub account_older: &'static str,
    pub account_newest: &'static str,
    pub account_download: &'static str,
    pub account_no_releases: &'static str,
    pub receipt_title: &'static str,
    pub receipt_intro: &'static str,
    pub receipt_number: &'static str,
    pub receipt_hash: &'static str,
    pub receipt_prev: &'static str,
    pub receipt_checkpoint: &'static str,
    pub receipt_pending: &'static str,
    pub receipt_root: &'static str,
    pub receipt_signature: &'static str,
    pub receipt_back: &'static str,
    pub consent_optional: &'static str,
    pub consent_share: &'static str,
    pub consent_logo: &'static str,
    /// Heading of the notice when a service asks for `offline_access`.
    pub consent_offline_title: &'static str,
    /// After the service's name: what `offline_access` means, in plain words.
    pub consent_offline: &'static str,
    pub sign_out: &'static str,
    pub signed_out_shared_device: &'static str,
    pub signin_again: &'static str,
    /// CLDR plural rule "one" of this language: whether `n` takes the singular.
    pub is_singular: fn(u64) -> bool,
    /// `{n}`: a number of minutes, singular and plural.
    pub minutes_one: &'static str,
    pub minutes_other: &'static str,
    /// `{minutes}`: how long to wait, from [`Messages::minutes`]; for scripts (JSON errors).
    pub too_many_try_again: &'static str,
    /// `{n}`: how many chains a signed checkpoint covers, singular and plural.
    pub receipt_chains_one: &'static str,
    pub receipt_chains_other: &'static str,
    pub developer_heading: &'static str,
    pub developer_intro: &'static str,
    pub developer_error_code: &'static str,
    pub developer_request_id: &'static str,
    /// The sandbox's wrong-environment page: the way on for its developer.
    pub wrong_environment_developer: &'static str,
    /// The production client's wrong-environment page: above its sign-out button.
    pub wrong_environment_then: &'static str,
    /// The test-person chooser (`/signin` and the wrong-environment page of a sandbox).
    pub test_persons_heading: &'static str,
    pub test_persons_intro: &'static str,
    pub test_persons_label: &'static str,
    pub test_persons_hint: &'static str,
    pub test_persons_button: &'static str,
    pub test_persons_none: &'static str,
    pub test_persons_other_methods: &'static str,
    /// Refusals of `POST /signin/test-person`.
    pub test_persons_no_request: &'static str,
    pub test_persons_not_sandbox: &'static str,
    pub test_persons_unknown: &'static str,
    /// The header's link to `/help`, on every page.
    pub get_help: &'static str,
    /// Error pages: the reference to give the helpdesk (see `help::references`).
    pub reference_heading: &'static str,
    pub reference_give: &'static str,
    pub reference_nothing_personal: &'static str,
    pub reference_contact: &'static str,
    /// `/help`.
    pub help_title: &'static str,
    pub help_intro: &'static str,
    pub help_contact_heading: &'static str,
    pub help_phone: &'static str,
    pub help_hours: &'static str,
    pub help_email: &'static str,
    pub help_visit: &'static str,
    /// When no contact option is configured.
    pub help_no_contacts: &'static str,
    pub help_ready_heading: &'static str,
    pub help_ready_reference: &'static str,
    pub help_ready_identity: &'static str,
    pub help_ready_device: &'static str,
    pub help_never_ask: &'static str,
}

impl Messages {
    /// `one` or `other`, as this language's plural rule says for `n`, with `{n}` replaced.
    pub fn count(&self, n: u64, one: &str, other: &str) -> String {
        let form = if (self.is_singular)(n) { one } else { other };
        form.replace("{n}", &n.to_string())
    }

    /// "1 minute", "5 minutes" ("0 minute" in French).
    pub fn minutes(&self, n: u64) -> String {
        self.count(n, self.minutes_one, self.minutes_other)
    }

    /// "Too many attempts. Try again in 2 minutes." for a wait of `secs` seconds, rounded up
    /// to whole minutes (at least one).
    pub fn try_again_in(&self, secs: u64) -> String {
        self.too_many_try_again
            .replace("{minutes}", &self.minutes(secs.div_ceil(60).max(1)))
    }

    /// "covering 3 chains" on a receipt's checkpoint.
    pub fn receipt_chains(&self, n: i64) -> String {
        let n = u64::try_from(n).unwrap_or(0);
        self.count(n, self.receipt_chains_one, self.receipt_chains_other)
    }
}

/// English: one for 1 only.
fn english_is_singular(n: u64) -> bool {
    n == 1
}

/// French: one for 0 and 1.
fn french_is_singular(n: u64) -> bool {
    n <= 1
}

static EN: Messages = Messages {
    service_name: "Civitas",
    skip_to_content: "Skip to main content",
    tagline: "Your national digital identity",
    home_title: "Sign in to public and private services with one identity",
    home_intro: "Civitas is the national digital identity. Government agencies, banks and other \
        services let you sign in with it, and they only see the details you agree to share.",
    home_services: "You sign in with a passkey on your phone or computer. You can see every \
        service that received your details, and when.",
    home_help: "If you cannot sign in, the helpdesk can help you.",
    language: "Language",
    change_language: "Change language",
    footer_note: "Civitas keeps a record of every release of your data that you can inspect.",
    error_bad_request: "This request cannot be handled",
    error_forbidden: "Not allowed",
    error_forbidden_detail: "You are not allowed to see this page.",
    error_sandbox: "This service is a test version",
    error_sandbox_detail: "It is the sandbox of a service still being built, and signs in only test persons, never real ones. Nothing was shared with it.",
    error_production: "This service does not accept test persons",
    error_production_detail: "You are signed in as a test person, and this service signs in only real persons. Nothing was shared with it.",
    error_cross_site: "The form was sent from another website, so it was not accepted. Go back \
        to the Civitas page and try again.",
    error_not_found: "Page not found",
    error_not_found_detail: "If you typed the web address, check it is correct.",
    error_too_many: "Too many attempts",
    error_too_many_detail: "For your security, please wait {minutes} and try again.",
    error_unavailable: "Sorry, the service is unavailable",
    error_unavailable_detail: "Please try again in a few minutes. Nothing you entered was lost.",
    error_internal: "Sorry, something went wrong",
    error_internal_detail: "Please try again. If it keeps happening, contact the helpdesk.",
    back_home: "Go to the Civitas home page",
    bad_language: "That language is not available.",
    logout_confirm_title: "Sign out of Civitas?",
    logout_confirm_text: "A service asked Civitas to sign you out. You will need to sign in again to use any service with Civitas.",
    logout_button: "Sign out",
    logout_done_title: "You have signed out",
    logout_done_text: "You are no longer signed in to Civitas on this device.",
    needs_javascript: "Passkeys need JavaScript. Turn it on, or use another browser.",
    signin_title: "Sign in",
    signin_passkey_heading: "With a passkey",
    signin_passkey_text: "Use the passkey on your phone, computer or security key. Your device will ask for your fingerprint, face or PIN.",
    signin_passkey_button: "Sign in with a passkey",
    signin_first_time: "First time here?",
    signin_activate_link: "Activate your digital identity with the code from your letter",
    activate_title: "Activate your digital identity",
    activate_intro: "You need your national ID number and the activation code from the letter we sent you, or from the helpdesk.",
    activate_national_id: "National ID number",
    activate_national_id_hint: "10 characters, for example 123456789X",
    activate_code: "Activation code",
    activate_code_hint: "16 letters and numbers, for example 7KQ2-M9XD-4TZB-H3WF",
    activate_button: "Continue",
    activate_failed: "The national ID number and activation code do not match, or the code has expired. Check them and try again.",
    passkey_create_title: "Create your passkey",
    passkey_create_text: "A passkey lets you sign in with your fingerprint, face or device PIN instead of a password. It stays on your device.",
    passkey_create_button: "Create a passkey",
    consent_title: "Share your details?",
    consent_asks: "asks to see these details from the population registry.",
    consent_purpose: "Why it asks",
    consent_this_time: "For this sign-in, the service says:",
    signin_for: "You are signing in to",
    consent_data: "What it will see",
    consent_remember: "Remember my decision for this service for 12 months",
    consent_allow: "Allow",
    consent_deny: "Do not share",
    consent_history: "You can see every release of your data, and withdraw your consent, in your account.",
    claim_name: "Name",
    claim_birthdate: "Date of birth",
    claim_gender: "Gender",
    claim_email: "E-mail address",
    claim_phone: "Mobile number",
    claim_address: "Address",
    claim_national_id: "National ID number",
    claim_other: "Other",
    signin_code_heading: "With a code by e-mail",
    signin_code_link: "Get a one-time code by e-mail (some services need a passkey)",
    otp_title: "Sign in with a code by e-mail",
    otp_intro: "We send a code to the e-mail address the population registry holds for you.",
    otp_send: "Send me a code",
    otp_unavailable: "Codes by e-mail are not available at the moment. Sign in with a passkey, or contact the helpdesk.",
    otp_verify_title: "Enter your code",
    otp_verify_intro: "If your national ID number has an activated identity with an e-mail address, we have sent you an 8-digit code. It works once, for 10 minutes.",
    otp_code: "Code",
    otp_verify_button: "Sign in",
    otp_resend: "Send a new code",
    otp_wrong: "That code is not right. Check it and try again.",
    otp_expired: "That code can no longer be used. Ask for a new one.",
    otp_mail_subject: "Your Civitas sign-in code",
    signin_recover_link: "Lost all your passkeys? Use a recovery code",
    signin_autofill_label: "Your passkey",
    account_title: "Your account",
    account_services: "Services that can see your details",
    account_security: "Security",
    account_details: "Your details in the population registry",
    account_no_services: "No service can see your details.",
    account_sees: "It can see:",
    account_since: "Since",
    account_withdraw: "Withdraw consent",
    account_passkeys: "Your passkeys",
    account_synced: "synced between your devices",
    account_added: "added",
    account_last_used: "last used",
    account_new_recovery_codes: "Make new recovery codes",
    account_sessions: "Where you are signed in",
    account_sign_out_everywhere: "Sign out everywhere",
    account_signed_in_at: "Signed in at",
    account_this_device: "this device",
    account_sign_out: "Sign out",
    account_history: "Security history",
    account_details_correction: "These details come from the population registry. To correct them, contact the registry office; Civitas shows the corrected details after the next import.",
    account_releases: "Your data-release history",
    account_releases_intro: "Every time a service received your details: when, which service, which details (names, not values), and how. Each entry has a receipt in a tamper-evident ledger.",
    account_when: "When",
    account_service: "Service",
    account_what: "Details",
    account_how: "How",
    account_receipt: "Receipt",
    account_new_name: "Name",
    account_rename: "Rename",
    account_remove: "Remove",
    account_confirm_last: "Yes, remove my last passkey",
    account_add_passkey: "Add a passkey",
    account_not_me: "This wasn't me",
    account_not_me_lock: "Also lock my identity now (the helpdesk unlocks it after checking with me)",
    account_locked_title: "Your identity is locked",
    account_locked_text: "Nobody can sign in with it now, and you are signed out everywhere. The helpdesk will check with you what happened and unlock it.",
    passkey_high_text: "Some services need the highest assurance: a security key certified by the government, which never leaves the device.",
    passkey_high_button: "Use a certified security key instead",
    signin_autofill_hint: "Select this field: your browser offers the passkeys it has for Civitas.",
    recovery_title: "Recovery codes",
    recovery_offer: "If you lose every device with your passkey, a recovery code lets you create a new one. Print the codes and keep them somewhere safe. Each works once.",
    recovery_create: "Make my recovery codes",
    recovery_skip: "Not now, continue",
    recovery_shown_once: "Print or write down these codes now: they are shown only once. Any codes you had before no longer work.",
    recovery_done: "I have kept them, continue",
    recover_title: "Use a recovery code",
    recover_intro: "Enter your national ID number and one of your recovery codes. You will then create a new passkey.",
    recover_code: "Recovery code",
    recover_failed: "The national ID number and recovery code do not match, or the code was already used.",
    account_filter_label: "Show releases to",
    account_all_services: "All services",
    account_filter_button: "Show",
    account_older: "Older releases",
    account_newest: "Back to the newest",
    account_download: "Download this history:",
    account_no_releases: "No service has received your details yet.",
    receipt_title: "Receipt for a data release",
    receipt_intro: "Civitas writes every release of your details into your own chain of records: each record's hash covers the record before it, and a checkpoint signed by Civitas covers every chain. Keep this receipt: if the record were ever changed or removed, it would no longer match.",
    receipt_number: "Number in your chain",
    receipt_hash: "Record hash",
    receipt_prev: "Hash of the record before",
    receipt_checkpoint: "Signed checkpoint",
    receipt_pending: "Not in a signed checkpoint yet: the next one is signed within minutes. Come back later to see it.",
    receipt_root: "Merkle root",
    receipt_signature: "Signature (JWS, verifiable with the keys Civitas publishes)",
    receipt_back: "Back to your account",
    consent_optional: "Optional: untick to keep this from the service",
    consent_share: "Share",
    consent_logo: "Logo of",
    consent_offline_title: "While you are away",
    consent_offline: "can keep getting these details while you are away, until you withdraw your consent in your account.",
    otp_mail_body: "Your Civitas sign-in code is {code}.\n\nIt works once, for 10 minutes. If you did not ask for it, ignore this message and tell the helpdesk.",
    sign_out: "Sign out",
    signed_out_shared_device: "If you are using a shared or public computer, close all browser windows too.",
    signin_again: "Sign in again",
    is_singular: english_is_singular,
    minutes_one: "{n} minute",
    minutes_other: "{n} minutes",
    too_many_try_again: "Too many attempts. Try again in {minutes}.",
    receipt_chains_one: "covering {n} chain of records",
    receipt_chains_other: "covering {n} chains of records",
    developer_heading: "For the service’s developers",
    developer_intro: "If you tell the service about this problem, give them these details. They contain nothing about you.",
    developer_error_code: "Error code",
    developer_request_id: "Request reference",
    wrong_environment_developer: "If you are its developer, you can go on as a test person: choose one below. In this browser, your own sign-in is then replaced by the test person’s.",
    wrong_environment_then: "Sign out here, then go back to the service and sign in as yourself.",
    test_persons_heading: "Test persons (this service is a sandbox)",
    test_persons_intro: "Test persons are made up: no real person is behind them, and only sandbox services can sign them in. Use one to try the service.",
    test_persons_label: "Test person",
    test_persons_hint: "This browser is then signed in as the test person, in place of whoever is signed in now.",
    test_persons_button: "Continue as a test person",
    test_persons_none: "There are no test persons here yet. The operator of this Civitas can import some into the registry.",
    test_persons_other_methods: "Test persons who have their own passkey or e-mail address can also sign in below.",
    test_persons_no_request: "This sign-in request has expired, was already used, or was started in another browser. Go back to the service and start again.",
    test_persons_not_sandbox: "Test persons can sign in only to sandbox services, and this service is not one. Sign in as yourself.",
    test_persons_unknown: "That is not one of the test persons. Go back and choose one from the list.",
    get_help: "Get help",
    reference_heading: "Need help?",
    reference_give: "If you call the helpdesk, give them this reference:",
    reference_nothing_personal: "It lets them see what went wrong. It says nothing about you.",
    reference_contact: "How to reach the helpdesk",
    help_title: "Get help",
    help_intro: "The Civitas helpdesk helps you set up your digital identity, sign in, and get \
        back in if you lost your phone or security key.",
    help_contact_heading: "Contact the helpdesk",
    help_phone: "Phone",
    help_hours: "Opening hours",
    help_email: "E-mail",
    help_visit: "In person",
    help_no_contacts: "Ask at your town hall or at any public service desk. They can put you \
        in touch with the Civitas helpdesk.",
    help_ready_heading: "What to have ready",
    help_ready_reference: "If a page showed an error, the reference it gave you (for example \
        3F2A-91BC). With it, the helpdesk can see what went wrong.",
    help_ready_identity: "Your identity card or passport, if you need help with your account. \
        The helpdesk checks who you are before it changes anything.",
    help_ready_device: "If you can, the phone or computer you use to sign in.",
    help_never_ask: "The helpdesk will never ask you for a code we sent you or for your \
        recovery codes. Do not give them to anyone.",
};

static FR: Messages = Messages {
    service_name: "Civitas",
    skip_to_content: "Aller au contenu principal",
    tagline: "Votre identité numérique nationale",
    home_title: "Une seule identité pour les services publics et privés",
    home_intro: "Civitas est l’identité numérique nationale. Les administrations, les banques \
        et d’autres services vous permettent de vous connecter avec elle, et ne voient que les \
        informations que vous acceptez de partager.",
    home_services: "Vous vous connectez avec une clé d’accès sur votre téléphone ou votre \
        ordinateur. Vous pouvez voir chaque service qui a reçu vos informations, et quand.",
    home_help: "Si vous ne pouvez pas vous connecter, l’assistance peut vous aider.",
    language: "Langue",
    change_language: "Changer de langue",
    footer_note: "Civitas garde une trace de chaque communication de vos données, que vous \
        pouvez consulter.",
    error_bad_request: "Cette demande ne peut pas être traitée",
    error_forbidden: "Accès refusé",
    error_forbidden_detail: "Vous n’avez pas le droit de voir cette page.",
    error_sandbox: "Ce service est une version de test",
    error_sandbox_detail: "C’est le bac à sable d’un service en cours de construction : il ne connecte que des personnes de test, jamais de vraies personnes. Rien ne lui a été transmis.",
    error_production: "Ce service n’accepte pas les personnes de test",
    error_production_detail: "Vous êtes connecté comme personne de test, et ce service ne connecte que de vraies personnes. Rien ne lui a été transmis.",
    error_cross_site: "Le formulaire a été envoyé depuis un autre site et n’a donc pas été \
        accepté. Revenez à la page de Civitas et réessayez.",
    error_not_found: "Page introuvable",
    error_not_found_detail: "Si vous avez saisi l’adresse, vérifiez qu’elle est correcte.",
    error_too_many: "Trop de tentatives",
    error_too_many_detail: "Pour votre sécurité, attendez {minutes} puis réessayez.",
    error_unavailable: "Désolé, le service est indisponible",
    error_unavailable_detail: "Réessayez dans quelques minutes. Rien de ce que vous avez saisi \
        n’a été perdu.",
    error_internal: "Désolé, une erreur s’est produite",
    error_internal_detail: "Réessayez. Si cela se reproduit, contactez l’assistance.",
    back_home: "Aller à l’accueil de Civitas",
    bad_language: "Cette langue n’est pas disponible.",
    logout_confirm_title: "Se déconnecter de Civitas ?",
    logout_confirm_text: "Un service a demandé à Civitas de vous déconnecter. Vous devrez vous reconnecter pour utiliser un service avec Civitas.",
    logout_button: "Se déconnecter",
    logout_done_title: "Vous êtes déconnecté",
    logout_done_text: "Vous n’êtes plus connecté à Civitas sur cet appareil.",
    needs_javascript: "Les clés d’accès ont besoin de JavaScript. Activez-le ou utilisez un autre navigateur.",
    signin_title: "Se connecter",
    signin_passkey_heading: "Avec une clé d’accès",
    signin_passkey_text: "Utilisez la clé d’accès de votre téléphone, de votre ordinateur ou de votre clé de sécurité. Votre appareil vous demandera votre empreinte, votre visage ou votre code.",
    signin_passkey_button: "Se connecter avec une clé d’accès",
    signin_first_time: "Première visite ?",
    signin_activate_link: "Activer votre identité numérique avec le code de votre courrier",
    activate_title: "Activer votre identité numérique",
    activate_intro: "Il vous faut votre numéro d’identification national et le code d’activation reçu par courrier ou de l’assistance.",
    activate_national_id: "Numéro d’identification national",
    activate_national_id_hint: "10 caractères, par exemple 123456789X",
    activate_code: "Code d’activation",
    activate_code_hint: "16 lettres et chiffres, par exemple 7KQ2-M9XD-4TZB-H3WF",
    activate_button: "Continuer",
    activate_failed: "Le numéro d’identification et le code d’activation ne correspondent pas, ou le code a expiré. Vérifiez-les et réessayez.",
    passkey_create_title: "Créer votre clé d’accès",
    passkey_create_text: "Une clé d’accès vous permet de vous connecter avec votre empreinte, votre visage ou le code de votre appareil au lieu d’un mot de passe. Elle reste sur votre appareil.",
    passkey_create_button: "Créer une clé d’accès",
    consent_title: "Partager vos informations ?",
    consent_asks: "demande à voir ces informations du registre de la population.",
    consent_purpose: "Pourquoi",
    consent_this_time: "Pour cette connexion, le service indique :",
    signin_for: "Vous vous connectez à",
    consent_data: "Ce qui sera transmis",
    consent_remember: "Se souvenir de mon choix pour ce service pendant 12 mois",
    consent_allow: "Autoriser",
    consent_deny: "Ne pas partager",
    consent_history: "Vous pouvez consulter chaque communication de vos données, et retirer votre consentement, dans votre compte.",
    claim_name: "Nom",
    claim_birthdate: "Date de naissance",
    claim_gender: "Genre",
    claim_email: "Adresse e-mail",
    claim_phone: "Numéro de mobile",
    claim_address: "Adresse",
    claim_national_id: "Numéro d’identification national",
    claim_other: "Autre",
    signin_code_heading: "Avec un code par e-mail",
    signin_code_link: "Recevoir un code à usage unique par e-mail (certains services exigent une clé d’accès)",
    otp_title: "Se connecter avec un code par e-mail",
    otp_intro: "Nous envoyons un code à l’adresse e-mail que le registre de la population connaît pour vous.",
    otp_send: "M’envoyer un code",
    otp_unavailable: "Les codes par e-mail ne sont pas disponibles pour le moment. Connectez-vous avec une clé d’accès ou contactez l’assistance.",
    otp_verify_title: "Saisissez votre code",
    otp_verify_intro: "Si votre numéro d’identification a une identité activée avec une adresse e-mail, nous vous avons envoyé un code à 8 chiffres. Il fonctionne une fois, pendant 10 minutes.",
    otp_code: "Code",
    otp_verify_button: "Se connecter",
    otp_resend: "Envoyer un nouveau code",
    otp_wrong: "Ce code n’est pas le bon. Vérifiez-le et réessayez.",
    otp_expired: "Ce code ne peut plus être utilisé. Demandez-en un nouveau.",
    otp_mail_subject: "Votre code de connexion Civitas",
    signin_recover_link: "Vous avez perdu toutes vos clés d’accès ? Utilisez un code de secours",
    signin_autofill_label: "Votre clé d’accès",
    account_title: "Votre compte",
    account_services: "Services qui voient vos informations",
    account_security: "Sécurité",
    account_details: "Vos informations au registre de la population",
    account_no_services: "Aucun service ne voit vos informations.",
    account_sees: "Il voit :",
    account_since: "Depuis le",
    account_withdraw: "Retirer le consentement",
    account_passkeys: "Vos clés d’accès",
    account_synced: "synchronisée entre vos appareils",
    account_added: "ajoutée le",
    account_last_used: "dernière utilisation",
    account_new_recovery_codes: "Créer de nouveaux codes de secours",
    account_sessions: "Où vous êtes connecté",
    account_sign_out_everywhere: "Se déconnecter partout",
    account_signed_in_at: "Connecté le",
    account_this_device: "cet appareil",
    account_sign_out: "Se déconnecter",
    account_history: "Historique de sécurité",
    account_details_correction: "Ces informations viennent du registre de la population. Pour les corriger, contactez le bureau du registre ; Civitas affiche les informations corrigées après le prochain import.",
    account_releases: "Historique de communication de vos données",
    account_releases_intro: "Chaque fois qu’un service a reçu vos informations : quand, quel service, quelles informations (les noms, pas les valeurs) et comment. Chaque entrée a un reçu dans un registre infalsifiable.",
    account_when: "Quand",
    account_service: "Service",
    account_what: "Informations",
    account_how: "Comment",
    account_receipt: "Reçu",
    account_new_name: "Nom",
    account_rename: "Renommer",
    account_remove: "Supprimer",
    account_confirm_last: "Oui, supprimer ma dernière clé d’accès",
    account_add_passkey: "Ajouter une clé d’accès",
    account_not_me: "Ce n’était pas moi",
    account_not_me_lock: "Verrouiller aussi mon identité maintenant (l’assistance la déverrouille après vérification avec moi)",
    account_locked_title: "Votre identité est verrouillée",
    account_locked_text: "Personne ne peut plus s’en servir pour se connecter, et vous êtes déconnecté partout. L’assistance vérifiera avec vous ce qui s’est passé et la déverrouillera.",
    passkey_high_text: "Certains services exigent le plus haut niveau de garantie : une clé de sécurité certifiée par l’État, qui ne quitte jamais l’appareil.",
    passkey_high_button: "Utiliser plutôt une clé de sécurité certifiée",
    signin_autofill_hint: "Sélectionnez ce champ : votre navigateur propose les clés d’accès qu’il a pour Civitas.",
    recovery_title: "Codes de secours",
    recovery_offer: "Si vous perdez tous les appareils avec votre clé d’accès, un code de secours vous permet d’en créer une nouvelle. Imprimez les codes et gardez-les en lieu sûr. Chacun fonctionne une fois.",
    recovery_create: "Créer mes codes de secours",
    recovery_skip: "Pas maintenant, continuer",
    recovery_shown_once: "Imprimez ou notez ces codes maintenant : ils ne sont affichés qu’une fois. Vos anciens codes ne fonctionnent plus.",
    recovery_done: "Je les ai conservés, continuer",
    recover_title: "Utiliser un code de secours",
    recover_intro: "Saisissez votre numéro d’identification national et l’un de vos codes de secours. Vous créerez ensuite une nouvelle clé d’accès.",
    recover_code: "Code de secours",
    recover_failed: "Le numéro d’identification et le code de secours ne correspondent pas, ou le code a déjà été utilisé.",
    account_filter_label: "Afficher les transmissions à",
    account_all_services: "Tous les services",
    account_filter_button: "Afficher",
    account_older: "Transmissions plus anciennes",
    account_newest: "Revenir aux plus récentes",
    account_download: "Télécharger cet historique :",
    account_no_releases: "Aucun service n’a encore reçu vos données.",
    receipt_title: "Reçu d’une transmission de données",
    receipt_intro: "Civitas inscrit chaque transmission de vos données dans votre propre chaîne d’enregistrements : l’empreinte de chacun couvre le précédent, et un point de contrôle signé par Civitas couvre toutes les chaînes. Gardez ce reçu : si l’enregistrement était modifié ou supprimé, il ne correspondrait plus.",
    receipt_number: "Numéro dans votre chaîne",
    receipt_hash: "Empreinte de l’enregistrement",
    receipt_prev: "Empreinte de l’enregistrement précédent",
    receipt_checkpoint: "Point de contrôle signé",
    receipt_pending: "Pas encore dans un point de contrôle signé : le prochain est signé d’ici quelques minutes. Revenez plus tard pour le voir.",
    receipt_root: "Racine de Merkle",
    receipt_signature: "Signature (JWS, vérifiable avec les clés publiées par Civitas)",
    receipt_back: "Retour à votre compte",
    consent_optional: "Facultatif : décochez pour ne pas le transmettre",
    consent_share: "Transmettre",
    consent_logo: "Logo de",
    consent_offline_title: "Pendant votre absence",
    consent_offline: "pourra continuer à recevoir ces informations pendant votre absence, jusqu'à ce que vous retiriez votre consentement dans votre compte.",
    otp_mail_body: "Votre code de connexion Civitas est {code}.\n\nIl fonctionne une fois, pendant 10 minutes. Si vous ne l’avez pas demandé, ignorez ce message et prévenez l’assistance.",
    sign_out: "Se déconnecter",
    signed_out_shared_device: "Si vous utilisez un ordinateur partagé ou public, fermez aussi toutes les fenêtres du navigateur.",
    signin_again: "Se reconnecter",
    is_singular: french_is_singular,
    minutes_one: "{n} minute",
    minutes_other: "{n} minutes",
    too_many_try_again: "Trop de tentatives. Réessayez dans {minutes}.",
    receipt_chains_one: "couvrant {n} chaîne d’enregistrements",
    receipt_chains_other: "couvrant {n} chaînes d’enregistrements",
    developer_heading: "Pour les développeurs du service",
    developer_intro: "Si vous signalez ce problème au service, donnez-lui ces informations. Elles ne contiennent rien sur vous.",
    developer_error_code: "Code d’erreur",
    developer_request_id: "Référence de la demande",
    wrong_environment_developer: "Si vous en êtes le développeur, vous pouvez continuer comme personne de test : choisissez-en une ci-dessous. Dans ce navigateur, votre propre connexion est alors remplacée par celle de la personne de test.",
    wrong_environment_then: "Déconnectez-vous ici, puis revenez au service et connectez-vous en votre nom.",
    test_persons_heading: "Personnes de test (ce service est un bac à sable)",
    test_persons_intro: "Les personnes de test sont fictives : aucune vraie personne ne se trouve derrière, et seuls les services bac à sable peuvent les connecter. Utilisez-en une pour essayer le service.",
    test_persons_label: "Personne de test",
    test_persons_hint: "Ce navigateur est alors connecté comme cette personne de test, à la place de la personne connectée maintenant.",
    test_persons_button: "Continuer comme personne de test",
    test_persons_none: "Il n’y a pas encore de personnes de test ici. L’exploitant de ce Civitas peut en importer dans le registre.",
    test_persons_other_methods: "Les personnes de test qui ont leur propre clé d’accès ou adresse e-mail peuvent aussi se connecter ci-dessous.",
    test_persons_no_request: "Cette demande de connexion a expiré, a déjà été utilisée ou a été commencée dans un autre navigateur. Revenez au service et recommencez.",
    test_persons_not_sandbox: "Les personnes de test ne peuvent se connecter qu’aux services bac à sable, et ce service n’en est pas un. Connectez-vous en votre nom.",
    test_persons_unknown: "Ce n’est pas l’une des personnes de test. Revenez en arrière et choisissez-en une dans la liste.",
    get_help: "Obtenir de l’aide",
    reference_heading: "Besoin d’aide ?",
    reference_give: "Si vous appelez l’assistance, donnez-lui cette référence :",
    reference_nothing_personal: "Elle lui permet de voir ce qui s’est passé. Elle ne dit rien sur vous.",
    reference_contact: "Comment joindre l’assistance",
    help_title: "Obtenir de l’aide",
    help_intro: "L’assistance de Civitas vous aide à activer votre identité numérique, à vous \
        connecter, et à retrouver l’accès si vous avez perdu votre téléphone ou votre clé de \
        sécurité.",
    help_contact_heading: "Contacter l’assistance",
    help_phone: "Téléphone",
    help_hours: "Horaires",
    help_email: "Courriel",
    help_visit: "Sur place",
    help_no_contacts: "Renseignez-vous à votre mairie ou à un guichet de service public. Ils \
        peuvent vous mettre en relation avec l’assistance de Civitas.",
    help_ready_heading: "Ce qu’il faut préparer",
    help_ready_reference: "Si une page a affiché une erreur, la référence qu’elle vous a donnée \
        (par exemple 3F2A-91BC). Avec elle, l’assistance peut voir ce qui s’est passé.",
    help_ready_identity: "Votre carte d’identité ou votre passeport, si vous avez besoin d’aide \
        pour votre compte. L’assistance vérifie qui vous êtes avant de changer quoi que ce soit.",
    help_ready_device: "Si possible, le téléphone ou l’ordinateur avec lequel vous vous connectez.",
    help_never_ask: "L’assistance ne vous demandera jamais un code que nous vous avons envoyé, ni \
        vos codes de secours. Ne les donnez à personne.",
};

#[cfg(test)]
mod tests {
    use super::*;

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
        assert_eq!(EN.minutes(1), "1 minute");
        assert_eq!(EN.minutes(2), "2 minutes");
        assert_eq!(FR.minutes(1), "1 minute");
        assert_eq!(FR.minutes(2), "2 minutes");
        // French counts zero as singular, English as plural.
        assert_eq!(FR.minutes(0), "0 minute");
        assert_eq!(EN.minutes(0), "0 minutes");
        assert_eq!(EN.receipt_chains(1), "covering 1 chain of records");
        assert_eq!(EN.receipt_chains(2), "covering 2 chains of records");
        assert_eq!(FR.receipt_chains(1), "couvrant 1 chaîne d’enregistrements");
        assert_eq!(FR.receipt_chains(2), "couvrant 2 chaînes d’enregistrements");
    }

    #[test]
    fn waits_are_whole_minutes_rounded_up_with_the_right_plural() {
        assert_eq!(
            EN.try_again_in(60),
            "Too many attempts. Try again in 1 minute."
        );
        assert_eq!(
            EN.try_again_in(1),
            "Too many attempts. Try again in 1 minute."
        );
        assert_eq!(
            EN.try_again_in(0),
            "Too many attempts. Try again in 1 minute."
        );
        assert_eq!(
            EN.try_again_in(61),
            "Too many attempts. Try again in 2 minutes."
        );
        assert_eq!(
            FR.try_again_in(60),
            "Trop de tentatives. Réessayez dans 1 minute."
        );
        assert_eq!(
            FR.try_again_in(120),
            "Trop de tentatives. Réessayez dans 2 minutes."
        );
        for t in [&EN, &FR] {
            // The plural comes with the number: the sentence itself names no unit.
            assert!(t.error_too_many_detail.contains("{minutes}"));
            assert!(
                !t.error_too_many_detail
                    .replace("{minutes}", "")
                    .contains("minute")
            );
        }
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
