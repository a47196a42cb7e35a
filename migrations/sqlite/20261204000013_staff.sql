-- Helpdesk and operator staff: their own principals (never citizens' accounts), their
-- passkeys, four-eyes requests, and the staff log (a hash chain of every staff action).

CREATE TABLE staff (
    id                TEXT    PRIMARY KEY,
    name              TEXT    NOT NULL,          -- shown to staff only, never to citizens
    pseudonym         TEXT    NOT NULL UNIQUE,   -- what a citizen's history shows
    role              TEXT    NOT NULL CHECK (role IN ('helpdesk', 'supervisor', 'operator', 'auditor')),
    status            TEXT    NOT NULL CHECK (status IN ('enrolling', 'active', 'disabled', 'locked')),
    status_reason     TEXT,
    created_at        BIGINT  NOT NULL,
    enrol_token_hash  TEXT    UNIQUE,            -- one-time enrolment link, SHA-256
    enrol_expires_at  BIGINT
);

CREATE TABLE staff_passkeys (
    credential_id  TEXT    PRIMARY KEY,
    staff_id       TEXT    NOT NULL REFERENCES staff (id) ON DELETE CASCADE,
    passkey        TEXT    NOT NULL,             -- webauthn-rs Passkey, JSON
    created_at     BIGINT  NOT NULL,
    last_used_at   BIGINT
);
CREATE INDEX staff_passkeys_staff ON staff_passkeys (staff_id);

-- Risky actions wait for a second person: a supervisor other than the requester.
CREATE TABLE staff_requests (
    id            TEXT    PRIMARY KEY,
    action        TEXT    NOT NULL,
    subject       TEXT    NOT NULL,              -- a person id or a client id
    reason        TEXT    NOT NULL,
    requested_by  TEXT    NOT NULL REFERENCES staff (id),
    requested_at  BIGINT  NOT NULL,
    expires_at    BIGINT  NOT NULL,
    decided_by    TEXT    REFERENCES staff (id),
    decided_at    BIGINT,
    decision      TEXT    CHECK (decision IN ('approved', 'rejected'))
);
CREATE INDEX staff_requests_open ON staff_requests (decided_at, expires_at);

-- Every staff action, in one hash chain (`hash` = SHA-256 over the record and `prev_hash`);
-- its head is a leaf of every signed ledger checkpoint, so staff cannot erase their tracks.
CREATE TABLE staff_log (
    seq         BIGINT  PRIMARY KEY,
    staff_id    TEXT    NOT NULL,
    action      TEXT    NOT NULL,
    subject     TEXT    NOT NULL,
    reason      TEXT    NOT NULL,
    created_at  BIGINT  NOT NULL,
    prev_hash   TEXT    NOT NULL,
    hash        TEXT    NOT NULL
);
CREATE INDEX staff_log_staff ON staff_log (staff_id, created_at);

