-- The certificates an application presents to servers that ask for one
-- (up to four, as DCM assigns them). Only public parts live here: the
-- private keys are in a key file per application beside the store, whose
-- permissions say who may use them; key_sha256 names the key there.

CREATE TABLE client_certs (
    id          INTEGER PRIMARY KEY,
    app_id      TEXT    NOT NULL REFERENCES applications(id) ON DELETE CASCADE,
    position    INTEGER NOT NULL,       -- 1 is presented first when several would do
    der         BLOB    NOT NULL,
    chain       BLOB,                   -- the intermediates sent after it, DER one after another
    sha256      TEXT    NOT NULL CHECK (length(sha256) = 64),          -- lower-case hex
    label       TEXT    NOT NULL,
    subject     TEXT    NOT NULL,
    issuer      TEXT    NOT NULL,
    not_before  INTEGER NOT NULL,       -- Unix seconds
    not_after   INTEGER NOT NULL,
    key_type    TEXT    NOT NULL,       -- "RSA 2048", "EC P-256", ...
    key_sha256  TEXT    NOT NULL CHECK (length(key_sha256) = 64),      -- of the public key (SPKI)
    assigned_at INTEGER NOT NULL,
    UNIQUE (app_id, sha256),
    UNIQUE (app_id, label)
);
