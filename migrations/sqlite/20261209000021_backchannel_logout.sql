-- OpenID Connect Back-Channel Logout 1.0: the logout tokens still to be delivered. A row is
-- written in the transaction that ends a session, one per client with a
-- backchannel_logout_uri that took part in it (a grant or a code with its sid), and deleted
-- once the client answered 200 or 204, or given up (24 hours, or beyond the client's
-- 1,000 waiting): the table holds only what is still to do. The token itself is signed at
-- each attempt (a fresh jti, iat and exp), so nothing here is a credential.
CREATE TABLE logout_notices (
    client_id        TEXT    NOT NULL REFERENCES clients (id) ON DELETE CASCADE,
    sid              TEXT    NOT NULL,          -- the ended session's sid (the token's sid)
    person_id        TEXT    NOT NULL,          -- for the token's pairwise sub
    created_at       BIGINT  NOT NULL,
    attempts         BIGINT  NOT NULL DEFAULT 0,
    -- When it is next due; while an instance delivers it, the end of that instance's lease.
    next_attempt_at  BIGINT  NOT NULL,
    last_error       TEXT,                      -- ours: a status or a network error, no personal data
    PRIMARY KEY (client_id, sid)
);
CREATE INDEX logout_notices_due ON logout_notices (next_attempt_at);

-- Which clients took part in a session: found by its sid when it ends.
CREATE INDEX grants_sid ON grants (sid);
CREATE INDEX authorization_codes_sid ON authorization_codes (sid);
