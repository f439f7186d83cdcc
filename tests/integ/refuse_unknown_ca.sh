#!/usr/bin/env bash
# The server's CA is not in the store: refused before USER, with the server
# certificate's subject, issuer, fingerprint and the reason.
. "$(dirname "$0")/lib.sh"
make_store other-ca
probe_user="probe-unknown-ca-$$"
printf 'user %s\nls\n' "$probe_user" > "$T/cmds"
FTPC_PASSWORD=$FTP_PASSWORD run "$FTPC" -d --store "$T/store.db" -s "$T/cmds" 127.0.0.1 "$MAIN_PORT"
expect_status 4
expect_in "$T/err" "server certificate for 127.0.0.1 not trusted"
expect_in "$T/err" "subject: CN=localhost,O=ftpc tests"
expect_in "$T/err" "issuer: CN=ftpc Test Root CA,O=ftpc tests"
fp=$(openssl x509 -in "$PKI/server.pem" -noout -fingerprint -sha256 | cut -d= -f2)
expect_in "$T/err" "SHA-256: $fp"
expect_in "$T/err" "server certificate for 127.0.0.1 not trusted: the CA that issued it, CN=ftpc Test Root CA,O=ftpc tests, is not in the trust store"
expect_in "$T/err" "trust store: $T/store.db, application ftp-client"
expect_in "$T/err" "trustd --store $T/store.db probe --app ftp-client 127.0.0.1:$MAIN_PORT"
expect_in "$T/err" "trustd --store $T/store.db import FILE"
expect_not_in "$T/err" "---> USER"
expect_not_in "$T/err" "---> PASS"
expect_no_password
sleep 0.2
expect_not_in "$MAIN_LOG" "$probe_user"
echo "ok: unknown CA refused before USER"
