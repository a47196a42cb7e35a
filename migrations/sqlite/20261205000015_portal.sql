-- The relying-party portal: test persons, organisations and their members, sandbox and
-- production clients, secret rotation, key use, and each client's failures and daily counts.

-- Test persons: synthetic, flagged in the registry. Sandbox clients sign in only them;
-- production clients never. The demo population is one such set.
ALTER TABLE persons ADD COLUMN test BOOLEAN NOT NULL DEFAULT FALSE;
UPDATE persons SET test = TRUE WHERE source = 'demo';

-- A developer: a person who signed in to the portal (the portal is a relying party of its
-- own provider; `id` is the subject it received).
CREATE TABLE developers (
    id             TEXT    PRIMARY KEY,
    name           TEXT    NOT NULL,
    email          TEXT,
    first_seen_at  BIGINT  NOT NULL,
    last_seen_at   BIGINT  NOT NULL
);

CREATE TABLE organisations (
    id                   TEXT    PRIMARY KEY,
    legal_name           TEXT    NOT NULL,
    registration_number  TEXT    NOT NULL UNIQUE,
    contact_email        TEXT    NOT NULL,
    created_by           TEXT    NOT NULL REFERENCES developers (id),
    created_at           BIGINT  NOT NULL
);

CREATE TABLE organisation_members (
    organisation_id  TEXT    NOT NULL REFERENCES organisations (id),
    developer_id     TEXT    NOT NULL REFERENCES developers (id),
    role             TEXT    NOT NULL CHECK (role IN ('owner', 'developer', 'viewer')),
    added_by         TEXT    NOT NULL,
    added_at         BIGINT  NOT NULL,
    PRIMARY KEY (organisation_id, developer_id)
);
CREATE INDEX organisation_members_developer ON organisation_members (developer_id);

-- Invitations by e-mail: the link carries a random token (only its hash is kept), single use.
CREATE TABLE organisation_invitations (
    token_hash       TEXT    PRIMARY KEY,
    organisation_id  TEXT    NOT NULL REFERENCES organisations (id),
    email            TEXT    NOT NULL,
    role             TEXT    NOT NULL CHECK (role IN ('owner', 'developer', 'viewer')),
    invited_by       TEXT    NOT NULL REFERENCES developers (id),
    created_at       BIGINT  NOT NULL,
    expires_at       BIGINT  NOT NULL,
    accepted_by      TEXT    REFERENCES developers (id),
    accepted_at      BIGINT
);
CREATE INDEX organisation_invitations_org ON organisation_invitations (organisation_id, created_at);

-- Every change to an organisation or its clients, with who made it (a developer, or staff
-- for review decisions: `actor` names which).
CREATE TABLE portal_log (
    id               TEXT    PRIMARY KEY,
    organisation_id  TEXT    NOT NULL REFERENCES organisations (id),
    actor            TEXT    NOT NULL,
    action           TEXT    NOT NULL,
    subject          TEXT    NOT NULL,
    detail           TEXT    NOT NULL,
    at               BIGINT  NOT NULL
);
CREATE INDEX portal_log_org ON portal_log (organisation_id, at);

-- Sandbox clients sign in only test persons, production clients only real ones. Clients
-- from before are production (operator-registered).
ALTER TABLE clients ADD COLUMN environment TEXT NOT NULL DEFAULT 'production'
    CHECK (environment IN ('sandbox', 'production'));
ALTER TABLE clients ADD COLUMN organisation_id TEXT REFERENCES organisations (id);
-- The sandbox client a production client was reviewed from (and the reverse link's source).
ALTER TABLE clients ADD COLUMN sandbox_client_id TEXT;
-- Secret rotation: the previous secret stays valid until `previous_secret_expires_at`.
ALTER TABLE clients ADD COLUMN previous_secret_hash TEXT;
ALTER TABLE clients ADD COLUMN previous_secret_expires_at BIGINT;
-- When the secret was last replaced (NULL: never since registration; a production client
-- from the portal then has a secret nobody has seen).
ALTER TABLE clients ADD COLUMN secret_changed_at BIGINT;

-- Applications from the portal: the organisation and sandbox client they come from, and the
-- legal basis given for restricted scopes.
ALTER TABLE client_applications ADD COLUMN organisation_id TEXT REFERENCES organisations (id);
ALTER TABLE client_applications ADD COLUMN sandbox_client_id TEXT;
ALTER TABLE client_applications ADD COLUMN legal_basis TEXT;
CREATE INDEX client_applications_org ON client_applications (organisation_id, submitted_at);

-- When each key of a private_key_jwt client last signed an accepted assertion (written at
-- most every ten minutes per key; a key without a kid is named by its RFC 7638 thumbprint).
CREATE TABLE client_key_uses (
    client_id     TEXT    NOT NULL REFERENCES clients (id) ON DELETE CASCADE,
    kid           TEXT    NOT NULL,
    last_used_at  BIGINT  NOT NULL,
    PRIMARY KEY (client_id, kid)
);

-- Failed authorization and token requests, per client, for "Test my integration": the rule
-- broken and the fix (our texts, never personal data). Kept 24 hours, bounded per client.
-- `kind` is the stable key of what went wrong (`oidc::client_failures::FailureKind`), which
-- picks the fix shown; `rule` is the description the client was given.
CREATE TABLE client_failures (
    id         TEXT    PRIMARY KEY,
    client_id  TEXT    NOT NULL,
    at         BIGINT  NOT NULL,
    endpoint   TEXT    NOT NULL,
    error      TEXT    NOT NULL,
    kind       TEXT    NOT NULL,
    rule       TEXT    NOT NULL
);
CREATE INDEX client_failures_client ON client_failures (client_id, at);

-- Failures per client and day (UTC), kept 31 days, for the usage chart. Sign-ins per day are
-- counted from the ledger.
CREATE TABLE client_daily_failures (
    client_id  TEXT    NOT NULL,
    day        BIGINT  NOT NULL,   -- unix time of the day's start (UTC)
    failures   BIGINT  NOT NULL,
    PRIMARY KEY (client_id, day)
);
CREATE INDEX releases_client ON releases (client_id, created_at);
