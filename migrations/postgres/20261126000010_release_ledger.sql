-- The data-release ledger: every release of a citizen's data, as a hash chain per citizen
-- (each record commits to the one before it), so a deleted, edited or reordered record shows.
-- Records outlive the relying party that received the data: no foreign key to clients.

CREATE TABLE releases (
    id           TEXT    PRIMARY KEY,
    person_id    TEXT    NOT NULL REFERENCES persons (id),
    seq          BIGINT  NOT NULL,           -- 1, 2, 3 … per person
    client_id    TEXT    NOT NULL,
    client_name  TEXT    NOT NULL,
    purpose      TEXT    NOT NULL,
    claims       TEXT    NOT NULL,           -- claim names, space-separated (never values)
    acr          TEXT    NOT NULL,
    channel      TEXT    NOT NULL CHECK (channel IN ('id_token', 'userinfo', 'saml')),
    created_at   BIGINT  NOT NULL,
    prev_hash    TEXT    NOT NULL,
    hash         TEXT    NOT NULL,
    UNIQUE (person_id, seq)
);
