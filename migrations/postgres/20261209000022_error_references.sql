-- Assisted access (issue 18): every error response, found by the reference its page shows
-- (the request id; `short_ref` is its first eight hex digits, what people read out on the
-- phone). Nothing personal: the route's template (`/account/releases/{id}`), never the path or
-- its query; no address, no person, no token. Bounded per instance and minute, kept 30 days
-- (`help::references`, deleted by housekeeping).
CREATE TABLE error_references (
    request_id   TEXT    PRIMARY KEY,
    short_ref    TEXT    NOT NULL,
    at           BIGINT  NOT NULL,
    method       TEXT    NOT NULL,
    route        TEXT,                          -- NULL: no route matched (an unknown address)
    status       BIGINT  NOT NULL,
    kind         TEXT    NOT NULL,              -- AppError variant, `oauth`, or `http` (status only)
    oauth_error  TEXT,                          -- the OAuth error code, when there is one
    client_id    TEXT                           -- the relying party, when known
);
CREATE INDEX error_references_short ON error_references (short_ref);
CREATE INDEX error_references_at ON error_references (at);
