#!/usr/bin/env bash
# TLS 1.2 renegotiation asked for by a real ProFTPD (mod_tls TLSRenegotiate).
# ftpc refuses every renegotiation (a no_renegotiation warning): OpenSSL 3
# servers do not complete the ones they ask for, and a handshake left open
# at the end of a transfer kept close_notify from being sent.
# - proreneg asks on data connections after every 4 MiB it writes
#   ("required off"): the refusal is taken, every byte arrives both ways,
#   and no data connection ends in the middle of a handshake.
# - prorenegctl asks on the control connection every second: ProFTPD treats
#   the refusal as fatal and drops the session ("no renegotiation"); ftpc
#   says the server had asked to renegotiate and what to do.
. "$(dirname "$0")/lib.sh"
make_store ca
ftpc() { FTPC_PASSWORD=$FTP_PASSWORD run "$FTPC" -d --store "$T/store.db" "$@"; }

server proreneg
head -c 20000000 /dev/urandom > "$T/big.bin"
cp "$T/big.bin" "$ROOT/big-$$.bin"
chown "$FTP_USER" "$ROOT/big-$$.bin"
tls_log=${LOG%.log}.run/tls.log
printf 'user %s\nget big-%s.bin %s\nls\nput %s up-%s.bin\nget up-%s.bin %s\n' \
    "$FTP_USER" "$$" "$T/down.bin" "$T/big.bin" "$$" "$$" "$T/back.bin" > "$T/cmds"
ftpc -s "$T/cmds" 127.0.0.1 "$PORT"
expect_status 0
expect_no_password
cmp "$T/big.bin" "$T/down.bin" || fail "download during renegotiation requests differs"
cmp "$T/big.bin" "$ROOT/up-$$.bin" || fail "upload differs on the server"
cmp "$T/big.bin" "$T/back.bin" || fail "second download differs"
expect_in "$T/err" "---- TLS TLSv1.2"
# The case really happened: the server asked, on the data connections.
expect_in "$tls_log" "requesting TLS renegotiation on data channel"
# Each data connection ends with our close_notify, none in the middle of a
# handshake. The listing and the upload (ProFTPD asks only when it writes,
# and the listing is short) deliver it. On a download the refusals are held
# until the server's close_notify was read (ProFTPD closing with them unread
# reset the connection and lost the tail for a slow client, seen under
# AddressSanitizer); by then ProFTPD has often closed, and our close_notify
# meets "Broken pipe": the file is still complete (close_notify, 226, size).
[ "$(grep -c -- "---- data TLS" "$T/err")" = 8 ] || { cat "$T/err"; fail "expected four TLS data connections, each closed"; }
[ "$(grep -c -- "---- data TLS: close_notify sent" "$T/err")" -ge 2 ] || { cat "$T/err"; fail "the listing and the upload did not end with close_notify"; }
if grep -- "---- data TLS: no close_notify sent" "$T/err" | grep -vqE "Broken pipe|Connection reset"; then
    cat "$T/err"; fail "close_notify was not sent for another reason than the server's reset"
fi
expect_not_in "$T/err" "shutdown while in init"
expect_not_in "$T/err" "a TLS handshake did not end"
expect_not_in "$tls_log" "shutdown while in init"
expect_not_in "$tls_log" "panic"
rm -f "$ROOT/big-$$.bin" "$ROOT/up-$$.bin"

# The control connection: ProFTPD (OpenSSL 3) asks, and ends the session at
# the refusal; the message says why. (Accepting fails too: the server then
# refuses the client's ClientHello with a no_renegotiation alert.) The
# server asks after 1 s of the session, later on a loaded machine: the
# commands follow once its log says it asked in this session (a line more
# than before it: the server is shared, and an earlier session's line is
# no sign; at most 30 s), and 1 s more.
server prorenegctl
tls_log=${LOG%.log}.run/tls.log
ctl_asks() { local n; n=$(grep -c "requesting TLS renegotiation on control channel" "$tls_log" 2> /dev/null); echo "${n:-0}"; }
asks_before=$(ctl_asks)
asked() { [ "$(ctl_asks)" -gt "$asks_before" ]; }
FTPC_PASSWORD=$FTP_PASSWORD run "$FTPC" -d --store "$T/store.db" 127.0.0.1 "$PORT" \
    < <(printf 'user %s\n' "$FTP_USER"
        for _ in $(seq 1 300); do asked && break; sleep 0.1; done
        sleep 1; printf 'pwd\npwd\nls\n')
expect_status 4
expect_no_password
expect_in "$tls_log" "requesting TLS renegotiation on control channel"
expect_in "$T/err" "(the server had asked to renegotiate TLS, which ftpc refuses: ask its administrator to turn TLS renegotiation off)"
expect_in "$tls_log" "no renegotiation"
expect_not_in "$T/err" "---- data TLS"
echo "ok: TLS renegotiation asked for by ProFTPD"
