#!/usr/bin/env bash
# Fail closed at every edge, against the scripted hostile server:
# - a server that refuses PBSZ or PROT P gets no file or listing over a clear
#   data connection: batch and URL logins fail (exit 6) and say how to ask
#   for clear data; at the prompt the state shows as refused and every
#   transfer fails until secdata c, which warns;
# - after a failed data connection the transfer's final reply is read (or
#   the control connection closed), so a refused DELE is reported as refused;
# - clear text written inside the TLS control connection is shown as such.
. "$(dirname "$0")/lib.sh"
command -v tmux > /dev/null || fail "tmux is not installed (scripts/install-deps installs it)"
make_store ca
no_data() { expect_not_in "$T/hostile.log" "data connection:"; }

# Batch: PBSZ refused, then PROT P refused: the login fails with 6, TYPE is
# still sent, no data connection is made (also with --continue).
for scenario in pbszrefused protrefused; do
    hostile "$scenario"
    printf 'user someone pw\nget payload %s\nls\nput %s up\npwd\n' "$T/p.bin" "$T/cmds" > "$T/cmds"; chmod 600 "$T/cmds"
    run "$FTPC" -d --continue --store "$T/store.db" -s "$T/cmds" 127.0.0.1 "$HOSTILE_PORT"
    hostile_stop
    expect_status 6
    expect_in "$T/err" "line 1: the server refused data protection ("
    expect_in "$T/err" "give secdata c (or --dtaprot clear) for clear data"
    expect_in "$T/err" "---> TYPE I"
    for n in 2 3 4; do expect_in "$T/err" "line $n: no transfer: the server refused data protection"; done
    expect_not_in "$T/err" "---> EPSV"
    expect_not_in "$T/err" "---> RETR"
    expect_in "$T/out" "/hostile"          # the session itself goes on
    [ ! -e "$T/p.bin" ] && [ ! -e "$T/p.bin.part" ] || fail "$scenario: a file was written"
    no_data
done
grep -qF "line 1: the server refused data protection (PROT P: 534 PROT P refused by policy)" "$T/err" ||
    { cat "$T/err"; fail "the refusal does not name PROT P and the reply"; }

# The same with a login from the command line (--user) and in URL mode.
hostile pbszrefused
FTPC_PASSWORD=pw run "$FTPC" --store "$T/store.db" --user someone -s /dev/null 127.0.0.1 "$HOSTILE_PORT"
hostile_stop
expect_status 6
expect_in "$T/err" "the server refused data protection (PBSZ 0: 502 PBSZ not understood)"
no_data
hostile protrefused
FTPC_PASSWORD=pw run "$FTPC" --store "$T/store.db" get "ftpes://someone@127.0.0.1:$HOSTILE_PORT/payload" "$T/u.bin"
hostile_stop
expect_status 6
expect_in "$T/err" "the server refused data protection (PROT P"
[ ! -e "$T/u.bin" ] && [ ! -e "$T/u.bin.part" ] || fail "URL mode wrote a file"
no_data

# Clear data asked for explicitly: secdata c warns, then the file moves.
hostile protrefused
printf 'user someone pw\nsecdata c\nsecdata\nget payload %s\n' "$T/clear.bin" > "$T/cmds"; chmod 600 "$T/cmds"
run "$FTPC" --continue --store "$T/store.db" -s "$T/cmds" 127.0.0.1 "$HOSTILE_PORT"
hostile_stop
expect_status 6                           # the login's refusal stays the first failure
expect_in "$T/err" "ftpc: warning: data connections are now in clear text"
expect_in "$T/out" "data protection: clear"
[ "$(wc -c < "$T/clear.bin")" = 102400 ] || fail "clear download after secdata c incomplete"
expect_in "$T/hostile.log" "data connection: accepted, protection C"
# secdata c always warns, also where PROT C is accepted at once.
hostile ok
printf 'user someone pw\nsecdata c\nsecdata p\nsecdata\n' > "$T/cmds"; chmod 600 "$T/cmds"
run "$FTPC" --store "$T/store.db" -s "$T/cmds" 127.0.0.1 "$HOSTILE_PORT"
hostile_stop
expect_status 0
[ "$(grep -c "warning: data connections are now in clear text" "$T/err")" = 1 ] || fail "secdata c did not warn once"
expect_in "$T/out" "data protection: private"
# A server that refuses PBSZ and PROT altogether: secdata c still gives clear data.
hostile pbszrefused
printf 'user someone pw\nsecdata c\nget payload %s\n' "$T/clear2.bin" > "$T/cmds"; chmod 600 "$T/cmds"
run "$FTPC" --continue --store "$T/store.db" -s "$T/cmds" 127.0.0.1 "$HOSTILE_PORT"
hostile_stop
expect_status 6
expect_in "$T/err" "warning: data connections are now in clear text"
[ "$(wc -c < "$T/clear2.bin")" = 102400 ] || fail "clear download after secdata c incomplete"

# A refused secdata p after clear data: refused, not clear.
hostile protrefused
printf 'user someone pw\nsecdata c\nsecdata p\nsecdata\nget payload %s\n' "$T/x.bin" > "$T/cmds"; chmod 600 "$T/cmds"
run "$FTPC" --continue --store "$T/store.db" -s "$T/cmds" 127.0.0.1 "$HOSTILE_PORT"
hostile_stop
expect_in "$T/err" "line 3: the server refused data protection (PROT P: 534"
expect_in "$T/out" "data protection: refused by the server"
expect_in "$T/err" "line 5: no transfer: the server refused data protection"
[ ! -e "$T/x.bin" ] || fail "a refused secdata p left clear data in force"
no_data

# 150 and 226 at once, and a data connection that never completes its
# handshake: the transfer fails, and the refusal of the next DELE is reported.
hostile nohandshake
printf 'user someone pw\nget payload %s\ndelete payload\npwd\n' "$T/n.bin" > "$T/cmds"; chmod 600 "$T/cmds"
run "$FTPC" -d --continue --data-timeout 1 --store "$T/store.db" -s "$T/cmds" 127.0.0.1 "$HOSTILE_PORT"
hostile_stop
expect_status 3
expect_in "$T/err" "line 2: data connection: TLS handshake timed out after 1 s"
expect_in "$T/err" "line 3: delete payload refused: 550 DELE refused"
expect_in "$T/out" "/hostile"
[ ! -e "$T/n.bin" ] || fail "a failed download took the final name"
# The failed transfer's reply comes late: it is still taken for the transfer.
hostile latereply
run "$FTPC" -d --continue --data-timeout 1 --timeout 10 --store "$T/store.db" -s "$T/cmds" 127.0.0.1 "$HOSTILE_PORT"
hostile_stop
expect_status 3
expect_in "$T/err" "<--- 425 late: the data connection failed"
expect_in "$T/err" "line 3: delete payload refused: 550 DELE refused"
expect_not_in "$T/err" "delete payload refused: 425"
# No final reply at all: the control connection is closed, never out of step.
hostile noreply
run "$FTPC" --continue --data-timeout 1 --timeout 2 --store "$T/store.db" -s "$T/cmds" 127.0.0.1 "$HOSTILE_PORT"
hostile_stop
expect_in "$T/err" "line 2: data connection: TLS handshake timed out after 1 s; no final reply for the transfer"
expect_in "$T/err" "so the control connection was closed"
expect_in "$T/err" "line 3: not connected"

# Clear text inside the TLS control connection: shown, escaped, as such.
hostile oops
printf 'user someone pw\npwd\n' > "$T/cmds"; chmod 600 "$T/cmds"
run "$FTPC" --store "$T/store.db" -s "$T/cmds" 127.0.0.1 "$HOSTILE_PORT"
hostile_stop
expect_status 4
expect_in "$T/err" 'the server wrote clear text inside the TLS connection: "500 OOPS: cannot change directory:/nonexistent"'

# At the prompt (a real terminal): the refused state in the prompt and in
# status, transfers refused until secdata c; then Ctrl-C during a data
# handshake that never completes, and a DELE refusal reported as such.
terminal
mkdir -p "$T/home" "$T/work"
shell() { # scenario
    hostile "$1"
    tm new-session -d -s ftpc -x 220 -y 50 \
        "cd '$T/work' && HOME='$T/home' FTPC_PASSWORD=pw '$FTPC' --store '$T/store.db' --user someone 127.0.0.1 $HOSTILE_PORT; echo ftpc-ended; sleep 30"
}
shell protrefused
wait_for "the server refused data protection (PROT P: 534"
wait_for "ftpc tls:refused 127.0.0.1:/hostile>"
tm send-keys -t ftpc "status" Enter
wait_for "Data protection: refused by the server"
tm send-keys -t ftpc "get payload" Enter
wait_for "ftpc: no transfer: the server refused data protection"
[ ! -e "$T/work/payload" ] || fail "a transfer ran while protection was refused"
expect_not_in "$T/hostile.log" "data connection:"
tm send-keys -t ftpc "secdata c" Enter
wait_for "warning: data connections are now in clear text"
wait_for "ftpc tls:C 127.0.0.1:/hostile>"
tm send-keys -t ftpc "get payload" Enter
wait_for "received payload: 102400 bytes"
tm send-keys -t ftpc "quit" Enter
wait_for "ftpc-ended"
tm kill-session -t ftpc
hostile_stop

shell nohandshake
wait_for "ftpc tls:P 127.0.0.1:/hostile>"
tm send-keys -t ftpc "get payload never.bin" Enter
wait_for "150 here it comes"
sleep 0.5
tm send-keys -t ftpc C-c
wait_for "ftpc: interrupted"
tm send-keys -t ftpc "delete payload" Enter
wait_for "ftpc: delete payload refused: 550 DELE refused"
tm send-keys -t ftpc "pwd" Enter
wait_for '"/hostile" is the current directory'
tm send-keys -t ftpc "quit" Enter
wait_for "ftpc-ended"
tm kill-session -t ftpc
hostile_stop
[ ! -e "$T/work/never.bin" ] || fail "an interrupted download took the final name"

# Active mode, the server never connects: Ctrl-C ends the wait at once (not
# after --data-timeout), and the session stays in step.
shell activenever
wait_for "ftpc tls:P 127.0.0.1:/hostile>"
tm send-keys -t ftpc "active" Enter
tm send-keys -t ftpc "get payload never2.bin" Enter
wait_for "150 connecting to you"
tm send-keys -t ftpc C-c
wait_for "ftpc: interrupted" 6   # the server answers after 3 s; --data-timeout is 60 s
tm send-keys -t ftpc "pwd" Enter
wait_for '"/hostile" is the current directory' 5
tm send-keys -t ftpc "quit" Enter
wait_for "ftpc-ended"
tm kill-session -t ftpc
hostile_stop
[ ! -e "$T/work/never2.bin" ] || fail "an interrupted download took the final name"
echo "ok: hostile protection and replies after failed transfers"
