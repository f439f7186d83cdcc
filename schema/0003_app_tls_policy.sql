-- The application's TLS policy: protocol bounds, cipher lists and SNI.
-- NULL is the default (TLS 1.2 to the newest, OpenSSL's cipher lists).

ALTER TABLE applications ADD COLUMN tls_min TEXT CHECK (tls_min IN ('1.2', '1.3'));
ALTER TABLE applications ADD COLUMN tls_max TEXT CHECK (tls_max IN ('1.2', '1.3'));
ALTER TABLE applications ADD COLUMN ciphers TEXT;
ALTER TABLE applications ADD COLUMN ciphersuites TEXT;
ALTER TABLE applications ADD COLUMN sni INTEGER NOT NULL DEFAULT 1 CHECK (sni IN (0, 1));
