#!/usr/bin/env bash
# The CA is in the store, but ftp-client's trust list names only another CA:
# refused. Then putting the right CA on the list makes the same login work.
. "$(dirname "$0")/lib.sh"
make_store ca other-ca
"$TRUSTD" --store "$T/store.db" app trust ftp-client "$(fingerprint "$PKI/other-ca.pem")" > /dev/null
printf 'user %s\npwd\n' "$FTP_USER" > "$T/cmds"
FTPC_PASSWORD=$FTP_PASSWORD run "$FTPC" -d --store "$T/store.db" -s "$T/cmds" 127.0.0.1 "$MAIN_PORT"
expect_status 4
expect_in "$T/err" "server certificate for 127.0.0.1 not trusted: the CA CN=ftpc Test Root CA,O=ftpc tests that issued it is in the trust store but not on application ftp-client's CA trust list"
expect_in "$T/err" "trustd --store $T/store.db app trust ftp-client $(fingerprint "$PKI/ca.pem")"
expect_not_in "$T/err" "---> USER"
expect_no_password

# With the right CA on the list the same login works; an unknown application id does not.
"$TRUSTD" --store "$T/store.db" app trust ftp-client "$(fingerprint "$PKI/ca.pem" | cut -c1-12)" > /dev/null
FTPC_PASSWORD=$FTP_PASSWORD run "$FTPC" --store "$T/store.db" -s "$T/cmds" 127.0.0.1 "$MAIN_PORT"
expect_status 0
expect_in "$T/out" "$MAIN_ROOT"

FTPC_PASSWORD=$FTP_PASSWORD run "$FTPC" --store "$T/store.db" --appid no-such-app -s "$T/cmds" 127.0.0.1 "$MAIN_PORT"
expect_status 8
expect_in "$T/err" "application 'no-such-app' is not defined"
echo "ok: trust list enforced"
