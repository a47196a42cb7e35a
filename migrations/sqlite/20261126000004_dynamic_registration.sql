-- RFC 7591/7592 dynamic registration: operator-issued initial access tokens, and each
-- client's registration access token (hashed).

CREATE TABLE initial_access_tokens (
    token_hash    TEXT    PRIMARY KEY,
    note          TEXT    NOT NULL,          -- who it was issued to, for the record
    created_at    BIGINT  NOT NULL,
    expires_at    BIGINT  NOT NULL,
    used_at       BIGINT,
    client_id     TEXT                       -- the client it registered
);

ALTER TABLE clients ADD COLUMN registration_token_hash TEXT;
