-- Relying-party applications: what the relying-party portal will file, and the console's
-- review queue decides (approve, reject, ask for changes), each decision with a reason in the
-- staff log and a note the applicant reads here.

CREATE TABLE client_applications (
    id             TEXT    PRIMARY KEY,
    organisation   TEXT    NOT NULL,          -- the applying agency or company
    applicant      TEXT    NOT NULL,          -- who filed it (the portal's account)
    display_name   TEXT    NOT NULL,          -- the service's name, as citizens would see it
    purpose        TEXT    NOT NULL,          -- why it asks for data, as citizens would see it
    scopes         TEXT    NOT NULL,          -- space-separated, as asked for
    redirect_uris  TEXT    NOT NULL,          -- space-separated
    metadata       TEXT    NOT NULL,          -- the whole registration request (RFC 7591 JSON)
    client_id      TEXT,                      -- the client it changes or became, if any
    status         TEXT    NOT NULL CHECK (status IN ('pending', 'approved', 'rejected', 'changes_requested')),
    decision_note  TEXT,                      -- what the applicant reads about the decision
    decided_by     TEXT    REFERENCES staff (id),
    decided_at     BIGINT,
    submitted_at   BIGINT  NOT NULL
);
CREATE INDEX client_applications_status ON client_applications (status, submitted_at);
