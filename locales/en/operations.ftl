### The console's operator pages: relying parties, keys, the ledger, the log.

# The client page's recent errors: heading, what it is, and none.
recent-errors = Recent errors
recent-errors-explain = What the authorization and token endpoints told this client when its requests failed in the last 24 hours (newest first, at most 20). Its developers see the same list, with how to fix each, in the portal.
recent-errors-none = None in the last 24 hours.
console-home = Console home
# ": " in English, " : " in French.
colon = :{ " " }
reason = Reason
reason-detail = Ticket number or note (kept in the staff log)
category-call = A phone call
category-visit = A visit or meeting
category-letter = A letter or e-mail
category-fraud = Suspected fraud or abuse
category-other = Another reason
role-helpdesk = helpdesk
role-supervisor = supervisor
role-operator = operator
role-auditor = auditor
action-reactivate = Re-activation code for an account with passkeys
action-lift-fraud-lock = Lifting a fraud lock
action-suspend-client = Suspending a production relying party
action-grant-national-id = Granting the national_id scope to a relying party
action-approve-application = Approving an application that asks for national_id
action-other = Another action
clients-title = Relying parties
clients-search-label = Name or client ID contains
search = Search
clients-none = No relying party.
# $q.
clients-none-matching = No relying party matches “{ $q }”.
# $q.
clients-caption-matching = Relying parties matching “{ $q }”
name = Name
client-id = Client ID
status = Status
holds-national-id = holds national_id (production)
status-active = active
status-suspended = suspended
# $n (always more than one).
clients-capped = Only the first { $n } are shown: search to narrow the list.
all-clients = All relying parties
suspended = Suspended
suspended-effect = Its tokens do not work and citizens cannot sign in to it.
registration = Registration
purpose = Purpose shown to citizens
scopes = Scopes
restricted-production = (holds a restricted scope: treated as production)
optional-scopes = Optional scopes
grant-types = Grant types
min-acr = Minimum assurance
none-registered = none registered
client-auth = Client authentication
keys = Keys
fetched-from = fetched from
keys-none-secret = none (client secret)
key-invalid-json = (not valid JSON)
key-no-kid = no kid
id-token-alg = ID token signature
application-type = Application type
sector = Sector (pairwise subjects)
registered = Registered
# Between the registration's time and its last change's.
changed = , changed{ " " }
redirect-uris = Redirect URIs
after-signout = After sign-out
waiting-supervisor = Waiting for a supervisor
# $label, $when.
waiting-item = { $label } (asked { $when })
actions = Actions
suspend = Suspend
supervisor-must-approve = (a supervisor must approve)
suspend-effect = Its access and refresh tokens stop working at their next use; citizens cannot sign in to it until it is resumed.
resume = Resume
resume-effect = Tokens that have not expired work again.
grant-national-id = Grant the national_id scope (a supervisor must approve)
national-id-explain = The national ID number is a restricted claim: only clients with a legal basis to process it may receive it.
ask-approval = Ask for approval
done-suspended = The client is suspended: its tokens no longer work.
done-resumed = The client is active again.
done-requested = A supervisor other than you must approve this before it takes effect (within 24 hours).
done-waiting = The same request already waits for a supervisor.
change-reason-required = Every change needs a reason: choose its category and give the ticket number or a note.
already-suspended = This client is suspended already.
already-active = This client is active already.
already-national-id = This client holds the national_id scope already.
national-id-needs-fapi = The national_id scope is granted only to clients under the FAPI 2.0 profile (private_key_jwt, pushed requests, DPoP). Ask the client's owners to register a FAPI 2.0 client first.
client-gone = This client no longer exists.
review-title = Relying-party applications
review-empty = No application waits for review.
organisation = Organisation
filed-by = Filed by
scopes-asked = Scopes asked for
restricted-second = (restricted: approval needs a second supervisor)
changes-client = Changes client
legal-basis = Legal basis given
logo-proposed = Logo proposed
logo-check = (citizens see a logo only once an operator has checked it and set it with civitas client logo)
environment = Environment
environment-sandbox = sandbox: signs in test persons only
environment-production = production: signs in real persons only
sandbox-client = Tested as sandbox client
approval-waits = An approval waits for a supervisor
see-requests = see requests
approve = Approve
ask-changes = Ask for changes
reject = Reject
note-to-applicant = Note to the applicant
note-optional = (optional)
done-approved = The application is approved.
done-rejected = The application is rejected; the applicant reads your note.
done-changes = The applicant is asked for changes and reads your note.
done-review-requested = It asks for national_id: a supervisor other than you must approve it (within 24 hours).
done-review-waiting = An approval of this application already waits for a supervisor.
decision-reason-required = A decision needs a reason: choose its category and give the ticket number or a note.
note-required = Tell the applicant what to change or why it is rejected (at most 2000 characters).
application-decided = This application was decided already.
operations-title = Operations
# $n.
alerts =
    { $n ->
        [one] Insider guard: { $n } staff account locked
       *[other] Insider guard: { $n } staff accounts locked
    }
alerts-advice = Find out why before anyone unlocks these accounts; the staff log shows what they opened.
readiness-heading = Readiness (as /readyz answers)
database = Database
reachable = reachable
unreachable = unreachable
signing-keys = Signing keys
keys-usable = a usable key for every algorithm
key-cannot-sign = a key cannot sign
key-cannot-sign-why = (missing or unreadable file)
this-instance = This instance
ready = ready for traffic
not-ready = not ready
not-ready-why = load balancers send it nothing
keys-caption = Signing keys and their times (UTC)
col-key = Key
col-state = State
col-created = Created
col-signs-from = Signs from
col-retires = Retires
col-leaves = Leaves the JWKS
# Cell labels where the table is stacked (narrow screens), before the value.
cell-state = State:{ " " }
cell-created = Created{ " " }
cell-signs-from = Signs from{ " " }
cell-retires = Retires{ " " }
cell-leaves = Leaves the JWKS{ " " }
key-next = next
key-active = active
key-retired = retired
key-expired = expired
rotate-legend = Rotate
# Followed by `<code>civitas keys rotate</code>).`
rotate-explain = The new key is published at once and signs after keys.prepublish_secs; the key it replaces retires then. Its private key file is written to this instance's keys folder, which every instance must share (as for
alg-all = ES256, RS256 and SAML
alg-es256 = ES256 only
alg-rs256 = RS256 only
alg-saml = SAML only
rotate-button = Rotate
# $n.
requests-waiting = Four-eyes requests waiting: { $n }
# $who, $when, $expires; follows the request's label.
request-asked = , asked by { $who } at { $when }, expires { $expires }
decide-requests = Decide requests
supervisor-decides = A supervisor decides them.
# $when.
rotated-notice = The new keys (state next) are published now and sign from { $when } (keys.prepublish_secs); the keys they replace retire then and leave the JWKS keys.retire_grace_secs later.
choose-keys = Choose which keys to rotate.
rotate-reason-required = Rotating keys needs a reason: choose its category and give the ticket number or a note.
# $alg, $when.
next-key-waits = A next { $alg } key already waits to sign from { $when }: rotate again after that.
ledger-title = Ledger status
verification-failed = Verification failed
last-checkpoint = Last signed checkpoint
cp-number = Number
cp-signed = Signed
cp-chains = Chains covered
cp-chains-note = (citizens' chains and the staff log)
cp-root = Merkle root
no-checkpoint = No checkpoint is signed yet: servers sign one every ledger.checkpoint_interval_secs once a chain has records.
# $records: from `records_one`/`records_other`.
ledger-holds = The ledger holds { $records } in citizens' chains.
verify-explain = Checks every checkpoint's signature and root, every chain and the staff log, and that nothing a checkpoint covered was changed or removed. It only reads.
verify-now = Verify now
verify-timeout = Not finished in time: the ledger is too large to verify here. Run `civitas ledger verify` on a server.
# $records, $chains, $checkpoints, $staff_records: each from its count.
verify-intact = Intact: { $records } in { $chains }, { $checkpoints } and { $staff_records } verified.
# $why: where the ledger breaks (the ledger's own words, in English).
verify-broken = Broken at { $why }. Restore the ledger and staff log tables from a backup and report the incident.
# $n, singular and plural.
records =
    { $n ->
        [one] { $n } record
       *[other] { $n } records
    }
chains =
    { $n ->
        [one] { $n } chain
       *[other] { $n } chains
    }
checkpoints =
    { $n ->
        [one] { $n } signed checkpoint
       *[other] { $n } signed checkpoints
    }
staff-records =
    { $n ->
        [one] { $n } staff log record
       *[other] { $n } staff log records
    }
log-title = Staff log
log-intro = Every staff action with its reason, newest first. The log is a hash chain covered by the ledger's signed checkpoints.
staff-member = Staff member
everyone = Everyone
action = Action
every-action = Every action
date-from = From (YYYY-MM-DD, UTC)
date-to = To (YYYY-MM-DD, UTC)
show = Show
log-none = No staff action matches.
log-none-before = No staff action before these matches.
log-caption = Staff actions, newest first
col-no = No.
col-when = When (UTC)
col-on = On
cell-no = No.{ " " }
cell-action = Action:{ " " }
cell-on = On{ " " }
cell-reason = Reason:{ " " }
newest = Newest
older = Older
download-csv = Download as CSV
csv-note = (these filters, every page, up to 100 000 records)
dates-format = Dates: use the form YYYY-MM-DD.
