### The console's error-reference lookup.

title = Look up an error reference
intro = Every error page shows a reference. Ask the citizen to read it out: you will see what happened, when and where. Records hold nothing about the person and are kept 30 days.
reference = Reference
reference-hint = The 8 characters the error page showed (for example 3F2A-91BC), or a whole request id. Case, spaces and dashes do not matter.
look-up = Look up
invalid = A reference is 8 characters from 0–9 and A–F (for example 3F2A-91BC), or a whole request id of 32.
results = What happened
none = No error has this reference. Check it with the citizen. Records are kept 30 days, and when very many errors happen at once some are not recorded.
# Two or more records share the eight digits.
several = Several errors share these 8 characters. Ask the citizen when it happened, or for the page they were on.
when = When (UTC)
what = What happened
page = Page or endpoint
no-page = an address that does not exist
status = Status
service = Service
full-reference = Full reference
bad-request = The page could not use what was sent: a form filled in wrongly, or a link that is broken, already used or too old. Starting again usually works.
unverified-authorization = A service sent the citizen here with a sign-in request that Civitas could not check, so nothing was shared. The fault is the service's: the citizen should contact that service.
cross-site = A form was sent from another website (or an old tab), so Civitas refused it. Starting again from the Civitas home page usually works.
forbidden = The citizen was not allowed to see this page, for example a link meant for someone else.
not-found = The address does not exist: a mistyped or outdated link or bookmark.
too-many-requests = Too many attempts in a short time. Civitas asked the citizen to wait a few minutes before trying again.
unavailable = Civitas could not reach its database for a moment. Trying again a little later usually works.
internal = An error inside Civitas, not caused by the citizen. If it happens again, report it to the operators with the full reference.
wrong-environment = A test service tried to sign in a real person, or a real service a test person. Nothing was shared. The service's developers must use the right kind of account.
# $code: the OAuth error code.
oauth = Civitas refused a request from a service's server (OAuth error: { $code }). This is between the service and Civitas; its developers see the details in the developer portal.
timeout = The request took too long and was stopped. Trying again usually works.
too-large = What was sent was too large to accept.
not-signed-in = The request was refused: not signed in, or not allowed.
# $status: the HTTP status.
other = The request could not be answered (status { $status }).
