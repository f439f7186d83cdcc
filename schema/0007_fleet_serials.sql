-- The highest serial a store ever installed from snapshots signed under
-- each signer CA (its DER, as pinned). Kept through unsubscribe and
-- subscribe again, so that a replay of an older snapshot is still refused
-- afterwards (docs/fleet.md). Local state: a snapshot never carries it.
CREATE TABLE fleet_serials (
    signer_ca BLOB    PRIMARY KEY,
    serial    INTEGER NOT NULL,
    sha256    TEXT    NOT NULL CHECK (length(sha256) = 64)  -- of the snapshot installed under it
);

INSERT INTO fleet_serials (signer_ca, serial, sha256)
SELECT s.signer_ca, i.serial, i.sha256 FROM fleet_subscription s, fleet_installed i;
