#!/usr/bin/env bash
# A certificate from a trusted CA but for another host name is refused, for
# an IP literal and for a DNS name; the right name (localhost) works.
. "$(dirname "$0")/lib.sh"
make_store ca
printf 'user %s\npwd\n' "$FTP_USER" > "$T/cmds"
FTPC_PASSWORD=$FTP_PASSWORD run "$FTPC" -d --store "$T/store.db" -s "$T/cmds" 127.0.0.1 "$WRONGHOST_PORT"
expect_status 4
expect_in "$T/err" "server certificate for 127.0.0.1 not trusted: it does not name 127.0.0.1 (host name mismatch)"
expect_in "$T/err" "it names: DNS:ftp.invalid"
expect_in "$T/err" "subject: CN=ftp.invalid"
expect_not_in "$T/err" "---> USER"

FTPC_PASSWORD=$FTP_PASSWORD run "$FTPC" -d --store "$T/store.db" -s "$T/cmds" localhost "$WRONGHOST_PORT"
expect_status 4
expect_in "$T/err" "does not name localhost"
expect_not_in "$T/err" "---> USER"
expect_no_password

# The main server's certificate names localhost: the DNS check passes.
FTPC_PASSWORD=$FTP_PASSWORD run "$FTPC" --store "$T/store.db" -s "$T/cmds" localhost "$MAIN_PORT"
expect_status 0
echo "ok: host name checked"
