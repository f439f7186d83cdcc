#!/usr/bin/env bash
# Explicit and implicit FTPS mixed up: an implicit handshake answered with an
# explicit server's clear greeting suggests ftpes:// / --seccnn ssl; an
# explicit connection to an implicit server (which waits for the client's
# TLS hello) gives up after --greeting-timeout (default 10 s, not the 60 s
# reply time-out) and suggests ftps:// / --seccnn implicit. Nothing is
# sent in either case.
. "$(dirname "$0")/lib.sh"
make_store ca
run "$FTPC" -d --store "$T/store.db" --seccnn implicit 127.0.0.1 "$MAIN_PORT" < /dev/null
expect_status 4
expect_in "$T/err" 'the server wrote clear text inside the TLS connection: "220'
expect_in "$T/err" "as an explicit FTPS server does: try ftpes://127.0.0.1:$MAIN_PORT/ or --seccnn ssl"
expect_not_in "$T/err" "---> "
run "$FTPC" --store "$T/store.db" ls "ftps://someone@127.0.0.1:$MAIN_PORT/"
expect_status 4
expect_in "$T/err" "try ftpes://127.0.0.1:$MAIN_PORT/ or --seccnn ssl"

start=$(date +%s)
run "$FTPC" -d --store "$T/store.db" --greeting-timeout 2 127.0.0.1 "$IMPLICIT_PORT" < /dev/null
took=$(( $(date +%s) - start ))
expect_status 3
expect_in "$T/err" "no greeting from 127.0.0.1:$IMPLICIT_PORT"
expect_in "$T/err" "may expect implicit FTPS (TLS from the first byte): try ftps://127.0.0.1:$IMPLICIT_PORT/ or --seccnn implicit"
expect_not_in "$T/err" "---> "
[ "$took" -lt 8 ] || fail "the greeting wait took $took s, not about 2"
# The default wait is 10 s, whatever the (longer) reply time-out.
start=$(date +%s)
run "$FTPC" --store "$T/store.db" --timeout 60 ls "ftpes://someone@127.0.0.1:$IMPLICIT_PORT/"
took=$(( $(date +%s) - start ))
expect_status 3
expect_in "$T/err" "try ftps://127.0.0.1:$IMPLICIT_PORT/ or --seccnn implicit"
[ "$took" -ge 9 ] && [ "$took" -lt 20 ] || fail "the default greeting wait took $took s, not 10"
echo "ok: explicit/implicit mix-ups get a hint"
