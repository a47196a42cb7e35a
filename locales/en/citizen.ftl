### The citizen pages, e-mails and answers.

# The language's name in itself, for the language switch.
language-name = English
# ltr (left to right) or rtl (right to left): the direction pages take.
language-direction = ltr
# How numbers group their digits by three: , or . or { "\u202F" } (narrow space).
number-group-separator = ,

service-name = Civitas
skip-to-content = Skip to main content
tagline = Your national digital identity
home-title = Sign in to public and private services with one identity
home-intro = Civitas is the national digital identity. Government agencies, banks and other services let you sign in with it, and they only see the details you agree to share.
home-services = You sign in with a passkey: instead of a password, your phone or computer checks your fingerprint, face or PIN. You can see every service that received your details, and when.
home-help = If you cannot sign in, the helpdesk can help you.
language = Language
change-language = Change language
footer-note = Civitas writes down every time your details are shared, and you can see the list in your account.
error-bad-request = This request cannot be handled
error-forbidden = Not allowed
error-forbidden-detail = You are not allowed to see this page.
error-sandbox = This service is a test version
error-sandbox-detail = It is the sandbox of a service still being built, and signs in only test persons, never real ones. Nothing was shared with it.
error-production = This service does not accept test persons
error-production-detail = You are signed in as a test person, and this service signs in only real persons. Nothing was shared with it.
error-cross-site = The form was sent from another website, so it was not accepted. Go back to the Civitas page and try again.
error-not-found = Page not found
error-not-found-detail = If you typed the web address, check it is correct.
error-too-many = Too many attempts
# $minutes: how long to wait, from `minutes` ("1 minute").
error-too-many-detail = For your security, please wait { $minutes } and try again.
error-unavailable = Sorry, the service is unavailable
error-unavailable-detail = Please try again in a few minutes. Nothing you entered was lost.
error-internal = Sorry, something went wrong
error-internal-detail = Please try again. If it keeps happening, contact the helpdesk.
back-home = Go to the Civitas home page
bad-language = That language is not available.
logout-confirm-title = Sign out of Civitas?
logout-confirm-text = A service asked Civitas to sign you out. You will need to sign in again to use any service with Civitas.
logout-button = Sign out
logout-done-title = You have signed out
logout-done-text = You are no longer signed in to Civitas on this device.
needs-javascript = Passkeys need JavaScript, which is turned off in this browser. Turn it on, or sign in with a code by e-mail.
signin-title = Sign in
signin-passkey-heading = With a passkey
signin-passkey-text = A passkey lets you sign in without a password. It is kept on your phone, computer or security key, which asks for your fingerprint, face or PIN.
signin-passkey-button = Sign in with a passkey
signin-first-time = First time here?
signin-activate-link = Activate your digital identity with the code from your letter
activate-title = Activate your digital identity
activate-intro = You need your national ID number and the activation code from the letter we sent you, or from the helpdesk.
activate-national-id = National ID number
activate-national-id-hint = 10 characters, for example 123456789X
activate-code = Activation code
activate-code-hint = 16 letters and numbers, for example 7KQ2-M9XD-4TZB-H3WF
activate-button = Continue
activate-failed = The national ID number and activation code do not match, or the code has expired. Check them and try again.
passkey-create-title = Create your passkey
passkey-create-text = A passkey lets you sign in with your fingerprint, face or device PIN instead of a password. It stays on your device.
passkey-create-button = Create a passkey
consent-title = Share your details?
consent-asks = asks to see these details from the population registry.
consent-purpose = Why it asks
consent-this-time = For this sign-in, the service says:
signin-for = You are signing in to
consent-data = What it will see
consent-remember = Remember my decision for this service for 12 months
consent-allow = Allow
consent-deny = Do not share
consent-history = In your account you can see each time your details were shared, and stop sharing at any time.
claim-name = Your name
claim-birthdate = Your date of birth
claim-gender = Your gender
claim-email = Your e-mail address
claim-phone = Your mobile phone number
claim-address = Your home address
claim-national-id = Your national ID number
claim-other = Other details
signin-code-heading = With a code by e-mail
signin-code-link = Get a one-time code by e-mail (some services need a passkey)
otp-title = Sign in with a code by e-mail
otp-intro = We send a code to the e-mail address the population registry holds for you.
# The one-time code form sent with the national ID field empty.
otp-national-id-missing = Enter your national ID, then ask for the code.
otp-send = Send me a code
otp-unavailable = Codes by e-mail are not available at the moment. Sign in with a passkey, or contact the helpdesk.
otp-verify-title = Enter your code
otp-verify-intro = If your national ID number has an activated identity with an e-mail address, we have sent you an 8-digit code. It works once, for 10 minutes.
otp-code = Code
otp-verify-button = Sign in
otp-resend = Send a new code
otp-wrong = That code is not right. Check it and try again.
otp-expired = That code can no longer be used. Ask for a new one.
otp-mail-subject = Your Civitas sign-in code
signin-recover-link = Lost all your passkeys? Use a recovery code
signin-autofill-label = Your passkey
account-title = Your account
account-services = Services that can see your details
account-security = Security
account-details = Your details in the population registry
account-no-services = No service can see your details.
account-sees = It can see:
account-since = Since
account-withdraw = Stop sharing
account-passkeys = Your passkeys
account-synced = synced between your devices
account-added = added
account-last-used = last used
account-new-recovery-codes = Make new recovery codes
account-sessions = Where you are signed in
# Ends every session of the citizen, this one included.
account-sign-out-everywhere = Sign out everywhere
account-signed-in-at = Signed in at
account-this-device = this device
account-sign-out = Sign out
account-history = Security history
account-details-correction = These details come from the population registry. To correct them, contact the registry office; Civitas shows the corrected details after the next import.
account-releases = When your details were shared
account-releases-intro = Every time a service received your details: when, which service, which details (what they are, not what they say), and how. Each entry has a receipt that shows it was not changed.
account-when = When
account-service = Service
account-what = Details
account-how = How
account-receipt = Receipt
account-new-name = Name
account-rename = Rename
account-remove = Remove
account-confirm-last = Yes, remove my last passkey
account-add-passkey = Add a passkey
account-not-me = This wasn't me
account-not-me-lock = Also lock my identity now (the helpdesk unlocks it after checking with me)
account-locked-title = Your identity is locked
account-locked-text = Nobody can sign in with it now, and you are signed out everywhere. The helpdesk will check with you what happened and unlock it.
passkey-high-text = Some services need extra safety: a security key approved by the government, which never leaves the device.
passkey-high-button = Use a certified security key instead
signin-autofill-hint = Select this field: your browser offers the passkeys it has for Civitas.
recovery-title = Recovery codes
recovery-offer = If you lose every device with your passkey, a recovery code lets you create a new one. Print the codes and keep them somewhere safe. Each works once.
recovery-create = Make my recovery codes
recovery-skip = Not now, continue
recovery-shown-once = Print or write down these codes now: they are shown only once. Any codes you had before no longer work.
recovery-done = I have kept them, continue
recover-title = Use a recovery code
recover-intro = Enter your national ID number and one of your recovery codes. You will then create a new passkey.
recover-code = Recovery code
recover-failed = The national ID number and recovery code do not match, or the code was already used.
account-filter-label = Show what was shared with
account-all-services = All services
account-filter-button = Show
account-older = Older entries
account-newest = Back to the newest
account-download = Download this history:
account-no-releases = No service has received your details yet.
receipt-title = Receipt for sharing your details
receipt-intro = Civitas writes down every time your details are shared. Each entry is linked to the one before it, and Civitas signs them all. Keep this receipt: if anyone changed or deleted the entry, it would no longer match.
receipt-number = Entry number
receipt-hash = Fingerprint of this entry
receipt-prev = Fingerprint of the entry before
receipt-checkpoint = Signed by Civitas
receipt-pending = Civitas has not signed this entry yet. It does so within minutes: come back later to see it.
receipt-root = Fingerprint of all entries
receipt-signature = Signature of Civitas (experts can check it with the keys Civitas publishes)
receipt-back = Back to your account
consent-optional = Optional: untick to keep this from the service
consent-share = Share
consent-logo = Logo of
# Heading of the notice when a service asks to keep getting details while the person is away.
consent-offline-title = While you are away
# After the service's name: what keeping access while the person is away means.
consent-offline = can keep getting these details while you are not using it, until you stop sharing in your account.
# $code: the code.
otp-mail-body =
    Your Civitas sign-in code is { $code }.

    It works once, for 10 minutes. If you did not ask for it, ignore this message and tell the helpdesk.
sign-out = Sign out
signed-out-shared-device = If you are using a shared or public computer, close all browser windows too.
signin-again = Sign in again
# $n: a number of minutes, singular and plural.
minutes =
    { $n ->
        [one] { $n } minute
       *[other] { $n } minutes
    }
# $minutes: how long to wait, from `minutes`; for scripts (JSON errors).
too-many-try-again = Too many attempts. Try again in { $minutes }.
# $n: how many chains a signed checkpoint covers, singular and plural.
receipt-chains =
    { $n ->
        [one] with { $n } list of entries
       *[other] with { $n } lists of entries
    }
developer-heading = For the service’s developers
developer-intro = If you tell the service about this problem, give them these details. They contain nothing about you.
developer-error-code = Error code
developer-request-id = Request reference
# The sandbox's wrong-environment page: the way on for its developer.
wrong-environment-developer = If you are its developer, you can go on as a test person: choose one below. In this browser, your own sign-in is then replaced by the test person’s.
# The production client's wrong-environment page: above its sign-out button.
wrong-environment-then = Sign out here, then go back to the service and sign in as yourself.
# The test-person chooser (sign-in page, and the wrong-environment page of a sandbox).
test-persons-heading = Test persons (this service is a sandbox)
test-persons-intro = Test persons are made up: no real person is behind them, and only sandbox services can sign them in. Use one to try the service.
test-persons-label = Test person
test-persons-hint = This browser is then signed in as the test person, in place of whoever is signed in now.
test-persons-button = Continue as a test person
test-persons-none = There are no test persons here yet. The operator of this Civitas can import some into the registry.
test-persons-other-methods = Test persons who have their own passkey or e-mail address can also sign in below.
# Refusals of the test-person chooser.
test-persons-no-request = This sign-in request has expired, was already used, or was started in another browser. Go back to the service and start again.
test-persons-not-sandbox = Test persons can sign in only to sandbox services, and this service is not one. Sign in as yourself.
test-persons-unknown = That is not one of the test persons. Go back and choose one from the list.
# The header's link to `/help`, on every page.
get-help = Get help
# Error pages: the reference to give the helpdesk.
reference-heading = Need help?
reference-give = If you call the helpdesk, give them this reference:
reference-nothing-personal = It lets them see what went wrong. It says nothing about you.
reference-contact = How to reach the helpdesk
# The help page.
help-title = Get help
help-intro = The Civitas helpdesk helps you set up your digital identity, sign in, and get back in if you lost your phone or security key.
help-contact-heading = Contact the helpdesk
help-phone = Phone
help-hours = Opening hours
help-email = E-mail
help-visit = In person
# When no contact option is configured.
help-no-contacts = Ask at your town hall or at any public service desk. They can put you in touch with the Civitas helpdesk.
help-ready-heading = What to have ready
help-ready-reference = If a page showed an error, the reference it gave you (for example 3F2A-91BC). With it, the helpdesk can see what went wrong.
help-ready-identity = Your identity card or passport, if you need help with your account. The helpdesk checks who you are before it changes anything.
help-ready-device = If you can, the phone or computer you use to sign in.
help-never-ask = The helpdesk will never ask you for a code we sent you or for your recovery codes. Do not give them to anyone.
# The passkey pages: what is happening, and what to do when it fails (read by screen readers).
passkey-working = Your device is asking you to confirm it is you, with your fingerprint, face or PIN. Follow what it shows.
passkey-done = Done. Taking you on.
passkey-cancelled = The passkey was not used: you stopped it, or the time ran out. Press the button to try again.
passkey-unsupported = This browser cannot use passkeys. Sign in with a code by e-mail, use another browser, or get help.
passkey-failed = That did not work. Try again.
passkey-trouble-heading = If it does not work
passkey-trouble = Check that your phone or computer is unlocked and try again. You can also sign in with a code by e-mail, or ask the helpdesk.
# The warning shown two minutes before the session ends for lack of activity.
session-warning-title = You will be signed out soon
session-warning-text = For your safety, you will be signed out in 2 minutes if you do nothing.
session-extend = Stay signed in
session-extended = You are still signed in.
session-ended = You have been signed out because you did nothing for a while. Sign in again to go on.
# Dates and times on the pages. $day, $year: numbers; $month: the month's name from date-month.
date-long = { $day } { $month } { $year }
date-time = { $date }, { $time }
date-month =
    { $month ->
        [1] January
        [2] February
        [3] March
        [4] April
        [5] May
        [6] June
        [7] July
        [8] August
        [9] September
        [10] October
        [11] November
       *[12] December
    }
# The page that carries a sign-in's answer back to the service (shown only without JavaScript).
form-post-title = Returning to the service
form-post-text = You are being returned to the service.
form-post-continue = Continue
# The demo outbox: what demo mode would have sent by e-mail.
outbox-title = Demo outbox
outbox-intro = Demo mode sends no e-mail. Messages Civitas would have sent appear here, newest first.
outbox-to = To:
outbox-empty = No messages yet.
# The formats the history can be downloaded in.
account-download-json = JSON
account-download-csv = CSV
# How a service received details, in the history: when the person signed in, or later when the service asked again.
release-how-sign-in = When you signed in
release-how-later = When the service asked again
# The security history on the account page (and in the helpdesk console's record of the citizen): one line per event, in the reader's language. These have no full stop, like the older lines stored in English.
event-activated = Your digital identity was activated with a passkey
event-activation-code-issued = An activation code was made for you
event-activation-failed = A wrong activation code was entered
event-activation-refused-locked = Activation was refused because your identity is locked
event-consent-withdrawn = You stopped sharing your details with a service
event-locked-after-failures = Signing in was locked after too many wrong tries
event-locked-by-you = You locked your identity
event-otp-failed = A wrong one-time code was entered
event-otp-sent = A one-time sign-in code was sent by e-mail
event-passkey-added = A passkey was added
event-passkey-removed = A passkey was removed
event-reactivation-started = An activation code was used to add a passkey
event-recovery-code-used = A recovery code was used to add a passkey
event-recovery-codes-created = New recovery codes were made
event-reported-not-me = You said that something in your account was not you
# $entry: the number of the line the citizen reported (letters, digits and dashes).
event-reported-entry = You said that line { $entry } was not you
event-session-ended = A device was signed out from your account page
event-signed-in-passkey = Signed in with a passkey
event-signed-in-code = Signed in with a one-time code
event-signed-in-test-person = Signed in as a test person for a sandbox service
# $n: how many places were signed out (a number).
event-signed-out-everywhere =
    { $n ->
        [one] Signed out everywhere ({ $n } device)
       *[other] Signed out everywhere ({ $n } devices)
    }
event-signin-failed = A sign-in with a passkey did not work
event-signin-refused-locked = Signing in was refused because your account is locked
# What the helpdesk did on the citizen's account. $why: why it did it (one of the event-why-* texts); $agent: the helpdesk agent's made-up name, never their real one.
event-staff-open-record = The helpdesk looked at your account { $why } (helpdesk agent { $agent })
# $why: one of the event-why-* texts; $agent: the helpdesk agent's made-up name.
event-staff-unlock = The helpdesk unlocked your account { $why } (helpdesk agent { $agent })
# $why: one of the event-why-* texts; $agent: the helpdesk agent's made-up name.
event-staff-lock = The helpdesk locked your account and signed you out everywhere { $why } (helpdesk agent { $agent })
# $why: one of the event-why-* texts; $agent: the helpdesk agent's made-up name.
event-staff-end-sessions = The helpdesk signed you out everywhere { $why } (helpdesk agent { $agent })
# $why: one of the event-why-* texts; $agent: the helpdesk agent's made-up name.
event-staff-reactivation-code = The helpdesk issued a re-activation code for you { $why } (helpdesk agent { $agent })
# $why: one of the event-why-* texts; $agent: the helpdesk agent's made-up name.
event-staff-revoke-passkey = The helpdesk revoked one of your passkeys { $why } (helpdesk agent { $agent })
# $why: one of the event-why-* texts; $agent: the helpdesk agent's made-up name.
event-staff-withdraw-consent = The helpdesk withdrew your consent for a service { $why } (helpdesk agent { $agent })
# $why: one of the event-why-* texts; $agent: the helpdesk agent's made-up name.
event-staff-request-reactivate = The helpdesk asked a supervisor to approve a re-activation code for you { $why } (helpdesk agent { $agent })
# $why: one of the event-why-* texts; $agent: the helpdesk agent's made-up name.
event-staff-request-lift-fraud-lock = The helpdesk asked a supervisor to approve unlocking your account { $why } (helpdesk agent { $agent })
# $why: one of the event-why-* texts; $agent: the helpdesk agent's made-up name.
event-staff-request-other = The helpdesk asked a supervisor to approve an action on your account { $why } (helpdesk agent { $agent })
# A supervisor's decision on a helpdesk request. $why: one of the event-why-* texts (the request's reason); $agent: the supervisor's made-up name.
event-staff-approved = A supervisor approved the helpdesk's request { $why } (helpdesk agent { $agent })
# $why: one of the event-why-* texts (the request's reason); $agent: the supervisor's made-up name.
event-staff-rejected = A supervisor turned down the helpdesk's request { $why } (helpdesk agent { $agent })
# Why the helpdesk acted, put into the event-staff-* texts as $why.
event-why-call = at your request by phone
event-why-visit = at your request at a service desk
event-why-letter = in answer to your letter
event-why-fraud = because of suspected fraud
event-why-other = for another reason
