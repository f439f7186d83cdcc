#!/usr/bin/env bash
# Text from a server never drives the terminal (replies, PWD, listings and
# error replies are printed with control bytes as \xNN); 0xFF in a command
# is sent doubled (Telnet IAC); batch lines are bounded and never split;
# a URL's password appears nowhere; ftpc cannot be dumped or traced.
. "$(dirname "$0")/lib.sh"
make_store ca
no_raw_controls() { # file: no ESC, BEL, CR or UTF-8 C1 control byte
    if LC_ALL=C grep -qP '[\x1b\x07\r]|\xc2[\x80-\x9f]' "$1"; then
        cat -v "$1" >&2
        fail "raw control bytes in $(basename "$1")"
    fi
}

# 1. A server whose replies, folder name and listing carry escape sequences.
printf 'user someone pw\npwd\nls\ndelete x\nquote SITE caf\377\n' > "$T/cmds"
chmod 600 "$T/cmds"
hostile escapes
run "$FTPC" -v -d --continue --store "$T/store.db" -s "$T/cmds" 127.0.0.1 "$HOSTILE_PORT"
hostile_stop
expect_status 6   # the refused DELE and SITE
for f in "$T/out" "$T/err"; do no_raw_controls "$f"; done
expect_in "$T/err" '220 \x1b]0;owned-title\x07 welcome \x1b[2J'
expect_in "$T/out" '/\x1b[31mred\xc2\x9b2J'
expect_in "$T/out" 'evil\x1b]0;x\x07.txt'
expect_in "$T/out" 'bad\x0dover.txt'
expect_in "$T/out" 'plain.txt'
expect_in "$T/err" '550 no \x1b[1mbold\x1b[0m file here'
expect_in "$T/err" '---> SITE caf\xff'
# On the wire the 0xFF byte went doubled, as RFC 959's Telnet rules ask.
LC_ALL=C grep -qaP '^CMD SITE caf\xff\xff\r$' "$T/hostile.log" || { cat -v "$T/hostile.log" >&2; fail "IAC not doubled"; }

# 2. Batch lines: one longer than the limit is one error, never two
# subcommands; a NUL byte is an error; nothing on either line runs.
{ echo lpwd; printf 'lcd /%.0s' $(seq 1 2000); echo; printf 'lc\0d /\n'; echo lpwd; } > "$T/long"
run "$FTPC" --continue --store "$T/store.db" -s "$T/long"
expect_status 2
expect_in "$T/err" "line 2: longer than 8191 bytes: nothing on it was run"
expect_in "$T/err" "line 3: holds a NUL byte: nothing on it was run"
[ "$(wc -l < "$T/err")" = 2 ] || { cat "$T/err" >&2; fail "a long line gave more than one error"; }
[ "$(grep -c . "$T/out")" = 2 ] || { cat "$T/out" >&2; fail "lpwd did not run twice"; }
[ "$(sort -u "$T/out")" = "$(pwd)" ] || fail "an lcd from a rejected line ran"

# 3. A URL's password is masked in every message.
run "$FTPC" --store "$T/store.db" get "ftpes://u:S3cretXYZ@127.0.0.1:99999/x"
expect_status 2
expect_in "$T/err" "ftpes://u:****@127.0.0.1:99999/x"
expect_not_in "$T/err" "S3cretXYZ"
run "$FTPC" --store "$T/store.db" get "ftpes://u:S3cretXYZ@127.0.0.1/dir/"
expect_status 2
expect_in "$T/err" "ftpes://u:****@127.0.0.1/dir/"
expect_not_in "$T/err" "S3cretXYZ"

# 4. While it waits for a greeting, a plain user's ftpc shows no password in
# ps, cannot be dumped (its /proc files belong to root) and has no core limit.
shared_folder ftpc
(umask 077; "$TRUSTD" --store "$shared/store/trust.db" import "$PKI/ca.pem" > /dev/null)
nobody_uid=$(id -u nobody)
hostile silent
setpriv --reuid="$nobody_uid" --regid="$(id -g nobody)" --clear-groups \
    "$shared/ftpc" --timeout 5 --store "$shared/store/trust.db" \
    get "ftpes://u:S3cretXYZ@127.0.0.1:$HOSTILE_PORT/x" "$shared/x" > "$T/out" 2> "$T/err" &
pid=$!
for _ in $(seq 1 50); do
    [ "$(stat -c %u "/proc/$pid" 2>/dev/null)" = "$nobody_uid" ] && grep -q "^Uid:.*$nobody_uid" "/proc/$pid/status" && break
    sleep 0.1
done
sleep 0.5
grep -q "^Uid:[[:space:]]*$nobody_uid" "/proc/$pid/status" || { cat "$T/err" >&2; fail "ftpc is not running as nobody"; }
tr '\0' ' ' < "/proc/$pid/cmdline" > "$T/cmdline"
expect_not_in "$T/cmdline" "S3cretXYZ"
expect_in "$T/cmdline" "u:*********@127.0.0.1"
[ "$(stat -c %u "/proc/$pid/environ")" = 0 ] || fail "ftpc is dumpable (its /proc files belong to its user)"
grep -q "^Max core file size *0 *0 " "/proc/$pid/limits" || { cat "/proc/$pid/limits" >&2; fail "core dumps not off"; }
set +e
wait "$pid"
status=$?
set -e
hostile_stop
expect_status 3
expect_not_in "$T/err" "S3cretXYZ"
echo "ok: untrusted text, IAC, bounded lines, URL passwords, no dumps"
