-- Browser sessions, consents, and the OAuth artefacts: authorization codes, grants, tokens.
-- Secrets (session ids, codes, tokens) are stored only as base64url SHA-256 hashes.

CREATE TABLE sessions (
    id_hash     TEXT    PRIMARY KEY,
    person_id   TEXT    REFERENCES persons (id) ON DELETE CASCADE,  -- set once signed in
    sid         TEXT,                                                -- OIDC session id, likewise
    data        TEXT    NOT NULL,                                    -- JSON
    created_at  BIGINT  NOT NULL,
    expires_at  BIGINT  NOT NULL
);
CREATE INDEX sessions_person ON sessions (person_id);
CREATE INDEX sessions_sid ON sessions (sid);
CREATE INDEX sessions_expires ON sessions (expires_at);

-- What a citizen agreed a relying party may receive.
CREATE TABLE consents (
    person_id     TEXT    NOT NULL REFERENCES persons (id) ON DELETE CASCADE,
    client_id     TEXT    NOT NULL REFERENCES clients (id) ON DELETE CASCADE,
    scopes        TEXT    NOT NULL,          -- space-separated
    granted_at    BIGINT  NOT NULL,
    expires_at    BIGINT  NOT NULL,
    PRIMARY KEY (person_id, client_id)
);

-- One sign-in's authorization of one client; tokens hang off it and die with it.
CREATE TABLE grants (
    id            TEXT    PRIMARY KEY,
    person_id     TEXT    NOT NULL REFERENCES persons (id) ON DELETE CASCADE,
    client_id     TEXT    NOT NULL REFERENCES clients (id) ON DELETE CASCADE,
    scopes        TEXT    NOT NULL,
    claims        TEXT    NOT NULL,          -- JSON: the claims parameter, if any
    acr           TEXT    NOT NULL,
    amr           TEXT    NOT NULL,          -- space-separated
    auth_time     BIGINT  NOT NULL,
    sid           TEXT    NOT NULL,
    created_at    BIGINT  NOT NULL,
    revoked_at    BIGINT
);
CREATE INDEX grants_person_client ON grants (person_id, client_id);

CREATE TABLE authorization_codes (
    code_hash       TEXT    PRIMARY KEY,
    client_id       TEXT    NOT NULL REFERENCES clients (id) ON DELETE CASCADE,
    person_id       TEXT    NOT NULL REFERENCES persons (id) ON DELETE CASCADE,
    redirect_uri    TEXT    NOT NULL,
    code_challenge  TEXT    NOT NULL,
    nonce           TEXT,
    scopes          TEXT    NOT NULL,
    claims          TEXT    NOT NULL,
    acr             TEXT    NOT NULL,
    amr             TEXT    NOT NULL,
    auth_time       BIGINT  NOT NULL,
    sid             TEXT    NOT NULL,
    created_at      BIGINT  NOT NULL,
    expires_at      BIGINT  NOT NULL,
    used_at         BIGINT,
    grant_id        TEXT    REFERENCES grants (id) ON DELETE CASCADE   -- set when redeemed
);

CREATE TABLE tokens (
    token_hash    TEXT    PRIMARY KEY,
    grant_id      TEXT    NOT NULL REFERENCES grants (id) ON DELETE CASCADE,
    kind          TEXT    NOT NULL CHECK (kind IN ('access', 'refresh')),
    scopes        TEXT    NOT NULL,          -- may be narrower than the grant's (a refresh with scope)
    created_at    BIGINT  NOT NULL,
    expires_at    BIGINT  NOT NULL,
    spent_at      BIGINT,                    -- a refresh token, once rotated
    revoked_at    BIGINT
);
CREATE INDEX tokens_grant ON tokens (grant_id);

-- private_key_jwt assertion ids seen, until their assertion expires (replay protection).
CREATE TABLE client_assertion_jtis (
    client_id     TEXT    NOT NULL,
    jti           TEXT    NOT NULL,
    expires_at    BIGINT  NOT NULL,
    PRIMARY KEY (client_id, jti)
);

-- Server-wide secrets all instances share (e.g. the pairwise subject key).
CREATE TABLE server_secrets (
    name          TEXT    PRIMARY KEY,
    value         TEXT    NOT NULL,
    created_at    BIGINT  NOT NULL
);
