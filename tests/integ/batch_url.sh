#!/usr/bin/env bash
# Scripting: credentials from ~/.netrc (refused when others can read it),
# --user with --password-file, the IBM i first line "name password", -o
# output, stop-on-error and --continue, one-shot URLs for each scheme, and
# the distinct exit codes.
. "$(dirname "$0")/lib.sh"
make_store ca
S=(--store "$T/store.db")

# ~/.netrc: auto-login for the host, and refused when others can read it.
mkdir -p "$T/home"
printf 'machine 127.0.0.1\n  login %s\n  password %s\n' "$FTP_USER" "$FTP_PASSWORD" > "$T/home/.netrc"
chmod 600 "$T/home/.netrc"
echo pwd > "$T/cmds"
HOME=$T/home run "$FTPC" "${S[@]}" -s "$T/cmds" 127.0.0.1 "$MAIN_PORT"
expect_status 0
expect_in "$T/out" "$MAIN_ROOT"
chmod 644 "$T/home/.netrc"
HOME=$T/home run "$FTPC" "${S[@]}" -s "$T/cmds" 127.0.0.1 "$MAIN_PORT"
expect_status 7
expect_in "$T/err" ".netrc holds passwords but others can read or write it (chmod 600"
expect_no_password
cp "$T/home/.netrc" "$T/other-netrc"
chmod 600 "$T/other-netrc"
run "$FTPC" "${S[@]}" --netrc-file "$T/other-netrc" -s "$T/cmds" 127.0.0.1 "$MAIN_PORT"
expect_status 0
run "$FTPC" "${S[@]}" --netrc-file "$T/missing" -s "$T/cmds" 127.0.0.1 "$MAIN_PORT"
expect_status 7

# --user with --password-file.
printf '%s\n' "$FTP_PASSWORD" > "$T/pw"
chmod 600 "$T/pw"
HOME=$T/none run "$FTPC" "${S[@]}" --user "$FTP_USER" --password-file "$T/pw" -s "$T/cmds" 127.0.0.1 "$MAIN_PORT"
expect_status 0
expect_in "$T/out" "$MAIN_ROOT"
chmod 640 "$T/pw"
HOME=$T/none run "$FTPC" "${S[@]}" --user "$FTP_USER" --password-file "$T/pw" -s "$T/cmds" 127.0.0.1 "$MAIN_PORT"
expect_status 7
expect_in "$T/err" "others can read or write it"
# A secrets file longer than 64 KiB is refused, never cut to what fits.
{ printf '%s\n' "$FTP_PASSWORD"; head -c 70000 /dev/zero | tr '\0' x; } > "$T/pw"
chmod 600 "$T/pw"
HOME=$T/none run "$FTPC" "${S[@]}" --user "$FTP_USER" --password-file "$T/pw" -s "$T/cmds" 127.0.0.1 "$MAIN_PORT"
expect_status 7
expect_in "$T/err" "$T/pw is too long (over 65535 bytes)"

# IBM i batch input: the first line is "name password"; -o keeps the replies.
# A batch file that holds a password is refused while others can read it,
# before anything is sent.
printf '%s %s\npwd\nls no-such-file-%s\npwd\n' "$FTP_USER" "$FTP_PASSWORD" "$$" > "$T/cmds"
chmod 644 "$T/cmds"
HOME=$T/none run "$FTPC" "${S[@]}" -d -s "$T/cmds" 127.0.0.1 "$MAIN_PORT"
expect_status 7
expect_in "$T/err" "$T/cmds holds a password (line 1) but others can read or write it (chmod 600"
expect_not_in "$T/err" "---> "
expect_no_password
chmod 600 "$T/cmds"
HOME=$T/none run "$FTPC" "${S[@]}" -v -o "$T/output.txt" -s "$T/cmds" 127.0.0.1 "$MAIN_PORT"
[ "$status" = 0 ] || [ "$status" = 6 ] || fail "status $status"
expect_in "$T/output.txt" "230 Login successful."
expect_in "$T/output.txt" "$MAIN_ROOT"
expect_not_in "$T/output.txt" "$FTP_PASSWORD"
expect_no_password

# Stop at the first failure, or --continue: the status is the first failure's.
printf 'user %s\ncd no-such-dir-%s\nmkdir made-%s\n' "$FTP_USER" "$$" "$$" > "$T/cmds"
FTPC_PASSWORD=$FTP_PASSWORD run "$FTPC" "${S[@]}" -s "$T/cmds" 127.0.0.1 "$MAIN_PORT"
expect_status 6
expect_in "$T/err" "line 2: cd refused: 550"
[ ! -d "$MAIN_ROOT/made-$$" ] || fail "the batch went on after a failure"
FTPC_PASSWORD=$FTP_PASSWORD run "$FTPC" "${S[@]}" --continue -s "$T/cmds" 127.0.0.1 "$MAIN_PORT"
expect_status 6
[ -d "$MAIN_ROOT/made-$$" ] || fail "--continue did not go on"
rmdir "$MAIN_ROOT/made-$$"

# One-shot URLs. ftpes:// is explicit FTPS; the path is relative to the login folder.
head -c 50000 /dev/urandom > "$T/u.bin"
export FTPC_PASSWORD
FTPC_PASSWORD=$FTP_PASSWORD
run "$FTPC" "${S[@]}" put "$T/u.bin" "ftpes://$FTP_USER@127.0.0.1:$MAIN_PORT/"
expect_status 0
cmp "$T/u.bin" "$MAIN_ROOT/u.bin" || fail "URL put differs"
run "$FTPC" "${S[@]}" get "ftpes://$FTP_USER@127.0.0.1:$MAIN_PORT/u.bin" "$T/u.back"
expect_status 0
cmp "$T/u.bin" "$T/u.back" || fail "URL get differs"
run "$FTPC" "${S[@]}" ls "ftpes://$FTP_USER@127.0.0.1:$MAIN_PORT/"
expect_status 0
expect_in "$T/out" "u.bin"
# %2F makes the path absolute; the user is percent-decoded.
enc_root=$(printf '%s' "$MAIN_ROOT" | sed 's|/|%2F|g')
user_enc=$(printf '%s' "$FTP_USER" | sed 's/-/%2D/g')
run "$FTPC" "${S[@]}" get "ftpes://$user_enc@127.0.0.1:$MAIN_PORT/$enc_root/u.bin" "$T/u.abs"
expect_status 0
cmp "$T/u.bin" "$T/u.abs" || fail "absolute URL path"
# ftps:// is implicit.
run "$FTPC" "${S[@]}" -d put "$T/u.bin" "ftps://$FTP_USER@127.0.0.1:$IMPLICIT_PORT/i.bin"
expect_status 0
expect_not_in "$T/err" "AUTH TLS"
cmp "$T/u.bin" "$IMPLICIT_ROOT/i.bin" || fail "ftps:// put differs"
rm -f "$IMPLICIT_ROOT/i.bin" "$MAIN_ROOT/u.bin"
# ftp:// is refused without --seccnn none; with it, this server refuses clear logins.
run "$FTPC" "${S[@]}" ls "ftp://$FTP_USER@127.0.0.1:$MAIN_PORT/"
expect_status 2
expect_in "$T/err" "ftp:// is clear text: add --seccnn none"
run "$FTPC" --seccnn none ls "ftp://$FTP_USER@127.0.0.1:$MAIN_PORT/"
expect_status 5
# A password in the URL works, with a warning; it is never printed.
unset FTPC_PASSWORD
run "$FTPC" "${S[@]}" ls "ftpes://$FTP_USER:$FTP_PASSWORD@127.0.0.1:$MAIN_PORT/"
expect_status 0
expect_in "$T/err" "warning: a password in a URL can be seen"
expect_not_in "$T/err" "$FTP_PASSWORD"
# No user anywhere: a clear error.
HOME=$T/none run "$FTPC" "${S[@]}" ls "ftpes://127.0.0.1:$MAIN_PORT/"
expect_status 5
expect_in "$T/err" "no user name"
run "$FTPC" "${S[@]}" get "ftpes://127.0.0.1:$MAIN_PORT/a%0d%0aDELE%20x"
expect_status 2
expect_in "$T/err" "CR or LF"
run "$FTPC" "${S[@]}" get "http://127.0.0.1/x"
expect_status 2

# Exit codes: usage 2, connection 3, TLS 4, login 5, server 6, local 7, store 8.
run "$FTPC" --bogus
expect_status 2
printf 'user %s\nget %s/u.back x\n' "$FTP_USER" "$T/no/such/dir" > "$T/cmds"
FTPC_PASSWORD=$FTP_PASSWORD run "$FTPC" "${S[@]}" -s "$T/cmds" 127.0.0.1 "$MAIN_PORT"
expect_status 6
printf 'user %s\nput %s/nothing.bin x\n' "$FTP_USER" "$T" > "$T/cmds"
FTPC_PASSWORD=$FTP_PASSWORD run "$FTPC" "${S[@]}" -s "$T/cmds" 127.0.0.1 "$MAIN_PORT"
expect_status 7

# Output that cannot be written is a local-file error (7) with one line
# naming it: standard output, -o FILE, and -o FILE over an existing file,
# which a run whose output could not be written leaves as it was.
printf 'user %s\npwd\nmkdir late-%s\n' "$FTP_USER" "$$" > "$T/cmds"
set +e
FTPC_PASSWORD=$FTP_PASSWORD "$FTPC" "${S[@]}" -s "$T/cmds" 127.0.0.1 "$MAIN_PORT" > /dev/full 2> "$T/err"
status=$?
set -e
expect_status 7
expect_in "$T/err" "ftpc: line 2: cannot write to standard output"
[ "$(grep -c 'cannot write' "$T/err")" = 1 ] || { cat "$T/err" >&2; fail "not one line for the failed write"; }
[ ! -d "$MAIN_ROOT/late-$$" ] || fail "the batch went on after a failed write"
echo listed > "$MAIN_ROOT/listed-$$"
set +e
FTPC_PASSWORD=$FTP_PASSWORD "$FTPC" "${S[@]}" ls "ftpes://$FTP_USER@127.0.0.1:$MAIN_PORT/" > /dev/full 2> "$T/err"
status=$?
set -e
rm "$MAIN_ROOT/listed-$$"
expect_status 7
expect_in "$T/err" "ftpc: cannot write to standard output"
FTPC_PASSWORD=$FTP_PASSWORD run "$FTPC" "${S[@]}" -o /dev/full -s "$T/cmds" 127.0.0.1 "$MAIN_PORT"
expect_status 7
expect_in "$T/err" "cannot write to /dev/full"
[ ! -d "$MAIN_ROOT/late-$$" ] || fail "the batch went on after a failed write to -o"
# A folder with no room: the old output stays, nothing is left beside it.
mkdir "$T/small"
mount -t tmpfs -o size=16k tmpfs "$T/small"
trap 'umount "$T/small" 2>/dev/null || true; rm -rf "$T"' EXIT
echo "the old output" > "$T/small/output.txt"
head -c 8000 /dev/zero > "$T/small/filler"
printf 'user %s\n' "$FTP_USER" > "$T/cmds"
for _ in $(seq 200); do echo pwd; done >> "$T/cmds"
FTPC_PASSWORD=$FTP_PASSWORD run "$FTPC" "${S[@]}" -v -o "$T/small/output.txt" -s "$T/cmds" 127.0.0.1 "$MAIN_PORT"
expect_status 7
expect_in "$T/err" "cannot write to $T/small/output.txt"
[ "$(cat "$T/small/output.txt")" = "the old output" ] || fail "-o replaced the old output with a partial one"
[ "$(ls "$T/small")" = "$(printf 'filler\noutput.txt')" ] || { ls -la "$T/small" >&2; fail "-o left a file beside FILE"; }
# With room, it is replaced.
rm "$T/small/filler"
printf 'user %s\npwd\n' "$FTP_USER" > "$T/cmds"
FTPC_PASSWORD=$FTP_PASSWORD run "$FTPC" "${S[@]}" -v -o "$T/small/output.txt" -s "$T/cmds" 127.0.0.1 "$MAIN_PORT"
expect_status 0
expect_in "$T/small/output.txt" "$MAIN_ROOT"
umount "$T/small"
# -o /dev/stdout and /dev/stderr are this run's own streams, written as they come.
FTPC_PASSWORD=$FTP_PASSWORD run "$FTPC" "${S[@]}" -v -o /dev/stdout -s "$T/cmds" 127.0.0.1 "$MAIN_PORT"
expect_status 0
expect_in "$T/out" "$MAIN_ROOT"
FTPC_PASSWORD=$FTP_PASSWORD run "$FTPC" "${S[@]}" -v -o /dev/stderr -s "$T/cmds" 127.0.0.1 "$MAIN_PORT"
expect_status 0
expect_in "$T/err" "$MAIN_ROOT"
expect_not_in "$T/out" "$MAIN_ROOT"
echo "ok: batch, credentials and URLs"
