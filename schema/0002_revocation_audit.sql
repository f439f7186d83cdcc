-- Revocation (CRLs and a policy per application) and the audit trail.

ALTER TABLE applications ADD COLUMN crl_policy TEXT NOT NULL DEFAULT 'none'
    CHECK (crl_policy IN ('none', 'if-present', 'required'));

CREATE TABLE crls (
    id          INTEGER PRIMARY KEY,
    der         BLOB    NOT NULL,
    sha256      TEXT    NOT NULL UNIQUE CHECK (length(sha256) = 64),
    issuer_id   INTEGER NOT NULL REFERENCES certificates(id) ON DELETE RESTRICT,
    issuer      TEXT    NOT NULL,
    this_update INTEGER NOT NULL,
    next_update INTEGER,            -- NULL when the CRL names none
    entries     INTEGER NOT NULL,
    imported_at INTEGER NOT NULL
);

CREATE TABLE audit (
    id      INTEGER PRIMARY KEY,
    time    INTEGER NOT NULL,       -- Unix seconds
    uid     INTEGER NOT NULL,
    user    TEXT    NOT NULL,
    action  TEXT    NOT NULL,
    subject TEXT    NOT NULL
);

CREATE INDEX audit_time ON audit(time);
