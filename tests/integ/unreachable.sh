#!/usr/bin/env bash
# Nothing listens: a clear one-line error and the connection exit status.
. "$(dirname "$0")/lib.sh"
make_store ca
# A port that was free a moment ago: bind nothing to it.
port=$((MAIN_PORT + 21))
while ss -Hltn "sport = :$port" | grep -q .; do port=$((port + 1)); done
printf 'user %s\n' "$FTP_USER" > "$T/cmds"
run "$FTPC" --store "$T/store.db" --timeout 5 -s "$T/cmds" 127.0.0.1 "$port"
expect_status 3
expect_in "$T/err" "cannot connect to 127.0.0.1 port $port"
[ "$(wc -l < "$T/err")" = 1 ] || { cat "$T/err"; fail "more than one line of error"; }

# No store at all: the client says so and does not connect.
run "$FTPC" --store "$T/missing/store.db" -s "$T/cmds" 127.0.0.1 "$MAIN_PORT"
expect_status 8
expect_in "$T/err" "does not exist (import a CA with 'trustd --store $T/missing/store.db import')"
echo "ok: unreachable server and missing store reported"
