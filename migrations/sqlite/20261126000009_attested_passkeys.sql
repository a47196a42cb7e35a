-- Attested, device-bound passkeys from authenticators on the operator's allow-list give
-- assurance "high"; the AAGUID names the authenticator model.

ALTER TABLE passkeys ADD COLUMN kind TEXT NOT NULL DEFAULT 'passkey' CHECK (kind IN ('passkey', 'attested'));
ALTER TABLE passkeys ADD COLUMN aaguid TEXT;
