-- A counter per kind of rarely changing data that instances cache in memory (clients, their
-- redirect URIs, persons). Triggers move it on every change, whoever makes it (the server,
-- the CLI, another instance, an operator's SQL); each instance reads the counters at most
-- every 100 ms and forgets its cached rows when one moved.
CREATE TABLE change_epochs (
    name TEXT PRIMARY KEY,
    epoch BIGINT NOT NULL
);
INSERT INTO change_epochs (name, epoch) VALUES ('clients', 0), ('persons', 0);

CREATE FUNCTION bump_change_epoch() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE change_epochs SET epoch = epoch + 1 WHERE name = TG_ARGV[0];
    RETURN NULL;
END
$$;

CREATE TRIGGER clients_changed AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON clients
    FOR EACH STATEMENT EXECUTE FUNCTION bump_change_epoch('clients');
CREATE TRIGGER client_redirect_uris_changed AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON client_redirect_uris
    FOR EACH STATEMENT EXECUTE FUNCTION bump_change_epoch('clients');
CREATE TRIGGER persons_changed AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON persons
    FOR EACH STATEMENT EXECUTE FUNCTION bump_change_epoch('persons');
