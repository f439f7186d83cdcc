#!/usr/bin/env bash
# --tls-min/--tls-max, --ciphers (TLS 1.2) and --ciphersuites (TLS 1.3):
# what is asked for is what is negotiated, on control and data connections.
. "$(dirname "$0")/lib.sh"
make_store ca
printf 'user %s\nls\n' "$FTP_USER" > "$T/cmds"
FTPC_PASSWORD=$FTP_PASSWORD run "$FTPC" -d --store "$T/store.db" --tls-max 1.2 \
    --ciphers ECDHE-RSA-AES128-GCM-SHA256 -s "$T/cmds" 127.0.0.1 "$MAIN_PORT"
expect_status 0
expect_in "$T/err" "---- TLS TLSv1.2, ECDHE-RSA-AES128-GCM-SHA256"
expect_in "$T/err" "data TLS TLSv1.2, ECDHE-RSA-AES128-GCM-SHA256, session resumed"
FTPC_PASSWORD=$FTP_PASSWORD run "$FTPC" -d --store "$T/store.db" --tls-min 1.3 \
    --ciphersuites TLS_CHACHA20_POLY1305_SHA256 -s "$T/cmds" 127.0.0.1 "$MAIN_PORT"
expect_status 0
expect_in "$T/err" "---- TLS TLSv1.3, TLS_CHACHA20_POLY1305_SHA256"
expect_in "$T/err" "data TLS TLSv1.3, TLS_CHACHA20_POLY1305_SHA256, session resumed"
# A cipher the server does not offer: the handshake fails, nothing is sent.
FTPC_PASSWORD=$FTP_PASSWORD run "$FTPC" -d --store "$T/store.db" --tls-max 1.2 \
    --ciphers ECDHE-ECDSA-AES128-GCM-SHA256 -s "$T/cmds" 127.0.0.1 "$MAIN_PORT"
expect_status 4
expect_in "$T/err" "TLS handshake with 127.0.0.1 failed"
expect_not_in "$T/err" "---> USER"
run "$FTPC" --store "$T/store.db" --ciphers NO-SUCH-CIPHER -s "$T/cmds" 127.0.0.1 "$MAIN_PORT"
expect_status 2
expect_in "$T/err" "--ciphers 'NO-SUCH-CIPHER'"
# URL mode checks them the same way, before it reads the store.
run "$FTPC" --store "$T/store.db" --ciphersuites NO-SUCH-SUITE get "ftpes://127.0.0.1:$MAIN_PORT/x" "$T/x"
expect_status 2
expect_in "$T/err" "--ciphersuites 'NO-SUCH-SUITE'"
run "$FTPC" --tls-min 1.1 127.0.0.1 "$MAIN_PORT"
expect_status 2
expect_in "$T/err" "--tls-min: TLS version must be 1.2 or 1.3, not '1.1'"
run "$FTPC" --tls-min 1.3 --tls-max 1.2 127.0.0.1 "$MAIN_PORT"
expect_status 2
run "$FTPC" --tls-min 1.3 --tls-max 1.2 ls "ftpes://127.0.0.1:$MAIN_PORT/"
expect_status 2
expect_in "$T/err" "--tls-min is above --tls-max"
echo "ok: TLS options"
