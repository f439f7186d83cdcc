#!/usr/bin/env bash
# Data connections from the scripted hostile server: a PASV address to
# ignore, truncation, short transfers, data that is not TLS or goes quiet,
# active-mode surprises, early and late final replies, a dropped session,
# and a connect time-out. Every transfer that fails leaves the session usable
# and an existing local file as it was.
. "$(dirname "$0")/lib.sh"
make_store ca
# PASV fallback: the file arrives although the PASV address was 127.0.0.2.
hostile pasv
printf 'user someone pw\nget payload %s\n' "$T/payload" > "$T/cmds"; chmod 600 "$T/cmds"
run "$FTPC" -d --store "$T/store.db" -s "$T/cmds" 127.0.0.1 "$HOSTILE_PORT"
hostile_stop
expect_status 0
expect_in "$T/err" "---> EPSV"
expect_in "$T/err" "---> PASV"
[ "$(wc -c < "$T/payload")" = 102400 ] || fail "PASV download incomplete"

# Truncation: no close_notify, a lying 226; the old file stays.
echo "old contents" > "$T/keep"
hostile truncate
printf 'user someone pw\nget -f payload %s\n' "$T/keep" > "$T/cmds"; chmod 600 "$T/cmds"
run "$FTPC" --store "$T/store.db" -s "$T/cmds" 127.0.0.1 "$HOSTILE_PORT"
hostile_stop
expect_status 4
expect_in "$T/err" "without TLS close_notify"
[ "$(cat "$T/keep")" = "old contents" ] || fail "a truncated download replaced the file"
# What did arrive is kept as .part, for reget.
[ "$(stat -c %s "$T/keep.part")" = 51200 ] || fail "the received part was not kept"
# A data connection that is not TLS: that transfer fails, the session does not.
hostile baddata
printf 'user someone pw\nget payload %s\npwd\n' "$T/x" > "$T/cmds"; chmod 600 "$T/cmds"
run "$FTPC" --continue --store "$T/store.db" -s "$T/cmds" 127.0.0.1 "$HOSTILE_PORT"
hostile_stop
expect_status 4
expect_in "$T/err" "line 2: data connection: TLS handshake with 127.0.0.1 failed"
expect_in "$T/out" "/hostile"
[ ! -e "$T/x" ] && [ ! -e "$T/x.part" ] || fail "a failed download left a file"

# A data connection that goes quiet: the data timeout, then the next command works.
hostile stall
run "$FTPC" --continue --data-timeout 1 --store "$T/store.db" -s "$T/cmds" 127.0.0.1 "$HOSTILE_PORT"
hostile_stop
expect_status 3
expect_in "$T/err" "line 2: get payload: data connection: timed out"
expect_in "$T/out" "/hostile"

# Fewer bytes than announced, even with a proper TLS end and 226: an error.
echo "old contents" > "$T/keep"
hostile short
printf 'user someone pw\nget -f payload %s\n' "$T/keep" > "$T/cmds"; chmod 600 "$T/cmds"
run "$FTPC" --store "$T/store.db" -s "$T/cmds" 127.0.0.1 "$HOSTILE_PORT"
hostile_stop
expect_status 6
expect_in "$T/err" "short transfer: 51200 of 102400 bytes"
[ "$(cat "$T/keep")" = "old contents" ] || fail "a short download replaced the file"

# Implicit FTPS where PBSZ/PROT are refused: the implied private level stays.
hostile implicit
printf 'user someone pw\nsecdata\nget payload %s\n' "$T/implicit.bin" > "$T/cmds"; chmod 600 "$T/cmds"
run "$FTPC" -d --seccnn implicit --store "$T/store.db" -s "$T/cmds" 127.0.0.1 "$HOSTILE_PORT"
hostile_stop
expect_status 0
expect_not_in "$T/err" "---> AUTH"
expect_in "$T/err" "<--- 502 PROT not needed here"
expect_in "$T/out" "data protection: private"
expect_in "$T/err" "data TLS TLSv1.3"
[ "$(wc -c < "$T/implicit.bin")" = 102400 ] || fail "implicit download incomplete"

# Active mode: PORT when EPRT is refused.
hostile portonly
printf 'user someone pw\nactive\nget payload %s\n' "$T/active.bin" > "$T/cmds"; chmod 600 "$T/cmds"
run "$FTPC" -d --store "$T/store.db" -s "$T/cmds" 127.0.0.1 "$HOSTILE_PORT"
hostile_stop
expect_status 0
expect_in "$T/err" "---> EPRT |1|127.0.0.1|"
expect_in "$T/err" "---> PORT 127,0,0,1,"
[ "$(wc -c < "$T/active.bin")" = 102400 ] || fail "active download incomplete"

# Active mode: a data connection from another address is refused.
hostile foreign
printf 'user someone pw\nactive\nget payload %s\npwd\n' "$T/foreign.bin" > "$T/cmds"; chmod 600 "$T/cmds"
run "$FTPC" --continue --store "$T/store.db" -s "$T/cmds" 127.0.0.1 "$HOSTILE_PORT"
hostile_stop
expect_status 3
expect_in "$T/err" "refused a data connection from 127.0.0.2, which is not the server"
expect_in "$T/out" "/hostile"
[ ! -e "$T/foreign.bin" ] || fail "a refused data connection wrote a file"

# Passive replies out of range, and a passive port where nothing listens:
# that transfer fails clearly, the session goes on.
for case in "epsvrange:malformed EPSV reply: 229" "pasvrange:malformed PASV reply: 227" \
            "nodata:cannot open data connection to 127.0.0.1 port"; do
    hostile "${case%%:*}"
    printf 'user someone pw\nget payload %s\npwd\n' "$T/nd.bin" > "$T/cmds"; chmod 600 "$T/cmds"
    run "$FTPC" --continue --store "$T/store.db" -s "$T/cmds" 127.0.0.1 "$HOSTILE_PORT"
    hostile_stop
    [ "$status" = 6 ] || [ "$status" = 3 ] || { cat "$T/err"; fail "${case%%:*}: status $status"; }
    expect_in "$T/err" "line 2: "
    expect_in "$T/err" "${case#*:}"
    expect_in "$T/out" "/hostile"
    [ ! -e "$T/nd.bin" ] || fail "${case%%:*}: a file was written"
done

# 226 before the data: the data still has to end properly, and it does.
hostile early226
printf 'user someone pw\nget payload %s\n' "$T/early.bin" > "$T/cmds"; chmod 600 "$T/cmds"
run "$FTPC" --store "$T/store.db" -s "$T/cmds" 127.0.0.1 "$HOSTILE_PORT"
hostile_stop
expect_status 0
[ "$(wc -c < "$T/early.bin")" = 102400 ] || fail "early 226: incomplete file"

# 426 after all the data arrived: the server's verdict wins; the old file stays.
echo "old" > "$T/keep426"
hostile after426
printf 'user someone pw\nget -f payload %s\n' "$T/keep426" > "$T/cmds"; chmod 600 "$T/cmds"
run "$FTPC" --store "$T/store.db" -s "$T/cmds" 127.0.0.1 "$HOSTILE_PORT"
hostile_stop
expect_status 6
expect_in "$T/err" "transfer failed: 426"
[ "$(cat "$T/keep426")" = old ] || fail "a download refused with 426 replaced the file"

# The server drops the control connection during a transfer: a clear error,
# then "not connected", and open works again (here to the real server).
hostile drop
cat > "$T/cmds" <<CMDS
user someone pw
get payload $T/drop.bin
pwd
secopen 127.0.0.1 $MAIN_PORT
user $FTP_USER
pwd
CMDS
chmod 600 "$T/cmds"
FTPC_PASSWORD=$FTP_PASSWORD run "$FTPC" --continue --store "$T/store.db" -s "$T/cmds" 127.0.0.1 "$HOSTILE_PORT"
hostile_stop
[ "$status" != 0 ] || fail "a dropped transfer reported success"
expect_in "$T/err" "line 2: get payload"
expect_in "$T/err" "line 3: not connected (use open or secopen)"
expect_in "$T/out" "$MAIN_ROOT"
[ ! -e "$T/drop.bin" ] || fail "a dropped download took the final name"

# Active mode: the server never connects: the data time-out, then the next command.
hostile activenever
printf 'user someone pw\nactive\nget payload %s\npwd\n' "$T/never.bin" > "$T/cmds"; chmod 600 "$T/cmds"
run "$FTPC" --continue --data-timeout 1 --store "$T/store.db" -s "$T/cmds" 127.0.0.1 "$HOSTILE_PORT"
hostile_stop
expect_status 3
expect_in "$T/err" "the server did not open the data connection (timed out)"
expect_in "$T/out" "/hostile"

# Connect time-out: a listener whose queue is full drops our SYN.
rm -f "$T/port"
python3 - "$T/port" <<'PY' &
import socket, sys, time
l = socket.socket()
l.bind(("127.0.0.1", 0))
l.listen(0)
fill = []
for _ in range(3):
    c = socket.socket()
    c.setblocking(False)
    try:
        c.connect(l.getsockname())
    except BlockingIOError:
        pass
    fill.append(c)
time.sleep(0.5)
open(sys.argv[1], "w").write(str(l.getsockname()[1]))
time.sleep(15)
PY
listener=$!
for _ in $(seq 1 100); do [ -s "$T/port" ] && break; sleep 0.05; done
run "$FTPC" --connect-timeout 1 --store "$T/store.db" -s "$T/cmds" 127.0.0.1 "$(cat "$T/port")"
kill "$listener" 2>/dev/null || true
wait "$listener" 2>/dev/null || true
expect_status 3
expect_in "$T/err" "cannot connect to 127.0.0.1 port $(cat "$T/port"): Connection timed out"
echo "ok: hostile data connections"
