-- A counter per kind of rarely changing data that instances cache in memory (clients, their
-- redirect URIs, persons). Triggers move it on every change, whoever makes it (the server,
-- the CLI, another instance, an operator's SQL); each instance reads the counters at most
-- every 100 ms and forgets its cached rows when one moved.
CREATE TABLE change_epochs (
    name TEXT PRIMARY KEY,
    epoch INTEGER NOT NULL
);
INSERT INTO change_epochs (name, epoch) VALUES ('clients', 0), ('persons', 0);

CREATE TRIGGER clients_inserted AFTER INSERT ON clients
BEGIN UPDATE change_epochs SET epoch = epoch + 1 WHERE name = 'clients'; END;
CREATE TRIGGER clients_updated AFTER UPDATE ON clients
BEGIN UPDATE change_epochs SET epoch = epoch + 1 WHERE name = 'clients'; END;
CREATE TRIGGER clients_deleted AFTER DELETE ON clients
BEGIN UPDATE change_epochs SET epoch = epoch + 1 WHERE name = 'clients'; END;
CREATE TRIGGER client_redirect_uris_inserted AFTER INSERT ON client_redirect_uris
BEGIN UPDATE change_epochs SET epoch = epoch + 1 WHERE name = 'clients'; END;
CREATE TRIGGER client_redirect_uris_updated AFTER UPDATE ON client_redirect_uris
BEGIN UPDATE change_epochs SET epoch = epoch + 1 WHERE name = 'clients'; END;
CREATE TRIGGER client_redirect_uris_deleted AFTER DELETE ON client_redirect_uris
BEGIN UPDATE change_epochs SET epoch = epoch + 1 WHERE name = 'clients'; END;
CREATE TRIGGER persons_inserted AFTER INSERT ON persons
BEGIN UPDATE change_epochs SET epoch = epoch + 1 WHERE name = 'persons'; END;
CREATE TRIGGER persons_updated AFTER UPDATE ON persons
BEGIN UPDATE change_epochs SET epoch = epoch + 1 WHERE name = 'persons'; END;
CREATE TRIGGER persons_deleted AFTER DELETE ON persons
BEGIN UPDATE change_epochs SET epoch = epoch + 1 WHERE name = 'persons'; END;
