#!/usr/bin/env bash
# Servers that lie in their replies or refuse TLS: every case ends with a
# clear error and the right exit status, nothing hangs, memory stays
# bounded, and no USER or PASS is ever sent in clear text.
. "$(dirname "$0")/lib.sh"
make_store ca
printf 'user someone secret-%s\npwd\n' "$$" > "$T/cmds"; chmod 600 "$T/cmds"
try() { # scenario expected-status expected-text [ftpc options...]
    local scenario=$1 want=$2 text=$3
    shift 3
    hostile "$scenario"
    run "$FTPC" -d --timeout 3 --store "$T/store.db" "$@" -s "$T/cmds" 127.0.0.1 "$HOSTILE_PORT"
    hostile_stop
    [ "$status" = "$want" ] || { cat "$T/err"; fail "$scenario: status $status, expected $want"; }
    expect_in "$T/err" "$text"
    expect_not_in "$T/err" "secret-$$"
}
no_login() { expect_not_in "$T/err" "---> USER"; expect_not_in "$T/err" "---> PASS"; }

# AUTH refused or faked: the connection ends, never clear text.
for code in 500 502 534; do
    try "auth$code" 4 "the server refused AUTH TLS (not continuing in clear text): $code"
    no_login
    expect_not_in "$T/err" "---> AUTH SSL"   # only a 504 earns a second try
done
try auth504both 4 "refused AUTH TLS (not continuing in clear text): 504"
no_login
expect_in "$T/err" "---> AUTH SSL"
try authclear 4 "TLS handshake with 127.0.0.1 failed"
no_login
try auth504 0 "---> AUTH SSL"
expect_in "$T/err" "---- TLS TLSv1.3"
expect_in "$T/out" "/hostile"

# Replies.
try longline 3 "malformed reply: reply line longer than 8 KiB"
no_login
try endless 3 "malformed reply: reply longer than 64 KiB"
try nul 3 "malformed reply: NUL byte in reply"
try nonnumeric 3 "malformed reply: reply does not start with a 3-digit code"
try mismatch 3 "timed out"
try cut 3 "closed the control connection"
try silent 3 "timed out"
# One byte at a time is still FTP: it works.
try bytewise 0 "<--- 220 hostile test server"
expect_in "$T/out" "/hostile"

# Memory stays bounded with a 1 MiB line and a 2 MiB endless reply.
for scenario in longline endless; do
    hostile "$scenario"
    /usr/bin/time -f '%M' -o "$T/rss" "${FTPC_BIN:-$FTPC}" --timeout 3 --store "$T/store.db" -s "$T/cmds" \
        127.0.0.1 "$HOSTILE_PORT" > /dev/null 2>&1 || true
    hostile_stop
    rss=$(tail -n 1 "$T/rss")
    [ "$rss" -lt 65536 ] || fail "$scenario: ftpc used $rss KiB"
done
echo "ok: hostile replies"
