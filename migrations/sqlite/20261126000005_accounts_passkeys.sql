-- Citizens' activated identities, their passkeys, activation codes, attempt throttles and the
-- security events shown in their own history.

CREATE TABLE accounts (
    id            TEXT    PRIMARY KEY,       -- a UUID; also the WebAuthn user handle
    person_id     TEXT    NOT NULL UNIQUE REFERENCES persons (id) ON DELETE CASCADE,
    status        TEXT    NOT NULL CHECK (status IN ('active', 'locked')),
    locked_until  BIGINT,                    -- a temporary lock after failed attempts
    lock_reason   TEXT,
    activated_at  BIGINT  NOT NULL
);

CREATE TABLE activation_codes (
    code_hash     TEXT    PRIMARY KEY,
    person_id     TEXT    NOT NULL REFERENCES persons (id) ON DELETE CASCADE,
    created_at    BIGINT  NOT NULL,
    expires_at    BIGINT  NOT NULL,
    used_at       BIGINT
);
CREATE INDEX activation_codes_person ON activation_codes (person_id);

CREATE TABLE passkeys (
    credential_id   TEXT    PRIMARY KEY,     -- base64url; unique across all accounts
    account_id      TEXT    NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    name            TEXT    NOT NULL,
    passkey         TEXT    NOT NULL,        -- webauthn-rs Passkey, JSON (public key, counter)
    sign_count      BIGINT  NOT NULL,
    backup_eligible BIGINT  NOT NULL CHECK (backup_eligible IN (0, 1)),
    backup_state    BIGINT  NOT NULL CHECK (backup_state IN (0, 1)),
    created_at      BIGINT  NOT NULL,
    last_used_at    BIGINT
);
CREATE INDEX passkeys_account ON passkeys (account_id);

-- Failed attempts by subject (a hashed national ID, account or client address).
CREATE TABLE throttles (
    key           TEXT    PRIMARY KEY,
    failures      BIGINT  NOT NULL,
    locked_until  BIGINT,
    updated_at    BIGINT  NOT NULL
);

CREATE TABLE security_events (
    id            TEXT    PRIMARY KEY,
    person_id     TEXT    NOT NULL REFERENCES persons (id) ON DELETE CASCADE,
    kind          TEXT    NOT NULL,
    detail        TEXT    NOT NULL,
    created_at    BIGINT  NOT NULL
);
CREATE INDEX security_events_person ON security_events (person_id, created_at);
