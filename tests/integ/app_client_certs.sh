#!/usr/bin/env bash
# An application's assigned client certificates, presented by ftpc with no
# --cert: accepted by vsftpd (require_cert) and ProFTPD (TLSVerifyClient
# on) on the control and every data connection; the one a server's CA
# names ask for is picked among several; --cert overrides them for one
# run; status and -d say which was presented; a plain user who may not
# read the application's key file is told which file and permission (and
# no server is contacted), and one in the key file's group presents it.
. "$(dirname "$0")/lib.sh"
shared_folder ftpc
mkdir -m 755 "$shared/store"
S=$shared/store/trust.db
"$TRUSTD" --store "$S" import "$PKI/ca.pem" > /dev/null
for c in client client-other client-ec; do
    cat "$PKI/$c.pem" "$PKI/$c.key" > "$T/$c.pem"
done
"$TRUSTD" --store "$S" app cert assign ftp-client "$T/client.pem" > /dev/null
mkdir -m 777 "$shared/dl"
head -c 300000 /dev/urandom > "$shared/f"
chmod 644 "$shared/f"
printf 'user %s\nput %s f\nget f %s/dl/back\nstatus\n' "$FTP_USER" "$shared/f" "$shared" > "$shared/cmds"
chmod 644 "$shared/cmds"
ftpc() { run env FTPC_PASSWORD="$FTP_PASSWORD" "$FTPC" --store "$S" "$@"; }
fresh() { rm -f "$shared/dl/back"; }

# vsftpd with require_cert=YES: the assigned certificate, on control and data.
server clientcert
fresh
ftpc -d -s "$shared/cmds" 127.0.0.1 "$PORT"
expect_status 0
cmp "$shared/f" "$shared/dl/back" || fail "vsftpd: download differs"
expect_in "$T/err" "---- client certificates: 'ftpc test client' (RSA 2048) (application ftp-client)"
expect_in "$T/err" "---- client certificate presented: 'ftpc test client' (RSA 2048)"
[ "$(grep -c 'data TLS.*session resumed' "$T/err")" = 2 ] || fail "data connections did not resume"
expect_in "$T/out" "Client certificates: 'ftpc test client' (RSA 2048) (application ftp-client)"
expect_in "$T/out" "Client certificate presented: 'ftpc test client' (RSA 2048)"
expect_no_password

# ProFTPD with TLSVerifyClient on: its TLS log names the client.
server proclientcert
mark=$(wc -l < "$TLSLOG")
fresh
ftpc -s "$shared/cmds" 127.0.0.1 "$PORT"
expect_status 0
cmp "$shared/f" "$shared/dl/back" || fail "ProFTPD: download differs"
tail -n +"$((mark + 1))" "$TLSLOG" > "$T/tlslog"
expect_in "$T/tlslog" "Client: O = ftpc tests, CN = ftpc test client"
expect_in "$T/tlslog" "client reused TLS session for data connection"

# Several certificates: the first is from the other CA. Each server gets
# the one its CA names ask for, whatever the order.
"$TRUSTD" --store "$S" app add jobs > /dev/null
"$TRUSTD" --store "$S" app cert assign jobs "$T/client-other.pem" > /dev/null
"$TRUSTD" --store "$S" app cert assign jobs "$T/client.pem" > /dev/null
server clientcert
fresh
ftpc --appid jobs -d -s "$shared/cmds" 127.0.0.1 "$PORT"
expect_status 0
expect_in "$T/err" "---- client certificate presented: 'ftpc test client' (RSA 2048)"
server clientcertother
fresh
ftpc --appid jobs -d -s "$shared/cmds" 127.0.0.1 "$PORT"
expect_status 0
expect_in "$T/err" "---- client certificate presented: 'ftpc test client of the other CA' (RSA 2048)"
cmp "$shared/f" "$shared/dl/back" || fail "other CA: download differs"

# --cert overrides the application's certificates for one run: the other
# CA's alone is refused by the server that trusts the root only.
server clientcert
ftpc --appid jobs --cert "$T/client-other.pem" -d -s "$shared/cmds" 127.0.0.1 "$PORT"
[ "$status" = 4 ] || [ "$status" = 3 ] || { cat "$T/err"; fail "--cert did not override: status $status"; }
expect_in "$T/err" "---- client certificates: $T/client-other.pem (command line)"
expect_in "$T/err" "---- client certificate presented: $T/client-other.pem"
# An EC certificate from the root serves as well.
"$TRUSTD" --store "$S" app cert remove jobs 'ftpc test client' > /dev/null
"$TRUSTD" --store "$S" app cert assign jobs "$T/client-ec.pem" > /dev/null
fresh
ftpc --appid jobs -d -s "$shared/cmds" 127.0.0.1 "$PORT"
expect_status 0
expect_in "$T/err" "---- client certificate presented: 'ftpc test client EC' (EC P-256)"

# A plain user and a key file of mode 0600: which file, which permission,
# and nothing sent to any server.
keyfile=$S.keys/ftp-client.key
[ "$(stat -c %a "$keyfile")" = 600 ] || fail "key file is not 0600"
connections=$(grep -c . "$LOG" || true)
run runuser -u nobody -- env FTPC_PASSWORD="$FTP_PASSWORD" "$shared/ftpc" --store "$S" \
    -s "$shared/cmds" 127.0.0.1 "$PORT"
expect_status 7
expect_in "$T/err" "cannot read the private key of application ftp-client: $keyfile is mode 0600, owner root, group root, and you (nobody, uid $(id -u nobody)) may not read it"
expect_in "$T/err" "present your own with --cert and --key"
[ "$(grep -c . "$LOG" || true)" = "$connections" ] || fail "the server was contacted"
# The key file's group: 0640, and a member of the group presents it.
group=ftpc-keys-$$
groupadd "$group"
trap 'groupdel "$group" 2>/dev/null; rm -rf "$T" "$shared"' EXIT
"$TRUSTD" --store "$S" app cert group ftp-client "$group" > /dev/null
[ "$(stat -c '%a %G' "$keyfile")" = "640 $group" ] || fail "key file is not 0640 $group"
run runuser -u nobody -- env FTPC_PASSWORD="$FTP_PASSWORD" "$shared/ftpc" --store "$S" \
    -s "$shared/cmds" 127.0.0.1 "$PORT"
expect_status 7
expect_in "$T/err" "you are not in that group"
fresh
run setpriv --reuid=nobody --regid=nogroup --groups="$(getent group "$group" | cut -d: -f3)" -- \
    env HOME=/nonexistent FTPC_PASSWORD="$FTP_PASSWORD" "$shared/ftpc" --store "$S" -s "$shared/cmds" 127.0.0.1 "$PORT"
expect_status 0
expect_in "$T/out" "Client certificate presented: 'ftpc test client' (RSA 2048)"
cmp "$shared/f" "$shared/dl/back" || fail "group member: download differs"
echo "ok: application client certificates"
