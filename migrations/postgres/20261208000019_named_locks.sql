-- Named locks for work that runs once at a time across instances (key rotation, ledger
-- checkpoints, the staff log, the portal's own client): a row locked by an upsert until the
-- transaction ends. Row locks work on PostgreSQL and on the distributed engines that have no
-- advisory locks (this replaces pg_advisory_xact_lock).
CREATE TABLE named_locks (
    id          BIGINT  PRIMARY KEY,
    taken_at    BIGINT  NOT NULL DEFAULT 0
);
