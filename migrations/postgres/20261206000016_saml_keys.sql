-- SAML signing keys live with the other signing keys (same lifecycle, same commands): alg
-- 'SAML-RS256', each with the DER of its self-signed X.509 certificate, which SAML metadata
-- publishes. Only SAML keys have one.
ALTER TABLE signing_keys DROP CONSTRAINT signing_keys_alg_check;
ALTER TABLE signing_keys ADD CONSTRAINT signing_keys_alg_check
    CHECK (alg IN ('ES256', 'RS256', 'SAML-RS256'));
ALTER TABLE signing_keys ADD COLUMN certificate BYTEA;           -- DER X.509, SAML keys only
ALTER TABLE signing_keys ADD CONSTRAINT signing_keys_certificate_check
    CHECK ((alg = 'SAML-RS256') = (certificate IS NOT NULL));
