#!/usr/bin/env bash
# The application's TLS policy (trustd app set --tls-min ...) is ftpc's:
# - an application limited to TLS 1.3 refuses a TLS 1.2-only server, and
#   the message names the application's policy;
# - its ciphers and suites are the ones negotiated, on control and data
#   (ftpc's trace and the server's own log say so);
# - the command line may narrow it (a higher minimum, a lower maximum, a
#   cipher list within the application's), never widen it: that is a
#   usage error (exit 2) naming the application, before anything is sent;
# - SNI off sends no server name, and the name is still checked;
# - status and -d say which setting came from where.
. "$(dirname "$0")/lib.sh"
make_store ca
S=(--store "$T/store.db")
ftpc() { FTPC_PASSWORD=$FTP_PASSWORD run "$FTPC" -d --store "$T/store.db" "$@"; }
printf 'user %s\nls\nstatus\n' "$FTP_USER" > "$T/cmds"

# TLS 1.3 only: the TLS 1.2-only ProFTPD is refused, fail closed.
"$TRUSTD" "${S[@]}" app set ftp-client --tls-min 1.3 > /dev/null
server proreneg
RENEG_PORT=$PORT
ftpc -s "$T/cmds" 127.0.0.1 "$RENEG_PORT"
expect_status 4
expect_in "$T/err" "the server offers no TLS version ftpc allows (TLS 1.3 or newer)"
expect_in "$T/err" "the TLS policy of this run, from application ftp-client"
expect_in "$T/err" "TLS 1.3 (application)"
expect_in "$T/err" "trustd --store $T/store.db app show ftp-client"
expect_not_in "$T/err" "---> USER"
# The same application reaches a server that offers TLS 1.3.
ftpc -s "$T/cmds" 127.0.0.1 "$MAIN_PORT"
expect_status 0
expect_in "$T/err" "---- TLS policy of application ftp-client: TLS 1.3 (application) to the newest (default)"
expect_in "$T/err" "---- TLS TLSv1.3"
expect_in "$T/out" "TLS policy (application ftp-client): TLS 1.3 (application)"

# Widening is refused before any connection, naming the application.
ftpc --tls-max 1.2 -s "$T/cmds" 127.0.0.1 "$MAIN_PORT"
expect_status 2
expect_in "$T/err" "--tls-max 1.2: application ftp-client requires TLS 1.3 or newer (trustd --store $T/store.db app show ftp-client)"
expect_not_in "$T/err" "---- TLS"
expect_not_in "$T/err" "<--- 220"
ftpc --tls-min 1.2 -s "$T/cmds" 127.0.0.1 "$MAIN_PORT"
expect_status 2
expect_in "$T/err" "--tls-min 1.2: application ftp-client requires TLS 1.3 or newer"

# TLS 1.2 with the application's ciphers: those are negotiated, on the
# control and the data connection; narrowing with --tls-max is allowed.
"$TRUSTD" "${S[@]}" app set ftp-client --unset tls-min --tls-max 1.2 \
    --ciphers 'ECDHE-RSA-AES128-GCM-SHA256:ECDHE-RSA-CHACHA20-POLY1305' > /dev/null
ftpc -s "$T/cmds" 127.0.0.1 "$MAIN_PORT"
expect_status 0
expect_in "$T/err" "---- TLS TLSv1.2, ECDHE-RSA-AES128-GCM-SHA256"
expect_in "$T/err" "data TLS TLSv1.2, ECDHE-RSA-AES128-GCM-SHA256, session resumed"
expect_in "$T/out" "TLS 1.2 ciphers ECDHE-RSA-AES128-GCM-SHA256:ECDHE-RSA-CHACHA20-POLY1305 (application)"
# The server's own log names the same cipher: a ProFTPD of this test's
# own, so that no other test's session is in its TLS log.
: "${SCRIPTS:?}"
own=proftpd-policy-$$
trap '"$SCRIPTS/local-ftpd" stop "$WORK" "$own" > /dev/null 2>&1 || true; rm -rf "$T"' EXIT
"$SCRIPTS/local-ftpd" start "$WORK" "$own" proftpd "$PKI/server.pem" "$PKI/server.key" > /dev/null
server "$own"
ftpc -s "$T/cmds" 127.0.0.1 "$PORT"
expect_status 0
cp "$TLSLOG" "$T/tlslog"
# (ProFTPD prefers its own order: either of the application's two.)
ours='using cipher (ECDHE-RSA-AES128-GCM-SHA256|ECDHE-RSA-CHACHA20-POLY1305) '
grep -qE "TLSv1.2 connection accepted, $ours" "$T/tlslog" ||
    { cat "$T/tlslog"; fail "ProFTPD did not log one of the application's ciphers"; }
grep -qE "TLSv1.2 data connection accepted, $ours" "$T/tlslog" ||
    { cat "$T/tlslog"; fail "ProFTPD's data connection used another cipher"; }
if grep "using cipher" "$T/tlslog" | grep -vqE "$ours"; then
    cat "$T/tlslog"; fail "a cipher outside the application's list in ProFTPD's log"
fi
# A list within the application's narrows it: that cipher is used.
ftpc --ciphers ECDHE-RSA-CHACHA20-POLY1305 -s "$T/cmds" 127.0.0.1 "$MAIN_PORT"
expect_status 0
expect_in "$T/err" "---- TLS TLSv1.2, ECDHE-RSA-CHACHA20-POLY1305"
expect_in "$T/err" "TLS 1.2 ciphers ECDHE-RSA-CHACHA20-POLY1305 (command line)"
# A cipher outside it, or a lower security level, is refused.
ftpc --ciphers ECDHE-RSA-AES256-GCM-SHA384 -s "$T/cmds" 127.0.0.1 "$MAIN_PORT"
expect_status 2
expect_in "$T/err" "--ciphers ECDHE-RSA-AES256-GCM-SHA384: application ftp-client allows only its own TLS 1.2 ciphers"
expect_in "$T/err" "ECDHE-RSA-AES256-GCM-SHA384 is not among them"
expect_not_in "$T/err" "<--- 220"
ftpc --ciphers 'ECDHE-RSA-AES128-GCM-SHA256:@SECLEVEL=0' -s "$T/cmds" 127.0.0.1 "$MAIN_PORT"
expect_status 2
expect_in "$T/err" "lowers the security level"
ftpc --tls-max 1.3 -s "$T/cmds" 127.0.0.1 "$MAIN_PORT"
expect_status 2
expect_in "$T/err" "--tls-max 1.3: application ftp-client allows TLS 1.2 at most"

# TLS 1.3 suites from the definition; --tls-min on the command line.
"$TRUSTD" "${S[@]}" app set ftp-client --unset tls-max --unset ciphers \
    --ciphersuites TLS_CHACHA20_POLY1305_SHA256 > /dev/null
ftpc --tls-min 1.3 -s "$T/cmds" 127.0.0.1 "$MAIN_PORT"
expect_status 0
expect_in "$T/err" "---- TLS TLSv1.3, TLS_CHACHA20_POLY1305_SHA256"
expect_in "$T/err" "data TLS TLSv1.3, TLS_CHACHA20_POLY1305_SHA256"
expect_in "$T/out" "TLS 1.3 (command line) to the newest (default)"
ftpc --ciphersuites TLS_AES_128_GCM_SHA256 -s "$T/cmds" 127.0.0.1 "$MAIN_PORT"
expect_status 2
expect_in "$T/err" "--ciphersuites TLS_AES_128_GCM_SHA256: application ftp-client allows only its own TLS 1.3 cipher suites"

# SNI: a TLS server (openssl s_server, implicit FTPS) that presents the
# fixture's localhost certificate to a client naming localhost, and its
# ftp.invalid one to a client that names nothing. With SNI on ftpc gets the
# right one; with SNI off it sends no name, gets the other, and still
# checks the name: refused.
"$TRUSTD" "${S[@]}" app set ftp-client --unset ciphersuites > /dev/null
sni_port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
sni_server() { # log
    ( printf '220 TLS test server\r\n'; sleep 3 ) |
        timeout 10 openssl s_server -accept "127.0.0.1:$sni_port" -naccept 1 \
            -cert "$PKI/wronghost.pem" -key "$PKI/wronghost.key" -servername localhost \
            -cert2 "$PKI/server.pem" -key2 "$PKI/server.key" > "$1" 2>&1 &
    for _ in $(seq 50); do
        grep -q ACCEPT "$1" 2> /dev/null && return 0
        sleep 0.1
    done
    fail "openssl s_server did not start"
}
printf 'quit\n' > "$T/quit"
sni_server "$T/sni-on.log"
ftpc --seccnn implicit -s "$T/quit" localhost "$sni_port"
wait
expect_in "$T/sni-on.log" 'Hostname in TLS extension: "localhost"'
expect_in "$T/err" "<--- 220 TLS test server"
expect_in "$T/err" "SNI on (default)"
"$TRUSTD" "${S[@]}" app set ftp-client --sni off > /dev/null
sni_server "$T/sni-off.log"
ftpc --seccnn implicit -s "$T/quit" localhost "$sni_port"
wait
expect_status 4
expect_not_in "$T/sni-off.log" "Hostname in TLS extension"
expect_in "$T/err" "SNI off (application)"
expect_in "$T/err" "ftp.invalid"
expect_not_in "$T/err" "<--- 220"
# SNI off against the fixture's server: verified by name all the same.
ftpc -s "$T/cmds" 127.0.0.1 "$MAIN_PORT"
expect_status 0
expect_in "$T/out" "SNI off (application)"
# The policy is the store's: another application keeps the defaults.
"$TRUSTD" "${S[@]}" app add other > /dev/null
ftpc --appid other --tls-max 1.2 -s "$T/cmds" 127.0.0.1 "$MAIN_PORT"
expect_status 0
expect_in "$T/out" "TLS 1.2 (default) to 1.2 (command line)"
echo "ok: application TLS policy"
