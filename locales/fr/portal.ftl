### Le portail des fournisseurs de services.

## Toutes les pages du portail.

portal-title = Portail des développeurs
nav-organisations = Vos organisations
nav-sign-out = Se déconnecter du portail
colon = { "\u00A0" }:{ " " }
sign-in-with-civitas = Se connecter avec Civitas
role-owner = propriétaire
role-developer = développeur
role-viewer = lecteur
environment-sandbox = bac à sable
environment-production = production
status-active = actif
status-suspended = suspendu
application-pending = en attente
application-approved = approuvée
application-rejected = refusée
application-changes-requested = modifications demandées
none = aucun
or = ou
and = et
label-discovery-url = URL de découverte
label-issuer = Émetteur
label-purpose = Finalité
label-redirect-uris = URI de redirection
label-logout-uris = Après la déconnexion
label-client-authentication = Authentification du client
label-id-token-alg = Algorithme du jeton d’identité
label-scopes = Portées
label-minimum-assurance = Niveau de garantie minimal
label-environment = Environnement
label-legal-name = Raison sociale
label-registration-number = Numéro d’immatriculation
label-contact-email = Adresse e-mail de contact
label-email = Adresse e-mail
label-role = Rôle
label-name = Nom
label-status = État
redirect-uris-per-line = URI de redirection, une par ligne
logout-uris-per-line = Après la déconnexion, une par ligne (facultatif)
secret-and-keys = Secret et clés
test-my-integration = Tester mon intégration
copy-paste-integration = Intégration à copier-coller
usage = Utilisation
submit-for-production = Soumettre pour la production
authenticates-with = Ce client s’authentifie avec
client-keys-page = la page des clés du client
assertion-jti = nouveau à chaque fois
form-field-unknown = champ de formulaire inconnu { $field }
form-field-twice = champ de formulaire { $field } envoyé deux fois
form-field-unexpected = champ de formulaire inattendu { $field }

## La page d’accueil et les organisations du développeur.

signed-in-as = Session ouverte au nom de { $name }.
no-organisations = Vous n’êtes encore membre d’aucune organisation. Créez-en une ci-dessous, ou ouvrez le lien d’invitation qu’un collègue vous a envoyé.
create-organisation = Créer une organisation
registration-number-hint = Tel qu’inscrit au registre des entreprises ou des organismes publics, par exemple
contact-email-hint = L’adresse à laquelle Civitas vous écrit au sujet de vos intégrations (de préférence celle d’une équipe).
create-organisation-button = Créer l’organisation
landing-intro = Enregistrez votre service auprès de Civitas : un client bac à sable fonctionne immédiatement avec des personnes de test ; la production suit un examen.
landing-identity = Vous vous connectez avec votre propre identité Civitas. Votre organisation et ses membres sont enregistrés à chaque modification.
notice-signed-out = Votre session du portail est fermée.
notice-joined = Vous avez rejoint l’organisation.
sign-in-expired = Cette connexion au portail a expiré ou n’a pas été commencée ici. Retournez sur le portail et connectez-vous de nouveau.
legal-name-invalid = Raison sociale : obligatoire, { $max } caractères au plus, par exemple « Northbank plc ».
registration-number-invalid = Numéro d’immatriculation : de 2 à 40 lettres, chiffres, espaces, - / ou ., par exemple « GOV-000123 ».
contact-email-invalid = Adresse e-mail de contact : une adresse e-mail, par exemple « identity-team@northbank.example ».
organisation-exists = Une organisation portant le numéro d’immatriculation { $number } est déjà enregistrée. Demandez à l’un de ses propriétaires de vous inviter.

## La page d’une organisation.

your-role = Votre rôle
clients = Clients
no-clients = Aucun client pour l’instant.
clients-caption = Les clients de l’organisation
register-sandbox-client = Enregistrer un client bac à sable
members = Membres
members-caption = Les membres et leurs rôles
roles-explain = Les propriétaires invitent des membres, renouvellent les secrets et les clés et soumettent les clients pour la production. Les développeurs enregistrent et modifient les clients bac à sable et lancent des connexions de test. Les lecteurs consultent.
invite-colleague = Inviter un collègue
send-invitation = Envoyer l’invitation
invitations-caption = Invitations pas encore acceptées
col-expires = Expire le
changes = Modifications
no-changes = Aucune modification pour l’instant.
changes-caption = Toutes les modifications de l’organisation et de ses clients, les plus récentes d’abord
col-when = Date (UTC)
col-who = Auteur
col-what = Action
col-subject = Objet
col-detail = Détail
notice-invited =
    { $days ->
        [one] L’invitation est envoyée. Elle est valable { $days } jour, une seule fois.
       *[other] L’invitation est envoyée. Elle est valable { $days } jours, une seule fois.
    }
former-member = un ancien membre
civitas-reviewer = examinateur Civitas { $pseudonym }
log-create-organisation = création de l’organisation
log-invite-member = invitation d’un membre
log-join = arrivée d’un membre
log-create-sandbox-client = création d’un client bac à sable
log-change-sandbox-client = modification d’un client bac à sable
log-submit-for-production = soumission pour la production
log-approve-change = approbation d’une modification
log-approve-production-client = approbation du client de production
log-reject-application = refus de la demande
log-request-changes = demande de modifications
log-change-redirect-uris = modification des URI de redirection
log-rotate-secret = renouvellement du secret
log-change-keys = modification des clés
email-invalid = Adresse e-mail : une adresse e-mail, par exemple « dev@northbank.example ».
role-invalid = Rôle : propriétaire, développeur ou lecteur.
no-mail-server = Civitas ne peut pas envoyer d’e-mails ici (aucun serveur de messagerie n’est configuré) : il ne peut donc pas envoyer d’invitations.
invitation-mail-subject = { $organisation } vous invite sur son portail des développeurs Civitas
invitation-mail-body =
    { $inviter } vous invite à rejoindre { $organisation } sur le portail des développeurs Civitas en tant que { $role }.

    Ouvrez ce lien et connectez-vous avec votre propre identité Civitas pour accepter (il est valable une seule fois, pendant { $days } jours) :
    { $link }

    Si vous ne vous attendiez pas à ce message, ignorez-le.

## La page d’invitation.

invitation = Invitation
join-organisation = Rejoindre { $organisation }
invited-as = Vous avez reçu une invitation en tant que
invitation-sent-to = (invitation envoyée à { $email }).
accept-and-join = Accepter et rejoindre
invitation-sign-in-first = Connectez-vous au portail des développeurs avec votre propre identité Civitas, puis acceptez.
invitation-gone = Cette invitation a expiré ou a déjà été utilisée. Demandez à un propriétaire de l’organisation de vous inviter de nouveau.
invitation-used = Cette invitation a expiré ou a déjà été utilisée.
already-member = Vous êtes déjà membre de cette organisation.
