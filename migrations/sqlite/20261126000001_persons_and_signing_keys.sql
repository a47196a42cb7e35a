-- The population registry (the once-only source of person data) and signing-key state.
-- Times are unix seconds (BIGINT); ids are TEXT.

CREATE TABLE persons (
    id             TEXT    PRIMARY KEY,
    national_id    TEXT    NOT NULL UNIQUE,
    family_name    TEXT    NOT NULL,
    given_names    TEXT    NOT NULL,
    birth_date     TEXT    NOT NULL,           -- ISO 8601 calendar date
    sex            TEXT    NOT NULL CHECK (sex IN ('F', 'M', 'X')),
    nationality    TEXT    NOT NULL,           -- ISO 3166-1 alpha-3
    street_address TEXT    NOT NULL,
    postal_code    TEXT    NOT NULL,
    locality       TEXT    NOT NULL,
    country        TEXT    NOT NULL,           -- ISO 3166-1 alpha-2
    email          TEXT,
    phone          TEXT,                       -- E.164
    source         TEXT    NOT NULL CHECK (source IN ('registry', 'demo')),
    created_at     BIGINT  NOT NULL,
    updated_at     BIGINT  NOT NULL
);

CREATE TABLE signing_keys (
    kid          TEXT    PRIMARY KEY,          -- RFC 7638 JWK thumbprint
    alg          TEXT    NOT NULL CHECK (alg IN ('ES256', 'RS256')),
    public_jwk   TEXT    NOT NULL,             -- JSON, public members only
    created_at   BIGINT  NOT NULL,             -- published in the JWKS from here
    activates_at BIGINT  NOT NULL,             -- signs from here
    retires_at   BIGINT,                       -- stops signing (its successor's activates_at)
    expires_at   BIGINT                        -- leaves the JWKS
);

CREATE INDEX signing_keys_alg ON signing_keys (alg, activates_at);
