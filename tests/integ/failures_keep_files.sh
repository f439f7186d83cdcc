#!/usr/bin/env bash
# Failures lose nothing: a failed download leaves an existing file as it was,
# a bad login is reported without the password, and a batch stops at its
# first failure with the server's reply.
. "$(dirname "$0")/lib.sh"
make_store ca
echo "precious" > "$T/keep.txt"
printf 'user %s\nget -f no-such-file-%s %s\nput %s never.txt\n' "$FTP_USER" "$$" "$T/keep.txt" "$T/keep.txt" > "$T/cmds"; chmod 600 "$T/cmds"
FTPC_PASSWORD=$FTP_PASSWORD run "$FTPC" --store "$T/store.db" -s "$T/cmds" 127.0.0.1 "$MAIN_PORT"
expect_status 6
expect_in "$T/err" "line 2: RETR no-such-file-$$: 550"
[ "$(cat "$T/keep.txt")" = precious ] || fail "existing file changed"
[ ! -e "$T/keep.txt.part" ] || fail "an empty .part file was left behind"
[ ! -e "$MAIN_ROOT/never.txt" ] || fail "batch went on after a failure"

# A download to standard output and to a device writes straight through.
printf 'hello\n' > "$T/small.txt"
printf 'user %s\nput %s small-%s.txt\nget small-%s.txt -\nget small-%s.txt /dev/null\n' \
    "$FTP_USER" "$T/small.txt" "$$" "$$" "$$" > "$T/cmds"
FTPC_PASSWORD=$FTP_PASSWORD run "$FTPC" --store "$T/store.db" -s "$T/cmds" 127.0.0.1 "$MAIN_PORT"
expect_status 0
[ "$(cat "$T/out")" = hello ] || fail "get to - did not print the file"
[ -c /dev/null ] || fail "/dev/null was replaced"
rm -f "$MAIN_ROOT/small-$$.txt"

# Wrong password: login error, exit 5, and the wrong password is not shown.
wrong="wrong-$$-secret"
printf 'user %s %s\npwd\n' "$FTP_USER" "$wrong" > "$T/cmds"; chmod 600 "$T/cmds"
run "$FTPC" -d --store "$T/store.db" -s "$T/cmds" 127.0.0.1 "$MAIN_PORT"
expect_status 5
expect_in "$T/err" "login as $FTP_USER refused: 530"
expect_not_in "$T/err" "$wrong"
expect_not_in "$T/out" "$wrong"

# Standard input as the batch, password on the user line.
printf 'user %s %s\npwd\n' "$FTP_USER" "$FTP_PASSWORD" > "$T/stdin"
run_stdin() { set +e; "$@" < "$T/stdin" > "$T/out" 2> "$T/err"; status=$?; set -e; }
run_stdin "$FTPC" --store "$T/store.db" 127.0.0.1 "$MAIN_PORT"
expect_status 0
expect_in "$T/out" "$MAIN_ROOT"
expect_no_password
echo "ok: failures keep files and secrets"
