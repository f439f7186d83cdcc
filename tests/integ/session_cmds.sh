#!/usr/bin/env bash
# Connection and settings subcommands: ftpc without a HOST, open, secopen
# (with IBM's spellings), close and a second connection in one run, ccc,
# reinitialize, and the informational commands.
. "$(dirname "$0")/lib.sh"
make_store ca
server proftpd
PRO_PORT=$PORT
server proimplicit
PROIMP_PORT=$PORT
server proccc
CCC_PORT=$PORT
ftpc() { FTPC_PASSWORD=$FTP_PASSWORD run "$FTPC" -d --store "$T/store.db" "$@"; }

# secopen to an explicit server, close, secopen (IMPLICIT to an implicit
# one, then open with the default security: all in one batch.
cat > "$T/cmds" <<CMDS
secopen 127.0.0.1 $MAIN_PORT
user $FTP_USER
pwd
close
sopen 127.0.0.1 $PROIMP_PORT (IMPLICIT
user $FTP_USER
pwd
secdata
close
open 127.0.0.1 $PRO_PORT
user $FTP_USER
pwd
quit
CMDS
ftpc -s "$T/cmds"
expect_status 0
expect_in "$T/out" "$MAIN_ROOT"
expect_in "$T/out" "data protection: private"
[ "$(grep -c '^/$' "$T/out")" = 2 ] || fail "both ProFTPD logins should print /"
[ "$(grep -c -- '---> AUTH TLS' "$T/err")" = 2 ] || fail "AUTH TLS should be sent twice (not for implicit)"
expect_no_password

# Commands that need a connection say so.
printf 'pwd\n' > "$T/cmds"
ftpc -s "$T/cmds"
expect_status 3
expect_in "$T/err" "not connected (use open or secopen)"
printf 'secopen 127.0.0.1 %s\nls\n' "$MAIN_PORT" > "$T/cmds"; chmod 600 "$T/cmds"
ftpc -s "$T/cmds"
expect_status 5
expect_in "$T/err" "not logged in"
printf 'secopen 127.0.0.1 %s sometimes\n' "$MAIN_PORT" > "$T/cmds"; chmod 600 "$T/cmds"
ftpc -s "$T/cmds"
expect_status 2

# user without a password, then pass.
printf 'secopen 127.0.0.1 %s\nuser %s\npass %s\npwd\n' "$MAIN_PORT" "$FTP_USER" "$FTP_PASSWORD" > "$T/cmds"; chmod 600 "$T/cmds"
run "$FTPC" -d --store "$T/store.db" -s "$T/cmds" < /dev/null
expect_status 0
expect_in "$T/out" "$MAIN_ROOT"
expect_no_password

# ccc: the control connection in clear after login, data still private.
printf 'user %s\nccc\npwd\nls\nsecdata\n' "$FTP_USER" > "$T/cmds"; chmod 600 "$T/cmds"
ftpc -s "$T/cmds" 127.0.0.1 "$CCC_PORT"
expect_status 0
expect_in "$T/err" "warning: the control connection is now in clear text"
expect_in "$T/err" "control connection now in clear text (CCC)"
expect_in "$T/out" "data protection: private"
expect_in "$T/err" "data TLS TLSv1.3"
# A server that requires TLS on the control connection refuses CCC: said, not ignored.
printf 'user %s\nccc\n' "$FTP_USER" > "$T/cmds"; chmod 600 "$T/cmds"
ftpc -s "$T/cmds" 127.0.0.1 "$PRO_PORT"
expect_status 6
expect_in "$T/err" "ccc refused: 534"

# reinitialize: vsftpd does not implement REIN; the refusal is clear and
# the session goes on.
printf 'user %s\nreinitialize\npwd\n' "$FTP_USER" > "$T/cmds"; chmod 600 "$T/cmds"
ftpc --continue -s "$T/cmds" 127.0.0.1 "$MAIN_PORT"
expect_status 6
expect_in "$T/err" "line 2: reinitialize refused: 5"
expect_in "$T/out" "$MAIN_ROOT"

# Informational and settings commands.
cat > "$T/cmds" <<CMDS
user $FTP_USER
system
feat
stat
noop
quote HELP
site HELP
type
ascii
type
type binary
lpwd
lcd $T
lpwd
help mget
mkdir x$$
cd x$$
put /etc/hostname h
modtime h
size h
ascii
reget h $T/h.copy
CMDS
cat >> "$T/cmds" <<CMDS
binary
cd ..
mdelete x$$/h
rmdir x$$
verbose off
debug off
CMDS
ftpc --continue -s "$T/cmds" 127.0.0.1 "$MAIN_PORT"
expect_status 2
expect_in "$T/err" "reget works in binary type only"
[ "$(grep -c '^ftpc: line' "$T/err")" = 1 ] || { cat "$T/err"; fail "only reget in ASCII should fail"; }
grep -qE "^$(date -u +%Y-%m-%d) [0-9:]{8} UTC$" "$T/out" || fail "modtime output"
expect_in "$T/out" "215 UNIX Type: L8"
expect_in "$T/out" "211 Features:"
expect_in "$T/out" "EPSV"
expect_in "$T/out" "type: binary"
expect_in "$T/out" "type: ascii"
expect_in "$T/out" "$T"
expect_in "$T/out" "mget [-f] PATTERN..."
expect_in "$T/err" "debug off"
run "$FTPC" --help
expect_status 0
for c in secopen secdata ccc reget reput mget mput mlsd active quote site; do expect_in "$T/out" "$c"; done
# TCP keepalive on the control connection, so a long transfer's idle
# control connection is not dropped by a firewall.
mkfifo "$T/in"
FTPC_PASSWORD=$FTP_PASSWORD "$FTPC" --store "$T/store.db" 127.0.0.1 "$MAIN_PORT" < "$T/in" > "$T/out" 2> "$T/err" &
client=$!
exec 3> "$T/in"
echo "user $FTP_USER" >&3
for _ in $(seq 1 100); do
    ss -tnoHp state established "( dport = :$MAIN_PORT )" > "$T/ss"
    grep "pid=$client," "$T/ss" | grep -q "timer:(keepalive" && break
    sleep 0.1
done
echo quit >&3
exec 3>&-
wait "$client" || fail "the session with a pause failed"
grep "pid=$client," "$T/ss" | grep -q "timer:(keepalive" || { cat "$T/ss"; fail "no keepalive on the control connection"; }
echo "ok: session commands"
