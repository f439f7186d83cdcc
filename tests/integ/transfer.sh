#!/usr/bin/env bash
# transfer.sh BYTES TLSVERSION: upload, list and download a random file over
# explicit FTPS with private data, and compare every byte on both sides.
. "$(dirname "$0")/lib.sh"
size=$1
tls=$2
make_store ca
name="t-$tls-$size-$$.bin"
head -c "$size" /dev/urandom > "$T/$name"
cat > "$T/cmds" <<CMDS
user $FTP_USER
binary
put $T/$name
ls
dir
get $name $T/back.bin
pwd
quit
CMDS
FTPC_PASSWORD=$FTP_PASSWORD run "$FTPC" -d --store "$T/store.db" --tls-min "$tls" --tls-max "$tls" \
    -s "$T/cmds" 127.0.0.1 "$MAIN_PORT"
expect_status 0
cmp "$T/$name" "$MAIN_ROOT/$name" || fail "uploaded file differs"
cmp "$T/$name" "$T/back.bin" || fail "downloaded file differs"
expect_in "$T/out" "$name"                      # ls and dir
expect_in "$T/out" "$MAIN_ROOT"                 # pwd
expect_in "$T/err" "---- TLS TLSv$tls"          # control connection
expect_in "$T/err" "---- certificate 0: CN=localhost,O=ftpc tests; issuer CN=ftpc Test Root CA"
# Four data connections (put, ls, dir, get), each TLS of that version and
# resuming the control session (vsftpd refuses them otherwise).
[ "$(grep -c "data TLS TLSv$tls, .*, session resumed" "$T/err")" = 4 ] || { cat "$T/err"; fail "not every data connection resumed"; }
expect_not_in "$T/err" "session new"
expect_in "$T/err" "---> PASS ****"
expect_no_password
# No temporary file left beside the download.
[ -z "$(find "$T" -name '*.part')" ] || fail "a .part file was left behind"
rm -f "$MAIN_ROOT/$name"
echo "ok: $size bytes over TLS $tls"
