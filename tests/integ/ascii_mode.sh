#!/usr/bin/env bash
# TYPE A: LF files go up as CRLF and come back as LF.
. "$(dirname "$0")/lib.sh"
make_store ca
printf 'one\ntwo\n\nthree\n' > "$T/text.txt"
printf 'user %s\nascii\nput %s text-%s.txt\nget text-%s.txt %s\nbinary\nget text-%s.txt %s\n' \
    "$FTP_USER" "$T/text.txt" "$$" "$$" "$T/back.txt" "$$" "$T/raw.txt" > "$T/cmds"
FTPC_PASSWORD=$FTP_PASSWORD run "$FTPC" --store "$T/store.db" -s "$T/cmds" 127.0.0.1 "$MAIN_PORT"
expect_status 0
cmp "$T/text.txt" "$T/back.txt" || fail "ASCII round trip changed the file"
# vsftpd stores what it received; its ASCII mode is off by default, so the
# CRLF form is on the server.
[ "$(wc -c < "$T/raw.txt")" = $(( $(wc -c < "$T/text.txt") + 4 )) ] || fail "CRLF not sent in ASCII mode"
rm -f "$MAIN_ROOT/text-$$.txt"
echo "ok: ascii mode"
