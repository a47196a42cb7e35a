//! The texts of the console's error-reference lookup (`admin::references`), English and
//! French: one value per language, so a missing translation is a compile error.

use crate::web::i18n::Lang;

/// Every text of the lookup page.
pub struct RefTexts {
    pub title: &'static str,
    pub intro: &'static str,
    pub reference: &'static str,
    pub reference_hint: &'static str,
    pub look_up: &'static str,
    pub invalid: &'static str,
    pub results: &'static str,
    pub none: &'static str,
    /// Two or more records share the eight digits.
    pub several: &'static str,
    pub when: &'static str,
    pub what: &'static str,
    pub page: &'static str,
    pub no_page: &'static str,
    pub status: &'static str,
    pub service: &'static str,
    pub full_reference: &'static str,
    pub bad_request: &'static str,
    pub unverified_authorization: &'static str,
    pub cross_site: &'static str,
    pub forbidden: &'static str,
    pub not_found: &'static str,
    pub too_many_requests: &'static str,
    pub unavailable: &'static str,
    pub internal: &'static str,
    pub wrong_environment: &'static str,
    /// `{code}`: the OAuth error code.
    pub oauth: &'static str,
    pub timeout: &'static str,
    pub too_large: &'static str,
    pub not_signed_in: &'static str,
    /// `{status}`: the HTTP status.
    pub other: &'static str,
}

impl RefTexts {
    /// What happened, in plain words, for a record's kind, OAuth error code and status.
    pub fn explain(&self, kind: &str, oauth_error: Option<&str>, status: i64) -> String {
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
            "oauth" => self.oauth,
            _ => match status {
                401 | 403 => self.not_signed_in,
                404 => self.not_found,
                408 => self.timeout,
                413 => self.too_large,
                503 => self.unavailable,
                _ => self.other,
            },
        };
        text.replace("{code}", oauth_error.unwrap_or("-"))
            .replace("{status}", &status.to_string())
    }
}

/// The lookup's texts in `lang`.
pub fn ref_texts(lang: Lang) -> &'static RefTexts {
    match lang {
        Lang::En => &EN,
        Lang::Fr => &FR,
    }
}

static EN: RefTexts = RefTexts {
    title: "Look up an error reference",
    intro: "Every error page shows a reference. Ask the citizen to read it out: you will see \
        what happened, when and where. Records hold nothing about the person and are kept 30 days.",
    reference: "Reference",
    reference_hint: "The 8 characters the error page showed (for example 3F2A-91BC), or a whole \
        request id. Case, spaces and dashes do not matter.",
    look_up: "Look up",
    invalid: "A reference is 8 characters from 0–9 and A–F (for example 3F2A-91BC), or a whole \
        request id of 32.",
    results: "What happened",
    none: "No error has this reference. Check it with the citizen. Records are kept 30 days, \
        and when very many errors happen at once some are not recorded.",
    several: "Several errors share these 8 characters. Ask the citizen when it happened, or \
        for the page they were on.",
    when: "When (UTC)",
    what: "What happened",
    page: "Page or endpoint",
    no_page: "an address that does not exist",
    status: "Status",
    service: "Service",
    full_reference: "Full reference",
    bad_request: "The page could not use what was sent: a form filled in wrongly, or a link \
        that is broken, already used or too old. Starting again usually works.",
    unverified_authorization: "A service sent the citizen here with a sign-in request that \
        Civitas could not check, so nothing was shared. The fault is the service's: the citizen \
        should contact that service.",
    cross_site: "A form was sent from another website (or an old tab), so Civitas refused it. \
        Starting again from the Civitas home page usually works.",
    forbidden: "The citizen was not allowed to see this page, for example a link meant for \
        someone else.",
    not_found: "The address does not exist: a mistyped or outdated link or bookmark.",
    too_many_requests: "Too many attempts in a short time. Civitas asked the citizen to wait a \
        few minutes before trying again.",
    unavailable: "Civitas could not reach its database for a moment. Trying again a little \
        later usually works.",
    internal: "An error inside Civitas, not caused by the citizen. If it happens again, report \
        it to the operators with the full reference.",
    wrong_environment: "A test service tried to sign in a real person, or a real service a \
        test person. Nothing was shared. The service's developers must use the right kind of \
        account.",
    oauth: "Civitas refused a request from a service's server (OAuth error: {code}). This is \
        between the service and Civitas; its developers see the details in the developer \
        portal.",
    timeout: "The request took too long and was stopped. Trying again usually works.",
    too_large: "What was sent was too large to accept.",
    not_signed_in: "The request was refused: not signed in, or not allowed.",
    other: "The request could not be answered (status {status}).",
};

static FR: RefTexts = RefTexts {
    title: "Rechercher une référence d'erreur",
    intro: "Chaque page d'erreur affiche une référence. Demandez au citoyen de la lire : vous \
        verrez ce qui s'est passé, quand et où. Les enregistrements ne contiennent rien sur la \
        personne et sont gardés 30 jours.",
    reference: "Référence",
    reference_hint: "Les 8 caractères affichés par la page d'erreur (par exemple 3F2A-91BC), ou \
        un identifiant de requête complet. Majuscules, espaces et tirets sont sans importance.",
    look_up: "Rechercher",
    invalid: "Une référence compte 8 caractères parmi 0–9 et A–F (par exemple 3F2A-91BC), ou \
        32 pour un identifiant de requête complet.",
    results: "Ce qui s'est passé",
    none: "Aucune erreur n'a cette référence. Vérifiez-la avec le citoyen. Les enregistrements \
        sont gardés 30 jours, et quand beaucoup d'erreurs arrivent en même temps, certaines ne \
        sont pas enregistrées.",
    several: "Plusieurs erreurs partagent ces 8 caractères. Demandez au citoyen quand c'est \
        arrivé, ou sur quelle page il était.",
    when: "Quand (UTC)",
    what: "Ce qui s'est passé",
    page: "Page ou point d'accès",
    no_page: "une adresse qui n'existe pas",
    status: "Statut",
    service: "Service",
    full_reference: "Référence complète",
    bad_request: "La page n'a pas pu utiliser ce qui a été envoyé : un formulaire mal rempli, \
        ou un lien cassé, déjà utilisé ou trop ancien. Recommencer fonctionne en général.",
    unverified_authorization: "Un service a envoyé le citoyen ici avec une demande de \
        connexion que Civitas n'a pas pu vérifier ; rien n'a été communiqué. L'erreur vient du \
        service : le citoyen doit contacter ce service.",
    cross_site: "Un formulaire a été envoyé depuis un autre site (ou un ancien onglet), donc \
        Civitas l'a refusé. Recommencer depuis l'accueil de Civitas fonctionne en général.",
    forbidden: "Le citoyen n'avait pas le droit de voir cette page, par exemple un lien destiné \
        à quelqu'un d'autre.",
    not_found: "L'adresse n'existe pas : un lien ou un favori mal saisi ou périmé.",
    too_many_requests: "Trop d'essais en peu de temps. Civitas a demandé au citoyen d'attendre \
        quelques minutes avant de réessayer.",
    unavailable: "Civitas n'a pas pu joindre sa base de données pendant un moment. Réessayer un \
        peu plus tard fonctionne en général.",
    internal: "Une erreur interne à Civitas, dont le citoyen n'est pas la cause. Si elle se \
        reproduit, signalez-la aux opérateurs avec la référence complète.",
    wrong_environment: "Un service de test a voulu connecter une personne réelle, ou un service \
        réel une personne de test. Rien n'a été communiqué. Les développeurs du service doivent \
        utiliser le bon type de compte.",
    oauth: "Civitas a refusé une requête du serveur d'un service (erreur OAuth : {code}). Cela \
        concerne le service et Civitas ; ses développeurs voient le détail dans le portail des \
        développeurs.",
    timeout: "La requête a pris trop de temps et a été interrompue. Réessayer fonctionne en \
        général.",
    too_large: "Ce qui a été envoyé était trop volumineux.",
    not_signed_in: "La requête a été refusée : pas connecté, ou pas autorisé.",
    other: "La requête n'a pas pu aboutir (statut {status}).",
};

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_kind_is_explained_with_its_code_or_status() {
        for t in [ref_texts(Lang::En), ref_texts(Lang::Fr)] {
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
