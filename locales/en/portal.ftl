### The relying-party portal.

## Every portal page: the title, the navigation, shared words and labels.

portal-title = Developer portal
nav-organisations = Your organisations
nav-sign-out = Sign out of the portal
# Between a label and its value: ": " in English, " : " in French (a no-break space before).
colon = :{ " " }
sign-in-with-civitas = Sign in with Civitas
# A member's role in an organisation.
role-owner = owner
role-developer = developer
role-viewer = viewer
# A client's environment, shown as a badge beside its name.
environment-sandbox = sandbox
environment-production = production
# A client's status.
status-active = active
status-suspended = suspended
# An application for production's status.
application-pending = pending
application-approved = approved
application-rejected = rejected
application-changes-requested = changes requested
# No value (no minimum assurance, no key id).
none = none
or = or
and = and
label-discovery-url = Discovery URL
label-issuer = Issuer
label-purpose = Purpose
label-redirect-uris = Redirect URIs
label-logout-uris = After sign-out
label-client-authentication = Client authentication
label-id-token-alg = ID token algorithm
label-scopes = Scopes
label-minimum-assurance = Minimum assurance
label-environment = Environment
label-legal-name = Legal name
label-registration-number = Registration number
label-contact-email = Contact e-mail
label-email = E-mail
label-role = Role
label-name = Name
label-status = Status
redirect-uris-per-line = Redirect URIs, one per line
logout-uris-per-line = After sign-out, one per line (optional)
# Links from a client's page to its other pages, and those pages' headings.
secret-and-keys = Secret and keys
test-my-integration = Test my integration
copy-paste-integration = Copy-paste integration
usage = Usage
submit-for-production = Submit for production
# Followed by the client's authentication method in code (private_key_jwt, …).
authenticates-with = This client authenticates with
# Link text at the end of a sentence, to the page where a client's secret and keys change.
client-keys-page = the client’s keys page
# After <code>exp</code> in a client assertion.
assertion-jti = new each time
# Refusals of forms sent by hand; $field: the form field's name.
form-field-unknown = unknown form field { $field }
form-field-twice = form field { $field } given twice
form-field-unexpected = unexpected form field { $field }

## The landing page and the developer's organisations.

# $name: the developer's name.
signed-in-as = Signed in as { $name }.
no-organisations = You are not a member of any organisation yet. Create one below, or open the invitation link a colleague sent you.
create-organisation = Create an organisation
# Followed by two examples in code, joined by “or”.
registration-number-hint = As in the business or public-body register, e.g.
contact-email-hint = Where Civitas writes about your integrations (a team address is best).
create-organisation-button = Create the organisation
landing-intro = Register your service with Civitas: a sandbox client works at once with test persons; production follows one review.
landing-identity = You sign in with your own Civitas identity. Your organisation and its members are recorded with every change.
notice-signed-out = You are signed out of the portal.
notice-joined = You joined the organisation.
sign-in-expired = This portal sign-in has expired or was not started here. Go to the portal and sign in again.
# $max: a number of characters.
legal-name-invalid = Legal name: required, at most { $max } characters, e.g. "Northbank plc".
registration-number-invalid = Registration number: 2 to 40 letters, digits, spaces, - / or ., e.g. "GOV-000123".
contact-email-invalid = Contact e-mail: an e-mail address, e.g. "identity-team@northbank.example".
# $number: the registration number.
organisation-exists = An organisation with registration number { $number } is already registered. Ask one of its owners to invite you.

## An organisation's page: its clients, members, invitations and log.

your-role = Your role
clients = Clients
no-clients = No clients yet.
clients-caption = The organisation’s clients
register-sandbox-client = Register a sandbox client
members = Members
members-caption = Members and their roles
roles-explain = Owners invite members, rotate secrets and keys, and submit for production. Developers register and change sandbox clients and run test sign-ins. Viewers read.
invite-colleague = Invite a colleague
send-invitation = Send the invitation
invitations-caption = Invitations not yet accepted
col-expires = Expires
changes = Changes
no-changes = No changes yet.
changes-caption = Every change to the organisation and its clients, newest first
col-when = When (UTC)
col-who = Who
col-what = What
col-subject = Subject
col-detail = Detail
# $days: how long an invitation works.
notice-invited =
    { $days ->
        [one] The invitation is sent. It works for { $days } day, once.
       *[other] The invitation is sent. It works for { $days } days, once.
    }
# Who made a change: a member who has since left.
former-member = a former member
# Who made a change: $pseudonym, the reviewer's pseudonym in the console.
civitas-reviewer = Civitas reviewer { $pseudonym }
# What a change was (the log's “What” column).
log-create-organisation = create organisation
log-invite-member = invite member
log-join = join
log-create-sandbox-client = create sandbox client
log-change-sandbox-client = change sandbox client
log-submit-for-production = submit for production
log-approve-change = approve change
log-approve-production-client = approve production client
log-reject-application = reject application
log-request-changes = request changes
log-change-redirect-uris = change redirect uris
log-rotate-secret = rotate secret
log-change-keys = change keys
email-invalid = E-mail: an e-mail address, e.g. "dev@northbank.example".
role-invalid = Role: one of owner, developer or viewer.
no-mail-server = Civitas cannot send e-mail here (no mail server is configured), so it cannot send invitations.
# The invitation e-mail, in the language of the owner who sends it. $organisation: its legal name.
invitation-mail-subject = { $organisation } invites you to its Civitas developer portal
# $inviter: the owner's name; $role: from role-owner, role-developer or role-viewer; $days: how long the link works; $link: the link.
invitation-mail-body =
    { $inviter } invites you to join { $organisation } in the Civitas developer portal as { $role }.

    Open this link and sign in with your own Civitas identity to accept (it works once, for { $days } days):
    { $link }

    If you did not expect this, ignore this message.

## The invitation page.

invitation = Invitation
# $organisation: its legal name.
join-organisation = Join { $organisation }
# Followed by the role, in bold, and invitation-sent-to.
invited-as = You are invited as
# $email: the address the invitation was sent to.
invitation-sent-to = (invitation sent to { $email }).
accept-and-join = Accept and join
invitation-sign-in-first = Sign in to the developer portal with your own Civitas identity, then accept.
invitation-gone = This invitation has expired or was already used. Ask an owner of the organisation to invite you again.
invitation-used = This invitation has expired or was already used.
already-member = You are already a member of this organisation.

## A client's page.

# Followed by test-persons-only (in bold), then sandbox-works-now.
sandbox-signs-in = A sandbox client signs in
test-persons-only = test persons only
sandbox-works-now = , never real ones. It works now.
# Followed by real-persons-only (in bold), then production-changes.
production-signs-in = A production client signs in
real-persons-only = real persons only
production-changes = . Its settings change through a review of its sandbox client; its keys, its secret and redirect URIs on hosts already approved change here at once.
# $status: from status-suspended. The reason staff gave may follow, then a full stop.
client-is = This client is { $status }
your-client-secret = Your client secret
copy-secret-now = Copy it now: Civitas keeps only its hash and cannot show it again.
# $scopes: the scopes the citizen may leave out.
optional-scopes = optional: { $scopes }
change-settings = Change the settings
production = Production
# Followed by the production client's name (a link) and its client_id.
production-client = Production client:
production-changes-here = To change its settings, change this sandbox client and submit it again.
no-production-client = No production client yet. Submitting sends these settings, with your production redirect URIs, to Civitas for review.
uris-on-approved-hosts = Redirect URIs on approved hosts
save-redirect-uris = Save the redirect URIs
reviews = Reviews
reviews-caption = Applications for production, newest first
col-submitted = Submitted (UTC)
col-by = By
col-reviewer-message = Message from the reviewer
production-is-reviewed = A production client changes only through a review: change its sandbox client, test it, and submit it for production again. Its keys, its secret and redirect URIs on hosts already approved change at once on its page.
# $uri: what was typed.
not-absolute-uri = { $uri } is not an absolute URI
# $host: a scheme and host, e.g. https://www.northbank.example.
host-not-approved = redirect_uris: { $host } is not a host this client was approved for. Add it to the sandbox client and submit for production again.

## The form that registers or changes a sandbox client.

# $name: the client's name.
change-client = Change { $name }
client-not-saved = The client was not saved
legend-citizens-see = What citizens see
service-name = Service name
service-name-hint = Shown at sign-in and consent, e.g. “Northbank online banking”.
purpose-hint = Why the service asks for data, in one sentence citizens read at consent.
logo-address = Logo address (optional)
logo-address-hint = An https address of a PNG or JPEG; Civitas staff check it before it is shown.
legend-redirects = Where Civitas sends people back
application-type = Application type
application-type-web = web: a server-side application
application-type-native = native: an app on the person’s device
redirect-uris-hint = Matched exactly. https, or http on 127.0.0.1 or localhost while you develop.
legend-authentication = How your server authenticates
# Followed by (private_key_jwt) in code.
jwks-address = Your JWKS address
jwks-address-hint = Publish a new key there and it works at once; remove one and it stops. Or paste the keys below.
# Followed by (private_key_jwt) in code.
jwks-or-inline = Or your public keys as a JWKS
legend-fapi = FAPI 2.0, encryption and logout
fapi-profile = FAPI 2.0 Security Profile
fapi-hint = Pushed authorization requests, DPoP-bound tokens and private_key_jwt only. Required for national_id.
encrypt-id-tokens = Encrypt ID tokens to your key
encryption-hint = Content A256GCM; publish a key with use enc in your JWKS.
no-signed-only = No: signed only
userinfo-signed = Userinfo as a signed JWT
no-plain-json = No: plain JSON
encrypt-userinfo = Encrypt userinfo to your key
no = No
backchannel-address = Back-channel logout address (optional)
backchannel-hint = Civitas POSTs a signed logout token here when a citizen’s session ends.
legend-scopes = Data the service asks for (openid is always included)
# After a scope's name.
scope-restricted = (restricted: production needs a legal basis and two reviewers)
refresh-tokens = Refresh tokens (needed for offline_access)
legend-optional-scopes = Data the citizen may leave out at consent
# $scope: a scope's name.
scope-is-optional = { $scope } is optional
assurance-none = None beyond what each request asks
assurance-low = Low (a one-time code by e-mail is enough)
assurance-substantial = Substantial (a passkey)
assurance-high = High (a passkey on an approved device)
save = Save

## Submitting a sandbox client for production.

# $name: the client's name.
submit-client = Submit { $name } for production
not-submitted = Not submitted
# Followed by client_id in code, then submit-intro-end.
submit-intro = Civitas reviews the sandbox client’s settings (name, purpose, logo, scopes, authentication, assurance) with the production redirect URIs below. The production client is a separate client, with its own
submit-intro-end = and secret, and signs in real persons only.
production-redirect-uris = Production redirect URIs, one per line
production-redirect-uris-hint = https on your own hosts, e.g. https://www.northbank.example/callback.
# Followed by national_id in code.
legal-basis-for = Legal basis for
legal-basis-hint = The law or duty that lets your service process national identification numbers, and why you need them. Two Civitas reviewers read it.
submit-for-review = Submit for review
already-waiting = An application for this client is already waiting for review.
# $max: a number of characters.
legal-basis-required = legal_basis: national_id needs the legal basis that allows your service to process national identification numbers (at most { $max } characters). Example: "Anti-Money Laundering Act, section 12: customer due diligence".

## A client's secret and keys.

keys-change-at-once = Changes here count at once, for sandbox and production clients alike: no review is needed.
nothing-changed = Nothing was changed
client-secret = Client secret
unseen-secret = Civitas created this production client when it approved it, with a secret nobody has seen. Create the secret your server will use: it is shown once, on the client’s page.
create-secret = Create the secret
owner-creates-secret = An owner of the organisation creates it.
last-changed = Last changed (UTC)
previous-secret = Previous secret
# $until: a date and time.
previous-works-until = still works until { $until } (UTC)
previous-none = none: only the current secret works
rotate-secret = Rotate the secret
rotate-explain = Civitas makes a new secret and shows it once. Your servers can move to it while the current one keeps working for the time you choose.
rotate-again-notice = A previous secret still works now: rotating again stops it at once, and the current secret becomes the previous one.
overlap-legend = How long the current secret keeps working
overlap-none = None: the current secret stops working at once
# $n: a number of hours.
overlap-hours =
    { $n ->
        [one] { $n } hour
       *[other] { $n } hours
    }
# $days: the longest overlap, in days.
overlap-longest = { $days } days (the longest)
owners-rotate = Owners of the organisation rotate the secret.
keys = Keys
# Followed by the address in code.
keys-fetched-from = Civitas fetches this client’s public keys from
# Followed by kid in code, then keys-fetched-again.
keys-rotate-at-address = To rotate a key, publish the new key at that address and sign with it: nothing else, here or anywhere. An assertion with a
# $seconds: the shortest time between two fetches; $minutes: how long a fetched key set is kept.
keys-fetched-again = Civitas has not seen makes it fetch the keys again (at most once every { $seconds } seconds). A key you remove from that address stops working within { $minutes } minutes, the time Civitas keeps a fetched key set.
keys-registered-here = This client’s public keys are registered here. To rotate, replace them below, keeping the old key beside the new one until your servers sign with the new one; then remove the old one.
# $problem: why (in English: the words of the key fetcher).
keys-cannot-be-listed = The keys cannot be listed now: { $problem }.
# $minutes: how precise the time of last use is.
keys-caption = Keys as Civitas last read them. “Last used” is when a key last signed an accepted client assertion, precise to { $minutes } minutes.
key-type = Type
last-used-utc = Last used (UTC)
last-used = Last used
# Before a key's thumbprint, for a key without a kid.
thumbprint = thumbprint
# A key without an alg.
not-given = not given
# A key that never signed an accepted assertion.
never = never
# A key's type: $bits, the size of an RSA key.
key-rsa-bits = RSA { $bits } bits
key-rsa-unreadable = RSA (its modulus cannot be read)
key-oct = oct (a shared secret; never used here)
key-unknown = an unknown key type
register-keys-instead = Register the keys here instead
replace-keys = Replace the keys
public-keys-jwks = Public keys as a JWKS
public-keys-jwks-hint = EC P-256 or RSA public keys, each with a kid; never a private key. The keys saved here replace the current ones at once.
save-keys = Save the keys
change-address = Change the address
fetch-from-address = Fetch the keys from an address instead
jwks-uri-hint = An https address where you publish your public keys, e.g. https://www.northbank.example/.well-known/jwks.json (http only on 127.0.0.1 or localhost, for development).
use-address = Use this address
owners-change-keys = Owners of the organisation change the keys.
no-secret-private-key-jwt = This client authenticates with private_key_jwt: it has keys, not a secret.
no-keys-secret-client = This client authenticates with a secret: rotate the secret instead; keys are for private_key_jwt clients.
# Refusals of the rotation form. $field: a form field's name.
overlap-unknown-field = unknown form field { $field }: this form sends overlap_hours only
overlap-twice = overlap_hours: given twice; send it once. Example: 24.
# $max: the longest overlap in hours; $days: the same in days.
overlap-required = overlap_hours: is required: how many hours the current secret keeps working, a whole number from 0 to { $max } ({ $days } days). Example: 24.
overlap-invalid = overlap_hours: must be how many hours the current secret keeps working, a whole number from 0 to { $max } ({ $days } days). Example: 24.
# $hours: what was sent (more than $max).
overlap-too-long = overlap_hours: the previous secret keeps working at most { $days } days ({ $max } hours), not { $hours } hours. Example: 24.
overlap-first-secret = overlap_hours: must be 0 for this client’s first secret: the secret it replaces was never shown to anyone, so nothing needs to keep working. Example: 0.
# Refusals of the keys forms. $field: a form field's name.
keys-unknown-field = unknown form field { $field }: this form sends jwks or jwks_uri
keys-twice = jwks, jwks_uri: send one of them, once: the public keys themselves, or the address where you publish them. Example: jwks_uri=https://www.northbank.example/.well-known/jwks.json
keys-required = jwks, jwks_uri: one of them is required. Example: jwks_uri=https://www.northbank.example/.well-known/jwks.json

## Test my integration: a client's failed requests.

failures-intro = Every authorization and token request of this client that failed in the last 24 hours, and every back-channel logout token Civitas gave up delivering to it, newest first, with the rule it broke and how to fix it. Try your integration, then reload this page: failures show within seconds. The texts are Civitas’s own: no personal data, codes, tokens or secrets are kept.
run-test-sign-in = Run a test sign-in
failed-requests = Failed requests
no-failed-requests = No failed requests in the last 24 hours.
# $keep: how many the list keeps.
failures-caption = Failed requests of the last 24 hours, newest first (at most { $keep })
col-time = Time (UTC)
col-error-and-endpoint = Error and endpoint
col-rule = Rule
col-fix = How to fix it
cell-error = Error
# Between an error code and the endpoint's path, both in code.
error-at = at
# $keep: how many failures a client's list keeps; $per_minute: how many a server lists a minute. Followed by the link “Usage”, then usage-counts-every-one.
failures-limits = Many failures at once are counted but not all listed: each client’s list keeps its newest { $keep }, and each server lists at most { $per_minute } a minute.
usage-counts-every-one = counts every one.

## The test sign-in.

test-sign-in = Test sign-in
test-sign-in-intro = This runs a real authorization code flow with your sandbox client. Civitas sends the code to your own redirect URI, and you redeem it at the token endpoint as your service will.
# After “A sandbox client signs in test persons only”.
test-sign-in-as-yourself = : you are signed in to Civitas as yourself, so Civitas will offer the test persons instead. Choose one and agree to share; your browser is then signed in to Civitas as that test person (the portal keeps you signed in as yourself).
# Followed by code_verifier in code, then keep-page-open.
nothing-stored = Nothing is stored: this page holds the only copy of the
keep-page-open = . Keep it open until you have redeemed the code; reloading it makes a new request.
step-start = 1. Start the sign-in
start-test-sign-in = Start the test sign-in
step-callback = 2. Your callback receives the code
# Followed by the redirect URI in code, then callback-with and a list of parameters.
callback-redirect = Civitas redirects to
callback-with = with:
# $seconds: how long a code works.
callback-code =
    { $seconds ->
        [one] the code, which works once, within { $seconds } second
       *[other] the code, which works once, within { $seconds } seconds
    }
# Followed by the value a parameter must have, in code.
must-be = must be
step-redeem = 3. Redeem the code
# After “This client authenticates with private_key_jwt”; a list of the assertion's claims follows.
redeem-sign-assertion = : sign a client assertion with your private key, a JWT with:
assertion-exp-minutes-ahead = a few minutes ahead
# Followed by CLIENT_ASSERTION in code, redeem-and-the-code, CODE in code and redeem-then-run.
redeem-put-assertion = Put the assertion in
# Followed by CLIENT_SECRET in code, redeem-and-the-code, CODE in code and redeem-then-run.
redeem-put-secret = Put your client secret in
redeem-and-the-code = and the code in
redeem-then-run = , then run:
answer-holds = The answer holds an ID token with:
amr-test-person = (a test person, signed in without a credential)
no-redirect-uri = This client has no redirect URI: add one in its settings first.

## Copy-paste integration.

# $name: the client's name.
integrate = Integrate { $name }
back-to-client = Back to the client
integration-intro = Civitas is a standard OpenID Connect provider: any certified library works from the discovery URL alone. The authorization code flow with PKCE (S256) is the only flow; state and nonce are checked on every sign-in.
sandbox-signs-in-test-persons = sandbox: signs in test persons only
production-signs-in-real-persons = production: signs in real persons only
# After “This client authenticates with private_key_jwt”; followed by client-key.pem in code.
snippets-sign-assertion = : the snippets sign a client assertion with the private key in
# Followed by the link client-keys-page and a full stop.
snippets-key-registered = (PKCS#8 PEM), whose public key is registered on
snippets-assertion-holds = Each assertion holds:
assertion-aud = the issuer
assertion-exp-at-most = at most 5 minutes away
# Followed by CIVITAS_CLIENT_SECRET in code and a full stop.
snippets-read-secret = The snippets read the client secret from the environment variable
# Followed by the link client-keys-page and a full stop.
secret-shown-once = Civitas shows a secret once, when it is created; a new one is made on
keep-secret-out-of-code = Keep it out of your source code.
code = Code
snippets-intro = Each snippet is the whole flow, from the redirect to Civitas to a validated ID token, filled with this client’s values.
snippets-run-test-person = Run one, open the address it prints, sign in as a test person, and paste the address your browser was sent back to (your redirect URI need not answer yet).
snippets-run = Run one, open the address it prints, sign in, and paste the address your browser was sent back to (your redirect URI need not answer yet).
snippets = Snippets
snippet-rust-intro = A small program with the openidconnect crate: it prints the address to open, reads the address you were sent back to, and prints the validated claims. Move each step into your own request handlers.
snippet-node-intro = The same flow with openid-client, an ES module for Node.js 20 or later.
snippet-python-intro = The same flow with Authlib’s requests client; the ID token is checked against Civitas’s published keys (JWKS).
claims = Claims
claims-intro = What Civitas releases, by scope, and where each value comes from. The citizen sees each release at consent and in their history.
# Followed by persons in code, claims-registry-import, civitas registry import in code and claims-civitas-adds.
claims-registry = Persons’ data comes from the population registry (table
claims-registry-import = , imported with
claims-civitas-adds = ); Civitas adds what it knows about the sign-in.
# Followed by /userinfo in code and a full stop.
claims-userinfo = The scoped claims are also available at
# Followed by claims in code, then claims-by-name-alone.
claims-by-name = A claim asked for by name in the
claims-by-name-alone = parameter comes alone, without the rest of its scope.
claims-caption = Every claim Civitas releases
col-claim = Claim
col-scope = Scope
col-source = Source
col-notes = Notes
# After openid in the scope column.
every-id-token = (every ID token)
# Before a registry column's name, for a claim that comes from the registry.
registry = registry
# Followed by iss, aud, exp, iat, at_hash in code, then and-your and nonce in code.
id-token-also-carries = Every ID token also carries
and-your = and your

## Usage: sign-ins and failures per day.

# $days: how many days; $sign_ins, $failures: totals. Followed by the link “Test my integration”, then usage-intro-end.
usage-intro = The last { $days } days, by UTC day. Sign-ins are the ID tokens Civitas issued to this client (a refresh issues one too): { $sign_ins } in all. Failures are its failed authorization and token requests: { $failures } in all;
usage-intro-end = lists those of the last 24 hours with how to fix them.
the-figures = The figures
figures-caption = Sign-ins and failures per UTC day, newest first
col-day = Day (UTC)
col-sign-ins = Sign-ins
col-failures = Failures
# The charts' titles; $days: how many days.
chart-sign-ins-title = Sign-ins per day, last { $days } days (UTC)
chart-failures-title = Failures per day, last { $days } days (UTC)
# $n: a number of sign-ins.
sign-ins =
    { $n ->
        [one] { $n } sign-in
       *[other] { $n } sign-ins
    }
# $n: a number of failures.
failures =
    { $n ->
        [one] { $n } failure
       *[other] { $n } failures
    }
# A chart's description: $total, from sign-ins or failures; $from, $to: dates; $most: the highest figure; $day: its date.
chart-summary = { $total } from { $from } to { $to }; the most, { $most }, on { $day }.
# $from, $to: dates.
chart-no-sign-ins = No sign-ins from { $from } to { $to }.
chart-no-failures = No failures from { $from } to { $to }.
# A bar's title: $day, its date; $count, from sign-ins or failures.
chart-bar = { $day }: { $count }
# A date under a chart's axis: $day, a number; $month, 1 to 12 (short).
chart-day =
    { $day } { $month ->
        [1] Jan
        [2] Feb
        [3] Mar
        [4] Apr
        [5] May
        [6] Jun
        [7] Jul
        [8] Aug
        [9] Sep
        [10] Oct
        [11] Nov
       *[12] Dec
    }
