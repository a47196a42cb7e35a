-- Twin of the PostgreSQL migration: on SQLite `BEGIN IMMEDIATE` already admits one writer at
-- a time, so the table stays empty; it exists so both schemas match.
CREATE TABLE named_locks (
    id          BIGINT  PRIMARY KEY,
    taken_at    BIGINT  NOT NULL DEFAULT 0
);
