//! The security history in the reader's language. Each event is stored (and hash-chained in
//! the ledger) as a stable `kind` and an English `detail`; the pages show the catalogue's
//! sentence for it instead, recognised from both. A row this module does not recognise (one
//! written by an older version) is shown as stored.

use crate::{
    admin::log::ReasonCategory,
    web::i18n::{Lang, Messages},
};

/// The sentence a person reads for a security event, in `lang`; the stored `detail` when the
/// event is not one this module knows.
pub fn event_in_words(kind: &str, detail: &str, lang: Lang) -> String {
    in_words(kind, detail, lang.messages()).unwrap_or_else(|| detail.to_owned())
}

fn in_words(kind: &str, detail: &str, m: &Messages) -> Option<String> {
    if kind.starts_with("staff_") {
        return staff_in_words(kind, detail, m);
    }
    // The details as `authn` and `account` record them (`record_event`), word for word.
    let text = match (kind, detail) {
        ("activated", "Digital identity activated with a passkey") => m.event_activated,
        ("activation_code_issued", "An activation code was issued") => {
            m.event_activation_code_issued
        }
        ("activation_failed", "A wrong activation code was entered") => m.event_activation_failed,
        ("activation_refused_locked", "Activation refused: the identity is locked") => {
            m.event_activation_refused_locked
        }
        ("consent_withdrawn", "Consent for a service was withdrawn") => m.event_consent_withdrawn,
        ("locked", "Sign-in locked after repeated failures") => m.event_locked_after_failures,
        ("locked", "Identity locked at the citizen's request") => m.event_locked_by_you,
        ("otp_failed", "A wrong one-time code was entered") => m.event_otp_failed,
        ("otp_sent", "A one-time sign-in code was sent by e-mail") => m.event_otp_sent,
        ("passkey_added", "A passkey was added") => m.event_passkey_added,
        ("passkey_removed", "A passkey was removed") => m.event_passkey_removed,
        ("reactivation_started", "Activation code used to add a passkey") => {
            m.event_reactivation_started
        }
        ("recovery_code_used", "A recovery code was used to add a passkey") => {
            m.event_recovery_code_used
        }
        ("recovery_codes_created", "New recovery codes were made") => {
            m.event_recovery_codes_created
        }
        ("reported_not_me", "The citizen reported activity that was not theirs") => {
            m.event_reported_not_me
        }
        ("reported_not_me", _) => {
            let entry = detail
                .strip_prefix("The citizen reported entry ")?
                .strip_suffix(" as not theirs")?;
            return Some(m.event_reported_entry(entry));
        }
        ("session_ended", "A session was signed out from the account page") => {
            m.event_session_ended
        }
        ("signed_in", "Signed in with a passkey") => m.event_signed_in_passkey,
        ("signed_in", "Signed in with a one-time code") => m.event_signed_in_code,
        ("signed_in", "Signed in as a test person for a sandbox service") => {
            m.event_signed_in_test_person
        }
        ("signed_out_everywhere", _) => {
            let ended: u64 = detail
                .strip_prefix("Signed out everywhere (")?
                .strip_suffix(" sessions ended)")?
                .parse()
                .ok()?;
            return Some(m.event_signed_out_everywhere(ended));
        }
        ("signin_failed", "A passkey sign-in failed") => m.event_signin_failed,
        ("signin_refused_locked", "Sign-in refused: the account is locked") => {
            m.event_signin_refused_locked
        }
        _ => return None,
    };
    Some(text.to_owned())
}

/// A staff action on the citizen's account, as `admin::log::record` writes it: "{sentence}
/// {category's citizen_text} (helpdesk agent {pseudonym})", under kind `staff_{action}`.
fn staff_in_words(kind: &str, detail: &str, m: &Messages) -> Option<String> {
    let (rest, agent) = detail.strip_suffix(')')?.rsplit_once(" (helpdesk agent ")?;
    let (sentence, category) = ReasonCategory::ALL.into_iter().find_map(|c| {
        let sentence = rest.strip_suffix(c.citizen_text())?.strip_suffix(' ')?;
        Some((sentence, c))
    })?;
    let why = match category {
        ReasonCategory::Call => m.event_why_call,
        ReasonCategory::Visit => m.event_why_visit,
        ReasonCategory::Letter => m.event_why_letter,
        ReasonCategory::Fraud => m.event_why_fraud,
        ReasonCategory::Other => m.event_why_other,
    };
    let action = kind.strip_prefix("staff_")?;
    // The sentences of `admin` (`on_citizen`, `log::Action { citizen: Some(…) }`, and
    // `requests::citizen_sentence`), word for word.
    let text = match (action, sentence) {
        ("open_record", "The helpdesk opened your account") => {
            m.event_staff_open_record(why, agent)
        }
        ("unlock", "The helpdesk unlocked your account") => m.event_staff_unlock(why, agent),
        ("lock", "The helpdesk locked your account and signed you out everywhere") => {
            m.event_staff_lock(why, agent)
        }
        ("end_sessions", "The helpdesk signed you out everywhere") => {
            m.event_staff_end_sessions(why, agent)
        }
        ("reactivation_code", "The helpdesk issued a re-activation code for you") => {
            m.event_staff_reactivation_code(why, agent)
        }
        ("revoke_passkey", "The helpdesk revoked one of your passkeys") => {
            m.event_staff_revoke_passkey(why, agent)
        }
        ("withdraw_consent", "The helpdesk withdrew your consent for a service") => {
            m.event_staff_withdraw_consent(why, agent)
        }
        (
            "request_reactivate",
            "The helpdesk asked a supervisor to approve a re-activation code for you",
        ) => m.event_staff_request_reactivate(why, agent),
        (
            "request_lift_fraud_lock",
            "The helpdesk asked a supervisor to approve unlocking your account",
        ) => m.event_staff_request_lift_fraud_lock(why, agent),
        (a, "The helpdesk asked a supervisor to approve an action on your account")
            if a.starts_with("request_") =>
        {
            m.event_staff_request_other(why, agent)
        }
        (a, "A supervisor approved the helpdesk's request") if a.starts_with("approved_") => {
            m.event_staff_approved(why, agent)
        }
        (a, "A supervisor turned down the helpdesk's request") if a.starts_with("rejected_") => {
            m.event_staff_rejected(why, agent)
        }
        _ => return None,
    };
    Some(text)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every event the citizen side records, as it records it: (kind, detail).
    const RECORDED: [(&str, &str); 24] = [
        ("activated", "Digital identity activated with a passkey"),
        ("activation_code_issued", "An activation code was issued"),
        ("activation_failed", "A wrong activation code was entered"),
        (
            "activation_refused_locked",
            "Activation refused: the identity is locked",
        ),
        ("consent_withdrawn", "Consent for a service was withdrawn"),
        ("locked", "Sign-in locked after repeated failures"),
        ("locked", "Identity locked at the citizen's request"),
        ("otp_failed", "A wrong one-time code was entered"),
        ("otp_sent", "A one-time sign-in code was sent by e-mail"),
        ("passkey_added", "A passkey was added"),
        ("passkey_removed", "A passkey was removed"),
        (
            "reactivation_started",
            "Activation code used to add a passkey",
        ),
        (
            "recovery_code_used",
            "A recovery code was used to add a passkey",
        ),
        ("recovery_codes_created", "New recovery codes were made"),
        (
            "reported_not_me",
            "The citizen reported activity that was not theirs",
        ),
        (
            "reported_not_me",
            "The citizen reported entry 0b6c-41f2 as not theirs",
        ),
        (
            "session_ended",
            "A session was signed out from the account page",
        ),
        ("signed_in", "Signed in with a passkey"),
        ("signed_in", "Signed in with a one-time code"),
        (
            "signed_in",
            "Signed in as a test person for a sandbox service",
        ),
        (
            "signed_out_everywhere",
            "Signed out everywhere (1 sessions ended)",
        ),
        (
            "signed_out_everywhere",
            "Signed out everywhere (3 sessions ended)",
        ),
        ("signin_failed", "A passkey sign-in failed"),
        (
            "signin_refused_locked",
            "Sign-in refused: the account is locked",
        ),
    ];

    /// Every staff action that goes into a citizen's history: (kind, sentence).
    const STAFF: [(&str, &str); 14] = [
        ("staff_open_record", "The helpdesk opened your account"),
        ("staff_unlock", "The helpdesk unlocked your account"),
        (
            "staff_lock",
            "The helpdesk locked your account and signed you out everywhere",
        ),
        (
            "staff_end_sessions",
            "The helpdesk signed you out everywhere",
        ),
        (
            "staff_reactivation_code",
            "The helpdesk issued a re-activation code for you",
        ),
        (
            "staff_revoke_passkey",
            "The helpdesk revoked one of your passkeys",
        ),
        (
            "staff_withdraw_consent",
            "The helpdesk withdrew your consent for a service",
        ),
        (
            "staff_request_reactivate",
            "The helpdesk asked a supervisor to approve a re-activation code for you",
        ),
        (
            "staff_request_lift_fraud_lock",
            "The helpdesk asked a supervisor to approve unlocking your account",
        ),
        (
            "staff_request_something_new",
            "The helpdesk asked a supervisor to approve an action on your account",
        ),
        (
            "staff_approved_reactivate",
            "A supervisor approved the helpdesk's request",
        ),
        (
            "staff_approved_lift_fraud_lock",
            "A supervisor approved the helpdesk's request",
        ),
        (
            "staff_rejected_reactivate",
            "A supervisor turned down the helpdesk's request",
        ),
        (
            "staff_rejected_lift_fraud_lock",
            "A supervisor turned down the helpdesk's request",
        ),
    ];

    /// The detail `admin::log::record` writes.
    fn staff_detail(sentence: &str, category: ReasonCategory, agent: &str) -> String {
        format!(
            "{sentence} {} (helpdesk agent {agent})",
            category.citizen_text()
        )
    }

    #[test]
    fn every_recorded_event_has_its_own_sentence_in_every_language() {
        for lang in Lang::ALL {
            let mut seen = Vec::new();
            for (kind, detail) in RECORDED {
                let text = in_words(kind, detail, lang.messages())
                    .unwrap_or_else(|| panic!("{kind}: {detail:?} is not recognised"));
                assert!(!text.trim().is_empty(), "{kind}: {detail:?}");
                seen.push(text);
            }
            seen.sort();
            seen.dedup();
            assert_eq!(
                seen.len(),
                RECORDED.len(),
                "{lang:?}: two events read the same"
            );
        }
    }

    #[test]
    fn the_sign_in_variants_and_counts_read_in_english_and_french() {
        let en = |k: &str, d: &str| event_in_words(k, d, Lang::En);
        let fr = |k: &str, d: &str| event_in_words(k, d, Lang::Fr);
        assert_eq!(
            en("signed_in", "Signed in with a passkey"),
            "Signed in with a passkey"
        );
        assert_eq!(
            fr("signed_in", "Signed in with a passkey"),
            "Connexion avec une clé d’accès"
        );
        assert_eq!(
            fr("signed_in", "Signed in with a one-time code"),
            "Connexion avec un code à usage unique"
        );
        assert_eq!(
            fr(
                "signed_in",
                "Signed in as a test person for a sandbox service"
            ),
            "Connexion comme personne de test à un service bac à sable"
        );
        assert_eq!(
            en("locked", "Identity locked at the citizen's request"),
            "You locked your identity"
        );
        assert_eq!(
            fr("locked", "Sign-in locked after repeated failures"),
            "La connexion a été verrouillée après trop d’essais erronés"
        );
        assert_eq!(
            en(
                "signed_out_everywhere",
                "Signed out everywhere (1 sessions ended)"
            ),
            "Signed out everywhere (1 device)"
        );
        assert_eq!(
            fr(
                "signed_out_everywhere",
                "Signed out everywhere (3 sessions ended)"
            ),
            "Déconnexion partout (3 appareils)"
        );
        assert_eq!(
            fr(
                "reported_not_me",
                "The citizen reported entry 0b6c-41f2 as not theirs"
            ),
            "Vous avez signalé que la ligne 0b6c-41f2 ne venait pas de vous"
        );
        let ar = event_in_words(
            "signed_out_everywhere",
            "Signed out everywhere (2 sessions ended)",
            Lang::Ar,
        );
        assert!(ar.contains("جهازان"), "{ar}");
    }

    #[test]
    fn every_staff_action_names_its_reason_and_agent_in_every_language() {
        for lang in Lang::ALL {
            for (kind, sentence) in STAFF {
                for category in ReasonCategory::ALL {
                    let detail = staff_detail(sentence, category, "Kestrel-42");
                    let text = in_words(kind, &detail, lang.messages())
                        .unwrap_or_else(|| panic!("{kind}: {detail:?} is not recognised"));
                    assert!(text.contains("Kestrel-42"), "{lang:?} {kind}: {text}");
                    let why = match category {
                        ReasonCategory::Call => lang.messages().event_why_call,
                        ReasonCategory::Visit => lang.messages().event_why_visit,
                        ReasonCategory::Letter => lang.messages().event_why_letter,
                        ReasonCategory::Fraud => lang.messages().event_why_fraud,
                        ReasonCategory::Other => lang.messages().event_why_other,
                    };
                    assert!(text.contains(why), "{lang:?} {kind}: {text}");
                }
            }
        }
    }

    #[test]
    fn a_staff_action_reads_as_stored_in_english_and_translated_in_french() {
        let detail = staff_detail(
            "The helpdesk unlocked your account",
            ReasonCategory::Call,
            "Kestrel-42",
        );
        assert_eq!(event_in_words("staff_unlock", &detail, Lang::En), detail);
        assert_eq!(
            event_in_words("staff_unlock", &detail, Lang::Fr),
            "L’assistance a déverrouillé votre compte à votre demande, par téléphone \
             (agent de l’assistance Kestrel-42)"
        );
        let fraud = staff_detail(
            "The helpdesk locked your account and signed you out everywhere",
            ReasonCategory::Fraud,
            "Owl (7)",
        );
        assert_eq!(
            event_in_words("staff_lock", &fraud, Lang::Es),
            "El servicio de ayuda bloqueó su cuenta y cerró su sesión en todas partes por \
             sospecha de fraude (agente del servicio de ayuda Owl (7))"
        );
        // Arabic isolates the Latin pseudonym from the sentence around it.
        let ar = event_in_words("staff_lock", &fraud, Lang::Ar);
        assert!(
            ar.contains("\u{2068}Owl (7)\u{2069}") && ar.contains("احتيال"),
            "{ar}"
        );
    }

    #[test]
    fn an_unknown_event_or_detail_is_shown_as_stored() {
        for lang in Lang::ALL {
            for (kind, detail) in [
                ("teleported", "Teleported to the moon"),
                ("signed_in", "Signed in with a carrier pigeon"),
                ("signed_in", ""),
                (
                    "signed_out_everywhere",
                    "Signed out everywhere (many sessions ended)",
                ),
                ("reported_not_me", "The citizen reported entry"),
                ("staff_unlock", "The helpdesk unlocked your account"),
                (
                    "staff_unlock",
                    "The helpdesk unlocked your account for fun (helpdesk agent X)",
                ),
                (
                    "staff_unlock",
                    "The helpdesk locked your account at your request by phone (helpdesk agent X)",
                ),
                (
                    "staff_approved_x",
                    "A supervisor turned down the helpdesk's request for another reason (helpdesk agent X)",
                ),
                ("staff_", "(helpdesk agent )"),
                ("", ""),
            ] {
                assert_eq!(event_in_words(kind, detail, lang), detail, "{kind}");
            }
        }
    }

    /// The `record_event(…)` and `on_citizen(…)` calls in `src/`: each argument of each call,
    /// as written.
    fn calls_in_src(name: &str) -> Vec<Vec<String>> {
        fn files(dir: &std::path::Path, out: &mut Vec<std::path::PathBuf>) {
            for entry in std::fs::read_dir(dir).unwrap() {
                let path = entry.unwrap().path();
                if path.is_dir() {
                    files(&path, out);
                } else if path.extension().is_some_and(|e| e == "rs") {
                    out.push(path);
                }
            }
        }
        let mut paths = Vec::new();
        files(
            &std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src"),
            &mut paths,
        );
        let needle = format!("{name}(");
        let mut calls = Vec::new();
        for path in paths {
            let text = std::fs::read_to_string(&path).unwrap();
            for (at, _) in text.match_indices(&needle) {
                let line = &text[text[..at].rfind('\n').map_or(0, |n| n + 1)..at];
                // A call, not its definition, a comment or a message naming it.
                let is_call = !line.trim_start().starts_with("//")
                    && !line.ends_with("fn ")
                    && (line.trim().is_empty() || line.ends_with([' ', ':']));
                if !is_call {
                    continue;
                }
                // Split at the commas outside brackets and strings, up to the closing bracket.
                let (mut args, mut arg, mut depth, mut in_string) =
                    (Vec::new(), String::new(), 0, false);
                for c in text[at + needle.len()..].chars() {
                    match c {
                        '"' if !arg.ends_with('\\') => in_string = !in_string,
                        '(' | '[' | '{' if !in_string => depth += 1,
                        ')' | ']' | '}' if !in_string && depth == 0 => break,
                        ')' | ']' | '}' if !in_string => depth -= 1,
                        ',' if !in_string && depth == 0 => {
                            args.push(arg.trim().to_owned());
                            arg.clear();
                            continue;
                        }
                        _ => {}
                    }
                    arg.push(c);
                }
                if !arg.trim().is_empty() {
                    args.push(arg.trim().to_owned());
                }
                calls.push(args);
            }
        }
        calls
    }

    fn literal(arg: &str) -> Option<&str> {
        arg.strip_prefix('"')?.strip_suffix('"')
    }

    /// A new event, or a detail reworded where it is recorded, fails here rather than showing
    /// English on every page.
    #[test]
    fn every_event_the_code_records_is_recognised() {
        let calls: Vec<_> = calls_in_src("record_event")
            .into_iter()
            .chain(calls_in_src("record_event_in"))
            .collect();
        assert!(calls.len() >= 20, "found only {} calls", calls.len());
        for args in calls {
            let (Some(kind), Some(detail)) = (args.get(2), args.get(3)) else {
                panic!("a call with fewer arguments: {args:?}");
            };
            match (literal(kind), literal(detail)) {
                (Some(kind), Some(detail)) => assert!(
                    in_words(kind, detail, Lang::En.messages()).is_some(),
                    "record_event({kind:?}, {detail:?}) is not in account::events"
                ),
                // A detail with a number or an entry in it: the tests above cover its forms.
                (Some(kind), None) => assert!(
                    ["signed_out_everywhere", "reported_not_me"].contains(&kind),
                    "record_event({kind:?}, {detail}): a new detail that varies"
                ),
                // `record_event` passing on its own arguments.
                (None, _) => assert_eq!(kind, "&kind", "{args:?}"),
            }
        }
        let staff = calls_in_src("on_citizen");
        assert!(staff.len() >= 5, "found only {} calls", staff.len());
        for args in staff {
            let (Some(action), Some(sentence)) = (
                args.get(2).and_then(|a| literal(a)),
                args.get(5).and_then(|a| literal(a)),
            ) else {
                panic!("on_citizen without a literal action and sentence: {args:?}");
            };
            let detail = staff_detail(sentence, ReasonCategory::Visit, "X");
            assert!(
                in_words(&format!("staff_{action}"), &detail, Lang::En.messages()).is_some(),
                "on_citizen({action:?}, {sentence:?}) is not in account::events"
            );
        }
    }
}
