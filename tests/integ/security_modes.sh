#!/usr/bin/env bash
# The other control-connection modes against vsftpd: implicit FTPS (TLS from
# the first byte, then PBSZ 0 / PROT P as vsftpd still wants them) and a
# clear control connection, which this server refuses to log in on.
. "$(dirname "$0")/lib.sh"
make_store ca
head -c 300000 /dev/urandom > "$T/f.bin"
printf 'user %s\nput %s f-%s.bin\nget f-%s.bin %s\n' "$FTP_USER" "$T/f.bin" "$$" "$$" "$T/back.bin" > "$T/cmds"
FTPC_PASSWORD=$FTP_PASSWORD run "$FTPC" -d --seccnn implicit --store "$T/store.db" -s "$T/cmds" 127.0.0.1 "$IMPLICIT_PORT"
expect_status 0
cmp "$T/f.bin" "$IMPLICIT_ROOT/f-$$.bin" || fail "implicit upload differs"
cmp "$T/f.bin" "$T/back.bin" || fail "implicit download differs"
expect_not_in "$T/err" "AUTH"
expect_in "$T/err" "---> PROT P"
[ "$(grep -c 'data TLS.*session resumed' "$T/err")" = 2 ] || fail "implicit data connections not resumed"
expect_no_password
rm -f "$IMPLICIT_ROOT/f-$$.bin"

# Implicit FTPS verifies the server exactly like explicit.
make_store_other() { "$TRUSTD" --store "$T/other.db" import "$PKI/other-ca.pem" > /dev/null; }
make_store_other
FTPC_PASSWORD=$FTP_PASSWORD run "$FTPC" -d --seccnn implicit --store "$T/other.db" -s "$T/cmds" 127.0.0.1 "$IMPLICIT_PORT"
expect_status 4
expect_not_in "$T/err" "---> USER"

# Clear control connection: a warning, and this server refuses the login.
printf 'user %s\n' "$FTP_USER" > "$T/cmds"
FTPC_PASSWORD=$FTP_PASSWORD run "$FTPC" --seccnn none -s "$T/cmds" 127.0.0.1 "$MAIN_PORT"
expect_status 5
expect_in "$T/err" "warning: the control connection is not encrypted"
expect_no_password

# Private data needs a secure control connection.
run "$FTPC" --seccnn none --dtaprot private -s "$T/cmds" 127.0.0.1 "$MAIN_PORT"
expect_status 2
expect_in "$T/err" "--dtaprot private needs a secure control connection"
echo "ok: implicit and clear control connections"
