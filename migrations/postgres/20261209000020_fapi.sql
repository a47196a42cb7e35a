-- FAPI 2.0 (issue 17): per-client profile and response options, pushed authorization requests,
-- DPoP-bound tokens, request-object and DPoP proof ids seen, and purpose-bound sign-in.

-- `fapi2`: the FAPI 2.0 Security Profile applies (PAR, DPoP, private_key_jwt); else `standard`.
ALTER TABLE clients ADD COLUMN profile TEXT NOT NULL DEFAULT 'standard';
-- RFC 9126 §6: the client may use pushed authorization requests only.
ALTER TABLE clients ADD COLUMN require_par BOOLEAN NOT NULL DEFAULT FALSE;
-- RFC 9449 §5.2 `dpop_bound_access_tokens`: every token request carries a DPoP proof.
ALTER TABLE clients ADD COLUMN dpop_bound BOOLEAN NOT NULL DEFAULT FALSE;
-- OIDC Registration §2: encrypted ID tokens and signed or encrypted userinfo responses.
ALTER TABLE clients ADD COLUMN id_token_enc_alg TEXT;
ALTER TABLE clients ADD COLUMN id_token_enc_enc TEXT;
ALTER TABLE clients ADD COLUMN userinfo_signed_alg TEXT;
ALTER TABLE clients ADD COLUMN userinfo_enc_alg TEXT;
ALTER TABLE clients ADD COLUMN userinfo_enc_enc TEXT;
-- OpenID Connect Back-Channel Logout 1.0 §2.2.
ALTER TABLE clients ADD COLUMN backchannel_logout_uri TEXT;
ALTER TABLE clients ADD COLUMN backchannel_logout_session_required BOOLEAN NOT NULL DEFAULT FALSE;

-- RFC 9126: a pushed request, single use, found by the hash of its request_uri.
CREATE TABLE pushed_requests (
    request_uri_hash  TEXT    PRIMARY KEY,
    client_id         TEXT    NOT NULL REFERENCES clients (id) ON DELETE CASCADE,
    params            TEXT    NOT NULL,          -- JSON: the request's parameters, checked
    dpop_jkt          TEXT,                      -- RFC 9449 §10: the key the code is bound to
    created_at        BIGINT  NOT NULL,
    expires_at        BIGINT  NOT NULL,
    used_at           BIGINT
);
CREATE INDEX pushed_requests_expiry ON pushed_requests (expires_at);

-- Ids of signed request objects (per client) and DPoP proofs (per key) seen, until they
-- expire: a second use is a replay, on whichever instance it arrives.
CREATE TABLE used_jtis (
    kind          TEXT    NOT NULL CHECK (kind IN ('request', 'dpop')),
    owner         TEXT    NOT NULL,              -- client_id, or the DPoP key's thumbprint
    jti           TEXT    NOT NULL,
    expires_at    BIGINT  NOT NULL,
    PRIMARY KEY (kind, owner, jti)
);
CREATE INDEX used_jtis_expiry ON used_jtis (expires_at);

-- The DPoP key a code (from PAR's dpop_jkt) or an access token is bound to.
ALTER TABLE authorization_codes ADD COLUMN dpop_jkt TEXT;
ALTER TABLE tokens ADD COLUMN dpop_jkt TEXT;
-- The purpose the relying party gave for this sign-in (shown, and recorded with releases).
ALTER TABLE authorization_codes ADD COLUMN purpose TEXT;
ALTER TABLE grants ADD COLUMN purpose TEXT;
