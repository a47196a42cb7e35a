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

## La page d’un client.

sandbox-signs-in = Un client bac à sable connecte
test-persons-only = uniquement des personnes de test
sandbox-works-now = , jamais de personnes réelles. Il fonctionne dès maintenant.
production-signs-in = Un client de production connecte
real-persons-only = uniquement des personnes réelles
production-changes = . Ses paramètres changent par un examen de son client bac à sable ; ses clés, son secret et ses URI de redirection sur des hôtes déjà approuvés changent ici immédiatement.
client-is = Ce client est { $status }
your-client-secret = Votre secret client
copy-secret-now = Copiez-le maintenant : Civitas n’en conserve que l’empreinte et ne pourra plus l’afficher.
optional-scopes = facultatives : { $scopes }
change-settings = Modifier les paramètres
production = Production
production-client = Client de production :
production-changes-here = Pour modifier ses paramètres, modifiez ce client bac à sable et soumettez-le de nouveau.
no-production-client = Pas encore de client de production. La soumission envoie ces paramètres, avec vos URI de redirection de production, à Civitas pour examen.
uris-on-approved-hosts = URI de redirection sur des hôtes approuvés
save-redirect-uris = Enregistrer les URI de redirection
reviews = Examens
reviews-caption = Demandes de mise en production, les plus récentes d’abord
col-submitted = Soumise le (UTC)
col-by = Par
col-reviewer-message = Message de l’examinateur
production-is-reviewed = Un client de production ne change que par un examen : modifiez son client bac à sable, testez-le et soumettez-le de nouveau pour la production. Ses clés, son secret et ses URI de redirection sur des hôtes déjà approuvés changent immédiatement sur sa page.
not-absolute-uri = { $uri } n’est pas une URI absolue
host-not-approved = redirect_uris : { $host } n’est pas un hôte pour lequel ce client a été approuvé. Ajoutez-le au client bac à sable et soumettez-le de nouveau pour la production.

## Le formulaire d’un client bac à sable.

change-client = Modifier { $name }
client-not-saved = Le client n’a pas été enregistré
legend-citizens-see = Ce que voient les citoyens
service-name = Nom du service
service-name-hint = Affiché à la connexion et au consentement, par exemple « Banque en ligne Northbank ».
purpose-hint = Pourquoi le service demande des données, en une phrase que les citoyens lisent au consentement.
logo-address = Adresse du logo (facultatif)
logo-address-hint = Une adresse https d’une image PNG ou JPEG ; le personnel de Civitas la vérifie avant qu’elle soit affichée.
legend-redirects = Où Civitas renvoie les personnes
application-type = Type d’application
application-type-web = web : une application côté serveur
application-type-native = native : une application sur l’appareil de la personne
redirect-uris-hint = Comparées à l’identique. https, ou http sur 127.0.0.1 ou localhost pendant le développement.
legend-authentication = Comment votre serveur s’authentifie
jwks-address = Adresse de votre JWKS
jwks-address-hint = Publiez-y une nouvelle clé et elle fonctionne immédiatement ; retirez-en une et elle cesse de fonctionner. Ou collez les clés ci-dessous.
jwks-or-inline = Ou vos clés publiques sous forme de JWKS
legend-fapi = FAPI 2.0, chiffrement et déconnexion
fapi-profile = Profil de sécurité FAPI 2.0
fapi-hint = Uniquement des requêtes d’autorisation poussées, des jetons liés par DPoP et private_key_jwt. Obligatoire pour national_id.
encrypt-id-tokens = Chiffrer les jetons d’identité avec votre clé
encryption-hint = Contenu en A256GCM ; publiez une clé avec use enc dans votre JWKS.
no-signed-only = Non : signés seulement
userinfo-signed = Userinfo sous forme de JWT signé
no-plain-json = Non : JSON simple
encrypt-userinfo = Chiffrer userinfo avec votre clé
no = Non
backchannel-address = Adresse de déconnexion par canal arrière (facultatif)
backchannel-hint = Civitas envoie ici par POST un jeton de déconnexion signé quand la session d’un citoyen prend fin.
legend-scopes = Données demandées par le service (openid est toujours inclus)
scope-restricted = (restreinte : la production exige une base légale et deux examinateurs)
refresh-tokens = Jetons de rafraîchissement (nécessaires pour offline_access)
legend-optional-scopes = Données que le citoyen peut refuser au consentement
scope-is-optional = { $scope } est facultative
assurance-none = Aucun au-delà de ce que demande chaque requête
assurance-low = Faible (un code à usage unique par e-mail suffit)
assurance-substantial = Substantiel (une clé d’accès)
assurance-high = Élevé (une clé d’accès sur un appareil approuvé)
save = Enregistrer

## La soumission d’un client bac à sable pour la production.

submit-client = Soumettre { $name } pour la production
not-submitted = Non soumis
submit-intro = Civitas examine les paramètres du client bac à sable (nom, finalité, logo, portées, authentification, niveau de garantie) avec les URI de redirection de production ci-dessous. Le client de production est un client distinct, avec son propre
submit-intro-end = et son propre secret, et ne connecte que des personnes réelles.
production-redirect-uris = URI de redirection de production, une par ligne
production-redirect-uris-hint = https sur vos propres hôtes, par exemple https://www.northbank.example/callback.
legal-basis-for = Base légale pour
legal-basis-hint = La loi ou l’obligation qui permet à votre service de traiter des numéros d’identification nationaux, et pourquoi vous en avez besoin. Deux examinateurs de Civitas la lisent.
submit-for-review = Soumettre pour examen
already-waiting = Une demande pour ce client attend déjà un examen.
legal-basis-required = legal_basis : national_id exige la base légale qui autorise votre service à traiter des numéros d’identification nationaux ({ $max } caractères au plus). Exemple : « Loi relative à la lutte contre le blanchiment, article 12 : vigilance à l’égard de la clientèle ».

## Le secret et les clés d’un client.

keys-change-at-once = Les modifications faites ici s’appliquent immédiatement, aux clients bac à sable comme de production : aucun examen n’est nécessaire.
nothing-changed = Rien n’a été modifié
client-secret = Secret client
unseen-secret = Civitas a créé ce client de production en l’approuvant, avec un secret que personne n’a vu. Créez le secret que votre serveur utilisera : il n’est affiché qu’une fois, sur la page du client.
create-secret = Créer le secret
owner-creates-secret = Un propriétaire de l’organisation le crée.
last-changed = Dernière modification (UTC)
previous-secret = Secret précédent
previous-works-until = fonctionne encore jusqu’au { $until } (UTC)
previous-none = aucun : seul le secret actuel fonctionne
rotate-secret = Renouveler le secret
rotate-explain = Civitas crée un nouveau secret et l’affiche une fois. Vos serveurs peuvent passer au nouveau pendant que l’actuel continue de fonctionner le temps que vous choisissez.
rotate-again-notice = Un secret précédent fonctionne encore : renouveler de nouveau l’arrête immédiatement, et le secret actuel devient le secret précédent.
overlap-legend = Combien de temps le secret actuel continue de fonctionner
overlap-none = Pas du tout : le secret actuel cesse immédiatement de fonctionner
overlap-hours =
    { $n ->
        [one] { $n } heure
       *[other] { $n } heures
    }
overlap-longest = { $days } jours (le plus long)
owners-rotate = Les propriétaires de l’organisation renouvellent le secret.
keys = Clés
keys-fetched-from = Civitas récupère les clés publiques de ce client à l’adresse
keys-rotate-at-address = Pour renouveler une clé, publiez la nouvelle clé à cette adresse et signez avec elle : rien d’autre, ni ici ni ailleurs. Une assertion portant un
keys-fetched-again = que Civitas n’a pas encore vu lui fait récupérer de nouveau les clés (au plus une fois toutes les { $seconds } secondes). Une clé que vous retirez de cette adresse cesse de fonctionner dans les { $minutes } minutes, le temps pendant lequel Civitas conserve un jeu de clés récupéré.
keys-registered-here = Les clés publiques de ce client sont enregistrées ici. Pour en renouveler une, remplacez-les ci-dessous en gardant l’ancienne clé à côté de la nouvelle jusqu’à ce que vos serveurs signent avec la nouvelle ; retirez ensuite l’ancienne.
keys-cannot-be-listed = Les clés ne peuvent pas être listées pour le moment : { $problem }.
keys-caption = Les clés telles que Civitas les a lues en dernier. « Dernière utilisation » est le moment où une clé a signé pour la dernière fois une assertion client acceptée, à { $minutes } minutes près.
key-type = Type
last-used-utc = Dernière utilisation (UTC)
last-used = Dernière utilisation
thumbprint = empreinte
not-given = non indiqué
never = jamais
key-rsa-bits = RSA { $bits } bits
key-rsa-unreadable = RSA (son module ne peut pas être lu)
key-oct = oct (un secret partagé ; jamais utilisé ici)
key-unknown = un type de clé inconnu
register-keys-instead = Enregistrer plutôt les clés ici
replace-keys = Remplacer les clés
public-keys-jwks = Clés publiques sous forme de JWKS
public-keys-jwks-hint = Des clés publiques EC P-256 ou RSA, chacune avec un kid ; jamais une clé privée. Les clés enregistrées ici remplacent immédiatement les clés actuelles.
save-keys = Enregistrer les clés
change-address = Modifier l’adresse
fetch-from-address = Récupérer plutôt les clés à une adresse
jwks-uri-hint = Une adresse https où vous publiez vos clés publiques, par exemple https://www.northbank.example/.well-known/jwks.json (http uniquement sur 127.0.0.1 ou localhost, pour le développement).
use-address = Utiliser cette adresse
owners-change-keys = Les propriétaires de l’organisation modifient les clés.
no-secret-private-key-jwt = Ce client s’authentifie avec private_key_jwt : il a des clés, pas de secret.
no-keys-secret-client = Ce client s’authentifie avec un secret : renouvelez plutôt le secret ; les clés sont pour les clients private_key_jwt.
overlap-unknown-field = champ de formulaire inconnu { $field } : ce formulaire n’envoie que overlap_hours
overlap-twice = overlap_hours : envoyé deux fois ; envoyez-le une seule fois. Exemple : 24.
overlap-required = overlap_hours : obligatoire : le nombre d’heures pendant lesquelles le secret actuel continue de fonctionner, un nombre entier de 0 à { $max } ({ $days } jours). Exemple : 24.
overlap-invalid = overlap_hours : doit être le nombre d’heures pendant lesquelles le secret actuel continue de fonctionner, un nombre entier de 0 à { $max } ({ $days } jours). Exemple : 24.
overlap-too-long = overlap_hours : le secret précédent continue de fonctionner { $days } jours au plus ({ $max } heures), pas { $hours } heures. Exemple : 24.
overlap-first-secret = overlap_hours : doit valoir 0 pour le premier secret de ce client : le secret qu’il remplace n’a jamais été montré à personne, rien n’a donc besoin de continuer à fonctionner. Exemple : 0.
keys-unknown-field = champ de formulaire inconnu { $field } : ce formulaire envoie jwks ou jwks_uri
keys-twice = jwks, jwks_uri : envoyez l’un des deux, une seule fois : les clés publiques elles-mêmes, ou l’adresse où vous les publiez. Exemple : jwks_uri=https://www.northbank.example/.well-known/jwks.json
keys-required = jwks, jwks_uri : l’un des deux est obligatoire. Exemple : jwks_uri=https://www.northbank.example/.well-known/jwks.json

## Tester mon intégration : les requêtes échouées d’un client.

failures-intro = Chaque requête d’autorisation et de jeton de ce client qui a échoué ces dernières 24 heures, et chaque jeton de déconnexion par canal arrière que Civitas a renoncé à lui remettre, les plus récents d’abord, avec la règle enfreinte et comment la corriger. Essayez votre intégration, puis rechargez cette page : les échecs apparaissent en quelques secondes. Les textes sont ceux de Civitas : aucune donnée personnelle, aucun code, jeton ou secret n’est conservé.
run-test-sign-in = Lancer une connexion de test
failed-requests = Requêtes échouées
no-failed-requests = Aucune requête échouée ces dernières 24 heures.
failures-caption = Requêtes échouées des dernières 24 heures, les plus récentes d’abord ({ $keep } au plus)
col-time = Heure (UTC)
col-error-and-endpoint = Erreur et point de terminaison
col-rule = Règle
col-fix = Comment la corriger
cell-error = Erreur
error-at = sur
failures-limits = De nombreux échecs simultanés sont comptés mais pas tous listés : la liste de chaque client garde ses { $keep } plus récents, et chaque serveur en liste au plus { $per_minute } par minute.
usage-counts-every-one = les compte tous.

## La connexion de test.

test-sign-in = Connexion de test
test-sign-in-intro = Ceci exécute un véritable flux de code d’autorisation avec votre client bac à sable. Civitas envoie le code à votre propre URI de redirection, et vous l’échangez au point de terminaison de jeton comme le fera votre service.
test-sign-in-as-yourself = { "\u00A0" }: votre session Civitas est à votre propre nom, Civitas vous proposera donc plutôt les personnes de test. Choisissez-en une et acceptez le partage ; votre navigateur a alors une session Civitas au nom de cette personne de test (votre session du portail reste à votre propre nom).
nothing-stored = Rien n’est conservé : cette page détient la seule copie du
keep-page-open = . Gardez-la ouverte jusqu’à ce que vous ayez échangé le code ; la recharger crée une nouvelle requête.
step-start = 1. Lancer la connexion
start-test-sign-in = Lancer la connexion de test
step-callback = 2. Votre point de retour reçoit le code
callback-redirect = Civitas redirige vers
callback-with = avec :
callback-code =
    { $seconds ->
        [one] le code, valable une seule fois, dans un délai de { $seconds } seconde
       *[other] le code, valable une seule fois, dans un délai de { $seconds } secondes
    }
must-be = doit valoir
step-redeem = 3. Échanger le code
redeem-sign-assertion = { "\u00A0" }: signez une assertion client avec votre clé privée, un JWT avec :
assertion-exp-minutes-ahead = quelques minutes plus tard
redeem-put-assertion = Placez l’assertion dans
redeem-put-secret = Placez votre secret client dans
redeem-and-the-code = et le code dans
redeem-then-run = , puis exécutez :
answer-holds = La réponse contient un jeton d’identité avec :
amr-test-person = (une personne de test, connectée sans moyen d’authentification)
no-redirect-uri = Ce client n’a pas d’URI de redirection : ajoutez-en une dans ses paramètres d’abord.

## Intégration à copier-coller.

integrate = Intégrer { $name }
back-to-client = Retour au client
integration-intro = Civitas est un fournisseur OpenID Connect standard : toute bibliothèque certifiée fonctionne à partir de la seule URL de découverte. Le flux de code d’autorisation avec PKCE (S256) est le seul flux ; state et nonce sont vérifiés à chaque connexion.
sandbox-signs-in-test-persons = bac à sable : connecte uniquement des personnes de test
production-signs-in-real-persons = production : connecte uniquement des personnes réelles
snippets-sign-assertion = { "\u00A0" }: les extraits signent une assertion client avec la clé privée du fichier
snippets-key-registered = (PEM PKCS#8), dont la clé publique est enregistrée sur
snippets-assertion-holds = Chaque assertion contient :
assertion-aud = l’émetteur
assertion-exp-at-most = au plus 5 minutes plus tard
snippets-read-secret = Les extraits lisent le secret client dans la variable d’environnement
secret-shown-once = Civitas n’affiche un secret qu’une fois, à sa création ; un nouveau secret se crée sur
keep-secret-out-of-code = Gardez-le hors de votre code source.
code = Code
snippets-intro = Chaque extrait contient tout le flux, de la redirection vers Civitas jusqu’à un jeton d’identité validé, avec les valeurs de ce client.
snippets-run-test-person = Exécutez-en un, ouvrez l’adresse qu’il affiche, connectez-vous en tant que personne de test et collez l’adresse vers laquelle votre navigateur a été renvoyé (votre URI de redirection n’a pas encore besoin de répondre).
snippets-run = Exécutez-en un, ouvrez l’adresse qu’il affiche, connectez-vous et collez l’adresse vers laquelle votre navigateur a été renvoyé (votre URI de redirection n’a pas encore besoin de répondre).
snippets = Extraits de code
snippet-rust-intro = Un petit programme avec la crate openidconnect : il affiche l’adresse à ouvrir, lit l’adresse de retour et affiche les attributs validés. Placez chaque étape dans vos propres gestionnaires de requêtes.
snippet-node-intro = Le même flux avec openid-client, un module ES pour Node.js 20 ou plus récent.
snippet-python-intro = Le même flux avec le client requests d’Authlib ; le jeton d’identité est vérifié avec les clés publiées par Civitas (JWKS).
claims = Attributs
claims-intro = Ce que Civitas transmet, par portée, et d’où vient chaque valeur. Le citoyen voit chaque transmission au consentement et dans son historique.
claims-registry = Les données des personnes viennent du registre de la population (table
claims-registry-import = , importée avec
claims-civitas-adds = ) ; Civitas y ajoute ce qu’il sait de la connexion.
claims-userinfo = Les attributs des portées sont aussi disponibles sur
claims-by-name = Un attribut demandé par son nom dans le paramètre
claims-by-name-alone = est transmis seul, sans le reste de sa portée.
claims-caption = Tous les attributs que Civitas transmet
col-claim = Attribut
col-scope = Portée
col-source = Source
col-notes = Remarques
every-id-token = (chaque jeton d’identité)
registry = registre
id-token-also-carries = Chaque jeton d’identité porte aussi
and-your = et votre

## Utilisation : connexions et échecs par jour.

usage-intro = Les { $days } derniers jours, par jour UTC. Les connexions sont les jetons d’identité que Civitas a émis pour ce client (un rafraîchissement en émet un aussi) : { $sign_ins } au total. Les échecs sont ses requêtes d’autorisation et de jeton échouées : { $failures } au total ;
usage-intro-end = liste ceux des dernières 24 heures, avec comment les corriger.
the-figures = Les chiffres
figures-caption = Connexions et échecs par jour UTC, les plus récents d’abord
col-day = Jour (UTC)
col-sign-ins = Connexions
col-failures = Échecs
chart-sign-ins-title = Connexions par jour, { $days } derniers jours (UTC)
chart-failures-title = Échecs par jour, { $days } derniers jours (UTC)
sign-ins =
    { $n ->
        [one] { $n } connexion
       *[other] { $n } connexions
    }
failures =
    { $n ->
        [one] { $n } échec
       *[other] { $n } échecs
    }
chart-summary = { $total } du { $from } au { $to } ; le maximum, { $most }, le { $day }.
chart-no-sign-ins = Aucune connexion du { $from } au { $to }.
chart-no-failures = Aucun échec du { $from } au { $to }.
chart-bar = { $day }{ "\u00A0" }: { $count }
chart-day =
    { $day } { $month ->
        [1] janv.
        [2] févr.
        [3] mars
        [4] avr.
        [5] mai
        [6] juin
        [7] juil.
        [8] août
        [9] sept.
        [10] oct.
        [11] nov.
       *[12] déc.
    }
