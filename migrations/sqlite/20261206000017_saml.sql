-- SAML 2.0 service providers, registered by the operator from their metadata. Each is also a
-- row of `clients` (protocol 'saml'), so consent, the ledger, pairwise subjects, environments
-- and the console treat it like any relying party; OpenID Connect never accepts such a client.

ALTER TABLE clients ADD COLUMN protocol TEXT NOT NULL DEFAULT 'oidc'
    CHECK (protocol IN ('oidc', 'saml'));

CREATE TABLE saml_service_providers (
    client_id               TEXT    PRIMARY KEY REFERENCES clients (id) ON DELETE CASCADE,
    entity_id               TEXT    NOT NULL UNIQUE,
    authn_requests_signed   BOOLEAN NOT NULL,  -- its AuthnRequests must be signed
    encrypt_assertions      BOOLEAN NOT NULL,  -- its assertions are encrypted
    signing_certificates    TEXT    NOT NULL,  -- JSON array of base64 DER certificates
    encryption_certificate  TEXT,              -- base64 DER
    requested_attributes    TEXT    NOT NULL,  -- JSON array of {"name", "required"}
    metadata_source         TEXT    NOT NULL,  -- the file or URL the metadata came from
    created_at              BIGINT  NOT NULL,
    updated_at              BIGINT  NOT NULL
);

-- Assertion consumer services (HTTP-POST) and single logout services, in metadata order.
CREATE TABLE saml_endpoints (
    client_id          TEXT    NOT NULL REFERENCES saml_service_providers (client_id) ON DELETE CASCADE,
    kind               TEXT    NOT NULL CHECK (kind IN ('acs', 'slo')),
    seq                BIGINT  NOT NULL,       -- position in the metadata, per kind
    location           TEXT    NOT NULL,
    binding            TEXT    NOT NULL,
    idx                BIGINT,                 -- the metadata's index (ACS)
    is_default         BOOLEAN NOT NULL,
    response_location  TEXT,
    PRIMARY KEY (client_id, kind, seq)
);

-- The IDs of SAML requests already accepted, per issuer, until they would be too old anyway
-- (replay protection).
CREATE TABLE saml_request_ids (
    issuer       TEXT    NOT NULL,
    request_id   TEXT    NOT NULL,
    expires_at   BIGINT  NOT NULL,
    PRIMARY KEY (issuer, request_id)
);
