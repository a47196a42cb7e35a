-- One-time recovery codes (argon2id, PHC strings): a citizen who lost every passkey registers
-- a new one with one of them.

CREATE TABLE recovery_codes (
    id            TEXT    PRIMARY KEY,
    account_id    TEXT    NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    code_hash     TEXT    NOT NULL,
    created_at    BIGINT  NOT NULL,
    used_at       BIGINT
);
CREATE INDEX recovery_codes_account ON recovery_codes (account_id);
