-- A fleet's trust policy (docs/fleet.md): a publisher signs numbered
-- snapshots of what the fleet owns (certificates, CRLs, applications and
-- their trust lists); a subscriber installs them. These tables are local
-- state: a snapshot never carries them, and installing one never changes
-- them but for the record of what was installed.

-- A managed store's subscription, one row or none. The signer CA is kept
-- here, apart from everything a snapshot carries, so that no snapshot can
-- change who may sign the next one.
CREATE TABLE fleet_subscription (
    id            INTEGER PRIMARY KEY CHECK (id = 1),
    url           TEXT    NOT NULL,        -- the published folder
    signer_ca     BLOB    NOT NULL,        -- DER of the pinned signer CA
    tls_ca        BLOB,                    -- PEM of the web server's CA; NULL: the system bundle
    subscribed_at INTEGER NOT NULL,        -- Unix seconds
    etag          TEXT,                    -- the manifest's, for If-None-Match
    fetched_at    INTEGER,                 -- the last manifest fetch that answered
    last_error    TEXT,                    -- the last sync's refusal, NULL after a good one
    last_error_at INTEGER
);

-- The snapshot installed, one row or none: its manifest's fields.
CREATE TABLE fleet_installed (
    id           INTEGER PRIMARY KEY CHECK (id = 1),
    serial       INTEGER NOT NULL,
    created      INTEGER NOT NULL,
    not_after    INTEGER NOT NULL,
    on_stale     TEXT    NOT NULL CHECK (on_stale IN ('warn', 'refuse')),
    sha256       TEXT    NOT NULL CHECK (length(sha256) = 64),
    size         INTEGER NOT NULL,
    installed_at INTEGER NOT NULL
);

-- A publisher's last serial, so the next one is larger.
CREATE TABLE fleet_publisher (
    id           INTEGER PRIMARY KEY CHECK (id = 1),
    serial       INTEGER NOT NULL,
    published_at INTEGER NOT NULL
);
