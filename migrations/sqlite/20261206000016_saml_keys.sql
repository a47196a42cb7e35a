-- SAML signing keys live with the other signing keys (same lifecycle, same commands): alg
-- 'SAML-RS256', each with the DER of its self-signed X.509 certificate, which SAML metadata
-- publishes. Only SAML keys have one. SQLite cannot change a CHECK in place: rebuild.
CREATE TABLE signing_keys_v2 (
    kid          TEXT    PRIMARY KEY,          -- RFC 7638 JWK thumbprint
    alg          TEXT    NOT NULL CHECK (alg IN ('ES256', 'RS256', 'SAML-RS256')),
    public_jwk   TEXT    NOT NULL,             -- JSON, public members only
    created_at   BIGINT  NOT NULL,             -- published in the JWKS (or SAML metadata) from here
    activates_at BIGINT  NOT NULL,             -- signs from here
    retires_at   BIGINT,                       -- stops signing (its successor's activates_at)
    expires_at   BIGINT,                       -- leaves the JWKS (or SAML metadata)
    certificate  BLOB,                         -- DER X.509, SAML keys only
    CONSTRAINT signing_keys_certificate_check
        CHECK ((alg = 'SAML-RS256') = (certificate IS NOT NULL))
);
INSERT INTO signing_keys_v2 (kid, alg, public_jwk, created_at, activates_at, retires_at, expires_at)
    SELECT kid, alg, public_jwk, created_at, activates_at, retires_at, expires_at FROM signing_keys;
DROP TABLE signing_keys;
ALTER TABLE signing_keys_v2 RENAME TO signing_keys;
CREATE INDEX signing_keys_alg ON signing_keys (alg, activates_at);
