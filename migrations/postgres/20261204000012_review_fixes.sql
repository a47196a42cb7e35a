-- Review fixes: registered grant types, consents for one request only, recovery-code lookups.

-- RFC 7591 grant_types as registered (space-separated). Clients registered before this kept
-- receiving refresh tokens, so they keep both; new registrations default to
-- authorization_code alone.
ALTER TABLE clients ADD COLUMN grant_types TEXT NOT NULL DEFAULT 'authorization_code refresh_token';

-- "Only this time" at consent: the row lets the tokens of that one request work (for the
-- access token's life) but never stands in for the citizen's answer to another request.
ALTER TABLE consents ADD COLUMN once_only BIGINT NOT NULL DEFAULT 0;

-- A recovery code's public first group: an attempt finds its one row and checks one argon2id
-- hash. NULL for codes made before (checked the old way until the citizen renews them).
ALTER TABLE recovery_codes ADD COLUMN lookup TEXT;
CREATE INDEX recovery_codes_lookup ON recovery_codes (account_id, lookup);
