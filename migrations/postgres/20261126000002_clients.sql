-- Relying parties (OAuth clients) and their redirect URIs.

CREATE TABLE clients (
    id                  TEXT    PRIMARY KEY,   -- client_id
    display_name        TEXT    NOT NULL,      -- shown to citizens at consent
    purpose             TEXT    NOT NULL,      -- why it asks for data, shown at consent
    logo_uri            TEXT,
    application_type    TEXT    NOT NULL CHECK (application_type IN ('web', 'native')),
    auth_method         TEXT    NOT NULL CHECK (auth_method IN
                            ('client_secret_basic', 'client_secret_post', 'private_key_jwt')),
    secret_hash         TEXT,                  -- base64url SHA-256 of the client secret
    jwks                TEXT,                  -- inline JWKS (private_key_jwt)
    jwks_uri            TEXT,                  -- or where to fetch it
    id_token_alg        TEXT    NOT NULL CHECK (id_token_alg IN ('ES256', 'RS256')),
    scopes              TEXT    NOT NULL,      -- space-separated scopes it may ask for
    sector_id           TEXT    NOT NULL,      -- pairwise subject sector (OIDC Core §8.1)
    status              TEXT    NOT NULL CHECK (status IN ('active', 'disabled')),
    status_reason       TEXT,
    created_at          BIGINT  NOT NULL,
    updated_at          BIGINT  NOT NULL,
    CHECK ((auth_method = 'private_key_jwt') = (secret_hash IS NULL)),
    CHECK (auth_method <> 'private_key_jwt' OR jwks IS NOT NULL OR jwks_uri IS NOT NULL)
);

CREATE TABLE client_redirect_uris (
    client_id   TEXT    NOT NULL REFERENCES clients (id) ON DELETE CASCADE,
    purpose     TEXT    NOT NULL CHECK (purpose IN ('login', 'logout')),
    uri         TEXT    NOT NULL,
    PRIMARY KEY (client_id, purpose, uri)
);
