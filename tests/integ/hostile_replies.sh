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

# Numbers and names outside the reply grammar are errors, never a guessed
# value: no size, time or folder is shown, reget keeps its part, and a 150
# announcing "(-1 bytes)" names no size (the download stands on its TLS end
# and 226, as with no announcement at all).
hostile badnumbers
echo part > "$T/part.bin"
printf 'user someone pw\nsize neg\nsize junk\nsize plus\nmodtime payload\npwd\nmlst payload\nreget payload %s\nget payload %s\n' \
    "$T/part.bin" "$T/whole.bin" > "$T/numbers"; chmod 600 "$T/numbers"
run "$FTPC" --continue --store "$T/store.db" -s "$T/numbers" 127.0.0.1 "$HOSTILE_PORT"
hostile_stop
expect_status 6
expect_in "$T/err" "line 2: malformed SIZE reply: 213 -1"
expect_in "$T/err" "line 3: malformed SIZE reply: 213 12abc"
expect_in "$T/err" "line 4: malformed SIZE reply: 213 +5"
expect_in "$T/err" "line 5: malformed MDTM reply: 213 20261301000000"
expect_in "$T/err" 'line 6: malformed PWD reply: 257 "/unclosed is the current directory'
expect_in "$T/err" "line 7: malformed MLST reply: type=file;size=-1; payload"
expect_in "$T/err" "line 8: cannot resume payload: malformed SIZE reply: 213 -1"
[ ! -s "$T/out" ] || { cat "$T/out" >&2; fail "a malformed reply's value was printed"; }
[ "$(cat "$T/part.bin")" = part ] || fail "reget changed its part after a malformed SIZE reply"
[ "$(wc -c < "$T/whole.bin")" = 102400 ] || fail "a download announced as (-1 bytes) did not complete"
[ "$(grep -c '^ftpc: line ' "$T/err")" = 7 ] || { cat "$T/err" >&2; fail "expected exactly the seven errors"; }

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
