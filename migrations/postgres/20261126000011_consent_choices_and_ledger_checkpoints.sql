-- Consent choices, verified logos, and the ledger's heads and signed checkpoints.

-- A client may mark some of its scopes optional: the citizen can leave them out at consent.
-- What the citizen left out is remembered beside what they agreed to, so a remembered
-- decision is not asked again.
ALTER TABLE clients ADD COLUMN optional_scopes TEXT NOT NULL DEFAULT '';
-- The logo shown on the consent page: set by the operator (verified), served from our origin.
ALTER TABLE clients ADD COLUMN logo BYTEA;
ALTER TABLE clients ADD COLUMN logo_type TEXT;
ALTER TABLE consents ADD COLUMN declined_scopes TEXT NOT NULL DEFAULT '';

-- The ledger holds security and staff events and retention markers beside releases
-- (channel), each named by `event`; for them `purpose` holds the event's description and the
-- client, claims and acr columns are empty.
ALTER TABLE releases DROP CONSTRAINT releases_channel_check;
ALTER TABLE releases ADD CONSTRAINT releases_channel_check
    CHECK (channel IN ('id_token', 'userinfo', 'saml', 'security', 'staff', 'retention'));
ALTER TABLE releases ADD COLUMN event TEXT NOT NULL DEFAULT '';
CREATE INDEX releases_person_client ON releases (person_id, client_id, seq);

-- The head of each citizen's chain. Appending locks this one row (the citizen's), never a
-- global one; `checkpointed_seq` is how far the last checkpoint covered the chain.
CREATE TABLE ledger_heads (
    person_id         TEXT    PRIMARY KEY REFERENCES persons (id),
    seq               BIGINT  NOT NULL,
    hash              TEXT    NOT NULL,
    checkpointed_seq  BIGINT  NOT NULL DEFAULT 0
);
INSERT INTO ledger_heads (person_id, seq, hash)
    SELECT r.person_id, r.seq, r.hash FROM releases r
    WHERE r.seq = (SELECT MAX(m.seq) FROM releases m WHERE m.person_id = r.person_id);

-- A signed checkpoint: an ES256 JWS over the Merkle root of every chain head at that moment
-- and the hash of the checkpoint before it.
CREATE TABLE ledger_checkpoints (
    seq         BIGINT  PRIMARY KEY,         -- 1, 2, 3 …
    created_at  BIGINT  NOT NULL,
    chains      BIGINT  NOT NULL,
    root        TEXT    NOT NULL,
    jws         TEXT    NOT NULL
);
-- The heads that changed since the checkpoint before: replaying them gives every head a
-- checkpoint covered, so its root can be recomputed.
CREATE TABLE ledger_checkpoint_heads (
    checkpoint_seq  BIGINT  NOT NULL REFERENCES ledger_checkpoints (seq),
    person_id       TEXT    NOT NULL,
    seq             BIGINT  NOT NULL,
    hash            TEXT    NOT NULL,
    PRIMARY KEY (checkpoint_seq, person_id)
);
CREATE INDEX ledger_checkpoint_heads_person ON ledger_checkpoint_heads (person_id, seq);
