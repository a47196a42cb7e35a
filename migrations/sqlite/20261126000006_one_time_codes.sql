-- One-time sign-in codes sent by e-mail (the low-assurance fallback).

CREATE TABLE otp_challenges (
    id            TEXT    PRIMARY KEY,
    account_id    TEXT    NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    code_hash     TEXT    NOT NULL,
    attempts      BIGINT  NOT NULL,
    created_at    BIGINT  NOT NULL,
    expires_at    BIGINT  NOT NULL,
    used_at       BIGINT
);
CREATE INDEX otp_challenges_account ON otp_challenges (account_id, created_at);
