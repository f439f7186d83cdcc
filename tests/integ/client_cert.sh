#!/usr/bin/env bash
# A server that requires a client certificate: refused without one, served
# with one (on the control and on every data connection), and bad
# certificate options are one clear error.
. "$(dirname "$0")/lib.sh"
make_store ca
server clientcert
head -c 100000 /dev/urandom > "$T/f"
printf 'user %s\nput %s f\nget f %s\n' "$FTP_USER" "$T/f" "$T/back" > "$T/cmds"
FTPC_PASSWORD=$FTP_PASSWORD run "$FTPC" --store "$T/store.db" -s "$T/cmds" 127.0.0.1 "$PORT"
[ "$status" = 4 ] || [ "$status" = 3 ] || { cat "$T/err"; fail "no client certificate: status $status"; }
expect_not_in "$T/out" "$FTP_PASSWORD"

FTPC_PASSWORD=$FTP_PASSWORD run "$FTPC" -d --store "$T/store.db" --cert "$PKI/client.pem" --key "$PKI/client.key" \
    -s "$T/cmds" 127.0.0.1 "$PORT"
expect_status 0
cmp "$T/f" "$T/back" || fail "download differs"
[ "$(grep -c 'data TLS.*session resumed' "$T/err")" = 2 ] || fail "data connections did not resume"

# A key that does not match, a missing file, --key without --cert.
FTPC_PASSWORD=$FTP_PASSWORD run "$FTPC" --store "$T/store.db" --cert "$PKI/client.pem" --key "$PKI/server.key" \
    -s "$T/cmds" 127.0.0.1 "$PORT"
expect_status 7
expect_in "$T/err" "does not match certificate"
run "$FTPC" --store "$T/store.db" --cert "$T/nothing.pem" -s "$T/cmds" 127.0.0.1 "$PORT"
expect_status 7
expect_in "$T/err" "cannot use client certificate $T/nothing.pem"
run "$FTPC" --key "$PKI/client.key" 127.0.0.1 "$PORT"
expect_status 2
echo "ok: client certificates"
