-- The first trust store: CA certificates, application definitions and the
-- membership of certificates in each application's CA trust list (as DCM).

CREATE TABLE certificates (
    id          INTEGER PRIMARY KEY,
    der         BLOB    NOT NULL,
    sha256      TEXT    NOT NULL UNIQUE CHECK (length(sha256) = 64),  -- lower-case hex
    label       TEXT    NOT NULL UNIQUE,
    subject     TEXT    NOT NULL,
    issuer      TEXT    NOT NULL,
    serial      TEXT    NOT NULL,                                      -- upper-case hex
    not_before  INTEGER NOT NULL,                                      -- Unix seconds
    not_after   INTEGER NOT NULL,
    is_ca       INTEGER NOT NULL CHECK (is_ca IN (0, 1)),
    enabled     INTEGER NOT NULL DEFAULT 1 CHECK (enabled IN (0, 1)),
    imported_at INTEGER NOT NULL
);

CREATE TABLE applications (
    id                 TEXT    PRIMARY KEY,
    description        TEXT    NOT NULL DEFAULT '',
    type               TEXT    NOT NULL CHECK (type IN ('client', 'server')),
    trust_list_defined INTEGER NOT NULL DEFAULT 0 CHECK (trust_list_defined IN (0, 1))
);

CREATE TABLE trust_list (
    app_id  TEXT    NOT NULL REFERENCES applications(id) ON DELETE CASCADE,
    cert_id INTEGER NOT NULL REFERENCES certificates(id) ON DELETE RESTRICT,
    PRIMARY KEY (app_id, cert_id)
);

-- The FTP client's definition: no trust list, so it trusts every enabled CA.
INSERT INTO applications (id, description, type, trust_list_defined)
VALUES ('ftp-client', 'FTP client (ftpc)', 'client', 0);
