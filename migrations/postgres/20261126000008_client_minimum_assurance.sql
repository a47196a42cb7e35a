-- A relying party's registered minimum assurance (OIDC Registration default_acr_values): its
-- sign-ins are stepped up to at least this level whatever the request asks.

ALTER TABLE clients ADD COLUMN min_acr TEXT;
