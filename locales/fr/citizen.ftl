language-name = Français
language-direction = ltr
number-group-separator = { "\u202F" }

service-name = Civitas
skip-to-content = Aller au contenu principal
tagline = Votre identité numérique nationale
home-title = Une seule identité pour les services publics et privés
home-intro = Civitas est l’identité numérique nationale. Les administrations, les banques et d’autres services vous permettent de vous connecter avec elle, et ne voient que les informations que vous acceptez de partager.
home-services = Vous vous connectez avec une clé d’accès : au lieu d’un mot de passe, votre téléphone ou votre ordinateur vérifie votre empreinte, votre visage ou votre code PIN. Vous pouvez voir chaque service qui a reçu vos informations, et quand.
home-help = Si vous ne pouvez pas vous connecter, l’assistance peut vous aider.
language = Langue
change-language = Changer de langue
footer-note = Civitas note chaque partage de vos informations, et vous pouvez en voir la liste dans votre compte.
error-bad-request = Cette demande ne peut pas être traitée
error-forbidden = Accès refusé
error-forbidden-detail = Vous n’avez pas le droit de voir cette page.
error-sandbox = Ce service est une version de test
error-sandbox-detail = C’est le bac à sable d’un service en cours de construction : il ne connecte que des personnes de test, jamais de vraies personnes. Rien ne lui a été transmis.
error-production = Ce service n’accepte pas les personnes de test
error-production-detail = Vous êtes connecté comme personne de test, et ce service ne connecte que de vraies personnes. Rien ne lui a été transmis.
error-cross-site = Le formulaire a été envoyé depuis un autre site et n’a donc pas été accepté. Revenez à la page de Civitas et réessayez.
error-not-found = Page introuvable
error-not-found-detail = Si vous avez saisi l’adresse, vérifiez qu’elle est correcte.
error-too-many = Trop de tentatives
error-too-many-detail = Pour votre sécurité, attendez { $minutes } puis réessayez.
error-unavailable = Désolé, le service est indisponible
error-unavailable-detail = Réessayez dans quelques minutes. Rien de ce que vous avez saisi n’a été perdu.
error-internal = Désolé, une erreur s’est produite
error-internal-detail = Réessayez. Si cela se reproduit, contactez l’assistance.
back-home = Aller à l’accueil de Civitas
bad-language = Cette langue n’est pas disponible.
logout-confirm-title = Se déconnecter de Civitas ?
logout-confirm-text = Un service a demandé à Civitas de vous déconnecter. Vous devrez vous reconnecter pour utiliser un service avec Civitas.
logout-button = Se déconnecter
logout-done-title = Vous êtes déconnecté
logout-done-text = Vous n’êtes plus connecté à Civitas sur cet appareil.
needs-javascript = Les clés d’accès ont besoin de JavaScript, qui est désactivé dans ce navigateur. Activez-le, ou connectez-vous avec un code par e-mail.
signin-title = Se connecter
signin-passkey-heading = Avec une clé d’accès
signin-passkey-text = Une clé d’accès vous permet de vous connecter sans mot de passe. Elle est gardée sur votre téléphone, votre ordinateur ou votre clé de sécurité, qui vous demande votre empreinte, votre visage ou votre code PIN.
signin-passkey-button = Se connecter avec une clé d’accès
signin-first-time = Première visite ?
signin-activate-link = Activer votre identité numérique avec le code de votre courrier
activate-title = Activer votre identité numérique
activate-intro = Il vous faut votre numéro d’identification national et le code d’activation reçu par courrier ou de l’assistance.
activate-national-id = Numéro d’identification national
activate-national-id-hint = 10 caractères, par exemple 123456789X
activate-code = Code d’activation
activate-code-hint = 16 lettres et chiffres, par exemple 7KQ2-M9XD-4TZB-H3WF
activate-button = Continuer
activate-failed = Le numéro d’identification et le code d’activation ne correspondent pas, ou le code a expiré. Vérifiez-les et réessayez.
passkey-create-title = Créer votre clé d’accès
passkey-create-text = Une clé d’accès vous permet de vous connecter avec votre empreinte, votre visage ou le code de votre appareil au lieu d’un mot de passe. Elle reste sur votre appareil.
passkey-create-button = Créer une clé d’accès
consent-title = Partager vos informations ?
consent-asks = demande à voir ces informations du registre de la population.
consent-purpose = Pourquoi
consent-this-time = Pour cette connexion, le service indique :
signin-for = Vous vous connectez à
consent-data = Ce qui sera transmis
consent-remember = Se souvenir de mon choix pour ce service pendant 12 mois
consent-allow = Autoriser
consent-deny = Ne pas partager
consent-history = Dans votre compte, vous pouvez voir chaque partage de vos informations, et arrêter de partager à tout moment.
claim-name = Votre nom
claim-birthdate = Votre date de naissance
claim-gender = Votre genre
claim-email = Votre adresse e-mail
claim-phone = Votre numéro de téléphone mobile
claim-address = Votre adresse postale
claim-national-id = Votre numéro d’identification national
claim-other = Autres informations
signin-code-heading = Avec un code par e-mail
signin-code-link = Recevoir un code à usage unique par e-mail (certains services exigent une clé d’accès)
otp-title = Se connecter avec un code par e-mail
otp-intro = Nous envoyons un code à l’adresse e-mail que le registre de la population connaît pour vous.
otp-national-id-missing = Saisissez votre numéro d’identité nationale, puis demandez le code.
otp-send = M’envoyer un code
otp-unavailable = Les codes par e-mail ne sont pas disponibles pour le moment. Connectez-vous avec une clé d’accès ou contactez l’assistance.
otp-verify-title = Saisissez votre code
otp-verify-intro = Si votre numéro d’identification a une identité activée avec une adresse e-mail, nous vous avons envoyé un code à 8 chiffres. Il fonctionne une fois, pendant 10 minutes.
otp-code = Code
otp-verify-button = Se connecter
otp-resend = Envoyer un nouveau code
otp-wrong = Ce code n’est pas le bon. Vérifiez-le et réessayez.
otp-expired = Ce code ne peut plus être utilisé. Demandez-en un nouveau.
otp-mail-subject = Votre code de connexion Civitas
signin-recover-link = Vous avez perdu toutes vos clés d’accès ? Utilisez un code de secours
signin-autofill-label = Votre clé d’accès
account-title = Votre compte
account-services = Services qui voient vos informations
account-security = Sécurité
account-details = Vos informations au registre de la population
account-no-services = Aucun service ne voit vos informations.
account-sees = Il voit :
account-since = Depuis le
account-withdraw = Arrêter le partage
account-passkeys = Vos clés d’accès
account-synced = synchronisée entre vos appareils
account-added = ajoutée le
account-last-used = dernière utilisation
account-new-recovery-codes = Créer de nouveaux codes de secours
account-sessions = Où vous êtes connecté
account-sign-out-everywhere = Se déconnecter partout
account-signed-in-at = Connecté le
account-this-device = cet appareil
account-sign-out = Se déconnecter
account-history = Historique de sécurité
account-details-correction = Ces informations viennent du registre de la population. Pour les corriger, contactez le bureau du registre ; Civitas affiche les informations corrigées après le prochain import.
account-releases = Quand vos informations ont été partagées
account-releases-intro = Chaque fois qu’un service a reçu vos informations : quand, quel service, quelles informations (leur nature, pas leur contenu), et comment. Chaque ligne a un reçu qui montre qu’elle n’a pas été modifiée.
account-when = Quand
account-service = Service
account-what = Informations
account-how = Comment
account-receipt = Reçu
account-new-name = Nom
account-rename = Renommer
account-remove = Supprimer
account-confirm-last = Oui, supprimer ma dernière clé d’accès
account-add-passkey = Ajouter une clé d’accès
account-not-me = Ce n’était pas moi
account-not-me-lock = Verrouiller aussi mon identité maintenant (l’assistance la déverrouille après vérification avec moi)
account-locked-title = Votre identité est verrouillée
account-locked-text = Personne ne peut plus s’en servir pour se connecter, et vous êtes déconnecté partout. L’assistance vérifiera avec vous ce qui s’est passé et la déverrouillera.
passkey-high-text = Certains services demandent une sécurité renforcée : une clé de sécurité agréée par l’État, qui ne quitte jamais l’appareil.
passkey-high-button = Utiliser plutôt une clé de sécurité certifiée
signin-autofill-hint = Sélectionnez ce champ : votre navigateur propose les clés d’accès qu’il a pour Civitas.
recovery-title = Codes de secours
recovery-offer = Si vous perdez tous les appareils avec votre clé d’accès, un code de secours vous permet d’en créer une nouvelle. Imprimez les codes et gardez-les en lieu sûr. Chacun fonctionne une fois.
recovery-create = Créer mes codes de secours
recovery-skip = Pas maintenant, continuer
recovery-shown-once = Imprimez ou notez ces codes maintenant : ils ne sont affichés qu’une fois. Vos anciens codes ne fonctionnent plus.
recovery-done = Je les ai conservés, continuer
recover-title = Utiliser un code de secours
recover-intro = Saisissez votre numéro d’identification national et l’un de vos codes de secours. Vous créerez ensuite une nouvelle clé d’accès.
recover-code = Code de secours
recover-failed = Le numéro d’identification et le code de secours ne correspondent pas, ou le code a déjà été utilisé.
account-filter-label = Afficher ce qui a été partagé avec
account-all-services = Tous les services
account-filter-button = Afficher
account-older = Lignes plus anciennes
account-newest = Revenir aux plus récentes
account-download = Télécharger cet historique :
account-no-releases = Aucun service n’a encore reçu vos données.
receipt-title = Reçu d’un partage de vos informations
receipt-intro = Civitas note chaque partage de vos informations. Chaque ligne est liée à la précédente, et Civitas les signe toutes. Gardez ce reçu : si quelqu’un modifiait ou supprimait la ligne, elle ne correspondrait plus.
receipt-number = Numéro de la ligne
receipt-hash = Empreinte de cette ligne
receipt-prev = Empreinte de la ligne précédente
receipt-checkpoint = Signé par Civitas
receipt-pending = Civitas n’a pas encore signé cette ligne. Il le fait en quelques minutes : revenez plus tard pour le voir.
receipt-root = Empreinte de toutes les lignes
receipt-signature = Signature de Civitas (les experts peuvent la vérifier avec les clés que Civitas publie)
receipt-back = Retour à votre compte
consent-optional = Facultatif : décochez pour ne pas le transmettre
consent-share = Transmettre
consent-logo = Logo de
consent-offline-title = Pendant votre absence
consent-offline = peut continuer à recevoir ces informations quand vous ne l’utilisez pas, jusqu’à ce que vous arrêtiez le partage dans votre compte.
otp-mail-body =
    Votre code de connexion Civitas est { $code }.

    Il fonctionne une fois, pendant 10 minutes. Si vous ne l’avez pas demandé, ignorez ce message et prévenez l’assistance.
sign-out = Se déconnecter
signed-out-shared-device = Si vous utilisez un ordinateur partagé ou public, fermez aussi toutes les fenêtres du navigateur.
signin-again = Se reconnecter
minutes =
    { $n ->
        [one] { $n } minute
       *[other] { $n } minutes
    }
too-many-try-again = Trop de tentatives. Réessayez dans { $minutes }.
receipt-chains =
    { $n ->
        [one] avec { $n } liste de lignes
       *[other] avec { $n } listes de lignes
    }
developer-heading = Pour les développeurs du service
developer-intro = Si vous signalez ce problème au service, donnez-lui ces informations. Elles ne contiennent rien sur vous.
developer-error-code = Code d’erreur
developer-request-id = Référence de la demande
wrong-environment-developer = Si vous en êtes le développeur, vous pouvez continuer comme personne de test : choisissez-en une ci-dessous. Dans ce navigateur, votre propre connexion est alors remplacée par celle de la personne de test.
wrong-environment-then = Déconnectez-vous ici, puis revenez au service et connectez-vous en votre nom.
test-persons-heading = Personnes de test (ce service est un bac à sable)
test-persons-intro = Les personnes de test sont fictives : aucune vraie personne ne se trouve derrière, et seuls les services bac à sable peuvent les connecter. Utilisez-en une pour essayer le service.
test-persons-label = Personne de test
test-persons-hint = Ce navigateur est alors connecté comme cette personne de test, à la place de la personne connectée maintenant.
test-persons-button = Continuer comme personne de test
test-persons-none = Il n’y a pas encore de personnes de test ici. L’exploitant de ce Civitas peut en importer dans le registre.
test-persons-other-methods = Les personnes de test qui ont leur propre clé d’accès ou adresse e-mail peuvent aussi se connecter ci-dessous.
test-persons-no-request = Cette demande de connexion a expiré, a déjà été utilisée ou a été commencée dans un autre navigateur. Revenez au service et recommencez.
test-persons-not-sandbox = Les personnes de test ne peuvent se connecter qu’aux services bac à sable, et ce service n’en est pas un. Connectez-vous en votre nom.
test-persons-unknown = Ce n’est pas l’une des personnes de test. Revenez en arrière et choisissez-en une dans la liste.
get-help = Obtenir de l’aide
reference-heading = Besoin d’aide ?
reference-give = Si vous appelez l’assistance, donnez-lui cette référence :
reference-nothing-personal = Elle lui permet de voir ce qui s’est passé. Elle ne dit rien sur vous.
reference-contact = Comment joindre l’assistance
help-title = Obtenir de l’aide
help-intro = L’assistance de Civitas vous aide à activer votre identité numérique, à vous connecter, et à retrouver l’accès si vous avez perdu votre téléphone ou votre clé de sécurité.
help-contact-heading = Contacter l’assistance
help-phone = Téléphone
help-hours = Horaires
help-email = Courriel
help-visit = Sur place
help-no-contacts = Renseignez-vous à votre mairie ou à un guichet de service public. Ils peuvent vous mettre en relation avec l’assistance de Civitas.
help-ready-heading = Ce qu’il faut préparer
help-ready-reference = Si une page a affiché une erreur, la référence qu’elle vous a donnée (par exemple 3F2A-91BC). Avec elle, l’assistance peut voir ce qui s’est passé.
help-ready-identity = Votre carte d’identité ou votre passeport, si vous avez besoin d’aide pour votre compte. L’assistance vérifie qui vous êtes avant de changer quoi que ce soit.
help-ready-device = Si possible, le téléphone ou l’ordinateur avec lequel vous vous connectez.
help-never-ask = L’assistance ne vous demandera jamais un code que nous vous avons envoyé, ni vos codes de secours. Ne les donnez à personne.
passkey-working = Votre appareil vous demande de confirmer que c’est bien vous, avec votre empreinte, votre visage ou votre code PIN. Suivez ce qu’il affiche.
passkey-done = C’est fait. Vous allez être redirigé.
passkey-cancelled = La clé d’accès n’a pas été utilisée : vous avez arrêté, ou le temps est écoulé. Appuyez sur le bouton pour réessayer.
passkey-unsupported = Ce navigateur ne peut pas utiliser de clé d’accès. Connectez-vous avec un code par e-mail, utilisez un autre navigateur, ou demandez de l’aide.
passkey-failed = Cela n’a pas fonctionné. Réessayez.
passkey-trouble-heading = Si cela ne fonctionne pas
passkey-trouble = Vérifiez que votre téléphone ou votre ordinateur est déverrouillé et réessayez. Vous pouvez aussi vous connecter avec un code par e-mail, ou contacter l’assistance.
session-warning-title = Vous allez bientôt être déconnecté
session-warning-text = Pour votre sécurité, vous serez déconnecté dans 2 minutes si vous ne faites rien.
session-extend = Rester connecté
session-extended = Vous êtes toujours connecté.
session-ended = Vous avez été déconnecté car vous n’avez rien fait pendant un moment. Reconnectez-vous pour continuer.
date-long = { $day } { $month } { $year }
date-time = { $date } à { $time }
date-month =
    { $month ->
        [1] janvier
        [2] février
        [3] mars
        [4] avril
        [5] mai
        [6] juin
        [7] juillet
        [8] août
        [9] septembre
        [10] octobre
        [11] novembre
       *[12] décembre
    }
form-post-title = Retour vers le service
form-post-text = Vous êtes redirigé vers le service.
form-post-continue = Continuer
outbox-title = Boîte d’envoi de démonstration
outbox-intro = Le mode démonstration n’envoie aucun e-mail. Les messages que Civitas aurait envoyés apparaissent ici, du plus récent au plus ancien.
outbox-to = À :
outbox-empty = Aucun message pour l’instant.
account-download-json = JSON
account-download-csv = CSV
release-how-sign-in = Lors de votre connexion
release-how-later = Quand le service les a redemandées
event-activated = Votre identité numérique a été activée avec une clé d’accès
event-activation-code-issued = Un code d’activation a été créé pour vous
event-activation-failed = Un code d’activation erroné a été saisi
event-activation-refused-locked = L’activation a été refusée, car votre identité est verrouillée
event-consent-withdrawn = Vous avez arrêté de partager vos informations avec un service
event-locked-after-failures = La connexion a été verrouillée après trop d’essais erronés
event-locked-by-you = Vous avez verrouillé votre identité
event-otp-failed = Un code à usage unique erroné a été saisi
event-otp-sent = Un code de connexion à usage unique a été envoyé par e-mail
event-passkey-added = Une clé d’accès a été ajoutée
event-passkey-removed = Une clé d’accès a été supprimée
event-reactivation-started = Un code d’activation a été utilisé pour ajouter une clé d’accès
event-recovery-code-used = Un code de secours a été utilisé pour ajouter une clé d’accès
event-recovery-codes-created = De nouveaux codes de secours ont été créés
event-reported-not-me = Vous avez signalé une activité de votre compte qui ne venait pas de vous
event-reported-entry = Vous avez signalé que la ligne { $entry } ne venait pas de vous
event-session-ended = Un appareil a été déconnecté depuis la page de votre compte
event-signed-in-passkey = Connexion avec une clé d’accès
event-signed-in-code = Connexion avec un code à usage unique
event-signed-in-test-person = Connexion comme personne de test à un service bac à sable
event-signed-out-everywhere =
    { $n ->
        [one] Déconnexion partout ({ $n } appareil)
       *[other] Déconnexion partout ({ $n } appareils)
    }
event-signin-failed = Une connexion avec une clé d’accès n’a pas fonctionné
event-signin-refused-locked = La connexion a été refusée, car votre compte est verrouillé
event-staff-open-record = L’assistance a consulté votre compte { $why } (agent de l’assistance { $agent })
event-staff-unlock = L’assistance a déverrouillé votre compte { $why } (agent de l’assistance { $agent })
event-staff-lock = L’assistance a verrouillé votre compte et vous a déconnecté partout { $why } (agent de l’assistance { $agent })
event-staff-end-sessions = L’assistance vous a déconnecté partout { $why } (agent de l’assistance { $agent })
event-staff-reactivation-code = L’assistance a créé un nouveau code d’activation pour vous { $why } (agent de l’assistance { $agent })
event-staff-revoke-passkey = L’assistance a désactivé l’une de vos clés d’accès { $why } (agent de l’assistance { $agent })
event-staff-withdraw-consent = L’assistance a arrêté le partage de vos informations avec un service { $why } (agent de l’assistance { $agent })
event-staff-request-reactivate = L’assistance a demandé à un superviseur d’approuver un nouveau code d’activation pour vous { $why } (agent de l’assistance { $agent })
event-staff-request-lift-fraud-lock = L’assistance a demandé à un superviseur d’approuver le déverrouillage de votre compte { $why } (agent de l’assistance { $agent })
event-staff-request-other = L’assistance a demandé à un superviseur d’approuver une action sur votre compte { $why } (agent de l’assistance { $agent })
event-staff-approved = Un superviseur a approuvé la demande de l’assistance { $why } (agent de l’assistance { $agent })
event-staff-rejected = Un superviseur a refusé la demande de l’assistance { $why } (agent de l’assistance { $agent })
event-why-call = à votre demande, par téléphone
event-why-visit = à votre demande, à un guichet
event-why-letter = en réponse à votre courrier
event-why-fraud = en raison d’une suspicion de fraude
event-why-other = pour une autre raison
